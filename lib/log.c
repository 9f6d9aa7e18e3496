/*
 * log: request and error lines.  See log.h.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "log.h"

/* Appends one line in a single write(2), so lines from processes never mix. */
static void
log_line(struct ctx *ctx, const char *line, size_t n)
{
	const char *file = ctx->cfg_ok ? ctx->cfg.log_file : "";
	int fd = STDERR_FILENO;

	if (file != NULL && file[0] != '\0') {
		fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd < 0)
			fd = STDERR_FILENO;
	}
	ssize_t w = write(fd, line, n);
	(void)w;
	if (fd != STDERR_FILENO)
		close(fd);
}

static size_t
log_stamp(char *buf, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Replaces anything but printable ASCII by '?' so a log line stays a line. */
static void
log_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

void
log_msg(struct ctx *ctx, enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int lvl = ctx->cfg_ok ? ctx->cfg.log_level : LOG_INFO;

	if ((int)level > lvl)
		return;
	size_t n = log_stamp(line, sizeof(line));
	n += (size_t)snprintf(line + n, sizeof(line) - n, " rid=%s %s: ",
	    ctx->request_id, log_level_names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	log_sanitize(line + n);
	n = strlen(line);
	line[n++] = '\n';
	log_line(ctx, line, n);
}

void
log_request(struct ctx *ctx)
{
	char line[1024], path[256];
	int lvl = ctx->cfg_ok ? ctx->cfg.log_level : LOG_INFO;

	if (lvl < LOG_INFO)
		return;
	snprintf(path, sizeof(path), "%s", ctx->req.path ? ctx->req.path : "-");
	log_sanitize(path);
	size_t n = log_stamp(line, sizeof(line));
	n += (size_t)snprintf(line + n, sizeof(line) - n,
	    " rid=%s %s %s %d %lldus user=%s\n", ctx->request_id,
	    ctx->req.method ? ctx->req.method : "-", path, ctx->resp.status,
	    ctx_now_us() - ctx->t_start_us,
	    ctx->username ? ctx->username : "-");
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	log_line(ctx, line, n);
}
