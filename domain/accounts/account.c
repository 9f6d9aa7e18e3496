/*
 * account: users and passwords.  See account.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "accounts/account.h"
#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "accounts/pwd.h"
#include "resp.h"
#include "text.h"

static const char acct_sql_insert[] =
    "INSERT INTO users (username, email, password, is_superuser, is_staff)"
    " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (username) DO NOTHING"
    " RETURNING id";
static const char acct_sql_password[] =
    "UPDATE users SET password = ?2 WHERE id = ?1";
static const char acct_sql_count[] = "SELECT count(*) FROM users";
static const char acct_sql_user[] =
    "SELECT " ACCT_USER_COLUMNS " FROM users WHERE id = ?1";

/*
 * Why username may not be used (Django's rule: 1 to 150 letters, digits
 * and @ . + - _), or NULL when it may.
 */
const char *
acct_username_invalid(const char *u)
{
	size_t n = strlen(u);

	if (n == 0)
		return "This field may not be blank.";
	if (n > AUTH_USERNAME_MAX)
		return "Ensure this field has no more than 150 characters.";
	for (; *u != '\0'; u++) {
		unsigned char c = (unsigned char)*u;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("@.+-_", c) != NULL))
			return "Enter a valid username. This value may contain "
			    "only letters, numbers, and @/./+/-/_ characters.";
	}
	return NULL;
}

/* Why email may not be used (empty is allowed), or NULL. */
const char *
acct_email_invalid(const char *e)
{
	const char *at = strchr(e, '@');

	if (e[0] == '\0')
		return NULL;
	if (strlen(e) > ACCT_EMAIL_MAX)
		return "Ensure this field has no more than 254 characters.";
	if (at == NULL || at == e || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || strpbrk(e, " \t\r\n<>,;\"") != NULL)
		return "Enter a valid email address.";
	return NULL;
}

/*
 * Creates a user (a superuser and staff member when superuser is set) with
 * password hashed, or no password sign-in when password is NULL.  Returns 0
 * with *user_id set; 1 (no answer set) when the username is taken, ignoring
 * case; else the status of the error set.
 */
int
acct_create(struct ctx *ctx, const char *username, const char *email,
    const char *password, bool superuser, long long *user_id)
{
	const char *mcf = "";

	if (password != NULL &&
	    (mcf = pwd_hash(&ctx->mem, password)) == NULL)
		return resp_internal(ctx, "password hash");
	sqlite3_stmt *st = db_prepare(ctx, acct_sql_insert);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, email != NULL ? email : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mcf, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, superuser ? 1 : 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "create user");
	*user_id = sqlite3_column_int64(st, 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "create user");
	return 0;
}

/*
 * Sets user_id's password and ends all their sessions and tokens
 * (auth_bump_version()).  Returns 0 or the status of the error set.
 */
int
acct_set_password(struct ctx *ctx, long long user_id, const char *password)
{
	const char *mcf = pwd_hash(&ctx->mem, password);

	if (mcf == NULL)
		return resp_internal(ctx, "password hash");
	sqlite3_stmt *st = db_prepare(ctx, acct_sql_password);
	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, mcf, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(ctx, "set password");
	return auth_bump_version(ctx, user_id);
}

/* How many users exist.  Returns 0 or the status of the error set. */
int
acct_count(struct ctx *ctx, long long *n)
{
	sqlite3_stmt *st = db_prepare(ctx, acct_sql_count);

	if (st == NULL)
		return ctx->resp.status;
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(ctx, "count users");
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/*
 * Reads the setup code from DATA_DIR/setup_code into *code, first writing a
 * new one (mode 0600) when create is set and there is none.  Returns 0 (with
 * *code NULL when there is no file and create is not set), or 500 after
 * setting the answer.
 */
int
acct_setup_code(struct ctx *ctx, bool create, const char **code)
{
	const char *path = mem_printf(&ctx->mem, "%s/%s", ctx->cfg.data_dir,
	    ACCT_SETUP_FILE);
	char buf[33];
	int fd;

	*code = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		if (rnd_hex(buf, 16) != 0)
			return resp_internal(ctx, "no random numbers");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd >= 0) {
			bool ok = write(fd, buf, 32) == 32 &&
			    write(fd, "\n", 1) == 1 && fsync(fd) == 0;
			close(fd);
			if (!ok) {
				unlink(path);
				return resp_internal(ctx, "cannot write the "
				    "setup code");
			}
			*code = mem_strdup(&ctx->mem, buf);
			return 0;
		}
		if (errno != EEXIST)
			return resp_internal(ctx, mem_printf(&ctx->mem,
			    "cannot create the setup code: %s",
			    strerror(errno)));
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return resp_internal(ctx, mem_printf(&ctx->mem,
		    "cannot read the setup code: %s", strerror(errno)));
	}
	ssize_t n = read(fd, buf, 32);
	close(fd);
	if (n != 32)
		return resp_internal(ctx, "the setup code file is damaged");
	buf[32] = '\0';
	*code = mem_strdup(&ctx->mem, buf);
	return 0;
}

/* Removes the setup code for good (a user exists now). */
void
acct_setup_close(struct ctx *ctx)
{
	unlink(mem_printf(&ctx->mem, "%s/%s", ctx->cfg.data_dir,
	    ACCT_SETUP_FILE));
}

/* A users row (columns ACCT_USER_COLUMNS) as the API's user object. */
cJSON *
acct_user_object(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "pk", (double)sqlite3_column_int64(st, 0));
	cJSON_AddStringToObject(o, "username",
	    (const char *)sqlite3_column_text(st, 1));
	cJSON_AddStringToObject(o, "first_name",
	    (const char *)sqlite3_column_text(st, 2));
	cJSON_AddStringToObject(o, "last_name",
	    (const char *)sqlite3_column_text(st, 3));
	cJSON_AddStringToObject(o, "email",
	    (const char *)sqlite3_column_text(st, 4));
	cJSON_AddBoolToObject(o, "is_staff", sqlite3_column_int(st, 5));
	cJSON_AddBoolToObject(o, "is_superuser", sqlite3_column_int(st, 6));
	cJSON_AddBoolToObject(o, "is_active", sqlite3_column_int(st, 7));
	cJSON_AddStringToObject(o, "date_joined",
	    (const char *)sqlite3_column_text(st, 8));
	if (sqlite3_column_type(st, 9) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "last_login");
	else
		cJSON_AddStringToObject(o, "last_login",
		    (const char *)sqlite3_column_text(st, 9));
	return o;
}

/*
 * Sets *out to user_id's object (the caller owns it).  Returns 0; 1 when
 * there is no such user (no answer set); or the status of the error set.
 */
int
acct_user_json(struct ctx *ctx, long long user_id, cJSON **out)
{
	sqlite3_stmt *st = db_prepare(ctx, acct_sql_user);

	if (st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(st, 1, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "user");
	*out = acct_user_object(st);
	sqlite3_reset(st);
	return 0;
}

/* Adds msg to errors[field], DRF style ({"field": ["msg", ...]}). */
void
acct_error(cJSON *errors, const char *field, const char *msg)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(errors, field);

	if (a == NULL)
		a = cJSON_AddArrayToObject(errors, field);
	cJSON_AddItemToArray(a, cJSON_CreateString(msg));
}

/*
 * The text field name of a request body: NULL when absent (an error in
 * errors when required) or invalid (an error in errors: not a string, blank
 * when required, longer than max bytes).
 */
const char *
acct_text(const cJSON *data, const char *name, size_t max, bool required,
    cJSON *errors)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, name);

	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			acct_error(errors, name, "This field is required.");
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		acct_error(errors, name, "Not a valid string.");
		return NULL;
	}
	if (required && v->valuestring[0] == '\0') {
		acct_error(errors, name, "This field may not be blank.");
		return NULL;
	}
	if (strlen(v->valuestring) > max) {
		char msg[96];
		snprintf(msg, sizeof(msg), "Ensure this field has no more than "
		    "%zu characters.", max);
		acct_error(errors, name, msg);
		return NULL;
	}
	return v->valuestring;
}

/*
 * The boolean field name: -1 when absent, 0 or 1, or -2 with an error in
 * errors.  Accepts JSON booleans and, from forms, true/false/1/0/yes/no.
 */
int
acct_bool(const cJSON *data, const char *name, cJSON *errors)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, name);
	bool b;

	if (v == NULL)
		return -1;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? 1 : 0;
	if (cJSON_IsString(v) && txt_parse_bool(v->valuestring, &b))
		return b ? 1 : 0;
	acct_error(errors, name, "Must be a valid boolean.");
	return -2;
}
