#!/usr/bin/env python3
"""The endpoint security-review table, from the programs themselves.

Every program answers --routes with its route table as JSON (lib/route.c).
This script collects them from BUILD/cgi-bin/*.cgi and prints a Markdown
table: method, path, program, area/permission, then three review columns
(inputs and their bounds, what it writes, which tests prove the permission
and the bounds).

The review columns are written by people.  With --update FILE the script
rewrites the table between the markers

    <!-- endpoints:begin -->  and  <!-- endpoints:end -->

in FILE (HARDENING.md), keeping the review text of every route that is
still there, adding a row marked NOT REVIEWED for each new route and
dropping routes that are gone.  tests/cgi/test_hardening_doc.py fails while
a route is missing from the table or still marked NOT REVIEWED.

    tools/endpoints.py [--build build]              print the table
    tools/endpoints.py [--build build] --update HARDENING.md
    tools/endpoints.py [--build build] --json       the routes as JSON
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- endpoints:begin -->", "<!-- endpoints:end -->"
NOT_REVIEWED = "NOT REVIEWED"
HEADER = ("| Method | Path | Program | Area / permission | Inputs and bounds "
          "| Writes | Proved by |\n"
          "|---|---|---|---|---|---|---|")


def routes(build):
    """Every route of every built program, in program then table order."""
    out = []
    progs = sorted((build / "cgi-bin").glob("*.cgi"))
    if not progs:
        sys.exit(f"endpoints.py: no programs in {build}/cgi-bin (run make)")
    for prog in progs:
        p = subprocess.run([str(prog), "--routes"], capture_output=True,
                           timeout=30)
        if p.returncode != 0:
            sys.exit(f"endpoints.py: {prog} --routes failed: "
                     + p.stderr.decode(errors="replace"))
        out += json.loads(p.stdout)
    return out


def key(method, pattern):
    return (method.strip().strip("`"), pattern.strip().strip("`"))


def cell(s):
    return s.replace("|", "\\|").replace("\n", " ")


def parse_table(text):
    """The review columns of the table in text, by (method, path)."""
    review = {}
    if BEGIN not in text:
        return review
    body = text.split(BEGIN, 1)[1].split(END, 1)[0]
    for line in body.splitlines():
        if not line.startswith("| ") or line.startswith("| Method "):
            continue
        cols = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cols) == 7:
            review[key(cols[0], cols[1])] = cols[4:]
    return review


def table(rts, review):
    lines = [HEADER]
    for r in rts:
        k = (r["method"], r["pattern"])
        inputs, writes, proof = review.get(k, [NOT_REVIEWED, "?", "?"])
        lines.append(
            f"| {r['method']} | `{r['pattern']}` | {r['program']} "
            f"| {r['area']} / {r['perm']} | {cell(inputs)} | {cell(writes)} "
            f"| {cell(proof)} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--update", metavar="FILE")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    build = pathlib.Path(a.build)
    if not build.is_absolute():
        build = ROOT / build
    rts = routes(build)
    if a.json:
        json.dump(rts, sys.stdout, indent=1)
        print()
        return
    if not a.update:
        print(table(rts, {}))
        return
    path = pathlib.Path(a.update)
    text = path.read_text()
    if BEGIN not in text or END not in text:
        sys.exit(f"endpoints.py: {path} has no {BEGIN} ... {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = table(rts, parse_table(text))
    path.write_text(f"{head}{BEGIN}\n{new}\n{END}{tail}")
    missing = new.count(NOT_REVIEWED)
    print(f"{path}: {len(rts)} routes, {missing} not reviewed")


if __name__ == "__main__":
    main()
