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
#include "req.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "files/label.h"
#include "files/media.h"
#include "models.h"
#include "multipart.h"
#include "res.h"
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

static struct err *
media_mkdir(struct ctx *ctx, const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return NULL;
	return err_internal(ctx, mem_printf(&ctx->mem, "mkdir %s: %s", dir,
	    strerror(errno)));
}

/*
 * Moves an upload's temporary file to media/<kind>/<xx>/<name> and marks
 * it kept; *rel gets the relative path to store.  kind is a constant
 * ("attachments", "images").  Returns NULL, or a 500.  The caller removes
 * the file (media_discard) if its row is not written.
 */
struct err *
media_store(struct ctx *ctx, struct req_file *f, const char *kind,
    const char **rel)
{
	char hex[33];
	struct err *e;

	if (f->path == NULL)
		return err_internal(ctx, "media_store: no file");
	if (rnd_hex(hex, 16) != 0)
		return err_internal(ctx, "no random bytes");
	const char *top = media_dir(ctx);
	const char *kdir = mem_printf(&ctx->mem, "%s/%s", top, kind);
	const char *sub = mem_printf(&ctx->mem, "%s/%.2s", kdir, hex);
	if ((e = media_mkdir(ctx, top)) != NULL ||
	    (e = media_mkdir(ctx, kdir)) != NULL ||
	    (e = media_mkdir(ctx, sub)) != NULL)
		return e;
	const char *r = mem_printf(&ctx->mem, "%s/%.2s/%s", kind, hex, hex);
	const char *dst = media_abs(ctx, r);
	if (rename(f->path, dst) != 0)
		return err_internal(ctx, mem_printf(&ctx->mem, "rename to %s: "
		    "%s", dst, strerror(errno)));
	mp_file_kept(f);	/* the end of the request leaves it */
	*rel = r;
	return NULL;
}

/*
 * A new relative path in kind's directories for a file this program
 * writes itself (a printed label's PDF), the directories made.  The
 * caller writes the file at media_abs() of it under a temporary name and
 * renames it there, and names it in a row.
 */
struct err *
media_new_path(struct ctx *ctx, const char *kind, const char **rel)
{
	char hex[33];
	struct err *e;

	if (rnd_hex(hex, 16) != 0)
		return err_internal(ctx, "no random bytes");
	const char *top = media_dir(ctx);
	const char *kdir = mem_printf(&ctx->mem, "%s/%s", top, kind);
	const char *sub = mem_printf(&ctx->mem, "%s/%.2s", kdir, hex);
	if ((e = media_mkdir(ctx, top)) != NULL ||
	    (e = media_mkdir(ctx, kdir)) != NULL ||
	    (e = media_mkdir(ctx, sub)) != NULL)
		return e;
	*rel = mem_printf(&ctx->mem, "%s/%.2s/%s", kind, hex, hex);
	return NULL;
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
 * are gone (committed), and their records.  Call outside a transaction,
 * with the database open.  Returns the number removed, or -1 on a
 * database error (logged: this is housekeeping, nobody is answered).
 *
 * The statement names every column that holds a stored file, as the
 * schema's triggers that fill media_orphan do (db/migrations/0004): a
 * path that a row names again is never removed.
 */
int
media_sweep(struct ctx *ctx, int max)
{
	static const char sql_list[] =
	    "SELECT path FROM media_orphan o WHERE NOT EXISTS (SELECT 1 FROM "
	    "attachment WHERE file = o.path) AND NOT EXISTS (SELECT 1 FROM "
	    "part WHERE image = o.path OR thumbnail = o.path) AND NOT EXISTS "
	    "(SELECT 1 FROM data_output WHERE output = o.path) LIMIT ?";
	static const char sql_done[] =
	    "DELETE FROM media_orphan WHERE path = ?";
	db_stmt *ls, *del;
	int n = 0, rc;

	if (!db_is_open(ctx))
		return -1;
	if ((ls = db_prepare(ctx, sql_list)) == NULL ||
	    (del = db_prepare(ctx, sql_done)) == NULL) {
		log_msg(ctx, LOG_WARN, "media sweep: %s",
		    db_errmsg(ctx));
		return -1;
	}
	st_bind_int(ls, 1, max);
	while ((rc = st_step(ls)) == SQLITE_ROW) {
		const char *rel = (const char *)st_column_text(ls, 0);
		if (rel == NULL)
			continue;
		if (media_path_valid(rel) &&
		    unlink(media_abs(ctx, rel)) != 0 && errno != ENOENT) {
			log_msg(ctx, LOG_WARN, "media sweep: %s: %s", rel,
			    strerror(errno));
			continue;
		}
		st_reset(del);
		st_bind_text(del, 1, rel, -1, SQLITE_TRANSIENT);
		if (st_step(del) != SQLITE_DONE) {
			log_msg(ctx, LOG_WARN, "media sweep: %s",
			    db_errmsg(ctx));
			st_reset(ls);
			return -1;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		log_msg(ctx, LOG_WARN, "media sweep: %s",
		    db_errmsg(ctx));
		n = -1;
	}
	st_reset(ls);
	return n;
}

/*
 * Does media_orphan hold files whose bytes wait for a sweep?  For the
 * event table (tasks/event.c), inside the emitter's transaction, so that a
 * delete that left no file enqueues nothing.  Returns NULL or the error.
 */
struct err *
media_orphans_waiting(struct ctx *ctx, bool *any)
{
	static const char sql_any[] = "SELECT 1 FROM media_orphan LIMIT 1";
	db_stmt *st = db_prepare(ctx, sql_any);
	struct err *e;

	*any = false;
	if (st == NULL)
		return db_err(ctx, "media orphans");
	e = db_row(ctx, st, "media orphans", any);
	st_reset(st);
	return e;
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

/* The same as a full URL, for a client outside the page (KiCad): the
 * request's base URL (req.h), which ends with the prefix. */
const char *
media_abs_url(struct ctx *ctx, const char *rel)
{
	return mem_printf(&ctx->mem, "%s/media/%s", req_base_url(ctx), rel);
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

/*
 * The model an attachment's model_type names, if its resource takes
 * attachments (RES_ATTACHMENTS in its description); else NULL.
 */
const struct resource *
media_attachable(const char *model_type)
{
	const struct resource *r = model_find(model_type);

	return r != NULL && (r->flags & RES_ATTACHMENTS) ? r : NULL;
}

/*
 * The columns outside attachments that hold stored files, each with the
 * model whose rows they are (the schema's triggers in db/migrations/0004
 * name the same columns): a part's and a company's image and thumbnail.
 * The model's area, from the registry, says who may see the file.
 */
static const struct {
	const char	*model;
	const char	*sql;		/* ?1 the path; gives the row's id */
} media_fields[] = {
	{ "part", "SELECT id FROM part WHERE image = ?1 OR thumbnail = ?1 "
	  "LIMIT 1" },
	{ "company", "SELECT id FROM company WHERE image = ?1 OR "
	  "thumbnail = ?1 LIMIT 1" },
};

/* Whose stored-file column (media_fields[]) names rel? */
static struct err *
media_field_owner(struct ctx *ctx, const char *rel, struct media_owner *o,
    bool *found)
{
	struct err *e;

	for (size_t i = 0; i < sizeof(media_fields) / sizeof(media_fields[0]);
	    i++) {
		db_stmt *st = db_prepare(ctx, media_fields[i].sql);
		if (st == NULL)
			return db_err(ctx, "media owner");
		st_bind_text(st, 1, rel, -1, SQLITE_STATIC);
		if ((e = db_row(ctx, st, "media owner", found)) != NULL)
			return e;
		if (!*found)
			continue;
		o->model = model_find(media_fields[i].model);
		o->model_id = st_column_int64(st, 0);
		o->filename = "image";
		o->is_image = true;
		*found = o->model != NULL;
		return NULL;
	}
	return NULL;
}

/* A printed label's PDF: its data output, read by its user only. */
static struct err *
media_output_owner(struct ctx *ctx, const char *rel, struct media_owner *o,
    bool *found)
{
	static const char sql[] =
	    "SELECT id, owner FROM data_output WHERE output = ?";
	db_stmt *st;
	struct err *e;

	if ((st = db_prepare(ctx, sql)) == NULL)
		return db_err(ctx, "media owner");
	st_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	if ((e = db_row(ctx, st, "media owner", found)) != NULL || !*found)
		return e;
	o->model = &data_output_resource;
	o->model_id = st_column_int64(st, 0);
	o->user = st_column_int64(st, 1);
	o->filename = "labels.pdf";
	/* An output whose user is gone is nobody's. */
	*found = o->user != 0;
	return NULL;
}

/*
 * Finds the object a stored file belongs to: the object of the attachment
 * that holds it, or the row whose stored-file field names it (see
 * media.h).  *found is false when no row names the file, or an
 * attachment names a model that no longer takes attachments.  Returns
 * NULL or the database's error.
 */
struct err *
media_owner(struct ctx *ctx, const char *rel, struct media_owner *o,
    bool *found)
{
	static const char sql_att[] =
	    "SELECT model_type, model_id, filename FROM attachment "
	    "WHERE file = ?";
	db_stmt *st;
	struct err *e;

	memset(o, 0, sizeof(*o));
	*found = false;
	if ((st = db_prepare(ctx, sql_att)) == NULL)
		return db_err(ctx, "media owner");
	st_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	if ((e = db_row(ctx, st, "media owner", found)) != NULL)
		return e;
	if (*found) {
		o->model = media_attachable(
		    (const char *)st_column_text(st, 0));
		o->model_id = st_column_int64(st, 1);
		o->filename = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(st, 2));
		*found = o->model != NULL;
		return NULL;
	}
	if ((e = media_output_owner(ctx, rel, o, found)) != NULL || *found)
		return e;
	return media_field_owner(ctx, rel, o, found);
}
