/*
 * fuzz_field: JSON request bodies validated into typed fields
 * (val_object in lib/val.c, with dec_from_json/dec_parse of lib/dec.c
 * for quantities), as every create and edit endpoint does.
 *
 * Input: one byte (bit 0: create, so required fields count), then a JSON
 * body; the same bytes after the first are also given to dec_parse() as a
 * string.  Checks that accepted values keep the field table's promises:
 * text is valid, one line where it must be, within its length; ids are
 * whole and within 1..VAL_ID_MAX; a list of ids names each once;
 * decimals are within 0..DEC_MAX and survive dec_format() and dec_parse()
 * unchanged; dates are YYYY-MM-DD; URLs are http(s); choices are choices;
 * and a refusal is a 400 with a message per bad field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stockroom.h"
#include "dec.h"

static const struct choice statuses[] = {
	{ 10, "OK", NULL, NULL }, { 50, "Attention", NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

static const struct field fields[] = {
	{ "name", FT_TEXT, F_REQUIRED, 100 },
	{ "notes", FT_NOTES, 0, 1000 },
	{ "active", FT_BOOL, 0, .def = 1 },
	{ "parent", FT_ID, F_NULL },
	{ "quantity", FT_DEC, F_REQUIRED },
	{ "expiry", FT_DATE, F_NULL },
	{ "status", FT_CHOICE, 0, .def = 10, .choices = statuses },
	{ "link", FT_URL, 0, 2000 },
	{ "email", FT_EMAIL, 0, 254 },
	{ "items", FT_IDS, 0, 50 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
dec_roundtrip(long long v)
{
	char buf[DEC_BUFSZ];
	long long back;

	if (dec_parse(dec_format(v, buf), &back) != DEC_OK || back != v)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const envp[] = { NULL };
	struct val vals[NFIELDS];
	struct ctx ctx;
	long long d;

	if (size < 1)
		return 0;
	bool create = data[0] & 1;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	if (dec_parse(s, &d) == DEC_OK) {
		if (d < -DEC_MAX || d > DEC_MAX)
			abort();
		dec_roundtrip(d);
	}

	ctx_init(&ctx, envp, NULL, NULL, NULL);
	ctx.req.body_kind = REQ_BODY_JSON;
	cJSON *j = cJSON_ParseWithLength(s, size - 1);
	if (j != NULL) {
		struct errs es;
		errs_init(&es, &ctx);
		for (size_t i = 0; i < NFIELDS; i++)
			val_default(&fields[i], &vals[i]);
		val_object(&ctx, j, fields, NFIELDS, vals, create, &es);
		struct err *e = errs_end(&es);
		if (e == NULL) {
			for (size_t i = 0; i < NFIELDS; i++) {
				const struct field *f = &fields[i];
				const struct val *v = &vals[i];
				if (!v->present || v->null)
					continue;
				switch (f->type) {
				case FT_TEXT:
				case FT_NOTES:
				case FT_EMAIL:
				case FT_URL:
					if (!txt_utf8_valid(v->s, strlen(v->s),
					    f->type == FT_NOTES) ||
					    chars(v->s) > (size_t)f->max)
						abort();
					if (f->type == FT_URL && v->s[0] != '\0' &&
					    strncasecmp(v->s, "http", 4) != 0)
						abort();
					break;
				case FT_ID:
					if (v->i < 1 || v->i > VAL_ID_MAX)
						abort();
					break;
				case FT_CHOICE:
					if (val_choice_label(f->choices, v->i) ==
					    NULL)
						abort();
					break;
				case FT_IDS:
					for (size_t k = 0; k < v->n; k++)
						for (size_t m = 0; m < k; m++)
							if (v->ids[m] == v->ids[k])
								abort();
					break;
				case FT_DEC:
					if (v->i < 0 || v->i > DEC_MAX)
						abort();
					dec_roundtrip(v->i);
					break;
				case FT_DATE:
					if (!val_date(v->s))
						abort();
					break;
				case FT_BOOL:
					if (v->i != 0 && v->i != 1)
						abort();
					break;
				default:
					break;
				}
			}
		} else if (e->status != 400 || e->body == NULL ||
		    e->body->child == NULL || ctx.resp.status != 0)
			abort();
		cJSON_Delete(j);
	}
	ctx_end(&ctx);
	free(s);
	return 0;
}
