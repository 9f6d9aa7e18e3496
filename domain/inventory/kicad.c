/*
 * kicad: KiCad's HTTP library.  See kicad.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "val.h"

#include "files/media.h"
#include "inventory/kicad.h"
#include "inventory/parameter.h"
#include "inventory/part.h"

/* ---- the categories' settings --------------------------------------- */

enum { KC_CATEGORY, KC_SYMBOL, KC_FOOTPRINT, KC_REFERENCE,
	KC_SYMBOL_TEMPLATE, KC_FOOTPRINT_TEMPLATE, KC_VALUE_TEMPLATE,
	KC_EXCLUDE_SIM, KC__N };

static const struct field kicad_category_fields[] = {
	[KC_CATEGORY] = { "category", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &category_resource,
	    .help = "The part category shown in KiCad" },
	[KC_SYMBOL] = { "symbol", FT_TEXT, 0, 255,
	    .help = "Default symbol of its parts (library:name, Device:R)" },
	[KC_FOOTPRINT] = { "footprint", FT_TEXT, 0, 255,
	    .help = "Default footprint of its parts (library:name)" },
	[KC_REFERENCE] = { "reference", FT_TEXT, 0, 10,
	    .help = "Reference designator prefix (R, C, U)" },
	[KC_SYMBOL_TEMPLATE] = { "symbol_template", FT_ID, F_NULL,
	    .ref = &parameter_template_resource,
	    .help = "Parameter whose value on a part is its symbol" },
	[KC_FOOTPRINT_TEMPLATE] = { "footprint_template", FT_ID, F_NULL,
	    .ref = &parameter_template_resource,
	    .help = "Parameter whose value on a part is its footprint" },
	[KC_VALUE_TEMPLATE] = { "value_template", FT_ID, F_NULL,
	    .ref = &parameter_template_resource,
	    .help = "Parameter whose value on a part is its value field "
	    "(else the part's name)" },
	[KC_EXCLUDE_SIM] = { "exclude_from_sim", FT_BOOL, 0, .def = 1,
	    .help = "Its parts are left out of simulations" },
};
_Static_assert(sizeof(kicad_category_fields) /
    sizeof(kicad_category_fields[0]) == KC__N, "kicad category fields");

static const struct res_unique kicad_category_unique[] = {
	{ { "category" } },
};

static struct res_sql kicad_category_sql;

const struct resource kicad_category_resource = {
	.model = "kicadcategory",
	.name = "KiCadCategory",
	.table = "kicad_category",
	.alias = "k",
	.path = "/api/kicad/category/",
	.area = "part_category",
	.noun = "KiCad category",
	.plural = "KiCad categories",
	RES_FIELDS(kicad_category_fields),
	RES_UNIQUE(kicad_category_unique),
	.order = "k.id",
	.sql = &kicad_category_sql,
};

/* ---- the library ------------------------------------------------------ */

static const char kicad_sql_categories[] =
    "SELECT c.id, c.name, c.description FROM kicad_category k "
    "JOIN part_category c ON c.id = k.category ORDER BY c.pathstring, c.id";
static const char kicad_sql_category[] =
    "SELECT 1 FROM kicad_category WHERE category = ?";
static const char kicad_sql_parts[] =
    "SELECT id, name, description FROM part WHERE category = ? AND "
    "active = 1 ORDER BY name, id";
static const char kicad_sql_part[] =
    "SELECT p.id, p.name, p.description, p.keywords, p.link, p.IPN, "
    "p.virtual, k.exclude_from_sim, "
    "coalesce((SELECT data FROM part_parameter WHERE part = p.id AND "
    "template = k.symbol_template), k.symbol), "
    "coalesce((SELECT data FROM part_parameter WHERE part = p.id AND "
    "template = k.footprint_template), k.footprint), "
    "coalesce((SELECT data FROM part_parameter WHERE part = p.id AND "
    "template = k.value_template), p.name), k.reference, "
    "coalesce((SELECT m.MPN FROM manufacturer_part m WHERE m.part = p.id "
    "ORDER BY m.id LIMIT 1), ''), "
    "coalesce((SELECT c.name FROM manufacturer_part m JOIN company c ON "
    "c.id = m.manufacturer WHERE m.part = p.id ORDER BY m.id LIMIT 1), ''), "
    /* without a link: the part's first PDF attachment, else its first
     * attachment that is a link */
    "(SELECT a.file FROM attachment a WHERE a.model_type = 'part' AND "
    "a.model_id = p.id AND a.file IS NOT NULL AND lower(a.filename) LIKE "
    "'%.pdf' ORDER BY a.id LIMIT 1), "
    "(SELECT a.link FROM attachment a WHERE a.model_type = 'part' AND "
    "a.model_id = p.id AND a.link <> '' ORDER BY a.id LIMIT 1) "
    "FROM part p JOIN kicad_category k ON k.category = p.category "
    "WHERE p.id = ?";

/* KiCad reads its booleans as the strings "True" and "False". */
static const char *
kicad_bool(bool b)
{
	return b ? "True" : "False";
}

/* An id as KiCad wants it: a string. */
static void
kicad_id(cJSON *o, long long id)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", id);
	json_text(o, "id", s);
}

/* [{"id", "name", "description"}, ...] of a statement's rows. */
static struct err *
kicad_list(struct ctx *ctx, db_stmt *st, const char *what)
{
	cJSON *a = cJSON_CreateArray();
	int rc;

	if (a == NULL)
		mem_oom();
	while ((rc = st_step(st)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			mem_oom();
		kicad_id(o, st_column_int64(st, 0));
		json_text(o, "name", (const char *)st_column_text(st, 1));
		json_text(o, "description",
		    (const char *)st_column_text(st, 2));
		cJSON_AddItemToArray(a, o);
	}
	st_reset(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(a);
		return db_err(ctx, what);
	}
	return resp_json(ctx, 200, a);
}

/* GET /api/kicad/v1/: the endpoints KiCad checks for. */
struct err *
kicad_root(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_text(o, "categories", "");
	json_text(o, "parts", "");
	return resp_json(ctx, 200, o);
}

/* GET /api/kicad/v1/categories.json */
struct err *
kicad_categories(struct ctx *ctx)
{
	db_stmt *st = db_prepare(ctx, kicad_sql_categories);

	if (st == NULL)
		return db_err(ctx, "kicad categories");
	return kicad_list(ctx, st, "kicad categories");
}

/* GET /api/kicad/v1/parts/category/<pk>.json: its active parts. */
struct err *
kicad_parts(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct err *e;
	bool found;

	db_stmt *st = db_prepare(ctx, kicad_sql_category);
	if (st == NULL)
		return db_err(ctx, "kicad parts");
	st_bind_int64(st, 1, id);
	e = db_row(ctx, st, "kicad parts", &found);
	st_reset(st);
	if (e != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, "PartCategory");
	if ((st = db_prepare(ctx, kicad_sql_parts)) == NULL)
		return db_err(ctx, "kicad parts");
	st_bind_int64(st, 1, id);
	return kicad_list(ctx, st, "kicad parts");
}

/* One field: {"value": v, "visible": "True" / "False"}. */
static void
kicad_field(cJSON *fields, const char *name, const char *value, bool visible)
{
	cJSON *f = cJSON_CreateObject();

	if (f == NULL)
		mem_oom();
	json_text(f, "value", value != NULL ? value : "");
	json_text(f, "visible", kicad_bool(visible));
	json_item(fields, name, f);
}


/*
 * A part's datasheet as KiCad opens it: its link, else the full URL of its
 * first PDF attachment (a signed-in browser may open it), else its first
 * attachment that is a link; "" without any.
 */
static const char *
kicad_datasheet(struct ctx *ctx, db_stmt *st)
{
	const char *link = (const char *)st_column_text(st, 4);
	const char *file = (const char *)st_column_text(st, 14);
	const char *other = (const char *)st_column_text(st, 15);

	if (link != NULL && link[0] != '\0')
		return link;
	if (file != NULL && file[0] != '\0')
		return media_abs_url(ctx, file);
	return other != NULL ? other : "";
}

/* GET /api/kicad/v1/parts/<pk>.json: a part of a category KiCad shows. */
struct err *
kicad_part(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct err *e;
	bool found;

	db_stmt *st = db_prepare(ctx, kicad_sql_part);
	if (st == NULL)
		return db_err(ctx, "kicad part");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "kicad part", &found)) != NULL)
		return e;
	if (!found) {
		st_reset(st);
		return err_not_found(ctx, "Part");
	}
#define TEXT(i) ((const char *)st_column_text(st, (i)))
	bool virt = st_column_int64(st, 6) != 0;
	cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
	if (o == NULL || f == NULL)
		mem_oom();
	kicad_id(o, st_column_int64(st, 0));
	json_text(o, "name", TEXT(1));
	json_text(o, "symbolIdStr", TEXT(8));
	/* a virtual part is no component on the board nor in the BOM */
	json_text(o, "exclude_from_bom", kicad_bool(virt));
	json_text(o, "exclude_from_board", kicad_bool(virt));
	json_text(o, "exclude_from_sim",
	    kicad_bool(st_column_int64(st, 7) != 0));
	kicad_field(f, "value", TEXT(10), true);
	kicad_field(f, "reference", TEXT(11), true);
	kicad_field(f, "footprint", TEXT(9), false);
	kicad_field(f, "datasheet", kicad_datasheet(ctx, st), false);
	kicad_field(f, "description", TEXT(2), false);
	kicad_field(f, "keywords", TEXT(3), false);
	kicad_field(f, "IPN", TEXT(5), false);
	kicad_field(f, "MPN", TEXT(12), false);
	kicad_field(f, "Manufacturer", TEXT(13), false);
#undef TEXT
	st_reset(st);
	json_item(o, "fields", f);
	return resp_json(ctx, 200, o);
}
