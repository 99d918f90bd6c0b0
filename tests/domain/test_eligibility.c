/*
 * test_eligibility.c - effective-dated eligibility rules and dates.
 */
#include <criterion/criterion.h>

#include "domain/eligibility.h"

static const struct elig_period periods[] = {
	{"IN", "asia", "2008-01-01", "2020-02-25"},
	{"KE", "east_africa", "2008-01-01", "2020-02-25"},
	{"KE", "east_africa", "2020-02-26", "2022-12-31"},
	{"KE", "east_africa", "2023-01-01", NULL},
	{"CO", "latin_america", "2023-01-01", NULL},
};
#define N (sizeof periods / sizeof periods[0])

Test(eligibility, by_date)
{
	cr_expect_eq(eligibility_find(periods, N, "IN", "2019-06-01"), 0);
	cr_expect_eq(eligibility_find(periods, N, "IN", "2020-02-25"), 0, "valid_to is inclusive");
	cr_expect_eq(eligibility_find(periods, N, "IN", "2020-02-26"), -1, "India was removed in 2020");
	cr_expect_eq(eligibility_find(periods, N, "KE", "2021-05-05"), 2);
	cr_expect_eq(eligibility_find(periods, N, "KE", "2030-01-01"), 3, "open-ended period");
	cr_expect_eq(eligibility_find(periods, N, "CO", "2022-12-31"), -1, "not before it started");
	cr_expect_eq(eligibility_find(periods, N, "CO", "2023-01-01"), 2 + 2);
	cr_expect_eq(eligibility_find(periods, N, "SE", "2023-01-01"), -1);
}

Test(eligibility, check_finds_overlaps_and_bad_dates)
{
	size_t bad;
	long other;
	cr_expect_eq(eligibility_check(periods, N, &bad, &other), E_OK);

	const struct elig_period overlapping[] = {
		{"KE", "east_africa", "2020-01-01", "2022-12-31"},
		{"KE", "southern_africa", "2022-12-31", NULL},
	};
	cr_expect_eq(eligibility_check(overlapping, 2, &bad, &other), E_INVALID);
	cr_expect_eq(bad, 1);
	cr_expect_eq(other, 0);

	const struct elig_period open_twice[] = {
		{"UA", "europe", "2008-01-01", NULL},
		{"UA", "europe", "2023-01-01", NULL},
	};
	cr_expect_eq(eligibility_check(open_twice, 2, &bad, &other), E_INVALID);

	const struct elig_period backwards[] = {{"UA", "europe", "2023-01-01", "2022-01-01"}};
	cr_expect_eq(eligibility_check(backwards, 1, &bad, &other), E_INVALID);
	cr_expect_eq(other, -1);

	const struct elig_period baddate[] = {{"UA", "europe", "2023-02-30", NULL}};
	cr_expect_eq(eligibility_check(baddate, 1, &bad, &other), E_INVALID);
}

Test(eligibility, dates)
{
	cr_expect(date_valid("2024-02-29"), "leap year");
	cr_expect_not(date_valid("2023-02-29"));
	cr_expect_not(date_valid("2100-02-29"), "not a leap year");
	cr_expect(date_valid("2000-02-29"));
	cr_expect_not(date_valid("2023-13-01"));
	cr_expect_not(date_valid("2023-1-01"));
	cr_expect_not(date_valid("20230101"));
	cr_expect_not(date_valid(NULL));
	char today[11];
	date_today(today, sizeof today);
	cr_expect(date_valid(today));
}
