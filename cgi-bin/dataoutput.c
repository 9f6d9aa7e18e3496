/*
 * dataoutput.cgi: InvenTree's data outputs (/api/data-output/), what a
 * print made (label.cgi) -- the app polls one until it is complete and
 * downloads its "output".  A resource (domain/files/label.c): a user sees
 * their own, a superuser every one.
 */
#include "site.h"

#include "files/label.h"

static const struct resource *const dataoutput_resources[] = {
	&data_output_resource,
};

PROGRAM_MAIN("dataoutput",
    RESOURCES(dataoutput_resources))
