/*
 * text: validation and decoding of untrusted strings.  See text.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "text.h"

/*
 * Returns true if s[0..len) is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) containing no NUL, no C0
 * control other than (when allow_nl) TAB, CR and LF, and no DEL.
 */
bool
txt_utf8_valid(const char *s, size_t len, bool allow_nl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				if (!allow_nl ||
				    (c != '\t' && c != '\r' && c != '\n'))
					return false;
			}
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		/* C1 controls */
		if (cp >= 0x80 && cp <= 0x9f)
			return false;
		i += n + 1;
	}
	return true;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes in[0..len) (RFC 3986 section 2.1) into out, which must
 * hold len + 1 bytes; writes the decoded length to *outlen and NUL-terminates.
 * Returns 0, or -1 if an escape is malformed or the result is not valid text
 * (see txt_utf8_valid).
 */
int
txt_percent_decode(const char *in, size_t len, char *out, size_t *outlen,
    int flags)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '%') {
			if (len - i < 3)
				return -1;
			int hi = hexval((unsigned char)in[i + 1]);
			int lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && (flags & TXT_PLUS_SPACE))
			out[o++] = ' ';
		else
			out[o++] = c;
	}
	out[o] = '\0';
	if (!txt_utf8_valid(out, o, flags & TXT_ALLOW_NL))
		return -1;
	*outlen = o;
	return 0;
}

/* True if s is 1..maxlen characters of [A-Za-z0-9._-]. */
bool
txt_token(const char *s, size_t maxlen)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= maxlen)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return false;
	}
	return n > 0;
}

/* Case-insensitive: does s start with prefix?  Returns 1 or 0. */
int
txt_casecmp_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Writes 2n lowercase hex digits and a NUL into out. */
void
txt_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/*
 * Parses a plain decimal integer (optional '-', digits only, no spaces, no
 * '+', no leading zeros beyond a single "0") within [min, max].
 */
bool
txt_parse_int64(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	char *end;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return false;
	for (const char *q = p; *q != '\0'; q++)
		if (*q < '0' || *q > '9')
			return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Query-string booleans of the API contract: true/false, 1/0, yes/no. */
bool
txt_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Fills buf with n bytes from the kernel's CSPRNG.  Returns 0 or -1. */
int
rnd_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Writes 2 * nbytes random hex digits and a NUL into out (nbytes <= 64). */
int
rnd_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];

	if (nbytes > sizeof(buf) || rnd_bytes(buf, nbytes) != 0)
		return -1;
	txt_hex(buf, nbytes, out);
	return 0;
}
