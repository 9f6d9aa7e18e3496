"""Bills of materials (bom.cgi and part.cgi, issue 16's BOM half): BOM
items and substitutes with InvenTree's fields, filters, search, ordering,
OPTIONS and bulk delete; the rules (assemblies only, components only, no
part in its own BOM at any depth, whole numbers of trackable parts); BOM
validation (per line and per part, cleared by an edit); "can build" per
line and per part, with substitutes; the part filters in_bom_for, has_bom,
bom_valid; BOM copy; permissions (the part rule set)."""
import pytest

from conftest import make_user
from inventory_api import Api, pks

BOM = "/api/bom/"
SUB = "/api/bom/substitute/"


class BomApi(Api):
    def line(self, part, sub_part, quantity=1, **kw):
        return self.ok("POST", BOM, dict(part=part, sub_part=sub_part,
                                         quantity=quantity, **kw))

    def line_error(self, body):
        r = self.call("POST", BOM, body)
        assert r.status == 400, r
        return r.json()


@pytest.fixture
def api(site, admin):
    return BomApi(site, admin)


@pytest.fixture
def w(api):
    """A board (assembly) and a kit (assembly and component), resistors,
    a capacitor, an IC, a part that is no component, a trackable chip."""
    asm = dict(assembly=True, component=False)
    return dict(
        board=api.part("Sensor board", IPN="SB-1", **asm)["pk"],
        kit=api.part("Kit", assembly=True, component=True)["pk"],
        r1=api.part("R 10k", IPN="R-10K", description="Resistor")["pk"],
        r2=api.part("R 10k alt", IPN="R-10K-B")["pk"],
        c1=api.part("C 100n", IPN="C-100N", keywords="cap")["pk"],
        ic=api.part("MCU", IPN="IC-1")["pk"],
        tool=api.part("Tool", component=False)["pk"],
        chip=api.part("Chip", trackable=True)["pk"],
    )


# --- lines -------------------------------------------------------------------

def test_line_create_fields_and_detail(api, w):
    b = api.line(w["board"], w["r1"], "4", reference="R1, R2, R3, R4",
                 note="0603")
    assert b["part"] == w["board"] and b["sub_part"] == w["r1"]
    assert b["quantity"] == 4 and b["reference"] == "R1, R2, R3, R4"
    assert b["note"] == "0603" and b["optional"] is False
    assert b["consumable"] is False and b["allow_variants"] is False
    assert b["inherited"] is False and b["validated"] is False
    assert b["setup_quantity"] == 0 and b["attrition"] == 0
    assert b["rounding_multiple"] is None and b["substitutes"] == []
    assert b["pricing_min"] is None and b["pricing_updated"] is None
    assert b["available_stock"] == 0 and b["can_build"] == 0
    assert b["available_substitute_stock"] == 0
    assert b["available_variant_stock"] == 0 and b["on_order"] == 0
    assert "part_detail" not in b and "sub_part_detail" not in b
    d = api.list(BOM + f"{b['pk']}/", part_detail=True, sub_part_detail=True)
    assert d["part_detail"]["name"] == "Sensor board"
    assert d["sub_part_detail"]["IPN"] == "R-10K"
    r = api.get(BOM + "999/")
    assert r.status == 404
    assert r.json() == {"detail": "No BomItem matches the given query."}


def test_line_change_and_delete(api, w):
    b = api.line(w["board"], w["r1"])
    r = api.ok("PATCH", BOM + f"{b['pk']}/", {"quantity": "2.5",
                                              "optional": True})
    assert r["quantity"] == 2.5 and r["optional"] is True
    r = api.call("PUT", BOM + f"{b['pk']}/", {"quantity": 1})
    assert r.status == 400 and set(r.json()) == {"part", "sub_part"}
    api.ok("DELETE", BOM + f"{b['pk']}/")
    assert api.get(BOM + f"{b['pk']}/").status == 404


@pytest.mark.parametrize("body,field", [
    ({"sub_part": 1, "quantity": 1}, "part"),
    ({"part": 1, "quantity": 1}, "sub_part"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": -1}, "quantity"),
    ({"quantity": "x"}, "quantity"),
    ({"attrition": "100.5"}, "attrition"),
    ({"setup_quantity": -1}, "setup_quantity"),
    ({"reference": "r" * 5001}, "reference"),
    ({"note": "n" * 501}, "note"),
    ({"optional": "perhaps"}, "optional"),
])
def test_line_validation_names_the_field(api, w, body, field):
    full = dict({"part": w["board"], "sub_part": w["r1"], "quantity": 1},
                **body)
    for k in ("part", "sub_part"):
        if k not in body and k == field:
            del full[k]
    if field in ("part", "sub_part"):
        full.pop(field, None)
    r = api.call("POST", BOM, full)
    assert r.status == 400, r
    assert field in r.json(), r.json()
    assert api.list(BOM) == []


def test_only_assemblies_have_boms_and_only_components_go_in(api, w):
    e = api.line_error({"part": w["r1"], "sub_part": w["r2"], "quantity": 1})
    assert e == {"part": [f'Invalid pk "{w["r1"]}" - object does not '
                          'exist.']}
    e = api.line_error({"part": w["board"], "sub_part": w["tool"],
                        "quantity": 1})
    assert e == {"sub_part": [f'Invalid pk "{w["tool"]}" - object does not '
                              'exist.']}
    e = api.line_error({"part": w["board"], "sub_part": 9999, "quantity": 1})
    assert "sub_part" in e


def test_no_part_in_its_own_bom(api, w):
    e = api.line_error({"part": w["kit"], "sub_part": w["kit"],
                        "quantity": 1})
    assert e == {"sub_part": ["Part 'Kit' cannot be used in BOM for 'Kit' "
                              "(recursive)"]}


def test_no_cycle_at_any_depth_and_the_path_is_named(api, w):
    top = api.part("Top", assembly=True, component=True)["pk"]
    mid = api.part("Mid", assembly=True, component=True)["pk"]
    low = api.part("Low", assembly=True, component=True)["pk"]
    api.line(top, mid)
    api.line(mid, low)
    api.line(low, w["r1"])
    # low cannot take top: top > mid > low
    e = api.line_error({"part": low, "sub_part": top, "quantity": 1})
    assert e == {"sub_part": ["Part 'Low' is used in BOM for 'Top' "
                              "(recursive): Top > Mid > Low"]}
    e = api.line_error({"part": mid, "sub_part": top, "quantity": 1})
    assert "sub_part" in e and "Top > Mid" in e["sub_part"][0]
    # A change that would close a cycle is refused too.
    other = api.line(w["kit"], w["r1"])
    r = api.call("PATCH", BOM + f"{other['pk']}/", {"part": low,
                                                    "sub_part": top})
    assert r.status == 400 and "sub_part" in r.json()
    # ... and through a substitute.
    line = api.list(BOM, part=low)[0]
    r = api.call("POST", SUB, {"bom_item": line["pk"], "part": top})
    assert r.status == 400
    assert r.json() == {"part": ["Part 'Low' is used in BOM for 'Top' "
                                 "(recursive): Top > Mid > Low"]}
    # A substitute below: then top cannot be put below low's substitute.
    api.ok("POST", SUB, {"bom_item": line["pk"], "part": w["kit"]})
    e = api.line_error({"part": w["kit"], "sub_part": top, "quantity": 1})
    assert e["sub_part"][0].endswith("Top > Mid > Low > Kit")
    # Diamonds are no cycles.
    api.line(top, low)
    api.line(top, w["r1"])


def test_trackable_component(api, w):
    e = api.line_error({"part": w["board"], "sub_part": w["chip"],
                        "quantity": "1.5"})
    assert e == {"quantity": ["Quantity must be integer value for "
                              "trackable parts"]}
    assert api.list(f"/api/part/{w['board']}/")["trackable"] is False
    api.line(w["board"], w["chip"], 2)
    # As InvenTree: the assembly becomes trackable.
    assert api.list(f"/api/part/{w['board']}/")["trackable"] is True


def test_filters_search_ordering(api, w):
    a = api.line(w["board"], w["r1"], 4, reference="R1-R4")
    b = api.line(w["board"], w["c1"], 2, reference="C1 C2", optional=True)
    c = api.line(w["board"], w["ic"], 1, consumable=True, reference="U1")
    d = api.line(w["kit"], w["r1"], 10, allow_variants=True, inherited=True)
    assert pks(api.list(BOM, part=w["board"])) == sorted(
        [a["pk"], b["pk"], c["pk"]])
    assert pks(api.list(BOM, sub_part=w["r1"])) == sorted([a["pk"], d["pk"]])
    assert pks(api.list(BOM, optional=True)) == [b["pk"]]
    assert pks(api.list(BOM, consumable=True)) == [c["pk"]]
    assert pks(api.list(BOM, allow_variants=True)) == [d["pk"]]
    assert pks(api.list(BOM, inherited=True)) == [d["pk"]]
    assert pks(api.list(BOM, validated=False)) == pks([a, b, c, d])
    assert pks(api.list(BOM, sub_part_assembly=False)) == pks([a, b, c, d])
    assert pks(api.list(BOM, part_active=True)) == pks([a, b, c, d])
    assert api.list(BOM, has_pricing=True) == []
    assert api.list(BOM, on_order=True) == []
    assert pks(api.list(BOM, on_order=False)) == pks([a, b, c, d])
    # search: reference, the component's and the assembly's texts
    assert pks(api.list(BOM, search="c1 c2")) == [b["pk"]]
    assert pks(api.list(BOM, search="IC-1")) == [c["pk"]]
    assert pks(api.list(BOM, search="resistor")) == sorted([a["pk"], d["pk"]])
    assert pks(api.list(BOM, search="SB-1")) == pks([a, b, c])
    assert pks(api.list(BOM, search="cap")) == [b["pk"]]
    # ordering
    q = [x["quantity"] for x in api.list(BOM, part=w["board"],
                                          ordering="-quantity")]
    assert q == [4, 2, 1]
    names = [x["sub_part"] for x in api.list(BOM, part=w["board"],
                                              ordering="sub_part")]
    assert names == [w["c1"], w["ic"], w["r1"]]     # C, MCU, R
    assert [x["reference"] for x in api.list(
        BOM, part=w["board"], ordering="reference")] == [
            "C1 C2", "R1-R4", "U1"]
    page = api.list(BOM, limit=2, offset=0)
    assert page["count"] == 4 and len(page["results"]) == 2
    r = api.get(BOM, optional="perhaps")
    assert r.status == 400 and "optional" in r.json()


def test_category_and_stock_filters(api, w):
    cat = api.category("Passives")["pk"]
    api.ok("PATCH", f"/api/part/{w['r1']}/", {"category": cat})
    a = api.line(w["board"], w["r1"], 4)
    b = api.line(w["board"], w["c1"], 2)
    assert pks(api.list(BOM, category=cat)) == [a["pk"]]
    assert api.list(BOM, available_stock=True) == []
    api.stock(w["c1"], 5)
    assert pks(api.list(BOM, available_stock=True)) == [b["pk"]]
    assert pks(api.list(BOM, available_stock=False)) == [a["pk"]]


def test_uses_is_where_used(api, w):
    a = api.line(w["board"], w["r1"], 4)
    b = api.line(w["kit"], w["c1"], 1)
    api.ok("POST", SUB, {"bom_item": b["pk"], "part": w["r1"]})
    assert pks(api.list(BOM, uses=w["r1"])) == sorted([a["pk"], b["pk"]])
    assert pks(api.list(BOM, uses=w["c1"])) == [b["pk"]]
    assert api.list(BOM, uses=w["ic"]) == []
    assert api.get(BOM, uses=99999).status == 400


def test_bulk_delete_and_options(api, w):
    a = api.line(w["board"], w["r1"])
    b = api.line(w["board"], w["c1"])
    c = api.line(w["board"], w["ic"])
    api.ok("DELETE", BOM, {"items": [a["pk"], b["pk"]]})
    assert pks(api.list(BOM)) == [c["pk"]]
    o = api.ok("OPTIONS", BOM)
    post = o["actions"]["POST"]
    for f in ("part", "sub_part", "quantity", "reference", "note",
              "optional", "consumable", "allow_variants", "inherited",
              "setup_quantity", "attrition", "rounding_multiple"):
        assert f in post, f
    assert post["part"]["model"] == "part"
    assert post["sub_part"]["api_url"].endswith("/api/part/")
    assert post["quantity"]["required"] is True
    assert post["validated"]["read_only"] is True
    o = api.ok("OPTIONS", SUB)
    assert set(o["actions"]["POST"]) >= {"bom_item", "part"}


def test_metadata(api, w):
    a = api.line(w["board"], w["r1"])
    md = api.ok("PATCH", BOM + f"{a['pk']}/metadata/", {"metadata": {"x": 1}})
    assert md == {"metadata": {"x": 1}}


# --- substitutes -------------------------------------------------------------

def test_substitutes(api, w):
    a = api.line(w["board"], w["r1"], 4)
    s = api.ok("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    assert s["bom_item"] == a["pk"] and s["part"] == w["r2"]
    assert s["part_detail"]["name"] == "R 10k alt"
    line = api.list(BOM + f"{a['pk']}/")
    assert [x["pk"] for x in line["substitutes"]] == [s["pk"]]
    assert line["substitutes"][0]["part_detail"]["IPN"] == "R-10K-B"
    r = api.call("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "The fields part, bom_item must make a unique set."]}
    r = api.call("POST", SUB, {"bom_item": a["pk"], "part": w["r1"]})
    assert r.status == 400 and r.json() == {"part": [
        "Substitute part cannot be the same as the master part"]}
    r = api.call("POST", SUB, {"bom_item": a["pk"], "part": w["tool"]})
    assert r.status == 400 and "part" in r.json()
    r = api.call("POST", SUB, {"bom_item": 999, "part": w["c1"]})
    assert r.status == 400 and "bom_item" in r.json()
    assert pks(api.list(SUB, bom_item=a["pk"])) == [s["pk"]]
    assert pks(api.list(SUB, part=w["r2"])) == [s["pk"]]
    assert pks(api.list(SUB, search="alt")) == [s["pk"]]
    api.ok("DELETE", SUB + f"{s['pk']}/")
    assert api.list(BOM + f"{a['pk']}/")["substitutes"] == []
    # A line's substitutes go with it.
    s = api.ok("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    api.ok("DELETE", BOM + f"{a['pk']}/")
    assert api.get(SUB + f"{s['pk']}/").status == 404


# --- can build ---------------------------------------------------------------

def requirements(api, part):
    return api.list(f"/api/part/{part}/requirements/")


def test_can_build(api, w):
    assert requirements(api, w["board"])["can_build"] == 0    # no BOM
    a = api.line(w["board"], w["r1"], 4)
    api.line(w["board"], w["c1"], 2)
    api.line(w["board"], w["ic"], 0.5, optional=True)
    assert requirements(api, w["board"])["can_build"] == 0
    api.stock(w["r1"], 40)
    api.stock(w["c1"], 7)
    api.stock(w["ic"], 100)
    # r1: 40 / 4 = 10, c1: 7 / 2 = 3 (whole), ic: 200
    assert requirements(api, w["board"])["can_build"] == 3
    lines = {x["sub_part"]: x for x in api.list(BOM, part=w["board"])}
    assert lines[w["r1"]]["can_build"] == 10
    assert lines[w["c1"]]["can_build"] == 3
    assert lines[w["ic"]]["can_build"] == 200
    assert lines[w["r1"]]["available_stock"] == 40
    # Substitutes count: r2 adds to r1's line.
    api.ok("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    api.stock(w["r2"], 4)
    line = api.list(BOM + f"{a['pk']}/")
    assert line["available_substitute_stock"] == 4
    assert line["can_build"] == 11
    # Setup quantity and attrition, as InvenTree's can_build_quantity():
    # (44 - 4) / (4 x 1.25) = 8
    line = api.ok("PATCH", BOM + f"{a['pk']}/", {"setup_quantity": 4,
                                                 "attrition": 25})
    assert line["can_build"] == 8
    api.adjust("add", [{"pk": api.stock(w["c1"], 1)["pk"],
                        "quantity": 30}])
    assert requirements(api, w["board"])["can_build"] == 8
    assert [x["sub_part"] for x in api.list(
        BOM, part=w["board"], ordering="-can_build")][0] == w["ic"]


# --- validation --------------------------------------------------------------

def validation(api, part):
    return api.list(f"/api/part/{part}/bom-validate/")


def test_validate_bom_and_an_edit_clears_it(api, w):
    a = api.line(w["board"], w["r1"], 4)
    b = api.line(w["board"], w["c1"], 2)
    v = validation(api, w["board"])
    assert v == {"pk": w["board"], "bom_validated": False, "bom_checksum": "",
                 "bom_checked_by": None, "bom_checked_by_detail": None,
                 "bom_checked_date": None}
    assert pks(api.list("/api/part/", bom_valid=False, assembly=True)) == \
        sorted([w["board"], w["kit"]])
    v = api.ok("PUT", f"/api/part/{w['board']}/bom-validate/",
               {"valid": True})
    assert v["bom_validated"] is True and len(v["bom_checksum"]) == 16
    assert v["bom_checked_by_detail"]["username"] == "admin"
    assert v["bom_checked_by"] == v["bom_checked_by_detail"]["pk"]
    assert len(v["bom_checked_date"]) == 10
    assert all(x["validated"] for x in api.list(BOM, part=w["board"]))
    assert pks(api.list("/api/part/", bom_valid=True)) == [w["board"]]
    # A change of a hashed field clears the line and the part.
    api.ok("PATCH", BOM + f"{a['pk']}/", {"quantity": 5})
    assert api.list(BOM + f"{a['pk']}/")["validated"] is False
    assert api.list(BOM + f"{b['pk']}/")["validated"] is True
    assert validation(api, w["board"])["bom_validated"] is False
    assert api.list("/api/part/", bom_valid=True) == []
    # Changing it back makes both valid again (the checksum matches).
    api.ok("PATCH", BOM + f"{a['pk']}/", {"quantity": 4})
    assert api.list(BOM + f"{a['pk']}/")["validated"] is True
    assert validation(api, w["board"])["bom_validated"] is True
    # The note is not hashed (as InvenTree).
    api.ok("PATCH", BOM + f"{a['pk']}/", {"note": "changed"})
    assert validation(api, w["board"])["bom_validated"] is True
    # A new line and a deleted line clear it.
    c = api.line(w["board"], w["ic"], 1)
    assert validation(api, w["board"])["bom_validated"] is False
    api.ok("PATCH", f"/api/part/{w['board']}/bom-validate/", {"valid": True})
    api.ok("DELETE", BOM + f"{c['pk']}/")
    assert validation(api, w["board"])["bom_validated"] is False
    # valid: false marks it not validated.
    api.ok("PUT", f"/api/part/{w['board']}/bom-validate/", {"valid": True})
    v = api.ok("PUT", f"/api/part/{w['board']}/bom-validate/",
               {"valid": False})
    assert v["bom_validated"] is False and v["bom_checksum"] == ""
    r = api.call("PUT", f"/api/part/{w['board']}/bom-validate/",
                 {"valid": "perhaps"})
    assert r.status == 400 and "valid" in r.json()
    assert api.get("/api/part/9999/bom-validate/").status == 404


def test_validate_one_line(api, w):
    a = api.line(w["board"], w["r1"], 4)
    r = api.ok("PATCH", BOM + f"{a['pk']}/validate/", {"valid": True})
    assert r == {"valid": True}
    assert api.list(BOM + f"{a['pk']}/")["validated"] is True
    assert pks(api.list(BOM, validated=True)) == [a["pk"]]
    r = api.ok("PUT", BOM + f"{a['pk']}/validate/", {"valid": False})
    assert r == {"valid": False}
    assert api.list(BOM + f"{a['pk']}/")["validated"] is False
    assert api.call("PUT", BOM + "999/validate/", {"valid": True}).status \
        == 404


# --- part filters and copy ---------------------------------------------------

def test_part_filters_in_bom_for_and_has_bom(api, w):
    a = api.line(w["board"], w["r1"], 4)
    api.line(w["board"], w["c1"], 2)
    api.ok("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    assert pks(api.list("/api/part/", in_bom_for=w["board"])) == sorted(
        [w["r1"], w["r2"], w["c1"]])
    assert api.list("/api/part/", in_bom_for=w["kit"]) == []
    assert api.get("/api/part/", in_bom_for=99999).status == 400
    assert pks(api.list("/api/part/", has_bom=True)) == [w["board"]]
    assert w["board"] not in pks(api.list("/api/part/", has_bom=False))


def test_bom_copy(api, w):
    a = api.line(w["board"], w["r1"], 4, reference="R1")
    api.line(w["board"], w["c1"], 2)
    api.ok("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})
    api.line(w["kit"], w["ic"], 1)
    r = api.ok("POST", f"/api/part/{w['kit']}/bom-copy/",
               {"part": w["board"]})
    assert r["part"] == w["board"] and r["remove_existing"] is True
    lines = api.list(BOM, part=w["kit"], ordering="sub_part")
    assert [x["sub_part"] for x in lines] == [w["c1"], w["r1"]]
    r1 = [x for x in lines if x["sub_part"] == w["r1"]][0]
    assert r1["quantity"] == 4 and r1["reference"] == "R1"
    assert [s["part"] for s in r1["substitutes"]] == [w["r2"]]
    # Keep the existing, without substitutes.
    api.ok("POST", f"/api/part/{w['kit']}/bom-copy/",
           {"part": w["board"], "remove_existing": False,
            "copy_substitutes": False})
    assert len(api.list(BOM, part=w["kit"])) == 4
    # A line that would make a cycle fails the copy, or is skipped.
    top = api.part("Top", assembly=True, component=True)["pk"]
    api.line(top, w["kit"])
    src = api.part("Src", assembly=True)["pk"]
    api.line(src, top)
    api.line(src, w["ic"])
    r = api.call("POST", f"/api/part/{w['kit']}/bom-copy/", {"part": src})
    assert r.status == 400 and "part" in r.json()
    assert len(api.list(BOM, part=w["kit"])) == 4      # nothing changed
    api.ok("POST", f"/api/part/{w['kit']}/bom-copy/",
           {"part": src, "skip_invalid": True})
    assert [x["sub_part"] for x in api.list(BOM, part=w["kit"])] == [w["ic"]]
    r = api.call("POST", f"/api/part/{w['kit']}/bom-copy/", {})
    assert r.status == 400 and "part" in r.json()


def test_deleting_a_part_deletes_its_lines(api, w):
    a = api.line(w["board"], w["r1"], 4)
    b = api.line(w["board"], w["c1"], 1)
    api.ok("PUT", f"/api/part/{w['board']}/bom-validate/", {"valid": True})
    api.ok("PATCH", f"/api/part/{w['r1']}/", {"active": False})
    api.ok("DELETE", f"/api/part/{w['r1']}/")
    assert api.get(BOM + f"{a['pk']}/").status == 404
    assert api.get(BOM + f"{b['pk']}/").status == 200
    # The assembly's BOM changed: no longer the one validated.
    assert validation(api, w["board"])["bom_validated"] is False
    # Deleting the assembly takes its lines and its validation.
    api.ok("PATCH", f"/api/part/{w['board']}/", {"active": False})
    api.ok("DELETE", f"/api/part/{w['board']}/")
    assert api.get(BOM + f"{b['pk']}/").status == 404


# --- permissions -------------------------------------------------------------

def test_bom_is_in_the_part_rule_set(site, api, w):
    a = api.line(w["board"], w["r1"], 4)
    viewer = BomApi(site, make_user(site, "bom-view",
                                    roles={"part": ["view"]}))
    assert pks(viewer.list(BOM)) == [a["pk"]]
    assert viewer.list(f"/api/part/{w['board']}/bom-validate/")[
        "bom_validated"] is False
    for method, path, body in (
            ("POST", BOM, {"part": w["board"], "sub_part": w["c1"],
                           "quantity": 1}),
            ("PATCH", BOM + f"{a['pk']}/", {"quantity": 2}),
            ("DELETE", BOM + f"{a['pk']}/", None),
            ("PUT", BOM + f"{a['pk']}/validate/", {"valid": True}),
            ("PUT", f"/api/part/{w['board']}/bom-validate/", {"valid": True}),
            ("POST", f"/api/part/{w['kit']}/bom-copy/", {"part": w["board"]}),
            ("POST", SUB, {"bom_item": a["pk"], "part": w["r2"]})):
        assert viewer.call(method, path, body).status == 403, (method, path)
    stock = BomApi(site, make_user(site, "stock-only",
                                   roles={"stock": ["view"]}))
    assert stock.get(BOM).status == 403
    editor = BomApi(site, make_user(site, "bom-edit", roles={
        "part": ["view", "change"]}))
    assert editor.call("PUT", f"/api/part/{w['board']}/bom-validate/",
                       {"valid": True}).status == 200
    assert editor.call("POST", BOM, {"part": w["board"], "sub_part": w["c1"],
                                     "quantity": 1}).status == 403


def test_many_substitutes_are_all_shown(api, w):
    a = api.line(w["board"], w["r1"], 4)
    subs = [api.part(f"R alt {i}")["pk"] for i in range(20)]
    for p in subs:
        api.ok("POST", SUB, {"bom_item": a["pk"], "part": p})
    line = api.list(BOM + f"{a['pk']}/")
    assert [s["part"] for s in line["substitutes"]] == subs
    assert len(api.list(BOM, part=w["board"])[0]["substitutes"]) == 20


def test_a_locked_assembly_keeps_its_bom(api, w):
    a = api.line(w["board"], w["r1"], 4)
    api.ok("PATCH", f"/api/part/{w['board']}/", {"locked": True})
    locked = {"non_field_errors": [
        "BOM item cannot be modified - assembly is locked"]}
    assert api.line_error({"part": w["board"], "sub_part": w["c1"],
                           "quantity": 1}) == locked
    r = api.call("PATCH", BOM + f"{a['pk']}/", {"quantity": 2})
    assert r.status == 400 and r.json() == locked
    r = api.call("DELETE", BOM + f"{a['pk']}/")
    assert r.status == 400 and r.json() == locked
    r = api.call("POST", f"/api/part/{w['board']}/bom-copy/",
                 {"part": w["kit"]})
    assert r.status == 400 and r.json() == locked
    # Nor may a line move out of it.
    r = api.call("PATCH", BOM + f"{a['pk']}/", {"part": w["kit"]})
    assert r.status == 400 and r.json() == locked
    assert api.list(BOM + f"{a['pk']}/")["quantity"] == 4
    api.ok("PATCH", f"/api/part/{w['board']}/", {"locked": False})
    api.ok("PATCH", BOM + f"{a['pk']}/", {"quantity": 2})
