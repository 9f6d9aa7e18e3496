/*
 * star: a user's subscriptions to parts and part categories, which
 * InvenTree calls "starred" (its PartStar and PartCategoryStar).
 *
 * A part and a category show "starred" when the signed-in user has
 * starred that very object; a user subscribed to a category is also
 * subscribed to its parts and to every category below it, which is who
 * gets a part's notifications (notify.h).  star_apply() sets "starred"
 * as InvenTree's set_starred() does: starring
 * something the user is already subscribed to through a category changes
 * nothing, and unstarring removes only the object's own star.
 *
 * Lists keep the user's stars of one kind in a star_set, read once per
 * request, so that rendering a row never touches the database.
 */
#ifndef SR_STAR_H
#define SR_STAR_H

#include <stdbool.h>
#include <stddef.h>

struct ctx;
struct err;
struct list_q;

enum star_kind { STAR_PART, STAR_CATEGORY, STAR__MAX };

struct star_set {
	bool		 loaded;
	long long	*ids;		/* sorted; arena */
	size_t		 n;
};

bool	star_is(struct ctx *, struct star_set *, enum star_kind, long long id);
struct err *star_apply(struct ctx *, enum star_kind, long long id, bool want);
struct err *star_filter(struct ctx *, struct list_q *, enum star_kind);

#endif
