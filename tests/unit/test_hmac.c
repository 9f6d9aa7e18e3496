/*
 * Unit tests for lib/hmac.c: HMAC-SHA256 against RFC 4231's test cases
 * 1 to 4, 6 and 7 (case 5 truncates the output, which hmac.c never does).
 */
#include <string.h>

#include "hmac.h"
#include "t.h"

static void
check(const void *key, size_t keylen, const void *msg, size_t msglen,
    const char *want)
{
	char hex[2 * HMAC_SHA256_LEN + 1];

	hmac_sha256_hex(key, keylen, msg, msglen, hex);
	CHECK(strcmp(hex, want) == 0);
	if (strcmp(hex, want) != 0)
		fprintf(stderr, "got  %s\nwant %s\n", hex, want);
}

static void
test_rfc4231(void)
{
	unsigned char k[131], d[50];

	memset(k, 0x0b, 20);
	check(k, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	check("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	check(k, 20, d, 50, "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(d, 0xcd, 50);
	check(k, 25, d, 50, "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0xaa, 131);
	check(k, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	    54, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
	static const char m7[] = "This is a test using a larger than block-size"
	    " key and a larger than block-size data. The key needs to be hashed"
	    " before being used by the HMAC algorithm.";
	check(k, 131, m7, sizeof(m7) - 1, "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2");
}

/* A key's hashed blocks serve message after message: the same MACs as
 * one call each (RFC 4231's cases 2 and 7). */
static void
test_key_kept(void)
{
	static const char m7[] = "This is a test using a larger than block-size"
	    " key and a larger than block-size data. The key needs to be hashed"
	    " before being used by the HMAC algorithm.";
	unsigned char k[131], a[HMAC_SHA256_LEN], b[HMAC_SHA256_LEN];
	struct hmac_sha256_key hk;

	hmac_sha256_key(&hk, "Jefe", 4);
	for (int i = 0; i < 3; i++) {
		hmac_sha256_with(&hk, "what do ya want for nothing?", 28, a);
		hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, b);
		CHECK(memcmp(a, b, sizeof(a)) == 0);
		CHECK(a[0] == 0x5b && a[31] == 0x43);
	}
	memset(k, 0xaa, sizeof(k));
	hmac_sha256_key(&hk, k, sizeof(k));
	hmac_sha256_with(&hk, m7, sizeof(m7) - 1, a);
	CHECK(a[0] == 0x9b && a[31] == 0xe2);
	hmac_sha256_with(&hk, "", 0, a);
	hmac_sha256(k, sizeof(k), "", 0, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
}

int
main(void)
{
	RUN(test_rfc4231);
	RUN(test_key_kept);
	return DONE();
}
