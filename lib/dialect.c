/*
 * dialect: SQLite's SQL rewritten for PostgreSQL (see dialect.h).
 *
 * Two passes over one statement: the lexer cuts it into tokens and pairs
 * the parentheses (counting each pair's arguments), then the writer copies
 * the tokens to the output, rewriting those the table in dialect.h names.
 * A function whose arguments change shape (group_concat, total) writes its
 * parenthesised group by recursion; everything else is one token at a time
 * with a little state per parenthesis depth (is this a CAST, is an ORDER BY
 * list open here and how does its current term end).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "mem.h"

enum tok {
	T_WS, T_COMMENT, T_WORD, T_QID, T_STR, T_NUM, T_PARAM,
	T_LP, T_RP, T_COMMA, T_SEMI, T_OP
};

struct token {
	enum tok	 t;
	const char	*s;
	size_t		 n;
	size_t		 match;		/* T_LP: its T_RP; T_RP: its T_LP */
	int		 args;		/* T_LP: arguments inside (0: none) */
	int		 param;		/* T_PARAM: its number */
};

/* What the writer knows about each open parenthesis depth. */
struct depth {
	bool	 cast;		/* opened by CAST( */
	bool	 order;		/* an ORDER BY list is open at this depth */
	bool	 has_nulls;	/* its current term says NULLS already */
	bool	 desc;		/* its current term ends in DESC */
	int	 term;		/* significant tokens of the term (no ASC/DESC) */
	const struct token *tk[3];	/* its first three */
};

struct dialect {
	struct token	*tok;
	size_t		 n;
	struct mem_buf	 out;
	int		 nparams;
	int		 level;			/* open parentheses */
	struct depth	 d[DIALECT_DEPTH_MAX + 1];
	bool		 ignore_pending;	/* INSERT OR IGNORE seen */
	bool		 next_cast;		/* CAST written, its ( next */
	char		*err;
	size_t		 errsz;
	bool		 failed;
};

static void
fail(struct dialect *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct dialect *x, const char *fmt, ...)
{
	va_list ap;

	if (x->failed)
		return;
	x->failed = true;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
}

static bool
word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool
is(const struct token *t, const char *word)
{
	return t != NULL && t->t == T_WORD && strlen(word) == t->n &&
	    strncasecmp(t->s, word, t->n) == 0;
}

/* Cuts sql into x->tok; pairs parentheses.  Returns false on failure. */
static bool
lex(struct dialect *x, const char *sql)
{
	size_t len = strlen(sql), stack[DIALECT_DEPTH_MAX], depth = 0;
	const char *p = sql, *end = sql + len;
	int counted = 0;	/* SQLite numbers a bare ? after the highest */

	x->tok = calloc(len + 1, sizeof(*x->tok));
	if (x->tok == NULL)
		mem_oom();
	while (p < end) {
		struct token *t = &x->tok[x->n];
		const char *s = p;
		unsigned char c = (unsigned char)*p;

		if (isspace(c)) {
			while (p < end && isspace((unsigned char)*p))
				p++;
			t->t = T_WS;
		} else if (c == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
			t->t = T_COMMENT;
		} else if (c == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (e == NULL) {
				fail(x, "unterminated comment");
				return false;
			}
			p = e + 2;
			t->t = T_COMMENT;
		} else if (c == '\'' || c == '"') {
			for (p++; p < end; p++)
				if (*p == (char)c) {
					if (p[1] != (char)c)
						break;
					p++;
				}
			if (p >= end) {
				fail(x, "unterminated %s", c == '\'' ?
				    "string" : "quoted name");
				return false;
			}
			p++;
			t->t = c == '\'' ? T_STR : T_QID;
		} else if (c == '[' || c == '`') {
			fail(x, "%c-quoted names are SQLite's: use \"name\"", c);
			return false;
		} else if (isdigit(c) || (c == '.' && isdigit((unsigned char)p[1]))) {
			if (c == '0' && (p[1] == 'x' || p[1] == 'X')) {
				for (p += 2; p < end && isxdigit((unsigned char)*p);)
					p++;
			} else {
				while (p < end && (isdigit((unsigned char)*p) ||
				    *p == '.'))
					p++;
				if (p < end && (*p == 'e' || *p == 'E')) {
					p++;
					if (p < end && (*p == '+' || *p == '-'))
						p++;
					while (p < end && isdigit((unsigned char)*p))
						p++;
				}
			}
			if (p < end && word_char((unsigned char)*p)) {
				fail(x, "malformed number near \"%.20s\"", s);
				return false;
			}
			t->t = T_NUM;
		} else if (c == '?') {
			long n = 0;
			for (p++; p < end && isdigit((unsigned char)*p); p++)
				if ((n = n * 10 + (*p - '0')) > DIALECT_PARAMS_MAX)
					break;
			if (p == s + 1)
				n = counted + 1;
			if (n < 1 || n > DIALECT_PARAMS_MAX) {
				fail(x, "parameter number out of range");
				return false;
			}
			if (n > counted)
				counted = (int)n;
			t->t = T_PARAM;
			t->param = (int)n;
		} else if (c == ':' || c == '@' || c == '$') {
			fail(x, "named parameters (%c...) are not supported: "
			    "use ?N", c);
			return false;
		} else if (word_char(c)) {
			if ((c == 'x' || c == 'X') && p[1] == '\'') {
				fail(x, "blob literals have no PostgreSQL twin");
				return false;
			}
			while (p < end && word_char((unsigned char)*p))
				p++;
			t->t = T_WORD;
		} else if (c == '(') {
			if (depth == DIALECT_DEPTH_MAX) {
				fail(x, "more than %d nested parentheses",
				    DIALECT_DEPTH_MAX);
				return false;
			}
			stack[depth++] = x->n;
			p++;
			t->t = T_LP;
		} else if (c == ')') {
			if (depth == 0) {
				fail(x, "unbalanced parentheses");
				return false;
			}
			t->match = stack[--depth];
			x->tok[t->match].match = x->n;
			p++;
			t->t = T_RP;
		} else if (c == ',') {
			p++;
			t->t = T_COMMA;
		} else if (c == ';') {
			p++;
			t->t = T_SEMI;
		} else if (strchr("+-*/%<>=!|&~.", c) != NULL) {
			static const char *const two[] = { "->>", "||", "<=",
			    ">=", "<>", "!=", "==", "<<", ">>", "->" };
			size_t k, w = 1;
			for (k = 0; k < sizeof(two) / sizeof(two[0]); k++)
				if (strncmp(p, two[k], strlen(two[k])) == 0) {
					w = strlen(two[k]);
					break;
				}
			if (c == '!' && w == 1) {
				fail(x, "unexpected \"!\"");
				return false;
			}
			p += w;
			t->t = T_OP;
		} else {
			fail(x, "unexpected character 0x%02x", c);
			return false;
		}
		t->s = s;
		t->n = (size_t)(p - s);
		x->n++;
	}
	if (depth != 0) {
		fail(x, "unbalanced parentheses");
		return false;
	}
	/* Arguments of each pair: top-level commas + 1, 0 when empty. */
	for (size_t i = 0; i < x->n; i++) {
		int commas = 0;
		bool any = false;

		if (x->tok[i].t != T_LP)
			continue;
		for (size_t j = i + 1; j < x->tok[i].match; j++) {
			if (x->tok[j].t == T_LP) {
				j = x->tok[j].match;
				any = true;
			} else if (x->tok[j].t == T_COMMA)
				commas++;
			else if (x->tok[j].t != T_WS && x->tok[j].t != T_COMMENT)
				any = true;
		}
		x->tok[i].args = any || commas > 0 ? commas + 1 : 0;
	}
	return true;
}

/* The next token after i that is not space or comment, or NULL. */
static const struct token *
next(const struct dialect *x, size_t i, size_t *at)
{
	for (i++; i < x->n; i++)
		if (x->tok[i].t != T_WS && x->tok[i].t != T_COMMENT) {
			if (at != NULL)
				*at = i;
			return &x->tok[i];
		}
	return NULL;
}

static void
put(struct dialect *x, const char *s)
{
	mem_buf_add(&x->out, s, strlen(s));
}

static void
put_tok(struct dialect *x, const struct token *t)
{
	mem_buf_add(&x->out, t->s, t->n);
}

/* Is the term tk[0..term) a bare "id" or "name.id" (never NULL)? */
static bool
bare_id(const struct depth *d)
{
	if (d->term == 1)
		return is(d->tk[0], "id");
	return d->term == 3 && d->tk[0]->t == T_WORD &&
	    d->tk[1]->t == T_OP && d->tk[1]->n == 1 && *d->tk[1]->s == '.' &&
	    is(d->tk[2], "id");
}

/* Ends the current ORDER BY term at this depth with its NULLS clause. */
static void
end_term(struct dialect *x)
{
	struct depth *d = &x->d[x->level];

	if (d->term > 0 && !d->has_nulls && !bare_id(d)) {
		bool space = x->out.len > 0 &&
		    isspace((unsigned char)x->out.s[x->out.len - 1]);
		put(x, space ? "" : " ");
		put(x, d->desc ? "NULLS LAST" : "NULLS FIRST");
		put(x, space ? " " : "");
	}
	d->has_nulls = d->desc = false;
	d->term = 0;
}

/* The comment that stands for FOR UPDATE SKIP LOCKED. */
static bool
skip_locked(const struct token *t)
{
	static const char c[] = "/*FOR UPDATE SKIP LOCKED*/";

	return t->t == T_COMMENT && t->n == sizeof(c) - 1 &&
	    memcmp(t->s, c, t->n) == 0;
}

/* Words that end an ORDER BY list at its depth. */
static bool
ends_order(const struct token *t)
{
	static const char *const words[] = { "LIMIT", "OFFSET", "UNION",
	    "EXCEPT", "INTERSECT", "RETURNING", "FOR", "WINDOW" };

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (is(t, words[k]))
			return true;
	return t->t == T_SEMI || skip_locked(t);
}

/* Functions refused: no faithful twin. */
static bool
refused_function(const struct token *t)
{
	static const char *const fns[] = { "typeof", "iif", "printf",
	    "format", "hex", "unhex", "quote", "randomblob", "zeroblob",
	    "julianday", "likelihood", "likely", "unlikely", "changes",
	    "total_changes", "char", "glob", "like", "soundex",
	    "sqlite_version", "json_extract", "json_array_length",
	    "json_set", "json_insert", "json_replace", "json_remove",
	    "json_patch", "json_tree", "json_valid", "json_type" };

	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
		if (is(t, fns[k]))
			return true;
	return false;
}

static void write_range(struct dialect *, size_t from, size_t to);

/* Opens a parenthesis depth (lex() bounded how many). */
static void
enter(struct dialect *x)
{
	struct depth *d = &x->d[++x->level];

	memset(d, 0, sizeof(*d));
	d->cast = x->next_cast;
	x->next_cast = false;
}

/* Writes ON CONFLICT DO NOTHING for a pending INSERT OR IGNORE. */
static void
put_ignore(struct dialect *x)
{
	if (!x->ignore_pending)
		return;
	x->ignore_pending = false;
	put(x, " ON CONFLICT DO NOTHING ");
}

/*
 * Writes function t (at i, its '(' at lp) under its PostgreSQL name, or
 * its whole call where the arguments change.  Returns the index of the
 * last token written.
 */
static size_t
write_call(struct dialect *x, size_t i, size_t lp)
{
	static const struct { const char *from, *to; } renamed[] = {
		{ "ifnull", "coalesce" }, { "instr", "strpos" },
		{ "json_object", "json_build_object" },
		{ "json_group_object", "json_object_agg" },
		{ "json_each", "sr_json_each" }, { "strftime", "sr_strftime" },
		{ "date", "sr_date" }, { "datetime", "sr_datetime" },
		{ "unixepoch", "sr_unixepoch" },
		{ "last_insert_rowid", "lastval" },
	};
	const struct token *t = &x->tok[i], *open = &x->tok[lp];
	size_t rp = open->match;

	if (refused_function(t)) {
		fail(x, "%.*s() has no PostgreSQL twin", (int)t->n, t->s);
		return i;
	}
	if (is(t, "max") || is(t, "min")) {
		put(x, open->args >= 2 ? (is(t, "max") ? "greatest" : "least") :
		    (is(t, "max") ? "max" : "min"));
		return i;
	}
	if (is(t, "json") && open->args == 1) {	/* text read as JSON */
		put(x, "CAST");
		write_range(x, i + 1, rp);
		put(x, " AS json)");
		return rp;
	}
	if (is(t, "json_group_array")) {	/* SQLite's is [] for no rows */
		put(x, "coalesce(json_agg");
		write_range(x, i + 1, rp + 1);
		put(x, ", '[]'::json)");
		return rp;
	}
	if (is(t, "total")) {
		put(x, "coalesce(sum");
		write_range(x, i + 1, rp + 1);
		put(x, ", 0)");
		return rp;
	}
	if (is(t, "group_concat")) {
		size_t first, j, comma = rp;
		if (open->args < 1 || open->args > 2) {
			fail(x, "group_concat() takes one or two arguments");
			return i;
		}
		for (j = lp + 1; j < rp; j++)
			if (x->tok[j].t == T_LP)
				j = x->tok[j].match;
			else if (x->tok[j].t == T_COMMA) {
				comma = j;
				break;
			}
		put(x, "string_agg(");
		first = lp + 1;
		if (next(x, lp, &j) != NULL && is(&x->tok[j], "distinct")) {
			put(x, "DISTINCT ");
			first = j + 1;
		}
		put(x, "CAST(");
		enter(x);
		write_range(x, first, comma);
		put(x, " AS text)");
		if (open->args == 1)
			put(x, ", ','");
		write_range(x, comma, rp);	/* the separator, as it is */
		x->level--;
		put(x, ")");
		return rp;
	}
	for (size_t k = 0; k < sizeof(renamed) / sizeof(renamed[0]); k++)
		if (is(t, renamed[k].from)) {
			put(x, renamed[k].to);
			return i;
		}
	if (is(t, "cast"))
		x->next_cast = true;
	put_tok(x, t);
	return i;
}

/* Words that may stand before "(" without calling a function. */
static bool
operator_word(const struct token *t)
{
	static const char *const words[] = { "and", "or", "not", "in",
	    "exists", "is", "as", "on", "using", "values", "from", "where",
	    "select", "then", "else", "when", "case", "between", "escape",
	    "into", "by", "over", "filter", "union", "all", "distinct",
	    "except", "intersect", "returning", "set", "with", "join",
	    "recursive", "glob", "regexp", "match" };

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (is(t, words[k]))
			return true;
	return false;
}

/* Writes one word at i; returns the index of the last token consumed. */
static size_t
write_word(struct dialect *x, size_t i)
{
	const struct token *t = &x->tok[i], *n1, *n2;
	size_t j = i, k = i;

	n1 = next(x, i, &j);
	if (is(t, "like"))		/* also before "(": an operator */
		put(x, "ILIKE");
	else if (is(t, "regexp"))	/* search.h: case ignored */
		put(x, "~*");
	else if (n1 != NULL && n1->t == T_LP && !operator_word(t))
		return write_call(x, i, j);
	else if (is(t, "glob") || is(t, "match") ||
	    is(t, "pragma")) {
		fail(x, "%.*s is SQLite's alone", (int)t->n, t->s);
	} else if (is(t, "replace") && is(n1, "into")) {
		fail(x, "REPLACE INTO: use INSERT ... ON CONFLICT");
	} else if (is(t, "insert") && is(n1, "or")) {
		n2 = next(x, j, &k);
		if (!is(n2, "ignore")) {
			fail(x, "INSERT OR %.*s has no PostgreSQL twin",
			    n2 != NULL ? (int)n2->n : 0,
			    n2 != NULL ? n2->s : "");
			return i;
		}
		put(x, "INSERT");
		x->ignore_pending = true;
		return k;
	} else if (is(t, "begin") && (is(n1, "immediate") ||
	    is(n1, "exclusive") || is(n1, "deferred"))) {
		put(x, "BEGIN");
		return j;
	} else if (is(t, "is")) {
		if (is(n1, "not")) {
			n2 = next(x, j, &k);
			if (is(n2, "null") || is(n2, "distinct") ||
			    is(n2, "true") || is(n2, "false"))
				put(x, "IS");
			else {
				put(x, "IS DISTINCT FROM");
				return j;
			}
		} else if (is(n1, "null") || is(n1, "distinct") ||
		    is(n1, "true") || is(n1, "false") || is(n1, "unknown"))
			put(x, "IS");
		else
			put(x, "IS NOT DISTINCT FROM");
	} else if (is(t, "limit") && n1 != NULL && n1->t == T_OP &&
	    n1->n == 1 && *n1->s == '-') {
		n2 = next(x, j, &k);
		if (n2 != NULL && n2->t == T_NUM && n2->n == 1 && *n2->s == '1') {
			put(x, "LIMIT ALL");
			return k;
		}
		put_tok(x, t);
	} else if (is(t, "as") && x->d[x->level].cast) {
		put_tok(x, t);
		if (is(n1, "integer") || is(n1, "int")) {
			put(x, " bigint");
			return j;
		}
		if (is(n1, "real") || is(n1, "float")) {
			put(x, " double precision");
			return j;
		}
		if (is(n1, "blob")) {
			put(x, " bytea");
			return j;
		}
	} else if (is(t, "order") && is(n1, "by")) {
		put_tok(x, t);
		write_range(x, i + 1, j + 1);
		struct depth *d = &x->d[x->level];
		d->order = true;
		d->term = 0;
		d->has_nulls = d->desc = false;
		return j;
	} else if (is(t, "rowid") || is(t, "_rowid_") || is(t, "oid"))
		put(x, "id");
	else if (is(t, "user"))
		put(x, "\"user\"");
	else if (is(t, "returning") && x->level == 0) {
		put_ignore(x);
		put_tok(x, t);
	} else
		put_tok(x, t);
	return i;
}

/* Notes token t in the open ORDER BY term of this depth. */
static void
order_track(struct dialect *x, const struct token *t)
{
	struct depth *d = &x->d[x->level];

	if (is(t, "desc") || is(t, "asc")) {
		d->desc = is(t, "desc");
		return;
	}
	if (is(t, "nulls"))
		d->has_nulls = true;
	if (d->term < 3)
		d->tk[d->term] = t;
	d->term++;
}

static void
write_range(struct dialect *x, size_t from, size_t to)
{
	for (size_t i = from; i < to && !x->failed; i++) {
		const struct token *t = &x->tok[i];
		struct depth *d = &x->d[x->level];
		char num[16];

		if (d->order && t->t != T_WS &&
		    (t->t != T_COMMENT || skip_locked(t))) {
			if (t->t == T_COMMA)
				end_term(x);
			else if (t->t == T_RP || ends_order(t)) {
				end_term(x);
				d->order = false;
			} else
				order_track(x, t);
		}
		switch (t->t) {
		case T_WS:
			put_tok(x, t);
			break;
		case T_COMMENT:
			put(x, skip_locked(t) ? "FOR UPDATE SKIP LOCKED" : " ");
			break;
		case T_PARAM:
			snprintf(num, sizeof(num), "$%d", t->param);
			put(x, num);
			if (t->param > x->nparams)
				x->nparams = t->param;
			break;
		case T_OP:
			if (t->n == 2 && memcmp(t->s, "==", 2) == 0)
				put(x, "=");
			else
				put_tok(x, t);
			break;
		case T_LP:
			enter(x);
			put_tok(x, t);
			break;
		case T_RP:
			x->level--;
			put_tok(x, t);
			break;
		case T_SEMI:
			if (x->level == 0)
				put_ignore(x);
			put_tok(x, t);
			break;
		case T_WORD:
			i = write_word(x, i);
			break;
		default:
			put_tok(x, t);
			break;
		}
	}
}

int
dialect_pg(const char *sql, char **out, int *nparams, char *err,
    size_t errsz)
{
	struct dialect x = { .err = err, .errsz = errsz };

	*out = NULL;
	*nparams = 0;
	if (errsz > 0)
		err[0] = '\0';
	if (strlen(sql) > DIALECT_SQL_MAX) {
		snprintf(err, errsz, "statement longer than %d bytes",
		    DIALECT_SQL_MAX);
		return -1;
	}
	if (lex(&x, sql)) {
		write_range(&x, 0, x.n);
		if (x.d[0].order) {
			end_term(&x);
			x.d[0].order = false;
		}
		put_ignore(&x);
	}
	free(x.tok);
	if (x.failed) {
		free(x.out.s);
		return -1;
	}
	if (x.out.s == NULL)
		mem_buf_add(&x.out, "", 0);
	*out = x.out.s;
	*nparams = x.nparams;
	return 0;
}
