"""Export (issue 18, lib/export.c): any list of the resource layer as CSV,
XLSX or JSON with its filters, search and ordering; InvenTree's
?export=true&export_format= (a DataOutput pointing at the file) and the
older ?export=<format>; related names; CSV injection neutralised; view
permission; bad formats."""
import csv
import io
import json
import urllib.parse
import zipfile

import pytest

from conftest import make_user
from inventory_api import Api

PO = "/api/order/po/"
CO = "/api/company/"
SP = "/api/company/part/"


class ExportApi(Api):
    def export(self, path, fmt, expect=200, **params):
        r = self.get(path, export=fmt, **params)
        assert r.status == expect, r
        return r

    def rows(self, path, **params):
        r = self.export(path, "csv", **params)
        assert r.header("Content-Type").startswith("text/csv")
        text = r.body.decode("utf-8")
        return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def api(site, admin):
    return ExportApi(site, admin)


@pytest.fixture
def w(api):
    cat = api.category("Electronics")["pk"]
    sub = api.category("Resistors", parent=cat)["pk"]
    loc = api.location("Shelf")["pk"]
    box = api.location("Box", parent=loc)["pk"]
    r1 = api.part("R1", category=sub, IPN="R-001",
                  description="=HYPERLINK(\"http://evil\")")["pk"]
    r2 = api.part("R2", category=sub, IPN="R-002",
                  description="Résistance, 2k \"metal\"")["pk"]
    c1 = api.part("C1", category=cat, IPN="C-001", description="+cmd|x")["pk"]
    api.stock(r1, 10, location=box)
    api.stock(r2, 5, location=loc)
    api.stock(c1, 7)
    sup = api.ok("POST", CO, dict(name="Mouser", description="@SUM(A1)"))["pk"]
    api.ok("POST", CO, dict(name="Acme", is_supplier=False,
                             is_manufacturer=True))
    api.ok("POST", SP, dict(part=r1, supplier=sup, SKU="-M-R1"))
    api.ok("POST", PO, dict(supplier=sup, reference="PO-0001",
                             description="first"))
    api.ok("POST", PO, dict(supplier=sup, reference="PO-0002",
                             description="second"))
    return dict(cat=cat, sub=sub, loc=loc, box=box, r1=r1, r2=r2, c1=c1,
                sup=sup)


def xlsx_rows(body):
    """The first sheet's rows as tuples: openpyxl when installed, else the
    sheet's XML read by hand (shared strings, numbers, booleans)."""
    try:
        import openpyxl
    except ImportError:
        openpyxl = None
    if openpyxl is not None:
        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return [tuple(r) for r in wb.worksheets[0].iter_rows(
            values_only=True)]
    import re
    import xml.etree.ElementTree as ET
    z = zipfile.ZipFile(io.BytesIO(body))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(
                "m:si", ns):
            shared.append("".join(t.text or "" for t in si.iter(
                "{%s}t" % ns["m"])))
    rows = []
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    width = 0
    for row in sheet.iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            col = 0
            for ch in re.match(r"[A-Z]+", c.get("r")).group(0):
                col = col * 26 + ord(ch) - 64
            v = c.find("m:v", ns)
            t = c.get("t")
            val = None if v is None else v.text
            if t == "s":
                val = shared[int(val)]
            elif t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter(
                    "{%s}t" % ns["m"]))
            elif t == "b":
                val = val == "1"
            elif val is not None:
                f = float(val)
                val = int(f) if f.is_integer() else f
            cells[col - 1] = val
            width = max(width, col)
        rows.append(tuple(cells.get(i) for i in range(width)))
    return rows


def as_dicts(rows):
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


# --- formats over several resources ------------------------------------------

@pytest.mark.parametrize("path,key,want", [
    ("/api/part/", "name", ["C1", "R1", "R2"]),
    ("/api/stock/", "part_name", ["R1", "R2", "C1"]),
    (CO, "name", ["Acme", "Mouser"]),
    (PO, "reference", ["PO-0002", "PO-0001"]),
])
def test_every_format_same_rows(api, w, path, key, want):
    rows = api.rows(path)
    assert [r[key] for r in rows] == want
    r = api.export(path, "json")
    assert r.header("Content-Type") == "application/json"
    js = json.loads(r.body)
    assert [o[key] for o in js] == want
    assert list(js[0]) == list(rows[0])         # the same columns
    r = api.export(path, "xlsx")
    assert r.header("Content-Type").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment;" in r.header("Content-Disposition")
    x = as_dicts(xlsx_rows(r.body))
    assert [o[key] for o in x] == want
    assert list(x[0]) == list(rows[0])
    # The list itself is untouched by the export's existence.
    assert len(api.list(path)) == len(want)


def test_columns_and_related_names(api, w):
    rows = {r["name"]: r for r in api.rows("/api/part/")}
    assert rows["R1"]["category"] == str(w["sub"])
    assert rows["R1"]["category_path"] == "Electronics/Resistors"
    assert rows["C1"]["category_path"] == "Electronics"
    assert rows["R1"]["active"] == "true"
    assert rows["R1"]["in_stock"] == "10.0" or float(
        rows["R1"]["in_stock"]) == 10
    head = list(rows["R1"])
    assert head[0] == "pk"
    # Every readable field of the list is a column, in the list's order.
    listed = [k for k in api.list("/api/part/")[0]]
    assert [k for k in head if k in listed] == [k for k in listed
                                                 if k in head]
    assert set(listed) <= set(head)
    stock = {r["part_name"]: r for r in api.rows("/api/stock/")}
    assert stock["R1"]["location_path"] == "Shelf/Box"
    assert stock["C1"]["location_path"] == ""
    sp = api.rows(SP)
    assert sp[0]["supplier_name"] == "Mouser" and sp[0]["part_name"] == "R1"
    po = api.rows(PO)
    assert {r["supplier_name"] for r in po} == {"Mouser"}
    po1 = [r for r in po if r["reference"] == "PO-0001"][0]["pk"]
    api.ok("POST", "/api/order/po-line/", dict(
        order=int(po1), part=api.list(SP)[0]["pk"], quantity=3))
    lines = api.rows("/api/order/po-line/")
    assert lines[0]["order_reference"] == "PO-0001"
    assert lines[0]["quantity"] in ("3", "3.0")


# --- filters, search, ordering -----------------------------------------------

def test_filters_search_ordering_honoured(api, w):
    assert [r["name"] for r in api.rows("/api/part/", category=w["sub"])] \
        == ["R1", "R2"]
    assert [r["name"] for r in api.rows("/api/part/", category=w["cat"],
                                        cascade=False)] == ["C1"]
    assert [r["name"] for r in api.rows("/api/part/", search="R-00")] \
        == ["R1", "R2"]
    assert [r["name"] for r in api.rows("/api/part/", ordering="-name")] \
        == ["R2", "R1", "C1"]
    assert [r["part_name"] for r in api.rows("/api/stock/",
                                             location=w["loc"])] \
        == ["R1", "R2"]
    # An ordering through a join (the part's name): the export has it too.
    assert [r["part_name"] for r in api.rows(
        "/api/stock/", location=w["loc"], ordering="-part__name")] \
        == ["R2", "R1"]
    assert [r["name"] for r in api.rows(CO, is_supplier=True)] == ["Mouser"]
    assert [r["reference"] for r in api.rows(PO, ordering="reference")] \
        == ["PO-0001", "PO-0002"]
    # limit and offset page the list, not the export: all rows.
    assert len(api.rows("/api/part/", limit=1, offset=1)) == 3
    x = as_dicts(xlsx_rows(api.export("/api/part/", "xlsx",
                                      category=w["sub"],
                                      ordering="-name").body))
    assert [r["name"] for r in x] == ["R2", "R1"]
    js = json.loads(api.export("/api/stock/", "json", search="R1").body)
    assert [o["part_name"] for o in js] == ["R1"]


def test_filter_errors_as_the_list(api, w):
    r = api.get("/api/part/", export="csv", category=9999)
    assert r.status == 400 and "category" in r.json()


# --- InvenTree's way: export=true, export_format ------------------------------

def test_data_output(api, w):
    r = api.get("/api/part/", export=True, export_format="xlsx",
                category=w["sub"], ordering="-name", limit=1)
    assert r.status == 200, r
    o = r.json()
    assert o["complete"] is True and o["total"] == 2
    assert o["output_type"] == "export" and o["errors"] is None
    assert o["plugin"] == "inventree-exporter"
    assert o["user"] == o["user_detail"]["pk"]
    url = urllib.parse.urlsplit(o["output"])
    assert url.path == "/api/part/"
    q = dict(urllib.parse.parse_qsl(url.query))
    assert q == {"category": str(w["sub"]), "ordering": "-name",
                 "export": "xlsx"}
    f = api.get("/api/part/", **q)
    assert f.status == 200
    assert [r["name"] for r in as_dicts(xlsx_rows(f.body))] == ["R2", "R1"]
    # csv when no format is named; export=false is the plain list.
    o = api.get(CO, export="true").json()
    assert "export=csv" in o["output"] and o["total"] == 2
    assert isinstance(api.list(CO, export="false"), list)


@pytest.mark.parametrize("params,field", [
    (dict(export="pdf"), "export"),
    (dict(export="true", export_format="pdf"), "export_format"),
    (dict(export="true", export_format="csv", export_plugin="other"),
     "export_plugin"),
])
def test_bad_format(api, w, params, field):
    r = api.get("/api/part/", **params)
    assert r.status == 400
    assert field in r.json()
    assert "is not a valid choice." in r.json()[field][0]


# --- CSV injection, quoting, UTF-8 -------------------------------------------

def test_injection_neutralised(api, w):
    api.ok("PATCH", f"/api/part/{w['r2']}/", {"keywords": "-2+3"})
    api.ok("PATCH", f"/api/part/{w['c1']}/",
           {"notes": "\tTAB", "keywords": "@SUM(1)"})
    raw = api.export("/api/part/", "csv").body.decode("utf-8")
    assert "\"'=HYPERLINK(\"\"http://evil\"\")\"" in raw
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(raw,
                                                             newline=""))}
    assert rows["R1"]["description"] == "'=HYPERLINK(\"http://evil\")"
    assert rows["C1"]["description"] == "'+cmd|x"
    assert rows["R2"]["keywords"] == "'-2+3"
    assert rows["C1"]["keywords"] == "'@SUM(1)"
    assert rows["C1"]["notes"] == "'\tTAB"
    assert rows["R2"]["description"] == "Résistance, 2k \"metal\""
    assert raw.startswith("pk,") and "\r\n" in raw
    assert rows["R1"]["IPN"] == "R-001"     # only the start counts
    x = {r["name"]: r for r in as_dicts(xlsx_rows(
        api.export("/api/part/", "xlsx").body))}
    assert x["R1"]["description"] == "'=HYPERLINK(\"http://evil\")"
    assert x["R2"]["keywords"] == "'-2+3"
    assert x["R2"]["description"] == "Résistance, 2k \"metal\""
    co = {r["name"]: r for r in api.rows(CO)}
    assert co["Mouser"]["description"] == "'@SUM(A1)"
    assert api.rows(SP)[0]["SKU"] == "'-M-R1"
    # JSON is data, not a spreadsheet: as stored; stored JSON stays JSON.
    sp = json.loads(api.export(SP, "json").body)
    assert sp[0]["tags"] == [] and sp[0]["SKU"] == "-M-R1"
    js = {o["name"]: o for o in json.loads(
        api.export("/api/part/", "json").body)}
    assert js["R1"]["description"] == "=HYPERLINK(\"http://evil\")"
    # Numbers are numbers, not text: a negative one is not touched.
    assert x["R1"]["pk"] == w["r1"]


# --- permissions --------------------------------------------------------------

def test_export_needs_view_permission(site, api, w):
    h = make_user(site, "stockonly", {"stock": ["view"]})
    other = ExportApi(site, h)
    for fmt in ("csv", "xlsx", "json", "true"):
        assert other.get("/api/part/", export=fmt).status == 403
        assert other.get(PO, export=fmt).status == 403
    assert other.get("/api/stock/", export="csv").status == 200
    anon = ExportApi(site, {})
    assert anon.get("/api/part/", export="csv").status in (401, 403)


def test_empty_list(api):
    rows = api.export("/api/part/", "csv").body.decode()
    assert rows.startswith("pk,name,") and rows.count("\r\n") == 1
    assert json.loads(api.export("/api/part/", "json").body) == []
    assert len(xlsx_rows(api.export("/api/part/", "xlsx").body)) == 1


def test_schema_names_the_export_parameters(site, admin):
    import subprocess
    from conftest import BUILD
    out = subprocess.run([str(BUILD / "cgi-bin" / "company.cgi"),
                          "--openapi"], capture_output=True, check=True,
                         timeout=30).stdout
    doc = json.loads(out)
    for path in ("/api/company/", "/api/company/part/"):
        params = {p["name"]: p for p in doc["paths"][path]["get"][
            "parameters"]}
        assert "export" in params
        assert params["export_format"]["schema"]["enum"] == [
            "csv", "xlsx", "json"]


def test_xlsx_cells_typed_and_bounded(api, w):
    """Numbers and booleans are typed cells; text over a cell's 32,767
    characters is cut at a character boundary, never refused."""
    long = "é" * 40000
    api.ok("PATCH", f"/api/part/{w['r1']}/", {"notes": long})
    x = {r["name"]: r for r in as_dicts(xlsx_rows(
        api.export("/api/part/", "xlsx").body))}
    assert x["R1"]["active"] is True and x["R1"]["trackable"] is False
    assert x["R1"]["in_stock"] == 10 and x["R1"]["category"] == w["sub"]
    notes = x["R1"]["notes"]
    assert 16000 <= len(notes) <= 32767 and set(notes) == {"é"}
    # CSV and JSON keep the whole text.
    assert {r["name"]: r for r in api.rows("/api/part/")}["R1"][
        "notes"] == long
    assert len(api.rows("/api/part/")) == 3


def test_export_head_and_stock_history(api, w):
    r = api.call("HEAD", "/api/part/", export="csv")
    assert r.status == 200 and r.body == b""
    track = api.rows("/api/stock/track/")
    assert len(track) >= 3 and "item" in track[0]


def test_xlsx_long_formula_cell(api, w):
    api.ok("PATCH", f"/api/part/{w['r2']}/", {"notes": "=" + "x" * 40000})
    x = {r["name"]: r for r in as_dicts(xlsx_rows(
        api.export("/api/part/", "xlsx").body))}
    assert x["R2"]["notes"].startswith("'=xxx")
    assert len(x["R2"]["notes"]) == 32767
