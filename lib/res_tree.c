/*
 * res_tree: resources that are trees -- part categories and stock
 * locations -- kept consistent.
 *
 * Each node stores its parent and, derived from it, a path of ids
 * ("/1/5/9/"), the pathstring of names ("Electronics/Passives/Resistors")
 * and its level (0 at the top); the table <table>_tree (migration 0010)
 * holds every (ancestor, descendant) pair, kept by triggers, so that a
 * subtree is one index range (?parent=&cascade=, the contents' cascading
 * filters).  res_tree_place() recomputes path, pathstring and level for a
 * node and its whole subtree after an insert, a rename or a move;
 * res_tree_check() refuses a parent that would make a node its own
 * ancestor or the tree deeper than RES_TREE_LEVEL_MAX, a name taken under
 * the parent, and "structural" on a node that holds contents;
 * res_tree_delete() removes a node with InvenTree's four cases (its
 * children and its contents each deleted or moved up to its parent), with
 * two rules InvenTree lacks: a cascade needs the permission of what it
 * touches (deleting parts needs the part delete permission), and contents
 * never move into a structural parent, where nobody could edit them any
 * more.  Contents are deleted one by one through their own resource, so
 * their rules (an active part cannot be deleted) and hooks (search index,
 * events) hold.  Everything here runs inside the caller's transaction.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "res_tree.h"
#include "resp.h"
#include "text.h"
#include "val.h"

#define RES_TREE_LEVEL_MAX	100	/* the schema's CHECK on level */
#define RES_TREE_PATH_MAX	10000	/* and on pathstring, in characters */

struct tree_node {
	const char	*path;
	const char	*pathstring;
	long long	 level;
	long long	 parent;	/* 0: none */
	const char	*name;
	bool		 structural;
};

static db_stmt *
tree_stmt(struct ctx *ctx, const struct resource *r, enum res_tree_q k)
{
	return db_prepare(ctx, res_sql(r)->tree[k]);
}

/*
 * Query k (TQ_SET, TQ_SUBTREE) with a node's new place bound: ?1 its path
 * of ids, ?2 its path of names (both the caller's, unchanged until the
 * statement is stepped).  NULL when it cannot be prepared.
 */
static db_stmt *
tree_stmt_place(struct ctx *ctx, const struct resource *r,
    enum res_tree_q k, const char *path, const char *pathstring)
{
	db_stmt *st = tree_stmt(ctx, r, k);

	if (st != NULL) {
		st_bind_text(st, 1, path, -1, SQLITE_STATIC);
		st_bind_text(st, 2, pathstring, -1, SQLITE_STATIC);
	}
	return st;
}

/* Reads node id; *found false when there is none. */
static struct err *
tree_get(struct ctx *ctx, const struct resource *r, long long id,
    struct tree_node *n, bool *found)
{
	db_stmt *st = tree_stmt(ctx, r, TQ_GET);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "tree");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "tree", found)) != NULL || !*found)
		return e;
	n->path = mem_strdup(&ctx->mem, (const char *)st_column_text(st,
	    0));
	n->pathstring = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 1));
	n->level = st_column_int64(st, 2);
	n->parent = st_column_int64(st, 3);
	n->name = mem_strdup(&ctx->mem, (const char *)st_column_text(st,
	    4));
	n->structural = st_column_int(st, 5) != 0;
	st_reset(st);
	return NULL;
}

/* Does node id exist, and is it structural? */
struct err *
res_tree_node(struct ctx *ctx, const struct resource *r, long long id,
    bool *exists, bool *structural)
{
	db_stmt *st = tree_stmt(ctx, r, TQ_STRUCTURAL);
	struct err *e;

	if (structural != NULL)
		*structural = false;
	if (st == NULL)
		return db_err(ctx, "tree");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "tree", exists)) == NULL && *exists &&
	    structural != NULL)
		*structural = st_column_int(st, 0) != 0;
	st_reset(st);
	return e;
}

/* ---- statements ----------------------------------------------------- */

/*
 * The statements of a tree: T the nodes' table, C and K the contents'
 * table and the column that names their node.
 */
void
res_tree_sql(const struct resource *r, struct res_sql *q)
{
	const char *T = r->table, *a = r->alias;
	const char *C = r->tree->contents->table, *K = r->tree->contents_col;
	q->tree[TQ_GET] = res_sql_printf("SELECT path, pathstring, level, parent, "
	    "name, structural FROM %s WHERE id = ?", T);
	q->tree[TQ_SET] = res_sql_printf("UPDATE %s SET path = ?, pathstring = ?, "
	    "level = ? WHERE id = ?", T);
	q->tree[TQ_SUBTREE] = res_sql_printf("UPDATE %s SET path = ?1 || "
	    "substr(path, length(?4) + 1), pathstring = ?2 || "
	    "substr(pathstring, length(?5) + 1), level = level + ?3 WHERE "
	    "path > ?4 AND path < ?4 || '~'", T);
	q->tree[TQ_CHILDREN] = res_sql_printf("SELECT id FROM %s WHERE parent = ? "
	    "ORDER BY id", T);
	q->tree[TQ_REPARENT] = res_sql_printf("UPDATE %s SET parent = ? WHERE "
	    "parent = ?", T);
	q->tree[TQ_DESCENDANTS] = res_sql_printf("SELECT id FROM %s WHERE "
	    "path > ?1 AND path < ?1 || '~' ORDER BY level DESC, id", T);
	q->tree[TQ_MOVE] = res_sql_printf("UPDATE %s SET %s = ? WHERE %s = ?", C,
	    K, K);
	q->tree[TQ_MOVE_SUBTREE] = res_sql_printf("UPDATE %s SET %s = ?1 WHERE "
	    "%s IN (SELECT id FROM %s WHERE path >= ?2 AND path < ?2 || '~')",
	    C, K, K, T);
	q->tree[TQ_CONTENTS] = res_sql_printf("SELECT id FROM %s WHERE %s = ? "
	    "ORDER BY id", C, K);
	q->tree[TQ_SUBTREE_CONTENTS] = res_sql_printf("SELECT id FROM %s WHERE %s "
	    "IN (SELECT id FROM %s WHERE path >= ?1 AND path < ?1 || '~') "
	    "ORDER BY id", C, K, T);
	q->tree[TQ_HAS_CONTENTS] = res_sql_printf("SELECT 1 FROM %s WHERE %s = ? "
	    "LIMIT 1", C, K);
	q->tree[TQ_HAS_SUBTREE_CONTENTS] = res_sql_printf("SELECT 1 FROM %s WHERE "
	    "%s IN (SELECT id FROM %s WHERE path >= ?1 AND path < ?1 || '~') "
	    "LIMIT 1", C, K, T);
	q->tree[TQ_ANCESTORS] = res_sql_printf("SELECT a.id, a.name FROM %s c, "
	    "%s a WHERE c.id = ? AND instr(c.path, '/' || a.id || '/') > 0 "
	    "ORDER BY a.level", T, T);
	q->tree[TQ_DUP] = res_sql_printf("SELECT 1 FROM %s WHERE ifnull(parent, 0) "
	    "= ?1 AND name = ?2 AND id <> ?3", T);
	q->tree[TQ_BELOW] = res_sql_printf("SELECT ifnull(max(level), 0), "
	    "ifnull(max(length(pathstring)), 0) FROM %s WHERE path >= ?1 AND "
	    "path < ?1 || '~'", T);
	q->tree[TQ_LIST] = res_sql_printf("SELECT %s.id, %s.name, %s.parent, "
	    "%s.level, %s.icon, %s.structural, (SELECT count(*) FROM %s d "
	    "WHERE d.parent = %s.id) FROM %s %s WHERE TRUE", a, a, a, a, a, a, T,
	    a, T, a);
	q->tree[TQ_PARENT_SUBTREE] = res_sql_printf(" AND %s.id IN (SELECT "
	    "descendant FROM %s_tree WHERE ancestor = ? AND descendant <> ?)",
	    a, T);
	q->tree[TQ_PARENT] = res_sql_printf(" AND %s.parent = ?", a);
	q->tree[TQ_TOP] = res_sql_printf(" AND %s.parent IS NULL", a);
	q->tree[TQ_NOT_TOP] = res_sql_printf(" AND %s.parent IS NOT NULL", a);
	q->tree[TQ_DEPTH_BELOW] = res_sql_printf(" AND %s.level <= (SELECT level "
	    "FROM %s WHERE id = ?) + ?", a, T);
	q->tree[TQ_DEPTH] = res_sql_printf(" AND %s.level <= ?", a);
	q->tree[TQ_STRUCTURAL] = res_sql_printf("SELECT structural FROM %s "
	    "WHERE id = ?", T);
}

/* ---- lists ---------------------------------------------------------- */

/*
 * ?parent= (with ?cascade=true, the whole subtree below it; "null": the
 * top, or with ?cascade=true every node), ?top_level=, ?depth= (levels
 * below the parent, or the top).  As InvenTree (API 174 on), an explicit
 * ?cascade=false without a parent is the top level.
 */
struct err *
res_tree_filters(struct ctx *ctx, const struct resource *r, struct list_q *q,
    bool cascade)
{
	static const struct field parent = { "parent", FT_ID, F_NULL, 0, 0,
	    NULL, NULL, NULL, NULL, NULL, NULL };
	static const struct field flag = { "top_level", FT_BOOL, 0, 0, 0,
	    NULL, NULL, NULL, NULL, NULL, NULL };
	struct res_sql *sql = res_sql(r);
	const char *s, *msg;
	struct val v, pv = { 0 };
	struct err *e;
	bool found;

	if ((s = req_query(ctx, "parent")) != NULL) {
		if ((msg = val_query(ctx, s, &parent, &pv)) != NULL)
			return err_field(ctx, "parent", "%s", msg);
		if (pv.null && cascade) {
			/* the whole tree: no condition */
		} else if (pv.null) {
			list_where(q, sql->tree[TQ_TOP]);
			list_note(q, "parent", "=null", 0);
		} else {
			if ((e = res_exists(ctx, r, pv.i, &found)) != NULL)
				return e;
			if (!found)
				return err_field(ctx, "parent", "Select a valid "
				    "choice. That choice is not one of the "
				    "available choices.");
			list_where_each(q, cascade ?
			    sql->tree[TQ_PARENT_SUBTREE] :
			    sql->tree[TQ_PARENT], &pv.i, NULL);
			list_note(q, "parent", cascade ? "<" : "=", pv.i);
		}
	}
	if (s == NULL && !cascade && req_query(ctx, "cascade") != NULL) {
		list_where(q, sql->tree[TQ_TOP]);
		list_note(q, "parent", "=null", 0);
	}
	if ((s = req_query(ctx, "top_level")) != NULL && s[0] != '\0') {
		if ((msg = val_query(ctx, s, &flag, &v)) != NULL)
			return err_field(ctx, "top_level", "%s", msg);
		list_where(q, sql->tree[v.i ? TQ_TOP : TQ_NOT_TOP]);
		list_note(q, "top_level", v.i ? "=1" : "=0", 0);
	}
	if ((s = req_query(ctx, "depth")) != NULL && s[0] != '\0') {
		long long depth;
		if (!txt_parse_int64(s, 0, RES_TREE_LEVEL_MAX, &depth))
			return err_field(ctx, "depth", "Enter a whole number "
			    "from 0 to %d.", RES_TREE_LEVEL_MAX);
		if (pv.present && !pv.null) {
			list_where(q, sql->tree[TQ_DEPTH_BELOW]);
			list_bind_int(q, pv.i);
			list_bind_int(q, depth);
		} else {
			list_where(q, sql->tree[TQ_DEPTH]);
			list_bind_int(q, depth);
		}
	}
	return NULL;
}

/* One row of the tree/ list, as JSON text; arg is the resource. */
static void
tree_row_text(struct ctx *ctx, db_stmt *st, void *arg, struct mem_buf *t)
{
	const struct resource *r = arg;
	const char *s;

	(void)ctx;
	mem_buf_add(t, "{\"pk\":", 6);
	json_buf_int(t, st_column_int64(st, 0));
	json_buf_name(t, "name", false);
	s = (const char *)st_column_text(st, 1);
	json_buf_str(t, s != NULL ? s : "");
	json_buf_name(t, "parent", false);
	if (st_column_type(st, 2) == SQLITE_NULL)
		json_buf_raw(t, "null");
	else
		json_buf_int(t, st_column_int64(st, 2));
	json_buf_name(t, "level", false);
	json_buf_int(t, st_column_int64(st, 3));
	json_buf_name(t, "icon", false);
	s = (const char *)st_column_text(st, 4);
	json_buf_str(t, s != NULL ? s : "");
	json_buf_name(t, "structural", false);
	json_buf_raw(t, st_column_int(st, 5) ? "true" : "false");
	json_buf_name(t, r->tree->children, false);
	json_buf_int(t, st_column_int64(st, 6));
	mem_buf_add(t, "}", 1);
}

/* GET <path>tree/: every node, briefly, with the list's filters. */
struct err *
res_tree_list(struct ctx *ctx)
{
	const struct resource *r = ctx->res;
	struct list_q q;
	struct err *e;

	if ((e = res_query(ctx, r, &q, NULL)) != NULL ||
	    (e = res_tally(ctx, r, &q)) != NULL)
		return e;
	return list_run(&q, res_sql(r)->tree[TQ_LIST], res_sql(r)->count,
	    tree_row_text, (void *)r);
}

/*
 * The node and its ancestors, top first, as [{"pk", "name"}, ...]
 * (InvenTree's path_detail), or NULL with *e set.
 */
cJSON *
res_tree_path(struct ctx *ctx, const struct resource *r, long long id,
    struct err **e)
{
	db_stmt *st = tree_stmt(ctx, r, TQ_ANCESTORS);
	cJSON *a = cJSON_CreateArray();
	int rc;

	if (a == NULL)
		mem_oom();
	if (st == NULL) {
		cJSON_Delete(a);
		*e = db_err(ctx, "tree path");
		return NULL;
	}
	st_bind_int64(st, 1, id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		cJSON *p = cJSON_CreateObject();
		if (p == NULL)
			mem_oom();
		json_int(p, "pk", st_column_int64(st, 0));
		json_text(p, "name", (const char *)st_column_text(st, 1));
		cJSON_AddItemToArray(a, p);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		*e = db_err(ctx, "tree path");
		return NULL;
	}
	return a;
}

/* ---- writing -------------------------------------------------------- */

/* Does the node (or its subtree) hold contents? */
static struct err *
tree_has_contents(struct ctx *ctx, const struct resource *r, long long id,
    const char *path, bool *has)
{
	db_stmt *st = tree_stmt(ctx, r, path != NULL ?
	    TQ_HAS_SUBTREE_CONTENTS : TQ_HAS_CONTENTS);

	if (st == NULL)
		return db_err(ctx, "tree contents");
	if (path != NULL)
		st_bind_text(st, 1, path, -1, SQLITE_STATIC);
	else
		st_bind_int64(st, 1, id);
	struct err *e = db_row(ctx, st, "tree contents", has);
	st_reset(st);
	return e;
}

/*
 * The tree's rules for a node about to be written (w->id 0: a new one):
 * the parent must not be the node or below it, the tree must stay within
 * RES_TREE_LEVEL_MAX levels and its paths of names within
 * RES_TREE_PATH_MAX characters, the name must be free under the parent,
 * and a node that holds contents cannot become structural.  Problems go
 * into es.
 */
struct err *
res_tree_check(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct resource *r = w->res;
	int fp = res_field(r, "parent"), fn = res_field(r, "name"),
	    fs = res_field(r, "structural");
	long long parent = w->v[fp].null ? 0 : w->v[fp].i;
	struct tree_node pn = { "/", "", -1, 0, "", false }, me;
	struct err *e;
	bool found;

	if (parent > 0) {
		if ((e = tree_get(ctx, r, parent, &pn, &found)) != NULL)
			return e;
		if (!found)
			return NULL;	/* res_check_refs() said so */
		if (parent == w->id) {
			errs_add(es, "parent", "Cannot assign an item as its own "
			    "parent");
			return NULL;
		}
		char needle[32];
		snprintf(needle, sizeof(needle), "/%lld/", w->id);
		if (w->id > 0 && strstr(pn.path, needle) != NULL) {
			errs_add(es, "parent", "Cannot assign a child item as "
			    "the parent of its own ancestor");
			return NULL;
		}
	}
	/* How deep and how long the subtree goes, for a node that exists. */
	long long depth = 0, longest = 0, mine = 0;
	if (w->id > 0) {
		if ((e = tree_get(ctx, r, w->id, &me, &found)) != NULL)
			return e;
		db_stmt *st = tree_stmt(ctx, r, TQ_BELOW);
		if (st == NULL)
			return db_err(ctx, "tree");
		st_bind_text(st, 1, me.path, -1, SQLITE_STATIC);
		if ((e = db_row(ctx, st, "tree", &found)) != NULL)
			return e;
		depth = st_column_int64(st, 0) - me.level;
		longest = st_column_int64(st, 1);
		mine = (long long)val_chars(me.pathstring);
		st_reset(st);
		if (depth < 0)
			depth = 0;
	}
	if (pn.level + 1 + depth > RES_TREE_LEVEL_MAX)
		errs_addf(es, "parent", "The tree may be at most %d levels deep: "
		    "this would put %s at level %lld.", RES_TREE_LEVEL_MAX,
		    depth > 0 ? "the lowest node below it" : "it",
		    pn.level + 1 + depth);
	long long prefix = parent > 0 ? (long long)val_chars(pn.pathstring) +
	    1 : 0;
	long long ps = prefix + (long long)val_chars(w->v[fn].s);
	if (w->id > 0 && longest > mine)
		ps += longest - mine;
	if (ps > RES_TREE_PATH_MAX)
		errs_addf(es, "name", "The path of names would be longer than "
		    "%d characters.", RES_TREE_PATH_MAX);

	db_stmt *st = tree_stmt(ctx, r, TQ_DUP);
	if (st == NULL)
		return db_err(ctx, "tree");
	st_bind_int64(st, 1, parent);
	st_bind_text(st, 2, w->v[fn].s, -1, SQLITE_STATIC);
	st_bind_int64(st, 3, w->id);
	if ((e = db_row(ctx, st, "tree", &found)) != NULL)
		return e;
	st_reset(st);
	if (found)
		errs_add(es, "name", "Duplicate names cannot exist under the "
		    "same parent");
	if (w->id > 0 && fs >= 0 && w->v[fs].i && !w->old[fs].i) {
		bool has;
		if ((e = tree_has_contents(ctx, r, w->id, NULL, &has)) != NULL)
			return e;
		if (has)
			errs_add(es, "structural", r->tree->structural_msg);
	}
	return NULL;
}

/*
 * Recomputes path, pathstring and level of node id from its parent and
 * name, and rewrites those of its whole subtree to match (after a move or
 * rename).
 */
struct err *
res_tree_place(struct ctx *ctx, const struct resource *r, long long id)
{
	struct tree_node n, p;
	struct err *e;
	bool found;

	if ((e = tree_get(ctx, r, id, &n, &found)) != NULL)
		return e;
	if (!found)
		return err_internal(ctx, "tree place: node gone");
	char *path, *ps;
	long long level = 0;
	if (n.parent > 0) {
		if ((e = tree_get(ctx, r, n.parent, &p, &found)) != NULL)
			return e;
		if (!found)
			return err_internal(ctx, "tree place: parent gone");
		path = mem_printf(&ctx->mem, "%s%lld/", p.path, id);
		ps = mem_printf(&ctx->mem, "%s/%s", p.pathstring, n.name);
		level = p.level + 1;
	} else {
		path = mem_printf(&ctx->mem, "/%lld/", id);
		ps = mem_strdup(&ctx->mem, n.name);
	}
	if (strcmp(path, n.path) == 0 && strcmp(ps, n.pathstring) == 0 &&
	    level == n.level)
		return NULL;

	db_stmt *up = tree_stmt_place(ctx, r, TQ_SET, path, ps);
	if (up == NULL)
		return db_err(ctx, "tree");
	st_bind_int64(up, 3, level);
	st_bind_int64(up, 4, id);
	if ((e = db_step(ctx, up, "tree set")) != NULL ||
	    strlen(n.path) <= 1)	/* a new node: no subtree */
		return e;

	db_stmt *sub = tree_stmt_place(ctx, r, TQ_SUBTREE, path, ps);
	if (sub == NULL)
		return db_err(ctx, "tree");
	st_bind_int64(sub, 3, level - n.level);
	st_bind_text(sub, 4, n.path, -1, SQLITE_STATIC);
	st_bind_text(sub, 5, n.pathstring, -1, SQLITE_STATIC);
	return db_step(ctx, sub, "tree subtree");
}

/*
 * A delete option: from the body (InvenTree reads request.data) or the
 * query string.
 */
static struct err *
tree_option(struct ctx *ctx, const cJSON *body, const char *name, bool *out)
{
	static const struct field flag = { "option", FT_BOOL, 0, 0, 0, NULL,
	    NULL, NULL, NULL, NULL, NULL };
	const cJSON *j = cJSON_IsObject(body) ?
	    cJSON_GetObjectItemCaseSensitive(body, name) : NULL;
	struct val v;
	const char *msg;

	*out = false;
	if (j == NULL)
		return list_flag(ctx, name, false, out);
	if ((msg = val_json(ctx, j, &flag, &v)) != NULL)
		return err_field(ctx, name, "%s", msg);
	*out = v.i != 0;
	return NULL;
}

/* The ids sql (bound to id or path) gives. */
static struct err *
tree_ids(struct ctx *ctx, const struct resource *r, enum res_tree_q k,
    long long id, const char *path, long long **ids, size_t *n)
{
	db_stmt *st = tree_stmt(ctx, r, k);
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(ctx, "tree");
	if (path != NULL)
		st_bind_text(st, 1, path, -1, SQLITE_STATIC);
	else
		st_bind_int64(st, 1, id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			long long *v = mem_alloc(&ctx->mem, cap * sizeof(*v));
			if (*n > 0)
				memcpy(v, *ids, *n * sizeof(*v));
			*ids = v;
		}
		(*ids)[(*n)++] = st_column_int64(st, 0);
	}
	st_reset(st);
	return rc == SQLITE_DONE ? NULL : db_err(ctx, "tree");
}

/* Deletes the contents ids, each through its own resource. */
static struct err *
tree_delete_contents(struct ctx *ctx, const struct resource *r,
    const long long *ids, size_t n)
{
	const struct resource *c = r->tree->contents;
	struct err *e;

	if (n == 0)
		return NULL;
	if ((e = perm_need(ctx, c->area, PERM_DELETE)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++)
		if ((e = res_delete_row(ctx, c, ids[i])) != NULL)
			return e;
	return NULL;
}

/*
 * Moves the contents of the node (or of its subtree, by path) to parent.
 * Moving changes them: it needs their change permission, and never puts
 * them into a structural node.
 */
static struct err *
tree_move_contents(struct ctx *ctx, const struct resource *r, long long id,
    const char *path, long long parent)
{
	const struct resource *c = r->tree->contents;
	struct err *e;
	bool has, found, structural;

	if ((e = tree_has_contents(ctx, r, id, path, &has)) != NULL || !has)
		return e;
	if ((e = perm_need(ctx, c->area, PERM_CHANGE)) != NULL)
		return e;
	if (parent > 0) {
		if ((e = res_tree_node(ctx, r, parent, &found,
		    &structural)) != NULL)
			return e;
		if (structural)
			return err_field(ctx, "non_field_errors", "Its %s "
			    "would move up into a structural %s, where they "
			    "cannot be: move them first, or delete them with "
			    "%s.", c->plural, r->noun, r->tree->delete_contents);
	}
	db_stmt *st = tree_stmt(ctx, r, path != NULL ? TQ_MOVE_SUBTREE :
	    TQ_MOVE);
	if (st == NULL)
		return db_err(ctx, "tree");
	db_bind_id(st, 1, parent);
	if (path != NULL)
		st_bind_text(st, 2, path, -1, SQLITE_STATIC);
	else
		st_bind_int64(st, 2, id);
	return db_step(ctx, st, "tree move");
}

/* Deletes rows of the tree's own table by id, deepest first. */
static struct err *
tree_delete_nodes(struct ctx *ctx, const struct resource *r,
    const long long *ids, size_t n)
{
	db_stmt *st = db_prepare(ctx, res_sql(r)->delete);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "tree delete");
	for (size_t i = 0; i < n; i++) {
		st_reset(st);
		st_bind_int64(st, 1, ids[i]);
		if ((e = db_step(ctx, st, "tree delete")) != NULL)
			return e;
	}
	st_reset(st);
	return NULL;
}

/*
 * Deletes node id with the request's options (r->tree's delete_contents
 * and delete_children, from the body or the query), InvenTree's four
 * cases:
 *   children and contents: every node and all contents below go;
 *   children only: the contents below move up to the parent, the nodes go;
 *   contents only: the node's own contents go, its children move up;
 *   neither: its contents and its children move up to the parent.
 */
struct err *
res_tree_delete(struct ctx *ctx, const struct resource *r, long long id)
{
	struct tree_node n;
	const cJSON *body;
	struct err *e;
	bool found, contents, children;
	long long *ids;
	size_t nids;

	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = tree_option(ctx, body, r->tree->delete_contents,
	    &contents)) != NULL ||
	    (e = tree_option(ctx, body, r->tree->delete_children,
	    &children)) != NULL ||
	    (e = tree_get(ctx, r, id, &n, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, r->name);
	if (children) {
		if (contents) {
			if ((e = tree_ids(ctx, r, TQ_SUBTREE_CONTENTS, 0, n.path,
			    &ids, &nids)) != NULL ||
			    (e = tree_delete_contents(ctx, r, ids,
			    nids)) != NULL)
				return e;
		} else if ((e = tree_move_contents(ctx, r, id, n.path,
		    n.parent)) != NULL)
			return e;
		if ((e = tree_ids(ctx, r, TQ_DESCENDANTS, 0, n.path, &ids,
		    &nids)) != NULL ||
		    (e = tree_delete_nodes(ctx, r, ids, nids)) != NULL)
			return e;
		return tree_delete_nodes(ctx, r, &id, 1);
	}
	if (contents) {
		if ((e = tree_ids(ctx, r, TQ_CONTENTS, id, NULL, &ids,
		    &nids)) != NULL ||
		    (e = tree_delete_contents(ctx, r, ids, nids)) != NULL)
			return e;
	} else if ((e = tree_move_contents(ctx, r, id, NULL, n.parent)) != NULL)
		return e;

	/* Children move up: reparent them, then re-place each subtree. */
	if ((e = tree_ids(ctx, r, TQ_CHILDREN, id, NULL, &ids, &nids)) != NULL)
		return e;
	db_stmt *st = tree_stmt(ctx, r, TQ_REPARENT);
	if (st == NULL)
		return db_err(ctx, "tree");
	db_bind_id(st, 1, n.parent);
	st_bind_int64(st, 2, id);
	if ((e = db_step(ctx, st, "tree reparent")) != NULL)
		return e;
	for (size_t i = 0; i < nids; i++)
		if ((e = res_tree_place(ctx, r, ids[i])) != NULL)
			return e;
	return tree_delete_nodes(ctx, r, &id, 1);
}
