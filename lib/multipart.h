/*
 * mp: multipart/form-data request bodies (RFC 7578, RFC 2046 section 5.1).
 *
 * mp_parse() reads a body from a reader callback, part by part, with a
 * bounded window: text parts become strings in the cJSON object the caller
 * gives (a repeated name becomes a list, as for urlencoded forms), and file
 * parts (those whose Content-Disposition has a filename) are streamed to a
 * fresh temporary file in DATA_DIR/tmp/, never held in memory.  Each file
 * is described by a struct req_file (below) and its temporary file is
 * removed when the request ends (mem_defer) unless the caller has moved it
 * into place and said so with mp_file_kept().
 *
 * Every error says what was wrong: 400 for a missing or malformed boundary,
 * malformed part headers, too many parts or files, a body that ends before
 * the closing delimiter, text that is not valid UTF-8; 413 when the text
 * parts together exceed their cap.  The caller has already checked the
 * body's total size against MAX_UPLOAD_SIZE.
 *
 * This module never uses the client's filename for anything but the
 * string it reports (directory parts stripped, UTF-8 checked, no control
 * characters), and never writes outside DATA_DIR/tmp/.
 */
#ifndef SR_MULTIPART_H
#define SR_MULTIPART_H

#include <stddef.h>
#include <sys/types.h>

struct cJSON;
struct ctx;
struct err;

/*
 * A file part of a multipart/form-data body, held in a temporary file under
 * DATA_DIR/tmp/ that is removed when the request ends unless path has been
 * set to NULL by whoever moved it into place (mp_file_kept()).
 */
struct req_file {
	const char	*field;		/* the form field's name */
	const char	*filename;	/* the client's name, no directories */
	const char	*content_type;	/* as the client says; not trusted */
	char		*path;		/* temporary file; NULL once kept */
	long long	 size;		/* bytes */
};

#define MP_BOUNDARY_MAX	70	/* RFC 2046 section 5.1.1 */
#define MP_PARTS_MAX	64	/* parts in one body */
#define MP_FILES_MAX	8	/* file parts in one body */
#define MP_HEADER_MAX	2048	/* one part header line */
#define MP_HEADERS_MAX	16	/* header lines in one part */
#define MP_NAME_MAX	200	/* a field name */
#define MP_FILENAME_MAX	255	/* a filename, in bytes */
#define MP_WINDOW	65536	/* bytes read at a time */

/*
 * Reads up to len bytes of body into buf.  Returns the number read, 0 at the
 * end of the body, or -1 with *e set to the error.
 */
typedef ssize_t (*mp_read_fn)(void *arg, char *buf, size_t len,
    struct err **e);

int	mp_boundary(const char *content_type, char *out, size_t outsz);
int	mp_param(const char *header, const char *name, char *out,
	    size_t outsz);
struct err *mp_parse(struct ctx *, const char *content_type, mp_read_fn,
	    void *arg, size_t text_max, struct cJSON *fields,
	    struct req_file *files, size_t *nfiles);
void	mp_file_kept(struct req_file *);

#endif
