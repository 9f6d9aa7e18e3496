/*
 * res_tree: resources that are trees (see res_tree.c).  A description
 * gives its struct res_tree the functions below with RES_TREE_OPS:
 *
 *	static const struct res_tree category_tree = {
 *		.contents = &part_resource, .contents_col = "category", ...
 *		RES_TREE_OPS,
 *	};
 */
#ifndef SR_RES_TREE_H
#define SR_RES_TREE_H

#include <stdbool.h>

#include "res.h"

void		 res_tree_sql(const struct resource *, struct res_sql *);
struct err	*res_tree_filters(struct ctx *, const struct resource *,
		    struct list_q *, bool cascade);
struct err	*res_tree_check(struct ctx *, struct res_write *,
		    struct errs *);
struct err	*res_tree_place(struct ctx *, const struct resource *,
		    long long id);
struct err	*res_tree_delete(struct ctx *, const struct resource *,
		    long long id);
struct cJSON	*res_tree_path(struct ctx *, const struct resource *,
		    long long id, struct err **);
struct err	*res_tree_list(struct ctx *);
struct err	*res_tree_node(struct ctx *, const struct resource *,
		    long long id, bool *exists, bool *structural);

#define RES_TREE_OPS \
	.sql = res_tree_sql, .filters = res_tree_filters, \
	.check = res_tree_check, .place = res_tree_place, \
	.remove = res_tree_delete, .path = res_tree_path, \
	.list = res_tree_list

#endif
