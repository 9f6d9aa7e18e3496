-- compatible: programs built for schema 23 may run on it (new tables only).
-- Outgoing webhooks (issue 20, the built-in slice; docs/webhooks.md): the
-- endpoints a superuser registers (domain/tasks/webhook.c) and the queue
-- and log of their deliveries.  event_emit() adds one delivery per active
-- subscribed endpoint in the emitter's transaction, with a `webhooks`
-- task; that task sends them (HTTP POST, signed) and, while some wait for
-- a retry, enqueues itself for the earliest (no periodic task).
--
-- events is a JSON list of event names ("[]": every event), written by
-- the program only.  secret signs the deliveries; it is never shown.

CREATE TABLE webhook (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	url		TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
	events		TEXT NOT NULL DEFAULT '[]' CHECK (length(events) <= 2000),
	secret		TEXT NOT NULL DEFAULT '' CHECK (length(secret) <= 200),
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	created		INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- status: pending (to send at next_attempt), delivered, dead (every
-- attempt failed).  key is the idempotency key (X-Stockroom-Delivery).
CREATE TABLE webhook_delivery (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	webhook		INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
	event		TEXT NOT NULL CHECK (length(event) BETWEEN 1 AND 64),
	object_id	INTEGER,
	key		TEXT NOT NULL UNIQUE CHECK (length(key) = 32),
	payload		TEXT NOT NULL CHECK (length(payload) <= 10000),
	attempts	INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt	INTEGER NOT NULL DEFAULT (unixepoch()),
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'delivered', 'dead')),
	http_status	INTEGER,
	latency_ms	INTEGER,
	last_error	TEXT NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
	created		INTEGER NOT NULL DEFAULT (unixepoch()),
	updated		INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE INDEX webhook_delivery_due ON webhook_delivery(status, next_attempt);
CREATE INDEX webhook_delivery_webhook ON webhook_delivery(webhook, id);

