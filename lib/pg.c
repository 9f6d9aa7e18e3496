/*
 * pg: PostgreSQL through libpq, loaded when first needed (pg.h).
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "dialect.h"
#include "pg.h"

#define PG_BOOLOID	16
#define PG_INT8OID	20
#define PG_INT2OID	21
#define PG_INT4OID	23
#define PG_OIDOID	26
#define PG_FLOAT4OID	700
#define PG_FLOAT8OID	701
#define PG_NUMERICOID	1700

/* libpq's calls, found in libpq.so.5 by pg_load(). */
static struct {
	void		*h;
	PGconn		*(*connectdb)(const char *);
	ConnStatusType	 (*status)(const PGconn *);
	char		*(*error_message)(const PGconn *);
	void		 (*finish)(PGconn *);
	PGresult	*(*exec)(PGconn *, const char *);
	PGresult	*(*exec_params)(PGconn *, const char *, int,
			    const Oid *, const char *const *, const int *,
			    const int *, int);
	ExecStatusType	 (*result_status)(const PGresult *);
	char		*(*result_error_field)(const PGresult *, int);
	int		 (*ntuples)(const PGresult *);
	int		 (*nfields)(const PGresult *);
	char		*(*getvalue)(const PGresult *, int, int);
	int		 (*getisnull)(const PGresult *, int, int);
	Oid		 (*ftype)(const PGresult *, int);
	char		*(*cmd_tuples)(PGresult *);
	void		 (*clear)(PGresult *);
	PGTransactionStatusType (*transaction_status)(const PGconn *);
	PQnoticeProcessor (*set_notice_processor)(PGconn *,
			    PQnoticeProcessor, void *);
	PGresult	*(*prepare)(PGconn *, const char *, const char *, int,
			    const Oid *);
	PGresult	*(*exec_prepared)(PGconn *, const char *, int,
			    const char *const *, const int *, const int *, int);
} lpq;

/*
 * The statements a connection has prepared (PREPARE, by the protocol),
 * by rewritten text and parameter types: the server parses each once per
 * connection, and a FastCGI process's connection lives for many requests.
 * Full, the connection forgets them all (DEALLOCATE ALL).
 */
#define PG_PREP_SLOTS	512

struct pg_prep {
	char		*sql;		/* NULL: an empty slot */
	Oid		*types;
	int		 nparams;
	unsigned	 id;		/* its name: "sr<id>" */
};

struct pg {
	PGconn		*conn;
	int		 errcode;	/* SQLite's code for the last failure */
	char		 errmsg[512];
	long long	 changes;	/* rows the last write touched */
	struct pg_prep	 prep[PG_PREP_SLOTS];
	size_t		 nprep;
	unsigned	 next_id;
};

struct pg_param {
	char		*text;		/* NULL: SQL NULL */
	char		 num[32];	/* a number's text (text points here) */
	Oid		 type;
};

struct pg_stmt {
	struct pg	*pg;
	char		*sql;		/* rewritten: a copy of the cache's,
					   which may forget it meanwhile */
	int		 nparams;
	struct pg_param	*params;
	PGresult	*res;
	bool		 ran;
	int		 rc;		/* the run's failure, or SQLITE_OK */
	int		 row, nrows;
	Oid		*types;		/* of the result's columns */
	bool		 stream;	/* read through a cursor (pg_stream()) */
	bool		 cursor_open;
	bool		 cursor_end;	/* the last FETCH came back short */
};

/* Rows of one FETCH from a streamed statement's cursor. */
#define PG_FETCH_ROWS	1000

static void	pg_cursor_close(struct pg_stmt *);
static void	pg_prep_forget(struct pg *);

static int
pg_load(char *err, size_t errsz)
{
	static const char *const names[] = {
		"PQconnectdb", "PQstatus", "PQerrorMessage", "PQfinish",
		"PQexec", "PQexecParams", "PQresultStatus",
		"PQresultErrorField", "PQntuples", "PQnfields", "PQgetvalue",
		"PQgetisnull", "PQftype", "PQcmdTuples", "PQclear",
		"PQtransactionStatus", "PQsetNoticeProcessor",
		"PQprepare", "PQexecPrepared",
	};
	void **slots[] = {
		(void **)&lpq.connectdb, (void **)&lpq.status,
		(void **)&lpq.error_message, (void **)&lpq.finish,
		(void **)&lpq.exec, (void **)&lpq.exec_params,
		(void **)&lpq.result_status, (void **)&lpq.result_error_field,
		(void **)&lpq.ntuples, (void **)&lpq.nfields,
		(void **)&lpq.getvalue, (void **)&lpq.getisnull,
		(void **)&lpq.ftype, (void **)&lpq.cmd_tuples,
		(void **)&lpq.clear, (void **)&lpq.transaction_status,
		(void **)&lpq.set_notice_processor,
		(void **)&lpq.prepare, (void **)&lpq.exec_prepared,
	};
	void *h;

	if (lpq.h != NULL)
		return 0;
#ifdef STOCKROOM_STATIC
	/*
	 * A release's static programs cannot load a shared library safely
	 * (glibc's dlopen from a static program needs the very glibc it was
	 * linked with).  PostgreSQL sites build from source (docs/scale-out.md).
	 */
	(void)names;
	(void)slots;
	(void)h;
	snprintf(err, errsz, "DATABASE_URL names PostgreSQL, but this release "
	    "build is SQLite-only: build Stockroom from source (make install) "
	    "for PostgreSQL");
	return -1;
#else
	if ((h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errsz, "DATABASE_URL names PostgreSQL, but its "
		    "client library libpq.so.5 cannot be loaded (install "
		    "Debian's libpq5): %s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((*slots[i] = dlsym(h, names[i])) == NULL) {
			snprintf(err, errsz, "libpq.so.5 has no %s", names[i]);
			dlclose(h);
			return -1;
		}
	}
	lpq.h = h;
	return 0;
#endif
}

bool
pg_url(const char *url)
{
	return url != NULL && (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0);
}

static void
pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;		/* NOTICEs are not the client's business */
}

/* SQLite's code for a PostgreSQL SQLSTATE (pg.h's table). */
static int
pg_code(const char *state)
{
	if (state == NULL || strlen(state) != 5)
		return SQLITE_ERROR;
	if (strcmp(state, "23505") == 0)
		return SQLITE_CONSTRAINT_UNIQUE;
	if (strcmp(state, "23503") == 0)
		return SQLITE_CONSTRAINT_FOREIGNKEY;
	if (strcmp(state, "23502") == 0)
		return SQLITE_CONSTRAINT_NOTNULL;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return SQLITE_CONSTRAINT_CHECK;
	if (strcmp(state, "P0001") == 0)
		return SQLITE_CONSTRAINT_TRIGGER;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return SQLITE_BUSY;
	if (strncmp(state, "53", 2) == 0)
		return SQLITE_FULL;
	if (strncmp(state, "08", 2) == 0)
		return SQLITE_CANTOPEN;
	return SQLITE_ERROR;
}

static int
pg_fail(struct pg *pg, int code, const char *msg)
{
	pg->errcode = code;
	snprintf(pg->errmsg, sizeof(pg->errmsg), "%s", msg ? msg : "");
	/* libpq's messages end with a newline */
	size_t n = strlen(pg->errmsg);
	while (n > 0 && (pg->errmsg[n - 1] == '\n' || pg->errmsg[n - 1] == ' '))
		pg->errmsg[--n] = '\0';
	return code;
}

/* Records res's failure in pg; returns SQLite's code for it. */
static int
pg_fail_res(struct pg *pg, const PGresult *res)
{
	if (res == NULL || lpq.status(pg->conn) != CONNECTION_OK)
		return pg_fail(pg, SQLITE_CANTOPEN,
		    lpq.error_message(pg->conn));
	const char *state = lpq.result_error_field(res, PG_DIAG_SQLSTATE);
	const char *msg = lpq.result_error_field(res,
	    PG_DIAG_MESSAGE_PRIMARY);
	return pg_fail(pg, pg_code(state), msg);
}

int
pg_connect(const char *url, struct pg **out, char *err, size_t errsz)
{
	static const char settings[] =
	    "SET statement_timeout = " /* ms */ "30000;"
	    "SET idle_in_transaction_session_timeout = 60000;"
	    "SET lock_timeout = 10000;"
	    /* JIT compiles a plan whose estimated cost is high (a page with
	     * a dozen subselects a row): 35 ms of compiling for a 2 ms
	     * query, at every run */
	    "SET jit = off;"
	    "SET client_min_messages = warning;"
	    "SET TIME ZONE 'UTC'";
	struct pg *pg;

	*out = NULL;
	if (strlen(url) > PG_URL_MAX) {
		snprintf(err, errsz, "DATABASE_URL is longer than %d bytes",
		    PG_URL_MAX);
		return -1;
	}
	if (pg_load(err, errsz) != 0)
		return -1;
	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	pg->conn = lpq.connectdb(url);
	if (pg->conn == NULL || lpq.status(pg->conn) != CONNECTION_OK) {
		/* libpq's message names the host, never the password */
		snprintf(err, errsz, "cannot connect to PostgreSQL: %s",
		    pg->conn ? lpq.error_message(pg->conn) : "out of memory");
		size_t n = strlen(err);
		while (n > 0 && err[n - 1] == '\n')
			err[--n] = '\0';
		pg_close(pg);
		return -1;
	}
	lpq.set_notice_processor(pg->conn, pg_quiet, NULL);
	if (pg_exec(pg, settings) != SQLITE_OK) {
		snprintf(err, errsz, "cannot set up the PostgreSQL session: %s",
		    pg->errmsg);
		pg_close(pg);
		return -1;
	}
	*out = pg;
	return 0;
}

void
pg_close(struct pg *pg)
{
	if (pg == NULL)
		return;
	if (pg->conn != NULL)
		lpq.finish(pg->conn);
	pg_prep_forget(pg);
	free(pg);
}

bool
pg_ok(struct pg *pg)
{
	return pg != NULL && lpq.status(pg->conn) == CONNECTION_OK;
}

/* Runs SQL in PostgreSQL's own dialect (one or more statements). */
int
pg_exec_script(struct pg *pg, const char *sql)
{
	PGresult *res = lpq.exec(pg->conn, sql);
	ExecStatusType s = res ? lpq.result_status(res) : PGRES_FATAL_ERROR;
	int rc = SQLITE_OK;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail_res(pg, res);
	else
		pg->changes = strtoll(lpq.cmd_tuples(res), NULL, 10);
	if (res != NULL)
		lpq.clear(res);
	return rc;
}

int
pg_exec(struct pg *pg, const char *sql)
{
	return pg_exec_script(pg, sql);
}

bool
pg_in_transaction(struct pg *pg)
{
	return pg != NULL && pg->conn != NULL &&
	    lpq.transaction_status(pg->conn) != PQTRANS_IDLE;
}

const char *
pg_errmsg(struct pg *pg)
{
	return pg != NULL ? pg->errmsg : "no connection";
}

int
pg_errcode(struct pg *pg)
{
	return pg != NULL ? pg->errcode : SQLITE_CANTOPEN;
}

long long
pg_changes(struct pg *pg)
{
	return pg->changes;
}

/* The id the last INSERT of this session gave (its identity column's). */
long long
pg_last_id(struct pg *pg)
{
	PGresult *res = lpq.exec(pg->conn, "SELECT lastval()");
	long long id = 0;

	if (res != NULL && lpq.result_status(res) == PGRES_TUPLES_OK &&
	    lpq.ntuples(res) == 1)
		id = strtoll(lpq.getvalue(res, 0, 0), NULL, 10);
	if (res != NULL)
		lpq.clear(res);
	return id;
}

/*
 * The rewrites of the statements this process has run, by SQL text: a
 * FastCGI process rewrites each statement once.  Full, it forgets all.
 */
#define PG_CACHE_SLOTS	512

static struct pg_cached {
	char	*sql;		/* SQLite's text */
	char	*pg;		/* rewritten */
	int	 nparams;
} pg_cache[PG_CACHE_SLOTS];
static size_t pg_cache_used;

static uint32_t
pg_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct pg_cached *
pg_rewrite(struct pg *pg, const char *sql)
{
	char err[256];
	uint32_t h = pg_hash(sql);
	struct pg_cached *c;

	for (size_t i = 0; i < PG_CACHE_SLOTS; i++) {
		c = &pg_cache[(h + i) % PG_CACHE_SLOTS];
		if (c->sql == NULL)
			break;
		if (strcmp(c->sql, sql) == 0)
			return c;
	}
	if (pg_cache_used >= PG_CACHE_SLOTS / 2) {
		for (size_t i = 0; i < PG_CACHE_SLOTS; i++) {
			free(pg_cache[i].sql);
			free(pg_cache[i].pg);
		}
		memset(pg_cache, 0, sizeof(pg_cache));
		pg_cache_used = 0;
	}
	for (size_t i = 0; ; i++) {
		c = &pg_cache[(h + i) % PG_CACHE_SLOTS];
		if (c->sql == NULL)
			break;
	}
	if (dialect_pg(sql, &c->pg, &c->nparams, err, sizeof(err)) != 0) {
		pg_fail(pg, SQLITE_ERROR, err);
		return NULL;
	}
	if ((c->sql = strdup(sql)) == NULL) {
		free(c->pg);
		c->pg = NULL;
		pg_fail(pg, SQLITE_NOMEM, "out of memory");
		return NULL;
	}
	pg_cache_used++;
	return c;
}

/* The slot of st's text and parameter types: theirs, or the empty one to fill. */
static struct pg_prep *
pg_prep_slot(struct pg_stmt *st, const Oid *types)
{
	struct pg *pg = st->pg;
	uint32_t h = pg_hash(st->sql);

	for (int i = 0; i < st->nparams; i++)
		h = (h ^ (uint32_t)types[i]) * 16777619u;
	for (size_t i = 0; ; i++) {
		struct pg_prep *p = &pg->prep[(h + i) % PG_PREP_SLOTS];
		if (p->sql == NULL || (p->nparams == st->nparams &&
		    strcmp(p->sql, st->sql) == 0 && (st->nparams == 0 ||
		    memcmp(p->types, types, sizeof(*types) *
		    (size_t)st->nparams) == 0)))
			return p;
	}
}

/* Forgets the connection's prepared statements (the server's go too
   when it is idle; names are never reused, so any left do no harm). */
static void
pg_prep_forget(struct pg *pg)
{
	for (size_t i = 0; i < PG_PREP_SLOTS; i++) {
		free(pg->prep[i].sql);
		free(pg->prep[i].types);
	}
	memset(pg->prep, 0, sizeof(pg->prep));
	if (pg->nprep > 0 && pg->conn != NULL &&
	    lpq.transaction_status(pg->conn) == PQTRANS_IDLE) {
		PGresult *r = lpq.exec(pg->conn, "DEALLOCATE ALL");
		if (r != NULL)
			lpq.clear(r);
	}
	pg->nprep = 0;
}

/*
 * The name of st's statement prepared on its connection with these
 * parameter types, preparing it the first time; NULL with st->res the
 * server's answer when it cannot be prepared (the statement's error), or
 * NULL and no answer when it is not to be kept (out of memory).
 */
static const char *
pg_prepared(struct pg_stmt *st, const Oid *types, char *name, size_t namesz)
{
	struct pg *pg = st->pg;
	struct pg_prep *p;

	if (pg->nprep >= PG_PREP_SLOTS / 2)
		pg_prep_forget(pg);
	p = pg_prep_slot(st, types);
	if (p->sql != NULL) {
		snprintf(name, namesz, "sr%u", p->id);
		return name;
	}
	char *sql = strdup(st->sql);
	Oid *t = st->nparams > 0 ?
	    malloc(sizeof(*t) * (size_t)st->nparams) : NULL;
	if (sql == NULL || (st->nparams > 0 && t == NULL)) {
		free(sql);
		free(t);
		return NULL;
	}
	if (st->nparams > 0)
		memcpy(t, types, sizeof(*t) * (size_t)st->nparams);
	unsigned id = ++pg->next_id;
	snprintf(name, namesz, "sr%u", id);
	PGresult *r = lpq.prepare(pg->conn, name, st->sql, st->nparams, types);
	if (r == NULL || lpq.result_status(r) != PGRES_COMMAND_OK) {
		free(sql);
		free(t);
		st->res = r;
		return NULL;
	}
	lpq.clear(r);
	p->sql = sql;
	p->types = t;
	p->nparams = st->nparams;
	p->id = id;
	pg->nprep++;
	return name;
}

/*
 * Did a kept statement fail only for being kept: its result type changed
 * under it (a migration altered a table it reads: 0A000), or the server
 * no longer has it (26000)?  Run again unprepared, it may succeed.
 */
static bool
pg_replan(const PGresult *res)
{
	const char *state;

	if (res == NULL || lpq.result_status(res) != PGRES_FATAL_ERROR)
		return false;
	state = lpq.result_error_field(res, PG_DIAG_SQLSTATE);
	return state != NULL && (strcmp(state, "0A000") == 0 ||
	    strcmp(state, "26000") == 0);
}

/* Forgets st's prepared statement (its plan no longer fits the schema). */
static void
pg_prep_drop(struct pg_stmt *st, const Oid *types)
{
	struct pg *pg = st->pg;

	/* Open addressing cannot empty one slot: forget them all. */
	if (pg_prep_slot(st, types)->sql != NULL)
		pg_prep_forget(pg);
}

struct pg_stmt *
pg_prepare(struct pg *pg, const char *sql)
{
	struct pg_cached *c;
	struct pg_stmt *st;

	if (pg == NULL || (c = pg_rewrite(pg, sql)) == NULL)
		return NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->sql = strdup(c->pg)) == NULL ||
	    (c->nparams > 0 && (st->params = calloc((size_t)c->nparams,
	    sizeof(*st->params))) == NULL)) {
		if (st != NULL)
			free(st->sql);
		free(st);
		pg_fail(pg, SQLITE_NOMEM, "out of memory");
		return NULL;
	}
	st->pg = pg;
	st->nparams = c->nparams;
	return st;
}

static void
pg_result_free(struct pg_stmt *st)
{
	pg_cursor_close(st);
	if (st->res != NULL)
		lpq.clear(st->res);
	free(st->types);
	st->res = NULL;
	st->types = NULL;
	st->ran = false;
	st->rc = SQLITE_OK;
	st->row = st->nrows = 0;
}

static void
pg_cursor_close(struct pg_stmt *st)
{
	if (st->cursor_open) {
		PGresult *r = lpq.exec(st->pg->conn, "CLOSE sr_stream");
		if (r != NULL)
			lpq.clear(r);
		st->cursor_open = false;
	}
}

/* The types of st->res's columns, read once per run. */
static int
pg_types(struct pg_stmt *st)
{
	int nf = lpq.nfields(st->res);

	if (st->types != NULL || nf <= 0)
		return SQLITE_OK;
	if ((st->types = calloc((size_t)nf, sizeof(*st->types))) == NULL)
		return st->rc = pg_fail(st->pg, SQLITE_NOMEM, "out of memory");
	for (int i = 0; i < nf; i++)
		st->types[i] = lpq.ftype(st->res, i);
	return SQLITE_OK;
}

/* The next rows of a streamed statement's cursor into st->res. */
static int
pg_fetch(struct pg_stmt *st)
{
	char sql[64];

	if (st->res != NULL)
		lpq.clear(st->res);
	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM sr_stream",
	    PG_FETCH_ROWS);
	st->res = lpq.exec(st->pg->conn, sql);
	if (st->res == NULL || lpq.result_status(st->res) != PGRES_TUPLES_OK)
		return st->rc = pg_fail_res(st->pg, st->res);
	st->nrows = lpq.ntuples(st->res);
	st->row = -1;
	st->cursor_end = st->nrows < PG_FETCH_ROWS;
	return pg_types(st);
}

/*
 * Reads st's rows through a cursor, PG_FETCH_ROWS at a time, instead of
 * all at once: for a list streamed whole, whatever its length.  Before
 * the first step; one streamed statement at a time per connection.
 */
void
pg_stream(struct pg_stmt *st)
{
	st->stream = true;
}

static int
pg_run(struct pg_stmt *st)
{
	const char **vals = NULL;
	Oid *types = NULL;
	ExecStatusType s;

	st->ran = true;
	st->row = -1;
	if (st->nparams > 0) {
		vals = malloc(sizeof(*vals) * (size_t)st->nparams);
		types = malloc(sizeof(*types) * (size_t)st->nparams);
		if (vals == NULL || types == NULL) {
			free(vals);
			free(types);
			return st->rc = pg_fail(st->pg, SQLITE_NOMEM,
			    "out of memory");
		}
		for (int i = 0; i < st->nparams; i++) {
			vals[i] = st->params[i].text;
			types[i] = st->params[i].type;
		}
	}
	const char *sql = st->sql;
	char *declare = NULL;
	if (st->stream) {
		size_t n = strlen(st->sql) + 64;
		if ((declare = malloc(n)) != NULL) {
			snprintf(declare, n, "DECLARE sr_stream NO SCROLL CURSOR "
			    "WITH HOLD FOR %s", st->sql);
			sql = declare;
		}
	}
	if (declare == NULL) {
		char name[16];
		const char *n = pg_prepared(st, types, name, sizeof(name));
		if (n != NULL) {
			st->res = lpq.exec_prepared(st->pg->conn, n,
			    st->nparams, vals, NULL, NULL, 0);
			if (pg_replan(st->res)) {
				/* the schema changed under a kept statement */
				lpq.clear(st->res);
				st->res = NULL;
				pg_prep_drop(st, types);
			}
		}
	}
	if (st->res == NULL)
		st->res = lpq.exec_params(st->pg->conn, sql, st->nparams,
		    types, vals, NULL, NULL, 0);
	free(vals);
	free(types);
	if (declare != NULL && st->res != NULL &&
	    lpq.result_status(st->res) == PGRES_COMMAND_OK) {
		st->cursor_open = true;
		lpq.clear(st->res);
		st->res = NULL;
		if (pg_fetch(st) != SQLITE_OK) {
			free(declare);
			return st->rc;
		}
		free(declare);
		return SQLITE_OK;
	}
	free(declare);
	s = st->res ? lpq.result_status(st->res) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		st->pg->changes = strtoll(lpq.cmd_tuples(st->res), NULL, 10);
		st->nrows = s == PGRES_TUPLES_OK ? lpq.ntuples(st->res) : 0;
		return pg_types(st);
	}
	st->rc = pg_fail_res(st->pg, st->res);
	if (getenv("STOCKROOM_PG_TRACE") != NULL)
		fprintf(stderr, "pg: %s\n  in: %s\n", st->pg->errmsg, st->sql);
	return st->rc;
}

int
pg_step(struct pg_stmt *st)
{
	if (!st->ran && pg_run(st) != SQLITE_OK)
		return st->rc;
	if (st->rc != SQLITE_OK)
		return st->rc;
	if (st->row < st->nrows)
		st->row++;
	if (st->row >= st->nrows && st->cursor_open && !st->cursor_end) {
		if (pg_fetch(st) != SQLITE_OK)
			return st->rc;
		st->row = 0;
	}
	return st->row < st->nrows ? SQLITE_ROW : SQLITE_DONE;
}

int
pg_reset(struct pg_stmt *st)
{
	int rc = st->rc;

	pg_result_free(st);
	return rc;
}

static void
pg_param_clear(struct pg_param *p)
{
	if (p->text != NULL && p->text != p->num)
		free(p->text);
	p->text = NULL;
	p->type = 0;
}

int
pg_clear_bindings(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++)
		pg_param_clear(&st->params[i]);
	return SQLITE_OK;
}

int
pg_finalize(struct pg_stmt *st)
{
	int rc;

	if (st == NULL)
		return SQLITE_OK;
	rc = st->rc;
	pg_result_free(st);
	pg_clear_bindings(st);
	free(st->params);
	free(st->sql);
	free(st);
	return rc;
}

static struct pg_param *
pg_param(struct pg_stmt *st, int i)
{
	if (i < 1 || i > st->nparams)
		return NULL;
	pg_param_clear(&st->params[i - 1]);
	return &st->params[i - 1];
}

/* Parameter i as the number in text (written by the caller into num). */
static struct pg_param *
pg_param_num(struct pg_stmt *st, int i, Oid type)
{
	struct pg_param *p = pg_param(st, i);

	if (p != NULL) {
		p->text = p->num;
		p->type = type;
	}
	return p;
}

int
pg_bind_int64(struct pg_stmt *st, int i, long long v)
{
	struct pg_param *p = pg_param_num(st, i, PG_INT8OID);

	if (p == NULL)
		return SQLITE_RANGE;
	snprintf(p->num, sizeof(p->num), "%lld", v);
	return SQLITE_OK;
}

int
pg_bind_double(struct pg_stmt *st, int i, double v)
{
	struct pg_param *p = pg_param_num(st, i, PG_FLOAT8OID);

	if (p == NULL)
		return SQLITE_RANGE;
	snprintf(p->num, sizeof(p->num), "%.17g", v);
	return SQLITE_OK;
}

int
pg_bind_text(struct pg_stmt *st, int i, const char *v, int n)
{
	struct pg_param *p = pg_param(st, i);

	if (p == NULL)
		return SQLITE_RANGE;
	if (v == NULL)
		return SQLITE_OK;
	size_t len = n < 0 ? strlen(v) : (size_t)n;
	if ((p->text = malloc(len + 1)) == NULL)
		return SQLITE_NOMEM;
	memcpy(p->text, v, len);
	p->text[len] = '\0';
	return SQLITE_OK;
}

int
pg_bind_null(struct pg_stmt *st, int i)
{
	return pg_param(st, i) == NULL ? SQLITE_RANGE : SQLITE_OK;
}

int
pg_bind_parameter_count(struct pg_stmt *st)
{
	return st->nparams;
}

int
pg_column_count(struct pg_stmt *st)
{
	return st->res != NULL ? lpq.nfields(st->res) : 0;
}

/* The value's text at the current row, NULL for SQL NULL. */
static const char *
pg_value(struct pg_stmt *st, int c)
{
	if (st->res == NULL || st->row < 0 || st->row >= st->nrows ||
	    c < 0 || c >= lpq.nfields(st->res) ||
	    lpq.getisnull(st->res, st->row, c))
		return NULL;
	return lpq.getvalue(st->res, st->row, c);
}

const unsigned char *
pg_column_text(struct pg_stmt *st, int c)
{
	const char *v = pg_value(st, c);

	if (v != NULL && st->types[c] == PG_BOOLOID)
		return (const unsigned char *)(v[0] == 't' ? "1" : "0");
	return (const unsigned char *)v;
}

long long
pg_column_int64(struct pg_stmt *st, int c)
{
	const char *v = pg_value(st, c);

	if (v == NULL)
		return 0;
	if (st->types[c] == PG_BOOLOID)
		return v[0] == 't';
	if (strpbrk(v, ".eE") != NULL)
		return (long long)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

double
pg_column_double(struct pg_stmt *st, int c)
{
	const char *v = pg_value(st, c);

	if (v == NULL)
		return 0;
	if (st->types[c] == PG_BOOLOID)
		return v[0] == 't';
	return strtod(v, NULL);
}

int
pg_column_type(struct pg_stmt *st, int c)
{
	const char *v = pg_value(st, c);

	if (v == NULL)
		return SQLITE_NULL;
	switch (st->types[c]) {
	case PG_BOOLOID:
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_INT8OID:
	case PG_OIDOID:
		return SQLITE_INTEGER;
	case PG_FLOAT4OID:
	case PG_FLOAT8OID:
		return SQLITE_FLOAT;
	case PG_NUMERICOID:
		return strpbrk(v, ".eE") != NULL ? SQLITE_FLOAT :
		    SQLITE_INTEGER;
	default:
		return SQLITE_TEXT;
	}
}
