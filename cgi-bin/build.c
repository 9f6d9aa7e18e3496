/*
 * build.cgi: build orders (/api/build/...), as InvenTree serves them --
 * the first slice: the orders (a resource, domain/manufacturing/build.c),
 * their status codes, and the actions that move an order between them
 * (issue, hold, cancel); their lines, allocations and outputs
 * (domain/manufacturing/output.c) and the actions on them.
 */
#include "site.h"

#include "manufacturing/build.h"
#include "manufacturing/output.h"

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
	{ "POST", "/api/build/<pk>/allocate/", "build", PERM_CHANGE,
	  build_allocate, "Allocate stock items to a build order's lines", 0,
	  .input = alloc_input },
	{ "POST", "/api/build/<pk>/unallocate/", "build", PERM_CHANGE,
	  build_unallocate, "Release a build order's allocations (of a line, "
	  "to an output)", 0, .input = unallocate_input },
	{ "POST", "/api/build/<pk>/auto-allocate/", "build", PERM_CHANGE,
	  build_auto_allocate, "Allocate available stock to a build order's "
	  "untracked lines", 0,
	  .input = auto_input },
	{ "POST", "/api/build/<pk>/create-output/", "build", PERM_CHANGE,
	  build_create_output, "Create build outputs", 0,
	  .input = create_output_input },
	{ "POST", "/api/build/<pk>/complete/", "build", PERM_CHANGE,
	  build_complete_outputs, "Complete build outputs (consumes their "
	  "stock)", 0,
	  .input = complete_input },
	{ "POST", "/api/build/<pk>/scrap-outputs/", "build", PERM_CHANGE,
	  build_scrap_outputs, "Scrap build outputs", 0,
	  .input = scrap_input },
	{ "POST", "/api/build/<pk>/delete-outputs/", "build", PERM_CHANGE,
	  build_delete_outputs, "Delete build outputs in production", 0,
	  .input = delete_input },
	{ "POST", "/api/build/<pk>/finish/", "build", PERM_CHANGE,
	  build_finish, "Finish a build order", 0,
	  .input = finish_input },
};

static const struct resource *const build_resources[] = {
	&build_resource, &build_line_resource, &build_item_resource,
	&build_output_resource,
};

PROGRAM_MAIN("build",
    ROUTES(build_routes), RESOURCES(build_resources))
