"""Plugins through the real lighttpd and Apache (apache.conf), as CGI and
as FastCGI programs (docs/plugins.md): the installed tree's plugins/ folder, a validator's
veto and its time limit, and a URL plugin that the client tries to tell
who the caller is.  The plugins are removed again at the end, so the
shared trees serve the empty list to the other tests."""
import json
import secrets
import shutil

import pytest

from conftest import ROOT

CONTRIB = ROOT / "contrib" / "plugins"


@pytest.fixture(params=["lighttpd", "lighttpd_fastcgi", "apache",
                        "apache_fcgid"])
def server(request):
    if request.param.startswith("apache"):
        return request.getfixturevalue(request.param)["apache"]
    return request.getfixturevalue(request.param)


@pytest.fixture
def plugins(server):
    root = server.site / "plugins"
    made = []

    def add(slug, program=None, **manifest):
        d = root / slug
        if program is None:
            shutil.copytree(CONTRIB / slug, d)
        else:
            d.mkdir()
            (d / "plugin.json").write_text(json.dumps(dict(
                slug=slug, name=slug, program="run.sh", **manifest)))
            (d / "run.sh").write_text(program)
        for f in d.iterdir():
            f.chmod(0o644 if f.name == "plugin.json" else 0o755)
        made.append(slug)

    yield add
    auth = server.token_headers("http-plugins-cleanup")
    for slug in made:
        server.request("PATCH", f"/api/plugins/{slug}/activate/",
                       headers=auth, body={"active": False})
        shutil.rmtree(root / slug)


def activate(server, auth, slug):
    r = server.request("PATCH", f"/api/plugins/{slug}/activate/",
                       headers=auth, body={"active": True})
    assert r.status == 200 and r.json()["active"] is True, r


def test_validator_veto_and_timeout(server, plugins):
    auth = server.token_headers("http-plugins")
    plugins("ipn_pattern")
    r = server.get("/api/plugins/?limit=10&offset=0", headers=auth)
    assert r.status == 200 and r.json()["count"] == 1, r
    activate(server, auth, "ipn_pattern")
    r = server.request("POST", "/api/part/", headers=auth,
                       body={"name": "HTTP plugin part", "IPN": "bad"})
    assert r.status == 400, (r, server.log_tail())
    assert r.json() == {"IPN": ["IPN must match the pattern "
                                "^[A-Z]{3}-[0-9]{4}$"]}
    plugins("slowcheck", "#!/bin/sh\nwhile :; do :; done\n",
            kinds=["validation"], timeout_ms=500)
    activate(server, auth, "slowcheck")
    r = server.request("POST", "/api/part/", headers=auth,
                       body={"name": "HTTP plugin part", "IPN": "ABC-1234"})
    assert r.status == 503, r
    assert "timed out" in r.json()["detail"]
    r = server.get("/api/part/?IPN=ABC-1234", headers=auth)
    assert r.status == 200 and r.json() == [], r
    r = server.get("/api/health/")
    assert [f["plugin"] for f in r.json()["plugin_failures"]] == [
        "slowcheck"], r


def test_url_plugin_cannot_be_told_who_the_caller_is(server, plugins):
    auth = server.token_headers("http-plugins")
    plugins("whoami", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n"
            "\\r\\n'\nenv\n", kinds=["url"], permission="user")
    r = server.get("/api/plugin/whoami/")
    assert r.status == 404 or r.status == 401, r
    activate(server, auth, "whoami")
    assert server.get("/api/plugin/whoami/").status == 401
    forged = dict(auth, **{"Remote-User": "mallory", "X-Remote-User":
                           "mallory", "X-Stockroom-User-Id": "999"})
    r = server.get("/api/plugin/whoami/report/?week=49", headers=forged)
    assert r.status == 200, (r, server.log_tail())
    env = dict(line.split("=", 1) for line in
               r.body.decode().splitlines() if "=" in line)
    assert env["REMOTE_USER"] == server.user[0]
    assert env["STOCKROOM_USERNAME"] == server.user[0]
    assert env["STOCKROOM_USER_ID"] != "999"
    assert env["PATH_INFO"] == "/report/" and env["QUERY_STRING"] == "week=49"
    assert not any(k.startswith("HTTP_") for k in env)
    token = auth["Authorization"].split()[1]
    assert token not in r.body.decode()
    assert r.header("X-Content-Type-Options") == "nosniff"


def test_url_plugin_report_and_barcode_plugin(server, plugins):
    """The shipped URL plugin (stock_report) and barcode plugin
    (acme_barcode) answer through the web server as through CGI."""
    auth = server.token_headers("http-plugins")
    plugins("stock_report")
    plugins("acme_barcode")
    activate(server, auth, "stock_report")
    r = server.request("PATCH", "/api/plugins/stock_report/settings/TITLE/",
                       headers=auth, body={"value": "Shelf report"})
    assert r.status == 200, r
    r = server.get("/api/plugin/stock_report/week/?n=2", headers=auth)
    assert r.status == 200, (r, server.log_tail())
    assert r.header("Content-Type") == "application/json"
    got = r.json()
    assert got["title"] == "Shelf report" and got["path"] == "/week/"
    assert got["query"] == "n=2" and got["user"]["username"] == server.user[0]
    assert server.get("/api/plugin/stock_report/week/").status == 401

    ipn = "ACM-" + secrets.token_hex(4).upper()
    r = server.request("POST", "/api/part/", headers=auth,
                       body={"name": "Acme plugin part " + ipn, "IPN": ipn})
    assert r.status == 201, r
    pk = r.json()["pk"]
    label = f"ACME;PN={ipn};QTY=10"
    r = server.request("POST", "/api/barcode/", headers=auth,
                       body={"barcode": label})
    assert r.status == 400, r                   # not active yet
    activate(server, auth, "acme_barcode")
    r = server.request("POST", "/api/barcode/", headers=auth,
                       body={"barcode": label})
    assert r.status == 200, (r, server.log_tail())
    b = r.json()
    assert b["plugin"] == "acme_barcode" and b["part"]["pk"] == pk
