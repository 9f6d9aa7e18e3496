"""The rules the resource layer (lib/res.c, lib/res_tree.c, lib/val.c)
enforces for every resource: side effects need the permission of what they
touch, trees never strand their contents, ids are whole numbers, links are
http or https, JSON bodies say one thing, and OPTIONS describes each field
as InvenTree's clients read it.  Each of these was broken before the layer
(the test's docstring says how)."""
import json
import sqlite3
import subprocess

import pytest

from conftest import make_user
from inventory_api import Api

CAT = "/api/part/category/"
LOC = "/api/stock/location/"
PART = "/api/part/"
STOCK = "/api/stock/"


def count(site, table):
    db = site.db()
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_delete_parts_needs_part_delete(site, api):
    """Before: a user with only category rights removed parts (and their
    stock and history) with ?delete_parts=true."""
    c = api.category("Bin")
    p = api.part("Resistor", c["pk"], active=False)
    api.stock(p["pk"], 5)
    user = Api(site, make_user(site, "catonly", {"part_category": [
        "view", "add", "change", "delete"]}))
    r = user.call("DELETE", CAT + f"{c['pk']}/", delete_parts=True)
    assert r.status == 403, r
    assert api.get(PART + f"{p['pk']}/").status == 200
    assert api.get(CAT + f"{c['pk']}/").status == 200
    assert count(site, "stock_item") == 1


def test_delete_parts_keeps_the_active_part_rule(api):
    """Before: delete_parts removed active parts too, bypassing "active
    parts cannot be deleted"."""
    c = api.category("Bin")
    p = api.part("Resistor", c["pk"])		# active
    r = api.call("DELETE", CAT + f"{c['pk']}/", delete_parts=True)
    assert r.status == 400 and "active" in json.dumps(r.json()), r
    assert api.get(PART + f"{p['pk']}/").status == 200
    assert api.get(CAT + f"{c['pk']}/").status == 200
    api.ok("PATCH", PART + f"{p['pk']}/", {"active": False})
    api.ok("DELETE", CAT + f"{c['pk']}/", delete_parts=True)
    assert api.get(PART + f"{p['pk']}/").status == 404


def test_delete_stock_items_needs_stock_delete(site, api):
    loc = api.location("Shelf")
    p = api.part("Bolt")
    api.stock(p["pk"], 3, loc["pk"])
    user = Api(site, make_user(site, "loconly", {"stock_location": [
        "view", "add", "change", "delete"]}))
    r = user.call("DELETE", LOC + f"{loc['pk']}/", delete_stock_items=True)
    assert r.status == 403, r
    assert count(site, "stock_item") == 1
    assert api.get(LOC + f"{loc['pk']}/").status == 200


def test_initial_stock_needs_stock_add(site, api):
    """Before: part add alone made stock through initial_stock, and the
    error told whether a location id existed."""
    loc = api.location("Shelf")
    user = Api(site, make_user(site, "partonly", {"part": [
        "view", "add", "change"]}))
    for where in (loc["pk"], 999999):
        r = user.call("POST", PART, {"name": f"Nut {where}", "initial_stock":
                                     {"quantity": 5, "location": where}})
        assert r.status == 403, r
    assert count(site, "part") == 0 and count(site, "stock_item") == 0
    # Without a quantity nothing is made, and no right is needed.
    r = user.call("POST", PART, {"name": "Washer", "initial_stock":
                                 {"quantity": 0}})
    assert r.status == 201, r


def test_contents_never_move_into_a_structural_parent(api):
    """Before: deleting a category moved its parts into a structural
    parent, where they could no longer be edited."""
    top = api.category("Top")
    child = api.category("Child", top["pk"])
    p = api.part("Screw", child["pk"])
    api.ok("PATCH", CAT + f"{top['pk']}/", {"structural": True})
    r = api.call("DELETE", CAT + f"{child['pk']}/")
    assert r.status == 400 and "structural" in json.dumps(r.json()), r
    assert api.get(PART + f"{p['pk']}/").json()["category"] == child["pk"]
    # The same for locations and their items.
    shelf = api.location("Shelf", structural=True)
    box = api.location("Box", shelf["pk"])
    item = api.stock(p["pk"], 1, box["pk"])
    r = api.call("DELETE", LOC + f"{box['pk']}/")
    assert r.status == 400, r
    assert api.get(STOCK + f"{item['pk']}/").json()["location"] == box["pk"]
    # Empty nodes go as before.
    empty = api.category("Empty", top["pk"])
    api.ok("DELETE", CAT + f"{empty['pk']}/")


def test_depth_limit_is_a_400_on_parent(api):
    """Before: the 101st level failed a CHECK and answered 409 "duplicate
    name"."""
    parent = None
    for i in range(101):
        parent = api.category(f"L{i}", parent and parent["pk"])
    assert parent["level"] == 100
    r = api.call("POST", CAT, {"name": "too deep", "parent": parent["pk"]})
    assert r.status == 400 and "parent" in r.json(), r
    assert "100" in r.json()["parent"][0]
    # Moving a subtree under it is measured by its lowest node.
    a = api.category("A")
    api.category("B", a["pk"])
    r = api.call("PATCH", CAT + f"{a['pk']}/", {"parent": parent["pk"]})
    assert r.status == 400 and "parent" in r.json(), r


@pytest.mark.parametrize("link", ["javascript:alert(1)",
                                  "data:text/html,<script>x</script>",
                                  "vbscript:msgbox(1)", "ftp://x/y"])
def test_links_are_http_or_https(api, link):
    """Before: part and stock links took javascript:, data:, vbscript:."""
    r = api.call("POST", PART, {"name": "Part", "link": link})
    assert r.status == 400 and "link" in r.json(), r
    p = api.part("Part", link="https://example.org/datasheet.pdf")
    r = api.call("PATCH", PART + f"{p['pk']}/", {"link": link})
    assert r.status == 400 and "link" in r.json(), r
    r = api.call("POST", STOCK, {"part": p["pk"], "quantity": 1,
                                 "link": link})
    assert r.status == 400 and "link" in r.json(), r
    assert api.get(PART + f"{p['pk']}/").json()["link"] == \
        "https://example.org/datasheet.pdf"


@pytest.mark.parametrize("value", [2.5, "2.5", "05", True, -1, 0])
def test_ids_are_whole_numbers(api, value):
    """Before: a location of 2.5 was read as 2 in one place."""
    loc = api.location("Two")
    assert loc["pk"] in (1, 2)
    p = api.part("Part")
    r = api.call("POST", STOCK, {"part": p["pk"], "quantity": 1,
                                 "location": value})
    assert r.status == 400 and "location" in r.json(), r
    r = api.call("POST", STOCK + "transfer/", {"items": [
        {"pk": 1, "quantity": 1}], "location": value})
    assert r.status == 400 and "location" in r.json(), r


def test_nul_in_a_json_string_is_refused(site, api):
    """Before: "a\\u0000b" was stored as "a"."""
    r = site.cgi("part", method="POST", path=PART,
                 body='{"name": "nul\\u0000admin"}',
                 headers=api.headers, content_type="application/json")
    assert r.status == 400 and "\\u0000" in r.json()["detail"], r
    assert count(site, "part") == 0
    # An escaped backslash before u0000 is text, not a NUL.
    r = site.cgi("part", method="POST", path=PART,
                 body='{"name": "a\\\\u0000b"}',
                 headers=api.headers, content_type="application/json")
    assert r.status == 201 and r.json()["name"] == "a\\u0000b", r


def test_duplicate_keys_are_refused(site, api):
    """Before: the first of two "name" keys won, while Python clients and
    proxies take the last."""
    r = site.cgi("part", method="POST", path=PART,
                 body='{"name": "first", "description": "x", "name": "x"}',
                 headers=api.headers, content_type="application/json")
    assert r.status == 400 and '"name"' in r.json()["detail"], r
    r = site.cgi("stock", method="POST", path=STOCK + "add/",
                 body='{"items": [{"pk": 1, "quantity": 1, "pk": 2}]}',
                 headers=api.headers, content_type="application/json")
    assert r.status == 400 and '"pk"' in r.json()["detail"], r
    assert count(site, "part") == 0


def test_bulk_delete_names_a_repeated_id(api):
    """Before: DELETE /api/stock/ with [x, x] said x does not exist."""
    p = api.part("Part")
    s = api.stock(p["pk"], 1)
    r = api.call("DELETE", STOCK, {"items": [s["pk"], s["pk"]]})
    assert r.status == 400, r
    msg = r.json()["items"][0]
    assert "more than once" in msg and str(s["pk"]) in msg, r
    assert api.get(STOCK + f"{s['pk']}/").status == 200
    api.ok("DELETE", STOCK, {"items": [s["pk"]]})


def test_filter_values_are_limited_in_characters(api):
    """Before: a 70-character CJK name (210 bytes) could be stored but not
    filtered on (filters were limited to 200 bytes)."""
    name = "部" * 70
    api.part(name)
    rows = api.list(PART, name=name)
    assert len(rows) == 1 and rows[0]["name"] == name
    r = api.get(PART, name="部" * 101)
    assert r.status == 400 and "name" in r.json(), r


def test_options_describe_related_fields(site, api):
    r = api.call("OPTIONS", PART)
    post = r.json()["actions"]["POST"]
    cat = post["category"]
    assert cat["type"] == "related field" and cat["model"] == "partcategory"
    assert cat["api_url"] == CAT and cat["pk_field"] == "pk"
    assert post["name"]["required"] is True
    assert post["name"]["max_length"] == 100
    assert post["pk"]["read_only"] is True
    assert post["link"]["type"] == "url"
    r = api.call("OPTIONS", STOCK + "1/")
    put = r.json()["actions"]["PUT"]
    status = put["status"]
    assert status["type"] == "choice"
    assert {"value": 10, "display_name": "OK"} in status["choices"]


def test_options_describe_the_adjustments_nested_items(api):
    """The mobile app opens its stock dialogs only when OPTIONS gives
    actions.POST with the nested item fields."""
    for op in ("count", "add", "remove", "transfer"):
        post = api.call("OPTIONS", STOCK + f"{op}/").json()["actions"]["POST"]
        items = post["items"]
        assert items["type"] == "field" and items["required"] is True
        child = items["child"]
        assert child["type"] == "nested object"
        assert child["children"]["pk"]["model"] == "stockitem"
        assert child["children"]["quantity"]["type"] == "float"
        assert ("location" in post) == (op == "transfer")


def test_options_hides_actions_the_user_may_not_use(site, api):
    viewer = Api(site, make_user(site, "viewer", {"part": ["view"]}))
    r = viewer.call("OPTIONS", PART)
    assert r.status == 200 and "actions" not in r.json(), r


def test_routes_come_from_the_descriptions(site):
    routes = json.loads(subprocess.run(
        [str(site.program("part")), "--routes"], capture_output=True,
        check=True).stdout)
    got = {(r["method"], r["pattern"]) for r in routes}
    for m in ("GET", "POST"):
        assert (m, PART) in got and (m, CAT) in got
    for m in ("GET", "PUT", "PATCH", "DELETE"):
        assert (m, PART + "<pk>/") in got and (m, CAT + "<pk>/") in got
    assert ("GET", CAT + "tree/") in got
    assert ("PATCH", PART + "<pk>/metadata/") in got
    assert all(r["area"] == "part" for r in routes
               if r["pattern"].startswith(PART + "<pk>"))
