/*
 * build.cgi: build orders (/api/build/...), as InvenTree serves them --
 * the first slice: the orders (a resource, domain/manufacturing/build.c),
 * their status codes, and the actions that move an order between them
 * (issue, hold, cancel).  Lines, allocation and outputs come later.
 */
#include "site.h"

#include "manufacturing/build.h"

/* GET /api/build/status/: InvenTree's BuildStatus class and values. */
static struct err *
build_status_list(struct ctx *ctx)
{
	return res_status_class(ctx, "BuildStatus", build_statuses, NULL);
}

static const struct route build_routes[] = {
	{ "GET", "/api/build/status/", AREA_USER, PERM_VIEW,
	  build_status_list, "Build order status codes", 0 },
	{ "POST", "/api/build/<pk>/issue/", "build", PERM_CHANGE,
	  build_issue, "Issue a build order (to Production)", 0 },
	{ "POST", "/api/build/<pk>/hold/", "build", PERM_CHANGE,
	  build_hold, "Place a build order on hold", 0 },
	{ "POST", "/api/build/<pk>/cancel/", "build", PERM_CHANGE,
	  build_cancel, "Cancel a build order", 0 },
};

static const struct resource *const build_resources[] = {
	&build_resource,
};

PROGRAM_MAIN("build",
    ROUTES(build_routes), RESOURCES(build_resources))
