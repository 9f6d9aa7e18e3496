/*
 * res: resources, each described once.
 *
 * A resource is one InvenTree model served at one API path: its table,
 * its fields (val.h), its filters, orderings and search, its permission
 * area and the hooks for its own rules.  Everything else follows from that
 * one constant description:
 *
 *   - the SQL: the SELECT of a row, its INSERT and UPDATE, the count and
 *     the existence check are put together here, once per process, from
 *     the field list (res_sql.c: the one place SQL text is made, so that
 *     a second database engine is added there, not in every resource);
 *   - the routes: a program that lists the resource (route.h) has the
 *     rows for the list, the detail, create, update (PUT and PATCH),
 *     delete, metadata and, for a tree, tree/ -- a resource's routes are
 *     one line of its program;
 *   - the answers, with InvenTree's semantics: lists with filters, search,
 *     ordering and pagination (list.h), a row rendered field by field,
 *     404 "No Part matches the given query.", 201 with the new object,
 *     400 with every field's errors, 204 after a delete;
 *   - validation: every written field is checked by val.h, every
 *     reference must name an existing object, and the hooks add the rules
 *     a field alone cannot say;
 *   - OPTIONS: actions.POST and actions.PUT in DRF's metadata format, with
 *     related fields' model, api_url and pk_field (res_describe());
 *   - permissions: the route's area is the resource's; a cascading delete
 *     needs the delete permission of what it deletes.
 *
 * A write runs in one transaction (db_begin()/db_end()): the checks, the
 * row, the hooks' own writes (search index, history, events) and the
 * answer's read all see the same state, and a failure anywhere leaves
 * nothing behind.
 *
 * Hooks see a row's values as struct val, one per field in the order of
 * the description, and a row of a SELECT with the pk in column 0 and field
 * i in column res_col(r, i).  (Fields that are constants of the
 * description, or that a hook renders, have no column.)
 */
#ifndef SR_RES_H
#define SR_RES_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "list.h"
#include "val.h"

struct cJSON;
struct ctx;
struct err;
struct errs;
struct res_sql;
struct mem_buf;


/* Resource flags. */
#define RES_NO_CREATE	0x0001
#define RES_NO_UPDATE	0x0002
#define RES_NO_DELETE	0x0004
#define RES_READ_ONLY	(RES_NO_CREATE | RES_NO_UPDATE | RES_NO_DELETE)
#define RES_METADATA	0x0010	/* <pk>/metadata/ (a metadata column) */
#define RES_KEYED	0x0020	/* pages are found on ids first (list.h) */
#define RES_BULK_DELETE	0x0040	/* DELETE <path> {"items": [pk, ...]} */
#define RES_NO_LIST	0x0080	/* no list route */
#define RES_CASCADE	0x0100	/* ?cascade= is true unless given */
#define RES_ATTACHMENTS	0x0200	/* files and links attach to its rows */
#define RES_IMPORT	0x0400	/* with RES_NO_CREATE: its own create is
				   res_save() after the defaults hook, so
				   the importer may create rows of it */

/* What a write hook sees. */
struct res_write {
	const struct resource	*res;
	long long		 id;	/* 0 on create until inserted */
	struct val		*v;	/* the new values, one per field */
	const struct val	*old;	/* update: the values before; else NULL */
	const struct cJSON	*body;
	bool			 create;
	void			*state;	/* the hooks' own, for one write */
};

/* What a delete hook sees. */
struct res_del {
	const struct resource	*res;
	long long		 id;
	void			*state;	/* from deleting to deleted */
};

struct res_hooks {
	/* A create's values that come from elsewhere when not given (a
	 * stock item's location from its part), after the fields are read
	 * and before the checks: for creates that do not come through the
	 * resource's own handler (the importer). */
	struct err	*(*defaults)(struct ctx *, struct res_write *);
	/* Query parameters of the list beyond the fields' own filters (and
	 * the tree's): cascade, starred, view flags.  view is the
	 * renderer's argument, allocated by view(). */
	struct err	*(*list)(struct ctx *, struct list_q *, void *view);
	/* The renderer's argument for a list or a detail, from the query
	 * (?part_detail=true); NULL hook: none. */
	struct err	*(*view)(struct ctx *, void **view);
	/* No view hook: the renderer's argument is zeroed memory of this
	 * size (its own cached statements), made once a list or detail. */
	size_t		 view_size;
	/* Adds computed members to a rendered row (a user's star, nested
	 * details).  Must not allocate from the arena (list.h). */
	void		 (*render)(struct ctx *, db_stmt *, struct cJSON *,
			    void *view);
	/* Restricts every list and every row to what the user may see (the
	 * user's own notifications): adds to q's WHERE. */
	struct err	*(*scope)(struct ctx *, struct list_q *);
	/* Before a write's transaction begins: slow work that needs no
	 * lock (an uploaded image is checked and stored), into w->state. */
	struct err	*(*prepare)(struct ctx *, struct res_write *);
	/* Rules beyond each field's own, into es (uniqueness, one field
	 * against another); returns only database errors. */
	struct err	*(*validate)(struct ctx *, struct res_write *,
			    struct errs *);
	/* After the row is written, in its transaction: search index,
	 * history, events, nested inputs. */
	struct err	*(*written)(struct ctx *, struct res_write *);
	/* After the write has committed: clean-up that must not outrun
	 * the commit (the files of a replaced image). */
	void		 (*committed)(struct ctx *, struct res_write *);
	/* Before a row is deleted: an error refuses (active parts). */
	struct err	*(*deleting)(struct ctx *, struct res_del *);
	/* After it is deleted, in the transaction: index, events. */
	struct err	*(*deleted)(struct ctx *, struct res_del *);
};

/* A filter that is not a field's own ?name=value. */
struct res_filter {
	const char	*name;		/* query parameter */
	enum ftype	 type;		/* FT_BOOL, FT_ID, FT_INT, FT_TEXT,
					   FT_DATE, FT_CHOICE */
	const char	*sql;		/* " AND ..." with ? for the value, or
					   for FT_BOOL when true */
	const char	*sql_alt;	/* FT_BOOL false; FT_ID null */
	const struct resource *ref;	/* FT_ID: must exist */
	const char	*sql_cascade;	/* FT_ID under ?cascade=true */
	unsigned	 walk;		/* when many rows match, the list may
					   walk its order (the default one,
					   or one whose walk is true) and
					   test each row (res_tally()); the
					   order's index must give the
					   column cheaply.  0: never; else
					   what testing a walked row costs
					   against collecting and sorting a
					   matching one (1: the same) */
	/*
	 * FT_ID: the value may stand for more than itself (a template part
	 * for its variants too): unless the boolean query parameter widen
	 * says false (InvenTree's include_variants, true when absent), and
	 * when wide_if (a SELECT with one ? for the value) finds a row,
	 * sql_wide is used instead of sql (each ? the value), and the list
	 * counts its rows instead of taking a tally.
	 */
	const char	*widen;
	const char	*wide_if;
	const char	*sql_wide;
};

/*
 * Fields whose values, together, no two rows may share (InvenTree's
 * unique_together): a write that would is refused with DRF's message,
 * "The fields part, supplier, SKU must make a unique set.", unless one of
 * the values is null (as a UNIQUE index lets it be).  The table should
 * have the UNIQUE index too.
 */
#define RES_UNIQUE_MAX	4

struct res_unique {
	const char	*fields[RES_UNIQUE_MAX];	/* JSON names */
};

/*
 * An ordering that is not a field's own column.  An order by a column of
 * another table names it through join (" JOIN part sp ON sp.id = s.part"),
 * put into the page's ids and rows (list_q's join), not through a
 * subquery a row: a subquery's value has no index, so every matching row
 * is read and sorted for one page, where a join lets the planner walk the
 * other table's index in order and each of its rows' own rows through
 * theirs (the stock list by part name: 25 items of 1,000,000, read in
 * name order).  The join must add and remove no row: a unique key, and
 * an inner join only on a column that is never null (else LEFT JOIN,
 * which the planner does not reorder).  The fragments should end with
 * the alias's id, so that ties are in the same order on every page.
 */
struct res_order {
	const char	*name;		/* ?ordering=name or -name */
	const char	*asc;		/* ORDER BY fragment */
	const char	*desc;
	const char	*join;		/* what asc and desc need, or NULL */
	bool		 walk;		/* an index gives the rows in this
					   order, both ways, so that a page
					   under a filter that matches many
					   may walk it (res_filter's walk) */
};

/*
 * A count kept up to date elsewhere (migration 0010's tallies, kept by
 * triggers in the same transaction as every change) that stands for the
 * count of the list under the filters of key: their query parameters and
 * how they were applied (list_note(), list.h), by name, joined by ",":
 * "" (no filter), "status=" (the status given), "location<" (the subtree
 * below the location given), "in_stock=1,location<".  sql is a statement
 * giving one integer, with a ? for each "=" and "<" of the key, in the
 * key's order.  A list whose filters match no tally's key exactly is
 * counted row by row, so a count is exact whatever the filters.
 */
struct res_tally {
	const char	*key;
	const char	*sql;
};

/* Reading one kept count: RES_TALLY_N() an expression, RES_TALLY_SQL()
 * the statement; id an SQL term ("0", "?", "?2"). */
#define RES_TALLY_N(name, id) "ifnull((SELECT n FROM tally WHERE name = '" \
	name "' AND id = " id "), 0)"
#define RES_TALLY_SQL(name, id) "SELECT " RES_TALLY_N(name, id)

/*
 * A tree (categories, locations): parent, path, pathstring and level
 * columns, kept by res_tree.c; its "contents" are rows of another
 * resource that point at a node (parts, stock items).  The tree's
 * functions are res_tree.c's, given by RES_TREE_OPS (res_tree.h), so
 * that the generic code calls them without depending on them.
 */
struct res_tree {
	const struct resource	*contents;
	const char		*contents_col;	/* "category" */
	const char		*children;	/* "subcategories" (tree/) */
	const char		*delete_contents;	/* "delete_parts" */
	const char		*delete_children;
	const char		*structural_msg;

	void		 (*sql)(const struct resource *, struct res_sql *);
	struct err	*(*filters)(struct ctx *, const struct resource *,
			    struct list_q *, bool cascade);
	struct err	*(*check)(struct ctx *, struct res_write *,
			    struct errs *);
	struct err	*(*place)(struct ctx *, const struct resource *,
			    long long id);
	struct err	*(*remove)(struct ctx *, const struct resource *,
			    long long id);
	struct cJSON	*(*path)(struct ctx *, const struct resource *,
			    long long id, struct err **);
	struct err	*(*list)(struct ctx *);
};

/*
 * A reference that an imported file names by a key several rows may hold
 * (a SKU that two suppliers use): the row's field by, when given, narrows
 * the search (res_find_key()'s scope) to the referenced rows where sql
 * holds -- a condition on them (their resource's alias) with one ? for
 * by's pk: a price break's supplier part by the supplier ("sp.supplier =
 * ?").  by may be read-only in the API: the importer takes it for this
 * alone.
 */
struct res_narrow {
	const char	*field;		/* the reference: "part" */
	const char	*by;		/* the row's field: "supplier" */
	const char	*sql;		/* "sp.supplier = ?" */
};

/* res_find_key()'s narrowing: rows where sql holds (its ? is id), named
 * in messages by what ("supplier \"DigiKey\""); with no sql, hint says
 * what would tell rows with the same key apart ("the supplier"). */
struct res_key_scope {
	const char	*sql;
	long long	 id;
	const char	*what;
	const char	*hint;
};

struct resource {
	const char		*model;		/* InvenTree's: "partcategory" */
	const char		*name;		/* in messages: "PartCategory" */
	const char		*table;
	const char		*alias;		/* in list SQL: "c" */
	const char		*path;		/* "/api/part/category/" */
	const char		*web;		/* the page's path: "category/" */
	const char		*area;		/* rule set (perm.h) */
	const char		*write_area;	/* of POST, PUT, PATCH, DELETE
						   when not area (users: any
						   user reads, superusers
						   write); NULL: area */
	const char		*noun;		/* "part category" (summaries) */
	const char		*plural;	/* "part categories" */
	const struct field	*fields;
	size_t			 nfields;
	const struct res_filter	*filters;
	size_t			 nfilters;
	const struct res_order	*orders;
	size_t			 norders;
	const struct res_tally	*tallies;	/* counts that need no walk */
	size_t			 ntallies;
	const struct res_unique	*unique;	/* sets of unique fields */
	size_t			 nunique;
	const char		*order;		/* default ORDER BY */
	/*
	 * Tables joined to each row for its columns, after "FROM table
	 * alias": " LEFT JOIN part bp ON bp.id = b.sub_part", each on a
	 * unique key so that it adds no row (nor removes one): one read of
	 * the joined row for every column that needs it, instead of a
	 * subquery per column.  In a row's and a list's SELECT and in the
	 * page's ids (so orderings may name them); not in the count, so
	 * filters and searches must not.  NULL: none.
	 */
	const char		*join;
	const struct list_search *search;
	const struct res_hooks	*hooks;
	const struct res_tree	*tree;
	unsigned		 flags;		/* RES_* */
	/* The fields that name a row in an imported file, tried in order
	 * when a reference's cell is not a pk: {"IPN", "name", NULL}
	 * (res_find_key()); NULL: only pks. */
	const char *const	*keys;
	/* References that another field of an imported row narrows. */
	const struct res_narrow	*narrow;
	size_t			 nnarrow;
	struct res_sql		*sql;		/* built once (res_sql.c) */
};

#define RES_FIELDS(a)	.fields = (a), .nfields = sizeof(a) / sizeof((a)[0])
#define RES_FILTERS(a)	.filters = (a), .nfilters = sizeof(a) / sizeof((a)[0])
#define RES_ORDERS(a)	.orders = (a), .norders = sizeof(a) / sizeof((a)[0])
#define RES_TALLIES(a)	.tallies = (a), .ntallies = sizeof(a) / sizeof((a)[0])
#define RES_UNIQUE(a)	.unique = (a), .nunique = sizeof(a) / sizeof((a)[0])
#define RES_NARROW(a)	.narrow = (a), .nnarrow = sizeof(a) / sizeof((a)[0])

/* A tree's statements (res_tree.c), made by res_sql.c. */
enum res_tree_q {
	TQ_GET, TQ_SET, TQ_SUBTREE, TQ_CHILDREN, TQ_REPARENT, TQ_DESCENDANTS,
	TQ_MOVE, TQ_MOVE_SUBTREE, TQ_CONTENTS, TQ_SUBTREE_CONTENTS,
	TQ_HAS_CONTENTS, TQ_HAS_SUBTREE_CONTENTS, TQ_ANCESTORS, TQ_DUP,
	TQ_BELOW, TQ_LIST, TQ_PARENT_SUBTREE, TQ_PARENT, TQ_TOP, TQ_NOT_TOP,
	TQ_DEPTH_BELOW, TQ_DEPTH, TQ_STRUCTURAL, TQ__MAX
};

/* A read-only field whose col is a constant ("0", "NULL", "''"). */
enum res_k { RES_K_NONE, RES_K_NULL, RES_K_INT, RES_K_TEXT };

struct res_const {
	enum res_k	 kind;
	long long	 i;
	const char	*s;
	const char	*json;	/* RES_K_INT: the value as the field shows it */
};

/* How the renderer writes a field: the plan made once from the fields. */
enum res_how { RH_TEXT, RH_TEXT_NULL, RH_TEXT_EMPTY_NULL, RH_BOOL, RH_INT,
	RH_INT_NN, RH_LABEL, RH_DEC, RH_DEC_NN, RH_DEC_STRING, RH_DATE, RH_JSON, RH_IDS, RH_MEDIA,
	RH_FLOAT, RH_CONST };

struct res_step {
	const struct field	*f;
	int			 col;
	enum res_how		 how;
	const struct res_const	*k;
	const char		*key;	/* ,"name": (the text writer's) */
	size_t			 keylen;
};

/*
 * A related object's name beside a reference in an export (export.h):
 * the category's path, the supplier's name.  col is its column in
 * export_select.
 */
struct res_rel {
	int		 field;		/* the reference */
	const char	*name;		/* "category_path", "supplier_name" */
	int		 col;
};

/* res_sql.c: the SQL of a resource, made once per process. */
struct res_sql {
	bool		 ready;
	const char	*select;	/* SELECT <pk, fields> FROM t a WHERE TRUE */
	const char	*count;		/* SELECT count(*) FROM t a WHERE TRUE */
	const char	*ids;		/* SELECT a.id FROM t a WHERE TRUE */
	const char	*key;		/* " AND a.id IN (" */
	const char	*by_id;		/* " AND a.id = ?" */
	const char	*select_one;	/* select with by_id */
	const char	*exists;	/* SELECT 1 FROM t WHERE id = ? */
	const char	*insert;	/* the writable columns */
	const char	*update;	/* the writable columns, then id */
	const char	*delete;	/* id */
	const char	*meta_get;	/* metadata of id */
	const char	*meta_set;	/* metadata, id */
	int		 nwrite;	/* writable columns */
	struct list_order *orders;	/* the description's, the fields' */
	size_t		 norders;
	char		**filter_sql;	/* per field: " AND a.col = ?" */
	char		**filter_null;	/* per field: " AND a.col IS NULL" */
	char		**ref_exists;	/* per field with ref_if: does the
					   row it names exist and meet it */
	char		**unique;	/* per res_unique: another row? */
	struct res_const *konst;	/* per field: rendered without a read */
	int		*col;		/* per field: its column, or -1 */
	struct res_step	*plan;		/* the fields a row shows, in order */
	size_t		 nplan;
	const char	*tree[TQ__MAX];
	const char	*export_select;	/* select, then each rel's column */
	struct res_rel	*rel;
	size_t		 nrel;
};

struct res_sql	*res_sql(const struct resource *);
char		*res_sql_printf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* res.c: the generic handlers (a route's resource is ctx->route->res). */
struct err	*res_list(struct ctx *);
struct req_kv;
struct err	*res_list_as(struct ctx *, const struct resource *,
		    const struct req_kv *, size_t, const char **json);
struct err	*res_detail(struct ctx *);
struct err	*res_create(struct ctx *);
struct err	*res_update(struct ctx *);
struct err	*res_delete(struct ctx *);
struct err	*res_delete_bulk(struct ctx *);
struct err	*res_metadata(struct ctx *);
struct err	*res_status_class(struct ctx *, const char *name,
		    const struct choice *codes,
		    void (*each)(struct cJSON *, const struct choice *));

/* For the hooks and for handlers of a resource's own endpoints. */
struct err	*res_get(struct ctx *, const struct resource *, long long id,
		    void *view, struct cJSON **out);
struct err	*res_answer(struct ctx *, const struct resource *, long long id,
		    int status);
struct err	*res_exists(struct ctx *, const struct resource *, long long id,
		    bool *exists);
struct err	*res_ids_exist(struct ctx *, const struct field *,
		    const struct val *, struct errs *);
struct err	*res_load(struct ctx *, const struct resource *, long long id,
		    struct val *out);
struct err	*res_write_row(struct ctx *, struct res_write *);
struct err	*res_save(struct ctx *, struct res_write *, struct errs *);
struct err	*res_check(struct ctx *, struct res_write *, struct errs *);
struct err	*res_find_by(struct ctx *, const struct resource *, int field,
		    const char *text, long long *id, int *n);
struct err	*res_find_key(struct ctx *, const struct resource *,
		    const char *text, const struct res_key_scope *,
		    long long *id, const char **why);
struct err	*res_delete_row(struct ctx *, const struct resource *,
		    long long id);
struct err	*res_query(struct ctx *, const struct resource *,
		    struct list_q *, void *view);
struct err	*res_tally(struct ctx *, const struct resource *,
		    struct list_q *);
struct cJSON	*res_row_json(struct ctx *, db_stmt *, void *arg);
void		 res_row_text(struct ctx *, db_stmt *, void *arg,
		    struct mem_buf *t);
struct err	*res_view(struct ctx *, const struct resource *, void **view);
struct cJSON	*res_nested(struct ctx *, const struct resource *,
		    db_stmt **cache, long long id, void *view);
struct cJSON	*res_nested_all(struct ctx *, const struct resource *,
		    db_stmt **cache, db_stmt *ids, void *view);
int		 res_field(const struct resource *, const char *name);
int		 res_col(const struct resource *, int field);
struct cJSON	*res_describe(struct ctx *, const struct field *, size_t n,
		    bool write);

#endif
