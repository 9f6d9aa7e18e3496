/*
 * stock: stock locations, stock items, adjustments and tracking history.
 *
 * Like part.h, this module holds the one description of each resource's
 * columns (location_select, stock_select, tracking_select, aliases l, s
 * and t, ending in "WHERE 1" for list.h) and the row-to-JSON functions in
 * InvenTree's serializer shapes.  It also holds the stock rules:
 * stock_adjust() performs a count/add/remove/transfer request on all its
 * items or none (the caller holds the write transaction and rolls back on
 * any error), splitting an item when only part of it moves, and every
 * change writes its tracking entry through stock_track() in the same
 * transaction; a change that may move a part's in-stock total emits
 * EVENT_STOCK_CHANGED, a deleted item EVENT_STOCK_DELETED (event.h).
 * stock_change_status() sets the status of several items
 * at once, all or none, the same way.
 *
 * Status codes (InvenTree's StockStatus): OK 10, attention needed 50,
 * damaged 55, destroyed 60, rejected 65, lost 70, quarantined 75,
 * returned 85.  10, 50, 55 and 85 count as in stock.
 */
#ifndef SR_STOCK_H
#define SR_STOCK_H

#include <stdbool.h>

#include <sqlite3.h>

#include "inventory/part.h"

struct cJSON;
struct ctx;

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
	TRACK_RECEIVED = 70,
};

enum stock_op { STOCK_COUNT, STOCK_ADD, STOCK_REMOVE, STOCK_TRANSFER,
	STOCK_OP__MAX };

struct stock_status {
	int		 code;
	const char	*key;		/* "OK", "ATTENTION", ... */
	const char	*label;
	const char	*color;
	bool		 in_stock;
};

extern const struct stock_status stock_statuses[];
extern const int stock_statuses_count;

extern const char location_select[], location_count[], location_select_one[];
extern const char stock_select[], stock_count[], stock_select_one[];
extern const char tracking_select[], tracking_count[];

struct stock_view {
	bool		 part_detail;
	bool		 location_detail;
	sqlite3_stmt	*part;
	sqlite3_stmt	*loc;
	struct part_view part_view;	/* for part_detail */
};

/* What to nest in a tracking entry; statements are prepared on first use. */
struct tracking_view {
	bool		 item_detail;
	bool		 user_detail;
	sqlite3_stmt	*item;
	sqlite3_stmt	*user;
};

struct cJSON	*location_json(struct ctx *, sqlite3_stmt *, void *);
struct cJSON	*location_get(struct ctx *, long long id, int *status);
struct cJSON	*stock_json(struct ctx *, sqlite3_stmt *, void *stock_view);
struct cJSON	*stock_get(struct ctx *, long long id, struct stock_view *,
		    int *status);
struct cJSON	*tracking_json(struct ctx *, sqlite3_stmt *,
		    void *tracking_view);
const struct stock_status *stock_status_find(int code);

int	stock_track(struct ctx *, long long item, enum stock_track_code,
	    const char *notes, struct cJSON *deltas);
int	stock_fts_sync(struct ctx *, long long id);
int	stock_created(struct ctx *, long long id, const char *notes);
int	stock_insert(struct ctx *, long long part, long long location,
	    long long quantity, const char *notes, long long *id);
int	stock_adjust(struct ctx *, enum stock_op, const struct cJSON *body);
int	stock_change_status(struct ctx *, const struct cJSON *body,
	    struct cJSON **answer);
int	stock_delete(struct ctx *, long long id);

#endif
