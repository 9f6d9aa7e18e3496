/*
 * openapi: a program's routes and resources as an OpenAPI 3.0 document.
 * See openapi.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "openapi.h"
#include "mem.h"
#include "res.h"
#include "route.h"
#include "stockroom.h"
#include "val.h"

static cJSON *
openapi_obj(void)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	return o;
}

static void
openapi_str(cJSON *o, const char *name, const char *s)
{
	if (cJSON_AddStringToObject(o, name, s) == NULL)
		mem_oom();
}

static cJSON *
openapi_child(cJSON *o, const char *name)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(o, name);

	if (c == NULL && (c = cJSON_AddObjectToObject(o, name)) == NULL)
		mem_oom();
	return c;
}

/* {"type": type} with a format when not NULL. */
static cJSON *
openapi_type(const char *type, const char *format)
{
	cJSON *o = openapi_obj();

	openapi_str(o, "type", type);
	if (format != NULL)
		openapi_str(o, "format", format);
	return o;
}

/* {"$ref": "#/components/schemas/<name>"} */
static cJSON *
openapi_ref(const char *name)
{
	char buf[256];
	cJSON *o = openapi_obj();

	snprintf(buf, sizeof(buf), "#/components/schemas/%s", name);
	openapi_str(o, "$ref", buf);
	return o;
}

static cJSON *openapi_fields(const struct field *, size_t n, bool pk);

static size_t
openapi_nchildren(const struct field *f)
{
	size_t n = 0;

	while (f != NULL && f[n].name != NULL)
		n++;
	return n;
}

/*
 * The schema of one field: its JSON type as the API writes and reads it,
 * with the limits and flags of its description.
 */
static cJSON *
openapi_field(const struct field *f)
{
	cJSON *o;

	switch (f->type) {
	case FT_TEXT:
	case FT_NOTES:
		o = openapi_type("string", NULL);
		break;
	case FT_EMAIL:
		o = openapi_type("string", "email");
		break;
	case FT_URL:
		o = openapi_type("string", "uri");
		break;
	case FT_BOOL:
		o = openapi_type("boolean", NULL);
		if (!(f->flags & F_READ_ONLY))
			cJSON_AddBoolToObject(o, "default", f->def != 0);
		break;
	case FT_INT:
		o = openapi_type("integer", "int64");
		break;
	case FT_ID:
		o = openapi_type("integer", "int64");
		if (f->ref != NULL) {
			openapi_str(o, "x-related-model", f->ref->model);
			openapi_str(o, "x-api-url", f->ref->path);
		}
		break;
	case FT_IDS: {
		o = openapi_type("array", NULL);
		cJSON *it = openapi_type("integer", "int64");
		if (f->ref != NULL)
			openapi_str(it, "x-related-model", f->ref->model);
		cJSON_AddItemToObject(o, "items", it);
		break;
	}
	case FT_DEC:
		/* Exact decimals: numbers, or numeric strings, 5 places. */
		o = (f->flags & F_AS_STRING) ? openapi_type("string",
		    "decimal") : openapi_type("number", "double");
		break;
	case FT_DATE:
		o = openapi_type("string", "date");
		break;
	case FT_DATETIME:
		o = openapi_type("string", "date-time");
		break;
	case FT_CHOICE: {
		bool label = (f->flags & F_LABEL) != 0;
		o = openapi_type(label ? "string" : "integer", NULL);
		cJSON *e = cJSON_AddArrayToObject(o, "enum");
		for (const struct choice *c = f->choices;
		    c != NULL && c->label != NULL; c++)
			cJSON_AddItemToArray(e, label ?
			    cJSON_CreateString(c->label) :
			    cJSON_CreateNumber((double)c->value));
		if (!label && !(f->flags & F_READ_ONLY))
			cJSON_AddNumberToObject(o, "default", (double)f->def);
		break;
	}
	case FT_JSON:
		o = openapi_obj();	/* any JSON value */
		break;
	case FT_FLOAT:
		o = openapi_type("number", "double");
		break;
	case FT_MEDIA:
		o = openapi_type("string", "uri");
		break;
	case FT_NESTED:
		o = openapi_type("array", NULL);
		cJSON_AddItemToObject(o, "items", openapi_fields(f->children,
		    openapi_nchildren(f->children), false));
		if (f->max > 0)
			cJSON_AddNumberToObject(o, "maxItems", f->max);
		break;
	case FT_OBJECT:
		o = openapi_fields(f->children, openapi_nchildren(f->children),
		    false);
		break;
	default:
		o = openapi_obj();
		break;
	}
	if (f->max > 0 && val_holds_text(f->type) && f->type != FT_NESTED)
		cJSON_AddNumberToObject(o, "maxLength", f->max);
	if (f->flags & (F_NULL | F_EMPTY_NULL))
		cJSON_AddBoolToObject(o, "nullable", true);
	if (f->flags & F_READ_ONLY)
		cJSON_AddBoolToObject(o, "readOnly", true);
	if (f->flags & F_WRITE_ONLY)
		cJSON_AddBoolToObject(o, "writeOnly", true);
	if (f->label != NULL)
		openapi_str(o, "title", f->label);
	if (f->help != NULL)
		openapi_str(o, "description", f->help);
	return o;
}

/* An object schema of n fields (with "pk" first for a resource's). */
static cJSON *
openapi_fields(const struct field *f, size_t n, bool pk)
{
	cJSON *o = openapi_type("object", NULL);
	cJSON *props = openapi_child(o, "properties");
	cJSON *req = NULL;

	if (pk) {
		cJSON *p = openapi_type("integer", "int64");
		cJSON_AddBoolToObject(p, "readOnly", true);
		cJSON_AddItemToObject(props, "pk", p);
	}
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToObject(props, f[i].name, openapi_field(&f[i]));
		if ((f[i].flags & F_REQUIRED) && !(f[i].flags & F_READ_ONLY)) {
			if (req == NULL)
				req = cJSON_AddArrayToObject(o, "required");
			cJSON_AddItemToArray(req, cJSON_CreateString(
			    f[i].name));
		}
	}
	return o;
}

/* The resource's schema in components.schemas (once); its name. */
static const char *
openapi_resource(cJSON *schemas, const struct resource *r)
{
	if (cJSON_GetObjectItemCaseSensitive(schemas, r->name) == NULL) {
		cJSON *s = openapi_fields(r->fields, r->nfields, true);
		openapi_str(s, "description", r->model);
		openapi_str(s, "x-model", r->model);
		cJSON_AddItemToObject(schemas, r->name, s);
	}
	return r->name;
}

/*
 * The OpenAPI path of a pattern ("{pk}" for "<pk>") into buf, and its
 * parameters, in order, into params.
 */
static void
openapi_path(const char *pattern, char *buf, size_t bufsz, cJSON *params)
{
	size_t k = 0;

	for (const char *p = pattern; *p != '\0' && k + 1 < bufsz; ) {
		if (*p != '<') {
			buf[k++] = *p++;
			continue;
		}
		const char *e = strchr(p, '>');
		if (e == NULL)
			break;
		const char *name = p + 1, *end = e;
		bool tail = *name == '*';
		if (tail)
			name++;
		const char *colon = memchr(name, ':', (size_t)(end - name));
		bool word = colon != NULL;
		if (word)
			end = colon;
		int n = snprintf(buf + k, bufsz - k, "{%.*s}",
		    (int)(end - name), name);
		if (n < 0 || (size_t)n >= bufsz - k)
			break;
		k += (size_t)n;
		cJSON *prm = openapi_obj();
		char pname[64];
		snprintf(pname, sizeof(pname), "%.*s", (int)(end - name), name);
		openapi_str(prm, "name", pname);
		openapi_str(prm, "in", "path");
		cJSON_AddBoolToObject(prm, "required", true);
		cJSON *s;
		if (tail) {
			s = openapi_type("string", NULL);
			openapi_str(prm, "description", "the rest of the path "
			    "(segments separated by /)");
		} else if (word) {
			s = openapi_type("string", NULL);
			openapi_str(s, "pattern", "^\\w+$");
		} else {
			s = openapi_type("integer", "int64");
			cJSON_AddNumberToObject(s, "minimum", 1);
		}
		cJSON_AddItemToObject(prm, "schema", s);
		cJSON_AddItemToArray(params, prm);
		p = e + 1;
	}
	buf[k] = '\0';
}

/* A query parameter. */
static void
openapi_query(cJSON *params, const char *name, cJSON *schema,
    const char *description)
{
	cJSON *prm = openapi_obj();

	openapi_str(prm, "name", name);
	openapi_str(prm, "in", "query");
	cJSON_AddBoolToObject(prm, "required", false);
	if (description != NULL)
		openapi_str(prm, "description", description);
	cJSON_AddItemToObject(prm, "schema", schema);
	cJSON_AddItemToArray(params, prm);
}

/* A filter's schema by its type. */
static cJSON *
openapi_filter_type(enum ftype t)
{
	switch (t) {
	case FT_BOOL:
		return openapi_type("boolean", NULL);
	case FT_ID:
	case FT_IDS:
	case FT_INT:
	case FT_CHOICE:
		return openapi_type("integer", "int64");
	case FT_DATE:
		return openapi_type("string", "date");
	default:
		return openapi_type("string", NULL);
	}
}

/* The query parameters of a resource's list. */
static void
openapi_list_params(const struct resource *r, cJSON *params)
{
	cJSON *order = NULL;

	openapi_query(params, "limit", openapi_type("integer", NULL),
	    "Number of results to return per page.");
	openapi_query(params, "offset", openapi_type("integer", NULL),
	    "The initial index from which to return the results.");
	if (r->search != NULL)
		openapi_query(params, "search", openapi_type("string", NULL),
		    "A search term.");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->flags & F_FILTER)
			openapi_query(params, f->name,
			    openapi_filter_type(f->type), NULL);
		if (f->flags & F_ORDER) {
			if (order == NULL)
				order = cJSON_CreateArray();
			cJSON_AddItemToArray(order, cJSON_CreateString(f->name));
		}
	}
	for (size_t i = 0; i < r->nfilters; i++)
		openapi_query(params, r->filters[i].name,
		    openapi_filter_type(r->filters[i].type), NULL);
	for (size_t i = 0; i < r->norders; i++) {
		if (order == NULL)
			order = cJSON_CreateArray();
		cJSON_AddItemToArray(order, cJSON_CreateString(
		    r->orders[i].name));
	}
	cJSON *s = openapi_type("string", NULL);
	if (order != NULL)
		cJSON_AddItemToObject(s, "x-fields", order);
	openapi_query(params, "ordering", s, "Which field to use when "
	    "ordering the results (a leading - for descending).");
	/* Export (lib/export.h, docs/export.md). */
	openapi_query(params, "export", openapi_type("string", NULL),
	    "true: a DataOutput whose output is the URL of the list as a "
	    "file (export_format); csv, xlsx or json: that file itself.");
	cJSON *f = openapi_type("string", NULL);
	cJSON *fe = cJSON_CreateArray();
	if (fe == NULL)
		mem_oom();
	cJSON_AddItemToArray(fe, cJSON_CreateString("csv"));
	cJSON_AddItemToArray(fe, cJSON_CreateString("xlsx"));
	cJSON_AddItemToArray(fe, cJSON_CreateString("json"));
	cJSON_AddItemToObject(f, "enum", fe);
	openapi_query(params, "export_format", f, "The file's format with "
	    "export=true (csv when absent).");
}

/* {"description": d, "content": {"application/json": {"schema": s}}} */
static cJSON *
openapi_response(const char *d, cJSON *schema)
{
	cJSON *o = openapi_obj();

	openapi_str(o, "description", d);
	if (schema != NULL) {
		cJSON *c = openapi_child(openapi_child(o, "content"),
		    "application/json");
		cJSON_AddItemToObject(c, "schema", schema);
	}
	return o;
}

/* A request body of JSON (forms are accepted too) with schema s. */
static cJSON *
openapi_body(cJSON *schema, bool required)
{
	cJSON *o = openapi_obj();
	cJSON *c = openapi_child(o, "content");

	cJSON_AddBoolToObject(o, "required", required);
	cJSON_AddItemToObject(openapi_child(c, "application/json"), "schema",
	    schema);
	cJSON_AddItemToObject(openapi_child(c,
	    "application/x-www-form-urlencoded"), "schema",
	    cJSON_Duplicate(schema, true));
	return o;
}

/* A list's answer: a bare array, or with ?limit the paginated object. */
static cJSON *
openapi_list_schema(const char *name)
{
	cJSON *arr = openapi_type("array", NULL);
	cJSON_AddItemToObject(arr, "items", openapi_ref(name));
	cJSON *page = openapi_type("object", NULL);
	cJSON *p = openapi_child(page, "properties");
	cJSON_AddItemToObject(p, "count", openapi_type("integer", NULL));
	cJSON *next = openapi_type("string", "uri");
	cJSON_AddBoolToObject(next, "nullable", true);
	cJSON_AddItemToObject(p, "next", next);
	cJSON_AddItemToObject(p, "previous", cJSON_Duplicate(next, true));
	cJSON_AddItemToObject(p, "results", cJSON_Duplicate(arr, true));
	cJSON *req = cJSON_AddArrayToObject(page, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString("count"));
	cJSON_AddItemToArray(req, cJSON_CreateString("results"));
	cJSON *o = openapi_obj();
	cJSON *one = cJSON_AddArrayToObject(o, "oneOf");
	cJSON_AddItemToArray(one, arr);
	cJSON_AddItemToArray(one, page);
	return o;
}

/* The request body and answers of a resource's generic route. */
static void
openapi_resource_op(const struct route *rt, cJSON *schemas, cJSON *op,
    cJSON *params, cJSON *resp)
{
	const struct resource *r = rt->res;
	const char *name = openapi_resource(schemas, r);

	if (rt->handler == res_list) {
		openapi_list_params(r, params);
		cJSON_AddItemToObject(resp, "200", openapi_response(
		    r->plural, openapi_list_schema(name)));
	} else if (rt->handler == res_create) {
		cJSON_AddItemToObject(op, "requestBody", openapi_body(
		    openapi_ref(name), true));
		cJSON_AddItemToObject(resp, "201", openapi_response("Created",
		    openapi_ref(name)));
		cJSON_AddItemToObject(resp, "400", openapi_response(
		    "Validation errors, by field", openapi_ref("FieldErrors")));
	} else if (rt->handler == res_detail) {
		cJSON_AddItemToObject(resp, "200", openapi_response(r->noun,
		    openapi_ref(name)));
	} else if (rt->handler == res_update) {
		cJSON_AddItemToObject(op, "requestBody", openapi_body(
		    openapi_ref(name), true));
		cJSON_AddItemToObject(resp, "200", openapi_response("Updated",
		    openapi_ref(name)));
		cJSON_AddItemToObject(resp, "400", openapi_response(
		    "Validation errors, by field", openapi_ref("FieldErrors")));
	} else if (rt->handler == res_delete) {
		cJSON_AddItemToObject(resp, "204", openapi_response("Deleted",
		    NULL));
	} else if (rt->handler == res_delete_bulk) {
		cJSON *b = openapi_type("object", NULL);
		cJSON *it = openapi_type("array", NULL);
		cJSON_AddItemToObject(it, "items", openapi_type("integer",
		    "int64"));
		cJSON_AddItemToObject(openapi_child(b, "properties"), "items",
		    it);
		cJSON_AddItemToObject(op, "requestBody", openapi_body(b, true));
		cJSON_AddItemToObject(resp, "204", openapi_response("Deleted",
		    NULL));
	} else if (rt->handler == res_metadata) {
		cJSON *m = openapi_type("object", NULL);
		cJSON *mp = openapi_type("object", NULL);
		cJSON_AddBoolToObject(mp, "nullable", true);
		cJSON_AddItemToObject(openapi_child(m, "properties"),
		    "metadata", mp);
		if (strcmp(rt->method, "GET") != 0)
			cJSON_AddItemToObject(op, "requestBody", openapi_body(
			    cJSON_Duplicate(m, true), true));
		cJSON_AddItemToObject(resp, "200", openapi_response("Metadata",
		    m));
	} else {
		/* A tree's tree/: a flat list of its nodes. */
		cJSON *a = openapi_type("array", NULL);
		cJSON_AddItemToObject(a, "items", openapi_type("object", NULL));
		cJSON_AddItemToObject(resp, "200", openapi_response(r->plural,
		    a));
	}
}

/* An operationId: the method and the path's words, "get_api_part_pk". */
static const char *
openapi_op_id(const char *method, const char *pattern, char *buf,
    size_t bufsz)
{
	size_t k = 0;

	for (const char *m = method; *m != '\0' && k + 1 < bufsz; m++)
		buf[k++] = (char)tolower((unsigned char)*m);
	for (const char *p = pattern; *p != '\0' && k + 1 < bufsz; p++) {
		if (*p == ':') {	/* "<key:word>": the name only */
			p = strchr(p, '>');
			if (p == NULL)
				break;
			continue;
		}
		char c = isalnum((unsigned char)*p) ? *p : '_';
		if (c == '_' && k > 0 && buf[k - 1] == '_')
			continue;
		buf[k++] = c;
	}
	while (k > 0 && buf[k - 1] == '_')
		k--;
	buf[k] = '\0';
	return buf;
}

/* One route as an operation of its path. */
static void
openapi_route(const struct program *prog, const struct route *rt,
    cJSON *paths, cJSON *schemas)
{
	char path[512], method[16], id[600];
	cJSON *params = cJSON_CreateArray();
	cJSON *op = openapi_obj();

	openapi_path(rt->pattern, path, sizeof(path), params);
	size_t i;
	for (i = 0; rt->method[i] != '\0' && i + 1 < sizeof(method); i++)
		method[i] = (char)tolower((unsigned char)rt->method[i]);
	method[i] = '\0';

	openapi_str(op, "operationId", openapi_op_id(rt->method, rt->pattern,
	    id, sizeof(id)));
	openapi_str(op, "summary", rt->summary != NULL ? rt->summary : "");
	openapi_str(op, "x-stockroom-area", rt->area);
	openapi_str(op, "x-stockroom-permission",
	    perm_names[route_perm(rt, rt->method)]);
	if (strcmp(rt->area, AREA_PUBLIC) == 0)
		cJSON_AddArrayToObject(op, "security");	/* none needed */
	cJSON *resp = openapi_obj();
	if (rt->res != NULL)
		openapi_resource_op(rt, schemas, op, params, resp);
	else {
		if (rt->input != NULL)
			cJSON_AddItemToObject(op, "requestBody", openapi_body(
			    openapi_fields(rt->input,
			    openapi_nchildren(rt->input), false), true));
		cJSON_AddItemToObject(resp, "2XX", openapi_response(
		    rt->summary != NULL ? rt->summary : "Success",
		    openapi_obj()));
		if (strcmp(rt->method, "GET") != 0)
			cJSON_AddItemToObject(resp, "400", openapi_response(
			    "Validation errors, by field",
			    openapi_ref("FieldErrors")));
	}
	if (strcmp(rt->area, AREA_PUBLIC) != 0) {
		cJSON_AddItemToObject(resp, "401", openapi_response(
		    "Not signed in", openapi_ref("Error")));
		cJSON_AddItemToObject(resp, "403", openapi_response(
		    "Not permitted", openapi_ref("Error")));
	}
	if (cJSON_GetArraySize(params) > 0)
		cJSON_AddItemToObject(op, "parameters", params);
	else
		cJSON_Delete(params);
	cJSON_AddItemToObject(op, "responses", resp);
	cJSON *tags = cJSON_AddArrayToObject(op, "tags");
	cJSON_AddItemToArray(tags, cJSON_CreateString(prog->name));
	cJSON *item = openapi_child(paths, path);
	if (cJSON_GetObjectItemCaseSensitive(item, method) == NULL)
		cJSON_AddItemToObject(item, method, op);
	else
		cJSON_Delete(op);
}

/* The error shapes every endpoint answers with (API contract). */
static void
openapi_errors(cJSON *schemas)
{
	cJSON *e = openapi_type("object", NULL);
	cJSON_AddItemToObject(openapi_child(e, "properties"), "detail",
	    openapi_type("string", NULL));
	cJSON *req = cJSON_AddArrayToObject(e, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString("detail"));
	cJSON_AddItemToObject(schemas, "Error", e);

	cJSON *f = openapi_type("object", NULL);
	cJSON *msgs = openapi_type("array", NULL);
	cJSON_AddItemToObject(msgs, "items", openapi_obj());
	cJSON_AddItemToObject(f, "additionalProperties", msgs);
	openapi_str(f, "description", "{\"field\": [\"message\", ...], "
	    "\"non_field_errors\": [...]}");
	cJSON_AddItemToObject(schemas, "FieldErrors", f);
}

/*
 * The program's document: info, the three ways to sign in (a token, HTTP
 * Basic, the session cookie), every route as an operation and every
 * resource they serve as a schema.  The caller owns it.
 */
cJSON *
openapi_document(const struct program *prog)
{
	char desc[256];
	size_t n;
	const struct route *t = route_table(prog, &n);
	cJSON *doc = openapi_obj();

	openapi_str(doc, "openapi", OPENAPI_VERSION);
	cJSON *info = openapi_child(doc, "info");
	openapi_str(info, "title", "Stockroom API");
	openapi_str(info, "version", STOCKROOM_VERSION);
	snprintf(desc, sizeof(desc), "InvenTree's REST API (API version %d) "
	    "for the resources Stockroom serves; made from the programs' "
	    "route tables and resource descriptions.", STOCKROOM_API_VERSION);
	openapi_str(info, "description", desc);
	cJSON_AddNumberToObject(info, "x-inventree-api-version",
	    STOCKROOM_API_VERSION);
	cJSON *paths = openapi_child(doc, "paths");
	cJSON *comp = openapi_child(doc, "components");
	cJSON *schemas = openapi_child(comp, "schemas");
	openapi_errors(schemas);
	cJSON *sec = openapi_child(comp, "securitySchemes");
	cJSON *tok = openapi_child(sec, "tokenAuth");
	openapi_str(tok, "type", "apiKey");
	openapi_str(tok, "in", "header");
	openapi_str(tok, "name", "Authorization");
	openapi_str(tok, "description", "\"Token <key>\" (or \"Bearer "
	    "<key>\"), from GET /api/user/token/");
	cJSON *basic = openapi_child(sec, "basicAuth");
	openapi_str(basic, "type", "http");
	openapi_str(basic, "scheme", "basic");
	if (prog->session_cookie != NULL) {
		cJSON *ck = openapi_child(sec, "cookieAuth");
		openapi_str(ck, "type", "apiKey");
		openapi_str(ck, "in", "cookie");
		openapi_str(ck, "name", prog->session_cookie);
	}
	cJSON *security = cJSON_AddArrayToObject(doc, "security");
	static const char *const schemes[] = { "tokenAuth", "basicAuth",
	    "cookieAuth" };
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (i == 2 && prog->session_cookie == NULL)
			break;
		cJSON *one = openapi_obj();
		cJSON_AddArrayToObject(one, schemes[i]);
		cJSON_AddItemToArray(security, one);
	}
	for (size_t i = 0; i < n; i++)
		openapi_route(prog, &t[i], paths, schemas);
	return doc;
}

/* --openapi: the document on out. */
void
openapi_print(const struct program *prog, FILE *out)
{
	cJSON *doc = openapi_document(prog);
	char *s = cJSON_Print(doc);

	if (s == NULL)
		mem_oom();
	fprintf(out, "%s\n", s);
	free(s);
	cJSON_Delete(doc);
}
