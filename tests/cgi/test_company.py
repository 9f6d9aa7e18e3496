"""Companies (company.cgi, issue 15's supplier side): companies, contacts,
addresses (one primary per company), manufacturer parts, supplier parts
(pack quantities, bulk delete) and price breaks, with InvenTree's fields,
filters, unique sets, limits on what a reference may name, permissions
and OPTIONS; and a stock item's supplier part."""
import pytest

from conftest import make_user
from inventory_api import Api, pks

CO = "/api/company/"
CONTACT = "/api/company/contact/"
ADDR = "/api/company/address/"
MP = "/api/company/part/manufacturer/"
SP = "/api/company/part/"
PB = "/api/company/price-break/"


class CompanyApi(Api):
    def company(self, name, **kw):
        return self.ok("POST", CO, dict(name=name, **kw))


@pytest.fixture
def api(site, admin):
    return CompanyApi(site, admin)


@pytest.fixture
def world(api):
    """Two parts (one in metres), a supplier, a manufacturer, a customer."""
    w = dict(
        r1=api.part("R1", IPN="R-001", description="Resistor 1k")["pk"],
        wire=api.part("Wire", units="m")["pk"],
        mouser=api.company("Mouser", description="Distributor",
                           website="https://mouser.com")["pk"],
        acme=api.company("Acme", is_manufacturer=True,
                         is_supplier=False)["pk"],
        shop=api.company("Shop", is_customer=True, is_supplier=False,
                         active=False)["pk"],
    )
    return w


# --- companies ---------------------------------------------------------------

def test_company_create_defaults_and_detail(api):
    c = api.company("Digi", email="sales@digi.example", currency="EUR")
    assert c["is_supplier"] is True and c["is_manufacturer"] is False
    assert c["is_customer"] is False and c["active"] is True
    assert c["currency"] == "EUR" and c["email"] == "sales@digi.example"
    assert c["parts_supplied"] == 0 and c["parts_manufactured"] == 0
    assert c["address"] is None and c["primary_address"] is None
    assert c["address_count"] == 0 and c["image"] is None
    assert api.company("Other")["currency"] == "USD"
    d = api.list(CO + f"{c['pk']}/")
    assert d == c


def test_company_change_and_delete(api):
    c = api.company("Digi")
    r = api.ok("PATCH", CO + f"{c['pk']}/", {"notes": "line1\nline2",
                                               "is_customer": True})
    assert r["notes"] == "line1\nline2" and r["is_customer"] is True
    r = api.call("PUT", CO + f"{c['pk']}/", {"description": "x"})
    assert r.status == 400 and r.json() == {
        "name": ["This field is required."]}
    api.ok("DELETE", CO + f"{c['pk']}/")
    r = api.get(CO + f"{c['pk']}/")
    assert r.status == 404
    assert r.json() == {"detail": "No Company matches the given query."}


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "x", "email": "not-an-address"}, "email"),
    ({"name": "x", "website": "javascript:alert(1)"}, "website"),
    ({"name": "x", "currency": "XYZ"}, "currency"),
    ({"name": "x", "is_supplier": "maybe"}, "is_supplier"),
    ({"name": "x", "description": "d" * 501}, "description"),
])
def test_company_validation_names_the_field(api, body, field):
    r = api.call("POST", CO, body)
    assert r.status == 400, r
    assert field in r.json() and isinstance(r.json()[field], list)
    assert api.list(CO) == []


def test_company_filters_search_ordering(api, world):
    assert pks(api.list(CO, is_supplier=True)) == [world["mouser"]]
    assert pks(api.list(CO, is_manufacturer=True)) == [world["acme"]]
    assert pks(api.list(CO, is_customer=True)) == [world["shop"]]
    assert pks(api.list(CO, active=False)) == [world["shop"]]
    assert pks(api.list(CO, active=True)) == sorted([world["mouser"],
                                                     world["acme"]])
    assert pks(api.list(CO, name="Acme")) == [world["acme"]]
    assert pks(api.list(CO, search="distrib")) == [world["mouser"]]
    assert pks(api.list(CO, search="MOUSER.COM")) == [world["mouser"]]
    names = [c["name"] for c in api.list(CO)]
    assert names == ["Acme", "Mouser", "Shop"]
    names = [c["name"] for c in api.list(CO, ordering="-name")]
    assert names == ["Shop", "Mouser", "Acme"]
    api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                        "SKU": "M-1"})
    top = api.list(CO, ordering="-parts_supplied")[0]
    assert top["pk"] == world["mouser"] and top["parts_supplied"] == 1
    page = api.list(CO, limit=2, offset=0)
    assert page["count"] == 3 and len(page["results"]) == 2
    r = api.get(CO, is_supplier="perhaps")
    assert r.status == 400 and "is_supplier" in r.json()


# --- contacts ----------------------------------------------------------------

def test_contacts(api, world):
    c = api.ok("POST", CONTACT, {"company": world["mouser"], "name": "Ann",
                                 "email": "ann@mouser.com", "role": "Sales"})
    assert c["company"] == world["mouser"] and c["role"] == "Sales"
    api.ok("POST", CONTACT, {"company": world["acme"], "name": "Bob"})
    assert [x["name"] for x in api.list(CONTACT, company=world["mouser"])] \
        == ["Ann"]
    assert [x["name"] for x in api.list(CONTACT, search="acme")] == ["Bob"]
    r = api.call("POST", CONTACT, {"company": 999, "name": "X"})
    assert r.status == 400
    assert r.json() == {"company": ['Invalid pk "999" - object does not '
                                    'exist.']}
    r = api.call("POST", CONTACT, {"name": "X", "email": "bad"})
    assert r.status == 400 and set(r.json()) == {"company", "email"}
    api.ok("PATCH", CONTACT + f"{c['pk']}/", {"phone": "+31 20 123"})
    assert api.list(CONTACT + f"{c['pk']}/")["phone"] == "+31 20 123"
    md = api.ok("PATCH", CONTACT + f"{c['pk']}/metadata/",
                {"metadata": {"crm": 7}})
    assert md == {"metadata": {"crm": 7}}


# --- addresses ---------------------------------------------------------------

def primary_of(api, company):
    return [a["pk"] for a in api.list(ADDR, company=company)
            if a["primary"]]


def test_first_address_is_primary_and_one_primary_per_company(api, world):
    m = world["mouser"]
    a = api.ok("POST", ADDR, {"company": m, "title": "HQ", "line1": "1 Main",
                              "postal_city": "Mansfield", "country": "US"})
    assert a["primary"] is True        # the company's only address
    b = api.ok("POST", ADDR, {"company": m, "title": "Depot"})
    assert b["primary"] is False
    assert primary_of(api, m) == [a["pk"]]
    c = api.ok("POST", ADDR, {"company": m, "title": "New HQ",
                              "primary": True})
    assert primary_of(api, m) == [c["pk"]]
    api.ok("PATCH", ADDR + f"{b['pk']}/", {"primary": True})
    assert primary_of(api, m) == [b["pk"]]
    assert pks(api.list(ADDR, company=m, primary=True)) == [b["pk"]]
    co = api.list(CO + f"{m}/")
    assert co["address_count"] == 3
    assert co["primary_address"]["pk"] == b["pk"]
    assert co["primary_address"]["title"] == "Depot"
    # Another company's addresses are another matter.
    o = api.ok("POST", ADDR, {"company": world["acme"], "title": "Works",
                              "primary": True})
    assert primary_of(api, m) == [b["pk"]]
    assert primary_of(api, world["acme"]) == [o["pk"]]


def test_address_line_of_company(api, world):
    api.ok("POST", ADDR, {"company": world["acme"], "title": "HQ",
                          "line1": "1 Main", "postal_code": "1234",
                          "country": "NL"})
    assert api.list(CO + f"{world['acme']}/")["address"] == \
        "1 Main, 1234, NL"


def test_address_moved_to_a_company_without_one_becomes_primary(api, world):
    m = world["mouser"]
    api.ok("POST", ADDR, {"company": m, "title": "HQ"})
    b = api.ok("POST", ADDR, {"company": m, "title": "Depot"})
    assert b["primary"] is False
    moved = api.ok("PATCH", ADDR + f"{b['pk']}/", {"company": world["acme"]})
    assert moved["primary"] is True


@pytest.mark.parametrize("body,field", [
    ({"company": 1}, "title"),
    ({"company": 1, "title": "x", "postal_code": "12345678901"}, "postal_code"),
    ({"company": 1, "title": "x", "link": "ftp://x"}, "link"),
    ({"title": "x"}, "company"),
])
def test_address_validation(api, world, body, field):
    r = api.call("POST", ADDR, body)
    assert r.status == 400 and field in r.json(), r


# --- manufacturer parts ------------------------------------------------------

def test_manufacturer_parts(api, world):
    m = api.ok("POST", MP, {"part": world["r1"], "manufacturer": world["acme"],
                            "MPN": "RC0603-1K", "link": "https://acme.example"})
    assert m["MPN"] == "RC0603-1K" and m["tags"] == []
    detail = api.list(MP + f"{m['pk']}/")
    assert detail["manufacturer_detail"]["name"] == "Acme"
    assert "part_detail" not in detail
    assert api.list(MP + f"{m['pk']}/", part_detail=True)[
        "part_detail"]["name"] == "R1"
    assert "manufacturer_detail" not in api.list(
        MP + f"{m['pk']}/", manufacturer_detail=False)
    # unique (part, manufacturer, MPN)
    r = api.call("POST", MP, {"part": world["r1"], "manufacturer":
                              world["acme"], "MPN": "RC0603-1K"})
    assert r.status == 400
    assert r.json() == {"non_field_errors": [
        "The fields part, manufacturer, MPN must make a unique set."]}
    api.ok("POST", MP, {"part": world["wire"], "manufacturer": world["acme"],
                        "MPN": "RC0603-1K"})
    # the manufacturer must be one (InvenTree's limit_choices_to)
    r = api.call("POST", MP, {"part": world["r1"], "manufacturer":
                              world["mouser"], "MPN": "X"})
    assert r.status == 400 and r.json() == {"manufacturer": [
        f'Invalid pk "{world["mouser"]}" - object does not exist.']}
    # and the part purchaseable
    api.ok("PATCH", f"/api/part/{world['wire']}/", {"purchaseable": False})
    r = api.call("POST", MP, {"part": world["wire"], "manufacturer":
                              world["acme"], "MPN": "W"})
    assert r.status == 400 and "part" in r.json()
    assert len(api.list(MP, MPN="RC0603-1K")) == 2
    assert pks(api.list(MP, part=world["r1"])) == [m["pk"]]
    assert len(api.list(MP, manufacturer=world["acme"])) == 2
    assert pks(api.list(MP, search="R-001")) == [m["pk"]]
    assert len(api.list(MP, search="acme")) == 2
    assert api.list(CO + f"{world['acme']}/")["parts_manufactured"] == 2


# --- supplier parts ----------------------------------------------------------

@pytest.fixture
def mpn(api, world):
    return api.ok("POST", MP, {"part": world["r1"], "manufacturer":
                               world["acme"], "MPN": "RC0603-1K"})["pk"]


def test_supplier_part_create_and_names(api, world, mpn):
    s = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "71-RC0603", "manufacturer_part": mpn,
                            "packaging": "Reel", "available": 250})
    assert s["name"] == "R-001 | Mouser | 71-RC0603 | Acme | RC0603-1K"
    assert s["MPN"] == "RC0603-1K" and s["manufacturer"] == "Acme"
    assert s["pack_quantity"] == "1" and s["pack_quantity_native"] == 1
    assert s["available"] == 250 and s["availability_updated"]
    assert s["updated"] and s["in_stock"] == 0 and s["active"] is True
    d = api.list(SP + f"{s['pk']}/")
    assert d["supplier_detail"]["name"] == "Mouser"
    d = api.list(SP + f"{s['pk']}/", supplier_detail=False, part_detail=True,
                 manufacturer_part_detail=True)
    assert "supplier_detail" not in d
    assert d["part_detail"]["IPN"] == "R-001"
    assert d["manufacturer_part_detail"]["MPN"] == "RC0603-1K"
    plain = api.ok("POST", SP, {"part": world["r1"], "supplier":
                                world["mouser"], "SKU": "plain"})
    assert plain["availability_updated"] is None
    assert plain["name"] == "R-001 | Mouser | plain"
    assert plain["MPN"] == "" and plain["manufacturer_part"] is None


def test_supplier_part_rules(api, world, mpn):
    base = {"part": world["r1"], "supplier": world["mouser"], "SKU": "A"}
    api.ok("POST", SP, base)
    r = api.call("POST", SP, base)
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "The fields part, supplier, SKU must make a unique set."]}
    api.ok("POST", SP, dict(base, part=world["wire"]))   # another part
    r = api.call("POST", SP, dict(base, SKU="B", supplier=world["shop"]))
    assert r.status == 400 and "supplier" in r.json()    # not a supplier
    r = api.call("POST", SP, dict(base, SKU="C", part=world["wire"],
                                  manufacturer_part=mpn))
    assert r.status == 400 and r.json() == {"manufacturer_part": [
        "Linked manufacturer part must reference the same base part"]}
    r = api.call("POST", SP, {"part": world["r1"]})
    assert r.status == 400 and set(r.json()) == {"supplier", "SKU"}


@pytest.mark.parametrize("given,shown,native", [
    ("", "1", 1), ("  ", "1", 1), ("10", "10", 10), ("2.5", "2.5", 2.5),
    ("100 m", "100 m", 100),
])
def test_pack_quantity(api, world, given, shown, native):
    s = api.ok("POST", SP, {"part": world["wire"], "supplier":
                            world["mouser"], "SKU": "W", "pack_quantity": given})
    assert s["pack_quantity"] == shown and s["pack_quantity_native"] == native


@pytest.mark.parametrize("given", ["0", "-1", "abc", "5 kg", "1 m x"])
def test_pack_quantity_refused(api, world, given):
    r = api.call("POST", SP, {"part": world["wire"], "supplier":
                              world["mouser"], "SKU": "W",
                              "pack_quantity": given})
    assert r.status == 400 and "pack_quantity" in r.json(), r


def test_pack_quantity_units_need_the_parts(api, world):
    r = api.call("POST", SP, {"part": world["r1"], "supplier":
                              world["mouser"], "SKU": "R",
                              "pack_quantity": "100 m"})
    assert r.status == 400 and r.json() == {"pack_quantity": [
        "Pack units must be compatible with the base part units"]}


def test_availability_updated_follows_available(api, world):
    s = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "A"})
    assert s["availability_updated"] is None
    s = api.ok("PATCH", SP + f"{s['pk']}/", {"note": "n"})
    assert s["availability_updated"] is None
    s = api.ok("PATCH", SP + f"{s['pk']}/", {"available": "12.5"})
    assert s["available"] == 12.5 and s["availability_updated"]


def test_supplier_part_filters_search_ordering(api, world, mpn):
    other = api.company("Farnell")["pk"]
    a = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "71-RC", "manufacturer_part": mpn})["pk"]
    b = api.ok("POST", SP, {"part": world["wire"], "supplier": other,
                            "SKU": "F-WIRE", "active": False})["pk"]
    c = api.ok("POST", SP, {"part": world["r1"], "supplier": other,
                            "SKU": "F-R1"})["pk"]
    assert pks(api.list(SP, supplier=world["mouser"])) == [a]
    assert pks(api.list(SP, part=world["r1"])) == sorted([a, c])
    assert pks(api.list(SP, SKU="F-WIRE")) == [b]
    assert pks(api.list(SP, MPN="RC0603-1K")) == [a]
    assert pks(api.list(SP, manufacturer=world["acme"])) == [a]
    assert pks(api.list(SP, manufacturer_part=mpn)) == [a]
    assert pks(api.list(SP, company=world["acme"])) == [a]
    assert pks(api.list(SP, company=other)) == sorted([b, c])
    assert pks(api.list(SP, active=False)) == [b]
    api.ok("PATCH", CO + f"{other}/", {"active": False})
    assert pks(api.list(SP, supplier_active=True)) == [a]
    assert pks(api.list(SP, search="rc0603")) == [a]         # the MPN
    assert pks(api.list(SP, search="wire")) == [b]           # the part
    assert pks(api.list(SP, search="acme")) == [a]           # manufacturer
    assert pks(api.list(SP, search="F-")) == sorted([b, c])  # short: SKU
    skus = [s["SKU"] for s in api.list(SP, ordering="-SKU")]
    assert skus == ["F-WIRE", "F-R1", "71-RC"]
    sup = [s["supplier"] for s in api.list(SP, ordering="supplier")]
    assert sup == [other, other, world["mouser"]]
    r = api.get(SP, manufacturer=99999)
    assert r.status == 400 and "manufacturer" in r.json()


def test_supplier_part_bulk_delete(api, world):
    ids = [api.ok("POST", SP, {"part": world["r1"], "supplier":
                               world["mouser"], "SKU": f"S{i}"})["pk"]
           for i in range(3)]
    r = api.call("DELETE", SP, {"items": [ids[0], 99999]})
    assert r.status == 400 and "items" in r.json()
    assert pks(api.list(SP)) == ids                 # none deleted
    r = api.call("DELETE", SP, {"items": []})
    assert r.status == 400
    api.ok("DELETE", SP, {"items": ids[:2]})
    assert pks(api.list(SP)) == ids[2:]


def test_deleting_a_company_takes_its_parts_and_prices(api, world, mpn):
    s = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "A", "manufacturer_part": mpn})["pk"]
    api.ok("POST", PB, {"part": s, "quantity": 1, "price": "0.10"})
    api.ok("POST", CONTACT, {"company": world["mouser"], "name": "Ann"})
    api.ok("DELETE", CO + f"{world['mouser']}/")
    assert api.list(SP) == [] and api.list(PB) == []
    assert api.list(CONTACT) == []
    assert len(api.list(MP)) == 1       # the manufacturer's stays
    assert api.get(f"/api/part/{world['r1']}/").status == 200


def test_part_search_finds_mpns_and_skus_as_they_change(api, world, mpn):
    """A part is found by its manufacturer part numbers and its suppliers'
    SKUs, each word in any of them or in the part's own text, and no
    longer by a number that was changed or went with its row, its
    manufacturer part or its company."""
    PART = "/api/part/"
    r1, wire = world["r1"], world["wire"]
    found = lambda term: sorted(pks(api.list(PART, search=term)))
    assert found("rc0603-1k") == [r1]
    assert found("0603 resistor") == [r1]       # MPN and description
    assert found("0603-1K 1k") == [r1]
    assert found("rc0603 wire") == []
    s = api.ok("POST", SP, {"part": r1, "supplier": world["mouser"],
                            "SKU": "71-RC0603FR"})["pk"]
    assert found("71-rc") == [r1] and found("fr") == [r1]   # a short word
    # a word of two numbers joined is in neither
    assert found("1KRC") == []
    api.ok("PATCH", SP + f"{s}/", {"SKU": "71-XYZ"})
    assert found("71-rc") == [] and found("71-xyz") == [r1]
    api.ok("PATCH", SP + f"{s}/", {"part": wire})
    assert found("71-xyz") == [wire]
    # the stock list finds items by their part's own text only, as
    # InvenTree's (part__name, part__IPN, part__description)
    api.ok("POST", "/api/stock/", {"part": wire, "quantity": 5})
    assert api.list("/api/stock/", search="71-xyz") == []
    assert len(api.list("/api/stock/", search="wire")) == 1
    # and a supplier part by its own SKU, not by its part's other ones
    t = api.ok("POST", SP, {"part": wire, "supplier": world["mouser"],
                            "SKU": "OTHER-1"})["pk"]
    assert pks(api.list(SP, search="71-xyz")) == [s]
    api.ok("DELETE", SP, {"items": [s]})        # bulk delete
    assert found("71-xyz") == []
    api.ok("DELETE", SP + f"{t}/")
    assert found("other-1") == []
    api.ok("DELETE", MP + f"{mpn}/")
    assert found("rc0603") == []
    m = api.ok("POST", MP, {"part": wire, "manufacturer": world["acme"],
                            "MPN": "CABLE-9"})["pk"]
    api.ok("POST", SP, {"part": r1, "supplier": world["mouser"],
                        "SKU": "MOU-R1", "manufacturer_part": None})
    assert found("cable-9") == [wire] and found("mou-r1") == [r1]
    api.ok("DELETE", CO + f"{world['acme']}/")  # takes its MPN along
    api.ok("DELETE", CO + f"{world['mouser']}/")
    assert found("cable-9") == [] and found("mou-r1") == []
    assert api.get(MP + f"{m}/").status == 404
    assert found("wire") == [wire]


def test_unfiltered_counts_follow_every_change(site, api, world, mpn):
    """A page of manufacturer or supplier parts counts them from tally
    (migration 0017), kept by triggers through creates, bulk deletes and
    the cascades of deleting a company or a part; stockroom check agrees."""
    def count(path):
        r = api.get(path, limit=1)
        assert r.status == 200, r
        return r.json()["count"]

    sps = [api.ok("POST", SP, {"part": p, "supplier": world["mouser"],
                               "SKU": f"T{i}"})["pk"]
           for i, p in enumerate([world["r1"], world["wire"]] * 3)]
    assert (count(SP), count(MP)) == (6, 1)
    api.ok("DELETE", SP, {"items": sps[:2]})
    assert count(SP) == 4
    r = api.call("PATCH", f"/api/part/{world['wire']}/", {"active": False})
    assert r.status == 200, r
    api.ok("DELETE", f"/api/part/{world['wire']}/")    # takes its two
    assert count(SP) == 2
    api.ok("DELETE", CO + f"{world['acme']}/")          # takes the MPN
    assert (count(SP), count(MP)) == (2, 0)
    proc = site.tool("check", check=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert b"counts " in proc.stdout and b": ok" in proc.stdout


def test_more_lists_count_from_tally(site, api, world):
    """Price breaks, purchase order lines, parameters (both routes), BOM
    substitutes and the active parts are counted from tally (migration
    0037): kept through creates, deletes, cascades and a change of
    `active`, equal to the rows' count, and the count really is the kept
    one (a tally set wrong by hand shows)."""
    lists = {
        "/api/company/price-break/": ("supplier_price_break", "TRUE", {}),
        "/api/order/po-line/": ("purchase_order_line", "TRUE", {}),
        "/api/part/parameter/": ("part_parameter", "TRUE", {}),
        "/api/parameter/": ("part_parameter", "TRUE", {}),
        "/api/bom/substitute/": ("bom_item_substitute", "TRUE", {}),
        "/api/part/": ("part", "active = 1", {"active": "true"}),
        "/api/part/?inactive": ("part", "active = 0", {"active": "false"}),
    }

    def agree():
        db = site.db()
        for path, (table, where, params) in lists.items():
            want = db.execute(f"SELECT count(*) FROM {table} "
                              f"WHERE {where}").fetchone()[0]
            r = api.get(path.split("?")[0], limit=1, **params)
            assert r.status == 200, (path, r)
            assert r.json()["count"] == want, (path, want, r.json())
        db.close()

    r1, wire = world["r1"], world["wire"]
    board = api.part("Board", assembly=True)["pk"]
    sps = [api.ok("POST", SP, {"part": p, "supplier": world["mouser"],
                               "SKU": f"K{i}"})["pk"]
           for i, p in enumerate([r1, wire, board])]
    for sp in sps:
        for q in (1, 10, 100):
            api.ok("POST", PB, {"part": sp, "quantity": q, "price": "1"})
    po = api.ok("POST", "/api/order/po/", {"supplier": world["mouser"]})["pk"]
    for sp in sps:
        api.ok("POST", "/api/order/po-line/", {"order": po, "part": sp,
                                               "quantity": 5})
    t = api.ok("POST", "/api/parameter/template/", {"name": "Length"})["pk"]
    for p in (r1, wire, board):
        api.ok("POST", "/api/part/parameter/", {"part": p, "template": t,
                                                "data": "3"})
    b = api.ok("POST", "/api/bom/", {"part": board, "sub_part": r1,
                                     "quantity": 2})["pk"]
    api.ok("POST", "/api/bom/substitute/", {"bom_item": b, "part": wire})
    agree()
    r = api.call("PATCH", f"/api/part/{wire}/", {"active": False})
    assert r.status == 200, r
    agree()
    # The wire takes its price breaks, its order line, its parameter and
    # its place as a substitute with it.
    api.ok("DELETE", f"/api/part/{wire}/")
    agree()
    api.ok("DELETE", "/api/order/po-line/", {"items": [
        x["pk"] for x in api.get("/api/order/po-line/").json()][:1]})
    api.ok("DELETE", f"/api/company/price-break/{api.get(PB).json()[0]['pk']}/")
    agree()
    proc = site.tool("check", check=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    db = site.db()
    db.execute("UPDATE tally SET n = n + 7 WHERE name IN "
               "('supplier_price_break', 'part.active') AND id IN (0, 1)")
    db.commit()
    db.close()
    pbs = api.get(PB, limit=1).json()
    assert pbs["count"] == 5 + 7 and len(pbs["results"]) == 1
    assert api.get("/api/part/", limit=1, active="true").json()["count"] == \
        2 + 7
    proc = site.tool("check", check=False)
    assert proc.returncode == 1
    assert b"tally supplier_price_break 0: kept 12, counted 5" in proc.stdout


@pytest.mark.parametrize("path,params", [
    (SP, dict(part_detail=True, supplier_detail=True,
              manufacturer_part_detail=True)),
    (MP, dict(part_detail=True, manufacturer_detail=True)),
])
def test_nested_rows_of_a_page_are_each_rows_own(api, world, mpn, path,
                                                 params):
    """A page nests each part, company and manufacturer part once per
    request (lib/res.c, res_nested()) and uses it again for the rows that
    name it; their ids are alike (part 1 and company 1), and the page's
    rows must each be what the list gives for that row alone."""
    wire_mpn = api.ok("POST", MP, {"part": world["wire"], "manufacturer":
                                   world["acme"], "MPN": "W-1"})["pk"]
    for i, p in enumerate([world["r1"], world["wire"]] * 3):
        api.ok("POST", SP, {"part": p, "supplier": world["mouser"],
                            "SKU": f"N{i}", "manufacturer_part":
                            mpn if p == world["r1"] else wire_mpn})
    page = api.list(path, limit=100, **params)["results"]
    assert len(page) >= 2
    alone = [api.list(path, limit=1, offset=k, **params)["results"][0]
             for k in range(len(page))]
    assert page == alone
    for r in page:
        assert r["part_detail"]["pk"] == r["part"]
        assert "IPN" in r["part_detail"]
        for key in ("supplier", "manufacturer"):
            if key + "_detail" in r:
                assert r[key + "_detail"]["pk"] == r[key]
                assert "is_supplier" in r[key + "_detail"]


# --- price breaks ------------------------------------------------------------

def test_price_breaks(api, world):
    s = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "A"})["pk"]
    one = api.ok("POST", PB, {"part": s, "quantity": 1, "price": "0.10"})
    assert one["price"] == "0.1" and one["price_currency"] == "USD"
    assert one["supplier"] == world["mouser"] and one["updated"]
    hundred = api.ok("POST", PB, {"part": s, "quantity": "100",
                                  "price": 0.05, "price_currency": "EUR"})
    r = api.call("POST", PB, {"part": s, "quantity": 100, "price": "1"})
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "The fields part, quantity must make a unique set."]}
    r = api.call("POST", PB, {"part": s, "quantity": "0.5", "price": "1"})
    assert r.status == 400 and r.json() == {"quantity": [
        "Ensure this value is greater than or equal to 1."]}
    r = api.call("POST", PB, {"part": s, "quantity": 5, "price_currency": "X"})
    assert r.status == 400 and "price_currency" in r.json()
    r = api.call("POST", PB, {"part": 999, "quantity": 5})
    assert r.status == 400 and "part" in r.json()
    assert pks(api.list(PB, part=s)) == [one["pk"], hundred["pk"]]
    assert pks(api.list(PB, supplier=world["mouser"])) == [one["pk"],
                                                          hundred["pk"]]
    assert pks(api.list(PB, base_part=world["r1"])) == [one["pk"],
                                                       hundred["pk"]]
    assert api.list(PB, base_part=world["wire"]) == []
    assert len(api.list(PB, search="mouser")) == 2      # the supplier
    assert api.list(PB, search="nosuchsku") == []
    prices = [p["price"] for p in api.list(PB, ordering="-price")]
    assert prices == ["0.1", "0.05"]
    changed = api.ok("PATCH", PB + f"{one['pk']}/", {"price": "0.09"})
    assert changed["price"] == "0.09"


# --- stock items -------------------------------------------------------------

def test_stock_item_supplier_part_and_purchase_price(api, world):
    s = api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                            "SKU": "A"})["pk"]
    loc = api.location("Shelf")["pk"]
    item = api.stock(world["r1"], 40, loc, supplier_part=s,
                     purchase_price="0.12", purchase_price_currency="EUR")
    assert item["supplier_part"] == s and item["purchase_price"] == "0.12"
    assert item["purchase_price_currency"] == "EUR"
    assert pks(api.list("/api/stock/", supplier_part=s)) == [item["pk"]]
    assert api.list(SP + f"{s}/")["in_stock"] == 40
    # a split keeps it
    api.adjust("transfer", [{"pk": item["pk"], "quantity": 10}],
               location=api.location("Bin")["pk"])
    assert len(api.list("/api/stock/", supplier_part=s)) == 2
    # another part's supplier part is refused
    w = api.ok("POST", SP, {"part": world["wire"], "supplier":
                            world["mouser"], "SKU": "W"})["pk"]
    r = api.call("POST", "/api/stock/", {"part": world["r1"], "quantity": 1,
                                         "supplier_part": w})
    assert r.status == 400 and "supplier_part" in r.json()
    # deleting the supplier part leaves the stock, without it
    api.ok("DELETE", SP + f"{s}/")
    assert api.list(f"/api/stock/{item['pk']}/")["supplier_part"] is None


# --- permissions and OPTIONS -------------------------------------------------

def test_permissions_are_purchase_orders(site, api, world):
    viewer = CompanyApi(site, make_user(site, "buyer-view",
                                        roles={"purchase_order": ["view"]}))
    assert len(viewer.list(CO)) == 3
    assert viewer.call("POST", CO, {"name": "X"}).status == 403
    assert viewer.call("PATCH", CO + f"{world['acme']}/",
                       {"name": "Y"}).status == 403
    assert viewer.call("DELETE", CO + f"{world['acme']}/").status == 403
    parts = CompanyApi(site, make_user(site, "parts-only", roles={
        "part": ["view", "add", "change", "delete"]}))
    for path in (CO, CONTACT, ADDR, MP, SP, PB):
        assert parts.get(path).status == 403, path
    buyer = CompanyApi(site, make_user(site, "buyer", roles={
        "purchase_order": ["view", "add", "change", "delete"]}))
    buyer.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                          "SKU": "B"})
    nobody = CompanyApi(site, {})
    assert nobody.get(CO).status == 401
    roles = site.cgi("user", path="/api/user/roles/",
                     headers=buyer.headers).json()
    assert roles["roles"]["purchase_order"] == ["view", "add", "change",
                                                "delete"]
    for model in ("company", "supplierpart", "manufacturerpart",
                  "supplierpricebreak", "contact", "address"):
        assert roles["permissions"][model] == ["view", "add", "change",
                                               "delete"], model


def test_options_describe_related_fields(api):
    r = api.call("OPTIONS", SP)
    assert r.status == 200
    post = r.json()["actions"]["POST"]
    assert post["supplier"]["type"] == "related field"
    assert post["supplier"]["model"] == "company"
    assert post["supplier"]["api_url"] == "/api/company/"
    assert post["part"]["model"] == "part" and post["part"]["required"]
    assert post["manufacturer_part"]["model"] == "manufacturerpart"
    assert post["manufacturer_part"]["api_url"] == \
        "/api/company/part/manufacturer/"
    assert post["pack_quantity_native"]["read_only"] is True
    assert post["SKU"]["max_length"] == 100
    pb = api.call("OPTIONS", PB).json()["actions"]["POST"]
    assert pb["part"]["model"] == "supplierpart"
    assert pb["supplier"]["read_only"] is True
    co = api.call("OPTIONS", CO + "1/").json()
    assert co["actions"]["PUT"]["name"]["required"] is True


def test_company_metadata(api, world, mpn):
    md = api.ok("PUT", CO + f"{world['acme']}/metadata/",
                {"metadata": {"erp": "A-1"}})
    assert md == {"metadata": {"erp": "A-1"}}
    assert api.ok("PATCH", CO + f"{world['acme']}/metadata/",
                  {"metadata": {"x": 1}}) == {"metadata": {"erp": "A-1",
                                                           "x": 1}}
    sp = api.ok("POST", SP, {"part": world["r1"], "supplier":
                             world["mouser"], "SKU": "A"})["pk"]
    for path in (MP + f"{mpn}/metadata/", SP + f"{sp}/metadata/"):
        assert api.list(path) == {"metadata": {}}
        api.ok("PUT", path, {"metadata": {"k": [1, 2]}})
        assert api.list(path) == {"metadata": {"k": [1, 2]}}
        r = api.call("PATCH", path, {"metadata": "not an object"})
        assert r.status == 400 and "metadata" in r.json()
    # Addresses and price breaks have none, as InvenTree.
    assert api.get(ADDR + "1/metadata/").status == 404


def attach(api, model_type, model_id, comment):
    return api.site.cgi("attachment", method="POST", path="/api/attachment/",
                        body={"model_type": model_type, "model_id": model_id,
                              "link": "https://acme.example/terms",
                              "comment": comment},
                        headers=api.headers)


def attachments(api, model_type, model_id):
    r = api.site.cgi("attachment", path="/api/attachment/",
                     query=f"model_type={model_type}&model_id={model_id}",
                     headers=api.headers)
    assert r.status == 200, r
    return [a["comment"] for a in r.json()]


def test_attachments_of_companies_and_manufacturer_parts(site, api, world,
                                                         mpn):
    assert attach(api, "company", world["acme"], "Terms").status == 201
    assert attach(api, "manufacturerpart", mpn, "Datasheet").status == 201
    assert attachments(api, "company", world["acme"]) == ["Terms"]
    assert attachments(api, "manufacturerpart", mpn) == ["Datasheet"]
    r = attach(api, "company", 99999, "x")
    assert r.status == 400, r
    # Attaching to a company is changing it (the purchase_order rule set);
    # who may not even view it cannot learn that it exists.
    buyer = make_user(site, "buyer-view", roles={"purchase_order": ["view"]})
    parts = make_user(site, "parts-user", roles={
        "part": ["view", "add", "change", "delete"]})
    body = {"model_type": "company", "model_id": world["acme"],
            "link": "https://x.example"}
    r = site.cgi("attachment", method="POST", path="/api/attachment/",
                 body=body, headers=buyer)
    assert r.status == 403, r
    r = site.cgi("attachment", method="POST", path="/api/attachment/",
                 body=body, headers=parts)
    assert r.status == 400 and "model_id" in r.json(), r
    assert attachments(api, "company", world["acme"]) == ["Terms"]
    # They go with their object, the manufacturer part's with its company.
    api.ok("DELETE", CO + f"{world['acme']}/")
    assert attachments(api, "company", world["acme"]) == []
    assert attachments(api, "manufacturerpart", mpn) == []


# --- as inventree-python sends them ------------------------------------------

def test_inventree_python_company_calls(site, admin, api, world):
    """Company.create(), Company.list(is_supplier=True),
    Company.getSuppliedParts() / getManufacturedParts(),
    SupplierPart.getPriceBreaks(), Model.save() and delete(), each the
    way the client sends it: a JSON body on every request ("{}" for GET
    and DELETE), ?format=json on writes."""
    from test_client_compat import client_call
    r = client_call(site, admin, "POST", CO, {"name": "Farnell",
                                              "is_supplier": True})
    assert r.status == 201, r
    far = r.json()["pk"]
    r = client_call(site, admin, "GET", CO, query="is_supplier=true")
    assert r.status == 200 and pks(r.json()) == sorted([world["mouser"], far])
    sp = client_call(site, admin, "POST", SP, {
        "part": world["r1"], "supplier": far, "SKU": "F-1"}).json()["pk"]
    r = client_call(site, admin, "GET", SP, query=f"supplier={far}")
    assert pks(r.json()) == [sp]
    mp = client_call(site, admin, "POST", MP, {
        "part": world["r1"], "manufacturer": world["acme"],
        "MPN": "X"}).json()["pk"]
    r = client_call(site, admin, "GET", MP,
                    query=f"manufacturer={world['acme']}")
    assert pks(r.json()) == [mp]
    pb = client_call(site, admin, "POST", PB, {"part": sp, "quantity": 10,
                                               "price": "0.5"}).json()["pk"]
    r = client_call(site, admin, "GET", PB, query=f"part={sp}")
    assert pks(r.json()) == [pb]
    r = client_call(site, admin, "PATCH", SP + f"{sp}/",
                    {"manufacturer_part": mp, "note": "via client"})
    assert r.status == 200 and r.json()["MPN"] == "X"
    r = client_call(site, admin, "OPTIONS", CO)
    assert "is_supplier" in r.json()["actions"]["POST"]
    assert client_call(site, admin, "DELETE", CO + f"{far}/").status == 204
    assert client_call(site, admin, "GET", SP + f"{sp}/").status == 404


# --- images ------------------------------------------------------------------

def test_company_image(site, admin, api, world):
    """Company.uploadImage(): a multipart PATCH with "image", as a part's:
    checked by content, a thumbnail made, served only to who may see the
    company, a replaced image's files removed."""
    import sqlite3
    from test_attachment import media_files, multipart
    from test_part_image import make_image

    def upload(headers, data, pk=world["acme"]):
        ct, body = multipart([], [("image", "logo.bin",
                                   "application/octet-stream", data)])
        return site.cgi("company", method="PATCH", path=f"{CO}{pk}/",
                        body=body, content_type=ct, headers=headers)

    r = upload(admin, make_image("png", 400, 200))
    assert r.status == 200, r
    first = r.json()
    assert first["image"].startswith("/media/images/")
    assert first["thumbnail"].startswith("/media/") and \
        first["thumbnail"] != first["image"]
    assert api.list(CO + f"{world['acme']}/")["image"] == first["image"]
    img = site.cgi("media", path=first["image"], headers=admin)
    assert img.status == 200 and img.body == make_image("png", 400, 200)
    buyer = make_user(site, "buyer-view", roles={"purchase_order": ["view"]})
    parts = make_user(site, "parts-only", roles={"part": ["view"]})
    assert site.cgi("media", path=first["image"], headers=buyer).status == 200
    assert site.cgi("media", path=first["image"], headers=parts).status == 404
    assert upload(buyer, make_image("png", 10, 10)).status == 403
    r = upload(admin, b"%PDF-1.4 not an image")
    assert r.status == 400 and "image" in r.json(), r
    second = upload(admin, make_image("jpeg", 30, 30)).json()
    assert second["image"] != first["image"]
    assert len(media_files(site)) == 2
    assert site.cgi("media", path=first["image"], headers=admin).status == 404
    db = site.db()
    assert db.execute("SELECT count(*) FROM media_orphan").fetchone()[0] == 0
    # Other fields keep the image; deleting the company removes its files.
    r = api.ok("PATCH", CO + f"{world['acme']}/", {"phone": "1"})
    assert r["image"] == second["image"]
    # No company without an image has one stored, not even "".
    assert db.execute("SELECT count(*) FROM company WHERE image IS NOT "
                      "NULL OR thumbnail IS NOT NULL").fetchone()[0] == 1
    api.ok("DELETE", CO + f"{world['acme']}/")
    orphans = {p for (p,) in db.execute("SELECT path FROM media_orphan")}
    assert {"/media/" + p for p in orphans} == {second["image"],
                                               second["thumbnail"]}


def test_search_api_reaches_companies_and_supplier_parts(site, admin, api,
                                                         world, mpn):
    """POST /api/search/ (the mobile app's search) takes the company
    models by InvenTree's names, each checked against the user's rights."""
    api.ok("POST", SP, {"part": world["r1"], "supplier": world["mouser"],
                        "SKU": "71-RC0603", "manufacturer_part": mpn})
    body = {"search": "rc0603", "limit": 5, "company": {},
            "supplierpart": {}, "manufacturerpart": {}, "part": {}}
    r = site.cgi("api", method="POST", path="/api/search/", body=body,
                 headers=admin)
    assert r.status == 200, r
    d = r.json()
    assert d["supplierpart"]["count"] == 1
    assert d["manufacturerpart"]["count"] == 1
    assert d["company"]["count"] == 0
    parts = make_user(site, "parts-only", roles={"part": ["view"]})
    d = site.cgi("api", method="POST", path="/api/search/", body=body,
                 headers=parts).json()
    # the part by its MPN and SKU (InvenTree's part search_fields)
    assert "error" in d["supplierpart"] and d["part"]["count"] == 1
