/*
 * units: physical units of parameters through udunits2.  See units.h.
 */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stdint.h>

#include "xmldl.h"

#include "inventory/units.h"

/*
 * udunits2's interface, as its header (udunits2.h, converter.h) declares
 * it: written here so that building needs no package of it (nor the
 * cross builds of the release tarballs a header for each architecture).
 */
typedef struct ut_system	ut_system;
typedef union ut_unit		ut_unit;
typedef union cv_converter	cv_converter;
enum { UT_ASCII = 0, UT_UTF8 = 2 };
typedef int (*ut_error_message_handler)(const char *, va_list);

/* Longest value or unit text considered (a parameter's data is 500). */
#define UNITS_TEXT_MAX	128

/* udunits2's functions, found with dlsym() (never linked). */
static struct {
	bool		 tried, ok;
	ut_system	*sys;
	ut_system	*(*read_xml)(const char *path);
	ut_unit		*(*parse)(const ut_system *, const char *, int encoding);
	int		 (*are_convertible)(const ut_unit *, const ut_unit *);
	cv_converter	*(*get_converter)(ut_unit *from, ut_unit *to);
	ut_unit		*(*one)(const ut_system *);
	void		 (*free)(ut_unit *);
	ut_unit		*(*divide)(const ut_unit *, const ut_unit *);
	double		 (*convert)(const cv_converter *, double);
	void		 (*cv_free)(cv_converter *);
	ut_error_message_handler (*set_handler)(ut_error_message_handler);
	int		 (*ignore)(const char *, va_list);
	/* Optional (udunits2 2.2.x): where its database is. */
	const char	*(*path_xml)(const char *, int *status);
} ud;

/* Loads udunits2 and its unit database once per process. */
static bool
units_load(void)
{
	void *h;

	if (ud.tried)
		return ud.ok;
	ud.tried = true;
	if ((h = dlopen("libudunits2.so.0", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return false;
#define SYM(m, name)	if ((*(void **)&ud.m = dlsym(h, name)) == NULL) \
				return false
	SYM(read_xml, "ut_read_xml");
	SYM(parse, "ut_parse");
	SYM(are_convertible, "ut_are_convertible");
	SYM(get_converter, "ut_get_converter");
	SYM(one, "ut_get_dimensionless_unit_one");
	SYM(free, "ut_free");
	SYM(divide, "ut_divide");
	SYM(convert, "cv_convert_double");
	SYM(cv_free, "cv_free");
	SYM(set_handler, "ut_set_error_message_handler");
	SYM(ignore, "ut_ignore");
#undef SYM
	*(void **)&ud.path_xml = dlsym(h, "ut_get_path_xml");
	ud.set_handler(ud.ignore);	/* its messages go to stderr else */
	if ((ud.sys = ud.read_xml(NULL)) == NULL)
		return false;
	ud.ok = true;
	return true;
}

static void
units_free(ut_unit *u)
{
	if (u != NULL)
		ud.free(u);
}

/*
 * Do a and b measure the same kind of quantity?  udunits2 converts
 * between reciprocals too (s into Hz), which a parameter must not: a / b
 * must be a plain number.
 */
static bool
units_same(ut_unit *a, ut_unit *b)
{
	ut_unit *q, *one;
	bool same;

	if (!ud.are_convertible(a, b))
		return false;
	if ((q = ud.divide(a, b)) == NULL)
		return false;
	one = ud.one(ud.sys);
	same = one != NULL && ud.are_convertible(q, one);
	units_free(one);
	units_free(q);
	return same;
}

/* ---- text ----------------------------------------------------------- */

struct prefix {
	const char	*sym;
	double		 factor;
};

/* Every SI prefix, longest first where one begins another ("da"). */
static const struct prefix units_prefixes[] = {
	{ "da", 1e1 }, { "Q", 1e30 }, { "R", 1e27 }, { "Y", 1e24 },
	{ "Z", 1e21 }, { "E", 1e18 }, { "P", 1e15 }, { "T", 1e12 },
	{ "G", 1e9 }, { "M", 1e6 }, { "k", 1e3 }, { "h", 1e2 }, { "d", 1e-1 },
	{ "c", 1e-2 }, { "m", 1e-3 }, { "u", 1e-6 }, { "n", 1e-9 },
	{ "p", 1e-12 }, { "f", 1e-15 }, { "a", 1e-18 }, { "z", 1e-21 },
	{ "y", 1e-24 }, { "r", 1e-27 }, { "q", 1e-30 },
};
#define NPREFIX	(sizeof(units_prefixes) / sizeof(units_prefixes[0]))

static const struct prefix *
units_prefix(const char *s, size_t len)
{
	for (size_t i = 0; i < NPREFIX; i++)
		if (strlen(units_prefixes[i].sym) == len &&
		    memcmp(units_prefixes[i].sym, s, len) == 0)
			return &units_prefixes[i];
	return NULL;
}

/* Names of ohm udunits2 does not know, at the end of a unit. */
static const char *const units_ohms[] = {
	"\xce\xa9", "\xe2\x84\xa6", "Ohms", "ohms", "Ohm", "OHM", "R",
};

/*
 * Writes unit text s as udunits2 reads it into out (UNITS_TEXT_MAX):
 * micro signs as "u", ohm's other names as "ohm".  false: s cannot be a
 * unit (too long, starts with a number, holds a space, "@", "(").
 */
static bool
units_normalise(const char *s, char *out)
{
	size_t n = 0, len;

	if (s[0] == '\0' || strchr("0123456789+-.", s[0]) != NULL ||
	    strpbrk(s, " \t@()#,;:'\"\\") != NULL || strstr(s, "since") ||
	    strlen(s) >= UNITS_TEXT_MAX - 8)
		return false;
	/* Letters, digits, "%", "/", ".", "^", "*", "_", "-", and UTF-8 (Ω,
	 * µ, °): nothing else names a unit, and udunits2's lexer leaks on
	 * some other bytes. */
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	    p++)
		if (*p < 0x80 && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
		    strchr("%/.^*_-", *p) == NULL)
			return false;
		else if (*p == '.' && p > (const unsigned char *)s &&
		    p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9')
			return false;	/* a decimal exponent: not a unit */
	for (const char *p = s; *p != '\0'; ) {
		if (strncmp(p, "\xc2\xb5", 2) == 0 ||
		    strncmp(p, "\xce\xbc", 2) == 0) {
			out[n++] = 'u';
			p += 2;
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
	len = n;
	for (size_t i = 0; i < sizeof(units_ohms) / sizeof(units_ohms[0]);
	    i++) {
		size_t al = strlen(units_ohms[i]);
		if (al > len || strcmp(out + len - al, units_ohms[i]) != 0)
			continue;
		if (len != al && units_prefix(out, len - al) == NULL)
			continue;
		memcpy(out + len - al, "ohm", 4);
		break;
	}
	return true;
}

/* Parses normalised unit text, with the 2022 prefixes udunits2 lacks. */
static ut_unit *
units_parse_own(const char *s, double *factor)
{
	ut_unit *u;

	*factor = 1;
	if ((u = ud.parse(ud.sys, s, UT_UTF8)) != NULL)
		return u;
	if (strchr("QRqr", s[0]) != NULL && s[1] != '\0' &&
	    (u = ud.parse(ud.sys, s + 1, UT_UTF8)) != NULL)
		*factor = units_prefix(s, 1)->factor;
	return u;
}

/* The custom units, copied (a process keeps them between requests). */
static struct units_custom *units_customs;
static size_t units_ncustom;

static char *
units_dup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		abort();
	return d;
}

void
units_custom_set(const struct units_custom *list, size_t n)
{
	for (size_t i = 0; i < units_ncustom; i++) {
		free((char *)units_customs[i].name);
		free((char *)units_customs[i].symbol);
		free((char *)units_customs[i].definition);
	}
	free(units_customs);
	units_customs = NULL;
	units_ncustom = 0;
	if (n == 0)
		return;
	if ((units_customs = calloc(n, sizeof(*units_customs))) == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		units_customs[i].name = units_dup(list[i].name);
		units_customs[i].symbol = units_dup(list[i].symbol);
		units_customs[i].definition = units_dup(list[i].definition);
	}
	units_ncustom = n;
}

static size_t units_scan(const char *, char *, char *);
static bool units_trim(const char *, char *);
static bool units_normalise(const char *, char *);
static bool units_strtod(const char *, double *);

/*
 * InvenTree's additions to pint's units (InvenTree/conversion.py,
 * reload_unit_registry()): the counts, and "pc", pint's symbol of the
 * parsec, which udunits2 knows only by name (so that "pcs" is read as
 * InvenTree reads it).  Each is read as a custom unit is, after
 * udunits2's own and before the custom ones.
 */
static const struct units_custom units_extra[] = {
	{ "piece", "", "1" },
	{ "each", "ea", "1" },
	{ "dozen", "dz", "12" },
	{ "hundred", "", "100" },
	{ "thousand", "", "1000" },
	{ "parsec", "pc", "parsec" },
};
#define NEXTRA	(sizeof(units_extra) / sizeof(units_extra[0]))

static ut_unit *units_parse_listed(const struct units_custom *, size_t,
    const char *, double *);

/* A definition, "[number] unit", as a unit of udunits2's (or one of
 * InvenTree's additions) and its factor; NULL: not one. */
static ut_unit *
units_definition(const char *def, double *factor)
{
	char s[UNITS_TEXT_MAX], num[UNITS_TEXT_MAX], rest[UNITS_TEXT_MAX],
	    norm[UNITS_TEXT_MAX], rkm;
	double n = 1, f;
	size_t k;
	ut_unit *u;

	if (!units_trim(def, s))
		return NULL;
	if ((k = units_scan(s, num, &rkm)) > 0) {
		if (rkm != '\0' || !units_strtod(num, &n) || n == 0)
			return NULL;
		if (s[k] == '\0') {
			*factor = n;
			return ud.one(ud.sys);
		}
		if (!units_trim(s + k, rest))
			return NULL;
	} else
		memcpy(rest, s, strlen(s) + 1);
	if (!units_normalise(rest, norm))
		return NULL;
	if ((u = units_parse_own(norm, &f)) == NULL &&
	    (u = units_parse_listed(units_extra, NEXTRA, norm, &f)) == NULL)
		return NULL;
	*factor = n * f;
	return u;
}

/*
 * s, the name or symbol of one of the n units of list after an optional
 * SI prefix ("kpiece") and, as pint reads any unit, an optional plural
 * "s" ("pieces", "pcs"), which pint takes after two letters or more (not
 * "ms" for m).  A name as it is goes before a plural.
 */
static ut_unit *
units_parse_listed(const struct units_custom *list, size_t n, const char *s,
    double *factor)
{
	size_t len = strlen(s);

	for (int plural = 0; plural < 2; plural++) {
		size_t l = len - (size_t)plural;
		if (plural && (len < 3 || s[len - 1] != 's'))
			break;
		for (size_t i = 0; i < n; i++) {
			const char *keys[2] = { list[i].name, list[i].symbol };
			for (int k = 0; k < 2; k++) {
				size_t kl = keys[k] != NULL ? strlen(keys[k]) :
				    0;
				const struct prefix *p = NULL;
				if (kl == 0 || kl > l || (plural && kl < 2) ||
				    memcmp(s + l - kl, keys[k], kl) != 0 ||
				    (kl < l && (p = units_prefix(s, l - kl)) ==
				    NULL))
					continue;
				ut_unit *u = units_definition(
				    list[i].definition, factor);
				if (u != NULL && p != NULL)
					*factor *= p->factor;
				return u;
			}
		}
	}
	return NULL;
}

/* Unit text as udunits2 reads it, then as one of InvenTree's additions,
 * then as a custom unit. */
static ut_unit *
units_parse(const char *s, double *factor)
{
	ut_unit *u;

	if ((u = units_parse_own(s, factor)) != NULL ||
	    (u = units_parse_listed(units_extra, NEXTRA, s, factor)) != NULL)
		return u;
	return units_parse_listed(units_customs, units_ncustom, s, factor);
}

enum units_res
units_custom_check(const char *definition, char why[UNITS_WHY_MAX])
{
	double f;
	ut_unit *u;

	why[0] = '\0';
	if (!units_load()) {
		snprintf(why, UNITS_WHY_MAX, "Units cannot be checked: "
		    "udunits2 is not installed");
		return UNITS_UNAVAILABLE;
	}
	if ((u = units_definition(definition, &f)) == NULL) {
		snprintf(why, UNITS_WHY_MAX, "Invalid unit definition: %.64s "
		    "(a number and a known unit: \"3 m\")", definition);
		return UNITS_INVALID;
	}
	ud.free(u);
	return UNITS_OK;
}

double
units_round(double v)
{
	char buf[32];

	if (!isfinite(v) || v == 0)
		return v;
	snprintf(buf, sizeof(buf), "%.12g", v);
	return strtod(buf, NULL);
}

/*
 * The number at the start of s, as text into num (UNITS_TEXT_MAX): sign,
 * digits, a point, an exponent; or an RKM code ("4k7": num "4.7", *rkm
 * 'k').  Returns the length of s read, 0 for no number.
 */
static size_t
units_scan(const char *s, char *num, char *rkm)
{
	size_t i = 0, n = 0, digits = 0;

	*rkm = '\0';
	if (s[i] == '+' || s[i] == '-')
		num[n++] = s[i++];
	while (s[i] >= '0' && s[i] <= '9' && n < UNITS_TEXT_MAX - 8) {
		num[n++] = s[i++];
		digits++;
	}
	if (digits > 0 && strchr("RrkKMGTpnum", s[i]) != NULL &&
	    s[i] != '\0' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		/* An RKM code: the letter is the point. */
		*rkm = s[i] == 'K' ? 'k' : s[i];
		i++;
		num[n++] = '.';
		while (s[i] >= '0' && s[i] <= '9' && n < UNITS_TEXT_MAX - 8)
			num[n++] = s[i++];
		num[n] = '\0';
		return i;
	}
	if (s[i] == '.') {
		num[n++] = s[i++];
		while (s[i] >= '0' && s[i] <= '9' && n < UNITS_TEXT_MAX - 8) {
			num[n++] = s[i++];
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if ((s[i] == 'e' || s[i] == 'E') && ((s[i + 1] >= '0' &&
	    s[i + 1] <= '9') || ((s[i + 1] == '+' || s[i + 1] == '-') &&
	    s[i + 2] >= '0' && s[i + 2] <= '9'))) {
		num[n++] = s[i++];
		if (s[i] == '+' || s[i] == '-')
			num[n++] = s[i++];
		while (s[i] >= '0' && s[i] <= '9' && n < UNITS_TEXT_MAX - 2)
			num[n++] = s[i++];
	}
	num[n] = '\0';
	return i;
}

/* s without the spaces around it, into out (UNITS_TEXT_MAX); false: too
 * long or empty. */
static bool
units_trim(const char *s, char *out)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= UNITS_TEXT_MAX - 8)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/* A number's text into a double; false: none, or out of range. */
static bool
units_strtod(const char *num, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(num, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(*out))
		return false;
	return true;
}

bool
units_number(const char *value, double *out)
{
	char s[UNITS_TEXT_MAX], num[UNITS_TEXT_MAX], rkm;
	size_t n;

	if (!units_trim(value, s) || (n = units_scan(s, num, &rkm)) == 0 ||
	    rkm != '\0' || s[n] != '\0' || !units_strtod(num, out) ||
	    (*out != 0 && fabs(*out) < 1e-300))
		return false;
	*out = units_round(*out);
	return true;
}

enum units_res
units_check(const char *units, char why[UNITS_WHY_MAX])
{
	char s[UNITS_TEXT_MAX], norm[UNITS_TEXT_MAX];
	double f;
	ut_unit *u;

	why[0] = '\0';
	if (!units_load()) {
		snprintf(why, UNITS_WHY_MAX, "Units cannot be checked: "
		    "udunits2 is not installed");
		return UNITS_UNAVAILABLE;
	}
	if (!units_trim(units, s) || !units_normalise(s, norm) ||
	    (u = units_parse(norm, &f)) == NULL) {
		snprintf(why, UNITS_WHY_MAX, "Invalid physical unit: %.64s",
		    units);
		return UNITS_INVALID;
	}
	ud.free(u);
	return UNITS_OK;
}

/* What kind of quantity a unit measures, for messages. */
static const struct {
	const char	*noun, *unit;
} units_kinds[] = {
	{ "a resistance", "ohm" }, { "a capacitance", "F" },
	{ "an inductance", "H" }, { "a voltage", "V" }, { "a current", "A" },
	{ "a power", "W" }, { "a frequency", "Hz" }, { "an energy", "J" },
	{ "a charge", "C" }, { "a conductance", "S" },
	{ "a temperature", "K" }, { "a length", "m" }, { "an area", "m2" },
	{ "a volume", "m3" }, { "a mass", "kg" }, { "a speed", "m/s" },
	{ "a force", "N" }, { "a pressure", "Pa" }, { "a luminous intensity",
	"cd" }, { "a magnetic flux", "Wb" }, { "a flux density", "T" },
	{ "an amount of substance", "mol" }, { "a time", "s" },
};

static const char *
units_kind(ut_unit *u)
{
	ut_unit *one = ud.one(ud.sys);

	if (one != NULL && units_same(u, one))
		return "a plain number";
	ud.free(one);
	for (size_t i = 0; i < sizeof(units_kinds) / sizeof(units_kinds[0]);
	    i++) {
		ut_unit *k = ud.parse(ud.sys, units_kinds[i].unit, UT_ASCII);
		bool same = k != NULL && units_same(u, k);
		ud.free(k);
		if (same)
			return units_kinds[i].noun;
	}
	return "another kind of quantity";
}

/* v in unit text from (normalised) into to: UNITS_OK or why not. */
static enum units_res
units_into(double v, const char *from, ut_unit *to, double *out,
    ut_unit **fromu)
{
	double f;
	ut_unit *u = units_parse(from, &f);
	cv_converter *cv;

	*fromu = u;
	if (u == NULL)
		return UNITS_INVALID;
	if (!units_same(u, to))
		return UNITS_DIMENSION;
	if ((cv = ud.get_converter(u, to)) == NULL)
		return UNITS_DIMENSION;
	*out = ud.convert(cv, v * f);
	ud.cv_free(cv);
	return UNITS_OK;
}

enum units_res
units_convert(const char *value, const char *units, double *out,
    char why[UNITS_WHY_MAX])
{
	char s[UNITS_TEXT_MAX], num[UNITS_TEXT_MAX], tnorm[UNITS_TEXT_MAX],
	    utext[UNITS_TEXT_MAX + 8], unorm[UNITS_TEXT_MAX],
	    both[2 * UNITS_TEXT_MAX], rkm;
	enum units_res r;
	ut_unit *to, *from = NULL, *from2 = NULL;
	const struct prefix *p;
	double v, tf;
	size_t n;

	why[0] = '\0';
	if ((r = units_check(units, why)) != UNITS_OK)
		return r;
	if (!units_trim(value, s) || (n = units_scan(s, num, &rkm)) == 0 ||
	    !units_strtod(num, &v)) {
		snprintf(why, UNITS_WHY_MAX, "Invalid quantity supplied "
		    "(%.64s)", value);
		return UNITS_INVALID;
	}
	/* The unit written after the number, with an RKM code's letter. */
	const char *rest = s + n;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (rkm == 'R' || rkm == 'r')
		snprintf(utext, sizeof(utext), "%s", *rest != '\0' ? rest :
		    "ohm");
	else if (rkm != '\0')
		snprintf(utext, sizeof(utext), "%c%s", rkm, rest);
	else
		snprintf(utext, sizeof(utext), "%s", rest);

	units_trim(units, s);
	units_normalise(s, tnorm);
	to = units_parse(tnorm, &tf);
	if (to == NULL)
		return UNITS_INVALID;	/* units_check() said it was */
	if (utext[0] == '\0') {
		/* No unit: the number is in the template's units. */
		*out = v;
		tf = 1;
		r = UNITS_OK;
	} else if (!units_normalise(utext, unorm))
		r = UNITS_INVALID;
	else if ((r = units_into(v, unorm, to, out, &from)) != UNITS_OK &&
	    (p = units_prefix(unorm, strlen(unorm))) != NULL) {
		/* A bare prefix: of the template's units ("10k" ohm). */
		snprintf(both, sizeof(both), "%s%s", unorm, tnorm);
		if (units_into(v, both, to, out, &from2) == UNITS_OK)
			r = UNITS_OK;
		/* Of prefixed units, of their unprefixed unit ("4k7" of a
		 * template in kohm is 4.7 kohm). */
		for (size_t k = 1; r != UNITS_OK && k <= 2 &&
		    k < strlen(tnorm); k++) {
			ut_unit *base;
			if (units_prefix(tnorm, k) == NULL)
				continue;
			units_free(from2);
			from2 = NULL;
			if (units_into(v * p->factor, tnorm + k, to, out,
			    &base) == UNITS_OK)
				r = UNITS_OK;
			units_free(base);
		}
	}
	if (r == UNITS_OK) {
		*out *= 1 / tf;
		if (!isfinite(*out) || (*out != 0 && fabs(*out) < 1e-300)) {
			snprintf(why, UNITS_WHY_MAX, "Value out of range "
			    "(%.64s)", value);
			r = UNITS_INVALID;
		} else
			*out = units_round(*out);
	} else if (r == UNITS_DIMENSION && from != NULL)
		snprintf(why, UNITS_WHY_MAX, "Could not convert %.64s to "
		    "%.32s: %.64s is %s, %.32s is %s", value, units, value,
		    units_kind(from), units, units_kind(to));
	else
		snprintf(why, UNITS_WHY_MAX, "Invalid quantity supplied "
		    "(%.64s): %.64s is not a unit", value, utext);
	units_free(from);
	units_free(from2);
	units_free(to);
	return r;
}

#ifdef STOCKROOM_STATIC
/* No libexpat in a static release build (xmldl.h). */
enum units_res
units_all(void (*visit)(void *, const struct units_entry *), void *arg)
{
	(void)visit;
	(void)arg;
	return UNITS_UNAVAILABLE;
}
#else
/* ---- every unit (units_all) ------------------------------------------- */

struct ua_name {
	char		*name;
	bool		 alias, symbol;
	size_t		 unit;		/* its unit (ua.units) */
	ut_unit		*u;		/* as the parser reads it, or NULL */
};

struct ua_unit {
	const char	*canon;		/* its own name (not an alias) */
	size_t		 group;		/* its kind (ua.groups) */
	bool		 used;		/* some name of it is read */
	char		*def;		/* only aliases: its <def>, or NULL */
};

struct ua {
	struct ua_name	*names;
	size_t		 nnames, capn;
	struct ua_unit	*units;
	size_t		 nunits, capu;
	ut_unit		**groups;	/* one unit of each kind */
	size_t		 ngroups, capg;
};

static void *
ua_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap * 2 + 16;
	if ((v = realloc(v, *cap * size)) == NULL)
		abort();
	return v;
}

static void
ua_name_add(struct ua *a, const char *name, bool alias, bool symbol)
{
	a->names = ua_grow(a->names, &a->capn, a->nnames, sizeof(*a->names));
	a->names[a->nnames++] = (struct ua_name){ units_dup(name), alias,
	    symbol, a->nunits, NULL };
}

/* The names since first make one unit, its own name its first name not
 * an alias (a name before a symbol).  def: its <def> (NULL: none). */
static void
ua_unit_end(struct ua *a, size_t first, const char *def)
{
	const char *canon = NULL;
	bool aliases_only = true;

	if (first == a->nnames)
		return;
	for (size_t i = first; i < a->nnames; i++)
		aliases_only &= a->names[i].alias;
	for (int pass = 0; pass < 3 && canon == NULL; pass++)
		for (size_t i = first; i < a->nnames && canon == NULL; i++)
			if (pass == 2 || (!a->names[i].alias &&
			    a->names[i].symbol == (pass == 1)))
				canon = a->names[i].name;
	a->units = ua_grow(a->units, &a->capu, a->nunits, sizeof(*a->units));
	a->units[a->nunits++] = (struct ua_unit){ canon, 0, false,
	    aliases_only && def != NULL && def[0] != '\0' ? units_dup(def) :
	    NULL };
}

/* One file of udunits2's database being read (ua_file()). */
struct ua_read {
	struct ua	*a;
	const char	*path;
	int		 depth;
	bool		 in_unit, in_aliases;
	size_t		 first;		/* the unit's first name */
	enum { UA_NONE, UA_SINGULAR, UA_SYMBOL, UA_IMPORT, UA_DEF } field;
	char		 text[UNITS_TEXT_MAX];
	char		 def[UNITS_TEXT_MAX];	/* the unit's <def> */
	size_t		 len;
	bool		 overflow;
};

static void ua_file(struct ua *, const char *path, int depth);

static void
ua_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct ua_read *r = arg;

	(void)atts;
	if (strcmp(name, "unit") == 0) {
		r->in_unit = true;
		r->in_aliases = false;
		r->first = r->a->nnames;
		r->def[0] = '\0';
	} else if (strcmp(name, "aliases") == 0)
		r->in_aliases = true;
	else if (r->in_unit && strcmp(name, "singular") == 0)
		r->field = UA_SINGULAR;
	else if (r->in_unit && strcmp(name, "symbol") == 0)
		r->field = UA_SYMBOL;
	else if (r->in_unit && strcmp(name, "def") == 0)
		r->field = UA_DEF;
	else if (!r->in_unit && strcmp(name, "import") == 0)
		r->field = UA_IMPORT;
	r->len = 0;
	r->overflow = false;
}

static void
ua_chars(void *arg, const XML_Char *s, int n)
{
	struct ua_read *r = arg;

	if (r->field == UA_NONE || n <= 0)
		return;
	if (r->len + (size_t)n >= sizeof(r->text)) {
		r->overflow = true;
		return;
	}
	memcpy(r->text + r->len, s, (size_t)n);
	r->len += (size_t)n;
}

static void
ua_end(void *arg, const XML_Char *name)
{
	struct ua_read *r = arg;
	char *t = r->text;
	size_t n = r->len;

	if (strcmp(name, "unit") == 0 && r->in_unit) {
		ua_unit_end(r->a, r->first, r->def);
		r->in_unit = false;
		return;
	}
	if (strcmp(name, "aliases") == 0) {
		r->in_aliases = false;
		return;
	}
	if (r->field == UA_NONE)
		return;
	int field = r->field;
	r->field = UA_NONE;
	while (n > 0 && strchr(" \t\r\n", *t) != NULL)
		t++, n--;
	while (n > 0 && strchr(" \t\r\n", t[n - 1]) != NULL)
		n--;
	if (r->overflow || n == 0)
		return;
	t[n] = '\0';
	if (field == UA_DEF) {
		memcpy(r->def, t, n + 1);
		return;
	}
	if (field != UA_IMPORT) {
		ua_name_add(r->a, t, r->in_aliases, field == UA_SYMBOL);
		return;
	}
	char sub[4096];
	const char *slash = strrchr(r->path, '/');
	int dl = slash != NULL ? (int)(slash - r->path + 1) : 0;
	if (t[0] == '/')
		snprintf(sub, sizeof(sub), "%s", t);
	else
		snprintf(sub, sizeof(sub), "%.*s%s", dl, r->path, t);
	ua_file(r->a, sub, r->depth + 1);
}

/*
 * One file of udunits2's database, read with expat (xmldl.h), and the
 * files it imports: each <unit>'s <singular> names and <symbol>s, those
 * inside <aliases> as aliases.
 */
static void
ua_file(struct ua *a, const char *path, int depth)
{
	struct ua_read r = { .a = a, .path = path, .depth = depth };
	char *buf;
	size_t len;
	XML_Parser p;
	FILE *f;
	long sz;

	if (depth > 4 || (f = fopen(path, "rb")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) <= 0 ||
	    sz > 8 << 20 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return;
	}
	if ((buf = malloc((size_t)sz)) == NULL)
		abort();
	len = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	if ((p = xmldl.create(NULL)) == NULL)
		abort();
	xmldl.set_user_data(p, &r);
	xmldl.set_element_handler(p, ua_start, ua_end);
	xmldl.set_character_data_handler(p, ua_chars);
	(void)xmldl.parse(p, buf, (int)len, 1);	/* a bad file: what it had */
	xmldl.free(p);
	free(buf);
}

/*
 * A unit of udunits2's named only by aliases and defined as another unit
 * by one of its names ("amp" is <def>A</def>, "degC" is
 * <def>degree_Celsius</def>) is that unit: its names become the other
 * unit's other names, as pint has them (ampere = A = amp).  A unit
 * named only by aliases and defined otherwise keeps them as its own
 * ("parsec", <def>3.085678e16 m</def>).
 */
static void
ua_synonyms(struct ua *a)
{
	size_t *to = calloc(a->nunits + 1, sizeof(*to));

	if (to == NULL)
		abort();
	for (size_t k = 0; k < a->nunits; k++) {
		to[k] = SIZE_MAX;
		for (size_t i = 0; a->units[k].def != NULL && i < a->nnames;
		    i++)
			if (a->names[i].unit != k &&
			    strcmp(a->names[i].name, a->units[k].def) == 0) {
				to[k] = a->names[i].unit;
				break;
			}
	}
	for (size_t i = 0; i < a->nnames; i++) {
		size_t u = a->names[i].unit;
		/* A chain of synonyms, at most a few long (no loops). */
		for (int hop = 0; hop < 8 && u < a->nunits &&
		    to[u] != SIZE_MAX; hop++)
			u = to[u];
		a->names[i].unit = u;
	}
	free(to);
}

static int
ua_name_cmp(const void *x, const void *y)
{
	const struct ua_name *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : (int)a->alias - (int)b->alias;
}

static int
ua_str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

enum units_res
units_all(void (*visit)(void *, const struct units_entry *), void *arg)
{
	struct ua a = { 0 };
	const char *path = NULL, *env;
	const char **compat = NULL;
	ut_unit *one;
	size_t ohm = SIZE_MAX;

	if (!units_load() || xmldl_load() != NULL)
		return UNITS_UNAVAILABLE;
	if (ud.path_xml != NULL) {
		int status;
		path = ud.path_xml(NULL, &status);
	} else if ((env = getenv("UDUNITS2_XML_PATH")) != NULL)
		path = env;
	ua_file(&a, path != NULL ? path :
	    "/usr/share/xml/udunits/udunits2.xml", 0);
	ua_synonyms(&a);
	/* Ohm's names this module adds, as aliases of ohm. */
	for (size_t i = 0; i < a.nnames && ohm == SIZE_MAX; i++)
		if (strcmp(a.names[i].name, "ohm") == 0)
			ohm = a.names[i].unit;
	for (size_t i = 0; ohm != SIZE_MAX &&
	    i < sizeof(units_ohms) / sizeof(units_ohms[0]); i++)
		if (strcmp(units_ohms[i], "R") != 0) {
			ua_name_add(&a, units_ohms[i], true, false);
			a.names[a.nnames - 1].unit = ohm;
		}
	/* InvenTree's additions: "pc" a symbol of udunits2's parsec, the
	 * counts units of their own. */
	for (size_t i = 0; i < NEXTRA; i++) {
		size_t first = a.nnames, unit = SIZE_MAX;
		for (size_t j = 0; j < a.nnames && unit == SIZE_MAX; j++)
			if (strcmp(a.names[j].name, units_extra[i].name) == 0)
				unit = a.names[j].unit;
		if (unit != SIZE_MAX) {
			ua_name_add(&a, units_extra[i].symbol, false, true);
			a.names[a.nnames - 1].unit = unit;
			continue;
		}
		ua_name_add(&a, units_extra[i].name, false, false);
		if (units_extra[i].symbol[0] != '\0')
			ua_name_add(&a, units_extra[i].symbol, false, true);
		ua_unit_end(&a, first, NULL);
	}
	for (size_t i = 0; i < units_ncustom; i++) {
		size_t first = a.nnames;
		ua_name_add(&a, units_customs[i].name, false, false);
		if (units_customs[i].symbol[0] != '\0')
			ua_name_add(&a, units_customs[i].symbol, false, true);
		ua_unit_end(&a, first, NULL);
	}

	/* Each name as the parser reads it; each unit's kind. */
	one = ud.one(ud.sys);
	for (size_t i = 0; i < a.nnames; i++) {
		struct ua_name *n = &a.names[i];
		struct ua_unit *u = &a.units[n->unit];
		char norm[UNITS_TEXT_MAX];
		double f;
		if (strlen(n->name) >= UNITS_TEXT_MAX - 8 ||
		    !units_normalise(n->name, norm) ||
		    (n->u = units_parse(norm, &f)) == NULL)
			continue;
		if (u->used)
			continue;
		u->used = true;
		size_t g;
		for (g = 0; g < a.ngroups; g++)
			if (units_same(n->u, a.groups[g]))
				break;
		if (g == a.ngroups) {
			a.groups = ua_grow(a.groups, &a.capg, a.ngroups,
			    sizeof(*a.groups));
			a.groups[a.ngroups++] = n->u;
		}
		u->group = g;
	}
	/* A unit whose own name the parser does not read is known by its
	 * first name it reads. */
	for (size_t i = 0; i < a.nnames; i++) {
		struct ua_unit *u = &a.units[a.names[i].unit];
		bool canon_ok = false;
		for (size_t j = 0; j < a.nnames; j++)
			if (a.names[j].name == u->canon) {
				canon_ok = a.names[j].u != NULL;
				break;
			}
		if (!canon_ok && a.names[i].u != NULL)
			u->canon = a.names[i].name;
	}

	qsort(a.names, a.nnames, sizeof(*a.names), ua_name_cmp);
	if ((compat = calloc(a.nunits + 1, sizeof(*compat))) == NULL)
		abort();
	for (size_t i = 0; i < a.nnames; i++) {
		struct ua_name *n = &a.names[i];
		if (n->u == NULL || (i > 0 && strcmp(n->name,
		    a.names[i - 1].name) == 0))
			continue;
		size_t g = a.units[n->unit].group, nc = 0;
		for (size_t k = 0; k < a.nunits; k++) {
			bool dup = false;
			if (!a.units[k].used || a.units[k].group != g)
				continue;
			for (size_t m = 0; m < nc && !dup; m++)
				dup = strcmp(compat[m], a.units[k].canon) == 0;
			if (!dup)
				compat[nc++] = a.units[k].canon;
		}
		qsort(compat, nc, sizeof(*compat), ua_str_cmp);
		struct units_entry e = { n->name,
		    n->name == a.units[n->unit].canon,
		    one != NULL && units_same(n->u, one), compat, nc };
		visit(arg, &e);
	}

	free(compat);
	units_free(one);
	for (size_t i = 0; i < a.nnames; i++) {
		units_free(a.names[i].u);
		free(a.names[i].name);
	}
	free(a.names);
	for (size_t k = 0; k < a.nunits; k++)
		free(a.units[k].def);
	free(a.units);
	free(a.groups);
	return UNITS_OK;
}
#endif
