"""CGI-level tests of accounts: the tool, authentication by token, Basic
and session, the user endpoints, password changes, throttling, CSRF and the
audit log."""
import sqlite3

import pytest

from conftest import (ADMIN_PASSWORD, basic_header, get_token, make_admin,
                      make_user)

UNAUTH = {"detail": "Authentication credentials were not provided."}


def db(site):
    return site.db()


def test_anonymous_gets_401_with_www_authenticate(site):
    r = site.cgi("user", path="/api/user/me/")
    assert r.status == 401
    assert r.json() == UNAUTH
    assert "Token" in r.header("WWW-Authenticate")


def test_createsuperuser_and_token_via_basic(site):
    # Made here, not taken from the template the `admin` fixture's sites
    # are copies of.
    admin = make_admin(site)
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
    p = site.tool("createsuperuser", "carol", input="CarolCarol\n",
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


# --- Browser sessions --------------------------------------------------------

def login(site, username, password, **kw):
    return site.cgi("auth", method="POST", path="/api/auth/login/",
                    body={"username": username, "password": password}, **kw)


def session_of(r):
    """The session cookie value and CSRF token from a login answer."""
    assert r.status == 200, r
    cookie = r.header("Set-Cookie")
    name, _, rest = cookie.partition("=")
    assert name == "stockroom_session"
    return rest.split(";")[0], r.json()["csrf_token"]


def test_login_sets_cookie_and_session_works_across_processes(site, admin):
    r = login(site, "admin", ADMIN_PASSWORD)
    cookie = r.header("Set-Cookie")
    attrs = [a.strip() for a in cookie.split(";")]
    assert "HttpOnly" in attrs and "SameSite=Lax" in attrs
    assert "Path=/" in attrs and "Secure" not in attrs
    assert any(a.startswith("Max-Age=") and int(a[8:]) > 0 for a in attrs)
    d = r.json()
    assert d["user"]["username"] == "admin"
    key, csrf = session_of(r)
    assert len(key) == 64 and len(csrf) == 64 and key != csrf
    # The session id is never stored plain.
    digests = [row[0] for row in db(site).execute("SELECT digest FROM sessions")]
    assert digests and key not in digests
    # A separate CGI process knows the session.
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": f"stockroom_session={key}"})
    assert r.status == 200 and r.json()["username"] == "admin"
    r = db(site).execute("SELECT last_login FROM users WHERE username='admin'")
    assert r.fetchone()[0] is not None


def test_cookie_secure_and_path_follow_request(site, admin):
    r = login(site, "admin", ADMIN_PASSWORD, env={"HTTPS": "on"},
              request_uri="/~alice/stockroom/api/auth/login/")
    attrs = [a.strip() for a in r.header("Set-Cookie").split(";")]
    assert "Secure" in attrs
    assert "Path=/~alice/stockroom" in attrs


def test_login_wrong_password_and_unknown_user_look_alike(site, admin):
    a = login(site, "admin", "not-the-password")
    b = login(site, "ghost", "not-the-password")
    assert a.status == b.status == 401
    assert a.json() == b.json()
    assert a.header("Set-Cookie") is None


def test_login_validation(site):
    r = site.cgi("auth", method="POST", path="/api/auth/login/", body={})
    assert r.status == 400
    assert set(r.json()) == {"username", "password"}
    r = site.cgi("auth", method="POST", path="/api/auth/login/",
                 body={"username": 5, "password": ["x"]})
    assert r.status == 400


def test_logout_ends_session(site, admin):
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    hdr = {"Cookie": f"stockroom_session={key}", "X-CSRFToken": csrf}
    r = site.cgi("auth", method="POST", path="/api/auth/logout/", headers=hdr)
    assert r.status == 200
    assert "Max-Age=0" in r.header("Set-Cookie")
    r = site.cgi("user", path="/api/user/me/", headers=hdr)
    assert r.status == 401


def test_expired_session_is_refused(site, admin):
    key, _ = session_of(login(site, "admin", ADMIN_PASSWORD))
    c = db(site)
    c.execute("UPDATE sessions SET expires = 1")
    c.commit()
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": f"stockroom_session={key}"})
    assert r.status == 401


def test_session_age_setting(site, admin):
    r = login(site, "admin", ADMIN_PASSWORD,
              env={"STOCKROOM_SESSION_AGE": "600"})
    assert "Max-Age=600" in r.header("Set-Cookie")
    row = db(site).execute("SELECT expires - created FROM sessions").fetchone()
    assert row[0] == 600


def test_last_seen_updated_at_most_once_a_minute(site, admin):
    key, _ = session_of(login(site, "admin", ADMIN_PASSWORD))
    c = db(site)
    c.execute("UPDATE sessions SET last_seen = 1000")
    c.commit()
    site.cgi("user", path="/api/user/me/",
             headers={"Cookie": f"stockroom_session={key}"})
    seen = c.execute("SELECT last_seen FROM sessions").fetchone()[0]
    assert seen > 1000
    c.execute("UPDATE sessions SET last_seen = ?", (seen,))
    c.commit()
    site.cgi("user", path="/api/user/me/",
             headers={"Cookie": f"stockroom_session={key}"})
    assert c.execute("SELECT last_seen FROM sessions").fetchone()[0] == seen


# --- CSRF -------------------------------------------------------------------

def test_csrf_required_for_state_change_with_cookie(site, admin):
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    cookie = {"Cookie": f"stockroom_session={key}"}
    body = {"first_name": "Ada"}
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=cookie)
    assert r.status == 403 and "CSRF" in r.json()["detail"]
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(cookie, **{"X-CSRFToken": "0" * 64}))
    assert r.status == 403 and "incorrect" in r.json()["detail"]
    # Another session's token does not fit this one.
    _, other = session_of(login(site, "admin", ADMIN_PASSWORD))
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(cookie, **{"X-CSRFToken": other}))
    assert r.status == 403
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(cookie, **{"X-CSRFToken": csrf}))
    assert r.status == 200 and r.json()["first_name"] == "Ada"
    # Reads need no token.
    assert site.cgi("user", path="/api/user/me/", headers=cookie).status == 200


def test_csrf_origin_must_be_allowed(site, admin):
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    hdr = {"Cookie": f"stockroom_session={key}", "X-CSRFToken": csrf}
    body = {"last_name": "L"}
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(hdr, Origin="https://evil.example"))
    assert r.status == 403 and "Origin" in r.json()["detail"]
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(hdr, Origin="http://localhost"))
    assert r.status == 200
    env = {"STOCKROOM_CORS_ALLOWED_ORIGINS": "https://app.example.org"}
    r = site.cgi("user", method="PATCH", path="/api/user/me/", body=body,
                 headers=dict(hdr, Origin="https://app.example.org"), env=env)
    assert r.status == 200
    # Login from a foreign origin is refused too (login CSRF).
    r = login(site, "admin", ADMIN_PASSWORD,
              headers={"Origin": "https://evil.example"})
    assert r.status == 403


def test_token_and_basic_need_no_csrf(site, admin):
    r = site.cgi("user", method="PATCH", path="/api/user/me/",
                 body={"first_name": "T"}, headers=admin)
    assert r.status == 200
    r = site.cgi("user", method="PATCH", path="/api/user/me/",
                 body={"first_name": "B"},
                 headers=basic_header("admin", ADMIN_PASSWORD))
    assert r.status == 200 and r.json()["first_name"] == "B"


# --- Passwords ----------------------------------------------------------------

def test_password_change_ends_tokens_and_sessions(site, admin):
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    other = make_user(site, "other")
    r = site.cgi("auth", method="POST", path="/api/auth/password/",
                 headers=admin, body={"old_password": ADMIN_PASSWORD,
                                      "new_password": "Brand-new-pass-42"})
    assert r.status == 200, r
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 401
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": f"stockroom_session={key}"})
    assert r.status == 401
    # Other users are untouched; the new password works, the old does not.
    assert site.cgi("user", path="/api/user/me/", headers=other).status == 200
    assert login(site, "admin", ADMIN_PASSWORD).status == 401
    assert login(site, "admin", "Brand-new-pass-42").status == 200


def test_password_change_from_browser_gets_new_session(site, admin):
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    r = site.cgi("auth", method="POST", path="/api/auth/password/",
                 headers={"Cookie": f"stockroom_session={key}",
                          "X-CSRFToken": csrf},
                 body={"old_password": ADMIN_PASSWORD,
                       "new_password": "Brand-new-pass-42"})
    assert r.status == 200
    new_key, new_csrf = session_of(r)
    assert new_key != key and r.json()["csrf_token"] == new_csrf
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": f"stockroom_session={new_key}"})
    assert r.status == 200


@pytest.mark.parametrize("new,msg", [
    ("short", "too short"),
    ("Admin12345", "similar"),
    ("password123", "too common"),
    ("Password1234", "too common"),
])
def test_password_policy(site, admin, new, msg):
    r = site.cgi("auth", method="POST", path="/api/auth/password/",
                 headers=admin, body={"old_password": ADMIN_PASSWORD,
                                      "new_password": new})
    assert r.status == 400
    assert msg in r.json()["new_password"][0]


def test_password_change_needs_right_old_password(site, admin):
    r = site.cgi("auth", method="POST", path="/api/auth/password/",
                 headers=admin, body={"old_password": "wrong-wrong-1",
                                      "new_password": "Brand-new-pass-42"})
    assert r.status == 400 and "old_password" in r.json()
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 200


def test_old_hash_is_upgraded_at_login(site, admin):
    import base64
    import hashlib
    import os
    salt = os.urandom(16)
    h = hashlib.scrypt(b"Legacy-pass-123", salt=salt, n=1024, r=8, p=1,
                       dklen=64)
    mcf = "$s1$0a0801$%s$%s" % (base64.b64encode(salt).decode(),
                                 base64.b64encode(h).decode())
    c = db(site)
    c.execute("INSERT INTO users (username, password) VALUES ('old', ?)",
              (mcf,))
    c.commit()
    assert login(site, "old", "Legacy-pass-123").status == 200
    new = c.execute("SELECT password FROM users WHERE username='old'"
                    ).fetchone()[0]
    assert new != mcf and new.startswith("$s1$0e0801$")
    assert login(site, "old", "Legacy-pass-123").status == 200


# --- Throttling ---------------------------------------------------------------

def test_throttle_after_five_failures_per_username(site, admin):
    for _ in range(5):
        assert login(site, "admin", "wrong-password-x").status == 401
    r = login(site, "admin", ADMIN_PASSWORD)
    assert r.status == 429
    assert 1 <= int(r.header("Retry-After")) <= 900
    # Basic auth is throttled too.
    r = site.cgi("user", path="/api/user/me/",
                 headers=basic_header("admin", ADMIN_PASSWORD))
    assert r.status == 429
    # Tokens are not affected.
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 200
    # When the window has passed, sign-in works again.
    c = db(site)
    c.execute("UPDATE login_attempts SET time = time - 901")
    c.commit()
    assert login(site, "admin", ADMIN_PASSWORD).status == 200


def test_throttle_per_client_address(site, admin):
    for i in range(5):
        assert login(site, f"user{i}", "wrong-password-x",
                     env={"REMOTE_ADDR": "203.0.113.9"}).status == 401
    r = login(site, "admin", ADMIN_PASSWORD, env={"REMOTE_ADDR": "203.0.113.9"})
    assert r.status == 429
    assert login(site, "admin", ADMIN_PASSWORD,
                 env={"REMOTE_ADDR": "203.0.113.10"}).status == 200


def test_throttle_settings(site, admin):
    env = {"STOCKROOM_LOGIN_MAX_FAILURES": "2",
           "STOCKROOM_LOGIN_FAILURE_WINDOW": "60"}
    for _ in range(2):
        assert login(site, "admin", "wrong-password-x", env=env).status == 401
    r = login(site, "admin", ADMIN_PASSWORD, env=env)
    assert r.status == 429 and int(r.header("Retry-After")) <= 60


def attempts(site):
    """(username, remote_addr, pending) of every counted sign-in attempt."""
    return db(site).execute("SELECT username, remote_addr, pending FROM"
                            " login_attempts ORDER BY id").fetchall()


def test_attempt_is_counted_before_the_check_and_released_on_success(
        site, admin):
    """Each check is reserved as a pending row first: a wrong password
    leaves it as a failure, a right one removes it (no leak)."""
    db(site).execute("DELETE FROM login_attempts").connection.commit()
    assert login(site, "admin", ADMIN_PASSWORD).status == 200
    assert attempts(site) == []
    assert login(site, "admin", "wrong-password-x").status == 401
    assert attempts(site) == [("admin", "127.0.0.1", 0)]
    # Success forgets the user's failures; Basic releases the same way.
    r = site.cgi("user", path="/api/user/me/",
                 headers=basic_header("admin", ADMIN_PASSWORD))
    assert r.status == 200 and attempts(site) == []


def pending_rows(site, n, age, username="someone", addr="192.0.2.{i}"):
    """n pending attempts age seconds old: checks in flight (young) or
    left by processes that died mid-check (old)."""
    c = db(site)
    c.executemany("INSERT INTO login_attempts (username, remote_addr, time,"
                  " pending) VALUES (?, ?, unixepoch('now') - ?, 1)",
                  [(username.format(i=i), addr.format(i=i), age)
                   for i in range(n)])
    c.commit()


def test_concurrent_checks_are_capped(site, admin):
    """LOGIN_MAX_CONCURRENT checks in flight (any users, any addresses):
    one more gets 429 with Retry-After: 1 and costs no scrypt; a crashed
    process's reservation stops counting after AUTH_CHECK_STALE (60 s)."""
    pending_rows(site, 4, 0, username="u{i}")
    r = login(site, "admin", ADMIN_PASSWORD)
    assert r.status == 429, r
    assert r.header("Retry-After") == "1"
    assert "at once" in r.json()["detail"]
    r = login(site, "admin", ADMIN_PASSWORD,
              env={"STOCKROOM_LOGIN_MAX_CONCURRENT": "5"})
    assert r.status == 200
    db(site).execute("UPDATE login_attempts SET time = time - 61"
                     " WHERE pending = 1").connection.commit()
    assert login(site, "admin", ADMIN_PASSWORD).status == 200


def test_limit_reached_by_checks_in_flight(site, admin):
    """Attempts still being checked count against the username's limit
    (Retry-After: 1, they may yet succeed); those of dead processes count
    as failures until they leave the window."""
    pending_rows(site, 5, 0, username="admin")
    r = login(site, "admin", ADMIN_PASSWORD,
              env={"STOCKROOM_LOGIN_MAX_CONCURRENT": "10"})
    assert r.status == 429 and r.header("Retry-After") == "1", r
    db(site).execute("UPDATE login_attempts SET time = time - 100"
                     ).connection.commit()
    r = login(site, "admin", ADMIN_PASSWORD)
    assert r.status == 429, r
    assert 790 <= int(r.header("Retry-After")) <= 800
    db(site).execute("UPDATE login_attempts SET time = time - 801"
                     ).connection.commit()
    assert login(site, "admin", ADMIN_PASSWORD).status == 200


def test_simultaneous_guesses_are_checked_at_most_the_limit(site, admin):
    """30 wrong Basic passwords at once, each its own process: at most
    LOGIN_MAX_FAILURES are checked (401), the others get 429."""
    import concurrent.futures

    def guess(i):
        return site.cgi("user", path="/api/user/me/",
                        headers=basic_header("admin", f"guess-{i}"),
                        timeout=120).status

    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        got = list(pool.map(guess, range(30)))
    assert set(got) <= {401, 429}, got
    assert 1 <= got.count(401) <= 5, got
    assert len(attempts(site)) == got.count(401)
    assert all(p == 0 for _, _, p in attempts(site))


# --- Deactivation, sign out everywhere ---------------------------------------

def test_deactivation_ends_everything(site, admin):
    bob = make_user(site, "bob", roles={"part": ["view"]})
    key, _ = session_of(login(site, "bob", bob.password))
    r = site.cgi("user", method="PATCH", path=f"/api/user/{bob.pk}/",
                 headers=admin, body={"is_active": False})
    assert r.status == 200 and r.json()["is_active"] is False
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 401
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": f"stockroom_session={key}"})
    assert r.status == 401
    assert login(site, "bob", bob.password).status == 401
    # Reactivated: old credentials stay dead, a new sign-in works.
    site.cgi("user", method="PATCH", path=f"/api/user/{bob.pk}/",
             headers=admin, body={"is_active": True})
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 401
    assert login(site, "bob", bob.password).status == 200


def test_signout_everywhere(site, admin):
    bob = make_user(site, "bob")
    r = site.cgi("user", method="POST", path=f"/api/user/{bob.pk}/signout/",
                 headers=admin)
    assert r.status == 200
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 401
    r = site.cgi("user", method="POST", path=f"/api/user/{admin.pk}/signout/",
                 headers=bob)
    assert r.status == 401


# --- User and group administration --------------------------------------------

def test_superuser_creates_user_with_groups(site, admin):
    r = site.cgi("user", method="POST", path="/api/user/group/",
                 headers=admin, body={"name": "Stores",
                                      "roles": {"stock": ["delete"],
                                                "part": ["view"]}})
    assert r.status == 201, r
    g = r.json()
    assert g["roles"]["stock"] == ["view", "change", "delete"]
    assert g["roles"]["part"] == ["view"] and g["roles"]["build"] is None
    r = site.cgi("user", method="POST", path="/api/user/", headers=admin,
                 body={"username": "dora", "email": "dora@example.org",
                       "password": "Dora-pass-12345", "first_name": "Dora",
                       "groups": [g["pk"]]})
    assert r.status == 201, r
    u = r.json()
    assert u["username"] == "dora" and u["groups"] == [g["pk"]]
    assert u["is_superuser"] is False and "password" not in u
    dora = {"Authorization": "Token " + get_token(site, "dora",
                                                  "Dora-pass-12345")}
    roles = site.cgi("user", path="/api/user/roles/", headers=dora).json()
    assert roles["roles"]["stock"] == ["view", "change", "delete"]
    # Changing the group changes the rights of live tokens at once.
    r = site.cgi("user", method="PATCH", path=f"/api/user/group/{g['pk']}/",
                 headers=admin, body={"roles": {"build": ["view"]}})
    assert r.status == 200 and r.json()["users"] == [u["pk"]]
    roles = site.cgi("user", path="/api/user/roles/", headers=dora).json()
    assert roles["roles"]["stock"] is None
    assert roles["roles"]["build"] == ["view"]
    # Deleting the group takes its rights away.
    r = site.cgi("user", method="DELETE", path=f"/api/user/group/{g['pk']}/",
                 headers=admin)
    assert r.status == 204
    roles = site.cgi("user", path="/api/user/roles/", headers=dora).json()
    assert roles["roles"]["build"] is None


def test_user_validation(site, admin):
    r = site.cgi("user", method="POST", path="/api/user/", headers=admin,
                 body={"username": "bad name!", "email": "nope",
                       "password": "short", "groups": [999]})
    assert r.status == 400
    assert set(r.json()) >= {"username", "email", "groups"}
    r = site.cgi("user", method="POST", path="/api/user/", headers=admin,
                 body={"username": "ADMIN"})
    assert r.status == 400 and "already exists" in r.json()["username"][0]
    r = site.cgi("user", method="POST", path="/api/user/", headers=admin,
                 body={"username": "eve", "password": "short"})
    assert r.status == 400 and "too short" in r.json()["password"][0]
    r = site.cgi("user", method="POST", path="/api/user/", headers=admin,
                 body={"username": "x" * 151})
    assert r.status == 400


def test_last_superuser_cannot_be_removed(site, admin):
    r = site.cgi("user", method="PATCH", path=f"/api/user/{admin.pk}/",
                 headers=admin, body={"is_superuser": False})
    assert r.status == 400
    r = site.cgi("user", method="DELETE", path=f"/api/user/{admin.pk}/",
                 headers=admin)
    assert r.status == 400
    assert site.cgi("user", path="/api/user/roles/",
                    headers=admin).json()["is_superuser"] is True


def test_delete_user(site, admin):
    bob = make_user(site, "bob")
    r = site.cgi("user", method="DELETE", path=f"/api/user/{bob.pk}/",
                 headers=admin)
    assert r.status == 204
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 401
    r = site.cgi("user", path=f"/api/user/{bob.pk}/", headers=admin)
    assert r.status == 404


def test_user_list_pagination_and_filters(site, admin):
    for i in range(4):
        make_user(site, f"u{i}", email=f"u{i}@example.org")
    r = site.cgi("user", path="/api/user/", headers=admin)
    assert [u["username"] for u in r.json()] == ["admin", "u0", "u1", "u2",
                                                  "u3"]
    r = site.cgi("user", path="/api/user/", query="limit=2&offset=2",
                 headers=admin)
    d = r.json()
    assert d["count"] == 5 and len(d["results"]) == 2
    assert d["next"].endswith("/api/user/?limit=2&offset=4")
    assert d["previous"].endswith("/api/user/?limit=2")
    r = site.cgi("user", path="/api/user/", query="search=U2", headers=admin)
    assert [u["username"] for u in r.json()] == ["u2"]
    r = site.cgi("user", path="/api/user/", query="is_superuser=true",
                 headers=admin)
    assert [u["username"] for u in r.json()] == ["admin"]
    r = site.cgi("user", path="/api/user/", query="limit=0", headers=admin)
    assert r.status == 400


# --- Audit log --------------------------------------------------------------------

def test_audit_log(site, admin):
    login(site, "admin", "wrong-password-x")
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    site.cgi("auth", method="POST", path="/api/auth/logout/",
             headers={"Cookie": f"stockroom_session={key}",
                      "X-CSRFToken": csrf, "X-Request-ID": "req-logout-1"})
    bob = make_user(site, "bob")
    site.cgi("auth", method="POST", path="/api/auth/password/", headers=bob,
             body={"old_password": bob.password,
                   "new_password": "Bobs-new-pass-77"})
    r = site.cgi("admin", path="/api/admin/audit/", headers=admin)
    assert r.status == 200, r
    entries = r.json()
    actions = [e["action"] for e in entries]
    for a in ("user_created", "token_created", "login_failed", "login",
              "logout", "password_changed"):
        assert a in actions, (a, actions)
    out = [e for e in entries if e["action"] == "logout"][0]
    assert out["request_id"] == "req-logout-1"
    assert out["user"] == admin.pk and out["remote_addr"] == "127.0.0.1"
    # Filters and pagination.
    r = site.cgi("admin", path="/api/admin/audit/",
                 query=f"user={bob.pk}&action=password_changed&limit=1",
                 headers=admin)
    d = r.json()
    assert d["count"] == 1 and d["results"][0]["username"] == "bob"
    assert d["next"] is None and d["previous"] is None
    r = site.cgi("admin", path="/api/admin/audit/", query="limit=2",
                 headers=admin)
    assert "action" not in r.json()["next"] and "offset=2" in r.json()["next"]
    # Secrets never appear in it.
    text = r.body.decode() + str(entries)
    for secret in (ADMIN_PASSWORD, "wrong-password-x", bob.password,
                   "Bobs-new-pass-77", admin.token, bob.token, key, csrf):
        assert secret not in text
    # Only superusers read it.
    r = site.cgi("admin", path="/api/admin/audit/", headers=bob)
    assert r.status == 401      # bob's token ended with his password change
    bob2 = make_user(site, "bob2", roles={"admin": ["view"]})
    r = site.cgi("admin", path="/api/admin/audit/", headers=bob2)
    assert r.status == 403


def test_no_secret_in_logs(site, admin):
    r = login(site, "admin", ADMIN_PASSWORD)
    key, _ = session_of(r)
    r2 = site.cgi("user", path="/api/user/token/", headers=admin)
    logs = (r.stderr + r2.stderr).decode()
    for secret in (ADMIN_PASSWORD, key, r2.json()["token"], admin.token):
        assert secret not in logs


# --- First run ----------------------------------------------------------------------

def test_setup_creates_first_superuser_once(site):
    r = site.cgi("auth", path="/api/auth/setup/")
    assert r.status == 200 and r.json()["setup_required"] is True
    code_file = site.data / "setup_code"
    code = code_file.read_text().strip()
    assert len(code) == 32 and (code_file.stat().st_mode & 0o077) == 0
    assert code not in r.body.decode()
    body = {"setup_code": "0" * 32, "username": "boss",
            "password": "Boss-pass-12345", "email": "b@example.org"}
    r = site.cgi("auth", method="POST", path="/api/auth/setup/", body=body)
    assert r.status == 400 and "setup_code" in r.json()
    r = site.cgi("auth", method="POST", path="/api/auth/setup/",
                 body=dict(body, setup_code=code, password="short"))
    assert r.status == 400 and "password" in r.json()
    r = site.cgi("auth", method="POST", path="/api/auth/setup/",
                 body=dict(body, setup_code=code))
    assert r.status == 201, r
    assert r.json()["is_superuser"] is True
    assert not code_file.exists()
    r = site.cgi("auth", method="POST", path="/api/auth/setup/",
                 body=dict(body, setup_code=code, username="boss2"))
    assert r.status == 403
    r = site.cgi("auth", path="/api/auth/setup/")
    assert r.json()["setup_required"] is False and not code_file.exists()
    assert login(site, "boss", "Boss-pass-12345").status == 200


def test_setup_needs_an_issued_code(site):
    r = site.cgi("auth", method="POST", path="/api/auth/setup/",
                 body={"setup_code": "", "username": "y", "password": "z"})
    assert r.status == 400 and "GET /api/auth/setup/" in r.json()["setup_code"][0]
    assert not (site.data / "setup_code").exists()


def test_setup_closed_when_a_user_exists(site, admin):
    r = site.cgi("auth", method="POST", path="/api/auth/setup/",
                 body={"setup_code": "x", "username": "y", "password": "z"})
    assert r.status == 403


def test_setup_code_guessing_is_throttled(site):
    site.cgi("auth", path="/api/auth/setup/")
    body = {"setup_code": "1" * 32, "username": "boss",
            "password": "Boss-pass-12345"}
    for _ in range(5):
        r = site.cgi("auth", method="POST", path="/api/auth/setup/", body=body)
        assert r.status == 400
    r = site.cgi("auth", method="POST", path="/api/auth/setup/", body=body)
    assert r.status == 429


def test_unknown_username_costs_the_same_work(site, admin):
    """Without the dummy check an unknown name would answer several times
    faster than a known one with a wrong password.  Counted as the CPU
    time the program used (its scrypt), not the wall clock, which other
    work on the machine stretches."""
    import resource

    def cpu():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    def timed(username, i):
        t = cpu()
        r = login(site, username, "wrong-password-x",
                  env={"REMOTE_ADDR": f"198.51.100.{i}"})
        assert r.status == 401
        return cpu() - t

    known = min(timed("admin", i) for i in range(3))
    unknown = min(timed(f"ghost{i}", 10 + i) for i in range(3))
    assert known > 0.01, known          # the scrypt of a real check
    assert unknown >= 0.5 * known, (known, unknown)


def test_overlong_username_still_throttled_by_address(site):
    env = {"REMOTE_ADDR": "192.0.2.7"}
    for _ in range(5):
        assert login(site, "x" * 200, "pw-pw-pw-pw", env=env).status == 401
    assert login(site, "x" * 200, "pw-pw-pw-pw", env=env).status == 429


def test_token_last_seen(site, admin):
    c = db(site)
    c.execute("UPDATE api_tokens SET last_seen = NULL")
    c.commit()
    site.cgi("user", path="/api/user/me/", headers=admin)
    toks = site.cgi("user", path="/api/user/tokens/", headers=admin).json()
    assert len(toks) == 1 and toks[0]["in_use"] is True
    assert toks[0]["active"] is True and toks[0]["revoked"] is False
    assert toks[0]["last_seen"].endswith("Z") and "T" in toks[0]["last_seen"]


def test_token_header_wins_over_cookie(site, admin):
    key, _ = session_of(login(site, "admin", ADMIN_PASSWORD))
    cookie = {"Cookie": f"stockroom_session={key}"}
    # A bad token is refused even with a good cookie beside it.
    r = site.cgi("user", path="/api/user/me/",
                 headers=dict(cookie, Authorization="Token inv-bad"))
    assert r.status == 401
    # A good token needs no CSRF token, whatever cookie comes along.
    r = site.cgi("user", method="PATCH", path="/api/user/me/",
                 body={"first_name": "Z"}, headers=dict(cookie, **admin))
    assert r.status == 200
    # A stale cookie alone is simply anonymous.
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Cookie": "stockroom_session=" + "0" * 64})
    assert r.status == 401 and r.json() == UNAUTH


def test_membership_through_user_and_put_rules(site, admin):
    g1 = site.cgi("user", method="POST", path="/api/user/group/", headers=admin,
                  body={"name": "g1", "roles": {"part": ["view"]}}).json()
    g2 = site.cgi("user", method="POST", path="/api/user/group/", headers=admin,
                  body={"name": "g2", "roles": {"part": ["add"]}}).json()
    r = site.cgi("user", method="POST", path="/api/user/group/", headers=admin,
                 body={"name": "G1"})
    assert r.status == 400 and "name" in r.json()
    r = site.cgi("user", method="POST", path="/api/user/group/", headers=admin,
                 body={"name": "g3", "roles": {"parts": ["view"]}})
    assert r.status == 400 and "roles" in r.json()
    r = site.cgi("user", method="POST", path="/api/user/group/", headers=admin,
                 body={"name": "g3", "roles": {"part": ["own"]}})
    assert r.status == 400
    bob = make_user(site, "bob")
    r = site.cgi("user", method="PATCH", path=f"/api/user/{bob.pk}/",
                 headers=admin, body={"groups": [g1["pk"], g2["pk"]]})
    assert r.status == 200 and r.json()["groups"] == [g1["pk"], g2["pk"]]
    roles = site.cgi("user", path="/api/user/roles/", headers=bob).json()
    assert roles["roles"]["part"] == ["view", "add", "change"]   # the union
    r = site.cgi("user", method="GET", path=f"/api/user/group/{g1['pk']}/",
                 headers=admin)
    assert r.json()["users"] == [bob.pk]
    # PUT needs the username; PATCH does not.
    r = site.cgi("user", method="PUT", path=f"/api/user/{bob.pk}/",
                 headers=admin, body={"email": "b@example.org"})
    assert r.status == 400 and "username" in r.json()
    r = site.cgi("user", method="PATCH", path=f"/api/user/{bob.pk}/",
                 headers=admin, body={"groups": []})
    assert r.json()["groups"] == []
    roles = site.cgi("user", path="/api/user/roles/", headers=bob).json()
    assert roles["roles"]["part"] is None
    # Not for non-superusers, even with every rule set.
    full = make_user(site, "full", roles={a: ["delete", "add"] for a in
                                          ("admin", "part", "stock")})
    r = site.cgi("user", method="PATCH", path=f"/api/user/{bob.pk}/",
                 headers=full, body={"is_superuser": True})
    assert r.status == 403
    r = site.cgi("user", method="POST", path="/api/user/group/", headers=full,
                 body={"name": "mine"})
    assert r.status == 403


def test_user_can_list_users_but_not_change_them(site, admin):
    bob = make_user(site, "bob")
    r = site.cgi("user", path="/api/user/", headers=bob)
    assert r.status == 200 and len(r.json()) == 2
    r = site.cgi("user", method="POST", path="/api/user/", headers=bob,
                 body={"username": "mallory"})
    assert r.status == 403
    r = site.cgi("user", method="DELETE", path=f"/api/user/{admin.pk}/",
                 headers=bob)
    assert r.status == 403


def test_session_state_gives_csrf_token_after_reload(site, admin):
    r = site.cgi("auth", path="/api/auth/session/")
    assert r.status == 200
    assert r.json() == {"authenticated": False, "user": None,
                        "csrf_token": None}
    key, csrf = session_of(login(site, "admin", ADMIN_PASSWORD))
    r = site.cgi("auth", path="/api/auth/session/",
                 headers={"Cookie": f"stockroom_session={key}"})
    d = r.json()
    assert d["authenticated"] is True and d["csrf_token"] == csrf
    assert d["user"]["username"] == "admin"
    r = site.cgi("auth", path="/api/auth/session/", headers=admin)
    assert r.json()["authenticated"] is True
    assert r.json()["csrf_token"] is None


def test_token_header_spacing_and_head(site, admin):
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Authorization": "Token  " + admin.token + " "})
    assert r.status == 200
    n = db(site).execute("SELECT count(*) FROM api_tokens").fetchone()[0]
    r = site.cgi("user", method="HEAD", path="/api/user/token/", headers=admin)
    assert r.status == 200 and r.body == b""
    assert db(site).execute("SELECT count(*) FROM api_tokens"
                            ).fetchone()[0] == n


def test_no_basic_challenge_for_a_pages_fetch(site, admin):
    """A page's fetch() must not make the browser show its password
    dialog; a direct visit (or a script) is offered Basic."""
    r = site.cgi("user", path="/api/user/me/")
    assert "Basic" in r.header("WWW-Authenticate")
    for h in ({"Sec-Fetch-Mode": "cors"}, {"Sec-Fetch-Mode": "same-origin"},
              {"X-Requested-With": "XMLHttpRequest"}):
        r = site.cgi("user", path="/api/user/me/", headers=h)
        assert r.status == 401
        assert r.header("WWW-Authenticate") == 'Token realm="api"'
        r = login(site, "admin", "wrong-password-x", headers=h)
        assert r.status == 401
        assert r.header("WWW-Authenticate") == 'Token realm="api"'
    r = site.cgi("user", path="/api/user/me/",
                 headers={"Sec-Fetch-Mode": "navigate"})
    assert "Basic" in r.header("WWW-Authenticate")


def test_concurrent_setups_make_one_superuser(site):
    from concurrent.futures import ThreadPoolExecutor
    site.cgi("auth", path="/api/auth/setup/")
    code = (site.data / "setup_code").read_text().strip()

    def setup(i):
        return site.cgi("auth", method="POST", path="/api/auth/setup/",
                        body={"setup_code": code, "username": f"boss{i}",
                              "password": "Chief-pass-12345"}).status

    with ThreadPoolExecutor(4) as ex:
        statuses = sorted(ex.map(setup, range(4)))
    assert statuses.count(201) == 1, statuses
    assert all(s in (201, 400, 403) for s in statuses), statuses
    assert not (site.data / "setup_code").exists()
    n = db(site).execute("SELECT count(*) FROM users").fetchone()[0]
    assert n == 1
