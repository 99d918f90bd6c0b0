/*
 * resp.h - the response a handler fills.
 *
 * A handler never writes headers or bytes by hand: it sets a status, a view
 * model (jansson; the same model answers JSON and feeds the HTML template),
 * optionally HTML-only extras and a template name, or an error.  The
 * application's render step (pages/common.c) turns that into a body; the
 * server (http/server.c) adds the security headers and sends it.
 */
#ifndef NATVERK_RESP_H
#define NATVERK_RESP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define RESP_MAX_HEADERS 16 /* extra headers a handler may set */

struct resp_header {
	const char *name;  /* e.g. "Location"; must outlive the response */
	const char *value; /* header value; must outlive the response */
};

struct resp {
	int status;		  /* HTTP status; 200 by default */
	json_t *model;		  /* view model (JSON and HTML); owned, may be NULL */
	json_t *view;		  /* HTML-only extras merged over model; owned, may be NULL */
	const char *template;	  /* template name for HTML, e.g. "organisations/index" */
	const char *content_type; /* of body; set by the render step or raw handlers */
	struct buf body;	  /* the body, owned */
	const void *static_body;  /* or bytes that outlive the server (static files) */
	size_t static_len;	  /* bytes in static_body */
	struct resp_header headers[RESP_MAX_HEADERS]; /* extra headers */
	size_t nheaders;			      /* headers used */
	enum err error;		  /* E_OK, or the error to show */
	const char *error_message; /* translated message for the user */
	json_t *error_fields;	  /* {"param": "message"} for field errors; owned */
	bool no_store;		  /* Cache-Control: no-store (personal pages) */
	const char *error_page;	  /* template for the error, NULL: errors/error */
};

/* A 200 response with nothing set. */
void resp_init(struct resp *r);

/* Releases the model, extras, error fields and body. */
void resp_free(struct resp *r);

/* Adds a header; silently ignores headers beyond RESP_MAX_HEADERS (a bug,
 * logged). name and value are borrowed and must outlive the response. */
void resp_header(struct resp *r, const char *name, const char *value);

/* Sets template and model (reference stolen) with status 200. */
void resp_page(struct resp *r, const char *template, json_t *model);

/* Records an error to render: status from err, message shown to the user
 * (already translated).  Returns err so handlers can `return resp_error(...)`. */
enum err resp_error(struct resp *r, enum err err, const char *message);

/* Adds a field error (param name -> translated message); the response
 * becomes E_INVALID (400) unless another error is already set. */
void resp_field_error(struct resp *r, const char *field, const char *message);

/* A redirect (303 See Other unless status says otherwise) to location. */
void resp_redirect(struct resp *r, int status, const char *location);

/* A raw body of the given content type (copied). */
void resp_raw(struct resp *r, const char *content_type, const char *data, size_t len);

#endif
