"""A BOM line's allow_variants honoured everywhere (issues 16 and 17;
docs/bom.md, "Variants"): "can build" (the part's, in requirements/, and
each BOM line's), the lines' available_variant_stock (BOM items and build
lines), allocation of a variant's stock item (accepted when the line
allows variants, a 400 on stock_item when not), auto-allocate (variants'
stock only when allowed, after the component's own), and the stock
figures after the build completes -- every figure against a brute-force
sum over the stock items the API lists, and `stockroom check` clean
after each test."""
import random

import pytest

from test_build_allocation import AllocApi

BUILD = "/api/build/"
LINE = "/api/build/line/"
ITEM = "/api/build/item/"
PART = "/api/part/"


pytestmark = pytest.mark.usefixtures("figures_kept")


@pytest.fixture
def api(site, admin):
    return AllocApi(site, admin)


@pytest.fixture
def w(api):
    """Template T with variants V1 (itself a template, with V1a) and V2;
    a plain part P; two assemblies using T x2 (one line allowing variants,
    one not) and P x1."""
    t = api.part("Resistor", is_template=True)["pk"]
    v1 = api.part("Resistor 1%", is_template=True, variant_of=t)["pk"]
    v1a = api.part("Resistor 1% 0603", variant_of=v1)["pk"]
    v2 = api.part("Resistor 5%", variant_of=t)["pk"]
    p = api.part("Chip")["pk"]
    store = api.location("Store")["pk"]
    bench = api.location("Bench")["pk"]
    yes = api.part("Board (variants)", assembly=True)["pk"]
    no = api.part("Board (no variants)", assembly=True)["pk"]
    line_yes = api.bom(yes, t, 2, allow_variants=True)["pk"]
    line_no = api.bom(no, t, 2, allow_variants=False)["pk"]
    api.bom(yes, p, 1)
    api.bom(no, p, 1)
    return dict(t=t, v1=v1, v1a=v1a, v2=v2, p=p, store=store, bench=bench,
                yes=yes, no=no, line_yes=line_yes, line_no=line_no)


# ---- the brute force --------------------------------------------------

def items_by_part(api):
    """{part: [(quantity, allocated)]} of the stock items in stock."""
    got = {}
    for s in api.list("/api/stock/", in_stock=True):
        if s["in_stock"]:
            got.setdefault(s["part"], []).append(
                (float(s["quantity"]), float(s["allocated"])))
    return got


def available(items, parts):
    """In stock less allocated, summed over parts, not below 0."""
    q = sum(q - a for p in parts for q, a in items.get(p, ()))
    return max(q, 0)


def descendants(api, part):
    return [x["pk"] for x in api.list(PART, ancestor=part)]


def expect_line(api, items, sub_part, quantity, allow):
    own = available(items, [sub_part])
    var = available(items, descendants(api, sub_part))
    use = own + (var if allow else 0)
    return own, var, int(use // quantity)


def check_figures(api, w):
    items = items_by_part(api)
    p_avail = available(items, [w["p"]])
    for asm, allow in ((w["yes"], True), (w["no"], False)):
        own, var, n = expect_line(api, items, w["t"], 2, allow)
        lines = {b["sub_part"]: b for b in api.list("/api/bom/", part=asm)}
        b = lines[w["t"]]
        assert b["allow_variants"] is allow
        assert (b["available_stock"], b["available_variant_stock"],
                b["can_build"]) == (own, var, n), (allow, b)
        want = min(n, int(p_avail))
        req = api.list(f"{PART}{asm}/requirements/")
        assert req["can_build"] == want, (allow, req)
    return items


# ---- tests ---------------------------------------------------------------

def stock_up(api, w):
    return dict(
        t=api.stock(w["t"], 5, w["store"])["pk"],
        v1=api.stock(w["v1"], 7, w["store"])["pk"],
        v1a=api.stock(w["v1a"], 3, w["bench"])["pk"],
        v2=api.stock(w["v2"], 4, w["store"])["pk"],
        p=api.stock(w["p"], 100, w["store"])["pk"],
    )


def test_can_build_counts_variants_only_when_allowed(api, w):
    check_figures(api, w)                       # nothing in stock: 0
    stock_up(api, w)
    check_figures(api, w)
    yes = {b["sub_part"]: b for b in api.list("/api/bom/", part=w["yes"])}
    no = {b["sub_part"]: b for b in api.list("/api/bom/", part=w["no"])}
    # 5 of T and 14 of its variants (at any depth)
    assert yes[w["t"]]["available_variant_stock"] == 14
    assert no[w["t"]]["available_variant_stock"] == 14
    assert yes[w["t"]]["can_build"] == 9 and no[w["t"]]["can_build"] == 2
    assert api.list(f"{PART}{w['yes']}/requirements/")["can_build"] == 9
    assert api.list(f"{PART}{w['no']}/requirements/")["can_build"] == 2
    # the BOM list's filter and ordering count the same figure
    only_t = api.list("/api/bom/", sub_part=w["t"], ordering="can_build")
    assert [b["part"] for b in only_t] == [w["no"], w["yes"]]
    # flipping the flag flips the figure
    api.ok("PATCH", f"/api/bom/{w['line_no']}/", {"allow_variants": True})
    assert api.list(f"{PART}{w['no']}/requirements/")["can_build"] == 9
    api.ok("PATCH", f"/api/bom/{w['line_no']}/", {"allow_variants": False})
    # a variant's stock that goes leaves the template's figure
    for s in api.list("/api/stock/", part=w["v1a"]):
        api.ok("DELETE", f"/api/stock/{s['pk']}/")
    check_figures(api, w)
    assert api.list(f"{PART}{w['yes']}/requirements/")["can_build"] == 8


def test_allocation_of_variant_stock(api, w):
    s = stock_up(api, w)
    b_yes = api.build(w["yes"], "BO-0001", 3)["pk"]
    b_no = api.build(w["no"], "BO-0002", 3)["pk"]
    l_yes = api.lines(b_yes)[w["t"]]
    l_no = api.lines(b_no)[w["t"]]
    assert l_yes["allow_variants"] is True and l_no["allow_variants"] is False
    assert (l_yes["available_stock"], l_yes["available_variant_stock"]) == (
        5, 14)
    assert l_no["available_variant_stock"] == 14
    # the `available` filter counts variants only where allowed: 6 needed
    assert [ln["pk"] for ln in api.list(LINE, build=b_yes, available=True,
                                        part=w["t"])] == [l_yes["pk"]]
    assert api.list(LINE, build=b_no, available=True, part=w["t"]) == []

    def alloc(build, line, item, q):
        return api.call("POST", BUILD + f"{build}/allocate/", {"items": [
            {"build_line": line, "stock_item": item, "quantity": q}]})

    for item in (s["v1"], s["v1a"], s["v2"]):
        r = alloc(b_no, l_no["pk"], item, 1)
        assert r.status == 400, r.json()
        assert r.json() == {"items": [{"stock_item": [
            "Selected stock item is of a variant part, and the BOM line "
            "does not allow variants"]}]}
        r = api.call("POST", ITEM, {"build_line": l_no["pk"],
                                    "stock_item": item, "quantity": 1})
        assert r.status == 400 and "stock_item" in r.json(), r.json()
    # an unrelated part is still refused as before
    r = alloc(b_yes, l_yes["pk"], s["p"], 1)
    assert r.json() == {"items": [{"stock_item": [
        "Selected stock item does not match BOM line"]}]}
    # allowed: the template's own, a variant, a variant's variant
    assert alloc(b_yes, l_yes["pk"], s["v1a"], 2).status == 201
    assert alloc(b_yes, l_yes["pk"], s["v2"], 3).status == 201
    assert alloc(b_no, l_no["pk"], s["t"], 4).status == 201
    assert api.lines(b_yes)[w["t"]]["allocated"] == 5
    # allocations reduce the figures (the template's and the variants')
    items = check_figures(api, w)
    assert available(items, [w["v2"]]) == 1
    l_yes = api.lines(b_yes)[w["t"]]
    assert (l_yes["available_stock"], l_yes["available_variant_stock"]) == (
        1, 9)
    # limits hold across builds for a variant's item too
    r = alloc(b_yes, l_yes["pk"], s["v2"], 2)
    assert r.json() == {"items": [{"quantity": [
        "Available quantity (1.0) exceeded"]}]}


def test_auto_allocate_variants_only_when_allowed(api, w):
    s = stock_up(api, w)
    # not interchangeable: more than one candidate item -> nothing
    b3 = api.build(w["yes"], "BO-0003", 1)["pk"]
    api.act(b3, "auto-allocate")
    assert [i for i in api.list(ITEM, build=b3) if i["part"] != w["p"]] == []
    b_yes = api.build(w["yes"], "BO-0001", 6)["pk"]  # 12 of T
    b_no = api.build(w["no"], "BO-0002", 6)["pk"]
    # not allowed: the template's stock only (one candidate)
    api.act(b_no, "auto-allocate")
    got = {i["stock_item"]: i["quantity"] for i in api.list(
        ITEM, build=b_no) if i["part"] != w["p"]}
    assert got == {s["t"]: 5}
    # allowed: the template's own first (all taken), then the variants'
    # oldest first
    api.act(b_yes, "auto-allocate", {"interchangeable": True})
    got = {i["stock_item"]: i["quantity"] for i in api.list(
        ITEM, build=b_yes) if i["part"] != w["p"]}
    assert got == {s["v1"]: 7, s["v1a"]: 3, s["v2"]: 2}
    assert api.lines(b_yes)[w["t"]]["allocated"] == 12
    check_figures(api, w)


def test_auto_allocate_prefers_the_component(api, w):
    v2 = api.stock(w["v2"], 10, w["store"])["pk"]     # older
    t = api.stock(w["t"], 3, w["store"])["pk"]
    api.stock(w["p"], 10, w["store"])
    b = api.build(w["yes"], "BO-0001", 2)["pk"]       # 4 of T
    api.act(b, "auto-allocate", {"interchangeable": True})
    got = {i["stock_item"]: i["quantity"] for i in api.list(
        ITEM, build=b) if i["part"] != w["p"]}
    assert got == {t: 3, v2: 1}


def test_complete_consumes_variant_stock(site, api, w):
    s = stock_up(api, w)
    b = api.build(w["yes"], "BO-0001", 4, destination=w["bench"])["pk"]
    api.act(b, "issue")
    lines = api.lines(b)
    api.act(b, "allocate", {"items": [
        {"build_line": lines[w["t"]]["pk"], "stock_item": s["t"],
         "quantity": 5},
        {"build_line": lines[w["t"]]["pk"], "stock_item": s["v1a"],
         "quantity": 3},
        {"build_line": lines[w["p"]]["pk"], "stock_item": s["p"],
         "quantity": 4}]})
    out = api.act(b, "create-output", {"quantity": 4})[0]["pk"]
    api.act(b, "complete", {"outputs": [{"output": out}]})
    api.act(b, "finish")
    assert api.list(BUILD + f"{b}/")["status"] == 40
    figures = {x: api.list(f"{PART}{w[x]}/") for x in ("t", "v1", "v1a",
                                                         "v2", "yes")}
    assert figures["yes"]["in_stock"] == 4
    assert figures["v1a"]["in_stock"] == 0
    assert figures["v1"]["in_stock"] == 7
    assert figures["v1"]["variant_stock"] == 0
    assert figures["t"]["in_stock"] == 0
    assert figures["t"]["variant_stock"] == 11      # V1 7 + V2 4
    assert figures["t"]["total_in_stock"] == 11
    assert figures["t"]["allocated_to_build_orders"] == 0
    gone = api.list("/api/stock/", consumed_by=b)
    assert sorted((c["part"], float(c["quantity"])) for c in gone) == sorted(
        [(w["t"], 5.0), (w["v1a"], 3.0), (w["p"], 4.0)])
    check_figures(api, w)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_against_brute_force(api, w, seed):
    """Random stock and allocations over the tree: every figure is the
    sum over the items."""
    rng = random.Random(seed)
    parts = [w["t"], w["v1"], w["v1a"], w["v2"]]
    items = [api.stock(rng.choice(parts), rng.randint(1, 9),
                       w["store"])["pk"] for _ in range(8)]
    api.stock(w["p"], rng.randint(0, 6) or 1, w["store"])
    b_yes = api.build(w["yes"], "BO-0001", 20)["pk"]
    b_no = api.build(w["no"], "BO-0002", 20)["pk"]
    for _ in range(6):
        item = rng.choice(items)
        s = api.list(f"/api/stock/{item}/")
        free = float(s["quantity"]) - float(s["allocated"])
        build = rng.choice((b_yes, b_no))
        line = api.lines(build)[w["t"]]["pk"]
        if free >= 1:
            r = api.call("POST", BUILD + f"{build}/allocate/", {"items": [
                {"build_line": line, "stock_item": item,
                 "quantity": rng.randint(1, int(free))}]})
            ok = build == b_yes or s["part"] == w["t"]
            assert r.status == (201 if ok else 400), r.json()
        check_figures(api, w)
    # and the allowed line's figures follow a move of a variant
    api.ok("PATCH", f"{PART}{w['v2']}/", {"is_template": True})
    api.ok("PATCH", f"{PART}{w['v1a']}/", {"variant_of": w["v2"]})
    check_figures(api, w)
    api.ok("PATCH", f"{PART}{w['v2']}/", {"variant_of": None})
    check_figures(api, w)


def test_substitutes_variants_and_trackable_variants(api, w):
    """InvenTree's valid parts for a line: a substitute's variants too
    when the line allows variants, and only variants as trackable as the
    component."""
    alt = api.part("Resistor (alt)", is_template=True)["pk"]
    alt_v = api.part("Resistor (alt) 0805", variant_of=alt)["pk"]
    tracked = api.part("Resistor tracked", variant_of=w["t"],
                       trackable=True)["pk"]
    for line in (w["line_yes"], w["line_no"]):
        api.ok("POST", "/api/bom/substitute/", {"bom_item": line,
                                                "part": alt})
    s_alt_v = api.stock(alt_v, 6, w["store"])["pk"]
    api.stock(tracked, 1, w["store"], serial_numbers="7")
    s_tracked = api.list("/api/stock/", part=tracked)[0]["pk"]
    b_yes = api.build(w["yes"], "BO-0001", 1)["pk"]
    b_no = api.build(w["no"], "BO-0002", 1)["pk"]

    def alloc(build, item):
        line = api.lines(build)[w["t"]]["pk"]
        return api.call("POST", BUILD + f"{build}/allocate/", {"items": [
            {"build_line": line, "stock_item": item, "quantity": 1}]})

    r = alloc(b_no, s_alt_v)
    assert r.status == 400 and r.json() == {"items": [{"stock_item": [
        "Selected stock item is of a variant part, and the BOM line does "
        "not allow variants"]}]}
    assert alloc(b_yes, s_alt_v).status == 201
    r = alloc(b_yes, s_tracked)
    assert r.status == 400 and r.json() == {"items": [{"stock_item": [
        "Selected stock item does not match BOM line"]}]}
    # a substitute's variants count in no figure (InvenTree's)
    check_figures(api, w)
