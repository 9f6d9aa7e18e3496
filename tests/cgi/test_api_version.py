"""The apiVersion of GET /api/ is honest (docs/inventree-compat.md): one
below the first version gate of inventree-python or the mobile app that
Stockroom does not serve, and every endpoint of a gate marked served
answers through its program.  With INVENTREE_APP / INVENTREE_PYTHON set
to checkouts of the clients, every gate in their source is in the table."""
import os
import pathlib
import re

import pytest

from conftest import (ADMIN_PASSWORD, ROOT, basic_header, make_user,
                      program_routes)
from inventory_api import Api

DOC = ROOT / "docs" / "inventree-compat.md"
STATUSES = {"served", "unused", "module not served", "missing"}


def gates():
    text = DOC.read_text()
    body = text.split("<!-- gates:begin -->", 1)[1].split(
        "<!-- gates:end -->", 1)[0]
    rows = []
    for line in body.splitlines():
        if not line.startswith("| ") or line.startswith("| API "):
            continue
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cols) == 5, line
        rows.append({"api": int(cols[0]), "client": cols[1],
                     "what": cols[2], "status": cols[3],
                     "endpoints": re.findall(r"`([A-Z]+) ([^`]+)`",
                                             cols[4])})
    assert rows
    return rows


def route_for(method, path, rts):
    """The route that serves method path (a doc path may name <params>)."""
    for r in rts:
        rx = re.sub(r"<\*[a-z_]+>", ".+", re.escape(r["pattern"])
                    .replace(r"\<", "<").replace(r"\>", ">"))
        rx = re.sub(r"<[a-z_]+:word>", r"\\w+", rx)
        rx = re.sub(r"<[a-z_]+>", r"[1-9][0-9]*", rx)
        concrete = re.sub(r"<model>", "part", path)
        concrete = re.sub(r"<[a-z_]+>", "1", concrete)
        if r["method"] == method and re.fullmatch(rx, concrete):
            return r, concrete
    return None, None


def test_table_is_well_formed():
    rows = gates()
    assert [r["api"] for r in rows] == sorted(r["api"] for r in rows)
    for r in rows:
        assert r["client"] in ("app", "python"), r
        assert r["status"] in STATUSES, r
        if r["status"] == "served":
            assert r["endpoints"], r


def test_reported_version_is_one_below_the_first_missing_gate(site):
    site.tool("migrate")
    v = site.cgi("api").json()["apiVersion"]
    first_missing = min(r["api"] for r in gates()
                        if r["status"] == "missing")
    assert v == first_missing - 1
    # and the clients' minimums are met
    assert v >= 206


def test_served_gates_are_served(site, admin):
    rts = program_routes()
    for g in gates():
        if g["status"] != "served":
            continue
        for method, path in g["endpoints"]:
            r, concrete = route_for(method, path, rts)
            assert r is not None, (g["api"], method, path)
            if method == "GET":
                res = site.cgi(r["program"], path=concrete, headers=admin)
                assert res.status in (200, 404), (method, concrete, res)
                if res.status == 404:      # made-up pk: the object's 404
                    assert res.json()["detail"] != "API endpoint not found"


def test_version_gated_paths_answer_as_the_clients_expect(site, admin):
    """436: metadata by model; 490: token and roles under user/me/;
    105: the tracking codes in the generic status form."""
    api = Api(site, admin)
    p = api.part("Widget")["pk"]
    path = f"/api/metadata/part/{p}/"
    r = site.cgi("api", method="PATCH", path=path,
                 body={"metadata": {"a": 1}}, headers=admin)
    assert r.status == 200 and r.json() == {"metadata": {"a": 1}}
    assert site.cgi("part", path=f"/api/part/{p}/metadata/",
                    headers=admin).json() == {"metadata": {"a": 1}}
    r = site.cgi("api", method="PUT", path=path, body={"metadata": {"b": 2}},
                 headers=admin)
    assert r.json() == {"metadata": {"b": 2}}
    assert site.cgi("api", path="/api/metadata/nosuchmodel/1/",
                    headers=admin).status == 404
    assert site.cgi("api", path="/api/metadata/part/999999/",
                    headers=admin).status == 404
    # the model's permission: view to read, change to write
    viewer = make_user(site, "viewer", {"part": ["view"]})
    assert site.cgi("api", path=path, headers=viewer).status == 200
    assert site.cgi("api", method="PATCH", path=path,
                    body={"metadata": {}}, headers=viewer).status == 403
    other = make_user(site, "other", {"stock": ["view"]})
    assert site.cgi("api", path=path, headers=other).status == 403

    roles = site.cgi("user", path="/api/user/me/roles/", headers=admin)
    assert roles.status == 200
    assert roles.json() == site.cgi("user", path="/api/user/roles/",
                                    headers=admin).json()
    tok = site.cgi("user", path="/api/user/me/token/", query="name=app",
                   headers=basic_header("admin", ADMIN_PASSWORD))
    assert tok.status == 200 and tok.json()["token"]

    st = site.cgi("stock", path="/api/stock/track/status/", headers=admin)
    assert st.status == 200
    d = st.json()
    assert d["class"] == "StockHistoryCode"
    assert d["values"]["STOCK_ADD"] == {"key": 11, "name": "STOCK_ADD",
                                        "label": "Stock manually added",
                                        "color": "secondary"}
    assert {v["key"] for v in d["values"].values()} >= {1, 10, 11, 12, 20}


def client_gates(app, python):
    found = set()
    if app:
        src = (pathlib.Path(app) / "lib" / "api.dart").read_text()
        found |= {("app", int(n)) for n in
                  re.findall(r"apiVersion\s*[<>]=?\s*(\d+)", src)}
        m = re.search(r"_minApiVersion\s*=\s*(\d+)", src)
        found.add(("app", int(m.group(1))))
    if python:
        for f in (pathlib.Path(python) / "inventree").glob("*.py"):
            src = f.read_text()
            found |= {("python", int(n)) for n in re.findall(
                r"(?:MIN|MAX)_API_VERSION\s*=\s*(\d+)", src)}
            found |= {("python", int(n)) for n in re.findall(
                r"(?:NEW_METADATA_API_VERSION|MIN_SUPPORTED_API_VERSION)"
                r"\s*=\s*(\d+)", src)}
    return found


def test_every_client_gate_is_in_the_table():
    app = os.environ.get("INVENTREE_APP")
    python = os.environ.get("INVENTREE_PYTHON")
    if not app and not python:
        pytest.skip("INVENTREE_APP / INVENTREE_PYTHON not set (checkouts of "
                    "inventree-app and inventree-python)")
    table = {(g["client"], g["api"]) for g in gates()}
    missing = sorted(client_gates(app, python) - table)
    assert not missing, f"gates not in docs/inventree-compat.md: {missing}"
