/*
 * tree: the two trees of the inventory, part categories and stock
 * locations, kept consistent.
 *
 * Each node stores its parent and, derived from it, a path of ids
 * ("/1/5/9/"), the pathstring of names ("Electronics/Passives/Resistors")
 * and its level (0 at the top).  tree_place() recomputes them for a node
 * and its whole subtree after an insert, a rename or a move;
 * tree_check_parent() refuses a parent that would make a node its own
 * ancestor; tree_delete() removes a node with InvenTree's semantics
 * (children and contents move up to the parent unless told to delete
 * them).  Every function here runs inside the caller's write transaction
 * and never commits.
 */
#ifndef SR_TREE_H
#define SR_TREE_H

#include <stdbool.h>

struct ctx;

enum tree_kind { TREE_CATEGORY, TREE_LOCATION, TREE__MAX };

int	tree_check_parent(struct ctx *, enum tree_kind, long long id,
	    long long parent);
int	tree_place(struct ctx *, enum tree_kind, long long id);
int	tree_delete(struct ctx *, enum tree_kind, long long id,
	    bool delete_children, bool delete_contents);
struct cJSON;
struct cJSON	*tree_path(struct ctx *, enum tree_kind, long long id);
int	tree_exists(struct ctx *, enum tree_kind, long long id,
	    bool *structural);

#endif
