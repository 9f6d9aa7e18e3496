/*
 * resp: the response, written as CGI output (RFC 3875 section 6).
 *
 * A handler builds its answer with resp_json() or one of the error helpers
 * and returns the status; resp_send() writes headers and body once, adding
 * the security headers, X-Request-ID, CORS and the ETag (answering 304 for a
 * matching If-None-Match).  Long lists may stream instead: resp_stream_begin()
 * sends the headers at once and resp_write() the body in pieces.
 *
 * The request's log line is written just before the headers (see log.h).
 *
 * Errors always have the API contract's JSON shapes, {"detail": "..."} or a
 * field map for 400; this module never emits HTML and never puts internal
 * detail (SQL, paths, errno) in an answer unless DEBUG is on.
 */
#ifndef SR_RESP_H
#define SR_RESP_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;

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
int		 resp_json(struct ctx *, int status, struct cJSON *);
int		 resp_json_text(struct ctx *, int status, const char *,
		    size_t len);
int		 resp_error(struct ctx *, int status, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 resp_field_error(struct ctx *, const char *field,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 resp_field_errors(struct ctx *, struct cJSON *);
int		 resp_internal(struct ctx *, const char *what);
int		 resp_not_found(struct ctx *);
void		 resp_send(struct ctx *);
void		 resp_stream_begin(struct ctx *, int status);
void		 resp_write(struct ctx *, const char *, size_t);

#endif
