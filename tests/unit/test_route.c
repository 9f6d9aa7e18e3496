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
	RUN(permission_from_method);
	ctx_end(&ctx);
	return DONE();
}
