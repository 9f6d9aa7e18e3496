#!/usr/bin/env python3
"""Writes the seeds of fuzz_xlsxread (tests/fuzz/corpus/fuzz_xlsxread/):
small XLSX workbooks, each a case of lib/xlsxread.c -- shared and inline
strings, numbers, booleans, rich text, sparse cells, a formula, an error
value, a ragged row, a DOCTYPE, a missing sheet, a packed bomb, dates
(the workbook's own formats and built-in ones, both date systems, one
out of range), several sheets (the one it opens at, an empty one with
data on another, a chart sheet), a workbook written by libxlsxwriter.
Run it from the repository's root; the files are committed."""
import datetime
import io
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cgi"))
from xlsx_files import DATE_STYLES, lxw_xlsx, sheet, xlsx  # noqa: E402

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
    "dates": xlsx([["a", "b", "c", "d", "e", "f"],
                   [("s", 46082, 1), ("s", 46082.75, 5), ("s", 60, 1),
                    ("s", 0.5, 5), ("s", 12, 2), ("s", 1, 4)]],
                  styles=DATE_STYLES),
    "dates_range": xlsx([["a"], [("s", 2958466, 1)]], styles=DATE_STYLES),
    "dates1904": xlsx([["a", "b"], [("s", 1.25, 5), ("s", 44620, 1)]],
                      styles=DATE_STYLES, workbook_pr='date1904="1"'),
    "sheets_active": xlsx([["name"], ["a"]], before=[
        ("Notes", sheet([["read me"]]), "worksheet")], active=1),
    "sheets_empty": xlsx([], after=[("Data", sheet([["x"], ["y"]]),
                                     "worksheet")]),
    "chartsheet": xlsx([["name"], ["a"]], before=[
        ("Chart1", "<chartsheet/>", "chartsheet")], active=0),
    "lxw_dates": lxw_xlsx([("Notes", [["x"]]), ("Stock", [
        ["part", "expiry_date", "counted"],
        ["M-1", datetime.date(2026, 3, 1),
         datetime.datetime(2026, 2, 27, 14, 30, 15)],
        ["M-2", ("num", 46082, 14), ("num", 0.25, "h:mm AM/PM")]])],
        active=1),
    "lxw_1904": lxw_xlsx([("Stock", [["expiry_date"],
                                     [datetime.date(2026, 3, 1)]])],
                         date1904=True),
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
    # The harness's cell styles: 1 built-in 14, 2 built-in 22, 3
    # yyyy-mm-dd, 4 h:mm:ss, 5 [h]:mm, 6 0.0 "d".
    "sheet_dates": '<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c>'
                   '<c t="inlineStr"><is><t>c</t></is></c>'
                   '<c t="inlineStr"><is><t>d</t></is></c></row>'
                   '<row><c s="1"><v>46082</v></c><c s="2"><v>60.5</v></c>'
                   '<c s="4"><v>0.999999999</v></c><c s="3"><v>1E3</v></c>'
                   '</row><row><c s="5"><v>1.5</v></c><c s="6"><v>2</v></c>'
                   '<c s="99"><v>3</v></c><c s="x"><v>4</v></c></row>'
                   '<row><c s="3"><v>-1</v></c></row>',
    "sheet_empty": '',
}
for name, rows in sheets.items():
    with open(os.path.join(out, name + ".xml"), "w") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS} '
                'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
                f'2006/main"><sheetData>{rows}</sheetData></worksheet>')
