/*
 * err: errors as values.
 *
 * A function that can fail returns a struct err *: NULL for success, else
 * the error, which says everything its answer needs -- the status, the
 * body in the API contract's shape ({"detail": "..."}, or for 400 a field
 * map {"name": ["message"], ...}) and at most one header (Allow on a 405,
 * WWW-Authenticate on a 401, Retry-After on a 429).  Nothing but the
 * dispatcher turns an error into the answer (resp_err()), so a caller
 * may try something, look at what went wrong and carry on, and a handler
 * that fails half-way has written nothing.
 *
 *	if ((e = req_data(ctx, &body)) != NULL)
 *		return e;
 *
 * Errors and their bodies live in the request's arena.  5xx errors are
 * logged where they are made, with the internal detail (an SQLite message)
 * that the client sees only with DEBUG on.
 *
 * A validation that can find several problems collects them in a struct
 * errs and ends with errs_end(): NULL when none, else one 400 with all of
 * them.
 */
#ifndef SR_ERR_H
#define SR_ERR_H

#include <stdbool.h>

struct cJSON;
struct ctx;

struct err {
	int		 status;
	struct cJSON	*body;		/* freed with the request */
	const char	*header;	/* one header name, or NULL */
	const char	*value;		/* and its value */
};

struct err	*err_new(struct ctx *, int status, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
struct err	*err_field(struct ctx *, const char *field, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
struct err	*err_fields(struct ctx *, struct cJSON *map);
struct err	*err_not_found(struct ctx *, const char *model);
struct err	*err_internal(struct ctx *, const char *what);
struct err	*err_header(struct err *, const char *name, const char *value);

/* Several field errors, collected (see above). */
struct errs {
	struct ctx	*ctx;
	struct cJSON	*map;		/* NULL until the first error */
};

void		 errs_init(struct errs *, struct ctx *);
void		 errs_add(struct errs *, const char *field, const char *msg);
void		 errs_addf(struct errs *, const char *field, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
void		 errs_put(struct errs *, const char *field, struct cJSON *);
bool		 errs_has(const struct errs *, const char *field);
bool		 errs_any(const struct errs *);
struct err	*errs_end(struct errs *);

#endif
