/*
 * test_req.c - request parsing: targets, cookies, language and format
 * negotiation.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "http/req.h"
#include "http/router.h"

static enum err parse(const char *target, const char **why, struct req **out)
{
	struct arena *a = arena_new();
	struct req *r = arena_zalloc(a, sizeof *r);
	r->arena = a;
	r->target = target;
	*out = r;
	return req_parse_head(r, why);
}

Test(req, targets)
{
	static const struct {
		const char *target;
		enum err want;
	} cases[] = {
		{"/", E_OK},
		{"/organisations?q=g%C3%B6teborg&page=2", E_OK},
		{"/a%20b", E_OK},
		{"/a?x=%ZZ", E_INVALID},
		{"/a?x=%", E_INVALID},
		{"/a?x=%ff", E_INVALID},
		{"/a?x=a%00b", E_INVALID},
		{"/a%00", E_INVALID},
		{"relative", E_INVALID},
		{"/a#frag", E_INVALID},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = NULL;
		struct req *r;
		enum err rc = parse(cases[i].target, &why, &r);
		cr_expect_eq(rc, cases[i].want, "%s -> %d (%s)", cases[i].target, rc, why ? why : "");
		arena_free(r->arena);
	}
}

Test(req, decoded_query_and_path)
{
	const char *why;
	struct req *r;
	cr_assert_eq(parse("/a%20b?q=g%C3%B6teborg+stad&empty=&flag&x=1&x=2", &why, &r), E_OK);
	cr_expect_str_eq(r->path, "/a b");
	cr_expect_str_eq(req_query(r, "q"), "göteborg stad");
	cr_expect_str_eq(req_query(r, "empty"), "");
	cr_expect_str_eq(req_query(r, "flag"), "");
	cr_expect_str_eq(req_query(r, "x"), "1", "the first value wins");
	cr_expect_null(req_query(r, "missing"));
	arena_free(r->arena);
}

Test(req, too_long_and_too_many)
{
	char target[HTTP_MAX_TARGET + 10];
	memset(target, 'a', sizeof target - 1);
	target[0] = '/';
	target[sizeof target - 1] = '\0';
	const char *why;
	struct req *r;
	cr_expect_eq(parse(target, &why, &r), E_URI_TOOLONG);
	arena_free(r->arena);

	char many[2048] = "/?";
	for (int i = 0; i <= HTTP_MAX_FIELDS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "f%d=1&", i);
	cr_expect_eq(parse(many, &why, &r), E_INVALID);
	cr_expect_str_eq(why, "too many fields");
	arena_free(r->arena);
}

Test(req, language)
{
	bool from_cookie;
	cr_expect_str_eq(req_negotiate_lang(NULL, NULL, &from_cookie), "sv", "default Swedish");
	cr_expect_str_eq(req_negotiate_lang("en", "sv", &from_cookie), "en", "cookie wins");
	cr_expect(from_cookie);
	cr_expect_str_eq(req_negotiate_lang("xx", "en-GB,en;q=0.9", &from_cookie), "en");
	cr_expect_not(from_cookie);
	cr_expect_str_eq(req_negotiate_lang(NULL, "en-US,en;q=0.9,sv;q=0.8", &from_cookie), "en");
	cr_expect_str_eq(req_negotiate_lang(NULL, "sv-SE,sv;q=0.9,en;q=0.8", &from_cookie), "sv");
	cr_expect_str_eq(req_negotiate_lang(NULL, "de-DE,en;q=0.5", &from_cookie), "en");
	cr_expect_str_eq(req_negotiate_lang(NULL, "en;q=0.2,sv;q=0.7", &from_cookie), "sv");
	cr_expect_str_eq(req_negotiate_lang(NULL, "fr", &from_cookie), "sv");
	cr_expect_str_eq(req_negotiate_lang(NULL, "en;q=0", &from_cookie), "sv");
}

Test(req, accept_json)
{
	cr_expect(req_accept_json("application/json"));
	cr_expect(req_accept_json("application/json, */*;q=0.1"));
	cr_expect(req_accept_json("application/json, */*"), "explicit JSON beats a wildcard");
	cr_expect_not(req_accept_json(NULL));
	cr_expect_not(req_accept_json("*/*"));
	cr_expect_not(req_accept_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
	cr_expect_not(req_accept_json("text/html, application/json"));
	cr_expect(req_accept_json("text/html;q=0.5, application/json"));
	cr_expect_not(req_accept_json("application/json;q=0"));
}

Test(req, cookies_and_headers)
{
	static const char *const headers[] = {"Cookie: a=1; lang=en; b=\"quoted\"; junk",
					      "Accept: application/json", NULL};
	struct req *r = req_new_test("GET", "/x", headers);
	cr_expect_str_eq(req_cookie(r, "a"), "1");
	cr_expect_str_eq(req_cookie(r, "b"), "quoted");
	cr_expect_str_eq(r->lang, "en");
	cr_expect(r->wants_json);
	cr_expect_str_eq(req_header(r, "accept"), "application/json");
	arena_free(r->arena);
}

Test(req, methods)
{
	cr_expect_eq(http_method_parse("GET"), HTTP_GET);
	cr_expect_eq(http_method_parse("DELETE"), HTTP_DELETE);
	cr_expect_eq(http_method_parse("get"), HTTP_OTHER, "methods are case-sensitive");
	cr_expect_eq(http_method_parse("BREW"), HTTP_OTHER);
}

/* The client address behind a reverse proxy. */
static const char *client(const char *xff, const char *peer, const char *trusted)
{
	static char out[64];
	const char *headers[] = {NULL, NULL};
	char line[256];
	if (xff != NULL) {
		snprintf(line, sizeof line, "X-Forwarded-For: %s", xff);
		headers[0] = line;
	}
	struct req *r = req_new_test("GET", "/", headers);
	snprintf(out, sizeof out, "%s", req_client_behind_proxy(r, peer, trusted));
	arena_free(r->arena);
	return out;
}

Test(req, client_address_behind_a_trusted_proxy)
{
	cr_expect_str_eq(client("203.0.113.9", "10.0.0.2", NULL), "10.0.0.2", "no proxy is trusted");
	cr_expect_str_eq(client("203.0.113.9", "10.0.0.2", "10.0.0.1"), "10.0.0.2", "not from a proxy");
	cr_expect_str_eq(client("203.0.113.9", "10.0.0.1", "10.0.0.1"), "203.0.113.9");
	cr_expect_str_eq(client(NULL, "10.0.0.1", "10.0.0.1"), "10.0.0.1", "no header");
	/* A client cannot choose its address by sending the header itself. */
	cr_expect_str_eq(client("1.2.3.4, 203.0.113.9", "10.0.0.1", "10.0.0.1"), "203.0.113.9");
	/* Two proxies in a row. */
	cr_expect_str_eq(client("203.0.113.9, 10.0.0.3", "10.0.0.1", "10.0.0.1, 10.0.0.3"), "203.0.113.9");
	cr_expect_str_eq(client("2001:db8::7", "::1", "127.0.0.1,::1"), "2001:db8::7");
	cr_expect_str_eq(client(" , ", "10.0.0.1", "10.0.0.1"), "10.0.0.1", "an empty header");
}

static enum err no_handler(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return E_OK;
}

Test(req, log_path_hides_secret_links)
{
	static const struct route routes[] = {
		{HTTP_GET, "/introductions/{token}", no_handler, 0, 0, "introduction_form"},
		{HTTP_GET, "/countries/{iso2}", no_handler, 0, 0, "countries_show"},
	};
	const char *targets[] = {"/introductions/s3cretT0ken?x=1", "/countries/KE?q=secret", "/nowhere?q=1"};
	const char *want[] = {"/introductions/{token}", "/countries/KE", "/nowhere"};
	for (size_t i = 0; i < 3; i++) {
		struct req *r = req_new_test("GET", targets[i], NULL);
		unsigned allowed;
		r->route = router_match(routes, 2, r, &allowed);
		size_t n;
		const char *p = req_log_path(r, &n);
		char got[128];
		snprintf(got, sizeof got, "%.*s", (int)n, p);
		cr_expect_str_eq(got, want[i]);
		arena_free(r->arena);
	}
}
