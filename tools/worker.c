/*
 * worker: runs the task queue (domain/tasks/task.h) outside any request.
 *
 *   worker --once        run the tasks that are due, then exit: for cron,
 *                        "* * * * * /path/to/bin/worker --once" (shared
 *                        hosting); at most WORKER_BATCH tasks and
 *                        WORKER_BUDGET_MS, so runs never pile up
 *   worker --backoffice  what a program starts after a request when
 *                        TASK_AFTER_RESPONSE is on (tasks/task.c): a small,
 *                        time-boxed batch as the "backoffice" runner
 *   worker [SECONDS]     the same as --once in a loop, waiting SECONDS (default 10)
 *                        between batches, until SIGTERM or SIGINT: for a
 *                        VPS or a systemd service
 *
 * Settings come from the environment and stockroom.conf as for the
 * programs.  Any number of workers (and after-response runners) may run
 * at once: the claim protocol gives each task to one of them.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site.h"

#define WORKER_BATCH		100
#define WORKER_BUDGET_MS	50000

static volatile sig_atomic_t worker_stop;

static void
worker_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/*
 * One batch with a fresh context (task_run_due() opens the database).
 * Returns 0, or 1 on an error.
 */
static int
worker_batch(char **envp, const char *runner, int max, long long budget_ms,
    int *ran)
{
	struct ctx ctx;
	struct err *e;
	char err[512];
	int rc = 1;

	ctx_init(&ctx, envp, stdin, stdout, NULL);
	if (cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) != 0)
		fprintf(stderr, "worker: configuration: %s\n", err);
	else {
		ctx.cfg_ok = true;
		ctx.username = runner;
		if ((e = task_run_due(&ctx, runner, max, budget_ms,
		    ran)) == NULL)
			rc = 0;
		else {
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(
			    e->body, "detail");
			fprintf(stderr, "worker: %s (status %d); see the log\n",
			    cJSON_IsString(d) ? d->valuestring :
			    "database error", e->status);
		}
	}
	ctx_end(&ctx);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: worker --once\n"
	    "       worker --backoffice\n"
	    "       worker [SECONDS]\n");
}

int
main(int argc, char **argv, char **envp)
{
	long long interval = 10;
	int ran = 0;

	umask(077);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 2 && strcmp(argv[1], "--once") == 0)
		return worker_batch(envp, "worker", WORKER_BATCH,
		    WORKER_BUDGET_MS, &ran);
	if (argc == 2 && strcmp(argv[1], "--backoffice") == 0)
		return worker_batch(envp, "backoffice", TASK_AFTER_TASKS,
		    TASK_AFTER_BUDGET_MS, &ran);
	if (argc > 2 || (argc == 2 && !txt_parse_int64(argv[1], 1, 86400,
	    &interval))) {
		usage();
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!worker_stop) {
		if (worker_batch(envp, "worker", WORKER_BATCH,
		    WORKER_BUDGET_MS, &ran) != 0)
			ran = 0;	/* logged; try again later */
		/* More may be due at once after a full batch. */
		for (long long s = ran >= WORKER_BATCH ? 0 : interval;
		    s > 0 && !worker_stop; s--)
			sleep(1);
	}
	return 0;
}
