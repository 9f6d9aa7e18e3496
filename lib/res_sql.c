/*
 * res_sql: the SQL text of a resource, made from its description.  This
 * is the one place where SQL is put together from names (tables,
 * columns, aliases -- all constants of the descriptions, never request
 * data): a second database engine's dialect goes here, not into every
 * resource.
 *
 * The text is made on a resource's first use in a process and kept for
 * the process (in the resource's struct res_sql): the same for every
 * request, so FastCGI processes make it once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "mem.h"
#include "res.h"

/* A string for the process: malloc'd, never freed. */
char *
res_sql_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		mem_oom();
	return s;
}

/* Appends to a growing string. */
static void
sql_cat(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sql_cat(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *n;

	va_start(ap, fmt);
	int len = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (len < 0 || asprintf(&n, "%s%s", *s != NULL ? *s : "", add) < 0)
		mem_oom();
	free(add);
	free(*s);
	*s = n;
}

/*
 * Is a read-only field's col a column name (so it takes the alias) rather
 * than an expression?  Names start with a lower-case letter; NULL, 0, ''
 * and (SELECT ...) are expressions.
 */
static bool
sql_is_name(const char *s)
{
	return s[0] >= 'a' && s[0] <= 'z' && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz_0123456789") == strlen(s);
}

/* Does field f have a column of the table (is it written and read)? */
static bool
sql_writable(const struct field *f)
{
	return !(f->flags & F_NO_COLUMN) && (!(f->flags & F_READ_ONLY) ||
	    (f->flags & F_STORED));
}

/* The column of a writable field. */
static const char *
sql_column(const struct field *f)
{
	return f->col != NULL ? f->col : f->name;
}

/*
 * The statements of the rules between fields: for each reference with a
 * condition (ref_if), whether the row it names meets it; for each unique
 * set (res_unique), whether another row holds the same values.
 */
static void
sql_rules(const struct resource *r, struct res_sql *q)
{
	q->ref_exists = calloc(r->nfields + 1, sizeof(*q->ref_exists));
	q->unique = calloc(r->nunique + 1, sizeof(*q->unique));
	if (q->ref_exists == NULL || q->unique == NULL)
		mem_oom();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->ref != NULL && f->ref_if != NULL)
			q->ref_exists[i] = res_sql_printf("SELECT 1 FROM %s "
			    "WHERE id = ? AND (%s)", f->ref->table, f->ref_if);
	}
	for (size_t k = 0; k < r->nunique; k++) {
		char *s = res_sql_printf("SELECT 1 FROM %s WHERE", r->table);
		size_t n = 0;
		for (; n < RES_UNIQUE_MAX && r->unique[k].fields[n] != NULL;
		    n++) {
			int i = res_field(r, r->unique[k].fields[n]);
			if (i < 0)
				abort();	/* a typo in a description */
			sql_cat(&s, " %s = ?%zu AND", sql_column(&r->fields[i]),
			    n + 1);
		}
		sql_cat(&s, " id <> ?%zu", n + 1);
		q->unique[k] = s;
	}
}

/* What a SELECT gives for field f, with the table's alias a. */
static char *
sql_select_item(const struct field *f, const char *a)
{
	if (f->flags & (F_NO_COLUMN | F_WRITE_ONLY))
		return res_sql_printf("NULL");
	const char *c = sql_column(f);
	if (!(f->flags & F_READ_ONLY) || sql_is_name(c))
		return res_sql_printf("%s.%s", a, c);
	return res_sql_printf("%s", c);
}

/* The ordering fragments: the description's own, then one per F_ORDER
 * field (and "pk", "id"). */
static void
sql_orders(const struct resource *r, struct res_sql *q)
{
	size_t n = r->norders + 2;
	const char *a = r->alias;

	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].flags & F_ORDER)
			n++;
	struct list_order *o = calloc(n, sizeof(*o));
	if (o == NULL)
		mem_oom();
	size_t k = 0;
	for (size_t i = 0; i < r->norders; i++, k++) {
		o[k].name = r->orders[i].name;
		o[k].asc = r->orders[i].asc;
		o[k].desc = r->orders[i].desc;
		o[k].join = r->orders[i].join;
		o[k].walk = r->orders[i].walk;
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (!(f->flags & F_ORDER))
			continue;
		char *c = sql_select_item(f, a);
		o[k].name = f->name;
		o[k].asc = res_sql_printf("%s, %s.id", c, a);
		o[k].desc = res_sql_printf("%s DESC, %s.id DESC", c, a);
		/* The resource's own order (a part's name): its index gives
		 * the rows either way, as for the default order. */
		o[k].walk = r->order != NULL && strcmp(o[k].asc, r->order) == 0;
		free(c);
		k++;
	}
	static const char *const pk[] = { "pk", "id" };
	for (size_t i = 0; i < 2; i++, k++) {
		o[k].name = pk[i];
		o[k].asc = res_sql_printf("%s.id", a);
		o[k].desc = res_sql_printf("%s.id DESC", a);
		o[k].walk = true;	/* the table itself */
	}
	q->orders = o;
	q->norders = k;
}

/* The filter fragments of the F_FILTER fields. */
static void
sql_filters(const struct resource *r, struct res_sql *q)
{
	q->filter_sql = calloc(r->nfields, sizeof(*q->filter_sql));
	q->filter_null = calloc(r->nfields, sizeof(*q->filter_null));
	if (q->filter_sql == NULL || q->filter_null == NULL)
		mem_oom();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (!(f->flags & F_FILTER))
			continue;
		char *c = sql_select_item(f, r->alias);
		q->filter_sql[i] = res_sql_printf(" AND %s = ?", c);
		q->filter_null[i] = res_sql_printf(" AND %s IS NULL", c);
		free(c);
	}
}

/*
 * Which read-only fields are constants of the description ("0", "NULL",
 * "''", "'[]'"): the renderer writes them without reading the row.
 */
static void
sql_constants(const struct resource *r, struct res_sql *q)
{
	q->konst = calloc(r->nfields + 1, sizeof(*q->konst));
	if (q->konst == NULL)
		mem_oom();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const char *c = f->col;
		size_t n = c != NULL ? strlen(c) : 0;
		if (!(f->flags & F_READ_ONLY) || c == NULL)
			continue;
		if (strcmp(c, "NULL") == 0)
			q->konst[i].kind = RES_K_NULL;
		else if (n > 0 && strspn(c, "0123456789") == n) {
			char buf[DEC_BUFSZ];
			struct res_const *k = &q->konst[i];
			k->kind = RES_K_INT;
			k->i = strtoll(c, NULL, 10);
			k->json = f->type == FT_BOOL ? (k->i ? "true" : "false") :
			    f->type == FT_DEC ? res_sql_printf("%s",
			    dec_format(k->i * DEC_SCALE, buf)) :
			    res_sql_printf("%lld", k->i);
		} else if (n >= 2 && c[0] == '\'' && c[n - 1] == '\'' &&
		    memchr(c + 1, '\'', n - 2) == NULL) {
			q->konst[i].kind = RES_K_TEXT;
			q->konst[i].s = res_sql_printf("%.*s", (int)(n - 2), c + 1);
		}
	}
}

/* The renderer's plan: each shown field, how, from which column. */
static void
sql_plan(const struct resource *r, struct res_sql *q)
{
	q->plan = calloc(r->nfields + 1, sizeof(*q->plan));
	if (q->plan == NULL)
		mem_oom();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		struct res_step *p = &q->plan[q->nplan];
		enum res_how h;
		if (f->flags & (F_WRITE_ONLY | F_NO_COLUMN | F_HOOK))
			continue;
		switch (f->type) {
		case FT_TEXT:
		case FT_NOTES:
		case FT_EMAIL:
		case FT_URL:
			h = (f->flags & F_EMPTY_NULL) ? RH_TEXT_EMPTY_NULL :
			    (f->flags & F_NULL) ? RH_TEXT_NULL : RH_TEXT;
			break;
		case FT_BOOL:
			h = RH_BOOL;
			break;
		case FT_CHOICE:
			h = (f->flags & F_LABEL) ? RH_LABEL : RH_INT_NN;
			break;
		case FT_INT:
		case FT_ID:
			/* A writable column that may not be null never is. */
			h = sql_writable(f) && !(f->flags & F_NULL) ? RH_INT_NN :
			    RH_INT;
			break;
		case FT_DEC:
			h = (f->flags & F_AS_STRING) ? RH_DEC_STRING :
			    sql_writable(f) && !(f->flags & F_NULL) ? RH_DEC_NN :
			    RH_DEC;
			break;
		case FT_DATE:
		case FT_DATETIME:
			h = RH_DATE;
			break;
		case FT_JSON:
			h = RH_JSON;
			break;
		case FT_IDS:
			h = RH_IDS;
			break;
		case FT_MEDIA:
			h = RH_MEDIA;
			break;
		case FT_FLOAT:
			h = RH_FLOAT;
			break;
		default:
			continue;
		}
		p->f = f;
		p->key = res_sql_printf(",\"%s\":", f->name);
		p->keylen = strlen(p->key);
		p->col = q->col[i];
		p->how = q->konst[i].kind != RES_K_NONE ? RH_CONST : h;
		p->k = &q->konst[i];
		q->nplan++;
	}
}

/*
 * The column that names a row of r for people, or NULL: a tree's path,
 * else its name (a user's username, an order's reference), else the
 * first of its import keys (res.h: a supplier part's SKU, a manufacturer
 * part's MPN), when it is a column of r's table.  *suffix: what follows
 * the reference's name in the export ("category_path", "part_SKU").
 */
static const char *
sql_name_col(const struct resource *r, const char **suffix)
{
	static const char *const names[] = { "pathstring", "name", "username",
	    "reference" };
	static const char *const suffixes[] = { "path", "name", "name",
	    "reference" };

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		int i = res_field(r, names[k]);
		if (i < 0)
			continue;
		const struct field *f = &r->fields[i];
		const char *c = sql_column(f);
		if ((f->flags & (F_NO_COLUMN | F_WRITE_ONLY | F_HOOK)) ||
		    !sql_is_name(c))
			continue;
		*suffix = suffixes[k];
		return c;
	}
	if (r->keys != NULL && r->keys[0] != NULL) {
		int i = res_field(r, r->keys[0]);
		const struct field *f = i >= 0 ? &r->fields[i] : NULL;
		const char *c = f != NULL ? sql_column(f) : NULL;
		/* Keys are spelt as InvenTree spells them: "SKU", "MPN". */
		if (f != NULL && !(f->flags & (F_NO_COLUMN | F_WRITE_ONLY |
		    F_HOOK)) && c[0] != '\0' && strspn(c, "abcdefghijklmnopqrstu"
		    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == strlen(c)) {
			*suffix = r->keys[0];
			return c;
		}
	}
	return NULL;
}

/*
 * The export's SELECT: the list's columns, then for each reference to a
 * resource with a name (sql_name_col) that name, read by its id, under
 * "<field>_path", "<field>_name" or "<field>_reference" (unless r has a
 * field of that name).
 */
static void
sql_export(const struct resource *r, struct res_sql *q, const char *cols,
    int ncols)
{
	char *x = NULL;

	q->rel = calloc(r->nfields + 1, sizeof(*q->rel));
	if (q->rel == NULL)
		mem_oom();
	sql_cat(&x, "%s", cols);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const char *suffix, *c;
		if (f->type != FT_ID || f->ref == NULL || q->col[i] < 0 ||
		    (c = sql_name_col(f->ref, &suffix)) == NULL)
			continue;
		char *name = res_sql_printf("%s_%s", f->name, suffix);
		if (res_field(r, name) >= 0) {
			free(name);
			continue;
		}
		char *item = sql_select_item(f, r->alias);
		sql_cat(&x, ", (SELECT xr_.%s FROM %s xr_ WHERE xr_.id = %s)",
		    c, f->ref->table, item);
		free(item);
		q->rel[q->nrel].field = (int)i;
		q->rel[q->nrel].name = name;
		q->rel[q->nrel].col = ncols++;
		q->nrel++;
	}
	q->export_select = res_sql_printf("SELECT %s FROM %s %s%s WHERE TRUE", x,
	    r->table, r->alias, r->join != NULL ? r->join : "");
	free(x);
}

/* Makes every statement of r (once per process). */
struct res_sql *
res_sql(const struct resource *r)
{
	struct res_sql *q = r->sql;
	const char *a = r->alias, *t = r->table;
	char *cols = NULL, *ins = NULL, *vals = NULL, *upd = NULL;
	char **items;
	int w = 0, ncols = 1;

	if (q->ready)
		return q;
	sql_constants(r, q);
	q->col = calloc(r->nfields + 1, sizeof(*q->col));
	items = calloc(r->nfields + 1, sizeof(*items));
	if (q->col == NULL || items == NULL)
		mem_oom();
	sql_cat(&cols, "%s.id", a);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		q->col[i] = -1;
		if (sql_writable(f)) {
			w++;
			sql_cat(&ins, "%s%s", w > 1 ? ", " : "", sql_column(f));
			sql_cat(&vals, "%s?", w > 1 ? ", " : "");
			sql_cat(&upd, "%s%s = ?%d", w > 1 ? ", " : "",
			    sql_column(f), w);
		}
		if ((f->flags & (F_NO_COLUMN | F_WRITE_ONLY)) ||
		    q->konst[i].kind != RES_K_NONE ||
		    ((f->flags & F_HOOK) && (f->flags & F_READ_ONLY) &&
		    f->col == NULL))	/* the hook makes it from others */
			continue;
		/* One column per expression: three fields showing in_stock
		 * read one. */
		char *c = sql_select_item(f, a);
		for (size_t k = 0; k < i && q->col[i] < 0; k++)
			if (items[k] != NULL && strcmp(items[k], c) == 0)
				q->col[i] = q->col[k];
		if (q->col[i] >= 0) {
			free(c);
			continue;
		}
		items[i] = c;
		q->col[i] = ncols++;
		sql_cat(&cols, ", %s", c);
	}
	const char *join = r->join != NULL ? r->join : "";
	q->select = res_sql_printf("SELECT %s FROM %s %s%s WHERE TRUE", cols, t,
	    a, join);
	q->count = res_sql_printf("SELECT count(*) FROM %s %s WHERE TRUE", t, a);
	q->ids = res_sql_printf("SELECT %s.id FROM %s %s%s WHERE TRUE", a, t, a,
	    join);
	q->key = res_sql_printf(" AND %s.id IN (", a);
	q->by_id = res_sql_printf(" AND %s.id = ?", a);
	q->select_one = res_sql_printf("%s%s", q->select, q->by_id);
	q->exists = res_sql_printf("SELECT 1 FROM %s WHERE id = ?", t);
	q->delete = res_sql_printf("DELETE FROM %s WHERE id = ?", t);
	q->nwrite = w;
	if (w > 0) {
		q->insert = res_sql_printf("INSERT INTO %s (%s) VALUES (%s)", t,
		    ins, vals);
		q->update = res_sql_printf("UPDATE %s SET %s WHERE id = ?%d", t,
		    upd, w + 1);
	} else {
		q->insert = res_sql_printf("INSERT INTO %s DEFAULT VALUES", t);
		q->update = NULL;
	}
	if (r->flags & RES_METADATA) {
		q->meta_get = res_sql_printf("SELECT metadata FROM %s WHERE "
		    "id = ?", t);
		q->meta_set = res_sql_printf("UPDATE %s SET metadata = ?1 WHERE "
		    "id = ?2", t);
	}
	sql_orders(r, q);
	sql_filters(r, q);
	sql_rules(r, q);
	sql_plan(r, q);
	sql_export(r, q, cols, ncols);
	if (r->tree != NULL)
		r->tree->sql(r, q);
	for (size_t i = 0; i < r->nfields; i++)
		free(items[i]);
	free(items);
	free(cols);
	free(ins);
	free(vals);
	free(upd);
	q->ready = true;
	return q;
}

/* The column of field i in r's SELECT, or -1 when it has none. */
int
res_col(const struct resource *r, int i)
{
	return res_sql(r)->col[i];
}
