/*
 * dbrestore: replacing the live database with a checked backup.  See
 * dbrestore.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "db.h"
#include "dbcheck.h"
#include "dbrestore.h"
#include "text.h"

static const char restore_sql_has_migrations[] =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
    " AND name = 'schema_migrations'";
static const char restore_sql_migrations[] =
    "SELECT version, name FROM schema_migrations ORDER BY version";

/* Copies the open file in to a new file path (mode 0600), synced. */
static int
restore_copy(int in, const char *path, char *err, size_t errsz)
{
	char buf[65536];
	ssize_t n;
	int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);

	if (out < 0) {
		snprintf(err, errsz, "cannot create %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t done = 0; done < n; ) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0) {
				snprintf(err, errsz, "cannot write %s: %s",
				    path, strerror(errno));
				close(out);
				return -1;
			}
			done += w;
		}
	if (n < 0 || fsync(out) != 0) {
		snprintf(err, errsz, "cannot copy the file: %s",
		    strerror(errno));
		close(out);
		return -1;
	}
	return close(out);
}

/* One integer from a statement without parameters; -1 on error. */
static long long
restore_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Is db (the copy) a Stockroom database this program knows: its
 * schema_migrations exactly this program's first migrations by number and
 * name (1, 2, 3...; a number a branch left out for another's is left out
 * here too), user_version the last of them, that one at most the latest?
 * Sets *version to it.
 */
static int
restore_check_schema(sqlite3 *db, int *version, char *err, size_t errsz)
{
	sqlite3_stmt *st;
	int n = 0, last = 0, rc;

	*version = 0;
	if (restore_int(db, restore_sql_has_migrations) != 1) {
		snprintf(err, errsz, "not a Stockroom database (it has no "
		    "schema_migrations table)");
		return -1;
	}
	if (sqlite3_prepare_v2(db, restore_sql_migrations, -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "not a Stockroom database (%s)",
		    sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long v = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (v > db_latest_version()) {
			snprintf(err, errsz, "made by a newer Stockroom: it has "
			    "migration %lld, this program knows %d; install "
			    "the newer version first", v, db_latest_version());
			break;
		}
		if ((size_t)n >= db_migrations_count ||
		    v != db_migrations[n].version) {
			snprintf(err, errsz, "not a Stockroom database: its "
			    "migrations run %d, then %lld", last, v);
			break;
		}
		if (name == NULL ||
		    strcmp(name, db_migrations[n].name) != 0) {
			snprintf(err, errsz, "not this Stockroom's schema: "
			    "migration %lld is '%.100s' here, '%s' in this "
			    "program", v, name ? name : "", db_migrations[n].name);
			break;
		}
		last = (int)v;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	long long uv = restore_int(db, "PRAGMA user_version");
	if (n == 0 || uv != last) {
		snprintf(err, errsz, "not a Stockroom database: %d migrations "
		    "recorded, schema version %lld", n, uv);
		return -1;
	}
	*version = last;
	return 0;
}

/*
 * Checks the copy at path and brings it up to date (see dbrestore.h):
 * sound, Stockroom's, not newer; migrated when behind; its page size made
 * the live database's (page_size, 0 when there is none).  Returns the open
 * copy, or NULL with the reason in err.
 */
static sqlite3 *
restore_prepare(const char *path, int page_size, struct dbrestore_report *rep,
    char *err, size_t errsz)
{
	char msg[512];
	sqlite3 *db;

	if (db_connect(path, &db, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "not an SQLite database that can be read "
		    "(%s)", msg);
		return NULL;
	}
	switch (dbcheck_run(db, false, msg, sizeof(msg))) {
	case DBCHECK_OK:
		break;
	case DBCHECK_DAMAGED:
		snprintf(err, errsz, "the file is damaged (integrity_check: "
		    "%s)", msg);
		goto fail;
	default:
		snprintf(err, errsz, "it cannot be checked: %s", msg);
		goto fail;
	}
	if (restore_check_schema(db, &rep->version, err, errsz) != 0)
		goto fail;
	if (restore_int(db, "SELECT count(*) FROM pragma_foreign_key_check")
	    != 0) {
		snprintf(err, errsz, "rows of it refer to rows that are not "
		    "there (PRAGMA foreign_key_check)");
		goto fail;
	}
	if (db_migrate(db, &rep->migrated, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "it cannot be brought up to date: %s",
		    msg);
		goto fail;
	}
	if (page_size > 0 && restore_int(db, "PRAGMA page_size") != page_size) {
		/* The backup API cannot change a WAL database's page size. */
		char sql[160];
		snprintf(sql, sizeof(sql), "PRAGMA journal_mode = DELETE;"
		    "PRAGMA page_size = %d; VACUUM; PRAGMA journal_mode = WAL;",
		    page_size);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errsz, "cannot change its page size: %s",
			    sqlite3_errmsg(db));
			goto fail;
		}
	}
	return db;
fail:
	sqlite3_close_v2(db);
	return NULL;
}

/*
 * Copies all of src into dst ("main" to "main") in one step, waiting for
 * dst's write lock up to DBRESTORE_LOCK_TRIES times.  SQLITE_OK or the
 * error.
 */
static int
restore_backup(sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;

	if (b == NULL)
		return sqlite3_errcode(dst);
	for (int tries = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED; tries++) {
		if (tries >= DBRESTORE_LOCK_TRIES)
			break;
		sqlite3_sleep(50);
	}
	int frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = frc;
	return rc;
}

/*
 * Keeps the live database as it is now in DATA_DIR/backups/ (the way the
 * daily task does), into rep->saved; what went wrong into rep->warning.
 */
static void
restore_save_live(const struct cfg *c, sqlite3 *live,
    struct dbrestore_report *rep)
{
	char stamp[32], hex[17], dir[4096], tmp[4200];
	time_t now = time(NULL);
	struct tm tm;
	sqlite3 *dst = NULL;

	snprintf(dir, sizeof(dir), "%s/backups", c->data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(rep->warning, sizeof(rep->warning), "mkdir %.300s: %s",
		    dir, strerror(errno));
		return;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (rnd_hex(hex, 8) != 0) {
		snprintf(rep->warning, sizeof(rep->warning), "no random bytes");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, hex);
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK)
		rc = restore_backup(dst, live);
	if (rc != SQLITE_OK)
		snprintf(rep->warning, sizeof(rep->warning), "%s",
		    dst != NULL ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	sqlite3_close_v2(dst);
	snprintf(rep->saved, sizeof(rep->saved),
	    "%s/stockroom-%s-before-restore.sqlite3", dir, stamp);
	if (rc != SQLITE_OK || chmod(tmp, 0600) != 0 ||
	    rename(tmp, rep->saved) != 0) {
		if (rc == SQLITE_OK)
			snprintf(rep->warning, sizeof(rep->warning), "%s",
			    strerror(errno));
		rep->saved[0] = '\0';
		unlink(tmp);
	}
}

/* Removes a database file of ours and its -wal and -shm. */
static void
restore_unlink(const char *path)
{
	char p[4200];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/*
 * Checks file and writes it into the live database (dbrestore.h).
 * Returns 0, or -1 with the reason in err and the live database as it was.
 */
int
dbrestore_run(const struct cfg *c, const char *file,
    struct dbrestore_report *rep, char *err, size_t errsz)
{
	char msg[1024], tmp[4200], hex[17];
	struct stat st, live_st;
	sqlite3 *copy = NULL, *live = NULL;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	if (db_check_data_dir(c->data_dir, false, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "%s: %s", c->data_dir, msg);
		return -1;
	}
	int in = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errsz, errno == ELOOP ? "%s is a symbolic link: "
		    "name the file itself" : "%s: %s", file, strerror(errno));
		return -1;
	}
	bool live_exists = stat(c->database, &live_st) == 0;
	snprintf(tmp, sizeof(tmp), "%s-wal", file);
	struct stat wal;
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		snprintf(err, errsz, "%s: not a database file", file);
	else if (live_exists && st.st_dev == live_st.st_dev &&
	    st.st_ino == live_st.st_ino)
		snprintf(err, errsz, "%s is the live database itself", file);
	else if (stat(tmp, &wal) == 0 && wal.st_size > 0)
		snprintf(err, errsz, "%s has a write-ahead log beside it (%s): "
		    "it is in use, or was not closed; restore a backup made "
		    "by the daily task, or one made with sqlite3's .backup",
		    file, tmp);
	else if (rnd_hex(hex, 8) != 0)
		snprintf(err, errsz, "no random bytes");
	else {
		snprintf(tmp, sizeof(tmp), "%s/.restore-%s.sqlite3",
		    c->data_dir, hex);
		rc = restore_copy(in, tmp, err, errsz);
	}
	close(in);
	if (rc != 0)
		return -1;
	rc = -1;

	if (live_exists &&
	    db_connect(c->database, &live, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "%s: %s", c->database, msg);
		goto out;
	}
	int page_size = live_exists ? (int)restore_int(live,
	    "PRAGMA page_size") : 0;
	if ((copy = restore_prepare(tmp, page_size, rep, msg,
	    sizeof(msg))) == NULL) {
		snprintf(err, errsz, "%s: %s; nothing was changed", file, msg);
		goto out;
	}
	/* A database that went missing is made anew, from the copy alone. */
	if (!live_exists &&
	    db_connect(c->database, &live, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "%s: %s", c->database, msg);
		goto out;
	}
	if (live_exists)
		restore_save_live(c, live, rep);
	int brc = restore_backup(live, copy);
	if (brc != SQLITE_OK) {
		snprintf(err, errsz, "%s: cannot write it: %s; nothing was "
		    "changed", c->database, sqlite3_errstr(brc));
		if (!live_exists) {
			sqlite3_close_v2(live);
			live = NULL;
			restore_unlink(c->database);
		}
		goto out;
	}
	if (!live_exists)
		db_mark_created(c->data_dir, c->database);
	if (dbcheck_recorded(c->data_dir, msg, sizeof(msg)))
		dbcheck_forget(c->data_dir);
	rc = 0;
out:
	sqlite3_close_v2(copy);
	sqlite3_close_v2(live);
	restore_unlink(tmp);
	return rc;
}
