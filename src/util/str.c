/*
 * str.c - see str.h.  The folding table covers Latin-1 Supplement and Latin
 * Extended-A, which spells every Swedish name and the Latin transliterations
 * of partner-country place names; other scripts pass through lower-cased
 * only where ASCII.  Written by hand because no Debian-packaged library
 * offers accent folding without pulling in ICU for one table.
 */
#include "util/str.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (s == NULL || *s == '\0')
		return false;
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (const char *q = p; *q != '\0'; q++)
		if (*q < '0' || *q > '9')
			return false;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == NULL || *end != '\0')
		return false;
	if (v < min || v > max)
		return false;
	*out = (int64_t)v;
	return true;
}

/* Decodes one code point from valid-or-not UTF-8; returns its length, or 0
 * when the sequence is malformed. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

bool str_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] == 0)
			return false;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t str_utf8_len(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* ASCII replacements for U+00C0..U+017F; "" keeps the original character. */
static const char *const fold_table[0x180 - 0xC0] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", /* U+00C0 */
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", /* U+00D0 */
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", /* U+00E0 */
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", /* U+00F0 */
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", /* U+0100 */
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", /* U+0110 */
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", /* U+0120 */
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", /* U+0130 */
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", /* U+0140 */
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", /* U+0150 */
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", /* U+0160 */
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s", /* U+0170 */
};

/* Appends the folding of one code point; sv selects the Swedish sort letters. */
static void fold_cp(struct buf *out, uint32_t cp, const char *orig, size_t n, bool sv_sort)
{
	if (cp < 0x80) {
		char c = (char)cp;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf_putc(out, c);
		return;
	}
	if (cp >= 0x300 && cp <= 0x36F)
		return; /* combining mark: the base letter is already out */
	if (sv_sort) {
		/* Swedish alphabet order: ... x y z å ä ö; æ and ø sort with ä and ö,
		 * ü with y. Bytes above 'z' keep them after every ASCII letter. */
		switch (cp) {
		case 0xC5: case 0xE5: buf_putc(out, '{'); return;
		case 0xC4: case 0xE4: case 0xC6: case 0xE6: buf_putc(out, '|'); return;
		case 0xD6: case 0xF6: case 0xD8: case 0xF8: buf_putc(out, '}'); return;
		case 0xDC: case 0xFC: buf_putc(out, 'y'); return;
		default: break;
		}
	}
	if (cp >= 0xC0 && cp < 0x180 && fold_table[cp - 0xC0][0] != '\0') {
		buf_puts(out, fold_table[cp - 0xC0]);
		return;
	}
	buf_append(out, orig, n);
}

static void fold_into(struct buf *out, const char *s, size_t len, bool sv_sort, bool search)
{
	const unsigned char *p = (const unsigned char *)s;
	bool pending_space = false;
	bool any = false;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			i++; /* invalid byte: skip it, callers validate first */
			continue;
		}
		bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0;
		/* In search text a hyphen is a word break: "upplands bro" finds Upplands-Bro. */
		if (space || (cp == '-' && !sv_sort && search)) {
			pending_space = any;
		} else {
			if (pending_space)
				buf_putc(out, ' ');
			pending_space = false;
			any = true;
			fold_cp(out, cp, s + i, n, sv_sort);
		}
		i += n;
	}
}

void str_fold(struct buf *out, const char *s, size_t len)
{
	fold_into(out, s, len, false, true);
}

void str_sort_key(struct buf *out, const char *s, size_t len, const char *lang)
{
	fold_into(out, s, len, lang != NULL && strcmp(lang, "sv") == 0, false);
}

void str_json_quote(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default: {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_append(out, esc, 6);
		}
		}
	}
	buf_append(out, s + run, len - run);
	buf_putc(out, '"');
}

char *str_trim(char *s)
{
	size_t len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		s[--len] = '\0';
	size_t start = strspn(s, " \t\r\n");
	if (start > 0)
		memmove(s, s + start, len - start + 1);
	return s;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_prefix_path(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return path != NULL && strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
