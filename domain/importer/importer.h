/*
 * importer: InvenTree's data importer (/api/importer/...), generic over the
 * resource descriptions (res.h): a session per uploaded CSV or TSV file
 * for one model, its column mapping (suggested from the header, editable),
 * its rows, each checked by the model's own validation without being
 * written, and the commit of the accepted rows in one transaction.  See
 * docs/import.md.
 */
#ifndef SR_IMPORTER_H
#define SR_IMPORTER_H

struct ctx;
struct err;
struct field;
struct resource;

extern const struct resource import_session_resource;
extern const struct resource import_column_map_resource;
extern const struct resource import_row_resource;

/* What POST /api/importer/session/ and accept_rows/ take (OPTIONS). */
extern const struct field import_upload_input[];
extern const struct field import_accept_rows_input[];

struct err	*import_upload(struct ctx *);
struct err	*import_accept_fields(struct ctx *);
struct err	*import_accept_rows(struct ctx *);

#endif
