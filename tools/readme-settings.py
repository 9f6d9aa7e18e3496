#!/usr/bin/env python3
"""Rewrites the configuration table in README.md, between the markers
<!-- settings:begin --> and <!-- settings:end -->, from the one table of
settings in lib/cfg.c (as printed by `stockroom settings`).

    python3 tools/readme-settings.py [build/bin/stockroom]
"""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
tool = sys.argv[1] if len(sys.argv) > 1 else str(root / "build/bin/stockroom")
settings = json.loads(subprocess.run([tool, "settings"], check=True,
                                     capture_output=True).stdout)
rows = ["| setting | default | meaning |", "|---|---|---|"]
for s in settings:
    default = f"`{s['default']}`" if s["default"] else "(empty)"
    rows.append(f"| `{s['name']}` | {default} | {s['help']} |")
readme = root / "README.md"
text = readme.read_text()
new, n = re.subn(r"(<!-- settings:begin -->\n).*?(<!-- settings:end -->)",
                 lambda m: m.group(1) + "\n".join(rows) + "\n" + m.group(2),
                 text, flags=re.S)
if n != 1:
    sys.exit("README.md: settings markers not found")
readme.write_text(new)
