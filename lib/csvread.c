/*
 * csvread: CSV and TSV files as rows of UTF-8 cells.  See csvread.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvread.h"
#include "text.h"

/* Windows-1252's 0x80..0x9F as code points; 0: unused in 1252. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* buf (Windows-1252) as UTF-8, malloc'd into *out; false: not 1252. */
static bool
cp1252_to_utf8(const char *buf, size_t len, char **out, size_t *outlen)
{
	char *o = malloc(len * 3 + 1), *p = o;

	if (o == NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7F) {
			free(o);
			return false;
		}
		if (c >= 0x80 && c < 0xA0) {
			c = cp1252_high[c - 0x80];
			if (c == 0) {
				free(o);
				return false;
			}
		}
		if (c < 0x80) {
			*p++ = (char)c;
		} else if (c < 0x800) {
			*p++ = (char)(0xC0 | c >> 6);
			*p++ = (char)(0x80 | (c & 0x3F));
		} else {
			*p++ = (char)(0xE0 | c >> 12);
			*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*p++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*p = '\0';
	*out = o;
	*outlen = (size_t)(p - o);
	return true;
}

/* The delimiter of the first line: most of ',', ';', '\t' outside quotes. */
static char
guess_delimiter(const char *s, size_t len)
{
	size_t comma = 0, semi = 0, tab = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r')
			break;
		else if (c == ',')
			comma++;
		else if (c == ';')
			semi++;
		else if (c == '\t')
			tab++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma)
		return ';';
	return ',';
}

struct rd {
	csvr_row_fn	 fn;
	void		*arg;
	char		*cells[CSVR_COLS_MAX + 1];
	size_t		 n;		/* cells of the current row */
	size_t		 extra;		/* non-empty cells beyond the header */
	size_t		 width;		/* the header's; 0 before it */
	size_t		 row;		/* rows handed on */
	const char	*err;
	char		*msg;
	size_t		 msgsz;
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
rd_cell(void *s, size_t len, void *data)
{
	struct rd *rd = data;

	if (rd->err != NULL)
		return;
	if (len > CSVR_CELL_MAX) {
		snprintf(rd->msg, rd->msgsz, "Row %zu, column %zu: a cell "
		    "holds at most %d bytes.", rd->row + 1, rd->n + 1,
		    CSVR_CELL_MAX);
		rd->err = rd->msg;
		return;
	}
	if (rd->width > 0 && rd->n >= rd->width) {
		if (len > 0)
			rd->extra++;
		rd->n++;
		return;
	}
	if (rd->n >= CSVR_COLS_MAX) {
		if (len == 0) {		/* trailing empty header cells */
			rd->n++;
			return;
		}
		snprintf(rd->msg, rd->msgsz, "The file has more than %d "
		    "columns.", CSVR_COLS_MAX);
		rd->err = rd->msg;
		return;
	}
	char *c = malloc(len + 1);
	if (c == NULL) {
		rd->err = "Out of memory.";
		return;
	}
	if (len > 0)
		memcpy(c, s, len);
	c[len] = '\0';
	if (memchr(c, '\0', len) != NULL || !txt_utf8_valid(c, len, true)) {
		free(c);
		snprintf(rd->msg, rd->msgsz, "Row %zu, column %zu: the cell "
		    "holds a control character.", rd->row + 1, rd->n + 1);
		rd->err = rd->msg;
		return;
	}
	rd->cells[rd->n++] = c;
}

static void
rd_clear(struct rd *rd)
{
	size_t k = rd->n < CSVR_COLS_MAX ? rd->n : CSVR_COLS_MAX;

	if (rd->width > 0 && k > rd->width)
		k = rd->width;
	for (size_t i = 0; i < k; i++) {
		free(rd->cells[i]);
		rd->cells[i] = NULL;
	}
	rd->n = 0;
	rd->extra = 0;
}

static void
rd_row(int term, void *data)
{
	struct rd *rd = data;

	(void)term;
	if (rd->err != NULL) {
		rd_clear(rd);
		return;
	}
	if (rd->width == 0) {
		/* The header: its trailing empty cells are no columns. */
		size_t n = rd->n < CSVR_COLS_MAX ? rd->n : CSVR_COLS_MAX;
		while (n > 0 && rd->cells[n - 1][0] == '\0')
			free(rd->cells[--n]), rd->cells[n] = NULL;
		if (n == 0) {
			rd->err = "The header row is empty.";
			rd_clear(rd);
			return;
		}
		rd->n = n;
		rd->width = n;
	} else {
		if (rd->extra > 0) {
			snprintf(rd->msg, rd->msgsz, "Row %zu has %zu cells; "
			    "the header has %zu.", rd->row + 1, rd->n,
			    rd->width);
			rd->err = rd->msg;
			rd_clear(rd);
			return;
		}
		if (rd->row > CSVR_ROWS_MAX) {
			snprintf(rd->msg, rd->msgsz, "The file has more than "
			    "%d rows.", CSVR_ROWS_MAX);
			rd->err = rd->msg;
			rd_clear(rd);
			return;
		}
		if (rd->n > rd->width)
			rd->n = rd->width;
		while (rd->n < rd->width) {
			char *c = calloc(1, 1);
			if (c == NULL) {
				rd->err = "Out of memory.";
				rd_clear(rd);
				return;
			}
			rd->cells[rd->n++] = c;
		}
	}
	rd->err = rd->fn(rd->arg, rd->row, (const char *const *)rd->cells,
	    rd->n);
	rd->row++;
	rd_clear(rd);
}

const char *
csvr_read(const char *buf, size_t len, csvr_row_fn fn, void *arg,
    struct csvr_info *info, char *msg, size_t msgsz)
{
	struct rd rd = { .fn = fn, .arg = arg, .msg = msg, .msgsz = msgsz };
	struct csv_parser p;
	char *conv = NULL;

	memset(info, 0, sizeof(*info));
	if (len > CSVR_FILE_MAX) {
		snprintf(msg, msgsz, "The file is larger than %d bytes.",
		    CSVR_FILE_MAX);
		return msg;
	}
	if (memchr(buf, '\0', len) != NULL)
		return "The file holds NUL bytes: it is not a CSV or TSV "
		    "text file.";
	info->encoding = "utf-8";
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
		info->encoding = "utf-8-sig";
	}
	if (!txt_utf8_valid(buf, len, true)) {
		if (strcmp(info->encoding, "utf-8") != 0 ||
		    !cp1252_to_utf8(buf, len, &conv, &len))
			return "The file is neither UTF-8 nor Windows-1252 "
			    "text (or it holds control characters).";
		buf = conv;
		info->encoding = "windows-1252";
	}
	info->delimiter = guess_delimiter(buf, len);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(conv);
		return "Out of memory.";
	}
	csv_set_delim(&p, (unsigned char)info->delimiter);
	csv_set_space_func(&p, no_space);
	/* libcsv grows a cell's buffer by this much at a time (128 bytes
	 * unless told): a 1 MB cell, refused once it ends, would take 8,000
	 * reallocations, each a copy of it under AddressSanitizer. */
	csv_set_blk_size(&p, 16384);
	if (csv_parse(&p, buf, len, rd_cell, rd_row, &rd) != len &&
	    rd.err == NULL) {
		snprintf(msg, msgsz, "Row %zu: %s (a quote inside a cell "
		    "that is not quoted, or text after a closing quote).",
		    rd.row + 1, csv_strerror(csv_error(&p)));
		rd.err = msg;
	}
	if (rd.err == NULL && csv_fini(&p, rd_cell, rd_row, &rd) != 0 &&
	    rd.err == NULL)
		rd.err = "The file ends inside a quoted cell.";
	rd_clear(&rd);
	csv_free(&p);
	free(conv);
	if (rd.err == NULL && rd.width == 0)
		rd.err = "The file is empty.";
	info->rows = rd.row > 0 ? rd.row - 1 : 0;
	info->columns = rd.width;
	return rd.err;
}
