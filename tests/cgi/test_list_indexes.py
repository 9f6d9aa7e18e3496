"""The partial indexes of migration 0007 are what the planner uses for the
stock list's in_stock=true and the part list's low_stock=true (their
conditions must match the filters' SQL word for word), and the filters
still give the right rows at the edges (quantity 0, every status)."""
import pathlib
import re
import sqlite3

import pytest

pytestmark = pytest.mark.sqlite_only("SQLite's query plans")

ROOT = pathlib.Path(__file__).resolve().parents[2]


def stock_in_stock_sql():
    src = (ROOT / "domain" / "inventory" / "stock.c").read_text()
    return re.search(r'#define STOCK_IN_STOCK "([^"]*)"', src).group(1)


def plan(site, sql):
    db = site.db()
    rows = db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    db.close()
    return " ".join(r[-1] for r in rows)


def test_in_stock_uses_partial_index(site):
    cond = stock_in_stock_sql()
    assert "+s.status" in cond
    p = plan(site, "SELECT count(*) FROM stock_item s WHERE TRUE AND" + cond)
    assert "stock_item_in_stock" in p, p
    p = plan(site, "SELECT s.id FROM stock_item s WHERE TRUE AND" + cond
             + " ORDER BY s.id LIMIT 1 OFFSET 10")
    assert "stock_item_in_stock" in p and "TEMP B-TREE" not in p, p


def test_low_stock_uses_partial_index(site):
    src = (ROOT / "domain" / "inventory" / "part.c").read_text()
    assert ('" AND p.minimum_stock > 0 AND "\n\t  "p.in_stock < '
            'p.minimum_stock"') in src
    p = plan(site, "SELECT p.id FROM part p WHERE TRUE AND p.minimum_stock > 0"
             " AND p.in_stock < p.minimum_stock ORDER BY p.name, p.id")
    assert "part_low_stock" in p and "TEMP B-TREE" not in p, p


def test_filters_still_right(api):
    a = api.location("Bin")["pk"]
    p = api.part("Fuse", minimum_stock=20)["pk"]
    q = api.part("Relay", minimum_stock=1)["pk"]
    api.part("Lamp")                                   # minimum 0: never low
    items = {s: api.stock(p, 3, a, status=s)["pk"]
             for s in (10, 50, 55, 60, 65, 70, 75, 85)}
    zero = api.stock(q, 0, a)["pk"]
    rows = api.list("/api/stock/", in_stock=True)
    assert sorted(r["pk"] for r in rows) == sorted(
        items[s] for s in (10, 50, 55, 85))
    page = api.list("/api/stock/", in_stock=True, limit=2, offset=1)
    assert page["count"] == 4 and [r["pk"] for r in page["results"]] == [
        items[50], items[55]]
    out = api.list("/api/stock/", in_stock=False)
    assert zero in [r["pk"] for r in out] and len(out) == 5
    assert [r["pk"] for r in api.list("/api/part/", low_stock=True)] == [
        p, q]
    # moves in and out of both indexes as stock changes
    api.adjust("add", [{"pk": zero, "quantity": 1}])
    api.ok("POST", "/api/stock/change_status/",
           {"items": [items[60]], "status": 10})
    assert api.list("/api/stock/", in_stock=True, limit=1)["count"] == 6
    assert [r["pk"] for r in api.list("/api/part/", low_stock=True)] == [p]
    assert api.list("/api/part/", low_stock=True, limit=1)["count"] == 1


def test_sparse_columns_use_their_indexes(site):
    """A part's template and default location are null on nearly every
    part: once ANALYZE has seen that, a list of one template's variants
    (or of the parts stored at one location) still reads the few rows of
    their index (migration 0036: indexes over the rows with a value)
    rather than walking every part by name."""
    db = site.db()
    db.executemany("INSERT INTO part (name, IPN, description) VALUES "
                   "(?, ?, '')", [(f"Part {i}", f"S{i}")
                                  for i in range(400)])
    db.execute("ANALYZE")
    db.commit()
    for col in ("variant_of", "default_location"):
        p = " ".join(r[-1] for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT p.id FROM part p WHERE TRUE AND "
            f"p.{col} = ? ORDER BY p.name, p.id LIMIT 50", (1,)))
        assert f"part_{col}" in p, p
    db.close()
