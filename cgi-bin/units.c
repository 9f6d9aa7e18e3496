/*
 * units.cgi: InvenTree's custom units (/api/units/): names the parameter
 * values' parser knows after udunits2's own (a resource,
 * domain/inventory/parameter.c; docs/parameters.md), and /api/units/all/,
 * every unit that parser knows by name (units_all(), units.h).
 */
#include "site.h"

#include "inventory/parameter.h"

static const struct route units_routes[] = {
	{ "GET", "/api/units/all/", "part", PERM_VIEW, units_all_list,
	  "Every unit the parameter parser knows by name", 0 },
};

static const struct resource *const units_resources[] = {
	&custom_unit_resource,
};

PROGRAM_MAIN("units",
    ROUTES(units_routes), RESOURCES(units_resources))
