/*
 * company: companies, contacts, addresses, manufacturer parts, supplier
 * parts and price breaks.  See company.h.
 */
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "mem.h"
#include "res.h"
#include "stmt.h"
#include "req.h"
#include "val.h"

#include "files/image.h"
#include "files/media.h"
#include "inventory/part.h"
#include "purchasing/company.h"

#define LIKE	" LIKE ? ESCAPE '\\'"

/* InvenTree's default currency codes (its CURRENCY_CODES setting). */
static const char *const company_currencies[] = {
	"AUD", "CAD", "CNY", "EUR", "GBP", "JPY", "NZD", "USD",
};
#define COMPANY_CURRENCY_DEFAULT	"USD"

/*
 * A currency field of a write: the default when a new row does not give
 * one; else one of the codes (or blank, the server's default).
 */
static void
company_currency_check(struct res_write *w, int i, struct errs *es)
{
	struct val *v = &w->v[i];

	if (w->create && !v->present) {
		v->s = COMPANY_CURRENCY_DEFAULT;
		return;
	}
	if (v->s == NULL || v->s[0] == '\0')
		return;
	for (size_t k = 0; k < sizeof(company_currencies) /
	    sizeof(company_currencies[0]); k++)
		if (strcmp(v->s, company_currencies[k]) == 0)
			return;
	errs_addf(es, w->res->fields[i].name, "\"%s\" is not a valid choice.",
	    v->s);
}

/* Now, as the API writes times: "2026-12-06T10:15:00Z" (arena). */
static const char *
company_now(struct ctx *ctx)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return mem_strdup(&ctx->mem, buf);
}

/* Sets a stored time field (F_STORED) of a write to now. */
static void
company_touch(struct ctx *ctx, struct val *v)
{
	v->s = company_now(ctx);
	v->null = false;
}

/* ---- companies ------------------------------------------------------ */

enum { CO_NAME, CO_DESCRIPTION, CO_WEBSITE, CO_PHONE, CO_ADDRESS, CO_EMAIL,
	CO_CURRENCY, CO_CONTACT, CO_LINK, CO_IMAGE, CO_THUMBNAIL, CO_ACTIVE,
	CO_IS_CUSTOMER, CO_IS_MANUFACTURER, CO_IS_SUPPLIER, CO_NOTES,
	CO_PARTS_SUPPLIED, CO_PARTS_MANUFACTURED, CO_ADDRESS_COUNT,
	CO_PRIMARY_ADDRESS, CO__N };

/* One line of a company's primary address, InvenTree's str(Address):
 * the lines that are not empty, joined by ", ". */
#define ADDRESS_LINE(col) "CASE WHEN ad." col " <> '' THEN ', ' || ad." col \
	" ELSE '' END"

static const struct field company_fields[] = {
	[CO_NAME] = { "name", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100,
	    .label = "Company name" },
	[CO_DESCRIPTION] = { "description", FT_TEXT, F_ORDER, 500,
	    .label = "Company description" },
	[CO_WEBSITE] = { "website", FT_URL, 0, 200 },
	[CO_PHONE] = { "phone", FT_TEXT, 0, 50, .label = "Phone number" },
	[CO_ADDRESS] = { "address", FT_TEXT, F_READ_ONLY | F_NULL,
	    .col = "(SELECT substr(" ADDRESS_LINE("line1") " || "
	    ADDRESS_LINE("line2") " || " ADDRESS_LINE("postal_code") " || "
	    ADDRESS_LINE("postal_city") " || " ADDRESS_LINE("province") " || "
	    ADDRESS_LINE("country") ", 3) FROM address ad WHERE "
	    "ad.company = c.id AND ad.is_primary = 1)",
	    .help = "The primary address on one line" },
	[CO_EMAIL] = { "email", FT_EMAIL, 0, 254 },
	[CO_CURRENCY] = { "currency", FT_TEXT, 0, 3,
	    .help = "Default currency used for this company" },
	[CO_CONTACT] = { "contact", FT_TEXT, 0, 100,
	    .help = "Point of contact" },
	[CO_LINK] = { "link", FT_URL, 0, 200 },
	/* Set by a multipart POST or PATCH with an "image" file. */
	[CO_IMAGE] = { "image", FT_MEDIA, F_READ_ONLY | F_STORED | F_NULL,
	    .col = "image" },
	[CO_THUMBNAIL] = { "thumbnail", FT_MEDIA,
	    F_READ_ONLY | F_STORED | F_NULL, .col = "thumbnail" },
	[CO_ACTIVE] = { "active", FT_BOOL, F_FILTER, .def = 1 },
	[CO_IS_CUSTOMER] = { "is_customer", FT_BOOL, F_FILTER },
	[CO_IS_MANUFACTURER] = { "is_manufacturer", FT_BOOL, F_FILTER },
	[CO_IS_SUPPLIER] = { "is_supplier", FT_BOOL, F_FILTER, .def = 1 },
	[CO_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	[CO_PARTS_SUPPLIED] = { "parts_supplied", FT_INT,
	    F_READ_ONLY | F_ORDER, .col = "(SELECT count(*) FROM "
	    "supplier_part WHERE supplier = c.id)" },
	[CO_PARTS_MANUFACTURED] = { "parts_manufactured", FT_INT,
	    F_READ_ONLY | F_ORDER, .col = "(SELECT count(*) FROM "
	    "manufacturer_part WHERE manufacturer = c.id)" },
	[CO_ADDRESS_COUNT] = { "address_count", FT_INT, F_READ_ONLY,
	    .col = "(SELECT count(*) FROM address WHERE company = c.id)" },
	/* The address itself, nested by the render hook. */
	[CO_PRIMARY_ADDRESS] = { "primary_address", FT_ID,
	    F_READ_ONLY | F_HOOK, .col = "(SELECT id FROM address WHERE "
	    "company = c.id AND is_primary = 1)", .ref = &address_resource },
};
_Static_assert(sizeof(company_fields) / sizeof(company_fields[0]) == CO__N,
    "company fields");

static const struct list_search company_search = {
	" AND (c.name" LIKE " OR c.description" LIKE " OR c.website" LIKE ")",
	0, 3,
	" AND (c.name" LIKE " OR c.description" LIKE " OR c.website" LIKE ")",
	3, NULL,
};

/* The statement that reads nested addresses, kept for a request's rows. */
struct company_view {
	db_stmt	*address;
};

/* primary_address: the address, or null. */
static void
company_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct company_view *v = view;
	db_stmt *once = NULL;
	int col = res_col(&company_resource, CO_PRIMARY_ADDRESS);
	cJSON *a = NULL;

	if (st_column_type(st, col) != SQLITE_NULL)
		a = res_nested(ctx, &address_resource, v != NULL ? &v->address :
		    &once, st_column_int64(st, col), NULL);
	if (a != NULL)
		json_item(o, "primary_address", a);
	else
		json_null(o, "primary_address");
}

/* An uploaded image (inventree-python's Company.uploadImage()): checked
 * and stored before the write's transaction, as a part's. */
struct company_image {
	const char	*image, *thumb;
};

static struct err *
company_prepare(struct ctx *ctx, struct res_write *w)
{
	struct req_file *img = req_file(ctx, "image");
	struct company_image *ci;

	if (img == NULL)
		return NULL;
	ci = mem_zalloc(&ctx->mem, sizeof(*ci));
	w->state = ci;
	return image_store(ctx, img, "image", &ci->image, &ci->thumb);
}

static struct err *
company_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct company_image *ci = w->state;

	(void)ctx;
	company_currency_check(w, CO_CURRENCY, es);
	if (ci != NULL && ci->image != NULL) {
		w->v[CO_IMAGE].s = ci->image;
		w->v[CO_IMAGE].null = false;
		w->v[CO_THUMBNAIL].s = ci->thumb;
		w->v[CO_THUMBNAIL].null = false;
	} else if (w->create)		/* no image: null, not "" */
		w->v[CO_IMAGE].null = w->v[CO_THUMBNAIL].null = true;
	return NULL;
}

/* The stored files are the row's now: no longer orphans. */
static struct err *
company_written(struct ctx *ctx, struct res_write *w)
{
	const struct company_image *ci = w->state;

	if (ci == NULL || ci->image == NULL)
		return NULL;
	return image_claim(ctx, ci->image, ci->thumb);
}

/* The files of an image a new one replaced go once that has committed. */
static void
company_committed(struct ctx *ctx, struct res_write *w)
{
	const struct company_image *ci = w->state;

	if (ci != NULL && ci->image != NULL)
		media_sweep(ctx, 16);
}

/*
 * A part's MPNs and SKUs are in its row of the search index (migration
 * 0018), which the programs write: a manufacturer or supplier part that is
 * written or deleted writes its part's row again, and a company that goes
 * with its own (ON DELETE CASCADE) writes the rows of their parts.  Both
 * descriptions have the part as their first field.
 */
static struct err *
codes_written(struct ctx *ctx, struct res_write *w)
{
	struct err *e = part_fts_sync(ctx, w->v[0].i);

	if (e == NULL && w->old != NULL && w->old[0].i != w->v[0].i)
		e = part_fts_sync(ctx, w->old[0].i);
	return e;
}

static struct err *
codes_deleting(struct ctx *ctx, struct res_del *d)
{
	long long *part = mem_zalloc(&ctx->mem, sizeof(*part));
	db_stmt *st = db_prepare(ctx, mem_printf(&ctx->mem, "SELECT part "
	    "FROM %s WHERE id = ?", d->res->table));

	if (st == NULL)
		return db_err(ctx, d->res->noun);
	st_bind_int64(st, 1, d->id);
	if (st_step(st) == SQLITE_ROW)
		*part = st_column_int64(st, 0);
	st_reset(st);
	d->state = part;
	return NULL;
}

static struct err *
codes_deleted(struct ctx *ctx, struct res_del *d)
{
	const long long *part = d->state;

	return part == NULL || *part == 0 ? NULL : part_fts_sync(ctx, *part);
}

static const char company_sql_parts[] =
    "SELECT part FROM manufacturer_part WHERE manufacturer = ?1 "
    "UNION SELECT part FROM supplier_part WHERE supplier = ?1";

/* The parts of a company's manufacturer and supplier parts. */
struct company_parts {
	long long	*ids;
	size_t		 n;
};

static struct err *
company_deleting(struct ctx *ctx, struct res_del *d)
{
	struct company_parts *cp = mem_zalloc(&ctx->mem, sizeof(*cp));
	db_stmt *st = db_prepare(ctx, company_sql_parts);
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return db_err(ctx, "company");
	st_bind_int64(st, 1, d->id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (cp->n == cap) {
			long long *ids = mem_alloc(&ctx->mem, (cap = cap ?
			    2 * cap : 16) * sizeof(*ids));
			if (cp->n > 0)
				memcpy(ids, cp->ids, cp->n * sizeof(*ids));
			cp->ids = ids;
		}
		cp->ids[cp->n++] = st_column_int64(st, 0);
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "company");
	d->state = cp;
	return NULL;
}

static struct err *
company_deleted(struct ctx *ctx, struct res_del *d)
{
	const struct company_parts *cp = d->state;
	struct err *e;

	for (size_t i = 0; cp != NULL && i < cp->n; i++)
		if ((e = part_fts_sync(ctx, cp->ids[i])) != NULL)
			return e;
	return NULL;
}

static const struct res_hooks company_hooks = {
	.view_size = sizeof(struct company_view),
	.render = company_render,
	.prepare = company_prepare,
	.validate = company_validate,
	.written = company_written,
	.committed = company_committed,
	.deleting = company_deleting,
	.deleted = company_deleted,
};

static struct res_sql company_sql;

/* How an imported file names one (res_find_key()). */
static const char *const company_keys[] = { "name", NULL };

const struct resource company_resource = {
	.model = "company",
	.name = "Company",
	.table = "company",
	.alias = "c",
	.path = "/api/company/",
	.web = "company/",
	.area = "purchase_order",
	.noun = "company",
	.plural = "companies",
	RES_FIELDS(company_fields),
	.order = "c.name, c.id",
	.search = &company_search,
	.hooks = &company_hooks,
	.flags = RES_METADATA | RES_ATTACHMENTS,
	.sql = &company_sql,
	.keys = company_keys,
};

/* ---- contacts ------------------------------------------------------- */

static const struct field contact_fields[] = {
	{ "company", FT_ID, F_REQUIRED | F_FILTER, .ref = &company_resource },
	{ "name", FT_TEXT, F_REQUIRED | F_ORDER, 100 },
	{ "phone", FT_TEXT, 0, 100 },
	{ "email", FT_EMAIL, 0, 254 },
	{ "role", FT_TEXT, F_ORDER, 100 },
};

static const struct list_search contact_search = {
	" AND (t.name" LIKE " OR t.role" LIKE " OR t.company IN (SELECT id "
	"FROM company WHERE name" LIKE "))", 0, 3,
	" AND (t.name" LIKE " OR t.role" LIKE " OR t.company IN (SELECT id "
	"FROM company WHERE name" LIKE "))", 3, NULL,
};

static struct res_sql contact_sql;

const struct resource contact_resource = {
	.model = "contact",
	.name = "Contact",
	.table = "contact",
	.alias = "t",
	.path = "/api/company/contact/",
	.area = "purchase_order",
	.noun = "contact",
	.plural = "contacts",
	RES_FIELDS(contact_fields),
	.order = "t.name, t.id",
	.search = &contact_search,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &contact_sql,
};

/* ---- addresses ------------------------------------------------------ */

/* One primary address per company: migration 0013's triggers. */
static const struct field address_fields[] = {
	{ "company", FT_ID, F_REQUIRED | F_FILTER, .ref = &company_resource },
	{ "title", FT_TEXT, F_REQUIRED | F_ORDER, 100,
	    .label = "Address title" },
	{ "primary", FT_BOOL, F_FILTER, .col = "is_primary",
	    .label = "Primary address" },
	{ "line1", FT_TEXT, 0, 50, .label = "Line 1" },
	{ "line2", FT_TEXT, 0, 50, .label = "Line 2" },
	{ "postal_code", FT_TEXT, 0, 10 },
	{ "postal_city", FT_TEXT, F_ORDER, 50, .label = "City/Region" },
	{ "province", FT_TEXT, 0, 50, .label = "State/Province" },
	{ "country", FT_TEXT, F_ORDER, 50 },
	{ "shipping_notes", FT_TEXT, 0, 100,
	    .label = "Courier shipping notes" },
	{ "internal_shipping_notes", FT_TEXT, 0, 100 },
	{ "link", FT_URL, 0, 200 },
};

static const struct list_search address_search = {
	" AND (a.title" LIKE " OR a.line1" LIKE " OR a.postal_city" LIKE
	" OR a.country" LIKE ")", 0, 4,
	" AND (a.title" LIKE " OR a.line1" LIKE " OR a.postal_city" LIKE
	" OR a.country" LIKE ")", 4, NULL,
};

static struct res_sql address_sql;

const struct resource address_resource = {
	.model = "address",
	.name = "Address",
	.table = "address",
	.alias = "a",
	.path = "/api/company/address/",
	.area = "purchase_order",
	.noun = "address",
	.plural = "addresses",
	RES_FIELDS(address_fields),
	.order = "a.title, a.id",
	.search = &address_search,
	.flags = RES_BULK_DELETE,
	.sql = &address_sql,
};

/* ---- manufacturer parts --------------------------------------------- */

enum { MP_PART, MP_MANUFACTURER, MP_MPN, MP_DESCRIPTION, MP_LINK,
	MP_BARCODE_HASH, MP_TAGS, MP__N };

static const struct field manufacturer_part_fields[] = {
	[MP_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "purchaseable = 1",
	    .label = "Base Part" },
	[MP_MANUFACTURER] = { "manufacturer", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &company_resource, .ref_if = "is_manufacturer = 1" },
	[MP_MPN] = { "MPN", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100,
	    .help = "Manufacturer Part Number" },
	[MP_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[MP_LINK] = { "link", FT_URL, 0, 200 },
	[MP_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[MP_TAGS] = { "tags", FT_JSON, F_READ_ONLY, .col = "'[]'" },
};
_Static_assert(sizeof(manufacturer_part_fields) /
    sizeof(manufacturer_part_fields[0]) == MP__N, "manufacturer part fields");
_Static_assert(MP_PART == 0, "codes_written(): the part comes first");

static const struct res_unique manufacturer_part_unique[] = {
	{ { "part", "manufacturer", "MPN" } },
};

static const struct res_filter manufacturer_part_filters[] = {
	{ "part_active", FT_BOOL, " AND m.part IN (SELECT id FROM part WHERE "
	  "active = 1)", " AND m.part IN (SELECT id FROM part WHERE "
	  "active = 0)", NULL, NULL, false },
	{ "manufacturer_active", FT_BOOL, " AND m.manufacturer IN (SELECT id "
	  "FROM company WHERE active = 1)", " AND m.manufacturer IN (SELECT id "
	  "FROM company WHERE active = 0)", NULL, NULL, false },
};

static const struct res_order manufacturer_part_orders[] = {
	{ "part", "(SELECT name FROM part WHERE id = m.part), m.id",
	  "(SELECT name FROM part WHERE id = m.part) DESC, m.id DESC" },
	{ "IPN", "(SELECT IPN FROM part WHERE id = m.part), m.id",
	  "(SELECT IPN FROM part WHERE id = m.part) DESC, m.id DESC" },
	{ "manufacturer", "(SELECT name FROM company WHERE id = "
	  "m.manufacturer), m.id", "(SELECT name FROM company WHERE id = "
	  "m.manufacturer) DESC, m.id DESC" },
};

/* MPN, description, the manufacturer's name, the part's. */
#define MANUFACTURER_PART_SEARCH \
	" AND (m.MPN" LIKE " OR m.description" LIKE " OR m.manufacturer IN " \
	"(SELECT id FROM company WHERE name" LIKE ") OR m.part IN (SELECT id " \
	"FROM part WHERE name" LIKE " OR IPN" LIKE " OR description" LIKE "))"

static const struct list_search manufacturer_part_search = {
	MANUFACTURER_PART_SEARCH, 0, 6, MANUFACTURER_PART_SEARCH, 6, NULL,
};

/* ?part_detail=true, ?manufacturer_detail=true (InvenTree: the company
 * unless asked not to). */
struct mp_view {
	bool		 part_detail, manufacturer_detail;
	db_stmt	*part, *company;
	struct company_view company_view;
};

static struct err *
mp_view(struct ctx *ctx, void **view)
{
	struct mp_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) != NULL)
		return e;
	return list_flag(ctx, "manufacturer_detail", true,
	    &v->manufacturer_detail);
}

/* Nests the row of r that column col of st names as name, or null. */
static void
company_nest(struct ctx *ctx, cJSON *o, const char *name,
    const struct resource *r, db_stmt **cache, db_stmt *st,
    int col, void *view)
{
	cJSON *d = NULL;

	if (st_column_type(st, col) != SQLITE_NULL)
		d = res_nested(ctx, r, cache, st_column_int64(st, col),
		    view);
	if (d != NULL)
		json_item(o, name, d);
	else
		json_null(o, name);
}

static void
mp_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct mp_view *v = view;
	const struct resource *r = &manufacturer_part_resource;

	if (v == NULL)
		return;
	if (v->part_detail)
		company_nest(ctx, o, "part_detail", &part_resource, &v->part,
		    st, res_col(r, MP_PART), NULL);
	if (v->manufacturer_detail)
		company_nest(ctx, o, "manufacturer_detail", &company_resource,
		    &v->company, st, res_col(r, MP_MANUFACTURER),
		    &v->company_view);
}

static struct res_sql manufacturer_part_sql;

/* The unfiltered count, kept by migration 0017's triggers. */
static const struct res_tally manufacturer_part_tallies[] = {
	{ "", RES_TALLY_SQL("manufacturer_part", "0") },
};

/* How an imported file names one (res_find_key()). */
static const char *const manufacturer_part_keys[] = { "MPN", NULL };

const struct resource manufacturer_part_resource = {
	.model = "manufacturerpart",
	.name = "ManufacturerPart",
	.table = "manufacturer_part",
	.alias = "m",
	.path = "/api/company/part/manufacturer/",
	.area = "purchase_order",
	.noun = "manufacturer part",
	.plural = "manufacturer parts",
	RES_FIELDS(manufacturer_part_fields),
	RES_FILTERS(manufacturer_part_filters),
	RES_ORDERS(manufacturer_part_orders),
	RES_UNIQUE(manufacturer_part_unique),
	RES_TALLIES(manufacturer_part_tallies),
	.order = "m.MPN, m.id",
	.search = &manufacturer_part_search,
	.hooks = &(const struct res_hooks){ .view = mp_view,
	    .render = mp_render, .written = codes_written,
	    .deleting = codes_deleting, .deleted = codes_deleted },
	.flags = RES_METADATA | RES_BULK_DELETE | RES_ATTACHMENTS,
	.sql = &manufacturer_part_sql,
	.keys = manufacturer_part_keys,
};

/* ---- supplier parts ------------------------------------------------- */

enum { SP_PART, SP_SUPPLIER, SP_SKU, SP_MANUFACTURER_PART, SP_DESCRIPTION,
	SP_LINK, SP_NOTE, SP_PACKAGING, SP_PACK_QUANTITY, SP_PACK_NATIVE,
	SP_AVAILABLE, SP_AVAILABILITY_UPDATED, SP_ACTIVE, SP_IN_STOCK,
	SP_MANUFACTURER, SP_MPN, SP_NAME, SP_UPDATED, SP_BARCODE_HASH, SP_TAGS,
	SP__N };

/* InvenTree's str(SupplierPart): "IPN | supplier | SKU | manufacturer |
 * MPN", without what is empty. */
#define SUPPLIER_PART_NAME \
	"(SELECT CASE WHEN p.IPN <> '' THEN p.IPN || ' | ' ELSE '' END " \
	"FROM part p WHERE p.id = sp.part) || (SELECT name FROM company " \
	"WHERE id = sp.supplier) || ' | ' || sp.SKU || coalesce((SELECT " \
	"' | ' || c.name || CASE WHEN m.MPN <> '' THEN ' | ' || m.MPN ELSE " \
	"'' END FROM manufacturer_part m JOIN company c ON c.id = " \
	"m.manufacturer WHERE m.id = sp.manufacturer_part), '')"

static const struct field supplier_part_fields[] = {
	[SP_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "purchaseable = 1",
	    .label = "Base Part" },
	[SP_SUPPLIER] = { "supplier", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &company_resource, .ref_if = "is_supplier = 1" },
	[SP_SKU] = { "SKU", FT_TEXT, F_REQUIRED | F_FILTER | F_ORDER, 100,
	    .help = "Supplier stock keeping unit" },
	[SP_MANUFACTURER_PART] = { "manufacturer_part", FT_ID,
	    F_NULL | F_FILTER, .ref = &manufacturer_part_resource },
	[SP_DESCRIPTION] = { "description", FT_TEXT, 0, 250 },
	[SP_LINK] = { "link", FT_URL, 0, 200 },
	[SP_NOTE] = { "note", FT_TEXT, 0, 100 },
	[SP_PACKAGING] = { "packaging", FT_TEXT, F_ORDER, 50 },
	[SP_PACK_QUANTITY] = { "pack_quantity", FT_TEXT, F_ORDER, 25,
	    .help = "Total quantity supplied in a single pack. Leave empty "
	    "for single items." },
	[SP_PACK_NATIVE] = { "pack_quantity_native", FT_DEC,
	    F_READ_ONLY | F_STORED, .def = DEC_SCALE,
	    .col = "pack_quantity_native" },
	[SP_AVAILABLE] = { "available", FT_DEC, F_ORDER },
	[SP_AVAILABILITY_UPDATED] = { "availability_updated", FT_DATETIME,
	    F_READ_ONLY | F_STORED | F_NULL, .col = "availability_updated" },
	[SP_ACTIVE] = { "active", FT_BOOL, F_FILTER, .def = 1 },
	/* Its stock items that are in stock (status 10, 50, 55, 85; not
	 * consumed by a build). */
	[SP_IN_STOCK] = { "in_stock", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = "(SELECT coalesce(sum(quantity), 0) FROM stock_item WHERE "
	    "supplier_part = sp.id AND status IN (10, 50, 55, 85) AND "
	    "consumed_by IS NULL)" },
	[SP_MANUFACTURER] = { "manufacturer", FT_TEXT, F_READ_ONLY,
	    .col = "(SELECT c.name FROM manufacturer_part m JOIN company c ON "
	    "c.id = m.manufacturer WHERE m.id = sp.manufacturer_part)" },
	[SP_MPN] = { "MPN", FT_TEXT, F_READ_ONLY, .col = "(SELECT MPN FROM "
	    "manufacturer_part WHERE id = sp.manufacturer_part)" },
	[SP_NAME] = { "name", FT_TEXT, F_READ_ONLY, .col = SUPPLIER_PART_NAME },
	[SP_UPDATED] = { "updated", FT_DATETIME,
	    F_READ_ONLY | F_STORED | F_NULL | F_ORDER, .col = "updated" },
	[SP_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	[SP_TAGS] = { "tags", FT_JSON, F_READ_ONLY, .col = "'[]'" },
};
_Static_assert(sizeof(supplier_part_fields) /
    sizeof(supplier_part_fields[0]) == SP__N, "supplier part fields");
_Static_assert(SP_PART == 0, "codes_written(): the part comes first");

static const struct res_unique supplier_part_unique[] = {
	{ { "part", "supplier", "SKU" } },
};

static const struct res_filter supplier_part_filters[] = {
	{ "MPN", FT_TEXT, " AND sp.manufacturer_part IN (SELECT id FROM "
	  "manufacturer_part WHERE MPN = ?)", NULL, NULL, NULL, false },
	{ "manufacturer", FT_ID, " AND sp.manufacturer_part IN (SELECT id FROM "
	  "manufacturer_part WHERE manufacturer = ?)", NULL, &company_resource,
	  NULL, false },
	/* Supplied or manufactured by the company (InvenTree's ?company=). */
	{ "company", FT_ID, " AND (sp.supplier = ? OR sp.manufacturer_part IN "
	  "(SELECT id FROM manufacturer_part WHERE manufacturer = ?))", NULL,
	  &company_resource, NULL, false },
	{ "part_active", FT_BOOL, " AND sp.part IN (SELECT id FROM part WHERE "
	  "active = 1)", " AND sp.part IN (SELECT id FROM part WHERE "
	  "active = 0)", NULL, NULL, false },
	{ "supplier_active", FT_BOOL, " AND sp.supplier IN (SELECT id FROM "
	  "company WHERE active = 1)", " AND sp.supplier IN (SELECT id FROM "
	  "company WHERE active = 0)", NULL, NULL, false },
	{ "has_stock", FT_BOOL, " AND EXISTS (SELECT 1 FROM stock_item WHERE "
	  "supplier_part = sp.id AND status IN (10, 50, 55, 85) AND "
	  "quantity > 0 AND consumed_by IS NULL)", " AND NOT EXISTS (SELECT 1 FROM stock_item WHERE "
	  "supplier_part = sp.id AND status IN (10, 50, 55, 85) AND "
	  "quantity > 0 AND consumed_by IS NULL)", NULL, NULL, false },
};

static const struct res_order supplier_part_orders[] = {
	{ "part", "(SELECT name FROM part WHERE id = sp.part), sp.id",
	  "(SELECT name FROM part WHERE id = sp.part) DESC, sp.id DESC" },
	{ "IPN", "(SELECT IPN FROM part WHERE id = sp.part), sp.id",
	  "(SELECT IPN FROM part WHERE id = sp.part) DESC, sp.id DESC" },
	{ "supplier", "(SELECT name FROM company WHERE id = sp.supplier), "
	  "sp.id", "(SELECT name FROM company WHERE id = sp.supplier) DESC, "
	  "sp.id DESC" },
	{ "manufacturer", "(SELECT c.name FROM manufacturer_part m JOIN "
	  "company c ON c.id = m.manufacturer WHERE m.id = "
	  "sp.manufacturer_part), sp.id", "(SELECT c.name FROM "
	  "manufacturer_part m JOIN company c ON c.id = m.manufacturer WHERE "
	  "m.id = sp.manufacturer_part) DESC, sp.id DESC" },
	{ "MPN", "(SELECT MPN FROM manufacturer_part WHERE id = "
	  "sp.manufacturer_part), sp.id", "(SELECT MPN FROM manufacturer_part "
	  "WHERE id = sp.manufacturer_part) DESC, sp.id DESC" },
};

/* SKU, description, the supplier's and manufacturer's names, the MPN,
 * the part's name, IPN, description and keywords (through the part's
 * trigram index for 3 characters or more). */
#define SUPPLIER_PART_LIKES \
	"sp.SKU" LIKE " OR sp.description" LIKE " OR sp.supplier IN (SELECT " \
	"id FROM company WHERE name" LIKE ") OR sp.manufacturer_part IN " \
	"(SELECT m.id FROM manufacturer_part m WHERE m.MPN" LIKE " OR " \
	"m.manufacturer IN (SELECT id FROM company WHERE name" LIKE "))"

static const struct list_search supplier_part_search = {
	" AND (sp.part IN (SELECT rowid FROM part_fts WHERE part_fts MATCH "
	PART_OWN_TEXT " AND trigram_at(part_fts, ?)) OR " SUPPLIER_PART_LIKES ")", 1, 5,
	" AND (" SUPPLIER_PART_LIKES " OR sp.part IN (SELECT id FROM part "
	"WHERE name" LIKE " OR IPN" LIKE " OR description" LIKE
	" OR keywords" LIKE "))", 9, NULL,
};

/* ?part_detail=, ?supplier_detail= (InvenTree: the supplier unless asked
 * not to), ?manufacturer_part_detail=. */
struct sp_view {
	bool		 part_detail, supplier_detail, mp_detail;
	db_stmt	*part, *supplier, *mp;
	struct company_view company_view;
};

static struct err *
sp_view(struct ctx *ctx, void **view)
{
	struct sp_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) !=
	    NULL || (e = list_flag(ctx, "supplier_detail", true,
	    &v->supplier_detail)) != NULL)
		return e;
	return list_flag(ctx, "manufacturer_part_detail", false, &v->mp_detail);
}

static void
sp_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct sp_view *v = view;
	const struct resource *r = &supplier_part_resource;

	if (v == NULL)
		return;
	if (v->part_detail)
		company_nest(ctx, o, "part_detail", &part_resource, &v->part,
		    st, res_col(r, SP_PART), NULL);
	if (v->supplier_detail)
		company_nest(ctx, o, "supplier_detail", &company_resource,
		    &v->supplier, st, res_col(r, SP_SUPPLIER), &v->company_view);
	if (v->mp_detail)
		company_nest(ctx, o, "manufacturer_part_detail",
		    &manufacturer_part_resource, &v->mp, st,
		    res_col(r, SP_MANUFACTURER_PART), NULL);
}

/*
 * A pack quantity as InvenTree takes it: "" is 1; else a positive number,
 * optionally followed by the part's own units ("100 m" of a part in m).
 * (InvenTree converts between compatible units; Stockroom has no unit
 * registry yet, so only the part's own are understood.)  Sets the stored
 * text and its value; a problem goes into es.
 */
static struct err *
supplier_part_pack(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *pq = &w->v[SP_PACK_QUANTITY];
	const char *s = pq->s != NULL ? pq->s : "";
	struct err *e;
	long long n;

	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0) {
		pq->s = "1";
		w->v[SP_PACK_NATIVE].i = DEC_SCALE;
		return NULL;
	}
	char *text = mem_strndup(&ctx->mem, s, len);
	size_t numlen = strcspn(text, " ");
	char *num = mem_strndup(&ctx->mem, text, numlen);
	const char *unit = text + numlen;
	while (*unit == ' ')
		unit++;
	if (*unit != '\0') {
		const struct resource *pr = &part_resource;
		struct val *pv = mem_alloc(&ctx->mem, (pr->nfields + 1) *
		    sizeof(*pv));
		if ((e = res_load(ctx, pr, w->v[SP_PART].i, pv)) != NULL)
			return e;
		const char *units = pv[res_field(pr, "units")].s;
		if (units == NULL || strcmp(units, unit) != 0) {
			errs_add(es, "pack_quantity", "Pack units must be "
			    "compatible with the base part units");
			return NULL;
		}
	}
	if (dec_parse(num, &n) != DEC_OK) {
		errs_addf(es, "pack_quantity", "Could not convert %s to a "
		    "quantity", text);
		return NULL;
	}
	if (n <= 0) {
		errs_add(es, "pack_quantity", "Pack units must be greater than "
		    "zero");
		return NULL;
	}
	pq->s = text;
	w->v[SP_PACK_NATIVE].i = n;
	return NULL;
}

/* The manufacturer part is of the same part; the pack quantity; times. */
static struct err *
supplier_part_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct err *e;

	if (!v[SP_MANUFACTURER_PART].null) {
		const struct resource *mr = &manufacturer_part_resource;
		struct val mv[MP__N + 1];
		if ((e = res_load(ctx, mr, v[SP_MANUFACTURER_PART].i, mv)) !=
		    NULL)
			return e;
		if (mv[MP_PART].i != v[SP_PART].i)
			errs_add(es, "manufacturer_part", "Linked manufacturer "
			    "part must reference the same base part");
	}
	if ((e = supplier_part_pack(ctx, w, es)) != NULL)
		return e;
	if (v[SP_AVAILABLE].present)
		company_touch(ctx, &v[SP_AVAILABILITY_UPDATED]);
	company_touch(ctx, &v[SP_UPDATED]);
	return NULL;
}

static struct res_sql supplier_part_sql;

/* The unfiltered count, kept by migration 0017's triggers. */
static const struct res_tally supplier_part_tallies[] = {
	{ "", RES_TALLY_SQL("supplier_part", "0") },
};

/* How an imported file names one (res_find_key()). */
static const char *const supplier_part_keys[] = { "SKU", NULL };

const struct resource supplier_part_resource = {
	.model = "supplierpart",
	.name = "SupplierPart",
	.table = "supplier_part",
	.alias = "sp",
	.path = "/api/company/part/",
	.area = "purchase_order",
	.noun = "supplier part",
	.plural = "supplier parts",
	RES_FIELDS(supplier_part_fields),
	RES_FILTERS(supplier_part_filters),
	RES_ORDERS(supplier_part_orders),
	RES_UNIQUE(supplier_part_unique),
	RES_TALLIES(supplier_part_tallies),
	.order = "sp.SKU, sp.id",
	.search = &supplier_part_search,
	.hooks = &(const struct res_hooks){ .view = sp_view,
	    .render = sp_render, .validate = supplier_part_validate,
	    .written = codes_written, .deleting = codes_deleting,
	    .deleted = codes_deleted },
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &supplier_part_sql,
	.keys = supplier_part_keys,
};

/* ---- price breaks --------------------------------------------------- */

enum { PB_PART, PB_QUANTITY, PB_PRICE, PB_CURRENCY, PB_SUPPLIER, PB_UPDATED,
	PB__N };

static const struct field price_break_fields[] = {
	[PB_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &supplier_part_resource },
	[PB_QUANTITY] = { "quantity", FT_DEC, F_FILTER | F_ORDER,
	    .def = DEC_SCALE },
	[PB_PRICE] = { "price", FT_DEC, F_NULL | F_AS_STRING | F_ORDER },
	[PB_CURRENCY] = { "price_currency", FT_TEXT, 0, 3,
	    .label = "Currency" },
	[PB_SUPPLIER] = { "supplier", FT_ID, F_READ_ONLY, .col = "(SELECT "
	    "supplier FROM supplier_part WHERE id = pb.part)",
	    .ref = &company_resource },
	[PB_UPDATED] = { "updated", FT_DATETIME, F_READ_ONLY | F_STORED | F_NULL,
	    .col = "updated", .help = "Timestamp of last update" },
};
_Static_assert(sizeof(price_break_fields) / sizeof(price_break_fields[0]) ==
    PB__N, "price break fields");

static const struct res_unique price_break_unique[] = {
	{ { "part", "quantity" } },
};

static const struct res_filter price_break_filters[] = {
	{ "supplier", FT_ID, " AND pb.part IN (SELECT id FROM supplier_part "
	  "WHERE supplier = ?)", NULL, &company_resource, NULL, false },
	{ "base_part", FT_ID, " AND pb.part IN (SELECT id FROM supplier_part "
	  "WHERE part = ?)", NULL, &part_resource, NULL, false },
};

static const struct res_order price_break_orders[] = {
	{ "supplier", "(SELECT c.name FROM supplier_part s JOIN company c ON "
	  "c.id = s.supplier WHERE s.id = pb.part), pb.id", "(SELECT c.name "
	  "FROM supplier_part s JOIN company c ON c.id = s.supplier WHERE "
	  "s.id = pb.part) DESC, pb.id DESC" },
	{ "SKU", "(SELECT SKU FROM supplier_part WHERE id = pb.part), pb.id",
	  "(SELECT SKU FROM supplier_part WHERE id = pb.part) DESC, "
	  "pb.id DESC" },
};

/* The supplier part's SKU, its supplier's name (InvenTree's search). */
#define PRICE_BREAK_SEARCH \
	" AND pb.part IN (SELECT s.id FROM supplier_part s WHERE s.SKU" LIKE \
	" OR s.supplier IN (SELECT id FROM company WHERE name" LIKE "))"

static const struct list_search price_break_search = {
	PRICE_BREAK_SEARCH, 0, 2, PRICE_BREAK_SEARCH, 2, NULL,
};

/* A price break is for 1 or more; its currency one of the codes. */
static struct err *
price_break_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	if (w->v[PB_QUANTITY].i < DEC_SCALE)
		errs_add(es, "quantity", "Ensure this value is greater than or "
		    "equal to 1.");
	company_currency_check(w, PB_CURRENCY, es);
	company_touch(ctx, &w->v[PB_UPDATED]);
	return NULL;
}

static struct res_sql price_break_sql;

/* The unfiltered count, kept by migration 0037's triggers. */
static const struct res_tally price_break_tallies[] = {
	{ "", RES_TALLY_SQL("supplier_price_break", "0") },
};

/* A file's price break names its supplier part by SKU, which two
 * suppliers may both use: its supplier (a name) tells them apart. */
static const struct res_narrow price_break_narrow[] = {
	{ "part", "supplier", "sp.supplier = ?" },
};

const struct resource price_break_resource = {
	.model = "supplierpricebreak",
	.name = "SupplierPriceBreak",
	.table = "supplier_price_break",
	.alias = "pb",
	.path = "/api/company/price-break/",
	.area = "purchase_order",
	.noun = "price break",
	.plural = "price breaks",
	RES_FIELDS(price_break_fields),
	RES_FILTERS(price_break_filters),
	RES_ORDERS(price_break_orders),
	RES_TALLIES(price_break_tallies),
	RES_UNIQUE(price_break_unique),
	RES_NARROW(price_break_narrow),
	.order = "pb.part, pb.quantity, pb.id",
	.search = &price_break_search,
	.hooks = &(const struct res_hooks){
	    .validate = price_break_validate },
	.sql = &price_break_sql,
};
