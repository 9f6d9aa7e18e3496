/*
 * auth.cgi: signing in and out of the browser session, changing one's
 * password, and the first-run setup of the first superuser.
 */
#include <string.h>

#include "site.h"

#include "accounts/account.h"
#include "accounts/audit.h"
#include "accounts/pwd.h"

static const char auth_sql_last_login[] =
    "UPDATE users SET last_login = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE id = ?1";

/* The inputs of these endpoints, as val.h checks them. */
#define AUTH_TEXT_MAX	1024	/* a username or setup code as sent */
#define AUTH_SECRET_MAX	(4 * PWD_MAX_LEN)	/* pwd.h limits the bytes */

enum { LOGIN_USERNAME, LOGIN_PASSWORD, LOGIN__N };
static const struct field login_fields[] = {
	[LOGIN_USERNAME] = { "username", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_TEXT_MAX },
	[LOGIN_PASSWORD] = { "password", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_SECRET_MAX },
	{ NULL },
};

enum { PASSWORD_OLD, PASSWORD_NEW, PASSWORD__N };
static const struct field password_fields[] = {
	[PASSWORD_OLD] = { "old_password", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_SECRET_MAX },
	[PASSWORD_NEW] = { "new_password", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_SECRET_MAX },
	{ NULL },
};

enum { SETUP_CODE, SETUP_USERNAME, SETUP_PASSWORD, SETUP_EMAIL, SETUP__N };
static const struct field setup_fields[] = {
	[SETUP_CODE] = { "setup_code", FT_TEXT, F_REQUIRED | F_STRING, 64 },
	[SETUP_USERNAME] = { "username", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_TEXT_MAX },
	[SETUP_PASSWORD] = { "password", FT_TEXT, F_REQUIRED | F_STRING,
	    AUTH_SECRET_MAX },
	[SETUP_EMAIL] = { "email", FT_EMAIL, F_STRING, ACCT_EMAIL_MAX },
	{ NULL },
};

/*
 * A browser's Origin, when sent, must be this site or an allowed origin,
 * also for requests with no session yet (login CSRF).
 */
static struct err *
auth_check_origin(struct ctx *ctx)
{
	const char *origin = req_header(ctx, "Origin");

	if (origin != NULL && !auth_origin_allowed(ctx, origin))
		return err_new(ctx, 403, "CSRF Failed: Origin checking "
		    "failed - the origin does not match any trusted origins.");
	return NULL;
}

/*
 * The body, an object, checked against the n fields (val.h) into v; the
 * problems go to es, for the caller to add its own and end.  Unlike
 * val_object(), a JSON list is never taken for a form's repeated field:
 * a password is one string, not the last of several.  Returns only the
 * errors of the body as a whole.
 */
static struct err *
auth_input(struct ctx *ctx, const struct field *f, size_t n, struct val *v,
    struct errs *es)
{
	const cJSON *body;
	struct err *e;

	errs_init(es, ctx);
	for (size_t i = 0; i < n; i++)
		val_default(&f[i], &v[i]);
	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	for (size_t i = 0; i < n; i++) {
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(body,
		    f[i].name);
		const char *msg = NULL;
		if (j == NULL) {
			if (f[i].flags & F_REQUIRED)
				errs_add(es, f[i].name,
				    "This field is required.");
			continue;
		}
		if (cJSON_IsArray(j) || cJSON_IsObject(j))
			msg = "Not a valid string.";
		else if ((msg = val_json(ctx, j, &f[i], &v[i])) == NULL &&
		    (f[i].flags & F_REQUIRED) && v[i].s[0] == '\0')
			msg = "This field may not be blank.";
		if (msg != NULL)
			errs_add(es, f[i].name, msg);
	}
	return NULL;
}

/* The writes of a sign-in, in its transaction: the session, last login. */
static struct err *
auth_sign_in(struct ctx *ctx, long long uid, const char **cookie,
    const char **csrf)
{
	db_stmt *st;
	struct err *e;

	if ((e = auth_session_start(ctx, uid, cookie, csrf)) != NULL)
		return e;
	if ((st = db_prepare(ctx, auth_sql_last_login)) == NULL)
		return db_err(ctx, "last login");
	st_bind_int64(st, 1, uid);
	if ((e = db_step(ctx, st, "last login")) != NULL)
		return e;
	return audit_event(ctx, AUDIT_LOGIN, "session");
}

/*
 * POST /api/auth/login/ {username, password}: checks them (throttled), and
 * starts a browser session: the cookie, and the CSRF token in the answer
 * for the X-CSRFToken header of later state-changing requests.
 */
static struct err *
auth_login(struct ctx *ctx)
{
	struct val v[LOGIN__N];
	const char *cookie, *csrf;
	struct errs es;
	struct err *e;
	cJSON *user;
	long long uid;
	bool found;

	if ((e = auth_check_origin(ctx)) != NULL ||
	    (e = auth_input(ctx, login_fields, LOGIN__N, v, &es)) != NULL ||
	    (e = errs_end(&es)) != NULL ||
	    (e = auth_password(ctx, v[LOGIN_USERNAME].s, v[LOGIN_PASSWORD].s,
	    &uid)) != NULL ||
	    (e = auth_load_user(ctx, uid, &found)) != NULL)
		return e;
	if (!found)
		return err_new(ctx, 401, "Invalid username or password.");
	ctx->auth_kind = AUTH_SESSION;
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, auth_sign_in(ctx, uid, &cookie, &csrf))) != NULL ||
	    (e = res_get(ctx, &user_resource, uid, NULL, &user)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "user", user);
	cJSON_AddStringToObject(o, "csrf_token", csrf);
	resp_header(ctx, "Set-Cookie", cookie);
	return resp_json(ctx, 200, o);
}

/* The writes of a sign-out, in its transaction. */
static struct err *
auth_sign_out(struct ctx *ctx)
{
	bool had = ctx->auth_kind == AUTH_SESSION;
	struct err *e;

	if ((e = auth_session_end(ctx)) != NULL)
		return e;
	return had ? audit_event(ctx, AUDIT_LOGOUT, "session") : NULL;
}

/* POST /api/auth/logout/: ends the session and clears its cookie. */
static struct err *
auth_logout(struct ctx *ctx)
{
	struct err *e;

	/* Cleared whatever else happens. */
	resp_header(ctx, "Set-Cookie", auth_cookie(ctx, NULL));
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, auth_sign_out(ctx))) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Successfully logged out.");
	return resp_json(ctx, 200, o);
}

/*
 * The writes of a password change, in its transaction: the hash, the end
 * of every credential, the audit entry; a new session for a browser.
 */
static struct err *
auth_new_password(struct ctx *ctx, const char *mcf, const char **cookie,
    const char **csrf)
{
	struct err *e;

	if ((e = acct_set_password(ctx, ctx->user_id, mcf)) != NULL ||
	    (e = audit_event(ctx, AUDIT_PASSWORD_CHANGED,
	    ctx->username)) != NULL)
		return e;
	if (ctx->auth_kind != AUTH_SESSION)
		return NULL;
	ctx->session_id = 0;	/* deleted with the others */
	return auth_session_start(ctx, ctx->user_id, cookie, csrf);
}

/*
 * POST /api/auth/password/ {old_password, new_password}: every session and
 * token of the user ends; a browser that changed it gets a new session.
 */
static struct err *
auth_change_password(struct ctx *ctx)
{
	struct val v[PASSWORD__N];
	const char *why, *mcf, *cookie = NULL, *csrf = NULL;
	struct errs es;
	struct err *e;
	long long uid;

	if ((e = auth_input(ctx, password_fields, PASSWORD__N, v, &es)) != NULL)
		return e;
	if (v[PASSWORD_NEW].present && !errs_has(&es, "new_password") &&
	    (why = pwd_policy(ctx->username, v[PASSWORD_NEW].s,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL)
		errs_add(&es, "new_password", why);
	if ((e = errs_end(&es)) != NULL)
		return e;
	e = auth_password(ctx, ctx->username, v[PASSWORD_OLD].s, &uid);
	if ((e != NULL && e->status == 401) || (e == NULL &&
	    uid != ctx->user_id))
		return err_field(ctx, "old_password", "Your old password was "
		    "entered incorrectly.");
	if (e != NULL)
		return e;
	/* Hashed before the write lock is taken: scrypt is slow. */
	if ((mcf = pwd_hash(&ctx->mem, v[PASSWORD_NEW].s)) == NULL)
		return err_internal(ctx, "password hash");
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, auth_new_password(ctx, mcf, &cookie,
	    &csrf))) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Password changed. Every session "
	    "and API token of this user has ended.");
	if (cookie != NULL) {
		cJSON_AddStringToObject(o, "csrf_token", csrf);
		resp_header(ctx, "Set-Cookie", cookie);
	}
	return resp_json(ctx, 200, o);
}

/*
 * GET /api/auth/session/: who the browser is signed in as, and the CSRF
 * token of its session, so a page reloaded with its cookie can go on
 * making state-changing requests.  Other sites cannot read the answer
 * (no CORS grant unless CORS_ALLOWED_ORIGINS lists them).
 */
static struct err *
auth_session_state(struct ctx *ctx)
{
	const char *csrf = NULL;
	struct err *e;
	cJSON *user;

	if (ctx->user_id == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "authenticated", false);
		cJSON_AddNullToObject(o, "user");
		cJSON_AddNullToObject(o, "csrf_token");
		return resp_json(ctx, 200, o);
	}
	if ((e = res_get(ctx, &user_resource, ctx->user_id, NULL,
	    &user)) != NULL)
		return e;
	if (ctx->auth_kind == AUTH_SESSION &&
	    (e = auth_csrf_token(ctx, ctx->session_key, &csrf)) != NULL) {
		cJSON_Delete(user);
		return e;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "authenticated", true);
	cJSON_AddItemToObject(o, "user", user);
	if (csrf != NULL)
		cJSON_AddStringToObject(o, "csrf_token", csrf);
	else
		cJSON_AddNullToObject(o, "csrf_token");
	ctx->resp.no_etag = true;
	return resp_json(ctx, 200, o);
}

/*
 * GET /api/auth/setup/: whether first-run setup is open.  While no user
 * exists it makes sure the setup code file exists in the data directory.
 */
static struct err *
auth_setup_state(struct ctx *ctx)
{
	const char *code;
	struct err *e;
	long long n;

	if ((e = acct_count(ctx, &n)) != NULL)
		return e;
	if (n == 0 && (e = acct_setup_code(ctx, true, &code)) != NULL)
		return e;
	if (n > 0)
		acct_setup_close(ctx);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "setup_required", n == 0);
	if (n == 0)
		cJSON_AddStringToObject(o, "setup_code_file",
		    "the file '" ACCT_SETUP_FILE "' in the data directory");
	return resp_json(ctx, 200, o);
}

/* 403 once any account exists. */
static struct err *
auth_setup_closed(struct ctx *ctx)
{
	return err_new(ctx, 403, "Setup is closed: an account exists "
	    "already.");
}

/*
 * The writes of the setup, in its transaction: checked again under the
 * write lock (two setups at once make one user), the superuser, the audit
 * entry.
 */
static struct err *
auth_setup_write(struct ctx *ctx, const struct val *v, const char *mcf,
    long long *uid)
{
	const char *username = v[SETUP_USERNAME].s;
	struct err *e;
	long long n;

	if ((e = acct_count(ctx, &n)) != NULL)
		return e;
	if (n > 0)
		return auth_setup_closed(ctx);
	if ((e = acct_create(ctx, username, v[SETUP_EMAIL].s, mcf, true,
	    uid)) != NULL)
		return e;
	return audit_record(ctx, AUDIT_SETUP, *uid, username, username);
}

/*
 * POST /api/auth/setup/ {setup_code, username, password, email}: creates
 * the first superuser, only while no user exists and only with the code
 * from DATA_DIR/setup_code.  Wrong codes count as failed sign-ins of the
 * client address (throttled).  Closes for good once a user exists.
 */
static struct err *
auth_setup(struct ctx *ctx)
{
	struct val v[SETUP__N];
	const char *code, *why, *mcf;
	struct errs es;
	struct err *e;
	long long n, uid;

	if ((e = auth_check_origin(ctx)) != NULL ||
	    (e = acct_count(ctx, &n)) != NULL)
		return e;
	if (n > 0) {
		acct_setup_close(ctx);
		return auth_setup_closed(ctx);
	}
	if ((e = acct_setup_code(ctx, false, &code)) != NULL)
		return e;
	if (code == NULL)
		return err_field(ctx, "setup_code", "No setup code has been "
		    "issued: GET /api/auth/setup/ writes one into the data "
		    "directory.");
	if ((e = auth_input(ctx, setup_fields, SETUP__N, v, &es)) != NULL)
		return e;
	/*
	 * The code is compared only once the attempt is counted for the
	 * client address; a wrong code is answered alone, and stays counted.
	 */
	if (v[SETUP_CODE].present && !errs_has(&es, "setup_code")) {
		long long attempt;
		if ((e = auth_attempt_reserve(ctx, "", &attempt)) != NULL)
			return e;
		if (!auth_equal(v[SETUP_CODE].s, code)) {
			if ((e = auth_attempt_failed(ctx, attempt,
			    "(setup)")) != NULL)
				return e;
			return err_field(ctx, "setup_code", "Invalid setup "
			    "code; read it from the file '%s' in the data "
			    "directory.", ACCT_SETUP_FILE);
		}
		if ((e = db_begin(ctx)) != NULL ||
		    (e = db_end(ctx, auth_attempt_release(ctx,
		    attempt))) != NULL)
			return e;
	}
	if (v[SETUP_USERNAME].present && !errs_has(&es, "username") &&
	    (why = acct_username_invalid(v[SETUP_USERNAME].s)) != NULL)
		errs_add(&es, "username", why);
	if (v[SETUP_PASSWORD].present && !errs_has(&es, "password") &&
	    (why = pwd_policy(v[SETUP_USERNAME].s, v[SETUP_PASSWORD].s,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL)
		errs_add(&es, "password", why);
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((mcf = pwd_hash(&ctx->mem, v[SETUP_PASSWORD].s)) == NULL)
		return err_internal(ctx, "password hash");
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, auth_setup_write(ctx, v, mcf, &uid))) != NULL)
		return e;
	acct_setup_close(ctx);
	cJSON *user;
	if ((e = res_get(ctx, &user_resource, uid, NULL, &user)) != NULL)
		return e;
	return resp_json(ctx, 201, user);
}

static const struct route auth_routes[] = {
	{ "POST", "/api/auth/login/", AREA_PUBLIC, PERM_VIEW, auth_login,
	  "Sign in: start a browser session", 0, .input = login_fields },
	{ "POST", "/api/auth/logout/", AREA_PUBLIC, PERM_VIEW, auth_logout,
	  "Sign out: end the browser session", 0 },
	{ "POST", "/api/auth/password/", AREA_USER, PERM_VIEW,
	  auth_change_password, "Change one's own password", 0,
	  .input = password_fields },
	{ "GET", "/api/auth/session/", AREA_PUBLIC, PERM_VIEW,
	  auth_session_state, "The browser's session: user and CSRF token", 0 },
	{ "GET", "/api/auth/setup/", AREA_PUBLIC, PERM_VIEW, auth_setup_state,
	  "Whether first-run setup is open", 0 },
	{ "POST", "/api/auth/setup/", AREA_PUBLIC, PERM_VIEW, auth_setup,
	  "First run: create the first superuser with the setup code", 0,
	  .input = setup_fields },
};

PROGRAM_MAIN("auth",
    ROUTES(auth_routes))
