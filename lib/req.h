/*
 * req: the request, read from a CGI/1.1 environment (RFC 3875).
 *
 * req_parse() validates what every request has: the method, PATH_INFO (which
 * holds the API path, /api/...), the query string, cookies and the install
 * prefix.  The body is read only when a handler asks, through req_data(),
 * which gives one cJSON object whatever the body's type (JSON, urlencoded
 * form, multipart/form-data), so handlers never parse bytes; a multipart
 * body's files are then found with req_file().
 *
 * A JSON body is refused (400) when a string in it holds \u0000 (which
 * would cut the C string short) or an object repeats a key (parsers
 * disagree on which value wins).
 *
 * This module never reads past CONTENT_LENGTH, never accepts a body larger
 * than MAX_BODY_SIZE (MAX_UPLOAD_SIZE for multipart), and never hands out
 * a string that failed validation
 * (text.h): NUL, control characters and invalid UTF-8 are rejected with 400.
 */
#ifndef SR_REQ_H
#define SR_REQ_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;
struct err;
struct req_file;	/* multipart.h */

#define REQ_HEADER_MAX	8192	/* longest header value accepted */
#define REQ_QUERY_MAX	8192	/* longest query string accepted */
#define REQ_PATH_MAX	2048
#define REQ_PARAMS_MAX	64	/* query parameters or cookies */
#define REQ_DRAIN_MAX	(64LL * 1024 * 1024)	/* see req_drain() */
#define REQ_METHOD_MAX	20

struct req_kv {
	const char	*name;
	const char	*value;
};

enum req_body_kind { REQ_BODY_NONE, REQ_BODY_JSON, REQ_BODY_FORM,
	REQ_BODY_MULTIPART, REQ_BODY_OTHER };

struct req {
	const char		*method;
	const char		*path;		/* decoded API path */
	const char		*query_raw;
	struct req_kv		 query[REQ_PARAMS_MAX];
	size_t			 nquery;
	struct req_kv		 cookies[REQ_PARAMS_MAX];
	size_t			 ncookies;
	const char		*content_type;
	enum req_body_kind	 body_kind;
	long long		 content_length;
	const char		*remote_addr;
	bool			 https;
	const char		*host;
	bool			 host_in_urls;	/* may go into URLs */
	const char		*prefix;	/* install prefix, "" at / */
	struct cJSON		*data;		/* parsed body, once read */
	bool			 body_read;
	long long		 body_consumed;	/* bytes of body read so far */
	struct req_file		*files;		/* multipart file parts */
	size_t			 nfiles;
};

struct err	*req_parse(struct ctx *);
const char	*req_header(struct ctx *, const char *name);
const char	*req_query(const struct ctx *, const char *name);
const char	*req_cookie(const struct ctx *, const char *name);
struct err	*req_data(struct ctx *, const struct cJSON **);
void		 req_drain(struct ctx *);
struct req_file	*req_file(struct ctx *, const char *field);
const char	*req_base_url(struct ctx *);
struct err	*req_parse_pairs(struct ctx *, const char *, size_t,
		    char sep, int flags, struct req_kv *, size_t max,
		    size_t *n);

#endif
