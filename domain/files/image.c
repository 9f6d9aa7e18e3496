/*
 * image: part images and thumbnails.  See image.h.
 */
#ifndef STOCKROOM_GD_LINKED
#include <dlfcn.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gd.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "files/image.h"
#include "files/media.h"
#include "log.h"
#include "multipart.h"
#include "text.h"

#define IMAGE_HEAD	(256 * 1024)	/* bytes read to find dimensions */

/*
 * libgd is loaded when an image is first decoded, not linked: linking it
 * made every part.cgi request load its 55 shared libraries (about 10 ms of
 * CPU, most of a part request; see BENCHMARKS.md) for the few requests that
 * upload an image.  The functions used here are called through gd_fn, by
 * the same names (the macros below).  Process-wide, loaded once.
 */
static struct {
	void					*handle;
	__typeof__(gdFree)			*Free;
	__typeof__(gdImageAlphaBlending)	*ImageAlphaBlending;
	__typeof__(gdImageCopyResampled)	*ImageCopyResampled;
	__typeof__(gdImageCreateFromGif)	*ImageCreateFromGif;
	__typeof__(gdImageCreateFromJpegEx)	*ImageCreateFromJpegEx;
	__typeof__(gdImageCreateFromPng)	*ImageCreateFromPng;
	__typeof__(gdImageCreateFromWebp)	*ImageCreateFromWebp;
	__typeof__(gdImageCreateTrueColor)	*ImageCreateTrueColor;
	__typeof__(gdImageDestroy)		*ImageDestroy;
	__typeof__(gdImagePngPtrEx)		*ImagePngPtrEx;
	__typeof__(gdImageSaveAlpha)		*ImageSaveAlpha;
	__typeof__(gdSetErrorMethod)		*SetErrorMethod;
} gd_fn;

#ifdef STOCKROOM_GD_LINKED
/*
 * The static release build (mk/dist.mk) links libgd and its codecs into
 * the programs instead: a static program has no loader to open libgd.so
 * with, and the hosts it is made for have no libgd.  The table then
 * points at the linked functions, so the code below is the same.
 */
static void
image_gd_link(void)
{
	gd_fn.Free = gdFree;
	gd_fn.ImageAlphaBlending = gdImageAlphaBlending;
	gd_fn.ImageCopyResampled = gdImageCopyResampled;
	gd_fn.ImageCreateFromGif = gdImageCreateFromGif;
	gd_fn.ImageCreateFromJpegEx = gdImageCreateFromJpegEx;
	gd_fn.ImageCreateFromPng = gdImageCreateFromPng;
	gd_fn.ImageCreateFromWebp = gdImageCreateFromWebp;
	gd_fn.ImageCreateTrueColor = gdImageCreateTrueColor;
	gd_fn.ImageDestroy = gdImageDestroy;
	gd_fn.ImagePngPtrEx = gdImagePngPtrEx;
	gd_fn.ImageSaveAlpha = gdImageSaveAlpha;
	gd_fn.SetErrorMethod = gdSetErrorMethod;
	gd_fn.handle = &gd_fn;
}
#endif

#define gdFree			(*gd_fn.Free)
#define gdImageAlphaBlending	(*gd_fn.ImageAlphaBlending)
#define gdImageCopyResampled	(*gd_fn.ImageCopyResampled)
#define gdImageCreateFromGif	(*gd_fn.ImageCreateFromGif)
#define gdImageCreateFromJpegEx	(*gd_fn.ImageCreateFromJpegEx)
#define gdImageCreateFromPng	(*gd_fn.ImageCreateFromPng)
#define gdImageCreateFromWebp	(*gd_fn.ImageCreateFromWebp)
#define gdImageCreateTrueColor	(*gd_fn.ImageCreateTrueColor)
#define gdImageDestroy		(*gd_fn.ImageDestroy)
#define gdImagePngPtrEx		(*gd_fn.ImagePngPtrEx)
#define gdImageSaveAlpha	(*gd_fn.ImageSaveAlpha)
#define gdSetErrorMethod	(*gd_fn.SetErrorMethod)

/*
 * Loads libgd (once).  Returns 0, or -1 when it is not installed.  Built
 * with STOCKROOM_GD_LINKED, it is always there.
 */
static int
image_gd_load(void)
{
	if (gd_fn.handle != NULL)
		return 0;
#ifdef STOCKROOM_GD_LINKED
	image_gd_link();
	return 0;
#else
	void *h;

	if ((h = dlopen("libgd.so.3", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
#define GD_SYM(member, name) \
	if ((*(void **)&gd_fn.member = dlsym(h, name)) == NULL) \
		goto fail
	GD_SYM(Free, "gdFree");
	GD_SYM(ImageAlphaBlending, "gdImageAlphaBlending");
	GD_SYM(ImageCopyResampled, "gdImageCopyResampled");
	GD_SYM(ImageCreateFromGif, "gdImageCreateFromGif");
	GD_SYM(ImageCreateFromJpegEx, "gdImageCreateFromJpegEx");
	GD_SYM(ImageCreateFromPng, "gdImageCreateFromPng");
	GD_SYM(ImageCreateFromWebp, "gdImageCreateFromWebp");
	GD_SYM(ImageCreateTrueColor, "gdImageCreateTrueColor");
	GD_SYM(ImageDestroy, "gdImageDestroy");
	GD_SYM(ImagePngPtrEx, "gdImagePngPtrEx");
	GD_SYM(ImageSaveAlpha, "gdImageSaveAlpha");
	GD_SYM(SetErrorMethod, "gdSetErrorMethod");
#undef GD_SYM
	gd_fn.handle = h;
	return 0;
fail:
	dlclose(h);
	memset(&gd_fn, 0, sizeof(gd_fn));
	return -1;
#endif
}

static unsigned
be16(const unsigned char *b)
{
	return (unsigned)b[0] << 8 | b[1];
}

static unsigned
le16(const unsigned char *b)
{
	return (unsigned)b[1] << 8 | b[0];
}

static unsigned
le24(const unsigned char *b)
{
	return (unsigned)b[2] << 16 | (unsigned)b[1] << 8 | b[0];
}

/*
 * Width and height from an image's header (the first n bytes of the
 * file): PNG's IHDR, GIF's logical screen, JPEG's first SOF segment,
 * WebP's VP8, VP8L or VP8X chunk.  Returns 0, or -1 when the header is
 * not one of those or is cut short.
 */
int
image_dimensions(const unsigned char *b, size_t n, int *w, int *h)
{
	switch (media_sniff(b, n)) {
	case MEDIA_PNG:
		if (n < 24 || memcmp(b + 12, "IHDR", 4) != 0 || b[16] || b[17] ||
		    b[20] || b[21])
			return -1;
		*w = (int)be16(b + 18);
		*h = (int)be16(b + 22);
		return 0;
	case MEDIA_GIF:
		if (n < 10)
			return -1;
		*w = (int)le16(b + 6);
		*h = (int)le16(b + 8);
		return 0;
	case MEDIA_JPEG:
		for (size_t i = 2; i + 9 < n;) {
			if (b[i] != 0xff)
				return -1;
			unsigned m = b[i + 1];
			if (m == 0xff) {
				i++;
				continue;
			}
			if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) {
				i += 2;
				continue;
			}
			if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
			    m != 0xcc) {
				*h = (int)be16(b + i + 5);
				*w = (int)be16(b + i + 7);
				return 0;
			}
			if (m == 0xd9 || m == 0xda)
				return -1;
			i += 2 + be16(b + i + 2);
		}
		return -1;
	case MEDIA_WEBP:
		if (n < 30)
			return -1;
		if (memcmp(b + 12, "VP8 ", 4) == 0) {
			if (memcmp(b + 23, "\x9d\x01\x2a", 3) != 0)
				return -1;
			*w = (int)(le16(b + 26) & 0x3fff);
			*h = (int)(le16(b + 28) & 0x3fff);
			return 0;
		}
		if (memcmp(b + 12, "VP8L", 4) == 0) {
			if (b[20] != 0x2f)
				return -1;
			*w = 1 + (int)(((b[22] & 0x3f) << 8) | b[21]);
			*h = 1 + (int)(((b[24] & 0x0f) << 10) | (b[23] << 2) |
			    ((b[22] & 0xc0) >> 6));
			return 0;
		}
		if (memcmp(b + 12, "VP8X", 4) == 0) {
			*w = 1 + (int)le24(b + 24);
			*h = 1 + (int)le24(b + 27);
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

/*
 * libgd would print its complaints about a bad file on standard error (the
 * server log); the client gets our 400 instead, so they are dropped.
 */
static void
image_gd_quiet(int priority, const char *fmt, va_list ap)
{
	(void)priority;
	(void)fmt;
	(void)ap;
}

/* Decodes the file at path as type t with libgd; NULL if it cannot. */
static gdImagePtr
image_decode(const char *path, enum media_image t)
{
	FILE *f = fopen(path, "rb");
	gdImagePtr im = NULL;

	if (f == NULL)
		return NULL;
	gdSetErrorMethod(image_gd_quiet);
	switch (t) {
	case MEDIA_PNG:
		im = gdImageCreateFromPng(f);
		break;
	case MEDIA_JPEG:
		im = gdImageCreateFromJpegEx(f, 1);
		break;
	case MEDIA_GIF:
		im = gdImageCreateFromGif(f);
		break;
	case MEDIA_WEBP:
		im = gdImageCreateFromWebp(f);
		break;
	default:
		break;
	}
	fclose(f);
	return im;
}

struct image_tmp {
	char	*path;
};

static void
image_tmp_cleanup(void *arg)
{
	struct image_tmp *t = arg;

	if (t->path != NULL)
		unlink(t->path);
}

/*
 * Writes a PNG thumbnail of im (longest side IMAGE_THUMB_SIDE, never
 * enlarged) into media/thumbnails/.  Returns NULL or a 500.
 */
static struct err *
image_thumbnail(struct ctx *ctx, gdImagePtr im, const char **rel)
{
	int sw = gdImageSX(im), sh = gdImageSY(im), tw = sw, th = sh;
	int size = 0;
	char hex[33];
	struct err *e;

	if (sw > IMAGE_THUMB_SIDE || sh > IMAGE_THUMB_SIDE) {
		if (sw >= sh) {
			tw = IMAGE_THUMB_SIDE;
			th = (int)((long long)sh * IMAGE_THUMB_SIDE / sw);
		} else {
			th = IMAGE_THUMB_SIDE;
			tw = (int)((long long)sw * IMAGE_THUMB_SIDE / sh);
		}
		if (tw < 1)
			tw = 1;
		if (th < 1)
			th = 1;
	}
	gdImagePtr t = gdImageCreateTrueColor(tw, th);
	if (t == NULL)
		mem_oom();
	gdImageAlphaBlending(t, 0);
	gdImageSaveAlpha(t, 1);
	gdImageCopyResampled(t, im, 0, 0, 0, 0, tw, th, sw, sh);
	void *png = gdImagePngPtrEx(t, &size, 6);
	gdImageDestroy(t);
	if (png == NULL || size <= 0) {
		gdFree(png);
		return err_internal(ctx, "thumbnail: PNG encoding failed");
	}

	struct image_tmp *tmp = mem_zalloc(&ctx->mem, sizeof(*tmp));
	struct req_file tf;
	memset(&tf, 0, sizeof(tf));
	if (rnd_hex(hex, 16) != 0) {
		gdFree(png);
		return err_internal(ctx, "no random bytes");
	}
	tf.path = mem_printf(&ctx->mem, "%s/tmp/thumb-%s", ctx->cfg.data_dir,
	    hex);
	int fd = open(tf.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		gdFree(png);
		return err_internal(ctx, mem_printf(&ctx->mem, "create %s: %s",
		    tf.path, strerror(errno)));
	}
	tmp->path = tf.path;
	mem_defer(&ctx->mem, image_tmp_cleanup, tmp);
	ssize_t w = write(fd, png, (size_t)size);
	int werr = errno;
	gdFree(png);
	if (close(fd) != 0 || w != size)
		return err_internal(ctx, mem_printf(&ctx->mem, "thumbnail "
		    "write: %s", strerror(werr)));
	if ((e = media_store(ctx, &tf, "thumbnails", rel)) != NULL)
		return e;
	tmp->path = NULL;
	return NULL;
}

/* Records a stored file as an orphan until a row claims it. */
static struct err *
image_orphan(struct ctx *ctx, const char *rel)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO media_orphan (path) VALUES (?)";
	db_stmt *st = db_prepare(ctx, sql);

	if (st == NULL)
		return db_err(ctx, "media orphan");
	st_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	return db_step(ctx, st, "media orphan");
}

/* The 400 for an upload that is not an image we take. */
static struct err *
image_invalid(struct ctx *ctx, const char *field)
{
	return err_field(ctx, field, "Upload a valid image. The file you "
	    "uploaded was either not an image or a corrupted image.");
}

/*
 * Checks that f is a real image (see image.h), stores it under
 * media/images/ and a thumbnail under media/thumbnails/, and records both
 * in media_orphan.  Call outside a transaction, with the database open.
 * Returns NULL with *image and *thumb set, or the error: 400 naming field
 * when f is not an image we take, 503 when libgd is missing.
 */
struct err *
image_store(struct ctx *ctx, struct req_file *f, const char *field,
    const char **image, const char **thumb)
{
	unsigned char *head = mem_alloc(&ctx->mem, IMAGE_HEAD);
	int w = 0, h = 0;
	ssize_t n = -1;
	struct err *e;

	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, head, IMAGE_HEAD);
		close(fd);
	}
	if (n < 0)
		return err_internal(ctx, "image: cannot read the upload");
	enum media_image t = media_sniff(head, (size_t)n);
	if (t == MEDIA_NOT_IMAGE)
		return err_field(ctx, field, "Upload a valid image: PNG, JPEG, "
		    "GIF or WebP.");
	if (image_dimensions(head, (size_t)n, &w, &h) != 0 || w < 1 ||
	    h < 1)
		return image_invalid(ctx, field);
	if (w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX ||
	    (long long)w * h > IMAGE_PIXELS_MAX)
		return err_field(ctx, field, "The image is too large (%d x %d "
		    "pixels; at most %d a side and %lld million in all).", w, h,
		    IMAGE_SIDE_MAX, IMAGE_PIXELS_MAX / 1000000);
	if (image_gd_load() != 0)
		return err_new(ctx, 503, "Images cannot be processed on this "
		    "server: libgd (Debian package libgd3) is not installed");
	gdImagePtr im = image_decode(f->path, t);
	if (im == NULL)
		return image_invalid(ctx, field);
	if (gdImageSX(im) != w || gdImageSY(im) != h) {
		gdImageDestroy(im);
		return image_invalid(ctx, field);
	}
	e = image_thumbnail(ctx, im, thumb);
	gdImageDestroy(im);
	if (e != NULL)
		return e;
	if ((e = media_store(ctx, f, "images", image)) != NULL) {
		media_discard(ctx, *thumb);
		return e;
	}
	if ((e = image_orphan(ctx, *image)) != NULL ||
	    (e = image_orphan(ctx, *thumb)) != NULL) {
		media_discard(ctx, *image);
		media_discard(ctx, *thumb);
		return e;
	}
	return NULL;
}

/*
 * Makes image and thumb part part_id's, inside the caller's transaction:
 * the old ones become orphans (schema trigger), the new ones stop being.
 * Returns NULL or the error.
 */
struct err *
image_set_part(struct ctx *ctx, long long part_id, const char *image,
    const char *thumb)
{
	static const char sql_set[] =
	    "UPDATE part SET image = ?, thumbnail = ? WHERE id = ?";
	db_stmt *set = db_prepare(ctx, sql_set);
	struct err *e;

	if (set == NULL)
		return db_err(ctx, "part image");
	st_bind_text(set, 1, image, -1, SQLITE_STATIC);
	st_bind_text(set, 2, thumb, -1, SQLITE_STATIC);
	st_bind_int64(set, 3, part_id);
	if ((e = db_step(ctx, set, "part image")) != NULL)
		return e;
	return image_claim(ctx, image, thumb);
}

/*
 * Takes the stored image and thumbnail (image_store()) out of
 * media_orphan, inside the caller's transaction, once a row names them.
 */
struct err *
image_claim(struct ctx *ctx, const char *image, const char *thumb)
{
	static const char sql_claim[] =
	    "DELETE FROM media_orphan WHERE path IN (?, ?)";
	db_stmt *claim = db_prepare(ctx, sql_claim);

	if (claim == NULL)
		return db_err(ctx, "image");
	st_bind_text(claim, 1, image, -1, SQLITE_STATIC);
	st_bind_text(claim, 2, thumb, -1, SQLITE_STATIC);
	return db_step(ctx, claim, "image");
}
