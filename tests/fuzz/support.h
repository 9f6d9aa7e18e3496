/*
 * support: what the request-level harnesses share.  A private data
 * directory with a migrated database holding one user ("fuzzer", rule set
 * part: view+add) with a known API token, browser session and password, so
 * fuzzed requests can reach the signed-in paths; and the environment
 * entries the harness fixes (files, secret key, limits) so the input cannot
 * change them.
 *
 * Password checks are replaced (linker --wrap) by a plain comparison with
 * FUZZ_PASSWORD: scrypt at full cost would starve the fuzzer, and libscrypt
 * is not what is under test.
 */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#define FUZZ_SECRET_KEY	"fuzz-secret-key-0123456789abcdef"
#define FUZZ_TOKEN	"inv-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FUZZ_SESSION	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define FUZZ_USER	"fuzzer"
#define FUZZ_PASSWORD	"fuzz-password"

/* NULL-terminated; put them first in a request's environment. */
extern char *fuzz_fixed_env[];
extern char fuzz_csrf[];		/* X-CSRFToken for FUZZ_SESSION */

void	fuzz_site_init(void);

#endif
