/*
 * perm: may this request use this route?
 *
 * The route's area and permission (route.h) are checked against who the
 * request is from, as auth (auth.h) identified it.  Public areas pass.
 * Every other area needs a signed-in user: without one the answer is 401
 * with WWW-Authenticate.  AREA_USER then passes; AREA_SUPERUSER needs a
 * superuser; AREA_STAFF a staff user or a superuser (InvenTree's global
 * settings); a rule-set area (perm_areas[]) needs the permission in the
 * user's bitmap, the union of their groups' rule sets.  Superusers pass
 * every check.  Anything else is 403, and so is an area this module does
 * not know (a route table typo fails closed).
 *
 * This module only decides; it never identifies the user and never looks
 * at anything but the context and the route.
 */
#ifndef SR_PERM_H
#define SR_PERM_H

#include <stdbool.h>
#include <stdint.h>

#include "route.h"

struct ctx;
struct err;

/* InvenTree's rule sets, in the order of their bits. */
enum perm_area { PAREA_ADMIN, PAREA_PART_CATEGORY, PAREA_PART,
	PAREA_STOCK_LOCATION, PAREA_STOCK, PAREA_BUILD, PAREA_PURCHASE_ORDER,
	PAREA_SALES_ORDER, PAREA_RETURN_ORDER, PAREA__MAX };

extern const char *const perm_areas[PAREA__MAX];

/* The bit for (area, PERM_VIEW..PERM_DELETE) in a permission bitmap. */
#define PERM_BIT(area, p)	(UINT64_C(1) << ((area) * 4 + ((p) - PERM_VIEW)))

int		 perm_area_index(const char *);
bool		 perm_area_known(const char *);
unsigned	 perm_imply(unsigned vacd);
bool		 perm_has(const struct ctx *, int area, enum perm);
struct err	*perm_check(struct ctx *, const struct route *, enum perm);
struct err	*perm_need(struct ctx *, const char *area, enum perm);
const char	*perm_challenge(struct ctx *);

#endif
