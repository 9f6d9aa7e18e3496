"""Part templates and variants (issue 17; docs/parameters.md, "Templates
and variants"): variant_of names a template, variant trees without
cycles, InvenTree's part filters over them (variant_of, ancestor,
exclude_tree, convert_from), the variants' stock counted in a template's
totals (variant_stock, total_in_stock, unallocated_stock, kept by
migration 0028's triggers: checked against sums over the rows after
random changes), and a stock item converted to a variant
(POST /api/stock/<pk>/convert/, tracking code 48)."""
import random

import pytest

from inventory_api import Api, pks

PART = "/api/part/"


@pytest.fixture
def api(site, admin):
    return Api(site, admin)


def tree(api):
    """T (template) > V1 (template) > V2; T > V3; P a part of its own."""
    t = api.part("Resistor", is_template=True)["pk"]
    v1 = api.part("Resistor 1%", is_template=True, variant_of=t)["pk"]
    v2 = api.part("Resistor 1% 0603", variant_of=v1)["pk"]
    v3 = api.part("Resistor 5%", variant_of=t)["pk"]
    p = api.part("Capacitor")["pk"]
    return t, v1, v2, v3, p


def part(api, pk):
    return api.list(f"{PART}{pk}/")


def test_fields(api):
    t, v1, v2, v3, p = tree(api)
    x = part(api, v2)
    assert x["variant_of"] == v1 and x["is_template"] is False
    assert x["variant_stock"] == 0 and x["total_in_stock"] == 0
    assert part(api, p)["variant_of"] is None
    # OPTIONS says what variant_of points at
    r = api.call("OPTIONS", PART)
    vo = r.json()["actions"]["POST"]["variant_of"]
    assert vo["model"] == "part" and vo["required"] is False


def test_only_templates_have_variants(api):
    t, v1, v2, v3, p = tree(api)
    r = api.call("POST", PART, dict(name="X", variant_of=p))
    assert r.status == 400
    assert r.json() == {"variant_of": [
        f'Invalid pk "{p}" - object does not exist.']}
    r = api.call("PATCH", f"{PART}{p}/", dict(variant_of=v2))
    assert r.status == 400 and "variant_of" in r.json()
    r = api.call("POST", PART, dict(name="Y", variant_of=99999))
    assert r.status == 400


def test_no_part_is_its_own_ancestor(api):
    t, v1, v2, v3, p = tree(api)
    api.ok("PATCH", f"{PART}{v2}/", dict(is_template=True))
    for bad in (t, v1, v2):
        r = api.call("PATCH", f"{PART}{t}/", dict(variant_of=bad))
        assert r.status == 400, r
        assert r.json() == {"variant_of": ["Invalid choice for parent part"]}
    r = api.call("PATCH", f"{PART}{v1}/", dict(variant_of=v2))
    assert r.json() == {"variant_of": ["Invalid choice for parent part"]}
    # unchanged, and a move that is no cycle is fine
    api.ok("PATCH", f"{PART}{v1}/", dict(variant_of=t))
    api.ok("PATCH", f"{PART}{v2}/", dict(variant_of=t))
    assert part(api, v2)["variant_of"] == t


def test_filters(api):
    t, v1, v2, v3, p = tree(api)
    assert pks(api.list(PART, variant_of=t)) == sorted([v1, v3])
    assert pks(api.list(PART, variant_of=v1)) == [v2]
    assert pks(api.list(PART, ancestor=t)) == sorted([v1, v2, v3])
    assert pks(api.list(PART, ancestor=v1)) == [v2]
    assert pks(api.list(PART, ancestor=p)) == []
    assert pks(api.list(PART, exclude_tree=v1)) == sorted([t, v3, p])
    assert pks(api.list(PART, exclude_tree=t)) == [p]
    assert pks(api.list(PART, is_template=True)) == sorted([t, v1])
    assert pks(api.list(PART, is_template=False)) == sorted([v2, v3, p])
    # conversion options: variants below, the template, its variants
    assert pks(api.list(PART, convert_from=t)) == sorted([v1, v2, v3])
    assert pks(api.list(PART, convert_from=v1)) == sorted([t, v2, v3])
    assert pks(api.list(PART, convert_from=v2)) == [v1]
    assert pks(api.list(PART, convert_from=p)) == []
    api.ok("PATCH", f"{PART}{v3}/", dict(active=False))
    assert pks(api.list(PART, convert_from=v1)) == sorted([t, v2])
    r = api.get(PART, ancestor=99999)
    assert r.status == 400
    # paged: count follows the filter
    page = api.list(PART, ancestor=t, limit=2)
    assert page["count"] == 3 and len(page["results"]) == 2


def totals(api, pk):
    x = part(api, pk)
    return x["in_stock"], x["variant_stock"], x["total_in_stock"]


def test_variant_stock(api):
    t, v1, v2, v3, p = tree(api)
    loc = api.location("Shelf")["pk"]
    api.stock(t, 2, loc)
    i1 = api.stock(v1, 3, loc)["pk"]
    api.stock(v2, 5, loc)
    api.stock(v3, 7, loc)
    api.stock(p, 11, loc)
    assert totals(api, t) == (2, 15, 17)
    assert totals(api, v1) == (3, 5, 8)
    assert totals(api, v2) == (5, 0, 5)
    assert totals(api, p) == (11, 0, 11)
    assert part(api, t)["unallocated_stock"] == 17
    api.adjust("remove", [{"pk": i1, "quantity": 1}])
    assert totals(api, t) == (2, 14, 16)
    # V2 moves under V3 (made a template): its stock goes along
    api.ok("PATCH", f"{PART}{v3}/", dict(is_template=True))
    api.ok("PATCH", f"{PART}{v2}/", dict(variant_of=v3))
    assert totals(api, v1) == (2, 0, 2)
    assert totals(api, v3) == (7, 5, 12)
    assert totals(api, t) == (2, 14, 16)
    # out of the tree, and back in
    api.ok("PATCH", f"{PART}{v3}/", dict(variant_of=None))
    assert totals(api, t) == (2, 2, 4)
    api.ok("PATCH", f"{PART}{v3}/", dict(variant_of=v1))
    assert totals(api, v1) == (2, 12, 14)
    assert totals(api, t) == (2, 14, 16)
    # ordering by the total
    names = [x["pk"] for x in api.list(PART, ordering="-total_in_stock")]
    assert names[:2] == [t, v1]
    # a deleted variant takes its stock; its variants stay, on their own
    api.ok("PATCH", f"{PART}{v1}/", dict(active=False))
    api.ok("DELETE", f"{PART}{v1}/")
    assert totals(api, t) == (2, 0, 2)
    assert part(api, v3)["variant_of"] is None
    assert totals(api, v3) == (7, 5, 12)
    assert pks(api.list(PART, ancestor=t)) == []
    assert pks(api.list(PART, ancestor=v3)) == [v2]
    api.site.tool("check")


def test_stock_list_of_a_template_includes_its_variants(api):
    """InvenTree's stock list: ?part= is the part's items and its
    variants' at any depth, unless ?include_variants=false; count and
    paging agree (no tally counts the wider set)."""
    t, v1, v2, v3, p = tree(api)
    items = {pk: api.stock(pk, q)["pk"] for pk, q in
             ((t, 1), (v1, 2), (v2, 3), (v3, 4), (p, 5))}

    def listed(part, **kw):
        return sorted(pks(api.list("/api/stock/", part=part, **kw)))

    assert listed(t) == sorted(items[k] for k in (t, v1, v2, v3))
    assert listed(v1) == sorted(items[k] for k in (v1, v2))
    assert listed(v2) == [items[v2]] and listed(p) == [items[p]]
    for part in (t, v1):
        assert listed(part, include_variants="false") == [items[part]]
    page = api.list("/api/stock/", part=t, limit=2, offset=2)
    assert page["count"] == 4 and len(page["results"]) == 2
    assert api.list("/api/stock/", part=t, include_variants=False,
                    limit=1)["count"] == 1
    assert api.list("/api/stock/", part=p, limit=1)["count"] == 1
    r = api.call("GET", "/api/stock/", part=t, include_variants="maybe")
    assert r.status == 400 and "include_variants" in r.json()
    # A variant moved out of the tree takes its items along.
    api.ok("PATCH", f"{PART}{v3}/", dict(variant_of=None))
    assert listed(t) == sorted(items[k] for k in (t, v1, v2))


def test_variant_stock_random(api, site):
    """Random trees, moves, stock changes and deletes; after each step
    every part's variant_stock is the sum of the in-stock quantity of the
    parts below it, computed here from the parts' own figures."""
    rnd = random.Random(17)
    loc = api.location("Bin")["pk"]
    parts = [api.part(f"P{i}", is_template=True)["pk"] for i in range(8)]
    items = []
    parent = {p: None for p in parts}

    def below(p):
        out, todo = set(), [c for c, q in parent.items() if q == p]
        while todo:
            c = todo.pop()
            out.add(c)
            todo += [d for d, q in parent.items() if q == c]
        return out

    for step in range(60):
        op = rnd.choice(["move", "move", "stock", "stock", "remove",
                         "delete", "new"])
        if op == "move":
            p = rnd.choice(parts)
            to = rnd.choice([None] + parts)
            r = api.call("PATCH", f"{PART}{p}/", dict(variant_of=to))
            if to is not None and (to == p or to in below(p)):
                assert r.status == 400, r
            else:
                assert r.status == 200, r
                parent[p] = to
        elif op == "stock":
            p = rnd.choice(parts)
            items.append((api.stock(p, rnd.randint(1, 50), loc)["pk"], p))
        elif op == "remove" and items:
            i, p = rnd.choice(items)
            r = api.call("POST", "/api/stock/remove/",
                         dict(items=[{"pk": i, "quantity": 1}]))
            assert r.status in (201, 400), r
        elif op == "delete" and len(parts) > 3:
            p = rnd.choice(parts)
            api.ok("PATCH", f"{PART}{p}/", dict(active=False))
            api.ok("DELETE", f"{PART}{p}/")
            parts.remove(p)
            del parent[p]
            for c in parent:
                if parent[c] == p:
                    parent[c] = None
            items = [(i, q) for i, q in items if q != p]
        elif op == "new":
            to = rnd.choice([None] + parts)
            pk = api.part(f"N{step}", is_template=True, variant_of=to)["pk"]
            parts.append(pk)
            parent[pk] = to
        rows = {x["pk"]: x for x in api.list(PART)}
        for p in parts:
            assert rows[p]["variant_of"] == parent[p]
            want = sum(rows[c]["in_stock"] for c in below(p))
            assert rows[p]["variant_stock"] == want, (step, op, p)
            assert pks(api.list(PART, ancestor=p)) == sorted(below(p))
    site.tool("check")


def test_convert(api):
    t, v1, v2, v3, p = tree(api)
    loc = api.location("Shelf")["pk"]
    item = api.stock(t, 4, loc)["pk"]
    r = api.call("POST", f"/api/stock/{item}/convert/", dict(part=v2))
    assert r.status == 201 and r.json() == {"part": v2}
    assert api.list(f"/api/stock/{item}/")["part"] == v2
    assert totals(api, t) == (0, 4, 4)
    assert totals(api, v1) == (0, 4, 4)
    track = api.list("/api/stock/track/", item=item)
    last = max(track, key=lambda x: x["pk"])
    assert last["tracking_type"] == 48
    assert last["deltas"] == {"part": v2}
    assert last["notes"] == "Converted to part"
    codes = api.list("/api/stock/track/status/")
    assert 48 in [v["key"] for v in codes["values"].values()]
    # back to its template's template is no option from V2: only V1
    r = api.call("POST", f"/api/stock/{item}/convert/", dict(part=t))
    assert r.status == 400
    assert r.json() == {"part": [
        "Selected part is not a valid option for conversion"]}
    for bad, want in ((dict(part=p), "part"), (dict(part=99999), "part"),
                      (dict(), "part")):
        r = api.call("POST", f"/api/stock/{item}/convert/", bad)
        assert r.status == 400 and want in r.json(), r
    r = api.call("POST", "/api/stock/99999/convert/", dict(part=v1))
    assert r.status == 404
    api.ok("POST", f"/api/stock/{item}/convert/", dict(part=v1))
    assert totals(api, v1) == (4, 0, 4)


def test_convert_needs_change_permission(site, api):
    from conftest import make_user
    t, v1, v2, v3, p = tree(api)
    item = api.stock(t, 1, api.location("L")["pk"])["pk"]
    viewer = Api(site, make_user(site, "viewer", roles={
        "stock": ["view"], "part": ["view"]}))
    r = viewer.call("POST", f"/api/stock/{item}/convert/", dict(part=v1))
    assert r.status == 403


@pytest.mark.sqlite_only("changes the rows behind the triggers' back "
                         "through SQLite")
def test_check_sees_drift(api, site):
    t, v1, v2, v3, p = tree(api)
    api.stock(v2, 3, api.location("L")["pk"])
    assert site.tool("check", check=False).returncode == 0
    db = site.db()
    with db:
        db.execute("UPDATE part SET variant_stock = variant_stock + 1 "
                   "WHERE id = ?", (t,))
        db.execute("DELETE FROM part_variant_tree WHERE ancestor = ? AND "
                   "descendant = ?", (t, v2))
    proc = site.tool("check", check=False)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out
    assert (f"part {t} variant_stock: kept 300001, counted 300000"
            in out)
    assert f"tree part_variant: missing pair ({t}, {v2})" in out
