"""KiCad's HTTP library (issue 17; docs/kicad.md): kicad.cgi's answers
checked against the format KiCad 8 documents (dev-docs.kicad.org, "HTTP
libraries": the root with its two endpoints, categories, parts of a
category, one part with symbolIdStr, the three exclusions and fields of
value and visibility, every value a string), the mapping of parts and
parameters through a category's settings (/api/kicad/category/), and
access by an API token with the part view permission."""
import pytest

from conftest import make_user
from inventory_api import Api

ROOT = "/api/kicad/v1/"
KC = "/api/kicad/category/"
BOOL = ("True", "False")


@pytest.fixture
def api(site, admin):
    return Api(site, admin)


def check_list(rows):
    """categories.json and parts/category/<id>.json: a list of objects
    with a string id (KiCad's HTTP_LIB_CATEGORY / HTTP_LIB_PART), a
    name, an optional description, nothing else."""
    assert isinstance(rows, list)
    for r in rows:
        assert set(r) <= {"id", "name", "description"}
        assert isinstance(r["id"], str) and r["id"].isdigit()
        assert isinstance(r["name"], str) and r["name"]
        assert isinstance(r.get("description", ""), str)


def check_part(p):
    """parts/<id>.json: id, name, symbolIdStr, the exclusions as "True" /
    "False", fields of {"value": string, "visible": "True" / "False"}."""
    assert set(p) == {"id", "name", "symbolIdStr", "exclude_from_bom",
                      "exclude_from_board", "exclude_from_sim", "fields"}
    assert isinstance(p["id"], str) and p["id"].isdigit()
    assert isinstance(p["name"], str) and isinstance(p["symbolIdStr"], str)
    for k in ("exclude_from_bom", "exclude_from_board", "exclude_from_sim"):
        assert p[k] in BOOL
    assert isinstance(p["fields"], dict)
    for name, f in p["fields"].items():
        assert set(f) == {"value", "visible"}, name
        assert isinstance(f["value"], str) and f["visible"] in BOOL


@pytest.fixture
def lib(api):
    res = api.category("Resistors")["pk"]
    cap = api.category("Capacitors")["pk"]
    other = api.category("Mechanical")["pk"]
    fp = api.ok("POST", "/api/parameter/template/",
                dict(name="Footprint"))["pk"]
    rv = api.ok("POST", "/api/parameter/template/",
                dict(name="Resistance", units="ohm"))["pk"]
    r1 = api.part("RC0603 10k", res, description="Resistor 10k 0603",
                  keywords="res smd", link="https://example.com/rc0603.pdf",
                  IPN="RES-10K")["pk"]
    r2 = api.part("RC0805 1k", res)["pk"]
    api.part("Old resistor", res, active=False)
    c1 = api.part("GRM 100n", cap, virtual=True)["pk"]
    m = api.part("Screw", other)["pk"]
    for part, tpl, data in ((r1, fp, "Resistor_SMD:R_0603_1608Metric"),
                            (r1, rv, "10k"), (r2, rv, "1 kΩ")):
        api.ok("POST", "/api/parameter/", dict(
            model_type="part", model_id=part, template=tpl, data=data))
    co = api.ok("POST", "/api/company/", dict(
        name="Yageo", is_manufacturer=True))["pk"]
    api.ok("POST", "/api/company/part/manufacturer/", dict(
        part=r1, manufacturer=co, MPN="RC0603FR-0710KL"))
    kr = api.ok("POST", KC, dict(category=res, symbol="Device:R",
                                 footprint="Resistor_SMD:R_0805_2012Metric",
                                 reference="R", footprint_template=fp,
                                 value_template=rv))
    api.ok("POST", KC, dict(category=cap, symbol="Device:C", reference="C",
                            exclude_from_sim=False))
    return dict(res=res, cap=cap, other=other, r1=r1, r2=r2, c1=c1, m=m,
                kr=kr["pk"], fp=fp)


def test_root(api, lib):
    assert api.list(ROOT) == {"categories": "", "parts": ""}


def test_categories(api, lib):
    rows = api.list(ROOT + "categories.json")
    check_list(rows)
    assert [(r["id"], r["name"]) for r in rows] == [
        (str(lib["cap"]), "Capacitors"), (str(lib["res"]), "Resistors")]


def test_parts_of_a_category(api, lib):
    rows = api.list(ROOT + f"parts/category/{lib['res']}.json")
    check_list(rows)
    assert [(r["id"], r["name"], r["description"]) for r in rows] == [
        (str(lib["r1"]), "RC0603 10k", "Resistor 10k 0603"),
        (str(lib["r2"]), "RC0805 1k", "")]
    # a category KiCad is not shown, or none at all: 404
    assert api.get(ROOT + f"parts/category/{lib['other']}.json").status == 404
    assert api.get(ROOT + "parts/category/99999.json").status == 404


def test_one_part(api, lib):
    p = api.list(ROOT + f"parts/{lib['r1']}.json")
    check_part(p)
    assert p["id"] == str(lib["r1"]) and p["name"] == "RC0603 10k"
    assert p["symbolIdStr"] == "Device:R"
    assert (p["exclude_from_bom"], p["exclude_from_board"],
            p["exclude_from_sim"]) == ("False", "False", "True")
    f = {k: v["value"] for k, v in p["fields"].items()}
    assert f == {
        "value": "10k", "reference": "R",
        "footprint": "Resistor_SMD:R_0603_1608Metric",
        "datasheet": "https://example.com/rc0603.pdf",
        "description": "Resistor 10k 0603", "keywords": "res smd",
        "IPN": "RES-10K", "MPN": "RC0603FR-0710KL",
        "Manufacturer": "Yageo"}
    assert p["fields"]["value"]["visible"] == "True"
    assert p["fields"]["footprint"]["visible"] == "False"
    # the category's defaults where the part has no parameter
    p2 = api.list(ROOT + f"parts/{lib['r2']}.json")
    check_part(p2)
    assert p2["fields"]["footprint"]["value"] == \
        "Resistor_SMD:R_0805_2012Metric"
    assert p2["fields"]["value"]["value"] == "1 kΩ"
    assert p2["fields"]["MPN"]["value"] == ""
    # no value template: the part's name; a virtual part is left out
    c = api.list(ROOT + f"parts/{lib['c1']}.json")
    check_part(c)
    assert c["fields"]["value"]["value"] == "GRM 100n"
    assert (c["exclude_from_bom"], c["exclude_from_board"],
            c["exclude_from_sim"]) == ("True", "True", "False")
    # a part outside the shown categories, or none
    assert api.get(ROOT + f"parts/{lib['m']}.json").status == 404
    assert api.get(ROOT + "parts/99999.json").status == 404
    assert api.get(ROOT + "parts/abc.json").status == 404


def test_settings_change_the_answers(api, lib):
    api.ok("PATCH", f"{KC}{lib['kr']}/", dict(symbol="Device:R_Small",
                                             footprint_template=None))
    p = api.list(ROOT + f"parts/{lib['r1']}.json")
    assert p["symbolIdStr"] == "Device:R_Small"
    assert p["fields"]["footprint"]["value"] == \
        "Resistor_SMD:R_0805_2012Metric"
    r = api.call("POST", KC, dict(category=lib["res"]))
    assert r.status == 400
    assert "non_field_errors" in r.json()
    r = api.call("POST", KC, dict(category=lib["other"], reference="X" * 11))
    assert r.status == 400 and "reference" in r.json()
    assert [x["category"] for x in api.list(KC, category=lib["cap"])] == [
        lib["cap"]]
    api.ok("DELETE", f"{KC}{lib['kr']}/")
    assert [r["name"] for r in api.list(ROOT + "categories.json")] == [
        "Capacitors"]


def test_token_access(site, api, lib):
    viewer = Api(site, make_user(site, "kicad", roles={"part": ["view"]}))
    check_list(viewer.list(ROOT + "categories.json"))
    check_part(viewer.list(ROOT + f"parts/{lib['r1']}.json"))
    # changing what KiCad shows is the categories' permission
    r = viewer.call("POST", KC, dict(category=lib["other"]))
    assert r.status == 403
    nobody = Api(site, make_user(site, "nobody", roles={"stock": ["view"]}))
    assert nobody.get(ROOT + "categories.json").status == 403
    anon = Api(site, {})
    assert anon.get(ROOT + "categories.json").status in (401, 403)


def test_datasheet_from_attachments(api, lib, site, admin):
    """No link on the part: its first PDF attachment (the full URL a
    signed-in browser opens), else its first link attachment; the part's
    own link first."""
    from test_attachment import upload

    def datasheet(pk):
        return api.list(ROOT + f"parts/{pk}.json")["fields"]["datasheet"][
            "value"]

    r2 = lib["r2"]
    assert datasheet(r2) == ""
    r = api.call("POST", "/api/attachment/", dict(
        model_type="part", model_id=r2, link="https://example.com/r2.html"))
    assert r.status == 201, r
    assert datasheet(r2) == "https://example.com/r2.html"
    assert upload(site, admin, "part", r2, filename="notes.txt").status == 201
    r = upload(site, admin, "part", r2, data=b"%PDF-1.4\n%%EOF\n",
               filename="RC0805.PDF", ctype="application/pdf")
    assert r.status == 201, r
    url = datasheet(r2)
    assert url.startswith("http") and url.endswith(r.json()["attachment"])
    assert "/media/" in url
    got = site.cgi("media", path=r.json()["attachment"], headers=admin)
    assert got.status == 200 and got.body.startswith(b"%PDF")
    # the part's link comes first
    api.ok("PATCH", f"/api/part/{r2}/", dict(link="https://example.com/x"))
    assert datasheet(r2) == "https://example.com/x"
