"""ALLOWED_HOSTS through the real servers (issue 21), in every way of
serving (the `srv` fixture).  Before, with SITE_URL empty, whatever Host a
client sent was copied into the next and previous URLs of every page.

Unset (as the test trees, and a fresh upload, have it), another Host is
served but never written into a URL; set, it gets 400 JSON.  The tree's
stockroom.conf gets the setting for the one test that needs it and is put
back afterwards (settings are read at every request).
"""
import pytest

from conftest import exchange


def get(srv, path, host, headers=None):
    lines = [f"GET {srv.prefix}{path} HTTP/1.1", f"Host: {host}",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return exchange(srv.port, ("\r\n".join(lines) + "\r\n\r\n").encode())


@pytest.fixture
def two_users(srv):
    """Token headers of the tree's superuser, with a second user there, so
    that /api/user/?limit=1 has a next page."""
    admin = srv.token_headers("hosts")
    r = srv.request("POST", "/api/user/", headers=admin,
                    body={"username": "hosts-second"})
    assert r.status in (201, 400), r
    return admin


def test_unset_keeps_a_foreign_host_out_of_urls(srv, two_users):
    r = get(srv, "/api/user/?limit=1", "127.0.0.1", two_users)
    assert r.status == 200, r
    assert r.json()["next"] == \
        f"http://127.0.0.1{srv.prefix}/api/user/?limit=1&offset=1"
    r = get(srv, "/api/user/?limit=1", "evil.example", two_users)
    assert r.status == 200, r
    assert r.json()["next"] == f"{srv.prefix}/api/user/?limit=1&offset=1"
    assert b"evil" not in r.body


@pytest.fixture
def allowed(srv):
    conf = srv.site / "stockroom.conf"
    before = conf.read_text()
    conf.write_text(before + "ALLOWED_HOSTS = 127.0.0.1, .example.org\n")
    try:
        yield
    finally:
        conf.write_text(before)


def test_set_answers_another_host_with_400(srv, two_users, allowed):
    r = get(srv, "/api/user/?limit=1", "shop.example.org", two_users)
    assert r.status == 200, r
    assert r.json()["next"] == \
        f"http://shop.example.org{srv.prefix}/api/user/?limit=1&offset=1"
    for path in ("/api/user/?limit=1", "/api/health/", "/api/part/"):
        r = get(srv, path, "evil.example", two_users)
        assert r.status == 400 and r.is_json, (path, r)
        assert r.json() == {"detail": "Invalid Host header: 'evil.example' "
                            "is not in ALLOWED_HOSTS."}
    # The page itself is a static file: the server sends it, as before.
    assert get(srv, "/", "evil.example").status == 200
