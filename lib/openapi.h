/*
 * openapi: a program's endpoints as an OpenAPI 3.0 document, made from its
 * route table and its resources' descriptions -- never written by hand.
 *
 * Every route (route.h) becomes an operation of its path ("<pk>" becomes
 * "{pk}", "<key:word>" "{key}", "<*path>" "{path}"), with its summary, its
 * program as tag, its area and permission (x-stockroom-area,
 * x-stockroom-permission), the security it needs (none for a public
 * area), its path parameters and, for a resource's routes (res.h), what
 * the generic handlers take and answer: a list's filters, search,
 * ordering and paging, the object a create, a detail or an update gives
 * back, 204 after a delete.  Each resource is one schema under
 * components.schemas, named as its messages name it ("PartCategory"),
 * with one property per field (type, format, limits, choices, nullable,
 * readOnly, writeOnly) and its required fields; a route's own input
 * (route.h's input) is its request body's schema.
 *
 * Every program prints its document with --openapi (app.h); tools/
 * openapi.py merges them into the one that /api/schema/ serves.  This
 * module only describes: it never opens the database.
 */
#ifndef SR_OPENAPI_H
#define SR_OPENAPI_H

#include <stdio.h>

struct cJSON;
struct program;

#define OPENAPI_VERSION	"3.0.3"

struct cJSON	*openapi_document(const struct program *);
void		 openapi_print(const struct program *, FILE *);

#endif
