/*
 * event: the table of events and their handlers.  See event.h.
 */
#include <assert.h>

#include "ctx.h"
#include "tasks/event.h"
#include "log.h"
#include "files/media.h"
#include "inventory/notify.h"

/*
 * Every consequence of every event, in one place.  Stored files whose
 * rows are gone are removed by a media_sweep task; a part whose stock
 * moved across its minimum gets a low_stock check.
 */
const struct event_def event_defs[EVENT__MAX] = {
	[EVENT_PART_DELETED] = { "part.deleted",
	    { media_on_deleted, NULL } },
	[EVENT_STOCK_CHANGED] = { "stock.changed",
	    { notify_on_stock_changed, NULL } },
	[EVENT_STOCK_DELETED] = { "stock.deleted",
	    { notify_on_stock_changed, media_on_deleted, NULL } },
	[EVENT_ATTACHMENT_DELETED] = { "attachment.deleted",
	    { media_on_deleted, NULL } },
};

/*
 * Runs the handlers of event kind for id, in order, inside the caller's
 * transaction.  Returns 0, or the status of the first handler's error
 * (the caller must roll back).
 */
int
event_emit(struct ctx *ctx, enum event_kind kind, long long id)
{
	int rc;

	assert(kind >= 0 && kind < EVENT__MAX);
	const struct event_def *d = &event_defs[kind];
	log_msg(ctx, LOG_DEBUG, "event %s %lld", d->name, id);
	for (int i = 0; i < EVENT_HANDLERS_MAX && d->handlers[i] != NULL; i++)
		if ((rc = d->handlers[i](ctx, kind, id)) != 0)
			return rc;
	return 0;
}
