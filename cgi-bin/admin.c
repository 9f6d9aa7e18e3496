/*
 * admin.cgi: administration for superusers.  The audit log of account
 * events (sign-ins, failures, sign-outs, tokens, passwords, user and group
 * changes), and the task queue.
 */
#include <string.h>

#include "page.h"
#include "stockroom.h"
#include "tasks/task.h"

#define AUDIT_WHERE \
    " WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR action = ?2)"
static const char admin_sql_audit[] =
    "SELECT id, time, user_id, username, action, target, remote_addr,"
    " request_id FROM audit_log" AUDIT_WHERE
    " ORDER BY id DESC LIMIT ?3 OFFSET ?4";
static const char admin_sql_audit_count[] =
    "SELECT count(*) FROM audit_log" AUDIT_WHERE;

/* Binds ?user and ?action to ?1 and ?2; 0 or 400 (answer set). */
static int
admin_audit_filters(struct ctx *ctx, sqlite3_stmt *st)
{
	const char *user = req_query(ctx, "user");
	const char *action = req_query(ctx, "action");
	long long id;

	if (user != NULL && user[0] != '\0') {
		if (!txt_parse_int64(user, 1, 999999999999999LL, &id))
			return resp_field_error(ctx, "user",
			    "A valid integer is required.");
		sqlite3_bind_int64(st, 1, id);
	}
	if (action != NULL && action[0] != '\0') {
		if (!txt_token(action, 40))
			return resp_field_error(ctx, "action",
			    "Not a valid action name.");
		sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	}
	return 0;
}

/*
 * GET /api/admin/audit/: newest first; ?user=pk, ?action=name,
 * ?limit/?offset for {count, next, previous, results}.
 */
static int
admin_audit(struct ctx *ctx)
{
	struct page pg;
	long long count = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = page_parse(ctx, &pg)) != 0)
		return rc;
	if (pg.paged) {
		if ((st = db_prepare(ctx, admin_sql_audit_count)) == NULL)
			return ctx->resp.status;
		if ((rc = admin_audit_filters(ctx, st)) != 0)
			return rc;
		if (sqlite3_step(st) != SQLITE_ROW)
			return db_fail(ctx, "count audit");
		count = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if ((st = db_prepare(ctx, admin_sql_audit)) == NULL)
		return ctx->resp.status;
	if ((rc = admin_audit_filters(ctx, st)) != 0)
		return rc;
	sqlite3_bind_int64(st, 3, pg.limit);
	sqlite3_bind_int64(st, 4, pg.offset);
	cJSON *a = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "pk",
		    (double)sqlite3_column_int64(st, 0));
		cJSON_AddStringToObject(o, "time",
		    (const char *)sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			cJSON_AddNullToObject(o, "user");
		else
			cJSON_AddNumberToObject(o, "user",
			    (double)sqlite3_column_int64(st, 2));
		static const char *const text[] = { "username", "action",
		    "target", "remote_addr", "request_id" };
		for (int i = 0; i < 5; i++)
			cJSON_AddStringToObject(o, text[i],
			    (const char *)sqlite3_column_text(st, 3 + i));
		cJSON_AddItemToArray(a, o);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_fail(ctx, "audit");
	}
	return page_answer(ctx, &pg, count, a);
}

static const struct route admin_routes[] = {
	{ "GET", "/api/admin/audit/", AREA_SUPERUSER, PERM_VIEW, admin_audit,
	  "Audit log of account events", 0 },
	/* The task queue (lib/task.c). */
	{ "GET", "/api/admin/task/", AREA_SUPERUSER, PERM_VIEW, task_api_list,
	  "Task queue", 0 },
	{ "POST", "/api/admin/task/<pk>/retry/", AREA_SUPERUSER, PERM_CHANGE,
	  task_api_retry, "Run a failed task again", 0 },
};

static const struct program admin_program = PROGRAM("admin", admin_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &admin_program);
}
