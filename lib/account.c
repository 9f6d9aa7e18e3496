/*
 * account: users and passwords.  See account.h.
 */
#include <string.h>

#include "account.h"
#include "auth.h"
#include "ctx.h"
#include "db.h"
#include "pwd.h"
#include "resp.h"

static const char acct_sql_insert[] =
    "INSERT INTO users (username, email, password, is_superuser, is_staff)"
    " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (username) DO NOTHING"
    " RETURNING id";
static const char acct_sql_password[] =
    "UPDATE users SET password = ?2 WHERE id = ?1";
static const char acct_sql_count[] = "SELECT count(*) FROM users";

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
