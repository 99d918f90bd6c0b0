/*
 * req.h - the request as handlers see it.
 *
 * A struct req is built by http/server.c from a libmicrohttpd connection, or
 * by tests directly (req_new_test), so handlers can be tested without
 * sockets.  Everything hanging off it lives in its arena.  Handlers read it
 * and never modify it except through the req_* helpers.
 */
#ifndef NATVERK_REQ_H
#define NATVERK_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/limits.h"
#include "util/arena.h"
#include "util/err.h"

struct db;
struct config;
struct route;
struct actor;

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
	HTTP_OTHER = 1 << 7, /* any other token: always 405 */
};

/* One name/value pair of a query string, form body, header or cookie. */
struct kv {
	const char *name;  /* NUL-terminated, valid UTF-8 */
	const char *value; /* NUL-terminated, valid UTF-8 without NUL bytes */
	size_t len;	   /* bytes in value */
};

struct kvlist {
	struct kv *items; /* arena array */
	size_t n;	  /* pairs used */
	size_t cap;	  /* pairs allocated */
};

/* An uploaded file from a multipart body. */
struct upload {
	const char *field;	  /* form field name */
	const char *filename;	  /* client's file name, base name only, UTF-8 */
	const char *content_type; /* as sent, or application/octet-stream */
	const char *data;	  /* bytes (not NUL-terminated text) */
	size_t len;		  /* bytes in data */
};

struct req {
	struct arena *arena;	   /* owns everything below */
	enum http_method method;   /* parsed method */
	const char *method_name;   /* as sent */
	const char *target;	   /* raw request target, e.g. "/a%20b?x=1" */
	const char *path;	   /* decoded path, valid UTF-8 */
	const char *query_string;  /* raw query after '?', "" if none */
	struct kvlist query;	   /* decoded query fields */
	struct kvlist headers;	   /* request headers; names lower-cased */
	struct kvlist cookies;	   /* parsed Cookie header */
	struct kvlist form;	   /* urlencoded or multipart text fields */
	struct upload *files;	   /* multipart files */
	size_t nfiles;		   /* number of files */
	const char *body;	   /* raw body (NUL-terminated copy), NULL if none */
	size_t body_len;	   /* bytes in body */
	const struct route *route; /* matched route, NULL if none */
	const char *param_names[HTTP_MAX_PARAMS];  /* path parameter names */
	const char *param_values[HTTP_MAX_PARAMS]; /* decoded path parameter values */
	size_t nparams;		   /* path parameters matched */
	const char *lang;	   /* "sv" or "en" */
	bool lang_from_cookie;	   /* the language came from the lang cookie */
	bool wants_json;	   /* Accept prefers application/json */
	const char *request_id;	   /* unique per request, for logs and X-Request-Id */
	const char *client_addr;   /* peer address as text */
	struct db *db;		   /* this thread's connection; NULL when not needed */
	const struct config *cfg;  /* server configuration, read-only */
	int64_t now;		   /* request start, seconds since the epoch */
	struct actor *actor;	   /* who is asking; set by the application, never NULL there */
	const char *csrf;	   /* the form token pages of this request carry, or NULL */
};

/* Appends a pair to a list (arena-allocated array growth). */
void kvlist_add(struct arena *a, struct kvlist *l, const char *name, const char *value, size_t len);

/* First value for name, or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *name);

/* Query parameter, form field, header (name lower case), cookie or path
 * parameter by name; NULL when absent. */
const char *req_query(const struct req *r, const char *name);
const char *req_form(const struct req *r, const char *name);
const char *req_header(const struct req *r, const char *name);

/*
 * The path to write in a log, without the query string: for a route with a
 * {token} parameter (a secret link) its pattern, e.g.
 * "/introductions/{token}", since anyone reading the log could use the
 * link.  At most 512 bytes; *len receives the length.
 */
const char *req_log_path(const struct req *r, size_t *len);

/*
 * The client's address: peer itself, unless peer is one of the trusted
 * reverse proxies (comma-separated addresses; NULL for none), then the
 * right-most address of X-Forwarded-For that is not a trusted proxy (the
 * left-most ones are whatever the client claimed), or peer when there is
 * none.  In r's arena.
 */
const char *req_client_behind_proxy(struct req *r, const char *peer, const char *trusted);
const char *req_cookie(const struct req *r, const char *name);
const char *req_param(const struct req *r, const char *name);

/* Parses a method token. */
enum http_method http_method_parse(const char *s);

/*
 * Fills the parts of r that come from the request line and headers: path
 * and query from target (percent-decoded, UTF-8 validated, no NUL bytes, at
 * most HTTP_MAX_FIELDS fields), cookies, language and content negotiation.
 * r->arena, r->method, r->target and r->headers must be set.  Returns E_OK,
 * E_URI_TOOLONG, or E_INVALID with a short English reason in *why.
 */
enum err req_parse_head(struct req *r, const char **why);

/*
 * Parses the body according to Content-Type into r->form and r->files
 * (application/x-www-form-urlencoded or multipart/form-data).  Other types
 * leave the body as is.  Returns E_OK, E_INVALID (with *why) or E_MEDIA.
 */
enum err req_parse_body(struct req *r, const char **why);

/* A request for tests: method and target, optional headers as
 * "Name: value" strings ending with NULL.  Parses the head; aborts on a
 * malformed target (tests pass good ones).  Free with arena_free(r->arena). */
struct req *req_new_test(const char *method, const char *target, const char *const *headers);

/* Language from a lang cookie ("sv"/"en"), else the Accept-Language header
 * (first of sv, en by q-value), else "sv". */
const char *req_negotiate_lang(const char *cookie, const char *accept_language, bool *from_cookie);

/* True when the Accept header prefers application/json over text/html. */
bool req_accept_json(const char *accept);

#endif
