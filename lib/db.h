/*
 * db: the SQLite database, opened in one place.
 *
 * db_open() opens DATABASE with WAL, a busy timeout, foreign keys on,
 * synchronous=NORMAL and SQLite's defensive mode, and checks that the schema
 * is the one this program was built with.  The schema is the numbered SQL
 * files in db/migrations/, compiled into every program (db_migrations[]);
 * the database records them in schema_migrations and PRAGMA user_version.
 * A database behind the program answers 503 unless AUTO_MIGRATE is on, in
 * which case the first request migrates under the write lock.
 *
 * A migration whose SQL starts with the line "-- compatible" declares
 * that programs built for the schema before it may go on serving the
 * database after it (it only adds: a table, an index, a column with a
 * default that they never need to write).  The database records it in
 * schema_compatible, and db_open() then lets a program run on a schema
 * newer than its own when every newer migration is so marked: an upgrade
 * migrates first and switches the programs after, and the old programs
 * answer meanwhile instead of 503 "newer than this program".
 *
 * A database file is created only by 'stockroom migrate' or, with
 * AUTO_MIGRATE, by the first request, and the creation is remembered in
 * DATA_DIR/database_created: a database that goes missing later is then
 * reported (503), never silently replaced by an empty one.
 *
 * SQL is always prepared with bound parameters: this module offers no way to
 * run a string built at run time from request data.  Writes go through
 * db_begin() (BEGIN IMMEDIATE, retried while the database is busy) and end
 * with db_end(), the one place a transaction is committed or, when the
 * work failed, rolled back:
 *
 *	if ((e = db_begin(ctx)) != NULL)
 *		return e;
 *	e = work(ctx);
 *	return db_end(ctx, e);
 *
 * Failures are values (err.h): db_err() makes the error for what the
 * connection last failed at -- 503 when the disk, a lock or the file is
 * at fault, a record of the damage when the file is damaged, 500 else --
 * and logs SQLite's message, which the client sees only with DEBUG on.
 */
#ifndef SR_DB_H
#define SR_DB_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "pg.h"
#include "stmt.h"

struct ctx;
struct err;

/*
 * A connection kept between the requests of one process (FastCGI, see
 * app.h).  db_open() reuses it while it is the same file (same path, device
 * and inode) and opens a new one otherwise; each request still runs every
 * check a fresh connection would (data directory, schema version), and
 * db_keep_close() closes it when the process ends.  It also keeps up to
 * DB_KEEP_STMTS prepared statements, by SQL text, for db_prepare() to
 * reuse (reset and unbound at the end of each request), and one thing of
 * another module's (kept, kept_free), which goes when it closes.
 */
#define DB_KEEP_STMTS	64

struct db_kept_stmt {
	char		*sql;		/* malloc'd; NULL: free slot */
	sqlite3_stmt	*st;
	bool		 in_use;	/* by the request under way */
	int		 runs;		/* its runs when taken (db.c) */
	unsigned long	 used;		/* when last taken, for eviction */
};

struct db_keep {
	sqlite3		*db;
	struct pg	*pg;		/* or PostgreSQL's (DATABASE_URL) */
	char		*url;		/* malloc'd: pg's DATABASE_URL */
	char		*path;		/* malloc'd */
	dev_t		 dev;
	ino_t		 ino;
	struct db_kept_stmt stmts[DB_KEEP_STMTS];
	unsigned long	 clock;
	/* What another module keeps with the connection (list.c: tables'
	 * names), freed by kept_free when it closes. */
	void		*kept;
	void		(*kept_free)(void *);
};

struct db_migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct db_migration db_migrations[];
extern const size_t db_migrations_count;
/* PostgreSQL's twins (db/migrations/pg/), the same numbers and names. */
extern const struct db_migration db_pg_migrations[];
extern const size_t db_pg_migrations_count;

#define DB_COMPATIBLE_MARK	"-- compatible"
#define DB_BUSY_TIMEOUT_MS	5000
#define DB_BEGIN_RETRIES	20

enum db_open_flags { DB_CHECK_SCHEMA = 0, DB_ANY_SCHEMA = 1 };

int		 db_connect(const char *path, sqlite3 **, char *, size_t);
int		 db_schema_version(sqlite3 *);
bool		 db_schema_compatible(sqlite3 *, int have, int want);
int		 db_latest_version(void);
int		 db_migrate(sqlite3 *, int *applied, char *, size_t);
int		 db_check_data_dir(const char *dir, bool create, char *, size_t);
int		 db_may_create(const char *dir, const char *database,
		    bool create, char *, size_t);
void		 db_mark_created(const char *dir, const char *database);
struct err	*db_open(struct ctx *, enum db_open_flags);
void		 db_keep_close(struct db_keep *);
int		 db_data_version(struct ctx *, long long *version,
		    long long *changes);
struct err	*db_begin(struct ctx *);
struct err	*db_end(struct ctx *, struct err *);
void		 db_rollback(struct ctx *);
db_stmt	*db_prepare(struct ctx *, const char *sql);
struct err	*db_err(struct ctx *, const char *what);
struct err	*db_step(struct ctx *, db_stmt *, const char *what);
struct err	*db_row(struct ctx *, db_stmt *, const char *what,
		    bool *found);
bool		 db_is_open(struct ctx *);
bool		 db_in_transaction(struct ctx *);
long long	 db_last_id(struct ctx *);
long long	 db_changes(struct ctx *);
const char	*db_errmsg(struct ctx *);
int		 db_version(struct ctx *);
bool		 db_compatible(struct ctx *, int have, int want);
int		 db_pg_migrate(struct pg *, int *applied, char *, size_t);
int		 db_pg_version(struct pg *);
void		 db_bind_id(db_stmt *, int, long long id);

struct cJSON;
typedef struct cJSON *(*db_row_fn)(struct ctx *, db_stmt *, void *);
struct err	*db_get_json(struct ctx *, const char *sql, long long id,
		    db_row_fn, void *arg, const char *model,
		    struct cJSON **out);
/* name is not copied (json.h): pass a string literal. */
void		 db_json_text(struct cJSON *, const char *name, db_stmt *,
		    int col);
void		 db_json_id(struct cJSON *, const char *name, db_stmt *,
		    int col);

#endif
