/*
 * treeapi: the API handlers of the two trees, part categories
 * (/api/part/category/) and stock locations (/api/stock/location/), as one
 * implementation.  Each tree gives a constant struct tree_api naming its
 * fields, its constant SQL, its list fragments and the JSON names that
 * differ; the handlers here list, show, create, change and delete nodes
 * with InvenTree's semantics, using tree.h for the paths and the delete.
 */
#ifndef SR_TREEAPI_H
#define SR_TREEAPI_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "inventory/star.h"
#include "inventory/tree.h"

struct cJSON;
struct ctx;
struct field;
struct list_filter;
struct list_order;
struct list_search;

#define TREE_API_FIELDS_MAX	16

struct tree_api {
	enum tree_kind		 kind;
	const char		*model;		/* "PartCategory" (404 text) */

	/* Writable fields; name, parent and structural must be among them. */
	const struct field	*fields;
	size_t			 nfields;
	int			 f_name, f_parent, f_structural;
	int			 f_location;	/* a stock location id, or -1 */

	const char		*sql_load;	/* id -> the fields in order */
	const char		*sql_insert;	/* the fields */
	const char		*sql_update;	/* the fields, then id */
	const char		*sql_dup;	/* parent, name, id */
	const char		*sql_has_contents;	/* id */
	const char		*structural_msg;
	const char		*what_insert, *what_update;

	/* Lists: filters, search, ordering; depth below a parent or the top. */
	const char		*order_default;
	const struct list_filter *filters;
	size_t			 nfilters;
	const struct list_search *search;
	const struct list_order	*orders;
	size_t			 norders;
	const char		*depth_below;	/* parent, depth */
	const char		*depth_top;	/* depth */
	const char		*select, *count;
	struct cJSON		*(*json)(struct ctx *, sqlite3_stmt *, void *);
	const char		*tree_select;	/* tree/: 7 columns */
	const char		*tree_children;	/* "subcategories" */
	struct cJSON		*(*get)(struct ctx *, long long, int *);

	const char		*delete_contents;	/* "delete_parts" */
	const char		*delete_children;
	/* Optional: InvenTree's "starred" (star.h) -- the ?starred= filter
	 * fragments (one ? each, the user), NULL when the tree has none. */
	enum star_kind		 starred;
	const char		*starred_sql, *unstarred_sql;
};

int	tree_api_list(struct ctx *, const struct tree_api *);
int	tree_api_tree(struct ctx *, const struct tree_api *);
int	tree_api_detail(struct ctx *, const struct tree_api *);
int	tree_api_create(struct ctx *, const struct tree_api *);
int	tree_api_update(struct ctx *, const struct tree_api *);
int	tree_api_delete(struct ctx *, const struct tree_api *);

#endif
