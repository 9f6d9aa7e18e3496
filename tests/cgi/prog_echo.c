/*
 * echo.cgi, built for the tests only (never installed): answers with what
 * the library parsed from the request, so body, query and prefix handling
 * can be tested through the CGI contract and through real web servers.
 */
#include "stockroom.h"

static int
echo(struct ctx *ctx)
{
	const cJSON *data;
	int rc = req_data(ctx, &data);

	if (rc != 0)
		return rc;
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

static int
echo_id(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "pk", (double)route_param_id(ctx, "pk"));
	return resp_json(ctx, 200, o);
}

static const struct route echo_routes[] = {
	{ "GET", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "POST", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "PUT", "/api/echo/", AREA_PUBLIC, PERM_VIEW, echo, "Echo", 0 },
	{ "GET", "/api/echo/<pk>/", AREA_PUBLIC, PERM_VIEW, echo_id, "Echo id", 0 },
};

static const struct program echo_program = PROGRAM("echo", echo_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &echo_program);
}
