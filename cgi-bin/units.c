/*
 * units.cgi: InvenTree's custom units (/api/units/): names the parameter
 * values' parser knows after udunits2's own (a resource,
 * domain/inventory/parameter.c; docs/parameters.md).
 */
#include "site.h"

#include "inventory/parameter.h"

static const struct resource *const units_resources[] = {
	&custom_unit_resource,
};

PROGRAM_MAIN("units",
    RESOURCES(units_resources))
