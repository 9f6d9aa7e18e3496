/*
 * Unit tests for lib/list.c: the notes a list keeps of its filters, which
 * decide when a maintained count may stand for counting rows (list.h).
 */
#include <string.h>

#include "ctx.h"
#include "list.h"
#include "t.h"

static struct ctx ctx;

static void
keys_are_sorted_by_name_with_values_in_that_order(void)
{
	struct list_q q;
	char key[128];
	long long v[4];

	list_init(&q, &ctx, "x.id");
	list_where_each(&q, " AND s.location IN (?)", &(long long){ 7 }, NULL);
	list_note(&q, "location", "<", 7);
	list_where(&q, " AND s.status = 10");
	list_note(&q, "in_stock", "=1", 0);
	list_where_each(&q, " AND s.part = ?", &(long long){ 3 }, NULL);
	list_note(&q, "part", "=", 3);
	CHECK(list_noted(&q));
	CHECK(list_note_key(&q, key, sizeof(key), v, 4) == 2);
	CHECK(strcmp(key, "in_stock=1,location<,part=") == 0);
	CHECK(v[0] == 7 && v[1] == 3);
}

static void
no_filter_is_the_empty_key(void)
{
	struct list_q q;
	char key[16];
	long long v[1];

	list_init(&q, &ctx, "x.id");
	CHECK(list_noted(&q));
	CHECK(list_note_key(&q, key, sizeof(key), v, 1) == 0);
	CHECK(key[0] == '\0');
}

static void
a_fragment_without_a_note_means_counting_rows(void)
{
	struct list_q q;

	list_init(&q, &ctx, "x.id");
	list_where(&q, " AND s.status = 10");
	list_note(&q, "in_stock", "=1", 0);
	list_where(&q, " AND s.batch LIKE ?");		/* a search */
	list_bind_text(&q, "%a%");
	CHECK(!list_noted(&q));
}

static void
keys_and_values_that_do_not_fit_are_refused(void)
{
	struct list_q q;
	char key[8];
	long long v[1];

	list_init(&q, &ctx, "x.id");
	list_where(&q, " AND 1");
	list_note(&q, "location", "<", 1);
	CHECK(list_note_key(&q, key, sizeof(key), v, 1) == (size_t)-1);
	char big[64];
	list_where(&q, " AND 1");
	list_note(&q, "part", "=", 2);
	CHECK(list_note_key(&q, big, sizeof(big), v, 1) == (size_t)-1);
	/* More filters than notes are kept: never a tally's. */
	for (int i = 0; i < LIST_NOTES_MAX; i++) {
		list_where(&q, " AND 1");
		list_note(&q, "x", "=1", 0);
	}
	CHECK(!list_noted(&q));
}

static void
a_noted_fragment_is_replaced_in_place(void)
{
	struct list_q q;

	list_init(&q, &ctx, "x.id");
	list_where(&q, " AND a = 1");
	list_note(&q, "a", "=1", 0);
	list_where_each(&q, " AND s.part IN (?)", &(long long){ 5 }, NULL);
	list_note(&q, "category", "=", 5);
	list_where(&q, " AND c = 3");
	list_note(&q, "c", "=1", 0);
	list_note_replace(&q, 1, " AND +s.part IN (?)");
	CHECK(strcmp(q.where, " AND a = 1 AND +s.part IN (?) AND c = 3") == 0);
	CHECK(q.wlen == strlen(q.where));
	CHECK(strncmp(q.where + q.notes[2].at, " AND c = 3",
	    q.notes[2].len) == 0);
	CHECK(q.nbinds == 1 && q.binds[0].i == 5);
	list_where(&q, " AND d");		/* still appends */
	CHECK(strcmp(q.where + q.wlen - 6, " AND d") == 0);
}

int
main(void)
{
	ctx_init(&ctx, NULL, NULL, NULL, NULL);
	RUN(keys_are_sorted_by_name_with_values_in_that_order);
	RUN(no_filter_is_the_empty_key);
	RUN(a_fragment_without_a_note_means_counting_rows);
	RUN(keys_and_values_that_do_not_fit_are_refused);
	RUN(a_noted_fragment_is_replaced_in_place);
	ctx_end(&ctx);
	return DONE();
}
