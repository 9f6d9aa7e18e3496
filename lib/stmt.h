/*
 * stmt: a prepared statement on either engine.
 *
 * The programs' SQL is run through these calls, never through SQLite's
 * or libpq's own: a db_stmt is SQLite's statement when the process opened
 * a SQLite file and pg.c's when DATABASE_URL names PostgreSQL (db.h).
 * The calls mean what SQLite's of the same name mean -- the same
 * arguments, the same result codes (SQLITE_ROW, SQLITE_DONE, the
 * constraint codes) -- so the code that uses them reads as it did.
 *
 * One process talks to one engine, chosen once when it opens its first
 * connection; each call is then SQLite's own or one test and a call.
 */
#ifndef SR_STMT_H
#define SR_STMT_H

#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "pg.h"

typedef struct db_stmt db_stmt;

extern bool db_on_pg;		/* this process's connection is PostgreSQL's */

#define ST_LITE(s)	((sqlite3_stmt *)(void *)(s))
#define ST_PG(s)	((struct pg_stmt *)(void *)(s))

static inline int
st_step(db_stmt *s)
{
	return db_on_pg ? pg_step(ST_PG(s)) : sqlite3_step(ST_LITE(s));
}

/* Rows to be read one by one to the end (a list streamed whole): on
 * PostgreSQL through a cursor, so that memory stays bounded. */
static inline void
st_stream(db_stmt *s)
{
	if (db_on_pg)
		pg_stream(ST_PG(s));
}

static inline int
st_reset(db_stmt *s)
{
	return db_on_pg ? pg_reset(ST_PG(s)) : sqlite3_reset(ST_LITE(s));
}

static inline int
st_clear_bindings(db_stmt *s)
{
	return db_on_pg ? pg_clear_bindings(ST_PG(s)) :
	    sqlite3_clear_bindings(ST_LITE(s));
}

static inline int
st_finalize(db_stmt *s)
{
	return db_on_pg ? pg_finalize(ST_PG(s)) :
	    sqlite3_finalize(ST_LITE(s));
}

static inline int
st_bind_int64(db_stmt *s, int i, long long v)
{
	return db_on_pg ? pg_bind_int64(ST_PG(s), i, v) :
	    sqlite3_bind_int64(ST_LITE(s), i, v);
}

static inline int
st_bind_int(db_stmt *s, int i, int v)
{
	return st_bind_int64(s, i, v);
}

static inline int
st_bind_double(db_stmt *s, int i, double v)
{
	return db_on_pg ? pg_bind_double(ST_PG(s), i, v) :
	    sqlite3_bind_double(ST_LITE(s), i, v);
}

/* As sqlite3_bind_text(): n < 0 means up to the NUL; the text is copied
 * unless free is SQLITE_STATIC (PostgreSQL's side always copies). */
static inline int
st_bind_text(db_stmt *s, int i, const char *v, int n, void (*free)(void *))
{
	return db_on_pg ? pg_bind_text(ST_PG(s), i, v, n) :
	    sqlite3_bind_text(ST_LITE(s), i, v, n, free);
}

/* SQLite only: a pointer for an application function (sqlite3_bind_pointer;
 * nothing to free).  PostgreSQL has no such thing: SQLITE_MISUSE. */
static inline int
st_bind_pointer(db_stmt *s, int i, void *p, const char *type)
{
	return db_on_pg ? SQLITE_MISUSE :
	    sqlite3_bind_pointer(ST_LITE(s), i, p, type, NULL);
}

static inline int
st_bind_null(db_stmt *s, int i)
{
	return db_on_pg ? pg_bind_null(ST_PG(s), i) :
	    sqlite3_bind_null(ST_LITE(s), i);
}

static inline int
st_bind_parameter_count(db_stmt *s)
{
	return db_on_pg ? pg_bind_parameter_count(ST_PG(s)) :
	    sqlite3_bind_parameter_count(ST_LITE(s));
}

static inline long long
st_column_int64(db_stmt *s, int c)
{
	return db_on_pg ? pg_column_int64(ST_PG(s), c) :
	    sqlite3_column_int64(ST_LITE(s), c);
}

static inline int
st_column_int(db_stmt *s, int c)
{
	return (int)st_column_int64(s, c);
}

static inline double
st_column_double(db_stmt *s, int c)
{
	return db_on_pg ? pg_column_double(ST_PG(s), c) :
	    sqlite3_column_double(ST_LITE(s), c);
}

static inline const unsigned char *
st_column_text(db_stmt *s, int c)
{
	return db_on_pg ? pg_column_text(ST_PG(s), c) :
	    sqlite3_column_text(ST_LITE(s), c);
}

/* The bytes of a text column (after st_column_text()). */
static inline int
st_column_bytes(db_stmt *s, int c)
{
	const unsigned char *t;

	if (!db_on_pg)
		return sqlite3_column_bytes(ST_LITE(s), c);
	t = pg_column_text(ST_PG(s), c);
	return t == NULL ? 0 : (int)strlen((const char *)t);
}

/* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT. */
static inline int
st_column_type(db_stmt *s, int c)
{
	return db_on_pg ? pg_column_type(ST_PG(s), c) :
	    sqlite3_column_type(ST_LITE(s), c);
}

static inline int
st_column_count(db_stmt *s)
{
	return db_on_pg ? pg_column_count(ST_PG(s)) :
	    sqlite3_column_count(ST_LITE(s));
}

#endif
