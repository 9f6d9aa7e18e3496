"""CGI-level tests of media.cgi (/media/<path>): who may download a stored
file, how it is labelled, conditional and range requests, and the paths
that must never lead anywhere."""
import os
import sqlite3

import pytest

from conftest import make_user
from test_attachment import multipart, upload

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
       b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff"
       b"\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`"
       b"\x82")


@pytest.fixture
def world(site, admin):
    part = site.cgi("part", method="POST", path="/api/part/",
                    body={"name": "Widget"}, headers=admin).json()["pk"]
    item = site.cgi("stock", method="POST", path="/api/stock/",
                    body={"part": part, "quantity": 1}, headers=admin).json()
    item = item["pk"] if "pk" in item else item[0]["pk"]
    return {"part": part, "item": item}


def attach(site, admin, world, data, filename, model="part"):
    r = upload(site, admin, model, world[model if model == "part" else "item"],
               data=data, filename=filename)
    assert r.status == 201, r
    return r.json()


def get(site, url, headers, method="GET", **kw):
    return site.cgi("media", method=method, path=url, headers=headers, **kw)


def test_download_with_headers(site, admin, world):
    data = b"line one\nline two\n" * 100
    a = attach(site, admin, world, data, "notes.txt")
    r = get(site, a["attachment"], admin)
    assert r.status == 200, r
    assert r.body == data
    assert r.header("Content-Length") == str(len(data))
    assert r.header("Content-Type") == "text/plain; charset=utf-8"
    assert r.header("Content-Disposition") == \
        "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    assert r.header("ETag").startswith('"')
    assert r.header("Last-Modified").endswith(" GMT")
    assert r.header("Accept-Ranges") == "bytes"
    assert r.header("X-Content-Type-Options") == "nosniff"
    h = get(site, a["attachment"], admin, method="HEAD")
    assert h.status == 200 and h.body == b""
    assert h.header("Content-Length") == str(len(data))
    assert h.header("ETag") == r.header("ETag")


def test_images_inline_by_content_not_name(site, admin, world):
    a = attach(site, admin, world, PNG, "photo.png")
    r = get(site, a["attachment"], admin)
    assert r.header("Content-Type") == "image/png"
    assert r.header("Content-Disposition").startswith("inline;")
    assert r.body == PNG
    # Named .png, is not: a download of unknown type.
    a = attach(site, admin, world, b"<script>alert(1)</script>", "fake.png")
    r = get(site, a["attachment"], admin)
    assert r.header("Content-Type") == "application/octet-stream"
    assert r.header("Content-Disposition").startswith("attachment;")
    # HTML is never labelled as such.
    a = attach(site, admin, world, b"<html>x</html>", "page.html")
    r = get(site, a["attachment"], admin)
    assert r.header("Content-Type") == "application/octet-stream"
    assert r.header("Content-Disposition").startswith("attachment;")


def test_non_ascii_filename_disposition(site, admin, world):
    # Quotes escaped in the quoted-string, as RFC 7578 section 4.2 allows.
    a = attach(site, admin, world, b"x", 'Prüf \\"bericht\\".pdf')
    r = get(site, a["attachment"], admin)
    assert r.header("Content-Type") == "application/pdf"
    assert r.header("Content-Disposition") == (
        "attachment; filename=\"Pr__f _bericht_.pdf\"; "
        "filename*=UTF-8''Pr%C3%BCf%20%22bericht%22.pdf")


def test_not_modified(site, admin, world):
    a = attach(site, admin, world, b"abc" * 10, "a.txt")
    r = get(site, a["attachment"], admin)
    etag, lm = r.header("ETag"), r.header("Last-Modified")
    r = get(site, a["attachment"], dict(admin, **{"If-None-Match": etag}))
    assert r.status == 304 and r.body == b""
    assert r.header("ETag") == etag
    r = get(site, a["attachment"],
            dict(admin, **{"If-None-Match": '"other", W/' + etag}))
    assert r.status == 304
    r = get(site, a["attachment"], dict(admin, **{"If-None-Match": '"x"'}))
    assert r.status == 200 and r.body == b"abc" * 10
    r = get(site, a["attachment"], dict(admin, **{"If-Modified-Since": lm}))
    assert r.status == 304
    r = get(site, a["attachment"], dict(
        admin, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}))
    assert r.status == 200
    r = get(site, a["attachment"], dict(admin, **{"If-Modified-Since": "junk"}))
    assert r.status == 200


@pytest.mark.parametrize("rng,status,body,crange", [
    ("bytes=0-9", 206, b"0123456789", "bytes 0-9/100"),
    ("bytes=90-", 206, None, "bytes 90-99/100"),
    ("bytes=95-200", 206, None, "bytes 95-99/100"),
    ("bytes=-5", 206, None, "bytes 95-99/100"),
    ("bytes=-500", 206, None, "bytes 0-99/100"),
    ("bytes=100-", 416, None, "bytes */100"),
    ("bytes=-0", 416, None, "bytes */100"),
    ("bytes=0-1,5-6", 200, None, None),        # several: the whole file
    ("bytes=5-1", 200, None, None),            # malformed: ignored
    ("items=0-1", 200, None, None),
    ("bytes=x-", 200, None, None),
], ids=lambda v: str(v).replace("/", "_").replace(" ", "_"))
def test_ranges(site, admin, world, rng, status, body, crange):
    data = (b"0123456789" * 10)
    a = attach(site, admin, world, data, "digits.txt")
    r = get(site, a["attachment"], dict(admin, Range=rng))
    assert r.status == status, r
    assert r.header("Content-Range") == crange
    if status == 206:
        first, last = map(int, crange.split()[1].split("/")[0].split("-"))
        assert r.body == data[first:last + 1]
        assert r.header("Content-Length") == str(last - first + 1)
    if status == 200:
        assert r.body == data
    if body is not None:
        assert r.body == body


def test_if_range(site, admin, world):
    data = b"0123456789" * 10
    a = attach(site, admin, world, data, "digits.txt")
    etag = get(site, a["attachment"], admin).header("ETag")
    r = get(site, a["attachment"], dict(admin, Range="bytes=0-1",
                                        **{"If-Range": etag}))
    assert r.status == 206 and r.body == b"01"
    r = get(site, a["attachment"], dict(admin, Range="bytes=0-1",
                                        **{"If-Range": '"stale"'}))
    assert r.status == 200 and r.body == data


def test_permissions_and_existence(site, admin, world):
    pa = attach(site, admin, world, b"part file", "p.txt")
    sa = attach(site, admin, world, b"stock file", "s.txt", model="stockitem")
    viewer = make_user(site, "viewer", roles={"part": ["view"]})
    nobody = make_user(site, "nobody")
    assert get(site, pa["attachment"], viewer).status == 200
    # Another area's file looks exactly like no file.
    r = get(site, sa["attachment"], viewer)
    missing = get(site, "/media/attachments/00/" + "0" * 32, viewer)
    assert r.status == missing.status == 404
    assert r.json() == missing.json()
    assert get(site, pa["attachment"], nobody).status == 404
    r = site.cgi("media", path=pa["attachment"])
    assert r.status == 401
    # Once deleted, gone.
    site.cgi("attachment", method="DELETE", headers=admin,
             path=f"/api/attachment/{pa['pk']}/")
    assert get(site, pa["attachment"], admin).status == 404


@pytest.mark.parametrize("path", [
    "/media/../stockroom.sqlite3", "/media/../secret_key",
    "/media/attachments/../../secret_key", "/media/./x", "/media/.htaccess",
    "/media/", "/media", "/media/a//b", "/media/stockroom.sqlite3",
    "/media/%2e%2e/secret_key", "/media/attachments",
])
def test_paths_that_lead_nowhere(site, admin, world, path):
    attach(site, admin, world, b"x", "x.txt")
    r = get(site, path, admin)
    assert r.status == 404, r
    assert b"SQLite" not in r.body


def test_symlink_out_of_media_is_404(site, admin, world):
    a = attach(site, admin, world, b"real", "r.txt")
    media = site.data / "media"
    (media / "attachments" / "zz").mkdir()
    link = media / "attachments" / "zz" / ("z" * 32)
    link.symlink_to(site.data / "secret_key" if (site.data / "secret_key")
                    .exists() else site.data / "stockroom.sqlite3")
    db = site.db()
    with db:
        db.execute("INSERT INTO attachment (model_type, model_id, file,"
                   " filename) VALUES ('part', ?, ?, 'evil')",
                   (world["part"], "attachments/zz/" + "z" * 32))
    db.close()
    r = get(site, "/media/attachments/zz/" + "z" * 32, admin)
    assert r.status == 404, r
    # A directory on the way replaced by a link: also 404.
    rel = a["attachment"][len("/media/"):]
    sub = media / os.path.dirname(rel)
    os.rename(sub, str(sub) + ".real")
    os.symlink(str(sub) + ".real", sub)
    assert get(site, a["attachment"], admin).status == 404


def test_sendfile_mode(site, admin, world):
    a = attach(site, admin, world, b"big" * 1000, "big.txt")
    for mode in ("lighttpd", "apache"):
        r = get(site, a["attachment"], admin,
                env={"STOCKROOM_MEDIA_SENDFILE": mode})
        assert r.status == 200
        rel = a["attachment"][len("/media/"):]
        assert r.header("X-Sendfile") == str(site.data / "media" / rel)
        assert r.body == b""
        assert r.header("Content-Length") is None
        assert r.header("Content-Type") == "text/plain; charset=utf-8"
        assert r.header("Content-Disposition").startswith("attachment;")
        # The permission check still comes first.
        nobody = make_user(site, f"nobody-{mode}")
        r = get(site, a["attachment"], nobody,
                env={"STOCKROOM_MEDIA_SENDFILE": mode})
        assert r.status == 404 and r.header("X-Sendfile") is None


def test_large_file_streams(site, admin, world):
    data = os.urandom(3 * 65536 + 17)
    a = attach(site, admin, world, data, "blob.bin")
    r = get(site, a["attachment"], admin)
    assert r.status == 200 and r.body == data
    r = get(site, a["attachment"], dict(admin, Range="bytes=65530-131080"))
    assert r.status == 206 and r.body == data[65530:131081]
