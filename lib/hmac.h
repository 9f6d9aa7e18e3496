/*
 * hmac: HMAC-SHA256 (RFC 2104), over libmd's SHA-256 (sha2.h), for the
 * signatures of outgoing webhooks (domain/tasks/webhook.h).  Checked
 * against RFC 4231's test vectors (tests/unit/test_hmac.c).
 */
#ifndef SR_HMAC_H
#define SR_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include <sha2.h>

#define HMAC_SHA256_LEN	32

/* A key's padded blocks, hashed once for many messages (a process's
 * SECRET_KEY: domain/accounts/auth.c). */
struct hmac_sha256_key {
	SHA2_CTX	 inner, outer;
};

void	hmac_sha256_key(struct hmac_sha256_key *, const void *key,
	    size_t keylen);
void	hmac_sha256_with(const struct hmac_sha256_key *, const void *msg,
	    size_t msglen, uint8_t out[HMAC_SHA256_LEN]);

void	hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, uint8_t out[HMAC_SHA256_LEN]);
void	hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
	    size_t msglen, char out[2 * HMAC_SHA256_LEN + 1]);

#endif
