/*
 * fmt.h - numbers and dates formatted per language.
 *
 * Swedish groups thousands with a no-break space and writes dates the ISO
 * way (2025-12-31); English groups with commas and writes "31 December
 * 2025".  Done here rather than through the C library's locale so the output
 * does not depend on which locales a machine happens to have.
 */
#ifndef NATVERK_FMT_H
#define NATVERK_FMT_H

#include <stdint.h>

#include "util/arena.h"

/* "10 605 520" (sv, with U+00A0) or "10,605,520" (en), in the arena. */
const char *fmt_int(struct arena *a, const char *lang, int64_t v);

/* v with the given digits after the decimal point (0 to 6), rounded:
 * "7,5" (sv) or "7.5" (en), thousands grouped as fmt_int does. */
const char *fmt_decimal(struct arena *a, const char *lang, double v, int decimals);

/* A date "YYYY-MM-DD" for display; the input unchanged if it is not one. */
const char *fmt_date(struct arena *a, const char *lang, const char *iso);

#endif
