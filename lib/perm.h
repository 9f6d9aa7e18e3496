/*
 * perm: may this request use this route?
 *
 * The route's area and permission (route.h) are checked against who the
 * request is from.  Public areas pass.  Every other area needs a signed-in
 * user: without one the answer is 401 with WWW-Authenticate.  This module
 * only decides; it never identifies the user (that is auth's work) and never
 * looks at anything but the context and the route.
 */
#ifndef SR_PERM_H
#define SR_PERM_H

#include "route.h"

struct ctx;

int	perm_check(struct ctx *, const struct route *, enum perm);

#endif
