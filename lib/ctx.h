/*
 * ctx: the per-request context.
 *
 * Everything one request needs travels in a struct ctx: its environment,
 * input and output streams, settings, arena, parsed request, response under
 * construction and database handle.  Nothing in lib/ keeps state in globals,
 * so the same process can serve request after request (FastCGI) by filling
 * a new context each time.  ctx_end() releases all of it.
 */
#ifndef SR_CTX_H
#define SR_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "mem.h"
#include "req.h"
#include "resp.h"

struct sqlite3;
struct pg;
struct db_keep;
struct program;
struct resource;
struct route;

#define ROUTE_PARAMS_MAX 4

struct route_param {
	const char	*name;
	const char	*value;
};

struct ctx {
	struct mem		 mem;
	char *const		*envp;
	FILE			*in;
	FILE			*out;
	const char		*exe;		/* program path, or NULL */
	struct cfg		 cfg;
	bool			 cfg_ok;
	struct req		 req;
	struct resp		 resp;
	struct sqlite3		*db;		/* SQLite's connection, or */
	struct pg		*pg;		/* PostgreSQL's (db.h) */
	struct db_keep		*db_keep;	/* FastCGI: kept between requests */
	bool			 detach_ok;	/* may fork a task runner */
	const struct program	*program;	/* serving this request */
	const struct route	*route;
	const struct resource	*res;		/* the route's resource (res.h) */
	struct route_param	 params[ROUTE_PARAMS_MAX];
	size_t			 nparams;
	char			 request_id[65];
	long long		 t_start_us;
	const char		*username;	/* for the log, when known */
	long long		 user_id;	/* 0: anonymous */
	/* Set by auth (auth.h) for a signed-in user: */
	bool			 is_superuser;
	bool			 is_staff;
	uint64_t		 perms;		/* PERM_BIT()s, see perm.h */
	int			 auth_kind;	/* enum auth_kind */
	long long		 session_id;	/* row of the session used */
	long long		 token_id;	/* row of the API token used */
	const char		*session_key;	/* the cookie's plain value */
	/* Rows a search read from its index, for the request's other lists
	 * (list.c: POST /api/search/ searches several at once). */
	void			*list_found;
	/* Rows nested in a GET's rows, as text, for its other rows that
	 * name them again (res.c: a page of parts and their categories). */
	void			*nested;
};

void		 ctx_init(struct ctx *, char *const *envp, FILE *in, FILE *out,
		    const char *exe);
void		 ctx_end(struct ctx *);
const char	*ctx_env(const struct ctx *, const char *);
const char	*ctx_param(const struct ctx *, const char *);
long long	 ctx_param_id(const struct ctx *, const char *);
long long	 ctx_now_us(void);

#endif
