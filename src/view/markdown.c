/*
 * markdown.c - see markdown.h.  Owns the libcmark options: the one place
 * that decides what of a CommonMark text reaches a page as HTML.
 */
#include "view/markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

/* Safe mode is cmark's default since 0.29 (no CMARK_OPT_UNSAFE); invalid
 * UTF-8 becomes U+FFFD instead of reaching the page. */
#define MARKDOWN_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)

/* Moves every heading down so that level 1 becomes heading_top. */
static void shift_headings(cmark_node *doc, int heading_top)
{
	cmark_iter *it = cmark_iter_new(doc);
	if (it == NULL)
		return;
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_HEADING)
			continue;
		int level = cmark_node_get_heading_level(node) + heading_top - 1;
		cmark_node_set_heading_level(node, level > 6 ? 6 : level);
	}
	cmark_iter_free(it);
}

enum err markdown_render(struct buf *out, const char *text, size_t len, int heading_top)
{
	if (len > MARKDOWN_MAX_INPUT)
		return E_TOOBIG;
	if (text == NULL || len == 0)
		return E_OK;
	if (heading_top < 1)
		heading_top = 1;
	if (heading_top > 6)
		heading_top = 6;
	cmark_node *doc = cmark_parse_document(text, len, MARKDOWN_OPTIONS);
	if (doc == NULL)
		return E_NOMEM;
	if (heading_top > 1)
		shift_headings(doc, heading_top);
	char *html = cmark_render_html(doc, MARKDOWN_OPTIONS);
	cmark_node_free(doc);
	if (html == NULL)
		return E_NOMEM;
	buf_puts(out, html);
	/* cmark allocates with the C library's allocator by default. */
	free(html);
	return buf_failed(out) ? E_NOMEM : E_OK;
}

enum err markdown_html(struct arena *a, const char *text, size_t len, int heading_top,
		       const char **html)
{
	*html = "";
	struct buf b;
	/* Rendered HTML is at most a few times the text (escapes, tags). */
	buf_init(&b, 8 * MARKDOWN_MAX_INPUT + 4096);
	enum err rc = markdown_render(&b, text, len, heading_top);
	if (rc == E_OK)
		*html = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return rc;
}
