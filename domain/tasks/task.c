/*
 * task: the task queue.  See task.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dbcheck.h"
#include "list.h"
#include "log.h"
#include "files/media.h"
#include "inventory/notify.h"
#include "resp.h"
#include "route.h"
#include "tasks/task.h"
#include "text.h"

static const char task_sql_enqueue[] =
    "INSERT INTO task (name, args, run_at) VALUES (?, ?, unixepoch() + ?)";
static const char task_sql_enqueue_once[] =
    "INSERT INTO task (name, args) SELECT ?1, ?2 WHERE NOT EXISTS "
    "(SELECT 1 FROM task WHERE status = 'pending' AND name = ?1 AND "
    "args = ?2)";
static const char task_sql_seen[] =
    "UPDATE task_runner SET last_seen = ? WHERE name = ?";
static const char task_sql_due_schedules[] =
    "SELECT name, every FROM task_schedule WHERE next_run <= ?";
static const char task_sql_schedule_add[] =
    "INSERT INTO task (name) SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM task "
    "WHERE name = ?1 AND status IN ('pending', 'running'))";
static const char task_sql_schedule_next[] =
    "UPDATE task_schedule SET next_run = ? WHERE name = ?";
static const char task_sql_give_up[] =
    "UPDATE task SET status = 'failed', claim = NULL, finished = ?1, "
    "updated = ?1, last_error = 'The runner stopped before finishing "
    "(its lease ended) and no attempts are left.' "
    "WHERE status = 'running' AND claimed_until < ?1 AND "
    "attempts >= max_attempts";
static const char task_sql_claim[] =
    "UPDATE task SET status = 'running', claim = ?1, claimed_by = ?2, "
    "claimed_until = ?3 + ?4, attempts = attempts + 1, updated = ?3 "
    "WHERE id = (SELECT id FROM task WHERE (status = 'pending' AND "
    "run_at <= ?3) OR (status = 'running' AND claimed_until < ?3 AND "
    "attempts < max_attempts) ORDER BY run_at, id LIMIT 1) "
    "RETURNING id, name, args, attempts, max_attempts";
static const char task_sql_done[] =
    "UPDATE task SET status = 'done', claim = NULL, finished = ?3, "
    "updated = ?3, last_error = '' WHERE id = ?1 AND claim = ?2";
static const char task_sql_failed[] =
    "UPDATE task SET status = CASE WHEN attempts >= max_attempts THEN "
    "'failed' ELSE 'pending' END, finished = CASE WHEN attempts >= "
    "max_attempts THEN ?3 END, run_at = ?3 + ?4, last_error = ?5, "
    "claim = NULL, updated = ?3 WHERE id = ?1 AND claim = ?2";

/* ---- the tasks ------------------------------------------------------ */

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

	(void)args;
	if (db_begin(ctx) != 0) {
		snprintf(err, errsz, "expire: database busy or unavailable");
		return -1;
	}
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = db_prepare(ctx, sql[i]);
		if (st == NULL) {
			db_rollback(ctx);
			snprintf(err, errsz, "expire: cannot prepare");
			return -1;
		}
		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, ctx->cfg.login_failure_window);
		if (sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errsz, "expire: %s",
			    sqlite3_errmsg(ctx->db));
			db_rollback(ctx);
			return -1;
		}
	}
	if (db_commit(ctx) != 0) {
		snprintf(err, errsz, "expire: commit failed");
		return -1;
	}
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

	(void)args;
	if (db_open(ctx, DB_CHECK_SCHEMA) != 0) {
		snprintf(err, errsz, "backup: database unavailable");
		return -1;
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
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = db_prepare(ctx, sql[i]);
		if (st == NULL) {
			snprintf(err, errsz, "fts_merge: cannot prepare");
			return -1;
		}
		/* Negative: any segments may merge, down to one. */
		sqlite3_bind_int(st, 1, -TASK_FTS_MERGE_PAGES);
		for (;;) {
			if (ctx_now_us() - t0 > TASK_FTS_MERGE_BUDGET_MS * 1000LL)
				return 0;
			if (db_begin(ctx) != 0) {
				snprintf(err, errsz, "fts_merge: database busy "
				    "or unavailable");
				return -1;
			}
			int before = sqlite3_total_changes(ctx->db);
			int rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE) {
				snprintf(err, errsz, "fts_merge: %s",
				    sqlite3_errmsg(ctx->db));
				db_rollback(ctx);
				return -1;
			}
			int changed = sqlite3_total_changes(ctx->db) - before;
			if (db_commit(ctx) != 0) {
				snprintf(err, errsz, "fts_merge: commit failed");
				return -1;
			}
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
};
const size_t task_defs_count = sizeof(task_defs) / sizeof(task_defs[0]);

/* ---- the queue ------------------------------------------------------ */

/*
 * Adds task name with arguments args_json (a JSON object, "{}" if NULL)
 * to run delay seconds from now.  Call inside the caller's transaction.
 * Returns 0 or the status of the error set.
 */
int
task_enqueue(struct ctx *ctx, const char *name, const char *args_json,
    long long delay)
{
	sqlite3_stmt *st = db_prepare(ctx, task_sql_enqueue);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, args_json != NULL ? args_json : "{}", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, delay);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "task enqueue");
	return 0;
}

/*
 * As task_enqueue() with no delay, unless a task of that name with the
 * same arguments is already pending (not yet claimed): the events that
 * ask for a check or a sweep may fire many times before it runs.
 * Returns 0 or the status of the error set.
 */
int
task_enqueue_once(struct ctx *ctx, const char *name, const char *args_json)
{
	sqlite3_stmt *st = db_prepare(ctx, task_sql_enqueue_once);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, args_json != NULL ? args_json : "{}", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "task enqueue");
	return 0;
}

/* Enqueues the periodic tasks whose time has come. */
static int
task_schedules(struct ctx *ctx, long long now)
{
	sqlite3_stmt *due, *add, *next;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((due = db_prepare(ctx, task_sql_due_schedules)) == NULL ||
	    (add = db_prepare(ctx, task_sql_schedule_add)) == NULL ||
	    (next = db_prepare(ctx, task_sql_schedule_next)) == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(due, 1, now);
	while ((rc = sqlite3_step(due)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(due, 0);
		long long every = sqlite3_column_int64(due, 1);
		sqlite3_reset(add);
		sqlite3_bind_text(add, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_reset(next);
		sqlite3_bind_int64(next, 1, now + every);
		sqlite3_bind_text(next, 2, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(add) != SQLITE_DONE ||
		    sqlite3_step(next) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_reset(due);
	if (rc != SQLITE_DONE) {
		rc = db_fail(ctx, "task schedules");
		db_rollback(ctx);
		return rc;
	}
	return db_commit(ctx);
}

static const struct task_def *
task_find(const char *name)
{
	for (size_t i = 0; i < task_defs_count; i++)
		if (strcmp(task_defs[i].name, name) == 0)
			return &task_defs[i];
	return NULL;
}

static long long
task_backoff(int attempts)
{
	long long d = TASK_BACKOFF;

	for (int i = 1; i < attempts && d < TASK_BACKOFF_MAX; i++)
		d *= 2;
	return d < TASK_BACKOFF_MAX ? d : TASK_BACKOFF_MAX;
}

/*
 * Runs due tasks as runner ("worker", "backoffice", ...): records that the
 * runner was seen, enqueues due periodic tasks, fails tasks whose runner
 * died with no attempts left, then claims and runs tasks one at a time
 * until none is due, max_tasks have run or budget_ms has passed.  *ran
 * gets the number run.  Call outside a transaction.  Returns 0, or the
 * status of a database error (tasks' own failures are recorded, not
 * returned).
 */
int
task_run_due(struct ctx *ctx, const char *runner, int max_tasks,
    long long budget_ms, int *ran)
{
	long long t0 = ctx_now_us();
	long long now = (long long)time(NULL);
	sqlite3_stmt *seen, *giveup, *claim, *done, *failed;
	int rc;

	*ran = 0;
	if ((seen = db_prepare(ctx, task_sql_seen)) == NULL ||
	    (giveup = db_prepare(ctx, task_sql_give_up)) == NULL ||
	    (claim = db_prepare(ctx, task_sql_claim)) == NULL ||
	    (done = db_prepare(ctx, task_sql_done)) == NULL ||
	    (failed = db_prepare(ctx, task_sql_failed)) == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(seen, 1, now);
	sqlite3_bind_text(seen, 2, runner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(giveup, 1, now);
	if (sqlite3_step(seen) != SQLITE_DONE ||
	    sqlite3_step(giveup) != SQLITE_DONE)
		return db_fail(ctx, "task runner");
	if ((rc = task_schedules(ctx, now)) != 0)
		return rc;

	while (*ran < max_tasks && (ctx_now_us() - t0) / 1000 < budget_ms) {
		char token[33], err[1000] = "";
		now = (long long)time(NULL);
		if (rnd_hex(token, 16) != 0)
			return resp_internal(ctx, "no random bytes");
		sqlite3_reset(claim);
		sqlite3_bind_text(claim, 1, token, -1, SQLITE_STATIC);
		sqlite3_bind_text(claim, 2, runner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(claim, 3, now);
		sqlite3_bind_int64(claim, 4, TASK_LEASE);
		rc = sqlite3_step(claim);
		if (rc == SQLITE_DONE)
			break;			/* nothing due */
		if (rc != SQLITE_ROW)
			return db_fail(ctx, "task claim");
		long long id = sqlite3_column_int64(claim, 0);
		char *name = mem_strdup(&ctx->mem,
		    (const char *)sqlite3_column_text(claim, 1));
		cJSON *args = cJSON_Parse(
		    (const char *)sqlite3_column_text(claim, 2));
		int attempt = sqlite3_column_int(claim, 3);
		int max = sqlite3_column_int(claim, 4);
		if (sqlite3_step(claim) != SQLITE_DONE) {
			cJSON_Delete(args);
			return db_fail(ctx, "task claim");
		}
		sqlite3_reset(claim);

		const struct task_def *def = task_find(name);
		int ok;
		if (def == NULL) {
			snprintf(err, sizeof(err), "unknown task \"%.64s\"",
			    name);
			ok = -1;
		} else if (args == NULL || !cJSON_IsObject(args)) {
			snprintf(err, sizeof(err), "arguments are not a JSON "
			    "object");
			ok = -1;
		} else
			ok = def->run(ctx, args, err, sizeof(err));
		cJSON_Delete(args);
		db_rollback(ctx);	/* a task must not leave one open */
		ctx->resp.status = 0;	/* nor an answer for anyone */
		now = (long long)time(NULL);
		sqlite3_stmt *fin = ok == 0 ? done : failed;
		sqlite3_reset(fin);
		sqlite3_bind_int64(fin, 1, id);
		sqlite3_bind_text(fin, 2, token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(fin, 3, now);
		if (ok != 0) {
			sqlite3_bind_int64(fin, 4, attempt >= max ? 0 :
			    task_backoff(attempt));
			sqlite3_bind_text(fin, 5, err[0] ? err : "failed", -1,
			    SQLITE_STATIC);
		}
		if (sqlite3_step(fin) != SQLITE_DONE)
			return db_fail(ctx, "task finish");
		if (sqlite3_changes(ctx->db) == 0)
			log_msg(ctx, LOG_WARN, "task %lld %s: lease lost before "
			    "it finished; another runner has it", id, name);
		else if (ok == 0)
			log_msg(ctx, LOG_INFO, "task %lld %s done (attempt %d, "
			    "runner %s)", id, name, attempt, runner);
		else
			log_msg(ctx, LOG_WARN, "task %lld %s %s (attempt %d of "
			    "%d, runner %s): %s", id, name, attempt >= max ?
			    "failed" : "will retry", attempt, max, runner, err);
		(*ran)++;
	}
	return 0;
}

/*
 * For /api/: whether a runner was seen within TASK_SEEN_WITHIN seconds,
 * and how many tasks wait (pending or running).  Returns 0, or the status
 * of the error set.
 */
int
task_status(struct ctx *ctx, bool *running, long long *pending)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM task_runner WHERE last_seen >= ?), "
	    "(SELECT count(*) FROM task WHERE status IN ('pending', "
	    "'running'))";
	sqlite3_stmt *st = db_prepare(ctx, sql);

	*running = false;
	*pending = 0;
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, (long long)time(NULL) - TASK_SEEN_WITHIN);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "task status");
	*running = sqlite3_column_int64(st, 0) > 0;
	*pending = sqlite3_column_int64(st, 1);
	return 0;
}

/* ---- the superuser's API --------------------------------------------- */

static const char task_api_select[] =
    "SELECT t.id, t.name, t.args, t.status, t.run_at, t.attempts, "
    "t.max_attempts, t.claimed_by, t.last_error, t.created, t.updated, "
    "t.finished FROM task t WHERE 1";
static const char task_api_count[] = "SELECT count(*) FROM task t WHERE 1";
static const char task_api_one[] =
    "SELECT t.id, t.name, t.args, t.status, t.run_at, t.attempts, "
    "t.max_attempts, t.claimed_by, t.last_error, t.created, t.updated, "
    "t.finished FROM task t WHERE t.id = ?";

static const struct list_filter task_api_filters[] = {
	{ "status", LIST_TEXT, " AND t.status = ?", NULL, NULL, NULL },
	{ "name", LIST_TEXT, " AND t.name = ?", NULL, NULL, NULL },
};

static const struct list_order task_api_orders[] = {
	{ "pk", "t.id", "t.id DESC" },
	{ "run_at", "t.run_at, t.id", "t.run_at DESC, t.id DESC" },
	{ "updated", "t.updated, t.id", "t.updated DESC, t.id DESC" },
};

static void
task_time(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
	char buf[32];
	struct tm tm;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	time_t t = (time_t)sqlite3_column_int64(st, col);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, name, buf);
}

static cJSON *
task_api_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	(void)ctx;
	(void)arg;
	if (o == NULL)
		mem_oom();
	cJSON_AddNumberToObject(o, "pk", (double)sqlite3_column_int64(st, 0));
	cJSON_AddStringToObject(o, "name",
	    (const char *)sqlite3_column_text(st, 1));
	cJSON *args = cJSON_Parse((const char *)sqlite3_column_text(st, 2));
	cJSON_AddItemToObject(o, "args", args != NULL ? args :
	    cJSON_CreateObject());
	cJSON_AddStringToObject(o, "status",
	    (const char *)sqlite3_column_text(st, 3));
	task_time(o, "run_at", st, 4);
	cJSON_AddNumberToObject(o, "attempts", sqlite3_column_int(st, 5));
	cJSON_AddNumberToObject(o, "max_attempts", sqlite3_column_int(st, 6));
	cJSON_AddStringToObject(o, "runner",
	    (const char *)sqlite3_column_text(st, 7));
	cJSON_AddStringToObject(o, "last_error",
	    (const char *)sqlite3_column_text(st, 8));
	task_time(o, "created", st, 9);
	task_time(o, "updated", st, 10);
	task_time(o, "finished", st, 11);
	return o;
}

/* GET /api/admin/task/: the queue, newest first; ?status=, ?name=. */
int
task_api_list(struct ctx *ctx)
{
	struct list_q q;
	int rc;

	list_init(&q, ctx, "t.id DESC");
	if ((rc = list_filters(&q, task_api_filters,
	    sizeof(task_api_filters) / sizeof(task_api_filters[0]),
	    false)) != 0 || (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, task_api_orders,
	    sizeof(task_api_orders) / sizeof(task_api_orders[0]));
	return list_run(&q, task_api_select, task_api_count, task_api_json,
	    NULL);
}

/*
 * POST /api/admin/task/<pk>/retry/: a failed task runs again as new (its
 * attempts start over), at the next runner.
 */
int
task_api_retry(struct ctx *ctx)
{
	static const char sql_retry[] =
	    "UPDATE task SET status = 'pending', attempts = 0, run_at = ?2, "
	    "updated = ?2, finished = NULL, last_error = '' "
	    "WHERE id = ?1 AND status = 'failed'";
	long long id = route_param_id(ctx, "pk");
	sqlite3_stmt *up, *one;
	int rc;

	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((up = db_prepare(ctx, sql_retry)) == NULL ||
	    (one = db_prepare(ctx, task_api_one)) == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(up, 1, id);
	sqlite3_bind_int64(up, 2, (long long)time(NULL));
	if (sqlite3_step(up) != SQLITE_DONE) {
		rc = db_fail(ctx, "task retry");
		db_rollback(ctx);
		return rc;
	}
	int changed = sqlite3_changes(ctx->db);
	sqlite3_bind_int64(one, 1, id);
	rc = sqlite3_step(one);
	if (rc != SQLITE_ROW) {
		db_rollback(ctx);
		return rc == SQLITE_DONE ? resp_error(ctx, 404, "No Task "
		    "matches the given query.") : db_fail(ctx, "task get");
	}
	if (!changed) {
		db_rollback(ctx);
		return resp_field_error(ctx, "status", "Only a failed task can "
		    "be retried.");
	}
	cJSON *o = task_api_json(ctx, one, NULL);
	sqlite3_reset(one);
	if ((rc = db_commit(ctx)) != 0) {
		cJSON_Delete(o);
		return rc;
	}
	return resp_json(ctx, 200, o);
}

/* ---- the after-response runner --------------------------------------- */

static const char task_sql_after_slot[] =
    "UPDATE task_runner SET last_start = ?1 WHERE name = 'backoffice' AND "
    "last_start <= ?1 - ?2 AND (EXISTS (SELECT 1 FROM task WHERE "
    "(status = 'pending' AND run_at <= ?1) OR (status = 'running' AND "
    "claimed_until < ?1)) OR EXISTS (SELECT 1 FROM task_schedule WHERE "
    "next_run <= ?1))";

/*
 * The detached runner: the worker tool in a fresh process image (SQLite
 * connections and their locks must not be carried across fork), with the
 * CGI streams replaced by /dev/null so that nothing keeps the server
 * waiting for the end of the answer.  Its log lines reach LOG_FILE only.
 */
static void __attribute__((noreturn))
task_detached(struct ctx *ctx)
{
	static char name[] = "worker", flag[] = "--backoffice";
	char *argv[] = { name, flag, NULL };
	const char *worker = mem_printf(&ctx->mem, "%s/bin/worker",
	    ctx->cfg.root_dir);
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	close_range(3, ~0U, 0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);	/* a FastCGI parent ignores it */
	execve(worker, argv, (char *const *)ctx->envp);
	_exit(127);
}

/*
 * Called by a CGI program when its answer is ready, just before sending
 * it.  With TASK_AFTER_RESPONSE on, when tasks are due, and when no
 * after-response runner has started within TASK_AFTER_EVERY seconds (one
 * UPDATE decides, so only one program wins), it starts a runner detached
 * from the request: fork, setsid, and the child closes its copies of the
 * CGI streams and becomes `worker --backoffice`.  That matters because a web server may
 * end the program (lighttpd sends SIGTERM) as soon as it has the whole
 * answer, and waits for the output to close.  Only a process answering on
 * its own standard output or a FastCGI connection does this (app_main sets
 * ctx->detach_ok; not tests or harnesses running requests in-process), and
 * only if the request opened the database.
 */
void
task_after_response(struct ctx *ctx)
{
	if (!ctx->cfg_ok || !ctx->cfg.task_after_response || ctx->db == NULL ||
	    !ctx->detach_ok || !sqlite3_get_autocommit(ctx->db))
		return;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ctx->db, task_sql_after_slot, -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, (long long)time(NULL));
	sqlite3_bind_int64(st, 2, TASK_AFTER_EVERY);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_changes(ctx->db) != 1)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		log_msg(ctx, LOG_WARN, "after-response runner: fork: %s",
		    strerror(errno));
	else if (pid == 0) {
		/*
		 * A session of its own, so no signal for the program's group
		 * reaches it; when the program exits, init adopts and reaps
		 * it.  (No intermediate process: it would have nothing to do
		 * but exit, and the new image has no controlling terminal to
		 * acquire.)
		 */
		setsid();
		task_detached(ctx);
	}
}
