/*
 * part.cgi: part categories (/api/part/category/...) and parts
 * (/api/part/...), as InvenTree serves them.  Both are resources
 * (domain/inventory/part.c); this program adds what is not a resource's
 * own route: a part's requirements, and the validation and copy of its
 * bill of materials (bom.h; the BOM's lines are bom.cgi's).  The
 * parameters of parts as clients below API 429 read them
 * (/api/part/parameter/...) and the templates of categories
 * (/api/part/category/parameters/) are resources of parameter.h.
 */
#include "site.h"

#include "dec.h"
#include "inventory/bom.h"
#include "inventory/parameter.h"
#include "inventory/part.h"

/*
 * GET /api/part/<pk>/requirements/ (inventree-python's
 * Part.getRequirements()): InvenTree's stock requirements of the part.
 * The stock, what build orders hold of it and what is in production are
 * the part's (allocated_to_build_orders, unallocated_stock, building);
 * can_build what its BOM and the available stock of its components allow
 * (bom.h); no sales orders, and the rest not yet: zeros.
 */
static struct err *
part_requirements(struct ctx *ctx)
{
	static const char *const zero[] = { "ordering",
	    "scheduled_to_build", "required_for_build_orders",
	    "required_for_sales_orders", "allocated_to_sales_orders" };
	static const char *const copied[] = { "allocated_to_build_orders",
	    "building" };
	long long id = route_param_id(ctx, "pk"), can_build;
	struct err *e;
	cJSON *p;

	if ((e = res_get(ctx, &part_resource, id, NULL, &p)) != NULL)
		return e;
	if ((e = bom_can_build(ctx, id, &can_build)) != NULL) {
		cJSON_Delete(p);
		return e;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "total_stock", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "total_in_stock"), true));
	cJSON_AddItemToObject(o, "unallocated_stock", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "unallocated_stock"), true));
	cJSON_AddItemToObject(o, "can_build", dec_json(can_build * DEC_SCALE));
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		cJSON_AddItemToObject(o, zero[i], dec_json(0));
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		cJSON_AddItemToObject(o, copied[i], cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(p, copied[i]), true));
	cJSON_Delete(p);
	return resp_json(ctx, 200, o);
}

static const struct route part_routes[] = {
	{ "GET", "/api/part/<pk>/requirements/", "part", PERM_METHOD,
	  part_requirements, "Stock requirements of a part", 0 },
	{ "GET", "/api/part/<pk>/bom-validate/", "part", PERM_METHOD,
	  bom_part_validation, "Whether a part's BOM is validated", 0 },
	{ "PUT", "/api/part/<pk>/bom-validate/", "part", PERM_METHOD,
	  bom_part_validate, "Validate a part's BOM", 0 },
	{ "PATCH", "/api/part/<pk>/bom-validate/", "part", PERM_METHOD,
	  bom_part_validate, "Validate a part's BOM", 0 },
	{ "POST", "/api/part/<pk>/bom-copy/", "part", PERM_CHANGE,
	  bom_copy, "Copy the BOM of another part", 0, NULL,
	  bom_copy_fields },
};

static const struct resource *const part_resources[] = {
	&category_resource,
	&part_resource,
	&part_parameter_template_resource,
	&part_parameter_resource,
	&category_parameter_resource,
};

PROGRAM_MAIN("part",
    ROUTES(part_routes), RESOURCES(part_resources))
