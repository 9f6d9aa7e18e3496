/*
 * val: validation of client input.  See val.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "dec.h"
#include "err.h"
#include "text.h"
#include "val.h"

#define VAL_URL_MAX	2000

/* A whole number from 1 to VAL_ID_MAX in decimal, no sign, no zero first. */
bool
val_id_text(const char *s, long long *out)
{
	return s[0] != '-' && txt_parse_int64(s, 1, VAL_ID_MAX, out);
}

/*
 * An id from a JSON number (whole, 1 to VAL_ID_MAX) or a decimal string.
 * Returns NULL with *out set, or DRF's message.
 */
const char *
val_id_json(const cJSON *j, long long *out)
{
	if (cJSON_IsNumber(j) && j->valuedouble >= 1 &&
	    j->valuedouble <= (double)VAL_ID_MAX &&
	    j->valuedouble == (double)(long long)j->valuedouble) {
		*out = (long long)j->valuedouble;
		return NULL;
	}
	if (cJSON_IsString(j) && val_id_text(j->valuestring, out))
		return NULL;
	return "Incorrect type. Expected pk value.";
}

/* Characters (code points) in UTF-8 text. */
size_t
val_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Text of at most max characters, valid UTF-8, without control characters
 * (notes: tab, CR and LF allowed).  Returns NULL or the message.
 */
const char *
val_text(struct ctx *ctx, const char *s, int max, bool notes)
{
	if (!txt_utf8_valid(s, strlen(s), notes))
		return "Control characters are not allowed.";
	if (max > 0 && val_chars(s) > (size_t)max)
		return mem_printf(&ctx->mem, "Ensure this field has no more "
		    "than %d characters.", max);
	return NULL;
}

/*
 * An absolute http or https URL with a host, no spaces or control
 * characters.  Other schemes (javascript:, data:, vbscript:, file:) are
 * refused: a link is shown to other users as something to click.
 */
const char *
val_url(const char *s)
{
	size_t skip;

	if (strncasecmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return "Enter a valid URL (http or https).";
	if (!txt_utf8_valid(s, strlen(s), false) || strpbrk(s, " \t") != NULL ||
	    s[skip] == '\0' || strchr("/?#@:", s[skip]) != NULL)
		return "Enter a valid URL (http or https).";
	return NULL;
}

/* One @, something before it, a dot after it, nothing that ends a header. */
const char *
val_email(const char *e)
{
	const char *at = strchr(e, '@');

	if (at == NULL || at == e || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || strpbrk(e, " \t\r\n<>,;\"") != NULL)
		return "Enter a valid email address.";
	return NULL;
}

/* YYYY-MM-DD with a month and day that can exist. */
bool
val_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 &&
	    (y % 100 != 0 || y % 400 == 0)));
}

/* Today's date in UTC, YYYY-MM-DD, as a date field holds it (arena). */
const char *
val_today(struct ctx *ctx)
{
	char buf[16];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return mem_strdup(&ctx->mem, buf);
}

const char *
val_choice_label(const struct choice *c, long long v)
{
	for (; c != NULL && c->label != NULL; c++)
		if (c->value == v)
			return c->label;
	return NULL;
}

static bool
val_is_text(enum ftype t)
{
	return t == FT_TEXT || t == FT_NOTES || t == FT_EMAIL || t == FT_URL;
}

/* Does a value of type t live in struct val's s (else in i)? */
bool
val_holds_text(enum ftype t)
{
	return val_is_text(t) || t == FT_DATE || t == FT_DATETIME ||
	    t == FT_JSON || t == FT_MEDIA;
}

/* A list of ids, each once: from a JSON array, or a form's repeated field. */
static const char *
val_ids(struct ctx *ctx, const cJSON *j, const struct field *f, struct val *v)
{
	size_t max = f->max > 0 ? (size_t)f->max : VAL_IDS_MAX;
	long long *ids;
	size_t n = 0;

	if (!cJSON_IsArray(j))
		return mem_printf(&ctx->mem, "Expected a list of items but "
		    "got type \"%s\".", cJSON_IsString(j) ? "str" :
		    cJSON_IsObject(j) ? "dict" : cJSON_IsNumber(j) ? "int" :
		    "bool");
	if ((size_t)cJSON_GetArraySize(j) > max)
		return mem_printf(&ctx->mem, "Ensure this field has no more "
		    "than %zu elements.", max);
	ids = mem_alloc(&ctx->mem, (max > 0 ? max : 1) * sizeof(*ids));
	for (const cJSON *e = j->child; e != NULL; e = e->next) {
		long long id;
		const char *msg = val_id_json(e, &id);
		if (msg != NULL)
			return msg;
		for (size_t k = 0; k < n; k++)
			if (ids[k] == id)
				return mem_printf(&ctx->mem, "The list names "
				    "\"%lld\" more than once.", id);
		ids[n++] = id;
	}
	v->ids = ids;
	v->n = n;
	return NULL;
}

/*
 * Checks one value j given for f, filling v.  Returns NULL or the message
 * for the field.
 */
const char *
val_json(struct ctx *ctx, const cJSON *j, const struct field *f,
    struct val *v)
{
	const char *msg;
	bool b;

	v->present = true;
	v->null = false;
	v->j = j;
	if (cJSON_IsNull(j) && val_is_text(f->type) && !(f->flags & F_NULL)) {
		/* InvenTree's clients send empty text as null (serial). */
		v->s = "";
		return NULL;
	}
	if (cJSON_IsNull(j) || (cJSON_IsString(j) &&
	    j->valuestring[0] == '\0' && !val_is_text(f->type) &&
	    f->type != FT_IDS)) {
		if (!(f->flags & F_NULL))
			return "This field may not be null.";
		v->null = true;
		return NULL;
	}
	switch (f->type) {
	case FT_TEXT:
	case FT_NOTES:
	case FT_EMAIL:
	case FT_URL:
		if (cJSON_IsNumber(j) && !(f->flags & F_STRING))
			v->s = mem_printf(&ctx->mem, "%.15g", j->valuedouble);
		else if (!cJSON_IsString(j))
			return "Not a valid string.";
		else
			v->s = j->valuestring;
		if ((msg = val_text(ctx, v->s, f->max,
		    f->type == FT_NOTES)) != NULL)
			return msg;
		if (v->s[0] == '\0')
			return (f->flags & F_NOT_BLANK) ?
			    "This field may not be blank." : NULL;
		if (f->type == FT_URL)
			return val_url(v->s);
		if (f->type == FT_EMAIL)
			return val_email(v->s);
		return NULL;
	case FT_BOOL:
		if (cJSON_IsBool(j)) {
			v->i = cJSON_IsTrue(j);
			return NULL;
		}
		if (cJSON_IsNumber(j) && (j->valuedouble == 0 ||
		    j->valuedouble == 1)) {
			v->i = j->valuedouble == 1;
			return NULL;
		}
		if (cJSON_IsString(j) && txt_parse_bool(j->valuestring, &b)) {
			v->i = b;
			return NULL;
		}
		return "Must be a valid boolean.";
	case FT_INT:
	case FT_CHOICE:
		if (cJSON_IsNumber(j) && j->valuedouble >= -(double)VAL_ID_MAX &&
		    j->valuedouble <= (double)VAL_ID_MAX &&
		    j->valuedouble == (double)(long long)j->valuedouble)
			v->i = (long long)j->valuedouble;
		else if (!cJSON_IsString(j) || !txt_parse_int64(j->valuestring,
		    -VAL_ID_MAX, VAL_ID_MAX, &v->i))
			return "A valid integer is required.";
		if (f->type == FT_CHOICE &&
		    val_choice_label(f->choices, v->i) == NULL)
			return mem_printf(&ctx->mem, "\"%lld\" is not a valid "
			    "choice.", v->i);
		return NULL;
	case FT_ID:
		return val_id_json(j, &v->i);
	case FT_IDS:
		return val_ids(ctx, j, f, v);
	case FT_DEC: {
		enum dec_err de = dec_from_json(j, &v->i);
		if (de != DEC_OK)
			return dec_strerror(de);
		if (v->i < 0)
			return "Ensure this value is greater than or equal "
			    "to 0.";
		return NULL;
	}
	case FT_DATE:
		if (!cJSON_IsString(j) || !val_date(j->valuestring))
			return "Date has wrong format. Use one of these "
			    "formats instead: YYYY-MM-DD.";
		v->s = j->valuestring;
		return NULL;
	case FT_NESTED:
		if (!cJSON_IsArray(j))
			return "Expected a list of items.";
		if (j->child == NULL)
			return "This list may not be empty.";
		if (f->max > 0 && cJSON_GetArraySize(j) > f->max)
			return mem_printf(&ctx->mem, "Ensure this field has no "
			    "more than %d elements.", f->max);
		return NULL;
	case FT_OBJECT:
		return cJSON_IsObject(j) ? NULL : "Invalid data. Expected a "
		    "dictionary.";
	case FT_DATETIME:
	case FT_JSON:
	case FT_MEDIA:
	case FT_FLOAT:
	case FT__MAX:
		break;
	}
	return "This field cannot be written.";
}

/*
 * Checks a query-string value s (a filter) against f.  Ids may be "null"
 * (or "None", "") for no reference when f is nullable.  Text is limited
 * like the field it filters.  Returns NULL or the message.
 */
const char *
val_query(struct ctx *ctx, const char *s, const struct field *f,
    struct val *v)
{
	bool b;

	memset(v, 0, sizeof(*v));
	v->present = true;
	v->s = s;
	switch (f->type) {
	case FT_ID:
	case FT_IDS:
		if ((f->flags & F_NULL) && (strcmp(s, "null") == 0 ||
		    strcmp(s, "None") == 0 || s[0] == '\0')) {
			v->null = true;
			return NULL;
		}
		if (!val_id_text(s, &v->i))
			return "Select a valid choice. That choice is not one "
			    "of the available choices.";
		return NULL;
	case FT_BOOL:
		if (!txt_parse_bool(s, &b))
			return "Enter a valid boolean: true, false, 1, 0, yes "
			    "or no.";
		v->i = b;
		return NULL;
	case FT_INT:
		if (!txt_parse_int64(s, -VAL_ID_MAX, VAL_ID_MAX, &v->i))
			return "Enter a whole number.";
		return NULL;
	case FT_CHOICE:
		if (!txt_parse_int64(s, -VAL_ID_MAX, VAL_ID_MAX, &v->i) ||
		    val_choice_label(f->choices, v->i) == NULL)
			return "Select a valid choice. That choice is not one "
			    "of the available choices.";
		return NULL;
	case FT_DEC: {
		enum dec_err de = dec_parse(s, &v->i);
		return de == DEC_OK ? NULL : dec_strerror(de);
	}
	case FT_DATE:
	case FT_DATETIME:
		if (!val_date(s))
			return "Enter a valid date (YYYY-MM-DD).";
		return NULL;
	default:
		return val_text(ctx, s, f->max > 0 ? f->max : VAL_FILTER_MAX,
		    f->type == FT_NOTES);
	}
}

/* The value a create starts from: "", the default, null references. */
void
val_default(const struct field *f, struct val *v)
{
	memset(v, 0, sizeof(*v));
	switch (f->type) {
	case FT_TEXT:
	case FT_NOTES:
	case FT_EMAIL:
	case FT_URL:
		v->s = "";
		v->null = (f->flags & F_NULL) != 0;
		break;
	case FT_ID:
	case FT_DATE:
	case FT_DATETIME:
		v->null = true;
		break;
	case FT_DEC:
		v->null = (f->flags & F_NULL) != 0;
		v->i = f->def;
		break;
	case FT_FLOAT:
		v->null = (f->flags & F_NULL) != 0;
		v->d = (double)f->def;
		break;
	default:
		v->i = f->def;
		break;
	}
}

/*
 * Checks body against the n fields, filling vals (which keep what they
 * held for fields the body does not give).  With create, required fields
 * must be given.  Every problem goes into es.  Read-only fields and keys
 * the fields do not name are ignored.
 */
void
val_object(struct ctx *ctx, const cJSON *body, const struct field *f,
    size_t n, struct val *vals, bool create, struct errs *es)
{
	if (!cJSON_IsObject(body)) {
		errs_addf(es, "non_field_errors", "Invalid data. Expected a "
		    "dictionary, but got %s.", cJSON_IsArray(body) ? "list" :
		    "another type");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (f[i].flags & F_READ_ONLY)
			continue;
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(body,
		    f[i].name);
		if (j == NULL) {
			if (create && (f[i].flags & F_REQUIRED))
				errs_add(es, f[i].name,
				    "This field is required.");
			continue;
		}
		/* A form repeats a field for a list; else the last wins.  (A
		 * JSON body says what it means: a list is a list.) */
		if (ctx->req.body_kind != REQ_BODY_JSON &&
		    f[i].type != FT_IDS && f[i].type != FT_NESTED &&
		    cJSON_IsArray(j) && j->child != NULL &&
		    cJSON_IsString(j->child))
			for (j = j->child; j->next != NULL; j = j->next)
				;
		const char *msg = val_json(ctx, j, &f[i], &vals[i]);
		if (msg == NULL && (f[i].flags & F_REQUIRED) &&
		    (vals[i].null || (val_is_text(f[i].type) &&
		    vals[i].s[0] == '\0')))
			msg = "This field may not be blank.";
		if (msg != NULL)
			errs_add(es, f[i].name, msg);
	}
}

const struct field *
val_find(const struct field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

/* The field's label: its own, or "default_location" -> "Default location". */
const char *
val_label(struct ctx *ctx, const struct field *f)
{
	if (f->label != NULL)
		return f->label;
	if (strcmp(f->name, "pk") == 0)
		return "ID";
	char *l = mem_strdup(&ctx->mem, f->name);
	for (char *p = l; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	if (l[0] >= 'a' && l[0] <= 'z')
		l[0] = (char)(l[0] - 'a' + 'A');
	return l;
}
