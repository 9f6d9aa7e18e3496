"""The BOM's and the build lines' stock figures, their filters and
auto-allocate against a brute force over the rows, on random data.

The lists read each line's component (and a build line's BOM item) by a
join, the filters once for both the component's figure and its
variants', and auto-allocate takes most lines' candidates part by part
and sorted in C (docs/bom.md): here random parts (templates with variants
at two depths, one variant tracked), substitutes, BOM lines (variants
allowed or not, optional, consumable, setup quantity, attrition), stock
items in and out of stock in a small tree of locations, and build orders
auto-allocated one after the other with random options.  Before each
auto-allocate the allocations it should make are worked out in Python
from the rows, as InvenTree orders the candidates (the component's items,
its variants', then the substitutes' and theirs, oldest first in each);
after it, every line's figures -- available, substitute and variant
stock, allocated, can build -- and the lists' ?available= filters and
can_build ordering must be the brute force's.
"""
import random

import pytest

from test_build_allocation import AllocApi

BUILD = "/api/build/"
LINE = "/api/build/line/"
ITEM = "/api/build/item/"
SCALE = 100000
IN_STOCK = (10, 50, 55, 85)

pytestmark = pytest.mark.usefixtures("figures_kept")


@pytest.fixture
def api(site, admin):
    return AllocApi(site, admin)


def units(x):
    """An API decimal in the database's units (10^-5)."""
    return round(float(x) * SCALE)


class Rows:
    """The rows the figures come from, read straight from the database."""

    def __init__(self, site):
        db = site.db()
        q = lambda sql: [tuple(r) for r in db.execute(sql).fetchall()]
        self.items = q("SELECT id, part, quantity, status, consumed_by, "
                       "serial, location FROM stock_item ORDER BY id")
        self.allocs = q("SELECT stock_item, part, quantity, build_line "
                        "FROM build_item")
        self.parts = {p: (v, t) for p, v, t in q(
            "SELECT id, variant_of, trackable FROM part")}
        self.bom = {r[0]: r[1:] for r in q(
            "SELECT id, part, sub_part, quantity, setup_quantity, attrition, "
            "allow_variants, optional, consumable FROM bom_item")}
        self.subs = {}
        for b, p in q("SELECT bom_item, part FROM bom_item_substitute "
                      "ORDER BY id"):
            self.subs.setdefault(b, []).append(p)
        self.lines = q("SELECT id, build, bom_item, quantity, consumed "
                       "FROM build_line ORDER BY id")
        self.parent = dict(q("SELECT id, parent FROM stock_location"))
        db.close()

    def in_stock(self, p):
        return sum(q for _, part, q, st, used, _, _ in self.items
                   if part == p and st in IN_STOCK and used is None)

    def allocated(self, p):
        return sum(q for _, part, q, _ in self.allocs if part == p)

    def available(self, p):
        return max(self.in_stock(p) - self.allocated(p), 0)

    def below(self, p):
        """Every variant under p, at any depth."""
        out, todo = [], [p]
        while todo:
            x = todo.pop()
            for c, (v, _) in self.parts.items():
                if v == x:
                    out.append(c)
                    todo.append(c)
        return out

    def variant_available(self, p):
        d = self.below(p)
        return max(sum(map(self.in_stock, d)) - sum(map(self.allocated, d)),
                   0)

    def sub_available(self, bom):
        return sum(self.available(s) for s in self.subs.get(bom, []))

    def usable(self, bom):
        _, comp, _, _, _, allow, _, _ = self.bom[bom]
        return (self.available(comp) + self.sub_available(bom) +
                (self.variant_available(comp) if allow else 0))

    def can_build(self, bom):
        _, _, q, setup, attrition, _, _, _ = self.bom[bom]
        a = max(self.usable(bom) - setup, 0)
        return a * 10 ** 7 // (q * (10 ** 7 + attrition))

    def line_allocated(self, line):
        return sum(q for _, _, q, ln in self.allocs if ln == line)

    def in_tree(self, loc, top):
        while loc is not None:
            if loc == top:
                return True
            loc = self.parent.get(loc)
        return False

    def held(self, item):
        return sum(q for i, _, q, _ in self.allocs if i == item)

    def auto_allocate(self, build, opts):
        """{(line, item): quantity} auto-allocate should add, as the
        original single query ordered the candidates."""
        loc = opts.get("location") or 0
        excl = opts.get("exclude_location") or 0
        subs_ok = opts.get("substitutes", True)
        inter = opts.get("interchangeable", False)
        optional = opts.get("optional_items", False)
        got = {}
        held = {}       # what this request allocates, line after line
        for line, b, bom, need, consumed in self.lines:
            if b != build:
                continue
            _, comp, _, _, _, allow, opt, cons = self.bom[bom]
            if self.parts[comp][1] or cons or (opt and not optional):
                continue
            left = need - consumed - self.line_allocated(line)
            if left <= 0:
                continue
            subs = self.subs.get(bom, []) if subs_ok else []
            untracked = lambda ps: {x for p in ps for x in self.below(p)
                                    if not self.parts[x][1]}
            wanted = {comp, *subs}
            if allow:
                wanted |= untracked([comp, *subs])
            comp_vars = untracked([comp])

            def group(part):
                return 1 if part == comp else 2 if part in comp_vars else 3

            cands = sorted(
                (it for it in self.items
                 if it[1] in wanted and it[3] in IN_STOCK and it[4] is None
                 and it[2] > 0 and it[5] == ""
                 and (loc == 0 or self.in_tree(it[6], loc))
                 and (excl == 0 or it[6] is None
                      or not self.in_tree(it[6], excl))),
                key=lambda it: (group(it[1]), it[0]))
            free = [(it, it[2] - self.held(it[0]) - held.get(it[0], 0))
                    for it in cands]
            free = [(it, a) for it, a in free if a > 0]
            if not free or (len(free) > 1 and not inter):
                continue
            for it, a in free:
                if left <= 0:
                    break
                take = min(a, left)
                got[(line, it[0])] = got.get((line, it[0]), 0) + take
                held[it[0]] = held.get(it[0], 0) + take
                left -= take
        return got


def world(api, rng):
    """Random parts, BOMs, substitutes and stock; the assemblies."""
    store = api.location("Store")["pk"]
    shelf = api.location("Shelf", parent=store)["pk"]
    bench = api.location("Bench")["pk"]
    locs = [store, shelf, bench, None]
    t1 = api.part("T1", is_template=True)["pk"]
    v1 = api.part("V1", is_template=True, variant_of=t1)["pk"]
    v1a = api.part("V1a", variant_of=v1)["pk"]
    v2 = api.part("V2", variant_of=t1)["pk"]
    v3 = api.part("V3 tracked", variant_of=t1, trackable=True)["pk"]
    t2 = api.part("T2", is_template=True)["pk"]
    w1 = api.part("W1", variant_of=t2)["pk"]
    plain = [api.part(f"P{i}")["pk"] for i in range(5)]
    comps = [t1, v1, t2, *plain]
    every = [t1, v1, v1a, v2, v3, t2, w1, *plain]
    asms = [api.part(f"Board {i}", assembly=True)["pk"] for i in range(2)]
    for a in asms:
        for comp in rng.sample(comps, 5):
            line = api.bom(a, comp, rng.choice([1, 2, 3, "0.5", "1.5"]),
                           setup_quantity=rng.choice([0, 0, 1, 2]),
                           attrition=rng.choice([0, 0, 5, "12.5"]),
                           allow_variants=rng.random() < 0.5,
                           optional=rng.random() < 0.15,
                           consumable=rng.random() < 0.1)["pk"]
            others = [p for p in every if p != comp and p != v3]
            for s in rng.sample(others, rng.choice([0, 0, 1, 2])):
                api.ok("POST", "/api/bom/substitute/",
                       {"bom_item": line, "part": s})
    for _ in range(40):
        p = rng.choice(every)
        body = {"status": rng.choice([10, 10, 10, 50, 65, 70])}
        if p == v3:
            body["serial_numbers"] = str(rng.randrange(1000, 10 ** 6))
            q = 1
        else:
            q = rng.choice([1, 2, 3, 5, 8, "2.5", 13, 20])
        api.stock(p, q, rng.choice(locs), **body)
    return dict(asms=asms, locs=[store, shelf, bench])


def check_lists(api, site):
    """Every BOM and build line's figures against the brute force."""
    rows = Rows(site)
    boms = api.list("/api/bom/")
    assert sorted(b["pk"] for b in boms) == sorted(rows.bom)
    for b in boms:
        pk, comp = b["pk"], rows.bom[b["pk"]][1]
        assert (units(b["available_stock"]),
                units(b["available_substitute_stock"]),
                units(b["available_variant_stock"]),
                units(b["can_build"])) == (
            rows.available(comp), rows.sub_available(pk),
            rows.variant_available(comp), rows.can_build(pk) * SCALE), b
    for part in {v[0] for v in rows.bom.values()}:
        mine = [pk for pk, v in rows.bom.items() if v[0] == part]
        for flag in (True, False):
            got = [b["pk"] for b in api.list("/api/bom/", part=part,
                                             available_stock=flag)]
            assert sorted(got) == sorted(
                pk for pk in mine if (rows.usable(pk) > 0) == flag)
        for sign in ("", "-"):
            got = [b["pk"] for b in api.list("/api/bom/", part=part,
                                             ordering=sign + "can_build")]
            key = lambda pk: (rows.usable(pk) // rows.bom[pk][2], pk)
            assert got == sorted(mine, key=key, reverse=sign == "-")
    lines = api.list(LINE)
    assert [ln["pk"] for ln in lines] == [ln[0] for ln in rows.lines]
    for ln, (_, build, bom, need, consumed) in zip(lines, rows.lines):
        comp = rows.bom[bom][1]
        assert (units(ln["available_stock"]),
                units(ln["available_substitute_stock"]),
                units(ln["available_variant_stock"]),
                units(ln["allocated"]), ln["part"]) == (
            rows.available(comp), rows.sub_available(bom),
            rows.variant_available(comp), rows.line_allocated(ln["pk"]),
            comp), ln
        assert sorted(a["pk"] for a in ln["allocations"]) == sorted(
            a["pk"] for a in api.list(ITEM, build_line=ln["pk"]))
        assert ln["bom_item_detail"]["available_stock"] == \
            ln["available_stock"]
    for build in {ln[1] for ln in rows.lines}:
        for flag in (True, False):
            got = [ln["pk"] for ln in api.list(LINE, build=build,
                                               available=flag)]
            assert got == [
                ln for ln, b, bom, need, used in rows.lines if b == build and
                (rows.usable(bom) >= need - used -
                 rows.line_allocated(ln)) == flag]


@pytest.mark.parametrize("seed", range(1, 5))
def test_figures_and_auto_allocate_against_brute_force(site, api, seed):
    rng = random.Random(seed)
    w = world(api, rng)
    check_lists(api, site)
    for n in range(4):
        b = api.build(rng.choice(w["asms"]), f"BO-{n + 1:04d}",
                      rng.choice([1, 2, 3, 5]))["pk"]
        opts = {}
        if rng.random() < 0.7:
            opts["interchangeable"] = True
        if rng.random() < 0.3:
            opts["substitutes"] = False
        if rng.random() < 0.3:
            opts["optional_items"] = True
        if rng.random() < 0.3:
            opts["location"] = rng.choice(w["locs"])
        elif rng.random() < 0.3:
            opts["exclude_location"] = rng.choice(w["locs"])
        rows = Rows(site)
        want = rows.auto_allocate(b, opts)
        api.act(b, "auto-allocate", opts)
        got = {}
        for i in api.list(ITEM, build=b):
            k = (i["build_line"], i["stock_item"])
            got[k] = got.get(k, 0) + units(i["quantity"])
        assert got == want, (seed, n, opts)
        check_lists(api, site)
