/*
 * stock.cgi: stock locations (/api/stock/location/...), stock items
 * (/api/stock/...), status codes, adjustments (count/add/remove/transfer,
 * change_status) and tracking history (/api/stock/track/), as InvenTree
 * serves them.  Locations, items and history are resources
 * (domain/inventory/stock.c); this program adds the actions.
 */
#include "site.h"

#include "inventory/stock.h"

/* A stock status's in_stock, for res_status_class(). */
static void
stock_status_each(cJSON *v, const struct choice *s)
{
	cJSON_AddBoolToObject(v, "in_stock", stock_status_in_stock(s->value));
}

/* GET /api/stock/status/: InvenTree's StockStatus class and values. */
static struct err *
stock_status_list(struct ctx *ctx)
{
	return res_status_class(ctx, "StockStatus", stock_statuses,
	    stock_status_each);
}

/*
 * GET /api/stock/track/status/: InvenTree's StockHistoryCode, which the
 * mobile app (API >= 105) loads to name the entries of an item's history.
 */
static struct err *
stock_track_status_list(struct ctx *ctx)
{
	return res_status_class(ctx, "StockHistoryCode", stock_track_codes,
	    NULL);
}

/*
 * POST /api/stock/count/, add/, remove/, transfer/: one adjustment (the
 * route's arg, an enum stock_op), all or nothing, in one write
 * transaction.
 */
static struct err *
stock_adjust_h(struct ctx *ctx)
{
	const cJSON *body;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, stock_adjust(ctx, (enum stock_op)ctx->route->arg,
	    body))) != NULL)
		return e;
	return resp_json(ctx, 201, cJSON_Duplicate(body, 1));
}

/* POST /api/stock/change_status/: several items' status, all or none. */
static struct err *
stock_change_status_h(struct ctx *ctx)
{
	const cJSON *body;
	cJSON *answer = NULL;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL ||
	    (e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, stock_change_status(ctx, body, &answer))) != NULL)
		return e;
	return resp_json(ctx, 201, answer);
}

static const struct route stock_routes[] = {
	{ "GET", "/api/stock/status/", AREA_USER, PERM_VIEW,
	  stock_status_list, "Stock status codes", 0 },
	{ "GET", "/api/stock/track/status/", AREA_USER, PERM_VIEW,
	  stock_track_status_list, "Stock tracking codes", 0 },
	{ "POST", "/api/stock/count/", "stock", PERM_CHANGE, stock_adjust_h,
	  "Count stock items", 0, .input = stock_adjust_input,
	  .arg = STOCK_COUNT },
	{ "POST", "/api/stock/add/", "stock", PERM_CHANGE, stock_adjust_h,
	  "Add to stock items", 0, .input = stock_adjust_input,
	  .arg = STOCK_ADD },
	{ "POST", "/api/stock/remove/", "stock", PERM_CHANGE, stock_adjust_h,
	  "Remove from stock items", 0, .input = stock_adjust_input,
	  .arg = STOCK_REMOVE },
	{ "POST", "/api/stock/transfer/", "stock", PERM_CHANGE, stock_adjust_h,
	  "Transfer stock items", 0, .input = stock_transfer_input,
	  .arg = STOCK_TRANSFER },
	{ "POST", "/api/stock/change_status/", "stock", PERM_CHANGE,
	  stock_change_status_h, "Change the status of stock items", 0,
	  .input = stock_status_input },
	{ "POST", "/api/stock/<pk>/convert/", "stock", PERM_CHANGE,
	  stock_convert, "Convert a stock item to a variant of its part", 0,
	  .input = stock_convert_input },
	{ "POST", "/api/stock/", "stock", PERM_METHOD, stock_create,
	  "Create a stock item", 0, .res = &stock_resource },
};

static const struct resource *const stock_resources[] = {
	&location_resource,
	&tracking_resource,
	&stock_resource,
};

PROGRAM_MAIN("stock",
    ROUTES(stock_routes), RESOURCES(stock_resources))
