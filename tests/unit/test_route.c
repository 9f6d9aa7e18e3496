/* Unit tests for lib/route.c: pattern matching and permissions by method. */
#include <string.h>

#include "ctx.h"
#include "route.h"
#include "t.h"

static struct ctx ctx;

static int
match(const char *pattern, const char *path)
{
	return route_match(pattern, path, &ctx);
}

static void
literal_paths(void)
{
	CHECK(match("/api/part/", "/api/part/"));
	CHECK(match("/api/part/", "/api/part"));	/* no final slash */
	CHECK(!match("/api/part/", "/api/part/x"));
	CHECK(!match("/api/part/", "/api/parts/"));
	CHECK(!match("/api/part/", "/api/par"));
	CHECK(!match("/api/part/", "/api/part//"));
	CHECK(!match("/api/", "/"));
	CHECK(match("/api/", "/api"));
}

static void
id_parameters(void)
{
	CHECK(match("/api/part/<pk>/", "/api/part/12/"));
	CHECK(ctx.nparams == 1 && route_param_id(&ctx, "pk") == 12);
	CHECK(match("/api/part/<pk>/", "/api/part/7"));
	CHECK(route_param_id(&ctx, "pk") == 7);
	CHECK(strcmp(route_param(&ctx, "pk"), "7") == 0);
	CHECK(match("/api/a/<x>/b/<y>/", "/api/a/1/b/2/"));
	CHECK(route_param_id(&ctx, "x") == 1 && route_param_id(&ctx, "y") == 2);
	CHECK(route_param_id(&ctx, "nope") == 0);
}

static void
id_rejects(void)
{
	CHECK(!match("/api/part/<pk>/", "/api/part/0/"));
	CHECK(!match("/api/part/<pk>/", "/api/part/-1/"));
	CHECK(!match("/api/part/<pk>/", "/api/part/012/"));
	CHECK(!match("/api/part/<pk>/", "/api/part/1a/"));
	CHECK(!match("/api/part/<pk>/", "/api/part//"));
	CHECK(!match("/api/part/<pk>/", "/api/part/1000000000000000/"));
	CHECK(!match("/api/part/<pk>/", "/api/part/99999999999999999999999/"));
	CHECK(!match("/api/part/<pk>/", "/api/part/ 1/"));
}

static void
word_parameters(void)
{
	const char *k = "/api/settings/global/<key:word>/";

	CHECK(match(k, "/api/settings/global/STOCK_ENABLE_EXPIRY/"));
	CHECK(ctx.nparams == 1 && strcmp(route_param(&ctx, "key"),
	    "STOCK_ENABLE_EXPIRY") == 0);
	CHECK(match(k, "/api/settings/global/a1_b"));
	CHECK(strcmp(route_param(&ctx, "key"), "a1_b") == 0);
	CHECK(match(k, "/api/settings/global/12/"));	/* digits are a word */
	CHECK(!match(k, "/api/settings/global//"));
	CHECK(!match(k, "/api/settings/global/"));
	CHECK(!match(k, "/api/settings/global/A-B/"));
	CHECK(!match(k, "/api/settings/global/A.B/"));
	CHECK(!match(k, "/api/settings/global/A%20B/"));
	CHECK(!match(k, "/api/settings/global/A/B/"));
	char long_key[200] = "/api/settings/global/";
	size_t n = strlen(long_key);
	memset(long_key + n, 'K', 100);
	long_key[n + 100] = '\0';
	CHECK(match(k, long_key));
	long_key[n + 100] = 'K';
	long_key[n + 101] = '\0';
	CHECK(!match(k, long_key));
}

static void
tail_parameters(void)
{
	CHECK(match("/media/<*path>", "/media/attachments/ab/abcdef"));
	CHECK(ctx.nparams == 1 &&
	    strcmp(route_param(&ctx, "path"), "attachments/ab/abcdef") == 0);
	CHECK(match("/media/<*path>", "/media/x"));
	CHECK(strcmp(route_param(&ctx, "path"), "x") == 0);
	CHECK(match("/media/<*path>", "/media/a.b/c_d-e"));
	/* A final slash in the path is accepted and is not the value's (a
	 * CGI plugin's pages end in one). */
	CHECK(match("/media/<*path>", "/media/a/b/"));
	CHECK(strcmp(route_param(&ctx, "path"), "a/b") == 0);
	CHECK(match("/a/<n>/<*rest>", "/a/3/x/y"));
	CHECK(route_param_id(&ctx, "n") == 3 &&
	    strcmp(route_param(&ctx, "rest"), "x/y") == 0);
	/* Never outside, never hidden, never empty segments. */
	CHECK(!match("/media/<*path>", "/media/"));
	CHECK(!match("/media/<*path>", "/media"));
	CHECK(!match("/media/<*path>", "/media/../data/secret_key"));
	CHECK(!match("/media/<*path>", "/media/a/../../b"));
	CHECK(!match("/media/<*path>", "/media/a/.."));
	CHECK(!match("/media/<*path>", "/media/./a"));
	CHECK(!match("/media/<*path>", "/media/.htaccess"));
	CHECK(!match("/media/<*path>", "/media/a//b"));
	CHECK(!match("/media/<*path>", "/media/a//"));
	CHECK(!match("/media/<*path>", "/media//"));
	CHECK(!match("/media/<*path>", "/mediax/a"));
	char long_path[1200] = "/media/";
	memset(long_path + 7, 'a', 1100);
	long_path[1107] = '\0';
	CHECK(!match("/media/<*path>", long_path));
	/* Only last in a pattern. */
	CHECK(!match("/media/<*path>/x", "/media/a/x"));
}

static void
permission_from_method(void)
{
	struct route r = { "GET", "/", "part", PERM_METHOD, NULL, "", 0 };
	CHECK(route_perm(&r, "GET") == PERM_VIEW);
	CHECK(route_perm(&r, "HEAD") == PERM_VIEW);
	CHECK(route_perm(&r, "OPTIONS") == PERM_VIEW);
	CHECK(route_perm(&r, "POST") == PERM_ADD);
	CHECK(route_perm(&r, "PUT") == PERM_CHANGE);
	CHECK(route_perm(&r, "PATCH") == PERM_CHANGE);
	CHECK(route_perm(&r, "DELETE") == PERM_DELETE);
	r.perm = PERM_CHANGE;
	CHECK(route_perm(&r, "POST") == PERM_CHANGE);
}

int
main(void)
{
	ctx_init(&ctx, NULL, stdin, stdout, NULL);
	RUN(literal_paths);
	RUN(id_parameters);
	RUN(id_rejects);
	RUN(word_parameters);
	RUN(tail_parameters);
	RUN(permission_from_method);
	ctx_end(&ctx);
	return DONE();
}
