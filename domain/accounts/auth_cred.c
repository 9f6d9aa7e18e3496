/*
 * auth: creating and ending sessions and API tokens.  See auth.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
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

/* Prepares sql and binds an id to ?1; NULL when it cannot be prepared. */
static db_stmt *
cred_prepare(struct ctx *ctx, const char *sql, long long id)
{
	db_stmt *st = db_prepare(ctx, sql);

	if (st != NULL)
		st_bind_int64(st, 1, id);
	return st;
}

/* Runs a prepared write (NULL: it could not be prepared) to its end. */
static struct err *
cred_step(struct ctx *ctx, db_stmt *st, const char *what)
{
	if (st == NULL)
		return db_err(ctx, what);
	return db_step(ctx, st, what);
}

/*
 * The Set-Cookie value for the session cookie with key (for the install
 * prefix's path, SESSION_AGE long); key NULL clears it.
 */
const char *
auth_cookie(struct ctx *ctx, const char *key)
{
	const char *path = ctx->req.prefix[0] != '\0' ? ctx->req.prefix : "/";

	return mem_printf(&ctx->mem, "%s=%s; Path=%s; Max-Age=%lld; HttpOnly; "
	    "SameSite=Lax%s", AUTH_COOKIE, key != NULL ? key : "", path,
	    key != NULL ? ctx->cfg.session_age : 0LL,
	    ctx->req.https ? "; Secure" : "");
}

/*
 * Starts a browser session for user_id, inside the caller's transaction:
 * a new random id whose digest is stored with an expiry SESSION_AGE from
 * now.  Ends the session the request came with, if any (no fixation).
 * Sets *cookie to the Set-Cookie value the caller sends with its answer
 * once the transaction has committed, and *csrf to the session's CSRF
 * token.
 */
struct err *
auth_session_start(struct ctx *ctx, long long user_id, const char **cookie,
    const char **csrf)
{
	char key[AUTH_KEY_BYTES * 2 + 1], d[AUTH_DIGEST_LEN + 1];
	long long now = (long long)time(NULL);
	db_stmt *st;
	struct err *e;

	if (rnd_hex(key, AUTH_KEY_BYTES) != 0)
		return err_internal(ctx, "no random numbers");
	if ((e = auth_digest(ctx, "session", key, d)) != NULL ||
	    (e = auth_csrf_token(ctx, key, csrf)) != NULL)
		return e;
	if (ctx->session_id != 0 &&
	    (e = cred_step(ctx, cred_prepare(ctx, cred_sql_session_end,
	    ctx->session_id), "end session")) != NULL)
		return e;
	if ((e = cred_step(ctx, cred_prepare(ctx, cred_sql_session_prune, now),
	    "prune sessions")) != NULL)
		return e;
	st = cred_prepare(ctx, cred_sql_session_new, user_id);
	if (st != NULL) {
		st_bind_text(st, 2, d, -1, SQLITE_TRANSIENT);
		st_bind_int64(st, 3, now);
		st_bind_int64(st, 4, now + ctx->cfg.session_age);
		st_bind_text(st, 5, ctx->req.remote_addr ?
		    ctx->req.remote_addr : "", -1, SQLITE_STATIC);
	}
	if ((e = cred_step(ctx, st, "new session")) != NULL)
		return e;
	ctx->session_id = db_last_id(ctx);
	ctx->session_key = mem_strdup(&ctx->mem, key);
	*cookie = auth_cookie(ctx, key);
	return NULL;
}

/*
 * Ends the request's session, if it came with one, inside the caller's
 * transaction.  The caller clears the cookie (auth_cookie(ctx, NULL)).
 */
struct err *
auth_session_end(struct ctx *ctx)
{
	struct err *e;

	if (ctx->session_id == 0)
		return NULL;
	if ((e = cred_step(ctx, cred_prepare(ctx, cred_sql_session_end,
	    ctx->session_id), "end session")) != NULL)
		return e;
	ctx->session_id = 0;
	return NULL;
}

/*
 * Creates an API token called name for user_id, valid TOKEN_AGE days, inside
 * the caller's transaction.  The plain key ("inv-" and 64 hex digits) is
 * set in *key, to be shown once; only its digest is kept.  Drops the user's
 * expired tokens and all but the newest AUTH_TOKENS_PER_USER.
 */
struct err *
auth_token_create(struct ctx *ctx, long long user_id, const char *name,
    const char **key, const char **expiry, long long *token_id)
{
	char hex[AUTH_KEY_BYTES * 2 + 1], d[AUTH_DIGEST_LEN + 1];
	struct err *e;
	bool found;

	if (rnd_hex(hex, AUTH_KEY_BYTES) != 0)
		return err_internal(ctx, "no random numbers");
	const char *k = mem_printf(&ctx->mem, "%s%s", AUTH_TOKEN_PREFIX, hex);
	if ((e = auth_digest(ctx, "token", k, d)) != NULL)
		return e;
	db_stmt *st = cred_prepare(ctx, cred_sql_token_new, user_id);
	if (st == NULL)
		return db_err(ctx, "new token");
	st_bind_text(st, 2, name, -1, SQLITE_STATIC);
	st_bind_text(st, 3, d, -1, SQLITE_TRANSIENT);
	st_bind_text(st, 4, mem_printf(&ctx->mem, "+%lld days",
	    ctx->cfg.token_age), -1, SQLITE_TRANSIENT);
	if ((e = db_row(ctx, st, "new token", &found)) != NULL)
		return e;
	if (!found)
		return err_internal(ctx, "new token: no such user");
	*token_id = st_column_int64(st, 0);
	*expiry = mem_strdup(&ctx->mem, (const char *)st_column_text(st,
	    1));
	if ((e = db_step(ctx, st, "new token")) != NULL)
		return e;
	st = cred_prepare(ctx, cred_sql_token_trim, user_id);
	if (st != NULL)
		st_bind_int(st, 2, AUTH_TOKENS_PER_USER);
	if ((e = cred_step(ctx, st, "trim tokens")) != NULL)
		return e;
	*key = k;
	return NULL;
}

/*
 * Ends every session and API token of user_id at once, inside the caller's
 * transaction: bumps token_version (which every credential must match),
 * deletes the sessions and marks the tokens revoked.
 */
struct err *
auth_bump_version(struct ctx *ctx, long long user_id)
{
	static const char *const sql[] = { cred_sql_bump,
	    cred_sql_bump_sessions, cred_sql_bump_tokens };
	struct err *e;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if ((e = cred_step(ctx, cred_prepare(ctx, sql[i], user_id),
		    "end credentials")) != NULL)
			return e;
	return NULL;
}
