/*
 * timefmt.c - see timefmt.h.
 */
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

void timefmt_iso(time_t t, char *out)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool timefmt_parse(const char *s, time_t *out)
{
	if (s == NULL || strlen(s) != TIMEFMT_LEN - 1 || s[10] != 'T' || s[19] != 'Z')
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return false;
	*out = timegm(&tm);
	return true;
}
