/*
 * importer.cgi: InvenTree's data importer (/api/importer/...): sessions of
 * uploaded files, their column mappings and rows, accepting the mapping
 * and committing rows -- generic over the resource descriptions
 * (domain/importer/importer.c, docs/import.md).  The only program linked
 * with libcsv (the Makefile's LIBCSV).
 */
#include "site.h"

#include "importer/importer.h"

static const struct route importer_routes[] = {
	{ "POST", "/api/importer/session/", AREA_USER, PERM_ADD,
	  import_upload, "Upload a file to import (a new import session)", 0,
	  .input = import_upload_input },
	{ "POST", "/api/importer/session/<pk>/accept_fields/", AREA_USER,
	  PERM_ADD, import_accept_fields,
	  "Accept the column mapping: map and check every row", 0 },
	{ "POST", "/api/importer/session/<pk>/accept_rows/", AREA_USER,
	  PERM_ADD, import_accept_rows,
	  "Import the rows given, in one transaction", 0,
	  .input = import_accept_rows_input },
};

static const struct resource *const importer_resources[] = {
	&import_session_resource,
	&import_column_map_resource,
	&import_row_resource,
};

PROGRAM_MAIN("importer",
    ROUTES(importer_routes), RESOURCES(importer_resources))
