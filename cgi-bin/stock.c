/*
 * stock.cgi: stock locations (/api/stock/location/...), stock items
 * (/api/stock/...), status codes, adjustments (count/add/remove/transfer,
 * change_status) and tracking history (/api/stock/track/), as InvenTree
 * serves them.
 * The rules live in lib/stock.c and lib/tree.c; lists in lib/list.c.
 */
#include <string.h>

#include "stockroom.h"
#include "dec.h"
#include "field.h"
#include "list.h"
#include "files/metadata.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "inventory/tree.h"
#include "inventory/treeapi.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ID_MAX		999999999999999LL

/* ---- locations ----------------------------------------------------- */

static const struct field loc_fields[] = {
	{ "name", FIELD_TEXT, 100, true, false, 0 },
	{ "description", FIELD_TEXT, 250, false, false, 0 },
	{ "parent", FIELD_ID, 0, false, true, 0 },
	{ "structural", FIELD_BOOL, 0, false, false, 0 },
	{ "external", FIELD_BOOL, 0, false, false, 0 },
	{ "icon", FIELD_TEXT, 100, false, false, 0 },
};
enum { LF_NAME, LF_DESCRIPTION, LF_PARENT, LF_STRUCTURAL, LF_EXTERNAL,
	LF_ICON, LF__N };

static const char loc_sql_load[] =
    "SELECT name, description, parent, structural, external, icon "
    "FROM stock_location WHERE id = ?";
static const char loc_sql_insert[] =
    "INSERT INTO stock_location (name, description, parent, structural, "
    "external, icon) VALUES (?, ?, ?, ?, ?, ?)";
static const char loc_sql_update[] =
    "UPDATE stock_location SET name = ?1, description = ?2, parent = ?3, "
    "structural = ?4, external = ?5, icon = ?6 WHERE id = ?7";
static const char loc_sql_dup[] =
    "SELECT 1 FROM stock_location WHERE ifnull(parent, 0) = ?1 AND "
    "name = ?2 AND id <> ?3";
static const char loc_sql_has_items[] =
    "SELECT 1 FROM stock_item WHERE location = ? LIMIT 1";
static const char loc_sql_exists[] =
    "SELECT 1 FROM stock_location WHERE id = ?";
static const char loc_tree_select[] =
    "SELECT l.id, l.name, l.parent, l.level, l.icon, l.structural, "
    "(SELECT count(*) FROM stock_location d WHERE d.parent = l.id) "
    "FROM stock_location l WHERE 1";

static const struct list_filter loc_filters[] = {
	{ "parent", LIST_ID, " AND l.parent = ?", " AND l.parent IS NULL",
	  loc_sql_exists, " AND l.path > (SELECT path FROM stock_location "
	  "WHERE id = ?) AND l.path < (SELECT path || '~' FROM "
	  "stock_location WHERE id = ?)" },
	{ "top_level", LIST_BOOL, " AND l.parent IS NULL",
	  " AND l.parent IS NOT NULL", NULL, NULL },
	{ "structural", LIST_BOOL, " AND l.structural = 1",
	  " AND l.structural = 0", NULL, NULL },
	{ "external", LIST_BOOL, " AND l.external = 1",
	  " AND l.external = 0", NULL, NULL },
	{ "name", LIST_TEXT, " AND l.name = ?", NULL, NULL, NULL },
	{ "level", LIST_INT, " AND l.level = ?", NULL, NULL, NULL },
};

static const struct list_order loc_orders[] = {
	{ "name", "l.name, l.id", "l.name DESC, l.id DESC" },
	{ "pathstring", "l.pathstring, l.id", "l.pathstring DESC, l.id DESC" },
	{ "level", "l.level, l.id", "l.level DESC, l.id DESC" },
	{ "pk", "l.id", "l.id DESC" },
	{ "id", "l.id", "l.id DESC" },
	{ "items", "10, l.id", "10 DESC, l.id DESC" },
};

static const struct list_search loc_search = {
	" AND (l.name LIKE ? ESCAPE '\\' OR l.description LIKE ? ESCAPE '\\' "
	"OR l.pathstring LIKE ? ESCAPE '\\')", 0, 3,
	" AND (l.name LIKE ? ESCAPE '\\' OR l.description LIKE ? ESCAPE '\\' "
	"OR l.pathstring LIKE ? ESCAPE '\\')", 3, NULL,
};

static const char loc_depth_below[] =
    " AND l.level <= (SELECT level FROM stock_location WHERE id = ?) + ?";
static const char loc_depth_top[] = " AND l.level <= ?";

_Static_assert(LF__N <= TREE_API_FIELDS_MAX, "too many fields");

static const struct tree_api loc_api = {
	.kind = TREE_LOCATION,
	.model = "StockLocation",
	.fields = loc_fields,
	.nfields = LF__N,
	.f_name = LF_NAME,
	.f_parent = LF_PARENT,
	.f_structural = LF_STRUCTURAL,
	.f_location = -1,
	.sql_load = loc_sql_load,
	.sql_insert = loc_sql_insert,
	.sql_update = loc_sql_update,
	.sql_dup = loc_sql_dup,
	.sql_has_contents = loc_sql_has_items,
	.structural_msg = "You cannot make this stock location structural "
	    "because some stock items are already located into it!",
	.what_insert = "location insert",
	.what_update = "location update",
	.order_default = "l.pathstring, l.id",
	.filters = loc_filters,
	.nfilters = NELEM(loc_filters),
	.search = &loc_search,
	.orders = loc_orders,
	.norders = NELEM(loc_orders),
	.depth_below = loc_depth_below,
	.depth_top = loc_depth_top,
	.select = location_select,
	.count = location_count,
	.json = location_json,
	.tree_select = loc_tree_select,
	.tree_children = "sublocations",
	.get = location_get,
	.delete_contents = "delete_stock_items",
	.delete_children = "delete_sub_locations",
};

/* GET /api/stock/location/ */
static int
loc_list(struct ctx *ctx)
{
	return tree_api_list(ctx, &loc_api);
}

/* GET /api/stock/location/tree/ */
static int
loc_tree(struct ctx *ctx)
{
	return tree_api_tree(ctx, &loc_api);
}

/* GET /api/stock/location/<pk>/ */
static int
loc_detail(struct ctx *ctx)
{
	return tree_api_detail(ctx, &loc_api);
}

/* POST /api/stock/location/ */
static int
loc_create(struct ctx *ctx)
{
	return tree_api_create(ctx, &loc_api);
}

/* PUT/PATCH /api/stock/location/<pk>/ */
static int
loc_update(struct ctx *ctx)
{
	return tree_api_update(ctx, &loc_api);
}

/* DELETE /api/stock/location/<pk>/ */
static int
loc_delete(struct ctx *ctx)
{
	return tree_api_delete(ctx, &loc_api);
}

/* ---- status codes -------------------------------------------------- */

/* GET /api/stock/status/: InvenTree's StockStatus class and values. */
static int
stock_status_list(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "class", "StockStatus");
	cJSON_AddStringToObject(o, "status_class", "StockStatus");
	cJSON *vals = cJSON_AddObjectToObject(o, "values");
	for (int i = 0; i < stock_statuses_count; i++) {
		const struct stock_status *s = &stock_statuses[i];
		cJSON *v = cJSON_AddObjectToObject(vals, s->key);
		cJSON_AddNumberToObject(v, "key", s->code);
		cJSON_AddStringToObject(v, "name", s->key);
		cJSON_AddStringToObject(v, "label", s->label);
		cJSON_AddStringToObject(v, "color", s->color);
		cJSON_AddBoolToObject(v, "in_stock", s->in_stock);
	}
	return resp_json(ctx, 200, o);
}

/* ---- stock items --------------------------------------------------- */

static const struct field stock_fields[] = {
	{ "part", FIELD_ID, 0, true, false, 0 },
	{ "location", FIELD_ID, 0, false, true, 0 },
	{ "quantity", FIELD_DEC, 0, true, false, 0 },
	{ "batch", FIELD_TEXT, 100, false, false, 0 },
	{ "serial", FIELD_TEXT, 100, false, false, 0 },
	{ "status", FIELD_STATUS, 0, false, false, 10 },
	{ "notes", FIELD_NOTES, 50000, false, false, 0 },
	{ "packaging", FIELD_TEXT, 50, false, false, 0 },
	{ "link", FIELD_TEXT, 2000, false, false, 0 },
	{ "expiry_date", FIELD_DATE, 0, false, true, 0 },
	{ "purchase_price", FIELD_DEC, 0, false, true, 0 },
	{ "purchase_price_currency", FIELD_TEXT, 3, false, false, 0 },
	{ "delete_on_deplete", FIELD_BOOL, 0, false, false, 0 },
};
enum { SF_PART, SF_LOCATION, SF_QUANTITY, SF_BATCH, SF_SERIAL, SF_STATUS,
	SF_NOTES, SF_PACKAGING, SF_LINK, SF_EXPIRY, SF_PRICE, SF_CURRENCY,
	SF_DEPLETE, SF__N };

static const char stock_sql_load[] =
    "SELECT part, location, quantity, batch, serial, status, notes, "
    "packaging, link, expiry_date, purchase_price, purchase_price_currency, "
    "delete_on_deplete FROM stock_item WHERE id = ?";
static const char stock_sql_insert[] =
    "INSERT INTO stock_item (part, location, quantity, batch, serial, "
    "status, notes, packaging, link, expiry_date, purchase_price, "
    "purchase_price_currency, delete_on_deplete) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char stock_sql_update[] =
    "UPDATE stock_item SET part = ?1, location = ?2, quantity = ?3, "
    "batch = ?4, serial = ?5, status = ?6, notes = ?7, packaging = ?8, "
    "link = ?9, expiry_date = ?10, purchase_price = ?11, "
    "purchase_price_currency = ?12, delete_on_deplete = ?13, "
    "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?14";
static const char stock_sql_part[] =
    "SELECT default_location FROM part WHERE id = ?";
static const char stock_sql_serial_dup[] =
    "SELECT 1 FROM stock_item WHERE part = ?1 AND serial = ?2 AND "
    "serial <> '' AND id <> ?3";
static const char stock_sql_deplete_default[] =
    "SELECT value IN ('1', 'true', 'True') FROM setting "
    "WHERE key = 'STOCK_DELETE_DEPLETED_DEFAULT'";
static const char stock_sql_exists[] = "SELECT 1 FROM stock_item WHERE id = ?";
static const char part_sql_exists[] = "SELECT 1 FROM part WHERE id = ?";
static const char cat_sql_exists[] = "SELECT 1 FROM part_category WHERE id = ?";
static const char user_sql_exists[] = "SELECT 1 FROM users WHERE id = ?";

/* The condition of the partial index stock_item_in_stock (migration 0007),
 * word for word, so that the planner can use it. */
#define STOCK_IN_STOCK " +s.status IN (10, 50, 55, 85) AND s.quantity > 0"

static const struct list_filter stock_filters[] = {
	{ "part", LIST_ID, " AND s.part = ?", NULL, part_sql_exists, NULL },
	{ "location", LIST_ID, " AND s.location = ?",
	  " AND s.location IS NULL", loc_sql_exists,
	  " AND s.location IN (SELECT d.id FROM stock_location l1, "
	  "stock_location d WHERE l1.id = ? AND d.path >= l1.path AND "
	  "d.path < l1.path || '~')" },
	{ "category", LIST_ID, " AND s.part IN (SELECT q.id FROM "
	  "part_category c1, part_category d, part q WHERE c1.id = ? AND "
	  "d.path >= c1.path AND d.path < c1.path || '~' AND "
	  "q.category = d.id)", NULL, cat_sql_exists, NULL },
	{ "parent", LIST_ID, " AND s.parent = ?", NULL, stock_sql_exists,
	  NULL },
	{ "status", LIST_STATUS, " AND s.status = ?", NULL, NULL, NULL },
	{ "in_stock", LIST_BOOL, " AND" STOCK_IN_STOCK,
	  " AND NOT (" STOCK_IN_STOCK ")", NULL, NULL },
	{ "batch", LIST_TEXT, " AND s.batch = ?", NULL, NULL, NULL },
	{ "serial", LIST_TEXT, " AND s.serial = ?", NULL, NULL, NULL },
	{ "has_batch", LIST_BOOL, " AND s.batch <> ''", " AND s.batch = ''",
	  NULL, NULL },
	{ "serialized", LIST_BOOL, " AND s.serial <> ''", " AND s.serial = ''",
	  NULL, NULL },
	{ "updated_before", LIST_DATE,
	  " AND s.updated < date(?, '+1 day')", NULL, NULL, NULL },
	{ "updated_after", LIST_DATE, " AND s.updated >= ?", NULL, NULL,
	  NULL },
	{ "expiry_date_lte", LIST_DATE, " AND s.expiry_date <= ?", NULL,
	  NULL, NULL },
	{ "expiry_date_gte", LIST_DATE, " AND s.expiry_date >= ?", NULL,
	  NULL, NULL },
	{ "active", LIST_BOOL, " AND s.part IN (SELECT id FROM part WHERE "
	  "active = 1)", " AND s.part IN (SELECT id FROM part WHERE "
	  "active = 0)", NULL, NULL },
};

static const struct list_order stock_orders[] = {
	{ "pk", "s.id", "s.id DESC" },
	{ "id", "s.id", "s.id DESC" },
	{ "part", "s.part, s.id", "s.part DESC, s.id DESC" },
	{ "part__name", "(SELECT name FROM part WHERE id = s.part), s.id",
	  "(SELECT name FROM part WHERE id = s.part) DESC, s.id DESC" },
	{ "quantity", "s.quantity, s.id", "s.quantity DESC, s.id DESC" },
	{ "location", "(SELECT pathstring FROM stock_location WHERE id = "
	  "s.location), s.id", "(SELECT pathstring FROM stock_location WHERE "
	  "id = s.location) DESC, s.id DESC" },
	{ "status", "s.status, s.id", "s.status DESC, s.id DESC" },
	{ "updated", "s.updated, s.id", "s.updated DESC, s.id DESC" },
	{ "stocktake_date", "s.stocktake_date, s.id",
	  "s.stocktake_date DESC, s.id DESC" },
	{ "batch", "s.batch, s.id", "s.batch DESC, s.id DESC" },
	{ "serial", "s.serial, s.id", "s.serial DESC, s.id DESC" },
	{ "expiry_date", "s.expiry_date, s.id",
	  "s.expiry_date DESC, s.id DESC" },
};

/* Batch, serial and notes, the part's text, or the location's name. */
static const struct list_search stock_search = {
	" AND (s.id IN (SELECT rowid FROM stock_item_fts WHERE stock_item_fts "
	"MATCH ? AND trigram_at(stock_item_fts, ?)) OR s.part IN (SELECT "
	"rowid FROM part_fts WHERE part_fts MATCH ? AND "
	"trigram_at(part_fts, ?)) OR s.location IN (SELECT id FROM stock_location WHERE "
	"name LIKE ? ESCAPE '\\'))", 2, 1,
	" AND (s.batch LIKE ? ESCAPE '\\' OR s.serial LIKE ? ESCAPE '\\' OR "
	"s.part IN (SELECT id FROM part WHERE name LIKE ? ESCAPE '\\' OR "
	"IPN LIKE ? ESCAPE '\\') OR s.location IN (SELECT id FROM "
	"stock_location WHERE name LIKE ? ESCAPE '\\'))", 5,
	/* Sorted matches: scanning every item in id order to find a few
	 * matches is what "+" keeps the planner from doing. */
	"+s.id",
};

static int
stock_view_flags(struct ctx *ctx, struct stock_view *view)
{
	int rc;

	memset(view, 0, sizeof(*view));
	if ((rc = list_flag(ctx, "part_detail", false,
	    &view->part_detail)) != 0)
		return rc;
	return list_flag(ctx, "location_detail", false,
	    &view->location_detail);
}

/* GET /api/stock/ */
static int
stock_list(struct ctx *ctx)
{
	struct stock_view view;
	struct list_q q;
	bool cascade;
	int rc;

	list_init(&q, ctx, "s.id");
	list_keyed(&q, "SELECT s.id FROM stock_item s WHERE 1",
	    " AND s.id IN (");
	if ((rc = stock_view_flags(ctx, &view)) != 0 ||
	    (rc = list_flag(ctx, "cascade", true, &cascade)) != 0 ||
	    (rc = list_filters(&q, stock_filters, NELEM(stock_filters),
	    cascade)) != 0 ||
	    (rc = list_search(&q, &stock_search)) != 0 ||
	    (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, stock_orders, NELEM(stock_orders));
	return list_run(&q, stock_select, stock_count, stock_json, &view);
}

/* GET /api/stock/<pk>/ */
static int
stock_detail(struct ctx *ctx)
{
	struct stock_view view;
	int rc, status;

	if ((rc = stock_view_flags(ctx, &view)) != 0)
		return rc;
	cJSON *o = stock_get(ctx, route_param_id(ctx, "pk"), &view, &status);
	return o != NULL ? resp_json(ctx, 200, o) : status;
}

/* Part and location exist (location not structural); serial rules. */
static int
stock_validate(struct ctx *ctx, long long id, struct field_val *v)
{
	bool structural = false;
	int rc;

	sqlite3_stmt *ps = db_prepare(ctx, part_sql_exists);
	if (ps == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(ps, 1, v[SF_PART].i);
	if (sqlite3_step(ps) != SQLITE_ROW)
		return resp_field_error(ctx, "part", "Invalid pk \"%lld\" - "
		    "object does not exist.", v[SF_PART].i);
	if (!v[SF_LOCATION].null) {
		rc = tree_exists(ctx, TREE_LOCATION, v[SF_LOCATION].i,
		    &structural);
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0)
			return resp_field_error(ctx, "location", "Invalid pk "
			    "\"%lld\" - object does not exist.",
			    v[SF_LOCATION].i);
		if (structural)
			return resp_field_error(ctx, "location", "Stock items "
			    "cannot be located into structural stock "
			    "locations!");
	}
	if (v[SF_SERIAL].s[0] != '\0') {
		if (v[SF_QUANTITY].i != DEC_SCALE)
			return resp_field_error(ctx, "quantity", "Quantity "
			    "must be 1 for item with a serial number");
		sqlite3_stmt *sd = db_prepare(ctx, stock_sql_serial_dup);
		if (sd == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(sd, 1, v[SF_PART].i);
		sqlite3_bind_text(sd, 2, v[SF_SERIAL].s, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sd, 3, id);
		if (sqlite3_step(sd) == SQLITE_ROW)
			return resp_field_error(ctx, "serial", "Serial number "
			    "already exists");
	}
	return 0;
}

#define SERIALS_MAX	1000

/* The item's part exists (400 naming "part" if not). */
static int
stock_part_exists(struct ctx *ctx, const struct field_val *v)
{
	sqlite3_stmt *ps = db_prepare(ctx, part_sql_exists);

	if (ps == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(ps, 1, v[SF_PART].i);
	if (sqlite3_step(ps) != SQLITE_ROW)
		return resp_field_error(ctx, "part", "Invalid pk \"%lld\" - "
		    "object does not exist.", v[SF_PART].i);
	return 0;
}

static const char stock_sql_trackable[] =
    "SELECT trackable FROM part WHERE id = ?";

/*
 * InvenTree's serial_numbers on create ("1005,1006", "1-5", separated by
 * commas or spaces): fills *out with the distinct serials, which must be
 * as many as the quantity, for a trackable part, and none taken yet.
 * Returns 0, or 400 with InvenTree's messages.
 */
static int
stock_serials(struct ctx *ctx, const char *text, const struct field_val *v,
    const char ***out, int *n)
{
	const char **serials = mem_alloc(&ctx->mem, SERIALS_MAX *
	    sizeof(*serials));
	char *copy = mem_strdup(&ctx->mem, text), *save = NULL;
	int k = 0;

	sqlite3_stmt *tr = db_prepare(ctx, stock_sql_trackable);
	if (tr == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(tr, 1, v[SF_PART].i);
	if (sqlite3_step(tr) == SQLITE_ROW && sqlite3_column_int(tr, 0) == 0)
		return resp_field_error(ctx, "serial_numbers", "Serial numbers "
		    "cannot be supplied for a non-trackable part");
	for (char *t = strtok_r(copy, ", \t", &save); t != NULL;
	    t = strtok_r(NULL, ", \t", &save)) {
		long long a, b;
		char *dash = strchr(t + 1, '-');
		if (dash != NULL) {
			*dash = '\0';
			if (!txt_parse_int64(t, 0, 999999999999999LL, &a) ||
			    !txt_parse_int64(dash + 1, 0, 999999999999999LL, &b) ||
			    b < a || b - a >= SERIALS_MAX - k) {
				*dash = '-';
				return resp_field_error(ctx, "serial_numbers",
				    "Invalid group: %s", t);
			}
		} else
			a = b = -1;
		for (long long i = a; i <= b; i++) {
			const char *sn = dash != NULL ?
			    mem_printf(&ctx->mem, "%lld", i) : t;
			bool dup = false;
			for (int j = 0; j < k && !dup; j++)
				dup = strcmp(serials[j], sn) == 0;
			if (dup)
				continue;
			if (k == SERIALS_MAX || strlen(sn) > 100)
				return resp_field_error(ctx, "serial_numbers",
				    "Invalid group: %s", sn);
			serials[k++] = sn;
		}
	}
	if (k == 0)
		return resp_field_error(ctx, "serial_numbers", "Empty serial "
		    "number string");
	if (v[SF_QUANTITY].i != (long long)k * DEC_SCALE) {
		char q[DEC_BUFSZ];
		const char *msg = mem_printf(&ctx->mem, "Number of unique "
		    "serial numbers (%d) must match quantity (%s)", k,
		    dec_format(v[SF_QUANTITY].i, q));
		cJSON *errs = cJSON_CreateObject();
		cJSON_AddItemToObject(errs, "quantity",
		    cJSON_CreateStringArray(&msg, 1));
		cJSON_AddItemToObject(errs, "serial_numbers",
		    cJSON_CreateStringArray(&msg, 1));
		return resp_field_errors(ctx, errs);
	}
	const char *taken = NULL;
	for (int j = 0; j < k; j++) {
		sqlite3_stmt *sd = db_prepare(ctx, stock_sql_serial_dup);
		if (sd == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(sd, 1, v[SF_PART].i);
		sqlite3_bind_text(sd, 2, serials[j], -1, SQLITE_STATIC);
		sqlite3_bind_int64(sd, 3, 0);
		if (sqlite3_step(sd) == SQLITE_ROW)
			taken = taken == NULL ? serials[j] : mem_printf(
			    &ctx->mem, "%s,%s", taken, serials[j]);
	}
	if (taken != NULL)
		return resp_field_error(ctx, "serial_numbers", "The following "
		    "serial numbers already exist or are invalid : %s", taken);
	*out = serials;
	*n = k;
	return 0;
}

/*
 * POST /api/stock/: one item; location defaults to the part's default
 * location; tracked as created.  With InvenTree's serial_numbers, one item
 * of quantity 1 per serial number, answered as a list of the items.
 */
static int
stock_create(struct ctx *ctx)
{
	struct field_val v[SF__N];
	const cJSON *body;
	const char **serials = NULL;
	int nserials = 0;
	int rc;

	field_defaults(stock_fields, SF__N, v);
	if ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = field_parse(ctx, body, stock_fields, SF__N, v, true)) != 0 ||
	    (rc = db_begin(ctx)) != 0)
		return rc;
	if (cJSON_GetObjectItemCaseSensitive(body, "delete_on_deplete") ==
	    NULL) {
		sqlite3_stmt *dd = db_prepare(ctx, stock_sql_deplete_default);
		if (dd != NULL && sqlite3_step(dd) == SQLITE_ROW)
			v[SF_DEPLETE].i = sqlite3_column_int(dd, 0);
	}
	if (cJSON_GetObjectItemCaseSensitive(body, "location") == NULL) {
		sqlite3_stmt *pl = db_prepare(ctx, stock_sql_part);
		if (pl != NULL) {
			sqlite3_bind_int64(pl, 1, v[SF_PART].i);
			if (sqlite3_step(pl) == SQLITE_ROW &&
			    sqlite3_column_type(pl, 0) != SQLITE_NULL) {
				v[SF_LOCATION].null = false;
				v[SF_LOCATION].i = sqlite3_column_int64(pl, 0);
			}
		}
	}
	const cJSON *sn = cJSON_GetObjectItemCaseSensitive(body,
	    "serial_numbers");
	if (cJSON_IsString(sn) && sn->valuestring[strspn(sn->valuestring,
	    ", \t")] != '\0') {
		rc = stock_part_exists(ctx, v);
		if (rc == 0)
			rc = stock_serials(ctx, sn->valuestring, v, &serials,
			    &nserials);
		if (rc != 0) {
			db_rollback(ctx);
			return rc;
		}
		v[SF_QUANTITY].i = DEC_SCALE;
	}
	long long *ids = mem_alloc(&ctx->mem, (size_t)(nserials > 0 ?
	    nserials : 1) * sizeof(*ids));
	int nids = 0;
	rc = 0;
	do {
		if (serials != NULL)
			v[SF_SERIAL].s = serials[nids];
		rc = stock_validate(ctx, 0, v);
		if (rc == 0) {
			sqlite3_stmt *st = db_prepare(ctx, stock_sql_insert);
			if (st == NULL)
				rc = ctx->resp.status;
			else {
				field_bind_all(st, 1, stock_fields, SF__N, v);
				rc = field_step(ctx, st, "stock insert");
				ids[nids] = sqlite3_last_insert_rowid(ctx->db);
			}
		}
		if (rc == 0)
			rc = stock_created(ctx, ids[nids], "");
		nids++;
	} while (rc == 0 && nids < nserials);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	int status;
	if (serials == NULL) {
		cJSON *o = stock_get(ctx, ids[0], NULL, &status);
		return o != NULL ? resp_json(ctx, 201, o) : status;
	}
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < nids; i++) {
		cJSON *o = stock_get(ctx, ids[i], NULL, &status);
		if (o == NULL) {
			cJSON_Delete(a);
			return status;
		}
		cJSON_AddItemToArray(a, o);
	}
	return resp_json(ctx, 201, a);
}

/*
 * The tracking entries for an edit: a location change is "location
 * changed", a status change "stock updated", anything else "edited", each
 * with the new values as deltas.
 */
static int
stock_track_edit(struct ctx *ctx, long long id, const struct field_val *old,
    const struct field_val *v)
{
	cJSON *d = cJSON_CreateObject();
	int rc;

	if (old[SF_LOCATION].null != v[SF_LOCATION].null ||
	    old[SF_LOCATION].i != v[SF_LOCATION].i) {
		cJSON *m = cJSON_CreateObject();
		if (v[SF_LOCATION].null)
			cJSON_AddNullToObject(m, "location");
		else
			cJSON_AddNumberToObject(m, "location",
			    (double)v[SF_LOCATION].i);
		if ((rc = stock_track(ctx, id, TRACK_MOVED, "", m)) != 0) {
			cJSON_Delete(d);
			return rc;
		}
	}
	if (old[SF_STATUS].i != v[SF_STATUS].i) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddNumberToObject(m, "status", (double)v[SF_STATUS].i);
		if ((rc = stock_track(ctx, id, TRACK_UPDATED, "", m)) != 0) {
			cJSON_Delete(d);
			return rc;
		}
	}
	if (old[SF_QUANTITY].i != v[SF_QUANTITY].i)
		cJSON_AddItemToObject(d, "quantity", dec_json(v[SF_QUANTITY].i));
	static const int texts[] = { SF_BATCH, SF_SERIAL, SF_NOTES,
	    SF_PACKAGING, SF_LINK, SF_CURRENCY };
	for (size_t i = 0; i < NELEM(texts); i++)
		if (strcmp(old[texts[i]].s ? old[texts[i]].s : "",
		    v[texts[i]].s ? v[texts[i]].s : "") != 0)
			cJSON_AddStringToObject(d, stock_fields[texts[i]].name,
			    v[texts[i]].s ? v[texts[i]].s : "");
	if (old[SF_EXPIRY].null != v[SF_EXPIRY].null || (!v[SF_EXPIRY].null &&
	    strcmp(old[SF_EXPIRY].s, v[SF_EXPIRY].s) != 0)) {
		if (v[SF_EXPIRY].null)
			cJSON_AddNullToObject(d, "expiry_date");
		else
			cJSON_AddStringToObject(d, "expiry_date",
			    v[SF_EXPIRY].s);
	}
	if (old[SF_PRICE].null != v[SF_PRICE].null ||
	    old[SF_PRICE].i != v[SF_PRICE].i)
		cJSON_AddItemToObject(d, "purchase_price", v[SF_PRICE].null ?
		    cJSON_CreateNull() : dec_json_string(v[SF_PRICE].i));
	if (old[SF_DEPLETE].i != v[SF_DEPLETE].i)
		cJSON_AddBoolToObject(d, "delete_on_deplete",
		    v[SF_DEPLETE].i != 0);
	if (d->child == NULL) {
		cJSON_Delete(d);
		return 0;
	}
	return stock_track(ctx, id, TRACK_EDITED, "", d);
}

/* PUT/PATCH /api/stock/<pk>/ */
static int
stock_update(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	bool put = strcmp(ctx->req.method, "PUT") == 0;
	struct field_val v[SF__N], old[SF__N];
	const cJSON *body;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0 || (rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *ld = db_prepare(ctx, stock_sql_load);
	if (ld == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(ld, 1, id);
	if (sqlite3_step(ld) != SQLITE_ROW) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No StockItem matches the given "
		    "query.");
	}
	field_load(ctx, ld, 0, stock_fields, SF__N, v);
	memcpy(old, v, sizeof(old));
	rc = field_parse(ctx, body, stock_fields, SF__N, v, put);
	if (rc == 0 && v[SF_PART].i != old[SF_PART].i)
		rc = resp_field_error(ctx, "part", "The part of a stock item "
		    "cannot be changed");
	if (rc == 0)
		rc = stock_validate(ctx, id, v);
	if (rc == 0) {
		sqlite3_stmt *st = db_prepare(ctx, stock_sql_update);
		if (st == NULL)
			rc = ctx->resp.status;
		else {
			field_bind_all(st, 1, stock_fields, SF__N, v);
			sqlite3_bind_int64(st, SF__N + 1, id);
			rc = field_step(ctx, st, "stock update");
		}
	}
	if (rc == 0)
		rc = stock_fts_sync(ctx, id);
	if (rc == 0)
		rc = stock_track_edit(ctx, id, old, v);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	int status;
	cJSON *o = stock_get(ctx, id, NULL, &status);
	return o != NULL ? resp_json(ctx, 200, o) : status;
}

/* DELETE /api/stock/<pk>/ */
static int
stock_delete_one(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_exists);
	if (st == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_rollback(ctx);
		return resp_error(ctx, 404, "No StockItem matches the given "
		    "query.");
	}
	if ((rc = stock_delete(ctx, id)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

/*
 * DELETE /api/stock/ {"items": [pk, ...]}: all of them or, if any does not
 * exist, none (400 naming it).
 */
static int
stock_delete_bulk(struct ctx *ctx)
{
	const cJSON *body, *items;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0)
		return rc;
	items = cJSON_GetObjectItemCaseSensitive(body, "items");
	if (!cJSON_IsArray(items) || items->child == NULL)
		return resp_field_error(ctx, "non_field_errors", "List of "
		    "items must be provided for bulk operation");
	if (cJSON_GetArraySize(items) > 10000)
		return resp_field_error(ctx, "items", "At most 10000 items in "
		    "one request.");
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_exists);
	if (st == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	for (const cJSON *it = items->child; it != NULL; it = it->next) {
		long long id = 0;
		if (cJSON_IsNumber(it) && it->valuedouble >= 1 &&
		    it->valuedouble <= (double)ID_MAX &&
		    it->valuedouble == (double)(long long)it->valuedouble)
			id = (long long)it->valuedouble;
		else if (cJSON_IsString(it))
			txt_parse_int64(it->valuestring, 1, ID_MAX, &id);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		if (id <= 0 || sqlite3_step(st) != SQLITE_ROW) {
			db_rollback(ctx);
			if (id <= 0)
				return resp_field_error(ctx, "items",
				    "Incorrect type. Expected pk value.");
			return resp_field_error(ctx, "items", "Invalid pk "
			    "\"%lld\" - object does not exist.", id);
		}
		sqlite3_reset(st);
		if ((rc = stock_delete(ctx, id)) != 0) {
			db_rollback(ctx);
			return rc;
		}
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

/* ---- adjustments --------------------------------------------------- */

/* One adjustment request, all or nothing, in one write transaction. */
static int
stock_adjust_request(struct ctx *ctx, enum stock_op op)
{
	const cJSON *body;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0 || (rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = stock_adjust(ctx, op, body)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	return resp_json(ctx, 201, cJSON_Duplicate(body, 1));
}

static int
stock_count_h(struct ctx *ctx)
{
	return stock_adjust_request(ctx, STOCK_COUNT);
}

static int
stock_add_h(struct ctx *ctx)
{
	return stock_adjust_request(ctx, STOCK_ADD);
}

static int
stock_remove_h(struct ctx *ctx)
{
	return stock_adjust_request(ctx, STOCK_REMOVE);
}

static int
stock_transfer_h(struct ctx *ctx)
{
	return stock_adjust_request(ctx, STOCK_TRANSFER);
}

/* POST /api/stock/change_status/: several items' status, all or none. */
static int
stock_change_status_h(struct ctx *ctx)
{
	const cJSON *body;
	cJSON *answer;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0 || (rc = db_begin(ctx)) != 0)
		return rc;
	if ((rc = stock_change_status(ctx, body, &answer)) != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0) {
		cJSON_Delete(answer);
		return rc;
	}
	return resp_json(ctx, 201, answer);
}

/* ---- tracking ------------------------------------------------------ */

static const struct list_filter track_filters[] = {
	{ "item", LIST_ID, " AND t.item = ?", NULL, stock_sql_exists, NULL },
	{ "user", LIST_ID, " AND t.user = ?", " AND t.user IS NULL",
	  user_sql_exists, NULL },
	{ "tracking_type", LIST_INT, " AND t.tracking_type = ?", NULL, NULL,
	  NULL },
	{ "part", LIST_ID, " AND t.item IN (SELECT id FROM stock_item "
	  "WHERE part = ?)", NULL, part_sql_exists, NULL },
};

static const struct list_order track_orders[] = {
	{ "date", "t.date, t.id", "t.date DESC, t.id DESC" },
	{ "pk", "t.id", "t.id DESC" },
	{ "id", "t.id", "t.id DESC" },
	{ "tracking_type", "t.tracking_type, t.id",
	  "t.tracking_type DESC, t.id DESC" },
};

static const struct list_search track_search = {
	" AND t.notes LIKE ? ESCAPE '\\'", 0, 1,
	" AND t.notes LIKE ? ESCAPE '\\'", 1, NULL,
};

/* GET /api/stock/track/: newest first; item_detail, user_detail nest. */
static int
track_list(struct ctx *ctx)
{
	struct tracking_view view;
	struct list_q q;
	int rc;

	memset(&view, 0, sizeof(view));
	list_init(&q, ctx, "t.id DESC");
	list_keyed(&q, "SELECT t.id FROM stock_tracking t WHERE 1",
	    " AND t.id IN (");
	if ((rc = list_flag(ctx, "item_detail", false,
	    &view.item_detail)) != 0 ||
	    (rc = list_flag(ctx, "user_detail", false,
	    &view.user_detail)) != 0 ||
	    (rc = list_filters(&q, track_filters, NELEM(track_filters),
	    false)) != 0 ||
	    (rc = list_search(&q, &track_search)) != 0 ||
	    (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, track_orders, NELEM(track_orders));
	return list_run(&q, tracking_select, tracking_count, tracking_json,
	    &view);
}

/* GET /api/stock/track/<pk>/ */
static int
track_detail(struct ctx *ctx)
{
	static const char sql[] = "SELECT t.id, t.item, t.date, "
	    "t.tracking_type, t.notes, t.user, t.deltas FROM stock_tracking t "
	    "WHERE t.id = ?";
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, route_param_id(ctx, "pk"));
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return resp_json(ctx, 200, tracking_json(ctx, st, NULL));
	if (rc == SQLITE_DONE)
		return resp_error(ctx, 404, "No StockItemTracking matches the "
		    "given query.");
	return db_fail(ctx, "track get");
}

/* GET, PUT, PATCH stock/location/<pk>/metadata/ and stock/<pk>/metadata/ */
static int
loc_metadata(struct ctx *ctx)
{
	return metadata_handle(ctx, META_LOCATION);
}

static int
stock_metadata(struct ctx *ctx)
{
	return metadata_handle(ctx, META_STOCK_ITEM);
}

/* ---- OPTIONS: the fields, for inventree-python's fieldNames() ------ */

static const struct field loc_read_only[] = {
	{ "pk", FIELD_ID, 0, false, false, 0 },
	{ "pathstring", FIELD_TEXT, 0, false, false, 0 },
	{ "level", FIELD_ID, 0, false, false, 0 },
	{ "items", FIELD_ID, 0, false, false, 0 },
	{ "sublocations", FIELD_ID, 0, false, false, 0 },
};
static const struct field stock_read_only[] = {
	{ "pk", FIELD_ID, 0, false, false, 0 },
	{ "parent", FIELD_ID, 0, false, false, 0 },
	{ "status_text", FIELD_TEXT, 0, false, false, 0 },
	{ "in_stock", FIELD_BOOL, 0, false, false, 0 },
	{ "updated", FIELD_TEXT, 0, false, false, 0 },
	{ "stocktake_date", FIELD_DATE, 0, false, false, 0 },
	{ "tracking_items", FIELD_ID, 0, false, false, 0 },
};
static const struct field_set loc_field_set = {
	loc_fields, NELEM(loc_fields), loc_read_only, NELEM(loc_read_only) };
static const struct field_set stock_field_set = {
	stock_fields, NELEM(stock_fields), stock_read_only,
	NELEM(stock_read_only) };

static const struct field_set *
stock_field_sets(const struct route *first)
{
	if (strcmp(first->pattern, "/api/stock/location/") == 0 ||
	    strcmp(first->pattern, "/api/stock/location/<pk>/") == 0)
		return &loc_field_set;
	if (strcmp(first->pattern, "/api/stock/") == 0 ||
	    strcmp(first->pattern, "/api/stock/<pk>/") == 0)
		return &stock_field_set;
	return NULL;
}

static const struct route stock_routes[] = {
	{ "GET", "/api/stock/location/", "stock_location", PERM_METHOD,
	  loc_list, "List stock locations", 0 },
	{ "POST", "/api/stock/location/", "stock_location", PERM_METHOD,
	  loc_create, "Create a stock location", 0 },
	{ "GET", "/api/stock/location/tree/", "stock_location", PERM_METHOD,
	  loc_tree, "Stock location tree", 0 },
	{ "GET", "/api/stock/location/<pk>/", "stock_location", PERM_METHOD,
	  loc_detail, "A stock location", 0 },
	{ "PUT", "/api/stock/location/<pk>/", "stock_location", PERM_METHOD,
	  loc_update, "Replace a stock location", 0 },
	{ "PATCH", "/api/stock/location/<pk>/", "stock_location", PERM_METHOD,
	  loc_update, "Change a stock location", 0 },
	{ "DELETE", "/api/stock/location/<pk>/", "stock_location",
	  PERM_METHOD, loc_delete, "Delete a stock location", 0 },
	{ "GET", "/api/stock/status/", AREA_USER, PERM_VIEW,
	  stock_status_list, "Stock status codes", 0 },
	{ "POST", "/api/stock/count/", "stock", PERM_CHANGE, stock_count_h,
	  "Count stock items", 0 },
	{ "POST", "/api/stock/add/", "stock", PERM_CHANGE, stock_add_h,
	  "Add to stock items", 0 },
	{ "POST", "/api/stock/remove/", "stock", PERM_CHANGE, stock_remove_h,
	  "Remove from stock items", 0 },
	{ "POST", "/api/stock/transfer/", "stock", PERM_CHANGE,
	  stock_transfer_h, "Transfer stock items", 0 },
	{ "POST", "/api/stock/change_status/", "stock", PERM_CHANGE,
	  stock_change_status_h, "Change the status of stock items", 0 },
	{ "GET", "/api/stock/track/", "stock", PERM_METHOD, track_list,
	  "Stock tracking history", 0 },
	{ "GET", "/api/stock/track/<pk>/", "stock", PERM_METHOD, track_detail,
	  "A stock tracking entry", 0 },
	{ "GET", "/api/stock/", "stock", PERM_METHOD, stock_list,
	  "List stock items", 0 },
	{ "POST", "/api/stock/", "stock", PERM_METHOD, stock_create,
	  "Create a stock item", 0 },
	{ "DELETE", "/api/stock/", "stock", PERM_METHOD, stock_delete_bulk,
	  "Delete several stock items", 0 },
	{ "GET", "/api/stock/<pk>/", "stock", PERM_METHOD, stock_detail,
	  "A stock item", 0 },
	{ "PUT", "/api/stock/<pk>/", "stock", PERM_METHOD, stock_update,
	  "Replace a stock item", 0 },
	{ "PATCH", "/api/stock/<pk>/", "stock", PERM_METHOD, stock_update,
	  "Change a stock item", 0 },
	{ "DELETE", "/api/stock/<pk>/", "stock", PERM_METHOD,
	  stock_delete_one, "Delete a stock item", 0 },
	{ "GET", "/api/stock/location/<pk>/metadata/", "stock_location",
	  PERM_METHOD, loc_metadata, "Metadata of a stock location", 0 },
	{ "PUT", "/api/stock/location/<pk>/metadata/", "stock_location",
	  PERM_METHOD, loc_metadata, "Replace the metadata of a location", 0 },
	{ "PATCH", "/api/stock/location/<pk>/metadata/", "stock_location",
	  PERM_METHOD, loc_metadata, "Merge into the metadata of a location",
	  0 },
	{ "GET", "/api/stock/<pk>/metadata/", "stock", PERM_METHOD,
	  stock_metadata, "Metadata of a stock item", 0 },
	{ "PUT", "/api/stock/<pk>/metadata/", "stock", PERM_METHOD,
	  stock_metadata, "Replace the metadata of a stock item", 0 },
	{ "PATCH", "/api/stock/<pk>/metadata/", "stock", PERM_METHOD,
	  stock_metadata, "Merge into the metadata of a stock item", 0 },
};

static const struct program stock_program = PROGRAM_FIELDS("stock",
    stock_routes, stock_field_sets);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &stock_program);
}
