/*
 * stockroom: the command-line tool for those with a shell.
 *
 *   stockroom migrate     create the data directory and secret key, apply
 *                         pending database migrations
 *   stockroom status      print the settings in force (never secret values)
 *                         and the schema version
 *   stockroom settings    print the table of settings as JSON
 *   stockroom createsuperuser USERNAME [EMAIL]
 *                         create a superuser; the password is the first
 *                         line of standard input
 *   stockroom changepassword USERNAME
 *                         set a user's password (first line of standard
 *                         input); ends all their sessions and tokens
 *   stockroom ensure-admin
 *                         when no user exists, create the superuser "admin"
 *                         with a random password and print it once;
 *                         otherwise print nothing
 *   stockroom listusers   print the users, one a line
 *   stockroom check       the full integrity check of the database; when
 *                         it is sound, removes the damage record that
 *                         makes /api/health/ answer 503 (after restoring
 *                         a backup); then counts every maintained count
 *                         (tally.h) again from the rows and prints each
 *                         that drifted; exit status 1 when the file is
 *                         damaged or a count drifted
 *   stockroom upgrade INSTALL
 *                         run from an unpacked new release: migrate the
 *                         install's database, then lay the release over
 *                         the install, each file renamed into place, while
 *                         it is served (lib/upgrade.h); data/ and
 *                         stockroom.conf are the install's own
 *   stockroom restore FILE
 *                         replace the database with the backup FILE, once
 *                         it is checked (a sound Stockroom database of a
 *                         schema this program knows), while the server
 *                         runs; the database as it was is kept in
 *                         DATA_DIR/backups/ (lib/dbrestore.h)
 *   stockroom migrate-db DATABASE_URL
 *                         copy this SQLite install's database into a new
 *                         PostgreSQL database, counts and totals checked,
 *                         in one transaction (lib/dbmove.h); the URL is
 *                         never printed
 *
 * It reads the same settings as the CGI programs: install it next to them
 * (the install root's bin/ or cgi-bin/ directory) or set STOCKROOM_CONFIG /
 * STOCKROOM_* variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "accounts/account.h"
#include "accounts/audit.h"
#include "dbcheck.h"
#include "dbmove.h"
#include "dbrestore.h"
#include "upgrade.h"
#include "accounts/pwd.h"
#include "inventory/tally.h"
#include "stockroom.h"

static const char tool_sql_find_user[] =
    "SELECT id FROM users WHERE username = ?1";
static const char tool_sql_list_users[] =
    "SELECT id, username, email, is_active, is_superuser, date_joined,"
    " coalesce(last_login, '-') FROM users ORDER BY id";

/* migrate on PostgreSQL: the URL is never printed (it may hold a password). */
static int
cmd_migrate_pg(struct ctx *ctx)
{
	char err[512];
	struct pg *pg;
	int applied;

	if (pg_connect(ctx->cfg.pg_url, &pg, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s\n", err);
		return 1;
	}
	int rc = db_pg_migrate(pg, &applied, err, sizeof(err));
	int version = db_pg_version(pg);
	pg_close(pg);
	if (rc != 0) {
		fprintf(stderr, "stockroom: %s\n", err);
		return 1;
	}
	printf("database (PostgreSQL): schema version %d (%d migration%s "
	    "applied)\n", version, applied, applied == 1 ? "" : "s");
	return 0;
}

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
	if (ctx->cfg.pg_url != NULL)
		return cmd_migrate_pg(ctx);
	bool existed = access(ctx->cfg.database, F_OK) == 0;
	if (db_may_create(ctx->cfg.data_dir, ctx->cfg.database, true, err,
	    sizeof(err)) != 0 ||
	    db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s: %s\n", ctx->cfg.database, err);
		return 1;
	}
	if (!existed)
		db_mark_created(ctx->cfg.data_dir, ctx->cfg.database);
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

/* migrate-db URL: this SQLite install into a new PostgreSQL database. */
static int
cmd_migrate_db(struct ctx *ctx, const char *url)
{
	char err[1024];

	if (dbmove_run(&ctx->cfg, url, stdout, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: migrate-db: %s\n", err);
		return 1;
	}
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
	printf("database       %s\n", ctx->cfg.pg_url != NULL ?
	    "PostgreSQL (DATABASE_URL)" : ctx->cfg.database);
	printf("log            %s\n", ctx->cfg.log_file[0] ? ctx->cfg.log_file :
	    "(standard error)");
	printf("secret key     %s\n", ctx->cfg.secret_key[0] ?
	    "set in configuration" : "kept in the data directory");
	if (ctx->cfg.pg_url != NULL) {
		struct pg *pg;
		if (pg_connect(ctx->cfg.pg_url, &pg, err, sizeof(err)) != 0) {
			printf("schema         %s\n", err);
			return 1;
		}
		printf("schema         version %d of %d\n", db_pg_version(pg),
		    db_pg_migrations_count > 0 ? db_pg_migrations[
		    db_pg_migrations_count - 1].version : 0);
		pg_close(pg);
		return 0;
	}
	if (db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		printf("schema         %s\n", err);
		return 1;
	}
	printf("schema         version %d of %d\n", db_schema_version(db),
	    db_latest_version());
	sqlite3_close_v2(db);
	return 0;
}

/*
 * The full PRAGMA integrity_check.  A sound database removes the damage
 * record (dbcheck.h): the way back after restoring it from a backup.  A
 * damaged one is recorded.  Returns the exit status: 0 sound, 1 not.
 */
static int tool_fail(const struct err *);

/* check on PostgreSQL: the maintained counts (its pages are its own). */
static int
cmd_check_pg(struct ctx *ctx)
{
	struct err *e = db_open(ctx, DB_ANY_SCHEMA);

	if (e != NULL)
		return tool_fail(e);
	long long drift = tally_check(ctx, stdout);
	if (drift != 0) {
		fprintf(stderr, "stockroom: %s\n", drift < 0 ? "the counts "
		    "could not be checked" : "maintained counts drifted (listed "
		    "above)");
		return 1;
	}
	printf("counts (PostgreSQL): ok\n");
	return 0;
}

static int
cmd_check(struct ctx *ctx)
{
	char err[512], msg[1024], line[DBCHECK_LINE_MAX];
	sqlite3 *db;

	if (ctx->cfg.pg_url != NULL)
		return cmd_check_pg(ctx);
	if (access(ctx->cfg.database, F_OK) != 0) {
		fprintf(stderr, "stockroom: %s: no database file\n",
		    ctx->cfg.database);
		return 1;
	}
	if (db_connect(ctx->cfg.database, &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s: %s\n", ctx->cfg.database, err);
		return 1;
	}
	bool recorded = dbcheck_recorded(ctx->cfg.data_dir, line, sizeof(line));
	enum dbcheck_result r = dbcheck_run(db, false, msg, sizeof(msg));
	ctx->db = db;		/* tally_check() prepares on ctx */
	long long drift = r == DBCHECK_OK ? tally_check(ctx, stdout) : 0;
	/* its statements are finalized with the request's memory, after
	 * sqlite3_close_v2() below, which waits for them */
	ctx->db = NULL;
	sqlite3_close_v2(db);
	switch (r) {
	case DBCHECK_OK:
		if (recorded && dbcheck_forget(ctx->cfg.data_dir) < 0) {
			fprintf(stderr, "stockroom: the database is sound, but "
			    "%s/" DBCHECK_MARKER " cannot be removed\n",
			    ctx->cfg.data_dir);
			return 1;
		}
		printf("database %s: ok%s%s%s\n", ctx->cfg.database,
		    recorded ? "; removed the damage record (" : "",
		    recorded ? line : "", recorded ? ")" : "");
		if (drift != 0) {
			fprintf(stderr, "stockroom: %s: %s\n", ctx->cfg.database,
			    drift < 0 ? "the counts could not be checked" :
			    "maintained counts drifted (listed above)");
			return 1;
		}
		printf("counts %s: ok\n", ctx->cfg.database);
		return 0;
	case DBCHECK_DAMAGED:
		dbcheck_record(ctx->cfg.data_dir, "stockroom check",
		    SQLITE_CORRUPT);
		fprintf(stderr, "stockroom: %s is damaged: %s\n"
		    "Restore it from a backup (the data directory's backups/), "
		    "then run 'stockroom check' again.\n", ctx->cfg.database,
		    msg);
		return 1;
	default:
		fprintf(stderr, "stockroom: %s: the check could not run: %s\n",
		    ctx->cfg.database, msg);
		return 1;
	}
}

/* Restores the database from file (dbrestore.h).  Exit status 0 or 1. */
static int
cmd_restore(struct ctx *ctx, const char *file)
{
	struct dbrestore_report rep;
	char err[2048];

	if (dbrestore_run(&ctx->cfg, file, &rep, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: restore: %s\n", err);
		return 1;
	}
	printf("restored %s into %s: schema version %d", file,
	    ctx->cfg.database, rep.version);
	if (rep.migrated > 0)
		printf(", brought up to date by %d migration%s", rep.migrated,
		    rep.migrated == 1 ? "" : "s");
	printf("\n");
	if (rep.saved[0] != '\0')
		printf("the database as it was is in %s\n", rep.saved);
	else if (rep.warning[0] != '\0')
		printf("the database as it was could not be kept: %s\n",
		    rep.warning);
	return 0;
}

/*
 * Lays this program's release (its install root) over the install at
 * path, whose own settings say where its database is.  Exit status 0 or 1.
 */
static int
cmd_upgrade(struct ctx *ctx, const char *path)
{
	struct upgrade_report rep;
	struct cfg icfg;
	char err[2048];

	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stockroom: upgrade: %s: not a directory\n",
		    path);
		return 1;
	}
	const char *exe = mem_printf(&ctx->mem, "%s/bin/stockroom", path);
	if (access(exe, F_OK) != 0)
		exe = mem_printf(&ctx->mem, "%s/cgi-bin/api.cgi", path);
	if (access(exe, F_OK) != 0) {
		fprintf(stderr, "stockroom: upgrade: %s: not a Stockroom "
		    "install (no bin/stockroom, no cgi-bin/api.cgi)\n", path);
		return 1;
	}
	if (cfg_load(&ctx->mem, ctx->envp, exe, &icfg, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "stockroom: upgrade: %s: configuration: %s\n",
		    path, err);
		return 1;
	}
	if (upgrade_run(ctx->cfg.root_dir, path, &icfg, &rep, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: upgrade: %s\n", err);
		return 1;
	}
	printf("upgraded %s from %s: %d files", path, ctx->cfg.root_dir,
	    rep.files);
	if (rep.version > 0)
		printf("; database schema version %d (%d migration%s applied)",
		    rep.version, rep.migrated, rep.migrated == 1 ? "" : "s");
	printf("\n");
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

/*
 * Prints what went wrong: an error's detail, or its first field's first
 * message.  Returns the exit status, 1.
 */
static int
tool_fail(const struct err *e)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(e->body, "detail");

	if (!cJSON_IsString(d) && e->body != NULL && e->body->child != NULL)
		d = cJSON_IsArray(e->body->child) ? e->body->child->child :
		    e->body->child;
	if (cJSON_IsString(d))
		fprintf(stderr, "stockroom: %s\n", d->valuestring);
	else
		fprintf(stderr, "stockroom: failed (status %d)\n", e->status);
	return 1;
}

/*
 * Opens the database for an account command; it must be migrated.  The
 * data directory must exist: only 'stockroom migrate' makes it.
 */
static int
tool_open(struct ctx *ctx)
{
	char err[512];
	struct err *e;

	ctx->req.remote_addr = "local";
	if (db_check_data_dir(ctx->cfg.data_dir, false, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: %s\n", err);
		return 1;
	}
	if ((e = db_open(ctx, DB_CHECK_SCHEMA)) != NULL)
		return tool_fail(e);
	return 0;
}

/* The first line of standard input (without its end), or NULL. */
static const char *
tool_read_password(struct ctx *ctx)
{
	char buf[PWD_MAX_LEN + 3];

	if (fgets(buf, sizeof(buf), ctx->in) == NULL) {
		fprintf(stderr, "stockroom: expected the password on the first "
		    "line of standard input\n");
		return NULL;
	}
	size_t n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n > PWD_MAX_LEN) {
		fprintf(stderr, "stockroom: password too long\n");
		return NULL;
	}
	buf[n] = '\0';
	if (!txt_utf8_valid(buf, n, false)) {
		fprintf(stderr, "stockroom: the password is not valid text\n");
		return NULL;
	}
	return mem_strdup(&ctx->mem, buf);
}

/* The writes of a new superuser, in one transaction. */
static struct err *
tool_superuser_write(struct ctx *ctx, const char *username, const char *email,
    const char *mcf)
{
	struct err *e;
	long long id;

	if ((e = acct_create(ctx, username, email, mcf, true, &id)) != NULL)
		return e;
	return audit_record(ctx, AUDIT_USER_CREATED, 0, "(command line)",
	    username);
}

/*
 * Why an e-mail address given on the command line cannot be used, or
 * NULL ("" is none).
 */
static const char *
tool_email_invalid(struct ctx *ctx, const char *email)
{
	const char *why;

	if (email[0] == '\0')
		return NULL;
	if ((why = val_text(ctx, email, ACCT_EMAIL_MAX, false)) != NULL)
		return why;
	return val_email(email);
}

/* Creates a superuser in one transaction, with its audit entry. */
/*
 * The stored form (MCF) of username's new password, once the password
 * policy takes it; NULL after saying why not.  The request owns it.
 */
static const char *
tool_password_hash(struct ctx *ctx, const char *username,
    const char *password)
{
	const char *why, *mcf;

	if ((why = pwd_policy(username, password,
	    ctx->cfg.password_min_length, &ctx->mem)) != NULL) {
		fprintf(stderr, "stockroom: %s\n", why);
		return NULL;
	}
	if ((mcf = pwd_hash(&ctx->mem, password)) == NULL)
		fprintf(stderr, "stockroom: cannot hash the password\n");
	return mcf;
}

static int
tool_create_superuser(struct ctx *ctx, const char *username, const char *email,
    const char *password)
{
	const char *why, *mcf;
	struct err *e;

	if ((why = acct_username_invalid(username)) != NULL ||
	    (why = tool_email_invalid(ctx, email)) != NULL) {
		fprintf(stderr, "stockroom: %s\n", why);
		return 1;
	}
	if ((mcf = tool_password_hash(ctx, username, password)) == NULL)
		return 1;
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, tool_superuser_write(ctx, username, email,
	    mcf))) != NULL)
		return tool_fail(e);
	return 0;
}

static int
cmd_createsuperuser(struct ctx *ctx, const char *username, const char *email)
{
	const char *password;

	if (tool_open(ctx) != 0 || (password = tool_read_password(ctx)) == NULL)
		return 1;
	if (tool_create_superuser(ctx, username, email, password) != 0)
		return 1;
	printf("Created superuser %s\n", username);
	return 0;
}

static int
cmd_ensure_admin(struct ctx *ctx)
{
	char password[25];
	struct err *e;
	long long n;

	if (tool_open(ctx) != 0)
		return 1;
	if ((e = acct_count(ctx, &n)) != NULL)
		return tool_fail(e);
	if (n > 0)
		return 0;
	if (rnd_hex(password, 12) != 0) {
		fprintf(stderr, "stockroom: no random numbers available\n");
		return 1;
	}
	if (tool_create_superuser(ctx, "admin", "", password) != 0)
		return 1;
	printf("Created superuser admin with password: %s\n", password);
	return 0;
}

/* The writes of a password change, in one transaction. */
static struct err *
tool_password_write(struct ctx *ctx, const char *username, const char *mcf)
{
	db_stmt *st = db_prepare(ctx, tool_sql_find_user);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "find user");
	st_bind_text(st, 1, username, -1, SQLITE_STATIC);
	if ((e = db_row(ctx, st, "find user", &found)) != NULL)
		return e;
	if (!found)
		return err_new(ctx, 404, "no user named %s", username);
	long long id = st_column_int64(st, 0);
	st_reset(st);
	if ((e = acct_set_password(ctx, id, mcf)) != NULL)
		return e;
	return audit_record(ctx, AUDIT_PASSWORD_CHANGED, 0, "(command line)",
	    username);
}

static int
cmd_changepassword(struct ctx *ctx, const char *username)
{
	const char *password, *mcf;
	struct err *e;

	if (tool_open(ctx) != 0 ||
	    (password = tool_read_password(ctx)) == NULL ||
	    (mcf = tool_password_hash(ctx, username, password)) == NULL)
		return 1;
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, tool_password_write(ctx, username, mcf))) != NULL)
		return tool_fail(e);
	printf("Password changed for %s; their sessions and tokens have "
	    "ended\n", username);
	return 0;
}

static int
cmd_listusers(struct ctx *ctx)
{
	db_stmt *st;
	int rc;

	if (tool_open(ctx) != 0)
		return 1;
	if ((st = db_prepare(ctx, tool_sql_list_users)) == NULL)
		return tool_fail(db_err(ctx, "list users"));
	printf("%-6s %-20s %-30s %-8s %-10s %-20s %s\n", "id", "username",
	    "email", "active", "superuser", "joined", "last login");
	while ((rc = st_step(st)) == SQLITE_ROW)
		printf("%-6lld %-20s %-30s %-8s %-10s %-20s %s\n",
		    st_column_int64(st, 0), st_column_text(st, 1),
		    st_column_text(st, 2),
		    st_column_int(st, 3) ? "yes" : "no",
		    st_column_int(st, 4) ? "yes" : "no",
		    st_column_text(st, 5), st_column_text(st, 6));
	return rc == SQLITE_DONE ? 0 : tool_fail(db_err(ctx, "list users"));
}

static void
usage(void)
{
	fprintf(stderr, "usage: stockroom migrate | status | settings | --version |\n"
	    "       createsuperuser USERNAME [EMAIL] | changepassword USERNAME |\n"
	    "       ensure-admin | listusers | check | restore FILE |\n"
	    "       migrate-db DATABASE_URL |\n"
	    "       upgrade INSTALL\n");
}

int
main(int argc, char **argv, char **envp)
{
	struct ctx ctx;
	char err[512];
	int rc = 2;

	if (argc < 2 || argc > 4) {
		usage();
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 && argc == 2) {
		printf("stockroom %s\n", STOCKROOM_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "settings") == 0)
		return cmd_settings();
	umask(077);	/* the database and secrets are the owner's alone */
	ctx_init(&ctx, envp, stdin, stdout, NULL);
	if (cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "stockroom: configuration: %s\n", err);
		ctx_end(&ctx);
		return 1;
	}
	ctx.cfg_ok = true;
	if (strcmp(argv[1], "migrate") == 0 && argc == 2)
		rc = cmd_migrate(&ctx);
	else if (strcmp(argv[1], "status") == 0 && argc == 2)
		rc = cmd_status(&ctx);
	else if (strcmp(argv[1], "createsuperuser") == 0 && argc >= 3)
		rc = cmd_createsuperuser(&ctx, argv[2], argc == 4 ? argv[3] : "");
	else if (strcmp(argv[1], "changepassword") == 0 && argc == 3)
		rc = cmd_changepassword(&ctx, argv[2]);
	else if (strcmp(argv[1], "ensure-admin") == 0 && argc == 2)
		rc = cmd_ensure_admin(&ctx);
	else if (strcmp(argv[1], "listusers") == 0 && argc == 2)
		rc = cmd_listusers(&ctx);
	else if (strcmp(argv[1], "check") == 0 && argc == 2)
		rc = cmd_check(&ctx);
	else if (strcmp(argv[1], "restore") == 0 && argc == 3)
		rc = cmd_restore(&ctx, argv[2]);
	else if (strcmp(argv[1], "migrate-db") == 0 && argc == 3)
		rc = cmd_migrate_db(&ctx, argv[2]);
	else if (strcmp(argv[1], "upgrade") == 0 && argc == 3)
		rc = cmd_upgrade(&ctx, argv[2]);
	else
		usage();
	ctx_end(&ctx);
	return rc;
}
