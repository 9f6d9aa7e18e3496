"""XLSX workbooks made by hand for the importer's tests
(tests/cgi/test_import.py) and the seeds of fuzz_xlsxread
(tests/fuzz/make_xlsx_corpus.py): the parts Excel writes, nothing more."""
import io
import zipfile
from xml.sax.saxutils import escape


def col_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows, shared=True, sheet_xml=None, doctype="", extra=()):
    """A workbook as Excel writes it: rows of cells, each a str (a shared
    or inline string), an int or float (a number), a bool, or a tuple
    ("f", formula, cached) / ("e", "#N/A") / ("raw", xml)."""
    strings = []
    body = []
    for ri, row in enumerate(rows, 1):
        cells = []
        for ci, v in enumerate(row):
            ref = f"{col_letter(ci)}{ri}"
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            elif isinstance(v, tuple) and v[0] == "f":
                cells.append(f'<c r="{ref}"><f>{escape(v[1])}</f>'
                             f'<v>{v[2]}</v></c>')
            elif isinstance(v, tuple) and v[0] == "e":
                cells.append(f'<c r="{ref}" t="e"><v>{v[1]}</v></c>')
            elif isinstance(v, tuple) and v[0] == "raw":
                cells.append(v[1])
            elif shared:
                if v not in strings:
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{strings.index(v)}'
                             '</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>'
                             f'{escape(v)}</t></is></c>')
        body.append(f'<row r="{ri}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = ("http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships")
    if sheet_xml is None:
        sheet_xml = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
                     f'<worksheet {ns}><sheetData>{"".join(body)}'
                     '</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml",
                   f'<workbook {ns} xmlns:r="{rel}"><sheets>'
                   '<sheet name="Parts" sheetId="1" r:id="rId7"/>'
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org'
                   '/package/2006/relationships">'
                   f'<Relationship Id="rId7" Type="{rel}/worksheet" '
                   'Target="worksheets/parts.xml"/>'
                   f'<Relationship Id="rId8" Type="{rel}/sharedStrings" '
                   'Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/parts.xml", sheet_xml)
        sst = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
        z.writestr("xl/sharedStrings.xml",
                   f'<sst {ns} count="{len(strings)}">{sst}</sst>')
        for name, data in extra:
            z.writestr(name, data)
    return out.getvalue()
