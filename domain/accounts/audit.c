/*
 * audit: the audit log.  See audit.h.
 */
#include <string.h>

#include "accounts/account.h"
#include "accounts/audit.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "res.h"
#include "route.h"

static const char audit_sql_insert[] =
    "INSERT INTO audit_log (user_id, username, action, target, remote_addr,"
    " request_id) VALUES (?1, substr(?2, 1, 150), ?3, substr(?4, 1, 300),"
    " substr(?5, 1, 64), substr(?6, 1, 64))";

/*
 * Records action by user_id (0: nobody known) named username (may be NULL)
 * on target (may be NULL), with the request's client address and id.  Runs
 * inside the caller's transaction when there is one.
 */
struct err *
audit_record(struct ctx *ctx, const char *action, long long user_id,
    const char *username, const char *target)
{
	db_stmt *st = db_prepare(ctx, audit_sql_insert);

	if (st == NULL)
		return db_err(ctx, "audit");
	if (user_id > 0)
		st_bind_int64(st, 1, user_id);
	st_bind_text(st, 2, username ? username : "", -1, SQLITE_STATIC);
	st_bind_text(st, 3, action, -1, SQLITE_STATIC);
	st_bind_text(st, 4, target ? target : "", -1, SQLITE_STATIC);
	st_bind_text(st, 5, ctx->req.remote_addr ? ctx->req.remote_addr :
	    "", -1, SQLITE_STATIC);
	st_bind_text(st, 6, ctx->request_id, -1, SQLITE_STATIC);
	return db_step(ctx, st, "audit");
}

/* Records action by the signed-in user on target. */
struct err *
audit_event(struct ctx *ctx, const char *action, const char *target)
{
	return audit_record(ctx, action, ctx->user_id, ctx->username, target);
}

/* ---- the log as a resource ----------------------------------------- */

static const struct field audit_fields[] = {
	{ "time", FT_DATETIME, F_READ_ONLY | F_ORDER },
	/* Kept when the user is deleted: no reference to check. */
	{ "user", FT_ID, F_READ_ONLY | F_NULL, .col = "user_id",
	    .ref = &user_resource },
	{ "username", FT_TEXT, F_READ_ONLY, 150 },
	{ "action", FT_TEXT, F_READ_ONLY | F_FILTER, 40 },
	{ "target", FT_TEXT, F_READ_ONLY, 300 },
	{ "remote_addr", FT_TEXT, F_READ_ONLY, 64 },
	{ "request_id", FT_TEXT, F_READ_ONLY, 64 },
};

/*
 * ?user=pk: that user's entries, whether or not the user still exists;
 * ?user=null: the entries of nobody known (failed sign-ins).
 */
static const struct res_filter audit_filters[] = {
	{ "user", FT_ID, " AND l.user_id = ?", " AND l.user_id IS NULL" },
};

static struct res_sql audit_sql;

const struct resource audit_resource = {
	.model = "auditlog",
	.name = "AuditLog",
	.table = "audit_log",
	.alias = "l",
	.path = "/api/admin/audit/",
	.area = AREA_SUPERUSER,
	.noun = "audit log entry",
	.plural = "audit log entries",
	RES_FIELDS(audit_fields),
	RES_FILTERS(audit_filters),
	.order = "l.id DESC",
	.flags = RES_READ_ONLY,
	.sql = &audit_sql,
};
