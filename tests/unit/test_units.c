/*
 * Unit tests of domain/inventory/units.c: parameters' values with units,
 * against a table of known conversions -- every SI prefix, the names of
 * ohm (Ω, the ohm sign, ohm, Ohms, R), µ/μ/u, RKM codes ("4k7", "4R7"),
 * bare prefixes, bad dimensions, huge and tiny values -- and the units a
 * template may have.  Needs udunits2 (Debian's libudunits2-0).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "inventory/units.h"
#include "t.h"

struct conv {
	const char	*units, *value;
	double		 want;
};

/* value in units is want (to 1 part in 1e9). */
static const struct conv known[] = {
	/* Resistance: every notation electronics people write. */
	{ "ohm", "10k", 1e4 }, { "ohm", "10 kΩ", 1e4 }, { "ohm", "0.01M", 1e4 },
	{ "ohm", "4k7", 4700 }, { "ohm", "4K7", 4700 }, { "ohm", "4R7", 4.7 },
	{ "ohm", "1 kohm", 1000 }, { "ohm", "10kOhm", 1e4 },
	{ "ohm", "10 kOhms", 1e4 }, { "ohm", "2M2", 2.2e6 },
	{ "ohm", "100", 100 }, { "ohm", "470R", 470 }, { "ohm", "1kR", 1000 },
	{ "ohm", "1 M\xe2\x84\xa6", 1e6 }, { "ohm", "1 mΩ", 1e-3 },
	{ "ohm", "10m", 0.01 }, { "ohm", "1e3", 1000 },
	{ "ohm", "1.5e-3 kohm", 1.5 }, { "ohm", "-5", -5 }, { "ohm", "0", 0 },
	{ "ohm", " 22 Ω ", 22 }, { "ohm", "0R1", 0.1 }, { "ohm", "1m5", 1.5e-3 },
	{ "Ω", "1k", 1000 }, { "R", "1k", 1000 }, { "kΩ", "4k7", 4.7 },
	{ "kΩ", "4700", 4700 }, { "kohm", "4700 ohm", 4.7 },
	{ "kΩ", "1 MΩ", 1000 }, { "mohm", "1 ohm", 1000 },
	/* Every SI prefix, on ohm and as a bare prefix. */
	{ "ohm", "1 QΩ", 1e30 }, { "ohm", "1 RΩ", 1e27 }, { "ohm", "1 YΩ", 1e24 },
	{ "ohm", "1 ZΩ", 1e21 }, { "ohm", "1 EΩ", 1e18 }, { "ohm", "1 PΩ", 1e15 },
	{ "ohm", "1 TΩ", 1e12 }, { "ohm", "1 GΩ", 1e9 }, { "ohm", "1 MΩ", 1e6 },
	{ "ohm", "1 kΩ", 1e3 }, { "ohm", "1 hΩ", 1e2 }, { "ohm", "1 daΩ", 1e1 },
	{ "ohm", "1 dΩ", 1e-1 }, { "ohm", "1 cΩ", 1e-2 }, { "ohm", "1 mΩ", 1e-3 },
	{ "ohm", "1 uΩ", 1e-6 }, { "ohm", "1 µΩ", 1e-6 }, { "ohm", "1 μΩ", 1e-6 },
	{ "ohm", "1 nΩ", 1e-9 }, { "ohm", "1 pΩ", 1e-12 },
	{ "ohm", "1 fΩ", 1e-15 }, { "ohm", "1 aΩ", 1e-18 },
	{ "ohm", "1 zΩ", 1e-21 }, { "ohm", "1 yΩ", 1e-24 },
	{ "ohm", "1 rΩ", 1e-27 }, { "ohm", "1 qΩ", 1e-30 },
	{ "ohm", "1Q", 1e30 }, { "ohm", "1Y", 1e24 }, { "ohm", "1Z", 1e21 },
	{ "ohm", "1E", 1e18 }, { "ohm", "1P", 1e15 }, { "ohm", "1T", 1e12 },
	{ "ohm", "1G", 1e9 }, { "ohm", "1M", 1e6 }, { "ohm", "1k", 1e3 },
	{ "ohm", "1h", 1e2 }, { "ohm", "1da", 1e1 }, { "ohm", "1d", 1e-1 },
	{ "ohm", "1c", 1e-2 }, { "ohm", "1m", 1e-3 }, { "ohm", "1u", 1e-6 },
	{ "ohm", "1µ", 1e-6 }, { "ohm", "1n", 1e-9 }, { "ohm", "1p", 1e-12 },
	{ "ohm", "1f", 1e-15 }, { "ohm", "1a", 1e-18 }, { "ohm", "1z", 1e-21 },
	{ "ohm", "1y", 1e-24 }, { "ohm", "1q", 1e-30 },
	/* Capacitance: "100nF" and "0.1 µF" are one number. */
	{ "F", "100nF", 1e-7 }, { "F", "0.1 µF", 1e-7 }, { "F", "100n", 1e-7 },
	{ "F", "0.1uF", 1e-7 }, { "F", "0.1 μF", 1e-7 }, { "F", "100 nF", 1e-7 },
	{ "F", "22pF", 22e-12 }, { "F", "4n7", 4.7e-9 }, { "F", "4u7", 4.7e-6 },
	{ "F", "1 mF", 1e-3 }, { "F", "10m", 0.01 }, { "F", "1000 uF", 1e-3 },
	{ "nF", "0.1 uF", 100 }, { "nF", "1 F", 1e9 }, { "uF", "100n", 0.1 },
	{ "µF", "100 nF", 0.1 }, { "pF", "4n7", 4700 },
	/* Voltage, current, power, frequency. */
	{ "V", "5V", 5 }, { "V", "3.3 V", 3.3 }, { "V", "1 kV", 1000 },
	{ "V", "500 mV", 0.5 }, { "V", "5", 5 }, { "mV", "3.3V", 3300 },
	{ "A", "20mA", 0.02 }, { "A", "1.5 A", 1.5 }, { "mA", "2 A", 2000 },
	{ "W", "0.25 W", 0.25 }, { "W", "250 mW", 0.25 }, { "W", "250m", 0.25 },
	{ "Hz", "16 MHz", 1.6e7 }, { "Hz", "32.768 kHz", 32768 },
	{ "MHz", "8000 kHz", 8 }, { "Hz", "1 GHz", 1e9 },
	{ "H", "10 uH", 1e-5 }, { "uH", "4u7", 4.7 },
	/* Length, mass, time, ratios, temperature. */
	{ "m", "1 mm", 1e-3 }, { "m", "1 km", 1000 }, { "m", "1 in", 0.0254 },
	{ "m", "10m", 10 }, { "m", "10k", 1e4 }, { "mm", "1 m", 1000 },
	{ "mm", "0.1 in", 2.54 }, { "g", "1 kg", 1000 }, { "g", "5 mg", 0.005 },
	{ "s", "1 ms", 1e-3 }, { "s", "1 min", 60 }, { "s", "1 h", 3600 },
	{ "%", "5%", 5 }, { "%", "5", 5 }, { "%", "0.5 %", 0.5 },
	{ "degC", "25 degC", 25 }, { "degC", "25 °C", 25 },
	{ "degC", "300 K", 26.85 }, { "K", "0 degC", 273.15 },
	{ "m/s", "36 km/h", 10 },
	/* Huge and tiny that fit a double. */
	{ "ohm", "1e300 kohm", 1e303 }, { "ohm", "1e-200 kohm", 1e-197 },
	{ "F", "1e-280 pF", 1e-292 },
};

/* value in units is refused, for the reason given. */
struct bad {
	const char	*units, *value;
	enum units_res	 res;
	const char	*why;		/* in the message */
};

static const struct bad refused[] = {
	/* Another dimension: the message says which. */
	{ "ohm", "10 V", UNITS_DIMENSION, "10 V is a voltage, ohm is a "
	  "resistance" },
	{ "F", "10 kohm", UNITS_DIMENSION, "is a resistance, F is a "
	  "capacitance" },
	{ "V", "5 A", UNITS_DIMENSION, "is a current" },
	{ "ohm", "10 kg", UNITS_DIMENSION, "is a mass" },
	{ "%", "5 V", UNITS_DIMENSION, "% is a plain number" },
	{ "ohm", "5%", UNITS_DIMENSION, "5% is a plain number" },
	{ "Hz", "1 s", UNITS_DIMENSION, "is a time" },
	{ "m", "1 F", UNITS_DIMENSION, "is a capacitance, m is a length" },
	/* Not a quantity. */
	{ "ohm", "abc", UNITS_INVALID, "Invalid quantity supplied (abc)" },
	{ "ohm", "", UNITS_INVALID, "Invalid quantity" },
	{ "ohm", "   ", UNITS_INVALID, "Invalid quantity" },
	{ "ohm", "10 xyz", UNITS_INVALID, "xyz is not a unit" },
	{ "ohm", "k10", UNITS_INVALID, "Invalid quantity" },
	{ "ohm", "10 k ohm", UNITS_INVALID, "not a unit" },
	{ "ohm", "1..2", UNITS_INVALID, "" },
	{ "ohm", "--5", UNITS_INVALID, "" },
	{ "ohm", "10 ohm @ 5", UNITS_INVALID, "" },
	{ "s", "10 s since 2000-01-01", UNITS_INVALID, "" },
	{ "ohm", "10 2 ohm", UNITS_INVALID, "" },
	{ "ohm", "nan", UNITS_INVALID, "" },
	{ "ohm", "inf", UNITS_INVALID, "" },
	{ "ohm", "0x10", UNITS_INVALID, "" },
	/* Out of a double's range. */
	{ "ohm", "1e306 kohm", UNITS_INVALID, "out of range" },
	{ "ohm", "1e400", UNITS_INVALID, "" },
	{ "ohm", "1e-400", UNITS_INVALID, "" },
	{ "ohm", "1e-299 mohm", UNITS_INVALID, "out of range" },
	{ "ohm", "1QQΩ", UNITS_INVALID, "" },
	/* Bad template units. */
	{ "xyz", "1", UNITS_INVALID, "Invalid physical unit: xyz" },
};

static void
test_known(void)
{
	char why[UNITS_WHY_MAX];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		double v = -12345;
		enum units_res r = units_convert(known[i].value,
		    known[i].units, &v, why);
		double w = known[i].want;
		if (r != UNITS_OK || !(w == 0 ? v == 0 :
		    fabs(v - w) <= 1e-9 * fabs(w))) {
			fprintf(stderr, "%s in %s: got %d %.17g (%s), want "
			    "%.17g\n", known[i].value, known[i].units, r, v,
			    why, w);
			CHECK(0);
		}
	}
}

static void
test_refused(void)
{
	char why[UNITS_WHY_MAX];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		double v = 0;
		enum units_res r = units_convert(refused[i].value,
		    refused[i].units, &v, why);
		if (r != refused[i].res || strstr(why, refused[i].why) ==
		    NULL) {
			fprintf(stderr, "%s in %s: got %d %.17g \"%s\", want "
			    "%d \"%s\"\n", refused[i].value, refused[i].units,
			    r, v, why, refused[i].res, refused[i].why);
			CHECK(0);
		}
	}
}

/* "100nF" and "0.1 µF" are the same double, not merely close. */
static void
test_rounded(void)
{
	char why[UNITS_WHY_MAX];
	double a, b, c;

	CHECK(units_convert("100nF", "F", &a, why) == UNITS_OK);
	CHECK(units_convert("0.1 µF", "F", &b, why) == UNITS_OK);
	CHECK(units_convert("100000 pF", "F", &c, why) == UNITS_OK);
	CHECK(a == b && b == c && a == 1e-7);
	CHECK(units_convert("4.7k", "ohm", &a, why) == UNITS_OK);
	CHECK(units_convert("4k7", "ohm", &b, why) == UNITS_OK);
	CHECK(a == b && a == 4700);
	CHECK(units_round(0.1 + 0.2) == 0.3);
	CHECK(units_round(0) == 0);
}

static void
test_template_units(void)
{
	static const char *const good[] = { "ohm", "kΩ", "Ω", "\xe2\x84\xa6",
	    "R", "kR", "F", "uF", "µF", "μF", "nF", "V", "mV", "A", "W", "Hz",
	    "MHz", "m", "mm", "in", "g", "kg", "s", "%", "degC", "K", "m/s",
	    "m2", "ppm", "QΩ", "Ohms" };
	static const char *const bad[] = { "xyz", "10", "-V", ".m", "kg m",
	    "s since 2000-01-01", "ohm@5", "k", "M", "(ohm)", "ohm,V",
	    "1/s extra" };
	char why[UNITS_WHY_MAX];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (units_check(good[i], why) != UNITS_OK) {
			fprintf(stderr, "units %s: %s\n", good[i], why);
			CHECK(0);
		}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (units_check(bad[i], why) != UNITS_INVALID ||
		    strstr(why, "Invalid physical unit") == NULL) {
			fprintf(stderr, "units %s taken\n", bad[i]);
			CHECK(0);
		}
}

static void
test_plain_numbers(void)
{
	double v;

	CHECK(units_number("10", &v) && v == 10);
	CHECK(units_number(" -2.5e3 ", &v) && v == -2500);
	CHECK(units_number(".5", &v) && v == 0.5);
	CHECK(!units_number("10k", &v));
	CHECK(!units_number("4k7", &v));
	CHECK(!units_number("10 V", &v));
	CHECK(!units_number("", &v));
	CHECK(!units_number("1e999", &v));
	CHECK(!units_number("abc", &v));
}

/* units_all(): what /api/units/all/ lists. */
struct all_seen {
	size_t		 n, bad;
	char		 last[128];
	bool		 ohm, ohm_other, smoot, smt, smoot_in_meter, parsec, pc,
			 piece, ea;
};

static void
all_visit(void *arg, const struct units_entry *e)
{
	struct all_seen *s = arg;
	char why[UNITS_WHY_MAX];
	bool self = false;

	/* In byte order, each once; each a unit a template takes; its own
	 * kind's names sorted. */
	if (s->n > 0 && strcmp(s->last, e->name) >= 0)
		s->bad++;
	snprintf(s->last, sizeof(s->last), "%s", e->name);
	if (units_check(e->name, why) != UNITS_OK) {
		fprintf(stderr, "listed but refused: %s (%s)\n", e->name, why);
		s->bad++;
	}
	for (size_t i = 0; i < e->ncompatible; i++) {
		if (i > 0 && strcmp(e->compatible[i - 1], e->compatible[i]) >= 0)
			s->bad++;
		if (strcmp(e->compatible[i], "meter") == 0 &&
		    strcmp(e->name, "smoot") == 0)
			s->smoot_in_meter = true;
		self |= strcmp(e->compatible[i], e->name) == 0;
	}
	if (e->ncompatible == 0)
		s->bad++;
	/* A unit's own name (InvenTree's is_alias), not its symbol or
	 * another name. */
	if (strcmp(e->name, "ohm") == 0)
		s->ohm = self && e->own && !e->dimensionless;
	if (strcmp(e->name, "Ohms") == 0)
		s->ohm_other = !e->own;
	if (strcmp(e->name, "smoot") == 0)
		s->smoot = e->own;
	if (strcmp(e->name, "smt") == 0)
		s->smt = !e->own;
	/* InvenTree's additions: pc a symbol of udunits2's parsec (listed
	 * as its own name: udunits2 has it only among <aliases>), the
	 * counts plain numbers. */
	if (strcmp(e->name, "parsec") == 0)
		s->parsec = e->own;
	if (strcmp(e->name, "pc") == 0)
		for (size_t i = 0; i < e->ncompatible; i++)
			s->pc |= !e->own && strcmp(e->compatible[i],
			    "parsec") == 0;
	if (strcmp(e->name, "piece") == 0)
		s->piece = e->own && e->dimensionless;
	if (strcmp(e->name, "ea") == 0)
		for (size_t i = 0; i < e->ncompatible; i++)
			s->ea |= !e->own && e->dimensionless &&
			    strcmp(e->compatible[i], "each") == 0;
	s->n++;
}

static void
test_all(void)
{
	static const struct units_custom smoot[] = {
		{ "smoot", "smt", "1.7018 m" },
	};
	struct all_seen s = { 0 };

	units_custom_set(smoot, 1);
	CHECK(units_all(all_visit, &s) == UNITS_OK);
	units_custom_set(NULL, 0);
	CHECK(s.n > 300);
	CHECK(s.bad == 0);
	CHECK(s.ohm && s.ohm_other);
	CHECK(s.smoot && s.smt && s.smoot_in_meter);
	CHECK(s.parsec && s.pc && s.piece && s.ea);
}

int
main(void)
{
	RUN(test_known);
	RUN(test_refused);
	RUN(test_rounded);
	RUN(test_template_units);
	RUN(test_plain_numbers);
	RUN(test_all);
	return DONE();
}
