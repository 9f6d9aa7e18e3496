/* Unit tests for lib/mem.c: the per-request arena and its cleanups. */
#include <stdint.h>
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

int
main(void)
{
	RUN(allocations_aligned_and_distinct);
	RUN(cleanups_run_in_reverse);
	return DONE();
}
