/*
 * route: endpoint tables and dispatch.  See route.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "perm.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "text.h"
#include "val.h"

const char *const perm_names[PERM__MAX] = {
	[PERM_METHOD] = "method",
	[PERM_VIEW] = "view",
	[PERM_ADD] = "add",
	[PERM_CHANGE] = "change",
	[PERM_DELETE] = "delete",
};

#define ROUTE_TAIL_MAX	1024
/* A "<name:word>" parameter: a setting's key, as InvenTree's ^\w+$. */
#define ROUTE_WORD	":word"
#define ROUTE_WORD_LEN	(sizeof(ROUTE_WORD) - 1)
#define ROUTE_WORD_MAX	100
#define ROUTE_WORD_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789_"

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
 * positive decimal id (no leading zero) and is stored in ctx->params
 * (followed by a literal in its segment, "<pk>.json", the id is the
 * segment's leading digits);
 * "<name:word>" a segment of 1 to ROUTE_WORD_MAX letters, digits and
 * underscores (a setting's key), stored under name.
 * "<*name>", last in a pattern, matches the whole rest of the path when
 * route_tail_valid() accepts it (without a final slash, which the path
 * may have: a CGI plugin's pages end in one).  A missing final slash in
 * path is accepted.  Returns 1 on a match, else 0.
 */
int
route_match(const char *pattern, const char *path, struct ctx *ctx)
{
	const char *p = pattern, *s = path;
	size_t np = 0;

	while (*p != '\0') {
		if (p[0] == '<' && p[1] == '*') {
			const char *pe = strchr(p, '>');
			char tail[ROUTE_TAIL_MAX + 2];
			size_t n = strlen(s);
			/* A final slash is accepted, and is not the value's. */
			if (n > 0 && n <= ROUTE_TAIL_MAX + 1 &&
			    s[n - 1] == '/')
				n--;
			if (n > ROUTE_TAIL_MAX)
				return 0;
			memcpy(tail, s, n);
			tail[n] = '\0';
			if (pe == NULL || pe[1] != '\0' ||
			    np >= ROUTE_PARAMS_MAX || !route_tail_valid(tail))
				return 0;
			if (ctx != NULL) {
				ctx->params[np].name = mem_strndup(&ctx->mem,
				    p + 2, (size_t)(pe - p - 2));
				ctx->params[np].value = mem_strdup(&ctx->mem,
				    tail);
				ctx->nparams = np + 1;
			}
			return 1;
		}
		if (*p == '<') {
			const char *pe = strchr(p, '>');
			size_t n = strcspn(s, "/");
			long long id;
			char digits[24];
			if (pe != NULL && (size_t)(pe - p) > ROUTE_WORD_LEN &&
			    memcmp(pe - ROUTE_WORD_LEN, ROUTE_WORD,
			    ROUTE_WORD_LEN) == 0) {
				/* "<key:word>": letters, digits and _. */
				if (n == 0 || n > ROUTE_WORD_MAX ||
				    strspn(s, ROUTE_WORD_CHARS) < n ||
				    np >= ROUTE_PARAMS_MAX)
					return 0;
				if (ctx != NULL) {
					ctx->params[np].name = mem_strndup(
					    &ctx->mem, p + 1, (size_t)(pe - p -
					    1 - ROUTE_WORD_LEN));
					ctx->params[np].value = mem_strndup(
					    &ctx->mem, s, n);
				}
				np++;
				p = pe + 1;
				s += n;
				continue;
			}
			/* "<pk>.json": the id is the segment's digits, the
			 * rest of it the pattern's literal that follows. */
			if (pe != NULL && pe[1] != '/' && pe[1] != '\0')
				n = strspn(s, "0123456789");
			if (pe == NULL || n == 0 || n >= sizeof(digits) ||
			    np >= ROUTE_PARAMS_MAX)
				return 0;
			memcpy(digits, s, n);
			digits[n] = '\0';
			if (!val_id_text(digits, &id))
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

/* A route parameter ("<pk>"), or NULL. */
const char *
route_param(const struct ctx *ctx, const char *name)
{
	return ctx_param(ctx, name);
}

/* The integer value of a matched "<name>" parameter; 0 if absent. */
long long
route_param_id(const struct ctx *ctx, const char *name)
{
	return ctx_param_id(ctx, name);
}

/* ---- a program's table ---------------------------------------------- */

/* "a part", "an attachment". */
static const char *
route_a(const char *noun)
{
	/* "a user", "a unit": a u sounds as a consonant. */
	return strchr("aeio", noun[0]) != NULL ? "an" : "a";
}

/*
 * The routes of resource r into out (room for max): list, create, tree/, bulk
 * delete, detail, replace, change, delete, metadata -- as its flags allow.
 * Returns how many.
 */
static size_t
route_resource(const struct resource *r, struct route *out, size_t max)
{
	enum { R_ANY, R_ONE, R_META, R_TREE };
	static const struct {
		unsigned	 need;		/* RES_* flags that turn it off */
		unsigned	 want;		/* RES_* flags it needs */
		bool		 tree;		/* only for a tree */
		const char	*method;
		int		 path;		/* R_* */
		struct err	*(*handler)(struct ctx *);
		const char	*verb;		/* "%s %s": article and noun */
		bool		 plural;	/* verb takes the plural alone */
	} rows[] = {
		{ RES_NO_LIST, 0, false, "GET", R_ANY, res_list, "List %s",
		  true },
		{ RES_NO_CREATE, 0, false, "POST", R_ANY, res_create,
		  "Create %s %s", false },
		{ 0, RES_BULK_DELETE, false, "DELETE", R_ANY, res_delete_bulk,
		  "Delete several %s", true },
		{ 0, 0, true, "GET", R_TREE, NULL, "Tree of %s", true },
		{ 0, 0, false, "GET", R_ONE, res_detail, "%s %s", false },
		{ RES_NO_UPDATE, 0, false, "PUT", R_ONE, res_update,
		  "Replace %s %s", false },
		{ RES_NO_UPDATE, 0, false, "PATCH", R_ONE, res_update,
		  "Change %s %s", false },
		{ RES_NO_DELETE, 0, false, "DELETE", R_ONE, res_delete,
		  "Delete %s %s", false },
		{ 0, RES_METADATA, false, "GET", R_META, res_metadata,
		  "Metadata of %s %s", false },
		{ 0, RES_METADATA, false, "PUT", R_META, res_metadata,
		  "Replace the metadata of %s %s", false },
		{ 0, RES_METADATA, false, "PATCH", R_META, res_metadata,
		  "Merge into the metadata of %s %s", false },
	};
	const char *paths[] = { r->path, NULL, NULL, NULL };
	const char *a = route_a(r->noun);
	const char *cap = a[1] == 'n' ? "An" : "A";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if ((r->flags & rows[i].need) || (rows[i].want &&
		    !(r->flags & rows[i].want)) || (rows[i].tree &&
		    r->tree == NULL) || n >= max)
			continue;
		int p = rows[i].path;
		if (paths[p] == NULL)
			paths[p] = res_sql_printf(p == R_ONE ? "%s<pk>/" : p == R_META ?
			    "%s<pk>/metadata/" : "%stree/", r->path);
		bool read = strcmp(rows[i].method, "GET") == 0;
		out[n] = (struct route){
			.method = rows[i].method,
			.pattern = paths[p],
			.area = read || r->write_area == NULL ? r->area :
			    r->write_area,
			.perm = PERM_METHOD,
			.handler = rows[i].tree ? r->tree->list :
			    rows[i].handler,
			.summary = rows[i].plural ? res_sql_printf(rows[i].verb,
			    r->plural) : res_sql_printf(rows[i].verb,
			    rows[i].handler == res_detail ? cap : a, r->noun),
			.res = r,
		};
		n++;
	}
	return n;
}

/*
 * The whole table of a program: its own routes first, then each
 * resource's (route_resource()).  Made once per process from constant
 * tables (the only state route.c keeps: the same for every request).
 */
const struct route *
route_table(const struct program *prog, size_t *n)
{
	static const struct program *made;
	static struct route *all;
	static size_t nall;

	if (made == prog) {
		*n = nall;
		return all;
	}
	size_t cap = prog->nroutes + 16 * prog->nresources;
	struct route *t = calloc(cap, sizeof(*t));
	if (t == NULL)
		mem_oom();
	if (prog->nroutes > 0)
		memcpy(t, prog->routes, prog->nroutes * sizeof(*t));
	size_t k = prog->nroutes;
	for (size_t i = 0; i < prog->nresources; i++)
		k += route_resource(prog->resources[i], t + k, cap - k);
	free(all);
	all = t;
	nall = k;
	made = prog;
	*n = nall;
	return all;
}

/* Methods allowed on the path, as an Allow header value ("GET, HEAD, ..."). */
static const char *
route_allow(struct ctx *ctx, const struct route *t, size_t n)
{
	char buf[128] = "";
	bool get = false;

	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &t[i];
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

/* The route of the path for method, or NULL. */
static const struct route *
route_find(struct ctx *ctx, const struct route *t, size_t n,
    const char *method)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].method, method) == 0 &&
		    route_match(t[i].pattern, ctx->req.path, NULL))
			return &t[i];
	return NULL;
}

/*
 * The "actions" of an OPTIONS answer, as DRF gives them: the fields of
 * POST and of PUT, each only when the path takes the method and the user
 * may use it.  POST's are its route's input when it has one, else its
 * resource's; PUT's are the resource's.
 */
static void
route_actions(struct ctx *ctx, const struct route *t, size_t n, cJSON *o)
{
	static const char *const methods[] = { "POST", "PUT" };
	cJSON *a = NULL;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const struct route *rt = route_find(ctx, t, n, methods[i]);
		const struct field *f = NULL;
		size_t nf = 0;
		if (rt == NULL)
			continue;
		if (rt->input != NULL)
			for (f = rt->input; f[nf].name != NULL; nf++)
				;
		else if (rt->res != NULL) {
			f = rt->res->fields;
			nf = rt->res->nfields;
		}
		int area = perm_area_index(rt->area);
		if (f == NULL || (area >= 0 &&
		    !perm_has(ctx, area, route_perm(rt, rt->method))) ||
		    (area < 0 && perm_check(ctx, rt, PERM_VIEW) != NULL))
			continue;
		if (a == NULL)
			a = cJSON_AddObjectToObject(o, "actions");
		cJSON_AddItemToObject(a, methods[i], res_describe(ctx, f, nf,
		    rt->input == NULL));
	}
}

/* Opens the database and identifies the user, as a route needs. */
static struct err *
route_prepare(struct ctx *ctx, const struct program *prog,
    const struct route *rt)
{
	struct err *e;

	if (rt->flags & ROUTE_NO_DB)
		return NULL;
	if ((e = db_open(ctx, DB_CHECK_SCHEMA)) != NULL)
		return e;
	return prog->identify != NULL ? prog->identify(ctx) : NULL;
}

/*
 * OPTIONS on a known path.  A CORS preflight (Access-Control-Request-Method
 * present) gets 204 with the CORS grant when the origin is allowed; anything
 * else gets a description of the endpoint, as DRF's metadata does.
 */
static struct err *
route_options(struct ctx *ctx, const struct program *prog,
    const struct route *t, size_t n, const struct route *first,
    const char *allow)
{
	struct err *e;

	if (req_header(ctx, "Access-Control-Request-Method") != NULL) {
		resp_header(ctx, "Access-Control-Allow-Methods", allow);
		resp_header(ctx, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type, X-CSRFToken, X-Request-ID, "
		    "If-None-Match");
		resp_header(ctx, "Access-Control-Max-Age", "600");
		return resp_no_content(ctx);
	}
	if ((e = route_prepare(ctx, prog, first)) != NULL ||
	    (e = perm_check(ctx, first, PERM_VIEW)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", first->summary);
	cJSON_AddStringToObject(o, "program", prog->name);
	cJSON *r = cJSON_AddArrayToObject(o, "renders");
	cJSON_AddItemToArray(r, cJSON_CreateString("application/json"));
	cJSON *p = cJSON_AddArrayToObject(o, "parses");
	cJSON_AddItemToArray(p, cJSON_CreateString("application/json"));
	cJSON_AddItemToArray(p, cJSON_CreateString(
	    "application/x-www-form-urlencoded"));
	cJSON_AddItemToArray(p, cJSON_CreateString("multipart/form-data"));
	cJSON_AddStringToObject(o, "allowed_methods", allow);
	route_actions(ctx, t, n, o);
	resp_header(ctx, "Allow", allow);
	return resp_json(ctx, 200, o);
}

/* 404 for a path no route has: {"detail", "url"}, as InvenTree says it. */
static struct err *
route_not_found(struct ctx *ctx)
{
	struct err *e = err_new(ctx, 404, "API endpoint not found");

	cJSON_AddStringToObject(e->body, "url", mem_printf(&ctx->mem, "%s%s",
	    ctx->req.prefix != NULL ? ctx->req.prefix : "",
	    ctx->req.path != NULL ? ctx->req.path : ""));
	return e;
}

static struct err *
route_run(struct ctx *ctx, const struct program *prog)
{
	const char *method = ctx->req.method;
	const struct route *first = NULL;
	size_t n;
	const struct route *t = route_table(prog, &n);
	struct err *e;

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &t[i];
		if (!route_match(rt->pattern, ctx->req.path, ctx))
			continue;
		if (first == NULL)
			first = rt;
		if (strcmp(rt->method, method) != 0)
			continue;
		ctx->route = rt;
		ctx->res = rt->res;
		if ((e = route_prepare(ctx, prog, rt)) != NULL ||
		    (e = perm_check(ctx, rt, route_perm(rt, method))) != NULL)
			return e;
		return rt->handler(ctx);
	}
	if (first == NULL)
		return route_not_found(ctx);
	route_match(first->pattern, ctx->req.path, ctx);
	ctx->res = first->res;
	const char *allow = route_allow(ctx, t, n);
	if (strcmp(method, "OPTIONS") == 0)
		return route_options(ctx, prog, t, n, first, allow);
	return err_header(err_new(ctx, 405, "Method \"%s\" not allowed.",
	    ctx->req.method), "Allow", allow);
}

/*
 * Finds the route for the request and runs it; an error, whoever made it,
 * becomes the answer here.
 */
void
route_dispatch(struct ctx *ctx, const struct program *prog)
{
	struct err *e = route_run(ctx, prog);

	if (e != NULL)
		resp_err(ctx, e);
}

/* Writes the table as a JSON array, one object per route. */
void
route_print_table(const struct program *prog, FILE *out)
{
	cJSON *a = cJSON_CreateArray();
	size_t n;
	const struct route *t = route_table(prog, &n);

	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &t[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "program", prog->name);
		cJSON_AddStringToObject(o, "method", rt->method);
		cJSON_AddStringToObject(o, "pattern", rt->pattern);
		cJSON_AddStringToObject(o, "area", rt->area);
		cJSON_AddStringToObject(o, "perm",
		    perm_names[route_perm(rt, rt->method)]);
		cJSON_AddStringToObject(o, "summary", rt->summary);
		if (rt->res != NULL)
			cJSON_AddStringToObject(o, "model", rt->res->model);
		cJSON_AddItemToArray(a, o);
	}
	char *s = cJSON_Print(a);
	fprintf(out, "%s\n", s);
	free(s);
	cJSON_Delete(a);
}
