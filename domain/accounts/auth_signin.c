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
#include "accounts/pwd.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "perm.h"

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
 * key (a username or an address) into *t, 0 when there are fewer.
 */
static struct err *
signin_nth_failure(struct ctx *ctx, const char *sql, const char *key,
    long long now, long long *t)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool found;

	*t = 0;
	if (st == NULL)
		return db_err(ctx, "throttle");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - ctx->cfg.login_failure_window);
	sqlite3_bind_int64(st, 3, ctx->cfg.login_max_failures - 1);
	if ((e = db_row(ctx, st, "throttle", &found)) != NULL)
		return e;
	if (found) {
		*t = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return NULL;
}

/*
 * NULL when a sign-in as username (may be NULL: address only) from this
 * client may be tried now, else 429 with Retry-After (or a 5xx).
 */
struct err *
auth_throttled(struct ctx *ctx, const char *username)
{
	long long now = (long long)time(NULL), t = 0, u;
	struct err *e;

	if (username != NULL && username[0] != '\0' &&
	    (e = signin_nth_failure(ctx, signin_sql_nth_by_user, username, now,
	    &t)) != NULL)
		return e;
	if (ctx->req.remote_addr != NULL && ctx->req.remote_addr[0] != '\0') {
		if ((e = signin_nth_failure(ctx, signin_sql_nth_by_addr,
		    ctx->req.remote_addr, now, &u)) != NULL)
			return e;
		if (u > t)
			t = u;
	}
	if (t == 0)
		return NULL;
	long long wait = t + ctx->cfg.login_failure_window - now;
	if (wait < 1)
		wait = 1;
	return err_header(err_new(ctx, 429, "Too many failed sign-in attempts. "
	    "Try again in %lld seconds.", wait), "Retry-After",
	    mem_printf(&ctx->mem, "%lld", wait));
}

/* The writes of a failed sign-in, in the caller's transaction. */
static struct err *
signin_failure(struct ctx *ctx, const char *username)
{
	long long now = (long long)time(NULL);
	sqlite3_stmt *st;
	struct err *e;

	if ((st = db_prepare(ctx, signin_sql_failure)) == NULL)
		return db_err(ctx, "record failure");
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->req.remote_addr ? ctx->req.remote_addr :
	    "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if ((e = db_step(ctx, st, "record failure")) != NULL)
		return e;
	if ((st = db_prepare(ctx, signin_sql_prune)) == NULL)
		return db_err(ctx, "prune failures");
	sqlite3_bind_int64(st, 1, now - ctx->cfg.login_failure_window);
	if ((e = db_step(ctx, st, "prune failures")) != NULL)
		return e;
	return audit_record(ctx, AUDIT_LOGIN_FAILED, 0, username, NULL);
}

/*
 * Counts a failed sign-in as username from this client, prunes failures
 * older than the window, and writes the audit entry, in a transaction of
 * its own.  Returns NULL or the error.
 */
struct err *
auth_record_failure(struct ctx *ctx, const char *username)
{
	struct err *e;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	return db_end(ctx, signin_failure(ctx, username));
}

/*
 * After a good password: replaces a hash made with older parameters with
 * mcf (when not NULL) and forgets the user's failed attempts, in the
 * caller's transaction.
 */
static struct err *
signin_success(struct ctx *ctx, long long uid, const char *username,
    const char *mcf)
{
	sqlite3_stmt *st;
	struct err *e;

	if (mcf != NULL) {
		if ((st = db_prepare(ctx, signin_sql_rehash)) == NULL)
			return db_err(ctx, "rehash");
		sqlite3_bind_int64(st, 1, uid);
		sqlite3_bind_text(st, 2, mcf, -1, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "rehash")) != NULL)
			return e;
	}
	if ((st = db_prepare(ctx, signin_sql_clear)) == NULL)
		return db_err(ctx, "clear failures");
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return db_step(ctx, st, "clear failures");
}

/*
 * Checks username and password.  On success sets *user_id, replaces a hash
 * made with older parameters and forgets the user's failed attempts, and
 * returns NULL.  Otherwise returns the error: 429 while throttled, 401
 * (with WWW-Authenticate) for any wrong part -- the answer never says
 * which, and an unknown or inactive user costs the same scrypt work -- or
 * a 5xx.
 */
struct err *
auth_password(struct ctx *ctx, const char *username, const char *password,
    long long *user_id)
{
	bool upgrade = false, ok = false, found = false;
	long long uid = 0, failures = 0;
	struct err *e;

	if (strlen(username) > AUTH_USERNAME_MAX ||
	    strlen(password) > PWD_MAX_LEN) {
		/* Never a real account; still throttled by address. */
		if ((e = auth_throttled(ctx, NULL)) != NULL)
			return e;
		pwd_dummy("");
		username = "";
	} else {
		if ((e = auth_throttled(ctx, username)) != NULL)
			return e;
		sqlite3_stmt *st = db_prepare(ctx, signin_sql_user);
		if (st == NULL)
			return db_err(ctx, "sign-in");
		sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
		if ((e = db_row(ctx, st, "sign-in", &found)) != NULL)
			return e;
		if (found) {
			uid = sqlite3_column_int64(st, 0);
			ok = pwd_check((const char *)sqlite3_column_text(st, 1),
			    password, &upgrade) &&
			    sqlite3_column_int(st, 2) == 1;
			failures = sqlite3_column_int64(st, 3);
			sqlite3_reset(st);
		} else
			pwd_dummy(password);
	}
	if (!ok) {
		if ((e = auth_record_failure(ctx, username)) != NULL)
			return e;
		return err_header(err_new(ctx, 401, "Invalid username or "
		    "password."), "WWW-Authenticate", perm_challenge(ctx));
	}
	if (upgrade || failures > 0) {
		/* Hashed before the write lock is taken: scrypt is slow. */
		const char *mcf = upgrade ? pwd_hash(&ctx->mem, password) : NULL;
		if ((e = db_begin(ctx)) != NULL ||
		    (e = db_end(ctx, signin_success(ctx, uid, username,
		    mcf))) != NULL)
			return e;
	}
	*user_id = uid;
	return NULL;
}
