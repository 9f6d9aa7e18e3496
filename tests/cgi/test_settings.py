"""InvenTree's settings API (settings.cgi): /api/settings/global/ and
/api/settings/user/, a list and one setting by key, GET / PUT / PATCH with
each key's type checked, global ones changed by staff only, a user's
settings that user's own.  The mobile app reads them with
GET settings/global/<KEY>/ and looks at "value" (inventree-app
lib/api.dart, getGlobalSetting, commit 06013b3a)."""
import sqlite3

import pytest

from conftest import make_user

GLOBAL = "/api/settings/global/"
USER = "/api/settings/user/"
SHAPE = {"pk", "key", "value", "name", "description", "type", "units",
         "choices", "model_name", "api_url", "typ"}


def call(site, headers, method, path, body=None, query=""):
    return site.cgi("settings", method=method, path=path, body=body,
                    headers=headers, query=query)


def test_global_list_shape(site, admin):
    r = call(site, admin, "GET", GLOBAL)
    assert r.status == 200, r
    rows = r.json()
    keys = [s["key"] for s in rows]
    # what the mobile app reads, and what Stockroom itself follows
    for k in ("STOCK_ENABLE_EXPIRY", "PROJECT_CODES_ENABLED",
              "STOCK_DELETE_DEPLETED_DEFAULT"):
        assert k in keys
    for s in rows:
        assert set(s) == SHAPE, s
        assert s["typ"] == "global"
        assert s["type"] in ("boolean", "integer", "string", "choice")
        assert isinstance(s["value"], str)
    assert [s["pk"] for s in rows] == list(range(1, len(rows) + 1))
    exp = {s["key"]: s for s in rows}["STOCK_ENABLE_EXPIRY"]
    assert exp["value"] == "False" and exp["type"] == "boolean"
    assert exp["choices"] == []
    page = call(site, admin, "GET", GLOBAL, query="limit=2&offset=1").json()
    assert page["count"] == len(rows) and len(page["results"]) == 2
    assert page["results"][0]["key"] == keys[1]
    found = call(site, admin, "GET", GLOBAL, query="search=expiry").json()
    assert [s["key"] for s in found] == ["STOCK_ENABLE_EXPIRY"]


def test_global_detail_as_the_app_reads_it(site, admin):
    r = call(site, admin, "GET", GLOBAL + "STOCK_ENABLE_EXPIRY/")
    assert r.status == 200, r
    assert r.json()["value"] == "False"
    # InvenTree upper-cases the key
    assert call(site, admin, "GET", GLOBAL + "stock_enable_expiry/"
                ).json()["key"] == "STOCK_ENABLE_EXPIRY"
    r = call(site, admin, "GET", GLOBAL + "NO_SUCH_SETTING/")
    assert r.status == 404 and r.json() == {"detail": "Not found."}
    # not a word: no such endpoint at all
    r = call(site, admin, "GET", GLOBAL + "BAD-KEY/")
    assert r.status == 404
    assert r.json()["detail"] == "API endpoint not found"


def test_global_change_types_and_checks(site, admin):
    key = GLOBAL + "STOCK_ENABLE_EXPIRY/"
    for sent, stored in ((True, "True"), ("false", "False"), (1, "True"),
                         ("False", "False")):
        r = call(site, admin, "PATCH", key, {"value": sent})
        assert r.status == 200, r
        assert r.json()["value"] == stored
    r = call(site, admin, "PATCH", key, {"value": "perhaps"})
    assert r.status == 400
    assert r.json() == {"value": ["Must be a valid boolean."]}
    stale = GLOBAL + "STOCK_STALE_DAYS/"
    assert call(site, admin, "PUT", stale, {"value": "30"}).json()[
        "value"] == "30"
    r = call(site, admin, "PUT", stale, {"value": -1})
    assert r.status == 400 and "greater than or equal to 0" in \
        r.json()["value"][0]
    r = call(site, admin, "PUT", stale, {"value": "1.5"})
    assert r.status == 400 and r.json() == {
        "value": ["A valid integer is required."]}
    r = call(site, admin, "PUT", stale, {})
    assert r.status == 400 and r.json() == {
        "value": ["This field is required."]}
    # PATCH without a value changes nothing
    assert call(site, admin, "PATCH", stale, {}).json()["value"] == "30"
    name = GLOBAL + "INVENTREE_COMPANY_NAME/"
    assert call(site, admin, "PATCH", name, {"value": "Acme"}).json()[
        "value"] == "Acme"
    r = call(site, admin, "PATCH", name, {"value": "x" * 251})
    assert r.status == 400 and "250" in r.json()["value"][0]
    assert call(site, admin, "GET", name).json()["value"] == "Acme"


def test_global_setting_is_what_stock_follows(site, admin):
    """STOCK_DELETE_DEPLETED_DEFAULT set here is the default of a new
    stock item's delete_on_deplete (domain/inventory/stock.c)."""
    from inventory_api import Api
    api = Api(site, admin)
    p = api.part("Widget")["pk"]
    assert api.stock(p, 1)["delete_on_deplete"] is False
    r = call(site, admin, "PATCH", GLOBAL + "STOCK_DELETE_DEPLETED_DEFAULT/",
             {"value": True})
    assert r.status == 200, r
    assert api.stock(p, 1)["delete_on_deplete"] is True


def test_global_needs_staff_to_change(site, admin):
    plain = make_user(site, "plain", {"part": ["view", "change"]})
    key = GLOBAL + "STOCK_ENABLE_EXPIRY/"
    assert call(site, plain, "GET", key).status == 200
    assert call(site, plain, "GET", GLOBAL).status == 200
    r = call(site, plain, "PATCH", key, {"value": True})
    assert r.status == 403, r
    assert call(site, admin, "GET", key).json()["value"] == "False"
    # staff without superuser may
    db = site.db()
    with db:
        db.execute("UPDATE users SET is_staff = 1 WHERE id = ?", (plain.pk,))
    db.close()
    assert call(site, plain, "PATCH", key, {"value": True}).status == 200
    assert call(site, admin, "GET", key).json()["value"] == "True"
    # each change of a global setting is in the audit log, by whom
    db = site.db()
    rows = db.execute("SELECT username, target FROM audit_log WHERE "
                      "action = 'setting_changed'").fetchall()
    db.close()
    assert rows == [("plain", "STOCK_ENABLE_EXPIRY")]
    # nobody signed in
    assert call(site, {}, "GET", key).status == 401


def test_user_settings_are_each_users_own(site, admin):
    alice = make_user(site, "alice")
    bob = make_user(site, "bob")
    key = USER + "SEARCH_PREVIEW_RESULTS/"
    a = call(site, alice, "GET", key).json()
    assert a["value"] == "10" and a["user"] == alice.pk and a["typ"] == "user"
    assert set(a) == SHAPE | {"user"}
    r = call(site, alice, "PATCH", key, {"value": 25})
    assert r.status == 200 and r.json()["value"] == "25"
    assert call(site, bob, "GET", key).json()["value"] == "10"
    assert call(site, alice, "GET", key).json()["value"] == "25"
    rows = call(site, alice, "GET", USER).json()
    assert {s["key"]: s["value"] for s in rows}["SEARCH_PREVIEW_RESULTS"] \
        == "25"
    assert all(s["user"] == alice.pk for s in rows)
    r = call(site, alice, "PATCH", key, {"value": 0})
    assert r.status == 400 and "greater than or equal to 1" in \
        r.json()["value"][0]


def test_user_choice_setting(site, admin):
    key = USER + "DATE_DISPLAY_FORMAT/"
    s = call(site, admin, "GET", key).json()
    assert s["type"] == "choice" and s["value"] == "YYYY-MM-DD"
    assert {"value": "DD/MM/YYYY", "display_name": "22/02/2022"} in \
        s["choices"]
    assert call(site, admin, "PUT", key, {"value": "DD/MM/YYYY"}).json()[
        "value"] == "DD/MM/YYYY"
    r = call(site, admin, "PUT", key, {"value": "someday"})
    assert r.status == 400 and r.json() == {
        "value": ["Chosen value is not a valid option"]}
    # a global key is not a user's
    assert call(site, admin, "GET", USER + "STOCK_ENABLE_EXPIRY/"
                ).status == 404


def test_settings_options(site, admin):
    plain = make_user(site, "viewer")
    r = call(site, admin, "OPTIONS", GLOBAL + "STOCK_ENABLE_EXPIRY/")
    assert r.status == 200
    assert "value" in r.json()["actions"]["PUT"]
    r = call(site, plain, "OPTIONS", GLOBAL + "STOCK_ENABLE_EXPIRY/")
    assert r.status == 200 and "actions" not in r.json()
    r = call(site, plain, "OPTIONS", USER + "DATE_DISPLAY_FORMAT/")
    assert "value" in r.json()["actions"]["PUT"]
