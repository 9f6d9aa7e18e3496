/*
 * xlsxread: an XLSX workbook's first sheet as rows of cells (xlsxread.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum part_kind { PK_WORKBOOK, PK_RELS, PK_STRINGS, PK_SHEET };

struct xr {
	zip_t		*z;
	XML_Parser	 p;
	enum part_kind	 kind;
	char		*msg;
	size_t		 msgsz;
	const char	*why;		/* the error, once one is found */

	/* workbook and its relationships */
	char		 sheet_rid[256];
	char		 sheet_path[512];
	char		 strings_path[512];

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
		if (strcmp(n, "sheet") == 0 && x->sheet_rid[0] == '\0' &&
		    (a = attr(atts, "id")) != NULL)
			snprintf(x->sheet_rid, sizeof(x->sheet_rid), "%s", a);
		break;
	case PK_RELS:
		if (strcmp(n, "Relationship") == 0) {
			const char *id = attr(atts, "Id");
			const char *type = attr(atts, "Type");
			const char *target = attr(atts, "Target");
			size_t tl = type != NULL ? strlen(type) : 0;
			if (target == NULL)
				break;
			if (id != NULL && strcmp(id, x->sheet_rid) == 0)
				rel_target(x->sheet_path,
				    sizeof(x->sheet_path), target);
			if (tl >= 14 && strcmp(type + tl - 14,
			    "/sharedStrings") == 0)
				rel_target(x->strings_path,
				    sizeof(x->strings_path), target);
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
			if (x->why == NULL)
				xr_fail(x, "The workbook cannot be read: "
				    "%.100s is not well-formed XML (%s).",
				    name, xmldl.error_string(xmldl.error_code(x->p)));
			break;
		}
	} while (n > 0 && x->why == NULL);
	xl.fclose(f);
	xmldl.free(x->p);
	x->p = NULL;
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
	if (x == NULL)
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
	if (x->sheet_path[0] == '\0')
		snprintf(x->sheet_path, sizeof(x->sheet_path),
		    "xl/worksheets/sheet1.xml");
	if (x->strings_path[0] == '\0')
		snprintf(x->strings_path, sizeof(x->strings_path),
		    "xl/sharedStrings.xml");
	if (x->why == NULL)
		xr_part(x, x->strings_path, PK_STRINGS, false);
	if (x->why == NULL)
		xr_part(x, x->sheet_path, PK_SHEET, true);
	if (x->why == NULL && x->width == 0)
		xr_fail(x, "The file is empty.");
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
	free(x);
	return why;
}
#endif
