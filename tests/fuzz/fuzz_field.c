/*
 * fuzz_field: JSON request bodies validated into typed fields
 * (field_parse in lib/field.c, with dec_from_json/dec_parse of lib/dec.c
 * for quantities), as every create and edit endpoint does.
 *
 * Input: one byte (bit 0: create, so required fields count), then a JSON
 * body; the same bytes after the first are also given to dec_parse() as a
 * string.  Checks that accepted values keep the field table's promises:
 * text is valid, one line where it must be, within its length; ids are
 * positive; decimals are within 0..DEC_MAX and survive dec_format() and
 * dec_parse() unchanged; dates are YYYY-MM-DD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"
#include "dec.h"
#include "field.h"

static const struct field fields[] = {
	{ "name", FIELD_TEXT, 100, true, false, 0 },
	{ "notes", FIELD_NOTES, 1000, false, false, 0 },
	{ "active", FIELD_BOOL, 0, false, false, 1 },
	{ "parent", FIELD_ID, 0, false, true, 0 },
	{ "quantity", FIELD_DEC, 0, true, false, 0 },
	{ "expiry", FIELD_DATE, 0, false, true, 0 },
	{ "status", FIELD_STATUS, 0, false, false, 10 },
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
	struct field_val vals[NFIELDS];
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
	cJSON *j = cJSON_ParseWithLength(s, size - 1);
	if (j != NULL) {
		memset(vals, 0, sizeof(vals));
		if (!create)
			field_defaults(fields, NFIELDS, vals);
		int rc = field_parse(&ctx, j, fields, NFIELDS, vals, create);
		if (rc == 0) {
			for (size_t i = 0; i < NFIELDS; i++) {
				const struct field *f = &fields[i];
				const struct field_val *v = &vals[i];
				if (!v->present || v->null)
					continue;
				switch (f->type) {
				case FIELD_TEXT:
				case FIELD_NOTES:
					if (!txt_utf8_valid(v->s, strlen(v->s),
					    f->type == FIELD_NOTES) ||
					    chars(v->s) > f->maxlen)
						abort();
					break;
				case FIELD_ID:
				case FIELD_STATUS:
					if (v->i < 1)
						abort();
					break;
				case FIELD_DEC:
					if (v->i < 0 || v->i > DEC_MAX)
						abort();
					dec_roundtrip(v->i);
					break;
				case FIELD_DATE:
					if (strlen(v->s) != 10 ||
					    v->s[4] != '-' || v->s[7] != '-')
						abort();
					break;
				case FIELD_BOOL:
					if (v->i != 0 && v->i != 1)
						abort();
					break;
				}
			}
		} else if (rc != 400 || ctx.resp.status != 400)
			abort();
		cJSON_Delete(j);
	}
	ctx_end(&ctx);
	free(s);
	return 0;
}
