/*
 * build: build orders, as InvenTree's build app serves them -- the first
 * slice: the order itself, its status and the actions that move it.
 *
 * build_resource (/api/build/, cgi-bin/build.c, InvenTree's "build" rule
 * set): reference, title, part (an assembly), quantity, batch, take-from
 * location, destination, parent build, start and target dates, priority,
 * external, link, notes; read-only status, status_text, creation_date,
 * completion_date, completed, issued_by (who created it), level (below
 * its parent), overdue, part_name and part_detail.  The rules a field
 * cannot say, in the hooks:
 *
 *   - the reference follows InvenTree's default pattern, BO-{ref:04d}
 *     (BO- and a number), and is unique; its number orders the list;
 *   - a quantity of at least 1, whole for a trackable part; the target
 *     date not before the start date; a parent that is not the build
 *     itself nor below it;
 *   - only a cancelled build may be deleted (InvenTree's rule).
 *
 * Status codes (InvenTree's BuildStatus): Pending 10, Production 20, On
 * hold 25, Cancelled 30, Complete 40.  issue (Pending or On hold to
 * Production), hold (Pending or Production to On hold) and cancel (any
 * open build to Cancelled, dated) are build_issue(), build_hold(),
 * build_cancel().  Its lines, allocations and outputs, and the actions on
 * them (allocate, complete, finish, ...), are output.h's.
 */
#ifndef SR_BUILD_H
#define SR_BUILD_H

struct choice;
struct ctx;
struct err;
struct resource;

enum { BUILD_PENDING = 10, BUILD_PRODUCTION = 20, BUILD_ON_HOLD = 25,
	BUILD_CANCELLED = 30, BUILD_COMPLETE = 40 };

extern const struct resource build_resource;
extern const struct choice build_statuses[];

/* Route handlers (cgi-bin/build.c): POST /api/build/<pk>/issue/ ... */
struct err	*build_issue(struct ctx *);
struct err	*build_hold(struct ctx *);
struct err	*build_cancel(struct ctx *);

#endif
