/*
 * tree: categories and locations as trees.  See tree.h.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "tasks/event.h"
#include "json.h"
#include "resp.h"
#include "inventory/tree.h"

/* The same statements for each tree; the table names are constants. */
struct tree_sql {
	const char	*get;		/* id -> path, pathstring, level, parent,
					   name, structural */
	const char	*parent_of;	/* parent id -> path, pathstring, level */
	const char	*set;		/* path, pathstring, level, id */
	const char	*subtree;	/* new path, new pathstring, level delta,
					   old path, old pathstring */
	const char	*children;	/* parent id -> child ids */
	const char	*reparent;	/* new parent, old parent */
	const char	*del_subtree;	/* path */
	const char	*del_node;	/* id */
	const char	*move_contents;	/* new container, old container */
	const char	*move_subtree_contents;	/* new container, path */
	const char	*del_contents;	/* container */
	const char	*del_subtree_contents;	/* path */
	const char	*fts_forget_contents;		/* container */
	const char	*fts_forget_subtree_contents;	/* path */
	const char	*ancestors;	/* id -> (id, name) of the node and its
					   ancestors, top first */
	/* What deleting contents is an event for (event.h): the ids it
	 * names, from the container or the subtree's path. */
	enum event_kind	 deleted_event;
	const char	*deleted_ids;		/* container */
	const char	*deleted_subtree_ids;	/* path */
};

static const struct tree_sql tree_sqls[TREE__MAX] = {
	[TREE_CATEGORY] = {
		"SELECT path, pathstring, level, parent, name, structural "
		    "FROM part_category WHERE id = ?",
		"SELECT path, pathstring, level FROM part_category "
		    "WHERE id = ?",
		"UPDATE part_category SET path = ?, pathstring = ?, "
		    "level = ? WHERE id = ?",
		"UPDATE part_category SET path = ?1 || substr(path, "
		    "length(?4) + 1), pathstring = ?2 || substr(pathstring, "
		    "length(?5) + 1), level = level + ?3 "
		    "WHERE path > ?4 AND path < ?4 || '~'",
		"SELECT id FROM part_category WHERE parent = ? ORDER BY id",
		"UPDATE part_category SET parent = ? WHERE parent = ?",
		"DELETE FROM part_category WHERE path >= ?1 AND "
		    "path < ?1 || '~'",
		"DELETE FROM part_category WHERE id = ?",
		"UPDATE part SET category = ? WHERE category = ?",
		"UPDATE part SET category = ? WHERE category IN (SELECT id "
		    "FROM part_category WHERE path >= ?2 AND path < ?2 || '~')",
		"DELETE FROM part WHERE category = ?",
		"DELETE FROM part WHERE category IN (SELECT id FROM "
		    "part_category WHERE path >= ?1 AND path < ?1 || '~')",
		"DELETE FROM part_fts WHERE rowid IN (SELECT id FROM part "
		    "WHERE category = ?)",
		"DELETE FROM part_fts WHERE rowid IN (SELECT id FROM part "
		    "WHERE category IN (SELECT id FROM part_category WHERE "
		    "path >= ?1 AND path < ?1 || '~'))",
		"SELECT a.id, a.name FROM part_category c, part_category a "
		    "WHERE c.id = ? AND instr(c.path, '/' || a.id || '/') > 0 "
		    "ORDER BY a.level",
		EVENT_PART_DELETED,
		"SELECT id FROM part WHERE category = ?",
		"SELECT id FROM part WHERE category IN (SELECT id FROM "
		    "part_category WHERE path >= ?1 AND path < ?1 || '~')",
	},
	[TREE_LOCATION] = {
		"SELECT path, pathstring, level, parent, name, structural "
		    "FROM stock_location WHERE id = ?",
		"SELECT path, pathstring, level FROM stock_location "
		    "WHERE id = ?",
		"UPDATE stock_location SET path = ?, pathstring = ?, "
		    "level = ? WHERE id = ?",
		"UPDATE stock_location SET path = ?1 || substr(path, "
		    "length(?4) + 1), pathstring = ?2 || substr(pathstring, "
		    "length(?5) + 1), level = level + ?3 "
		    "WHERE path > ?4 AND path < ?4 || '~'",
		"SELECT id FROM stock_location WHERE parent = ? ORDER BY id",
		"UPDATE stock_location SET parent = ? WHERE parent = ?",
		"DELETE FROM stock_location WHERE path >= ?1 AND "
		    "path < ?1 || '~'",
		"DELETE FROM stock_location WHERE id = ?",
		"UPDATE stock_item SET location = ? WHERE location = ?",
		"UPDATE stock_item SET location = ? WHERE location IN (SELECT "
		    "id FROM stock_location WHERE path >= ?2 AND "
		    "path < ?2 || '~')",
		"DELETE FROM stock_item WHERE location = ?",
		"DELETE FROM stock_item WHERE location IN (SELECT id FROM "
		    "stock_location WHERE path >= ?1 AND path < ?1 || '~')",
		"DELETE FROM stock_item_fts WHERE rowid IN (SELECT id FROM "
		    "stock_item WHERE location = ?)",
		"DELETE FROM stock_item_fts WHERE rowid IN (SELECT id FROM "
		    "stock_item WHERE location IN (SELECT id FROM "
		    "stock_location WHERE path >= ?1 AND path < ?1 || '~'))",
		"SELECT a.id, a.name FROM stock_location c, stock_location a "
		    "WHERE c.id = ? AND instr(c.path, '/' || a.id || '/') > 0 "
		    "ORDER BY a.level",
		EVENT_STOCK_DELETED,
		"SELECT DISTINCT part FROM stock_item WHERE location = ?",
		"SELECT DISTINCT part FROM stock_item WHERE location IN "
		    "(SELECT id FROM stock_location WHERE path >= ?1 AND "
		    "path < ?1 || '~')",
	},
};

static void
tree_bind_id(sqlite3_stmt *st, int i, long long id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a prepared write to the end.  Returns 0 or the error status set. */
static int
tree_step(struct ctx *ctx, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return resp_error(ctx, 409, "This change conflicts with "
		    "existing data (a duplicate name under the same parent)");
	return db_fail(ctx, what);
}

/*
 * Does node id exist?  Sets *structural when it does (and structural is
 * not NULL).  Returns 1, 0, or -1 after setting an error.
 */
int
tree_exists(struct ctx *ctx, enum tree_kind k, long long id, bool *structural)
{
	sqlite3_stmt *st = db_prepare(ctx, tree_sqls[k].get);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		db_fail(ctx, "tree get");
		return -1;
	}
	if (structural != NULL)
		*structural = sqlite3_column_int(st, 5) != 0;
	return 1;
}

/*
 * May node id (0 for a node not yet created) have parent as its parent?
 * The parent must exist and must not be the node or one of its
 * descendants.  Returns 0, or 400 {"parent": [...]} (or 500) after setting
 * the answer.
 */
int
tree_check_parent(struct ctx *ctx, enum tree_kind k, long long id,
    long long parent)
{
	const struct tree_sql *q = &tree_sqls[k];

	if (parent <= 0)
		return 0;
	sqlite3_stmt *ps = db_prepare(ctx, q->parent_of);
	if (ps == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(ps, 1, parent);
	int rc = sqlite3_step(ps);
	if (rc == SQLITE_DONE)
		return resp_field_error(ctx, "parent", "Invalid pk \"%lld\" - "
		    "object does not exist.", parent);
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "tree parent");
	if (id <= 0)
		return 0;
	if (parent == id)
		return resp_field_error(ctx, "parent", "Cannot assign an item "
		    "as its own parent");
	/* Is the parent inside id's subtree, i.e. does its path hold /id/? */
	const char *ppath = (const char *)sqlite3_column_text(ps, 0);
	char needle[32];
	snprintf(needle, sizeof(needle), "/%lld/", id);
	if (ppath != NULL && strstr(ppath, needle) != NULL)
		return resp_field_error(ctx, "parent", "Cannot assign a child "
		    "item as the parent of its own ancestor");
	return 0;
}

/*
 * Recomputes path, pathstring and level of node id from its parent and
 * name, and rewrites those of its whole subtree to match (after a move or
 * rename).  Returns 0 or the error status set.
 */
int
tree_place(struct ctx *ctx, enum tree_kind k, long long id)
{
	const struct tree_sql *q = &tree_sqls[k];
	sqlite3_stmt *st = db_prepare(ctx, q->get);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "tree place");
	char *old_path = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 0));
	char *old_ps = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 1));
	long long old_level = sqlite3_column_int64(st, 2);
	long long parent = sqlite3_column_int64(st, 3);
	char *name = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 4));

	char *path, *ps;
	long long level = 0;
	if (parent > 0) {
		sqlite3_stmt *pst = db_prepare(ctx, q->parent_of);
		if (pst == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(pst, 1, parent);
		if (sqlite3_step(pst) != SQLITE_ROW)
			return db_fail(ctx, "tree parent");
		path = mem_printf(&ctx->mem, "%s%lld/",
		    (const char *)sqlite3_column_text(pst, 0), id);
		ps = mem_printf(&ctx->mem, "%s/%s",
		    (const char *)sqlite3_column_text(pst, 1), name);
		level = sqlite3_column_int64(pst, 2) + 1;
	} else {
		path = mem_printf(&ctx->mem, "/%lld/", id);
		ps = name;
	}
	if (strcmp(path, old_path) == 0 && strcmp(ps, old_ps) == 0 &&
	    level == old_level)
		return 0;

	sqlite3_stmt *up = db_prepare(ctx, q->set);
	if (up == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(up, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 2, ps, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 3, level);
	sqlite3_bind_int64(up, 4, id);
	int rc = tree_step(ctx, up, "tree set");
	if (rc != 0 || strlen(old_path) <= 1)	/* new node: no subtree */
		return rc;

	sqlite3_stmt *sub = db_prepare(ctx, q->subtree);
	if (sub == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(sub, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(sub, 2, ps, -1, SQLITE_STATIC);
	sqlite3_bind_int64(sub, 3, level - old_level);
	sqlite3_bind_text(sub, 4, old_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(sub, 5, old_ps, -1, SQLITE_STATIC);
	return tree_step(ctx, sub, "tree subtree");
}

/*
 * Runs a write whose ?1 is id a (NULL when 0) and, when the statement has
 * a ?2, either text (when not NULL) or id b.
 */
static int
tree_run2(struct ctx *ctx, const char *sql, long long a, long long b,
    const char *text, const char *what)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return ctx->resp.status;
	tree_bind_id(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2) {
		if (text != NULL)
			sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		else
			tree_bind_id(st, 2, b);
	}
	return tree_step(ctx, st, what);
}

/* Runs a write whose only parameter, ?1, is text. */
static int
tree_run_text(struct ctx *ctx, const char *sql, const char *text,
    const char *what)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	return tree_step(ctx, st, what);
}

/* The ids of contents about to be deleted (deleted_ids with id, or
 * deleted_subtree_ids with path), for their events once they are gone. */
struct tree_ids {
	long long	*v;
	size_t		 n;
};

static int
tree_collect(struct ctx *ctx, const char *sql, long long id, const char *path,
    struct tree_ids *ids)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return ctx->resp.status;
	if (path != NULL)
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ids->n == cap) {
			cap = cap ? cap * 2 : 16;
			long long *v = mem_alloc(&ctx->mem, cap * sizeof(*v));
			if (ids->n > 0)
				memcpy(v, ids->v, ids->n * sizeof(*v));
			ids->v = v;
		}
		ids->v[ids->n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		return db_fail(ctx, "tree contents");
	return 0;
}

/* Emits the tree's deleted_event for each collected id. */
static int
tree_emit(struct ctx *ctx, enum tree_kind k, const struct tree_ids *ids)
{
	int rc;

	for (size_t i = 0; i < ids->n; i++)
		if ((rc = event_emit(ctx, tree_sqls[k].deleted_event,
		    ids->v[i])) != 0)
			return rc;
	return 0;
}

/*
 * Deletes node id.  Its contents (parts, stock items) are deleted with
 * delete_contents, else moved to its parent; its children are deleted
 * (whole subtree, their contents following the same rule) with
 * delete_children, else moved up to its parent.  Deleted contents emit
 * their events (a part deleted; an item of a part deleted).  Returns 0,
 * or the error status set (404 when there is no such node).
 */
int
tree_delete(struct ctx *ctx, enum tree_kind k, long long id,
    bool delete_children, bool delete_contents)
{
	const struct tree_sql *q = &tree_sqls[k];
	sqlite3_stmt *st = db_prepare(ctx, q->get);
	int rc;

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return resp_error(ctx, 404, "No %s matches the given query.",
		    k == TREE_CATEGORY ? "PartCategory" : "StockLocation");
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "tree get");
	char *path = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 0));
	long long parent = sqlite3_column_int64(st, 3);

	struct tree_ids gone = { NULL, 0 };
	if (delete_children) {
		if (delete_contents) {
			if ((rc = tree_collect(ctx, q->deleted_subtree_ids, 0,
			    path, &gone)) != 0 ||
			    (rc = tree_run_text(ctx,
			    q->fts_forget_subtree_contents, path,
			    "tree fts")) != 0 ||
			    (rc = tree_run_text(ctx, q->del_subtree_contents,
			    path, "tree delete contents")) != 0 ||
			    (rc = tree_emit(ctx, k, &gone)) != 0)
				return rc;
		} else if ((rc = tree_run2(ctx, q->move_subtree_contents,
		    parent, 0, path, "tree move contents")) != 0)
			return rc;
		return tree_run_text(ctx, q->del_subtree, path,
		    "tree delete subtree");
	}

	if (delete_contents) {
		if ((rc = tree_collect(ctx, q->deleted_ids, id, NULL,
		    &gone)) != 0 ||
		    (rc = tree_run2(ctx, q->fts_forget_contents, id, 0, NULL,
		    "tree fts")) != 0 ||
		    (rc = tree_run2(ctx, q->del_contents, id, 0, NULL,
		    "tree delete contents")) != 0 ||
		    (rc = tree_emit(ctx, k, &gone)) != 0)
			return rc;
	} else if ((rc = tree_run2(ctx, q->move_contents, parent, id, NULL,
	    "tree move contents")) != 0)
		return rc;

	/* Children move up: collect them, reparent, re-place each subtree. */
	sqlite3_stmt *ch = db_prepare(ctx, q->children);
	if (ch == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(ch, 1, id);
	long long *kids = NULL;
	size_t nkids = 0, cap = 0;
	while ((rc = sqlite3_step(ch)) == SQLITE_ROW) {
		if (nkids == cap) {
			cap = cap ? cap * 2 : 16;
			long long *nk = mem_alloc(&ctx->mem, cap * sizeof(*nk));
			if (nkids > 0)
				memcpy(nk, kids, nkids * sizeof(*nk));
			kids = nk;
		}
		kids[nkids++] = sqlite3_column_int64(ch, 0);
	}
	if (rc != SQLITE_DONE)
		return db_fail(ctx, "tree children");
	if ((rc = tree_run2(ctx, q->reparent, parent, id, NULL,
	    "tree reparent")) != 0)
		return rc;
	for (size_t i = 0; i < nkids; i++)
		if ((rc = tree_place(ctx, k, kids[i])) != 0)
			return rc;
	return tree_run2(ctx, q->del_node, id, 0, NULL, "tree delete");
}

/*
 * The node and its ancestors, top first, as [{"pk", "name"}, ...]
 * (InvenTree's path_detail).  Returns NULL after setting an error.
 */
cJSON *
tree_path(struct ctx *ctx, enum tree_kind k, long long id)
{
	sqlite3_stmt *st = db_prepare(ctx, tree_sqls[k].ancestors);
	cJSON *a = cJSON_CreateArray();
	int rc;

	if (a == NULL)
		mem_oom();
	if (st == NULL) {
		cJSON_Delete(a);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *p = cJSON_CreateObject();
		if (p == NULL)
			mem_oom();
		json_int(p, "pk", sqlite3_column_int64(st, 0));
		json_text(p, "name", (const char *)sqlite3_column_text(st, 1));
		cJSON_AddItemToArray(a, p);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		db_fail(ctx, "tree path");
		return NULL;
	}
	return a;
}
