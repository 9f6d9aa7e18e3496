/*
 * app: request flow.  See app.h.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "ctx.h"
#include "log.h"
#include "route.h"
#include "task.h"
#include "text.h"

/* X-Request-ID: the client's when it is a short token, else a fresh one. */
static void
app_request_id(struct ctx *ctx)
{
	const char *v = req_header(ctx, "X-Request-ID");

	if (v != NULL && txt_token(v, 64))
		snprintf(ctx->request_id, sizeof(ctx->request_id), "%s", v);
	else if (rnd_hex(ctx->request_id, 16) != 0)
		snprintf(ctx->request_id, sizeof(ctx->request_id), "%llx",
		    (unsigned long long)ctx->t_start_us);
}

void
app_handle(struct ctx *ctx, const struct program *prog)
{
	char err[512];

	app_request_id(ctx);
	if (cfg_load(&ctx->mem, ctx->envp, ctx->exe, &ctx->cfg, err,
	    sizeof(err)) != 0) {
		/* Settings are broken: use the defaults to say so. */
		log_msg(ctx, LOG_ERROR, "configuration: %s", err);
		resp_error(ctx, 500, "Server configuration error; the server "
		    "log says which setting (request %s)", ctx->request_id);
	} else {
		ctx->cfg_ok = true;
		if (req_parse(ctx) == 0)
			route_dispatch(ctx, prog);
	}
	task_after_response(ctx);	/* may detach a task runner */
	resp_send(ctx);		/* logs the request, then answers */
	req_drain(ctx);
}

int
app_main(int argc, char **argv, char **envp, const struct program *prog)
{
	struct ctx ctx;

	if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
		route_print_table(prog, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--routes]\n"
		    "A CGI program: run it from a web server.\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Everything we create (database, logs, uploads) is ours alone. */
	umask(077);
	ctx_init(&ctx, envp, stdin, stdout, NULL);
	app_handle(&ctx, prog);
	ctx_end(&ctx);
	return 0;
}
