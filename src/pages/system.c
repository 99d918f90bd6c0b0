/*
 * system.c - see system.h.
 */
#include "pages/system.h"

#include <string.h>

#include "config.h"
#include "db/q_common.h"
#include "pages/common.h"
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
