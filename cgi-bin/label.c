/*
 * label.cgi: InvenTree's label API -- the templates (/api/label/template/,
 * a resource: domain/files/label.c) and printing (POST /api/label/print/),
 * whose outputs dataoutput.cgi serves (/api/data-output/) -- as InvenTree
 * answers it, so that the app's and inventree-python's "Print label"
 * work.
 *
 * A print lays the objects' labels out as the template says (an A4 sheet
 * of labels, or one label a page for a 62 mm roll), each with its code --
 * QR (libqrencode) or DataMatrix (libdmtx) of InvenTree's barcode data,
 * {"part": 12}, which /api/barcode/ matches -- and the text its fields
 * name, into a PDF (libharu).  The three libraries are loaded with
 * dlopen() by this program only, when it prints.  The PDF is a stored
 * file (media kind "label") that only the user who printed it may read,
 * and the answer is InvenTree's DataOutput, complete, with its URL.
 *
 * Text is set in the PDF's standard Helvetica (no font files), whose
 * encoding is WinAnsi: characters outside it print as "?".
 *
 * A release build (STOCKROOM_STATIC: static programs, which cannot load
 * a shared library) lists the templates but answers a print 501; its page
 * prints labels in the browser.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef STOCKROOM_STATIC
#include <dlfcn.h>

#include <dmtx.h>
#include <hpdf.h>
#include <qrencode.h>
#endif

#include "site.h"

#include "dec.h"

#include "files/label.h"
#include "files/media.h"
#include "inventory/part.h"
#include "inventory/stock.h"

#define LABEL_ITEMS_MAX	500	/* objects in one print */
#define LABEL_PLUGIN	"inventreelabel"	/* InvenTree's built-in */
#define LABEL_PT(mm)	((HPDF_REAL)((mm) * 72.0 / 25.4))

struct label_tpl;
struct label_obj;

#ifndef STOCKROOM_STATIC
/* ---- the libraries, loaded when a print needs them -------------------- */

static struct {
	void	*hpdf, *qr, *dmtx;
	HPDF_Doc (*New)(HPDF_Error_Handler, void *);
	void	(*Free)(HPDF_Doc);
	HPDF_Page (*AddPage)(HPDF_Doc);
	HPDF_STATUS (*SetWidth)(HPDF_Page, HPDF_REAL);
	HPDF_STATUS (*SetHeight)(HPDF_Page, HPDF_REAL);
	HPDF_Font (*GetFont)(HPDF_Doc, const char *, const char *);
	HPDF_STATUS (*SetFontAndSize)(HPDF_Page, HPDF_Font, HPDF_REAL);
	HPDF_STATUS (*BeginText)(HPDF_Page);
	HPDF_STATUS (*EndText)(HPDF_Page);
	HPDF_STATUS (*TextOut)(HPDF_Page, HPDF_REAL, HPDF_REAL, const char *);
	HPDF_REAL (*TextWidth)(HPDF_Page, const char *);
	HPDF_STATUS (*Rectangle)(HPDF_Page, HPDF_REAL, HPDF_REAL, HPDF_REAL,
	    HPDF_REAL);
	HPDF_STATUS (*Fill)(HPDF_Page);
	HPDF_STATUS (*SetGrayFill)(HPDF_Page, HPDF_REAL);
	HPDF_STATUS (*SaveToFile)(HPDF_Doc, const char *);
	HPDF_STATUS (*SetCompressionMode)(HPDF_Doc, HPDF_UINT);
	HPDF_STATUS (*SetInfoAttr)(HPDF_Doc, HPDF_InfoType, const char *);
	QRcode	*(*QRencodeString)(const char *, int, QRecLevel, QRencodeMode,
	    int);
	void	(*QRfree)(QRcode *);
	DmtxEncode *(*DmtxCreate)(void);
	DmtxPassFail (*DmtxDestroy)(DmtxEncode **);
	DmtxPassFail (*DmtxSetProp)(DmtxEncode *, int, int);
	DmtxPassFail (*DmtxEncodeDataMatrix)(DmtxEncode *, int,
	    unsigned char *);
	int	(*DmtxModuleStatus)(DmtxMessage *, int, int, int);
	int	(*DmtxSymbolAttribute)(int, int);
} lb;

/*
 * Loads libharu, libqrencode and libdmtx (once).  Returns 0, or -1 when
 * one is not installed (make deps installs them).
 */
static int
label_libs_load(void)
{
	if (lb.hpdf != NULL)
		return 0;
	lb.hpdf = dlopen("libhpdf-2.3.0.so", RTLD_NOW | RTLD_LOCAL);
	lb.qr = dlopen("libqrencode.so.4", RTLD_NOW | RTLD_LOCAL);
	lb.dmtx = dlopen("libdmtx.so.0", RTLD_NOW | RTLD_LOCAL);
	if (lb.hpdf == NULL || lb.qr == NULL || lb.dmtx == NULL)
		goto fail;
#define LB_SYM(h, member, name) \
	if ((*(void **)&lb.member = dlsym(lb.h, name)) == NULL) \
		goto fail
	LB_SYM(hpdf, New, "HPDF_New");
	LB_SYM(hpdf, Free, "HPDF_Free");
	LB_SYM(hpdf, AddPage, "HPDF_AddPage");
	LB_SYM(hpdf, SetWidth, "HPDF_Page_SetWidth");
	LB_SYM(hpdf, SetHeight, "HPDF_Page_SetHeight");
	LB_SYM(hpdf, GetFont, "HPDF_GetFont");
	LB_SYM(hpdf, SetFontAndSize, "HPDF_Page_SetFontAndSize");
	LB_SYM(hpdf, BeginText, "HPDF_Page_BeginText");
	LB_SYM(hpdf, EndText, "HPDF_Page_EndText");
	LB_SYM(hpdf, TextOut, "HPDF_Page_TextOut");
	LB_SYM(hpdf, TextWidth, "HPDF_Page_TextWidth");
	LB_SYM(hpdf, Rectangle, "HPDF_Page_Rectangle");
	LB_SYM(hpdf, Fill, "HPDF_Page_Fill");
	LB_SYM(hpdf, SetGrayFill, "HPDF_Page_SetGrayFill");
	LB_SYM(hpdf, SaveToFile, "HPDF_SaveToFile");
	LB_SYM(hpdf, SetCompressionMode, "HPDF_SetCompressionMode");
	LB_SYM(hpdf, SetInfoAttr, "HPDF_SetInfoAttr");
	LB_SYM(qr, QRencodeString, "QRcode_encodeString");
	LB_SYM(qr, QRfree, "QRcode_free");
	LB_SYM(dmtx, DmtxCreate, "dmtxEncodeCreate");
	LB_SYM(dmtx, DmtxDestroy, "dmtxEncodeDestroy");
	LB_SYM(dmtx, DmtxSetProp, "dmtxEncodeSetProp");
	LB_SYM(dmtx, DmtxEncodeDataMatrix, "dmtxEncodeDataMatrix");
	LB_SYM(dmtx, DmtxModuleStatus, "dmtxSymbolModuleStatus");
	LB_SYM(dmtx, DmtxSymbolAttribute, "dmtxGetSymbolAttribute");
#undef LB_SYM
	return 0;
fail:
	if (lb.hpdf != NULL)
		dlclose(lb.hpdf);
	if (lb.qr != NULL)
		dlclose(lb.qr);
	if (lb.dmtx != NULL)
		dlclose(lb.dmtx);
	memset(&lb, 0, sizeof(lb));
	return -1;
}
#endif	/* !STOCKROOM_STATIC */

/* ---- what a print takes ----------------------------------------------- */

/* What a label may show beside its code. */
enum { LF_NAME = 1, LF_IPN = 2, LF_LOCATION = 4, LF_QUANTITY = 8 };

static const struct {
	const char	*name;
	unsigned	 bit;
} label_field_names[] = {
	{ "name", LF_NAME }, { "ipn", LF_IPN }, { "location", LF_LOCATION },
	{ "quantity", LF_QUANTITY },
};

/* A template, as migration 0030 keeps it (mm). */
struct label_tpl {
	const char	*name;
	const struct resource *model;
	double		 w, h, page_w, page_h, left, top, pitch_x, pitch_y;
	long long	 cols, rows;
	bool		 datamatrix;
	unsigned	 fields;
};

/* One label's content. */
struct label_obj {
	const char	*code;		/* InvenTree's barcode data */
	const char	*name, *ipn, *location, *quantity;
};

/* For OPTIONS (InvenTree's LabelPrint, and Stockroom's options). */
static const struct field label_print_input[] = {
	{ "template", FT_ID, F_REQUIRED, .ref = &label_template_resource,
	  .help = "Select label template" },
	{ "plugin", FT_TEXT, F_NULL, 100, .help = "Select plugin to use for "
	  "label printing (only " LABEL_PLUGIN ")" },
	{ "items", FT_IDS, F_REQUIRED, LABEL_ITEMS_MAX,
	  .help = "List of item primary keys to include in the report" },
	{ "barcode", FT_TEXT, F_NULL, 16,
	  .help = "qr or datamatrix (default: the template's)" },
	{ "fields", FT_TEXT, F_NULL, 100, .help = "What the labels show, "
	  "a comma-separated list of name, ipn, location, quantity "
	  "(default: the template's)" },
	{ "skip", FT_INT, F_NULL, .help = "Label positions to leave empty "
	  "at the start of the first sheet (a sheet partly used)" },
	{ NULL },
};

/* Parses "name,ipn" into LF_* bits; false on an unknown word. */
static bool
label_fields_parse(const char *s, unsigned *out)
{
	*out = 0;
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		size_t i;
		for (i = 0; i < sizeof(label_field_names) /
		    sizeof(label_field_names[0]); i++)
			if (strlen(label_field_names[i].name) == n &&
			    strncmp(s, label_field_names[i].name, n) == 0)
				break;
		if (i == sizeof(label_field_names) /
		    sizeof(label_field_names[0]))
			return false;
		*out |= label_field_names[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return true;
}

/* A pk in JSON: a whole number, or a string of one. */
static bool
label_pk(const cJSON *v, long long *id)
{
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9e15) {
		*id = (long long)v->valuedouble;
		return true;
	}
	return cJSON_IsString(v) && txt_parse_int64(v->valuestring,
	    -INT64_MAX, INT64_MAX, id);
}

static const char label_sql_template[] =
    "SELECT name, model_type, width, height, page_width, page_height, "
    "ncols, nrows, margin_left, margin_top, pitch_x, pitch_y, barcode, "
    "fields FROM label_template WHERE id = ?";

/* Template id into *t; *found false when there is none. */
static struct err *
label_template_load(struct ctx *ctx, long long id, struct label_tpl *t,
    bool *found)
{
	db_stmt *st;
	struct err *e;

	if ((st = db_prepare(ctx, label_sql_template)) == NULL)
		return db_err(ctx, "label template");
	db_bind_id(st, 1, id);
	if ((e = db_row(ctx, st, "label template", found)) != NULL ||
	    !*found)
		return e;
	const char *model = (const char *)st_column_text(st, 1);
	t->name = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 0));
	t->model = strcmp(model, "part") == 0 ? &part_resource :
	    strcmp(model, "stockitem") == 0 ? &stock_resource :
	    &location_resource;
	t->w = st_column_double(st, 2);
	t->h = st_column_double(st, 3);
	t->page_w = st_column_double(st, 4);
	t->page_h = st_column_double(st, 5);
	t->cols = st_column_int64(st, 6);
	t->rows = st_column_int64(st, 7);
	t->left = st_column_double(st, 8);
	t->top = st_column_double(st, 9);
	t->pitch_x = st_column_double(st, 10);
	t->pitch_y = st_column_double(st, 11);
	t->datamatrix = strcmp((const char *)st_column_text(st, 12),
	    "datamatrix") == 0;
	if (!label_fields_parse((const char *)st_column_text(st, 13),
	    &t->fields))
		t->fields = LF_NAME;
	return NULL;
}

/* What each model's label reads: name, IPN, location path, quantity. */
static const char label_sql_part[] =
    "SELECT name, IPN, NULL, NULL, '' FROM part WHERE id = ?";
static const char label_sql_stock[] =
    "SELECT p.name, p.IPN, l.pathstring, s.quantity, p.units, s.serial "
    "FROM stock_item s JOIN part p ON p.id = s.part "
    "LEFT JOIN stock_location l ON l.id = s.location WHERE s.id = ?";
static const char label_sql_location[] =
    "SELECT name, NULL, pathstring, NULL, '' FROM stock_location "
    "WHERE id = ?";

static const char *
label_col(struct ctx *ctx, db_stmt *st, int i)
{
	const unsigned char *s = st_column_text(st, i);

	return s == NULL ? "" : mem_strdup(&ctx->mem, (const char *)s);
}

/* Object id of t's model into *o; *found false when there is none. */
static struct err *
label_object_load(struct ctx *ctx, const struct label_tpl *t, long long id,
    struct label_obj *o, bool *found)
{
	const char *sql = t->model == &part_resource ? label_sql_part :
	    t->model == &stock_resource ? label_sql_stock : label_sql_location;
	db_stmt *st;
	struct err *e;

	if ((st = db_prepare(ctx, sql)) == NULL)
		return db_err(ctx, "label object");
	db_bind_id(st, 1, id);
	if ((e = db_row(ctx, st, "label object", found)) != NULL || !*found)
		return e;
	memset(o, 0, sizeof(*o));
	o->code = mem_printf(&ctx->mem, "{\"%s\": %lld}", t->model->model,
	    id);
	o->name = label_col(ctx, st, 0);
	o->ipn = label_col(ctx, st, 1);
	o->location = label_col(ctx, st, 2);
	if (t->model == &stock_resource) {
		const char *serial = label_col(ctx, st, 5);
		char q[DEC_BUFSZ];
		dec_format(st_column_int64(st, 3), q);
		/* 25, not 25.0: a label has no room for zeros. */
		char *dot = strchr(q, '.');
		if (dot != NULL) {
			char *end = q + strlen(q);
			while (end > dot + 1 && end[-1] == '0')
				*--end = '\0';
			if (end == dot + 1)
				*dot = '\0';
		}
		const char *units = label_col(ctx, st, 4);
		o->quantity = serial[0] != '\0' ? mem_printf(&ctx->mem,
		    "Serial # %s", serial) : mem_printf(&ctx->mem,
		    "Qty %s%s%s", q, units[0] != '\0' ? " " : "", units);
	} else
		o->quantity = "";
	return NULL;
}

/* ---- drawing ---------------------------------------------------------- */

#ifndef STOCKROOM_STATIC

/* UTF-8 into WinAnsi (the standard fonts' encoding), "?" for the rest. */
static char *
label_winansi(struct ctx *ctx, const char *s)
{
	static const struct { unsigned long cp; char c; } extra[] = {
		{ 0x20ac, '\x80' }, { 0x2026, '\x85' }, { 0x2018, '\x91' },
		{ 0x2019, '\x92' }, { 0x201c, '\x93' }, { 0x201d, '\x94' },
		{ 0x2022, '\x95' }, { 0x2013, '\x96' }, { 0x2014, '\x97' },
		{ 0x2122, '\x99' }, { 0x0160, '\x8a' }, { 0x0161, '\x9a' },
		{ 0x0152, '\x8c' }, { 0x0153, '\x9c' }, { 0x017d, '\x8e' },
		{ 0x017e, '\x9e' }, { 0x0178, '\x9f' },
	};
	const unsigned char *p = (const unsigned char *)s;
	char *out = mem_alloc(&ctx->mem, strlen(s) + 1), *d = out;

	while (*p != '\0') {
		unsigned long c = *p;
		size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (k > 1)
			c &= 0x3f >> (k - 1);
		for (size_t i = 1; i < k; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				k = i;
				c = '?';
				break;
			}
			c = c << 6 | (p[i] & 0x3f);
		}
		p += k;
		if (c < 0x20)
			c = ' ';
		if (c < 0x80 || (c >= 0xa0 && c <= 0xff))
			*d++ = (char)c;
		else {
			char r = '?';
			for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]);
			    i++)
				if (extra[i].cp == c)
					r = extra[i].c;
			*d++ = r;
		}
	}
	*d = '\0';
	return out;
}

/* Writes text at (x, y) cut with an ellipsis to width w (points). */
static void
label_text(struct ctx *ctx, HPDF_Page pg, HPDF_REAL x, HPDF_REAL y,
    HPDF_REAL w, const char *utf8)
{
	const char *s = label_winansi(ctx, utf8);
	size_t n = strlen(s);

	if (lb.TextWidth(pg, s) > w) {
		char *t = mem_alloc(&ctx->mem, n + 2);
		while (n > 0) {
			memcpy(t, s, --n);
			t[n] = '\x85';
			t[n + 1] = '\0';
			if (lb.TextWidth(pg, t) <= w)
				break;
		}
		s = n > 0 ? t : "";
	}
	lb.TextOut(pg, x, y, s);
}

/*
 * Draws the modules of a square or rectangular code, rows of dark runs,
 * into the box at (x, y) (its bottom left) of side s points.  dark(r, c)
 * says whether module (row r from the top, column c) is dark.
 */
struct label_code {
	int	 rows, cols;
	bool	(*dark)(const void *, int r, int c);
	const void *arg;
	int	 quiet;		/* modules of margin each side */
};

static void
label_code_draw(HPDF_Page pg, const struct label_code *k, HPDF_REAL x,
    HPDF_REAL y, HPDF_REAL s)
{
	int span = (k->rows > k->cols ? k->rows : k->cols) + 2 * k->quiet;
	HPDF_REAL m = s / (HPDF_REAL)span;
	HPDF_REAL x0 = x + m * (HPDF_REAL)(k->quiet + (span - 2 * k->quiet -
	    k->cols) / 2);
	HPDF_REAL top = y + s - m * (HPDF_REAL)k->quiet;

	lb.SetGrayFill(pg, 0);
	for (int r = 0; r < k->rows; r++)
		for (int c = 0; c < k->cols; c++) {
			if (!k->dark(k->arg, r, c))
				continue;
			int run = c;
			while (run + 1 < k->cols && k->dark(k->arg, r, run + 1))
				run++;
			/* A hair wider, so that neighbours leave no seam. */
			lb.Rectangle(pg, x0 + m * (HPDF_REAL)c,
			    top - m * (HPDF_REAL)(r + 1) - 0.01f,
			    m * (HPDF_REAL)(run - c + 1) + 0.01f, m + 0.02f);
			c = run;
		}
	lb.Fill(pg);
}

static bool
label_qr_dark(const void *arg, int r, int c)
{
	const QRcode *q = arg;

	return q->data[r * q->width + c] & 1;
}

struct label_dm {
	DmtxEncode	*enc;
	int		 rows, cols;
};

/* libdmtx counts symbol rows from the bottom. */
static bool
label_dm_dark(const void *arg, int r, int c)
{
	const struct label_dm *d = arg;

	return (lb.DmtxModuleStatus(d->enc->message, d->enc->region.sizeIdx,
	    d->rows - 1 - r, c) & DmtxModuleOnRGB) != 0;
}

/* The code of data in the box at (x, y) of side s; false if it failed. */
static bool
label_code(HPDF_Page pg, bool datamatrix, const char *data, HPDF_REAL x,
    HPDF_REAL y, HPDF_REAL s)
{
	if (!datamatrix) {
		QRcode *q = lb.QRencodeString(data, 0, QR_ECLEVEL_M,
		    QR_MODE_8, 1);
		if (q == NULL)
			return false;
		struct label_code k = { q->width, q->width, label_qr_dark, q,
		    2 };
		label_code_draw(pg, &k, x, y, s);
		lb.QRfree(q);
		return true;
	}
	struct label_dm d = { lb.DmtxCreate(), 0, 0 };
	if (d.enc == NULL)
		return false;
	lb.DmtxSetProp(d.enc, DmtxPropModuleSize, 1);
	lb.DmtxSetProp(d.enc, DmtxPropMarginSize, 0);
	bool ok = lb.DmtxEncodeDataMatrix(d.enc, (int)strlen(data),
	    (unsigned char *)(uintptr_t)data) == DmtxPass;
	if (ok) {
		d.rows = lb.DmtxSymbolAttribute(DmtxSymAttribSymbolRows,
		    d.enc->region.sizeIdx);
		d.cols = lb.DmtxSymbolAttribute(DmtxSymAttribSymbolCols,
		    d.enc->region.sizeIdx);
		struct label_code k = { d.rows, d.cols, label_dm_dark, &d,
		    1 };
		label_code_draw(pg, &k, x, y, s);
	}
	lb.DmtxDestroy(&d.enc);
	return ok;
}

/*
 * One label with its bottom left at (x, y) points: the code at the left,
 * as high as the label, the text lines at its right.
 */
static bool
label_draw(struct ctx *ctx, HPDF_Doc pdf, HPDF_Page pg,
    const struct label_tpl *t, unsigned fields, bool datamatrix,
    const struct label_obj *o, HPDF_REAL x, HPDF_REAL y)
{
	HPDF_REAL w = LABEL_PT(t->w), h = LABEL_PT(t->h);
	HPDF_REAL pad = LABEL_PT(t->h < 25 ? 1.2 : 2.0);
	/* The code as high as the label, but leaving the text room. */
	HPDF_REAL side = h - 2 * pad;
	if (fields != 0 && side > w * 0.4f)
		side = w * 0.4f;
	const char *lines[4];
	int n = 0;

	if (!label_code(pg, datamatrix, o->code, x + pad, y + (h - side) / 2,
	    side))
		return false;
	if ((fields & LF_NAME) && o->name[0] != '\0')
		lines[n++] = o->name;
	if ((fields & LF_IPN) && o->ipn[0] != '\0')
		lines[n++] = o->ipn;
	if ((fields & LF_QUANTITY) && o->quantity[0] != '\0')
		lines[n++] = o->quantity;
	if ((fields & LF_LOCATION) && o->location[0] != '\0')
		lines[n++] = o->location;
	if (n == 0)
		return true;

	HPDF_REAL tx = x + pad + side + pad, tw = x + w - pad - tx;
	HPDF_REAL lh = (h - 2 * pad) / (HPDF_REAL)(n > 3 ? n : 3);
	HPDF_REAL size = lh * 0.78f > 10 ? 10 : lh * 0.78f;
	HPDF_Font bold = lb.GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
	HPDF_Font plain = lb.GetFont(pdf, "Helvetica", "WinAnsiEncoding");
	if (tw < size || bold == NULL || plain == NULL)
		return true;
	lb.BeginText(pg);
	for (int i = 0; i < n; i++) {
		lb.SetFontAndSize(pg, i == 0 ? bold : plain, i == 0 ? size :
		    size * 0.9f);
		label_text(ctx, pg, tx, y + h - pad - lh * (HPDF_REAL)(i + 1) +
		    (lh - size) / 2, tw, lines[i]);
	}
	lb.EndText(pg);
	return true;
}

/* libharu's errors: remembered, the call that failed returns. */
static void
label_hpdf_error(HPDF_STATUS no, HPDF_STATUS detail, void *arg)
{
	HPDF_STATUS *err = arg;

	(void)detail;
	if (*err == 0)
		*err = no;
}

/*
 * Lays out objs (n of them, skip positions empty first) on t's pages
 * into the file path.  Returns NULL or the error.
 */
static struct err *
label_pdf(struct ctx *ctx, const struct label_tpl *t, unsigned fields,
    bool datamatrix, const struct label_obj *objs, size_t n, long long skip,
    const char *path)
{
	HPDF_STATUS herr = 0;
	HPDF_Doc pdf = lb.New(label_hpdf_error, &herr);
	HPDF_Page pg = NULL;
	long long per = t->cols * t->rows;
	bool ok = true;

	if (pdf == NULL)
		return err_internal(ctx, "HPDF_New");
	lb.SetCompressionMode(pdf, HPDF_COMP_ALL);
	lb.SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Stockroom");
	lb.SetInfoAttr(pdf, HPDF_INFO_TITLE, t->name);
	for (size_t i = 0; i < n && ok && herr == 0; i++) {
		long long k = ((long long)i + skip) % per;
		if (pg == NULL || k == 0) {
			pg = lb.AddPage(pdf);
			if (pg == NULL)
				break;
			lb.SetWidth(pg, LABEL_PT(t->page_w));
			lb.SetHeight(pg, LABEL_PT(t->page_h));
		}
		double x = t->left + (double)(k % t->cols) * t->pitch_x;
		double top = t->top + (double)(k / t->cols) * t->pitch_y;
		ok = label_draw(ctx, pdf, pg, t, fields, datamatrix, &objs[i],
		    LABEL_PT(x), LABEL_PT(t->page_h - top - t->h));
	}
	if (ok && herr == 0)
		lb.SaveToFile(pdf, path);
	lb.Free(pdf);
	if (!ok)
		return err_new(ctx, 400, "The data is too long for a code "
		    "of this label.");
	if (herr != 0)
		return err_internal(ctx, mem_printf(&ctx->mem, "libharu "
		    "error 0x%04lx", (unsigned long)herr));
	return NULL;
}

#else	/* STOCKROOM_STATIC */

/*
 * A release's static programs cannot load a shared library (lib/pg.c):
 * no PDF there; the page prints labels itself.
 */
static int
label_libs_load(void)
{
	return -1;
}

static struct err *
label_pdf(struct ctx *ctx, const struct label_tpl *t, unsigned fields,
    bool datamatrix, const struct label_obj *objs, size_t n, long long skip,
    const char *path)
{
	(void)t, (void)fields, (void)datamatrix, (void)objs, (void)n;
	(void)skip, (void)path;
	return err_internal(ctx, "label_pdf in a static build");
}
#endif	/* STOCKROOM_STATIC */

/* ---- the endpoint ----------------------------------------------------- */

static const char label_sql_output[] =
    "INSERT INTO data_output (owner, total, progress, complete, "
    "output_type, template_name, plugin, output) "
    "VALUES (?, ?, ?, 1, 'label', ?, ?, ?)";

/*
 * POST /api/label/print/ {"template": 3, "items": [12, 14], "plugin":
 * "inventreelabel"}: the labels of the items in one PDF, answered 201
 * with InvenTree's DataOutput (complete, "output" its URL).  Items that
 * do not exist are left out, in the order given; none at all is
 * InvenTree's 400 (a Django ValidationError: non_field_errors).  The view permission of the template's model.
 * Stockroom's options: "barcode", "fields", "skip" (label_print_input).
 */
static struct err *
label_print(struct ctx *ctx)
{
	const cJSON *body, *v;
	struct label_tpl t = { 0 };
	struct errs es;
	struct err *e;
	long long tid = 0, skip = 0;
	bool found = false, datamatrix;
	unsigned fields = 0;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	errs_init(&es, ctx);
	v = cJSON_GetObjectItemCaseSensitive(body, "template");
	if (v == NULL)
		errs_add(&es, "template", "This field is required.");
	else if (cJSON_IsNull(v))
		errs_add(&es, "template", "This field may not be null.");
	else if (!label_pk(v, &tid))
		errs_add(&es, "template", "Incorrect type. Expected pk value, "
		    "received str.");
	else if ((e = label_template_load(ctx, tid, &t, &found)) != NULL)
		return e;
	else if (!found)
		errs_addf(&es, "template", "Invalid pk \"%lld\" - object does "
		    "not exist.", tid);

	v = cJSON_GetObjectItemCaseSensitive(body, "plugin");
	if (v != NULL && !cJSON_IsNull(v) && (!cJSON_IsString(v) ||
	    (v->valuestring[0] != '\0' &&
	    strcmp(v->valuestring, LABEL_PLUGIN) != 0)))
		errs_addf(&es, "plugin", "Invalid pk \"%s\" - object does not "
		    "exist.", cJSON_IsString(v) ? v->valuestring : "?");

	const cJSON *items = cJSON_GetObjectItemCaseSensitive(body, "items");
	int nitems = 0;
	if (items == NULL)
		errs_add(&es, "items", "This field is required.");
	else if (!cJSON_IsArray(items))
		errs_add(&es, "items", "Expected a list of items but got "
		    "type \"str\".");
	else if ((nitems = cJSON_GetArraySize(items)) > LABEL_ITEMS_MAX)
		errs_addf(&es, "items", "Ensure this field has no more than "
		    "%d elements.", LABEL_ITEMS_MAX);
	else {
		/* DRF's ListField: the errors by index, {"1": [...]}. */
		cJSON *bad = NULL;
		long long id;
		int i = 0;
		cJSON_ArrayForEach(v, items) {
			if (!label_pk(v, &id)) {
				if (bad == NULL && (bad = cJSON_CreateObject()) ==
				    NULL)
					mem_oom();
				cJSON *m = cJSON_AddArrayToObject(bad,
				    mem_printf(&ctx->mem, "%d", i));
				if (m == NULL)
					mem_oom();
				cJSON_AddItemToArray(m, cJSON_CreateString(
				    "A valid integer is required."));
			}
			i++;
		}
		if (bad != NULL)
			errs_put(&es, "items", bad);
	}

	v = cJSON_GetObjectItemCaseSensitive(body, "barcode");
	datamatrix = found && t.datamatrix;
	if (v != NULL && !cJSON_IsNull(v)) {
		if (cJSON_IsString(v) && strcmp(v->valuestring, "qr") == 0)
			datamatrix = false;
		else if (cJSON_IsString(v) &&
		    strcmp(v->valuestring, "datamatrix") == 0)
			datamatrix = true;
		else
			errs_add(&es, "barcode", "Must be qr or datamatrix.");
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "fields");
	if (found)
		fields = t.fields;
	if (v != NULL && !cJSON_IsNull(v) && (!cJSON_IsString(v) ||
	    !label_fields_parse(v->valuestring, &fields)))
		errs_add(&es, "fields", "A comma-separated list of name, ipn, "
		    "location, quantity.");
	v = cJSON_GetObjectItemCaseSensitive(body, "skip");
	if (v != NULL && !cJSON_IsNull(v) && (!label_pk(v, &skip) ||
	    skip < 0 || (found && skip >= t.cols * t.rows)))
		errs_add(&es, "skip", "Must be a position on the first "
		    "sheet.");
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((e = perm_need(ctx, t.model->area, PERM_VIEW)) != NULL)
		return e;

	/* The objects, in the order given, each once. */
	struct label_obj *objs = mem_alloc(&ctx->mem,
	    (size_t)(nitems > 0 ? nitems : 1) * sizeof(*objs));
	long long *ids = mem_alloc(&ctx->mem,
	    (size_t)(nitems > 0 ? nitems : 1) * sizeof(*ids));
	size_t n = 0, nids = 0;
	cJSON_ArrayForEach(v, items) {
		long long id;
		bool dup = false, there;
		label_pk(v, &id);
		for (size_t i = 0; i < nids; i++)
			dup = dup || ids[i] == id;
		if (dup)
			continue;
		ids[nids++] = id;
		if ((e = label_object_load(ctx, &t, id, &objs[n], &there)) !=
		    NULL)
			return e;
		if (there)
			n++;
	}
	if (n == 0)
		return err_field(ctx, "non_field_errors", "No valid items "
		    "provided to template");

	if (label_libs_load() != 0)
#ifdef STOCKROOM_STATIC
		return err_new(ctx, 501, "PDF labels are not available in a "
		    "release build (static programs cannot load libharu): "
		    "print them from the page, or build from source.");
#else
		return err_new(ctx, 503, "Label printing needs libharu, "
		    "libqrencode and libdmtx (make deps).");
#endif
	const char *rel;
	if ((e = media_new_path(ctx, LABEL_MEDIA_KIND, &rel)) != NULL)
		return e;
	const char *path = media_abs(ctx, rel);
	const char *tmp = mem_printf(&ctx->mem, "%s.tmp", path);
	if ((e = label_pdf(ctx, &t, fields, datamatrix, objs, n, skip,
	    tmp)) != NULL) {
		unlink(tmp);
		return e;
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return err_internal(ctx, "rename label PDF");
	}

	long long out = 0;
	if ((e = db_begin(ctx)) != NULL) {
		media_discard(ctx, rel);
		return e;
	}
	db_stmt *st = db_prepare(ctx, label_sql_output);
	if (st == NULL)
		e = db_err(ctx, "data output");
	else {
		db_bind_id(st, 1, ctx->user_id);
		st_bind_int64(st, 2, (long long)n);
		st_bind_int64(st, 3, (long long)n);
		st_bind_text(st, 4, t.name, -1, SQLITE_STATIC);
		st_bind_text(st, 5, LABEL_PLUGIN, -1, SQLITE_STATIC);
		st_bind_text(st, 6, rel, -1, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "data output")) == NULL)
			out = db_last_id(ctx);
	}
	if ((e = db_end(ctx, e)) != NULL) {
		media_discard(ctx, rel);
		return e;
	}
	return res_answer(ctx, &data_output_resource, out, 201);
}

static const struct route label_routes[] = {
	{ "POST", "/api/label/print/", AREA_USER, PERM_VIEW, label_print,
	  "Print labels of a template for objects into a PDF (the view "
	  "permission of the template's model)", 0,
	  .input = label_print_input },
};

static const struct resource *const label_resources[] = {
	&label_template_resource,
};

PROGRAM_MAIN("label",
    ROUTES(label_routes), RESOURCES(label_resources))
