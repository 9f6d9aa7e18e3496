/*
 * page: limit/offset pagination.  See page.h.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "json.h"
#include "page.h"
#include "req.h"
#include "resp.h"
#include "text.h"

/* Reads ?limit and ?offset into p; a 400 names the bad one. */
struct err *
page_parse(struct ctx *ctx, struct page *p)
{
	const char *l = req_query(ctx, "limit");
	const char *o = req_query(ctx, "offset");

	p->paged = l != NULL && l[0] != '\0';
	p->limit = -1;
	p->offset = 0;
	if (!p->paged)
		return NULL;
	if (!txt_parse_int64(l, 1, PAGE_LIMIT_MAX, &p->limit))
		return err_field(ctx, "limit", "Enter a whole number "
		    "from 1 to %d.", PAGE_LIMIT_MAX);
	if (o != NULL && o[0] != '\0' &&
	    !txt_parse_int64(o, 0, 1LL << 50, &p->offset))
		return err_field(ctx, "offset", "Enter a whole number, "
		    "0 or more.");
	return NULL;
}

/* Appends s percent-encoded (RFC 3986 unreserved characters kept). */
char *
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

/*
 * The absolute URL of the page at offset: every other query parameter
 * kept, then limit, then offset (left out when 0, as DRF does).
 */
static const char *
page_url(struct ctx *ctx, const struct page *p, long long offset)
{
	char *url = mem_printf(&ctx->mem, "%s%s?", req_base_url(ctx),
	    ctx->req.path);

	for (size_t i = 0; i < ctx->req.nquery; i++) {
		const struct req_kv *kv = &ctx->req.query[i];
		if (strcmp(kv->name, "limit") == 0 ||
		    strcmp(kv->name, "offset") == 0)
			continue;
		url = mem_printf(&ctx->mem, "%s%s=%s&", url,
		    page_encode(ctx, kv->name), page_encode(ctx, kv->value));
	}
	url = mem_printf(&ctx->mem, "%slimit=%lld", url, p->limit);
	if (offset > 0)
		url = mem_printf(&ctx->mem, "%s&offset=%lld", url, offset);
	return url;
}

/*
 * The paginated answer without its results: {"count", "next", "previous"}
 * for a list of count rows.  The caller adds "results".
 */
cJSON *
page_envelope(struct ctx *ctx, const struct page *p, long long count)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "count", count);
	if (p->offset + p->limit < count)
		json_text(o, "next", page_url(ctx, p, p->offset + p->limit));
	else
		json_null(o, "next");
	if (p->offset > 0)
		json_text(o, "previous", page_url(ctx, p, p->offset > p->limit ?
		    p->offset - p->limit : 0));
	else
		json_null(o, "previous");
	return o;
}

/*
 * Answers 200 with results (ownership passes): the bare array, or the
 * paginated object when ?limit was given.
 */
struct err *
page_answer(struct ctx *ctx, const struct page *p, long long count,
    cJSON *results)
{
	if (!p->paged)
		return resp_json(ctx, 200, results);
	cJSON *o = page_envelope(ctx, p, count);
	json_item(o, "results", results);
	return resp_json(ctx, 200, o);
}
