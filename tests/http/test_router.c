/*
 * test_router.c - route matching, parameters, 405 detection, and the real
 * route table's invariants.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/router.h"
#include "routes.h"

static enum err h(struct req *req, struct resp *resp)
{
	return E_OK;
}

static const struct route table[] = {
	{HTTP_GET, "/", h, 0, 0, "home"},
	{HTTP_GET, "/organisations", h, 0, 0, "list"},
	{HTTP_GET, "/organisations/new", h, 0, 0, "new"},
	{HTTP_GET, "/organisations/{id}", h, 0, 0, "show"},
	{HTTP_POST, "/organisations/{id}", h, 0, 0, "update"},
	{HTTP_GET, "/a/{x}/b/{y}", h, 0, 0, "two"},
	{HTTP_GET, "/static/{path}", h, ROUTE_PREFIX, 0, "static"},
};
#define N (sizeof table / sizeof table[0])

static const char *match(const char *method, const char *target, unsigned *allowed)
{
	static char out[128];
	struct req *r = req_new_test(method, target, NULL);
	const struct route *rt = router_match(table, N, r, allowed);
	if (rt == NULL) {
		snprintf(out, sizeof out, "-");
	} else {
		int n = snprintf(out, sizeof out, "%s", rt->name);
		for (size_t i = 0; i < r->nparams; i++)
			n += snprintf(out + n, sizeof out - (size_t)n, " %s=%s", r->param_names[i],
				      r->param_values[i]);
	}
	arena_free(r->arena);
	return out;
}

Test(router, table)
{
	static const char *cases[][3] = {
		{"GET", "/", "home"},
		{"GET", "/organisations", "list"},
		{"GET", "/organisations/new", "new"},
		{"GET", "/organisations/42", "show id=42"},
		{"HEAD", "/organisations/42", "show id=42"},
		{"POST", "/organisations/42", "update id=42"},
		{"GET", "/organisations/42/", "-"},
		{"GET", "/organisations/", "-"},
		{"GET", "/a/1/b/2", "two x=1 y=2"},
		{"GET", "/a/1/b", "-"},
		{"GET", "/static/css/app.css", "static path=css/app.css"},
		{"GET", "/static/", "-"},
		{"GET", "/nowhere", "-"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned allowed;
		cr_expect_str_eq(match(cases[i][0], cases[i][1], &allowed), cases[i][2], "%s %s",
				 cases[i][0], cases[i][1]);
	}
}

Test(router, method_not_allowed)
{
	unsigned allowed = 0;
	cr_expect_str_eq(match("DELETE", "/organisations/42", &allowed), "-");
	cr_expect_eq(allowed, HTTP_GET | HTTP_POST);
	struct arena *a = arena_new();
	cr_expect_str_eq(router_allow_header(a, allowed), "GET, HEAD, POST");
	arena_free(a);
	cr_expect_str_eq(match("BREW", "/", &allowed), "-");
	cr_expect_eq(allowed, HTTP_GET);
	cr_expect_str_eq(match("GET", "/nowhere", &allowed), "-");
	cr_expect_eq(allowed, 0);
}

Test(router, real_table_is_sane)
{
	const struct server_app *app = routes_app();
	cr_assert_gt(app->nroutes, 0);
	for (size_t i = 0; i < app->nroutes; i++) {
		const struct route *rt = &app->routes[i];
		cr_expect_eq(rt->pattern[0], '/', "%s starts with /", rt->pattern);
		cr_expect_not_null(rt->handler);
		cr_expect_not_null(rt->name);
		for (size_t j = 0; j < i; j++) {
			cr_expect(strcmp(rt->name, app->routes[j].name) != 0, "unique metric names: %s",
				  rt->name);
			cr_expect(strcmp(rt->pattern, app->routes[j].pattern) != 0 ||
					  (rt->methods & app->routes[j].methods) == 0,
				  "no duplicate route %s", rt->pattern);
		}
	}
}
