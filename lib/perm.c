/*
 * perm: permission checks.  See perm.h.
 */
#include <string.h>

#include "ctx.h"
#include "perm.h"
#include "resp.h"

/*
 * Returns 0 when the request may go on, else the status of the error set:
 * 401 when nobody is signed in.  Until accounts exist (user_id stays 0), every
 * route outside AREA_PUBLIC is refused with 401.
 */
int
perm_check(struct ctx *ctx, const struct route *rt, enum perm p)
{
	(void)p;
	if (strcmp(rt->area, AREA_PUBLIC) == 0)
		return 0;
	if (ctx->user_id == 0) {
		resp_header(ctx, "WWW-Authenticate",
		    "Token realm=\"api\", Basic realm=\"api\"");
		return resp_error(ctx, 401,
		    "Authentication credentials were not provided.");
	}
	return 0;
}
