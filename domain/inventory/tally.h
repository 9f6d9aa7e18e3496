/*
 * tally: the inventory's maintained counts, checked.
 *
 * Migration 0010 keeps counts in the table tally (items per location with
 * its subtree, parts and items per category with its subtree, items per
 * status, in stock, totals per table) and the closure tables of the two
 * trees, by triggers in the same transaction as every change.  Lists,
 * detail pages and tree listings read them instead of counting rows
 * (res.h's struct res_tally).  tally_check() counts everything again the
 * slow way -- from the rows and the trees' materialised paths, not from
 * the closure tables -- and reports every difference: a count that
 * drifted would make an API count wrong.  On SQLite it also checks that
 * the parts' search index has a row for each part and no other.  It only
 * reads.
 */
#ifndef SR_TALLY_H
#define SR_TALLY_H

#include <stdio.h>

#include <sqlite3.h>

/* Prints each drifted count or tree pair to out; returns how many, or -1
 * when the check could not run (SQLite's message printed). */
struct ctx;
long long	tally_check(struct ctx *, FILE *out);

/*
 * Counts everything the triggers keep from scratch, inside the caller's
 * transaction: the closure tables from the paths, the tallies, and each
 * part's in_stock and stock_count (migration 0003's triggers).  For a bulk
 * load that ran with triggers off (inventory generate), which is several
 * times faster than keeping every count row by row.  Returns SQLite's
 * result code.
 */
int		tally_rebuild(sqlite3 *);

#endif
