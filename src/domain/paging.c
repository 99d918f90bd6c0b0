/*
 * paging.c - see paging.h.
 */
#include "domain/paging.h"

#include <stddef.h>

#include "util/str.h"

enum err paging_parse(const char *page, const char *per_page, struct paging *out, const char **bad)
{
	*out = (struct paging){.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE};
	if (page != NULL && !str_to_i64(page, 1, PAGING_MAX_PAGE, &out->page)) {
		*bad = "page";
		return E_INVALID;
	}
	if (per_page != NULL && !str_to_i64(per_page, 1, PAGING_MAX_PER_PAGE, &out->per_page)) {
		*bad = "per_page";
		return E_INVALID;
	}
	out->offset = (out->page - 1) * out->per_page;
	return E_OK;
}

void paging_set_total(struct paging *p, int64_t total)
{
	p->total = total;
	p->pages = total > 0 ? (total + p->per_page - 1) / p->per_page : 1;
	if (p->offset < total) {
		p->first = p->offset + 1;
		p->last = p->offset + p->per_page < total ? p->offset + p->per_page : total;
	} else {
		p->first = p->last = 0;
	}
}
