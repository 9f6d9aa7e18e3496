/*
 * attachment: the attachment resource.  See attachment.h.
 */
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "accounts/account.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "files/attachment.h"
#include "files/media.h"
#include "list.h"
#include "models.h"
#include "multipart.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "route.h"
#include "tasks/event.h"
#include "val.h"

/* The multipart field a file comes in (and the JSON name it shows as). */
#define ATT_FILE_FIELD	"attachment"

enum { AF_MODEL_TYPE, AF_MODEL_ID, AF_ATTACHMENT, AF_LINK, AF_COMMENT,
	AF_FILENAME, AF_FILE_SIZE, AF_UPLOAD_DATE, AF_UPLOAD_USER, AF_IS_LINK,
	AF__N };

/*
 * "attachment" is the stored file's path (column file).  It is written,
 * because the table requires a file or a link from the first INSERT on,
 * but only ever from the upload (att_validate() sets it, whatever the
 * body says); it is shown as the file's URL (att_render()).
 */
static const struct field att_fields[] = {
	[AF_MODEL_TYPE] = { "model_type", FT_TEXT,
	    F_REQUIRED | F_FILTER | F_STRING, 100,
	    .help = "The model of the object: part, stockitem, ..." },
	[AF_MODEL_ID] = { "model_id", FT_ID, F_REQUIRED | F_FILTER,
	    .help = "The object's pk" },
	[AF_ATTACHMENT] = { ATT_FILE_FIELD, FT_TEXT, F_NULL | F_HOOK,
	    MEDIA_PATH_MAX,
	    .col = "file", .label = "Attachment",
	    .help = "A file, uploaded as multipart/form-data" },
	[AF_LINK] = { "link", FT_URL, 0, 2000,
	    .help = "Or a link to an external page (http or https)" },
	[AF_COMMENT] = { "comment", FT_NOTES, F_ORDER, 250 },
	[AF_FILENAME] = { "filename", FT_TEXT, F_READ_ONLY | F_ORDER },
	[AF_FILE_SIZE] = { "file_size", FT_INT, F_READ_ONLY | F_ORDER },
	[AF_UPLOAD_DATE] = { "upload_date", FT_DATE, F_READ_ONLY | F_ORDER },
	[AF_UPLOAD_USER] = { "upload_user", FT_ID, F_READ_ONLY,
	    .ref = &user_resource },
	[AF_IS_LINK] = { "is_link", FT_BOOL, F_READ_ONLY,
	    .col = "(a.file IS NULL)" },
};

static const char att_sql_uploaded[] =
    "UPDATE attachment SET filename = ?1, file_size = ?2, upload_user = ?3 "
    "WHERE id = ?4";

/* What one write carries from hook to hook. */
struct att_write {
	struct ctx	*ctx;
	struct req_file	*file;		/* the upload, or NULL */
	const char	*rel;		/* where it was stored */
	bool		 kept;		/* the row that names it committed */
};

/* Does the signed-in user hold p on the area of model r? */
static bool
att_may(struct ctx *ctx, const struct resource *r, enum perm p)
{
	return perm_need(ctx, r->area, p) == NULL;
}

/* The model of attachment id (which the user may see: see att_scope). */
static struct err *
att_model(struct ctx *ctx, long long id, const struct resource **r)
{
	struct val v[AF__N];
	struct err *e;

	if ((e = res_load(ctx, &attachment_resource, id, v)) != NULL)
		return e;
	if ((*r = media_attachable(v[AF_MODEL_TYPE].s)) == NULL)
		return err_not_found(ctx, attachment_resource.name);
	return NULL;
}

/*
 * Every list and row: only attachments of the models whose objects the
 * user may view ("model_type IN (...)", the registry's attachable models
 * the user holds view on).
 */
static struct err *
att_scope(struct ctx *ctx, struct list_q *q)
{
	size_t n = 0;

	for (size_t i = 0; i < models_count; i++) {
		const struct resource *r = models[i];
		if (!(r->flags & RES_ATTACHMENTS) || !att_may(ctx, r, PERM_VIEW))
			continue;
		list_where(q, n++ == 0 ? " AND a.model_type IN (?" : ", ?");
		list_bind_text(q, r->model);
	}
	list_where(q, n > 0 ? ")" : " AND FALSE");
	return NULL;
}

/* ?model_type= names a model that takes attachments. */
static struct err *
att_list(struct ctx *ctx, struct list_q *q, void *view)
{
	const char *mt = req_query(ctx, "model_type");

	(void)q;
	(void)view;
	if (mt != NULL && media_attachable(mt) == NULL)
		return err_field(ctx, "model_type", "Select a valid choice. "
		    "\"%.40s\" is not one of the available choices.", mt);
	return NULL;
}

/* The file as its URL under the install prefix (no arena: list.h). */
static void
att_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	const char *rel = (const char *)st_column_text(st,
	    res_col(&attachment_resource, AF_ATTACHMENT));
	char url[MEDIA_PATH_MAX + 2048];

	(void)view;
	if (rel != NULL)
		json_text(o, ATT_FILE_FIELD, media_url(ctx, rel, url,
		    sizeof(url)));
	else
		json_null(o, ATT_FILE_FIELD);
}

/* The rules of a new attachment that no field says alone, into es. */
static void
att_rules(const struct val *v, struct req_file *f, struct errs *es)
{
	const struct val *mt = &v[AF_MODEL_TYPE], *link = &v[AF_LINK];
	bool linked = link->present && link->s != NULL && link->s[0] != '\0';

	if (mt->present && mt->s != NULL && mt->s[0] != '\0' &&
	    media_attachable(mt->s) == NULL && !errs_has(es, "model_type"))
		errs_add(es, "model_type", "Select a valid choice.");
	if (f != NULL && linked)
		errs_add(es, "non_field_errors", "Give a file or a link, not "
		    "both.");
	else if (f == NULL && !linked && !errs_has(es, "link"))
		errs_add(es, ATT_FILE_FIELD, "Missing file: give a file in "
		    "\"attachment\" or a \"link\".");
}

/*
 * Before the write: on create, the rules above, so that a request that
 * breaks one is refused before anything is stored -- with every field's
 * problems in the same 400 (the fields are checked again for that: the
 * validate hook is not reached when a field is wrong); on update, change
 * on the object's area (a 403 before the body is looked at).
 */
static struct err *
att_prepare(struct ctx *ctx, struct res_write *w)
{
	struct req_file *f = req_file(ctx, ATT_FILE_FIELD);
	const struct resource *r;
	struct att_write *aw;
	struct errs es;
	struct err *e;

	if (!w->create) {
		if ((e = att_model(ctx, w->id, &r)) != NULL)
			return e;
		return perm_need(ctx, r->area, PERM_CHANGE);
	}
	errs_init(&es, ctx);
	att_rules(w->v, f, &es);
	if (errs_any(&es)) {
		struct val *v = mem_alloc(&ctx->mem, AF__N * sizeof(*v));
		errs_init(&es, ctx);
		for (size_t i = 0; i < AF__N; i++)
			val_default(&att_fields[i], &v[i]);
		val_object(ctx, w->body, att_fields, AF__N, v, true, &es);
		att_rules(v, f, &es);
		return errs_end(&es);
	}
	aw = mem_zalloc(&ctx->mem, sizeof(*aw));
	aw->ctx = ctx;
	aw->file = f;
	w->state = aw;
	return NULL;
}

/* mem_defer: a stored file whose row never committed goes again. */
static void
att_unstore(void *arg)
{
	struct att_write *aw = arg;

	if (!aw->kept)
		media_discard(aw->ctx, aw->rel);
}

/*
 * On create: the object must exist and be visible to the user (else, as
 * for one that does not exist, a 400 on model_id), and the user needs
 * change on its area (403).  Then the upload is stored, inside the
 * transaction, and removed again if the row does not commit.  On update:
 * the object and the file stay; a file attachment has no link, a link
 * attachment keeps one.
 */
static struct err *
att_validate(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct val *v = w->v;
	struct att_write *aw = w->state;
	const struct resource *r;
	struct err *e;
	bool found = false;

	if (!w->create) {
		v[AF_MODEL_TYPE] = w->old[AF_MODEL_TYPE];
		v[AF_MODEL_ID] = w->old[AF_MODEL_ID];
		v[AF_ATTACHMENT] = w->old[AF_ATTACHMENT];
		bool is_file = !w->old[AF_ATTACHMENT].null;
		bool linked = v[AF_LINK].s != NULL && v[AF_LINK].s[0] != '\0';
		if (is_file && linked)
			errs_add(es, "link", "A file attachment cannot also "
			    "have a link.");
		else if (!is_file && !linked)
			errs_add(es, "link", "This field may not be blank.");
		return NULL;
	}
	if ((r = media_attachable(v[AF_MODEL_TYPE].s)) == NULL) {
		errs_add(es, "model_type", "Select a valid choice.");
		return NULL;
	}
	if (att_may(ctx, r, PERM_VIEW) &&
	    (e = res_exists(ctx, r, v[AF_MODEL_ID].i, &found)) != NULL)
		return e;
	if (!found) {
		errs_addf(es, "model_id", "Invalid pk \"%lld\" - object does "
		    "not exist.", v[AF_MODEL_ID].i);
		return NULL;
	}
	if ((e = perm_need(ctx, r->area, PERM_CHANGE)) != NULL)
		return e;
	v[AF_ATTACHMENT].null = true;
	if (aw == NULL || aw->file == NULL)
		return NULL;
	if ((e = media_store(ctx, aw->file, "attachments", &aw->rel)) != NULL)
		return e;
	mem_defer(&ctx->mem, att_unstore, aw);
	v[AF_ATTACHMENT].null = false;
	v[AF_ATTACHMENT].s = aw->rel;
	return NULL;
}

/* A new attachment's upload: its name, its size and who sent it. */
static struct err *
att_written(struct ctx *ctx, struct res_write *w)
{
	const struct att_write *aw = w->state;
	const struct req_file *f = aw != NULL ? aw->file : NULL;
	db_stmt *st;

	if (!w->create)
		return NULL;
	if ((st = db_prepare(ctx, att_sql_uploaded)) == NULL)
		return db_err(ctx, attachment_resource.name);
	st_bind_text(st, 1, f != NULL ? f->filename : "", -1,
	    SQLITE_STATIC);
	st_bind_int64(st, 2, f != NULL ? f->size : 0);
	db_bind_id(st, 3, ctx->user_id);
	st_bind_int64(st, 4, w->id);
	return db_step(ctx, st, attachment_resource.name);
}

/* The row that names the stored file has committed: it stays. */
static void
att_committed(struct ctx *ctx, struct res_write *w)
{
	struct att_write *aw = w->state;

	(void)ctx;
	if (aw != NULL)
		aw->kept = true;
}

/* Deleting one needs change on its object's area. */
static struct err *
att_deleting(struct ctx *ctx, struct res_del *d)
{
	const struct resource *r;
	struct err *e;

	if ((e = att_model(ctx, d->id, &r)) != NULL)
		return e;
	return perm_need(ctx, r->area, PERM_CHANGE);
}

/*
 * The schema has recorded the file in media_orphan; the event's handler
 * enqueues the sweep that removes its bytes once the delete commits.
 */
static struct err *
att_deleted(struct ctx *ctx, struct res_del *d)
{
	return event_emit(ctx, EVENT_ATTACHMENT_DELETED, d->id);
}

static const struct res_hooks att_hooks = {
	.list = att_list,
	.render = att_render,
	.scope = att_scope,
	.prepare = att_prepare,
	.validate = att_validate,
	.written = att_written,
	.committed = att_committed,
	.deleting = att_deleting,
	.deleted = att_deleted,
};

static struct res_sql att_sql;

const struct resource attachment_resource = {
	.model = "attachment",
	.name = "Attachment",
	.table = "attachment",
	.alias = "a",
	.path = "/api/attachment/",
	.area = AREA_USER,
	.noun = "attachment",
	.plural = "attachments",
	RES_FIELDS(att_fields),
	.order = "a.id",
	.hooks = &att_hooks,
	.sql = &att_sql,
};
