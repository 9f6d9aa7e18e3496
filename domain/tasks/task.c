/*
 * task: the task queue.  See task.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "res.h"
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
    "attempts < max_attempts) ORDER BY run_at, id LIMIT 1 "
    "/*FOR UPDATE SKIP LOCKED*/) "
    "RETURNING id, name, args, attempts, max_attempts";
static const char task_sql_done[] =
    "UPDATE task SET status = 'done', claim = NULL, finished = ?3, "
    "updated = ?3, last_error = '' WHERE id = ?1 AND claim = ?2";
static const char task_sql_failed[] =
    "UPDATE task SET status = CASE WHEN attempts >= max_attempts THEN "
    "'failed' ELSE 'pending' END, finished = CASE WHEN attempts >= "
    "max_attempts THEN ?3 END, run_at = ?3 + ?4, last_error = ?5, "
    "claim = NULL, updated = ?3 WHERE id = ?1 AND claim = ?2";

/* ---- the queue ------------------------------------------------------ */

/*
 * Writes what a task body failed at into err (for the task's last_error):
 * what, and the error's message.  Returns -1, a body's failure.
 */
int
task_failed(char *err, size_t errsz, const char *what, const struct err *e)
{
	const cJSON *m = e != NULL && e->body != NULL ? e->body->child : NULL;

	if (cJSON_IsArray(m))
		m = m->child;
	snprintf(err, errsz, "%s: %s", what, cJSON_IsString(m) ?
	    m->valuestring : "failed");
	return -1;
}

/*
 * sql, an enqueue statement, with ?1 the task's name and ?2 its arguments
 * args_json ("{}" if NULL) bound; NULL when it cannot be prepared.
 */
static db_stmt *
task_prepare(struct ctx *ctx, const char *sql, const char *name,
    const char *args_json)
{
	db_stmt *st = db_prepare(ctx, sql);

	if (st != NULL) {
		st_bind_text(st, 1, name, -1, SQLITE_STATIC);
		st_bind_text(st, 2, args_json != NULL ? args_json : "{}", -1,
		    SQLITE_STATIC);
	}
	return st;
}

/*
 * Adds task name with arguments args_json (a JSON object, "{}" if NULL)
 * to run delay seconds from now.  Call inside the caller's transaction.
 * Returns NULL or the error.
 */
struct err *
task_enqueue(struct ctx *ctx, const char *name, const char *args_json,
    long long delay)
{
	db_stmt *st = task_prepare(ctx, task_sql_enqueue, name, args_json);

	if (st == NULL)
		return db_err(ctx, "task enqueue");
	st_bind_int64(st, 3, delay);
	return db_step(ctx, st, "task enqueue");
}

/*
 * As task_enqueue() with no delay, unless a task of that name with the
 * same arguments is already pending (not yet claimed): the events that
 * ask for a check or a sweep may fire many times before it runs.
 * Returns NULL or the error.
 */
struct err *
task_enqueue_once(struct ctx *ctx, const char *name, const char *args_json)
{
	db_stmt *st = task_prepare(ctx, task_sql_enqueue_once, name,
	    args_json);

	if (st == NULL)
		return db_err(ctx, "task enqueue");
	return db_step(ctx, st, "task enqueue");
}

/* Enqueues the periodic tasks whose time has come (in the transaction). */
static struct err *
task_schedules_due(struct ctx *ctx, long long now)
{
	db_stmt *due, *add, *next;
	struct err *e = NULL;
	int rc;

	if ((due = db_prepare(ctx, task_sql_due_schedules)) == NULL ||
	    (add = db_prepare(ctx, task_sql_schedule_add)) == NULL ||
	    (next = db_prepare(ctx, task_sql_schedule_next)) == NULL)
		return db_err(ctx, "task schedules");
	st_bind_int64(due, 1, now);
	while (e == NULL && (rc = st_step(due)) == SQLITE_ROW) {
		const char *name = (const char *)st_column_text(due, 0);
		long long every = st_column_int64(due, 1);
		st_reset(add);
		st_bind_text(add, 1, name, -1, SQLITE_TRANSIENT);
		st_reset(next);
		st_bind_int64(next, 1, now + every);
		st_bind_text(next, 2, name, -1, SQLITE_TRANSIENT);
		if ((e = db_step(ctx, add, "task schedules")) == NULL)
			e = db_step(ctx, next, "task schedules");
	}
	if (e == NULL && rc != SQLITE_DONE)
		e = db_err(ctx, "task schedules");
	st_reset(due);
	return e;
}

/* Enqueues the periodic tasks whose time has come. */
static struct err *
task_schedules(struct ctx *ctx, long long now)
{
	struct err *e;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	return db_end(ctx, task_schedules_due(ctx, now));
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
 * Runs due tasks as runner ("worker", "backoffice", ...): opens the
 * database, records that the runner was seen, enqueues due periodic
 * tasks, fails tasks whose runner died with no attempts left, then claims
 * and runs tasks one at a time until none is due, max_tasks have run or
 * budget_ms has passed.  *ran gets the number run.  Call outside a
 * transaction.  Returns NULL, or a database error (tasks' own failures
 * are recorded, not returned).
 */
struct err *
task_run_due(struct ctx *ctx, const char *runner, int max_tasks,
    long long budget_ms, int *ran)
{
	long long t0 = ctx_now_us();
	long long now = (long long)time(NULL);
	db_stmt *seen, *giveup, *claim, *done, *failed;
	struct err *e;
	int rc;

	*ran = 0;
	if ((e = db_open(ctx, DB_CHECK_SCHEMA)) != NULL)
		return e;
	if ((seen = db_prepare(ctx, task_sql_seen)) == NULL ||
	    (giveup = db_prepare(ctx, task_sql_give_up)) == NULL ||
	    (claim = db_prepare(ctx, task_sql_claim)) == NULL ||
	    (done = db_prepare(ctx, task_sql_done)) == NULL ||
	    (failed = db_prepare(ctx, task_sql_failed)) == NULL)
		return db_err(ctx, "task runner");
	st_bind_int64(seen, 1, now);
	st_bind_text(seen, 2, runner, -1, SQLITE_STATIC);
	st_bind_int64(giveup, 1, now);
	if ((e = db_step(ctx, seen, "task runner")) != NULL ||
	    (e = db_step(ctx, giveup, "task runner")) != NULL ||
	    (e = task_schedules(ctx, now)) != NULL)
		return e;

	while (*ran < max_tasks && (ctx_now_us() - t0) / 1000 < budget_ms) {
		char token[33], err[1000] = "";
		now = (long long)time(NULL);
		if (rnd_hex(token, 16) != 0)
			return err_internal(ctx, "no random bytes");
		st_reset(claim);
		st_bind_text(claim, 1, token, -1, SQLITE_STATIC);
		st_bind_text(claim, 2, runner, -1, SQLITE_STATIC);
		st_bind_int64(claim, 3, now);
		st_bind_int64(claim, 4, TASK_LEASE);
		rc = st_step(claim);
		if (rc == SQLITE_DONE)
			break;			/* nothing due */
		if (rc != SQLITE_ROW)
			return db_err(ctx, "task claim");
		long long id = st_column_int64(claim, 0);
		char *name = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(claim, 1));
		cJSON *args = cJSON_Parse(
		    (const char *)st_column_text(claim, 2));
		int attempt = st_column_int(claim, 3);
		int max = st_column_int(claim, 4);
		if (st_step(claim) != SQLITE_DONE) {
			cJSON_Delete(args);
			return db_err(ctx, "task claim");
		}
		st_reset(claim);

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
		now = (long long)time(NULL);
		db_stmt *fin = ok == 0 ? done : failed;
		st_reset(fin);
		st_bind_int64(fin, 1, id);
		st_bind_text(fin, 2, token, -1, SQLITE_STATIC);
		st_bind_int64(fin, 3, now);
		if (ok != 0) {
			st_bind_int64(fin, 4, attempt >= max ? 0 :
			    task_backoff(attempt));
			st_bind_text(fin, 5, err[0] ? err : "failed", -1,
			    SQLITE_STATIC);
		}
		if ((e = db_step(ctx, fin, "task finish")) != NULL)
			return e;
		if (db_changes(ctx) == 0)
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
	return NULL;
}

/*
 * For /api/: whether a runner was seen within TASK_SEEN_WITHIN seconds,
 * and how many tasks wait (pending or running).  Returns NULL or the
 * error (*running false, *pending 0).
 */
struct err *
task_status(struct ctx *ctx, bool *running, long long *pending)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM task_runner WHERE last_seen >= ?), "
	    "(SELECT count(*) FROM task WHERE status IN ('pending', "
	    "'running'))";
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool found;

	*running = false;
	*pending = 0;
	if (st == NULL)
		return db_err(ctx, "task status");
	st_bind_int64(st, 1, (long long)time(NULL) - TASK_SEEN_WITHIN);
	if ((e = db_row(ctx, st, "task status", &found)) != NULL)
		return e;
	if (found) {
		*running = st_column_int64(st, 0) > 0;
		*pending = st_column_int64(st, 1);
	}
	st_reset(st);
	return NULL;
}

/* ---- the queue as a resource ------------------------------------------ */

/* A stored time (seconds since the epoch) as the API shows it. */
#define TASK_TIME(col)	"strftime('%Y-%m-%dT%H:%M:%SZ', t." col ", 'unixepoch')"

enum { TF_NAME, TF_ARGS, TF_STATUS, TF_RUN_AT, TF_ATTEMPTS,
	TF_MAX_ATTEMPTS, TF_RUNNER, TF_LAST_ERROR, TF_CREATED, TF_UPDATED,
	TF_FINISHED };

static const struct field task_fields[] = {
	[TF_NAME] = { "name", FT_TEXT, F_READ_ONLY | F_FILTER, 64 },
	[TF_ARGS] = { "args", FT_JSON, F_READ_ONLY | F_HOOK, .col = "args" },
	[TF_STATUS] = { "status", FT_TEXT, F_READ_ONLY | F_FILTER, 16 },
	[TF_RUN_AT] = { "run_at", FT_DATETIME, F_READ_ONLY,
	    .col = TASK_TIME("run_at") },
	[TF_ATTEMPTS] = { "attempts", FT_INT, F_READ_ONLY },
	[TF_MAX_ATTEMPTS] = { "max_attempts", FT_INT, F_READ_ONLY },
	[TF_RUNNER] = { "runner", FT_TEXT, F_READ_ONLY, .col = "claimed_by" },
	[TF_LAST_ERROR] = { "last_error", FT_TEXT, F_READ_ONLY },
	[TF_CREATED] = { "created", FT_DATETIME, F_READ_ONLY,
	    .col = TASK_TIME("created") },
	[TF_UPDATED] = { "updated", FT_DATETIME, F_READ_ONLY,
	    .col = TASK_TIME("updated") },
	[TF_FINISHED] = { "finished", FT_DATETIME, F_READ_ONLY,
	    .col = TASK_TIME("finished") },
};

/* Orderings by the stored times, not their text. */
static const struct res_order task_orders[] = {
	{ "run_at", "t.run_at, t.id", "t.run_at DESC, t.id DESC" },
	{ "updated", "t.updated, t.id", "t.updated DESC, t.id DESC" },
};

/*
 * "args" as the object it holds: a task's arguments are whatever was
 * enqueued, and one that is not a JSON object (the runner fails it) is
 * shown as {}.
 */
static void
task_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	const char *s = (const char *)st_column_text(st,
	    res_col(&task_resource, TF_ARGS));
	cJSON *args = s != NULL ? cJSON_Parse(s) : NULL;

	(void)ctx;
	(void)view;
	if (!cJSON_IsObject(args)) {
		cJSON_Delete(args);
		args = cJSON_CreateObject();
		if (args == NULL)
			mem_oom();
	}
	json_item(o, "args", args);
}

static const struct res_hooks task_hooks = {
	.render = task_render,
};

static struct res_sql task_sql;

/* The queue, newest first; ?status=, ?name=; superusers only. */
const struct resource task_resource = {
	.model = "task", .name = "Task", .table = "task", .alias = "t",
	.path = "/api/admin/task/", .area = AREA_SUPERUSER,
	.noun = "task", .plural = "tasks",
	RES_FIELDS(task_fields), RES_ORDERS(task_orders),
	.order = "t.id DESC", .hooks = &task_hooks, .flags = RES_READ_ONLY,
	.sql = &task_sql,
};

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
	if (!ctx->cfg_ok || !ctx->cfg.task_after_response ||
	    !db_is_open(ctx) || !ctx->detach_ok || db_in_transaction(ctx))
		return;
	db_stmt *st = db_prepare(ctx, task_sql_after_slot);
	if (st == NULL)
		return;
	st_bind_int64(st, 1, (long long)time(NULL));
	st_bind_int64(st, 2, TASK_AFTER_EVERY);
	int rc = st_step(st);
	st_reset(st);	/* nothing of it held across the fork */
	if (rc != SQLITE_DONE || db_changes(ctx) != 1)
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
