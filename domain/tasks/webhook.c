/*
 * webhook: endpoints, their deliveries and the sending.  See webhook.h.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "hmac.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "stmt.h"
#include "tasks/event.h"
#include "tasks/task.h"
#include "tasks/webhook.h"
#include "text.h"

/* ---- the endpoints ---------------------------------------------------- */

#define WH_TIME(col)	"strftime('%Y-%m-%dT%H:%M:%SZ', w." col ", 'unixepoch')"
#define WD_TIME(col)	"strftime('%Y-%m-%dT%H:%M:%SZ', d." col ", 'unixepoch')"

enum { WF_URL, WF_EVENTS, WF_SECRET, WF_ACTIVE, WF_DESCRIPTION, WF_CREATED };

static const struct field webhook_fields[] = {
	[WF_URL] = { "url", FT_URL, F_REQUIRED | F_NOT_BLANK | F_ORDER, 2000,
	    .help = "Where deliveries are posted (http or https)" },
	/* A list of event names, written by the validate hook from the
	 * body's list ([] or absent: every event). */
	[WF_EVENTS] = { "events", FT_JSON, F_READ_ONLY | F_STORED,
	    .col = "events", .help = "Event names delivered ([]: all)" },
	[WF_SECRET] = { "secret", FT_TEXT, F_WRITE_ONLY | F_NO_COLUMN |
	    F_NOT_BLANK, 200, .help = "Signs the deliveries; generated "
	    "when not given, shown once in the create answer" },
	[WF_ACTIVE] = { "active", FT_BOOL, F_FILTER, .def = 1 },
	[WF_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[WF_CREATED] = { "created", FT_DATETIME, F_READ_ONLY,
	    .col = WH_TIME("created") },
};

/* The secret made for the row just created, for webhook_create(). */
static const char *webhook_new_secret;

/* "events": a list of known event names, each once, kept as JSON. */
static struct err *
webhook_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(w->body, "events");

	if (ev == NULL || cJSON_IsNull(ev)) {
		if (w->create || w->v[WF_EVENTS].s == NULL)
			w->v[WF_EVENTS].s = "[]";
		return NULL;
	}
	if (!cJSON_IsArray(ev)) {
		errs_add(es, "events", "Expected a list of event names.");
		return errs_end(es);
	}
	cJSON *out = cJSON_CreateArray();
	if (out == NULL)
		mem_oom();
	const cJSON *it;
	cJSON_ArrayForEach(it, ev) {
		int k = -1;
		if (cJSON_IsString(it))
			for (int i = 0; i < EVENT__MAX; i++)
				if (strcmp(event_defs[i].name,
				    it->valuestring) == 0)
					k = i;
		if (k < 0) {
			errs_addf(es, "events", "\"%s\" is not an event.",
			    cJSON_IsString(it) ? it->valuestring : "?");
			continue;
		}
		bool dup = false;
		const cJSON *o;
		cJSON_ArrayForEach(o, out)
			if (strcmp(o->valuestring, event_defs[k].name) == 0)
				dup = true;
		if (!dup)
			cJSON_AddItemToArray(out,
			    cJSON_CreateString(event_defs[k].name));
	}
	char *s = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	if (s == NULL)
		mem_oom();
	w->v[WF_EVENTS].s = mem_strdup(&ctx->mem, s);
	w->v[WF_EVENTS].present = true;
	cJSON_free(s);
	return errs_end(es);
}

static const char webhook_sql_secret[] =
    "UPDATE webhook SET secret = ?2 WHERE id = ?1";

/* The secret given, or on create a new one (32 random bytes, as hex). */
static struct err *
webhook_written(struct ctx *ctx, struct res_write *w)
{
	const struct val *s = &w->v[WF_SECRET];
	const char *secret = NULL;
	struct err *e;

	if (s->present && !s->null && s->s != NULL && s->s[0] != '\0')
		secret = s->s;
	else if (w->create) {
		char *hex = mem_alloc(&ctx->mem, 65);
		if (rnd_hex(hex, 32) != 0)
			return err_internal(ctx, "webhook secret");
		secret = hex;
		webhook_new_secret = hex;
	}
	/* Deliveries held while it was inactive go now. */
	if (!w->create && w->v[WF_ACTIVE].i == 1 &&
	    w->old[WF_ACTIVE].i == 0 && (e = task_enqueue_once(ctx,
	    "webhooks", NULL)) != NULL)
		return e;
	if (secret == NULL)
		return NULL;
	db_stmt *st = db_prepare(ctx, webhook_sql_secret);
	if (st == NULL)
		return db_err(ctx, webhook_resource.name);
	st_bind_int64(st, 1, w->id);
	st_bind_text(st, 2, secret, -1, SQLITE_STATIC);
	return db_step(ctx, st, webhook_resource.name);
}

static const struct res_hooks webhook_hooks = {
	.validate = webhook_validate,
	.written = webhook_written,
};

static struct res_sql webhook_sql;

/* Superusers only; the secret is never shown (create: once). */
const struct resource webhook_resource = {
	.model = "webhook", .name = "Webhook", .table = "webhook",
	.alias = "w", .path = "/api/admin/webhook/", .area = AREA_SUPERUSER,
	.noun = "webhook", .plural = "webhooks",
	RES_FIELDS(webhook_fields), .order = "w.id",
	.hooks = &webhook_hooks, .flags = RES_NO_CREATE,
	.sql = &webhook_sql,
};

/*
 * POST /api/admin/webhook/: the generic create, whose answer also holds
 * the secret when it was generated -- the only time it is ever shown.
 */
struct err *
webhook_create(struct ctx *ctx)
{
	struct err *e;

	webhook_new_secret = NULL;
	if ((e = res_create(ctx)) != NULL) {
		webhook_new_secret = NULL;
		return e;
	}
	if (webhook_new_secret != NULL && cJSON_IsObject(ctx->resp.json))
		cJSON_AddItemToObject(ctx->resp.json, "secret",
		    cJSON_CreateString(webhook_new_secret));
	webhook_new_secret = NULL;
	return NULL;
}

/* ---- the deliveries --------------------------------------------------- */

enum { DF_WEBHOOK, DF_EVENT, DF_OBJECT, DF_DELIVERY, DF_STATUS, DF_ATTEMPTS,
	DF_NEXT, DF_HTTP, DF_LATENCY, DF_ERROR, DF_CREATED, DF_UPDATED };

static const struct field delivery_fields[] = {
	[DF_WEBHOOK] = { "webhook", FT_ID, F_READ_ONLY | F_FILTER,
	    .col = "d.webhook", .ref = &webhook_resource },
	[DF_EVENT] = { "event", FT_TEXT, F_READ_ONLY | F_FILTER, 64,
	    .col = "d.event" },
	[DF_OBJECT] = { "object_id", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "d.object_id" },
	[DF_DELIVERY] = { "delivery", FT_TEXT, F_READ_ONLY, .col = "d.key" },
	[DF_STATUS] = { "status", FT_TEXT, F_READ_ONLY | F_FILTER, 16,
	    .col = "d.status" },
	[DF_ATTEMPTS] = { "attempts", FT_INT, F_READ_ONLY,
	    .col = "d.attempts" },
	[DF_NEXT] = { "next_attempt", FT_DATETIME, F_READ_ONLY,
	    .col = WD_TIME("next_attempt") },
	[DF_HTTP] = { "http_status", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "d.http_status" },
	[DF_LATENCY] = { "latency_ms", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "d.latency_ms" },
	[DF_ERROR] = { "last_error", FT_TEXT, F_READ_ONLY,
	    .col = "d.last_error" },
	[DF_CREATED] = { "created", FT_DATETIME, F_READ_ONLY,
	    .col = WD_TIME("created") },
	[DF_UPDATED] = { "updated", FT_DATETIME, F_READ_ONLY,
	    .col = WD_TIME("updated") },
};

/*
 * On /api/admin/webhook/<pk>/deliveries/ (a route whose arg is
 * WEBHOOK_DELIVERIES_OF): the deliveries of webhook <pk> only.
 */
static struct err *
delivery_scope(struct ctx *ctx, struct list_q *q)
{
	if (ctx->route == NULL || ctx->route->arg != WEBHOOK_DELIVERIES_OF)
		return NULL;
	list_where(q, " AND d.webhook = ?");
	list_bind_int(q, route_param_id(ctx, "pk"));
	return NULL;
}

static const struct res_hooks delivery_hooks = {
	.scope = delivery_scope,
};

static struct res_sql delivery_sql;

/* The log of the deliveries, newest first; ?webhook=, ?status=, ?event=. */
const struct resource webhook_delivery_resource = {
	.model = "webhookdelivery", .name = "WebhookDelivery",
	.table = "webhook_delivery", .alias = "d",
	.path = "/api/admin/webhook_delivery/", .area = AREA_SUPERUSER,
	.noun = "webhook delivery", .plural = "webhook deliveries",
	RES_FIELDS(delivery_fields), .order = "d.id DESC",
	.hooks = &delivery_hooks, .flags = RES_READ_ONLY, .sql = &delivery_sql,
};

static const char webhook_sql_subscribed[] =
    "SELECT id FROM webhook WHERE active = 1 AND (events = '[]' OR "
    "events LIKE ?1) AND (?2 = 0 OR id = ?2) ORDER BY id";
static const char webhook_sql_queue[] =
    "INSERT INTO webhook_delivery (webhook, event, object_id, key, payload, "
    "next_attempt, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)";

/* The model an event's id names ("stock.changed": the part). */
static const char *
webhook_model(const char *event)
{
	if (strncmp(event, "stock.", 6) == 0 || strncmp(event, "part.", 5) == 0)
		return "part";
	if (strncmp(event, "attachment.", 11) == 0)
		return "attachment";
	if (strncmp(event, "purchaseorder.", 14) == 0)
		return "purchaseorder";
	if (strncmp(event, "build.", 6) == 0)
		return "build";
	return "";
}

/*
 * Queues a delivery of event (about object id; 0: none) for each active
 * webhook that subscribes to it -- only webhook `only` when not 0, which
 * takes any event (the ping) -- inside the caller's transaction, and asks
 * the worker to run soon.
 */
struct err *
webhook_queue(struct ctx *ctx, const char *event, long long id, long long only)
{
	db_stmt *st = db_prepare(ctx, webhook_sql_subscribed);
	long long now = (long long)time(NULL), *ids = NULL;
	size_t n = 0, cap = 0;
	struct err *e;
	int rc;

	if (st == NULL)
		return db_err(ctx, "webhook");
	st_bind_text(st, 1, only != 0 ? "%" : mem_printf(&ctx->mem,
	    "%%\"%s\"%%", event), -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 2, only);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			long long *more = mem_alloc(&ctx->mem,
			    (cap = cap == 0 ? 16 : 2 * cap) * sizeof(*more));
			if (n > 0)
				memcpy(more, ids, n * sizeof(*more));
			ids = more;
		}
		ids[n++] = st_column_int64(st, 0);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(ctx, "webhook");
	st_reset(st);
	if (n == 0)
		return NULL;
	char stamp[32];
	struct tm tm;
	time_t t = (time_t)now;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < n; i++) {
		char key[33];
		if (rnd_hex(key, 16) != 0)
			return err_internal(ctx, "webhook key");
		cJSON *p = cJSON_CreateObject();
		if (p == NULL)
			mem_oom();
		cJSON_AddStringToObject(p, "event", event);
		if (id != 0)
			cJSON_AddNumberToObject(p, "id", (double)id);
		else
			cJSON_AddNullToObject(p, "id");
		cJSON_AddStringToObject(p, "model", webhook_model(event));
		cJSON_AddStringToObject(p, "timestamp", stamp);
		cJSON_AddStringToObject(p, "delivery", key);
		char *body = cJSON_PrintUnformatted(p);
		cJSON_Delete(p);
		if (body == NULL)
			mem_oom();
		if ((st = db_prepare(ctx, webhook_sql_queue)) == NULL) {
			cJSON_free(body);
			return db_err(ctx, "webhook delivery");
		}
		st_bind_int64(st, 1, ids[i]);
		st_bind_text(st, 2, event, -1, SQLITE_TRANSIENT);
		if (id != 0)
			st_bind_int64(st, 3, id);
		else
			st_bind_null(st, 3);
		st_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
		st_bind_text(st, 5, body, -1, SQLITE_TRANSIENT);
		st_bind_int64(st, 6, now);
		e = db_step(ctx, st, "webhook delivery");
		cJSON_free(body);
		if (e != NULL)
			return e;
	}
	return task_enqueue_once(ctx, "webhooks", NULL);
}

/*
 * POST /api/admin/webhook/<pk>/test/: queues a "ping" delivery to the
 * webhook, whatever its events (and even when inactive it is kept: it is
 * sent once the webhook is active).  Answers 201 with the delivery.
 */
struct err *
webhook_ping(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk"), did = 0;
	struct err *e;
	bool found;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((e = res_exists(ctx, &webhook_resource, id, &found)) == NULL &&
	    !found)
		e = err_not_found(ctx, webhook_resource.name);
	if (e == NULL) {
		/* queue to this webhook only, active or not */
		db_stmt *st;
		char key[33];
		if (rnd_hex(key, 16) != 0)
			e = err_internal(ctx, "webhook key");
		else if ((st = db_prepare(ctx, webhook_sql_queue)) == NULL)
			e = db_err(ctx, "webhook delivery");
		else {
			long long now = (long long)time(NULL);
			char stamp[32];
			struct tm tm;
			time_t t = (time_t)now;
			gmtime_r(&t, &tm);
			strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ",
			    &tm);
			const char *body = mem_printf(&ctx->mem,
			    "{\"event\":\"ping\",\"id\":null,\"model\":\"\","
			    "\"timestamp\":\"%s\",\"delivery\":\"%s\"}", stamp,
			    key);
			st_bind_int64(st, 1, id);
			st_bind_text(st, 2, "ping", -1, SQLITE_STATIC);
			st_bind_null(st, 3);
			st_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
			st_bind_text(st, 5, body, -1, SQLITE_TRANSIENT);
			st_bind_int64(st, 6, now);
			/* The delivery's id before the task's insert (if
			 * any) becomes the last one. */
			if ((e = db_step(ctx, st, "webhook delivery")) == NULL) {
				did = db_last_id(ctx);
				e = task_enqueue_once(ctx, "webhooks", NULL);
			}
		}
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	return res_answer(ctx, &webhook_delivery_resource, did, 201);
}

/* ---- sending (the worker) --------------------------------------------- */

/* libcurl's easy interface, found with dlsym() (never linked). */
#define CURLOPT_URL		10002
#define CURLOPT_ERRORBUFFER	10010
#define CURLOPT_POSTFIELDS	10015
#define CURLOPT_USERAGENT	10018
#define CURLOPT_HTTPHEADER	10023
#define CURLOPT_WRITEFUNCTION	20011
#define CURLOPT_POSTFIELDSIZE	60
#define CURLOPT_NOSIGNAL	99
#define CURLOPT_TIMEOUT_MS	155
#define CURLOPT_CONNECTTIMEOUT_MS 156
#define CURLOPT_PROTOCOLS	181
#define CURLPROTO_HTTP		1L
#define CURLPROTO_HTTPS		2L
#define CURLINFO_RESPONSE_CODE	0x200002
#define CURL_GLOBAL_DEFAULT	3L
#define CURL_ERROR_SIZE		256

static struct {
	bool	 tried, ok;
	int	 (*global_init)(long);
	void	*(*init)(void);
	int	 (*setopt)(void *, int, ...);
	int	 (*perform)(void *);
	int	 (*getinfo)(void *, int, ...);
	void	 (*cleanup)(void *);
	void	*(*slist_append)(void *, const char *);
	void	 (*slist_free_all)(void *);
	const char *(*strerror)(int);
} curl;

static bool
webhook_curl_load(void)
{
	void *h;

	if (curl.tried)
		return curl.ok;
	curl.tried = true;
	if ((h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return false;
#define SYM(m, name)	if ((*(void **)&curl.m = dlsym(h, name)) == NULL) \
		return false
	SYM(global_init, "curl_global_init");
	SYM(init, "curl_easy_init");
	SYM(setopt, "curl_easy_setopt");
	SYM(perform, "curl_easy_perform");
	SYM(getinfo, "curl_easy_getinfo");
	SYM(cleanup, "curl_easy_cleanup");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	SYM(strerror, "curl_easy_strerror");
#undef SYM
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != 0)
		return false;
	curl.ok = true;
	return true;
}

static size_t
webhook_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * POSTs body to url, signed with secret; *status is the HTTP status (0:
 * none), *ms the time it took; err says why when not 2xx.
 */
static void
webhook_post(struct ctx *ctx, const char *url, const char *secret,
    const char *event, const char *key, const char *body, long *status,
    long long *ms, char *err, size_t errsz)
{
	char cerr[CURL_ERROR_SIZE] = "", sig[2 * HMAC_SHA256_LEN + 1];
	long long t0 = ctx_now_us();
	long long ts = (long long)time(NULL);

	*status = 0;
	*ms = 0;
	err[0] = '\0';
	if (!webhook_curl_load()) {
		snprintf(err, errsz, "libcurl (libcurl.so.4) is not installed");
		return;
	}
	const char *signed_text = mem_printf(&ctx->mem, "%lld.%s", ts, body);
	hmac_sha256_hex(secret, strlen(secret), signed_text,
	    strlen(signed_text), sig);
	void *c = curl.init();
	if (c == NULL) {
		snprintf(err, errsz, "curl_easy_init failed");
		return;
	}
	void *h = NULL;
	h = curl.slist_append(h, "Content-Type: application/json");
	h = curl.slist_append(h, mem_printf(&ctx->mem,
	    "X-Stockroom-Event: %s", event));
	h = curl.slist_append(h, mem_printf(&ctx->mem,
	    "X-Stockroom-Delivery: %s", key));
	h = curl.slist_append(h, mem_printf(&ctx->mem,
	    "X-Stockroom-Timestamp: %lld", ts));
	h = curl.slist_append(h, mem_printf(&ctx->mem,
	    "X-Stockroom-Signature: sha256=%s", sig));
	h = curl.slist_append(h, "Expect:");
	curl.setopt(c, CURLOPT_URL, url);
	curl.setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl.setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.setopt(c, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
	curl.setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
	curl.setopt(c, CURLOPT_HTTPHEADER, h);
	curl.setopt(c, CURLOPT_POSTFIELDS, body);
	curl.setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl.setopt(c, CURLOPT_USERAGENT, "Stockroom-Webhook/1");
	curl.setopt(c, CURLOPT_WRITEFUNCTION, webhook_discard);
	curl.setopt(c, CURLOPT_ERRORBUFFER, cerr);
	int rc = curl.perform(c);
	*ms = (ctx_now_us() - t0) / 1000;
	if (rc == 0)
		curl.getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errsz, "%s", cerr[0] != '\0' ? cerr :
		    curl.strerror(rc));
	if (rc == 0 && (*status < 200 || *status > 299))
		snprintf(err, errsz, "HTTP status %ld", *status);
	curl.cleanup(c);
	curl.slist_free_all(h);
}

static const char webhook_sql_due[] =
    "SELECT d.id, d.key, d.payload, d.event, d.attempts, w.url, w.secret, "
    "d.next_attempt FROM webhook_delivery d JOIN webhook w ON w.id = "
    "d.webhook WHERE d.status = 'pending' AND d.next_attempt <= ?1 AND "
    "w.active = 1 ORDER BY d.next_attempt, d.id LIMIT 1";
static const char webhook_sql_claim[] =
    "UPDATE webhook_delivery SET next_attempt = ?2 WHERE id = ?1 AND "
    "status = 'pending' AND next_attempt = ?3";
static const char webhook_sql_done[] =
    "UPDATE webhook_delivery SET attempts = attempts + 1, status = ?2, "
    "next_attempt = ?3, http_status = ?4, latency_ms = ?5, last_error = ?6, "
    "updated = ?7 WHERE id = ?1";

static const char webhook_sql_later[] =
    "SELECT min(d.next_attempt) FROM webhook_delivery d JOIN webhook w ON "
    "w.id = d.webhook WHERE d.status = 'pending' AND w.active = 1 AND "
    "NOT EXISTS (SELECT 1 FROM task t WHERE t.name = 'webhooks' AND "
    "t.status = 'pending' AND t.run_at <= d.next_attempt)";

/*
 * When deliveries wait for a retry that no pending `webhooks` task will
 * reach, enqueues one for the earliest (its own arguments, so that an
 * event's task_enqueue_once() is never held back by it).
 */
static struct err *
webhook_later(struct ctx *ctx)
{
	db_stmt *st;
	struct err *e;
	bool found;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((st = db_prepare(ctx, webhook_sql_later)) == NULL)
		return db_end(ctx, db_err(ctx, "webhook delivery"));
	if ((e = db_row(ctx, st, "webhook delivery", &found)) != NULL ||
	    !found || st_column_type(st, 0) == SQLITE_NULL) {
		st_reset(st);
		return db_end(ctx, e);
	}
	long long at = st_column_int64(st, 0), now = (long long)time(NULL);
	st_reset(st);
	return db_end(ctx, task_enqueue(ctx, "webhooks", "{\"retry\":true}",
	    at > now ? at - now : 0));
}

/* Seconds to wait after failed attempt n (1-based), before the next. */
static const long long webhook_backoff[WEBHOOK_ATTEMPTS - 1] = {
	60, 300, 1800, 7200, 43200,
};

struct webhook_due {
	long long	 id, attempts;
	const char	*key, *payload, *event, *url, *secret;
};

/* Claims the next due delivery (a lease of WEBHOOK_LEASE); *found. */
static struct err *
webhook_claim(struct ctx *ctx, long long now, struct webhook_due *d,
    bool *found)
{
	db_stmt *st;
	struct err *e;

	*found = false;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	if ((st = db_prepare(ctx, webhook_sql_due)) == NULL)
		return db_end(ctx, db_err(ctx, "webhook delivery"));
	st_bind_int64(st, 1, now);
	if ((e = db_row(ctx, st, "webhook delivery", found)) != NULL ||
	    !*found) {
		st_reset(st);
		return db_end(ctx, e);
	}
	d->id = st_column_int64(st, 0);
	d->key = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 1));
	d->payload = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 2));
	d->event = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 3));
	d->attempts = st_column_int64(st, 4);
	d->url = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 5));
	d->secret = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 6));
	long long at = st_column_int64(st, 7);
	st_reset(st);
	if ((st = db_prepare(ctx, webhook_sql_claim)) == NULL)
		return db_end(ctx, db_err(ctx, "webhook delivery"));
	st_bind_int64(st, 1, d->id);
	st_bind_int64(st, 2, now + WEBHOOK_LEASE);
	st_bind_int64(st, 3, at);
	if ((e = db_step(ctx, st, "webhook delivery")) == NULL &&
	    db_changes(ctx) == 0)
		*found = false;		/* another runner has it */
	return db_end(ctx, e);
}

/*
 * The `webhooks` task: sends the due deliveries, at most WEBHOOK_BATCH
 * and WEBHOOK_BUDGET_MS, each one at a time outside any transaction, then
 * makes sure a task will come back for those that wait.
 */
int
webhook_deliver_due(struct ctx *ctx, char *err, size_t errsz)
{
	long long start = ctx_now_us();
	struct err *e;

	if ((e = db_open(ctx, DB_CHECK_SCHEMA)) != NULL)
		return task_failed(err, errsz, "webhooks", e);
	for (int i = 0; i < WEBHOOK_BATCH &&
	    ctx_now_us() - start < WEBHOOK_BUDGET_MS * 1000LL; i++) {
		struct webhook_due d = { 0 };
		bool found;
		long long now = (long long)time(NULL);
		if ((e = webhook_claim(ctx, now, &d, &found)) != NULL)
			return task_failed(err, errsz, "webhooks", e);
		if (!found)
			break;
		long status;
		long long ms;
		char why[512];
		webhook_post(ctx, d.url, d.secret, d.event, d.key, d.payload,
		    &status, &ms, why, sizeof(why));
		long long n = d.attempts + 1;
		bool ok = status >= 200 && status <= 299;
		const char *to = ok ? "delivered" : n >= WEBHOOK_ATTEMPTS ?
		    "dead" : "pending";
		long long next = ok || n >= WEBHOOK_ATTEMPTS ? now :
		    (long long)time(NULL) + webhook_backoff[n - 1];
		log_msg(ctx, ok ? LOG_INFO : LOG_WARN, "webhook delivery %lld "
		    "(%s) attempt %lld: %s%s%s", d.id, d.event, n, to,
		    ok ? "" : ": ", why);
		db_stmt *st;
		if ((e = db_begin(ctx)) != NULL)
			return task_failed(err, errsz, "webhooks", e);
		if ((st = db_prepare(ctx, webhook_sql_done)) == NULL)
			e = db_err(ctx, "webhook delivery");
		else {
			st_bind_int64(st, 1, d.id);
			st_bind_text(st, 2, to, -1, SQLITE_STATIC);
			st_bind_int64(st, 3, next);
			if (status != 0)
				st_bind_int64(st, 4, status);
			else
				st_bind_null(st, 4);
			st_bind_int64(st, 5, ms);
			st_bind_text(st, 6, why, -1, SQLITE_TRANSIENT);
			st_bind_int64(st, 7, (long long)time(NULL));
			e = db_step(ctx, st, "webhook delivery");
		}
		if ((e = db_end(ctx, e)) != NULL)
			return task_failed(err, errsz, "webhooks", e);
	}
	if ((e = webhook_later(ctx)) != NULL)
		return task_failed(err, errsz, "webhooks", e);
	return 0;
}
