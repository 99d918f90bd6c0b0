/*
 * form.h - percent-decoding and application/x-www-form-urlencoded parsing,
 * used for query strings and form bodies alike.
 *
 * All decoded text is checked: valid UTF-8, no NUL byte, within the limits
 * of http/limits.h.  A malformed escape or invalid text rejects the whole
 * input: we answer 400 rather than guess.
 */
#ifndef NATVERK_FORM_H
#define NATVERK_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"

/*
 * Decodes s[0..len) ("%41" -> "A"; '+' -> ' ' when plus_space) into a new
 * arena string.  Returns E_OK with *out and *outlen, or E_INVALID with *why for
 * a bad escape, invalid UTF-8 or a NUL byte.
 */
enum err form_decode(struct arena *a, const char *s, size_t len, bool plus_space, char **out,
		     size_t *outlen, const char **why);

/*
 * Parses "a=1&b=x+y" into out (appending).  Empty pairs ("a=1&&b") are
 * skipped; a name without '=' has the empty value.  Returns E_INVALID with
 * *why on bad encoding, more than HTTP_MAX_FIELDS pairs, or a name or value
 * over the limits.
 */
enum err form_parse_urlencoded(struct arena *a, const char *s, size_t len, struct kvlist *out,
			       const char **why);

#endif
