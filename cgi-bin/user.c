/*
 * user.cgi: users and groups (/api/user/, /api/user/group/: resources of
 * domain/accounts/user.c -- any signed-in user reads users, superusers
 * write them and manage groups), and the signed-in user's own endpoints:
 * /api/user/me/, roles, API tokens.
 */
#include <string.h>

#include "site.h"

#include "accounts/account.h"
#include "accounts/audit.h"

#define TOKEN_NAME_MAX	100

static const char user_sql_tokens[] =
    "SELECT id, name, created, expiry,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, 'unixepoch'), revoked,"
    " (revoked = 0 AND expiry >= strftime('%Y-%m-%d', 'now') AND"
    "  token_version = (SELECT token_version FROM users WHERE id = ?1))"
    " FROM api_tokens WHERE user_id = ?1 ORDER BY id";
static const char user_sql_token_revoke[] =
    "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND user_id = ?2"
    " RETURNING name";

/* GET /api/user/me/ */
static struct err *
user_me(struct ctx *ctx)
{
	return res_answer(ctx, &user_resource, ctx->user_id, 200);
}

/*
 * PATCH /api/user/me/: one's own names and e-mail address, checked and
 * written as the user resource checks and writes them (with its audit
 * entry); nothing else of one's account.
 */
static struct err *
user_change_me(struct ctx *ctx)
{
	static const char *const own[] = { "first_name", "last_name", "email" };
	const struct resource *r = &user_resource;
	struct val *v = mem_alloc(&ctx->mem, r->nfields * sizeof(*v));
	struct val *old = mem_alloc(&ctx->mem, r->nfields * sizeof(*old));
	struct res_write w = { .res = r, .id = ctx->user_id, .v = v,
	    .old = old };
	struct errs es;
	struct err *e;

	if ((e = req_data(ctx, &w.body)) != NULL)
		return e;
	if (!cJSON_IsObject(w.body))
		return err_field(ctx, "non_field_errors", "Invalid data. "
		    "Expected a dictionary.");
	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((e = res_load(ctx, r, w.id, v)) != NULL)
		return db_end(ctx, e);
	memcpy(old, v, r->nfields * sizeof(*v));
	errs_init(&es, ctx);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		int k = res_field(r, own[i]);
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(w.body, own[i]);
		const char *msg;
		if (k >= 0 && j != NULL &&
		    (msg = val_json(ctx, j, &r->fields[k], &v[k])) != NULL)
			errs_add(&es, own[i], msg);
	}
	if ((e = db_end(ctx, res_save(ctx, &w, &es))) != NULL)
		return e;
	return res_answer(ctx, r, w.id, 200);
}

/*
 * GET /api/user/token/?name=NAME: a new API token for the caller, shown
 * once.  Keys are kept only as digests, so an existing token cannot be
 * shown again: every call makes a new one (as InvenTree's newest versions
 * do).
 */
static struct err *
user_token(struct ctx *ctx)
{
	const char *name = req_query(ctx, "name");
	const char *key, *expiry, *msg;
	struct err *e;
	long long id;

	/* HEAD would make a token nobody sees. */
	if (strcmp(ctx->req.method, "HEAD") == 0)
		return resp_json(ctx, 200, cJSON_CreateObject());
	if (name == NULL || name[0] == '\0')
		name = "default";
	if ((msg = val_text(ctx, name, TOKEN_NAME_MAX, false)) != NULL)
		return err_field(ctx, "name", "%s", msg);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = auth_token_create(ctx, ctx->user_id, name, &key, &expiry, &id);
	if (e == NULL)
		e = audit_event(ctx, AUDIT_TOKEN_CREATED, name);
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", key);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "expiry", expiry);
	json_int(o, "pk", id);
	resp_header(ctx, "Cache-Control", "no-store");
	return resp_json(ctx, 200, o);
}

/* GET /api/user/tokens/: the caller's tokens, never their keys. */
static struct err *
user_tokens(struct ctx *ctx)
{
	db_stmt *st = db_prepare(ctx, user_sql_tokens);
	int rc;

	if (st == NULL)
		return db_err(ctx, "tokens");
	st_bind_int64(st, 1, ctx->user_id);
	cJSON *a = cJSON_CreateArray();
	while ((rc = st_step(st)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		json_int(o, "pk", st_column_int64(st, 0));
		db_json_text(o, "name", st, 1);
		db_json_text(o, "created", st, 2);
		db_json_text(o, "expiry", st, 3);
		if (st_column_type(st, 4) == SQLITE_NULL)
			json_null(o, "last_seen");
		else
			db_json_text(o, "last_seen", st, 4);
		json_bool(o, "revoked", st_column_int(st, 5));
		json_bool(o, "active", st_column_int(st, 6));
		json_bool(o, "in_use", ctx->token_id ==
		    st_column_int64(st, 0));
		json_int(o, "user", ctx->user_id);
		cJSON_AddItemToArray(a, o);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_err(ctx, "tokens");
	}
	return resp_json(ctx, 200, a);
}

/* Runs write for the route's <pk> in one transaction; NULL or the error. */
static struct err *
user_write_pk(struct ctx *ctx, struct err *(*write)(struct ctx *, long long))
{
	struct err *e;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	return db_end(ctx, write(ctx, route_param_id(ctx, "pk")));
}

/* Revokes the caller's token pk, with its audit entry (in a transaction). */
static struct err *
user_revoke(struct ctx *ctx, long long pk)
{
	db_stmt *st = db_prepare(ctx, user_sql_token_revoke);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "revoke");
	st_bind_int64(st, 1, pk);
	st_bind_int64(st, 2, ctx->user_id);
	if ((e = db_row(ctx, st, "revoke", &found)) != NULL)
		return e;
	if (!found)
		return err_new(ctx, 404, "No token matches the given query.");
	const char *name = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 0));
	if ((e = db_step(ctx, st, "revoke")) != NULL)
		return e;
	return audit_event(ctx, AUDIT_TOKEN_REVOKED, name);
}

/* DELETE /api/user/tokens/<pk>/: revokes one of the caller's tokens. */
static struct err *
user_token_revoke(struct ctx *ctx)
{
	struct err *e;

	if ((e = user_write_pk(ctx, user_revoke)) != NULL)
		return e;
	return resp_no_content(ctx);
}

/*
 * The models of each rule set, as InvenTree names them in the
 * "permissions" of /api/user/roles/ (API 207).
 */
static const char *const role_models[PAREA__MAX][12] = {
	[PAREA_ADMIN] = { "user", "group", "ruleset" },
	[PAREA_PART_CATEGORY] = { "partcategory" },
	[PAREA_PART] = { "part" },
	[PAREA_STOCK_LOCATION] = { "stocklocation" },
	[PAREA_STOCK] = { "stockitem", "stockitemtracking" },
	[PAREA_BUILD] = { "build" },
	[PAREA_PURCHASE_ORDER] = { "purchaseorder", "purchaseorderlineitem",
	    "purchaseorderextraline", "company", "contact", "address",
	    "manufacturerpart", "supplierpart", "supplierpricebreak" },
	[PAREA_SALES_ORDER] = { "salesorder" },
	[PAREA_RETURN_ORDER] = { "returnorder" },
};

/*
 * GET /api/user/roles/: the caller's permissions per rule set ("roles")
 * and per model ("permissions": {"part": ["view", "add", ...], ...}, only
 * models with at least one).
 */
static struct err *
user_roles(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	json_int(o, "user", ctx->user_id);
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
	cJSON *models = cJSON_AddObjectToObject(o, "permissions");
	for (int a = 0; a < PAREA__MAX; a++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(roles,
		    perm_areas[a]);
		if (!cJSON_IsArray(l))
			continue;
		for (size_t m = 0; m < sizeof(role_models[a]) /
		    sizeof(role_models[a][0]) && role_models[a][m] != NULL; m++)
			cJSON_AddItemToObject(models, role_models[a][m],
			    cJSON_Duplicate(l, true));
	}
	cJSON_AddBoolToObject(o, "is_staff", ctx->is_staff);
	cJSON_AddBoolToObject(o, "is_superuser", ctx->is_superuser);
	return resp_json(ctx, 200, o);
}

/* Ends every credential of user id, with the audit entry. */
static struct err *
user_end_credentials(struct ctx *ctx, long long id)
{
	const struct resource *r = &user_resource;
	struct val *v = mem_alloc(&ctx->mem, r->nfields * sizeof(*v));
	struct err *e;

	if ((e = res_load(ctx, r, id, v)) != NULL ||
	    (e = auth_bump_version(ctx, id)) != NULL)
		return e;
	return audit_event(ctx, AUDIT_SIGNOUT_ALL,
	    v[res_field(r, "username")].s);
}

/*
 * POST /api/user/<pk>/signout/: "sign out everywhere" -- ends every
 * session and API token of the user at once.
 */
static struct err *
user_signout_all(struct ctx *ctx)
{
	struct err *e;

	if ((e = user_write_pk(ctx, user_end_credentials)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Every session and API token of "
	    "this user has ended.");
	return resp_json(ctx, 200, o);
}

static const struct route user_routes[] = {
	{ "GET", "/api/user/me/", AREA_USER, PERM_VIEW, user_me,
	  "The signed-in user", 0 },
	{ "PATCH", "/api/user/me/", AREA_USER, PERM_VIEW, user_change_me,
	  "Change one's own names and email", 0 },
	{ "GET", "/api/user/token/", AREA_USER, PERM_VIEW, user_token,
	  "New API token for the signed-in user", ROUTE_CSRF },
	{ "GET", "/api/user/tokens/", AREA_USER, PERM_VIEW, user_tokens,
	  "The signed-in user's API tokens", 0 },
	{ "DELETE", "/api/user/tokens/<pk>/", AREA_USER, PERM_VIEW,
	  user_token_revoke, "Revoke an API token", 0 },
	{ "GET", "/api/user/roles/", AREA_USER, PERM_VIEW, user_roles,
	  "The signed-in user's permissions", 0 },
	/* InvenTree's paths from API 490 (the mobile app uses them there). */
	{ "GET", "/api/user/me/token/", AREA_USER, PERM_VIEW, user_token,
	  "New API token for the signed-in user (API 490)", ROUTE_CSRF },
	{ "GET", "/api/user/me/roles/", AREA_USER, PERM_VIEW, user_roles,
	  "The signed-in user's permissions (API 490)", 0 },
	{ "POST", "/api/user/<pk>/signout/", AREA_SUPERUSER, PERM_CHANGE,
	  user_signout_all, "Sign a user out everywhere", 0 },
};

static const struct resource *const user_resources[] = {
	&user_resource,
	&group_resource,
};

PROGRAM_MAIN("user",
    ROUTES(user_routes), RESOURCES(user_resources))
