/*
 * resp: the response, written as CGI output (RFC 3875 section 6).
 *
 * A handler sets its answer with resp_json() (or resp_no_content()) and
 * returns NULL, or returns an error (err.h), which the dispatcher makes the
 * answer; resp_send() writes headers and body once, adding
 * the security headers, X-Request-ID, CORS and the ETag (answering 304 for a
 * matching If-None-Match).  Long lists may stream instead: resp_stream_begin()
 * sends the headers at once and resp_write() the body in pieces.
 *
 * The request's log line is written just before the headers (see log.h).
 *
 * Errors (err.h) always have the API contract's JSON shapes; this module
 * never emits HTML.
 */
#ifndef SR_RESP_H
#define SR_RESP_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;
struct err;

#define RESP_HEADERS_MAX 32

struct resp_header {
	const char	*name;
	const char	*value;
};

struct resp {
	int			 status;	/* 0: nothing set yet */
	struct cJSON		*json;
	const char		*body;		/* raw body, if not json */
	size_t			 body_len;
	const char		*content_type;
	struct resp_header	 headers[RESP_HEADERS_MAX];
	size_t			 nheaders;
	bool			 sent;
	bool			 streaming;
	bool			 no_etag;
};

const char	*resp_reason(int);
void		 resp_header(struct ctx *, const char *, const char *);
struct err	*resp_json(struct ctx *, int status, struct cJSON *);
struct err	*resp_json_text(struct ctx *, int status, const char *,
		    size_t len);
struct err	*resp_no_content(struct ctx *);
void		 resp_err(struct ctx *, const struct err *);
void		 resp_send(struct ctx *);
bool		 resp_etag_matches(const char *inm, const char *etag);
int		 resp_origin_allowed(const struct ctx *, const char *origin);
void		 resp_stream_begin(struct ctx *, int status);
void		 resp_write(struct ctx *, const char *, size_t);

#endif
