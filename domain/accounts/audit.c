/*
 * audit: the audit log.  See audit.h.
 */
#include <string.h>

#include "accounts/audit.h"
#include "ctx.h"
#include "db.h"
#include "log.h"

static const char audit_sql_insert[] =
    "INSERT INTO audit_log (user_id, username, action, target, remote_addr,"
    " request_id) VALUES (?1, substr(?2, 1, 150), ?3, substr(?4, 1, 300),"
    " substr(?5, 1, 64), substr(?6, 1, 64))";

/*
 * Records action by user_id (0: nobody known) named username (may be NULL)
 * on target (may be NULL), with the request's client address and id.  Runs
 * inside the caller's transaction when there is one.  Returns 0, or the
 * status of the error set.
 */
int
audit_record(struct ctx *ctx, const char *action, long long user_id,
    const char *username, const char *target)
{
	sqlite3_stmt *st = db_prepare(ctx, audit_sql_insert);

	if (st == NULL)
		return ctx->resp.status;
	if (user_id > 0)
		sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, username ? username : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, target ? target : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ctx->req.remote_addr ? ctx->req.remote_addr :
	    "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ctx->request_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "audit");
	return 0;
}

/* Records action by the signed-in user on target. */
int
audit_event(struct ctx *ctx, const char *action, const char *target)
{
	return audit_record(ctx, action, ctx->user_id, ctx->username, target);
}
