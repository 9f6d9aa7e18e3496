/*
 * user.cgi: the signed-in user (/api/user/me/, roles, API tokens) and,
 * for superusers, the administration of users and groups.
 */
#include <string.h>

#include "account.h"
#include "audit.h"
#include "auth.h"
#include "pwd.h"
#include "stockroom.h"

#define TOKEN_NAME_MAX	100

static const char user_sql_me[] =
    "SELECT id, username, first_name, last_name, email, is_staff,"
    " is_superuser, is_active, date_joined, last_login FROM users"
    " WHERE id = ?1";
static const char user_sql_tokens[] =
    "SELECT id, name, created, expiry, last_seen, revoked,"
    " (revoked = 0 AND expiry >= strftime('%Y-%m-%d', 'now') AND"
    "  token_version = (SELECT token_version FROM users WHERE id = ?1))"
    " FROM api_tokens WHERE user_id = ?1 ORDER BY id";
static const char user_sql_token_revoke[] =
    "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND user_id = ?2"
    " RETURNING name";

/* A users row (columns as user_sql_me) as the API's user object. */
static cJSON *
user_object(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "pk", (double)sqlite3_column_int64(st, 0));
	cJSON_AddStringToObject(o, "username",
	    (const char *)sqlite3_column_text(st, 1));
	cJSON_AddStringToObject(o, "first_name",
	    (const char *)sqlite3_column_text(st, 2));
	cJSON_AddStringToObject(o, "last_name",
	    (const char *)sqlite3_column_text(st, 3));
	cJSON_AddStringToObject(o, "email",
	    (const char *)sqlite3_column_text(st, 4));
	cJSON_AddBoolToObject(o, "is_staff", sqlite3_column_int(st, 5));
	cJSON_AddBoolToObject(o, "is_superuser", sqlite3_column_int(st, 6));
	cJSON_AddBoolToObject(o, "is_active", sqlite3_column_int(st, 7));
	cJSON_AddStringToObject(o, "date_joined",
	    (const char *)sqlite3_column_text(st, 8));
	if (sqlite3_column_type(st, 9) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "last_login");
	else
		cJSON_AddStringToObject(o, "last_login",
		    (const char *)sqlite3_column_text(st, 9));
	return o;
}

/* Answers with user id's object, or 404. */
static int
user_answer(struct ctx *ctx, long long id, int status)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_me);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return resp_error(ctx, 404, "No User matches the given query.");
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "user");
	return resp_json(ctx, status, user_object(st));
}

/* GET /api/user/me/ */
static int
user_me(struct ctx *ctx)
{
	return user_answer(ctx, ctx->user_id, 200);
}

/*
 * GET /api/user/token/?name=NAME: a new API token for the caller, shown
 * once.  Keys are kept only as digests, so an existing token cannot be
 * shown again: every call makes a new one (as InvenTree's newest versions
 * do).
 */
static int
user_token(struct ctx *ctx)
{
	const char *name = req_query(ctx, "name");
	const char *key, *expiry;
	long long id;
	int rc;

	if (name == NULL || name[0] == '\0')
		name = "default";
	if (strlen(name) > TOKEN_NAME_MAX)
		return resp_field_error(ctx, "name", "Ensure this field has no "
		    "more than %d characters.", TOKEN_NAME_MAX);
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = auth_token_create(ctx, ctx->user_id, name, &key, &expiry,
	    &id)) != 0 ||
	    (rc = audit_event(ctx, AUDIT_TOKEN_CREATED, name)) != 0 ||
	    (rc = db_commit(ctx)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", key);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "expiry", expiry);
	cJSON_AddNumberToObject(o, "pk", (double)id);
	resp_header(ctx, "Cache-Control", "no-store");
	return resp_json(ctx, 200, o);
}

/* GET /api/user/tokens/: the caller's tokens, never their keys. */
static int
user_tokens(struct ctx *ctx)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_tokens);
	int rc;

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, ctx->user_id);
	cJSON *a = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "pk",
		    (double)sqlite3_column_int64(st, 0));
		cJSON_AddStringToObject(o, "name",
		    (const char *)sqlite3_column_text(st, 1));
		cJSON_AddStringToObject(o, "created",
		    (const char *)sqlite3_column_text(st, 2));
		cJSON_AddStringToObject(o, "expiry",
		    (const char *)sqlite3_column_text(st, 3));
		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			cJSON_AddNullToObject(o, "last_seen");
		else
			cJSON_AddNumberToObject(o, "last_seen",
			    (double)sqlite3_column_int64(st, 4));
		cJSON_AddBoolToObject(o, "revoked", sqlite3_column_int(st, 5));
		cJSON_AddBoolToObject(o, "active", sqlite3_column_int(st, 6));
		cJSON_AddBoolToObject(o, "in_use", ctx->token_id ==
		    sqlite3_column_int64(st, 0));
		cJSON_AddNumberToObject(o, "user", (double)ctx->user_id);
		cJSON_AddItemToArray(a, o);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_fail(ctx, "tokens");
	}
	return resp_json(ctx, 200, a);
}

/* DELETE /api/user/tokens/<pk>/: revokes one of the caller's tokens. */
static int
user_token_revoke(struct ctx *ctx)
{
	long long pk = route_param_id(ctx, "pk");
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((st = db_prepare(ctx, user_sql_token_revoke)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, pk);
	sqlite3_bind_int64(st, 2, ctx->user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No token matches the given query.");
	}
	if (rc != SQLITE_ROW) {
		db_fail(ctx, "revoke");
		goto fail;
	}
	const char *name = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (audit_event(ctx, AUDIT_TOKEN_REVOKED, name) != 0 ||
	    db_commit(ctx) != 0)
		goto fail;
	ctx->resp.status = 204;
	return 204;
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/* GET /api/user/roles/: the caller's permissions per rule set. */
static int
user_roles(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "user", (double)ctx->user_id);
	cJSON_AddStringToObject(o, "username", ctx->username);
	cJSON *roles = cJSON_AddObjectToObject(o, "roles");
	for (int a = 0; a < PAREA__MAX; a++) {
		cJSON *l = cJSON_CreateArray();
		for (int p = PERM_VIEW; p <= PERM_DELETE; p++)
			if (perm_has(ctx, a, (enum perm)p))
				cJSON_AddItemToArray(l,
				    cJSON_CreateString(perm_names[p]));
		if (cJSON_GetArraySize(l) == 0) {
			cJSON_Delete(l);
			cJSON_AddNullToObject(roles, perm_areas[a]);
		} else
			cJSON_AddItemToObject(roles, perm_areas[a], l);
	}
	cJSON_AddBoolToObject(o, "is_staff", ctx->is_staff);
	cJSON_AddBoolToObject(o, "is_superuser", ctx->is_superuser);
	return resp_json(ctx, 200, o);
}

static const struct route user_routes[] = {
	{ "GET", "/api/user/me/", AREA_USER, PERM_VIEW, user_me,
	  "The signed-in user", 0 },
	{ "GET", "/api/user/token/", AREA_USER, PERM_VIEW, user_token,
	  "New API token for the signed-in user", 0 },
	{ "GET", "/api/user/tokens/", AREA_USER, PERM_VIEW, user_tokens,
	  "The signed-in user's API tokens", 0 },
	{ "DELETE", "/api/user/tokens/<pk>/", AREA_USER, PERM_VIEW,
	  user_token_revoke, "Revoke an API token", 0 },
	{ "GET", "/api/user/roles/", AREA_USER, PERM_VIEW, user_roles,
	  "The signed-in user's permissions", 0 },
};

static const struct program user_program = PROGRAM("user", user_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &user_program);
}
