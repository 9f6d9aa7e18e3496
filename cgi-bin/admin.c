/*
 * admin.cgi: administration for superusers.  The audit log of account
 * events (sign-ins, failures, sign-outs, tokens, passwords, user and group
 * changes) and the task queue, both read-only resources
 * (domain/accounts/audit.c, domain/tasks/task.c); this program adds the
 * retry of a failed task.  Also the outgoing webhooks and their delivery
 * log (domain/tasks/webhook.c, docs/webhooks.md), with the create that
 * shows the generated secret once and the test (ping) action.
 */
#include <time.h>

#include "site.h"

#include "accounts/audit.h"
#include "tasks/webhook.h"

static const char admin_sql_retry[] =
    "UPDATE task SET status = 'pending', attempts = 0, run_at = ?2, "
    "updated = ?2, finished = NULL, last_error = '' "
    "WHERE id = ?1 AND status = 'failed'";

/* Makes the failed task id pending again, in the transaction. */
static struct err *
admin_retry_task(struct ctx *ctx, long long id)
{
	db_stmt *st = db_prepare(ctx, admin_sql_retry);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, task_resource.name);
	st_bind_int64(st, 1, id);
	st_bind_int64(st, 2, (long long)time(NULL));
	if ((e = db_step(ctx, st, task_resource.name)) != NULL)
		return e;
	if (db_changes(ctx) > 0)
		return NULL;
	if ((e = res_exists(ctx, &task_resource, id, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, task_resource.name);
	return err_field(ctx, "status", "Only a failed task can be retried.");
}

/*
 * POST /api/admin/task/<pk>/retry/: a failed task runs again as new (its
 * attempts start over), at the next runner.  Answers with the task.
 */
static struct err *
admin_task_retry(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct err *e;

	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, admin_retry_task(ctx, id))) != NULL)
		return e;
	return res_answer(ctx, &task_resource, id, 200);
}

static const struct route admin_routes[] = {
	{ "POST", "/api/admin/task/<pk>/retry/", AREA_SUPERUSER, PERM_CHANGE,
	  admin_task_retry, "Run a failed task again", 0 },
	/* The generic create, with the generated secret shown once. */
	{ "POST", "/api/admin/webhook/", AREA_SUPERUSER, PERM_METHOD,
	  webhook_create, "Create a webhook", 0, .res = &webhook_resource },
	{ "POST", "/api/admin/webhook/<pk>/test/", AREA_SUPERUSER, PERM_ADD,
	  webhook_ping, "Queue a ping delivery to a webhook", 0 },
	{ "GET", "/api/admin/webhook/<pk>/deliveries/", AREA_SUPERUSER,
	  PERM_VIEW, res_list, "The deliveries of a webhook", 0,
	  .res = &webhook_delivery_resource, .arg = WEBHOOK_DELIVERIES_OF },
};

static const struct resource *const admin_resources[] = {
	&audit_resource,
	&task_resource,
	&webhook_resource,
	&webhook_delivery_resource,
};

PROGRAM_MAIN("admin",
    ROUTES(admin_routes), RESOURCES(admin_resources))
