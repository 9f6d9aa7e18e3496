/*
 * image: part images and their thumbnails, checked and made with libgd.
 *
 * image_store() accepts an upload only if it is a real PNG, JPEG, GIF or
 * WebP image: its first bytes must announce one (media_sniff()), its
 * header must give sane dimensions (at most IMAGE_SIDE_MAX a side and
 * IMAGE_PIXELS_MAX pixels, checked before anything is decoded, so a small
 * file cannot make us allocate gigabytes), and libgd must decode it.  The
 * file is stored as sent; a PNG thumbnail of at most IMAGE_THUMB_SIDE
 * pixels a side is made beside it.  Both are recorded in media_orphan at
 * once, so a change that never commits leaves nothing behind for long;
 * image_set_part(), inside the caller's transaction, takes them out of it
 * (image_claim() alone, for a row that a resource writes itself).
 *
 * This module never trusts the client's filename or Content-Type.
 */
#ifndef SR_IMAGE_H
#define SR_IMAGE_H

#include <stddef.h>

struct ctx;
struct err;
struct req_file;

#define IMAGE_SIDE_MAX		16384
#define IMAGE_PIXELS_MAX	(40LL * 1000 * 1000)
#define IMAGE_THUMB_SIDE	256

int	image_dimensions(const unsigned char *, size_t, int *w, int *h);
struct err *image_store(struct ctx *, struct req_file *, const char *field,
	    const char **image, const char **thumb);
struct err *image_set_part(struct ctx *, long long part_id,
	    const char *image, const char *thumb);
struct err *image_claim(struct ctx *, const char *image, const char *thumb);

#endif
