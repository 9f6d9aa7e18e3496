/*
 * user: users and groups, described once each.  See account.h.
 *
 * A user's "groups" and a group's "roles" and "users" live in other tables
 * (user_groups, group_rules): each is shown from a column expression, so a
 * list reads every row's in its one statement, and written by the hooks.
 * To val.h such a field is read-only (a writable field is a column of the
 * table; OPTIONS says read_only for it too), so the prepare hooks check
 * its input themselves -- with the rest of the body and the rules of
 * single fields that val.h cannot state, before the write lock is taken,
 * so that a client sees every field's problems at once, as DRF lists
 * them.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "accounts/account.h"
#include "accounts/audit.h"
#include "accounts/auth.h"
#include "accounts/pwd.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "perm.h"
#include "res.h"
#include "route.h"
#include "val.h"

/* ---- shared by users and groups ------------------------------------- */

/*
 * The values a write's body gives, checked against r's fields (val.h)
 * into es, as res_create() and res_update() will check them again: the
 * prepare hooks run before those checks are reported, and report them
 * with their own.  PUT, like a create, must give every required field.
 */
static struct val *
acct_check_body(struct ctx *ctx, const struct res_write *w, struct errs *es)
{
	const struct resource *r = w->res;
	struct val *v = mem_alloc(&ctx->mem, r->nfields * sizeof(*v));

	for (size_t i = 0; i < r->nfields; i++)
		val_default(&r->fields[i], &v[i]);
	val_object(ctx, w->body, r->fields, r->nfields, v, w->create ||
	    strcmp(ctx->req.method, "PUT") == 0, es);
	return v;
}

/*
 * A list of ids given for f, a field shown from an expression (so
 * F_READ_ONLY to val.h) that the hooks write: checked as if it were
 * writable -- ids, each once, at most f->max -- and each must name a row
 * of f->ref.  *given says whether the body has it; problems go to es.
 */
static struct err *
acct_ids(struct ctx *ctx, const cJSON *body, const struct field *f,
    bool *given, struct val *v, struct errs *es)
{
	struct field in = *f;
	const cJSON *j = cJSON_IsObject(body) ?
	    cJSON_GetObjectItemCaseSensitive(body, f->name) : NULL;
	const char *msg;

	*given = false;
	if (j == NULL)
		return NULL;
	in.flags &= ~F_READ_ONLY;
	if ((msg = val_json(ctx, j, &in, v)) != NULL) {
		errs_add(es, f->name, msg);
		return NULL;
	}
	*given = true;
	return res_ids_exist(ctx, f, v, es);
}

/*
 * Replaces the links of id in a join table: clear (?1 id) deletes them
 * all, add (?1 id, ?2 other) makes one -- a row that has gone meanwhile
 * is skipped.
 */
static struct err *
acct_links(struct ctx *ctx, const char *clear, const char *add, long long id,
    const struct val *ids)
{
	db_stmt *st = db_prepare(ctx, clear);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "links");
	st_bind_int64(st, 1, id);
	if ((e = db_step(ctx, st, "links")) != NULL)
		return e;
	if (ids->n == 0)
		return NULL;
	if ((st = db_prepare(ctx, add)) == NULL)
		return db_err(ctx, "links");
	for (size_t k = 0; k < ids->n; k++) {
		st_reset(st);
		st_bind_int64(st, 1, id);
		st_bind_int64(st, 2, ids->ids[k]);
		if ((e = db_step(ctx, st, "links")) != NULL)
			return e;
	}
	st_reset(st);
	return NULL;
}

/* Does a row other than id have this name (sql: ?1 name, ?2 id)? */
static struct err *
acct_taken(struct ctx *ctx, const char *sql, const char *name, long long id,
    bool *taken)
{
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;

	*taken = false;
	if (st == NULL)
		return db_err(ctx, "unique");
	st_bind_text(st, 1, name, -1, SQLITE_STATIC);
	st_bind_int64(st, 2, id);
	e = db_row(ctx, st, "unique", taken);
	st_reset(st);
	return e;
}

/* One text column of the row of id (sql: ?1 id) into *out, or NULL. */
static struct err *
acct_name_of(struct ctx *ctx, const char *sql, long long id,
    const char **out)
{
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool found;

	*out = NULL;
	if (st == NULL)
		return db_err(ctx, "name");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "name", &found)) != NULL || !found)
		return e;
	*out = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 0));
	st_reset(st);
	return NULL;
}

/* ---- users ---------------------------------------------------------- */

enum { UF_USERNAME, UF_FIRST_NAME, UF_LAST_NAME, UF_EMAIL, UF_IS_STAFF,
	UF_IS_SUPERUSER, UF_IS_ACTIVE, UF_DATE_JOINED, UF_LAST_LOGIN,
	UF_GROUPS, UF_PASSWORD, UF__N };

static const struct field user_fields[] = {
	[UF_USERNAME] = { "username", FT_TEXT, F_REQUIRED | F_ORDER | F_STRING,
	    AUTH_USERNAME_MAX, .help = "Required. 150 characters or fewer. "
	    "Letters, digits and @/./+/-/_ only." },
	[UF_FIRST_NAME] = { "first_name", FT_TEXT, F_ORDER | F_STRING,
	    ACCT_NAME_MAX },
	[UF_LAST_NAME] = { "last_name", FT_TEXT, F_ORDER | F_STRING,
	    ACCT_NAME_MAX },
	[UF_EMAIL] = { "email", FT_EMAIL, F_ORDER | F_STRING, ACCT_EMAIL_MAX },
	[UF_IS_STAFF] = { "is_staff", FT_BOOL, 0 },
	[UF_IS_SUPERUSER] = { "is_superuser", FT_BOOL, F_FILTER },
	[UF_IS_ACTIVE] = { "is_active", FT_BOOL, F_FILTER, .def = 1,
	    .help = "Deactivating ends the user's sessions and API tokens." },
	[UF_DATE_JOINED] = { "date_joined", FT_DATETIME,
	    F_READ_ONLY | F_ORDER },
	[UF_LAST_LOGIN] = { "last_login", FT_DATETIME,
	    F_READ_ONLY | F_NULL | F_ORDER },
	/* Read from user_groups; written by the hooks (see the top). */
	[UF_GROUPS] = { "groups", FT_IDS, F_READ_ONLY, ACCT_GROUPS_MAX,
	    .col = "(SELECT json_group_array(group_id) FROM (SELECT group_id "
	    "FROM user_groups WHERE user_id = u.id ORDER BY group_id) AS ug)",
	    .ref = &group_resource,
	    .help = "Written as a list of group ids: replaces them all." },
	[UF_PASSWORD] = { "password", FT_TEXT,
	    F_WRITE_ONLY | F_NO_COLUMN | F_STRING,
	    .help = "Setting it ends the user's sessions and API tokens." },
};
_Static_assert(sizeof(user_fields) / sizeof(user_fields[0]) == UF__N,
    "user fields");

#define USER_SEARCH " AND (u.username LIKE ? ESCAPE '\\' OR u.first_name " \
    "LIKE ? ESCAPE '\\' OR u.last_name LIKE ? ESCAPE '\\' OR u.email LIKE ? " \
    "ESCAPE '\\')"
static const struct list_search user_search = {
	USER_SEARCH, 0, 4, USER_SEARCH, 4, NULL,
};

static const char user_sql_name[] = "SELECT username FROM users WHERE id = ?1";
static const char user_sql_taken[] =
    "SELECT 1 FROM users WHERE username = ?1 AND id <> ?2";
static const char user_sql_superusers[] =
    "SELECT count(*) FROM users WHERE is_superuser = 1 AND is_active = 1"
    " AND id <> ?1";
static const char user_sql_clear_groups[] =
    "DELETE FROM user_groups WHERE user_id = ?1";
static const char user_sql_add_group[] =
    "INSERT OR IGNORE INTO user_groups (user_id, group_id)"
    " SELECT ?1, id FROM groups WHERE id = ?2";
static const char user_sql_deleting[] =
    "SELECT username, is_superuser = 1 AND is_active = 1 FROM users"
    " WHERE id = ?1";

/* What a user's write carries beyond its columns (res_write.state). */
struct user_input {
	const char	*mcf;		/* the new password's hash, or NULL */
	bool		 groups;	/* "groups" given: */
	struct val	 group_ids;	/* these */
};

/*
 * Before the write lock: every field checked (the username's characters
 * and the groups named too), then the password's policy and its hash --
 * scrypt's 50 ms are spent here, not holding the lock.
 */
static struct err *
user_prepare(struct ctx *ctx, struct res_write *w)
{
	struct user_input *in = mem_zalloc(&ctx->mem, sizeof(*in));
	const cJSON *pw = cJSON_IsObject(w->body) ?
	    cJSON_GetObjectItemCaseSensitive(w->body, "password") : NULL;
	const char *why, *username;
	struct errs es;
	struct err *e;

	w->state = in;
	errs_init(&es, ctx);
	struct val *v = acct_check_body(ctx, w, &es);
	if (v[UF_USERNAME].present && !errs_has(&es, "username") &&
	    (why = acct_username_invalid(v[UF_USERNAME].s)) != NULL)
		errs_add(&es, "username", why);
	if ((e = acct_ids(ctx, w->body, &user_fields[UF_GROUPS], &in->groups,
	    &in->group_ids, &es)) != NULL ||
	    (e = errs_end(&es)) != NULL)
		return e;
	/* A null password, as some clients send for "unchanged": none. */
	if (pw == NULL || cJSON_IsNull(pw))
		return NULL;
	username = v[UF_USERNAME].present ? v[UF_USERNAME].s : NULL;
	if (username == NULL && (e = acct_name_of(ctx, user_sql_name, w->id,
	    &username)) != NULL)
		return e;
	if (username == NULL)
		return NULL;		/* no such user: res_update says 404 */
	if ((why = pwd_policy(username, v[UF_PASSWORD].s,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL)
		return err_field(ctx, "password", "%s", why);
	if ((in->mcf = pwd_hash(&ctx->mem, v[UF_PASSWORD].s)) == NULL)
		return err_internal(ctx, "password hash");
	return NULL;
}

/*
 * In the write's transaction: the username is free (ignoring case), the
 * last active superuser stays one; a new user is staff when a superuser
 * unless told otherwise.
 */
static struct err *
user_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct err *e;
	bool taken;

	if ((e = acct_taken(ctx, user_sql_taken, v[UF_USERNAME].s, w->id,
	    &taken)) != NULL)
		return e;
	if (taken)
		errs_add(es, "username", ACCT_TAKEN);
	if (w->create && !v[UF_IS_STAFF].present)
		v[UF_IS_STAFF].i = v[UF_IS_SUPERUSER].i;
	if (w->old != NULL && w->old[UF_IS_SUPERUSER].i &&
	    w->old[UF_IS_ACTIVE].i &&
	    !(v[UF_IS_SUPERUSER].i && v[UF_IS_ACTIVE].i)) {
		db_stmt *st = db_prepare(ctx, user_sql_superusers);
		bool found;
		if (st == NULL)
			return db_err(ctx, "superusers");
		st_bind_int64(st, 1, w->id);
		if ((e = db_row(ctx, st, "superusers", &found)) != NULL)
			return e;
		if (found && st_column_int64(st, 0) == 0)
			errs_add(es, "non_field_errors", "At least one active "
			    "superuser must remain.");
		st_reset(st);
	}
	return NULL;
}

/* "username (first_name, is_active, password)": what a change changed. */
static const char *
user_changes(struct ctx *ctx, const struct res_write *w)
{
	const struct user_input *in = w->state;
	const char *changed = "";

	for (int i = UF_USERNAME; i <= UF_IS_ACTIVE; i++) {
		bool text = user_fields[i].type != FT_BOOL;
		if (text ? strcmp(w->old[i].s, w->v[i].s) == 0 :
		    w->old[i].i == w->v[i].i)
			continue;
		changed = mem_printf(&ctx->mem, "%s%s%s", changed,
		    changed[0] != '\0' ? ", " : "", user_fields[i].name);
	}
	if (in != NULL && in->mcf != NULL)
		changed = mem_printf(&ctx->mem, "%s%spassword", changed,
		    changed[0] != '\0' ? ", " : "");
	if (in != NULL && in->groups)
		changed = mem_printf(&ctx->mem, "%s%sgroups", changed,
		    changed[0] != '\0' ? ", " : "");
	return mem_printf(&ctx->mem, "%s (%s)", w->v[UF_USERNAME].s,
	    changed[0] != '\0' ? changed : "no change");
}

/*
 * After the row: the password, the groups, the end of every credential
 * of a user who was deactivated or given a new password, the audit entry.
 */
static struct err *
user_written(struct ctx *ctx, struct res_write *w)
{
	const struct user_input *in = w->state;
	struct err *e;

	if (in != NULL && in->mcf != NULL) {
		if ((e = acct_set_password(ctx, w->id, in->mcf)) != NULL)
			return e;
	} else if (w->old != NULL && w->old[UF_IS_ACTIVE].i &&
	    !w->v[UF_IS_ACTIVE].i &&
	    (e = auth_bump_version(ctx, w->id)) != NULL)
		return e;
	if (in != NULL && in->groups &&
	    (e = acct_links(ctx, user_sql_clear_groups, user_sql_add_group,
	    w->id, &in->group_ids)) != NULL)
		return e;
	if (w->create)
		return audit_event(ctx, AUDIT_USER_CREATED, w->v[UF_USERNAME].s);
	return audit_event(ctx, AUDIT_USER_CHANGED, user_changes(ctx, w));
}

/*
 * Nobody deletes their own account, and the last active superuser stays;
 * the audit entry is written here, while the name can still be read.
 */
static struct err *
user_deleting(struct ctx *ctx, struct res_del *d)
{
	long long id = d->id;
	db_stmt *st;
	struct err *e;
	bool found;

	if (id == ctx->user_id)
		return err_new(ctx, 400, "You cannot delete your own account; "
		    "another superuser can.");
	if ((st = db_prepare(ctx, user_sql_deleting)) == NULL)
		return db_err(ctx, "delete user");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "delete user", &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, user_resource.name);
	const char *name = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 0));
	bool super = st_column_int(st, 1) != 0;
	st_reset(st);
	if (super) {
		if ((st = db_prepare(ctx, user_sql_superusers)) == NULL)
			return db_err(ctx, "superusers");
		st_bind_int64(st, 1, id);
		if ((e = db_row(ctx, st, "superusers", &found)) != NULL)
			return e;
		long long others = found ? st_column_int64(st, 0) : 0;
		st_reset(st);
		if (others == 0)
			return err_field(ctx, "non_field_errors", "At least "
			    "one active superuser must remain.");
	}
	return audit_event(ctx, AUDIT_USER_DELETED, name);
}

static const struct res_hooks user_hooks = {
	.prepare = user_prepare,
	.validate = user_validate,
	.written = user_written,
	.deleting = user_deleting,
};

static struct res_sql user_sql;

const struct resource user_resource = {
	.model = "user",
	.name = "User",
	.table = "users",
	.alias = "u",
	.path = "/api/user/",
	.area = AREA_USER,
	.write_area = AREA_SUPERUSER,
	.noun = "user",
	.plural = "users",
	RES_FIELDS(user_fields),
	.order = "u.id",
	.search = &user_search,
	.hooks = &user_hooks,
	.sql = &user_sql,
};

/* ---- groups --------------------------------------------------------- */

enum { GF_NAME, GF_ROLES, GF_USERS, GF__N };

/* A rule set's permissions with InvenTree's implications (perm_imply()). */
/* Sums, not ORs, of the 0/1 columns: PostgreSQL has no integer truth. */
#define RULE_VIEW	"(r.can_view + r.can_add + r.can_change + r.can_delete > 0)"
#define RULE_CHANGE	"(r.can_change + r.can_add + r.can_delete > 0)"

static const struct field group_fields[] = {
	[GF_NAME] = { "name", FT_TEXT, F_REQUIRED | F_ORDER | F_STRING,
	    ACCT_NAME_MAX },
	/*
	 * {"admin": null, "part": ["view", "add", "change"], ...}: every
	 * rule set of perm_areas[], in its order, null when it grants
	 * nothing.
	 */
	[GF_ROLES] = { "roles", FT_JSON, F_READ_ONLY,
	    .col = "(SELECT json_group_object(a.column1, CASE WHEN "
	    RULE_VIEW " THEN json('[' || rtrim(CASE WHEN " RULE_VIEW
	    " THEN '\"view\",' ELSE '' END || CASE WHEN r.can_add = 1 THEN "
	    "'\"add\",' ELSE '' END || CASE WHEN " RULE_CHANGE " THEN "
	    "'\"change\",' ELSE '' END || CASE WHEN r.can_delete = 1 THEN "
	    "'\"delete\",' ELSE '' END, ',') || ']') END) FROM (VALUES "
	    "('admin'), ('part_category'), ('part'), ('stock_location'), "
	    "('stock'), ('build'), ('purchase_order'), ('sales_order'), "
	    "('return_order')) a LEFT JOIN group_rules r ON r.group_id = g.id "
	    "AND r.area = a.column1)",
	    .help = "Written as {\"part\": [\"view\", \"add\"], ...}: "
	    "replaces every rule set." },
	[GF_USERS] = { "users", FT_IDS, F_READ_ONLY,
	    .col = "(SELECT json_group_array(user_id) FROM (SELECT user_id "
	    "FROM user_groups WHERE group_id = g.id ORDER BY user_id) AS ug)",
	    .ref = &user_resource,
	    .help = "Written as a list of user ids: replaces them all." },
};
_Static_assert(sizeof(group_fields) / sizeof(group_fields[0]) == GF__N,
    "group fields");

static const char group_sql_name[] = "SELECT name FROM groups WHERE id = ?1";
static const char group_sql_taken[] =
    "SELECT 1 FROM groups WHERE name = ?1 AND id <> ?2";
static const char group_sql_clear_rules[] =
    "DELETE FROM group_rules WHERE group_id = ?1";
static const char group_sql_add_rule[] =
    "INSERT INTO group_rules (group_id, area, can_view, can_add, can_change,"
    " can_delete) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char group_sql_clear_members[] =
    "DELETE FROM user_groups WHERE group_id = ?1";
static const char group_sql_add_member[] =
    "INSERT OR IGNORE INTO user_groups (group_id, user_id)"
    " SELECT ?1, id FROM users WHERE id = ?2";

/* What a group's write carries beyond its name (res_write.state). */
struct group_input {
	bool		 roles;			/* "roles" given: */
	unsigned	 vacd[PAREA__MAX];	/* implied, per rule set */
	bool		 users;			/* "users" given: */
	struct val	 user_ids;		/* these */
};

/*
 * "roles": {area: ["view", "add", ...] or null, ...}, into in->vacd
 * with the implications; problems to es.
 */
static void
group_roles(struct ctx *ctx, const cJSON *body, struct group_input *in,
    struct errs *es)
{
	const cJSON *roles = cJSON_IsObject(body) ?
	    cJSON_GetObjectItemCaseSensitive(body, "roles") : NULL;
	const cJSON *r, *p;

	if (roles == NULL)
		return;
	in->roles = true;
	if (!cJSON_IsObject(roles)) {
		errs_add(es, "roles", "Expected an object of rule sets.");
		return;
	}
	cJSON_ArrayForEach(r, roles) {
		int a = perm_area_index(r->string);
		if (a < 0) {
			errs_add(es, "roles", mem_printf(&ctx->mem,
			    "Unknown rule set \"%.40s\".", r->string));
			continue;
		}
		if (cJSON_IsNull(r))
			continue;
		if (!cJSON_IsArray(r)) {
			errs_add(es, "roles", "Expected a list of permissions "
			    "per rule set.");
			continue;
		}
		cJSON_ArrayForEach(p, r) {
			int k = -1;
			for (int i = PERM_VIEW; i <= PERM_DELETE &&
			    cJSON_IsString(p); i++)
				if (strcmp(p->valuestring, perm_names[i]) == 0)
					k = i - PERM_VIEW;
			if (k < 0) {
				errs_add(es, "roles", "Permissions are view, "
				    "add, change, delete.");
				break;
			}
			in->vacd[a] |= 1U << k;
		}
		in->vacd[a] = perm_imply(in->vacd[a]);
	}
}

/* Before the write lock: every field checked, roles and users too. */
static struct err *
group_prepare(struct ctx *ctx, struct res_write *w)
{
	struct group_input *in = mem_zalloc(&ctx->mem, sizeof(*in));
	struct errs es;
	struct err *e;

	w->state = in;
	errs_init(&es, ctx);
	(void)acct_check_body(ctx, w, &es);
	group_roles(ctx, w->body, in, &es);
	if ((e = acct_ids(ctx, w->body, &group_fields[GF_USERS], &in->users,
	    &in->user_ids, &es)) != NULL)
		return e;
	return errs_end(&es);
}

/* In the write's transaction: the name is free, ignoring case. */
static struct err *
group_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct err *e;
	bool taken;

	if ((e = acct_taken(ctx, group_sql_taken, w->v[GF_NAME].s, w->id,
	    &taken)) != NULL)
		return e;
	if (taken)
		errs_add(es, "name", "group with this name already exists.");
	return NULL;
}

/* The group's rule sets, replaced by in->vacd. */
static struct err *
group_set_rules(struct ctx *ctx, long long id, const struct group_input *in)
{
	db_stmt *st = db_prepare(ctx, group_sql_clear_rules);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "rules");
	st_bind_int64(st, 1, id);
	if ((e = db_step(ctx, st, "rules")) != NULL)
		return e;
	if ((st = db_prepare(ctx, group_sql_add_rule)) == NULL)
		return db_err(ctx, "rules");
	for (int a = 0; a < PAREA__MAX; a++) {
		if (in->vacd[a] == 0)
			continue;
		st_reset(st);
		st_bind_int64(st, 1, id);
		st_bind_text(st, 2, perm_areas[a], -1, SQLITE_STATIC);
		for (int i = 0; i < 4; i++)
			st_bind_int(st, 3 + i, (in->vacd[a] >> i) & 1);
		if ((e = db_step(ctx, st, "rules")) != NULL)
			return e;
	}
	st_reset(st);
	return NULL;
}

/*
 * After the row: the rule sets and the members (whose rights change at
 * once, live tokens included), and the audit entry.
 */
static struct err *
group_written(struct ctx *ctx, struct res_write *w)
{
	const struct group_input *in = w->state;
	bool roles = in != NULL && in->roles, users = in != NULL && in->users;
	const char *name = w->v[GF_NAME].s, *target;
	struct err *e;

	if ((roles && (e = group_set_rules(ctx, w->id, in)) != NULL) ||
	    (users && (e = acct_links(ctx, group_sql_clear_members,
	    group_sql_add_member, w->id, &in->user_ids)) != NULL))
		return e;
	if (w->create)
		return audit_event(ctx, AUDIT_GROUP_CREATED, name);
	target = w->v[GF_NAME].present ? mem_printf(&ctx->mem, "%s -> %s",
	    w->old[GF_NAME].s, name) : name;
	return audit_event(ctx, AUDIT_GROUP_CHANGED, mem_printf(&ctx->mem,
	    "%s (%s%s%s)", target, w->v[GF_NAME].present ? "name " : "",
	    roles ? "roles " : "", users ? "users" : ""));
}

/* Members lose the group's rule sets at once; the audit entry first. */
static struct err *
group_deleting(struct ctx *ctx, struct res_del *d)
{
	const char *name;
	struct err *e;

	if ((e = acct_name_of(ctx, group_sql_name, d->id, &name)) != NULL)
		return e;
	if (name == NULL)
		return err_not_found(ctx, d->res->name);
	return audit_event(ctx, AUDIT_GROUP_DELETED, name);
}

static const struct res_hooks group_hooks = {
	.prepare = group_prepare,
	.validate = group_validate,
	.written = group_written,
	.deleting = group_deleting,
};

static struct res_sql group_sql;

const struct resource group_resource = {
	.model = "group",
	.name = "Group",
	.table = "groups",
	.alias = "g",
	.path = "/api/user/group/",
	.area = AREA_SUPERUSER,
	.noun = "group",
	.plural = "groups",
	RES_FIELDS(group_fields),
	.order = "g.id",
	.hooks = &group_hooks,
	.sql = &group_sql,
};
