"""CGI-level tests of barcode.cgi (/api/barcode/...): InvenTree's barcode
API as its built-in plugin answers it (src/backend/InvenTree/plugin/base/
barcodes/api.py and plugin/builtin/barcodes/inventree_barcode.py), with the
request shapes of inventree-python (api.py scanBarcode(), base.py
assignBarcode() / unassignBarcode()) and the mobile app."""
import hashlib
import json
import sqlite3

import pytest

from conftest import make_user
from inventory_api import Api

NO_MATCH = "No match found for barcode data"


def post(site, headers, path, body):
    return site.cgi("barcode", method="POST", path=path, body=body,
                    headers=headers)


def scan(site, headers, data):
    return post(site, headers, "/api/barcode/", {"barcode": data})


def link(site, headers, body):
    return post(site, headers, "/api/barcode/link/", body)


def unlink(site, headers, body):
    return post(site, headers, "/api/barcode/unlink/", body)


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def stored(site, table, pk):
    db = site.db()
    row = db.execute(f"SELECT barcode_data, barcode_hash FROM {table} "
                     "WHERE id = ?", (pk,)).fetchone()
    db.close()
    return row


@pytest.fixture
def inv(site, admin):
    """A part, a location and an item of the part there."""
    api = Api(site, admin)
    loc = api.location("Shelf A")
    part = api.part("Resistor 10k")
    item = api.stock(part["pk"], 5, location=loc["pk"])
    return {"part": part["pk"], "stocklocation": loc["pk"],
            "stockitem": item["pk"]}


PATHS = {"part": ("/api/part/", "/part/"),
         "stocklocation": ("/api/stock/location/", "/location/"),
         "stockitem": ("/api/stock/", "/stock/")}


@pytest.mark.parametrize("model", ["part", "stocklocation", "stockitem"])
def test_scan_json_form(site, admin, inv, model):
    pk = inv[model]
    data = json.dumps({model: pk})
    r = scan(site, admin, data)
    assert r.status == 200, r
    b = r.json()
    assert b["success"] == "Match found for barcode data"
    assert b["plugin"] == "InvenTreeBarcode"
    assert b["barcode_data"] == data
    assert b["barcode_hash"] == md5(data)
    api, web = PATHS[model]
    m = b[model]
    assert m["pk"] == pk
    assert m["api_url"] == f"{api}{pk}/"
    assert m["web_url"] == f"{web}{pk}"
    assert m["instance"]["pk"] == pk
    assert set(b) == {model, "success", "plugin", "barcode_data",
                      "barcode_hash"}
    # A pk given as text, as int() takes it.
    r = scan(site, admin, json.dumps({model: f" {pk} "}))
    assert r.status == 200 and r.json()[model]["pk"] == pk


@pytest.mark.parametrize("model,code", [("part", "PA"),
                                        ("stocklocation", "SL"),
                                        ("stockitem", "SI")])
def test_scan_short_form(site, admin, inv, model, code):
    pk = inv[model]
    for data in (f"INV-{code}{pk}", f"INV-{code}00{pk}"):
        r = scan(site, admin, data)
        assert r.status == 200, r
        assert r.json()[model]["pk"] == pk
        assert r.json()["barcode_data"] == data
    r = scan(site, admin, f"INV-{code}9999")
    assert r.status == 400 and r.json()["error"] == NO_MATCH


def test_scan_no_match_and_missing_object(site, admin, inv):
    r = scan(site, admin, "blbla=10008")
    assert r.status == 400
    # Django REST framework makes every leaf of the error a string.
    assert r.json() == {"plugin": "None", "barcode_data": "blbla=10008",
                        "barcode_hash": md5("blbla=10008"),
                        "error": NO_MATCH}
    # Older InvenTree's {"part": {"id": 1}} is no match for the current one.
    for data in ('{"stockitem": 999}', '{"part": "x"}', '{"part": null}',
                 '{"part": {"id": 1}}', '{"stockitem": {"id": 1}}',
                 '{"supplierpart": 1}', "[1, 2]", "INV-XX1", "INV-PA"):
        r = scan(site, admin, data)
        assert r.status == 400, (data, r)
        assert r.json()["error"] == NO_MATCH
    # A form naming a missing object falls through to the next model.
    r = scan(site, admin, json.dumps({"part": 999,
                                      "stockitem": inv["stockitem"]}))
    assert r.status == 200 and "stockitem" in r.json()


def test_link_scan_unlink(site, admin, inv):
    data = "xyz-123"
    r = link(site, admin, {"barcode": data, "part": inv["part"]})
    assert r.status == 200, r
    assert r.json() == {"success": "Assigned barcode to part instance",
                        "part": {"pk": inv["part"]}, "barcode_data": data,
                        "barcode_hash": "bc39d07e9a395c7b5658c231bf910fae"}
    assert stored(site, "part", inv["part"]) == (
        data, "bc39d07e9a395c7b5658c231bf910fae")
    # The resource shows the hash (read-only through the normal API).
    api = Api(site, admin)
    p = api.get(f"/api/part/{inv['part']}/").json()
    assert p["barcode_hash"] == "bc39d07e9a395c7b5658c231bf910fae"
    api.ok("PATCH", f"/api/part/{inv['part']}/", {"barcode_hash": "x"})
    assert stored(site, "part", inv["part"])[1] == md5(data)

    r = scan(site, admin, data)
    assert r.status == 200 and r.json()["part"]["pk"] == inv["part"]
    # Stripped; control characters (a GS1 separator) left out of the hash.
    for same in (f"  {data}\n", "xyz\x1d-123", "xyz-\u200b123"):
        r = scan(site, admin, same)
        assert r.status == 200, (same, r)
        assert r.json()["barcode_hash"] == md5(data)
    # Case-sensitive, as md5 is.
    assert scan(site, admin, "XYZ-123").status == 400

    r = unlink(site, admin, {"part": inv["part"]})
    assert r.status == 200, r
    assert r.json() == {"success": "Barcode unassigned from part instance"}
    assert stored(site, "part", inv["part"]) == ("", "")
    assert scan(site, admin, data).status == 400


@pytest.mark.parametrize("model,table,want", [
    ("stocklocation", "stock_location", "4aa63f5e55e85c1f842796bf74896dbb"),
    ("stockitem", "stock_item", None)])
def test_link_location_and_item(site, admin, inv, model, table, want):
    data = ("555555555555555555555555" if model == "stocklocation"
            else '{"blbla": 10007}')
    r = link(site, admin, {"barcode": data, model: inv[model]})
    assert r.status == 200, r
    h = want or "2f5dba5c83a360599ba7665b2a4131c6"
    assert r.json()["barcode_hash"] == h
    assert stored(site, table, inv[model]) == (data, h)
    r = scan(site, admin, data)
    assert r.status == 200 and r.json()[model]["pk"] == inv[model]
    if model == "stockitem":
        # The history's item_detail shows it too.
        api = Api(site, admin)
        t = api.get("/api/stock/track/", item=inv[model],
                    item_detail=True).json()
        assert t[0]["item_detail"]["barcode_hash"] == h
    assert unlink(site, admin, {model: inv[model]}).status == 200
    assert stored(site, table, inv[model]) == ("", "")


def test_app_requests(site, admin, inv):
    """The mobile app (lib/barcode/barcode.dart, lib/api.dart) links with
    the pk as text and reads barcode_data and barcode_hash of an unknown
    scan; a scanned object's barcode_hash tells it to offer unlink."""
    r = scan(site, admin, "  SUPPLIER-0815 ")
    assert r.status == 400
    assert r.json()["barcode_data"] == "SUPPLIER-0815"
    assert "barcode_hash" in r.json()
    r = link(site, admin, {"stocklocation": str(inv["stocklocation"]),
                           "barcode": "SUPPLIER-0815"})
    assert r.status == 200, r
    loc = Api(site, admin).get(
        f"/api/stock/location/{inv['stocklocation']}/").json()
    assert loc["barcode_hash"] == md5("SUPPLIER-0815")
    r = scan(site, admin, "SUPPLIER-0815")
    assert r.status == 200 and "success" in r.json()
    assert r.json()["stocklocation"]["pk"] == inv["stocklocation"]
    r = unlink(site, admin, {"stocklocation": str(inv["stocklocation"])})
    assert r.status == 200


def test_link_conflicts(site, admin, inv):
    assert link(site, admin, {"barcode": "abc", "part": inv["part"]}
                ).status == 200
    for data in ("abc", json.dumps({"part": inv["part"]}),
                 f"INV-SL{inv['stocklocation']}"):
        r = link(site, admin, {"barcode": data,
                               "stockitem": inv["stockitem"]})
        assert r.status == 400, r
        b = r.json()
        assert b["error"] == "Barcode matches existing item"
        assert b["plugin"] == "InvenTreeBarcode"
        assert b["barcode_data"] == data
        model = "stocklocation" if data.startswith("INV-") else "part"
        assert b[model]["pk"] == str(inv[model])   # DRF's strings
    assert stored(site, "stock_item", inv["stockitem"]) == ("", "")


def test_link_and_unlink_errors(site, admin, inv):
    r = link(site, admin, {"barcode": "abcde"})
    assert r.status == 400
    assert r.json() == {"error": "Missing data: provide one of "
                        "'['part', 'stocklocation', 'stockitem', "
                        "'supplierpart', 'manufacturerpart', 'purchaseorder', "
                        "'build']'"}
    r = link(site, admin, {"barcode": "abcde", "part": 999})
    assert r.status == 400
    assert r.json() == {"part": ['Invalid pk "999" - object does not exist.']}
    r = link(site, admin, {"barcode": "abcde", "stockitem": "invalid"})
    assert r.status == 400 and "stockitem" in r.json()
    r = link(site, admin, {"barcode": "x" * 501, "part": inv["part"]})
    assert r.status == 400
    assert r.json() == {"barcode": [
        "Ensure this field has no more than 500 characters."]}
    # Two models: the first in InvenTree's order.
    r = link(site, admin, {"barcode": "two", "part": inv["part"],
                           "stockitem": inv["stockitem"]})
    assert r.status == 200 and "part" in r.json()
    assert stored(site, "stock_item", inv["stockitem"]) == ("", "")

    r = unlink(site, admin, {})
    assert r.status == 400
    assert r.json() == {"error": "Missing data: Provide one of "
                        "'part, stocklocation, stockitem, supplierpart, "
                        "manufacturerpart, purchaseorder, build'"}
    r = unlink(site, admin, {"part": inv["part"],
                             "stockitem": inv["stockitem"]})
    assert r.status == 400
    assert r.json()["error"].startswith("Multiple conflicting fields:")
    r = unlink(site, admin, {"part": None})
    assert r.status == 400
    assert r.json() == {"error": "Could not unassign barcode"}
    r = unlink(site, admin, {"part": 99999})
    assert r.status == 400 and "object does not exist" in r.json()["part"][0]


def test_scan_input(site, admin, inv):
    r = post(site, admin, "/api/barcode/", {})
    assert r.status == 400
    assert r.json() == {"barcode": ["This field is required."]}
    r = scan(site, admin, "   ")
    assert r.json() == {"barcode": ["This field may not be blank."]}
    r = scan(site, admin, "x" * 4096)
    assert r.status == 400
    assert r.json() == {"barcode": [
        "Ensure this field has no more than 4095 characters."]}
    assert scan(site, admin, "x" * 4095).status == 400   # no match
    r = scan(site, admin, {"part": 1})
    assert r.json() == {"barcode": ["Not a valid string."]}
    r = post(site, admin, "/api/barcode/", [])
    assert r.status == 400
    # A number is its text.
    r = scan(site, admin, 12345)
    assert r.status == 400 and r.json()["barcode_data"] == "12345"
    # Form-encoded bodies as well.
    r = site.cgi("barcode", method="POST", path="/api/barcode/",
                 body="barcode=INV-PA%d" % inv["part"], headers=admin,
                 content_type="application/x-www-form-urlencoded")
    assert r.status == 200 and r.json()["part"]["pk"] == inv["part"]


def test_permissions(site, admin, inv):
    viewer = make_user(site, "viewer", {"part": ["view"],
                                        "stock": ["view"],
                                        "stock_location": ["view"]})
    r = scan(site, viewer, json.dumps({"part": inv["part"]}))
    assert r.status == 200
    for model in ("part", "stockitem", "stocklocation"):
        r = link(site, viewer, {"barcode": "view-only", model: inv[model]})
        assert r.status == 403, r
        assert r.json()["error"].startswith(
            "You do not have the required permissions for <class '")
        r = unlink(site, viewer, {model: inv[model]})
        assert r.status == 403, r
    assert stored(site, "part", inv["part"]) == ("", "")

    # Change on parts only: parts may be linked, items not.
    clerk = make_user(site, "clerk", {"part": ["change"]})
    assert link(site, clerk, {"barcode": "clerk", "part": inv["part"]}
                ).status == 200
    assert link(site, clerk, {"barcode": "clerk2",
                              "stockitem": inv["stockitem"]}).status == 403
    # A match the user may not view.
    r = scan(site, clerk, json.dumps({"stockitem": inv["stockitem"]}))
    assert r.status == 403
    r = post(site, clerk, "/api/barcode/generate/",
             {"model": "stockitem", "pk": inv["stockitem"]})
    assert r.status == 403

    r = site.cgi("barcode", method="POST", path="/api/barcode/",
                 body={"barcode": "x"})
    assert r.status == 401


@pytest.mark.parametrize("model", ["part", "stocklocation", "stockitem"])
def test_generate_round_trip(site, admin, inv, model):
    r = post(site, admin, "/api/barcode/generate/",
             {"model": model, "pk": inv[model]})
    assert r.status == 200, r
    assert r.json() == {"barcode": '{"%s": %d}' % (model, inv[model])}
    r = scan(site, admin, r.json()["barcode"])
    assert r.status == 200 and r.json()[model]["pk"] == inv[model]


def test_generate_errors(site, admin, inv):
    gen = "/api/barcode/generate/"
    r = post(site, admin, gen, {"model": "salesorder", "pk": 1})
    assert r.status == 400 and r.json() == {"model": [
        "Model is not supported"]}
    r = post(site, admin, gen, {"model": "part", "pk": 999})
    assert r.status == 400 and r.json() == {"error":
                                            "Model instance not found"}
    r = post(site, admin, gen, {"model": "part"})
    assert r.json() == {"pk": ["This field is required."]}
    r = post(site, admin, gen, {"model": "part", "pk": "x"})
    assert r.json() == {"pk": ["A valid integer is required."]}


def test_options(site, admin):
    r = site.cgi("barcode", method="OPTIONS", path="/api/barcode/link/",
                 headers=admin)
    assert r.status == 200, r
    post_fields = r.json()["actions"]["POST"]
    assert {"barcode", "part", "stockitem", "stocklocation"} <= set(
        post_fields)
    assert post_fields["stockitem"]["model"] == "stockitem"


def test_fastcgi_request_after_request(site, admin, inv):
    """One FastCGI process (kept statements) scans, links, conflicts and
    unlinks, answering as the CGI runs above."""
    from test_fastcgi import FastCGI
    f = FastCGI(site, "barcode")
    try:
        def call(path, body):
            return f.request("POST", path, body=body, headers=admin)
        for _ in range(2):
            assert call("/api/barcode/", {"barcode": "fcgi-1"}).status == 400
            r = call("/api/barcode/link/", {"barcode": "fcgi-1",
                                            "stockitem": inv["stockitem"]})
            assert r.status == 200, r
            r = call("/api/barcode/link/", {"barcode": "fcgi-1",
                                            "part": inv["part"]})
            assert r.status == 400, r
            r = call("/api/barcode/", {"barcode": "fcgi-1"})
            assert r.status == 200, r
            assert r.json()["stockitem"]["pk"] == inv["stockitem"]
            r = call("/api/barcode/unlink/", {"stockitem": inv["stockitem"]})
            assert r.status == 200, r
        assert f.stop() == 0
    finally:
        f.close()


@pytest.fixture
def purchasing(site, admin):
    """A supplier part, a manufacturer part, a purchase order and a build
    order: the other models InvenTree's barcodes name."""
    api = Api(site, admin)
    acme = api.ok("POST", "/api/company/", {
        "name": "Acme", "is_supplier": True, "is_manufacturer": True})
    part = api.part("Capacitor 100n", purchaseable=True)
    asm = api.part("Board", assembly=True)
    mp = api.ok("POST", "/api/company/part/manufacturer/", {
        "part": part["pk"], "manufacturer": acme["pk"], "MPN": "C100N"})
    sp = api.ok("POST", "/api/company/part/", {
        "part": part["pk"], "supplier": acme["pk"], "SKU": "AC-100N"})
    po = api.ok("POST", "/api/order/po/", {"supplier": acme["pk"],
                                           "reference": "PO-0001"})
    bo = api.ok("POST", "/api/build/", {"part": asm["pk"], "quantity": 2,
                                        "reference": "BO-0001"})
    return {"supplierpart": sp, "manufacturerpart": mp, "purchaseorder": po,
            "build": bo}


OTHER_MODELS = [("supplierpart", "SP", "company", "supplier_part"),
                ("manufacturerpart", "MP", "company",
                 "manufacturer_part"),
                ("purchaseorder", "PO", "order", "purchase_order"),
                ("build", "BO", "build", "build")]


@pytest.mark.parametrize("model,code,_program,table", OTHER_MODELS)
def test_other_models_scan_link_unlink(site, admin, purchasing, model, code,
                                       _program, table):
    """Supplier and manufacturer parts, purchase orders and build orders
    are found by InvenTree's JSON and short forms, and take a linked
    third-party barcode (a supplier's label on the bag)."""
    obj = purchasing[model]
    pk = obj["pk"]
    for data in (json.dumps({model: pk}), f"INV-{code}{pk}"):
        r = scan(site, admin, data)
        assert r.status == 200, (data, r)
        m = r.json()[model]
        assert m["pk"] == pk and m["instance"]["pk"] == pk
        assert m["api_url"].endswith(f"/{pk}/")
    assert scan(site, admin, f"INV-{code}9999").status == 400

    data = f"vendor label {model}"
    r = link(site, admin, {"barcode": data, model: pk})
    assert r.status == 200, r
    assert r.json()["success"] == f"Assigned barcode to {model} instance"
    assert stored(site, table, pk) == (data, md5(data))
    r = scan(site, admin, data)
    assert r.status == 200 and r.json()[model]["pk"] == pk
    # The object's own answer shows the hash, as InvenTree's serializer.
    detail = Api(site, admin).get(m["api_url"])
    assert detail.json()["barcode_hash"] == md5(data)
    # The same label on a part is refused: it already names this object.
    r = link(site, admin, {"barcode": data, "part": purchasing[
        "supplierpart"]["part"]})
    assert r.status == 400 and model in r.json()
    r = unlink(site, admin, {model: pk})
    assert r.status == 200, r
    assert stored(site, table, pk) == ("", "")
    assert scan(site, admin, data).status == 400


def test_other_models_need_their_permissions(site, admin, purchasing):
    """A scan answers an object only to a user who may view it; a link
    needs the change permission of the object's model."""
    clerk = make_user(site, "stockclerk", {"stock": ["view"]})
    sp = purchasing["supplierpart"]["pk"]
    r = scan(site, clerk, json.dumps({"supplierpart": sp}))
    assert r.status == 403
    r = link(site, clerk, {"barcode": "label-x", "supplierpart": sp})
    assert r.status == 403
    assert stored(site, "supplier_part", sp) == ("", "")
