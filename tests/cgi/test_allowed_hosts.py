"""ALLOWED_HOSTS (issue 21): which Host a request may name, and when the
Host goes into the URLs the API writes (next and previous)."""
from conftest import make_user


def page(site, admin, host, env=None, prefix=""):
    """GET /api/user/?limit=1 (two users: there is a next page) sent to
    host, the install under prefix."""
    return site.cgi("user", path="/api/user/", query="limit=1",
                    headers=dict(admin, Host=host),
                    request_uri=prefix + "/api/user/?limit=1", env=env)


def test_unset_serves_any_host_but_keeps_it_out_of_urls(site, admin):
    make_user(site, "second")
    r = page(site, admin, "localhost")
    assert r.status == 200
    assert r.json()["next"] == "http://localhost/api/user/?limit=1&offset=1"
    assert page(site, admin, "127.0.0.1:8080").json()["next"] == \
        "http://127.0.0.1:8080/api/user/?limit=1&offset=1"
    # Another name is served (a fresh upload works before it is set) ...
    r = page(site, admin, "evil.example")
    assert r.status == 200
    # ... but the links do not carry it: a path, resolved by the client.
    assert r.json()["next"] == "/api/user/?limit=1&offset=1"
    assert b"evil" not in r.body
    r = page(site, admin, "evil.example", prefix="/~alice/stockroom")
    assert r.json()["next"] == \
        "/~alice/stockroom/api/user/?limit=1&offset=1"
    r = site.cgi("user", path="/api/user/", query="limit=1&offset=1",
                 headers=dict(admin, Host="evil.example"))
    assert r.json()["previous"] == "/api/user/?limit=1"


def test_set_refuses_other_hosts_with_400(site, admin):
    make_user(site, "second")
    env = {"STOCKROOM_ALLOWED_HOSTS": "example.org, .example.net"}
    r = page(site, admin, "example.org", env=env)
    assert r.status == 200
    assert r.json()["next"] == "http://example.org/api/user/?limit=1&offset=1"
    r = page(site, admin, "shop.example.net:8443", env=env)
    assert r.json()["next"] == \
        "http://shop.example.net:8443/api/user/?limit=1&offset=1"
    for bad in ("evil.example", "example.org.evil.example", "localhost",
                "127.0.0.1", "example.org:80:80", "example.org:x"):
        r = page(site, admin, bad, env=env)
        assert r.status == 400, (bad, r)
        assert r.json() == {"detail": f"Invalid Host header: '{bad}' is not "
                            "in ALLOWED_HOSTS."}
    # A Host of characters no name has: refused, and not echoed.
    r = page(site, admin, "example.org<script>", env=env)
    assert r.status == 400 and r.json() == {"detail": "Invalid Host header."}
    # Every program, health included; anonymous too.
    r = site.cgi("api", path="/api/health/", headers={"Host": "evil.example"},
                 env=env)
    assert r.status == 400
    assert r.json()["detail"].startswith("Invalid Host header")
    assert site.cgi("api", path="/api/", headers={"Host": "example.org"},
                    env=env).status == 200


def test_without_host_header_server_name_is_checked(site, admin):
    env = {"STOCKROOM_ALLOWED_HOSTS": "example.org", "HTTP_HOST": "",
           "SERVER_NAME": "example.org", "SERVER_PORT": "80"}
    r = site.cgi("api", path="/api/", env=env)
    assert r.status == 200
    env["SERVER_NAME"] = "other.example"
    assert site.cgi("api", path="/api/", env=env).status == 400


def test_site_url_makes_the_urls(site, admin):
    make_user(site, "second")
    env = {"STOCKROOM_SITE_URL": "https://inv.example.org/stock"}
    r = page(site, admin, "evil.example", env=env, prefix="/stock")
    assert r.status == 200
    assert r.json()["next"] == \
        "https://inv.example.org/stock/api/user/?limit=1&offset=1"
    # With both, the Host is still checked, as Django does.
    env["STOCKROOM_ALLOWED_HOSTS"] = "inv.example.org"
    assert page(site, admin, "evil.example", env=env,
                prefix="/stock").status == 400


def test_bad_setting_is_a_clear_error(site):
    r = site.cgi("api", path="/api/",
                 env={"STOCKROOM_ALLOWED_HOSTS": "https://example.org"})
    assert r.status == 500
    assert "ALLOWED_HOSTS" in r.stderr.decode()
