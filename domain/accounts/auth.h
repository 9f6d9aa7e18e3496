/*
 * auth: who is this request from?
 *
 * auth_identify() is the dispatcher's identify hook (struct program, filled
 * by PROGRAM() in site.h): it runs before the permission check.  It
 * tries, in this order: "Authorization: Token <key>" or "Bearer <key>" (an
 * API token), "Authorization: Basic ..." (username and password, a full
 * scrypt check, throttled like sign-in), and the browser session cookie.
 * On success it fills the context's user fields (ctx.h) and permission
 * bitmap (perm.h).  A wrong token or password is a 401 (with
 * WWW-Authenticate, perm_challenge()); a missing or stale session cookie
 * leaves the request anonymous.  A state-changing request signed in by the
 * cookie must carry X-CSRFToken (bound to the session) and, when the
 * browser sends Origin, come from an allowed origin; else 403.
 *
 * Session ids and API keys have 256 random bits and are stored only as a
 * digest keyed with SECRET_KEY (auth_digest()).  Every session and token
 * remembers the user's token_version at its creation; bumping the version
 * (auth_bump_version()) ends them all at once.
 *
 * Every function that can fail returns an error (err.h), NULL on success,
 * and writes nothing into the response: a handler that starts a session
 * sends the cookie (auth_cookie()) itself.
 *
 * This module never logs, stores or answers with a password, session id or
 * API key, except that the creator of a session or token gets its key once.
 */
#ifndef SR_AUTH_H
#define SR_AUTH_H

#include <stdbool.h>

struct ctx;
struct err;

enum auth_kind { AUTH_NONE, AUTH_TOKEN, AUTH_BASIC, AUTH_SESSION };

#define AUTH_COOKIE		"stockroom_session"
#define AUTH_KEY_BYTES		32	/* random bytes in a session id or key */
#define AUTH_DIGEST_LEN		64	/* hex digits of a digest */
#define AUTH_TOKEN_PREFIX	"inv-"
#define AUTH_USERNAME_MAX	150
#define AUTH_TOKENS_PER_USER	100	/* older tokens are dropped */
#define AUTH_LAST_SEEN_EVERY	60	/* seconds between last_seen updates */
#define AUTH_CHECK_STALE	60	/* seconds a pending attempt is in flight */

/* auth.c: identification */
struct err	*auth_identify(struct ctx *);
struct err	*auth_digest(struct ctx *, const char *purpose, const char *key,
		    char out[AUTH_DIGEST_LEN + 1]);
bool		 auth_equal(const char *, const char *);
struct err	*auth_load_user(struct ctx *, long long user_id, bool *found);
struct err	*auth_csrf_token(struct ctx *, const char *session_key,
		    const char **token);
bool		 auth_origin_allowed(struct ctx *, const char *origin);

/* auth_signin.c: password checks with throttling */
struct err	*auth_password(struct ctx *, const char *username,
		    const char *password, long long *user_id);
struct err	*auth_attempt_reserve(struct ctx *, const char *username,
		    long long *attempt);
struct err	*auth_attempt_failed(struct ctx *, long long attempt,
		    const char *username);
struct err	*auth_attempt_release(struct ctx *, long long attempt);

/* auth_cred.c: sessions, tokens, versions */
struct err	*auth_session_start(struct ctx *, long long user_id,
		    const char **cookie, const char **csrf);
struct err	*auth_session_end(struct ctx *);
const char	*auth_cookie(struct ctx *, const char *key);
struct err	*auth_token_create(struct ctx *, long long user_id,
		    const char *name, const char **key, const char **expiry,
		    long long *token_id);
struct err	*auth_bump_version(struct ctx *, long long user_id);

#endif
