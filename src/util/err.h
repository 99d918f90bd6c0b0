/*
 * err.h - the one error enum of the program.
 *
 * Every fallible function returns an enum err.  The mapping to HTTP status
 * codes and to the machine-readable "code" of a JSON error lives in err.c and
 * nowhere else.  Nothing here logs or allocates.
 */
#ifndef NATVERK_ERR_H
#define NATVERK_ERR_H

enum err {
	E_OK = 0,	 /* success */
	E_NOMEM,	 /* allocation failed */
	E_INVALID,	 /* bad input from the client: 400 */
	E_UNAUTHORIZED,	 /* not signed in: 401 */
	E_FORBIDDEN,	 /* signed in but not allowed: 403 */
	E_NOTFOUND,	 /* no such resource: 404 */
	E_METHOD,	 /* resource exists, method does not: 405 */
	E_CONFLICT,	 /* stale write or duplicate: 409 */
	E_TOOBIG,	 /* body over the route's limit: 413 */
	E_URI_TOOLONG,	 /* request target too long: 414 */
	E_MEDIA,	 /* unsupported content type: 415 */
	E_UNPROCESSABLE, /* well-formed but refused by a rule: 422 */
	E_THROTTLED,	 /* rate limit hit: 429 */
	E_HEADERS,	 /* request headers too large: 431 */
	E_DB,		 /* database failure: 500 */
	E_IO,		 /* file or socket failure: 500 */
	E_INTERNAL,	 /* a bug: 500 */
	E_UNAVAILABLE,	 /* shutting down or overloaded: 503 */
	E__COUNT
};

/* HTTP status for an error (200 for E_OK). */
int err_http_status(enum err e);

/* Stable machine-readable code for JSON errors, e.g. "not_found". */
const char *err_code(enum err e);

/* Short English description for logs (never shown to users untranslated). */
const char *err_str(enum err e);

#endif
