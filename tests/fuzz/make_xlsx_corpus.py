#!/usr/bin/env python3
"""Writes the seeds of fuzz_xlsxread (tests/fuzz/corpus/fuzz_xlsxread/):
small XLSX workbooks, each a case of lib/xlsxread.c -- shared and inline
strings, numbers, booleans, rich text, sparse cells, a formula, an error
value, a ragged row, a DOCTYPE, a missing sheet, a packed bomb.  Run it
from the repository's root; the files are committed."""
import io
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cgi"))
from xlsx_files import xlsx  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "corpus", "fuzz_xlsxread")
os.makedirs(out, exist_ok=True)
rich = ('<c r="C2" t="inlineStr"><is><r><t>Bolt </t></r><r><t>M3</t></r>'
        '<rPh><t>x</t></rPh></is></c>')
cases = {
    "shared": xlsx([["name", "IPN", "qty"], ["R 10k", "R-1", 12],
                    ["C", "C-1", 0.30000000000000004]]),
    "inline": xlsx([["name", "active"], ["x", True], ["y", False]],
                   shared=False),
    "rich_sparse": xlsx([["name", "", "description"], ["B", None,
                                                       ("raw", rich)]]),
    "formula": xlsx([["name", "n"], ["a", ("f", "SUM(1,2)", 3)]]),
    "error": xlsx([["name"], [("e", "#N/A")]]),
    "ragged": xlsx([["name"], ["a", "b"]]),
    "doctype": xlsx([["name"], ["a"]],
                    doctype='<!DOCTYPE x [<!ENTITY a "aa">]>'),
    "badref": xlsx([["name"], [("raw", '<c r="a1b" t="s"><v>7</v></c>')]]),
    "bomb": xlsx([["name"]], sheet_xml="<worksheet>" + " " * 2_000_000 +
                 "</worksheet>"),
}
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as zf:
    zf.writestr("readme.txt", "no workbook")
cases["noworkbook"] = z.getvalue()
for name, data in cases.items():
    with open(os.path.join(out, name + ".xlsx"), "wb") as f:
        f.write(data)

# Sheets alone (not ZIP archives): the harness stores each into a workbook
# of its own, with three shared strings (0 "name", 1 "R 10k", 2 " x ").
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
sheets = {
    "sheet_basic": '<row r="1"><c r="A1" t="s"><v>0</v></c>'
                   '<c r="B1" t="inlineStr"><is><t>qty</t></is></c></row>'
                   '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3">'
                   '<v>1.5E-3</v></c></row>',
    "sheet_types": '<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c>'
                   '<c t="b"><v>1</v></c></row><row><c t="str"><v>a</v></c>'
                   '<c t="d"><v>2026-01-02</v></c><c><v>12</v></c></row>'
                   '<row><c r="XFD4"><v>1</v></c></row>',
    "sheet_formula": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                     '<row r="2"><c r="A2"><f t="shared" si="0"/><v>3</v>'
                     '</c></row>',
    "sheet_prefixed": '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:r>'
                      '<x:t>name</x:t></x:r><x:rPh><x:t>n</x:t></x:rPh>'
                      '</x:is></x:c></x:row><x:row r="2"><x:c r="A2" t="e">'
                      '<x:v>#DIV/0!</x:v></x:c></x:row>',
}
for name, rows in sheets.items():
    with open(os.path.join(out, name + ".xml"), "w") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS} '
                'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
                f'2006/main"><sheetData>{rows}</sheetData></worksheet>')
