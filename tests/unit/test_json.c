/* Unit tests for lib/json.c: members added under names that are not copied. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "t.h"

static int
prints(cJSON *o, const char *want)
{
	char *s = cJSON_PrintUnformatted(o);
	int same = s != NULL && strcmp(s, want) == 0;

	if (!same)
		fprintf(stderr, "got %s, want %s\n", s, want);
	cJSON_free(s);
	return same;
}

static void
integers_are_their_digits(void)
{
	cJSON *o = cJSON_CreateObject();

	json_int(o, "zero", 0);
	json_int(o, "pk", 42);
	json_int(o, "neg", -7);
	json_int(o, "big", 123456789012345LL);
	json_int(o, "max", LLONG_MAX);
	json_int(o, "min", LLONG_MIN);
	CHECK(prints(o, "{\"zero\":0,\"pk\":42,\"neg\":-7,"
	    "\"big\":123456789012345,\"max\":9223372036854775807,"
	    "\"min\":-9223372036854775808}"));
	/* What a client reads back is the integer (beyond a double's 2^53). */
	char *s = cJSON_PrintUnformatted(o);
	cJSON *back = cJSON_Parse(s);
	CHECK(cJSON_GetObjectItem(back, "big")->valuedouble ==
	    123456789012345.0);
	cJSON_Delete(back);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void
other_members(void)
{
	cJSON *o = cJSON_CreateObject();

	json_text(o, "name", "M3 \"hex\" bolt\n");
	json_text(o, "none", NULL);
	json_bool(o, "active", true);
	json_bool(o, "locked", false);
	json_null(o, "image");
	json_item(o, "list", cJSON_CreateArray());
	CHECK(prints(o, "{\"name\":\"M3 \\\"hex\\\" bolt\\n\",\"none\":null,"
	    "\"active\":true,\"locked\":false,\"image\":null,\"list\":[]}"));
	cJSON_Delete(o);
}

/* The names are the caller's: deleting, copying and replacing leave them
 * be (AddressSanitizer's build would see a bad free). */
static void
names_are_not_freed(void)
{
	char name[] = "stack";
	cJSON *o = cJSON_CreateObject();

	json_int(o, name, 1);
	json_int(o, "pk", 2);
	cJSON *copy = cJSON_Duplicate(o, true);
	cJSON_ReplaceItemInObject(o, "pk", cJSON_CreateNumber(3));
	CHECK(prints(o, "{\"stack\":1,\"pk\":3}"));
	CHECK(prints(copy, "{\"stack\":1,\"pk\":2}"));
	cJSON_Delete(o);
	cJSON_Delete(copy);
	CHECK(strcmp(name, "stack") == 0);
}

int
main(void)
{
	RUN(integers_are_their_digits);
	RUN(other_members);
	RUN(names_are_not_freed);
	return DONE();
}
