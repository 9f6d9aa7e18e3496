/*
 * auth: creating and ending sessions and API tokens.  See auth.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "resp.h"
#include "text.h"

static const char cred_sql_session_new[] =
    "INSERT INTO sessions (user_id, digest, token_version, created, expires,"
    " last_seen, remote_addr) SELECT id, ?2, token_version, ?3, ?4, ?3,"
    " substr(?5, 1, 64) FROM users WHERE id = ?1";
static const char cred_sql_session_prune[] =
    "DELETE FROM sessions WHERE expires <= ?1";
static const char cred_sql_session_end[] =
    "DELETE FROM sessions WHERE id = ?1";
static const char cred_sql_token_new[] =
    "INSERT INTO api_tokens (user_id, name, digest, token_version, expiry)"
    " SELECT id, ?2, ?3, token_version, strftime('%Y-%m-%d', 'now', ?4)"
    " FROM users WHERE id = ?1 RETURNING id, expiry";
static const char cred_sql_token_trim[] =
    "DELETE FROM api_tokens WHERE user_id = ?1 AND (expiry <"
    " strftime('%Y-%m-%d', 'now') OR id NOT IN (SELECT id FROM api_tokens"
    " WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2))";
static const char cred_sql_bump[] =
    "UPDATE users SET token_version = token_version + 1 WHERE id = ?1";
static const char cred_sql_bump_sessions[] =
    "DELETE FROM sessions WHERE user_id = ?1";
static const char cred_sql_bump_tokens[] =
    "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?1";

/* Runs a prepared statement to completion; 0 or the status set. */
static int
cred_step(struct ctx *ctx, sqlite3_stmt *st, const char *what)
{
	if (st == NULL)
		return ctx->resp.status;
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, what);
	return 0;
}

/* The Set-Cookie value for the session cookie; key NULL clears it. */
static const char *
cred_cookie(struct ctx *ctx, const char *key)
{
	const char *path = ctx->req.prefix[0] != '\0' ? ctx->req.prefix : "/";

	return mem_printf(&ctx->mem, "%s=%s; Path=%s; Max-Age=%lld; HttpOnly; "
	    "SameSite=Lax%s", AUTH_COOKIE, key != NULL ? key : "", path,
	    key != NULL ? ctx->cfg.session_age : 0LL,
	    ctx->req.https ? "; Secure" : "");
}

/*
 * Starts a browser session for user_id: a new random id whose digest is
 * stored with an expiry SESSION_AGE from now, sent as the session cookie.
 * Ends the session the request came with, if any (no fixation).  Runs in
 * its own transaction.  Sets *csrf to the session's CSRF token.  Returns 0
 * or the status of the error set.
 */
int
auth_session_start(struct ctx *ctx, long long user_id, const char **csrf)
{
	char key[AUTH_KEY_BYTES * 2 + 1], d[AUTH_DIGEST_LEN + 1];
	long long now = (long long)time(NULL);
	sqlite3_stmt *st;
	int rc;

	if (rnd_hex(key, AUTH_KEY_BYTES) != 0)
		return resp_internal(ctx, "no random numbers");
	if ((rc = auth_digest(ctx, "session", key, d)) != 0)
		return rc;
	if ((*csrf = auth_csrf_token(ctx, key)) == NULL)
		return ctx->resp.status;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if (ctx->session_id != 0) {
		st = db_prepare(ctx, cred_sql_session_end);
		if (st != NULL)
			sqlite3_bind_int64(st, 1, ctx->session_id);
		if ((rc = cred_step(ctx, st, "end session")) != 0)
			goto fail;
	}
	st = db_prepare(ctx, cred_sql_session_prune);
	if (st != NULL)
		sqlite3_bind_int64(st, 1, now);
	if ((rc = cred_step(ctx, st, "prune sessions")) != 0)
		goto fail;
	st = db_prepare(ctx, cred_sql_session_new);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, now + ctx->cfg.session_age);
		sqlite3_bind_text(st, 5, ctx->req.remote_addr ?
		    ctx->req.remote_addr : "", -1, SQLITE_STATIC);
	}
	if ((rc = cred_step(ctx, st, "new session")) != 0)
		goto fail;
	ctx->session_id = sqlite3_last_insert_rowid(ctx->db);
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->session_key = mem_strdup(&ctx->mem, key);
	resp_header(ctx, "Set-Cookie", cred_cookie(ctx, key));
	return 0;
fail:
	db_rollback(ctx);
	return rc;
}

/*
 * Ends the request's session (if it came with one) and clears the cookie
 * either way.  Returns 0 or the status of the error set.
 */
int
auth_session_end(struct ctx *ctx)
{
	resp_header(ctx, "Set-Cookie", cred_cookie(ctx, NULL));
	if (ctx->session_id == 0)
		return 0;
	sqlite3_stmt *st = db_prepare(ctx, cred_sql_session_end);
	if (st != NULL)
		sqlite3_bind_int64(st, 1, ctx->session_id);
	int rc = cred_step(ctx, st, "end session");
	if (rc == 0)
		ctx->session_id = 0;
	return rc;
}

/*
 * Creates an API token called name for user_id, valid TOKEN_AGE days, inside
 * the caller's transaction.  The plain key ("inv-" and 64 hex digits) is
 * set in *key, to be shown once; only its digest is kept.  Drops the user's
 * expired tokens and all but the newest AUTH_TOKENS_PER_USER.  Returns 0
 * or the status of the error set.
 */
int
auth_token_create(struct ctx *ctx, long long user_id, const char *name,
    const char **key, const char **expiry, long long *token_id)
{
	char hex[AUTH_KEY_BYTES * 2 + 1], d[AUTH_DIGEST_LEN + 1];
	int rc;

	if (rnd_hex(hex, AUTH_KEY_BYTES) != 0)
		return resp_internal(ctx, "no random numbers");
	const char *k = mem_printf(&ctx->mem, "%s%s", AUTH_TOKEN_PREFIX, hex);
	if ((rc = auth_digest(ctx, "token", k, d)) != 0)
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, cred_sql_token_new);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, mem_printf(&ctx->mem, "+%lld days",
	    ctx->cfg.token_age), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "new token");
	*token_id = sqlite3_column_int64(st, 0);
	*expiry = mem_strdup(&ctx->mem, (const char *)sqlite3_column_text(st,
	    1));
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "new token");
	st = db_prepare(ctx, cred_sql_token_trim);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_int(st, 2, AUTH_TOKENS_PER_USER);
	}
	if ((rc = cred_step(ctx, st, "trim tokens")) != 0)
		return rc;
	*key = k;
	return 0;
}

/*
 * Ends every session and API token of user_id at once, inside the caller's
 * transaction: bumps token_version (which every credential must match),
 * deletes the sessions and marks the tokens revoked.  Returns 0 or the
 * status of the error set.
 */
int
auth_bump_version(struct ctx *ctx, long long user_id)
{
	static const char *const sql[] = { cred_sql_bump,
	    cred_sql_bump_sessions, cred_sql_bump_tokens };
	int rc;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = db_prepare(ctx, sql[i]);
		if (st != NULL)
			sqlite3_bind_int64(st, 1, user_id);
		if ((rc = cred_step(ctx, st, "end credentials")) != 0)
			return rc;
	}
	return 0;
}
