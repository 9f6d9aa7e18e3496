"""Stock adjustments: count/add/remove/transfer, all-or-none, splits,
exact decimals, tracking entries, and many processes at once."""
import concurrent.futures
import json
import os
import sqlite3
import subprocess

import pytest

from conftest import SANITIZED

STOCK = "/api/stock/"


@pytest.fixture
def world(api):
    w = api.location("Workshop")["pk"]
    a = api.location("Shelf A", w)["pk"]
    b = api.location("Shelf B", w)["pk"]
    p = api.part("Resistor")["pk"]
    i1 = api.stock(p, 10, a)["pk"]
    i2 = api.stock(p, "2.5", a)["pk"]
    return dict(w=w, a=a, b=b, p=p, i1=i1, i2=i2)


def item(api, pk):
    return api.list(STOCK + f"{pk}/")


def track(api, pk):
    return api.list("/api/stock/track/", item=pk)


def test_count(api, world, admin):
    api.adjust("count", [{"pk": world["i1"], "quantity": "7.5"}],
               notes="stocktake")
    i = item(api, world["i1"])
    assert i["quantity"] == 7.5 and i["stocktake_date"] is not None
    t = track(api, world["i1"])[0]
    assert t["tracking_type"] == 10 and t["notes"] == "stocktake"
    assert t["deltas"] == {"quantity": 7.5} and t["user"] == admin.pk
    api.adjust("count", [{"pk": world["i1"], "quantity": 0}])
    assert item(api, world["i1"])["quantity"] == 0.0   # kept, at zero
    assert item(api, world["i1"])["in_stock"] is False


def test_add_and_remove(api, world):
    api.adjust("add", [{"pk": world["i1"], "quantity": 5},
                       {"pk": world["i2"], "quantity": "0.5"}])
    assert item(api, world["i1"])["quantity"] == 15.0
    assert item(api, world["i2"])["quantity"] == 3.0
    api.adjust("remove", [{"pk": world["i1"], "quantity": "14.99999"}])
    assert item(api, world["i1"])["quantity"] == 0.00001
    t = track(api, world["i1"])
    assert [e["tracking_type"] for e in t] == [12, 11, 1]
    assert t[0]["deltas"] == {"removed": 14.99999, "quantity": 0.00001}
    assert t[1]["deltas"] == {"added": 5.0, "quantity": 15.0}
    assert api.list(f"/api/part/{world['p']}/")["in_stock"] == 3.00001


def test_adding_a_tenth_ten_times_is_exactly_one(api, world):
    api.adjust("count", [{"pk": world["i1"], "quantity": 0}])
    for _ in range(10):
        api.adjust("add", [{"pk": world["i1"], "quantity": 0.1}])
    r = api.get(STOCK + f"{world['i1']}/")
    assert b'"quantity":1.0,' in r.body


def test_all_or_none(api, world):
    r = api.call("POST", STOCK + "remove/", {"items": [
        {"pk": world["i1"], "quantity": 1},
        {"pk": world["i2"], "quantity": 3}]})
    assert r.status == 400
    errs = r.json()["items"]
    assert errs[0] == {} and "quantity" in errs[1]
    assert "2.5" in errs[1]["quantity"][0]
    assert item(api, world["i1"])["quantity"] == 10.0   # unchanged
    r = api.call("POST", STOCK + "add/", {"items": [
        {"pk": world["i1"], "quantity": 1}, {"pk": 424242, "quantity": 1}]})
    assert r.status == 400 and "424242" in r.json()["items"][1]["pk"][0]
    assert item(api, world["i1"])["quantity"] == 10.0
    assert len(track(api, world["i1"])) == 1


@pytest.mark.parametrize("op,body,field", [
    ("add", {"items": []}, "items"),
    ("add", {}, "items"),
    ("add", {"items": [{"pk": 1}]}, "items"),
    ("add", {"items": [{"pk": 1, "quantity": 0}]}, "items"),
    ("add", {"items": [{"pk": 1, "quantity": -1}]}, "items"),
    ("remove", {"items": [{"pk": 1, "quantity": "1.000001"}]}, "items"),
    ("count", {"items": [{"pk": 1, "quantity": -1}]}, "items"),
    ("count", {"items": [{"pk": "x", "quantity": 1}]}, "items"),
    ("count", {"items": "all"}, "items"),
    ("transfer", {"items": [{"pk": 1, "quantity": 1}]}, "location"),
    ("transfer", {"items": [{"pk": 1, "quantity": 1}], "location": 999},
     "location"),
    ("add", {"items": [{"pk": 1, "quantity": 1}], "notes": 5}, "notes"),
])
def test_bad_requests_name_the_field(api, world, op, body, field):
    r = api.call("POST", STOCK + f"{op}/", body)
    assert r.status == 400, r
    assert field in r.json()
    assert item(api, world["i1"])["quantity"] == 10.0


def test_transfer_whole_item(api, world):
    api.adjust("transfer", [{"pk": world["i1"], "quantity": 10}],
               location=world["b"], notes="moved")
    i = item(api, world["i1"])
    assert i["location"] == world["b"] and i["quantity"] == 10.0
    t = track(api, world["i1"])[0]
    assert t["tracking_type"] == 20 and t["deltas"] == {"location": world["b"]}


def test_transfer_part_of_an_item_splits_it(api, world):
    api.adjust("transfer", [{"pk": world["i1"], "quantity": "3.5"}],
               location=world["b"])
    orig = item(api, world["i1"])
    assert orig["quantity"] == 6.5 and orig["location"] == world["a"]
    moved = api.list(STOCK, location=world["b"])
    assert len(moved) == 1
    child = moved[0]
    assert child["quantity"] == 3.5 and child["parent"] == world["i1"]
    assert child["part"] == world["p"]
    t = track(api, world["i1"])[0]
    assert t["tracking_type"] == 42
    assert t["deltas"] == {"stockitem": child["pk"], "removed": 3.5,
                           "quantity": 6.5}
    t = track(api, child["pk"])[0]
    assert t["tracking_type"] == 40
    assert t["deltas"] == {"stockitem": world["i1"], "quantity": 3.5,
                           "location": world["b"]}
    assert api.list(f"/api/part/{world['p']}/")["in_stock"] == 12.5
    assert [s["pk"] for s in api.list(STOCK, search="Resist")] == \
        sorted([world["i1"], world["i2"], child["pk"]])


def test_serialized_items_are_not_split(api, world):
    s = api.stock(world["p"], 1, world["a"], serial="SN-1")["pk"]
    r = api.call("POST", STOCK + "transfer/", {
        "items": [{"pk": s, "quantity": "0.5"}], "location": world["b"]})
    assert r.status == 400 and "quantity" in r.json()["items"][0]
    api.adjust("transfer", [{"pk": s, "quantity": 1}], location=world["b"])
    assert item(api, s)["location"] == world["b"]
    r = api.call("POST", STOCK + "add/", {"items": [{"pk": s,
                                                      "quantity": 1}]})
    assert r.status == 400
    r = api.call("POST", STOCK + "count/", {"items": [{"pk": s,
                                                        "quantity": 2}]})
    assert r.status == 400
    api.adjust("remove", [{"pk": s, "quantity": 1}])
    assert item(api, s)["quantity"] == 0.0


def test_transfer_to_structural_location(api, world):
    s = api.location("Racks", structural=True)["pk"]
    r = api.call("POST", STOCK + "transfer/", {
        "items": [{"pk": world["i1"], "quantity": 1}], "location": s})
    assert r.status == 400 and "location" in r.json()


def test_delete_depleted_setting(site, api, world):
    db = site.db()
    with db:
        db.execute("INSERT INTO setting (key, value) VALUES "
                   "('STOCK_DELETE_DEPLETED_DEFAULT', 'true')")
    db.close()
    i = api.stock(world["p"], 2, world["a"])
    assert i["delete_on_deplete"] is True
    api.adjust("remove", [{"pk": i["pk"], "quantity": 2}])
    assert api.get(STOCK + f"{i['pk']}/").status == 404
    api.adjust("remove", [{"pk": world["i1"], "quantity": 10}])
    assert item(api, world["i1"])["quantity"] == 0.0   # made before


def test_form_encoded_adjustment_is_refused_cleanly(api, world):
    r = api.site.cgi("stock", method="POST", path=STOCK + "add/",
                     body="items=1", headers=api.headers,
                     content_type="application/x-www-form-urlencoded")
    assert r.status == 400 and "items" in r.json()


def stress_count():
    n = os.environ.get("INVENTORY_STRESS_N")
    if n:
        return int(n)
    return 20 if SANITIZED else 120


def test_concurrent_adjustments_lose_nothing(site, api, world, admin):
    """8 processes hammer the same items with add/remove/transfer at once:
    every request succeeds (no database-busy) and the totals and the
    tracking history add up exactly."""
    n = stress_count()
    items = [world["i1"], world["i2"]]
    start = 1000 + 8 * n             # never drained by the transfers
    api.adjust("count", [{"pk": i, "quantity": start} for i in items])
    prog = str(site.program("stock"))
    base = dict(site.base_env, GATEWAY_INTERFACE="CGI/1.1",
                REQUEST_METHOD="POST", HTTP_HOST="localhost",
                CONTENT_TYPE="application/json",
                HTTP_AUTHORIZATION=admin["Authorization"])

    def worker(w):
        fails = []
        for k in range(n):
            op = ("add", "remove", "transfer")[k % 3]
            body = {"items": [{"pk": items[(w + k) % 2],
                               "quantity": "0.1" if op != "transfer"
                               else "1000"}]}
            if op == "transfer":
                body = {"items": [{"pk": items[(w + k) % 2],
                                   "quantity": 1}],
                        "location": world["a"] if k % 2 else world["b"]}
            data = json.dumps(body).encode()
            env = dict(base, PATH_INFO=f"/api/stock/{op}/",
                       CONTENT_LENGTH=str(len(data)))
            p = subprocess.run([prog], env=env, input=data,
                               capture_output=True, timeout=120)
            if not p.stdout.startswith(b"Status: 201"):
                fails.append(p.stdout[:300] + p.stderr[:300])
        return fails

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        fails = [f for fs in ex.map(worker, range(8)) for f in fs]
    assert fails == []

    # Each worker did ceil(n/3) adds and floor((n+1)/3) removes of 0.1 on
    # alternating items; transfers of 1 split items but keep the total.
    adds = sum(1 for w in range(8) for k in range(n) if k % 3 == 0)
    removes = sum(1 for w in range(8) for k in range(n) if k % 3 == 1)
    total = api.list(f"/api/part/{world['p']}/")["in_stock"]
    expect = 2 * start + (adds - removes) * 0.1
    assert abs(total - expect) < 1e-9, (total, expect)
    db = site.db()
    q = db.execute("SELECT sum(quantity) FROM stock_item").fetchone()[0]
    assert q == 2 * start * 100000 + (adds - removes) * 10000
    types = dict(db.execute("SELECT tracking_type, count(*) FROM "
                            "stock_tracking GROUP BY tracking_type"))
    transfers = 8 * n - adds - removes
    assert types.get(11) == adds and types.get(12) == removes
    assert types.get(42, 0) + types.get(20, 0) <= transfers
    assert types.get(42, 0) == types.get(40, 0)
    # Every split child item came from a tracked split.
    children = db.execute("SELECT count(*) FROM stock_item WHERE parent "
                          "IS NOT NULL").fetchone()[0]
    assert children == types.get(40, 0)


def test_optional_fields_of_an_item_change_it(api, world):
    """InvenTree's optional transfer fields: a new batch code, status or
    packaging per item, for the item that results (the moved part of a
    split); empty or null leaves them as they are."""
    i1, i2 = world["i1"], world["i2"]
    api.adjust("add", [{"pk": i1, "quantity": 1, "status": 50,
                        "batch": "B-9", "packaging": "reel"}])
    got = item(api, i1)
    assert (got["status"], got["batch"], got["packaging"]) == \
        (50, "B-9", "reel")
    assert got["quantity"] == 11
    d = track(api, i1)[0]["deltas"]
    assert d["status"] == 50 and d["batch"] == "B-9" and \
        d["packaging"] == "reel" and d["added"] == 1
    # Searchable by its new batch code.
    assert [s["pk"] for s in api.list(STOCK, search="B-9")] == [i1]

    # Empty and null: unchanged.
    api.adjust("remove", [{"pk": i1, "quantity": 1, "status": None,
                           "batch": "", "packaging": ""}])
    got = item(api, i1)
    assert (got["status"], got["batch"], got["packaging"]) == \
        (50, "B-9", "reel")
    assert "status" not in track(api, i1)[0]["deltas"]

    # A split: the moved part takes the fields, the rest keeps its own.
    api.adjust("transfer", [{"pk": i2, "quantity": 1, "status": 55}],
               location=world["b"])
    child = [s for s in api.list(STOCK, location=world["b"])][0]
    assert child["status"] == 55 and child["quantity"] == 1
    assert item(api, i2)["status"] == 10

    # A status that is not one: the item's error, nothing written.
    r = api.call("POST", STOCK + "count/", {"items": [
        {"pk": i1, "quantity": 3}, {"pk": i2, "quantity": 1, "status": 11}]})
    assert r.status == 400 and "status" in r.json()["items"][1], r
    assert item(api, i1)["quantity"] == 10


@pytest.mark.parametrize("op", ["count", "add", "remove", "transfer"])
def test_expected_quantity_refuses_an_item_that_changed(api, world, op):
    """An adjustment made offline carries the quantity its maker saw: the
    same quantity now is applied, another is a 400 naming the item's
    quantity now, and nothing of the request is applied."""
    i1, i2 = world["i1"], world["i2"]
    extra = {"location": world["b"]} if op == "transfer" else {}
    r = api.call("POST", STOCK + f"{op}/", dict(items=[
        {"pk": i1, "quantity": 1, "expected_quantity": "10"},
        {"pk": i2, "quantity": 1, "expected_quantity": 4}], **extra))
    assert r.status == 400, r
    errs = r.json()["items"]
    assert errs[0] == {}
    assert errs[1]["expected_quantity"] == [
        "The stock item changed meanwhile: it holds 2.5 now, not 4.0."]
    assert item(api, i1)["quantity"] == 10
    r = api.call("POST", STOCK + f"{op}/", dict(items=[
        {"pk": i1, "quantity": 1, "expected_quantity": 10},
        {"pk": i2, "quantity": 1, "expected_quantity": None}], **extra))
    assert r.status in (200, 201), r
    want = {"count": 1, "add": 11, "remove": 9, "transfer": 9}[op]
    assert item(api, i1)["quantity"] == want


def test_options_of_an_adjustment_list_the_item_fields(api, world):
    """The app opens its four stock dialogs from OPTIONS: actions.POST with
    the nested items (pk related to stockitem, quantity, batch, status with
    its choices, packaging) and notes, plus location for a transfer."""
    for op in ("count", "add", "remove", "transfer"):
        r = api.call("OPTIONS", STOCK + f"{op}/")
        assert r.status == 200, r
        post = r.json()["actions"]["POST"]
        kids = post["items"]["child"]["children"]
        assert set(kids) == {"pk", "quantity", "batch", "status",
                             "packaging", "expected_quantity"}, op
        assert kids["pk"]["model"] == "stockitem" and \
            kids["pk"]["api_url"] == "/api/stock/"
        assert kids["pk"]["required"] and kids["quantity"]["required"]
        assert not kids["status"]["required"]
        assert {c["value"] for c in kids["status"]["choices"]} >= \
            {10, 50, 55, 60, 65, 70, 75, 85}
        assert "notes" in post
        assert ("location" in post) == (op == "transfer")
