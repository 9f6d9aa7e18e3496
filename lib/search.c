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
 * The characters of a term of n characters (3 to SEARCH_TERM_MAX): at[i]
 * where character i starts, at[n] its end.
 */
static void
search_at_chars(const char *term, int n, const char **at)
{
	int i = 0;

	for (const char *s = term; i < n; s += search_char_len(s))
		at[i++] = s;
	at[n] = term + strlen(term);
}

/* Appends phrase k (search_offset()) of a term split by at to o, quoted
 * ('"' doubled); returns the end. */
static char *
search_put_phrase(char *o, const char **at, int k, int n)
{
	int off = search_offset(k, n);

	*o++ = '"';
	for (const char *s = at[off]; s < at[off + 3]; s++) {
		if (*s == '"')
			*o++ = '"';
		*o++ = *s;
	}
	*o++ = '"';
	return o;
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

	if (n < 3 || n > SEARCH_TERM_MAX)
		return NULL;
	search_at_chars(term, n, at);
	/* Each byte at most twice, and three bytes around each phrase. */
	o = q = mem_alloc(mem, 2 * strlen(term) + 3 * SEARCH_PHRASES_MAX + 1);
	for (int k = 0; ; k++) {
		if (k > 0)
			*o++ = ' ';
		o = search_put_phrase(o, at, k, n);
		if (search_offset(k, n) == n - 3)
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
 * An FTS5 query that finds every row having the n terms (each of 3 to
 * SEARCH_TERM_MAX characters) and asks for fewer trigrams than their
 * search_query() texts together: the middle phrase of each term's cover,
 * or for a single term its first and last (the furthest apart: the
 * likeliest not to come together by chance).  The rows found must then
 * be checked (search_words_in()).  NULL when it would ask for as many
 * trigrams as the covers (then their query and trigram_at() cost less),
 * or a term is too short or too long.  In mem's arena.
 */
const char *
search_some_query(struct mem *mem, const char **terms, int n)
{
	const char *at[SEARCH_TERM_MAX + 1];
	size_t bytes = 1;
	int asked = 0, all = 0;
	char *q, *o;

	if (n < 1 || n > SEARCH_WORDS_MAX)
		return NULL;
	for (int w = 0; w < n; w++) {
		int c = (int)search_chars(terms[w]);
		if (c < 3 || c > SEARCH_TERM_MAX)
			return NULL;
		all += search_phrases(c);
		asked += n == 1 && search_phrases(c) > 1 ? 2 : 1;
		bytes += 2 * strlen(terms[w]) + 8;
	}
	if (asked >= all)
		return NULL;
	o = q = mem_alloc(mem, bytes);
	for (int w = 0; w < n; w++) {
		int c = (int)search_chars(terms[w]), np = search_phrases(c);
		search_at_chars(terms[w], c, at);
		if (w > 0)
			*o++ = ' ';
		if (n > 1) {
			o = search_put_phrase(o, at, np / 2, c);
			continue;
		}
		o = search_put_phrase(o, at, 0, c);
		if (np > 1) {
			*o++ = ' ';
			o = search_put_phrase(o, at, np - 1, c);
		}
	}
	*o = '\0';
	return q;
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
/* trigram_at()'s second argument, parsed: kept with the query (FTS5's
 * auxiliary data), for as long as it is the same. */
struct search_lens {
	char	arg[4 * SEARCH_WORDS_MAX + 1];	/* as given; "" for an int */
	int	iarg;
	int	nw, len[SEARCH_WORDS_MAX];
};

/* Parses trigram_at()'s lengths into l (l->nw 0: not lengths). */
static void
search_lens_parse(struct search_lens *l, sqlite3_value *v)
{
	l->nw = 0;
	l->arg[0] = '\0';
	if (sqlite3_value_type(v) == SQLITE_TEXT) {
		const char *s = (const char *)sqlite3_value_text(v);
		char *end;

		if (s != NULL && strlen(s) < sizeof(l->arg))
			strcpy(l->arg, s);
		while (s != NULL && *s != '\0' && l->nw < SEARCH_WORDS_MAX) {
			long n = strtol(s, &end, 10);
			if (end == s || n < 3 || n > SEARCH_TERM_MAX)
				break;
			l->len[l->nw++] = (int)n;
			s = end + strspn(end, " ");
		}
		if (s == NULL || *s != '\0')
			l->nw = 0;
		if (l->arg[0] == '\0')
			l->nw = -l->nw;		/* too long to keep */
		return;
	}
	l->iarg = sqlite3_value_int(v);
	l->len[0] = l->iarg;
	l->nw = l->iarg >= 3 && l->iarg <= SEARCH_TERM_MAX;
}

static void
search_at(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *sc,
    int argc, sqlite3_value **argv)
{
	int np = api->xPhraseCount(fc), total = 0;
	struct search_lens *l = NULL, one;

	if (argc == 1) {
		bool text = sqlite3_value_type(argv[0]) == SQLITE_TEXT;
		const char *s = text ? (const char *)sqlite3_value_text(argv[0])
		    : NULL;
		l = api->xGetAuxdata(fc, 0);
		if (l != NULL && (text ? s == NULL || l->arg[0] == '\0' ||
		    strcmp(l->arg, s) != 0 : l->arg[0] != '\0' ||
		    l->iarg != sqlite3_value_int(argv[0])))
			l = NULL;		/* another argument */
		if (l == NULL) {
			search_lens_parse(&one, argv[0]);
			l = &one;
			struct search_lens *keep;
			if (one.nw > 0 && (text ? one.arg[0] != '\0' : true) &&
			    (keep = sqlite3_malloc(sizeof(*keep))) != NULL) {
				*keep = one;
				if (api->xSetAuxdata(fc, keep, sqlite3_free) ==
				    SQLITE_OK)
					l = api->xGetAuxdata(fc, 0);
				if (l == NULL)
					l = &one;
			}
			if (l->nw < 0)
				l->nw = -l->nw;
		}
	}
	for (int w = 0; l != NULL && w < l->nw; w++)
		total += search_phrases(l->len[w]);
	if (l == NULL || l->nw == 0 || total != np) {
		sqlite3_result_error(sc, "trigram_at: the query is not "
		    "search_query()'s for terms of those lengths", -1);
		return;
	}
	for (int w = 0, first = 0; w < l->nw;
	    first += search_phrases(l->len[w++])) {
		int r = search_word_at(api, fc, first,
		    search_phrases(l->len[w]), l->len[w]);
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

/* ---- the rows' own text (search_words_in()) ------------------------ */

/*
 * A token of the trigram tokenizer: three characters, case folded, as
 * UTF-8 (at most 4 bytes each), zero-padded so that two compare whole.
 */
struct search_token {
	unsigned char	len;
	char		s[15];
};

struct search_tokens {
	struct search_token	*v;
	size_t			 n, cap;
};

struct search_word {
	const char		*fold;		/* the term case folded */
	size_t			 len;
	bool			 ascii;		/* fold has no byte >= 0x80 */
	bool			 tokenized;
	struct search_tokens	 toks;
};

struct search_words {
	sqlite3			*db;
	int			 n;
	struct search_word	 w[SEARCH_WORDS_MAX];
	/* the trigram tokenizer, made when a term or a text is not ASCII */
	fts5_tokenizer		 tk;
	Fts5Tokenizer		*tok;
	int			 tok_rc;
	struct search_tokens	 text[SEARCH_TEXTS_MAX];
};

/* The connection's FTS5 API, or NULL. */
static fts5_api *
search_fts5(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	if (sqlite3_finalize(st) != SQLITE_OK || api == NULL ||
	    api->iVersion < 2)
		return NULL;
	return api;
}

static int
search_token_add(void *arg, int flags, const char *tok, int n, int start,
    int end)
{
	struct search_tokens *ts = arg;

	(void)flags;
	(void)start;
	(void)end;
	if (n < 0 || n >= (int)sizeof(ts->v->s))
		return SQLITE_ERROR;	/* not a trigram of UTF-8 */
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? 2 * ts->cap : 64;
		struct search_token *v = realloc(ts->v, cap * sizeof(*v));
		if (v == NULL)
			return SQLITE_NOMEM;
		ts->v = v;
		ts->cap = cap;
	}
	struct search_token *t = &ts->v[ts->n++];
	memset(t, 0, sizeof(*t));
	t->len = (unsigned char)n;
	memcpy(t->s, tok, (size_t)n);
	return SQLITE_OK;
}

/* The tokens of text (up to its NUL) into ts, as the index makes them. */
static int
search_tokenize(struct search_words *sw, const char *text,
    struct search_tokens *ts)
{
	if (sw->tok == NULL && sw->tok_rc == SQLITE_OK) {
		fts5_api *api = search_fts5(sw->db);
		void *ud = NULL;
		sw->tok_rc = api == NULL ? SQLITE_ERROR :
		    api->xFindTokenizer(api, "trigram", &ud, &sw->tk);
		if (sw->tok_rc == SQLITE_OK)
			sw->tok_rc = sw->tk.xCreate(ud, NULL, 0, &sw->tok);
	}
	if (sw->tok == NULL)
		return sw->tok_rc != SQLITE_OK ? sw->tok_rc : SQLITE_ERROR;
	ts->n = 0;
	return sw->tk.xTokenize(sw->tok, ts, FTS5_TOKENIZE_DOCUMENT, text,
	    (int)strlen(text), search_token_add);
}

static void
search_words_free(void *arg)
{
	struct search_words *sw = arg;

	if (sw->tok != NULL)
		sw->tk.xDelete(sw->tok);
	for (int i = 0; i < sw->n; i++)
		free(sw->w[i].toks.v);
	for (int i = 0; i < SEARCH_TEXTS_MAX; i++)
		free(sw->text[i].v);
}

/* Is s (to its NUL) ASCII?  Its length into *len. */
static bool
search_is_ascii(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char any = 0;

	for (; *p != '\0'; p++)
		any |= *p;
	*len = (size_t)(p - (const unsigned char *)s);
	return any < 0x80;
}

static char
search_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/*
 * The term's tokens, made once (an ASCII term's only when a text that is
 * not ASCII needs them: from its fold, which folds to itself).
 */
static int
search_word_tokens(struct search_words *sw, struct search_word *w,
    const char *term)
{
	int rc;

	if (w->tokenized)
		return SQLITE_OK;
	if ((rc = search_tokenize(sw, term, &w->toks)) != SQLITE_OK)
		return rc;
	w->tokenized = true;
	return SQLITE_OK;
}

/*
 * The terms (n, each of 3 to SEARCH_TERM_MAX characters) to look for in
 * texts with search_words_in(), on db's connection (whose trigram
 * tokenizer folds them where they are not ASCII).  NULL when a term is
 * of another length or cannot be tokenized.  In mem's arena; its
 * tokenizer is freed with it.
 */
struct search_words *
search_words_new(struct mem *mem, sqlite3 *db, const char **terms, int n)
{
	struct search_words *sw;

	if (n < 1 || n > SEARCH_WORDS_MAX)
		return NULL;
	sw = mem_zalloc(mem, sizeof(*sw));
	sw->db = db;
	mem_defer(mem, search_words_free, sw);
	for (int i = 0; i < n; i++) {
		struct search_word *w = &sw->w[i];
		size_t len, chars = search_chars(terms[i]);
		if (chars < 3 || chars > SEARCH_TERM_MAX)
			return NULL;
		sw->n = i + 1;
		/* The fold of an ASCII term is its letters made lower case
		 * (the tokenizer folds ASCII no other way); another's is read
		 * from its tokens: the first, then the last character of each
		 * next one. */
		if (search_is_ascii(terms[i], &len)) {
			char *f = mem_alloc(mem, len + 1);
			for (size_t k = 0; k <= len; k++)
				f[k] = search_lower(terms[i][k]);
			w->fold = f;
			w->len = len;
			w->ascii = true;
			continue;
		}
		if (search_word_tokens(sw, w, terms[i]) != SQLITE_OK ||
		    w->toks.n != chars - 2)
			return NULL;
		/* Its fold, from its tokens. */
		char *f = mem_alloc(mem, 12 * chars + 1), *o = f;
		for (size_t k = 0; k < w->toks.n; k++) {
			const struct search_token *t = &w->toks.v[k];
			size_t from = 0;
			if (k > 0) {
				from = t->len;
				while (from > 0 &&
				    ((unsigned char)t->s[from - 1] & 0xc0) ==
				    0x80)
					from--;
				if (from > 0)
					from--;
			}
			memcpy(o, t->s + from, t->len - from);
			o += t->len - from;
		}
		*o = '\0';
		w->fold = f;
		w->ascii = search_is_ascii(f, &w->len);
	}
	return sw;
}

/* Does the ASCII text t (tl bytes) have the folded ASCII term f? */
static bool
search_ascii_has(const char *t, size_t tl, const char *f, size_t fl)
{
	if (fl > tl)
		return false;
	for (size_t i = 0; i + fl <= tl; i++) {
		if (search_lower(t[i]) != f[0])
			continue;
		size_t k = 1;
		while (k < fl && search_lower(t[i + k]) == f[k])
			k++;
		if (k == fl)
			return true;
	}
	return false;
}

/* Do the tokens of a text have the term's, in a row? */
static bool
search_tokens_have(const struct search_tokens *t,
    const struct search_tokens *w)
{
	if (w->n == 0 || w->n > t->n)
		return false;
	for (size_t p = 0; p + w->n <= t->n; p++) {
		size_t k = 0;
		while (k < w->n && memcmp(&t->v[p + k], &w->v[k],
		    sizeof(*w->v)) == 0)
			k++;
		if (k == w->n)
			return true;
	}
	return false;
}

/*
 * Which of the n texts (NULL: none) hold sw's terms, as trigram_at()
 * would find each in a row of the index holding those texts in its
 * columns: the term's characters, case folded as the trigram tokenizer
 * folds them, one after the other in one text?  Returns how many texts,
 * from the first, it takes: the least k such that each term is in one of
 * texts[0..k) (so each term is in one of the first m texts exactly when
 * k <= m), n + 1 when a term is in none, or an SQLite error code
 * negated.  The terms are search_words_new()'s (kept there only as their
 * folds and tokens).
 */
int
search_words_in(struct search_words *sw, const char **texts, int n)
{
	size_t len[SEARCH_TEXTS_MAX];
	bool ascii[SEARCH_TEXTS_MAX], tokenized[SEARCH_TEXTS_MAX];

	if (n > SEARCH_TEXTS_MAX)
		return -SQLITE_ERROR;
	for (int i = 0; i < n; i++) {
		tokenized[i] = false;
		ascii[i] = texts[i] == NULL || search_is_ascii(texts[i],
		    &len[i]);
	}
	int need = 0;
	for (int k = 0; k < sw->n; k++) {
		struct search_word *w = &sw->w[k];
		bool found = false;
		int i;
		for (i = 0; i < n && !found; i++) {
			int rc;
			if (texts[i] == NULL)
				continue;
			if (ascii[i]) {
				/* A term that folds to other than ASCII is
				 * not in a text that is. */
				found = w->ascii && search_ascii_has(texts[i],
				    len[i], w->fold, w->len);
				continue;
			}
			if (!tokenized[i]) {
				rc = search_tokenize(sw, texts[i],
				    &sw->text[i]);
				if (rc != SQLITE_OK)
					return -rc;
				tokenized[i] = true;
			}
			if ((rc = search_word_tokens(sw, w, w->fold)) !=
			    SQLITE_OK)
				return -rc;
			found = search_tokens_have(&sw->text[i], &w->toks);
		}
		if (!found)
			return n + 1;
		if (i > need)
			need = i;	/* i: one past the text that has it */
	}
	return need;
}

/* search_has(ids, id): is id in the struct search_ids bound as ids? */
static void
search_has(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	const struct search_ids *ids = sqlite3_value_pointer(argv[0],
	    SEARCH_IDS_POINTER);
	long long id = sqlite3_value_int64(argv[1]);
	size_t lo = 0, hi;

	(void)argc;
	if (ids == NULL) {
		sqlite3_result_error(sc, "search_has: no ids", -1);
		return;
	}
	hi = ids->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids->v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_result_int(sc, lo < ids->n && ids->v[lo] == id);
}

/* Adds trigram_at(), regexp() and search_has() to db.  Returns an SQLite
 * result code. */
int
search_register(sqlite3 *db)
{
	fts5_api *api = search_fts5(db);
	int rc;

	if (api == NULL)
		return SQLITE_ERROR;
	rc = api->xCreateFunction(api, "trigram_at", NULL, search_at, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 |
		    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
		    search_regexp, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "search_has", 2, SQLITE_UTF8 |
		    SQLITE_DIRECTONLY, NULL, search_has, NULL, NULL);
	return rc;
}
