/*
 * site.h: what every program of Stockroom includes -- the infrastructure
 * (stockroom.h) and the areas -- and PROGRAM(), which fills in the hooks
 * through which the dispatcher in lib/ reaches the areas without lib/
 * depending on them: who a request is from (accounts/auth.h), what
 * runs once an answer is set (tasks/task.h) and who may veto a write
 * (plugins/plugin.h).
 *
 *	static const struct program part_program = PROGRAM("part",
 *	    ROUTES(part_routes), RESOURCES(part_resources));
 *
 * PROGRAM_MAIN() takes the same arguments and also writes the main() that
 * serves the program (app_main()): the last line of a cgi-bin/ file.
 *
 *	PROGRAM_MAIN("part", ROUTES(part_routes), RESOURCES(part_resources))
 */
#ifndef SR_SITE_H
#define SR_SITE_H

#include "stockroom.h"

#include "accounts/auth.h"
#include "plugins/plugin.h"
#include "tasks/task.h"

#define PROGRAM(n, ...) { .name = (n), .identify = auth_identify, \
	.after = task_after_response, .veto = plugin_veto, \
	.session_cookie = AUTH_COOKIE, \
	__VA_ARGS__ }

#define PROGRAM_MAIN(n, ...) \
	static const struct program site_program = PROGRAM(n, __VA_ARGS__); \
	int main(int argc, char **argv, char **envp) \
	{ \
		return app_main(argc, argv, envp, &site_program); \
	}

#endif
