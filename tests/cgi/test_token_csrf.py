"""GET /api/user/token/ creates a token, so a browser session needs the
CSRF token there too: the SameSite=Lax cookie is sent on cross-site
top-level navigations, which could otherwise mint tokens until the user's
real ones are pushed out (HARDENING.md, finding 6)."""
import sqlite3

from conftest import ADMIN_PASSWORD, ADMIN_USERNAME


def sign_in(site):
    r = site.cgi("auth", method="POST", path="/api/auth/login/",
                 body={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
    assert r.status == 200, r
    cookie = r.header("Set-Cookie").split(";")[0]
    return cookie, r.json()["csrf_token"]


def tokens(site):
    db = site.db()
    n = db.execute("SELECT count(*) FROM api_tokens").fetchone()[0]
    db.close()
    return n


def test_session_needs_csrf_token_to_create_api_token(site, admin):
    cookie, csrf = sign_in(site)
    before = tokens(site)
    r = site.cgi("user", path="/api/user/token/", query="name=x",
                 headers={"Cookie": cookie})
    assert r.status == 403 and "CSRF" in r.json()["detail"]
    assert tokens(site) == before                  # nothing created
    r = site.cgi("user", path="/api/user/token/", query="name=x",
                 headers={"Cookie": cookie, "X-CSRFToken": csrf})
    assert r.status == 200 and r.json()["token"]
    assert tokens(site) == before + 1


def test_other_gets_still_need_no_csrf_token(site, admin):
    cookie, _ = sign_in(site)
    r = site.cgi("user", path="/api/user/me/", headers={"Cookie": cookie})
    assert r.status == 200 and r.json()["username"] == ADMIN_USERNAME


def test_token_and_basic_clients_unaffected(site, admin):
    r = site.cgi("user", path="/api/user/token/", query="name=y",
                 headers=admin)
    assert r.status == 200
