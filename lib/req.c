/*
 * req: CGI request parsing.  See req.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "json.h"
#include "multipart.h"
#include "req.h"
#include "text.h"

static const char *const req_methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
};

/*
 * Splits s[0..len) at sep into name=value pairs, percent-decoding both (with
 * flags as for txt_percent_decode).  Empty pairs are skipped; a pair without
 * '=' has the value "".  A 400 when a pair does not decode or there are
 * more than max.
 */
struct err *
req_parse_pairs(struct ctx *ctx, const char *s, size_t len, char sep,
    int flags, struct req_kv *out, size_t max, size_t *n)
{
	const char *end = s + len;

	*n = 0;
	while (s < end) {
		const char *amp = memchr(s, sep, (size_t)(end - s));
		const char *pe = amp != NULL ? amp : end;
		if (pe > s) {
			const char *eq = memchr(s, '=', (size_t)(pe - s));
			const char *ne = eq != NULL ? eq : pe;
			const char *vs = eq != NULL ? eq + 1 : pe;
			size_t nl, vl;
			if (*n >= max)
				return err_new(ctx, 400,
				    "Too many parameters (at most %zu)", max);
			char *name = mem_alloc(&ctx->mem, (size_t)(ne - s) + 1);
			char *value = mem_alloc(&ctx->mem, (size_t)(pe - vs) + 1);
			if (txt_percent_decode(s, (size_t)(ne - s), name, &nl,
			    flags) != 0 ||
			    txt_percent_decode(vs, (size_t)(pe - vs), value,
			    &vl, flags) != 0)
				return err_new(ctx, 400, "Malformed "
				    "parameter: bad percent-encoding, control "
				    "character or invalid UTF-8");
			out[*n].name = name;
			out[*n].value = value;
			(*n)++;
		}
		s = pe + 1;
	}
	return NULL;
}

/* Cookies (RFC 6265 section 4.2): malformed pairs are ignored, not fatal. */
static void
req_parse_cookies(struct ctx *ctx, const char *s)
{
	struct req *r = &ctx->req;

	while (*s != '\0' && r->ncookies < REQ_PARAMS_MAX) {
		s += strspn(s, " ;");
		size_t len = strcspn(s, ";");
		const char *eq = memchr(s, '=', len);
		if (eq != NULL && eq > s) {
			char *name = mem_strndup(&ctx->mem, s, (size_t)(eq - s));
			char *value = mem_strndup(&ctx->mem, eq + 1,
			    len - (size_t)(eq - s) - 1);
			if (txt_token(name, 128) &&
			    txt_utf8_valid(value, strlen(value), false)) {
				r->cookies[r->ncookies].name = name;
				r->cookies[r->ncookies].value = value;
				r->ncookies++;
			}
		}
		s += len;
	}
}

/* True if s is safe as a URL path prefix we will echo in URLs and cookies. */
static bool
req_prefix_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/-._~%", c) != NULL))
			return false;
	}
	return true;
}

/*
 * The path uri[0..n) as lighttpd and Apache normalize it before taking
 * PATH_INFO from it: runs of slashes merged, "." and ".." segments
 * resolved (RFC 3986 section 5.2.4).  Without this, /api//part/ would
 * leave "/api" as the prefix.
 */
static char *
req_path_normalize(struct ctx *ctx, const char *uri, size_t n)
{
	char *out = mem_alloc(&ctx->mem, n + 2);
	size_t o = 0, i = 0;
	bool dir = false;	/* the path ends with a slash */

	while (i < n) {
		size_t len = strcspn(uri + i, "/");
		if (len > n - i)
			len = n - i;
		dir = len == 0 || (len == 1 && uri[i] == '.') ||
		    (len == 2 && uri[i] == '.' && uri[i + 1] == '.');
		if (len == 2 && dir)
			while (o > 0 && out[--o] != '/')
				;
		else if (!dir) {
			out[o++] = '/';
			memcpy(out + o, uri + i, len);
			o += len;
		}
		i += len + 1;
	}
	if (dir || (n > 0 && uri[n - 1] == '/'))
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/*
 * The install prefix: the part of the requested URL before the API path.
 * From SITE_URL's path when set; otherwise REQUEST_URI's path, normalized
 * as the server did, with as many trailing segments removed as PATH_INFO
 * has (the server has already decoded PATH_INFO, so the two cannot be
 * compared byte for byte).
 */
static const char *
req_find_prefix(struct ctx *ctx)
{
	const char *site = ctx->cfg.site_url;
	const char *uri = ctx_env(ctx, "REQUEST_URI");
	const char *path = ctx->req.path;
	size_t n, slashes = 0;

	if (site != NULL && site[0] != '\0') {
		const char *p = strstr(site, "://");
		p = p != NULL ? strchr(p + 3, '/') : NULL;
		if (p == NULL)
			return "";
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		return mem_strndup(&ctx->mem, p, n);
	}
	if (uri == NULL)
		return "";
	n = strcspn(uri, "?#");
	if (uri[0] == '/') {
		uri = req_path_normalize(ctx, uri, n);
		n = strlen(uri);
	}
	for (const char *p = path; *p != '\0'; p++)
		if (*p == '/')
			slashes++;
	while (n > 0 && slashes > 0) {
		n--;
		if (uri[n] == '/')
			slashes--;
	}
	if (slashes > 0)
		return "";
	char *prefix = mem_strndup(&ctx->mem, uri, n);
	return req_prefix_safe(prefix) ? prefix : "";
}

static bool
req_host_safe(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:[]") == n;
}

/* Host names that only ever reach this machine (RFC 6761 section 6.3). */
static const char req_loopback_hosts[] =
    "localhost .localhost 127.0.0.1 [::1]";

/*
 * The host the request was sent to, into ctx->req.host: the Host header,
 * or for a request without one SERVER_NAME:SERVER_PORT.  With
 * ALLOWED_HOSTS set it must match it (Django's rule, so also when SITE_URL
 * is set), else 400.  Without ALLOWED_HOSTS any host is served, but only a
 * loopback name may go into the URLs the API writes (req_base_url()): a
 * forged Host never reaches a next or previous link.
 */
static struct err *
req_parse_host(struct ctx *ctx)
{
	const char *allowed = ctx->cfg.allowed_hosts;
	const char *v = ctx_env(ctx, "HTTP_HOST");
	bool sent = v != NULL && v[0] != '\0';

	if (!sent) {
		const char *name = ctx_env(ctx, "SERVER_NAME");
		const char *port = ctx_env(ctx, "SERVER_PORT");
		v = mem_printf(&ctx->mem, "%s:%s", name ? name : "localhost",
		    port ? port : "80");
	}
	bool safe = req_host_safe(v);
	if (allowed != NULL && allowed[0] != '\0') {
		if (!safe)
			return err_new(ctx, 400, "Invalid Host header.");
		if (!cfg_host_allowed(allowed, v))
			return err_new(ctx, 400, "Invalid Host header: '%s' is "
			    "not in ALLOWED_HOSTS.", v);
		ctx->req.host = v;
		ctx->req.host_in_urls = true;
		return NULL;
	}
	ctx->req.host = safe ? v : "localhost";
	ctx->req.host_in_urls = safe &&
	    cfg_host_allowed(req_loopback_hosts, v);
	return NULL;
}

/*
 * Reads and validates what every request carries.  Errors: 400, 414, 431.
 */
struct err *
req_parse(struct ctx *ctx)
{
	struct req *r = &ctx->req;
	const char *v;
	size_t i;

	/* Any one header over the limit: 431 (RFC 6585 section 5). */
	for (char *const *e = ctx->envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, "HTTP_", 5) == 0 &&
		    strlen(*e) > REQ_HEADER_MAX + 64)
			return err_new(ctx, 431,
			    "Request header too large (limit %d bytes)",
			    REQ_HEADER_MAX);

	/*
	 * Any well-formed method token is kept: the dispatcher answers 405 with
	 * the path's Allow list for one no route declares (RFC 9110 15.5.6).
	 */
	v = ctx_env(ctx, "REQUEST_METHOD");
	if (v == NULL || v[0] == '\0' || strlen(v) > REQ_METHOD_MAX ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v))
		return err_new(ctx, 400, "Malformed request method");
	r->method = v;
	for (i = 0; i < sizeof(req_methods) / sizeof(req_methods[0]); i++)
		if (strcmp(v, req_methods[i]) == 0)
			r->method = req_methods[i];

	v = ctx_env(ctx, "PATH_INFO");
	if (v == NULL || v[0] == '\0')
		v = "/api/";
	if (strlen(v) > REQ_PATH_MAX)
		return err_new(ctx, 414, "Request path too long");
	if (v[0] != '/' || !txt_utf8_valid(v, strlen(v), false))
		return err_new(ctx, 400, "Malformed request path");
	r->path = v;

	v = ctx_env(ctx, "QUERY_STRING");
	r->query_raw = v != NULL ? v : "";
	if (strlen(r->query_raw) > REQ_QUERY_MAX)
		return err_new(ctx, 414, "Query string too long");
	struct err *e = req_parse_pairs(ctx, r->query_raw,
	    strlen(r->query_raw), '&', TXT_PLUS_SPACE, r->query, REQ_PARAMS_MAX,
	    &r->nquery);
	if (e != NULL)
		return e;

	v = ctx_env(ctx, "HTTP_COOKIE");
	if (v != NULL)
		req_parse_cookies(ctx, v);

	r->content_length = 0;
	v = ctx_env(ctx, "CONTENT_LENGTH");
	if (v != NULL && v[0] != '\0' &&
	    !txt_parse_int64(v, 0, 1LL << 50, &r->content_length))
		return err_new(ctx, 400, "Malformed Content-Length");

	r->content_type = ctx_env(ctx, "CONTENT_TYPE");
	if (r->content_type == NULL || r->content_type[0] == '\0') {
		r->content_type = "";
		r->body_kind = r->content_length > 0 ? REQ_BODY_OTHER :
		    REQ_BODY_NONE;
	} else if (txt_casecmp_prefix(r->content_type, "application/json"))
		r->body_kind = REQ_BODY_JSON;
	else if (txt_casecmp_prefix(r->content_type,
	    "application/x-www-form-urlencoded"))
		r->body_kind = REQ_BODY_FORM;
	else if (txt_casecmp_prefix(r->content_type, "multipart/form-data"))
		r->body_kind = REQ_BODY_MULTIPART;
	else
		r->body_kind = REQ_BODY_OTHER;

	v = ctx_env(ctx, "REMOTE_ADDR");
	r->remote_addr = v != NULL ? v : "";
	v = ctx_env(ctx, "HTTPS");
	r->https = v != NULL && strcasecmp(v, "on") == 0;
	v = ctx_env(ctx, "REQUEST_SCHEME");
	if (v != NULL && strcasecmp(v, "https") == 0)
		r->https = true;
	if ((e = req_parse_host(ctx)) != NULL)
		return e;
	r->prefix = req_find_prefix(ctx);
	return NULL;
}

/*
 * Returns the value of request header name (e.g. "Authorization"), or NULL
 * when absent or not printable text.  The pointer lives as long as ctx.
 */
const char *
req_header(struct ctx *ctx, const char *name)
{
	char key[128] = "HTTP_";
	size_t k = 5;

	for (; *name != '\0' && k < sizeof(key) - 1; name++, k++)
		key[k] = *name == '-' ? '_' :
		    (*name >= 'a' && *name <= 'z') ? *name - 32 : *name;
	key[k] = '\0';
	const char *v = ctx_env(ctx, key);
	if (v == NULL || !txt_utf8_valid(v, strlen(v), false))
		return NULL;
	return v;
}

/* First value of query parameter name, or NULL. */
const char *
req_query(const struct ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->req.nquery; i++)
		if (strcmp(ctx->req.query[i].name, name) == 0)
			return ctx->req.query[i].value;
	return NULL;
}

const char *
req_cookie(const struct ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->req.ncookies; i++)
		if (strcmp(ctx->req.cookies[i].name, name) == 0)
			return ctx->req.cookies[i].value;
	return NULL;
}

/*
 * Reads exactly len bytes of body into buf, waiting at most READ_TIMEOUT
 * seconds for each piece.  Errors: 400 for a body that ends early, 408 for
 * one that stops arriving.
 */
static struct err *
req_read_body(struct ctx *ctx, char *buf, size_t len)
{
	int fd = fileno(ctx->in);
	size_t got = 0;

	if (fd < 0) {
		got = fread(buf, 1, len, ctx->in);
		ctx->req.body_consumed += (long long)got;
		return got == len ? NULL : err_new(ctx, 400,
		    "Request body shorter than Content-Length");
	}
	while (got < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, (int)ctx->cfg.read_timeout * 1000);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return err_new(ctx, 408, "Timed out reading the "
			    "request body");
		if (pr < 0)
			return err_new(ctx, 400, "Cannot read the request "
			    "body");
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_new(ctx, 400, "Request body shorter "
			    "than Content-Length");
		got += (size_t)n;
		ctx->req.body_consumed += n;
	}
	return NULL;
}

/*
 * Reads and discards what is left of the body after the answer has gone
 * out.  Under Apache's mod_cgid the program's input and output are one
 * socket, and a program that exits with body bytes unread resets it: Apache
 * then loses the answer (an early 413 or 415 reaches the client as an empty
 * reply).  At most REQ_DRAIN_MAX bytes are read, each piece waiting at most
 * READ_TIMEOUT; past that the program simply ends.
 */
void
req_drain(struct ctx *ctx)
{
	struct req *r = &ctx->req;
	int fd = ctx->in != NULL ? fileno(ctx->in) : -1;
	long long left = r->content_length - r->body_consumed;
	char buf[16384];

	if (fd < 0 || left <= 0 || left > REQ_DRAIN_MAX)
		return;
	while (left > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, (int)ctx->cfg.read_timeout * 1000);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return;
		ssize_t n = read(fd, buf, left < (long long)sizeof(buf) ?
		    (size_t)left : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		left -= n;
		r->body_consumed += n;
	}
}

/*
 * Does the JSON text hold a string with the escape \u0000?  cJSON would
 * decode it into a NUL that ends the C string, so "nul\u0000admin" would
 * be stored as "nul": such a body is refused instead.
 */
static bool
req_json_has_nul(const char *s, size_t len)
{
	bool in = false;

	for (size_t i = 0; i < len; i++) {
		if (!in) {
			in = s[i] == '"';
			continue;
		}
		if (s[i] == '"')
			in = false;
		else if (s[i] == '\\' && i + 1 < len) {
			if (s[i + 1] == 'u' && i + 5 < len &&
			    strncmp(s + i + 2, "0000", 4) == 0)
				return true;
			i++;	/* the escaped character */
		}
	}
	return false;
}

static int
req_key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The first key that some object in j has twice, or NULL.  JSON parsers
 * disagree on which value of a repeated key wins (cJSON the first, Python
 * and most proxies the last), so a body that repeats one is refused.
 */
static const char *
req_json_dup_key(struct ctx *ctx, const cJSON *j)
{
	const char *dup;
	size_t n = 0;

	for (const cJSON *c = j->child; c != NULL; c = c->next) {
		n++;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) &&
		    (dup = req_json_dup_key(ctx, c)) != NULL)
			return dup;
	}
	if (!cJSON_IsObject(j) || n < 2)
		return NULL;
	const char **keys = mem_alloc(&ctx->mem, n * sizeof(*keys));
	n = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next)
		keys[n++] = c->string;
	qsort(keys, n, sizeof(*keys), req_key_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			return keys[i];
	return NULL;
}

static struct err *
req_parse_json(struct ctx *ctx, const char *buf, size_t len)
{
	const char *end = NULL, *dup;
	cJSON *j;

	if (!txt_utf8_valid(buf, len, true))
		return err_new(ctx, 400, "JSON parse error - body is not "
		    "valid UTF-8 text");
	if (req_json_has_nul(buf, len))
		return err_new(ctx, 400, "JSON parse error - a string holds "
		    "\\u0000 (a NUL character), which is not allowed");
	j = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (j == NULL) {
		size_t at = end != NULL && end >= buf ? (size_t)(end - buf) : 0;
		return err_new(ctx, 400, "JSON parse error - invalid JSON "
		    "at byte %zu", at);
	}
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, j);
	for (; end != NULL && (size_t)(end - buf) < len; end++)
		if (!strchr(" \t\r\n", *end))
			return err_new(ctx, 400, "JSON parse error - extra "
			    "data after the JSON value");
	if ((dup = req_json_dup_key(ctx, j)) != NULL)
		return err_new(ctx, 400, "JSON parse error - duplicate key "
		    "\"%.64s\"", dup);
	ctx->req.data = j;
	return NULL;
}

/* A urlencoded body becomes an object of strings; a repeated name, a list. */
static struct err *
req_parse_form(struct ctx *ctx, const char *buf, size_t len)
{
	struct req_kv *kv = mem_alloc(&ctx->mem, sizeof(*kv) * 1024);
	size_t n;
	cJSON *obj = cJSON_CreateObject();

	if (obj == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, obj);
	struct err *e = req_parse_pairs(ctx, buf, len, '&',
	    TXT_PLUS_SPACE | TXT_ALLOW_NL, kv, 1024, &n);
	if (e != NULL)
		return e;
	for (size_t i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateString(kv[i].value);
		if (s == NULL)
			mem_oom();
		json_add_repeated(obj, kv[i].name, s);
	}
	ctx->req.data = obj;
	return NULL;
}

/* The multipart body reader: what is left of CONTENT_LENGTH, in pieces. */
struct req_mp_reader {
	struct ctx	*ctx;
	long long	 left;
};

static ssize_t
req_mp_read(void *arg, char *buf, size_t len, struct err **e)
{
	struct req_mp_reader *rd = arg;
	size_t n = len;

	if (rd->left <= 0)
		return 0;
	if ((long long)n > rd->left)
		n = (size_t)rd->left;
	if ((*e = req_read_body(rd->ctx, buf, n)) != NULL)
		return -1;
	rd->left -= (long long)n;
	return (ssize_t)n;
}

/*
 * A multipart/form-data body (multipart.h): text parts become an object
 * of strings, as a urlencoded form does; files go to temporary files that
 * req_file() finds.
 */
static struct err *
req_multipart(struct ctx *ctx)
{
	struct req *r = &ctx->req;
	struct req_mp_reader rd = { ctx, r->content_length };
	cJSON *obj = cJSON_CreateObject();

	if (obj == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, obj);
	r->files = mem_zalloc(&ctx->mem, sizeof(*r->files) * MP_FILES_MAX);
	struct err *e = mp_parse(ctx, r->content_type, req_mp_read, &rd,
	    (size_t)ctx->cfg.max_body_size, obj, r->files, &r->nfiles);
	if (e != NULL)
		return e;
	r->data = obj;
	return NULL;
}

/*
 * The file sent in multipart field name, or NULL.  Call req_data() first.
 * The struct and its temporary file live until the request ends.
 */
struct req_file *
req_file(struct ctx *ctx, const char *field)
{
	for (size_t i = 0; i < ctx->req.nfiles; i++)
		if (ctx->req.files[i].path != NULL &&
		    strcmp(ctx->req.files[i].field, field) == 0)
			return &ctx->req.files[i];
	return NULL;
}

/*
 * Gives the request body as a cJSON value, reading and parsing it on first
 * call: JSON as sent, a urlencoded form as an object of strings, no body as
 * an empty object, multipart/form-data as an object of its text parts (its
 * files through req_file()).  The value belongs to ctx.  Errors: 400
 * malformed or short, 408 stalled, 413 too large, 415 a type we do not
 * take.
 */
struct err *
req_data(struct ctx *ctx, const cJSON **out)
{
	struct req *r = &ctx->req;
	struct err *e;

	*out = NULL;
	if (r->body_read) {
		*out = r->data;
		return r->data != NULL ? NULL : err_new(ctx, 400,
		    "Request body could not be read");
	}
	r->body_read = true;
	long long cap = r->body_kind == REQ_BODY_MULTIPART ?
	    ctx->cfg.max_upload_size : ctx->cfg.max_body_size;
	if (r->content_length > cap)
		return err_new(ctx, 413, "Request body too large (limit "
		    "%lld bytes)", cap);
	if (r->content_length == 0) {
		r->data = cJSON_CreateObject();
		if (r->data == NULL)
			mem_oom();
		mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, r->data);
		*out = r->data;
		return NULL;
	}
	switch (r->body_kind) {
	case REQ_BODY_JSON:
	case REQ_BODY_FORM:
		break;
	case REQ_BODY_MULTIPART:
		if ((e = req_multipart(ctx)) != NULL)
			return e;
		*out = r->data;
		return NULL;
	default:
		return err_new(ctx, 415, "Unsupported media type \"%.64s\" "
		    "in request", r->content_type[0] ? r->content_type :
		    "(none)");
	}
	size_t len = (size_t)r->content_length;
	char *buf = mem_alloc(&ctx->mem, len + 1);
	if ((e = req_read_body(ctx, buf, len)) != NULL)
		return e;
	buf[len] = '\0';
	e = r->body_kind == REQ_BODY_JSON ? req_parse_json(ctx, buf, len) :
	    req_parse_form(ctx, buf, len);
	if (e != NULL)
		return e;
	*out = r->data;
	return NULL;
}

/*
 * The URL of the install root, without a trailing slash: SITE_URL when
 * set, else scheme://host/prefix from the request when its host may go
 * into URLs (req_parse_host()), else the prefix alone, a path that the
 * client resolves against the URL it asked for.
 */
const char *
req_base_url(struct ctx *ctx)
{
	const char *site = ctx->cfg.site_url;

	if (site != NULL && site[0] != '\0') {
		size_t n = strlen(site);
		while (n > 0 && site[n - 1] == '/')
			n--;
		return mem_strndup(&ctx->mem, site, n);
	}
	if (!ctx->req.host_in_urls)
		return ctx->req.prefix;
	return mem_printf(&ctx->mem, "%s://%s%s",
	    ctx->req.https ? "https" : "http", ctx->req.host, ctx->req.prefix);
}
