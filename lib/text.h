/*
 * text: byte-level validation and decoding of untrusted strings.
 *
 * Every string that comes from outside (URL path, query, form body, header)
 * passes through here before the rest of the program sees it.  A decoded
 * string is always valid UTF-8 with no NUL and no control characters other
 * than tab, CR and LF where the caller allows them.  This module never
 * allocates: callers give it the output buffer.
 */
#ifndef SR_TEXT_H
#define SR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* txt_percent_decode() flags */
#define TXT_PLUS_SPACE	0x01	/* '+' means ' ' (form encoding) */
#define TXT_ALLOW_NL	0x02	/* allow TAB, CR, LF in the result */

bool	txt_utf8_valid(const char *, size_t, bool allow_nl);
int	txt_percent_decode(const char *, size_t, char *, size_t *, int flags);
bool	txt_token(const char *, size_t maxlen);
int	txt_casecmp_prefix(const char *, const char *);
void	txt_hex(const unsigned char *, size_t, char *);
bool	txt_parse_int64(const char *, long long min, long long max,
	    long long *);
bool	txt_parse_bool(const char *, bool *);
int	rnd_bytes(void *, size_t);
int	rnd_hex(char *, size_t nbytes);

#endif
