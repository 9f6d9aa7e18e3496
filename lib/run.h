/*
 * run: one program run in isolation -- how a plugin (docs/plugins.md) is
 * started, and the only place Stockroom executes a program it did not
 * build.
 *
 * run_program() forks, and the child, in a process group of its own, gets
 * a fresh empty working directory (removed after the run), only the
 * environment the caller gives (never the parent's: no SECRET_KEY, no
 * DATABASE_URL, no data directory), its input on standard input, and
 * limits by setrlimit(): address space, size of any file it writes, CPU
 * seconds, open files.  The parent feeds the input and reads standard
 * output and standard error up to their bounds (more is read and dropped,
 * and noted), and kills the whole group at the time limit.
 *
 * SIGCHLD is at its default during a run (a FastCGI program ignores it),
 * so the exit status is always the program's; when it cannot be had the
 * result says so (lost), never exit 0.
 *
 * This module never decides what a result means: the caller reads the
 * exit status.  It never logs what the program wrote (it may hold data).
 */
#ifndef SR_RUN_H
#define SR_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct mem;

#define RUN_OUT_MAX		(1024 * 1024)	/* default bound of stdout */
#define RUN_ERR_MAX		4096		/* bound of stderr kept */
#define RUN_TIMEOUT_MS		5000
#define RUN_MEM_MAX		(256LL * 1024 * 1024)
#define RUN_FSIZE_MAX		(8LL * 1024 * 1024)

struct run_spec {
	const char		*path;		/* absolute program path */
	char *const		*envp;		/* the whole environment */
	const char		*in;		/* standard input, or NULL */
	size_t			 in_len;
	long			 timeout_ms;	/* 0: RUN_TIMEOUT_MS */
	long long		 mem_max;	/* 0: RUN_MEM_MAX */
	long long		 fsize_max;	/* 0: RUN_FSIZE_MAX */
	size_t			 out_max;	/* 0: RUN_OUT_MAX */
};

struct run_result {
	bool		 started;	/* fork and exec worked */
	bool		 timed_out;	/* killed at the time limit */
	bool		 lost;		/* its status could not be had */
	int		 exit_code;	/* -1 when killed by a signal */
	int		 signal;	/* the signal that ended it, or 0 */
	char		*out;		/* NUL-terminated, in the arena */
	size_t		 out_len;
	bool		 out_cut;	/* more was written than out_max */
	char		*err;		/* stderr, NUL-terminated, bounded */
	long		 ms;		/* how long it took */
};

/*
 * Runs spec's program to its end or its time limit, with the argument
 * argv0 only.  Returns 0 with *res filled (whatever the program did), or
 * -1 with a message in why when it could not be started (no directory,
 * no fork, exec failed: res->started false).
 */
int	run_program(struct mem *, const struct run_spec *,
	    struct run_result *res, char *why, size_t whysz);

/* Is it ok: started, not killed, exit code 0 or 1? */
const char *run_failure(struct mem *, const struct run_result *);

#endif
