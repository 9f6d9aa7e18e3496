/*
 * stock: locations, items, adjustments, tracking.  See stock.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "req.h"
#include "res.h"
#include "res_tree.h"
#include "resp.h"
#include "route.h"
#include "text.h"
#include "val.h"

#include "accounts/account.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "purchasing/company.h"
#include "tasks/event.h"

#define STOCK_NOTES_MAX		10000	/* an adjustment's notes */
#define STOCK_ADJUST_MAX	1000	/* items in one adjustment */
#define STOCK_SERIALS_MAX	1000	/* serial numbers in one create */

const struct choice stock_statuses[] = {
	{ 10, "OK", "OK", "success" },
	{ 50, "Attention needed", "ATTENTION", "warning" },
	{ 55, "Damaged", "DAMAGED", "warning" },
	{ 60, "Destroyed", "DESTROYED", "danger" },
	{ 65, "Rejected", "REJECTED", "danger" },
	{ 70, "Lost", "LOST", "dark" },
	{ 75, "Quarantined", "QUARANTINED", "info" },
	{ 85, "Returned", "RETURNED", "warning" },
	{ 0, NULL, NULL, NULL },
};

/* The condition of the partial index stock_item_in_stock (migrations 0007
 * and 0026: not consumed by a build), word for word, so that the planner
 * can use it. */
#define STOCK_IN_STOCK " +s.status IN (10, 50, 55, 85) AND s.quantity > 0 AND s.consumed_by IS NULL"

bool
stock_status_in_stock(long long code)
{
	return code == 10 || code == 50 || code == 55 || code == 85;
}

/* ---- locations ------------------------------------------------------ */

enum { LF_NAME, LF_DESCRIPTION, LF_PARENT, LF_PATHSTRING, LF_LEVEL,
	LF_STRUCTURAL, LF_EXTERNAL, LF_ICON, LF_CUSTOM_ICON, LF_ITEMS,
	LF_SUBLOCATIONS, LF_BARCODE_HASH, LF_OWNER, LF_LOCATION_TYPE, LF_TAGS,
	LF__N };

static const struct field location_fields[] = {
	[LF_NAME] = { "name", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100 },
	[LF_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[LF_PARENT] = { "parent", FT_ID, F_NULL, .ref = &location_resource },
	[LF_PATHSTRING] = { "pathstring", FT_TEXT, F_READ_ONLY | F_ORDER },
	[LF_LEVEL] = { "level", FT_INT, F_READ_ONLY | F_FILTER | F_ORDER },
	[LF_STRUCTURAL] = { "structural", FT_BOOL, F_FILTER },
	[LF_EXTERNAL] = { "external", FT_BOOL, F_FILTER },
	[LF_ICON] = { "icon", FT_TEXT, 0, 100 },
	[LF_CUSTOM_ICON] = { "custom_icon", FT_TEXT, F_READ_ONLY,
	    .col = "icon" },
	/* Items in the location and below it (a tally, migration 0010);
	 * locations below it. */
	[LF_ITEMS] = { "items", FT_INT, F_READ_ONLY | F_ORDER,
	    .col = "ifnull((SELECT n FROM tally WHERE name = "
	    "'stock_location.items' AND id = l.id), 0)" },
	[LF_SUBLOCATIONS] = { "sublocations", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) - 1 FROM stock_location_tree WHERE "
	    "ancestor = l.id)" },
	[LF_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[LF_OWNER] = { "owner", FT_ID, F_READ_ONLY, .col = "NULL" },
	[LF_LOCATION_TYPE] = { "location_type", FT_ID, F_READ_ONLY,
	    .col = "NULL" },
	[LF_TAGS] = { "tags", FT_JSON, F_READ_ONLY, .col = "'[]'" },
};
_Static_assert(sizeof(location_fields) / sizeof(location_fields[0]) == LF__N,
    "location fields");

static const struct list_search location_search = {
	" AND (l.name LIKE ? ESCAPE '\\' OR l.description LIKE ? ESCAPE '\\' "
	"OR l.pathstring LIKE ? ESCAPE '\\')", 0, 3,
	" AND (l.name LIKE ? ESCAPE '\\' OR l.description LIKE ? ESCAPE '\\' "
	"OR l.pathstring LIKE ? ESCAPE '\\')", 3, NULL,
};

static const struct res_tree location_tree = {
	.contents = &stock_resource,
	.contents_col = "location",
	.children = "sublocations",
	.delete_contents = "delete_stock_items",
	.delete_children = "delete_sub_locations",
	.structural_msg = "You cannot make this stock location structural "
	    "because some stock items are already located into it!",
	RES_TREE_OPS,
};

static struct res_sql location_sql;

/* How an imported file names one (res_find_key()). */
static const char *const location_keys[] = { "pathstring", "name", NULL };

const struct resource location_resource = {
	.model = "stocklocation",
	.name = "StockLocation",
	.table = "stock_location",
	.alias = "l",
	.path = "/api/stock/location/",
	.web = "location/",
	.area = "stock_location",
	.noun = "stock location",
	.plural = "stock locations",
	RES_FIELDS(location_fields),
	.order = "l.pathstring, l.id",
	.search = &location_search,
	.tree = &location_tree,
	.flags = RES_METADATA,
	.sql = &location_sql,
	.keys = location_keys,
};

/* ---- stock items ---------------------------------------------------- */

enum { SF_PART, SF_LOCATION, SF_PARENT, SF_QUANTITY, SF_BATCH, SF_SERIAL,
	SF_STATUS, SF_STATUS_TEXT, SF_STATUS_KEY, SF_IN_STOCK, SF_NOTES,
	SF_PACKAGING, SF_LINK, SF_EXPIRY, SF_PRICE, SF_CURRENCY, SF_DEPLETE,
	SF_UPDATED, SF_STOCKTAKE, SF_TRACKING, SF_ALLOCATED, SF_BELONGS_TO,
	SF_BUILD, SF_CUSTOMER, SF_SALES_ORDER, SF_PURCHASE_ORDER,
	SF_SUPPLIER_PART, SF_OWNER, SF_IS_BUILDING, SF_EXPIRED, SF_STALE,
	SF_BARCODE_HASH, SF_SERIAL_NUMBERS, SF_CONSUMED_BY, SF__N };

static const struct field stock_fields[] = {
	/* ?part= is stock_filters' (with its variants). */
	[SF_PART] = { "part", FT_ID, F_REQUIRED | F_ORDER,
	    .ref = &part_resource },
	[SF_LOCATION] = { "location", FT_ID, F_NULL,
	    .ref = &location_resource },
	[SF_PARENT] = { "parent", FT_ID, F_READ_ONLY | F_FILTER,
	    .col = "parent", .ref = &stock_resource },
	[SF_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED | F_ORDER },
	[SF_BATCH] = { "batch", FT_TEXT, F_FILTER | F_ORDER, 100 },
	[SF_SERIAL] = { "serial", FT_TEXT, F_EMPTY_NULL | F_FILTER | F_ORDER,
	    100 },
	[SF_STATUS] = { "status", FT_CHOICE, F_FILTER | F_ORDER, .def = 10,
	    .choices = stock_statuses },
	[SF_STATUS_TEXT] = { "status_text", FT_CHOICE, F_READ_ONLY | F_LABEL,
	    .col = "status", .choices = stock_statuses },
	[SF_STATUS_KEY] = { "status_custom_key", FT_INT, F_READ_ONLY,
	    .col = "status" },
	/* An in-stock status and a quantity (stock_render()). */
	[SF_IN_STOCK] = { "in_stock", FT_BOOL, F_READ_ONLY | F_NO_COLUMN },
	[SF_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	[SF_PACKAGING] = { "packaging", FT_TEXT, 0, 50 },
	[SF_LINK] = { "link", FT_URL, 0, 2000 },
	[SF_EXPIRY] = { "expiry_date", FT_DATE, F_NULL | F_ORDER },
	[SF_PRICE] = { "purchase_price", FT_DEC, F_NULL | F_AS_STRING },
	[SF_CURRENCY] = { "purchase_price_currency", FT_TEXT, 0, 3 },
	[SF_DEPLETE] = { "delete_on_deplete", FT_BOOL, 0 },
	[SF_UPDATED] = { "updated", FT_DATETIME, F_READ_ONLY | F_ORDER,
	    .col = "updated" },
	[SF_STOCKTAKE] = { "stocktake_date", FT_DATE, F_READ_ONLY | F_ORDER,
	    .col = "stocktake_date" },
	[SF_TRACKING] = { "tracking_items", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) FROM stock_tracking t WHERE "
	    "t.item = s.id)" },
	/* Allocated to build orders (migration 0020). */
	[SF_ALLOCATED] = { "allocated", FT_DEC, F_READ_ONLY,
	    .col = STOCK_ALLOCATED_SQL("s.id") },
	/* No sales orders or owners yet: what InvenTree shows then. */
	[SF_BELONGS_TO] = { "belongs_to", FT_ID, F_READ_ONLY, .col = "NULL" },
	/* The build order it is an output of. */
	[SF_BUILD] = { "build", FT_ID, F_READ_ONLY, .col = "(SELECT o.build "
	    "FROM build_output o WHERE o.stock_item = s.id)" },
	[SF_CUSTOMER] = { "customer", FT_ID, F_READ_ONLY, .col = "NULL" },
	[SF_SALES_ORDER] = { "sales_order", FT_ID, F_READ_ONLY, .col = "NULL" },
	/* The order it was received against (migration 0015). */
	[SF_PURCHASE_ORDER] = { "purchase_order", FT_ID, F_READ_ONLY | F_FILTER,
	    .col = "purchase_order" },
	/* The supplier part it came from (migration 0013); of its part. */
	[SF_SUPPLIER_PART] = { "supplier_part", FT_ID, F_NULL | F_FILTER,
	    .ref = &supplier_part_resource },
	[SF_OWNER] = { "owner", FT_ID, F_READ_ONLY, .col = "NULL" },
	[SF_IS_BUILDING] = { "is_building", FT_BOOL, F_READ_ONLY, .col = "0" },
	[SF_EXPIRED] = { "expired", FT_BOOL, F_READ_ONLY, .col = "0" },
	[SF_STALE] = { "stale", FT_BOOL, F_READ_ONLY, .col = "0" },
	[SF_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[SF_SERIAL_NUMBERS] = { "serial_numbers", FT_TEXT,
	    F_WRITE_ONLY | F_NO_COLUMN, 10000,
	    .help = "Serial numbers of new items (\"1-5, 8\"), one item each" },
	/* The build order that consumed it (migration 0026): then it is
	 * out of stock, without a location (stock_consume()). */
	[SF_CONSUMED_BY] = { "consumed_by", FT_ID, F_READ_ONLY | F_NULL |
	    F_FILTER, .col = "consumed_by", .label = "Consumed By",
	    .help = "Build order which consumed this stock item" },
};
_Static_assert(sizeof(stock_fields) / sizeof(stock_fields[0]) == SF__N,
    "stock fields");

static const struct res_filter stock_filters[] = {
	/* As InvenTree's: a template's items and its variants' (at any
	 * depth) unless ?include_variants=false. */
	{ "part", FT_ID, " AND s.part = ?", NULL, &part_resource, NULL,
	  .widen = "include_variants",
	  .wide_if = "SELECT 1 FROM part_variant_tree WHERE ancestor = ? "
	  "LIMIT 1",
	  .sql_wide = " AND (s.part = ? OR s.part IN (SELECT descendant FROM "
	  "part_variant_tree WHERE ancestor = ?))" },
	{ "location", FT_ID, " AND s.location = ?", " AND s.location IS NULL",
	  &location_resource, " AND s.location IN (SELECT descendant FROM "
	  "stock_location_tree WHERE ancestor = ?)", .walk = 1 },
	{ "category", FT_ID, " AND s.part IN (SELECT q.id FROM "
	  "part_category_tree d, part q WHERE d.ancestor = ? AND "
	  "q.category = d.descendant)", NULL, &category_resource, NULL,
	  .walk = 1 },
	{ "in_stock", FT_BOOL, " AND" STOCK_IN_STOCK,
	  " AND NOT (" STOCK_IN_STOCK ")", NULL, NULL, .walk = 1 },
	/* Available: in stock and not wholly allocated to build orders. */
	{ "available", FT_BOOL, " AND" STOCK_IN_STOCK " AND s.quantity > "
	  STOCK_ALLOCATED_SQL("s.id"), " AND NOT (" STOCK_IN_STOCK " AND "
	  "s.quantity > " STOCK_ALLOCATED_SQL("s.id") ")", NULL, NULL },
	{ "build", FT_ID, " AND s.id IN (SELECT stock_item FROM build_output "
	  "WHERE build = ? AND stock_item IS NOT NULL)", NULL, NULL, NULL },
	/* Consumed by a build order (InvenTree's ?consumed=). */
	{ "consumed", FT_BOOL, " AND s.consumed_by IS NOT NULL",
	  " AND s.consumed_by IS NULL", NULL, NULL },
	/* Outputs in production are not stock items here (build_output,
	 * migration 0020): no item is being built. */
	{ "is_building", FT_BOOL, " AND 1 = 0", "", NULL, NULL },
	{ "external", FT_BOOL, " AND s.location IN (SELECT id FROM "
	  "stock_location WHERE external = 1)", " AND (s.location IS NULL OR "
	  "s.location NOT IN (SELECT id FROM stock_location WHERE "
	  "external = 1))", NULL, NULL },
	{ "has_batch", FT_BOOL, " AND s.batch <> ''", " AND s.batch = ''",
	  NULL, NULL },
	{ "serialized", FT_BOOL, " AND s.serial <> ''", " AND s.serial = ''",
	  NULL, NULL },
	{ "updated_before", FT_DATE, " AND s.updated < date(?, '+1 day')",
	  NULL, NULL, NULL },
	{ "updated_after", FT_DATE, " AND s.updated >= ?", NULL, NULL, NULL },
	{ "expiry_date_lte", FT_DATE, " AND s.expiry_date <= ?", NULL, NULL,
	  NULL },
	{ "expiry_date_gte", FT_DATE, " AND s.expiry_date >= ?", NULL, NULL,
	  NULL },
	{ "active", FT_BOOL, " AND s.part IN (SELECT id FROM part WHERE "
	  "active = 1)", " AND s.part IN (SELECT id FROM part WHERE "
	  "active = 0)", NULL, NULL },
};

/* The counts kept for the filters clients send (migration 0010). */
static const struct res_tally stock_tallies[] = {
	{ "", RES_TALLY_SQL("stock_item", "0") },
	{ "in_stock=1", RES_TALLY_SQL("stock_item.in_stock", "0") },
	{ "in_stock=0", "SELECT " RES_TALLY_N("stock_item", "0") " - "
	  RES_TALLY_N("stock_item.in_stock", "0") },
	{ "status=", RES_TALLY_SQL("stock_item.status", "?") },
	{ "location<", RES_TALLY_SQL("stock_location.items", "?") },
	{ "in_stock=1,location<",
	  RES_TALLY_SQL("stock_location.in_stock", "?") },
	{ "category=", RES_TALLY_SQL("part_category.items", "?") },
	{ "part=", "SELECT stock_count FROM part WHERE id = ?" },
};

/*
 * By part name: the parts walked in name order (part_name) and each one's
 * items through stock_item_part, so that a page reads its own items and
 * sorts only those of parts with the same name by id (res_order's join:
 * the app's Stock tab, every in-stock item by name, was a sort of them
 * all).  An item's part is never null: the join keeps every item.
 */
static const struct res_order stock_orders[] = {
	{ "part__name", "op.name, s.id", "op.name DESC, s.id DESC",
	  " JOIN part op ON op.id = s.part", .walk = true },
	/* By location: an item may have none, so the join is a LEFT JOIN,
	 * which the planner does not drive from the locations, and every
	 * matching item is still sorted; but one read of the location a
	 * row, not a subquery (the in-stock items: 1.95 s to 0.68 s). */
	{ "location", "ol.pathstring, s.id", "ol.pathstring DESC, s.id DESC",
	  " LEFT JOIN stock_location ol ON ol.id = s.location" },
};

/* Batch, serial and notes, the part's text, or the location's name. */
static const struct list_search stock_search = {
	" AND (s.id IN (SELECT rowid FROM stock_item_fts WHERE stock_item_fts "
	"MATCH ? AND trigram_at(stock_item_fts, ?)) OR s.part IN (SELECT "
	"rowid FROM part_fts WHERE part_fts MATCH " PART_OWN_TEXT " AND "
	"trigram_at(part_fts, ?)) OR s.location IN (SELECT id FROM "
	"stock_location WHERE name LIKE ? ESCAPE '\\'))", 2, 1,
	" AND (s.batch LIKE ? ESCAPE '\\' OR s.serial LIKE ? ESCAPE '\\' OR "
	"s.part IN (SELECT id FROM part WHERE name LIKE ? ESCAPE '\\' OR "
	"IPN LIKE ? ESCAPE '\\') OR s.location IN (SELECT id FROM "
	"stock_location WHERE name LIKE ? ESCAPE '\\'))", 5,
	/* Sorted matches: scanning every item in id order to find a few
	 * matches is what "+" keeps the planner from doing. */
	"+s.id",
	/* PostgreSQL: the columns of both FTS5 tables, as LIKEs, and the
	 * parts' and locations' ids as arrays, so that every term is an
	 * index scan and the words' scans are ANDed as bitmaps (ORs with INs
	 * are a scan of every item) */
	" AND (s.batch LIKE ? ESCAPE '\\' OR s.serial LIKE ? ESCAPE '\\' OR "
	"s.notes LIKE ? ESCAPE '\\' OR s.part = ANY (ARRAY(SELECT id FROM "
	"part WHERE name LIKE ? ESCAPE '\\' OR IPN LIKE ? ESCAPE '\\' OR "
	"description LIKE ? ESCAPE '\\' OR keywords LIKE ? ESCAPE '\\')) OR "
	"s.location = ANY (ARRAY(SELECT id FROM stock_location WHERE name "
	"LIKE ? ESCAPE '\\')))", 8,
	/* SQLite, when no location's name and no item's own text has any
	 * of the words: the items of the parts that have them all (their
	 * ids found first, list.h) */
	NULL,
	"SELECT 1 FROM stock_item_fts WHERE stock_item_fts MATCH ?2 AND "
	"trigram_at(stock_item_fts, ?3) LIMIT 1",
	/* PostgreSQL, when no location's name and no item's own text has
	 * any of the words: the items of the parts that have them all, in
	 * one lookup of the parts (their trigram indexes ANDed) */
	" AND s.part = ANY (ARRAY(SELECT id FROM part WHERE TRUE%s))",
	" AND (name LIKE ? ESCAPE '\\' OR IPN LIKE ? ESCAPE '\\' OR "
	"description LIKE ? ESCAPE '\\' OR keywords LIKE ? ESCAPE '\\')", 4,
	"SELECT 1 FROM stock_location WHERE name LIKE ?1 ESCAPE '\\' "
	"UNION ALL SELECT 1 FROM stock_item WHERE batch LIKE ?1 ESCAPE '\\' "
	"OR serial LIKE ?1 ESCAPE '\\' OR notes LIKE ?1 ESCAPE '\\' LIMIT 1",
	.other_names = "SELECT name FROM stock_location",
	.fts_rows = "SELECT rowid FROM part_fts WHERE part_fts MATCH "
	    PART_OWN_TEXT " AND trigram_at(part_fts, ?)",
	/* the part list's statement (the rows it read serve POST
	 * /api/search/ again), the part's own text checked */
	.fts_text = PART_FTS_TEXT,
	.fts_texts = 4,
	.fts_in = " AND s.part IN (SELECT value FROM json_each(?))",
	/* searched alone: the items of the matching parts, by id, through
	 * stock_item_part, the page taken in C; else counted and paged
	 * apart */
	.walk_order = "+s.id",
	.walk_keys = "SELECT s.id FROM json_each(?) fts CROSS JOIN "
	    "stock_item s ON s.part = fts.value",
	.count_apart = true,
};

static const char stock_sql_part_location[] =
    "SELECT default_location FROM part WHERE id = ?";
static const char stock_sql_trackable[] =
    "SELECT trackable FROM part WHERE id = ?";
static const char stock_sql_serial_dup[] =
    "SELECT 1 FROM stock_item WHERE part = ?1 AND serial = ?2 AND "
    "serial <> '' AND id <> ?3";
static const char stock_sql_deplete_default[] =
    "SELECT value IN ('1', 'true', 'True') FROM setting "
    "WHERE key = 'STOCK_DELETE_DEPLETED_DEFAULT'";
static const char stock_sql_brief_location[] =
    "SELECT id, name, pathstring, description, parent, level "
    "FROM stock_location WHERE id = ?";
static const char stock_sql_track[] =
    "INSERT INTO stock_tracking (item, tracking_type, notes, user, deltas) "
    "VALUES (?, ?, ?, ?, ?)";
static const char stock_sql_fts_delete[] =
    "DELETE FROM stock_item_fts WHERE rowid = ?";
/* An item without text of its own has no row: it could match no search
 * (a MATCH takes three characters, shorter terms read the items). */
static const char stock_sql_fts_insert[] =
    "INSERT INTO stock_item_fts (rowid, batch, serial, notes) "
    "SELECT id, batch, serial, notes FROM stock_item WHERE id = ? AND "
    "(batch <> '' OR serial <> '' OR notes <> '')";
static const char stock_sql_created[] =
    "SELECT quantity, location, status FROM stock_item WHERE id = ?";
static const char stock_sql_insert[] =
    "INSERT INTO stock_item (part, location, quantity, delete_on_deplete) "
    "VALUES (?, ?, ?, ifnull((SELECT CASE WHEN value IN ('1', 'true', "
    "'True') THEN 1 ELSE 0 END FROM setting "
    "WHERE key = 'STOCK_DELETE_DEPLETED_DEFAULT'), 0))";
static const char stock_sql_adj_get[] =
    "SELECT quantity, location, delete_on_deplete, serial <> '', "
    "consumed_by IS NOT NULL FROM stock_item WHERE id = ?";
static const char stock_sql_set_quantity[] =
    "UPDATE stock_item SET quantity = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_set_counted[] =
    "UPDATE stock_item SET quantity = ?2, stocktake_date = date('now'), "
    "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_set_location[] =
    "UPDATE stock_item SET location = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_touch[] =
    "UPDATE stock_item SET updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_set_extra[] =
    "UPDATE stock_item SET batch = coalesce(?2, batch), "
    "status = coalesce(?3, status), packaging = coalesce(?4, packaging), "
    "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_split[] =
    "INSERT INTO stock_item (part, location, parent, quantity, batch, "
    "status, notes, packaging, link, expiry_date, purchase_price, "
    "purchase_price_currency, supplier_part, purchase_order, "
    "delete_on_deplete) "
    "SELECT part, ?2, id, ?3, batch, status, notes, packaging, link, "
    "expiry_date, purchase_price, purchase_price_currency, supplier_part, "
    "purchase_order, delete_on_deplete FROM stock_item WHERE id = ?1";
static const char stock_sql_part_of[] =
    "SELECT part FROM stock_item WHERE id = ?";
static const char stock_sql_status_get[] =
    "SELECT status FROM stock_item WHERE id = ?";
static const char stock_sql_set_status[] =
    "UPDATE stock_item SET status = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";

/* What to nest in an item: ?part_detail=true, ?location_detail=true. */
struct stock_view {
	bool		 part_detail;
	bool		 location_detail;
	db_stmt	*part;
	db_stmt	*loc;
	void		*part_view;
};

static struct err *
stock_view(struct ctx *ctx, void **view)
{
	struct stock_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) != NULL)
		return e;
	return list_flag(ctx, "location_detail", false, &v->location_detail);
}

/* The brief location InvenTree nests as location_detail. */
static cJSON *
stock_location_brief(struct ctx *ctx, db_stmt **cache, long long id)
{
	cJSON *o = NULL;

	if (*cache == NULL && (*cache = db_prepare(ctx,
	    stock_sql_brief_location)) == NULL)
		return NULL;
	st_reset(*cache);
	st_bind_int64(*cache, 1, id);
	if (st_step(*cache) == SQLITE_ROW) {
		db_stmt *st = *cache;
		if ((o = cJSON_CreateObject()) == NULL)
			mem_oom();
		json_int(o, "pk", st_column_int64(st, 0));
		db_json_text(o, "name", st, 1);
		db_json_text(o, "pathstring", st, 2);
		db_json_text(o, "description", st, 3);
		db_json_id(o, "parent", st, 4);
		json_int(o, "level", st_column_int(st, 5));
	}
	st_reset(*cache);
	return o;
}

static void
stock_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct stock_view *v = view;

	json_bool(o, "in_stock", stock_status_in_stock(st_column_int64(st,
	    res_col(&stock_resource, SF_STATUS))) && st_column_int64(st,
	    res_col(&stock_resource, SF_QUANTITY)) > 0 && st_column_type(st,
	    res_col(&stock_resource, SF_CONSUMED_BY)) == SQLITE_NULL);
	if (v == NULL)
		return;
	if (v->part_detail) {
		if (v->part_view == NULL)
			part_resource.hooks->view(ctx, &v->part_view);
		cJSON *pd = res_nested(ctx, &part_resource, &v->part,
		    st_column_int64(st, res_col(&stock_resource, SF_PART)), v->part_view);
		if (pd != NULL)
			json_item(o, "part_detail", pd);
		else
			json_null(o, "part_detail");
	}
	if (v->location_detail) {
		cJSON *ld = NULL;
		int col = res_col(&stock_resource, SF_LOCATION);
		if (st_column_type(st, col) != SQLITE_NULL)
			ld = stock_location_brief(ctx, &v->loc,
			    st_column_int64(st, col));
		if (ld != NULL)
			json_item(o, "location_detail", ld);
		else
			json_null(o, "location_detail");
	}
}

/*
 * Part and location exist (location not structural); a serial number is
 * one item of quantity 1 and unique within its part; an item's part never
 * changes.
 */
/* A stock item's supplier part is one of its part's (InvenTree's
 * StockItem.clean()). */
static struct err *
stock_supplier_part_check(struct ctx *ctx, const struct val *v,
    struct errs *es)
{
	const struct resource *r = &supplier_part_resource;
	struct val *sp = mem_alloc(&ctx->mem, (r->nfields + 1) * sizeof(*sp));
	struct err *e;

	if ((e = res_load(ctx, r, v[SF_SUPPLIER_PART].i, sp)) != NULL)
		return e;
	if (sp[res_field(r, "part")].i != v[SF_PART].i)
		errs_add(es, "supplier_part", "The supplier part must be of the "
		    "stock item's part");
	return NULL;
}

static struct err *
stock_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct val *v = w->v;
	struct err *e;
	bool found, structural;

	if (w->old != NULL && v[SF_PART].i != w->old[SF_PART].i) {
		errs_add(es, "part", "The part of a stock item cannot be changed");
		return NULL;
	}
	if (!v[SF_LOCATION].null) {
		if ((e = res_tree_node(ctx, &location_resource,
		    v[SF_LOCATION].i, &found, &structural)) != NULL)
			return e;
		if (structural && (w->old == NULL || w->old[SF_LOCATION].null ||
		    w->old[SF_LOCATION].i != v[SF_LOCATION].i))
			errs_add(es, "location", "Stock items cannot be located "
			    "into structural stock locations!");
	}
	if (!v[SF_SUPPLIER_PART].null && (w->old == NULL ||
	    w->old[SF_SUPPLIER_PART].null ||
	    w->old[SF_SUPPLIER_PART].i != v[SF_SUPPLIER_PART].i) &&
	    (e = stock_supplier_part_check(ctx, v, es)) != NULL)
		return e;
	if (v[SF_SERIAL].s[0] == '\0')
		return NULL;
	if (v[SF_QUANTITY].i != DEC_SCALE) {
		errs_add(es, "quantity", "Quantity must be 1 for item with a "
		    "serial number");
		return NULL;
	}
	db_stmt *sd = db_prepare(ctx, stock_sql_serial_dup);
	if (sd == NULL)
		return db_err(ctx, "stock");
	st_bind_int64(sd, 1, v[SF_PART].i);
	st_bind_text(sd, 2, v[SF_SERIAL].s, -1, SQLITE_STATIC);
	st_bind_int64(sd, 3, w->id);
	if ((e = db_row(ctx, sd, "stock", &found)) != NULL)
		return e;
	st_reset(sd);
	if (found)
		errs_add(es, "serial", "Serial number already exists");
	return NULL;
}

/*
 * Records a tracking entry for item by the request's user.  Takes
 * ownership of deltas (an object, or NULL for {}).  Every change that
 * may move the part's in-stock total (all but moves and splits) emits
 * EVENT_STOCK_CHANGED.
 */
struct err *
stock_track(struct ctx *ctx, long long item, enum stock_track_code code,
    const char *notes, cJSON *deltas)
{
	db_stmt *st = db_prepare(ctx, stock_sql_track);
	char *text = deltas != NULL ? cJSON_PrintUnformatted(deltas) : NULL;
	struct err *e;
	bool found;

	cJSON_Delete(deltas);
	if (st == NULL) {
		cJSON_free(text);
		return db_err(ctx, "stock track");
	}
	st_bind_int64(st, 1, item);
	st_bind_int(st, 2, code);
	st_bind_text(st, 3, notes != NULL ? notes : "", -1,
	    SQLITE_STATIC);
	db_bind_id(st, 4, ctx->user_id);
	st_bind_text(st, 5, text != NULL ? text : "{}", -1,
	    SQLITE_TRANSIENT);
	cJSON_free(text);
	if ((e = db_step(ctx, st, "stock track")) != NULL)
		return e;
	if (code == TRACK_MOVED || code == TRACK_SPLIT_FROM_PARENT ||
	    code == TRACK_SPLIT_CHILD)
		return NULL;
	if ((st = db_prepare(ctx, stock_sql_part_of)) == NULL)
		return db_err(ctx, "stock track");
	st_bind_int64(st, 1, item);
	if ((e = db_row(ctx, st, "stock track", &found)) != NULL)
		return e;
	if (!found)
		return err_internal(ctx, "stock track: item gone");
	long long part = st_column_int64(st, 0);
	st_reset(st);
	return event_emit(ctx, EVENT_STOCK_CHANGED, part);
}

/* Rewrites item id's row of the search index. */
struct err *
stock_fts_sync(struct ctx *ctx, long long id)
{
	struct err *e;

	if (db_on_pg)	/* its trigram indexes follow the table by themselves */
		return NULL;
	db_stmt *del = db_prepare(ctx, stock_sql_fts_delete);

	if (del == NULL)
		return db_err(ctx, "stock search index");
	st_bind_int64(del, 1, id);
	if ((e = db_step(ctx, del, "stock search index")) != NULL)
		return e;
	return stock_fts_add(ctx, id);
}

/*
 * The search index row of item id, new: no row to delete first (stock
 * items' ids are AUTOINCREMENT, never used twice), and none at all when
 * it has no text.
 */
struct err *
stock_fts_add(struct ctx *ctx, long long id)
{
	if (db_on_pg)
		return NULL;
	db_stmt *ins = db_prepare(ctx, stock_sql_fts_insert);

	if (ins == NULL)
		return db_err(ctx, "stock search index");
	st_bind_int64(ins, 1, id);
	return db_step(ctx, ins, "stock search index");
}

/*
 * What every new item needs after its INSERT: its search index row and
 * its "created" tracking entry.
 */
static struct err *
stock_created(struct ctx *ctx, long long id, const char *notes)
{
	db_stmt *st = db_prepare(ctx, stock_sql_created);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "stock created");
	if ((e = stock_fts_add(ctx, id)) != NULL)
		return e;
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "stock created", &found)) != NULL)
		return e;
	if (!found)
		return err_internal(ctx, "stock created: item gone");
	cJSON *d = cJSON_CreateObject();
	if (d == NULL)
		mem_oom();
	json_item(d, "quantity", dec_json(st_column_int64(st, 0)));
	if (st_column_type(st, 1) != SQLITE_NULL)
		json_int(d, "location", st_column_int64(st, 1));
	json_int(d, "status", st_column_int(st, 2));
	st_reset(st);
	return stock_track(ctx, id, TRACK_CREATED, notes, d);
}

/*
 * Creates an item of part with quantity at location (0: none), status OK,
 * with its index row and tracking entry.
 */
struct err *
stock_insert(struct ctx *ctx, long long part, long long location,
    long long quantity, const char *notes, long long *id)
{
	db_stmt *st = db_prepare(ctx, stock_sql_insert);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "stock insert");
	st_bind_int64(st, 1, part);
	db_bind_id(st, 2, location);
	st_bind_int64(st, 3, quantity);
	if ((e = db_step(ctx, st, "stock insert")) != NULL)
		return e;
	*id = db_last_id(ctx);
	return stock_created(ctx, *id, notes);
}

static const char stock_sql_receive[] =
    "INSERT INTO stock_item (part, location, quantity, status, batch, "
    "serial, expiry_date, notes, packaging, supplier_part, purchase_order, "
    "purchase_price, purchase_price_currency, delete_on_deplete) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ifnull((SELECT CASE "
    "WHEN value IN ('1', 'true', 'True') THEN 1 ELSE 0 END FROM setting "
    "WHERE key = 'STOCK_DELETE_DEPLETED_DEFAULT'), 0))";

/*
 * Creates an item received against a purchase order (InvenTree's
 * receive_line_items()): its index row and one tracking entry, "received
 * against purchase order" with {location, purchaseorder, quantity}.
 */
struct err *
stock_receive(struct ctx *ctx, const struct stock_receipt *r, long long *id)
{
	db_stmt *st = db_prepare(ctx, stock_sql_receive);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "stock receive");
	st_bind_int64(st, 1, r->part);
	db_bind_id(st, 2, r->location);
	st_bind_int64(st, 3, r->quantity);
	st_bind_int64(st, 4, r->status != 0 ? r->status : 10);
	st_bind_text(st, 5, r->batch != NULL ? r->batch : "", -1,
	    SQLITE_STATIC);
	st_bind_text(st, 6, r->serial != NULL ? r->serial : "", -1,
	    SQLITE_STATIC);
	if (r->expiry != NULL && r->expiry[0] != '\0')
		st_bind_text(st, 7, r->expiry, -1, SQLITE_STATIC);
	else
		st_bind_null(st, 7);
	st_bind_text(st, 8, r->notes != NULL ? r->notes : "", -1,
	    SQLITE_STATIC);
	st_bind_text(st, 9, r->packaging != NULL ? r->packaging : "", -1,
	    SQLITE_STATIC);
	db_bind_id(st, 10, r->supplier_part);
	db_bind_id(st, 11, r->purchase_order);
	if (r->has_price)
		st_bind_int64(st, 12, r->price);
	else
		st_bind_null(st, 12);
	st_bind_text(st, 13, r->currency != NULL ? r->currency : "", -1,
	    SQLITE_STATIC);
	if ((e = db_step(ctx, st, "stock receive")) != NULL)
		return e;
	*id = db_last_id(ctx);
	/* The index row only when there is text to search (a receive's
	 * items mostly have none: the statement would find none either). */
	if (((r->batch != NULL && r->batch[0] != '\0') ||
	    (r->serial != NULL && r->serial[0] != '\0') ||
	    (r->notes != NULL && r->notes[0] != '\0')) &&
	    (e = stock_fts_add(ctx, *id)) != NULL)
		return e;
	cJSON *d = cJSON_CreateObject();
	if (d == NULL)
		mem_oom();
	if (r->location != 0)
		json_int(d, "location", r->location);
	else
		json_null(d, "location");
	if (r->build != 0)
		json_int(d, "buildorder", r->build);
	else
		json_int(d, "purchaseorder", r->purchase_order);
	json_item(d, "quantity", dec_json(r->quantity));
	return stock_track(ctx, *id, r->build == 0 ? TRACK_RECEIVED :
	    r->scrapped ? TRACK_BUILD_REJECTED : TRACK_BUILD_COMPLETED,
	    r->notes, d);
}

/* Adds "name": value (text, or null) to the deltas when it changed. */
static void
stock_delta_text(cJSON *d, const char *name, const struct val *old,
    const struct val *v)
{
	const char *a = old->null ? NULL : old->s, *b = v->null ? NULL : v->s;

	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0)) {
		if (b == NULL)
			json_null(d, name);
		else
			cJSON_AddStringToObject(d, name, b);
	}
}

/*
 * The tracking entries for an edit: a location change is "location
 * changed", a status change "stock updated", anything else "edited", each
 * with the new values as deltas.
 */
static struct err *
stock_track_edit(struct ctx *ctx, long long id, const struct val *old,
    const struct val *v)
{
	static const int texts[] = { SF_BATCH, SF_SERIAL, SF_NOTES,
	    SF_PACKAGING, SF_LINK, SF_EXPIRY, SF_CURRENCY };
	struct err *e;

	if (old[SF_LOCATION].null != v[SF_LOCATION].null ||
	    old[SF_LOCATION].i != v[SF_LOCATION].i) {
		cJSON *m = cJSON_CreateObject();
		if (v[SF_LOCATION].null)
			json_null(m, "location");
		else
			cJSON_AddNumberToObject(m, "location",
			    (double)v[SF_LOCATION].i);
		if ((e = stock_track(ctx, id, TRACK_MOVED, "", m)) != NULL)
			return e;
	}
	if (old[SF_STATUS].i != v[SF_STATUS].i) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddNumberToObject(m, "status", (double)v[SF_STATUS].i);
		if ((e = stock_track(ctx, id, TRACK_UPDATED, "", m)) != NULL)
			return e;
	}
	cJSON *d = cJSON_CreateObject();
	if (d == NULL)
		mem_oom();
	if (old[SF_QUANTITY].i != v[SF_QUANTITY].i)
		json_item(d, "quantity", dec_json(v[SF_QUANTITY].i));
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		stock_delta_text(d, stock_fields[texts[i]].name, &old[texts[i]],
		    &v[texts[i]]);
	if (old[SF_PRICE].null != v[SF_PRICE].null ||
	    old[SF_PRICE].i != v[SF_PRICE].i)
		json_item(d, "purchase_price", v[SF_PRICE].null ?
		    cJSON_CreateNull() : dec_json_string(v[SF_PRICE].i));
	if (old[SF_DEPLETE].i != v[SF_DEPLETE].i)
		cJSON_AddBoolToObject(d, "delete_on_deplete",
		    v[SF_DEPLETE].i != 0);
	if (d->child == NULL) {
		cJSON_Delete(d);
		return NULL;
	}
	return stock_track(ctx, id, TRACK_EDITED, "", d);
}

/* A written item: its index row, and its "created" or "edited" entries. */
static struct err *
stock_written(struct ctx *ctx, struct res_write *w)
{
	struct err *e;

	if (w->create)
		return stock_created(ctx, w->id, "");
	if ((e = stock_fts_sync(ctx, w->id)) != NULL)
		return e;
	/* The UPDATE writes every column, so "updated" is set here. */
	db_stmt *st = db_prepare(ctx, stock_sql_touch);
	if (st == NULL)
		return db_err(ctx, "stock");
	st_bind_int64(st, 1, w->id);
	if ((e = db_step(ctx, st, "stock")) != NULL)
		return e;
	return stock_track_edit(ctx, w->id, w->old, w->v);
}

/* A deleted item's index row goes first; its part hears of it after. */
static struct err *
stock_deleting(struct ctx *ctx, struct res_del *d)
{
	db_stmt *st = db_prepare(ctx, stock_sql_part_of);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "stock delete");
	st_bind_int64(st, 1, d->id);
	if ((e = db_row(ctx, st, "stock delete", &found)) != NULL)
		return e;
	long long *part = mem_alloc(&ctx->mem, sizeof(*part));
	*part = found ? st_column_int64(st, 0) : 0;
	d->state = part;
	st_reset(st);
	if (db_on_pg)	/* no FTS5 table to keep in step */
		return NULL;
	if ((st = db_prepare(ctx, stock_sql_fts_delete)) == NULL)
		return db_err(ctx, "stock delete");
	st_bind_int64(st, 1, d->id);
	return db_step(ctx, st, "stock delete");
}

static struct err *
stock_deleted(struct ctx *ctx, struct res_del *d)
{
	const long long *part = d->state;

	return event_emit(ctx, EVENT_STOCK_DELETED, *part);
}

static struct err *stock_defaults_hook(struct ctx *, struct res_write *);

static const struct res_hooks stock_hooks = {
	.defaults = stock_defaults_hook,
	.view = stock_view,
	.render = stock_render,
	.validate = stock_validate,
	.written = stock_written,
	.deleting = stock_deleting,
	.deleted = stock_deleted,
};

static struct res_sql stock_sql;

/* Created by stock_create() (serial numbers make several items). */
const struct resource stock_resource = {
	.model = "stockitem",
	.name = "StockItem",
	.table = "stock_item",
	.alias = "s",
	.path = "/api/stock/",
	.web = "stock/",
	.area = "stock",
	.noun = "stock item",
	.plural = "stock items",
	RES_FIELDS(stock_fields),
	RES_FILTERS(stock_filters),
	RES_ORDERS(stock_orders),
	RES_TALLIES(stock_tallies),
	.order = "s.id",
	.search = &stock_search,
	.hooks = &stock_hooks,
	.flags = RES_KEYED | RES_CASCADE | RES_METADATA | RES_ATTACHMENTS |
	    RES_BULK_DELETE | RES_NO_CREATE | RES_IMPORT,
	.sql = &stock_sql,
};

/*
 * InvenTree's serial_numbers on create ("1005,1006", "1-5", separated by
 * commas or spaces): the distinct serials, which must be as many as the
 * quantity, for a trackable part, and none taken yet.
 */
static struct err *
stock_serials(struct ctx *ctx, const char *text, const struct val *v,
    const char ***out, int *n)
{
	const char **serials = mem_alloc(&ctx->mem, STOCK_SERIALS_MAX *
	    sizeof(*serials));
	char *copy = mem_strdup(&ctx->mem, text), *save = NULL;
	struct err *e;
	bool found;
	int k = 0;

	db_stmt *tr = db_prepare(ctx, stock_sql_trackable);
	if (tr == NULL)
		return db_err(ctx, "stock");
	st_bind_int64(tr, 1, v[SF_PART].i);
	if ((e = db_row(ctx, tr, "stock", &found)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, "part", "Invalid pk \"%lld\" - object "
		    "does not exist.", v[SF_PART].i);
	bool trackable = st_column_int(tr, 0) != 0;
	st_reset(tr);
	if (!trackable)
		return err_field(ctx, "serial_numbers", "Serial numbers cannot "
		    "be supplied for a non-trackable part");
	for (char *t = strtok_r(copy, ", \t", &save); t != NULL;
	    t = strtok_r(NULL, ", \t", &save)) {
		long long a, b;
		char *dash = strchr(t + 1, '-');
		if (dash != NULL) {
			*dash = '\0';
			if (!txt_parse_int64(t, 0, VAL_ID_MAX, &a) ||
			    !txt_parse_int64(dash + 1, 0, VAL_ID_MAX, &b) ||
			    b < a || b - a >= STOCK_SERIALS_MAX - k) {
				*dash = '-';
				return err_field(ctx, "serial_numbers",
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
			if (k == STOCK_SERIALS_MAX || val_chars(sn) > 100)
				return err_field(ctx, "serial_numbers",
				    "Invalid group: %s", sn);
			serials[k++] = sn;
		}
	}
	if (k == 0)
		return err_field(ctx, "serial_numbers", "Empty serial number "
		    "string");
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
		return err_fields(ctx, errs);
	}
	const char *taken = NULL;
	db_stmt *sd = db_prepare(ctx, stock_sql_serial_dup);
	if (sd == NULL)
		return db_err(ctx, "stock");
	for (int j = 0; j < k; j++) {
		st_reset(sd);
		st_bind_int64(sd, 1, v[SF_PART].i);
		st_bind_text(sd, 2, serials[j], -1, SQLITE_STATIC);
		st_bind_int64(sd, 3, 0);
		if ((e = db_row(ctx, sd, "stock", &found)) != NULL)
			return e;
		if (found)
			taken = taken == NULL ? serials[j] : mem_printf(
			    &ctx->mem, "%s,%s", taken, serials[j]);
	}
	st_reset(sd);
	if (taken != NULL)
		return err_field(ctx, "serial_numbers", "The following serial "
		    "numbers already exist or are invalid : %s", taken);
	*out = serials;
	*n = k;
	return NULL;
}

/* The defaults of a new item: the part's location, the site's deplete. */
static struct err *
stock_defaults(struct ctx *ctx, struct val *v)
{
	struct err *e;
	bool found;

	if (!v[SF_DEPLETE].present) {
		db_stmt *dd = db_prepare(ctx, stock_sql_deplete_default);
		if (dd == NULL)
			return db_err(ctx, "stock");
		if ((e = db_row(ctx, dd, "stock", &found)) != NULL)
			return e;
		if (found)
			v[SF_DEPLETE].i = st_column_int(dd, 0);
		st_reset(dd);
	}
	if (!v[SF_LOCATION].present && !v[SF_PART].null) {
		db_stmt *pl = db_prepare(ctx, stock_sql_part_location);
		if (pl == NULL)
			return db_err(ctx, "stock");
		st_bind_int64(pl, 1, v[SF_PART].i);
		if ((e = db_row(ctx, pl, "stock", &found)) != NULL)
			return e;
		if (found && st_column_type(pl, 0) != SQLITE_NULL) {
			v[SF_LOCATION].null = false;
			v[SF_LOCATION].i = st_column_int64(pl, 0);
		}
		st_reset(pl);
	}
	return NULL;
}

/* The same for a create that does not come through stock_create(): an
 * imported row (res_hooks' defaults). */
static struct err *
stock_defaults_hook(struct ctx *ctx, struct res_write *w)
{
	return stock_defaults(ctx, w->v);
}

/* The items of a create, in the caller's transaction. */
static struct err *
stock_create_rows(struct ctx *ctx, struct res_write *w, struct errs *es,
    long long **ids, int *nids)
{
	const char **serials = NULL;
	const char *sn = w->v[SF_SERIAL_NUMBERS].s;
	int nserials = 0;
	struct err *e;

	if ((e = stock_defaults(ctx, w->v)) != NULL)
		return e;
	if (!errs_any(es) && sn != NULL && sn[strspn(sn, ", \t")] != '\0') {
		if ((e = stock_serials(ctx, sn, w->v, &serials,
		    &nserials)) != NULL)
			return e;
		w->v[SF_QUANTITY].i = DEC_SCALE;
	}
	*ids = mem_alloc(&ctx->mem, (size_t)(nserials > 0 ? nserials : 1) *
	    sizeof(**ids));
	*nids = 0;
	do {
		if (serials != NULL)
			w->v[SF_SERIAL].s = serials[*nids];
		w->id = 0;
		if ((e = res_save(ctx, w, es)) != NULL)
			return e;
		(*ids)[(*nids)++] = w->id;
	} while (*nids < nserials);
	return NULL;
}

/*
 * POST /api/stock/: one item; location defaults to the part's default
 * location; tracked as created.  With InvenTree's serial_numbers, one item
 * of quantity 1 per serial number, answered as a list of the items.
 */
struct err *
stock_create(struct ctx *ctx)
{
	struct val v[SF__N];
	struct res_write w = { .res = &stock_resource, .v = v, .create = true };
	struct errs es;
	struct err *e;
	long long *ids = NULL;
	int nids = 0;

	errs_init(&es, ctx);
	for (int i = 0; i < SF__N; i++)
		val_default(&stock_fields[i], &v[i]);
	if ((e = req_data(ctx, &w.body)) != NULL)
		return e;
	val_object(ctx, w.body, stock_fields, SF__N, v, true, &es);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((e = db_end(ctx, stock_create_rows(ctx, &w, &es, &ids,
	    &nids))) != NULL)
		return e;
	bool many = v[SF_SERIAL_NUMBERS].s != NULL &&
	    v[SF_SERIAL_NUMBERS].s[strspn(v[SF_SERIAL_NUMBERS].s, ", \t")] !=
	    '\0';
	if (!many)
		return res_answer(ctx, &stock_resource, ids[0], 201);
	cJSON *a = cJSON_CreateArray();
	if (a == NULL)
		mem_oom();
	for (int i = 0; i < nids; i++) {
		cJSON *o;
		if ((e = res_get(ctx, &stock_resource, ids[i], NULL, &o)) !=
		    NULL) {
			cJSON_Delete(a);
			return e;
		}
		cJSON_AddItemToArray(a, o);
	}
	return resp_json(ctx, 201, a);
}

/* ---- adjustments ---------------------------------------------------- */

/*
 * An item of an adjustment: which, how much, and (as InvenTree's optional
 * transfer fields) a new batch code, status or packaging for the item that
 * results -- the moved part of a split -- where given and not empty.
 * Stockroom's own expected_quantity, where given, is the quantity the
 * caller saw: an item that holds another now is refused (an adjustment
 * queued offline never overwrites what changed meanwhile).
 */
enum { AI_PK, AI_QUANTITY, AI_BATCH, AI_STATUS, AI_PACKAGING, AI_EXPECTED,
	AI__N };
static const struct field adjust_item_fields[] = {
	[AI_PK] = { "pk", FT_ID, F_REQUIRED, .ref = &stock_resource,
	    .label = "Stock item" },
	[AI_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED },
	[AI_BATCH] = { "batch", FT_TEXT, 0, 100, .label = "Batch Code",
	    .help = "Batch code for this stock item (empty: unchanged)" },
	[AI_STATUS] = { "status", FT_CHOICE, F_NULL, .choices = stock_statuses,
	    .help = "Stock item status code (null: no change)" },
	[AI_PACKAGING] = { "packaging", FT_TEXT, 0, 50, .label = "Packaging",
	    .help = "Packaging this stock item is stored in (empty: "
	    "unchanged)" },
	[AI_EXPECTED] = { "expected_quantity", FT_DEC, F_NULL,
	    .label = "Expected quantity",
	    .help = "The quantity the item held when this was made (null: "
	    "not checked); the item is refused if it holds another now" },
	{ NULL },
};

/* The optional fields of one item: NULL / 0 where unchanged. */
struct adjust_extra {
	const char	*batch;
	long long	 status;
	const char	*packaging;
};

enum { AF_ITEMS, AF_NOTES, AF_LOCATION, AF__N };
const struct field stock_adjust_input[] = {
	[AF_ITEMS] = { "items", FT_NESTED, F_REQUIRED, STOCK_ADJUST_MAX,
	    .children = adjust_item_fields },
	[AF_NOTES] = { "notes", FT_NOTES, F_NULL | F_STRING, STOCK_NOTES_MAX },
	{ NULL },
};
const struct field stock_transfer_input[] = {
	[AF_ITEMS] = { "items", FT_NESTED, F_REQUIRED, STOCK_ADJUST_MAX,
	    .children = adjust_item_fields },
	[AF_NOTES] = { "notes", FT_NOTES, F_NULL | F_STRING, STOCK_NOTES_MAX },
	[AF_LOCATION] = { "location", FT_ID, F_REQUIRED,
	    .ref = &location_resource },
	{ NULL },
};

/* Runs an UPDATE taking (?1 id, ?2 value; NULL when value <= 0 and
 * nullable). */
static struct err *
stock_set(struct ctx *ctx, const char *sql, long long id, long long v,
    bool nullable)
{
	db_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return db_err(ctx, "stock update");
	st_bind_int64(st, 1, id);
	if (nullable && v <= 0)
		st_bind_null(st, 2);
	else
		st_bind_int64(st, 2, v);
	return db_step(ctx, st, "stock update");
}

static cJSON *
stock_deltas(const char *k1, cJSON *v1, const char *k2, cJSON *v2,
    const char *k3, cJSON *v3)
{
	cJSON *d = cJSON_CreateObject();

	if (d == NULL)
		mem_oom();
	if (k1 != NULL)
		json_item(d, k1, v1);
	if (k2 != NULL)
		json_item(d, k2, v2);
	if (k3 != NULL)
		json_item(d, k3, v3);
	return d;
}

static cJSON *
stock_num(long long v)
{
	cJSON *j = cJSON_CreateNumber((double)v);

	if (j == NULL)
		mem_oom();
	return j;
}

/*
 * The rules of one item of an adjustment, given its checked pk and
 * quantity: problems go into ie (nothing is written then).
 */
static void
stock_adjust_rules(struct ctx *ctx, enum stock_op op, long long q,
    long long cur, bool serialized, struct errs *ie)
{
	char buf[DEC_BUFSZ];

	if (q < 0 || (q == 0 && op != STOCK_COUNT))
		errs_add(ie, "quantity", op == STOCK_COUNT ?
		    "Quantity must not be negative." :
		    "Quantity must be greater than zero");
	else if ((op == STOCK_REMOVE || op == STOCK_TRANSFER) && q > cur)
		errs_add(ie, "quantity", mem_printf(&ctx->mem, "Quantity must "
		    "not exceed available stock quantity (%s)",
		    dec_format(cur, buf)));
	/* A serialized item is one thing: it is never split or added to. */
	else if (serialized && (op == STOCK_ADD || (op == STOCK_COUNT &&
	    q > DEC_SCALE)))
		errs_add(ie, "quantity", "Quantity must be 1 for serialized "
		    "stock");
	else if (serialized && (op == STOCK_REMOVE || op == STOCK_TRANSFER) &&
	    q != cur)
		errs_add(ie, "quantity", "Serialized stock cannot be split");
	else if (op == STOCK_ADD && q > DEC_MAX - cur)
		errs_add(ie, "quantity", "Ensure that there are no more than 15 "
		    "digits in total.");
}

/*
 * Gives item id the optional fields of x that are set, and notes them in
 * the deltas d of its tracking entry (returned).
 */
static struct err *
stock_adjust_extra(struct ctx *ctx, long long id,
    const struct adjust_extra *x, cJSON *d)
{
	if (x->batch == NULL && x->status == 0 && x->packaging == NULL)
		return NULL;
	db_stmt *st = db_prepare(ctx, stock_sql_set_extra);
	if (st == NULL)
		return db_err(ctx, "stock update");
	st_bind_int64(st, 1, id);
	if (x->batch != NULL) {
		st_bind_text(st, 2, x->batch, -1, SQLITE_STATIC);
		json_text(d, "batch", x->batch);
	}
	if (x->status != 0) {
		st_bind_int64(st, 3, x->status);
		json_int(d, "status", x->status);
	}
	if (x->packaging != NULL) {
		st_bind_text(st, 4, x->packaging, -1, SQLITE_STATIC);
		json_text(d, "packaging", x->packaging);
	}
	return db_step(ctx, st, "stock update");
}

/* Sets x's fields on id, then tracks the change with deltas d. */
static struct err *
stock_adjust_track(struct ctx *ctx, long long id, enum stock_track_code type,
    const char *notes, const struct adjust_extra *x, cJSON *d)
{
	struct err *e;

	if ((e = stock_adjust_extra(ctx, id, x, d)) != NULL) {
		cJSON_Delete(d);
		return e;
	}
	return stock_track(ctx, id, type, notes, d);
}

/* Applies one checked item of an adjustment. */
static struct err *
stock_adjust_apply(struct ctx *ctx, enum stock_op op, long long pk,
    long long q, long long cur, long long loc, bool deplete, long long dest,
    const char *notes, const struct adjust_extra *x)
{
	static const struct adjust_extra none = { NULL, 0, NULL };
	struct err *e;

	switch (op) {
	case STOCK_COUNT:
		if (deplete && q == 0)
			return res_delete_row(ctx, &stock_resource, pk);
		if ((e = stock_set(ctx, stock_sql_set_counted, pk, q,
		    false)) != NULL)
			return e;
		return stock_adjust_track(ctx, pk, TRACK_COUNTED, notes, x,
		    stock_deltas("quantity", dec_json(q), NULL, NULL, NULL,
		    NULL));
	case STOCK_ADD:
		if ((e = stock_set(ctx, stock_sql_set_quantity, pk, cur + q,
		    false)) != NULL)
			return e;
		return stock_adjust_track(ctx, pk, TRACK_ADDED, notes, x,
		    stock_deltas("added", dec_json(q), "quantity",
		    dec_json(cur + q), NULL, NULL));
	case STOCK_REMOVE:
		if (deplete && cur - q == 0)
			return res_delete_row(ctx, &stock_resource, pk);
		if ((e = stock_set(ctx, stock_sql_set_quantity, pk, cur - q,
		    false)) != NULL)
			return e;
		return stock_adjust_track(ctx, pk, TRACK_REMOVED, notes, x,
		    stock_deltas("removed", dec_json(q), "quantity",
		    dec_json(cur - q), NULL, NULL));
	case STOCK_TRANSFER:
		if (q == cur) {
			if (loc == dest && x->batch == NULL &&
			    x->status == 0 && x->packaging == NULL)
				return NULL;	/* already there */
			if (loc == dest)
				/* already there: only the fields change */
				return stock_adjust_track(ctx, pk,
				    TRACK_UPDATED, notes, x, stock_deltas(NULL,
				    NULL, NULL, NULL, NULL, NULL));
			if ((e = stock_set(ctx, stock_sql_set_location, pk,
			    dest, true)) != NULL)
				return e;
			return stock_adjust_track(ctx, pk, TRACK_MOVED, notes, x,
			    stock_deltas("location", stock_num(dest), NULL,
			    NULL, NULL, NULL));
		}
		/* Part of the item moves: it becomes a new item. */
		db_stmt *sp = db_prepare(ctx, stock_sql_split);
		if (sp == NULL)
			return db_err(ctx, "stock split");
		st_bind_int64(sp, 1, pk);
		st_bind_int64(sp, 2, dest);
		st_bind_int64(sp, 3, q);
		if ((e = db_step(ctx, sp, "stock split")) != NULL)
			return e;
		long long child = db_last_id(ctx);
		if ((e = stock_fts_add(ctx, child)) != NULL ||
		    (e = stock_set(ctx, stock_sql_set_quantity, pk, cur - q,
		    false)) != NULL ||
		    (e = stock_adjust_track(ctx, pk, TRACK_SPLIT_CHILD, notes,
		    &none, stock_deltas("stockitem", stock_num(child),
		    "removed", dec_json(q), "quantity", dec_json(cur - q)))) !=
		    NULL)
			return e;
		/* The moved part is the item the fields are for. */
		if ((e = stock_adjust_track(ctx, child, TRACK_SPLIT_FROM_PARENT,
		    notes, x, stock_deltas("stockitem", stock_num(pk),
		    "quantity", dec_json(q), "location", stock_num(dest)))) !=
		    NULL)
			return e;
		return x->batch != NULL ? stock_fts_sync(ctx, child) : NULL;
	case STOCK_OP__MAX:
		break;
	}
	return NULL;
}

/*
 * One item of an adjustment: checked against its fields, then the stock
 * rules, then applied.  Problems with the item go into ie.
 */
static struct err *
stock_adjust_one(struct ctx *ctx, enum stock_op op, const cJSON *it,
    long long dest, const char *notes, struct errs *ie)
{
	struct val v[AI__N];
	struct err *e;
	bool found;

	for (int i = 0; i < AI__N; i++)
		val_default(&adjust_item_fields[i], &v[i]);
	/* InvenTree's clients name the item "pk" or "item". */
	if (cJSON_IsObject(it) && cJSON_GetObjectItemCaseSensitive(it,
	    "pk") == NULL && cJSON_GetObjectItemCaseSensitive(it,
	    "item") != NULL) {
		const char *msg = val_json(ctx,
		    cJSON_GetObjectItemCaseSensitive(it, "item"),
		    &adjust_item_fields[AI_PK], &v[AI_PK]);
		if (msg != NULL)
			errs_add(ie, "pk", msg);
		val_object(ctx, it, adjust_item_fields + AI_QUANTITY,
		    AI__N - AI_QUANTITY, &v[AI_QUANTITY], true, ie);
	} else
		val_object(ctx, it, adjust_item_fields, AI__N, v, true, ie);
	if (errs_any(ie))
		return NULL;

	long long pk = v[AI_PK].i, q = v[AI_QUANTITY].i;
	db_stmt *st = db_prepare(ctx, stock_sql_adj_get);
	if (st == NULL)
		return db_err(ctx, "stock adjust");
	st_bind_int64(st, 1, pk);
	if ((e = db_row(ctx, st, "stock adjust", &found)) != NULL)
		return e;
	if (!found) {
		errs_addf(ie, "pk", "Invalid pk \"%lld\" - object does not "
		    "exist.", pk);
		return NULL;
	}
	long long cur = st_column_int64(st, 0);
	long long loc = st_column_int64(st, 1);
	bool deplete = st_column_int(st, 2) != 0;
	bool serialized = st_column_int(st, 3) != 0;
	bool consumed = st_column_int(st, 4) != 0;
	st_reset(st);
	/* Stock a build order consumed is history, not stock (InvenTree's
	 * require_in_stock of the adjustments' items). */
	if (consumed) {
		errs_add(ie, "pk", "Stock item is not in stock");
		return NULL;
	}
	if (!v[AI_EXPECTED].null && v[AI_EXPECTED].i != cur) {
		char now[DEC_BUFSZ], seen[DEC_BUFSZ];
		errs_addf(ie, "expected_quantity", "The stock item changed "
		    "meanwhile: it holds %s now, not %s.", dec_format(cur, now),
		    dec_format(v[AI_EXPECTED].i, seen));
		return NULL;
	}
	stock_adjust_rules(ctx, op, q, cur, serialized, ie);
	if (errs_any(ie))
		return NULL;
	struct adjust_extra x = {
		v[AI_BATCH].s != NULL && v[AI_BATCH].s[0] != '\0' ?
		    v[AI_BATCH].s : NULL,
		v[AI_STATUS].null ? 0 : v[AI_STATUS].i,
		v[AI_PACKAGING].s != NULL && v[AI_PACKAGING].s[0] != '\0' ?
		    v[AI_PACKAGING].s : NULL,
	};
	if ((e = stock_adjust_apply(ctx, op, pk, q, cur, loc, deplete, dest,
	    notes, &x)) != NULL)
		return e;
	/* A new batch code is searched for, like the one it replaces. */
	return x.batch != NULL && op != STOCK_TRANSFER ?
	    stock_fts_sync(ctx, pk) : NULL;
}

/*
 * POST /api/stock/{count,add,remove,transfer}/ with body
 * {"items": [{"pk", "quantity"}, ...], "notes": "...", "location": pk}.
 * Every item is checked and applied in order (so the same item twice sees
 * its first change); if anything is wrong the error is a 400 with
 * {"items": [{}, {"quantity": [...]}, ...]} (one object per item, empty for
 * the good ones) or the top-level field's message, and the caller must
 * roll back.
 */
struct err *
stock_adjust(struct ctx *ctx, enum stock_op op, const cJSON *body)
{
	const struct field *f = op == STOCK_TRANSFER ? stock_transfer_input :
	    stock_adjust_input;
	size_t nf = op == STOCK_TRANSFER ? 3 : 2;
	struct val v[AF__N];
	struct errs es;
	struct err *e;
	bool found, structural;

	errs_init(&es, ctx);
	for (size_t i = 0; i < nf; i++)
		val_default(&f[i], &v[i]);
	val_object(ctx, body, f, nf, v, true, &es);
	if ((e = errs_end(&es)) != NULL)
		return e;
	const char *notes = v[AF_NOTES].null ? "" : v[AF_NOTES].s;
	long long dest = 0;
	if (op == STOCK_TRANSFER) {
		dest = v[AF_LOCATION].i;
		if ((e = res_tree_node(ctx, &location_resource, dest, &found,
		    &structural)) != NULL)
			return e;
		if (!found)
			return err_field(ctx, "location", "Invalid pk \"%lld\" - "
			    "object does not exist.", dest);
		if (structural)
			return err_field(ctx, "location", "Stock items cannot be "
			    "located into structural stock locations!");
	}

	/* Each item's problems; the list of them is made only if any. */
	size_t n = (size_t)cJSON_GetArraySize(v[AF_ITEMS].j), k = 0;
	cJSON **maps = mem_zalloc(&ctx->mem, n * sizeof(*maps));
	bool bad = false;
	for (const cJSON *it = v[AF_ITEMS].j->child; it != NULL;
	    it = it->next, k++) {
		struct errs ie;
		errs_init(&ie, ctx);
		if ((e = stock_adjust_one(ctx, op, it, dest, notes,
		    &ie)) != NULL)
			return e;
		if (errs_any(&ie)) {
			bad = true;
			maps[k] = ie.map;
		}
	}
	if (!bad)
		return NULL;
	cJSON *list = cJSON_CreateArray();
	if (list == NULL)
		mem_oom();
	for (k = 0; k < n; k++)
		cJSON_AddItemToArray(list, maps[k] != NULL ?
		    cJSON_Duplicate(maps[k], true) : cJSON_CreateObject());
	errs_put(&es, "items", list);
	return errs_end(&es);
}

/* ---- change_status -------------------------------------------------- */

enum { CS_ITEMS, CS_STATUS, CS_NOTE, CS__N };
const struct field stock_status_input[] = {
	[CS_ITEMS] = { "items", FT_IDS, F_REQUIRED, STOCK_ADJUST_MAX,
	    .ref = &stock_resource },
	[CS_STATUS] = { "status", FT_CHOICE, 0, .def = 10,
	    .choices = stock_statuses },
	[CS_NOTE] = { "note", FT_NOTES, F_NULL | F_STRING, STOCK_NOTES_MAX },
	{ NULL },
};

/*
 * POST /api/stock/change_status/ with body {"items": [pk, ...], "status":
 * code (default OK), "note": "..."}, as InvenTree's
 * StockChangeStatusSerializer: every item gets the status, and a "stock
 * updated" tracking entry with {"status": code}, unless it has that status
 * already (then nothing is written for it).  An unknown item or status is
 * a 400 naming the field, and the caller must roll back.  *answer is the
 * request as understood.
 */
struct err *
stock_change_status(struct ctx *ctx, const cJSON *body, cJSON **answer)
{
	struct val v[CS__N];
	struct errs es;
	struct err *e;
	bool found;

	*answer = NULL;
	errs_init(&es, ctx);
	for (int i = 0; i < CS__N; i++)
		val_default(&stock_status_input[i], &v[i]);
	val_object(ctx, body, stock_status_input, CS__N, v, true, &es);
	if (!errs_any(&es) && v[CS_ITEMS].n == 0)
		errs_add(&es, "items", "No stock items selected");
	if ((e = errs_end(&es)) != NULL)
		return e;
	const char *note = v[CS_NOTE].null ? "" : v[CS_NOTE].s;
	long long code = v[CS_STATUS].i;

	db_stmt *get = db_prepare(ctx, stock_sql_status_get);
	if (get == NULL)
		return db_err(ctx, "stock status");
	cJSON *pks = cJSON_CreateArray();
	if (pks == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, pks);
	for (size_t i = 0; i < v[CS_ITEMS].n; i++) {
		long long pk = v[CS_ITEMS].ids[i];
		st_reset(get);
		st_bind_int64(get, 1, pk);
		if ((e = db_row(ctx, get, "stock status", &found)) != NULL)
			return e;
		if (!found)
			return err_field(ctx, "items", "Invalid pk \"%lld\" - "
			    "object does not exist.", pk);
		cJSON_AddItemToArray(pks, stock_num(pk));
		long long now = st_column_int64(get, 0);
		st_reset(get);
		if (now == code)
			continue;
		if ((e = stock_set(ctx, stock_sql_set_status, pk, code,
		    false)) != NULL ||
		    (e = stock_track(ctx, pk, TRACK_UPDATED, note,
		    stock_deltas("status", stock_num(code), NULL, NULL, NULL,
		    NULL))) != NULL)
			return e;
	}
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_item(o, "items", cJSON_Duplicate(pks, true));
	json_int(o, "status", code);
	json_text(o, "note", note);
	*answer = o;
	return NULL;
}

/* ---- conversion to a variant ---------------------------------------- */

enum { CV_PART, CV__N };

const struct field stock_convert_input[] = {
	[CV_PART] = { "part", FT_ID, F_REQUIRED, .ref = &part_resource,
	    .help = "Select part to convert stock item into" },
	{ NULL },
};

static const char stock_sql_convert_get[] =
    "SELECT part, supplier_part IS NOT NULL, serial, EXISTS (SELECT 1 "
    "FROM build_item WHERE stock_item = ?1) FROM stock_item WHERE id = ?1";
static const char stock_sql_part_exists[] =
    "SELECT 1 FROM part WHERE id = ?";
static const char stock_sql_convert_ok[] =
    "SELECT 1 FROM part p WHERE p.id = ?2 AND " PART_CONVERT_SQL("?1");
static const char stock_sql_set_part[] =
    "UPDATE stock_item SET part = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";

/* Runs a one-row query of (?1, ?2) into *found. */
static struct err *
stock_ask(struct ctx *ctx, const char *sql, long long a, long long b,
    bool *found)
{
	struct err *e;
	db_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return db_err(ctx, "stock convert");
	st_bind_int64(st, 1, a);
	if (strchr(sql, '2') != NULL)
		st_bind_int64(st, 2, b);
	e = db_row(ctx, st, "stock convert", found);
	st_reset(st);
	return e;
}

static struct err *
stock_convert_tx(struct ctx *ctx, long long id, const cJSON *body,
    long long *to)
{
	struct val v[CV__N];
	struct errs es;
	struct err *e;
	bool found;

	db_stmt *get = db_prepare(ctx, stock_sql_convert_get);
	if (get == NULL)
		return db_err(ctx, "stock convert");
	st_bind_int64(get, 1, id);
	if ((e = db_row(ctx, get, "stock convert", &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, "StockItem");
	long long from = st_column_int64(get, 0);
	bool supplied = st_column_int64(get, 1) != 0;
	const char *serial = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(get, 2));
	bool allocated = st_column_int64(get, 3) != 0;
	st_reset(get);

	errs_init(&es, ctx);
	val_default(&stock_convert_input[CV_PART], &v[CV_PART]);
	val_object(ctx, body, stock_convert_input, CV__N, v, true, &es);
	if ((e = errs_end(&es)) != NULL)
		return e;
	*to = v[CV_PART].i;
	if ((e = stock_ask(ctx, stock_sql_part_exists, *to, 0, &found)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, "part", "Invalid pk \"%lld\" - object "
		    "does not exist.", *to);
	if ((e = stock_ask(ctx, stock_sql_convert_ok, from, *to,
	    &found)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, "part", "Selected part is not a valid "
		    "option for conversion");
	if (supplied)
		return err_field(ctx, "non_field_errors", "Cannot convert "
		    "stock item with assigned SupplierPart");
	if (allocated)
		return err_field(ctx, "non_field_errors", "Cannot convert "
		    "stock item that is allocated to a build order");
	if (serial != NULL && serial[0] != '\0') {
		db_stmt *dup = db_prepare(ctx, stock_sql_serial_dup);
		if (dup == NULL)
			return db_err(ctx, "stock convert");
		st_bind_int64(dup, 1, *to);
		st_bind_text(dup, 2, serial, -1, SQLITE_STATIC);
		st_bind_int64(dup, 3, id);
		e = db_row(ctx, dup, "stock convert", &found);
		st_reset(dup);
		if (e != NULL)
			return e;
		if (found)
			return err_field(ctx, "non_field_errors", "Stock item "
			    "with this serial number already exists for the "
			    "selected part");
	}
	if ((e = stock_set(ctx, stock_sql_set_part, id, *to, false)) != NULL)
		return e;
	return stock_track(ctx, id, TRACK_CONVERTED, "Converted to part",
	    stock_deltas("part", stock_num(*to), NULL, NULL, NULL, NULL));
}

/*
 * POST /api/stock/<pk>/convert/ {part}: the item becomes an item of
 * another part of its part's variant tree (a variant below it, its
 * template or a sibling variant: InvenTree's get_conversion_options()),
 * tracked as CONVERTED_TO_VARIANT with the new part in the deltas.  Not
 * an item with a supplier part (InvenTree's rule) nor one allocated to a
 * build (the allocation names the item's part).  201 {"part": pk}.
 */
struct err *
stock_convert(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk"), to = 0;
	const cJSON *body;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, stock_convert_tx(ctx, id, body, &to))) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_int(o, "part", to);
	return resp_json(ctx, 201, o);
}

/* ---- tracking ------------------------------------------------------- */

/* InvenTree's StockHistoryCode: value, label, name (no colours). */
const struct choice stock_track_codes[] = {
	{ TRACK_CREATED, "Stock item created", "CREATED", "secondary" },
	{ TRACK_EDITED, "Edited stock item", "EDITED", "secondary" },
	{ TRACK_COUNTED, "Stock counted", "STOCK_COUNT", "secondary" },
	{ TRACK_ADDED, "Stock manually added", "STOCK_ADD", "secondary" },
	{ TRACK_REMOVED, "Stock manually removed", "STOCK_REMOVE",
	  "secondary" },
	{ TRACK_RETURNED, "Returned to stock", "RETURNED_TO_STOCK",
	  "secondary" },
	{ TRACK_MOVED, "Location changed", "STOCK_MOVE", "secondary" },
	{ TRACK_UPDATED, "Stock updated", "STOCK_UPDATE", "secondary" },
	{ TRACK_SPLIT_FROM_PARENT, "Split from parent item",
	  "SPLIT_FROM_PARENT", "secondary" },
	{ TRACK_SPLIT_CHILD, "Split child item", "SPLIT_CHILD_ITEM",
	  "secondary" },
	{ TRACK_MERGED, "Merged stock items", "MERGED_STOCK_ITEMS",
	  "secondary" },
	{ TRACK_CONVERTED, "Converted to variant", "CONVERTED_TO_VARIANT",
	  "secondary" },
	{ TRACK_BUILD_COMPLETED, "Build order output completed",
	  "BUILD_OUTPUT_COMPLETED", "secondary" },
	{ TRACK_BUILD_REJECTED, "Build order output rejected",
	  "BUILD_OUTPUT_REJECTED", "secondary" },
	{ TRACK_BUILD_CONSUMED, "Consumed by build order", "BUILD_CONSUMED",
	  "secondary" },
	{ TRACK_RECEIVED, "Received against purchase order",
	  "RECEIVED_AGAINST_PURCHASE_ORDER", "secondary" },
	{ 0, NULL, NULL, NULL },
};

enum { TF_ITEM, TF_DATE, TF_TYPE, TF_LABEL, TF_NOTES, TF_USER, TF_DELTAS,
	TF__N };

static const struct field tracking_fields[] = {
	[TF_ITEM] = { "item", FT_ID, F_FILTER, .ref = &stock_resource },
	[TF_DATE] = { "date", FT_DATETIME, F_READ_ONLY | F_ORDER,
	    .col = "date" },
	[TF_TYPE] = { "tracking_type", FT_INT, F_FILTER | F_ORDER },
	[TF_LABEL] = { "label", FT_CHOICE, F_READ_ONLY | F_LABEL,
	    .col = "tracking_type", .choices = stock_track_codes },
	[TF_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	[TF_USER] = { "user", FT_ID, F_NULL | F_FILTER, .ref = &user_resource },
	/* Our own JSON text, written by stock_track(): sent as stored. */
	[TF_DELTAS] = { "deltas", FT_JSON, F_READ_ONLY, .col = "deltas" },
};
_Static_assert(sizeof(tracking_fields) / sizeof(tracking_fields[0]) == TF__N,
    "tracking fields");

static const struct res_filter tracking_filters[] = {
	{ "part", FT_ID, " AND t.item IN (SELECT id FROM stock_item "
	  "WHERE part = ?)", NULL, &part_resource, NULL },
};

static const struct res_tally tracking_tallies[] = {
	{ "", RES_TALLY_SQL("stock_tracking", "0") },
};

static const struct list_search tracking_search = {
	" AND t.notes LIKE ? ESCAPE '\\'", 0, 1,
	" AND t.notes LIKE ? ESCAPE '\\'", 1, NULL,
};

/* InvenTree's StockItemSerializerBrief; part_name is the full name;
   part_units is ours. */
static const char tracking_sql_item[] =
    "SELECT s.id, s.part, s.location, s.quantity, s.serial, "
    "p.IPN || CASE WHEN p.IPN <> '' THEN ' | ' ELSE '' END || p.name || "
    "CASE WHEN p.revision <> '' THEN ' | ' || p.revision ELSE '' END, "
    "s.barcode_hash, p.units FROM stock_item s JOIN part p ON p.id = s.part "
    "WHERE s.id = ?";
static const char tracking_sql_user[] =
    "SELECT id, username, first_name, last_name FROM users WHERE id = ?";

/* What to nest in a tracking entry: ?item_detail=, ?user_detail=. */
struct tracking_view {
	bool		 item_detail;
	bool		 user_detail;
	db_stmt	*item;
	db_stmt	*user;
};

static struct err *
tracking_view(struct ctx *ctx, void **view)
{
	struct tracking_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "item_detail", false, &v->item_detail)) != NULL)
		return e;
	return list_flag(ctx, "user_detail", false, &v->user_detail);
}

/* The row of id from a one-id statement, kept in *cache; NULL if none. */
static db_stmt *
tracking_lookup(struct ctx *ctx, db_stmt **cache, const char *sql,
    long long id)
{
	if (*cache == NULL && (*cache = db_prepare(ctx, sql)) == NULL)
		return NULL;
	st_reset(*cache);
	st_bind_int64(*cache, 1, id);
	return st_step(*cache) == SQLITE_ROW ? *cache : NULL;
}

/* item_detail (a brief item) and user_detail (names only, no e-mail). */
static void
tracking_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct tracking_view *v = view;
	db_stmt *r;

	if (v == NULL)
		return;
	if (v->item_detail) {
		r = tracking_lookup(ctx, &v->item, tracking_sql_item,
		    st_column_int64(st, res_col(&tracking_resource, TF_ITEM)));
		if (r == NULL)
			json_null(o, "item_detail");
		else {
			cJSON *d = cJSON_CreateObject();
			json_int(d, "pk", st_column_int64(r, 0));
			json_int(d, "part", st_column_int64(r, 1));
			db_json_text(d, "part_name", r, 5);
			db_json_id(d, "location", r, 2);
			json_item(d, "quantity", dec_json(
			    st_column_int64(r, 3)));
			const char *sn = (const char *)st_column_text(r,
			    4);
			if (sn == NULL || sn[0] == '\0')
				json_null(d, "serial");
			else
				json_text(d, "serial", sn);
			json_null(d, "supplier_part");
			db_json_text(d, "barcode_hash", r, 6);
			/* Ours: a history row says "+2 m" without a look-up. */
			db_json_text(d, "part_units", r, 7);
			json_item(o, "item_detail", d);
			st_reset(r);
		}
	}
	if (v->user_detail) {
		int col = res_col(&tracking_resource, TF_USER);
		r = st_column_type(st, col) == SQLITE_NULL ? NULL :
		    tracking_lookup(ctx, &v->user, tracking_sql_user,
		    st_column_int64(st, col));
		if (r == NULL)
			json_null(o, "user_detail");
		else {
			cJSON *d = cJSON_CreateObject();
			json_int(d, "pk", st_column_int64(r, 0));
			db_json_text(d, "username", r, 1);
			db_json_text(d, "first_name", r, 2);
			db_json_text(d, "last_name", r, 3);
			json_item(o, "user_detail", d);
			st_reset(r);
		}
	}
}

static const struct res_hooks tracking_hooks = {
	.view = tracking_view,
	.render = tracking_render,
};

static struct res_sql tracking_sql;

const struct resource tracking_resource = {
	.model = "stockitemtracking",
	.name = "StockItemTracking",
	.table = "stock_tracking",
	.alias = "t",
	.path = "/api/stock/track/",
	.web = "history/",
	.area = "stock",
	.noun = "stock tracking entry",
	.plural = "stock tracking entries",
	RES_FIELDS(tracking_fields),
	RES_FILTERS(tracking_filters),
	RES_TALLIES(tracking_tallies),
	.order = "t.id DESC",
	.search = &tracking_search,
	.hooks = &tracking_hooks,
	.flags = RES_KEYED | RES_READ_ONLY,
	.sql = &tracking_sql,
};

/* ---- consumed by a build order -------------------------------------- */

static const char stock_sql_consume_get[] =
    "SELECT quantity FROM stock_item WHERE id = ?";
/* The consumed part of an item: a child of it, consumed, no location. */
static const char stock_sql_split_consumed[] =
    "INSERT INTO stock_item (part, location, parent, quantity, batch, "
    "status, notes, packaging, link, expiry_date, purchase_price, "
    "purchase_price_currency, supplier_part, purchase_order, "
    "delete_on_deplete, consumed_by) "
    "SELECT part, NULL, id, ?2, batch, status, notes, packaging, link, "
    "expiry_date, purchase_price, purchase_price_currency, supplier_part, "
    "purchase_order, delete_on_deplete, ?3 FROM stock_item WHERE id = ?1";
static const char stock_sql_set_consumed[] =
    "UPDATE stock_item SET consumed_by = ?2, location = NULL, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";

struct err *
stock_consume(struct ctx *ctx, long long item, long long quantity,
    long long build, const char *notes, long long *consumed)
{
	db_stmt *st = db_prepare(ctx, stock_sql_consume_get);
	struct err *e;
	bool found;

	*consumed = 0;
	if (st == NULL)
		return db_err(ctx, "stock consume");
	st_bind_int64(st, 1, item);
	if ((e = db_row(ctx, st, "stock consume", &found)) != NULL)
		return e;
	long long have = found ? st_column_int64(st, 0) : 0;
	st_reset(st);
	if (!found || quantity <= 0 || quantity > have)
		return err_field(ctx, "quantity", "Allocated quantity exceeds "
		    "available stock quantity");
	long long it = item;
	if (quantity < have) {
		/* Part of it: split off, the rest stays where it is. */
		if ((st = db_prepare(ctx, stock_sql_split_consumed)) == NULL)
			return db_err(ctx, "stock consume");
		st_bind_int64(st, 1, item);
		st_bind_int64(st, 2, quantity);
		st_bind_int64(st, 3, build);
		if ((e = db_step(ctx, st, "stock consume")) != NULL)
			return e;
		it = db_last_id(ctx);
		if ((e = stock_fts_add(ctx, it)) != NULL ||
		    (e = stock_set(ctx, stock_sql_set_quantity, item,
		    have - quantity, false)) != NULL ||
		    (e = stock_track(ctx, item, TRACK_SPLIT_CHILD, notes,
		    stock_deltas("stockitem", stock_num(it), "removed",
		    dec_json(quantity), "quantity", dec_json(have -
		    quantity)))) != NULL ||
		    (e = stock_track(ctx, it, TRACK_SPLIT_FROM_PARENT, notes,
		    stock_deltas("stockitem", stock_num(item), "quantity",
		    dec_json(quantity), NULL, NULL))) != NULL)
			return e;
	} else if ((e = stock_set(ctx, stock_sql_set_consumed, item, build,
	    false)) != NULL)
		return e;
	*consumed = it;
	return stock_track(ctx, it, TRACK_BUILD_CONSUMED, notes, stock_deltas(
	    "buildorder", stock_num(build), "quantity", dec_json(quantity),
	    NULL, NULL));
}
