/*
 * route: endpoint tables and dispatch.  See route.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "field.h"
#include "perm.h"
#include "resp.h"
#include "route.h"
#include "text.h"

const char *const perm_names[PERM__MAX] = {
	[PERM_METHOD] = "method",
	[PERM_VIEW] = "view",
	[PERM_ADD] = "add",
	[PERM_CHANGE] = "change",
	[PERM_DELETE] = "delete",
};

#define ID_MAX 999999999999999LL

#define ROUTE_TAIL_MAX	1024

/*
 * Is s, the rest of a path, acceptable for a "<*name>" parameter: at most
 * ROUTE_TAIL_MAX bytes of segments that are neither empty nor start with
 * '.' (so no "..", no hidden files, no trailing slash)?
 */
static bool
route_tail_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ROUTE_TAIL_MAX)
		return false;
	for (;;) {
		size_t seg = strcspn(s, "/");
		if (seg == 0 || s[0] == '.')
			return false;
		s += seg;
		if (*s == '\0')
			return true;
		s++;
	}
}

/*
 * Matches path against pattern, segment by segment.  "<name>" matches a
 * positive decimal id (no leading zero) and is stored in ctx->params.
 * "<*name>", last in a pattern, matches the whole rest of the path when
 * route_tail_valid() accepts it.  A missing final slash in path is
 * accepted.  Returns 1 on a match, else 0.
 */
int
route_match(const char *pattern, const char *path, struct ctx *ctx)
{
	const char *p = pattern, *s = path;
	size_t np = 0;

	while (*p != '\0') {
		if (p[0] == '<' && p[1] == '*') {
			const char *pe = strchr(p, '>');
			if (pe == NULL || pe[1] != '\0' ||
			    np >= ROUTE_PARAMS_MAX || !route_tail_valid(s))
				return 0;
			if (ctx != NULL) {
				ctx->params[np].name = mem_strndup(&ctx->mem,
				    p + 2, (size_t)(pe - p - 2));
				ctx->params[np].value = mem_strdup(&ctx->mem,
				    s);
				ctx->nparams = np + 1;
			}
			return 1;
		}
		if (*p == '<') {
			const char *pe = strchr(p, '>');
			size_t n = strcspn(s, "/");
			long long id;
			char digits[24];
			if (pe == NULL || n == 0 || n >= sizeof(digits) ||
			    np >= ROUTE_PARAMS_MAX)
				return 0;
			memcpy(digits, s, n);
			digits[n] = '\0';
			if (!txt_parse_int64(digits, 1, ID_MAX, &id))
				return 0;
			if (ctx != NULL) {
				ctx->params[np].name = mem_strndup(&ctx->mem,
				    p + 1, (size_t)(pe - p - 1));
				ctx->params[np].value = mem_strdup(&ctx->mem,
				    digits);
			}
			np++;
			p = pe + 1;
			s += n;
			continue;
		}
		if (*p != *s) {
			/* Accept "/api/part" for "/api/part/". */
			if (*s == '\0' && p[0] == '/' && p[1] == '\0')
				break;
			return 0;
		}
		p++;
		s++;
	}
	if (*s != '\0')
		return 0;
	if (ctx != NULL)
		ctx->nparams = np;
	return 1;
}

enum perm
route_perm(const struct route *rt, const char *method)
{
	if (rt->perm != PERM_METHOD)
		return rt->perm;
	if (strcmp(method, "POST") == 0)
		return PERM_ADD;
	if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0)
		return PERM_CHANGE;
	if (strcmp(method, "DELETE") == 0)
		return PERM_DELETE;
	return PERM_VIEW;
}

const char *
route_param(const struct ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nparams; i++)
		if (strcmp(ctx->params[i].name, name) == 0)
			return ctx->params[i].value;
	return NULL;
}

/* The integer value of a matched "<name>" parameter; 0 if absent. */
long long
route_param_id(const struct ctx *ctx, const char *name)
{
	const char *v = route_param(ctx, name);
	long long id = 0;

	if (v == NULL || !txt_parse_int64(v, 1, ID_MAX, &id))
		return 0;
	return id;
}

/* Methods allowed on the path, as an Allow header value ("GET, HEAD, ..."). */
static const char *
route_allow(struct ctx *ctx, const struct program *prog)
{
	char buf[128] = "";
	bool get = false;

	for (size_t i = 0; i < prog->nroutes; i++) {
		const struct route *rt = &prog->routes[i];
		if (!route_match(rt->pattern, ctx->req.path, NULL) ||
		    strstr(buf, rt->method) != NULL)
			continue;
		if (buf[0] != '\0')
			strcat(buf, ", ");
		strcat(buf, rt->method);
		if (strcmp(rt->method, "GET") == 0)
			get = true;
		if (strlen(buf) > sizeof(buf) - 16)
			break;
	}
	if (get)
		strcat(buf, ", HEAD");
	strcat(buf, buf[0] != '\0' ? ", OPTIONS" : "OPTIONS");
	return mem_strdup(&ctx->mem, buf);
}

/*
 * The "actions" of an OPTIONS answer, as DRF gives them: the fields of
 * POST and of PUT, each only when the path takes the method and the user
 * may use it.
 */
static void
route_actions(struct ctx *ctx, const struct program *prog,
    const struct route *first, const char *allow, cJSON *o)
{
	static const struct { const char *method; enum perm perm; } acts[] = {
		{ "POST", PERM_ADD }, { "PUT", PERM_CHANGE },
	};
	const struct field_set *fs;
	cJSON *a = NULL;

	if (prog->fields == NULL || (fs = prog->fields(first)) == NULL)
		return;
	int area = perm_area_index(first->area);
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (strstr(allow, acts[i].method) == NULL ||
		    (area >= 0 && !perm_has(ctx, area, acts[i].perm)))
			continue;
		if (a == NULL)
			a = cJSON_AddObjectToObject(o, "actions");
		cJSON_AddItemToObject(a, acts[i].method, field_describe(fs));
	}
}

/*
 * OPTIONS on a known path.  A CORS preflight (Access-Control-Request-Method
 * present) gets 204 with the CORS grant when the origin is allowed; anything
 * else gets a description of the endpoint, as DRF's metadata does.
 */
static int
route_options(struct ctx *ctx, const struct program *prog,
    const struct route *first, const char *allow)
{
	if (req_header(ctx, "Access-Control-Request-Method") != NULL) {
		resp_header(ctx, "Access-Control-Allow-Methods", allow);
		resp_header(ctx, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type, X-CSRFToken, X-Request-ID, "
		    "If-None-Match");
		resp_header(ctx, "Access-Control-Max-Age", "600");
		ctx->resp.status = 204;
		return 204;
	}
	int rc = 0;
	if (!(first->flags & ROUTE_NO_DB)) {
		rc = db_open(ctx, DB_CHECK_SCHEMA);
		if (rc == 0)
			rc = auth_identify(ctx);
	}
	if (rc == 0)
		rc = perm_check(ctx, first, PERM_VIEW);
	if (rc != 0)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", first->summary);
	cJSON_AddStringToObject(o, "program", prog->name);
	cJSON *r = cJSON_AddArrayToObject(o, "renders");
	cJSON_AddItemToArray(r, cJSON_CreateString("application/json"));
	cJSON *p = cJSON_AddArrayToObject(o, "parses");
	cJSON_AddItemToArray(p, cJSON_CreateString("application/json"));
	cJSON_AddItemToArray(p, cJSON_CreateString(
	    "application/x-www-form-urlencoded"));
	cJSON_AddStringToObject(o, "allowed_methods", allow);
	route_actions(ctx, prog, first, allow, o);
	resp_header(ctx, "Allow", allow);
	return resp_json(ctx, 200, o);
}

/*
 * Finds the route for the request and runs it.  Returns the status set.
 */
int
route_dispatch(struct ctx *ctx, const struct program *prog)
{
	const char *method = ctx->req.method;
	const struct route *first = NULL;

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < prog->nroutes; i++) {
		const struct route *rt = &prog->routes[i];
		if (!route_match(rt->pattern, ctx->req.path, ctx))
			continue;
		if (first == NULL)
			first = rt;
		if (strcmp(rt->method, method) != 0)
			continue;
		ctx->route = rt;
		int rc = 0;
		if (!(rt->flags & ROUTE_NO_DB)) {
			rc = db_open(ctx, DB_CHECK_SCHEMA);
			if (rc == 0)
				rc = auth_identify(ctx);
		}
		if (rc == 0)
			rc = perm_check(ctx, rt, route_perm(rt, method));
		if (rc != 0)
			return rc;
		return rt->handler(ctx);
	}
	if (first == NULL)
		return resp_not_found(ctx);
	const char *allow = route_allow(ctx, prog);
	if (strcmp(method, "OPTIONS") == 0)
		return route_options(ctx, prog, first, allow);
	resp_header(ctx, "Allow", allow);
	return resp_error(ctx, 405, "Method \"%s\" not allowed.",
	    ctx->req.method);
}

/* Writes the table as a JSON array, one object per route. */
void
route_print_table(const struct program *prog, FILE *out)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < prog->nroutes; i++) {
		const struct route *rt = &prog->routes[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "program", prog->name);
		cJSON_AddStringToObject(o, "method", rt->method);
		cJSON_AddStringToObject(o, "pattern", rt->pattern);
		cJSON_AddStringToObject(o, "area", rt->area);
		cJSON_AddStringToObject(o, "perm",
		    perm_names[route_perm(rt, rt->method)]);
		cJSON_AddStringToObject(o, "summary", rt->summary);
		cJSON_AddItemToArray(a, o);
	}
	char *s = cJSON_Print(a);
	fprintf(out, "%s\n", s);
	free(s);
	cJSON_Delete(a);
}
