/*
 * stockroom: the command-line tool for those with a shell.
 *
 *   stockroom migrate     create the data directory and secret key, apply
 *                         pending database migrations
 *   stockroom status      print the settings in force (never secret values)
 *                         and the schema version
 *   stockroom settings    print the table of settings as JSON
 *
 * It reads the same settings as the CGI programs: install it next to them
 * (the install root's bin/ or cgi-bin/ directory) or set STOCKROOM_CONFIG /
 * STOCKROOM_* variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"

static int
cmd_migrate(struct ctx *ctx)
{
	char err[512];
	sqlite3 *db;
	int applied;

	if (db_check_data_dir(ctx->cfg.data_dir, true, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s: %s\n", ctx->cfg.data_dir, err);
		return 1;
	}
	if (cfg_secret_key(&ctx->mem, &ctx->cfg, err, sizeof(err)) == NULL) {
		fprintf(stderr, "stockroom: %s\n", err);
		return 1;
	}
	if (db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s: %s\n", ctx->cfg.database, err);
		return 1;
	}
	int rc = db_migrate(db, &applied, err, sizeof(err));
	int version = db_schema_version(db);
	sqlite3_close_v2(db);
	if (rc != 0) {
		fprintf(stderr, "stockroom: %s\n", err);
		return 1;
	}
	printf("database %s: schema version %d (%d migration%s applied)\n",
	    ctx->cfg.database, version, applied, applied == 1 ? "" : "s");
	return 0;
}

static int
cmd_status(struct ctx *ctx)
{
	char err[512];
	sqlite3 *db;

	printf("install root   %s\n", ctx->cfg.root_dir);
	printf("config file    %s\n", ctx->cfg.config_file ?
	    ctx->cfg.config_file : "(none)");
	printf("data directory %s\n", ctx->cfg.data_dir);
	printf("database       %s\n", ctx->cfg.database);
	printf("log            %s\n", ctx->cfg.log_file[0] ? ctx->cfg.log_file :
	    "(standard error)");
	printf("secret key     %s\n", ctx->cfg.secret_key[0] ?
	    "set in configuration" : "kept in the data directory");
	if (db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		printf("schema         %s\n", err);
		return 1;
	}
	printf("schema         version %d of %d\n", db_schema_version(db),
	    db_latest_version());
	sqlite3_close_v2(db);
	return 0;
}

static int
cmd_settings(void)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < cfg_settings_count; i++) {
		const struct cfg_setting *s = &cfg_settings[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", s->name);
		cJSON_AddStringToObject(o, "default", s->def ? s->def : "");
		cJSON_AddStringToObject(o, "help", s->help);
		cJSON_AddItemToArray(a, o);
	}
	char *text = cJSON_Print(a);
	puts(text);
	free(text);
	cJSON_Delete(a);
	return 0;
}

int
main(int argc, char **argv, char **envp)
{
	struct ctx ctx;
	char err[512];
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: stockroom migrate | status | settings\n");
		return 2;
	}
	if (strcmp(argv[1], "settings") == 0)
		return cmd_settings();
	ctx_init(&ctx, envp, stdin, stdout, NULL);
	if (cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: configuration: %s\n", err);
		ctx_end(&ctx);
		return 1;
	}
	ctx.cfg_ok = true;
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate(&ctx);
	else if (strcmp(argv[1], "status") == 0)
		rc = cmd_status(&ctx);
	else
		fprintf(stderr, "stockroom: unknown command '%s'\n", argv[1]);
	ctx_end(&ctx);
	return rc;
}
