"""Maintained counts (migration 0010, domain/inventory/tally.h): the
tallies and closure tables kept by triggers never drift from the rows.

Thousands of random changes go through the API -- parts, locations,
categories and items created, items moved whole and split, removed to
zero, their status changed, subtrees of locations and categories moved
under other nodes, parts moved between categories, items, parts and nodes
deleted with every delete option -- first from one writer, then from eight
at once; after each run `stockroom check` (which counts everything again
from the rows and the trees' paths) must find nothing, and every count the
API answers from a tally must equal a count made with SQL.  The programs
run as FastCGI applications, so that thousands of requests stay quick.
"""
import copy
import itertools
import json
import random
import sqlite3
import threading
import urllib.parse

import pytest

from conftest import SANITIZED, VALGRIND, assert_check_clean, undo_migrations
from test_fastcgi import FastCGI

IN_STOCK = ("status IN (10, 50, 55, 85) AND quantity > 0 AND "
            "consumed_by IS NULL")
STATUSES = [10, 50, 55, 60, 65, 70, 75, 85]
SCALE = 4 if (SANITIZED or VALGRIND) else 1


class Writer:
    """One client with its own part.cgi and stock.cgi processes."""

    numbers = itertools.count(1)    # next() of it is atomic: threads

    def __init__(self, site, headers):
        # Each writer's sockets and logs in a directory of its own (two
        # threads once took the same number from "count += 1").
        mine = copy.copy(site)
        mine.tmp = site.tmp / f"writer{next(Writer.numbers)}"
        mine.tmp.mkdir()
        self.headers = dict(headers)
        self.procs = {p: FastCGI(mine, p) for p in ("part", "stock")}
        self.written = self.busy = 0

    def stop(self):
        for p in self.procs.values():
            p.stop()

    def call(self, method, path, body=None, **params):
        prog = "stock" if path.startswith("/api/stock") else "part"
        q = urllib.parse.urlencode(
            {k: str(v).lower() if isinstance(v, bool) else v
             for k, v in params.items()})
        r = self.procs[prog].request(method, path, query=q, body=body,
                                     headers=self.headers)
        assert r.status < 500 or r.status == 503, (method, path, body, r)
        if method != "GET" and r.status in (200, 201, 204):
            self.written += 1
        self.busy += r.status == 503
        return r

    def json(self, method, path, body=None, **params):
        r = self.call(method, path, body, **params)
        return json.loads(r.body) if r.status in (200, 201) else None


def ids(db, table):
    return [r[0] for r in db.execute(f"SELECT id FROM {table}")]


def random_change(w, db, rnd):
    """One random write through the API.  Refusals (a cycle, an active
    part, a busy database) are part of the game: nothing must drift."""
    locs, cats = ids(db, "stock_location"), ids(db, "part_category")
    parts, items = ids(db, "part"), ids(db, "stock_item")
    pick = rnd.choice
    op = rnd.choices(
        ["loc", "cat", "part", "item", "transfer", "remove", "status",
         "patch_item", "move_loc", "move_cat", "part_cat", "del_item",
         "del_loc", "del_cat", "del_part", "active"],
        [4, 3, 4, 20, 10, 6, 6, 5, 5, 4, 4, 3, 1, 2, 2, 3])[0]
    maybe = (lambda xs: pick(xs) if xs and rnd.random() < 0.85 else None)
    if op == "loc" or not locs:
        w.call("POST", "/api/stock/location/",
               {"name": f"L{rnd.randrange(10**9)}", "parent": maybe(locs)})
    elif op == "cat" or not cats:
        w.call("POST", "/api/part/category/",
               {"name": f"C{rnd.randrange(10**9)}", "parent": maybe(cats)})
    elif op == "part" or not parts:
        w.call("POST", "/api/part/", {"name": f"P{rnd.randrange(10**9)}",
                                      "category": maybe(cats)})
    elif op == "item" or not items:
        body = {"part": pick(parts), "quantity": rnd.choice([0, 1, 5, 20]),
                "status": pick(STATUSES)}
        if rnd.random() < 0.9:
            body["location"] = pick(locs)
        w.call("POST", "/api/stock/", body)
    elif op == "transfer":
        item = pick(items)
        q = rnd.choice([1, 2, 100])   # 100: the whole item, or refused
        w.call("POST", "/api/stock/transfer/",
               {"items": [{"pk": item, "quantity": q}],
                "location": pick(locs)})
    elif op == "remove":
        w.call("POST", "/api/stock/remove/",
               {"items": [{"pk": pick(items), "quantity": rnd.choice([1, 5, 20])}]})
    elif op == "status":
        w.call("POST", "/api/stock/change_status/",
               {"items": rnd.sample(items, min(len(items), 3)),
                "status": pick(STATUSES)})
    elif op == "patch_item":
        body = rnd.choice([{"location": maybe(locs)},
                           {"status": pick(STATUSES)},
                           {"quantity": rnd.choice([0, 3])},
                           {"location": pick(locs), "status": pick(STATUSES),
                            "quantity": rnd.choice([0, 7])}])
        w.call("PATCH", f"/api/stock/{pick(items)}/", body)
    elif op == "move_loc":
        w.call("PATCH", f"/api/stock/location/{pick(locs)}/",
               {"parent": maybe(locs)})
    elif op == "move_cat":
        w.call("PATCH", f"/api/part/category/{pick(cats)}/",
               {"parent": maybe(cats)})
    elif op == "part_cat":
        w.call("PATCH", f"/api/part/{pick(parts)}/", {"category": maybe(cats)})
    elif op == "active":
        w.call("PATCH", f"/api/part/{pick(parts)}/",
               {"active": rnd.random() < 0.5})
    elif op == "del_item":
        w.call("DELETE", f"/api/stock/{pick(items)}/")
    elif op == "del_loc":
        w.call("DELETE", f"/api/stock/location/{pick(locs)}/",
               {"delete_stock_items": rnd.random() < 0.5,
                "delete_sub_locations": rnd.random() < 0.5})
    elif op == "del_cat":
        w.call("DELETE", f"/api/part/category/{pick(cats)}/",
               {"delete_parts": rnd.random() < 0.3,
                "delete_child_categories": rnd.random() < 0.5})
    elif op == "del_part":
        p = pick(parts)
        w.call("PATCH", f"/api/part/{p}/", {"active": False})
        w.call("DELETE", f"/api/part/{p}/")
    return op


def db_of(site):
    db = site.db()
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def subtree(db, table, node):
    return [r[0] for r in db.execute(
        f"SELECT d.id FROM {table} a, {table} d WHERE a.id = ? AND "
        "d.path >= a.path AND d.path < a.path || '~'", (node,))]


def assert_api_counts(w, db, rnd):
    """Counts the API takes from tallies, against SQL on the rows."""
    def count(path, **params):
        return w.json("GET", path, limit=1, **params)["count"]

    def sql(q, *args):
        return db.execute(q, args).fetchone()[0]

    assert count("/api/stock/") == sql("SELECT count(*) FROM stock_item")
    assert count("/api/part/") == sql("SELECT count(*) FROM part")
    for active in (True, False):
        assert count("/api/part/", active=active) == sql(
            "SELECT count(*) FROM part WHERE active = ?", int(active))
    assert count("/api/stock/track/") == sql(
        "SELECT count(*) FROM stock_tracking")
    assert count("/api/stock/", in_stock=True) == sql(
        f"SELECT count(*) FROM stock_item WHERE {IN_STOCK}")
    assert count("/api/stock/", in_stock=False) == sql(
        f"SELECT count(*) FROM stock_item WHERE NOT ({IN_STOCK})")
    for s in STATUSES:
        assert count("/api/stock/", status=s) == sql(
            "SELECT count(*) FROM stock_item WHERE status = ?", s)
    locs = ids(db, "stock_location")
    for loc in rnd.sample(locs, min(len(locs), 10)):
        below = subtree(db, "stock_location", loc)
        marks = ",".join("?" * len(below))
        want = sql(f"SELECT count(*) FROM stock_item WHERE location IN "
                   f"({marks})", *below)
        assert count("/api/stock/", location=loc) == want
        assert w.json("GET", f"/api/stock/location/{loc}/")["items"] == want
        assert count("/api/stock/", location=loc, in_stock=True) == sql(
            f"SELECT count(*) FROM stock_item WHERE location IN ({marks}) "
            f"AND {IN_STOCK}", *below)
        # Not tallied: counted row by row, and still exact.
        assert count("/api/stock/", location=loc, status=10) == sql(
            f"SELECT count(*) FROM stock_item WHERE location IN ({marks}) "
            "AND status = 10", *below)
        assert count("/api/stock/", location=loc, cascade=False) == sql(
            "SELECT count(*) FROM stock_item WHERE location = ?", loc)
        assert count("/api/stock/location/", parent=loc) == sql(
            "SELECT count(*) FROM stock_location WHERE parent = ?", loc)
    # A page ordered by part name is the same whichever way it is found
    # (a subtree with many items is walked down the part names, filters
    # tested a row: res_plan_dense()), in stock or not, either way round.
    tops = sorted(locs, key=lambda n: -len(subtree(db, "stock_location", n)))
    for loc in tops[:2] + rnd.sample(locs, min(len(locs), 2)):
        below = subtree(db, "stock_location", loc)
        marks = ",".join("?" * len(below))
        for extra, cond in (({}, ""), ({"in_stock": True},
                                       " AND s.id IN (SELECT id FROM "
                                       f"stock_item WHERE {IN_STOCK})")):
            for ordering, way in (("+part__name", ""), ("-part__name",
                                                        " DESC")):
                for offset in (0, 3, 40):
                    page = w.json("GET", "/api/stock/", location=loc,
                                  cascade=True, ordering=ordering, limit=5,
                                  offset=offset, **extra)["results"]
                    assert [r["pk"] for r in page] == [r[0] for r in db.execute(
                        f"SELECT s.id FROM stock_item s JOIN part p ON "
                        f"p.id = s.part WHERE s.location IN ({marks}){cond} "
                        f"ORDER BY p.name{way}, s.id{way} LIMIT 5 OFFSET ?",
                        (*below, offset))], (loc, extra, ordering, offset)
    rows = w.json("GET", "/api/stock/location/")
    for r in rows:
        below = subtree(db, "stock_location", r["pk"])
        assert r["sublocations"] == len(below) - 1
        assert r["items"] == sql(
            "SELECT count(*) FROM stock_item WHERE location IN (%s)" %
            ",".join("?" * len(below)), *below)
    cats = ids(db, "part_category")
    for cat in rnd.sample(cats, min(len(cats), 10)):
        below = subtree(db, "part_category", cat)
        marks = ",".join("?" * len(below))
        parts = sql(f"SELECT count(*) FROM part WHERE category IN ({marks})",
                    *below)
        assert count("/api/part/", category=cat) == parts
        for active in (True, False):
            assert count("/api/part/", category=cat, active=active) == sql(
                f"SELECT count(*) FROM part WHERE category IN ({marks}) "
                "AND active = ?", *below, int(active))
        # The page is the same whichever way it is found (the parts of a
        # large category walked down their names: res_plan_dense()).
        for limit, offset in ((1, 0), (1, 3), (5, 0), (5, 40)):
            page = w.json("GET", "/api/part/", category=cat, limit=limit,
                          offset=offset)["results"]
            assert [r["pk"] for r in page] == [r[0] for r in db.execute(
                f"SELECT id FROM part WHERE category IN ({marks}) "
                f"ORDER BY name, id LIMIT ? OFFSET ?",
                (*below, limit, offset))], (cat, limit, offset)
            # ... and with the app's active=true (a boolean field walked
            # with the category).
            page = w.json("GET", "/api/part/", category=cat, active=True,
                          limit=limit, offset=offset)["results"]
            assert [r["pk"] for r in page] == [r[0] for r in db.execute(
                f"SELECT id FROM part WHERE category IN ({marks}) "
                f"AND active = 1 ORDER BY name, id LIMIT ? OFFSET ?",
                (*below, limit, offset))], (cat, limit, offset)
        d = w.json("GET", f"/api/part/category/{cat}/")
        assert d["part_count"] == parts
        assert d["subcategories"] == len(below) - 1
        assert count("/api/stock/", category=cat) == sql(
            f"SELECT count(*) FROM stock_item s JOIN part p ON p.id = s.part "
            f"WHERE p.category IN ({marks})", *below)
        # The page is the same whichever way it is found (a category
        # with many items is walked in id order: res_plan_dense()).
        for offset in (0, 3, 40):
            page = w.json("GET", "/api/stock/", category=cat, limit=5,
                          offset=offset)["results"]
            assert [r["pk"] for r in page] == [r[0] for r in db.execute(
                f"SELECT s.id FROM stock_item s JOIN part p ON p.id = s.part "
                f"WHERE p.category IN ({marks}) ORDER BY s.id LIMIT 5 "
                f"OFFSET ?", (*below, offset))]
    for part in rnd.sample(ids(db, "part"), min(len(ids(db, "part")), 5)):
        assert count("/api/stock/", part=part) == sql(
            "SELECT count(*) FROM stock_item WHERE part = ?", part)


def test_counts_survive_thousands_of_random_changes(site, admin):
    rnd = random.Random(22)
    w = Writer(site, admin)
    db = db_of(site)
    seen = {}
    try:
        for i in range(2000 // SCALE):
            op = random_change(w, db, rnd)
            seen[op] = seen.get(op, 0) + 1
            if i % 500 == 499:
                assert_check_clean(site)
        assert_check_clean(site)
        assert_api_counts(w, db, rnd)
    finally:
        w.stop()
        db.close()
    # Every kind of change was made, subtrees moved and nodes deleted.
    assert len(seen) == 16, seen
    assert db_of(site).execute(
        "SELECT count(*) FROM stock_item").fetchone()[0] > 30


def test_counts_survive_eight_concurrent_writers(site, admin):
    db = db_of(site)
    seed = Writer(site, admin)
    rnd = random.Random(8)
    try:
        for _ in range(120):
            random_change(seed, db, rnd)
    finally:
        seed.stop()
    errors, written, busy = [], [], []

    def writer(n):
        try:
            w = Writer(site, admin)
        except Exception as e:      # a writer that never started fails too
            errors.append(e)
            return
        mine = db_of(site)
        r = random.Random(1000 + n)
        try:
            for _ in range(200 // SCALE):
                random_change(w, mine, r)
        except Exception as e:      # reported below, with the others
            errors.append(e)
        finally:
            w.stop()
            mine.close()
            written.append(w.written)
            busy.append(w.busy)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # Each of the eight wrote (a 503 is a write that found the database
    # busy for longer than the timeout, and changed nothing).
    assert len(written) == 8 and min(written) > 200 // SCALE // 4, (
        written, busy)
    assert_check_clean(site)
    w = Writer(site, admin)
    try:
        assert_api_counts(w, db, random.Random(3))
    finally:
        w.stop()
        db.close()


def test_check_reports_drift(site, admin):
    w = Writer(site, admin)
    try:
        loc = w.json("POST", "/api/stock/location/", {"name": "A"})["pk"]
        part = w.json("POST", "/api/part/", {"name": "P"})["pk"]
        w.json("POST", "/api/stock/", {"part": part, "quantity": 1,
                                       "location": loc})
    finally:
        w.stop()
    assert_check_clean(site)
    db = db_of(site)
    db.execute("UPDATE tally SET n = n + 1 WHERE name = "
               "'stock_location.items' AND id = ?", (loc,))
    db.execute("DELETE FROM stock_location_tree WHERE ancestor = ?", (loc,))
    db.commit()
    db.close()
    proc = site.tool("check", check=False)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert f"tally stock_location.items {loc}: kept 2, counted 1" in out
    assert f"tree stock_location: missing pair ({loc}, {loc})" in out
    assert b"drifted" in proc.stderr


def test_check_reports_part_figures(site, admin):
    """A part's kept figures (stock, allocated, building, ordering) are
    counted again too."""
    w = Writer(site, admin)
    try:
        part = w.json("POST", "/api/part/", {"name": "P"})["pk"]
    finally:
        w.stop()
    assert_check_clean(site)
    db = db_of(site)
    db.execute("UPDATE part SET ordering = 5, allocated = 7 WHERE id = ?",
               (part,))
    db.commit()
    db.close()
    proc = site.tool("check", check=False)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert f"part {part} allocated: kept 7, counted 0" in out
    assert f"part {part} ordering: kept 5, counted 0" in out


@pytest.mark.parametrize("params", [
    {}, {"in_stock": "true"}, {"status": "10"}, {"location": "1"},
    {"location": "1", "in_stock": "true"}, {"category": "1"}, {"part": "1"},
])
def test_tallied_count_is_the_rows_count(site, admin, params):
    """A tallied count and the exact one agree, and the page is the same
    as without the tally (the count is all that changes hands)."""
    w = Writer(site, admin)
    try:
        cat = w.json("POST", "/api/part/category/", {"name": "C"})["pk"]
        sub = w.json("POST", "/api/part/category/", {"name": "S",
                                                     "parent": cat})["pk"]
        loc = w.json("POST", "/api/stock/location/", {"name": "L"})["pk"]
        low = w.json("POST", "/api/stock/location/", {"name": "M",
                                                      "parent": loc})["pk"]
        p = w.json("POST", "/api/part/", {"name": "P", "category": sub})["pk"]
        for q, s, where in [(1, 10, low), (0, 10, loc), (2, 60, low),
                            (3, 50, None)]:
            body = {"part": p, "quantity": q, "status": s}
            if where:
                body["location"] = where
            w.json("POST", "/api/stock/", body)
        page = w.json("GET", "/api/stock/", limit=2, **params)
        db = db_of(site)
        where = {"in_stock": IN_STOCK, "status": "status = 10",
                 "location": "location IS NOT NULL", "category": "TRUE",
                 "part": "part = 1"}
        conds = [where[k] for k in params] or ["TRUE"]
        want = db.execute("SELECT count(*) FROM stock_item WHERE " +
                          " AND ".join(conds)).fetchone()[0]
        db.close()
        assert page["count"] == want
        assert len(page["results"]) == min(2, want)
    finally:
        w.stop()


@pytest.mark.sqlite_only("takes the schema back by reading SQLite's catalog (sqlite_master)")
def test_migration_counts_an_existing_inventory(site, admin):
    """Migration 0010 on a database that has data already: its closure
    tables and counts come out as the triggers would have kept them."""
    w = Writer(site, admin)
    db = db_of(site)
    try:
        rnd = random.Random(10)
        for _ in range(300):
            random_change(w, db, rnd)
    finally:
        w.stop()
    kept = set(db.execute("SELECT name, id, n FROM tally WHERE n <> 0"))
    pairs = set(db.execute("SELECT 'l', * FROM stock_location_tree UNION "
                           "ALL SELECT 'c', * FROM part_category_tree"))
    # Back to version 9: without the migration's tables and triggers.
    for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
            "(sql LIKE '%tally%' OR sql LIKE '%\\_tree %' ESCAPE '\\')"
            ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for t in ("tally", "stock_location_tree", "part_category_tree"):
        db.execute(f"DROP TABLE {t}")
    # ... and without the later ones (they are applied again with it).
    later = db.execute("SELECT count(*) FROM schema_migrations "
                       "WHERE version >= 10").fetchone()[0]
    undo_migrations(db, 9)
    assert f"{later} migrations applied".encode() in \
        site.tool("migrate").stdout
    assert set(db.execute(
        "SELECT name, id, n FROM tally WHERE n <> 0")) == kept
    assert set(db.execute(
        "SELECT 'l', * FROM stock_location_tree UNION ALL "
        "SELECT 'c', * FROM part_category_tree")) == pairs
    db.close()
    assert_check_clean(site)
