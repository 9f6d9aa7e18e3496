/*
 * build: build orders and their status.  See build.h.
 */
#include <stdio.h>
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

#include "accounts/account.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "manufacturing/build.h"
#include "manufacturing/output.h"
#include "tasks/event.h"

#define LIKE	" LIKE ? ESCAPE '\\'"

/* InvenTree's default BUILDORDER_REFERENCE_PATTERN. */
#define BUILD_PATTERN		"BO-{ref:04d}"
#define BUILD_PREFIX		"BO-"

const struct choice build_statuses[] = {
	{ BUILD_PENDING, "Pending", "PENDING", "secondary" },
	{ BUILD_PRODUCTION, "Production", "PRODUCTION", "primary" },
	{ BUILD_ON_HOLD, "On Hold", "ON_HOLD", "warning" },
	{ BUILD_CANCELLED, "Cancelled", "CANCELLED", "danger" },
	{ BUILD_COMPLETE, "Complete", "COMPLETE", "success" },
	{ 0, NULL, NULL, NULL },
};

/* The open statuses (InvenTree's BuildStatusGroups.ACTIVE_CODES). */
#define BUILD_ACTIVE	"(10, 20, 25)"

enum { BF_REFERENCE, BF_TITLE, BF_PART, BF_PART_NAME, BF_QUANTITY, BF_BATCH,
	BF_PARENT, BF_TAKE_FROM, BF_DESTINATION, BF_STATUS, BF_STATUS_TEXT,
	BF_STATUS_CUSTOM, BF_CREATION_DATE, BF_START_DATE, BF_TARGET_DATE,
	BF_COMPLETION_DATE, BF_COMPLETED, BF_ISSUED_BY, BF_RESPONSIBLE,
	BF_PRIORITY, BF_EXTERNAL, BF_LINK, BF_NOTES, BF_LEVEL, BF_OVERDUE,
	BF_SALES_ORDER, BF_PROJECT_CODE, BF_PROJECT_CODE_LABEL, BF_BARCODE_HASH,
	BF_REFERENCE_INT, BF__N };

static const struct field build_fields[] = {
	[BF_REFERENCE] = { "reference", FT_TEXT,
	    F_REQUIRED | F_NOT_BLANK | F_FILTER | F_ORDER, 64,
	    .help = "Build Order Reference" },
	[BF_TITLE] = { "title", FT_TEXT, F_ORDER, 100, .label = "Description",
	    .help = "Brief description of the build (optional)" },
	[BF_PART] = { "part", FT_ID, F_REQUIRED | F_FILTER,
	    .ref = &part_resource, .ref_if = "assembly = 1",
	    .help = "Select part to build" },
	[BF_PART_NAME] = { "part_name", FT_TEXT, F_READ_ONLY,
	    .col = "(SELECT name FROM part WHERE id = b.part)" },
	[BF_QUANTITY] = { "quantity", FT_DEC, F_REQUIRED | F_ORDER,
	    .label = "Build Quantity", .help = "Number of stock items to "
	    "build" },
	[BF_BATCH] = { "batch", FT_TEXT, F_NULL | F_FILTER, 100,
	    .label = "Batch Code", .help = "Batch code for this build output" },
	[BF_PARENT] = { "parent", FT_ID, F_NULL | F_FILTER,
	    .ref = &build_resource, .label = "Parent Build",
	    .help = "BuildOrder to which this build is allocated" },
	[BF_TAKE_FROM] = { "take_from", FT_ID, F_NULL,
	    .ref = &location_resource, .label = "Source Location",
	    .help = "Select location to take stock from for this build "
	    "(leave blank to take from any stock location)" },
	[BF_DESTINATION] = { "destination", FT_ID, F_NULL,
	    .ref = &location_resource, .label = "Destination Location",
	    .help = "Select location where the completed items will be "
	    "stored" },
	[BF_STATUS] = { "status", FT_CHOICE,
	    F_READ_ONLY | F_FILTER | F_ORDER, .col = "status",
	    .choices = build_statuses, .label = "Build Status" },
	[BF_STATUS_TEXT] = { "status_text", FT_CHOICE, F_READ_ONLY | F_LABEL,
	    .col = "status", .choices = build_statuses },
	[BF_STATUS_CUSTOM] = { "status_custom_key", FT_INT,
	    F_READ_ONLY | F_NULL, .col = "NULL" },
	[BF_CREATION_DATE] = { "creation_date", FT_DATE,
	    F_READ_ONLY | F_STORED | F_ORDER, .col = "creation_date" },
	[BF_START_DATE] = { "start_date", FT_DATE, F_NULL | F_ORDER,
	    .label = "Build start date" },
	[BF_TARGET_DATE] = { "target_date", FT_DATE, F_NULL | F_ORDER,
	    .label = "Target completion date" },
	[BF_COMPLETION_DATE] = { "completion_date", FT_DATE,
	    F_READ_ONLY | F_STORED | F_NULL | F_ORDER,
	    .col = "completion_date" },
	/* Outputs completed: none until outputs exist. */
	[BF_COMPLETED] = { "completed", FT_DEC, F_READ_ONLY,
	    .col = "completed", .label = "Completed items" },
	[BF_ISSUED_BY] = { "issued_by", FT_ID,
	    F_READ_ONLY | F_STORED | F_NULL | F_FILTER, .col = "issued_by",
	    .ref = &user_resource, .help = "User who issued this build order" },
	/* No owners yet: nobody is responsible. */
	[BF_RESPONSIBLE] = { "responsible", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "NULL" },
	[BF_PRIORITY] = { "priority", FT_INT, F_ORDER,
	    .label = "Build Priority", .help = "Priority of this build order" },
	[BF_EXTERNAL] = { "external", FT_BOOL, F_FILTER,
	    .help = "This build order is fulfilled externally" },
	[BF_LINK] = { "link", FT_URL, 0, 2000,
	    .help = "Link to external URL" },
	[BF_NOTES] = { "notes", FT_NOTES, 0, 50000 },
	[BF_LEVEL] = { "level", FT_INT, F_READ_ONLY | F_STORED | F_ORDER,
	    .col = "level" },
	[BF_OVERDUE] = { "overdue", FT_BOOL, F_READ_ONLY,
	    .col = "(b.status IN " BUILD_ACTIVE " AND b.target_date IS NOT "
	    "NULL AND b.target_date < strftime('%Y-%m-%d', 'now'))" },
	/* No sales orders or project codes yet. */
	[BF_SALES_ORDER] = { "sales_order", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "NULL" },
	[BF_PROJECT_CODE] = { "project_code", FT_INT, F_READ_ONLY | F_NULL,
	    .col = "NULL" },
	[BF_PROJECT_CODE_LABEL] = { "project_code_label", FT_TEXT,
	    F_READ_ONLY | F_NULL, .col = "NULL" },
	[BF_BARCODE_HASH] = { "barcode_hash", FT_TEXT, F_READ_ONLY,
	    .col = "barcode_hash" },
	/* The number in the reference, for ordering; not shown. */
	[BF_REFERENCE_INT] = { "reference_int", FT_INT,
	    F_READ_ONLY | F_STORED | F_HOOK, .col = "reference_int" },
};
_Static_assert(sizeof(build_fields) / sizeof(build_fields[0]) == BF__N,
    "build fields");

static const struct res_filter build_filters[] = {
	{ "active", FT_BOOL, " AND b.status IN " BUILD_ACTIVE,
	  " AND b.status NOT IN " BUILD_ACTIVE, NULL, NULL, false },
	{ "outstanding", FT_BOOL, " AND b.status IN " BUILD_ACTIVE,
	  " AND b.status NOT IN " BUILD_ACTIVE, NULL, NULL, false },
	{ "overdue", FT_BOOL, " AND b.status IN " BUILD_ACTIVE " AND "
	  "b.target_date < strftime('%Y-%m-%d', 'now')", " AND NOT (b.status "
	  "IN " BUILD_ACTIVE " AND b.target_date IS NOT NULL AND b.target_date "
	  "< strftime('%Y-%m-%d', 'now'))", NULL, NULL, false },
};

static const struct res_order build_orders[] = {
	{ "reference", "b.reference_int, b.reference, b.id",
	  "b.reference_int DESC, b.reference DESC, b.id DESC" },
	{ "part__name", "(SELECT name FROM part WHERE id = b.part), b.id",
	  "(SELECT name FROM part WHERE id = b.part) DESC, b.id DESC" },
};

/* The reference, title and batch; the part's name, IPN and description. */
#define BUILD_SEARCH " AND (b.reference" LIKE " OR b.title" LIKE \
	" OR b.batch" LIKE " OR b.part IN (SELECT id FROM part WHERE name" \
	LIKE " OR IPN" LIKE " OR description" LIKE "))"

static const struct list_search build_search = {
	BUILD_SEARCH, 0, 6, BUILD_SEARCH, 6, NULL,
};

/* part_detail: the part, always (InvenTree's serializer nests it). */
struct build_view {
	db_stmt	*part;
};

static void
build_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	struct build_view *v = view;
	db_stmt *once = NULL;
	cJSON *d = res_nested(ctx, &part_resource, v != NULL ? &v->part :
	    &once, st_column_int64(st, res_col(&build_resource, BF_PART)),
	    NULL);

	if (d != NULL)
		json_item(o, "part_detail", d);
	else
		json_null(o, "part_detail");
}

/* "BO-" and 1 to 15 digits: the number, into *n; false when it is not. */
static bool
build_reference_number(const char *ref, long long *n)
{
	size_t len = strlen(BUILD_PREFIX), digits = 0;

	if (strncmp(ref, BUILD_PREFIX, len) != 0)
		return false;
	*n = 0;
	for (const char *p = ref + len; *p != '\0'; p++, digits++) {
		if (*p < '0' || *p > '9' || digits == 15)
			return false;
		*n = *n * 10 + (*p - '0');
	}
	return digits > 0;
}

static const char build_sql_dup[] =
    "SELECT 1 FROM build WHERE reference = ?1 AND id <> ?2";
static const char build_sql_parent[] =
    "SELECT parent, level FROM build WHERE id = ?";
static const char build_sql_trackable[] =
    "SELECT trackable FROM part WHERE id = ?";

/* Whether build id is above or is `below` (walking up from below). */
static struct err *
build_is_above(struct ctx *ctx, long long id, long long below, bool *above,
    long long *level)
{
	db_stmt *st = db_prepare(ctx, build_sql_parent);
	struct err *e;
	bool found;
	int depth = 0;

	*above = false;
	*level = 0;
	if (st == NULL)
		return db_err(ctx, "build");
	for (long long at = below; at != 0 && depth < 10000; depth++) {
		if (at == id) {
			*above = true;
			return NULL;
		}
		st_bind_int64(st, 1, at);
		if ((e = db_row(ctx, st, "build", &found)) != NULL)
			return e;
		long long up = found && st_column_type(st, 0) != SQLITE_NULL ?
		    st_column_int64(st, 0) : 0;
		if (at == below && found)
			*level = st_column_int64(st, 1) + 1;
		st_reset(st);
		at = up;
	}
	return NULL;
}

/* The reference's pattern and uniqueness, the quantity, the dates, the
 * parent; on create, the status, date, issuer and level. */
static struct err *
build_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct err *e;
	long long n = 0, level = 0;
	bool found, above;

	if (!errs_has(es, "reference")) {
		if (!build_reference_number(v[BF_REFERENCE].s, &n))
			errs_add(es, "reference", "Reference must match "
			    "required pattern: " BUILD_PATTERN);
		else {
			db_stmt *st = db_prepare(ctx, build_sql_dup);
			if (st == NULL)
				return db_err(ctx, "build");
			st_bind_text(st, 1, v[BF_REFERENCE].s, -1,
			    SQLITE_STATIC);
			st_bind_int64(st, 2, w->id);
			if ((e = db_row(ctx, st, "build", &found)) != NULL)
				return e;
			st_reset(st);
			if (found)
				errs_add(es, "reference", "Build Order with "
				    "this Reference already exists.");
			v[BF_REFERENCE_INT].i = n;
			v[BF_REFERENCE_INT].null = false;
		}
	}
	if (!errs_has(es, "quantity") && v[BF_QUANTITY].i < DEC_SCALE)
		errs_add(es, "quantity", "Ensure this value is greater than or "
		    "equal to 1.");
	if (!errs_has(es, "priority") && v[BF_PRIORITY].i < 0)
		errs_add(es, "priority", "Ensure this value is greater than or "
		    "equal to 0.");
	if (!errs_has(es, "part") && !errs_has(es, "quantity")) {
		db_stmt *st = db_prepare(ctx, build_sql_trackable);
		if (st == NULL)
			return db_err(ctx, "build");
		st_bind_int64(st, 1, v[BF_PART].i);
		if ((e = db_row(ctx, st, "build", &found)) != NULL)
			return e;
		bool trackable = found && st_column_int64(st, 0) != 0;
		st_reset(st);
		if (trackable && v[BF_QUANTITY].i % DEC_SCALE != 0)
			errs_add(es, "quantity", "Build quantity must be "
			    "integer value for trackable parts");
	}
	if (!v[BF_START_DATE].null && !v[BF_TARGET_DATE].null &&
	    v[BF_START_DATE].s != NULL && v[BF_TARGET_DATE].s != NULL &&
	    strcmp(v[BF_TARGET_DATE].s, v[BF_START_DATE].s) < 0)
		errs_add(es, "target_date", "Target date must be after start "
		    "date");
	if (!errs_has(es, "parent") && !v[BF_PARENT].null) {
		if ((e = build_is_above(ctx, w->id, v[BF_PARENT].i, &above,
		    &level)) != NULL)
			return e;
		if (w->id != 0 && above)
			errs_add(es, "parent", "Build order cannot be a "
			    "parent of itself");
	}
	v[BF_LEVEL].i = level;
	v[BF_LEVEL].null = false;
	if (w->create) {
		v[BF_CREATION_DATE].s = val_today(ctx);
		v[BF_CREATION_DATE].null = false;
		v[BF_COMPLETION_DATE].null = true;
		v[BF_ISSUED_BY].i = ctx->user_id;
		v[BF_ISSUED_BY].null = ctx->user_id <= 0;
	}
	return NULL;
}

/* Only a cancelled build may be deleted. */
static struct err *
build_deleting(struct ctx *ctx, struct res_del *d)
{
	struct val v[BF__N + 1];
	struct err *e;

	if ((e = res_load(ctx, d->res, d->id, v)) != NULL)
		return e;
	if (v[BF_STATUS].i != BUILD_CANCELLED)
		return err_field(ctx, "non_field_errors", "Build must be "
		    "cancelled before it can be deleted");
	return NULL;
}

/* Its lines, from its part's BOM x its quantity: made on create, kept
 * when the part or the quantity changes (output.c). */
static struct err *
build_written(struct ctx *ctx, struct res_write *w)
{
	if (!w->create && w->old != NULL &&
	    w->old[BF_PART].i == w->v[BF_PART].i &&
	    w->old[BF_QUANTITY].i == w->v[BF_QUANTITY].i)
		return NULL;
	return build_lines_sync(ctx, w->id, w->v[BF_PART].i,
	    w->v[BF_QUANTITY].i);
}

static const struct res_hooks build_hooks = {
	.view_size = sizeof(struct build_view),
	.render = build_render,
	.validate = build_validate,
	.written = build_written,
	.deleting = build_deleting,
};

static struct res_sql build_sql;

const struct resource build_resource = {
	.model = "build",
	.name = "Build",
	.table = "build",
	.alias = "b",
	.path = "/api/build/",
	.area = "build",
	.noun = "build order",
	.plural = "build orders",
	RES_FIELDS(build_fields),
	RES_FILTERS(build_filters),
	RES_ORDERS(build_orders),
	.order = "b.reference_int DESC, b.id DESC",
	.search = &build_search,
	.hooks = &build_hooks,
	.flags = RES_METADATA,
	.sql = &build_sql,
};

/* ---- actions -------------------------------------------------------- */

static const char build_sql_status[] = "SELECT status FROM build WHERE id = ?";
static const char build_sql_set[] =
    "UPDATE build SET status = ?2, completion_date = ?3 WHERE id = ?1";

/* What a move does besides the status: cancel's options; its event
 * (InvenTree's build.issued, build.hold, build.cancelled). */
struct build_then {
	bool		 release, remove_stock, remove_outputs;
	enum event_kind	 event;
};

/*
 * Moves build <pk> to status `to` if it is in one of `from` (ends with
 * 0), in one transaction; else 400 with msg.  completion_date is set
 * (cancel) or left as it is; then does what `then` says and emits its
 * event, in the same transaction.
 */
static struct err *
build_move(struct ctx *ctx, const int *from, int to, bool dated,
    const char *msg, const struct build_then *then)
{
	long long id = route_param_id(ctx, "pk");
	struct err *e;
	bool found, ok = false;

	if ((e = db_begin(ctx)) != NULL)
		return e;
	db_stmt *st = db_prepare(ctx, build_sql_status);
	if (st == NULL)
		return db_end(ctx, db_err(ctx, "build"));
	st_bind_int64(st, 1, id);
	if ((e = db_row(ctx, st, "build", &found)) != NULL)
		return db_end(ctx, e);
	long long status = found ? st_column_int64(st, 0) : 0;
	st_reset(st);
	if (!found)
		return db_end(ctx, err_not_found(ctx, "Build"));
	for (const int *f = from; *f != 0; f++)
		ok = ok || status == *f;
	if (!ok)
		return db_end(ctx, err_field(ctx, "non_field_errors", "%s",
		    msg));
	if ((st = db_prepare(ctx, build_sql_set)) == NULL)
		return db_end(ctx, db_err(ctx, "build"));
	st_bind_int64(st, 1, id);
	st_bind_int64(st, 2, to);
	if (dated)
		st_bind_text(st, 3, val_today(ctx), -1, SQLITE_TRANSIENT);
	else
		st_bind_null(st, 3);
	if ((e = db_step(ctx, st, "build")) != NULL)
		return db_end(ctx, e);
	if (then->release && (e = build_release(ctx, id,
	    then->remove_stock, then->remove_outputs)) != NULL)
		return db_end(ctx, e);
	return db_end(ctx, event_emit(ctx, then->event, id));
}

/* POST /api/build/<pk>/issue/: Pending or On hold to Production. */
struct err *
build_issue(struct ctx *ctx)
{
	static const int from[] = { BUILD_PENDING, BUILD_ON_HOLD, 0 };
	static const struct build_then then = { .event = EVENT_BUILD_ISSUED };
	struct err *e;

	if ((e = build_move(ctx, from, BUILD_PRODUCTION, false, "Build order "
	    "must be pending or on hold to be issued", &then)) != NULL)
		return e;
	return resp_json(ctx, 201, cJSON_CreateObject());
}

/* POST /api/build/<pk>/hold/: Pending or Production to On hold. */
struct err *
build_hold(struct ctx *ctx)
{
	static const int from[] = { BUILD_PENDING, BUILD_PRODUCTION, 0 };
	static const struct build_then then = { .event = EVENT_BUILD_HOLD };
	struct err *e;

	if ((e = build_move(ctx, from, BUILD_ON_HOLD, false, "Build order "
	    "must be pending or in production to be placed on hold",
	    &then)) != NULL)
		return e;
	return resp_json(ctx, 201, cJSON_CreateObject());
}

/*
 * POST /api/build/<pk>/cancel/ {remove_allocated_stock,
 * remove_incomplete_outputs}: an open build cancelled, dated today.  Its
 * allocations are released, or consumed with remove_allocated_stock; its
 * outputs in production deleted with remove_incomplete_outputs (else
 * they stay, never completed).
 */
struct err *
build_cancel(struct ctx *ctx)
{
	static const int from[] = { BUILD_PENDING, BUILD_PRODUCTION,
	    BUILD_ON_HOLD, 0 };
	static const struct field opts[] = {
		{ "remove_allocated_stock", FT_BOOL, 0 },
		{ "remove_incomplete_outputs", FT_BOOL, 0 },
	};
	struct val v[2];
	const cJSON *body;
	struct errs es;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	errs_init(&es, ctx);
	for (int i = 0; i < 2; i++)
		val_default(&opts[i], &v[i]);
	val_object(ctx, body, opts, 2, v, true, &es);
	if (errs_any(&es))
		return errs_end(&es);
	struct build_then then = { .release = true,
	    .remove_stock = v[0].i != 0, .remove_outputs = v[1].i != 0,
	    .event = EVENT_BUILD_CANCELLED };
	if ((e = build_move(ctx, from, BUILD_CANCELLED, true, "Build order "
	    "is not open: it cannot be cancelled", &then)) != NULL)
		return e;
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_bool(o, "remove_allocated_stock", v[0].i != 0);
	json_bool(o, "remove_incomplete_outputs", v[1].i != 0);
	return resp_json(ctx, 201, o);
}
