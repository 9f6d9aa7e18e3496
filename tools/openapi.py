#!/usr/bin/env python3
"""The OpenAPI document of the whole API, from the programs themselves.

Every program answers --openapi with an OpenAPI 3.0 document of its own
routes and resources (lib/openapi.c: made from its route table and its
resources' descriptions).  This script runs each program given and merges
their documents into one: the paths of all (a path served by two programs
keeps each one's methods), the schemas of all (a resource served by two
programs is described the same by both: a difference is an error), one
info and one set of security schemes.  `make` writes it to
BUILD/db/openapi.json and `make install` puts it in the tree's db/, where
api.cgi serves it at /api/schema/.

    tools/openapi.py --out FILE PROGRAM...
"""
import argparse
import json
import pathlib
import subprocess
import sys


def fail(msg):
    sys.exit(f"openapi.py: {msg}")


def document(program):
    p = subprocess.run([str(program), "--openapi"], capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        fail(f"{program} --openapi failed: "
             + p.stderr.decode(errors="replace"))
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        fail(f"{program} --openapi is not JSON: {e}")


def merge(docs):
    out = None
    for name, doc in docs:
        if out is None:
            out = {k: v for k, v in doc.items() if k != "paths"}
            out["paths"] = {}
            out["components"] = {"schemas": {},
                                 "securitySchemes": {}}
        for k in ("openapi", "info", "security"):
            if doc.get(k) != out.get(k):
                fail(f"{name}: its {k} differs from the other programs'")
        for path, item in doc["paths"].items():
            have = out["paths"].setdefault(path, {})
            for method, op in item.items():
                if method in have:
                    fail(f"{name}: {method.upper()} {path} is served by "
                         "two programs")
                have[method] = op
        for part in ("schemas", "securitySchemes"):
            for k, v in doc.get("components", {}).get(part, {}).items():
                old = out["components"][part].setdefault(k, v)
                if old != v:
                    fail(f"{name}: components.{part}.{k} differs from "
                         "another program's")
    out["paths"] = dict(sorted(out["paths"].items()))
    for part in ("schemas", "securitySchemes"):
        out["components"][part] = dict(sorted(
            out["components"][part].items()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("programs", nargs="+")
    a = ap.parse_args()
    docs = [(pathlib.Path(p).name, document(p)) for p in sorted(a.programs)]
    out = pathlib.Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(merge(docs), indent=1) + "\n")
    tmp.replace(out)


if __name__ == "__main__":
    main()
