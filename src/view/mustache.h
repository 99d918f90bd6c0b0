/*
 * mustache.h - our Mustache template engine.
 *
 * Implements the official specification (tests/mustache-spec): comments,
 * set delimiters, interpolation (escaped {{x}}, raw {{{x}}} and {{&x}}),
 * sections and inverted sections over jansson values, dotted names and the
 * implicit iterator, partials with standalone indentation, and template
 * inheritance ({{<parent}} with {{$block}} overrides).  Lambdas and dynamic
 * names are not supported: data is plain JSON.
 *
 * One extension, resolved at parse time: when a translate callback is
 * given, a section named "_" ({{#_}}Search{{/_}}) is replaced by the
 * template obtained by parsing translate(raw text of the section).  This is
 * what a lambda returning the translation would render, done once per
 * language at start-up instead of on every request.
 *
 * The raw text is passed exactly as written between the tags (the message
 * extractor must take the same bytes), and the two tags are never
 * standalone: the pair stands for inline text.  When translate returns NULL
 * the raw text is used as is.
 *
 * Values: strings interpolate as they are, integers in decimal, reals in the
 * shortest form that reads back exactly (1.21, not 1.2099999999999999, with
 * a dot whatever the locale), true as "true", false and null as nothing.  A
 * section is skipped for false, null, an empty list and an empty string;
 * any other value (0 included) renders it once, and a list once per item.
 *
 * Parsed templates are immutable and may be rendered from many threads at
 * once.  Rendering allocates only through the output buffer and the stack.
 */
#ifndef NATVERK_MUSTACHE_H
#define NATVERK_MUSTACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct mustache; /* a parsed template */

/* Returns the translation of msgid (the raw text of a {{#_}} section); the
 * result must stay valid until mustache_parse returns. */
typedef const char *(*mustache_translate_fn)(void *ctx, const char *msgid);

/* Returns the parsed template named name (partials and parents), or NULL
 * when there is none (which renders as empty text, as the spec requires). */
typedef const struct mustache *(*mustache_partial_fn)(void *ctx, const char *name);

struct mustache_parse_opts {
	mustache_translate_fn translate; /* NULL: "_" is an ordinary section */
	void *translate_ctx;		 /* passed to translate */
};

struct mustache_render_opts {
	mustache_partial_fn partial; /* NULL: no partials */
	void *partial_ctx;	     /* passed to partial */
	bool strict;		     /* fail on a name not found in any context */
	bool text;		     /* plain text (mail): {{x}} is not HTML-escaped */
};

/* Maximum nesting of sections, partials and parents while rendering. */
#define MUSTACHE_MAX_DEPTH 64

/*
 * Parses src[0..len) into *out (free with mustache_free).  name is used in
 * error messages and copied.  opts may be NULL.  On a syntax error (an
 * unclosed tag or section, a mismatched closing tag, bad delimiters)
 * returns E_INVALID and writes "name:line: message" into err.
 */
enum err mustache_parse(const char *name, const char *src, size_t len,
			const struct mustache_parse_opts *opts, struct mustache **out, char *err,
			size_t errlen);

/* Frees t and everything it owns; NULL is ignored. */
void mustache_free(struct mustache *t);

/* The name given at parse time. Borrowed. */
const char *mustache_name(const struct mustache *t);

/*
 * Renders t against data (any JSON value; the root of the context stack)
 * and appends the text to out.  opts may be NULL.  Returns E_OK; in strict
 * mode E_NOTFOUND with "template: missing key 'a.b'" in err when a name
 * resolves nowhere; E_INVALID when nesting exceeds MUSTACHE_MAX_DEPTH; E_NOMEM
 * when out failed.
 */
enum err mustache_render(const struct mustache *t, json_t *data,
			 const struct mustache_render_opts *opts, struct buf *out, char *err,
			 size_t errlen);

#endif
