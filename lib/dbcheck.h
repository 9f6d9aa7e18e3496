/*
 * dbcheck: knowing that the database file is damaged, cheaply.
 *
 * PRAGMA quick_check reads every page, so its cost grows with the database
 * (about 8 ms per MB on the 2-core test machine: 4 s for the 530 MB
 * benchmark file).  Health cannot afford it on a large database, so damage
 * is learnt three ways and remembered in one file, DATA_DIR/database_damaged
 * (mode 0600; one line: when, which step, SQLite's error name; no data):
 *
 *   - any request whose SQLite call answers SQLITE_CORRUPT or
 *     SQLITE_NOTADB records it (db_fail());
 *   - health runs quick_check itself while the database (file and WAL) is
 *     at most HEALTH_QUICK_CHECK_MAX_MB, and records what it finds;
 *   - the daily backup task runs the full PRAGMA integrity_check first
 *     (dbcheck_full()): it records damage, and then makes no backup, so
 *     the older, sound backups are kept; a sound file forgets an old
 *     record.
 *
 * While the record exists, health answers 503 "database damaged".  After
 * restoring the database from a backup, 'stockroom check' runs the full
 * check and removes the record when the file is sound.
 *
 * The first record is kept (it says since when); later ones are dropped.
 * Nothing here ever changes the database.
 */
#ifndef SR_DBCHECK_H
#define SR_DBCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct ctx;

#define DBCHECK_MARKER		"database_damaged"
#define DBCHECK_LINE_MAX	256

enum dbcheck_result { DBCHECK_OK = 0, DBCHECK_DAMAGED = 1,
    DBCHECK_ERROR = -1 };

void	dbcheck_record(const char *data_dir, const char *what, int sqlite_rc);
bool	dbcheck_recorded(const char *data_dir, char *line, size_t linesz);
int	dbcheck_forget(const char *data_dir);
enum dbcheck_result dbcheck_run(sqlite3 *, bool quick, char *msg,
	    size_t msgsz);
int	dbcheck_full(struct ctx *, char *err, size_t errsz);

#endif
