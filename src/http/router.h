/*
 * router.h - the route type and the matcher over the one route table
 * (src/routes.c).
 *
 * Patterns are literal segments and {name} parameters: "/organisations/{id}".
 * A parameter matches one non-empty segment.  Literal matches win over
 * parameters by table order: list "/organisations/new" before
 * "/organisations/{id}".  A trailing slash is not the same path.
 */
#ifndef NATVERK_ROUTER_H
#define NATVERK_ROUTER_H

#include <stddef.h>

#include "http/req.h"
#include "http/resp.h"

typedef enum err (*handler_fn)(struct req *req, struct resp *resp);

enum route_flag {
	ROUTE_DB = 1 << 0,     /* the handler needs the thread's database connection */
	ROUTE_PREFIX = 1 << 1, /* the last parameter takes the rest of the path */
	ROUTE_NOLOG = 1 << 2,  /* keep out of the access log (health checks) */
	ROUTE_DB_OPTIONAL = 1 << 3, /* with ROUTE_DB: run the handler even without a connection */
	ROUTE_NO_SESSION = 1 << 4,  /* never look up the session (static files, probes) */
	ROUTE_NO_CSRF = 1 << 5,	    /* unsafe method without a CSRF token (reports only) */
};

struct route {
	unsigned methods;   /* mask of enum http_method; HEAD is implied by GET */
	const char *pattern; /* e.g. "/countries/{iso2}" */
	handler_fn handler; /* fills the response */
	unsigned flags;	    /* enum route_flag */
	size_t body_limit;  /* bytes; 0 means HTTP_DEFAULT_BODY */
	const char *name;   /* label for metrics, e.g. "organisations_show" */
};

/*
 * Finds the route for method and path.  On a match fills req's path
 * parameters (pointing into an arena copy) and returns the route.  When the
 * path matches but not the method, returns NULL and sets *allowed to the
 * mask of methods the path accepts; when nothing matches, NULL with
 * *allowed = 0.
 */
const struct route *router_match(const struct route *table, size_t n, struct req *req,
				 unsigned *allowed);

/* Formats an Allow header value for a method mask into the arena. */
const char *router_allow_header(struct arena *a, unsigned methods);

#endif
