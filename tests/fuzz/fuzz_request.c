/*
 * fuzz_request: a whole request, from CGI environment to CGI output,
 * through app_handle() (lib/app.c) and a small route table.  This covers
 * req_parse (method, PATH_INFO, query, cookies, Content-Length, Host,
 * install prefix), route_match and <pk> extraction, sign-in and permission
 * checks,
 * req_data (JSON and urlencoded bodies, 413/415/400), resp_send (ETag and
 * If-None-Match, CORS, HEAD) and the log line.
 *
 * Input: environment entries NAME=VALUE separated by NUL bytes; an empty
 * entry (two NULs) ends them and the rest is the body on standard input.
 * Entries the harness must control (files, database, limits, secret key)
 * come first in the environment, so the input cannot override them; the
 * database has a user with a known token, session and password
 * (support.h), so the signed-in paths (auth_identify, perm_check) are
 * reachable; the program also serves the real part categories and parts
 * (resources: every filter kind, search, ordering, pagination, create,
 * change and delete with their validation, OPTIONS; lib/res.c, val.c,
 * list.c) under /api/part/.
 *
 * Checks the CGI output: a known status line, headers that are single
 * lines of printable text (no header injection), a Content-Length that
 * matches the body, and JSON that parses wherever JSON is declared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site.h"
#include "support.h"

#include "inventory/part.h"

#define ENV_MAX 64

static struct err *
thing_echo(struct ctx *ctx)
{
	const cJSON *data;
	struct err *e = req_data(ctx, &data);

	if (e != NULL)
		return e;
	const char *limit = req_query(ctx, "limit");
	long long n;
	if (limit != NULL && !txt_parse_int64(limit, 1, 1000, &n))
		return err_field(ctx, "limit", "A whole number from 1 to 1000");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "data", cJSON_Duplicate(data, 1));
	cJSON *q = cJSON_AddObjectToObject(o, "query");
	for (size_t i = 0; i < ctx->req.nquery; i++)
		cJSON_AddStringToObject(q, ctx->req.query[i].name,
		    ctx->req.query[i].value);
	cJSON *c = cJSON_AddObjectToObject(o, "cookies");
	for (size_t i = 0; i < ctx->req.ncookies; i++)
		cJSON_AddStringToObject(c, ctx->req.cookies[i].name,
		    ctx->req.cookies[i].value);
	cJSON_AddNumberToObject(o, "pk", (double)route_param_id(ctx, "pk"));
	cJSON_AddNumberToObject(o, "id", (double)route_param_id(ctx, "id"));
	cJSON_AddStringToObject(o, "base_url", req_base_url(ctx));
	const char *auth = req_header(ctx, "Authorization");
	cJSON_AddBoolToObject(o, "auth", auth != NULL);
	return resp_json(ctx, 200, o);
}

static struct err *
thing_root(struct ctx *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "instance", ctx->cfg.instance_name);
	cJSON_AddBoolToObject(o, "debug", ctx->cfg.debug);
	return resp_json(ctx, 200, o);
}

static struct err *
thing_db(struct ctx *ctx)
{
	static const char sql[] = "SELECT value FROM setting WHERE key = ?1";
	db_stmt *st = db_prepare(ctx, sql);
	const char *key = req_query(ctx, "key");

	if (st == NULL)
		return db_err(ctx, "setting");
	st_bind_text(st, 1, key != NULL ? key : "", -1, SQLITE_STATIC);
	if (st_step(st) != SQLITE_ROW)
		return err_not_found(ctx, "Setting");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "value",
	    (const char *)st_column_text(st, 0));
	return resp_json(ctx, 200, o);
}

static const struct route fuzz_routes[] = {
	{ "GET", "/api/", AREA_PUBLIC, PERM_VIEW, thing_root, "Root",
	  ROUTE_NO_DB },
	{ "GET", "/api/thing/", AREA_PUBLIC, PERM_VIEW, thing_echo, "List",
	  ROUTE_NO_DB },
	{ "POST", "/api/thing/", AREA_PUBLIC, PERM_VIEW, thing_echo, "Add",
	  ROUTE_NO_DB },
	{ "GET", "/api/thing/<pk>/", AREA_PUBLIC, PERM_VIEW, thing_echo,
	  "Detail", ROUTE_NO_DB },
	{ "PUT", "/api/thing/<pk>/", AREA_PUBLIC, PERM_VIEW, thing_echo,
	  "Replace", ROUTE_NO_DB },
	{ "PATCH", "/api/thing/<pk>/", AREA_PUBLIC, PERM_VIEW, thing_echo,
	  "Change", ROUTE_NO_DB },
	{ "GET", "/api/thing/<pk>/sub/<id>/", AREA_PUBLIC, PERM_VIEW,
	  thing_echo, "Nested", ROUTE_NO_DB },
	{ "DELETE", "/api/thing/<pk>/", "part", PERM_METHOD, thing_echo,
	  "Delete", ROUTE_NO_DB },
	{ "POST", "/api/private/", AREA_USER, PERM_METHOD, thing_echo,
	  "Private", ROUTE_NO_DB },
	{ "GET", "/api/db/", AREA_PUBLIC, PERM_VIEW, thing_db, "Database", 0 },
	/* Signed-in routes: the user of support.c may view and add parts;
	 * the parts and categories themselves are resources (below). */
	{ "GET", "/api/me/", AREA_USER, PERM_VIEW, thing_echo, "Me", 0 },
	{ "GET", "/api/admin/", AREA_SUPERUSER, PERM_VIEW, thing_echo,
	  "Admin", 0 },
};

static const struct resource *const fuzz_resources[] = {
	&category_resource,
	&part_resource,
};

static const struct program fuzz_program = PROGRAM("fuzz",
    ROUTES(fuzz_routes), RESOURCES(fuzz_resources));

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_site_init();
	return 0;
}

/* Checks the CGI output of one request; aborts on a broken promise. */
static void
check_output(const char *out, size_t len, const char *method)
{
	const char *end = memmem(out, len, "\r\n\r\n", 4);
	long long clen = -1;
	bool json = false;
	int status;

	if (end == NULL || strncmp(out, "Status: ", 8) != 0)
		abort();
	status = atoi(out + 8);
	if (strcmp(resp_reason(status), "Unknown") == 0)
		abort();
	for (const char *line = out; line < end;) {
		const char *eol = memmem(line, (size_t)(end + 2 - line),
		    "\r\n", 2);
		for (const char *p = line; p < eol; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();	/* CR, LF or control in a header */
		if (memchr(line, ':', (size_t)(eol - line)) == NULL)
			abort();
		if (strncasecmp(line, "Content-Length: ", 16) == 0)
			clen = atoll(line + 16);
		if (strncasecmp(line, "Content-Type: application/json", 30) == 0)
			json = true;
		line = eol + 2;
	}
	const char *body = end + 4;
	size_t blen = len - (size_t)(body - out);
	if (strcmp(method, "HEAD") == 0 || status == 304 || status == 204) {
		if (blen != 0)
			abort();
		return;
	}
	if (clen != -1 && clen != (long long)blen)
		abort();	/* no Content-Length: a streamed list */
	if (json) {
		cJSON *j = cJSON_ParseWithLength(body, blen);
		if (j == NULL)
			abort();
		cJSON_Delete(j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *envp[ENV_MAX + 16];
	size_t ne = 0;
	char *copy = malloc(size + 1);
	char *outbuf = NULL;
	size_t outlen = 0;
	struct ctx ctx;

	memcpy(copy, data, size);
	copy[size] = '\0';

	/* Fixed by the harness: nothing the input says may change these. */
	for (; fuzz_fixed_env[ne] != NULL; ne++)
		envp[ne] = fuzz_fixed_env[ne];

	/* The input's entries, up to an empty one (extra ones are ignored). */
	char *p = copy, *lim = copy + size;
	while (p < lim) {
		size_t n = strlen(p);
		if (n == 0) {
			p++;
			break;
		}
		if (ne < ENV_MAX && strchr(p, '=') != NULL)
			envp[ne++] = p;
		p += n + 1;
	}
	if (p > lim)
		p = lim;
	/* Defaults for what the input did not give. */
	envp[ne++] = "REQUEST_METHOD=GET";
	envp[ne++] = "PATH_INFO=/api/";
	envp[ne++] = "SERVER_NAME=localhost";
	envp[ne++] = "SERVER_PORT=80";
	envp[ne] = NULL;

	size_t blen = (size_t)(lim - p);
	char *body = malloc(blen ? blen : 1);
	memcpy(body, p, blen);
	FILE *in = fmemopen(body, blen, "r");
	FILE *out = open_memstream(&outbuf, &outlen);
	if (in == NULL || out == NULL)
		abort();

	ctx_init(&ctx, envp, in, out, NULL);
	app_handle(&ctx, &fuzz_program);
	const char *method = ctx.req.method;
	fclose(out);
	if (getenv("FUZZ_SHOW") != NULL)	/* to look at what a seed does */
		fprintf(stderr, "%.*s\n", (int)outlen, outbuf);
	check_output(outbuf, outlen, method);
	ctx_end(&ctx);
	fclose(in);
	free(outbuf);
	free(body);
	free(copy);
	return 0;
}
