/*
 * dialect: the one place that knows how SQLite's SQL and PostgreSQL's
 * differ (issue 13).
 *
 * Stockroom's SQL is written once, in SQLite's dialect, with numbered
 * parameters (?1, ?2, or ? counted as SQLite counts them).  dialect_pg()
 * rewrites one such statement for PostgreSQL:
 *
 *	?N, ?			$N (the same numbers SQLite gives them)
 *	a LIKE b		a ILIKE b (SQLite's LIKE ignores case)
 *	a IS b, a IS NOT b	IS [NOT] DISTINCT FROM (NULL, TRUE, FALSE stay)
 *	a == b			a = b
 *	ORDER BY terms		NULLS FIRST after ascending, NULLS LAST after
 *				descending ones: SQLite sorts NULL lowest
 *				(a bare id is never NULL and is left alone,
 *				so its primary key index still serves)
 *	INSERT OR IGNORE	INSERT ... ON CONFLICT DO NOTHING
 *	LIMIT -1		LIMIT ALL
 *	CAST(x AS INTEGER)	AS bigint (AS REAL: double precision)
 *	BEGIN IMMEDIATE		BEGIN (the caller takes the write lock)
 *	ifnull, instr		coalesce, strpos
 *	max(a, b), min(a, b)	greatest, least (one argument: aggregates)
 *	total(x)		coalesce(sum(x), 0)
 *	group_concat(x[, s])	string_agg(CAST(x AS text), s or ',')
 *	json_object		json_build_object
 *	json_group_object	json_object_agg
 *	json(x)			CAST(x AS json)
 *	json_group_array(x)	coalesce(json_agg(x), '[]'::json)
 *	json_each, strftime, date, datetime, unixepoch
 *				sr_json_each, sr_strftime, ...: functions the
 *				PostgreSQL migrations define with SQLite's
 *				meaning
 *	last_insert_rowid(), rowid	lastval(), id
 *	user			"user" (a reserved word in PostgreSQL)
 *	/\*FOR UPDATE SKIP LOCKED*\/	the clause itself (SQLite has
 *				neither the clause nor the need)
 *
 * Other comments become a space.  What has no faithful twin is refused
 * with a message rather than translated into something that means less:
 * GLOB, REGEXP, MATCH, PRAGMA, REPLACE INTO, other INSERT OR ...,
 * named parameters, blob literals, [bracketed] and `backquoted` names,
 * and functions such as typeof(), iif(), printf() and hex().
 *
 * The rewrite works on tokens, never inside string literals or quoted
 * names, and its input is the program's own SQL (constants, and SQL the
 * resource layer builds from descriptions), never request data.
 */
#ifndef SR_DIALECT_H
#define SR_DIALECT_H

#include <stddef.h>

#define DIALECT_SQL_MAX		(256 * 1024)	/* bytes of one statement */
#define DIALECT_DEPTH_MAX	64		/* nested parentheses */
#define DIALECT_PARAMS_MAX	32766		/* SQLite's ?NNN limit */

/*
 * Rewrites sql for PostgreSQL into *out (malloc'd, the caller frees) and
 * the highest parameter number into *nparams.  Returns 0, or -1 with *out
 * NULL and the reason in err (errsz bytes).
 */
int	dialect_pg(const char *sql, char **out, int *nparams, char *err,
	    size_t errsz);

#endif
