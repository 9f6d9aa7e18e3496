"""Stock items: create, edit (with tracking), filters, detail flags, bulk
delete, status codes, exact decimals."""
import pytest

from inventory_api import Api, pks

STOCK = "/api/stock/"


@pytest.fixture
def world(api):
    e = api.category("Electronics")["pk"]
    r = api.category("Resistors", e)["pk"]
    m = api.category("Mechanical")["pk"]
    w = api.location("Workshop")["pk"]
    s = api.location("Shelf", w)["pk"]
    o = api.location("Office")["pk"]
    p1 = api.part("R1", r, default_location=s)["pk"]
    p2 = api.part("Bolt", m)["pk"]
    return dict(e=e, r=r, m=m, w=w, s=s, o=o, p1=p1, p2=p2)


def test_create_shape_and_default_location(api, world):
    i = api.stock(world["p1"], "2.5", batch="B-1")
    assert i["location"] == world["s"]          # the part's default
    assert i["quantity"] == 2.5 and i["status"] == 10
    assert i["status_text"] == "OK" and i["in_stock"] is True
    assert i["batch"] == "B-1" and i["serial"] is None
    assert i["purchase_price"] is None and i["tracking_items"] == 1
    t = api.list("/api/stock/track/", item=i["pk"])
    assert t[0]["tracking_type"] == 1 and t[0]["label"]
    assert t[0]["deltas"] == {"quantity": 2.5, "location": world["s"],
                              "status": 10}


def test_create_validation(api, world):
    r = api.call("POST", STOCK, {"part": world["p1"]})
    assert r.status == 400 and r.json() == {"quantity": [
        "This field is required."]}
    r = api.call("POST", STOCK, {"quantity": 1})
    assert r.status == 400 and "part" in r.json()
    r = api.call("POST", STOCK, {"part": 999, "quantity": 1})
    assert r.status == 400 and "part" in r.json()
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": "0.000001"})
    assert r.status == 400 and "decimal places" in r.json()["quantity"][0]
    r = api.call("POST", STOCK, {"part": world["p1"],
                                 "quantity": "12345678901"})
    assert r.status == 400 and "digits" in r.json()["quantity"][0]
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": -1})
    assert r.status == 400
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": 1,
                                 "status": 11})
    assert r.status == 400 and "status" in r.json()
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": 1,
                                 "expiry_date": "2026-13-01"})
    assert r.status == 400 and "expiry_date" in r.json()


def test_serial_numbers(api, world):
    api.stock(world["p1"], 1, serial="SN1")
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": 1,
                                 "serial": "SN1"})
    assert r.status == 400 and "serial" in r.json()
    r = api.call("POST", STOCK, {"part": world["p1"], "quantity": 2,
                                 "serial": "SN2"})
    assert r.status == 400 and "quantity" in r.json()
    api.stock(world["p2"], 1, serial="SN1")      # another part: fine


def test_filters(api, world):
    a = api.stock(world["p1"], 1, world["s"], batch="X")["pk"]
    b = api.stock(world["p1"], 2, world["w"], status=60)["pk"]
    c = api.stock(world["p2"], 0, world["o"])["pk"]
    d = api.stock(world["p2"], 1, world["o"], serial="S9")["pk"]
    assert pks(api.list(STOCK, part=world["p1"])) == sorted([a, b])
    assert pks(api.list(STOCK, location=world["w"])) == sorted([a, b])
    assert pks(api.list(STOCK, location=world["w"], cascade=False)) == [b]
    assert pks(api.list(STOCK, category=world["e"])) == sorted([a, b])
    assert pks(api.list(STOCK, status=60)) == [b]
    assert pks(api.list(STOCK, in_stock=True)) == sorted([a, d])
    assert pks(api.list(STOCK, in_stock=False)) == sorted([b, c])
    # Nothing allocates stock yet: available is in stock.
    assert pks(api.list(STOCK, available=True)) == sorted([a, d])
    assert pks(api.list(STOCK, available=False)) == sorted([b, c])
    api.ok("PATCH", f"/api/stock/location/{world['o']}/", {"external": True})
    assert pks(api.list(STOCK, external=True)) == sorted([c, d])
    assert pks(api.list(STOCK, external=False)) == sorted([a, b])
    assert pks(api.list(STOCK, batch="X")) == [a]
    assert pks(api.list(STOCK, serial="S9")) == [d]
    assert pks(api.list(STOCK, updated_after="2000-01-01")) == \
        sorted([a, b, c, d])
    assert api.list(STOCK, updated_before="2000-01-01") == []
    assert pks(api.list(STOCK, search="S9")) == [d]
    assert pks(api.list(STOCK, search="bolt")) == sorted([c, d])
    assert pks(api.list(STOCK, search="offic")) == sorted([c, d])
    # Every word, each in any field: the part's name, serial, location.
    assert pks(api.list(STOCK, search="bolt S9")) == [d]
    assert pks(api.list(STOCK, search="offic bolt")) == sorted([c, d])
    assert api.list(STOCK, search="bolt X") == []


@pytest.mark.parametrize("q", [{"part": "999"}, {"part": "x"},
                               {"location": "0"}, {"status": "11"},
                               {"in_stock": "sure"},
                               {"updated_before": "yesterday"},
                               {"category": "-3"}, {"part_detail": "x"}])
def test_bad_filter_values_name_the_field(api, world, q):
    r = api.get(STOCK, **q)
    assert r.status == 400, r
    assert list(q)[0] in r.json()


def test_detail_flags(api, world):
    i = api.stock(world["p1"], 1, world["s"])["pk"]
    r = api.list(STOCK + f"{i}/", part_detail=True, location_detail=True)
    assert r["part_detail"]["name"] == "R1"
    assert r["location_detail"] == {"pk": world["s"], "name": "Shelf",
                                    "pathstring": "Workshop/Shelf",
                                    "description": "", "parent": world["w"],
                                    "level": 1}
    page = api.list(STOCK, part=world["p1"], location_detail=True, limit=5)
    assert page["results"][0]["location_detail"]["name"] == "Shelf"


def test_edit_is_tracked(api, world):
    i = api.stock(world["p1"], 5, world["s"])["pk"]
    api.ok("PATCH", STOCK + f"{i}/", {"status": 55})
    api.ok("PATCH", STOCK + f"{i}/", {"location": world["o"]})
    api.ok("PATCH", STOCK + f"{i}/", {"batch": "B7", "notes": "n"})
    t = api.list("/api/stock/track/", item=i)
    assert [e["tracking_type"] for e in t] == [5, 20, 25, 1]
    assert t[0]["deltas"] == {"batch": "B7", "notes": "n"}
    assert t[1]["deltas"] == {"location": world["o"]}
    assert t[2]["deltas"] == {"status": 55}
    r = api.call("PATCH", STOCK + f"{i}/", {"part": world["p2"]})
    assert r.status == 400 and "part" in r.json()
    item = api.list(STOCK + f"{i}/")
    assert api.ok("PATCH", STOCK + f"{i}/", item)["quantity"] == 5.0
    assert len(api.list("/api/stock/track/", item=i)) == 4


def test_status_change_changes_part_stock(api, world):
    i = api.stock(world["p1"], 5, world["s"])["pk"]
    assert api.list(f"/api/part/{world['p1']}/")["in_stock"] == 5.0
    api.ok("PATCH", STOCK + f"{i}/", {"status": 70})
    assert api.list(f"/api/part/{world['p1']}/")["in_stock"] == 0.0


def test_delete_one_and_bulk(api, world):
    ids = [api.stock(world["p1"], 1, world["s"])["pk"] for _ in range(4)]
    api.ok("DELETE", STOCK + f"{ids[0]}/")
    assert api.call("DELETE", STOCK + f"{ids[0]}/").status == 404
    r = api.call("DELETE", STOCK, {"items": [ids[1], 99999]})
    assert r.status == 400 and "99999" in r.body.decode()
    assert api.get(STOCK + f"{ids[1]}/").status == 200   # none deleted
    assert api.call("DELETE", STOCK, {"items": []}).status == 400
    api.ok("DELETE", STOCK, {"items": [ids[1], ids[2]]})
    assert pks(api.list(STOCK)) == [ids[3]]
    assert api.list(f"/api/part/{world['p1']}/")["in_stock"] == 1.0


def test_status_codes(api):
    r = api.list(STOCK + "status/")
    vals = {v["key"]: v for v in r["values"].values()}
    assert sorted(vals) == [10, 50, 55, 60, 65, 70, 75, 85]
    assert vals[50]["label"] == "Attention needed"
    assert {k for k, v in vals.items() if v["in_stock"]} == {10, 50, 55, 85}


def test_permissions(site, api, world):
    from conftest import make_user
    viewer = Api(site, make_user(site, "sv", roles={"stock": ["view"]}))
    i = api.stock(world["p1"], 5, world["s"])["pk"]
    assert viewer.get(STOCK).status == 200
    assert viewer.get(STOCK + "status/").status == 200
    assert viewer.call("POST", STOCK, {"part": world["p1"],
                                       "quantity": 1}).status == 403
    r = viewer.call("POST", STOCK + "add/", {"items": [{"pk": i,
                                                        "quantity": 1}]})
    assert r.status == 403
    assert viewer.call("DELETE", STOCK + f"{i}/").status == 403
    loc_viewer = Api(site, make_user(site, "lv", roles={}))
    assert loc_viewer.get("/api/stock/location/").status == 403


def test_ordering_by_part_name_pages(site, api, world):
    """?ordering=part__name (the app's Stock tab: "+part__name", and
    "-part__name") pages through the same order as a sort by (part name,
    item id) of what the database holds, whatever the filters: parts of
    the same name (another IPN) interleave by item id, every page carries
    the whole count, and no item is on two pages or on none.  The same
    for ?ordering=location."""
    w, s, o = world["w"], world["s"], world["o"]
    names = ["Zener", "Diode", "Capacitor", "Diode", "Resistor", "Diode"]
    parts = [api.part(n, world["r"], IPN=f"I{k}")["pk"]
             for k, n in enumerate(names)]
    spec = [(0, 1, s, 10), (1, 2, None, 10), (3, 1, o, 10), (2, 0, s, 10),
            (5, 3, w, 50), (1, 1, s, 70), (4, 2, None, 10), (3, 5, s, 10),
            (0, 1, o, 85), (5, 1, None, 10), (1, 4, o, 10), (2, 2, w, 55),
            (3, 1, None, 65), (4, 1, s, 10), (5, 2, s, 10), (1, 1, w, 10),
            (0, 0, None, 10), (3, 2, o, 10)]
    for k, qty, loc, status in spec:
        api.stock(parts[k], qty, loc, status=status)
    p_diode = parts[3]

    db = site.db()
    rows = db.execute(
        "SELECT s.id, p.name, s.part, s.location, s.status, s.quantity, "
        "s.consumed_by FROM stock_item s, part p WHERE p.id = s.part").fetchall()
    parent = dict(db.execute("SELECT id, parent FROM stock_location")
                  .fetchall())
    db.close()

    def below(loc, top):
        while loc is not None:
            if loc == top:
                return True
            loc = parent[loc]
        return False

    def in_stock(r):
        return r[4] in (10, 50, 55, 85) and r[5] > 0 and r[6] is None

    cases = [
        ({}, lambda r: True),
        ({"in_stock": True}, in_stock),
        ({"location": "null", "cascade": True, "in_stock": True}, in_stock),
        ({"location": "null", "cascade": False},
         lambda r: r[3] is None),
        ({"location": w, "cascade": True, "in_stock": True},
         lambda r: in_stock(r) and below(r[3], w)),
        ({"location": w, "cascade": True}, lambda r: below(r[3], w)),
        ({"part": p_diode}, lambda r: r[2] == p_diode),
        ({"search": "diode"}, lambda r: r[1] == "Diode"),
        ({"search": "diode", "in_stock": False},
         lambda r: r[1] == "Diode" and not in_stock(r)),
    ]
    for filters, keep in cases:
        want = sorted(((r[1], r[0]) for r in rows if keep(r)))
        assert want, filters
        for ordering in ("+part__name", "part__name", "-part__name"):
            expect = [i for _, i in (want[::-1] if ordering[0] == "-"
                                     else want)]
            got = []
            for offset in range(0, len(expect) + 4, 4):
                page = api.list(STOCK, ordering=ordering, limit=4,
                                offset=offset, **filters)
                assert page["count"] == len(expect), (filters, ordering)
                got += [r["pk"] for r in page["results"]]
            assert got == expect, (filters, ordering)
        # Unpaginated, the same order.
        assert [r["pk"] for r in api.list(
            STOCK, ordering="-part__name", **filters)] == \
            [i for _, i in want[::-1]], filters

    # By location (a LEFT JOIN): items without one first, as a null
    # sorts on SQLite (and, through lib/dialect.c, on PostgreSQL).
    db = site.db()
    path = dict(db.execute("SELECT id, pathstring FROM stock_location")
                .fetchall())
    db.close()
    for filters, keep in cases[:4]:
        want = sorted((r[3] is not None, path.get(r[3], ""), r[0])
                      for r in rows if keep(r))
        want = [i for *_, i in want]
        for ordering, expect in (("location", want), ("-location",
                                                      want[::-1])):
            got = []
            for offset in range(0, len(expect), 5):
                got += [r["pk"] for r in api.list(
                    STOCK, ordering=ordering, limit=5, offset=offset,
                    **filters)["results"]]
            assert got == expect, (filters, ordering)


@pytest.mark.parametrize("path,params", [
    (STOCK, dict(part_detail=True, location_detail=True,
                 supplier_part_detail=True)),
    ("/api/part/", dict(category_detail=True)),
])
def test_nested_rows_of_a_page_are_each_rows_own(api, world, path, params):
    """The rows a page nests are read once per request and used again for
    the page's other rows that name them (lib/res.c, res_nested()): a page
    of many rows names the same parts, locations and categories, whose ids
    also equal each other's (part 1, location 1, category 1).  Each row of
    the page is what the same list gives for that row alone."""
    for i in range(4):
        p = api.part(f"P{i}", world["r"] if i % 2 else world["m"])["pk"]
        for k, loc in enumerate((world["w"], world["s"], world["o"])):
            api.stock(p if k else world["p1"], i + k + 1, loc)
    page = api.list(path, limit=100, **params)["results"]
    assert len(page) >= 6
    alone = [api.list(path, limit=1, offset=k, **params)["results"][0]
             for k in range(len(page))]
    assert page == alone
    key = "part_detail" if path == STOCK else "category_detail"
    names = {r[key]["pk"]: r[key]["name"] for r in page}
    assert len(names) > 1
    if path == STOCK:
        assert {r["location_detail"]["pk"] for r in page} == \
            {world["w"], world["s"], world["o"]}
        assert all(r["part_detail"]["pk"] == r["part"] and
                   r["location_detail"]["pk"] == r["location"]
                   for r in page)
