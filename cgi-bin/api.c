/*
 * api.cgi: the API root.  Server information, health, and the JSON 404 for
 * every /api/ path no other program serves.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "site.h"

#include "dbcheck.h"

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
	if (access(ctx->cfg.database, F_OK) != 0 ||
	    db_open(ctx, DB_ANY_SCHEMA) != NULL)
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
	else if (db_may_create(ctx->cfg.data_dir, ctx->cfg.database,
	    ctx->cfg.auto_migrate, err, sizeof(err)) != 0)
		reason = mem_strdup(&ctx->mem, err);
	else if ((damaged = dbcheck_recorded(ctx->cfg.data_dir, damage,
	    sizeof(damage))))
		reason = HEALTH_DAMAGED;
	if (reason == NULL && db_open(ctx, DB_ANY_SCHEMA) != NULL)
		reason = "database unreachable";
	if (reason == NULL) {
		version = db_schema_version(ctx->db);
		pending = db_latest_version() - version;
		if (version < 0)
			reason = "database unreadable";
		else if (sqlite3_db_readonly(ctx->db, "main") == 1)
			reason = "database is read-only";
		else if (pending > 0)
			reason = "database migrations pending";
		else if (pending < 0 && !db_schema_compatible(ctx->db,
		    version, db_latest_version()))
			reason = "database is newer than this program";
		else if (api_quick_check(ctx)) {
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
	/* The record's time only: its step and error are for the log. */
	if (damaged && damage[0] != '\0')
		cJSON_AddStringToObject(o, "damaged_since",
		    mem_strndup(&ctx->mem, damage, strcspn(damage, " ")));
	return resp_json(ctx, reason ? 503 : 200, o);
}

static const struct route api_routes[] = {
	{ "GET", "/api/", AREA_PUBLIC, PERM_VIEW, api_root,
	  "Server information", ROUTE_NO_DB },
	{ "GET", "/api/health/", AREA_PUBLIC, PERM_VIEW, api_health,
	  "Health check", ROUTE_NO_DB },
};

static const struct program api_program = PROGRAM("api",
    ROUTES(api_routes));

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &api_program);
}
