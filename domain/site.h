/*
 * site.h: what every program of Stockroom includes -- the infrastructure
 * (stockroom.h) and the areas -- and PROGRAM(), which fills in the hooks
 * through which the dispatcher in lib/ reaches the areas without lib/
 * depending on them: who a request is from (accounts/auth.h) and what
 * runs once an answer is set (tasks/task.h).
 *
 *	static const struct program part_program = PROGRAM("part",
 *	    ROUTES(part_routes), RESOURCES(part_resources));
 */
#ifndef SR_SITE_H
#define SR_SITE_H

#include "stockroom.h"

#include "accounts/auth.h"
#include "tasks/task.h"

#define PROGRAM(n, ...) { .name = (n), .identify = auth_identify, \
	.after = task_after_response, .session_cookie = AUTH_COOKIE, \
	__VA_ARGS__ }

#endif
