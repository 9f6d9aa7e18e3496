/*
 * part: parts and categories, rows to JSON.  See part.h.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "json.h"
#include "files/media.h"
#include "inventory/part.h"
#include "resp.h"

#define PART_COLS \
	"p.id, p.name, p.IPN, p.description, p.keywords, p.units, " \
	"p.revision, p.link, p.notes, p.image, p.category, " \
	"p.default_location, p.active, p.assembly, p.component, " \
	"p.purchaseable, p.salable, p.trackable, p.virtual, p.is_template, " \
	"p.locked, p.testable, p.minimum_stock, p.creation_date, " \
	"p.in_stock, p.stock_count, p.thumbnail"
enum { PC_ID, PC_NAME, PC_IPN, PC_DESCRIPTION, PC_KEYWORDS, PC_UNITS,
	PC_REVISION, PC_LINK, PC_NOTES, PC_IMAGE, PC_CATEGORY,
	PC_DEFAULT_LOCATION, PC_ACTIVE, PC_ASSEMBLY, PC_COMPONENT,
	PC_PURCHASEABLE, PC_SALABLE, PC_TRACKABLE, PC_VIRTUAL, PC_IS_TEMPLATE,
	PC_LOCKED, PC_TESTABLE, PC_MINIMUM_STOCK, PC_CREATION_DATE,
	PC_IN_STOCK, PC_STOCK_COUNT, PC_THUMBNAIL };

const char part_select[] = "SELECT " PART_COLS " FROM part p WHERE 1";
const char part_count[] = "SELECT count(*) FROM part p WHERE 1";
const char part_select_one[] = "SELECT " PART_COLS " FROM part p "
    "WHERE p.id = ?";

/*
 * part_count counts parts in the category and all below it; subcategories
 * counts every category below it (InvenTree's annotations do the same).
 */
#define CATEGORY_COLS \
	"c.id, c.name, c.description, c.parent, c.pathstring, c.level, " \
	"c.structural, c.default_location, c.default_keywords, c.icon, " \
	"(SELECT count(*) FROM part_category d JOIN part q " \
	"ON q.category = d.id WHERE d.path >= c.path AND " \
	"d.path < c.path || '~'), " \
	"(SELECT count(*) FROM part_category d WHERE d.path > c.path AND " \
	"d.path < c.path || '~')"
enum { CC_ID, CC_NAME, CC_DESCRIPTION, CC_PARENT, CC_PATHSTRING, CC_LEVEL,
	CC_STRUCTURAL, CC_DEFAULT_LOCATION, CC_DEFAULT_KEYWORDS, CC_ICON,
	CC_PART_COUNT, CC_SUBCATEGORIES };

const char category_select[] = "SELECT " CATEGORY_COLS
    " FROM part_category c WHERE 1";
const char category_count[] = "SELECT count(*) FROM part_category c WHERE 1";
const char category_select_one[] = "SELECT " CATEGORY_COLS
    " FROM part_category c WHERE c.id = ?";

static const char part_sql_fts_delete[] =
    "DELETE FROM part_fts WHERE rowid = ?";
static const char part_sql_fts_insert[] =
    "INSERT INTO part_fts (rowid, name, IPN, description, keywords) "
    "SELECT id, name, IPN, description, keywords FROM part WHERE id = ?";

static void
part_add_bool(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
	json_bool(o, name, sqlite3_column_int(st, col) != 0);
}

/*
 * One category row (category_select's columns) as InvenTree shows it.
 * arg is a struct star_set for the user's stars, or NULL.
 */
cJSON *
category_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_int(o, "pk", sqlite3_column_int64(st, CC_ID));
	db_json_text(o, "name", st, CC_NAME);
	db_json_text(o, "description", st, CC_DESCRIPTION);
	db_json_id(o, "parent", st, CC_PARENT);
	db_json_text(o, "pathstring", st, CC_PATHSTRING);
	json_int(o, "level", sqlite3_column_int(st, CC_LEVEL));
	part_add_bool(o, "structural", st, CC_STRUCTURAL);
	db_json_id(o, "default_location", st, CC_DEFAULT_LOCATION);
	db_json_text(o, "default_keywords", st, CC_DEFAULT_KEYWORDS);
	db_json_text(o, "icon", st, CC_ICON);
	json_int(o, "part_count", sqlite3_column_int64(st, CC_PART_COUNT));
	json_int(o, "subcategories", sqlite3_column_int64(st,
	    CC_SUBCATEGORIES));
	json_bool(o, "starred", star_is(ctx, arg, STAR_CATEGORY,
	    sqlite3_column_int64(st, CC_ID)));
	return o;
}

/*
 * The category with this id as JSON, or NULL with *status set (404 when
 * there is none, else the database error set).
 */
cJSON *
category_get(struct ctx *ctx, long long id, int *status)
{
	return db_get_json(ctx, category_select_one, id, category_json, NULL,
	    "PartCategory", "category get", status);
}

/* "IPN | name | revision", InvenTree's default full name. */
static void
part_full_name(cJSON *o, sqlite3_stmt *st)
{
	const char *ipn = (const char *)sqlite3_column_text(st, PC_IPN);
	const char *name = (const char *)sqlite3_column_text(st, PC_NAME);
	const char *rev = (const char *)sqlite3_column_text(st, PC_REVISION);
	size_t n = strlen(ipn) + strlen(name) + strlen(rev) + 8;
	char *s = cJSON_malloc(n);

	if (s == NULL)
		mem_oom();
	snprintf(s, n, "%s%s%s%s%s", ipn, ipn[0] ? " | " : "", name,
	    rev[0] ? " | " : "", rev);
	json_text(o, "full_name", s);
	cJSON_free(s);
}

/*
 * One part row (part_select's columns) as InvenTree's PartSerializer
 * shows it.  arg is a struct part_view or NULL.
 */
cJSON *
part_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	struct part_view *view = arg;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	long long id = sqlite3_column_int64(st, PC_ID);
	json_int(o, "pk", id);
	db_json_text(o, "name", st, PC_NAME);
	db_json_text(o, "IPN", st, PC_IPN);
	db_json_text(o, "description", st, PC_DESCRIPTION);
	db_json_text(o, "keywords", st, PC_KEYWORDS);
	db_json_text(o, "units", st, PC_UNITS);
	db_json_text(o, "revision", st, PC_REVISION);
	db_json_text(o, "link", st, PC_LINK);
	db_json_text(o, "notes", st, PC_NOTES);
	part_full_name(o, st);
	if (sqlite3_column_type(st, PC_IMAGE) == SQLITE_NULL) {
		json_null(o, "image");
		json_null(o, "thumbnail");
	} else {
		/* URLs under the install prefix, served by media.cgi. */
		char url[MEDIA_PATH_MAX + 2048];
		int tc = sqlite3_column_type(st, PC_THUMBNAIL) == SQLITE_NULL ?
		    PC_IMAGE : PC_THUMBNAIL;
		json_text(o, "image", media_url(ctx, (const char
		    *)sqlite3_column_text(st, PC_IMAGE), url, sizeof(url)));
		json_text(o, "thumbnail", media_url(ctx, (const char
		    *)sqlite3_column_text(st, tc), url, sizeof(url)));
	}
	db_json_id(o, "category", st, PC_CATEGORY);
	db_json_id(o, "default_location", st, PC_DEFAULT_LOCATION);
	part_add_bool(o, "active", st, PC_ACTIVE);
	part_add_bool(o, "assembly", st, PC_ASSEMBLY);
	part_add_bool(o, "component", st, PC_COMPONENT);
	part_add_bool(o, "purchaseable", st, PC_PURCHASEABLE);
	part_add_bool(o, "salable", st, PC_SALABLE);
	part_add_bool(o, "trackable", st, PC_TRACKABLE);
	part_add_bool(o, "virtual", st, PC_VIRTUAL);
	part_add_bool(o, "is_template", st, PC_IS_TEMPLATE);
	part_add_bool(o, "locked", st, PC_LOCKED);
	part_add_bool(o, "testable", st, PC_TESTABLE);
	json_item(o, "minimum_stock", dec_json(sqlite3_column_int64(st,
	    PC_MINIMUM_STOCK)));
	db_json_text(o, "creation_date", st, PC_CREATION_DATE);
	long long in_stock = sqlite3_column_int64(st, PC_IN_STOCK);
	json_item(o, "in_stock", dec_json(in_stock));
	json_item(o, "total_in_stock", dec_json(in_stock));
	json_item(o, "unallocated_stock", dec_json(in_stock));
	json_int(o, "stock_item_count", sqlite3_column_int64(st,
	    PC_STOCK_COUNT));
	json_item(o, "allocated_to_build_orders", dec_json(0));
	json_item(o, "allocated_to_sales_orders", dec_json(0));
	json_item(o, "building", dec_json(0));
	json_item(o, "ordering", dec_json(0));
	json_null(o, "variant_of");
	json_bool(o, "starred", star_is(ctx, view != NULL ? &view->stars : NULL,
	    STAR_PART, id));
	json_text(o, "barcode_hash", "");
	json_int(o, "default_expiry", 0);

	if (view != NULL && view->category_detail) {
		cJSON *cd = NULL;
		if (sqlite3_column_type(st, PC_CATEGORY) != SQLITE_NULL) {
			if (view->cat == NULL)
				view->cat = db_prepare(ctx,
				    category_select_one);
			if (view->cat != NULL) {
				sqlite3_reset(view->cat);
				sqlite3_bind_int64(view->cat, 1,
				    sqlite3_column_int64(st, PC_CATEGORY));
				if (sqlite3_step(view->cat) == SQLITE_ROW)
					cd = category_json(ctx, view->cat,
					    &view->cat_stars);
				sqlite3_reset(view->cat);
			}
		}
		if (cd != NULL)
			json_item(o, "category_detail", cd);
		else
			json_null(o, "category_detail");
	}
	return o;
}

/* The part with this id as JSON, or NULL with *status set. */
cJSON *
part_get(struct ctx *ctx, long long id, struct part_view *view, int *status)
{
	return db_get_json(ctx, part_select_one, id, part_json, view,
	    "Part", "part get", status);
}

/*
 * Rewrites part id's row of the search index from the part's current text
 * (removes it when the part is gone).  Returns 0 or the error status set.
 */
int
part_fts_sync(struct ctx *ctx, long long id)
{
	sqlite3_stmt *del = db_prepare(ctx, part_sql_fts_delete);
	sqlite3_stmt *ins = db_prepare(ctx, part_sql_fts_insert);

	if (del == NULL || ins == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(del, 1, id);
	sqlite3_bind_int64(ins, 1, id);
	if (sqlite3_step(del) != SQLITE_DONE ||
	    sqlite3_step(ins) != SQLITE_DONE)
		return db_fail(ctx, "part search index");
	return 0;
}
