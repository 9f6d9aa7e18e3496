/*
 * page: limit/offset pagination.  See page.h.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "page.h"
#include "req.h"
#include "resp.h"
#include "text.h"

/*
 * Reads ?limit and ?offset into p.  Returns 0, or 400 after setting the
 * answer.
 */
int
page_parse(struct ctx *ctx, struct page *p)
{
	const char *l = req_query(ctx, "limit");
	const char *o = req_query(ctx, "offset");

	p->paged = l != NULL;
	p->limit = -1;
	p->offset = 0;
	if (l != NULL && !txt_parse_int64(l, 1, PAGE_LIMIT_MAX, &p->limit))
		return resp_field_error(ctx, "limit", "A whole number from 1 "
		    "to %d is required.", PAGE_LIMIT_MAX);
	if (o != NULL && !txt_parse_int64(o, 0, 1LL << 50, &p->offset))
		return resp_field_error(ctx, "offset", "A whole number of 0 "
		    "or more is required.");
	if (!p->paged)
		p->offset = 0;
	return 0;
}

/* Appends s percent-encoded (RFC 3986 unreserved characters kept). */
static char *
page_encode(struct ctx *ctx, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = mem_alloc(&ctx->mem, strlen(s) * 3 + 1), *q = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			*q++ = (char)c;
		else {
			*q++ = '%';
			*q++ = hex[c >> 4];
			*q++ = hex[c & 15];
		}
	}
	*q = '\0';
	return out;
}

/* The URL of the page at offset, keeping the other query parameters. */
static const char *
page_url(struct ctx *ctx, const struct page *p, long long offset)
{
	char *url = mem_printf(&ctx->mem, "%s%s?limit=%lld", req_base_url(ctx),
	    ctx->req.path, p->limit);

	if (offset > 0)
		url = mem_printf(&ctx->mem, "%s&offset=%lld", url, offset);
	for (size_t i = 0; i < ctx->req.nquery; i++) {
		const struct req_kv *kv = &ctx->req.query[i];
		if (strcmp(kv->name, "limit") == 0 ||
		    strcmp(kv->name, "offset") == 0)
			continue;
		url = mem_printf(&ctx->mem, "%s&%s=%s", url,
		    page_encode(ctx, kv->name), page_encode(ctx, kv->value));
	}
	return url;
}

/*
 * Answers 200 with results (ownership passes): the bare array, or the
 * paginated object when ?limit was given.
 */
int
page_answer(struct ctx *ctx, const struct page *p, long long count,
    cJSON *results)
{
	if (!p->paged)
		return resp_json(ctx, 200, results);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)count);
	if (p->offset + p->limit < count)
		cJSON_AddStringToObject(o, "next",
		    page_url(ctx, p, p->offset + p->limit));
	else
		cJSON_AddNullToObject(o, "next");
	if (p->offset > 0)
		cJSON_AddStringToObject(o, "previous", page_url(ctx, p,
		    p->offset > p->limit ? p->offset - p->limit : 0));
	else
		cJSON_AddNullToObject(o, "previous");
	cJSON_AddItemToObject(o, "results", results);
	return resp_json(ctx, 200, o);
}
