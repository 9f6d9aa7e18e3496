/*
 * auth: identifying the request's user.  See auth.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libscrypt.h>

#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "hmac.h"
#include "log.h"
#include "perm.h"
#include "req.h"
#include "route.h"
#include "text.h"

#define AUTH_HEADER_KEY_MAX	128	/* longest key accepted in a header */
#define AUTH_BASIC_MAX		2048	/* longest Basic credentials, encoded */

static const char auth_sql_user[] =
    "SELECT username, is_active, is_superuser, is_staff FROM users"
    " WHERE id = ?1";
static const char auth_sql_rules[] =
    "SELECT r.area, max(r.can_view), max(r.can_add), max(r.can_change),"
    " max(r.can_delete) FROM group_rules r"
    " JOIN user_groups ug ON ug.group_id = r.group_id"
    " WHERE ug.user_id = ?1 GROUP BY r.area";
static const char auth_sql_token[] =
    "SELECT t.id, t.user_id, t.digest, coalesce(t.last_seen, 0)"
    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.digest = ?1 AND t.revoked = 0 AND u.is_active = 1"
    " AND t.token_version = u.token_version"
    " AND t.expiry >= strftime('%Y-%m-%d', 'now')";
static const char auth_sql_token_seen[] =
    "UPDATE api_tokens SET last_seen = ?2 WHERE id = ?1";
static const char auth_sql_session[] =
    "SELECT s.id, s.user_id, s.digest, s.last_seen"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.digest = ?1 AND s.expires > ?2 AND u.is_active = 1"
    " AND s.token_version = u.token_version";
static const char auth_sql_session_seen[] =
    "UPDATE sessions SET last_seen = ?2 WHERE id = ?1";

/*
 * The digests this process made last, each under the HMAC of what it
 * digests (purpose and key, keyed with SECRET_KEY), not the key itself: a
 * FastCGI process sees the same token or session at every request of a
 * client, and the scrypt round below was a third of the instructions of
 * a small request (a part's detail: 87,600 of 250,000).  Another secret
 * key makes other HMACs, so a changed key finds nothing kept.  Only the
 * digest is kept: the token's row is still looked up, revoked and
 * expired, at every request.
 */
#define AUTH_KEPT	8
static struct {
	uint8_t	 mac[HMAC_SHA256_LEN];
	char	 digest[AUTH_DIGEST_LEN + 1];
} auth_kept[AUTH_KEPT];
static unsigned auth_kept_n;
static struct hmac_sha256_key auth_kept_key;	/* of auth_kept_secret */
static char *auth_kept_secret;

/* Is a kept MAC equal to mac?  In time that does not depend on where
 * they differ. */
static bool
auth_mac_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < HMAC_SHA256_LEN; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Writes into out the digest of key for purpose ("session", "token",
 * "csrf"): scrypt with minimal cost (N=2, r=1, p=1), which is PBKDF2-HMAC-
 * SHA256 keyed with SECRET_KEY around one tiny mixing step, so about 15
 * microseconds.  The keys it digests have 256 random bits, so no cost is
 * needed against guessing; the key makes a stolen database useless for
 * forging.  Returns NULL, or a 500.
 */
struct err *
auth_digest(struct ctx *ctx, const char *purpose, const char *key,
    char out[AUTH_DIGEST_LEN + 1])
{
	char err[256];
	unsigned char buf[AUTH_DIGEST_LEN / 2];
	uint8_t mac[HMAC_SHA256_LEN];
	const char *secret = cfg_secret_key(&ctx->mem, &ctx->cfg, err,
	    sizeof(err));

	if (secret == NULL)
		return err_internal(ctx, mem_printf(&ctx->mem, "secret key: %s",
		    err));
	const char *salt = mem_printf(&ctx->mem, "%s:%s", purpose, key);
	size_t kept = auth_kept_n < AUTH_KEPT ? auth_kept_n : AUTH_KEPT;
	if (auth_kept_secret == NULL || strcmp(auth_kept_secret, secret) != 0) {
		free(auth_kept_secret);
		if ((auth_kept_secret = strdup(secret)) == NULL)
			mem_oom();
		hmac_sha256_key(&auth_kept_key, secret, strlen(secret));
	}
	hmac_sha256_with(&auth_kept_key, salt, strlen(salt), mac);
	for (size_t i = 0; i < kept; i++)
		if (auth_mac_equal(auth_kept[i].mac, mac)) {
			memcpy(out, auth_kept[i].digest, AUTH_DIGEST_LEN + 1);
			return NULL;
		}
	if (libscrypt_scrypt((const uint8_t *)secret, strlen(secret),
	    (const uint8_t *)salt, strlen(salt), 2, 1, 1, buf,
	    sizeof(buf)) != 0)
		return err_internal(ctx, "digest");
	txt_hex(buf, sizeof(buf), out);
	size_t slot = auth_kept_n++ % AUTH_KEPT;
	memcpy(auth_kept[slot].mac, mac, sizeof(mac));
	memcpy(auth_kept[slot].digest, out, AUTH_DIGEST_LEN + 1);
	return NULL;
}

/* Compares two strings in time that depends only on their lengths. */
bool
auth_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Makes user_id the request's user: name, flags and the permission bitmap
 * (the union of the user's groups' rule sets, with implications).  *found
 * is false, and nothing is changed, for a user who is gone or inactive.
 * Returns NULL or a database error.
 */
struct err *
auth_load_user(struct ctx *ctx, long long user_id, bool *found)
{
	db_stmt *st = db_prepare(ctx, auth_sql_user);
	struct err *e;
	int rc;

	*found = false;
	if (st == NULL)
		return db_err(ctx, "load user");
	st_bind_int64(st, 1, user_id);
	if ((e = db_row(ctx, st, "load user", found)) != NULL || !*found)
		return e;
	if (st_column_int(st, 1) != 1) {
		*found = false;
		return NULL;
	}
	const char *name = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 0));
	bool super = st_column_int(st, 2) == 1;
	bool staff = st_column_int(st, 3) == 1;
	uint64_t perms = 0;
	st_reset(st);

	if ((st = db_prepare(ctx, auth_sql_rules)) == NULL)
		return db_err(ctx, "load rules");
	st_bind_int64(st, 1, user_id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		int area = perm_area_index((const char *)
		    st_column_text(st, 0));
		unsigned vacd = 0;
		for (int i = 0; i < 4; i++)
			if (st_column_int(st, 1 + i))
				vacd |= 1U << i;
		vacd = perm_imply(vacd);
		for (int i = 0; i < 4 && area >= 0; i++)
			if (vacd & (1U << i))
				perms |= PERM_BIT(area, PERM_VIEW + i);
	}
	if (rc != SQLITE_DONE)
		return db_err(ctx, "load rules");
	ctx->username = name;
	ctx->is_superuser = super;
	ctx->is_staff = staff;
	ctx->perms = perms;
	ctx->user_id = user_id;
	*found = true;
	return NULL;
}

/* The CSRF token bound to a session, into *token: a keyed digest of its id. */
struct err *
auth_csrf_token(struct ctx *ctx, const char *session_key, const char **token)
{
	char d[AUTH_DIGEST_LEN + 1];
	struct err *e;

	*token = NULL;
	if ((e = auth_digest(ctx, "csrf", session_key, d)) != NULL)
		return e;
	*token = mem_strdup(&ctx->mem, d);
	return NULL;
}

/*
 * Is origin (an Origin header: scheme://host[:port]) this server, as the
 * request reached it, or one of CORS_ALLOWED_ORIGINS?  "*" there does not
 * count: a wildcard may allow reading, never writing with the cookie.
 */
bool
auth_origin_allowed(struct ctx *ctx, const char *origin)
{
	const char *self = mem_printf(&ctx->mem, "%s://%s",
	    ctx->req.https ? "https" : "http", ctx->req.host);

	return strcasecmp(origin, self) == 0 ||
	    resp_origin_allowed(ctx, origin) == 2;
}

static int
auth_b64(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes base64 (RFC 4648 section 4, padding optional) into a new string.
 * NULL when malformed.
 */
static char *
auth_b64_decode(struct ctx *ctx, const char *in)
{
	size_t n = strlen(in);
	char *out = mem_alloc(&ctx->mem, n * 3 / 4 + 4);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	while (n > 0 && in[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		int v = auth_b64((unsigned char)in[i]);
		if (v < 0)
			return NULL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6)
		return NULL;
	out[o] = '\0';
	if (memchr(out, '\0', o) != NULL)
		return NULL;
	return out;
}


/* 401 for credentials that were sent and are wrong, with the challenge. */
static struct err *
auth_invalid(struct ctx *ctx, const char *detail)
{
	return err_header(err_new(ctx, 401, "%s", detail), "WWW-Authenticate",
	    perm_challenge(ctx));
}

/*
 * Brings a credential's last_seen up to now, at most once a minute.  Not
 * worth failing the request for: a failure is only logged.
 */
static void
auth_seen(struct ctx *ctx, const char *sql, long long id, long long seen)
{
	long long now = (long long)time(NULL);
	db_stmt *st;

	if (now - seen < AUTH_LAST_SEEN_EVERY ||
	    (st = db_prepare(ctx, sql)) == NULL)
		return;
	st_bind_int64(st, 1, id);
	st_bind_int64(st, 2, now);
	if (st_step(st) != SQLITE_DONE)
		log_msg(ctx, LOG_WARN, "last_seen: %s", db_errmsg(ctx));
}

/*
 * The credential whose key is key, an API token or (purpose "session") a
 * session cookie's: *found when a live one has the key's digest (compared
 * in constant time) and its user is active, who is then the request's
 * user.  *id and *seen are the credential's id and last_seen.
 */
static struct err *
auth_credential(struct ctx *ctx, const char *purpose, const char *key,
    long long *id, long long *seen, bool *found)
{
	bool session = strcmp(purpose, "session") == 0;
	char d[AUTH_DIGEST_LEN + 1];
	struct err *e;

	*found = false;
	if ((e = auth_digest(ctx, purpose, key, d)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, session ? auth_sql_session :
	    auth_sql_token);
	if (st == NULL)
		return db_err(ctx, purpose);
	st_bind_text(st, 1, d, -1, SQLITE_STATIC);
	if (session)
		st_bind_int64(st, 2, (long long)time(NULL));
	if ((e = db_row(ctx, st, purpose, found)) != NULL || !*found)
		return e;
	bool same = auth_equal((const char *)st_column_text(st, 2), d);
	long long uid = st_column_int64(st, 1);
	*id = st_column_int64(st, 0);
	*seen = st_column_int64(st, 3);
	st_reset(st);
	if (!same) {
		*found = false;
		return NULL;
	}
	return auth_load_user(ctx, uid, found);
}

/* Authorization: Token <key> / Bearer <key>. */
static struct err *
auth_by_token(struct ctx *ctx, const char *key)
{
	long long id, seen;
	struct err *e;
	bool found;

	if (!txt_token(key, AUTH_HEADER_KEY_MAX))
		return auth_invalid(ctx, "Invalid token.");
	if ((e = auth_credential(ctx, "token", key, &id, &seen, &found)) != NULL)
		return e;
	if (!found)
		return auth_invalid(ctx, "Invalid token.");
	ctx->auth_kind = AUTH_TOKEN;
	ctx->token_id = id;
	auth_seen(ctx, auth_sql_token_seen, id, seen);
	return NULL;
}

/* Authorization: Basic base64(username:password) (RFC 7617). */
static struct err *
auth_by_basic(struct ctx *ctx, const char *cred)
{
	struct err *e;
	long long uid;
	bool found;

	char *plain = strlen(cred) <= AUTH_BASIC_MAX ?
	    auth_b64_decode(ctx, cred) : NULL;
	char *colon = plain != NULL ? strchr(plain, ':') : NULL;
	if (colon == NULL || !txt_utf8_valid(plain, strlen(plain), false))
		return auth_invalid(ctx,
		    "Invalid basic header. Credentials not correctly encoded.");
	*colon = '\0';
	if ((e = auth_password(ctx, plain, colon + 1, &uid)) != NULL ||
	    (e = auth_load_user(ctx, uid, &found)) != NULL)
		return e;
	if (!found)
		return auth_invalid(ctx, "Invalid username or password.");
	ctx->auth_kind = AUTH_BASIC;
	return NULL;
}

/* Is this method one that may change state (RFC 9110 section 9.2.1)? */
static bool
auth_unsafe_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    strcmp(m, "OPTIONS") != 0;
}

/*
 * CSRF check for a request signed in by the session cookie: needed for
 * every method but GET, HEAD and OPTIONS, and for routes flagged ROUTE_CSRF
 * (a GET that creates something, such as a new API token).
 */
static struct err *
auth_csrf(struct ctx *ctx)
{
	const char *origin = req_header(ctx, "Origin");
	const char *sent = req_header(ctx, "X-CSRFToken");
	const char *want;
	struct err *e;

	if (!auth_unsafe_method(ctx->req.method) && (ctx->route == NULL ||
	    !(ctx->route->flags & ROUTE_CSRF)))
		return NULL;
	if (origin != NULL && !auth_origin_allowed(ctx, origin))
		return err_new(ctx, 403, "CSRF Failed: Origin checking "
		    "failed - the origin does not match any trusted origins.");
	if (sent == NULL || sent[0] == '\0')
		return err_new(ctx, 403, "CSRF Failed: CSRF token missing.");
	if ((e = auth_csrf_token(ctx, ctx->session_key, &want)) != NULL)
		return e;
	if (!auth_equal(sent, want))
		return err_new(ctx, 403, "CSRF Failed: CSRF token incorrect.");
	return NULL;
}

/* The session cookie; a missing, malformed or stale one is no user. */
static struct err *
auth_by_session(struct ctx *ctx, const char *key)
{
	long long id, seen;
	struct err *e;
	bool found;

	if (strlen(key) != AUTH_KEY_BYTES * 2 || !txt_token(key, 64))
		return NULL;
	/* None, or a user gone meanwhile: anonymous. */
	if ((e = auth_credential(ctx, "session", key, &id, &seen,
	    &found)) != NULL || !found)
		return e;
	ctx->auth_kind = AUTH_SESSION;
	ctx->session_id = id;
	ctx->session_key = key;
	if ((e = auth_csrf(ctx)) != NULL)
		return e;
	auth_seen(ctx, auth_sql_session_seen, id, seen);
	return NULL;
}

/*
 * Identifies the request's user (see auth.h for the order).  Returns NULL,
 * signed in or anonymous, or the error: 401 for bad credentials, 403 for a
 * CSRF failure, 429 while throttled, 5xx.
 */
struct err *
auth_identify(struct ctx *ctx)
{
	const char *h = req_header(ctx, "Authorization");
	const char *cookie;

	if (h != NULL) {
		const char *sp = strchr(h, ' ');
		size_t sl = sp != NULL ? (size_t)(sp - h) : 0;
		char *arg = mem_strdup(&ctx->mem,
		    sp != NULL ? sp + strspn(sp, " \t") : "");
		size_t al = strlen(arg);
		while (al > 0 && (arg[al - 1] == ' ' || arg[al - 1] == '\t'))
			arg[--al] = '\0';
		if ((sl == 5 && strncasecmp(h, "Token", 5) == 0) ||
		    (sl == 6 && strncasecmp(h, "Bearer", 6) == 0))
			return auth_by_token(ctx, arg);
		if (sl == 5 && strncasecmp(h, "Basic", 5) == 0)
			return auth_by_basic(ctx, arg);
		/* Other schemes are not ours: fall through to the cookie. */
	}
	cookie = req_cookie(ctx, AUTH_COOKIE);
	if (cookie != NULL)
		return auth_by_session(ctx, cookie);
	return NULL;
}
