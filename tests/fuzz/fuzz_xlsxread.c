/*
 * fuzz_xlsxread: xlsxr_read() (lib/xlsxread.c), the importer's reading of
 * an uploaded XLSX workbook: libzip's archive, expat's XML, the shared
 * strings, cell references and types, the bounds (parts' sizes and
 * ratios, cells, rows, columns).
 *
 * Input: the file's bytes.  Beyond "no crash", it checks the module's
 * promises, as fuzz_csvread does for CSV: every row handed on has the
 * header's width (at most CSVR_COLS_MAX), every cell is NUL-terminated
 * valid UTF-8 of at most CSVR_CELL_MAX bytes, the header's last cell is
 * not empty, the rows counted are the rows seen; a failure has a message.
 *
 * An input that is not a ZIP archive is taken as the XML of the sheet the
 * workbook opens at and stored (not packed) into a workbook made here,
 * with a shared string table of three texts, cell styles 1-6 of date,
 * time and number formats (xl/styles.xml: built-in 14 and 22, the
 * workbook's yyyy-mm-dd, h:mm:ss, [h]:mm and 0.0 "d") and a second sheet
 * with a value (read when the first is empty, to say so): mutations of a
 * packed part rarely get past its CRC, so this is how the XML side (cell
 * references, types, styles, dates, rows, the limits) is reached.  The
 * seeds (corpus/fuzz_xlsxread/) are small workbooks and sheets made by
 * tests/fuzz/make_xlsx_corpus.py.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xlsxread.h"

struct seen {
	size_t	width;
	size_t	rows;
};

static const char *
row(void *arg, size_t n_row, const char *const *cells, size_t n)
{
	struct seen *s = arg;

	if (n_row != s->rows || n == 0 || n > CSVR_COLS_MAX)
		abort();
	if (n_row == 0) {
		s->width = n;
		if (cells[n - 1][0] == '\0')
			abort();
	} else if (n != s->width)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		if (len > CSVR_CELL_MAX || !txt_utf8_valid(cells[i], len, true))
			abort();
	}
	s->rows++;
	return NULL;
}

static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static uint8_t *
put16(uint8_t *o, unsigned v)
{
	o[0] = v & 0xFF;
	o[1] = (v >> 8) & 0xFF;
	return o + 2;
}

static uint8_t *
put32(uint8_t *o, uint32_t v)
{
	o = put16(o, v & 0xFFFF);
	return put16(o, v >> 16);
}

/* A ZIP archive of n stored files, malloc'd, its size in *len. */
static uint8_t *
zip_stored(const char *const *names, const uint8_t *const *data,
    const size_t *sizes, int n, size_t *len)
{
	size_t cap = 22;
	for (int i = 0; i < n; i++)
		cap += 30 + 46 + 2 * strlen(names[i]) + sizes[i];
	uint8_t *z = malloc(cap), *o = z;
	uint32_t off[8], crc[8];
	if (z == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		off[i] = (uint32_t)(o - z);
		crc[i] = crc32(data[i], sizes[i]);
		o = put32(o, 0x04034b50);
		o = put16(o, 20); o = put16(o, 0); o = put16(o, 0);
		o = put16(o, 0); o = put16(o, 0x21);
		o = put32(o, crc[i]);
		o = put32(o, (uint32_t)sizes[i]);
		o = put32(o, (uint32_t)sizes[i]);
		o = put16(o, (unsigned)nl); o = put16(o, 0);
		memcpy(o, names[i], nl);
		o += nl;
		memcpy(o, data[i], sizes[i]);
		o += sizes[i];
	}
	uint8_t *cd = o;
	for (int i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		o = put32(o, 0x02014b50);
		o = put16(o, 20); o = put16(o, 20); o = put16(o, 0);
		o = put16(o, 0); o = put16(o, 0); o = put16(o, 0x21);
		o = put32(o, crc[i]);
		o = put32(o, (uint32_t)sizes[i]);
		o = put32(o, (uint32_t)sizes[i]);
		o = put16(o, (unsigned)nl); o = put16(o, 0); o = put16(o, 0);
		o = put16(o, 0); o = put16(o, 0); o = put32(o, 0);
		o = put32(o, off[i]);
		memcpy(o, names[i], nl);
		o += nl;
	}
	size_t cdlen = (size_t)(o - cd);
	o = put32(o, 0x06054b50);
	o = put16(o, 0); o = put16(o, 0);
	o = put16(o, (unsigned)n); o = put16(o, (unsigned)n);
	o = put32(o, (uint32_t)cdlen);
	o = put32(o, (uint32_t)(cd - z));
	o = put16(o, 0);
	*len = (size_t)(o - z);
	return z;
}

static const char wb_xml[] = "<workbook><bookViews><workbookView "
    "activeTab=\"0\"/></bookViews><sheets><sheet name=\"S\" "
    "r:id=\"rId1\"/><sheet name=\"T\" r:id=\"rId2\"/></sheets></workbook>";
static const char rels_xml[] = "<Relationships><Relationship Id=\"rId1\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
    "Target=\"worksheets/sheet2.xml\"/></Relationships>";
static const char styles_xml[] = "<styleSheet><numFmts>"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"h:mm:ss\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"[h]:mm\"/>"
    "<numFmt numFmtId=\"167\" formatCode=\"0.0 &quot;d&quot;\"/>"
    "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
    "<xf numFmtId=\"22\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
    "<xf numFmtId=\"166\"/><xf numFmtId=\"167\"/></cellXfs></styleSheet>";
static const char sheet2_xml[] = "<worksheet><sheetData><row><c t=\"s\">"
    "<v>0</v></c></row></sheetData></worksheet>";
static const char sst_xml[] = "<sst><si><t>name</t></si><si><r><t>R </t>"
    "</r><r><t>10k</t></r></si><si><t xml:space=\"preserve\"> x </t>"
    "</si></sst>";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	struct csvr_info info;
	char msg[200];
	uint8_t *wrapped = NULL;

	if (!xlsxr_is_zip((const char *)data, size)) {
		static const char *const names[] = { "xl/workbook.xml",
		    "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
		    "xl/styles.xml", "xl/worksheets/sheet2.xml",
		    "xl/worksheets/sheet1.xml" };
		const uint8_t *parts[] = { (const uint8_t *)wb_xml,
		    (const uint8_t *)rels_xml, (const uint8_t *)sst_xml,
		    (const uint8_t *)styles_xml, (const uint8_t *)sheet2_xml,
		    data };
		size_t sizes[] = { sizeof(wb_xml) - 1, sizeof(rels_xml) - 1,
		    sizeof(sst_xml) - 1, sizeof(styles_xml) - 1,
		    sizeof(sheet2_xml) - 1, size };
		wrapped = zip_stored(names, parts, sizes, 6, &size);
		data = wrapped;
	}
	const char *err = xlsxr_read((const char *)data, size, row, &s, &info,
	    msg, sizeof(msg));
	bool ours = wrapped != NULL;
	free(wrapped);
	if (err != NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (strcmp(info.encoding, "utf-8") != 0 || info.delimiter != '\0' ||
	    memchr(info.sheet, '\0', sizeof(info.sheet)) == NULL)
		abort();
	if (ours && strcmp(info.sheet, "S") != 0)
		abort();
	if (s.rows == 0 || info.rows != s.rows - 1 || info.columns != s.width)
		abort();
	return 0;
}
