/*
 * auth: checking a username and password, with throttling.  See auth.h.
 *
 * Attempts are rows in login_attempts, counted per username and per client
 * address over LOGIN_FAILURE_WINDOW seconds.  An attempt is counted before
 * its password is checked: one write transaction (BEGIN IMMEDIATE, so
 * concurrent attempts queue) looks at both counts and, when they are under
 * LOGIN_MAX_FAILURES, writes the attempt's row as pending; only then is
 * the password hashed.  However many attempts arrive at once, at most
 * LOGIN_MAX_FAILURES checks run per username and per address in a window.
 * A wrong password keeps the row (a failure); a right one deletes it.  At
 * the limit every further attempt gets 429 with Retry-After, even one with
 * the right password, until the oldest counted failure leaves the window,
 * or, when the limit is reached only by checks still running, for a
 * second.  Refused attempts are not counted, so the wait is bounded.
 *
 * Pending rows younger than AUTH_CHECK_STALE seconds are the checks in
 * flight, over all processes; at LOGIN_MAX_CONCURRENT of them a further
 * attempt gets 429 with Retry-After: 1, so a burst cannot make the server
 * hold more scrypt buffers (16 MB each) at once.  The row of a process that
 * died mid-check stays a failure until it leaves the window and stops
 * counting as in flight after AUTH_CHECK_STALE seconds.
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

static const char signin_sql_count_by_user[] =
    "SELECT count(*) FROM login_attempts WHERE username = ?1 AND time > ?2";
static const char signin_sql_count_by_addr[] =
    "SELECT count(*) FROM login_attempts WHERE remote_addr = ?1"
    " AND time > ?2";
/* The counted failures: pending rows of checks still running are not. */
static const char signin_sql_nth_by_user[] =
    "SELECT time FROM login_attempts WHERE username = ?1 AND time > ?2"
    " AND (pending = 0 OR time <= ?4) ORDER BY time DESC LIMIT 1 OFFSET ?3";
static const char signin_sql_nth_by_addr[] =
    "SELECT time FROM login_attempts WHERE remote_addr = ?1 AND time > ?2"
    " AND (pending = 0 OR time <= ?4) ORDER BY time DESC LIMIT 1 OFFSET ?3";
static const char signin_sql_in_flight[] =
    "SELECT count(*) FROM login_attempts WHERE pending = 1 AND time > ?1";
static const char signin_sql_reserve[] =
    "INSERT INTO login_attempts (username, remote_addr, time, pending)"
    " VALUES (substr(?1, 1, 150), substr(?2, 1, 64), ?3, 1)";
static const char signin_sql_failed[] =
    "UPDATE login_attempts SET pending = 0 WHERE id = ?1";
static const char signin_sql_release[] =
    "DELETE FROM login_attempts WHERE id = ?1";
static const char signin_sql_prune[] =
    "DELETE FROM login_attempts WHERE time <= ?1";
static const char signin_sql_clear[] =
    "DELETE FROM login_attempts WHERE username = ?1 AND pending = 0";
static const char signin_sql_user[] =
    "SELECT id, password, is_active FROM users WHERE username = ?1";
static const char signin_sql_rehash[] =
    "UPDATE users SET password = ?2 WHERE id = ?1";

/* The client's address, "" when the server gave none. */
static const char *
signin_addr(struct ctx *ctx)
{
	return ctx->req.remote_addr != NULL ? ctx->req.remote_addr : "";
}

/* Runs a one-row count (sql, key bound to ?1 unless NULL, t to ?2). */
static struct err *
signin_count(struct ctx *ctx, const char *sql, const char *key, long long t,
    long long *n)
{
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool found;

	*n = 0;
	if (st == NULL)
		return db_err(ctx, "throttle");
	if (key != NULL) {
		st_bind_text(st, 1, key, -1, SQLITE_STATIC);
		st_bind_int64(st, 2, t);
	} else
		st_bind_int64(st, 1, t);
	if ((e = db_row(ctx, st, "throttle", &found)) != NULL)
		return e;
	if (found) {
		*n = st_column_int64(st, 0);
		st_reset(st);
	}
	return NULL;
}

/*
 * Seconds until key (a username or an address: count is the statement of
 * its kind, nth its nth failure) may try again, into *wait: 0 while it is
 * under LOGIN_MAX_FAILURES attempts in the window.
 */
static struct err *
signin_wait(struct ctx *ctx, const char *count, const char *nth,
    const char *key, long long now, long long *wait)
{
	long long since = now - ctx->cfg.login_failure_window, n;
	struct err *e;
	bool found;

	*wait = 0;
	if ((e = signin_count(ctx, count, key, since, &n)) != NULL ||
	    n < ctx->cfg.login_max_failures)
		return e;
	db_stmt *st = db_prepare(ctx, nth);
	if (st == NULL)
		return db_err(ctx, "throttle");
	st_bind_text(st, 1, key, -1, SQLITE_STATIC);
	st_bind_int64(st, 2, since);
	st_bind_int64(st, 3, ctx->cfg.login_max_failures - 1);
	st_bind_int64(st, 4, now - AUTH_CHECK_STALE);
	if ((e = db_row(ctx, st, "throttle", &found)) != NULL)
		return e;
	*wait = 1;	/* the limit is reached by checks still running */
	if (found) {
		long long t = st_column_int64(st, 0);
		st_reset(st);
		if (t + ctx->cfg.login_failure_window - now > 1)
			*wait = t + ctx->cfg.login_failure_window - now;
	}
	return NULL;
}

/* 429 with Retry-After: wait seconds; why says who is over a limit. */
static struct err *
signin_refuse(struct ctx *ctx, const char *why, long long wait)
{
	return err_header(err_new(ctx, 429, "%s Try again in %lld second%s.",
	    why, wait, wait == 1 ? "" : "s"), "Retry-After",
	    mem_printf(&ctx->mem, "%lld", wait));
}

/* The reading and writing of auth_attempt_reserve(), in its transaction. */
static struct err *
signin_reserve(struct ctx *ctx, const char *username, long long now,
    long long *attempt)
{
	long long wait = 0, w, n;
	const char *addr = signin_addr(ctx);
	struct err *e;

	if (username[0] != '\0' &&
	    (e = signin_wait(ctx, signin_sql_count_by_user,
	    signin_sql_nth_by_user, username, now, &wait)) != NULL)
		return e;
	if (addr[0] != '\0') {
		if ((e = signin_wait(ctx, signin_sql_count_by_addr,
		    signin_sql_nth_by_addr, addr, now, &w)) != NULL)
			return e;
		if (w > wait)
			wait = w;
	}
	if (wait > 0)
		return signin_refuse(ctx, "Too many failed sign-in attempts.",
		    wait);
	if ((e = signin_count(ctx, signin_sql_in_flight, NULL,
	    now - AUTH_CHECK_STALE, &n)) != NULL)
		return e;
	if (n >= ctx->cfg.login_max_concurrent)
		return signin_refuse(ctx, "Too many sign-ins at once.", 1);
	db_stmt *st = db_prepare(ctx, signin_sql_reserve);
	if (st == NULL)
		return db_err(ctx, "reserve attempt");
	st_bind_text(st, 1, username, -1, SQLITE_STATIC);
	st_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	st_bind_int64(st, 3, now);
	if ((e = db_step(ctx, st, "reserve attempt")) != NULL)
		return e;
	*attempt = db_last_id(ctx);
	return NULL;
}

/*
 * Counts an attempt to sign in as username ("" for none: the address
 * only) from this client before its secret is checked, in a transaction
 * of its own: 429 with Retry-After while the username or the address has
 * LOGIN_MAX_FAILURES attempts in the window, or LOGIN_MAX_CONCURRENT
 * checks are running; else the attempt's id into *attempt, which the
 * caller ends with auth_attempt_failed() or auth_attempt_release().
 */
struct err *
auth_attempt_reserve(struct ctx *ctx, const char *username,
    long long *attempt)
{
	long long now = (long long)time(NULL);
	struct err *e;

	*attempt = 0;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	return db_end(ctx, signin_reserve(ctx, username, now, attempt));
}

/* The writes of a failed attempt, in the caller's transaction. */
static struct err *
signin_failure(struct ctx *ctx, long long attempt, const char *username)
{
	long long now = (long long)time(NULL);
	db_stmt *st;
	struct err *e;

	if ((st = db_prepare(ctx, signin_sql_failed)) == NULL)
		return db_err(ctx, "record failure");
	st_bind_int64(st, 1, attempt);
	if ((e = db_step(ctx, st, "record failure")) != NULL)
		return e;
	if ((st = db_prepare(ctx, signin_sql_prune)) == NULL)
		return db_err(ctx, "prune failures");
	st_bind_int64(st, 1, now - ctx->cfg.login_failure_window);
	if ((e = db_step(ctx, st, "prune failures")) != NULL)
		return e;
	return audit_record(ctx, AUDIT_LOGIN_FAILED, 0, username, NULL);
}

/*
 * Ends a reserved attempt as a failure (it stays counted in the window),
 * prunes failures older than the window, and writes the audit entry, in a
 * transaction of its own.  Returns NULL or the error.
 */
struct err *
auth_attempt_failed(struct ctx *ctx, long long attempt, const char *username)
{
	struct err *e;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	return db_end(ctx, signin_failure(ctx, attempt, username));
}

/*
 * Ends a reserved attempt that succeeded: it is no longer counted.  In the
 * caller's transaction.
 */
struct err *
auth_attempt_release(struct ctx *ctx, long long attempt)
{
	db_stmt *st = db_prepare(ctx, signin_sql_release);

	if (st == NULL)
		return db_err(ctx, "release attempt");
	st_bind_int64(st, 1, attempt);
	return db_step(ctx, st, "release attempt");
}

/*
 * After a good password: releases the attempt, replaces a hash made with
 * older parameters with mcf (when not NULL) and forgets the user's failed
 * attempts, in the caller's transaction.
 */
static struct err *
signin_success(struct ctx *ctx, long long attempt, long long uid,
    const char *username, const char *mcf)
{
	db_stmt *st;
	struct err *e;

	if ((e = auth_attempt_release(ctx, attempt)) != NULL)
		return e;
	if (mcf != NULL) {
		if ((st = db_prepare(ctx, signin_sql_rehash)) == NULL)
			return db_err(ctx, "rehash");
		st_bind_int64(st, 1, uid);
		st_bind_text(st, 2, mcf, -1, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "rehash")) != NULL)
			return e;
	}
	if ((st = db_prepare(ctx, signin_sql_clear)) == NULL)
		return db_err(ctx, "clear failures");
	st_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return db_step(ctx, st, "clear failures");
}

/*
 * Checks username and password.  The attempt is counted first
 * (auth_attempt_reserve()); then, on success, sets *user_id, releases the
 * attempt, replaces a hash made with older parameters and forgets the
 * user's failed attempts, and returns NULL.  Otherwise returns the error:
 * 429 while throttled, 401 (with WWW-Authenticate) for any wrong part --
 * the answer never says which, and an unknown or inactive user costs the
 * same scrypt work -- or a 5xx.
 */
struct err *
auth_password(struct ctx *ctx, const char *username, const char *password,
    long long *user_id)
{
	bool upgrade = false, ok = false, found = false;
	long long uid = 0, attempt;
	db_stmt *st = NULL;
	struct err *e;

	/* An over-long name is never a real account: the address counts. */
	if (strlen(username) > AUTH_USERNAME_MAX ||
	    strlen(password) > PWD_MAX_LEN)
		username = password = "";
	if ((e = auth_attempt_reserve(ctx, username, &attempt)) != NULL)
		return e;
	if (username[0] != '\0') {
		if ((st = db_prepare(ctx, signin_sql_user)) == NULL)
			return db_err(ctx, "sign-in");
		st_bind_text(st, 1, username, -1, SQLITE_STATIC);
		if ((e = db_row(ctx, st, "sign-in", &found)) != NULL)
			return e;
	}
	if (found) {
		uid = st_column_int64(st, 0);
		ok = pwd_check((const char *)st_column_text(st, 1),
		    password, &upgrade) && st_column_int(st, 2) == 1;
		st_reset(st);
	} else
		pwd_dummy(password);
	if (!ok) {
		if ((e = auth_attempt_failed(ctx, attempt, username)) != NULL)
			return e;
		return err_header(err_new(ctx, 401, "Invalid username or "
		    "password."), "WWW-Authenticate", perm_challenge(ctx));
	}
	/* Hashed before the write lock is taken: scrypt is slow. */
	const char *mcf = upgrade ? pwd_hash(&ctx->mem, password) : NULL;
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, signin_success(ctx, attempt, uid, username,
	    mcf))) != NULL)
		return e;
	*user_id = uid;
	return NULL;
}
