"""CGI-level tests of label.cgi: InvenTree's label API -- the built-in
templates (/api/label/template/), printing a template for objects into a
PDF (POST /api/label/print/, answered with InvenTree's DataOutput as
src/backend/InvenTree/report/api.py LabelPrint answers it) and the
outputs (/api/data-output/) -- with the request shape of the InvenTree
app (lib/labels.dart: template, plugin, items); the PDF is served by
media.cgi to the user who printed it only."""
import json
import re
import shutil
import subprocess
import zlib

import pytest

from conftest import make_user
from inventory_api import Api


def get(site, headers, path, query=""):
    program = "dataoutput" if path.startswith("/api/data-output/") else \
        "label"
    return site.cgi(program, path=path, query=query, headers=headers)


def print_labels(site, headers, body):
    return site.cgi("label", method="POST", path="/api/label/print/",
                    body=body, headers=headers)


def templates(site, headers, query=""):
    r = get(site, headers, "/api/label/template/", query)
    assert r.status == 200, r
    return r.json()


def template_of(site, headers, model, layout):
    """The built-in template of model whose name holds layout."""
    for t in templates(site, headers, f"model_type={model}"):
        if layout in t["name"]:
            return t
    raise AssertionError((model, layout))


def fetch(site, headers, url):
    assert url.startswith("/media/"), url
    return site.cgi("media", path=url, headers=headers)


def pdf_pages(data):
    """The page count of a PDF that libharu wrote (its /Type /Page
    objects; the page tree is never compressed)."""
    assert data.startswith(b"%PDF-"), data[:20]
    assert data.rstrip().endswith(b"%%EOF")
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def pdf_text(data):
    """The text drawn on the pages, from the Tj operators of the
    (deflated) content streams."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = m.group(1)
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            pass
        out += [re.sub(rb"\\([0-7]{3})", lambda o: bytes([int(o[1], 8)]),
                       s).decode("latin-1")
                for s in re.findall(rb"\((.*?)\) Tj", raw)]
    return out


def decode_codes(tmp_path, data, tool):
    """The codes that zbarimg (QR) or dmtxread (DataMatrix) finds in the
    PDF's first page, rendered by ghostscript or pdftoppm; None when the
    tools are missing."""
    if shutil.which(tool) is None:
        return None
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(data)
    png = tmp_path / "page.png"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1",
                        "-png", "-singlefile", str(pdf),
                        str(tmp_path / "page")], check=True)
    elif shutil.which("gs"):
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray",
                        "-r300", "-dFirstPage=1", "-dLastPage=1",
                        f"-sOutputFile={png}", str(pdf)], check=True)
    else:
        return None
    if tool == "zbarimg":
        p = subprocess.run(["zbarimg", "-q", "--raw", str(png)],
                           capture_output=True, text=True)
    else:
        p = subprocess.run(["dmtxread", "-N", "40", str(png)],
                           capture_output=True, text=True, timeout=120)
    return sorted(x for x in p.stdout.splitlines() if x)


@pytest.fixture
def inv(site, admin):
    api = Api(site, admin)
    shelf = api.location("Shelf A")
    bin_ = api.location("Bin 3", parent=shelf["pk"])
    r1 = api.part("Resistor 10k", IPN="R-10K")
    r2 = api.part("Capacitor 100nF", IPN="C-100N")
    item = api.stock(r1["pk"], 25, location=bin_["pk"])
    return {"parts": [r1["pk"], r2["pk"]], "location": bin_["pk"],
            "shelf": shelf["pk"], "item": item["pk"]}


# ---- templates --------------------------------------------------------------

def test_templates_builtin_filtered_by_model(site, admin):
    every = templates(site, admin)
    assert len(every) == 12
    for model in ("part", "stockitem", "stocklocation"):
        ts = templates(site, admin, f"model_type={model}")
        assert len(ts) == 4
        assert {t["model_type"] for t in ts} == {model}
        names = " ".join(t["name"] for t in ts)
        assert "62 mm continuous" in names and "A4 3x7" in names
    t = template_of(site, admin, "part", "A4 3x7")
    # InvenTree's LabelTemplate fields, then the layout.
    for k in ("pk", "name", "description", "model_type", "template",
              "filters", "filename_pattern", "enabled", "revision",
              "attach_to_model", "updated", "width", "height"):
        assert k in t, k
    assert (t["width"], t["height"]) == (63.5, 38.1)
    assert (t["columns"], t["rows"]) == (3, 7)
    assert (t["page_width"], t["page_height"]) == (210, 297)
    assert t["enabled"] is True
    roll = template_of(site, admin, "stockitem", "62 mm")
    assert (roll["width"], roll["page_width"]) == (62, 62)


def test_templates_paged_detail_and_read_only(site, admin):
    # The app asks with ?enabled=true&model_type=part&items=<pk>.
    r = get(site, admin, "/api/label/template/",
            "enabled=true&model_type=part&items=1&limit=2")
    b = r.json()
    assert b["count"] == 4 and len(b["results"]) == 2
    pk = b["results"][0]["pk"]
    d = get(site, admin, f"/api/label/template/{pk}/").json()
    assert d["pk"] == pk and d["model_type"] == "part"
    assert get(site, admin, "/api/label/template/999/").status == 404
    r = site.cgi("label", method="POST", path="/api/label/template/",
                 body={"name": "x"}, headers=admin)
    assert r.status == 405
    r = get(site, admin, "/api/label/template/", "ordering=-width")
    widths = [t["width"] for t in r.json()]
    assert widths == sorted(widths, reverse=True)


def test_templates_need_sign_in(site):
    assert get(site, {}, "/api/label/template/").status in (401, 403)
    r = print_labels(site, {}, {"template": 1, "items": [1]})
    assert r.status in (401, 403)


# ---- printing ---------------------------------------------------------------

def test_print_sheet_answers_data_output(site, admin, inv, tmp_path):
    t = template_of(site, admin, "part", "A4 3x7")
    r = print_labels(site, admin, {"template": t["pk"], "plugin":
                                   "inventreelabel", "items": inv["parts"]})
    assert r.status == 201, r
    o = r.json()
    assert o["complete"] is True
    assert o["output_type"] == "label"
    assert o["plugin"] == "inventreelabel"
    assert o["template_name"] == t["name"]
    assert o["total"] == 2 and o["progress"] == 2
    assert o["errors"] is None
    assert o["user"] == admin.pk
    assert re.fullmatch(r"/media/label/[0-9a-f]{2}/[0-9a-f]{32}",
                        o["output"]), o["output"]
    f = fetch(site, admin, o["output"])
    assert f.status == 200
    assert f.header("Content-Type").startswith("application/pdf")
    assert pdf_pages(f.body) == 1
    text = pdf_text(f.body)
    assert "Resistor 10k" in text and "R-10K" in text
    assert "Capacitor 100nF" in text
    codes = decode_codes(tmp_path, f.body, "zbarimg")
    if codes is not None:
        assert codes == sorted(json.dumps({"part": p})
                               for p in inv["parts"])
    # The app polls /api/data-output/<pk>/ until complete.
    d = get(site, admin, f"/api/data-output/{o['pk']}/").json()
    assert d == o


def test_print_codes_match_barcode_scan(site, admin, inv):
    """The printed data is what /api/barcode/ matches."""
    for model, pk in (("stockitem", inv["item"]),
                      ("stocklocation", inv["location"])):
        data = json.dumps({model: pk})
        r = site.cgi("barcode", method="POST", path="/api/barcode/",
                     body={"barcode": data}, headers=admin)
        assert r.status == 200 and r.json()[model]["pk"] == pk


def test_print_continuous_one_label_a_page(site, admin, inv, tmp_path):
    t = template_of(site, admin, "stockitem", "62 mm")
    api = Api(site, admin)
    more = [api.stock(inv["parts"][1], 3, location=inv["shelf"])["pk"]
            for _ in range(2)]
    r = print_labels(site, admin, {"template": t["pk"],
                                   "items": [inv["item"], *more]})
    assert r.status == 201, r
    data = fetch(site, admin, r.json()["output"]).body
    assert pdf_pages(data) == 3
    # 62 x 29 mm pages, in points.
    assert b"/MediaBox [ 0 0 175.748 82.2047 ]" in data or \
        re.search(rb"/MediaBox \[ ?0 0 175\.7\d* 82\.2\d* ?\]", data), \
        re.findall(rb"/MediaBox[^\]]*\]", data)[:1]
    text = pdf_text(data)
    assert "Qty 25" in text
    assert "Shelf A/Bin 3" in text
    codes = decode_codes(tmp_path, data, "zbarimg")
    if codes is not None:
        assert codes == [json.dumps({"stockitem": inv["item"]})]


def test_print_many_fill_sheets(site, admin, inv):
    t = template_of(site, admin, "stocklocation", "A4 2x7")
    api = Api(site, admin)
    locs = [api.location(f"L{i}")["pk"] for i in range(15)]
    r = print_labels(site, admin, {"template": t["pk"], "items": locs})
    assert r.status == 201, r
    assert pdf_pages(fetch(site, admin, r.json()["output"]).body) == 2
    # skip: a sheet partly used; 14 - 13 = 1 on the first page.
    r = print_labels(site, admin, {"template": t["pk"], "items": locs[:2],
                                   "skip": 13})
    assert r.status == 201, r
    assert pdf_pages(fetch(site, admin, r.json()["output"]).body) == 2


def test_print_datamatrix_and_fields(site, admin, inv, tmp_path):
    t = template_of(site, admin, "part", "A4 5x13")
    r = print_labels(site, admin, {"template": t["pk"],
                                   "items": inv["parts"][:1]})
    assert r.status == 201, r
    data = fetch(site, admin, r.json()["output"]).body
    assert pdf_text(data) == ["R-10K"]		# the template's fields: ipn
    codes = decode_codes(tmp_path, data, "dmtxread")
    if codes is not None:
        assert codes == [json.dumps({"part": inv["parts"][0]})]
    # The client's choice of fields and symbology.
    t = template_of(site, admin, "part", "A4 2x7")
    r = print_labels(site, admin, {"template": t["pk"],
                                   "barcode": "datamatrix",
                                   "fields": "name",
                                   "items": inv["parts"][:1]})
    assert r.status == 201, r
    data = fetch(site, admin, r.json()["output"]).body
    assert pdf_text(data) == ["Resistor 10k"]
    codes = decode_codes(tmp_path, data, "dmtxread")
    if codes is not None:
        assert codes == [json.dumps({"part": inv["parts"][0]})]


def test_print_unicode_names(site, admin):
    api = Api(site, admin)
    p = api.part("Widerstand \u00b5-Gr\u00f6\u00dfe \u2013 \u4e2d")
    t = template_of(site, admin, "part", "A4 2x7")
    r = print_labels(site, admin, {"template": t["pk"], "items": [p["pk"]]})
    assert r.status == 201, r
    text = pdf_text(fetch(site, admin, r.json()["output"]).body)
    # WinAnsi: the Latin-1 letters and the en dash, "?" for the rest.
    assert text[0] == "Widerstand \xb5-Gr\xf6\xdfe \x96 ?"


# ---- errors and bounds -------------------------------------------------------

def test_print_errors(site, admin, inv):
    t = template_of(site, admin, "part", "A4 3x7")
    cases = [
        ({"items": [1]}, {"template": ["This field is required."]}),
        ({"template": 999, "items": [1]},
         {"template": ['Invalid pk "999" - object does not exist.']}),
        ({"template": t["pk"]}, {"items": ["This field is required."]}),
        ({"template": t["pk"], "items": "1"},
         {"items": ['Expected a list of items but got type "str".']}),
        ({"template": t["pk"], "items": [1, "x", None]},
         {"items": {"1": ["A valid integer is required."],
                    "2": ["A valid integer is required."]}}),
        ({"template": t["pk"], "items": [1], "plugin": "nope"},
         {"plugin": ['Invalid pk "nope" - object does not exist.']}),
        ({"template": t["pk"], "items": [1], "barcode": "ean"},
         {"barcode": ["Must be qr or datamatrix."]}),
        ({"template": t["pk"], "items": [1], "fields": "name,price"},
         {"fields": ["A comma-separated list of name, ipn, location, "
                     "quantity."]}),
        ({"template": t["pk"], "items": [1], "skip": 21},
         {"skip": ["Must be a position on the first sheet."]}),
    ]
    for body, want in cases:
        r = print_labels(site, admin, body)
        assert r.status == 400, (body, r)
        assert r.json() == want, body
    # Items that do not exist are left out; none at all is InvenTree's 400.
    r = print_labels(site, admin, {"template": t["pk"], "items": [999]})
    assert r.status == 400
    assert r.json() == {"non_field_errors": [
        "No valid items provided to template"]}
    r = print_labels(site, admin, {"template": t["pk"], "items": []})
    assert r.status == 400 and "non_field_errors" in r.json()
    r = print_labels(site, admin, {"template": t["pk"],
                                   "items": [999, inv["parts"][0]]})
    assert r.status == 201 and r.json()["total"] == 1


def test_print_bounded(site, admin, inv):
    t = template_of(site, admin, "part", "A4 5x13")
    r = print_labels(site, admin, {"template": t["pk"],
                                   "items": list(range(1, 502))})
    assert r.status == 400
    assert r.json() == {"items": [
        "Ensure this field has no more than 500 elements."]}
    # 500 (mostly missing) is allowed, duplicates printed once.
    r = print_labels(site, admin, {"template": t["pk"],
                                   "items": [inv["parts"][0]] * 500})
    assert r.status == 201 and r.json()["total"] == 1


def test_print_needs_view_of_the_model(site, admin, inv):
    parts_only = make_user(site, "partsonly", {"part": ["view"]})
    tp = template_of(site, admin, "part", "A4 3x7")
    ts = template_of(site, admin, "stockitem", "A4 3x7")
    r = print_labels(site, parts_only, {"template": tp["pk"],
                                        "items": inv["parts"]})
    assert r.status == 201, r
    out = r.json()
    r = print_labels(site, parts_only, {"template": ts["pk"],
                                        "items": [inv["item"]]})
    assert r.status == 403
    # The PDF and its output row are the printer's alone (a superuser
    # sees all).
    other = make_user(site, "other", {"part": ["view"]})
    assert fetch(site, other, out["output"]).status == 404
    assert get(site, other, f"/api/data-output/{out['pk']}/").status == 404
    assert get(site, other, "/api/data-output/").json() == []
    assert fetch(site, parts_only, out["output"]).status == 200
    assert fetch(site, admin, out["output"]).status == 200
    mine = get(site, parts_only, "/api/data-output/").json()
    assert [o["pk"] for o in mine] == [out["pk"]]
    assert fetch(site, {}, out["output"]).status in (401, 403, 404)


def test_print_options_for_the_app(site, admin):
    """The app builds its form from OPTIONS (template, plugin, items)."""
    r = site.cgi("label", method="OPTIONS", path="/api/label/print/",
                 headers=admin)
    assert r.status == 200
    post = r.json()["actions"]["POST"]
    assert post["template"]["type"] == "related field"
    assert post["template"]["api_url"] == "/api/label/template/"
    assert post["template"]["required"] is True
    assert "items" in post and "plugin" in post
