/*
 * auth: checking a username and password, with throttling.  See auth.h.
 *
 * Failed attempts are rows in login_attempts, counted per username and per
 * client address over LOGIN_FAILURE_WINDOW seconds.  At LOGIN_MAX_FAILURES
 * either count refuses every further attempt with 429 and Retry-After, even
 * one with the right password, until the oldest counted failure leaves the
 * window.  Refused attempts are not counted, so the wait is bounded.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accounts/audit.h"
#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "accounts/pwd.h"
#include "resp.h"

static const char signin_sql_nth_by_user[] =
    "SELECT time FROM login_attempts WHERE username = ?1 AND time > ?2"
    " ORDER BY time DESC LIMIT 1 OFFSET ?3";
static const char signin_sql_nth_by_addr[] =
    "SELECT time FROM login_attempts WHERE remote_addr = ?1 AND time > ?2"
    " ORDER BY time DESC LIMIT 1 OFFSET ?3";
static const char signin_sql_failure[] =
    "INSERT INTO login_attempts (username, remote_addr, time)"
    " VALUES (substr(?1, 1, 150), substr(?2, 1, 64), ?3)";
static const char signin_sql_prune[] =
    "DELETE FROM login_attempts WHERE time <= ?1";
static const char signin_sql_clear[] =
    "DELETE FROM login_attempts WHERE username = ?1";
static const char signin_sql_user[] =
    "SELECT id, password, is_active, (SELECT count(*) FROM login_attempts"
    " WHERE username = ?1) FROM users WHERE username = ?1";
static const char signin_sql_rehash[] =
    "UPDATE users SET password = ?2 WHERE id = ?1";

/*
 * The time of the LOGIN_MAX_FAILURES-th newest failure in the window for
 * key (a username or an address), 0 when there are fewer, -1 on error.
 */
static long long
signin_nth_failure(struct ctx *ctx, const char *sql, const char *key,
    long long now)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - ctx->cfg.login_failure_window);
	sqlite3_bind_int64(st, 3, ctx->cfg.login_max_failures - 1);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		long long t = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return t;
	}
	if (rc != SQLITE_DONE) {
		db_fail(ctx, "throttle");
		return -1;
	}
	return 0;
}

/*
 * Returns 0 when a sign-in as username (may be NULL: address only) from
 * this client may be tried now, else 429 with Retry-After (or 5xx) set.
 */
int
auth_throttled(struct ctx *ctx, const char *username)
{
	long long now = (long long)time(NULL), t = 0, u;

	if (username != NULL && username[0] != '\0') {
		if ((t = signin_nth_failure(ctx, signin_sql_nth_by_user,
		    username, now)) < 0)
			return ctx->resp.status;
	}
	if (ctx->req.remote_addr != NULL && ctx->req.remote_addr[0] != '\0') {
		if ((u = signin_nth_failure(ctx, signin_sql_nth_by_addr,
		    ctx->req.remote_addr, now)) < 0)
			return ctx->resp.status;
		if (u > t)
			t = u;
	}
	if (t == 0)
		return 0;
	long long wait = t + ctx->cfg.login_failure_window - now;
	if (wait < 1)
		wait = 1;
	resp_header(ctx, "Retry-After", mem_printf(&ctx->mem, "%lld", wait));
	return resp_error(ctx, 429, "Too many failed sign-in attempts. Try "
	    "again in %lld seconds.", wait);
}

/*
 * Counts a failed sign-in as username from this client, prunes failures
 * older than the window, and writes the audit entry.  Returns 0 or the
 * status of the error set.
 */
int
auth_record_failure(struct ctx *ctx, const char *username)
{
	long long now = (long long)time(NULL);
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((st = db_prepare(ctx, signin_sql_failure)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->req.remote_addr ? ctx->req.remote_addr :
	    "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(ctx, "record failure");
		goto fail;
	}
	if ((st = db_prepare(ctx, signin_sql_prune)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now - ctx->cfg.login_failure_window);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(ctx, "prune failures");
		goto fail;
	}
	if (audit_record(ctx, AUDIT_LOGIN_FAILED, 0, username, NULL) != 0)
		goto fail;
	return db_commit(ctx);
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/*
 * Checks username and password.  On success sets *user_id, replaces a hash
 * made with older parameters and forgets the user's failed attempts, and
 * returns 0.  Otherwise returns the status of the error set: 429 while
 * throttled, 401 for any wrong part (the answer never says which, and an
 * unknown or inactive user costs the same scrypt work), 5xx.
 */
int
auth_password(struct ctx *ctx, const char *username, const char *password,
    long long *user_id)
{
	bool upgrade = false, ok = false;
	long long uid = 0, failures = 0;
	int rc;

	if (strlen(username) > AUTH_USERNAME_MAX ||
	    strlen(password) > PWD_MAX_LEN) {
		/* Never a real account; still throttled by address. */
		if ((rc = auth_throttled(ctx, NULL)) != 0)
			return rc;
		pwd_dummy("");
		username = "";
	} else {
		if ((rc = auth_throttled(ctx, username)) != 0)
			return rc;
		sqlite3_stmt *st = db_prepare(ctx, signin_sql_user);
		if (st == NULL)
			return ctx->resp.status;
		sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			uid = sqlite3_column_int64(st, 0);
			ok = pwd_check((const char *)sqlite3_column_text(st, 1),
			    password, &upgrade) &&
			    sqlite3_column_int(st, 2) == 1;
			failures = sqlite3_column_int64(st, 3);
			sqlite3_reset(st);
		} else if (rc == SQLITE_DONE)
			pwd_dummy(password);
		else
			return db_fail(ctx, "sign-in");
	}
	if (!ok) {
		if ((rc = auth_record_failure(ctx, username)) != 0)
			return rc;
		return resp_error(ctx, 401, "Invalid username or password.");
	}
	if (upgrade || failures > 0) {
		if ((rc = db_begin(ctx)) != 0)
			return rc;
		sqlite3_stmt *st;
		char *mcf = upgrade ? pwd_hash(&ctx->mem, password) : NULL;
		if (mcf != NULL) {
			if ((st = db_prepare(ctx, signin_sql_rehash)) == NULL)
				goto fail;
			sqlite3_bind_int64(st, 1, uid);
			sqlite3_bind_text(st, 2, mcf, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				db_fail(ctx, "rehash");
				goto fail;
			}
		}
		if ((st = db_prepare(ctx, signin_sql_clear)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_fail(ctx, "clear failures");
			goto fail;
		}
		if ((rc = db_commit(ctx)) != 0)
			return rc;
	}
	*user_id = uid;
	return 0;
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}
