/*
 * hmac: HMAC-SHA256 over libmd's SHA-256.  See hmac.h.
 */
#include <string.h>

#include <sha2.h>

#include "hmac.h"

/* The key's two padded blocks hashed (K padded, or hashed, to a block). */
void
hmac_sha256_key(struct hmac_sha256_key *hk, const void *key, size_t keylen)
{
	uint8_t k[SHA256_BLOCK_LENGTH] = { 0 }, pad[SHA256_BLOCK_LENGTH];
	SHA2_CTX c;

	if (keylen > SHA256_BLOCK_LENGTH) {
		SHA256Init(&c);
		SHA256Update(&c, key, keylen);
		SHA256Final(k, &c);
	} else if (keylen > 0)
		memcpy(k, key, keylen);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	SHA256Init(&hk->inner);
	SHA256Update(&hk->inner, pad, sizeof(pad));
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256Init(&hk->outer);
	SHA256Update(&hk->outer, pad, sizeof(pad));
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(&c, sizeof(c));
}

/* H((K ^ opad) || H((K ^ ipad) || msg)), from the key's hashed blocks. */
void
hmac_sha256_with(const struct hmac_sha256_key *hk, const void *msg,
    size_t msglen, uint8_t out[HMAC_SHA256_LEN])
{
	uint8_t inner[SHA256_DIGEST_LENGTH];
	SHA2_CTX c = hk->inner;

	SHA256Update(&c, msg, msglen);
	SHA256Final(inner, &c);
	c = hk->outer;
	SHA256Update(&c, inner, sizeof(inner));
	SHA256Final(out, &c);
	explicit_bzero(inner, sizeof(inner));
	explicit_bzero(&c, sizeof(c));
}

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    uint8_t out[HMAC_SHA256_LEN])
{
	struct hmac_sha256_key hk;

	hmac_sha256_key(&hk, key, keylen);
	hmac_sha256_with(&hk, msg, msglen, out);
	explicit_bzero(&hk, sizeof(hk));
}

/* The same, as lowercase hex. */
void
hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
    size_t msglen, char out[2 * HMAC_SHA256_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t mac[HMAC_SHA256_LEN];

	hmac_sha256(key, keylen, msg, msglen, mac);
	for (size_t i = 0; i < HMAC_SHA256_LEN; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * HMAC_SHA256_LEN] = '\0';
}
