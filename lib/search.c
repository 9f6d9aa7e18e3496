/*
 * search: substring search through an FTS5 trigram index.  See search.h.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "search.h"

/* Phrases search_query() makes of a term of SEARCH_TERM_MAX characters. */
#define SEARCH_PHRASES_MAX	(SEARCH_TERM_MAX / 3 + 1)

/*
 * The byte length of the character at s, as FTS5's tokenizers read UTF-8:
 * a byte of 0xc0 or more takes the continuation bytes after it, any other
 * byte stands alone.
 */
static size_t
search_char_len(const char *s)
{
	size_t n = 1;

	if ((unsigned char)s[0] >= 0xc0)
		while (((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	return n;
}

/* The term's length in characters, as the trigram tokenizer counts. */
size_t
search_chars(const char *term)
{
	size_t n = 0;

	for (const char *s = term; *s != '\0'; s += search_char_len(s))
		n++;
	return n;
}

/* Where phrase k of a term of n characters starts in it. */
static int
search_offset(int k, int n)
{
	return 3 * k < n - 3 ? 3 * k : n - 3;
}

/*
 * The FTS5 query for a term of 3 to SEARCH_TERM_MAX characters (else
 * NULL): its trigrams at offsets 0, 3, 6, ... and n - 3, each a quoted
 * phrase ('"' doubled).  In mem's arena.
 */
const char *
search_query(struct mem *mem, const char *term)
{
	int n = (int)search_chars(term);
	const char *at[SEARCH_TERM_MAX + 1];
	char *q, *o;
	int i = 0;

	if (n < 3 || n > SEARCH_TERM_MAX)
		return NULL;
	for (const char *s = term; i < n; s += search_char_len(s))
		at[i++] = s;
	at[n] = term + strlen(term);
	/* Each byte at most twice, and three bytes around each phrase. */
	o = q = mem_alloc(mem, 2 * strlen(term) + 3 * SEARCH_PHRASES_MAX + 1);
	for (int k = 0; ; k++) {
		int off = search_offset(k, n);
		if (k > 0)
			*o++ = ' ';
		*o++ = '"';
		for (const char *s = at[off]; s < at[off + 3]; s++) {
			if (*s == '"')
				*o++ = '"';
			*o++ = *s;
		}
		*o++ = '"';
		if (off == n - 3)
			break;
	}
	*o = '\0';
	return q;
}

/* How many phrases search_query() makes of a term of n >= 3 characters. */
static int
search_phrases(int n)
{
	int k = 0;

	while (search_offset(k, n) != n - 3)
		k++;
	return k + 1;
}

/*
 * Does the row have the np phrases from phrase first on, made of a term
 * of n characters, at offsets search_offset(k, n) from one start, in one
 * column?  The positions of each phrase come in order (column, then
 * offset), so the first phrase's are taken as starts in turn and the
 * others' iterators only move forward.  Returns 1, 0, or an SQLite error
 * code negated.
 */
static int
search_word_at(const Fts5ExtensionApi *api, Fts5Context *fc, int first,
    int np, int n)
{
	Fts5PhraseIter it[SEARCH_PHRASES_MAX];
	int col[SEARCH_PHRASES_MAX], off[SEARCH_PHRASES_MAX];

	if (np == 1)
		return 1;	/* the one phrase is the whole term */
	for (int k = 0; k < np; k++) {
		int rc = api->xPhraseFirst(fc, first + k, &it[k], &col[k],
		    &off[k]);
		if (rc != SQLITE_OK)
			return -rc;
	}
	for (; col[0] >= 0; api->xPhraseNext(fc, &it[0], &col[0], &off[0])) {
		int k;
		for (k = 1; k < np; k++) {
			int c = col[0], o = off[0] + search_offset(k, n);
			while (col[k] >= 0 && (col[k] < c ||
			    (col[k] == c && off[k] < o)))
				api->xPhraseNext(fc, &it[k], &col[k], &off[k]);
			if (col[k] < 0)
				return 0;	/* no later start */
			if (col[k] != c || off[k] != o)
				break;
		}
		if (k == np)
			return 1;
	}
	return 0;
}

/*
 * trigram_at(table, n): does the row have the query's phrases, made by
 * search_query() of a term of n characters, lined up in one column?
 * trigram_at(table, 'n1 n2 ...'): the query is the phrases of several
 * terms one after the other (each search_query()'s, joined by spaces: all
 * of them must match), the terms n1, n2 ... characters long; does the row
 * have each term lined up in a column (not necessarily the same)?
 */
static void
search_at(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *sc,
    int argc, sqlite3_value **argv)
{
	int np = api->xPhraseCount(fc), len[SEARCH_WORDS_MAX], nw = 0;
	int total = 0;

	if (argc == 1 && sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		char *end;

		while (s != NULL && *s != '\0' && nw < SEARCH_WORDS_MAX) {
			long v = strtol(s, &end, 10);
			if (end == s || v < 3 || v > SEARCH_TERM_MAX)
				break;
			len[nw++] = (int)v;
			s = end + strspn(end, " ");
		}
		if (s == NULL || *s != '\0')
			nw = 0;
	} else if (argc == 1) {
		len[0] = sqlite3_value_int(argv[0]);
		nw = len[0] >= 3 && len[0] <= SEARCH_TERM_MAX;
	}
	for (int w = 0; w < nw; w++)
		total += search_phrases(len[w]);
	if (nw == 0 || total != np) {
		sqlite3_result_error(sc, "trigram_at: the query is not "
		    "search_query()'s for terms of those lengths", -1);
		return;
	}
	for (int w = 0, first = 0; w < nw; first += search_phrases(len[w++])) {
		int r = search_word_at(api, fc, first, search_phrases(len[w]),
		    len[w]);
		if (r < 0) {
			sqlite3_result_error_code(sc, -r);
			return;
		}
		if (r == 0) {
			sqlite3_result_int(sc, 0);
			return;
		}
	}
	sqlite3_result_int(sc, 1);
}

static void
search_regex_free(void *p)
{
	regfree(p);
	sqlite3_free(p);
}

/*
 * regexp(pattern, text), which "text REGEXP pattern" calls: does text
 * match the POSIX extended regular expression, ignoring case?  NULL text
 * is NULL.  The compiled pattern is kept with the statement while the
 * pattern stays the same (auxiliary data).
 */
static void
search_regexp(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	regex_t *re = sqlite3_get_auxdata(sc, 0);
	const char *text = (const char *)sqlite3_value_text(argv[1]);
	bool fresh = false;

	(void)argc;
	if (re == NULL) {
		const char *pat = (const char *)sqlite3_value_text(argv[0]);
		if (pat == NULL || search_regex_check(pat, NULL, 0) != 0) {
			sqlite3_result_error(sc, "regexp: not a valid pattern",
			    -1);
			return;
		}
		if ((re = sqlite3_malloc(sizeof(*re))) == NULL) {
			sqlite3_result_error_nomem(sc);
			return;
		}
		if (regcomp(re, pat, SEARCH_REGEX_FLAGS) != 0) {
			sqlite3_free(re);
			sqlite3_result_error(sc, "regexp: not a valid pattern",
			    -1);
			return;
		}
		fresh = true;
	}
	if (text == NULL)
		sqlite3_result_null(sc);
	else
		sqlite3_result_int(sc, regexec(re, text, 0, NULL, 0) == 0);
	/* Last: SQLite may free it at once. */
	if (fresh)
		sqlite3_set_auxdata(sc, 0, re, search_regex_free);
}

/*
 * Is pat a pattern search_regexp() takes: at most SEARCH_REGEX_MAX bytes,
 * no back-reference (\1 to \9: they make matching exponential), and it
 * compiles.  Returns 0, or -1 with why in why[0..n).
 */
int
search_regex_check(const char *pat, char *why, size_t n)
{
	regex_t re;
	int rc;

	if (strlen(pat) > SEARCH_REGEX_MAX) {
		if (why != NULL)
			snprintf(why, n, "longer than %d bytes",
			    SEARCH_REGEX_MAX);
		return -1;
	}
	for (const char *p = pat; *p != '\0'; p++)
		if (*p == '\\' && p[1] != '\0') {
			if (p[1] >= '1' && p[1] <= '9') {
				if (why != NULL)
					snprintf(why, n, "back-references "
					    "are not supported");
				return -1;
			}
			p++;
		}
	if ((rc = regcomp(&re, pat, SEARCH_REGEX_FLAGS)) != 0) {
		if (why != NULL)
			regerror(rc, &re, why, n);
		return -1;
	}
	regfree(&re);
	return 0;
}

/* Adds trigram_at() to db.  Returns an SQLite result code. */
int
search_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	rc = sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	rc = api->xCreateFunction(api, "trigram_at", NULL, search_at, NULL);
	if (rc != SQLITE_OK)
		return rc;
	return sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, search_regexp,
	    NULL, NULL);
}
