"""Tracking history by part with nested item and user, and
POST /api/stock/change_status/ (InvenTree's StockChangeStatus): all items
or none, one "stock updated" entry per changed item, part totals follow."""
import pytest

from conftest import make_user
from inventory_api import Api

STOCK = "/api/stock/"
TRACK = "/api/stock/track/"


@pytest.fixture
def world(api):
    a = api.location("Shelf A")["pk"]
    p = api.part("Resistor", IPN="R-1", revision="B")["pk"]
    q = api.part("Capacitor")["pk"]
    i1 = api.stock(p, 10, a)["pk"]
    i2 = api.stock(p, "2.5", a)["pk"]
    j1 = api.stock(q, 4, a)["pk"]
    return dict(a=a, p=p, q=q, i1=i1, i2=i2, j1=j1)


def test_track_part_filter(api, world):
    api.adjust("add", [{"pk": world["i1"], "quantity": 1}])
    rows = api.list(TRACK, part=world["p"])
    assert sorted(r["item"] for r in rows) == sorted(
        [world["i1"], world["i1"], world["i2"]])
    assert [r["pk"] for r in rows] == sorted((r["pk"] for r in rows),
                                             reverse=True)
    assert [r["item"] for r in api.list(TRACK, part=world["q"])] == [
        world["j1"]]
    page = api.list(TRACK, part=world["p"], limit=1)
    assert page["count"] == 3 and len(page["results"]) == 1
    # combined with the other filters
    assert len(api.list(TRACK, part=world["p"], tracking_type=11)) == 1
    assert api.list(TRACK, part=world["p"], item=world["j1"]) == []


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "999999", "1.5"])
def test_track_part_filter_bad(api, world, bad):
    r = api.get(TRACK, part=bad)
    assert r.status == 400 and "part" in r.json(), r


def test_track_details(api, world, admin):
    rows = api.list(TRACK, item=world["i2"], item_detail=True,
                    user_detail=True)
    assert len(rows) == 1
    d = rows[0]["item_detail"]
    assert d["pk"] == world["i2"] and d["part"] == world["p"]
    assert d["part_name"] == "R-1 | Resistor | B"
    assert d["location"] == world["a"] and d["quantity"] == 2.5
    assert d["serial"] is None
    assert d["part_units"] == ""                # ours: the part's units
    assert rows[0]["user_detail"] == {
        "pk": admin.pk, "username": "admin", "first_name": "",
        "last_name": ""}
    # absent unless asked for, as in InvenTree
    plain = api.list(TRACK, item=world["i2"])[0]
    assert "item_detail" not in plain and "user_detail" not in plain
    only = api.list(TRACK, item=world["i2"], user_detail="yes")[0]
    assert "item_detail" not in only and "user_detail" in only
    r = api.get(TRACK, item_detail="maybe")
    assert r.status == 400 and "item_detail" in r.json()
    r = api.get(TRACK, user_detail="2")
    assert r.status == 400 and "user_detail" in r.json()


def test_track_user_detail_null(api, world, site):
    import sqlite3
    db = site.db()
    with db:
        db.execute("UPDATE stock_tracking SET user = NULL WHERE item = ?",
                   (world["j1"],))
    db.close()
    row = api.list(TRACK, item=world["j1"], user_detail=True,
                   limit=5)["results"][0]
    assert row["user"] is None and row["user_detail"] is None


def test_change_status(api, world, admin):
    r = api.ok("POST", STOCK + "change_status/",
               {"items": [world["i1"], str(world["j1"])], "status": 65,
                "note": "failed inspection"})
    assert r == {"items": [world["i1"], world["j1"]], "status": 65,
                 "note": "failed inspection"}
    for pk in (world["i1"], world["j1"]):
        i = api.list(STOCK + f"{pk}/")
        assert i["status"] == 65 and i["in_stock"] is False
        t = api.list(TRACK, item=pk)[0]
        assert t["tracking_type"] == 25 and t["deltas"] == {"status": 65}
        assert t["notes"] == "failed inspection" and t["user"] == admin.pk
    assert api.list(STOCK + f"{world['i2']}/")["status"] == 10
    assert api.list(f"/api/part/{world['p']}/")["in_stock"] == 2.5
    assert api.list(f"/api/part/{world['q']}/")["in_stock"] == 0
    # back to OK (the default status); unchanged items get no entry
    r = api.ok("POST", STOCK + "change_status/",
               {"items": [world["i1"], world["i2"]]})
    assert r["status"] == 10 and r["note"] == ""
    assert api.list(f"/api/part/{world['p']}/")["in_stock"] == 12.5
    assert [e["tracking_type"] for e in api.list(TRACK, item=world["i1"])
            ] == [25, 25, 1]
    assert [e["tracking_type"] for e in api.list(TRACK, item=world["i2"])
            ] == [1]


def tracking_count(api):
    return api.list(TRACK, limit=1)["count"]


@pytest.mark.parametrize("body,field", [
    ({"items": [1], "status": 11}, "status"),
    ({"items": [1], "status": "OK"}, "status"),
    ({"items": [1], "status": None}, "status"),
    ({"items": [1], "note": 5}, "note"),
    ({"items": [1], "note": "x" * 10001}, "note"),
    ({"status": 10}, "items"),
    ({"items": [], "status": 10}, "items"),
    ({"items": "1", "status": 10}, "items"),
    ({"items": ["x"], "status": 10}, "items"),
    ({"items": [{"pk": 1}], "status": 10}, "items"),
    ({"items": list(range(1, 1002)), "status": 10}, "items"),
    ([1, 2], "non_field_errors"),
])
def test_change_status_invalid(api, world, body, field):
    before = tracking_count(api)
    r = api.call("POST", STOCK + "change_status/", body)
    assert r.status == 400 and field in r.json(), r
    assert tracking_count(api) == before


def test_change_status_all_or_none(api, world):
    before = tracking_count(api)
    r = api.call("POST", STOCK + "change_status/",
                 {"items": [world["i1"], 999999], "status": 70})
    assert r.status == 400
    assert r.json() == {"items": [
        'Invalid pk "999999" - object does not exist.']}
    assert api.list(STOCK + f"{world['i1']}/")["status"] == 10
    assert tracking_count(api) == before
    assert api.list(f"/api/part/{world['p']}/")["in_stock"] == 12.5


def test_change_status_permission(site, api, world):
    viewer = Api(site, make_user(site, "viewer", {"stock": ["view"]}))
    r = viewer.call("POST", STOCK + "change_status/",
                    {"items": [world["i1"]], "status": 50})
    assert r.status == 403
    changer = Api(site, make_user(site, "changer", {"stock": ["change"]}))
    r = changer.call("POST", STOCK + "change_status/",
                     {"items": [world["i1"]], "status": 50})
    assert r.status == 201, r
    assert api.list(STOCK + f"{world['i1']}/")["status"] == 50
    anon = site.cgi("stock", method="POST", path=STOCK + "change_status/",
                    body={"items": [world["i1"]], "status": 10})
    assert anon.status == 401
