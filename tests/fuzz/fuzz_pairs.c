/*
 * fuzz_pairs: req_parse_pairs() (lib/req.c), which splits query strings
 * and urlencoded bodies into decoded name/value pairs.
 *
 * Input: one control byte (bit 0: ';' instead of '&' as separator, bit 1:
 * TXT_ALLOW_NL as for form bodies; '+' always means space), then the raw
 * string.  Checks that it either answers 400 or gives at most max pairs,
 * every name and value valid text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"

#define PAIRS_MAX 16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const envp[] = { NULL };
	struct req_kv kv[PAIRS_MAX];
	struct ctx ctx;
	size_t n = 0;

	if (size < 1)
		return 0;
	char sep = (data[0] & 1) ? ';' : '&';
	int flags = TXT_PLUS_SPACE | ((data[0] & 2) ? TXT_ALLOW_NL : 0);
	/* A heap copy of exactly the input, so reading past it is caught. */
	char *s = malloc(size - 1 ? size - 1 : 1);
	memcpy(s, data + 1, size - 1);

	ctx_init(&ctx, envp, NULL, NULL, NULL);
	struct err *e = req_parse_pairs(&ctx, s, size - 1, sep, flags, kv,
	    PAIRS_MAX, &n);
	if (e == NULL) {
		if (n > PAIRS_MAX)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!txt_utf8_valid(kv[i].name, strlen(kv[i].name),
			    flags & TXT_ALLOW_NL) ||
			    !txt_utf8_valid(kv[i].value, strlen(kv[i].value),
			    flags & TXT_ALLOW_NL))
				abort();
	} else if (e->status != 400 || ctx.resp.status != 0)
		abort();	/* an error is a value: nothing answered yet */
	ctx_end(&ctx);
	free(s);
	return 0;
}
