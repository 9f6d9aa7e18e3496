"""The permission matrix: every endpoint of every built program (as each
prints its table with --routes, so endpoints added later are covered) x its
method x {anonymous, signed in without groups, view-only in the route's
area, full rights in the route's area, full rights in every other area,
superuser}, and for staff-only routes (global settings) a staff user.
Denied is 401 (nobody signed in) or 403; allowed is anything
else below 500 (success, or a validation error / 404 for the made-up ids
and empty bodies sent here)."""
import json
import subprocess

import pytest

from conftest import BUILD, RULESET_AREAS, RULESET_PERMS, Site, make_user

SPECIAL_AREAS = ("public", "user", "superuser", "staff")
KNOWN_AREAS = RULESET_AREAS + SPECIAL_AREAS
MISSING_ID = "999999"
# Endpoints anyone may call without signing in.  A route marked public that
# is not listed here fails the matrix: making an endpoint public must be a
# deliberate change to this list.
PUBLIC_ENDPOINTS = {
    ("GET", "/api/"), ("GET", "/api/health/"),
    ("POST", "/api/auth/login/"), ("POST", "/api/auth/logout/"),
    ("GET", "/api/auth/setup/"), ("POST", "/api/auth/setup/"),
    ("GET", "/api/auth/session/"),
}
ALL = list(RULESET_PERMS)


def built_routes():
    routes = []
    for prog in sorted((BUILD / "cgi-bin").glob("*.cgi")):
        out = subprocess.run([str(prog), "--routes"], capture_output=True,
                             timeout=30, check=True).stdout
        routes += json.loads(out)
    return routes


ROUTES = built_routes()


def route_id(r):
    return f"{r['program']}:{r['method']}:{r['pattern']}"


def concrete(pattern):
    import re
    return re.sub(r"<[^>]+>", MISSING_ID, pattern)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One site with every identity the matrix needs."""
    site = Site(tmp_path_factory.mktemp("perm"))
    site.tool("migrate")
    ids = {"anonymous": {},
           "nogroup": make_user(site, "nogroup"),
           "superuser": make_user(site, "root", superuser=True)}
    for area in RULESET_AREAS:
        ids[("view", area)] = make_user(site, f"view-{area}",
                                        roles={area: ["view"]})
        ids[("full", area)] = make_user(site, f"full-{area}",
                                        roles={area: ALL})
        ids[("others", area)] = make_user(
            site, f"others-{area}",
            roles={a: ALL for a in RULESET_AREAS if a != area})
    ids["staff"] = make_user(site, "staffer")
    import sqlite3
    db = site.db()
    with db:
        db.execute("UPDATE users SET is_staff = 1 WHERE id = ?",
                   (ids["staff"].pk,))
    db.close()
    return site, ids


def test_routes_were_found():
    programs = {r["program"] for r in ROUTES}
    assert {"api", "user", "auth", "admin"} <= programs, programs


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_route_declares_a_known_permission(route):
    assert route["area"] in KNOWN_AREAS, route
    assert route["perm"] in RULESET_PERMS, route
    if route["area"] == "public":
        assert (route["method"], route["pattern"]) in PUBLIC_ENDPOINTS, (
            "public endpoint not in PUBLIC_ENDPOINTS", route)


def expected(route, who):
    """'ok' or the denial status for identity who on route."""
    area, perm = route["area"], route["perm"]
    if area == "public":
        return "ok"
    if who == "anonymous":
        return 401
    if who == "superuser" or area == "user":
        return "ok"
    if area == "staff":
        return "ok" if who == "staff" else 403
    if who == "staff":
        return expected(route, "nogroup")
    if area == "superuser":
        return 403
    if who == "nogroup":
        return 403
    kind, its_area = who
    if its_area != area:
        return 403
    if kind == "full":
        return "ok"
    if kind == "view":
        return "ok" if perm == "view" else 403
    return 403          # "others": full rights everywhere but here


def identities_for(route):
    area = route["area"] if route["area"] in RULESET_AREAS else "part"
    return ["anonymous", "nogroup", ("view", area), ("full", area),
            ("others", area), "superuser", "staff"]


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_permission_matrix(world, route):
    site, ids = world
    if route["area"] not in KNOWN_AREAS:
        pytest.fail(f"unknown area {route['area']!r}")
    path = concrete(route["pattern"])
    method = route["method"]
    body = {} if method in ("POST", "PUT", "PATCH", "DELETE") else None
    for who in identities_for(route):
        r = site.cgi(route["program"], method=method, path=path, body=body,
                     headers=dict(ids[who]))
        want = expected(route, who)
        assert r.status < 500, (who, r)
        if want == "ok":
            if route["area"] == "public":
                assert r.status != 401, (who, r)
            else:
                assert r.status not in (401, 403), (who, r)
        else:
            assert r.status == want, (who, want, r)
            if want == 401:
                assert r.json() == {"detail": "Authentication credentials "
                                    "were not provided."}
                assert r.header("WWW-Authenticate")


@pytest.mark.parametrize("route", [r for r in ROUTES
                                   if r["area"] != "public"], ids=route_id)
def test_options_needs_sign_in_too(world, route):
    site, ids = world
    r = site.cgi(route["program"], method="OPTIONS",
                 path=concrete(route["pattern"]))
    assert r.status == 401, r
