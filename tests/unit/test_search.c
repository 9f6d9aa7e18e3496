/*
 * Unit tests for lib/search.c: the trigram cover query and trigram_at().
 * The oracle is FTS5 itself: the phrase of the whole term, which is what
 * the search asked the index before, must find exactly the same rows.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "mem.h"
#include "search.h"
#include "t.h"

static void
chars_as_the_tokenizer_counts(void)
{
	CHECK(search_chars("") == 0);
	CHECK(search_chars("abc") == 3);
	CHECK(search_chars("Gr\xc3\xbc\xc3\x9f" "e") == 5);	/* Grüße */
	CHECK(search_chars("\xe2\x82\xac" "uro") == 4);		/* €uro */
	CHECK(search_chars("\xf0\x9f\x94\xa9!") == 2);		/* 🔩! */
}

static void
query_covers_the_term(void)
{
	struct mem m = { 0 };

	CHECK(search_query(&m, "ab") == NULL);
	CHECK(strcmp(search_query(&m, "abc"), "\"abc\"") == 0);
	CHECK(strcmp(search_query(&m, "abcd"), "\"abc\" \"bcd\"") == 0);
	CHECK(strcmp(search_query(&m, "abcdef"), "\"abc\" \"def\"") == 0);
	CHECK(strcmp(search_query(&m, "abcdefg"),
	    "\"abc\" \"def\" \"efg\"") == 0);
	CHECK(strcmp(search_query(&m, "a\"bcd"), "\"a\"\"b\" \"bcd\"") == 0);
	/* äöüß€: characters, not bytes. */
	CHECK(strcmp(search_query(&m,
	    "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f\xe2\x82\xac"),
	    "\"\xc3\xa4\xc3\xb6\xc3\xbc\" \"\xc3\xbc\xc3\x9f\xe2\x82\xac\"")
	    == 0);
	char big[SEARCH_TERM_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(search_query(&m, big) == NULL);
	big[SEARCH_TERM_MAX] = '\0';
	CHECK(search_query(&m, big) != NULL);
	mem_free(&m);
}

/* The rowids (as a sorted, comma-separated list) that sql finds, ?2 bound
 * to lens when it is not NULL, else to n. */
static char *
rows_as(sqlite3 *db, const char *sql, const char *q, int n, const char *lens)
{
	sqlite3_stmt *st;
	size_t len = 0, cap = 64;
	char *out = malloc(cap);
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	if (lens != NULL)
		sqlite3_bind_text(st, 2, lens, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 2, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len + 24 > cap)
			out = realloc(out, cap *= 2);
		len += (size_t)snprintf(out + len, cap - len, "%lld,",
		    sqlite3_column_int64(st, 0));
	}
	if (rc != SQLITE_DONE) {
		snprintf(out, cap, "error: %s", sqlite3_errmsg(db));
		len = strlen(out);
	}
	sqlite3_finalize(st);
	return out;
}

static char *
rows(sqlite3 *db, const char *sql, const char *q, int n)
{
	return rows_as(db, sql, q, n, NULL);
}

static sqlite3 *
open_index(void)
{
	sqlite3 *db;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_register(db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, b, "
	    "tokenize = 'trigram')", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot make the index\n");
		exit(1);
	}
	return db;
}

static void
insert(sqlite3 *db, long long id, const char *a, const char *b)
{
	sqlite3_stmt *st;

	sqlite3_prepare_v2(db, "INSERT INTO t (rowid, a, b) VALUES (?, ?, ?)",
	    -1, &st, NULL);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* xorshift64: the same rows and terms on every run. */
static unsigned long long
rnd(void)
{
	static unsigned long long x = 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* Does the cover query find what the phrase finds?  Prints the term if not. */
static int
same_as_phrase(sqlite3 *db, struct mem *m, const char *term)
{
	char *ph = malloc(2 * strlen(term) + 3), *p = ph;

	*p++ = '"';
	for (const char *t = term; *t != '\0'; t++) {
		if (*t == '"')
			*p++ = '"';
		*p++ = *t;
	}
	strcpy(p, "\"");
	char *want = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 "
	    "ORDER BY rowid", ph, 0);
	char *got = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
	    "trigram_at(t, ?2) ORDER BY rowid", search_query(m, term),
	    (int)search_chars(term));
	int same = strcmp(want, got) == 0;
	if (!same)
		fprintf(stderr, "term [%s]: phrase %s, cover %s\n", term, want,
		    got);
	free(ph);
	free(want);
	free(got);
	return same;
}

static void
cover_finds_what_the_phrase_finds(void)
{
	/* Pieces that case-fold into each other, repeat, and need quoting. */
	static const char *alpha[] = { "a", "b", "A", "B", " ", "\"",
	    "\xc3\xa4", "\xc3\x84", "\xc3\x9f", "\xe2\x82\xac", "ab" };
	enum { NA = sizeof(alpha) / sizeof(alpha[0]), NROWS = 400 };
	static char text[NROWS][2][64];
	sqlite3 *db = open_index();
	struct mem m = { 0 };
	int bad = 0, tried = 0;

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (int r = 0; r < NROWS; r++)
		for (int c = 0; c < 2; c++) {
			char *s = text[r][c];
			int len = (int)(rnd() % 14);
			s[0] = '\0';
			for (int i = 0; i < len; i++)
				strcat(s, alpha[rnd() % NA]);
			insert(db, r + 1, text[r][0], text[r][1]);
		}
	/* A term is in one column: not run from one into the next, nor
	 * pieced together from two at the right offsets. */
	insert(db, 1000, "xxab", "cdyy");
	insert(db, 1001, "abczzz", "zzzdef");
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	for (int i = 0; i < 3000; i++) {
		char term[64] = "";
		if (i % 2 == 0) {
			/* A piece of a row: found at least there. */
			int r = (int)(rnd() % NROWS);
			const char *s = text[r][rnd() % 2];
			size_t n = strlen(s);
			if (n < 3)
				continue;
			size_t from = rnd() % (n - 2);
			size_t len = 3 + rnd() % (n - from - 2);
			memcpy(term, s + from, len);
			term[len] = '\0';
			/* Not inside a character. */
			if (((unsigned char)term[0] & 0xc0) == 0x80 ||
			    ((unsigned char)s[from + len] & 0xc0) == 0x80)
				continue;
		} else {
			int len = 3 + (int)(rnd() % 6);
			for (int k = 0; k < len; k++)
				strcat(term, alpha[rnd() % NA]);
		}
		if (search_chars(term) < 3)
			continue;
		tried++;
		bad += !same_as_phrase(db, &m, term);
	}
	CHECK(tried > 2000);
	CHECK(bad == 0);
	for (int i = 0; i < 2; i++) {
		const char *term = i == 0 ? "abcd" : "abcdef";
		char *r = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
		    "trigram_at(t, ?2)", search_query(&m, term),
		    (int)search_chars(term));
		CHECK(strcmp(r, "") == 0);
		CHECK(same_as_phrase(db, &m, term));
		free(r);
	}
	mem_free(&m);
	sqlite3_close(db);
}

static void
at_refuses_a_length_that_does_not_fit(void)
{
	sqlite3 *db = open_index();
	char *r;

	insert(db, 1, "abcdefg", "");
	r = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
	    "trigram_at(t, ?2)", "\"abc\" \"def\" \"efg\"", 7);
	CHECK(strcmp(r, "1,") == 0);
	free(r);
	/* Three phrases are not the cover of a term of 4 or of 10. */
	r = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
	    "trigram_at(t, ?2)", "\"abc\" \"def\" \"efg\"", 4);
	CHECK(strncmp(r, "error:", 6) == 0);
	free(r);
	r = rows(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
	    "trigram_at(t, ?2)", "\"abc\" \"def\" \"efg\"", 10);
	CHECK(strncmp(r, "error:", 6) == 0);
	free(r);
	sqlite3_close(db);
}

/* Is row r of list a (as rows() writes them) in list b? */
static int
listed(const char *b, const char *r, size_t n)
{
	for (const char *p = b; *p != '\0'; p = strchr(p, ',') + 1)
		if (strncmp(p, r, n) == 0 && p[n] == ',')
			return 1;
	return 0;
}

/* The rows in both lists, as rows() writes them. */
static char *
both(const char *a, const char *b)
{
	char *out = malloc(strlen(a) + 1), *o = out;

	for (const char *p = a; *p != '\0';) {
		size_t n = (size_t)(strchr(p, ',') - p);
		if (listed(b, p, n)) {
			memcpy(o, p, n + 1);
			o += n + 1;
		}
		p += n + 1;
	}
	*o = '\0';
	return out;
}

/*
 * Several terms in one query (their covers joined, their lengths as a
 * text) find the rows that each term alone finds, each in any column.
 */
static void
terms_together_find_what_each_finds(void)
{
	static const char *words[] = { "abc", "bca", "cab", "abcd", "dab",
	    "bcdab", "aaa", "xyz", "\xc3\xa4" "bc", "abcabc" };
	enum { NW = sizeof(words) / sizeof(words[0]), NROWS = 300 };
	static const char *alpha[] = { "a", "b", "c", "d", "\xc3\xa4", " " };
	sqlite3 *db = open_index();
	struct mem m = { 0 };
	int bad = 0;

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (int r = 0; r < NROWS; r++) {
		char a[48] = "", b[48] = "";
		for (int i = (int)(rnd() % 12); i > 0; i--)
			strcat(a, alpha[rnd() % 6]);
		for (int i = (int)(rnd() % 12); i > 0; i--)
			strcat(b, alpha[rnd() % 6]);
		insert(db, r + 1, a, b);
	}
	/* Two terms in two columns; one term across the columns. */
	insert(db, 1000, "xxabcyy", "zzdabzz");
	insert(db, 1001, "xxab", "cdab");
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	for (int i = 0; i < 200; i++) {
		int k = 1 + (int)(rnd() % 3);
		const char *q = "", *lens = "";
		char *want = NULL;
		for (int w = 0; w < k; w++) {
			const char *t = words[rnd() % NW];
			char *one = rows(db, "SELECT rowid FROM t WHERE t MATCH "
			    "?1 AND trigram_at(t, ?2) ORDER BY rowid",
			    search_query(&m, t), (int)search_chars(t));
			char *next = want == NULL ? one : both(want, one);
			if (want != NULL) {
				free(want);
				free(one);
			}
			want = next;
			q = mem_printf(&m, "%s%s%s", q, w ? " " : "",
			    search_query(&m, t));
			lens = mem_printf(&m, "%s%s%zu", lens, w ? " " : "",
			    search_chars(t));
		}
		char *got = rows_as(db, "SELECT rowid FROM t WHERE t MATCH ?1 "
		    "AND trigram_at(t, ?2) ORDER BY rowid", q, 0, lens);
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "terms [%s] (%s): each %s, together "
			    "%s\n", q, lens, want, got);
			bad++;
		}
		free(want);
		free(got);
	}
	CHECK(bad == 0);
	char *r = rows_as(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
	    "trigram_at(t, ?2)", "\"abc\" \"dab\"", 0, "3 3");
	CHECK(listed(r, "1000", 4));
	CHECK(!listed(r, "1001", 4));	/* "abc" is not in one column */
	free(r);
	/* Lengths that do not make the query's phrases, or are not lengths. */
	static const char *wrong[] = { "3", "3 3 3", "3 x", "", "2 3",
	    "300 3", "-3 3" };
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		r = rows_as(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND "
		    "trigram_at(t, ?2)", "\"abc\" \"dab\"", 0, wrong[i]);
		if (strncmp(r, "error:", 6) != 0)
			fprintf(stderr, "lengths [%s]: %s\n", wrong[i], r);
		CHECK(strncmp(r, "error:", 6) == 0);
		free(r);
	}
	mem_free(&m);
	sqlite3_close(db);
}

/*
 * The rows that the fewer trigrams of search_some_query() find, checked
 * with search_words_in() against their texts, are the rows that the
 * covers and trigram_at() find: terms alone and together, in texts that
 * fold case in and out of ASCII (the Kelvin sign folds to "k").
 */
static char *
rows_checked(sqlite3 *db, struct mem *m, const char **terms, int n)
{
	const char *q = search_some_query(m, terms, n);
	struct search_words *sw = search_words_new(m, db, terms, n);
	sqlite3_stmt *st;
	size_t len = 0, cap = 64;
	char *out = malloc(cap);

	out[0] = '\0';
	if (q == NULL || sw == NULL) {
		snprintf(out, cap, "error: %s", q == NULL ? "no query" :
		    "no words");
		return out;
	}
	sqlite3_prepare_v2(db, "SELECT rowid, a, b FROM t WHERE t MATCH ?1 "
	    "ORDER BY rowid", -1, &st, NULL);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *texts[2] = {
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2) };
		int r = search_words_in(sw, texts, 2);
		if (r < 0) {
			snprintf(out, cap, "error: %d", -r);
			break;
		}
		/* The first text alone holds them all only if a row whose
		 * second text is empty would match. */
		const char *first[2] = { texts[0], NULL };
		if ((r <= 1) != (search_words_in(sw, first, 2) <= 2)) {
			snprintf(out, cap, "error: texts needed %d", r);
			break;
		}
		if (r > 2)
			continue;
		if (len + 24 > cap)
			out = realloc(out, cap *= 2);
		len += (size_t)snprintf(out + len, cap - len, "%lld,",
		    sqlite3_column_int64(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

static void
fewer_trigrams_checked_find_what_the_covers_find(void)
{
	static const char *alpha[] = { "a", "b", "A", "B", "c", " ", "\"",
	    "k", "K", "\xe2\x84\xaa", "\xc3\xa4", "\xc3\x84", "\xc3\x9f",
	    "\xe2\x82\xac", "ab", "abc" };
	enum { NA = sizeof(alpha) / sizeof(alpha[0]), NROWS = 400 };
	static char text[NROWS][2][80];
	sqlite3 *db = open_index();
	struct mem m = { 0 };
	int bad = 0, tried = 0, fewer = 0;

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (int r = 0; r < NROWS; r++) {
		for (int c = 0; c < 2; c++) {
			char *s = text[r][c];
			int len = (int)(rnd() % 16);
			s[0] = '\0';
			for (int i = 0; i < len; i++)
				strcat(s, alpha[rnd() % NA]);
		}
		/* Some rows all ASCII, to take the short way. */
		if (r % 3 == 0)
			for (int c = 0; c < 2; c++)
				for (char *p = text[r][c]; *p != '\0'; p++)
					if ((unsigned char)*p >= 0x80)
						*p = 'c';
		insert(db, r + 1, text[r][0], text[r][1]);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	for (int i = 0; i < 1500; i++) {
		char buf[3][64];
		const char *terms[3];
		int n = 1 + (int)(rnd() % 3), row = (int)(rnd() % NROWS);
		for (int w = 0; w < n; w++) {
			char *t = buf[w];
			t[0] = '\0';
			if (rnd() % 4 != 0) {
				/* A piece of the query's row. */
				const char *s = text[row][rnd() % 2];
				size_t len = strlen(s), from, k;
				if (len < 3)
					goto skip;
				from = rnd() % (len - 2);
				k = 3 + rnd() % (len - from - 2);
				memcpy(t, s + from, k);
				t[k] = '\0';
				if (((unsigned char)t[0] & 0xc0) == 0x80 ||
				    ((unsigned char)s[from + k] & 0xc0) == 0x80)
					goto skip;
			} else {
				for (int k = 3 + (int)(rnd() % 8); k > 0; k--)
					strcat(t, alpha[rnd() % NA]);
			}
			if (search_chars(t) < 3 ||
			    search_chars(t) > SEARCH_TERM_MAX)
				goto skip;
			terms[w] = t;
		}
		if (search_some_query(&m, terms, n) == NULL)
			continue;
		fewer++;
		const char *q = "", *lens = "";
		for (int w = 0; w < n; w++) {
			q = mem_printf(&m, "%s%s%s", q, w ? " " : "",
			    search_query(&m, terms[w]));
			lens = mem_printf(&m, "%s%s%zu", lens, w ? " " : "",
			    search_chars(terms[w]));
		}
		char *want = rows_as(db, "SELECT rowid FROM t WHERE t MATCH ?1 "
		    "AND trigram_at(t, ?2) ORDER BY rowid", q, 0, lens);
		char *got = rows_checked(db, &m, terms, n);
		tried += want[0] != '\0';
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "terms [%s] (%s): covers %s, checked "
			    "%s\n", q, lens, want, got);
			bad++;
		}
		free(want);
		free(got);
skip:		;
	}
	CHECK(fewer > 500);
	CHECK(tried > 200);
	CHECK(bad == 0);
	mem_free(&m);
	sqlite3_close(db);
}

static void
some_query_asks_for_fewer(void)
{
	struct mem m = { 0 };
	const char *one[] = { "shielded rel" }, *two[] = { "shielded", "rel" };
	const char *short1[] = { "abcdef" }, *short2[] = { "abc", "abcd" };

	CHECK(strcmp(search_some_query(&m, one, 1), "\"shi\" \"rel\"") == 0);
	CHECK(strcmp(search_some_query(&m, two, 2), "\"eld\" \"rel\"") == 0);
	/* As many as the covers: none. */
	CHECK(search_some_query(&m, short1, 1) == NULL);
	CHECK(search_some_query(&m, short2, 2) != NULL);
	const char *bad[] = { "ab", "abcdefgh" };
	CHECK(search_some_query(&m, bad, 2) == NULL);
	mem_free(&m);
}

int
main(void)
{
	RUN(chars_as_the_tokenizer_counts);
	RUN(query_covers_the_term);
	RUN(cover_finds_what_the_phrase_finds);
	RUN(at_refuses_a_length_that_does_not_fit);
	RUN(terms_together_find_what_each_finds);
	RUN(some_query_asks_for_fewer);
	RUN(fewer_trigrams_checked_find_what_the_covers_find);
	return DONE();
}
