/*
 * jsonmem.h - jansson's memory comes from the request's arena.
 *
 * A page builds hundreds of small JSON values (a list of 50 rows is some
 * 1,500 allocations); taking them from the request's arena and releasing
 * them all with it halves the work of a page (bench/README.md).  Every
 * jansson allocation carries a 16-byte header saying where it came from,
 * so values made outside a request (the mail thread, the command line) use
 * the heap as before, and freeing works whichever thread does it.
 *
 * Consequence: memory jansson hands out (json_dumps) must never be passed
 * to free(); use jsonmem_dump instead.
 */
#ifndef NATVERK_JSONMEM_H
#define NATVERK_JSONMEM_H

#include <jansson.h>
#include <stdbool.h>

#include "util/arena.h"

/* Installs the allocator.  Call once, before any thread and any JSON value. */
void jsonmem_init(void);

/* True once jsonmem_init has run: values made while a request's arena is
 * in use need no freeing. */
bool jsonmem_active(void);

/* JSON values the calling thread makes from now on live in a (NULL: the
 * heap).  They must not outlive a. */
void jsonmem_use(struct arena *a);

/* v as JSON text (json_dumps flags) in the arena; NULL for NULL v. */
char *jsonmem_dump(struct arena *a, const json_t *v, size_t flags);

#endif
