/*
 * parameter: parameter templates, the parameters of parts and the
 * templates of categories (issue 17; docs/parameters.md), as InvenTree
 * serves them -- current InvenTree's /api/parameter/template/ and
 * /api/parameter/ (model_type "part", model_id), and the paths its
 * clients use below API 429, /api/part/parameter/template/ and
 * /api/part/parameter/ (part), over the same tables (migration 0021);
 * /api/part/category/parameters/.
 *
 * The rules a field cannot say are the hooks':
 *   - a template's units must be a unit (units.h); a checkbox has no
 *     units and no choices; choices are unique; names are unique;
 *   - a parameter's data is one of its template's choices, a boolean for
 *     a checkbox ("True"/"False", data_numeric 1/0), and a quantity in
 *     the template's units when it has units: data_numeric is its number
 *     in them ("10k" of ohm: 10000); without units a plain number is its
 *     own data_numeric, anything else none;
 *   - changing a template's units recomputes its parameters' numbers;
 *   - a new part gets its category's templates with their defaults.
 *
 * The part list's ?parameter_<template>[_gt|_gte|_lt|_lte|_ne|_icontains]=
 * filters and ?ordering=[-]parameter_<template> are parameter_part_query().
 */
#ifndef SR_PARAMETER_H
#define SR_PARAMETER_H

#include "inventory/units.h"

struct ctx;
struct err;
struct list_q;
struct resource;

extern const struct resource custom_unit_resource;
extern const struct resource parameter_template_resource,
    part_parameter_template_resource, parameter_resource,
    part_parameter_resource, category_parameter_resource;

/*
 * Is units (trimmed) a unit the parser knows, the site's custom units
 * (/api/units/) included?  *res says, and why when it is not (units.h's
 * units_check()); returns only database errors.  A part's units
 * (part.c) are checked with it.
 */
struct err	*units_site_check(struct ctx *, const char *units,
		    enum units_res *res, char why[UNITS_WHY_MAX]);

/* GET /api/units/all/: the units the parser knows (units_all()), as
 * InvenTree's AllUnitListResponse. */
struct err	*units_all_list(struct ctx *);

/* The part list's parameter filters and ordering, from the query. */
struct err	*parameter_part_query(struct ctx *, struct list_q *);

/* A new part's parameters from its category's templates. */
struct err	*parameter_part_defaults(struct ctx *, long long part,
		    long long category);

#endif
