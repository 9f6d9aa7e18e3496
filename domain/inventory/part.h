/*
 * part: part categories and parts, as InvenTree's part app serves them.
 *
 * Both are resources (res.h): category_resource, a tree whose contents
 * are parts (/api/part/category/), and part_resource (/api/part/).  Their
 * descriptions in part.c are the one place their columns, filters,
 * orderings and search are written; the hooks there hold the rules a
 * field cannot say:
 *
 *   - a part's name, IPN and revision are unique together, and a part is
 *     never put in a structural category;
 *   - a part's units are blank or a unit (InvenTree's physical units:
 *     units.h, with the site's custom units), checked when they change,
 *     so that a part whose stored units are not one still takes edits
 *     of its other fields;
 *   - "initial_stock" on create makes the part's first stock item, and
 *     needs the permission to add stock;
 *   - "starred" is the signed-in user's subscription (star.h);
 *   - an active or locked part cannot be deleted, and deleting one that
 *     has stock needs the permission to delete stock;
 *   - the search index (part_fts) follows every change in the same
 *     transaction; a deleted part and a changed minimum are events.
 */
#ifndef SR_PART_H
#define SR_PART_H

struct ctx;
struct err;
struct resource;

extern const struct resource category_resource, part_resource;

struct err	*part_fts_sync(struct ctx *, long long id);
void		*part_nested_view(struct ctx *);

/*
 * The FTS5 query, bound to search_query()'s text, that looks in a part's
 * own text alone in part_fts (not in its MPNs and SKUs, migration 0018):
 * for lists that find their rows by their part, as InvenTree's do by
 * part__name, part__IPN and part__description.
 */
#define PART_OWN_TEXT \
	"'{name IPN description keywords} : (' || ? || ')'"

/*
 * The rows of part_fts that ?, an FTS5 query, finds, each with the texts
 * the index holds for it: name, IPN, description, keywords, MPNs, SKUs
 * (list.h's fts_text; one string, so that lists asking it share its rows).
 */
#define PART_FTS_TEXT \
	"SELECT f.rowid, c.c0, c.c1, c.c2, c.c3, c.c4, c.c5 FROM part_fts f " \
	"JOIN part_fts_content c ON c.id = f.rowid WHERE f.part_fts MATCH ?"

/*
 * Part p (the alias) is one that a stock item of part x (an SQL
 * expression, "?" or "?1", read four times) may be converted to: a
 * variant below x, x's template or another variant of that template;
 * active, not virtual, not x (InvenTree's get_conversion_options()).
 */
#define PART_CONVERT_SQL(x) "(p.id <> " x " AND p.active = 1 AND " \
	"p.virtual = 0 AND (p.id IN (SELECT descendant FROM " \
	"part_variant_tree WHERE ancestor = " x ") OR p.id = (SELECT " \
	"pc.variant_of FROM part pc WHERE pc.id = " x ") OR p.variant_of = " \
	"(SELECT pc.variant_of FROM part pc WHERE pc.id = " x ")))"

#endif
