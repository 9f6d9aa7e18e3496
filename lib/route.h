/*
 * route: the table of endpoints each program declares, and dispatch.
 *
 * A program is a table of routes: method, path pattern, permission area,
 * permission and handler.  Patterns are API paths with named integer
 * parameters, "/api/part/<pk>/", or a final path-tail parameter,
 * "/media/<*path>"; the final slash is optional in requests.
 * route_dispatch() finds the route, answers 404 (no pattern matches) or 405
 * with Allow (a pattern matches, the method does not), checks permission and
 * calls the handler.  OPTIONS describes the endpoint, with the fields
 * of POST and PUT ("actions") when the program gives them and the user
 * may use those methods.  Unless the route says ROUTE_NO_DB, the database is
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

/* Route flags. */
#define ROUTE_NO_DB	0x01	/* answers without opening the database */
#define ROUTE_CSRF	0x02	/* changes state even on GET: a session
				   request needs X-CSRFToken all the same */

enum perm { PERM_METHOD, PERM_VIEW, PERM_ADD, PERM_CHANGE, PERM_DELETE,
	PERM__MAX };

struct route {
	const char	*method;
	const char	*pattern;
	const char	*area;
	enum perm	 perm;		/* PERM_METHOD: from the method */
	int		(*handler)(struct ctx *);
	const char	*summary;
	int		 flags;		/* ROUTE_* */
};

struct field_set;

struct program {
	const char		*name;
	const struct route	*routes;
	size_t			 nroutes;
	/*
	 * Optional: the fields of the resource at the path whose first route
	 * is given (NULL: none), for the "actions" of an OPTIONS answer.
	 */
	const struct field_set	*(*fields)(const struct route *first);
};

#define PROGRAM(n, table) \
	{ .name = (n), .routes = (table), \
	  .nroutes = sizeof(table) / sizeof((table)[0]) }
#define PROGRAM_FIELDS(n, table, fn) \
	{ .name = (n), .routes = (table), \
	  .nroutes = sizeof(table) / sizeof((table)[0]), .fields = (fn) }

extern const char *const perm_names[PERM__MAX];

int		 route_match(const char *pattern, const char *path,
		    struct ctx *);
int		 route_dispatch(struct ctx *, const struct program *);
enum perm	 route_perm(const struct route *, const char *method);
const char	*route_param(const struct ctx *, const char *);
long long	 route_param_id(const struct ctx *, const char *);
void		 route_print_table(const struct program *, FILE *);

#endif
