/*
 * bom.cgi: bills of materials (/api/bom/...), as InvenTree serves them:
 * BOM items and their substitutes are resources (domain/inventory/bom.c);
 * this program adds the validation of one line.  A part's whole BOM is
 * validated and copied under /api/part/ (part.cgi).
 */
#include "site.h"

#include "inventory/bom.h"

static const struct route bom_routes[] = {
	{ "PUT", "/api/bom/<pk>/validate/", "part", PERM_METHOD,
	  bom_item_validate, "Validate a BOM item", 0 },
	{ "PATCH", "/api/bom/<pk>/validate/", "part", PERM_METHOD,
	  bom_item_validate, "Validate a BOM item", 0 },
};

static const struct resource *const bom_resources[] = {
	&bom_item_resource,
	&bom_substitute_resource,
};

PROGRAM_MAIN("bom",
    ROUTES(bom_routes), RESOURCES(bom_resources))
