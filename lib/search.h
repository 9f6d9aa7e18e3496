/*
 * search: substring search through an FTS5 trigram index.
 *
 * A term of n >= 3 characters occurs in a column exactly when each of its
 * n - 2 trigrams occurs there at its distance from the first: the FTS5
 * phrase of the whole term.  The trigrams at offsets 0, 3, 6, ... and n - 3
 * already cover every character, so search_query() asks the index for
 * those alone, as separate phrases (fewer lists to walk, and the common
 * trigrams a phrase must also walk are often among those left out), and
 * the auxiliary function trigram_at(table, n) that search_register() adds
 * to a connection then checks, with the positions the index holds for the
 * row, that they line up in one column.  Both sides go through the same
 * tokenizer, so the case folding is the index's own, as for a phrase:
 *
 *	... WHERE part_fts MATCH ?1 AND trigram_at(part_fts, ?2)
 *
 * with ?1 search_query()'s text and ?2 the term's length in characters.
 * Several terms that must all match go into one query: their
 * search_query() texts joined by spaces as ?1 (FTS5 intersects the lists
 * of all their phrases) and their lengths as a text, "8 3", as ?2
 * (trigram_at() then checks each term in turn, each in any column).
 *
 * Walking a trigram's list costs about the same for every row in it, and
 * the lists of a long word's trigrams are mostly the same rows: searching
 * "shielded rel" walks four lists of 6,334, 6,334, 6,401 and 2,793 rows
 * to find 189.  search_some_query() asks for fewer of them (one trigram a
 * word, or the first and last of a single word: "shi" and "rel", 189
 * rows), and search_words_in() then checks each row found against the
 * text the index holds for it, folding case as the index does, so that
 * the rows kept are exactly those trigram_at() keeps.  Reading a row's
 * text costs more than trigram_at()'s look at its positions, so this pays
 * only while few rows come out (list.c gives up on it past a bound).
 *
 * search_has(?, id), added to each connection too, is true when id is in
 * the struct search_ids bound to ? with search_bind_ids(): a set of ids
 * found beforehand, tested while SQLite walks an index in another order.
 */
#ifndef SR_SEARCH_H
#define SR_SEARCH_H

#include <regex.h>
#include <stddef.h>

#include <sqlite3.h>

struct mem;

/* Terms are at most this many bytes (the list layer refuses longer). */
#define SEARCH_TERM_MAX	200
/* Terms one trigram_at() checks at most (its text form, search.c). */
#define SEARCH_WORDS_MAX	16
/* Texts search_words_in() looks in at once, at most. */
#define SEARCH_TEXTS_MAX	8

/*
 * InvenTree's search_regex: "column REGEXP ?" with a POSIX extended
 * regular expression, case ignored (regexp() is added to each connection
 * by search_register(); PostgreSQL's ~* on the other engine).
 */
#define SEARCH_REGEX_MAX	512	/* a term (200) escaped, as a whole word */
#define SEARCH_REGEX_FLAGS	(REG_EXTENDED | REG_ICASE | REG_NOSUB)

/* Ids in ascending order (as FTS5 gives rowids). */
struct search_ids {
	long long	*v;
	size_t		 n;
};

#define SEARCH_IDS_POINTER	"stockroom_search_ids"

struct search_words;

int	 search_register(sqlite3 *);
int	 search_regex_check(const char *pattern, char *why, size_t n);
size_t	 search_chars(const char *term);
const char *search_query(struct mem *, const char *term);
const char *search_some_query(struct mem *, const char **terms, int n);
struct search_words *search_words_new(struct mem *, sqlite3 *,
	    const char **terms, int n);
int	 search_words_in(struct search_words *, const char **texts, int n);

#endif
