"""Part categories: the tree (pathstring, level, parent), counts, filters,
tree/, moves and renames, cycles, InvenTree's delete semantics."""
import pytest

from inventory_api import Api, pks

CAT = "/api/part/category/"


@pytest.fixture
def tree(api):
    """Electronics/{Passives/{Resistors,Capacitors},ICs}, Mechanical."""
    e = api.category("Electronics", description="Electronic parts")
    p = api.category("Passives", e["pk"])
    r = api.category("Resistors", p["pk"])
    c = api.category("Capacitors", p["pk"])
    i = api.category("ICs", e["pk"])
    m = api.category("Mechanical")
    return dict(e=e["pk"], p=p["pk"], r=r["pk"], c=c["pk"], i=i["pk"],
                m=m["pk"])


def test_create_sets_path_and_level(api, tree):
    r = api.list(CAT + f"{tree['r']}/")
    assert r["pathstring"] == "Electronics/Passives/Resistors"
    assert r["level"] == 2 and r["parent"] == tree["p"]
    assert r["structural"] is False and r["part_count"] == 0
    e = api.list(CAT + f"{tree['e']}/")
    assert e["subcategories"] == 4 and e["level"] == 0
    assert e["parent"] is None and e["description"] == "Electronic parts"


def test_name_required_and_bounded(api):
    r = api.call("POST", CAT, {"description": "x"})
    assert r.status == 400 and r.json() == {"name": ["This field is required."]}
    r = api.call("POST", CAT, {"name": "x" * 101})
    assert r.status == 400 and "name" in r.json()


def test_duplicate_name_under_same_parent(api, tree):
    r = api.call("POST", CAT, {"name": "Resistors", "parent": tree["p"]})
    assert r.status == 400 and "name" in r.json()
    api.category("Resistors", tree["m"])      # elsewhere is fine


def test_unknown_parent(api):
    r = api.call("POST", CAT, {"name": "x", "parent": 999})
    assert r.status == 400 and "parent" in r.json()


def test_filters(api, tree):
    top = api.list(CAT, parent="null")
    assert pks(top) == sorted([tree["e"], tree["m"]])
    assert pks(api.list(CAT, top_level=True)) == pks(top)
    # The app's top level (InvenTree API 174): cascade=false, no parent.
    assert pks(api.list(CAT, cascade=False)) == pks(top)
    everything = pks(api.list(CAT))
    assert pks(api.list(CAT, parent="null", cascade=True)) == everything
    assert len(everything) > len(top)
    kids = api.list(CAT, parent=tree["e"])
    assert pks(kids) == sorted([tree["p"], tree["i"]])
    deep = api.list(CAT, parent=tree["e"], cascade=True)
    assert pks(deep) == sorted([tree["p"], tree["i"], tree["r"], tree["c"]])
    one = api.list(CAT, parent=tree["e"], cascade=True, depth=1)
    assert pks(one) == sorted([tree["p"], tree["i"]])
    assert pks(api.list(CAT, depth=0)) == pks(top)


@pytest.mark.parametrize("q", [{"parent": "abc"}, {"parent": "999"},
                               {"top_level": "maybe"}, {"cascade": "x"},
                               {"depth": "-1"}, {"limit": "ten"}])
def test_bad_filter_values_name_the_field(api, tree, q):
    r = api.get(CAT, **q)
    assert r.status == 400, r
    assert list(q)[0] in r.json()


def test_search_and_ordering(api, tree):
    assert pks(api.list(CAT, search="pass")) == sorted([tree["p"], tree["r"],
                                                        tree["c"]])
    names = [c["name"] for c in api.list(CAT, ordering="-name")]
    assert names == sorted(names, reverse=True)
    names = [c["name"] for c in api.list(CAT, ordering="nosuchfield,name")]
    assert names == sorted(names)


def test_tree_endpoint(api, tree):
    rows = api.list(CAT + "tree/")
    byid = {r["pk"]: r for r in rows}
    assert len(rows) == 6
    assert byid[tree["e"]]["subcategories"] == 2
    assert byid[tree["r"]] == {"pk": tree["r"], "name": "Resistors",
                               "parent": tree["p"], "level": 2, "icon": "",
                               "structural": False, "subcategories": 0}


def test_move_and_rename_update_the_subtree(api, tree):
    api.ok("PATCH", CAT + f"{tree['p']}/", {"parent": tree["m"]})
    r = api.list(CAT + f"{tree['r']}/")
    assert r["pathstring"] == "Mechanical/Passives/Resistors"
    assert r["level"] == 2
    api.ok("PATCH", CAT + f"{tree['m']}/", {"name": "Mech"})
    assert api.list(CAT + f"{tree['c']}/")["pathstring"] == \
        "Mech/Passives/Capacitors"
    api.ok("PATCH", CAT + f"{tree['p']}/", {"parent": None})
    r = api.list(CAT + f"{tree['r']}/")
    assert r["pathstring"] == "Passives/Resistors" and r["level"] == 1
    assert pks(api.list(CAT, parent=tree["m"], cascade=True)) == []


def test_cannot_become_own_ancestor(api, tree):
    r = api.call("PATCH", CAT + f"{tree['e']}/", {"parent": tree["r"]})
    assert r.status == 400 and "parent" in r.json()
    r = api.call("PATCH", CAT + f"{tree['e']}/", {"parent": tree["e"]})
    assert r.status == 400 and "parent" in r.json()
    assert api.list(CAT + f"{tree['e']}/")["parent"] is None


def test_part_count_cascades(api, tree):
    api.part("R1", tree["r"])
    api.part("C1", tree["c"])
    api.part("U1", tree["i"])
    assert api.list(CAT + f"{tree['e']}/")["part_count"] == 3
    assert api.list(CAT + f"{tree['p']}/")["part_count"] == 2
    assert api.list(CAT + f"{tree['r']}/")["part_count"] == 1


def test_delete_moves_children_and_parts_up(api, tree):
    part = api.part("R1", tree["p"])
    api.ok("DELETE", CAT + f"{tree['p']}/")
    assert api.get(CAT + f"{tree['p']}/").status == 404
    r = api.list(CAT + f"{tree['r']}/")
    assert r["parent"] == tree["e"]
    assert r["pathstring"] == "Electronics/Resistors" and r["level"] == 1
    assert api.list(f"/api/part/{part['pk']}/")["category"] == tree["e"]


def test_delete_with_children_and_parts(api, tree):
    # Parts go through their own delete rule: only inactive ones
    # (test_resource_layer.py shows an active one refusing).
    p1 = api.part("R1", tree["r"], active=False)
    p2 = api.part("P1", tree["p"], active=False)
    api.ok("DELETE", CAT + f"{tree['p']}/",
           {"delete_child_categories": True, "delete_parts": True})
    for pk in (tree["p"], tree["r"], tree["c"]):
        assert api.get(CAT + f"{pk}/").status == 404
    assert api.get(f"/api/part/{p1['pk']}/").status == 404
    assert api.get(f"/api/part/{p2['pk']}/").status == 404
    assert api.get(f"/api/part/", search="R1").json() == []


def test_delete_children_keeping_parts(api, tree):
    p1 = api.part("R1", tree["r"])
    api.ok("DELETE", CAT + f"{tree['p']}/", delete_child_categories=True)
    assert api.get(CAT + f"{tree['r']}/").status == 404
    assert api.list(f"/api/part/{p1['pk']}/")["category"] == tree["e"]


def test_structural_category(api, tree):
    s = api.category("Structural", structural=True)
    r = api.call("POST", "/api/part/", {"name": "X", "category": s["pk"]})
    assert r.status == 400 and "category" in r.json()
    api.part("R1", tree["r"])
    r = api.call("PATCH", CAT + f"{tree['r']}/", {"structural": True})
    assert r.status == 400 and "structural" in r.json()


def test_path_detail(api, tree):
    r = api.list(CAT + f"{tree['r']}/", path_detail=True)
    assert [p["name"] for p in r["path"]] == ["Electronics", "Passives",
                                             "Resistors"]


def test_permissions(site, api, tree):
    from conftest import make_user
    viewer = Api(site, make_user(site, "viewer",
                                 roles={"part_category": ["view"]}))
    assert viewer.get(CAT).status == 200
    assert viewer.call("POST", CAT, {"name": "x"}).status == 403
    assert viewer.call("DELETE", CAT + f"{tree['m']}/").status == 403
    nobody = Api(site, {})
    assert nobody.get(CAT).status == 401


def test_parts_of_a_large_category_page_as_sorted(site, api):
    """A category holding most parts is paged by walking the parts' names
    (res_plan_dense(), when its tally says the walk is cheaper): every
    page, either way of finding it, is the slice of the parts below it
    sorted by (name, id), ties of a name included."""
    top = api.category("Most")["pk"]
    sub = api.category("Sub", parent=top)["pk"]
    other = api.category("Other")["pk"]
    names = ["Fuse", "Diode", "Relay", "Diode", "Cap", "Zener"]
    for k in range(36):
        api.part(names[k % len(names)], (top, sub, sub)[k % 3], IPN=f"L{k}")
    # Outside it, first by name and between its names.
    for k, name in enumerate(["Antenna", "Antenna", "Diode", "Cap"]):
        api.part(name, (other, None)[k % 2], IPN=f"O{k}")
    db = site.db()
    below = [r[0] for r in db.execute(
        "SELECT id, name FROM part WHERE category IN (?, ?) "
        "ORDER BY name, id", (top, sub))]
    db.close()
    assert len(below) == 36
    for limit in (1, 2, 5):
        got = []
        for offset in range(0, len(below) + limit, limit):
            page = api.list("/api/part/", category=top, limit=limit,
                            offset=offset)
            assert page["count"] == len(below)
            got += [r["pk"] for r in page["results"]]
        assert got == below, limit
