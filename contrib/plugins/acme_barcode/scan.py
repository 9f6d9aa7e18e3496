#!/usr/bin/python3
"""A barcode plugin (docs/plugins.md): a scan no built-in format matched
arrives on stdin, {"barcode": "...", "settings": {...}}.  Exit 0 with
{"model": "part", "key": "<IPN>"} (or "pk": <n>) claims it; exit 1 says
it is not ours."""
import json
import re
import sys

req = json.load(sys.stdin)
prefix = re.escape(req["settings"].get("PREFIX") or "ACME")
m = re.fullmatch(prefix + r";PN=([^;]{1,100});QTY=(\d{1,9})", req["barcode"])
if not m:
    sys.exit(1)
json.dump({"model": "part", "key": m.group(1)}, sys.stdout)
