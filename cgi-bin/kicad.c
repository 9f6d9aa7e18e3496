/*
 * kicad.cgi: KiCad's HTTP library (KiCad 8) at /api/kicad/v1/, and the
 * settings of the categories it shows (/api/kicad/category/, a
 * resource).  See domain/inventory/kicad.h and docs/kicad.md.
 */
#include "site.h"

#include "inventory/kicad.h"

static const struct route kicad_routes[] = {
	{ "GET", "/api/kicad/v1/", "part", PERM_VIEW, kicad_root,
	  "KiCad HTTP library: its endpoints", 0 },
	{ "GET", "/api/kicad/v1/categories.json", "part", PERM_VIEW,
	  kicad_categories, "KiCad HTTP library: the categories", 0 },
	{ "GET", "/api/kicad/v1/parts/category/<pk>.json", "part", PERM_VIEW,
	  kicad_parts, "KiCad HTTP library: a category's parts", 0 },
	{ "GET", "/api/kicad/v1/parts/<pk>.json", "part", PERM_VIEW,
	  kicad_part, "KiCad HTTP library: one part as a symbol", 0 },
};

static const struct resource *const kicad_resources[] = {
	&kicad_category_resource,
};

PROGRAM_MAIN("kicad",
    ROUTES(kicad_routes), RESOURCES(kicad_resources))
