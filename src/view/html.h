/*
 * html.h - the few HTML escaping helpers.
 *
 * Escaping copies runs of safe bytes with one memcpy each, which is several
 * times faster than byte-by-byte appends on typical text.  Inputs are
 * (pointer, length): they need not be NUL-terminated and may contain NULs.
 */
#ifndef NATVERK_HTML_H
#define NATVERK_HTML_H

#include <stddef.h>

#include "util/buf.h"

/* Appends s[0..len) with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;. */
void html_escape(struct buf *out, const char *s, size_t len);

/* Appends s[0..len) percent-encoded for a URL query component (RFC 3986
 * unreserved characters kept, space as %20). */
void url_encode(struct buf *out, const char *s, size_t len);

#endif
