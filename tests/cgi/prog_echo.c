/*
 * echo.cgi, built for the tests only (never installed): answers with what
 * the library parsed from the request, so body, query and prefix handling
 * can be tested through the CGI contract and through real web servers.
 */
#include <string.h>
#include <unistd.h>

#include "stockroom.h"

static struct err *
echo(struct ctx *ctx)
{
	const cJSON *data;
	struct err *e = req_data(ctx, &data);

	if (e != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "data", cJSON_Duplicate(data, 1));
	cJSON *q = cJSON_AddObjectToObject(o, "query");
	for (size_t i = 0; i < ctx->req.nquery; i++)
		cJSON_AddStringToObject(q, ctx->req.query[i].name,
		    ctx->req.query[i].value);
	cJSON_AddStringToObject(o, "method", ctx->req.method);
	cJSON_AddStringToObject(o, "path", ctx->req.path);
	cJSON_AddStringToObject(o, "prefix", ctx->req.prefix);
	cJSON_AddStringToObject(o, "base_url", req_base_url(ctx));
	const char *auth = req_header(ctx, "Authorization");
	cJSON_AddBoolToObject(o, "authorization_seen", auth != NULL);
	const char *c = req_cookie(ctx, "probe");
	if (c != NULL)
		cJSON_AddStringToObject(o, "cookie", c);
	return resp_json(ctx, 200, o);
}

static struct err *
echo_id(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "pk", (double)route_param_id(ctx, "pk"));
	return resp_json(ctx, 200, o);
}

/*
 * GET /api/echo/env/: whom the program runs as, and the names of
 * its environment variables (values would show credentials: only PATH's
 * is given), for the suEXEC test (tests/http/test_suexec.py).
 */
static struct err *
echo_env(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *names = cJSON_AddArrayToObject(o, "names");
	const char *path = cfg_env(ctx->envp, "PATH");

	for (char *const *e = ctx->envp; e != NULL && *e != NULL; e++)
		cJSON_AddItemToArray(names, cJSON_CreateString(mem_strndup(
		    &ctx->mem, *e, strcspn(*e, "="))));
	cJSON_AddStringToObject(o, "PATH", path != NULL ? path : "");
	cJSON_AddNumberToObject(o, "uid", (double)getuid());
	cJSON_AddNumberToObject(o, "euid", (double)geteuid());
	cJSON_AddNumberToObject(o, "gid", (double)getgid());
	cJSON_AddNumberToObject(o, "egid", (double)getegid());
	return resp_json(ctx, 200, o);
}

static const struct route echo_routes[] = {
	{ "GET", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "POST", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "PUT", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "GET", "/api/echo/env/", AREA_PUBLIC, PERM_VIEW, echo_env, "Env", 0 },
	{ "GET", "/api/echo/<pk>/", AREA_PUBLIC, PERM_VIEW, echo_id, "Echo id", 0 },
};

/* lib/ alone: no accounts (every route is public), no tasks. */
static const struct program echo_program = { .name = "echo",
    ROUTES(echo_routes) };

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &echo_program);
}
