/*
 * fmt.c - see fmt.h.
 */
#include "view/fmt.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

const char *fmt_int(struct arena *a, const char *lang, int64_t v)
{
	char digits[32];
	/* Work on the magnitude as unsigned so INT64_MIN is fine.  Digits by
	 * hand: this runs for every row of a list, and snprintf costs ten
	 * times as much. */
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char rev[32];
	int n = 0;
	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	for (int i = 0; i < n; i++)
		digits[i] = rev[n - 1 - i];
	bool sv = strcmp(lang, "en") != 0;
	const char *sep = sv ? "\xC2\xA0" : ",";
	size_t seplen = strlen(sep);
	char out[64];
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(out + o, sep, seplen);
			o += seplen;
		}
		out[o++] = digits[i];
	}
	return arena_strndup(a, out, o);
}

const char *fmt_decimal(struct arena *a, const char *lang, double v, int decimals)
{
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	int64_t scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	/* Integer arithmetic from here: no locale, no "-0,0". */
	double r = v * (double)scale;
	if (!(r > -9.0e15 && r < 9.0e15))
		return arena_strdup(a, "?");
	int64_t n = (int64_t)(r < 0 ? r - 0.5 : r + 0.5);
	bool neg = n < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
	const char *whole = fmt_int(a, lang, (int64_t)(u / (uint64_t)scale));
	if (decimals == 0)
		return neg && u != 0 ? arena_printf(a, "-%s", whole) : whole;
	return arena_printf(a, "%s%s%s%0*llu", neg && u != 0 ? "-" : "", whole,
			    strcmp(lang, "en") == 0 ? "." : ",", decimals,
			    (unsigned long long)(u % (uint64_t)scale));
}

const char *fmt_date(struct arena *a, const char *lang, const char *iso)
{
	/* English only: Swedish dates stay in ISO form. */
	static const char *const months[] = {"January", "February", "March",	  "April",
					     "May",	"June",	    "July",	  "August",
					     "September", "October", "November", "December"};
	int64_t y, m, d;
	if (iso == NULL || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return iso;
	char tmp[5] = {0};
	memcpy(tmp, iso, 4);
	if (!str_to_i64(tmp, 1, 9999, &y))
		return iso;
	memcpy(tmp, iso + 5, 2);
	tmp[2] = '\0';
	if (!str_to_i64(tmp[0] == '0' ? tmp + 1 : tmp, 1, 12, &m))
		return iso;
	memcpy(tmp, iso + 8, 2);
	if (!str_to_i64(tmp[0] == '0' ? tmp + 1 : tmp, 1, 31, &d))
		return iso;
	if (strcmp(lang, "en") != 0)
		return iso;
	return arena_printf(a, "%d %s %d", (int)d, months[m - 1], (int)y);
}
