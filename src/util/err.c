/*
 * err.c - the single table mapping enum err to HTTP status and error codes.
 */
#include "util/err.h"

static const struct {
	int status;	  /* HTTP status */
	const char *code; /* JSON error code */
	const char *str;  /* log text */
} table[E__COUNT] = {
	[E_OK] = {200, "ok", "ok"},
	[E_NOMEM] = {500, "internal", "out of memory"},
	[E_INVALID] = {400, "invalid", "invalid input"},
	[E_UNAUTHORIZED] = {401, "unauthorized", "not signed in"},
	[E_FORBIDDEN] = {403, "forbidden", "forbidden"},
	[E_NOTFOUND] = {404, "not_found", "not found"},
	[E_METHOD] = {405, "method_not_allowed", "method not allowed"},
	[E_CONFLICT] = {409, "conflict", "conflict"},
	[E_TOOBIG] = {413, "too_large", "request body too large"},
	[E_URI_TOOLONG] = {414, "uri_too_long", "request target too long"},
	[E_MEDIA] = {415, "unsupported_media_type", "unsupported media type"},
	[E_UNPROCESSABLE] = {422, "unprocessable", "refused by a rule"},
	[E_THROTTLED] = {429, "too_many_requests", "rate limited"},
	[E_HEADERS] = {431, "headers_too_large", "request headers too large"},
	[E_DB] = {500, "internal", "database error"},
	[E_IO] = {500, "internal", "i/o error"},
	[E_INTERNAL] = {500, "internal", "internal error"},
	[E_UNAVAILABLE] = {503, "unavailable", "service unavailable"},
};

int err_http_status(enum err e)
{
	if ((unsigned)e >= E__COUNT)
		return 500;
	return table[e].status;
}

const char *err_code(enum err e)
{
	if ((unsigned)e >= E__COUNT)
		return "internal";
	return table[e].code;
}

const char *err_str(enum err e)
{
	if ((unsigned)e >= E__COUNT)
		return "unknown error";
	return table[e].str;
}
