/*
 * label: the descriptions of label templates and data outputs.  See
 * label.h.
 */
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "list.h"
#include "perm.h"
#include "res.h"
#include "val.h"

#include "files/label.h"

#define LT_TIME(col)	"strftime('%Y-%m-%dT%H:%M:%SZ', t." col ", 'unixepoch')"

/*
 * InvenTree's LabelTemplate fields (template, the template file, is
 * empty: the built-in layouts are drawn by label.cgi), then the layout
 * Stockroom's own page and printing read.
 */
static const struct field label_template_fields[] = {
	{ "name", FT_TEXT, F_READ_ONLY | F_ORDER, 100, .col = "t.name",
	  .help = "Template name" },
	{ "description", FT_TEXT, F_READ_ONLY, 250, .col = "t.description",
	  .help = "Template description" },
	{ "model_type", FT_TEXT, F_READ_ONLY | F_FILTER, 100,
	  .col = "t.model_type" },
	{ "template", FT_TEXT, F_READ_ONLY, .col = "''" },
	{ "filters", FT_TEXT, F_READ_ONLY, 250, .col = "t.filters" },
	{ "filename_pattern", FT_TEXT, F_READ_ONLY, 100,
	  .col = "t.filename_pattern" },
	{ "enabled", FT_BOOL, F_READ_ONLY | F_FILTER | F_ORDER,
	  .col = "t.enabled" },
	{ "revision", FT_INT, F_READ_ONLY, .col = "t.revision" },
	{ "attach_to_model", FT_BOOL, F_READ_ONLY, .col = "0" },
	{ "updated", FT_DATETIME, F_READ_ONLY | F_NULL,
	  .col = LT_TIME("updated") },
	{ "updated_by", FT_INT, F_READ_ONLY | F_NULL, .col = "NULL" },
	{ "width", FT_FLOAT, F_READ_ONLY | F_ORDER, .col = "t.width",
	  .help = "Label width, specified in mm" },
	{ "height", FT_FLOAT, F_READ_ONLY | F_ORDER, .col = "t.height",
	  .help = "Label height, specified in mm" },
	{ "page_width", FT_FLOAT, F_READ_ONLY, .col = "t.page_width",
	  .help = "Page width in mm (a sheet, or the label itself)" },
	{ "page_height", FT_FLOAT, F_READ_ONLY, .col = "t.page_height" },
	{ "columns", FT_INT, F_READ_ONLY, .col = "t.ncols",
	  .help = "Labels across a page" },
	{ "rows", FT_INT, F_READ_ONLY, .col = "t.nrows",
	  .help = "Labels down a page" },
	{ "margin_left", FT_FLOAT, F_READ_ONLY, .col = "t.margin_left" },
	{ "margin_top", FT_FLOAT, F_READ_ONLY, .col = "t.margin_top" },
	{ "pitch_x", FT_FLOAT, F_READ_ONLY, .col = "t.pitch_x",
	  .help = "From one label's left edge to the next's, in mm" },
	{ "pitch_y", FT_FLOAT, F_READ_ONLY, .col = "t.pitch_y" },
	{ "barcode", FT_TEXT, F_READ_ONLY | F_FILTER, 16, .col = "t.barcode",
	  .help = "qr or datamatrix" },
	{ "fields", FT_TEXT, F_READ_ONLY, 100, .col = "t.fields",
	  .help = "What a label shows: name, ipn, location, quantity" },
};

static struct res_sql label_template_sql;

/* Any signed-in user may read the templates (InvenTree's, too). */
const struct resource label_template_resource = {
	.model = "labeltemplate", .name = "LabelTemplate",
	.table = "label_template", .alias = "t",
	.path = "/api/label/template/", .area = AREA_USER,
	.noun = "label template", .plural = "label templates",
	RES_FIELDS(label_template_fields), .order = "t.id",
	.flags = RES_READ_ONLY, .sql = &label_template_sql,
};

#define DO_TIME(col)	"strftime('%Y-%m-%d', o." col ", 'unixepoch')"

static const struct field data_output_fields[] = {
	{ "created", FT_DATETIME, F_READ_ONLY | F_ORDER,
	  .col = DO_TIME("created") },
	{ "user", FT_INT, F_READ_ONLY | F_NULL | F_FILTER, .col = "o.owner" },
	{ "total", FT_INT, F_READ_ONLY, .col = "o.total" },
	{ "progress", FT_INT, F_READ_ONLY, .col = "o.progress" },
	{ "complete", FT_BOOL, F_READ_ONLY, .col = "o.complete" },
	{ "output_type", FT_TEXT, F_READ_ONLY | F_NULL | F_ORDER, 100,
	  .col = "o.output_type" },
	{ "template_name", FT_TEXT, F_READ_ONLY | F_NULL, 100,
	  .col = "o.template_name" },
	{ "plugin", FT_TEXT, F_READ_ONLY | F_NULL | F_ORDER, 100,
	  .col = "o.plugin" },
	{ "output", FT_MEDIA, F_READ_ONLY | F_NULL, .col = "o.output" },
	{ "errors", FT_JSON, F_READ_ONLY | F_NULL, .col = "o.errors" },
};

/* A user sees the outputs of their own prints; a superuser every one. */
static struct err *
data_output_scope(struct ctx *ctx, struct list_q *q)
{
	if (ctx->is_superuser)
		return NULL;
	list_where(q, " AND o.owner = ?");
	list_bind_int(q, ctx->user_id);
	return NULL;
}

static const struct res_hooks data_output_hooks = {
	.scope = data_output_scope,
};

static struct res_sql data_output_sql;

const struct resource data_output_resource = {
	.model = "dataoutput", .name = "DataOutput",
	.table = "data_output", .alias = "o",
	.path = "/api/data-output/", .area = AREA_USER,
	.noun = "data output", .plural = "data outputs",
	RES_FIELDS(data_output_fields), .order = "o.id DESC",
	.hooks = &data_output_hooks, .flags = RES_READ_ONLY,
	.sql = &data_output_sql,
};
