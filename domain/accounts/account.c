/*
 * account: users and passwords.  See account.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accounts/account.h"
#include "accounts/auth.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "text.h"

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

/*
 * Creates a user (a superuser and staff member when superuser is set)
 * whose password hash is mcf (pwd_hash()), or who cannot sign in with a
 * password when mcf is NULL, and sets *user_id.  A username taken,
 * ignoring case, is a 400 on "username".
 */
struct err *
acct_create(struct ctx *ctx, const char *username, const char *email,
    const char *mcf, bool superuser, long long *user_id)
{
	db_stmt *st = db_prepare(ctx, acct_sql_insert);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "create user");
	st_bind_text(st, 1, username, -1, SQLITE_STATIC);
	st_bind_text(st, 2, email != NULL ? email : "", -1, SQLITE_STATIC);
	st_bind_text(st, 3, mcf != NULL ? mcf : "", -1, SQLITE_STATIC);
	st_bind_int(st, 4, superuser ? 1 : 0);
	if ((e = db_row(ctx, st, "create user", &found)) != NULL)
		return e;
	if (!found)
		return err_field(ctx, "username", ACCT_TAKEN);
	*user_id = st_column_int64(st, 0);
	return db_step(ctx, st, "create user");
}

/*
 * Sets user_id's password hash to mcf (pwd_hash()) and ends all their
 * sessions and tokens (auth_bump_version()).
 */
struct err *
acct_set_password(struct ctx *ctx, long long user_id, const char *mcf)
{
	db_stmt *st = db_prepare(ctx, acct_sql_password);
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "set password");
	st_bind_int64(st, 1, user_id);
	st_bind_text(st, 2, mcf, -1, SQLITE_STATIC);
	if ((e = db_step(ctx, st, "set password")) != NULL)
		return e;
	return auth_bump_version(ctx, user_id);
}

/* How many users exist, into *n. */
struct err *
acct_count(struct ctx *ctx, long long *n)
{
	db_stmt *st = db_prepare(ctx, acct_sql_count);
	struct err *e;
	bool found;

	*n = 0;
	if (st == NULL)
		return db_err(ctx, "count users");
	if ((e = db_row(ctx, st, "count users", &found)) != NULL)
		return e;
	if (found)
		*n = st_column_int64(st, 0);
	st_reset(st);
	return NULL;
}

/*
 * Reads the setup code from DATA_DIR/setup_code into *code, first writing a
 * new one (mode 0600) when create is set and there is none.  *code is NULL
 * when there is no file and create is not set.  Returns NULL or a 500.
 */
struct err *
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
			return err_internal(ctx, "no random numbers");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd >= 0) {
			bool ok = write(fd, buf, 32) == 32 &&
			    write(fd, "\n", 1) == 1 && fsync(fd) == 0;
			close(fd);
			if (!ok) {
				unlink(path);
				return err_internal(ctx, "cannot write the "
				    "setup code");
			}
			*code = mem_strdup(&ctx->mem, buf);
			return NULL;
		}
		if (errno != EEXIST)
			return err_internal(ctx, mem_printf(&ctx->mem,
			    "cannot create the setup code: %s",
			    strerror(errno)));
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return NULL;
		return err_internal(ctx, mem_printf(&ctx->mem,
		    "cannot read the setup code: %s", strerror(errno)));
	}
	ssize_t n = read(fd, buf, 32);
	close(fd);
	if (n != 32)
		return err_internal(ctx, "the setup code file is damaged");
	buf[32] = '\0';
	*code = mem_strdup(&ctx->mem, buf);
	return NULL;
}

/* Removes the setup code for good (a user exists now). */
void
acct_setup_close(struct ctx *ctx)
{
	unlink(mem_printf(&ctx->mem, "%s/%s", ctx->cfg.data_dir,
	    ACCT_SETUP_FILE));
}
