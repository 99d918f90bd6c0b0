/*
 * timefmt.h - timestamps as ISO 8601 UTC text, the form every table stores
 * ("2026-11-28T09:00:00Z"), so that times compare correctly as strings in
 * SQL on both engines.
 */
#ifndef NATVERK_TIMEFMT_H
#define NATVERK_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TIMEFMT_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL */

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least TIMEFMT_LEN bytes). */
void timefmt_iso(time_t t, char *out);

/* Parses the form above; false when s is not one. */
bool timefmt_parse(const char *s, time_t *out);

#endif
