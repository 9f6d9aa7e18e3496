/*
 * xlsxread: a sheet of an uploaded XLSX workbook as rows of UTF-8 cells,
 * for the importer (domain/importer/), handed on exactly as csvread.h
 * hands on a CSV file's rows (the same callback, the same limits on rows,
 * columns and cells).
 *
 * The workbook is a ZIP archive of XML parts, read with libzip and expat,
 * both loaded with dlopen() on the first XLSX file of a process (no other
 * program or request pays for them):
 *   - the sheet is the one the workbook opens at (its active tab, as
 *     InvenTree's tablib reads it; the first when it does not say, the
 *     first worksheet when that is a chart), found through
 *     xl/workbook.xml and its relationships (xl/worksheets/sheetN.xml
 *     when they do not say); its name in info->sheet.  When it is empty
 *     and another worksheet is not, the error names that one;
 *   - cells: shared strings (xl/sharedStrings.xml, rich text joined),
 *     inline strings, numbers (as Excel shows them: at most 15
 *     significant digits), booleans ("true", "false"); a number whose
 *     cell style (xl/styles.xml) has a date or time format, built-in
 *     (14-22, ...) or the workbook's own ("yyyy-mm-dd"), as ISO 8601
 *     text, "2026-03-01" ("2026-03-01T14:30:00", "14:30:00"), in the
 *     workbook's date system (1900, or 1904); dates stored as text as
 *     they are;
 *   - a formula is refused, with its row and column (paste the values),
 *     and so is an error value (#N/A);
 *   - the header is the first row with a value; blank rows are skipped,
 *     rows are padded to the header's width, and a value beyond it is
 *     refused as a ragged CSV row is.
 *
 * Bounds, checked before anything is inflated, from the archive's
 * directory: a part unpacks to at most XLSXR_PART_MAX bytes and at most
 * XLSXR_RATIO times its packed size (a zip bomb is refused unread); the
 * bytes actually inflated are counted too.  An XML part with a DOCTYPE is
 * refused (no entities, no external anything).  Messages are for people,
 * static or in the caller's buffer; on an error the callback may have been
 * called for the rows before: the caller applies nothing until done.
 */
#ifndef SR_XLSXREAD_H
#define SR_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "csvread.h"

#define XLSXR_PART_MAX	(256 * 1024 * 1024)
/* Sheets of a workbook; number formats it defines (Excel allows some
 * 250); cell styles (Excel: 64,000). */
#define XLSXR_SHEETS_MAX	1024
#define XLSXR_NUMFMTS_MAX	1024
#define XLSXR_XFS_MAX		65536
#define XLSXR_NAME_MAX		CSVR_SHEET_MAX
#define XLSXR_RATIO	200
/* Different texts of the shared string table. */
#define XLSXR_STRINGS_MAX	1000000

/* Is buf a ZIP archive (an XLSX, ODS, ... file)? */
bool		 xlsxr_is_zip(const char *buf, size_t len);

/* info: encoding "utf-8" (XML's), delimiter '\0', the sheet's name. */
const char	*xlsxr_read(const char *buf, size_t len, csvr_row_fn, void *arg,
		    struct csvr_info *, char *msg, size_t msgsz);

#endif
