/*
 * fuzz_csvread: csvr_read() (lib/csvread.c), the importer's reading of an
 * uploaded CSV or TSV file: encoding, delimiter, libcsv's parse, the
 * limits.
 *
 * Input: the file's bytes.  Beyond "no crash", it checks the module's
 * promises: on success the encoding is one of three and the delimiter one
 * of three; every row handed on has the header's width (at most
 * CSVR_COLS_MAX), every cell is NUL-terminated valid text of at most
 * CSVR_CELL_MAX bytes, the header's last cell is not empty, and the rows
 * counted are the rows seen; a failure has a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "text.h"

struct seen {
	size_t	width;
	size_t	rows;
};

static const char *
row(void *arg, size_t n_row, const char *const *cells, size_t n)
{
	struct seen *s = arg;

	if (n_row != s->rows || n == 0 || n > CSVR_COLS_MAX)
		abort();
	if (n_row == 0) {
		s->width = n;
		if (cells[n - 1][0] == '\0')
			abort();
	} else if (n != s->width)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		if (len > CSVR_CELL_MAX || !txt_utf8_valid(cells[i], len, true))
			abort();
	}
	s->rows++;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	struct csvr_info info;
	char msg[200];

	const char *err = csvr_read((const char *)data, size, row, &s, &info,
	    msg, sizeof(msg));
	if (err != NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (strcmp(info.encoding, "utf-8") != 0 &&
	    strcmp(info.encoding, "utf-8-sig") != 0 &&
	    strcmp(info.encoding, "windows-1252") != 0)
		abort();
	if (info.delimiter != ',' && info.delimiter != ';' &&
	    info.delimiter != '\t')
		abort();
	if (s.rows == 0 || info.rows != s.rows - 1 || info.columns != s.width)
		abort();
	return 0;
}
