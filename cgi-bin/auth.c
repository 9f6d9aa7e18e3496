/*
 * auth.cgi: signing in and out of the browser session, changing one's
 * password, and the first-run setup of the first superuser.
 */
#include <string.h>

#include "accounts/account.h"
#include "accounts/audit.h"
#include "accounts/auth.h"
#include "accounts/pwd.h"
#include "stockroom.h"

static const char auth_sql_last_login[] =
    "UPDATE users SET last_login = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE id = ?1";

/*
 * A browser's Origin, when sent, must be this site or an allowed origin,
 * also for requests with no session yet (login CSRF).
 */
static int
auth_check_origin(struct ctx *ctx)
{
	const char *origin = req_header(ctx, "Origin");

	if (origin != NULL && !auth_origin_allowed(ctx, origin))
		return resp_error(ctx, 403, "CSRF Failed: Origin checking "
		    "failed - the origin does not match any trusted origins.");
	return 0;
}

/* Reads the body into *data; 0 or the status set. */
static int
auth_body(struct ctx *ctx, const cJSON **data)
{
	int rc = req_data(ctx, data);

	if (rc == 0 && !cJSON_IsObject(*data))
		return resp_error(ctx, 400, "Expected a JSON object.");
	return rc;
}

/*
 * POST /api/auth/login/ {username, password}: checks them (throttled), and
 * starts a browser session: the cookie, and the CSRF token in the answer
 * for the X-CSRFToken header of later state-changing requests.
 */
static int
auth_login(struct ctx *ctx)
{
	const cJSON *data;
	cJSON *errors, *user;
	const char *username, *password, *csrf;
	long long uid;
	int rc;

	if ((rc = auth_check_origin(ctx)) != 0 ||
	    (rc = auth_body(ctx, &data)) != 0)
		return rc;
	errors = cJSON_CreateObject();
	username = acct_text(data, "username", 1024, true, errors);
	password = acct_text(data, "password", 4 * PWD_MAX_LEN, true, errors);
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	if ((rc = auth_password(ctx, username, password, &uid)) != 0) {
		if (rc == 401)
			resp_header(ctx, "WWW-Authenticate",
			    auth_challenge(ctx));
		return rc;
	}
	if ((rc = auth_session_start(ctx, uid, &csrf)) != 0)
		return rc;
	if ((rc = auth_load_user(ctx, uid)) != 0)
		return rc == 1 ? resp_error(ctx, 401,
		    "Invalid username or password.") : rc;
	ctx->auth_kind = AUTH_SESSION;
	sqlite3_stmt *st = db_prepare(ctx, auth_sql_last_login);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, uid);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "last login");
	if ((rc = audit_event(ctx, AUDIT_LOGIN, "session")) != 0)
		return rc;
	if ((rc = acct_user_json(ctx, uid, &user)) != 0)
		return rc == 1 ? resp_internal(ctx, "user vanished") : rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "user", user);
	cJSON_AddStringToObject(o, "csrf_token", csrf);
	return resp_json(ctx, 200, o);
}

/* POST /api/auth/logout/: ends the session and clears its cookie. */
static int
auth_logout(struct ctx *ctx)
{
	bool had = ctx->auth_kind == AUTH_SESSION;
	int rc;

	if ((rc = auth_session_end(ctx)) != 0)
		return rc;
	if (had && (rc = audit_event(ctx, AUDIT_LOGOUT, "session")) != 0)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Successfully logged out.");
	return resp_json(ctx, 200, o);
}

/*
 * POST /api/auth/password/ {old_password, new_password}: every session and
 * token of the user ends; a browser that changed it gets a new session.
 */
static int
auth_change_password(struct ctx *ctx)
{
	const cJSON *data;
	const char *old, *new, *why, *csrf = NULL;
	cJSON *errors;
	long long uid;
	int rc;

	if ((rc = auth_body(ctx, &data)) != 0)
		return rc;
	errors = cJSON_CreateObject();
	old = acct_text(data, "old_password", 4 * PWD_MAX_LEN, true, errors);
	new = acct_text(data, "new_password", 4 * PWD_MAX_LEN, true, errors);
	if (new != NULL && (why = pwd_policy(ctx->username, new,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL)
		acct_error(errors, "new_password", why);
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	rc = auth_password(ctx, ctx->username, old, &uid);
	if (rc == 401 || (rc == 0 && uid != ctx->user_id)) {
		ctx->resp.status = 0;
		return resp_field_error(ctx, "old_password",
		    "Your old password was entered incorrectly.");
	}
	if (rc != 0)
		return rc;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = acct_set_password(ctx, ctx->user_id, new)) != 0 ||
	    (rc = audit_event(ctx, AUDIT_PASSWORD_CHANGED, ctx->username)) != 0 ||
	    (rc = db_commit(ctx)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Password changed. Every session "
	    "and API token of this user has ended.");
	if (ctx->auth_kind == AUTH_SESSION) {
		ctx->session_id = 0;	/* already deleted with the others */
		if ((rc = auth_session_start(ctx, ctx->user_id, &csrf)) != 0) {
			cJSON_Delete(o);
			return rc;
		}
		cJSON_AddStringToObject(o, "csrf_token", csrf);
	}
	return resp_json(ctx, 200, o);
}

/*
 * GET /api/auth/session/: who the browser is signed in as, and the CSRF
 * token of its session, so a page reloaded with its cookie can go on
 * making state-changing requests.  Other sites cannot read the answer
 * (no CORS grant unless CORS_ALLOWED_ORIGINS lists them).
 */
static int
auth_session_state(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject(), *user;
	int rc;

	cJSON_AddBoolToObject(o, "authenticated", ctx->user_id != 0);
	if (ctx->user_id == 0) {
		cJSON_AddNullToObject(o, "user");
		cJSON_AddNullToObject(o, "csrf_token");
		return resp_json(ctx, 200, o);
	}
	if ((rc = acct_user_json(ctx, ctx->user_id, &user)) != 0) {
		cJSON_Delete(o);
		return rc == 1 ? resp_internal(ctx, "user vanished") : rc;
	}
	cJSON_AddItemToObject(o, "user", user);
	if (ctx->auth_kind == AUTH_SESSION) {
		const char *csrf = auth_csrf_token(ctx, ctx->session_key);
		if (csrf == NULL) {
			cJSON_Delete(o);
			return ctx->resp.status;
		}
		cJSON_AddStringToObject(o, "csrf_token", csrf);
	} else
		cJSON_AddNullToObject(o, "csrf_token");
	ctx->resp.no_etag = true;
	return resp_json(ctx, 200, o);
}

/*
 * GET /api/auth/setup/: whether first-run setup is open.  While no user
 * exists it makes sure the setup code file exists in the data directory.
 */
static int
auth_setup_state(struct ctx *ctx)
{
	const char *code;
	long long n;
	int rc;

	if ((rc = acct_count(ctx, &n)) != 0)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "setup_required", n == 0);
	if (n == 0) {
		if ((rc = acct_setup_code(ctx, true, &code)) != 0) {
			cJSON_Delete(o);
			return rc;
		}
		cJSON_AddStringToObject(o, "setup_code_file",
		    "the file '" ACCT_SETUP_FILE "' in the data directory");
	} else
		acct_setup_close(ctx);
	return resp_json(ctx, 200, o);
}

/*
 * POST /api/auth/setup/ {setup_code, username, password, email}: creates
 * the first superuser, only while no user exists and only with the code
 * from DATA_DIR/setup_code.  Wrong codes count as failed sign-ins of the
 * client address (throttled).  Closes for good once a user exists.
 */
static int
auth_setup(struct ctx *ctx)
{
	const cJSON *data;
	const char *code, *sent, *username, *password, *email, *why;
	cJSON *errors, *user;
	long long n, uid;
	int rc;

	if ((rc = auth_check_origin(ctx)) != 0 ||
	    (rc = acct_count(ctx, &n)) != 0)
		return rc;
	if (n > 0) {
		acct_setup_close(ctx);
		return resp_error(ctx, 403, "Setup is closed: an account "
		    "exists already.");
	}
	if ((rc = auth_throttled(ctx, NULL)) != 0 ||
	    (rc = auth_body(ctx, &data)) != 0 ||
	    (rc = acct_setup_code(ctx, false, &code)) != 0)
		return rc;
	if (code == NULL)
		return resp_field_error(ctx, "setup_code", "No setup code has "
		    "been issued: GET /api/auth/setup/ writes one into the "
		    "data directory.");
	errors = cJSON_CreateObject();
	sent = acct_text(data, "setup_code", 64, true, errors);
	if (sent != NULL && !auth_equal(sent, code)) {
		cJSON_Delete(errors);
		if ((rc = auth_record_failure(ctx, "(setup)")) != 0)
			return rc;
		return resp_field_error(ctx, "setup_code", "Invalid setup code; "
		    "read it from the file '%s' in the data directory.",
		    ACCT_SETUP_FILE);
	}
	username = acct_text(data, "username", 1024, true, errors);
	password = acct_text(data, "password", 4 * PWD_MAX_LEN, true, errors);
	email = acct_text(data, "email", 1024, false, errors);
	if (username != NULL && (why = acct_username_invalid(username)) != NULL)
		acct_error(errors, "username", why);
	if (email != NULL && (why = acct_email_invalid(email)) != NULL)
		acct_error(errors, "email", why);
	if (password != NULL && (why = pwd_policy(username, password,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL)
		acct_error(errors, "password", why);
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	/* Again under the write lock: two setups at once make one user. */
	if ((rc = acct_count(ctx, &n)) != 0)
		goto fail;
	if (n > 0) {
		db_rollback(ctx);
		return resp_error(ctx, 403, "Setup is closed: an account "
		    "exists already.");
	}
	if ((rc = acct_create(ctx, username, email, password, true,
	    &uid)) != 0 ||
	    (rc = audit_record(ctx, AUDIT_SETUP, uid, username, username)) != 0 ||
	    (rc = db_commit(ctx)) != 0)
		goto fail;
	acct_setup_close(ctx);
	if ((rc = acct_user_json(ctx, uid, &user)) != 0)
		return rc == 1 ? resp_internal(ctx, "user vanished") : rc;
	return resp_json(ctx, 201, user);
fail:
	db_rollback(ctx);
	return rc == 1 ? resp_internal(ctx, "setup race") : rc;
}

static const struct route auth_routes[] = {
	{ "POST", "/api/auth/login/", AREA_PUBLIC, PERM_VIEW, auth_login,
	  "Sign in: start a browser session", 0 },
	{ "POST", "/api/auth/logout/", AREA_PUBLIC, PERM_VIEW, auth_logout,
	  "Sign out: end the browser session", 0 },
	{ "POST", "/api/auth/password/", AREA_USER, PERM_VIEW,
	  auth_change_password, "Change one's own password", 0 },
	{ "GET", "/api/auth/session/", AREA_PUBLIC, PERM_VIEW,
	  auth_session_state, "The browser's session: user and CSRF token", 0 },
	{ "GET", "/api/auth/setup/", AREA_PUBLIC, PERM_VIEW, auth_setup_state,
	  "Whether first-run setup is open", 0 },
	{ "POST", "/api/auth/setup/", AREA_PUBLIC, PERM_VIEW, auth_setup,
	  "First run: create the first superuser with the setup code", 0 },
};

static const struct program auth_program = PROGRAM("auth", auth_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &auth_program);
}
