/*
 * account: users and groups, as InvenTree's user app serves them, and the
 * account operations shared by the command-line tool, the first-run setup
 * and the user endpoints.
 *
 * Users and groups are resources (res.h): user_resource (/api/user/: any
 * signed-in user reads, superusers write) and group_resource
 * (/api/user/group/: superusers), described in user.c, the one place
 * their columns are written.  Their hooks hold the rules a field cannot
 * say:
 *
 *   - a username is 1 to 150 letters, digits and @ . + - _, unique
 *     without regard to case (so is a group's name);
 *   - a password (write-only) passes the policy (pwd.h) and is hashed
 *     before the write lock is taken; setting it, or deactivating the
 *     user, ends every session and API token of the user;
 *   - a user's "groups" and a group's "users" are lists of ids, each once,
 *     of rows that exist; a group's "roles" are its rule sets, stored with
 *     their implications (perm.h);
 *   - at least one active superuser remains, and nobody deletes their own
 *     account;
 *   - every change is an audit entry (audit.h), in the change's
 *     transaction.
 *
 * The acct_ functions run inside the caller's transaction (db_begin()),
 * so a caller can combine them with its own checks and its audit entry.
 * They take passwords already hashed (pwd_hash()): scrypt costs about
 * 50 ms, which must not be spent holding the write lock, and password
 * policy (pwd.h) is the caller's to apply first.  Nothing here logs or
 * stores a plain password.
 *
 * The first-run setup code lives in DATA_DIR/setup_code (mode 0600): 128
 * random bits the installer reads from the data directory, which the web
 * server never serves.
 */
#ifndef SR_ACCOUNT_H
#define SR_ACCOUNT_H

#include <stdbool.h>

struct ctx;
struct err;
struct resource;

/* Users and groups (InvenTree's "user" and "group"). */
extern const struct resource user_resource, group_resource;

#define ACCT_EMAIL_MAX	254
#define ACCT_NAME_MAX	150	/* first and last names, group names */
#define ACCT_GROUPS_MAX	1000	/* groups in one user's list */
#define ACCT_TAKEN	"A user with that username already exists."

const char	*acct_username_invalid(const char *);
struct err	*acct_create(struct ctx *, const char *username,
		    const char *email, const char *mcf, bool superuser,
		    long long *user_id);
struct err	*acct_set_password(struct ctx *, long long user_id,
		    const char *mcf);
struct err	*acct_count(struct ctx *, long long *n);
struct err	*acct_setup_code(struct ctx *, bool create, const char **code);
void		 acct_setup_close(struct ctx *);

#define ACCT_SETUP_FILE	"setup_code"	/* in DATA_DIR, never served */

#endif
