/*
 * output: build lines, allocations and outputs of build orders.  See
 * output.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "mem.h"
#include "req.h"
#include "res.h"
#include "res_tree.h"
#include "route.h"
#include "val.h"

#include "inventory/bom.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "manufacturing/build.h"
#include "manufacturing/output.h"
#include "purchasing/order.h"
#include "tasks/event.h"

#define OUT_ITEMS_MAX	1000	/* items or outputs in one request */
#define BUILD_OPEN	"(10, 20, 25)"
#define IN_STOCK	"(10, 50, 55, 85)"	/* and not consumed_by */

enum { OUT_BUILDING = 1, OUT_COMPLETE = 2, OUT_SCRAPPED = 3 };
enum { STOCK_OK = 10, STOCK_REJECTED = 65 };

/* ---- small readers -------------------------------------------------- */

/* The first column of sql's rows (binding a, and b when nonzero... or
 * always when the statement has two parameters), into an arena array. */
static struct err *
out_ids(struct ctx *ctx, const char *sql, long long a, long long b,
    long long **out, size_t *n)
{
	db_stmt *st = db_prepare(ctx, sql);
	size_t cap = 16;
	long long *ids = mem_alloc(&ctx->mem, cap * sizeof(*ids));
	int rc;

	*n = 0;
	if (st == NULL)
		return db_err(ctx, "build");
	st_bind_int64(st, 1, a);
	if (st_bind_parameter_count(st) >= 2)
		st_bind_int64(st, 2, b);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			long long *more = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*more));
			memcpy(more, ids, cap * sizeof(*ids));
			ids = more;
			cap *= 2;
		}
		ids[(*n)++] = st_column_int64(st, 0);
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "build");
	*out = ids;
	return NULL;
}

/* Runs sql (one or two int parameters) for its side effect. */
static struct err *
out_exec(struct ctx *ctx, const char *sql, long long a, long long b,
    long long c)
{
	db_stmt *st = db_prepare(ctx, sql);
	int np;

	if (st == NULL)
		return db_err(ctx, "build");
	np = st_bind_parameter_count(st);
	st_bind_int64(st, 1, a);
	if (np >= 2)
		st_bind_int64(st, 2, b);
	if (np >= 3)
		st_bind_int64(st, 3, c);
	return db_step(ctx, st, "build");
}

/* ---- build lines ---------------------------------------------------- */

/*
 * A line's BOM item and its component, joined to its row
 * (build_line_resource.join): each read once for all the columns that
 * show them, instead of once a column.
 */
#define LINE_JOIN " LEFT JOIN bom_item lb ON lb.id = l.bom_item " \
	"LEFT JOIN part lp ON lp.id = lb.sub_part LEFT JOIN build lo ON " \
	"lo.id = l.build"
#define LINE_ALLOCATED "(SELECT coalesce(sum(quantity), 0) FROM build_item " \
	"WHERE build_line = l.id)"
#define LINE_SUB_AVAILABLE "(SELECT coalesce(sum(max(sp.in_stock - " \
	"sp.allocated, 0)), 0) FROM bom_item_substitute s " \
	"JOIN part sp ON sp.id = s.part WHERE s.bom_item = l.bom_item)"
/* What the line may take from: the variants only when it allows them.
 * For the filters, which the count runs too (without the join): the
 * BOM item and its component read once for both figures. */
#define LINE_USABLE "((SELECT " PART_AVAILABLE_OF("pa") " + CASE WHEN " \
	"bq.allow_variants = 1 THEN " PART_VARIANT_AVAILABLE_OF("pa") \
	" ELSE 0 END FROM bom_item bq JOIN part pa ON pa.id = bq.sub_part " \
	"WHERE bq.id = l.bom_item) + " LINE_SUB_AVAILABLE ")"

enum { LF_BUILD, LF_BOM_ITEM, LF_PART, LF_QUANTITY, LF_CONSUMED,
	LF_ALLOCATED, LF_REFERENCE, LF_OPTIONAL, LF_CONSUMABLE,
	LF_ALLOW_VARIANTS, LF_INHERITED, LF_TRACKABLE, LF_AVAILABLE,
	LF_AVAILABLE_SUB, LF_AVAILABLE_VARIANT, LF_EXTERNAL, LF_ON_ORDER,
	LF_IN_PRODUCTION, LF_BUILD_REFERENCE, LF_PART_DETAIL, LF_BOM_DETAIL,
	LF_ALLOCATIONS, LF__N };

static const struct field build_line_fields[] = {
	[LF_BUILD] = { "build", FT_ID, F_READ_ONLY | F_FILTER, .col = "build",
	    .ref = &build_resource },
	[LF_BOM_ITEM] = { "bom_item", FT_ID, F_READ_ONLY | F_FILTER,
	    .col = "bom_item", .ref = &bom_item_resource },
	[LF_PART] = { "part", FT_ID, F_READ_ONLY, .col = "lb.sub_part",
	    .ref = &part_resource },
	[LF_QUANTITY] = { "quantity", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "quantity", .help = "Required quantity for build order" },
	[LF_CONSUMED] = { "consumed", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "consumed", .help = "Quantity of consumed stock" },
	[LF_ALLOCATED] = { "allocated", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = LINE_ALLOCATED },
	[LF_REFERENCE] = { "reference", FT_TEXT, F_READ_ONLY,
	    .col = "lb.reference" },
	[LF_OPTIONAL] = { "optional", FT_BOOL, F_READ_ONLY,
	    .col = "lb.optional" },
	[LF_CONSUMABLE] = { "consumable", FT_BOOL, F_READ_ONLY,
	    .col = "lb.consumable" },
	[LF_ALLOW_VARIANTS] = { "allow_variants", FT_BOOL, F_READ_ONLY,
	    .col = "lb.allow_variants" },
	[LF_INHERITED] = { "inherited", FT_BOOL, F_READ_ONLY,
	    .col = "lb.inherited" },
	[LF_TRACKABLE] = { "trackable", FT_BOOL, F_READ_ONLY,
	    .col = "lp.trackable" },
	[LF_AVAILABLE] = { "available_stock", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = PART_AVAILABLE_OF("lp") },
	[LF_AVAILABLE_SUB] = { "available_substitute_stock", FT_DEC,
	    F_READ_ONLY, .col = LINE_SUB_AVAILABLE },
	/* InvenTree's: shown whatever the line allows. */
	[LF_AVAILABLE_VARIANT] = { "available_variant_stock", FT_DEC,
	    F_READ_ONLY, .col = PART_VARIANT_AVAILABLE_OF("lp") },
	/* No sales orders or external stock yet. */
	[LF_EXTERNAL] = { "external_stock", FT_DEC, F_READ_ONLY, .col = "0" },
	[LF_ON_ORDER] = { "on_order", FT_DEC, F_READ_ONLY, .col = "0" },
	[LF_IN_PRODUCTION] = { "in_production", FT_DEC, F_READ_ONLY,
	    .col = "0" },
	[LF_BUILD_REFERENCE] = { "build_reference", FT_TEXT, F_READ_ONLY,
	    .col = "lo.reference" },
	[LF_PART_DETAIL] = { "part_detail", FT_JSON, F_READ_ONLY | F_HOOK },
	[LF_BOM_DETAIL] = { "bom_item_detail", FT_JSON, F_READ_ONLY | F_HOOK },
	/* The hook lists them; the column counts them. */
	[LF_ALLOCATIONS] = { "allocations", FT_JSON, F_READ_ONLY | F_HOOK,
	    .col = "(SELECT count(*) FROM build_item WHERE build_line = l.id)",
	    .help = "Stock allocated to the line" },
};
_Static_assert(sizeof(build_line_fields) / sizeof(build_line_fields[0]) ==
    LF__N, "build line fields");

#define LINE_BOM_FLAG(name, col) { name, FT_BOOL, " AND l.bom_item IN " \
	"(SELECT id FROM bom_item WHERE " col " = 1)", " AND l.bom_item IN " \
	"(SELECT id FROM bom_item WHERE " col " = 0)", NULL, NULL, false }
#define LINE_TRACKED " AND l.bom_item IN (SELECT b.id FROM bom_item b " \
	"JOIN part p ON p.id = b.sub_part WHERE p.trackable = 1)"
#define LINE_UNTRACKED " AND l.bom_item IN (SELECT b.id FROM bom_item b " \
	"JOIN part p ON p.id = b.sub_part WHERE p.trackable = 0)"

static const struct res_filter build_line_filters[] = {
	{ "part", FT_ID, " AND l.bom_item IN (SELECT id FROM bom_item WHERE "
	  "sub_part = ?)", NULL, &part_resource, NULL, false },
	/* Allocated in full: what is allocated and what was consumed
	 * cover the quantity. */
	{ "allocated", FT_BOOL, " AND " LINE_ALLOCATED " + l.consumed >= "
	  "l.quantity", " AND " LINE_ALLOCATED " + l.consumed < l.quantity",
	  NULL, NULL, false },
	/* Enough available stock for what is still to allocate. */
	{ "available", FT_BOOL, " AND " LINE_USABLE " >= l.quantity - "
	  "l.consumed - " LINE_ALLOCATED, " AND " LINE_USABLE " < l.quantity - "
	  "l.consumed - " LINE_ALLOCATED, NULL, NULL, false },
	{ "completed", FT_BOOL, " AND l.consumed >= l.quantity",
	  " AND l.consumed < l.quantity", NULL, NULL, false },
	LINE_BOM_FLAG("optional", "optional"),
	LINE_BOM_FLAG("consumable", "consumable"),
	LINE_BOM_FLAG("inherited", "inherited"),
	LINE_BOM_FLAG("allow_variants", "allow_variants"),
	{ "trackable", FT_BOOL, LINE_TRACKED, LINE_UNTRACKED, NULL, NULL,
	  false },
	{ "tracked", FT_BOOL, LINE_TRACKED, LINE_UNTRACKED, NULL, NULL,
	  false },
};

static const struct res_order build_line_orders[] = {
	{ "part", "lp.name, l.id", "lp.name DESC, l.id DESC" },
	{ "reference", "lb.reference, l.id", "lb.reference DESC, l.id DESC" },
};

#define LINE_SEARCH " AND l.bom_item IN (SELECT b.id FROM bom_item b JOIN " \
	"part p ON p.id = b.sub_part WHERE b.reference LIKE ? ESCAPE '\\' OR " \
	"p.name LIKE ? ESCAPE '\\' OR p.IPN LIKE ? ESCAPE '\\' OR " \
	"p.description LIKE ? ESCAPE '\\')"

static const struct list_search build_line_search = {
	LINE_SEARCH, 0, 4, LINE_SEARCH, 4, NULL,
};

/* ?part_detail= and ?bom_item_detail= (true unless false), allocations
 * always.  The nested rows are written as text (res_nested()), with
 * statements and the user's stars read once for the list's rows. */
struct line_view {
	bool	 part_detail, bom_detail;
	db_stmt	*part, *bom, *item, *items;
	void	*part_view;
};

static struct err *
build_line_view(struct ctx *ctx, void **view)
{
	struct line_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	v->part_view = part_nested_view(ctx);
	if ((e = list_flag(ctx, "part_detail", true, &v->part_detail)) != NULL)
		return e;
	return list_flag(ctx, "bom_item_detail", true, &v->bom_detail);
}

static const char line_sql_items[] =
    "SELECT id FROM build_item WHERE build_line = ? ORDER BY id";

static void
build_line_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	const struct resource *r = &build_line_resource;
	struct line_view none = { true, true, NULL, NULL, NULL, NULL, NULL };
	struct line_view *v = view != NULL ? view : &none;

	if (v->part_detail) {
		cJSON *d = res_nested(ctx, &part_resource, &v->part,
		    st_column_int64(st, res_col(r, LF_PART)), v->part_view);
		if (d != NULL)
			json_item(o, "part_detail", d);
		else
			json_null(o, "part_detail");
	}
	if (v->bom_detail) {
		cJSON *d = res_nested(ctx, &bom_item_resource, &v->bom,
		    st_column_int64(st, res_col(r, LF_BOM_ITEM)), NULL);
		if (d != NULL)
			json_item(o, "bom_item_detail", d);
		else
			json_null(o, "bom_item_detail");
	}
	/* The column counts them: a line without any (most, until they are
	 * allocated) needs no statement of its own. */
	db_stmt *ss = st_column_int64(st, res_col(r, LF_ALLOCATIONS)) == 0 ?
	    NULL : v->items != NULL ? v->items : db_prepare(ctx,
	    line_sql_items);
	cJSON *list;
	if (ss != NULL) {
		v->items = ss;
		st_bind_int64(ss, 1, st_column_int64(st, 0));
		list = res_nested_all(ctx, &build_item_resource, &v->item,
		    ss, NULL);
	} else if ((list = cJSON_CreateArray()) == NULL)
		mem_oom();
	json_item(o, "allocations", list);
}

static const struct res_hooks build_line_hooks = {
	.view = build_line_view,
	.render = build_line_render,
};

static struct res_sql build_line_sql;

const struct resource build_line_resource = {
	.model = "buildline",
	.name = "BuildLine",
	.table = "build_line",
	.alias = "l",
	.path = "/api/build/line/",
	.area = "build",
	.noun = "build line",
	.plural = "build lines",
	RES_FIELDS(build_line_fields),
	RES_FILTERS(build_line_filters),
	RES_ORDERS(build_line_orders),
	.order = "l.build, l.id",
	.join = LINE_JOIN,
	.search = &build_line_search,
	.hooks = &build_line_hooks,
	.flags = RES_READ_ONLY | RES_METADATA,
	.sql = &build_line_sql,
};

/*
 * What a BOM line needs for n assemblies (all 10^-5): quantity x n x (1 +
 * attrition / 100), rounded up to 10^-5, plus the setup quantity, rounded
 * up to the rounding multiple (InvenTree's get_required_quantity()).
 */
static long long
line_required(long long q, long long setup, long long attrition,
    long long rounding, long long n)
{
	/* q x n: 10^-10; x (10^7 + t): 10^-17 -> 10^-5 is / 10^12 */
	__int128 d = (__int128)1000000000000LL;
	__int128 r = ((__int128)q * n * (10000000 + attrition) + d - 1) / d +
	    setup;

	if (rounding > 0)
		r = (r + rounding - 1) / rounding * rounding;
	return r > VAL_ID_MAX ? VAL_ID_MAX : (long long)r;
}

static const char line_sql_bom[] =
    "SELECT id, quantity, setup_quantity, attrition, "
    "coalesce(rounding_multiple, 0) FROM bom_item WHERE part = ? ORDER BY id";
static const char line_sql_drop[] =
    "DELETE FROM build_line WHERE build = ?1 AND bom_item NOT IN "
    "(SELECT id FROM bom_item WHERE part = ?2)";
static const char line_sql_set[] =
    "UPDATE build_line SET quantity = ?3 WHERE build = ?1 AND bom_item = ?2";
/* Derived rows, not a request's: build_line_resource is read-only. */
static const char line_sql_add[] =
    "INSERT INTO build_line (build, bom_item, quantity) VALUES (?1, ?2, ?3)";

struct err *
build_lines_sync(struct ctx *ctx, long long id, long long part,
    long long quantity)
{
	db_stmt *st = db_prepare(ctx, line_sql_bom);
	struct err *e;
	size_t n = 0, cap = 16;
	long long (*rows)[2] = mem_alloc(&ctx->mem, cap * sizeof(*rows));
	int rc;

	if (st == NULL)
		return db_err(ctx, "build line");
	st_bind_int64(st, 1, part);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			long long (*more)[2] = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*more));
			memcpy(more, rows, n * sizeof(*rows));
			rows = more;
			cap *= 2;
		}
		rows[n][0] = st_column_int64(st, 0);
		rows[n][1] = line_required(st_column_int64(st, 1),
		    st_column_int64(st, 2), st_column_int64(st, 3),
		    st_column_int64(st, 4), quantity);
		n++;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "build line");
	if ((e = out_exec(ctx, line_sql_drop, id, part, 0)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++) {
		if ((e = out_exec(ctx, line_sql_set, id, rows[i][0],
		    rows[i][1])) != NULL)
			return e;
		if (db_changes(ctx) == 0 && (e = out_exec(ctx, line_sql_add, id,
		    rows[i][0], rows[i][1])) != NULL)
			return e;
	}
	return NULL;
}

/* ---- outputs -------------------------------------------------------- */

static const struct choice output_states[] = {
	{ OUT_BUILDING, "Production", "PRODUCTION", "primary" },
	{ OUT_COMPLETE, "Complete", "COMPLETE", "success" },
	{ OUT_SCRAPPED, "Scrapped", "SCRAPPED", "danger" },
	{ 0, NULL, NULL, NULL },
};

enum { OF_BUILD, OF_PART, OF_QUANTITY, OF_BATCH, OF_SERIAL, OF_STATE,
	OF_STATE_TEXT, OF_IS_BUILDING, OF_STOCK_ITEM, OF_LOCATION,
	OF_COMPLETION_DATE, OF_ALLOCATED, OF__N };

static const struct field build_output_fields[] = {
	[OF_BUILD] = { "build", FT_ID, F_READ_ONLY | F_FILTER, .col = "build",
	    .ref = &build_resource },
	[OF_PART] = { "part", FT_ID, F_READ_ONLY,
	    .col = "(SELECT part FROM build WHERE id = o.build)",
	    .ref = &part_resource },
	[OF_QUANTITY] = { "quantity", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "quantity" },
	[OF_BATCH] = { "batch", FT_TEXT, F_READ_ONLY | F_FILTER,
	    .col = "batch" },
	[OF_SERIAL] = { "serial", FT_TEXT, F_READ_ONLY | F_EMPTY_NULL |
	    F_FILTER, .col = "serial" },
	[OF_STATE] = { "state", FT_CHOICE, F_READ_ONLY | F_FILTER, .col =
	    "state", .choices = output_states },
	[OF_STATE_TEXT] = { "state_text", FT_CHOICE, F_READ_ONLY | F_LABEL,
	    .col = "state", .choices = output_states },
	[OF_IS_BUILDING] = { "is_building", FT_BOOL, F_READ_ONLY,
	    .col = "(o.state = 1)" },
	/* The stock item it became (completed or scrapped). */
	[OF_STOCK_ITEM] = { "stock_item", FT_ID, F_READ_ONLY | F_NULL,
	    .col = "stock_item", .ref = &stock_resource },
	/* Where it is: its stock item's location, else the build's
	 * destination (inventree-python completes an output "at its
	 * location" unless told). */
	[OF_LOCATION] = { "location", FT_ID, F_READ_ONLY | F_NULL,
	    .col = "coalesce((SELECT location FROM stock_item WHERE id = "
	    "o.stock_item), (SELECT destination FROM build WHERE id = o.build))",
	    .ref = &location_resource },
	[OF_COMPLETION_DATE] = { "completion_date", FT_DATE,
	    F_READ_ONLY | F_NULL, .col = "completion_date" },
	/* Tracked stock allocated to it. */
	[OF_ALLOCATED] = { "allocated", FT_DEC, F_READ_ONLY,
	    .col = "(SELECT coalesce(sum(quantity), 0) FROM build_item WHERE "
	    "install_into = o.id)" },
};
_Static_assert(sizeof(build_output_fields) / sizeof(build_output_fields[0])
    == OF__N, "build output fields");

static const struct res_filter build_output_filters[] = {
	{ "is_building", FT_BOOL, " AND o.state = 1", " AND o.state <> 1",
	  NULL, NULL, false },
};

static struct res_sql build_output_sql;

const struct resource build_output_resource = {
	.model = "buildoutput",
	.name = "BuildOutput",
	.table = "build_output",
	.alias = "o",
	.path = "/api/build/output/",
	.area = "build",
	.noun = "build output",
	.plural = "build outputs",
	RES_FIELDS(build_output_fields),
	RES_FILTERS(build_output_filters),
	.order = "o.build, o.id",
	.flags = RES_READ_ONLY | RES_METADATA,
	.sql = &build_output_sql,
};

/* ---- allocations (build items) -------------------------------------- */

enum { IF_BUILD, IF_BUILD_LINE, IF_STOCK_ITEM, IF_QUANTITY, IF_INSTALL_INTO,
	IF_PART, IF_LOCATION, IF_BOM_REFERENCE, IF_PART_DETAIL,
	IF_STOCK_DETAIL, IF_LOCATION_DETAIL, IF__N };

static const struct field build_item_fields[] = {
	[IF_BUILD] = { "build", FT_ID, F_READ_ONLY, .col = "(SELECT build "
	    "FROM build_line WHERE id = i.build_line)",
	    .ref = &build_resource },
	[IF_BUILD_LINE] = { "build_line", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &build_line_resource },
	[IF_STOCK_ITEM] = { "stock_item", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &stock_resource, .label = "Stock Item",
	    .help = "Source stock item" },
	[IF_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED | F_ORDER,
	    .help = "Stock quantity to allocate to build" },
	[IF_INSTALL_INTO] = { "install_into", FT_ID, F_NULL | F_FILTER,
	    .ref = &build_output_resource, .label = "Install into",
	    .help = "Destination stock item" },
	/* The stock item's part (kept by the validate hook). */
	[IF_PART] = { "part", FT_ID, F_READ_ONLY | F_STORED | F_FILTER,
	    .col = "part", .ref = &part_resource },
	[IF_LOCATION] = { "location", FT_ID, F_READ_ONLY, .col = "(SELECT "
	    "location FROM stock_item WHERE id = i.stock_item)",
	    .ref = &location_resource },
	[IF_BOM_REFERENCE] = { "bom_reference", FT_TEXT, F_READ_ONLY,
	    .col = "(SELECT b.reference FROM build_line l JOIN bom_item b ON "
	    "b.id = l.bom_item WHERE l.id = i.build_line)" },
	[IF_PART_DETAIL] = { "part_detail", FT_JSON, F_READ_ONLY | F_HOOK },
	[IF_STOCK_DETAIL] = { "stock_item_detail", FT_JSON,
	    F_READ_ONLY | F_HOOK },
	[IF_LOCATION_DETAIL] = { "location_detail", FT_JSON,
	    F_READ_ONLY | F_HOOK },
};
_Static_assert(sizeof(build_item_fields) / sizeof(build_item_fields[0]) ==
    IF__N, "build item fields");

static const struct res_filter build_item_filters[] = {
	{ "build", FT_ID, " AND i.build_line IN (SELECT id FROM build_line "
	  "WHERE build = ?)", NULL, &build_resource, NULL, false },
	{ "output", FT_ID, " AND i.install_into = ?",
	  " AND i.install_into IS NULL", &build_output_resource, NULL, false },
	{ "tracked", FT_BOOL, " AND i.install_into IS NOT NULL",
	  " AND i.install_into IS NULL", NULL, NULL, false },
	{ "location", FT_ID, " AND i.stock_item IN (SELECT id FROM stock_item "
	  "WHERE location IN (SELECT descendant FROM stock_location_tree "
	  "WHERE ancestor = ?))", NULL, &location_resource, NULL, false },
};

/* ?part_detail=, ?stock_item_detail=, ?location_detail= (false unless
 * asked). */
struct item_view {
	bool	 part_detail, stock_detail, location_detail;
	db_stmt	*part, *stock, *location;
};

static struct err *
build_item_view(struct ctx *ctx, void **view)
{
	struct item_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) !=
	    NULL || (e = list_flag(ctx, "stock_item_detail", false,
	    &v->stock_detail)) != NULL)
		return e;
	return list_flag(ctx, "location_detail", false, &v->location_detail);
}

static void
item_nest(struct ctx *ctx, cJSON *o, const char *name,
    const struct resource *r, db_stmt **cache, db_stmt *st, int col)
{
	cJSON *d = NULL;

	if (st_column_type(st, col) != SQLITE_NULL)
		d = res_nested(ctx, r, cache, st_column_int64(st, col), NULL);
	if (d != NULL)
		json_item(o, name, d);
	else
		json_null(o, name);
}

static void
build_item_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	const struct resource *r = &build_item_resource;
	struct item_view *v = view;

	if (v == NULL)
		return;
	if (v->part_detail)
		item_nest(ctx, o, "part_detail", &part_resource, &v->part, st,
		    res_col(r, IF_PART));
	if (v->stock_detail)
		item_nest(ctx, o, "stock_item_detail", &stock_resource,
		    &v->stock, st, res_col(r, IF_STOCK_ITEM));
	if (v->location_detail)
		item_nest(ctx, o, "location_detail", &location_resource,
		    &v->location, st, res_col(r, IF_LOCATION));
}

/* One allocation to check: line, item, output (0: none), quantity; the
 * allocation it replaces (0: none), and what the check finds. */
struct alloc {
	long long	 line, item, output, quantity, exclude;
	long long	 build, part;
};

static const char alloc_sql_line[] =
    "SELECT l.build, b.status, q.sub_part, p.trackable, l.bom_item, "
    "q.allow_variants "
    "FROM build_line l JOIN build b ON b.id = l.build JOIN bom_item q ON "
    "q.id = l.bom_item JOIN part p ON p.id = q.sub_part WHERE l.id = ?";
static const char alloc_sql_item[] =
    "SELECT s.part, s.quantity, s.status IN " IN_STOCK " AND s.consumed_by "
    "IS NULL, s.serial <> '', "
    "(SELECT coalesce(sum(quantity), 0) FROM build_item WHERE stock_item = "
    "s.id AND id <> ?2) FROM stock_item s WHERE s.id = ?1";
static const char alloc_sql_substitute[] =
    "SELECT 1 FROM bom_item_substitute WHERE bom_item = ?1 AND part = ?2";
/* Is part ?2 a variant (at any depth) of the component ?3 or of one of
 * line ?1's substitutes, and as trackable as the component? */
static const char alloc_sql_variant[] =
    "SELECT 1 FROM part_variant_tree t JOIN part v ON v.id = t.descendant "
    "WHERE t.descendant = ?2 AND (t.ancestor = ?3 OR t.ancestor IN (SELECT "
    "part FROM bom_item_substitute WHERE bom_item = ?1)) AND v.trackable = "
    "(SELECT trackable FROM part WHERE id = ?3)";
static const char alloc_sql_output[] =
    "SELECT build, state FROM build_output WHERE id = ?";

/*
 * The rules of one allocation (output.h), for build (0: the line's);
 * problems into es, the output's under okey ("output" for allocate/,
 * "install_into" for /api/build/item/).  Fills a->build and a->part.
 */
static struct err *
alloc_check(struct ctx *ctx, struct alloc *a, long long build,
    struct errs *es, const char *okey)
{
	db_stmt *st = db_prepare(ctx, alloc_sql_line);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "allocation");
	st_bind_int64(st, 1, a->line);
	if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
		return e;
	if (!found) {
		errs_addf(es, "build_line", "Invalid pk \"%lld\" - object does "
		    "not exist.", a->line);
		return NULL;
	}
	a->build = st_column_int64(st, 0);
	long long status = st_column_int64(st, 1);
	long long sub_part = st_column_int64(st, 2);
	bool tracked = st_column_int64(st, 3) != 0;
	long long bom = st_column_int64(st, 4);
	bool variants = st_column_int64(st, 5) != 0;
	st_reset(st);
	if (build != 0 && a->build != build) {
		errs_add(es, "build_line", "Build line does not match build "
		    "order");
		return NULL;
	}
	if (status != BUILD_PENDING && status != BUILD_PRODUCTION &&
	    status != BUILD_ON_HOLD) {
		errs_add(es, "build_line", "Build order is not open: stock "
		    "cannot be allocated to it");
		return NULL;
	}
	if ((st = db_prepare(ctx, alloc_sql_item)) == NULL)
		return db_err(ctx, "allocation");
	st_bind_int64(st, 1, a->item);
	st_bind_int64(st, 2, a->exclude);
	if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
		return e;
	if (!found) {
		errs_addf(es, "stock_item", "Invalid pk \"%lld\" - object does "
		    "not exist.", a->item);
		return NULL;
	}
	a->part = st_column_int64(st, 0);
	long long have = st_column_int64(st, 1);
	bool in_stock = st_column_int64(st, 2) != 0 && have > 0;
	bool serialized = st_column_int64(st, 3) != 0;
	long long others = st_column_int64(st, 4);
	st_reset(st);
	if (a->part != sub_part) {
		if ((st = db_prepare(ctx, alloc_sql_substitute)) == NULL)
			return db_err(ctx, "allocation");
		st_bind_int64(st, 1, bom);
		st_bind_int64(st, 2, a->part);
		if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
			return e;
		st_reset(st);
	}
	if (a->part != sub_part && !found) {
		/* A variant of the component or of a substitute: only when
		 * the line allows variants. */
		if ((st = db_prepare(ctx, alloc_sql_variant)) == NULL)
			return db_err(ctx, "allocation");
		st_bind_int64(st, 1, bom);
		st_bind_int64(st, 2, a->part);
		st_bind_int64(st, 3, sub_part);
		if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
			return e;
		st_reset(st);
		if (found && !variants) {
			errs_add(es, "stock_item", "Selected stock item is of a "
			    "variant part, and the BOM line does not allow "
			    "variants");
			return NULL;
		}
		if (!found) {
			errs_add(es, "stock_item", "Selected stock item does not "
			    "match BOM line");
			return NULL;
		}
	}
	if (!in_stock) {
		errs_add(es, "stock_item", "Item must be in stock");
		return NULL;
	}
	if (a->quantity <= 0) {
		errs_add(es, "quantity", "Quantity must be greater than zero");
		return NULL;
	}
	if (serialized && a->quantity != DEC_SCALE) {
		errs_add(es, "quantity", "Quantity must be 1 for serialized "
		    "stock");
		return NULL;
	}
	if (a->quantity > have - others) {
		char q[DEC_BUFSZ];
		errs_addf(es, "quantity", "Available quantity (%s) exceeded",
		    dec_format(have - others > 0 ? have - others : 0, q));
		return NULL;
	}
	if (tracked && a->output == 0) {
		errs_add(es, okey, "Build output must be specified for "
		    "allocation of tracked parts");
		return NULL;
	}
	if (!tracked && a->output != 0) {
		errs_add(es, okey, "Build output cannot be specified for "
		    "allocation of untracked parts");
		return NULL;
	}
	if (a->output != 0) {
		if ((st = db_prepare(ctx, alloc_sql_output)) == NULL)
			return db_err(ctx, "allocation");
		st_bind_int64(st, 1, a->output);
		if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
			return e;
		long long ob = found ? st_column_int64(st, 0) : 0;
		long long state = found ? st_column_int64(st, 1) : 0;
		st_reset(st);
		if (!found || ob != a->build)
			errs_add(es, okey, "Build output does not match the "
			    "parent build");
		else if (state != OUT_BUILDING)
			errs_add(es, okey, "This build output has already been "
			    "completed");
	}
	return NULL;
}

/* /api/build/item/: the same rules as allocate/. */
static struct err *
build_item_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct alloc a = {
		.line = v[IF_BUILD_LINE].i, .item = v[IF_STOCK_ITEM].i,
		.output = v[IF_INSTALL_INTO].null ? 0 : v[IF_INSTALL_INTO].i,
		.quantity = v[IF_QUANTITY].i, .exclude = w->id,
	};
	struct err *e;

	if ((e = alloc_check(ctx, &a, 0, es, "install_into")) != NULL)
		return e;
	v[IF_PART].i = a.part;
	v[IF_PART].null = false;
	return NULL;
}

static const struct res_hooks build_item_hooks = {
	.view = build_item_view,
	.render = build_item_render,
	.validate = build_item_validate,
};

static struct res_sql build_item_sql;

const struct resource build_item_resource = {
	.model = "builditem",
	.name = "BuildItem",
	.table = "build_item",
	.alias = "i",
	.path = "/api/build/item/",
	.area = "build",
	.noun = "build item",
	.plural = "build items",
	RES_FIELDS(build_item_fields),
	RES_FILTERS(build_item_filters),
	.order = "i.build_line, i.id",
	.hooks = &build_item_hooks,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &build_item_sql,
};

static const char alloc_sql_same[] =
    "SELECT id FROM build_item WHERE build_line = ?1 AND stock_item = ?2 "
    "AND coalesce(install_into, 0) = ?3";

/* Writes checked allocation a: added to the same line, item and output's
 * allocation when there is one (InvenTree's get_or_create), else new. */
static struct err *
alloc_write(struct ctx *ctx, const struct alloc *a)
{
	const struct resource *r = &build_item_resource;
	struct val v[IF__N + 1];
	struct res_write w = { .res = r, .v = v };
	db_stmt *st = db_prepare(ctx, alloc_sql_same);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "allocation");
	st_bind_int64(st, 1, a->line);
	st_bind_int64(st, 2, a->item);
	st_bind_int64(st, 3, a->output);
	if ((e = db_row(ctx, st, "allocation", &found)) != NULL)
		return e;
	w.id = found ? st_column_int64(st, 0) : 0;
	st_reset(st);
	if (found) {
		if ((e = res_load(ctx, r, w.id, v)) != NULL)
			return e;
		v[IF_QUANTITY].i += a->quantity;
	} else {
		w.create = true;
		for (int i = 0; i < IF__N; i++)
			val_default(&r->fields[i], &v[i]);
		v[IF_BUILD_LINE].i = a->line;
		v[IF_STOCK_ITEM].i = a->item;
		v[IF_QUANTITY].i = a->quantity;
		v[IF_BUILD_LINE].null = v[IF_STOCK_ITEM].null =
		    v[IF_QUANTITY].null = false;
		v[IF_INSTALL_INTO].i = a->output;
		v[IF_INSTALL_INTO].null = a->output == 0;
		v[IF_PART].i = a->part;
		v[IF_PART].null = false;
	}
	return res_write_row(ctx, &w);
}

/* ---- the build an action is on -------------------------------------- */

struct bstate {
	long long	 id, status, part, quantity, completed;
	long long	 destination, take_from;
	bool		 trackable;
	const char	*reference;
};

static const char build_sql_state[] =
    "SELECT b.status, b.part, b.quantity, b.completed, b.destination, "
    "b.take_from, p.trackable, b.reference FROM build b JOIN part p ON "
    "p.id = b.part WHERE b.id = ?";

static struct err *
bstate_load(struct ctx *ctx, long long id, struct bstate *b)
{
	db_stmt *st = db_prepare(ctx, build_sql_state);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "build");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "build", &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, "Build");
	b->id = id;
	b->status = st_column_int64(st, 0);
	b->part = st_column_int64(st, 1);
	b->quantity = st_column_int64(st, 2);
	b->completed = st_column_int64(st, 3);
	b->destination = st_column_type(st, 4) == SQLITE_NULL ? 0 :
	    st_column_int64(st, 4);
	b->take_from = st_column_type(st, 5) == SQLITE_NULL ? 0 :
	    st_column_int64(st, 5);
	b->trackable = st_column_int64(st, 6) != 0;
	b->reference = mem_strdup(&ctx->mem, (const char *)st_column_text(st,
	    7));
	st_reset(st);
	return NULL;
}

static bool
bstate_open(const struct bstate *b)
{
	return b->status == BUILD_PENDING || b->status == BUILD_PRODUCTION ||
	    b->status == BUILD_ON_HOLD;
}

/* Parses the body against fields (n of them) into v. */
static struct err *
out_input(struct ctx *ctx, const struct field *f, size_t n, struct val *v)
{
	const cJSON *body;
	struct errs es;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	errs_init(&es, ctx);
	for (size_t i = 0; i < n; i++)
		val_default(&f[i], &v[i]);
	val_object(ctx, body, f, n, v, true, &es);
	return errs_end(&es);
}

/* The echo of an action's body: InvenTree answers 201 with it. */
static struct err *
out_echo(struct ctx *ctx)
{
	const cJSON *body;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	cJSON *o = cJSON_IsObject(body) ? cJSON_Duplicate(body, 1) :
	    cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	return resp_json(ctx, 201, o);
}

/* The most fields an action's body has (the enums' __N below). */
#define OUT_INPUT_MAX	8

/*
 * An action on build <pk> (InvenTree's POST /api/build/<pk>/<action>/):
 * the body parsed against input (n fields), tx run in one transaction,
 * then the body echoed as InvenTree answers (201).
 */
static struct err *
out_action(struct ctx *ctx, const struct field *input, size_t n,
    struct err *(*tx)(struct ctx *, long long, const struct val *))
{
	long long id = route_param_id(ctx, "pk");
	struct val v[OUT_INPUT_MAX];
	struct err *e;

	if ((e = out_input(ctx, input, n, v)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, tx(ctx, id, v))) != NULL)
		return e;
	return out_echo(ctx);
}

/* ---- allocate/ ------------------------------------------------------ */

enum { AI_LINE, AI_ITEM, AI_QUANTITY, AI_OUTPUT, AI__N };
static const struct field alloc_item_input[] = {
	[AI_LINE] = { "build_line", FT_ID, F_REQUIRED,
	    .ref = &build_line_resource, .label = "Build Line Item" },
	[AI_ITEM] = { "stock_item", FT_ID, F_REQUIRED, .ref = &stock_resource,
	    .label = "Stock Item" },
	[AI_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED },
	[AI_OUTPUT] = { "output", FT_ID, F_NULL, .ref = &build_output_resource,
	    .label = "Build Output" },
	{ NULL },
};

enum { AL_ITEMS, AL__N };
const struct field alloc_input[] = {
	[AL_ITEMS] = { "items", FT_NESTED, F_REQUIRED, OUT_ITEMS_MAX,
	    .children = alloc_item_input },
	{ NULL },
};

/* Answers a 400 whose key holds one error object per element (empty for
 * the good ones), as DRF does for a list of nested serializers. */
static struct err *
out_list_errors(struct ctx *ctx, const char *key, cJSON **maps, size_t n)
{
	struct errs es;
	cJSON *list = cJSON_CreateArray();

	if (list == NULL)
		mem_oom();
	errs_init(&es, ctx);
	for (size_t k = 0; k < n; k++)
		cJSON_AddItemToArray(list, maps[k] != NULL ?
		    cJSON_Duplicate(maps[k], true) : cJSON_CreateObject());
	errs_put(&es, key, list);
	return errs_end(&es);
}

static struct err *
allocate_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct err *e;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	size_t n = (size_t)cJSON_GetArraySize(v[AL_ITEMS].j), k = 0;
	if (n == 0)
		return err_field(ctx, "items", "Allocation items must be "
		    "provided");
	if (!bstate_open(&b))
		return err_field(ctx, "non_field_errors", "Build order is not "
		    "open: stock cannot be allocated to it");
	cJSON **maps = mem_zalloc(&ctx->mem, n * sizeof(*maps));
	bool bad = false;
	/* Each item is checked against the allocations before it, the
	 * request's own included (written as they pass): all or none. */
	for (const cJSON *it = v[AL_ITEMS].j->child; it != NULL;
	    it = it->next, k++) {
		struct val iv[AI__N];
		struct errs ie;
		errs_init(&ie, ctx);
		for (int i = 0; i < AI__N; i++)
			val_default(&alloc_item_input[i], &iv[i]);
		val_object(ctx, it, alloc_item_input, AI__N, iv, true, &ie);
		struct alloc a = {
			.line = iv[AI_LINE].i, .item = iv[AI_ITEM].i,
			.output = iv[AI_OUTPUT].null ? 0 : iv[AI_OUTPUT].i,
			.quantity = iv[AI_QUANTITY].i,
		};
		if (!errs_any(&ie) && (e = alloc_check(ctx, &a, id, &ie,
		    "output")) != NULL)
			return e;
		if (errs_any(&ie)) {
			bad = true;
			maps[k] = ie.map;
			continue;
		}
		if (!bad && (e = alloc_write(ctx, &a)) != NULL)
			return e;
	}
	if (bad)
		return out_list_errors(ctx, "items", maps, n);
	return NULL;
}

/* POST /api/build/<pk>/allocate/ {"items": [{build_line, stock_item,
 * quantity, output}, ...]}: all of them or none. */
struct err *
build_allocate(struct ctx *ctx)
{
	return out_action(ctx, alloc_input, AL__N, allocate_tx);
}

/* ---- unallocate/ ---------------------------------------------------- */

enum { UA_LINE, UA_OUTPUT, UA__N };
const struct field unallocate_input[] = {
	[UA_LINE] = { "build_line", FT_ID, F_NULL, .ref = &build_line_resource,
	    .label = "Build Line" },
	[UA_OUTPUT] = { "output", FT_ID, F_NULL, .ref = &build_output_resource,
	    .label = "Build output" },
	{ NULL },
};

/* The build's allocations, of one line and one output when given. */
static const char unalloc_sql[] =
    "DELETE FROM build_item WHERE build_line IN (SELECT id FROM build_line "
    "WHERE build = ?1 AND (?2 = 0 OR id = ?2)) AND (?3 = 0 OR "
    "install_into = ?3)";
static const char unalloc_sql_line[] =
    "SELECT 1 FROM build_line WHERE id = ?1 AND build = ?2";
static const char unalloc_sql_output[] =
    "SELECT 1 FROM build_output WHERE id = ?1 AND build = ?2";

static struct err *
unallocate_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct err *e;
	bool found;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	for (int k = UA_LINE; k <= UA_OUTPUT; k++) {
		if (v[k].null)
			continue;
		db_stmt *st = db_prepare(ctx, k == UA_LINE ? unalloc_sql_line :
		    unalloc_sql_output);
		if (st == NULL)
			return db_err(ctx, "unallocate");
		st_bind_int64(st, 1, v[k].i);
		st_bind_int64(st, 2, id);
		if ((e = db_row(ctx, st, "unallocate", &found)) != NULL)
			return e;
		st_reset(st);
		if (!found)
			return err_field(ctx, unallocate_input[k].name, k == UA_LINE ?
			    "Build line does not match build order" : "Build "
			    "output does not match the parent build");
	}
	return out_exec(ctx, unalloc_sql, id, v[UA_LINE].null ? 0 :
	    v[UA_LINE].i, v[UA_OUTPUT].null ? 0 : v[UA_OUTPUT].i);
}

/* POST /api/build/<pk>/unallocate/ {build_line, output}: releases the
 * build's allocations (of that line, to that output, when given). */
struct err *
build_unallocate(struct ctx *ctx)
{
	return out_action(ctx, unallocate_input, UA__N, unallocate_tx);
}

/* ---- auto-allocate/ ------------------------------------------------- */

enum { AA_LOCATION, AA_EXCLUDE, AA_INTERCHANGEABLE, AA_SUBSTITUTES,
	AA_OPTIONAL, AA__N };
const struct field auto_input[] = {
	[AA_LOCATION] = { "location", FT_ID, F_NULL, .ref = &location_resource,
	    .label = "Source Location", .help = "Stock location where parts "
	    "are to be sourced (leave blank to take from any location)" },
	[AA_EXCLUDE] = { "exclude_location", FT_ID, F_NULL,
	    .ref = &location_resource, .label = "Exclude Location",
	    .help = "Exclude stock items from this selected location" },
	[AA_INTERCHANGEABLE] = { "interchangeable", FT_BOOL, 0, .def = 0,
	    .label = "Interchangeable Stock", .help = "Stock items in multiple "
	    "locations can be used interchangeably" },
	[AA_SUBSTITUTES] = { "substitutes", FT_BOOL, 0, .def = 1,
	    .label = "Substitute Stock",
	    .help = "Allow allocation of substitute parts" },
	[AA_OPTIONAL] = { "optional_items", FT_BOOL, 0, .def = 0,
	    .label = "Optional Items",
	    .help = "Allocate optional BOM items to build order" },
	{ NULL },
};

/* The untracked lines to fill: id, what is left to allocate, the BOM
 * line, component, whether it allows variants; whether it is optional or
 * consumable; whether it has substitutes, the component variants, and
 * its substitutes variants. */
static const char auto_sql_lines[] =
    "SELECT l.id, l.quantity - l.consumed - (SELECT coalesce(sum("
    "quantity), 0) FROM build_item WHERE build_line = l.id), l.bom_item, "
    "q.sub_part, q.allow_variants, q.optional, q.consumable, "
    "CASE WHEN EXISTS (SELECT 1 FROM bom_item_substitute WHERE bom_item = "
    "q.id) THEN 1 ELSE 0 END, CASE WHEN EXISTS (SELECT 1 FROM "
    "part_variant_tree WHERE ancestor = q.sub_part) THEN 1 ELSE 0 END, "
    "CASE WHEN EXISTS (SELECT 1 FROM bom_item_substitute bs JOIN "
    "part_variant_tree t ON t.ancestor = bs.part WHERE bs.bom_item = q.id) "
    "THEN 1 ELSE 0 END "
    "FROM build_line l JOIN bom_item q "
    "ON q.id = l.bom_item JOIN part p ON p.id = q.sub_part "
    "WHERE l.build = ? AND p.trackable = 0 ORDER BY l.id";
/*
 * In-stock, unserialized items of the component (and its substitutes;
 * and, when the line allows variants, the untracked variants of either),
 * within the location's subtree and outside the excluded one, with what
 * is not yet allocated.  InvenTree's order: the component's items, then
 * its variants', then the substitutes' (and theirs); oldest first in
 * each.
 */
#define AUTO_VARIANTS "(SELECT t.descendant FROM part_variant_tree t JOIN " \
	"part v ON v.id = t.descendant WHERE v.trackable = 0 AND "
static const char auto_sql_candidates[] =
    "SELECT s.id, s.part, s.quantity FROM stock_item s "
    "WHERE (s.part = ?1 OR (?2 = 1 AND s.part IN (SELECT part FROM "
    "bom_item_substitute WHERE bom_item = ?3)) OR (?6 = 1 AND s.part IN "
    AUTO_VARIANTS "(t.ancestor = ?1 OR (?2 = 1 AND t.ancestor IN (SELECT "
    "part FROM bom_item_substitute WHERE bom_item = ?3)))))) "
    "AND s.status IN " IN_STOCK
    " AND s.consumed_by IS NULL AND s.quantity > 0 AND s.serial = '' AND (?4 = 0 OR s.location IN "
    "(SELECT descendant FROM stock_location_tree WHERE ancestor = ?4)) AND "
    "(?5 = 0 OR s.location IS NULL OR s.location NOT IN (SELECT descendant "
    "FROM stock_location_tree WHERE ancestor = ?5)) ORDER BY CASE WHEN "
    "s.part = ?1 THEN 1 WHEN s.part IN " AUTO_VARIANTS "t.ancestor = ?1) "
    "THEN 2 ELSE 3 END, s.id";
/*
 * The same for one part, for a line without variants to take from (most
 * lines), where the query above comes down to its component's items,
 * then its substitutes' (auto_line()): sorted by id in C (SQLite's sorter
 * costs more for a dozen rows).  The status is tested row by row (+): an
 * IN list, or ORs SQLite makes one, would build a table of the four
 * values at every run to look the index up with.
 */
static const char auto_sql_candidates_own[] =
    "SELECT s.id, s.part, s.quantity FROM stock_item s "
    "WHERE s.part = ?1 AND (+s.status = 10 OR +s.status = 50 OR "
    "+s.status = 55 OR +s.status = 85) AND s.consumed_by IS NULL AND "
    "s.quantity > 0 AND s.serial = '' AND (?2 = 0 OR s.location IN "
    "(SELECT descendant FROM stock_location_tree WHERE ancestor = ?2)) AND "
    "(?3 = 0 OR s.location IS NULL OR s.location NOT IN (SELECT descendant "
    "FROM stock_location_tree WHERE ancestor = ?3))";
/* What builds hold of an item already. */
static const char auto_sql_held[] =
    "SELECT coalesce(sum(quantity), 0) FROM build_item WHERE stock_item = ?";

struct candidate {
	long long	 item, part, quantity;
};

static int
candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return x->item < y->item ? -1 : x->item > y->item;
}

/* What of candidate c is not allocated yet, into *avail. */
static struct err *
candidate_avail(struct ctx *ctx, const struct candidate *c, long long *avail)
{
	db_stmt *st = db_prepare(ctx, auto_sql_held);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "auto-allocate");
	st_bind_int64(st, 1, c->item);
	if ((e = db_row(ctx, st, "auto-allocate", &found)) != NULL)
		return e;
	*avail = c->quantity - (found ? st_column_int64(st, 0) : 0);
	st_reset(st);
	return NULL;
}

/* Appends the rows of the bound statement st (id, part, quantity) to
 * *c (n of cap), then resets it. */
static struct err *
candidates_add(struct ctx *ctx, db_stmt *st, struct candidate **c, size_t *n,
    size_t *cap)
{
	int rc;

	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			struct candidate *more = mem_alloc(&ctx->mem, 2 * *cap *
			    sizeof(*more));
			memcpy(more, *c, *n * sizeof(**c));
			*c = more;
			*cap *= 2;
		}
		(*c)[*n].item = st_column_int64(st, 0);
		(*c)[*n].part = st_column_int64(st, 1);
		(*c)[*n].quantity = st_column_int64(st, 2);
		(*n)++;
	}
	st_reset(st);
	return rc == SQLITE_DONE ? NULL : db_err(ctx, "auto-allocate");
}

/* The items of part (auto_sql_candidates_own), sorted by id, appended. */
static struct err *
candidates_of(struct ctx *ctx, long long part, long long location,
    long long exclude, struct candidate **c, size_t *n, size_t *cap)
{
	db_stmt *st = db_prepare(ctx, auto_sql_candidates_own);
	size_t from = *n;
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "auto-allocate");
	st_bind_int64(st, 1, part);
	st_bind_int64(st, 2, location);
	st_bind_int64(st, 3, exclude);
	if ((e = candidates_add(ctx, st, c, n, cap)) != NULL)
		return e;
	if (*n - from > 1)
		qsort(*c + from, *n - from, sizeof(**c), candidate_cmp);
	return NULL;
}

static const char auto_sql_substitutes[] =
    "SELECT part FROM bom_item_substitute WHERE bom_item = ?";

/*
 * Fills line (left to allocate) from the candidate items in InvenTree's
 * order, each for what no build holds of it: all of them as needed when
 * the stock is interchangeable, else only when exactly one has any.
 * What a candidate has free is read only when it comes to it (the first
 * item usually covers the line); allocating one changes no other's.
 * Without variants to take from (plain: most lines) the order is the
 * component's items by id, then its substitutes' (when asked) by id:
 * read part by part, which costs a fraction of auto_sql_candidates and
 * its lists of parts.
 */
static struct err *
auto_line(struct ctx *ctx, const struct val *v, long long location,
    long long line, long long left, long long bom, long long part,
    bool variants, bool plain, bool subs)
{
	size_t n = 0, cap = 16;
	struct candidate *c = mem_alloc(&ctx->mem, cap * sizeof(*c));
	long long exclude = v[AA_EXCLUDE].null ? 0 : v[AA_EXCLUDE].i;
	struct err *e;

	if (plain) {
		if ((e = candidates_of(ctx, part, location, exclude, &c, &n,
		    &cap)) != NULL)
			return e;
		if (subs && v[AA_SUBSTITUTES].i) {
			long long *sp;
			size_t ns, from = n;
			if ((e = out_ids(ctx, auto_sql_substitutes, bom, 0, &sp,
			    &ns)) != NULL)
				return e;
			for (size_t k = 0; k < ns; k++)
				if ((e = candidates_of(ctx, sp[k], location,
				    exclude, &c, &n, &cap)) != NULL)
					return e;
			if (ns > 1 && n - from > 1)
				qsort(c + from, n - from, sizeof(*c),
				    candidate_cmp);
		}
	} else {
		db_stmt *st = db_prepare(ctx, auto_sql_candidates);
		if (st == NULL)
			return db_err(ctx, "auto-allocate");
		st_bind_int64(st, 1, part);
		st_bind_int64(st, 2, v[AA_SUBSTITUTES].i != 0);
		st_bind_int64(st, 3, bom);
		st_bind_int64(st, 4, location);
		st_bind_int64(st, 5, exclude);
		st_bind_int64(st, 6, variants);
		if ((e = candidates_add(ctx, st, &c, &n, &cap)) != NULL)
			return e;
	}
	if (!v[AA_INTERCHANGEABLE].i) {
		/* Only a single candidate with anything free is taken. */
		long long avail, one = 0;
		size_t k = n;
		for (size_t i = 0; i < n; i++) {
			if ((e = candidate_avail(ctx, &c[i], &avail)) != NULL)
				return e;
			if (avail <= 0)
				continue;
			if (k < n)
				return NULL;
			k = i;
			one = avail;
		}
		if (k == n || left <= 0)
			return NULL;
		struct alloc a = { .line = line, .item = c[k].item,
		    .part = c[k].part, .quantity = one < left ? one : left };
		return alloc_write(ctx, &a);
	}
	for (size_t i = 0; i < n && left > 0; i++) {
		long long avail;
		if ((e = candidate_avail(ctx, &c[i], &avail)) != NULL)
			return e;
		if (avail <= 0)
			continue;
		struct alloc a = { .line = line, .item = c[i].item,
		    .part = c[i].part,
		    .quantity = avail < left ? avail : left };
		if ((e = alloc_write(ctx, &a)) != NULL)
			return e;
		left -= a.quantity;
	}
	return NULL;
}

static struct err *
auto_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct err *e;
	db_stmt *st;
	int rc;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	if (!bstate_open(&b))
		return err_field(ctx, "non_field_errors", "Build order is not "
		    "open: stock cannot be allocated to it");
	long long location = !v[AA_LOCATION].null ? v[AA_LOCATION].i :
	    b.take_from;
	bool found, structural;
	for (int k = AA_LOCATION; k <= AA_EXCLUDE; k++) {
		if (v[k].null)
			continue;
		if ((e = res_tree_node(ctx, &location_resource, v[k].i, &found,
		    &structural)) != NULL)
			return e;
		if (!found)
			return err_field(ctx, auto_input[k].name, "Invalid pk "
			    "\"%lld\" - object does not exist.", v[k].i);
	}
	if ((st = db_prepare(ctx, auto_sql_lines)) == NULL)
		return db_err(ctx, "auto-allocate");
	size_t n = 0, cap = 16;
	long long (*l)[7] = mem_alloc(&ctx->mem, cap * sizeof(*l));
	st_bind_int64(st, 1, id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		/* Consumable lines are not allocated; optional ones only
		 * when asked. */
		if (st_column_int64(st, 6) != 0 || (st_column_int64(st, 5) != 0
		    && !v[AA_OPTIONAL].i) || st_column_int64(st, 1) <= 0)
			continue;
		if (n == cap) {
			long long (*more)[7] = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*more));
			memcpy(more, l, n * sizeof(*l));
			l = more;
			cap *= 2;
		}
		for (int j = 0; j < 5; j++)
			l[n][j] = st_column_int64(st, j);
		l[n][6] = st_column_int64(st, 7);
		/*
		 * Plain: the component's items, then its substitutes' (when
		 * asked), when no variant can be a candidate (none, or not
		 * allowed) nor come before the other substitutes (a
		 * substitute that is a variant of the component).
		 */
		bool allow = st_column_int64(st, 4) != 0;
		bool subs = v[AA_SUBSTITUTES].i && st_column_int64(st, 7);
		bool comp_var = st_column_int64(st, 8) != 0;
		bool subs_var = subs && st_column_int64(st, 9);
		l[n][5] = !(comp_var && (allow || subs)) && !(allow && subs_var);
		n++;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "auto-allocate");
	for (size_t i = 0; i < n; i++)
		if ((e = auto_line(ctx, v, location, l[i][0], l[i][1], l[i][2],
		    l[i][3], l[i][4] != 0, l[i][5] != 0, l[i][6] != 0)) != NULL)
			return e;
	return NULL;
}

/* POST /api/build/<pk>/auto-allocate/ with InvenTree's options. */
struct err *
build_auto_allocate(struct ctx *ctx)
{
	return out_action(ctx, auto_input, AA__N, auto_tx);
}

/* ---- consuming ------------------------------------------------------ */

static const char use_sql_get[] =
    "SELECT a.stock_item, a.quantity, a.build_line, s.quantity "
    "FROM build_item a JOIN stock_item s ON s.id = a.stock_item "
    "WHERE a.id = ?";
static const char use_sql_consumed[] =
    "UPDATE build_line SET consumed = min(consumed + ?2, 999999999999999) "
    "WHERE id = ?1";
static const char use_sql_less[] =
    "UPDATE build_item SET quantity = quantity - ?2 WHERE id = ?1";
static const char use_sql_drop[] = "DELETE FROM build_item WHERE id = ?";

/*
 * Consumes up to want of allocation id (all of it when want < 0): the
 * stock item's quantity becomes an item consumed by the build (split off
 * when it is only part of it: stock_consume()), counted consumed on the
 * line, and the allocation is lessened or removed.  *took: how much.
 */
static struct err *
use_alloc(struct ctx *ctx, const struct bstate *b, long long id,
    long long want, long long *took)
{
	db_stmt *st = db_prepare(ctx, use_sql_get);
	struct err *e;
	bool found;

	*took = 0;
	if (st == NULL)
		return db_err(ctx, "consume");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "consume", &found)) != NULL)
		return e;
	if (!found)
		return NULL;
	long long item = st_column_int64(st, 0);
	long long alloc = st_column_int64(st, 1);
	long long line = st_column_int64(st, 2);
	long long have = st_column_int64(st, 3);
	st_reset(st);
	long long take = want < 0 || want > alloc ? alloc : want;
	if (take > have)
		take = have;
	if (take > 0) {
		long long used;
		if ((e = stock_consume(ctx, item, take, b->id, mem_printf(
		    &ctx->mem, "Consumed by build order %s", b->reference),
		    &used)) != NULL)
			return e;
		if ((e = out_exec(ctx, use_sql_consumed, line, take, 0)) != NULL)
			return e;
	}
	*took = take;
	/* What is left allocated, unless the item no longer holds it. */
	if (take < alloc && have - take > 0 && take == want)
		return out_exec(ctx, use_sql_less, id, take, 0);
	return out_exec(ctx, use_sql_drop, id, 0, 0);
}

/* ---- outputs: create, complete, scrap, delete ----------------------- */

enum { CO_QUANTITY, CO_BATCH, CO_SERIALS, CO_AUTO, CO__N };
const struct field create_output_input[] = {
	[CO_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED,
	    .help = "Enter quantity for build output" },
	[CO_BATCH] = { "batch_code", FT_TEXT, 0, 100, .label = "Batch Code",
	    .help = "Batch code for this build output" },
	[CO_SERIALS] = { "serial_numbers", FT_TEXT, 0, 10000,
	    .label = "Serial Numbers",
	    .help = "Enter serial numbers for build outputs" },
	[CO_AUTO] = { "auto_allocate", FT_BOOL, 0, .def = 0,
	    .label = "Auto Allocate Serial Numbers",
	    .help = "Automatically allocate required items with matching "
	    "serial numbers (not done yet: accepted, ignored)" },
	{ NULL },
};

static const char output_sql_serial_taken[] =
    "SELECT 1 FROM stock_item WHERE part = ?1 AND serial = ?2 UNION ALL "
    "SELECT 1 FROM build_output o JOIN build b ON b.id = o.build WHERE "
    "b.part = ?1 AND o.serial = ?2 AND o.state = 1";
static const char output_sql_add[] =
    "INSERT INTO build_output (build, quantity, batch, serial) "
    "VALUES (?, ?, ?, ?)";

static struct err *
create_output_tx(struct ctx *ctx, long long id, const struct val *v,
    cJSON *made)
{
	struct bstate b;
	struct errs es;
	struct err *e;
	const char **serials = NULL;
	int nserials = 0;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	if (!bstate_open(&b))
		return err_field(ctx, "non_field_errors", "Build order is not "
		    "open: outputs cannot be created");
	errs_init(&es, ctx);
	long long q = v[CO_QUANTITY].i;
	const char *sn = v[CO_SERIALS].s;
	bool has_serials = sn != NULL && sn[strspn(sn, ", \t")] != '\0';
	if (q <= 0)
		errs_add(&es, "quantity", "Quantity must be greater than zero");
	else if (b.trackable && q % DEC_SCALE != 0)
		errs_add(&es, "quantity", "Integer quantity required for "
		    "trackable parts");
	else if (has_serials && !b.trackable)
		errs_add(&es, "serial_numbers", "Serial numbers cannot be "
		    "supplied for a non-trackable part");
	else if (has_serials) {
		const char *msg = order_serials(ctx, sn, &serials, &nserials);
		if (msg != NULL)
			errs_add(&es, "serial_numbers", msg);
		else if ((long long)nserials * DEC_SCALE != q) {
			char qs[DEC_BUFSZ];
			errs_addf(&es, "serial_numbers", "Number of unique "
			    "serial numbers (%d) must match quantity (%s)",
			    nserials, dec_format(q, qs));
		} else {
			db_stmt *t = db_prepare(ctx, output_sql_serial_taken);
			const char *taken = NULL;
			bool found;
			if (t == NULL)
				return db_err(ctx, "build output");
			for (int j = 0; j < nserials; j++) {
				st_reset(t);
				st_bind_int64(t, 1, b.part);
				st_bind_text(t, 2, serials[j], -1,
				    SQLITE_STATIC);
				if ((e = db_row(ctx, t, "build output",
				    &found)) != NULL)
					return e;
				if (found)
					taken = taken == NULL ? serials[j] :
					    mem_printf(&ctx->mem, "%s, %s",
					    taken, serials[j]);
			}
			st_reset(t);
			if (taken != NULL)
				errs_addf(&es, "serial_numbers", "The following "
				    "serial numbers already exist or are "
				    "invalid: %s", taken);
		}
	}
	if ((e = errs_end(&es)) != NULL)
		return e;
	int n = has_serials ? nserials : 1;
	for (int k = 0; k < n; k++) {
		db_stmt *st = db_prepare(ctx, output_sql_add);
		if (st == NULL)
			return db_err(ctx, "build output");
		st_bind_int64(st, 1, id);
		st_bind_int64(st, 2, has_serials ? DEC_SCALE : q);
		st_bind_text(st, 3, v[CO_BATCH].s != NULL ? v[CO_BATCH].s : "",
		    -1, SQLITE_STATIC);
		st_bind_text(st, 4, has_serials ? serials[k] : "", -1,
		    SQLITE_STATIC);
		if ((e = db_step(ctx, st, "build output")) != NULL)
			return e;
		cJSON_AddItemToArray(made, cJSON_CreateNumber(
		    (double)db_last_id(ctx)));
	}
	return NULL;
}

/* Answers 201 with the outputs whose ids made holds (and frees it). */
static struct err *
out_answer_outputs(struct ctx *ctx, cJSON *made)
{
	struct err *e;
	cJSON *out = cJSON_CreateArray();

	if (out == NULL)
		mem_oom();
	for (cJSON *c = made->child; c != NULL; c = c->next) {
		cJSON *o;
		if ((e = res_get(ctx, &build_output_resource,
		    (long long)c->valuedouble, NULL, &o)) != NULL) {
			cJSON_Delete(made);
			cJSON_Delete(out);
			return e;
		}
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(made);
	return resp_json(ctx, 201, out);
}

/* POST /api/build/<pk>/create-output/ {quantity, batch_code,
 * serial_numbers, auto_allocate}: one output, or one per serial. */
struct err *
build_create_output(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct val v[CO__N];
	struct err *e;
	cJSON *made = cJSON_CreateArray();

	if (made == NULL)
		mem_oom();
	if ((e = out_input(ctx, create_output_input, CO__N, v)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, create_output_tx(ctx, id, v, made))) != NULL) {
		cJSON_Delete(made);
		return e;
	}
	return out_answer_outputs(ctx, made);
}

enum { OI_OUTPUT, OI__N };
static const struct field output_item_input[] = {
	[OI_OUTPUT] = { "output", FT_ID, F_REQUIRED,
	    .ref = &build_output_resource, .label = "Build Output" },
	{ NULL },
};

enum { CP_OUTPUTS, CP_LOCATION, CP_STATUS, CP_ACCEPT, CP_NOTES, CP__N };
const struct field complete_input[] = {
	[CP_OUTPUTS] = { "outputs", FT_NESTED, F_REQUIRED, OUT_ITEMS_MAX,
	    .children = output_item_input },
	[CP_LOCATION] = { "location", FT_ID, F_NULL, .ref = &location_resource,
	    .help = "Location for completed build outputs" },
	[CP_STATUS] = { "status_custom_key", FT_CHOICE, 0, .def = STOCK_OK,
	    .choices = stock_statuses, .label = "Status" },
	[CP_ACCEPT] = { "accept_incomplete_allocation", FT_BOOL, 0, .def = 0,
	    .label = "Accept Incomplete Allocation", .help = "Complete outputs "
	    "if stock has not been fully allocated" },
	[CP_NOTES] = { "notes", FT_NOTES, 0, 10000 },
	{ NULL },
};

enum { SC_OUTPUTS, SC_LOCATION, SC_DISCARD, SC_NOTES, SC__N };
const struct field scrap_input[] = {
	[SC_OUTPUTS] = { "outputs", FT_NESTED, F_REQUIRED, OUT_ITEMS_MAX,
	    .children = output_item_input },
	[SC_LOCATION] = { "location", FT_ID, F_REQUIRED,
	    .ref = &location_resource,
	    .help = "Stock location for scrapped outputs" },
	[SC_DISCARD] = { "discard_allocations", FT_BOOL, 0, .def = 0,
	    .label = "Discard Allocations", .help = "Discard any stock "
	    "allocations for scrapped outputs" },
	[SC_NOTES] = { "notes", FT_NOTES, 0, 10000,
	    .help = "Reason for scrapping build output(s)" },
	{ NULL },
};

enum { DO_OUTPUTS, DO__N };
const struct field delete_input[] = {
	[DO_OUTPUTS] = { "outputs", FT_NESTED, F_REQUIRED, OUT_ITEMS_MAX,
	    .children = output_item_input },
	{ NULL },
};

struct output {
	long long	 id, quantity;
	const char	*batch, *serial;
};

static const char output_sql_get[] =
    "SELECT build, state, quantity, batch, serial FROM build_output "
    "WHERE id = ?";

/* Checks each {"output": pk} of list for build b: an output of b in
 * production.  Fills outs (n of them); a 400 when any fails. */
static struct err *
outputs_check(struct ctx *ctx, const struct bstate *b, const cJSON *list,
    struct output **outs, size_t *n)
{
	size_t k = 0, count = (size_t)cJSON_GetArraySize(list);
	cJSON **maps = mem_zalloc(&ctx->mem, (count + 1) * sizeof(*maps));
	struct output *o = mem_zalloc(&ctx->mem, (count + 1) * sizeof(*o));
	struct err *e;
	bool bad = false;

	if (count == 0)
		return err_field(ctx, "outputs", "A list of build outputs must "
		    "be provided");
	for (const cJSON *it = list->child; it != NULL; it = it->next, k++) {
		struct val v[OI__N];
		struct errs ie;
		bool found;
		errs_init(&ie, ctx);
		val_default(&output_item_input[0], &v[0]);
		val_object(ctx, it, output_item_input, OI__N, v, true, &ie);
		if (!errs_any(&ie)) {
			db_stmt *st = db_prepare(ctx, output_sql_get);
			if (st == NULL)
				return db_err(ctx, "build output");
			st_bind_int64(st, 1, v[OI_OUTPUT].i);
			if ((e = db_row(ctx, st, "build output", &found)) !=
			    NULL)
				return e;
			if (!found || st_column_int64(st, 0) != b->id)
				errs_add(&ie, "output", "Build output does not "
				    "match the parent build");
			else if (st_column_int64(st, 1) != OUT_BUILDING)
				errs_add(&ie, "output", "This build output has "
				    "already been completed");
			else {
				o[k].id = v[OI_OUTPUT].i;
				o[k].quantity = st_column_int64(st, 2);
				o[k].batch = mem_strdup(&ctx->mem,
				    (const char *)st_column_text(st, 3));
				o[k].serial = mem_strdup(&ctx->mem,
				    (const char *)st_column_text(st, 4));
				for (size_t j = 0; j < k; j++)
					if (o[j].id == o[k].id)
						errs_add(&ie, "output",
						    "Duplicate build output");
			}
			st_reset(st);
		}
		if (errs_any(&ie)) {
			bad = true;
			maps[k] = ie.map;
		}
	}
	if (bad)
		return out_list_errors(ctx, "outputs", maps, count);
	*outs = o;
	*n = count;
	return NULL;
}

/* The tracked lines' need of an output of q against what is allocated
 * to it: is any short? */
static const char output_sql_short[] =
    "SELECT l.quantity, (SELECT coalesce(sum(quantity), 0) FROM build_item "
    "WHERE build_line = l.id AND install_into = ?2) FROM build_line l "
    "JOIN bom_item q ON q.id = l.bom_item JOIN part p ON p.id = q.sub_part "
    "WHERE l.build = ?1 AND p.trackable = 1 AND q.optional = 0 AND "
    "q.consumable = 0";

/* What an output of q takes of a line of need for a build of bq. */
static long long
output_share(long long need, long long q, long long bq)
{
	if (bq <= 0)
		return need;
	__int128 s = ((__int128)need * q + bq - 1) / bq;
	return s > need ? need : (long long)s;
}

static struct err *
output_short(struct ctx *ctx, const struct bstate *b, const struct output *o,
    bool *is_short)
{
	db_stmt *st = db_prepare(ctx, output_sql_short);
	int rc;

	*is_short = false;
	if (st == NULL)
		return db_err(ctx, "build output");
	st_bind_int64(st, 1, b->id);
	st_bind_int64(st, 2, o->id);
	while ((rc = st_step(st)) == SQLITE_ROW)
		if (st_column_int64(st, 1) < output_share(st_column_int64(st,
		    0), o->quantity, b->quantity))
			*is_short = true;
	st_reset(st);
	return rc == SQLITE_DONE ? NULL : db_err(ctx, "build output");
}

static const char output_sql_tracked[] =
    "SELECT id FROM build_item WHERE install_into = ? ORDER BY id";
static const char output_sql_untracked_lines[] =
    "SELECT l.id, l.quantity, l.consumed FROM build_line l JOIN bom_item q "
    "ON q.id = l.bom_item JOIN part p ON p.id = q.sub_part "
    "WHERE l.build = ? AND p.trackable = 0 ORDER BY l.id";
static const char output_sql_line_allocs[] =
    "SELECT id FROM build_item WHERE build_line = ? AND install_into IS NULL "
    "ORDER BY id";
static const char output_sql_discard[] =
    "DELETE FROM build_item WHERE install_into = ?";
static const char output_sql_close[] =
    "UPDATE build_output SET state = ?2, stock_item = ?3, completion_date = "
    "strftime('%Y-%m-%d', 'now') WHERE id = ?1";
static const char output_sql_completed[] =
    "UPDATE build SET completed = min(completed + ?2, 999999999999999) "
    "WHERE id = ?1";

/*
 * Consumes what output o takes: the tracked stock allocated to it, and
 * of each untracked line its share (the line's quantity x o's quantity /
 * the build's, at most what is still to consume) from the line's
 * allocations, oldest first.
 */
static struct err *
output_consume(struct ctx *ctx, const struct bstate *b,
    const struct output *o)
{
	long long *ids, took;
	size_t n;
	struct err *e;
	db_stmt *st;
	int rc;

	if ((e = out_ids(ctx, output_sql_tracked, o->id, 0, &ids, &n)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++)
		if ((e = use_alloc(ctx, b, ids[i], -1, &took)) != NULL)
			return e;
	if ((st = db_prepare(ctx, output_sql_untracked_lines)) == NULL)
		return db_err(ctx, "build output");
	size_t nl = 0, cap = 16;
	long long (*l)[2] = mem_alloc(&ctx->mem, cap * sizeof(*l));
	st_bind_int64(st, 1, b->id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		long long need = st_column_int64(st, 1);
		long long left = need - st_column_int64(st, 2);
		long long share = output_share(need, o->quantity, b->quantity);
		if (share > left)
			share = left;
		if (share <= 0)
			continue;
		if (nl == cap) {
			long long (*more)[2] = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*more));
			memcpy(more, l, nl * sizeof(*l));
			l = more;
			cap *= 2;
		}
		l[nl][0] = st_column_int64(st, 0);
		l[nl][1] = share;
		nl++;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "build output");
	for (size_t i = 0; i < nl; i++) {
		long long want = l[i][1];
		if ((e = out_ids(ctx, output_sql_line_allocs, l[i][0], 0, &ids,
		    &n)) != NULL)
			return e;
		for (size_t j = 0; j < n && want > 0; j++) {
			if ((e = use_alloc(ctx, b, ids[j], want, &took)) != NULL)
				return e;
			want -= took;
		}
	}
	return NULL;
}

/*
 * Completes (scrap false) or scraps output o of b in the caller's
 * transaction: consumes its stock (unless scrapped with its allocations
 * discarded), makes its stock item at location (status; a scrapped one
 * rejected), closes it, and counts a completed one on the build.
 */
static struct err *
output_close(struct ctx *ctx, const struct bstate *b, const struct output *o,
    bool scrap, bool discard, long long location, long long status,
    const char *notes)
{
	struct err *e;
	long long item;

	if (scrap && discard)
		e = out_exec(ctx, output_sql_discard, o->id, 0, 0);
	else
		e = output_consume(ctx, b, o);
	if (e != NULL)
		return e;
	struct stock_receipt s = {
		.part = b->part, .location = location, .quantity = o->quantity,
		.status = scrap ? STOCK_REJECTED : status, .build = b->id,
		.scrapped = scrap,
		.batch = o->batch, .serial = o->serial,
		.notes = notes != NULL && notes[0] != '\0' ? notes :
		    mem_printf(&ctx->mem, "Build order %s output %s",
		    b->reference, scrap ? "scrapped" : "completed"),
	};
	if ((e = stock_receive(ctx, &s, &item)) != NULL)
		return e;
	if ((e = out_exec(ctx, output_sql_close, o->id, scrap ? OUT_SCRAPPED :
	    OUT_COMPLETE, item)) != NULL)
		return e;
	if (scrap)
		return NULL;
	if ((e = out_exec(ctx, output_sql_completed, b->id, o->quantity,
	    0)) != NULL)
		return e;
	return event_emit(ctx, EVENT_BUILD_OUTPUT_COMPLETED, b->id);
}

/* A location outputs may go to: it exists and is not structural. */
static struct err *
out_location(struct ctx *ctx, const char *key, long long location)
{
	struct err *e;
	bool found, structural;

	if (location == 0)
		return err_field(ctx, key, "This field is required.");
	if ((e = res_tree_node(ctx, &location_resource, location, &found,
	    &structural)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, key, "Invalid pk \"%lld\" - object does "
		    "not exist.", location);
	if (structural)
		return err_field(ctx, key, "Stock items cannot be located into "
		    "structural stock locations!");
	return NULL;
}

static struct err *
complete_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct output *o;
	struct err *e;
	size_t n;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	if (!bstate_open(&b))
		return err_field(ctx, "non_field_errors", "Build order is not "
		    "open: outputs cannot be completed");
	if ((e = outputs_check(ctx, &b, v[CP_OUTPUTS].j, &o, &n)) != NULL)
		return e;
	long long location = !v[CP_LOCATION].null ? v[CP_LOCATION].i :
	    b.destination;
	if ((e = out_location(ctx, "location", location)) != NULL)
		return e;
	if (!v[CP_ACCEPT].i) {
		cJSON **maps = mem_zalloc(&ctx->mem, n * sizeof(*maps));
		bool bad = false, is_short;
		for (size_t k = 0; k < n; k++) {
			if ((e = output_short(ctx, &b, &o[k], &is_short)) != NULL)
				return e;
			if (is_short) {
				struct errs ie;
				errs_init(&ie, ctx);
				errs_add(&ie, "output", "This build output is "
				    "not fully allocated");
				maps[k] = ie.map;
				bad = true;
			}
		}
		if (bad)
			return out_list_errors(ctx, "outputs", maps, n);
	}
	for (size_t k = 0; k < n; k++)
		if ((e = output_close(ctx, &b, &o[k], false, false, location,
		    v[CP_STATUS].i, v[CP_NOTES].s)) != NULL)
			return e;
	return NULL;
}

/* POST /api/build/<pk>/complete/ {outputs, location, status_custom_key,
 * accept_incomplete_allocation, notes}: every output or none. */
struct err *
build_complete_outputs(struct ctx *ctx)
{
	return out_action(ctx, complete_input, CP__N, complete_tx);
}

static struct err *
scrap_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct output *o;
	struct err *e;
	size_t n;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	if (!bstate_open(&b))
		return err_field(ctx, "non_field_errors", "Build order is not "
		    "open: outputs cannot be scrapped");
	if ((e = outputs_check(ctx, &b, v[SC_OUTPUTS].j, &o, &n)) != NULL ||
	    (e = out_location(ctx, "location", v[SC_LOCATION].i)) != NULL)
		return e;
	for (size_t k = 0; k < n; k++)
		if ((e = output_close(ctx, &b, &o[k], true, v[SC_DISCARD].i != 0,
		    v[SC_LOCATION].i, STOCK_REJECTED, v[SC_NOTES].s)) != NULL)
			return e;
	return NULL;
}

/* POST /api/build/<pk>/scrap-outputs/ {outputs, location, notes,
 * discard_allocations}. */
struct err *
build_scrap_outputs(struct ctx *ctx)
{
	return out_action(ctx, scrap_input, SC__N, scrap_tx);
}

static const char output_sql_delete[] = "DELETE FROM build_output WHERE id = ?";

static struct err *
delete_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct output *o;
	struct err *e;
	size_t n;

	if ((e = bstate_load(ctx, id, &b)) != NULL ||
	    (e = outputs_check(ctx, &b, v[DO_OUTPUTS].j, &o, &n)) != NULL)
		return e;
	/* Their allocations go with them (ON DELETE CASCADE). */
	for (size_t k = 0; k < n; k++)
		if ((e = out_exec(ctx, output_sql_delete, o[k].id, 0, 0)) !=
		    NULL)
			return e;
	return NULL;
}

/* POST /api/build/<pk>/delete-outputs/ {outputs}: outputs in production,
 * and their allocations, deleted. */
struct err *
build_delete_outputs(struct ctx *ctx)
{
	return out_action(ctx, delete_input, DO__N, delete_tx);
}

/* ---- finish/ and cancel --------------------------------------------- */

enum { FI_OVER, FI_UNALLOCATED, FI_INCOMPLETE, FI__N };
const struct field finish_input[] = {
	[FI_OVER] = { "accept_overallocated", FT_TEXT, 0, 20,
	    .label = "Overallocated Stock", .help = "How to deal with extra "
	    "stock items assigned to the build order: reject, accept or trim" },
	[FI_UNALLOCATED] = { "accept_unallocated", FT_BOOL, 0, .def = 0,
	    .label = "Accept Unallocated", .help = "Accept that stock items "
	    "have not been fully allocated to this build order" },
	[FI_INCOMPLETE] = { "accept_incomplete", FT_BOOL, 0, .def = 0,
	    .label = "Accept Incomplete", .help = "Accept that the required "
	    "number of build outputs have not been completed" },
	{ NULL },
};

static const char finish_sql_outputs_open[] =
    "SELECT count(*) FROM build_output WHERE build = ? AND state = 1";
/* Untracked, not consumable lines: need, consumed, allocated. */
static const char finish_sql_lines[] =
    "SELECT l.id, l.quantity, l.consumed, (SELECT coalesce(sum(quantity), "
    "0) FROM build_item WHERE build_line = l.id) FROM build_line l JOIN "
    "bom_item q ON q.id = l.bom_item JOIN part p ON p.id = q.sub_part "
    "WHERE l.build = ? AND p.trackable = 0 AND q.consumable = 0 "
    "ORDER BY l.id";
static const char finish_sql_allocs_newest[] =
    "SELECT id FROM build_item WHERE build_line = ? ORDER BY id DESC";
static const char finish_sql_item_quantity[] =
    "SELECT quantity FROM build_item WHERE id = ?";
static const char build_sql_allocs[] =
    "SELECT a.id FROM build_item a JOIN build_line l ON l.id = a.build_line "
    "WHERE l.build = ? ORDER BY a.id";
static const char build_sql_drop_allocs[] =
    "DELETE FROM build_item WHERE build_line IN (SELECT id FROM build_line "
    "WHERE build = ?)";
static const char build_sql_drop_outputs[] =
    "DELETE FROM build_output WHERE build = ? AND state = 1";
static const char build_sql_finished[] =
    "UPDATE build SET status = 40, completion_date = "
    "strftime('%Y-%m-%d', 'now') WHERE id = ?";

/* Lessens the allocations of line (newest first) by over. */
static struct err *
finish_trim(struct ctx *ctx, long long line, long long over)
{
	long long *ids;
	size_t n;
	struct err *e;
	bool found;

	if ((e = out_ids(ctx, finish_sql_allocs_newest, line, 0, &ids, &n)) !=
	    NULL)
		return e;
	for (size_t i = 0; i < n && over > 0; i++) {
		db_stmt *st = db_prepare(ctx, finish_sql_item_quantity);
		if (st == NULL)
			return db_err(ctx, "finish");
		st_bind_int64(st, 1, ids[i]);
		if ((e = db_row(ctx, st, "finish", &found)) != NULL)
			return e;
		long long q = found ? st_column_int64(st, 0) : 0;
		st_reset(st);
		long long cut = q < over ? q : over;
		if ((e = cut == q ? out_exec(ctx, use_sql_drop, ids[i], 0, 0) :
		    out_exec(ctx, use_sql_less, ids[i], cut, 0)) != NULL)
			return e;
		over -= cut;
	}
	return NULL;
}

/* Consumes every allocation of build b. */
static struct err *
build_consume_all(struct ctx *ctx, const struct bstate *b)
{
	long long *ids, took;
	size_t n;
	struct err *e;

	if ((e = out_ids(ctx, build_sql_allocs, b->id, 0, &ids, &n)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++)
		if ((e = use_alloc(ctx, b, ids[i], -1, &took)) != NULL)
			return e;
	return NULL;
}

static struct err *
finish_tx(struct ctx *ctx, long long id, const struct val *v)
{
	struct bstate b;
	struct err *e;
	struct errs es;
	long long open = 0;
	bool found;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	const char *over = v[FI_OVER].s != NULL && v[FI_OVER].s[0] != '\0' ?
	    v[FI_OVER].s : "reject";
	if (strcmp(over, "reject") != 0 && strcmp(over, "accept") != 0 &&
	    strcmp(over, "trim") != 0)
		return err_field(ctx, "accept_overallocated", "\"%s\" is not a "
		    "valid choice.", over);
	if (b.status != BUILD_PRODUCTION)
		return err_field(ctx, "non_field_errors", "Build order must be "
		    "in production to be completed");
	db_stmt *st = db_prepare(ctx, finish_sql_outputs_open);
	if (st == NULL)
		return db_err(ctx, "finish");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "finish", &found)) != NULL)
		return e;
	open = found ? st_column_int64(st, 0) : 0;
	st_reset(st);
	if (open > 0)
		return err_field(ctx, "non_field_errors", "Build order has "
		    "incomplete outputs");
	/* The untracked lines: short of their need, or over it. */
	if ((st = db_prepare(ctx, finish_sql_lines)) == NULL)
		return db_err(ctx, "finish");
	size_t n = 0, cap = 16;
	long long (*over_by)[2] = mem_alloc(&ctx->mem, cap * sizeof(*over_by));
	bool unallocated = false;
	int rc;
	st_bind_int64(st, 1, id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		long long need = st_column_int64(st, 1);
		long long have = st_column_int64(st, 2) + st_column_int64(st,
		    3);
		if (have < need)
			unallocated = true;
		if (have > need && st_column_int64(st, 3) > 0) {
			if (n == cap) {
				long long (*more)[2] = mem_alloc(&ctx->mem,
				    2 * cap * sizeof(*more));
				memcpy(more, over_by, n * sizeof(*over_by));
				over_by = more;
				cap *= 2;
			}
			over_by[n][0] = st_column_int64(st, 0);
			over_by[n][1] = have - need;
			n++;
		}
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "finish");
	errs_init(&es, ctx);
	if (!v[FI_INCOMPLETE].i && b.completed < b.quantity)
		errs_add(&es, "accept_incomplete", "Required build quantity has "
		    "not been completed");
	if (!v[FI_UNALLOCATED].i && unallocated)
		errs_add(&es, "accept_unallocated", "Required stock has not been "
		    "fully allocated");
	if (strcmp(over, "reject") == 0 && n > 0)
		errs_add(&es, "accept_overallocated", "Some stock items have "
		    "been overallocated");
	if ((e = errs_end(&es)) != NULL)
		return e;
	if (strcmp(over, "trim") == 0)
		for (size_t i = 0; i < n; i++)
			if ((e = finish_trim(ctx, over_by[i][0],
			    over_by[i][1])) != NULL)
				return e;
	/* What is still allocated is consumed (InvenTree's
	 * complete_allocations()). */
	if ((e = build_consume_all(ctx, &b)) != NULL ||
	    (e = out_exec(ctx, build_sql_finished, id, 0, 0)) != NULL)
		return e;
	return event_emit(ctx, EVENT_BUILD_COMPLETED, id);
}

/* POST /api/build/<pk>/finish/ {accept_overallocated, accept_unallocated,
 * accept_incomplete}. */
struct err *
build_finish(struct ctx *ctx)
{
	return out_action(ctx, finish_input, FI__N, finish_tx);
}

struct err *
build_release(struct ctx *ctx, long long id, bool remove_stock,
    bool remove_outputs)
{
	struct bstate b;
	struct err *e;

	if ((e = bstate_load(ctx, id, &b)) != NULL)
		return e;
	if (remove_stock)
		e = build_consume_all(ctx, &b);
	else
		e = out_exec(ctx, build_sql_drop_allocs, id, 0, 0);
	if (e != NULL)
		return e;
	if (remove_outputs)
		return out_exec(ctx, build_sql_drop_outputs, id, 0, 0);
	return NULL;
}

/* ---- the actions without a request -------------------------------- */

struct err *
build_action_run(struct ctx *ctx, const char *action, long long id,
    const cJSON *body)
{
	static const struct {
		const char		*name;
		const struct field	*input;
		size_t			 n;
		struct err		*(*tx)(struct ctx *, long long,
					    const struct val *);
	} acts[] = {
		{ "allocate", alloc_input, AL__N, allocate_tx },
		{ "unallocate", unallocate_input, UA__N, unallocate_tx },
		{ "auto-allocate", auto_input, AA__N, auto_tx },
		{ "complete", complete_input, CP__N, complete_tx },
		{ "scrap-outputs", scrap_input, SC__N, scrap_tx },
		{ "delete-outputs", delete_input, DO__N, delete_tx },
		{ "finish", finish_input, FI__N, finish_tx },
	};
	struct val v[OUT_INPUT_MAX];
	struct errs es;
	struct err *e;

	for (size_t k = 0; k < sizeof(acts) / sizeof(acts[0]); k++) {
		if (strcmp(acts[k].name, action) != 0)
			continue;
		errs_init(&es, ctx);
		for (size_t i = 0; i < acts[k].n; i++)
			val_default(&acts[k].input[i], &v[i]);
		val_object(ctx, body, acts[k].input, acts[k].n, v, true, &es);
		if ((e = errs_end(&es)) != NULL)
			return e;
		return acts[k].tx(ctx, id, v);
	}
	return err_field(ctx, "non_field_errors", "Unknown build action");
}

long long
build_output_new(struct ctx *ctx, long long id, const cJSON *body)
{
	struct val v[CO__N];
	struct errs es;
	cJSON *made = cJSON_CreateArray();
	long long out = -1;

	if (made == NULL)
		mem_oom();
	errs_init(&es, ctx);
	for (size_t i = 0; i < CO__N; i++)
		val_default(&create_output_input[i], &v[i]);
	val_object(ctx, body, create_output_input, CO__N, v, true, &es);
	if (errs_end(&es) == NULL && create_output_tx(ctx, id, v, made) ==
	    NULL && made->child != NULL)
		out = (long long)made->child->valuedouble;
	cJSON_Delete(made);
	return out;
}

_Static_assert(AL__N <= OUT_INPUT_MAX && UA__N <= OUT_INPUT_MAX &&
    AA__N <= OUT_INPUT_MAX && CP__N <= OUT_INPUT_MAX &&
    SC__N <= OUT_INPUT_MAX && DO__N <= OUT_INPUT_MAX &&
    FI__N <= OUT_INPUT_MAX, "out_action(): OUT_INPUT_MAX");
