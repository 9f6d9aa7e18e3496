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
