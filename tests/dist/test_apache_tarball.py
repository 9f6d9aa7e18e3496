"""A release tarball on shared hosting (issue 23): unpacked, as a customer
does, into a user directory served by a real Apache through the tree's own
.htaccess files only (the stingy overrides of tests/http's ~bob tree), and
into a directory served at a (sub)domain's root.  Nothing is compiled or
installed for it: the programs are the tarball's static ones.  The page and
its assets are served, and the first run goes through the API over HTTP.

Under a prefix the tarball's index.html needs its <base href> changed to
the prefix (README, shared hosting): done here as the README says.
"""
import importlib.util
import pathlib
import re
import shutil
import tempfile

import pytest

import userland as u
from userland import basic

_spec = importlib.util.spec_from_file_location(
    "http_conftest", u.ROOT / "tests" / "http" / "conftest.py")
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

ADMIN = ("carol", "Carol-pass-97531")
PREFIX = "/~carol/stockroom"

HOSTING_CONF = hc.APACHE_BASE + """
# A (sub)domain whose document root is the unpacked tree.
DocumentRoot "{top}"
<Directory "{top}">
	AllowOverride FileInfo Options AuthConfig
	Require all granted
</Directory>
# A user directory, ~carol/public_html/stockroom.
Alias {prefix} "{userdir}"
<Directory "{userdir}">
	AllowOverride FileInfo Options AuthConfig
	Require all granted
</Directory>
"""


@pytest.fixture(scope="module")
def hosting():
    if shutil.which("apache2") is None:
        pytest.skip("apache2 is not installed (make test-deps)")
    tar = u.tarball(u.HOST_ARCH)
    # Apache's children (www-data under root) must be able to enter it.
    work = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-tarball-"))
    work.chmod(0o755)
    try:
        yield from serve(tar, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serve(tar, work):
    # The domain: the unpacked tree as it comes.
    top = u.unpack(tar, work / "domain")
    # The user directory: unpacked, renamed, <base href> set to the prefix.
    pub = work / "carol" / "public_html"
    userdir = pub / "stockroom"
    u.unpack(tar, pub).rename(userdir)
    index = userdir / "index.html"
    text = index.read_text()
    assert text.count('<base href="/">') == 1
    index.write_text(text.replace('<base href="/">',
                                  f'<base href="{PREFIX}/">'))
    for p in (work / "domain", work / "carol", pub):
        p.chmod(0o755)
    for tree in (top, userdir):
        hc.give_to_apache(tree)
    adir = work / "apache"
    adir.mkdir(mode=0o755)
    port = hc.free_port()
    proc, log = hc.start_apache(adir, HOSTING_CONF.format(
        dir=adir, port=port, modules=hc.load_modules(hc.APACHE_MODS),
        user=hc.apache_user(), top=top, userdir=userdir, prefix=PREFIX),
        port, "apache2 (tarball)")
    try:
        yield {"/": hc.Server("htaccess", port, "", top, log, None),
               PREFIX: hc.Server("htaccess", port, PREFIX, userdir, log,
                                 None)}
    finally:
        hc.stop(proc)


@pytest.mark.parametrize("where", ["/", PREFIX])
def test_page_and_its_assets_are_served(hosting, where):
    srv = hosting[where]
    r = srv.get("/")
    assert r.status == 200, (r, srv.log_tail())
    html = r.body.decode()
    base = re.search(r'<base href="([^"]*)">', html).group(1)
    assert base == (srv.prefix + "/"), base
    assets = re.findall(r'(?:src|href)="(assets/[^"]+)"', html)
    assert assets, html[:500]
    for a in assets:
        got = hc.exchange(srv.port, (f"GET {base}{a} HTTP/1.1\r\nHost: "
                                     "127.0.0.1\r\nConnection: close\r\n\r\n"
                                     ).encode())
        assert got.status == 200 and got.body, (a, got)
    # A deep link of the page's router gets the page too.
    assert srv.get("/part/1/").status == 200
    # The data directory, the tools and the settings are never served.
    for p in ("/data/setup_code", "/bin/stockroom", "/stockroom.conf",
              "/db/apache.conf"):
        assert srv.get(p).status in (403, 404), p


def test_first_run_through_the_api(hosting):
    srv = hosting[PREFIX]
    h = srv.get("/api/health/")
    assert h.is_json and h.status in (200, 503), (h, srv.log_tail())
    s = srv.get("/api/auth/setup/")
    assert s.status == 200 and s.json()["setup_required"] is True, \
        (s, srv.log_tail())
    code = (srv.site / "data" / "setup_code").read_text().strip()
    r = srv.request("POST", "/api/auth/setup/",
                    body={"setup_code": code, "username": ADMIN[0],
                          "password": ADMIN[1], "email": ""})
    assert r.status == 201, (r, srv.log_tail())
    r = srv.get("/api/user/token/?name=tarball",
                headers={"Authorization": basic(*ADMIN)})
    assert r.status == 200, r
    tok = {"Authorization": "Token " + r.json()["token"]}
    r = srv.request("POST", "/api/part/", body={"name": "Hosted part"},
                    headers=tok)
    assert r.status == 201, r
    r = srv.get("/api/part/", headers=tok)
    assert r.status == 200 and [p["name"] for p in r.json()] == \
        ["Hosted part"], r
    a = srv.get("/api/")
    assert a.status == 200 and a.json()["version"] == u.VERSION, a
    h = srv.get("/api/health/")
    assert h.status == 200, h
