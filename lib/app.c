/*
 * app: request flow.  See app.h.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "ctx.h"
#include "db.h"
#include "log.h"
#include "openapi.h"
#include "err.h"
#include "route.h"
#include "text.h"

/* X-Request-ID: the client's when it is a short token, else a fresh one. */
static void
app_request_id(struct ctx *ctx)
{
	const char *v = req_header(ctx, "X-Request-ID");

	if (v != NULL && txt_token(v, 64))
		snprintf(ctx->request_id, sizeof(ctx->request_id), "%s", v);
	else if (rnd_hex(ctx->request_id, 16) != 0)
		snprintf(ctx->request_id, sizeof(ctx->request_id), "%llx",
		    (unsigned long long)ctx->t_start_us);
}

void
app_handle(struct ctx *ctx, const struct program *prog)
{
	char err[512];

	app_request_id(ctx);
	if (cfg_load(&ctx->mem, ctx->envp, ctx->exe, &ctx->cfg, err,
	    sizeof(err)) != 0) {
		/* Settings are broken: use the defaults to say so. */
		log_msg(ctx, LOG_ERROR, "configuration: %s", err);
		resp_err(ctx, err_new(ctx, 500, "Server configuration error; "
		    "the server log says which setting (request %s)",
		    ctx->request_id));
	} else {
		struct err *e;
		ctx->cfg_ok = true;
		ctx->program = prog;
		if ((e = req_parse(ctx)) != NULL)
			resp_err(ctx, e);
		else
			route_dispatch(ctx, prog);
	}
	if (prog->after != NULL)
		prog->after(ctx);	/* may detach a task runner */
	resp_send(ctx);		/* logs the request, then answers */
	req_drain(ctx);
}

/* ---- FastCGI ---------------------------------------------------------- */

/*
 * stdio streams over a FastCGI request's streams (fopencookie), so that the
 * request code reads and writes a FILE * whether it runs as CGI or FastCGI.
 * Such a FILE has no descriptor (fileno() is -1): req.c then reads the body
 * with fread, the server having received all of it already.
 */
static ssize_t
app_fcgi_read(void *cookie, char *buf, size_t len)
{
	int n = FCGX_GetStr(buf, len > INT_MAX ? INT_MAX : (int)len, cookie);

	return n < 0 ? -1 : n;
}

static ssize_t
app_fcgi_write(void *cookie, const char *buf, size_t len)
{
	int n = FCGX_PutStr(buf, len > INT_MAX ? INT_MAX : (int)len, cookie);

	return n < 0 ? 0 : n;	/* 0: error, for fopencookie */
}

/*
 * Identity of the program file, to notice an upgrade: `make install`
 * replaces the file (a new inode; Linux refuses to overwrite a running
 * program in place), and the old process should then make way for the new
 * program rather than serve with old code.
 */
#define APP_IDLE_CHECK_MS	1000	/* an idle process looks this often */

struct app_exe {
	char	path[PATH_MAX];
	dev_t	dev;
	ino_t	ino;
};

static int
app_exe_stat(struct app_exe *e, bool fill)
{
	struct stat sb;

	if (fill) {
		ssize_t n = readlink("/proc/self/exe", e->path,
		    sizeof(e->path) - 1);
		if (n <= 0)
			return -1;
		e->path[n] = '\0';
	}
	if (e->path[0] == '\0' || stat(e->path, &sb) != 0)
		return -1;
	if (fill) {
		e->dev = sb.st_dev;
		e->ino = sb.st_ino;
		return 0;
	}
	return sb.st_dev == e->dev && sb.st_ino == e->ino ? 0 : -1;
}

/*
 * FastCGI's rule (the specification, section 3.2): a program started by a
 * FastCGI server has a listening socket, not a connected one, as its
 * standard input.  This is FCGX_IsCGI()'s test, done here without
 * FCGX_Init(), which would install libfcgi's signal handlers (a SIGTERM
 * from the server must still end a CGI program at once).
 */
static bool
app_is_fastcgi(void)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	errno = 0;
	return getpeername(STDIN_FILENO, (struct sockaddr *)&sa, &len) != 0 &&
	    errno == ENOTCONN;
}

/*
 * A program that lighttpd (bin-path) or Apache (mod_fcgid's process
 * manager; that setup is not tested) started itself asks for SIGTERM when
 * that parent dies: a server killed with SIGKILL cannot stop its programs,
 * which would otherwise wait on their sockets for ever.  (Not for other parents:
 * spawn-fcgi, for one, starts a program and exits at once.)  SIGTERM then
 * ends the loop as a server's own stop does.
 */
static void
app_end_with_server(void)
{
	char path[64], exe[PATH_MAX];
	pid_t parent = getppid();
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)parent);
	if ((n = readlink(path, exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	const char *base = strrchr(exe, '/');
	base = base != NULL ? base + 1 : exe;
	if (strcmp(base, "lighttpd") != 0 && strcmp(base, "apache2") != 0 &&
	    strcmp(base, "httpd") != 0)
		return;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* The server died after we looked at it but before we asked: no
	 * signal will come (SIGTERM's handler is installed already). */
	if (getppid() != parent)
		raise(SIGTERM);
}

/*
 * Stops taking new connections on the listening socket, keeping those
 * already queued: on a Unix socket, shutdown(SHUT_RD) makes a new
 * connect() fail at once (ECONNREFUSED: lighttpd then takes the backend
 * as down for a second, answering 503 when no other is up, which is why
 * app_reexec() is tried first), while accept() still returns the queued
 * ones, then EINVAL, which ends FCGX_Accept_r().  So a process that must
 * leave serves every request the server has already handed it instead of
 * dropping them with its socket.  false on a TCP socket, where shutdown
 * would reset the queued connections: the caller then leaves at once.
 */
static bool
app_stop_listening(void)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	if (getsockname(STDIN_FILENO, (struct sockaddr *)&sa, &len) != 0 ||
	    sa.ss_family != AF_UNIX)
		return false;
	return shutdown(STDIN_FILENO, SHUT_RD) == 0;
}

/*
 * Becomes the program now at path (an upgrade put a new file there),
 * keeping the pid and the listening socket on standard input: the
 * connections already queued on it, and those the server makes meanwhile,
 * are served by the new program, and the server never sees its process
 * leave (lighttpd takes a backend that leaves, or refuses connections, as
 * down for a second and answers 503 meanwhile).  Returns only when the
 * program cannot be started.
 */
static void
app_reexec(const char *path, char **argv, struct db_keep *keep,
    const char *why)
{
	fprintf(stderr, "stockroom: pid %ld starts %s afresh (%s)\n",
	    (long)getpid(), path, why);
	db_keep_close(keep);
	fflush(NULL);
	execv(path, argv);
	fprintf(stderr, "stockroom: cannot start the new %s: %s\n", path,
	    strerror(errno));
}

/*
 * Waits for the next connection on the listening socket, and meanwhile,
 * every APP_IDLE_CHECK_MS, looks whether the program file has been
 * replaced: an idle process then becomes the new program at once
 * (app_reexec()), instead of serving one more request with the old code.
 * Returns when a connection (or a signal, or an error) is there, for
 * FCGX_Accept_r() to take or to report.
 */
static volatile sig_atomic_t app_stopping;

/*
 * SIGTERM, the server's stop: noted for app_await(), and passed on to
 * libfcgi (FCGX_ShutdownPending()), whose accept loop then ends after the
 * request under way.  Installed without SA_RESTART, so that a wait in
 * poll() or accept() is interrupted.
 */
static void
app_on_sigterm(int sig)
{
	(void)sig;
	app_stopping = 1;
	FCGX_ShutdownPending();
}

static void
app_await(struct app_exe *exe, char **argv, struct db_keep *keep)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	while (!app_stopping && poll(&p, 1, APP_IDLE_CHECK_MS) == 0)
		if (app_exe_stat(exe, false) != 0 && access(exe->path, X_OK) == 0)
			app_reexec(exe->path, argv, keep,
			    "its program file was replaced");
}

/*
 * The FastCGI loop: standard input is a listening socket the web server
 * (lighttpd's mod_fastcgi, Apache's mod_fcgid) gave us.  Each request is
 * served by app_handle() exactly as a CGI request is, with a fresh context
 * and arena; only the database connection is kept from one request to the
 * next (struct db_keep), which spares each request the process start, the
 * open and the schema parse.  The process ends, for the server to start a
 * fresh one, when the server asks it to stop: FCGX_Init() catches SIGTERM,
 * so a request under way is finished first.  After FASTCGI_MAX_REQUESTS
 * requests, or when its program file has been replaced (an upgrade), it
 * becomes a fresh process of the program now in the file, in place
 * (app_reexec()), and an idle one within a second (app_await()); only
 * when that cannot start does it leave, after the requests already queued
 * for it (app_stop_listening()).
 */
static int
app_fastcgi(const struct program *prog, char **argv)
{
	static const cookie_io_functions_t rd = { .read = app_fcgi_read };
	static const cookie_io_functions_t wr = { .write = app_fcgi_write };
	FCGX_Request fr;
	struct db_keep keep = { 0 };
	struct app_exe exe = { 0 };
	long long served = 0;
	bool leaving = false;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "stockroom: cannot start FastCGI\n");
		return 1;
	}
	/* After-response runners are detached children: nothing to reap. */
	signal(SIGCHLD, SIG_IGN);
	struct sigaction sa = { .sa_handler = app_on_sigterm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	app_end_with_server();
	(void)app_exe_stat(&exe, true);
	for (;;) {
		if (!leaving)
			app_await(&exe, argv, &keep);
		if (FCGX_Accept_r(&fr) < 0)
			break;
		struct ctx ctx;
		FILE *in = fopencookie(fr.in, "r", rd);
		FILE *out = fopencookie(fr.out, "w", wr);

		if (in == NULL || out == NULL) {
			if (in != NULL)
				fclose(in);
			if (out != NULL)
				fclose(out);
			FCGX_FPrintF(fr.out, "Status: 503 Service Unavailable"
			    "\r\nContent-Type: application/json\r\n\r\n"
			    "{\"detail\": \"Server out of memory\"}\n");
			FCGX_Finish_r(&fr);
			break;
		}
		ctx_init(&ctx, fr.envp, in, out, NULL);
		ctx.db_keep = &keep;
		ctx.detach_ok = true;
		app_handle(&ctx, prog);
		long long max = ctx.cfg_ok ? ctx.cfg.fastcgi_max_requests : 0;
		ctx_end(&ctx);
		fclose(in);
		fclose(out);
		FCGX_Finish_r(&fr);
		if (leaving)
			continue;
		bool replaced = app_exe_stat(&exe, false) != 0;
		if (!replaced && !(max > 0 && ++served >= max))
			continue;
		if (access(exe.path, X_OK) == 0)
			app_reexec(exe.path, argv, &keep, replaced ?
			    "its program file was replaced" :
			    "FASTCGI_MAX_REQUESTS");
		leaving = true;
		if (!app_stop_listening())
			break;
	}
	db_keep_close(&keep);
	return 0;
}

int
app_main(int argc, char **argv, char **envp, const struct program *prog)
{
	struct ctx ctx;

	if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
		route_print_table(prog, stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--openapi") == 0) {
		openapi_print(prog, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--routes | --openapi]\n"
		    "A CGI or FastCGI program: run it from a web server.\n",
		    argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Everything we create (database, logs, uploads) is ours alone. */
	umask(077);
	if (app_is_fastcgi())
		return app_fastcgi(prog, argv);
	ctx_init(&ctx, envp, stdin, stdout, NULL);
	ctx.detach_ok = true;
	app_handle(&ctx, prog);
	ctx_end(&ctx);
	return 0;
}
