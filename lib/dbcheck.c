/*
 * dbcheck: the damaged-database record and the checks that set it.  See
 * dbcheck.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "dbcheck.h"
#include "log.h"

/* Longest name of a step kept in the record. */
#define DBCHECK_WHAT_MAX	64

static int
dbcheck_path(char *buf, size_t bufsz, const char *data_dir, const char *name)
{
	int n = snprintf(buf, bufsz, "%s/%s", data_dir, name);

	return n > 0 && (size_t)n < bufsz ? 0 : -1;
}

/*
 * Records in data_dir that the database file is damaged: what is the step
 * that found it (a name from the code, never request data; cut to printable
 * ASCII), sqlite_rc the SQLite result code.  Written to a private temporary
 * file, then linked into place, so the record is whole or absent and the
 * first one stays.  Errors are ignored: the request answers 503 anyway.
 */
void
dbcheck_record(const char *data_dir, const char *what, int sqlite_rc)
{
	char marker[4096], tmp[4096], name[32], line[DBCHECK_LINE_MAX];
	char safe[DBCHECK_WHAT_MAX + 1], when[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t n = 0;
	int fd;

	snprintf(name, sizeof(name), ".%s.%ld", DBCHECK_MARKER, (long)getpid());
	if (dbcheck_path(marker, sizeof(marker), data_dir, DBCHECK_MARKER) != 0 ||
	    dbcheck_path(tmp, sizeof(tmp), data_dir, name) != 0 ||
	    access(marker, F_OK) == 0)
		return;
	for (const char *p = what != NULL ? what : ""; *p != '\0' &&
	    n < DBCHECK_WHAT_MAX; p++)
		safe[n++] = *p >= 0x20 && *p < 0x7f ? *p : '?';
	safe[n] = '\0';
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)now);
	int len = snprintf(line, sizeof(line), "%s %s: %s (SQLite code %d)\n",
	    when, safe, sqlite3_errstr(sqlite_rc), sqlite_rc);
	if (len < 0 || (size_t)len >= sizeof(line))
		len = (int)strlen(line);
	unlink(tmp);		/* a leftover of a killed process of this pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return;
	bool ok = write(fd, line, (size_t)len) == len && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	/* EEXIST: an earlier record, which stays. */
	if (ok && link(tmp, marker) != 0 && errno != EEXIST)
		ok = false;	/* unrecorded: the caller answers 503 anyway */
	unlink(tmp);
}

/*
 * Is damage recorded in data_dir?  When it is, line gets the record's
 * first line (time, step, error), without its newline.
 */
bool
dbcheck_recorded(const char *data_dir, char *line, size_t linesz)
{
	char marker[4096];
	ssize_t got = 0;
	int fd;

	if (linesz > 0)
		line[0] = '\0';
	if (dbcheck_path(marker, sizeof(marker), data_dir, DBCHECK_MARKER) != 0)
		return false;
	fd = open(marker, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;		/* there, but unreadable */
	if (linesz > 1)
		got = read(fd, line, linesz - 1);
	close(fd);
	if (linesz > 0) {
		line[got > 0 ? got : 0] = '\0';
		line[strcspn(line, "\r\n")] = '\0';
	}
	return true;
}

/* Removes the record: 0 when removed, 1 when there was none, -1 on error. */
int
dbcheck_forget(const char *data_dir)
{
	char marker[4096];

	if (dbcheck_path(marker, sizeof(marker), data_dir, DBCHECK_MARKER) != 0)
		return -1;
	if (unlink(marker) == 0)
		return 0;
	return errno == ENOENT ? 1 : -1;
}

/*
 * Runs PRAGMA quick_check (quick) or integrity_check on db, outside any
 * transaction, stopping at the first 10 problems.  DBCHECK_OK when the
 * file is sound; DBCHECK_DAMAGED with SQLite's findings in msg (joined by
 * "; ", cut to msgsz); DBCHECK_ERROR when the check could not run (busy,
 * I/O), with the reason in msg.
 */
enum dbcheck_result
dbcheck_run(sqlite3 *db, bool quick, char *msg, size_t msgsz)
{
	sqlite3_stmt *st = NULL;
	size_t used = 0;
	int rc, rows = 0;
	bool ok = false;

	if (msgsz > 0)
		msg[0] = '\0';
	rc = sqlite3_prepare_v2(db, quick ? "PRAGMA quick_check(10)" :
	    "PRAGMA integrity_check(10)", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (s == NULL)
			s = "";
		if (rows++ == 0 && strcmp(s, "ok") == 0)
			ok = true;
		if (used < msgsz) {
			int n = snprintf(msg + used, msgsz - used, "%s%s",
			    used > 0 ? "; " : "", s);
			used += n > 0 ? (size_t)n : 0;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return ok && rows == 1 ? DBCHECK_OK : DBCHECK_DAMAGED;
	if (msgsz > 0)
		snprintf(msg, msgsz, "%s", sqlite3_errmsg(db));
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return DBCHECK_DAMAGED;
	default:
		return DBCHECK_ERROR;
	}
}

/*
 * The full check of the request's open database, for the daily backup
 * task.  Damage is recorded and returns -1 with SQLite's findings in err; a
 * sound file removes an older record (as after a restore) and returns 0.
 */
int
dbcheck_full(struct ctx *ctx, char *err, size_t errsz)
{
	char msg[512];

	if (ctx->pg != NULL)	/* PostgreSQL checks its own pages */
		return 0;
	if (ctx->db == NULL) {
		snprintf(err, errsz, "integrity_check: database unavailable");
		return -1;
	}
	switch (dbcheck_run(ctx->db, false, msg, sizeof(msg))) {
	case DBCHECK_OK:
		if (dbcheck_forget(ctx->cfg.data_dir) == 0)
			log_msg(ctx, LOG_WARN, "integrity_check: the database "
			    "is sound again; removed " DBCHECK_MARKER);
		return 0;
	case DBCHECK_DAMAGED:
		dbcheck_record(ctx->cfg.data_dir, "backup integrity_check",
		    SQLITE_CORRUPT);
		log_msg(ctx, LOG_ERROR, "integrity_check: %s", msg);
		snprintf(err, errsz, "integrity_check: the database is "
		    "damaged: %s", msg);
		return -1;
	default:
		snprintf(err, errsz, "integrity_check: could not run: %s", msg);
		return -1;
	}
}
