/*
 * test_paging.c - page and per_page parameters and pager numbers.
 */
#include <criterion/criterion.h>

#include "domain/paging.h"

Test(paging, defaults_and_limits)
{
	struct paging p;
	const char *bad = NULL;
	cr_assert_eq(paging_parse(NULL, NULL, &p, &bad), E_OK);
	cr_expect_eq(p.page, 1);
	cr_expect_eq(p.per_page, 50);
	cr_expect_eq(p.offset, 0);

	cr_assert_eq(paging_parse("3", "200", &p, &bad), E_OK);
	cr_expect_eq(p.offset, 400);

	static const char *bad_pages[] = {"0", "-1", "x", "1.5", "100001", ""};
	for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
		bad = NULL;
		cr_expect_eq(paging_parse(bad_pages[i], NULL, &p, &bad), E_INVALID, "page=%s", bad_pages[i]);
		cr_expect_str_eq(bad, "page");
	}
	static const char *bad_sizes[] = {"0", "201", "100000", "-5"};
	for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		bad = NULL;
		cr_expect_eq(paging_parse("1", bad_sizes[i], &p, &bad), E_INVALID);
		cr_expect_str_eq(bad, "per_page");
	}
}

Test(paging, totals)
{
	struct paging p;
	const char *bad;
	paging_parse("7", NULL, &p, &bad);
	paging_set_total(&p, 311);
	cr_expect_eq(p.pages, 7);
	cr_expect_eq(p.first, 301);
	cr_expect_eq(p.last, 311);

	paging_parse("8", NULL, &p, &bad);
	paging_set_total(&p, 311);
	cr_expect_eq(p.first, 0, "past the end shows nothing");

	paging_parse(NULL, NULL, &p, &bad);
	paging_set_total(&p, 0);
	cr_expect_eq(p.pages, 1);
	cr_expect_eq(p.first, 0);
}
