/*
 * api.cgi: the API root.  Server information, health, search across the
 * lists, the OpenAPI document, and the JSON 404 for every /api/ path no
 * other program serves.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "site.h"

#include "dbcheck.h"
#include "models.h"
#include "plugins/plugin.h"

/*
 * The task queue's state for /api/, when the database exists and answers;
 * otherwise no runner and nothing pending (this endpoint never fails, and
 * never creates the database).
 */
static void
api_tasks(struct ctx *ctx, bool *running, long long *pending)
{
	*running = false;
	*pending = 0;
	if ((ctx->cfg.pg_url == NULL && access(ctx->cfg.database, F_OK) != 0)
	    || db_open(ctx, DB_ANY_SCHEMA) != NULL)
		return;
	(void)task_status(ctx, running, pending);	/* logged */
}

/* GET /api/: who we are, in the shape InvenTree clients expect. */
static struct err *
api_root(struct ctx *ctx)
{
	bool running;
	long long pending;

	api_tasks(ctx, &running, &pending);
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "server", "InvenTree");
	cJSON_AddStringToObject(o, "product", "Stockroom");
	cJSON_AddStringToObject(o, "version", STOCKROOM_VERSION);
	cJSON_AddNumberToObject(o, "apiVersion", STOCKROOM_API_VERSION);
	cJSON_AddStringToObject(o, "instance", ctx->cfg.instance_name);
	cJSON_AddBoolToObject(o, "worker_running", running);
	cJSON_AddNumberToObject(o, "worker_pending_tasks", (double)pending);
	cJSON_AddBoolToObject(o, "plugins_enabled", 1);
	cJSON_AddItemToObject(o, "active_plugins", plugin_active_info(ctx));
	cJSON_AddBoolToObject(o, "email_configured", 0);
	cJSON_AddBoolToObject(o, "debug_mode", ctx->cfg.debug);
	cJSON_AddBoolToObject(o, "docker_mode", 0);
	cJSON_AddStringToObject(o, "database", db_on_pg ? "postgresql" : "sqlite");
	cJSON_AddBoolToObject(o, "system_health", 1);
	return resp_json(ctx, 200, o);
}

/* Below this much free space the data directory's disk counts as full. */
#define HEALTH_MIN_FREE (1024ULL * 1024)

/* The database file and its WAL together, in bytes (0 if unknown). */
static unsigned long long
api_db_bytes(struct ctx *ctx)
{
	const char *wal = mem_printf(&ctx->mem, "%s-wal", ctx->cfg.database);
	unsigned long long n = 0;
	struct stat st;

	if (stat(ctx->cfg.database, &st) == 0)
		n += (unsigned long long)st.st_size;
	if (wal != NULL && stat(wal, &st) == 0)
		n += (unsigned long long)st.st_size;
	return n;
}

/*
 * Is the open database damaged?  Runs quick_check only while the database
 * is at most HEALTH_QUICK_CHECK_MAX_MB (its cost grows with the file), and
 * records what it finds; larger ones rely on the record (dbcheck.h).
 */
static bool
api_quick_check(struct ctx *ctx)
{
	unsigned long long max = (unsigned long long)
	    ctx->cfg.health_quick_check_max_mb * 1024 * 1024;
	char msg[256];

	if (max == 0 || api_db_bytes(ctx) > max)
		return false;
	if (dbcheck_run(ctx->db, true, msg, sizeof(msg)) != DBCHECK_DAMAGED)
		return false;
	log_msg(ctx, LOG_ERROR, "health: quick_check: %s", msg);
	dbcheck_record(ctx->cfg.data_dir, "health quick_check", SQLITE_CORRUPT);
	return true;
}

#define HEALTH_DAMAGED "database damaged: restore it from a backup, then " \
	"run 'stockroom check'"

/*
 * GET /api/health/: 200 when the database answers, is writable, has the
 * schema this program needs and is not known to be damaged, and the data
 * directory is writable; otherwise 503 with the first reason found.  Stays
 * cheap on a large database: damage is read from its record, and
 * quick_check runs only on small ones (see dbcheck.h).
 */
static struct err *
api_health(struct ctx *ctx)
{
	const char *reason = NULL;
	char err[256], damage[DBCHECK_LINE_MAX];
	int version = -1, pending = 0;
	bool damaged = false;

	struct statvfs vfs;

	if (db_check_data_dir(ctx->cfg.data_dir, true, err, sizeof(err)) != 0)
		reason = mem_strdup(&ctx->mem, err);
	else if (access(ctx->cfg.data_dir, W_OK) != 0)
		reason = "data directory is not writable";
	else if (statvfs(ctx->cfg.data_dir, &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize < HEALTH_MIN_FREE)
		reason = "the disk holding the data directory is full (less "
		    "than 1 MiB free)";
	else if (ctx->cfg.pg_url == NULL && db_may_create(ctx->cfg.data_dir,
	    ctx->cfg.database, ctx->cfg.auto_migrate, err, sizeof(err)) != 0)
		reason = mem_strdup(&ctx->mem, err);
	else if ((damaged = dbcheck_recorded(ctx->cfg.data_dir, damage,
	    sizeof(damage))))
		reason = HEALTH_DAMAGED;
	if (reason == NULL && db_open(ctx, DB_ANY_SCHEMA) != NULL)
		reason = "database unreachable";
	if (reason == NULL) {
		version = db_version(ctx);
		pending = db_latest_version() - version;
		if (version < 0)
			reason = "database unreadable";
		else if (ctx->db != NULL &&
		    sqlite3_db_readonly(ctx->db, "main") == 1)
			reason = "database is read-only";
		else if (pending > 0)
			reason = "database migrations pending";
		else if (pending < 0 && !db_compatible(ctx, version,
		    db_latest_version()))
			reason = "database is newer than this program";
		else if (ctx->db != NULL && api_quick_check(ctx)) {
			damaged = true;
			reason = HEALTH_DAMAGED;
			(void)dbcheck_recorded(ctx->cfg.data_dir, damage,
			    sizeof(damage));
		}
	}
	if (damaged)
		version = -1;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", reason ? "unhealthy" : "healthy");
	cJSON_AddStringToObject(o, "database", version >= 0 ? "ok" : "error");
	if (version >= 0) {
		cJSON_AddNumberToObject(o, "schema_version", version);
		cJSON_AddNumberToObject(o, "pending_migrations",
		    pending > 0 ? pending : 0);
	}
	if (reason != NULL)
		cJSON_AddStringToObject(o, "reason", reason);
	/* Plugins whose last run failed (docs/plugins.md): reported, not a
	 * reason to take the node out of service. */
	cJSON *failed = plugin_failures(ctx);
	if (cJSON_GetArraySize(failed) > 0)
		cJSON_AddItemToObject(o, "plugin_failures", failed);
	else
		cJSON_Delete(failed);
	/* The record's time only: its step and error are for the log. */
	if (damaged && damage[0] != '\0')
		cJSON_AddStringToObject(o, "damaged_since",
		    mem_strndup(&ctx->mem, damage, strcspn(damage, " ")));
	return resp_json(ctx, reason ? 503 : 200, o);
}

/* A JSON value of a search body as a query parameter's text, or NULL. */
static const char *
api_search_param(struct ctx *ctx, const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d >= -9e15 && d <= 9e15 && d == (double)(long long)d)
			return mem_printf(&ctx->mem, "%lld", (long long)d);
		return mem_printf(&ctx->mem, "%.17g", d);
	}
	return NULL;		/* objects and arrays filter nothing */
}

/* The text of an error for one key of a search's answer. */
static const char *
api_search_error(struct ctx *ctx, const struct err *e)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(e->body, "detail");
	char *text;

	if (cJSON_IsString(d))
		return d->valuestring;
	if ((text = cJSON_PrintUnformatted(e->body)) == NULL)
		mem_oom();
	mem_defer(&ctx->mem, free, text);
	return text;
}

/*
 * POST /api/search/: InvenTree's search of several lists at once.  The body
 * has the term ("search"), "limit" (default 1) and "offset", and one key
 * per model to search ("part", "stockitem", ...) whose object holds that
 * list's own filters.  Each key asked for and known answers the page its
 * list would (GET <path>?search=...&limit=...&<filters>), or {"error": ...}
 * when the user may not view the model or the filters are wrong; keys for
 * models Stockroom does not serve are left out, as InvenTree leaves out
 * what it does not know.  search_regex and search_whole (InvenTree's
 * options for patterns and whole words) go to every list, as their query
 * parameters (list.h).
 */
static struct err *
api_search(struct ctx *ctx)
{
	static const char *const pass[] = { "search", "limit", "offset",
	    "search_regex", "search_whole", "search_notes" };
	const cJSON *body;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	const cJSON *term = cJSON_GetObjectItemCaseSensitive(body, "search");
	if (term == NULL || cJSON_IsNull(term))
		return err_field(ctx, "search", "Search term must be provided");
	const char *base[6];
	for (size_t k = 0; k < 6; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, pass[k]);
		base[k] = v == NULL ? NULL : api_search_param(ctx, v);
		if (v != NULL && base[k] == NULL)
			return err_field(ctx, pass[k], "Not a valid value.");
	}

	cJSON *out = cJSON_CreateObject();
	if (out == NULL)
		mem_oom();
	for (size_t m = 0; m < models_count; m++) {
		const struct resource *r = models[m];
		const cJSON *filters = cJSON_GetObjectItemCaseSensitive(body,
		    r->model);
		struct req_kv q[REQ_PARAMS_MAX];
		size_t nq = 0;
		const char *page, *why = NULL;

		if (filters == NULL || !cJSON_IsObject(filters) ||
		    r->search == NULL)
			continue;
		if (perm_need(ctx, r->area, PERM_VIEW) != NULL)
			why = "User does not have permission to view this model";
		for (const cJSON *f = filters->child; why == NULL && f != NULL;
		    f = f->next) {
			const char *v = api_search_param(ctx, f);
			bool passed = false;
			for (size_t k = 0; k < 6; k++)
				passed |= strcmp(f->string, pass[k]) == 0;
			if (v == NULL || passed)
				continue;
			if (nq == REQ_PARAMS_MAX - 5)
				why = "Too many filters.";
			else
				q[nq++] = (struct req_kv){ f->string, v };
		}
		q[nq++] = (struct req_kv){ "search", base[0] };
		q[nq++] = (struct req_kv){ "limit", base[1] != NULL ? base[1] :
		    "1" };
		for (size_t k = 2; k < 5; k++)
			if (base[k] != NULL)
				q[nq++] = (struct req_kv){ pass[k], base[k] };
		if (why == NULL && (e = res_list_as(ctx, r, q, nq, &page)) != NULL)
			why = api_search_error(ctx, e);
		cJSON *item = why != NULL ? cJSON_CreateObject() :
		    cJSON_CreateRaw(page);
		if (item == NULL || (why != NULL &&
		    cJSON_AddStringToObject(item, "error", why) == NULL))
			mem_oom();
		cJSON_AddItemToObject(out, r->model, item);
	}
	return resp_json(ctx, 200, out);
}

/*
 * GET /api/schema/: the OpenAPI 3 document of the whole API, as make
 * built it from every program's route table and resource descriptions
 * (lib/openapi.c, tools/openapi.py) and installed it in db/ beside
 * cgi-bin/; its servers entry is this install's URL.  InvenTree answers
 * YAML unless ?format=json; this is JSON either way (a JSON document is
 * YAML too).  Another ?format is 404, as Django REST framework answers.
 */
static struct err *
api_schema(struct ctx *ctx)
{
	static const char *const formats[] = { "json", "yaml", "openapi",
	    "openapi-json" };
	const char *fmt = req_query(ctx, "format");
	const char *path = mem_printf(&ctx->mem, "%s/db/openapi.json",
	    ctx->cfg.root_dir);
	bool known = fmt == NULL || fmt[0] == '\0';
	char *text = NULL;
	size_t len = 0;

	for (size_t i = 0; !known && i < sizeof(formats) / sizeof(*formats);
	    i++)
		known = strcmp(fmt, formats[i]) == 0;
	if (!known)
		return err_new(ctx, 404, "Not found.");
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		FILE *m = open_memstream(&text, &len);
		char buf[65536];
		size_t n;
		if (m == NULL)
			mem_oom();
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, m);
		fclose(m);
		fclose(f);
		mem_defer(&ctx->mem, free, text);
	}
	cJSON *doc = text != NULL ? cJSON_ParseWithLength(text, len) : NULL;
	if (doc == NULL) {
		log_msg(ctx, LOG_ERROR, "schema: %s is missing or not JSON "
		    "(make builds it)", path);
		return err_new(ctx, 503, "The API schema is not installed.");
	}
	cJSON *servers = cJSON_CreateArray();
	cJSON *one = cJSON_CreateObject();
	const char *base = req_base_url(ctx);
	cJSON_AddStringToObject(one, "url", base[0] != '\0' ? base : "/");
	cJSON_AddItemToArray(servers, one);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "servers");
	cJSON_AddItemToObject(doc, "servers", servers);
	return resp_json(ctx, 200, doc);
}

/*
 * GET, PUT, PATCH /api/metadata/<model>/<pk>/: the metadata of any object
 * by its model's name, InvenTree's path from API 436 (inventree-python
 * uses it from there; the older <object>/<pk>/metadata/ stay).  The same
 * generic handler as those (res_metadata()), with the model's permission:
 * view to read, change to write.  A model that is unknown or has no
 * metadata is 404.
 */
static struct err *
api_metadata(struct ctx *ctx)
{
	const char *name = route_param(ctx, "model");
	const struct resource *r = name != NULL ? model_find(name) : NULL;
	bool read = strcmp(ctx->req.method, "GET") == 0 ||
	    strcmp(ctx->req.method, "HEAD") == 0;
	struct err *e;

	if (r == NULL || !(r->flags & RES_METADATA))
		return err_new(ctx, 404, "Not found.");
	if ((e = perm_need(ctx, read || r->write_area == NULL ? r->area :
	    r->write_area, read ? PERM_VIEW : PERM_CHANGE)) != NULL)
		return e;
	ctx->res = r;
	return res_metadata(ctx);
}

/* What PUT and PATCH of metadata take, for OPTIONS. */
static const struct field api_metadata_input[] = {
	{ "metadata", FT_OBJECT, F_REQUIRED,
	  .help = "A JSON object (PATCH merges it, PUT replaces)" },
	{ NULL },
};

#define API_METADATA	"/api/metadata/<model:word>/<pk>/"

static const struct route api_routes[] = {
	{ "GET", "/api/", AREA_PUBLIC, PERM_VIEW, api_root,
	  "Server information", ROUTE_NO_DB },
	{ "GET", "/api/health/", AREA_PUBLIC, PERM_VIEW, api_health,
	  "Health check", ROUTE_NO_DB },
	{ "POST", "/api/search/", AREA_USER, PERM_VIEW, api_search,
	  "Search several lists at once" },
	{ "GET", "/api/schema/", AREA_USER, PERM_VIEW, api_schema,
	  "The OpenAPI 3 document of the API" },
	{ "GET", API_METADATA, AREA_USER, PERM_VIEW, api_metadata,
	  "Metadata of an object, by model (API 436)" },
	{ "PUT", API_METADATA, AREA_USER, PERM_VIEW, api_metadata,
	  "Replace the metadata of an object, by model (API 436)",
	  .input = api_metadata_input },
	{ "PATCH", API_METADATA, AREA_USER, PERM_VIEW, api_metadata,
	  "Merge into the metadata of an object, by model (API 436)",
	  .input = api_metadata_input },
};

PROGRAM_MAIN("api",
    ROUTES(api_routes))
