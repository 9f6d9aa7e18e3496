/*
 * attachment.cgi: files and links attached to parts and stock items
 * (/api/attachment/...), as InvenTree's generic attachments.
 *
 * Permissions follow the object an attachment belongs to: the "part" rule
 * set for model_type "part", "stock" for "stockitem".  The routes are open
 * to any signed-in user because the area depends on the row or the body;
 * each handler then checks it (perm_has()).  Viewing the object lets a
 * user list and download its attachments; adding, changing or deleting
 * them needs change.  An attachment of an object the user cannot view is
 * a 404, as if it did not exist.
 */
#include <string.h>
#include <strings.h>

#include "stockroom.h"
#include "tasks/event.h"
#include "list.h"
#include "files/media.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ATT_COMMENT_MAX	250
#define ATT_LINK_MAX	2000

static const char att_select[] =
    "SELECT a.id, a.model_type, a.model_id, a.file, a.link, a.comment, "
    "a.filename, a.file_size, a.upload_date, a.upload_user "
    "FROM attachment a WHERE 1";
static const char att_count[] = "SELECT count(*) FROM attachment a WHERE 1";
static const char att_sql_one[] =
    "SELECT a.id, a.model_type, a.model_id, a.file, a.link, a.comment, "
    "a.filename, a.file_size, a.upload_date, a.upload_user "
    "FROM attachment a WHERE a.id = ?";
static const char att_sql_insert[] =
    "INSERT INTO attachment (model_type, model_id, file, link, comment, "
    "filename, file_size, upload_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char att_sql_update[] =
    "UPDATE attachment SET comment = ?, link = ? WHERE id = ?";
static const char att_sql_delete[] = "DELETE FROM attachment WHERE id = ?";
/* Only attachments of objects the user may view (two 0/1 binds). */
static const char att_visible[] =
    " AND ((a.model_type = 'part' AND ?) OR "
    "(a.model_type = 'stockitem' AND ?))";

static const struct list_filter att_filters[] = {
	{ "model_type", LIST_TEXT, " AND a.model_type = ?", NULL, NULL, NULL },
	{ "model_id", LIST_INT, " AND a.model_id = ?", NULL, NULL, NULL },
};

static const struct list_order att_orders[] = {
	{ "pk", "a.id", "a.id DESC" },
	{ "id", "a.id", "a.id DESC" },
	{ "filename", "a.filename, a.id", "a.filename DESC, a.id DESC" },
	{ "file_size", "a.file_size, a.id", "a.file_size DESC, a.id DESC" },
	{ "upload_date", "a.upload_date, a.id",
	  "a.upload_date DESC, a.id DESC" },
	{ "comment", "a.comment, a.id", "a.comment DESC, a.id DESC" },
};

/* One row of att_select as the API shows it.  No arena allocation. */
static cJSON *
att_json(struct ctx *ctx, sqlite3_stmt *st, void *arg)
{
	char url[MEDIA_PATH_MAX + 2048];
	cJSON *o = cJSON_CreateObject();

	(void)arg;
	if (o == NULL)
		mem_oom();
	cJSON_AddNumberToObject(o, "pk", (double)sqlite3_column_int64(st, 0));
	cJSON_AddStringToObject(o, "model_type",
	    (const char *)sqlite3_column_text(st, 1));
	cJSON_AddNumberToObject(o, "model_id",
	    (double)sqlite3_column_int64(st, 2));
	if (sqlite3_column_type(st, 3) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "attachment");
	else
		cJSON_AddStringToObject(o, "attachment", media_url(ctx,
		    (const char *)sqlite3_column_text(st, 3), url,
		    sizeof(url)));
	cJSON_AddStringToObject(o, "link",
	    (const char *)sqlite3_column_text(st, 4));
	cJSON_AddStringToObject(o, "comment",
	    (const char *)sqlite3_column_text(st, 5));
	cJSON_AddStringToObject(o, "filename",
	    (const char *)sqlite3_column_text(st, 6));
	cJSON_AddNumberToObject(o, "file_size",
	    (double)sqlite3_column_int64(st, 7));
	cJSON_AddStringToObject(o, "upload_date",
	    (const char *)sqlite3_column_text(st, 8));
	if (sqlite3_column_type(st, 9) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "upload_user");
	else
		cJSON_AddNumberToObject(o, "upload_user",
		    (double)sqlite3_column_int64(st, 9));
	cJSON_AddBoolToObject(o, "is_link",
	    sqlite3_column_type(st, 3) == SQLITE_NULL);
	return o;
}

/* GET /api/attachment/ */
static int
att_list(struct ctx *ctx)
{
	struct list_q q;
	int rc;
	const char *mt = req_query(ctx, "model_type");

	if (mt != NULL && media_model_area(mt) < 0)
		return resp_field_error(ctx, "model_type", "Select a valid "
		    "choice. \"%.40s\" is not one of the available choices.",
		    mt);
	list_init(&q, ctx, "a.id");
	list_where(&q, att_visible);
	list_bind_int(&q, perm_has(ctx, PAREA_PART, PERM_VIEW));
	list_bind_int(&q, perm_has(ctx, PAREA_STOCK, PERM_VIEW));
	if ((rc = list_filters(&q, att_filters, NELEM(att_filters),
	    false)) != 0 || (rc = list_page(&q)) != 0)
		return rc;
	list_ordering(&q, att_orders, NELEM(att_orders));
	return list_run(&q, att_select, att_count, att_json, NULL);
}

/*
 * Loads attachment id for a user who may view its object, leaving *st on
 * its row and *area set.  Returns 0, or the status set (404 when it does
 * not exist or its object is hidden from the user).
 */
static int
att_load(struct ctx *ctx, long long id, sqlite3_stmt **st, int *area)
{
	*st = db_prepare(ctx, att_sql_one);
	if (*st == NULL)
		return ctx->resp.status;
	sqlite3_bind_int64(*st, 1, id);
	int rc = sqlite3_step(*st);
	if (rc == SQLITE_DONE)
		return resp_error(ctx, 404, "No Attachment matches the given "
		    "query.");
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "attachment load");
	*area = media_model_area((const char *)sqlite3_column_text(*st, 1));
	if (*area < 0 || !perm_has(ctx, *area, PERM_VIEW))
		return resp_error(ctx, 404, "No Attachment matches the given "
		    "query.");
	return 0;
}

/* The answer for attachment id (after a change). */
static int
att_answer(struct ctx *ctx, long long id, int status)
{
	sqlite3_stmt *st;
	int area;
	int rc = att_load(ctx, id, &st, &area);

	if (rc != 0)
		return rc;
	return resp_json(ctx, status, att_json(ctx, st, NULL));
}

/* GET /api/attachment/<pk>/ */
static int
att_detail(struct ctx *ctx)
{
	return att_answer(ctx, route_param_id(ctx, "pk"), 200);
}

/* A string field of the body, NULL when absent; *bad when not a string. */
static const char *
att_string(const cJSON *body, const char *name, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);

	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = true;
		return NULL;
	}
	return v->valuestring;
}

/*
 * Checks a link: an absolute http or https URL with a host, no spaces or
 * control characters, at most ATT_LINK_MAX bytes.  Returns NULL or the
 * message for the field.
 */
static const char *
att_link_error(const char *s)
{
	size_t n = strlen(s), skip;

	if (n > ATT_LINK_MAX)
		return "Ensure this field has no more than 2000 characters.";
	if (strncasecmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return "Enter a valid URL (http or https).";
	if (!txt_utf8_valid(s, n, false) || strpbrk(s, " \t") != NULL ||
	    s[skip] == '\0' || strchr("/?#@:", s[skip]) != NULL)
		return "Enter a valid URL (http or https).";
	return NULL;
}

static void
att_err(cJSON *errs, const char *field, const char *msg)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(errs, field);

	if (a == NULL)
		a = cJSON_AddArrayToObject(errs, field);
	cJSON_AddItemToArray(a, cJSON_CreateString(msg));
}

/*
 * POST /api/attachment/: multipart with the file in "attachment", or a
 * "link"; model_type, model_id and an optional comment.
 */
static int
att_create(struct ctx *ctx)
{
	const cJSON *body;
	bool bad_mt = false, bad_link = false, bad_comment = false;
	long long model_id = 0;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0)
		return rc;
	cJSON *errs = cJSON_CreateObject();
	if (errs == NULL)
		mem_oom();
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, errs);

	const char *mt = att_string(body, "model_type", &bad_mt);
	int area = mt != NULL ? media_model_area(mt) : -1;
	if (mt == NULL && !bad_mt)
		att_err(errs, "model_type", "This field is required.");
	else if (area < 0)
		att_err(errs, "model_type", "Select a valid choice.");
	const cJSON *mid = cJSON_GetObjectItemCaseSensitive(body, "model_id");
	if (mid == NULL || cJSON_IsNull(mid))
		att_err(errs, "model_id", "This field is required.");
	else if (!(cJSON_IsString(mid) && txt_parse_int64(mid->valuestring, 1,
	    999999999999999LL, &model_id)) && !(cJSON_IsNumber(mid) &&
	    mid->valuedouble >= 1 && mid->valuedouble <= 999999999999999.0 &&
	    (model_id = (long long)mid->valuedouble) == mid->valuedouble))
		att_err(errs, "model_id", "A valid integer is required.");
	const char *comment = att_string(body, "comment", &bad_comment);
	if (bad_comment)
		att_err(errs, "comment", "Not a valid string.");
	else if (comment != NULL && strlen(comment) > ATT_COMMENT_MAX)
		att_err(errs, "comment", "Ensure this field has no more than "
		    "250 characters.");
	const char *link = att_string(body, "link", &bad_link);
	if (link != NULL && link[0] == '\0')
		link = NULL;
	const char *lerr = link != NULL ? att_link_error(link) : NULL;
	if (bad_link || lerr != NULL)
		att_err(errs, "link", lerr != NULL ? lerr :
		    "Not a valid string.");
	struct req_file *f = req_file(ctx, "attachment");
	if (f != NULL && link != NULL)
		att_err(errs, "non_field_errors", "Give a file or a link, "
		    "not both.");
	else if (f == NULL && link == NULL && !bad_link)
		att_err(errs, "attachment", "Missing file: give a file in "
		    "\"attachment\" or a \"link\".");
	if (cJSON_GetArraySize(errs) > 0) {
		ctx->resp.status = 400;
		ctx->resp.json = errs;
		return 400;
	}

	/* The object: hidden or missing is the same answer. */
	if (!perm_has(ctx, area, PERM_VIEW) ||
	    (rc = media_object_exists(ctx, mt, model_id)) == 0)
		return resp_field_error(ctx, "model_id", "Invalid pk \"%lld\" "
		    "- object does not exist.", model_id);
	if (rc < 0)
		return ctx->resp.status;
	if (!perm_has(ctx, area, PERM_CHANGE))
		return resp_error(ctx, 403, "You do not have permission to "
		    "perform this action.");

	const char *rel = NULL;
	if (f != NULL && (rc = media_store(ctx, f, "attachments", &rel)) != 0)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_begin(ctx)) != 0 ||
	    (st = db_prepare(ctx, att_sql_insert)) == NULL) {
		rc = rc != 0 ? rc : ctx->resp.status;
		media_discard(ctx, rel);
		db_rollback(ctx);
		return rc;
	}
	sqlite3_bind_text(st, 1, mt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, model_id);
	if (rel != NULL)
		sqlite3_bind_text(st, 3, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, link != NULL ? link : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, comment != NULL ? comment : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f != NULL ? f->filename : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, f != NULL ? f->size : 0);
	sqlite3_bind_int64(st, 8, ctx->user_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(ctx, "attachment insert");
		db_rollback(ctx);
		media_discard(ctx, rel);
		return rc;
	}
	long long id = sqlite3_last_insert_rowid(ctx->db);
	if ((rc = db_commit(ctx)) != 0) {
		media_discard(ctx, rel);
		return rc;
	}
	return att_answer(ctx, id, 201);
}

/* PATCH /api/attachment/<pk>/: comment, and link for a link attachment. */
static int
att_update(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	const cJSON *body;
	sqlite3_stmt *st, *up;
	bool bad = false;
	int rc, area;

	if ((rc = req_data(ctx, &body)) != 0 ||
	    (rc = att_load(ctx, id, &st, &area)) != 0)
		return rc;
	if (!perm_has(ctx, area, PERM_CHANGE))
		return resp_error(ctx, 403, "You do not have permission to "
		    "perform this action.");
	bool is_file = sqlite3_column_type(st, 3) != SQLITE_NULL;
	const char *comment = att_string(body, "comment", &bad);
	if (bad || (comment != NULL && strlen(comment) > ATT_COMMENT_MAX))
		return resp_field_error(ctx, "comment", "Ensure this field is "
		    "a string of no more than 250 characters.");
	const char *link = att_string(body, "link", &bad);
	if (bad)
		return resp_field_error(ctx, "link", "Not a valid string.");
	if (link != NULL) {
		const char *lerr;
		if (is_file && link[0] != '\0')
			return resp_field_error(ctx, "link", "A file "
			    "attachment cannot also have a link.");
		if (!is_file && (lerr = att_link_error(link)) != NULL)
			return resp_field_error(ctx, "link", "%s", lerr);
	}
	comment = mem_strdup(&ctx->mem, comment != NULL ? comment :
	    (const char *)sqlite3_column_text(st, 5));
	link = mem_strdup(&ctx->mem, link != NULL && !is_file ? link :
	    (const char *)sqlite3_column_text(st, 4));
	sqlite3_reset(st);
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((up = db_prepare(ctx, att_sql_update)) == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_text(up, 1, comment, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 2, link, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 3, id);
	if (sqlite3_step(up) != SQLITE_DONE) {
		rc = db_fail(ctx, "attachment update");
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	return att_answer(ctx, id, 200);
}

/*
 * DELETE /api/attachment/<pk>/.  The schema records the file as an orphan
 * in the same transaction, and the event's handler enqueues the
 * media_sweep task that removes its bytes once the delete has committed.
 */
static int
att_delete(struct ctx *ctx)
{
	long long id = route_param_id(ctx, "pk");
	sqlite3_stmt *st, *del;
	int rc, area;

	if ((rc = att_load(ctx, id, &st, &area)) != 0)
		return rc;
	sqlite3_reset(st);
	if (!perm_has(ctx, area, PERM_CHANGE))
		return resp_error(ctx, 403, "You do not have permission to "
		    "perform this action.");
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	if ((del = db_prepare(ctx, att_sql_delete)) == NULL) {
		db_rollback(ctx);
		return ctx->resp.status;
	}
	sqlite3_bind_int64(del, 1, id);
	if (sqlite3_step(del) != SQLITE_DONE)
		rc = db_fail(ctx, "attachment delete");
	else
		rc = event_emit(ctx, EVENT_ATTACHMENT_DELETED, id);
	if (rc != 0) {
		db_rollback(ctx);
		return rc;
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

/*
 * DELETE /api/attachment/ {"items": [pk, ...]} (inventree-python's
 * Attachment.bulkDelete): all or nothing; each needs change on its object,
 * an attachment the user may not see is a 404 as on its own.
 */
static int
att_delete_bulk(struct ctx *ctx)
{
	const cJSON *body, *items;
	int rc;

	if ((rc = req_data(ctx, &body)) != 0)
		return rc;
	items = cJSON_GetObjectItemCaseSensitive(body, "items");
	if (!cJSON_IsArray(items) || items->child == NULL)
		return resp_field_error(ctx, "non_field_errors", "List of "
		    "items must be provided for bulk operation");
	if (cJSON_GetArraySize(items) > 1000)
		return resp_field_error(ctx, "items", "At most 1000 items in "
		    "one request.");
	if ((rc = db_begin(ctx)) != 0)
		return rc;
	for (const cJSON *it = items->child; it != NULL; it = it->next) {
		long long id = 0;
		sqlite3_stmt *st, *del;
		int area;
		if (cJSON_IsNumber(it) && it->valuedouble >= 1 &&
		    it->valuedouble <= 999999999999999.0 &&
		    it->valuedouble == (double)(long long)it->valuedouble)
			id = (long long)it->valuedouble;
		else if (cJSON_IsString(it))
			txt_parse_int64(it->valuestring, 1, 999999999999999LL,
			    &id);
		if (id <= 0)
			rc = resp_field_error(ctx, "items", "Incorrect type. "
			    "Expected pk value.");
		else if ((rc = att_load(ctx, id, &st, &area)) == 0 &&
		    !perm_has(ctx, area, PERM_CHANGE))
			rc = resp_error(ctx, 403, "You do not have permission "
			    "to perform this action.");
		if (rc == 0 && (del = db_prepare(ctx, att_sql_delete)) == NULL)
			rc = ctx->resp.status;
		else if (rc == 0) {
			sqlite3_bind_int64(del, 1, id);
			if (sqlite3_step(del) != SQLITE_DONE)
				rc = db_fail(ctx, "attachment delete");
			else
				rc = event_emit(ctx, EVENT_ATTACHMENT_DELETED,
				    id);
		}
		if (rc != 0) {
			db_rollback(ctx);
			return rc;
		}
	}
	if ((rc = db_commit(ctx)) != 0)
		return rc;
	ctx->resp.status = 204;
	return 204;
}

static const struct route attachment_routes[] = {
	{ "GET", "/api/attachment/", AREA_USER, PERM_VIEW, att_list,
	  "List attachments (of objects the user may view)", 0 },
	{ "POST", "/api/attachment/", AREA_USER, PERM_METHOD, att_create,
	  "Attach a file or link (needs change on the object)", 0 },
	{ "GET", "/api/attachment/<pk>/", AREA_USER, PERM_VIEW, att_detail,
	  "An attachment", 0 },
	{ "PATCH", "/api/attachment/<pk>/", AREA_USER, PERM_METHOD,
	  att_update, "Change an attachment's comment or link", 0 },
	{ "DELETE", "/api/attachment/<pk>/", AREA_USER, PERM_METHOD,
	  att_delete, "Delete an attachment and its file", 0 },
	{ "DELETE", "/api/attachment/", AREA_USER, PERM_METHOD,
	  att_delete_bulk, "Delete several attachments and their files", 0 },
};

static const struct program attachment_program =
    PROGRAM("attachment", attachment_routes);

int
main(int argc, char **argv, char **envp)
{
	return app_main(argc, argv, envp, &attachment_program);
}
