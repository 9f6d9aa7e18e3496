/*
 * task: a queue of work in the database, run without a daemon.
 *
 * task_enqueue() adds a task inside the caller's transaction, so it exists
 * exactly when the change that caused it commits; task_enqueue_once(),
 * what event handlers use (event.h), does the same unless an identical
 * task is already waiting.  Three kinds of runner
 * call task_run_due() with the same claim protocol: the `worker` tool
 * (--once from cron, or a loop), a CGI program once it has its answer
 * (task_after_response(), when TASK_AFTER_RESPONSE is on: at most once a
 * minute and one at a time, the way Fossil's backoffice works), and the
 * superuser's retry through the API.
 *
 * A claim is one UPDATE ... RETURNING under SQLite's write lock: it marks
 * the oldest due task running with a fresh random claim token and a lease
 * (TASK_LEASE seconds).  Only the holder of that token can finish the task,
 * so a task runs once even when runners race.  A task that fails is retried
 * after 2^(attempts-1) * TASK_BACKOFF seconds (at most TASK_BACKOFF_MAX)
 * until max_attempts, then marked failed with its error.  A runner that
 * dies mid-task leaves it running until the lease ends; it is then
 * claimable again, or failed if it has used all its attempts.
 *
 * Task bodies are the table in work.c (task_defs[]); an unknown name
 * fails (and so is retried, then failed), never silently dropped.  A body
 * is not a request: it returns 0, or -1 with a message for the task's
 * last_error, and opens and ends its own transactions (db_begin() and
 * db_end()); the runner rolls back whatever one leaves open.
 *
 * The queue is also a read-only resource for superusers, task_resource
 * (/api/admin/task/); its retry action is a handler of cgi-bin/admin.c.
 */
#ifndef SR_TASK_H
#define SR_TASK_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;
struct err;
struct resource;

/* The queue as a list (/api/admin/task/, superusers). */
extern const struct resource task_resource;

#define TASK_LEASE		300	/* seconds a claim lasts */
#define TASK_BACKOFF		30	/* seconds before the first retry */
#define TASK_BACKOFF_MAX	21600
#define TASK_SEEN_WITHIN	300	/* "worker_running": seen this recently */
#define TASK_BACKUP_KEEP	7	/* daily backups kept */
#define TASK_AFTER_EVERY	60	/* after-response runs at most this often */
#define TASK_AFTER_TASKS	10	/* and runs at most this many tasks */
#define TASK_AFTER_BUDGET_MS	20000
#define TASK_FTS_MERGE_PAGES	64	/* pages merged per transaction */
#define TASK_FTS_MERGE_BUDGET_MS 60000

struct task_def {
	const char	*name;
	int		(*run)(struct ctx *, const struct cJSON *args,
			    char *err, size_t errsz);
	const char	*summary;
};

extern const struct task_def task_defs[];
extern const size_t task_defs_count;

struct err *task_enqueue(struct ctx *, const char *name,
	    const char *args_json, long long delay);
struct err *task_enqueue_once(struct ctx *, const char *name,
	    const char *args_json);
struct err *task_run_due(struct ctx *, const char *runner, int max_tasks,
	    long long budget_ms, int *ran);
struct err *task_status(struct ctx *, bool *running, long long *pending);
void	task_after_response(struct ctx *);
int	task_failed(char *err, size_t errsz, const char *what,
	    const struct err *);

#endif
