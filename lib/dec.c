/*
 * dec: exact decimal quantities.  See dec.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dec.h"
#include "mem.h"

/*
 * Parses an optionally signed decimal, "12", "-0.5", "3.", ".25", with at
 * most 10 integer digits (ignoring leading zeros) and DEC_PLACES decimal
 * places (ignoring trailing zeros), surrounded by no spaces.  On DEC_OK
 * stores the value in 10^-5 units in *out; otherwise leaves *out alone.
 */
enum dec_err
dec_parse(const char *s, long long *out)
{
	bool neg = false;
	long long ip = 0, fp = 0;
	int idigits = 0, any = 0;

	if (s == NULL || *s == '\0')
		return DEC_EMPTY;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s == '0') {
		s++;
		any = 1;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++idigits > 10)
			return DEC_RANGE;
		ip = ip * 10 + (*s - '0');
		any = 1;
	}
	if (*s == '.') {
		s++;
		const char *f = s;
		size_t n = strspn(f, "0123456789");
		while (n > 0 && f[n - 1] == '0')	/* trailing zeros */
			n--;
		if (strspn(f, "0123456789") > 0)
			any = 1;
		if (n > DEC_PLACES)
			return DEC_PLACES_OVER;
		for (size_t i = 0; i < DEC_PLACES; i++)
			fp = fp * 10 + (i < n ? f[i] - '0' : 0);
		s = f + strspn(f, "0123456789");
	}
	if (!any || *s != '\0')
		return DEC_SYNTAX;
	long long v = ip * DEC_SCALE + fp;
	if (v > DEC_MAX)
		return DEC_RANGE;
	*out = neg ? -v : v;
	return DEC_OK;
}

/*
 * A JSON number or numeric string.  A number goes through its shortest
 * 15-significant-digit text, so 0.1 (which a double cannot hold) is 0.1
 * and not 0.1000000000000000055.
 */
enum dec_err
dec_from_json(const cJSON *j, long long *out)
{
	char buf[64];

	if (j == NULL || cJSON_IsNull(j))
		return DEC_EMPTY;
	if (cJSON_IsString(j))
		return dec_parse(j->valuestring, out);
	if (!cJSON_IsNumber(j))
		return DEC_SYNTAX;
	double d = j->valuedouble;
	if (d != d || d > 1e11 || d < -1e11)
		return DEC_RANGE;
	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strchr(buf, 'e') != NULL) {
		/* Tiny values: 1e-05 is fine, 1e-06 is not. */
		snprintf(buf, sizeof(buf), "%.10f", d);
		size_t n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return dec_parse(buf, out);
}

const char *
dec_strerror(enum dec_err e)
{
	switch (e) {
	case DEC_OK:
		return "OK";
	case DEC_EMPTY:
		return "This field is required.";
	case DEC_SYNTAX:
		return "A valid number is required.";
	case DEC_PLACES_OVER:
		return "Ensure that there are no more than 5 decimal places.";
	case DEC_RANGE:
		return "Ensure that there are no more than 15 digits in total.";
	}
	return "Invalid number.";
}

/*
 * Writes v as the shortest decimal with at least one decimal place, as
 * Python prints a float: 1000000 -> "10.0", 250000 -> "2.5".  Returns buf.
 */
char *
dec_format(long long v, char buf[DEC_BUFSZ])
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	unsigned long long ip = u / DEC_SCALE, fp = u % DEC_SCALE;
	char digits[DEC_BUFSZ], *b = buf;
	int n = 0;

	/* By hand: a list of parts formats eight of these per row. */
	if (v < 0)
		*b++ = '-';
	do {
		digits[n++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	while (n > 0)
		*b++ = digits[--n];
	*b++ = '.';
	if (fp == 0) {		/* whole: most quantities */
		memcpy(b, "0", 2);
		return buf;
	}
	for (int i = 0; i < DEC_PLACES; i++) {
		digits[DEC_PLACES - 1 - i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	n = DEC_PLACES;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	memcpy(b, digits, (size_t)n);
	b[n] = '\0';
	return buf;
}

/* v's dec_format() digits made into a JSON value by make. */
static cJSON *
dec_json_made(long long v, cJSON *(*make)(const char *))
{
	char buf[DEC_BUFSZ];
	cJSON *j = make(dec_format(v, buf));

	if (j == NULL)
		mem_oom();
	return j;
}

/* v as a JSON number with exactly dec_format()'s digits. */
cJSON *
dec_json(long long v)
{
	return dec_json_made(v, cJSON_CreateRaw);
}

/* v as a JSON string (InvenTree sends prices as strings). */
cJSON *
dec_json_string(long long v)
{
	return dec_json_made(v, cJSON_CreateString);
}
