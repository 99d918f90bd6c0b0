/*
 * markdown.h - CommonMark text (network descriptions and the like) to HTML
 * that is safe to put into a page unescaped.
 *
 * Rendering goes through libcmark without CMARK_OPT_UNSAFE: raw HTML in the
 * text is dropped (an HTML comment stands in its place) and links or images
 * with javascript:, vbscript:, file: or non-image data: addresses lose
 * their address.  Invalid UTF-8 is replaced, never passed on.  Everything
 * else the text says is escaped by cmark's renderer.  The output is the
 * only HTML a page model may carry, and only under a key ending in _html
 * (templates print those raw; a template test enforces the naming).
 */
#ifndef NATVERK_MARKDOWN_H
#define NATVERK_MARKDOWN_H

#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#define MARKDOWN_MAX_INPUT (64 * 1024) /* bytes of CommonMark rendered at most */

/*
 * Appends the HTML of text[0..len) to out.  heading_top (1..6) is the level
 * a "#" heading becomes; "##" one below it and so on, capped at 6, so a
 * description can sit under the page's own <h1> and <h2> without breaking
 * their outline.  Returns E_OK; E_TOOBIG when len > MARKDOWN_MAX_INPUT
 * (nothing appended); E_NOMEM when the library or out fails.
 */
enum err markdown_render(struct buf *out, const char *text, size_t len, int heading_top);

/* markdown_render into the arena: *html is NUL-terminated ("" for blank
 * text) and lives as long as a. */
enum err markdown_html(struct arena *a, const char *text, size_t len, int heading_top,
		       const char **html);

#endif
