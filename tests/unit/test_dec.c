/*
 * Unit tests of lib/dec.c: exact decimal parsing and formatting.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dec.h"
#include "t.h"

static long long
P(const char *s)
{
	long long v = -777;

	if (dec_parse(s, &v) != DEC_OK)
		return -777;
	return v;
}

static void
test_parse_valid(void)
{
	CHECK(P("0") == 0);
	CHECK(P("1") == 100000);
	CHECK(P("10") == 1000000);
	CHECK(P("2.5") == 250000);
	CHECK(P("0.1") == 10000);
	CHECK(P(".25") == 25000);
	CHECK(P("3.") == 300000);
	CHECK(P("-0.5") == -50000);
	CHECK(P("+7") == 700000);
	CHECK(P("0.00001") == 1);
	CHECK(P("1.500000000") == 150000);	/* trailing zeros are fine */
	CHECK(P("0009.9") == 990000);		/* leading zeros too */
	CHECK(P("9999999999.99999") == DEC_MAX);
	CHECK(P("-9999999999.99999") == -DEC_MAX);
}

static void
test_parse_invalid(void)
{
	long long v = 42;

	CHECK(dec_parse("", &v) == DEC_EMPTY);
	CHECK(dec_parse(NULL, &v) == DEC_EMPTY);
	CHECK(dec_parse("abc", &v) == DEC_SYNTAX);
	CHECK(dec_parse("1e2", &v) == DEC_SYNTAX);
	CHECK(dec_parse(" 1", &v) == DEC_SYNTAX);
	CHECK(dec_parse("1 ", &v) == DEC_SYNTAX);
	CHECK(dec_parse(".", &v) == DEC_SYNTAX);
	CHECK(dec_parse("-", &v) == DEC_SYNTAX);
	CHECK(dec_parse("1.2.3", &v) == DEC_SYNTAX);
	CHECK(dec_parse("0x10", &v) == DEC_SYNTAX);
	CHECK(dec_parse("0.000001", &v) == DEC_PLACES_OVER);
	CHECK(dec_parse("1.123456", &v) == DEC_PLACES_OVER);
	CHECK(dec_parse("10000000000", &v) == DEC_RANGE);
	CHECK(dec_parse("99999999999999999999999", &v) == DEC_RANGE);
	CHECK(v == 42);				/* untouched on error */
}

static void
test_format(void)
{
	char b[DEC_BUFSZ];

	CHECK(strcmp(dec_format(0, b), "0.0") == 0);
	CHECK(strcmp(dec_format(1000000, b), "10.0") == 0);
	CHECK(strcmp(dec_format(250000, b), "2.5") == 0);
	CHECK(strcmp(dec_format(1, b), "0.00001") == 0);
	CHECK(strcmp(dec_format(-50000, b), "-0.5") == 0);
	CHECK(strcmp(dec_format(123456, b), "1.23456") == 0);
	CHECK(strcmp(dec_format(DEC_MAX, b), "9999999999.99999") == 0);
	CHECK(strcmp(dec_format(-DEC_MAX, b), "-9999999999.99999") == 0);
}

/* The digits written by hand are printf's, trimmed: check a wide spread. */
static void
test_format_matches_printf(void)
{
	char b[DEC_BUFSZ], want[64], frac[8];
	unsigned long long x = 88172645463325252ULL;
	int bad = 0;

	for (int i = 0; i < 200000; i++) {
		long long v;
		if (i < 100000)
			v = i - 50000;			/* every small value */
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v = (long long)(x % (2 * (unsigned long long)DEC_MAX +
			    1)) - DEC_MAX;
		}
		unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
		    (unsigned long long)v;
		snprintf(frac, sizeof(frac), "%05llu", u % DEC_SCALE);
		for (int n = DEC_PLACES; n > 1 && frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
		snprintf(want, sizeof(want), "%s%llu.%s", v < 0 ? "-" : "",
		    u / DEC_SCALE, frac);
		bad += strcmp(dec_format(v, b), want) != 0;
	}
	CHECK(bad == 0);
}

/* Adding 0.1 ten times is exactly 1: the point of the module. */
static void
test_exact_sum(void)
{
	long long sum = 0, tenth = P("0.1");
	char b[DEC_BUFSZ];

	for (int i = 0; i < 10; i++)
		sum += tenth;
	CHECK(sum == P("1"));
	CHECK(strcmp(dec_format(sum, b), "1.0") == 0);
}

static void
test_round_trip(void)
{
	static const long long vals[] = { 0, 1, 9, 10, 99999, 100000, 100001,
	    123456789012345LL, DEC_MAX, -1, -DEC_MAX };
	char b[DEC_BUFSZ];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		CHECK(P(dec_format(vals[i], b)) == vals[i]);
}

static void
test_from_json(void)
{
	cJSON *j;
	long long v = 0;

	j = cJSON_Parse("0.1");
	CHECK(dec_from_json(j, &v) == DEC_OK && v == 10000);
	cJSON_Delete(j);
	j = cJSON_Parse("12");
	CHECK(dec_from_json(j, &v) == DEC_OK && v == 1200000);
	cJSON_Delete(j);
	j = cJSON_Parse("0.00001");
	CHECK(dec_from_json(j, &v) == DEC_OK && v == 1);
	cJSON_Delete(j);
	j = cJSON_Parse("0.000001");
	CHECK(dec_from_json(j, &v) == DEC_PLACES_OVER);
	cJSON_Delete(j);
	j = cJSON_Parse("1e20");
	CHECK(dec_from_json(j, &v) == DEC_RANGE);
	cJSON_Delete(j);
	j = cJSON_Parse("\"2.50\"");
	CHECK(dec_from_json(j, &v) == DEC_OK && v == 250000);
	cJSON_Delete(j);
	j = cJSON_Parse("true");
	CHECK(dec_from_json(j, &v) == DEC_SYNTAX);
	cJSON_Delete(j);
	j = cJSON_Parse("null");
	CHECK(dec_from_json(j, &v) == DEC_EMPTY);
	cJSON_Delete(j);
	CHECK(dec_from_json(NULL, &v) == DEC_EMPTY);
}

static void
test_json_output(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "q", dec_json(250000));
	cJSON_AddItemToObject(o, "p", dec_json_string(150000));
	char *s = cJSON_PrintUnformatted(o);
	CHECK(strcmp(s, "{\"q\":2.5,\"p\":\"1.5\"}") == 0);
	cJSON_free(s);
	cJSON_Delete(o);
}

int
main(void)
{
	RUN(test_parse_valid);
	RUN(test_parse_invalid);
	RUN(test_format);
	RUN(test_format_matches_printf);
	RUN(test_exact_sum);
	RUN(test_round_trip);
	RUN(test_from_json);
	RUN(test_json_output);
	return DONE();
}
