/*
 * eligibility.h - effective-dated eligibility of partner countries.
 *
 * A country is eligible on a day when one of its periods covers that day
 * (valid_from <= day <= valid_to, or no valid_to); the period names its
 * cluster.  Periods of one country must not overlap: the programme never
 * had a country in two clusters at once.  Plain C: no I/O, no SQL.
 */
#ifndef NATVERK_ELIGIBILITY_H
#define NATVERK_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct elig_period {
	const char *country; /* ISO alpha-2 */
	const char *cluster; /* cluster code */
	const char *from;    /* "YYYY-MM-DD", inclusive */
	const char *to;	     /* "YYYY-MM-DD", inclusive, or NULL when open-ended */
};

/* True when s is a real calendar date written YYYY-MM-DD (leap years counted). */
bool date_valid(const char *s);

/* True when the period covers day (both valid dates). */
bool eligibility_covers(const struct elig_period *p, const char *day);

/* Index of country's period covering day, or -1 when it is not eligible then. */
int eligibility_find(const struct elig_period *p, size_t n, const char *country, const char *day);

/*
 * Checks a set of periods: valid dates, to >= from, no two periods of the
 * same country overlapping.  Returns E_OK, or E_INVALID with *bad set to the
 * offending index (and *other to the period it overlaps, else -1).
 */
enum err eligibility_check(const struct elig_period *p, size_t n, size_t *bad, long *other);

/* Today's date in UTC as "YYYY-MM-DD" into out (11 bytes at least). */
void date_today(char *out, size_t outlen);

#endif
