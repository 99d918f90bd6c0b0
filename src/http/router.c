/*
 * router.c - matching a path against the route table; see router.h.
 *
 * A linear scan: the table has tens of routes and each comparison stops at
 * the first differing segment, which costs less than building a trie.
 */
#include "http/router.h"

#include <string.h>

#include "util/buf.h"

/* Compares path against pattern; on success stores parameters in req. */
static bool match_one(const struct route *rt, const char *path, struct req *req)
{
	const char *p = rt->pattern;
	const char *s = path;
	size_t nparams = 0;
	const char *names[HTTP_MAX_PARAMS];
	const char *values[HTTP_MAX_PARAMS];
	size_t name_lens[HTTP_MAX_PARAMS];
	size_t value_lens[HTTP_MAX_PARAMS];
	while (*p != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (close == NULL || nparams == HTTP_MAX_PARAMS)
				return false;
			bool rest = (rt->flags & ROUTE_PREFIX) && close[1] == '\0';
			size_t n = rest ? strlen(s) : strcspn(s, "/");
			if (n == 0)
				return false;
			names[nparams] = p + 1;
			name_lens[nparams] = (size_t)(close - p - 1);
			values[nparams] = s;
			value_lens[nparams] = n;
			nparams++;
			p = close + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*s != '\0')
		return false;
	req->nparams = nparams;
	for (size_t i = 0; i < nparams; i++) {
		req->param_names[i] = arena_strndup(req->arena, names[i], name_lens[i]);
		req->param_values[i] = arena_strndup(req->arena, values[i], value_lens[i]);
	}
	return true;
}

const struct route *router_match(const struct route *table, size_t n, struct req *req,
				 unsigned *allowed)
{
	*allowed = 0;
	unsigned want = req->method == HTTP_HEAD ? HTTP_GET : (unsigned)req->method;
	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &table[i];
		if (!match_one(rt, req->path, req))
			continue;
		if (rt->methods & want)
			return rt;
		*allowed |= rt->methods;
	}
	req->nparams = 0;
	return NULL;
}

const char *router_allow_header(struct arena *a, unsigned methods)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {
		{HTTP_GET, "GET, HEAD"}, {HTTP_POST, "POST"},	  {HTTP_PUT, "PUT"},
		{HTTP_PATCH, "PATCH"},	 {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
	};
	struct buf b;
	buf_init(&b, 256);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(methods & names[i].m))
			continue;
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, names[i].name);
	}
	char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}
