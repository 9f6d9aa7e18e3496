"""Import (issue 18, docs/import.md) through the real servers: each
configuration hands the importer's multipart upload to importer.cgi (CGI
and FastCGI, under a prefix), and the whole flow -- upload, mapping,
accept_fields, accept_rows -- creates the parts; a FastCGI process serves
a second upload after the first."""
import uuid

BOUNDARY = "----StockroomHttpImport42"


def upload(srv, auth, text, name="parts.csv"):
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            "name=\"model_type\"\r\n\r\npart\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f"name=\"data_file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + text.encode(
                "cp1252") + f"\r\n--{BOUNDARY}--\r\n".encode()
    return srv.request("POST", "/api/importer/session/", headers=auth,
                       body=body, content_type="multipart/form-data; "
                       f"boundary={BOUNDARY}")


def test_import_through_the_server(srv):
    auth = srv.token_headers("http-import")
    tag = uuid.uuid4().hex[:8]     # the servers share one tree per kind
    for round in range(2):          # twice: a FastCGI process goes on
        text = (f"Name;IPN;Description\r\nImp {tag} {round} a;I-{tag}-{round}a;"
                f"Größe 1\r\nImp {tag} {round} b;I-{tag}-{round}b;“quoted”\r\n")
        r = upload(srv, auth, text)
        assert r.status == 201, r
        s = r.json()
        assert s["encoding"] == "windows-1252" and s["delimiter"] == ";"
        assert s["row_count"] == 2
        r = srv.request("POST", f"/api/importer/session/{s['pk']}/"
                        "accept_fields/", headers=auth, body={})
        assert r.status == 200 and r.json()["status"] == 30, r
        r = srv.get(f"/api/importer/row/?session={s['pk']}", headers=auth)
        rows = r.json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        assert all(x["valid"] for x in rows), rows
        r = srv.request("POST", f"/api/importer/session/{s['pk']}/"
                        "accept_rows/", headers=auth,
                        body={"rows": [x["pk"] for x in rows]})
        assert r.status == 201 and len(r.json()["created"]) == 2, r
    r = srv.get(f"/api/part/?search={tag}&ordering=name", headers=auth)
    parts = r.json()
    parts = parts["results"] if isinstance(parts, dict) else parts
    assert [p["description"] for p in parts] == [
        "Größe 1", "“quoted”", "Größe 1", "“quoted”"]
    assert upload(srv, {}, "name\nx\n").status == 401
