/*
 * part.cgi: part categories (/api/part/category/...) and parts
 * (/api/part/...), as InvenTree serves them.  Rows, trees and stock rules
 * live in lib/ (part.h, tree.h, stock.h, list.h, field.h); the handlers
 * here read input, call them, and answer.
 */
#include <string.h>

#include "stockroom.h"
#include "dec.h"
#include "tasks/event.h"
#include "field.h"
#include "files/image.h"
#include "list.h"
#include "files/media.h"
#include "files/metadata.h"
#include "inventory/part.h"
#include "inventory/star.h"
#include "inventory/stock.h"
#include "inventory/tree.h"
#include "inventory/treeapi.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- categories ---------------------------------------------------- */

static const struct field cat_fields[] = {
	{ "name", FIELD_TEXT, 100, true, false, 0 },
	{ "description", FIELD_TEXT, 250, false, false, 0 },
	{ "parent", FIELD_ID, 0, false, true, 0 },
	{ "structural", FIELD_BOOL, 0, false, false, 0 },
	{ "default_location", FIELD_ID, 0, false, true, 0 },
	{ "default_keywords", FIELD_TEXT, 250, false, false, 0 },
	{ "icon", FIELD_TEXT, 100, false, false, 0 },
};
enum { CF_NAME, CF_DESCRIPTION, CF_PARENT, CF_STRUCTURAL,
	CF_DEFAULT_LOCATION, CF_DEFAULT_KEYWORDS, CF_ICON, CF__N };

static const char cat_sql_load[] =
    "SELECT name, description, parent, structural, default_location, "
    "default_keywords, icon FROM part_category WHERE id = ?";
static const char cat_sql_insert[] =
    "INSERT INTO part_category (name, description, parent, structural, "
    "default_location, default_keywords, icon) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char cat_sql_update[] =
    "UPDATE part_category SET name = ?1, description = ?2, parent = ?3, "
    "structural = ?4, default_location = ?5, default_keywords = ?6, "
    "icon = ?7 WHERE id = ?8";
static const char cat_sql_dup[] =
    "SELECT 1 FROM part_category WHERE ifnull(parent, 0) = ?1 AND "
    "name = ?2 AND id <> ?3";
static const char cat_sql_has_parts[] =
    "SELECT 1 FROM part WHERE category = ? LIMIT 1";
static const char cat_sql_exists[] =
    "SELECT 1 FROM part_category WHERE id = ?";
static const char loc_sql_exists[] =
    "SELECT 1 FROM stock_location WHERE id = ?";
static const char cat_tree_select[] =
    "SELECT c.id, c.name, c.parent, c.level, c.icon, c.structural, "
    "(SELECT count(*) FROM part_category d WHERE d.parent = c.id) "
    "FROM part_category c WHERE 1";

static const struct list_filter cat_filters[] = {
	{ "parent", LIST_ID, " AND c.parent = ?", " AND c.parent IS NULL",
	  cat_sql_exists, " AND c.path > (SELECT path FROM part_category "
	  "WHERE id = ?) AND c.path < (SELECT path || '~' FROM "
	  "part_category WHERE id = ?)" },
	{ "top_level", LIST_BOOL, " AND c.parent IS NULL",
	  " AND c.parent IS NOT NULL", NULL, NULL },
	{ "structural", LIST_BOOL, " AND c.structural = 1",
	  " AND c.structural = 0", NULL, NULL },
	{ "name", LIST_TEXT, " AND c.name = ?", NULL, NULL, NULL },
	{ "level", LIST_INT, " AND c.level = ?", NULL, NULL, NULL },
};

static const struct list_order cat_orders[] = {
	{ "name", "c.name, c.id", "c.name DESC, c.id DESC" },
	{ "pathstring", "c.pathstring, c.id", "c.pathstring DESC, c.id DESC" },
	{ "level", "c.level, c.id", "c.level DESC, c.id DESC" },
	{ "pk", "c.id", "c.id DESC" },
	{ "id", "c.id", "c.id DESC" },
	{ "part_count", "11, c.id", "11 DESC, c.id DESC" },
};

static const struct list_search cat_search = {
	" AND (c.name LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\' "
	"OR c.pathstring LIKE ? ESCAPE '\\')", 0, 3,
	" AND (c.name LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\' "
	"OR c.pathstring LIKE ? ESCAPE '\\')", 3, NULL,
};

static const char cat_depth_below[] =
    " AND c.level <= (SELECT level FROM part_category WHERE id = ?) + ?";
static const char cat_depth_top[] = " AND c.level <= ?";

_Static_assert(CF__N <= TREE_API_FIELDS_MAX, "too many fields");

static const struct tree_api cat_api = {
	.kind = TREE_CATEGORY,
	.model = "PartCategory",
	.fields = cat_fields,
	.nfields = CF__N,
	.f_name = CF_NAME,
	.f_parent = CF_PARENT,
	.f_structural = CF_STRUCTURAL,
	.f_location = CF_DEFAULT_LOCATION,
	.sql_load = cat_sql_load,
	.sql_insert = cat_sql_insert,
	.sql_update = cat_sql_update,
	.sql_dup = cat_sql_dup,
	.sql_has_contents = cat_sql_has_parts,
	.structural_msg = "You cannot make this part category structural "
	    "because some parts are already assigned to it!",
	.what_insert = "category insert",
	.what_update = "category update",
	.order_default = "c.pathstring, c.id",
	.filters = cat_filters,
	.nfilters = NELEM(cat_filters),
	.search = &cat_search,
	.orders = cat_orders,
	.norders = NELEM(cat_orders),
	.depth_below = cat_depth_below,
	.depth_top = cat_depth_top,
	.select = category_select,
	.count = category_count,
	.json = category_json,
	.tree_select = cat_tree_select,
	.tree_children = "subcategories",
	.get = category_get,
	.delete_contents = "delete_parts",
	.delete_children = "delete_child_categories",
	.starred = STAR_CATEGORY,
	.starred_sql = star_category_filter,
	.unstarred_sql = star_category_filter_not,
};

/* GET /api/part/category/ */
static int
cat_list(struct ctx *ctx)
{
	return tree_api_list(ctx, &cat_api);
}

/* GET /api/part/category/tree/ */
static int
cat_tree(struct ctx *ctx)
{
	return tree_api_tree(ctx, &cat_api);
}

/* GET /api/part/category/<pk>/ */
static int
cat_detail(struct ctx *ctx)
{
	return tree_api_detail(ctx, &cat_api);
}

/* POST /api/part/category/ */
static int
cat_create(struct ctx *ctx)
{
	return tree_api_create(ctx, &cat_api);
}

/* PUT/PATCH /api/part/category/<pk>/ */
static int
cat_update(struct ctx *ctx)
{
	return tree_api_update(ctx, &cat_api);
}

/* DELETE /api/part/category/<pk>/ */
static int
cat_delete(struct ctx *ctx)
{
	return tree_api_delete(ctx, &cat_api);
}

/* ---- parts --------------------------------------------------------- */

static const struct field part_fields[] = {
	{ "name", FIELD_TEXT, 100, true, false, 0 },
	{ "IPN", FIELD_TEXT, 100, false, false, 0 },
	{ "description", FIELD_TEXT, 250, false, false, 0 },
	{ "keywords", FIELD_TEXT, 250, false, false, 0 },
	{ "units", FIELD_TEXT, 20, false, false, 0 },
	{ "revision", FIELD_TEXT, 100, false, false, 0 },
	{ "link", FIELD_TEXT, 2000, false, false, 0 },
	{ "notes", FIELD_NOTES, 50000, false, false, 0 },
	{ "category", FIELD_ID, 0, false, true, 0 },
	{ "default_location", FIELD_ID, 0, false, true, 0 },
	{ "active", FIELD_BOOL, 0, false, false, 1 },
	{ "assembly", FIELD_BOOL, 0, false, false, 0 },
	{ "component", FIELD_BOOL, 0, false, false, 1 },
	{ "purchaseable", FIELD_BOOL, 0, false, false, 1 },
	{ "salable", FIELD_BOOL, 0, false, false, 0 },
	{ "trackable", FIELD_BOOL, 0, false, false, 0 },
	{ "virtual", FIELD_BOOL, 0, false, false, 0 },
	{ "is_template", FIELD_BOOL, 0, false, false, 0 },
	{ "locked", FIELD_BOOL, 0, false, false, 0 },
	{ "testable", FIELD_BOOL, 0, false, false, 0 },
	{ "minimum_stock", FIELD_DEC, 0, false, false, 0 },
};
enum { PF_NAME, PF_IPN, PF_DESCRIPTION, PF_KEYWORDS, PF_UNITS, PF_REVISION,
	PF_LINK, PF_NOTES, PF_CATEGORY, PF_DEFAULT_LOCATION, PF_ACTIVE,
	PF_ASSEMBLY, PF_COMPONENT, PF_PURCHASEABLE, PF_SALABLE, PF_TRACKABLE,
	PF_VIRTUAL, PF_IS_TEMPLATE, PF_LOCKED, PF_TESTABLE, PF_MINIMUM_STOCK,
	PF__N };

static const char part_sql_load[] =
    "SELECT name, IPN, description, keywords, units, revision, link, notes, "
    "category, default_location, active, assembly, component, purchaseable, "
    "salable, trackable, virtual, is_template, locked, testable, "
    "minimum_stock FROM part WHERE id = ?";
static const char part_sql_insert[] =
    "INSERT INTO part (name, IPN, description, keywords, units, revision, "
    "link, notes, category, default_location, active, assembly, component, "
    "purchaseable, salable, trackable, virtual, is_template, locked, "
    "testable, minimum_stock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char part_sql_update[] =
    "UPDATE part SET name = ?1, IPN = ?2, description = ?3, keywords = ?4, "
    "units = ?5, revision = ?6, link = ?7, notes = ?8, category = ?9, "
    "default_location = ?10, active = ?11, assembly = ?12, component = ?13, "
    "purchaseable = ?14, salable = ?15, trackable = ?16, virtual = ?17, "
    "is_template = ?18, locked = ?19, testable = ?20, minimum_stock = ?21 "
    "WHERE id = ?22";
static const char part_sql_dup[] =
    "SELECT 1 FROM part WHERE name = ?1 AND IPN = ?2 AND revision = ?3 "
    "AND id <> ?4";
static const char part_sql_category_location[] =
    "SELECT default_location FROM part_category WHERE id = ?";
static const char part_sql_delete_fts[] =
    "DELETE FROM stock_item_fts WHERE rowid IN "
    "(SELECT id FROM stock_item WHERE part = ?1)";
static const char part_sql_delete[] = "DELETE FROM part WHERE id = ?";
static const char part_sql_active[] = "SELECT active FROM part WHERE id = ?";

static const struct list_filter part_filters[] = {
	{ "category", LIST_ID, " AND p.category = ?",
	  " AND p.category IS NULL", cat_sql_exists,
	  " AND p.category IN (SELECT d.id FROM part_category c1, "
	  "part_category d WHERE c1.id = ? AND d.path >= c1.path AND "
	  "d.path < c1.path || '~')" },
	{ "default_location", LIST_ID, " AND p.default_location = ?",
	  " AND p.default_location IS NULL", loc_sql_exists, NULL },
	{ "active", LIST_BOOL, " AND p.active = 1", " AND p.active = 0",
	  NULL, NULL },
	{ "assembly", LIST_BOOL, " AND p.assembly = 1", " AND p.assembly = 0",
	  NULL, NULL },
	{ "component", LIST_BOOL, " AND p.component = 1",
	  " AND p.component = 0", NULL, NULL },
	{ "purchaseable", LIST_BOOL, " AND p.purchaseable = 1",
	  " AND p.purchaseable = 0", NULL, NULL },
	{ "salable", LIST_BOOL, " AND p.salable = 1", " AND p.salable = 0",
	  NULL, NULL },
	{ "trackable", LIST_BOOL, " AND p.trackable = 1",
	  " AND p.trackable = 0", NULL, NULL },
	{ "virtual", LIST_BOOL, " AND p.virtual = 1", " AND p.virtual = 0",
	  NULL, NULL },
	{ "is_template", LIST_BOOL, " AND p.is_template = 1",
	  " AND p.is_template = 0", NULL, NULL },
	{ "locked", LIST_BOOL, " AND p.locked = 1", " AND p.locked = 0",
	  NULL, NULL },
	{ "testable", LIST_BOOL, " AND p.testable = 1", " AND p.testable = 0",
	  NULL, NULL },
	{ "has_stock", LIST_BOOL, " AND p.in_stock > 0", " AND p.in_stock = 0",
	  NULL, NULL },
	{ "low_stock", LIST_BOOL, " AND p.minimum_stock > 0 AND "
	  "p.in_stock < p.minimum_stock", " AND NOT (p.minimum_stock > 0 AND "
	  "p.in_stock < p.minimum_stock)", NULL, NULL },
	{ "has_IPN", LIST_BOOL, " AND p.IPN <> ''", " AND p.IPN = ''",
	  NULL, NULL },
	{ "IPN", LIST_TEXT, " AND p.IPN = ?", NULL, NULL, NULL },
	{ "name", LIST_TEXT, " AND p.name = ?", NULL, NULL, NULL },
	{ "revision", LIST_TEXT, " AND p.revision = ?", NULL, NULL, NULL },
};

static const struct list_order part_orders[] = {
	{ "name", "p.name, p.id", "p.name DESC, p.id DESC" },
	{ "IPN", "p.IPN, p.id", "p.IPN DESC, p.id DESC" },
	{ "pk", "p.id", "p.id DESC" },
	{ "id", "p.id", "p.id DESC" },
	{ "creation_date", "p.creation_date, p.id",
	  "p.creation_date DESC, p.id DESC" },
	{ "in_stock", "p.in_stock, p.id", "p.in_stock DESC, p.id DESC" },
	{ "total_in_stock", "p.in_stock, p.id", "p.in_stock DESC, p.id DESC" },
	{ "unallocated_stock", "p.in_stock, p.id",
	  "p.in_stock DESC, p.id DESC" },
	{ "minimum_stock", "p.minimum_stock, p.id",
	  "p.minimum_stock DESC, p.id DESC" },
	{ "category", "p.category, p.id", "p.category DESC, p.id DESC" },
	{ "revision", "p.revision, p.id", "p.revision DESC, p.id DESC" },
};

/* Name, IPN, description and keywords through the trigram index, or the
 * category's name. */
static const struct list_search part_search = {
	" AND (p.id IN (SELECT rowid FROM part_fts WHERE part_fts MATCH ? "
	"AND trigram_at(part_fts, ?)) OR p.category IN (SELECT id FROM "
	"part_category WHERE name LIKE ? ESCAPE '\\'))", 1, 1,
	" AND (p.name LIKE ? ESCAPE '\\' OR p.IPN LIKE ? ESCAPE '\\' OR "
	"p.description LIKE ? ESCAPE '\\' OR p.keywords LIKE ? ESCAPE '\\' OR "
	"p.category IN (SELECT id FROM part_category WHERE name LIKE ? "
	"ESCAPE '\\'))", 5, NULL,
};

/* ?category_detail=true */
static int
part_view_flags(struct ctx *ctx, struct part_view *view)
{
	memset(view, 0, sizeof(*view));
	return list_flag(ctx, "category_detail", false,
	    &view->category_detail);
}

/* GET /api/part/ */
static int
part_list(struct ctx *ctx)
{
	struct part_view view;
	struct list_q q;
	bool cascade;
	int rc;

	list_init(&q, ctx, "p.name, p.id");
	list_keyed(&q, "SELECT p.id FROM part p WHERE 1", " AND p.id IN (");
	if ((rc = part_view_flags(ctx, &view)) != 0 ||
	    (rc = list_flag(ctx, "cascade", true, &cascade)) != 0 ||
	    (rc = list_filters(&q, part_filters, NELEM(part_filters),
	    cascade)) != 0 ||
	    (rc = list_user_flag(&q, "starred", star_part_filter,
	    star_part_filter_not)) != 0 ||
	    (rc = list_search(&q, &part_search)) != 0 ||
	    (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, part_orders, NELEM(part_orders));
	return list_run(&q, part_select, part_count, part_json, &view);
}

/* GET /api/part/<pk>/ */
static int
part_detail(struct ctx *ctx)
{
	struct part_view view;
	int rc, status;

	if ((rc = part_view_flags(ctx, &view)) != 0)
		return rc;
	cJSON *o = part_get(ctx, route_param_id(ctx, "pk"), &view, &status);
	return o != NULL ? resp_json(ctx, 200, o) : status;
}

/*
 * GET /api/part/<pk>/requirements/ (inventree-python's
 * Part.getRequirements()): InvenTree's stock requirements of the part.
 * Stockroom has no builds, orders or bills of materials, so nothing is
 * required, allocated, on order or buildable; the stock is the part's.
 */
static int
part_requirements(struct ctx *ctx)
{
	static const char *const zero[] = { "can_build", "ordering",
	    "building", "scheduled_to_build", "required_for_build_orders",
	    "allocated_to_build_orders", "required_for_sales_orders",
	    "allocated_to_sales_orders" };
	struct part_view view = { 0 };
	int status;

	cJSON *p = part_get(ctx, route_param_id(ctx, "pk"), &view, &status);
	if (p == NULL)
		return status;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "total_stock", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "total_in_stock"), true));
	cJSON_AddItemToObject(o, "unallocated_stock", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "unallocated_stock"), true));
	for (size_t i = 0; i < NELEM(zero); i++)
		cJSON_AddItemToObject(o, zero[i], dec_json(0));
	cJSON_Delete(p);
	return resp_json(ctx, 200, o);
}

/* Category exists and is not structural; location exists; identity free. */
static int
part_validate(struct ctx *ctx, long long id, struct field_val *v)
{
	bool structural;
	int rc;

	if (!v[PF_CATEGORY].null) {
		rc = tree_exists(ctx, TREE_CATEGORY, v[PF_CATEGORY].i,
		    &structural);
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0)
			return resp_field_error(ctx, "category", "Invalid pk "
			    "\"%lld\" - object does not exist.",
			    v[PF_CATEGORY].i);
		if (structural)
			return resp_field_error(ctx, "category", "Parts cannot "
			    "be assigned to structural part categories!");
	}
	if (!v[PF_DEFAULT_LOCATION].null) {
		rc = tree_exists(ctx, TREE_LOCATION, v[PF_DEFAULT_LOCATION].i,
		    NULL);
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0)
			return resp_field_error(ctx, "default_location",
			    "Invalid pk \"%lld\" - object does not exist.",
			    v[PF_DEFAULT_LOCATION].i);
	}
	sqlite3_stmt *st = db_prepare(ctx, part_sql_dup);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(st, 1, v[PF_NAME].s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v[PF_IPN].s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v[PF_REVISION].s, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		return resp_field_error(ctx, "non_field_errors", "Part with "
		    "this Name, IPN and Revision already exists.");
	return 0;
}

/*
 * initial_stock {"quantity", "location"}: the new part's first stock item,
 * at the given location, else the part's, else its category's default.
 */
static int
part_initial_stock(struct ctx *ctx, const cJSON *body, long long part,
    const struct field_val *v)
{
	const cJSON *is = cJSON_GetObjectItemCaseSensitive(body,
	    "initial_stock");
	long long q = 0, loc = 0, sid;
	int rc;

	if (is == NULL || cJSON_IsNull(is))
		return 0;
	if (!cJSON_IsObject(is))
		return resp_field_error(ctx, "initial_stock", "Invalid data. "
		    "Expected a dictionary.");
	enum dec_err de = dec_from_json(cJSON_GetObjectItemCaseSensitive(is,
	    "quantity"), &q);
	if (de != DEC_OK || q < 0) {
		cJSON *e = cJSON_CreateObject(), *in = cJSON_CreateObject();
		cJSON *a = cJSON_AddArrayToObject(in, "quantity");
		cJSON_AddItemToArray(a, cJSON_CreateString(de != DEC_OK ?
		    dec_strerror(de) : "Ensure this value is greater than or "
		    "equal to 0."));
		cJSON_AddItemToObject(e, "initial_stock", in);
		return resp_field_errors(ctx, e);
	}
	if (q == 0)
		return 0;
	const cJSON *jl = cJSON_GetObjectItemCaseSensitive(is, "location");
	if (jl != NULL && !cJSON_IsNull(jl)) {
		bool structural = false;
		if (cJSON_IsNumber(jl) && jl->valuedouble >= 1 &&
		    jl->valuedouble < 1e15)
			loc = (long long)jl->valuedouble;
		else if (!cJSON_IsString(jl) ||
		    !txt_parse_int64(jl->valuestring, 1, 999999999999999LL,
		    &loc))
			loc = -1;
		rc = loc > 0 ? tree_exists(ctx, TREE_LOCATION, loc,
		    &structural) : 0;
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0 || structural) {
			cJSON *e = cJSON_CreateObject(), *in =
			    cJSON_CreateObject();
			cJSON *a = cJSON_AddArrayToObject(in, "location");
			cJSON_AddItemToArray(a, cJSON_CreateString(structural ?
			    "Stock items cannot be located into structural "
			    "stock locations!" : "Invalid pk - object does not "
			    "exist."));
			cJSON_AddItemToObject(e, "initial_stock", in);
			return resp_field_errors(ctx, e);
		}
	} else if (!v[PF_DEFAULT_LOCATION].null)
		loc = v[PF_DEFAULT_LOCATION].i;
	else if (!v[PF_CATEGORY].null) {
		sqlite3_stmt *st = db_prepare(ctx, part_sql_category_location);
		if (st == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(st, 1, v[PF_CATEGORY].i);
		if (sqlite3_step(st) == SQLITE_ROW)
			loc = sqlite3_column_int64(st, 0);
	}
	return stock_insert(ctx, part, loc, q, "Initial stock", &sid);
}

/* POST /api/part/ */
static int
part_create(struct ctx *ctx)
{
	struct field_val v[PF__N];
	const cJSON *body;
	int rc;

	field_defaults(part_fields, PF__N, v);
	if ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = field_parse(ctx, body, part_fields, PF__N, v, true)) != 0 ||
	    (rc = db_begin(ctx)) != 0)
		return rc;
	long long id = 0;
	rc = part_validate(ctx, 0, v);
	if (rc == 0) {
		sqlite3_stmt *st = db_prepare(ctx, part_sql_insert);
		if (st == NULL)
			rc = ctx->resp.status;
		else {
			field_bind_all(st, 1, part_fields, PF__N, v);
			rc = field_step(ctx, st, "part insert");
			id = sqlite3_last_insert_rowid(ctx->db);
		}
	}
	if (rc == 0)
		rc = part_fts_sync(ctx, id);
	if (rc == 0)
		rc = part_initial_stock(ctx, body, id, v);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	int status;
	cJSON *o = part_get(ctx, id, NULL, &status);
	return o != NULL ? resp_json(ctx, 201, o) : status;
}

/* PUT/PATCH /api/part/<pk>/ */
static int
part_update(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	bool put = strcmp(ctx->req.method, "PUT") == 0;
	struct field_val v[PF__N];
	const cJSON *body;
	const char *image = NULL, *thumb = NULL;	/* a new image */
	int rc;

	if ((rc = req_data(ctx, &body)) != 0)
		return rc;
	struct req_file *img = req_file(ctx, "image");
	if ((img != NULL && (rc = image_store(ctx, img, "image", &image,
	    &thumb)) != 0) || (rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *ld = db_prepare(ctx, part_sql_load);
	if (ld == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(ld, 1, id);
	if (sqlite3_step(ld) != SQLITE_ROW) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No Part matches the given query.");
	}
	field_load(ctx, ld, 0, part_fields, PF__N, v);
	long long minimum = v[PF_MINIMUM_STOCK].i;
	rc = field_parse(ctx, body, part_fields, PF__N, v, put);
	if (rc == 0)
		rc = part_validate(ctx, id, v);
	if (rc == 0) {
		sqlite3_stmt *st = db_prepare(ctx, part_sql_update);
		if (st == NULL)
			rc = ctx->resp.status;
		else {
			field_bind_all(st, 1, part_fields, PF__N, v);
			sqlite3_bind_int64(st, PF__N + 1, id);
			rc = field_step(ctx, st, "part update");
		}
	}
	if (rc == 0)
		rc = part_fts_sync(ctx, id);
	if (rc == 0 && v[PF_MINIMUM_STOCK].i != minimum)
		rc = event_emit(ctx, EVENT_STOCK_CHANGED, id);
	if (rc == 0)
		rc = star_apply(ctx, body, STAR_PART, id);
	if (rc == 0 && image != NULL)
		rc = image_set_part(ctx, id, image, thumb);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	if (image != NULL)
		media_sweep(ctx, 16);	/* the image it replaced */
	int status;
	cJSON *o = part_get(ctx, id, NULL, &status);
	return o != NULL ? resp_json(ctx, 200, o) : status;
}

/*
 * DELETE /api/part/<pk>/: as InvenTree, an active part cannot be deleted
 * (mark it inactive first); an inactive one goes with its stock items and
 * their history.
 */
static int
part_delete(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, part_sql_active);
	sqlite3_stmt *fts = db_prepare(ctx, part_sql_delete_fts);
	sqlite3_stmt *del = db_prepare(ctx, part_sql_delete);
	if (st == NULL || fts == NULL || del == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_rollback(ctx);
		return rc == SQLITE_DONE ? resp_error(ctx, 404, "No Part "
		    "matches the given query.") : db_fail(ctx, "part get");
	}
	if (sqlite3_column_int(st, 0) != 0) {
		db_rollback(ctx);
		return resp_field_error(ctx, "non_field_errors", "Cannot "
		    "delete this part as it is still active");
	}
	sqlite3_bind_int64(fts, 1, id);
	sqlite3_bind_int64(del, 1, id);
	if ((rc = field_step(ctx, fts, "part delete")) != 0 ||
	    (rc = field_step(ctx, del, "part delete")) != 0 ||
	    (rc = part_fts_sync(ctx, id)) != 0 ||
	    (rc = event_emit(ctx, EVENT_PART_DELETED, id)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

/* GET, PUT, PATCH part/category/<pk>/metadata/ and part/<pk>/metadata/ */
static int
cat_metadata(struct ctx *ctx)
{
	return metadata_handle(ctx, META_CATEGORY);
}

static int
part_metadata(struct ctx *ctx)
{
	return metadata_handle(ctx, META_PART);
}

/* ---- OPTIONS: the fields, for inventree-python's fieldNames() ------ */

static const struct field cat_read_only[] = {
	{ "pk", FIELD_ID, 0, false, false, 0 },
	{ "pathstring", FIELD_TEXT, 0, false, false, 0 },
	{ "level", FIELD_ID, 0, false, false, 0 },
	{ "part_count", FIELD_ID, 0, false, false, 0 },
	{ "subcategories", FIELD_ID, 0, false, false, 0 },
};
static const struct field part_read_only[] = {
	{ "pk", FIELD_ID, 0, false, false, 0 },
	{ "full_name", FIELD_TEXT, 0, false, false, 0 },
	{ "image", FIELD_TEXT, 0, false, false, 0 },
	{ "thumbnail", FIELD_TEXT, 0, false, false, 0 },
	{ "creation_date", FIELD_DATE, 0, false, false, 0 },
	{ "in_stock", FIELD_DEC, 0, false, false, 0 },
	{ "total_in_stock", FIELD_DEC, 0, false, false, 0 },
	{ "unallocated_stock", FIELD_DEC, 0, false, false, 0 },
	{ "stock_item_count", FIELD_ID, 0, false, false, 0 },
};
static const struct field_set cat_field_set = {
	cat_fields, NELEM(cat_fields), cat_read_only, NELEM(cat_read_only) };
static const struct field_set part_field_set = {
	part_fields, NELEM(part_fields), part_read_only, NELEM(part_read_only) };

static const struct field_set *
part_field_sets(const struct route *first)
{
	if (strcmp(first->pattern, "/api/part/category/") == 0 ||
	    strcmp(first->pattern, "/api/part/category/<pk>/") == 0)
		return &cat_field_set;
	if (strcmp(first->pattern, "/api/part/") == 0 ||
	    strcmp(first->pattern, "/api/part/<pk>/") == 0)
		return &part_field_set;
	return NULL;
}

static const struct route part_routes[] = {
	{ "GET", "/api/part/category/", "part_category", PERM_METHOD,
	  cat_list, "List part categories", 0 },
	{ "POST", "/api/part/category/", "part_category", PERM_METHOD,
	  cat_create, "Create a part category", 0 },
	{ "GET", "/api/part/category/tree/", "part_category", PERM_METHOD,
	  cat_tree, "Part category tree", 0 },
	{ "GET", "/api/part/category/<pk>/", "part_category", PERM_METHOD,
	  cat_detail, "A part category", 0 },
	{ "PUT", "/api/part/category/<pk>/", "part_category", PERM_METHOD,
	  cat_update, "Replace a part category", 0 },
	{ "PATCH", "/api/part/category/<pk>/", "part_category", PERM_METHOD,
	  cat_update, "Change a part category", 0 },
	{ "DELETE", "/api/part/category/<pk>/", "part_category", PERM_METHOD,
	  cat_delete, "Delete a part category", 0 },
	{ "GET", "/api/part/", "part", PERM_METHOD, part_list,
	  "List parts", 0 },
	{ "POST", "/api/part/", "part", PERM_METHOD, part_create,
	  "Create a part", 0 },
	{ "GET", "/api/part/<pk>/", "part", PERM_METHOD, part_detail,
	  "A part", 0 },
	{ "PUT", "/api/part/<pk>/", "part", PERM_METHOD, part_update,
	  "Replace a part", 0 },
	{ "PATCH", "/api/part/<pk>/", "part", PERM_METHOD, part_update,
	  "Change a part", 0 },
	{ "DELETE", "/api/part/<pk>/", "part", PERM_METHOD, part_delete,
	  "Delete a part", 0 },
	{ "GET", "/api/part/<pk>/requirements/", "part", PERM_METHOD,
	  part_requirements, "Stock requirements of a part", 0 },
	{ "GET", "/api/part/category/<pk>/metadata/", "part_category",
	  PERM_METHOD, cat_metadata, "Metadata of a part category", 0 },
	{ "PUT", "/api/part/category/<pk>/metadata/", "part_category",
	  PERM_METHOD, cat_metadata, "Replace the metadata of a category", 0 },
	{ "PATCH", "/api/part/category/<pk>/metadata/", "part_category",
	  PERM_METHOD, cat_metadata, "Merge into the metadata of a category",
	  0 },
	{ "GET", "/api/part/<pk>/metadata/", "part", PERM_METHOD,
	  part_metadata, "Metadata of a part", 0 },
	{ "PUT", "/api/part/<pk>/metadata/", "part", PERM_METHOD,
	  part_metadata, "Replace the metadata of a part", 0 },
	{ "PATCH", "/api/part/<pk>/metadata/", "part", PERM_METHOD,
	  part_metadata, "Merge into the metadata of a part", 0 },
};

static const struct program part_program = PROGRAM_FIELDS("part",
    part_routes, part_field_sets);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &part_program);
}
