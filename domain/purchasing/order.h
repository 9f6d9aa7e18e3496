/*
 * order: InvenTree's purchase orders -- orders to a supplier, their line
 * items (so many packs of a supplier part) and extra lines (freight, fees)
 * -- with the state changes and the receiving of stock against them, and
 * "what to order".
 *
 * Three resources (res.h) described in order.c, served by cgi-bin/order.c
 * under /api/order/, in InvenTree's purchase_order rule set:
 * po_resource (/api/order/po/), po_line_resource (/api/order/po-line/),
 * po_extra_line_resource (/api/order/po-extra-line/).
 *
 * Status codes (InvenTree's PurchaseOrderStatus): pending 10, placed 20,
 * on hold 25, complete 30, cancelled 40, lost 50, returned 60; pending,
 * placed and on hold are "open".  The state rules are InvenTree's:
 *
 *   - issue: pending or on hold becomes placed (issue_date today);
 *   - hold: pending or placed becomes on hold;
 *   - cancel: an open order becomes cancelled; any other is a 400;
 *   - complete: placed becomes complete (complete_date today), a 400
 *     when lines are still open unless accept_incomplete is true;
 *   - in any other state issue, hold and complete change nothing (201).
 *
 * Receiving (order_receive()) is one transaction: every line or none.  A
 * line is never received beyond its quantity: the increment is one
 * conditional UPDATE, so concurrent receivers cannot over-receive, and
 * the table's CHECK is the last guard.  The received quantity is in the
 * supplier's packs; the stock items are in the part's units (times the
 * supplier part's pack_quantity_native), priced per unit of the part.
 *
 * A part's "ordering" (part.c) is computed from the open orders' lines,
 * so it is exact whenever it is read.
 */
#ifndef SR_ORDER_H
#define SR_ORDER_H

struct choice;
struct ctx;
struct err;
struct field;
struct resource;

extern const struct resource po_resource, po_line_resource,
    po_extra_line_resource;

extern const struct choice po_statuses[];

extern const struct field po_receive_input[], po_complete_input[],
    po_suggest_input[];

struct err	*order_issue(struct ctx *);
struct err	*order_hold(struct ctx *);
struct err	*order_cancel(struct ctx *);
struct err	*order_complete(struct ctx *);
struct err	*order_receive(struct ctx *);
struct err	*order_suggest(struct ctx *);
struct err	*order_suggest_create(struct ctx *);

/* "1-3, 7" into at most 1000 distinct serials (*out, *n): NULL, or the
 * message that refuses the text (also used by build outputs). */
const char	*order_serials(struct ctx *, const char *text, const char ***out,
		    int *n);

#endif
