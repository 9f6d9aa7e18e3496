"""CGI-level tests of attachment.cgi (/api/attachment/) and of multipart
bodies through req_data(): uploads, links, listing by object, permissions
that follow the part or stock item, and files removed with their rows."""
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILD, check_sanitizer, make_user

BOUNDARY = "----StockroomTestBoundary7MA4YWxkTrZu0gW"


def multipart(fields=(), files=(), boundary=BOUNDARY):
    """Encodes a multipart/form-data body: fields are (name, value) pairs,
    files (name, filename, content type, bytes).  Returns (content type,
    body)."""
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"\r\n\r\n").encode() + value.encode() + b"\r\n"
    for name, filename, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode("utf-8") + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


def media_files(site):
    root = site.data / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def tmp_files(site):
    root = site.data / "tmp"
    return sorted(root.iterdir()) if root.exists() else []


@pytest.fixture
def world(site, admin):
    part = site.cgi("part", method="POST", path="/api/part/",
                    body={"name": "Resistor 10k"}, headers=admin)
    assert part.status == 201, part
    other = site.cgi("part", method="POST", path="/api/part/",
                     body={"name": "Capacitor"}, headers=admin)
    item = site.cgi("stock", method="POST", path="/api/stock/",
                    body={"part": part.json()["pk"], "quantity": 5},
                    headers=admin)
    assert item.status == 201, item
    item = item.json()
    pk = item["pk"] if "pk" in item else item[0]["pk"]
    return {"part": part.json()["pk"], "other": other.json()["pk"],
            "item": pk}


def upload(site, headers, model_type, model_id, data=b"hello, world\n",
           filename="notes.txt", comment="", ctype="text/plain", **kw):
    fields = [("model_type", model_type), ("model_id", str(model_id))]
    if comment:
        fields.append(("comment", comment))
    ct, body = multipart(fields, [("attachment", filename, ctype, data)])
    return site.cgi("attachment", method="POST", body=body, content_type=ct,
                    headers=headers, **kw)


def test_upload_file_to_part(site, admin, world):
    data = os.urandom(200000)
    r = upload(site, admin, "part", world["part"], data=data,
               filename="datasheet.pdf", comment="from the maker")
    assert r.status == 201, r
    a = r.json()
    assert a["model_type"] == "part" and a["model_id"] == world["part"]
    assert a["filename"] == "datasheet.pdf"
    assert a["file_size"] == len(data)
    assert a["comment"] == "from the maker"
    assert a["link"] == ""
    assert a["upload_user"] == admin.pk
    assert a["attachment"].startswith("/media/attachments/")
    # Stored under a generated name, two-level fan-out, not the client's.
    files = media_files(site)
    assert len(files) == 1
    rel = files[0].relative_to(site.data / "media")
    assert a["attachment"] == "/media/" + str(rel)
    parts = rel.parts
    assert parts[0] == "attachments" and len(parts[1]) == 2
    assert parts[2].startswith(parts[1]) and len(parts[2]) == 32
    assert "datasheet" not in str(rel)
    assert files[0].read_bytes() == data
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert tmp_files(site) == []
    d = site.cgi("attachment", path=f"/api/attachment/{a['pk']}/",
                 headers=admin)
    assert d.status == 200 and d.json() == a


def test_urls_carry_install_prefix(site, admin, world):
    r = upload(site, admin, "part", world["part"],
               request_uri="/stock/api/attachment/")
    assert r.status == 201, r
    assert r.json()["attachment"].startswith("/stock/media/attachments/")


def test_non_ascii_filename_kept_in_database(site, admin, world):
    name = "Prüfbericht €.txt"
    r = upload(site, admin, "stockitem", world["item"], filename=name)
    assert r.status == 201, r
    assert r.json()["filename"] == name


def test_link_attachment_json_and_form(site, admin, world):
    r = site.cgi("attachment", method="POST", headers=admin, body={
        "model_type": "part", "model_id": world["part"],
        "link": "https://example.org/datasheet", "comment": "web"})
    assert r.status == 201, r
    a = r.json()
    assert a["attachment"] is None and a["link"] == "https://example.org/datasheet"
    assert a["filename"] == "" and a["file_size"] == 0
    ct, body = multipart([("model_type", "part"),
                          ("model_id", str(world["part"])),
                          ("link", "http://example.com/x")])
    r = site.cgi("attachment", method="POST", headers=admin, body=body,
                 content_type=ct)
    assert r.status == 201, r
    assert media_files(site) == []


@pytest.mark.parametrize("link", [
    "ftp://example.org/x", "javascript:alert(1)", "https://", "http:///x",
    "https://exa mple.org/", "example.org", "https://x/" + "a" * 2000])
def test_bad_links(site, admin, world, link):
    r = site.cgi("attachment", method="POST", headers=admin, body={
        "model_type": "part", "model_id": world["part"], "link": link})
    assert r.status == 400, r
    assert "link" in r.json()


def test_validation(site, admin, world):
    def post(body):
        return site.cgi("attachment", method="POST", headers=admin, body=body)
    r = post({})
    assert r.status == 400
    assert set(r.json()) >= {"model_type", "model_id", "attachment"}
    r = post({"model_type": "build", "model_id": 1, "link": "https://a.b/"})
    assert r.status == 400 and "model_type" in r.json()
    r = post({"model_type": "part", "model_id": "x", "link": "https://a.b/"})
    assert r.status == 400 and "model_id" in r.json()
    r = post({"model_type": "part", "model_id": 999999,
              "link": "https://a.b/"})
    assert r.status == 400 and "model_id" in r.json()
    r = post({"model_type": "part", "model_id": world["part"],
              "link": "https://a.b/", "comment": "c" * 251})
    assert r.status == 400 and "comment" in r.json()
    # A file and a link at once.
    ct, body = multipart([("model_type", "part"),
                          ("model_id", str(world["part"])),
                          ("link", "https://a.b/")],
                         [("attachment", "a.txt", "text/plain", b"x")])
    r = site.cgi("attachment", method="POST", headers=admin, body=body,
                 content_type=ct)
    assert r.status == 400, r
    assert media_files(site) == [] and tmp_files(site) == []


def test_list_filters_and_pagination(site, admin, world):
    for i in range(3):
        assert upload(site, admin, "part", world["part"],
                      comment=f"p{i}").status == 201
    assert upload(site, admin, "part", world["other"]).status == 201
    assert upload(site, admin, "stockitem", world["item"]).status == 201
    r = site.cgi("attachment", headers=admin)
    assert r.status == 200 and len(r.json()) == 5
    r = site.cgi("attachment", headers=admin,
                 query=f"model_type=part&model_id={world['part']}")
    assert [a["comment"] for a in r.json()] == ["p0", "p1", "p2"]
    r = site.cgi("attachment", headers=admin, query="model_type=stockitem")
    assert len(r.json()) == 1
    r = site.cgi("attachment", headers=admin,
                 query=f"model_type=part&model_id={world['part']}&limit=2"
                       "&ordering=-pk")
    page = r.json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["results"][0]["comment"] == "p2"
    assert page["next"] is not None
    r = site.cgi("attachment", headers=admin, query="model_type=nope")
    assert r.status == 400 and "model_type" in r.json()
    r = site.cgi("attachment", headers=admin, query="model_id=x")
    assert r.status == 400


def test_permissions_follow_the_object(site, admin, world):
    pa = upload(site, admin, "part", world["part"]).json()
    sa = upload(site, admin, "stockitem", world["item"]).json()
    viewer = make_user(site, "viewer", roles={"part": ["view"]})
    editor = make_user(site, "editor", roles={"part": ["change"]})
    stocky = make_user(site, "stocky", roles={"stock": ["view"]})

    # Lists show only what the user may view.
    assert [a["pk"] for a in site.cgi("attachment", headers=viewer).json()] \
        == [pa["pk"]]
    assert [a["pk"] for a in site.cgi("attachment", headers=stocky).json()] \
        == [sa["pk"]]
    # Detail of a hidden object's attachment: 404, not 403.
    r = site.cgi("attachment", path=f"/api/attachment/{sa['pk']}/",
                 headers=viewer)
    assert r.status == 404
    assert site.cgi("attachment", path=f"/api/attachment/{pa['pk']}/",
                    headers=viewer).status == 200
    # Viewing is not changing.
    r = upload(site, viewer, "part", world["part"])
    assert r.status == 403, r
    r = site.cgi("attachment", method="PATCH", headers=viewer,
                 path=f"/api/attachment/{pa['pk']}/", body={"comment": "x"})
    assert r.status == 403
    r = site.cgi("attachment", method="DELETE", headers=viewer,
                 path=f"/api/attachment/{pa['pk']}/")
    assert r.status == 403
    # A user who cannot see the object cannot learn that it exists.
    r = upload(site, stocky, "part", world["part"])
    assert r.status == 400 and "model_id" in r.json()
    # change on part: may add, change and delete part attachments.
    r = upload(site, editor, "part", world["part"])
    assert r.status == 201, r
    r = site.cgi("attachment", method="PATCH", headers=editor,
                 path=f"/api/attachment/{pa['pk']}/", body={"comment": "ok"})
    assert r.status == 200 and r.json()["comment"] == "ok"
    r = upload(site, editor, "stockitem", world["item"])
    assert r.status == 400
    # Anonymous: 401.
    assert site.cgi("attachment").status == 401
    assert len(tmp_files(site)) == 0


def test_patch(site, admin, world):
    a = upload(site, admin, "part", world["part"]).json()
    path = f"/api/attachment/{a['pk']}/"
    r = site.cgi("attachment", method="PATCH", path=path, headers=admin,
                 body={"comment": "new"})
    assert r.status == 200 and r.json()["comment"] == "new"
    assert r.json()["filename"] == a["filename"]
    r = site.cgi("attachment", method="PATCH", path=path, headers=admin,
                 body={"link": "https://example.org/"})
    assert r.status == 400 and "link" in r.json()
    link = site.cgi("attachment", method="POST", headers=admin, body={
        "model_type": "part", "model_id": world["part"],
        "link": "https://example.org/a"}).json()
    r = site.cgi("attachment", method="PATCH", headers=admin,
                 path=f"/api/attachment/{link['pk']}/",
                 body={"link": "https://example.org/b"})
    assert r.status == 200 and r.json()["link"] == "https://example.org/b"
    r = site.cgi("attachment", method="PATCH", headers=admin,
                 path=f"/api/attachment/{link['pk']}/",
                 body={"link": "ftp://x/"})
    assert r.status == 400


def run_worker(site):
    """One `worker --once`: runs the tasks the request enqueued."""
    proc = subprocess.run([*site.wrap, str(BUILD / "bin" / "worker"),
                           "--once"], env=site.base_env,
                          capture_output=True, timeout=120)
    check_sanitizer(proc, "worker --once")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")


def test_delete_removes_file(site, admin, world):
    a = upload(site, admin, "part", world["part"]).json()
    assert len(media_files(site)) == 1
    r = site.cgi("attachment", method="DELETE", headers=admin,
                 path=f"/api/attachment/{a['pk']}/")
    assert r.status == 204, r
    r = site.cgi("attachment", path=f"/api/attachment/{a['pk']}/",
                 headers=admin)
    assert r.status == 404
    # The delete's event enqueued a media_sweep task; a runner removes it.
    db = site.db()
    assert db.execute("SELECT count(*) FROM task WHERE name = 'media_sweep'"
                      " AND status = 'pending'").fetchone()[0] == 1
    run_worker(site)
    assert media_files(site) == []
    assert db.execute("SELECT count(*) FROM media_orphan").fetchone()[0] == 0


def test_deleting_the_part_drops_its_attachments(site, admin, world):
    upload(site, admin, "part", world["other"])
    r = site.cgi("part", method="PATCH", path=f"/api/part/{world['other']}/",
                 body={"active": False}, headers=admin)
    assert r.status == 200, r
    r = site.cgi("part", method="DELETE", path=f"/api/part/{world['other']}/",
                 headers=admin)
    assert r.status == 204, r
    assert site.cgi("attachment", headers=admin).json() == []
    db = site.db()
    # The bytes wait in media_orphan for the media_sweep task.
    assert db.execute("SELECT count(*) FROM media_orphan").fetchone()[0] == 1


# --- multipart bodies through req_data() ----------------------------------

def test_upload_over_max_upload_size_is_413(site, admin, world):
    r = upload(site, admin, "part", world["part"], data=b"x" * 5000,
               env={"STOCKROOM_MAX_UPLOAD_SIZE": "4096"})
    assert r.status == 413, r
    assert "4096" in r.json()["detail"]
    assert tmp_files(site) == [] and media_files(site) == []


def test_multipart_cap_is_not_max_body_size(site, admin, world):
    r = upload(site, admin, "part", world["part"], data=b"x" * 300000,
               env={"STOCKROOM_MAX_BODY_SIZE": "65536"})
    assert r.status == 201, r
    assert r.json()["file_size"] == 300000


@pytest.mark.parametrize("ct,body", [
    ("multipart/form-data", b"--x\r\n"),
    ("multipart/form-data; boundary=", b"--\r\n"),
    ("multipart/form-data; boundary=" + BOUNDARY,
     f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachment\";"
     f" filename=\"a.txt\"\r\n\r\ntruncated data".encode()),
    ("multipart/form-data; boundary=" + BOUNDARY, b"no boundary here"),
])
def test_malformed_multipart_is_400_and_leaves_nothing(site, admin, ct, body):
    r = site.cgi("attachment", method="POST", headers=admin, body=body,
                 content_type=ct)
    assert r.status == 400, r
    assert "detail" in r.json()
    assert tmp_files(site) == [] and media_files(site) == []


def test_too_many_parts(site, admin, world):
    ct, body = multipart([(f"f{i}", "v") for i in range(100)])
    r = site.cgi("attachment", method="POST", headers=admin, body=body,
                 content_type=ct)
    assert r.status == 400 and "parts" in r.json()["detail"]


def test_short_body_is_400(site, admin, world):
    ct, body = multipart([("model_type", "part")],
                         [("attachment", "a.bin", "application/octet-stream",
                           b"y" * 1000)])
    r = site.cgi("attachment", method="POST", headers=admin, body=body,
                 content_type=ct, content_length=len(body) + 500)
    assert r.status == 400, r
    assert tmp_files(site) == []


def test_other_programs_take_multipart_forms(site, admin):
    """req_data() gives text parts to every handler as a form would."""
    ct, body = multipart([("name", "From a form"), ("description", "mp")])
    r = site.cgi("part", method="POST", path="/api/part/", body=body,
                 content_type=ct, headers=admin)
    assert r.status == 201, r
    assert r.json()["name"] == "From a form"
