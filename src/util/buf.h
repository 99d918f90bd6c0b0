/*
 * buf.h - growable byte buffer with a size cap and a sticky error.
 *
 * Append-style code never checks each call: once an append fails (no memory,
 * or the cap would be exceeded) the buffer is marked failed, later appends do
 * nothing, and the caller checks buf_failed() once at the end.  The data is
 * always NUL-terminated when len > 0.  Owned by the caller: buf_free().
 */
#ifndef NATVERK_BUF_H
#define NATVERK_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;	/* bytes, NUL-terminated; NULL until the first append */
	size_t len;	/* bytes used, without the NUL */
	size_t cap;	/* bytes allocated */
	size_t max;	/* cap on len; 0 means BUF_DEFAULT_MAX */
	bool failed;	/* sticky: an append failed */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20) /* 64 MiB */

/* An empty buffer with the default cap. */
#define BUF_INIT {NULL, 0, 0, 0, false}

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Empties the buffer, keeps memory and clears the failed flag. */
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Makes room for n more bytes; false (and failed) when impossible. */
bool buf_reserve(struct buf *b, size_t n);
/* Hands the data to the caller (free() it) and leaves b empty. */
char *buf_steal(struct buf *b, size_t *len);
static inline bool buf_failed(const struct buf *b)
{
	return b->failed;
}
/* The contents as a C string ("" when empty). */
static inline const char *buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

#endif
