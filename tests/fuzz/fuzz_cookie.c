/*
 * fuzz_cookie: the Cookie header (req_parse_cookies, through req_parse in
 * lib/req.c).  Input: the header value; a real environment cannot carry a
 * NUL, so the value ends at the first one.  Checks that every cookie kept
 * has a token name and a valid-text value, and that there are at most
 * REQ_PARAMS_MAX of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx ctx;
	size_t n = strnlen((const char *)data, size);
	char *cookie = malloc(n + sizeof("HTTP_COOKIE="));

	memcpy(cookie, "HTTP_COOKIE=", 12);
	memcpy(cookie + 12, data, n);
	cookie[12 + n] = '\0';
	char *const envp[] = { "REQUEST_METHOD=GET", "PATH_INFO=/api/",
		cookie, NULL };

	ctx_init(&ctx, envp, NULL, NULL, NULL);
	if (req_parse(&ctx) == 0) {
		if (ctx.req.ncookies > REQ_PARAMS_MAX)
			abort();
		for (size_t i = 0; i < ctx.req.ncookies; i++) {
			const struct req_kv *c = &ctx.req.cookies[i];
			if (!txt_token(c->name, 128) ||
			    !txt_utf8_valid(c->value, strlen(c->value), false))
				abort();
			if (req_cookie(&ctx, c->name) == NULL)
				abort();
		}
	} else if (ctx.req.ncookies != 0 || n <= REQ_HEADER_MAX + 64 - 12)
		abort();	/* only an oversized header may be refused */
	ctx_end(&ctx);
	free(cookie);
	return 0;
}
