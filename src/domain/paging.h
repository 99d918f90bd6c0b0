/*
 * paging.h - page and per_page parameters of every list, and the numbers a
 * pager shows.  Plain C: no I/O.
 */
#ifndef NATVERK_PAGING_H
#define NATVERK_PAGING_H

#include <stdint.h>

#include "util/err.h"

#define PAGING_DEFAULT_PER_PAGE 50
#define PAGING_MAX_PER_PAGE 200
#define PAGING_MAX_PAGE 100000

struct paging {
	int64_t page;	  /* 1-based page asked for */
	int64_t per_page; /* rows per page */
	int64_t offset;	  /* rows before this page */
	int64_t total;	  /* matching rows (after paging_set_total) */
	int64_t pages;	  /* pages in all, at least 1 */
	int64_t first;	  /* 1-based number of the first row shown, 0 when none */
	int64_t last;	  /* number of the last row shown, 0 when none */
};

/*
 * Reads page and per_page (either may be NULL: defaults 1 and 50).  Returns
 * E_OK, or E_INVALID with *bad naming the parameter ("page", "per_page")
 * when a value is not a whole number in range (page 1..100000, per_page
 * 1..200).
 */
enum err paging_parse(const char *page, const char *per_page, struct paging *out, const char **bad);

/* Fills total, pages, first and last. */
void paging_set_total(struct paging *p, int64_t total);

#endif
