/*
 * models: the registry.  See models.h.  A new resource that data may
 * name (an attachment's model_type, a notification's target) is one line
 * here.
 */
#include <stdio.h>
#include <string.h>

#include "models.h"
#include "res.h"

#include "accounts/account.h"
#include "inventory/bom.h"
#include "inventory/parameter.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "purchasing/company.h"
#include "purchasing/order.h"

const struct resource *const models[] = {
	&category_resource,
	&part_resource,
	&location_resource,
	&stock_resource,
	&tracking_resource,
	&user_resource,
	&group_resource,
	&company_resource,
	&contact_resource,
	&address_resource,
	&manufacturer_part_resource,
	&supplier_part_resource,
	&price_break_resource,
	&po_resource,
	&po_line_resource,
	&po_extra_line_resource,
	&bom_item_resource,
	&parameter_resource,
	&part_parameter_resource,
};
const size_t models_count = sizeof(models) / sizeof(models[0]);

/* The resource of model name, or NULL. */
const struct resource *
model_find(const char *name)
{
	for (size_t i = 0; i < models_count; i++)
		if (strcmp(models[i]->model, name) == 0)
			return models[i];
	return NULL;
}

/*
 * The path of the web app's page of object id of r under the install
 * prefix ("/part/12", "/~alice/stockroom/location/3") into buf, or "" when
 * r has no page.  Returns buf.  Allocates nothing (a list's renderer may
 * call it).
 */
const char *
model_page(char *buf, size_t size, const char *prefix,
    const struct resource *r, long long id)
{
	buf[0] = '\0';
	if (r != NULL && r->web != NULL)
		snprintf(buf, size, "%s/%s%s%lld", prefix != NULL ? prefix :
		    "", r->web, r->web[0] != '\0' &&
		    r->web[strlen(r->web) - 1] != '/' ? "/" : "", id);
	return buf;
}
