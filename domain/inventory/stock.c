/*
 * stock: locations, items, adjustments, tracking.  See stock.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "tasks/event.h"
#include "json.h"
#include "inventory/part.h"
#include "resp.h"
#include "inventory/stock.h"
#include "text.h"
#include "inventory/tree.h"

#define STOCK_ID_MAX	999999999999999LL
#define STOCK_NOTES_MAX	10000

const struct stock_status stock_statuses[] = {
	{ 10, "OK", "OK", "success", true },
	{ 50, "ATTENTION", "Attention needed", "warning", true },
	{ 55, "DAMAGED", "Damaged", "warning", true },
	{ 60, "DESTROYED", "Destroyed", "danger", false },
	{ 65, "REJECTED", "Rejected", "danger", false },
	{ 70, "LOST", "Lost", "dark", false },
	{ 75, "QUARANTINED", "Quarantined", "info", false },
	{ 85, "RETURNED", "Returned", "warning", true },
};
const int stock_statuses_count = sizeof(stock_statuses) /
    sizeof(stock_statuses[0]);

/* items counts stock in the location and below; sublocations every
 * location below it. */
#define LOCATION_COLS \
	"l.id, l.name, l.description, l.parent, l.pathstring, l.level, " \
	"l.structural, l.external, l.icon, " \
	"(SELECT count(*) FROM stock_location d JOIN stock_item i " \
	"ON i.location = d.id WHERE d.path >= l.path AND " \
	"d.path < l.path || '~'), " \
	"(SELECT count(*) FROM stock_location d WHERE d.path > l.path AND " \
	"d.path < l.path || '~')"
enum { LC_ID, LC_NAME, LC_DESCRIPTION, LC_PARENT, LC_PATHSTRING, LC_LEVEL,
	LC_STRUCTURAL, LC_EXTERNAL, LC_ICON, LC_ITEMS, LC_SUBLOCATIONS };

const char location_select[] = "SELECT " LOCATION_COLS
    " FROM stock_location l WHERE 1";
const char location_count[] = "SELECT count(*) FROM stock_location l WHERE 1";
const char location_select_one[] = "SELECT " LOCATION_COLS
    " FROM stock_location l WHERE l.id = ?";
static const char location_sql_brief[] =
    "SELECT id, name, pathstring, description, parent, level "
    "FROM stock_location WHERE id = ?";

#define STOCK_COLS \
	"s.id, s.part, s.location, s.parent, s.quantity, s.batch, s.serial, " \
	"s.status, s.notes, s.packaging, s.link, s.expiry_date, " \
	"s.purchase_price, s.purchase_price_currency, s.delete_on_deplete, " \
	"s.updated, s.stocktake_date, " \
	"(SELECT count(*) FROM stock_tracking t WHERE t.item = s.id)"
enum { SC_ID, SC_PART, SC_LOCATION, SC_PARENT, SC_QUANTITY, SC_BATCH,
	SC_SERIAL, SC_STATUS, SC_NOTES, SC_PACKAGING, SC_LINK, SC_EXPIRY,
	SC_PRICE, SC_CURRENCY, SC_DELETE_ON_DEPLETE, SC_UPDATED,
	SC_STOCKTAKE, SC_TRACKING };

const char stock_select[] = "SELECT " STOCK_COLS " FROM stock_item s WHERE 1";
const char stock_count[] = "SELECT count(*) FROM stock_item s WHERE 1";
const char stock_select_one[] = "SELECT " STOCK_COLS
    " FROM stock_item s WHERE s.id = ?";

const char tracking_select[] = "SELECT t.id, t.item, t.date, "
    "t.tracking_type, t.notes, t.user, t.deltas FROM stock_tracking t "
    "WHERE 1";
const char tracking_count[] = "SELECT count(*) FROM stock_tracking t WHERE 1";
/* InvenTree's StockItemSerializerBrief; part_name is the full name. */
static const char tracking_sql_item[] =
    "SELECT s.id, s.part, s.location, s.quantity, s.serial, "
    "p.IPN || CASE WHEN p.IPN <> '' THEN ' | ' ELSE '' END || p.name || "
    "CASE WHEN p.revision <> '' THEN ' | ' || p.revision ELSE '' END "
    "FROM stock_item s JOIN part p ON p.id = s.part WHERE s.id = ?";
static const char tracking_sql_user[] =
    "SELECT id, username, first_name, last_name FROM users WHERE id = ?";

static const char stock_sql_track[] =
    "INSERT INTO stock_tracking (item, tracking_type, notes, user, deltas) "
    "VALUES (?, ?, ?, ?, ?)";
static const char stock_sql_fts_delete[] =
    "DELETE FROM stock_item_fts WHERE rowid = ?";
static const char stock_sql_fts_insert[] =
    "INSERT INTO stock_item_fts (rowid, batch, serial, notes) "
    "SELECT id, batch, serial, notes FROM stock_item WHERE id = ?";
static const char stock_sql_created[] =
    "SELECT quantity, location, status FROM stock_item WHERE id = ?";
static const char stock_sql_insert[] =
    "INSERT INTO stock_item (part, location, quantity, delete_on_deplete) "
    "VALUES (?, ?, ?, ifnull((SELECT value IN ('1', 'true', 'True') "
    "FROM setting WHERE key = 'STOCK_DELETE_DEPLETED_DEFAULT'), 0))";
static const char stock_sql_adj_get[] =
    "SELECT quantity, location, delete_on_deplete, serial <> '' "
    "FROM stock_item WHERE id = ?";
static const char stock_sql_set_quantity[] =
    "UPDATE stock_item SET quantity = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_set_counted[] =
    "UPDATE stock_item SET quantity = ?2, stocktake_date = date('now'), "
    "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_set_location[] =
    "UPDATE stock_item SET location = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
static const char stock_sql_split[] =
    "INSERT INTO stock_item (part, location, parent, quantity, batch, "
    "status, notes, packaging, link, expiry_date, purchase_price, "
    "purchase_price_currency, delete_on_deplete) "
    "SELECT part, ?2, id, ?3, batch, status, notes, packaging, link, "
    "expiry_date, purchase_price, purchase_price_currency, "
    "delete_on_deplete FROM stock_item WHERE id = ?1";
static const char stock_sql_delete[] = "DELETE FROM stock_item WHERE id = ?";
static const char stock_sql_part_of[] =
    "SELECT part FROM stock_item WHERE id = ?";
static const char stock_sql_status_get[] =
    "SELECT status FROM stock_item WHERE id = ?";
static const char stock_sql_set_status[] =
    "UPDATE stock_item SET status = ?2, updated = "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";

const struct stock_status *
stock_status_find(int code)
{
	for (int i = 0; i < stock_statuses_count; i++)
		if (stock_statuses[i].code == code)
			return &stock_statuses[i];
	return NULL;
}

static void
stock_add_text_or_null(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	if (s == NULL || s[0] == '\0')
		json_null(o, name);
	else
		json_text(o, name, s);
}

/* One location row (location_select's columns). */
cJSON *
location_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	(void)arg;
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, LC_ID));
	db_json_text(o, "name", st, LC_NAME);
	db_json_text(o, "description", st, LC_DESCRIPTION);
	db_json_id(o, "parent", st, LC_PARENT);
	db_json_text(o, "pathstring", st, LC_PATHSTRING);
	json_int(o, "level", sqlite3_column_int(st, LC_LEVEL));
	json_bool(o, "structural", sqlite3_column_int(st, LC_STRUCTURAL));
	json_bool(o, "external", sqlite3_column_int(st, LC_EXTERNAL));
	db_json_text(o, "icon", st, LC_ICON);
	db_json_text(o, "custom_icon", st, LC_ICON);
	json_int(o, "items", sqlite3_column_int64(st, LC_ITEMS));
	json_int(o, "sublocations", sqlite3_column_int64(st, LC_SUBLOCATIONS));
	json_text(o, "barcode_hash", "");
	json_null(o, "owner");
	json_null(o, "location_type");
	json_item(o, "tags", cJSON_CreateArray());
	return o;
}

/* The location with this id as JSON, or NULL with *status set. */
cJSON *
location_get(struct ctx *ctx, long long id, int *status)
{
	return db_get_json(ctx, location_select_one, id, location_json, NULL,
	    "StockLocation", "location get", status);
}

/* Runs a cached one-id lookup and renders its row, or NULL. */
static cJSON *
stock_lookup(struct ctx *ctx, sqlite3_stmt **cache, const char *sql,
    long long id, cJSON *(*fn)(struct ctx *, sqlite3_stmt *, void *),
    void *arg)
{
	cJSON *j = NULL;

	if (*cache == NULL)
		*cache = db_prepare(ctx, sql);
	if (*cache == NULL)
		return NULL;
	sqlite3_reset(*cache);
	sqlite3_bind_int64(*cache, 1, id);
	if (sqlite3_step(*cache) == SQLITE_ROW)
		j = fn(ctx, *cache, arg);
	sqlite3_reset(*cache);
	return j;
}

/* The brief location InvenTree nests as location_detail. */
static cJSON *
location_brief_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	(void)arg;
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, 0));
	db_json_text(o, "name", st, 1);
	db_json_text(o, "pathstring", st, 2);
	db_json_text(o, "description", st, 3);
	db_json_id(o, "parent", st, 4);
	json_int(o, "level", sqlite3_column_int(st, 5));
	return o;
}

/* One stock item row (stock_select's columns); arg: a stock_view or NULL. */
cJSON *
stock_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	struct stock_view *view = arg;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, SC_ID));
	db_json_id(o, "part", st, SC_PART);
	db_json_id(o, "location", st, SC_LOCATION);
	db_json_id(o, "parent", st, SC_PARENT);
	long long q = sqlite3_column_int64(st, SC_QUANTITY);
	json_item(o, "quantity", dec_json(q));
	db_json_text(o, "batch", st, SC_BATCH);
	stock_add_text_or_null(o, "serial", st, SC_SERIAL);
	int status = sqlite3_column_int(st, SC_STATUS);
	const struct stock_status *ss = stock_status_find(status);
	json_int(o, "status", status);
	json_text(o, "status_text", ss ? ss->label : "");
	json_int(o, "status_custom_key", status);
	json_bool(o, "in_stock", ss && ss->in_stock && q > 0);
	db_json_text(o, "notes", st, SC_NOTES);
	db_json_text(o, "packaging", st, SC_PACKAGING);
	db_json_text(o, "link", st, SC_LINK);
	stock_add_text_or_null(o, "expiry_date", st, SC_EXPIRY);
	if (sqlite3_column_type(st, SC_PRICE) == SQLITE_NULL)
		json_null(o, "purchase_price");
	else
		json_item(o, "purchase_price",
		    dec_json_string(sqlite3_column_int64(st, SC_PRICE)));
	db_json_text(o, "purchase_price_currency", st, SC_CURRENCY);
	json_bool(o, "delete_on_deplete", sqlite3_column_int(st,
	    SC_DELETE_ON_DEPLETE));
	db_json_text(o, "updated", st, SC_UPDATED);
	stock_add_text_or_null(o, "stocktake_date", st, SC_STOCKTAKE);
	json_int(o, "tracking_items", sqlite3_column_int64(st, SC_TRACKING));
	json_item(o, "allocated", dec_json(0));
	json_null(o, "belongs_to");
	json_null(o, "build");
	json_null(o, "customer");
	json_null(o, "sales_order");
	json_null(o, "purchase_order");
	json_null(o, "supplier_part");
	json_null(o, "owner");
	json_bool(o, "is_building", 0);
	json_bool(o, "expired", 0);
	json_bool(o, "stale", 0);
	json_text(o, "barcode_hash", "");

	if (view != NULL && view->part_detail) {
		cJSON *pd = stock_lookup(ctx, &view->part, part_select_one,
		    sqlite3_column_int64(st, SC_PART), part_json,
		    &view->part_view);
		if (pd != NULL)
			json_item(o, "part_detail", pd);
		else
			json_null(o, "part_detail");
	}
	if (view != NULL && view->location_detail) {
		cJSON *ld = NULL;
		if (sqlite3_column_type(st, SC_LOCATION) != SQLITE_NULL)
			ld = stock_lookup(ctx, &view->loc, location_sql_brief,
			    sqlite3_column_int64(st, SC_LOCATION),
			    location_brief_json, NULL);
		if (ld != NULL)
			json_item(o, "location_detail", ld);
		else
			json_null(o, "location_detail");
	}
	return o;
}

/* The stock item with this id as JSON, or NULL with *status set. */
cJSON *
stock_get(struct ctx *ctx, long long id, struct stock_view *view, int *status)
{
	return db_get_json(ctx, stock_select_one, id, stock_json, view,
	    "StockItem", "stock get", status);
}

static const char *
tracking_label(int code)
{
	switch (code) {
	case TRACK_CREATED:		return "Stock item created";
	case TRACK_EDITED:		return "Edited stock item";
	case TRACK_COUNTED:		return "Stock counted";
	case TRACK_ADDED:		return "Stock manually added";
	case TRACK_REMOVED:		return "Stock manually removed";
	case TRACK_RETURNED:		return "Returned to stock";
	case TRACK_MOVED:		return "Location changed";
	case TRACK_UPDATED:		return "Stock updated";
	case TRACK_SPLIT_FROM_PARENT:	return "Split from parent item";
	case TRACK_SPLIT_CHILD:		return "Split child item";
	case TRACK_MERGED:		return "Merged stock items";
	case TRACK_RECEIVED:		return "Received against purchase order";
	}
	return "";
}

/* The brief stock item InvenTree nests as a tracking entry's item_detail. */
static cJSON *
tracking_item_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	(void)arg;
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, 0));
	json_int(o, "part", sqlite3_column_int64(st, 1));
	db_json_text(o, "part_name", st, 5);
	db_json_id(o, "location", st, 2);
	json_item(o, "quantity", dec_json(sqlite3_column_int64(st, 3)));
	stock_add_text_or_null(o, "serial", st, 4);
	json_null(o, "supplier_part");
	json_text(o, "barcode_hash", "");
	return o;
}

/* The user InvenTree nests as user_detail: names only, no email. */
static cJSON *
tracking_user_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	(void)arg;
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, 0));
	db_json_text(o, "username", st, 1);
	db_json_text(o, "first_name", st, 2);
	db_json_text(o, "last_name", st, 3);
	return o;
}

/* Adds name: the row of id (column col of st) rendered by fn, or null. */
static void
tracking_nest(struct ctx *ctx, cJSON *o, const char *name, sqlite3_stmt *st,
    int col, sqlite3_stmt **cache, const char *sql,
    cJSON *(*fn)(struct ctx *, sqlite3_stmt *, void *))
{
	cJSON *j = NULL;

	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		j = stock_lookup(ctx, cache, sql, sqlite3_column_int64(st, col),
		    fn, NULL);
	if (j != NULL)
		json_item(o, name, j);
	else
		json_null(o, name);
}

/* One tracking row (tracking_select's columns); arg: a tracking_view or
 * NULL. */
cJSON *
tracking_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	struct tracking_view *view = arg;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, 0));
	json_int(o, "item", sqlite3_column_int64(st, 1));
	db_json_text(o, "date", st, 2);
	int code = sqlite3_column_int(st, 3);
	json_int(o, "tracking_type", code);
	json_text(o, "label", tracking_label(code));
	db_json_text(o, "notes", st, 4);
	db_json_id(o, "user", st, 5);
	/* Our own JSON text, written by stock_track(): sent as stored. */
	const char *d = (const char *)sqlite3_column_text(st, 6);
	json_item(o, "deltas", cJSON_CreateRaw(d != NULL && d[0] == '{' ? d :
	    "{}"));
	if (view != NULL && view->item_detail)
		tracking_nest(ctx, o, "item_detail", st, 1, &view->item,
		    tracking_sql_item, tracking_item_json);
	if (view != NULL && view->user_detail)
		tracking_nest(ctx, o, "user_detail", st, 5, &view->user,
		    tracking_sql_user, tracking_user_json);
	return o;
}

/*
 * Emits event kind (event.h) for the part of item.  Returns 0 or the
 * error status set.
 */
static int
stock_emit(struct ctx *ctx, enum event_kind kind, long long item)
{
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_part_of);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, item);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "stock part");
	long long part = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return event_emit(ctx, kind, part);
}

/*
 * Records a tracking entry for item by the request's user.  Takes
 * ownership of deltas (an object, or NULL for {}).  Every change that
 * may move the part's in-stock total (all but moves and splits) emits
 * EVENT_STOCK_CHANGED.  Returns 0 or the error status set.
 */
int
stock_track(struct ctx *ctx, long long item, enum stock_track_code code,
    const char *notes, cJSON *deltas)
{
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_track);
	char *text = deltas != NULL ? cJSON_PrintUnformatted(deltas) : NULL;

	cJSON_Delete(deltas);
	if (st == NULL) {
		cJSON_free(text);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_int(st, 2, code);
	sqlite3_bind_text(st, 3, notes != NULL ? notes : "", -1,
	    SQLITE_STATIC);
	if (ctx->user_id > 0)
		sqlite3_bind_int64(st, 4, ctx->user_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, text != NULL ? text : "{}", -1,
	    SQLITE_TRANSIENT);
	cJSON_free(text);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "stock track");
	if (code == TRACK_MOVED || code == TRACK_SPLIT_FROM_PARENT ||
	    code == TRACK_SPLIT_CHILD)
		return 0;
	return stock_emit(ctx, EVENT_STOCK_CHANGED, item);
}

/* Rewrites item id's row of the search index.  Returns 0 or the status. */
int
stock_fts_sync(struct ctx *ctx, long long id)
{
	sqlite3_stmt *del = db_prepare(ctx, stock_sql_fts_delete);
	sqlite3_stmt *ins = db_prepare(ctx, stock_sql_fts_insert);

	if (del == NULL || ins == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(del, 1, id);
	sqlite3_bind_int64(ins, 1, id);
	if (sqlite3_step(del) != SQLITE_DONE ||
	    sqlite3_step(ins) != SQLITE_DONE)
		return db_fail(ctx, "stock search index");
	return 0;
}

/*
 * What every new item needs after its INSERT: its search index row and
 * its "created" tracking entry.  Returns 0 or the error status set.
 */
int
stock_created(struct ctx *ctx, long long id, const char *notes)
{
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_created);
	int rc;

	if (st == NULL)
		return ctx->resp.status;
	if ((rc = stock_fts_sync(ctx, id)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "stock created");
	cJSON *d = cJSON_CreateObject();
	json_item(d, "quantity", dec_json(sqlite3_column_int64(st, 0)));
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		json_int(d, "location", sqlite3_column_int64(st, 1));
	json_int(d, "status", sqlite3_column_int(st, 2));
	return stock_track(ctx, id, TRACK_CREATED, notes, d);
}

/*
 * Creates an item of part with quantity at location (0: none), status OK,
 * with its index row and tracking entry.  Returns 0 (with *id set) or the
 * error status set.
 */
int
stock_insert(struct ctx *ctx, long long part, long long location,
    long long quantity, const char *notes, long long *id)
{
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_insert);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, part);
	if (location > 0)
		sqlite3_bind_int64(st, 2, location);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, quantity);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "stock insert");
	*id = sqlite3_last_insert_rowid(ctx->db);
	return stock_created(ctx, *id, notes);
}

/*
 * Deletes item id (its tracking and attachments go with it) and its index
 * row, and emits EVENT_STOCK_DELETED for its part.
 */
int
stock_delete(struct ctx *ctx, long long id)
{
	sqlite3_stmt *st = db_prepare(ctx, stock_sql_delete);
	sqlite3_stmt *fts = db_prepare(ctx, stock_sql_fts_delete);
	sqlite3_stmt *pt = db_prepare(ctx, stock_sql_part_of);

	if (st == NULL || fts == NULL || pt == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(pt, 1, id);
	if (sqlite3_step(pt) != SQLITE_ROW)
		return db_fail(ctx, "stock part");
	long long part = sqlite3_column_int64(pt, 0);
	sqlite3_reset(pt);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(fts, 1, id);
	if (sqlite3_step(fts) != SQLITE_DONE || sqlite3_step(st) !=
	    SQLITE_DONE)
		return db_fail(ctx, "stock delete");
	return event_emit(ctx, EVENT_STOCK_DELETED, part);
}

/* Runs an UPDATE taking (?1 id, ?2 value; NULL when value <= 0 and
 * nullable).  Returns 0 or the error status set. */
static int
stock_set(struct ctx *ctx, const char *sql, long long id, long long v,
    bool nullable)
{
	sqlite3_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, id);
	if (nullable && v <= 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int64(st, 2, v);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "stock update");
	return 0;
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

/* Adds {"field": [msg]} to the per-item error object e. */
static void
stock_item_err(cJSON *e, const char *field, const char *msg)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(e, field);

	if (a == NULL)
		a = cJSON_AddArrayToObject(e, field);
	cJSON_AddItemToArray(a, cJSON_CreateString(msg));
}

/*
 * Applies one item of an adjustment.  Problems with the item go into e
 * (and nothing is written for it); database failures return their status.
 */
static int
stock_adjust_one(struct ctx *ctx, enum stock_op op, const cJSON *it,
    long long dest, const char *notes, cJSON *e)
{
	char buf[DEC_BUFSZ];
	long long pk = 0, q = 0;

	if (!cJSON_IsObject(it)) {
		stock_item_err(e, "non_field_errors", "Invalid data. Expected "
		    "a dictionary.");
		return 0;
	}
	const cJSON *jpk = cJSON_GetObjectItemCaseSensitive(it, "pk");
	if (jpk == NULL)
		jpk = cJSON_GetObjectItemCaseSensitive(it, "item");
	if (jpk == NULL) {
		stock_item_err(e, "pk", "This field is required.");
		return 0;
	}
	if (cJSON_IsNumber(jpk) && jpk->valuedouble >= 1 &&
	    jpk->valuedouble <= (double)STOCK_ID_MAX &&
	    jpk->valuedouble == (double)(long long)jpk->valuedouble)
		pk = (long long)jpk->valuedouble;
	else if (!cJSON_IsString(jpk) || !txt_parse_int64(jpk->valuestring,
	    1, STOCK_ID_MAX, &pk)) {
		stock_item_err(e, "pk", "Incorrect type. Expected pk value.");
		return 0;
	}

	sqlite3_stmt *st = db_prepare(ctx, stock_sql_adj_get);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, pk);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		char msg[96];
		snprintf(msg, sizeof(msg), "Invalid pk \"%lld\" - object does "
		    "not exist.", pk);
		stock_item_err(e, "pk", msg);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "stock adjust");
	long long cur = sqlite3_column_int64(st, 0);
	long long loc = sqlite3_column_int64(st, 1);
	bool deplete = sqlite3_column_int(st, 2) != 0;
	bool serialized = sqlite3_column_int(st, 3) != 0;

	const cJSON *jq = cJSON_GetObjectItemCaseSensitive(it, "quantity");
	enum dec_err de = dec_from_json(jq, &q);
	if (de != DEC_OK) {
		stock_item_err(e, "quantity", dec_strerror(de));
		return 0;
	}
	if (q < 0 || (q == 0 && op != STOCK_COUNT)) {
		stock_item_err(e, "quantity", op == STOCK_COUNT ?
		    "Quantity must not be negative." :
		    "Quantity must be greater than zero");
		return 0;
	}
	if ((op == STOCK_REMOVE || op == STOCK_TRANSFER) && q > cur) {
		char msg[128];
		snprintf(msg, sizeof(msg), "Quantity must not exceed available "
		    "stock quantity (%s)", dec_format(cur, buf));
		stock_item_err(e, "quantity", msg);
		return 0;
	}
	/* A serialized item is one thing: it is never split or added to. */
	if (serialized && (op == STOCK_ADD || (op == STOCK_COUNT &&
	    q > DEC_SCALE))) {
		stock_item_err(e, "quantity", "Quantity must be 1 for "
		    "serialized stock");
		return 0;
	}
	if (serialized && (op == STOCK_REMOVE || op == STOCK_TRANSFER) &&
	    q != cur) {
		stock_item_err(e, "quantity", "Serialized stock cannot be "
		    "split");
		return 0;
	}
	if (op == STOCK_ADD && q > DEC_MAX - cur) {
		stock_item_err(e, "quantity", "Ensure that there are no more "
		    "than 15 digits in total.");
		return 0;
	}
	if (e->child != NULL)
		return 0;

	switch (op) {
	case STOCK_COUNT:
		if (deplete && q == 0)
			return stock_delete(ctx, pk);
		if ((rc = stock_set(ctx, stock_sql_set_counted, pk, q,
		    false)) != 0)
			return rc;
		return stock_track(ctx, pk, TRACK_COUNTED, notes,
		    stock_deltas("quantity", dec_json(q), NULL, NULL, NULL,
		    NULL));
	case STOCK_ADD:
		if ((rc = stock_set(ctx, stock_sql_set_quantity, pk, cur + q,
		    false)) != 0)
			return rc;
		return stock_track(ctx, pk, TRACK_ADDED, notes,
		    stock_deltas("added", dec_json(q), "quantity",
		    dec_json(cur + q), NULL, NULL));
	case STOCK_REMOVE:
		if (deplete && cur - q == 0)
			return stock_delete(ctx, pk);
		if ((rc = stock_set(ctx, stock_sql_set_quantity, pk, cur - q,
		    false)) != 0)
			return rc;
		return stock_track(ctx, pk, TRACK_REMOVED, notes,
		    stock_deltas("removed", dec_json(q), "quantity",
		    dec_json(cur - q), NULL, NULL));
	case STOCK_TRANSFER:
		if (q == cur) {
			if (loc == dest)
				return 0;	/* already there */
			if ((rc = stock_set(ctx, stock_sql_set_location, pk,
			    dest, true)) != 0)
				return rc;
			return stock_track(ctx, pk, TRACK_MOVED, notes,
			    stock_deltas("location", stock_num(dest), NULL,
			    NULL, NULL, NULL));
		}
		/* Part of the item moves: it becomes a new item. */
		sqlite3_stmt *sp = db_prepare(ctx, stock_sql_split);
		if (sp == NULL)
			return ctx->resp.status;
		sqlite3_bind_int64(sp, 1, pk);
		sqlite3_bind_int64(sp, 2, dest);
		sqlite3_bind_int64(sp, 3, q);
		if (sqlite3_step(sp) != SQLITE_DONE)
			return db_fail(ctx, "stock split");
		long long child = sqlite3_last_insert_rowid(ctx->db);
		if ((rc = stock_fts_sync(ctx, child)) != 0 ||
		    (rc = stock_set(ctx, stock_sql_set_quantity, pk, cur - q,
		    false)) != 0 ||
		    (rc = stock_track(ctx, pk, TRACK_SPLIT_CHILD, notes,
		    stock_deltas("stockitem", stock_num(child), "removed",
		    dec_json(q), "quantity", dec_json(cur - q)))) != 0)
			return rc;
		return stock_track(ctx, child, TRACK_SPLIT_FROM_PARENT, notes,
		    stock_deltas("stockitem", stock_num(pk), "quantity",
		    dec_json(q), "location", stock_num(dest)));
	case STOCK_OP__MAX:
		break;
	}
	return 0;
}

/*
 * POST /api/stock/{count,add,remove,transfer}/ with body
 * {"items": [{"pk", "quantity"}, ...], "notes": "...", "location": pk}.
 * Every item is checked and applied in order (so the same item twice sees
 * its first change); if anything is wrong the answer is 400 with
 * {"items": [{}, {"quantity": [...]}, ...]} (one object per item, empty for
 * the good ones) or the top-level field's error, and the caller must roll
 * back.  Returns 0 or the error status set.
 */
int
stock_adjust(struct ctx *ctx, enum stock_op op, const cJSON *body)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(body, "items");
	const cJSON *jn = cJSON_GetObjectItemCaseSensitive(body, "notes");
	const char *notes = "";
	long long dest = 0;

	if (!cJSON_IsObject(body))
		return resp_field_error(ctx, "non_field_errors", "Invalid "
		    "data. Expected a dictionary.");
	if (jn != NULL && !cJSON_IsNull(jn)) {
		if (!cJSON_IsString(jn))
			return resp_field_error(ctx, "notes",
			    "Not a valid string.");
		notes = jn->valuestring;
		if (strlen(notes) > STOCK_NOTES_MAX ||
		    !txt_utf8_valid(notes, strlen(notes), true))
			return resp_field_error(ctx, "notes", "Ensure this "
			    "field has no more than %d characters.",
			    STOCK_NOTES_MAX);
	}
	if (op == STOCK_TRANSFER) {
		const cJSON *jl = cJSON_GetObjectItemCaseSensitive(body,
		    "location");
		bool structural = false;
		if (jl == NULL || cJSON_IsNull(jl))
			return resp_field_error(ctx, "location",
			    "This field is required.");
		if (cJSON_IsNumber(jl) && jl->valuedouble >= 1 &&
		    jl->valuedouble <= (double)STOCK_ID_MAX &&
		    jl->valuedouble == (double)(long long)jl->valuedouble)
			dest = (long long)jl->valuedouble;
		else if (!cJSON_IsString(jl) || !txt_parse_int64(
		    jl->valuestring, 1, STOCK_ID_MAX, &dest))
			return resp_field_error(ctx, "location", "Incorrect "
			    "type. Expected pk value.");
		int rc = tree_exists(ctx, TREE_LOCATION, dest, &structural);
		if (rc < 0)
			return ctx->resp.status;
		if (rc == 0)
			return resp_field_error(ctx, "location", "Invalid pk "
			    "\"%lld\" - object does not exist.", dest);
		if (structural)
			return resp_field_error(ctx, "location", "Stock items "
			    "cannot be located into structural stock "
			    "locations!");
	}
	if (!cJSON_IsArray(items) || items->child == NULL)
		return resp_field_error(ctx, "items", items == NULL ?
		    "This field is required." :
		    "A list of stock items must be provided");
	if (cJSON_GetArraySize(items) > 1000)
		return resp_field_error(ctx, "items", "At most 1000 items in "
		    "one request.");

	cJSON *errs = cJSON_CreateArray();
	bool bad = false;
	if (errs == NULL)
		mem_oom();
	for (const cJSON *it = items->child; it != NULL; it = it->next) {
		cJSON *e = cJSON_CreateObject();
		if (e == NULL)
			mem_oom();
		cJSON_AddItemToArray(errs, e);
		int rc = stock_adjust_one(ctx, op, it, dest, notes, e);
		if (rc != 0) {
			cJSON_Delete(errs);
			return rc;
		}
		if (e->child != NULL)
			bad = true;
	}
	if (!bad) {
		cJSON_Delete(errs);
		return 0;
	}
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_item(o, "items", errs);
	return resp_field_errors(ctx, o);
}

/* Reads an id from a JSON number or numeric string; 0 if it is not one. */
static long long
stock_json_id(const cJSON *j)
{
	long long id = 0;

	if (cJSON_IsNumber(j) && j->valuedouble >= 1 &&
	    j->valuedouble <= (double)STOCK_ID_MAX &&
	    j->valuedouble == (double)(long long)j->valuedouble)
		return (long long)j->valuedouble;
	if (cJSON_IsString(j) && txt_parse_int64(j->valuestring, 1,
	    STOCK_ID_MAX, &id))
		return id;
	return 0;
}

/*
 * POST /api/stock/change_status/ with body {"items": [pk, ...], "status":
 * code (default OK), "note": "..."}, as InvenTree's
 * StockChangeStatusSerializer: every item gets the status, and a "stock
 * updated" tracking entry with {"status": code}, unless it has that status
 * already (then nothing is written for it).  An unknown item or status is
 * a 400 naming the field, and the caller must roll back.  Returns 0 with
 * *answer set to the request as understood, or the error status set.
 */
int
stock_change_status(struct ctx *ctx, const cJSON *body, cJSON **answer)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(body, "items");
	const cJSON *js = cJSON_GetObjectItemCaseSensitive(body, "status");
	const cJSON *jn = cJSON_GetObjectItemCaseSensitive(body, "note");
	const char *note = "";
	long long code = 10;
	int rc;

	*answer = NULL;
	if (!cJSON_IsObject(body))
		return resp_field_error(ctx, "non_field_errors", "Invalid "
		    "data. Expected a dictionary.");
	if (js != NULL) {
		if (cJSON_IsNull(js))
			return resp_field_error(ctx, "status",
			    "This field may not be null.");
		code = stock_json_id(js);
		if (code <= 0 || code > 1000 || stock_status_find((int)code) ==
		    NULL) {
			if (code <= 0)
				return resp_field_error(ctx, "status",
				    "A valid integer is required.");
			return resp_field_error(ctx, "status", "\"%lld\" is "
			    "not a valid choice.", code);
		}
	}
	if (jn != NULL && !cJSON_IsNull(jn)) {
		if (!cJSON_IsString(jn))
			return resp_field_error(ctx, "note",
			    "Not a valid string.");
		note = jn->valuestring;
		if (strlen(note) > STOCK_NOTES_MAX ||
		    !txt_utf8_valid(note, strlen(note), true))
			return resp_field_error(ctx, "note", "Ensure this "
			    "field has no more than %d characters.",
			    STOCK_NOTES_MAX);
	}
	if (items == NULL)
		return resp_field_error(ctx, "items",
		    "This field is required.");
	if (!cJSON_IsArray(items))
		return resp_field_error(ctx, "items", "Expected a list of "
		    "items but got another type.");
	if (items->child == NULL)
		return resp_field_error(ctx, "items",
		    "No stock items selected");
	if (cJSON_GetArraySize(items) > 1000)
		return resp_field_error(ctx, "items", "At most 1000 items in "
		    "one request.");

	sqlite3_stmt *get = db_prepare(ctx, stock_sql_status_get);
	if (get == NULL)
		return ctx->resp.status;
	cJSON *pks = cJSON_CreateArray();
	if (pks == NULL)
		mem_oom();
	for (const cJSON *it = items->child; it != NULL; it = it->next) {
		long long pk = stock_json_id(it);
		if (pk <= 0) {
			cJSON_Delete(pks);
			return resp_field_error(ctx, "items", "Incorrect type. "
			    "Expected pk value.");
		}
		sqlite3_reset(get);
		sqlite3_bind_int64(get, 1, pk);
		rc = sqlite3_step(get);
		if (rc == SQLITE_DONE) {
			cJSON_Delete(pks);
			return resp_field_error(ctx, "items", "Invalid pk "
			    "\"%lld\" - object does not exist.", pk);
		}
		if (rc != SQLITE_ROW) {
			cJSON_Delete(pks);
			return db_fail(ctx, "stock status");
		}
		cJSON_AddItemToArray(pks, stock_num(pk));
		if (sqlite3_column_int64(get, 0) == code)
			continue;
		sqlite3_reset(get);
		if ((rc = stock_set(ctx, stock_sql_set_status, pk, code,
		    false)) != 0 ||
		    (rc = stock_track(ctx, pk, TRACK_UPDATED, note,
		    stock_deltas("status", stock_num(code), NULL, NULL, NULL,
		    NULL))) != 0) {
			cJSON_Delete(pks);
			return rc;
		}
	}
	sqlite3_reset(get);
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_item(o, "items", pks);
	json_int(o, "status", code);
	json_text(o, "note", note);
	*answer = o;
	return 0;
}
