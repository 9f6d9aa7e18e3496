/*
 * db: the database, SQLite's or PostgreSQL's.  See db.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dbcheck.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "search.h"

static const char db_sql_migrations_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
    ")";
static const char db_sql_record_migration[] =
    "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)";
/* The migrations marked compatible (db.h), by version. */
static const char db_sql_compatible_table[] =
    "CREATE TABLE IF NOT EXISTS schema_compatible ("
    " version INTEGER PRIMARY KEY)";
static const char db_sql_record_compatible[] =
    "INSERT OR IGNORE INTO schema_compatible (version) VALUES (?1)";
static const char db_sql_count_compatible[] =
    "SELECT count(*) FROM schema_compatible WHERE version > ?1"
    " AND version <= ?2";

bool db_on_pg;

/* PostgreSQL: the version is the newest migration recorded (db.h). */
static const char db_pg_sql_has_migrations[] =
    "SELECT to_regclass('schema_migrations') IS NOT NULL";
static const char db_pg_sql_version[] =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";
/* db_begin()'s write lock: writers take turns, as on SQLite. */
static const char db_pg_sql_begin[] =
    "BEGIN; SELECT pg_advisory_xact_lock(1397905228)"	/* "SRWL" */;
/* The same lock, held by the session across a migration's transaction. */
static const char db_pg_sql_lock[] = "SELECT pg_advisory_lock(1397905228)";
static const char db_pg_sql_unlock[] =
    "SELECT pg_advisory_unlock(1397905228)";

int
db_latest_version(void)
{
	return db_migrations_count > 0 ?
	    db_migrations[db_migrations_count - 1].version : 0;
}

/*
 * Checks the data directory: that it exists (creating it, mode 0700, when
 * create is set), is a directory, is writable by us and not by other users.
 * Returns 0, or -1 with the reason in err.
 */
int
db_check_data_dir(const char *dir, bool create, char *err, size_t errsz)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT && create && mkdir(dir, 0700) == 0)
			return 0;
		snprintf(err, errsz, "data directory is missing or unreadable");
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "data directory is not a directory");
		return -1;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errsz, "data directory is writable by other "
		    "users; run chmod 700 on it");
		return -1;
	}
	/* Uploads, backups and SQLite's own files all need it writable. */
	if (access(dir, W_OK) != 0) {
		snprintf(err, errsz, "data directory is not writable");
		return -1;
	}
	return 0;
}

#define DB_MARKER "database_created"

/*
 * May the database file be opened (it exists) or created (it does not,
 * create is set, and no database was ever created in dir)?  Returns 0, or
 * -1 with the reason in err.  A database that existed and went missing
 * (moved, unmounted, deleted) is never replaced by an empty one here.
 */
int
db_may_create(const char *dir, const char *database, bool create, char *err,
    size_t errsz)
{
	char marker[4096];
	struct stat st;

	if (stat(database, &st) == 0)
		return 0;
	if (errno != ENOENT) {
		snprintf(err, errsz, "cannot reach the database file");
		return -1;
	}
	snprintf(marker, sizeof(marker), "%s/" DB_MARKER, dir);
	if (access(marker, F_OK) == 0) {
		snprintf(err, errsz, "the database file is missing, but one "
		    "was created in this data directory before: restore it "
		    "from a backup, or delete " DB_MARKER " in the data "
		    "directory to start an empty one");
		return -1;
	}
	if (!create) {
		snprintf(err, errsz, "no database yet: run 'stockroom migrate' "
		    "or set AUTO_MIGRATE = true");
		return -1;
	}
	return 0;
}

/* Records in dir that database has been created (see db_may_create()). */
void
db_mark_created(const char *dir, const char *database)
{
	char marker[4096];
	FILE *f;

	snprintf(marker, sizeof(marker), "%s/" DB_MARKER, dir);
	if (access(marker, F_OK) == 0 || (f = fopen(marker, "wx")) == NULL)
		return;
	fprintf(f, "%s\n", database);
	fclose(f);
}

/*
 * The busy handler: while another connection writes, try again after
 * 0.1, 0.2, 0.4, 0.8 ms, then every millisecond, for DB_BUSY_TIMEOUT_MS
 * in all.  SQLite's own (sqlite3_busy_timeout()) sleeps 1, 2, 5, 10, 15,
 * 20, 25 ms and then up to 100 ms between tries: a writer that has waited
 * a little sleeps on while the lock is free again and taken by another,
 * and under eight concurrent receives one in a hundred waited over 400 ms
 * for transactions of a few milliseconds.
 */
static int
db_busy(void *arg, int n)
{
	(void)arg;
	if (n >= DB_BUSY_TIMEOUT_MS + 4)
		return 0;
	struct timespec ts = { 0, n < 4 ? 100000L << n : 1000000L };
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * Opens path with the settings every connection must have.  On success
 * *out is a connection the caller closes with sqlite3_close_v2(); on error
 * returns -1 with a message in err (and *out NULL).
 */
int
db_connect(const char *path, sqlite3 **out, char *err, size_t errsz)
{
	static const char pragmas[] =
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA trusted_schema = OFF;"
	    /*
	     * With the WAL kept between processes (below), SQLite empties it
	     * at the last close only when a size limit is set; without one
	     * it grows, and every process that opens the database first
	     * rebuilds its index by reading all of it (25 ms for 60 MB).
	     */
	    "PRAGMA journal_size_limit = 4194304;";
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
	    NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot open the database: %s",
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close_v2(db);
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	/*
	 * Each CGI process is usually the last connection to close: without
	 * this SQLite deletes and recreates the -wal and -shm files on every
	 * request.
	 */
	int one = 1;
	sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_busy_handler(db, db_busy, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	/*
	 * One plan per statement, whatever is bound: else a statement with
	 * "column LIKE ?" (every search) is compiled again at each run, which
	 * undoes what keeping statements (db_keep_stmt()) is for.  The LIKE
	 * prefix optimisation this gives up never applies to our patterns,
	 * which start with '%'.
	 */
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, NULL);
	rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = search_register(db);
	/*
	 * journal_mode is stored in the file: set it once, by whichever
	 * process gets there first.  Switching needs an exclusive lock, and
	 * SQLite answers BUSY at once (no busy handler) while another process
	 * is inside a transaction, as happens when the first requests to a new
	 * database arrive together: so re-read the mode and retry, bounded.
	 */
	for (int i = 0; rc == SQLITE_OK && i < DB_BEGIN_RETRIES; i++) {
		sqlite3_stmt *st;
		bool wal = false;
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
		    NULL);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			wal = strcmp((const char *)sqlite3_column_text(st, 0),
			    "wal") == 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_OK || wal)
			break;
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL);
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			struct timespec ts = { 0, (long)(1 + i) * 5000000L };
			nanosleep(&ts, NULL);
			rc = SQLITE_OK;
			continue;
		}
		break;
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot use the database: %s",
		    sqlite3_errmsg(db));
		sqlite3_close_v2(db);
		return -1;
	}
	*out = db;
	return 0;
}

/*
 * May a program built for schema want serve a database at schema have,
 * newer?  Only when every migration after want was marked compatible
 * (db.h), which the database records in schema_compatible.
 */
bool
db_schema_compatible(sqlite3 *db, int have, int want)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (have <= want)
		return have == want;
	if (sqlite3_prepare_v2(db, db_sql_count_compatible, -1, &st, NULL) !=
	    SQLITE_OK)
		return false;	/* no such table: nothing is compatible */
	sqlite3_bind_int(st, 1, want);
	sqlite3_bind_int(st, 2, have);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n == have - want;
}

/* PRAGMA user_version: the last migration applied, or -1 on error. */
int
db_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* BEGIN IMMEDIATE on a raw connection, retried while busy. */
static int
db_begin_raw(sqlite3 *db)
{
	int rc = SQLITE_BUSY;

	for (int i = 0; i < DB_BEGIN_RETRIES; i++) {
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY)
			break;
		struct timespec ts = { 0, (long)(1 + i) * 5000000L };
		nanosleep(&ts, NULL);
	}
	return rc;
}

/*
 * Applies every migration newer than the database, each in its own write
 * transaction, re-reading the version under the lock so that processes
 * migrating at once apply each step exactly once.  Sets *applied to how many
 * this call applied.  Returns 0, or -1 with a message in err.
 */
int
db_migrate(sqlite3 *db, int *applied, char *err, size_t errsz)
{
	*applied = 0;
	for (size_t i = 0; i < db_migrations_count; i++) {
		const struct db_migration *m = &db_migrations[i];
		char pragma[64];
		sqlite3_stmt *st = NULL;

		if (db_begin_raw(db) != SQLITE_OK)
			goto sqlerr;
		int have = db_schema_version(db);
		if (have < 0)
			goto rollback;
		if (have >= m->version) {
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			continue;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    m->version);
		if (sqlite3_exec(db, db_sql_migrations_table, NULL, NULL,
		    NULL) != SQLITE_OK ||
		    sqlite3_exec(db, m->sql, NULL, NULL, NULL) != SQLITE_OK)
			goto rollback;
		if (sqlite3_prepare_v2(db, db_sql_record_migration, -1, &st,
		    NULL) != SQLITE_OK)
			goto rollback;
		sqlite3_bind_int(st, 1, m->version);
		sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE && strncmp(m->sql, DB_COMPATIBLE_MARK,
		    strlen(DB_COMPATIBLE_MARK)) == 0) {
			if (sqlite3_exec(db, db_sql_compatible_table, NULL, NULL,
			    NULL) != SQLITE_OK || sqlite3_prepare_v2(db,
			    db_sql_record_compatible, -1, &st, NULL) !=
			    SQLITE_OK)
				goto rollback;
			sqlite3_bind_int(st, 1, m->version);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
		if (rc != SQLITE_DONE ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			goto rollback;
		(*applied)++;
		continue;
rollback:
		snprintf(err, errsz, "migration %s failed: %s", m->name,
		    sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
sqlerr:
	snprintf(err, errsz, "cannot lock the database: %s",
	    sqlite3_errmsg(db));
	return -1;
}

/*
 * The schema's version on PostgreSQL, or -1 on error.  Once a connection
 * has shown it has schema_migrations (migrations never drop it), a request
 * asks only for the version: one statement instead of two.
 */
int
db_pg_version(struct pg *pg)
{
	static const struct pg *has_migrations;
	struct pg_stmt *st;
	int v = -1;

	if (pg != has_migrations) {
		st = pg_prepare(pg, db_pg_sql_has_migrations);
		if (st != NULL && pg_step(st) == SQLITE_ROW)
			v = (int)pg_column_int64(st, 0); /* 0: a new database */
		pg_finalize(st);
		if (v != 1)
			return v;
		has_migrations = pg;
	}
	v = -1;
	if ((st = pg_prepare(pg, db_pg_sql_version)) != NULL &&
	    pg_step(st) == SQLITE_ROW)
		v = (int)pg_column_int64(st, 0);
	else
		has_migrations = NULL;	/* asked again next time */
	pg_finalize(st);
	return v;
}

/*
 * db_migrate() for PostgreSQL: each twin (db/migrations/pg/) in its own
 * transaction under the write lock, recorded in schema_migrations (and
 * schema_compatible) in that transaction.
 */
int
db_pg_migrate(struct pg *pg, int *applied, char *err, size_t errsz)
{
	char rec[160];

	*applied = 0;
	for (size_t i = 0; i < db_pg_migrations_count; i++) {
		const struct db_migration *m = &db_pg_migrations[i];

		/*
		 * The lock first, then the transaction: a transaction begun
		 * before another process's migration committed would still
		 * see the catalog as it was (PostgreSQL reads the other
		 * sessions' catalog changes at a transaction's start), and
		 * apply the migration again.
		 */
		if (pg_exec(pg, db_pg_sql_lock) != SQLITE_OK)
			goto fail;
		if (pg_exec(pg, "BEGIN") != SQLITE_OK)
			goto fail;
		int have = db_pg_version(pg);
		if (have < 0)
			goto fail;
		if (have >= m->version) {
			pg_exec(pg, "COMMIT");
			pg_exec(pg, db_pg_sql_unlock);
			continue;
		}
		/* the name is the file's, [0-9a-z_] (embed-migrations.sh) */
		snprintf(rec, sizeof(rec), "INSERT INTO schema_migrations "
		    "(version, name) VALUES (%d, '%s')%s", m->version, m->name,
		    strncmp(m->sql, DB_COMPATIBLE_MARK,
		    strlen(DB_COMPATIBLE_MARK)) == 0 ? "; INSERT INTO "
		    "schema_compatible (version) VALUES (" : "");
		if (strstr(rec, "schema_compatible") != NULL) {
			size_t n = strlen(rec);
			snprintf(rec + n, sizeof(rec) - n, "%d)", m->version);
		}
		if (pg_exec_script(pg, m->sql) != SQLITE_OK ||
		    pg_exec(pg, rec) != SQLITE_OK ||
		    pg_exec(pg, "COMMIT") != SQLITE_OK)
			goto fail;
		pg_exec(pg, db_pg_sql_unlock);
		(*applied)++;
		continue;
fail:
		snprintf(err, errsz, "migration %s failed: %s", m->name,
		    pg_errmsg(pg));
		pg_exec(pg, "ROLLBACK");
		pg_exec(pg, db_pg_sql_unlock);
		return -1;
	}
	return 0;
}

static void
db_close(void *db)
{
	sqlite3_close_v2(db);
}

static void
db_pg_close(void *pg)
{
	pg_close(pg);
}

/*
 * Ends a request's use of the kept connection: a transaction left open (a
 * request that failed half-way) is rolled back, so the next request starts
 * clean.  Runs after the request's statements are finalized (cleanups run
 * in reverse order of registration).  A connection that cannot roll back is
 * closed and forgotten.
 */
static void
db_keep_release(void *arg)
{
	struct db_keep *k = arg;

	if (k->pg != NULL) {
		if (pg_in_transaction(k->pg) &&
		    pg_exec(k->pg, "ROLLBACK") != SQLITE_OK)
			db_keep_close(k);
		else if (!pg_ok(k->pg))
			db_keep_close(k);
		return;
	}
	if (k->db == NULL || sqlite3_get_autocommit(k->db))
		return;
	if (sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK ||
	    !sqlite3_get_autocommit(k->db))
		db_keep_close(k);
}

/* Closes the kept connection, if any, and its statements. */
void
db_keep_close(struct db_keep *k)
{
	for (size_t i = 0; i < DB_KEEP_STMTS; i++) {
		sqlite3_finalize(k->stmts[i].st);
		free(k->stmts[i].sql);
	}
	memset(k->stmts, 0, sizeof(k->stmts));
	if (k->kept_free != NULL)
		k->kept_free(k->kept);
	k->kept = NULL;
	k->kept_free = NULL;
	sqlite3_close_v2(k->db);
	pg_close(k->pg);
	free(k->path);
	free(k->url);
	k->db = NULL;
	k->pg = NULL;
	k->path = NULL;
	k->url = NULL;
}

/*
 * What tells whether the database changed, as this SQLite connection sees
 * it: *version moves when another connection commits (PRAGMA
 * data_version), *changes when this one changes a row
 * (sqlite3_total_changes64()).  Both the same later: nothing changed in
 * between.  Returns 0, or -1 (PostgreSQL, or an error).
 */
int
db_data_version(struct ctx *ctx, long long *version, long long *changes)
{
	db_stmt *st;

	if (ctx->db == NULL || (st = db_prepare(ctx, "PRAGMA data_version")) ==
	    NULL)
		return -1;
	int rc = st_step(st);
	*version = rc == SQLITE_ROW ? st_column_int64(st, 0) : 0;
	st_reset(st);
	*changes = sqlite3_total_changes64(ctx->db);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Ends a request's use of a kept statement: reset, unbound, free. */
static void
db_keep_stmt_release(void *arg)
{
	struct db_kept_stmt *ks = arg;

	sqlite3_reset(ks->st);
	sqlite3_clear_bindings(ks->st);
	ks->in_use = false;
}

/*
 * A prepared statement for sql from the kept connection's cache, or a new
 * one put there (evicting the least recently taken idle one); NULL when
 * this request is not on the kept connection or every slot is busy.  The
 * statement goes back to the cache when the request ends.
 */
static sqlite3_stmt *
db_keep_stmt(struct ctx *ctx, const char *sql, int *rc)
{
	struct db_keep *k = ctx->db_keep;
	struct db_kept_stmt *slot = NULL;

	*rc = SQLITE_OK;
	if (k == NULL || k->db == NULL || ctx->db != k->db)
		return NULL;
	for (size_t i = 0; i < DB_KEEP_STMTS; i++) {
		struct db_kept_stmt *ks = &k->stmts[i];
		if (ks->in_use) {
			/*
			 * Taken earlier in this request: the same statement
			 * again once its taker has run it and reset it
			 * (more runs than when it was taken, and not under
			 * way), as a loop that prepares the same SQL each
			 * time does.  Else a new statement is prepared at
			 * each turn, and fills the cache with copies.
			 */
			if (ks->sql != NULL && strcmp(ks->sql, sql) == 0 &&
			    !sqlite3_stmt_busy(ks->st) &&
			    sqlite3_stmt_status(ks->st, SQLITE_STMTSTATUS_RUN,
			    0) > ks->runs) {
				sqlite3_reset(ks->st);
				sqlite3_clear_bindings(ks->st);
				ks->runs = sqlite3_stmt_status(ks->st,
				    SQLITE_STMTSTATUS_RUN, 0);
				return ks->st;
			}
			continue;
		}
		if (ks->sql != NULL && strcmp(ks->sql, sql) == 0) {
			slot = ks;
			break;
		}
		/* Otherwise the best slot to fill: empty, or used longest ago. */
		if (slot == NULL || (slot->sql != NULL &&
		    (ks->sql == NULL || ks->used < slot->used)))
			slot = ks;
	}
	if (slot == NULL)
		return NULL;
	if (slot->sql == NULL || strcmp(slot->sql, sql) != 0) {
		sqlite3_stmt *st;
		char *copy = strdup(sql);
		if (copy == NULL)
			return NULL;
		*rc = sqlite3_prepare_v3(ctx->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (*rc != SQLITE_OK) {
			free(copy);
			return NULL;
		}
		sqlite3_finalize(slot->st);
		free(slot->sql);
		slot->sql = copy;
		slot->st = st;
	}
	slot->in_use = true;
	slot->runs = sqlite3_stmt_status(slot->st, SQLITE_STMTSTATUS_RUN, 0);
	slot->used = ++k->clock;
	mem_defer(&ctx->mem, db_keep_stmt_release, slot);
	return slot->st;
}

/*
 * The kept connection when ctx has one for the same database file: same
 * path, and the path still names the same inode (a database replaced by a
 * restore, or removed, must not be served from the old file).  Otherwise
 * closes any kept connection and returns NULL.
 */
static sqlite3 *
db_keep_take(struct ctx *ctx)
{
	struct db_keep *k = ctx->db_keep;
	struct stat sb;

	if (k == NULL || k->db == NULL)
		return NULL;
	if (strcmp(k->path, ctx->cfg.database) == 0 &&
	    stat(ctx->cfg.database, &sb) == 0 &&
	    sb.st_dev == k->dev && sb.st_ino == k->ino) {
		mem_defer(&ctx->mem, db_keep_release, k);
		return k->db;
	}
	db_keep_close(k);
	return NULL;
}

/*
 * Keeps a new connection for later requests of this process.  A kept
 * connection reads the file through a shared mapping (the page cache)
 * instead of copying pages into SQLite's private cache: a deep page of a
 * list touches thousands of index pages, which the 2 MB default cache
 * cannot hold from one request to the next.  (Not for one-request CGI
 * connections: there it saves nothing, and the mapped pages would count
 * in the process's resident size.)  Writes still go through write().
 */
static void
db_keep_put(struct ctx *ctx, sqlite3 *db)
{
	struct db_keep *k = ctx->db_keep;
	struct stat sb;

	if (stat(ctx->cfg.database, &sb) != 0 ||
	    (k->path = strdup(ctx->cfg.database)) == NULL) {
		mem_defer(&ctx->mem, db_close, db);	/* this request only */
		return;
	}
	sqlite3_exec(db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
	k->db = db;
	k->dev = sb.st_dev;
	k->ino = sb.st_ino;
	mem_defer(&ctx->mem, db_keep_release, k);
}

static bool db_schema_compatible_pg(struct ctx *, int, int);

/*
 * The schema check of db_open() (either engine): a schema behind this
 * program is migrated when AUTO_MIGRATE is on and otherwise refused; a
 * schema ahead is refused unless its newer migrations are all compatible.
 */
static struct err *
db_check_schema(struct ctx *ctx)
{
	char err[512];
	int have = db_version(ctx), want = db_latest_version();
	int applied, rc;

	if (have == want)
		return NULL;
	if (have < 0)
		return err_new(ctx, 503, "Database unavailable: cannot read "
		    "its schema version");
	if (have > want && db_compatible(ctx, have, want))
		return NULL;	/* an upgrade under way: db.h */
	if (have > want)
		return err_new(ctx, 503, "Database schema (version %d) is "
		    "newer than this program (version %d): install the newer "
		    "programs", have, want);
	if (!ctx->cfg.auto_migrate)
		return err_new(ctx, 503, "Database schema is behind (version "
		    "%d, this program needs %d): run 'stockroom migrate' or set "
		    "AUTO_MIGRATE = true", have, want);
	rc = ctx->pg != NULL ?
	    db_pg_migrate(ctx->pg, &applied, err, sizeof(err)) :
	    db_migrate(ctx->db, &applied, err, sizeof(err));
	if (rc != 0) {
		log_msg(ctx, LOG_ERROR, "auto-migrate: %s", err);
		return err_new(ctx, 503, "Database migration failed; see the "
		    "server log");
	}
	log_msg(ctx, LOG_INFO, "auto-migrate: applied %d migrations", applied);
	return NULL;
}

static bool
db_schema_compatible_pg(struct ctx *ctx, int have, int want)
{
	struct pg_stmt *st = pg_prepare(ctx->pg, db_sql_count_compatible);
	long long n = -1;

	if (st == NULL)
		return false;
	pg_bind_int64(st, 1, want);
	pg_bind_int64(st, 2, have);
	if (pg_step(st) == SQLITE_ROW)
		n = pg_column_int64(st, 0);
	pg_finalize(st);
	return n == have - want;
}

/*
 * db_open() for PostgreSQL: the process's kept connection while it is the
 * same URL and still up, or a new one.  The data directory is still
 * checked: it holds the media, the secret key and the log.
 */
static struct err *
db_open_pg(struct ctx *ctx, enum db_open_flags flags)
{
	struct db_keep *k = ctx->db_keep;
	struct pg *pg = NULL;
	char err[512];

	if (db_check_data_dir(ctx->cfg.data_dir, true, err, sizeof(err)) != 0) {
		log_msg(ctx, LOG_ERROR, "%s", err);
		return err_new(ctx, 503, "Database unavailable: %s", err);
	}
	if (k != NULL && k->pg != NULL) {
		if (strcmp(k->url, ctx->cfg.pg_url) == 0 && pg_ok(k->pg))
			pg = k->pg;
		else
			db_keep_close(k);
	}
	if (pg == NULL) {
		if (pg_connect(ctx->cfg.pg_url, &pg, err, sizeof(err)) != 0) {
			log_msg(ctx, LOG_ERROR, "%s", err);
			return err_new(ctx, 503, "Database unavailable: cannot "
			    "connect to PostgreSQL; see the server log");
		}
		if (k != NULL && (k->url = strdup(ctx->cfg.pg_url)) != NULL)
			k->pg = pg;
		else
			mem_defer(&ctx->mem, db_pg_close, pg);
	}
	if (k != NULL && k->pg == pg)
		mem_defer(&ctx->mem, db_keep_release, k);
	db_on_pg = true;
	ctx->pg = pg;
	if (flags == DB_ANY_SCHEMA)
		return NULL;

	return db_check_schema(ctx);
}

/*
 * Opens the request's database connection (once; later calls return NULL).
 * With DB_CHECK_SCHEMA, a schema behind this program is migrated when
 * AUTO_MIGRATE is on and otherwise refused; a schema ahead is refused.
 * Returns NULL, or a 503.
 */
struct err *
db_open(struct ctx *ctx, enum db_open_flags flags)
{
	char err[256];
	sqlite3 *db;

	if (ctx->db != NULL || ctx->pg != NULL)
		return NULL;
	if (ctx->cfg.pg_url != NULL)
		return db_open_pg(ctx, flags);
	bool existed = access(ctx->cfg.database, F_OK) == 0;
	if (db_check_data_dir(ctx->cfg.data_dir, true, err, sizeof(err)) != 0 ||
	    db_may_create(ctx->cfg.data_dir, ctx->cfg.database,
	    ctx->cfg.auto_migrate, err, sizeof(err)) != 0) {
		log_msg(ctx, LOG_ERROR, "%s (%s)", err, ctx->cfg.database);
		return err_new(ctx, 503, "Database unavailable: %s", err);
	}
	if ((db = db_keep_take(ctx)) != NULL)
		;	/* the process's kept connection, still the same file */
	else if (db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		log_msg(ctx, LOG_ERROR, "%s (%s)", err, ctx->cfg.database);
		return err_new(ctx, 503, "Database unavailable: %s", err);
	} else if (ctx->db_keep != NULL)
		db_keep_put(ctx, db);
	else
		mem_defer(&ctx->mem, db_close, db);
	ctx->db = db;
	if (!existed)
		db_mark_created(ctx->cfg.data_dir, ctx->cfg.database);
	if (flags == DB_ANY_SCHEMA)
		return NULL;

	return db_check_schema(ctx);
}

/*
 * The error for what the connection last failed at, logged with SQLite's
 * message: 503 when the disk, the lock or the database file is at fault
 * (the client may try again later; the operator must act), 500 for
 * anything else.  A damaged file is also recorded in the data directory,
 * for health to report (dbcheck.h).
 */
struct err *
db_err(struct ctx *ctx, const char *what)
{
	int code = ctx->pg != NULL ? pg_errcode(ctx->pg) :
	    ctx->db != NULL ? sqlite3_extended_errcode(ctx->db) : 0;
	const char *msg = db_errmsg(ctx);

	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		log_msg(ctx, LOG_ERROR, "%s: %s", what, msg);
		return err_new(ctx, 503, "Database unavailable: %s",
		    sqlite3_errstr(code));
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		log_msg(ctx, LOG_ERROR, "%s: %s", what, msg);
		if (ctx->pg == NULL)
			dbcheck_record(ctx->cfg.data_dir, what, code);
		return err_new(ctx, 503, "Database unavailable: the database "
		    "file is damaged; see the server log");
	default:
		return err_internal(ctx, mem_printf(&ctx->mem, "%s: %s", what,
		    msg));
	}
}

/*
 * Runs a prepared write to its end.  A constraint failure (a duplicate, a
 * reference to something gone) is the client's doing: 400, not 500.
 */
struct err *
db_step(struct ctx *ctx, db_stmt *st, const char *what)
{
	int rc = st_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return NULL;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_field(ctx, "non_field_errors", "This change "
		    "conflicts with existing data (%s)",
		    (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY) ? "a duplicate" :
		    rc == SQLITE_CONSTRAINT_FOREIGNKEY ? "a reference to "
		    "something that does not exist or is still in use" :
		    "a value out of range");
	return db_err(ctx, what);
}

/* Steps a read once: *found says whether it gave a row. */
struct err *
db_row(struct ctx *ctx, db_stmt *st, const char *what, bool *found)
{
	int rc = st_step(st);

	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return NULL;
	return db_err(ctx, what);
}

/* Binds an id, or NULL for 0 (no reference). */
void
db_bind_id(db_stmt *st, int i, long long id)
{
	if (id > 0)
		st_bind_int64(st, i, id);
	else
		st_bind_null(st, i);
}

/*
 * Begins a write transaction (BEGIN IMMEDIATE, so a read-then-write cannot
 * be overtaken), retrying a bounded number of times while the database is
 * busy.
 */
struct err *
db_begin(struct ctx *ctx)
{
	struct err *e = db_open(ctx, DB_CHECK_SCHEMA);

	if (e != NULL)
		return e;
	if (ctx->pg != NULL) {
		if (pg_exec(ctx->pg, db_pg_sql_begin) != SQLITE_OK) {
			e = db_err(ctx, "begin");
			db_rollback(ctx);
			return e;
		}
		return NULL;
	}
	if (db_begin_raw(ctx->db) != SQLITE_OK)
		return db_err(ctx, "begin");
	return NULL;
}

/*
 * Ends the transaction db_begin() started: commits it when the work
 * succeeded (e is NULL), else rolls it back.  Returns e, or the commit's
 * own error (after rolling back).
 */
struct err *
db_end(struct ctx *ctx, struct err *e)
{
	if (e != NULL) {
		db_rollback(ctx);
		return e;
	}
	if (ctx->pg != NULL ? pg_exec(ctx->pg, "COMMIT") != SQLITE_OK :
	    sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		e = db_err(ctx, "commit");
		db_rollback(ctx);
		return e;
	}
	return NULL;
}

void
db_rollback(struct ctx *ctx)
{
	if (ctx->pg != NULL && pg_in_transaction(ctx->pg))
		pg_exec(ctx->pg, "ROLLBACK");
	if (ctx->db != NULL && !sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
db_finalize(void *st)
{
	st_finalize(st);
}

/*
 * Prepares a constant SQL string (bind its parameters with st_bind_*).
 * The statement is finalized when the request ends -- or, on a kept
 * (FastCGI) connection, reset and kept for the next request that prepares
 * the same text.  Returns NULL when it cannot be prepared (db_err() then
 * says why) or no database is open.
 */
db_stmt *
db_prepare(struct ctx *ctx, const char *sql)
{
	db_stmt *st;

	if (ctx->pg != NULL) {
		struct pg_stmt *ps = pg_prepare(ctx->pg, sql);
		if (ps == NULL)
			return NULL;
		st = (db_stmt *)(void *)ps;
		mem_defer(&ctx->mem, db_finalize, st);
		return st;
	}
	if (ctx->db == NULL)
		return NULL;
	int rc;
	sqlite3_stmt *lst;
	if ((lst = db_keep_stmt(ctx, sql, &rc)) != NULL)
		return (db_stmt *)(void *)lst;
	if (rc != SQLITE_OK)
		return NULL;
	if (sqlite3_prepare_v3(ctx->db, sql, -1, 0, &lst, NULL) != SQLITE_OK)
		return NULL;
	st = (db_stmt *)(void *)lst;
	mem_defer(&ctx->mem, db_finalize, st);
	return st;
}

/*
 * The row sql (one ?, the id) finds, as fn renders it with arg, into
 * *out; 404 "No <model> matches the given query." when there is none.
 */
struct err *
db_get_json(struct ctx *ctx, const char *sql, long long id, db_row_fn fn,
    void *arg, const char *model, cJSON **out)
{
	db_stmt *st = db_prepare(ctx, sql);
	struct err *e;
	bool found;

	*out = NULL;
	if (st == NULL)
		return db_err(ctx, model);
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, model, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, model);
	*out = fn(ctx, st, arg);
	return NULL;
}

/* Adds column col of st to o as text ("" for NULL). */
void
db_json_text(cJSON *o, const char *name, db_stmt *st, int col)
{
	const char *s = (const char *)st_column_text(st, col);

	json_text(o, name, s != NULL ? s : "");
}

/* Adds column col of st to o as an id, or null. */
void
db_json_id(cJSON *o, const char *name, db_stmt *st, int col)
{
	if (st_column_type(st, col) == SQLITE_NULL)
		json_null(o, name);
	else
		json_int(o, name, st_column_int64(st, col));
}

/* Is the request's connection open (either engine)? */
bool
db_is_open(struct ctx *ctx)
{
	return ctx->db != NULL || ctx->pg != NULL;
}

/* Is a transaction under way on the request's connection? */
bool
db_in_transaction(struct ctx *ctx)
{
	if (ctx->pg != NULL)
		return pg_in_transaction(ctx->pg);
	return ctx->db != NULL && !sqlite3_get_autocommit(ctx->db);
}

/* The id the connection's last INSERT gave. */
long long
db_last_id(struct ctx *ctx)
{
	if (ctx->pg != NULL)
		return pg_last_id(ctx->pg);
	return sqlite3_last_insert_rowid(ctx->db);
}

/* How many rows the connection's last INSERT, UPDATE or DELETE touched. */
long long
db_changes(struct ctx *ctx)
{
	if (ctx->pg != NULL)
		return pg_changes(ctx->pg);
	return sqlite3_changes(ctx->db);
}

/* The engine's message for what the connection last failed at. */
const char *
db_errmsg(struct ctx *ctx)
{
	if (ctx->pg != NULL)
		return pg_errmsg(ctx->pg);
	return ctx->db != NULL ? sqlite3_errmsg(ctx->db) : "no database";
}

/* May this program serve the schema at have, newer than its want (db.h)? */
bool
db_compatible(struct ctx *ctx, int have, int want)
{
	if (ctx->pg != NULL)
		return db_schema_compatible_pg(ctx, have, want);
	return db_schema_compatible(ctx->db, have, want);
}

/* The schema's version, or -1 on error. */
int
db_version(struct ctx *ctx)
{
	if (ctx->pg != NULL)
		return db_pg_version(ctx->pg);
	return db_schema_version(ctx->db);
}
