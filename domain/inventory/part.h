/*
 * part: parts and part categories as the API shows them.
 *
 * The SELECTs here are the one description of a part's and a category's
 * columns: list endpoints extend part_select / category_select (aliases
 * p and c, ending in "WHERE 1") with list.h's fragments, detail endpoints
 * use the *_one forms, and part_json() / category_json() turn a row into
 * InvenTree's serializer shape (quantities as numbers, see dec.h), with
 * "starred" for the signed-in user (category_json()'s argument is a
 * struct star_set or NULL).
 * part_fts_sync() keeps the search index in step with a part's text and
 * must run in the transaction that changed it.
 */
#ifndef SR_PART_H
#define SR_PART_H

#include <stdbool.h>

#include <sqlite3.h>

struct cJSON;
struct ctx;

extern const char part_select[], part_count[], part_select_one[];
extern const char category_select[], category_count[], category_select_one[];

#include "inventory/star.h"

/* What to nest in a part; statements are prepared on first use, the
 * user's stars read on first use (star.h). */
struct part_view {
	bool		 category_detail;
	sqlite3_stmt	*cat;
	struct star_set	 stars, cat_stars;
};

struct cJSON	*part_json(struct ctx *, sqlite3_stmt *, void *part_view);
struct cJSON	*category_json(struct ctx *, sqlite3_stmt *, void *);
struct cJSON	*part_get(struct ctx *, long long id, struct part_view *,
		    int *status);
struct cJSON	*category_get(struct ctx *, long long id, int *status);
int		 part_fts_sync(struct ctx *, long long id);

#endif
