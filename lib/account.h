/*
 * account: creating users and setting passwords, shared by the command-line
 * tool, the first-run setup and the user administration endpoints.
 *
 * Each function runs inside the caller's transaction (db_begin()), so a
 * caller can combine it with its own checks and its audit entry.  Password
 * policy (pwd.h) is the caller's to apply first: these functions hash what
 * they are given.  Nothing here logs or stores a plain password.
 */
#ifndef SR_ACCOUNT_H
#define SR_ACCOUNT_H

#include <stdbool.h>

struct ctx;

#define ACCT_EMAIL_MAX	254
#define ACCT_NAME_MAX	150	/* first and last names */

const char	*acct_username_invalid(const char *);
const char	*acct_email_invalid(const char *);
int		 acct_create(struct ctx *, const char *username,
		    const char *email, const char *password, bool superuser,
		    long long *user_id);
int		 acct_set_password(struct ctx *, long long user_id,
		    const char *password);
int		 acct_count(struct ctx *, long long *n);

#endif
