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


def xlsx(rows, shared=True, sheet_xml=None, doctype="", extra=(),
         styles=None, workbook_pr=None, before=(), after=(), active=None):
    """A workbook as Excel writes it: rows of cells, each a str (a shared
    or inline string), an int or float (a number), a bool, or a tuple
    ("f", formula, cached) / ("e", "#N/A") / ("raw", xml) /
    ("s", number, style): a number of cell style style (an index into
    styles' cellXfs).  styles: xl/styles.xml's text.  workbook_pr: the
    <workbookPr>'s attributes (date1904="1").  The sheet is "Parts";
    before and after: more sheets, (name, xml, type) with type
    "worksheet" or "chartsheet"; active: the index of the sheet the
    workbook opens at."""
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
            elif isinstance(v, tuple) and v[0] == "s":
                cells.append(f'<c r="{ref}" s="{v[2]}"><v>{v[1]!r}</v></c>')
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
    sheets = list(before) + [("Parts", sheet_xml, "worksheet")] + list(after)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        pr = f"<workbookPr {workbook_pr}/>" if workbook_pr else ""
        views = (f'<bookViews><workbookView activeTab="{active}"/>'
                 "</bookViews>" if active is not None else "")
        z.writestr("xl/workbook.xml",
                   f'<workbook {ns} xmlns:r="{rel}">{pr}{views}<sheets>' +
                   "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" '
                           f'r:id="rId{i + 10}"/>'
                           for i, (n, _, _) in enumerate(sheets)) +
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org'
                   '/package/2006/relationships">' +
                   "".join(f'<Relationship Id="rId{i + 10}" '
                           f'Type="{rel}/{t}" Target="{t}s/'
                           f'{"parts" if n == "Parts" else f"s{i}"}.xml"/>'
                           for i, (n, _, t) in enumerate(sheets)) +
                   f'<Relationship Id="rId8" Type="{rel}/sharedStrings" '
                   'Target="sharedStrings.xml"/>'
                   f'<Relationship Id="rId9" Type="{rel}/styles" '
                   'Target="styles.xml"/></Relationships>')
        for i, (n, x, t) in enumerate(sheets):
            z.writestr(f'xl/{t}s/{"parts" if n == "Parts" else f"s{i}"}.xml',
                       x)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
        sst = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
        z.writestr("xl/sharedStrings.xml",
                   f'<sst {ns} count="{len(strings)}">{sst}</sst>')
        for name, data in extra:
            z.writestr(name, data)
    return out.getvalue()


# Cell styles 1-5 (xlsx()'s ("s", number, style)): dd/mm/yyyy (a date),
# [Red]0.00 and "day" 0 (numbers), built-in 14 defined again as 0.000 (a
# number), built-in 15 (d-mmm-yy, a date); a cell style format and a
# conditional format (dxf) of dates that no cell uses.
DATE_STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><numFmts count="4">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="[Red]0.00;[Blue]-0.00"/>'
    '<numFmt numFmtId="166" formatCode="&quot;day&quot; 0"/>'
    '<numFmt numFmtId="14" formatCode="0.000"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="164"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="14"/>'
    '<xf numFmtId="15"/></cellXfs>'
    '<dxfs count="1"><dxf><numFmt numFmtId="167" formatCode="yyyy"/></dxf>'
    '</dxfs></styleSheet>')


def sheet(rows):
    """A worksheet's XML (for xlsx()'s before and after): rows of inline
    strings and numbers."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    body = "".join(
        f'<row r="{ri}">' + "".join(
            f'<c r="{col_letter(ci)}{ri}"><v>{v!r}</v></c>'
            if isinstance(v, (int, float)) else
            f'<c r="{col_letter(ci)}{ri}" t="inlineStr"><is><t>{escape(v)}'
            '</t></is></c>' for ci, v in enumerate(row)) + "</row>"
        for ri, row in enumerate(rows, 1))
    return f"<worksheet {ns}><sheetData>{body}</sheetData></worksheet>"


# ---- workbooks written by libxlsxwriter ----------------------------------

def _lxw():
    """Debian's libxlsxwriter (the export's library), through ctypes."""
    import ctypes
    lib = ctypes.CDLL("libxlsxwriter.so.4")
    P, S = ctypes.c_void_p, ctypes.c_char_p
    R, C = ctypes.c_uint32, ctypes.c_uint16
    for name, res, args in (
            ("workbook_new", P, [S]),
            ("workbook_add_worksheet", P, [P, S]),
            ("workbook_add_format", P, [P]),
            ("workbook_close", ctypes.c_int, [P]),
            ("format_set_num_format", None, [P, S]),
            ("format_set_num_format_index", None, [P, ctypes.c_uint8]),
            ("worksheet_write_string", ctypes.c_int, [P, R, C, S, P]),
            ("worksheet_write_number", ctypes.c_int,
             [P, R, C, ctypes.c_double, P]),
            ("worksheet_write_boolean", ctypes.c_int,
             [P, R, C, ctypes.c_int, P]),
            ("worksheet_write_datetime", ctypes.c_int, [P, R, C, P, P]),
            ("worksheet_activate", None, [P]),
            ("lxw_unixtime_to_excel_date_epoch", ctypes.c_double,
             [ctypes.c_int64, ctypes.c_uint8])):
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


class _LxwDatetime(__import__("ctypes").Structure):
    import ctypes as _c
    _fields_ = [("year", _c.c_int), ("month", _c.c_int), ("day", _c.c_int),
                ("hour", _c.c_int), ("min", _c.c_int), ("sec", _c.c_double)]


def lxw_xlsx(sheets, active=None, date1904=False):
    """A workbook written by libxlsxwriter, as bytes.  sheets: (name, rows)
    pairs; a cell is a str, an int or float, a bool, None, a
    datetime.date or datetime.datetime (worksheet_write_datetime, format
    "yyyy-mm-dd" or "yyyy-mm-dd hh:mm:ss"), or ("num", number, format): a
    number with a number format, a str (the workbook's own format) or an
    int (a built-in one: 14 is m/d/yyyy).  active: the index of the sheet
    the workbook opens at.  date1904: the workbook in the 1904 date system
    (libxlsxwriter 1.1.4 cannot say so: its workbook.xml is given
    date1904="1" afterwards, and each date is written as the number
    lxw_unixtime_to_excel_date_epoch() gives for 1904)."""
    import ctypes
    import datetime
    import os
    import tempfile
    lib = _lxw()
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        wb = lib.workbook_new(path.encode())
        formats = {}

        def fmt(f):
            if f not in formats:
                formats[f] = lib.workbook_add_format(wb)
                if isinstance(f, int):
                    lib.format_set_num_format_index(formats[f], f)
                else:
                    lib.format_set_num_format(formats[f], f.encode())
            return formats[f]
        for si, (name, rows) in enumerate(sheets):
            ws = lib.workbook_add_worksheet(wb, name.encode())
            if si == active:
                lib.worksheet_activate(ws)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        rc = lib.worksheet_write_boolean(ws, r, c, int(v),
                                                         None)
                    elif isinstance(v, (int, float)):
                        rc = lib.worksheet_write_number(ws, r, c, v, None)
                    elif isinstance(v, str):
                        rc = lib.worksheet_write_string(ws, r, c,
                                                        v.encode(), None)
                    elif isinstance(v, tuple):
                        rc = lib.worksheet_write_number(ws, r, c, v[1],
                                                        fmt(v[2]))
                    elif date1904:
                        t = v if isinstance(v, datetime.datetime) else \
                            datetime.datetime(v.year, v.month, v.day)
                        unix = int(t.replace(
                            tzinfo=datetime.timezone.utc).timestamp())
                        rc = lib.worksheet_write_number(
                            ws, r, c,
                            lib.lxw_unixtime_to_excel_date_epoch(unix, 1),
                            fmt("yyyy-mm-dd hh:mm:ss"
                                if isinstance(v, datetime.datetime)
                                else "yyyy-mm-dd"))
                    else:
                        t = v if isinstance(v, datetime.datetime) else \
                            datetime.datetime(v.year, v.month, v.day)
                        dt = _LxwDatetime(t.year, t.month, t.day, t.hour,
                                          t.minute,
                                          t.second + t.microsecond / 1e6)
                        rc = lib.worksheet_write_datetime(
                            ws, r, c, ctypes.byref(dt),
                            fmt("yyyy-mm-dd hh:mm:ss"
                                if isinstance(v, datetime.datetime)
                                else "yyyy-mm-dd"))
                    assert rc == 0, (name, r, c, v, rc)
        assert lib.workbook_close(wb) == 0
        with open(path, "rb") as f:
            data = f.read()
    finally:
        os.unlink(path)
    if not date1904:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                assert b"<workbookPr " in part
                part = part.replace(b"<workbookPr ",
                                    b'<workbookPr date1904="1" ', 1)
            z.writestr(info.filename, part)
    return out.getvalue()
