/*
 * page: limit/offset pagination for every list (through list.h), as Django REST framework's
 * LimitOffsetPagination answers it.
 *
 * Without ?limit a list is a bare JSON array; with it the answer is
 * {"count", "next", "previous", "results"} where next and previous are
 * absolute URLs repeating the request's other query parameters.  Bad limit
 * or offset values are 400.  This module never touches the database.
 */
#ifndef SR_PAGE_H
#define SR_PAGE_H

#include <stdbool.h>

struct cJSON;
struct ctx;
struct err;

#define PAGE_LIMIT_MAX	100000

struct page {
	bool		 paged;		/* ?limit was given */
	long long	 limit;		/* -1: all (SQLite's LIMIT -1) */
	long long	 offset;
};

struct err *page_parse(struct ctx *, struct page *);
char	*page_encode(struct ctx *, const char *);
struct cJSON *page_envelope(struct ctx *, const struct page *,
	    long long count);
struct err *page_answer(struct ctx *, const struct page *, long long count,
	    struct cJSON *results);

#endif
