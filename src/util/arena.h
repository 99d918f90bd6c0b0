/*
 * arena.h - a per-request memory pool.
 *
 * Everything a request allocates lives in its arena and is released at once
 * when the request ends: allocations are never freed one by one.  Objects
 * owned by other allocators (jansson values, statements) register a dispose
 * callback that runs, in reverse order of registration, when the arena is
 * freed.  An arena is used by one thread at a time.  Allocation failure
 * aborts with a log line: a request cannot continue without memory.
 */
#ifndef NATVERK_ARENA_H
#define NATVERK_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new empty arena; its first block is allocated lazily. Free with arena_free. */
struct arena *arena_new(void);

/* Releases every allocation and runs dispose callbacks (last registered
 * first).  The calling thread keeps one freed arena's largest block for its
 * next arena_new, and frees it when the thread exits. */
void arena_free(struct arena *a);

/* Like arena_free, but gives all memory back instead of keeping the arena
 * for the thread's next arena_new (for arenas freed at thread exit). */
void arena_discard(struct arena *a);

/* n bytes aligned for any type, uninitialised. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);

/* n zeroed bytes. Never NULL. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies of a C string / of n bytes plus a NUL. Never NULL (NULL s gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Registers fn(p) to run when the arena is freed. */
void arena_on_free(struct arena *a, void (*fn)(void *), void *p);

/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
