/*
 * field: request body fields.  See field.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "field.h"
#include "resp.h"
#include "inventory/stock.h"
#include "text.h"

#define FIELD_ID_MAX	999999999999999LL

static const int field_statuses[] = { 10, 50, 55, 60, 65, 70, 75, 85 };

static void
field_err(cJSON *errs, const char *name, const char *msg)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(errs, name);

	if (a == NULL)
		a = cJSON_AddArrayToObject(errs, name);
	cJSON_AddItemToArray(a, cJSON_CreateString(msg));
}

static bool
field_is_date(const char *s)
{
	int y, m, d;
	char tail;

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Number of UTF-8 characters in s. */
static size_t
field_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Checks one present value j against f; returns an error message or NULL. */
static const char *
field_one(struct ctx *ctx, const cJSON *j, const struct field *f,
    struct field_val *v)
{
	long long id;
	enum dec_err de;

	v->present = true;
	v->null = false;
	if (cJSON_IsNull(j) && (f->type == FIELD_TEXT ||
	    f->type == FIELD_NOTES)) {
		/* InvenTree sends empty text as null (serial, batch). */
		v->s = "";
		return NULL;
	}
	if (cJSON_IsNull(j) || (cJSON_IsString(j) && j->valuestring[0] ==
	    '\0' && f->type != FIELD_TEXT && f->type != FIELD_NOTES)) {
		if (!f->nullable)
			return f->type == FIELD_BOOL || f->type == FIELD_DEC ||
			    f->type == FIELD_STATUS ? "This field may not be "
			    "null." : "This field may not be null.";
		v->null = true;
		return NULL;
	}
	switch (f->type) {
	case FIELD_TEXT:
	case FIELD_NOTES:
		if (cJSON_IsNumber(j))
			v->s = mem_printf(&ctx->mem, "%.15g", j->valuedouble);
		else if (!cJSON_IsString(j))
			return "Not a valid string.";
		else
			v->s = j->valuestring;
		if (!txt_utf8_valid(v->s, strlen(v->s), f->type == FIELD_NOTES))
			return "Control characters are not allowed.";
		if (field_chars(v->s) > f->maxlen)
			return mem_printf(&ctx->mem, "Ensure this field has no "
			    "more than %zu characters.", f->maxlen);
		return NULL;
	case FIELD_BOOL:
		if (cJSON_IsBool(j)) {
			v->i = cJSON_IsTrue(j);
			return NULL;
		}
		if (cJSON_IsNumber(j) && (j->valuedouble == 0 ||
		    j->valuedouble == 1)) {
			v->i = j->valuedouble == 1;
			return NULL;
		}
		bool b;
		if (cJSON_IsString(j) && txt_parse_bool(j->valuestring, &b)) {
			v->i = b;
			return NULL;
		}
		return "Must be a valid boolean.";
	case FIELD_ID:
	case FIELD_STATUS:
		if (cJSON_IsNumber(j) && j->valuedouble >= 1 &&
		    j->valuedouble <= (double)FIELD_ID_MAX &&
		    j->valuedouble == (double)(long long)j->valuedouble)
			id = (long long)j->valuedouble;
		else if (!cJSON_IsString(j) ||
		    !txt_parse_int64(j->valuestring, 1, FIELD_ID_MAX, &id))
			return f->type == FIELD_ID ? "Incorrect type. Expected "
			    "pk value." : "A valid integer is required.";
		v->i = id;
		if (f->type == FIELD_STATUS) {
			for (size_t k = 0; k < sizeof(field_statuses) /
			    sizeof(field_statuses[0]); k++)
				if (field_statuses[k] == id)
					return NULL;
			return mem_printf(&ctx->mem, "\"%lld\" is not a valid "
			    "choice.", id);
		}
		return NULL;
	case FIELD_DEC:
		de = dec_from_json(j, &v->i);
		if (de != DEC_OK)
			return dec_strerror(de);
		if (v->i < 0)
			return "Ensure this value is greater than or equal "
			    "to 0.";
		return NULL;
	case FIELD_DATE:
		if (!cJSON_IsString(j) || !field_is_date(j->valuestring))
			return "Date has wrong format. Use one of these "
			    "formats instead: YYYY-MM-DD.";
		v->s = j->valuestring;
		return NULL;
	}
	return "Invalid value.";
}

/*
 * Checks body against the n fields, filling vals (which keep whatever
 * they held for fields the body does not give).  With create, required
 * fields must be present.  Returns 0, or 400 listing every bad field.
 */
int
field_parse(struct ctx *ctx, const cJSON *body, const struct field *f,
    size_t n, struct field_val *vals, bool create)
{
	cJSON *errs = cJSON_CreateObject();

	if (errs == NULL)
		mem_oom();
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(errs);
		return resp_field_error(ctx, "non_field_errors", "Invalid "
		    "data. Expected a dictionary, but got %s.",
		    cJSON_IsArray(body) ? "list" : "another type");
	}
	for (size_t i = 0; i < n; i++) {
		const cJSON *j = cJSON_GetObjectItemCaseSensitive(body,
		    f[i].name);
		if (j == NULL) {
			if (create && f[i].required)
				field_err(errs, f[i].name,
				    "This field is required.");
			continue;
		}
		/* A form may repeat a field; take the last value. */
		if (cJSON_IsArray(j) && j->child != NULL &&
		    cJSON_IsString(j->child))
			for (j = j->child; j->next != NULL; j = j->next)
				;
		const char *msg = field_one(ctx, j, &f[i], &vals[i]);
		if (msg == NULL && f[i].required && (vals[i].null ||
		    ((f[i].type == FIELD_TEXT) && vals[i].s[0] == '\0')))
			msg = "This field may not be blank.";
		if (msg != NULL)
			field_err(errs, f[i].name, msg);
	}
	if (errs->child == NULL) {
		cJSON_Delete(errs);
		return 0;
	}
	return resp_field_errors(ctx, errs);
}

/*
 * Loads vals from the current row: column first_col + i holds field i.
 * Texts are copied into the arena.
 */
void
field_load(struct ctx *ctx, sqlite3_stmt *st, int col, const struct field *f,
    size_t n, struct field_val *vals)
{
	for (size_t i = 0; i < n; i++, col++) {
		struct field_val *v = &vals[i];
		memset(v, 0, sizeof(*v));
		v->null = sqlite3_column_type(st, col) == SQLITE_NULL;
		if (v->null)
			continue;
		switch (f[i].type) {
		case FIELD_TEXT:
		case FIELD_NOTES:
		case FIELD_DATE:
			v->s = mem_strdup(&ctx->mem,
			    (const char *)sqlite3_column_text(st, col));
			break;
		default:
			v->i = sqlite3_column_int64(st, col);
			break;
		}
	}
}

void
field_bind(sqlite3_stmt *st, int idx, const struct field *f,
    const struct field_val *v)
{
	if (v->null) {
		sqlite3_bind_null(st, idx);
		return;
	}
	switch (f->type) {
	case FIELD_TEXT:
	case FIELD_NOTES:
	case FIELD_DATE:
		sqlite3_bind_text(st, idx, v->s != NULL ? v->s : "", -1,
		    SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_int64(st, idx, v->i);
		break;
	}
}

/* Binds field i to parameter first + i. */
void
field_bind_all(sqlite3_stmt *st, int first, const struct field *f, size_t n,
    const struct field_val *vals)
{
	for (size_t i = 0; i < n; i++)
		field_bind(st, first + (int)i, &f[i], &vals[i]);
}

int
field_index(const struct field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The values a create starts from: "", false/def, null ids and dates. */
void
field_defaults(const struct field *f, size_t n, struct field_val *vals)
{
	for (size_t i = 0; i < n; i++) {
		memset(&vals[i], 0, sizeof(vals[i]));
		switch (f[i].type) {
		case FIELD_TEXT:
		case FIELD_NOTES:
			vals[i].s = "";
			break;
		case FIELD_ID:
		case FIELD_DATE:
			vals[i].null = true;
			break;
		case FIELD_DEC:
			vals[i].null = f[i].nullable;
			vals[i].i = f[i].def;
			break;
		default:
			vals[i].i = f[i].def;
			break;
		}
	}
}

/*
 * Runs a prepared write to its end.  A constraint failure (a duplicate, a
 * reference to something gone) is the client's doing: 400, not 500.
 * Returns 0 or the error status set.
 */
int
field_step(struct ctx *ctx, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return resp_field_error(ctx, "non_field_errors", "This change "
		    "conflicts with existing data (%s)",
		    (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY) ? "a duplicate" :
		    rc == SQLITE_CONSTRAINT_FOREIGNKEY ? "a reference to "
		    "something that does not exist or is still in use" :
		    "a value out of range");
	return db_fail(ctx, what);
}

/* "default_location" -> "Default location"; "pk" -> "ID". */
static cJSON *
field_label(const char *name)
{
	char buf[64];
	size_t i;

	if (strcmp(name, "pk") == 0)
		return cJSON_CreateString("ID");
	for (i = 0; name[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = name[i] == '_' ? ' ' : name[i];
	buf[i] = '\0';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return cJSON_CreateString(buf);
}

static void
field_describe_one(cJSON *into, const struct field *f, bool read_only)
{
	static const char *const types[] = {
		[FIELD_TEXT] = "string", [FIELD_NOTES] = "string",
		[FIELD_BOOL] = "boolean", [FIELD_ID] = "related field",
		[FIELD_DEC] = "float", [FIELD_DATE] = "date",
		[FIELD_STATUS] = "choice",
	};
	cJSON *o = cJSON_AddObjectToObject(into, f->name);

	if (o == NULL)
		mem_oom();
	/* A read-only FIELD_ID is a plain integer (pk, level, counts). */
	cJSON_AddStringToObject(o, "type", read_only && f->type == FIELD_ID ?
	    "integer" : types[f->type]);
	cJSON_AddBoolToObject(o, "required", !read_only && f->required);
	cJSON_AddBoolToObject(o, "read_only", read_only);
	cJSON_AddItemToObject(o, "label", field_label(f->name));
	cJSON_AddStringToObject(o, "help_text", "");
	if (read_only)
		return;
	if (f->nullable)
		cJSON_AddBoolToObject(o, "allow_null", true);
	switch (f->type) {
	case FIELD_TEXT:
	case FIELD_NOTES:
		cJSON_AddNumberToObject(o, "max_length", (double)f->maxlen);
		break;
	case FIELD_BOOL:
		cJSON_AddBoolToObject(o, "default", f->def != 0);
		break;
	case FIELD_DEC:
		if (!f->required && !f->nullable)
			cJSON_AddItemToObject(o, "default", dec_json(f->def));
		break;
	case FIELD_STATUS: {
		cJSON_AddNumberToObject(o, "default", (double)f->def);
		cJSON *c = cJSON_AddArrayToObject(o, "choices");
		for (int k = 0; k < stock_statuses_count; k++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "value",
			    stock_statuses[k].code);
			cJSON_AddStringToObject(e, "display_name",
			    stock_statuses[k].label);
			cJSON_AddItemToArray(c, e);
		}
		break;
	}
	default:
		break;
	}
}

/* The description of a resource's fields: one object per field. */
cJSON *
field_describe(const struct field_set *fs)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	for (size_t i = 0; i < fs->nread_only; i++)
		field_describe_one(o, &fs->read_only[i], true);
	for (size_t i = 0; i < fs->n; i++)
		field_describe_one(o, &fs->fields[i], false);
	return o;
}
