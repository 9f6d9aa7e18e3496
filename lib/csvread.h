/*
 * csvread: a spreadsheet's CSV or TSV file as rows of UTF-8 cells, for the
 * importer (domain/importer/).
 *
 * csvr_read() takes the whole file (at most CSVR_FILE_MAX bytes) and:
 *   - finds its encoding: UTF-8 with or without a byte-order mark, else
 *     Windows-1252 (what Excel writes on Windows), converted to UTF-8; a
 *     file that is neither (NUL bytes, one of 1252's five unused bytes) is
 *     refused;
 *   - finds its delimiter from the header line (outside quotes): the most
 *     frequent of comma, semicolon and tab, comma when none;
 *   - parses it with libcsv (Debian's libcsv, strict: a stray quote is an
 *     error), keeping cells as written (no spaces trimmed, "=1+1" stays
 *     text: nothing is ever evaluated);
 *   - hands each row to a callback, the header first, every row padded
 *     with empty cells to the header's width; a row with more non-empty
 *     cells than the header has is refused (a ragged file), empty trailing
 *     cells are dropped (Excel writes them); blank lines are skipped.
 *
 * Limits: CSVR_FILE_MAX bytes, CSVR_ROWS_MAX rows besides the header,
 * CSVR_COLS_MAX columns, CSVR_CELL_MAX bytes in a cell.  An error is a
 * message for people ("Row 12 has 5 cells; the header has 4."), static or
 * in the caller's buffer, and the callback has then perhaps been called
 * for the rows before: the caller applies nothing until it is done.
 *
 * Only the importer's program links libcsv (the Makefile's LIBCSV).
 */
#ifndef SR_CSVREAD_H
#define SR_CSVREAD_H

#include <stddef.h>

#define CSVR_FILE_MAX	(10 * 1024 * 1024)
#define CSVR_ROWS_MAX	100000
#define CSVR_COLS_MAX	100
#define CSVR_CELL_MAX	65536

/* A sheet's name, with its NUL: Excel's are at most 31 characters. */
#define CSVR_SHEET_MAX	128

struct csvr_info {
	const char	*encoding;	/* "utf-8", "utf-8-sig", "windows-1252" */
	char		 delimiter;	/* ',', ';' or '\t' */
	char		 sheet[CSVR_SHEET_MAX];	/* an XLSX workbook's sheet
						   read; "" in a CSV file */
	size_t		 rows;		/* data rows, header not counted */
	size_t		 columns;
};

/*
 * Called once per row: row 0 is the header.  cells[i] is NUL-terminated
 * UTF-8 (it may hold newlines from a quoted cell).  A non-NULL return is
 * an error message that ends the reading.
 */
typedef const char *(*csvr_row_fn)(void *arg, size_t row,
    const char *const *cells, size_t n);

const char	*csvr_read(const char *buf, size_t len, csvr_row_fn, void *arg,
		    struct csvr_info *, char *msg, size_t msgsz);

#endif
