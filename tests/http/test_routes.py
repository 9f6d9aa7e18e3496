"""Every route of every program reaches its program through every way of
serving (issue 12).

The server configurations take their URL routes from one list, the
programs' own route tables (--routes), through tools/server-routes.py at
build time.  Here each route of each built program is requested, as its
own method, through lighttpd (CGI and FastCGI), Apache with apache.conf and
Apache with the .htaccess layout under /~alice/stockroom/ (as CGI and under
mod_fcgid), without signing in: whatever the status, the answer must come
from the program that owns the route: JSON with the program's X-Request-ID,
never a page of the server's own, and never the "API endpoint not found" or
405 that a program gives for a path or method outside its table.

Then the one list at work: a program that no configuration has heard of
(the test program echo.cgi) is given to the generator and, with no edit to
any configuration, served by lighttpd as FastCGI and accepted by Apache.
"""
import importlib.util
import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

GENERATOR = hc.ROOT / "tools" / "server-routes.py"
# What a parameter of a pattern becomes in a request.
PARAMETERS = {"pk": "1", "*path": "attachments/00/" + "0" * 32,
              "key:word": "STOCK_ENABLE_EXPIRY", "model:word": "part",
              "setting:word": "PATTERN"}
NOT_AN_ENDPOINT = "API endpoint not found"


def programs():
    """The built program of each source in cgi-bin/, as make builds and
    installs them."""
    found = [hc.BUILD / "cgi-bin" / f"{src.stem}.cgi"
             for src in sorted((hc.ROOT / "cgi-bin").glob("*.c"))]
    assert found and all(p.exists() for p in found), found
    return found


def route_table(program):
    out = subprocess.run([str(program), "--routes"], capture_output=True,
                         timeout=30, check=True).stdout
    return json.loads(out)


def concrete(pattern):
    """A path for the pattern: each <parameter> replaced by a value."""
    def value(m):
        assert m.group(1) in PARAMETERS, f"no value for {m.group(0)}"
        return PARAMETERS[m.group(1)]
    return re.sub(r"<([^>]+)>", value, pattern)


def wrong_program(r):
    """Why the answer is not the owning program's, or None."""
    if r.status is None:
        return "no answer"
    if not r.is_json or r.header("X-Request-ID") is None:
        return f"not from a program: {r.status} {r.body[:120]!r}"
    if r.status == 405:
        return "405: the program does not know this method here"
    if r.status == 404 and r.json().get("detail") == NOT_AN_ENDPOINT:
        return "404: no program has this endpoint here"
    return None


@pytest.mark.parametrize("program", [p.stem for p in programs()])
def test_every_route_reaches_its_program(srv, program):
    routes = route_table(hc.BUILD / "cgi-bin" / f"{program}.cgi")
    assert routes, program
    wrong = []
    for rt in routes:
        path = concrete(rt["pattern"])
        body = None if rt["method"] in ("GET", "HEAD") else b"{}"
        r = srv.request(rt["method"], path, body=body,
                        content_type="application/json" if body else None)
        why = wrong_program(r)
        if why:
            wrong.append((rt["method"], path, why))
    assert not wrong, f"{srv}: {wrong}"


# --- A new program needs no edit -------------------------------------------

def generate(out, extra):
    """tools/server-routes.py over the built programs plus extra."""
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--htaccess",
         str(hc.ROOT / "htdocs" / ".htaccess"),
         *map(str, programs()), *map(str, extra)],
        capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def echo_tree(workdir):
    """An installed tree whose routes were generated with echo.cgi, a
    program no configuration names, as one more program of cgi-bin/."""
    site = workdir / "new-program-site"
    user = hc.install_tree(site, "HTTP test new program",
                           data_dir_env=site / "data")
    out = workdir / "new-program-routes"
    generate(out, [site / "cgi-bin" / "echo.cgi"])
    for name in ("lighttpd-routes.conf", "lighttpd-fastcgi-routes.conf",
                 "apache-routes.conf"):
        shutil.copyfile(out / name, site / "db" / name)
    shutil.copyfile(out / "htaccess", site / ".htaccess")
    return site, user


def test_a_new_program_is_in_every_configuration(echo_tree):
    site, _ = echo_tree
    assert "/cgi-bin/echo.cgi/api/echo$1$2" in \
        (site / "db" / "lighttpd-routes.conf").read_text()
    assert '"/cgi-bin/echo.cgi" => (( "bin-path" => var.fcgi_root + ' \
        '"echo.cgi",' in \
        (site / "db" / "lighttpd-fastcgi-routes.conf").read_text()
    assert 'ScriptAliasMatch "^/api/echo(/.*)?$" ' \
        '"${STOCKROOM_ROOT}/cgi-bin/echo.cgi/api/echo$1"' in \
        (site / "db" / "apache-routes.conf").read_text()
    htaccess = (site / ".htaccess").read_text()
    rule = "RewriteRule ^api/echo(/.*)?$ cgi-bin/echo.cgi/api/echo$1 [L]"
    # Before the catch-all of /api, or api.cgi would answer it.
    assert rule in htaccess
    assert htaccess.index(rule) < htaccess.index(
        "RewriteRule ^api(/.*)?$ cgi-bin/api.cgi/api$1 [L]")


def test_a_new_program_is_served_as_fastcgi(workdir, echo_tree):
    """lighttpd-fastcgi.conf, unedited, routes /api/echo/ to echo.cgi and
    runs it as a FastCGI application (FCGI_ROLE in its environment)."""
    site, _ = echo_tree
    port = hc.free_port()
    log = workdir / "new-program.log"
    proc = hc.start_lighttpd(hc.ROOT / "lighttpd-fastcgi.conf", site, port,
                             log, "lighttpd (new program)")
    try:
        srv = hc.Server("lighttpd", port, "", site, log, None)
        r = srv.get("/api/echo/env/")
        assert r.status == 200, (r, srv.log_tail())
        assert "FCGI_ROLE" in r.json()["names"], r.json()
        r = srv.request("POST", "/api/echo", body={"n": 1})
        assert r.status == 200 and r.json()["data"] == {"n": 1}, r
        assert srv.get("/api/").json()["server"] == "InvenTree"
    finally:
        hc.stop(proc)


def test_a_new_program_in_apache_conf(apache_syntax, echo_tree):
    site, _ = echo_tree
    code, out = apache_syntax(f"Define STOCKROOM_ROOT {site}\n"
                              f"Include \"{hc.ROOT}/apache.conf\"\n")
    assert code == 0, out


@pytest.mark.parametrize("fault,message", [
    ("two programs, one mount", "both serve /api/echo/"),
    ("no marker", "needs exactly one line '#@routes'"),
])
def test_generator_refuses(tmp_path, fault, message):
    """A clash between two programs, or a .htaccess template the rules
    cannot go into, stops the build with a message, not a silent gap."""
    echo = hc.BUILD / "tests" / "echo.cgi"
    template = hc.ROOT / "htdocs" / ".htaccess"
    extra = [echo]
    if fault == "two programs, one mount":
        twin = tmp_path / "echo2.cgi"
        shutil.copyfile(echo, twin)
        twin.chmod(0o755)
        extra.append(twin)
    else:
        template = tmp_path / "htaccess"
        template.write_text("RewriteEngine On\n")
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path / "out"),
         "--htaccess", str(template), *map(str, programs()),
         *map(str, extra)], capture_output=True, timeout=120)
    assert proc.returncode != 0
    assert message in proc.stderr.decode(errors="replace")


def test_installed_schema_lists_every_route(srv):
    """make install puts the OpenAPI document in the tree's db/, and
    api.cgi serves it at /api/schema/ with this tree's URL: every route of
    every program is in it."""
    r = srv.get("/api/schema/?format=json",
                headers=srv.token_headers("schema"))
    assert r.status == 200, r
    doc = r.json()
    # the request's Host (srv.request sends "127.0.0.1") and the prefix
    assert doc["servers"] == [{"url": "http://127.0.0.1" + srv.prefix}]
    for program in programs():
        for rt in route_table(program):
            path = re.sub(r"<\*?([a-z_]+)(?::word)?>", r"{\1}",
                          rt["pattern"])
            assert rt["method"].lower() in doc["paths"].get(path, {}), (
                rt["method"], path)
