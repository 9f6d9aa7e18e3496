/*
 * metadata: free-form metadata of inventory objects.  See metadata.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "files/metadata.h"
#include "req.h"
#include "resp.h"
#include "route.h"

static const struct {
	const char	*select;
	const char	*update;
	const char	*name;
} metadata_models[META__MAX] = {
	[META_PART] = { "SELECT metadata FROM part WHERE id = ?",
	    "UPDATE part SET metadata = ?1 WHERE id = ?2", "Part" },
	[META_CATEGORY] = { "SELECT metadata FROM part_category WHERE id = ?",
	    "UPDATE part_category SET metadata = ?1 WHERE id = ?2",
	    "PartCategory" },
	[META_LOCATION] = {
	    "SELECT metadata FROM stock_location WHERE id = ?",
	    "UPDATE stock_location SET metadata = ?1 WHERE id = ?2",
	    "StockLocation" },
	[META_STOCK_ITEM] = { "SELECT metadata FROM stock_item WHERE id = ?",
	    "UPDATE stock_item SET metadata = ?1 WHERE id = ?2",
	    "StockItem" },
};

/* The new metadata from the body into *cur (PUT replaces, PATCH merges). */
static int
metadata_apply(struct ctx *ctx, const cJSON *body, bool replace, cJSON **cur)
{
	const cJSON *md = cJSON_IsObject(body) ?
	    cJSON_GetObjectItemCaseSensitive(body, "metadata") : NULL;

	if (md == NULL)
		return resp_field_error(ctx, "metadata",
		    "This field is required.");
	if (!cJSON_IsObject(md))
		return resp_field_error(ctx, "metadata",
		    "Metadata must be a python dict object");
	if (replace) {
		cJSON_Delete(*cur);
		*cur = cJSON_Duplicate(md, true);
		return 0;
	}
	for (const cJSON *e = md->child; e != NULL; e = e->next) {
		cJSON *copy = cJSON_Duplicate(e, true);
		if (cJSON_GetObjectItemCaseSensitive(*cur, e->string) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(*cur, e->string,
			    copy);
		else
			cJSON_AddItemToObject(*cur, e->string, copy);
	}
	return 0;
}

/* GET, PUT or PATCH <object>/<pk>/metadata/. */
int
metadata_handle(struct ctx *ctx, enum metadata_model m)
{
	bool write = strcmp(ctx->req.method, "PUT") == 0 ||
	    strcmp(ctx->req.method, "PATCH") == 0;
	const cJSON *body = NULL;
	int rc;

	if (write && ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = db_begin(ctx)) != 0))
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, metadata_models[m].select);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, route_param_id(ctx, "pk"));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? resp_error(ctx, 404, "No %s matches "
		    "the given query.", metadata_models[m].name) :
		    db_fail(ctx, "metadata get");
		if (write)
			db_rollback(ctx);
		return rc;
	}
	cJSON *cur = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
	if (!cJSON_IsObject(cur)) {
		cJSON_Delete(cur);
		cur = cJSON_CreateObject();
	}
	if (write) {
		if ((rc = metadata_apply(ctx, body, strcmp(ctx->req.method,
		    "PUT") == 0, &cur)) != 0) {
			cJSON_Delete(cur);
			db_rollback(ctx);
			return rc;
		}
		char *s = cJSON_PrintUnformatted(cur);
		if (s == NULL)
			mem_oom();
		if (strlen(s) > METADATA_MAX) {
			free(s);
			cJSON_Delete(cur);
			db_rollback(ctx);
			return resp_field_error(ctx, "metadata", "Ensure this "
			    "field has no more than %d characters.",
			    METADATA_MAX);
		}
		sqlite3_stmt *up = db_prepare(ctx, metadata_models[m].update);
		if (up == NULL) {
			free(s);
			cJSON_Delete(cur);
			goto fail;
		}
		sqlite3_bind_text(up, 1, s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, route_param_id(ctx, "pk"));
		rc = sqlite3_step(up);
		free(s);
		if (rc != SQLITE_DONE) {
			cJSON_Delete(cur);
			rc = db_fail(ctx, "metadata update");
			db_rollback(ctx);
			return rc;
		}
		if ((rc = db_commit(ctx)) != 0) {
			cJSON_Delete(cur);
			return rc;
		}
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "metadata", cur);
	return resp_json(ctx, 200, o);
fail:
	if (write)
		db_rollback(ctx);
	return ctx->resp.status;
}
