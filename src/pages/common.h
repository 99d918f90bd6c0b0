/*
 * common.h - what every page handler shares: running a handler under the
 * request's language, rendering its response as HTML or JSON, error pages,
 * query-parameter checks, list models and pagers.
 *
 * This is the application side of http/server.h's struct server_app.
 */
#ifndef NATVERK_PAGES_COMMON_H
#define NATVERK_PAGES_COMMON_H

#include <jansson.h>

#include "auth/policy.h"
#include "domain/paging.h"
#include "http/req.h"
#include "http/resp.h"

/* Runs req->route's handler in req->lang and renders the response. */
void pages_handle(struct req *req, struct resp *resp);

/* Renders an error found by the server before any handler ran. */
void pages_fail(struct req *req, struct resp *resp, enum err err, const char *why);

/*
 * Turns a filled response into a body: JSON (the model, or an error object)
 * when the client asked for it, else the template rendered with the model,
 * the HTML-only extras and the layout data.  Errors without a template get
 * the error page.  Template failures become a 500 page.
 */
void pages_render(struct req *req, struct resp *resp);

/* An optional query parameter: NULL when absent or empty. */
const char *pages_query(const struct req *req, const char *name);

/* The list envelope {"items": items, "total", "page", "per_page"}; steals items. */
json_t *pages_list_model(json_t *items, const struct paging *p);

/* The current URL with parameter name set to value (NULL removes it). */
const char *pages_url_with(const struct req *req, const char *name, const char *value);

/* Pager data for templates: {page, pages, prev_url, next_url} (URLs null
 * at the ends). */
json_t *pages_pager(const struct req *req, const struct paging *p);

/* A JSON string for a nullable C string. */
json_t *pages_str(const char *s);

/* Options for a <select>: [{value, label, selected}] from parallel arrays. */
json_t *pages_option(const char *value, const char *label, const char *current);

/*
 * Answers whether the actor may do act on object (policy.h).  E_OK when
 * allowed; otherwise fills the response and returns the error for the
 * handler to return: a visitor is sent to sign in (302 to /signin?next=...
 * for pages, 401 for JSON), a signed-in person gets 403.
 */
enum err pages_require(struct req *req, struct resp *resp, enum action act, int64_t object);

/* Writes an audit-log row for the request's actor in the current
 * transaction: action ("person.update"), object, and JSON of the changed
 * fields before and after (either may be NULL; borrowed). */
enum err pages_audit(struct req *req, const char *action, const char *object_type,
		     int64_t object_id, json_t *before, json_t *after);

/* The form token for this request's pages (the session's, or a pre-session
 * token set in a cookie). */
const char *pages_csrf(struct req *req, struct resp *resp);

/* A form with errors: for JSON an error with the fields (422); for HTML the
 * form again (422) with errors, error_list and has_errors added to model.
 * Steals model and errors. */
enum err pages_form_invalid(struct req *req, struct resp *resp, const char *template,
			    json_t *model, json_t *errors);

/*
 * A list page whose filter parameters are invalid, for HTML: the page again
 * with status 400, its filter form refilled, the field errors the response
 * holds moved into model (errors, error_list, has_errors) and no rows.
 * Steals model.
 */
enum err pages_list_invalid(struct req *req, struct resp *resp, const char *template,
			    json_t *model);

/* Reads page and per_page from the query into pg; a bad value gets a
 * field error naming it (the caller answers once every parameter is
 * checked). */
void pages_paging(struct req *req, struct resp *resp, struct paging *pg);

/* Adds errors (stolen), error_list and has_errors to model, for a form
 * shown again. */
void pages_form_errors(json_t *model, json_t *errors);

/* Adds the empty errors, error_list and has_errors a form template expects. */
void pages_form_ok(json_t *model);

/* The request's time as an ISO timestamp, in the arena. */
const char *pages_now(const struct req *req);

/* The site's public address without a trailing slash, for links in mail. */
const char *pages_base_url(const struct req *req);

/*
 * Renders the plain-text mail template (first line: the subject; after a
 * blank line: the body) in lang with data (base_url is added; data is
 * borrowed) and queues it for to, inside the caller's transaction.  An
 * empty or NULL address (blanked by erasure or retention) sends nothing
 * and is not an error.
 */
enum err pages_mail(struct req *req, const char *kind, const char *template, const char *to,
		    int64_t person_id, const char *lang, json_t *data);

#define PUBLIC_FORM_HONEYPOT "website"   /* the hidden field robots fill in */
#define PUBLIC_FORM_MAX_PER_HOUR 10	   /* stored submissions per form and client address */
#define PUBLIC_FORM_MAX_ATTEMPTS 60	   /* attempts, valid or not, per form and address */

/*
 * The guard of a public form (no sign-in needed), called on POST before
 * anything else: a filled honeypot field sets *bot (answer as if all went
 * well and store nothing); PUBLIC_FORM_MAX_PER_HOUR stored submissions or
 * PUBLIC_FORM_MAX_ATTEMPTS attempts from the client address in the last
 * hour answer 429 (the error is set; return it).  Otherwise the attempt is
 * counted and E_OK returned.  Someone correcting a form a few times is not
 * stopped; the client address is the one behind a trusted proxy
 * (NATVERK_TRUSTED_PROXIES).
 */
enum err pages_public_form(struct req *req, struct resp *resp, const char *form, bool *bot);

/* Counts a stored submission of a public form, in the caller's transaction. */
enum err pages_public_form_done(struct req *req, const char *form);

/*
 * Adds a staff note to a registration or declaration (object_type) in one
 * transaction with its audit row ("<object_type>.note"), then answers 303
 * to back.  The body is checked by the caller.
 */
enum err pages_note_add(struct req *req, struct resp *resp, const char *object_type,
			int64_t object_id, const char *body, const char *back);

/* Makes resp a CSV download named filename (the caller writes the body
 * with csv_write_field). */
void pages_csv(struct req *req, struct resp *resp, const char *filename);

/* True when cookies must be marked Secure (the base URL is https). */
bool pages_secure_cookies(const struct req *req);

#endif
