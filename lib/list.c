/*
 * list: filters, search, ordering, pagination, streaming.  See list.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "search.h"
#include "text.h"

#define LIST_TEXT_MAX	SEARCH_TERM_MAX
#define LIST_SEARCH_WORDS	10	/* words of one search term */
/*
 * Rows of fts_text (list.h) checked at most before fts_rows is asked
 * instead.  Reading and checking a row's text costs about twice what
 * trigram_at() costs a row; the trigrams fts_text leaves out are worth
 * more than that while few rows come out (the benchmark's "shielded rel":
 * 189 rows, 5.3 M instructions to find and sort them through fts_rows,
 * 3.5 M through fts_text).  Past the bound the rows read are wasted:
 * about 1 M instructions.
 */
#define LIST_CHECK_MAX	300
/*
 * A keyed page of n matches among the list's rows is found by walking
 * the ordering's index (list.h: walk_order) when n * this >= rows.  The
 * walk stops at the page's last match, but where the matches lie in the
 * index's order is not known: all of them may come last (a word that
 * begins every name it is in: "shielded" begins 6,334 names of the
 * benchmark's 100,000, which sort three quarters of the way down).  A
 * walk costs about 630 instructions an entry, sorting about 4,400 a
 * match (its row read for the sort key, the sort): with a seventh of the
 * rows matching, the longest walk costs what the sort does, and a usual
 * one far less.
 */
#define LIST_WALK_RATIO	7

static const char *list_ids_json(struct ctx *, const struct search_ids *);

/* Starts an empty query ordered by default_order (a constant fragment). */
void
list_init(struct list_q *q, struct ctx *ctx, const char *default_order)
{
	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	q->order = default_order;
	q->order_walks = true;
	q->wcap = 256;
	q->where = mem_alloc(&ctx->mem, q->wcap);
	q->where[0] = '\0';
}

/* Appends a constant SQL fragment (" AND ...") to the WHERE clause. */
void
list_where(struct list_q *q, const char *frag)
{
	size_t n = strlen(frag);

	if (q->wlen + n + 1 > q->wcap) {
		size_t cap = (q->wlen + n + 1) * 2;
		char *w = mem_alloc(&q->ctx->mem, cap);
		memcpy(w, q->where, q->wlen + 1);
		q->where = w;
		q->wcap = cap;
	}
	memcpy(q->where + q->wlen, frag, n + 1);
	q->last_at = q->wlen;
	q->wlen += n;
	q->nwhere++;
}

/*
 * The fragment just added is filter name applied as op ("=" or "<" with
 * the value v; "=1", "=0", "=null" without), which a maintained count may
 * stand for (list.h).
 */
void
list_note(struct list_q *q, const char *name, const char *op, long long v)
{
	if (q->nnotes >= LIST_NOTES_MAX)
		return;			/* more filters than a tally has */
	q->notes[q->nnotes].name = name;
	q->notes[q->nnotes].op = op;
	q->notes[q->nnotes].v = v;
	q->notes[q->nnotes].at = q->last_at;
	q->notes[q->nnotes].len = q->wlen - q->last_at;
	q->nnotes++;
}

/*
 * Replaces the fragment of note i by frag, which must take the same
 * parameters in the same order (the same filter, planned differently:
 * res_tally()).
 */
void
list_note_replace(struct list_q *q, size_t i, const char *frag)
{
	struct list_note *nt = &q->notes[i];
	size_t n = strlen(frag), rest = q->wlen - nt->at - nt->len;
	char *w = mem_alloc(&q->ctx->mem, q->wlen - nt->len + n + 1);

	memcpy(w, q->where, nt->at);
	memcpy(w + nt->at, frag, n);
	memcpy(w + nt->at + n, q->where + nt->at + nt->len, rest + 1);
	for (size_t k = 0; k < q->nnotes; k++)
		if (q->notes[k].at > nt->at)
			q->notes[k].at = q->notes[k].at - nt->len + n;
	if (q->fts != NULL && q->fts_at > nt->at)
		q->fts_at = q->fts_at - nt->len + n;
	q->wlen = q->wlen - nt->len + n;
	q->wcap = q->wlen + 1;
	q->where = w;
	nt->len = n;
}

/*
 * The fragment just added, when it turns out to be the only one, is
 * counted by count_sql instead of the list's count: a statement that
 * takes the parameters bound so far, in the same order, and counts the
 * rows the fragment alone keeps without reading the listed table (a
 * filter's "id IN (subquery)" whose subquery names each row once).
 */
void
list_count_alone(struct list_q *q, const char *count_sql)
{
	if (q->nwhere != 1)
		return;
	q->count_alone = count_sql;
	q->count_alone_binds = q->nbinds;
}

/* Is every fragment of the WHERE a noted filter? */
bool
list_noted(const struct list_q *q)
{
	return q->nwhere == q->nnotes;
}

/*
 * The noted filters as a tally's key: "name op" by name, joined by ","
 * ("in_stock=1,location<"), into key; the values of the "=" and "<" ones
 * in the same order into v.  Returns how many values, or (size_t)-1 when
 * the key or the values do not fit.
 */
size_t
list_note_key(const struct list_q *q, char *key, size_t keysz, long long *v,
    size_t nv)
{
	const struct list_note *by[LIST_NOTES_MAX];
	size_t n = q->nnotes, len = 0, nb = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k > 0 && strcmp(by[k - 1]->name, q->notes[i].name) > 0) {
			by[k] = by[k - 1];
			k--;
		}
		by[k] = &q->notes[i];
	}
	key[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(key + len, keysz - len, "%s%s%s",
		    i > 0 ? "," : "", by[i]->name, by[i]->op);
		if (w < 0 || (size_t)w >= keysz - len)
			return (size_t)-1;
		len += (size_t)w;
		if (strcmp(by[i]->op, "=") == 0 || strcmp(by[i]->op, "<") == 0) {
			if (nb >= nv)
				return (size_t)-1;
			v[nb++] = by[i]->v;
		}
	}
	return nb;
}

static struct list_bind *
list_bind_slot(struct list_q *q)
{
	if (q->nbinds >= LIST_BINDS_MAX) {
		/* A programming error: the tables are constant. */
		log_msg(q->ctx, LOG_ERROR, "list: too many parameters");
		abort();
	}
	return &q->binds[q->nbinds++];
}

void
list_bind_int(struct list_q *q, long long v)
{
	struct list_bind *b = list_bind_slot(q);

	b->type = LIST_B_INT;
	b->i = v;
}

void
list_bind_double(struct list_q *q, double v)
{
	struct list_bind *b = list_bind_slot(q);

	b->type = LIST_B_REAL;
	b->d = v;
}

/* A set of ids for search_has() (SQLite only). */
static void
list_bind_ids(struct list_q *q, struct search_ids *ids)
{
	struct list_bind *b = list_bind_slot(q);

	b->type = LIST_B_IDS;
	b->ids = ids;
}

/* s must live as long as the request (query values and arena strings do). */
void
list_bind_text(struct list_q *q, const char *s)
{
	struct list_bind *b = list_bind_slot(q);

	b->type = LIST_B_TEXT;
	b->s = s;
}

/* Appends frag, binding value (int or text) to each of its '?'. */
void
list_where_each(struct list_q *q, const char *frag, const long long *iv,
    const char *sv)
{
	list_where(q, frag);
	for (const char *p = frag; (p = strchr(p, '?')) != NULL; p++) {
		if (iv != NULL)
			list_bind_int(q, *iv);
		else
			list_bind_text(q, sv);
	}
}

/*
 * A LIKE pattern matching term anywhere: "%term%" with %, _ and \ escaped
 * by '\' (for "LIKE ? ESCAPE '\'").  In the request's arena.
 */
const char *
list_like(struct ctx *ctx, const char *term)
{
	char *like = mem_alloc(&ctx->mem, 2 * strlen(term) + 3), *l = like;

	*l++ = '%';
	for (const char *t = term; *t != '\0'; t++) {
		if (*t == '%' || *t == '_' || *t == '\\')
			*l++ = '\\';
		*l++ = *t;
	}
	*l++ = '%';
	*l = '\0';
	return like;
}

/*
 * The words of a search term, as Django REST framework's SearchFilter
 * cuts them: at spaces and commas, a "double-quoted phrase" being one
 * word.  Returns how many (at most max, else -1); in the request's arena.
 */
static int
list_words(struct ctx *ctx, const char *term, const char **words, int max)
{
	int n = 0;

	for (const char *t = term; *t != '\0';) {
		size_t len;

		t += strspn(t, " \t,");
		if (*t == '\0')
			break;
		if (*t == '"' && strchr(t + 1, '"') != NULL) {
			t++;
			len = (size_t)(strchr(t, '"') - t);
		} else
			len = strcspn(t, " \t,");
		if (len > 0) {
			if (n == max)
				return -1;
			words[n++] = mem_strndup(&ctx->mem, t, len);
		}
		t += len;
		if (*t == '"')
			t++;
	}
	return n;
}

/* Is c ASCII? (the bytes of a UTF-8 text under 0x80) */
static bool
list_ascii(const char *c)
{
	for (; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80)
			return false;
	return true;
}

static char
list_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* Does the ASCII text t have the ASCII word w, the case of its letters
 * ignored (as LIKE ignores it, whatever the locale)? */
static bool
list_ascii_has(const char *t, const char *w)
{
	char first = list_lower(w[0]);

	for (; *t != '\0'; t++) {
		if (list_lower(*t) != first)
			continue;
		size_t k = 1;
		while (w[k] != '\0' && list_lower(t[k]) == list_lower(w[k]))
			k++;
		if (w[k] == '\0')
			return true;
	}
	return false;
}

/*
 * The names an other_names statement reads (list.h), kept with a FastCGI
 * process's connection (db.h: db_keep) while it sees the database
 * unchanged (db_data_version()).  Each name is followed by its NUL.
 */
struct list_names {
	const char	*sql;
	long long	 version, changes;
	char		*text;
	size_t		 len;
};

#define LIST_NAMES_KEPT	4

static void
list_names_free(void *arg)
{
	struct list_names *k = arg;

	for (int i = 0; k != NULL && i < LIST_NAMES_KEPT; i++)
		free(k[i].text);
	free(k);
}

/* sql's names, read again when the database may have changed; NULL on an
 * error.  Without a kept connection, in the request's memory. */
static const struct list_names *
list_names(struct ctx *ctx, const char *sql)
{
	struct db_keep *keep = ctx->db_keep;
	struct list_names *k = NULL, *kept = NULL;
	struct mem_buf b = { 0 };
	long long version = 0, changes = 0;
	db_stmt *st;
	int rc;

	if (keep != NULL && keep->db == ctx->db && ctx->db != NULL &&
	    (keep->kept == NULL || keep->kept_free == list_names_free)) {
		if (db_data_version(ctx, &version, &changes) != 0)
			return NULL;
		if (keep->kept == NULL) {
			keep->kept = calloc(LIST_NAMES_KEPT, sizeof(*kept));
			if (keep->kept == NULL)
				mem_oom();
			keep->kept_free = list_names_free;
		}
		kept = keep->kept;
		for (int i = 0; i < LIST_NAMES_KEPT && k == NULL; i++)
			if (kept[i].sql == sql || kept[i].sql == NULL)
				k = &kept[i];
		if (k == NULL)
			k = &kept[0];	/* more lists than kept: forget one */
		if (k->sql == sql && k->version == version &&
		    k->changes == changes)
			return k;
	} else
		k = mem_zalloc(&ctx->mem, sizeof(*k));
	if ((st = db_prepare(ctx, sql)) == NULL)
		return NULL;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)st_column_text(st, 0);
		if (name != NULL)
			mem_buf_add(&b, name, strlen(name) + 1);
	}
	st_reset(st);
	if (rc != SQLITE_DONE) {
		free(b.s);
		return NULL;
	}
	if (kept == NULL)
		mem_defer(&ctx->mem, free, b.s);
	else
		free(k->text);
	k->sql = sql;
	k->version = version;
	k->changes = changes;
	k->text = b.s;
	k->len = b.len;
	return k;
}

/*
 * Does a name that sql ("SELECT name FROM t") reads match any of the
 * words as "name LIKE %word% ESCAPE '\'" would?  LIKE ignores the case of
 * ASCII letters only: for ASCII names and words that is strncasecmp();
 * where either is not ASCII, SQLite's LIKE itself says.  All the words
 * in one pass over the names, kept between requests (list_names()),
 * where a LIKE a word read every row of the table once a word (two
 * words over 500 categories: 0.79 M instructions).  Returns 1, 0, or -1
 * when it could not tell.
 */
static int
list_names_have(struct ctx *ctx, const char *sql, const char **words,
    int nwords)
{
	const struct list_names *k = list_names(ctx, sql);
	db_stmt *like = NULL;
	bool ascii[LIST_SEARCH_WORDS];
	int found = 0;

	if (k == NULL)
		return -1;
	for (int w = 0; w < nwords; w++)
		ascii[w] = list_ascii(words[w]);
	for (size_t at = 0; at < k->len && !found;) {
		const char *name = k->text + at;
		size_t n = strlen(name);
		bool plain = list_ascii(name);
		at += n + 1;
		for (int w = 0; w < nwords && !found; w++) {
			if (plain && ascii[w]) {
				found = list_ascii_has(name, words[w]);
				continue;
			}
			if (like == NULL && (like = db_prepare(ctx, "SELECT ?1 "
			    "LIKE ?2 ESCAPE '\\'")) == NULL)
				return -1;
			st_reset(like);
			st_bind_text(like, 1, name, -1, SQLITE_STATIC);
			st_bind_text(like, 2, list_like(ctx, words[w]), -1,
			    SQLITE_TRANSIENT);
			found = st_step(like) != SQLITE_ROW ? -1 :
			    st_column_int(like, 0) != 0;
			st_reset(like);
		}
	}
	return found;
}

/* Appends id to ids, in ascending order as FTS5 gives rowids. */
static void
list_ids_add(struct search_ids *ids, size_t *cap, long long id)
{
	if (ids->n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		ids->v = realloc(ids->v, *cap * sizeof(*ids->v));
		if (ids->v == NULL)
			mem_oom();
	}
	ids->v[ids->n++] = id;
}

/* The FTS5 query of the words (each one's search_query()) and their
 * lengths in characters, each separated by spaces, as fts_rows and
 * fts_all bind them. */
static void
list_fts_match(struct ctx *ctx, const char **words, int nwords,
    const char **match, const char **lens)
{
	*match = *lens = "";
	for (int w = 0; w < nwords; w++) {
		*match = mem_printf(&ctx->mem, "%s%s%s", *match, w > 0 ? " " :
		    "", search_query(&ctx->mem, words[w]));
		*lens = mem_printf(&ctx->mem, "%s%s%zu", *lens, w > 0 ? " " :
		    "", search_chars(words[w]));
	}
}

/*
 * The rows fts_text read for the query some, checked for the words and
 * kept for the request (ctx->list_found): each id and how many of its
 * texts, from the first, hold every word (search_words_in()), or too
 * many rows (LIST_CHECK_MAX).
 */
struct list_found {
	struct list_found	*next;
	const char		*sql, *some;
	const char *const	*words;		/* the term's, checked for */
	int			 nwords;
	bool			 many;
	size_t			 n;
	int			 ntexts;
	long long		*id;
	int			*need;
};

/* Whether f holds the rows of query some checked for these words (two
 * terms may share a query: it keeps a few trigrams of each word). */
static bool
list_found_is(const struct list_found *f, const char *sql, const char *some,
    const char *const *words, int nwords)
{
	if (strcmp(f->sql, sql) != 0 || strcmp(f->some, some) != 0 ||
	    f->nwords != nwords)
		return false;
	for (int i = 0; i < nwords; i++)
		if (strcmp(f->words[i], words[i]) != 0)
			return false;
	return true;
}

/* The rows s->fts_text finds for the query some, checked for sw's words
 * (whose query some is), read once a request; NULL on an error. */
static struct list_found *
list_found(struct ctx *ctx, const struct list_search *s, const char *some,
    const char *const *words, int nwords, struct search_words *sw)
{
	struct list_found *f;
	db_stmt *st;
	size_t cap = 0;
	int rc;

	for (f = ctx->list_found; f != NULL; f = f->next)
		if (list_found_is(f, s->fts_text, some, words, nwords))
			return f;
	if ((st = db_prepare(ctx, s->fts_text)) == NULL)
		return NULL;
	f = mem_zalloc(&ctx->mem, sizeof(*f));
	f->sql = s->fts_text;
	f->some = some;
	/* the words are the request's; their array may be the caller's */
	const char **kept = mem_alloc(&ctx->mem, (size_t)(nwords > 0 ?
	    nwords : 1) * sizeof(*kept));
	for (int i = 0; i < nwords; i++)
		kept[i] = words[i];
	f->words = kept;
	f->nwords = nwords;
	f->ntexts = st_column_count(st) - 1;
	st_bind_text(st, 1, some, -1, SQLITE_STATIC);
	long long rows = 0;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (++rows > LIST_CHECK_MAX) {
			f->many = true;
			break;
		}
		const char *texts[SEARCH_TEXTS_MAX];
		if (f->ntexts > SEARCH_TEXTS_MAX)
			break;
		for (int i = 0; i < f->ntexts; i++)
			texts[i] = (const char *)st_column_text(st, i + 1);
		int need = search_words_in(sw, texts, f->ntexts);
		if (need < 0)
			break;
		if (need > f->ntexts)
			continue;	/* not all the words */
		if (f->n == cap) {
			cap = cap ? 2 * cap : 64;
			long long *id = mem_alloc(&ctx->mem, cap * sizeof(*id));
			int *nd = mem_alloc(&ctx->mem, cap * sizeof(*nd));
			if (f->n > 0) {
				memcpy(id, f->id, f->n * sizeof(*id));
				memcpy(nd, f->need, f->n * sizeof(*nd));
			}
			f->id = id;
			f->need = nd;
		}
		f->id[f->n] = st_column_int64(st, 0);
		f->need[f->n++] = need;
	}
	st_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return NULL;
	if (rc == SQLITE_ROW && !f->many)
		return NULL;		/* search_words_in() could not tell */
	f->next = ctx->list_found;
	ctx->list_found = f;
	return f;
}

/*
 * The ids of the rows of s's index that have all nwords words (each of 3
 * characters or more), found by s->fts_text while few rows come out,
 * else by s->fts_rows (list.h).  In the request's memory.
 */
static struct err *
list_fts_ids(struct list_q *q, const struct list_search *s,
    const char **words, int nwords, struct search_ids **out)
{
	struct ctx *ctx = q->ctx;
	struct search_ids *ids = mem_zalloc(&ctx->mem, sizeof(*ids));
	const char *some = s->fts_text == NULL ? NULL :
	    search_some_query(&ctx->mem, words, nwords);
	size_t cap = 0;
	db_stmt *st;
	int rc;

	*out = ids;
	struct search_words *sw = some == NULL ? NULL :
	    search_words_new(&ctx->mem, ctx->db, words, nwords);
	struct list_found *f = sw == NULL ? NULL : list_found(ctx, s, some,
	    words, nwords, sw);
	if (f != NULL && !f->many) {
		int nt = s->fts_texts > 0 && s->fts_texts < f->ntexts ?
		    s->fts_texts : f->ntexts;
		for (size_t i = 0; i < f->n; i++)
			if (f->need[i] <= nt)
				list_ids_add(ids, &cap, f->id[i]);
		goto done;
	}
	const char *match, *lens;
	list_fts_match(ctx, words, nwords, &match, &lens);
	if ((st = db_prepare(ctx, s->fts_rows)) == NULL)
		return db_err(ctx, "list search");
	st_bind_text(st, 1, match, -1, SQLITE_STATIC);
	st_bind_text(st, 2, lens, -1, SQLITE_STATIC);
	while ((rc = st_step(st)) == SQLITE_ROW)
		list_ids_add(ids, &cap, st_column_int64(st, 0));
	st_reset(st);
	if (rc != SQLITE_DONE) {
		free(ids->v);
		ids->v = NULL;
		return db_err(ctx, "list search");
	}
done:
	mem_defer(&ctx->mem, free, ids->v);
	return NULL;
}

/* The ids as a JSON array ("[3,17]"), for json_each(); in the arena. */
static const char *
list_ids_json(struct ctx *ctx, const struct search_ids *ids)
{
	char *a = mem_alloc(&ctx->mem, ids->n * 21 + 3), *o = a;

	*o++ = '[';
	for (size_t i = 0; i < ids->n; i++) {
		char d[24];
		int k = 0;
		unsigned long long v = ids->v[i] < 0 ?
		    0 - (unsigned long long)ids->v[i] :
		    (unsigned long long)ids->v[i];
		if (i > 0)
			*o++ = ',';
		if (ids->v[i] < 0)
			*o++ = '-';
		do
			d[k++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		while (k > 0)
			*o++ = d[--k];
	}
	*o++ = ']';
	*o = '\0';
	return a;
}

/*
 * The SQLite search of nwords words through s->fts_all or s->fts_rows
 * (list.h), if every word may take it.  Returns 1 when it did, 0 when
 * not, -1 with *e on an error.
 */
static int
list_search_all(struct list_q *q, const struct list_search *s,
    const char **words, int nwords, struct err **e)
{
	struct ctx *ctx = q->ctx;
	const char *probe = db_on_pg ? s->pg_other_sql : s->other_sql;

	*e = NULL;
	if (db_on_pg ? s->like_all == NULL : s->fts_all == NULL &&
	    s->fts_rows == NULL)
		return 0;
	for (int w = 0; w < nwords; w++)
		if (search_chars(words[w]) < 3)
			return 0;
	if (!db_on_pg && s->other_names != NULL &&
	    list_names_have(ctx, s->other_names, words, nwords) != 0)
		return 0;		/* a name has a word, or an error */
	db_stmt *other = probe == NULL ? NULL : db_prepare(ctx, probe);
	if (probe != NULL && other == NULL)
		return 0;		/* the word at a time then says why */
	for (int w = 0; other != NULL && w < nwords; w++) {
		st_reset(other);
		st_bind_text(other, 1, list_like(ctx, words[w]), -1,
		    SQLITE_TRANSIENT);
		if (st_bind_parameter_count(other) >= 3) {
			st_bind_text(other, 2, search_query(&ctx->mem,
			    words[w]), -1, SQLITE_TRANSIENT);
			st_bind_int64(other, 3,
			    (long long)search_chars(words[w]));
		}
		int rc = st_step(other);
		st_reset(other);
		if (rc != SQLITE_DONE)
			return 0;	/* a row, or an error to meet again */
	}
	if (db_on_pg) {
		const char *each = "";
		for (int w = 0; w < nwords; w++)
			each = mem_printf(&ctx->mem, "%s%s", each,
			    s->like_word);
		list_where(q, mem_printf(&ctx->mem, s->like_all, each));
		for (int w = 0; w < nwords; w++) {
			const char *like = list_like(ctx, words[w]);
			for (int i = 0; i < s->like_word_likes; i++)
				list_bind_text(q, like);
		}
		return 1;
	}
	if (s->fts_rows != NULL) {
		struct search_ids *ids;
		if ((*e = list_fts_ids(q, s, words, nwords, &ids)) != NULL)
			return -1;
		list_where(q, s->fts_in);
		q->fts = s;
		q->fts_at = q->last_at;
		q->fts_len = q->wlen - q->last_at;
		q->fts_bind = q->nbinds;
		q->fts_ids = ids;
		/* as JSON when bound (list_bind_all()), unless list_run()
		 * walks an index with them instead */
		list_bind_ids(q, ids);
		q->binds[q->fts_bind].type = LIST_B_IDS_JSON;
		return 1;
	}
	const char *match, *lens;
	list_fts_match(ctx, words, nwords, &match, &lens);
	list_where(q, s->fts_all);
	list_bind_text(q, match);
	list_bind_text(q, lens);
	return 1;
}

/*
 * A list's search as "column REGEXP ?" conditions: its short_sql with each
 * "LIKE ? ESCAPE '\\'" made "REGEXP ?" (the same columns), or NULL when
 * they are not short_likes of them.
 */
static const char *
list_regex_sql(struct ctx *ctx, const struct list_search *s)
{
	static const char like[] = "LIKE ? ESCAPE '\\'";
	const char *sql = "", *p = s->short_sql, *at;
	int n = 0;

	while ((at = strstr(p, like)) != NULL) {
		sql = mem_printf(&ctx->mem, "%s%.*sREGEXP ?", sql,
		    (int)(at - p), p);
		p = at + sizeof(like) - 1;
		n++;
	}
	return n == s->short_likes ? mem_printf(&ctx->mem, "%s%s", sql, p) :
	    NULL;
}

/* A word as a regular expression that matches it literally. */
static const char *
list_regex_literal(struct ctx *ctx, const char *word)
{
	char *out = mem_alloc(&ctx->mem, 2 * strlen(word) + 1), *o = out;

	for (const char *w = word; *w != '\0'; w++) {
		if (strchr(".[]()*+?{}|^$\\", *w) != NULL)
			*o++ = '\\';
		*o++ = *w;
	}
	*o = '\0';
	return out;
}

/*
 * InvenTree's ?search_regex=true (each word a regular expression, case
 * ignored) and ?search_whole=true (each word, or pattern, as a whole word:
 * not inside a longer run of letters, digits and '_'), through the
 * columns of the list's short_sql.  A whole word is first looked up as a
 * substring as usual (the index), so only the pattern is a scan.
 */
static struct err *
list_search_regex(struct list_q *q, const struct list_search *s,
    const char **words, int nwords, bool regex, bool whole)
{
	struct ctx *ctx = q->ctx;
	const char *sql = list_regex_sql(ctx, s);
	char why[128];

	if (sql == NULL)
		return err_field(ctx, regex ? "search_regex" : "search_whole",
		    "This list cannot be searched so.");
	for (int w = 0; w < nwords; w++) {
		const char *pat = regex ? words[w] :
		    list_regex_literal(ctx, words[w]);
		if (whole)
			pat = mem_printf(&ctx->mem, "(^|[^[:alnum:]_])(%s)"
			    "($|[^[:alnum:]_])", pat);
		if (search_regex_check(pat, why, sizeof(why)) != 0)
			return err_field(ctx, "search", "Not a valid regular "
			    "expression: %s.", why);
		list_where(q, sql);
		for (int i = 0; i < s->short_likes; i++)
			list_bind_text(q, pat);
	}
	return NULL;
}

/*
 * ?search=term.  An empty term is no search; a term longer than 200
 * characters or of more than LIST_SEARCH_WORDS words is a 400.  Each word
 * must match, in any of the searched fields and in any order (InvenTree's
 * way): the resource's condition is added once a word, each through the
 * trigram index when the word has three characters or more.
 */
struct err *
list_search(struct list_q *q, const struct list_search *s)
{
	struct ctx *ctx = q->ctx;
	const char *term = req_query(ctx, "search"), *words[LIST_SEARCH_WORDS];
	int nwords;

	bool regex, whole;
	struct err *e;

	if ((e = list_flag(ctx, "search_regex", false, &regex)) != NULL ||
	    (e = list_flag(ctx, "search_whole", false, &whole)) != NULL)
		return e;
	if (term == NULL)
		return NULL;
	if (search_chars(term) > LIST_TEXT_MAX)
		return err_field(ctx, "search", "Ensure this value has at most "
		    "%d characters.", LIST_TEXT_MAX);
	int per_word = 2 * s->fts_phrases + s->fts_likes > s->short_likes ?
	    2 * s->fts_phrases + s->fts_likes : s->short_likes;
	if (s->like_likes > per_word)
		per_word = s->like_likes;
	if (regex || whole)
		per_word += s->short_likes;
	int room = (LIST_BINDS_MAX - (int)q->nbinds) / (per_word > 0 ?
	    per_word : 1);
	int max = room < LIST_SEARCH_WORDS ? room : LIST_SEARCH_WORDS;
	if ((nwords = list_words(ctx, term, words, max)) < 0)
		return err_field(ctx, "search", "Search for at most %d words "
		    "at once.", max);
	if (nwords == 0)
		return NULL;
	if (s->order != NULL)
		q->order = s->order;
	q->searching = true;
	if (regex || whole) {
		e = list_search_regex(q, s, words, nwords, regex, whole);
		if (e != NULL || regex)
			return e;
	}
	switch (list_search_all(q, s, words, nwords, &e)) {
	case 1:
		return NULL;
	case -1:
		return e;
	}
	for (int w = 0; w < nwords; w++) {
		const char *like = list_like(ctx, words[w]);
		size_t chars = search_chars(words[w]);

		/* PostgreSQL: like_sql (list.h) */
		if (chars >= 3 && db_on_pg && s->fts_phrases > 0 &&
		    s->like_sql != NULL) {
			list_where(q, s->like_sql);
			for (int i = 0; i < s->like_likes; i++)
				list_bind_text(q, like);
		} else if (chars >= 3 && (!db_on_pg || s->fts_phrases == 0)) {
			const char *match = search_query(&ctx->mem, words[w]);
			list_where(q, s->fts);
			for (int i = 0; i < s->fts_phrases; i++) {
				list_bind_text(q, match);
				list_bind_int(q, (long long)chars);
			}
			for (int i = 0; i < s->fts_likes; i++)
				list_bind_text(q, like);
		} else {
			list_where(q, s->short_sql);
			for (int i = 0; i < s->short_likes; i++)
				list_bind_text(q, like);
		}
	}
	return NULL;
}

/*
 * ?ordering=name or -name: the first field the table knows wins; unknown
 * fields are ignored (DRF's OrderingFilter does the same).  The join the
 * ordering needs is added to q's (after a hook's).  Returns whether one
 * was found.
 */
bool
list_ordering(struct list_q *q, const struct list_order *o, size_t n)
{
	const char *v = req_query(q->ctx, "ordering");

	while (v != NULL && *v != '\0') {
		size_t len = strcspn(v, ",");
		bool desc = v[0] == '-';
		/* The app writes "+name" for ascending; unencoded, the '+'
		 * arrives as a space. */
		bool sign = len > 0 && (desc || v[0] == '+' || v[0] == ' ');
		const char *name = sign ? v + 1 : v;
		size_t nl = sign ? len - 1 : len;
		for (size_t i = 0; i < n; i++)
			if (strlen(o[i].name) == nl &&
			    strncmp(o[i].name, name, nl) == 0) {
				q->order = desc ? o[i].desc : o[i].asc;
				q->order_walks = o[i].walk;
				if (o[i].join != NULL)
					q->join = q->join == NULL ? o[i].join :
					    mem_printf(&q->ctx->mem, "%s%s",
					    q->join, o[i].join);
				return true;
			}
		v += len;
		if (*v == ',')
			v++;
	}
	return false;
}

/* ?limit and ?offset (page.h).  No limit: not paginated. */
struct err *
list_page(struct list_q *q)
{
	return page_parse(q->ctx, &q->page);
}

/*
 * Pages are to be found on ids first: ids is "SELECT x.id FROM t x WHERE TRUE"
 * (the same FROM as the list's select) and key " AND x.id IN (".  Only
 * for lists whose orderings name columns, not result positions.
 */
void
list_keyed(struct list_q *q, const char *ids, const char *key)
{
	q->ids = ids;
	q->key = key;
}

/* Binds q's value i to st's parameter at. */
static void
list_bind_one(struct list_q *q, db_stmt *st, size_t i, int at)
{
	struct list_bind *b = &q->binds[i];

	switch (b->type) {
	case LIST_B_INT:
		st_bind_int64(st, at, b->i);
		break;
	case LIST_B_REAL:
		st_bind_double(st, at, b->d);
		break;
	case LIST_B_IDS:
		st_bind_pointer(st, at, b->ids, SEARCH_IDS_POINTER);
		break;
	case LIST_B_IDS_JSON:
		if (b->s == NULL)
			b->s = list_ids_json(q->ctx, b->ids);
		/* FALLTHROUGH */
	case LIST_B_TEXT:
		st_bind_text(st, at, b->s, -1, SQLITE_STATIC);
		break;
	}
}

/* Binds q's values to st from parameter number first; returns the next. */
int
list_bind_all(struct list_q *q, db_stmt *st, int first)
{
	for (size_t i = 0; i < q->nbinds; i++, first++)
		list_bind_one(q, st, i, first);
	return first;
}

/* Prepares head + WHERE + tail, all constant fragments. */
/* sql ("SELECT ... FROM t a WHERE TRUE") with q's join before its WHERE. */
const char *
list_from(struct list_q *q, const char *sql)
{
	const char *w;

	if (q->join == NULL || (w = strstr(sql, " WHERE TRUE")) == NULL)
		return sql;
	return mem_printf(&q->ctx->mem, "%.*s%s%s", (int)(w - sql), sql,
	    q->join, w);
}

static db_stmt *
list_prepare(struct list_q *q, const char *head, const char *tail)
{
	char *sql = mem_printf(&q->ctx->mem, "%s%s%s", head, q->where, tail);

	return db_prepare(q->ctx, sql);
}

/*
 * The count statement, bound.  Unfiltered, it drops the " WHERE TRUE" that
 * count ends with: SQLite then counts the cells of the table's smallest
 * index page by page (OP_Count) instead of stepping through every row,
 * 0.02 ms instead of 0.7 for 100,000 parts.
 */
static db_stmt *
list_count_stmt(struct list_q *q, const char *count)
{
	static const char where1[] = " WHERE TRUE";
	size_t n = strlen(count), w = sizeof(where1) - 1;
	/* A whole table's count: no join, no condition of its own. */
	bool plain = n > w && strcmp(count + n - w, where1) == 0 &&
	    strstr(count, " WHERE ") == count + n - w &&
	    strstr(count, " JOIN ") == NULL;
	db_stmt *ct;

	if (plain && q->count_alone != NULL && q->nwhere == 1 &&
	    q->nbinds == q->count_alone_binds)
		ct = db_prepare(q->ctx, q->count_alone);
	else if (q->wlen == 0 && q->nbinds == 0 && n > w &&
	    strcmp(count + n - w, where1) == 0)
		ct = db_prepare(q->ctx, mem_strndup(&q->ctx->mem, count,
		    n - w));
	else
		ct = list_prepare(q, count, "");
	if (ct != NULL)
		list_bind_all(q, ct, 1);
	return ct;
}

/* Streams the rows as a bare JSON array. */
static struct err *
list_stream(struct list_q *q, db_stmt *st, list_row_fn row, void *arg)
{
	struct ctx *ctx = q->ctx;
	struct mem_buf t = { 0 };
	int rc, n = 0;

	st_stream(st);
	resp_stream_begin(ctx, 200);
	resp_write(ctx, "[", 1);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		/* One buffer for every row, written out and reused. */
		mem_buf_clear(&t);
		if (n++ > 0)
			mem_buf_add(&t, ",", 1);
		row(ctx, st, arg, &t);
		resp_write(ctx, t.s, t.len);
	}
	free(t.s);
	if (rc != SQLITE_DONE) {
		/* Too late for an error status: cut the body short. */
		log_msg(ctx, LOG_ERROR, "list: %s", db_errmsg(ctx));
		fflush(ctx->out);
		return NULL;
	}
	resp_write(ctx, "]", 1);
	fflush(ctx->out);
	return NULL;
}

/*
 * Runs the list: select is "SELECT ... FROM ... WHERE TRUE" and count the
 * matching "SELECT count(*) FROM ... WHERE TRUE"; row renders one row.
 * Returns the status of the answer set (or streamed).
 */
static struct err *list_page_answer(struct list_q *, db_stmt *,
		    long long, const struct search_ids *, list_row_fn, void *);

/*
 * A searched page of a keyed list, with the search run once: one statement
 * gives every match's id in the list's order; the page's ids are kept and
 * the rest only counted, then the page's rows are read by id.  Counting
 * and paging separately would run the full-text search twice, which is
 * most of a search's cost.  (SQLite sorts every match either way, as it
 * did for the window count(*) OVER () this replaces, without that
 * function's temporary table.  Only for searches: an unfiltered list is
 * counted from its index and paged with LIMIT.)  *st is the page's
 * statement, bound and ready, or NULL for an empty page.
 */
static struct err *
list_search_page(struct list_q *q, const char *select, db_stmt **st,
    long long *total, struct search_ids *page)
{
	struct ctx *ctx = q->ctx;

	*st = NULL;
	*total = 0;
	page->n = 0;
	page->v = NULL;
	size_t pcap = 0;
	db_stmt *ids;
	if (q->fts != NULL && q->fts->fts_keyed != NULL &&
	    q->binds[q->fts_bind].type == LIST_B_IDS_JSON) {
		/* Driven by the matches' ids (list.h: fts_keyed): the WHERE
		 * without the search's fragment, its parameter first. */
		ids = db_prepare(ctx, mem_printf(&ctx->mem, "%s%.*s%s ORDER BY "
		    "%s", list_from(q, q->fts->fts_keyed), (int)q->fts_at,
		    q->where, q->where + q->fts_at + q->fts_len, q->order));
		if (ids == NULL)
			return db_err(ctx, "list search");
		list_bind_one(q, ids, q->fts_bind, 1);
		for (size_t i = 0, at = 2; i < q->nbinds; i++)
			if (i != q->fts_bind)
				list_bind_one(q, ids, i, (int)at++);
	} else {
		ids = db_prepare(ctx, mem_printf(&ctx->mem, "%s%s ORDER BY %s",
		    list_from(q, q->ids), q->where, q->order));
		if (ids == NULL)
			return db_err(ctx, "list search");
		list_bind_all(q, ids, 1);
	}

	/* The page's ids as a JSON array, for json_each() below. */
	size_t cap = 64, len = 1;
	char *arr = mem_alloc(&ctx->mem, cap);
	long long n = 0;
	int rc;
	arr[0] = '[';
	while ((rc = st_step(ids)) == SQLITE_ROW) {
		if (n++ < q->page.offset ||
		    n > q->page.offset + q->page.limit)
			continue;
		if (page->n == pcap) {
			long long *v = mem_alloc(&ctx->mem, (pcap = pcap ?
			    2 * pcap : 64) * sizeof(*v));
			if (page->n > 0)
				memcpy(v, page->v, page->n * sizeof(*v));
			page->v = v;
		}
		page->v[page->n++] = st_column_int64(ids, 0);
		if (len + 24 > cap) {
			char *a = mem_alloc(&ctx->mem, cap * 2);
			memcpy(a, arr, len);
			arr = a;
			cap *= 2;
		}
		len += (size_t)snprintf(arr + len, cap - len, "%s%lld",
		    len > 1 ? "," : "", st_column_int64(ids, 0));
	}
	if (rc != SQLITE_DONE)
		return db_err(ctx, "list search");
	*total = n;
	if (len == 1)
		return NULL;		/* nothing matched, or past the end */
	arr[len++] = ']';
	arr[len] = '\0';
	/* In no order: list_page_answer() puts the rows in the page's (a
	 * sort of the page's wide rows was a third of its statement). */
	*st = db_prepare(ctx, mem_printf(&ctx->mem, "%s%sSELECT value FROM "
	    "json_each(?))", list_from(q, select), q->key));
	if (*st == NULL)
		return db_err(ctx, "list search");
	st_bind_text(*st, 1, arr, (int)len, SQLITE_STATIC);
	return NULL;
}

/*
 * Is q a keyed page of a search whose matches were found first (q->fts_ids,
 * list_search_all()) and nothing else, in the order walk_order names?
 * Then list_fts_page() may find it.
 */
static bool
list_fts_alone(const struct list_q *q)
{
	const struct list_search *s = q->fts;

	return s != NULL && q->fts_ids != NULL && s->walk_order != NULL &&
	    q->page.paged && q->ids != NULL && q->join == NULL &&
	    q->nwhere == 1 && strcmp(q->order, s->walk_order) == 0;
}

/* A match's sort key (walk_keys, list.h): at in the keys' text. */
struct list_key {
	long long	 id;
	size_t		 at, len;
};

/* As SQLite orders them: the key's bytes (BINARY collation), then the id. */
static int
list_key_cmp(const void *a, const void *b, void *text)
{
	const struct list_key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp((const char *)text + x->at, (const char *)text + y->at,
	    n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Moves heap entry i down to its place in a heap of n, largest first. */
static void
list_key_sift(struct list_key *h, size_t n, size_t i, const char *text)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		if (l < n && list_key_cmp(&h[l], &h[big], (void *)text) > 0)
			big = l;
		if (r < n && list_key_cmp(&h[r], &h[big], (void *)text) > 0)
			big = r;
		if (big == i)
			return;
		struct list_key t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

/*
 * The page of a search that list_fts_alone() says is alone, when the
 * order's index is to be walked (LIST_WALK_RATIO) or the page chosen
 * here.  Walking: the search becomes fts_has's test of each row the walk
 * meets, the page is then found as an unsearched keyed page is (LIMIT and
 * OFFSET, *st NULL here), and the count is the number of matches.
 * Chosen here: every match's key is read (walk_keys) -- which counts
 * those that are rows of the list -- and the offset + limit first kept
 * as SQLite would order them (a heap), without SQLite's sort of every
 * match (6,334 matches: 28.4 M instructions read and sorted by SQLite,
 * 16.4 M read here); *done is then set, *st is the page's statement
 * (NULL: no rows), its rows in any order, *page their order.  Neither
 * (q unchanged): the usual way.  count is the list's count statement.
 */
static struct err *
list_fts_page(struct list_q *q, const char *select, const char *count,
    db_stmt **st, long long *total, struct search_ids *page, bool *done)
{
	static const char where1[] = " WHERE TRUE";
	struct ctx *ctx = q->ctx;
	const struct list_search *s = q->fts;
	struct search_ids *ids = q->fts_ids;
	size_t n = strlen(count), w = sizeof(where1) - 1;

	*st = NULL;
	*done = false;
	if (s->fts_has != NULL && ids->n >= 64 && n > w &&
	    strcmp(count + n - w, where1) == 0) {
		/* How many rows the list has: OP_Count over an index. */
		db_stmt *ct = db_prepare(ctx, mem_strndup(&ctx->mem, count,
		    n - w));
		if (ct == NULL || st_step(ct) != SQLITE_ROW)
			return db_err(ctx, "list count");
		double rows = (double)st_column_int64(ct, 0);
		st_reset(ct);
		if ((double)ids->n * LIST_WALK_RATIO >= rows) {
			q->where = mem_strdup(&ctx->mem, s->fts_has);
			q->wlen = strlen(q->where);
			q->wcap = q->wlen + 1;
			q->binds[q->fts_bind].type = LIST_B_IDS;
			q->total = (long long)ids->n;
			q->total_known = true;
			q->searching = false;
			return NULL;
		}
	}
	if (s->walk_keys == NULL)
		return NULL;
	db_stmt *ks = db_prepare(ctx, s->walk_keys);
	if (ks == NULL)
		return db_err(ctx, "list search");
	list_bind_one(q, ks, q->fts_bind, 1);
	/* The offset + limit first, in a heap grown as rows come (a stock
	 * item list's rows are not the index's rows: not bounded by them). */
	size_t want = (size_t)(q->page.offset + q->page.limit), nh = 0;
	size_t hcap = 0;
	struct list_key *heap = NULL;
	struct mem_buf text = { 0 };
	long long rows = 0;
	int rc, type = 0;
	int kc = st_column_count(ks) > 1;	/* one column: the id */
	while ((rc = st_step(ks)) == SQLITE_ROW) {
		/* Keys all text (ordered by their bytes) or all integers (by
		 * value: as eight bytes, most significant first, the sign
		 * bit flipped); else SQLite's way. */
		int kt = st_column_type(ks, kc);
		if ((kt != SQLITE_TEXT && kt != SQLITE_INTEGER) ||
		    (type != 0 && kt != type))
			break;
		type = kt;
		const char *key;
		unsigned char be[8];
		struct list_key k = { st_column_int64(ks, 0), 0, 8 };
		if (kt == SQLITE_TEXT) {
			key = (const char *)st_column_text(ks, kc);
			k.len = (size_t)st_column_bytes(ks, kc);
		} else {
			unsigned long long v = (unsigned long long)
			    st_column_int64(ks, kc) ^ (1ULL << 63);
			for (int i = 7; i >= 0; i--, v >>= 8)
				be[i] = (unsigned char)v;
			key = (const char *)be;
		}
		rows++;
		if (want == 0)
			continue;
		if (nh == want) {
			/* Kept only if it comes before the last kept. */
			struct list_key top = heap[0];
			size_t n0 = k.len < top.len ? k.len : top.len;
			int c = memcmp(key, text.s + top.at, n0);
			if (c > 0 || (c == 0 && (k.len > top.len ||
			    (k.len == top.len && k.id > top.id))))
				continue;
		}
		k.at = text.len;
		mem_buf_add(&text, key, k.len);
		if (nh == hcap) {
			size_t cap = hcap ? 2 * hcap : 64;
			if (cap > want)
				cap = want;
			struct list_key *h = mem_alloc(&ctx->mem, cap *
			    sizeof(*h));
			if (nh > 0)
				memcpy(h, heap, nh * sizeof(*h));
			heap = h;
			hcap = cap;
		}
		if (nh < want) {
			size_t i = nh++;
			heap[i] = k;
			while (i > 0 && list_key_cmp(&heap[(i - 1) / 2],
			    &heap[i], text.s) < 0) {
				struct list_key t = heap[i];
				heap[i] = heap[(i - 1) / 2];
				heap[(i - 1) / 2] = t;
				i = (i - 1) / 2;
			}
		} else {
			heap[0] = k;
			list_key_sift(heap, nh, 0, text.s);
		}
	}
	st_reset(ks);
	mem_defer(&ctx->mem, free, text.s);
	if (rc == SQLITE_ROW)
		return NULL;		/* a key of another kind */
	if (rc != SQLITE_DONE)
		return db_err(ctx, "list search");
	*total = rows;
	*done = true;
	page->n = 0;
	page->v = NULL;
	if (nh <= (size_t)q->page.offset)
		return NULL;		/* nothing matched, or past the end */
	qsort_r(heap, nh, sizeof(*heap), list_key_cmp, text.s);
	page->n = nh - (size_t)q->page.offset;
	page->v = mem_alloc(&ctx->mem, page->n * sizeof(*page->v));
	for (size_t i = 0; i < page->n; i++)
		page->v[i] = heap[q->page.offset + i].id;
	struct search_ids *pids = mem_zalloc(&ctx->mem, sizeof(*pids));
	*pids = *page;
	*st = db_prepare(ctx, mem_printf(&ctx->mem, "%s%sSELECT value FROM "
	    "json_each(?))", list_from(q, select), q->key));
	if (*st == NULL)
		return db_err(ctx, "list search");
	st_bind_text(*st, 1, list_ids_json(ctx, pids), -1, SQLITE_STATIC);
	return NULL;
}

struct err *
list_run(struct list_q *q, const char *select, const char *count,
    list_row_fn row, void *arg)
{
	struct ctx *ctx = q->ctx;
	db_stmt *st;
	long long total;
	struct err *e;

	if (list_fts_alone(q)) {
		struct search_ids page;
		bool done;
		if ((e = list_fts_page(q, select, count, &st, &total, &page,
		    &done)) != NULL)
			return e;
		if (done)
			return list_page_answer(q, st, total, &page, row, arg);
	}
	if (q->page.paged && q->ids != NULL && q->searching &&
	    (q->fts == NULL || !q->fts->count_apart)) {
		struct search_ids page;
		if ((e = list_search_page(q, select, &st, &total, &page)) !=
		    NULL)
			return e;
		return list_page_answer(q, st, total, &page, row, arg);
	}
	if (q->page.paged && q->ids != NULL)
		st = db_prepare(ctx, mem_printf(&ctx->mem, "%s%s%s%s ORDER BY "
		    "%s LIMIT ? OFFSET ?) ORDER BY %s", list_from(q, select),
		    q->key, list_from(q, q->ids), q->where, q->order,
		    q->order));
	else
		st = list_prepare(q, list_from(q, select), mem_printf(&ctx->mem,
		    " ORDER BY %s%s", q->order, q->page.paged ?
		    " LIMIT ? OFFSET ?" : ""));
	if (st == NULL)
		return db_err(ctx, "list");
	int next = list_bind_all(q, st, 1);
	if (!q->page.paged)
		return list_stream(q, st, row, arg);

	st_bind_int64(st, next, q->page.limit);
	st_bind_int64(st, next + 1, q->page.offset);
	if (q->total_known)
		return list_page_answer(q, st, q->total, NULL, row, arg);
	db_stmt *ct = list_count_stmt(q, count);
	if (ct == NULL || st_step(ct) != SQLITE_ROW)
		return db_err(ctx, "list count");
	total = st_column_int64(ct, 0);
	return list_page_answer(q, st, total, NULL, row, arg);
}

/* A row of a page whose rows come in any order: its id, its place in the
 * page, its text (list_page_answer()). */
struct list_slot {
	long long	 id;
	size_t		 place, at, len;
};

static int
list_slot_cmp(const void *a, const void *b)
{
	long long x = ((const struct list_slot *)a)->id;
	long long y = ((const struct list_slot *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * The page envelope around st's rows (st NULL: no rows).  Each row is
 * printed as soon as it is built and its tree freed, so a page holds one
 * row's cJSON nodes at a time, not the whole page's (which malloc then
 * also has to take back all at once).  With order, st's rows come in any
 * order and are put in that of their ids there (a keyed list's select
 * has its id first).
 */
static struct err *
list_page_answer(struct list_q *q, db_stmt *st, long long total,
    const struct search_ids *order, list_row_fn row, void *arg)
{
	struct ctx *ctx = q->ctx;
	struct mem_buf t = { 0 }, one = { 0 };
	cJSON *o = page_envelope(ctx, &q->page, total);
	struct list_slot *slot = NULL;
	int rc = SQLITE_DONE, n = 0;

	/* {"count":..,"next":..,"previous":..} less its '}', then results. */
	json_buf_print(&t, o);
	cJSON_Delete(o);
	t.len--;
	mem_buf_add(&t, ",\"results\":[", 12);
	if (order != NULL && order->n > 0) {
		/* The page's ids in id order, each with its place. */
		slot = mem_zalloc(&ctx->mem, order->n * sizeof(*slot));
		for (size_t k = 0; k < order->n; k++) {
			slot[k].id = order->v[k];
			slot[k].place = k;
		}
		qsort(slot, order->n, sizeof(*slot), list_slot_cmp);
		mem_buf_room(&one, order->n * 1024);	/* a part: ~800 */
	}
	while (st != NULL && (rc = st_step(st)) == SQLITE_ROW) {
		if (slot == NULL) {
			if (n++ > 0)
				mem_buf_add(&t, ",", 1);
			row(ctx, st, arg, &t);
			continue;
		}
		struct list_slot key = { .id = st_column_int64(st, 0) };
		struct list_slot *sl = bsearch(&key, slot, order->n,
		    sizeof(*slot), list_slot_cmp);
		if (sl == NULL || sl->len != 0)
			continue;	/* not the page's, or twice: cannot be */
		sl->at = one.len;
		row(ctx, st, arg, &one);
		sl->len = one.len - sl->at;
	}
	if (slot != NULL) {
		/* Back in the page's order, in room made once. */
		struct list_slot **by = mem_zalloc(&ctx->mem, order->n *
		    sizeof(*by));
		mem_buf_room(&t, one.len + order->n + 2);
		for (size_t k = 0; k < order->n; k++)
			by[slot[k].place] = &slot[k];
		for (size_t k = 0; k < order->n; k++) {
			if (by[k]->len == 0)
				continue;
			if (n++ > 0)
				mem_buf_add(&t, ",", 1);
			mem_buf_add(&t, one.s + by[k]->at, by[k]->len);
		}
	}
	free(one.s);
	if (rc != SQLITE_DONE) {
		free(t.s);
		return db_err(ctx, "list");
	}
	mem_buf_add(&t, "]}", 2);
	mem_defer(&ctx->mem, free, t.s);
	return resp_json_text(ctx, 200, t.s, t.len);
}

/* A boolean query parameter with a default; a 400 names a bad one. */
struct err *
list_flag(struct ctx *ctx, const char *name, bool def, bool *out)
{
	const char *v = req_query(ctx, name);

	*out = def;
	if (v == NULL || v[0] == '\0')
		return NULL;
	if (!txt_parse_bool(v, out))
		return err_field(ctx, name, "Enter a valid boolean: true, "
		    "false, 1, 0, yes or no.");
	return NULL;
}
