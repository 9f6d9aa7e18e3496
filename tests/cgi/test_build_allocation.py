"""Build orders, the second half (build.cgi, issue 16): lines from the BOM
(/api/build/line/), allocation (allocate/, auto-allocate/, /api/build/item/)
with its limits -- never beyond a stock item's quantity across builds, also
under eight concurrent allocators --, outputs (create-output/, complete/,
scrap-outputs/, delete-outputs/), finish/ with InvenTree's rules, cancel's
options, the exact stock quantities after each, the allocated figures of
stock items and parts, and permissions."""
import threading

import pytest

from conftest import make_user, undo_migrations
from inventory_api import pks
from test_build import BuildApi

BUILD = "/api/build/"
LINE = "/api/build/line/"
ITEM = "/api/build/item/"
OUTPUT = "/api/build/output/"


class AllocApi(BuildApi):
    def bom(self, part, sub_part, quantity=1, **kw):
        return self.ok("POST", "/api/bom/", dict(part=part, sub_part=sub_part,
                                                 quantity=quantity, **kw))

    def lines(self, build, **kw):
        return {ln["part"]: ln for ln in self.list(LINE, build=build, **kw)}

    def qty(self, item):
        return float(self.list(f"/api/stock/{item}/")["quantity"])


pytestmark = pytest.mark.usefixtures("figures_kept")


@pytest.fixture
def api(site, admin):
    return AllocApi(site, admin)


@pytest.fixture
def w(api):
    """A sensor board of 2 resistors, 1 chip (setup 1), 0.5 g of paste
    (consumable), 1 optional LED; stock in Store (with a shelf) and Bench."""
    board = api.part("Sensor board", assembly=True)["pk"]
    r = api.part("R 10k")["pk"]
    r2 = api.part("R 10k (alt)")["pk"]
    chip = api.part("MCU")["pk"]
    paste = api.part("Paste")["pk"]
    led = api.part("LED")["pk"]
    store = api.location("Store")["pk"]
    shelf = api.location("Shelf", parent=store)["pk"]
    bench = api.location("Bench")["pk"]
    line_r = api.bom(board, r, 2, reference="R1 R2")
    api.ok("POST", "/api/bom/substitute/", {"bom_item": line_r["pk"],
                                            "part": r2})
    api.bom(board, chip, 1, setup_quantity=1, reference="U1")
    api.bom(board, paste, "0.5", consumable=True)
    api.bom(board, led, 1, optional=True)
    return dict(board=board, r=r, r2=r2, chip=chip, paste=paste, led=led,
                store=store, shelf=shelf, bench=bench)


def test_lines_from_bom_and_quantity(api, w):
    b = api.build(w["board"], "BO-0001", 10)
    lines = api.lines(b["pk"])
    assert sorted(lines) == sorted([w["r"], w["chip"], w["paste"], w["led"]])
    r = lines[w["r"]]
    assert r["build"] == b["pk"] and r["quantity"] == 20
    assert r["allocated"] == 0 and r["consumed"] == 0
    assert r["reference"] == "R1 R2" and r["optional"] is False
    assert r["consumable"] is False and r["trackable"] is False
    assert r["available_stock"] == 0 and r["allocations"] == []
    assert r["part_detail"]["name"] == "R 10k"
    assert r["bom_item_detail"]["pk"] == r["bom_item"]
    assert r["build_reference"] == "BO-0001"
    assert lines[w["chip"]]["quantity"] == 11       # 1 x 10 + setup 1
    assert lines[w["paste"]]["quantity"] == 5
    assert lines[w["paste"]]["consumable"] is True
    assert lines[w["led"]]["optional"] is True
    # the build's quantity changes its lines
    api.ok("PATCH", BUILD + f"{b['pk']}/", {"quantity": 4})
    assert api.lines(b["pk"])[w["r"]]["quantity"] == 8
    # filters
    assert len(api.list(LINE, build=b["pk"], consumable=True)) == 1
    assert len(api.list(LINE, build=b["pk"], optional=False)) == 3
    assert [ln["part"] for ln in api.list(LINE, part=w["chip"])] == [
        w["chip"]]
    assert api.list(LINE, build=b["pk"], allocated=True) == []
    assert len(api.list(LINE, build=b["pk"], available=False)) == 4
    api.stock(w["r"], 100, w["store"])
    avail = api.list(LINE, build=b["pk"], available=True)
    assert [ln["part"] for ln in avail] == [w["r"]]
    assert api.get(LINE + "999/").status == 404
    assert api.call("POST", LINE, {}).status == 405


def test_allocate_rules_and_items(api, w):
    b = api.build(w["board"], "BO-0001", 10)
    lines = api.lines(b["pk"])
    lr, lc = lines[w["r"]]["pk"], lines[w["chip"]]["pk"]
    s_r = api.stock(w["r"], 30, w["store"])["pk"]
    s_r2 = api.stock(w["r2"], 5, w["bench"])["pk"]
    s_chip = api.stock(w["chip"], 3, w["store"])["pk"]
    s_gone = api.stock(w["r"], 4, w["store"], status=60)["pk"]

    def alloc(*items, expect=201):
        return api.call("POST", BUILD + f"{b['pk']}/allocate/",
                        {"items": [dict(zip(
                            ("build_line", "stock_item", "quantity"), i))
                            for i in items]})

    bad = [((lr, s_chip, 1), "stock_item",
            "Selected stock item does not match BOM line"),
           ((lr, s_gone, 1), "stock_item", "Item must be in stock"),
           ((lr, s_r, 0), "quantity", "Quantity must be greater than zero"),
           ((lr, s_r, 31), "quantity", "Available quantity (30.0) exceeded")]
    for item, field, msg in bad:
        r = alloc(item)
        assert r.status == 400, (item, r.json())
        assert r.json() == {"items": [{field: [msg]}]}, item
    r = alloc((lr, s_r, 10), (lr, s_r, 21))   # the second sees the first
    assert r.status == 400 and r.json() == {"items": [
        {}, {"quantity": ["Available quantity (20.0) exceeded"]}]}
    assert api.list(ITEM, build=b["pk"]) == []    # all or nothing
    r = api.call("POST", BUILD + f"{b['pk']}/allocate/", {"items": [
        {"build_line": lr, "stock_item": s_r, "quantity": 1,
         "output": 1}]})
    assert r.status == 400 and "items" in r.json()
    assert api.call("POST", BUILD + f"{b['pk']}/allocate/",
                    {"items": []}).status == 400

    assert alloc((lr, s_r, 12), (lr, s_r2, 5), (lc, s_chip, 2)).status == 201
    assert alloc((lr, s_r, 3)).status == 201        # added to the same row
    items = api.list(ITEM, build=b["pk"])
    assert len(items) == 3
    mine = {i["stock_item"]: i for i in items}
    assert mine[s_r]["quantity"] == 15 and mine[s_r]["part"] == w["r"]
    assert mine[s_r]["build"] == b["pk"] and mine[s_r]["build_line"] == lr
    assert mine[s_r]["location"] == w["store"]
    assert mine[s_r]["bom_reference"] == "R1 R2"
    assert mine[s_r2]["part"] == w["r2"]            # a substitute
    assert mine[s_r]["install_into"] is None
    line = api.lines(b["pk"])[w["r"]]
    assert line["allocated"] == 20
    assert sorted(a["pk"] for a in line["allocations"]) == sorted(
        [mine[s_r]["pk"], mine[s_r2]["pk"]])
    assert api.list(LINE, build=b["pk"], allocated=True)[0]["part"] == w["r"]
    d = api.list(ITEM + f"{mine[s_r]['pk']}/", stock_item_detail=True,
                 part_detail=True, location_detail=True)
    assert d["stock_item_detail"]["pk"] == s_r
    assert d["part_detail"]["name"] == "R 10k"
    assert d["location_detail"]["name"] == "Store"

    # the figures of the stock item, the part and the BOM
    assert api.list(f"/api/stock/{s_r}/")["allocated"] == 15
    p = api.list(f"/api/part/{w['r']}/")
    assert p["in_stock"] == 30 and p["allocated_to_build_orders"] == 15
    assert p["unallocated_stock"] == 15
    bom = api.list("/api/bom/", part=w["board"], sub_part=w["r"])[0]
    assert bom["available_stock"] == 15
    assert bom["available_substitute_stock"] == 0
    req = api.list(f"/api/part/{w['r']}/requirements/")
    assert req["allocated_to_build_orders"] == 15
    assert req["unallocated_stock"] == 15
    # can build: the resistors allow 7 boards (15 / 2), the chip 1
    api.stock(w["chip"], 100, w["store"])
    api.stock(w["paste"], 100, w["store"])
    api.stock(w["led"], 100, w["store"])
    assert api.list(f"/api/part/{w['board']}/requirements/")[
        "can_build"] == 7
    assert pks(api.list("/api/stock/", part=w["r"], available=True)) == [
        s_r]
    assert pks(api.list("/api/stock/", part=w["r2"], available=True)) == []

    # PATCH within and beyond the item's quantity; DELETE releases
    pk = mine[s_r]["pk"]
    r = api.call("PATCH", ITEM + f"{pk}/", {"quantity": 31})
    assert r.status == 400 and r.json() == {
        "quantity": ["Available quantity (30.0) exceeded"]}
    assert api.ok("PATCH", ITEM + f"{pk}/", {"quantity": 30})[
        "quantity"] == 30
    api.ok("DELETE", ITEM + f"{pk}/")
    assert api.list(f"/api/part/{w['r']}/")["allocated_to_build_orders"] == 0
    # POST /api/build/item/ follows the same rules
    r = api.call("POST", ITEM, {"build_line": lr, "stock_item": s_chip,
                                "quantity": 1})
    assert r.status == 400 and r.json() == {
        "stock_item": ["Selected stock item does not match BOM line"]}
    assert api.ok("POST", ITEM, {"build_line": lr, "stock_item": s_r,
                                 "quantity": 2})["quantity"] == 2


def test_unallocate(api, w):
    t = tracked_build(api, w)
    b = t["b"]
    o = api.act(b, "create-output", {"quantity": 1,
                                     "serial_numbers": "5"})[0]["pk"]
    api.act(b, "allocate", {"items": [
        {"build_line": t["ls"], "stock_item": t["sensors"][0],
         "quantity": 1, "output": o},
        {"build_line": t["lw"], "stock_item": t["screws"], "quantity": 4}]})
    other = api.build(w["board"], "BO-0300", 1)["pk"]
    r = api.call("POST", BUILD + f"{other}/unallocate/",
                 {"build_line": t["lw"]})
    assert r.status == 400 and r.json() == {"build_line": [
        "Build line does not match build order"]}
    api.act(b, "unallocate", {"output": o})
    assert [i["stock_item"] for i in api.list(ITEM, build=b)] == [
        t["screws"]]
    api.act(b, "unallocate", {"build_line": t["lw"]})
    assert api.list(ITEM, build=b) == []
    assert api.list(f"/api/stock/{t['screws']}/")["allocated"] == 0


def test_never_over_allocate_across_builds(api, w):
    s = api.stock(w["r"], 10, w["store"])["pk"]
    b1 = api.build(w["board"], "BO-0001", 10)
    b2 = api.build(w["board"], "BO-0002", 10)
    l1 = api.lines(b1["pk"])[w["r"]]["pk"]
    l2 = api.lines(b2["pk"])[w["r"]]["pk"]
    api.act(b1["pk"], "allocate", {"items": [
        {"build_line": l1, "stock_item": s, "quantity": 6}]})
    r = api.call("POST", BUILD + f"{b2['pk']}/allocate/", {"items": [
        {"build_line": l2, "stock_item": s, "quantity": 5}]})
    assert r.status == 400 and r.json() == {"items": [
        {"quantity": ["Available quantity (4.0) exceeded"]}]}
    # a line of another build is refused
    r = api.call("POST", BUILD + f"{b2['pk']}/allocate/", {"items": [
        {"build_line": l1, "stock_item": s, "quantity": 1}]})
    assert r.status == 400 and r.json() == {"items": [
        {"build_line": ["Build line does not match build order"]}]}
    api.act(b2["pk"], "allocate", {"items": [
        {"build_line": l2, "stock_item": s, "quantity": 4}]})
    assert api.list(f"/api/stock/{s}/")["allocated"] == 10


def test_eight_concurrent_allocators(site, api, w):
    """Eight builds ask for 3 of one item of 10 at once: three succeed,
    the item is never allocated beyond its quantity."""
    s = api.stock(w["r"], 10, w["store"])["pk"]
    builds = [api.build(w["board"], f"BO-{n + 1:04d}", 10)["pk"]
              for n in range(8)]
    lines = [api.lines(b)[w["r"]]["pk"] for b in builds]
    results = [None] * 8

    def allocator(n):
        results[n] = api.call("POST", BUILD + f"{builds[n]}/allocate/", {
            "items": [{"build_line": lines[n], "stock_item": s,
                       "quantity": 3}]}).status

    threads = [threading.Thread(target=allocator, args=(n,))
               for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201] * 3 + [400] * 5, results
    assert api.list(f"/api/stock/{s}/")["allocated"] == 9
    assert sum(float(i["quantity"]) for i in api.list(ITEM, stock_item=s)) \
        == 9


def test_auto_allocate_options(api, w):
    b = api.build(w["board"], "BO-0001", 10, take_from=w["store"])
    s_shelf = api.stock(w["r"], 8, w["shelf"])["pk"]
    s_store = api.stock(w["r"], 30, w["store"])["pk"]
    s_bench = api.stock(w["r"], 50, w["bench"])["pk"]
    s_chip = api.stock(w["chip"], 40, w["bench"])["pk"]
    api.stock(w["paste"], 100, w["store"])
    s_led = api.stock(w["led"], 20, w["store"])["pk"]
    # not interchangeable: two candidates in Store (and below) -> nothing
    api.act(b["pk"], "auto-allocate")
    assert api.list(ITEM, build=b["pk"]) == []
    # interchangeable: oldest first, 8 from the shelf, 12 from the store;
    # the chip is not below Store (take_from), paste is consumable, the
    # LED optional
    assert api.act(b["pk"], "auto-allocate", {"interchangeable": True}) == {
        "interchangeable": True}
    got = {i["stock_item"]: i["quantity"]
           for i in api.list(ITEM, build=b["pk"])}
    assert got == {s_shelf: 8, s_store: 12}
    # excluding the shelf, from anywhere, with the optional items
    b2 = api.build(w["board"], "BO-0002", 10)
    api.act(b2["pk"], "auto-allocate", {
        "interchangeable": True, "exclude_location": w["shelf"],
        "optional_items": True})
    got = {i["stock_item"]: i["quantity"]
           for i in api.list(ITEM, build=b2["pk"])}
    assert got == {s_store: 18, s_bench: 2, s_chip: 11, s_led: 10}
    # a location: only its subtree
    b3 = api.build(w["board"], "BO-0003", 1)
    api.act(b3["pk"], "auto-allocate", {"location": w["bench"]})
    got = {i["stock_item"]: i["quantity"]
           for i in api.list(ITEM, build=b3["pk"])}
    assert got == {s_bench: 2, s_chip: 2}
    # substitutes only when allowed (the default)
    b4 = api.build(w["board"], "BO-0004", 1)
    s_alt = api.stock(w["r2"], 2, w["bench"])["pk"]
    api.ok("PATCH", f"/api/stock/{s_bench}/", {"status": 65})
    api.act(b4["pk"], "auto-allocate", {"location": w["bench"],
                                        "substitutes": False})
    assert [i["stock_item"] for i in api.list(ITEM, build=b4["pk"])] == [
        s_chip]
    api.act(b4["pk"], "auto-allocate", {"location": w["bench"]})
    assert sorted(i["stock_item"] for i in api.list(ITEM, build=b4["pk"])) \
        == sorted([s_chip, s_alt])
    r = api.call("POST", BUILD + f"{b4['pk']}/auto-allocate/",
                 {"location": 999})
    assert r.status == 400 and "location" in r.json()


def untracked_build(api, w, quantity=10):
    """A build of boards needing only resistors (2 each): 25 in stock."""
    board = api.part("Plain board", assembly=True)["pk"]
    api.bom(board, w["r"], 2)
    s = api.stock(w["r"], 25, w["store"])["pk"]
    b = api.build(board, "BO-0100", quantity, destination=w["bench"])
    api.act(b["pk"], "issue")
    line = api.lines(b["pk"])[w["r"]]["pk"]
    return board, s, b["pk"], line


def assert_counts_kept(site):
    """stockroom check: every tally (items in stock, per location...)
    and closure table agrees with the rows, consumed items included."""
    proc = site.tool("check", check=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert b"counts " in proc.stdout and b": ok" in proc.stdout


def test_complete_consumes_and_produces(site, api, w):
    board, s, b, line = untracked_build(api, w)
    api.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 20}]})
    outs = api.act(b, "create-output", {"quantity": 4, "batch_code": "B7"})
    assert len(outs) == 1 and outs[0]["quantity"] == 4
    assert outs[0]["is_building"] is True and outs[0]["batch"] == "B7"
    assert outs[0]["location"] == w["bench"]      # the build's destination
    o1 = outs[0]["pk"]
    assert api.list(f"/api/part/{board}/")["in_stock"] == 0
    assert api.list(f"/api/part/{board}/")["building"] == 4
    assert api.act(b, "complete", {"outputs": [{"output": o1}]}) == {
        "outputs": [{"output": o1}]}
    # 2 x 4 consumed from the allocation, 4 boards in stock at the
    # destination, with their tracking entries
    assert api.qty(s) == 17
    assert api.list(f"/api/stock/{s}/")["allocated"] == 12
    ln = api.list(LINE + f"{line}/")
    assert ln["consumed"] == 8 and ln["allocated"] == 12
    out = api.list(OUTPUT + f"{o1}/")
    assert out["is_building"] is False and out["state_text"] == "Complete"
    item = api.list(f"/api/stock/{out['stock_item']}/")
    assert item["part"] == board and item["quantity"] == 4
    assert item["location"] == w["bench"] and item["batch"] == "B7"
    assert item["build"] == b
    assert pks(api.list("/api/stock/", build=b)) == [out["stock_item"]]
    assert pks(api.list("/api/stock/", build=b, is_building=False)) == [
        out["stock_item"]]
    assert api.list("/api/stock/", build=b, is_building=True) == []
    made = api.list("/api/stock/track/", item=out["stock_item"])
    assert made[0]["deltas"]["buildorder"] == b
    # The 8 consumed are an item of their own, as InvenTree keeps them:
    # split off s, consumed_by the build, out of stock, no location.
    [c1] = api.list("/api/stock/", consumed_by=b)
    assert (c1["part"], c1["quantity"], c1["parent"], c1["consumed_by"],
            c1["in_stock"], c1["location"]) == (w["r"], 8, s, b, False, None)
    assert pks(api.list("/api/stock/", part=w["r"], consumed=True)) == [
        c1["pk"]]
    assert pks(api.list("/api/stock/", part=w["r"], consumed=False)) == [s]
    assert pks(api.list("/api/stock/", part=w["r"], in_stock=True)) == [s]
    assert pks(api.list("/api/stock/", part=w["r"], in_stock=False)) == [
        c1["pk"]]
    assert api.list("/api/stock/", part=w["r"], available=True)[0][
        "pk"] == s
    # Consumed stock is not counted, added to, taken from or moved...
    for op, extra in (("count", {}), ("add", {}), ("remove", {}),
                      ("transfer", {"location": w["bench"]})):
        r = api.call("POST", f"/api/stock/{op}/", dict(
            {"items": [{"pk": c1["pk"], "quantity": 1}]}, **extra))
        assert r.status == 400 and r.json() == {"items": [
            {"pk": ["Stock item is not in stock"]}]}, (op, r.json())
    # ... and never allocated again.
    r = api.call("POST", BUILD + f"{b}/allocate/", {"items": [
        {"build_line": line, "stock_item": c1["pk"], "quantity": 1}]})
    assert r.status == 400 and r.json() == {"items": [
        {"stock_item": ["Item must be in stock"]}]}
    split = api.list("/api/stock/track/", item=s)
    assert (split[0]["tracking_type"], split[0]["deltas"]) == (
        42, {"stockitem": c1["pk"], "removed": 8, "quantity": 17})
    used = api.list("/api/stock/track/", item=c1["pk"])
    assert [u["tracking_type"] for u in used] == [57, 40]   # consumed
    assert used[0]["deltas"] == {"buildorder": b, "quantity": 8}
    assert used[1]["deltas"] == {"stockitem": s, "quantity": 8}
    assert "BO-0100" in used[0]["notes"]
    assert api.list(BUILD + f"{b}/")["completed"] == 4
    assert api.list(f"/api/part/{board}/")["in_stock"] == 4
    part_r = api.list(f"/api/part/{w['r']}/")
    assert (part_r["in_stock"], part_r["allocated_to_build_orders"],
            part_r["unallocated_stock"]) == (17, 12, 5)
    # a completed output is not completed twice
    r = api.call("POST", BUILD + f"{b}/complete/",
                 {"outputs": [{"output": o1}]})
    assert r.status == 400 and r.json() == {"outputs": [
        {"output": ["This build output has already been completed"]}]}
    # the rest, then finish: nothing left allocated
    o2 = api.act(b, "create-output", {"quantity": 6})[0]["pk"]
    api.act(b, "complete", {"outputs": [{"output": o2}],
                            "location": w["store"]})
    assert api.qty(s) == 5
    assert api.list(f"/api/stock/{s}/")["allocated"] == 0
    api.act(b, "finish")
    done = api.list(BUILD + f"{b}/")
    assert done["status"] == 40 and done["completed"] == 10
    assert done["completion_date"] is not None
    assert api.list(f"/api/part/{board}/")["in_stock"] == 10
    assert api.list(f"/api/part/{w['r']}/")["in_stock"] == 5
    # Every resistor is accounted for: 5 in stock, 8 + 12 consumed.
    gone = api.list("/api/stock/", consumed_by=b)
    assert sorted(c["quantity"] for c in gone) == [8, 12]
    assert all(c["parent"] == s and not c["in_stock"] for c in gone)
    assert sum(float(i["quantity"]) for i in api.list(
        "/api/stock/", part=w["r"])) == 25
    assert_counts_kept(site)


def tracked_build(api, w):
    """A trackable module of one trackable sensor (serialized) and one
    screw, build of 2."""
    module = api.part("Module", assembly=True, trackable=True)["pk"]
    sensor = api.part("Sensor", trackable=True)["pk"]
    screw = api.part("Screw")["pk"]
    api.bom(module, sensor, 1)
    api.bom(module, screw, 4)
    sensors = [api.stock(sensor, 1, w["store"], serial=str(n))["pk"]
               for n in (100, 101)]
    screws = api.stock(screw, 10, w["store"])["pk"]
    b = api.build(module, "BO-0200", 2, destination=w["bench"])["pk"]
    api.act(b, "issue")
    lines = api.lines(b)
    return dict(module=module, sensor=sensor, screw=screw, sensors=sensors,
                screws=screws, b=b, ls=lines[sensor]["pk"],
                lw=lines[screw]["pk"])


def test_tracked_outputs(api, w):
    t = tracked_build(api, w)
    b = t["b"]
    for body, field in (({"quantity": "1.5"}, "quantity"),
                        ({"quantity": 2, "serial_numbers": "1"},
                         "serial_numbers"),
                        ({"quantity": 0}, "quantity")):
        r = api.call("POST", BUILD + f"{b}/create-output/", body)
        assert r.status == 400 and field in r.json(), (body, r.json())
    outs = api.act(b, "create-output", {"quantity": 2,
                                        "serial_numbers": "1-2"})
    assert [o["serial"] for o in outs] == ["1", "2"]
    assert [o["quantity"] for o in outs] == [1, 1]
    r = api.call("POST", BUILD + f"{b}/create-output/",
                 {"quantity": 1, "serial_numbers": "2"})
    assert r.status == 400 and r.json() == {"serial_numbers": [
        "The following serial numbers already exist or are invalid: 2"]}
    o1, o2 = outs[0]["pk"], outs[1]["pk"]

    def allocate(items, expect=201):
        return api.call("POST", BUILD + f"{b}/allocate/", {"items": items})

    r = allocate([{"build_line": t["ls"], "stock_item": t["sensors"][0],
                   "quantity": 1}])
    assert r.status == 400 and r.json() == {"items": [{"output": [
        "Build output must be specified for allocation of tracked parts"]}]}
    r = allocate([{"build_line": t["lw"], "stock_item": t["screws"],
                   "quantity": 4, "output": o1}])
    assert r.status == 400 and r.json() == {"items": [{"output": [
        "Build output cannot be specified for allocation of untracked "
        "parts"]}]}
    r = allocate([{"build_line": t["ls"], "stock_item": t["sensors"][0],
                   "quantity": "0.5", "output": o1}])
    assert r.status == 400 and r.json() == {"items": [{"quantity": [
        "Quantity must be 1 for serialized stock"]}]}
    assert allocate([
        {"build_line": t["ls"], "stock_item": t["sensors"][0],
         "quantity": 1, "output": o1},
        {"build_line": t["lw"], "stock_item": t["screws"], "quantity": 8},
    ]).status == 201
    assert api.list(OUTPUT + f"{o1}/")["allocated"] == 1
    assert len(api.list(ITEM, output=o1)) == 1
    # o2 has no sensor: refused unless accepted
    r = api.call("POST", BUILD + f"{b}/complete/",
                 {"outputs": [{"output": o1}, {"output": o2}]})
    assert r.status == 400 and r.json() == {"outputs": [
        {}, {"output": ["This build output is not fully allocated"]}]}
    assert api.qty(t["sensors"][0]) == 1          # nothing happened
    api.act(b, "complete", {"outputs": [{"output": o1}]})
    # The serialized sensor is consumed whole (no split): the same item,
    # consumed_by the build, out of stock; 4 screws split off the 10.
    sensor = api.list(f"/api/stock/{t['sensors'][0]}/")
    assert (sensor["quantity"], sensor["serial"], sensor["consumed_by"],
            sensor["in_stock"], sensor["location"]) == (1, "100", b, False,
                                                         None)
    assert api.qty(t["screws"]) == 6
    assert sorted((c["part"], c["quantity"]) for c in api.list(
        "/api/stock/", consumed_by=b)) == sorted([(t["sensor"], 1),
                                                  (t["screw"], 4)])
    assert api.list(f"/api/part/{t['sensor']}/")["in_stock"] == 1
    made = api.list("/api/stock/", part=t["module"])
    assert [(m["serial"], m["quantity"]) for m in made] == [("1", 1)]
    api.act(b, "complete", {"outputs": [{"output": o2}],
                            "accept_incomplete_allocation": True})
    assert api.qty(t["screws"]) == 2
    assert api.qty(t["sensors"][1]) == 1
    assert api.list(BUILD + f"{b}/")["completed"] == 2


def test_complete_is_one_transaction(api, w):
    """An output whose stock item cannot be made (its serial was taken
    meanwhile) fails after consuming: every change is rolled back."""
    t = tracked_build(api, w)
    b = t["b"]
    o = api.act(b, "create-output", {"quantity": 1,
                                     "serial_numbers": "9"})[0]["pk"]
    api.act(b, "allocate", {"items": [
        {"build_line": t["ls"], "stock_item": t["sensors"][0],
         "quantity": 1, "output": o},
        {"build_line": t["lw"], "stock_item": t["screws"], "quantity": 4}]})
    api.stock(t["module"], 1, w["store"], serial="9")
    r = api.call("POST", BUILD + f"{b}/complete/", {"outputs": [{"output": o}]})
    assert r.status >= 400
    assert api.qty(t["sensors"][0]) == 1 and api.qty(t["screws"]) == 10
    assert len(api.list(ITEM, build=b)) == 2
    assert api.list(OUTPUT + f"{o}/")["is_building"] is True
    assert api.list(BUILD + f"{b}/")["completed"] == 0
    assert api.list("/api/stock/track/", item=t["screws"])[0][
        "tracking_type"] != 57


def test_scrap_and_delete_outputs(api, w):
    board, s, b, line = untracked_build(api, w)
    api.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 20}]})
    o1, o2, o3 = (api.act(b, "create-output", {"quantity": q})[0]["pk"]
                  for q in (2, 3, 5))
    r = api.call("POST", BUILD + f"{b}/scrap-outputs/",
                 {"outputs": [{"output": o1}]})
    assert r.status == 400 and "location" in r.json()
    # scrapped, its stock consumed: 2 x 2
    api.act(b, "scrap-outputs", {"outputs": [{"output": o1}],
                                 "location": w["bench"], "notes": "burnt"})
    assert api.qty(s) == 21
    out = api.list(OUTPUT + f"{o1}/")
    assert out["state_text"] == "Scrapped"
    item = api.list(f"/api/stock/{out['stock_item']}/")
    assert item["status"] == 65 and item["quantity"] == 2
    assert api.list(f"/api/part/{board}/")["in_stock"] == 0
    assert api.list(BUILD + f"{b}/")["completed"] == 0
    # scrapped with its allocations discarded: nothing consumed
    api.act(b, "scrap-outputs", {"outputs": [{"output": o2}],
                                 "location": w["bench"],
                                 "discard_allocations": True})
    assert api.qty(s) == 21
    # deleted: gone, a closed output cannot be deleted
    api.act(b, "delete-outputs", {"outputs": [{"output": o3}]})
    assert api.get(OUTPUT + f"{o3}/").status == 404
    r = api.call("POST", BUILD + f"{b}/delete-outputs/",
                 {"outputs": [{"output": o1}]})
    assert r.status == 400
    assert api.list(LINE + f"{line}/")["allocated"] == 16


def test_finish_rules(api, w):
    board, s, b, line = untracked_build(api, w, quantity=4)
    o = api.act(b, "create-output", {"quantity": 2})[0]["pk"]
    r = api.call("POST", BUILD + f"{b}/finish/", {})
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "Build order has incomplete outputs"]}
    api.act(b, "complete", {"outputs": [{"output": o}],
                            "accept_incomplete_allocation": True})
    r = api.call("POST", BUILD + f"{b}/finish/", {})
    assert r.status == 400 and r.json() == {
        "accept_incomplete": ["Required build quantity has not been "
                              "completed"],
        "accept_unallocated": ["Required stock has not been fully "
                               "allocated"]}
    # over-allocated: 10 against a need of 8
    api.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 10}]})
    r = api.call("POST", BUILD + f"{b}/finish/", {"accept_incomplete": True})
    assert r.status == 400 and r.json() == {"accept_overallocated": [
        "Some stock items have been overallocated"]}
    r = api.call("POST", BUILD + f"{b}/finish/", {
        "accept_incomplete": True, "accept_overallocated": "maybe"})
    assert r.status == 400 and "accept_overallocated" in r.json()
    # trim: only the need (8) is consumed
    api.act(b, "finish", {"accept_incomplete": True,
                          "accept_overallocated": "trim"})
    assert api.qty(s) == 17
    assert api.list(f"/api/stock/{s}/")["allocated"] == 0
    assert api.list(BUILD + f"{b}/")["status"] == 40
    r = api.call("POST", BUILD + f"{b}/finish/", {"accept_incomplete": True})
    assert r.status == 400
    # accept: all of it is consumed
    b2 = api.build(board, "BO-0101", 1)["pk"]
    api.act(b2, "issue")
    l2 = api.lines(b2)[w["r"]]["pk"]
    api.act(b2, "allocate", {"items": [
        {"build_line": l2, "stock_item": s, "quantity": 5}]})
    api.act(b2, "finish", {"accept_incomplete": True,
                           "accept_overallocated": "accept"})
    assert api.qty(s) == 12


def test_cancel_releases_or_consumes(site, api, w):
    board, s, b, line = untracked_build(api, w)
    api.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 6}]})
    o = api.act(b, "create-output", {"quantity": 1})[0]["pk"]
    api.act(b, "cancel")
    assert api.qty(s) == 25
    assert api.list(f"/api/stock/{s}/")["allocated"] == 0
    assert api.list("/api/stock/", consumed_by=b) == []
    part_r = api.list(f"/api/part/{w['r']}/")
    assert (part_r["in_stock"], part_r["allocated_to_build_orders"],
            part_r["unallocated_stock"]) == (25, 0, 25)
    assert api.list(OUTPUT + f"{o}/")["is_building"] is True
    b2 = api.build(board, "BO-0101", 5)["pk"]
    l2 = api.lines(b2)[w["r"]]["pk"]
    api.act(b2, "allocate", {"items": [
        {"build_line": l2, "stock_item": s, "quantity": 6}]})
    o2 = api.act(b2, "create-output", {"quantity": 1})[0]["pk"]
    assert api.act(b2, "cancel", {"remove_allocated_stock": True,
                                  "remove_incomplete_outputs": True}) == {
        "remove_allocated_stock": True, "remove_incomplete_outputs": True}
    assert api.qty(s) == 19
    assert api.list(f"/api/stock/{s}/")["allocated"] == 0
    assert api.get(OUTPUT + f"{o2}/").status == 404
    # The 6 removed are consumed by the cancelled build, out of stock.
    [c] = api.list("/api/stock/", consumed_by=b2)
    assert (c["quantity"], c["parent"], c["in_stock"]) == (6, s, False)
    part_r = api.list(f"/api/part/{w['r']}/")
    assert (part_r["in_stock"], part_r["unallocated_stock"]) == (19, 19)
    # a closed build takes no allocation or output
    r = api.call("POST", BUILD + f"{b2}/allocate/", {"items": [
        {"build_line": l2, "stock_item": s, "quantity": 1}]})
    assert r.status == 400
    assert api.call("POST", BUILD + f"{b2}/create-output/",
                    {"quantity": 1}).status == 400
    # A cancelled build may be deleted: its consumed stock goes with it
    # (InvenTree's consumed_by cascades).
    api.ok("DELETE", BUILD + f"{b2}/")
    assert api.get(f"/api/stock/{c['pk']}/").status == 404
    assert api.list(f"/api/part/{w['r']}/")["in_stock"] == 19
    assert_counts_kept(site)


def test_permissions(site, api, w):
    board, s, b, line = untracked_build(api, w)
    viewer = AllocApi(site, make_user(site, "build-view",
                                      roles={"build": ["view"]}))
    assert [ln["pk"] for ln in viewer.list(LINE, build=b)] == [line]
    for action, body in (
            ("allocate", {"items": [{"build_line": line, "stock_item": s,
                                     "quantity": 1}]}),
            ("auto-allocate", {}), ("unallocate", {}),
            ("create-output", {"quantity": 1}),
            ("complete", {"outputs": []}), ("scrap-outputs", {}),
            ("delete-outputs", {}), ("finish", {})):
        assert viewer.call("POST", BUILD + f"{b}/{action}/",
                           body).status == 403, action
    assert viewer.call("POST", ITEM, {"build_line": line, "stock_item": s,
                                      "quantity": 1}).status == 403
    assert viewer.list(ITEM, build=b) == []
    stocker = AllocApi(site, make_user(site, "stock-only",
                                       roles={"stock": ["view"]}))
    assert stocker.get(LINE).status == 403
    assert stocker.get(ITEM).status == 403
    builder = AllocApi(site, make_user(site, "builder", roles={
        "build": ["view", "change"]}))
    assert builder.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 1}]})


def test_events(site, api, w):
    """build.issued, build.output_completed and build.completed go through
    the event table (event.c), each in its action's transaction (logged at
    the debug level)."""
    board, s, b, line = untracked_build(api, w)

    def act(action, body):
        r = site.cgi("build", method="POST", path=BUILD + f"{b}/{action}/",
                     body=body, headers=api.headers,
                     env={"STOCKROOM_LOG_LEVEL": "debug"})
        assert r.status == 201, r
        return r.stderr.decode()

    b2 = api.build(board, "BO-0101", 1)["pk"]
    r = site.cgi("build", method="POST", path=BUILD + f"{b2}/issue/",
                 body={}, headers=api.headers,
                 env={"STOCKROOM_LOG_LEVEL": "debug"})
    assert r.status == 201 and f"event build.issued {b2}" in \
        r.stderr.decode()
    o = api.act(b, "create-output", {"quantity": 10})[0]["pk"]
    log = act("complete", {"outputs": [{"output": o}],
                           "accept_incomplete_allocation": True})
    assert f"event build.output_completed {b}" in log
    log = act("finish", {"accept_unallocated": True})
    assert f"event build.completed {b}" in log


def test_hold_and_cancel_events_reach_webhooks(site, api, w):
    """build.hold and build.cancelled (InvenTree's BuildEvents.HOLD and
    CANCELLED) go through the event table like the others, so a webhook
    subscribed to them gets a delivery queued in the action's transaction;
    a refused move queues nothing."""
    hook = api.ok("POST", "/api/admin/webhook/", {
        "url": "https://example.org/hook",
        "events": ["build.hold", "build.cancelled", "build.issued"]})
    b = api.build(w["board"], "BO-0102", 1)["pk"]

    def queued():
        c = site.db()
        rows = c.execute("SELECT event, object_id FROM webhook_delivery "
                         "WHERE webhook = ? ORDER BY id",
                         (hook["pk"],)).fetchall()
        c.close()
        return [tuple(r) for r in rows]

    r = site.cgi("build", method="POST", path=BUILD + f"{b}/hold/",
                 body={}, headers=api.headers,
                 env={"STOCKROOM_LOG_LEVEL": "debug"})
    assert r.status == 201 and f"event build.hold {b}" in r.stderr.decode()
    assert queued() == [("build.hold", b)]
    # On hold already: a 400, no event.
    assert api.call("POST", BUILD + f"{b}/hold/", {}).status == 400
    assert queued() == [("build.hold", b)]
    api.act(b, "issue", {})
    r = site.cgi("build", method="POST", path=BUILD + f"{b}/cancel/",
                 body={}, headers=api.headers,
                 env={"STOCKROOM_LOG_LEVEL": "debug"})
    assert r.status == 201
    assert f"event build.cancelled {b}" in r.stderr.decode()
    assert queued() == [("build.hold", b), ("build.issued", b),
                        ("build.cancelled", b)]
    assert api.call("POST", BUILD + f"{b}/cancel/", {}).status == 400
    assert len(queued()) == 3


def test_options(api, w):
    b = api.build(w["board"], "BO-0001", 1)["pk"]
    items = api.call("OPTIONS", BUILD + f"{b}/allocate/").json()[
        "actions"]["POST"]["items"]
    assert set(items["child"]["children"]) == {
        "build_line", "stock_item", "quantity", "output"}
    auto = api.call("OPTIONS", BUILD + f"{b}/auto-allocate/").json()[
        "actions"]["POST"]
    assert set(auto) == {"location", "exclude_location", "interchangeable",
                         "substitutes", "optional_items"}
    for action, field in (("create-output", "serial_numbers"),
                          ("complete", "accept_incomplete_allocation"),
                          ("scrap-outputs", "discard_allocations"),
                          ("delete-outputs", "outputs"),
                          ("finish", "accept_overallocated")):
        post = api.call("OPTIONS", BUILD + f"{b}/{action}/").json()[
            "actions"]["POST"]
        assert field in post, action
    item = api.call("OPTIONS", ITEM).json()["actions"]["POST"]
    assert item["stock_item"]["model"] == "stockitem"
    assert item["build_line"]["required"] is True


def build_history(api, w):
    """A build with an output completed and one scrapped: their stock
    items and the item it consumed from."""
    board, s, b, line = untracked_build(api, w)
    api.act(b, "allocate", {"items": [
        {"build_line": line, "stock_item": s, "quantity": 10}]})
    o1, o2 = (api.act(b, "create-output", {"quantity": q})[0]["pk"]
              for q in (2, 3))
    api.act(b, "complete", {"outputs": [{"output": o1}],
                            "location": w["bench"]})
    api.act(b, "scrap-outputs", {"outputs": [{"output": o2}],
                                 "location": w["bench"]})
    done = api.list(OUTPUT + f"{o1}/")["stock_item"]
    scrapped = api.list(OUTPUT + f"{o2}/")["stock_item"]
    used = [i["pk"] for i in api.list("/api/stock/", consumed_by=b)]
    return done, scrapped, used


def codes(api, item):
    return [t["tracking_type"] for t in api.list("/api/stock/track/",
                                                 item=item)]


def test_tracking_codes_of_outputs_and_consumed_stock(api, w):
    """InvenTree's StockHistoryCode: an output completed 55, rejected 56,
    stock consumed by the build 57, each with its label."""
    done, scrapped, used = build_history(api, w)
    assert codes(api, done) == [55] and codes(api, scrapped) == [56]
    assert used and all(codes(api, u)[0] == 57 for u in used)
    labels = {t["tracking_type"]: t["label"] for t in api.list(
        "/api/stock/track/", item=done) + api.list(
        "/api/stock/track/", item=used[0])}
    assert labels[55] == "Build order output completed"
    assert labels[57] == "Consumed by build order"
    status = api.list("/api/stock/track/status/")
    names = {c["key"]: c["name"] for c in (
        status["values"].values() if isinstance(status.get("values"), dict)
        else status["values"])}
    assert names[55] == "BUILD_OUTPUT_COMPLETED"
    assert names[56] == "BUILD_OUTPUT_REJECTED"
    assert names[57] == "BUILD_CONSUMED"


@pytest.mark.sqlite_only("takes the SQLite file back to schema 30 by hand")
def test_migration_gives_old_build_entries_their_codes(site, api, w):
    """Entries written before migration 0031 (created 1 and removed 12, with
    a buildorder delta) get 55, 56 and 57; others keep theirs."""
    done, scrapped, used = build_history(api, w)
    db = site.db()
    undo_migrations(db, 30)
    with db:
        db.execute("UPDATE stock_tracking SET tracking_type = 1 WHERE "
                   "tracking_type IN (55, 56)")
        db.execute("UPDATE stock_tracking SET tracking_type = 12 WHERE "
                   "tracking_type = 57")
        assert db.execute("SELECT tracking_type FROM stock_tracking WHERE "
                          "item = ?", (done,)).fetchall() == [(1,)]
    db.close()
    site.tool("migrate")
    assert codes(api, done) == [55] and codes(api, scrapped) == [56]
    assert all(codes(api, u)[0] == 57 for u in used)


def test_release_of_many_lines_in_one_statement(site, api):
    """Unallocating a build of 120 lines deletes their allocations in one
    statement, each rewriting its component's row -- here each on a page
    of its own (long notes) --, so the statement's journal passes 256 KiB:
    with the journal kept in memory up to more than 128 KiB, SQLite 3.40
    failed such statements with "database or disk is full" (lib/db.c,
    DB_STMTJRNL_SPILL)."""
    board = api.part("Big board", assembly=True)["pk"]
    store = api.location("Store")["pk"]
    db = site.db()
    for i in range(120):
        db.execute("INSERT INTO part (name, notes) VALUES (?, ?)",
                   (f"C{i}", "n" * 3500))
        p = db.execute("SELECT id FROM part WHERE name = ?",
                       (f"C{i}",)).fetchone()[0]
        # Its search index row, as the programs keep it (stockroom check
        # looks for it; PostgreSQL's index is on the part itself).
        if site.engine == "sqlite":
            db.execute("INSERT INTO part_fts (rowid, name, IPN, "
                       "description, keywords, MPN, SKU) SELECT * FROM "
                       "part_search_text WHERE id = ?", (p,))
        db.execute("INSERT INTO bom_item (part, sub_part, quantity) "
                   "VALUES (?, ?, 100000)", (board, p))
        db.execute("INSERT INTO stock_item (part, location, quantity) "
                   "VALUES (?, ?, 1000000)", (p, store))
    db.commit()
    db.close()
    b = api.build(board, "BO-0001", 5)["pk"]
    api.act(b, "auto-allocate")
    assert len(api.list(ITEM, build=b)) == 120
    api.act(b, "unallocate")
    assert api.list(ITEM, build=b) == []
