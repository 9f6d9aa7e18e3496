/*
 * pg: PostgreSQL, for sites whose DATABASE_URL names it (issue 13).
 *
 * libpq is loaded with dlopen() when a process first connects, so that a
 * SQLite site -- nearly all of them -- neither pays for it at each CGI
 * start nor needs it installed.  A pg_stmt holds one statement of the
 * programs' SQL, written in SQLite's dialect and rewritten by dialect.c;
 * its calls mirror SQLite's (stmt.h) and return SQLite's result codes,
 * with PostgreSQL's errors mapped onto them (pg_errcode()):
 *
 *	23505 unique			SQLITE_CONSTRAINT_UNIQUE
 *	23503 foreign key		SQLITE_CONSTRAINT_FOREIGNKEY
 *	23502 not null			SQLITE_CONSTRAINT_NOTNULL
 *	23514, 22xxx check, range	SQLITE_CONSTRAINT_CHECK
 *	P0001 a trigger's RAISE		SQLITE_CONSTRAINT_TRIGGER
 *	40001, 40P01, 55P03, 57014	SQLITE_BUSY (retry later: 503)
 *	53xxx out of disk or memory	SQLITE_FULL
 *	08xxx, no connection		SQLITE_CANTOPEN
 *	anything else			SQLITE_ERROR
 *
 * A statement runs when first stepped, with its bound values sent as text
 * (integers typed bigint, so that PostgreSQL infers no other type); its
 * rows are then read one step at a time.  Booleans read as 1 and 0, as
 * SQLite's do.
 */
#ifndef SR_PG_H
#define SR_PG_H

#include <stdbool.h>
#include <stddef.h>

struct pg;
struct pg_stmt;

#define PG_URL_MAX		1024
#define PG_STATEMENT_TIMEOUT_MS	30000
#define PG_IDLE_TX_TIMEOUT_MS	60000

bool		 pg_url(const char *url);
int		 pg_connect(const char *url, struct pg **, char *err,
		    size_t errsz);
void		 pg_close(struct pg *);
bool		 pg_ok(struct pg *);
int		 pg_exec(struct pg *, const char *sql);
int		 pg_exec_script(struct pg *, const char *sql);
bool		 pg_in_transaction(struct pg *);
const char	*pg_errmsg(struct pg *);
int		 pg_errcode(struct pg *);
long long	 pg_changes(struct pg *);
long long	 pg_last_id(struct pg *);

struct pg_stmt	*pg_prepare(struct pg *, const char *sql);
void		 pg_stream(struct pg_stmt *);
int		 pg_step(struct pg_stmt *);
int		 pg_reset(struct pg_stmt *);
int		 pg_clear_bindings(struct pg_stmt *);
int		 pg_finalize(struct pg_stmt *);
int		 pg_bind_int64(struct pg_stmt *, int, long long);
int		 pg_bind_double(struct pg_stmt *, int, double);
int		 pg_bind_text(struct pg_stmt *, int, const char *, int n);
int		 pg_bind_null(struct pg_stmt *, int);
int		 pg_bind_parameter_count(struct pg_stmt *);
long long	 pg_column_int64(struct pg_stmt *, int);
double		 pg_column_double(struct pg_stmt *, int);
const unsigned char *pg_column_text(struct pg_stmt *, int);
int		 pg_column_type(struct pg_stmt *, int);
int		 pg_column_count(struct pg_stmt *);

#endif
