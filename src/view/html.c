/*
 * html.c - HTML escaping and URL encoding; see html.h.
 *
 * Both functions copy the longest run of bytes that need no change with one
 * buf_append and then write the replacement for the byte that stopped the
 * run.  The run is found with a 256-entry table rather than strcspn because
 * the input is a (pointer, length) pair: it need not be NUL-terminated (the
 * Mustache engine escapes slices of JSON strings) and may contain NUL bytes,
 * which strcspn would take for the end.  Owns no state; thread-safe.
 */
#include "view/html.h"

#include <stdbool.h>

/* Bytes html_escape must replace; every other byte is copied as is. */
static const bool html_special[256] = {
    ['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true, ['\''] = true,
};

/* Bytes url_encode keeps: RFC 3986 section 2.3 "unreserved". */
static bool url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Length of the prefix of s[0..len) that html_escape copies unchanged. */
static size_t html_safe_span(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len && !html_special[s[i]])
		i++;
	return i;
}

void html_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (len > 0) {
		size_t n = html_safe_span(p, len);
		buf_append(out, p, n);
		if (n == len)
			return;
		switch (p[n]) {
		case '&': buf_append(out, "&amp;", 5); break;
		case '<': buf_append(out, "&lt;", 4); break;
		case '>': buf_append(out, "&gt;", 4); break;
		case '"': buf_append(out, "&quot;", 6); break;
		default: /* the apostrophe: &#39; works in HTML 4 too, unlike &apos; */
			buf_append(out, "&#39;", 5);
			break;
		}
		p += n + 1;
		len -= n + 1;
	}
}

void url_encode(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && url_unreserved(p[i]))
			i++;
		buf_append(out, p + start, i - start);
		if (i == len)
			return;
		/* Upper-case hex digits, as RFC 3986 section 2.1 recommends. */
		char esc[3] = {'%', hex[p[i] >> 4], hex[p[i] & 0x0F]};
		buf_append(out, esc, sizeof(esc));
		i++;
	}
}
