"""Import (issue 18, the import half; domain/importer/importer.c,
lib/csvread.c): InvenTree's /api/importer/ sessions over any resource --
upload, column mapping suggested and edited, rows checked by the
resource's own validation with their errors per field, the commit of the
accepted rows in one transaction or nothing, encodings, delimiters,
ragged rows, limits, formulas kept as text, the audit log and the add
permission."""
import datetime
import io
import json
import os
import zipfile

import pytest

from conftest import (ADMIN_PASSWORD, ADMIN_USERNAME, Site, UserHeaders,
                      get_token, make_user)
from inventory_api import Api
from xlsx_files import DATE_STYLES, lxw_xlsx, sheet, xlsx

SESSION = "/api/importer/session/"
MAPPING = "/api/importer/column-mapping/"
ROW = "/api/importer/row/"
BOUNDARY = "----StockroomImportBoundary0123456789"


def multipart(fields=(), files=()):
    out = b""
    for name, value in fields:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"\r\n\r\n").encode() + value.encode() + b"\r\n"
    for name, filename, data in files:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"; filename=\"{filename}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return f"multipart/form-data; boundary={BOUNDARY}", out


class ImportApi(Api):
    def upload(self, model, data, filename="data.csv", expect=201,
               **fields):
        if isinstance(data, str):
            data = data.encode()
        f = [("model_type", model)] + [
            (k, v if isinstance(v, str) else json.dumps(v))
            for k, v in fields.items()]
        ct, body = multipart(f, [("data_file", filename, data)])
        r = self.site.cgi("importer", method="POST", path=SESSION,
                          body=body, content_type=ct, headers=self.headers)
        assert r.status == expect, r
        return r.json()

    def accept_fields(self, pk, expect=200):
        return self.ok("POST", f"{SESSION}{pk}/accept_fields/", {},
                       expect=expect)

    def rows(self, pk, **kw):
        return self.list(ROW, session=pk, ordering="row_index", **kw)

    def accept_rows(self, pk, rows=None, expect=201):
        if rows is None:
            rows = [r["pk"] for r in self.rows(pk) if not r["complete"]]
        return self.ok("POST", f"{SESSION}{pk}/accept_rows/",
                       {"rows": rows}, expect=expect)

    def mapping(self, session):
        return {m["field"]: m for m in session["column_mappings"]}

    def count(self, path, **kw):
        return len(self.list(path, **kw))


@pytest.fixture
def api(site, admin):
    return ImportApi(site, admin)


def test_parts_by_header_names_and_labels(api):
    cat = api.category("Resistors")["pk"]
    s = api.upload("part", "Name, ipn ,Description,Category\n"
                           "R 10k,R-010,\"ten k, 1%\",Resistors\n"
                           f"R 22k,R-022,twenty-two k,{cat}\n",
                   filename="parts.csv")
    assert s["model_type"] == "part" and s["status"] == 10
    assert s["data_file"] == "parts.csv" and s["row_count"] == 2
    assert s["columns"] == ["Name", " ipn ", "Description", "Category"]
    assert s["encoding"] == "utf-8" and s["delimiter"] == ","
    m = api.mapping(s)
    assert m["name"]["column"] == "Name" and m["IPN"]["column"] == " ipn "
    assert m["category"]["column"] == "Category"
    assert m["keywords"]["column"] == ""
    assert "name" in s["available_fields"]
    assert s["available_fields"]["name"]["required"] is True
    s = api.accept_fields(s["pk"])
    assert s["status"] == 30
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, True]
    assert rows[0]["row_data"]["Description"] == "ten k, 1%"
    assert rows[0]["data"]["category"] == "Resistors"
    r = api.accept_rows(s["pk"])
    assert len(r["created"]) == 2
    parts = api.list("/api/part/", ordering="name")
    assert [(p["name"], p["IPN"], p["category"]) for p in parts] == [
        ("R 10k", "R-010", cat), ("R 22k", "R-022", cat)]
    s = api.ok("GET", f"{SESSION}{s['pk']}/")
    assert s["status"] == 40 and s["completed_row_count"] == 2
    log = api.site.cgi("admin", path="/api/admin/audit/",
                       query="action=data_imported",
                       headers=api.headers).json()
    rows = log["results"] if isinstance(log, dict) else log
    assert len(rows) == 1
    assert "parts.csv" in rows[0]["target"]
    assert rows[0]["username"] == "admin"


def test_mapping_is_editable_and_defaults_overrides(api):
    a = api.category("A")["pk"]
    b = api.category("B")["pk"]
    s = api.upload("part", "Title,Code\nWidget,W-1\nGadget,\nBad,B-1\n",
                   field_defaults={"description": "from file"},
                   field_overrides={"category": a})
    m = api.mapping(s)
    assert m["name"]["column"] == ""
    # name is required: accepting the mapping as it is fails.
    r = api.call("POST", f"{SESSION}{s['pk']}/accept_fields/", {})
    assert r.status == 400 and "name" in r.json()
    api.ok("PATCH", f"{MAPPING}{m['name']['pk']}/", {"column": "Title"})
    api.ok("PATCH", f"{MAPPING}{m['IPN']['pk']}/", {"column": "Code"})
    r = api.call("PATCH", f"{MAPPING}{m['IPN']['pk']}/", {"column": "Nope"})
    assert r.status == 400 and "column" in r.json()
    s = api.accept_fields(s["pk"])
    # "all": every valid row not yet imported, in one transaction.
    rows = api.rows(s["pk"])
    api.ok("DELETE", f"{ROW}{rows[2]['pk']}/")
    r = api.ok("POST", f"{SESSION}{s['pk']}/accept_rows/", {"all": True},
               expect=201)
    assert r["rows"] == [rows[0]["pk"], rows[1]["pk"]]
    parts = api.list("/api/part/", ordering="name")
    assert [(p["name"], p["IPN"], p["category"], p["description"])
            for p in parts] == [("Gadget", "", a, "from file"),
                                ("Widget", "W-1", a, "from file")]
    r = api.call("POST", f"{SESSION}{s['pk']}/accept_rows/", {})
    assert r.status == 400 and r.json() == {"rows": ["No rows provided"]}
    assert b


def test_bad_defaults_and_model_type(api):
    r = api.upload("part", "name\nx\n", expect=400,
                   field_defaults={"nosuchfield": 1})
    assert "field_defaults" in r
    r = api.upload("part", "name\nx\n", expect=400, field_overrides="[1")
    assert "field_overrides" in r
    r = api.upload("nosuchmodel", "name\nx\n", expect=400)
    assert r == {"model_type": ["\"nosuchmodel\" is not a valid choice."]}


def test_row_errors_per_field_and_commit_is_atomic(api):
    api.category("Caps")
    s = api.upload("part", "name,IPN,category,minimum_stock\n"
                           "C1,C-1,Caps,5\n"
                           ",C-2,Caps,1\n"
                           "C3,C-3,Nowhere,x\n"
                           "C1,C-1,Caps,5\n")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, False, False, True]
    assert "name" in rows[1]["errors"]
    assert rows[2]["errors"]["category"] == [
        "No PartCategory matches \"Nowhere\"."]
    assert "minimum_stock" in rows[2]["errors"]
    assert api.list(ROW, session=s["pk"], valid=False)[0]["row_index"] == 1
    # Rows 0 and 3 are the same part: each is valid alone, together the
    # second is refused, and nothing is written.
    r = api.accept_rows(s["pk"], [rows[0]["pk"], rows[3]["pk"]],
                        expect=400)
    assert "nothing was imported" in r["non_field_errors"][0]
    assert [f["row"] for f in r["rows"]] == [rows[3]["pk"]]
    assert api.count("/api/part/") == 0
    again = api.rows(s["pk"])
    assert again[3]["valid"] is False and again[3]["errors"]
    assert again[0]["complete"] is False
    # Deleting the duplicate row, the rest goes in.
    api.ok("DELETE", f"{ROW}{rows[3]['pk']}/")
    api.accept_rows(s["pk"], [rows[0]["pk"]])
    assert [p["IPN"] for p in api.list("/api/part/")] == ["C-1"]
    r = api.accept_rows(s["pk"], [rows[0]["pk"]], expect=400)
    assert "already been completed" in r["rows"][0]
    # Importing the same file again: the existing part is a row error.
    s2 = api.upload("part", "name,IPN,category\nC1,C-1,Caps\n")
    api.accept_fields(s2["pk"])
    row = api.rows(s2["pk"])[0]
    assert row["valid"] is False and "non_field_errors" in row["errors"]


def test_stock_items_by_ipn_and_location_path(api):
    p = api.part("Widget", IPN="W-1")["pk"]
    shelf = api.location("Shelf")["pk"]
    box = api.location("Box", parent=shelf)["pk"]
    s = api.upload("stockitem", "Part;Location;Quantity;Batch\n"
                                "W-1;Shelf/Box;12,5;B1\n"
                                " W-1 ;Shelf ; 3;B2  \n"
                                "W-9;Shelf;1;B3\n",
                   filename="stock.csv")
    assert s["delimiter"] == ";"
    m = api.mapping(s)
    assert m["part"]["column"] == "Part"
    assert m["location"]["column"] == "Location"
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    # "12,5" is no decimal the API takes: the quantity field says so.
    assert [r["valid"] for r in rows] == [False, True, False]
    assert "quantity" in rows[0]["errors"]
    assert rows[2]["errors"]["part"] == ["No Part matches \"W-9\"."]
    api.accept_rows(s["pk"], [rows[1]["pk"]])
    items = api.list("/api/stock/")
    assert [(i["part"], i["location"], i["batch"]) for i in items] == [
        (p, shelf, "B2")]
    assert box


def test_companies_tsv_windows_1252_bom(api):
    tsv = "name\tdescription\tis_supplier\r\nMüller GmbH\tZubehör – Teile\ttrue\r\n"
    s = api.upload("company", tsv.encode("cp1252"), filename="c.tsv")
    assert s["encoding"] == "windows-1252" and s["delimiter"] == "\t"
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    s = api.upload("company", b"\xef\xbb\xbfName,Website\nACME,https://acme.example\n")
    assert s["encoding"] == "utf-8-sig" and s["columns"] == ["Name", "Website"]
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    cs = api.list("/api/company/", ordering="name")
    assert [(c["name"], c["description"]) for c in cs] == [
        ("ACME", ""), ("Müller GmbH", "Zubehör – Teile")]
    assert cs[0]["website"] == "https://acme.example"


def test_formula_cells_are_text(api):
    s = api.upload("part", "name,description\n"
                           "=1+2,\"=HYPERLINK(\"\"http://evil\"\")\"\n"
                           "@SUM(A1),-5\n")
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    parts = api.list("/api/part/", ordering="name")
    assert [(p["name"], p["description"]) for p in parts] == [
        ("=1+2", "=HYPERLINK(\"http://evil\")"), ("@SUM(A1)", "-5")]


def test_ragged_and_malformed_files(api):
    r = api.upload("part", "name,IPN\na,1\nb,2,extra\n", expect=400)
    assert r == {"data_file": ["Row 3 has 3 cells; the header has 2."]}
    # Short rows are padded, empty trailing cells dropped.
    s = api.upload("part", "name,IPN,description,\nshort\nfull,F,d,,\n")
    assert s["columns"] == ["name", "IPN", "description"]
    rows = api.rows(s["pk"])
    assert rows[0]["row_data"] == {"name": "short", "IPN": "",
                                   "description": ""}
    r = api.upload("part", "name,\"IPN\nx,1\n", expect=400)
    assert "data_file" in r
    r = api.upload("part", "name,name\nx,y\n", expect=400)
    assert r == {"data_file": ["Column \"name\" is in the header twice."]}
    r = api.upload("part", b"name\n\x81\x8d\n", expect=400)
    assert "neither UTF-8 nor Windows-1252" in r["data_file"][0]
    r = api.upload("part", b"PK\x03\x04rest", filename="parts.xlsx",
                   expect=400)
    assert "not an XLSX workbook" in r["data_file"][0]
    r = api.upload("part", b"\xd0\xcf\x11\xe0rest", filename="parts.xls",
                   expect=400)
    assert "XLS and ODS files are not supported" in r["data_file"][0]
    r = api.upload("part", "", expect=400)
    assert r == {"data_file": ["The file is empty."]}
    r = api.upload("part", "name\n" + "x" * 70000 + "\n", expect=400)
    assert "at most 65536 bytes" in r["data_file"][0]
    r = api.upload("part", ",".join(f"c{i}" for i in range(101)) + "\n",
                   expect=400)
    assert "more than 100 columns" in r["data_file"][0]
    assert api.count(SESSION) == 1


def test_oversize_file(api):
    big = b"name,description\n" + (b"x," + b"y" * 1000 + b"\n") * 10500
    r = api.upload("part", big, expect=400)
    assert "larger than" in r["data_file"][0]
    assert api.count(SESSION) == 0


def test_too_many_rows(api, monkeypatch):
    body = "name\n" + "p\n" * 100001
    r = api.upload("part", body, expect=400)
    assert "more than 100000 rows" in r["data_file"][0]
    assert api.count(SESSION) == 0 and api.count(ROW) == 0


def test_permissions(site, api):
    viewer = ImportApi(site, make_user(site, "viewer", {"part": ["view"]}))
    adder = ImportApi(site, make_user(site, "adder",
                                      {"part": ["view", "add"]}))
    r = viewer.upload("part", "name\nx\n", expect=403)
    assert "detail" in r
    s = adder.upload("part", "name\nx\n")
    # Another user's session is not found; the admin sees every one.
    r = viewer.call("GET", f"{SESSION}{s['pk']}/")
    assert r.status == 404
    assert viewer.count(SESSION) == 0 and viewer.count(ROW) == 0
    assert viewer.count(MAPPING) == 0
    r = viewer.call("POST", f"{SESSION}{s['pk']}/accept_fields/", {})
    assert r.status == 404
    assert api.count(SESSION) == 1
    adder.accept_fields(s["pk"])
    adder.accept_rows(s["pk"])
    assert [p["name"] for p in api.list("/api/part/")] == ["x"]
    # Stock needs the stock rule set.
    adder.upload("stockitem", "part,quantity\n1,1\n", expect=403)


def test_options_and_delete_session(api):
    r = api.call("OPTIONS", SESSION)
    assert r.status == 200
    post = r.json()["actions"]["POST"]
    assert "data_file" in post and "model_type" in post
    s = api.upload("part", "name\nx\ny\n")
    api.ok("DELETE", f"{SESSION}{s['pk']}/")
    assert api.count(ROW) == 0 and api.count(MAPPING) == 0


def test_categories_by_parent_path_and_reimport(api):
    top = api.category("Electronics")["pk"]
    api.category("Passives", parent=top)
    text = "name,parent,description\nResistors,Electronics/Passives,R\n"
    s = api.upload("partcategory", text)
    assert api.mapping(s)["parent"]["column"] == "parent"
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    cats = api.list("/api/part/category/", ordering="pathstring")
    assert [c["pathstring"] for c in cats] == [
        "Electronics", "Electronics/Passives",
        "Electronics/Passives/Resistors"]
    # The same file again: the category exists under that parent.
    s = api.upload("partcategory", text)
    api.accept_fields(s["pk"])
    row = api.rows(s["pk"])[0]
    assert row["valid"] is False and row["errors"]
    assert api.count("/api/part/category/") == 3
    # With update_records the node of that name under that parent is
    # updated; a new name under it is created.
    s = api.upload("partcategory", text.replace(",R\n", ",Rs\n") +
                   "Capacitors,Electronics/Passives,C\n",
                   update_records="true")
    api.accept_fields(s["pk"])
    r = api.accept_rows(s["pk"])
    assert len(r["updated"]) == 1 and len(r["created"]) == 1
    cats = {c["pathstring"]: c for c in api.list("/api/part/category/")}
    assert cats["Electronics/Passives/Resistors"]["description"] == "Rs"
    assert cats["Electronics/Passives/Capacitors"]["description"] == "C"
    # Locations the same way; a name held twice is ambiguous.
    a = api.location("A")["pk"]
    api.location("Bin", parent=a)
    b = api.location("B")["pk"]
    api.location("Bin", parent=b)
    p = api.part("Widget", IPN="W-1")["pk"]
    s = api.upload("stockitem", "part,location,quantity\nWidget,Bin,1\n"
                                "W-1,B/Bin,2\n")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert rows[0]["errors"] == {
        "location": ["2 objects have name \"Bin\": give the pk."]}
    assert rows[1]["valid"] is True
    api.accept_rows(s["pk"], [rows[1]["pk"]])
    item = api.list("/api/stock/")[0]
    assert item["part"] == p and item["quantity"] == 2


def test_update_records_by_id_and_by_key(site, api):
    a = api.part("Alpha", IPN="A-1", description="old")["pk"]
    b = api.part("Beta", IPN="B-1", description="old")["pk"]
    # By id (the export's pk column) and by IPN; a new IPN is a create.
    s = api.upload("part", f"pk,name,IPN,description\n{a},Alpha,A-1,new a\n"
                           ",Beta,B-1,new b\n,Gamma,G-1,new g\n"
                           "999,Nope,N-1,x\n",
                   update_records="true")
    assert s["update_records"] is True
    m = api.mapping(s)
    assert m["id"]["column"] == "pk" and "id" in s["available_fields"]
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, True, True, False]
    assert rows[3]["errors"] == {
        "id": ["Invalid pk \"999\" - object does not exist."]}
    r = api.accept_rows(s["pk"], [x["pk"] for x in rows[:3]])
    assert sorted(r["updated"]) == sorted([a, b]) and len(r["created"]) == 1
    parts = {p["name"]: p for p in api.list("/api/part/")}
    assert parts["Alpha"]["description"] == "new a"
    assert parts["Beta"]["description"] == "new b"
    assert parts["Beta"]["pk"] == b and len(parts) == 3
    # Updating needs the change permission too (InvenTree's add implies
    # change, so only a user with neither is refused).
    viewer = ImportApi(site, make_user(site, "viewer2", {"part": ["view"]}))
    viewer.upload("part", "name\nx\n", update_records="true", expect=403)
    # A model that takes no updates.
    r = api.upload("stockitemtracking", "notes\nx\n", expect=400)
    assert "model_type" in r


def test_create_category_paths(site, api):
    tools = api.category("Tools")["pk"]
    csv = ("name,IPN,category\n"
           "C100n,C-1,Electronics/Passives/Capacitors\n"
           "R10k,R-1, Electronics / Passives /Resistors \n"
           "Saw,T-1,Tools/Saws\n"
           "Plain,P-1,Tools\n")
    # Without create_paths a missing path is the row's error.
    s = api.upload("part", csv)
    assert s["create_paths"] is False
    api.accept_fields(s["pk"])
    assert [r["valid"] for r in api.rows(s["pk"])] == [
        False, False, False, True]
    s = api.upload("part", csv, create_paths="true")
    assert s["create_paths"] is True
    api.accept_fields(s["pk"])
    # Checking writes nothing: the nodes are made by the commit.
    assert [r["valid"] for r in api.rows(s["pk"])] == [True] * 4
    assert api.count("/api/part/category/") == 1
    r = api.ok("POST", f"{SESSION}{s['pk']}/accept_rows/", {"all": True},
               expect=201)
    assert len(r["created"]) == 4
    cats = {c["pathstring"]: c for c in api.list("/api/part/category/")}
    assert sorted(cats) == ["Electronics", "Electronics/Passives",
                            "Electronics/Passives/Capacitors",
                            "Electronics/Passives/Resistors", "Tools",
                            "Tools/Saws"]
    assert cats["Tools"]["pk"] == tools
    parts = {p["IPN"]: p for p in api.list("/api/part/")}
    assert parts["C-1"]["category"] == cats[
        "Electronics/Passives/Capacitors"]["pk"]
    assert parts["R-1"]["category"] == cats[
        "Electronics/Passives/Resistors"]["pk"]
    assert parts["T-1"]["category"] == cats["Tools/Saws"]["pk"]
    assert parts["P-1"]["category"] == tools
    # The counts of the new categories are kept (the tree's triggers).
    assert cats["Electronics"]["part_count"] == 2
    # A second file under the same paths makes nothing twice.
    s = api.upload("part", "name,category\nC1u,Electronics/Passives/"
                           "Capacitors\nL1,Electronics/Passives/Inductors\n",
                   create_paths="true")
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    assert api.count("/api/part/category/") == 7


def test_create_paths_refused_rows_make_nothing(site, api):
    s = api.upload("part", "name,category\n"
                           "A,New/Branch\n"
                           "B,Bad//Path\n"
                           "C,Other/" + "x" * 101 + "\n",
                   create_paths="true")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, False, False]
    assert "a name is empty" in rows[1]["errors"]["category"][0]
    assert "at most 100 characters" in rows[2]["errors"]["category"][0]
    # The valid row and a clash: nothing is written, no category either.
    s2 = api.upload("part", "name,category\nA,New/Branch\nA,New/Branch\n",
                    create_paths="true")
    api.accept_fields(s2["pk"])
    r = api.ok("POST", f"{SESSION}{s2['pk']}/accept_rows/", {"all": True},
               expect=400)
    assert "nothing was imported" in r["non_field_errors"][0]
    assert api.count("/api/part/category/") == 0
    assert api.count("/api/part/") == 0


def test_create_location_paths_and_permission(site, api):
    api.part("Widget", IPN="W-1")
    s = api.upload("stockitem", "part,location,quantity\n"
                                "W-1,Store/Shelf 2/Bin 7,4\n",
                   create_paths="true")
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    locs = {l["pathstring"]: l["pk"] for l in api.list("/api/stock/location/")}
    assert sorted(locs) == ["Store", "Store/Shelf 2", "Store/Shelf 2/Bin 7"]
    assert [i["location"] for i in api.list("/api/stock/")] == [
        locs["Store/Shelf 2/Bin 7"]]
    # Creating categories needs the category rule set's add permission.
    adder = ImportApi(site, make_user(site, "partadder",
                                      {"part": ["view", "add"]}))
    adder.upload("part", "name,category\nx,A/B\n", create_paths="true",
                 expect=403)
    r = api.upload("company", "name\nACME\n", create_paths="true",
                   expect=400)
    assert r == {"create_paths": ["Company rows name no category or "
                                  "location."]}


# ---- XLSX ---------------------------------------------------------------

def test_xlsx_parts(api):
    api.category("Resistors")
    data = xlsx([["Name", "IPN", "Description", "Category", "Minimum Stock",
                  "Active"],
                 [],
                 ["R 10k", "R-010", "ten k", "Resistors", 5, True],
                 ["R 22k", 1234, None, "Resistors", 0.1 + 0.2, False]])
    s = api.upload("part", data, filename="parts.xlsx")
    assert s["encoding"] == "utf-8" and s["delimiter"] == ""
    assert s["columns"] == ["Name", "IPN", "Description", "Category",
                            "Minimum Stock", "Active"]
    rows = api.rows(s["pk"])
    assert rows[1]["row_data"] == {
        "Name": "R 22k", "IPN": "1234", "Description": "",
        "Category": "Resistors", "Minimum Stock": "0.3", "Active": "false"}
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    parts = {p["IPN"]: p for p in api.list("/api/part/")}
    assert parts["R-010"]["description"] == "ten k"
    assert float(parts["R-010"]["minimum_stock"]) == 5
    assert parts["R-010"]["active"] is True
    assert parts["1234"]["active"] is False
    # Inline strings (no shared string table), sparse cells, rich text
    # runs and phonetic runs.
    rich = ('<c r="B2" t="inlineStr"><is><r><t>Bolt </t></r><r><t>M3'
            '</t></r><rPh><t>x</t></rPh></is></c>')
    data = xlsx([["name", "description"], ["B1", ("raw", rich)]],
                shared=False)
    s = api.upload("part", data, filename="Book1.XLSX")
    assert api.rows(s["pk"])[0]["row_data"] == {"name": "B1",
                                                "description": "Bolt M3"}


def test_xlsx_malformed(api):
    def refused(data, text, filename="bad.xlsx"):
        r = api.upload("part", data, filename=filename, expect=400)
        assert text in r["data_file"][0], r

    refused(xlsx([["name", "IPN"], ["a", ("f", "SUM(1,2)", 3)]]),
            "Row 2, column B holds a formula")
    refused(xlsx([["name"], [("e", "#N/A")]]), "holds an error value (#N/A)")
    refused(xlsx([["name", "IPN"], ["a", "b", "c"]]),
            "Row 2 has 3 cells; the header has 2.")
    # A 1 MB cell (text that does not pack well: not refused as a bomb).
    mb = os.urandom(512 * 1024).hex()
    refused(xlsx([["name"], [mb]], shared=False),
            "Row 2, column A: a cell holds at most 65536 bytes.")
    refused(xlsx([["name"], [mb]]),
            "Row 2, column A: a cell holds at most 65536 bytes.")
    refused(xlsx([["name"], ["a"]],
                 doctype='<!DOCTYPE x [<!ENTITY a "aaaa">]>'), "DOCTYPE")
    refused(xlsx([["name"], ["a"]], sheet_xml="<worksheet><sheetData>"),
            "not well-formed XML")
    refused(xlsx([]), "The file is empty.")
    refused(xlsx([["c" + str(i) for i in range(101)]]),
            "more than 100 columns")
    refused(xlsx([["name"], [("raw", '<c r="A2" t="s"><v>99</v></c>')]]),
            "names shared string \"99\"")
    refused(xlsx([["name"], [("raw", '<c r="A2" t="inlineStr"><is><t>a'
                                     '&#127;b</t></is></c>')]]),
            "Row 2, column A holds a control character.")
    # A ZIP archive that is no workbook, named anything.
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hello")
    refused(z.getvalue(), "has no xl/workbook.xml", filename="parts.csv")
    # A zip bomb: 60 MB of spaces packed to some 60 kB is refused from
    # the archive's directory, before it is inflated.
    pad = " " * (60 * 1024 * 1024)
    bomb = xlsx([["name"], ["a"]], sheet_xml=(
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        'name</t></is></c></row></sheetData>' + pad + '</worksheet>'))
    assert len(bomb) < 1024 * 1024
    refused(bomb, "would unpack to")
    assert api.count(SESSION) == 0 and api.count(ROW) == 0
    assert api.count("/api/part/") == 0



def test_xlsx_too_many_rows(api):
    rows = [["name"]] + [[f"p{i}"] for i in range(100001)]
    r = api.upload("part", xlsx(rows, shared=False), filename="big.xlsx",
                   expect=400)
    assert r == {"data_file": ["The file has more than 100000 rows."]}
    assert api.count(SESSION) == 0 and api.count(ROW) == 0


# ---- XLSX dates and sheets ---------------------------------------------

def excel_day(d):
    """d as the 1900 date system's day number."""
    return (d - datetime.date(1899, 12, 30)).days


@pytest.mark.parametrize("date1904", [False, True])
def test_xlsx_dates_from_libxlsxwriter(api, date1904):
    """A date in a workbook is a number with a date format: read as an ISO
    date, whatever the format (the workbook's own, yyyy-mm-dd or
    [$-409]d-mmm-yy;@, or built-in 14 and 22), a time of day and a date
    with a time as such; in the 1900 and the 1904 date systems alike.  A
    stock item's expiry date and a purchase order's target date import."""
    api.part("Milk", IPN="M-1")
    api.location("Fridge")
    mar1 = datetime.date(2026, 3, 1)
    rows = [["part", "location", "quantity", "expiry_date", "batch",
             "notes"],
            ["M-1", "Fridge", 2, mar1, "B1",
             datetime.datetime(2026, 2, 27, 14, 30, 15)],
            ["M-1", "Fridge", 3, datetime.date(2027, 12, 31), "B2", 46082]]
    if not date1904:
        # Formats the dates of the 1900 system only are written with.
        rows += [["M-1", "Fridge", 4, ("num", excel_day(mar1), 14), "B3",
                  ("num", 45000.5, 22)],
                 ["M-1", "Fridge", 5, ("num", excel_day(mar1),
                                       "[$-409]d-mmm-yy;@"), "B4",
                  ("num", 0.6041666666666666, "h:mm AM/PM")],
                 ["M-1", "Fridge", 6, None, "B5",
                  ("num", 12.5, '0.00 "mm"')],
                 ["M-1", "Fridge", 7, None, "B6", ("num", 1.5, "[h]:mm")],
                 ["M-1", "Fridge", 8, None, "B7", ("num", 0.25, "#,##0.00")]]
    data = lxw_xlsx([("Stock", rows)], date1904=date1904)
    s = api.upload("stockitem", data, filename="stock.xlsx")
    got = [(r["row_data"]["expiry_date"], r["row_data"]["notes"])
           for r in api.rows(s["pk"])]
    want = [("2026-03-01", "2026-02-27T14:30:15"), ("2027-12-31", "46082")]
    if not date1904:
        want += [("2026-03-01", "2023-03-15T12:00:00"),
                 ("2026-03-01", "14:30:00"), ("", "12.5"), ("", "1.5"),
                 ("", "0.25")]
    assert got == want
    api.accept_fields(s["pk"])
    assert all(r["valid"] for r in api.rows(s["pk"]))
    api.ok("POST", f"{SESSION}{s['pk']}/accept_rows/", {"all": True},
           expect=201)
    want = {"B1": "2026-03-01", "B2": "2027-12-31"}
    if not date1904:
        want["B3"] = "2026-03-01"
    assert {i["batch"]: i["expiry_date"] for i in api.list("/api/stock/")
            if i["batch"] in want} == want
    # A purchase order's target date.
    api.ok("POST", "/api/company/", {"name": "Acme", "is_supplier": True},
           expect=201)
    data = lxw_xlsx([("Orders", [
        ["reference", "supplier", "description", "target_date"],
        ["PO-0101", "Acme", "Milk", datetime.date(2026, 4, 15)]])],
        date1904=date1904)
    s = api.upload("purchaseorder", data, filename="orders.xlsx")
    api.accept_fields(s["pk"])
    assert [r["errors"] for r in api.rows(s["pk"])] == [{}]
    api.accept_rows(s["pk"])
    po = api.list("/api/order/po/", reference="PO-0101")
    assert [o["target_date"] for o in po] == ["2026-04-15"]


def test_xlsx_date_formats_and_systems(api):
    """Which styles are dates (the cellXfs' formats, not cellStyleXfs' or
    a conditional format's; a built-in number the workbook defines again
    is its own), the first days of both date systems (Lotus' 29 February
    1900 read as openpyxl reads it), the last day Excel has, and a date
    cell out of range refused."""
    def read(cells, expect=201, **kw):
        data = xlsx([["n" + str(i) for i in range(len(cells))], cells],
                    styles=DATE_STYLES, **kw)
        s = api.upload("part", data, filename="d.xlsx", expect=expect)
        if expect != 201:
            return s["data_file"][0]
        return list(api.rows(s["pk"])[0]["row_data"].values())

    assert read([("s", 46082, 1), ("s", 46082, 2), ("s", 46082, 3),
                 ("s", 46082, 4), ("s", 46082, 5), ("s", 46082, 99),
                 46082]) == ["2026-03-01", "46082", "46082", "46082",
                             "2026-03-01", "46082", "46082"]
    assert read([("s", 1, 1), ("s", 59, 1), ("s", 60, 1), ("s", 61, 1),
                 ("s", 2958465.5, 1), ("s", 0.75, 1)]) == [
        "1900-01-01", "1900-02-28", "1900-02-28", "1900-03-01",
        "9999-12-31T12:00:00", "18:00:00"]
    assert read([("s", 0, 5), ("s", 1, 5), ("s", 46082 - 1462, 5),
                 ("s", 1.25, 5)], workbook_pr='date1904="1"') == [
        "00:00:00", "1904-01-02", "2026-03-01", "1904-01-02T06:00:00"]
    assert read([("s", 2958466, 1)], expect=400) == (
        "Row 2, column A: 2958466 is not a date (a date cell holds a day "
        "from 1900 to 9999).")
    assert read([("s", -1, 5)], expect=400).startswith(
        "Row 2, column A: -1 is not a date")
    assert api.count(SESSION) == 3


def test_xlsx_the_sheet_it_opens_at(api):
    """A workbook of several sheets: the one it opens at is read (as
    InvenTree's importer reads it), and the session says which; one that
    opens at an empty sheet, with data on another, is refused naming that
    one; a chart sheet is passed over."""
    notes = ("Notes", [["Read me"], ["Parts are on the next sheet."]])
    parts = ("Parts", [["name", "IPN"], ["R 10k", "R-010"],
                       ["R 22k", "R-022"]])
    s = api.upload("part", lxw_xlsx([notes, parts], active=1),
                   filename="book.xlsx")
    assert s["sheet"] == "Parts" and s["columns"] == ["name", "IPN"]
    assert s["row_count"] == 2
    s = api.upload("part", lxw_xlsx([notes, parts]), filename="book.xlsx")
    assert s["sheet"] == "Notes" and s["columns"] == ["Read me"]
    # Opens at an empty sheet: which one has data, not a silent nothing.
    r = api.upload("part", lxw_xlsx([("Sheet1", []), parts]),
                   filename="book.xlsx", expect=400)
    assert r == {"data_file": [
        "The sheet \"Sheet1\" (the one the workbook opens at) is empty; "
        "sheet \"Parts\" has data: open the workbook at that sheet (or move "
        "it first), save it and upload it again."]}
    r = api.upload("part", lxw_xlsx([("Sheet1", []), ("Sheet2", [])]),
                   filename="book.xlsx", expect=400)
    assert r == {"data_file": ["The file is empty."]}
    # A chart sheet it opens at: the first worksheet is read.
    chart = ("Chart1", '<chartsheet xmlns="http://schemas.openxmlformats.org'
             '/spreadsheetml/2006/main"/>', "chartsheet")
    s = api.upload("part", xlsx([["name"], ["B1"]], before=[chart],
                                after=[("Later", sheet([["x"], ["y"]]),
                                        "worksheet")], active=0),
                   filename="book.xlsx")
    assert s["sheet"] == "Parts" and s["columns"] == ["name"]
    # A CSV file has no sheet.
    assert api.upload("part", "name\nx\n")["sheet"] == ""
    assert api.count(SESSION) == 4 and api.count("/api/part/") == 0


def test_suppliers_manufacturers_and_price_breaks(api):
    """A distributor's data in four files: companies, manufacturer parts
    (part by IPN, manufacturer by name), supplier parts (their MPN), price
    breaks (by SKU); re-importing is refused per row, or updates by SKU."""
    r1 = api.part("R 10k", IPN="R-010", purchaseable=True)["pk"]
    api.part("C 100n", IPN="C-100", purchaseable=True)

    def run(model, text, **kw):
        s = api.upload(model, text, **kw)
        api.accept_fields(s["pk"])
        bad = [r["errors"] for r in api.rows(s["pk"]) if not r["valid"]]
        if bad:
            return s, bad
        return s, api.ok("POST", f"{SESSION}{s['pk']}/accept_rows/",
                         {"all": True}, expect=201)

    _, r = run("company", "name,is_supplier,is_manufacturer\n"
                          "Mouser,true,false\nYAGEO,false,true\n")
    assert len(r["created"]) == 2
    _, r = run("manufacturerpart", "part,manufacturer,MPN\n"
                                   "R-010,YAGEO,RC0603FR-0710KL\n"
                                   "C 100n,YAGEO,CC0603KRX7R9BB104\n")
    assert len(r["created"]) == 2
    _, r = run("supplierpart", "Part;Supplier;SKU;Manufacturer part;"
                               "Pack quantity\n"
                               "R-010;Mouser;603-RC0603FR-0710KL;"
                               "RC0603FR-0710KL;100\n"
                               "C-100;Mouser;603-CC104;CC0603KRX7R9BB104;"
                               "\n")
    assert len(r["created"]) == 2
    sps = {sp["SKU"]: sp for sp in api.list("/api/company/part/")}
    assert sps["603-RC0603FR-0710KL"]["part"] == r1
    assert sps["603-RC0603FR-0710KL"]["pack_quantity"] == "100"
    mp = api.list("/api/company/part/manufacturer/", MPN="RC0603FR-0710KL")
    assert sps["603-RC0603FR-0710KL"]["manufacturer_part"] == mp[0]["pk"]
    _, r = run("supplierpricebreak", "part,quantity,price,price_currency\n"
                                     "603-RC0603FR-0710KL,1,0.10,EUR\n"
                                     "603-RC0603FR-0710KL,100,0.02,EUR\n"
                                     "603-CC104,10,0.05,USD\n")
    assert len(r["created"]) == 3
    pbs = api.list("/api/company/price-break/",
                   part=sps["603-RC0603FR-0710KL"]["pk"], ordering="quantity")
    assert [(float(b["quantity"]), float(b["price"]), b["price_currency"])
            for b in pbs] == [(1, 0.1, "EUR"), (100, 0.02, "EUR")]
    # The same supplier parts again: each row refused, nothing doubled.
    _, bad = run("supplierpart", "part,supplier,SKU\n"
                                 "R-010,Mouser,603-RC0603FR-0710KL\n")
    assert bad and "non_field_errors" in bad[0]
    # With update_records, the SKU finds the row to update.
    _, r = run("supplierpart", "SKU,description\n"
                               "603-RC0603FR-0710KL,10k 1% 0603\n",
               update_records="true")
    assert r["updated"] == [sps["603-RC0603FR-0710KL"]["pk"]]
    assert len(api.list("/api/company/part/")) == 2
    assert api.ok("GET", "/api/company/part/"
                  f"{sps['603-RC0603FR-0710KL']['pk']}/")[
        "description"] == "10k 1% 0603"

def shared_sku_install(api):
    """Two suppliers that both sell part R-010 as "RES-1" (as the demo's
    DigiKey and Farnell do), a third with a SKU of its own; the supplier
    parts' pks by supplier name."""
    r1 = api.part("R 10k", IPN="R-010", purchaseable=True)["pk"]
    sps = {}
    for name, sku in (("DigiKey", "RES-1"), ("Farnell", "RES-1"),
                      ("Mouser", "M-1")):
        c = api.ok("POST", "/api/company/", {"name": name,
                                             "is_supplier": True},
                   expect=201)["pk"]
        sps[name] = api.ok("POST", "/api/company/part/", {
            "part": r1, "supplier": c, "SKU": sku}, expect=201)["pk"]
    return sps


def test_price_breaks_of_a_sku_two_suppliers_share(api):
    """A price break names its supplier part by SKU and, where two
    suppliers use the SKU, by its supplier's name too; without the
    supplier such a row is refused, by its row, and so is a supplier
    that has no such SKU.  An order line's SKU is the order's
    supplier's."""
    sps = shared_sku_install(api)
    s = api.upload("supplierpricebreak",
                   "part_SKU,supplier_name,quantity,price,price_currency\n"
                   "RES-1,DigiKey,1,0.10,USD\n"
                   "RES-1,Farnell,1,0.08,GBP\n"
                   "RES-1,Farnell,100,0.05,GBP\n"
                   "M-1,,1,0.20,EUR\n"
                   "RES-1,,10,0.05,USD\n"
                   "RES-1,Mouser,5,1,EUR\n"
                   "RES-1,Nobody,5,1,EUR\n")
    m = api.mapping(s)
    assert m["part"]["column"] == "part_SKU"
    assert m["supplier"]["column"] == "supplier_name"
    assert s["available_fields"]["supplier"]["read_only"] is False
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["errors"] for r in rows] == [{}, {}, {}, {}, {
        "part": ["2 objects have SKU \"RES-1\": give the pk, or the "
                 "supplier."]}, {
        "part": ["No SupplierPart of supplier \"Mouser\" matches "
                 "\"RES-1\"."]}, {
        "supplier": ["No Company matches \"Nobody\"."],
        "part": ["2 objects have SKU \"RES-1\": give the pk, or the "
                 "supplier."]}]
    api.accept_rows(s["pk"], [r["pk"] for r in rows if r["valid"]])
    got = sorted((b["part"], float(b["quantity"]), b["price"],
                  b["price_currency"])
                 for b in api.list("/api/company/price-break/"))
    assert got == sorted([(sps["DigiKey"], 1, "0.1", "USD"),
                          (sps["Farnell"], 1, "0.08", "GBP"),
                          (sps["Farnell"], 100, "0.05", "GBP"),
                          (sps["Mouser"], 1, "0.2", "EUR")])
    # The supplier given as a default (a supplier's page), by pk.
    digikey = api.list("/api/company/", name="DigiKey")[0]["pk"]
    s = api.upload("supplierpricebreak", "SKU,quantity,price\nRES-1,50,0.02\n",
                   field_defaults={"supplier": digikey})
    api.ok("PATCH", f"{MAPPING}{api.mapping(s)['part']['pk']}/",
           {"column": "SKU"})
    api.accept_fields(s["pk"])
    assert [r["errors"] for r in api.rows(s["pk"])] == [{}]
    api.accept_rows(s["pk"])
    assert [float(b["quantity"]) for b in api.list(
        "/api/company/price-break/", part=sps["DigiKey"],
        ordering="quantity")] == [1, 50]
    # An order line's SKU: the supplier part of the order's supplier.
    for ref, name in (("PO-0001", "Farnell"), ("PO-0002", "DigiKey")):
        sup = api.list("/api/company/", name=name)[0]["pk"]
        api.ok("POST", "/api/order/po/", {"supplier": sup, "reference": ref},
               expect=201)
    s = api.upload("purchaseorderlineitem",
                   "order,part,quantity\nPO-0002,RES-1,5\nPO-0002,M-1,2\n")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["errors"] for r in rows] == [{}, {"part": [
        "No SupplierPart of order \"PO-0002\" matches \"M-1\"."]}]
    api.accept_rows(s["pk"], [rows[0]["pk"]])
    assert [(l["part"], float(l["quantity"])) for l in api.list(
        "/api/order/po-line/")] == [(sps["DigiKey"], 5)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_price_breaks_of_a_shared_sku(api, tmp_path, fmt):
    """Supplier parts and price breaks of a SKU that two suppliers use,
    exported and imported into an empty install: each supplier's breaks
    come back to its own supplier part, exactly."""
    sps = shared_sku_install(api)
    for sp, q, price, cur in ((sps["DigiKey"], 1, "0.10", "USD"),
                              (sps["DigiKey"], 10, "0.09", "USD"),
                              (sps["Farnell"], 1, "0.08", "GBP"),
                              (sps["Farnell"], 25, "0.07", "GBP"),
                              (sps["Mouser"], 1, "0.20", "EUR")):
        api.ok("POST", "/api/company/price-break/", {
            "part": sp, "quantity": q, "price": price,
            "price_currency": cur}, expect=201)
    lists = (("part", "/api/part/", PART_COLS, (0,)),
             ("company", "/api/company/", COMPANY_COLS, (0,)),
             ("supplierpart", "/api/company/part/", SP_COLS, (2, 1)),
             ("supplierpricebreak", "/api/company/price-break/", PB_COLS,
              (0, 1, 2)))
    files, want = {}, {}
    for model, path, cols, key in lists:
        files[model], want[model] = exported(api, path, fmt, cols, key)
    assert len(want["supplierpricebreak"]) == 5
    other, b = empty_install(tmp_path)
    try:
        for model, path, cols, key in lists:
            _, _, bad = imported(b, model, files[model], fmt)
            assert bad == {}, model
        for model, path, cols, key in lists:
            assert exported(b, path, fmt, cols, key)[1] == want[model]
    finally:
        other.close()

# ---- BOM lines and parameters ------------------------------------------

def test_bom_lines_by_ipn_and_name(api):
    board = api.part("Board", IPN="PCB-1", assembly=True)["pk"]
    r1 = api.part("R 10k", IPN="R-010", component=True)["pk"]
    c1 = api.part("C 100n", IPN="C-100", component=True)["pk"]
    api.part("Not a component", IPN="X-1", component=False)
    # The BOM tab's file: the assembly as a default, sub parts by IPN or
    # name, InvenTree's field names and labels as headers.
    s = api.upload("bomitem", "sub_part,quantity,reference,note,optional\n"
                              "R-010,4,\"R1, R2, R3, R4\",top,false\n"
                              "C 100n,2,C1 C2,,true\n"
                              "X-1,1,X1,,\n"
                              "R-999,1,R9,,\n",
                   field_defaults={"part": board})
    m = api.mapping(s)
    assert m["sub_part"]["column"] == "sub_part"
    assert m["reference"]["column"] == "reference"
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, True, False, False]
    assert "sub_part" in rows[2]["errors"]
    assert rows[3]["errors"]["sub_part"] == ["No Part matches \"R-999\"."]
    api.accept_rows(s["pk"], [rows[0]["pk"], rows[1]["pk"]])
    bom = {b["sub_part"]: b for b in api.list("/api/bom/", part=board)}
    assert sorted(bom) == sorted([r1, c1])
    assert bom[r1]["reference"] == "R1, R2, R3, R4"
    assert float(bom[r1]["quantity"]) == 4 and bom[r1]["note"] == "top"
    assert bom[c1]["optional"] is True
    # The assembly by a column too (several BOMs in one file).
    amp = api.part("Amp", IPN="AMP-1", assembly=True)["pk"]
    s = api.upload("bomitem", "Assembly;Part;Qty\nAMP-1;R-010;1\n")
    api.ok("PATCH", f"{MAPPING}{api.mapping(s)['part']['pk']}/",
           {"column": "Assembly"})
    api.ok("PATCH", f"{MAPPING}{api.mapping(s)['sub_part']['pk']}/",
           {"column": "Part"})
    api.ok("PATCH", f"{MAPPING}{api.mapping(s)['quantity']['pk']}/",
           {"column": "Qty"})
    api.accept_fields(s["pk"])
    api.accept_rows(s["pk"])
    assert [b["sub_part"] for b in api.list("/api/bom/", part=amp)] == [r1]


@pytest.mark.parametrize("model,part_field", [
    ("partparameter", "part"), ("parameter", "model_id")])
def test_parameters_with_units(api, model, part_field):
    r = api.part("R 10k", IPN="R-010")["pk"]
    c = api.part("C 100n", IPN="C-100")["pk"]
    api.ok("POST", "/api/parameter/template/",
           {"name": "Resistance", "units": "ohm"})
    api.ok("POST", "/api/parameter/template/",
           {"name": "Package", "units": ""})
    s = api.upload(model, f"{part_field},template,data\n"
                          "R-010,Resistance,4k7\n"
                          "R-010,Package,0603\n"
                          "C 100n,Resistance,10 volts\n"
                          "C 100n,Colour,red\n")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [x["valid"] for x in rows] == [True, True, False, False]
    assert "data" in rows[2]["errors"]
    assert rows[3]["errors"]["template"] == [
        "No ParameterTemplate matches \"Colour\"." if model == "parameter"
        else "No PartParameterTemplate matches \"Colour\"."]
    api.accept_rows(s["pk"], [rows[0]["pk"], rows[1]["pk"]])
    ps = {p["template_detail"]["name"]: p
          for p in api.list("/api/parameter/", model_id=r)}
    assert ps["Resistance"]["data"] == "4k7"
    assert ps["Resistance"]["data_numeric"] == 4700
    assert ps["Package"]["data"] == "0603"
    assert api.list("/api/parameter/", model_id=c) == []
    # The same file again: the part and template make a unique set.
    s = api.upload(model, f"{part_field},template,data\n"
                          "R-010,Resistance,10k\n")
    api.accept_fields(s["pk"])
    assert api.rows(s["pk"])[0]["valid"] is False


def test_malformed_files_apply_nothing(site, api):
    """Bad encodings, ragged rows, a 1 MB cell, a 50 MB file, formulas:
    each a clear error, and no session, row or part left behind."""
    api.category("Caps")

    def refused(data, text, filename="bad.csv", expect=400):
        r = api.upload("part", data, filename=filename, expect=expect)
        got = json.dumps(r)
        assert text in got, r

    # UTF-16 (as Excel's "Unicode text" writes it): NUL bytes.
    refused("name\tIPN\r\nx\t1\r\n".encode("utf-16"),
            "The file holds NUL bytes: it is not a CSV or TSV text file.",
            filename="u16.txt")
    refused(b"name\nok\x00\n", "holds NUL bytes")
    refused(b"name,IPN\nx,1\n\x1b[31m,2\n",
            "neither UTF-8 nor Windows-1252")
    # Ragged: a row longer than the header, in the middle of the file.
    refused("name,IPN\n" + "p,1\n" * 50 + "q,2,3\n" + "r,4\n" * 50,
            "Row 52 has 3 cells; the header has 2.")
    # A 1 MB cell, quoted, with the delimiter and newlines in it.
    refused("name,description\nx,\"" + ("a,b\n" * 262144) + "\"\n",
            "Row 2, column 2: a cell holds at most 65536 bytes.")
    # 50 MB: larger than any upload (MAX_UPLOAD_SIZE, 25 MB): 413 before
    # the body is read as a form.
    big = b"name,description\n" + (b"p," + b"d" * 1000 + b"\n") * 51000
    assert len(big) > 50 * 1000 * 1000
    refused(big, "", expect=413)
    # Formulas in XLSX are refused (CSV cells are text: kept as written).
    refused(xlsx([["name", "category"], ["a", "Caps"],
                  ["b", ("f", "A2&\"x\"", "ax")]]),
            "Row 3, column B holds a formula", filename="f.xlsx")
    assert api.count(SESSION) == 0 and api.count(ROW) == 0
    assert api.count(MAPPING) == 0 and api.count("/api/part/") == 0



def test_categories_and_locations_under_the_one_shown(api):
    """What the web app's categories and locations panels send: the one
    shown as the default parent, create_paths for parents named by a path
    that does not exist yet (made from the top), a row's parent made by a
    row before it."""
    top = api.category("Electronics")["pk"]
    s = api.upload("partcategory", "Name,Parent\nPassives,\n"
                   "Caps,Electronics/Passives\nDiodes,Semis/Small\n",
                   create_paths="true", field_defaults={"parent": top})
    assert api.mapping(s)["parent"]["column"] == "Parent"
    api.accept_fields(s["pk"])
    assert [r["valid"] for r in api.rows(s["pk"])] == [True] * 3
    assert len(api.accept_rows(s["pk"])["created"]) == 3
    assert sorted(c["pathstring"] for c in api.list(
        "/api/part/category/")) == [
        "Electronics", "Electronics/Passives", "Electronics/Passives/Caps",
        "Semis", "Semis/Small", "Semis/Small/Diodes"]
    shelf = api.location("Shelf")["pk"]
    s = api.upload("stocklocation", "Name;Parent\nBox 1;\nBin;Shelf/Box 1\n",
                   create_paths="true", field_defaults={"parent": shelf})
    api.accept_fields(s["pk"])
    assert len(api.accept_rows(s["pk"])["created"]) == 2
    assert sorted(loc["pathstring"] for loc in api.list(
        "/api/stock/location/")) == ["Shelf", "Shelf/Box 1", "Shelf/Box 1/Bin"]


# ---- the round trip ----------------------------------------------------

PART_COLS = ("name", "IPN", "description", "keywords", "category_path",
             "units", "minimum_stock", "active", "assembly", "component",
             "purchaseable", "salable", "trackable", "virtual", "notes")
STOCK_COLS = ("part_name", "location_path", "quantity", "batch", "status")


def exported(api, path, fmt, cols, key):
    """The list exported as fmt, as rows of the columns given (text)."""
    from test_export import as_dicts, xlsx_rows
    body = api.get(path, export=fmt).body
    if fmt == "csv":
        import csv
        rows = list(csv.DictReader(io.StringIO(body.decode(), newline="")))
    else:
        rows = [{k: "" if v is None else str(v).lower()
                 if isinstance(v, bool) else str(v) for k, v in r.items()}
                for r in as_dicts(xlsx_rows(body))]

    def norm(v):
        try:
            return repr(float(v))
        except ValueError:
            return v
    return body, sorted((tuple(norm(r[c]) for c in cols) for r in rows),
                        key=lambda t: tuple(t[i] for i in key))


def empty_install(tmp_path):
    """A second install, migrated, with an administrator: the site (close
    it) and its ImportApi."""
    (tmp_path / "empty").mkdir()
    other = Site(tmp_path / "empty")
    try:
        other.tool("migrate")
        other.tool("createsuperuser", ADMIN_USERNAME, "admin@example.org",
                   input=ADMIN_PASSWORD + "\n")
        return other, ImportApi(other, UserHeaders(
            Authorization="Token " + get_token(other, ADMIN_USERNAME,
                                               ADMIN_PASSWORD)))
    except BaseException:
        other.close()
        raise


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_an_empty_install(api, tmp_path, fmt):
    """Parts and stock exported, imported into an empty install (the
    categories and locations made from their paths), exported again: the
    same rows."""
    el = api.category("Electronics")["pk"]
    res = api.category("Resistors", parent=el)["pk"]
    mech = api.category("Mechanical")["pk"]
    shelf = api.location("Shelf")["pk"]
    box = api.location("Box 1", parent=shelf)["pk"]
    r1 = api.part("R 10k", category=res, IPN="R-010",
                  description="=HYPERLINK(\"x\")", keywords="-5+1",
                  minimum_stock=5, units="pcs")["pk"]
    r2 = api.part("R 22k", category=res, IPN="R-022",
                  description="Widerstand, 2 % \"Metall\" – Ω",
                  notes="line one\nline two")["pk"]
    s1 = api.part("Screw M3", category=mech, IPN="S-3", component=True,
                  purchaseable=True, trackable=False)["pk"]
    api.part("Loose", description="@no category", active=False)
    api.stock(r1, 10, location=box, batch="B-1")
    api.stock(r2, 2.5, location=shelf)
    api.stock(s1, 100)
    parts_a, want_parts = exported(api, "/api/part/", fmt, PART_COLS, (0,))
    stock_a, want_stock = exported(api, "/api/stock/", fmt, STOCK_COLS,
                                   (0, 1, 2))

    other, b = empty_install(tmp_path)
    try:
        assert b.count("/api/part/") == 0
        for model, data in (("part", parts_a), ("stockitem", stock_a)):
            s = b.upload(model, data, filename=f"{model}.{fmt}",
                         create_paths="true")
            m = b.mapping(s)
            assert m.get("category", m.get("location"))["column"] in (
                "category_path", "location_path")
            b.accept_fields(s["pk"])
            bad = [(r["row_index"], r["errors"]) for r in b.rows(s["pk"])
                   if not r["valid"]]
            assert bad == []
            r = b.ok("POST", f"{SESSION}{s['pk']}/accept_rows/",
                     {"all": True}, expect=201)
            assert len(r["created"]) == s["row_count"]
        _, got_parts = exported(b, "/api/part/", fmt, PART_COLS, (0,))
        _, got_stock = exported(b, "/api/stock/", fmt, STOCK_COLS,
                                (0, 1, 2))
        assert len(want_parts) == 4 and len(want_stock) == 3
        assert got_parts == want_parts
        assert got_stock == want_stock
        # The export's neutralising quote is gone again: the same text.
        r10 = b.list("/api/part/", IPN="R-010")[0]
        assert r10["description"] == "=HYPERLINK(\"x\")"
        assert r10["keywords"] == "-5+1"
        assert b.list("/api/part/", IPN="R-022")[0]["notes"] == (
            "line one\nline two")
        assert sorted(c["pathstring"] for c in b.list(
            "/api/part/category/")) == ["Electronics",
                                        "Electronics/Resistors",
                                        "Mechanical"]
        assert sorted(loc["pathstring"] for loc in b.list(
            "/api/stock/location/")) == ["Shelf", "Shelf/Box 1"]
    finally:
        other.close()


# What the round trip of the demo compares, field by
# field: each list's columns that a file can give (not pks, timestamps,
# or what is made from other lists: a company's address).
COMPANY_COLS = ("name", "description", "website", "phone", "email",
                "currency", "contact", "link", "active", "is_customer",
                "is_manufacturer", "is_supplier", "notes", "parts_supplied",
                "parts_manufactured")
MP_COLS = ("part_name", "manufacturer_name", "MPN", "description", "link")
SP_COLS = ("part_name", "supplier_name", "SKU", "manufacturer_part_MPN",
           "MPN", "manufacturer", "description", "link", "note", "packaging",
           "pack_quantity", "available", "active")
PB_COLS = ("part_SKU", "supplier_name", "quantity", "price", "price_currency")
BOM_COLS = ("part_name", "sub_part_name", "reference", "quantity",
            "allow_variants", "inherited", "optional", "consumable",
            "setup_quantity", "attrition", "rounding_multiple", "note")


def demo_loaded(site):
    import subprocess
    from conftest import BUILD
    proc = subprocess.run([str(BUILD / "bin" / "inventory"), "demo"],
                          env=site.base_env, capture_output=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()


def imported(b, model, data, fmt, unmap=(), **fields):
    """data imported into b as model, the suggested mapping (less the
    fields of unmap); the rows refused, by row index."""
    s = b.upload(model, data, filename=f"{model}.{fmt}", **fields)
    m = b.mapping(s)
    for f in unmap:
        b.ok("PATCH", f"{MAPPING}{m[f]['pk']}/", {"column": ""})
    b.accept_fields(s["pk"])
    bad = {r["row_index"]: r["errors"] for r in b.rows(s["pk"])
           if not r["valid"]}
    if len(bad) < s["row_count"]:
        r = b.ok("POST", f"{SESSION}{s['pk']}/accept_rows/", {"all": True},
                 expect=201)
        assert len(r["created"]) == s["row_count"] - len(bad)
    return s, m, bad


LOC_COLS = ("pathstring", "name", "description", "structural", "external")
CAT_COLS = ("pathstring", "name", "description", "structural",
            "default_location_path", "default_keywords")
DEMO_STOCK_COLS = STOCK_COLS + ("serial", "supplier_part_SKU", "notes",
                                "packaging", "expiry_date", "purchase_price",
                                "purchase_price_currency")

# The demo's lists in the order they import (what a row names comes
# before it): the model, the list, the columns compared, the references
# that must be found through the export's name columns, the upload's
# options (a tree's rows are checked before any is written: a parent
# that a row before makes is there by then, with create_paths).
DEMO_LISTS = (
    ("stocklocation", "/api/stock/location/", LOC_COLS,
     {"parent": "parent_path"}, {"create_paths": "true"}),
    ("partcategory", "/api/part/category/", CAT_COLS,
     {"parent": "parent_path", "default_location": "default_location_path"},
     {"create_paths": "true"}),
    # A variant's template left out: a variant may come before its
    # template in the file.
    ("part", "/api/part/", PART_COLS, {"category": "category_path"},
     {"unmap": ("variant_of",)}),
    ("company", "/api/company/", COMPANY_COLS, {}, {}),
    ("manufacturerpart", "/api/company/part/manufacturer/", MP_COLS,
     {"part": "part_name", "manufacturer": "manufacturer_name"}, {}),
    ("supplierpart", "/api/company/part/", SP_COLS, {
        "part": "part_name", "supplier": "supplier_name",
        "manufacturer_part": "manufacturer_part_MPN"}, {}),
    ("supplierpricebreak", "/api/company/price-break/", PB_COLS,
     {"part": "part_SKU", "supplier": "supplier_name"}, {}),
    ("bomitem", "/api/bom/", BOM_COLS,
     {"part": "part_name", "sub_part": "sub_part_name"}, {}),
    ("stockitem", "/api/stock/", DEMO_STOCK_COLS,
     {"part": "part_name", "location": "location_path",
      "supplier_part": "supplier_part_SKU"}, {}),
)


@pytest.mark.sqlite_only("the demo is loaded by tools/inventory into the "
                         "SQLite file")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_the_demo(api, tmp_path, fmt):
    """The demo -- its locations, categories, parts, companies,
    manufacturer parts, supplier parts, price breaks, BOMs and stock --
    exported, imported in that order into an empty install, exported
    again: the same lists, field by field.  Each file names what it
    references by the export's name column (parent_path, category_path,
    part_name, supplier_name, manufacturer_part_MPN, part_SKU), never by
    the pks of the install it came from."""
    demo_loaded(api.site)
    want, files = {}, {}
    for model, path, cols, _, _ in DEMO_LISTS:
        files[model], want[model] = exported(api, path, fmt, cols,
                                             tuple(range(len(cols))))
    assert len(want["stocklocation"]) > 20
    assert len(want["partcategory"]) > 20
    assert len(want["part"]) > 300
    assert len(want["company"]) == 7
    assert len(want["manufacturerpart"]) > 40
    assert len(want["supplierpart"]) > 200
    assert len(want["supplierpricebreak"]) > 600
    assert len(want["bomitem"]) > 20
    assert len(want["stockitem"]) > 300
    # A supplier part's SKU that another supplier uses too: its price
    # breaks name their supplier part by SKU and supplier.
    skus = [r[2] for r in want["supplierpart"]]
    shared = {s for s in skus if skus.count(s) > 1}
    assert shared
    assert len({r[1] for r in want["supplierpricebreak"]
                if r[0] in shared}) > 1

    other, b = empty_install(tmp_path)
    try:
        for model, path, cols, ref, opt in DEMO_LISTS:
            s, m, bad = imported(b, model, files[model], fmt, **opt)
            # References by the export's name columns, not by pks.
            for f, col in ref.items():
                assert m[f]["column"] == col, (model, f)
            assert bad == {}, (model, list(bad.items())[:3])
        got = {}
        for model, path, cols, _, _ in DEMO_LISTS:
            got[model] = exported(b, path, fmt, cols,
                                  tuple(range(len(cols))))[1]
            assert len(got[model]) == len(want[model]), model
            for g, w in zip(got[model], want[model]):
                assert g == w, model
        # Each supplier's breaks of a shared SKU came back to its own
        # supplier part.
        pb = "supplierpricebreak"
        assert [r for r in got[pb] if r[0] in shared] == [
            r for r in want[pb] if r[0] in shared] != []
    finally:
        other.close()


def test_part_units_checked_per_row(site, api):
    """A part's units through the resource's own check (issue 17): a row
    whose units are not a unit is refused on its units; an update whose
    units are the part's stored ones, no longer a unit, is not."""
    s = api.upload("part", "name,units\nWire,m\nScrew,pcs\nTape,roll\n"
                           "Nut,pieces\nBlank,\n")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, True, False, True, True]
    assert rows[2]["errors"] == {"units": ["Invalid physical unit: roll"]}
    api.accept_rows(s["pk"], [rows[2]["pk"]], expect=400)
    assert api.count("/api/part/") == 0
    api.accept_rows(s["pk"], [x["pk"] for x in rows if x["valid"]])
    parts = {p["name"]: p for p in api.list("/api/part/")}
    assert {n: p["units"] for n, p in parts.items()} == {
        "Wire": "m", "Screw": "pcs", "Nut": "pieces", "Blank": ""}
    # Stored units from before the check: an update sending them back.
    db = site.db()
    db.execute("UPDATE part SET units = 'roll' WHERE name = 'Wire'")
    db.commit()
    wire = parts["Wire"]["pk"]
    s = api.upload("part", f"pk,name,units,description\n"
                           f"{wire},Wire,roll,red\n{wire},Wire,coil,blue\n",
                   update_records="true")
    api.accept_fields(s["pk"])
    rows = api.rows(s["pk"])
    assert [r["valid"] for r in rows] == [True, False]
    assert rows[1]["errors"] == {"units": ["Invalid physical unit: coil"]}
    api.accept_rows(s["pk"], [rows[0]["pk"]])
    w = api.get(f"/api/part/{wire}/").json()
    assert w["units"] == "roll" and w["description"] == "red"
