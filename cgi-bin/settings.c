/*
 * settings.cgi: InvenTree's settings API -- /api/settings/global/ and
 * /api/settings/user/, a list and one setting by its key (GET, PUT,
 * PATCH {"value": ...}), as the mobile app reads them (its
 * getGlobalSetting(), getUserSetting(): GET .../<KEY>/ and "value").
 *
 * The keys, their types, defaults and checks are the catalogue of
 * domain/settings/setting.c.  Any signed-in user reads the global
 * settings (InvenTree's GlobalSettingsPermissions let every method but
 * the safe ones to staff only); staff users and superusers change them.
 * A user's settings are that user's own: each user reads and changes
 * only theirs.  A change to a global setting is written to the audit log
 * (its key), in the same transaction.
 */
#include <string.h>

#include "site.h"

#include "accounts/audit.h"
#include "page.h"
#include "settings/setting.h"

#define SETTINGS_MAX	64	/* keys in a scope */

/* What PUT and PATCH take, for OPTIONS. */
static const struct field settings_input[] = {
	{ "value", FT_TEXT, F_REQUIRED, 10000,
	  .help = "The setting's new value (booleans: true or false)" },
	{ NULL },
};

/* The scope the route serves (its arg). */
static enum setting_scope
settings_scope(const struct ctx *ctx)
{
	return (enum setting_scope)ctx->route->arg;
}

/* Does s match ?search= (any case, in its key, name or description)? */
static bool
settings_match(const struct setting *s, const char *term)
{
	return term == NULL || term[0] == '\0' || strcasestr(s->key, term) ||
	    strcasestr(s->name, term) || strcasestr(s->description, term);
}

/*
 * GET the list: every setting of the scope with its value, in catalogue
 * order; ?search= and ?limit / ?offset as every list (page.h).
 */
static struct err *
settings_list(struct ctx *ctx)
{
	enum setting_scope sc = settings_scope(ctx);
	const char *values[SETTINGS_MAX];
	const char *term = req_query(ctx, "search");
	size_t n;
	const struct setting *list = setting_list(sc, &n);
	struct page p;
	struct err *e;
	long long count = 0;

	if ((e = page_parse(ctx, &p)) != NULL ||
	    (e = setting_values(ctx, sc, values)) != NULL)
		return e;
	cJSON *a = cJSON_CreateArray();
	if (a == NULL)
		mem_oom();
	for (size_t i = 0; i < n; i++) {
		if (!settings_match(&list[i], term))
			continue;
		if (count >= p.offset && (p.limit < 0 ||
		    count < p.offset + p.limit))
			cJSON_AddItemToArray(a, setting_json(ctx, sc, &list[i],
			    values[i]));
		count++;
	}
	return page_answer(ctx, &p, count, a);
}

/* The setting the path names, or a 404 as InvenTree's ("Not found."). */
static struct err *
settings_find(struct ctx *ctx, enum setting_scope sc,
    const struct setting **s)
{
	const char *key = route_param(ctx, "key");

	*s = key != NULL ? setting_find(sc, key) : NULL;
	return *s != NULL ? NULL : err_new(ctx, 404, "Not found.");
}

/* GET one setting. */
static struct err *
settings_detail(struct ctx *ctx)
{
	enum setting_scope sc = settings_scope(ctx);
	const struct setting *s;
	const char *value;
	struct err *e;

	if ((e = settings_find(ctx, sc, &s)) != NULL ||
	    (e = setting_value(ctx, sc, s, &value)) != NULL)
		return e;
	return resp_json(ctx, 200, setting_json(ctx, sc, s, value));
}

/*
 * PUT or PATCH {"value": ...}: checked (setting_check()), stored, and the
 * setting answered.  PUT needs the value; a PATCH without one changes
 * nothing.  Other members are read-only, and ignored as DRF ignores them.
 */
static struct err *
settings_update(struct ctx *ctx)
{
	enum setting_scope sc = settings_scope(ctx);
	const struct setting *s;
	const cJSON *body, *j;
	const char *value;
	struct err *e;

	if ((e = settings_find(ctx, sc, &s)) != NULL ||
	    (e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	j = cJSON_GetObjectItemCaseSensitive(body, "value");
	if (j == NULL && strcmp(ctx->req.method, "PUT") == 0)
		return err_field(ctx, "value", "This field is required.");
	if (j != NULL) {
		if ((e = setting_check(ctx, s, j, &value)) != NULL)
			return e;
		if ((e = db_begin(ctx)) != NULL)
			return e;
		e = setting_store(ctx, sc, s, value);
		if (e == NULL && sc == SETTING_GLOBAL)
			e = audit_event(ctx, AUDIT_SETTING_CHANGED, s->key);
		if ((e = db_end(ctx, e)) != NULL)
			return e;
	}
	return settings_detail(ctx);
}

#define GLOBAL_KEY	"/api/settings/global/<key:word>/"
#define USER_KEY	"/api/settings/user/<key:word>/"

static const struct route settings_routes[] = {
	{ "GET", "/api/settings/global/", AREA_USER, PERM_VIEW,
	  settings_list, "List global settings", .arg = SETTING_GLOBAL },
	{ "GET", GLOBAL_KEY, AREA_USER, PERM_VIEW, settings_detail,
	  "A global setting", .arg = SETTING_GLOBAL },
	{ "PUT", GLOBAL_KEY, AREA_STAFF, PERM_CHANGE, settings_update,
	  "Set a global setting", .input = settings_input,
	  .arg = SETTING_GLOBAL },
	{ "PATCH", GLOBAL_KEY, AREA_STAFF, PERM_CHANGE, settings_update,
	  "Change a global setting", .input = settings_input,
	  .arg = SETTING_GLOBAL },
	{ "GET", "/api/settings/user/", AREA_USER, PERM_VIEW,
	  settings_list, "List the user's settings", .arg = SETTING_USER },
	{ "GET", USER_KEY, AREA_USER, PERM_VIEW, settings_detail,
	  "A setting of the user", .arg = SETTING_USER },
	{ "PUT", USER_KEY, AREA_USER, PERM_CHANGE, settings_update,
	  "Set a setting of the user", .input = settings_input,
	  .arg = SETTING_USER },
	{ "PATCH", USER_KEY, AREA_USER, PERM_CHANGE, settings_update,
	  "Change a setting of the user", .input = settings_input,
	  .arg = SETTING_USER },
};

PROGRAM_MAIN("settings",
    ROUTES(settings_routes))
