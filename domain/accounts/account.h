/*
 * account: creating users and setting passwords, shared by the command-line
 * tool, the first-run setup and the user administration endpoints.
 *
 * The first-run setup code lives in DATA_DIR/setup_code (mode 0600): 128
 * random bits the installer reads from the data directory, which the web
 * server never serves.
 *
 * Each function runs inside the caller's transaction (db_begin()), so a
 * caller can combine it with its own checks and its audit entry.  Password
 * policy (pwd.h) is the caller's to apply first: these functions hash what
 * they are given.  Nothing here logs or stores a plain password.
 */
#ifndef SR_ACCOUNT_H
#define SR_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct sqlite3_stmt;

struct ctx;
struct resource;

/* Users and groups (InvenTree's "user" and "group"). */
extern const struct resource user_resource, group_resource;

#define ACCT_EMAIL_MAX	254
#define ACCT_NAME_MAX	150	/* first and last names */

/* The columns acct_user_object() reads, in order. */
#define ACCT_USER_COLUMNS "id, username, first_name, last_name, email," \
    " is_staff, is_superuser, is_active, date_joined, last_login"

const char	*acct_username_invalid(const char *);
const char	*acct_email_invalid(const char *);
int		 acct_create(struct ctx *, const char *username,
		    const char *email, const char *password, bool superuser,
		    long long *user_id);
int		 acct_set_password(struct ctx *, long long user_id,
		    const char *password);
int		 acct_count(struct ctx *, long long *n);
int		 acct_user_json(struct ctx *, long long user_id,
		    struct cJSON **out);
struct cJSON	*acct_user_object(struct sqlite3_stmt *);
void		 acct_error(struct cJSON *errors, const char *field,
		    const char *msg);
const char	*acct_text(const struct cJSON *data, const char *name,
		    size_t max, bool required, struct cJSON *errors);
int		 acct_bool(const struct cJSON *data, const char *name,
		    struct cJSON *errors);
int		 acct_setup_code(struct ctx *, bool create, const char **code);
void		 acct_setup_close(struct ctx *);

#define ACCT_SETUP_FILE	"setup_code"	/* in DATA_DIR, never served */

#endif
