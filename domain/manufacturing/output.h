/*
 * output: what a build order needs, holds and makes -- InvenTree's build
 * lines, allocations (BuildItem) and outputs, and the actions on them.
 *
 * Three resources:
 *
 *   - build_line_resource (/api/build/line/, read-only): one line per BOM
 *     line of the build's part, made when the build is created (and its
 *     quantities kept when the build's quantity changes): quantity (BOM
 *     quantity x build quantity, with attrition and the setup quantity,
 *     rounded up to the rounding multiple), consumed, allocated, the
 *     available stock of the component, its substitutes and its
 *     variants (the last shown always, counted by the `available`
 *     filter only when the BOM line allows variants);
 *   - build_item_resource (/api/build/item/): stock allocated to a line
 *     (and, for a tracked component, to one output: install_into); PATCH
 *     quantity, DELETE release;
 *   - build_output_resource (/api/build/output/, read-only): the outputs,
 *     in production until completed (then a stock item, in stock) or
 *     scrapped (a rejected stock item).
 *
 * The rule of every allocation (build_alloc_check()): an in-stock item of
 * the line's component or of one of its substitutes -- or, when the BOM
 * line allows variants, of a variant of either at any depth that is as
 * trackable as the component (InvenTree's
 * get_valid_parts_for_allocation()) -- a quantity above
 * zero (1 for a serialized item) that with every other allocation of the
 * item, in any build, stays within the item's quantity; an output for a
 * tracked component and none for an untracked one.  Writers hold the
 * write lock (db_begin()), so concurrent allocators cannot overtake each
 * other's check.
 *
 * The actions (routes of cgi-bin/build.c) each run in one transaction:
 * allocate, auto-allocate, create-output, complete, scrap-outputs,
 * delete-outputs, finish; build_release() is cancel's part.
 */
#ifndef SR_OUTPUT_H
#define SR_OUTPUT_H

#include <stdbool.h>

struct cJSON;
struct ctx;
struct err;
struct field;
struct resource;

extern const struct resource build_line_resource, build_item_resource,
	build_output_resource;

/* The lines of build id for its part's BOM and quantity (create, or a
 * changed part or quantity), in the caller's transaction. */
struct err	*build_lines_sync(struct ctx *, long long id, long long part,
		    long long quantity);
/* Cancel: consume (remove_stock) or release every allocation of build
 * id, and delete its outputs in production when remove_outputs. */
struct err	*build_release(struct ctx *, long long id, bool remove_stock,
		    bool remove_outputs);

/* What the actions take (for OPTIONS too). */
extern const struct field alloc_input[], auto_input[], create_output_input[],
	complete_input[], scrap_input[], delete_input[], finish_input[],
	unallocate_input[];

struct err	*build_allocate(struct ctx *);
struct err	*build_unallocate(struct ctx *);
struct err	*build_auto_allocate(struct ctx *);
struct err	*build_create_output(struct ctx *);
struct err	*build_complete_outputs(struct ctx *);
struct err	*build_scrap_outputs(struct ctx *);
struct err	*build_delete_outputs(struct ctx *);
struct err	*build_finish(struct ctx *);

/*
 * The same actions without a request, in the caller's write transaction
 * (the inventory tool's demo): action is the route's last segment
 * ("allocate", "unallocate", "auto-allocate", "complete",
 * "scrap-outputs", "delete-outputs", "finish"), body what it takes.
 * build_output_new() is create-output's: the first new output's id, or
 * -1 when refused.
 */
struct err	*build_action_run(struct ctx *, const char *action,
		    long long id, const struct cJSON *body);
long long	 build_output_new(struct ctx *, long long id,
		    const struct cJSON *body);

#endif
