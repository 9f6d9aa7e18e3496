/*
 * pwd: password hashing and policy.  See pwd.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libscrypt.h>

#include "mem.h"
#include "accounts/pwd.h"

/*
 * A hash of a password nobody knows, made with the current parameters:
 * checking against it costs what a real check costs.
 */
static const char pwd_dummy_mcf[] =
    "$s1$0e0801$alH4UKERmaNJlTvx4Y+/Yg==$0T0vsTYMr4TGptvXPZheMnEcQ3RUpVgt8c1r"
    "sAf4E9UQYUCl0B143qfsTz2fBZBCxIPBY95piwzeb1j09FrMWQ==";

/*
 * Passwords too common to allow (compared without regard to case).  A short
 * list of the most used passwords of at least 8 characters in published
 * breach corpora; it stops the obvious, not a determined guesser.
 */
static const char *const pwd_common[] = {
	"password", "password1", "password12", "password123", "password1234",
	"12345678", "123456789", "1234567890", "0123456789", "87654321",
	"11111111", "00000000", "iloveyou", "iloveyou1", "qwertyuiop",
	"qwerty123", "qwerty1234", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx",
	"zaq12wsx", "abc12345", "abcd1234", "abcdefgh", "sunshine",
	"princess", "football", "baseball", "welcome1", "welcome123",
	"letmein1", "letmein123", "trustno1", "superman", "starwars",
	"whatever", "computer", "michelle", "jennifer", "passw0rd",
	"p@ssw0rd", "p@ssword", "admin123", "admin1234", "administrator",
	"changeme", "changeme123", "inventree", "inventory", "stockroom",
	"q1w2e3r4", "q1w2e3r4t5", "asdfghjkl", "asdf1234", "zxcvbnm1",
	"1234qwer", "123qweasd", "qazwsxedc", "aaaaaaaa", "123123123",
	"123456789a", "a123456789", "iloveyou2", "monkey123", "dragon123",
	"master123", "shadow123", "football1", "baseball1", "secret123",
	"correcthorsebatterystaple",
};

/* Hashes password with the current parameters; NULL if it cannot. */
char *
pwd_hash(struct mem *m, const char *password)
{
	char mcf[SCRYPT_MCF_LEN + 1];

	if (libscrypt_hash(mcf, password, 1U << PWD_SCRYPT_LOG2N,
	    PWD_SCRYPT_R, PWD_SCRYPT_P) != 1)
		return NULL;
	return mem_strdup(m, mcf);
}

/*
 * True when password matches mcf.  An empty or malformed mcf never matches
 * but costs the same work as a real check.  *needs_upgrade (may be NULL) is
 * set when mcf matched but was made with other parameters than the current.
 */
bool
pwd_check(const char *mcf, const char *password, bool *needs_upgrade)
{
	char copy[SCRYPT_MCF_LEN + 1], want[16];

	if (needs_upgrade != NULL)
		*needs_upgrade = false;
	if (mcf == NULL || strncmp(mcf, "$s1$", 4) != 0 ||
	    strlen(mcf) > SCRYPT_MCF_LEN) {
		pwd_dummy(password);
		return false;
	}
	/* libscrypt_check() writes into its argument. */
	memcpy(copy, mcf, strlen(mcf) + 1);
	if (libscrypt_check(copy, password) != 1)
		return false;
	snprintf(want, sizeof(want), "$s1$%02x%02x%02x$", PWD_SCRYPT_LOG2N,
	    PWD_SCRYPT_R, PWD_SCRYPT_P);
	if (needs_upgrade != NULL)
		*needs_upgrade = strncmp(mcf, want, strlen(want)) != 0;
	return true;
}

/* Does the work of one check, for a user who does not exist. */
void
pwd_dummy(const char *password)
{
	char copy[sizeof(pwd_dummy_mcf)];

	memcpy(copy, pwd_dummy_mcf, sizeof(copy));
	(void)libscrypt_check(copy, password);
}

/* Counts UTF-8 characters (not bytes); the text is already validated. */
static size_t
pwd_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * Checks password against the policy: at least min_length characters, at
 * most PWD_MAX_LEN bytes, not too similar to the username (ignoring case:
 * contained in it, or containing it as at least half of its length), not a
 * common password.  Returns NULL when
 * it passes, else the message for a 400 answer.
 */
const char *
pwd_policy(const char *username, const char *password, long long min_length,
    struct mem *m)
{
	if (strlen(password) > PWD_MAX_LEN)
		return mem_printf(m, "This password is too long. It must "
		    "contain at most %d bytes.", PWD_MAX_LEN);
	if ((long long)pwd_chars(password) < min_length)
		return mem_printf(m, "This password is too short. It must "
		    "contain at least %lld characters.", min_length);
	if (username != NULL && username[0] != '\0' &&
	    ((strcasestr(password, username) != NULL &&
	    strlen(username) * 2 >= strlen(password)) ||
	    strcasestr(username, password) != NULL))
		return "The password is too similar to the username.";
	for (size_t i = 0; i < sizeof(pwd_common) / sizeof(pwd_common[0]); i++)
		if (strcasecmp(password, pwd_common[i]) == 0)
			return "This password is too common.";
	return NULL;
}
