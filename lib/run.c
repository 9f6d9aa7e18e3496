/*
 * run: one program run in isolation.  See run.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "run.h"

static long
run_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int
run_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(path);
	return 0;
}

/* Removes the run's working directory and whatever the program left. */
static void
run_rm_tree(const char *dir)
{
	(void)nftw(dir, run_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
run_limit(int what, rlim_t n)
{
	struct rlimit rl = { n, n };

	(void)setrlimit(what, &rl);
}

/*
 * The child: its own process group, the working directory, the limits,
 * the three pipes as its standard streams, and nothing else open.  Never
 * returns.
 */
static void __attribute__((noreturn))
run_child(const struct run_spec *s, const char *dir, int in, int out, int err)
{
	long cpu = (s->timeout_ms > 0 ? s->timeout_ms : RUN_TIMEOUT_MS)
	    / 1000 + 1;

	(void)setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    chdir(dir) != 0)
		_exit(126);
	for (int fd = 3; fd < 1024; fd++)
		(void)close(fd);
	signal(SIGPIPE, SIG_DFL);
	run_limit(RLIMIT_AS, (rlim_t)(s->mem_max > 0 ? s->mem_max :
	    RUN_MEM_MAX));
	run_limit(RLIMIT_FSIZE, (rlim_t)(s->fsize_max > 0 ? s->fsize_max :
	    RUN_FSIZE_MAX));
	run_limit(RLIMIT_CPU, (rlim_t)cpu);
	run_limit(RLIMIT_NOFILE, 64);
	run_limit(RLIMIT_CORE, 0);
	char *argv[] = { (char *)s->path, NULL };
	execve(s->path, argv, s->envp);
	_exit(127);
}

/* Appends what fd has to *buf (up to max; the rest is dropped). */
static bool
run_read(int fd, char **buf, size_t *len, size_t max, bool *cut)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	size_t take = (size_t)n;
	if (*len + take > max) {
		take = max - *len;
		*cut = true;
	}
	if (take > 0) {
		char *p = realloc(*buf, *len + take + 1);
		if (p == NULL)
			mem_oom();
		memcpy(p + *len, chunk, take);
		*len += take;
		*buf = p;
	}
	return true;
}

static int run_started(struct mem *, const struct run_spec *,
    struct run_result *, char *dir, char *why, size_t whysz);

int
run_program(struct mem *m, const struct run_spec *s, struct run_result *r,
    char *why, size_t whysz)
{
	char dir[] = "/tmp/stockroom-run-XXXXXX";

	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
	/*
	 * Its exit status is what the caller decides by: a process that
	 * ignores SIGCHLD (a FastCGI program, whose detached task runners
	 * nobody waits for) would have it reaped by the kernel, and
	 * waitpid() fail.  Default for the run, then as it was.
	 */
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old_chld;
	sigemptyset(&dfl.sa_mask);
	if (sigaction(SIGCHLD, &dfl, &old_chld) != 0) {
		snprintf(why, whysz, "sigaction: %s", strerror(errno));
		return -1;
	}
	int rc = run_started(m, s, r, dir, why, whysz);
	(void)sigaction(SIGCHLD, &old_chld, NULL);
	if (old_chld.sa_handler == SIG_IGN)
		/* Nobody waits for this process's children: the runners
		 * that ended during the run are reaped here. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	return rc;
}

/* run_program() once SIGCHLD is at its default. */
static int
run_started(struct mem *m, const struct run_spec *s, struct run_result *r,
    char *dir, char *why, size_t whysz)
{
	int pin[2], pout[2], perr[2];
	long timeout = s->timeout_ms > 0 ? s->timeout_ms : RUN_TIMEOUT_MS;
	size_t out_max = s->out_max > 0 ? s->out_max : RUN_OUT_MAX;

	if (mkdtemp(dir) == NULL) {
		snprintf(why, whysz, "no working directory: %s",
		    strerror(errno));
		return -1;
	}
	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 ||
	    pipe2(perr, O_CLOEXEC) != 0) {
		snprintf(why, whysz, "pipe: %s", strerror(errno));
		run_rm_tree(dir);
		return -1;
	}
	long t0 = run_now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whysz, "fork: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			close(pin[i]);
			close(pout[i]);
			close(perr[i]);
		}
		run_rm_tree(dir);
		return -1;
	}
	if (pid == 0)
		run_child(s, dir, pin[0], pout[1], perr[1]);
	(void)setpgid(pid, pid);	/* whichever runs first */
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	r->started = true;

	/* Feed the input, read both outputs, until both close or time is up. */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	size_t in_off = 0, err_len = 0;
	char *out = NULL, *err = NULL;
	bool err_cut = false, out_open = true, err_open = true;
	int in_fd = pin[1];
	if (s->in == NULL || s->in_len == 0) {
		close(in_fd);
		in_fd = -1;
	} else
		(void)fcntl(in_fd, F_SETFL, O_NONBLOCK);
	while (out_open || err_open) {
		long left = timeout - (run_now_ms() - t0);
		if (left <= 0) {
			r->timed_out = true;
			break;
		}
		struct pollfd p[3] = {
			{ out_open ? pout[0] : -1, POLLIN, 0 },
			{ err_open ? perr[0] : -1, POLLIN, 0 },
			{ in_fd, POLLOUT, 0 },
		};
		int n = poll(p, 3, (int)left);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (p[0].revents && !run_read(pout[0], &out, &r->out_len,
		    out_max, &r->out_cut))
			out_open = false;
		if (p[1].revents && !run_read(perr[0], &err, &err_len,
		    RUN_ERR_MAX, &err_cut))
			err_open = false;
		if (in_fd >= 0 && p[2].revents) {
			ssize_t w = (p[2].revents & POLLOUT) ? write(in_fd,
			    s->in + in_off, s->in_len - in_off) : -1;
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				in_off = s->in_len;	/* it stopped reading */
			if (in_off >= s->in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	close(pout[0]);
	close(perr[0]);
	/* Its outputs closed: it has the rest of its time to exit. */
	int status = 0;
	pid_t done = 0;
	while (!r->timed_out && (done = waitpid(pid, &status, WNOHANG)) == 0) {
		if (run_now_ms() - t0 >= timeout)
			r->timed_out = true;
		else
			(void)poll(NULL, 0, 5);
	}
	/* The whole group goes: a shell's children too. */
	(void)kill(-pid, SIGKILL);
	if (done != pid)
		while ((done = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
	signal(SIGPIPE, old_pipe);
	r->ms = run_now_ms() - t0;
	if (done != pid)
		r->lost = true;		/* never taken for an exit 0 */
	else if (WIFEXITED(status) && !r->timed_out)
		r->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status) && !r->timed_out)
		r->signal = WTERMSIG(status);
	r->out = mem_strndup(m, out != NULL ? out : "", r->out_len);
	r->err = mem_strndup(m, err != NULL ? err : "", err_len);
	free(out);
	free(err);
	run_rm_tree(dir);
	return 0;
}

const char *
run_failure(struct mem *m, const struct run_result *r)
{
	if (!r->started)
		return "could not be started";
	if (r->timed_out)
		return mem_printf(m, "timed out after %ld ms", r->ms);
	if (r->lost)
		return "its exit status was lost";
	if (r->signal != 0)
		return mem_printf(m, "killed by signal %d (%s)", r->signal,
		    r->signal == SIGXCPU ? "CPU limit" : r->signal ==
		    SIGXFSZ ? "file size limit" : strsignal(r->signal));
	if (r->exit_code == 126 || r->exit_code == 127)
		return mem_printf(m, "could not be executed (exit code %d)",
		    r->exit_code);
	if (r->exit_code != 0 && r->exit_code != 1)
		return mem_printf(m, "failed with exit code %d",
		    r->exit_code);
	return NULL;
}
