"""GET /api/schema/: the OpenAPI 3 document made from the programs' route
tables and resource descriptions (lib/openapi.c, merged by
tools/openapi.py at build time).  It lists every route that --routes
lists, with its parameters; each resource's schema has the members its
objects really have; and, where a Python with openapi-spec-validator is
found, the document passes that validator."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, program_routes
from inventory_api import Api

SCHEMA = "/api/schema/"


def openapi_path(pattern):
    return re.sub(r"<\*?([a-z_]+)(?::word)?>", r"{\1}", pattern)


@pytest.fixture
def doc(site, admin):
    r = site.cgi("api", path=SCHEMA, headers=admin)
    assert r.status == 200, r
    return r.json()


def test_schema_needs_sign_in(site):
    r = site.cgi("api", path=SCHEMA)
    assert r.status == 401


def test_schema_formats(site, admin, doc):
    assert doc["openapi"].startswith("3.0.")
    assert doc["info"]["x-inventree-api-version"] == site.cgi(
        "api").json()["apiVersion"]
    j = site.cgi("api", path=SCHEMA, query="format=json", headers=admin)
    assert j.status == 200 and j.json() == doc
    assert site.cgi("api", path=SCHEMA, query="format=xml",
                    headers=admin).status == 404
    # the servers entry is this install's URL; the rest is the built file
    built = json.loads((BUILD / "db" / "openapi.json").read_text())
    assert doc["servers"] == [{"url": "http://localhost"}]
    assert {k: v for k, v in doc.items() if k != "servers"} == built


def test_every_route_is_in_the_schema(doc):
    rts = program_routes()
    assert len(rts) > 50
    missing = [(r["method"], r["pattern"]) for r in rts
               if r["method"].lower() not in
               doc["paths"].get(openapi_path(r["pattern"]), {})]
    assert not missing, missing
    ops = [(p, m) for p, item in doc["paths"].items() for m in item]
    assert len(ops) == len(rts), "the schema has routes no program serves"
    ids = [op["operationId"] for item in doc["paths"].values()
           for op in item.values()]
    assert len(ids) == len(set(ids))
    for r in rts:
        op = doc["paths"][openapi_path(r["pattern"])][r["method"].lower()]
        assert op["x-stockroom-area"] == r["area"]
        assert op["x-stockroom-permission"] == r["perm"]
        assert op["summary"] == r["summary"]
        if r["area"] == "public":
            assert op["security"] == []
        else:
            assert "security" not in op and "401" in op["responses"]
        names = re.findall(r"\{(\w+)\}", openapi_path(r["pattern"]))
        assert [p["name"] for p in op.get("parameters", [])
                if p["in"] == "path"] == names


def test_resource_operations(doc):
    part = doc["paths"]["/api/part/"]
    names = {p["name"] for p in part["get"]["parameters"]}
    assert {"limit", "offset", "search", "ordering", "category",
            "active"} <= names
    assert part["post"]["requestBody"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Part"}
    assert "201" in part["post"]["responses"]
    assert "204" in doc["paths"]["/api/part/{pk}/"]["delete"]["responses"]
    p = doc["components"]["schemas"]["Part"]
    assert p["properties"]["name"]["type"] == "string"
    assert p["properties"]["name"]["maxLength"] == 100
    assert "name" in p["required"]
    assert p["properties"]["pk"]["readOnly"] is True
    assert p["properties"]["active"]["type"] == "boolean"
    assert p["properties"]["category"]["x-related-model"] == "partcategory"
    assert p["properties"]["category"]["nullable"] is True
    st = doc["components"]["schemas"]["StockItem"]["properties"]["status"]
    assert 10 in st["enum"] and 55 in st["enum"]
    # a route's own input is its body: a setting's value
    put = doc["paths"]["/api/settings/global/{key}/"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"][
        "required"] == ["value"]
    key = [q for q in put["parameters"] if q["name"] == "key"][0]
    assert key["schema"]["type"] == "string"


def test_schemas_have_what_objects_show(site, admin, doc):
    """The members of real objects are the properties of their schema."""
    api = Api(site, admin)
    c = api.category("Passives")
    p = api.part("Resistor", category=c["pk"])
    loc = api.location("Shelf")
    item = api.stock(p["pk"], 5, loc["pk"])
    for obj, name in ((c, "PartCategory"), (p, "Part"), (loc,
                      "StockLocation"), (item, "StockItem")):
        props = doc["components"]["schemas"][name]["properties"]
        extra = set(obj) - set(props)
        assert not extra, (name, extra)


VALIDATOR = ROOT / "tests" / "openapi"


def validator_python():
    """A Python that has openapi-spec-validator: this one, or
    $OPENAPI_VALIDATOR_PYTHON, or a python3 on PATH."""
    cands = [sys.executable, os.environ.get("OPENAPI_VALIDATOR_PYTHON"),
             shutil.which("python3")]
    for c in cands:
        if c and os.path.exists(c) and subprocess.run(
                [c, "-c", "import openapi_spec_validator"],
                capture_output=True, timeout=60).returncode == 0:
            return c
    return None


def validators():
    """Each validator found, as a command to which a file is appended:
    @apidevtools/swagger-parser (make test-deps installs it in
    tests/openapi/), and openapi-spec-validator where a Python has it."""
    out = []
    if (VALIDATOR / "node_modules" / "@apidevtools" / "swagger-parser"
            ).is_dir() and shutil.which("node"):
        out.append(["node", str(VALIDATOR / "validate.mjs")])
    py = validator_python()
    if py is not None:
        out.append([py, "-c", "import json, sys\n"
                    "from openapi_spec_validator import validate\n"
                    "validate(json.load(open(sys.argv[1])))\n"])
    return out


def test_schema_passes_the_openapi_validators(doc, tmp_path):
    found = validators()
    if not found:
        pytest.skip("no OpenAPI validator: make test-deps installs "
                    "@apidevtools/swagger-parser in tests/openapi/ (or pip "
                    "install openapi-spec-validator)")
    f = tmp_path / "schema.json"
    bad = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    # a broken document, so that a validator that passes everything fails
    bad.write_text(json.dumps(dict(doc, paths={
        "/x/{pk}/": {"get": {"responses": {}}}})))
    for cmd in found:
        p = subprocess.run(cmd + [str(f)], capture_output=True, timeout=300)
        assert p.returncode == 0, (cmd[0], p.stdout.decode()[-3000:],
                                   p.stderr.decode()[-3000:])
        p = subprocess.run(cmd + [str(bad)], capture_output=True,
                           timeout=300)
        assert p.returncode != 0, cmd[0]
