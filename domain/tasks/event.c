/*
 * event: the table of events and their handlers.  See event.h.
 */
#include <assert.h>
#include <stdbool.h>

#include "ctx.h"
#include "err.h"
#include "files/media.h"
#include "inventory/notify.h"
#include "log.h"
#include "tasks/event.h"
#include "tasks/task.h"
#include "tasks/webhook.h"

/*
 * Handler of the deletes that may leave stored files behind (a part, a
 * stock item, an attachment): the schema has recorded their files in
 * media_orphan; one media_sweep task removes the bytes once the delete
 * has committed -- unless no file waits, or a sweep waits already.
 */
static struct err *
event_sweep_media(struct ctx *ctx, enum event_kind kind, long long id)
{
	struct err *e;
	bool any;

	(void)kind;
	(void)id;
	if ((e = media_orphans_waiting(ctx, &any)) != NULL || !any)
		return e;
	return task_enqueue_once(ctx, "media_sweep", NULL);
}

/*
 * Every consequence of every event, in one place.  Stored files whose
 * rows are gone are removed by a media_sweep task; a part whose stock
 * moved across its minimum gets a low_stock check.
 */
const struct event_def event_defs[EVENT__MAX] = {
	[EVENT_PART_DELETED] = { "part.deleted",
	    { event_sweep_media, NULL } },
	[EVENT_STOCK_CHANGED] = { "stock.changed",
	    { notify_on_stock_changed, NULL } },
	[EVENT_STOCK_DELETED] = { "stock.deleted",
	    { notify_on_stock_changed, event_sweep_media, NULL } },
	[EVENT_ATTACHMENT_DELETED] = { "attachment.deleted",
	    { event_sweep_media, NULL } },
	/* InvenTree's purchaseorder.placed, .received, .completed: no
	 * handler here; each is logged and goes to the webhooks that
	 * want it (as every event does: event_emit()). */
	[EVENT_PO_PLACED] = { "purchaseorder.placed", { NULL } },
	[EVENT_PO_RECEIVED] = { "purchaseorder.received", { NULL } },
	[EVENT_PO_COMPLETED] = { "purchaseorder.completed", { NULL } },
	/* InvenTree's build.issued, build.output_completed,
	 * build.completed, build.hold, build.cancelled: logged, no
	 * consequence yet either. */
	[EVENT_BUILD_ISSUED] = { "build.issued", { NULL } },
	[EVENT_BUILD_OUTPUT_COMPLETED] = { "build.output_completed",
	    { NULL } },
	[EVENT_BUILD_COMPLETED] = { "build.completed", { NULL } },
	[EVENT_BUILD_HOLD] = { "build.hold", { NULL } },
	[EVENT_BUILD_CANCELLED] = { "build.cancelled", { NULL } },
};

/*
 * Runs the handlers of event kind for id, in order, inside the caller's
 * transaction, then queues the event for the webhooks subscribed to it
 * (webhook_queue()).  Returns NULL, or the first error (the caller rolls
 * back: db_end()).
 */
struct err *
event_emit(struct ctx *ctx, enum event_kind kind, long long id)
{
	struct err *e;

	assert(kind >= 0 && kind < EVENT__MAX);
	const struct event_def *d = &event_defs[kind];
	log_msg(ctx, LOG_DEBUG, "event %s %lld", d->name, id);
	for (int i = 0; i < EVENT_HANDLERS_MAX && d->handlers[i] != NULL; i++)
		if ((e = d->handlers[i](ctx, kind, id)) != NULL)
			return e;
	/* Every event is also queued for the webhooks that want it. */
	return webhook_queue(ctx, d->name, id, 0);
}
