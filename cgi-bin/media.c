/*
 * media.cgi: stored files, /media/<path>, served only to signed-in users
 * who may view the object a file belongs to (media.h).
 *
 * The request is authenticated like any other (session cookie or token);
 * then the file's row says whose it is, and the user needs view on that
 * object's rule set.  Unknown paths, paths that leave the media directory,
 * symbolic links and files of objects the user cannot view all answer the
 * same 404, so existence is not revealed.
 *
 * The answer carries Content-Type (images by their content, other files
 * by a short list of safe types, else application/octet-stream),
 * Content-Disposition (inline only for images), an ETag and Last-Modified
 * honoured with 304, and single byte ranges (RFC 9110 section 14) with 206
 * or 416.  With MEDIA_SENDFILE = lighttpd or apache the bytes are left to
 * the server through an X-Sendfile header; the default streams them here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site.h"

#include "files/media.h"

#define MEDIA_CHUNK	65536

static struct err *
media_404(struct ctx *ctx)
{
	return err_new(ctx, 404, "Not found.");
}

/*
 * Content-Disposition for filename (RFC 6266): an ASCII fallback in
 * filename and the exact UTF-8 name in filename* (RFC 8187).
 */
static const char *
media_disposition(struct ctx *ctx, const char *type, const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(filename);
	char *ascii = mem_alloc(&ctx->mem, n + 1);
	char *pct = mem_alloc(&ctx->mem, n * 3 + 1);
	size_t a = 0, p = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)filename[i];
		ascii[a++] = (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
		    c == ';' || c == '%') ? '_' : (char)c;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c))
			pct[p++] = (char)c;
		else {
			pct[p++] = '%';
			pct[p++] = hex[c >> 4];
			pct[p++] = hex[c & 15];
		}
	}
	ascii[a] = '\0';
	pct[p] = '\0';
	return mem_printf(&ctx->mem, "%s; filename=\"%s\"; "
	    "filename*=UTF-8''%s", type, ascii, pct);
}

/* An IMF-fixdate (RFC 9110 section 5.6.7). */
static const char *
media_http_date(struct ctx *ctx, time_t t)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return mem_strdup(&ctx->mem, buf);
}

/* Parses an IMF-fixdate; -1 if it is not one. */
static time_t
media_parse_date(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

/*
 * Parses a Range header for a file of size bytes (RFC 9110 section 14.1.2):
 * one range, "bytes=first-last", "bytes=first-" or "bytes=-suffix".
 * Returns 1 with *first and *last set, 0 to ignore the header (malformed, not
 * bytes, or several ranges: the whole file is then sent, as the RFC
 * allows), or -1 when the range cannot be satisfied (416).
 */
static int
media_range(const char *h, long long size, long long *first, long long *last)
{
	long long a = -1, b = -1;
	char *end;

	if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	h += strspn(h, " \t");
	if (*h == '-') {
		errno = 0;
		if (h[1] < '0' || h[1] > '9')
			return 0;
		b = strtoll(h + 1, &end, 10);
		if (errno != 0 || *(end + strspn(end, " \t")) != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 1;
	}
	if (*h < '0' || *h > '9')
		return 0;
	errno = 0;
	a = strtoll(h, &end, 10);
	if (errno != 0 || *end != '-')
		return 0;
	h = end + 1;
	if (*h >= '0' && *h <= '9') {
		b = strtoll(h, &end, 10);
		if (errno != 0 || b < a)
			return 0;
		h = end;
	}
	if (*(h + strspn(h, " \t")) != '\0')
		return 0;
	if (a >= size)
		return -1;
	*first = a;
	*last = b < 0 || b >= size ? size - 1 : b;
	return 1;
}

/*
 * Opens media/<rel> for reading if it is a regular file inside the media
 * directory, reached without symbolic links.  Returns the descriptor or -1.
 */
static int
media_open(struct ctx *ctx, const char *rel, struct stat *sb)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *abs = media_abs(ctx, rel);

	if (realpath(media_dir(ctx), dir) == NULL ||
	    realpath(abs, real) == NULL)
		return -1;
	size_t dl = strlen(dir);
	if (strncmp(real, dir, dl) != 0 || real[dl] != '/' ||
	    strcmp(real + dl + 1, rel) != 0)
		return -1;	/* a link somewhere on the way */
	int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
media_close(void *arg)
{
	close((int)(intptr_t)arg);
}

/*
 * GET (and HEAD) /media/<path>.  The file's owner (media_owner(): its
 * model, from the registry) decides: the user needs view on the model's
 * area, as for the object itself.
 */
static struct err *
media_get(struct ctx *ctx)
{
	const char *rel = route_param(ctx, "path");
	struct media_owner own;
	struct stat sb;
	unsigned char magic[16];
	struct err *e;
	bool found;

	if (rel == NULL || !media_path_valid(rel))
		return media_404(ctx);
	if ((e = media_owner(ctx, rel, &own, &found)) != NULL)
		return e;
	if (!found || perm_need(ctx, own.model->area, PERM_VIEW) != NULL)
		return media_404(ctx);
	if (own.user != 0 && own.user != ctx->user_id && !ctx->is_superuser)
		return media_404(ctx);
	int fd = media_open(ctx, rel, &sb);
	if (fd < 0)
		return media_404(ctx);
	mem_defer(&ctx->mem, media_close, (void *)(intptr_t)fd);

	ssize_t got = pread(fd, magic, sizeof(magic), 0);
	const char *img = media_image_type(media_sniff(magic,
	    got > 0 ? (size_t)got : 0));
	ctx->resp.content_type = img != NULL ? img :
	    media_type_by_name(own.filename);
	const char *etag = mem_printf(&ctx->mem, "\"%llx-%llx-%llx\"",
	    (unsigned long long)sb.st_size,
	    (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)sb.st_mtim.tv_nsec,
	    (unsigned long long)sb.st_ino);
	const char *lastmod = media_http_date(ctx, sb.st_mtim.tv_sec);
	resp_header(ctx, "ETag", etag);
	resp_header(ctx, "Last-Modified", lastmod);
	resp_header(ctx, "Accept-Ranges", "bytes");
	resp_header(ctx, "Content-Disposition", media_disposition(ctx,
	    img != NULL ? "inline" : "attachment", own.filename));

	/* Conditional requests (RFC 9110 section 13.2.2 order). */
	const char *inm = req_header(ctx, "If-None-Match");
	const char *ims = req_header(ctx, "If-Modified-Since");
	time_t since;
	if ((inm != NULL && resp_etag_matches(inm, etag)) ||
	    (inm == NULL && ims != NULL && (since = media_parse_date(ims)) >= 0
	    && sb.st_mtim.tv_sec <= since)) {
		resp_stream_begin(ctx, 304);
		return NULL;
	}

	const char *mode = ctx->cfg.media_sendfile;
	if (strcmp(mode, "lighttpd") == 0 || strcmp(mode, "apache") == 0) {
		/* The server sends the bytes (and answers Range itself). */
		resp_header(ctx, "X-Sendfile", media_abs(ctx, rel));
		resp_stream_begin(ctx, 200);
		return NULL;
	}
	if (strcmp(mode, "off") != 0)
		log_msg(ctx, LOG_WARN, "MEDIA_SENDFILE: unknown value, "
		    "streaming instead");

	long long size = (long long)sb.st_size, first = 0, last = size - 1;
	int status = 200;
	const char *range = req_header(ctx, "Range");
	const char *ifr = req_header(ctx, "If-Range");
	if (range != NULL && (ifr == NULL || strcmp(ifr, etag) == 0 ||
	    strcmp(ifr, lastmod) == 0)) {
		int r = media_range(range, size, &first, &last);
		if (r < 0) {
			resp_header(ctx, "Content-Range", mem_printf(&ctx->mem,
			    "bytes */%lld", size));
			ctx->resp.content_type = NULL;
			return err_new(ctx, 416, "Range not satisfiable.");
		}
		if (r > 0) {
			status = 206;
			resp_header(ctx, "Content-Range", mem_printf(&ctx->mem,
			    "bytes %lld-%lld/%lld", first, last, size));
		}
	}
	long long len = size > 0 ? last - first + 1 : 0;
	resp_header(ctx, "Content-Length", mem_printf(&ctx->mem, "%lld", len));
	resp_stream_begin(ctx, status);
	if (strcmp(ctx->req.method, "HEAD") == 0)
		return NULL;
	char *buf = mem_alloc(&ctx->mem, MEDIA_CHUNK);
	long long off = first;
	while (len > 0) {
		size_t want = len > MEDIA_CHUNK ? MEDIA_CHUNK : (size_t)len;
		ssize_t n = pread(fd, buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Headers are gone: the client sees a short body. */
			log_msg(ctx, LOG_ERROR, "media read %s: %s", rel,
			    n < 0 ? strerror(errno) : "file shrank");
			break;
		}
		resp_write(ctx, buf, (size_t)n);
		off += n;
		len -= n;
	}
	fflush(ctx->out);
	return NULL;
}

static const struct route media_routes[] = {
	{ "GET", "/media/<*path>", AREA_USER, PERM_VIEW, media_get,
	  "A stored file (needs view on the object it belongs to)", 0 },
};

PROGRAM_MAIN("media",
    ROUTES(media_routes))
