/*
 * event: what happened in one area, for the others to act on.
 *
 * An area that changes something others care about calls event_emit()
 * inside its write transaction, after the change: a part deleted, a
 * part's stock changed, an attachment deleted.  One table in event.c
 * says which handlers each event runs, so the areas never call each other
 * and a new consequence is one line in that table.  Handlers run in the
 * same transaction, in table order; they only look at the database and
 * enqueue tasks (task.h), never do slow work (files, mail) in the request:
 * the task exists exactly when the change commits.  A handler's failure
 * is the emitter's failure (it rolls back).  After the handlers, every
 * event is queued for the active webhooks that subscribe to it, in the
 * same transaction (webhook.h).
 */
#ifndef SR_EVENT_H
#define SR_EVENT_H

struct ctx;
struct err;

/* What id names for each event is part of its definition. */
enum event_kind {
	EVENT_PART_DELETED,		/* id: the part (now gone) */
	EVENT_STOCK_CHANGED,		/* id: the part whose in-stock total
					   or minimum_stock may have changed */
	EVENT_STOCK_DELETED,		/* id: the part of a deleted item */
	EVENT_ATTACHMENT_DELETED,	/* id: the attachment (now gone) */
	EVENT_PO_PLACED,		/* id: the purchase order issued */
	EVENT_PO_RECEIVED,		/* id: the order items were received
					   against */
	EVENT_PO_COMPLETED,		/* id: the order completed */
	EVENT_BUILD_ISSUED,		/* id: the build order issued */
	EVENT_BUILD_OUTPUT_COMPLETED,	/* id: the build order an output
					   of was completed */
	EVENT_BUILD_COMPLETED,		/* id: the build order finished */
	EVENT_BUILD_HOLD,		/* id: the build order placed on hold */
	EVENT_BUILD_CANCELLED,		/* id: the build order cancelled */
	EVENT__MAX
};

#define EVENT_HANDLERS_MAX	4

typedef struct err *(*event_handler)(struct ctx *, enum event_kind,
    long long id);

struct event_def {
	const char	*name;		/* for logs: "part.deleted" */
	event_handler	 handlers[EVENT_HANDLERS_MAX];	/* NULL-terminated */
};

extern const struct event_def event_defs[EVENT__MAX];

struct err *event_emit(struct ctx *, enum event_kind, long long id);

#endif
