/*
 * list: the list endpoints' shared machinery -- filters, search, ordering,
 * pagination and streaming -- as InvenTree's (Django REST framework's)
 * list views behave.
 *
 * The resource layer (res.h) describes a list with constant tables
 * (filters, orderings, search) and constant SQL, then calls list_run().
 * The SQL text sent to SQLite is only ever put together from constant
 * fragments; every value from the request is a bound parameter.  A query is
 *
 *	<select> WHERE TRUE <AND fragments...> ORDER BY <ordering> LIMIT ? OFFSET ?
 *
 * and, when paginated, the same WHERE behind <count>.  A list whose
 * rows are costly to skip can ask (list_keyed) for a page to be found on
 * ids alone first -- "<select> AND p.id IN (SELECT p.id ... LIMIT ?
 * OFFSET ?) ORDER BY ..." -- so a deep offset walks an index, not rows;
 * a searched page of such a list runs the search once (the page's ids and
 * the number of matches from one statement with a window count, then the
 * rows by id).
 *
 * A count that is kept up to date elsewhere (a tally, res.h) replaces the
 * count statement when every fragment of the WHERE is a filter it stands
 * for: each filter that could be tallied notes itself (list_note()) just
 * after its list_where(), so a WHERE with any other fragment (a search, a
 * scope, a filter nobody tallies) has more fragments than notes and is
 * counted row by row, exactly, as before.
 *
 * Without ?limit the answer is a bare JSON array, streamed row by row so
 * that memory stays bounded however long the list; with ?limit (and
 * ?offset) it is {"count", "next", "previous", "results"} with absolute
 * next/previous URLs.  Unknown ?ordering fields are ignored, as DRF does.
 *
 * Row renderers write each row's JSON text straight into the page (or the
 * streamed chunk): no tree of the page, nor of a row, is built.  They must
 * not allocate from the request arena (a streamed list of 100,000 rows
 * would grow it).
 */
#ifndef SR_LIST_H
#define SR_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "page.h"
#include "stmt.h"

struct cJSON;
struct ctx;
struct err;
struct mem_buf;

#define LIST_BINDS_MAX		96

struct list_order {
	const char	*name;		/* ?ordering=name or -name */
	const char	*asc;		/* ORDER BY fragment, ascending */
	const char	*desc;		/* and descending */
	const char	*join;		/* the join it needs (list_q's join),
					   or NULL */
	bool		 walk;		/* an index walks it (res_order's) */
};

/*
 * Search: for a term of 3 characters or more, fts is added with, for each
 * of its first fts_phrases pairs of '?', search_query()'s text and the
 * term's length (for "X_fts MATCH ? AND trigram_at(X_fts, ?)", search.h),
 * and the LIKE pattern ("%term%", escaped with '\') to the fts_likes
 * after; for shorter terms (which a trigram index cannot serve) short_sql
 * with short_likes patterns.
 */
struct list_search {
	const char	*fts;
	int		 fts_phrases;
	int		 fts_likes;
	const char	*short_sql;
	int		 short_likes;
	const char	*order;		/* default ordering while searching, or
					   NULL to keep the list's */
	/*
	 * PostgreSQL has no FTS5 tables: there a word of three characters
	 * or more takes this condition instead of fts when fts has phrases
	 * (the same columns as LIKEs, which its pg_trgm indexes serve), or
	 * short_sql when this is NULL.
	 */
	const char	*like_sql;
	int		 like_likes;
	/*
	 * SQLite, several words: when every word has three characters or
	 * more and, for each, other_sql (?1 bound to the word's LIKE
	 * pattern and, if it has them, ?2 and ?3 to its search_query() text
	 * and length) finds no row -- the word cannot match outside the
	 * index fts_all reads -- the
	 * words are looked up together, with this one condition bound to
	 * their search_query() texts joined and their lengths (search.h):
	 * one walk of the index that intersects the words' lists, not one a
	 * word.  NULL: a word at a time, always.
	 */
	const char	*fts_all;
	const char	*other_sql;
	/*
	 * The same on PostgreSQL: when every word has three characters or
	 * more and pg_other_sql (?1 the word's LIKE pattern) finds no row
	 * for any, the condition like_all, whose %s takes like_word once a
	 * word (like_word_likes patterns each): one lookup for all words
	 * (the stock search: the items of the parts that have them all).
	 */
	const char	*like_all;
	const char	*like_word;
	int		 like_word_likes;
	const char	*pg_other_sql;
	/*
	 * SQLite, other_sql's test as names read in one pass (their LIKE
	 * done here): "SELECT name FROM t".  NULL: none.
	 */
	const char	*other_names;
	/*
	 * SQLite, the words looked up together (fts_all's case) in two steps
	 * when fts_rows is set: the ids of the matching rows of the index
	 * first, then fts_in, whose ? takes them as a JSON array.
	 *   fts_rows: the ids, ?1 bound to the words' search_query() texts
	 *     joined and ?2 to their lengths (as for fts_all);
	 *   fts_text: or the ids that ?1, search_some_query()'s fewer
	 *     trigrams, finds, each followed by the texts the index holds
	 *     for it, of which the first fts_texts are checked with
	 *     search_words_in() (search.h), while few rows come out
	 *     (LIST_CHECK_MAX; past it, fts_rows).  The rows it reads are
	 *     kept for the request: another list with the same fts_text and
	 *     words takes them (POST /api/search/);
	 *   fts_has, walk_order: a keyed list ordered by walk_order, which
	 *     an index serves, with many matches and no other condition, is
	 *     paged by walking that index with fts_has (? the ids as a
	 *     struct search_ids) instead of sorting every match, and counted
	 *     as the index's matches (every row of the index is one of the
	 *     list's).
	 */
	const char	*fts_rows;
	const char	*fts_text;
	int		 fts_texts;	/* of fts_text's texts, those checked
					   (0: all) */
	const char	*fts_in;
	/* a keyed list's ids statement (list_keyed()) driven by the matches:
	 * "SELECT x.id FROM json_each(?) fts CROSS JOIN t x ON x.id =
	 * fts.value WHERE TRUE" (fts_in asks SQLite for a temporary index of
	 * them first, 1.6 k instructions a match) */
	const char	*fts_keyed;
	const char	*fts_has;
	const char	*walk_order;
	/* or, fewer matches, each one's key for walk_order, the page taken
	 * in C: "SELECT x.id, x.name FROM json_each(?) fts CROSS JOIN t x ON
	 * x.id = fts.value" (keys all text, ordered as SQLite's BINARY
	 * collation orders them, or all integers; then the id; no second
	 * column: the id is the key) */
	const char	*walk_keys;
	/*
	 * With the matches found first, a keyed page is counted and paged
	 * by two statements (the count reads an index, the page sorts with
	 * LIMIT) rather than by reading every match's id in order: cheaper
	 * where the order needs no row read (the stock search: 1,890 items
	 * by id, 5.1 M instructions in one pass, 3.7 M in two).
	 */
	bool		 count_apart;
};

enum list_bind_type { LIST_B_INT, LIST_B_TEXT, LIST_B_REAL, LIST_B_IDS,
	LIST_B_IDS_JSON };

struct search_ids;

struct list_bind {
	enum list_bind_type	 type;
	long long		 i;
	const char		*s;
	double			 d;
	struct search_ids	*ids;		/* SQLite: a pointer (search.h),
						   or as a JSON array into s */
};

/*
 * A filter as a maintained count may stand for it (list_note()): its
 * query parameter, how it was applied -- "=" or "<" (the subtree below)
 * with the bound value v, or a fixed "=1", "=0", "=null" -- and so the key
 * "name" op of a struct res_tally (res.h).
 */
#define LIST_NOTES_MAX		8

struct list_note {
	const char		*name;
	const char		*op;
	long long		 v;
	size_t			 at, len;	/* its fragment in the WHERE */
};

struct list_q {
	struct ctx		*ctx;
	char			*where;		/* arena; fragments only */
	size_t			 wlen, wcap;
	size_t			 nwhere;	/* list_where() calls */
	size_t			 last_at;	/* where the last one began */
	struct list_note	 notes[LIST_NOTES_MAX];
	size_t			 nnotes;	/* each follows one list_where() */
	long long		 total;		/* the count, when known: */
	bool			 total_known;	/* list_run() does not count */
	struct list_bind	 binds[LIST_BINDS_MAX];
	size_t			 nbinds;
	const char		*order;		/* constant fragment */
	bool			 order_walks;	/* the default order, or one
						   whose walk is true */
	/* A join the order needs (" LEFT JOIN ... ON ..."), on a unique key
	 * so that it changes no count; put before the " WHERE TRUE" of the
	 * rows' and ids' statements (list_from()); NULL: none. */
	const char		*join;
	const char		*ids;		/* see list_keyed() */
	const char		*key;
	bool			 searching;	/* ?search= given */
	struct page		 page;		/* ?limit, ?offset */
	/* See list_count_alone(): NULL, or the count of one fragment. */
	const char		*count_alone;
	size_t			 count_alone_binds;
	/* A search whose matches were found first (list_search's fts_rows):
	 * its fragment in the WHERE, its one parameter, the ids. */
	const struct list_search *fts;
	size_t			 fts_at, fts_len, fts_bind;
	struct search_ids	*fts_ids;
};

/* Appends the row's JSON text to t (see json.h's json_buf_*). */
typedef void (*list_row_fn)(struct ctx *, db_stmt *, void *,
    struct mem_buf *t);

void	 list_init(struct list_q *, struct ctx *, const char *default_order);
void	 list_where(struct list_q *, const char *fragment);
void	 list_where_each(struct list_q *, const char *fragment,
	    const long long *iv, const char *sv);
void	 list_keyed(struct list_q *, const char *ids, const char *key);
void	 list_note(struct list_q *, const char *name, const char *op,
	    long long v);
bool	 list_noted(const struct list_q *);
size_t	 list_note_key(const struct list_q *, char *key, size_t keysz,
	    long long *v, size_t nv);
void	 list_note_replace(struct list_q *, size_t note, const char *frag);
void	 list_count_alone(struct list_q *, const char *count_sql);
void	 list_bind_int(struct list_q *, long long);
void	 list_bind_text(struct list_q *, const char *);
void	 list_bind_double(struct list_q *, double);
struct err *list_search(struct list_q *, const struct list_search *);
const char *list_like(struct ctx *, const char *term);
bool	 list_ordering(struct list_q *, const struct list_order *, size_t n);
const char *list_from(struct list_q *, const char *sql);
struct err *list_page(struct list_q *);
struct err *list_run(struct list_q *, const char *select, const char *count,
	    list_row_fn, void *);
struct err *list_flag(struct ctx *, const char *name, bool def, bool *out);
int	 list_bind_all(struct list_q *, db_stmt *, int first);

#endif
