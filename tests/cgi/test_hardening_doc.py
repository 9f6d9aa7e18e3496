"""HARDENING.md stays true: its endpoint table lists every route of every
built program (from --routes), each one reviewed, with the area and
permission the program really has; and every route, called anonymously,
answers as the review says every endpoint must (JSON, security headers, no
5xx, 401 outside public areas)."""
import importlib.util
import json
import subprocess

import pytest

from conftest import BUILD, ROOT

spec = importlib.util.spec_from_file_location(
    "endpoints", ROOT / "tools" / "endpoints.py")
endpoints = importlib.util.module_from_spec(spec)
spec.loader.exec_module(endpoints)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def all_routes():
    out = []
    for prog in sorted((BUILD / "cgi-bin").glob("*.cgi")):
        p = subprocess.run([str(prog), "--routes"], capture_output=True,
                           timeout=30, check=True)
        out += json.loads(p.stdout)
    return out


ROUTES = all_routes()


def doc_rows():
    """(method, path) -> the seven columns of HARDENING.md's table."""
    text = (ROOT / "HARDENING.md").read_text()
    assert endpoints.BEGIN in text and endpoints.END in text
    body = text.split(endpoints.BEGIN, 1)[1].split(endpoints.END, 1)[0]
    rows = {}
    for line in body.splitlines():
        if not line.startswith("| ") or line.startswith("| Method "):
            continue
        cols = [c.strip() for c in
                endpoints.re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cols) == 7, line
        rows[endpoints.key(cols[0], cols[1])] = cols
    return rows


def test_there_are_routes():
    assert len(ROUTES) >= 2
    assert ("GET", "/api/health/") in {(r["method"], r["pattern"])
                                       for r in ROUTES}


def test_every_route_is_reviewed_in_hardening_md():
    rows = doc_rows()
    missing = [f"{r['method']} {r['pattern']} ({r['program']})"
               for r in ROUTES if (r["method"], r["pattern"]) not in rows]
    assert not missing, ("routes missing from HARDENING.md; run "
                         "tools/endpoints.py --update HARDENING.md and review "
                         "them: " + ", ".join(missing))
    unreviewed = [" ".join(k) for k, cols in rows.items()
                  if endpoints.NOT_REVIEWED in cols[4] or "?" in cols[5:7]]
    assert not unreviewed, "not reviewed yet: " + ", ".join(unreviewed)


def test_review_table_matches_the_programs():
    """Program, area and permission in the table are what --routes says,
    so a changed permission needs a new look; no row for a route that is
    gone."""
    rows = doc_rows()
    live = {(r["method"], r["pattern"]): r for r in ROUTES}
    for k, cols in rows.items():
        assert k in live, f"HARDENING.md lists {k}, which no program serves"
        r = live[k]
        assert cols[2] == r["program"], (k, cols[2], r["program"])
        assert cols[3] == f"{r['area']} / {r['perm']}", (k, cols[3])


def concrete(pattern):
    """A path the pattern matches: ids and words become 1, a rest-of-path
    "x"."""
    return endpoints.re.sub(r"<\*[a-z_]+>", "x", endpoints.re.sub(
        r"<[a-z_]+(?::word)?>", "1", pattern))


@pytest.mark.parametrize("route", ROUTES,
                         ids=[f"{r['method']} {r['pattern']}" for r in ROUTES])
def test_anonymous_call_answers_safely(site, route):
    """Every endpoint, called with no credentials and no body: a JSON
    answer (or none, for 204/304) with the security headers, never a 5xx,
    and 401 wherever sign-in is needed."""
    r = site.cgi(route["program"], method=route["method"],
                 path=concrete(route["pattern"]))
    assert r.status < 500, r
    for k, v in SECURITY_HEADERS.items():
        assert r.header(k) == v, (k, r.headers)
    assert "frame-ancestors 'none'" in r.header("Content-Security-Policy")
    if r.status not in (204, 304):
        assert r.header("Content-Type") == "application/json", r.headers
        json.loads(r.body)
    if route["area"] != "public":
        assert r.status == 401, r
        assert r.header("WWW-Authenticate")
