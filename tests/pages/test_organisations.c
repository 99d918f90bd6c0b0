/*
 * test_organisations.c - the directory's handlers, in-process, on SQLite or
 * PostgreSQL (NATVERK_TEST_DB), asserting on the view model.
 */
#include "pages_support.h"

TestSuite(organisations, .init = pages_setup, .fini = pages_teardown);

Test(organisations, totals_by_kind)
{
	struct call c;
	call(&c, "/organisations?kind=municipality", true, "sv");
	cr_expect_eq(c.resp.status, 200);
	cr_expect_eq(model_int(&c, "total"), 290);
	cr_expect_eq(model_int(&c, "page"), 1);
	cr_expect_eq(model_int(&c, "per_page"), 50);
	cr_expect_eq(json_array_size(json_object_get(c.model, "items")), 50);
	call_free(&c);

	call(&c, "/organisations?kind=region", true, "sv");
	cr_expect_eq(model_int(&c, "total"), 21);
	call_free(&c);

	call(&c, "/organisations", true, "sv");
	cr_expect_eq(model_int(&c, "total"), 311);
	json_t *first = json_array_get(json_object_get(c.model, "items"), 0);
	const char *keys[] = {"id", "name", "kind", "code", "county_code", "population"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		cr_expect_not_null(json_object_get(first, keys[i]), "item has %s", keys[i]);
	call_free(&c);
}

Test(organisations, search_ignores_case_and_diacritics)
{
	static const char *cases[][2] = {
		{"goteborg", "Göteborg"},
		{"G%C3%96TEBORG", "Göteborg"},
		{"G%C3%B6teborg", "Göteborg"},
		{"malmo", "Malmö"},
		{"are", "Gällivare|Åre"},
		{"upplands+v", "Upplands Väsby"},
		{"upplands+bro", "Upplands-Bro"},
		{"UPPLANDS-BRO", "Upplands-Bro"},
		{"100%25", ""},
		{"a_b", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char target[128];
		snprintf(target, sizeof target, "/organisations?kind=municipality&q=%s", cases[i][0]);
		struct call c;
		call(&c, target, true, "sv");
		cr_expect_str_eq(item_names(&c, "name"), cases[i][1], "q=%s", cases[i][0]);
		call_free(&c);
	}
}

Test(organisations, filters_sorting_and_pages)
{
	struct call c;
	call(&c, "/organisations?county=09", true, "sv");
	cr_expect_str_eq(item_names(&c, "name"), "Gotland|Region Gotland");
	call_free(&c);

	call(&c, "/organisations?kind=municipality&sort=-population&per_page=3", true, "sv");
	cr_expect_str_eq(item_names(&c, "name"), "Stockholm|Göteborg|Malmö");
	call_free(&c);

	call(&c, "/organisations?kind=municipality&sort=-name&per_page=3", true, "sv");
	cr_expect_str_eq(item_names(&c, "name"), "Övertorneå|Överkalix|Östra Göinge");
	call_free(&c);

	call(&c, "/organisations?kind=municipality&per_page=200&page=2", true, "sv");
	cr_expect_eq(json_array_size(json_object_get(c.model, "items")), 90);
	cr_expect_eq(model_int(&c, "total"), 290);
	call_free(&c);

	call(&c, "/organisations?kind=municipality&page=99", true, "sv");
	cr_expect_eq(json_array_size(json_object_get(c.model, "items")), 0);
	cr_expect_eq(model_int(&c, "total"), 290, "the total is right past the last page");
	call_free(&c);

	call(&c, "/organisations?country=KE", true, "sv");
	cr_expect_eq(model_int(&c, "total"), 0);
	call_free(&c);
}

Test(organisations, bad_parameters_answer_400_naming_them)
{
	static const char *cases[][2] = {
		{"page=-1", "page"},	  {"page=0", "page"},	    {"per_page=100000", "per_page"},
		{"kind=xyz", "kind"},	  {"sort=evil", "sort"},    {"county=1", "county"},
		{"country=swe", "country"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char target[128];
		snprintf(target, sizeof target, "/organisations?%s&unknown=ignored", cases[i][0]);
		struct call c;
		call(&c, target, true, "en");
		cr_expect_eq(c.resp.status, 400, "%s", target);
		json_t *err = json_object_get(c.model, "error");
		cr_expect_str_eq(json_string_value(json_object_get(err, "code")), "invalid");
		cr_expect_not_null(json_object_get(json_object_get(err, "fields"), cases[i][1]),
				   "%s names %s", target, cases[i][1]);
		call_free(&c);

		call(&c, target, false, "en");
		cr_expect_eq(c.resp.status, 400);
		cr_expect_not_null(strstr(buf_str(&c.resp.body), cases[i][1]), "the page names it");
		cr_expect_not_null(strstr(buf_str(&c.resp.body), "Some search parameters are not valid."));
		cr_expect_not_null(strstr(buf_str(&c.resp.body), "<form class=\"filters\""),
				   "the form again, to correct");
		call_free(&c);
	}
}

Test(organisations, bad_search_keeps_what_was_typed)
{
	struct call c;
	call(&c, "/organisations?q=G%C3%B6teborg&page=0", false, "sv");
	cr_expect_eq(c.resp.status, 400);
	const char *html = buf_str(&c.resp.body);
	cr_expect_not_null(strstr(html, "value=\"Göteborg\""), "the search is refilled");
	cr_expect_not_null(strstr(html, "page: måste vara ett heltal"), "the summary names the parameter");
	call_free(&c);
}

Test(organisations, one_organisation)
{
	struct call c;
	call(&c, "/organisations?q=goteborg", true, "sv");
	json_int_t id = json_integer_value(
		json_object_get(json_array_get(json_object_get(c.model, "items"), 0), "id"));
	call_free(&c);

	char target[64];
	snprintf(target, sizeof target, "/organisations/%lld", (long long)id);
	call(&c, target, true, "en");
	cr_assert_eq(c.resp.status, 200);
	cr_expect_str_eq(json_string_value(json_object_get(c.model, "code")), "1480");
	cr_expect_str_eq(json_string_value(json_object_get(c.model, "county_name")),
			 "Västra Götalands län");
	cr_expect_str_eq(json_string_value(json_object_get(c.model, "country_name")), "Sweden");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(c.model, "region"), "name")),
			 "Västra Götalandsregionen");
	cr_expect_gt(model_int(&c, "population"), 500000);
	cr_expect_eq(model_int(&c, "population_year"), 2025);
	call_free(&c);

	call(&c, target, false, "sv");
	cr_expect_not_null(strstr(buf_str(&c.resp.body), "Västra Götalandsregionen"));
	call_free(&c);

	call(&c, "/organisations/999999", true, "sv");
	cr_expect_eq(c.resp.status, 404);
	call_free(&c);
	call(&c, "/organisations/abc", false, "en");
	cr_expect_eq(c.resp.status, 404);
	cr_expect_not_null(strstr(buf_str(&c.resp.body), "Page not found"));
	call_free(&c);
}

Test(organisations, html_in_both_languages)
{
	struct call c;
	call(&c, "/organisations?q=goteborg", false, "sv");
	const char *html = buf_str(&c.resp.body);
	cr_expect_not_null(strstr(html, "<html lang=\"sv\">"));
	cr_expect_not_null(strstr(html, "Visar 1–1 av 1 organisation"));
	cr_expect_not_null(strstr(html, "value=\"goteborg\""));
	call_free(&c);

	call(&c, "/organisations?kind=municipality&sort=-population&per_page=1", false, "en");
	html = buf_str(&c.resp.body);
	cr_expect_not_null(strstr(html, "<html lang=\"en\">"));
	cr_expect_not_null(strstr(html, "Showing 1–1 of 290 organisations"));
	cr_expect_not_null(strstr(html, "rel=\"next\""), "a pager");
	cr_expect_not_null(strstr(html, "page=2"));
	call_free(&c);
}
