/*
 * user.cgi: the signed-in user (/api/user/me/, roles, API tokens) and,
 * for superusers, the administration of users and groups.
 */
#include <string.h>

#include "accounts/account.h"
#include "accounts/audit.h"
#include "accounts/auth.h"
#include "list.h"
#include "page.h"
#include "accounts/pwd.h"
#include "stockroom.h"

#define TOKEN_NAME_MAX	100

static const char user_sql_groups_of[] =
    "SELECT group_id FROM user_groups WHERE user_id = ?1 ORDER BY group_id";

/* Adds "groups": [pk, ...] to a user object. */
static int
user_add_groups(struct ctx *ctx, cJSON *o, long long id)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_groups_of);
	int rc;

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	cJSON *a = cJSON_AddArrayToObject(o, "groups");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)
		    sqlite3_column_int64(st, 0)));
	if (rc != SQLITE_DONE)
		return db_fail(ctx, "groups of user");
	sqlite3_reset(st);
	return 0;
}
static const char user_sql_tokens[] =
    "SELECT id, name, created, expiry,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, 'unixepoch'), revoked,"
    " (revoked = 0 AND expiry >= strftime('%Y-%m-%d', 'now') AND"
    "  token_version = (SELECT token_version FROM users WHERE id = ?1))"
    " FROM api_tokens WHERE user_id = ?1 ORDER BY id";
static const char user_sql_token_revoke[] =
    "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND user_id = ?2"
    " RETURNING name";

/* Answers with user id's object (with its groups), or 404. */
static int
user_answer(struct ctx *ctx, long long id, int status)
{
	cJSON *o;
	int rc = acct_user_json(ctx, id, &o);

	if (rc == 1)
		return resp_error(ctx, 404, "No User matches the given query.");
	if (rc != 0)
		return rc;
	if ((rc = user_add_groups(ctx, o, id)) != 0) {
		cJSON_Delete(o);
		return rc;
	}
	return resp_json(ctx, status, o);
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

	/* HEAD would make a token nobody sees. */
	if (strcmp(ctx->req.method, "HEAD") == 0)
		return resp_json(ctx, 200, cJSON_CreateObject());
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
			cJSON_AddStringToObject(o, "last_seen",
			    (const char *)sqlite3_column_text(st, 4));
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

/*
 * The models of each rule set, as InvenTree names them in the
 * "permissions" of /api/user/roles/ (API 207).
 */
static const char *const role_models[PAREA__MAX][3] = {
	[PAREA_ADMIN] = { "user", "group", "ruleset" },
	[PAREA_PART_CATEGORY] = { "partcategory" },
	[PAREA_PART] = { "part" },
	[PAREA_STOCK_LOCATION] = { "stocklocation" },
	[PAREA_STOCK] = { "stockitem", "stockitemtracking" },
	[PAREA_BUILD] = { "build" },
	[PAREA_PURCHASE_ORDER] = { "purchaseorder" },
	[PAREA_SALES_ORDER] = { "salesorder" },
	[PAREA_RETURN_ORDER] = { "returnorder" },
};

/*
 * GET /api/user/roles/: the caller's permissions per rule set ("roles")
 * and per model ("permissions": {"part": ["view", "add", ...], ...}, only
 * models with at least one).
 */
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
	cJSON *models = cJSON_AddObjectToObject(o, "permissions");
	for (int a = 0; a < PAREA__MAX; a++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(roles,
		    perm_areas[a]);
		if (!cJSON_IsArray(l))
			continue;
		for (size_t m = 0; m < 3 && role_models[a][m] != NULL; m++)
			cJSON_AddItemToObject(models, role_models[a][m],
			    cJSON_Duplicate(l, true));
	}
	cJSON_AddBoolToObject(o, "is_staff", ctx->is_staff);
	cJSON_AddBoolToObject(o, "is_superuser", ctx->is_superuser);
	return resp_json(ctx, 200, o);
}

/* --- Administration of users (superusers) ------------------------ */

#define USER_WHERE \
    " WHERE (?1 IS NULL OR is_active = ?1) AND (?2 IS NULL OR" \
    " is_superuser = ?2) AND (?3 IS NULL OR username LIKE ?3 ESCAPE '\\'" \
    " OR first_name LIKE ?3 ESCAPE '\\' OR last_name LIKE ?3 ESCAPE '\\'" \
    " OR email LIKE ?3 ESCAPE '\\')"
static const char user_sql_list[] =
    "SELECT " ACCT_USER_COLUMNS " FROM users" USER_WHERE
    " ORDER BY id LIMIT ?4 OFFSET ?5";
static const char user_sql_count[] = "SELECT count(*) FROM users" USER_WHERE;
static const char user_sql_current[] =
    "SELECT username, email, first_name, last_name, is_active, is_staff,"
    " is_superuser FROM users WHERE id = ?1";
static const char user_sql_update[] =
    "UPDATE users SET username = ?2, email = ?3, first_name = ?4,"
    " last_name = ?5, is_active = ?6, is_staff = ?7, is_superuser = ?8"
    " WHERE id = ?1";
static const char user_sql_update_me[] =
    "UPDATE users SET email = coalesce(?2, email),"
    " first_name = coalesce(?3, first_name),"
    " last_name = coalesce(?4, last_name) WHERE id = ?1";
static const char user_sql_clear_groups[] =
    "DELETE FROM user_groups WHERE user_id = ?1";
static const char user_sql_add_group[] =
    "INSERT OR IGNORE INTO user_groups (user_id, group_id)"
    " SELECT ?1, id FROM groups WHERE id = ?2";
static const char user_sql_group_exists[] =
    "SELECT 1 FROM groups WHERE id = ?1";
static const char user_sql_superusers[] =
    "SELECT count(*) FROM users WHERE is_superuser = 1 AND is_active = 1";
static const char user_sql_delete[] =
    "DELETE FROM users WHERE id = ?1";

/* Binds the list filters ?is_active, ?is_superuser, ?search to ?1..?3. */
static int
user_bind_filters(struct ctx *ctx, sqlite3_stmt *st)
{
	static const char *const flags[] = { "is_active", "is_superuser" };
	const char *search = req_query(ctx, "search");
	bool b;

	for (int i = 0; i < 2; i++) {
		const char *v = req_query(ctx, flags[i]);
		if (v == NULL)
			continue;
		if (!txt_parse_bool(v, &b))
			return resp_field_error(ctx, flags[i],
			    "Must be a valid boolean.");
		sqlite3_bind_int(st, i + 1, b);
	}
	if (search != NULL && search[0] != '\0') {
		if (strlen(search) > 200)
			return resp_field_error(ctx, "search", "Ensure this "
			    "field has no more than 200 characters.");
		sqlite3_bind_text(st, 3, list_like(ctx, search), -1,
		    SQLITE_STATIC);
	}
	return 0;
}

/* GET /api/user/: users (any signed-in user may list them). */
static int
user_list(struct ctx *ctx)
{
	struct page pg;
	long long count = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = page_parse(ctx, &pg)) != 0)
		return rc;
	if (pg.paged) {
		if ((st = db_prepare(ctx, user_sql_count)) == NULL)
			return ctx->resp.status;
		if ((rc = user_bind_filters(ctx, st)) != 0)
			return rc;
		if (sqlite3_step(st) != SQLITE_ROW)
			return db_fail(ctx, "count users");
		count = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if ((st = db_prepare(ctx, user_sql_list)) == NULL)
		return ctx->resp.status;
	if ((rc = user_bind_filters(ctx, st)) != 0)
		return rc;
	sqlite3_bind_int64(st, 4, pg.limit);
	sqlite3_bind_int64(st, 5, pg.offset);
	cJSON *a = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *o = acct_user_object(st);
		cJSON_AddItemToArray(a, o);
		if (user_add_groups(ctx, o, sqlite3_column_int64(st, 0)) != 0) {
			cJSON_Delete(a);
			return ctx->resp.status;
		}
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_fail(ctx, "list users");
	}
	return page_answer(ctx, &pg, count, a);
}

/* GET /api/user/<pk>/ */
static int
user_detail(struct ctx *ctx)
{
	return user_answer(ctx, route_param_id(ctx, "pk"), 200);
}

/*
 * Checks a list of references (a user's "groups", a group's "users"): an
 * array of at most max ids, each of a row that exists (exists is a constant
 * "SELECT 1 ... WHERE id = ?1").  Adds DRF's messages to errors under field.
 */
static void
check_id_list(struct ctx *ctx, const cJSON *ids, const char *field,
    const char *exists, int max, cJSON *errors)
{
	const cJSON *g;

	if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) > max) {
		acct_error(errors, field, "Expected a list of items.");
		return;
	}
	cJSON_ArrayForEach(g, ids) {
		sqlite3_stmt *st;
		if (!cJSON_IsNumber(g) || g->valuedouble < 1 ||
		    g->valuedouble > 1e15 ||
		    g->valuedouble != (double)(long long)g->valuedouble) {
			acct_error(errors, field, "Incorrect type. Expected "
			    "pk value.");
			return;
		}
		if ((st = db_prepare(ctx, exists)) == NULL)
			return;
		sqlite3_bind_int64(st, 1, (long long)g->valuedouble);
		if (sqlite3_step(st) != SQLITE_ROW) {
			acct_error(errors, field, mem_printf(&ctx->mem,
			    "Invalid pk \"%lld\" - object does not exist.",
			    (long long)g->valuedouble));
			return;
		}
		sqlite3_reset(st);
	}
}

/* Replaces the user's groups with the (checked) list groups. */
static int
user_set_groups(struct ctx *ctx, long long id, const cJSON *groups)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_clear_groups);
	const cJSON *g;

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "clear groups");
	cJSON_ArrayForEach(g, groups) {
		if ((st = db_prepare(ctx, user_sql_add_group)) == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (long long)g->valuedouble);
		if (sqlite3_step(st) != SQLITE_DONE)
			return db_fail(ctx, "add group");
	}
	return 0;
}

/* 0 when at least one active superuser remains, else 400 (answer set). */
static int
user_superuser_remains(struct ctx *ctx)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_superusers);

	if (st == NULL)
		return ctx->resp.status;
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "count superusers");
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n > 0)
		return 0;
	cJSON *e = cJSON_CreateObject();
	acct_error(e, "non_field_errors", "At least one active superuser "
	    "must remain.");
	return resp_field_errors(ctx, e);
}

/* The fields of a user a superuser may write. */
struct user_input {
	const char	*username, *email, *first_name, *last_name, *password;
	int		 is_active, is_staff, is_superuser;	/* -1: absent */
	const cJSON	*groups;
};

/*
 * Reads and checks the fields; username required when creating or
 * replacing (PUT).  Returns 0, or 400 (answer set) listing every problem.
 */
static int
user_read_input(struct ctx *ctx, const cJSON *data, bool need_username,
    struct user_input *in)
{
	cJSON *errors = cJSON_CreateObject();
	const char *why;

	in->username = acct_text(data, "username", 1024, need_username, errors);
	in->email = acct_text(data, "email", 1024, false, errors);
	in->first_name = acct_text(data, "first_name", ACCT_NAME_MAX, false,
	    errors);
	in->last_name = acct_text(data, "last_name", ACCT_NAME_MAX, false,
	    errors);
	in->password = acct_text(data, "password", 4 * PWD_MAX_LEN, false,
	    errors);
	in->is_active = acct_bool(data, "is_active", errors);
	in->is_staff = acct_bool(data, "is_staff", errors);
	in->is_superuser = acct_bool(data, "is_superuser", errors);
	in->groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
	if (in->username != NULL &&
	    (why = acct_username_invalid(in->username)) != NULL)
		acct_error(errors, "username", why);
	if (in->email != NULL && (why = acct_email_invalid(in->email)) != NULL)
		acct_error(errors, "email", why);
	if (in->groups != NULL)
		check_id_list(ctx, in->groups, "groups", user_sql_group_exists,
		    1000, errors);
	if (ctx->resp.status >= 500) {
		cJSON_Delete(errors);
		return ctx->resp.status;
	}
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	return 0;
}

/* Checks a new password against the policy; 0 or 400 (answer set). */
static int
user_check_password(struct ctx *ctx, const char *username,
    const char *password)
{
	const char *why = pwd_policy(username, password,
	    ctx->cfg.password_min_length, &ctx->mem);

	return why == NULL ? 0 : resp_field_error(ctx, "password", "%s", why);
}

static int
user_taken(struct ctx *ctx)
{
	return resp_field_error(ctx, "username",
	    "A user with that username already exists.");
}

/*
 * Writes in (merged over the current row) to user id, inside the caller's
 * transaction.  *what gets the names of the fields changed, for the audit
 * log.  Deactivating or changing the password ends the user's sessions and
 * tokens.
 */
static int
user_write(struct ctx *ctx, long long id, const struct user_input *in,
    const char **what)
{
	sqlite3_stmt *st = db_prepare(ctx, user_sql_current);
	const char *cur[4], *changed = "";
	int flags[3], rc;

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? resp_error(ctx, 404,
		    "No User matches the given query.") : db_fail(ctx, "user");
	for (int i = 0; i < 4; i++)
		cur[i] = mem_strdup(&ctx->mem,
		    (const char *)sqlite3_column_text(st, i));
	for (int i = 0; i < 3; i++)
		flags[i] = sqlite3_column_int(st, 4 + i);
	sqlite3_reset(st);

	const char *nv[4] = { in->username, in->email, in->first_name,
	    in->last_name };
	static const char *const names[4] = { "username", "email",
	    "first_name", "last_name" };
	const int nf[3] = { in->is_active, in->is_staff, in->is_superuser };
	static const char *const fnames[3] = { "is_active", "is_staff",
	    "is_superuser" };
	bool deactivated = flags[0] == 1 && nf[0] == 0;
	for (int i = 0; i < 4; i++)
		if (nv[i] != NULL && strcmp(nv[i], cur[i]) != 0) {
			changed = mem_printf(&ctx->mem, "%s%s%s", changed,
			    changed[0] ? ", " : "", names[i]);
			cur[i] = nv[i];
		}
	for (int i = 0; i < 3; i++)
		if (nf[i] >= 0 && nf[i] != flags[i]) {
			changed = mem_printf(&ctx->mem, "%s%s%s", changed,
			    changed[0] ? ", " : "", fnames[i]);
			flags[i] = nf[i];
		}
	if ((st = db_prepare(ctx, user_sql_update)) == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(st, 2 + i, cur[i], -1, SQLITE_STATIC);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_int(st, 6 + i, flags[i]);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return sqlite3_extended_errcode(ctx->db) ==
		    SQLITE_CONSTRAINT_UNIQUE ? user_taken(ctx) :
		    db_fail(ctx, "update user");
	if (in->password != NULL) {
		if ((rc = user_check_password(ctx, cur[0], in->password)) != 0 ||
		    (rc = acct_set_password(ctx, id, in->password)) != 0)
			return rc;
		changed = mem_printf(&ctx->mem, "%s%spassword", changed,
		    changed[0] ? ", " : "");
	} else if (deactivated && (rc = auth_bump_version(ctx, id)) != 0)
		return rc;
	if (in->groups != NULL) {
		if ((rc = user_set_groups(ctx, id, in->groups)) != 0)
			return rc;
		changed = mem_printf(&ctx->mem, "%s%sgroups", changed,
		    changed[0] ? ", " : "");
	}
	if ((rc = user_superuser_remains(ctx)) != 0)
		return rc;
	*what = mem_printf(&ctx->mem, "%s (%s)", cur[0],
	    changed[0] ? changed : "no change");
	return 0;
}

/* POST /api/user/: creates a user (password optional: none, no sign-in). */
static int
user_create(struct ctx *ctx)
{
	struct user_input in;
	const cJSON *data;
	const char *what;
	long long id;
	int rc;

	if ((rc = req_data(ctx, &data)) != 0 ||
	    (rc = user_read_input(ctx, data, true, &in)) != 0)
		return rc;
	if (in.password != NULL &&
	    (rc = user_check_password(ctx, in.username, in.password)) != 0)
		return rc;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	rc = acct_create(ctx, in.username, in.email, in.password,
	    in.is_superuser == 1, &id);
	if (rc == 1) {
		db_rollback(ctx);
		return user_taken(ctx);
	}
	in.password = NULL;	/* set by acct_create() */
	if (rc != 0 || (rc = user_write(ctx, id, &in, &what)) != 0 ||
	    (rc = audit_event(ctx, AUDIT_USER_CREATED, in.username)) != 0 ||
	    (rc = db_commit(ctx)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	return user_answer(ctx, id, 201);
}

/* PUT and PATCH /api/user/<pk>/ */
static int
user_change(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct user_input in;
	const cJSON *data;
	const char *what;
	int rc;

	if ((rc = req_data(ctx, &data)) != 0 ||
	    (rc = user_read_input(ctx, data, strcmp(ctx->req.method, "PUT") ==
	    0, &in)) != 0)
		return rc;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = user_write(ctx, id, &in, &what)) != 0 ||
	    (rc = audit_event(ctx, AUDIT_USER_CHANGED, what)) != 0 ||
	    (rc = db_commit(ctx)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	return user_answer(ctx, id, 200);
}

/* DELETE /api/user/<pk>/ (not oneself; never the last superuser). */
static int
user_delete(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	cJSON *o;
	int rc;

	if (id == ctx->user_id)
		return resp_error(ctx, 400, "You cannot delete your own "
		    "account; another superuser can.");
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = acct_user_json(ctx, id, &o)) != 0) {
		db_rollback(ctx);
		return rc == 1 ? resp_error(ctx, 404,
		    "No User matches the given query.") : rc;
	}
	const char *name = mem_strdup(&ctx->mem, cJSON_GetObjectItem(o,
	    "username")->valuestring);
	cJSON_Delete(o);
	sqlite3_stmt *st = db_prepare(ctx, user_sql_delete);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(ctx->db) & 0xff) ==
		    SQLITE_CONSTRAINT) {
			db_rollback(ctx);
			return resp_error(ctx, 409, "Other records refer to "
			    "this user; deactivate the account instead.");
		}
		db_fail(ctx, "delete user");
		goto fail;
	}
	if (user_superuser_remains(ctx) != 0 ||
	    audit_event(ctx, AUDIT_USER_DELETED, name) != 0 ||
	    db_commit(ctx) != 0)
		goto fail;
	ctx->resp.status = 204;
	return 204;
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/*
 * POST /api/user/<pk>/signout/: "sign out everywhere" -- ends every
 * session and API token of the user at once.
 */
static int
user_signout_all(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	cJSON *o;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = acct_user_json(ctx, id, &o)) != 0) {
		db_rollback(ctx);
		return rc == 1 ? resp_error(ctx, 404,
		    "No User matches the given query.") : rc;
	}
	const char *name = mem_strdup(&ctx->mem, cJSON_GetObjectItem(o,
	    "username")->valuestring);
	cJSON_Delete(o);
	if ((rc = auth_bump_version(ctx, id)) != 0 ||
	    (rc = audit_event(ctx, AUDIT_SIGNOUT_ALL, name)) != 0 ||
	    (rc = db_commit(ctx)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", "Every session and API token of "
	    "this user has ended.");
	return resp_json(ctx, 200, o);
}

/* PATCH /api/user/me/: one's own names and email. */
static int
user_change_me(struct ctx *ctx)
{
	cJSON *errors = cJSON_CreateObject();
	const char *email, *first, *last, *why;
	const cJSON *data;
	int rc;

	if ((rc = req_data(ctx, &data)) != 0) {
		cJSON_Delete(errors);
		return rc;
	}
	email = acct_text(data, "email", 1024, false, errors);
	first = acct_text(data, "first_name", ACCT_NAME_MAX, false, errors);
	last = acct_text(data, "last_name", ACCT_NAME_MAX, false, errors);
	if (email != NULL && (why = acct_email_invalid(email)) != NULL)
		acct_error(errors, "email", why);
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, user_sql_update_me);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, ctx->user_id);
	if (email != NULL)
		sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	if (first != NULL)
		sqlite3_bind_text(st, 3, first, -1, SQLITE_STATIC);
	if (last != NULL)
		sqlite3_bind_text(st, 4, last, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(ctx, "update me");
		goto fail;
	}
	if (audit_event(ctx, AUDIT_USER_CHANGED, mem_printf(&ctx->mem,
	    "%s (own profile)", ctx->username)) != 0 || db_commit(ctx) != 0)
		goto fail;
	return user_answer(ctx, ctx->user_id, 200);
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/* --- Groups and their rule sets (superusers) ------------------------ */

static const char group_sql_get[] = "SELECT id, name FROM groups WHERE id = ?1";
static const char group_sql_list[] =
    "SELECT id, name FROM groups ORDER BY id LIMIT ?1 OFFSET ?2";
static const char group_sql_count[] = "SELECT count(*) FROM groups";
static const char group_sql_rules[] =
    "SELECT area, can_view, can_add, can_change, can_delete FROM group_rules"
    " WHERE group_id = ?1";
static const char group_sql_members[] =
    "SELECT user_id FROM user_groups WHERE group_id = ?1 ORDER BY user_id";
static const char group_sql_insert[] =
    "INSERT INTO groups (name) VALUES (?1) ON CONFLICT DO NOTHING"
    " RETURNING id";
static const char group_sql_rename[] =
    "UPDATE groups SET name = ?2 WHERE id = ?1";
static const char group_sql_clear_rules[] =
    "DELETE FROM group_rules WHERE group_id = ?1";
static const char group_sql_add_rule[] =
    "INSERT INTO group_rules (group_id, area, can_view, can_add, can_change,"
    " can_delete) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char group_sql_clear_members[] =
    "DELETE FROM user_groups WHERE group_id = ?1";
static const char group_sql_add_member[] =
    "INSERT OR IGNORE INTO user_groups (user_id, group_id)"
    " SELECT id, ?1 FROM users WHERE id = ?2";
static const char group_sql_user_exists[] = "SELECT 1 FROM users WHERE id = ?1";
static const char group_sql_delete[] =
    "DELETE FROM groups WHERE id = ?1 RETURNING name";

/*
 * Group id as {pk, name, roles: {area: [perms] or null}, users: [pk]};
 * *out NULL when there is no such group.  Returns 0 or the status set.
 */
static int
group_object(struct ctx *ctx, long long id, cJSON **out)
{
	sqlite3_stmt *st = db_prepare(ctx, group_sql_get);
	int rc;

	*out = NULL;
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : db_fail(ctx, "group");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "pk", (double)id);
	cJSON_AddStringToObject(o, "name",
	    (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	unsigned vacd[PAREA__MAX] = { 0 };
	if ((st = db_prepare(ctx, group_sql_rules)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int a = perm_area_index((const char *)sqlite3_column_text(st, 0));
		for (int i = 0; i < 4 && a >= 0; i++)
			if (sqlite3_column_int(st, 1 + i))
				vacd[a] |= 1U << i;
	}
	if (rc != SQLITE_DONE) {
		db_fail(ctx, "group rules");
		goto fail;
	}
	cJSON *roles = cJSON_AddObjectToObject(o, "roles");
	for (int a = 0; a < PAREA__MAX; a++) {
		unsigned v = perm_imply(vacd[a]);
		if (v == 0) {
			cJSON_AddNullToObject(roles, perm_areas[a]);
			continue;
		}
		cJSON *l = cJSON_AddArrayToObject(roles, perm_areas[a]);
		for (int i = 0; i < 4; i++)
			if (v & (1U << i))
				cJSON_AddItemToArray(l, cJSON_CreateString(
				    perm_names[PERM_VIEW + i]));
	}
	if ((st = db_prepare(ctx, group_sql_members)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	cJSON *u = cJSON_AddArrayToObject(o, "users");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(u, cJSON_CreateNumber((double)
		    sqlite3_column_int64(st, 0)));
	if (rc != SQLITE_DONE) {
		db_fail(ctx, "group members");
		goto fail;
	}
	*out = o;
	return 0;
fail:
	cJSON_Delete(o);
	return ctx->resp.status;
}

static int
group_answer(struct ctx *ctx, long long id, int status)
{
	cJSON *o;
	int rc = group_object(ctx, id, &o);

	if (rc != 0)
		return rc;
	if (o == NULL)
		return resp_error(ctx, 404, "No Group matches the given query.");
	return resp_json(ctx, status, o);
}

/* GET /api/user/group/ */
static int
group_list(struct ctx *ctx)
{
	struct page pg;
	long long count = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = page_parse(ctx, &pg)) != 0)
		return rc;
	if (pg.paged) {
		if ((st = db_prepare(ctx, group_sql_count)) == NULL)
			return ctx->resp.status;
		if (sqlite3_step(st) != SQLITE_ROW)
			return db_fail(ctx, "count groups");
		count = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if ((st = db_prepare(ctx, group_sql_list)) == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, pg.limit);
	sqlite3_bind_int64(st, 2, pg.offset);
	cJSON *a = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *o;
		if (group_object(ctx, sqlite3_column_int64(st, 0), &o) != 0) {
			cJSON_Delete(a);
			return ctx->resp.status;
		}
		if (o != NULL)
			cJSON_AddItemToArray(a, o);
	}
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_fail(ctx, "list groups");
	}
	return page_answer(ctx, &pg, count, a);
}

/* GET /api/user/group/<pk>/ */
static int
group_detail(struct ctx *ctx)
{
	return group_answer(ctx, route_param_id(ctx, "pk"), 200);
}

/*
 * Checks "roles": {area: ["view", "add", ...]}, filling vacd per area (with
 * implications); and "users": [pk].  Errors go to errors.
 */
static void
group_check(struct ctx *ctx, const cJSON *roles, const cJSON *users,
    unsigned vacd[PAREA__MAX], cJSON *errors)
{
	const cJSON *r, *p;

	memset(vacd, 0, PAREA__MAX * sizeof(vacd[0]));
	if (roles != NULL && !cJSON_IsObject(roles))
		acct_error(errors, "roles", "Expected an object of rule sets.");
	else if (roles != NULL) {
		cJSON_ArrayForEach(r, roles) {
			int a = perm_area_index(r->string);
			if (a < 0) {
				acct_error(errors, "roles", mem_printf(&ctx->mem,
				    "Unknown rule set \"%.40s\".", r->string));
				continue;
			}
			if (cJSON_IsNull(r))
				continue;
			if (!cJSON_IsArray(r)) {
				acct_error(errors, "roles", "Expected a list of "
				    "permissions per rule set.");
				continue;
			}
			cJSON_ArrayForEach(p, r) {
				int k = -1;
				for (int i = PERM_VIEW; i <= PERM_DELETE &&
				    cJSON_IsString(p); i++)
					if (strcmp(p->valuestring,
					    perm_names[i]) == 0)
						k = i - PERM_VIEW;
				if (k < 0) {
					acct_error(errors, "roles", "Permissions "
					    "are view, add, change, delete.");
					break;
				}
				vacd[a] |= 1U << k;
			}
			vacd[a] = perm_imply(vacd[a]);
		}
	}
	if (users == NULL)
		return;
	check_id_list(ctx, users, "users", group_sql_user_exists, 100000,
	    errors);
}

/* Writes the group's rule sets (replacing all) and/or members. */
static int
group_write(struct ctx *ctx, long long id, const cJSON *roles,
    const unsigned vacd[PAREA__MAX], const cJSON *users)
{
	sqlite3_stmt *st;
	const cJSON *u;

	if (roles != NULL) {
		if ((st = db_prepare(ctx, group_sql_clear_rules)) == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			return db_fail(ctx, "clear rules");
		for (int a = 0; a < PAREA__MAX; a++) {
			if (vacd[a] == 0)
				continue;
			if ((st = db_prepare(ctx, group_sql_add_rule)) == NULL)
				return ctx->resp.status;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, perm_areas[a], -1,
			    SQLITE_STATIC);
			for (int i = 0; i < 4; i++)
				sqlite3_bind_int(st, 3 + i,
				    (vacd[a] >> i) & 1);
			if (sqlite3_step(st) != SQLITE_DONE)
				return db_fail(ctx, "add rule");
		}
	}
	if (users != NULL) {
		if ((st = db_prepare(ctx, group_sql_clear_members)) == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			return db_fail(ctx, "clear members");
		cJSON_ArrayForEach(u, users) {
			if ((st = db_prepare(ctx, group_sql_add_member)) == NULL)
				return ctx->resp.status;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, (long long)u->valuedouble);
			if (sqlite3_step(st) != SQLITE_DONE)
				return db_fail(ctx, "add member");
		}
	}
	return 0;
}

/* Reads name, roles and users of a group body; 0 or 400 (answer set). */
static int
group_read(struct ctx *ctx, const cJSON *data, bool need_name,
    const char **name, const cJSON **roles, const cJSON **users,
    unsigned vacd[PAREA__MAX])
{
	cJSON *errors = cJSON_CreateObject();

	*name = acct_text(data, "name", 150, need_name, errors);
	if (*name != NULL && (*name)[0] == '\0')
		acct_error(errors, "name", "This field may not be blank.");
	*roles = cJSON_GetObjectItemCaseSensitive(data, "roles");
	*users = cJSON_GetObjectItemCaseSensitive(data, "users");
	group_check(ctx, *roles, *users, vacd, errors);
	if (ctx->resp.status >= 500) {
		cJSON_Delete(errors);
		return ctx->resp.status;
	}
	if (cJSON_GetArraySize(errors) > 0)
		return resp_field_errors(ctx, errors);
	cJSON_Delete(errors);
	return 0;
}

static int
group_taken(struct ctx *ctx)
{
	return resp_field_error(ctx, "name",
	    "group with this name already exists.");
}

/* POST /api/user/group/ {name, roles, users} */
static int
group_create(struct ctx *ctx)
{
	const cJSON *data, *roles, *users;
	unsigned vacd[PAREA__MAX];
	const char *name;
	sqlite3_stmt *st;
	long long id;
	int rc;

	if ((rc = req_data(ctx, &data)) != 0 ||
	    (rc = group_read(ctx, data, true, &name, &roles, &users,
	    vacd)) != 0)
		return rc;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((st = db_prepare(ctx, group_sql_insert)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			db_rollback(ctx);
			return group_taken(ctx);
		}
		db_fail(ctx, "create group");
		goto fail;
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (group_write(ctx, id, roles, vacd, users) != 0 ||
	    audit_event(ctx, AUDIT_GROUP_CREATED, name) != 0 ||
	    db_commit(ctx) != 0)
		goto fail;
	return group_answer(ctx, id, 201);
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/* PUT and PATCH /api/user/group/<pk>/ */
static int
group_change(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	const cJSON *data, *roles, *users;
	unsigned vacd[PAREA__MAX];
	const char *name;
	cJSON *cur;
	int rc;

	if ((rc = req_data(ctx, &data)) != 0 ||
	    (rc = group_read(ctx, data, strcmp(ctx->req.method, "PUT") == 0,
	    &name, &roles, &users, vacd)) != 0)
		return rc;
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if (group_object(ctx, id, &cur) != 0)
		goto fail;
	if (cur == NULL) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No Group matches the given query.");
	}
	const char *target = mem_strdup(&ctx->mem,
	    cJSON_GetObjectItem(cur, "name")->valuestring);
	cJSON_Delete(cur);
	if (name != NULL) {
		sqlite3_stmt *st = db_prepare(ctx, group_sql_rename);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			if (sqlite3_extended_errcode(ctx->db) ==
			    SQLITE_CONSTRAINT_UNIQUE) {
				db_rollback(ctx);
				return group_taken(ctx);
			}
			db_fail(ctx, "rename group");
			goto fail;
		}
		target = mem_printf(&ctx->mem, "%s -> %s", target, name);
	}
	if (group_write(ctx, id, roles, vacd, users) != 0 ||
	    audit_event(ctx, AUDIT_GROUP_CHANGED, mem_printf(&ctx->mem,
	    "%s (%s%s%s)", target, name != NULL ? "name " : "",
	    roles != NULL ? "roles " : "", users != NULL ? "users" : "")) != 0 ||
	    db_commit(ctx) != 0)
		goto fail;
	return group_answer(ctx, id, 200);
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

/* DELETE /api/user/group/<pk>/ (members lose its rule sets at once). */
static int
group_delete(struct ctx *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((st = db_prepare(ctx, group_sql_delete)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, route_param_id(ctx, "pk"));
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			db_rollback(ctx);
			return resp_error(ctx, 404,
			    "No Group matches the given query.");
		}
		db_fail(ctx, "delete group");
		goto fail;
	}
	const char *name = mem_strdup(&ctx->mem,
	    (const char *)sqlite3_column_text(st, 0));
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(ctx, "delete group");
		goto fail;
	}
	if (audit_event(ctx, AUDIT_GROUP_DELETED, name) != 0 ||
	    db_commit(ctx) != 0)
		goto fail;
	ctx->resp.status = 204;
	return 204;
fail:
	db_rollback(ctx);
	return ctx->resp.status;
}

static const struct route user_routes[] = {
	{ "GET", "/api/user/me/", AREA_USER, PERM_VIEW, user_me,
	  "The signed-in user", 0 },
	{ "GET", "/api/user/token/", AREA_USER, PERM_VIEW, user_token,
	  "New API token for the signed-in user", ROUTE_CSRF },
	{ "GET", "/api/user/tokens/", AREA_USER, PERM_VIEW, user_tokens,
	  "The signed-in user's API tokens", 0 },
	{ "DELETE", "/api/user/tokens/<pk>/", AREA_USER, PERM_VIEW,
	  user_token_revoke, "Revoke an API token", 0 },
	{ "GET", "/api/user/roles/", AREA_USER, PERM_VIEW, user_roles,
	  "The signed-in user's permissions", 0 },
	{ "PATCH", "/api/user/me/", AREA_USER, PERM_VIEW, user_change_me,
	  "Change one's own names and email", 0 },
	{ "GET", "/api/user/", AREA_USER, PERM_VIEW, user_list,
	  "Users", 0 },
	{ "POST", "/api/user/", AREA_SUPERUSER, PERM_ADD, user_create,
	  "Create a user", 0 },
	{ "GET", "/api/user/group/", AREA_SUPERUSER, PERM_VIEW, group_list,
	  "Groups with their rule sets", 0 },
	{ "POST", "/api/user/group/", AREA_SUPERUSER, PERM_ADD, group_create,
	  "Create a group", 0 },
	{ "GET", "/api/user/group/<pk>/", AREA_SUPERUSER, PERM_VIEW,
	  group_detail, "A group", 0 },
	{ "PUT", "/api/user/group/<pk>/", AREA_SUPERUSER, PERM_CHANGE,
	  group_change, "Replace a group", 0 },
	{ "PATCH", "/api/user/group/<pk>/", AREA_SUPERUSER, PERM_CHANGE,
	  group_change, "Change a group", 0 },
	{ "DELETE", "/api/user/group/<pk>/", AREA_SUPERUSER, PERM_DELETE,
	  group_delete, "Delete a group", 0 },
	{ "GET", "/api/user/<pk>/", AREA_USER, PERM_VIEW, user_detail,
	  "A user", 0 },
	{ "PUT", "/api/user/<pk>/", AREA_SUPERUSER, PERM_CHANGE, user_change,
	  "Replace a user", 0 },
	{ "PATCH", "/api/user/<pk>/", AREA_SUPERUSER, PERM_CHANGE, user_change,
	  "Change a user (deactivating ends their sessions and tokens)", 0 },
	{ "DELETE", "/api/user/<pk>/", AREA_SUPERUSER, PERM_DELETE,
	  user_delete, "Delete a user", 0 },
	{ "POST", "/api/user/<pk>/signout/", AREA_SUPERUSER, PERM_CHANGE,
	  user_signout_all, "Sign a user out everywhere", 0 },
};

static const struct program user_program = PROGRAM("user", user_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &user_program);
}
