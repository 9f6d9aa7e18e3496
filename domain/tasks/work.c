/*
 * work: every kind of task, by name (task_defs[], task.h), and the bodies
 * that belong to no area of their own: housekeeping of the files, the
 * sign-in tables, the backups and the search indexes.  The areas' own
 * bodies (low stock, e-mail: inventory/notify.c) are named here too, so
 * that the queue (task.c) knows no area.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "plugins/plugin.h"
#include "dbcheck.h"
#include "err.h"
#include "files/media.h"
#include "inventory/notify.h"
#include "log.h"
#include "tasks/task.h"
#include "tasks/webhook.h"
#include "text.h"

/* Does nothing (after sleeping args.sleep seconds, at most 30). */
static int
task_noop(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(args, "sleep");

	(void)ctx;
	(void)err;
	(void)errsz;
	if (cJSON_IsNumber(s) && s->valuedouble > 0 && s->valuedouble <= 30)
		sleep((unsigned)s->valuedouble);
	return 0;
}

/* Sends the due webhook deliveries (tasks/webhook.c). */
static int
task_webhooks(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	(void)args;
	return webhook_deliver_due(ctx, err, errsz);
}

/* Removes the bytes of stored files whose rows are gone. */
static int
task_media_sweep(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	(void)args;
	if (media_sweep(ctx, 10000) < 0) {
		snprintf(err, errsz, "media sweep: database error");
		return -1;
	}
	return 0;
}

/*
 * Forgets what has expired: sessions past their end, API tokens 30 days
 * past theirs, failed sign-ins older than a day (and the throttling
 * window), finished tasks older than 30 days.
 */
static int
task_expire(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	static const char *const sql[] = {
		"DELETE FROM sessions WHERE expires < ?1",
		"DELETE FROM api_tokens WHERE expiry < "
		"date(?1, 'unixepoch', '-30 days')",
		"DELETE FROM login_attempts WHERE time < ?1 - max(86400, ?2)",
		"DELETE FROM task WHERE status = 'done' AND "
		"finished < ?1 - 30 * 86400",
	};
	long long now = (long long)time(NULL);
	struct err *e;

	(void)args;
	if ((e = db_begin(ctx)) != NULL)
		return task_failed(err, errsz, "expire", e);
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && e == NULL;
	    i++) {
		db_stmt *st = db_prepare(ctx, sql[i]);
		if (st == NULL) {
			e = db_err(ctx, "expire");
			break;
		}
		st_bind_int64(st, 1, now);
		if (st_bind_parameter_count(st) >= 2)
			st_bind_int64(st, 2, ctx->cfg.login_failure_window);
		e = db_step(ctx, st, "expire");
	}
	if ((e = db_end(ctx, e)) != NULL)
		return task_failed(err, errsz, "expire", e);
	return 0;
}

static int
task_backup_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
task_backup_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return strncmp(e->d_name, "stockroom-", 10) == 0 && n > 18 &&
	    strcmp(e->d_name + n - 8, ".sqlite3") == 0;
}

/*
 * An online backup of the database (SQLite's backup API: a consistent
 * copy while others write) into DATA_DIR/backups/, named by the time in
 * UTC; only the newest TASK_BACKUP_KEEP are kept.
 */
static int
task_backup(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	char stamp[32], hex[17];
	time_t now = time(NULL);
	struct tm tm;
	sqlite3 *dst = NULL;
	struct err *e;

	(void)args;
	if ((e = db_open(ctx, DB_CHECK_SCHEMA)) != NULL)
		return task_failed(err, errsz, "backup", e);
	if (ctx->pg != NULL) {
		/* PostgreSQL's are the operator's: pg_dump (docs/scale-out.md) */
		log_msg(ctx, LOG_DEBUG, "backup: PostgreSQL is backed up with "
		    "pg_dump, not by this task");
		return 0;
	}
	/*
	 * The full integrity check first (dbcheck.h): damage is recorded for
	 * health, and a damaged database is not copied over the older,
	 * sound backups.
	 */
	if (dbcheck_full(ctx, err, errsz) != 0)
		return -1;
	const char *dir = mem_printf(&ctx->mem, "%s/backups", ctx->cfg.data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "backup: mkdir %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (rnd_hex(hex, 8) != 0) {
		snprintf(err, errsz, "backup: no random bytes");
		return -1;
	}
	const char *tmp = mem_printf(&ctx->mem, "%s/.tmp-%s", dir, hex);
	const char *final = mem_printf(&ctx->mem, "%s/stockroom-%s.sqlite3",
	    dir, stamp);
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", ctx->db,
		    "main");
		if (b == NULL)
			rc = sqlite3_errcode(dst);
		else {
			/*
			 * All pages in one step, under one read transaction:
			 * in WAL mode writers go on meanwhile, and a copy made
			 * in pieces would restart at each of their commits.
			 */
			for (int tries = 0; (rc = sqlite3_backup_step(b, -1)) ==
			    SQLITE_BUSY || rc == SQLITE_LOCKED; tries++) {
				if (tries >= 100)
					break;
				sqlite3_sleep(50);
			}
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc != SQLITE_OK)
		snprintf(err, errsz, "backup: %s", dst != NULL ?
		    sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	sqlite3_close_v2(dst);
	if (rc != SQLITE_OK || chmod(tmp, 0600) != 0 ||
	    rename(tmp, final) != 0) {
		if (rc == SQLITE_OK)
			snprintf(err, errsz, "backup: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	struct dirent **list;
	int n = scandir(dir, &list, task_backup_filter, task_backup_name_cmp);
	for (int i = 0; i < n; i++) {
		if (i < n - TASK_BACKUP_KEEP)
			unlink(mem_printf(&ctx->mem, "%s/%s", dir,
			    list[i]->d_name));
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	log_msg(ctx, LOG_INFO, "backup: %s", final);
	return 0;
}

/*
 * Merges the segments of the full-text indexes, a little at a time.  FTS5
 * writes a new segment for each transaction and merges them only now and
 * then, and a search reads every segment: on the benchmark data a part
 * search cost about a fifth more with 11 segments than with one.  Each
 * step merges at most TASK_FTS_MERGE_PAGES pages in a write transaction of
 * its own, so writers never wait long; the task stops when a step finds
 * nothing to do (one segment) or after TASK_FTS_MERGE_BUDGET_MS (the next
 * run goes on from there).
 */
static int
task_fts_merge(struct ctx *ctx, const cJSON *args, char *err, size_t errsz)
{
	static const char *const sql[] = {
		"INSERT INTO part_fts (part_fts, rank) VALUES ('merge', ?)",
		"INSERT INTO stock_item_fts (stock_item_fts, rank) "
		"VALUES ('merge', ?)",
	};
	long long t0 = ctx_now_us();

	(void)args;
	if (db_on_pg)	/* no FTS5 tables: pg_trgm's indexes need no merge */
		return 0;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		db_stmt *st = db_prepare(ctx, sql[i]);
		struct err *e;
		if (st == NULL)
			return task_failed(err, errsz, "fts_merge",
			    db_err(ctx, "fts_merge"));
		/* Negative: any segments may merge, down to one. */
		st_bind_int(st, 1, -TASK_FTS_MERGE_PAGES);
		for (;;) {
			if (ctx_now_us() - t0 > TASK_FTS_MERGE_BUDGET_MS * 1000LL)
				return 0;
			if ((e = db_begin(ctx)) != NULL)
				return task_failed(err, errsz, "fts_merge", e);
			int before = sqlite3_total_changes(ctx->db);
			e = db_step(ctx, st, "fts_merge");
			st_reset(st);
			int changed = sqlite3_total_changes(ctx->db) - before;
			if ((e = db_end(ctx, e)) != NULL)
				return task_failed(err, errsz, "fts_merge", e);
			if (changed < 2)	/* FTS5: no work was left */
				break;
		}
	}
	return 0;
}

const struct task_def task_defs[] = {
	{ "noop", task_noop, "Does nothing; shows that tasks run" },
	{ "media_sweep", task_media_sweep,
	  "Removes the files of deleted attachments, parts and images" },
	{ "expire", task_expire,
	  "Forgets expired sessions, tokens, sign-in failures and old tasks" },
	{ "backup", task_backup,
	  "Online backup of the database into DATA_DIR/backups" },
	{ "low_stock", notify_low_stock_task,
	  "Tells a part's subscribers that it fell below its minimum stock" },
	{ "notify_email", notify_email_task,
	  "Sends one notification by e-mail through SENDMAIL" },
	{ "fts_merge", task_fts_merge,
	  "Merges the search indexes' segments, a little at a time" },
	{ "webhooks", task_webhooks,
	  "Sends the due webhook deliveries (signed HTTP POSTs)" },
	{ "plugin_event", plugin_task_event,
	  "Delivers one event to an event plugin, or runs a scheduled "
	  "plugin once (docs/plugins.md)" },
	{ "plugin_schedule", plugin_task_schedule,
	  "Queues the runs of the scheduled plugins whose time has come" },
};
const size_t task_defs_count = sizeof(task_defs) / sizeof(task_defs[0]);
