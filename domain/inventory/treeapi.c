/*
 * treeapi: the category and location handlers as one.  See treeapi.h.
 */
#include <string.h>

#include "stockroom.h"
#include "field.h"
#include "json.h"
#include "list.h"
#include "inventory/star.h"
#include "inventory/treeapi.h"

/*
 * Shared by a tree's list and its tree/ list: parent/cascade/depth/
 * top_level filters, search and ordering.
 */
static int
tree_api_query(struct ctx *ctx, const struct tree_api *api, struct list_q *q)
{
	bool cascade;
	long long parent, depth;
	int rc;

	list_init(q, ctx, api->order_default);
	if ((rc = list_flag(ctx, "cascade", false, &cascade)) != 0 ||
	    (rc = list_filters(q, api->filters, api->nfilters,
	    cascade)) != 0 ||
	    (rc = list_search(q, api->search)) != 0 ||
	    (rc = list_page(q)) != 0)
		return rc;
	if (api->starred_sql != NULL && (rc = list_user_flag(q, "starred",
	    api->starred_sql, api->unstarred_sql)) != 0)
		return rc;
	const char *d = req_query(ctx, "depth");
	if (d != NULL && d[0] != '\0') {
		if (!txt_parse_int64(d, 0, 100, &depth))
			return resp_field_error(ctx, "depth",
			    "Enter a whole number from 0 to 100.");
		/* Levels below the parent (or below the top when none). */
		const char *pv = req_query(ctx, "parent");
		if (pv != NULL && txt_parse_int64(pv, 1, 999999999999999LL,
		    &parent)) {
			list_where(q, api->depth_below);
			list_bind_int(q, parent);
			list_bind_int(q, depth);
		} else {
			list_where(q, api->depth_top);
			list_bind_int(q, depth);
		}
	}
	list_ordering(q, api->orders, api->norders);
	return 0;
}

/* GET <tree>/ */
int
tree_api_list(struct ctx *ctx, const struct tree_api *api)
{
	struct list_q q;
	int rc = tree_api_query(ctx, api, &q);

	struct star_set stars = { 0 };	/* category_json()'s */

	if (rc != 0)
		return rc;
	return list_run(&q, api->select, api->count, api->json, &stars);
}

/* One row of tree_select as tree/ shows it; arg is the struct tree_api. */
static cJSON *
tree_api_tree_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	const struct tree_api *api = arg;
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, 0));
	json_text(o, "name", (const char *)sqlite3_column_text(st, 1));
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		json_null(o, "parent");
	else
		json_int(o, "parent", sqlite3_column_int64(st, 2));
	json_int(o, "level", sqlite3_column_int(st, 3));
	json_text(o, "icon", (const char *)sqlite3_column_text(st, 4));
	json_bool(o, "structural", sqlite3_column_int(st, 5));
	json_int(o, api->tree_children, sqlite3_column_int64(st, 6));
	return o;
}

/* GET <tree>/tree/ */
int
tree_api_tree(struct ctx *ctx, const struct tree_api *api)
{
	struct list_q q;
	int rc = tree_api_query(ctx, api, &q);

	if (rc != 0)
		return rc;
	return list_run(&q, api->tree_select, api->count, tree_api_tree_json,
	    (void *)api);
}

/* GET <tree>/<pk>/, with the path when ?path_detail=true. */
int
tree_api_detail(struct ctx *ctx, const struct tree_api *api)
{
	long long id = route_param_id(ctx, "pk");
	int status;
	bool path;
	int rc = list_flag(ctx, "path_detail", false, &path);

	if (rc != 0)
		return rc;
	cJSON *o = api->get(ctx, id, &status);
	if (o == NULL)
		return status;
	if (path) {
		cJSON *a = tree_path(ctx, api->kind, id);
		if (a == NULL) {
			cJSON_Delete(o);
			return ctx->resp.status;
		}
		json_item(o, "path", a);
	}
	return resp_json(ctx, 200, o);
}

/*
 * Checks parent (no cycle), the stock location field if any, the name
 * unique under the parent, and structural only when the node is empty.
 */
static int
tree_api_validate(struct ctx *ctx, const struct tree_api *api, long long id,
    struct field_val *v)
{
	long long parent = v[api->f_parent].null ? 0 : v[api->f_parent].i;
	int rc;

	if ((rc = tree_check_parent(ctx, api->kind, id, parent)) != 0)
		return rc;
	if (api->f_location >= 0 && !v[api->f_location].null) {
		rc = tree_exists(ctx, TREE_LOCATION, v[api->f_location].i,
		    NULL);
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0)
			return resp_field_error(ctx,
			    api->fields[api->f_location].name,
			    "Invalid pk \"%lld\" - object does not exist.",
			    v[api->f_location].i);
	}
	sqlite3_stmt *st = db_prepare(ctx, api->sql_dup);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_text(st, 2, v[api->f_name].s, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		return resp_field_error(ctx, "name", "Duplicate names cannot "
		    "exist under the same parent");
	if (id > 0 && v[api->f_structural].i) {
		sqlite3_stmt *hc = db_prepare(ctx, api->sql_has_contents);
		if (hc == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(hc, 1, id);
		if (sqlite3_step(hc) == SQLITE_ROW)
			return resp_field_error(ctx, "structural", "%s",
			    api->structural_msg);
	}
	return 0;
}

/*
 * Places node id after its insert or update (rc 0), commits, and answers
 * with the node; rolls back when rc or the placing failed.
 */
static int
tree_api_finish(struct ctx *ctx, const struct tree_api *api, long long id,
    int rc, int status)
{
	if (rc == 0)
		rc = tree_place(ctx, api->kind, id);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	int st;
	cJSON *o = api->get(ctx, id, &st);
	return o != NULL ? resp_json(ctx, status, o) : st;
}

/* POST <tree>/ */
int
tree_api_create(struct ctx *ctx, const struct tree_api *api)
{
	struct field_val v[TREE_API_FIELDS_MAX];
	const cJSON *body;
	int rc;

	field_defaults(api->fields, api->nfields, v);
	if ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = field_parse(ctx, body, api->fields, api->nfields, v,
	    true)) != 0 ||
	    (rc = db_begin(ctx)) != 0)
		return rc;
	long long id = 0;
	rc = tree_api_validate(ctx, api, 0, v);
	if (rc == 0) {
		sqlite3_stmt *st = db_prepare(ctx, api->sql_insert);
		if (st == NULL)
			rc = ctx->resp.status;
		else {
			field_bind_all(st, 1, api->fields, api->nfields, v);
			rc = field_step(ctx, st, api->what_insert);
			id = sqlite3_last_insert_rowid(ctx->db);
		}
	}
	return tree_api_finish(ctx, api, id, rc, 201);
}

/* PUT/PATCH <tree>/<pk>/ */
int
tree_api_update(struct ctx *ctx, const struct tree_api *api)
{
	long long id = route_param_id(ctx, "pk");
	bool put = strcmp(ctx->req.method, "PUT") == 0;
	struct field_val v[TREE_API_FIELDS_MAX];
	const cJSON *body;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0 || (rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *ld = db_prepare(ctx, api->sql_load);
	if (ld == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(ld, 1, id);
	if (sqlite3_step(ld) != SQLITE_ROW) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No %s matches the given query.",
		    api->model);
	}
	field_load(ctx, ld, 0, api->fields, api->nfields, v);
	rc = field_parse(ctx, body, api->fields, api->nfields, v, put);
	if (rc == 0)
		rc = tree_api_validate(ctx, api, id, v);
	if (rc == 0) {
		sqlite3_stmt *st = db_prepare(ctx, api->sql_update);
		if (st == NULL)
			rc = ctx->resp.status;
		else {
			field_bind_all(st, 1, api->fields, api->nfields, v);
			sqlite3_bind_int64(st, (int)api->nfields + 1, id);
			rc = field_step(ctx, st, api->what_update);
		}
	}
	if (rc == 0 && api->starred_sql != NULL)
		rc = star_apply(ctx, body, api->starred, id);
	return tree_api_finish(ctx, api, id, rc, 200);
}

/*
 * A delete option: from the body (InvenTree reads request.data) or the
 * query string.  Returns 0 or 400.
 */
static int
tree_delete_option(struct ctx *ctx, const cJSON *body, const char *name,
    bool *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(body, name);

	*out = false;
	if (j == NULL)
		return list_flag(ctx, name, false, out);
	if (cJSON_IsBool(j)) {
		*out = cJSON_IsTrue(j);
		return 0;
	}
	if (cJSON_IsString(j) && txt_parse_bool(j->valuestring, out))
		return 0;
	if (cJSON_IsNumber(j) && (j->valuedouble == 0 || j->valuedouble == 1)) {
		*out = j->valuedouble == 1;
		return 0;
	}
	return resp_field_error(ctx, name, "Must be a valid boolean.");
}

/* DELETE <tree>/<pk>/ */
int
tree_api_delete(struct ctx *ctx, const struct tree_api *api)
{
	long long id = route_param_id(ctx, "pk");
	const cJSON *body;
	bool contents, children;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = tree_delete_option(ctx, body, api->delete_contents,
	    &contents)) != 0 ||
	    (rc = tree_delete_option(ctx, body, api->delete_children,
	    &children)) != 0 ||
	    (rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = tree_delete(ctx, api->kind, id, children, contents)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}
