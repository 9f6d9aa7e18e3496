/*
 * resp: CGI response writing.  See resp.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "log.h"
#include "resp.h"

static const struct {
	int		 code;
	const char	*reason;
} resp_reasons[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 206, "Partial Content" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Range Not Satisfiable" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
};

const char *
resp_reason(int code)
{
	for (size_t i = 0; i < sizeof(resp_reasons) / sizeof(resp_reasons[0]);
	    i++)
		if (resp_reasons[i].code == code)
			return resp_reasons[i].reason;
	return "Unknown";
}

/* Adds a response header.  name and value must live as long as ctx. */
void
resp_header(struct ctx *ctx, const char *name, const char *value)
{
	struct resp *r = &ctx->resp;

	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) {
			r->headers[i].value = value;
			return;
		}
	if (r->nheaders < RESP_HEADERS_MAX) {
		r->headers[r->nheaders].name = name;
		r->headers[r->nheaders].value = value;
		r->nheaders++;
	}
}

/*
 * Sets a JSON answer.  Takes ownership of body (it is freed with ctx).
 * Returns NULL (no error), so a handler can end with "return
 * resp_json(...)".
 */
struct err *
resp_json(struct ctx *ctx, int status, cJSON *body)
{
	if (body == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, body);
	ctx->resp.status = status;
	ctx->resp.json = body;
	ctx->resp.body = NULL;
	return NULL;
}

/*
 * Sets an answer whose body is JSON already printed: text[0..len), which
 * must live as long as the request.  Returns NULL.
 */
struct err *
resp_json_text(struct ctx *ctx, int status, const char *text, size_t len)
{
	ctx->resp.status = status;
	ctx->resp.json = NULL;
	ctx->resp.body = text;
	ctx->resp.body_len = len;
	return NULL;
}

/*
 * Makes error e the answer.  Only the dispatcher (route.c) and the life of
 * a request (app.c) call this: everything else returns its errors.
 */
void
resp_err(struct ctx *ctx, const struct err *e)
{
	if (e->header != NULL)
		resp_header(ctx, e->header, e->value);
	ctx->resp.status = e->status;
	ctx->resp.json = e->body;
	ctx->resp.body = NULL;
}

/* 204 No Content: what a delete answers.  Returns NULL. */
struct err *
resp_no_content(struct ctx *ctx)
{
	ctx->resp.status = 204;
	ctx->resp.json = NULL;
	ctx->resp.body = NULL;
	return NULL;
}

/*
 * A content hash for ETags (not a security function): FNV-1a's step over
 * eight bytes at a time, which a page of fifty parts (30 kB) needs an
 * eighth of the multiplications for.  Each step is a bijection of h, so
 * bodies of one length that differ in one place never hash alike.
 */
static uint64_t
resp_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return (h ^ n) * 0x100000001b3ULL;
}

/*
 * Does an If-None-Match list (RFC 9110 section 13.1.2) name etag, or "*"?
 * Weak comparison: W/"x" matches "x".
 */
bool
resp_etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);

	while (*inm != '\0') {
		inm += strspn(inm, " ,\t");
		if (*inm == '*')
			return true;
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		size_t n = strcspn(inm, ",");
		while (n > 0 && (inm[n - 1] == ' ' || inm[n - 1] == '\t'))
			n--;
		if (n == el && strncmp(inm, etag, n) == 0)
			return true;
		inm += strcspn(inm, ",");
	}
	return false;
}

/*
 * Is origin listed in CORS_ALLOWED_ORIGINS (comma-separated, or "*")?
 * Returns 2 when listed by name (scheme and host compare without case, as
 * RFC 6454 has it), 1 when only "*" lets it in, else 0.
 */
int
resp_origin_allowed(const struct ctx *ctx, const char *origin)
{
	const char *list = ctx->cfg.cors_allowed_origins;
	size_t ol = strlen(origin);
	int allowed = 0;

	while (list != NULL && *list != '\0') {
		list += strspn(list, " ,");
		size_t n = strcspn(list, ",");
		size_t t = n;
		while (t > 0 && list[t - 1] == ' ')
			t--;
		if (t == ol && t > 1 && strncasecmp(list, origin, t) == 0)
			return 2;
		if (t == 1 && list[0] == '*')
			allowed = 1;
		list += n;
	}
	return allowed;
}

/* Headers every answer carries, whatever its status. */
static void
resp_common_headers(struct ctx *ctx)
{
	const char *origin;

	resp_header(ctx, "X-Content-Type-Options", "nosniff");
	resp_header(ctx, "Referrer-Policy", "same-origin");
	resp_header(ctx, "X-Frame-Options", "DENY");
	resp_header(ctx, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
	/* Revalidate by default; a handler may ask for no-store (secrets). */
	bool cache_set = false;
	for (size_t i = 0; i < ctx->resp.nheaders; i++)
		if (strcasecmp(ctx->resp.headers[i].name, "Cache-Control") == 0)
			cache_set = true;
	if (!cache_set)
		resp_header(ctx, "Cache-Control", "private, no-cache");
	resp_header(ctx, "X-Request-ID", ctx->request_id);
	origin = req_header(ctx, "Origin");
	if (ctx->cfg.cors_allowed_origins[0] != '\0') {
		resp_header(ctx, "Vary", "Origin");
		int allowed = origin != NULL ? resp_origin_allowed(ctx, origin) :
		    0;
		if (allowed > 0) {
			resp_header(ctx, "Access-Control-Allow-Origin", origin);
			resp_header(ctx, "Access-Control-Expose-Headers",
			    "X-Request-ID, ETag");
		}
		/*
		 * Cookies only for origins listed by name: with "*" any site
		 * could read a signed-in user's answers (the Token header
		 * still works, as it is no ambient credential).
		 */
		if (allowed == 2)
			resp_header(ctx, "Access-Control-Allow-Credentials",
			    "true");
	}
}

/*
 * Writes the status line and headers.  The request's log line is written
 * first: once a web server has the whole answer it may end the program at
 * once (lighttpd sends SIGTERM), so nothing may be left for after the body.
 */
static void
resp_write_head(struct ctx *ctx, int status, long long length)
{
	struct resp *r = &ctx->resp;

	r->status = status;
	log_request(ctx);
	fprintf(ctx->out, "Status: %d %s\r\n", status, resp_reason(status));
	if (status != 304 && status != 204)
		fprintf(ctx->out, "Content-Type: %s\r\n",
		    r->content_type != NULL ? r->content_type :
		    "application/json");
	for (size_t i = 0; i < r->nheaders; i++)
		fprintf(ctx->out, "%s: %s\r\n", r->headers[i].name,
		    r->headers[i].value);
	if (length >= 0)
		fprintf(ctx->out, "Content-Length: %lld\r\n", length);
	fputs("\r\n", ctx->out);
	r->sent = true;
}

/*
 * Writes the answer set so far (a 500 if the handler set none).  GET and HEAD
 * answers of 200 get an ETag, and a matching If-None-Match turns them into a
 * 304 with no body.  HEAD never gets a body.  Safe to call twice.
 */
void
resp_send(struct ctx *ctx)
{
	struct resp *r = &ctx->resp;
	char *text = NULL;
	const char *body = r->body;
	size_t len = r->body_len;
	int status;

	if (r->sent)
		return;
	if (r->status == 0)
		resp_err(ctx, err_internal(ctx, "handler set no response"));
	status = r->status;
	if (r->json != NULL) {
		text = cJSON_PrintUnformatted(r->json);
		if (text == NULL)
			mem_oom();
		body = text;
		len = strlen(text);
	}
	resp_common_headers(ctx);
	bool get = strcmp(ctx->req.method, "GET") == 0 ||
	    strcmp(ctx->req.method, "HEAD") == 0;
	if (get && status == 200 && body != NULL && !r->no_etag) {
		char *etag = mem_printf(&ctx->mem, "\"%016llx\"",
		    (unsigned long long)resp_hash(body, len));
		const char *inm = req_header(ctx, "If-None-Match");
		resp_header(ctx, "ETag", etag);
		if (inm != NULL && resp_etag_matches(inm, etag)) {
			status = r->status = 304;
			len = 0;
		}
	}
	if (status == 304 || status == 204)
		len = 0;
	resp_write_head(ctx, status, body != NULL ? (long long)len : 0);
	if (body != NULL && len > 0 && strcmp(ctx->req.method, "HEAD") != 0)
		fwrite(body, 1, len, ctx->out);
	fflush(ctx->out);
	free(text);
}

/*
 * Sends status and headers now, with no Content-Length and no ETag; the body
 * follows through resp_write().  For lists too long to hold in memory.
 */
void
resp_stream_begin(struct ctx *ctx, int status)
{
	ctx->resp.status = status;
	ctx->resp.streaming = true;
	resp_common_headers(ctx);
	resp_write_head(ctx, status, -1);
}

void
resp_write(struct ctx *ctx, const char *s, size_t n)
{
	if (strcmp(ctx->req.method, "HEAD") != 0)
		fwrite(s, 1, n, ctx->out);
}
