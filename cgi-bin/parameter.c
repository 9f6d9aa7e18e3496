/*
 * parameter.cgi: current InvenTree's parameter templates
 * (/api/parameter/template/) and parameters (/api/parameter/), of parts
 * here (model_type "part").  Both are resources
 * (domain/inventory/parameter.c); the paths clients below API 429 use,
 * /api/part/parameter/..., are part.cgi's, over the same tables.
 */
#include "site.h"

#include "inventory/parameter.h"

static const struct resource *const parameter_resources[] = {
	&parameter_template_resource,
	&parameter_resource,
};

PROGRAM_MAIN("parameter",
    RESOURCES(parameter_resources))
