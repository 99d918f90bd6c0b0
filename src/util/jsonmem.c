/*
 * jsonmem.c - see jsonmem.h.
 */
#include "util/jsonmem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

#define HEADER 16 /* keeps the 16-byte alignment malloc gives */
#define FROM_HEAP 0x6865617048454150ull  /* "heapHEAP" */
#define FROM_ARENA 0x6172656e41524e41ull /* "arenARNA" */

static _Thread_local struct arena *current;
static bool installed; /* jsonmem_init ran */

static void *jm_malloc(size_t n)
{
	unsigned char *p;
	uint64_t tag;
	if (current != NULL) {
		p = arena_alloc(current, n + HEADER);
		tag = FROM_ARENA;
	} else {
		p = malloc(n + HEADER);
		if (p == NULL)
			return NULL;
		tag = FROM_HEAP;
	}
	memcpy(p, &tag, sizeof tag);
	return p + HEADER;
}

static void jm_free(void *ptr)
{
	if (ptr == NULL)
		return;
	unsigned char *p = (unsigned char *)ptr - HEADER;
	uint64_t tag;
	memcpy(&tag, p, sizeof tag);
	if (tag == FROM_HEAP) {
		free(p);
	} else if (tag != FROM_ARENA) {
		log_error("jsonmem: freeing memory jansson did not allocate");
		abort();
	}
}

void jsonmem_init(void)
{
	json_set_alloc_funcs(jm_malloc, jm_free);
	installed = true;
}

bool jsonmem_active(void)
{
	return installed;
}

void jsonmem_use(struct arena *a)
{
	current = a;
}

static int dump_cb(const char *data, size_t size, void *ctx)
{
	buf_append(ctx, data, size);
	return buf_failed(ctx) ? -1 : 0;
}

char *jsonmem_dump(struct arena *a, const json_t *v, size_t flags)
{
	if (v == NULL)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	char *out = NULL;
	if (json_dump_callback(v, dump_cb, &b, flags) == 0 && !buf_failed(&b))
		out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}
