/*
 * dbmove: SQLite to PostgreSQL.  See dbmove.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cfg.h"
#include "db.h"
#include "dbmove.h"
#include "pg.h"

#define DBMOVE_TABLES_MAX	128
#define DBMOVE_COLUMNS_MAX	64
#define DBMOVE_SQL_MAX		8192
#define DBMOVE_BATCH_ROWS	500	/* rows of one INSERT */
#define DBMOVE_BATCH_PARAMS	30000	/* its values, within dialect.h's */

/* The tables to copy: the schema's own, without FTS5's and the record. */
static const char dbmove_sql_tables[] =
    "SELECT name FROM sqlite_schema WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts'"
    " AND name NOT LIKE '%_fts_%' AND name NOT IN"
    " ('schema_migrations', 'schema_compatible') ORDER BY name";
static const char dbmove_sql_columns[] =
    "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
static const char dbmove_sql_quantity[] =
    "SELECT coalesce(sum(quantity), 0) FROM stock_item";

struct dbmove_table {
	char	*name;
	long long rows;
};

/* name is [A-Za-z0-9_] (the schema's): checked before it goes into SQL. */
static int
dbmove_name_ok(const char *name)
{
	if (*name == '\0' || strlen(name) > 63)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

static int
dbmove_fail(char *err, size_t errsz, const char *what, const char *why)
{
	snprintf(err, errsz, "%s: %s", what, why);
	return -1;
}

/* SELECT count(*) of table on SQLite, or -1. */
static long long
dbmove_lite_count(sqlite3 *db, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The same on PostgreSQL (SQL in SQLite's dialect), or -1. */
static long long
dbmove_pg_count(struct pg *pg, const char *sql)
{
	struct pg_stmt *st = pg_prepare(pg, sql);
	long long n = -1;

	if (st != NULL && pg_step(st) == SQLITE_ROW)
		n = pg_column_int64(st, 0);
	pg_finalize(st);
	return n;
}

/* Binds the n columns of the row at rows to st's parameters first+1... */
static void
dbmove_bind(struct pg_stmt *st, int first, sqlite3_stmt *rows, int n)
{
	for (int i = 0; i < n; i++) {
		int p = first + i + 1;
		switch (sqlite3_column_type(rows, i)) {
		case SQLITE_NULL:
			pg_bind_null(st, p);
			break;
		case SQLITE_INTEGER:
			pg_bind_int64(st, p, sqlite3_column_int64(rows, i));
			break;
		case SQLITE_FLOAT:
			pg_bind_double(st, p, sqlite3_column_double(rows, i));
			break;
		default:
			pg_bind_text(st, p, (const char *)
			    sqlite3_column_text(rows, i),
			    sqlite3_column_bytes(rows, i));
		}
	}
}

/*
 * "INSERT INTO t (cols) VALUES (?1, ...), (...), ..." for per rows of n
 * columns, from the head (len bytes, up to "VALUES (") of the one-row
 * statement; malloc'd, or NULL.
 */
static char *
dbmove_batch_sql(const char *head, size_t len, int n, int per)
{
	size_t cap = len + (size_t)per * (size_t)n * 9 + (size_t)per * 4 + 8;
	char *sql = malloc(cap), *p;

	if (sql == NULL)
		return NULL;
	memcpy(sql, head, len);
	p = sql + len;
	for (int r = 0; r < per; r++) {
		if (r > 0)
			p += snprintf(p, cap - (size_t)(p - sql), "), (");
		for (int c = 0; c < n; c++)
			p += snprintf(p, cap - (size_t)(p - sql), "%s?%d",
			    c ? ", " : "", r * n + c + 1);
	}
	snprintf(p, cap - (size_t)(p - sql), ")");
	return sql;
}

/* Copies every row of table; returns the rows copied, or -1. */
static long long
dbmove_copy(sqlite3 *db, struct pg *pg, const char *table, char *err,
    size_t errsz)
{
	char sel[DBMOVE_SQL_MAX], ins[DBMOVE_SQL_MAX];
	const char *cols[DBMOVE_COLUMNS_MAX];
	sqlite3_stmt *st = NULL, *rows = NULL;
	struct pg_stmt *put = NULL, *batch = NULL;
	char *batch_sql = NULL;
	int n = 0, rc;
	long long copied = -1;

	if (sqlite3_prepare_v2(db, dbmove_sql_columns, -1, &st, NULL) !=
	    SQLITE_OK) {
		dbmove_fail(err, errsz, table, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	size_t sl = (size_t)snprintf(sel, sizeof(sel), "SELECT ");
	size_t il = (size_t)snprintf(ins, sizeof(ins), "INSERT INTO %s (",
	    table);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		if (n == DBMOVE_COLUMNS_MAX || !dbmove_name_ok(c)) {
			dbmove_fail(err, errsz, table, "a column this copy "
			    "cannot name");
			goto out;
		}
		cols[n] = c;
		sl += (size_t)snprintf(sel + sl, sizeof(sel) - sl, "%s\"%s\"",
		    n ? ", " : "", c);
		il += (size_t)snprintf(ins + il, sizeof(ins) - il, "%s%s",
		    n ? ", " : "", c);
		n++;
		if (sl >= sizeof(sel) || il >= sizeof(ins)) {
			dbmove_fail(err, errsz, table, "too many columns");
			goto out;
		}
	}
	(void)cols;
	snprintf(sel + sl, sizeof(sel) - sl, " FROM %s ORDER BY rowid", table);
	il += (size_t)snprintf(ins + il, sizeof(ins) - il, ") VALUES (");
	size_t head = il;	/* up to the first tuple, for the batches */
	for (int i = 1; i <= n && il < sizeof(ins); i++)
		il += (size_t)snprintf(ins + il, sizeof(ins) - il, "%s?%d",
		    i > 1 ? ", " : "", i);
	snprintf(ins + il, sizeof(ins) - il, ")");
	if (n == 0) {
		dbmove_fail(err, errsz, table, "no columns");
		goto out;
	}
	if (sqlite3_prepare_v2(db, sel, -1, &rows, NULL) != SQLITE_OK) {
		/* WITHOUT ROWID tables have no rowid: their key orders them */
		snprintf(sel + sl, sizeof(sel) - sl, " FROM %s", table);
		if (sqlite3_prepare_v2(db, sel, -1, &rows, NULL) !=
		    SQLITE_OK) {
			dbmove_fail(err, errsz, table, sqlite3_errmsg(db));
			goto out;
		}
	}
	if ((put = pg_prepare(pg, ins)) == NULL) {
		dbmove_fail(err, errsz, table, pg_errmsg(pg));
		goto out;
	}
	/*
	 * Rows go in batches of one INSERT with many VALUES tuples (a
	 * round trip each); the last few one by one.
	 */
	int per = DBMOVE_BATCH_PARAMS / n, k = 0;
	if (per > DBMOVE_BATCH_ROWS)
		per = DBMOVE_BATCH_ROWS;
	if (per > 1 && (batch_sql = dbmove_batch_sql(ins, head, n, per)) != NULL &&
	    (batch = pg_prepare(pg, batch_sql)) == NULL) {
		dbmove_fail(err, errsz, table, pg_errmsg(pg));
		goto out;
	}
	copied = 0;
	while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
		struct pg_stmt *to = batch != NULL ? batch : put;
		dbmove_bind(to, k * n, rows, n);
		if (batch != NULL && ++k < per)
			continue;
		k = 0;
		if (pg_step(to) != SQLITE_DONE) {
			dbmove_fail(err, errsz, table, pg_errmsg(pg));
			copied = -1;
			goto out;
		}
		pg_reset(to);
		copied += to == batch ? per : 1;
	}
	/* what is left of the last batch, one row at a time */
	if (rc == SQLITE_DONE && k > 0) {
		sqlite3_reset(rows);
		for (long long skip = 0; skip < copied &&
		    (rc = sqlite3_step(rows)) == SQLITE_ROW; skip++)
			;
		while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
			dbmove_bind(put, 0, rows, n);
			if (pg_step(put) != SQLITE_DONE) {
				dbmove_fail(err, errsz, table, pg_errmsg(pg));
				copied = -1;
				goto out;
			}
			pg_reset(put);
			copied++;
		}
	}
	if (rc != SQLITE_DONE) {
		dbmove_fail(err, errsz, table, sqlite3_errmsg(db));
		copied = -1;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(rows);
	pg_finalize(put);
	pg_finalize(batch);
	free(batch_sql);
	return copied;
}

int
dbmove_run(const struct cfg *cfg, const char *url, FILE *out, char *err,
    size_t errsz)
{
	struct dbmove_table t[DBMOVE_TABLES_MAX];
	size_t nt = 0;
	sqlite3 *db = NULL;
	struct pg *pg = NULL;
	sqlite3_stmt *st = NULL;
	char sql[256];
	int ret = -1, applied = 0;
	bool began = false;

	if (!pg_url(url))
		return dbmove_fail(err, errsz, "DATABASE_URL", "must start "
		    "with postgresql:// or postgres://");
	if (db_connect(cfg->database, &db, err, errsz) != 0)
		return -1;
	int have = db_schema_version(db);
	if (have != db_latest_version()) {
		snprintf(err, errsz, "the SQLite database is at schema version "
		    "%d, this program's is %d: run 'stockroom migrate' (or "
		    "install the matching programs) first", have,
		    db_latest_version());
		goto out;
	}
	if (pg_connect(url, &pg, err, errsz) != 0)
		goto out;
	int pv = db_pg_version(pg);
	if (pv == 0 && db_pg_migrate(pg, &applied, err, errsz) != 0)
		goto out;
	if (pv != 0 && pv != db_latest_version()) {
		snprintf(err, errsz, "the PostgreSQL database is at schema "
		    "version %d, not new and not %d", pv, db_latest_version());
		goto out;
	}
	/* The tables, and the target holding nothing but seeds. */
	if (sqlite3_prepare_v2(db, dbmove_sql_tables, -1, &st, NULL) !=
	    SQLITE_OK) {
		dbmove_fail(err, errsz, "SQLite", sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && nt < DBMOVE_TABLES_MAX) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (!dbmove_name_ok(name))
			continue;
		t[nt].name = strdup(name);
		t[nt].rows = t[nt].name ? dbmove_lite_count(db, name) : -1;
		if (t[nt++].rows < 0) {
			dbmove_fail(err, errsz, name, "cannot count its rows");
			goto out;
		}
	}
	static const char *const data[] = { "users", "part", "stock_item",
	    "stock_location", "part_category" };
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", data[i]);
		long long n = dbmove_pg_count(pg, sql);
		if (n != 0) {
			snprintf(err, errsz, "the PostgreSQL database is not "
			    "empty (%s: %lld rows): migrate-db only fills a new "
			    "one", data[i], n);
			goto out;
		}
	}
	/*
	 * A large copy's checks take longer than a request may.  The commit
	 * waits for its WAL to be flushed whatever the server's default: the
	 * copy is then durable, and the VACUUM after it can mark the copied
	 * pages all-visible (a page whose rows' commit is not yet flushed
	 * is never marked, and a deep page's index-only scan then reads the
	 * table).
	 */
	if (pg_exec(pg, "SET statement_timeout = 0; "
	    "SET synchronous_commit = on; BEGIN; "
	    "SET CONSTRAINTS ALL DEFERRED") != SQLITE_OK) {
		dbmove_fail(err, errsz, "PostgreSQL", pg_errmsg(pg));
		goto out;
	}
	began = true;
	for (size_t i = 0; i < nt; i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE %s DISABLE TRIGGER "
		    "USER; DELETE FROM %s", t[i].name, t[i].name);
		if (pg_exec(pg, sql) != SQLITE_OK) {
			dbmove_fail(err, errsz, t[i].name, pg_errmsg(pg));
			goto out;
		}
	}
	for (size_t i = 0; i < nt; i++) {
		long long n = dbmove_copy(db, pg, t[i].name, err, errsz);
		if (n < 0)
			goto out;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    t[i].name);
		long long there = dbmove_pg_count(pg, sql);
		if (n != t[i].rows || there != t[i].rows) {
			snprintf(err, errsz, "%s: %lld rows in SQLite, %lld "
			    "copied, %lld in PostgreSQL", t[i].name, t[i].rows,
			    n, there);
			goto out;
		}
		fprintf(out, "%-28s %lld rows\n", t[i].name, n);
	}
	/* every row is in: the foreign keys are checked now */
	if (pg_exec(pg, "SET CONSTRAINTS ALL IMMEDIATE") != SQLITE_OK) {
		dbmove_fail(err, errsz, "foreign keys", pg_errmsg(pg));
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ENABLE TRIGGER USER",
		    t[i].name);
		if (pg_exec(pg, sql) != SQLITE_OK) {
			dbmove_fail(err, errsz, t[i].name, pg_errmsg(pg));
			goto out;
		}
	}
	long long lq = -1, pq = -2;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, dbmove_sql_quantity, -1, &q, NULL) ==
	    SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		lq = sqlite3_column_int64(q, 0);
	if (q != NULL)
		sqlite3_finalize(q);
	pq = dbmove_pg_count(pg, dbmove_sql_quantity);
	if (lq != pq) {
		snprintf(err, errsz, "the stock quantities differ after the "
		    "copy (%lld in SQLite, %lld in PostgreSQL)", lq, pq);
		goto out;
	}
	if (pg_exec(pg, "SELECT sr_sync_identities(); COMMIT") != SQLITE_OK) {
		dbmove_fail(err, errsz, "commit", pg_errmsg(pg));
		goto out;
	}
	began = false;
	/*
	 * VACUUM (ANALYZE) the copied tables before anything is served: the
	 * planner's statistics (else the first lists are planned for empty
	 * tables), the visibility map (else a deep page's index-only scan
	 * reads every skipped row's heap page: 9 req/s instead of 180 on the
	 * benchmark data) and the trigram indexes' pending lists (else every
	 * search reads them whole).  Not fatal: the data is in.
	 */
	if (pg_exec(pg, "VACUUM (ANALYZE)") != SQLITE_OK)
		fprintf(out, "warning: VACUUM (ANALYZE) failed (%s); run it "
		    "by hand\n", pg_errmsg(pg));
	fprintf(out, "copied %zu tables; stock quantities agree (%lld); set "
	    "DATABASE_URL to this database to serve it\n", nt, lq);
	ret = 0;
out:
	if (began && pg != NULL)
		pg_exec(pg, "ROLLBACK");
	for (size_t i = 0; i < nt; i++)
		free(t[i].name);
	sqlite3_finalize(st);
	pg_close(pg);
	sqlite3_close_v2(db);
	return ret;
}
