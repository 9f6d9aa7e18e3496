/*
 * webhook: outgoing webhooks (docs/webhooks.md).  A superuser registers
 * endpoints (webhook_resource, /api/admin/webhook/); every event
 * (event.h) queues one delivery per active endpoint that subscribes to it,
 * in the emitter's transaction (webhook_queue()); the worker's `webhooks`
 * task sends them (webhook_deliver_due(): an HTTP POST through libcurl,
 * loaded with dlopen(), signed with HMAC-SHA256), retrying with backoff
 * until WEBHOOK_ATTEMPTS.  The log is webhook_delivery_resource
 * (/api/admin/webhook_delivery/?webhook=<pk>, or
 * /api/admin/webhook/<pk>/deliveries/).
 */
#ifndef SR_WEBHOOK_H
#define SR_WEBHOOK_H

#include <stddef.h>

struct ctx;
struct err;
struct resource;

#define WEBHOOK_ATTEMPTS	6	/* then dead */
#define WEBHOOK_TIMEOUT_MS	10000
#define WEBHOOK_BATCH		50	/* deliveries per run */
#define WEBHOOK_BUDGET_MS	15000
#define WEBHOOK_LEASE		120	/* seconds a delivery being sent is
					   held from other runners */

/* The route arg of /api/admin/webhook/<pk>/deliveries/ (res_list of
 * webhook_delivery_resource, scoped to the webhook). */
#define WEBHOOK_DELIVERIES_OF	1

extern const struct resource webhook_resource;
extern const struct resource webhook_delivery_resource;

struct err	*webhook_queue(struct ctx *, const char *event, long long id,
		    long long only);
struct err	*webhook_create(struct ctx *);
struct err	*webhook_ping(struct ctx *);
int		 webhook_deliver_due(struct ctx *, char *err, size_t errsz);

#endif
