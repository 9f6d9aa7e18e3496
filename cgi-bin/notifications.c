/*
 * notifications.cgi: the signed-in user's notifications
 * (/api/notifications/...), as InvenTree's NotificationMessage endpoints
 * serve them.  Every query is the user's own: another user's notification
 * is a 404 like one that does not exist.  Rows and the rules that make
 * them live in lib/notify.c.
 */
#include <string.h>

#include "stockroom.h"
#include "list.h"
#include "inventory/notify.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char notif_sql_read[] =
    "UPDATE notification SET read = ?3 WHERE id = ?1 AND user_id = ?2";
static const char notif_sql_delete[] =
    "DELETE FROM notification WHERE id = ?1 AND user_id = ?2";
static const char notif_sql_readall[] =
    "UPDATE notification SET read = 1 WHERE user_id = ? AND read = 0";

static const struct list_filter notif_filters[] = {
	{ "read", LIST_BOOL, " AND n.read = 1", " AND n.read = 0", NULL,
	  NULL },
	{ "category", LIST_TEXT, " AND n.category = ?", NULL, NULL, NULL },
};

static const struct list_order notif_orders[] = {
	{ "pk", "n.id", "n.id DESC" },
	{ "creation", "n.creation, n.id", "n.creation DESC, n.id DESC" },
	{ "category", "n.category, n.id", "n.category DESC, n.id DESC" },
	{ "name", "n.name, n.id", "n.name DESC, n.id DESC" },
	{ "read", "n.read, n.id", "n.read DESC, n.id DESC" },
};

static int
notif_404(struct ctx *ctx)
{
	return resp_error(ctx, 404, "No NotificationMessage matches the given "
	    "query.");
}

/* The user's notification id, answered with status; 404 if not theirs. */
static int
notif_answer(struct ctx *ctx, long long id, int status)
{
	sqlite3_stmt *st = db_prepare(ctx, notify_select_one);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ctx->user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return notif_404(ctx);
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "notification get");
	cJSON *o = notify_json(ctx, st, NULL);
	sqlite3_reset(st);
	return resp_json(ctx, status, o);
}

/* GET /api/notifications/: newest first; ?read=, ?category=, ordering. */
static int
notif_list(struct ctx *ctx)
{
	struct list_q q;
	int rc;

	list_init(&q, ctx, "n.id DESC");
	list_where(&q, " AND n.user_id = ?");
	list_bind_int(&q, ctx->user_id);
	if ((rc = list_filters(&q, notif_filters, NELEM(notif_filters),
	    false)) != 0 || (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, notif_orders, NELEM(notif_orders));
	return list_run(&q, notify_select, notify_count, notify_json, NULL);
}

/* GET /api/notifications/<pk>/ */
static int
notif_detail(struct ctx *ctx)
{
	return notif_answer(ctx, route_param_id(ctx, "pk"), 200);
}

/*
 * Runs sql (one UPDATE or DELETE of "?1 = the notification, ?2 = its
 * user", and ?3 = read if it has one) on the caller's own notification id:
 * one statement, so no explicit transaction.  Returns 0, 404 when the user
 * has no such notification, or the error status set.
 */
static int
notif_write_own(struct ctx *ctx, const char *sql, long long id, bool read)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ctx->user_id);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int(st, 3, read);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "notification write");
	return sqlite3_changes(ctx->db) == 0 ? notif_404(ctx) : 0;
}

/*
 * PUT/PATCH /api/notifications/<pk>/ {"read": true|false}: the only
 * field that can change (PUT requires it); other keys are ignored, as DRF
 * ignores read-only fields.
 */
static int
notif_update(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	const cJSON *body, *j;
	bool read = false;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0)
		return rc;
	if (!cJSON_IsObject(body))
		return resp_field_error(ctx, "non_field_errors", "Invalid "
		    "data. Expected a dictionary.");
	j = cJSON_GetObjectItemCaseSensitive(body, "read");
	if (j == NULL && strcmp(ctx->req.method, "PUT") == 0)
		return resp_field_error(ctx, "read", "This field is required.");
	if (j != NULL && !(cJSON_IsBool(j) && ((read = cJSON_IsTrue(j)),
	    true)) && !(cJSON_IsString(j) && txt_parse_bool(j->valuestring,
	    &read)))
		return resp_field_error(ctx, "read", "Must be a valid boolean.");
	if (j != NULL && (rc = notif_write_own(ctx, notif_sql_read, id,
	    read)) != 0)
		return rc;
	return notif_answer(ctx, id, 200);
}

/* DELETE /api/notifications/<pk>/ */
static int
notif_delete(struct ctx *ctx)
{
	int rc = notif_write_own(ctx, notif_sql_delete,
	    route_param_id(ctx, "pk"), false);

	if (rc != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

/*
 * POST /api/notifications/readall/ (and GET, as InvenTree serves it):
 * every one of the user's notifications is read.  {"status": "ok"}.
 */
static int
notif_readall(struct ctx *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((st = db_prepare(ctx, notif_sql_readall)) == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(st, 1, ctx->user_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(ctx, "notification readall");
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	return resp_json(ctx, 200, o);
}

static const struct route notifications_routes[] = {
	{ "GET", "/api/notifications/", AREA_USER, PERM_VIEW, notif_list,
	  "List the user's notifications", 0 },
	{ "GET", "/api/notifications/readall/", AREA_USER, PERM_CHANGE,
	  notif_readall, "Mark all the user's notifications read (as "
	  "InvenTree)", ROUTE_CSRF },
	{ "POST", "/api/notifications/readall/", AREA_USER, PERM_CHANGE,
	  notif_readall, "Mark all the user's notifications read", 0 },
	{ "GET", "/api/notifications/<pk>/", AREA_USER, PERM_VIEW,
	  notif_detail, "One of the user's notifications", 0 },
	{ "PUT", "/api/notifications/<pk>/", AREA_USER, PERM_CHANGE,
	  notif_update, "Mark one of the user's notifications read or "
	  "unread", 0 },
	{ "PATCH", "/api/notifications/<pk>/", AREA_USER, PERM_CHANGE,
	  notif_update, "Mark one of the user's notifications read or "
	  "unread", 0 },
	{ "DELETE", "/api/notifications/<pk>/", AREA_USER, PERM_DELETE,
	  notif_delete, "Delete one of the user's notifications", 0 },
};

static const struct program notifications_program = PROGRAM("notifications",
    notifications_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &notifications_program);
}
