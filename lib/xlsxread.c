/*
 * xlsxread: an XLSX workbook's sheet as rows of cells (xlsxread.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "xlsxread.h"

bool
xlsxr_is_zip(const char *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "PK\3\4", 4) == 0;
}

#ifdef STOCKROOM_STATIC
const char *
xlsxr_read(const char *buf, size_t len, csvr_row_fn fn, void *arg,
    struct csvr_info *info, char *msg, size_t msgsz)
{
	(void)buf; (void)len; (void)fn; (void)arg; (void)info; (void)msg;
	(void)msgsz;
	/* A static program cannot load a shared library (lib/pg.c). */
	return "XLSX files cannot be read by a release build (static "
	    "programs): save the sheet as CSV (UTF-8) and upload that.";
}
#else

#include <dlfcn.h>

#include <zip.h>

#include "xmldl.h"

/* ---- libzip (and expat, xmldl.h), loaded on the first XLSX file ----- */

static struct {
	void		*zh;
	zip_source_t	*(*source_buffer_create)(const void *, zip_uint64_t,
			    int, zip_error_t *);
	zip_t		*(*open_from_source)(zip_source_t *, int,
			    zip_error_t *);
	void		 (*source_free)(zip_source_t *);
	void		 (*discard)(zip_t *);
	zip_int64_t	 (*name_locate)(zip_t *, const char *, zip_flags_t);
	int		 (*stat_index)(zip_t *, zip_uint64_t, zip_flags_t,
			    zip_stat_t *);
	zip_file_t	*(*fopen_index)(zip_t *, zip_uint64_t, zip_flags_t);
	zip_int64_t	 (*fread)(zip_file_t *, void *, zip_uint64_t);
	int		 (*fclose)(zip_file_t *);
	void		 (*error_init)(zip_error_t *);
	void		 (*error_fini)(zip_error_t *);
} xl;

static const char *
xl_load(void)
{
	static const char *const znames[] = { "zip_source_buffer_create",
	    "zip_open_from_source", "zip_source_free", "zip_discard",
	    "zip_name_locate", "zip_stat_index", "zip_fopen_index",
	    "zip_fread", "zip_fclose", "zip_error_init", "zip_error_fini" };
	void **zslots[] = { (void **)&xl.source_buffer_create,
	    (void **)&xl.open_from_source, (void **)&xl.source_free,
	    (void **)&xl.discard, (void **)&xl.name_locate,
	    (void **)&xl.stat_index, (void **)&xl.fopen_index,
	    (void **)&xl.fread, (void **)&xl.fclose, (void **)&xl.error_init,
	    (void **)&xl.error_fini };
	static char why[256];
	const char *x;
	void *zh;

	if (xl.zh != NULL)
		return NULL;
	if ((x = xmldl_load()) != NULL) {
		snprintf(why, sizeof(why), "XLSX files cannot be read on this "
		    "server: %s, or save the sheet as CSV (UTF-8).", x);
		return why;
	}
	if ((zh = dlopen("libzip.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return "XLSX files cannot be read on this server: libzip.so.4 "
		    "cannot be loaded (install Debian's libzip4), or save the "
		    "sheet as CSV (UTF-8).";
	for (size_t i = 0; i < sizeof(znames) / sizeof(znames[0]); i++)
		if ((*zslots[i] = dlsym(zh, znames[i])) == NULL) {
			dlclose(zh);
			return "XLSX files cannot be read on this server: "
			    "libzip lacks a function it needs.";
		}
	xl.zh = zh;
	return NULL;
}

/* ---- the reading ----------------------------------------------------- */

/* A growing text, at most cap bytes. */
struct text {
	char	*s;
	size_t	 len, size;
};

static bool
text_add(struct text *t, const char *s, size_t n, size_t cap)
{
	if (t->len + n > cap)
		return false;
	if (t->len + n + 1 > t->size) {
		size_t size = t->size ? t->size : 64;
		while (size < t->len + n + 1)
			size *= 2;
		char *p = realloc(t->s, size);
		if (p == NULL)
			abort();
		t->s = p;
		t->size = size;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
	return true;
}

enum part_kind { PK_WORKBOOK, PK_RELS, PK_STRINGS, PK_STYLES, PK_SHEET,
	PK_PROBE };

/* What a number format shows: a number, a date (perhaps with a time), a
 * time of day. */
enum fmt_kind { FK_NUMBER, FK_DATE, FK_TIME };

/* A <sheet> of the workbook. */
struct xsheet {
	char		 name[XLSXR_NAME_MAX];
	char		 rid[64];
	char		 path[256];
	bool		 other;		/* a chart sheet, a dialog sheet, ... */
};

struct xr {
	zip_t		*z;
	XML_Parser	 p;
	enum part_kind	 kind;
	char		*msg;
	size_t		 msgsz;
	const char	*why;		/* the error, once one is found */
	bool		 found;		/* PK_PROBE: the sheet has a value */

	/* workbook and its relationships */
	struct xsheet	*sheets;
	size_t		 nsheets;
	unsigned long	 active;	/* <workbookView activeTab>, 0-based */
	bool		 views;		/* the first <workbookView> seen */
	bool		 date1904;	/* <workbookPr date1904="1"> */
	char		 strings_path[512];
	char		 styles_path[512];

	/* styles: the number formats defined, and what each cell style
	 * (<cellXfs>' <xf>, a cell's s="n") shows */
	int		 in_numfmts, in_cellxfs;
	unsigned	 nf_id[XLSXR_NUMFMTS_MAX];
	unsigned char	 nf_kind[XLSXR_NUMFMTS_MAX];
	size_t		 nnf;
	unsigned char	*xf_kind;
	size_t		 nxf, xf_cap;

	/* shared strings: one text, offsets of each (SIZE_MAX: too long) */
	struct text	 sst;
	size_t		*sst_off;
	size_t		 sst_n, sst_cap;
	size_t		 si_start;

	/* where we are in the XML */
	int		 in_si, in_t, in_rph, in_is, in_v, in_c;
	/* the cell */
	struct text	 cell;
	char		 ctype[16];
	unsigned long	 style;		/* s="n" */
	bool		 formula;
	unsigned long	 col;		/* 0-based */
	/* the row */
	unsigned long	 rownum;	/* the sheet's, 1-based */
	unsigned long	 nextcol;
	char		*cells[CSVR_COLS_MAX];
	size_t		 ncells;	/* 1 + the last non-empty column */
	bool		 overflow;	/* a value beyond CSVR_COLS_MAX */
	/* rows handed on */
	csvr_row_fn	 fn;
	void		*arg;
	size_t		 width;		/* the header's, 0 before it */
	size_t		 rows;
};

static void
xr_fail(struct xr *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
xr_fail(struct xr *x, const char *fmt, ...)
{
	va_list ap;

	if (x->why != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(x->msg, x->msgsz, fmt, ap);
	va_end(ap);
	x->why = x->msg;
	if (x->p != NULL)
		xmldl.stop(x->p, XML_FALSE);
}

/* An element's name without its namespace prefix ("x:c" -> "c"). */
static const char *
local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c != NULL ? c + 1 : name;
}

static const char *
attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* A relationship's Target as a path in the archive. */
static void
rel_target(char *out, size_t size, const char *target)
{
	if (target[0] == '/')
		snprintf(out, size, "%s", target + 1);
	else
		snprintf(out, size, "xl/%s", target);
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* An attribute's unsigned number; 0 when absent or not a number. */
static unsigned long
number_attr(const char **atts, const char *name)
{
	const char *a = attr(atts, name);
	char *end;
	unsigned long n;

	if (a == NULL || *a < '0' || *a > '9')
		return 0;
	n = strtoul(a, &end, 10);
	return *end == '\0' ? n : 0;
}

/* A sheet's name, cut (at a character) to what out holds. */
static void
name_copy(char *out, size_t size, const char *name)
{
	size_t n = strlen(name);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, name, n);
	out[n] = '\0';
}

/* "B12": column 1 (0-based); false when not a cell reference. */
static bool
col_of(const char *ref, unsigned long *col)
{
	unsigned long c = 0;
	int n = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
		c = c * 26 + (unsigned long)(*ref - 'A' + 1);
		if (n >= 3)
			return false;
	}
	if (n == 0)
		return false;
	*col = c - 1;
	return true;
}

/* "A1"-style name of 0-based column c, for messages. */
static const char *
col_name(char buf[8], unsigned long c)
{
	char tmp[8];
	int n = 0;

	c++;
	while (c > 0 && n < 7) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

static void
row_clear(struct xr *x)
{
	for (size_t i = 0; i < CSVR_COLS_MAX; i++) {
		free(x->cells[i]);
		x->cells[i] = NULL;
	}
	x->ncells = 0;
	x->overflow = false;
	x->nextcol = 0;
}

/* A number as Excel shows it: at most 15 significant digits. */
static void
number_text(struct xr *x, char *out, size_t size, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end != '\0' || !isfinite(d)) {
		char cn[8];
		xr_fail(x, "Row %lu, column %s: \"%.40s\" is not a number.",
		    x->rownum, col_name(cn, x->col), v);
		return;
	}
	snprintf(out, size, "%.15g", d);
	if (strchr(out, 'e') != NULL)
		snprintf(out, size, "%s", v);
}

/*
 * What a number format code shows ("yyyy-mm-dd", "[$-409]d-mmm-yy;@",
 * "0.00 \"mm\""): its first section (the one for positive numbers) with
 * quoted text, escaped characters (\x), spacing and fill characters (_x,
 * *x) and bracketed parts ([Red], [$-409]) left out -- as openpyxl decides
 * it -- holds d or y (a date), h or s or AM/PM (a time of day), or m alone
 * (a month: a date).  An elapsed time ([h]:mm, a duration) stays a number
 * (of days).
 */
static enum fmt_kind
fmt_kind(const char *code)
{
	bool date = false, time = false, month = false, elapsed = false;

	for (const char *p = code; *p != '\0' && *p != ';'; p++) {
		switch (*p) {
		case '"':
			if ((p = strchr(p + 1, '"')) == NULL)
				goto done;
			break;
		case '\\': case '_': case '*':
			if (*++p == '\0')
				goto done;
			break;
		case '[': {
			const char *q = strchr(p, ']');
			if (q == NULL)
				goto done;
			if (q > p + 1 && strspn(p + 1, "hHmMsS") ==
			    (size_t)(q - p - 1))
				elapsed = true;
			p = q;
			break;
		}
		case 'a': case 'A':
			if (strncasecmp(p, "AM/PM", 5) == 0) {
				time = true;
				p += 4;
			} else if (strncasecmp(p, "A/P", 3) == 0) {
				time = true;
				p += 2;
			}
			break;
		case 'd': case 'D': case 'y': case 'Y':
			date = true;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = true;
			break;
		case 'm': case 'M':
			month = true;
			break;
		}
	}
done:
	if (elapsed)
		return FK_NUMBER;
	if (date || (month && !time))
		return FK_DATE;
	return time ? FK_TIME : FK_NUMBER;
}

/* A built-in number format (ECMA-376 18.8.30): 14-17 and 22 dates, 18-21,
 * 45 and 47 times (46 is [h]:mm:ss, elapsed); 27-36 and 50-58 are the East
 * Asian dates and times. */
static enum fmt_kind
fmt_builtin(unsigned id)
{
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) ||
	    id == 36 || (id >= 50 && id <= 58))
		return FK_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) ||
	    id == 45 || id == 47)
		return FK_TIME;
	return FK_NUMBER;
}

/* The year, month and day of days since 1970-01-01 (proleptic
 * Gregorian; Howard Hinnant's civil_from_days). */
static void
civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

/*
 * A date cell's number -- days since the workbook's epoch, the time of day
 * the fraction -- as ISO 8601 text, as openpyxl reads it: 2026-03-01, or
 * 2026-03-01T14:30:00 with a time (to the millisecond: .250 when there is
 * one), a number below 1 as a time of day (14:30:00).  The 1900 date
 * system counts from 1899-12-30, its days before 1 March 1900 one more
 * (Lotus 1-2-3's 29 February 1900, day 60, is the 28th); the 1904 system
 * (<workbookPr date1904="1">, old Mac workbooks) from 1904-01-01.  False:
 * not a date Excel shows (below 0, after 9999).
 */
static bool
serial_text(double v, bool is1904, char *out, size_t size)
{
	long long y;
	unsigned mo, d;

	if (!(v >= 0) || v > 3e6)
		return false;
	double day = floor(v);
	long long ms = llround((v - day) * 86400000.0);
	long long days = (long long)day;
	if (ms >= 86400000) {
		days++;
		ms -= 86400000;
	}
	long long hh = ms / 3600000, mi = ms / 60000 % 60, ss = ms / 1000 % 60;
	char frac[8] = "";
	if (ms % 1000 != 0)
		snprintf(frac, sizeof(frac), ".%03lld", ms % 1000);
	if (v < 1 && days == 0) {
		snprintf(out, size, "%02lld:%02lld:%02lld%s", hh, mi, ss, frac);
		return true;
	}
	if (is1904)
		days -= 24107;		/* 1904-01-01 */
	else
		days -= 25569 - (v < 60);	/* 1899-12-30 */
	civil(days, &y, &mo, &d);
	if (y > 9999)
		return false;
	if (ms == 0)
		snprintf(out, size, "%04lld-%02u-%02u", y, mo, d);
	else
		snprintf(out, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%s", y,
		    mo, d, hh, mi, ss, frac);
	return true;
}

/* The end of a cell: its value into the row. */
static void
cell_end(struct xr *x)
{
	char cn[8], num[64];
	const char *v = x->cell.s != NULL ? x->cell.s : "";
	size_t n = x->cell.len;

	if (x->formula) {
		xr_fail(x, "Row %lu, column %s holds a formula: formulas are "
		    "not imported (copy the sheet and paste it as values).",
		    x->rownum, col_name(cn, x->col));
		return;
	}
	if (strcmp(x->ctype, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (end == v || *end != '\0' || i >= x->sst_n) {
			xr_fail(x, "Row %lu, column %s names shared string "
			    "\"%.20s\", which the workbook does not hold.",
			    x->rownum, col_name(cn, x->col), v);
			return;
		}
		if (x->sst_off[i] == (size_t)-1) {
			xr_fail(x, "Row %lu, column %s: a cell holds at most %d "
			    "bytes.", x->rownum, col_name(cn, x->col),
			    CSVR_CELL_MAX);
			return;
		}
		v = x->sst.s + x->sst_off[i];
		n = strlen(v);
	} else if (strcmp(x->ctype, "b") == 0) {
		v = strcmp(v, "1") == 0 ? "true" : "false";
		n = strlen(v);
	} else if (strcmp(x->ctype, "e") == 0) {
		xr_fail(x, "Row %lu, column %s holds an error value (%.20s).",
		    x->rownum, col_name(cn, x->col), v);
		return;
	} else if ((x->ctype[0] == '\0' || strcmp(x->ctype, "n") == 0) &&
	    n > 0) {
		number_text(x, num, sizeof(num), v);
		if (x->why != NULL)
			return;
		if (x->style < x->nxf && x->xf_kind[x->style] != FK_NUMBER &&
		    !serial_text(strtod(v, NULL), x->date1904, num,
		    sizeof(num))) {
			xr_fail(x, "Row %lu, column %s: %.40s is not a date "
			    "(a date cell holds a day from 1900 to 9999).",
			    x->rownum, col_name(cn, x->col), num);
			return;
		}
		v = num;
		n = strlen(v);
	}
	/* "inlineStr", "str" (a formula's, refused above), "d": as given. */
	if (n == 0)
		return;
	/* XML allows DEL and C0 controls by reference (&#127;); a CSV file
	 * with them is refused, and so is this. */
	if (!txt_utf8_valid(v, n, true)) {
		xr_fail(x, "Row %lu, column %s holds a control character.",
		    x->rownum, col_name(cn, x->col));
		return;
	}
	if (x->col >= CSVR_COLS_MAX) {
		x->overflow = true;
		return;
	}
	free(x->cells[x->col]);
	if ((x->cells[x->col] = strndup(v, n)) == NULL)
		abort();
	if (x->col + 1 > x->ncells)
		x->ncells = x->col + 1;
}

/* The end of a row: handed on (the header, or a row of the header's
 * width); a blank row is skipped. */
static void
row_end(struct xr *x)
{
	static const char empty[] = "";
	const char *cells[CSVR_COLS_MAX];

	if (x->overflow) {
		xr_fail(x, "The file has more than %d columns.", CSVR_COLS_MAX);
		return;
	}
	if (x->ncells == 0)
		return;
	if (x->width == 0)
		x->width = x->ncells;
	else if (x->ncells > x->width) {
		xr_fail(x, "Row %lu has %zu cells; the header has %zu.",
		    x->rownum, x->ncells, x->width);
		return;
	} else if (x->rows > CSVR_ROWS_MAX) {
		xr_fail(x, "The file has more than %d rows.", CSVR_ROWS_MAX);
		return;
	}
	for (size_t i = 0; i < x->width; i++)
		cells[i] = x->cells[i] != NULL ? x->cells[i] : empty;
	const char *why = x->fn(x->arg, x->rows, cells, x->width);
	if (why != NULL) {
		if (x->why == NULL) {
			x->why = why;
			xmldl.stop(x->p, XML_FALSE);
		}
		return;
	}
	x->rows++;
}

static void XMLCALL
on_start(void *arg, const char *name, const char **atts)
{
	struct xr *x = arg;
	const char *n = local(name), *a;

	switch (x->kind) {
	case PK_WORKBOOK:
		if (strcmp(n, "sheet") == 0) {
			if (x->nsheets == XLSXR_SHEETS_MAX) {
				xr_fail(x, "The workbook has more than %d "
				    "sheets.", XLSXR_SHEETS_MAX);
				return;
			}
			struct xsheet *sh = &x->sheets[x->nsheets++];
			name_copy(sh->name, sizeof(sh->name),
			    (a = attr(atts, "name")) != NULL ? a : "");
			if ((a = attr(atts, "id")) != NULL &&
			    strlen(a) < sizeof(sh->rid))
				memcpy(sh->rid, a, strlen(a) + 1);
		} else if (strcmp(n, "workbookView") == 0 && !x->views) {
			x->views = true;
			if ((a = attr(atts, "activeTab")) != NULL) {
				char *end;
				unsigned long t = strtoul(a, &end, 10);
				if (end != a && *end == '\0')
					x->active = t;
			}
		} else if (strcmp(n, "workbookPr") == 0 &&
		    (a = attr(atts, "date1904")) != NULL)
			x->date1904 = strcmp(a, "1") == 0 ||
			    strcmp(a, "true") == 0;
		break;
	case PK_RELS:
		if (strcmp(n, "Relationship") == 0) {
			const char *id = attr(atts, "Id");
			const char *type = attr(atts, "Type");
			const char *target = attr(atts, "Target");
			if (target == NULL)
				break;
			for (size_t i = 0; id != NULL && i < x->nsheets; i++) {
				struct xsheet *sh = &x->sheets[i];
				if (sh->rid[0] == '\0' ||
				    strcmp(id, sh->rid) != 0)
					continue;
				rel_target(sh->path, sizeof(sh->path), target);
				/* A chart sheet, a dialog sheet, a macro
				 * sheet: no cells.  (No type: a worksheet.) */
				sh->other = type != NULL &&
				    !ends_with(type, "/worksheet");
			}
			if (type != NULL && ends_with(type, "/sharedStrings"))
				rel_target(x->strings_path,
				    sizeof(x->strings_path), target);
			if (type != NULL && ends_with(type, "/styles"))
				rel_target(x->styles_path,
				    sizeof(x->styles_path), target);
		}
		break;
	case PK_STYLES:
		if (strcmp(n, "numFmts") == 0)
			x->in_numfmts = 1;
		else if (strcmp(n, "cellXfs") == 0)
			x->in_cellxfs = 1;
		else if (strcmp(n, "numFmt") == 0 && x->in_numfmts) {
			const char *code = attr(atts, "formatCode");
			if (x->nnf == XLSXR_NUMFMTS_MAX) {
				xr_fail(x, "The workbook has more than %d "
				    "number formats.", XLSXR_NUMFMTS_MAX);
				return;
			}
			x->nf_id[x->nnf] = (unsigned)number_attr(atts,
			    "numFmtId");
			x->nf_kind[x->nnf++] = (unsigned char)(code != NULL ?
			    fmt_kind(code) : FK_NUMBER);
		} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
			unsigned long id = number_attr(atts, "numFmtId");
			unsigned char k = (unsigned char)fmt_builtin(
			    (unsigned)id);
			/* A format the workbook defines (perhaps one of
			 * the built-in numbers, again). */
			for (size_t i = 0; i < x->nnf; i++)
				if (x->nf_id[i] == id)
					k = x->nf_kind[i];
			if (x->nxf == XLSXR_XFS_MAX) {
				xr_fail(x, "The workbook has more than %d "
				    "cell styles.", XLSXR_XFS_MAX);
				return;
			}
			if (x->nxf == x->xf_cap) {
				x->xf_cap = x->xf_cap ? 2 * x->xf_cap : 64;
				unsigned char *p = realloc(x->xf_kind,
				    x->xf_cap);
				if (p == NULL)
					abort();
				x->xf_kind = p;
			}
			x->xf_kind[x->nxf++] = k;
		}
		break;
	case PK_PROBE:
		if (strcmp(n, "c") == 0)
			x->in_c = 1;
		else if (x->in_c && strcmp(n, "v") == 0)
			x->in_v = 1;
		else if (x->in_c && strcmp(n, "t") == 0)
			x->in_t = 1;
		else if (x->in_c && strcmp(n, "f") == 0) {
			x->found = true;
			xmldl.stop(x->p, XML_FALSE);
		}
		break;
	case PK_STRINGS:
		if (strcmp(n, "si") == 0) {
			x->in_si = 1;
			x->si_start = x->sst.len;
		} else if (strcmp(n, "rPh") == 0)
			x->in_rph++;
		else if (strcmp(n, "t") == 0 && x->in_si)
			x->in_t = 1;
		break;
	case PK_SHEET:
		if (strcmp(n, "row") == 0) {
			row_clear(x);
			x->rownum++;
			if ((a = attr(atts, "r")) != NULL) {
				char *end;
				unsigned long r = strtoul(a, &end, 10);
				if (end != a && *end == '\0' &&
				    r >= x->rownum && r <= 1048576)
					x->rownum = r;
			}
		} else if (strcmp(n, "c") == 0) {
			x->in_c = 1;
			x->cell.len = 0;
			if (x->cell.s != NULL)
				x->cell.s[0] = '\0';
			x->formula = false;
			x->col = x->nextcol;
			if ((a = attr(atts, "r")) != NULL && !col_of(a, &x->col)) {
				xr_fail(x, "Row %lu: \"%.20s\" is not a cell "
				    "reference.", x->rownum, a);
				return;
			}
			x->nextcol = x->col + 1;
			a = attr(atts, "t");
			snprintf(x->ctype, sizeof(x->ctype), "%s",
			    a != NULL ? a : "");
			x->style = number_attr(atts, "s");
		} else if (x->in_c && strcmp(n, "f") == 0)
			x->formula = true;
		else if (x->in_c && strcmp(n, "v") == 0)
			x->in_v = 1;
		else if (x->in_c && strcmp(n, "is") == 0)
			x->in_is = 1;
		else if (x->in_is && strcmp(n, "rPh") == 0)
			x->in_rph++;
		else if (x->in_is && strcmp(n, "t") == 0)
			x->in_t = 1;
		break;
	}
}

static void XMLCALL
on_end(void *arg, const char *name)
{
	struct xr *x = arg;
	const char *n = local(name);

	if (x->kind == PK_STRINGS) {
		if (strcmp(n, "t") == 0)
			x->in_t = 0;
		else if (strcmp(n, "rPh") == 0 && x->in_rph > 0)
			x->in_rph--;
		else if (strcmp(n, "si") == 0 && x->in_si) {
			x->in_si = 0;
			if (x->sst_n == XLSXR_STRINGS_MAX) {
				xr_fail(x, "The workbook holds more than %d "
				    "different texts.", XLSXR_STRINGS_MAX);
				return;
			}
			if (x->sst_n == x->sst_cap) {
				x->sst_cap = x->sst_cap ? 2 * x->sst_cap : 256;
				size_t *o = realloc(x->sst_off,
				    x->sst_cap * sizeof(*o));
				if (o == NULL)
					abort();
				x->sst_off = o;
			}
			/* Each text ends with its NUL. */
			if (x->si_start == (size_t)-1)
				x->sst_off[x->sst_n++] = (size_t)-1;
			else {
				x->sst_off[x->sst_n++] = x->si_start;
				if (!text_add(&x->sst, "", 1, XLSXR_PART_MAX))
					xr_fail(x, "The workbook's texts are "
					    "too large.");
			}
		}
		return;
	}
	if (x->kind == PK_STYLES) {
		if (strcmp(n, "numFmts") == 0)
			x->in_numfmts = 0;
		else if (strcmp(n, "cellXfs") == 0)
			x->in_cellxfs = 0;
		return;
	}
	if (x->kind == PK_PROBE) {
		if (strcmp(n, "c") == 0)
			x->in_c = 0;
		else if (strcmp(n, "v") == 0)
			x->in_v = 0;
		else if (strcmp(n, "t") == 0)
			x->in_t = 0;
		return;
	}
	if (x->kind != PK_SHEET)
		return;
	if (strcmp(n, "v") == 0)
		x->in_v = 0;
	else if (strcmp(n, "t") == 0)
		x->in_t = 0;
	else if (strcmp(n, "rPh") == 0 && x->in_rph > 0)
		x->in_rph--;
	else if (strcmp(n, "is") == 0)
		x->in_is = 0;
	else if (strcmp(n, "c") == 0 && x->in_c) {
		x->in_c = 0;
		cell_end(x);
	} else if (strcmp(n, "row") == 0)
		row_end(x);
}

static void XMLCALL
on_text(void *arg, const char *s, int len)
{
	struct xr *x = arg;
	char cn[8];

	if (x->kind == PK_STRINGS) {
		if (!x->in_si || !x->in_t || x->in_rph ||
		    x->si_start == (size_t)-1)
			return;
		if (x->sst.len - x->si_start + (size_t)len > CSVR_CELL_MAX) {
			/* Too long for a cell: refused if a cell uses it. */
			x->sst.len = x->si_start;
			x->si_start = (size_t)-1;
			return;
		}
		if (!text_add(&x->sst, s, (size_t)len, XLSXR_PART_MAX))
			xr_fail(x, "The workbook's texts are too large.");
		return;
	}
	if (x->kind == PK_PROBE) {
		if (x->in_c && (x->in_v || x->in_t) && len > 0) {
			x->found = true;
			xmldl.stop(x->p, XML_FALSE);
		}
		return;
	}
	if (x->kind != PK_SHEET || !x->in_c ||
	    !(x->in_v || (x->in_is && x->in_t && !x->in_rph)))
		return;
	if (!text_add(&x->cell, s, (size_t)len, CSVR_CELL_MAX))
		xr_fail(x, "Row %lu, column %s: a cell holds at most %d bytes.",
		    x->rownum, col_name(cn, x->col), CSVR_CELL_MAX);
}

static void XMLCALL
on_doctype(void *arg, const char *name, const char *sysid,
    const char *pubid, int internal)
{
	(void)name; (void)sysid; (void)pubid; (void)internal;
	xr_fail(arg, "The workbook is not one we read: an XML part has a "
	    "DOCTYPE.");
}

/*
 * Streams the archive's part `name` through expat as kind.  A part that is
 * not there: false (*found false) unless required.  Its sizes are checked
 * from the archive's directory before anything is inflated.
 */
static void
xr_part(struct xr *x, const char *name, enum part_kind kind, bool required)
{
	zip_stat_t zs;
	zip_int64_t i = xl.name_locate(x->z, name, 0);
	char buf[65536];

	if (i < 0) {
		if (required)
			xr_fail(x, "The file is a ZIP archive but no XLSX "
			    "workbook: it has no %.100s.", name);
		return;
	}
	if (xl.stat_index(x->z, (zip_uint64_t)i, 0, &zs) != 0 ||
	    !(zs.valid & ZIP_STAT_SIZE) || !(zs.valid & ZIP_STAT_COMP_SIZE)) {
		xr_fail(x, "The workbook cannot be read: %.100s has no size.",
		    name);
		return;
	}
	if (zs.size > XLSXR_PART_MAX || (zs.size > 1024 * 1024 &&
	    zs.size / XLSXR_RATIO > zs.comp_size)) {
		xr_fail(x, "The workbook is refused: %.100s would unpack to "
		    "%llu bytes from %llu (at most %d bytes, %d times its "
		    "packed size).", name, (unsigned long long)zs.size,
		    (unsigned long long)zs.comp_size, XLSXR_PART_MAX,
		    XLSXR_RATIO);
		return;
	}
	zip_file_t *f = xl.fopen_index(x->z, (zip_uint64_t)i, 0);
	if (f == NULL) {
		xr_fail(x, "The workbook cannot be read: %.100s cannot be "
		    "unpacked (encrypted, or packed in a way we do not read).",
		    name);
		return;
	}
	if ((x->p = xmldl.create(NULL)) == NULL)
		abort();
	x->kind = kind;
	x->in_c = x->in_v = x->in_t = x->in_is = x->in_rph = 0;
	xmldl.set_user_data(x->p, x);
	xmldl.set_element_handler(x->p, on_start, on_end);
	xmldl.set_character_data_handler(x->p, on_text);
	xmldl.set_doctype_handler(x->p, on_doctype);
	zip_uint64_t total = 0;
	zip_int64_t n;
	do {
		n = xl.fread(f, buf, sizeof(buf));
		if (n < 0) {
			xr_fail(x, "The workbook cannot be read: %.100s is "
			    "damaged.", name);
			break;
		}
		total += (zip_uint64_t)n;
		if (total > zs.size) {
			xr_fail(x, "The workbook is refused: %.100s unpacks to "
			    "more than it says.", name);
			break;
		}
		if (xmldl.parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (x->why == NULL && !x->found)
				xr_fail(x, "The workbook cannot be read: "
				    "%.100s is not well-formed XML (%s).",
				    name, xmldl.error_string(xmldl.error_code(x->p)));
			break;
		}
	} while (n > 0 && x->why == NULL && !x->found);
	xl.fclose(f);
	xmldl.free(x->p);
	x->p = NULL;
}

/*
 * The sheet to read: the one the workbook opens at (<workbookView
 * activeTab>: the sheet shown when it was saved), as InvenTree's importer
 * (tablib, openpyxl's "active" sheet) reads it -- the first when the
 * workbook does not say; the first worksheet when that one is a chart.
 * A workbook that lists no sheets: xl/worksheets/sheet1.xml.
 */
static size_t
sheet_pick(struct xr *x)
{
	size_t pick = x->active < x->nsheets ? x->active : 0;

	if (x->nsheets == 0) {
		x->nsheets = 1;
		snprintf(x->sheets[0].path, sizeof(x->sheets[0].path),
		    "xl/worksheets/sheet1.xml");
		return 0;
	}
	for (size_t i = 0; x->sheets[pick].other && i < x->nsheets; i++)
		if (!x->sheets[i].other)
			pick = i;
	if (x->sheets[pick].other)
		xr_fail(x, "The workbook has no worksheet (its sheets are "
		    "charts).");
	/* No relationship says where it is: where Excel puts it. */
	if (x->sheets[pick].path[0] == '\0')
		snprintf(x->sheets[pick].path, sizeof(x->sheets[pick].path),
		    "xl/worksheets/sheet%zu.xml", pick + 1);
	return pick;
}

/*
 * The sheet read (pick) holds nothing: "The file is empty.", unless
 * another worksheet has a value -- then that it is there (an import of
 * nothing, silently, from a workbook with data would puzzle).
 */
static void
empty_sheet(struct xr *x, size_t pick)
{
	for (size_t i = 0; i < x->nsheets && x->why == NULL; i++) {
		struct xsheet *sh = &x->sheets[i];
		if (i == pick || sh->other || sh->path[0] == '\0')
			continue;
		x->found = false;
		xr_part(x, sh->path, PK_PROBE, false);
		if (x->why == NULL && x->found) {
			xr_fail(x, "The sheet \"%.40s\" (the one the workbook "
			    "opens at) is empty; sheet \"%.40s\" has data: "
			    "open the workbook at that sheet (or move it "
			    "first), save it and upload it again.",
			    x->sheets[pick].name, sh->name);
			return;
		}
	}
	xr_fail(x, "The file is empty.");
}

const char *
xlsxr_read(const char *buf, size_t len, csvr_row_fn fn, void *arg,
    struct csvr_info *info, char *msg, size_t msgsz)
{
	const char *why;
	zip_error_t ze;

	memset(info, 0, sizeof(*info));
	if (len > CSVR_FILE_MAX)
		return "The file is larger than 10485760 bytes (10 MB): split "
		    "it.";
	if ((why = xl_load()) != NULL)
		return why;
	struct xr *x = calloc(1, sizeof(*x));
	if (x == NULL || (x->sheets = calloc(XLSXR_SHEETS_MAX,
	    sizeof(*x->sheets))) == NULL)
		abort();
	x->msg = msg;
	x->msgsz = msgsz;
	x->fn = fn;
	x->arg = arg;
	xl.error_init(&ze);
	zip_source_t *src = xl.source_buffer_create(buf, len, 0, &ze);
	if (src != NULL && (x->z = xl.open_from_source(src, ZIP_RDONLY |
	    ZIP_CHECKCONS, &ze)) == NULL)
		xl.source_free(src);
	xl.error_fini(&ze);
	if (x->z == NULL)
		xr_fail(x, "The file is not an XLSX workbook (not a ZIP archive "
		    "we can read).");
	if (x->why == NULL)
		xr_part(x, "xl/workbook.xml", PK_WORKBOOK, true);
	if (x->why == NULL)
		xr_part(x, "xl/_rels/workbook.xml.rels", PK_RELS, false);
	if (x->strings_path[0] == '\0')
		snprintf(x->strings_path, sizeof(x->strings_path),
		    "xl/sharedStrings.xml");
	if (x->styles_path[0] == '\0')
		snprintf(x->styles_path, sizeof(x->styles_path),
		    "xl/styles.xml");
	size_t pick = sheet_pick(x);
	if (x->why == NULL)
		xr_part(x, x->strings_path, PK_STRINGS, false);
	if (x->why == NULL)
		xr_part(x, x->styles_path, PK_STYLES, false);
	if (x->why == NULL)
		xr_part(x, x->sheets[pick].path, PK_SHEET, true);
	if (x->why == NULL && x->width == 0)
		empty_sheet(x, pick);
	snprintf(info->sheet, sizeof(info->sheet), "%s", x->sheets[pick].name);
	why = x->why;
	info->encoding = "utf-8";
	info->delimiter = '\0';
	info->rows = x->rows > 0 ? x->rows - 1 : 0;
	info->columns = x->width;
	if (x->z != NULL)
		xl.discard(x->z);
	row_clear(x);
	free(x->cell.s);
	free(x->sst.s);
	free(x->sst_off);
	free(x->xf_kind);
	free(x->sheets);
	free(x);
	return why;
}
#endif
