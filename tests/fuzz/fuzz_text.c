/*
 * fuzz_text: txt_percent_decode() and txt_utf8_valid() (lib/text.c), the
 * first things every outside string passes through, plus the small
 * parsers beside them (txt_token, txt_parse_int64, txt_parse_bool).
 *
 * Input: one flags byte (bit 0 TXT_PLUS_SPACE, bit 1 TXT_ALLOW_NL), then
 * the bytes to decode.  Beyond "no crash", it checks the module's promise:
 * whatever decodes is valid text, NUL-terminated, no longer than its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int flags = data[0] & (TXT_PLUS_SPACE | TXT_ALLOW_NL);
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	/* Exactly len + 1 bytes, as the contract says, so ASan sees overruns. */
	char *out = malloc(len + 1);
	size_t outlen = (size_t)-1;

	if (txt_percent_decode(in, len, out, &outlen, flags) == 0) {
		if (outlen > len || out[outlen] != '\0' ||
		    memchr(out, '\0', outlen) != NULL ||
		    !txt_utf8_valid(out, outlen, flags & TXT_ALLOW_NL))
			abort();
	}
	(void)txt_utf8_valid(in, len, flags & TXT_ALLOW_NL);

	/* The string parsers take NUL-terminated input. */
	char *s = malloc(len + 1);
	memcpy(s, in, len);
	s[len] = '\0';
	long long v;
	bool b;
	if (txt_parse_int64(s, -1000000, 1000000, &v) &&
	    (v < -1000000 || v > 1000000))
		abort();
	(void)txt_parse_bool(s, &b);
	if (txt_token(s, 64) && (strlen(s) == 0 || strlen(s) > 64))
		abort();
	free(s);
	free(out);
	return 0;
}
