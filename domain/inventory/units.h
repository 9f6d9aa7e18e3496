/*
 * units: physical units of parameters (issue 17; docs/parameters.md).
 *
 * A parameter template names its units ("ohm", "kΩ", "F", "V", "%", or
 * none); a parameter's value is text such as "10k", "4k7", "10 kΩ",
 * "0.1 µF", "100n", and its number in the template's units is what parts
 * are filtered and sorted by.
 *
 * The units themselves -- SI prefixes, unit algebra, conversions -- are
 * UCAR's udunits2 (Debian's libudunits2-0 and its unit database), loaded
 * with dlopen() the first time a process needs it, so that no program
 * links it and one that never meets a unit never loads it.  This module
 * is the glue around it, for what electronics people write and udunits2
 * does not read:
 *
 *   - "Ω" (U+03A9 and the ohm sign U+2126), "Ohm", "Ohms", "ohms" and "R"
 *     after an optional prefix ("kR", "MΩ") are ohm; "μ" (U+03BC) and
 *     "µ" (U+00B5) are the micro prefix "u";
 *   - a bare prefix is a prefix of the template's units: "10k" of a
 *     template in ohm is 10 kohm, "100n" of one in F is 100 nF (InvenTree
 *     tries value + units the same way);
 *   - RKM codes (IEC 60062): "4k7" is 4.7k, "2M2" 2.2M, "4R7" 4.7 ohm;
 *   - the 2022 prefixes udunits2 predates: ronna (R) and quetta (Q),
 *     ronto (r) and quecto (q) before a unit;
 *   - a unit is letters, "%", "°", exponents and "/" or "." between
 *     them: no numbers first, no spaces, no "@" or "since" (which would
 *     make udunits2 read an offset or a time);
 *   - InvenTree's additions to pint's units (its conversion.py): the
 *     counts piece, each (ea), dozen (dz), hundred and thousand, and
 *     pint's symbol of parsec, pc; each with the SI prefixes and, as
 *     pint reads every unit, a plural "s" ("pieces", "dozens") -- so
 *     "pcs" is parsecs, as it is to InvenTree.  Custom units take the
 *     plural too.
 *
 * Numbers are rounded to 12 significant digits so that "100nF" and
 * "0.1 µF" are the same number; a value that does not fit a double is
 * refused.  Every function takes and returns plain strings (no request,
 * no database), for the fuzz harness and the unit tests.
 */
#ifndef SR_UNITS_H
#define SR_UNITS_H

#include <stdbool.h>
#include <stddef.h>

enum units_res {
	UNITS_OK,
	UNITS_INVALID,		/* not a quantity, not a unit */
	UNITS_DIMENSION,	/* a unit of another kind */
	UNITS_UNAVAILABLE,	/* udunits2 or its database is missing */
};

#define UNITS_WHY_MAX	256

/* Is units (trimmed, non-empty) a unit?  why: the reason it is not. */
enum units_res	units_check(const char *units, char why[UNITS_WHY_MAX]);

/*
 * value in units (non-empty): the number into *out, or the reason into
 * why ("Could not convert 10 V to ohm: 10 V is a voltage, ohm is a
 * resistance").
 */
enum units_res	units_convert(const char *value, const char *units,
		    double *out, char why[UNITS_WHY_MAX]);

/* A plain number ("10", "-2.5e3", not "10k"): into *out, rounded. */
bool		units_number(const char *value, double *out);

/* Rounds to 12 significant digits (finite values). */
double		units_round(double);

/*
 * Custom units (InvenTree's /api/units/): a name and an optional symbol,
 * each taking the SI prefixes ("kfan"), defined as an optional number
 * and a unit udunits2 knows ("3 m", "0.0254 m", "g").  The calls after
 * units_custom_set() know the n units of list (copied), after every unit
 * of udunits2's own.
 */
struct units_custom {
	const char	*name, *symbol, *definition;
};
void		units_custom_set(const struct units_custom *, size_t n);
/* Is definition one (else why)? */
enum units_res	units_custom_check(const char *definition,
		    char why[UNITS_WHY_MAX]);

/*
 * Every unit the parser knows by name, for InvenTree's /api/units/all/:
 * the names and symbols of udunits2's unit database (its XML files, read
 * with expat, xmldl.h, where udunits2 reads them, ut_get_path_xml()),
 * the names of ohm this module adds, InvenTree's additions above, and
 * the custom units' names and symbols.  visit is called once per name,
 * in strcmp() order: whether it is the name its unit is known by (own:
 * "ampere", not its symbol "A" nor its alias "amp"; the unit's first
 * name not among its <aliases>, else its first symbol, else its first
 * alias, as udunits2's "parsec"), whether it is a plain number
 * (dimensionless), and the own names of every unit of the same kind,
 * itself included (strcmp() order).  Names the parser would not take
 * are left out.
 */
struct units_entry {
	const char		*name;
	bool			 own, dimensionless;
	const char *const	*compatible;
	size_t			 ncompatible;
};
enum units_res	units_all(void (*visit)(void *, const struct units_entry *),
		    void *arg);

#endif
