/*
 * system.c - see system.h.
 */
#include "pages/system.h"

#include <string.h>

#include "config.h"
#include "db/q_common.h"
#include "pages/common.h"
#include "util/log.h"
#include "util/str.h"
#include "view/i18n.h"

#define LANG_COOKIE_MAX_AGE (365 * 24 * 3600)

bool system_local_path(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	/* Control characters could split headers; backslashes are read as
	 * slashes by some browsers. */
	for (const char *p = next; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

/*
 * GET /language/{lang}?next=/path
 * Public.  Remembers the language in a cookie and sends the user back to
 * next (a path on this site; the home page otherwise).  303; 404 for a
 * language other than sv or en.
 */
enum err language_switch(struct req *req, struct resp *resp)
{
	const char *lang = req_param(req, "lang");
	if (strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0)
		return resp_error(resp, E_NOTFOUND, NULL);
	const char *next = req_query(req, "next");
	if (!system_local_path(next))
		next = "/";
	bool secure = req->cfg != NULL && req->cfg->base_url != NULL &&
		      str_starts_with(req->cfg->base_url, "https://");
	resp_header(resp, "Set-Cookie",
		    arena_printf(req->arena, "lang=%s; Path=/; Max-Age=%d; SameSite=Lax; HttpOnly%s",
				 lang, LANG_COOKIE_MAX_AGE, secure ? "; Secure" : ""));
	resp_redirect(resp, 303, arena_strdup(req->arena, next));
	return E_OK;
}

/*
 * GET /healthz
 * Public, for load balancers.  200 {"status":"ok"} when the database
 * answers; 503 {"status":"unavailable"} when it does not.
 */
enum err health_show(struct req *req, struct resp *resp)
{
	enum err rc = req->db != NULL ? q_ping(req->db) : E_DB;
	static const char ok[] = "{\"status\":\"ok\"}";
	static const char down[] = "{\"status\":\"unavailable\"}";
	resp->no_store = true;
	if (rc != E_OK) {
		resp->status = 503;
		resp_raw(resp, "application/json", down, sizeof down - 1);
	} else {
		resp_raw(resp, "application/json", ok, sizeof ok - 1);
	}
	return E_OK;
}

/*
 * GET /
 * Public.  The front page: what natverk is and where to start.
 */
enum err home_show(struct req *req, struct resp *resp)
{
	resp_page(resp, "home", json_pack("{s:s}", "name", "natverk"));
	return E_OK;
}

/*
 * POST /csp-report
 * Public.  Browsers send a JSON report here when the Content-Security-
 * Policy blocks something on one of our pages; we log the directive and
 * the blocked address so a broken page shows up in the logs.  Changes no
 * state, so it needs no CSRF token.  204; 400 for a body that is not JSON;
 * 413 above the route's body limit.
 */
enum err csp_report(struct req *req, struct resp *resp)
{
	json_error_t jerr;
	json_t *report = req->body != NULL ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
	if (!json_is_object(report)) {
		json_decref(report);
		return resp_error(resp, E_INVALID, _("The report is not JSON."));
	}
	json_t *r = json_object_get(report, "csp-report");
	if (!json_is_object(r))
		r = report;
	const char *directive = json_string_value(json_object_get(r, "violated-directive"));
	const char *blocked = json_string_value(json_object_get(r, "blocked-uri"));
	const char *page = json_string_value(json_object_get(r, "document-uri"));
	log_warn("request %s: content security policy blocked %.200s (%.100s) on %.200s",
		 req->request_id, blocked != NULL ? blocked : "-", directive != NULL ? directive : "-",
		 page != NULL ? page : "-");
	json_decref(report);
	resp->status = 204;
	resp->content_type = "text/plain; charset=utf-8";
	return E_OK;
}

/*
 * GET /favicon.ico
 * Public.  Browsers ask for it whatever the page says: 301 to the icon.
 */
enum err favicon(struct req *req, struct resp *resp)
{
	resp_header(resp, "Cache-Control", "public, max-age=86400");
	resp_redirect(resp, 301, "/static/favicon.svg");
	return E_OK;
}
