/*
 * Unit tests of lib/dialect.c: SQLite's SQL rewritten for PostgreSQL.
 * Each case is the whole output for a whole input, so a rewrite that
 * touches more than it should shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "t.h"

/* The rewrite of sql, or "ERROR: reason"; static, overwritten each call. */
static const char *
pg(const char *sql, int *nparams)
{
	static char buf[4096];
	char err[200], *out;
	int n;

	if (dialect_pg(sql, &out, &n, err, sizeof(err)) != 0) {
		snprintf(buf, sizeof(buf), "ERROR: %s", err);
		if (nparams != NULL)
			*nparams = -1;
		return buf;
	}
	snprintf(buf, sizeof(buf), "%s", out);
	free(out);
	if (nparams != NULL)
		*nparams = n;
	return buf;
}

static int
same(const char *sql, const char *want)
{
	const char *got = pg(sql, NULL);

	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "  in:   %s\n  want: %s\n  got:  %s\n", sql, want, got);
	return 0;
}

static int
refused(const char *sql, const char *why)
{
	const char *got = pg(sql, NULL);

	if (strncmp(got, "ERROR: ", 7) == 0 && strstr(got, why) != NULL)
		return 1;
	fprintf(stderr, "  in:   %s\n  want an error with: %s\n  got:  %s\n",
	    sql, why, got);
	return 0;
}

static void
test_parameters(void)
{
	int n;

	CHECK(same("SELECT ?1, ?2", "SELECT $1, $2"));
	CHECK(same("SELECT ?, ?, ?", "SELECT $1, $2, $3"));
	/* A bare ? is one more than the highest so far, as in SQLite. */
	CHECK(same("SELECT ?3, ?, ?1, ?", "SELECT $3, $4, $1, $5"));
	CHECK(strcmp(pg("SELECT ?7 + ?2", &n), "SELECT $7 + $2") == 0);
	CHECK(n == 7);
	CHECK(strcmp(pg("SELECT 1", &n), "SELECT 1") == 0 && n == 0);
	CHECK(same("SELECT '?1', \"?\" FROM t", "SELECT '?1', \"?\" FROM t"));
	CHECK(refused("SELECT ?0", "out of range"));
	CHECK(refused("SELECT ?32767", "out of range"));
	CHECK(refused("SELECT ?99999999999999999999", "out of range"));
	CHECK(refused("SELECT :name", "named parameters"));
	CHECK(refused("SELECT @x", "named parameters"));
	CHECK(refused("SELECT $1", "named parameters"));
}

static void
test_operators(void)
{
	CHECK(same("SELECT * FROM part WHERE name LIKE ?1 ESCAPE '\\'",
	    "SELECT * FROM part WHERE name ILIKE $1 ESCAPE '\\'"));
	CHECK(same("WHERE a NOT LIKE ?", "WHERE a NOT ILIKE $1"));
	CHECK(same("WHERE a LIKE (SELECT p FROM t) || '%'",
	    "WHERE a ILIKE (SELECT p FROM t) || '%'"));
	CHECK(same("WHERE a IN (1, 2) AND NOT (b) OR EXISTS (SELECT 1)",
	    "WHERE a IN (1, 2) AND NOT (b) OR EXISTS (SELECT 1)"));
	CHECK(refused("WHERE a GLOB ('x*')", "SQLite's alone"));
	CHECK(same("WHERE a == b AND c != d AND e <> f",
	    "WHERE a = b AND c != d AND e <> f"));
	CHECK(same("WHERE a IS ?1", "WHERE a IS NOT DISTINCT FROM $1"));
	CHECK(same("WHERE a IS NOT ?1", "WHERE a IS DISTINCT FROM $1"));
	CHECK(same("WHERE a IS NULL OR b IS NOT NULL",
	    "WHERE a IS NULL OR b IS NOT NULL"));
	CHECK(same("WHERE a IS NOT DISTINCT FROM b",
	    "WHERE a IS NOT DISTINCT FROM b"));
	CHECK(same("WHERE a IS TRUE", "WHERE a IS TRUE"));
	CHECK(same("SELECT a || '-' || b, x->>'k'",
	    "SELECT a || '-' || b, x->>'k'"));
	CHECK(refused("WHERE a GLOB 'x*'", "SQLite's alone"));
	/* search.h: SQLite's regexp() ignores case, as ~* does */
	CHECK(same("WHERE a REGEXP ? OR b REGEXP ?",
	    "WHERE a ~* $1 OR b ~* $2"));
	CHECK(refused("PRAGMA foreign_keys", "SQLite's alone"));
}

static void
test_order_by(void)
{
	CHECK(same("SELECT a FROM t ORDER BY a",
	    "SELECT a FROM t ORDER BY a NULLS FIRST"));
	CHECK(same("SELECT a FROM t ORDER BY a DESC, b LIMIT ?1",
	    "SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST "
	    "LIMIT $1"));
	CHECK(same("ORDER BY a ASC NULLS LAST", "ORDER BY a ASC NULLS LAST"));
	/* A bare id is never NULL: its index must stay usable. */
	CHECK(same("ORDER BY id DESC LIMIT 5", "ORDER BY id DESC LIMIT 5"));
	CHECK(same("ORDER BY s.id, s.name", "ORDER BY s.id, s.name NULLS FIRST"));
	CHECK(same("ORDER BY lower(name) DESC, id",
	    "ORDER BY lower(name) DESC NULLS LAST, id"));
	CHECK(same("SELECT (SELECT x FROM u ORDER BY x LIMIT 1) FROM t",
	    "SELECT (SELECT x FROM u ORDER BY x NULLS FIRST LIMIT 1) FROM t"));
	CHECK(same("SELECT row_number() OVER (ORDER BY d DESC) FROM t",
	    "SELECT row_number() OVER (ORDER BY d DESC NULLS LAST) FROM t"));
	CHECK(same("SELECT a FROM t ORDER BY a;",
	    "SELECT a FROM t ORDER BY a NULLS FIRST;"));
	CHECK(same("SELECT id FROM task ORDER BY run_at LIMIT 1 "
	    "/*FOR UPDATE SKIP LOCKED*/",
	    "SELECT id FROM task ORDER BY run_at NULLS FIRST LIMIT 1 "
	    "FOR UPDATE SKIP LOCKED"));
	CHECK(same("SELECT id FROM task ORDER BY run_at "
	    "/*FOR UPDATE SKIP LOCKED*/",
	    "SELECT id FROM task ORDER BY run_at NULLS FIRST "
	    "FOR UPDATE SKIP LOCKED"));
	CHECK(same("SELECT a FROM t ORDER BY a UNION SELECT 1",
	    "SELECT a FROM t ORDER BY a NULLS FIRST UNION SELECT 1"));
}

static void
test_statements(void)
{
	CHECK(same("INSERT OR IGNORE INTO s(a) VALUES (?1)",
	    "INSERT INTO s(a) VALUES ($1) ON CONFLICT DO NOTHING "));
	CHECK(same("INSERT OR IGNORE INTO s(a) VALUES (?1) RETURNING id",
	    "INSERT INTO s(a) VALUES ($1)  ON CONFLICT DO NOTHING RETURNING id"));
	CHECK(same("INSERT OR IGNORE INTO s(a) SELECT x FROM (SELECT 1 AS x);",
	    "INSERT INTO s(a) SELECT x FROM (SELECT 1 AS x) "
	    "ON CONFLICT DO NOTHING ;"));
	CHECK(same("INSERT INTO s(a) VALUES (1) ON CONFLICT(a) DO UPDATE "
	    "SET a = excluded.a",
	    "INSERT INTO s(a) VALUES (1) ON CONFLICT(a) DO UPDATE "
	    "SET a = excluded.a"));
	CHECK(refused("INSERT OR REPLACE INTO s VALUES (1)", "INSERT OR REPLACE"));
	CHECK(refused("REPLACE INTO s VALUES (1)", "REPLACE INTO"));
	CHECK(same("BEGIN IMMEDIATE", "BEGIN"));
	CHECK(same("SELECT * FROM t LIMIT -1 OFFSET ?1",
	    "SELECT * FROM t LIMIT ALL OFFSET $1"));
	CHECK(same("SELECT rowid, user FROM t WHERE t.user = ?",
	    "SELECT id, \"user\" FROM t WHERE t.\"user\" = $1"));
	CHECK(same("SELECT \"user\" FROM t", "SELECT \"user\" FROM t"));
	CHECK(same("SELECT a -- why\nFROM t /* note */ WHERE b",
	    "SELECT a  \nFROM t   WHERE b"));
}

static void
test_functions(void)
{
	CHECK(same("SELECT ifnull(a, 0), instr(a, 'x')",
	    "SELECT coalesce(a, 0), strpos(a, 'x')"));
	CHECK(same("SELECT max(a), min(b), max(a, ?1), MIN(1, 2, 3)",
	    "SELECT max(a), min(b), greatest(a, $1), least(1, 2, 3)"));
	CHECK(same("SELECT total(q) FROM s",
	    "SELECT coalesce(sum(q), 0) FROM s"));
	CHECK(same("SELECT total(ifnull(q, 0)) FROM s",
	    "SELECT coalesce(sum(coalesce(q, 0)), 0) FROM s"));
	CHECK(same("SELECT group_concat(name) FROM g",
	    "SELECT string_agg(CAST(name AS text), ',') FROM g"));
	CHECK(same("SELECT group_concat(DISTINCT id) FROM g",
	    "SELECT string_agg(DISTINCT CAST( id AS text), ',') FROM g"));
	CHECK(same("SELECT group_concat(a || b, '; ') FROM g",
	    "SELECT string_agg(CAST(a || b AS text), '; ') FROM g"));
	CHECK(same("SELECT group_concat(x, ?2) FROM g WHERE y LIKE ?1",
	    "SELECT string_agg(CAST(x AS text), $2) FROM g WHERE y ILIKE $1"));
	CHECK(same("SELECT json_object('a', 1), json_group_array(x)",
	    "SELECT json_build_object('a', 1), coalesce(json_agg(x), '[]'::json)"));
	CHECK(same("SELECT json_group_object(k, json('[' || v || ']')) FROM t",
	    "SELECT json_object_agg(k, CAST('[' || v || ']' AS json)) FROM t"));
	CHECK(same("SELECT value FROM json_each(?1)",
	    "SELECT value FROM sr_json_each($1)"));
	CHECK(same("SELECT strftime('%Y', d), date(?1, 'unixepoch'), "
	    "unixepoch()", "SELECT sr_strftime('%Y', d), "
	    "sr_date($1, 'unixepoch'), sr_unixepoch()"));
	CHECK(same("SELECT last_insert_rowid()", "SELECT lastval()"));
	CHECK(same("SELECT CAST(a AS INTEGER), CAST(b AS REAL), "
	    "CAST(c AS TEXT), a AS integer",
	    "SELECT CAST(a AS bigint), CAST(b AS double precision), "
	    "CAST(c AS TEXT), a AS integer"));
	CHECK(same("SELECT CAST((SELECT x AS real FROM t) AS INTEGER)",
	    "SELECT CAST((SELECT x AS real FROM t) AS bigint)"));
	CHECK(same("SELECT coalesce(a, b), replace(a, 'x', 'y')",
	    "SELECT coalesce(a, b), replace(a, 'x', 'y')"));
	CHECK(refused("SELECT typeof(a)", "typeof() has no"));
	CHECK(refused("SELECT printf('%d', a)", "printf() has no"));
	CHECK(refused("SELECT hex(randomblob(16))", "hex() has no"));
	CHECK(refused("SELECT group_concat()", "one or two"));
}

static void
test_refusals(void)
{
	CHECK(refused("SELECT 'abc", "unterminated string"));
	CHECK(refused("SELECT \"abc", "unterminated quoted name"));
	CHECK(refused("SELECT 1 /* x", "unterminated comment"));
	CHECK(refused("SELECT (1", "unbalanced"));
	CHECK(refused("SELECT 1)", "unbalanced"));
	CHECK(refused("SELECT [a] FROM t", "use \"name\""));
	CHECK(refused("SELECT `a` FROM t", "use \"name\""));
	CHECK(refused("SELECT x'00'", "blob literals"));
	CHECK(refused("SELECT 12abc", "malformed number"));
	CHECK(refused("SELECT a ! b", "unexpected"));
	CHECK(refused("SELECT a # b", "unexpected character"));

	char deep[2 * DIALECT_DEPTH_MAX + 40];
	size_t k = 0;
	k += (size_t)sprintf(deep, "SELECT ");
	for (int i = 0; i <= DIALECT_DEPTH_MAX; i++)
		deep[k++] = '(';
	deep[k++] = '1';
	for (int i = 0; i <= DIALECT_DEPTH_MAX; i++)
		deep[k++] = ')';
	deep[k] = '\0';
	CHECK(refused(deep, "nested parentheses"));
	/* The deepest allowed still works, and ORDER BY inside it. */
	deep[7] = ' ';
	deep[k - 1] = ' ';
	CHECK(strncmp(pg(deep, NULL), "SELECT  ((", 10) == 0);

	char *big = malloc(DIALECT_SQL_MAX + 2);
	memset(big, ' ', DIALECT_SQL_MAX + 1);
	big[DIALECT_SQL_MAX + 1] = '\0';
	CHECK(refused(big, "longer than"));
	free(big);
	CHECK(same("", ""));
}

int
main(void)
{
	RUN(test_parameters);
	RUN(test_operators);
	RUN(test_order_by);
	RUN(test_statements);
	RUN(test_functions);
	RUN(test_refusals);
	return DONE();
}
