/*
 * dbmove: a whole SQLite install moved into an empty PostgreSQL database
 * ('stockroom migrate-db DATABASE_URL', issue 13; docs/scale-out.md).
 *
 * The SQLite database must be at this program's schema version; the
 * PostgreSQL one must be new (no migration applied: it is then migrated
 * here) or migrated but holding no rows of its own beyond the migrations'
 * seeds.  In one PostgreSQL transaction every table of the SQLite file --
 * but its FTS5 tables, which PostgreSQL does without, and the record of
 * migrations, which it has of its own -- is emptied of those seeds and
 * copied row by row, ids included, with the tables' triggers off (the
 * maintained counts and closure tables are copied, not counted again) and
 * the foreign keys checked at the commit; then every identity is moved
 * past its table's highest id.  Before the commit each table's row count,
 * and the sum of stock quantities, are compared on both sides: a copy that
 * differs is rolled back and nothing is left in PostgreSQL.  The SQLite
 * file is only read, and the data directory's files stay where they are.
 */
#ifndef SR_DBMOVE_H
#define SR_DBMOVE_H

#include <stdio.h>

struct cfg;

int	dbmove_run(const struct cfg *, const char *url, FILE *out, char *err,
	    size_t errsz);

#endif
