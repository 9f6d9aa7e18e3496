/*
 * fuzz_units: the glue around udunits2 that reads parameters' values
 * (domain/inventory/units.c): numbers, RKM codes ("4k7"), the names of
 * ohm, micro signs, bare prefixes, InvenTree's additions and their
 * plurals ("2 dozens", "pcs"), and the template's units.
 *
 * Input: the template's units, a newline, the value.  Beyond "no crash",
 * it checks the module's promises: a number it gives is finite and
 * rounded (units_round() leaves it as it is), a refusal says why, and a
 * plain number is the same number through units_convert() of a unit it
 * takes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/units.h"

/*
 * udunits2's own parser leaks a few bytes on some malformed units
 * ("F/0Rm", an identifier's copy in its lexer): upstream's, not this
 * glue's, so LeakSanitizer leaves the library's frames out.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libudunits2.so\n";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *value;
	char why[UNITS_WHY_MAX];
	double v, plain;

	memcpy(s, data, size);
	s[size] = '\0';
	if (strlen(s) != size || (value = strchr(s, '\n')) == NULL) {
		free(s);
		return 0;
	}
	*value++ = '\0';
	enum units_res r = units_convert(value, s, &v, why);
	if (r == UNITS_OK && (!isfinite(v) || units_round(v) != v))
		abort();
	if (r != UNITS_OK && (why[0] == '\0' ||
	    memchr(why, '\0', UNITS_WHY_MAX) == NULL))
		abort();
	if (units_check(s, why) != UNITS_OK && r == UNITS_OK)
		abort();
	if (units_number(value, &plain)) {
		if (!isfinite(plain))
			abort();
		if (units_convert(value, "ohm", &v, why) != UNITS_OK ||
		    v != plain)
			abort();
	}
	free(s);
	return 0;
}
