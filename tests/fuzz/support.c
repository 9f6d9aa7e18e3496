/*
 * support: the fuzzing site.  See support.h.
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stockroom.h"
#include "accounts/auth.h"
#include "support.h"

static char data_dir[64];
static char data_dir_env[96];
char fuzz_csrf[AUTH_DIGEST_LEN + 1];

char *fuzz_fixed_env[] = {
	"STOCKROOM_CONFIG=/dev/null",
	data_dir_env,
	"STOCKROOM_DATABASE=",
	"STOCKROOM_LOG_FILE=",
	"STOCKROOM_LOG_LEVEL=error",
	"STOCKROOM_AUTO_MIGRATE=false",
	"STOCKROOM_MAX_BODY_SIZE=65536",
	"STOCKROOM_SECRET_KEY=" FUZZ_SECRET_KEY,
	NULL
};

/* Linker --wrap=pwd_check,--wrap=pwd_dummy (see support.h). */
bool __wrap_pwd_check(const char *, const char *, bool *);
void __wrap_pwd_dummy(const char *);

bool
__wrap_pwd_check(const char *mcf, const char *password, bool *needs_upgrade)
{
	(void)mcf;
	if (needs_upgrade != NULL)
		*needs_upgrade = false;
	return strcmp(password, FUZZ_PASSWORD) == 0;
}

void
__wrap_pwd_dummy(const char *password)
{
	(void)password;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
data_dir_remove(void)
{
	nftw(data_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
must(bool ok, struct ctx *ctx, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_site_init: %s: %s\n", what,
		    ctx->db != NULL ? sqlite3_errmsg(ctx->db) : "-");
		abort();
	}
}

void
fuzz_site_init(void)
{
	static const char sql_setup[] =
	    "INSERT INTO users (id, username, password) VALUES"
	    " (1, 'fuzzer', '$s1$0e0801$x$y'), (2, 'gone', '');"
	    "UPDATE users SET is_active = 0 WHERE id = 2;"
	    "INSERT INTO groups (id, name) VALUES (1, 'fuzz');"
	    "INSERT INTO user_groups VALUES (1, 1);"
	    "INSERT INTO group_rules (group_id, area, can_view, can_add)"
	    " VALUES (1, 'part', 1, 1);"
	    "INSERT INTO setting VALUES ('a', 'b');";
	static const char sql_token[] =
	    "INSERT INTO api_tokens (user_id, name, digest, token_version,"
	    " expiry) VALUES (1, 'fuzz', ?1, 1, '2999-12-31')";
	static const char sql_session[] =
	    "INSERT INTO sessions (user_id, digest, token_version, created,"
	    " expires, last_seen) VALUES (1, ?1, 1, ?2, ?2 + 315360000, ?2)";
	char *envp[16], d[AUTH_DIGEST_LEN + 1], err[256];
	struct ctx ctx;
	size_t n = 0;
	int applied;

	snprintf(data_dir, sizeof(data_dir), "/tmp/stockroom-fuzz.XXXXXX");
	if (mkdtemp(data_dir) == NULL)
		abort();
	atexit(data_dir_remove);
	snprintf(data_dir_env, sizeof(data_dir_env), "STOCKROOM_DATA_DIR=%s",
	    data_dir);
	/* Only this setup may create the database (the fixed entries say no). */
	envp[n++] = "STOCKROOM_AUTO_MIGRATE=true";
	for (size_t i = 0; fuzz_fixed_env[i] != NULL; i++)
		envp[n++] = fuzz_fixed_env[i];
	envp[n] = NULL;

	ctx_init(&ctx, envp, NULL, NULL, NULL);
	must(cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) == 0,
	    &ctx, err);
	ctx.cfg_ok = true;
	must(db_open(&ctx, DB_ANY_SCHEMA) == NULL, &ctx, "open");
	must(db_migrate(ctx.db, &applied, err, sizeof(err)) == 0, &ctx, err);
	must(sqlite3_exec(ctx.db, sql_setup, NULL, NULL, NULL) == SQLITE_OK,
	    &ctx, "setup");

	db_stmt *st = db_prepare(&ctx, sql_token);
	must(st != NULL && auth_digest(&ctx, "token", FUZZ_TOKEN, d) == NULL,
	    &ctx, "token digest");
	st_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
	must(st_step(st) == SQLITE_DONE, &ctx, "token");

	st = db_prepare(&ctx, sql_session);
	must(st != NULL && auth_digest(&ctx, "session", FUZZ_SESSION, d) ==
	    NULL, &ctx, "session digest");
	st_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 2, (long long)time(NULL));
	must(st_step(st) == SQLITE_DONE, &ctx, "session");

	const char *csrf;
	must(auth_csrf_token(&ctx, FUZZ_SESSION, &csrf) == NULL, &ctx, "csrf");
	snprintf(fuzz_csrf, sizeof(fuzz_csrf), "%s", csrf);
	if (getenv("FUZZ_PRINT_KEYS") != NULL)
		fprintf(stderr, "token %s\nsession %s\ncsrf %s\n", FUZZ_TOKEN,
		    FUZZ_SESSION, fuzz_csrf);
	ctx_end(&ctx);
}
