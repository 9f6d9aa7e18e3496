/*
 * order: purchase orders, their lines and extra lines, state changes,
 * receiving, what to order.  See order.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "resp.h"
#include "route.h"
#include "val.h"

#include "accounts/account.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "purchasing/company.h"
#include "purchasing/order.h"
#include "tasks/event.h"

#define LIKE	" LIKE ? ESCAPE '\\'"

#define PO_PENDING	10
#define PO_PLACED	20
#define PO_ON_HOLD	25
#define PO_COMPLETE	30
#define PO_CANCELLED	40
#define PO_OPEN_SQL	"(10, 20, 25)"
/* The same test as ORs: SQLite makes a temporary b-tree of a list of more
 * than two constants each time it runs such an IN -- once a statement,
 * or once a row in a trigger or a CHECK. */
#define PO_OPEN_OR(c)	"(" c " = 10 OR " c " = 20 OR " c " = 25)"

#define PO_REFERENCE_PREFIX	"PO-"
#define PO_REFERENCE_PATTERN	"PO-{ref:04d}"
#define PO_RECEIVE_MAX		1000	/* items in one receive */
#define PO_SERIALS_MAX		1000

const struct choice po_statuses[] = {
	{ 10, "Pending", "PENDING", "secondary" },
	{ 20, "Placed", "PLACED", "primary" },
	{ 25, "On Hold", "ON_HOLD", "warning" },
	{ 30, "Complete", "COMPLETE", "success" },
	{ 40, "Cancelled", "CANCELLED", "danger" },
	{ 50, "Lost", "LOST", "warning" },
	{ 60, "Returned", "RETURNED", "warning" },
	{ 0, NULL, NULL, NULL },
};

/* Nests the row of r that column col of st names as name, or null. */
static void
order_nest(struct ctx *ctx, cJSON *o, const char *name,
    const struct resource *r, db_stmt **cache, db_stmt *st, int col,
    void *view)
{
	cJSON *d = NULL;

	if (st_column_type(st, col) != SQLITE_NULL)
		d = res_nested(ctx, r, cache, st_column_int64(st, col), view);
	if (d != NULL)
		json_item(o, name, d);
	else
		json_null(o, name);
}

/* One integer from sql with id bound to ?1 (0 when no row). */
static struct err *
order_int(struct ctx *ctx, const char *sql, long long id, long long *out,
    bool *found)
{
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool f;

	*out = 0;
	if (st == NULL)
		return db_err(ctx, "order");
	if (id != 0)
		st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "order", &f)) != NULL)
		return e;
	if (f && st_column_type(st, 0) != SQLITE_NULL)
		*out = st_column_int64(st, 0);
	st_reset(st);
	if (found != NULL)
		*found = f;
	return NULL;
}

/* ---- purchase orders ------------------------------------------------ */

enum { PO_REFERENCE, PO_DESCRIPTION, PO_LINK, PO_SUPPLIER, PO_SUPPLIER_NAME,
	PO_SUPPLIER_REFERENCE, PO_CONTACT, PO_ADDRESS, PO_STATUS,
	PO_STATUS_TEXT, PO_STATUS_KEY, PO_CREATION_DATE, PO_CREATED_BY,
	PO_ISSUE_DATE, PO_START_DATE, PO_TARGET_DATE, PO_COMPLETE_DATE,
	PO_DESTINATION, PO_RESPONSIBLE, PO_CURRENCY, PO_NOTES, PO_LINE_ITEMS,
	PO_COMPLETED_LINES, PO_OVERDUE, PO_TOTAL_PRICE, PO_BARCODE_HASH,
	PO_PROJECT_CODE, PO__N };

#define PO_OVERDUE_SQL(a) "(" a ".status IN " PO_OPEN_SQL " AND " a \
	".target_date IS NOT NULL AND " a ".target_date < date('now'))"

static const struct field po_fields[] = {
	/* Made from the pattern when not given (res hook). */
	[PO_REFERENCE] = { "reference", FT_TEXT, F_FILTER, 64,
	    .help = "Order reference" },
	[PO_DESCRIPTION] = { "description", FT_TEXT, 0, 250,
	    .help = "Order description (optional)" },
	[PO_LINK] = { "link", FT_URL, 0, 2000 },
	/* Null only when its company was deleted (po_validate()). */
	[PO_SUPPLIER] = { "supplier", FT_ID, F_REQUIRED | F_NULL | F_FILTER,
	    .ref = &company_resource, .ref_if = "is_supplier = 1",
	    .help = "Company from which the items are being ordered" },
	[PO_SUPPLIER_NAME] = { "supplier_name", FT_TEXT, F_READ_ONLY | F_NULL,
	    .col = "(SELECT name FROM company WHERE id = o.supplier)" },
	[PO_SUPPLIER_REFERENCE] = { "supplier_reference", FT_TEXT, 0, 64,
	    .help = "Supplier order reference code" },
	[PO_CONTACT] = { "contact", FT_ID, F_NULL, .ref = &contact_resource },
	[PO_ADDRESS] = { "address", FT_ID, F_NULL, .ref = &address_resource },
	/* Changed only by the actions (issue, hold, cancel, complete). */
	[PO_STATUS] = { "status", FT_CHOICE, F_READ_ONLY | F_FILTER | F_ORDER,
	    .col = "status", .choices = po_statuses, .label = "Order Status" },
	[PO_STATUS_TEXT] = { "status_text", FT_CHOICE, F_READ_ONLY | F_LABEL,
	    .col = "status", .choices = po_statuses },
	[PO_STATUS_KEY] = { "status_custom_key", FT_INT, F_READ_ONLY,
	    .col = "status" },
	[PO_CREATION_DATE] = { "creation_date", FT_DATE,
	    F_READ_ONLY | F_STORED | F_NULL | F_ORDER, .col = "creation_date" },
	[PO_CREATED_BY] = { "created_by", FT_ID, F_READ_ONLY | F_STORED | F_NULL,
	    .col = "created_by", .ref = &user_resource },
	[PO_ISSUE_DATE] = { "issue_date", FT_DATE, F_READ_ONLY | F_NULL |
	    F_ORDER, .col = "issue_date" },
	[PO_START_DATE] = { "start_date", FT_DATE, F_NULL | F_ORDER },
	[PO_TARGET_DATE] = { "target_date", FT_DATE, F_NULL | F_ORDER,
	    .help = "Expected date for order delivery" },
	[PO_COMPLETE_DATE] = { "complete_date", FT_DATE, F_READ_ONLY | F_NULL |
	    F_ORDER, .col = "complete_date" },
	[PO_DESTINATION] = { "destination", FT_ID, F_NULL,
	    .ref = &location_resource,
	    .help = "Destination for received items" },
	[PO_RESPONSIBLE] = { "responsible", FT_ID, F_NULL | F_FILTER,
	    .ref = &user_resource, .help = "User responsible for this order" },
	[PO_CURRENCY] = { "order_currency", FT_TEXT, 0, 3,
	    .help = "Currency for this order (leave blank to use company "
	    "default)" },
	[PO_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	[PO_LINE_ITEMS] = { "line_items", FT_INT, F_READ_ONLY | F_ORDER,
	    .col = "(SELECT count(*) FROM purchase_order_line WHERE "
	    "order_id = o.id)" },
	[PO_COMPLETED_LINES] = { "completed_lines", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) FROM purchase_order_line WHERE "
	    "order_id = o.id AND received >= quantity)" },
	[PO_OVERDUE] = { "overdue", FT_BOOL, F_READ_ONLY,
	    .col = PO_OVERDUE_SQL("o") },
	/* The lines' price times quantity and the extra lines'. */
	[PO_TOTAL_PRICE] = { "total_price", FT_DEC,
	    F_READ_ONLY | F_AS_STRING | F_ORDER,
	    .col = "((SELECT coalesce(sum(purchase_price * quantity / 100000), "
	    "0) FROM purchase_order_line WHERE order_id = o.id) + (SELECT "
	    "coalesce(sum(price * quantity / 100000), 0) FROM "
	    "purchase_order_extra_line WHERE order_id = o.id))" },
	[PO_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[PO_PROJECT_CODE] = { "project_code", FT_ID, F_READ_ONLY,
	    .col = "NULL" },
};
_Static_assert(sizeof(po_fields) / sizeof(po_fields[0]) == PO__N,
    "purchase order fields");

static const struct res_filter po_filters[] = {
	{ "outstanding", FT_BOOL, " AND o.status IN " PO_OPEN_SQL,
	  " AND o.status NOT IN " PO_OPEN_SQL, NULL, NULL, false },
	{ "overdue", FT_BOOL, " AND " PO_OVERDUE_SQL("o"),
	  " AND NOT " PO_OVERDUE_SQL("o"), NULL, NULL, false },
	{ "part", FT_ID, " AND o.id IN (SELECT l.order_id FROM "
	  "purchase_order_line l JOIN supplier_part sp ON sp.id = l.part "
	  "WHERE sp.part = ?)", NULL, &part_resource, NULL, false },
	{ "supplier_part", FT_ID, " AND o.id IN (SELECT order_id FROM "
	  "purchase_order_line WHERE part = ?)", NULL, &supplier_part_resource,
	  NULL, false },
	{ "assigned_to", FT_ID, " AND o.responsible = ?", NULL, &user_resource,
	  NULL, false },
	{ "min_date", FT_DATE, " AND o.creation_date >= ?", NULL, NULL, NULL,
	  false },
	{ "max_date", FT_DATE, " AND o.creation_date <= ?", NULL, NULL, NULL,
	  false },
};

static const struct res_order po_orders[] = {
	{ "reference", "o.reference_int, o.reference, o.id",
	  "o.reference_int DESC, o.reference DESC, o.id DESC" },
	{ "supplier__name", "(SELECT name FROM company WHERE id = o.supplier), "
	  "o.id", "(SELECT name FROM company WHERE id = o.supplier) DESC, "
	  "o.id DESC" },
	{ "responsible", "o.responsible, o.id", "o.responsible DESC, o.id DESC" },
};

#define PO_SEARCH \
	" AND (o.reference" LIKE " OR o.supplier_reference" LIKE \
	" OR o.description" LIKE " OR o.supplier IN (SELECT id FROM company " \
	"WHERE name" LIKE "))"

static const struct list_search po_search = {
	PO_SEARCH, 0, 4, PO_SEARCH, 4, NULL,
};

/* ?supplier_detail=true (InvenTree: off unless asked for). */
struct po_view {
	bool		 supplier_detail;
	db_stmt	*supplier;
};

static struct err *
po_view(struct ctx *ctx, void **view)
{
	struct po_view *v = mem_zalloc(&ctx->mem, sizeof(*v));

	*view = v;
	return list_flag(ctx, "supplier_detail", false, &v->supplier_detail);
}

static void
po_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct po_view *v = view;

	if (v == NULL || !v->supplier_detail)
		return;
	order_nest(ctx, o, "supplier_detail", &company_resource, &v->supplier,
	    st, res_col(&po_resource, PO_SUPPLIER), NULL);
}

/* The number of a reference of the pattern, or -1. */
static long long
po_reference_int(const char *ref)
{
	size_t n = strlen(PO_REFERENCE_PREFIX);
	long long v = 0;

	if (ref == NULL || strncmp(ref, PO_REFERENCE_PREFIX, n) != 0 ||
	    ref[n] == '\0' || strlen(ref + n) > 15)
		return -1;
	for (const char *p = ref + n; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static const char po_sql_next[] =
    "SELECT coalesce(max(reference_int), 0) + 1 FROM purchase_order";
static const char po_sql_ref_taken[] =
    "SELECT 1 FROM purchase_order WHERE reference = ?1 AND id <> ?2";
static const char po_sql_set_ref_int[] =
    "UPDATE purchase_order SET reference_int = ?2 WHERE id = ?1";

/* The next reference of the pattern: PO-0001, PO-0002 (arena). */
static struct err *
po_next_reference(struct ctx *ctx, const char **out)
{
	long long next;
	struct err *e;

	if ((e = order_int(ctx, po_sql_next, 0, &next, NULL)) != NULL)
		return e;
	*out = mem_printf(&ctx->mem, PO_REFERENCE_PREFIX "%04lld", next);
	return NULL;
}

/*
 * The reference: the next of the pattern when a new order gives none;
 * else it must match the pattern and be unique.  A new order's creation
 * date and creator.
 */
static struct err *
po_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *ref = &w->v[PO_REFERENCE];
	struct err *e;
	bool taken;

	if (w->v[PO_SUPPLIER].null && (w->create ||
	    w->v[PO_SUPPLIER].present))
		errs_add(es, "supplier", "This field may not be null.");
	if (w->create && (!ref->present || ref->s == NULL ||
	    ref->s[0] == '\0')) {
		if ((e = po_next_reference(ctx, &ref->s)) != NULL)
			return e;
		ref->null = false;
	} else if (po_reference_int(ref->s) < 0) {
		errs_add(es, "reference", "Reference must match required "
		    "pattern: " PO_REFERENCE_PATTERN);
		return NULL;
	}
	db_stmt *st = db_prepare(ctx, po_sql_ref_taken);
	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_text(st, 1, ref->s, -1, SQLITE_STATIC);
	st_bind_int64(st, 2, w->id);
	if ((e = db_row(ctx, st, "order", &taken)) != NULL)
		return e;
	st_reset(st);
	if (taken)
		errs_add(es, "reference", "Purchase Order with this Reference "
		    "already exists.");
	if (w->create) {
		w->v[PO_CREATION_DATE].s = val_today(ctx);
		w->v[PO_CREATION_DATE].null = false;
		w->v[PO_CREATED_BY].i = ctx->user_id;
		w->v[PO_CREATED_BY].null = ctx->user_id == 0;
	}
	return NULL;
}

/* reference_int follows the reference (ordering, the next number). */
static struct err *
po_written(struct ctx *ctx, struct res_write *w)
{
	db_stmt *st = db_prepare(ctx, po_sql_set_ref_int);

	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_int64(st, 1, w->id);
	st_bind_int64(st, 2, po_reference_int(w->v[PO_REFERENCE].s));
	return db_step(ctx, st, "order");
}

static struct res_sql po_sql;

/* How an imported file names one (res_find_key()): an order line's file
 * its order. */
static const char *const po_keys[] = { "reference", NULL };

const struct resource po_resource = {
	.model = "purchaseorder",
	.name = "PurchaseOrder",
	.table = "purchase_order",
	.alias = "o",
	.path = "/api/order/po/",
	.web = "purchasing/po/",
	.area = "purchase_order",
	.noun = "purchase order",
	.plural = "purchase orders",
	RES_FIELDS(po_fields),
	RES_FILTERS(po_filters),
	RES_ORDERS(po_orders),
	.order = "o.reference_int DESC, o.id DESC",
	.search = &po_search,
	.hooks = &(const struct res_hooks){ .view = po_view,
	    .render = po_render, .validate = po_validate,
	    .written = po_written },
	.flags = RES_METADATA,
	.sql = &po_sql,
	.keys = po_keys,
};

/* ---- line items ----------------------------------------------------- */

enum { LI_ORDER, LI_PART, LI_QUANTITY, LI_RECEIVED, LI_PRICE, LI_CURRENCY,
	LI_REFERENCE, LI_NOTES, LI_LINK, LI_DESTINATION, LI_TARGET_DATE,
	LI_OVERDUE, LI_TOTAL_PRICE, LI_SKU, LI_MPN, LI_IPN, LI_INTERNAL_PART,
	LI_INTERNAL_PART_NAME, LI_AUTO_PRICING, LI_BUILD_ORDER,
	LI_PROJECT_CODE, LI__N };

static const struct field po_line_fields[] = {
	[LI_ORDER] = { "order", FT_ID, F_REQUIRED | F_FILTER, .col = "order_id",
	    .ref = &po_resource, .label = "Order" },
	[LI_PART] = { "part", FT_ID, F_REQUIRED | F_NULL | F_FILTER,
	    .ref = &supplier_part_resource, .label = "Supplier Part" },
	[LI_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED | F_ORDER },
	[LI_RECEIVED] = { "received", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "received", .help = "Number of items received" },
	[LI_PRICE] = { "purchase_price", FT_DEC, F_NULL | F_AS_STRING |
	    F_ORDER, .help = "Unit purchase price" },
	[LI_CURRENCY] = { "purchase_price_currency", FT_TEXT, 0, 3,
	    .label = "Currency" },
	[LI_REFERENCE] = { "reference", FT_TEXT, F_ORDER, 100,
	    .help = "Line item reference" },
	[LI_NOTES] = { "notes", FT_TEXT, 0, 500, .help = "Line item notes" },
	[LI_LINK] = { "link", FT_URL, 0, 2000 },
	[LI_DESTINATION] = { "destination", FT_ID, F_NULL,
	    .ref = &location_resource,
	    .help = "Destination for received items" },
	[LI_TARGET_DATE] = { "target_date", FT_DATE, F_NULL | F_ORDER },
	[LI_OVERDUE] = { "overdue", FT_BOOL, F_READ_ONLY,
	    /* Its order's row, not "l.order_id IN (SELECT id FROM
	     * purchase_order WHERE ...)": SQLite makes that set of every
	     * open order (20,000 orders: 9 M instructions) for one line. */
	    .col = "(l.received < l.quantity AND l.target_date IS NOT NULL AND "
	    "l.target_date < date('now') AND EXISTS (SELECT 1 FROM "
	    "purchase_order o WHERE o.id = l.order_id AND "
	    PO_OPEN_OR("o.status") "))" },
	[LI_TOTAL_PRICE] = { "total_price", FT_DEC, F_READ_ONLY | F_NULL |
	    F_ORDER, .col = "(l.purchase_price * l.quantity / 100000)" },
	[LI_SKU] = { "sku", FT_TEXT, F_READ_ONLY, .col = "(SELECT SKU FROM "
	    "supplier_part WHERE id = l.part)" },
	[LI_MPN] = { "mpn", FT_TEXT, F_READ_ONLY | F_NULL, .col = "(SELECT "
	    "m.MPN FROM supplier_part sp JOIN manufacturer_part m ON m.id = "
	    "sp.manufacturer_part WHERE sp.id = l.part)" },
	[LI_IPN] = { "ipn", FT_TEXT, F_READ_ONLY | F_NULL, .col = "(SELECT "
	    "p.IPN FROM supplier_part sp JOIN part p ON p.id = sp.part WHERE "
	    "sp.id = l.part)" },
	[LI_INTERNAL_PART] = { "internal_part", FT_ID, F_READ_ONLY,
	    .col = "(SELECT part FROM supplier_part WHERE id = l.part)",
	    .ref = &part_resource },
	[LI_INTERNAL_PART_NAME] = { "internal_part_name", FT_TEXT, F_READ_ONLY,
	    .col = "(SELECT p.name FROM supplier_part sp JOIN part p ON p.id = "
	    "sp.part WHERE sp.id = l.part)" },
	/* A new line without a price takes its supplier part's price
	 * break for the quantity. */
	[LI_AUTO_PRICING] = { "auto_pricing", FT_BOOL,
	    F_WRITE_ONLY | F_NO_COLUMN, .def = 1,
	    .help = "Automatically calculate purchase price based on supplier "
	    "part data" },
	[LI_BUILD_ORDER] = { "build_order", FT_ID, F_READ_ONLY, .col = "NULL" },
	[LI_PROJECT_CODE] = { "project_code", FT_ID, F_READ_ONLY,
	    .col = "NULL" },
};
_Static_assert(sizeof(po_line_fields) / sizeof(po_line_fields[0]) == LI__N,
    "line item fields");

static const struct res_filter po_line_filters[] = {
	{ "base_part", FT_ID, " AND l.part IN (SELECT id FROM supplier_part "
	  "WHERE part = ?)", NULL, &part_resource, NULL, false },
	{ "supplier", FT_ID, " AND l.order_id IN (SELECT id FROM "
	  "purchase_order WHERE supplier = ?)", NULL, &company_resource, NULL,
	  false },
	{ "received", FT_BOOL, " AND l.received >= l.quantity",
	  " AND l.received < l.quantity", NULL, NULL, false },
	{ "pending", FT_BOOL, " AND l.order_id IN (SELECT id FROM "
	  "purchase_order WHERE status IN " PO_OPEN_SQL ")", " AND l.order_id "
	  "IN (SELECT id FROM purchase_order WHERE status NOT IN " PO_OPEN_SQL
	  ")", NULL, NULL, false },
	{ "order_status", FT_INT, " AND l.order_id IN (SELECT id FROM "
	  "purchase_order WHERE status = ?)", NULL, NULL, NULL, false },
	{ "order_complete", FT_BOOL, " AND l.order_id IN (SELECT id FROM "
	  "purchase_order WHERE status = 30)", " AND l.order_id IN (SELECT id "
	  "FROM purchase_order WHERE status <> 30)", NULL, NULL, false },
	{ "has_pricing", FT_BOOL, " AND l.purchase_price IS NOT NULL",
	  " AND l.purchase_price IS NULL", NULL, NULL, false },
};

static const struct res_order po_line_orders[] = {
	{ "SKU", "(SELECT SKU FROM supplier_part WHERE id = l.part), l.id",
	  "(SELECT SKU FROM supplier_part WHERE id = l.part) DESC, l.id DESC" },
	{ "part_name", "(SELECT p.name FROM supplier_part sp JOIN part p ON "
	  "p.id = sp.part WHERE sp.id = l.part), l.id", "(SELECT p.name FROM "
	  "supplier_part sp JOIN part p ON p.id = sp.part WHERE sp.id = "
	  "l.part) DESC, l.id DESC" },
};

#define PO_LINE_SEARCH \
	" AND (l.reference" LIKE " OR l.notes" LIKE " OR l.part IN (SELECT " \
	"sp.id FROM supplier_part sp JOIN part p ON p.id = sp.part WHERE " \
	"sp.SKU" LIKE " OR p.name" LIKE " OR p.IPN" LIKE \
	" OR p.description" LIKE "))"

static const struct list_search po_line_search = {
	PO_LINE_SEARCH, 0, 6, PO_LINE_SEARCH, 6, NULL,
};

/* ?part_detail= (the base part), ?order_detail=, ?supplier_part_detail=,
 * ?destination_detail=. */
struct po_line_view {
	bool		 part_detail, order_detail, sp_detail, dest_detail;
	db_stmt	*part, *order, *sp, *dest;
};

static struct err *
po_line_view(struct ctx *ctx, void **view)
{
	struct po_line_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) !=
	    NULL || (e = list_flag(ctx, "order_detail", false,
	    &v->order_detail)) != NULL || (e = list_flag(ctx,
	    "supplier_part_detail", false, &v->sp_detail)) != NULL)
		return e;
	return list_flag(ctx, "destination_detail", false, &v->dest_detail);
}

static void
po_line_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct po_line_view *v = view;
	const struct resource *r = &po_line_resource;

	if (v == NULL)
		return;
	if (v->part_detail)
		order_nest(ctx, o, "part_detail", &part_resource, &v->part, st,
		    res_col(r, LI_INTERNAL_PART), NULL);
	if (v->order_detail)
		order_nest(ctx, o, "order_detail", &po_resource, &v->order, st,
		    res_col(r, LI_ORDER), NULL);
	if (v->sp_detail)
		order_nest(ctx, o, "supplier_part_detail",
		    &supplier_part_resource, &v->sp, st, res_col(r, LI_PART),
		    NULL);
	if (v->dest_detail)
		order_nest(ctx, o, "destination_detail", &location_resource,
		    &v->dest, st, res_col(r, LI_DESTINATION), NULL);
}

static const char po_sql_order_of[] =
    "SELECT status, supplier, order_currency FROM purchase_order "
    "WHERE id = ?";
static const char po_sql_sp_supplier[] =
    "SELECT supplier FROM supplier_part WHERE id = ?";
/* The price break for so many packs: the largest not above it, else the
 * smallest. */
static const char po_sql_price_break[] =
    "SELECT price, price_currency FROM supplier_price_break WHERE part = ?1 "
    "AND price IS NOT NULL ORDER BY CASE WHEN quantity <= ?2 THEN 0 ELSE 1 "
    "END, CASE WHEN quantity <= ?2 THEN -quantity ELSE quantity END "
    "LIMIT 1";

/* The unit price of so many packs of supplier part sp, if it has any. */
static struct err *
order_price(struct ctx *ctx, long long sp, long long packs, bool *found,
    long long *price, const char **currency)
{
	db_stmt *st = db_prepare(ctx, po_sql_price_break);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_int64(st, 1, sp);
	st_bind_int64(st, 2, packs);
	if ((e = db_row(ctx, st, "order", found)) != NULL)
		return e;
	if (*found) {
		*price = st_column_int64(st, 0);
		*currency = mem_strdup(&ctx->mem, (const char *)
		    st_column_text(st, 1));
	}
	st_reset(st);
	return NULL;
}

/*
 * A line is for more than nothing, of an open order (when new), of a
 * supplier part of the order's supplier, never for less than is received;
 * a new line without a price takes the price break's.
 */
static struct err *
po_line_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct err *e;
	bool found;

	if (v[LI_QUANTITY].i <= 0)
		errs_add(es, "quantity", "Quantity must be greater than zero");
	else if (!w->create && w->old != NULL &&
	    v[LI_QUANTITY].i < w->old[LI_RECEIVED].i)
		errs_add(es, "quantity", "Quantity cannot be less than the "
		    "quantity received");
	db_stmt *st = db_prepare(ctx, po_sql_order_of);
	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_int64(st, 1, v[LI_ORDER].i);
	if ((e = db_row(ctx, st, "order", &found)) != NULL)
		return e;
	if (!found)
		return NULL;	/* res_check_refs() said so */
	long long status = st_column_int64(st, 0);
	long long supplier = st_column_int64(st, 1);
	const char *order_currency = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 2));
	st_reset(st);
	if (w->create && status != PO_PENDING && status != PO_PLACED &&
	    status != PO_ON_HOLD)
		errs_add(es, "order", "Order is not open");
	if (v[LI_PART].null)
		return NULL;
	long long sp_supplier;
	if ((e = order_int(ctx, po_sql_sp_supplier, v[LI_PART].i,
	    &sp_supplier, NULL)) != NULL)
		return e;
	if (sp_supplier != supplier)
		errs_add(es, "part", "Supplier part must match supplier");
	if (w->create && !v[LI_PRICE].present && v[LI_AUTO_PRICING].i &&
	    v[LI_QUANTITY].i > 0) {
		long long price;
		const char *cur;
		if ((e = order_price(ctx, v[LI_PART].i, v[LI_QUANTITY].i,
		    &found, &price, &cur)) != NULL)
			return e;
		if (found) {
			v[LI_PRICE].i = price;
			v[LI_PRICE].null = false;
			if (!v[LI_CURRENCY].present)
				v[LI_CURRENCY].s = cur;
		}
	}
	if (w->create && !v[LI_CURRENCY].present &&
	    (v[LI_CURRENCY].s == NULL || v[LI_CURRENCY].s[0] == '\0'))
		v[LI_CURRENCY].s = order_currency;
	return NULL;
}

static struct res_sql po_line_sql;

/* The unfiltered count, kept by migration 0037's triggers. */
static const struct res_tally po_line_tallies[] = {
	{ "", RES_TALLY_SQL("purchase_order_line", "0") },
};

/* A file's line names its supplier part by SKU, which two suppliers may
 * both use: the order's supplier tells them apart. */
static const struct res_narrow po_line_narrow[] = {
	{ "part", "order", "sp.supplier = (SELECT supplier FROM "
	  "purchase_order WHERE id = ?)" },
};

const struct resource po_line_resource = {
	.model = "purchaseorderlineitem",
	.name = "PurchaseOrderLineItem",
	.table = "purchase_order_line",
	.alias = "l",
	.path = "/api/order/po-line/",
	.area = "purchase_order",
	.noun = "purchase order line item",
	.plural = "purchase order line items",
	RES_FIELDS(po_line_fields),
	RES_FILTERS(po_line_filters),
	RES_ORDERS(po_line_orders),
	RES_TALLIES(po_line_tallies),
	RES_NARROW(po_line_narrow),
	.order = "l.order_id, l.id",
	.search = &po_line_search,
	.hooks = &(const struct res_hooks){ .view = po_line_view,
	    .render = po_line_render, .validate = po_line_validate },
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &po_line_sql,
};

/* ---- extra lines ---------------------------------------------------- */

static const struct field po_extra_line_fields[] = {
	{ "order", FT_ID, F_REQUIRED | F_FILTER, .col = "order_id",
	  .ref = &po_resource, .label = "Order" },
	{ "description", FT_TEXT, 0, 250 },
	{ "quantity", FT_DEC, 0, .def = DEC_SCALE },
	{ "price", FT_DEC, F_NULL | F_AS_STRING },
	{ "price_currency", FT_TEXT, 0, 3, .label = "Currency" },
	{ "reference", FT_TEXT, F_ORDER, 100 },
	{ "notes", FT_TEXT, 0, 500 },
	{ "link", FT_URL, 0, 2000 },
	{ "total_price", FT_DEC, F_READ_ONLY | F_NULL,
	  .col = "(x.price * x.quantity / 100000)" },
	{ "project_code", FT_ID, F_READ_ONLY, .col = "NULL" },
};

#define PO_EXTRA_SEARCH \
	" AND (x.reference" LIKE " OR x.description" LIKE " OR x.notes" LIKE ")"

static const struct list_search po_extra_line_search = {
	PO_EXTRA_SEARCH, 0, 3, PO_EXTRA_SEARCH, 3, NULL,
};

static struct res_sql po_extra_line_sql;

const struct resource po_extra_line_resource = {
	.model = "purchaseorderextraline",
	.name = "PurchaseOrderExtraLine",
	.table = "purchase_order_extra_line",
	.alias = "x",
	.path = "/api/order/po-extra-line/",
	.area = "purchase_order",
	.noun = "purchase order extra line",
	.plural = "purchase order extra lines",
	RES_FIELDS(po_extra_line_fields),
	.order = "x.order_id, x.id",
	.search = &po_extra_line_search,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &po_extra_line_sql,
};

/* ---- state changes -------------------------------------------------- */

static const char po_sql_status[] =
    "SELECT status, destination FROM purchase_order WHERE id = ?";
/* PostgreSQL: the same, the row locked until the transaction ends.  Not
 * "UPDATE ... SET status = status": that fires the order's status
 * trigger, which counts again what each part of the order has on order
 * (0.56 M instructions of a 10-line receive on SQLite). */
static const char po_sql_status_lock[] =
    "SELECT status, destination FROM purchase_order WHERE id = ? "
    "FOR UPDATE";
static const char po_sql_set_status[] =
    "UPDATE purchase_order SET status = ?2 WHERE id = ?1";
static const char po_sql_set_issued[] =
    "UPDATE purchase_order SET status = ?2, issue_date = ?3 WHERE id = ?1";
static const char po_sql_set_completed[] =
    "UPDATE purchase_order SET status = ?2, complete_date = ?3 "
    "WHERE id = ?1";
static const char po_sql_open_lines[] =
    "SELECT count(*) FROM purchase_order_line WHERE order_id = ? AND "
    "received < quantity";

enum { CI_ACCEPT, CI__N };
const struct field po_complete_input[] = {
	[CI_ACCEPT] = { "accept_incomplete", FT_BOOL, 0, .def = 0,
	    .label = "Accept Incomplete",
	    .help = "Allow order to be closed with incomplete line items" },
	{ NULL },
};

/*
 * Locks order id for the rest of the transaction (PostgreSQL: its row,
 * SELECT ... FOR UPDATE; SQLite: the write transaction, BEGIN IMMEDIATE,
 * holds the whole database already) and reads its status and
 * destination.  404 when there is none.
 */
static struct err *
order_lock(struct ctx *ctx, long long id, long long *status,
    long long *destination)
{
	db_stmt *st = db_prepare(ctx, db_on_pg ? po_sql_status_lock :
	    po_sql_status);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "order", &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, "PurchaseOrder");
	*status = st_column_int64(st, 0);
	*destination = st_column_type(st, 1) == SQLITE_NULL ? 0 :
	    st_column_int64(st, 1);
	st_reset(st);
	return NULL;
}

/* Sets the status (and a date column's today) of order id. */
static struct err *
order_set(struct ctx *ctx, long long id, const char *sql, long long status)
{
	db_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return db_err(ctx, "order");
	st_bind_int64(st, 1, id);
	st_bind_int64(st, 2, status);
	if (st_bind_parameter_count(st) >= 3)
		st_bind_text(st, 3, val_today(ctx), -1, SQLITE_STATIC);
	return db_step(ctx, st, "order");
}

enum order_action { OA_ISSUE, OA_HOLD, OA_CANCEL, OA_COMPLETE };

/* One state change, in the caller's transaction. */
static struct err *
order_transition(struct ctx *ctx, enum order_action a, const cJSON *body)
{
	long long id = route_param_id(ctx, "pk"), status, dest;
	struct err *e;

	if ((e = order_lock(ctx, id, &status, &dest)) != NULL)
		return e;
	switch (a) {
	case OA_ISSUE:
		if (status != PO_PENDING && status != PO_ON_HOLD)
			return NULL;
		if ((e = order_set(ctx, id, po_sql_set_issued,
		    PO_PLACED)) != NULL)
			return e;
		return event_emit(ctx, EVENT_PO_PLACED, id);
	case OA_HOLD:
		if (status != PO_PENDING && status != PO_PLACED)
			return NULL;
		return order_set(ctx, id, po_sql_set_status, PO_ON_HOLD);
	case OA_CANCEL:
		if (status != PO_PENDING && status != PO_PLACED &&
		    status != PO_ON_HOLD)
			return err_field(ctx, "non_field_errors", "Order cannot "
			    "be cancelled");
		return order_set(ctx, id, po_sql_set_status, PO_CANCELLED);
	case OA_COMPLETE: {
		struct val v[CI__N];
		struct errs es;
		long long open;
		errs_init(&es, ctx);
		val_default(&po_complete_input[CI_ACCEPT], &v[CI_ACCEPT]);
		val_object(ctx, body, po_complete_input, CI__N, v, true, &es);
		if ((e = errs_end(&es)) != NULL)
			return e;
		if ((e = order_int(ctx, po_sql_open_lines, id, &open,
		    NULL)) != NULL)
			return e;
		if (open > 0 && !v[CI_ACCEPT].i)
			return err_field(ctx, "accept_incomplete", "Order has "
			    "incomplete line items");
		if (status != PO_PLACED)
			return NULL;
		if ((e = order_set(ctx, id, po_sql_set_completed,
		    PO_COMPLETE)) != NULL)
			return e;
		return event_emit(ctx, EVENT_PO_COMPLETED, id);
	}
	}
	return NULL;
}

static struct err *
order_action(struct ctx *ctx, enum order_action a)
{
	const cJSON *body;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, order_transition(ctx, a, body))) != NULL)
		return e;
	cJSON *o = cJSON_IsObject(body) ? cJSON_Duplicate(body, 1) :
	    cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	return resp_json(ctx, 201, o);
}

/* POST /api/order/po/<pk>/issue/ */
struct err *
order_issue(struct ctx *ctx)
{
	return order_action(ctx, OA_ISSUE);
}

/* POST /api/order/po/<pk>/hold/ */
struct err *
order_hold(struct ctx *ctx)
{
	return order_action(ctx, OA_HOLD);
}

/* POST /api/order/po/<pk>/cancel/ */
struct err *
order_cancel(struct ctx *ctx)
{
	return order_action(ctx, OA_CANCEL);
}

/* POST /api/order/po/<pk>/complete/ {"accept_incomplete": bool} */
struct err *
order_complete(struct ctx *ctx)
{
	return order_action(ctx, OA_COMPLETE);
}

/* ---- receiving ------------------------------------------------------ */

enum { RI_LINE, RI_QUANTITY, RI_LOCATION, RI_STATUS, RI_BATCH, RI_SERIALS,
	RI_EXPIRY, RI_PACKAGING, RI_NOTE, RI_BARCODE, RI__N };
static const struct field po_receive_item[] = {
	[RI_LINE] = { "line_item", FT_ID, F_REQUIRED, .ref = &po_line_resource,
	    .label = "Line Item" },
	[RI_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED },
	[RI_LOCATION] = { "location", FT_ID, F_NULL, .ref = &location_resource,
	    .help = "Select destination location for received items" },
	[RI_STATUS] = { "status", FT_CHOICE, 0, .def = 10,
	    .choices = stock_statuses },
	[RI_BATCH] = { "batch_code", FT_TEXT, 0, 100, .label = "Batch Code",
	    .help = "Enter batch code for incoming stock items" },
	[RI_SERIALS] = { "serial_numbers", FT_TEXT, 0, 10000,
	    .help = "Enter serial numbers for incoming stock items" },
	[RI_EXPIRY] = { "expiry_date", FT_DATE, F_NULL,
	    .help = "Enter expiry date for incoming stock items" },
	[RI_PACKAGING] = { "packaging", FT_TEXT, 0, 50,
	    .help = "Override packaging information for incoming stock items" },
	[RI_NOTE] = { "note", FT_NOTES, 0, 10000,
	    .help = "Additional note for incoming stock items" },
	[RI_BARCODE] = { "barcode", FT_TEXT, F_NULL, 2000,
	    .help = "Scanned barcode (not kept yet)" },
	{ NULL },
};

enum { RF_ITEMS, RF_LOCATION, RF__N };
const struct field po_receive_input[] = {
	[RF_ITEMS] = { "items", FT_NESTED, F_REQUIRED, PO_RECEIVE_MAX,
	    .children = po_receive_item },
	[RF_LOCATION] = { "location", FT_ID, F_NULL, .ref = &location_resource,
	    .help = "Select destination location for received items" },
	{ NULL },
};

static const char po_sql_line[] =
    "SELECT l.order_id, l.quantity, l.received, l.purchase_price, "
    "l.purchase_price_currency, l.destination, sp.id, sp.part, "
    "sp.pack_quantity_native, sp.packaging, p.trackable, p.default_location "
    "FROM purchase_order_line l LEFT JOIN supplier_part sp ON "
    "sp.id = l.part LEFT JOIN part p ON p.id = sp.part WHERE l.id = ?";
static const char po_sql_receive[] =
    "UPDATE purchase_order_line SET received = received + ?2 "
    "WHERE id = ?1 AND received + ?2 <= quantity";
static const char po_sql_serial_taken[] =
    "SELECT 1 FROM stock_item WHERE part = ?1 AND serial = ?2";

/* One item of a receive, checked. */
struct receipt {
	long long	 line, quantity, location, status;
	long long	 sp, part, pack, price;
	bool		 has_price;
	const char	*currency, *batch, *expiry, *packaging, *note;
	const char	**serials;
	int		 nserials;
};

/* "1-3, 7" into distinct serials; an error message or NULL (order.h). */
const char *
order_serials(struct ctx *ctx, const char *text, const char ***out, int *n)
{
	const char **s = mem_alloc(&ctx->mem, PO_SERIALS_MAX * sizeof(*s));
	char *copy = mem_strdup(&ctx->mem, text), *save = NULL;
	int k = 0;

	for (char *t = strtok_r(copy, ", \t", &save); t != NULL;
	    t = strtok_r(NULL, ", \t", &save)) {
		long long a = 0, b = -1;
		char *dash = strchr(t + 1, '-');
		if (dash != NULL) {
			char *end;
			*dash = '\0';
			a = strtoll(t, &end, 10);
			if (*end != '\0' || a < 0)
				return mem_printf(&ctx->mem, "Invalid group: "
				    "%s", t);
			b = strtoll(dash + 1, &end, 10);
			if (*end != '\0' || b < a || b - a >= PO_SERIALS_MAX)
				return mem_printf(&ctx->mem, "Invalid group: "
				    "%s", t);
		}
		for (long long i = a; dash != NULL ? i <= b : i == a; i++) {
			const char *sn = dash != NULL ? mem_printf(&ctx->mem,
			    "%lld", i) : t;
			bool dup = false;
			for (int j = 0; j < k && !dup; j++)
				dup = strcmp(s[j], sn) == 0;
			if (dup)
				return mem_printf(&ctx->mem, "Duplicate serial: "
				    "%s", sn);
			if (k == PO_SERIALS_MAX || val_chars(sn) > 100)
				return mem_printf(&ctx->mem, "Invalid group: "
				    "%s", sn);
			s[k++] = sn;
			if (dash == NULL)
				break;
		}
	}
	if (k == 0)
		return "Empty serial number string";
	*out = s;
	*n = k;
	return NULL;
}

/*
 * Checks item it of a receive against order id into r; its problems go
 * into ie.  got[] holds what earlier items of the request receive of each
 * line (so that one line twice cannot over-receive either).
 */
static struct err *
order_receive_check(struct ctx *ctx, long long id, long long top_location,
    const cJSON *it, struct receipt *r, struct errs *ie,
    struct receipt *earlier, size_t nearlier)
{
	struct val v[RI__N];
	struct err *e;
	bool found, structural;

	for (int i = 0; i < RI__N; i++)
		val_default(&po_receive_item[i], &v[i]);
	val_object(ctx, it, po_receive_item, RI__N, v, true, ie);
	if (errs_any(ie))
		return NULL;
	memset(r, 0, sizeof(*r));
	r->line = v[RI_LINE].i;
	r->quantity = v[RI_QUANTITY].i;
	db_stmt *st = db_prepare(ctx, po_sql_line);
	if (st == NULL)
		return db_err(ctx, "receive");
	st_bind_int64(st, 1, r->line);
	if ((e = db_row(ctx, st, "receive", &found)) != NULL)
		return e;
	if (!found || st_column_int64(st, 0) != id) {
		st_reset(st);
		errs_add(ie, "line_item", "Line item does not match purchase "
		    "order");
		return NULL;
	}
	long long ordered = st_column_int64(st, 1);
	long long received = st_column_int64(st, 2);
	r->has_price = st_column_type(st, 3) != SQLITE_NULL;
	r->price = st_column_int64(st, 3);
	r->currency = mem_strdup(&ctx->mem, (const char *)st_column_text(st,
	    4));
	long long line_dest = st_column_type(st, 5) == SQLITE_NULL ? 0 :
	    st_column_int64(st, 5);
	bool has_sp = st_column_type(st, 6) != SQLITE_NULL;
	r->sp = st_column_int64(st, 6);
	r->part = st_column_int64(st, 7);
	r->pack = st_column_int64(st, 8);
	const char *sp_packaging = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 9));
	bool trackable = st_column_int(st, 10) != 0;
	long long part_loc = st_column_type(st, 11) == SQLITE_NULL ? 0 :
	    st_column_int64(st, 11);
	st_reset(st);
	if (!has_sp) {
		errs_add(ie, "line_item", "Line item is missing a linked part");
		return NULL;
	}
	if (r->quantity <= 0) {
		errs_add(ie, "quantity", "Quantity must be greater than zero");
		return NULL;
	}
	long long before = 0;
	for (size_t k = 0; k < nearlier; k++)
		if (earlier[k].line == r->line)
			before += earlier[k].quantity;
	long long left = ordered - received - before;
	if (r->quantity > left) {
		char a[DEC_BUFSZ], b[DEC_BUFSZ];
		errs_addf(ie, "quantity", "Line item %lld: cannot receive %s, "
		    "only %s outstanding", r->line, dec_format(r->quantity, a),
		    dec_format(left > 0 ? left : 0, b));
		return NULL;
	}
	/* The item's location, else the request's (else the order's
	 * destination), else the line's, else the part's default. */
	r->location = !v[RI_LOCATION].null ? v[RI_LOCATION].i : top_location;
	if (r->location == 0)
		r->location = line_dest != 0 ? line_dest : part_loc;
	if (r->location == 0) {
		errs_addf(ie, "location", "Destination location must be "
		    "specified (line item %lld)", r->line);
		return NULL;
	}
	/* A location an earlier item of the request passed is good again. */
	found = false;
	for (size_t k = 0; k < nearlier && !found; k++)
		found = earlier[k].line != 0 &&
		    earlier[k].location == r->location;
	structural = false;
	if (!found && (e = res_tree_node(ctx, &location_resource,
	    r->location, &found, &structural)) != NULL)
		return e;
	if (!found) {
		errs_addf(ie, "location", "Invalid pk \"%lld\" - object does not "
		    "exist.", r->location);
		return NULL;
	}
	if (structural) {
		errs_add(ie, "location", "Stock items cannot be located into "
		    "structural stock locations!");
		return NULL;
	}
	r->status = v[RI_STATUS].i;
	r->batch = v[RI_BATCH].s;
	r->expiry = v[RI_EXPIRY].null ? NULL : v[RI_EXPIRY].s;
	r->packaging = v[RI_PACKAGING].s != NULL && v[RI_PACKAGING].s[0] !=
	    '\0' ? v[RI_PACKAGING].s : sp_packaging;
	r->note = v[RI_NOTE].s;
	const char *sn = v[RI_SERIALS].s;
	if (sn != NULL && sn[strspn(sn, ", \t")] != '\0') {
		if (!trackable) {
			errs_add(ie, "serial_numbers", "Serial numbers cannot be "
			    "supplied for a non-trackable part");
			return NULL;
		}
		const char *msg = order_serials(ctx, sn, &r->serials,
		    &r->nserials);
		if (msg != NULL) {
			errs_add(ie, "serial_numbers", msg);
			return NULL;
		}
		/* The quantity in the part's units must be whole and one
		 * serial each. */
		long long units = r->quantity / DEC_SCALE * r->pack +
		    r->quantity % DEC_SCALE * r->pack / DEC_SCALE;
		if (units != (long long)r->nserials * DEC_SCALE) {
			char q[DEC_BUFSZ];
			errs_addf(ie, "serial_numbers", "Number of unique serial "
			    "numbers (%d) must match quantity (%s)",
			    r->nserials, dec_format(units, q));
			return NULL;
		}
		db_stmt *t = db_prepare(ctx, po_sql_serial_taken);
		const char *taken = NULL;
		if (t == NULL)
			return db_err(ctx, "receive");
		for (int j = 0; j < r->nserials; j++) {
			st_reset(t);
			st_bind_int64(t, 1, r->part);
			st_bind_text(t, 2, r->serials[j], -1, SQLITE_STATIC);
			if ((e = db_row(ctx, t, "receive", &found)) != NULL)
				return e;
			if (found)
				taken = taken == NULL ? r->serials[j] :
				    mem_printf(&ctx->mem, "%s, %s", taken,
				    r->serials[j]);
		}
		st_reset(t);
		if (taken != NULL) {
			errs_addf(ie, "serial_numbers", "The following serial "
			    "numbers already exist or are invalid: %s", taken);
			return NULL;
		}
	}
	return NULL;
}

/* Receives r against order id: the line's count, the stock item(s). */
static struct err *
order_receive_apply(struct ctx *ctx, long long id, const struct receipt *r,
    cJSON *created)
{
	db_stmt *st = db_prepare(ctx, po_sql_receive);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "receive");
	st_bind_int64(st, 1, r->line);
	st_bind_int64(st, 2, r->quantity);
	if ((e = db_step(ctx, st, "receive")) != NULL)
		return e;
	if (db_changes(ctx) != 1)	/* checked above: never here */
		return err_field(ctx, "items", "Line item %lld: cannot receive "
		    "more than is outstanding", r->line);
	/* packs * units per pack (both 10^-5): in the part's units. */
	__int128 units = (__int128)r->quantity * r->pack / DEC_SCALE;
	if (units <= 0 || units > VAL_ID_MAX)
		return err_field(ctx, "items", "Line item %lld: quantity out "
		    "of range", r->line);
	struct stock_receipt s = {
		.part = r->part, .location = r->location,
		.quantity = r->nserials > 0 ? DEC_SCALE : (long long)units,
		.status = r->status, .supplier_part = r->sp,
		.purchase_order = id, .batch = r->batch, .expiry = r->expiry,
		.notes = r->note, .packaging = r->packaging,
		.has_price = r->has_price, .currency = r->currency,
		/* per unit of the part: the pack's price / units a pack */
		.price = r->has_price ? (long long)((__int128)r->price *
		    DEC_SCALE / r->pack) : 0,
	};
	int n = r->nserials > 0 ? r->nserials : 1;
	for (int k = 0; k < n; k++) {
		long long item;
		s.serial = r->nserials > 0 ? r->serials[k] : NULL;
		if ((e = stock_receive(ctx, &s, &item)) != NULL)
			return e;
		cJSON_AddItemToArray(created, cJSON_CreateNumber((double)item));
	}
	return NULL;
}

/* The whole receive, in the caller's transaction. */
static struct err *
order_receive_tx(struct ctx *ctx, const cJSON *body, cJSON *created)
{
	long long id = route_param_id(ctx, "pk"), status, dest;
	struct val v[RF__N];
	struct errs es;
	struct err *e;

	if ((e = order_lock(ctx, id, &status, &dest)) != NULL)
		return e;
	errs_init(&es, ctx);
	for (int i = 0; i < RF__N; i++)
		val_default(&po_receive_input[i], &v[i]);
	val_object(ctx, body, po_receive_input, RF__N, v, true, &es);
	if ((e = errs_end(&es)) != NULL)
		return e;
	if (status != PO_PLACED)
		return err_field(ctx, "non_field_errors", "Lines can only be "
		    "received against an order marked as 'PLACED'");
	size_t n = (size_t)cJSON_GetArraySize(v[RF_ITEMS].j), k = 0;
	if (n == 0)
		return err_field(ctx, "non_field_errors", "Line items must be "
		    "provided");
	long long top = !v[RF_LOCATION].null ? v[RF_LOCATION].i : dest;
	struct receipt *r = mem_zalloc(&ctx->mem, n * sizeof(*r));
	cJSON **maps = mem_zalloc(&ctx->mem, n * sizeof(*maps));
	bool bad = false;
	for (const cJSON *it = v[RF_ITEMS].j->child; it != NULL;
	    it = it->next, k++) {
		struct errs ie;
		errs_init(&ie, ctx);
		if ((e = order_receive_check(ctx, id, top, it, &r[k], &ie, r,
		    k)) != NULL)
			return e;
		if (errs_any(&ie)) {
			bad = true;
			maps[k] = ie.map;
			r[k].line = 0;
		}
	}
	if (bad) {
		cJSON *list = cJSON_CreateArray();
		if (list == NULL)
			mem_oom();
		for (k = 0; k < n; k++)
			cJSON_AddItemToArray(list, maps[k] != NULL ?
			    cJSON_Duplicate(maps[k], true) :
			    cJSON_CreateObject());
		errs_put(&es, "items", list);
		return errs_end(&es);
	}
	for (k = 0; k < n; k++)
		if ((e = order_receive_apply(ctx, id, &r[k], created)) != NULL)
			return e;
	return event_emit(ctx, EVENT_PO_RECEIVED, id);
}

/*
 * POST /api/order/po/<pk>/receive/ with InvenTree's body: all its items
 * or none.  Answers 201 with the new stock items.
 */
struct err *
order_receive(struct ctx *ctx)
{
	const cJSON *body;
	struct err *e;
	cJSON *created = cJSON_CreateArray();

	if (created == NULL)
		mem_oom();
	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, order_receive_tx(ctx, body, created))) != NULL) {
		cJSON_Delete(created);
		return e;
	}
	cJSON *out = cJSON_CreateArray();
	if (out == NULL)
		mem_oom();
	for (cJSON *c = created->child; c != NULL; c = c->next) {
		cJSON *o;
		if ((e = res_get(ctx, &stock_resource, (long long)c->valuedouble,
		    NULL, &o)) != NULL) {
			cJSON_Delete(created);
			cJSON_Delete(out);
			return e;
		}
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(created);
	return resp_json(ctx, 201, out);
}

/* ---- what to order -------------------------------------------------- */

/* Active purchaseable parts whose stock and what is on order fall short
 * of their minimum, and how much. */
#define PO_ORDERING_SQL \
	"(SELECT coalesce(sum((l.quantity - l.received) * " \
	"sp.pack_quantity_native / 100000), 0) FROM supplier_part sp JOIN " \
	"purchase_order_line l ON l.part = sp.id JOIN purchase_order o ON " \
	"o.id = l.order_id WHERE sp.part = p.id AND o.status IN " PO_OPEN_SQL ")"

static const char po_sql_short[] =
    "SELECT id, name, IPN, minimum_stock, in_stock, ordering FROM (SELECT "
    "p.id, p.name, p.IPN, p.minimum_stock, p.in_stock, " PO_ORDERING_SQL
    " AS ordering FROM part p WHERE p.active = 1 AND p.purchaseable = 1 "
    "AND p.minimum_stock > 0 AND p.in_stock < p.minimum_stock) s "
    "WHERE in_stock + ordering < minimum_stock ORDER BY name, id";
static const char po_sql_candidates[] =
    "SELECT sp.id, sp.supplier, c.name, sp.SKU, sp.pack_quantity_native "
    "FROM supplier_part sp JOIN company c ON c.id = sp.supplier "
    "WHERE sp.part = ? AND sp.active = 1 AND c.active = 1 AND "
    "c.is_supplier = 1 ORDER BY sp.id";

struct suggestion {
	long long	 part, minimum, in_stock, ordering, needed;
	const char	*name, *ipn;
	long long	 sp, supplier, pack, packs, price;
	const char	*supplier_name, *sku, *currency;
	bool		 has_price;
};

/* Each short part with its best supplier part: the lowest cost of the
 * packs it needs, else the first. */
static struct err *
order_suggestions(struct ctx *ctx, struct suggestion **out, size_t *n)
{
	db_stmt *st = db_prepare(ctx, po_sql_short);
	struct err *e;
	size_t cap = 16;
	struct suggestion *s = mem_alloc(&ctx->mem, cap * sizeof(*s));
	int rc;

	*n = 0;
	if (st == NULL)
		return db_err(ctx, "what to order");
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct suggestion *t = mem_alloc(&ctx->mem, 2 * cap *
			    sizeof(*t));
			memcpy(t, s, cap * sizeof(*t));
			s = t;
			cap *= 2;
		}
		struct suggestion *g = &s[(*n)++];
		memset(g, 0, sizeof(*g));
		g->part = st_column_int64(st, 0);
		g->name = mem_strdup(&ctx->mem, (const char *)
		    st_column_text(st, 1));
		g->ipn = mem_strdup(&ctx->mem, (const char *)
		    st_column_text(st, 2));
		g->minimum = st_column_int64(st, 3);
		g->in_stock = st_column_int64(st, 4);
		g->ordering = st_column_int64(st, 5);
		g->needed = g->minimum - g->in_stock - g->ordering;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "what to order");
	for (size_t i = 0; i < *n; i++) {
		struct suggestion *g = &s[i];
		db_stmt *c = db_prepare(ctx, po_sql_candidates);
		if (c == NULL)
			return db_err(ctx, "what to order");
		st_bind_int64(c, 1, g->part);
		struct suggestion best = *g;
		bool have = false;
		while ((rc = st_step(c)) == SQLITE_ROW) {
			struct suggestion t = *g;
			t.sp = st_column_int64(c, 0);
			t.supplier = st_column_int64(c, 1);
			t.supplier_name = mem_strdup(&ctx->mem, (const char *)
			    st_column_text(c, 2));
			t.sku = mem_strdup(&ctx->mem, (const char *)
			    st_column_text(c, 3));
			t.pack = st_column_int64(c, 4);
			/* whole packs enough for what is needed */
			t.packs = ((g->needed + t.pack - 1) / t.pack) *
			    DEC_SCALE;
			/* Price of this candidate. */
			bool found;
			long long price;
			const char *cur;
			if ((e = order_price(ctx, t.sp, t.packs, &found, &price,
			    &cur)) != NULL) {
				st_reset(c);
				return e;
			}
			t.has_price = found;
			t.price = found ? price : 0;
			t.currency = found ? cur : "";
			if (!have) {
				best = t;
				have = true;
			} else if (t.has_price && (!best.has_price ||
			    (__int128)t.price * t.packs <
			    (__int128)best.price * best.packs))
				best = t;
		}
		st_reset(c);
		if (rc != SQLITE_DONE)
			return db_err(ctx, "what to order");
		if (have)
			*g = best;
	}
	*out = s;
	return NULL;
}

static cJSON *
order_suggestion_json(const struct suggestion *g)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "part", g->part);
	json_text(o, "name", g->name);
	json_text(o, "IPN", g->ipn);
	json_item(o, "minimum_stock", dec_json(g->minimum));
	json_item(o, "in_stock", dec_json(g->in_stock));
	json_item(o, "ordering", dec_json(g->ordering));
	json_item(o, "needed", dec_json(g->needed));
	if (g->sp == 0) {
		json_null(o, "supplier_part");
		json_null(o, "supplier");
		return o;
	}
	json_int(o, "supplier_part", g->sp);
	json_text(o, "SKU", g->sku);
	json_int(o, "supplier", g->supplier);
	json_text(o, "supplier_name", g->supplier_name);
	json_item(o, "pack_quantity_native", dec_json(g->pack));
	json_item(o, "quantity", dec_json(g->packs));
	if (g->has_price) {
		json_item(o, "price", dec_json_string(g->price));
		json_text(o, "price_currency", g->currency);
		json_item(o, "total_price", dec_json_string((long long)
		    ((__int128)g->price * g->packs / DEC_SCALE)));
	} else {
		json_null(o, "price");
		json_null(o, "total_price");
	}
	return o;
}

/*
 * GET /api/order/po/suggest/: what to order -- each part below its
 * minimum stock after what is on order, how much it needs, the supplier
 * part that covers it at the lowest cost (its price break for the whole
 * packs needed) and that cost.
 */
struct err *
order_suggest(struct ctx *ctx)
{
	struct suggestion *s;
	size_t n;
	struct err *e;

	if ((e = order_suggestions(ctx, &s, &n)) != NULL)
		return e;
	cJSON *a = cJSON_CreateArray();
	if (a == NULL)
		mem_oom();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, order_suggestion_json(&s[i]));
	return resp_json(ctx, 200, a);
}

enum { SG_PARTS, SG__N };
const struct field po_suggest_input[] = {
	[SG_PARTS] = { "parts", FT_IDS, F_NULL, VAL_IDS_MAX,
	    .ref = &part_resource,
	    .help = "The parts to order (default: every part suggested)" },
	{ NULL },
};

static const char po_sql_new_order[] =
    "INSERT INTO purchase_order (reference, reference_int, supplier, status, "
    "creation_date, created_by, order_currency) VALUES (?, ?, ?, 10, ?, ?, "
    "(SELECT currency FROM company WHERE id = ?))";
static const char po_sql_new_line[] =
    "INSERT INTO purchase_order_line (order_id, part, quantity, "
    "purchase_price, purchase_price_currency) VALUES (?, ?, ?, ?, ?)";

/* The draft orders, one per supplier, in the caller's transaction. */
static struct err *
order_suggest_tx(struct ctx *ctx, const cJSON *body, cJSON *ids)
{
	struct val v[SG__N];
	struct suggestion *s;
	struct errs es;
	struct err *e;
	size_t n;

	errs_init(&es, ctx);
	val_default(&po_suggest_input[SG_PARTS], &v[SG_PARTS]);
	val_object(ctx, body, po_suggest_input, SG__N, v, true, &es);
	for (size_t k = 0; !errs_any(&es) && !v[SG_PARTS].null &&
	    k < v[SG_PARTS].n; k++) {
		bool there;
		if ((e = res_exists(ctx, &part_resource, v[SG_PARTS].ids[k],
		    &there)) != NULL)
			return e;
		if (!there)
			errs_addf(&es, "parts", "Invalid pk \"%lld\" - object "
			    "does not exist.", v[SG_PARTS].ids[k]);
	}
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((e = order_suggestions(ctx, &s, &n)) != NULL)
		return e;
	bool *done = mem_zalloc(&ctx->mem, n + 1);
	for (size_t i = 0; i < n; i++) {
		bool wanted = v[SG_PARTS].null || !v[SG_PARTS].present;
		for (size_t k = 0; !wanted && k < v[SG_PARTS].n; k++)
			wanted = v[SG_PARTS].ids[k] == s[i].part;
		if (!wanted || s[i].sp == 0)
			done[i] = true;
	}
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		const char *ref;
		if ((e = po_next_reference(ctx, &ref)) != NULL)
			return e;
		db_stmt *st = db_prepare(ctx, po_sql_new_order);
		if (st == NULL)
			return db_err(ctx, "what to order");
		st_bind_text(st, 1, ref, -1, SQLITE_STATIC);
		st_bind_int64(st, 2, po_reference_int(ref));
		st_bind_int64(st, 3, s[i].supplier);
		st_bind_text(st, 4, val_today(ctx), -1, SQLITE_STATIC);
		db_bind_id(st, 5, ctx->user_id);
		st_bind_int64(st, 6, s[i].supplier);
		if ((e = db_step(ctx, st, "what to order")) != NULL)
			return e;
		long long po = db_last_id(ctx);
		cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)po));
		for (size_t k = i; k < n; k++) {
			if (done[k] || s[k].supplier != s[i].supplier)
				continue;
			done[k] = true;
			db_stmt *l = db_prepare(ctx, po_sql_new_line);
			if (l == NULL)
				return db_err(ctx, "what to order");
			st_bind_int64(l, 1, po);
			st_bind_int64(l, 2, s[k].sp);
			st_bind_int64(l, 3, s[k].packs);
			if (s[k].has_price)
				st_bind_int64(l, 4, s[k].price);
			else
				st_bind_null(l, 4);
			st_bind_text(l, 5, s[k].has_price ? s[k].currency : "",
			    -1, SQLITE_STATIC);
			if ((e = db_step(ctx, l, "what to order")) != NULL)
				return e;
		}
	}
	return NULL;
}

/*
 * POST /api/order/po/suggest/ {"parts": [pk, ...]} (optional): creates
 * the draft (pending) orders of what to order, one per supplier, in one
 * transaction; answers 201 with them.
 */
struct err *
order_suggest_create(struct ctx *ctx)
{
	const cJSON *body;
	struct err *e;
	cJSON *ids = cJSON_CreateArray();

	if (ids == NULL)
		mem_oom();
	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, order_suggest_tx(ctx, body, ids))) != NULL) {
		cJSON_Delete(ids);
		return e;
	}
	cJSON *out = cJSON_CreateArray();
	if (out == NULL)
		mem_oom();
	for (cJSON *c = ids->child; c != NULL; c = c->next) {
		cJSON *o;
		if ((e = res_get(ctx, &po_resource, (long long)c->valuedouble,
		    NULL, &o)) != NULL) {
			cJSON_Delete(ids);
			cJSON_Delete(out);
			return e;
		}
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(ids);
	return resp_json(ctx, 201, out);
}
