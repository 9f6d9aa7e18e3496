/*
 * api.cgi: the API root.  Server information, health, and the JSON 404 for
 * every /api/ path no other program serves.
 */
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "stockroom.h"
#include "task.h"

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
	if (access(ctx->cfg.database, F_OK) != 0)
		return;
	if (db_open(ctx, DB_ANY_SCHEMA) != 0 ||
	    task_status(ctx, running, pending) != 0) {
		ctx->resp.status = 0;
		ctx->resp.json = NULL;
	}
}

/* GET /api/: who we are, in the shape InvenTree clients expect. */
static int
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
	cJSON_AddBoolToObject(o, "plugins_enabled", 0);
	cJSON_AddBoolToObject(o, "active_plugins", 0);
	cJSON_AddBoolToObject(o, "email_configured", 0);
	cJSON_AddBoolToObject(o, "debug_mode", ctx->cfg.debug);
	cJSON_AddBoolToObject(o, "docker_mode", 0);
	cJSON_AddStringToObject(o, "database", "sqlite");
	cJSON_AddBoolToObject(o, "system_health", 1);
	return resp_json(ctx, 200, o);
}

/* Below this much free space the data directory's disk counts as full. */
#define HEALTH_MIN_FREE (1024ULL * 1024)

/*
 * GET /api/health/: 200 when the database answers, is writable and has the
 * schema this program needs, and the data directory is writable; otherwise
 * 503 with the first reason found.
 */
static int
api_health(struct ctx *ctx)
{
	const char *reason = NULL;
	char err[256];
	int version = -1, pending = 0;

	struct statvfs vfs;

	if (db_check_data_dir(ctx->cfg.data_dir, true, err, sizeof(err)) != 0)
		reason = mem_strdup(&ctx->mem, err);
	else if (access(ctx->cfg.data_dir, W_OK) != 0)
		reason = "data directory is not writable";
	else if (statvfs(ctx->cfg.data_dir, &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize < HEALTH_MIN_FREE)
		reason = "the disk holding the data directory is full (less "
		    "than 1 MiB free)";
	else if (db_may_create(ctx->cfg.data_dir, ctx->cfg.database,
	    ctx->cfg.auto_migrate, err, sizeof(err)) != 0)
		reason = mem_strdup(&ctx->mem, err);
	if (reason == NULL && db_open(ctx, DB_ANY_SCHEMA) != 0) {
		reason = "database unreachable";
		ctx->resp.status = 0;
	}
	if (reason == NULL) {
		version = db_schema_version(ctx->db);
		pending = db_latest_version() - version;
		if (version < 0)
			reason = "database unreadable";
		else if (sqlite3_db_readonly(ctx->db, "main") == 1)
			reason = "database is read-only";
		else if (pending > 0)
			reason = "database migrations pending";
		else if (pending < 0)
			reason = "database is newer than this program";
	}
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
	return resp_json(ctx, reason ? 503 : 200, o);
}

static const struct route api_routes[] = {
	{ "GET", "/api/", AREA_PUBLIC, PERM_VIEW, api_root,
	  "Server information", ROUTE_NO_DB },
	{ "GET", "/api/health/", AREA_PUBLIC, PERM_VIEW, api_health,
	  "Health check", ROUTE_NO_DB },
};

static const struct program api_program = PROGRAM("api", api_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &api_program);
}
