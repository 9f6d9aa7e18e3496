"""The README's configuration reference lists every setting the programs
read (from the one table in lib/cfg.c)."""
import json
import subprocess

from conftest import BUILD, ROOT


def test_readme_lists_every_setting():
    out = subprocess.run([str(BUILD / "bin" / "stockroom"), "settings"],
                         capture_output=True, check=True, timeout=30).stdout
    readme = (ROOT / "README.md").read_text()
    missing = [s["name"] for s in json.loads(out)
               if f"| `{s['name']}` |" not in readme]
    assert not missing, f"README.md does not document: {missing}"
