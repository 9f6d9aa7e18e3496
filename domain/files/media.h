/*
 * media: stored files (attachments, part images, thumbnails).
 *
 * Files live under DATA_DIR/media/, never under the document root, as
 * <kind>/<xx>/<32 hex digits>: a generated name (never the client's), and
 * a first level of 256 directories named by the name's first two digits so
 * that no directory grows large.  The database keeps that relative path and
 * the original filename; the file is reached only through /media/<path>,
 * served by cgi-bin/media.c after a permission check.
 *
 * media_store() moves an upload's temporary file into place.  A file whose
 * row is deleted is recorded in media_orphan by the schema's triggers;
 * media_sweep() removes the bytes of such files once the change has
 * committed (the media_sweep task, which the event table enqueues after
 * deletes when media_orphans_waiting() says there is work: tasks/event.c).
 *
 * media_owner() says whom a file belongs to, as a model of the registry
 * (models.h): an attachment's model_type names a model whose resource
 * takes attachments (RES_ATTACHMENTS), and a part's image or thumbnail
 * belongs to the part.  The user then needs view on that model's area
 * (its resource's), as for the object itself.  A printed label's PDF
 * (a data output, label.h) belongs to the user who printed it alone.
 *
 * This module never builds a path from anything but a relative path it
 * has checked with media_path_valid().
 */
#ifndef SR_MEDIA_H
#define SR_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

struct ctx;
struct err;
struct req_file;
struct resource;

#define MEDIA_PATH_MAX	255

enum media_image { MEDIA_NOT_IMAGE, MEDIA_PNG, MEDIA_JPEG, MEDIA_GIF,
	MEDIA_WEBP };

bool		 media_path_valid(const char *);
const char	*media_dir(struct ctx *);
const char	*media_abs(struct ctx *, const char *rel);
struct err	*media_store(struct ctx *, struct req_file *,
		    const char *kind, const char **rel);
void		 media_discard(struct ctx *, const char *rel);
int		 media_sweep(struct ctx *, int max);
struct err	*media_orphans_waiting(struct ctx *, bool *any);
char		*media_url(struct ctx *, const char *rel, char *buf,
		    size_t bufsz);
const char	*media_abs_url(struct ctx *, const char *rel);
/* Whom a stored file belongs to (media_owner()). */
struct media_owner {
	const struct resource *model;	/* its model (models.h) */
	long long	 model_id;
	const char	*filename;	/* for Content-Disposition */
	bool		 is_image;	/* a stored-file field: an image */
	long long	 user;		/* not 0: only this user (or a
					   superuser) may read it (a printed
					   label's PDF, label.h) */
};

const struct resource *media_attachable(const char *model_type);
struct err	*media_owner(struct ctx *, const char *rel,
		    struct media_owner *, bool *found);
enum media_image media_sniff(const unsigned char *, size_t);
const char	*media_image_type(enum media_image);
const char	*media_type_by_name(const char *filename);
struct err	*media_new_path(struct ctx *, const char *kind,
		    const char **rel);

#endif
