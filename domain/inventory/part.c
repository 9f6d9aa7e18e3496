/*
 * part: part categories and parts.  See part.h.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "res_tree.h"
#include "val.h"

#include "files/image.h"
#include "files/media.h"
#include "inventory/bom.h"
#include "inventory/parameter.h"
#include "inventory/part.h"
#include "inventory/star.h"
#include "inventory/stock.h"
#include "inventory/units.h"
#include "tasks/event.h"

/* ---- categories ----------------------------------------------------- */

enum { CF_NAME, CF_DESCRIPTION, CF_PARENT, CF_PATHSTRING, CF_LEVEL,
	CF_STRUCTURAL, CF_DEFAULT_LOCATION, CF_DEFAULT_KEYWORDS, CF_ICON,
	CF_PART_COUNT, CF_SUBCATEGORIES, CF_STARRED, CF__N };

static const struct field category_fields[] = {
	[CF_NAME] = { "name", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100 },
	[CF_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[CF_PARENT] = { "parent", FT_ID, F_NULL, .ref = &category_resource },
	[CF_PATHSTRING] = { "pathstring", FT_TEXT, F_READ_ONLY | F_ORDER },
	[CF_LEVEL] = { "level", FT_INT, F_READ_ONLY | F_FILTER | F_ORDER },
	[CF_STRUCTURAL] = { "structural", FT_BOOL, F_FILTER },
	[CF_DEFAULT_LOCATION] = { "default_location", FT_ID, F_NULL,
	    .ref = &location_resource },
	[CF_DEFAULT_KEYWORDS] = { "default_keywords", FT_TEXT, 0, 250 },
	[CF_ICON] = { "icon", FT_TEXT, 0, 100 },
	/* Parts in the category and below it (a tally, migration 0010);
	 * categories below it. */
	[CF_PART_COUNT] = { "part_count", FT_INT, F_READ_ONLY | F_ORDER,
	    .col = "ifnull((SELECT n FROM tally WHERE name = "
	    "'part_category.parts' AND id = c.id), 0)" },
	[CF_SUBCATEGORIES] = { "subcategories", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) - 1 FROM part_category_tree WHERE "
	    "ancestor = c.id)" },
	[CF_STARRED] = { "starred", FT_BOOL, F_NO_COLUMN,
	    .help = "The signed-in user's subscription" },
};
_Static_assert(sizeof(category_fields) / sizeof(category_fields[0]) == CF__N,
    "category fields");

static const struct list_search category_search = {
	" AND (c.name LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\' "
	"OR c.pathstring LIKE ? ESCAPE '\\')", 0, 3,
	" AND (c.name LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\' "
	"OR c.pathstring LIKE ? ESCAPE '\\')", 3, NULL,
};

static struct err *
category_list(struct ctx *ctx, struct list_q *q, void *view)
{
	(void)view;
	return star_filter(ctx, q, STAR_CATEGORY);
}

static void
category_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	json_bool(o, "starred", star_is(ctx, view, STAR_CATEGORY,
	    st_column_int64(st, 0)));
}

static struct err *
category_written(struct ctx *ctx, struct res_write *w)
{
	const struct val *s = &w->v[CF_STARRED];

	if (!s->present || w->create)
		return NULL;
	return star_apply(ctx, STAR_CATEGORY, w->id, s->i != 0);
}

static const struct res_hooks category_hooks = {
	/* the user's stars, read once a request (star.h) */
	.view_size = sizeof(struct star_set),
	.list = category_list,
	.render = category_render,
	.written = category_written,
};

static const struct res_tree category_tree = {
	.contents = &part_resource,
	.contents_col = "category",
	.children = "subcategories",
	.delete_contents = "delete_parts",
	.delete_children = "delete_child_categories",
	.structural_msg = "You cannot make this part category structural "
	    "because some parts are already assigned to it!",
	RES_TREE_OPS,
};

static struct res_sql category_sql;

/* How an imported file names one (res_find_key()). */
static const char *const category_keys[] = { "pathstring", "name", NULL };

const struct resource category_resource = {
	.model = "partcategory",
	.name = "PartCategory",
	.table = "part_category",
	.alias = "c",
	.path = "/api/part/category/",
	.web = "category/",
	.area = "part_category",
	.noun = "part category",
	.plural = "part categories",
	RES_FIELDS(category_fields),
	.order = "c.pathstring, c.id",
	.search = &category_search,
	.hooks = &category_hooks,
	.tree = &category_tree,
	.flags = RES_METADATA,
	.sql = &category_sql,
	.keys = category_keys,
};

/* ---- parts ---------------------------------------------------------- */

enum { PF_NAME, PF_IPN, PF_DESCRIPTION, PF_KEYWORDS, PF_UNITS, PF_REVISION,
	PF_LINK, PF_NOTES, PF_FULL_NAME, PF_IMAGE, PF_THUMBNAIL, PF_CATEGORY,
	PF_DEFAULT_LOCATION, PF_ACTIVE, PF_ASSEMBLY, PF_COMPONENT,
	PF_PURCHASEABLE, PF_SALABLE, PF_TRACKABLE, PF_VIRTUAL, PF_IS_TEMPLATE,
	PF_LOCKED, PF_TESTABLE, PF_MINIMUM_STOCK, PF_CREATION_DATE,
	PF_IN_STOCK, PF_TOTAL_IN_STOCK, PF_UNALLOCATED, PF_STOCK_COUNT,
	PF_ALLOC_BUILD, PF_ALLOC_SALES, PF_BUILDING, PF_ORDERING,
	PF_VARIANT_OF, PF_VARIANT_STOCK, PF_STARRED, PF_BARCODE_HASH, PF_DEFAULT_EXPIRY,
	PF_INITIAL_STOCK, PF__N };

/* initial_stock's own fields. */
enum { IS_QUANTITY, IS_LOCATION, IS__N };
static const struct field initial_stock_fields[] = {
	[IS_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED },
	[IS_LOCATION] = { "location", FT_ID, F_NULL,
	    .ref = &location_resource },
	{ NULL },
};

static const struct field part_fields[] = {
	[PF_NAME] = { "name", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100 },
	[PF_IPN] = { "IPN", FT_TEXT, F_FILTER | F_ORDER, 100 },
	[PF_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[PF_KEYWORDS] = { "keywords", FT_TEXT, 0, 250 },
	[PF_UNITS] = { "units", FT_TEXT, 0, 20,
	    .help = "Units of measure for this part" },
	[PF_REVISION] = { "revision", FT_TEXT, F_FILTER | F_ORDER, 100 },
	[PF_LINK] = { "link", FT_URL, 0, 2000 },
	[PF_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	/* "IPN | name | revision", InvenTree's default full name
	 * (part_render()). */
	[PF_FULL_NAME] = { "full_name", FT_TEXT, F_READ_ONLY | F_NO_COLUMN },
	[PF_IMAGE] = { "image", FT_MEDIA, F_READ_ONLY, .col = "image" },
	[PF_THUMBNAIL] = { "thumbnail", FT_MEDIA, F_READ_ONLY,
	    .col = "coalesce(p.thumbnail, p.image)" },
	[PF_CATEGORY] = { "category", FT_ID, F_NULL | F_ORDER,
	    .ref = &category_resource },
	[PF_DEFAULT_LOCATION] = { "default_location", FT_ID, F_NULL | F_FILTER,
	    .ref = &location_resource },
	[PF_ACTIVE] = { "active", FT_BOOL, F_FILTER, .def = 1 },
	[PF_ASSEMBLY] = { "assembly", FT_BOOL, F_FILTER },
	[PF_COMPONENT] = { "component", FT_BOOL, F_FILTER, .def = 1 },
	[PF_PURCHASEABLE] = { "purchaseable", FT_BOOL, F_FILTER, .def = 1 },
	[PF_SALABLE] = { "salable", FT_BOOL, F_FILTER },
	[PF_TRACKABLE] = { "trackable", FT_BOOL, F_FILTER },
	[PF_VIRTUAL] = { "virtual", FT_BOOL, F_FILTER },
	[PF_IS_TEMPLATE] = { "is_template", FT_BOOL, F_FILTER },
	[PF_LOCKED] = { "locked", FT_BOOL, F_FILTER },
	[PF_TESTABLE] = { "testable", FT_BOOL, F_FILTER },
	[PF_MINIMUM_STOCK] = { "minimum_stock", FT_DEC, F_ORDER },
	[PF_CREATION_DATE] = { "creation_date", FT_DATE,
	    F_READ_ONLY | F_ORDER, .col = "creation_date" },
	/* Kept by triggers from the items in stock (migration 0003). */
	[PF_IN_STOCK] = { "in_stock", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "in_stock" },
	/* Its own and its variants' (InvenTree's in_stock + variant_stock,
	 * both kept by triggers: migration 0028). */
	[PF_TOTAL_IN_STOCK] = { "total_in_stock", FT_DEC,
	    F_READ_ONLY | F_ORDER, .col = "p.in_stock + p.variant_stock" },
	/* In stock with the variants' less what build orders hold
	 * (migration 0020). */
	[PF_UNALLOCATED] = { "unallocated_stock", FT_DEC,
	    F_READ_ONLY | F_ORDER,
	    .col = "max(p.in_stock + p.variant_stock - p.allocated, 0)" },
	[PF_STOCK_COUNT] = { "stock_item_count", FT_INT, F_READ_ONLY,
	    .col = "stock_count" },
	[PF_ALLOC_BUILD] = { "allocated_to_build_orders", FT_DEC, F_READ_ONLY,
	    .col = "allocated" },
	/* No sales orders yet: what InvenTree shows then. */
	[PF_ALLOC_SALES] = { "allocated_to_sales_orders", FT_DEC, F_READ_ONLY,
	    .col = "0" },
	/* Kept by triggers (migration 0025), as in_stock is: the outputs
	 * of its builds in production, and what its open purchase orders'
	 * lines have still to bring, packs converted. */
	[PF_BUILDING] = { "building", FT_DEC, F_READ_ONLY, .col = "building" },
	[PF_ORDERING] = { "ordering", FT_DEC, F_READ_ONLY, .col = "ordering" },
	/* The template this part is a variant of: only a template may have
	 * variants (InvenTree's limit_choices_to); ?variant_of= lists a
	 * template's direct variants. */
	[PF_VARIANT_OF] = { "variant_of", FT_ID, F_NULL | F_FILTER,
	    .ref = &part_resource, .ref_if = "is_template = 1",
	    .help = "Is this part a variant of another part?" },
	/* In stock of every variant below it, at any depth (migration
	 * 0028's triggers keep it). */
	[PF_VARIANT_STOCK] = { "variant_stock", FT_DEC, F_READ_ONLY,
	    .col = "variant_stock" },
	[PF_STARRED] = { "starred", FT_BOOL, F_NO_COLUMN,
	    .help = "The signed-in user's subscription" },
	[PF_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[PF_DEFAULT_EXPIRY] = { "default_expiry", FT_INT, F_READ_ONLY,
	    .col = "0" },
	[PF_INITIAL_STOCK] = { "initial_stock", FT_OBJECT,
	    F_WRITE_ONLY | F_NO_COLUMN | F_NULL, .children = initial_stock_fields,
	    .help = "The new part's first stock item" },
};
_Static_assert(sizeof(part_fields) / sizeof(part_fields[0]) == PF__N,
    "part fields");

static const struct res_filter part_filters[] = {
	/* Walked down part_name when the parts below a category are many
	 * (a million parts): a walked part is a read of its whole row,
	 * 10-15 times what collecting and sorting a match costs
	 * (callgrind, 100,000 parts: a category of 5,235 walked, 4.55 M
	 * instructions; sorted, 2.43 M; with ?active=true, whose test
	 * reads the row either way, 2.94 M walked and 2.12 M sorted). */
	{ "category", FT_ID, " AND p.category = ?", " AND p.category IS NULL",
	  &category_resource, " AND p.category IN (SELECT descendant FROM "
	  "part_category_tree WHERE ancestor = ?)", .walk = 15 },
	{ "has_stock", FT_BOOL, " AND p.in_stock > 0", " AND p.in_stock = 0",
	  NULL, NULL },
	{ "low_stock", FT_BOOL, " AND p.minimum_stock > 0 AND "
	  "p.in_stock < p.minimum_stock", " AND NOT (p.minimum_stock > 0 AND "
	  "p.in_stock < p.minimum_stock)", NULL, NULL },
	{ "has_IPN", FT_BOOL, " AND p.IPN <> ''", " AND p.IPN = ''", NULL,
	  NULL },
	/* The parts in the part's bill of materials: its lines' components
	 * and their substitutes (InvenTree's get_parts_in_bom()). */
	{ "in_bom_for", FT_ID, " AND p.id IN (SELECT sub_part FROM bom_item "
	  "WHERE part = ? UNION SELECT s.part FROM bom_item_substitute s JOIN "
	  "bom_item b ON b.id = s.bom_item WHERE b.part = ?)", NULL,
	  &part_resource, NULL },
	{ "has_bom", FT_BOOL, " AND EXISTS (SELECT 1 FROM bom_item WHERE "
	  "part = p.id)", " AND NOT EXISTS (SELECT 1 FROM bom_item WHERE "
	  "part = p.id)", NULL, NULL },
	/* The variant trees (migration 0028's closure): the variants below
	 * a part at any depth; all parts but those (and itself); the parts
	 * a stock item of the part may be converted to (its variants, its
	 * template and the template's other variants, active and not
	 * virtual: InvenTree's get_conversion_options()). */
	{ "ancestor", FT_ID, " AND p.id IN (SELECT descendant FROM "
	  "part_variant_tree WHERE ancestor = ?)", NULL, &part_resource,
	  NULL },
	{ "exclude_tree", FT_ID, " AND p.id <> ? AND p.id NOT IN (SELECT "
	  "descendant FROM part_variant_tree WHERE ancestor = ?)", NULL,
	  &part_resource, NULL },
	{ "convert_from", FT_ID, " AND " PART_CONVERT_SQL("?"), NULL,
	  &part_resource, NULL },
	/* The BOM was validated and has not changed since (bom.h). */
	{ "bom_valid", FT_BOOL, " AND p.id IN (SELECT part FROM part_bom "
	  "WHERE validated = 1)", " AND p.id NOT IN (SELECT part FROM "
	  "part_bom WHERE validated = 1)", NULL, NULL },
};

/* The counts kept for the filters clients send (migration 0010). */
static const struct res_tally part_tallies[] = {
	{ "", RES_TALLY_SQL("part", "0") },
	{ "category<", RES_TALLY_SQL("part_category.parts", "?") },
	/* The app's Parts tab and a category's parts: ?active=true
	 * (migration 0037); the inactive ones of a subtree are its parts
	 * less its active ones. */
	{ "active=", RES_TALLY_SQL("part.active", "?") },
	{ "active=,category<", "SELECT CASE WHEN ?1 = 1 THEN a ELSE p - a "
	  "END FROM (SELECT " RES_TALLY_N("part_category.active_parts", "?2")
	  " AS a, " RES_TALLY_N("part_category.parts", "?2") " AS p) AS c" },
};

/* Name, IPN, description, keywords, its MPNs and SKUs (migration 0018)
 * through the trigram index, or the category's name: InvenTree's
 * search_fields but revision and tags. */
static const struct list_search part_search = {
	" AND (p.id IN (SELECT rowid FROM part_fts WHERE part_fts MATCH ? "
	"AND trigram_at(part_fts, ?)) OR p.category IN (SELECT id FROM "
	"part_category WHERE name LIKE ? ESCAPE '\\'))", 1, 1,
	" AND (p.name LIKE ? ESCAPE '\\' OR p.IPN LIKE ? ESCAPE '\\' OR "
	"p.description LIKE ? ESCAPE '\\' OR p.keywords LIKE ? ESCAPE '\\' OR "
	"p.id IN (SELECT part FROM manufacturer_part WHERE MPN LIKE ? ESCAPE "
	"'\\') OR p.id IN (SELECT part FROM supplier_part WHERE SKU LIKE ? "
	"ESCAPE '\\') OR p.category IN (SELECT id FROM part_category WHERE "
	"name LIKE ? ESCAPE '\\'))", 7, NULL,
	/* PostgreSQL: the same LIKEs, the category's and the numbers' ids
	 * as arrays, so that every term is an index scan and the words'
	 * scans are ANDed as bitmaps (an OR with an IN is a scan of every
	 * part) */
	" AND (p.name LIKE ? ESCAPE '\\' OR p.IPN LIKE ? ESCAPE '\\' OR "
	"p.description LIKE ? ESCAPE '\\' OR p.keywords LIKE ? ESCAPE '\\' "
	"OR p.id = ANY (ARRAY(SELECT part FROM manufacturer_part WHERE MPN "
	"LIKE ? ESCAPE '\\')) OR p.id = ANY (ARRAY(SELECT part FROM "
	"supplier_part WHERE SKU LIKE ? ESCAPE '\\')) "
	"OR p.category = ANY (ARRAY(SELECT id FROM part_category WHERE name "
	"LIKE ? ESCAPE '\\')))", 7,
	/* SQLite, when no category's name has any of the words: all words
	 * at once, the parts' ids found first (list.h) */
	NULL, NULL,
	.other_names = "SELECT name FROM part_category",
	.fts_rows = "SELECT rowid FROM part_fts WHERE part_fts MATCH ? AND "
	    "trigram_at(part_fts, ?)",
	.fts_text = PART_FTS_TEXT,
	.fts_in = " AND p.id IN (SELECT value FROM json_each(?))",
	.fts_keyed = "SELECT p.id FROM json_each(?) fts CROSS JOIN part p ON "
	    "p.id = fts.value WHERE TRUE",
	/* the name's index (part_name), walked to a page of many matches */
	.fts_has = " AND search_has(?, p.id)",
	.walk_order = "p.name, p.id",
	.walk_keys = "SELECT p.id, p.name FROM json_each(?) fts CROSS JOIN "
	    "part p ON p.id = fts.value",
};

static const char part_sql_dup[] =
    "SELECT 1 FROM part WHERE name = ?1 AND IPN = ?2 AND revision = ?3 "
    "AND id <> ?4";
/* Part ?2 is ?1 or a variant below it. */
static const char part_sql_below[] =
    "SELECT 1 FROM part WHERE id = ?2 AND (id = ?1 OR EXISTS (SELECT 1 "
    "FROM part_variant_tree WHERE ancestor = ?1 AND descendant = ?2))";
static const char part_sql_category_location[] =
    "SELECT default_location FROM part_category WHERE id = ?";
static const char part_sql_has_stock[] =
    "SELECT 1 FROM stock_item WHERE part = ? LIMIT 1";
static const char part_sql_forget_stock[] =
    "DELETE FROM stock_item_fts WHERE rowid IN "
    "(SELECT id FROM stock_item WHERE part = ?1)";
static const char part_sql_fts_delete[] =
    "DELETE FROM part_fts WHERE rowid = ?";
static const char part_sql_fts_insert[] =
    "INSERT INTO part_fts (rowid, name, IPN, description, keywords, MPN, "
    "SKU) SELECT * FROM part_search_text WHERE id = ?";

/*
 * Rewrites part id's row of the search index from the part's current text
 * (removes it when the part is gone).
 */
struct err *
part_fts_sync(struct ctx *ctx, long long id)
{
	struct err *e;

	if (db_on_pg)	/* its trigram indexes follow the table by themselves */
		return NULL;
	db_stmt *del = db_prepare(ctx, part_sql_fts_delete);
	db_stmt *ins = db_prepare(ctx, part_sql_fts_insert);
	if (del == NULL || ins == NULL)
		return db_err(ctx, "part search index");
	st_bind_int64(del, 1, id);
	st_bind_int64(ins, 1, id);
	if ((e = db_step(ctx, del, "part search index")) != NULL)
		return e;
	return db_step(ctx, ins, "part search index");
}

/* A part's parameters, as InvenTree's ?parameters=true nests them. */
static const char part_sql_parameters[] =
    "SELECT id, template, data, data_numeric FROM part_parameter "
    "WHERE part = ? ORDER BY template";

/* What to nest in a part: ?category_detail=true, ?parameters=true; the
 * user's stars. */
struct part_view {
	bool		 category_detail, parameters;
	db_stmt	*cat, *params;
	struct star_set	 stars, cat_stars;
};

static struct err *
part_view(struct ctx *ctx, void **view)
{
	struct part_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "parameters", false, &v->parameters)) != NULL)
		return e;
	if (v->parameters &&
	    (v->params = db_prepare(ctx, part_sql_parameters)) == NULL)
		return db_err(ctx, "part parameters");
	return list_flag(ctx, "category_detail", false, &v->category_detail);
}

/* "parameters": [{pk, template, data, data_numeric}] of part id, read by
 * the view's statement. */
static void
part_parameters(db_stmt *st, cJSON *o, long long id)
{
	cJSON *a = cJSON_CreateArray();

	if (a == NULL)
		mem_oom();
	if (st != NULL) {
		st_bind_int64(st, 1, id);
		while (st_step(st) == SQLITE_ROW) {
			cJSON *p = cJSON_CreateObject();
			if (p == NULL)
				mem_oom();
			json_int(p, "pk", st_column_int64(st, 0));
			json_int(p, "template", st_column_int64(st, 1));
			json_text(p, "data",
			    (const char *)st_column_text(st, 2));
			if (st_column_type(st, 3) == SQLITE_NULL)
				json_null(p, "data_numeric");
			else
				cJSON_AddNumberToObject(p, "data_numeric",
				    st_column_double(st, 3));
			cJSON_AddItemToArray(a, p);
		}
		st_reset(st);
	}
	json_item(o, "parameters", a);
}

/*
 * The view for parts nested in another resource's rows (a BOM line's
 * sub_part_detail): no category detail whatever the query says, and the
 * user's stars read once for all the rows instead of once a row.
 */
void *
part_nested_view(struct ctx *ctx)
{
	return mem_zalloc(&ctx->mem, sizeof(struct part_view));
}

static struct err *
part_list(struct ctx *ctx, struct list_q *q, void *view)
{
	struct err *e;

	(void)view;
	if ((e = parameter_part_query(ctx, q)) != NULL)
		return e;
	return star_filter(ctx, q, STAR_PART);
}

/* "IPN | name | revision", InvenTree's default full name. */
static void
part_full_name(cJSON *o, db_stmt *st)
{
	const char *parts[3] = {
		(const char *)st_column_text(st, res_col(&part_resource, PF_IPN)),
		(const char *)st_column_text(st, res_col(&part_resource, PF_NAME)),
		(const char *)st_column_text(st, res_col(&part_resource, PF_REVISION)),
	};
	size_t len[3], n = 1;

	for (int i = 0; i < 3; i++)
		n += (len[i] = parts[i] != NULL ? strlen(parts[i]) : 0) + 3;
	char *s = cJSON_malloc(n), *p = s;
	if (s == NULL)
		mem_oom();
	for (int i = 0; i < 3; i++) {
		if (len[i] == 0)
			continue;
		if (p > s) {
			memcpy(p, " | ", 3);
			p += 3;
		}
		memcpy(p, parts[i], len[i]);
		p += len[i];
	}
	*p = '\0';
	json_text(o, "full_name", s);
	cJSON_free(s);
}

/* The full name, the user's star, the category (?category_detail=). */
static void
part_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	static struct part_view none;
	struct part_view *v = view != NULL ? view : &none;

	part_full_name(o, st);

	json_bool(o, "starred", star_is(ctx, view != NULL ? &v->stars : NULL,
	    STAR_PART, st_column_int64(st, 0)));
	if (v->parameters)
		part_parameters(v->params, o, st_column_int64(st, 0));
	if (!v->category_detail)
		return;
	cJSON *cd = NULL;
	int col = res_col(&part_resource, PF_CATEGORY);
	if (st_column_type(st, col) != SQLITE_NULL)
		cd = res_nested(ctx, &category_resource, &v->cat,
		    st_column_int64(st, col), &v->cat_stars);
	if (cd != NULL)
		json_item(o, "category_detail", cd);
	else
		json_null(o, "category_detail");
}

/* An image in a multipart PATCH: checked and stored before the lock. */
struct part_image {
	const char	*image, *thumb;
};

static struct err *
part_prepare(struct ctx *ctx, struct res_write *w)
{
	struct req_file *img = req_file(ctx, "image");
	struct part_image *pi;

	if (w->create || img == NULL)
		return NULL;
	pi = mem_zalloc(&ctx->mem, sizeof(*pi));
	w->state = pi;
	return image_store(ctx, img, "image", &pi->image, &pi->thumb);
}

/*
 * The units, as InvenTree's validate_physical_units(): blank, or a unit
 * the parser knows (udunits2's, InvenTree's additions -- piece, each,
 * dozen... -- and the site's custom units; units.h).  Checked when they
 * change only: InvenTree checks every field on every write, so a part
 * whose stored units are not a unit (written before this check, or a
 * custom unit deleted since) could not be edited at all there; here it
 * keeps them through edits of its other fields (a client sends them back
 * as they are).  Without udunits2 (the static release programs) units
 * are taken as written: they are the part's label, nothing converts them.
 */
static struct err *
part_units_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	char why[UNITS_WHY_MAX];
	enum units_res r;
	struct err *e;
	const char *units;

	if (!w->create && !w->v[PF_UNITS].present)
		return NULL;	/* as they are */
	units = mem_strtrim(&ctx->mem, w->v[PF_UNITS].s);
	w->v[PF_UNITS].s = units;
	if (units[0] == '\0' || errs_has(es, "units") || (!w->create &&
	    strcmp(units, mem_strtrim(&ctx->mem, w->old[PF_UNITS].s)) == 0))
		return NULL;
	if ((e = units_site_check(ctx, units, &r, why)) != NULL)
		return e;
	if (r == UNITS_INVALID || r == UNITS_DIMENSION)
		errs_add(es, "units", why);
	return NULL;
}

/*
 * The units are a unit; the category is not structural; name, IPN and
 * revision are free; a part is no variant of itself or of a variant
 * below it (InvenTree's "Invalid choice for parent part").
 */
static struct err *
part_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct val *v = w->v;
	struct err *e;
	bool found, structural;

	if ((e = part_units_validate(ctx, w, es)) != NULL)
		return e;

	if (!w->create && !v[PF_VARIANT_OF].null && (w->old[PF_VARIANT_OF].null ||
	    w->old[PF_VARIANT_OF].i != v[PF_VARIANT_OF].i)) {
		db_stmt *st = db_prepare(ctx, part_sql_below);
		if (st == NULL)
			return db_err(ctx, "part");
		st_bind_int64(st, 1, w->id);
		st_bind_int64(st, 2, v[PF_VARIANT_OF].i);
		if ((e = db_row(ctx, st, "part", &found)) != NULL)
			return e;
		st_reset(st);
		if (found)
			errs_add(es, "variant_of", "Invalid choice for parent "
			    "part");
	}

	if (!v[PF_CATEGORY].null && (w->old == NULL || w->old[PF_CATEGORY].null ||
	    w->old[PF_CATEGORY].i != v[PF_CATEGORY].i)) {
		if ((e = res_tree_node(ctx, &category_resource,
		    v[PF_CATEGORY].i, &found, &structural)) != NULL)
			return e;
		if (structural)
			errs_add(es, "category", "Parts cannot be assigned to "
			    "structural part categories!");
	}
	db_stmt *st = db_prepare(ctx, part_sql_dup);
	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_text(st, 1, v[PF_NAME].s, -1, SQLITE_STATIC);
	st_bind_text(st, 2, v[PF_IPN].s, -1, SQLITE_STATIC);
	st_bind_text(st, 3, v[PF_REVISION].s, -1, SQLITE_STATIC);
	st_bind_int64(st, 4, w->id);
	if ((e = db_row(ctx, st, "part", &found)) != NULL)
		return e;
	st_reset(st);
	if (found)
		errs_add(es, "non_field_errors", "Part with this Name, IPN and "
		    "Revision already exists.");
	return NULL;
}

/* A 400 {"initial_stock": {field: [msg]}}. */
static struct err *
part_initial_error(struct ctx *ctx, const char *field, const char *msg)
{
	cJSON *o = cJSON_CreateObject(), *in = cJSON_CreateObject();

	if (o == NULL || in == NULL)
		mem_oom();
	cJSON_AddItemToObject(in, field, cJSON_CreateStringArray(&msg, 1));
	cJSON_AddItemToObject(o, "initial_stock", in);
	return err_fields(ctx, o);
}

/*
 * initial_stock {"quantity", "location"}: the new part's first stock item,
 * at the given location, else the part's, else its category's default.
 * Making stock needs the permission to add stock, checked before the
 * location is looked at (so nobody learns which locations exist).
 */
static struct err *
part_initial_stock(struct ctx *ctx, struct res_write *w)
{
	const struct val *in = &w->v[PF_INITIAL_STOCK];
	struct val v[IS__N];
	struct errs es;
	struct err *e;
	long long loc = 0, item;
	bool found, structural;

	if (!in->present || in->null)
		return NULL;
	errs_init(&es, ctx);
	for (int i = 0; i < IS__N; i++)
		val_default(&initial_stock_fields[i], &v[i]);
	val_object(ctx, in->j, initial_stock_fields, IS__N, v, true, &es);
	if (errs_any(&es)) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			mem_oom();
		cJSON_AddItemToObject(o, "initial_stock",
		    cJSON_Duplicate(es.map, true));
		return err_fields(ctx, o);
	}
	if (v[IS_QUANTITY].i == 0)
		return NULL;
	if ((e = perm_need(ctx, "stock", PERM_ADD)) != NULL)
		return e;
	if (!v[IS_LOCATION].null) {
		loc = v[IS_LOCATION].i;
		if ((e = res_tree_node(ctx, &location_resource, loc, &found,
		    &structural)) != NULL)
			return e;
		if (!found || structural)
			return part_initial_error(ctx, "location", structural ?
			    "Stock items cannot be located into structural "
			    "stock locations!" : "Invalid pk - object does not "
			    "exist.");
	} else if (!w->v[PF_DEFAULT_LOCATION].null)
		loc = w->v[PF_DEFAULT_LOCATION].i;
	else if (!w->v[PF_CATEGORY].null) {
		db_stmt *st = db_prepare(ctx, part_sql_category_location);
		if (st == NULL)
			return db_err(ctx, "part");
		st_bind_int64(st, 1, w->v[PF_CATEGORY].i);
		if ((e = db_row(ctx, st, "part", &found)) != NULL)
			return e;
		if (found)
			loc = st_column_int64(st, 0);
		st_reset(st);
	}
	return stock_insert(ctx, w->id, loc, v[IS_QUANTITY].i,
	    "Initial stock", &item);
}

/* The index, initial stock, minimum, star and image of a written part. */
static struct err *
part_written(struct ctx *ctx, struct res_write *w)
{
	const struct part_image *pi = w->state;
	struct err *e;

	if ((e = part_fts_sync(ctx, w->id)) != NULL)
		return e;
	if (w->create && !w->v[PF_CATEGORY].null && (e =
	    parameter_part_defaults(ctx, w->id, w->v[PF_CATEGORY].i)) != NULL)
		return e;
	if (w->create)
		return part_initial_stock(ctx, w);
	if (w->v[PF_MINIMUM_STOCK].i != w->old[PF_MINIMUM_STOCK].i &&
	    (e = event_emit(ctx, EVENT_STOCK_CHANGED, w->id)) != NULL)
		return e;
	if (w->v[PF_STARRED].present && (e = star_apply(ctx, STAR_PART, w->id,
	    w->v[PF_STARRED].i != 0)) != NULL)
		return e;
	if (pi != NULL && pi->image != NULL)
		return image_set_part(ctx, w->id, pi->image, pi->thumb);
	return NULL;
}

/* The files of an image a new one replaced go once that has committed. */
static void
part_committed(struct ctx *ctx, struct res_write *w)
{
	const struct part_image *pi = w->state;

	if (pi != NULL && pi->image != NULL)
		media_sweep(ctx, 16);
}

/*
 * As InvenTree: a locked or an active part cannot be deleted (mark it
 * inactive first).  Its stock items go with it, which needs the
 * permission to delete stock; their index rows go first.
 */
static struct err *
part_deleting(struct ctx *ctx, struct res_del *d)
{
	struct val v[PF__N];
	long long id = d->id;
	struct err *e;
	bool has;

	if ((e = res_load(ctx, d->res, id, v)) != NULL)
		return e;
	if (v[PF_LOCKED].i)
		return err_field(ctx, "non_field_errors", "Cannot delete this "
		    "part as it is locked");
	if (v[PF_ACTIVE].i)
		return err_field(ctx, "non_field_errors", "Cannot delete this "
		    "part as it is still active");
	if ((e = bom_part_deleting(ctx, id)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, part_sql_has_stock);
	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "part", &has)) != NULL)
		return e;
	st_reset(st);
	if (!has)
		return NULL;
	if ((e = perm_need(ctx, "stock", PERM_DELETE)) != NULL)
		return e;
	if (db_on_pg)	/* no FTS5 table to keep in step */
		return NULL;
	st = db_prepare(ctx, part_sql_forget_stock);
	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_int64(st, 1, id);
	return db_step(ctx, st, "part");
}

static struct err *
part_deleted(struct ctx *ctx, struct res_del *d)
{
	struct err *e;

	if ((e = part_fts_sync(ctx, d->id)) != NULL)
		return e;
	return event_emit(ctx, EVENT_PART_DELETED, d->id);
}

static const struct res_hooks part_hooks = {
	.view = part_view,
	.list = part_list,
	.render = part_render,
	.prepare = part_prepare,
	.validate = part_validate,
	.written = part_written,
	.committed = part_committed,
	.deleting = part_deleting,
	.deleted = part_deleted,
};

static struct res_sql part_sql;

/* How an imported file names one (res_find_key()). */
static const char *const part_keys[] = { "IPN", "name", NULL };

const struct resource part_resource = {
	.model = "part",
	.name = "Part",
	.table = "part",
	.alias = "p",
	.path = "/api/part/",
	.web = "part/",
	.area = "part",
	.noun = "part",
	.plural = "parts",
	RES_FIELDS(part_fields),
	RES_FILTERS(part_filters),
	RES_TALLIES(part_tallies),
	.order = "p.name, p.id",
	.search = &part_search,
	.hooks = &part_hooks,
	.flags = RES_KEYED | RES_CASCADE | RES_METADATA | RES_ATTACHMENTS,
	.sql = &part_sql,
	.keys = part_keys,
};
