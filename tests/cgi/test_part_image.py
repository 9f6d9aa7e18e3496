"""CGI-level tests of part images: PATCH /api/part/<pk>/ with a multipart
`image` accepts real PNG, JPEG, GIF and WebP images only (by content),
stores them with a thumbnail, shows both as URLs under the install prefix,
serves them through media.cgi to those who may view the part, and removes
a replaced image's files."""
import ctypes
import ctypes.util
import sqlite3
import struct
import zlib

import pytest

from conftest import make_user
from test_attachment import media_files, multipart, tmp_files

_gd = ctypes.CDLL(ctypes.util.find_library("gd") or "libgd.so.3")
_gd.gdImageCreateTrueColor.restype = ctypes.c_void_p
_gd.gdImageCreateTrueColor.argtypes = [ctypes.c_int, ctypes.c_int]
for _f in ("gdImageJpegPtr", "gdImageWebpPtr", "gdImageGifPtr",
           "gdImagePngPtr"):
    getattr(_gd, _f).restype = ctypes.c_void_p
_gd.gdImageJpegPtr.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                               ctypes.c_int]
_gd.gdImageWebpPtr.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
_gd.gdImageGifPtr.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
_gd.gdImagePngPtr.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
_gd.gdImageDestroy.argtypes = [ctypes.c_void_p]
_gd.gdFree.argtypes = [ctypes.c_void_p]


def make_image(fmt, w, h):
    """Encodes a w x h image with libgd (the library under test decodes
    with): "png", "jpeg", "gif" or "webp"."""
    im = _gd.gdImageCreateTrueColor(w, h)
    size = ctypes.c_int(0)
    if fmt == "jpeg":
        p = _gd.gdImageJpegPtr(im, ctypes.byref(size), 80)
    else:
        p = getattr(_gd, f"gdImage{fmt.capitalize()}Ptr")(im,
                                                         ctypes.byref(size))
    data = ctypes.string_at(p, size.value)
    _gd.gdFree(p)
    _gd.gdImageDestroy(im)
    return data


def png_header_only(w, h):
    """A PNG signature and IHDR announcing w x h, and no image data."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(
        ">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


@pytest.fixture
def part(site, admin):
    r = site.cgi("part", method="POST", path="/api/part/",
                 body={"name": "Imaged part"}, headers=admin)
    assert r.status == 201, r
    return r.json()["pk"]


def set_image(site, headers, pk, data, filename="photo.bin",
              ctype="application/octet-stream", fields=(), **kw):
    ct, body = multipart(list(fields), [("image", filename, ctype, data)])
    return site.cgi("part", method="PATCH", path=f"/api/part/{pk}/",
                    body=body, content_type=ct, headers=headers, **kw)


@pytest.mark.parametrize("fmt,mime", [("png", "image/png"),
                                      ("jpeg", "image/jpeg"),
                                      ("gif", "image/gif"),
                                      ("webp", "image/webp")])
def test_each_format_sets_image_and_thumbnail(site, admin, part, fmt, mime):
    data = make_image(fmt, 600, 300)
    r = set_image(site, admin, part, data)
    assert r.status == 200, r
    p = r.json()
    assert p["image"].startswith("/media/images/")
    assert p["thumbnail"].startswith("/media/thumbnails/")
    assert site.cgi("part", path=f"/api/part/{part}/",
                    headers=admin).json()["image"] == p["image"]
    img = site.cgi("media", path=p["image"], headers=admin)
    assert img.status == 200 and img.body == data
    assert img.header("Content-Type") == mime
    assert img.header("Content-Disposition").startswith("inline;")
    th = site.cgi("media", path=p["thumbnail"], headers=admin)
    assert th.status == 200
    assert th.header("Content-Type") == "image/png"
    # 600 x 300 becomes 256 x 128 (IHDR width and height).
    assert struct.unpack(">II", th.body[16:24]) == (256, 128)
    assert tmp_files(site) == []


def test_small_image_is_not_enlarged(site, admin, part):
    r = set_image(site, admin, part, make_image("png", 40, 20))
    assert r.status == 200, r
    th = site.cgi("media", path=r.json()["thumbnail"], headers=admin)
    assert struct.unpack(">II", th.body[16:24]) == (40, 20)


def test_fields_and_image_in_one_patch(site, admin, part):
    r = set_image(site, admin, part, make_image("png", 10, 10),
                  fields=[("description", "with a picture")])
    assert r.status == 200, r
    assert r.json()["description"] == "with a picture"
    assert r.json()["image"] is not None


def test_urls_under_install_prefix(site, admin, part):
    r = set_image(site, admin, part, make_image("png", 10, 10),
                  request_uri=f"/inv/api/part/{part}/")
    assert r.status == 200, r
    assert r.json()["image"].startswith("/inv/media/images/")
    assert r.json()["thumbnail"].startswith("/inv/media/thumbnails/")


@pytest.mark.parametrize("data,why", [
    (b"GIF89a but not really", "truncated GIF"),
    (b"%PDF-1.4 not an image", "not an image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
    (png_header_only(100, 100), "PNG header without data"),
    (png_header_only(100000, 100000), "decompression bomb"),
    (png_header_only(8000, 8000), "too many pixels"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "broken JPEG"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "broken WebP"),
])
def test_not_an_image_is_400(site, admin, part, data, why):
    r = set_image(site, admin, part, data, filename="looks.png",
                  ctype="image/png")
    assert r.status == 400, (why, r)
    assert "image" in r.json()
    assert media_files(site) == [] and tmp_files(site) == []
    assert site.cgi("part", path=f"/api/part/{part}/",
                    headers=admin).json()["image"] is None


def test_corrupt_tail_is_400(site, admin, part):
    data = make_image("png", 64, 64)
    r = set_image(site, admin, part, data[:len(data) // 2])
    assert r.status == 400, r


def test_replacing_removes_old_files(site, admin, part):
    first = set_image(site, admin, part, make_image("png", 30, 30)).json()
    assert len(media_files(site)) == 2
    second = set_image(site, admin, part, make_image("jpeg", 30, 30)).json()
    assert second["image"] != first["image"]
    files = media_files(site)
    assert len(files) == 2
    assert site.cgi("media", path=first["image"], headers=admin).status == 404
    db = site.db()
    assert db.execute("SELECT count(*) FROM media_orphan").fetchone()[0] == 0


def test_failed_patch_leaves_no_claim(site, admin, part):
    r = set_image(site, admin, part, make_image("png", 30, 30),
                  fields=[("name", "")])
    assert r.status == 400, r
    db = site.db()
    assert db.execute("SELECT image FROM part WHERE id = ?",
                      (part,)).fetchone()[0] is None
    # The stored files wait as orphans for the next sweep.
    assert db.execute("SELECT count(*) FROM media_orphan").fetchone()[0] == 2


def test_image_permissions(site, admin, part):
    p = set_image(site, admin, part, make_image("png", 30, 30)).json()
    viewer = make_user(site, "viewer", roles={"part": ["view"]})
    stocky = make_user(site, "stocky", roles={"stock": ["view"]})
    assert site.cgi("media", path=p["image"], headers=viewer).status == 200
    assert site.cgi("media", path=p["thumbnail"], headers=viewer).status == 200
    assert site.cgi("media", path=p["image"], headers=stocky).status == 404
    r = set_image(site, viewer, part, make_image("png", 30, 30))
    assert r.status == 403
