"""The inventory tool (make demo, the benchmark generator) and what large
lists cost: an unpaginated list streams in bounded memory."""
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILD, SANITIZED, check_sanitizer, parse_cgi
from inventory_api import Api

pytestmark = pytest.mark.sqlite_only("tools/inventory writes the benchmark data into a SQLite file")


def inventory(site, *args, check=True):
    proc = subprocess.run([str(BUILD / "bin" / "inventory"), *args],
                          env=site.base_env, capture_output=True, timeout=300)
    check_sanitizer(proc, "inventory " + " ".join(args))
    if check:
        assert proc.returncode == 0, proc.stderr.decode()
    return proc


def test_demo_loads_a_living_inventory(site, admin):
    out = inventory(site, "demo").stdout.decode()
    assert "demo inventory loaded" in out
    api = Api(site, admin)
    parts = api.list("/api/part/")
    assert len(parts) > 300
    cats = {c["pathstring"] for c in api.list("/api/part/category/")}
    assert "Electronics/Passives/Resistors" in cats
    assert "Mechanical/Fasteners/Screws" in cats
    locs = {loc["pathstring"] for loc in api.list("/api/stock/location/")}
    assert "Workshop/Shelf A/Bin A1" in locs
    assert api.list("/api/part/", low_stock=True)          # some run low
    types = {t["tracking_type"] for t in api.list("/api/stock/track/")}
    assert {1, 10, 11, 12}.issubset(types)
    assert api.list("/api/part/", search="M3x10")
    # Only units a part takes (docs/parameters.md, "A part's units"):
    # each one the demo wrote, written again through the API.
    units = {p["units"] for p in parts}
    assert "pcs" in units
    for u in units:
        r = api.call("POST", "/api/part/", {"name": f"Units {u!r}",
                                            "units": u})
        assert r.status == 201, (u, r)
    # A template part with three variants, their stock in its total.
    tpl = [p for p in api.list("/api/part/", is_template=True)
           if p["IPN"] == "ENC-101"][0]
    assert len(api.list("/api/part/", variant_of=tpl["pk"])) == 3
    assert tpl["in_stock"] == 0 and tpl["variant_stock"] == 24
    assert tpl["total_in_stock"] == 24
    # Every part's stock agrees with its items.
    db = site.db()
    assert db.execute(
        "SELECT count(*) FROM part p WHERE in_stock <> (SELECT ifnull(sum("
        "quantity), 0) FROM stock_item WHERE part = p.id AND status IN "
        "(10, 50, 55, 85) AND consumed_by IS NULL)").fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # Where the parts come from: distributors with contacts and a primary
    # address, makers, supplier parts with price breaks.
    co = site.cgi("company", path="/api/company/", headers=admin).json()
    assert {c["name"] for c in co if c["is_supplier"]} >= {
        "Mouser Electronics", "DigiKey", "Farnell", "LCSC"}
    assert {c["name"] for c in co if c["is_manufacturer"]} == {
        "Yageo", "Murata", "Texas Instruments"}
    assert all(c["primary_address"] for c in co if c["is_supplier"])
    sp = site.cgi("company", path="/api/company/part/",
                  query="limit=1", headers=admin).json()
    assert sp["count"] > 100 and sp["results"][0]["SKU"]
    pb = site.cgi("company", path="/api/company/price-break/",
                  query=f"part={sp['results'][0]['pk']}",
                  headers=admin).json()
    assert [b["quantity"] for b in pb] == [1, 10, 100]
    # Purchase orders in every state; what was received is in stock,
    # linked to its order.
    po = site.cgi("order", path="/api/order/po/", headers=admin).json()
    assert {o["status"] for o in po} == {10, 20, 25, 30, 40, 50, 60}
    assert all(o["line_items"] > 0 for o in po)
    done = [o for o in po if o["status"] == 30][0]
    assert done["completed_lines"] == done["line_items"]
    placed = [o for o in po if o["status"] == 20][0]
    got = site.cgi("stock", path="/api/stock/",
                   query=f"purchase_order={placed['pk']}",
                   headers=admin).json()
    assert len(got) == 1 and got[0]["purchase_order"] == placed["pk"]
    # Build orders in all five states; the one in production holds stock
    # for its lines, never more than an item has.
    bo = site.cgi("build", path="/api/build/", headers=admin).json()
    assert sorted(b["status"] for b in bo) == [10, 20, 25, 30, 40]
    # The finished one went through the actions: two boards made at the
    # bench, every line but the consumable paste consumed in full, with
    # the consumed stock's history; nothing left allocated to it.
    fin = [b for b in bo if b["status"] == 40][0]
    assert fin["completed"] == fin["quantity"] == 2
    assert fin["completion_date"]
    made = site.cgi("stock", path="/api/stock/", query=f"build={fin['pk']}",
                    headers=admin).json()
    assert [(float(m["quantity"]), m["in_stock"]) for m in made] == [
        (2, True)]
    board = site.cgi("part", path=f"/api/part/{fin['part']}/",
                     headers=admin).json()
    assert float(board["in_stock"]) == 4     # two built, two from before
    lines = site.cgi("build", path="/api/build/line/",
                     query=f"build={fin['pk']}", headers=admin).json()
    assert len(lines) == 11
    for ln in lines:
        assert ln["allocations"] == []
        assert ln["consumed"] == (0 if ln["consumable"] else ln["quantity"])
    # What it consumed: ten items of their own (split off the stock they
    # came from), consumed_by the build, out of stock, with their history.
    used = site.cgi("stock", path="/api/stock/",
                    query=f"consumed_by={fin['pk']}", headers=admin).json()
    assert len(used) == 10
    assert all(not u["in_stock"] and u["location"] is None for u in used)
    assert sorted(float(u["quantity"]) for u in used) == sorted(
        float(ln["consumed"]) for ln in lines if not ln["consumable"])
    for u in used:
        track = site.cgi("stock", path="/api/stock/track/",
                         query=f"item={u['pk']}", headers=admin).json()
        assert track[0]["notes"] == \
            f"Consumed by build order {fin['reference']}"
    prod = [b for b in bo if b["status"] == 20][0]
    lines = site.cgi("build", path="/api/build/line/",
                     query=f"build={prod['pk']}", headers=admin).json()
    assert lines and sum(float(ln["allocated"]) > 0 for ln in lines) > 3
    assert db.execute(
        "SELECT count(*) FROM stock_item s WHERE quantity < (SELECT "
        "sum(quantity) FROM build_item WHERE stock_item = s.id)"
        ).fetchone()[0] == 0
    again = inventory(site, "demo", check=False)
    assert again.returncode == 1 and b"already has parts" in again.stderr


def test_generator_orders(site, admin):
    inventory(site, "generate", "-p", "500", "-c", "5", "-l", "5",
              "-i", "500", "-t", "500")
    inventory(site, "companies", "-n", "10", "-s", "900")
    out = inventory(site, "orders", "-n", "200", "-l", "10")
    assert b"200 purchase orders" in out.stdout
    po = site.cgi("order", path="/api/order/po/", query="limit=1",
                  headers=admin).json()
    assert po["count"] == 200
    db = site.db()
    assert db.execute("SELECT count(*) FROM purchase_order_line").fetchone(
        )[0] > 1000
    assert db.execute("SELECT count(*) FROM purchase_order_line l JOIN "
                      "purchase_order o ON o.id = l.order_id JOIN "
                      "supplier_part sp ON sp.id = l.part WHERE "
                      "sp.supplier <> o.supplier").fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    again = inventory(site, "orders", check=False)
    assert again.returncode == 1


def test_generator_companies(site, admin):
    inventory(site, "generate", "-p", "500", "-c", "5", "-l", "5",
              "-i", "500", "-t", "500")
    out = inventory(site, "companies", "-n", "40", "-s", "900")
    assert b"40 companies, 300 manufacturer parts, 900 supplier parts" \
        in out.stdout
    db = sqlite3.connect(site.data / "stockroom.sqlite3")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM supplier_part s JOIN "
                      "manufacturer_part m ON m.id = s.manufacturer_part "
                      "WHERE m.part <> s.part").fetchone()[0] == 0
    r = site.cgi("company", path="/api/company/part/",
                 query="limit=5&offset=100", headers=admin)
    assert r.status == 200 and r.json()["count"] == 900
    again = inventory(site, "companies", check=False)
    assert again.returncode == 1 and b"no companies yet" in again.stderr


def test_generator_and_streamed_list_memory(site, admin):
    n = 3000 if SANITIZED else 20000
    inventory(site, "generate", "-p", str(n), "-c", "50", "-l", "20",
              "-i", str(n), "-t", str(2 * n))
    db = site.db()
    counts = db.execute("SELECT (SELECT count(*) FROM part), (SELECT "
                        "count(*) FROM stock_item), (SELECT count(*) FROM "
                        "stock_tracking), (SELECT count(*) FROM "
                        "part_category)").fetchone()
    assert counts == (n, n, 2 * n, 50)
    assert db.execute(
        "SELECT count(*) FROM part p WHERE in_stock <> (SELECT ifnull(sum("
        "quantity), 0) FROM stock_item WHERE part = p.id AND status IN "
        "(10, 50, 55, 85) AND consumed_by IS NULL)").fetchone()[0] == 0
    assert db.execute(
        "SELECT count(*) FROM part p WHERE stock_count <> (SELECT count(*) "
        "FROM stock_item WHERE part = p.id)").fetchone()[0] == 0
    db.close()
    # Loaded without triggers, then counted once: the maintained counts
    # and the trees' closure tables are what the triggers would keep.
    proc = site.tool("check")
    assert b"counts " in proc.stdout and proc.stdout.endswith(b": ok\n")
    # One unpaginated GET /api/part/ as a CGI process.  Its peak RSS comes
    # from /usr/bin/time: a child forked straight from pytest would report
    # the Python process's size (Linux keeps the high-water mark across
    # fork and exec).
    env = dict(site.base_env, GATEWAY_INTERFACE="CGI/1.1",
               REQUEST_METHOD="GET", PATH_INFO="/api/part/",
               HTTP_HOST="localhost",
               HTTP_AUTHORIZATION=admin["Authorization"])
    timer = ["/usr/bin/time", "-f", "maxrss=%M"] \
        if os.access("/usr/bin/time", os.X_OK) else []
    p = subprocess.run(timer + [str(site.program("part"))], env=env,
                       capture_output=True, stdin=subprocess.DEVNULL,
                       timeout=120)
    check_sanitizer(p, "part GET /api/part/")
    assert p.returncode == 0, p.stderr.decode()
    r = parse_cgi(p.stdout)
    rows = r.json()
    assert r.status == 200 and len(rows) == n
    assert "in_stock" in rows[0] and r.header("Content-Length") is None
    if timer and not SANITIZED:
        kib = int(p.stderr.decode().rsplit("maxrss=", 1)[1].split()[0])
        assert kib < 16 * 1024, kib
    api = Api(site, admin)
    page = api.list("/api/part/", limit=10, offset=n // 2)
    assert page["count"] == n and len(page["results"]) == 10
    assert api.list("/api/part/", search=rows[5]["IPN"])[0]["pk"] == \
        rows[5]["pk"]
    refused = inventory(site, "generate", "-p", "1", check=False)
    assert refused.returncode == 1


def test_generator_parameters(site, admin):
    """inventory parameters: ten templates with units and ten values a
    part, written as people write them; the part list's range filters
    (through the unit parser) find what their numbers say."""
    inventory(site, "generate", "-p", "300", "-c", "5", "-l", "5",
              "-i", "300", "-t", "300")
    out = inventory(site, "parameters")
    assert b"10 parameter templates, 3000 parameters" in out.stdout
    db = site.db()
    tpl = dict(db.execute("SELECT name, id FROM parameter_template"))
    r = tpl["Resistance"]
    want = sorted(p for (p,) in db.execute(
        "SELECT part FROM part_parameter WHERE template = ? AND "
        "data_numeric BETWEEN 1000 AND 10000", (r,)))
    assert 0 < len(want) < 300
    got = site.cgi("part", path="/api/part/", headers=admin, query=(
        f"parameter_{r}_gte=1k&parameter_{r}_lte=0.01M")).json()
    assert sorted(p["pk"] for p in got) == want
    # the text of each value reads as its number
    c = tpl["Capacitance"]
    pk, data, num = db.execute(
        "SELECT part, data, data_numeric FROM part_parameter WHERE "
        "template = ? AND data LIKE '%n' LIMIT 1", (c,)).fetchone()
    got = site.cgi("part", path="/api/part/", headers=admin, query=(
        f"parameter_{c}={data}F&pk={pk}")).json()
    assert [p["pk"] for p in got] == [pk], (data, num)
    again = inventory(site, "parameters", check=False)
    assert again.returncode == 1
