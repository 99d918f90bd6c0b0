/*
 * test_networks.c - thematic networks in-process, on SQLite or PostgreSQL:
 * the public list and page in both languages as JSON and HTML, whose
 * e-mail address is public (the project coordinator's, nobody else's),
 * CommonMark rendered with raw HTML and javascript: links dropped, the
 * staff form's field errors, partner countries checked against the start
 * date, stale edits, status moves allowed and refused per role, and the
 * audit rows every change writes.
 *
 * Linked into test-networks with the interest and declaration tests:
 * everything here is static and the suite is "networks".
 */
#include <jansson.h>
#include <stdlib.h>

#include "accounts_support.h"
#include "view/markdown.h"

TestSuite(networks, .init = world_setup, .fini = world_teardown, .timeout = 240);

static int64_t nw_count(const char *sql)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	int64_t n = row ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

/* The first column of the first row of sql, copied into out. */
static const char *nw_text(const char *sql, char *out, size_t outlen)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	cr_assert(row, "no row for %s", sql);
	snprintf(out, outlen, "%s", db_col_text(st, 0) != NULL ? db_col_text(st, 0) : "");
	db_done(st);
	return out;
}

static int64_t nw_theme(const char *slug)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "SELECT id FROM themes WHERE slug = $1", &st), E_OK);
	db_bind_text(st, 1, slug);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(row, "theme %s", slug);
	int64_t id = db_col_int(st, 0);
	db_done(st);
	return id;
}

/* A form body with the session's CSRF token (malloc'ed: descriptions can
 * be longer than w_form's buffer). */
static char *nw_body(const char *session, const char *rest)
{
	const char *csrf =
	    session != NULL ? w_csrf(session) : "presession000000000000000000000000000000000";
	size_t n = strlen(csrf) + strlen(rest) + 16;
	char *body = malloc(n);
	cr_assert_not_null(body);
	snprintf(body, n, "_csrf=%s&%s", csrf, rest);
	return body;
}

/* Headers for a request: JSON or HTML, and a language. */
static const char *const *nw_headers(bool json, const char *lang)
{
	static char cookie[32];
	static const char *headers[4];
	size_t h = 0;
	snprintf(cookie, sizeof cookie, "Cookie: lang=%s", lang);
	headers[h++] = cookie;
	if (json)
		headers[h++] = "Accept: application/json";
	headers[h++] = W_PRESESSION;
	headers[h] = NULL;
	return headers;
}

static void nw_get(struct answer *a, enum who w, const char *target, bool json, const char *lang)
{
	w_call(a, "GET", target, w_session(w), NULL, nw_headers(json, lang));
}

static void nw_post(struct answer *a, enum who w, const char *target, const char *fields, bool json,
		    const char *lang)
{
	const char *session = w_session(w);
	char *body = nw_body(session, fields);
	w_call(a, "POST", target, session, body, nw_headers(json, lang));
	free(body);
}

static json_t *nw_json(const struct answer *a)
{
	json_error_t e;
	json_t *j = json_loads(a->body, 0, &e);
	cr_assert_not_null(j, "%s: %s", e.text, a->body);
	return j;
}

/* Creates a network through the staff form; returns its id. */
static int64_t nw_create(const char *slug, const char *theme, const char *start, const char *more)
{
	char fields[2048];
	snprintf(fields, sizeof fields,
		 "name_sv=Natverk+%s&name_en=Network+%s&slug=%s&theme_id=%lld&start_date=%s"
		 "&inception_years=1&project_years=3%s%s",
		 slug, slug, slug, (long long)nw_theme(theme), start, more[0] != '\0' ? "&" : "",
		 more);
	struct answer a;
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", fields, false, "en");
	cr_assert_eq(a.status, 303, "%s", a.body);
	long long id = 0;
	cr_assert_eq(sscanf(a.location, "/admin/networks/%lld/edit?created=1", &id), 1, "%s",
		     a.location);
	answer_free(&a);
	return id;
}

/* Fills the world network ("klimat", with a person in every network role)
 * through the edit form; description_en is form-encoded (NULL: a default). */
static void nw_fill_world(const char *description_en)
{
	char fields[4096], path[64];
	snprintf(
	    fields, sizeof fields,
	    "version=1&name_sv=N%%C3%%A4tverk+f%%C3%%B6r+klimatet&name_en=Network+for+Climate+"
	    "Action"
	    "&slug=klimat&theme_id=%lld&start_date=2025-01-01&inception_years=1&project_years=3"
	    "&capacity=6&country=KE&country=ZA&institutions=UNCDF%%0D%%0ASEI%%0D%%0A"
	    "&description_sv=Kommuner+i+*Sverige*+och+Afrika.&description_en=%s",
	    (long long)nw_theme("climate"),
	    description_en != NULL ? description_en : "Municipalities+in+*Sweden*+and+Africa.");
	snprintf(path, sizeof path, "/admin/networks/%lld/edit", (long long)W.network);
	struct answer a;
	nw_post(&a, WHO_OFFICER, path, fields, false, "en");
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
}

static const char *world_path(const char *suffix)
{
	static char path[128];
	snprintf(path, sizeof path, "/admin/networks/%lld%s", (long long)W.network, suffix);
	return path;
}

Test(networks, public_list_answers_json_and_html_in_both_languages)
{
	nw_create("health-2021", "equitable-health", "2021-01-01", "");
	nw_create("climate-2026", "climate", "2026-01-01", "country=KE&country=UG");
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db,
				"UPDATE networks SET status = 'closed' WHERE slug = 'health-2021'",
				&st),
		     E_OK);
	cr_assert_eq(db_step(st, NULL), E_OK);
	db_done(st);

	struct answer a;
	nw_get(&a, WHO_VISITOR, "/networks", true, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	json_t *j = nw_json(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 3);
	cr_expect_eq(json_integer_value(json_object_get(j, "page")), 1);
	cr_expect_eq(json_integer_value(json_object_get(j, "per_page")), 50);
	json_t *items = json_object_get(j, "items");
	cr_assert_eq(json_array_size(items), 3);
	json_t *first = json_array_get(items, 0), *last = json_array_get(items, 2);
	cr_expect_str_eq(json_string_value(json_object_get(first, "slug")), "climate-2026",
			 "current networks first, the latest start first");
	cr_expect_str_eq(json_string_value(json_object_get(first, "name")), "Network climate-2026");
	cr_expect_str_eq(json_string_value(json_object_get(first, "theme")), "climate");
	cr_expect_eq(json_integer_value(json_object_get(first, "country_count")), 2);
	cr_expect_eq(json_integer_value(json_object_get(first, "first_year")), 2026);
	cr_expect_eq(json_integer_value(json_object_get(first, "last_year")), 2029);
	cr_expect_str_eq(json_string_value(json_object_get(last, "slug")), "health-2021",
			 "past last");
	cr_expect(json_is_true(json_object_get(last, "past")));
	json_decref(j);
	answer_free(&a);

	nw_get(&a, WHO_VISITOR, "/networks", true, "sv");
	j = nw_json(&a);
	cr_expect_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(j, "items"), 0), "name")),
			 "Natverk climate-2026");
	json_decref(j);
	answer_free(&a);

	nw_get(&a, WHO_VISITOR, "/networks?theme=climate", true, "en");
	j = nw_json(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	answer_free(&a);
	nw_get(&a, WHO_VISITOR, "/networks?status=closed", true, "en");
	j = nw_json(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	answer_free(&a);

	/* Bad filter values answer 400 naming each parameter. */
	nw_get(&a, WHO_VISITOR, "/networks?status=finished&theme=cooking&per_page=0", true, "en");
	cr_expect_eq(a.status, 400);
	j = nw_json(&a);
	json_t *fields = json_object_get(json_object_get(j, "error"), "fields");
	cr_expect_not_null(json_object_get(fields, "status"));
	cr_expect_not_null(json_object_get(fields, "theme"));
	cr_expect_not_null(json_object_get(fields, "per_page"));
	cr_expect_not_null(strstr(json_string_value(json_object_get(fields, "theme")), "climate"),
			   "the message lists the themes");
	json_decref(j);
	answer_free(&a);
	nw_get(&a, WHO_VISITOR, "/networks?status=finished", false, "en");
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(strstr(a.body, "class=\"error-summary\""));
	cr_expect_not_null(strstr(a.body, "aria-invalid=\"true\""));
	answer_free(&a);

	nw_get(&a, WHO_VISITOR, "/networks", false, "sv");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "<html lang=\"sv\">"));
	cr_expect_not_null(strstr(a.body, "Natverk climate-2026"));
	cr_expect_null(strstr(a.body, "Network climate-2026"));
	cr_expect_not_null(strstr(a.body, "href=\"/networks/health-2021\""));
	cr_expect_not_null(strstr(a.body, "2026–2029"));
	cr_expect_null(strstr(a.body, "Current networks"), "translated");
	answer_free(&a);
	nw_get(&a, WHO_VISITOR, "/networks", false, "en");
	cr_expect_not_null(strstr(a.body, "<html lang=\"en\">"));
	cr_expect_not_null(strstr(a.body, "Network climate-2026"));
	cr_expect_not_null(strstr(a.body, "Current networks"));
	cr_expect_not_null(strstr(a.body, "Past networks"));
	answer_free(&a);
}

Test(networks, public_page_shows_the_network_and_only_the_coordinators_address)
{
	nw_fill_world(NULL);
	struct answer a;
	nw_get(&a, WHO_VISITOR, "/networks/klimat", true, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	json_t *j = nw_json(&a);
	cr_expect_str_eq(json_string_value(json_object_get(j, "name")),
			 "Network for Climate Action");
	cr_expect_str_eq(json_string_value(json_object_get(j, "theme")), "climate");
	cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "planned");
	cr_expect_eq(json_integer_value(json_object_get(j, "first_year")), 2025);
	cr_expect_eq(json_integer_value(json_object_get(j, "last_year")), 2028);
	cr_expect_eq(json_integer_value(json_object_get(j, "inception_years")), 1);
	cr_expect_eq(json_integer_value(json_object_get(j, "project_years")), 3);
	cr_expect_eq(json_integer_value(json_object_get(j, "capacity")), 6);
	json_t *countries = json_object_get(j, "countries");
	cr_assert_eq(json_array_size(countries), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(countries, 0), "iso2")),
			 "KE");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(countries, 0), "url")),
			 "/countries/KE");
	json_t *inst = json_object_get(j, "institutions");
	cr_assert_eq(json_array_size(inst), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(inst, 0), "name")),
			 "UNCDF");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "contact"), "email")),
			 "j.person@example.org");
	json_t *people = json_object_get(j, "people");
	json_t *mentor = json_array_get(json_object_get(people, "mentors"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(mentor, "name")), "Person E");
	cr_expect_null(json_object_get(mentor, "email"), "a mentor is shown by name only");
	cr_expect_eq(json_array_size(json_object_get(people, "research_advisors")), 1);
	cr_expect_eq(json_array_size(json_object_get(people, "national_experts")), 1);
	cr_expect_eq(json_array_size(json_object_get(j, "partnerships")), 0);
	json_t *take = json_object_get(j, "take_part");
	cr_expect_str_eq(json_string_value(json_object_get(take, "interest_url")),
			 "/interest?network=klimat");
	cr_expect_str_eq(json_string_value(json_object_get(take, "declaration_url")),
			 "/declarations/new");
	cr_expect(json_is_false(json_object_get(take, "interest_open")), "planned: not open yet");
	json_decref(j);
	/* Nobody's address but the coordinator's leaves the server. */
	cr_expect_null(strstr(a.body, "r.person@"));
	cr_expect_null(strstr(a.body, "e.person@"));
	cr_expect_null(strstr(a.body, "x.person@"));
	answer_free(&a);

	/* Open for interest: the page links the Swedish interest form. */
	nw_post(&a, WHO_ADMIN, world_path("/status"), "from=planned&to=open_for_interest", false,
		"en");
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);

	nw_get(&a, WHO_MEMBER, "/networks/klimat", false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "<h1>Network for Climate Action</h1>"));
	cr_expect_not_null(strstr(a.body, "href=\"/countries/KE\""));
	cr_expect_not_null(strstr(a.body, "href=\"/countries/ZA\""));
	cr_expect_not_null(strstr(a.body, "mailto:j.person@example.org"));
	cr_expect_not_null(strstr(a.body, "Person R"));
	cr_expect_not_null(strstr(a.body, "Person E"));
	cr_expect_not_null(strstr(a.body, "Person X"));
	cr_expect_null(strstr(a.body, "r.person@"));
	cr_expect_null(strstr(a.body, "e.person@"));
	cr_expect_null(strstr(a.body, "x.person@"));
	cr_expect_not_null(strstr(a.body, "href=\"/interest?network=klimat\""));
	cr_expect_not_null(strstr(a.body, "href=\"/declarations/new\""));
	cr_expect_not_null(strstr(a.body, "political support"));
	cr_expect_not_null(strstr(a.body, "anchored in the municipal leadership"));
	cr_expect_not_null(strstr(a.body, "2025–2028"));
	cr_expect_not_null(strstr(a.body, "UNCDF"));
	cr_expect_not_null(strstr(a.body, "Municipalities in <em>Sweden</em> and Africa."));
	cr_expect_null(strstr(a.body, "Edit this network"), "only staff see the edit link");
	answer_free(&a);

	nw_get(&a, WHO_VISITOR, "/networks/klimat", false, "sv");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "<html lang=\"sv\">"));
	cr_expect_not_null(strstr(a.body, "<h1>Nätverk för klimatet</h1>"));
	cr_expect_not_null(strstr(a.body, "Kommuner i <em>Sverige</em> och Afrika."));
	cr_expect_not_null(strstr(a.body, "href=\"/countries/ZA\">Sydafrika</a>"));
	cr_expect_null(strstr(a.body, "political support"), "translated");
	answer_free(&a);

	/* A deactivated coordinator is no longer the public contact. */
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db,
				"UPDATE people SET active = 0 WHERE email = 'j.person@example.org'",
				&st),
		     E_OK);
	cr_assert_eq(db_step(st, NULL), E_OK);
	db_done(st);
	nw_get(&a, WHO_VISITOR, "/networks/klimat", true, "en");
	j = nw_json(&a);
	cr_expect(json_is_null(json_object_get(j, "contact")));
	cr_expect_null(strstr(a.body, "j.person@"));
	json_decref(j);
	answer_free(&a);

	nw_get(&a, WHO_VISITOR, "/networks/no-such-network", true, "en");
	cr_expect_eq(a.status, 404);
	answer_free(&a);
	nw_get(&a, WHO_VISITOR, "/networks/no-such-network", false, "sv");
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

Test(networks, description_falls_back_to_the_other_language)
{
	nw_create("only-swedish", "climate", "2025-01-01", "description_sv=Bara+svenska.");
	struct answer a;
	nw_get(&a, WHO_VISITOR, "/networks/only-swedish", false, "en");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "class=\"prose\" lang=\"sv\""), "marked as Swedish");
	cr_expect_not_null(strstr(a.body, "<p>Bara svenska.</p>"));
	answer_free(&a);
}

Test(networks, commonmark_is_rendered_and_raw_html_and_javascript_links_dropped)
{
	nw_fill_world("%23+Goals%0A%0A**Bold**+and+%5Ba+link%5D(https%3A%2F%2Fexample.org)"
		      "+%3Cscript%3Ealert(1)%3C%2Fscript%3E+%5Bclick%5D(javascript%3Aalert(2))"
		      "+%3Cimg+src%3Dx+onerror%3Dalert(3)%3E%0A%0A%3Cdiv+onclick%3D%22x()%22%3Eraw%"
		      "3C%2Fdiv%3E");
	struct answer a;
	nw_get(&a, WHO_VISITOR, "/networks/klimat", true, "en");
	cr_assert_eq(a.status, 200);
	json_t *j = nw_json(&a);
	const char *html = json_string_value(json_object_get(j, "description_html"));
	cr_assert_not_null(html);
	cr_expect_not_null(strstr(html, "<h3>Goals</h3>"),
			   "a # heading sits under the page's h2: %s", html);
	cr_expect_not_null(strstr(html, "<strong>Bold</strong>"), "%s", html);
	cr_expect_not_null(strstr(html, "<a href=\"https://example.org\">a link</a>"), "%s", html);
	cr_expect_null(strstr(html, "<script"), "%s", html);
	cr_expect_null(strstr(html, "javascript:"), "%s", html);
	cr_expect_null(strstr(html, "onerror"), "%s", html);
	cr_expect_null(strstr(html, "<img"), "%s", html);
	cr_expect_null(strstr(html, "onclick"), "%s", html);
	json_decref(j);
	answer_free(&a);
	nw_get(&a, WHO_VISITOR, "/networks/klimat", false, "en");
	cr_expect_not_null(strstr(a.body, "<strong>Bold</strong>"));
	cr_expect_null(strstr(a.body, "<script"));
	cr_expect_null(strstr(a.body, "javascript:"));
	answer_free(&a);
}

Test(networks, markdown_caps_input_and_shifts_headings)
{
	struct arena *ar = arena_new();
	const char *html;
	cr_expect_eq(markdown_html(ar, "# A\n\n###### F\n", 14, 3, &html), E_OK);
	cr_expect_str_eq(html, "<h3>A</h3>\n<h6>F</h6>\n");
	cr_expect_eq(markdown_html(ar, "", 0, 1, &html), E_OK);
	cr_expect_str_eq(html, "");
	cr_expect_eq(markdown_html(ar, "<b>x</b> [y](vbscript:z)", 24, 1, &html), E_OK);
	cr_expect_null(strstr(html, "<b>"));
	cr_expect_null(strstr(html, "vbscript"));
	cr_expect_eq(markdown_html(ar,
				   "a\xff"
				   "b",
				   3, 1, &html),
		     E_OK);
	cr_expect_not_null(strstr(html, "a\xef\xbf\xbd"
					"b"),
			   "invalid UTF-8 is replaced");
	size_t big = MARKDOWN_MAX_INPUT + 1;
	char *text = malloc(big);
	memset(text, 'a', big);
	cr_expect_eq(markdown_html(ar, text, big, 1, &html), E_TOOBIG);
	cr_expect_str_eq(html, "");
	cr_expect_eq(markdown_html(ar, text, MARKDOWN_MAX_INPUT, 1, &html), E_OK);
	free(text);
	arena_free(ar);
}

/* The fields of a form where every one is wrong. */
static char *every_field_wrong(void)
{
	size_t n = 64 * 1024;
	char *s = malloc(n);
	cr_assert_not_null(s);
	size_t o = (size_t)snprintf(s, n, "name_sv=+++&name_en=");
	for (int i = 0; i < 201; i++)
		s[o++] = 'x';
	o += (size_t)snprintf(
	    s + o, n - o,
	    "&slug=Bad+Slug&theme_id=999999&start_date=2025-02-30&inception_years=3"
	    "&project_years=0&capacity=-4&country=XX&description_sv=");
	for (int i = 0; i < 10001; i++)
		s[o++] = 'd';
	o += (size_t)snprintf(s + o, n - o, "&institutions=");
	for (int i = 0; i < 31; i++)
		o += (size_t)snprintf(s + o, n - o, "Institution+%d%%0A", i);
	s[o] = '\0';
	return s;
}

static const char *const form_fields[] = {
    "name_sv",    "name_en",         "slug",          "theme_id", "description_sv",
    "start_date", "inception_years", "project_years", "capacity", "institutions"};

Test(networks, staff_form_answers_every_field_error_and_stores_nothing)
{
	int64_t networks = nw_count("SELECT COUNT(*) FROM networks");
	int64_t audits = nw_count("SELECT COUNT(*) FROM audit_log");
	char *fields = every_field_wrong();
	struct answer a;
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", fields, true, "en");
	cr_expect_eq(a.status, 422, "%s", a.body);
	json_t *j = nw_json(&a);
	json_t *errs = json_object_get(json_object_get(j, "error"), "fields");
	for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
		cr_expect_not_null(json_object_get(errs, form_fields[i]), "no error for %s",
				   form_fields[i]);
	json_decref(j);
	answer_free(&a);

	nw_post(&a, WHO_ADMIN, "/admin/networks/new", fields, false, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "class=\"error-summary\""));
	for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++) {
		char id[64], link[64];
		snprintf(id, sizeof id, "id=\"%s-error\"", form_fields[i]);
		snprintf(link, sizeof link, "href=\"#%s\"", form_fields[i]);
		cr_expect_not_null(strstr(a.body, id), "no message next to %s", form_fields[i]);
		cr_expect_not_null(strstr(a.body, link), "%s not in the summary", form_fields[i]);
	}
	cr_expect_not_null(strstr(a.body, "Enter the name in Swedish."));
	cr_expect_not_null(strstr(a.body, "At most 200 characters."));
	cr_expect_not_null(strstr(a.body, "Enter a whole number of years from 0 to 2."));
	cr_expect_not_null(strstr(a.body, "value=\"Bad Slug\""), "what was typed is kept");
	cr_expect_not_null(strstr(a.body, "value=\"2025-02-30\""));
	cr_expect_not_null(strstr(a.body, "Institution 30"));
	answer_free(&a);

	nw_post(&a, WHO_OFFICER, "/admin/networks/new", fields, false, "sv");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "<html lang=\"sv\">"));
	cr_expect_not_null(strstr(a.body, "class=\"error-summary\""));
	cr_expect_not_null(strstr(a.body, "id=\"slug-error\""));
	cr_expect_null(strstr(a.body, "Enter the name in Swedish."), "the messages are in Swedish");
	cr_expect_null(strstr(a.body, "Enter a whole number of years"));
	answer_free(&a);
	free(fields);

	/* A timeframe out of range, one field at a time, and a taken slug. */
	nw_create("taken", "climate", "2025-01-01", "");
	networks++;
	audits++;
	char form[1024];
	snprintf(form, sizeof form,
		 "name_sv=A&name_en=B&slug=taken&theme_id=%lld&start_date=2025-01-01"
		 "&inception_years=1&project_years=7&capacity=1001",
		 (long long)nw_theme("climate"));
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", form, true, "en");
	cr_expect_eq(a.status, 422);
	j = nw_json(&a);
	errs = json_object_get(json_object_get(j, "error"), "fields");
	cr_expect_not_null(json_object_get(errs, "slug"));
	cr_expect_not_null(json_object_get(errs, "project_years"));
	cr_expect_not_null(json_object_get(errs, "capacity"));
	cr_expect_null(json_object_get(errs, "inception_years"));
	cr_expect_null(json_object_get(errs, "name_sv"));
	json_decref(j);
	answer_free(&a);

	cr_expect_eq(nw_count("SELECT COUNT(*) FROM networks"), networks, "nothing stored");
	cr_expect_eq(nw_count("SELECT COUNT(*) FROM audit_log"), audits);
}

Test(networks, staff_pages_show_the_form_the_list_and_the_people)
{
	struct answer a;
	nw_get(&a, WHO_OFFICER, "/admin/networks/new", false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "name=\"country\" value=\"KE\""), "eligible today");
	cr_expect_null(strstr(a.body, "value=\"IN\""), "India is not eligible today");
	cr_expect_not_null(strstr(a.body, "name=\"inception_years\" value=\"1\""));
	cr_expect_not_null(strstr(a.body, "name=\"project_years\" value=\"3\""));
	answer_free(&a);

	nw_get(&a, WHO_ADMIN, world_path("/edit"), false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	char link[64];
	snprintf(link, sizeof link, "href=\"/admin/people/%lld\"", (long long)W.person[WHO_MENTOR]);
	cr_expect_not_null(strstr(a.body, link), "people link to their pages");
	cr_expect_not_null(strstr(a.body, "Research advisor"));
	cr_expect_not_null(strstr(a.body, "name=\"to\" value=\"open_for_interest\""));
	cr_expect_not_null(strstr(a.body, "name=\"version\" value=\"1\""));
	answer_free(&a);

	nw_get(&a, WHO_ADMIN, world_path("/edit"), true, "en");
	json_t *j = nw_json(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "version")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(j, "slug")), "klimat");
	cr_expect_eq(json_array_size(json_object_get(j, "people")), 4);
	json_decref(j);
	answer_free(&a);

	nw_get(&a, WHO_OFFICER, "/admin/networks", true, "sv");
	cr_assert_eq(a.status, 200);
	j = nw_json(&a);
	json_t *item = json_array_get(json_object_get(j, "items"), 0);
	char edit[64];
	snprintf(edit, sizeof edit, "/admin/networks/%lld/edit", (long long)W.network);
	cr_expect_str_eq(json_string_value(json_object_get(item, "edit_url")), edit);
	json_decref(j);
	answer_free(&a);
	nw_get(&a, WHO_OFFICER, "/admin/networks", false, "sv");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, edit));
	answer_free(&a);

	nw_get(&a, WHO_ADMIN, "/admin/networks/999999/edit", false, "en");
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

Test(networks, countries_are_checked_against_the_start_date)
{
	char form[1024];
	long long climate = (long long)nw_theme("climate");
	/* India was a partner country until 2020. */
	snprintf(form, sizeof form,
		 "name_sv=Indien&name_en=India&slug=india-2023&theme_id=%lld&start_date=2023-01-01"
		 "&inception_years=1&project_years=3&country=KE&country=IN",
		 climate);
	struct answer a;
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", form, false, "en");
	cr_expect_eq(a.status, 422, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "India is not a partner country on 1 January 2023"), "%s",
			   a.body);
	cr_expect_not_null(
	    strstr(a.body, "id=\"country-IN\" name=\"country\" value=\"IN\" checked"),
	    "shown ticked so that it can be unticked");
	answer_free(&a);
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", form, true, "en");
	cr_expect_eq(a.status, 422);
	json_t *j = nw_json(&a);
	const char *msg = json_string_value(
	    json_object_get(json_object_get(json_object_get(j, "error"), "fields"), "countries"));
	cr_expect(msg != NULL && strstr(msg, "India") != NULL, "%s", a.body);
	json_decref(j);
	answer_free(&a);
	cr_expect_eq(nw_count("SELECT COUNT(*) FROM networks WHERE slug = 'india-2023'"), 0);

	/* A code that is no country at all. */
	snprintf(form, sizeof form,
		 "name_sv=X&name_en=X&slug=xx-2023&theme_id=%lld&start_date=2023-01-01"
		 "&inception_years=1&project_years=3&country=XX",
		 climate);
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", form, false, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Choose the countries from the list."));
	answer_free(&a);

	/* The same countries for a network starting in 2015. */
	snprintf(form, sizeof form,
		 "name_sv=Indien&name_en=India&slug=india-2015&theme_id=%lld&start_date=2015-01-01"
		 "&inception_years=1&project_years=3&country=KE&country=IN&country=IN",
		 climate);
	nw_post(&a, WHO_ADMIN, "/admin/networks/new", form, false, "en");
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(
	    nw_count(
		"SELECT COUNT(*) FROM network_countries nc JOIN networks n ON n.id = nc.network_id "
		"WHERE n.slug = 'india-2015'"),
	    2, "the repeated India counts once");

	/* Moving its start to 2023 is refused while India is ticked. */
	char id[32], path[96];
	nw_text("SELECT CAST(id AS TEXT) FROM networks WHERE slug = 'india-2015'", id, sizeof id);
	snprintf(path, sizeof path, "/admin/networks/%s/edit", id);
	snprintf(form, sizeof form,
		 "version=1&name_sv=Indien&name_en=India&slug=india-2015&theme_id=%lld&start_date="
		 "2023-01-01"
		 "&inception_years=1&project_years=3&country=KE&country=IN",
		 climate);
	nw_post(&a, WHO_ADMIN, path, form, false, "sv");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Indien"), "named in Swedish");
	answer_free(&a);
	char start[16];
	cr_expect_str_eq(nw_text("SELECT start_date FROM networks WHERE slug = 'india-2015'", start,
				 sizeof start),
			 "2015-01-01");
}

Test(networks, a_stale_edit_answers_409_and_keeps_what_was_typed)
{
	nw_fill_world(NULL); /* version 1 -> 2 */
	char fields[1024];
	long long climate = (long long)nw_theme("climate");
	snprintf(fields, sizeof fields,
		 "version=2&name_sv=Klimat&name_en=Climate+first&slug=klimat&theme_id=%lld"
		 "&start_date=2025-01-01&inception_years=1&project_years=3&country=KE",
		 climate);
	struct answer a;
	nw_post(&a, WHO_OFFICER, world_path("/edit"), fields, false, "en");
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);

	/* Someone who opened the form at version 2 saves after that. */
	snprintf(fields, sizeof fields,
		 "version=2&name_sv=Klimat&name_en=Climate+second&slug=klimat&theme_id=%lld"
		 "&start_date=2025-01-01&inception_years=1&project_years=3&country=KE",
		 climate);
	int64_t audits = nw_count("SELECT COUNT(*) FROM audit_log");
	nw_post(&a, WHO_ADMIN, world_path("/edit"), fields, false, "en");
	cr_expect_eq(a.status, 409, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "value=\"Climate second\""), "what was typed is kept");
	cr_expect_not_null(strstr(a.body, "Climate first"), "what is stored is shown");
	cr_expect_not_null(strstr(a.body, "name=\"version\" value=\"3\""),
			   "the next save is deliberate");
	cr_expect_not_null(strstr(a.body, "id=\"name_en-error\""));
	answer_free(&a);
	nw_post(&a, WHO_ADMIN, world_path("/edit"), fields, true, "en");
	cr_expect_eq(a.status, 409);
	json_t *j = nw_json(&a);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			 "conflict");
	json_t *errs = json_object_get(json_object_get(j, "error"), "fields");
	cr_expect_not_null(json_object_get(errs, "version"));
	cr_expect_not_null(json_object_get(errs, "name_en"));
	cr_expect_null(json_object_get(errs, "slug"), "unchanged fields are not marked");
	json_decref(j);
	answer_free(&a);
	char name[64];
	cr_expect_str_eq(
	    nw_text("SELECT name_en FROM networks WHERE slug = 'klimat'", name, sizeof name),
	    "Climate first");
	cr_expect_eq(nw_count("SELECT COUNT(*) FROM audit_log"), audits, "nothing written");

	/* Saving again with the version the 409 gave wins. */
	fields[8] = '3';
	nw_post(&a, WHO_ADMIN, world_path("/edit"), fields, false, "en");
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	cr_expect_str_eq(
	    nw_text("SELECT name_en FROM networks WHERE slug = 'klimat'", name, sizeof name),
	    "Climate second");
}

/* POSTs a status move of the world network as w; returns the status. */
static int nw_move(enum who w, const char *fields)
{
	const char *session = w_session(w);
	const char *form = session != NULL ? w_form(session, fields) : w_form(NULL, fields);
	const char *extra[] = {W_PRESESSION, NULL};
	struct answer a;
	w_call(&a, "POST", world_path("/status"), session, form, extra);
	int status = a.status;
	answer_free(&a);
	return status;
}

static const char *world_status(void)
{
	static char s[32];
	return nw_text("SELECT status FROM networks WHERE slug = 'klimat'", s, sizeof s);
}

Test(networks, status_moves_one_step_forward_and_only_by_staff)
{
	/* Nobody but administrators and programme officers, not even the
	 * network's own coordinator. */
	cr_expect_eq(nw_move(WHO_VISITOR, "to=open_for_interest"), 401);
	cr_expect_eq(nw_move(WHO_MEMBER, "to=open_for_interest"), 403);
	cr_expect_eq(nw_move(WHO_COORDINATOR, "to=open_for_interest"), 403);
	cr_expect_eq(nw_move(WHO_MENTOR, "to=open_for_interest"), 403);
	cr_expect_eq(nw_move(WHO_FINANCE, "to=open_for_interest"), 403);
	cr_expect_str_eq(world_status(), "planned");

	/* Skipping a step, going back, or nonsense: refused with a reason. */
	cr_expect_eq(nw_move(WHO_OFFICER, "to=matching"), 422);
	cr_expect_eq(nw_move(WHO_OFFICER, "to=planned"), 422);
	cr_expect_eq(nw_move(WHO_OFFICER, "to=finished"), 422);
	cr_expect_str_eq(world_status(), "planned");
	struct answer a;
	nw_post(&a, WHO_OFFICER, world_path("/status"), "to=closed", false, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(
	    strstr(a.body,
		   "A network moves one step at a time: from Planned only to Open for interest."),
	    "%s", a.body);
	cr_expect_not_null(strstr(a.body, "id=\"to-error\""));
	answer_free(&a);
	nw_post(&a, WHO_OFFICER, world_path("/status"), "to=closed", true, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "\"to\""));
	answer_free(&a);

	/* One step at a time, all the way. */
	static const char *const steps[] = {"open_for_interest", "matching", "inception",
					    "implementation",    "closing",  "closed"};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		char form[96];
		snprintf(form, sizeof form, "from=%s&to=%s", world_status(), steps[i]);
		cr_expect_eq(nw_move(i % 2 ? WHO_ADMIN : WHO_OFFICER, form), 303, "to %s",
			     steps[i]);
		cr_expect_str_eq(world_status(), steps[i]);
		if (i == 0) {
			/* A page showing the old status is stale now. */
			cr_expect_eq(nw_move(WHO_ADMIN, "from=planned&to=matching"), 409);
			cr_expect_str_eq(world_status(), "open_for_interest");
		}
	}
	nw_post(&a, WHO_ADMIN, world_path("/status"), "to=closed", false, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "a closed network stays closed"));
	answer_free(&a);

	cr_expect_eq(nw_count("SELECT COUNT(*) FROM audit_log WHERE action = 'network.status'"), 6);
	char before[64], after[64];
	nw_text(
	    "SELECT before_json FROM audit_log WHERE action = 'network.status' ORDER BY id DESC",
	    before, sizeof before);
	nw_text("SELECT after_json FROM audit_log WHERE action = 'network.status' ORDER BY id DESC",
		after, sizeof after);
	cr_expect_str_eq(before, "{\"status\":\"closing\"}");
	cr_expect_str_eq(after, "{\"status\":\"closed\"}");

	/* A past network is listed under past. */
	nw_get(&a, WHO_VISITOR, "/networks?status=closed", true, "en");
	json_t *j = nw_json(&a);
	cr_expect(
	    json_is_true(json_object_get(json_array_get(json_object_get(j, "items"), 0), "past")));
	json_decref(j);
	answer_free(&a);
}

Test(networks, changes_are_audited_with_the_changed_fields_before_and_after)
{
	int64_t id = nw_create("audited", "climate", "2025-01-01", "country=KE&institutions=SEI");
	char sql[256], text[4096];
	snprintf(sql, sizeof sql,
		 "SELECT after_json FROM audit_log WHERE action = 'network.create' AND object_type "
		 "= 'network' "
		 "AND object_id = '%lld'",
		 (long long)id);
	nw_text(sql, text, sizeof text);
	cr_expect_not_null(strstr(text, "\"slug\":\"audited\""), "%s", text);
	cr_expect_not_null(strstr(text, "\"countries\":[\"KE\"]"), "%s", text);
	cr_expect_not_null(strstr(text, "\"institutions\":[\"SEI\"]"), "%s", text);
	snprintf(
	    sql, sizeof sql,
	    "SELECT COUNT(*) FROM audit_log WHERE action = 'network.create' AND actor_id = %lld",
	    (long long)W.person[WHO_ADMIN]);
	cr_expect_eq(nw_count(sql), 1, "the actor is recorded");

	char path[64], form[1024];
	snprintf(path, sizeof path, "/admin/networks/%lld/edit", (long long)id);
	snprintf(form, sizeof form,
		 "version=1&name_sv=Natverk+audited&name_en=Renamed&slug=audited&theme_id=%lld"
		 "&start_date=2025-01-01&inception_years=1&project_years=3&country=KE&country=UG"
		 "&institutions=SEI",
		 (long long)nw_theme("climate"));
	struct answer a;
	nw_post(&a, WHO_OFFICER, path, form, false, "en");
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	snprintf(sql, sizeof sql,
		 "SELECT before_json FROM audit_log WHERE action = 'network.update' AND object_id "
		 "= '%lld'",
		 (long long)id);
	nw_text(sql, text, sizeof text);
	cr_expect_str_eq(text, "{\"countries\":[\"KE\"],\"name_en\":\"Network audited\"}");
	snprintf(sql, sizeof sql,
		 "SELECT after_json FROM audit_log WHERE action = 'network.update' AND object_id = "
		 "'%lld'",
		 (long long)id);
	nw_text(sql, text, sizeof text);
	cr_expect_str_eq(text, "{\"countries\":[\"KE\",\"UG\"],\"name_en\":\"Renamed\"}");

	/* Saving without a change writes no audit row. */
	form[8] = '2';
	nw_post(&a, WHO_OFFICER, path, form, false, "en");
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	snprintf(
	    sql, sizeof sql,
	    "SELECT COUNT(*) FROM audit_log WHERE action = 'network.update' AND object_id = '%lld'",
	    (long long)id);
	cr_expect_eq(nw_count(sql), 1);
}
