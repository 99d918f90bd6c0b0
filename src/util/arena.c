/*
 * arena.c - bump allocator over a list of blocks, with dispose callbacks.
 *
 * Blocks grow geometrically from 8 KiB; a request larger than half a block
 * gets a block of its own so that the current block keeps its free tail.
 *
 * Each thread keeps one freed arena, with its largest block, for the next
 * arena_new on that thread: a server thread then serves page after page
 * from the same memory instead of asking malloc (and, for large blocks,
 * the kernel) for a few hundred kilobytes each time.
 */
#include "util/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define ARENA_FIRST_BLOCK 8192
#define ARENA_MAX_BLOCK (1u << 20)
#define ARENA_ALIGN 16

struct block {
	struct block *next; /* previously filled block */
	size_t cap;	    /* bytes usable in data */
	size_t used;	    /* bytes handed out */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct dispose {
	struct dispose *next; /* registered before this one */
	void (*fn)(void *);   /* callback */
	void *p;	      /* its argument */
};

struct arena {
	struct block *head;	  /* block being filled */
	struct dispose *disposes; /* most recent first */
	size_t next_cap;	  /* size of the next block */
	size_t total;		  /* bytes handed out */
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL) {
		log_error("out of memory allocating %zu bytes", n);
		abort();
	}
	return p;
}

/* The calling thread's spare arena (reset, one block kept), or NULL. */
static _Thread_local struct arena *spare;

/* Frees the spare arena when its thread ends. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void free_blocks(struct block *b)
{
	while (b != NULL) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
}

static void spare_destroy(void *p)
{
	struct arena *a = p;
	free_blocks(a->head);
	free(a);
}

static void spare_key_make(void)
{
	pthread_key_create(&spare_key, spare_destroy);
}

struct arena *arena_new(void)
{
	struct arena *a = spare;
	if (a != NULL) {
		spare = NULL;
		pthread_setspecific(spare_key, NULL);
		return a;
	}
	a = xmalloc(sizeof *a);
	a->head = NULL;
	a->disposes = NULL;
	a->next_cap = ARENA_FIRST_BLOCK;
	a->total = 0;
	return a;
}

void arena_discard(struct arena *a)
{
	if (a == NULL)
		return;
	for (struct dispose *d = a->disposes; d != NULL; d = d->next)
		d->fn(d->p);
	free_blocks(a->head);
	free(a);
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	for (struct dispose *d = a->disposes; d != NULL; d = d->next)
		d->fn(d->p);
	if (spare != NULL || a->head == NULL) {
		free_blocks(a->head);
		free(a);
		return;
	}
	/* Keep the largest block (up to ARENA_MAX_BLOCK) for the next arena. */
	struct block *keep = NULL;
	for (struct block *b = a->head; b != NULL; b = b->next)
		if (b->cap <= ARENA_MAX_BLOCK && (keep == NULL || b->cap > keep->cap))
			keep = b;
	struct block *b = a->head;
	while (b != NULL) {
		struct block *next = b->next;
		if (b != keep)
			free(b);
		b = next;
	}
	a->head = keep;
	a->disposes = NULL;
	a->total = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
		a->next_cap = keep->cap < ARENA_MAX_BLOCK ? keep->cap * 2 : ARENA_MAX_BLOCK;
	} else {
		a->next_cap = ARENA_FIRST_BLOCK;
	}
	pthread_once(&spare_once, spare_key_make);
	pthread_setspecific(spare_key, a);
	spare = a;
}

static struct block *block_new(size_t cap)
{
	struct block *b = xmalloc(sizeof *b + cap);
	b->cap = cap;
	b->used = 0;
	b->next = NULL;
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n) {
		log_error("arena allocation overflow");
		abort();
	}
	a->total += need;
	struct block *b = a->head;
	if (b != NULL && b->cap - b->used >= need) {
		void *p = b->data + b->used;
		b->used += need;
		return p;
	}
	/* Big requests get their own block, linked behind the current one so
	 * the current block's free tail stays usable. */
	if (need > a->next_cap / 2) {
		struct block *big = block_new(need);
		big->used = need;
		if (b != NULL) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		return big->data;
	}
	struct block *nb = block_new(a->next_cap);
	if (a->next_cap < ARENA_MAX_BLOCK)
		a->next_cap *= 2;
	nb->next = b;
	a->head = nb;
	nb->used = need;
	return nb->data;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (s == NULL)
		return NULL;
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_free(struct arena *a, void (*fn)(void *), void *p)
{
	struct dispose *d = arena_alloc(a, sizeof *d);
	d->fn = fn;
	d->p = p;
	d->next = a->disposes;
	a->disposes = d;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
