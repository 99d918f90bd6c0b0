/*
 * eligibility.c - see eligibility.h.  ISO dates compare correctly as
 * strings, which keeps the rules identical in C and in SQL.
 */
#include "domain/eligibility.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

bool date_valid(const char *s)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = two(s) * 100 + two(s + 2);
	int m = two(s + 5);
	int d = two(s + 8);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
	return d <= max;
}

bool eligibility_covers(const struct elig_period *p, const char *day)
{
	return strcmp(p->from, day) <= 0 && (p->to == NULL || strcmp(day, p->to) <= 0);
}

int eligibility_find(const struct elig_period *p, size_t n, const char *country, const char *day)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].country, country) == 0 && eligibility_covers(&p[i], day))
			return (int)i;
	return -1;
}

/* Two periods overlap when each starts before the other ends. */
static bool overlap(const struct elig_period *a, const struct elig_period *b)
{
	bool a_before_b_ends = b->to == NULL || strcmp(a->from, b->to) <= 0;
	bool b_before_a_ends = a->to == NULL || strcmp(b->from, a->to) <= 0;
	return a_before_b_ends && b_before_a_ends;
}

enum err eligibility_check(const struct elig_period *p, size_t n, size_t *bad, long *other)
{
	for (size_t i = 0; i < n; i++) {
		*bad = i;
		*other = -1;
		if (!date_valid(p[i].from) || (p[i].to != NULL && !date_valid(p[i].to)))
			return E_INVALID;
		if (p[i].to != NULL && strcmp(p[i].to, p[i].from) < 0)
			return E_INVALID;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(p[i].country, p[j].country) == 0 && overlap(&p[i], &p[j])) {
				*other = (long)j;
				return E_INVALID;
			}
		}
	}
	return E_OK;
}

void date_today(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}
