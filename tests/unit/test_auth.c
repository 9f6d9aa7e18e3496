/*
 * Unit tests for lib/perm.c (area + permission decisions, implications,
 * the 401 challenge), domain/accounts/pwd.c (hashing, checking, upgrade
 * detection, policy), the username rule of domain/accounts/account.c and
 * the constant-time comparison in domain/accounts/auth.c.
 */
#include <string.h>

#include "accounts/account.h"
#include "accounts/auth.h"
#include "accounts/pwd.h"
#include "ctx.h"
#include "err.h"
#include "perm.h"
#include "route.h"
#include "t.h"

static struct err *
noop(struct ctx *ctx)
{
	(void)ctx;
	return NULL;
}

/*
 * perm_check() on a fresh context with the given identity: 0 when it
 * passes, else the error's status (a 401 must carry WWW-Authenticate).
 */
static int
check_staff(const char *area, enum perm p, long long uid, bool super,
    bool staff, uint64_t perms)
{
	struct ctx ctx;
	struct route rt = { "GET", "/api/x/", area, p, noop, "x", 0 };

	ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.cfg_ok = true;		/* log to /dev/null, not the output */
	ctx.cfg.log_file = "/dev/null";
	ctx.cfg.log_level = LOG_ERROR;
	ctx.user_id = uid;
	ctx.is_superuser = super;
	ctx.is_staff = staff;
	ctx.perms = perms;
	struct err *e = perm_check(&ctx, &rt, p);
	int rc = e == NULL ? 0 : e->status;
	if (rc == 401 && (e->header == NULL ||
	    strcmp(e->header, "WWW-Authenticate") != 0))
		rc = -1;
	ctx_end(&ctx);
	return rc;
}

static int
check(const char *area, enum perm p, long long uid, bool super,
    uint64_t perms)
{
	return check_staff(area, p, uid, super, false, perms);
}

static void
perm_decisions(void)
{
	uint64_t part_view = PERM_BIT(PAREA_PART, PERM_VIEW);

	CHECK(check(AREA_PUBLIC, PERM_VIEW, 0, false, 0) == 0);
	CHECK(check(AREA_USER, PERM_VIEW, 0, false, 0) == 401);
	CHECK(check(AREA_USER, PERM_VIEW, 5, false, 0) == 0);
	CHECK(check(AREA_SUPERUSER, PERM_VIEW, 5, false, ~0ULL) == 403);
	CHECK(check(AREA_SUPERUSER, PERM_VIEW, 5, true, 0) == 0);
	CHECK(check(AREA_SUPERUSER, PERM_VIEW, 5, false, 0) == 403);
	/* Staff: a staff user or a superuser, nobody else. */
	CHECK(check_staff(AREA_STAFF, PERM_CHANGE, 0, false, false, 0) == 401);
	CHECK(check_staff(AREA_STAFF, PERM_CHANGE, 5, false, false, ~0ULL) ==
	    403);
	CHECK(check_staff(AREA_STAFF, PERM_CHANGE, 5, false, true, 0) == 0);
	CHECK(check_staff(AREA_STAFF, PERM_CHANGE, 5, true, false, 0) == 0);
	CHECK(check_staff(AREA_SUPERUSER, PERM_VIEW, 5, false, true, 0) ==
	    403);
	CHECK(check("part", PERM_VIEW, 0, false, part_view) == 401);
	CHECK(check("part", PERM_VIEW, 5, false, part_view) == 0);
	CHECK(check("part", PERM_ADD, 5, false, part_view) == 403);
	CHECK(check("stock", PERM_VIEW, 5, false, part_view) == 403);
	CHECK(check("return_order", PERM_DELETE, 5, true, 0) == 0);
	/* An area nobody knows fails closed, even for a superuser. */
	CHECK(check("parts", PERM_VIEW, 5, false, ~0ULL) == 403);
	CHECK(check("parts", PERM_VIEW, 5, true, ~0ULL) == 403);
	CHECK(check("parts", PERM_VIEW, 0, false, 0) == 401);
}

static void
perm_areas_and_implications(void)
{
	CHECK(perm_area_index("admin") == PAREA_ADMIN);
	CHECK(perm_area_index("return_order") == PAREA_RETURN_ORDER);
	CHECK(perm_area_index("Part") == -1);
	CHECK(perm_area_known("public") && perm_area_known("superuser"));
	CHECK(perm_area_known("staff"));
	CHECK(!perm_area_known("everyone"));
	CHECK(perm_imply(0) == 0);
	CHECK(perm_imply(1) == 1);		/* view alone */
	CHECK(perm_imply(2) == (1 | 2 | 4));	/* add: view, change */
	CHECK(perm_imply(4) == (1 | 4));	/* change: view */
	CHECK(perm_imply(8) == (1 | 4 | 8));	/* delete: view, change */
	CHECK(PERM_BIT(PAREA__MAX - 1, PERM_DELETE) != 0);
}

static void
pwd_hash_and_check(void)
{
	struct mem m = { 0 };
	bool up = true;
	char *h = pwd_hash(&m, "Correct-horse-9");

	CHECK(h != NULL && strncmp(h, "$s1$0e0801$", 11) == 0);
	CHECK(pwd_check(h, "Correct-horse-9", &up) && !up);
	CHECK(!pwd_check(h, "correct-horse-9", NULL));
	CHECK(!pwd_check("", "x", NULL));
	CHECK(!pwd_check("plain-text", "plain-text", NULL));
	CHECK(!pwd_check(NULL, "x", NULL));
	/* Older parameters verify and ask to be upgraded (N=2^10 here). */
	static const char old[] = "$s1$0a0801$5Y3I1SVHVm8Tq2E6n3Yf1A==$";
	CHECK(!pwd_check(old, "x", &up));
	mem_free(&m);
}

static void
pwd_policy_rules(void)
{
	struct mem m = { 0 };

	CHECK(pwd_policy("alice", "Tr0ub4dor&3x", 10, &m) == NULL);
	CHECK(strstr(pwd_policy("alice", "short", 10, &m), "too short"));
	/* Characters, not bytes: 10 two-byte letters pass a minimum of 10. */
	CHECK(pwd_policy("alice", "éééééééééé", 10, &m) == NULL);
	CHECK(strstr(pwd_policy("alice", "ééééé", 10, &m), "too short"));
	CHECK(strstr(pwd_policy("alice", "ALICEalice", 10, &m), "similar"));
	CHECK(strstr(pwd_policy("alexander-the-great", "der-the-great", 10,
	    &m), "similar"));
	CHECK(pwd_policy("bob", "Bobs-new-pass-77", 10, &m) == NULL);
	CHECK(strstr(pwd_policy("alice", "PASSWORD123", 10, &m), "common"));
	char big[PWD_MAX_LEN + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(strstr(pwd_policy("alice", big, 10, &m), "too long"));
	mem_free(&m);
}

static void
username_rule(void)
{
	CHECK(acct_username_invalid("alice") == NULL);
	CHECK(acct_username_invalid("a.b+c-d_e@f") == NULL);
	CHECK(strstr(acct_username_invalid(""), "blank"));
	CHECK(strstr(acct_username_invalid("bad name"), "valid username"));
	CHECK(strstr(acct_username_invalid("bad!"), "valid username"));
	CHECK(strstr(acct_username_invalid("é"), "valid username"));
	char big[AUTH_USERNAME_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(strstr(acct_username_invalid(big), "150 characters"));
	big[AUTH_USERNAME_MAX] = '\0';
	CHECK(acct_username_invalid(big) == NULL);
}

static void
constant_time_equal(void)
{
	CHECK(auth_equal("abc", "abc"));
	CHECK(!auth_equal("abc", "abd"));
	CHECK(!auth_equal("abc", "abcd"));
	CHECK(!auth_equal("", "a"));
	CHECK(auth_equal("", ""));
}

int
main(void)
{
	RUN(perm_decisions);
	RUN(perm_areas_and_implications);
	RUN(pwd_hash_and_check);
	RUN(pwd_policy_rules);
	RUN(username_rule);
	RUN(constant_time_equal);
	return DONE();
}
