/* Unit tests for lib/val.c and lib/err.c: one way to check client input. */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "val.h"
#include "t.h"

static struct ctx ctx;

static const char *
json_msg(const char *text, const struct field *f, struct val *v)
{
	cJSON *j = cJSON_Parse(text);
	const char *msg;

	memset(v, 0, sizeof(*v));
	msg = val_json(&ctx, j, f, v);
	mem_defer(&ctx.mem, (void (*)(void *))cJSON_Delete, j);
	return msg;
}

static void
ids_are_whole_numbers_only(void)
{
	static const struct field f = { "location", FT_ID, F_NULL };
	struct val v;
	long long id;

	CHECK(json_msg("5", &f, &v) == NULL && v.i == 5);
	CHECK(json_msg("\"5\"", &f, &v) == NULL && v.i == 5);
	CHECK(json_msg("null", &f, &v) == NULL && v.null);
	/* Never rounded, guessed or read loosely. */
	CHECK(json_msg("2.5", &f, &v) != NULL);
	CHECK(json_msg("\"2.5\"", &f, &v) != NULL);
	CHECK(json_msg("\"05\"", &f, &v) != NULL);
	CHECK(json_msg("0", &f, &v) != NULL);
	CHECK(json_msg("-3", &f, &v) != NULL);
	CHECK(json_msg("true", &f, &v) != NULL);
	CHECK(json_msg("1e15", &f, &v) != NULL);
	CHECK(json_msg("\" 5\"", &f, &v) != NULL);
	CHECK(json_msg("[5]", &f, &v) != NULL);
	CHECK(val_id_text("999999999999999", &id) && id == VAL_ID_MAX);
	CHECK(!val_id_text("1000000000000000", &id));
	CHECK(!val_id_text("-1", &id));
	CHECK(!val_id_text("", &id));
}

static void
text_limits_count_characters(void)
{
	static const struct field f = { "name", FT_TEXT, 0, 3 };
	struct val v;

	CHECK(json_msg("\"abc\"", &f, &v) == NULL);
	CHECK(json_msg("\"abcd\"", &f, &v) != NULL);
	/* Three characters of two and three bytes each fit in 3. */
	CHECK(json_msg("\"\xc3\xa9\xc3\xa9\xc3\xa9\"", &f, &v) == NULL);
	CHECK(json_msg("\"\xe9\x83\xa8\xe5\x93\x81\xe5\x90\x8d\"", &f, &v) ==
	    NULL);
	CHECK(json_msg("\"\xe9\x83\xa8\xe5\x93\x81\xe5\x90\x8d\xe5\x90\x8d\"",
	    &f, &v) != NULL);
	CHECK(val_chars("\xe2\x82\xac\xf0\x9f\x94\xa9x") == 3);
	/* Control characters never; newlines only in notes. */
	static const struct field n = { "notes", FT_NOTES, 0, 100 };
	CHECK(json_msg("\"a\\nb\"", &f, &v) != NULL);
	CHECK(json_msg("\"a\\nb\"", &n, &v) == NULL);
	CHECK(json_msg("\"a\\u0007b\"", &n, &v) != NULL);
}

static void
filter_values_are_limited_like_their_fields(void)
{
	static const struct field f = { "name", FT_TEXT, F_FILTER, 100 };
	char q[1024] = "";
	struct val v;

	/* 70 CJK characters (210 bytes): a name that can be stored can be
	 * filtered on. */
	for (int i = 0; i < 70; i++)
		strcat(q, "\xe9\x83\xa8");
	CHECK(val_query(&ctx, q, &f, &v) == NULL);
	for (int i = 0; i < 31; i++)
		strcat(q, "\xe9\x83\xa8");
	CHECK(val_query(&ctx, q, &f, &v) != NULL);
	static const struct field id = { "parent", FT_ID, F_NULL | F_FILTER };
	CHECK(val_query(&ctx, "null", &id, &v) == NULL && v.null);
	CHECK(val_query(&ctx, "2.5", &id, &v) != NULL);
	CHECK(val_query(&ctx, "7", &id, &v) == NULL && v.i == 7);
}

static void
urls_are_http_or_https(void)
{
	CHECK(val_url("https://example.org/x?y") == NULL);
	CHECK(val_url("http://example.org") == NULL);
	CHECK(val_url("HTTPS://EXAMPLE.ORG/") == NULL);
	CHECK(val_url("javascript:alert(1)") != NULL);
	CHECK(val_url("data:text/html,<script>") != NULL);
	CHECK(val_url("vbscript:msgbox") != NULL);
	CHECK(val_url("file:///etc/passwd") != NULL);
	CHECK(val_url("//example.org") != NULL);
	CHECK(val_url("https://") != NULL);
	CHECK(val_url("https:///x") != NULL);
	CHECK(val_url("https://a b") != NULL);
	static const struct field f = { "link", FT_URL, 0, 2000 };
	struct val v;
	CHECK(json_msg("\"\"", &f, &v) == NULL);	/* no link at all */
	CHECK(json_msg("\" javascript:x\"", &f, &v) != NULL);
}

static void
emails_and_dates(void)
{
	CHECK(val_email("a@example.org") == NULL);
	CHECK(val_email("a@b") != NULL);
	CHECK(val_email("@example.org") != NULL);
	CHECK(val_email("a@@example.org") != NULL);
	CHECK(val_email("a@example.org\r\nBcc: x@y.z") != NULL);
	CHECK(val_date("2026-02-28"));
	CHECK(val_date("2024-02-29"));
	CHECK(!val_date("2026-02-29"));
	CHECK(!val_date("2026-04-31"));
	CHECK(!val_date("2026-13-01"));
	CHECK(!val_date("26-01-01"));
	CHECK(!val_date("2026-01-01x"));
}

static void
id_lists_name_each_id_once(void)
{
	static const struct field f = { "items", FT_IDS, 0, 3 };
	struct val v;

	CHECK(json_msg("[1, 2, 3]", &f, &v) == NULL && v.n == 3 &&
	    v.ids[2] == 3);
	const char *msg = json_msg("[2563, 2563]", &f, &v);
	CHECK(msg != NULL && strstr(msg, "2563") != NULL &&
	    strstr(msg, "more than once") != NULL);
	CHECK(json_msg("[1, 2, 3, 4]", &f, &v) != NULL);
	CHECK(json_msg("[1, 2.5]", &f, &v) != NULL);
	CHECK(json_msg("7", &f, &v) != NULL);
	CHECK(json_msg("[]", &f, &v) == NULL && v.n == 0);
}

static void
objects_collect_every_error(void)
{
	static const struct field f[] = {
		{ "name", FT_TEXT, F_REQUIRED, 10 },
		{ "active", FT_BOOL, 0, .def = 1 },
		{ "quantity", FT_DEC, F_REQUIRED },
		{ "pathstring", FT_TEXT, F_READ_ONLY },
	};
	struct val v[4];
	struct errs es;
	cJSON *body = cJSON_Parse("{\"active\": \"maybe\", \"quantity\": -1, "
	    "\"pathstring\": 5, \"unknown\": 1}");

	mem_defer(&ctx.mem, (void (*)(void *))cJSON_Delete, body);
	for (int i = 0; i < 4; i++)
		val_default(&f[i], &v[i]);
	CHECK(v[1].i == 1);
	errs_init(&es, &ctx);
	val_object(&ctx, body, f, 4, v, true, &es);
	struct err *e = errs_end(&es);
	CHECK(e != NULL && e->status == 400);
	if (e != NULL) {
		CHECK(cJSON_GetObjectItem(e->body, "name") != NULL);
		CHECK(cJSON_GetObjectItem(e->body, "active") != NULL);
		CHECK(cJSON_GetObjectItem(e->body, "quantity") != NULL);
		CHECK(cJSON_GetObjectItem(e->body, "pathstring") == NULL);
		CHECK(cJSON_GetObjectItem(e->body, "unknown") == NULL);
	}
	/* Blank required text; a list is not an object. */
	errs_init(&es, &ctx);
	cJSON *blank = cJSON_Parse("{\"name\": \"\", \"quantity\": 1}");
	mem_defer(&ctx.mem, (void (*)(void *))cJSON_Delete, blank);
	val_object(&ctx, blank, f, 4, v, false, &es);
	e = errs_end(&es);
	CHECK(e != NULL && cJSON_GetObjectItem(e->body, "name") != NULL &&
	    cJSON_GetObjectItem(e->body, "quantity") == NULL);
	errs_init(&es, &ctx);
	cJSON *list = cJSON_Parse("[1]");
	mem_defer(&ctx.mem, (void (*)(void *))cJSON_Delete, list);
	val_object(&ctx, list, f, 4, v, false, &es);
	CHECK(errs_has(&es, "non_field_errors"));
	/* Nothing collected: no error. */
	errs_init(&es, &ctx);
	CHECK(errs_end(&es) == NULL);
}

static void
errors_are_values(void)
{
	struct err *e = err_field(&ctx, "name", "Too long: %d", 3);

	CHECK(e->status == 400);
	CHECK(strcmp(cJSON_GetArrayItem(cJSON_GetObjectItem(e->body, "name"),
	    0)->valuestring, "Too long: 3") == 0);
	e = err_not_found(&ctx, "Part");
	CHECK(e->status == 404 && strcmp(cJSON_GetObjectItem(e->body,
	    "detail")->valuestring, "No Part matches the given query.") == 0);
	e = err_header(err_new(&ctx, 405, "x"), "Allow", "GET");
	CHECK(e->status == 405 && strcmp(e->header, "Allow") == 0);
	/* Making an error writes no answer. */
	CHECK(ctx.resp.status == 0 && ctx.resp.json == NULL);
}

int
main(void)
{
	ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.request_id[0] = 'x';
	RUN(ids_are_whole_numbers_only);
	RUN(text_limits_count_characters);
	RUN(filter_values_are_limited_like_their_fields);
	RUN(urls_are_http_or_https);
	RUN(emails_and_dates);
	RUN(id_lists_name_each_id_once);
	RUN(objects_collect_every_error);
	RUN(errors_are_values);
	ctx_end(&ctx);
	return DONE();
}
