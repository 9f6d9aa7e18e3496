/*
 * json: members of the objects that rows are rendered into.  See json.h.
 */
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "mem.h"

/* Adds item under name, which is not copied (nor freed with o). */
void
json_item(cJSON *o, const char *name, cJSON *item)
{
	if (item == NULL || !cJSON_AddItemToObjectCS(o, name, item))
		mem_oom();
}

enum { JSON_DIGITS_MAX = 24 };

/* v's decimal digits, NUL-terminated, at the end of buf (returned). */
static char *
json_digits(char buf[JSON_DIGITS_MAX], long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	char *b = buf + JSON_DIGITS_MAX;

	*--b = '\0';
	do {
		*--b = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--b = '-';
	return b;
}

/* v as a JSON integer: its digits, not a double's printf round trip. */
void
json_int(cJSON *o, const char *name, long long v)
{
	char buf[JSON_DIGITS_MAX];

	json_item(o, name, cJSON_CreateRaw(json_digits(buf, v)));
}

/* s as a JSON string, or null when s is NULL. */
void
json_text(cJSON *o, const char *name, const char *s)
{
	json_item(o, name, s != NULL ? cJSON_CreateString(s) :
	    cJSON_CreateNull());
}

void
json_bool(cJSON *o, const char *name, bool b)
{
	json_item(o, name, cJSON_CreateBool(b));
}

void
json_null(cJSON *o, const char *name)
{
	json_item(o, name, cJSON_CreateNull());
}

/*
 * json, JSON text that lives as long as the process (a constant of a
 * description), as the value of name, neither copied nor freed with o.
 */
void
json_raw_const(cJSON *o, const char *name, const char *json)
{
	cJSON *j = cJSON_CreateNull();

	if (j == NULL)
		mem_oom();
	j->type = cJSON_Raw | cJSON_IsReference;
	j->valuestring = (char *)(uintptr_t)json;
	json_item(o, name, j);
}

/* s, a string of the process, as a JSON string, not copied. */
void
json_text_const(cJSON *o, const char *name, const char *s)
{
	json_item(o, name, cJSON_CreateStringReference(s));
}

/* ,"name": (or "name": for the first member). */
void
json_buf_name(struct mem_buf *t, const char *name, bool first)
{
	size_t n = strlen(name);

	mem_buf_room(t, n + 4);
	if (!first)
		t->s[t->len++] = ',';
	t->s[t->len++] = '"';
	memcpy(t->s + t->len, name, n);
	t->len += n;
	t->s[t->len++] = '"';
	t->s[t->len++] = ':';
	t->s[t->len] = '\0';
}

/*
 * s as a JSON string, escaped as cJSON escapes: quote and backslash,
 * \b \f \n \r \t, other control characters as \u00XX; UTF-8 as it is.
 */
void
json_buf_str(struct mem_buf *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 2, len;

	for (len = 0; p[len] != '\0'; len++)
		n += p[len] < 32 ? 6 : (p[len] == '"' || p[len] == '\\') ? 2 : 1;
	mem_buf_room(t, n + 1);
	char *o = t->s + t->len;
	*o++ = '"';
	if (n == len + 2) {
		memcpy(o, s, len);
		o += len;
	} else for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':	*o++ = '\\'; *o++ = '"'; break;
		case '\\':	*o++ = '\\'; *o++ = '\\'; break;
		case '\b':	*o++ = '\\'; *o++ = 'b'; break;
		case '\f':	*o++ = '\\'; *o++ = 'f'; break;
		case '\n':	*o++ = '\\'; *o++ = 'n'; break;
		case '\r':	*o++ = '\\'; *o++ = 'r'; break;
		case '\t':	*o++ = '\\'; *o++ = 't'; break;
		default:
			if (*p < 32) {
				memcpy(o, "\\u00", 4);
				o[4] = hex[*p >> 4];
				o[5] = hex[*p & 15];
				o += 6;
			} else
				*o++ = (char)*p;
		}
	}
	*o++ = '"';
	*o = '\0';
	t->len = (size_t)(o - t->s);
}

void
json_buf_int(struct mem_buf *t, long long v)
{
	char buf[JSON_DIGITS_MAX], *b = json_digits(buf, v);

	mem_buf_add(t, b, (size_t)(buf + sizeof(buf) - 1 - b));
}

/* JSON text as it is (a number, true, null, our own JSON). */
void
json_buf_raw(struct mem_buf *t, const char *json)
{
	mem_buf_add(t, json, strlen(json));
}

/* j as cJSON prints it, unformatted. */
void
json_buf_print(struct mem_buf *t, const cJSON *j)
{
	size_t room = 1024;

	for (;;) {
		mem_buf_room(t, room);
		/* cJSON wants a few bytes beyond the text; keep them spare. */
		if (cJSON_PrintPreallocated((cJSON *)(uintptr_t)j,
		    t->s + t->len, (int)(t->cap - t->len), false)) {
			size_t n = strlen(t->s + t->len);
			if (t->len + n + 8 < t->cap) {
				t->len += n;
				return;
			}
		}
		if (room > (size_t)1 << 30)
			mem_oom();
		room = (t->cap - t->len) * 2;
	}
}

/*
 * Adds item under name; a name seen before becomes an array of its values,
 * in order (a form's or a multipart body's repeated field).
 */
void
json_add_repeated(cJSON *o, const char *name, cJSON *item)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(o, name);

	if (old == NULL)
		cJSON_AddItemToObject(o, name, item);
	else if (cJSON_IsArray(old))
		cJSON_AddItemToArray(old, item);
	else {
		cJSON *arr = cJSON_CreateArray();
		if (arr == NULL)
			mem_oom();
		cJSON_AddItemToArray(arr, cJSON_Duplicate(old, 1));
		cJSON_AddItemToArray(arr, item);
		cJSON_ReplaceItemInObjectCaseSensitive(o, name, arr);
	}
}
