/*
 * json: members of the objects that rows are rendered into.  See json.h.
 */
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

/* v as a JSON integer: its digits, not a double's printf round trip. */
void
json_int(cJSON *o, const char *name, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	char buf[24], *b = buf + sizeof(buf);

	*--b = '\0';
	do {
		*--b = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--b = '-';
	json_item(o, name, cJSON_CreateRaw(b));
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
