/*
 * pages_support.h - running a handler in-process, without sockets, on the
 * test database, and reading the view model it produced.
 */
#ifndef NATVERK_TEST_PAGES_SUPPORT_H
#define NATVERK_TEST_PAGES_SUPPORT_H

#include <criterion/criterion.h>
#include <string.h>

#include "http/router.h"
#include "pages/common.h"
#include "routes.h"
#include "support.h"
#include "view/i18n.h"
#include "view/view.h"

struct call {
	struct req *req;   /* the request */
	struct resp resp;  /* what the handler filled */
	json_t *model;     /* resp.model, or the parsed JSON body for errors */
};

/* The database every call of this test uses. */
static struct db *pages_db;

static inline void pages_setup(void)
{
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(view_init(test_path("templates"), err, sizeof err), E_OK, "%s", err);
	pages_db = test_db_reference();
}

static inline void pages_teardown(void)
{
	db_close(pages_db);
	view_free();
}

/* Runs the route matching target like the server would (JSON when json). */
static inline void call(struct call *c, const char *target, bool json, const char *lang)
{
	char cookie[32];
	snprintf(cookie, sizeof cookie, "Cookie: lang=%s", lang);
	const char *headers[] = {json ? "Accept: application/json" : "Accept: text/html", cookie,
				 NULL};
	c->req = req_new_test("GET", target, headers);
	c->req->db = pages_db;
	resp_init(&c->resp);
	unsigned allowed;
	const struct server_app *app = routes_app();
	c->req->route = router_match(app->routes, app->nroutes, c->req, &allowed);
	if (c->req->route == NULL)
		app->fail(c->req, &c->resp, E_NOTFOUND, NULL);
	else
		app->handle(c->req, &c->resp);
	c->model = NULL;
	if (json) {
		json_error_t jerr;
		c->model = json_loads(buf_str(&c->resp.body), 0, &jerr);
		cr_assert_not_null(c->model, "%s: body is not JSON: %s", target, buf_str(&c->resp.body));
	}
}

static inline void call_free(struct call *c)
{
	json_decref(c->model);
	resp_free(&c->resp);
	arena_free(c->req->arena);
}

/* Integer member of the model. */
static inline json_int_t model_int(const struct call *c, const char *key)
{
	return json_integer_value(json_object_get(c->model, key));
}

/* Names of the items, joined by "|", for compact assertions. */
static inline const char *item_names(const struct call *c, const char *field)
{
	static char out[4096];
	out[0] = '\0';
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(c->model, "items"), i, item)
	{
		if (i > 0)
			strncat(out, "|", sizeof out - strlen(out) - 1);
		const char *v = json_string_value(json_object_get(item, field));
		strncat(out, v != NULL ? v : "(null)", sizeof out - strlen(out) - 1);
	}
	return out;
}

#endif
