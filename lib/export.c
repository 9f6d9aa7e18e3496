/*
 * export: a list of a described resource as a CSV, XLSX or JSON file.
 * See export.h and docs/export.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#ifndef STOCKROOM_STATIC
#include <dlfcn.h>
#include <xlsxwriter.h>
#endif

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "export.h"
#include "json.h"
#include "list.h"
#include "log.h"
#include "mem.h"
#include "page.h"
#include "req.h"
#include "res.h"
#include "resp.h"
#include "text.h"
#include "val.h"

enum ex_fmt { EX_CSV, EX_XLSX, EX_JSON, EX__MAX };

static const struct {
	const char	*name;
	const char	*type;
} ex_fmts[EX__MAX] = {
	[EX_CSV] = { "csv", "text/csv; charset=utf-8" },
	[EX_XLSX] = { "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	[EX_JSON] = { "json", "application/json" },
};

/* A column of the file: the pk, a field of the plan, a field the render
 * hook shows, or a related name. */
enum ex_kind { XC_PK, XC_STEP, XC_HOOK, XC_REL };

/* At most this many columns from what a render hook adds. */
#define EX_HOOK_MAX	16

struct ex_col {
	const char		*name;
	enum ex_kind		 kind;
	const struct res_step	*p;	/* XC_STEP */
	const struct field	*f;	/* XC_HOOK */
	int			 col;	/* XC_PK, XC_REL */
};

/* A cell: text holds a number's or a text's characters. */
enum ex_vk { XV_NULL, XV_BOOL, XV_NUM, XV_TEXT };

struct ex_cell {
	enum ex_vk	 kind;
	const char	*s;		/* XV_NUM, XV_TEXT */
	bool		 b;		/* XV_BOOL */
	bool		 raw;		/* XV_TEXT that is JSON (tags) */
	char		 buf[REQ_PATH_MAX + 512];
};

/* One export under way. */
struct ex {
	struct ctx		*ctx;
	const struct resource	*r;
	void			*view;
	enum ex_fmt		 fmt;
	struct ex_col		*cols;
	size_t			 ncols;
	bool			 hooked;	/* the resource has a render hook */
	cJSON			*hook;		/* this row's hook members */
	char			**printed;	/* per column: a hook's value as
					   JSON text, malloc'd, this row's */
};

bool
export_asked(struct ctx *ctx)
{
	const char *v = req_query(ctx, "export");
	bool b;

	return v != NULL && v[0] != '\0' && !(txt_parse_bool(v, &b) && !b);
}

/* Is s a format's name?  Its index, or -1. */
static int
ex_format(const char *s)
{
	for (int i = 0; i < EX__MAX; i++)
		if (strcasecmp(s, ex_fmts[i].name) == 0)
			return i;
	return -1;
}

/* OWASP's list: what a spreadsheet may read as the start of a formula. */
bool
export_formula_like(const char *s)
{
	return s != NULL && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* ---- columns and cells ---------------------------------------------- */

/* The file's columns, in the description's order (see export.h). */
static void
ex_columns(struct ex *x)
{
	const struct resource *r = x->r;
	struct res_sql *sql = res_sql(r);
	size_t cap = 1 + sql->nplan + r->nfields + sql->nrel + EX_HOOK_MAX;

	x->cols = mem_alloc(&x->ctx->mem, cap * sizeof(*x->cols));
	x->cols[x->ncols++] = (struct ex_col){ "pk", XC_PK, NULL, NULL, 0 };
	for (size_t i = 0, s = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (s < sql->nplan && sql->plan[s].f == f) {
			x->cols[x->ncols++] = (struct ex_col){ f->name,
			    XC_STEP, &sql->plan[s++], NULL, 0 };
		} else if ((f->flags & F_HOOK) && !(f->flags & F_WRITE_ONLY) &&
		    r->hooks != NULL && r->hooks->render != NULL) {
			x->cols[x->ncols++] = (struct ex_col){ f->name,
			    XC_HOOK, NULL, f, 0 };
		} else
			continue;
		for (size_t k = 0; k < sql->nrel; k++)
			if (sql->rel[k].field == (int)i)
				x->cols[x->ncols++] = (struct ex_col){
				    sql->rel[k].name, XC_REL, NULL, NULL,
				    sql->rel[k].col };
	}
	x->hooked = r->hooks != NULL && r->hooks->render != NULL;
	x->printed = mem_zalloc(&x->ctx->mem, cap * sizeof(*x->printed));
}

/* Frees what the last row's hook values were printed into. */
static void
ex_printed_free(struct ex *x)
{
	for (size_t i = 0; x->printed != NULL && i < x->ncols; i++) {
		cJSON_free(x->printed[i]);
		x->printed[i] = NULL;
	}
}

/*
 * The members the render hook adds that no field describes (a part's
 * full_name, the user's star) are columns too, after the fields: found
 * on the first row, those with a value of one cell (nested details,
 * asked for with ?..._detail=true, are not, whether a tree or a row's
 * text).
 */
static void
ex_discover(struct ex *x)
{
	const cJSON *m;
	size_t added = 0;

	cJSON_ArrayForEach(m, x->hook) {
		bool known = false;
		if (cJSON_IsObject(m) || cJSON_IsArray(m) || m->string == NULL ||
		    (cJSON_IsRaw(m) && m->valuestring != NULL &&
		    (m->valuestring[0] == '{' || m->valuestring[0] == '[')))
			continue;	/* a nested row as text (res_nested()) */
		for (size_t i = 0; i < x->ncols && !known; i++)
			known = strcmp(x->cols[i].name, m->string) == 0;
		if (known || added >= EX_HOOK_MAX)
			continue;
		added++;
		x->cols[x->ncols++] = (struct ex_col){ mem_strdup(&x->ctx->mem,
		    m->string), XC_HOOK, NULL, NULL, 0 };
	}
}

static void
ex_text(struct ex_cell *c, const char *s)
{
	c->kind = s != NULL ? XV_TEXT : XV_NULL;
	c->s = s;
}

/* A cell from a column the list's plan reads (res.c's res_text_step). */
static void
ex_step(struct ex *x, const struct res_step *p, db_stmt *st,
    struct ex_cell *c)
{
	const char *s;
	int col = p->col;

	c->kind = XV_NULL;
	switch (p->how) {
	case RH_TEXT:
		s = (const char *)st_column_text(st, col);
		ex_text(c, s != NULL ? s : "");
		return;
	case RH_TEXT_NULL:
	case RH_TEXT_EMPTY_NULL:
	case RH_DATE:
	case RH_JSON:
	case RH_IDS:
		s = (const char *)st_column_text(st, col);
		if (s != NULL && (s[0] != '\0' || p->how == RH_TEXT_NULL))
			ex_text(c, s);
		/* Our own JSON, as the list shows it (res.c). */
		c->raw = (p->how == RH_JSON || p->how == RH_IDS) && s != NULL &&
		    (s[0] == '{' || s[0] == '[');
		return;
	case RH_BOOL:
		c->kind = XV_BOOL;
		c->b = st_column_int(st, col) != 0;
		return;
	case RH_INT:
	case RH_INT_NN:
		if (st_column_type(st, col) == SQLITE_NULL)
			return;
		snprintf(c->buf, sizeof(c->buf), "%lld",
		    (long long)st_column_int64(st, col));
		c->kind = XV_NUM;
		c->s = c->buf;
		return;
	case RH_FLOAT:
		if (st_column_type(st, col) == SQLITE_NULL)
			return;
		snprintf(c->buf, sizeof(c->buf), "%.15g",
		    st_column_double(st, col));
		c->kind = XV_NUM;
		c->s = c->buf;
		return;
	case RH_LABEL:
		s = val_choice_label(p->f->choices, st_column_int64(st, col));
		ex_text(c, s != NULL ? s : "");
		return;
	case RH_DEC:
	case RH_DEC_NN:
	case RH_DEC_STRING:
		if (st_column_type(st, col) == SQLITE_NULL)
			return;
		dec_format(st_column_int64(st, col), c->buf);
		c->kind = XV_NUM;
		c->s = c->buf;
		return;
	case RH_MEDIA:
		s = (const char *)st_column_text(st, col);
		if (s != NULL && s[0] != '\0') {
			snprintf(c->buf, sizeof(c->buf), "%s/media/%s",
			    x->ctx->req.prefix != NULL ? x->ctx->req.prefix :
			    "", s);
			ex_text(c, c->buf);
		}
		return;
	case RH_CONST:
		switch (p->k->kind) {
		case RES_K_INT:
			if (p->f->type == FT_BOOL) {
				c->kind = XV_BOOL;
				c->b = p->k->i != 0;
			} else {
				c->kind = XV_NUM;
				c->s = p->k->json;
			}
			return;
		case RES_K_TEXT:
			ex_text(c, p->k->s);
			c->raw = p->f->type == FT_JSON;
			return;
		default:
			return;
		}
	}
}

/* A cell from what the render hook added (x->hook). */
static void
ex_hook(struct ex *x, size_t i, struct ex_cell *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x->hook,
	    x->cols[i].name);

	c->kind = XV_NULL;
	if (v == NULL || cJSON_IsNull(v))
		return;
	if (cJSON_IsBool(v)) {
		c->kind = XV_BOOL;
		c->b = cJSON_IsTrue(v);
	} else if (cJSON_IsString(v))
		ex_text(c, v->valuestring);
	else {
		char *s = cJSON_PrintUnformatted(v);
		if (s == NULL)
			mem_oom();
		cJSON_free(x->printed[i]);
		x->printed[i] = s;
		c->kind = cJSON_IsNumber(v) ? XV_NUM : XV_TEXT;
		c->raw = !cJSON_IsNumber(v);
		c->s = s;
	}
}

/* The cell of column i of the current row. */
static void
ex_cell(struct ex *x, size_t i, db_stmt *st, struct ex_cell *c)
{
	const struct ex_col *k = &x->cols[i];

	c->raw = false;
	switch (k->kind) {
	case XC_PK:
		snprintf(c->buf, sizeof(c->buf), "%lld",
		    (long long)st_column_int64(st, 0));
		c->kind = XV_NUM;
		c->s = c->buf;
		return;
	case XC_STEP:
		ex_step(x, k->p, st, c);
		return;
	case XC_HOOK:
		ex_hook(x, i, c);
		return;
	case XC_REL:
		ex_text(c, (const char *)st_column_text(st, k->col));
		return;
	}
}

/* Before a row's cells: the render hook's members, when a column
 * needs them. */
static void
ex_row_begin(struct ex *x, db_stmt *st)
{
	if (!x->hooked)
		return;
	cJSON_Delete(x->hook);
	if ((x->hook = cJSON_CreateObject()) == NULL)
		mem_oom();
	x->r->hooks->render(x->ctx, st, x->hook, x->view);
}

/* ---- CSV and JSON --------------------------------------------------- */

/* A CSV field: quoted when it must be (RFC 4180), ' before a formula. */
static void
ex_csv_field(struct mem_buf *t, const char *s, bool neutralise)
{
	bool q = strpbrk(s, ",\"\r\n") != NULL || (neutralise &&
	    export_formula_like(s));

	if (q)
		mem_buf_add(t, "\"", 1);
	if (neutralise && export_formula_like(s))
		mem_buf_add(t, "'", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			mem_buf_add(t, "\"", 1);
		mem_buf_add(t, p, 1);
	}
	if (q)
		mem_buf_add(t, "\"", 1);
}

static void
ex_csv_row(struct ex *x, db_stmt *st, struct mem_buf *t)
{
	struct ex_cell c;

	for (size_t i = 0; i < x->ncols; i++) {
		if (i > 0)
			mem_buf_add(t, ",", 1);
		if (st == NULL) {
			ex_csv_field(t, x->cols[i].name, false);
			continue;
		}
		ex_cell(x, i, st, &c);
		switch (c.kind) {
		case XV_NULL:
			break;
		case XV_BOOL:
			mem_buf_add(t, c.b ? "true" : "false", c.b ? 4 : 5);
			break;
		case XV_NUM:
			mem_buf_add(t, c.s, strlen(c.s));
			break;
		case XV_TEXT:
			ex_csv_field(t, c.s, true);
			break;
		}
	}
	mem_buf_add(t, "\r\n", 2);
}

static void
ex_json_row(struct ex *x, db_stmt *st, struct mem_buf *t, bool first)
{
	struct ex_cell c;

	mem_buf_add(t, first ? "{" : ",{", first ? 1 : 2);
	for (size_t i = 0; i < x->ncols; i++) {
		json_buf_name(t, x->cols[i].name, i == 0);
		ex_cell(x, i, st, &c);
		switch (c.kind) {
		case XV_NULL:
			json_buf_raw(t, "null");
			break;
		case XV_BOOL:
			json_buf_raw(t, c.b ? "true" : "false");
			break;
		case XV_NUM:
			json_buf_raw(t, c.s);
			break;
		case XV_TEXT:
			if (c.raw)
				json_buf_raw(t, c.s);
			else
				json_buf_str(t, c.s);
			break;
		}
	}
	mem_buf_add(t, "}", 1);
}

/* The file's name: Stockroom_<Model>_<date>.<format>. */
static const char *
ex_filename(struct ex *x)
{
	return mem_printf(&x->ctx->mem, "Stockroom_%s_%s.%s", x->r->name,
	    val_today(x->ctx), ex_fmts[x->fmt].name);
}

static void
ex_headers(struct ex *x)
{
	struct ctx *ctx = x->ctx;

	ctx->resp.content_type = ex_fmts[x->fmt].type;
	resp_header(ctx, "Content-Disposition", mem_printf(&ctx->mem,
	    "attachment; filename=\"%s\"", ex_filename(x)));
}

/* CSV or JSON, row by row straight to the answer. */
static struct err *
ex_stream(struct ex *x, db_stmt *st)
{
	struct ctx *ctx = x->ctx;
	struct mem_buf t = { 0 };
	int rc, n = 0;

	if ((rc = st_step(st)) == SQLITE_ROW) {
		ex_row_begin(x, st);
		ex_discover(x);
	}
	ex_headers(x);
	resp_stream_begin(ctx, 200);
	if (x->fmt == EX_CSV)
		ex_csv_row(x, NULL, &t);
	else
		mem_buf_add(&t, "[", 1);
	resp_write(ctx, t.s, t.len);
	for (; rc == SQLITE_ROW; rc = st_step(st)) {
		mem_buf_clear(&t);
		if (n > 0)
			ex_row_begin(x, st);
		if (x->fmt == EX_CSV)
			ex_csv_row(x, st, &t);
		else
			ex_json_row(x, st, &t, n == 0);
		n++;
		resp_write(ctx, t.s, t.len);
	}
	free(t.s);
	if (rc != SQLITE_DONE) {
		/* Too late for an error status: cut the file short. */
		log_msg(ctx, LOG_ERROR, "export: %s", db_errmsg(ctx));
		fflush(ctx->out);
		return NULL;
	}
	if (x->fmt == EX_JSON)
		resp_write(ctx, "]", 1);
	fflush(ctx->out);
	return NULL;
}

/* ---- XLSX ----------------------------------------------------------- */

#define EX_XLSX_NONE	"XLSX export is not available on this server: "

#ifdef STOCKROOM_STATIC
static struct err *
ex_xlsx(struct ex *x, db_stmt *st)
{
	(void)st;
	/* A static program cannot load a shared library (lib/pg.c). */
	return err_new(x->ctx, 501, EX_XLSX_NONE "a release build (static "
	    "programs) cannot load libxlsxwriter; export as csv or json, or "
	    "build Stockroom from source (docs/export.md).");
}
#else
/* libxlsxwriter, loaded on the first XLSX export of the process. */
static struct {
	void		*h;
	lxw_workbook	*(*new_opt)(const char *, lxw_workbook_options *);
	lxw_worksheet	*(*add_worksheet)(lxw_workbook *, const char *);
	lxw_format	*(*add_format)(lxw_workbook *);
	void		 (*set_bold)(lxw_format *);
	lxw_error	 (*write_string)(lxw_worksheet *, lxw_row_t, lxw_col_t,
			    const char *, lxw_format *);
	lxw_error	 (*write_number)(lxw_worksheet *, lxw_row_t, lxw_col_t,
			    double, lxw_format *);
	lxw_error	 (*write_boolean)(lxw_worksheet *, lxw_row_t,
			    lxw_col_t, int, lxw_format *);
	lxw_error	 (*freeze_panes)(lxw_worksheet *, lxw_row_t,
			    lxw_col_t);
	lxw_error	 (*close)(lxw_workbook *);
} lxw;

static const char *
ex_xlsx_load(void)
{
	static const char *const names[] = { "workbook_new_opt",
	    "workbook_add_worksheet", "workbook_add_format", "format_set_bold",
	    "worksheet_write_string", "worksheet_write_number",
	    "worksheet_write_boolean", "worksheet_freeze_panes",
	    "workbook_close" };
	void **slots[] = { (void **)&lxw.new_opt, (void **)&lxw.add_worksheet,
	    (void **)&lxw.add_format, (void **)&lxw.set_bold,
	    (void **)&lxw.write_string, (void **)&lxw.write_number,
	    (void **)&lxw.write_boolean, (void **)&lxw.freeze_panes,
	    (void **)&lxw.close };
	void *h;

	if (lxw.h != NULL)
		return NULL;
	if ((h = dlopen("libxlsxwriter.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return "libxlsxwriter.so.4 cannot be loaded (install Debian's "
		    "libxlsxwriter4).";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((*slots[i] = dlsym(h, names[i])) == NULL) {
			dlclose(h);
			return "libxlsxwriter.so.4 lacks a function it needs.";
		}
	lxw.h = h;
	return NULL;
}

/* A text cell: neutralised, and cut to what a cell holds. */
static const char *
ex_xlsx_text(struct ex *x, const char *s, char **own)
{
	size_t n = strlen(s);
	bool f = export_formula_like(s);
	/* Bytes, so at most as many characters; room for the '. */
	size_t max = f ? EXPORT_XLSX_CELL_MAX - 1 : EXPORT_XLSX_CELL_MAX;

	*own = NULL;
	if (!f && n <= max)
		return s;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;	/* not inside a UTF-8 sequence */
	}
	(void)x;
	if ((*own = malloc(n + 2)) == NULL)
		mem_oom();
	size_t at = 0;
	if (f)
		(*own)[at++] = '\'';
	memcpy(*own + at, s, n);
	(*own)[at + n] = '\0';
	return *own;
}

static void
ex_unlink(void *path)
{
	unlink(path);
}

/*
 * Writes the rows with libxlsxwriter in constant-memory mode (each row
 * goes to its temporary file as it is finished) into a file under the
 * data directory's tmp/, then sends that file.  Nothing is answered until
 * the file is whole, so a failure is still an error status.
 */
static struct err *
ex_xlsx(struct ex *x, db_stmt *st)
{
	struct ctx *ctx = x->ctx;
	const char *why;
	char hex[33];
	int rc;

	if ((why = ex_xlsx_load()) != NULL)
		return err_new(ctx, 501, EX_XLSX_NONE "%s", why);
	char *dir = mem_printf(&ctx->mem, "%s/tmp", ctx->cfg.data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_internal(ctx, mem_printf(&ctx->mem, "mkdir %s: %s",
		    dir, strerror(errno)));
	if (rnd_hex(hex, 16) != 0)
		return err_internal(ctx, "no random bytes");
	char *path = mem_printf(&ctx->mem, "%s/export-%s.xlsx", dir, hex);
	mem_defer(&ctx->mem, ex_unlink, path);
	lxw_workbook_options o = { .constant_memory = LXW_TRUE,
	    .tmpdir = dir };
	lxw_workbook *wb = lxw.new_opt(path, &o);
	if (wb == NULL)
		return err_internal(ctx, "xlsx: workbook");
	lxw_worksheet *ws = lxw.add_worksheet(wb, NULL);
	lxw_format *bold = lxw.add_format(wb);
	lxw_error le = LXW_NO_ERROR;
	if ((rc = st_step(st)) == SQLITE_ROW) {
		ex_row_begin(x, st);
		ex_discover(x);
	}
	lxw.set_bold(bold);
	for (size_t i = 0; i < x->ncols && le == LXW_NO_ERROR; i++)
		le = lxw.write_string(ws, 0, (lxw_col_t)i, x->cols[i].name,
		    bold);
	lxw.freeze_panes(ws, 1, 0);
	lxw_row_t row = 1;
	for (; le == LXW_NO_ERROR && rc == SQLITE_ROW; rc = st_step(st)) {
		struct ex_cell c;
		if (row > 1)
			ex_row_begin(x, st);
		for (size_t i = 0; i < x->ncols && le == LXW_NO_ERROR; i++) {
			char *own;
			ex_cell(x, i, st, &c);
			switch (c.kind) {
			case XV_NULL:
				break;
			case XV_BOOL:
				le = lxw.write_boolean(ws, row, (lxw_col_t)i,
				    c.b, NULL);
				break;
			case XV_NUM:
				le = lxw.write_number(ws, row, (lxw_col_t)i,
				    strtod(c.s, NULL), NULL);
				break;
			case XV_TEXT:
				le = lxw.write_string(ws, row, (lxw_col_t)i,
				    ex_xlsx_text(x, c.s, &own), NULL);
				free(own);
				break;
			}
		}
		row++;
	}
	lxw_error ce = lxw.close(wb);
	if (le != LXW_NO_ERROR || ce != LXW_NO_ERROR)
		return err_internal(ctx, mem_printf(&ctx->mem, "xlsx: error %d",
		    le != LXW_NO_ERROR ? (int)le : (int)ce));
	if (rc != SQLITE_DONE)
		return db_err(ctx, "export");

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return err_internal(ctx, "xlsx: the file is gone");
	}
	ex_headers(x);
	resp_stream_begin(ctx, 200);
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		resp_write(ctx, buf, (size_t)n);
	close(fd);
	fflush(ctx->out);
	return NULL;
}
#endif

/* ---- the answers ---------------------------------------------------- */

/* How many rows the export would hold. */
static struct err *
ex_count(struct ctx *ctx, const struct resource *r, struct list_q *q,
    long long *n)
{
	db_stmt *ct = db_prepare(ctx, mem_printf(&ctx->mem, "%s%s",
	    res_sql(r)->count, q->where));

	if (ct == NULL)
		return db_err(ctx, "export count");
	list_bind_all(q, ct, 1);
	if (st_step(ct) != SQLITE_ROW)
		return db_err(ctx, "export count");
	*n = st_column_int64(ct, 0);
	st_reset(ct);
	if (*n > EXPORT_ROWS_MAX)
		return err_new(ctx, 400, "The list has %lld rows; an export "
		    "holds at most %d: filter the list further.", *n,
		    EXPORT_ROWS_MAX);
	return NULL;
}

/* DRF's ChoiceField message for a format that is not one. */
static struct err *
ex_bad_format(struct ctx *ctx, const char *name, const char *v)
{
	return err_field(ctx, name, "\"%s\" is not a valid choice.",
	    txt_utf8_valid(v, strlen(v), false) && strlen(v) < 40 ? v : "?");
}

/*
 * ?export=true: InvenTree's DataOutput for the export, complete at once;
 * its "output" is the URL of the file (the same query with
 * ?export=<format>), made when it is fetched.
 */
static struct err *
ex_output(struct ctx *ctx, const struct resource *r, enum ex_fmt fmt,
    long long total)
{
	const char *prefix = ctx->req.prefix != NULL ? ctx->req.prefix : "";
	char *url = mem_printf(&ctx->mem, "%s%s?", prefix, r->path);

	for (size_t i = 0; i < ctx->req.nquery; i++) {
		const struct req_kv *kv = &ctx->req.query[i];
		if (strncmp(kv->name, "export", 6) == 0 ||
		    strcmp(kv->name, "limit") == 0 ||
		    strcmp(kv->name, "offset") == 0)
			continue;
		url = mem_printf(&ctx->mem, "%s%s=%s&", url,
		    page_encode(ctx, kv->name), page_encode(ctx, kv->value));
	}
	url = mem_printf(&ctx->mem, "%sexport=%s", url, ex_fmts[fmt].name);

	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_null(o, "pk");
	json_text(o, "created", val_today(ctx));
	if (ctx->user_id > 0) {
		json_int(o, "user", ctx->user_id);
		cJSON *u = cJSON_CreateObject();
		if (u == NULL)
			mem_oom();
		json_int(u, "pk", ctx->user_id);
		json_text(u, "username", ctx->username != NULL ?
		    ctx->username : "");
		json_item(o, "user_detail", u);
	} else {
		json_null(o, "user");
		json_null(o, "user_detail");
	}
	json_int(o, "total", total);
	json_int(o, "progress", total);
	json_bool(o, "complete", true);
	json_text(o, "output_type", "export");
	json_null(o, "template_name");
	json_text(o, "plugin", "inventree-exporter");
	json_text(o, "output", url);
	json_null(o, "errors");
	return resp_json(ctx, 200, o);
}

struct err *
export_answer(struct ctx *ctx, const struct resource *r, struct list_q *q,
    void *view)
{
	const char *v = req_query(ctx, "export");
	const char *plugin = req_query(ctx, "export_plugin");
	long long total;
	struct err *e;
	bool yes;
	int fmt;

	if (plugin != NULL && plugin[0] != '\0' &&
	    strcmp(plugin, "inventree-exporter") != 0)
		return ex_bad_format(ctx, "export_plugin", plugin);
	if (txt_parse_bool(v, &yes)) {
		/* InvenTree's way: a DataOutput pointing at the file. */
		const char *f = req_query(ctx, "export_format");
		if (f == NULL || f[0] == '\0')
			f = "csv";
		if ((fmt = ex_format(f)) < 0)
			return ex_bad_format(ctx, "export_format", f);
		if ((e = ex_count(ctx, r, q, &total)) != NULL)
			return e;
		return ex_output(ctx, r, (enum ex_fmt)fmt, total);
	}
	if ((fmt = ex_format(v)) < 0)
		return ex_bad_format(ctx, "export", v);
	if ((e = ex_count(ctx, r, q, &total)) != NULL)
		return e;

	struct ex x = { .ctx = ctx, .r = r, .view = view,
	    .fmt = (enum ex_fmt)fmt };
	ex_columns(&x);
	db_stmt *st = db_prepare(ctx, mem_printf(&ctx->mem, "%s%s ORDER BY %s",
	    list_from(q, res_sql(r)->export_select), q->where, q->order));
	if (st == NULL)
		return db_err(ctx, "export");
	list_bind_all(q, st, 1);
	st_stream(st);
	e = fmt == EX_XLSX ? ex_xlsx(&x, st) : ex_stream(&x, st);
	cJSON_Delete(x.hook);
	ex_printed_free(&x);
	return e;
}
