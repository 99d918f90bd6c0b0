/*
 * test_arena.c - the per-request pool: alignment, growth, dispose order.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"

static int order[4];
static int norder;

static void record(void *p)
{
	order[norder++] = *(int *)p;
}

Test(arena, alignment_and_growth)
{
	struct arena *a = arena_new();
	for (int i = 0; i < 10000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 37) + 1);
		cr_assert_eq((uintptr_t)p % 16, 0);
		memset(p, 0xab, (size_t)(i % 37) + 1);
	}
	char *big = arena_alloc(a, 3 << 20); /* larger than any block */
	memset(big, 1, 3 << 20);
	cr_expect_geq(arena_used(a), (size_t)(3 << 20));
	arena_free(a);
}

Test(arena, strings)
{
	struct arena *a = arena_new();
	cr_expect_str_eq(arena_strdup(a, "Åre"), "Åre");
	cr_expect_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	cr_expect_str_eq(arena_printf(a, "%d-%s", 7, "x"), "7-x");
	cr_expect_null(arena_strdup(a, NULL));
	char *z = arena_zalloc(a, 64);
	for (int i = 0; i < 64; i++)
		cr_expect_eq(z[i], 0);
	arena_free(a);
}

Test(arena, dispose_runs_last_registered_first)
{
	static int one = 1, two = 2, three = 3;
	norder = 0;
	struct arena *a = arena_new();
	arena_on_free(a, record, &one);
	arena_on_free(a, record, &two);
	arena_on_free(a, record, &three);
	arena_free(a);
	cr_assert_eq(norder, 3);
	cr_expect_eq(order[0], 3);
	cr_expect_eq(order[1], 2);
	cr_expect_eq(order[2], 1);
}
