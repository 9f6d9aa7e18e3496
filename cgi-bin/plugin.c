/*
 * plugin.cgi: plugins (docs/plugins.md), as InvenTree's /api/plugins/
 * serves them: the list the app and inventree-python ask for, and for
 * superusers a plugin, its activation and its settings.  (The URL
 * plugins' pages are plugin_url.cgi's.)
 */
#include "site.h"

#define PLUGIN_KEY	"/api/plugins/<key:word>/"

static const struct route plugin_routes[] = {
	{ "GET", "/api/plugins/", AREA_USER, PERM_VIEW, plugin_list,
	  "List the installed plugins" },
	{ "GET", PLUGIN_KEY, AREA_SUPERUSER, PERM_VIEW, plugin_detail,
	  "A plugin" },
	{ "POST", PLUGIN_KEY "activate/", AREA_SUPERUSER, PERM_CHANGE,
	  plugin_activate, "Activate or deactivate a plugin" },
	{ "PUT", PLUGIN_KEY "activate/", AREA_SUPERUSER, PERM_CHANGE,
	  plugin_activate, "Activate or deactivate a plugin" },
	{ "PATCH", PLUGIN_KEY "activate/", AREA_SUPERUSER, PERM_CHANGE,
	  plugin_activate, "Activate or deactivate a plugin" },
	{ "GET", PLUGIN_KEY "settings/", AREA_SUPERUSER, PERM_VIEW,
	  plugin_settings, "A plugin's settings" },
	{ "GET", PLUGIN_KEY "settings/<setting:word>/", AREA_SUPERUSER,
	  PERM_VIEW, plugin_setting, "A plugin's setting" },
	{ "PUT", PLUGIN_KEY "settings/<setting:word>/", AREA_SUPERUSER,
	  PERM_CHANGE, plugin_setting, "Change a plugin's setting" },
	{ "PATCH", PLUGIN_KEY "settings/<setting:word>/", AREA_SUPERUSER,
	  PERM_CHANGE, plugin_setting, "Change a plugin's setting" },
};

PROGRAM_MAIN("plugin",
    ROUTES(plugin_routes))
