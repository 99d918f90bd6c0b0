/*
 * str.h - string helpers that are not in the C library: strict number
 * parsing (instead of atoi), UTF-8 validation, the search folding and sort
 * keys used by the directory, and JSON string quoting.
 *
 * Nothing here allocates except through the struct buf passed in.
 */
#ifndef NATVERK_STR_H
#define NATVERK_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Parses all of s (no sign other than '-', no spaces, no trailing bytes) as a
 * base-10 integer within [min, max].  True on success. */
bool str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* True when s[0..len) is well-formed UTF-8 with no NUL byte, no overlong
 * form, no surrogate and nothing above U+10FFFF. */
bool str_utf8_valid(const char *s, size_t len);

/* Number of code points in valid UTF-8. */
size_t str_utf8_len(const char *s, size_t len);

/* Appends s folded for search: lower case, diacritics removed (Göteborg,
 * GÖTEBORG, goteborg all fold to "goteborg"; Åre to "are"), combining marks
 * dropped, hyphens and runs of white space collapsed to one space, ends
 * trimmed.  s must
 * be valid UTF-8. */
void str_fold(struct buf *out, const char *s, size_t len);

/* Appends a byte-comparable sort key for s in the given language ("sv" puts
 * å, ä, ö after z in that order, as Swedish does; "en" treats them as a and
 * o).  Compare keys with strcmp or COLLATE "C". */
void str_sort_key(struct buf *out, const char *s, size_t len, const char *lang);

/* Appends s as a JSON string literal with quotes. */
void str_json_quote(struct buf *out, const char *s, size_t len);

/* Trims ASCII white space at both ends in place; returns s. */
char *str_trim(char *s);

/* True when path is prefix or lies below it ("/a" and "/a/b" for "/a",
 * not "/ab"). */
bool str_prefix_path(const char *path, const char *prefix);

/* True when s starts with prefix. */
bool str_starts_with(const char *s, const char *prefix);

#endif
