"""The mobile app's own requests, replayed at the apiVersion Stockroom
reports, and what the app's code needs of each answer.

Read from inventree-app at commit 06013b3ac5f03858c4be3f7d494d8fd3821c030a
(lib/api.dart, lib/api_form.dart, lib/inventree/*.dart, lib/widget/...):
at apiVersion 495 it signs in through user/me/token/ and user/me/roles/
(from 490; user/token/ and user/roles/ before), loads the status codes (105),
reads two global settings, browses from the top level with
cascade=true (174), shows a part's requirements (350), searches with one
POST search/ whose body names suppliers, manufacturers and customers apart
(315), reads a part's parameters at parameter/ (429), opens the four
stock dialogs (OPTIONS, then the POST the form
builds: items with pk, quantity, and status and packaging from 133) and
scans, links and unlinks barcodes, and prints a label (lib/labels.dart,
apiVersion 201 on: the form from OPTIONS label/print/, its templates
filtered by model_type and items, the POST, the data output's "output"
downloaded)."""
import base64
import json
import urllib.parse

import pytest

from conftest import ADMIN_PASSWORD
from inventory_api import Api

APP_COMMIT = "06013b3ac5f03858c4be3f7d494d8fd3821c030a"
PROGRAMS = (("/api/part", "part"), ("/api/stock", "stock"),
            ("/api/user", "user"), ("/api/settings", "settings"),
            ("/api/barcode", "barcode"), ("/api/attachment", "attachment"),
            ("/api/notifications", "notifications"),
            ("/api/parameter", "parameter"), ("/api/plugins", "plugin"),
            ("/api/label", "label"), ("/api/data-output", "dataoutput"))


class App:
    """Requests as the app sends them: its Token header, JSON bodies,
    query parameters as Dart's Uri encodes them."""

    def __init__(self, site, token=None):
        self.site = site
        self.headers = {"Authorization": f"Token {token}"} if token else {}

    def call(self, method, url, params=None, body=None, headers=None):
        path = "/api/" + url
        prog = next((p for prefix, p in PROGRAMS
                     if path.startswith(prefix)), "api")
        q = urllib.parse.urlencode(params or {}, quote_via=urllib.parse.quote)
        return self.site.cgi(prog, method=method, path=path, query=q,
                             body=body, headers=dict(self.headers,
                                                     **(headers or {})))


@pytest.fixture
def world(site, admin):
    api = Api(site, admin)
    top = api.category("Electronics")
    sub = api.category("Capacitors", parent=top["pk"])
    p = api.part("Capacitor 100nF 0603", category=sub["pk"],
                 description="ceramic")
    q = api.part("Resistor 10k 0805", category=top["pk"])
    shelf = api.location("Shelf")
    bin_ = api.location("Bin 1", parent=shelf["pk"])
    item = api.stock(p["pk"], 10, bin_["pk"])
    api.stock(q["pk"], 5, shelf["pk"])
    return dict(top=top["pk"], sub=sub["pk"], part=p["pk"], shelf=shelf["pk"],
                bin=bin_["pk"], item=item["pk"])


@pytest.fixture
def app(site, admin, world):
    """Signed in as the app signs in (api.dart connectToServer)."""
    anon = App(site)
    r = anon.call("GET", "")
    assert r.status == 200
    info = r.json()
    assert info["version"]                      # serverVersion not empty
    assert info["apiVersion"] >= 100            # _minApiVersion
    # supportsModernUserEndpoints: the token (and roles) under user/me/
    token_url = "user/me/token/" if info["apiVersion"] >= 490 else \
        "user/token/"
    basic = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    r = anon.call("GET", token_url,
                  params={"name": "inventree-mobile-app-linux"},
                  headers={"Authorization": "Basic " + basic})
    assert r.status == 200 and r.json()["token"]
    a = App(site, r.json()["token"])
    a.api_version = info["apiVersion"]
    return a


def test_sign_in_roles_and_status_codes(app):
    me = app.call("GET", "user/me/")
    assert me.status == 200 and me.json()["username"] == "admin"
    roles = app.call("GET", "user/me/roles/" if app.api_version >= 490
                     else "user/roles/")
    assert roles.status == 200
    d = roles.json()
    assert isinstance(d["roles"], dict) and "stock" in d["roles"]
    assert app.api_version >= 207 and "permissions" in d  # supportsUser...
    # plugins: the app keeps the active ones; none, in InvenTree's shape
    r = app.call("GET", "plugins/", params={"limit": 100, "offset": 0})
    assert r.status == 200 and r.json() == {"count": 0, "next": None,
                                            "previous": None, "results": []}
    r = app.call("GET", "plugins/")
    assert r.status == 200 and r.json() == []
    # fetchStatusCodeData: loaded when the answer is 200 with "values"
    for url, code, label in (("stock/track/status/", 11,
                              "Stock manually added"),
                             ("stock/status/", 10, "OK")):
        r = app.call("GET", url)
        assert r.status == 200, url
        vals = r.json()["values"]
        hit = [v for v in vals.values() if v["key"] == code]
        assert hit and hit[0]["label"] == label and hit[0]["name"]
    assert app.call("GET", "order/po/status/").status == 404


def test_global_settings_the_app_reads(app):
    for key in ("STOCK_ENABLE_EXPIRY", "PROJECT_CODES_ENABLED"):
        r = app.call("GET", f"settings/global/{key}/")
        assert r.status == 200
        # getGlobalBooleanSetting: value.toLowerCase().trim() == "true"
        assert r.json()["value"].lower().strip() == "false"


def test_browse_from_the_top(app, world):
    # Parts tab at the top: category=null, cascade from the filter
    # options (default true), active=true, ordering "+name"
    r = app.call("GET", "part/", params={
        "category": "null", "cascade": "true", "active": "true",
        "ordering": "+name", "category_detail": "true", "limit": 25,
        "offset": 0})
    assert r.status == 200
    page = r.json()
    assert page["count"] == 2
    assert [p["name"] for p in page["results"]] == [
        "Capacitor 100nF 0603", "Resistor 10k 0805"]
    assert page["results"][0]["category_detail"]["pk"] == world["sub"]
    # subcategories at the top: no parent filter from 174 on
    r = app.call("GET", "part/category/", params={
        "cascade": "false", "ordering": "+pathstring", "limit": 25,
        "offset": 0})
    assert [c["pk"] for c in r.json()["results"]] == [world["top"]]
    r = app.call("GET", "part/category/", params={
        "cascade": "true", "ordering": "+pathstring", "limit": 25,
        "offset": 0})
    assert r.json()["count"] == 2
    # Stock tab at the top
    r = app.call("GET", "stock/", params={
        "location": "null", "cascade": "true", "part_detail": "true",
        "location_detail": "true", "supplier_detail": "true",
        "supplier_part_detail": "true", "in_stock": "true",
        "ordering": "+part__name", "limit": 25, "offset": 0})
    assert r.status == 200 and r.json()["count"] == 2
    r = app.call("GET", "stock/location/", params={
        "cascade": "false", "ordering": "+pathstring", "limit": 25,
        "offset": 0})
    assert [x["pk"] for x in r.json()["results"]] == [world["shelf"]]


def test_part_detail(app, world):
    pk = world["part"]
    r = app.call("GET", f"part/{pk}/")
    assert r.status == 200 and r.json()["pk"] == pk
    # supportsPartRequirements (350): getDouble of each member
    req = app.call("GET", f"part/{pk}/requirements/")
    assert req.status == 200
    for k in ("can_build", "ordering", "building", "scheduled_to_build",
              "required_for_build_orders", "allocated_to_build_orders",
              "required_for_sales_orders", "allocated_to_sales_orders"):
        assert isinstance(req.json()[k], (int, float)), k
    # attachments (207): the generic list, counted
    r = app.call("GET", "attachment/", params={
        "model_type": "part", "model_id": pk, "limit": 1})
    assert r.status == 200 and r.json()["count"] == 0
    # parameters (429): the generic list of the part's, counted, then read
    assert app.api_version >= 429
    r = app.call("GET", "parameter/", params={
        "model_type": "part", "model_id": pk, "limit": 1})
    assert r.status == 200 and r.json()["count"] == 0
    r = app.call("GET", "parameter/", params={
        "model_type": "part", "model_id": pk})
    assert r.status == 200 and r.json() == []
    # stock of the part
    r = app.call("GET", "stock/", params={"part": pk, "in_stock": "true",
                                          "limit": 25, "offset": 0})
    assert [i["pk"] for i in r.json()["results"]] == [world["item"]]


def test_search(app, world):
    body = {"limit": 1, "search": "capacitor 0603", "part": {},
            "partcategory": {}, "stockitem": {}, "stocklocation": {},
            "purchaseorder": {}, "salesorder": {}, "supplierpart": {},
            "manufacturerpart": {}}
    assert app.api_version >= 315     # supportsSplitCompanySearch
    body.update({"supplier": {}, "manufacturer": {}, "customer": {}})
    r = app.call("POST", "search/", body=body)
    assert r.status == 200
    d = r.json()
    # getSearchResultCount: results[model]["count"], 0 when absent
    assert d["part"]["count"] == 1
    assert d["part"]["results"][0]["pk"] == world["part"]
    assert d["stockitem"]["count"] == 1
    for absent in ("supplier", "manufacturer", "customer"):
        assert "count" not in d.get(absent, {})
    # purchase orders are served (issue 15): searched, none match
    assert d["purchaseorder"]["count"] == 0


def form_fields(options):
    """extractFields (api_form.dart): actions.POST, else PUT."""
    a = options["actions"]
    return a.get("POST") or a.get("PUT") or {}


def lookup(fields, path):
    """extractFieldDefinition: a dotted path into the server's fields."""
    d = fields
    for k in path.split("."):
        d = d.get(k, {}) if isinstance(d, dict) else {}
    return d


@pytest.mark.parametrize("dialog", ["count", "add", "remove", "transfer"])
def test_stock_dialogs(app, world, dialog):
    item = app.call("GET", f"stock/{world['item']}/").json()
    url = f"stock/{dialog}/"
    opts = app.call("OPTIONS", url)
    assert opts.status == 200
    fields = form_fields(opts.json())
    assert fields, "empty: the app says permission denied"
    nested = ["pk", "quantity"]
    top = ["notes"]
    if dialog == "transfer":
        nested += ["status", "packaging"]    # supportsStockAdjustExtra...
        top += ["location"]
    for name in nested:
        d = lookup(fields, f"items.child.children.{name}")
        assert d.get("type"), (dialog, name)
    pk_def = lookup(fields, "items.child.children.pk")
    assert pk_def["model"] == "stockitem" and pk_def["api_url"]
    for name in top:
        assert lookup(fields, name).get("type"), (dialog, name)
    if dialog == "transfer":
        loc = lookup(fields, "location")
        assert loc["model"] == "stocklocation" and loc["api_url"]
        st = lookup(fields, "items.child.children.status")
        assert any(c["value"] == 10 for c in st["choices"])
    # the POST the form builds
    qty = {"count": 12, "add": 3, "remove": 2, "transfer": 4}[dialog]
    one = {"pk": item["pk"], "quantity": qty}
    body = {"items": [one], "notes": f"app {dialog}"}
    if dialog == "transfer":
        one.update(status=item["status"], packaging=item["packaging"])
        body["location"] = world["shelf"]
    r = app.call("POST", url, body=body)
    assert r.status in (200, 201), r      # api_form: 200 or 201 succeed
    after = app.call("GET", f"stock/{world['item']}/").json()
    want = {"count": 12, "add": 13, "remove": 8, "transfer": 6}[dialog]
    assert float(after["quantity"]) == want


def test_barcodes(app, world):
    pk = world["item"]
    # scan InvenTree's own form: the answer names the model with its pk
    r = app.call("POST", "barcode/", body={"barcode": json.dumps(
        {"stockitem": pk})})
    assert r.status == 200 and r.json()["stockitem"]["pk"] == pk
    # link a third-party barcode (linkBarcode: 200 is success)
    r = app.call("POST", "barcode/link/", body={"barcode": "ABC-0001",
                                                "stockitem": str(pk)})
    assert r.status == 200, r
    r = app.call("POST", "barcode/", body={"barcode": "ABC-0001"})
    assert r.status == 200 and r.json()["stockitem"]["pk"] == pk
    assert "barcode_hash" in r.json()
    # unlink (unlinkBarcode: 200 is success), then no match
    r = app.call("POST", "barcode/unlink/", body={"stockitem": pk})
    assert r.status == 200, r
    r = app.call("POST", "barcode/", body={"barcode": "ABC-0001"})
    assert r.status == 400 and "error" in r.json()


@pytest.mark.parametrize("model,key", [("part", "part"),
                                       ("stockitem", "item"),
                                       ("stocklocation", "bin")])
def test_print_label(app, world, model, key):
    """selectAndPrintLabel / handlePrintingSuccess (lib/labels.dart)."""
    pk = world[key]
    assert app.api_version >= 201          # supportsModernLabelPrinting
    opts = app.call("OPTIONS", "label/print/")
    assert opts.status == 200
    fields = form_fields(opts.json())
    tpl = lookup(fields, "template")
    assert tpl["model"] == "labeltemplate" and tpl["api_url"]
    assert lookup(fields, "plugin").get("type")
    # the template field's choices: the form's filters, as the related
    # field's dropdown asks
    r = app.call("GET", "label/template/", params={
        "enabled": "true", "model_type": model, "items": str(pk),
        "limit": 25, "offset": 0, "search": ""})
    assert r.status == 200 and r.json()["count"] == 4
    t = r.json()["results"][0]
    # the POST the form builds (plugin: the default, none chosen)
    r = app.call("POST", "label/print/", body={"template": t["pk"],
                                                "plugin": None,
                                                "items": [pk]})
    assert r.status == 201, r              # api_form: 200 or 201 succeed
    data = r.json()
    assert data["pk"] > 0 and data["complete"] is True
    assert data["errors"] is None and data["output"]
    again = app.call("GET", f"data-output/{data['pk']}/")
    assert again.status == 200 and again.json()["complete"] is True
    # downloadFile(output), with the app's token
    f = app.site.cgi("media", path=data["output"], headers=app.headers)
    assert f.status == 200 and f.body.startswith(b"%PDF-")
