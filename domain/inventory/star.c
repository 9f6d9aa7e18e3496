/*
 * star: subscriptions to parts and categories.  See star.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "inventory/star.h"
#include "list.h"
#include "req.h"
#include "text.h"

static const char star_part_filter[] =
    " AND p.id IN (SELECT part FROM part_star WHERE user_id = ?)";
static const char star_part_filter_not[] =
    " AND p.id NOT IN (SELECT part FROM part_star WHERE user_id = ?)";
static const char star_category_filter[] =
    " AND c.id IN (SELECT category FROM part_category_star WHERE "
    "user_id = ?)";
static const char star_category_filter_not[] =
    " AND c.id NOT IN (SELECT category FROM part_category_star WHERE "
    "user_id = ?)";

/* Per kind: the user's stars, one star, subscribed at all, add, remove. */
static const struct {
	const char	*mine;
	const char	*one;
	const char	*subscribed;
	const char	*add;
	const char	*del;
} star_sql[STAR__MAX] = {
	[STAR_PART] = {
		"SELECT part FROM part_star WHERE user_id = ? ORDER BY part",
		"SELECT 1 FROM part_star WHERE user_id = ? AND part = ?",
		"SELECT EXISTS (SELECT 1 FROM part_star WHERE user_id = ?1 AND "
		    "part = ?2) OR EXISTS (SELECT 1 FROM part p, "
		    "part_category c, part_category_star s WHERE p.id = ?2 AND "
		    "c.id = p.category AND s.user_id = ?1 AND "
		    "instr(c.path, '/' || s.category || '/') > 0)",
		"INSERT OR IGNORE INTO part_star (user_id, part) VALUES (?, ?)",
		"DELETE FROM part_star WHERE user_id = ? AND part = ?",
	},
	[STAR_CATEGORY] = {
		"SELECT category FROM part_category_star WHERE user_id = ? "
		    "ORDER BY category",
		"SELECT 1 FROM part_category_star WHERE user_id = ? AND "
		    "category = ?",
		"SELECT EXISTS (SELECT 1 FROM part_category c, "
		    "part_category_star s WHERE c.id = ?2 AND s.user_id = ?1 "
		    "AND instr(c.path, '/' || s.category || '/') > 0)",
		"INSERT OR IGNORE INTO part_category_star (user_id, category) "
		    "VALUES (?, ?)",
		"DELETE FROM part_category_star WHERE user_id = ? AND "
		    "category = ?",
	},
};

static int
star_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Reads the user's stars of kind k into set (once). */
static void
star_load(struct ctx *ctx, struct star_set *set, enum star_kind k)
{
	db_stmt *st = db_prepare(ctx, star_sql[k].mine);
	size_t cap = 0;

	set->loaded = true;
	if (st == NULL)
		return;		/* rendering goes on: none starred */
	st_bind_int64(st, 1, ctx->user_id);
	while (st_step(st) == SQLITE_ROW) {
		if (set->n == cap) {
			cap = cap ? cap * 2 : 16;
			long long *ids = mem_alloc(&ctx->mem,
			    cap * sizeof(*ids));
			if (set->n > 0)
				memcpy(ids, set->ids, set->n * sizeof(*ids));
			set->ids = ids;
		}
		set->ids[set->n++] = st_column_int64(st, 0);
	}
	st_reset(st);
}

/*
 * Has the signed-in user starred object id of kind k itself?  With a set,
 * the user's stars are read once into it and looked up there (for list
 * rows); without, one query.  Errors count as "no".
 */
bool
star_is(struct ctx *ctx, struct star_set *set, enum star_kind k, long long id)
{
	if (ctx->user_id <= 0)
		return false;
	if (set != NULL) {
		if (!set->loaded)
			star_load(ctx, set, k);
		return set->n > 0 && bsearch(&id, set->ids, set->n,
		    sizeof(*set->ids), star_cmp) != NULL;
	}
	db_stmt *st = db_prepare(ctx, star_sql[k].one);
	if (st == NULL)
		return false;
	st_bind_int64(st, 1, ctx->user_id);
	st_bind_int64(st, 2, id);
	bool on = st_step(st) == SQLITE_ROW;
	st_reset(st);
	return on;
}

/*
 * Sets the signed-in user's star on object id (which exists) to want,
 * inside the caller's transaction, as InvenTree's set_starred(): when the
 * user's subscription (direct or through a category above) already is
 * what is asked, nothing changes; otherwise the object's own star is
 * added or removed.
 */
struct err *
star_apply(struct ctx *ctx, enum star_kind k, long long id, bool want)
{
	struct err *e;
	bool found;

	if (ctx->user_id <= 0)
		return NULL;
	db_stmt *sub = db_prepare(ctx, star_sql[k].subscribed);
	if (sub == NULL)
		return db_err(ctx, "star");
	st_bind_int64(sub, 1, ctx->user_id);
	st_bind_int64(sub, 2, id);
	if ((e = db_row(ctx, sub, "star", &found)) != NULL)
		return e;
	bool now = st_column_int(sub, 0) != 0;
	st_reset(sub);
	if (now == want)
		return NULL;
	db_stmt *st = db_prepare(ctx, want ? star_sql[k].add :
	    star_sql[k].del);
	if (st == NULL)
		return db_err(ctx, "star");
	st_bind_int64(st, 1, ctx->user_id);
	st_bind_int64(st, 2, id);
	return db_step(ctx, st, "star");
}

/*
 * ?starred=true/false on a list of kind k: only what the signed-in user
 * has starred, or only what not.
 */
struct err *
star_filter(struct ctx *ctx, struct list_q *q, enum star_kind k)
{
	const char *v = req_query(ctx, "starred");
	long long uid = ctx->user_id;
	bool b;

	if (v == NULL || v[0] == '\0')
		return NULL;
	if (!txt_parse_bool(v, &b))
		return err_field(ctx, "starred", "Enter a valid boolean: true, "
		    "false, 1, 0, yes or no.");
	list_where_each(q, k == STAR_PART ? (b ? star_part_filter :
	    star_part_filter_not) : (b ? star_category_filter :
	    star_category_filter_not), &uid, NULL);
	return NULL;
}
