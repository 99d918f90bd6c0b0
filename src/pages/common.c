/*
 * common.c - see common.h.
 */
#include "pages/common.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db/db.h"
#include "http/router.h"
#include "http/static.h"
#include "mail/mail.h"
#include "auth/session.h"
#include "pages/account.h"
#include "db/q_audit.h"
#include "db/q_triage.h"
#include "util/jsonmem.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/str.h"
#include "view/html.h"
#include "view/i18n.h"
#include "view/view.h"

/* The main navigation: path prefix and English label. */
static const struct {
	const char *url;
	const char *label;
} nav_items[] = {
	{"/networks", N_("Networks")},
	{"/partners", N_("Partner board")},
	{"/organisations", N_("Organisations")},
	{"/countries", N_("Countries")},
};

const char *pages_query(const struct req *req, const char *name)
{
	const char *v = req_query(req, name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

json_t *pages_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *pages_option(const char *value, const char *label, const char *current)
{
	/* Many per page (every county, every country): built without json_pack. */
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "value", json_string_nocheck(value));
	json_object_set_new_nocheck(o, "label", json_string_nocheck(label));
	json_object_set_new_nocheck(o, "selected",
				    json_boolean(current != NULL && strcmp(current, value) == 0));
	return o;
}

json_t *pages_list_model(json_t *items, const struct paging *p)
{
	return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)p->total,
			 "page", (json_int_t)p->page, "per_page", (json_int_t)p->per_page);
}

/* Appends the current query with name replaced by value (or removed). */
static void query_with(struct buf *b, const struct req *req, const char *name, const char *value)
{
	bool first = true;
	for (size_t i = 0; i < req->query.n; i++) {
		const struct kv *kv = &req->query.items[i];
		if (strcmp(kv->name, name) == 0 || kv->value[0] == '\0')
			continue;
		buf_putc(b, first ? '?' : '&');
		first = false;
		url_encode(b, kv->name, strlen(kv->name));
		buf_putc(b, '=');
		url_encode(b, kv->value, kv->len);
	}
	if (value != NULL) {
		buf_putc(b, first ? '?' : '&');
		url_encode(b, name, strlen(name));
		buf_putc(b, '=');
		url_encode(b, value, strlen(value));
	}
}

const char *pages_url_with(const struct req *req, const char *name, const char *value)
{
	struct buf b;
	buf_init(&b, HTTP_MAX_TARGET * 4);
	buf_append(&b, req->target, strcspn(req->target, "?"));
	query_with(&b, req, name, value);
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

json_t *pages_pager(const struct req *req, const struct paging *p)
{
	char prev[24], next[24];
	snprintf(prev, sizeof prev, "%lld", (long long)(p->page - 1));
	snprintf(next, sizeof next, "%lld", (long long)(p->page + 1));
	bool has_prev = p->page > 1;
	bool has_next = p->page < p->pages;
	return json_pack("{s:I, s:I, s:o, s:o, s:b}", "page", (json_int_t)p->page, "pages",
			 (json_int_t)p->pages,
			 "prev_url", has_prev ? json_string(pages_url_with(req, "page", prev)) : json_null(),
			 "next_url", has_next ? json_string(pages_url_with(req, "page", next)) : json_null(),
			 "several", p->pages > 1);
}

/* The layout's data: language, navigation, language switch, stylesheet,
 * and who is signed in (with the form token of the sign-out button). */
static json_t *layout_data(const struct req *req)
{
	json_t *nav = json_array();
	for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
		bool current = str_prefix_path(req->path, nav_items[i].url);
		json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "url", nav_items[i].url,
						     "label", _(nav_items[i].label), "current",
						     current));
	}
	const struct actor *a = req->actor;
	bool signed_in = a != NULL && a->person_id != 0;
	if (signed_in && policy_allows(a, ACT_PEOPLE_VIEW, 0))
		json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "url", "/admin", "label",
						     _("Administration"), "current",
						     str_prefix_path(req->path, "/admin")));
	const char *other = i18n_other(req->lang);
	struct buf b;
	buf_init(&b, HTTP_MAX_TARGET * 4);
	buf_printf(&b, "/language/%s?next=", other);
	url_encode(&b, req->target, strlen(req->target));
	const char *etag = static_etag("css/app.css");
	char css[80];
	snprintf(css, sizeof css, "/static/css/app.css?v=%.8s", etag != NULL ? etag + 1 : "0");
	json_t *user = signed_in ? json_pack("{s:s, s:s}", "name", a->name, "url", "/profile")
				 : json_null();
	json_t *page = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:s, s:s, s:o, s:s}", "lang",
				 req->lang, "nav", nav, "lang_switch", "url", buf_str(&b), "lang",
				 other, "label", strcmp(other, "en") == 0 ? "English" : "Svenska",
				 "css_url", css, "request_id", req->request_id, "user", user, "csrf",
				 req->csrf != NULL ? req->csrf : "");
	buf_free(&b);
	return page;
}

/* Default message for an error when the handler gave none. */
static const char *default_message(enum err e)
{
	switch (e) {
	case E_INVALID: return _("The request could not be understood.");
	case E_UNAUTHORIZED: return _("Please sign in to see this page.");
	case E_FORBIDDEN: return _("You do not have permission to see this page.");
	case E_NOTFOUND: return _("There is no page at this address.");
	case E_METHOD: return _("This address does not accept that kind of request.");
	case E_CONFLICT: return _("Someone else changed this in the meantime.");
	case E_TOOBIG: return _("What you sent is too large.");
	case E_URI_TOOLONG: return _("The address is too long.");
	case E_MEDIA: return _("The format of what you sent is not supported.");
	case E_UNPROCESSABLE: return _("What you sent breaks one of the programme's rules.");
	case E_THROTTLED: return _("Too many requests. Please wait a moment and try again.");
	case E_HEADERS: return _("The request headers are too large.");
	case E_UNAVAILABLE: return _("The service is unavailable right now. Please try again shortly.");
	default: return _("Something went wrong on our side. The error has been logged.");
	}
}

static const char *error_title(int status)
{
	switch (status) {
	case 400: return _("Bad request");
	case 401: return _("Sign-in required");
	case 403: return _("Not allowed");
	case 404: return _("Page not found");
	case 405: return _("Method not allowed");
	case 409: return _("Conflict");
	case 413: return _("Too large");
	case 414: return _("Address too long");
	case 415: return _("Unsupported format");
	case 422: return _("Not accepted");
	case 429: return _("Too many requests");
	case 431: return _("Headers too large");
	case 503: return _("Unavailable");
	default: return _("Error");
	}
}

static int dump_to_buf(const char *data, size_t size, void *ctx)
{
	buf_append(ctx, data, size);
	return buf_failed(ctx) ? -1 : 0;
}

static void render_json(struct resp *resp, json_t *value)
{
	buf_reset(&resp->body);
	resp->content_type = "application/json";
	if (json_dump_callback(value, dump_to_buf, &resp->body, JSON_COMPACT) != 0) {
		buf_reset(&resp->body);
		resp->status = 500;
		buf_puts(&resp->body, "{\"error\":{\"code\":\"internal\",\"message\":\"\"}}");
	}
}

/* Last resort when a template fails: a minimal page without templates. */
static void render_plain_500(struct req *req, struct resp *resp)
{
	buf_reset(&resp->body);
	resp->status = 500;
	resp->content_type = "text/html; charset=utf-8";
	buf_printf(&resp->body,
		   "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><title>500</title>"
		   "</head><body><h1>500</h1><p>",
		   req->lang);
	const char *msg = default_message(E_INTERNAL);
	html_escape(&resp->body, msg, strlen(msg));
	buf_printf(&resp->body, " (%s)</p></body></html>", req->request_id);
}

static void render_html(struct req *req, struct resp *resp, const char *template, json_t *model,
			json_t *extras)
{
	json_t *ctx = json_object();
	if (json_is_object(model))
		json_object_update(ctx, model);
	if (json_is_object(extras))
		json_object_update(ctx, extras);
	json_object_set_new(ctx, "page", layout_data(req));
	buf_reset(&resp->body);
	char err[256] = "";
	enum err rc = view_render(req->lang, template, ctx, false, &resp->body, err, sizeof err);
	json_decref(ctx);
	if (rc != E_OK || buf_failed(&resp->body)) {
		log_error("request %s: rendering %s failed: %s", req->request_id, template, err);
		render_plain_500(req, resp);
		return;
	}
	resp->content_type = "text/html; charset=utf-8";
}

static void render_error(struct req *req, struct resp *resp)
{
	enum err e = resp->error;
	resp->status = err_http_status(e);
	const char *message = resp->error_message != NULL ? resp->error_message : default_message(e);
	if (resp->status >= 500) {
		size_t n;
		const char *path = req_log_path(req, &n);
		log_error("request %s: %s %.*s failed: %s", req->request_id, req->method_name,
			  (int)n, path, err_str(e));
	}
	if (req->wants_json) {
		json_t *obj = json_pack("{s:s, s:s}", "code", err_code(e), "message", message);
		if (resp->error_fields != NULL)
			json_object_set(obj, "fields", resp->error_fields);
		json_t *wrap = json_pack("{s:o}", "error", obj);
		render_json(resp, wrap);
		json_decref(wrap);
		return;
	}
	json_t *fields = json_array();
	const char *key;
	json_t *value;
	json_object_foreach(resp->error_fields, key, value)
	{
		json_array_append_new(fields, json_pack("{s:s, s:O}", "name", key, "message", value));
	}
	/* "Start over" goes back to the form for bad input, else home. */
	const char *back = e == E_INVALID && req->path != NULL && req->path[0] == '/' ? req->path : "/";
	json_t *model = json_pack("{s:i, s:s, s:s, s:o, s:b, s:s}", "status", resp->status, "title",
				  error_title(resp->status), "message", message, "fields", fields,
				  "has_fields", json_array_size(fields) > 0, "back_url", back);
	json_object_set_new(model, "retry_url", json_string(req->target != NULL ? req->target : "/"));
	render_html(req, resp, resp->error_page != NULL ? resp->error_page : "errors/error", model,
		    NULL);
	json_decref(model);
}

void pages_render(struct req *req, struct resp *resp)
{
	if (resp->error != E_OK) {
		render_error(req, resp);
		return;
	}
	/* Raw bodies, static files, redirects and 304s are complete already. */
	if (resp->content_type != NULL || resp->static_body != NULL || resp->status == 304 ||
	    (resp->status >= 300 && resp->status < 400))
		return;
	if (resp->model == NULL && resp->template == NULL)
		return;
	if (req->wants_json || resp->template == NULL) {
		render_json(resp, resp->model != NULL ? resp->model : json_null());
		return;
	}
	render_html(req, resp, resp->template, resp->model, resp->view);
}

/* The thread's database connection for req, opened on first use. */
static enum err need_db(struct req *req)
{
	if (req->db != NULL)
		return E_OK;
	if (req->cfg == NULL)
		return E_UNAVAILABLE;
	char err[DB_ERRLEN];
	if (db_thread_conn(req->cfg->db_url, &req->db, err, sizeof err) != E_OK) {
		log_error("request %s: no database connection: %s", req->request_id, err);
		req->db = NULL;
		return E_UNAVAILABLE;
	}
	return E_OK;
}

bool pages_secure_cookies(const struct req *req)
{
	return req->cfg != NULL && req->cfg->base_url != NULL &&
	       str_starts_with(req->cfg->base_url, "https://");
}

/* Finds who is asking: an API token on JSON requests, else the session
 * cookie.  A session cookie that no longer works is cleared. */
static enum err load_actor(struct req *req, struct resp *resp)
{
	static struct actor visitor; /* all zero: read-only */
	req->actor = &visitor;
	if (req->route->flags & ROUTE_NO_SESSION)
		return E_OK;
	const char *bearer = req_header(req, "authorization");
	const char *cookie = req_cookie(req, SESSION_COOKIE);
	bool json = req->wants_json || str_starts_with(req_header(req, "content-type") != NULL
							     ? req_header(req, "content-type")
							     : "",
						     "application/json");
	if ((bearer == NULL || !json) && cookie == NULL)
		return E_OK;
	enum err rc = need_db(req);
	if (rc != E_OK)
		return rc;
	struct actor *a = arena_zalloc(req->arena, sizeof *a);
	bool found = false;
	if (bearer != NULL && json) {
		rc = session_load_bearer(req->db, req->arena, bearer, (time_t)req->now, a, &found);
		if (rc == E_OK && !found)
			return resp_error(resp, E_UNAUTHORIZED, _("The API token is not valid."));
	} else {
		rc = session_load(req->db, req->arena, cookie, (time_t)req->now, a, &found);
		if (rc == E_OK && !found)
			resp_header(resp, "Set-Cookie",
				    session_cookie(req->arena, SESSION_COOKIE, NULL,
						   pages_secure_cookies(req), 0));
	}
	if (rc != E_OK)
		return rc;
	if (found) {
		req->actor = a;
		req->csrf = a->csrf_token;
		/* The interface follows the person's language unless they chose
		 * another with the language link. */
		if (!req->lang_from_cookie && a->lang != NULL)
			req->lang = strcmp(a->lang, "en") == 0 ? "en" : "sv";
	}
	return E_OK;
}

static bool unsafe_method(const struct req *req)
{
	return req->method != HTTP_GET && req->method != HTTP_HEAD && req->method != HTTP_OPTIONS;
}

/* The CSRF rule: an unsafe request carries the token of its session in the
 * _csrf field or an X-CSRF-Token header.  Without a session, a form must
 * repeat the natverk_csrf cookie (so nobody can sign a visitor in to their
 * own account); JSON without a session needs no token, since browsers
 * cannot send JSON to another site without its consent (CORS).  API-token
 * requests need none: browsers never add that header by themselves. */
static bool csrf_ok(const struct req *req)
{
	if (!unsafe_method(req) || (req->route->flags & ROUTE_NO_CSRF) || req->actor->bearer)
		return true;
	const char *sent = req_form(req, "_csrf");
	if (sent == NULL)
		sent = req_header(req, "x-csrf-token");
	if (req->actor->session_id != 0)
		return token_equal(sent, req->actor->csrf_token);
	const char *ct = req_header(req, "content-type");
	if (ct != NULL && str_starts_with(ct, "application/json"))
		return true;
	const char *cookie = req_cookie(req, CSRF_COOKIE);
	return token_well_formed(cookie) && token_equal(sent, cookie);
}

const char *pages_csrf(struct req *req, struct resp *resp)
{
	if (req->csrf != NULL)
		return req->csrf;
	const char *cookie = req_cookie(req, CSRF_COOKIE);
	if (token_well_formed(cookie)) {
		req->csrf = cookie;
		return cookie;
	}
	char *t = arena_alloc(req->arena, TOKEN_LEN + 1);
	token_new(t);
	resp_header(resp, "Set-Cookie",
		    session_cookie(req->arena, CSRF_COOKIE, t, pages_secure_cookies(req), 86400));
	req->csrf = t;
	return t;
}

/* The response's JSON lives in the request's arena (jsonmem) and goes with
 * it: walking the trees only to free nothing would cost a page's worth of
 * work.  Only when the allocator is installed (the server; not tests). */
static void forget_arena_json(struct resp *resp)
{
	if (!jsonmem_active())
		return;
	resp->model = NULL;
	resp->view = NULL;
	resp->error_fields = NULL;
}

void pages_handle(struct req *req, struct resp *resp)
{
	jsonmem_use(req->arena);
	i18n_use(req->lang);
	enum err rc = E_OK;
	if ((req->route->flags & ROUTE_DB) && need_db(req) != E_OK &&
	    !(req->route->flags & ROUTE_DB_OPTIONAL))
		rc = resp_error(resp, E_UNAVAILABLE, NULL);
	if (rc == E_OK)
		rc = load_actor(req, resp);
	if (req->actor == NULL) {
		static struct actor visitor;
		req->actor = &visitor;
	}
	i18n_use(req->lang);
	if (rc == E_OK && !csrf_ok(req)) {
		size_t n;
		const char *path = req_log_path(req, &n);
		log_info("request %s: CSRF token missing or wrong on %s %.*s", req->request_id,
			 req->method_name, (int)n, path);
		resp->error_page = "errors/csrf";
		rc = resp_error(resp, E_FORBIDDEN,
				_("This form has expired or was sent from another site, so nothing "
				  "was changed."));
	}
	if (rc == E_OK)
		rc = req->route->handler(req, resp);
	/* A redirect (to sign in, say) is the answer, not an error to show. */
	if (rc != E_OK && resp->error == E_OK && !(resp->status >= 300 && resp->status < 400))
		resp_error(resp, rc, NULL);
	pages_render(req, resp);
	jsonmem_use(NULL);
	forget_arena_json(resp);
}

enum err pages_require(struct req *req, struct resp *resp, enum action act, int64_t object)
{
	if (policy_allows(req->actor, act, object))
		return E_OK;
	if (req->actor->person_id != 0)
		return resp_error(resp, E_FORBIDDEN, NULL);
	if (req->wants_json || req->method != HTTP_GET)
		return resp_error(resp, E_UNAUTHORIZED, NULL);
	struct buf b;
	buf_init(&b, HTTP_MAX_TARGET * 4);
	buf_puts(&b, "/signin?next=");
	url_encode(&b, req->target, strlen(req->target));
	resp_redirect(resp, 302, arena_strdup(req->arena, buf_str(&b)));
	buf_free(&b);
	/* Not an error to render: the redirect is the answer. */
	return E_UNAUTHORIZED;
}

enum err pages_audit(struct req *req, const char *action, const char *object_type,
		     int64_t object_id, json_t *before, json_t *after)
{
	char at[TIMEFMT_LEN];
	timefmt_iso((time_t)req->now, at);
	char *b = jsonmem_dump(req->arena, before, JSON_COMPACT | JSON_SORT_KEYS);
	char *a = jsonmem_dump(req->arena, after, JSON_COMPACT | JSON_SORT_KEYS);
	struct audit_row row = {
		.at = at,
		.actor_id = req->actor != NULL ? req->actor->person_id : 0,
		.action = action,
		.object_type = object_type,
		.object_id = object_id > 0 ? arena_printf(req->arena, "%lld", (long long)object_id)
					   : NULL,
		.before_json = b,
		.after_json = a,
		.request_id = req->request_id,
		.client_addr = req->client_addr,
	};
	return db_audit_insert(req->db, &row);
}

enum err pages_form_invalid(struct req *req, struct resp *resp, const char *template,
			    json_t *model, json_t *errors)
{
	if (req->wants_json) {
		json_decref(model);
		resp->error_fields = errors;
		return resp_error(resp, E_UNPROCESSABLE, _("Some fields need attention."));
	}
	pages_form_errors(model, errors);
	resp_page(resp, template, model);
	resp->status = 422;
	return E_OK;
}

void pages_form_errors(json_t *model, json_t *errors)
{
	json_t *list = json_array();
	const char *key;
	json_t *value;
	json_object_foreach(errors, key, value)
	{
		json_array_append_new(list, json_pack("{s:s, s:O}", "field", key, "message", value));
	}
	json_object_set_new(model, "errors", errors);
	json_object_set_new(model, "error_list", list);
	json_object_set_new(model, "has_errors", json_true());
}

void pages_paging(struct req *req, struct resp *resp, struct paging *pg)
{
	const char *bad = NULL;
	if (paging_parse(pages_query(req, "page"), pages_query(req, "per_page"), pg, &bad) != E_OK)
		resp_field_error(resp, bad, strcmp(bad, "page") == 0
						    ? _("must be a whole number from 1 to 100000")
						    : _("must be a whole number from 1 to 200"));
}

void pages_form_ok(json_t *model)
{
	json_object_set_new(model, "errors", json_object());
	json_object_set_new(model, "error_list", json_array());
	json_object_set_new(model, "has_errors", json_false());
}

const char *pages_now(const struct req *req)
{
	char *at = arena_alloc(req->arena, TIMEFMT_LEN);
	timefmt_iso((time_t)req->now, at);
	return at;
}

void pages_fail(struct req *req, struct resp *resp, enum err err, const char *why)
{
	i18n_use(req->lang);
	if (why != NULL && err != E_NOTFOUND)
		log_info("request %s: %s", req->request_id != NULL ? req->request_id : "-", why);
	const char *message = NULL;
	if (err == E_INVALID && why != NULL) {
		if (strstr(why, "UTF-8") != NULL || strstr(why, "NUL") != NULL)
			message = _("The address or form contains characters that are not valid text.");
		else if (strstr(why, "too many fields") != NULL)
			message = _("The request has too many fields.");
		else if (strstr(why, "too long") != NULL)
			message = _("A field in the request is too long.");
	}
	jsonmem_use(req->arena);
	resp_error(resp, err, message);
	pages_render(req, resp);
	jsonmem_use(NULL);
	forget_arena_json(resp);
}

const char *pages_base_url(const struct req *req)
{
	return req->cfg != NULL && req->cfg->base_url != NULL ? req->cfg->base_url
							       : "http://127.0.0.1:8080";
}

enum err pages_mail(struct req *req, const char *kind, const char *template, const char *to,
		    int64_t person_id, const char *lang, json_t *data)
{
	if (to == NULL || to[0] == '\0') {
		/* Erasure or retention blanked the address: nobody to tell. */
		log_info("request %s: no address for %s mail, not sent", req->request_id, kind);
		return E_OK;
	}
	struct buf text;
	buf_init(&text, 256 * 1024);
	char err[256] = "";
	json_object_set_new(data, "base_url", json_string(pages_base_url(req)));
	enum err rc = view_render_text(lang, template, data, false, &text, err, sizeof err);
	if (rc != E_OK || buf_failed(&text)) {
		log_error("request %s: mail template %s: %s", req->request_id, template, err);
		buf_free(&text);
		return rc != E_OK ? rc : E_NOMEM;
	}
	/* The first line is the subject; the body follows the blank line. */
	const char *all = buf_str(&text);
	all += strspn(all, "\n");
	size_t n = strcspn(all, "\n");
	char *subject = arena_strndup(req->arena, all, n);
	const char *body = all + n;
	body += strspn(body, "\n");
	rc = mail_queue(req->db, kind, to, person_id, lang, str_trim(subject), body);
	buf_free(&text);
	if (rc == E_OK)
		mail_notify();
	return rc;
}

enum err pages_list_invalid(struct req *req, struct resp *resp, const char *template,
			    json_t *model)
{
	json_t *errors = resp->error_fields != NULL ? resp->error_fields : json_object();
	resp->error_fields = NULL;
	json_t *list = json_array();
	const char *key;
	json_t *value;
	json_object_foreach(errors, key, value)
	{
		/* The messages read "must be ...": say which parameter. */
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", key, "message",
						      arena_printf(req->arena, "%s: %s", key,
								   json_string_value(value))));
	}
	json_object_set_new(model, "errors", errors);
	json_object_set_new(model, "error_list", list);
	json_object_set_new(model, "has_errors", json_true());
	resp->error = E_OK;
	resp->error_message = NULL;
	resp_page(resp, template, model);
	resp->status = 400;
	return E_OK;
}

enum err pages_public_form(struct req *req, struct resp *resp, const char *form, bool *bot)
{
	*bot = false;
	/* A field hidden from people: only robots fill it in. */
	const char *trap = req_form(req, PUBLIC_FORM_HONEYPOT);
	if (trap != NULL && trap[0] != '\0') {
		log_info("request %s: honeypot filled on the %s form", req->request_id, form);
		*bot = true;
		return E_OK;
	}
	char since[TIMEFMT_LEN];
	timefmt_iso((time_t)req->now - 3600, since);
	const char *attempt = arena_printf(req->arena, "%s.attempt", form);
	int64_t stored = 0, tried = 0;
	enum err rc = db_form_submissions_since(req->db, form, req->client_addr, since, &stored);
	if (rc == E_OK)
		rc = db_form_submissions_since(req->db, attempt, req->client_addr, since, &tried);
	if (rc == E_OK && (stored >= PUBLIC_FORM_MAX_PER_HOUR || tried >= PUBLIC_FORM_MAX_ATTEMPTS)) {
		resp_header(resp, "Retry-After", "3600");
		return resp_error(resp, E_THROTTLED,
				  _("This form has been sent from your address many times in the last hour. Please try again later."));
	}
	if (rc == E_OK)
		rc = db_form_submission(req->db, attempt, req->client_addr, pages_now(req));
	return rc;
}

enum err pages_note_add(struct req *req, struct resp *resp, const char *object_type,
			int64_t object_id, const char *body, const char *back)
{
	enum err rc = account_begin(req);
	if (rc != E_OK)
		return rc;
	int64_t note = 0;
	rc = db_note_add(req->db, object_type, object_id, req->actor->person_id, body,
			 pages_now(req), &note);
	if (rc == E_OK) {
		json_t *after = json_pack("{s:I}", "note_id", (json_int_t)note);
		rc = pages_audit(req, arena_printf(req->arena, "%s.note", object_type), object_type,
				 object_id, NULL, after);
		json_decref(after);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, back);
	return E_OK;
}

enum err pages_public_form_done(struct req *req, const char *form)
{
	return db_form_submission(req->db, form, req->client_addr, pages_now(req));
}

void pages_csv(struct req *req, struct resp *resp, const char *filename)
{
	resp->content_type = "text/csv; charset=utf-8";
	resp->no_store = true;
	resp_header(resp, "Content-Disposition",
		    arena_printf(req->arena, "attachment; filename=\"%s\"", filename));
}
