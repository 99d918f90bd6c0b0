/*
 * test_countries.c - countries and effective-dated eligibility, in-process.
 */
#include "pages_support.h"

TestSuite(countries, .init = pages_setup, .fini = pages_teardown);

Test(countries, every_country_in_both_languages)
{
	struct call c;
	call(&c, "/countries?per_page=200", true, "sv");
	cr_expect_eq(model_int(&c, "total"), 250, "iso-codes' 249 and Kosovo");
	call_free(&c);

	call(&c, "/countries?q=ukraina", true, "sv");
	cr_expect_str_eq(item_names(&c, "name"), "Ukraina");
	call_free(&c);
	call(&c, "/countries?q=ukraine", true, "en");
	cr_expect_str_eq(item_names(&c, "name"), "Ukraine", "English names are searchable too");
	call_free(&c);
	call(&c, "/countries?q=tanzania", true, "en");
	cr_expect_str_eq(item_names(&c, "name"), "Tanzania", "common names, not the formal ones");
	call_free(&c);
}

Test(countries, eligibility_by_date)
{
	struct call c;
	call(&c, "/countries?eligible=1&per_page=200", true, "en");
	cr_expect_str_eq(item_names(&c, "iso2"), "BA|BW|CO|GT|KE|XK|RS|ZA|TZ|UG|UA|ZM|ZW");
	call_free(&c);

	call(&c, "/countries?eligible=1&date=2019-06-01&per_page=200", true, "en");
	cr_expect_eq(model_int(&c, "total"), 21, "the 21 countries before 2020");
	call_free(&c);

	call(&c, "/countries?eligible=1&date=2021-06-01&per_page=200", true, "en");
	cr_expect_eq(model_int(&c, "total"), 19, "Belarus and India removed in 2020");
	call_free(&c);

	call(&c, "/countries?cluster=east_africa&eligible=1", true, "sv");
	cr_expect_str_eq(item_names(&c, "iso2"), "KE|TZ|UG");
	call_free(&c);

	call(&c, "/countries?date=2023-02-30", true, "en");
	cr_expect_eq(c.resp.status, 400);
	call_free(&c);
}

Test(countries, one_country_with_history)
{
	struct call c;
	call(&c, "/countries/ke", true, "sv");
	cr_assert_eq(c.resp.status, 200);
	cr_expect_str_eq(json_string_value(json_object_get(c.model, "iso2")), "KE");
	cr_expect(json_is_true(json_object_get(c.model, "eligible")));
	json_t *hist = json_object_get(c.model, "eligibility");
	cr_assert_eq(json_array_size(hist), 3);
	json_t *now = json_array_get(hist, 0);
	cr_expect_str_eq(json_string_value(json_object_get(now, "valid_from")), "2023-01-01");
	cr_expect(json_is_null(json_object_get(now, "valid_to")));
	cr_expect(json_is_true(json_object_get(now, "current")));
	cr_expect_str_eq(json_string_value(json_object_get(now, "cluster_name")), "Östafrika");
	call_free(&c);

	call(&c, "/countries/IN", true, "en");
	cr_expect(json_is_false(json_object_get(c.model, "eligible")));
	cr_expect_eq(json_array_size(json_object_get(c.model, "eligibility")), 1);
	call_free(&c);

	call(&c, "/countries/SE", false, "sv");
	cr_expect_not_null(strstr(buf_str(&c.resp.body), "Sverige"));
	cr_expect_not_null(strstr(buf_str(&c.resp.body), "aldrig varit partnerland"));
	call_free(&c);

	call(&c, "/countries/QQ", true, "sv");
	cr_expect_eq(c.resp.status, 404);
	call_free(&c);
	call(&c, "/countries/SWE", true, "sv");
	cr_expect_eq(c.resp.status, 404);
	call_free(&c);
}
