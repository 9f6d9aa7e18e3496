/*
 * plugin_url.cgi: /api/plugin/<slug>/..., where an active URL plugin
 * answers as a CGI program once the caller is signed in; the plugin's
 * manifest names the permission it needs, checked by plugin_url()
 * (docs/plugins.md).
 */
#include "site.h"

static const struct route plugin_url_routes[] = {
	{ "GET", "/api/plugin/<*path>", AREA_USER, PERM_VIEW, plugin_url,
	  "A URL plugin's page" },
	{ "POST", "/api/plugin/<*path>", AREA_USER, PERM_VIEW, plugin_url,
	  "A URL plugin's action" },
	{ "PUT", "/api/plugin/<*path>", AREA_USER, PERM_VIEW, plugin_url,
	  "A URL plugin's action" },
	{ "PATCH", "/api/plugin/<*path>", AREA_USER, PERM_VIEW, plugin_url,
	  "A URL plugin's action" },
	{ "DELETE", "/api/plugin/<*path>", AREA_USER, PERM_VIEW, plugin_url,
	  "A URL plugin's action" },
};

PROGRAM_MAIN("plugin_url",
    ROUTES(plugin_url_routes))
