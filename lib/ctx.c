/*
 * ctx: per-request context.  See ctx.h.
 */
#include <string.h>
#include <time.h>

#include "ctx.h"

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
}

const char *
ctx_env(const struct ctx *ctx, const char *name)
{
	return cfg_env(ctx->envp, name);
}
