/*
 * mp: multipart/form-data parsing.  See multipart.h.
 *
 * The body is read through a window of MP_WINDOW bytes.  The window starts
 * with a CRLF of our own, so the first boundary, which RFC 2046 lets begin
 * the body without one, is found by the same search as every later one:
 * the delimiter is always CRLF "--" boundary.  Bytes of a part's content are
 * handed on as soon as they cannot be the start of a delimiter, so memory
 * stays bounded whatever the size of a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "multipart.h"
#include "text.h"

struct mp_in {
	struct ctx	*ctx;
	mp_read_fn	 read;
	void		*arg;
	char		*buf;
	size_t		 start, end, cap;
	bool		 eof;
};

/* One part while it is being read. */
struct mp_part {
	char		 name[MP_NAME_MAX + 1];
	char		 filename[MP_FILENAME_MAX + 1];
	char		 ctype[128];
	bool		 is_file;
	/* text part */
	struct mem_buf	 text;
	/* file part */
	int		 fd;
	struct req_file	*file;
};

static struct err *
mp_bad(struct ctx *ctx, const char *what)
{
	return err_new(ctx, 400, "Malformed multipart/form-data body: %s",
	    what);
}

/*
 * Reads more of the body into the window, after moving what is unread to
 * its front.  Sets in->eof at the end of the body.  Fails as the reader
 * does.
 */
static struct err *
mp_fill(struct mp_in *in)
{
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->eof || in->end == in->cap)
		return NULL;
	struct err *e = NULL;
	ssize_t n = in->read(in->arg, in->buf + in->end, in->cap - in->end, &e);
	if (n < 0)
		return e != NULL ? e : err_new(in->ctx, 400, "Cannot read the "
		    "request body");
	if (n == 0)
		in->eof = true;
	in->end += (size_t)n;
	return NULL;
}

/* Makes at least n unread bytes available unless the body ends first. */
static struct err *
mp_want(struct mp_in *in, size_t n)
{
	struct err *e;

	while (in->end - in->start < n && !in->eof)
		if ((e = mp_fill(in)) != NULL)
			return e;
	return NULL;
}

/*
 * The boundary parameter of a multipart Content-Type header (RFC 2046
 * section 5.1.1: 1 to 70 characters of bchars, not ending in a space).
 * Returns 0, or -1 when it is missing or malformed.
 */
int
mp_boundary(const char *content_type, char *out, size_t outsz)
{
	static const char bchars[] = "0123456789"
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "'()+_,-./:=? ";
	char b[MP_BOUNDARY_MAX + 2];

	if (mp_param(content_type, "boundary", b, sizeof(b)) != 0)
		return -1;
	size_t n = strlen(b);
	if (n == 0 || n > MP_BOUNDARY_MAX || n >= outsz ||
	    strspn(b, bchars) != n || b[n - 1] == ' ')
		return -1;
	memcpy(out, b, n + 1);
	return 0;
}

/*
 * Finds parameter name (case-insensitive) in a header value of the form
 * `type; a=token; b="quoted \"string\""` (RFC 9110 section 5.6.6) and copies
 * its value, unquoted, to out.  Returns 0 when found, -1 when absent, -2
 * when the parameters are malformed or the value does not fit in out.
 */
int
mp_param(const char *h, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	const char *p = strchr(h, ';');
	int found = -1;

	while (p != NULL && *p == ';') {
		p++;
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		const char *ns = p;
		p += strcspn(p, "=; \t");
		size_t pn = (size_t)(p - ns);
		p += strspn(p, " \t");
		if (*p != '=' || pn == 0)
			return -2;
		p++;
		p += strspn(p, " \t");
		bool match = pn == nl && strncasecmp(ns, name, nl) == 0 &&
		    found == -1;
		size_t o = 0;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return -2;
				if (*p == '\\' && p[1] != '\0')
					p++;
				if (match) {
					if (o + 1 >= outsz)
						return -2;
					out[o++] = *p;
				}
			}
			p++;
		} else {
			const char *vs = p;
			p += strcspn(p, "; \t");
			if (p == vs)
				return -2;
			if (match) {
				if ((size_t)(p - vs) >= outsz)
					return -2;
				memcpy(out, vs, (size_t)(p - vs));
				o = (size_t)(p - vs);
			}
		}
		if (match) {
			out[o] = '\0';
			found = 0;
		}
		p += strspn(p, " \t");
		if (*p != ';' && *p != '\0')
			return -2;
	}
	return found;
}

/*
 * The filename a part gives, as UTF-8 text without directories: from
 * filename* (RFC 8187 ext-value, UTF-8 only) when present, else from
 * filename, setting pt->is_file; a part with no filename parameter at
 * all is not a file.
 */
static struct err *
mp_filename(struct ctx *ctx, const char *cd, struct mp_part *pt)
{
	char raw[MP_FILENAME_MAX * 3 + 32];
	size_t n;
	int rc;

	rc = mp_param(cd, "filename*", raw, sizeof(raw));
	if (rc == -2)
		return err_field(ctx, pt->name, "The filename is too "
		    "long or malformed.");
	if (rc == 0) {
		char *q1 = strchr(raw, '\'');
		char *q2 = q1 != NULL ? strchr(q1 + 1, '\'') : NULL;
		if (q1 == NULL || q2 == NULL ||
		    (size_t)(q1 - raw) != 5 || strncasecmp(raw, "utf-8", 5) != 0)
			return err_field(ctx, pt->name, "The filename "
			    "must be given in UTF-8.");
		char dec[sizeof(raw)];
		if (txt_percent_decode(q2 + 1, strlen(q2 + 1), dec, &n, 0) !=
		    0 || n > MP_FILENAME_MAX)
			return err_field(ctx, pt->name, "The filename is "
			    "too long or not valid text.");
		memcpy(raw, dec, n);
		raw[n] = '\0';
	} else {
		rc = mp_param(cd, "filename", raw, sizeof(raw));
		if (rc == -1)
			return NULL;	/* not a file */
		if (rc == -2)
			return err_field(ctx, pt->name, "The filename "
			    "is too long or malformed.");
		n = strlen(raw);
		if (!txt_utf8_valid(raw, n, false))
			return err_field(ctx, pt->name, "The filename "
			    "is not valid text.");
	}
	/* Browsers once sent whole paths ("C:\\dir\\x.pdf"): keep the name. */
	const char *base = raw;
	for (const char *s = raw; *s != '\0'; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	n = strlen(base);
	if (n > MP_FILENAME_MAX)
		return err_field(ctx, pt->name, "The filename is too "
		    "long (at most %d bytes).", MP_FILENAME_MAX);
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		base = "", n = 0;
	memmove(pt->filename, base, n + 1);
	pt->is_file = true;
	return NULL;
}

/*
 * Reads one part's header lines, up to and including the empty line, and
 * fills name, filename and content type.
 */
static struct err *
mp_headers(struct mp_in *in, struct mp_part *pt)
{
	struct ctx *ctx = in->ctx;
	bool have_cd = false;
	struct err *e;

	for (int lines = 0;; lines++) {
		char *nl;
		for (;;) {
			size_t have = in->end - in->start;
			nl = memmem(in->buf + in->start, have, "\r\n", 2);
			if (nl != NULL)
				break;
			if (have > MP_HEADER_MAX)
				return mp_bad(ctx, "part header line too long");
			if (in->eof)
				return mp_bad(ctx, "body ends in a part's "
				    "headers");
			if ((e = mp_fill(in)) != NULL)
				return e;
		}
		char *line = in->buf + in->start;
		size_t len = (size_t)(nl - line);
		in->start += len + 2;
		if (len == 0)
			break;
		if (len > MP_HEADER_MAX || lines >= MP_HEADERS_MAX)
			return mp_bad(ctx, "part headers too long");
		if (!txt_utf8_valid(line, len, false))
			return mp_bad(ctx, "part header is not valid text");
		char h[MP_HEADER_MAX + 1];
		memcpy(h, line, len);
		h[len] = '\0';
		char *colon = strchr(h, ':');
		if (colon == NULL || colon == h || strchr(" \t", h[0]))
			return mp_bad(ctx, "malformed part header");
		*colon = '\0';
		char *v = colon + 1;
		v += strspn(v, " \t");
		size_t vl = strlen(v);
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			v[--vl] = '\0';
		if (strcasecmp(h, "Content-Disposition") == 0) {
			size_t tl = strcspn(v, "; \t");
			if (have_cd)
				return mp_bad(ctx, "two Content-Disposition "
				    "headers in one part");
			have_cd = true;
			if (tl != 9 || strncasecmp(v, "form-data", 9) != 0)
				return mp_bad(ctx, "a part is not form-data");
			if (mp_param(v, "name", pt->name, sizeof(pt->name)) !=
			    0 || pt->name[0] == '\0')
				return mp_bad(ctx, "a part has no valid name");
			if ((e = mp_filename(ctx, v, pt)) != NULL)
				return e;
		} else if (strcasecmp(h, "Content-Type") == 0) {
			if (vl >= sizeof(pt->ctype))
				return mp_bad(ctx, "part Content-Type too long");
			memcpy(pt->ctype, v, vl + 1);
		}
	}
	if (!have_cd)
		return mp_bad(ctx, "a part has no Content-Disposition");
	return NULL;
}

/* mem_defer cleanup: removes a temporary file nobody kept. */
static void
mp_file_cleanup(void *arg)
{
	struct req_file *f = arg;

	if (f->path != NULL) {
		unlink(f->path);
		f->path = NULL;
	}
}

/*
 * Says that f's temporary file has been moved into place (or otherwise
 * taken over), so the end of the request must not remove it.
 */
void
mp_file_kept(struct req_file *f)
{
	f->path = NULL;
}

/* Creates the temporary file for a file part. */
static struct err *
mp_file_open(struct ctx *ctx, struct mp_part *pt, struct req_file *f)
{
	char hex[33];
	const char *dir = mem_printf(&ctx->mem, "%s/tmp", ctx->cfg.data_dir);

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_internal(ctx, mem_printf(&ctx->mem, "mkdir %s: %s",
		    dir, strerror(errno)));
	if (rnd_hex(hex, 16) != 0)
		return err_internal(ctx, "no random bytes");
	memset(f, 0, sizeof(*f));
	f->field = mem_strdup(&ctx->mem, pt->name);
	f->filename = mem_strdup(&ctx->mem, pt->filename[0] != '\0' ?
	    pt->filename : "file");
	f->content_type = mem_strdup(&ctx->mem, pt->ctype[0] != '\0' &&
	    txt_utf8_valid(pt->ctype, strlen(pt->ctype), false) ? pt->ctype :
	    "application/octet-stream");
	char *path = mem_printf(&ctx->mem, "%s/upload-%s", dir, hex);
	pt->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (pt->fd < 0)
		return err_internal(ctx, mem_printf(&ctx->mem, "create %s: %s",
		    path, strerror(errno)));
	f->path = path;
	mem_defer(&ctx->mem, mp_file_cleanup, f);
	pt->file = f;
	return NULL;
}

/* Hands on n bytes of the current part's content. */
static struct err *
mp_emit(struct ctx *ctx, struct mp_part *pt, const char *s, size_t n,
    size_t *text_left)
{
	if (n == 0)
		return NULL;
	if (pt->is_file) {
		while (n > 0) {
			ssize_t w = write(pt->fd, s, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				if (errno == ENOSPC || errno == EDQUOT ||
				    errno == EFBIG) {
					log_msg(ctx, LOG_ERROR, "upload: %s",
					    strerror(errno));
					return err_new(ctx, 503, "No room "
					    "to store the upload");
				}
				return err_internal(ctx, mem_printf(&ctx->mem,
				    "upload write: %s", strerror(errno)));
			}
			pt->file->size += w;
			s += w;
			n -= (size_t)w;
		}
		return NULL;
	}
	if (n > *text_left)
		return err_new(ctx, 413, "Form fields too large (limit "
		    "%lld bytes)", (long long)ctx->cfg.max_body_size);
	*text_left -= n;
	mem_buf_add(&pt->text, s, n);
	return NULL;
}

/*
 * Reads the current part's content up to the next delimiter, which it
 * consumes (400 when the body ends first).
 */
static struct err *
mp_content(struct mp_in *in, struct mp_part *pt, const char *delim,
    size_t dlen, size_t *text_left)
{
	struct err *e;

	for (;;) {
		size_t have = in->end - in->start;
		char *at = memmem(in->buf + in->start, have, delim, dlen);
		if (at != NULL) {
			size_t n = (size_t)(at - (in->buf + in->start));
			if ((e = mp_emit(in->ctx, pt, in->buf + in->start, n,
			    text_left)) != NULL)
				return e;
			in->start += n + dlen;
			return NULL;
		}
		size_t safe = have >= dlen ? have - (dlen - 1) : 0;
		if ((e = mp_emit(in->ctx, pt, in->buf + in->start, safe,
		    text_left)) != NULL)
			return e;
		in->start += safe;
		if (in->eof)
			return mp_bad(in->ctx, "body ends before the closing "
			    "boundary");
		if ((e = mp_fill(in)) != NULL)
			return e;
	}
}

/* Adds a text part to fields; a repeated name becomes a list. */
static struct err *
mp_add_text(struct ctx *ctx, cJSON *fields, struct mp_part *pt)
{
	if (!txt_utf8_valid(pt->text.s != NULL ? pt->text.s : "", pt->text.len,
	    true))
		return err_field(ctx, pt->name, "Not valid text (NUL, "
		    "control character or invalid UTF-8).");
	if (txt_utf8_valid(pt->name, strlen(pt->name), false) == false)
		return mp_bad(ctx, "a part's name is not valid text");
	cJSON *s = cJSON_CreateString(pt->text.s != NULL ? pt->text.s : "");
	if (s == NULL)
		mem_oom();
	json_add_repeated(fields, pt->name, s);
	return NULL;
}

/* The part loop, with the window and part owned by mp_parse(). */
static struct err *
mp_parts(struct mp_in *in, struct mp_part *pt, const char *delim,
    size_t dlen, size_t text_max, cJSON *fields, struct req_file *files,
    size_t *nfiles)
{
	struct ctx *ctx = in->ctx;
	size_t text_left = text_max;
	struct err *e;

	/* The preamble, up to the first delimiter. */
	for (;;) {
		size_t have = in->end - in->start;
		char *at = memmem(in->buf + in->start, have, delim, dlen);
		if (at != NULL) {
			in->start = (size_t)(at - in->buf) + dlen;
			break;
		}
		if (have >= dlen)
			in->start = in->end - (dlen - 1);
		if (in->eof)
			return mp_bad(ctx, "no boundary found in the body");
		if ((e = mp_fill(in)) != NULL)
			return e;
	}
	for (int nparts = 0;; nparts++) {
		/* After a delimiter: "--" closes, else padding and CRLF. */
		if ((e = mp_want(in, 2)) != NULL)
			return e;
		if (in->end - in->start >= 2 &&
		    memcmp(in->buf + in->start, "--", 2) == 0)
			return NULL;
		for (;;) {
			if ((e = mp_want(in, 2)) != NULL)
				return e;
			if (in->end - in->start < 2)
				return mp_bad(ctx, "body ends after a "
				    "boundary");
			char c = in->buf[in->start];
			if (c != ' ' && c != '\t')
				break;
			in->start++;
		}
		if (memcmp(in->buf + in->start, "\r\n", 2) != 0)
			return mp_bad(ctx, "boundary not followed by CRLF");
		in->start += 2;
		if (nparts >= MP_PARTS_MAX)
			return err_new(ctx, 400, "Too many parts in the "
			    "form (at most %d)", MP_PARTS_MAX);

		memset(pt, 0, offsetof(struct mp_part, text));
		mem_buf_clear(&pt->text);
		pt->fd = -1;
		pt->file = NULL;
		if ((e = mp_headers(in, pt)) != NULL)
			return e;
		if (pt->is_file) {
			for (size_t i = 0; i < *nfiles; i++)
				if (strcmp(files[i].field, pt->name) == 0)
					return err_field(ctx, pt->name,
					    "Only one file may be sent in "
					    "this field.");
			if (*nfiles >= MP_FILES_MAX)
				return err_new(ctx, 400, "Too many files "
				    "in the form (at most %d)", MP_FILES_MAX);
			if ((e = mp_file_open(ctx, pt, &files[*nfiles])) != NULL)
				return e;
			(*nfiles)++;
		}
		e = mp_content(in, pt, delim, dlen, &text_left);
		if (pt->fd >= 0) {
			if (close(pt->fd) != 0 && e == NULL)
				e = err_internal(ctx, "upload close");
			pt->fd = -1;
		}
		if (e != NULL)
			return e;
		if (pt->is_file) {
			/* An empty file input: browsers send filename="". */
			if (pt->filename[0] == '\0' && pt->file->size == 0) {
				mp_file_cleanup(pt->file);
				(*nfiles)--;
			}
		} else if ((e = mp_add_text(ctx, fields, pt)) != NULL)
			return e;
	}
}

/*
 * Parses a multipart/form-data body read through rd: text parts into
 * fields (at most text_max bytes of them in all), file parts into
 * files[0..*nfiles) (room for MP_FILES_MAX), each in a temporary file that
 * is removed at the end of the request unless kept (mp_file_kept()).
 * The error, if any, says what was wrong with the body.
 */
struct err *
mp_parse(struct ctx *ctx, const char *content_type, mp_read_fn rd,
    void *arg, size_t text_max, cJSON *fields, struct req_file *files,
    size_t *nfiles)
{
	char boundary[MP_BOUNDARY_MAX + 1];
	char delim[MP_BOUNDARY_MAX + 5];
	struct mp_in in;
	struct mp_part pt;
	struct err *e;

	*nfiles = 0;
	if (mp_boundary(content_type, boundary, sizeof(boundary)) != 0)
		return err_new(ctx, 400, "Malformed multipart/form-data "
		    "body: missing or malformed boundary parameter");
	size_t dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s",
	    boundary);

	memset(&in, 0, sizeof(in));
	in.ctx = ctx;
	in.read = rd;
	in.arg = arg;
	in.cap = MP_WINDOW + 2 * sizeof(delim);
	in.buf = malloc(in.cap);
	if (in.buf == NULL)
		mem_oom();
	memcpy(in.buf, "\r\n", 2);
	in.end = 2;
	memset(&pt, 0, sizeof(pt));
	pt.fd = -1;

	e = mp_parts(&in, &pt, delim, dlen, text_max, fields, files, nfiles);

	if (pt.fd >= 0)
		close(pt.fd);
	free(pt.text.s);
	free(in.buf);
	if (e != NULL) {
		/* Remove what was written now rather than at the end. */
		for (size_t i = 0; i < *nfiles; i++)
			mp_file_cleanup(&files[i]);
		*nfiles = 0;
	}
	return e;
}
