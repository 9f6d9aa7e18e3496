/*
 * order.cgi: InvenTree's purchase orders -- orders (/api/order/po/...),
 * their line items (/api/order/po-line/...) and extra lines
 * (/api/order/po-extra-line/...) -- with the status codes, the state
 * changes (issue, hold, cancel, complete), receiving, and what to order.
 * The orders and lines are resources (domain/purchasing/order.c); this
 * program adds the actions.
 */
#include "site.h"

#include "purchasing/order.h"

/* GET /api/order/po/status/: InvenTree's PurchaseOrderStatus class. */
static struct err *
order_status_list(struct ctx *ctx)
{
	return res_status_class(ctx, "PurchaseOrderStatus", po_statuses, NULL);
}

static const struct route order_routes[] = {
	{ "GET", "/api/order/po/status/", AREA_USER, PERM_VIEW,
	  order_status_list, "Purchase order status codes", 0 },
	{ "GET", "/api/order/po/suggest/", "purchase_order", PERM_VIEW,
	  order_suggest, "What to order: parts below their minimum stock", 0 },
	{ "POST", "/api/order/po/suggest/", "purchase_order", PERM_ADD,
	  order_suggest_create, "Create the draft orders of what to order",
	  0, .input = po_suggest_input },
	{ "POST", "/api/order/po/<pk>/issue/", "purchase_order", PERM_CHANGE,
	  order_issue, "Issue (place) a purchase order", 0 },
	{ "POST", "/api/order/po/<pk>/hold/", "purchase_order", PERM_CHANGE,
	  order_hold, "Put a purchase order on hold", 0 },
	{ "POST", "/api/order/po/<pk>/cancel/", "purchase_order", PERM_CHANGE,
	  order_cancel, "Cancel a purchase order", 0 },
	{ "POST", "/api/order/po/<pk>/complete/", "purchase_order",
	  PERM_CHANGE, order_complete, "Complete a purchase order", 0,
	  .input = po_complete_input },
	{ "POST", "/api/order/po/<pk>/receive/", "purchase_order",
	  PERM_CHANGE, order_receive,
	  "Receive line items against a purchase order", 0,
	  .input = po_receive_input },
};

static const struct resource *const order_resources[] = {
	&po_resource,
	&po_line_resource,
	&po_extra_line_resource,
};

PROGRAM_MAIN("order",
    ROUTES(order_routes), RESOURCES(order_resources))
