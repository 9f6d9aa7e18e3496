/*
 * importer: InvenTree's data importer, generic over resource descriptions.
 * See importer.h and docs/import.md.
 *
 * A session (import_session, migration 0022) is one uploaded file for one
 * model; the model is any resource of the registry (models.h) that takes
 * creates, and the user needs its add permission.  The file is read by
 * csvread.h (encoding, delimiter, limits) or xlsxread.h (the sheet); its
 * rows are stored as read.
 * Each writable field of the model gets a column mapping, suggested from
 * the header (the field's name or label, or the export's "<field>_path"
 * and "<field>_name", case-insensitive) and editable through
 * /api/importer/column-mapping/<pk>/.  accept_fields/ maps every row
 * (field defaults, then the row's non-empty cells, then field overrides),
 * finds references given by a key rather than a pk (res_find_key(): a
 * part by IPN, a location by its path) and checks it with the model's own
 * validation (val_object() and res_check(): the very checks of a POST)
 * without writing it, storing its errors by field.  accept_rows/ writes
 * the rows given through res_save() in one transaction: every one, or --
 * when any fails -- none, with the failures' errors stored on their rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "csvread.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "export.h"
#include "list.h"
#include "mem.h"
#include "multipart.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "val.h"
#include "xlsxread.h"

#include "accounts/account.h"
#include "accounts/audit.h"
#include "importer/importer.h"
#include "models.h"

/* InvenTree's DataImportStatusCode. */
enum { IS_INITIAL = 0, IS_MAPPING = 10, IS_IMPORTING = 20,
	IS_PROCESSING = 30, IS_COMPLETE = 40 };

static const struct choice import_statuses[] = {
	{ IS_INITIAL, "Initializing", "INITIAL" },
	{ IS_MAPPING, "Mapping Columns", "MAPPING" },
	{ IS_IMPORTING, "Importing Data", "IMPORTING" },
	{ IS_PROCESSING, "Processing Data", "PROCESSING" },
	{ IS_COMPLETE, "Complete", "COMPLETE" },
	{ 0, NULL, NULL },
};

/* ---- the resources -------------------------------------------------- */

/* A user sees the sessions (and their rows and mappings) of their own;
 * a superuser every one. */
static struct err *
session_scope(struct ctx *ctx, struct list_q *q)
{
	if (!ctx->is_superuser) {
		list_where(q, " AND s.user_id = ?");
		list_bind_int(q, ctx->user_id);
	}
	return NULL;
}

static struct err *
map_scope(struct ctx *ctx, struct list_q *q)
{
	if (!ctx->is_superuser) {
		list_where(q, " AND m.session IN (SELECT id FROM "
		    "import_session WHERE user_id = ?)");
		list_bind_int(q, ctx->user_id);
	}
	return NULL;
}

static struct err *
row_scope(struct ctx *ctx, struct list_q *q)
{
	if (!ctx->is_superuser) {
		list_where(q, " AND r.session IN (SELECT id FROM "
		    "import_session WHERE user_id = ?)");
		list_bind_int(q, ctx->user_id);
	}
	return NULL;
}

/* May field f of a model be given by an imported file? */
static bool
import_field_ok(const struct field *f)
{
	if (f->flags & (F_READ_ONLY | F_WRITE_ONLY))
		return false;
	switch (f->type) {
	case FT_IDS: case FT_NESTED: case FT_OBJECT: case FT_JSON:
	case FT_MEDIA: case FT_DATETIME:
		return false;
	default:
		return true;
	}
}

/* The narrowing of r's reference field i (res.h), or NULL. */
static const struct res_narrow *
narrow_of(const struct resource *r, size_t i)
{
	for (size_t k = 0; k < r->nnarrow; k++)
		if (strcmp(r->narrow[k].field, r->fields[i].name) == 0)
			return &r->narrow[k];
	return NULL;
}

/* Does field i of r narrow a reference of the row (a price break's
 * supplier, read-only in the API)? */
static bool
import_narrows(const struct resource *r, size_t i)
{
	const struct field *f = &r->fields[i];

	for (size_t k = 0; k < r->nnarrow; k++)
		if (strcmp(r->narrow[k].by, f->name) == 0)
			return f->type == FT_ID && f->ref != NULL;
	return false;
}

/* May field i of r be given by an imported file (a column, a default)? */
static bool
import_field(const struct resource *r, size_t i)
{
	return import_field_ok(&r->fields[i]) || import_narrows(r, i);
}

enum { SF_TIMESTAMP, SF_DATA_FILE, SF_MODEL_TYPE, SF_STATUS, SF_USER,
	SF_ENCODING, SF_DELIMITER, SF_SHEET, SF_COLUMNS, SF_DEFAULTS,
	SF_OVERRIDES, SF_UPDATE, SF_CREATE_PATHS, SF_ROW_COUNT,
	SF_COMPLETED };

static const struct field session_fields[] = {
	[SF_TIMESTAMP] = { "timestamp", FT_DATETIME, F_READ_ONLY | F_ORDER,
	    .col = "created" },
	[SF_DATA_FILE] = { "data_file", FT_TEXT, F_READ_ONLY, 255,
	    .help = "The name of the uploaded file" },
	[SF_MODEL_TYPE] = { "model_type", FT_TEXT, F_READ_ONLY | F_FILTER,
	    100 },
	[SF_STATUS] = { "status", FT_CHOICE, F_READ_ONLY | F_FILTER,
	    .choices = import_statuses },
	[SF_USER] = { "user", FT_ID, F_READ_ONLY | F_NULL, .col = "user_id",
	    .ref = &user_resource },
	[SF_ENCODING] = { "encoding", FT_TEXT, F_READ_ONLY, 20,
	    .help = "utf-8, utf-8-sig (with a byte-order mark) or "
	    "windows-1252" },
	[SF_DELIMITER] = { "delimiter", FT_TEXT, F_READ_ONLY, 1 },
	[SF_SHEET] = { "sheet", FT_TEXT, F_READ_ONLY, 128,
	    .help = "The sheet of an XLSX workbook that was read (the one it "
	    "opens at)" },
	[SF_COLUMNS] = { "columns", FT_JSON, F_READ_ONLY },
	[SF_DEFAULTS] = { "field_defaults", FT_JSON, F_READ_ONLY },
	[SF_OVERRIDES] = { "field_overrides", FT_JSON, F_READ_ONLY },
	[SF_UPDATE] = { "update_records", FT_BOOL, F_READ_ONLY,
	    .help = "Rows with an id, or whose key names an existing row, "
	    "update it" },
	[SF_CREATE_PATHS] = { "create_paths", FT_BOOL, F_READ_ONLY,
	    .help = "Categories and locations named by a path that does not "
	    "exist are created" },
	[SF_ROW_COUNT] = { "row_count", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) FROM import_row r2 WHERE "
	    "r2.session = s.id)" },
	[SF_COMPLETED] = { "completed_row_count", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) FROM import_row r2 WHERE "
	    "r2.session = s.id AND r2.complete = 1)" },
};

static const char imp_sql_maps[] =
    "SELECT id, field, col_name FROM import_column_map WHERE session = ?"
    " ORDER BY id";

/* available_fields and column_mappings, from the model's description. */
static void
session_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	(void)view;
	const char *model = (const char *)st_column_text(st,
	    res_col(&import_session_resource, SF_MODEL_TYPE));
	const struct resource *r = model != NULL ? model_find(model) : NULL;
	long long id = st_column_int64(st, 0);

	if (r == NULL)
		return;
	cJSON *avail = cJSON_AddObjectToObject(o, "available_fields");
	cJSON *all = res_describe(ctx, r->fields, r->nfields, true);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		cJSON *d;
		if (!import_field(r, i) || all == NULL ||
		    (d = cJSON_DetachItemFromObjectCaseSensitive(all,
		    f->name)) == NULL)
			continue;
		if (!import_field_ok(f)) {
			/* Read-only in the API; a file's column of it tells
			 * apart what a key names (a supplier's SKU). */
			char help[160] = "";
			for (size_t k = 0; k < r->nnarrow; k++)
				if (strcmp(r->narrow[k].by, f->name) == 0)
					snprintf(help, sizeof(help), "Finds "
					    "the %s of a key that several "
					    "hold (not written itself)",
					    r->narrow[k].field);
			cJSON_ReplaceItemInObjectCaseSensitive(d, "read_only",
			    cJSON_CreateFalse());
			cJSON_ReplaceItemInObjectCaseSensitive(d, "help_text",
			    cJSON_CreateString(help));
		}
		cJSON_AddItemToObject(avail, f->name, d);
	}
	cJSON_Delete(all);
	if (st_column_int64(st, res_col(&import_session_resource,
	    SF_UPDATE))) {
		cJSON *d = cJSON_AddObjectToObject(avail, "id");
		cJSON_AddStringToObject(d, "type", "integer");
		cJSON_AddBoolToObject(d, "required", false);
		cJSON_AddBoolToObject(d, "read_only", false);
		cJSON_AddStringToObject(d, "label", "ID");
		cJSON_AddStringToObject(d, "help_text", "The row to update");
	}
	cJSON *maps = cJSON_AddArrayToObject(o, "column_mappings");
	db_stmt *q = db_prepare(ctx, imp_sql_maps);
	if (q == NULL)
		return;
	st_bind_int64(q, 1, id);
	while (st_step(q) == SQLITE_ROW) {
		const char *fname = (const char *)st_column_text(q, 1);
		int i = res_field(r, fname);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddNumberToObject(m, "pk", (double)st_column_int64(q, 0));
		cJSON_AddNumberToObject(m, "session", (double)id);
		cJSON_AddStringToObject(m, "column",
		    (const char *)st_column_text(q, 2));
		cJSON_AddStringToObject(m, "field", fname);
		cJSON_AddStringToObject(m, "label", i >= 0 ?
		    val_label(ctx, &r->fields[i]) : "ID");
		cJSON_AddStringToObject(m, "description", i >= 0 &&
		    r->fields[i].help != NULL ? r->fields[i].help : "");
		cJSON_AddItemToArray(maps, m);
	}
	st_reset(q);
}

static const struct res_hooks session_hooks = {
	.render = session_render,
	.scope = session_scope,
};

static const struct res_filter session_filters[] = {
	{ "user", FT_ID, " AND s.user_id = ?", " AND s.user_id IS NULL",
	    &user_resource },
};

static struct res_sql session_sql;

const struct resource import_session_resource = {
	.model = "dataimportsession", .name = "DataImportSession",
	.table = "import_session", .alias = "s",
	.path = "/api/importer/session/", .area = AREA_USER,
	.noun = "import session", .plural = "import sessions",
	RES_FIELDS(session_fields), RES_FILTERS(session_filters),
	.order = "s.id DESC", .hooks = &session_hooks,
	.flags = RES_NO_CREATE | RES_NO_UPDATE, .sql = &session_sql,
};

/* ---- column mappings ------------------------------------------------ */

enum { MF_SESSION, MF_FIELD, MF_COLUMN };

static const struct field map_fields[] = {
	[MF_SESSION] = { "session", FT_ID, F_READ_ONLY | F_FILTER,
	    .ref = &import_session_resource },
	[MF_FIELD] = { "field", FT_TEXT, F_READ_ONLY | F_ORDER, 100 },
	[MF_COLUMN] = { "column", FT_TEXT, 0, 100, .col = "col_name",
	    .help = "The column of the file that gives the field (\"\": "
	    "none)" },
};

static const char imp_sql_session_of_map[] =
    "SELECT s.columns, s.status FROM import_session s JOIN "
    "import_column_map m ON m.session = s.id WHERE m.id = ?";

/* The column must be one of the file's, or "" (none); not once done. */
static struct err *
map_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	db_stmt *st = db_prepare(ctx, imp_sql_session_of_map);
	const char *col = w->v[MF_COLUMN].s;
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "DataImportColumnMap");
	st_bind_int64(st, 1, w->id);
	if ((e = db_row(ctx, st, "DataImportColumnMap", &found)) != NULL)
		return e;
	if (!found) {
		st_reset(st);
		return NULL;
	}
	if (st_column_int64(st, 1) == IS_COMPLETE)
		errs_add(es, "non_field_errors", "The import is complete.");
	cJSON *cols = cJSON_Parse((const char *)st_column_text(st, 0));
	st_reset(st);
	bool ok = col == NULL || col[0] == '\0';
	const cJSON *c;
	cJSON_ArrayForEach(c, cols)
		if (cJSON_IsString(c) && col != NULL &&
		    strcmp(c->valuestring, col) == 0)
			ok = true;
	cJSON_Delete(cols);
	if (!ok)
		errs_addf(es, "column", "Column \"%s\" is not in the file.",
		    col);
	return NULL;
}

static const struct res_hooks map_hooks = {
	.validate = map_validate,
	.scope = map_scope,
};

static struct res_sql map_sql;

const struct resource import_column_map_resource = {
	.model = "dataimportcolumnmap", .name = "DataImportColumnMap",
	.table = "import_column_map", .alias = "m",
	.path = "/api/importer/column-mapping/", .area = AREA_USER,
	.noun = "column mapping", .plural = "column mappings",
	RES_FIELDS(map_fields), .order = "m.session, m.id",
	.hooks = &map_hooks, .flags = RES_NO_CREATE | RES_NO_DELETE,
	.sql = &map_sql,
};

/* ---- rows ----------------------------------------------------------- */

static const struct field row_fields[] = {
	{ "session", FT_ID, F_READ_ONLY | F_FILTER,
	    .ref = &import_session_resource },
	{ "row_index", FT_INT, F_READ_ONLY | F_ORDER },
	{ "row_data", FT_JSON, F_READ_ONLY },
	{ "data", FT_JSON, F_READ_ONLY },
	{ "errors", FT_JSON, F_READ_ONLY },
	{ "valid", FT_BOOL, F_READ_ONLY | F_FILTER },
	{ "complete", FT_BOOL, F_READ_ONLY | F_FILTER },
};

static const struct res_hooks row_hooks = {
	.scope = row_scope,
};

static struct res_sql row_sql;

/* A row may be deleted (not imported), as in InvenTree. */
const struct resource import_row_resource = {
	.model = "dataimportrow", .name = "DataImportRow",
	.table = "import_row", .alias = "r", .path = "/api/importer/row/",
	.area = AREA_USER, .noun = "import row", .plural = "import rows",
	RES_FIELDS(row_fields), .order = "r.session, r.row_index",
	.hooks = &row_hooks, .flags = RES_NO_CREATE | RES_NO_UPDATE,
	.sql = &row_sql,
};

/* ---- upload --------------------------------------------------------- */

const struct field import_upload_input[] = {
	{ "data_file", FT_TEXT, F_REQUIRED, .label = "Data File",
	    .help = "A CSV or TSV file (UTF-8, with or without a byte-order "
	    "mark, or Windows-1252), or an XLSX workbook (the sheet it opens "
	    "at)" },
	{ "model_type", FT_TEXT, F_REQUIRED, 100,
	    .help = "The model to import: part, stockitem, company, ..." },
	{ "field_defaults", FT_TEXT, 0, 10000,
	    .help = "A JSON object: values of fields that a row leaves "
	    "empty" },
	{ "field_overrides", FT_TEXT, 0, 10000,
	    .help = "A JSON object: values of fields whatever the rows say" },
	{ "update_records", FT_BOOL, 0, .help = "Rows with an id (or whose "
	    "key, a part's IPN, names one row) update that row" },
	{ "create_paths", FT_BOOL, 0, .help = "A category or location named "
	    "by a path that does not exist (Electronics/Passives/Capacitors) "
	    "is created, with the missing nodes above it" },
	{ NULL },
};

static const char imp_sql_session_insert[] =
    "INSERT INTO import_session (created, user_id, model_type, data_file,"
    " encoding, delimiter, field_defaults, field_overrides, update_records,"
    " create_paths) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?)";
static const char imp_sql_session_columns[] =
    "UPDATE import_session SET encoding = ?, delimiter = ?, columns = ?,"
    " sheet = ? WHERE id = ?";
static const char imp_sql_row_insert[] =
    "INSERT INTO import_row (session, row_index, row_data) VALUES (?, ?, ?)";
static const char imp_sql_map_insert[] =
    "INSERT INTO import_column_map (session, field, col_name)"
    " VALUES (?, ?, ?)";

/* A JSON object of field values, checked against r; NULL: none given. */
static cJSON *
import_values(struct ctx *ctx, const cJSON *body, const char *name,
    const struct resource *r, struct errs *es)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(body, name);
	cJSON *o;

	if (j == NULL || cJSON_IsNull(j) ||
	    (cJSON_IsString(j) && j->valuestring[0] == '\0'))
		return NULL;
	if (cJSON_IsObject(j))
		o = cJSON_Duplicate(j, true);
	else if (!cJSON_IsString(j) || (o = cJSON_Parse(j->valuestring)) ==
	    NULL || !cJSON_IsObject(o)) {
		if (cJSON_IsString(j))
			cJSON_Delete(cJSON_Parse(j->valuestring));
		errs_addf(es, name, "Invalid %s: a JSON object is expected.",
		    strcmp(name, "field_defaults") == 0 ? "field defaults" :
		    "field overrides");
		return NULL;
	}
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, o);
	const cJSON *k;
	cJSON_ArrayForEach(k, o) {
		int i = res_field(r, k->string);
		if (i < 0 || !import_field(r, (size_t)i))
			errs_addf(es, name, "\"%s\" is not a field that %s "
			    "takes.", k->string, r->name);
	}
	return o;
}

struct upload {
	struct ctx		*ctx;
	long long		 session;
	cJSON			*columns;	/* the header's names */
	db_stmt			*insert;	/* a row, prepared once */
	struct err		*e;		/* a database error */
	char			 msg[200];
};

static const char *
upload_row(void *arg, size_t row, const char *const *cells, size_t n)
{
	struct upload *u = arg;
	struct ctx *ctx = u->ctx;

	if (row == 0) {
		for (size_t i = 0; i < n; i++) {
			if (cells[i][0] == '\0') {
				snprintf(u->msg, sizeof(u->msg), "Column %zu "
				    "of the header has no name.", i + 1);
				return u->msg;
			}
			if (strlen(cells[i]) > 100) {
				snprintf(u->msg, sizeof(u->msg), "Column %zu: "
				    "a column's name has at most 100 "
				    "characters.", i + 1);
				return u->msg;
			}
			for (size_t k = 0; k < i; k++)
				if (strcmp(cells[k], cells[i]) == 0) {
					snprintf(u->msg, sizeof(u->msg),
					    "Column \"%.100s\" is in the "
					    "header twice.", cells[i]);
					return u->msg;
				}
			cJSON_AddItemToArray(u->columns,
			    cJSON_CreateString(cells[i]));
		}
		return NULL;
	}
	cJSON *o = cJSON_CreateObject();
	size_t i = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, u->columns)
		cJSON_AddStringToObject(o, c->valuestring, cells[i++]);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	db_stmt *st = u->insert;
	if (text == NULL) {
		free(text);
		u->e = db_err(ctx, "DataImportRow");
		return "database";
	}
	st_bind_int64(st, 1, u->session);
	st_bind_int64(st, 2, (long long)row - 1);
	st_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	u->e = db_step(ctx, st, "DataImportRow");
	st_reset(st);
	free(text);
	return u->e != NULL ? "database" : NULL;
}

/* Is header name h the name n, ignoring case and surrounding spaces? */
static bool
header_is(const char *h, const char *n)
{
	size_t len = strlen(n);

	while (*h == ' ')
		h++;
	if (strncasecmp(h, n, len) != 0)
		return false;
	h += len;
	while (*h == ' ')
		h++;
	return *h == '\0';
}

/* The column the header offers for field i of r, or "". */
static const char *
suggest_column(struct ctx *ctx, const struct resource *r, int i,
    const cJSON *columns)
{
	const struct field *f = &r->fields[i];
	const char *want[4] = { NULL, NULL, NULL, NULL };
	struct res_sql *sql = res_sql(r);
	size_t nw = 0;

	/* The export's name of what a reference names first (a category's
	 * path, a supplier's name): it holds in any install, where the
	 * column of pks beside it names the rows of the one it came from. */
	for (size_t k = 0; k < sql->nrel && nw < 2; k++)
		if (sql->rel[k].field == i)
			want[nw++] = sql->rel[k].name;
	want[nw++] = f->name;
	want[nw++] = val_label(ctx, f);
	for (size_t w = 0; w < nw; w++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, columns)
			if (header_is(c->valuestring, want[w]))
				return c->valuestring;
	}
	return "";
}

static bool
has_prefix_bytes(const char *buf, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(buf, magic, n) == 0;
}

/* The uploaded file, whole, into *buf (the arena); *xlsx when it is an
 * XLSX workbook (a ZIP archive, or named .xlsx); errors are 400s. */
static struct err *
upload_read(struct ctx *ctx, const struct req_file *f, char **buf,
    size_t *len, bool *xlsx)
{
	const char *dot = strrchr(f->filename, '.');

	if (f->size > CSVR_FILE_MAX)
		return err_field(ctx, "data_file", "The file is larger than "
		    "%d bytes (10 MB): split it.", CSVR_FILE_MAX);
	FILE *fp = fopen(f->path, "rb");
	if (fp == NULL)
		return err_internal(ctx, "import: the upload cannot be read");
	*buf = mem_alloc(&ctx->mem, (size_t)f->size + 1);
	*len = fread(*buf, 1, (size_t)f->size, fp);
	fclose(fp);
	(*buf)[*len] = '\0';
	if (has_prefix_bytes(*buf, *len, "\xD0\xCF\x11\xE0", 4) ||
	    (dot != NULL && (strcasecmp(dot, ".xls") == 0 ||
	    strcasecmp(dot, ".ods") == 0)))
		return err_field(ctx, "data_file", "XLS and ODS files are not "
		    "supported: save the sheet as XLSX or as CSV (UTF-8) and "
		    "upload that.");
	*xlsx = xlsxr_is_zip(*buf, *len) ||
	    (dot != NULL && strcasecmp(dot, ".xlsx") == 0);
	return NULL;
}

/*
 * create_paths: r must name a tree (a part its category, a stock item its
 * location), and the user may add to each tree it names.
 */
static struct err *
paths_allowed(struct ctx *ctx, const struct resource *r)
{
	bool any = false;
	struct err *e;

	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->type != FT_ID || f->ref == NULL || f->ref->tree == NULL ||
		    !import_field_ok(f))
			continue;
		any = true;
		if ((e = perm_need(ctx, f->ref->write_area != NULL ?
		    f->ref->write_area : f->ref->area, PERM_ADD)) != NULL)
			return e;
	}
	if (!any)
		return err_field(ctx, "create_paths", "%s rows name no category "
		    "or location.", r->name);
	return NULL;
}

/* POST /api/importer/session/ (multipart: data_file, model_type, ...) */
struct err *
import_upload(struct ctx *ctx)
{
	const cJSON *body, *j;
	const struct resource *r;
	struct req_file *f;
	struct errs es;
	struct err *e;
	char *buf = NULL;
	size_t len = 0;
	bool xlsx = false;

	errs_init(&es, ctx);
	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	j = cJSON_GetObjectItemCaseSensitive(body, "model_type");
	if (j == NULL || !cJSON_IsString(j) || j->valuestring[0] == '\0')
		return err_field(ctx, "model_type", "This field is required.");
	r = model_find(j->valuestring);
	if (r == NULL || ((r->flags & RES_NO_CREATE) &&
	    !(r->flags & RES_IMPORT)))
		return err_field(ctx, "model_type", "\"%.100s\" is not a valid "
		    "choice.", j->valuestring);
	if ((e = perm_need(ctx, r->write_area != NULL ? r->write_area :
	    r->area, PERM_ADD)) != NULL)
		return e;
	if ((f = req_file(ctx, "data_file")) == NULL)
		return err_field(ctx, "data_file", "No file was submitted.");
	struct val opt[2], upd;
	val_default(&import_upload_input[4], &opt[0]);
	val_default(&import_upload_input[5], &opt[1]);
	val_object(ctx, body, &import_upload_input[4], 2, opt, false, &es);
	upd = opt[0];
	if ((e = errs_end(&es)) != NULL)
		return e;
	if (opt[1].i && (e = paths_allowed(ctx, r)) != NULL)
		return e;
	if (upd.i && (r->flags & RES_NO_UPDATE))
		return err_field(ctx, "update_records", "%s rows cannot be "
		    "updated.", r->name);
	if (upd.i && (e = perm_need(ctx, r->write_area != NULL ?
	    r->write_area : r->area, PERM_CHANGE)) != NULL)
		return e;
	cJSON *defaults = import_values(ctx, body, "field_defaults", r, &es);
	cJSON *overrides = import_values(ctx, body, "field_overrides", r, &es);
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((e = upload_read(ctx, f, &buf, &len, &xlsx)) != NULL)
		return e;

	struct upload u = { .ctx = ctx, .columns = cJSON_CreateArray() };
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, u.columns);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, imp_sql_session_insert);
	if (st == NULL)
		return db_end(ctx, db_err(ctx, "DataImportSession"));
	char *dtext = defaults != NULL ? cJSON_PrintUnformatted(defaults) :
	    NULL;
	char *otext = overrides != NULL ? cJSON_PrintUnformatted(overrides) :
	    NULL;
	db_bind_id(st, 1, ctx->user_id);
	st_bind_text(st, 2, r->model, -1, SQLITE_STATIC);
	st_bind_text(st, 3, f->filename, -1, SQLITE_STATIC);
	st_bind_text(st, 4, "", -1, SQLITE_STATIC);
	st_bind_text(st, 5, "", -1, SQLITE_STATIC);
	st_bind_text(st, 6, dtext != NULL ? dtext : "{}", -1,
	    SQLITE_TRANSIENT);
	st_bind_text(st, 7, otext != NULL ? otext : "{}", -1,
	    SQLITE_TRANSIENT);
	st_bind_int64(st, 8, upd.i != 0);
	st_bind_int64(st, 9, opt[1].i != 0);
	e = db_step(ctx, st, "DataImportSession");
	free(dtext);
	free(otext);
	if (e != NULL)
		return db_end(ctx, e);
	u.session = db_last_id(ctx);
	if ((u.insert = db_prepare(ctx, imp_sql_row_insert)) == NULL)
		return db_end(ctx, db_err(ctx, "DataImportRow"));

	struct csvr_info info;
	char msg[400];
	const char *why = xlsx ? xlsxr_read(buf, len, upload_row, &u, &info,
	    msg, sizeof(msg)) : csvr_read(buf, len, upload_row, &u, &info, msg,
	    sizeof(msg));
	if (u.e != NULL)
		return db_end(ctx, u.e);
	if (why != NULL)
		return db_end(ctx, err_field(ctx, "data_file", "%s", why));

	/* The encoding and delimiter found, the header. */
	char delim[2] = { info.delimiter, '\0' };
	char *cols = cJSON_PrintUnformatted(u.columns);
	st = db_prepare(ctx, imp_sql_session_columns);
	if (st == NULL || cols == NULL) {
		free(cols);
		return db_end(ctx, db_err(ctx, "DataImportSession"));
	}
	st_bind_text(st, 1, info.encoding, -1, SQLITE_STATIC);
	st_bind_text(st, 2, delim, -1, SQLITE_STATIC);
	st_bind_text(st, 3, cols, -1, SQLITE_TRANSIENT);
	st_bind_text(st, 4, info.sheet, -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 5, u.session);
	e = db_step(ctx, st, "DataImportSession");
	free(cols);
	if (e != NULL)
		return db_end(ctx, e);

	/* A mapping for every field the file may give (and the id). */
	if (upd.i) {
		const char *col = "";
		const cJSON *c;
		cJSON_ArrayForEach(c, u.columns)
			if (col[0] == '\0' && (header_is(c->valuestring,
			    "id") || header_is(c->valuestring, "pk")))
				col = c->valuestring;
		if ((st = db_prepare(ctx, imp_sql_map_insert)) == NULL)
			return db_end(ctx, db_err(ctx, "DataImportColumnMap"));
		st_bind_int64(st, 1, u.session);
		st_bind_text(st, 2, "id", -1, SQLITE_STATIC);
		st_bind_text(st, 3, col, -1, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "DataImportColumnMap")) != NULL)
			return db_end(ctx, e);
	}
	for (size_t i = 0; i < r->nfields; i++) {
		if (!import_field(r, i))
			continue;
		if ((st = db_prepare(ctx, imp_sql_map_insert)) == NULL)
			return db_end(ctx, db_err(ctx, "DataImportColumnMap"));
		st_bind_int64(st, 1, u.session);
		st_bind_text(st, 2, r->fields[i].name, -1, SQLITE_STATIC);
		st_bind_text(st, 3, suggest_column(ctx, r, (int)i, u.columns),
		    -1, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "DataImportColumnMap")) != NULL)
			return db_end(ctx, e);
	}
	if ((e = db_end(ctx, NULL)) != NULL)
		return e;
	return res_answer(ctx, &import_session_resource, u.session, 201);
}

/* ---- a session's rows ----------------------------------------------- */

struct session {
	long long		 id;
	const struct resource	*r;
	const char		*file;
	int			 status;
	cJSON			*defaults;
	cJSON			*overrides;
	bool			 update;	/* update_records */
	bool			 create_paths;
	const char		*id_col;	/* the column of ids, or NULL */
	const char		**map;		/* per field of r: its column */
};

static const char imp_sql_session_get[] =
    "SELECT model_type, data_file, status, field_defaults, field_overrides,"
    " user_id, update_records, create_paths FROM import_session WHERE id = ?";

static cJSON *
parse_owned(struct ctx *ctx, const char *text)
{
	cJSON *j = cJSON_Parse(text != NULL ? text : "{}");

	if (j == NULL)
		j = cJSON_CreateObject();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, j);
	return j;
}

/* The session of the route's <pk>, as the user may see it (else 404). */
static struct err *
session_load(struct ctx *ctx, struct session *s)
{
	db_stmt *st = db_prepare(ctx, imp_sql_session_get);
	struct err *e;
	bool found;

	memset(s, 0, sizeof(*s));
	s->id = route_param_id(ctx, "pk");
	if (st == NULL)
		return db_err(ctx, "DataImportSession");
	st_bind_int64(st, 1, s->id);
	if ((e = db_row(ctx, st, "DataImportSession", &found)) != NULL)
		return e;
	if (!found || (!ctx->is_superuser &&
	    st_column_int64(st, 5) != ctx->user_id)) {
		st_reset(st);
		return err_not_found(ctx, "DataImportSession");
	}
	s->r = model_find((const char *)st_column_text(st, 0));
	s->file = mem_strdup(&ctx->mem, (const char *)st_column_text(st, 1));
	s->status = (int)st_column_int64(st, 2);
	s->defaults = parse_owned(ctx, (const char *)st_column_text(st, 3));
	s->overrides = parse_owned(ctx, (const char *)st_column_text(st, 4));
	s->update = st_column_int64(st, 6) != 0;
	s->create_paths = st_column_int64(st, 7) != 0;
	st_reset(st);
	if (s->r == NULL)
		return err_new(ctx, 400, "The model of this session is no "
		    "longer served.");
	/* The mapping: field -> column. */
	s->map = mem_alloc(&ctx->mem, s->r->nfields * sizeof(*s->map));
	memset(s->map, 0, s->r->nfields * sizeof(*s->map));
	if ((st = db_prepare(ctx, imp_sql_maps)) == NULL)
		return db_err(ctx, "DataImportColumnMap");
	st_bind_int64(st, 1, s->id);
	int rc;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		const char *fname = (const char *)st_column_text(st, 1);
		int i = res_field(s->r, fname);
		const char *c = (const char *)st_column_text(st, 2);
		if (c == NULL || c[0] == '\0')
			continue;
		if (i >= 0)
			s->map[i] = mem_strdup(&ctx->mem, c);
		else if (s->update && strcmp(fname, "id") == 0)
			s->id_col = mem_strdup(&ctx->mem, c);
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "DataImportColumnMap");
	return NULL;
}

/* A value of a default or override as the text or JSON val_object takes. */
static void
put_value(cJSON *data, const char *name, const cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(data, name);
	cJSON_AddItemToObject(data, name, cJSON_Duplicate(v, true));
}

/* A row's values: defaults, then its non-empty mapped cells, overrides. */
static cJSON *
row_data(const struct session *s, const cJSON *cells)
{
	cJSON *data = cJSON_CreateObject();
	const struct resource *r = s->r;
	const cJSON *k;

	cJSON_ArrayForEach(k, s->defaults)
		put_value(data, k->string, k);
	for (size_t i = 0; i < r->nfields; i++) {
		if (s->map[i] == NULL)
			continue;
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(cells,
		    s->map[i]);
		if (!cJSON_IsString(c))
			continue;
		/* Surrounding spaces go, as DRF's trim_whitespace does in
		 * InvenTree's importer; a cell of spaces is empty. */
		const char *v = c->valuestring;
		size_t n;
		while (*v == ' ')
			v++;
		/* A cell the export neutralised ("'=1+2", export.md) comes
		 * back as it was: the quote before a formula's first
		 * character goes (as a spreadsheet hides it). */
		if (v[0] == '\'' && export_formula_like(v + 1))
			v++;
		for (n = strlen(v); n > 0 && v[n - 1] == ' '; n--)
			;
		if (n == 0)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(data,
		    r->fields[i].name);
		char *t = strndup(v, n);
		if (t == NULL)
			mem_oom();
		cJSON_AddStringToObject(data, r->fields[i].name, t);
		free(t);
	}
	cJSON_ArrayForEach(k, s->overrides)
		put_value(data, k->string, k);
	if (s->id_col != NULL) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(cells,
		    s->id_col);
		if (cJSON_IsString(c) && c->valuestring[0] != '\0')
			put_value(data, "id", c);
	}
	return data;
}

/*
 * A tree's node (a category, a location) is known by its name under its
 * parent (the tree's own rule, res_tree.c): the row's parent, already a pk
 * here, or the top.
 */
static struct err *
tree_target(struct ctx *ctx, const struct resource *r, const cJSON *body,
    long long *target)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
	const cJSON *parent = cJSON_GetObjectItemCaseSensitive(body,
	    "parent");
	long long p = 0;
	bool found;
	struct err *e;

	if (!cJSON_IsString(name))
		return NULL;
	if (parent != NULL && cJSON_IsNumber(parent))
		p = (long long)parent->valuedouble;
	else if (parent != NULL && !cJSON_IsNull(parent) &&
	    !(cJSON_IsString(parent) && val_id_text(parent->valuestring, &p)))
		return NULL;
	db_stmt *st = db_prepare(ctx, mem_printf(&ctx->mem, "SELECT id FROM "
	    "%s WHERE ifnull(parent, 0) = ? AND name = ?", r->table));
	if (st == NULL)
		return db_err(ctx, r->name);
	st_bind_int64(st, 1, p);
	st_bind_text(st, 2, name->valuestring, -1, SQLITE_TRANSIENT);
	if ((e = db_row(ctx, st, r->name, &found)) != NULL)
		return e;
	if (found)
		*target = st_column_int64(st, 0);
	st_reset(st);
	return NULL;
}

/*
 * The row an update_records row updates, into *target (0: none, a
 * create): its id, else a tree's node of that name under that parent,
 * else the row whose model's first key (a part's IPN, a company's name)
 * holds the row's value, when exactly one does.
 */
static struct err *
row_target(struct ctx *ctx, const struct session *s, const cJSON *body,
    long long *target, struct errs *es)
{
	const struct resource *r = s->r;
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(body, "id");
	int i, n;

	*target = 0;
	if (j != NULL) {
		if (!cJSON_IsString(j) || !val_id_text(j->valuestring, target))
			errs_add(es, "id", "A valid integer is required.");
		return NULL;
	}
	if (r->tree != NULL)
		return tree_target(ctx, r, body, target);
	if (r->keys == NULL || r->keys[0] == NULL ||
	    (i = res_field(r, r->keys[0])) < 0)
		return NULL;
	j = cJSON_GetObjectItemCaseSensitive(body, r->keys[0]);
	if (!cJSON_IsString(j) || j->valuestring[0] == '\0')
		return NULL;
	long long id;
	struct err *e = res_find_by(ctx, r, i, j->valuestring, &id, &n);
	if (e == NULL && n == 1)
		*target = id;
	return e;
}

/* The nodes of a path: its names between slashes, spaces around them
 * dropped. */
static const char *
path_next(const char *p, const char **name, size_t *len)
{
	const char *end = strchr(p, '/');

	if (end == NULL)
		end = p + strlen(p);
	while (p < end && *p == ' ')
		p++;
	*name = p;
	*len = (size_t)(end - p);
	while (*len > 0 && p[*len - 1] == ' ')
		(*len)--;
	return *end == '/' ? end + 1 : NULL;
}

/* UTF-8 characters in the first len bytes of s. */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* Is text a path whose nodes tree r could make?  NULL, or why not. */
static const char *
path_check(struct ctx *ctx, const struct resource *r, const char *text)
{
	int i = res_field(r, "name");
	int max = i >= 0 ? r->fields[i].max : 0;
	const char *p = text, *name;
	size_t len;

	do {
		p = path_next(p, &name, &len);
		if (len == 0)
			return mem_printf(&ctx->mem, "\"%s\" is not a path of "
			    "%s names: a name is empty.", text, r->noun);
		if (max > 0 && utf8_chars(name, len) > (size_t)max)
			return mem_printf(&ctx->mem, "\"%.*s\": a %s's name "
			    "has at most %d characters.", (int)len, name,
			    r->noun, max);
	} while (p != NULL);
	return NULL;
}

/* The first message of a DRF error object ({"name": ["..."]}). */
static const char *
first_message(struct ctx *ctx, const cJSON *o, const char *text)
{
	const cJSON *k = o != NULL ? o->child : NULL;
	const cJSON *m = cJSON_IsArray(k) ? k->child : k;

	return mem_printf(&ctx->mem, "\"%s\" cannot be created: %s", text,
	    cJSON_IsString(m) ? m->valuestring : "refused.");
}

/*
 * The node of tree r at path text ("Electronics/Passives/Capacitors"),
 * made with the nodes above it that are missing -- each a create through
 * the layer (its checks, its written hook), in the caller's transaction.
 * *why: the row's error, when a node is refused.
 */
static struct err *
path_create(struct ctx *ctx, const struct resource *r, const char *text,
    long long *id, const char **why)
{
	const char *p = text, *name;
	long long parent = 0;
	size_t len;
	struct err *e;

	*why = NULL;
	db_stmt *st = db_prepare(ctx, mem_printf(&ctx->mem, "SELECT id FROM "
	    "%s WHERE ifnull(parent, 0) = ? AND name = ?", r->table));
	if (st == NULL)
		return db_err(ctx, r->name);
	do {
		bool found;
		p = path_next(p, &name, &len);
		char *n = mem_strndup(&ctx->mem, name, len);
		st_bind_int64(st, 1, parent);
		st_bind_text(st, 2, n, -1, SQLITE_TRANSIENT);
		if ((e = db_row(ctx, st, r->name, &found)) != NULL)
			return e;
		long long node = found ? st_column_int64(st, 0) : 0;
		st_reset(st);
		if (node == 0) {
			struct val *v = mem_alloc(&ctx->mem, (r->nfields + 1) *
			    sizeof(*v));
			struct res_write w = { .res = r, .v = v,
			    .create = true };
			cJSON *body = cJSON_CreateObject();
			struct errs es;
			mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete,
			    body);
			cJSON_AddStringToObject(body, "name", n);
			if (parent > 0)
				cJSON_AddNumberToObject(body, "parent",
				    (double)parent);
			errs_init(&es, ctx);
			for (size_t i = 0; i < r->nfields; i++)
				val_default(&r->fields[i], &v[i]);
			val_object(ctx, body, r->fields, r->nfields, v, true,
			    &es);
			w.body = body;
			if (!errs_any(&es) && r->hooks != NULL &&
			    r->hooks->defaults != NULL &&
			    (e = r->hooks->defaults(ctx, &w)) != NULL)
				return e;
			if (!errs_any(&es)) {
				e = res_save(ctx, &w, &es);
				if (e != NULL && e->status == 400) {
					*why = first_message(ctx, e->body,
					    text);
					return NULL;
				}
				if (e != NULL)
					return e;
			}
			if (errs_any(&es)) {
				*why = first_message(ctx, es.map, text);
				return NULL;
			}
			node = w.id;
		}
		parent = node;
	} while (p != NULL);
	*id = parent;
	return NULL;
}

/*
 * A reference of the row, field i of s->r, given by a key (a part's IPN, a
 * category's path) in body: replaced by the pk it names, or -- not found,
 * ambiguous -- taken out, the reason into keys.  One that another field
 * narrows (res.h: a price break's supplier part by the supplier) is
 * looked for among the rows that field allows, when body has it by now
 * (data: the row as given, for messages).  With create_paths, a path
 * that is not there is made when writing.  Returns only errors that end
 * the request.
 */
static struct err *
row_reference(struct ctx *ctx, const struct session *s, const cJSON *data,
    cJSON *body, size_t i, bool write, struct errs *keys)
{
	const struct field *f = &s->r->fields[i];
	const struct res_narrow *nw = narrow_of(s->r, i);
	cJSON *c = cJSON_GetObjectItemCaseSensitive(body, f->name);
	struct res_key_scope scope = { NULL, 0, NULL, NULL };
	const char *why;
	long long pk;
	struct err *e;

	if (f->type != FT_ID || f->ref == NULL || !cJSON_IsString(c))
		return NULL;
	if (nw != NULL) {
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(body,
		    nw->by);
		const cJSON *as = cJSON_GetObjectItemCaseSensitive(data,
		    nw->by);
		scope.hint = mem_printf(&ctx->mem, "the %s", nw->by);
		if (cJSON_IsNumber(by)) {
			scope.sql = nw->sql;
			scope.id = (long long)by->valuedouble;
			scope.what = cJSON_IsString(as) ? mem_printf(&ctx->mem,
			    "%s \"%s\"", nw->by, as->valuestring) :
			    mem_printf(&ctx->mem, "%s %lld", nw->by, scope.id);
		}
	}
	if ((e = res_find_key(ctx, f->ref, c->valuestring, &scope, &pk,
	    &why)) != NULL)
		return e;
	if (why != NULL && s->create_paths && f->ref->tree != NULL &&
	    !val_id_text(c->valuestring, &pk) &&
	    strncmp(why, "No ", 3) == 0) {
		/* Not found: made when written, its names checked now (the
		 * rows are checked without writing). */
		why = path_check(ctx, f->ref, c->valuestring);
		if (why == NULL && !write) {
			cJSON_DeleteItemFromObjectCaseSensitive(body, f->name);
			return NULL;
		}
		if (why == NULL && (e = path_create(ctx, f->ref,
		    c->valuestring, &pk, &why)) != NULL)
			return e;
	}
	if (why != NULL) {
		errs_add(keys, f->name, why);
		cJSON_DeleteItemFromObjectCaseSensitive(body, f->name);
	} else
		cJSON_ReplaceItemInObjectCaseSensitive(body, f->name,
		    cJSON_CreateNumber((double)pk));
	return NULL;
}

/*
 * Checks (write false) or writes (write true, inside the caller's
 * transaction) one row's data as a create of s->r: a reference given by a
 * key is found first.  *errors gets the field errors (a new object, or
 * NULL when valid).  Returns only errors that end the whole request.
 */
static struct err *
row_apply(struct ctx *ctx, const struct session *s, const cJSON *data,
    bool write, cJSON **errors, long long *id, bool *updated)
{
	const struct resource *r = s->r;
	struct val *v = mem_alloc(&ctx->mem, (r->nfields + 1) * sizeof(*v));
	struct res_write w = { .res = r, .v = v, .create = true };
	cJSON *body = cJSON_Duplicate(data, true);
	struct errs es, keys;
	struct err *e = NULL;

	*errors = NULL;
	errs_init(&es, ctx);
	errs_init(&keys, ctx);
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, body);
	/* The fields that narrow another reference first (a price break's
	 * supplier, then its supplier part by SKU among the supplier's). */
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->nfields; i++) {
			if (import_narrows(r, i) != (pass == 0))
				continue;
			if ((e = row_reference(ctx, s, data, body, i, write,
			    &keys)) != NULL)
				return e;
		}
	}
	long long target = 0;
	if (s->update && (e = row_target(ctx, s, body, &target, &es)) != NULL)
		return e;
	*updated = target > 0;
	w.body = body;
	if (target > 0) {
		struct val *old = mem_alloc(&ctx->mem, (r->nfields + 1) *
		    sizeof(*old));
		if ((e = res_load(ctx, r, target, v)) != NULL) {
			if (e->status != 404)
				return e;
			errs_addf(&es, "id", "Invalid pk \"%lld\" - object does "
			    "not exist.", target);
			*errors = cJSON_Duplicate(es.map, true);
			return NULL;
		}
		memcpy(old, v, (r->nfields + 1) * sizeof(*v));
		w.old = old;
		w.id = target;
		w.create = false;
		val_object(ctx, body, r->fields, r->nfields, v, false, &es);
	} else {
		for (size_t i = 0; i < r->nfields; i++)
			val_default(&r->fields[i], &v[i]);
		val_object(ctx, body, r->fields, r->nfields, v, true, &es);
	}
	/* A reference not found says so, not "This field is required." */
	const cJSON *k;
	cJSON_ArrayForEach(k, keys.map)
		errs_put(&es, k->string, cJSON_Duplicate(k, true));
	if (w.create && r->hooks != NULL && r->hooks->defaults != NULL &&
	    (e = r->hooks->defaults(ctx, &w)) != NULL)
		return e;
	if (!write) {
		if ((e = res_check(ctx, &w, &es)) != NULL)
			return e;
	} else if (!errs_any(&es)) {
		e = res_save(ctx, &w, &es);
		if (e != NULL && e->status == 400 && e->body != NULL) {
			*errors = cJSON_Duplicate(e->body, true);
			return NULL;
		}
		if (e != NULL)
			return e;
		*id = w.id;
	}
	if (errs_any(&es))
		*errors = cJSON_Duplicate(es.map, true);
	return NULL;
}

static const char imp_sql_row_set[] =
    "UPDATE import_row SET data = ?, errors = ?, valid = ? WHERE id = ?";
static const char imp_sql_session_status[] =
    "UPDATE import_session SET status = ? WHERE id = ?";

static struct err *
row_store(struct ctx *ctx, long long row, const cJSON *data,
    const cJSON *errors)
{
	db_stmt *st = db_prepare(ctx, imp_sql_row_set);
	char *d = data != NULL ? cJSON_PrintUnformatted(data) : NULL;
	char *x = errors != NULL ? cJSON_PrintUnformatted(errors) : NULL;
	struct err *e;

	if (st == NULL) {
		free(d);
		free(x);
		return db_err(ctx, "DataImportRow");
	}
	st_bind_text(st, 1, d != NULL ? d : "{}", -1, SQLITE_TRANSIENT);
	st_bind_text(st, 2, x != NULL ? x : "{}", -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 3, errors == NULL);
	st_bind_int64(st, 4, row);
	e = db_step(ctx, st, "DataImportRow");
	free(d);
	free(x);
	return e;
}

static struct err *
session_status(struct ctx *ctx, long long id, int status)
{
	db_stmt *st = db_prepare(ctx, imp_sql_session_status);

	if (st == NULL)
		return db_err(ctx, "DataImportSession");
	st_bind_int64(st, 1, status);
	st_bind_int64(st, 2, id);
	return db_step(ctx, st, "DataImportSession");
}

/* Every required field is mapped, or has a default or an override.  Not
 * with update_records: a row that updates gives only what changes (a row
 * that creates is refused by the model's own check, per row). */
static struct err *
check_required(struct ctx *ctx, const struct session *s)
{
	struct errs es;

	if (s->update)
		return NULL;
	errs_init(&es, ctx);
	for (size_t i = 0; i < s->r->nfields; i++) {
		const struct field *f = &s->r->fields[i];
		if (!(f->flags & F_REQUIRED) || !import_field_ok(f) ||
		    s->map[i] != NULL ||
		    cJSON_HasObjectItem(s->defaults, f->name) ||
		    cJSON_HasObjectItem(s->overrides, f->name))
			continue;
		errs_addf(&es, f->name, "Field \"%s\" is required: map a "
		    "column to it or give a default.", f->name);
	}
	return errs_end(&es);
}

/*
 * A row's work in an arena of its own (mem.h), so that checking or
 * importing 100,000 rows keeps memory to one row's: row_enter() before,
 * row_leave() after.  An error that ends the request lives in the row's
 * arena, which is then kept until the request ends (keep).
 */
static void
row_enter(struct ctx *ctx, struct mem *saved)
{
	*saved = ctx->mem;
	memset(&ctx->mem, 0, sizeof(ctx->mem));
}

static void
arena_free(void *p)
{
	mem_free(p);
	free(p);
}

static void
row_leave(struct ctx *ctx, struct mem *saved, bool keep)
{
	struct mem inner = ctx->mem;

	ctx->mem = *saved;
	if (!keep) {
		mem_free(&inner);
		return;
	}
	struct mem *m = malloc(sizeof(*m));
	if (m == NULL)
		mem_oom();
	*m = inner;
	mem_defer(&ctx->mem, arena_free, m);
}

/* Rows of a session read a batch at a time, in file order. */
#define ROW_BATCH	200

struct batch {
	long long	 id[ROW_BATCH];
	char		*cells[ROW_BATCH];	/* row_data, malloc'd */
	int		 n;
};

static void
batch_clear(struct batch *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->cells[i]);
	b->n = 0;
}

/* The next open rows after id `after` (valid ones only when valid). */
static struct err *
batch_next(struct ctx *ctx, long long session, long long after, bool valid,
    struct batch *b)
{
	db_stmt *st = db_prepare(ctx, valid ?
	    "SELECT id, row_data FROM import_row WHERE session = ? AND "
	    "complete = 0 AND valid = 1 AND id > ? ORDER BY id LIMIT 200" :
	    "SELECT id, row_data FROM import_row WHERE session = ? AND "
	    "complete = 0 AND id > ? ORDER BY id LIMIT 200");
	int rc = SQLITE_DONE;

	batch_clear(b);
	if (st == NULL)
		return db_err(ctx, "DataImportRow");
	st_bind_int64(st, 1, session);
	st_bind_int64(st, 2, after);
	while (b->n < ROW_BATCH && (rc = st_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)st_column_text(st, 1);
		b->id[b->n] = st_column_int64(st, 0);
		if ((b->cells[b->n] = strdup(c != NULL ? c : "{}")) == NULL)
			mem_oom();
		b->n++;
	}
	st_reset(st);
	return b->n < ROW_BATCH && rc != SQLITE_DONE ?
	    db_err(ctx, "DataImportRow") : NULL;
}

/* Maps and checks one row (write false), storing its data and errors. */
static struct err *
row_check_one(struct ctx *ctx, const struct session *s, long long row,
    const char *cells)
{
	cJSON *c = cJSON_Parse(cells), *errors = NULL;
	cJSON *data = row_data(s, c);
	long long id = 0;
	bool upd;
	struct err *e;

	cJSON_Delete(c);
	if ((e = row_apply(ctx, s, data, false, &errors, &id, &upd)) == NULL)
		e = row_store(ctx, row, data, errors);
	cJSON_Delete(errors);
	cJSON_Delete(data);
	return e;
}

/*
 * POST /api/importer/session/<pk>/accept_fields/: the mapping is taken;
 * every open row is mapped and checked, its data and errors stored.
 */
struct err *
import_accept_fields(struct ctx *ctx)
{
	struct session s;
	struct batch *b;
	struct err *e;
	long long after = 0;

	if ((e = session_load(ctx, &s)) != NULL)
		return e;
	if (s.status == IS_COMPLETE)
		return err_new(ctx, 400, "The import is complete.");
	if ((e = perm_need(ctx, s.r->write_area != NULL ? s.r->write_area :
	    s.r->area, PERM_ADD)) != NULL ||
	    (e = check_required(ctx, &s)) != NULL)
		return e;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	b = mem_zalloc(&ctx->mem, sizeof(*b));
	do {
		if ((e = batch_next(ctx, s.id, after, false, b)) != NULL)
			break;
		for (int i = 0; i < b->n && e == NULL; i++) {
			struct mem saved;
			row_enter(ctx, &saved);
			e = row_check_one(ctx, &s, b->id[i], b->cells[i]);
			row_leave(ctx, &saved, e != NULL);
		}
		if (b->n > 0)
			after = b->id[b->n - 1];
	} while (e == NULL && b->n == ROW_BATCH);
	batch_clear(b);
	if (e != NULL)
		return db_end(ctx, e);
	if ((e = session_status(ctx, s.id, IS_PROCESSING)) != NULL ||
	    (e = db_end(ctx, NULL)) != NULL)
		return e;
	return res_answer(ctx, &import_session_resource, s.id, 200);
}

enum { AR_ROWS, AR_ALL, AR__N };

const struct field import_accept_rows_input[] = {
	[AR_ROWS] = { "rows", FT_IDS, 0, .ref = &import_row_resource,
	    .label = "Rows", .help = "List of row IDs to accept" },
	[AR_ALL] = { "all", FT_BOOL, 0, .label = "All",
	    .help = "Every valid row not yet imported (instead of rows)" },
	{ NULL },
};

static const char imp_sql_row_get[] =
    "SELECT session, row_data, complete FROM import_row WHERE id = ?";
static const char imp_sql_row_done[] =
    "UPDATE import_row SET data = ?, errors = '{}', valid = 1, complete = 1"
    " WHERE id = ?";
static const char imp_sql_open_count[] =
    "SELECT count(*) FROM import_row WHERE session = ? AND complete = 0";

/* A refused row: its errors and data, kept (malloc'd) past the rollback. */
struct refusal {
	long long	 row;
	cJSON		*data;
	cJSON		*errors;
};

struct commit {
	const struct session	*s;
	cJSON			*done, *created, *updated;
	struct refusal		*refused;
	size_t			 nrefused, cap;
	size_t			 n;		/* rows seen */
};

static void
commit_free(void *p)
{
	struct commit *c = p;

	for (size_t i = 0; i < c->nrefused; i++) {
		cJSON_Delete(c->refused[i].data);
		cJSON_Delete(c->refused[i].errors);
	}
	free(c->refused);
	cJSON_Delete(c->done);
	cJSON_Delete(c->created);
	cJSON_Delete(c->updated);
}

/* Writes one row, or notes its refusal. */
static struct err *
commit_one(struct ctx *ctx, struct commit *c, long long row,
    const char *cells)
{
	cJSON *cj = cJSON_Parse(cells), *errors = NULL;
	cJSON *data = row_data(c->s, cj);
	long long id = 0;
	bool upd = false;
	struct err *e;

	cJSON_Delete(cj);
	c->n++;
	if ((e = row_apply(ctx, c->s, data, true, &errors, &id, &upd)) !=
	    NULL) {
		cJSON_Delete(data);
		return e;
	}
	if (errors != NULL) {
		if (c->nrefused == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 16;
			struct refusal *r = realloc(c->refused,
			    c->cap * sizeof(*r));
			if (r == NULL)
				mem_oom();
			c->refused = r;
		}
		c->refused[c->nrefused++] = (struct refusal){ row, data,
		    errors };
		return NULL;
	}
	cJSON_AddItemToArray(upd ? c->updated : c->created,
	    cJSON_CreateNumber((double)id));
	cJSON_AddItemToArray(c->done, cJSON_CreateNumber((double)row));
	db_stmt *st = db_prepare(ctx, imp_sql_row_done);
	char *d = cJSON_PrintUnformatted(data);
	cJSON_Delete(data);
	if (st == NULL || d == NULL) {
		free(d);
		return db_err(ctx, "DataImportRow");
	}
	st_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 2, row);
	e = db_step(ctx, st, "DataImportRow");
	free(d);
	return e;
}

/* The row pk given by the client: of this session, not yet imported. */
static struct err *
commit_given(struct ctx *ctx, struct commit *c, long long row)
{
	db_stmt *st = db_prepare(ctx, imp_sql_row_get);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "DataImportRow");
	st_bind_int64(st, 1, row);
	if ((e = db_row(ctx, st, "DataImportRow", &found)) != NULL)
		return e;
	const char *why = !found || st_column_int64(st, 0) != c->s->id ?
	    "Row does not belong to this session" :
	    st_column_int64(st, 2) ? "Row has already been completed" : NULL;
	char *cells = why == NULL ? strdup((const char *)st_column_text(st,
	    1)) : NULL;
	st_reset(st);
	if (why != NULL)
		return err_field(ctx, "rows", "%s: %lld.", why, row);
	if (cells == NULL)
		mem_oom();
	e = commit_one(ctx, c, row, cells);
	free(cells);
	return e;
}

/*
 * POST /api/importer/session/<pk>/accept_rows/ {"rows": [pk, ...]} (or
 * {"all": true}: every valid row not yet imported): the rows are written
 * as creates (or, with update_records, updates) of the model, all in one
 * transaction; when any is refused nothing is written and the refusals
 * are stored on their rows (400).  The import goes into the audit log
 * with the user and the file's name.
 */
struct err *
import_accept_rows(struct ctx *ctx)
{
	const cJSON *body;
	struct session s;
	struct val v[AR__N];
	struct errs es;
	struct err *e = NULL;
	bool found;

	errs_init(&es, ctx);
	if ((e = session_load(ctx, &s)) != NULL ||
	    (e = req_data(ctx, &body)) != NULL)
		return e;
	if ((e = perm_need(ctx, s.r->write_area != NULL ? s.r->write_area :
	    s.r->area, PERM_ADD)) != NULL ||
	    (s.update && (e = perm_need(ctx, s.r->write_area != NULL ?
	    s.r->write_area : s.r->area, PERM_CHANGE)) != NULL))
		return e;
	for (int i = 0; i < AR__N; i++)
		val_default(&import_accept_rows_input[i], &v[i]);
	val_object(ctx, body, import_accept_rows_input, AR__N, v, true, &es);
	if (!errs_any(&es) && !v[AR_ALL].i && v[AR_ROWS].n == 0)
		errs_add(&es, "rows", "No rows provided");
	if ((e = errs_end(&es)) != NULL)
		return e;

	struct commit *c = mem_zalloc(&ctx->mem, sizeof(*c));
	c->s = &s;
	c->done = cJSON_CreateArray();
	c->created = cJSON_CreateArray();
	c->updated = cJSON_CreateArray();
	mem_defer(&ctx->mem, commit_free, c);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	if (v[AR_ALL].i) {
		struct batch *b = mem_zalloc(&ctx->mem, sizeof(*b));
		long long after = 0;
		do {
			if ((e = batch_next(ctx, s.id, after, true, b)) != NULL)
				break;
			for (int i = 0; i < b->n && e == NULL; i++) {
				struct mem saved;
				row_enter(ctx, &saved);
				e = commit_one(ctx, c, b->id[i], b->cells[i]);
				row_leave(ctx, &saved, e != NULL);
			}
			if (b->n > 0)
				after = b->id[b->n - 1];
		} while (e == NULL && b->n == ROW_BATCH);
		batch_clear(b);
	} else {
		for (size_t i = 0; i < v[AR_ROWS].n && e == NULL; i++) {
			struct mem saved;
			row_enter(ctx, &saved);
			e = commit_given(ctx, c, v[AR_ROWS].ids[i]);
			row_leave(ctx, &saved, e != NULL);
		}
	}
	if (e != NULL)
		return db_end(ctx, e);
	if (c->nrefused > 0) {
		/* Nothing is written; the refusals are kept on their rows. */
		db_rollback(ctx);
		if ((e = db_begin(ctx)) != NULL)
			return e;
		cJSON *o = cJSON_CreateObject();
		cJSON *m = cJSON_AddArrayToObject(o, "non_field_errors");
		cJSON *rows = cJSON_AddArrayToObject(o, "rows");
		cJSON_AddItemToArray(m, cJSON_CreateString(mem_printf(
		    &ctx->mem, "%zu of %zu rows were refused: nothing was "
		    "imported.", c->nrefused, c->n)));
		mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, o);
		for (size_t i = 0; i < c->nrefused; i++) {
			const struct refusal *r = &c->refused[i];
			if ((e = row_store(ctx, r->row, r->data,
			    r->errors)) != NULL)
				return db_end(ctx, e);
			if (i < 100) {
				cJSON *f = cJSON_CreateObject();
				cJSON_AddNumberToObject(f, "row",
				    (double)r->row);
				cJSON_AddItemToObject(f, "errors",
				    cJSON_Duplicate(r->errors, true));
				cJSON_AddItemToArray(rows, f);
			}
		}
		if ((e = db_end(ctx, NULL)) != NULL)
			return e;
		return err_fields(ctx, cJSON_Duplicate(o, true));
	}
	db_stmt *st = db_prepare(ctx, imp_sql_open_count);
	if (st == NULL)
		return db_end(ctx, db_err(ctx, "DataImportRow"));
	st_bind_int64(st, 1, s.id);
	if ((e = db_row(ctx, st, "DataImportRow", &found)) != NULL)
		return db_end(ctx, e);
	long long open = found ? st_column_int64(st, 0) : 0;
	st_reset(st);
	const char *target = mem_printf(&ctx->mem, "%s: %zu rows from "
	    "\"%.200s\" (import session %lld)", s.r->model, c->n, s.file,
	    s.id);
	if ((e = session_status(ctx, s.id, open == 0 ? IS_COMPLETE :
	    IS_PROCESSING)) != NULL ||
	    (e = audit_event(ctx, AUDIT_DATA_IMPORTED, target)) != NULL ||
	    (e = db_end(ctx, NULL)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "rows", cJSON_Duplicate(c->done, true));
	cJSON_AddItemToObject(o, "created", cJSON_Duplicate(c->created, true));
	cJSON_AddItemToObject(o, "updated", cJSON_Duplicate(c->updated, true));
	return resp_json(ctx, 201, o);
}
