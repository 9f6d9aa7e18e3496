/*
 * parameter: parameter templates, part parameters and category templates.
 * See parameter.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "mem.h"
#include "req.h"
#include "res.h"
#include "text.h"
#include "val.h"

#include "inventory/parameter.h"
#include "inventory/part.h"
#include "inventory/units.h"

#define LIKE	" LIKE ? ESCAPE '\\'"

/* ---- templates ------------------------------------------------------ */

enum { PT_NAME, PT_UNITS, PT_DESCRIPTION, PT_MODEL_TYPE, PT_CHECKBOX,
	PT_CHOICES, PT_SELECTIONLIST, PT_ENABLED, PT_UNIQUE, PT_PARTS,
	PT__N };

/* Current InvenTree's ParameterTemplate; the legacy one adds parts. */
#define TEMPLATE_FIELDS \
	[PT_NAME] = { "name", FT_TEXT, F_REQUIRED | F_NOT_BLANK | F_FILTER | \
	    F_ORDER, 100, .help = "Parameter Name" }, \
	[PT_UNITS] = { "units", FT_TEXT, F_FILTER | F_ORDER, 25, \
	    .help = "Physical units for this parameter" }, \
	[PT_DESCRIPTION] = { "description", FT_TEXT, F_ORDER, 250, \
	    .help = "Parameter description" }, \
	[PT_MODEL_TYPE] = { "model_type", FT_TEXT, F_READ_ONLY | F_NULL, \
	    .col = "NULL", .help = "Target model type for this parameter " \
	    "template (any)" }, \
	[PT_CHECKBOX] = { "checkbox", FT_BOOL, F_FILTER, \
	    .help = "Is this parameter a checkbox?" }, \
	[PT_CHOICES] = { "choices", FT_TEXT, 0, 5000, \
	    .help = "Valid choices for this parameter (comma-separated)" }, \
	[PT_SELECTIONLIST] = { "selectionlist", FT_INT, F_READ_ONLY | F_NULL, \
	    .col = "NULL", .help = "Selection list for this parameter" }, \
	[PT_ENABLED] = { "enabled", FT_BOOL, F_FILTER, .def = 1, \
	    .help = "Is this parameter template enabled?" }, \
	[PT_UNIQUE] = { "unique", FT_INT, F_READ_ONLY, .col = "0" }

static const struct field template_fields[] = {
	TEMPLATE_FIELDS,
	/* kept in tally (migration 0032), not counted at every read */
	[PT_PARTS] = { "parts", FT_INT, F_READ_ONLY | F_ORDER, .col = "coalesce("
	    "(SELECT n FROM tally WHERE name = 'part_parameter.template' AND "
	    "id = pt.id), 0)" },
};
_Static_assert(sizeof(template_fields) / sizeof(template_fields[0]) == PT__N,
    "template fields");

static const struct res_filter template_filters[] = {
	{ "has_choices", FT_BOOL, " AND pt.choices <> ''",
	  " AND pt.choices = ''", NULL, NULL, false },
	{ "has_units", FT_BOOL, " AND pt.units <> ''", " AND pt.units = ''",
	  NULL, NULL, false },
	/* The templates a part has parameters of; a category's defaults. */
	{ "part", FT_ID, " AND pt.id IN (SELECT template FROM part_parameter "
	  "WHERE part = ?)", NULL, &part_resource, NULL, false },
	{ "category", FT_ID, " AND pt.id IN (SELECT template FROM "
	  "category_parameter_template WHERE category = ?)", NULL,
	  &category_resource, NULL, false },
	/* Current InvenTree: templates for a model (any here: parts). */
	{ "for_model", FT_TEXT, " AND CAST(? AS TEXT) <> ''", NULL, NULL, NULL,
	  false },
	{ "exists_for_model_id", FT_ID, " AND pt.id IN (SELECT template FROM "
	  "part_parameter WHERE part = ?)", NULL, NULL, NULL, false },
};

static const struct list_search template_search = {
	" AND (pt.name" LIKE " OR pt.description" LIKE ")", 0, 2,
	" AND (pt.name" LIKE " OR pt.description" LIKE ")", 2, NULL,
};

/* ---- custom units ---------------------------------------------------- */

static const char custom_unit_sql_all[] =
    "SELECT name, symbol, definition FROM custom_unit ORDER BY id";
static const char custom_unit_sql_dup[] =
    "SELECT 1 FROM custom_unit WHERE id <> ?2 AND (name = ?1 OR "
    "(symbol = ?1 AND symbol <> ''))";

/* The custom units into the parser (units.h), as the table has them. */
static struct err *
custom_units_load(struct ctx *ctx)
{
	struct units_custom *list = NULL;
	size_t n = 0, cap = 0;
	int rc;
	db_stmt *st = db_prepare(ctx, custom_unit_sql_all);

	if (st == NULL)
		return db_err(ctx, "custom units");
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct units_custom *l = mem_alloc(&ctx->mem,
			    (cap = cap * 2 + 8) * sizeof(*l));
			if (n > 0)
				memcpy(l, list, n * sizeof(*l));
			list = l;
		}
		list[n].name = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 0));
		list[n].symbol = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 1));
		list[n].definition = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 2));
		n++;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "custom units");
	units_custom_set(list, n);
	return NULL;
}

struct err *
units_site_check(struct ctx *ctx, const char *units, enum units_res *res,
    char why[UNITS_WHY_MAX])
{
	struct err *e;

	if ((e = custom_units_load(ctx)) != NULL)
		return e;
	*res = units_check(units, why);
	return NULL;
}

/* Is s an identifier (letters, digits, "_", not a digit first)? */
static bool
custom_unit_identifier(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_'))
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* One of name and symbol: free among the custom units and not a unit of
 * udunits2's own. */
static struct err *
custom_unit_free(struct ctx *ctx, const char *field, const char *s,
    long long id, struct errs *es)
{
	char why[UNITS_WHY_MAX];
	struct err *e;
	bool found;

	if (s[0] == '\0' || errs_has(es, field))
		return NULL;
	db_stmt *st = db_prepare(ctx, custom_unit_sql_dup);
	if (st == NULL)
		return db_err(ctx, "custom unit");
	st_bind_text(st, 1, s, -1, SQLITE_STATIC);
	st_bind_int64(st, 2, id);
	e = db_row(ctx, st, "custom unit", &found);
	st_reset(st);
	if (e != NULL)
		return e;
	if (found) {
		errs_addf(es, field, "custom unit with this %s already exists.",
		    field);
		return NULL;
	}
	switch (units_check(s, why)) {
	case UNITS_OK:
		errs_addf(es, field, "Unit %s is already defined", s);
		break;
	case UNITS_UNAVAILABLE:
		return err_new(ctx, 503, "%s", why);
	default:
		break;
	}
	return NULL;
}

/*
 * A name and a symbol that are identifiers, not taken by another custom
 * unit nor by udunits2; a definition that is a number and a known unit.
 */
static struct err *
custom_unit_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	char why[UNITS_WHY_MAX];
	struct val *v = w->v;
	struct err *e;

	units_custom_set(NULL, 0);	/* udunits2's own units only */
	v[0].s = mem_strtrim(&ctx->mem, v[0].s);
	v[1].s = mem_strtrim(&ctx->mem, v[1].s);
	if (!errs_has(es, "name") && !custom_unit_identifier(v[0].s))
		errs_add(es, "name", "Unit name must be a valid identifier");
	if (v[1].s[0] != '\0' && !errs_has(es, "symbol") &&
	    !custom_unit_identifier(v[1].s))
		errs_add(es, "symbol", "Unit symbol must be a valid "
		    "identifier");
	if ((e = custom_unit_free(ctx, "name", v[0].s, w->id, es)) != NULL ||
	    (e = custom_unit_free(ctx, "symbol", v[1].s, w->id, es)) != NULL)
		return e;
	if (!errs_has(es, "definition")) {
		switch (units_custom_check(v[2].s, why)) {
		case UNITS_OK:
			break;
		case UNITS_UNAVAILABLE:
			return err_new(ctx, 503, "%s", why);
		default:
			errs_add(es, "definition", why);
		}
	}
	return NULL;
}

static const struct field custom_unit_fields[] = {
	{ "name", FT_TEXT, F_REQUIRED | F_NOT_BLANK | F_FILTER | F_ORDER, 50,
	    .help = "Unit name" },
	{ "symbol", FT_TEXT, F_FILTER | F_ORDER, 10,
	    .help = "Optional unit symbol" },
	{ "definition", FT_TEXT, F_REQUIRED | F_NOT_BLANK, 50,
	    .help = "Unit definition" },
};

static const struct res_hooks custom_unit_hooks = {
	.validate = custom_unit_validate,
};

static const struct list_search custom_unit_search = {
	" AND (cu.name LIKE ? ESCAPE '\\' OR cu.symbol LIKE ? ESCAPE '\\' "
	"OR cu.definition LIKE ? ESCAPE '\\')", 0, 3,
	" AND (cu.name LIKE ? ESCAPE '\\' OR cu.symbol LIKE ? ESCAPE '\\' "
	"OR cu.definition LIKE ? ESCAPE '\\')", 3, NULL,
};

static struct res_sql custom_unit_sql;

const struct resource custom_unit_resource = {
	.model = "customunit",
	.name = "CustomUnit",
	.table = "custom_unit",
	.alias = "cu",
	.path = "/api/units/",
	.area = "part",
	.noun = "custom unit",
	.plural = "custom units",
	RES_FIELDS(custom_unit_fields),
	.order = "cu.name, cu.id",
	.search = &custom_unit_search,
	.hooks = &custom_unit_hooks,
	.sql = &custom_unit_sql,
};

/* One name of units_all() as InvenTree's Unit (AllUnitListResponse). */
static void
units_all_one(void *arg, const struct units_entry *e)
{
	cJSON *units = arg, *o = cJSON_CreateObject(), *c;

	if (o == NULL || (c = cJSON_CreateArray()) == NULL)
		mem_oom();
	json_text(o, "name", e->name);
	/* InvenTree's is_alias is pint's get_name(k) == k: true for the
	 * unit's own name, false for its symbols and other names (the
	 * reverse of what it says; clients show it as they get it). */
	json_bool(o, "is_alias", e->own);
	for (size_t i = 0; i < e->ncompatible; i++) {
		cJSON *s = cJSON_CreateString(e->compatible[i]);
		if (s == NULL)
			mem_oom();
		cJSON_AddItemToArray(c, s);
	}
	json_item(o, "compatible_units", c);
	json_bool(o, "isdimensionless", e->dimensionless);
	/* The name is the visitor's: the key is a copy. */
	if (!cJSON_AddItemToObject(units, e->name, o))
		mem_oom();
}

/* GET /api/units/all/: every unit the parser knows by name. */
struct err *
units_all_list(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject(), *sys = cJSON_CreateArray(),
	    *units = cJSON_CreateObject(), *si = cJSON_CreateString("SI");
	struct err *e;

	if (o == NULL || sys == NULL || units == NULL || si == NULL)
		mem_oom();
	cJSON_AddItemToArray(sys, si);
	if ((e = custom_units_load(ctx)) != NULL)
		return e;
	if (units_all(units_all_one, units) != UNITS_OK) {
		cJSON_Delete(o);
		cJSON_Delete(sys);
		cJSON_Delete(units);
		return err_new(ctx, 503, "Units cannot be listed: udunits2 "
		    "or libexpat is not installed");
	}
	json_text(o, "default_system", "SI");
	json_item(o, "available_systems", sys);
	json_item(o, "available_units", units);
	return resp_json(ctx, 200, o);
}

/* ---- templates ------------------------------------------------------- */

static const char template_sql_dup[] =
    "SELECT 1 FROM parameter_template WHERE name = ? AND id <> ?";

/* The units are a unit; a checkbox has neither; choices are each once;
 * the name is free. */
static struct err *
template_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	char why[UNITS_WHY_MAX];
	struct err *e;
	bool found;

	if ((e = custom_units_load(ctx)) != NULL)
		return e;
	const char *units = mem_strtrim(&ctx->mem, v[PT_UNITS].s);
	v[PT_UNITS].s = units;
	if (units[0] != '\0') {
		switch (units_check(units, why)) {
		case UNITS_OK:
			break;
		case UNITS_UNAVAILABLE:
			return err_new(ctx, 503, "%s", why);
		default:
			errs_add(es, "units", why);
		}
	}
	if (v[PT_CHECKBOX].i && units[0] != '\0')
		errs_add(es, "units", "Checkbox parameters cannot have units");
	if (v[PT_CHECKBOX].i && v[PT_CHOICES].s[0] != '\0')
		errs_add(es, "choices", "Checkbox parameters cannot have "
		    "choices");
	/* Each choice once, compared without the spaces around it. */
	char *all = mem_strdup(&ctx->mem, v[PT_CHOICES].s), *save = NULL;
	const char *seen[512];
	size_t n = 0;
	for (char *c = strtok_r(all, ",", &save); c != NULL;
	    c = strtok_r(NULL, ",", &save)) {
		const char *t = mem_strtrim(&ctx->mem, c);
		for (size_t k = 0; k < n; k++)
			if (t[0] != '\0' && strcmp(seen[k], t) == 0) {
				errs_add(es, "choices", "Choices must be "
				    "unique");
				n = sizeof(seen) / sizeof(seen[0]);
				break;
			}
		if (n < sizeof(seen) / sizeof(seen[0]))
			seen[n++] = t;
		else
			break;
	}
	if (errs_has(es, "name"))
		return NULL;
	db_stmt *st = db_prepare(ctx, template_sql_dup);
	if (st == NULL)
		return db_err(ctx, "parameter template");
	st_bind_text(st, 1, v[PT_NAME].s, -1, SQLITE_STATIC);
	st_bind_int64(st, 2, w->id);
	if ((e = db_row(ctx, st, "parameter template", &found)) != NULL)
		return e;
	st_reset(st);
	if (found)
		errs_add(es, "name", "Parameter template with this Name already "
		    "exists.");
	return NULL;
}

static struct err *parameter_recompute(struct ctx *, long long template);

/* New units: every parameter's number in them again. */
static struct err *
template_written(struct ctx *ctx, struct res_write *w)
{
	if (w->create || (strcmp(w->v[PT_UNITS].s, w->old[PT_UNITS].s) == 0 &&
	    w->v[PT_CHECKBOX].i == w->old[PT_CHECKBOX].i))
		return NULL;
	return parameter_recompute(ctx, w->id);
}

static const struct res_hooks template_hooks = {
	.validate = template_validate,
	.written = template_written,
};

static struct res_sql template_sql, part_template_sql;

/* An imported parameter names its template by name (unique). */
static const char *const template_keys[] = { "name", NULL };

const struct resource parameter_template_resource = {
	.model = "parametertemplate",
	.name = "ParameterTemplate",
	.table = "parameter_template",
	.alias = "pt",
	.path = "/api/parameter/template/",
	.area = "part",
	.noun = "parameter template",
	.plural = "parameter templates",
	.fields = template_fields,
	.nfields = PT__N - 1,		/* without parts */
	RES_FILTERS(template_filters),
	.order = "pt.name, pt.id",
	.search = &template_search,
	.hooks = &template_hooks,
	.keys = template_keys,
	.flags = RES_METADATA,
	.sql = &template_sql,
};

/* Below API 429 (inventree-python's PartParameterTemplate). */
const struct resource part_parameter_template_resource = {
	.model = "partparametertemplate",
	.name = "PartParameterTemplate",
	.table = "parameter_template",
	.alias = "pt",
	.path = "/api/part/parameter/template/",
	.area = "part",
	.noun = "parameter template",
	.plural = "parameter templates",
	RES_FIELDS(template_fields),
	RES_FILTERS(template_filters),
	.order = "pt.name, pt.id",
	.search = &template_search,
	.hooks = &template_hooks,
	.keys = template_keys,
	.flags = RES_METADATA,
	.sql = &part_template_sql,
};

/* ---- parameters ----------------------------------------------------- */

/*
 * Both descriptions have the same fields in the same order; only the
 * first one's name differs: "part" below API 429, "model_id" (with
 * model_type "part") above.
 */
enum { PP_PART, PP_TEMPLATE, PP_DATA, PP_DATA_NUMERIC, PP_NOTE, PP_UPDATED,
	PP_UPDATED_BY, PP_TEMPLATE_DETAIL, PP_MODEL_TYPE, PP__N };

#define PARAMETER_FIELDS(template_res) \
	[PP_TEMPLATE] = { "template", FT_ID, F_REQUIRED | F_FILTER, \
	    .ref = &template_res, .help = "Parameter template" }, \
	[PP_DATA] = { "data", FT_TEXT, F_REQUIRED | F_NOT_BLANK | F_ORDER, \
	    500, .help = "Parameter Value" }, \
	[PP_DATA_NUMERIC] = { "data_numeric", FT_FLOAT, \
	    F_READ_ONLY | F_STORED | F_NULL | F_ORDER, .col = "data_numeric" }, \
	[PP_NOTE] = { "note", FT_TEXT, 0, 500, \
	    .help = "Optional note field" }, \
	[PP_UPDATED] = { "updated", FT_DATETIME, \
	    F_READ_ONLY | F_STORED | F_NULL | F_ORDER, .col = "updated", \
	    .help = "Timestamp of last update" }, \
	[PP_UPDATED_BY] = { "updated_by", FT_ID, \
	    F_READ_ONLY | F_STORED | F_NULL | F_FILTER, .col = "updated_by", \
	    .help = "User who last updated this object" }, \
	[PP_TEMPLATE_DETAIL] = { "template_detail", FT_ID, \
	    F_READ_ONLY | F_HOOK, .col = "pp.template", .ref = &template_res }

static const struct field part_parameter_fields[] = {
	[PP_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource },
	PARAMETER_FIELDS(part_parameter_template_resource),
};

static const struct field parameter_fields[] = {
	[PP_PART] = { "model_id", FT_ID, F_REQUIRED | F_FILTER, .col = "part",
	    .ref = &part_resource,
	    .help = "ID of the target model for this parameter" },
	PARAMETER_FIELDS(parameter_template_resource),
	/* Always "part": the one model Stockroom's parameters are of. */
	[PP_MODEL_TYPE] = { "model_type", FT_TEXT, F_NO_COLUMN, 100,
	    .help = "Target model type for this parameter" },
};

static const struct res_unique part_parameter_unique[] = {
	{ { "part", "template" } },
};
static const struct res_unique parameter_unique[] = {
	{ { "model_id", "template" } },
};

static const struct res_filter parameter_filters[] = {
	{ "model_type", FT_TEXT, " AND CAST(? AS TEXT) IN ('part', "
	  "'part.part')", NULL, NULL, NULL, false },
	{ "enabled", FT_BOOL, " AND pp.template IN (SELECT id FROM "
	  "parameter_template WHERE enabled = 1)", " AND pp.template IN "
	  "(SELECT id FROM parameter_template WHERE enabled = 0)", NULL, NULL,
	  false },
};

static const struct res_order parameter_orders[] = {
	{ "name", "(SELECT name FROM parameter_template WHERE id = "
	  "pp.template), pp.id", "(SELECT name FROM parameter_template WHERE "
	  "id = pp.template) DESC, pp.id DESC" },
	{ "units", "(SELECT units FROM parameter_template WHERE id = "
	  "pp.template), pp.id", "(SELECT units FROM parameter_template WHERE "
	  "id = pp.template) DESC, pp.id DESC" },
	{ "part", "(SELECT name FROM part WHERE id = pp.part), pp.id",
	  "(SELECT name FROM part WHERE id = pp.part) DESC, pp.id DESC" },
};

#define PARAMETER_SEARCH \
	" AND (pp.data" LIKE " OR pp.note" LIKE " OR pp.template IN (SELECT " \
	"id FROM parameter_template WHERE name" LIKE " OR description" LIKE \
	" OR units" LIKE "))"

static const struct list_search parameter_search = {
	PARAMETER_SEARCH, 0, 5, PARAMETER_SEARCH, 5, NULL,
};

/* The template's rules for one value: its number, or why not. */
struct tmpl {
	const char	*units, *choices;
	bool		 checkbox;
};

static const char parameter_sql_template[] =
    "SELECT units, choices, checkbox FROM parameter_template WHERE id = ?";

static struct err *
parameter_template_get(struct ctx *ctx, long long id, struct tmpl *t,
    bool *found)
{
	struct err *e;

	if ((e = custom_units_load(ctx)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, parameter_sql_template);
	if (st == NULL)
		return db_err(ctx, "parameter template");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "parameter template", found)) != NULL)
		return e;
	if (*found) {
		t->units = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 0));
		t->choices = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 1));
		t->checkbox = st_column_int(st, 2) != 0;
	}
	st_reset(st);
	return NULL;
}

/*
 * data under template t: *data (a checkbox's "True"/"False"), *null or
 * *num; NULL, or the message for "data" (*unavailable: udunits2 is not
 * there, a 503).
 */
static const char *
parameter_value(struct ctx *ctx, const struct tmpl *t, const char **data,
    bool *null, double *num, bool *unavailable)
{
	char why[UNITS_WHY_MAX];
	bool b;

	*null = true;
	*unavailable = false;
	if (t->checkbox) {
		if (!txt_parse_bool(mem_strtrim(&ctx->mem, *data), &b))
			return "Checkbox parameters must be true or false";
		*data = b ? "True" : "False";
		*null = false;
		*num = b;
		return NULL;
	}
	if (t->choices[0] != '\0') {
		char *all = mem_strdup(&ctx->mem, t->choices), *save = NULL;
		const char *d = mem_strtrim(&ctx->mem, *data);
		bool ok = false;
		for (char *c = strtok_r(all, ",", &save); c != NULL && !ok;
		    c = strtok_r(NULL, ",", &save))
			ok = strcmp(mem_strtrim(&ctx->mem, c), d) == 0;
		if (!ok)
			return "Invalid choice for parameter value";
	}
	if (t->units[0] == '\0') {
		*null = !units_number(*data, num);
		return NULL;
	}
	switch (units_convert(*data, t->units, num, why)) {
	case UNITS_OK:
		*null = false;
		return NULL;
	case UNITS_UNAVAILABLE:
		*unavailable = true;
		/* FALLTHROUGH */
	default:
		return mem_strdup(&ctx->mem, why);
	}
}

/* Now, as the API writes times: "2026-12-06T10:15:00Z" (arena). */
static const char *
parameter_now(struct ctx *ctx)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return mem_strdup(&ctx->mem, buf);
}

static struct err *
parameter_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct tmpl t;
	struct err *e;
	bool found, null, unavailable;
	double num = 0;

	if (w->res == &parameter_resource && v[PP_MODEL_TYPE].present &&
	    v[PP_MODEL_TYPE].s != NULL && v[PP_MODEL_TYPE].s[0] != '\0' &&
	    strcmp(v[PP_MODEL_TYPE].s, "part") != 0 &&
	    strcmp(v[PP_MODEL_TYPE].s, "part.part") != 0)
		errs_addf(es, "model_type", "\"%s\" is not a valid choice.",
		    v[PP_MODEL_TYPE].s);
	if (errs_has(es, "template") || errs_has(es, "data"))
		return NULL;
	if ((e = parameter_template_get(ctx, v[PP_TEMPLATE].i, &t, &found)) !=
	    NULL)
		return e;
	if (!found)
		return NULL;		/* the reference check says so */
	const char *msg = parameter_value(ctx, &t, &v[PP_DATA].s, &null, &num,
	    &unavailable);
	if (unavailable)
		return err_new(ctx, 503, "%s", msg);
	if (msg != NULL)
		errs_add(es, "data", msg);
	v[PP_DATA_NUMERIC].null = null;
	v[PP_DATA_NUMERIC].d = num;
	v[PP_UPDATED].s = parameter_now(ctx);
	v[PP_UPDATED].null = false;
	v[PP_UPDATED_BY].i = ctx->user_id;
	v[PP_UPDATED_BY].null = ctx->user_id <= 0;
	return NULL;
}

/* ?template_detail= (default true), ?part_detail= (default false). */
struct parameter_view {
	bool		 template_detail, part_detail;
	db_stmt		*tmpl, *part;
};

static struct err *
parameter_view(struct ctx *ctx, void **view)
{
	struct parameter_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "template_detail", true,
	    &v->template_detail)) != NULL)
		return e;
	return list_flag(ctx, "part_detail", false, &v->part_detail);
}

static void
parameter_nest(struct ctx *ctx, cJSON *o, const char *name,
    const struct resource *r, db_stmt **cache, long long id)
{
	db_stmt *once = NULL;
	cJSON *d = res_nested(ctx, r, cache != NULL ? cache : &once, id, NULL);

	if (d != NULL)
		json_item(o, name, d);
	else
		json_null(o, name);
}

static void
parameter_render(struct ctx *ctx, const struct resource *r, db_stmt *st,
    cJSON *o, void *view)
{
	struct parameter_view *v = view;
	const struct resource *tr = r == &parameter_resource ?
	    &parameter_template_resource : &part_parameter_template_resource;

	if (r == &parameter_resource)
		json_text(o, "model_type", "part");
	if (v == NULL || v->template_detail)
		parameter_nest(ctx, o, "template_detail", tr,
		    v != NULL ? &v->tmpl : NULL,
		    st_column_int64(st, res_col(r, PP_TEMPLATE_DETAIL)));
	if (v != NULL && v->part_detail)
		parameter_nest(ctx, o, "part_detail", &part_resource, &v->part,
		    st_column_int64(st, res_col(r, PP_PART)));
	json_null(o, "updated_by_detail");
}

static void
parameter_render_new(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	parameter_render(ctx, &parameter_resource, st, o, view);
}

static void
parameter_render_old(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	parameter_render(ctx, &part_parameter_resource, st, o, view);
}

static const struct res_hooks parameter_hooks = {
	.view = parameter_view,
	.render = parameter_render_new,
	.validate = parameter_validate,
};

static const struct res_hooks part_parameter_hooks = {
	.view = parameter_view,
	.render = parameter_render_old,
	.validate = parameter_validate,
};

static struct res_sql parameter_sql, part_parameter_sql;

/* All parameters, and a template's (migrations 0037 and 0028). */
static const struct res_tally parameter_tallies[] = {
	{ "", RES_TALLY_SQL("part_parameter", "0") },
	{ "template=", RES_TALLY_SQL("part_parameter.template", "?") },
};

const struct resource parameter_resource = {
	.model = "parameter",
	.name = "Parameter",
	.table = "part_parameter",
	.alias = "pp",
	.path = "/api/parameter/",
	.area = "part",
	.noun = "parameter",
	.plural = "parameters",
	RES_FIELDS(parameter_fields),
	RES_FILTERS(parameter_filters),
	RES_ORDERS(parameter_orders),
	RES_TALLIES(parameter_tallies),
	RES_UNIQUE(parameter_unique),
	.order = "pp.id",
	.search = &parameter_search,
	.hooks = &parameter_hooks,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &parameter_sql,
};

/* Below API 429 (inventree-python's PartParameter). */
const struct resource part_parameter_resource = {
	.model = "partparameter",
	.name = "PartParameter",
	.table = "part_parameter",
	.alias = "pp",
	.path = "/api/part/parameter/",
	.area = "part",
	.noun = "parameter",
	.plural = "parameters",
	.fields = part_parameter_fields,
	.nfields = PP__N - 1,		/* without model_type */
	RES_FILTERS(parameter_filters),
	RES_ORDERS(parameter_orders),
	RES_TALLIES(parameter_tallies),
	RES_UNIQUE(part_parameter_unique),
	.order = "pp.id",
	.search = &parameter_search,
	.hooks = &part_parameter_hooks,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &part_parameter_sql,
};

/* Every parameter of a template, its number again (new units). */
static struct err *
parameter_recompute(struct ctx *ctx, long long template)
{
	static const char sql_rows[] = "SELECT id, data FROM part_parameter "
	    "WHERE template = ? ORDER BY id";
	static const char sql_set[] = "UPDATE part_parameter SET "
	    "data_numeric = ? WHERE id = ?";
	struct tmpl t;
	struct err *e;
	bool found, null, unavailable;
	double num;

	if ((e = parameter_template_get(ctx, template, &t, &found)) != NULL ||
	    !found)
		return e;
	db_stmt *st = db_prepare(ctx, sql_rows);
	if (st == NULL)
		return db_err(ctx, "parameter");
	st_bind_int64(st, 1, template);
	/* Read them all first: the update is another statement. */
	size_t n = 0, cap = 64;
	long long *ids = mem_alloc(&ctx->mem, cap * sizeof(*ids));
	const char **data = mem_alloc(&ctx->mem, cap * sizeof(*data));
	int rc;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			long long *ni = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*ni));
			const char **nd = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*nd));
			memcpy(ni, ids, n * sizeof(*ni));
			memcpy(nd, data, n * sizeof(*nd));
			ids = ni;
			data = nd;
			cap *= 2;
		}
		ids[n] = st_column_int64(st, 0);
		data[n++] = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 1));
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "parameter");
	db_stmt *up = db_prepare(ctx, sql_set);
	if (up == NULL)
		return db_err(ctx, "parameter");
	for (size_t i = 0; i < n; i++) {
		const char *d = data[i];
		(void)parameter_value(ctx, &t, &d, &null, &num, &unavailable);
		if (unavailable)
			return err_new(ctx, 503, "Units cannot be checked: "
			    "udunits2 is not installed");
		st_reset(up);
		if (null)
			st_bind_null(up, 1);
		else
			st_bind_double(up, 1, num);
		st_bind_int64(up, 2, ids[i]);
		if ((e = db_step(ctx, up, "parameter")) != NULL)
			return e;
	}
	st_reset(up);
	return NULL;
}

/* ---- the part list's parameter filters and ordering ------------------ */

static const struct {
	const char	*suffix, *op;
} parameter_ops[] = {
	{ "", "=" }, { "_gt", ">" }, { "_gte", ">=" }, { "_lt", "<" },
	{ "_lte", "<=" }, { "_ne", "=" }, { "_icontains", NULL },
};

/* "parameter_<id><suffix>": the template's id and the operator's index;
 * false for any other name. */
static bool
parameter_filter_name(const char *name, long long *id, size_t *op)
{
	char digits[24];
	size_t n;

	if (strncmp(name, "parameter_", 10) != 0)
		return false;
	name += 10;
	n = strspn(name, "0123456789");
	if (n == 0 || n >= sizeof(digits))
		return false;
	memcpy(digits, name, n);
	digits[n] = '\0';
	if (!val_id_text(digits, id))
		return false;
	for (size_t k = 0; k < sizeof(parameter_ops) /
	    sizeof(parameter_ops[0]); k++)
		if (strcmp(name + n, parameter_ops[k].suffix) == 0) {
			*op = k;
			return true;
		}
	return false;
}

/* One filter of the query, read against its template. */
struct pfilter {
	long long	 tmpl;
	size_t		 op;		/* parameter_ops[] */
	const char	*sqlop;		/* NULL: LIKE (icontains) */
	const char	*text;		/* compared with data */
	bool		 numeric;	/* and num with data_numeric */
	double		 num;
	bool		 done;
};

/* Reads one filter: its template, the value as a number when it is one. */
static struct err *
parameter_filter_read(struct ctx *ctx, const char *name, long long id,
    size_t op, const char *value, struct pfilter *f)
{
	char why[UNITS_WHY_MAX];
	struct tmpl t;
	struct err *e;
	bool found, b;

	memset(f, 0, sizeof(*f));
	f->tmpl = id;
	f->op = op;
	f->sqlop = parameter_ops[op].op;
	f->text = value;
	if ((e = parameter_template_get(ctx, id, &t, &found)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, name, "Invalid parameter template ID: "
		    "%lld", id);
	if (val_text(ctx, value, 500, false) != NULL)
		return err_field(ctx, name, "Enter a valid value.");
	if (t.checkbox) {
		/* Booleans: exact matches only, as InvenTree. */
		if (!txt_parse_bool(mem_strtrim(&ctx->mem, value), &b))
			return err_field(ctx, name, "Enter a valid boolean: "
			    "true, false, 1, 0, yes or no.");
		f->num = b;
		f->numeric = true;
		f->text = b ? "True" : "False";
		f->sqlop = "=";
	} else if (f->sqlop == NULL)
		f->text = list_like(ctx, value);
	else if (units_number(value, &f->num))
		f->numeric = true;	/* a plain number: the template's units */
	else if (t.units[0] != '\0') {
		switch (units_convert(value, t.units, &f->num, why)) {
		case UNITS_OK:
			f->numeric = true;
			break;
		case UNITS_UNAVAILABLE:
			return err_new(ctx, 503, "%s", why);
		default:
			return err_field(ctx, name, "%s", why);
		}
	}
	return NULL;
}

/* " AND pp.data <op> ?" (or LIKE), bound to f's text. */
static char *
parameter_text_cond(struct ctx *ctx, struct list_q *q, char *sql,
    const struct pfilter *f)
{
	list_bind_text(q, f->text);
	if (f->sqlop == NULL)
		return mem_printf(&ctx->mem, "%s AND pp.data" LIKE, sql);
	return mem_printf(&ctx->mem, "%s AND pp.data %s ?", sql, f->sqlop);
}

/*
 * The filters of one template, fs[0..n), as one condition on the part:
 * its parameter of the template meets them all (a part has one per
 * template).  As InvenTree, a number compares with parameters' numbers
 * and with the text of parameters without one; text compares with the
 * text.  So the rows with a number are one index range of (template,
 * data_numeric), those without another, and the two are joined: a range
 * "_gte=10n&_lte=1u" reads only the parameters in it.  "_ne" is apart:
 * the parts that do not have a parameter equal to the value.
 */
static void
parameter_filter_where(struct ctx *ctx, struct list_q *q, struct pfilter *fs,
    size_t n, bool ne)
{
	static const char sel[] = "SELECT pp.part FROM part_parameter pp "
	    "WHERE pp.template = ?";
	bool numeric = false;
	char *sql;

	for (size_t i = 0; i < n; i++)
		numeric |= fs[i].numeric;
	sql = mem_printf(&ctx->mem, " AND p.id %s (%s", ne ? "NOT IN" : "IN",
	    sel);
	list_bind_int(q, fs[0].tmpl);
	if (numeric) {
		sql = mem_printf(&ctx->mem, "%s AND pp.data_numeric IS NOT NULL",
		    sql);
		for (size_t i = 0; i < n; i++)
			if (fs[i].numeric) {
				sql = mem_printf(&ctx->mem, "%s AND "
				    "pp.data_numeric %s ?", sql, fs[i].sqlop);
				list_bind_double(q, fs[i].num);
			}
		for (size_t i = 0; i < n; i++)
			if (!fs[i].numeric)
				sql = parameter_text_cond(ctx, q, sql, &fs[i]);
		sql = mem_printf(&ctx->mem, "%s UNION ALL %s AND "
		    "pp.data_numeric IS NULL", sql, sel);
		list_bind_int(q, fs[0].tmpl);
	}
	for (size_t i = 0; i < n; i++)
		sql = parameter_text_cond(ctx, q, sql, &fs[i]);
	list_where(q, mem_printf(&ctx->mem, "%s)", sql));
	/* The subquery names each part once (one parameter a part and
	 * template; the two halves apart by data_numeric), and only parts
	 * that exist: with no other filter it is the count. */
	if (!ne)
		list_count_alone(q, mem_printf(&ctx->mem, "SELECT count(*) "
		    "FROM (%s) c", sql + strlen(" AND p.id IN (")));
}

/*
 * ?ordering=[-]parameter_<id>: parts with the parameter first, numbers
 * before text, by number, then by text, then by id (InvenTree's order,
 * made the same on both engines); the parts without it after.  The id
 * is a checked whole number, written into the join as one: one lookup
 * of (part, template) a part (part_parameter_identity), where three
 * subqueries a part were.
 */
static void
parameter_order(struct ctx *ctx, struct list_q *q)
{
	const char *o = req_query(ctx, "ordering");
	long long id;
	size_t op;

	if (o == NULL)
		return;
	size_t len = strcspn(o, ",");
	bool desc = o[0] == '-';
	const char *name = mem_strndup(&ctx->mem, desc || o[0] == '+' ||
	    o[0] == ' ' ? o + 1 : o, desc || o[0] == '+' || o[0] == ' ' ?
	    len - 1 : len);
	if (!parameter_filter_name(name, &id, &op) || op != 0)
		return;
	q->join = mem_printf(&ctx->mem, " LEFT JOIN part_parameter po ON "
	    "po.part = p.id AND po.template = %lld", id);
	q->order = mem_printf(&ctx->mem, "CASE WHEN po.id IS NULL THEN 2 "
	    "WHEN po.data_numeric IS NULL THEN 1 ELSE 0 END, "
	    "po.data_numeric%s, po.data%s, p.id%s", desc ? " DESC" : "",
	    desc ? " DESC" : "", desc ? " DESC" : "");
}

struct err *
parameter_part_query(struct ctx *ctx, struct list_q *q)
{
	struct pfilter fs[REQ_PARAMS_MAX], group[REQ_PARAMS_MAX];
	struct err *e;
	size_t n = 0, op;
	long long id;

	for (size_t i = 0; i < ctx->req.nquery && n < REQ_PARAMS_MAX; i++) {
		const struct req_kv *kv = &ctx->req.query[i];
		if (kv->value == NULL ||
		    !parameter_filter_name(kv->name, &id, &op))
			continue;
		if ((e = parameter_filter_read(ctx, kv->name, id, op,
		    kv->value, &fs[n])) != NULL)
			return e;
		n++;
	}
	/* Each "_ne" alone; the others of one template together. */
	for (size_t i = 0; i < n; i++) {
		bool ne = strcmp(parameter_ops[fs[i].op].suffix, "_ne") == 0;
		size_t k = 0;
		if (fs[i].done)
			continue;
		group[k++] = fs[i];
		fs[i].done = true;
		for (size_t j = i + 1; j < n && !ne; j++)
			if (!fs[j].done && fs[j].tmpl == fs[i].tmpl &&
			    strcmp(parameter_ops[fs[j].op].suffix, "_ne") != 0) {
				group[k++] = fs[j];
				fs[j].done = true;
			}
		parameter_filter_where(ctx, q, group, k, ne);
	}
	parameter_order(ctx, q);
	return NULL;
}

/* ---- category templates --------------------------------------------- */

enum { CP_CATEGORY, CP_TEMPLATE, CP_DEFAULT, CP_TEMPLATE_DETAIL,
	CP_CATEGORY_DETAIL, CP__N };

static const struct field category_parameter_fields[] = {
	[CP_CATEGORY] = { "category", FT_ID, F_REQUIRED,
	    .ref = &category_resource, .help = "Part Category" },
	[CP_TEMPLATE] = { "template", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &parameter_template_resource },
	[CP_DEFAULT] = { "default_value", FT_TEXT, 0, 500,
	    .help = "Default Parameter Value" },
	[CP_TEMPLATE_DETAIL] = { "template_detail", FT_ID,
	    F_READ_ONLY | F_HOOK, .col = "cp.template",
	    .ref = &parameter_template_resource },
	[CP_CATEGORY_DETAIL] = { "category_detail", FT_ID,
	    F_READ_ONLY | F_HOOK, .col = "cp.category",
	    .ref = &category_resource },
};
_Static_assert(sizeof(category_parameter_fields) /
    sizeof(category_parameter_fields[0]) == CP__N, "category parameters");

static const struct res_unique category_parameter_unique[] = {
	{ { "category", "template" } },
};

/* ?category=<id>, with its ancestors' unless ?fetch_parent=false. */
static struct err *
category_parameter_list(struct ctx *ctx, struct list_q *q, void *view)
{
	const char *s = req_query(ctx, "category");
	struct err *e;
	bool parents;
	long long id;

	(void)view;
	if (s == NULL)
		return NULL;
	if (!val_id_text(s, &id))
		return err_field(ctx, "category", "Select a valid choice. That "
		    "choice is not one of the available choices.");
	if ((e = list_flag(ctx, "fetch_parent", true, &parents)) != NULL)
		return e;
	list_where_each(q, parents ? " AND cp.category IN (SELECT ancestor "
	    "FROM part_category_tree WHERE descendant = ?)" :
	    " AND cp.category = ?", &id, NULL);
	return NULL;
}

/* The default fits the template (when given). */
static struct err *
category_parameter_validate(struct ctx *ctx, struct res_write *w,
    struct errs *es)
{
	struct val *v = w->v;
	struct tmpl t;
	struct err *e;
	bool found, null, unavailable;
	double num;

	if (errs_has(es, "template") || v[CP_DEFAULT].s[0] == '\0')
		return NULL;
	if ((e = parameter_template_get(ctx, v[CP_TEMPLATE].i, &t, &found)) !=
	    NULL || !found)
		return e;
	const char *d = v[CP_DEFAULT].s;
	const char *msg = parameter_value(ctx, &t, &d, &null, &num,
	    &unavailable);
	if (unavailable)
		return err_new(ctx, 503, "%s", msg);
	if (msg != NULL)
		errs_add(es, "default_value", msg);
	else
		v[CP_DEFAULT].s = d;
	return NULL;
}

struct cp_view {
	db_stmt	*tmpl, *cat;
};

static void
cp_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct cp_view *v = view;
	const struct resource *r = &category_parameter_resource;

	parameter_nest(ctx, o, "template_detail", &parameter_template_resource,
	    v != NULL ? &v->tmpl : NULL,
	    st_column_int64(st, res_col(r, CP_TEMPLATE_DETAIL)));
	parameter_nest(ctx, o, "category_detail", &category_resource,
	    v != NULL ? &v->cat : NULL,
	    st_column_int64(st, res_col(r, CP_CATEGORY_DETAIL)));
}

static struct res_sql category_parameter_sql;

const struct resource category_parameter_resource = {
	.model = "partcategoryparametertemplate",
	.name = "PartCategoryParameterTemplate",
	.table = "category_parameter_template",
	.alias = "cp",
	.path = "/api/part/category/parameters/",
	.area = "part_category",
	.noun = "category parameter template",
	.plural = "category parameter templates",
	RES_FIELDS(category_parameter_fields),
	RES_UNIQUE(category_parameter_unique),
	.order = "cp.category, cp.id",
	.hooks = &(const struct res_hooks){ .list = category_parameter_list,
	    .view_size = sizeof(struct cp_view), .render = cp_render,
	    .validate = category_parameter_validate },
	.flags = RES_METADATA,
	.sql = &category_parameter_sql,
};

/*
 * A new part in a category: a parameter for each of the category's
 * templates that has a default value (InvenTree copies the category's
 * parameter templates), its number as any parameter's.
 */
struct err *
parameter_part_defaults(struct ctx *ctx, long long part, long long category)
{
	static const char sql_defaults[] = "SELECT cp.template, "
	    "cp.default_value, t.units, t.choices, t.checkbox FROM "
	    "category_parameter_template cp JOIN parameter_template t ON "
	    "t.id = cp.template WHERE cp.category = ? AND cp.default_value "
	    "<> '' ORDER BY cp.id";
	static const char sql_add[] = "INSERT INTO part_parameter (part, "
	    "template, data, data_numeric, updated, updated_by) VALUES "
	    "(?, ?, ?, ?, ?, ?)";
	struct err *e;
	int rc;

	db_stmt *st = db_prepare(ctx, sql_defaults);
	if (st == NULL)
		return db_err(ctx, "parameter");
	st_bind_int64(st, 1, category);
	size_t n = 0;
	struct { long long tmpl; const char *data; struct tmpl t; } d[64];
	while (n < sizeof(d) / sizeof(d[0]) &&
	    (rc = st_step(st)) == SQLITE_ROW) {
		d[n].tmpl = st_column_int64(st, 0);
		d[n].data = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 1));
		d[n].t.units = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 2));
		d[n].t.choices = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 3));
		d[n].t.checkbox = st_column_int(st, 4) != 0;
		n++;
	}
	st_reset(st);
	db_stmt *add = db_prepare(ctx, sql_add);
	if (add == NULL)
		return db_err(ctx, "parameter");
	for (size_t i = 0; i < n; i++) {
		bool null, unavailable;
		double num = 0;
		const char *data = d[i].data;
		(void)parameter_value(ctx, &d[i].t, &data, &null, &num,
		    &unavailable);
		st_reset(add);
		st_bind_int64(add, 1, part);
		st_bind_int64(add, 2, d[i].tmpl);
		st_bind_text(add, 3, data, -1, SQLITE_STATIC);
		if (null)
			st_bind_null(add, 4);
		else
			st_bind_double(add, 4, num);
		st_bind_text(add, 5, parameter_now(ctx), -1, SQLITE_TRANSIENT);
		db_bind_id(add, 6, ctx->user_id);
		if ((e = db_step(ctx, add, "parameter")) != NULL)
			return e;
	}
	st_reset(add);
	return NULL;
}
