/*
 * notifications.cgi: the signed-in user's notifications
 * (/api/notifications/...), as InvenTree's NotificationMessage endpoints
 * serve them.  The notification is a resource scoped to its user
 * (domain/inventory/notify.c): another user's is a 404 like one that does
 * not exist.  This program adds readall/.
 */
#include "site.h"

#include "inventory/notify.h"

static const char notif_sql_readall[] =
    "UPDATE notification SET read = 1 WHERE user_id = ? AND read = 0";

/*
 * POST /api/notifications/readall/ (and GET, as InvenTree serves it):
 * every one of the user's notifications is read.  {"status": "ok"}.
 */
static struct err *
notif_readall(struct ctx *ctx)
{
	db_stmt *st;
	struct err *e;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((st = db_prepare(ctx, notif_sql_readall)) == NULL)
		e = db_err(ctx, "notification readall");
	else {
		st_bind_int64(st, 1, ctx->user_id);
		e = db_step(ctx, st, "notification readall");
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_text(o, "status", "ok");
	return resp_json(ctx, 200, o);
}

static const struct route notifications_routes[] = {
	{ "GET", "/api/notifications/readall/", AREA_USER, PERM_CHANGE,
	  notif_readall, "Mark all the user's notifications read (as "
	  "InvenTree)", ROUTE_CSRF },
	{ "POST", "/api/notifications/readall/", AREA_USER, PERM_CHANGE,
	  notif_readall, "Mark all the user's notifications read", 0 },
};

static const struct resource *const notifications_resources[] = {
	&notification_resource,
};

PROGRAM_MAIN("notifications",
    ROUTES(notifications_routes), RESOURCES(notifications_resources))
