/*
 * bom: BOM items, their substitutes, BOM validation and "can build".
 * See bom.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "req.h"
#include "res.h"
#include "route.h"
#include "val.h"

#include "inventory/bom.h"
#include "inventory/part.h"
#include "inventory/stock.h"

#define LIKE	" LIKE ? ESCAPE '\\'"

/* ---- checksums ------------------------------------------------------ */

/*
 * A line's checksum: FNV-1a (64 bits) over the fields InvenTree hashes,
 * each ended by a unit separator, in hex.  A change detector, not a
 * secret: InvenTree's md5 is no more.
 */
#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
bom_fnv(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	h ^= 0x1f;
	return h * FNV_PRIME;
}

static uint64_t
bom_fnv_int(uint64_t h, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return bom_fnv(h, buf);
}

/* The hashed columns of a line, in this order (bom_line_hash()). */
#define BOM_HASHED "b.part, b.sub_part, b.quantity, b.setup_quantity, " \
	"b.attrition, b.rounding_multiple, b.reference, b.optional, " \
	"b.inherited, b.consumable, b.allow_variants"

static const char bom_sql_line[] =
    "SELECT " BOM_HASHED ", b.checksum FROM bom_item b WHERE b.id = ?";
static const char bom_sql_lines[] =
    "SELECT " BOM_HASHED ", b.id FROM bom_item b WHERE b.part = ? "
    "ORDER BY b.id";
static const char bom_sql_set_line[] =
    "UPDATE bom_item SET checksum = ?2, validated = ?3 WHERE id = ?1";
static const char bom_sql_line_valid[] =
    "UPDATE bom_item SET validated = CASE WHEN checksum <> '' AND "
    "checksum = ?2 THEN 1 ELSE 0 END WHERE id = ?1";
static const char bom_sql_part_state[] =
    "SELECT checksum FROM part_bom WHERE part = ?";
static const char bom_sql_part_valid[] =
    "UPDATE part_bom SET validated = ?2 WHERE part = ?1";
static const char bom_sql_part_set[] =
    "INSERT INTO part_bom (part, validated, checksum, checked_by, "
    "checked_date) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (part) DO "
    "UPDATE SET validated = excluded.validated, checksum = "
    "excluded.checksum, checked_by = excluded.checked_by, checked_date = "
    "excluded.checked_date";

/* The checksum of the line in the current row of st (columns 0-10). */
static uint64_t
bom_line_hash(db_stmt *st)
{
	uint64_t h = FNV_OFFSET;

	for (int c = 0; c < 11; c++) {
		if (c == 6) {
			const char *s = (const char *)st_column_text(st, c);
			h = bom_fnv(h, s != NULL ? s : "");
		} else if (st_column_type(st, c) == SQLITE_NULL)
			h = bom_fnv(h, "");
		else
			h = bom_fnv_int(h, st_column_int64(st, c));
	}
	return h;
}

static void
bom_hex(uint64_t h, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The checksum of part's whole BOM: its id, then its lines in id order. */
static struct err *
bom_part_hash(struct ctx *ctx, long long part, char out[17])
{
	db_stmt *st = db_prepare(ctx, bom_sql_lines);
	uint64_t h;
	int rc;

	if (st == NULL)
		return db_err(ctx, "BOM");
	h = bom_fnv_int(FNV_OFFSET, part);
	st_bind_int64(st, 1, part);
	while ((rc = st_step(st)) == SQLITE_ROW)
		h = bom_fnv_int(h, (long long)bom_line_hash(st));
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "BOM");
	bom_hex(h, out);
	return NULL;
}

/* The checksum of line id, into out; and the one stored, into *stored
 * (arena), when asked. */
static struct err *
bom_line_checksum(struct ctx *ctx, long long id, char out[17],
    const char **stored)
{
	db_stmt *st = db_prepare(ctx, bom_sql_line);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "BOM item");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "BOM item", &found)) != NULL)
		return e;
	if (!found) {
		st_reset(st);
		return err_not_found(ctx, "BomItem");
	}
	bom_hex(bom_line_hash(st), out);
	if (stored != NULL)
		*stored = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 11));
	st_reset(st);
	return NULL;
}

/*
 * Whether part's BOM is still the one validated: bom_validated follows
 * every change of a line (InvenTree's check_bom_valid task, here in the
 * change's own transaction).
 */
static struct err *
bom_recheck(struct ctx *ctx, long long part)
{
	db_stmt *st = db_prepare(ctx, bom_sql_part_state);
	char now[17];
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, part);
	if ((e = db_row(ctx, st, "BOM", &found)) != NULL)
		return e;
	if (!found) {
		st_reset(st);
		return NULL;
	}
	const char *sum = mem_strdup(&ctx->mem,
	    (const char *)st_column_text(st, 0));
	st_reset(st);
	if ((e = bom_part_hash(ctx, part, now)) != NULL)
		return e;
	if ((st = db_prepare(ctx, bom_sql_part_valid)) == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, part);
	st_bind_int64(st, 2, sum[0] != '\0' && strcmp(sum, now) == 0);
	return db_step(ctx, st, "BOM");
}

static struct err *bom_exec_ids(struct ctx *, const char *, long long,
		    long long);

/* ---- cycles --------------------------------------------------------- */

/* The parts directly below a part: its lines' components and their
 * substitutes. */
static const char bom_sql_below[] =
    "SELECT sub_part FROM bom_item WHERE part = ?1 UNION ALL "
    "SELECT s.part FROM bom_item_substitute s JOIN bom_item b ON "
    "b.id = s.bom_item WHERE b.part = ?1";
static const char bom_sql_part_name[] =
    "SELECT IPN, name, revision FROM part WHERE id = ?";

/* The parts met by a walk, each with the index of the one above it, and
 * an open-addressed set of their ids. */
struct bom_walk {
	long long	*id;
	long		*from;
	size_t		 n, cap;
	long		*slot;		/* index + 1; 0: empty */
	size_t		 nslot;
};

static size_t
bom_slot_of(const struct bom_walk *w, long long id)
{
	size_t i = (size_t)((unsigned long long)id * 0x9e3779b97f4a7c15ULL) &
	    (w->nslot - 1);

	while (w->slot[i] != 0 && w->id[w->slot[i] - 1] != id)
		i = (i + 1) & (w->nslot - 1);
	return i;
}

/* Adds id (met below the part at index from); false if already met. */
static bool
bom_walk_add(struct ctx *ctx, struct bom_walk *w, long long id, long from)
{
	if (w->n + 1 > w->nslot / 2) {
		size_t nslot = w->nslot != 0 ? w->nslot * 2 : 64;
		w->cap = nslot / 2;
		long long *nid = mem_alloc(&ctx->mem, w->cap * sizeof(*nid));
		long *nfrom = mem_alloc(&ctx->mem, w->cap * sizeof(*nfrom));
		if (w->n > 0) {
			memcpy(nid, w->id, w->n * sizeof(*nid));
			memcpy(nfrom, w->from, w->n * sizeof(*nfrom));
		}
		w->id = nid;
		w->from = nfrom;
		w->nslot = nslot;
		w->slot = mem_zalloc(&ctx->mem, nslot * sizeof(*w->slot));
		for (size_t k = 0; k < w->n; k++)
			w->slot[bom_slot_of(w, w->id[k])] = (long)k + 1;
	}
	size_t i = bom_slot_of(w, id);
	if (w->slot[i] != 0)
		return false;
	w->id[w->n] = id;
	w->from[w->n] = from;
	w->slot[i] = (long)++w->n;
	return true;
}

/* "IPN | name | revision" of a part (arena). */
static struct err *
bom_part_label(struct ctx *ctx, long long id, const char **out)
{
	db_stmt *st = db_prepare(ctx, bom_sql_part_name);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "part", &found)) != NULL)
		return e;
	*out = "?";
	if (found) {
		const char *ipn = (const char *)st_column_text(st, 0);
		const char *name = (const char *)st_column_text(st, 1);
		const char *rev = (const char *)st_column_text(st, 2);
		*out = mem_printf(&ctx->mem, "%s%s%s%s%s",
		    ipn != NULL && *ipn ? ipn : "", ipn != NULL && *ipn ?
		    " | " : "", name != NULL ? name : "",
		    rev != NULL && *rev ? " | " : "", rev != NULL && *rev ?
		    rev : "");
	}
	st_reset(st);
	return NULL;
}

/*
 * May part `below` be put in the BOM of `assembly` (as a line's component
 * or a substitute)?  Not when it is the assembly, nor when the assembly
 * is somewhere below it (through lines and substitutes, at any depth):
 * then the message, into es under field, names the path.  A breadth-first
 * walk of the BOMs below `below`, one indexed read per part met.
 */
static struct err *
bom_check_cycle(struct ctx *ctx, long long assembly, long long below,
    const char *field, struct errs *es)
{
	struct bom_walk w = { 0 };
	const char *a, *b;
	struct err *e;
	long hit = -1;
	int rc;

	if (assembly == below) {
		if ((e = bom_part_label(ctx, below, &b)) != NULL)
			return e;
		errs_addf(es, field, "Part '%s' cannot be used in BOM for "
		    "'%s' (recursive)", b, b);
		return NULL;
	}
	db_stmt *st = db_prepare(ctx, bom_sql_below);
	if (st == NULL)
		return db_err(ctx, "BOM");
	bom_walk_add(ctx, &w, below, -1);
	for (size_t k = 0; k < w.n && hit < 0; k++) {
		st_bind_int64(st, 1, w.id[k]);
		while ((rc = st_step(st)) == SQLITE_ROW) {
			long long id = st_column_int64(st, 0);
			if (bom_walk_add(ctx, &w, id, (long)k) && id == assembly) {
				hit = (long)w.n - 1;
				break;
			}
		}
		st_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_err(ctx, "BOM");
	}
	if (hit < 0)
		return NULL;
	/* The path, from `below` down to the assembly. */
	size_t depth = 0;
	for (long k = hit; k >= 0; k = w.from[k])
		depth++;
	const char **names = mem_alloc(&ctx->mem, depth * sizeof(*names));
	size_t i = depth;
	for (long k = hit; k >= 0; k = w.from[k])
		if ((e = bom_part_label(ctx, w.id[k], &names[--i])) != NULL)
			return e;
	a = names[depth - 1];
	b = names[0];
	char *path = mem_strdup(&ctx->mem, names[0]);
	for (i = 1; i < depth; i++)
		path = mem_printf(&ctx->mem, "%s > %s", path, names[i]);
	errs_addf(es, field, "Part '%s' is used in BOM for '%s' (recursive): "
	    "%s", a, b, path);
	return NULL;
}

/* ---- BOM items ------------------------------------------------------ */

enum { BI_PART, BI_SUB_PART, BI_REFERENCE, BI_QUANTITY, BI_ALLOW_VARIANTS,
	BI_INHERITED, BI_OPTIONAL, BI_CONSUMABLE, BI_SETUP, BI_ATTRITION,
	BI_ROUNDING, BI_NOTE, BI_PRICING_MIN, BI_PRICING_MAX,
	BI_PRICING_MIN_TOTAL, BI_PRICING_MAX_TOTAL, BI_PRICING_UPDATED,
	BI_SUBSTITUTES, BI_VALIDATED, BI_AVAILABLE, BI_AVAILABLE_SUB,
	BI_AVAILABLE_VARIANT, BI_EXTERNAL, BI_ON_ORDER, BI_BUILDING,
	BI_CAN_BUILD, BI__N };

/* Available (in stock, not allocated to builds) of the substitutes of
 * line b, and of its component. */
#define BOM_SUB_STOCK "(SELECT coalesce(sum(max(sp.in_stock - " \
	"sp.allocated, 0)), 0) FROM bom_item_substitute s " \
	"JOIN part sp ON sp.id = s.part WHERE s.bom_item = b.id)"
/* A line's component, joined to its row (bom_item_resource.join): one
 * read of the part for the figures, the name its order sorts by, ... */
#define BOM_JOIN " LEFT JOIN part bp ON bp.id = b.sub_part"
#define BOM_STOCK PART_AVAILABLE_OF("bp")
/* Available of the component's variants (InvenTree's figure, whatever
 * the line allows), and what of it the line may use: all when it allows
 * variants, none otherwise. */
#define BOM_VARIANT_STOCK PART_VARIANT_AVAILABLE_OF("bp")
/* What the line may take from: component, substitutes, variants. */
#define BOM_USABLE_OF(p) "(" PART_AVAILABLE_OF(p) " + CASE WHEN " \
	"b.allow_variants = 1 THEN " PART_VARIANT_AVAILABLE_OF(p) " ELSE 0 END)"
#define BOM_USABLE "(" BOM_USABLE_OF("bp") " + " BOM_SUB_STOCK ")"
/* The same where the join is not (a filter, which the count runs too):
 * the component read once for its figure and its variants'. */
#define BOM_USABLE_ALONE "((SELECT " BOM_USABLE_OF("pa") " FROM part pa " \
	"WHERE pa.id = b.sub_part) + " BOM_SUB_STOCK ")"

static const struct field bom_item_fields[] = {
	[BI_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "assembly = 1",
	    .label = "Assembly", .help = "Select the parent assembly" },
	[BI_SUB_PART] = { "sub_part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "component = 1",
	    .label = "Component", .help = "Select the component part" },
	[BI_REFERENCE] = { "reference", FT_TEXT, F_ORDER, 5000,
	    .help = "BOM item reference" },
	[BI_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED | F_ORDER,
	    .def = DEC_SCALE, .help = "BOM quantity for this BOM item" },
	[BI_ALLOW_VARIANTS] = { "allow_variants", FT_BOOL, F_FILTER | F_ORDER,
	    .help = "Stock items for variant parts can be used for this BOM "
	    "item" },
	[BI_INHERITED] = { "inherited", FT_BOOL, F_FILTER | F_ORDER,
	    .label = "Gets inherited", .help = "This BOM item is inherited "
	    "by BOMs for variant parts" },
	[BI_OPTIONAL] = { "optional", FT_BOOL, F_FILTER | F_ORDER,
	    .help = "This BOM item is optional" },
	[BI_CONSUMABLE] = { "consumable", FT_BOOL, F_FILTER | F_ORDER,
	    .help = "This BOM item is consumable (it is not tracked in build "
	    "orders)" },
	[BI_SETUP] = { "setup_quantity", FT_DEC, F_ORDER,
	    .help = "Extra required quantity for a build, to account for "
	    "setup losses" },
	[BI_ATTRITION] = { "attrition", FT_DEC, F_ORDER,
	    .help = "Estimated attrition for a build, expressed as a "
	    "percentage (0-100)" },
	[BI_ROUNDING] = { "rounding_multiple", FT_DEC, F_NULL | F_ORDER,
	    .help = "Round up required production quantity to nearest "
	    "multiple of this value" },
	[BI_NOTE] = { "note", FT_TEXT, 0, 500, .help = "BOM item notes" },
	/* No pricing yet: what InvenTree shows for a part without any. */
	[BI_PRICING_MIN] = { "pricing_min", FT_TEXT, F_READ_ONLY | F_NULL,
	    .col = "NULL" },
	[BI_PRICING_MAX] = { "pricing_max", FT_TEXT, F_READ_ONLY | F_NULL,
	    .col = "NULL" },
	[BI_PRICING_MIN_TOTAL] = { "pricing_min_total", FT_TEXT,
	    F_READ_ONLY | F_NULL, .col = "NULL" },
	[BI_PRICING_MAX_TOTAL] = { "pricing_max_total", FT_TEXT,
	    F_READ_ONLY | F_NULL, .col = "NULL" },
	[BI_PRICING_UPDATED] = { "pricing_updated", FT_DATETIME,
	    F_READ_ONLY | F_NULL, .col = "NULL" },
	/* The hook lists them; the column counts them, so that a line
	 * without any (most) needs no statement of its own. */
	[BI_SUBSTITUTES] = { "substitutes", FT_JSON, F_READ_ONLY | F_HOOK,
	    .col = "(SELECT count(*) FROM bom_item_substitute WHERE "
	    "bom_item = b.id)", .help = "The line's substitute parts" },
	/* Kept by the hooks: does the stored checksum match the line? */
	[BI_VALIDATED] = { "validated", FT_BOOL,
	    F_READ_ONLY | F_STORED | F_FILTER | F_ORDER, .col = "validated",
	    .help = "This BOM item has been validated" },
	[BI_AVAILABLE] = { "available_stock", FT_DEC, F_READ_ONLY | F_ORDER,
	    .col = BOM_STOCK },
	[BI_AVAILABLE_SUB] = { "available_substitute_stock", FT_DEC,
	    F_READ_ONLY, .col = BOM_SUB_STOCK },
	/* InvenTree's: the variants' available stock even when the line
	 * does not allow them (can_build counts it only when it does). */
	[BI_AVAILABLE_VARIANT] = { "available_variant_stock", FT_DEC,
	    F_READ_ONLY, .col = BOM_VARIANT_STOCK },
	[BI_EXTERNAL] = { "external_stock", FT_DEC, F_READ_ONLY, .col = "0" },
	[BI_ON_ORDER] = { "on_order", FT_DEC, F_READ_ONLY, .col = "0" },
	[BI_BUILDING] = { "building", FT_DEC, F_READ_ONLY, .col = "0",
	    .label = "In Production" },
	[BI_CAN_BUILD] = { "can_build", FT_DEC, F_READ_ONLY | F_HOOK,
	    .help = "Assemblies the available stock of the line allows" },
};
_Static_assert(sizeof(bom_item_fields) / sizeof(bom_item_fields[0]) == BI__N,
    "BOM item fields");

#define BOM_PART_IN(col, cond) " AND b." col " IN (SELECT id FROM part " \
	"WHERE " cond ")"
#define BOM_BOOL(name, col, flag) { name, FT_BOOL, \
	BOM_PART_IN(col, flag " = 1"), BOM_PART_IN(col, flag " = 0"), \
	NULL, NULL, false }

static const struct res_filter bom_item_filters[] = {
	BOM_BOOL("part_active", "part", "active"),
	BOM_BOOL("part_trackable", "part", "trackable"),
	BOM_BOOL("part_testable", "part", "testable"),
	BOM_BOOL("sub_part_trackable", "sub_part", "trackable"),
	BOM_BOOL("sub_part_testable", "sub_part", "testable"),
	BOM_BOOL("sub_part_assembly", "sub_part", "assembly"),
	BOM_BOOL("sub_part_virtual", "sub_part", "virtual"),
	/* The component's category (InvenTree: exactly it). */
	{ "category", FT_ID, BOM_PART_IN("sub_part", "category = ?"),
	  BOM_PART_IN("sub_part", "category IS NULL"), &category_resource,
	  NULL, false },
	/* The lines a part may be used for: as their component or as one
	 * of its substitutes ("where used"). */
	{ "uses", FT_ID, " AND (b.sub_part = ? OR b.id IN (SELECT bom_item "
	  "FROM bom_item_substitute WHERE part = ?))", NULL, &part_resource,
	  NULL, false },
	{ "available_stock", FT_BOOL, " AND " BOM_USABLE_ALONE " > 0",
	  " AND " BOM_USABLE_ALONE " = 0", NULL, NULL, false },
	/* Nothing is on order and nothing priced yet. */
	{ "on_order", FT_BOOL, " AND 1 = 0", "", NULL, NULL, false },
	{ "has_pricing", FT_BOOL, " AND 1 = 0", "", NULL, NULL, false },
};

static const struct res_order bom_item_orders[] = {
	{ "sub_part", "bp.name, b.id", "bp.name DESC, b.id DESC" },
	{ "category", "(SELECT c.name FROM part_category c WHERE c.id = "
	  "bp.category), b.id", "(SELECT c.name FROM part_category c WHERE "
	  "c.id = bp.category) DESC, b.id DESC" },
	/* Whole assemblies from the component's stock, its substitutes' and
	 * its variants' when allowed (without the setup quantity and
	 * attrition the answer counts). */
	/* (The cast: PostgreSQL's sum() of bigints is a numeric, and its
	 * division is not whole; SQLite's of integers is.) */
	{ "can_build", "CASE WHEN b.quantity > 0 THEN CAST(" BOM_USABLE
	  " AS INTEGER) / b.quantity END, b.id", "CASE WHEN b.quantity > 0 "
	  "THEN CAST(" BOM_USABLE " AS INTEGER) / b.quantity END DESC, "
	  "b.id DESC" },
};

/* The assembly's and the component's name, IPN, description, keywords
 * and revision, the component's category's name, the reference. */
#define BOM_PART_TEXT(col) " OR b." col " IN (SELECT id FROM part WHERE " \
	"name" LIKE " OR IPN" LIKE " OR description" LIKE " OR keywords" \
	LIKE " OR revision" LIKE ")"
#define BOM_SEARCH " AND (b.reference" LIKE BOM_PART_TEXT("part") \
	BOM_PART_TEXT("sub_part") " OR b.sub_part IN (SELECT p.id FROM part " \
	"p JOIN part_category c ON c.id = p.category WHERE c.name" LIKE "))"

static const struct list_search bom_item_search = {
	BOM_SEARCH, 0, 12, BOM_SEARCH, 12, NULL,
};

/* ?part_detail=, ?sub_part_detail= (both false unless asked). */
struct bom_view {
	bool		 part_detail, sub_part_detail;
	db_stmt	*part, *sub_part, *sub;
	void		*part_view;	/* the nested parts' (stars read once) */
};

static struct err *
bom_item_view(struct ctx *ctx, void **view)
{
	struct bom_view *v = mem_zalloc(&ctx->mem, sizeof(*v));
	struct err *e;

	*view = v;
	v->part_view = part_nested_view(ctx);
	if ((e = list_flag(ctx, "part_detail", false, &v->part_detail)) != NULL)
		return e;
	return list_flag(ctx, "sub_part_detail", false, &v->sub_part_detail);
}

/*
 * Whole assemblies `avail` allows for a line: after the setup quantity,
 * each assembly taking quantity x (1 + attrition / 100) (InvenTree's
 * can_build_quantity()); -1 for a line of quantity 0, which limits
 * nothing.  All decimals count 10^-5; attrition is a percentage.
 */
static long long
bom_line_can_build(long long quantity, long long setup, long long attrition,
    long long avail)
{
	__int128 a = (__int128)avail - setup;

	if (quantity <= 0)
		return -1;
	if (a < 0)
		a = 0;
	/* a / (q x (1 + t / (100 x 10^5))) = a x 10^7 / (q x (10^7 + t)) */
	return (long long)(a * 10000000 / ((__int128)quantity *
	    (10000000 + attrition)));
}

static const char bom_sql_substitutes[] =
    "SELECT id FROM bom_item_substitute WHERE bom_item = ? ORDER BY id";

static void
bom_item_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	const struct resource *r = &bom_item_resource;
	static struct bom_view none;
	struct bom_view *v = view != NULL ? view : &none;
	db_stmt *once = NULL;

	db_stmt *ss = st_column_int64(st, res_col(r, BI_SUBSTITUTES)) == 0 ?
	    NULL : db_prepare(ctx, bom_sql_substitutes);
	cJSON *subs;
	if (ss != NULL) {
		st_bind_int64(ss, 1, st_column_int64(st, 0));
		subs = res_nested_all(ctx, &bom_substitute_resource,
		    view != NULL ? &v->sub : &once, ss, NULL);
	} else if ((subs = cJSON_CreateArray()) == NULL)
		mem_oom();
	json_item(o, "substitutes", subs);

	long long avail = st_column_int64(st, res_col(r, BI_AVAILABLE)) +
	    st_column_int64(st, res_col(r, BI_AVAILABLE_SUB));
	if (st_column_int64(st, res_col(r, BI_ALLOW_VARIANTS)) != 0)
		avail += st_column_int64(st, res_col(r, BI_AVAILABLE_VARIANT));
	long long n = bom_line_can_build(
	    st_column_int64(st, res_col(r, BI_QUANTITY)),
	    st_column_int64(st, res_col(r, BI_SETUP)),
	    st_column_int64(st, res_col(r, BI_ATTRITION)), avail);
	json_item(o, "can_build", dec_json(n < 0 ? 0 : n * DEC_SCALE));

	if (v->part_detail) {
		cJSON *d = res_nested(ctx, &part_resource, &v->part,
		    st_column_int64(st, res_col(r, BI_PART)), v->part_view);
		if (d != NULL)
			json_item(o, "part_detail", d);
		else
			json_null(o, "part_detail");
	}
	if (v->sub_part_detail) {
		cJSON *d = res_nested(ctx, &part_resource, &v->sub_part,
		    st_column_int64(st, res_col(r, BI_SUB_PART)), v->part_view);
		if (d != NULL)
			json_item(o, "sub_part_detail", d);
		else
			json_null(o, "sub_part_detail");
	}
}

static const char bom_sql_trackable[] =
    "SELECT trackable FROM part WHERE id = ?";
static const char bom_sql_make_trackable[] =
    "UPDATE part SET trackable = 1 WHERE id = ? AND trackable = 0";

static struct err *
bom_trackable(struct ctx *ctx, long long part, bool *trackable)
{
	db_stmt *st = db_prepare(ctx, bom_sql_trackable);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_int64(st, 1, part);
	if ((e = db_row(ctx, st, "part", &found)) != NULL)
		return e;
	*trackable = found && st_column_int64(st, 0) != 0;
	st_reset(st);
	return NULL;
}

static const char bom_sql_locked[] = "SELECT locked FROM part WHERE id = ?";

#define BOM_LOCKED "BOM item cannot be modified - assembly is locked"

/* Is the assembly locked?  Its BOM cannot change then (InvenTree's
 * check_part_lock()). */
static struct err *
bom_locked(struct ctx *ctx, long long assembly, bool *locked)
{
	db_stmt *st = db_prepare(ctx, bom_sql_locked);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "part");
	st_bind_int64(st, 1, assembly);
	if ((e = db_row(ctx, st, "part", &found)) != NULL)
		return e;
	*locked = found && st_column_int64(st, 0) != 0;
	st_reset(st);
	return NULL;
}

/* The refusal for a locked assembly, or NULL. */
static struct err *
bom_check_lock(struct ctx *ctx, long long assembly)
{
	struct err *e;
	bool locked;

	if ((e = bom_locked(ctx, assembly, &locked)) != NULL)
		return e;
	return locked ? err_field(ctx, "non_field_errors", BOM_LOCKED) : NULL;
}

/* The quantities; no part in its own BOM at any depth; whole numbers of
 * a trackable component; not the BOM of a locked assembly. */
static struct err *
bom_item_check(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	const struct val *v = w->v;
	struct err *e;
	bool trackable;

	if (!errs_has(es, "quantity") && v[BI_QUANTITY].i <= 0)
		errs_add(es, "quantity", "Quantity must be greater than zero");
	if (!errs_has(es, "attrition") && v[BI_ATTRITION].i > 100 * DEC_SCALE)
		errs_add(es, "attrition", "Ensure this value is less than or "
		    "equal to 100.");
	if (errs_has(es, "part") || errs_has(es, "sub_part"))
		return NULL;
	bool locked, was_locked = false;
	if ((e = bom_locked(ctx, v[BI_PART].i, &locked)) != NULL ||
	    (w->old != NULL && w->old[BI_PART].i != v[BI_PART].i &&
	    (e = bom_locked(ctx, w->old[BI_PART].i, &was_locked)) != NULL))
		return e;
	if (locked || was_locked) {
		errs_add(es, "non_field_errors", BOM_LOCKED);
		return NULL;
	}
	if (w->old == NULL || w->old[BI_PART].i != v[BI_PART].i ||
	    w->old[BI_SUB_PART].i != v[BI_SUB_PART].i)
		if ((e = bom_check_cycle(ctx, v[BI_PART].i, v[BI_SUB_PART].i,
		    "sub_part", es)) != NULL)
			return e;
	if ((e = bom_trackable(ctx, v[BI_SUB_PART].i, &trackable)) != NULL)
		return e;
	if (trackable && !errs_has(es, "quantity") &&
	    v[BI_QUANTITY].i % DEC_SCALE != 0)
		errs_add(es, "quantity", "Quantity must be integer value for "
		    "trackable parts");
	return NULL;
}

/* A trackable component makes its assembly trackable; the line's
 * validated flag and its assemblies' follow the change. */
static struct err *
bom_item_written(struct ctx *ctx, struct res_write *w)
{
	char sum[17];
	struct err *e;
	bool trackable;

	if ((e = bom_trackable(ctx, w->v[BI_SUB_PART].i, &trackable)) != NULL)
		return e;
	if (trackable) {
		db_stmt *st = db_prepare(ctx, bom_sql_make_trackable);
		if (st == NULL)
			return db_err(ctx, "part");
		st_bind_int64(st, 1, w->v[BI_PART].i);
		if ((e = db_step(ctx, st, "part")) != NULL)
			return e;
	}
	if ((e = bom_line_checksum(ctx, w->id, sum, NULL)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, bom_sql_line_valid);
	if (st == NULL)
		return db_err(ctx, "BOM item");
	st_bind_int64(st, 1, w->id);
	st_bind_text(st, 2, sum, -1, SQLITE_TRANSIENT);
	if ((e = db_step(ctx, st, "BOM item")) != NULL)
		return e;
	if ((e = bom_recheck(ctx, w->v[BI_PART].i)) != NULL)
		return e;
	if (w->old != NULL && w->old[BI_PART].i != w->v[BI_PART].i)
		return bom_recheck(ctx, w->old[BI_PART].i);
	return NULL;
}

/* The assembly of a line being deleted, for its re-check after. */
static struct err *
bom_item_deleting(struct ctx *ctx, struct res_del *d)
{
	struct val *v = mem_alloc(&ctx->mem, (BI__N + 1) * sizeof(*v));
	struct err *e;

	if ((e = res_load(ctx, d->res, d->id, v)) != NULL ||
	    (e = bom_check_lock(ctx, v[BI_PART].i)) != NULL)
		return e;
	long long *part = mem_alloc(&ctx->mem, sizeof(*part));
	*part = v[BI_PART].i;
	d->state = part;
	return NULL;
}

static struct err *
bom_item_deleted(struct ctx *ctx, struct res_del *d)
{
	const long long *part = d->state;

	return part != NULL ? bom_recheck(ctx, *part) : NULL;
}

static const struct res_hooks bom_item_hooks = {
	.view = bom_item_view,
	.render = bom_item_render,
	.validate = bom_item_check,
	.written = bom_item_written,
	.deleting = bom_item_deleting,
	.deleted = bom_item_deleted,
};

static struct res_sql bom_item_sql;

const struct resource bom_item_resource = {
	.model = "bomitem",
	.name = "BomItem",
	.table = "bom_item",
	.alias = "b",
	.path = "/api/bom/",
	.area = "part",
	.noun = "BOM item",
	.plural = "BOM items",
	RES_FIELDS(bom_item_fields),
	RES_FILTERS(bom_item_filters),
	RES_ORDERS(bom_item_orders),
	.order = "b.part, bp.name, b.id",
	.join = BOM_JOIN,
	.search = &bom_item_search,
	.hooks = &bom_item_hooks,
	.flags = RES_METADATA | RES_BULK_DELETE,
	.sql = &bom_item_sql,
};

/* ---- substitutes ---------------------------------------------------- */

enum { BS_BOM_ITEM, BS_PART, BS__N };

static const struct field bom_substitute_fields[] = {
	[BS_BOM_ITEM] = { "bom_item", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &bom_item_resource, .help = "Parent BOM item" },
	[BS_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "component = 1",
	    .help = "Substitute part" },
};

static const struct res_unique bom_substitute_unique[] = {
	{ { "part", "bom_item" } },
};

static const struct list_search bom_substitute_search = {
	" AND s.part IN (SELECT id FROM part WHERE name" LIKE " OR IPN" LIKE
	" OR description" LIKE ")", 0, 3,
	" AND s.part IN (SELECT id FROM part WHERE name" LIKE " OR IPN" LIKE
	" OR description" LIKE ")", 3, NULL,
};

/* part_detail, always (InvenTree's serializer). */
static void
bom_substitute_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	db_stmt **cache = view, *once = NULL;
	cJSON *d = res_nested(ctx, &part_resource, cache != NULL ? cache :
	    &once, st_column_int64(st, res_col(&bom_substitute_resource,
	    BS_PART)), NULL);

	if (d != NULL)
		json_item(o, "part_detail", d);
	else
		json_null(o, "part_detail");
}

/* Not the line's own component; no cycle through the substitute. */
static struct err *
bom_substitute_validate(struct ctx *ctx, struct res_write *w,
    struct errs *es)
{
	struct val line[BI__N + 1];
	struct err *e;

	if (errs_has(es, "part") || errs_has(es, "bom_item"))
		return NULL;
	if ((e = res_load(ctx, &bom_item_resource, w->v[BS_BOM_ITEM].i,
	    line)) != NULL)
		return e;
	if (line[BI_SUB_PART].i == w->v[BS_PART].i) {
		errs_add(es, "part", "Substitute part cannot be the same as the "
		    "master part");
		return NULL;
	}
	return bom_check_cycle(ctx, line[BI_PART].i, w->v[BS_PART].i, "part",
	    es);
}

static struct res_sql bom_substitute_sql;

/* The unfiltered count, kept by migration 0037's triggers. */
static const struct res_tally bom_substitute_tallies[] = {
	{ "", RES_TALLY_SQL("bom_item_substitute", "0") },
};

const struct resource bom_substitute_resource = {
	.model = "bomitemsubstitute",
	.name = "BomItemSubstitute",
	.table = "bom_item_substitute",
	.alias = "s",
	.path = "/api/bom/substitute/",
	.area = "part",
	.noun = "BOM item substitute",
	.plural = "BOM item substitutes",
	RES_FIELDS(bom_substitute_fields),
	RES_UNIQUE(bom_substitute_unique),
	RES_TALLIES(bom_substitute_tallies),
	.order = "s.id",
	.search = &bom_substitute_search,
	.hooks = &(const struct res_hooks){ .view_size = sizeof(db_stmt *),
	    .render = bom_substitute_render,
	    .validate = bom_substitute_validate },
	.flags = RES_METADATA,
	.sql = &bom_substitute_sql,
};

/* ---- a part deleted ------------------------------------------------- */

static const char bom_sql_users[] =
    "SELECT DISTINCT part FROM bom_item WHERE sub_part = ?";
static const char bom_sql_drop_uses[] =
    "DELETE FROM bom_item WHERE sub_part = ?";

/*
 * Before part id is deleted: the lines that use it go first, and each
 * assembly they were in is re-checked, so its bom_validated does not
 * outlive them (the foreign keys would remove the lines silently).
 */
struct err *
bom_part_deleting(struct ctx *ctx, long long id)
{
	long long *asm_ = NULL;
	size_t n = 0, cap = 0;
	struct err *e;
	int rc;

	db_stmt *st = db_prepare(ctx, bom_sql_users);
	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, id);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			long long *a = mem_alloc(&ctx->mem, cap * sizeof(*a));
			if (n > 0)
				memcpy(a, asm_, n * sizeof(*a));
			asm_ = a;
		}
		asm_[n++] = st_column_int64(st, 0);
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "BOM");
	if (n == 0)
		return NULL;
	if ((e = bom_exec_ids(ctx, bom_sql_drop_uses, id, 0)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++)
		if ((e = bom_recheck(ctx, asm_[i])) != NULL)
			return e;
	return NULL;
}

/* ---- can build ------------------------------------------------------ */

static const char bom_sql_can_build[] =
    "SELECT b.quantity, b.setup_quantity, b.attrition, " BOM_USABLE
    " FROM bom_item b" BOM_JOIN " WHERE b.part = ?";

/* The least of part's lines' can_build (0 without lines). */
struct err *
bom_can_build(struct ctx *ctx, long long part, long long *n)
{
	db_stmt *st = db_prepare(ctx, bom_sql_can_build);
	long long least = -1;
	int rc;

	*n = 0;
	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, part);
	while ((rc = st_step(st)) == SQLITE_ROW) {
		long long k = bom_line_can_build(st_column_int64(st, 0),
		    st_column_int64(st, 1), st_column_int64(st, 2),
		    st_column_int64(st, 3));
		if (k >= 0 && (least < 0 || k < least))
			least = k;
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "BOM");
	*n = least < 0 ? 0 : least;
	return NULL;
}

/* ---- validation ----------------------------------------------------- */

static const char bom_sql_validation[] =
    "SELECT pb.validated, pb.checksum, pb.checked_by, pb.checked_date, "
    "u.username, u.first_name, u.last_name, u.email FROM part_bom pb "
    "LEFT JOIN users u ON u.id = pb.checked_by WHERE pb.part = ?";
static const char bom_sql_part_lines[] =
    "SELECT id FROM bom_item WHERE part = ? ORDER BY id";

/* InvenTree's PartBomValidate serializer of part id. */
static struct err *
bom_validation_json(struct ctx *ctx, long long id, cJSON **out)
{
	db_stmt *st = db_prepare(ctx, bom_sql_validation);
	struct err *e;
	bool found;

	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "BOM", &found)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_int(o, "pk", id);
	json_bool(o, "bom_validated", found && st_column_int64(st, 0) != 0);
	if (found)
		db_json_text(o, "bom_checksum", st, 1);
	else
		json_text(o, "bom_checksum", "");
	if (found && st_column_type(st, 2) != SQLITE_NULL) {
		json_int(o, "bom_checked_by", st_column_int64(st, 2));
		cJSON *u = cJSON_CreateObject();
		if (u == NULL)
			mem_oom();
		json_int(u, "pk", st_column_int64(st, 2));
		db_json_text(u, "username", st, 4);
		db_json_text(u, "first_name", st, 5);
		db_json_text(u, "last_name", st, 6);
		db_json_text(u, "email", st, 7);
		json_item(o, "bom_checked_by_detail", u);
	} else {
		json_null(o, "bom_checked_by");
		json_null(o, "bom_checked_by_detail");
	}
	if (found && st_column_type(st, 3) != SQLITE_NULL)
		db_json_text(o, "bom_checked_date", st, 3);
	else
		json_null(o, "bom_checked_date");
	st_reset(st);
	*out = o;
	return NULL;
}

/* The part of the route, which must exist (404 as InvenTree's). */
static struct err *
bom_route_part(struct ctx *ctx, long long *id)
{
	bool exists;
	struct err *e;

	*id = route_param_id(ctx, "pk");
	if ((e = res_exists(ctx, &part_resource, *id, &exists)) != NULL)
		return e;
	return exists ? NULL : err_not_found(ctx, "Part");
}

/* GET /api/part/<pk>/bom-validate/ */
struct err *
bom_part_validation(struct ctx *ctx)
{
	long long id;
	struct err *e;
	cJSON *o;

	if ((e = bom_route_part(ctx, &id)) != NULL ||
	    (e = bom_validation_json(ctx, id, &o)) != NULL)
		return e;
	return resp_json(ctx, 200, o);
}

/* {"valid": bool}, false when not given (InvenTree's default). */
static struct err *
bom_valid_arg(struct ctx *ctx, bool *valid)
{
	static const struct field f = { "valid", FT_BOOL, 0 };
	const cJSON *body, *j;
	struct val v;
	const char *msg;
	struct err *e;

	*valid = false;
	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	j = body != NULL ? cJSON_GetObjectItemCaseSensitive(body, "valid") :
	    NULL;
	if (j == NULL)
		return NULL;
	if ((msg = val_json(ctx, j, &f, &v)) != NULL)
		return err_field(ctx, "valid", "%s", msg);
	*valid = v.i != 0;
	return NULL;
}

/* Marks line id valid (its checksum stored) or not. */
static struct err *
bom_line_set(struct ctx *ctx, long long id, bool valid)
{
	char sum[17];
	struct err *e;

	if ((e = bom_line_checksum(ctx, id, sum, NULL)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, bom_sql_set_line);
	if (st == NULL)
		return db_err(ctx, "BOM item");
	st_bind_int64(st, 1, id);
	st_bind_text(st, 2, valid ? sum : "", -1, SQLITE_TRANSIENT);
	st_bind_int64(st, 3, valid);
	return db_step(ctx, st, "BOM item");
}

/*
 * PUT/PATCH /api/part/<pk>/bom-validate/ {"valid": true}: every line of
 * the part's BOM is validated, and the BOM's checksum stored with who and
 * when (InvenTree's Part.validate_bom()); {"valid": false} marks it not
 * validated.  One transaction.
 */
static struct err *
bom_part_validate_tx(struct ctx *ctx, long long id, bool valid)
{
	char sum[17];
	struct err *e;
	int rc;

	if (valid) {
		db_stmt *st = db_prepare(ctx, bom_sql_part_lines);
		if (st == NULL)
			return db_err(ctx, "BOM");
		st_bind_int64(st, 1, id);
		long long *ids = NULL;
		size_t n = 0, cap = 0;
		while ((rc = st_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				long long *nids = mem_alloc(&ctx->mem,
				    cap * sizeof(*nids));
				if (n > 0)
					memcpy(nids, ids, n * sizeof(*ids));
				ids = nids;
			}
			ids[n++] = st_column_int64(st, 0);
		}
		st_reset(st);
		if (rc != SQLITE_DONE)
			return db_err(ctx, "BOM");
		for (size_t i = 0; i < n; i++)
			if ((e = bom_line_set(ctx, ids[i], true)) != NULL)
				return e;
	}
	if ((e = bom_part_hash(ctx, id, sum)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, bom_sql_part_set);
	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, id);
	st_bind_int64(st, 2, valid);
	st_bind_text(st, 3, valid ? sum : "", -1, SQLITE_TRANSIENT);
	if (ctx->user_id > 0)
		st_bind_int64(st, 4, ctx->user_id);
	else
		st_bind_null(st, 4);
	st_bind_text(st, 5, val_today(ctx), -1, SQLITE_TRANSIENT);
	return db_step(ctx, st, "BOM");
}

struct err *
bom_part_validate(struct ctx *ctx)
{
	long long id;
	bool valid;
	struct err *e;
	cJSON *o;

	if ((e = bom_valid_arg(ctx, &valid)) != NULL)
		return e;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = bom_route_part(ctx, &id);
	if (e == NULL)
		e = bom_part_validate_tx(ctx, id, valid);
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	if ((e = bom_validation_json(ctx, id, &o)) != NULL)
		return e;
	return resp_json(ctx, 200, o);
}

/* PUT/PATCH /api/bom/<pk>/validate/ {"valid": bool}: one line. */
struct err *
bom_item_validate(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	struct val line[BI__N + 1];
	bool valid;
	struct err *e;

	if ((e = bom_valid_arg(ctx, &valid)) != NULL)
		return e;
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = res_load(ctx, &bom_item_resource, id, line);
	if (e == NULL)
		e = bom_line_set(ctx, id, valid);
	if (e == NULL)
		e = bom_recheck(ctx, line[BI_PART].i);
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_bool(o, "valid", valid);
	return resp_json(ctx, 200, o);
}

/* ---- copy ----------------------------------------------------------- */

enum { BC_PART, BC_REMOVE, BC_INHERITED, BC_SKIP, BC_SUBSTITUTES, BC__N };

const struct field bom_copy_fields[] = {
	[BC_PART] = { "part", FT_ID, F_REQUIRED, .ref = &part_resource,
	    .ref_if = "assembly = 1", .help = "Select part to copy BOM from" },
	[BC_REMOVE] = { "remove_existing", FT_BOOL, 0, .def = 1,
	    .label = "Remove Existing Data",
	    .help = "Remove existing BOM items before copying" },
	[BC_INHERITED] = { "include_inherited", FT_BOOL, 0,
	    .help = "Include BOM items which are inherited from templated "
	    "parts" },
	[BC_SKIP] = { "skip_invalid", FT_BOOL, 0, .label = "Skip Invalid Rows",
	    .help = "Enable this option to skip invalid rows" },
	[BC_SUBSTITUTES] = { "copy_substitutes", FT_BOOL, 0, .def = 1,
	    .label = "Copy Substitute Parts",
	    .help = "Copy substitute parts when duplicate BOM items" },
	{ NULL },
};

static const char bom_sql_clear[] = "DELETE FROM bom_item WHERE part = ?";
static const char bom_sql_copy_line[] =
    "INSERT INTO bom_item (part, sub_part, quantity, setup_quantity, "
    "attrition, rounding_multiple, reference, note, optional, consumable, "
    "allow_variants, inherited) SELECT ?2, sub_part, quantity, "
    "setup_quantity, attrition, rounding_multiple, reference, note, "
    "optional, consumable, allow_variants, inherited FROM bom_item WHERE "
    "id = ?1";
static const char bom_sql_copy_subs[] =
    "INSERT INTO bom_item_substitute (bom_item, part) SELECT ?2, part FROM "
    "bom_item_substitute WHERE bom_item = ?1";
static const char bom_sql_source[] =
    "SELECT id, sub_part FROM bom_item WHERE part = ? ORDER BY id";

static struct err *
bom_exec_ids(struct ctx *ctx, const char *sql, long long a, long long b)
{
	db_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, a);
	if (b != 0)
		st_bind_int64(st, 2, b);
	return db_step(ctx, st, "BOM");
}

/*
 * POST /api/part/<pk>/bom-copy/: the lines of another assembly's BOM
 * (and their substitutes) copied into this one's, after removing its own
 * unless asked not to (InvenTree's Part.copy_bom_from()).  A line that
 * would make a cycle fails the whole copy, or is left out with
 * skip_invalid.  One transaction.
 */
static struct err *
bom_copy_tx(struct ctx *ctx, long long id, const struct val *v,
    long long *copied)
{
	struct err *e;
	int rc;

	*copied = 0;
	if (v[BC_PART].i == id)
		return NULL;
	if ((e = bom_check_lock(ctx, id)) != NULL)
		return e;
	if (v[BC_REMOVE].i && (e = bom_exec_ids(ctx, bom_sql_clear, id, 0)) !=
	    NULL)
		return e;
	db_stmt *st = db_prepare(ctx, bom_sql_source);
	if (st == NULL)
		return db_err(ctx, "BOM");
	st_bind_int64(st, 1, v[BC_PART].i);
	long long *src = NULL, *sub = NULL;
	size_t n = 0, cap = 0;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			long long *a = mem_alloc(&ctx->mem, cap * sizeof(*a));
			long long *b = mem_alloc(&ctx->mem, cap * sizeof(*b));
			if (n > 0) {
				memcpy(a, src, n * sizeof(*a));
				memcpy(b, sub, n * sizeof(*b));
			}
			src = a;
			sub = b;
		}
		src[n] = st_column_int64(st, 0);
		sub[n++] = st_column_int64(st, 1);
	}
	st_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(ctx, "BOM");
	for (size_t i = 0; i < n; i++) {
		struct errs es;
		errs_init(&es, ctx);
		if ((e = bom_check_cycle(ctx, id, sub[i], "part", &es)) != NULL)
			return e;
		if (errs_any(&es)) {
			if (v[BC_SKIP].i)
				continue;
			return errs_end(&es);
		}
		if ((e = bom_exec_ids(ctx, bom_sql_copy_line, src[i], id)) !=
		    NULL)
			return e;
		long long line = db_last_id(ctx);
		if (v[BC_SUBSTITUTES].i && (e = bom_exec_ids(ctx,
		    bom_sql_copy_subs, src[i], line)) != NULL)
			return e;
		(*copied)++;
	}
	return bom_recheck(ctx, id);
}

struct err *
bom_copy(struct ctx *ctx)
{
	struct val v[BC__N];
	const cJSON *body;
	struct errs es;
	struct err *e;
	long long id, copied;
	bool exists;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	errs_init(&es, ctx);
	for (int i = 0; i < BC__N; i++)
		val_default(&bom_copy_fields[i], &v[i]);
	val_object(ctx, body, bom_copy_fields, BC__N, v, true, &es);
	if (errs_any(&es))
		return errs_end(&es);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = bom_route_part(ctx, &id);
	if (e == NULL && (e = res_exists(ctx, &part_resource, v[BC_PART].i,
	    &exists)) == NULL && !exists)
		e = err_field(ctx, "part", "Invalid pk \"%lld\" - object does "
		    "not exist.", v[BC_PART].i);
	if (e == NULL)
		e = bom_copy_tx(ctx, id, v, &copied);
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_int(o, "part", v[BC_PART].i);
	json_bool(o, "remove_existing", v[BC_REMOVE].i != 0);
	json_bool(o, "include_inherited", v[BC_INHERITED].i != 0);
	json_bool(o, "skip_invalid", v[BC_SKIP].i != 0);
	json_bool(o, "copy_substitutes", v[BC_SUBSTITUTES].i != 0);
	return resp_json(ctx, 201, o);
}
