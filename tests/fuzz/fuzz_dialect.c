/*
 * fuzz_dialect: dialect_pg() (lib/dialect.c), the rewrite of SQLite's SQL
 * for PostgreSQL.  Its input is the program's own SQL, but the resource
 * layer builds some of it, so it must hold for any bytes: no crash, and
 * its promises -- an answer or a reason, never both; a parameter count in
 * range; an output no more than a bounded multiple of the input (every
 * rewrite adds a bounded number of bytes per input token).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1), *out = (char *)1, err[160];
	int n = -1;

	memcpy(sql, data, size);
	sql[size] = '\0';
	memset(err, 'x', sizeof(err));
	if (dialect_pg(sql, &out, &n, err, sizeof(err)) == 0) {
		if (out == NULL || n < 0 || n > DIALECT_PARAMS_MAX ||
		    err[0] != '\0' || strlen(out) > 40 * (strlen(sql) + 1))
			abort();
		free(out);
	} else if (out != NULL || memchr(err, '\0', sizeof(err)) == NULL ||
	    err[0] == '\0')
		abort();
	free(sql);
	return 0;
}
