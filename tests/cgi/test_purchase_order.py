"""Purchase orders (order.cgi, issue 15's order side): orders with their
reference pattern, line items and extra lines, filters, search, ordering,
status codes and state changes (issue, hold, cancel, complete), receiving
stock against an order (all or nothing, pack quantities, never more than
ordered, eight receivers at once), a part's "ordering", what to order,
permissions and OPTIONS."""
import concurrent.futures
import datetime

import pytest

from conftest import make_user
from inventory_api import Api, pks

CO = "/api/company/"
SP = "/api/company/part/"
PB = "/api/company/price-break/"
PO = "/api/order/po/"
LINE = "/api/order/po-line/"
EXTRA = "/api/order/po-extra-line/"
SUGGEST = "/api/order/po/suggest/"


class OrderApi(Api):
    def order(self, supplier, **kw):
        return self.ok("POST", PO, dict(supplier=supplier, **kw))

    def line(self, order, part, quantity, **kw):
        return self.ok("POST", LINE, dict(order=order, part=part,
                                          quantity=quantity, **kw))

    def action(self, pk, what, body=None, expect=201):
        return self.ok("POST", PO + f"{pk}/{what}/", body or {},
                       expect=expect)

    def receive(self, pk, items, **kw):
        return self.call("POST", PO + f"{pk}/receive/",
                         dict(items=items, **kw))


pytestmark = pytest.mark.usefixtures("figures_kept")


@pytest.fixture
def api(site, admin):
    return OrderApi(site, admin)


@pytest.fixture
def w(api):
    """Parts (one sold in packs of 100, one trackable), two suppliers, a
    manufacturer, supplier parts with price breaks, two locations."""
    w = dict(
        r1=api.part("R1", IPN="R-001", description="Resistor 1k")["pk"],
        wire=api.part("Wire", units="m")["pk"],
        board=api.part("Board", trackable=True)["pk"],
        mouser=api.ok("POST", CO, {"name": "Mouser"})["pk"],
        digi=api.ok("POST", CO, {"name": "Digi"})["pk"],
        acme=api.ok("POST", CO, {"name": "Acme", "is_supplier": False,
                                 "is_manufacturer": True})["pk"],
        shelf=api.location("Shelf")["pk"],
        bin=api.location("Bin")["pk"],
    )
    w["sp_r1"] = api.ok("POST", SP, {"part": w["r1"], "supplier": w["mouser"],
                                     "SKU": "M-R1"})["pk"]
    w["sp_wire"] = api.ok("POST", SP, {"part": w["wire"],
                                       "supplier": w["mouser"],
                                       "SKU": "M-WIRE",
                                       "pack_quantity": "100",
                                       "packaging": "reel"})["pk"]
    w["sp_board"] = api.ok("POST", SP, {"part": w["board"],
                                        "supplier": w["mouser"],
                                        "SKU": "M-B"})["pk"]
    w["sp_digi"] = api.ok("POST", SP, {"part": w["r1"], "supplier": w["digi"],
                                       "SKU": "D-R1"})["pk"]
    for sp, q, price in ((w["sp_r1"], 1, "0.10"), (w["sp_r1"], 100, "0.05"),
                         (w["sp_wire"], 1, "20")):
        api.ok("POST", PB, {"part": sp, "quantity": q, "price": price})
    return w


def today():
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def placed_order(api, w, *lines, **kw):
    """An issued order of mouser with lines (supplier part, quantity)."""
    o = api.order(w["mouser"], **kw)
    ls = [api.line(o["pk"], sp, q) for sp, q in lines]
    api.action(o["pk"], "issue")
    return o["pk"], [l["pk"] for l in ls]


# --- orders -------------------------------------------------------------------

def test_status_codes(api):
    r = api.list(PO + "status/")
    assert r["class"] == "PurchaseOrderStatus"
    assert {k: v["key"] for k, v in r["values"].items()} == {
        "PENDING": 10, "PLACED": 20, "ON_HOLD": 25, "COMPLETE": 30,
        "CANCELLED": 40, "LOST": 50, "RETURNED": 60}
    assert r["values"]["ON_HOLD"]["label"] == "On Hold"


def test_create_reference_from_pattern(api, w, admin):
    o = api.order(w["mouser"], description="First")
    assert o["reference"] == "PO-0001" and o["status"] == 10
    assert o["status_text"] == "Pending" and o["status_custom_key"] == 10
    assert o["creation_date"] == today() and o["issue_date"] is None
    assert o["created_by"] == admin.pk and o["supplier_name"] == "Mouser"
    assert "supplier_detail" not in o
    assert o["line_items"] == 0 and o["completed_lines"] == 0
    assert o["overdue"] is False and o["total_price"] == "0.0"
    assert api.order(w["mouser"])["reference"] == "PO-0002"
    assert api.order(w["digi"], reference="PO-0010")["reference"] == "PO-0010"
    assert api.order(w["digi"])["reference"] == "PO-0011"
    r = api.call("POST", PO, {"supplier": w["digi"], "reference": "PO-0010"})
    assert r.status == 400 and r.json() == {"reference": [
        "Purchase Order with this Reference already exists."]}
    r = api.call("POST", PO, {"supplier": w["digi"], "reference": "X-1"})
    assert r.status == 400 and r.json() == {"reference": [
        "Reference must match required pattern: PO-{ref:04d}"]}
    r = api.call("POST", PO, {"supplier": w["acme"]})
    assert r.status == 400 and "supplier" in r.json()
    r = api.call("POST", PO, {"description": "x"})
    assert r.status == 400 and r.json() == {
        "supplier": ["This field is required."]}
    r = api.call("POST", PO, {"supplier": None})
    assert r.status == 400 and list(r.json()) == ["supplier"]
    r = api.call("PATCH", PO + f"{o['pk']}/", {"supplier": None})
    assert r.status == 400 and "supplier" in r.json()
    # status is the actions' alone
    r = api.ok("PATCH", PO + f"{o['pk']}/", {"status": 30,
                                              "supplier_reference": "S-9"})
    assert r["status"] == 10 and r["supplier_reference"] == "S-9"
    assert api.list(PO + f"{o['pk']}/", supplier_detail=True)[
        "supplier_detail"]["name"] == "Mouser"
    r = api.get(PO + "999/")
    assert r.status == 404 and r.json() == {
        "detail": "No PurchaseOrder matches the given query."}


def test_filters_search_ordering(api, w):
    a = api.order(w["mouser"], description="Caps", target_date="2000-01-01")
    b = api.order(w["digi"], supplier_reference="DK-77")
    c = api.order(w["mouser"], target_date="2999-01-01")
    api.line(a["pk"], w["sp_r1"], 5)
    api.line(b["pk"], w["sp_digi"], 5)
    api.line(c["pk"], w["sp_wire"], 1)
    api.action(c["pk"], "cancel")
    assert pks(api.list(PO, supplier=w["mouser"])) == [a["pk"], c["pk"]]
    assert pks(api.list(PO, status=40)) == [c["pk"]]
    assert pks(api.list(PO, outstanding=True)) == [a["pk"], b["pk"]]
    assert pks(api.list(PO, outstanding=False)) == [c["pk"]]
    assert pks(api.list(PO, overdue=True)) == [a["pk"]]
    assert api.list(PO + f"{a['pk']}/")["overdue"] is True
    assert pks(api.list(PO, overdue=False)) == [b["pk"], c["pk"]]
    assert pks(api.list(PO, part=w["r1"])) == [a["pk"], b["pk"]]
    assert pks(api.list(PO, supplier_part=w["sp_wire"])) == [c["pk"]]
    assert pks(api.list(PO, reference="PO-0002")) == [b["pk"]]
    assert pks(api.list(PO, search="dk-77")) == [b["pk"]]
    assert pks(api.list(PO, search="digi")) == [b["pk"]]
    assert pks(api.list(PO, search="caps")) == [a["pk"]]
    refs = [o["reference"] for o in api.list(PO, ordering="reference")]
    assert refs == ["PO-0001", "PO-0002", "PO-0003"]
    refs = [o["reference"] for o in api.list(PO, ordering="-reference")]
    assert refs == ["PO-0003", "PO-0002", "PO-0001"]
    names = [o["supplier_name"] for o in api.list(PO,
                                                   ordering="supplier__name")]
    assert names == ["Digi", "Mouser", "Mouser"]
    page = api.list(PO, limit=2)
    assert page["count"] == 3 and len(page["results"]) == 2
    r = api.get(PO, outstanding="perhaps")
    assert r.status == 400 and "outstanding" in r.json()


# --- lines --------------------------------------------------------------------

def test_line_items(api, w):
    o = api.order(w["mouser"])
    l1 = api.line(o["pk"], w["sp_r1"], 150, reference="A")
    # the price break for 150: the one of 100
    assert l1["purchase_price"] == "0.05" and l1["received"] == 0
    assert l1["purchase_price_currency"] == "USD"
    assert l1["total_price"] == 7.5 and l1["sku"] == "M-R1"
    assert l1["internal_part"] == w["r1"] and l1["ipn"] == "R-001"
    assert l1["internal_part_name"] == "R1" and l1["order"] == o["pk"]
    l2 = api.line(o["pk"], w["sp_wire"], 2, purchase_price="19.5")
    assert l2["purchase_price"] == "19.5"
    l3 = api.line(o["pk"], w["sp_board"], 1)
    assert l3["purchase_price"] is None
    r = api.call("POST", LINE, {"order": o["pk"], "part": w["sp_digi"],
                                "quantity": 1})
    assert r.status == 400 and r.json() == {
        "part": ["Supplier part must match supplier"]}
    r = api.call("POST", LINE, {"order": o["pk"], "part": w["sp_r1"],
                                "quantity": 0})
    assert r.status == 400 and r.json() == {
        "quantity": ["Quantity must be greater than zero"]}
    r = api.call("POST", LINE, {"order": 999, "part": w["sp_r1"],
                                "quantity": 1})
    assert r.status == 400 and "order" in r.json()
    d = api.list(LINE + f"{l1['pk']}/", part_detail=True, order_detail=True,
                 supplier_part_detail=True)
    assert d["part_detail"]["pk"] == w["r1"]
    assert d["order_detail"]["reference"] == o["reference"]
    assert d["supplier_part_detail"]["SKU"] == "M-R1"
    assert pks(api.list(LINE, order=o["pk"])) == sorted(
        [l1["pk"], l2["pk"], l3["pk"]])
    assert pks(api.list(LINE, part=w["sp_wire"])) == [l2["pk"]]
    assert pks(api.list(LINE, base_part=w["r1"])) == [l1["pk"]]
    assert pks(api.list(LINE, has_pricing=False)) == [l3["pk"]]
    assert pks(api.list(LINE, pending=True)) == pks([l1, l2, l3])
    assert pks(api.list(LINE, search="m-wire")) == [l2["pk"]]
    o2 = api.list(PO + f"{o['pk']}/")
    assert o2["line_items"] == 3 and o2["total_price"] == "46.5"
    api.ok("PATCH", LINE + f"{l3['pk']}/", {"quantity": 4})
    api.ok("DELETE", LINE + f"{l3['pk']}/")
    assert api.list(PO + f"{o['pk']}/")["line_items"] == 2
    # a closed order takes no new lines
    api.action(o["pk"], "cancel")
    r = api.call("POST", LINE, {"order": o["pk"], "part": w["sp_r1"],
                                "quantity": 1})
    assert r.status == 400 and r.json() == {"order": ["Order is not open"]}


def test_extra_lines(api, w):
    o = api.order(w["mouser"])
    api.line(o["pk"], w["sp_wire"], 1, purchase_price="10")
    x = api.ok("POST", EXTRA, {"order": o["pk"], "description": "Freight",
                               "price": "7.5", "quantity": 2})
    assert x["price"] == "7.5" and x["total_price"] == 15
    assert x["description"] == "Freight" and x["quantity"] == 2
    assert pks(api.list(EXTRA, order=o["pk"])) == [x["pk"]]
    assert pks(api.list(EXTRA, search="freig")) == [x["pk"]]
    assert api.list(PO + f"{o['pk']}/")["total_price"] == "25.0"
    api.ok("PATCH", EXTRA + f"{x['pk']}/", {"price": "1"})
    assert api.list(PO + f"{o['pk']}/")["total_price"] == "12.0"
    api.ok("DELETE", EXTRA + f"{x['pk']}/")
    assert api.list(EXTRA) == []


def test_delete_order_takes_its_lines(api, w):
    pk, (l1,) = placed_order(api, w, (w["sp_r1"], 3))
    r = api.receive(pk, [{"line_item": l1, "quantity": 1,
                          "location": w["shelf"]}])
    assert r.status == 201
    item = r.json()[0]["pk"]
    # the supplier goes, the order stays (InvenTree's SET_NULL)
    api.ok("DELETE", CO + f"{w['mouser']}/")
    d = api.list(PO + f"{pk}/")
    assert d["supplier"] is None and d["supplier_name"] is None
    api.ok("DELETE", PO + f"{pk}/")
    assert api.list(LINE) == []
    assert api.list(f"/api/stock/{item}/")["purchase_order"] is None


# --- state changes ----------------------------------------------------------

def test_state_changes(api, w):
    o = api.order(w["mouser"])
    pk = o["pk"]
    l1 = api.line(pk, w["sp_r1"], 2)["pk"]

    def status():
        return api.list(PO + f"{pk}/")["status"]

    api.action(pk, "hold")
    assert status() == 25
    api.action(pk, "issue")
    d = api.list(PO + f"{pk}/")
    assert d["status"] == 20 and d["issue_date"] == today()
    assert d["status_text"] == "Placed"
    api.action(pk, "hold")
    assert status() == 25
    api.action(pk, "issue")
    assert status() == 20
    r = api.call("POST", PO + f"{pk}/complete/", {})
    assert r.status == 400 and r.json() == {
        "accept_incomplete": ["Order has incomplete line items"]}
    assert status() == 20
    api.action(pk, "complete", {"accept_incomplete": True})
    d = api.list(PO + f"{pk}/")
    assert d["status"] == 30 and d["complete_date"] == today()
    # nothing changes a complete order; cancelling it is refused
    api.action(pk, "issue")
    api.action(pk, "hold")
    assert status() == 30
    r = api.call("POST", PO + f"{pk}/cancel/", {})
    assert r.status == 400 and r.json() == {
        "non_field_errors": ["Order cannot be cancelled"]}
    # complete needs placed: a pending order stays pending
    p = api.order(w["mouser"])["pk"]
    api.action(p, "complete")
    assert api.list(PO + f"{p}/")["status"] == 10
    api.action(p, "cancel")
    assert api.list(PO + f"{p}/")["status"] == 40
    # a fully received order completes without accept_incomplete
    q, (lq,) = placed_order(api, w, (w["sp_r1"], 1))
    assert api.receive(q, [{"line_item": lq, "quantity": 1}],
                       location=w["shelf"]).status == 201
    api.action(q, "complete")
    assert api.list(PO + f"{q}/")["status"] == 30
    assert api.call("POST", PO + "999/issue/", {}).status == 404
    assert l1


# --- receiving ----------------------------------------------------------------

def test_receive_creates_stock(api, w):
    pk, (l1, l2) = placed_order(api, w, (w["sp_r1"], 10), (w["sp_wire"], 3),
                                destination=w["bin"])
    r = api.receive(pk, [
        {"line_item": l1, "quantity": 4, "batch_code": "B-1",
         "location": w["shelf"], "note": "first box",
         "expiry_date": "2030-01-01", "status": 50},
        {"line_item": l2, "quantity": 2}])
    assert r.status == 201, r
    a, b = r.json()
    assert a["part"] == w["r1"] and a["quantity"] == 4
    assert a["location"] == w["shelf"] and a["batch"] == "B-1"
    assert a["supplier_part"] == w["sp_r1"] and a["purchase_order"] == pk
    assert a["purchase_price"] == "0.1" and a["status"] == 50
    assert a["expiry_date"] == "2030-01-01"
    # packs of 100: 2 packs are 200 m, at 20 a pack 0.2 a metre, into the
    # order's destination, packed as the supplier part says
    assert b["part"] == w["wire"] and b["quantity"] == 200
    assert b["location"] == w["bin"] and b["purchase_price"] == "0.2"
    assert b["packaging"] == "reel"
    lines = {l["pk"]: l for l in api.list(LINE, order=pk)}
    assert lines[l1]["received"] == 4 and lines[l2]["received"] == 2
    track = api.list("/api/stock/track/", item=a["pk"])
    assert [t["tracking_type"] for t in track] == [70]
    assert track[0]["deltas"] == {"location": w["shelf"],
                                  "purchaseorder": pk, "quantity": 4}
    assert api.list(PO + f"{pk}/")["completed_lines"] == 0
    assert pks(api.list("/api/stock/", purchase_order=pk)) == sorted(
        [a["pk"], b["pk"]])
    r = api.receive(pk, [{"line_item": l1, "quantity": 6},
                         {"line_item": l2, "quantity": 1}],
                    location=w["shelf"])
    assert r.status == 201
    assert [i["location"] for i in r.json()] == [w["shelf"], w["shelf"]]
    assert api.list(PO + f"{pk}/")["completed_lines"] == 2
    assert pks(api.list(LINE, received=True)) == sorted([l1, l2])
    part = api.list(f"/api/part/{w['wire']}/")
    assert part["in_stock"] == 300 and part["ordering"] == 0


def test_receive_serials(api, w):
    pk, (l1, l2) = placed_order(api, w, (w["sp_board"], 3), (w["sp_r1"], 2))
    r = api.receive(pk, [{"line_item": l1, "quantity": 3,
                          "serial_numbers": "1-3"}], location=w["shelf"])
    assert r.status == 201, r
    assert sorted(i["serial"] for i in r.json()) == ["1", "2", "3"]
    assert all(i["quantity"] == 1 for i in r.json())
    pk2, (l3,) = placed_order(api, w, (w["sp_board"], 2))
    r = api.receive(pk2, [{"line_item": l3, "quantity": 2,
                           "serial_numbers": "3, 4"}], location=w["shelf"])
    assert r.status == 400
    assert r.json()["items"][0]["serial_numbers"] == [
        "The following serial numbers already exist or are invalid: 3"]
    r = api.receive(pk2, [{"line_item": l3, "quantity": 2,
                           "serial_numbers": "5"}], location=w["shelf"])
    assert r.status == 400 and "serial_numbers" in r.json()["items"][0]
    r = api.receive(pk, [{"line_item": l2, "quantity": 1,
                          "serial_numbers": "9"}], location=w["shelf"])
    assert r.status == 400 and r.json()["items"][0]["serial_numbers"] == [
        "Serial numbers cannot be supplied for a non-trackable part"]


@pytest.mark.parametrize("item,field,message", [
    ({"quantity": 0}, "quantity", "Quantity must be greater than zero"),
    ({"quantity": -1}, "quantity", None),
    ({"quantity": 6}, "quantity", "cannot receive 6.0, only 5.0 outstanding"),
    ({"quantity": 1, "location": None}, "location",
     "Destination location must be specified"),
    ({"quantity": 1, "line_item": 999}, "line_item", None),
    ({"quantity": "x"}, "quantity", None),
])
def test_receive_rules_name_the_line(api, w, item, field, message):
    pk, (l1, l2) = placed_order(api, w, (w["sp_r1"], 5), (w["sp_board"], 1))
    good = {"line_item": l2, "quantity": 1, "location": w["shelf"]}
    bad = dict({"line_item": l1, "location": w["shelf"]}, **item)
    r = api.receive(pk, [good, bad])
    assert r.status == 400, r
    errors = r.json()["items"]
    assert errors[0] == {} and field in errors[1], errors
    if message:
        assert message in errors[1][field][0]
        if field != "line_item":
            assert (str(l1) in errors[1][field][0] or
                    field == "quantity" and "greater" in message)
    # all or nothing: the good line received nothing either
    assert all(l["received"] == 0 for l in api.list(LINE, order=pk))
    assert api.list("/api/stock/") == []


def test_receive_same_line_twice_and_other_orders(api, w):
    pk, (l1,) = placed_order(api, w, (w["sp_r1"], 5))
    other, (lo,) = placed_order(api, w, (w["sp_r1"], 5))
    r = api.receive(pk, [{"line_item": l1, "quantity": 3},
                         {"line_item": l1, "quantity": 3}],
                    location=w["shelf"])
    assert r.status == 400 and r.json()["items"][0] == {}
    assert "only 2.0 outstanding" in r.json()["items"][1]["quantity"][0]
    r = api.receive(pk, [{"line_item": lo, "quantity": 1}],
                    location=w["shelf"])
    assert r.status == 400 and r.json()["items"][0] == {
        "line_item": ["Line item does not match purchase order"]}
    r = api.receive(pk, [], location=w["shelf"])
    assert r.status == 400
    r = api.call("POST", PO + f"{pk}/receive/", {"location": w["shelf"]})
    assert r.status == 400 and "items" in r.json()
    # only a placed order receives
    pending = api.order(w["mouser"])["pk"]
    lp = api.line(pending, w["sp_r1"], 1)["pk"]
    r = api.receive(pending, [{"line_item": lp, "quantity": 1}],
                    location=w["shelf"])
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "Lines can only be received against an order marked as 'PLACED'"]}
    assert api.call("POST", PO + "999/receive/",
                    {"items": []}).status == 404


def test_line_quantity_not_below_received(api, w):
    pk, (l1,) = placed_order(api, w, (w["sp_r1"], 5))
    assert api.receive(pk, [{"line_item": l1, "quantity": 3}],
                       location=w["shelf"]).status == 201
    r = api.call("PATCH", LINE + f"{l1}/", {"quantity": 2})
    assert r.status == 400 and "quantity" in r.json()
    assert api.ok("PATCH", LINE + f"{l1}/", {"quantity": 3})["quantity"] == 3


def test_eight_concurrent_receivers(api, w):
    """Eight receivers of one unit each on a line of five: five get it,
    three are refused, nothing is lost and nothing over-received."""
    pk, (l1, l2) = placed_order(api, w, (w["sp_r1"], 5), (w["sp_wire"], 8))

    def one(i):
        return api.receive(pk, [{"line_item": l1, "quantity": 1},
                                {"line_item": l2, "quantity": 1}],
                           location=w["shelf"]).status

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        codes = list(ex.map(one, range(8)))
    assert sorted(codes) == [201] * 5 + [400] * 3, codes
    lines = {l["pk"]: l for l in api.list(LINE, order=pk)}
    assert lines[l1]["received"] == 5 and lines[l2]["received"] == 5
    items = api.list("/api/stock/", part=w["r1"])
    assert len(items) == 5 and sum(i["quantity"] for i in items) == 5
    wire = api.list("/api/stock/", part=w["wire"])
    assert sum(i["quantity"] for i in wire) == 500
    assert api.list(f"/api/part/{w['r1']}/")["in_stock"] == 5


# --- part figures and what to order -----------------------------------------

def test_part_ordering(api, w):
    def ordering(part):
        return api.list(f"/api/part/{part}/")["ordering"]

    assert ordering(w["r1"]) == 0
    o = api.order(w["mouser"])["pk"]
    l1 = api.line(o, w["sp_r1"], 10)["pk"]
    api.line(o, w["sp_wire"], 2)
    assert ordering(w["r1"]) == 10 and ordering(w["wire"]) == 200
    d = api.order(w["digi"])["pk"]
    api.line(d, w["sp_digi"], 5)
    assert ordering(w["r1"]) == 15
    api.action(o, "issue")
    assert api.receive(o, [{"line_item": l1, "quantity": 4}],
                       location=w["shelf"]).status == 201
    assert ordering(w["r1"]) == 11
    api.action(o, "hold")
    assert ordering(w["r1"]) == 11
    api.action(d, "cancel")
    assert ordering(w["r1"]) == 6
    rows = {p["pk"]: p for p in api.list("/api/part/")}
    assert rows[w["r1"]]["ordering"] == 6 and rows[w["wire"]]["ordering"] == 200
    api.action(o, "issue")
    api.action(o, "complete", {"accept_incomplete": True})
    assert ordering(w["r1"]) == 0 and ordering(w["wire"]) == 0


def test_what_to_order(api, w):
    api.ok("PATCH", f"/api/part/{w['r1']}/", {"minimum_stock": 150})
    api.ok("PATCH", f"/api/part/{w['wire']}/", {"minimum_stock": 250})
    lonely = api.part("Lonely", minimum_stock=3)["pk"]
    api.stock(w["r1"], 20, location=w["shelf"])
    # digi: 0.09 each whatever the quantity; mouser 0.05 from 100
    api.ok("POST", PB, {"part": w["sp_digi"], "quantity": 1, "price": "0.09"})
    # wire: 50 m on order already, 200 more needed: 2 packs of 100
    o = api.order(w["mouser"])["pk"]
    api.ok("POST", LINE, {"order": o, "part": w["sp_wire"],
                          "quantity": "0.5"})
    rows = {r["part"]: r for r in api.list(SUGGEST)}
    assert set(rows) == {w["r1"], w["wire"], lonely}
    r1 = rows[w["r1"]]
    assert r1["needed"] == 130 and r1["supplier_part"] == w["sp_r1"]
    assert r1["quantity"] == 130 and r1["price"] == "0.05"
    assert r1["total_price"] == "6.5" and r1["supplier"] == w["mouser"]
    wire = rows[w["wire"]]
    assert wire["needed"] == 200 and wire["quantity"] == 2
    assert wire["ordering"] == 50 and wire["SKU"] == "M-WIRE"
    assert rows[lonely]["supplier_part"] is None
    made = api.ok("POST", SUGGEST, {})
    assert len(made) == 1 and made[0]["supplier"] == w["mouser"]
    assert made[0]["status"] == 10 and made[0]["line_items"] == 2
    lines = {l["part"]: l for l in api.list(LINE, order=made[0]["pk"])}
    assert lines[w["sp_r1"]]["quantity"] == 130
    assert lines[w["sp_r1"]]["purchase_price"] == "0.05"
    assert lines[w["sp_wire"]]["quantity"] == 2
    # now on order: only the part without a supplier is left
    assert [r["part"] for r in api.list(SUGGEST)] == [lonely]
    assert api.ok("POST", SUGGEST, {}) == []
    # parts= picks which
    api.ok("PATCH", f"/api/part/{w['board']}/", {"minimum_stock": 2})
    api.ok("PATCH", f"/api/part/{w['r1']}/", {"minimum_stock": 1000})
    made = api.ok("POST", SUGGEST, {"parts": [w["board"]]})
    assert len(made) == 1
    assert [l["part"] for l in api.list(LINE, order=made[0]["pk"])] == [
        w["sp_board"]]
    r = api.call("POST", SUGGEST, {"parts": [999]})
    assert r.status == 400 and "parts" in r.json()


# --- permissions and OPTIONS -------------------------------------------------

def test_permissions(site, api, w):
    pk, (l1,) = placed_order(api, w, (w["sp_r1"], 5))
    viewer = OrderApi(site, make_user(site, "po-view",
                                      roles={"purchase_order": ["view"]}))
    assert len(viewer.list(PO)) == 1 and len(viewer.list(LINE)) == 1
    assert viewer.list(SUGGEST) == []
    for method, path, body in (
            ("POST", PO, {"supplier": w["mouser"]}),
            ("PATCH", PO + f"{pk}/", {"description": "x"}),
            ("DELETE", PO + f"{pk}/", None),
            ("POST", LINE, {"order": pk, "part": w["sp_r1"], "quantity": 1}),
            ("POST", PO + f"{pk}/issue/", {}),
            ("POST", PO + f"{pk}/hold/", {}),
            ("POST", PO + f"{pk}/cancel/", {}),
            ("POST", PO + f"{pk}/complete/", {}),
            ("POST", PO + f"{pk}/receive/", {"items": []}),
            ("POST", SUGGEST, {})):
        assert viewer.call(method, path, body).status == 403, (method, path)
    stock_only = OrderApi(site, make_user(site, "stock-only", roles={
        "stock": ["view", "add", "change", "delete"]}))
    for path in (PO, LINE, EXTRA, SUGGEST):
        assert stock_only.get(path).status == 403, path
    assert stock_only.get(PO + "status/").status == 200
    assert OrderApi(site, {}).get(PO).status == 401
    buyer = make_user(site, "buyer", roles={
        "purchase_order": ["view", "add", "change", "delete"]})
    OrderApi(site, buyer).receive(pk, [{"line_item": l1, "quantity": 1}],
                                  location=w["shelf"])
    roles = site.cgi("user", path="/api/user/roles/", headers=buyer).json()
    assert roles["roles"]["purchase_order"] == ["view", "add", "change",
                                                "delete"]
    for model in ("purchaseorder", "purchaseorderlineitem",
                  "purchaseorderextraline"):
        assert roles["permissions"][model] == ["view", "add", "change",
                                               "delete"], model


def test_options(api):
    r = api.call("OPTIONS", PO)
    assert r.status == 200
    post = r.json()["actions"]["POST"]
    assert post["supplier"]["type"] == "related field"
    assert post["supplier"]["model"] == "company"
    assert post["supplier"]["required"] is True
    assert post["reference"]["required"] is False
    assert "status" not in post or post["status"]["read_only"] is True
    line = api.call("OPTIONS", LINE).json()["actions"]["POST"]
    assert line["part"]["model"] == "supplierpart"
    assert line["order"]["api_url"] == "/api/order/po/"
    r = api.call("OPTIONS", PO + "1/receive/")
    assert r.status == 200
    items = r.json()["actions"]["POST"]["items"]
    assert "line_item" in items["child"]["children"]
