/*
 * export: any list of a described resource (res.h) as a file -- CSV, XLSX
 * or JSON -- with the list's own filters, search, ordering and scope, in
 * InvenTree's way (docs/export.md):
 *
 *   GET <list>?export=true&export_format=csv|xlsx|json
 *	InvenTree's DataExportViewMixin (API 428 on): answers a DataOutput,
 *	already complete, whose "output" is the URL of the file;
 *   GET <list>?export=csv|xlsx|json
 *	the file itself (InvenTree's older ?export=csv, and that URL).
 *
 * The columns are the resource's readable fields, in their order, each
 * reference followed by the name of what it names where that has one
 * ("category_path", "supplier_name"; res_sql.c).  Rows are streamed: CSV
 * and JSON straight to the answer, XLSX through libxlsxwriter's constant
 * memory mode into a temporary file (libxlsxwriter is loaded with dlopen()
 * on the first XLSX export, so no other request pays for it).  Text cells
 * that a spreadsheet would take for a formula (starting with = + - @, tab
 * or CR) get a leading ' in CSV and XLSX, as OWASP recommends.
 */
#ifndef SR_EXPORT_H
#define SR_EXPORT_H

#include <stdbool.h>

struct ctx;
struct err;
struct list_q;
struct resource;

/* An export holds at most this many rows (XLSX's limit is 1,048,575). */
#define EXPORT_ROWS_MAX		1000000
/* XLSX cells hold at most 32,767 characters; longer text is cut. */
#define EXPORT_XLSX_CELL_MAX	32767

/*
 * Does the request ask for an export (?export= given, not false)?  Then
 * export_answer() answers it; res_list() calls this before the list.
 */
bool		 export_asked(struct ctx *);
struct err	*export_answer(struct ctx *, const struct resource *,
		    struct list_q *, void *view);
/* Whether a cell's text is neutralised (the ' prefix), for tests. */
bool		 export_formula_like(const char *);

#endif
