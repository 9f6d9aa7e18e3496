/* Unit tests for lib/mem.c: the per-request arena and its cleanups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "t.h"

static int cleaned[3], order;

static void
cleanup(void *p)
{
	*(int *)p = ++order;
}

static void
allocations_aligned_and_distinct(void)
{
	struct mem m = { 0 };
	char *a = mem_alloc(&m, 3), *b = mem_alloc(&m, 100000);
	CHECK(((uintptr_t)a & 15) == 0 && ((uintptr_t)b & 15) == 0);
	CHECK(a != b);
	memset(b, 'x', 100000);		/* a large block is whole */
	char *z = mem_zalloc(&m, 64);
	for (int i = 0; i < 64; i++)
		CHECK(z[i] == 0);
	CHECK(strcmp(mem_strdup(&m, "abc"), "abc") == 0);
	CHECK(strcmp(mem_strndup(&m, "abcdef", 2), "ab") == 0);
	CHECK(strcmp(mem_printf(&m, "%d-%s", 7, "x"), "7-x") == 0);
	CHECK(strcmp(mem_strtrim(&m, " \t a b\t "), "a b") == 0);
	CHECK(strcmp(mem_strtrim(&m, "\t \t"), "") == 0);
	CHECK(strcmp(mem_strtrim(&m, NULL), "") == 0);
	CHECK(strcmp(mem_strtrim(&m, "x\n"), "x\n") == 0);
	mem_free(&m);
	CHECK(m.head == NULL && m.total == 0);
}

static void
cleanups_run_in_reverse(void)
{
	struct mem m = { 0 };
	order = 0;
	mem_defer(&m, cleanup, &cleaned[0]);
	mem_defer(&m, cleanup, &cleaned[1]);
	mem_defer(&m, cleanup, &cleaned[2]);
	mem_free(&m);
	CHECK(cleaned[2] == 1 && cleaned[1] == 2 && cleaned[0] == 3);
	mem_free(&m);			/* twice is harmless */
}

/* mem_buf: grows, stays NUL-terminated, and can be emptied and reused. */
static void
buf_grows_and_clears(void)
{
	struct mem_buf b = { 0 };
	char big[3000];

	mem_buf_clear(&b);			/* nothing yet: no memory */
	CHECK(b.s == NULL && b.len == 0);
	mem_buf_add(&b, "ab", 2);
	mem_buf_add(&b, "", 0);
	CHECK(b.len == 2 && strcmp(b.s, "ab") == 0);
	memset(big, 'x', sizeof(big));
	mem_buf_add(&b, big, sizeof(big));
	CHECK(b.len == 3002 && b.cap > b.len && b.s[3002] == '\0');
	CHECK(b.s[0] == 'a' && b.s[2] == 'x' && b.s[3001] == 'x');
	size_t cap = b.cap;
	mem_buf_clear(&b);
	CHECK(b.len == 0 && b.s[0] == '\0' && b.cap == cap);
	mem_buf_add(&b, "c", 1);
	CHECK(strcmp(b.s, "c") == 0 && b.cap == cap);
	mem_buf_room(&b, 10000);
	CHECK(b.cap >= 10002 && strcmp(b.s, "c") == 0);
	free(b.s);
}

int
main(void)
{
	RUN(allocations_aligned_and_distinct);
	RUN(cleanups_run_in_reverse);
	RUN(buf_grows_and_clears);
	return DONE();
}
