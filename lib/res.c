/*
 * res: the generic handlers of a described resource.  See res.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "export.h"
#include "json.h"
#include "list.h"
#include "log.h"
#include "mem.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "val.h"

#define RES_METADATA_MAX	65536

/* What list_run() hands the renderer. */
struct res_rows {
	const struct resource	*res;
	void			*view;
};

/* The route's resource. */
static const struct resource *
res_of(struct ctx *ctx)
{
	return ctx->res;
}

/* Index of the field called name, or -1. */
int
res_field(const struct resource *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- rendering ------------------------------------------------------ */

/*
 * Adds a field whose value is a constant of its description (col "0",
 * "NULL", "''", "'[]'": what InvenTree shows for what Stockroom does not
 * have yet) without reading the row.
 */
static void
res_render_const(cJSON *o, const struct field *f, const struct res_const *k)
{
	switch (k->kind) {
	case RES_K_NULL:
		json_null(o, f->name);
		return;
	case RES_K_INT:
		json_raw_const(o, f->name, k->json);
		return;
	case RES_K_TEXT:
		if (f->type == FT_JSON)
			json_raw_const(o, f->name, k->s);
		else
			json_text_const(o, f->name, k->s);
		return;
	case RES_K_NONE:
		return;
	}
}

/* A stored file's path as its URL, served by media.cgi under the prefix. */
static void
res_render_media(struct ctx *ctx, cJSON *o, const char *name, const char *s)
{
	const char *prefix = ctx->req.prefix != NULL ? ctx->req.prefix : "";
	size_t n = strlen(s) + strlen(prefix) + 8;
	char *url = cJSON_malloc(n);

	if (url == NULL)
		mem_oom();
	snprintf(url, n, "%s/media/%s", prefix, s);
	json_text(o, name, url);
	cJSON_free(url);
}

/* Adds the field of step p, read from the row, to o. */
static void
res_render_step(struct ctx *ctx, cJSON *o, const struct res_step *p,
    db_stmt *st)
{
	const char *name = p->f->name, *s;
	int col = p->col;

	switch (p->how) {
	case RH_TEXT:
		s = (const char *)st_column_text(st, col);
		json_text(o, name, s != NULL ? s : "");
		return;
	case RH_TEXT_NULL:
		s = (const char *)st_column_text(st, col);
		if (s == NULL)
			json_null(o, name);
		else
			json_text(o, name, s);
		return;
	case RH_TEXT_EMPTY_NULL:
	case RH_DATE:
		s = (const char *)st_column_text(st, col);
		if (s == NULL || s[0] == '\0')
			json_null(o, name);
		else
			json_text(o, name, s);
		return;
	case RH_BOOL:
		json_bool(o, name, st_column_int(st, col) != 0);
		return;
	case RH_INT:
		if (st_column_type(st, col) == SQLITE_NULL)
			json_null(o, name);
		else
			json_int(o, name, st_column_int64(st, col));
		return;
	case RH_INT_NN:
		json_int(o, name, st_column_int64(st, col));
		return;
	case RH_DEC_NN:
		json_item(o, name, dec_json(st_column_int64(st, col)));
		return;
	case RH_LABEL:
		s = val_choice_label(p->f->choices, st_column_int64(st, col));
		json_text(o, name, s != NULL ? s : "");
		return;
	case RH_DEC:
	case RH_DEC_STRING:
		if (st_column_type(st, col) == SQLITE_NULL)
			json_null(o, name);
		else
			json_item(o, name, p->how == RH_DEC ?
			    dec_json(st_column_int64(st, col)) :
			    dec_json_string(st_column_int64(st, col)));
		return;
	case RH_JSON:
	case RH_IDS:
		s = (const char *)st_column_text(st, col);
		/* Our own JSON, written by us (json_group_array, deltas);
		 * NULL is null where the field may be. */
		json_item(o, name, cJSON_CreateRaw(s != NULL && (s[0] == '{' ||
		    s[0] == '[') ? s : s == NULL && (p->f->flags & F_NULL) ?
		    "null" : p->how == RH_IDS ? "[]" : "{}"));
		return;
	case RH_MEDIA:
		s = (const char *)st_column_text(st, col);
		if (s == NULL || s[0] == '\0')
			json_null(o, name);
		else
			res_render_media(ctx, o, name, s);
		return;
	case RH_FLOAT:
		if (st_column_type(st, col) == SQLITE_NULL)
			json_null(o, name);
		else
			json_item(o, name, cJSON_CreateNumber(
			    st_column_double(st, col)));
		return;
	case RH_CONST:
		res_render_const(o, p->f, p->k);
		return;
	}
}

/*
 * One row of a resource's SELECT as the API shows it: "pk", the fields in
 * their order, then what the render hook adds.  arg is a struct
 * res_rows.  Allocates nothing from the arena (list.h).
 */
cJSON *
res_row_json(struct ctx *ctx, db_stmt *st, void *arg)
{
	const struct res_rows *rr = arg;
	const struct resource *r = rr->res;
	const struct res_sql *sql = r->sql->ready ? r->sql : res_sql(r);
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "pk", st_column_int64(st, 0));
	for (size_t i = 0; i < sql->nplan; i++)
		res_render_step(ctx, o, &sql->plan[i], st);
	if (r->hooks != NULL && r->hooks->render != NULL)
		r->hooks->render(ctx, st, o, rr->view);
	return o;
}

/* The media URL of a stored file's path, as a JSON string. */
static void
res_text_media(struct ctx *ctx, struct mem_buf *t, const char *s)
{
	const char *prefix = ctx->req.prefix != NULL ? ctx->req.prefix : "";
	char url[REQ_PATH_MAX + 512];

	snprintf(url, sizeof(url), "%s/media/%s", prefix, s);
	json_buf_str(t, url);
}

/* The value of step p, read from the row, as JSON text into t. */
static void
res_text_step(struct ctx *ctx, struct mem_buf *t, const struct res_step *p,
    db_stmt *st)
{
	char buf[DEC_BUFSZ];
	const char *s;
	int col = p->col;

	switch (p->how) {
	case RH_TEXT:
		s = (const char *)st_column_text(st, col);
		json_buf_str(t, s != NULL ? s : "");
		return;
	case RH_TEXT_NULL:
		s = (const char *)st_column_text(st, col);
		if (s == NULL)
			mem_buf_add(t, "null", 4);
		else
			json_buf_str(t, s);
		return;
	case RH_TEXT_EMPTY_NULL:
	case RH_DATE:
		s = (const char *)st_column_text(st, col);
		if (s == NULL || s[0] == '\0')
			mem_buf_add(t, "null", 4);
		else
			json_buf_str(t, s);
		return;
	case RH_BOOL:
		if (st_column_int(st, col))
			mem_buf_add(t, "true", 4);
		else
			mem_buf_add(t, "false", 5);
		return;
	case RH_INT:
		if (st_column_type(st, col) == SQLITE_NULL)
			mem_buf_add(t, "null", 4);
		else
			json_buf_int(t, st_column_int64(st, col));
		return;
	case RH_INT_NN:
		json_buf_int(t, st_column_int64(st, col));
		return;
	case RH_LABEL:
		s = val_choice_label(p->f->choices, st_column_int64(st, col));
		json_buf_str(t, s != NULL ? s : "");
		return;
	case RH_DEC:
	case RH_DEC_STRING:
		if (st_column_type(st, col) == SQLITE_NULL) {
			mem_buf_add(t, "null", 4);
			return;
		}
		/* FALLTHROUGH */
	case RH_DEC_NN:
		dec_format(st_column_int64(st, col), buf);
		if (p->how == RH_DEC_STRING)
			json_buf_str(t, buf);
		else
			json_buf_raw(t, buf);
		return;
	case RH_JSON:
	case RH_IDS:
		s = (const char *)st_column_text(st, col);
		/* Our own JSON, written by us (json_group_array, deltas). */
		json_buf_raw(t, s != NULL && (s[0] == '{' || s[0] == '[') ? s :
		    s == NULL && (p->f->flags & F_NULL) ? "null" :
		    p->how == RH_IDS ? "[]" : "{}");
		return;
	case RH_MEDIA:
		s = (const char *)st_column_text(st, col);
		if (s == NULL || s[0] == '\0')
			mem_buf_add(t, "null", 4);
		else
			res_text_media(ctx, t, s);
		return;
	case RH_FLOAT:
		if (st_column_type(st, col) == SQLITE_NULL)
			mem_buf_add(t, "null", 4);
		else {
			/* 15 significant digits: what a double holds of a
			 * decimal exactly; finite (the writer's rule). */
			snprintf(buf, sizeof(buf), "%.15g",
			    st_column_double(st, col));
			json_buf_raw(t, buf);
		}
		return;
	case RH_CONST:
		switch (p->k->kind) {
		case RES_K_INT:
			json_buf_raw(t, p->k->json);
			return;
		case RES_K_TEXT:
			if (p->f->type == FT_JSON)
				json_buf_raw(t, p->k->s);
			else
				json_buf_str(t, p->k->s);
			return;
		default:
			mem_buf_add(t, "null", 4);
			return;
		}
	}
}

/*
 * One row of a list as JSON text, into t: "pk", the fields in their
 * order, then what the render hook adds.  arg is a struct res_rows.
 */
void
res_row_text(struct ctx *ctx, db_stmt *st, void *arg, struct mem_buf *t)
{
	const struct res_rows *rr = arg;
	const struct resource *r = rr->res;
	const struct res_sql *sql = r->sql->ready ? r->sql : res_sql(r);

	mem_buf_add(t, "{\"pk\":", 6);
	json_buf_int(t, st_column_int64(st, 0));
	for (size_t i = 0; i < sql->nplan; i++) {
		mem_buf_add(t, sql->plan[i].key, sql->plan[i].keylen);
		res_text_step(ctx, t, &sql->plan[i], st);
	}
	if (r->hooks != NULL && r->hooks->render != NULL) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			mem_oom();
		r->hooks->render(ctx, st, o, rr->view);
		if (o->child != NULL) {
			/* {"a":..,"b":..} becomes ,"a":..,"b":.. */
			size_t at = t->len;
			json_buf_print(t, o);
			t->s[at] = ',';
			t->len--;
		}
		cJSON_Delete(o);
	}
	mem_buf_add(t, "}", 1);
}

/*
 * The rows a GET nests, by resource, view and id, as the text
 * res_nested() makes: the rows of a page name the same category,
 * supplier or location again and again, and each is read and written
 * once (one query less each time, which on PostgreSQL is a round trip).
 * Only while a GET is answered: it writes nothing, so a row nested twice
 * is the same both times.  Bounded (slots, bytes) in the request's arena;
 * when full, rows are read as before.
 */
#define RES_MEMO_SLOTS	128		/* a power of two */
#define RES_MEMO_BYTES	(32 * 1024)

struct res_memo_row {
	const struct resource	*r;
	const void		*view;
	long long		 id;
	char			*text;		/* NULL: a free slot */
	size_t			 len;
};

struct res_memo {
	struct res_memo_row	 slot[RES_MEMO_SLOTS];
	size_t			 n, bytes;
	char			 text[RES_MEMO_BYTES];	/* the rows' */
};

/* The slot of (r, view, id): kept (text set) or the free one it would
 * take; NULL when the request keeps none. */
static struct res_memo_row *
res_memo_slot(struct ctx *ctx, const struct resource *r, const void *view,
    long long id)
{
	struct res_memo *m = ctx->nested;

	if (strcmp(ctx->req.method, "GET") != 0)
		return NULL;
	if (m == NULL) {	/* one block: a list's buffers grow around it */
		ctx->nested = m = mem_alloc(&ctx->mem, sizeof(*m));
		memset(m, 0, offsetof(struct res_memo, text));
	}
	size_t h = ((size_t)id * 0x9e3779b97f4a7c15ULL ^
	    (size_t)(uintptr_t)r ^ (size_t)(uintptr_t)view >> 4) &
	    (RES_MEMO_SLOTS - 1);
	for (size_t k = 0; k < RES_MEMO_SLOTS; k++) {
		struct res_memo_row *row = &m->slot[(h + k) &
		    (RES_MEMO_SLOTS - 1)];
		if (row->text == NULL || (row->id == id && row->r == r &&
		    row->view == view))
			return row;
	}
	return NULL;
}

/* Keeps text (len bytes) in the free slot row for (r, view, id), if there
 * is room. */
static void
res_memo_keep(struct ctx *ctx, struct res_memo_row *row,
    const struct resource *r, const void *view, long long id,
    const char *text, size_t len)
{
	struct res_memo *m = ctx->nested;

	if (row == NULL || m->n >= RES_MEMO_SLOTS / 2 ||
	    len + 1 > RES_MEMO_BYTES - m->bytes)
		return;
	row->r = r;
	row->view = view;
	row->id = id;
	row->text = m->text + m->bytes;
	memcpy(row->text, text, len + 1);
	row->len = len;
	m->n++;
	m->bytes += len + 1;
}

/* A raw item that takes s (malloc'd; freed with the item). */
static cJSON *
res_raw(char *s)
{
	cJSON *o = cJSON_CreateNull();

	if (o == NULL)
		mem_oom();
	o->type = cJSON_Raw;
	o->valuestring = s;
	return o;
}

/*
 * Appends the row of id of r, rendered with view, to t as the text its
 * list prints, read once per GET (res_memo_slot()); false when there is
 * none or it cannot be read.  *cache keeps the statement for the
 * request's other rows.
 */
static bool
res_nested_into(struct ctx *ctx, const struct resource *r, db_stmt **cache,
    long long id, void *view, struct mem_buf *t)
{
	struct res_rows rr = { r, view };
	struct res_memo_row *kept = res_memo_slot(ctx, r, view, id);
	size_t at = t->len;
	bool found;

	if (kept != NULL && kept->text != NULL) {
		mem_buf_add(t, kept->text, kept->len);
		return true;
	}
	if (*cache == NULL && (*cache = db_prepare(ctx,
	    res_sql(r)->select_one)) == NULL)
		return false;
	st_reset(*cache);
	st_bind_int64(*cache, 1, id);
	if ((found = st_step(*cache) == SQLITE_ROW)) {
		res_row_text(ctx, *cache, &rr, t);
		res_memo_keep(ctx, kept, r, view, id, t->s + at, t->len - at);
	}
	st_reset(*cache);
	return found;
}

/*
 * The row of id of r, rendered with view, for nesting in another row
 * (?category_detail=true), or NULL when there is none or it cannot be
 * read: the same text its list prints, in one raw item (the caller must
 * not look into it), without a tree of its members to build, print and
 * free at each row of a long list.
 */
cJSON *
res_nested(struct ctx *ctx, const struct resource *r, db_stmt **cache,
    long long id, void *view)
{
	struct mem_buf t = { 0 };

	if (!res_nested_into(ctx, r, cache, id, view, &t)) {
		free(t.s);
		return NULL;
	}
	return res_raw(t.s);
}

/*
 * The rows of r whose ids the bound statement ids gives (its first
 * column; stepped to its end and reset), each as res_nested() makes it,
 * as the text of one array in one raw item: for a hook that nests a few
 * rows in every row of a long list (a build line's allocations).  The ids
 * are read first: the nested reads use statements of their own, and a
 * connection walks one at a time.  (On the heap, not the arena: a list
 * renders rows without growing it.)  cache as res_nested()'s, or NULL
 * for one of this call's own.
 */
cJSON *
res_nested_all(struct ctx *ctx, const struct resource *r, db_stmt **cache,
    db_stmt *ids, void *view)
{
	long long few[16], *id = few;
	size_t n = 0, cap = sizeof(few) / sizeof(few[0]);
	db_stmt *once = NULL, **st = cache != NULL ? cache : &once;
	struct mem_buf t = { 0 };

	while (st_step(ids) == SQLITE_ROW) {
		if (n == cap) {
			long long *more = malloc(2 * cap * sizeof(*more));
			if (more == NULL)
				mem_oom();
			memcpy(more, id, n * sizeof(*id));
			if (id != few)
				free(id);
			id = more;
			cap *= 2;
		}
		id[n++] = st_column_int64(ids, 0);
	}
	st_reset(ids);
	mem_buf_add(&t, "[", 1);
	for (size_t i = 0; i < n; i++) {
		size_t at = t.len;
		if (t.len > 1)
			mem_buf_add(&t, ",", 1);
		if (!res_nested_into(ctx, r, st, id[i], view, &t))
			t.len = at;	/* none: no comma either */
	}
	mem_buf_add(&t, "]", 1);
	if (id != few)
		free(id);
	return res_raw(t.s);
}

/* ---- reading -------------------------------------------------------- */

/* The renderer's argument, from the query (?part_detail=true). */
struct err *
res_view(struct ctx *ctx, const struct resource *r, void **view)
{
	*view = NULL;
	if (r->hooks == NULL)
		return NULL;
	if (r->hooks->view == NULL) {
		if (r->hooks->view_size > 0)
			*view = mem_zalloc(&ctx->mem, r->hooks->view_size);
		return NULL;
	}
	return r->hooks->view(ctx, view);
}

/* The scope hook's restriction (the user's own rows), if any. */
static struct err *
res_scope(struct ctx *ctx, const struct resource *r, struct list_q *q)
{
	if (r->hooks == NULL || r->hooks->scope == NULL)
		return NULL;
	return r->hooks->scope(ctx, q);
}

/*
 * The statement standing on the row of id that the user may see (the
 * resource's scope), into *st; a 404 when there is none.
 */
static struct err *
res_row_of(struct ctx *ctx, const struct resource *r, long long id,
    db_stmt **st)
{
	struct res_sql *sql = res_sql(r);
	struct list_q q;
	struct err *e;
	bool found;

	if (r->hooks == NULL || r->hooks->scope == NULL) {
		if ((*st = db_prepare(ctx, sql->select_one)) == NULL)
			return db_err(ctx, r->name);
		st_bind_int64(*st, 1, id);
	} else {
		list_init(&q, ctx, NULL);
		list_where(&q, sql->by_id);
		list_bind_int(&q, id);
		if ((e = res_scope(ctx, r, &q)) != NULL)
			return e;
		if ((*st = db_prepare(ctx, mem_printf(&ctx->mem, "%s%s",
		    sql->select, q.where))) == NULL)
			return db_err(ctx, r->name);
		list_bind_all(&q, *st, 1);
	}
	if ((e = db_row(ctx, *st, r->name, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, r->name);
	return NULL;
}

/*
 * The row of id as the API shows it, into *out; 404 when there is none
 * or the user may not see it.
 */
struct err *
res_get(struct ctx *ctx, const struct resource *r, long long id, void *view,
    cJSON **out)
{
	struct res_rows rr = { r, view };
	db_stmt *st;
	struct err *e;

	*out = NULL;
	if ((e = res_row_of(ctx, r, id, &st)) != NULL)
		return e;
	*out = res_row_json(ctx, st, &rr);
	return NULL;
}

/* Answers with the row of id (after a write: 200 or 201). */
struct err *
res_answer(struct ctx *ctx, const struct resource *r, long long id,
    int status)
{
	cJSON *o;
	struct err *e = res_get(ctx, r, id, NULL, &o);

	return e != NULL ? e : resp_json(ctx, status, o);
}

/* Does the row exist (in the user's scope)? */
struct err *
res_exists(struct ctx *ctx, const struct resource *r, long long id,
    bool *exists)
{
	db_stmt *st = db_prepare(ctx, res_sql(r)->exists);

	*exists = false;
	if (st == NULL)
		return db_err(ctx, r->name);
	st_bind_int64(st, 1, id);
	return db_row(ctx, st, r->name, exists);
}

/*
 * The current values of the row of id, one per field (texts copied into
 * the arena); 404 when there is none.
 */
struct err *
res_load(struct ctx *ctx, const struct resource *r, long long id,
    struct val *v)
{
	struct res_sql *sql = res_sql(r);
	struct err *e;
	bool found;
	db_stmt *st = db_prepare(ctx, sql->select_one);

	if (st == NULL)
		return db_err(ctx, r->name);
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, r->name, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, r->name);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		int col = sql->col[i];
		val_default(f, &v[i]);
		if (col < 0)
			continue;
		v[i].null = st_column_type(st, col) == SQLITE_NULL;
		const char *s = (const char *)st_column_text(st, col);
		if (val_holds_text(f->type))
			v[i].s = mem_strdup(&ctx->mem, s != NULL ? s : "");
		else if (f->type == FT_FLOAT)
			v[i].d = st_column_double(st, col);
		else
			v[i].i = st_column_int64(st, col);
	}
	return NULL;
}

/* ---- lists ---------------------------------------------------------- */

/* Does the object a filter names exist?  A 400 naming the filter if not. */
static struct err *
res_filter_ref(struct ctx *ctx, const char *name, const struct resource *ref,
    long long id)
{
	struct err *e;
	bool found;

	if (ref == NULL)
		return NULL;
	if ((e = res_exists(ctx, ref, id, &found)) != NULL)
		return e;
	return found ? NULL : err_field(ctx, name, "Select a valid choice. "
	    "That choice is not one of the available choices.");
}

/* The fields' own filters: ?name=value for each F_FILTER field. */
static struct err *
res_field_filters(struct ctx *ctx, const struct resource *r,
    struct list_q *q)
{
	struct res_sql *sql = res_sql(r);
	struct err *e;
	struct val v;

	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const char *s, *msg;
		if (!(f->flags & F_FILTER) ||
		    (s = req_query(ctx, f->name)) == NULL)
			continue;
		if ((msg = val_query(ctx, s, f, &v)) != NULL)
			return err_field(ctx, f->name, "%s", msg);
		if (v.null) {
			list_where(q, sql->filter_null[i]);
			list_note(q, f->name, "=null", 0);
			continue;
		}
		if (f->type == FT_ID &&
		    (e = res_filter_ref(ctx, f->name, f->ref, v.i)) != NULL)
			return e;
		if (f->type == FT_TEXT || f->type == FT_NOTES ||
		    f->type == FT_EMAIL || f->type == FT_URL ||
		    f->type == FT_DATE || f->type == FT_DATETIME)
			list_where_each(q, sql->filter_sql[i], NULL, v.s);
		else {
			list_where_each(q, sql->filter_sql[i], &v.i, NULL);
			list_note(q, f->name, "=", v.i);
		}
	}
	return NULL;
}

/*
 * Does filter rf's value id stand for more than itself (res_filter.widen)?
 * *wide: its widen parameter is not false and wide_if finds a row.
 */
static struct err *
res_filter_wide(struct ctx *ctx, const struct res_filter *rf, long long id,
    bool *wide)
{
	const struct field f = { .name = rf->widen, .type = FT_BOOL };
	const char *s = req_query(ctx, rf->widen), *msg;
	struct err *e;
	struct val v;
	db_stmt *st;

	*wide = false;
	if (s != NULL) {
		if ((msg = val_query(ctx, s, &f, &v)) != NULL)
			return err_field(ctx, rf->widen, "%s", msg);
		if (!v.i)
			return NULL;
	}
	if ((st = db_prepare(ctx, rf->wide_if)) == NULL)
		return db_err(ctx, rf->widen);
	st_bind_int64(st, 1, id);
	e = db_row(ctx, st, rf->widen, wide);
	st_reset(st);
	return e;
}

/* The description's own filters (res_filter). */
static struct err *
res_extra_filters(struct ctx *ctx, const struct resource *r,
    struct list_q *q, bool cascade)
{
	struct err *e;
	struct val v;

	for (size_t i = 0; i < r->nfilters; i++) {
		const struct res_filter *rf = &r->filters[i];
		const char *s = req_query(ctx, rf->name), *msg;
		struct field f = { .name = rf->name, .type = rf->type,
		    .flags = rf->sql_alt != NULL ? F_NULL : 0 };
		if (s == NULL)
			continue;
		if ((msg = val_query(ctx, s, &f, &v)) != NULL)
			return err_field(ctx, rf->name, "%s", msg);
		switch (rf->type) {
		case FT_BOOL:
			if (v.i) {
				list_where(q, rf->sql);
				list_note(q, rf->name, "=1", 0);
			} else if (rf->sql_alt != NULL) {
				list_where(q, rf->sql_alt);
				list_note(q, rf->name, "=0", 0);
			}
			break;
		case FT_ID:
			/* InvenTree's rule: null under a cascade is the
			 * whole tree, so every row; without, the rows
			 * outside it. */
			if (v.null && cascade && rf->sql_cascade != NULL)
				break;
			if (v.null) {
				list_where(q, rf->sql_alt);
				list_note(q, rf->name, "=null", 0);
				break;
			}
			if ((e = res_filter_ref(ctx, rf->name, rf->ref,
			    v.i)) != NULL)
				return e;
			bool wide = false;
			if (rf->widen != NULL && (e = res_filter_wide(ctx,
			    rf, v.i, &wide)) != NULL)
				return e;
			if (cascade && rf->sql_cascade != NULL) {
				list_where_each(q, rf->sql_cascade, &v.i, NULL);
				list_note(q, rf->name, "<", v.i);
			} else if (wide) {
				/* No tally counts the wider set. */
				list_where_each(q, rf->sql_wide, &v.i, NULL);
				list_note(q, rf->name, "~", v.i);
			} else {
				list_where_each(q, rf->sql, &v.i, NULL);
				list_note(q, rf->name, "=", v.i);
			}
			break;
		case FT_INT:
		case FT_CHOICE:
			list_where_each(q, rf->sql, &v.i, NULL);
			list_note(q, rf->name, "=", v.i);
			break;
		default:
			list_where_each(q, rf->sql, NULL, v.s);
			break;
		}
	}
	return NULL;
}

/*
 * Everything a list of r takes from the query: the fields' filters, the
 * description's, the tree's, the hook's, search, ordering and the page.
 */
struct err *
res_query(struct ctx *ctx, const struct resource *r, struct list_q *q,
    void *view)
{
	struct res_sql *sql = res_sql(r);
	struct err *e;
	bool cascade;

	list_init(q, ctx, r->order);
	/*
	 * PostgreSQL works out a select's columns for every row an OFFSET
	 * skips (SQLite skips them first): there every page is found on ids.
	 * So is a searched page: its count and the page's ids then come from
	 * one pass over the matches (list.h), not a count and a page that
	 * each test every row (a search of the 500 categories: 1.1 M
	 * instructions a pass).
	 */
	if ((r->flags & RES_KEYED) || db_on_pg ||
	    req_query(ctx, "search") != NULL)
		list_keyed(q, sql->ids, sql->key);
	if ((e = list_flag(ctx, "cascade", (r->flags & RES_CASCADE) != 0,
	    &cascade)) != NULL ||
	    (e = res_scope(ctx, r, q)) != NULL ||
	    (e = res_field_filters(ctx, r, q)) != NULL ||
	    (e = res_extra_filters(ctx, r, q, cascade)) != NULL ||
	    (r->tree != NULL && (e = r->tree->filters(ctx, r, q,
	    cascade)) != NULL) ||
	    (r->hooks != NULL && r->hooks->list != NULL &&
	    (e = r->hooks->list(ctx, q, view)) != NULL) ||
	    (r->search != NULL && (e = list_search(q, r->search)) != NULL) ||
	    (e = list_page(q)) != NULL)
		return e;
	list_ordering(q, sql->orders, sql->norders);
	return NULL;
}

/*
 * When a page is to be counted and every filter of q is one that a tally
 * of r stands for (res_tally), reads the count from it into q->total:
 * one row read instead of every matching row walked.  Any other filter,
 * a search or a scope leaves the count to list_run(), exact as ever.
 */
/* The tally of r whose key is key, bound to v, into *n; *n -1: none. */
static struct err *
res_tally_read(struct ctx *ctx, const struct resource *r, const char *key,
    const long long *v, size_t nv, long long *n)
{
	*n = -1;
	for (size_t i = 0; i < r->ntallies; i++) {
		if (strcmp(r->tallies[i].key, key) != 0)
			continue;
		db_stmt *st = db_prepare(ctx, r->tallies[i].sql);
		bool found;
		struct err *e;
		if (st == NULL)
			return db_err(ctx, "list count");
		for (size_t k = 0; k < nv; k++)
			st_bind_int64(st, (int)k + 1, v[k]);
		if ((e = db_row(ctx, st, "list count", &found)) != NULL)
			return e;
		*n = found ? st_column_int64(st, 0) : 0;
		st_reset(st);
		return NULL;
	}
	return NULL;
}

/*
 * A page under one filter that matches many rows is found sooner by
 * walking the list's order (its default one, or an ordering that an
 * index walks: res_order's walk) and testing each row -- it stops after
 * (offset + limit) / share rows -- than by collecting every match through
 * the filter's index and sorting them all; for few matches it is the
 * other way round.  SQLite cannot tell which from a bound value, the
 * tally can: with `matches` of `all` rows, the walk reads about
 * (offset + limit) * all / matches rows against the index's `matches`
 * (each times what the filter says a walked row costs against a
 * collected one: res_filter's walk), so
 * the filters, when each may be walked (res_filter's walk), are written
 * " AND +s.col ..." when that is fewer: the unary + keeps the planner
 * from driving the page by the filter's index, and changes nothing else
 * (a fragment that begins with one already is left as it is: the
 * in-stock test).  Several filters count as their tally's share of the
 * rows.
 */
static struct err *
res_plan_dense(struct ctx *ctx, const struct resource *r, struct list_q *q,
    long long matches)
{
	static const char and[] = " AND ";
	const size_t nand = sizeof(and) - 1;
	const char *frag[LIST_NOTES_MAX];
	unsigned cost = 1;
	long long all;
	struct err *e;

	if (q->nnotes == 0 || !q->order_walks || matches <= 0)
		return NULL;
	for (size_t k = 0; k < q->nnotes; k++) {
		const struct list_note *nt = &q->notes[k];
		const char *f = q->where + nt->at;
		unsigned walk = 0;
		for (size_t i = 0; i < r->nfilters && walk == 0; i++)
			if (strcmp(r->filters[i].name, nt->name) == 0)
				walk = r->filters[i].walk;
		/* A boolean field's own test (?active=true) is one column
		 * of the walked row: it may be walked too. */
		for (size_t i = 0; i < r->nfields && walk == 0; i++)
			if (r->fields[i].type == FT_BOOL &&
			    (r->fields[i].flags & F_FILTER) &&
			    strcmp(r->fields[i].name, nt->name) == 0)
				walk = 1;
		if (walk == 0 || nt->len <= nand ||
		    strncmp(f, and, nand) != 0)
			return NULL;
		if (walk > cost)
			cost = walk;
		if (f[nand] == '+')	/* written so: it drives no index */
			frag[k] = NULL;
		else if (strcmp(nt->op, "=") == 0 || strcmp(nt->op, "<") == 0)
			frag[k] = mem_printf(&ctx->mem, "%s+%.*s", and,
			    (int)(nt->len - nand), f + nand);
		else
			return NULL;
	}
	if ((e = res_tally_read(ctx, r, "", NULL, 0, &all)) != NULL ||
	    all < 0)
		return e;
	if ((double)(q->page.offset + q->page.limit) * (double)all *
	    (double)cost >= (double)matches * (double)matches)
		return NULL;
	for (size_t k = 0; k < q->nnotes; k++)
		if (frag[k] != NULL)
			list_note_replace(q, k, frag[k]);
	return NULL;
}

struct err *
res_tally(struct ctx *ctx, const struct resource *r, struct list_q *q)
{
	char key[256];
	long long v[LIST_NOTES_MAX], n;
	size_t nv;
	struct err *e;

	if (r->ntallies == 0 || !q->page.paged || !list_noted(q) ||
	    (nv = list_note_key(q, key, sizeof(key), v,
	    LIST_NOTES_MAX)) == (size_t)-1)
		return NULL;
	if ((e = res_tally_read(ctx, r, key, v, nv, &n)) != NULL || n < 0)
		return e;
	q->total = n;
	q->total_known = true;
	return res_plan_dense(ctx, r, q, n);
}

/* GET <path> */
struct err *
res_list(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	struct res_rows rr = { r, NULL };
	struct list_q q;
	struct err *e;

	if ((e = res_view(ctx, r, &rr.view)) != NULL ||
	    (e = res_query(ctx, r, &q, rr.view)) != NULL)
		return e;
	if (export_asked(ctx))	/* ?export=: the list as a file */
		return export_answer(ctx, r, &q, rr.view);
	if ((e = res_tally(ctx, r, &q)) != NULL)
		return e;
	return list_run(&q, res_sql(r)->select, res_sql(r)->count,
	    res_row_text, &rr);
}

/*
 * The page GET <r's path>?<q> would answer, for a handler that answers for
 * several lists at once (POST /api/search/): the request's query, path,
 * method and resource are swapped for the call and put back.  *json is the
 * page's JSON text, valid until the request ends.  The caller checks that
 * the user may view r; q must ask for a page (limit), or the list would
 * stream.
 */
struct err *
res_list_as(struct ctx *ctx, const struct resource *r,
    const struct req_kv *q, size_t nq, const char **json)
{
	struct req saved = ctx->req;
	struct resp resp = ctx->resp;
	const struct resource *res = ctx->res;
	struct err *e;

	size_t i;

	for (i = 0; i < nq && strcmp(q[i].name, "limit") != 0; i++)
		;
	if (i == nq)
		return err_internal(ctx, "res_list_as without a limit");
	if (nq > REQ_PARAMS_MAX)
		return err_new(ctx, 400, "Too many filters.");
	memcpy(ctx->req.query, q, nq * sizeof(*q));
	ctx->req.nquery = nq;
	ctx->req.path = r->path;
	ctx->req.method = "GET";
	ctx->res = r;
	memset(&ctx->resp, 0, sizeof(ctx->resp));
	*json = NULL;
	if ((e = res_list(ctx)) == NULL && ctx->resp.json == NULL)
		*json = ctx->resp.body;
	ctx->req = saved;
	ctx->resp = resp;
	ctx->res = res;
	if (e == NULL && *json == NULL)
		return err_internal(ctx, "list gave no page");
	return e;
}

/* GET <path><pk>/; a tree node with ?path_detail=true has its path. */
struct err *
res_detail(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	long long id = ctx_param_id(ctx, "pk");
	void *view;
	struct err *e;
	cJSON *o;
	bool path = false;

	if ((e = res_view(ctx, r, &view)) != NULL ||
	    (r->tree != NULL && (e = list_flag(ctx, "path_detail", false,
	    &path)) != NULL))
		return e;
	if (!path) {
		/* The row as a list prints it: no tree of its members to
		 * build, print and free (a part's detail: 20% of it). */
		struct res_rows rr = { r, view };
		struct mem_buf t = { 0 };
		db_stmt *st;
		if ((e = res_row_of(ctx, r, id, &st)) != NULL)
			return e;
		res_row_text(ctx, st, &rr, &t);
		mem_defer(&ctx->mem, free, t.s);
		return resp_json_text(ctx, 200, t.s, t.len);
	}
	if ((e = res_get(ctx, r, id, view, &o)) != NULL)
		return e;
	cJSON *a = r->tree->path(ctx, r, id, &e);
	if (a == NULL) {
		cJSON_Delete(o);
		return e;
	}
	json_item(o, "path", a);
	return resp_json(ctx, 200, o);
}

/* ---- writing -------------------------------------------------------- */

/*
 * Does the row that field i of r names exist (and meet the field's
 * ref_if)?
 */
static struct err *
res_ref_exists(struct ctx *ctx, const struct resource *r, size_t i,
    long long id, bool *found)
{
	const char *sql = res_sql(r)->ref_exists[i];
	db_stmt *st;

	if (sql == NULL)
		return res_exists(ctx, r->fields[i].ref, id, found);
	*found = false;
	if ((st = db_prepare(ctx, sql)) == NULL)
		return db_err(ctx, r->fields[i].ref->name);
	st_bind_int64(st, 1, id);
	return db_row(ctx, st, r->fields[i].ref->name, found);
}

/*
 * Each id of v, the list given for the FT_IDS field f, must name a row of
 * f->ref (one statement for them all): the first that does not goes to es
 * as DRF's "Invalid pk".  Returns NULL or the database's error.
 */
struct err *
res_ids_exist(struct ctx *ctx, const struct field *f, const struct val *v,
    struct errs *es)
{
	struct err *e;
	bool found;

	if (v->n == 0)
		return NULL;
	db_stmt *st = db_prepare(ctx, res_sql(f->ref)->exists);
	if (st == NULL)
		return db_err(ctx, f->ref->name);
	for (size_t k = 0; k < v->n; k++) {
		st_reset(st);
		st_bind_int64(st, 1, v->ids[k]);
		if ((e = db_row(ctx, st, f->ref->name, &found)) != NULL)
			return e;
		if (!found) {
			errs_addf(es, f->name, "Invalid pk \"%lld\" - object "
			    "does not exist.", v->ids[k]);
			break;
		}
	}
	st_reset(st);
	return NULL;
}

/*
 * No other row may hold the values of a unique set of fields (res_unique):
 * DRF's UniqueTogetherValidator, its message in non_field_errors.  A set
 * with a null value, or with a value already in error, is not checked.
 */
static struct err *
res_check_unique(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct resource *r = w->res;
	struct res_sql *sql = res_sql(r);
	struct err *e;
	bool found;

	for (size_t k = 0; k < r->nunique; k++) {
		const char *const *names = r->unique[k].fields;
		char *list = NULL;
		size_t n;
		bool skip = false;
		for (n = 0; n < RES_UNIQUE_MAX && names[n] != NULL; n++) {
			int i = res_field(r, names[n]);
			if (w->v[i].null || errs_has(es, names[n]))
				skip = true;
		}
		if (skip)
			continue;
		db_stmt *st = db_prepare(ctx, sql->unique[k]);
		if (st == NULL)
			return db_err(ctx, r->name);
		for (size_t j = 0; j < n; j++) {
			int i = res_field(r, names[j]);
			if (val_holds_text(r->fields[i].type))
				st_bind_text(st, (int)j + 1, w->v[i].s != NULL ?
				    w->v[i].s : "", -1, SQLITE_STATIC);
			else
				st_bind_int64(st, (int)j + 1, w->v[i].i);
			list = mem_printf(&ctx->mem, "%s%s%s", list != NULL ?
			    list : "", list != NULL ? ", " : "", names[j]);
		}
		st_bind_int64(st, (int)n + 1, w->id);
		if ((e = db_row(ctx, st, r->name, &found)) != NULL)
			return e;
		st_reset(st);
		if (found)
			errs_addf(es, "non_field_errors", "The fields %s must "
			    "make a unique set.", list);
	}
	return NULL;
}

/* Every reference that is set (and changed) must name an existing row. */
static struct err *
res_check_refs(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct resource *r = w->res;
	struct err *e;
	bool found;

	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const struct val *v = &w->v[i];
		if (f->ref == NULL || v->null || (f->flags & F_READ_ONLY) ||
		    errs_has(es, f->name))
			continue;
		if (f->type == FT_ID) {
			if (w->old != NULL && !w->old[i].null &&
			    w->old[i].i == v->i)
				continue;
			if ((e = res_ref_exists(ctx, r, i, v->i, &found)) != NULL)
				return e;
			if (!found)
				errs_addf(es, f->name, "Invalid pk \"%lld\" - "
				    "object does not exist.", v->i);
		} else if (f->type == FT_IDS && v->present &&
		    (e = res_ids_exist(ctx, f, v, es)) != NULL)
			return e;
	}
	return NULL;
}

/* Binds the writable fields' values from parameter 1 on; the next. */
static int
res_bind(const struct resource *r, db_stmt *st, const struct val *v)
{
	int k = 1;

	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if ((f->flags & F_NO_COLUMN) || ((f->flags & F_READ_ONLY) &&
		    !(f->flags & F_STORED)))
			continue;
		if (v[i].null)
			st_bind_null(st, k);
		else if (val_holds_text(f->type))
			st_bind_text(st, k, v[i].s != NULL ? v[i].s : "",
			    -1, SQLITE_STATIC);
		else if (f->type == FT_FLOAT)
			st_bind_double(st, k, v[i].d);
		else
			st_bind_int64(st, k, v[i].i);
		k++;
	}
	return k;
}

/*
 * Writes the row of w (INSERT when w->create, setting w->id; else UPDATE)
 * inside the caller's transaction, then places a tree node and runs the
 * written hook.
 */
struct err *
res_write_row(struct ctx *ctx, struct res_write *w)
{
	const struct resource *r = w->res;
	struct res_sql *sql = res_sql(r);
	struct err *e;

	if (w->create || sql->update != NULL) {
		db_stmt *st = db_prepare(ctx, w->create ? sql->insert :
		    sql->update);
		if (st == NULL)
			return db_err(ctx, r->name);
		int next = res_bind(r, st, w->v);
		if (!w->create)
			st_bind_int64(st, next, w->id);
		if ((e = db_step(ctx, st, r->name)) != NULL)
			return e;
		if (w->create)
			w->id = db_last_id(ctx);
	}
	if (r->tree != NULL && (e = r->tree->place(ctx, r, w->id)) != NULL)
		return e;
	if (r->hooks != NULL && r->hooks->written != NULL)
		return r->hooks->written(ctx, w);
	return NULL;
}

/*
 * The checks of a write (res_check()), then the program's veto (route.h:
 * plugins' validators), then -- when es holds no error -- the write, in
 * the caller's transaction.
 */
struct err *
res_save(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct err *e;

	if ((e = res_check(ctx, w, es)) != NULL)
		return e;
	if (!errs_any(es) && ctx->program != NULL &&
	    ctx->program->veto != NULL &&
	    (e = ctx->program->veto(ctx, w, es)) != NULL)
		return e;
	if ((e = errs_end(es)) != NULL)
		return e;
	return res_write_row(ctx, w);
}

/*
 * The checks of a write without the write: the references, the unique
 * sets, the tree's rules and the validate hook, each problem into es.
 * Returns only database errors (the importer's preview of a row).
 */
struct err *
res_check(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct resource *r = w->res;
	struct err *e;

	if ((e = res_check_refs(ctx, w, es)) != NULL ||
	    (!errs_any(es) && (e = res_check_unique(ctx, w, es)) != NULL) ||
	    (r->tree != NULL && !errs_any(es) &&
	    (e = r->tree->check(ctx, w, es)) != NULL) ||
	    (r->hooks != NULL && r->hooks->validate != NULL &&
	    !errs_any(es) && (e = r->hooks->validate(ctx, w, es)) != NULL))
		return e;
	return NULL;
}

/*
 * Ends the write of w inside its transaction: saves it (or rolls back on
 * errors), runs the committed hook and answers the row with status.
 */
static struct err *
res_commit(struct ctx *ctx, struct res_write *w, struct errs *es, int status)
{
	const struct resource *r = w->res;
	struct err *e;

	if ((e = db_end(ctx, res_save(ctx, w, es))) != NULL)
		return e;
	if (r->hooks != NULL && r->hooks->committed != NULL)
		r->hooks->committed(ctx, w);
	return res_answer(ctx, r, w->id, status);
}

/* POST <path> */
struct err *
res_create(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	struct val *v = mem_alloc(&ctx->mem, (r->nfields + 1) * sizeof(*v));
	struct res_write w = { .res = r, .v = v, .create = true };
	struct errs es;
	struct err *e;

	errs_init(&es, ctx);
	for (size_t i = 0; i < r->nfields; i++)
		val_default(&r->fields[i], &v[i]);
	if ((e = req_data(ctx, &w.body)) != NULL)
		return e;
	val_object(ctx, w.body, r->fields, r->nfields, v, true, &es);
	if ((r->hooks != NULL && r->hooks->prepare != NULL &&
	    (e = r->hooks->prepare(ctx, &w)) != NULL) ||
	    (e = db_begin(ctx)) != NULL)
		return e;
	return res_commit(ctx, &w, &es, 201);
}

/* PUT and PATCH <path><pk>/ (PUT: every required field again). */
struct err *
res_update(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	size_t n = r->nfields + 1;
	struct val *v = mem_alloc(&ctx->mem, n * sizeof(*v));
	struct val *old = mem_alloc(&ctx->mem, n * sizeof(*old));
	struct res_write w = { .res = r, .v = v, .old = old,
	    .id = ctx_param_id(ctx, "pk") };
	struct errs es;
	struct err *e;
	cJSON *seen;

	errs_init(&es, ctx);
	if ((e = req_data(ctx, &w.body)) != NULL)
		return e;
	/* A row the user may not see cannot be changed either. */
	if (r->hooks != NULL && r->hooks->scope != NULL) {
		if ((e = res_get(ctx, r, w.id, NULL, &seen)) != NULL)
			return e;
		cJSON_Delete(seen);
	}
	if (r->hooks != NULL && r->hooks->prepare != NULL &&
	    (e = r->hooks->prepare(ctx, &w)) != NULL)
		return e;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((e = res_load(ctx, r, w.id, v)) != NULL)
		return db_end(ctx, e);
	memcpy(old, v, n * sizeof(*v));
	val_object(ctx, w.body, r->fields, r->nfields, v,
	    strcmp(ctx->req.method, "PUT") == 0, &es);
	return res_commit(ctx, &w, &es, 200);
}

/*
 * Deletes the row of id inside the caller's transaction, with the hooks:
 * deleting may refuse; deleted cleans up (index, events).  A tree node
 * goes with the tree's rules (res_tree_delete()).
 */
struct err *
res_delete_row(struct ctx *ctx, const struct resource *r, long long id)
{
	struct res_del d = { r, id, NULL };
	struct err *e;

	if (r->hooks != NULL && r->hooks->deleting != NULL &&
	    (e = r->hooks->deleting(ctx, &d)) != NULL)
		return e;
	if (r->tree != NULL)
		e = r->tree->remove(ctx, r, id);
	else {
		db_stmt *st = db_prepare(ctx, res_sql(r)->delete);
		if (st == NULL)
			return db_err(ctx, r->name);
		st_bind_int64(st, 1, id);
		e = db_step(ctx, st, r->name);
	}
	if (e != NULL)
		return e;
	if (r->hooks != NULL && r->hooks->deleted != NULL)
		return r->hooks->deleted(ctx, &d);
	return NULL;
}

/* DELETE <path><pk>/ */
struct err *
res_delete(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	long long id = ctx_param_id(ctx, "pk");
	struct err *e;
	cJSON *seen;
	bool found;

	if (r->hooks != NULL && r->hooks->scope != NULL) {
		if ((e = res_get(ctx, r, id, NULL, &seen)) != NULL)
			return e;
		cJSON_Delete(seen);
	}
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = res_exists(ctx, r, id, &found);
	if (e == NULL && !found)
		e = err_not_found(ctx, r->name);
	if (e == NULL)
		e = res_delete_row(ctx, r, id);
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	return resp_no_content(ctx);
}

/*
 * DELETE <path> {"items": [pk, ...]}: all of them, or -- when one does
 * not exist, is named twice, or may not be deleted -- none.
 */
struct err *
res_delete_bulk(struct ctx *ctx)
{
	static const struct field items = { "items", FT_IDS, F_REQUIRED,
	    VAL_IDS_MAX, 0, NULL, NULL, NULL, NULL, NULL, NULL };
	const struct resource *r = res_of(ctx);
	const cJSON *body, *j;
	struct val v = { 0 };
	struct err *e;
	const char *msg;
	bool found;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	j = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body,
	    "items") : NULL;
	if (j == NULL || (cJSON_IsArray(j) && j->child == NULL))
		return err_field(ctx, "non_field_errors", "List of items must "
		    "be provided for bulk operation");
	if ((msg = val_json(ctx, j, &items, &v)) != NULL)
		return err_field(ctx, "items", "%s", msg);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	for (size_t i = 0; i < v.n && e == NULL; i++) {
		e = res_exists(ctx, r, v.ids[i], &found);
		if (e == NULL && !found)
			e = err_field(ctx, "items", "Invalid pk \"%lld\" - "
			    "object does not exist.", v.ids[i]);
		if (e == NULL)
			e = res_delete_row(ctx, r, v.ids[i]);
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	return resp_no_content(ctx);
}

/* ---- metadata ------------------------------------------------------- */

/* The new metadata from the body into *cur (PUT replaces, PATCH merges). */
static struct err *
res_metadata_apply(struct ctx *ctx, const cJSON *body, bool replace,
    cJSON **cur)
{
	const cJSON *md = cJSON_IsObject(body) ?
	    cJSON_GetObjectItemCaseSensitive(body, "metadata") : NULL;

	if (md == NULL)
		return err_field(ctx, "metadata", "This field is required.");
	if (!cJSON_IsObject(md))
		return err_field(ctx, "metadata", "Metadata must be a python "
		    "dict object");
	if (replace) {
		/* The old object is freed with the request (res_metadata_rw()). */
		*cur = cJSON_Duplicate(md, true);
		return NULL;
	}
	for (const cJSON *c = md->child; c != NULL; c = c->next) {
		cJSON *copy = cJSON_Duplicate(c, true);
		if (cJSON_GetObjectItemCaseSensitive(*cur, c->string) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(*cur, c->string,
			    copy);
		else
			cJSON_AddItemToObject(*cur, c->string, copy);
	}
	return NULL;
}

/* Reads, changes and writes the metadata of id (in the transaction). */
static struct err *
res_metadata_rw(struct ctx *ctx, const struct resource *r, long long id,
    const cJSON *body, cJSON **cur)
{
	struct res_sql *sql = res_sql(r);
	db_stmt *st = db_prepare(ctx, sql->meta_get);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "metadata");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "metadata", &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, r->name);
	const char *text = (const char *)st_column_text(st, 0);
	*cur = text != NULL ? cJSON_Parse(text) : NULL;
	if (!cJSON_IsObject(*cur)) {
		cJSON_Delete(*cur);
		*cur = cJSON_CreateObject();
	}
	if (*cur == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, *cur);
	if (body == NULL)
		return NULL;
	cJSON *before = *cur;
	if ((e = res_metadata_apply(ctx, body, strcmp(ctx->req.method,
	    "PUT") == 0, cur)) != NULL)
		return e;
	if (*cur != before)
		mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, *cur);
	char *out = cJSON_PrintUnformatted(*cur);
	if (out == NULL)
		mem_oom();
	mem_defer(&ctx->mem, free, out);
	if (strlen(out) > RES_METADATA_MAX)
		return err_field(ctx, "metadata", "Metadata may be at most %d "
		    "bytes of JSON.", RES_METADATA_MAX);
	db_stmt *up = db_prepare(ctx, sql->meta_set);
	if (up == NULL)
		return db_err(ctx, "metadata");
	st_bind_text(up, 1, out, -1, SQLITE_STATIC);
	st_bind_int64(up, 2, id);
	return db_step(ctx, up, "metadata");
}

/* GET, PUT, PATCH <path><pk>/metadata/: {"metadata": {...}}. */
struct err *
res_metadata(struct ctx *ctx)
{
	const struct resource *r = res_of(ctx);
	long long id = ctx_param_id(ctx, "pk");
	const cJSON *body = NULL;
	struct err *e;
	cJSON *cur = NULL;

	if (strcmp(ctx->req.method, "GET") == 0 ||
	    strcmp(ctx->req.method, "HEAD") == 0)
		e = res_metadata_rw(ctx, r, id, NULL, &cur);
	else {
		if ((e = req_data(ctx, &body)) != NULL ||
		    (e = db_begin(ctx)) != NULL)
			return e;
		e = db_end(ctx, res_metadata_rw(ctx, r, id, body, &cur));
	}
	if (e != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_item(o, "metadata", cJSON_Duplicate(cur, true));
	return resp_json(ctx, 200, o);
}

/* ---- OPTIONS -------------------------------------------------------- */

static const char *const res_types[FT__MAX] = {
	[FT_TEXT] = "string", [FT_NOTES] = "string", [FT_BOOL] = "boolean",
	[FT_INT] = "integer", [FT_ID] = "related field", [FT_IDS] = "field",
	[FT_DEC] = "float", [FT_DATE] = "date", [FT_DATETIME] = "datetime",
	[FT_CHOICE] = "choice", [FT_EMAIL] = "email", [FT_URL] = "url",
	[FT_JSON] = "json", [FT_MEDIA] = "image upload",
	[FT_NESTED] = "field", [FT_OBJECT] = "nested object",
	[FT_FLOAT] = "float",
};

static cJSON *res_describe_fields(struct ctx *, const struct field *,
		    size_t n, bool pk);

/* A related field's model, api_url (under the prefix) and pk_field. */
static void
res_describe_ref(struct ctx *ctx, cJSON *o, const struct resource *ref)
{
	cJSON_AddStringToObject(o, "model", ref->model);
	cJSON_AddStringToObject(o, "api_url", mem_printf(&ctx->mem, "%s%s",
	    ctx->req.prefix != NULL ? ctx->req.prefix : "", ref->path));
	cJSON_AddStringToObject(o, "pk_field", "pk");
}

/* One field as DRF's metadata describes it. */
static cJSON *
res_describe_one(struct ctx *ctx, const struct field *f)
{
	bool ro = (f->flags & F_READ_ONLY) != 0;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	cJSON_AddStringToObject(o, "type", res_types[f->type]);
	cJSON_AddBoolToObject(o, "required", !ro && (f->flags & F_REQUIRED));
	cJSON_AddBoolToObject(o, "read_only", ro);
	cJSON_AddStringToObject(o, "label", val_label(ctx, f));
	cJSON_AddStringToObject(o, "help_text", f->help != NULL ? f->help : "");
	if (f->flags & F_WRITE_ONLY)
		cJSON_AddBoolToObject(o, "write_only", true);
	if (f->flags & F_NULL)
		cJSON_AddBoolToObject(o, "allow_null", true);
	switch (f->type) {
	case FT_TEXT:
	case FT_NOTES:
	case FT_EMAIL:
	case FT_URL:
		if (f->max > 0)
			cJSON_AddNumberToObject(o, "max_length", f->max);
		if (!ro && !(f->flags & F_REQUIRED))
			cJSON_AddStringToObject(o, "default", "");
		break;
	case FT_BOOL:
		if (!ro)
			cJSON_AddBoolToObject(o, "default", f->def != 0);
		break;
	case FT_DEC:
		if (!ro && !(f->flags & (F_REQUIRED | F_NULL)))
			cJSON_AddItemToObject(o, "default", dec_json(f->def));
		break;
	case FT_CHOICE: {
		if (!ro)
			cJSON_AddNumberToObject(o, "default", (double)f->def);
		cJSON *c = cJSON_AddArrayToObject(o, "choices");
		for (const struct choice *ch = f->choices;
		    ch != NULL && ch->label != NULL; ch++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "value", (double)ch->value);
			cJSON_AddStringToObject(e, "display_name", ch->label);
			cJSON_AddItemToArray(c, e);
		}
		break;
	}
	case FT_ID:
		if (f->ref != NULL)
			res_describe_ref(ctx, o, f->ref);
		break;
	case FT_IDS: {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "related field");
		cJSON_AddBoolToObject(c, "required", false);
		cJSON_AddBoolToObject(c, "read_only", ro);
		if (f->ref != NULL)
			res_describe_ref(ctx, c, f->ref);
		cJSON_AddItemToObject(o, "child", c);
		break;
	}
	case FT_NESTED: {
		size_t n = 0;
		while (f->children != NULL && f->children[n].name != NULL)
			n++;
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "nested object");
		cJSON_AddBoolToObject(c, "required", false);
		cJSON_AddBoolToObject(c, "read_only", false);
		cJSON_AddItemToObject(c, "children", res_describe_fields(ctx,
		    f->children, n, false));
		cJSON_AddItemToObject(o, "child", c);
		break;
	}
	case FT_OBJECT: {
		size_t n = 0;
		while (f->children != NULL && f->children[n].name != NULL)
			n++;
		cJSON_AddItemToObject(o, "children", res_describe_fields(ctx,
		    f->children, n, false));
		break;
	}
	default:
		break;
	}
	return o;
}

static cJSON *
res_describe_fields(struct ctx *ctx, const struct field *f, size_t n, bool pk)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	if (pk) {
		static const struct field pkf = { "pk", FT_INT, F_READ_ONLY, 0, 0,
		    NULL, NULL, NULL, "ID", NULL, NULL };
		cJSON_AddItemToObject(o, "pk", res_describe_one(ctx, &pkf));
	}
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(o, f[i].name, res_describe_one(ctx, &f[i]));
	return o;
}

/*
 * The fields as an OPTIONS answer's actions.POST or .PUT describe them
 * (with "pk" first when they are a resource's).
 */
cJSON *
res_describe(struct ctx *ctx, const struct field *f, size_t n, bool resource)
{
	return res_describe_fields(ctx, f, n, resource);
}

/*
 * GET of a status class in InvenTree's generic form (its StatusView):
 * {"class", "status_class", "values": {NAME: {key, name, label, color}}}
 * from codes (ending with label NULL); each, when given, adds to every
 * value's object (the stock statuses' in_stock).
 */
struct err *
res_status_class(struct ctx *ctx, const char *name,
    const struct choice *codes, void (*each)(cJSON *, const struct choice *))
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "class", name);
	cJSON_AddStringToObject(o, "status_class", name);
	cJSON *vals = cJSON_AddObjectToObject(o, "values");
	for (const struct choice *s = codes; s->label != NULL; s++) {
		cJSON *v = cJSON_AddObjectToObject(vals, s->key);
		cJSON_AddNumberToObject(v, "key", (double)s->value);
		cJSON_AddStringToObject(v, "name", s->key);
		cJSON_AddStringToObject(v, "label", s->label);
		cJSON_AddStringToObject(v, "color", s->color);
		if (each != NULL)
			each(v, s);
	}
	return resp_json(ctx, 200, o);
}

/* res_find_by(), among the rows where scope's condition holds. */
static struct err *
find_by(struct ctx *ctx, const struct resource *r, int i, const char *text,
    const struct res_key_scope *scope, long long *id, int *n)
{
	const struct field *f = &r->fields[i];
	bool narrow = scope != NULL && scope->sql != NULL;
	const char *sql = mem_printf(&ctx->mem, "SELECT %s.id FROM %s %s "
	    "WHERE %s.%s = ?%s%s%s LIMIT 2", r->alias, r->table, r->alias,
	    r->alias, f->col != NULL ? f->col : f->name, narrow ? " AND (" :
	    "", narrow ? scope->sql : "", narrow ? ")" : "");
	db_stmt *st = db_prepare(ctx, sql);
	int rc;

	*id = 0;
	*n = 0;
	if (st == NULL)
		return db_err(ctx, r->name);
	st_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	if (narrow)
		st_bind_int64(st, 2, scope->id);
	while ((rc = st_step(st)) == SQLITE_ROW)
		if ((*n)++ == 0)
			*id = st_column_int64(st, 0);
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, r->name);
	return NULL;
}

/*
 * The row of r whose field i holds text, exactly: *n is how many (0, 1, or
 * 2 for "more than one"), *id the first.  Returns only database errors.
 */
struct err *
res_find_by(struct ctx *ctx, const struct resource *r, int i,
    const char *text, long long *id, int *n)
{
	return find_by(ctx, r, i, text, NULL, id, n);
}

/*
 * The row of r that text names in an imported file: a pk ("12"), else the
 * first of r's keys (res.h) that exactly one row holds ("R-0001", a
 * category's "Electronics/Passives") -- of the rows scope allows, when it
 * has a condition (a pk is taken as it is).  Not found, or more than one
 * row with that value: *id is 0 and *why says so.  Returns only database
 * errors.
 */
struct err *
res_find_key(struct ctx *ctx, const struct resource *r, const char *text,
    const struct res_key_scope *scope, long long *id, const char **why)
{
	bool narrow = scope != NULL && scope->sql != NULL;
	const char *of = narrow ? mem_printf(&ctx->mem, " of %s",
	    scope->what) : "";
	long long pk;
	bool found;
	struct err *e;

	*id = 0;
	*why = NULL;
	if (val_id_text(text, &pk)) {
		if ((e = res_exists(ctx, r, pk, &found)) != NULL)
			return e;
		if (found)
			*id = pk;
		else
			*why = mem_printf(&ctx->mem, "Invalid pk \"%lld\" - "
			    "object does not exist.", pk);
		return NULL;
	}
	for (size_t k = 0; r->keys != NULL && r->keys[k] != NULL; k++) {
		int i = res_field(r, r->keys[k]), n;
		if (i < 0)
			continue;
		if ((e = find_by(ctx, r, i, text, scope, id, &n)) != NULL)
			return e;
		if (n == 1)
			return NULL;
		*id = 0;
		if (n > 1) {
			*why = mem_printf(&ctx->mem, "%d objects%s have %s "
			    "\"%s\": give the pk%s%s.", n, of,
			    r->fields[i].name, text, !narrow && scope != NULL &&
			    scope->hint != NULL ? ", or " : "", !narrow &&
			    scope != NULL && scope->hint != NULL ? scope->hint :
			    "");
			return NULL;
		}
	}
	*why = mem_printf(&ctx->mem, "No %s%s matches \"%s\".", r->name, of,
	    text);
	return NULL;
}
