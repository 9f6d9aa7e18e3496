"""Custom units (issue 17; docs/parameters.md, "Custom units"):
InvenTree's /api/units/ (name, symbol, definition), checked (identifiers,
not a unit already, a definition of a number and a known unit), and known
to the parameter values' parser after udunits2's own: in templates'
units, in values, with SI prefixes, and in the part list's filters."""
import pytest

from conftest import make_user
from inventory_api import Api

UNITS = "/api/units/"
TPL = "/api/parameter/template/"
PAR = "/api/parameter/"
PART = "/api/part/"


@pytest.fixture
def api(site, admin):
    return Api(site, admin)


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def test_fields_and_list(api):
    u = api.ok("POST", UNITS, dict(name="smoot", symbol="smt",
                                   definition="1.7018 m"))
    assert u == {"pk": u["pk"], "name": "smoot", "symbol": "smt",
                 "definition": "1.7018 m"}
    api.ok("POST", UNITS, dict(name="reel", definition="5000"))
    assert [x["name"] for x in api.list(UNITS)] == ["reel", "smoot"]
    assert [x["name"] for x in api.list(UNITS, search="smt")] == ["smoot"]
    api.ok("PATCH", f"{UNITS}{u['pk']}/", dict(symbol="smu"))
    assert api.list(f"{UNITS}{u['pk']}/")["symbol"] == "smu"


@pytest.mark.parametrize("body,field", [
    (dict(name="3x", definition="1 m"), "name"),
    (dict(name="fan speed", definition="1 m"), "name"),
    (dict(name="m", definition="1 m"), "name"),
    (dict(name="ohm", definition="1 m"), "name"),
    (dict(name="fan", symbol="V", definition="1 m"), "symbol"),
    (dict(name="fan", definition="foo bar"), "definition"),
    (dict(name="fan", definition="3 m @ 2"), "definition"),
    (dict(name="fan", definition=""), "definition"),
    (dict(name="fan"), "definition"),
    (dict(definition="1 m"), "name"),
    (dict(name="x" * 51, definition="1 m"), "name"),
])
def test_refused(api, body, field):
    r = api.call("POST", UNITS, body)
    assert r.status == 400 and field in r.json(), r


def test_unique(api):
    api.ok("POST", UNITS, dict(name="smoot", symbol="smt",
                               definition="1.7018 m"))
    for body, field in ((dict(name="smoot", definition="2 m"), "name"),
                        (dict(name="smt", definition="2 m"), "name"),
                        (dict(name="x", symbol="smoot", definition="2 m"),
                         "symbol")):
        r = api.call("POST", UNITS, body)
        assert r.status == 400 and field in r.json(), r


def test_parser_knows_them(api):
    r = api.call("POST", TPL, dict(name="Depth", units="smoot"))
    assert r.status == 400 and "units" in r.json()
    api.ok("POST", UNITS, dict(name="smoot", symbol="smt",
                               definition="1.7018 m"))
    depth = api.ok("POST", TPL, dict(name="Depth", units="smoot"))["pk"]
    length = api.ok("POST", TPL, dict(name="Length", units="m"))["pk"]
    parts = {n: api.part(n)["pk"] for n in ("A", "B", "C")}

    def param(part, tpl, data):
        return api.ok("POST", PAR, dict(model_type="part",
                                        model_id=parts[part], template=tpl,
                                        data=data))["data_numeric"]

    assert close(param("A", depth, "2"), 2)
    assert close(param("B", depth, "3.4036 m"), 2)
    assert close(param("C", depth, "1 ksmt"), 1000)
    assert close(param("A", length, "10 smoot"), 17.018)
    assert close(param("B", length, "1 msmt"), 0.0017018)
    r = api.call("POST", PAR, dict(model_type="part", model_id=parts["C"],
                                   template=length, data="2 V"))
    assert r.status == 400 and "data" in r.json()
    names = sorted(p["name"] for p in api.list(
        PART, **{f"parameter_{length}_gte": "5 smt"}))
    assert names == ["A"]
    names = sorted(p["name"] for p in api.list(
        PART, **{f"parameter_{depth}_lte": "4 m"}))
    assert names == ["A", "B"]


def test_permissions(site, api):
    viewer = Api(site, make_user(site, "viewer", roles={"part": ["view"]}))
    api.ok("POST", UNITS, dict(name="smoot", definition="1.7018 m"))
    assert len(viewer.list(UNITS)) == 1
    r = viewer.call("POST", UNITS, dict(name="reel", definition="5000"))
    assert r.status == 403


def test_inventree_additions_and_plurals(api):
    """InvenTree's additions to pint's units (conversion.py): piece, each
    (ea), dozen (dz), hundred, thousand -- plain numbers -- and pint's pc
    for the parsec; with prefixes and, as pint reads every unit, a plural
    "s", custom units too."""
    count = api.ok("POST", TPL, dict(name="Count", units="piece"))["pk"]
    part = api.part("Box")["pk"]

    def value(tpl, data, expect=201):
        r = api.call("POST", PAR, dict(model_type="part", model_id=part,
                                       template=tpl, data=data))
        assert r.status == expect, (data, r)
        if expect != 201:
            return r.json()
        api.ok("DELETE", f"{PAR}{r.json()['pk']}/")
        return r.json()["data_numeric"]

    for data, want in (("3", 3), ("2 dozen", 24), ("2 dz", 24),
                       ("1 hundred", 100), ("2 thousands", 2000),
                       ("5 ea", 5), ("5 each", 5), ("4 pieces", 4),
                       ("1 kpiece", 1000), ("10k", 10000), ("50%", 0.5)):
        assert close(value(count, data), want), data
    assert value(count, "2 kg", 400) == {"data": [
        "Could not convert 2 kg to piece: 2 kg is a mass, piece is a "
        "plain number"]}
    # pcs: pc (parsec, pint's symbol) + "s" -- a length, as in InvenTree.
    dist = api.ok("POST", TPL, dict(name="Distance", units="pcs"))["pk"]
    assert close(value(dist, "2 parsec"), 2)
    assert close(value(dist, "1 kpc"), 1000)
    assert "data" in value(dist, "3 pieces", 400)
    # Case as pint's: Dozen, EACH are not units.
    for units in ("Dozen", "EACH", "Pieces", "dozenz"):
        r = api.call("POST", TPL, dict(name="T", units=units))
        assert r.status == 400 and "units" in r.json(), units
    # Taken: no custom unit of their names; a definition may use them.
    for name in ("piece", "ea", "dozen"):
        r = api.call("POST", UNITS, dict(name=name, definition="2"))
        assert r.status == 400 and "name" in r.json(), name
    api.ok("POST", UNITS, dict(name="reel", symbol="rle",
                               definition="50 dozen"))
    api.ok("POST", UNITS, dict(name="smoot", definition="1.7018 m"))
    assert close(value(count, "2 reels"), 1200)
    assert close(value(count, "1 krle"), 600000)
    length = api.ok("POST", TPL, dict(name="Length", units="m"))["pk"]
    assert close(value(length, "10 smoots"), 17.018)


ALL = "/api/units/all/"


def test_all_units_shape(api):
    """InvenTree's AllUnitListResponse: a system, and each name the parser
    knows with its kind's canonical units."""
    r = api.ok("GET", ALL)
    assert set(r) == {"default_system", "available_systems",
                      "available_units"}
    assert r["default_system"] in r["available_systems"]
    units = r["available_units"]
    assert len(units) > 200
    for name, u in units.items():
        assert set(u) == {"name", "is_alias", "compatible_units",
                          "isdimensionless"}
        assert u["name"] == name
        assert u["compatible_units"] == sorted(u["compatible_units"])
    assert list(units) == sorted(units)
    # Names, symbols and aliases of udunits2's database, ohm's own names.
    # is_alias as InvenTree sends it, pint's get_name(k) == k: true for
    # a unit's own name, false for its symbols and other names.
    for name in ("ohm", "farad", "volt", "meter", "hertz", "ampere",
                 "second", "parsec"):
        assert units[name]["is_alias"] is True, name
    for name in ("F", "V", "m", "Hz", "A", "s", "Ohm", "ohms", "Ω", "amp",
                 "sec", "pc"):
        assert units[name]["is_alias"] is False, name
    for name in ("ohm", "F", "V", "meter", "m", "hertz", "Ohm"):
        assert units[name]["isdimensionless"] is False, name
    # InvenTree's additions to pint (conversion.py): the counts, plain
    # numbers of their own, and pint's pc for the parsec.
    for name in ("piece", "each", "dozen", "hundred", "thousand"):
        assert units[name]["is_alias"] is True, name
        assert units[name]["isdimensionless"] is True, name
        assert name in units["percent"]["compatible_units"], name
    for name in ("ea", "dz"):
        assert units[name]["is_alias"] is False, name
    assert "each" in units["ea"]["compatible_units"]
    assert "parsec" in units["pc"]["compatible_units"]
    assert "meter" in units["pc"]["compatible_units"]
    assert "pcs" not in units and "pieces" not in units  # plurals: read
    assert "ohm" in units["Ω"]["compatible_units"]
    assert "ohm" in units["Ohm"]["compatible_units"]
    assert "farad" in units["F"]["compatible_units"]
    assert "ohm" not in units["F"]["compatible_units"]
    # A reciprocal is another kind, as in the parser (s is not Hz).
    assert "second" not in units["hertz"]["compatible_units"]
    assert "percent" in units and units["percent"]["isdimensionless"]
    assert "international_inch" in units["inch"]["compatible_units"]
    assert "meter" in units["inch"]["compatible_units"]
    # Every name listed is a unit a template takes.
    for name in ("Ω", "amp", "inch", "percent", "piece", "dz", "pc"):
        api.ok("POST", TPL, dict(name=f"T {name}", units=name))


def test_all_units_has_the_custom_ones(api):
    before = api.ok("GET", ALL)["available_units"]
    assert "smoot" not in before
    api.ok("POST", UNITS, dict(name="smoot", symbol="smt",
                               definition="1.7018 m"))
    units = api.ok("GET", ALL)["available_units"]
    assert units["smoot"] == {"name": "smoot", "is_alias": True,
                              "compatible_units":
                                  units["smoot"]["compatible_units"],
                              "isdimensionless": False}
    assert units["smt"]["is_alias"] is False
    assert "meter" in units["smoot"]["compatible_units"]
    assert "smoot" in units["meter"]["compatible_units"]
    assert "smoot" in units["smt"]["compatible_units"]


def test_all_units_permissions(site, api):
    viewer = Api(site, make_user(site, "viewer", roles={"part": ["view"]}))
    assert "ohm" in viewer.ok("GET", ALL)["available_units"]
    nobody = Api(site, make_user(site, "nobody", roles={}))
    assert nobody.call("GET", ALL).status == 403
    assert viewer.call("POST", ALL, {}).status == 405
