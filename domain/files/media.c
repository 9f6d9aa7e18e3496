/*
 * media: stored files.  See media.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "db.h"
#include "log.h"
#include "files/media.h"
#include "perm.h"
#include "req.h"
#include "resp.h"
#include "tasks/task.h"
#include "text.h"

/*
 * Is rel a path media_store() could have made, or at least one that stays
 * inside the media directory: segments of [A-Za-z0-9_-] and '.', none
 * empty, none starting with '.', at most MEDIA_PATH_MAX bytes?
 */
bool
media_path_valid(const char *rel)
{
	size_t n = strlen(rel);
	const char *s = rel;

	if (n == 0 || n > MEDIA_PATH_MAX)
		return false;
	while (*s != '\0') {
		size_t seg = strcspn(s, "/");
		if (seg == 0 || s[0] == '.')
			return false;
		for (size_t i = 0; i < seg; i++) {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
			    c == '.'))
				return false;
		}
		s += seg;
		if (*s == '/') {
			s++;
			if (*s == '\0')
				return false;
		}
	}
	return true;
}

/* DATA_DIR/media, as an absolute path. */
const char *
media_dir(struct ctx *ctx)
{
	return mem_printf(&ctx->mem, "%s/media", ctx->cfg.data_dir);
}

/* The absolute path of a valid relative media path. */
const char *
media_abs(struct ctx *ctx, const char *rel)
{
	return mem_printf(&ctx->mem, "%s/media/%s", ctx->cfg.data_dir, rel);
}

static int
media_mkdir(struct ctx *ctx, const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	return resp_internal(ctx, mem_printf(&ctx->mem, "mkdir %s: %s", dir,
	    strerror(errno)));
}

/*
 * Moves an upload's temporary file to media/<kind>/<xx>/<name> and marks
 * it kept; *rel gets the relative path to store.  kind is a constant
 * ("attachments", "images").  Returns 0 or the status of the error set.
 * The caller removes the file (media_discard) if its row is not written.
 */
int
media_store(struct ctx *ctx, struct req_file *f, const char *kind,
    const char **rel)
{
	char hex[33];
	int rc;

	if (f->path == NULL)
		return resp_internal(ctx, "media_store: no file");
	if (rnd_hex(hex, 16) != 0)
		return resp_internal(ctx, "no random bytes");
	const char *top = media_dir(ctx);
	const char *kdir = mem_printf(&ctx->mem, "%s/%s", top, kind);
	const char *sub = mem_printf(&ctx->mem, "%s/%.2s", kdir, hex);
	if ((rc = media_mkdir(ctx, top)) != 0 ||
	    (rc = media_mkdir(ctx, kdir)) != 0 ||
	    (rc = media_mkdir(ctx, sub)) != 0)
		return rc;
	const char *r = mem_printf(&ctx->mem, "%s/%.2s/%s", kind, hex, hex);
	const char *dst = media_abs(ctx, r);
	if (rename(f->path, dst) != 0)
		return resp_internal(ctx, mem_printf(&ctx->mem, "rename to %s: "
		    "%s", dst, strerror(errno)));
	f->path = NULL;		/* kept: the end of the request leaves it */
	*rel = r;
	return 0;
}

/* Removes a stored file now (a row that was never written). */
void
media_discard(struct ctx *ctx, const char *rel)
{
	if (rel != NULL && media_path_valid(rel))
		unlink(media_abs(ctx, rel));
}

/*
 * Removes the bytes of up to max files recorded in media_orphan whose rows
 * are gone (committed), and their records.  Call outside a transaction.
 * Returns the number removed, or -1 on a database error (logged, no
 * response set: this is housekeeping).
 */
int
media_sweep(struct ctx *ctx, int max)
{
	static const char sql_list[] =
	    "SELECT path FROM media_orphan o WHERE NOT EXISTS (SELECT 1 FROM "
	    "attachment WHERE file = o.path) AND NOT EXISTS (SELECT 1 FROM "
	    "part WHERE image = o.path OR thumbnail = o.path) LIMIT ?";
	static const char sql_done[] =
	    "DELETE FROM media_orphan WHERE path = ?";
	sqlite3_stmt *ls, *del;
	int n = 0;

	if (ctx->db == NULL || (ls = db_prepare(ctx, sql_list)) == NULL ||
	    (del = db_prepare(ctx, sql_done)) == NULL) {
		ctx->resp.status = 0;
		return -1;
	}
	sqlite3_bind_int(ls, 1, max);
	while (sqlite3_step(ls) == SQLITE_ROW) {
		const char *rel = (const char *)sqlite3_column_text(ls, 0);
		if (rel == NULL)
			continue;
		if (media_path_valid(rel) &&
		    unlink(media_abs(ctx, rel)) != 0 && errno != ENOENT) {
			log_msg(ctx, LOG_WARN, "media sweep: %s: %s", rel,
			    strerror(errno));
			continue;
		}
		sqlite3_reset(del);
		sqlite3_bind_text(del, 1, rel, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(del) != SQLITE_DONE) {
			log_msg(ctx, LOG_WARN, "media sweep: %s",
			    sqlite3_errmsg(ctx->db));
			break;
		}
		n++;
	}
	sqlite3_reset(ls);
	return n;
}

/*
 * Event handler (event.h) for deletes whose rows may have left files in
 * media_orphan (a part, a stock item, an attachment): enqueues one
 * media_sweep task, unless none is needed or one is already waiting.
 * Runs in the emitter's transaction.  Returns 0 or the error status set.
 */
int
media_on_deleted(struct ctx *ctx, enum event_kind kind, long long id)
{
	static const char sql_any[] = "SELECT 1 FROM media_orphan LIMIT 1";
	sqlite3_stmt *st = db_prepare(ctx, sql_any);
	int rc;

	(void)kind;
	(void)id;
	if (st == NULL)
		return ctx->resp.status;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_fail(ctx, "media orphans");
	return task_enqueue_once(ctx, "media_sweep", NULL);
}

/*
 * The URL path of a stored file under the install prefix,
 * "<prefix>/media/<rel>", written to buf (no arena: list rows use it).
 */
char *
media_url(struct ctx *ctx, const char *rel, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s/media/%s", ctx->req.prefix != NULL ?
	    ctx->req.prefix : "", rel);
	return buf;
}

/*
 * Which image format the first bytes of a file announce (PNG, JPEG, GIF,
 * WebP signatures), if any.  Magic bytes only: a decoder must still accept
 * the file before it is called an image.
 */
enum media_image
media_sniff(const unsigned char *b, size_t n)
{
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return MEDIA_PNG;
	if (n >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
		return MEDIA_JPEG;
	if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 ||
	    memcmp(b, "GIF89a", 6) == 0))
		return MEDIA_GIF;
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 &&
	    memcmp(b + 8, "WEBP", 4) == 0)
		return MEDIA_WEBP;
	return MEDIA_NOT_IMAGE;
}

const char *
media_image_type(enum media_image t)
{
	switch (t) {
	case MEDIA_PNG:
		return "image/png";
	case MEDIA_JPEG:
		return "image/jpeg";
	case MEDIA_GIF:
		return "image/gif";
	case MEDIA_WEBP:
		return "image/webp";
	default:
		return NULL;
	}
}

/*
 * A Content-Type for a download by its original name's extension, for
 * types that are safe to label (never HTML, SVG or anything a browser
 * would run); application/octet-stream otherwise.  Images are labelled by
 * their content (media_sniff), not here.
 */
const char *
media_type_by_name(const char *filename)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "pdf", "application/pdf" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "json", "application/json" },
		{ "zip", "application/zip" },
		{ "gz", "application/gzip" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet" },
		{ "docx", "application/vnd.openxmlformats-officedocument."
		    "wordprocessingml.document" },
		{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
		{ "step", "application/step" },
		{ "stp", "application/step" },
		{ "stl", "model/stl" },
	};
	const char *dot = strrchr(filename, '.');

	if (dot != NULL)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* The rule-set area of an attachment's model_type, or -1 if unknown. */
int
media_model_area(const char *model_type)
{
	if (strcmp(model_type, "part") == 0)
		return PAREA_PART;
	if (strcmp(model_type, "stockitem") == 0)
		return PAREA_STOCK;
	return -1;
}

/*
 * Does the object model_type/id exist?  Returns 1 or 0, or -1 after
 * setting the error response.
 */
int
media_object_exists(struct ctx *ctx, const char *model_type, long long id)
{
	static const char sql_part[] = "SELECT 1 FROM part WHERE id = ?";
	static const char sql_item[] = "SELECT 1 FROM stock_item WHERE id = ?";
	int area = media_model_area(model_type);
	sqlite3_stmt *st;

	if (area < 0)
		return 0;
	st = db_prepare(ctx, area == PAREA_PART ? sql_part : sql_item);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(ctx, "object lookup");
	return -1;
}

/*
 * Finds the row a stored file belongs to: an attachment of a part or
 * stock item, or a part's image or thumbnail.  Returns 1 and fills *o,
 * 0 when no row names the file, or -1 after setting the error response.
 */
int
media_owner(struct ctx *ctx, const char *rel, struct media_owner *o)
{
	static const char sql_att[] =
	    "SELECT model_type, model_id, filename FROM attachment "
	    "WHERE file = ?";
	static const char sql_img[] =
	    "SELECT id, name FROM part WHERE image = ?1 OR thumbnail = ?1 "
	    "LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((st = db_prepare(ctx, sql_att)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->area = media_model_area(
		    (const char *)sqlite3_column_text(st, 0));
		o->model_id = sqlite3_column_int64(st, 1);
		o->filename = mem_strdup(&ctx->mem,
		    (const char *)sqlite3_column_text(st, 2));
		return o->area >= 0 ? 1 : 0;
	}
	if (rc != SQLITE_DONE) {
		db_fail(ctx, "media owner");
		return -1;
	}
	if ((st = db_prepare(ctx, sql_img)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->area = PAREA_PART;
		o->model_id = sqlite3_column_int64(st, 0);
		o->filename = "image";
		o->is_image = true;
		return 1;
	}
	if (rc != SQLITE_DONE) {
		db_fail(ctx, "media owner");
		return -1;
	}
	return 0;
}
