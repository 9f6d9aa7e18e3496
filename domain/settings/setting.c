/*
 * setting: the catalogue of settings, their values and their checks.
 * See setting.h.
 */
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "settings/setting.h"
#include "val.h"

/*
 * The global settings: what the mobile app reads (STOCK_ENABLE_EXPIRY,
 * PROJECT_CODES_ENABLED), what Stockroom's own behaviour follows
 * (STOCK_DELETE_DEPLETED_DEFAULT: domain/inventory/stock.c), and a few of
 * InvenTree's that clients show.  Names and descriptions are InvenTree's.
 * New keys go at the end: a key's place is its pk.
 */
static const struct setting setting_global[] = {
	{ "STOCK_DELETE_DEPLETED_DEFAULT", ST_BOOL, "Delete when Depleted",
	  "Determines default behavior when a stock item is depleted",
	  "False" },
	{ "STOCK_ENABLE_EXPIRY", ST_BOOL, "Stock Expiry",
	  "Enable stock expiry functionality", "False" },
	{ "STOCK_STALE_DAYS", ST_INT, "Stock Stale Time",
	  "Number of days stock items are considered stale before expiring",
	  "0", "days", 0, 3650 },
	{ "PROJECT_CODES_ENABLED", ST_BOOL, "Enable project codes",
	  "Enable project codes for tracking projects", "False" },
	{ "INVENTREE_COMPANY_NAME", ST_STRING, "Company name",
	  "Internal company name", "My company name", NULL, 0, 250 },
};

static const struct setting_choice setting_date_formats[] = {
	{ "YYYY-MM-DD", "2022-02-22" },
	{ "YYYY/MM/DD", "2022/02/22" },
	{ "DD-MM-YYYY", "22-02-2022" },
	{ "DD/MM/YYYY", "22/02/2022" },
	{ "MM-DD-YYYY", "02-22-2022" },
	{ "MM/DD/YYYY", "02/22/2022" },
	{ "MMM DD YYYY", "Feb 22 2022" },
	{ NULL, NULL },
};

/* A user's own settings, InvenTree's, for clients that read them. */
static const struct setting setting_user[] = {
	{ "SEARCH_PREVIEW_RESULTS", ST_INT, "Search Preview Results",
	  "Number of results to show in each section of the search preview "
	  "window", "10", NULL, 1, 1000 },
	{ "SEARCH_HIDE_INACTIVE_PARTS", ST_BOOL, "Hide Inactive Parts",
	  "Excluded inactive parts from search preview window", "False" },
	{ "DATE_DISPLAY_FORMAT", ST_CHOICE, "Date Format",
	  "Preferred format for displaying dates", "YYYY-MM-DD",
	  .choices = setting_date_formats },
};

/* The statements of each scope: a user's name the user last. */
static const char setting_sql_global_all[] =
    "SELECT key, value FROM setting";
static const char setting_sql_global_one[] =
    "SELECT value FROM setting WHERE key = ?1";
static const char setting_sql_global_store[] =
    "INSERT INTO setting (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char setting_sql_user_all[] =
    "SELECT key, value FROM user_setting WHERE user_id = ?1";
static const char setting_sql_user_one[] =
    "SELECT value FROM user_setting WHERE key = ?1 AND user_id = ?2";
static const char setting_sql_user_store[] =
    "INSERT INTO user_setting (key, value, user_id) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value";

static const struct {
	const struct setting	*list;
	size_t			 n;
	const char		*typ;		/* InvenTree's "typ" */
	const char		*select;	/* every stored value */
	const char		*select_one;
	const char		*store;
} setting_scopes[SETTING__MAX] = {
	[SETTING_GLOBAL] = {
		setting_global, sizeof(setting_global) /
		    sizeof(setting_global[0]), "global",
		setting_sql_global_all, setting_sql_global_one,
		setting_sql_global_store,
	},
	[SETTING_USER] = {
		setting_user, sizeof(setting_user) / sizeof(setting_user[0]),
		"user", setting_sql_user_all, setting_sql_user_one,
		setting_sql_user_store,
	},
};

static const char *const setting_types[ST__MAX] = {
	[ST_BOOL] = "boolean",
	[ST_INT] = "integer",
	[ST_STRING] = "string",
	[ST_CHOICE] = "choice",
};

const struct setting *
setting_list(enum setting_scope sc, size_t *n)
{
	*n = setting_scopes[sc].n;
	return setting_scopes[sc].list;
}

/* The setting of key (any case, as InvenTree upper-cases it), or NULL. */
const struct setting *
setting_find(enum setting_scope sc, const char *key)
{
	for (size_t i = 0; i < setting_scopes[sc].n; i++)
		if (strcasecmp(setting_scopes[sc].list[i].key, key) == 0)
			return &setting_scopes[sc].list[i];
	return NULL;
}

const char *
setting_type_name(enum setting_type t)
{
	return setting_types[t];
}

/* Is a stored boolean true?  ("True", as stored; "true" and "1" too.) */
bool
setting_bool(const char *value)
{
	return value != NULL && (strcasecmp(value, "true") == 0 ||
	    strcmp(value, "1") == 0);
}

/*
 * Binds the caller as parameter i where the scope's statements name a
 * user (select ?1, select_one ?2, store ?3).
 */
static void
setting_bind_user(struct ctx *ctx, enum setting_scope sc, db_stmt *st,
    int i)
{
	if (sc == SETTING_USER)
		st_bind_int64(st, i, ctx->user_id);
}

/*
 * The value of every setting of the scope (the caller's, for a user's),
 * in catalogue order, into values (room for the scope's n): the stored
 * one, else the default.  Values are the arena's.
 */
struct err *
setting_values(struct ctx *ctx, enum setting_scope sc, const char **values)
{
	db_stmt *st = db_prepare(ctx, setting_scopes[sc].select);
	size_t n = setting_scopes[sc].n;
	const struct setting *list = setting_scopes[sc].list;
	struct err *e;
	bool found;

	for (size_t i = 0; i < n; i++)
		values[i] = list[i].def;
	if (st == NULL)
		return db_err(ctx, "settings");
	setting_bind_user(ctx, sc, st, 1);
	for (;;) {
		if ((e = db_row(ctx, st, "settings", &found)) != NULL)
			return e;
		if (!found)
			return NULL;
		const char *k = (const char *)st_column_text(st, 0);
		const char *v = (const char *)st_column_text(st, 1);
		for (size_t i = 0; k != NULL && v != NULL && i < n; i++)
			if (strcmp(list[i].key, k) == 0)
				values[i] = mem_strdup(&ctx->mem, v);
	}
}

/* The value of one setting s of the scope, as setting_values(). */
struct err *
setting_value(struct ctx *ctx, enum setting_scope sc,
    const struct setting *s, const char **value)
{
	db_stmt *st = db_prepare(ctx, setting_scopes[sc].select_one);
	struct err *e;
	bool found;

	*value = s->def;
	if (st == NULL)
		return db_err(ctx, "settings");
	st_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
	setting_bind_user(ctx, sc, st, 2);
	if ((e = db_row(ctx, st, "settings", &found)) != NULL)
		return e;
	if (found && st_column_text(st, 0) != NULL)
		*value = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 0));
	return NULL;
}

/* s with its value, as InvenTree's settings serializers show it. */
cJSON *
setting_json(struct ctx *ctx, enum setting_scope sc, const struct setting *s,
    const char *value)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "pk", (long long)(s - setting_scopes[sc].list) + 1);
	json_text(o, "key", s->key);
	json_text(o, "value", value);
	json_text(o, "name", s->name);
	json_text(o, "description", s->description);
	if (sc == SETTING_USER)
		json_int(o, "user", ctx->user_id);
	json_text(o, "type", setting_types[s->type]);
	json_text(o, "units", s->units != NULL ? s->units : "");
	cJSON *c = cJSON_AddArrayToObject(o, "choices");
	for (const struct setting_choice *ch = s->choices;
	    ch != NULL && ch->value != NULL; ch++) {
		cJSON *one = cJSON_CreateObject();
		if (one == NULL)
			mem_oom();
		json_text(one, "value", ch->value);
		json_text(one, "display_name", ch->label);
		cJSON_AddItemToArray(c, one);
	}
	json_null(o, "model_name");
	json_null(o, "api_url");
	json_text(o, "typ", setting_scopes[sc].typ);
	return o;
}

/*
 * Checks j, a value a client sent for s, and gives the text to store
 * ("True" / "False", an integer's digits, the string).  Returns NULL, or
 * a 400 on "value" with the message: val.h's for the type, then the
 * range's or the choices' (InvenTree's words).
 */
struct err *
setting_check(struct ctx *ctx, const struct setting *s, const cJSON *j,
    const char **stored)
{
	static const enum ftype as[ST__MAX] = {
		[ST_BOOL] = FT_BOOL, [ST_INT] = FT_INT,
		[ST_STRING] = FT_TEXT, [ST_CHOICE] = FT_TEXT,
	};
	const struct field f = { "value", as[s->type], 0,
	    s->type == ST_STRING ? (int)s->max : 100 };
	struct val v;
	const char *msg;

	memset(&v, 0, sizeof(v));
	if ((msg = val_json(ctx, j, &f, &v)) != NULL)
		return err_field(ctx, "value", "%s", msg);
	switch (s->type) {
	case ST_BOOL:
		*stored = v.i ? "True" : "False";
		return NULL;
	case ST_INT:
		if (v.i < s->min)
			return err_field(ctx, "value", "Ensure this value is "
			    "greater than or equal to %lld.", s->min);
		if (v.i > s->max)
			return err_field(ctx, "value", "Ensure this value is "
			    "less than or equal to %lld.", s->max);
		*stored = mem_printf(&ctx->mem, "%lld", v.i);
		return NULL;
	case ST_CHOICE:
		for (const struct setting_choice *c = s->choices;
		    c->value != NULL; c++)
			if (strcmp(c->value, v.s) == 0) {
				*stored = c->value;
				return NULL;
			}
		return err_field(ctx, "value", "Chosen value is not a valid "
		    "option");
	case ST_STRING:
	case ST__MAX:
		break;
	}
	*stored = v.s;
	return NULL;
}

/* Stores value for s (the caller's own, for a user's setting). */
struct err *
setting_store(struct ctx *ctx, enum setting_scope sc,
    const struct setting *s, const char *value)
{
	db_stmt *st = db_prepare(ctx, setting_scopes[sc].store);

	if (st == NULL)
		return db_err(ctx, "settings");
	st_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
	st_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	setting_bind_user(ctx, sc, st, 3);
	return db_step(ctx, st, "settings");
}
