/*
 * ctx: per-request context.  See ctx.h.
 */
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "text.h"

long long
ctx_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

void
ctx_init(struct ctx *ctx, char *const *envp, FILE *in, FILE *out,
    const char *exe)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->envp = envp;
	ctx->in = in;
	ctx->out = out;
	ctx->exe = exe;
	ctx->t_start_us = ctx_now_us();
	strcpy(ctx->request_id, "-");
	/* Until req_parse() knows better, so error paths never see NULL. */
	ctx->req.method = "-";
	ctx->req.path = "-";
	ctx->req.prefix = "";
}

/* Releases everything the request holds, the database connection included. */
void
ctx_end(struct ctx *ctx)
{
	mem_free(&ctx->mem);
	ctx->db = NULL;
	ctx->pg = NULL;
}

const char *
ctx_env(const struct ctx *ctx, const char *name)
{
	return cfg_env(ctx->envp, name);
}

/* The value of a route parameter ("<pk>" in the pattern), or NULL. */
const char *
ctx_param(const struct ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nparams; i++)
		if (strcmp(ctx->params[i].name, name) == 0)
			return ctx->params[i].value;
	return NULL;
}

/* A route parameter as an id (route_match() checked it); 0 if absent. */
long long
ctx_param_id(const struct ctx *ctx, const char *name)
{
	const char *v = ctx_param(ctx, name);
	long long id = 0;

	if (v == NULL || !txt_parse_int64(v, 1, 999999999999999LL, &id))
		return 0;
	return id;
}
