"""Stock locations: tree, counts, filters, tree/, delete semantics."""
import pytest

from inventory_api import pks

LOC = "/api/stock/location/"


@pytest.fixture
def locs(api):
    w = api.location("Workshop")["pk"]
    s = api.location("Shelf A", w)["pk"]
    b = api.location("Bin 1", s)["pk"]
    st = api.location("Store", external=True)["pk"]
    return dict(w=w, s=s, b=b, st=st)


def test_tree_fields_and_counts(api, locs):
    p = api.part("P")["pk"]
    api.stock(p, 1, locs["b"])
    api.stock(p, 1, locs["s"])
    b = api.list(LOC + f"{locs['b']}/")
    assert b["pathstring"] == "Workshop/Shelf A/Bin 1" and b["level"] == 2
    w = api.list(LOC + f"{locs['w']}/")
    assert w["items"] == 2 and w["sublocations"] == 2
    assert api.list(LOC + f"{locs['st']}/")["external"] is True


def test_filters_and_tree(api, locs):
    assert pks(api.list(LOC, parent="null")) == sorted([locs["w"], locs["st"]])
    assert pks(api.list(LOC, parent=locs["w"])) == [locs["s"]]
    assert pks(api.list(LOC, parent=locs["w"], cascade=True)) == \
        sorted([locs["s"], locs["b"]])
    assert pks(api.list(LOC, external=True)) == [locs["st"]]
    assert pks(api.list(LOC, search="bin")) == [locs["b"]]
    rows = api.list(LOC + "tree/")
    assert {r["pk"]: r["sublocations"] for r in rows}[locs["w"]] == 1
    assert api.get(LOC, parent="nope").status == 400
    assert api.get(LOC, external="2").status == 400


def test_cycle_refused(api, locs):
    r = api.call("PATCH", LOC + f"{locs['w']}/", {"parent": locs["b"]})
    assert r.status == 400 and "parent" in r.json()


def test_delete_moves_items_and_children_up(api, locs):
    p = api.part("P")["pk"]
    item = api.stock(p, 3, locs["s"])["pk"]
    api.ok("DELETE", LOC + f"{locs['s']}/")
    assert api.list(f"/api/stock/{item}/")["location"] == locs["w"]
    b = api.list(LOC + f"{locs['b']}/")
    assert b["parent"] == locs["w"] and b["pathstring"] == "Workshop/Bin 1"


def test_delete_with_items_and_sublocations(api, locs):
    p = api.part("P")["pk"]
    i1 = api.stock(p, 3, locs["b"])["pk"]
    i2 = api.stock(p, 3, locs["st"])["pk"]
    api.ok("DELETE", LOC + f"{locs['w']}/",
           {"delete_stock_items": True, "delete_sub_locations": True})
    assert api.get(LOC + f"{locs['b']}/").status == 404
    assert api.get(f"/api/stock/{i1}/").status == 404
    assert api.get(f"/api/stock/{i2}/").status == 200
    assert api.list("/api/part/" + f"{p}/")["in_stock"] == 3.0


def test_delete_top_level_leaves_items_without_location(api, locs):
    p = api.part("P")["pk"]
    i = api.stock(p, 1, locs["st"])["pk"]
    api.ok("DELETE", LOC + f"{locs['st']}/")
    assert api.list(f"/api/stock/{i}/")["location"] is None
    kept = api.stock(p, 1, locs["w"])["pk"]
    assert pks(api.list("/api/stock/", location="null",
                        cascade=False)) == [i]
    # Under a cascade (the default), null is the whole tree: every item.
    assert pks(api.list("/api/stock/", location="null")) == sorted([i, kept])


def test_structural_location(api, locs):
    s = api.location("Racks", structural=True)["pk"]
    p = api.part("P")["pk"]
    r = api.call("POST", "/api/stock/", {"part": p, "quantity": 1,
                                         "location": s})
    assert r.status == 400 and "location" in r.json()
    api.stock(p, 1, locs["b"])
    r = api.call("PATCH", LOC + f"{locs['b']}/", {"structural": True})
    assert r.status == 400 and "structural" in r.json()


def test_default_location_cleared_when_location_deleted(api, locs):
    c = api.category("C", default_location=locs["b"])["pk"]
    p = api.part("P", c, default_location=locs["b"])["pk"]
    api.ok("DELETE", LOC + f"{locs['b']}/")
    assert api.list(f"/api/part/{p}/")["default_location"] is None
    assert api.list(f"/api/part/category/{c}/")["default_location"] is None


def test_path_detail(api, locs):
    r = api.list(LOC + f"{locs['b']}/", path_detail=True)
    assert r["path"] == [{"pk": locs["w"], "name": "Workshop"},
                         {"pk": locs["s"], "name": "Shelf A"},
                         {"pk": locs["b"], "name": "Bin 1"}]
    assert "path" not in api.list(LOC + f"{locs['b']}/")
    assert api.get(LOC + f"{locs['b']}/", path_detail="x").status == 400
