/*
 * stock: stock locations, stock items, adjustments and tracking history,
 * as InvenTree's stock app serves them.
 *
 * Three resources (res.h): location_resource, a tree whose contents are
 * stock items (/api/stock/location/); stock_resource (/api/stock/); and
 * tracking_resource, the read-only history (/api/stock/track/).  Their
 * descriptions in stock.c are the one place their columns are written.
 *
 * The stock rules live here too.  stock_adjust() performs a count, add,
 * remove or transfer request on all its items or none (the caller holds
 * the write transaction and rolls back on any error), splitting an item
 * when only part of it moves; stock_change_status() sets the status of
 * several items the same way.  Every change writes its tracking entry
 * through stock_track() in the same transaction; a change that may move a
 * part's in-stock total emits EVENT_STOCK_CHANGED, a deleted item
 * EVENT_STOCK_DELETED (event.h).  Their inputs are described as fields
 * (stock_adjust_input[] and the others), so they are checked by
 * val.h and shown by OPTIONS like any resource's.
 *
 * Status codes (InvenTree's StockStatus): OK 10, attention needed 50,
 * damaged 55, destroyed 60, rejected 65, lost 70, quarantined 75,
 * returned 85.  10, 50, 55 and 85 count as in stock.
 */
#ifndef SR_STOCK_H
#define SR_STOCK_H

#include <stdbool.h>

#include "val.h"

struct cJSON;
struct ctx;
struct err;
struct resource;

extern const struct resource location_resource, stock_resource,
	tracking_resource;

enum stock_track_code {
	TRACK_CREATED = 1,
	TRACK_EDITED = 5,
	TRACK_COUNTED = 10,
	TRACK_ADDED = 11,
	TRACK_REMOVED = 12,
	TRACK_RETURNED = 15,
	TRACK_MOVED = 20,
	TRACK_UPDATED = 25,
	TRACK_SPLIT_FROM_PARENT = 40,
	TRACK_SPLIT_CHILD = 42,
	TRACK_MERGED = 45,
	TRACK_CONVERTED = 48,
	TRACK_BUILD_COMPLETED = 55,	/* an output completed */
	TRACK_BUILD_REJECTED = 56,	/* an output scrapped */
	TRACK_BUILD_CONSUMED = 57,
	TRACK_RECEIVED = 70,
};

/*
 * Stock allocated to build orders (table build_item, migration 0020): of
 * one stock item, and of one part (build_item.part is its item's part).
 * Allocations live only while their build is open: completing, scrapping,
 * finishing and cancelling consume or release them.
 */
#define STOCK_ALLOCATED_SQL(item) "(SELECT coalesce(sum(ba.quantity), 0) " \
	"FROM build_item ba WHERE ba.stock_item = " item ")"
/* Of a part, part.allocated keeps that sum (migration 0025). */
/* In stock and not allocated, of the part row p (an alias)... */
#define PART_AVAILABLE_OF(p) "max(" p ".in_stock - " p ".allocated, 0)"
/* ...and of the part whose id is the expression. */
#define PART_AVAILABLE_SQL(part) "(SELECT " PART_AVAILABLE_OF("pa") \
	" FROM part pa WHERE pa.id = " part ")"
/*
 * In stock and not allocated, of the variants below the part whose id is
 * the expression, at any depth (InvenTree's available_variant_stock): the
 * kept variant_stock less what builds hold of the variants.  Only a part
 * with variant stock reads its variants' rows (part_variant_tree), so a
 * list of parts without variants -- nearly all -- pays one indexed read
 * of the part per row.
 */
#define PART_VARIANT_AVAILABLE_OF(p) "CASE WHEN " p ".variant_stock > 0 " \
	"THEN max(" p ".variant_stock - (SELECT coalesce(sum(va.allocated), " \
	"0) FROM part_variant_tree vt JOIN part va ON va.id = vt.descendant " \
	"WHERE vt.ancestor = " p ".id), 0) ELSE 0 END"
#define PART_VARIANT_AVAILABLE_SQL(part) "(SELECT " \
	PART_VARIANT_AVAILABLE_OF("pv") " FROM part pv WHERE pv.id = " part ")"

enum stock_op { STOCK_COUNT, STOCK_ADD, STOCK_REMOVE, STOCK_TRANSFER,
	STOCK_OP__MAX };

/* The status codes: value, label, key ("OK") and colour. */
extern const struct choice stock_statuses[];
/* The tracking codes: value, label, InvenTree's name ("STOCK_ADD"). */
extern const struct choice stock_track_codes[];
bool		 stock_status_in_stock(long long code);

/* What the adjustments and change_status take (for OPTIONS too). */
extern const struct field stock_adjust_input[], stock_transfer_input[],
	stock_status_input[], stock_convert_input[];

struct err	*stock_track(struct ctx *, long long item,
		    enum stock_track_code, const char *notes,
		    struct cJSON *deltas);
struct err	*stock_fts_sync(struct ctx *, long long id);
struct err	*stock_fts_add(struct ctx *, long long id);
struct err	*stock_insert(struct ctx *, long long part, long long location,
		    long long quantity, const char *notes, long long *id);
/* An item received against a purchase order (stock_receive()). */
struct stock_receipt {
	long long	 part, location, quantity, status;
	long long	 supplier_part, purchase_order;
	long long	 build;		/* an output of this build order:
					   tracked as completed by it */
	bool		 scrapped;	/* the output scrapped: tracked as
					   rejected */
	const char	*batch, *serial, *expiry, *notes, *packaging;
	bool		 has_price;
	long long	 price;		/* per unit of the part */
	const char	*currency;
};
struct err	*stock_receive(struct ctx *, const struct stock_receipt *,
		    long long *id);
/*
 * Quantity of item consumed by build order build (InvenTree's
 * BuildItem.complete_allocation()), in the caller's transaction: split
 * off as an item of its own unless it is the whole item (tracked as a
 * split on both), that item then consumed_by the build, without a
 * location and out of stock, with a tracking entry ("consumed by build
 * order", notes, {buildorder, quantity}).  *consumed: that item.  A quantity above the
 * item's is a 400.
 */
struct err	*stock_consume(struct ctx *, long long item,
		    long long quantity, long long build, const char *notes,
		    long long *consumed);
struct err	*stock_adjust(struct ctx *, enum stock_op,
		    const struct cJSON *body);
struct err	*stock_change_status(struct ctx *, const struct cJSON *body,
		    struct cJSON **answer);
struct err	*stock_create(struct ctx *);
struct err	*stock_convert(struct ctx *);

#endif
