/*
 * Unit tests for lib/run.c: a program's exit status, output and its
 * bound, the time limit, signals, the environment it is given, its
 * working directory, and the exit status kept when the caller ignores
 * SIGCHLD (as a FastCGI program does).  The program is /bin/sh reading
 * its script from standard input.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "run.h"
#include "t.h"

static char path_var[] = "PATH=/usr/bin:/bin", greeting[] = "GREETING=hi";
static char *const env[] = { path_var, greeting, NULL };

static int
sh(struct mem *m, const char *script, long timeout_ms, size_t out_max,
    struct run_result *r)
{
	struct run_spec s = { .path = "/bin/sh", .envp = env, .in = script,
	    .in_len = strlen(script), .timeout_ms = timeout_ms,
	    .out_max = out_max };
	char why[256];

	return run_program(m, &s, r, why, sizeof(why));
}

static void
test_exit_and_output(void)
{
	struct mem m = { 0 };
	struct run_result r;

	CHECK(sh(&m, "printf 'hello'; echo oops >&2; exit 1", 0, 0, &r) == 0);
	CHECK(r.started && !r.timed_out && !r.lost);
	CHECK(r.exit_code == 1 && r.signal == 0);
	CHECK(strcmp(r.out, "hello") == 0 && r.out_len == 5 && !r.out_cut);
	CHECK(strcmp(r.err, "oops\n") == 0);
	CHECK(run_failure(&m, &r) == NULL);
	CHECK(sh(&m, "exit 3", 0, 0, &r) == 0);
	CHECK(r.exit_code == 3);
	CHECK(strstr(run_failure(&m, &r), "exit code 3") != NULL);
	mem_free(&m);
}

static void
test_time_limit(void)
{
	struct mem m = { 0 };
	struct run_result r;

	/* A child that keeps the output open is killed with its parent. */
	CHECK(sh(&m, "sleep 30 & sleep 30", 200, 0, &r) == 0);
	CHECK(r.timed_out && r.ms >= 200 && r.ms < 5000);
	CHECK(strstr(run_failure(&m, &r), "timed out") != NULL);
	/* Closing its output does not end its time. */
	CHECK(sh(&m, "exec >&- 2>&-; sleep 30", 200, 0, &r) == 0);
	CHECK(r.timed_out && r.ms < 5000);
	mem_free(&m);
}

static void
test_bounds_and_signals(void)
{
	struct mem m = { 0 };
	struct run_result r;

	CHECK(sh(&m, "head -c 100000 /dev/zero | tr '\\0' x", 0, 1000,
	    &r) == 0);
	CHECK(r.out_len == 1000 && r.out_cut && r.exit_code == 0);
	CHECK(sh(&m, "kill -SEGV $$", 0, 0, &r) == 0);
	CHECK(r.signal == SIGSEGV && r.exit_code == -1);
	CHECK(strstr(run_failure(&m, &r), "signal 11") != NULL);
	/* 8 MiB per file written: more is SIGXFSZ. */
	CHECK(sh(&m, "head -c 20000000 /dev/zero > big", 0, 0, &r) == 0);
	CHECK(r.exit_code != 0 || r.signal != 0);
	mem_free(&m);
}

static void
test_environment_and_directory(void)
{
	struct mem m = { 0 };
	struct run_result r;

	CHECK(sh(&m, "echo \"$GREETING\"; env | wc -l; pwd", 0, 0, &r) == 0);
	char dir[256];
	CHECK(sscanf(r.out, "hi\n%*d\n%255s", dir) == 1);
	CHECK(strncmp(dir, "/tmp/stockroom-run-", 19) == 0);
	CHECK(access(dir, F_OK) != 0);		/* removed after the run */
	mem_free(&m);
}

static void
test_status_kept_when_sigchld_ignored(void)
{
	struct mem m = { 0 };
	struct run_result r;
	void (*old)(int) = signal(SIGCHLD, SIG_IGN);

	CHECK(sh(&m, "exit 1", 0, 0, &r) == 0);
	CHECK(r.exit_code == 1 && !r.lost);
	CHECK(signal(SIGCHLD, old) == SIG_IGN);	/* as it was */
	mem_free(&m);
}

int
main(void)
{
	RUN(test_exit_and_output);
	RUN(test_time_limit);
	RUN(test_bounds_and_signals);
	RUN(test_environment_and_directory);
	RUN(test_status_kept_when_sigchld_ignored);
	return DONE();
}
