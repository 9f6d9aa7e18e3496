/*
 * err: errors as values.  See err.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "log.h"

#define ERR_MSG_MAX	512

static cJSON *
err_object(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, o);
	return o;
}

static struct err *
err_make(struct ctx *ctx, int status, cJSON *body)
{
	struct err *e = mem_zalloc(&ctx->mem, sizeof(*e));

	e->status = status;
	e->body = body;
	return e;
}

static void
err_list_add(cJSON *map, const char *field, cJSON *msg)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(map, field);

	if (msg == NULL)
		mem_oom();
	if (a == NULL && (a = cJSON_AddArrayToObject(map, field)) == NULL)
		mem_oom();
	cJSON_AddItemToArray(a, msg);
}

/*
 * status with the formatted message: {"detail": message} when field is
 * NULL, else {"field": ["message"]}.
 */
static struct err *
err_vnew(struct ctx *ctx, int status, const char *field, const char *fmt,
    va_list ap)
{
	char msg[ERR_MSG_MAX];
	cJSON *o = err_object(ctx);

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (field != NULL)
		err_list_add(o, field, cJSON_CreateString(msg));
	else if (cJSON_AddStringToObject(o, "detail", msg) == NULL)
		mem_oom();
	return err_make(ctx, status, o);
}

/* status with {"detail": message}. */
struct err *
err_new(struct ctx *ctx, int status, const char *fmt, ...)
{
	struct err *e;
	va_list ap;

	va_start(ap, fmt);
	e = err_vnew(ctx, status, NULL, fmt, ap);
	va_end(ap);
	return e;
}

/* 400 with {"field": ["message"]}; "non_field_errors" for the whole. */
struct err *
err_field(struct ctx *ctx, const char *field, const char *fmt, ...)
{
	struct err *e;
	va_list ap;

	va_start(ap, fmt);
	e = err_vnew(ctx, 400, field, fmt, ap);
	va_end(ap);
	return e;
}

/* 400 with a field map the caller built (its ownership passes). */
struct err *
err_fields(struct ctx *ctx, cJSON *map)
{
	if (map == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, map);
	return err_make(ctx, 400, map);
}

/* 404 "No <model> matches the given query.", as Django says it. */
struct err *
err_not_found(struct ctx *ctx, const char *model)
{
	return err_new(ctx, 404, "No %s matches the given query.", model);
}

/*
 * 500.  what goes to the log; the client sees it only with DEBUG on, and
 * always the request id to quote in a report.
 */
struct err *
err_internal(struct ctx *ctx, const char *what)
{
	log_msg(ctx, LOG_ERROR, "internal error: %s", what);
	if (ctx->cfg.debug)
		return err_new(ctx, 500, "Internal server error: %s", what);
	return err_new(ctx, 500, "Internal server error (request %s)",
	    ctx->request_id);
}

/* Gives e a header (Allow, WWW-Authenticate, Retry-After); returns e. */
struct err *
err_header(struct err *e, const char *name, const char *value)
{
	e->header = name;
	e->value = value;
	return e;
}

void
errs_init(struct errs *es, struct ctx *ctx)
{
	es->ctx = ctx;
	es->map = NULL;
}

static cJSON *
errs_map(struct errs *es)
{
	if (es->map == NULL)
		es->map = err_object(es->ctx);
	return es->map;
}

/* Adds msg (copied) to field's list. */
void
errs_add(struct errs *es, const char *field, const char *msg)
{
	err_list_add(errs_map(es), field, cJSON_CreateString(msg));
}

void
errs_addf(struct errs *es, const char *field, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errs_add(es, field, msg);
}

/*
 * Puts a nested error under field (ownership passes): an object for a
 * nested input ({"initial_stock": {"quantity": [...]}}), or a list with
 * one object per element of a list input ({"items": [{}, {...}]}).
 */
void
errs_put(struct errs *es, const char *field, cJSON *v)
{
	cJSON *m = errs_map(es);

	if (v == NULL)
		mem_oom();
	cJSON_DeleteItemFromObjectCaseSensitive(m, field);
	cJSON_AddItemToObject(m, field, v);
}

bool
errs_has(const struct errs *es, const char *field)
{
	return es->map != NULL &&
	    cJSON_GetObjectItemCaseSensitive(es->map, field) != NULL;
}

bool
errs_any(const struct errs *es)
{
	return es->map != NULL && es->map->child != NULL;
}

/* NULL when nothing was collected, else 400 with every error. */
struct err *
errs_end(struct errs *es)
{
	if (!errs_any(es))
		return NULL;
	return err_make(es->ctx, 400, es->map);
}
