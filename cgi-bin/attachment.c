/*
 * attachment.cgi: files and links attached to parts, stock items and the
 * other models that take them (/api/attachment/...), as InvenTree's
 * generic attachments.  The attachment is a resource
 * (domain/files/attachment.c): its list, detail, upload, change and
 * delete are the generic ones, its permissions (those of the object an
 * attachment belongs to) its hooks.  This program adds the bulk delete.
 */
#include "site.h"

#include "files/attachment.h"

#define ATT_BULK_MAX	1000

/*
 * DELETE /api/attachment/ {"items": [pk, ...]} (inventree-python's
 * Attachment.bulkDelete): all or nothing.  Each one is deleted as on its
 * own: one the user may not see (or that does not exist) is a 404, one
 * whose object the user may not change a 403.
 */
static struct err *
att_delete_bulk(struct ctx *ctx)
{
	static const struct field items = { "items", FT_IDS, F_REQUIRED,
	    ATT_BULK_MAX };
	const struct resource *r = &attachment_resource;
	const cJSON *body, *j;
	struct val v = { 0 };
	struct err *e;
	const char *msg;
	cJSON *seen;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	j = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body,
	    "items") : NULL;
	if (!cJSON_IsArray(j) || j->child == NULL)
		return err_field(ctx, "non_field_errors", "List of items must "
		    "be provided for bulk operation");
	if ((msg = val_json(ctx, j, &items, &v)) != NULL)
		return err_field(ctx, "items", "%s", msg);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	for (size_t i = 0; i < v.n && e == NULL; i++) {
		if ((e = res_get(ctx, r, v.ids[i], NULL, &seen)) != NULL)
			break;
		cJSON_Delete(seen);
		e = res_delete_row(ctx, r, v.ids[i]);
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	return resp_no_content(ctx);
}

static const struct route attachment_routes[] = {
	{ "DELETE", "/api/attachment/", AREA_USER, PERM_METHOD,
	  att_delete_bulk, "Delete several attachments and their files", 0 },
};

static const struct resource *const attachment_resources[] = {
	&attachment_resource,
};

PROGRAM_MAIN("attachment",
    ROUTES(attachment_routes), RESOURCES(attachment_resources))
