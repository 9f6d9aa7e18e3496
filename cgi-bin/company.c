/*
 * company.cgi: InvenTree's company app -- companies (/api/company/...),
 * their contacts and addresses, manufacturer parts, supplier parts and
 * price breaks -- as InvenTree serves them.  Each is a resource
 * (domain/purchasing/company.c); this program only lists them.
 */
#include "site.h"

#include "purchasing/company.h"

static const struct resource *const company_resources[] = {
	&company_resource,
	&contact_resource,
	&address_resource,
	&manufacturer_part_resource,
	&supplier_part_resource,
	&price_break_resource,
};

PROGRAM_MAIN("company",
    RESOURCES(company_resources))
