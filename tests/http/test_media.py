"""HTTP-level tests of /media/ (media.cgi) through real servers: conditional
requests and HEAD through each way of serving, and the X-Sendfile mode
through lighttpd (cgi.x-sendfile) and Apache (mod_xsendfile), each with a
server of its own configured as README says."""
import importlib.util
import os
import pathlib

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

XSENDFILE_SO = pathlib.Path(hc.APACHE_MODULES) / "mod_xsendfile.so"


def attach(srv, auth, data, filename):
    """A new part with a file attached; returns the file's path under the
    prefix (/media/...)."""
    r = srv.request("POST", "/api/part/", headers=auth,
                    body={"name": f"media test {os.urandom(6).hex()}"})
    assert r.status == 201, r
    ctype, body = hc.multipart(
        {"model_type": "part", "model_id": str(r.json()["pk"])},
        {"attachment": (filename, "application/octet-stream", data)})
    r = srv.request("POST", "/api/attachment/", headers=auth, body=body,
                    content_type=ctype, timeout=30)
    assert r.status == 201, r
    url = r.json()["attachment"]
    assert url.startswith(srv.prefix + "/media/attachments/"), url
    return url[len(srv.prefix):]


DATA = bytes(range(256)) * 64 + b"tail"


def test_conditional_and_head(srv):
    auth = srv.token_headers("http-media")
    path = attach(srv, auth, DATA, "table.bin")
    r = srv.get(path, headers=auth)
    assert r.status == 200, r
    assert r.body == DATA
    assert r.header("Content-Type") == "application/octet-stream"
    assert r.header("Content-Disposition").startswith(
        'attachment; filename="table.bin"')
    etag, lm = r.header("ETag"), r.header("Last-Modified")
    assert etag and lm
    r = srv.get(path, headers=dict(auth, **{"If-None-Match": etag}))
    assert r.status == 304, r
    assert r.body == b""
    r = srv.get(path, headers=dict(auth, **{"If-Modified-Since": lm}))
    assert r.status == 304, r
    r = srv.request("HEAD", path, headers=auth)
    assert r.status == 200, r
    # The program sends Content-Length for HEAD; Apache drops it there.
    if not srv.is_apache:
        assert r.header("Content-Length") == str(len(DATA))
    assert r.header("ETag") == etag
    assert r.body == b""
    r = srv.get(path, headers=dict(auth, Range="bytes=-4"))
    assert r.status == 206, r
    assert r.body == b"tail"
    assert r.header("Content-Range") == f"bytes {len(DATA) - 4}-" \
        f"{len(DATA) - 1}/{len(DATA)}"
    r = srv.get(path, headers=dict(auth, Range=f"bytes={len(DATA)}-"))
    # Both servers put their own error page (without the program's
    # Content-Range) in place of a CGI program's 416; the status stands.
    assert r.status == 416, r


@pytest.mark.parametrize("path", [
    "/media/../data/stockroom.sqlite3", "/media/%2e%2e/data/secret_key",
    "/media/..%2fdata%2fsecret_key", "/media/attachments/00/" + "0" * 32,
    "/media/.htaccess", "/media/stockroom.sqlite3"])
def test_nothing_else_is_reachable(srv, path):
    auth = srv.token_headers("http-media")
    r = srv.get(path, headers=auth)
    assert r.status in (400, 403, 404), r
    assert b"SQLite format" not in r.body
    assert r.header("X-Sendfile") is None


# --- X-Sendfile through lighttpd and Apache ---------------------------------

LIGHTTPD_SENDFILE = """\
# Written by tests/http/test_media.py: lighttpd.conf as shipped, plus what
# README says MEDIA_SENDFILE = lighttpd needs.
include "{repo}/lighttpd.conf"
cgi.x-sendfile = "enable"
cgi.x-sendfile-docroot = ( "{data}/media/" )
"""


@pytest.fixture(scope="module")
def lighttpd_sendfile(workdir):
    site = workdir / "lighttpd-sendfile-site"
    user = hc.install_tree(site, "HTTP test sendfile",
                           data_dir_env=site / "data")
    with open(site / "stockroom.conf", "a") as f:
        f.write("MEDIA_SENDFILE = lighttpd\n")
    conf = workdir / "lighttpd-sendfile.conf"
    conf.write_text(LIGHTTPD_SENDFILE.format(repo=hc.ROOT, data=site / "data"))
    port = hc.free_port()
    log = workdir / "lighttpd-sendfile.log"
    proc = hc.start_lighttpd(conf, site, port, log, "lighttpd (x-sendfile)")
    try:
        yield hc.Server("lighttpd", port, "", site, log, user)
    finally:
        hc.stop(proc)


@pytest.fixture(scope="module")
def lighttpd_fastcgi_sendfile(workdir):
    """lighttpd-fastcgi.conf as shipped (it enables x-sendfile for the
    FastCGI programs), a tree with MEDIA_SENDFILE = lighttpd."""
    yield from hc.serve_lighttpd(workdir, "lighttpd-fcgi-sendfile",
                                 "lighttpd-fastcgi.conf",
                                 settings="MEDIA_SENDFILE = lighttpd\n",
                                 instance="HTTP test sendfile")


APACHE_SENDFILE = hc.APACHE_BASE + """
Define STOCKROOM_ROOT {site}
Include "{repo}/apache.conf"
LoadModule xsendfile_module {xsendfile}
XSendFile On
XSendFilePath "{site}/data/media"
"""


@pytest.fixture(scope="module")
def apache_sendfile(workdir):
    if not XSENDFILE_SO.exists():
        pytest.skip("mod_xsendfile is not installed "
                    "(Debian: libapache2-mod-xsendfile)")
    site = workdir / "apache-sendfile-site"
    user = hc.install_tree(site, "HTTP test apache sendfile")
    with open(site / "stockroom.conf", "a") as f:
        f.write("MEDIA_SENDFILE = apache\n")
    hc.give_to_apache(site)
    port, proc, log = hc.start_apache_in(
        workdir / "apache-sendfile", APACHE_SENDFILE, "apache2 (xsendfile)",
        site=site, repo=hc.ROOT, xsendfile=XSENDFILE_SO)
    try:
        yield hc.Server("apache", port, "", site, log, user)
    finally:
        hc.stop(proc)


@pytest.fixture(params=["lighttpd", "lighttpd_fastcgi", "apache"])
def sendfile_srv(request):
    return request.getfixturevalue(f"{request.param}_sendfile")


def test_sendfile_serves_the_bytes(sendfile_srv):
    """The program answers with headers and X-Sendfile; the server sends
    the file, and the header never reaches the client."""
    srv = sendfile_srv
    auth = srv.token_headers("http-media")
    big = os.urandom(300000)
    path = attach(srv, auth, big, "big.bin")
    r = srv.get(path, headers=auth, timeout=30)
    assert r.status == 200, (r, srv.log_tail())
    assert r.body == big
    assert r.header("X-Sendfile") is None
    assert r.header("Content-Disposition").startswith(
        'attachment; filename="big.bin"')
    assert r.header("Content-Type") == "application/octet-stream"
    etag = r.header("ETag")
    assert etag
    r = srv.get(path, headers=dict(auth, **{"If-None-Match": etag}))
    assert r.status == 304, r
    # Permission first: no X-Sendfile for a caller who may not see it.
    r = srv.get(path)
    assert r.status == 401, r
    assert r.body != big[:len(r.body)] or not r.body


def test_sendfile_ranges(sendfile_srv):
    srv = sendfile_srv
    auth = srv.token_headers("http-media")
    path = attach(srv, auth, DATA, "table.bin")
    # The server, which sends the bytes, answers the range itself.
    r = srv.get(path, headers=dict(auth, Range="bytes=256-511"))
    assert r.status == 206, r
    assert r.body == bytes(range(256))
    assert r.header("Content-Range") == f"bytes 256-511/{len(DATA)}"
