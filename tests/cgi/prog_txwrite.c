/*
 * txwrite.cgi, built for the tests only (never installed): a write endpoint
 * for the fault tests, until the real ones exist.  POST /api/txwrite/ with
 * {"batch": "b1", "rows": 50, "size": 100} writes rows setting(key
 * "b1:0".."b1:49", value of size bytes) in one write transaction; GET counts
 * the rows of a batch (?batch=b1) or of all batches.
 *
 * The delay hook: STOCKROOM_TEST_DELAY_US, when set, sleeps that long after
 * each row and writes one '+' to standard error, so a test can kill -9 the
 * program while the transaction is open and know how far it had got.
 * Handlers read it through ctx_env(), as this program is never deployed.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stockroom.h"

static const char sql_insert[] =
    "INSERT INTO setting (key, value) VALUES (?1, ?2)";
static const char sql_count_batch[] =
    "SELECT count(*) FROM setting WHERE key LIKE ?1 || ':%'";
static const char sql_count_all[] =
    "SELECT count(*) FROM setting WHERE key LIKE '%:%'";

static void
txwrite_delay(struct ctx *ctx)
{
	const char *v = ctx_env(ctx, "STOCKROOM_TEST_DELAY_US");
	long long us;

	if (v != NULL && txt_parse_int64(v, 0, 10000000, &us)) {
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
		ssize_t w = write(STDERR_FILENO, "+", 1);
		(void)w;
		nanosleep(&ts, NULL);
	}
}

static struct err *
txwrite_post(struct ctx *ctx)
{
	const cJSON *data, *j;
	const char *batch;
	long long rows, size;
	struct err *e = req_data(ctx, &data);

	if (e != NULL)
		return e;
	j = cJSON_GetObjectItemCaseSensitive(data, "batch");
	if (!cJSON_IsString(j) || !txt_token(j->valuestring, 32))
		return err_field(ctx, "batch", "A token of 1 to 32 "
		    "characters.");
	batch = j->valuestring;
	j = cJSON_GetObjectItemCaseSensitive(data, "rows");
	rows = cJSON_IsNumber(j) ? (long long)j->valuedouble : -1;
	if (rows < 1 || rows > 1000)
		return err_field(ctx, "rows", "From 1 to 1000.");
	j = cJSON_GetObjectItemCaseSensitive(data, "size");
	size = cJSON_IsNumber(j) ? (long long)j->valuedouble : 10;
	if (size < 0 || size > 10000)
		return err_field(ctx, "size", "From 0 to 10000.");

	char *value = mem_alloc(&ctx->mem, (size_t)size + 1);
	memset(value, 'v', (size_t)size);
	value[size] = '\0';
	db_stmt *st = db_prepare(ctx, sql_insert);
	if (st == NULL)
		return db_err(ctx, "insert");
	if ((e = db_begin(ctx)) != NULL)
		return e;
	for (long long i = 0; i < rows && e == NULL; i++) {
		const char *key = mem_printf(&ctx->mem, "%s:%lld", batch, i);
		st_reset(st);
		st_bind_text(st, 1, key, -1, SQLITE_STATIC);
		st_bind_text(st, 2, value, (int)size, SQLITE_STATIC);
		if ((e = db_step(ctx, st, "insert")) == NULL)
			txwrite_delay(ctx);
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "batch", batch);
	cJSON_AddNumberToObject(o, "rows", (double)rows);
	return resp_json(ctx, 201, o);
}

static struct err *
txwrite_count(struct ctx *ctx)
{
	const char *batch = req_query(ctx, "batch");
	db_stmt *st = db_prepare(ctx, batch != NULL ? sql_count_batch :
	    sql_count_all);

	if (st == NULL)
		return db_err(ctx, "count");
	if (batch != NULL)
		st_bind_text(st, 1, batch, -1, SQLITE_STATIC);
	if (st_step(st) != SQLITE_ROW)
		return db_err(ctx, "count");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rows", st_column_int(st, 0));
	return resp_json(ctx, 200, o);
}

static const struct route txwrite_routes[] = {
	{ "GET", "/api/txwrite/", AREA_PUBLIC, PERM_VIEW, txwrite_count,
	  "Count test rows", 0 },
	{ "POST", "/api/txwrite/", AREA_PUBLIC, PERM_VIEW, txwrite_post,
	  "Write test rows in one transaction", 0 },
};

/* lib/ alone: no accounts (every route is public), no tasks. */
static const struct program txwrite_program = { .name = "txwrite",
    ROUTES(txwrite_routes) };

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &txwrite_program);
}
