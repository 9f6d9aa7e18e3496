#!/usr/bin/env python3
"""The rows of make bench made from the programs' own route tables (issue 22).

    routes.py BASE TOKEN HARDENING COVERED PROGRAM...

Every GET route of every program's --routes: a pattern without a parameter
is a row "<pattern> list", with ?limit=50 when its OpenAPI operation (the
program's --openapi) takes limit, else fetched plain; a pattern with one
<pk> parameter (<id> too) is a row "<pattern> detail" on the first row of
the list its pattern starts with (PREFIX?limit=1 fetched once with TOKEN).
Skipped, each with its reason: the routes a hand-written row covers
(COVERED, one path a line, the query cut), GETs with an effect (their
"writes" cell of HARDENING.md's route table is not "nothing"; the
first-run effects, "if missing", excepted), the plugin URL, media and
static routes, and the patterns with other parameters.

Prints "name|path|" lines for bench.sh's ENDPOINTS on stdout, and
"skipped <pattern>: <reason>" lines on stderr.
"""
import json
import re
import subprocess
import sys
import urllib.request

base, token, hardening, covered_file, *programs = sys.argv[1:]
covered = [l.split("?", 1)[0] for l in open(covered_file).read().split("\n") if l]

# The GETs of HARDENING.md's route table whose "writes" cell says they
# change something.
effects = {}
for line in open(hardening):
    m = re.match(r"\| GET \| `([^`]+)` \|", line)
    if m:
        cells = [c.strip() for c in line.split("|")]
        writes = cells[6] if len(cells) > 6 else ""
        if not writes.startswith("nothing") and "if missing" not in writes:
            effects[m.group(1)] = writes


def run_json(prog, arg):
    return json.loads(subprocess.run([prog, arg], capture_output=True,
                                     check=True, timeout=60).stdout)


def regex(pattern):
    """The paths a pattern matches (final slash optional)."""
    out = ""
    for part in re.split(r"(<[^>]+>)", pattern.rstrip("/")):
        if part.startswith("<*"):
            out += r".*"
        elif part.endswith(":word>"):
            out += r"\w+"
        elif part.startswith("<"):
            out += r"[0-9]+"
        else:
            out += re.escape(part)
    return re.compile(out + "/?")


def openapi_path(pattern):
    return re.sub(r"<\*?([a-z_]+)(:word)?>", r"{\1}", pattern)


first_rows = {}


def first_pk(prefix):
    """The pk of the first row of the list at prefix, or None."""
    if prefix not in first_rows:
        req = urllib.request.Request(f"{base}{prefix}?limit=1",
                                     headers={"Authorization": f"Token {token}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                d = json.load(r)
        except Exception as e:  # noqa: BLE001 -- said in the note
            first_rows[prefix] = f"error {e}"
            return first_rows[prefix]
        rows = d.get("results", []) if isinstance(d, dict) else d
        pk = None
        if rows and isinstance(rows[0], dict):
            pk = rows[0].get("pk", rows[0].get("id"))
        first_rows[prefix] = pk
    return first_rows[prefix]


def skip(pattern, why):
    print(f"skipped {pattern}: {why}", file=sys.stderr)


seen = set()
for prog in programs:
    routes = run_json(prog, "--routes")
    paths = run_json(prog, "--openapi").get("paths", {})
    gets = {r["pattern"] for r in routes if r["method"] == "GET"}
    for r in routes:
        pattern = r["pattern"]
        if r["method"] != "GET" or pattern in seen:
            continue
        seen.add(pattern)
        params = re.findall(r"<([^>]+)>", pattern)
        if pattern.startswith("/media/") or pattern.startswith("/static/"):
            skip(pattern, "media / static files")
            continue
        if r["program"] == "plugin_url":
            skip(pattern, "plugin URL (runs the site's plugin program)")
            continue
        if pattern in effects:
            skip(pattern, "a GET with an effect (HARDENING.md: "
                 + effects[pattern].split(".")[0] + ")")
            continue
        rx = regex(pattern)
        hand = [c for c in covered if rx.fullmatch(c)]
        if hand:
            skip(pattern, f"a hand-written row ({hand[0]})")
            continue
        op = paths.get(openapi_path(pattern), {}).get("get", {})
        paged = any(p.get("name") == "limit" for p in op.get("parameters", []))
        query = "?limit=50" if paged else ""
        if not params:
            print(f"{pattern} list|{pattern}{query}|")
            continue
        if len(params) != 1 or params[0] not in ("pk", "id"):
            skip(pattern, "parameters other than one <pk>")
            continue
        prefix = pattern.split("<", 1)[0]
        if prefix not in gets:
            skip(pattern, f"no list at {prefix} for its <{params[0]}>")
            continue
        pk = first_pk(prefix)
        if not isinstance(pk, int):
            skip(pattern, f"{prefix} is empty" if pk is None
                 else f"{prefix}?limit=1: {pk}")
            continue
        path = pattern.replace(f"<{params[0]}>", str(pk))
        print(f"{pattern} detail|{path}{query}|")
