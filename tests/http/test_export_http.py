"""Export (issue 18, docs/export.md) through the real servers: each
configuration passes ?export= to the list's program and streams the file
back with its Content-Type and Content-Disposition (CSV and JSON stream
with no length; XLSX, made whole first, and loaded with dlopen by a
FastCGI process that then serves more requests); the DataOutput's
output URL is under the server's prefix."""
import csv
import io
import json
import urllib.parse
import uuid
import zipfile


def test_export_through_the_server(srv):
    auth = srv.token_headers("http-export")
    tag = uuid.uuid4().hex[:8]     # the servers share one tree per kind
    for i in range(3):
        r = srv.request("POST", "/api/part/", headers=auth,
                        body={"name": f"Export {tag} {i}",
                              "description": "=1+1" if i == 0 else "plain"})
        assert r.status == 201, r
    q = f"search={tag}&ordering=-name"
    r = srv.get(f"/api/part/?{q}&export=csv", headers=auth)
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/csv")
    assert r.header("Content-Disposition").startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(r.body.decode(), newline="")))
    assert [x["name"] for x in rows] == [f"Export {tag} {i}"
                                          for i in (2, 1, 0)]
    assert rows[2]["description"] == "'=1+1"
    for _ in range(2):      # twice: a FastCGI process keeps the library
        r = srv.get(f"/api/part/?{q}&export=xlsx", headers=auth)
        assert r.status == 200, r
        z = zipfile.ZipFile(io.BytesIO(r.body))
        assert "xl/worksheets/sheet1.xml" in z.namelist()
        # constant_memory mode writes strings inline, in the sheet
        assert f"Export {tag} 2".encode() in z.read(
            "xl/worksheets/sheet1.xml")
    r = srv.get(f"/api/part/?{q}&export=json", headers=auth)
    assert [o["name"] for o in r.json()] == [f"Export {tag} {i}"
                                              for i in (2, 1, 0)]
    r = srv.get(f"/api/part/?{q}&export=true&export_format=xlsx",
                headers=auth)
    assert r.status == 200 and r.json()["complete"] is True, r
    out = r.json()["output"]
    path = urllib.parse.urlsplit(out).path
    prefix = srv.prefix
    assert path == f"{prefix}/api/part/", out
    r = srv.get(out[len(prefix):] if prefix else out, headers=auth)
    assert r.status == 200 and r.body[:2] == b"PK", r
    r = srv.get(f"/api/part/?{q}&export=pdf", headers=auth)
    assert r.status == 400 and "export" in r.json()
    assert srv.get("/api/part/?export=csv").status == 401
