/*
 * route: the table of endpoints each program declares, and dispatch.
 *
 * A program is a table of routes: method, path pattern, permission area,
 * permission and handler, and the resources (res.h) whose routes it
 * serves.  Patterns are API paths with named integer
 * parameters, "/api/part/<pk>/", word parameters, "/api/settings/user/
 * <key:word>/" (letters, digits, _), or a final path-tail parameter,
 * "/media/<*path>"; the final slash is optional in requests.
 * route_dispatch() finds the route, answers 404 (no pattern matches) or 405
 * with Allow (a pattern matches, the method does not), checks permission and
 * calls the handler; a handler's error (err.h) becomes the answer here and
 * nowhere else.  OPTIONS describes the endpoint, with the fields of POST
 * and PUT ("actions") of its resource or input, when the user may use
 * those methods.  Unless the route says ROUTE_NO_DB, the database is
 * opened (and its schema checked) before the handler runs.  Every program answers "--routes" on its command line
 * with its table as JSON, so one list of all endpoints can be built for the
 * permission-matrix test and the docs.
 */
#ifndef SR_ROUTE_H
#define SR_ROUTE_H

#include <stddef.h>
#include <stdio.h>

struct ctx;

/* Areas that are not InvenTree rule sets. */
#define AREA_PUBLIC	"public"	/* no sign-in needed */
#define AREA_USER	"user"		/* any signed-in user */
#define AREA_SUPERUSER	"superuser"
#define AREA_STAFF	"staff"		/* staff users and superusers */

/* Route flags. */
#define ROUTE_NO_DB	0x01	/* answers without opening the database */
#define ROUTE_CSRF	0x02	/* changes state even on GET: a session
				   request needs X-CSRFToken all the same */

enum perm { PERM_METHOD, PERM_VIEW, PERM_ADD, PERM_CHANGE, PERM_DELETE,
	PERM__MAX };

struct err;
struct errs;
struct field;
struct res_write;
struct resource;

struct route {
	const char		*method;
	const char		*pattern;
	const char		*area;
	enum perm		 perm;		/* PERM_METHOD: from the method */
	struct err		*(*handler)(struct ctx *);
	const char		*summary;
	int			 flags;		/* ROUTE_* */
	/* The resource the route serves (res.h), or NULL. */
	const struct resource	*res;
	/* What POST takes, for OPTIONS, when not the resource's fields
	 * (ends with name NULL). */
	const struct field	*input;
	/* What the handler reads as ctx->route->arg, where one handler
	 * serves several routes that differ by a value (a stock operation,
	 * a settings scope). */
	int			 arg;
};

/*
 * A program: its own routes, then the resources whose generic routes it
 * serves (res.h; a resource's routes are one line here), and the hooks
 * the dispatcher calls that belong to layers above lib/: who the request
 * is from (accounts), what to do once the answer is set (background
 * tasks), and who may veto a write (plugins).  PROGRAM() in stockroom.h fills the hooks.
 */
struct program {
	const char			*name;
	const struct route		*routes;
	size_t				 nroutes;
	const struct resource *const	*resources;
	size_t				 nresources;
	struct err			*(*identify)(struct ctx *);
	void				 (*after)(struct ctx *);
	/* Before any resource row is written (res_save()), once its own
	 * checks passed: may add errors to es (a 400) or fail the write
	 * (plugins' validators, domain/plugins/plugin.h). */
	struct err			*(*veto)(struct ctx *,
					    struct res_write *, struct errs *);
	/* The session cookie's name, for the OpenAPI document. */
	const char			*session_cookie;
};

#define ROUTES(table)	.routes = (table), \
			.nroutes = sizeof(table) / sizeof((table)[0])
#define RESOURCES(table) .resources = (table), \
			.nresources = sizeof(table) / sizeof((table)[0])

extern const char *const perm_names[PERM__MAX];

int		 route_match(const char *pattern, const char *path,
		    struct ctx *);
void		 route_dispatch(struct ctx *, const struct program *);
const struct route *route_table(const struct program *, size_t *n);
enum perm	 route_perm(const struct route *, const char *method);
const char	*route_param(const struct ctx *, const char *);
long long	 route_param_id(const struct ctx *, const char *);
void		 route_print_table(const struct program *, FILE *);

#endif
