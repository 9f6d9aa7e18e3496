"""Users, groups and the account endpoints on the resource layer (issue 12):
JSON bodies say one thing (no NUL cut short, no repeated key), lists of ids
name each id once, and users and groups page, order and describe
themselves as every other resource does.  The security items' docstrings
say how they were broken before the layer."""
import json
import sqlite3

from conftest import ADMIN_PASSWORD, get_token, make_user

USERS = "/api/user/"
GROUPS = "/api/user/group/"
JSON = "application/json"


def rows(site, sql, *args):
    db = site.db()
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def post(site, who, path, body, method="POST"):
    """Sends body as it is (a str: raw JSON text) or as JSON."""
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return site.cgi("user", method=method, path=path, body=body,
                    content_type=JSON, headers=who)


def login(site, username, password):
    return site.cgi("auth", method="POST", path="/api/auth/login/",
                    body=json.dumps({"username": username,
                                     "password": password}),
                    content_type=JSON)


# --- \u0000 in a JSON string ---------------------------------------------------

def test_nul_in_a_username_is_refused(site, admin):
    """Before: "nul\\u0000admin" was stored as the user "nul"."""
    r = post(site, admin, USERS, '{"username": "nul\\u0000admin", '
             '"password": "Good-pass-12345"}')
    assert r.status == 400 and "\\u0000" in r.json()["detail"], r
    assert rows(site, "SELECT username FROM users WHERE username LIKE"
                " 'nul%'") == []
    # The JSON text \\u0000 (an escaped backslash) is no NUL, and no
    # username either.
    r = post(site, admin, USERS, '{"username": "nul\\\\u0000admin"}')
    assert r.status == 400 and "username" in r.json(), r


def test_nul_in_a_password_is_refused(site, admin):
    """Before: a password was stored as what came before its \\u0000, so
    "Secret-pass-123\\u0000anything" set the password "Secret-pass-123"."""
    r = post(site, admin, USERS, '{"username": "carl", "password": '
             '"Secret-pass-123\\u0000anything"}')
    assert r.status == 400 and "\\u0000" in r.json()["detail"], r
    assert rows(site, "SELECT id FROM users WHERE username = 'carl'") == []
    bob = make_user(site, "bob")
    r = post(site, admin, USERS + f"{bob.pk}/", '{"password": '
             '"Secret-pass-123\\u0000anything"}', method="PATCH")
    assert r.status == 400, r
    # Nothing changed: bob's password and token still work.
    assert login(site, "bob", bob.password).status == 200
    assert login(site, "bob", "Secret-pass-123").status == 401
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 200


def test_nul_in_sign_in_is_refused(site, admin):
    """Before: a password with anything after a \\u0000 signed in as long
    as what came before it was right."""
    r = site.cgi("auth", method="POST", path="/api/auth/login/",
                 body='{"username": "admin", "password": "%s\\u0000junk"}'
                 % ADMIN_PASSWORD, content_type=JSON)
    assert r.status == 400 and r.header("Set-Cookie") is None, r
    assert rows(site, "SELECT count(*) FROM sessions") == [(0,)]


# --- repeated keys ------------------------------------------------------------

def test_duplicate_key_in_a_user_is_refused(site, admin):
    """Before: the first "username" won (cJSON), while Python clients and
    proxies read the last: the user created was not the one checked."""
    r = post(site, admin, USERS, '{"username": "eve", "is_superuser": false,'
             ' "password": "Eves-pass-12345", "username": "mallory"}')
    assert r.status == 400 and '"username"' in r.json()["detail"], r
    assert rows(site, "SELECT username FROM users WHERE username IN"
                " ('eve', 'mallory')") == []
    bob = make_user(site, "bob")
    r = post(site, admin, USERS + f"{bob.pk}/", '{"is_superuser": false, '
             '"is_superuser": true}', method="PATCH")
    assert r.status == 400 and '"is_superuser"' in r.json()["detail"], r
    assert rows(site, "SELECT is_superuser FROM users WHERE id = ?",
                bob.pk) == [(0,)]


def test_duplicate_key_in_a_group_is_refused(site, admin):
    """Before: {"part": ["view"], "part": ["delete"]} granted the union of
    both (cJSON keeps both members), where a Python client reads only the
    last."""
    r = post(site, admin, GROUPS, '{"name": "g", "roles": {"part": ["view"],'
             ' "part": ["delete"]}}')
    assert r.status == 400 and '"part"' in r.json()["detail"], r
    assert rows(site, "SELECT count(*) FROM groups") == [(0,)]


# --- repeated ids ---------------------------------------------------------------

def test_a_users_groups_name_each_group_once(site, admin):
    """Before: [g, g] was taken as [g] without a word."""
    g = post(site, admin, GROUPS, {"name": "g"}).json()
    bob = make_user(site, "bob")
    r = post(site, admin, USERS + f"{bob.pk}/", {"groups": [g["pk"], g["pk"]]},
             method="PATCH")
    assert r.status == 400, r
    msg = r.json()["groups"][0]
    assert "more than once" in msg and str(g["pk"]) in msg, r
    assert rows(site, "SELECT count(*) FROM user_groups WHERE user_id = ?",
                bob.pk) == [(0,)]
    r = post(site, admin, USERS, {"username": "dora",
                                  "groups": [g["pk"], g["pk"]]})
    assert r.status == 400 and "more than once" in r.json()["groups"][0], r
    assert rows(site, "SELECT id FROM users WHERE username = 'dora'") == []
    # A form repeats the field for a list: the same rule.
    r = site.cgi("user", method="POST", path=USERS, headers=admin,
                 body=f"username=dora&groups={g['pk']}&groups={g['pk']}",
                 content_type="application/x-www-form-urlencoded")
    assert r.status == 400 and "more than once" in r.json()["groups"][0], r
    assert rows(site, "SELECT id FROM users WHERE username = 'dora'") == []


def test_a_groups_users_name_each_user_once(site, admin):
    """Before: [u, u] was taken as [u] without a word."""
    bob = make_user(site, "bob")
    r = post(site, admin, GROUPS, {"name": "g", "users": [bob.pk, bob.pk]})
    assert r.status == 400, r
    msg = r.json()["users"][0]
    assert "more than once" in msg and str(bob.pk) in msg, r
    assert rows(site, "SELECT count(*) FROM groups") == [(0,)]
    g = post(site, admin, GROUPS, {"name": "g", "users": [bob.pk]}).json()
    assert g["users"] == [bob.pk]
    r = post(site, admin, GROUPS + f"{g['pk']}/",
             {"users": [admin.pk, bob.pk, admin.pk]}, method="PATCH")
    assert r.status == 400 and "more than once" in r.json()["users"][0], r
    assert post(site, admin, GROUPS + f"{g['pk']}/", {},
                method="PATCH").json()["users"] == [bob.pk]


# --- every field's problems at once -------------------------------------------------

def test_problems_of_every_field_come_together(site, admin):
    r = post(site, admin, GROUPS, {"name": "", "roles": {"parts": ["view"]},
                                   "users": [999]})
    assert r.status == 400
    assert set(r.json()) == {"name", "roles", "users"}, r
    r = post(site, admin, USERS, {"username": "x" * 151, "email": "nope",
                                  "is_active": "maybe", "groups": "1"})
    assert r.status == 400
    assert set(r.json()) == {"username", "email", "is_active", "groups"}, r
    assert len(r.json()["username"]) == 1, r


def test_text_is_text(site, admin):
    """Names and passwords are JSON strings, as they were before."""
    r = post(site, admin, USERS, {"username": 5, "password": 12345678901})
    assert r.status == 400 and set(r.json()) == {"username", "password"}, r
    r = site.cgi("auth", method="POST", path="/api/auth/login/",
                 body=json.dumps({"username": 5, "password": ["x"]}),
                 content_type=JSON)
    assert r.status == 400 and set(r.json()) == {"username", "password"}, r


# --- the rules ----------------------------------------------------------------------

def test_username_unique_ignoring_case_on_change(site, admin):
    bob = make_user(site, "bob")
    r = post(site, admin, USERS + f"{bob.pk}/", {"username": "Admin"},
             method="PATCH")
    assert r.status == 400 and "already exists" in r.json()["username"][0]
    # One's own name in another case is no clash.
    r = post(site, admin, USERS + f"{bob.pk}/", {"username": "Bob"},
             method="PATCH")
    assert r.status == 200 and r.json()["username"] == "Bob", r
    r = post(site, admin, GROUPS, {"name": "Stores"})
    r = post(site, admin, GROUPS, {"name": "Other"})
    r = post(site, admin, GROUPS + f"{r.json()['pk']}/", {"name": "STORES"},
             method="PATCH")
    assert r.status == 400 and "already exists" in r.json()["name"][0], r


def test_last_active_superuser_cannot_be_deactivated(site, admin):
    r = post(site, admin, USERS + f"{admin.pk}/", {"is_active": False},
             method="PATCH")
    assert r.status == 400 and "non_field_errors" in r.json(), r
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 200
    # With a second superuser, one may go.
    root = make_user(site, "root", superuser=True)
    r = post(site, root, USERS + f"{admin.pk}/", {"is_active": False},
             method="PATCH")
    assert r.status == 200 and r.json()["is_active"] is False, r
    r = post(site, root, USERS + f"{root.pk}/", {"is_superuser": False},
             method="PATCH")
    assert r.status == 400, r


def test_new_password_ends_the_users_credentials(site, admin):
    bob = make_user(site, "bob")
    r = post(site, admin, USERS + f"{bob.pk}/", {"password": "short"},
             method="PATCH")
    assert r.status == 400 and "too short" in r.json()["password"][0], r
    r = post(site, admin, USERS + f"{bob.pk}/", {"password": "bob"},
             method="PATCH")
    assert r.status == 400, r
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 200
    r = post(site, admin, USERS + f"{bob.pk}/",
             {"password": "Bobs-new-pass-77"}, method="PATCH")
    assert r.status == 200 and "password" not in r.json(), r
    assert site.cgi("user", path="/api/user/me/", headers=bob).status == 401
    get_token(site, "bob", "Bobs-new-pass-77")
    # null is no new password.
    r = post(site, admin, USERS + f"{bob.pk}/", {"password": None},
             method="PATCH")
    assert r.status == 200, r
    get_token(site, "bob", "Bobs-new-pass-77")
    audit = rows(site, "SELECT target FROM audit_log WHERE action ="
                 " 'user_changed' ORDER BY id")
    assert audit[0] == ("bob (password)",), audit


def test_superuser_created_is_staff_unless_told(site, admin):
    r = post(site, admin, USERS, {"username": "boss", "is_superuser": True})
    assert r.status == 201 and r.json()["is_staff"] is True, r
    r = post(site, admin, USERS, {"username": "boss2", "is_superuser": True,
                                  "is_staff": False})
    assert r.status == 201 and r.json()["is_staff"] is False, r


def test_deleting_writes_the_audit_log(site, admin):
    bob = make_user(site, "bob")
    g = post(site, admin, GROUPS, {"name": "Temp"}).json()
    assert site.cgi("user", method="DELETE", path=USERS + f"{bob.pk}/",
                    headers=admin).status == 204
    assert site.cgi("user", method="DELETE", path=GROUPS + f"{g['pk']}/",
                    headers=admin).status == 204
    assert rows(site, "SELECT action, target FROM audit_log WHERE action"
                " LIKE '%deleted' ORDER BY id") == [
        ("user_deleted", "bob"), ("group_deleted", "Temp")]


def test_an_audit_entry_alone_for_superusers_only(site, admin):
    bob = make_user(site, "bob", {"part": ["view"]})
    pk = rows(site, "SELECT max(id) FROM audit_log")[0][0]
    r = site.cgi("admin", path=f"/api/admin/audit/{pk}/", headers=admin)
    assert r.status == 200 and r.json()["pk"] == pk, r
    assert set(r.json()) >= {"action", "username", "target", "time"}
    r = site.cgi("admin", path=f"/api/admin/audit/{pk}/", headers=bob)
    assert r.status == 403, r
    r = site.cgi("admin", path="/api/admin/audit/999999/", headers=admin)
    assert r.status == 404, r
    r = site.cgi("admin", method="DELETE", path=f"/api/admin/audit/{pk}/",
                 headers=admin)
    assert r.status == 405, r


# --- lists, OPTIONS -----------------------------------------------------------------

def test_groups_page_and_order_like_every_list(site, admin):
    for name in ("b", "a", "c"):
        post(site, admin, GROUPS, {"name": name, "roles": {"part": ["add"]}})
    r = site.cgi("user", path=GROUPS, query="limit=2&ordering=-name",
                 headers=admin)
    d = r.json()
    assert d["count"] == 3 and [g["name"] for g in d["results"]] == ["c", "b"]
    assert "offset=2" in d["next"] and "ordering=-name" in d["next"], d
    assert d["results"][0]["roles"]["part"] == ["view", "add", "change"]
    assert d["results"][0]["roles"]["admin"] is None
    r = site.cgi("user", path=USERS, query="ordering=-username",
                 headers=admin)
    assert [u["username"] for u in r.json()] == ["admin"]


def test_user_list_shows_each_users_groups(site, admin):
    """The groups come with the list's own statement (a column), for every
    row, paged or not."""
    g1 = post(site, admin, GROUPS, {"name": "g1"}).json()
    g2 = post(site, admin, GROUPS, {"name": "g2"}).json()
    for i in range(3):
        post(site, admin, USERS, {"username": f"u{i}",
                                  "groups": [g2["pk"], g1["pk"]][:i]})
    lst = site.cgi("user", path=USERS, headers=admin).json()
    assert [u["groups"] for u in lst] == [[], [], [g2["pk"]],
                                          [g1["pk"], g2["pk"]]]
    page = site.cgi("user", path=USERS, query="limit=2&offset=2&search=u",
                    headers=admin).json()
    assert page["count"] == 3
    assert [u["groups"] for u in page["results"]] == [[g1["pk"], g2["pk"]]]


def test_options_describe_users_for_superusers(site, admin):
    r = site.cgi("user", method="OPTIONS", path=USERS, headers=admin)
    post_ = r.json()["actions"]["POST"]
    assert post_["username"]["required"] is True
    assert post_["username"]["max_length"] == 150
    assert post_["email"]["type"] == "email"
    assert post_["password"]["write_only"] is True
    assert post_["groups"]["child"]["model"] == "group"
    bob = make_user(site, "bob")
    r = site.cgi("user", method="OPTIONS", path=USERS, headers=bob)
    assert r.status == 200 and "actions" not in r.json(), r
