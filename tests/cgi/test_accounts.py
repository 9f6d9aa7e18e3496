"""CGI-level tests of accounts: the tool, authentication by token, Basic
and session, the user endpoints, password changes, throttling, CSRF and the
audit log."""
import sqlite3

import pytest

from conftest import (ADMIN_PASSWORD, basic_header, get_token, make_user)

UNAUTH = {"detail": "Authentication credentials were not provided."}


def db(site):
    return sqlite3.connect(site.data / "stockroom.sqlite3")


def test_anonymous_gets_401_with_www_authenticate(site):
    r = site.cgi("user", path="/api/user/me/")
    assert r.status == 401
    assert r.json() == UNAUTH
    assert "Token" in r.header("WWW-Authenticate")


def test_createsuperuser_and_token_via_basic(site, admin):
    r = site.cgi("user", path="/api/user/me/", headers=admin)
    assert r.status == 200, r
    me = r.json()
    assert me["username"] == "admin" and me["is_superuser"] is True
    assert me["is_active"] is True and me["email"] == "admin@example.org"
    assert me["pk"] == admin.pk
    assert "password" not in me


def test_token_response_shape_and_storage(site, admin):
    r = site.cgi("user", path="/api/user/token/", query="name=scanner",
                 headers=admin)
    assert r.status == 200
    d = r.json()
    assert d["name"] == "scanner" and len(d["expiry"]) == 10
    key = d["token"]
    assert len(key) >= 64
    # Stored only as a digest.
    rows = db(site).execute("SELECT digest FROM api_tokens").fetchall()
    assert all(key not in row[0] and len(row[0]) == 64 for row in rows)
    # The new key works, and Bearer is accepted too.
    for scheme in ("Token", "Bearer"):
        r = site.cgi("user", path="/api/user/me/",
                     headers={"Authorization": f"{scheme} {key}"})
        assert r.status == 200 and r.json()["username"] == "admin"


def test_bad_token_is_401(site, admin):
    for bad in ("inv-" + "0" * 64, "x", "a b", "é" * 10, "x" * 500):
        r = site.cgi("user", path="/api/user/me/",
                     headers={"Authorization": "Token " + bad})
        assert r.status == 401, (bad, r)
        assert r.header("WWW-Authenticate")


def test_basic_wrong_password_and_unknown_user_same_answer(site, admin):
    a = site.cgi("user", path="/api/user/me/",
                 headers=basic_header("admin", "wrong-password-1"))
    b = site.cgi("user", path="/api/user/me/",
                 headers=basic_header("nobody", "wrong-password-1"))
    assert a.status == b.status == 401
    assert a.json() == b.json()
    assert "Basic" in a.header("WWW-Authenticate")


def test_basic_malformed_is_401(site, admin):
    for v in ("Basic !!!", "Basic " + "QQ", "Basic YWRtaW4="):
        r = site.cgi("user", path="/api/user/me/", headers={"Authorization": v})
        assert r.status == 401, (v, r)


def test_roles_of_user_in_group(site, admin):
    h = make_user(site, "viewer", roles={"part": ["view"],
                                          "stock": ["add"]})
    r = site.cgi("user", path="/api/user/roles/", headers=h)
    assert r.status == 200
    d = r.json()
    assert d["username"] == "viewer" and d["user"] == h.pk
    assert d["roles"]["part"] == ["view"]
    # add implies change and view
    assert d["roles"]["stock"] == ["view", "add", "change"]
    assert d["roles"]["build"] is None
    assert d["is_superuser"] is False
    r = site.cgi("user", path="/api/user/roles/", headers=admin)
    assert r.json()["roles"]["return_order"] == ["view", "add", "change",
                                                 "delete"]


def test_tokens_list_and_revoke(site, admin):
    other = get_token(site, "admin", ADMIN_PASSWORD, name="second")
    r = site.cgi("user", path="/api/user/tokens/", headers=admin)
    assert r.status == 200
    toks = r.json()
    assert {t["name"] for t in toks} == {"tests", "second"}
    assert all("token" not in t for t in toks)
    second = [t for t in toks if t["name"] == "second"][0]
    r = site.cgi("user", method="DELETE",
                 path=f"/api/user/tokens/{second['pk']}/", headers=admin)
    assert r.status == 204
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Authorization": "Token " + other})
    assert r.status == 401
    # The first token still works; revoking twice / someone else's is 404.
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 200
    h = make_user(site, "bob")
    r = site.cgi("user", method="DELETE",
                 path=f"/api/user/tokens/{second['pk']}/", headers=h)
    assert r.status == 404


def test_tool_ensure_admin(site):
    p = site.tool("ensure-admin")
    out = p.stdout.decode()
    assert out.startswith("Created superuser admin with password: ")
    pw = out.strip().rsplit(" ", 1)[1]
    assert len(pw) >= 16
    assert site.tool("ensure-admin").stdout == b""
    token = get_token(site, "admin", pw)
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Authorization": "Token " + token})
    assert r.json()["is_superuser"] is True


def test_tool_createsuperuser_policy_and_duplicates(site):
    p = site.tool("createsuperuser", "carol", input="short\n", check=False)
    assert p.returncode != 0 and b"too short" in p.stderr
    p = site.tool("createsuperuser", "carol", input="carol-is-me-123\n",
                  check=False)
    assert p.returncode != 0 and b"similar" in p.stderr
    p = site.tool("createsuperuser", "carol", input="password123\n",
                  check=False)
    assert p.returncode != 0
    site.tool("createsuperuser", "carol", "c@example.org",
              input="A-good-long-passphrase\n")
    p = site.tool("createsuperuser", "CAROL", input="A-good-long-passphrase\n",
                  check=False)
    assert p.returncode != 0 and b"already exists" in p.stderr
    p = site.tool("listusers")
    assert b"carol" in p.stdout and b"c@example.org" in p.stdout
    row = db(site).execute("SELECT password FROM users").fetchone()
    assert row[0].startswith("$s1$0e0801$")
    assert "passphrase" not in row[0]


def test_tool_changepassword_ends_tokens(site, admin):
    site.tool("changepassword", "admin", input="Another-long-pass-99\n")
    r = site.cgi("user", path="/api/user/me/", headers=admin)
    assert r.status == 401
    get_token(site, "admin", "Another-long-pass-99")
