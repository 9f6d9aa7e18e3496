/*
 * perm: permission checks.  See perm.h.
 */
#include <string.h>

#include "ctx.h"
#include "err.h"
#include "log.h"
#include "perm.h"
#include "req.h"

const char *const perm_areas[PAREA__MAX] = {
	[PAREA_ADMIN] = "admin",
	[PAREA_PART_CATEGORY] = "part_category",
	[PAREA_PART] = "part",
	[PAREA_STOCK_LOCATION] = "stock_location",
	[PAREA_STOCK] = "stock",
	[PAREA_BUILD] = "build",
	[PAREA_PURCHASE_ORDER] = "purchase_order",
	[PAREA_SALES_ORDER] = "sales_order",
	[PAREA_RETURN_ORDER] = "return_order",
};

/* Index of a rule-set area in perm_areas[], or -1. */
int
perm_area_index(const char *name)
{
	for (int i = 0; i < PAREA__MAX; i++)
		if (strcmp(name, perm_areas[i]) == 0)
			return i;
	return -1;
}

/* True for every area a route may name: the rule sets and the four others. */
bool
perm_area_known(const char *name)
{
	return perm_area_index(name) >= 0 ||
	    strcmp(name, AREA_PUBLIC) == 0 || strcmp(name, AREA_USER) == 0 ||
	    strcmp(name, AREA_SUPERUSER) == 0 || strcmp(name, AREA_STAFF) == 0;
}

/*
 * Applies InvenTree's implications to a rule set given as four bits
 * (view 1, add 2, change 4, delete 8): add, change or delete imply view;
 * add or delete imply change.
 */
unsigned
perm_imply(unsigned vacd)
{
	if (vacd & (2 | 8))
		vacd |= 4;
	if (vacd & (2 | 4 | 8))
		vacd |= 1;
	return vacd & 15;
}

/* Does the signed-in user hold permission p in a rule-set area? */
bool
perm_has(const struct ctx *ctx, int area, enum perm p)
{
	if (ctx->user_id == 0 || area < 0 || area >= PAREA__MAX ||
	    p < PERM_VIEW || p > PERM_DELETE)
		return false;
	if (ctx->is_superuser)
		return true;
	return (ctx->perms & PERM_BIT(area, p)) != 0;
}

static struct err *
perm_denied(struct ctx *ctx)
{
	return err_new(ctx, 403,
	    "You do not have permission to perform this action.");
}

/*
 * The WWW-Authenticate challenge of a 401: Token always, Basic only for a
 * browser navigating to the API (so that scripts' failed requests do not
 * make a browser pop up its password dialog).
 */
const char *
perm_challenge(struct ctx *ctx)
{
	const char *mode = req_header(ctx, "Sec-Fetch-Mode");

	if ((mode != NULL && strcmp(mode, "navigate") != 0) ||
	    req_header(ctx, "X-Requested-With") != NULL)
		return "Token realm=\"api\"";
	return "Token realm=\"api\", Basic realm=\"api\"";
}

/*
 * NULL when the request may go on, else 401 when nobody is signed in
 * (with WWW-Authenticate), 403 when the user lacks the permission or the
 * route names an unknown area.
 */
struct err *
perm_check(struct ctx *ctx, const struct route *rt, enum perm p)
{
	if (strcmp(rt->area, AREA_PUBLIC) == 0)
		return NULL;
	if (ctx->user_id == 0)
		return err_header(err_new(ctx, 401, "Authentication "
		    "credentials were not provided."), "WWW-Authenticate",
		    perm_challenge(ctx));
	if (strcmp(rt->area, AREA_USER) == 0)
		return NULL;
	if (strcmp(rt->area, AREA_SUPERUSER) == 0)
		return ctx->is_superuser ? NULL : perm_denied(ctx);
	if (strcmp(rt->area, AREA_STAFF) == 0)
		return ctx->is_staff || ctx->is_superuser ? NULL :
		    perm_denied(ctx);
	int area = perm_area_index(rt->area);
	if (area < 0) {
		log_msg(ctx, LOG_ERROR, "route %s %s names unknown area '%s'",
		    rt->method, rt->pattern, rt->area);
		return perm_denied(ctx);
	}
	return perm_has(ctx, area, p) ? NULL : perm_denied(ctx);
}

/* Like perm_check() for an area by name and a permission, off any route. */
struct err *
perm_need(struct ctx *ctx, const char *area, enum perm p)
{
	struct route rt = { .method = "", .pattern = "", .area = area };

	return perm_check(ctx, &rt, p);
}
