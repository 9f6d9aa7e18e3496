/*
 * dec: exact decimal quantities.
 *
 * InvenTree's quantities are decimals of 15 digits with 5 decimal places.
 * Here such a value is a long long counting 10^-5 units (DEC_SCALE), so
 * adding 0.1 ten times gives exactly 1 and SQLite stores it as an INTEGER.
 * dec_parse() takes the text a client sends ("2.5", "-3", "1e2" is not
 * taken), dec_from_json() a JSON number or string, dec_format() gives the
 * text InvenTree's float rendering would ("10.0", "2.5", "0.00001").
 *
 * This module never rounds: a value with more than 5 decimal places or
 * more than 15 digits is refused, not approximated.
 */
#ifndef SR_DEC_H
#define SR_DEC_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

#define DEC_PLACES	5
#define DEC_SCALE	100000LL
#define DEC_MAX		999999999999999LL	/* 9999999999.99999 */
#define DEC_BUFSZ	24			/* enough for dec_format() */

enum dec_err {
	DEC_OK = 0,
	DEC_EMPTY,		/* nothing given */
	DEC_SYNTAX,		/* not a decimal number */
	DEC_PLACES_OVER,	/* more than DEC_PLACES decimal places */
	DEC_RANGE,		/* more than 15 digits */
};

enum dec_err	 dec_parse(const char *, long long *);
enum dec_err	 dec_from_json(const struct cJSON *, long long *);
const char	*dec_strerror(enum dec_err);
char		*dec_format(long long, char buf[DEC_BUFSZ]);
struct cJSON	*dec_json(long long);
struct cJSON	*dec_json_string(long long);

#endif
