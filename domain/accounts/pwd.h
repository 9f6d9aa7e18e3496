/*
 * pwd: password hashing and password policy.
 *
 * Passwords are hashed with scrypt through libscrypt and kept as its MCF
 * string ("$s1$NNrrpp$salt$hash").  The cost is PWD_SCRYPT_LOG2N, r and p
 * below: one check costs about 50 ms on the reference machine (see
 * README-ACCOUNTS.md).  A stored hash made with other parameters still
 * verifies, and pwd_check() says when it should be replaced.  Checking a
 * password for a user who does not exist costs the same work (pwd_dummy()),
 * so timing does not tell which usernames exist.
 *
 * This module never logs, stores or returns a plain password.
 */
#ifndef SR_PWD_H
#define SR_PWD_H

#include <stdbool.h>
#include <stddef.h>

struct mem;

#define PWD_SCRYPT_LOG2N	14
#define PWD_SCRYPT_R		8
#define PWD_SCRYPT_P		1
#define PWD_MAX_LEN		1024	/* longest password accepted, bytes */

char		*pwd_hash(struct mem *, const char *password);
bool		 pwd_check(const char *mcf, const char *password,
		    bool *needs_upgrade);
void		 pwd_dummy(const char *password);
const char	*pwd_policy(const char *username, const char *password,
		    long long min_length, struct mem *);

#endif
