/*
 * dbrestore: replacing the live database with a backup, safely while the
 * server runs ('stockroom restore FILE').
 *
 * The file is first copied into the data directory (the original is never
 * opened by SQLite, so nothing is written beside it), and the copy is
 * checked: an SQLite database, sound (PRAGMA integrity_check and
 * foreign_key_check), of Stockroom's schema (its schema_migrations are
 * this program's own migrations 1..N, by number and name, and PRAGMA
 * user_version is N), and not newer than this program.  A copy behind the
 * program is migrated, so the live database is never behind.  Only then
 * is it written into the live database with SQLite's backup API: one
 * write transaction on the live file, which keeps its inode, its WAL and
 * every other process's connection (a FastCGI process's kept one
 * included), so requests see the old database or the new one and never a
 * mixture, and none fails.  The database as it was is kept beside the
 * daily backups first (DATA_DIR/backups/stockroom-<time>-before-restore.
 * sqlite3), when it can still be read.  A damage record (dbcheck.h) is
 * removed: the new content has just been checked.
 *
 * This module never changes the live database unless every check passed,
 * and never follows a symbolic link to the file it is given.
 */
#ifndef SR_DBRESTORE_H
#define SR_DBRESTORE_H

#include <stddef.h>

struct cfg;

/* What dbrestore_run() did, for the tool to print. */
struct dbrestore_report {
	int	 version;		/* the backup's schema version */
	int	 migrated;		/* migrations applied to it */
	char	 saved[4200];		/* where the old database went, or "" */
	char	 warning[512];		/* why it could not be kept, or "" */
};

#define DBRESTORE_LOCK_TRIES	200	/* 50 ms apart: 10 s for the lock */

int	dbrestore_run(const struct cfg *, const char *file,
	    struct dbrestore_report *, char *err, size_t errsz);

#endif
