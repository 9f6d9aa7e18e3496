/* Unit tests for lib/text.c: validation and decoding of untrusted bytes. */
#include <string.h>

#include "text.h"
#include "t.h"

static int
decode(const char *in, char *out, int flags)
{
	size_t n;
	return txt_percent_decode(in, strlen(in), out, &n, flags);
}

static void
utf8_accepts_text(void)
{
	CHECK(txt_utf8_valid("plain", 5, false));
	CHECK(txt_utf8_valid("Gr\xc3\xbc\xc3\x9f" "e", 7, false));
	CHECK(txt_utf8_valid("\xe2\x82\xac", 3, false));		/* € */
	CHECK(txt_utf8_valid("\xf0\x9f\x94\xa9", 4, false));	/* 🔩 */
	CHECK(txt_utf8_valid("a\nb\tc\r", 6, true));
	CHECK(txt_utf8_valid("", 0, false));
}

static void
utf8_rejects_bad_bytes(void)
{
	CHECK(!txt_utf8_valid("a\0b", 3, false));
	CHECK(!txt_utf8_valid("a\nb", 3, false));
	CHECK(!txt_utf8_valid("\x7f", 1, true));
	CHECK(!txt_utf8_valid("\xc0\xaf", 2, false));		/* overlong / */
	CHECK(!txt_utf8_valid("\xe0\x80\xaf", 3, false));	/* overlong */
	CHECK(!txt_utf8_valid("\xed\xa0\x80", 3, false));	/* surrogate */
	CHECK(!txt_utf8_valid("\xf4\x90\x80\x80", 4, false));	/* > U+10FFFF */
	CHECK(!txt_utf8_valid("\xc3", 1, false));		/* truncated */
	CHECK(!txt_utf8_valid("\xe2\x82", 2, false));
	CHECK(!txt_utf8_valid("\x80", 1, false));		/* lone tail */
	CHECK(!txt_utf8_valid("\xc2\x85", 2, true));		/* C1 NEL */
	CHECK(!txt_utf8_valid("\xff", 1, false));
}

static void
percent_decodes(void)
{
	char out[64];
	CHECK(decode("a%20b", out, 0) == 0 && strcmp(out, "a b") == 0);
	CHECK(decode("a+b", out, 0) == 0 && strcmp(out, "a+b") == 0);
	CHECK(decode("a+b", out, TXT_PLUS_SPACE) == 0 &&
	    strcmp(out, "a b") == 0);
	CHECK(decode("%C3%BC", out, 0) == 0 && strcmp(out, "\xc3\xbc") == 0);
	CHECK(decode("%c3%bc", out, 0) == 0 && strcmp(out, "\xc3\xbc") == 0);
	CHECK(decode("", out, 0) == 0 && out[0] == '\0');
	CHECK(decode("line%0Abreak", out, TXT_ALLOW_NL) == 0);
}

static void
percent_rejects(void)
{
	char out[64];
	CHECK(decode("%", out, 0) != 0);
	CHECK(decode("%2", out, 0) != 0);
	CHECK(decode("%zz", out, 0) != 0);
	CHECK(decode("%00", out, 0) != 0);		/* NUL */
	CHECK(decode("a%0Ab", out, 0) != 0);		/* newline */
	CHECK(decode("%1b[31m", out, 0) != 0);		/* escape */
	CHECK(decode("%C3", out, 0) != 0);		/* truncated UTF-8 */
	CHECK(decode("%C0%AF", out, 0) != 0);		/* overlong */
	CHECK(decode("%FF", out, 0) != 0);
}

static void
parses_integers(void)
{
	long long v;
	CHECK(txt_parse_int64("0", 0, 10, &v) && v == 0);
	CHECK(txt_parse_int64("42", 0, 100, &v) && v == 42);
	CHECK(txt_parse_int64("-5", -10, 10, &v) && v == -5);
	CHECK(!txt_parse_int64("", 0, 10, &v));
	CHECK(!txt_parse_int64("-", -10, 10, &v));
	CHECK(!txt_parse_int64("007", 0, 10, &v));
	CHECK(!txt_parse_int64("+1", 0, 10, &v));
	CHECK(!txt_parse_int64(" 1", 0, 10, &v));
	CHECK(!txt_parse_int64("1 ", 0, 10, &v));
	CHECK(!txt_parse_int64("1e3", 0, 10000, &v));
	CHECK(!txt_parse_int64("11", 0, 10, &v));
	CHECK(!txt_parse_int64("99999999999999999999", 0, 1LL << 62, &v));
}

static void
parses_booleans(void)
{
	bool b;
	CHECK(txt_parse_bool("true", &b) && b);
	CHECK(txt_parse_bool("Yes", &b) && b);
	CHECK(txt_parse_bool("1", &b) && b);
	CHECK(txt_parse_bool("false", &b) && !b);
	CHECK(txt_parse_bool("no", &b) && !b);
	CHECK(txt_parse_bool("0", &b) && !b);
	CHECK(!txt_parse_bool("maybe", &b));
	CHECK(!txt_parse_bool("", &b));
}

static void
tokens_and_random(void)
{
	char a[33], b[33];
	CHECK(txt_token("abc-DEF_1.2", 64));
	CHECK(!txt_token("", 64));
	CHECK(!txt_token("a b", 64));
	CHECK(!txt_token("abcdef", 5));
	CHECK(rnd_hex(a, 16) == 0 && strlen(a) == 32);
	CHECK(rnd_hex(b, 16) == 0 && strcmp(a, b) != 0);
}

int
main(void)
{
	RUN(utf8_accepts_text);
	RUN(utf8_rejects_bad_bytes);
	RUN(percent_decodes);
	RUN(percent_rejects);
	RUN(parses_integers);
	RUN(parses_booleans);
	RUN(tokens_and_random);
	return DONE();
}
