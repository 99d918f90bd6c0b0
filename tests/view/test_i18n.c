/*
 * test_i18n.c - per-thread languages: two threads render Swedish and
 * English pages at the same time and each gets its own language; number
 * and date formatting per language.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "pages/common.h"
#include "pages/organisations.h"
#include "routes.h"
#include "support.h"
#include "view/fmt.h"
#include "view/i18n.h"
#include "view/view.h"

#define ROUNDS 200

struct worker {
	const char *lang;     /* language to render in */
	const char *db_url;   /* shared database, own connection */
	const char *expect;   /* text that must appear */
	const char *forbid;   /* text that must not */
	int good;	      /* renders that were right */
	char failure[512];    /* first failure */
};

static const struct route *find_route(const char *name)
{
	const struct server_app *app = routes_app();
	for (size_t i = 0; i < app->nroutes; i++)
		if (strcmp(app->routes[i].name, name) == 0)
			return &app->routes[i];
	return NULL;
}

static void *render_loop(void *arg)
{
	struct worker *w = arg;
	struct db *db;
	char err[DB_ERRLEN];
	if (db_open(w->db_url, &db, err, sizeof err) != E_OK) {
		snprintf(w->failure, sizeof w->failure, "open: %s", err);
		return NULL;
	}
	char cookie[32];
	snprintf(cookie, sizeof cookie, "Cookie: lang=%s", w->lang);
	const char *headers[] = {cookie, NULL};
	for (int i = 0; i < ROUNDS; i++) {
		struct req *req = req_new_test("GET", "/organisations?q=g", headers);
		req->db = db;
		req->route = find_route("organisations_index");
		struct resp resp;
		resp_init(&resp);
		pages_handle(req, &resp);
		const char *html = buf_str(&resp.body);
		char lang_attr[32];
		snprintf(lang_attr, sizeof lang_attr, "<html lang=\"%s\">", w->lang);
		if (resp.status == 200 && strstr(html, lang_attr) != NULL &&
		    strstr(html, w->expect) != NULL && strstr(html, w->forbid) == NULL)
			w->good++;
		else if (w->failure[0] == '\0')
			snprintf(w->failure, sizeof w->failure, "round %d: status %d", i, resp.status);
		resp_free(&resp);
		arena_free(req->arena);
	}
	db_close(db);
	return NULL;
}

Test(i18n, two_languages_on_two_threads_at_once)
{
	char err[512];
	struct db *db = test_db_reference();
	db_close(db);
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(view_init(test_path("templates"), err, sizeof err), E_OK, "%s", err);
	struct worker sv = {"sv", test_db_url(), "Sortera efter", "Sort by", 0, ""};
	struct worker en = {"en", test_db_url(), "Sort by", "Sortera efter", 0, ""};
	pthread_t a, b;
	pthread_create(&a, NULL, render_loop, &sv);
	pthread_create(&b, NULL, render_loop, &en);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	cr_expect_eq(sv.good, ROUNDS, "Swedish: %s", sv.failure);
	cr_expect_eq(en.good, ROUNDS, "English: %s", en.failure);
}

Test(i18n, numbers_and_dates)
{
	struct arena *a = arena_new();
	cr_expect_str_eq(fmt_int(a, "sv", 10605520), "10\xC2\xA0" "605\xC2\xA0" "520");
	cr_expect_str_eq(fmt_int(a, "en", 10605520), "10,605,520");
	cr_expect_str_eq(fmt_int(a, "en", -1234), "-1,234");
	cr_expect_str_eq(fmt_int(a, "en", 999), "999");
	cr_expect_str_eq(fmt_int(a, "sv", 0), "0");
	cr_expect_str_eq(fmt_int(a, "en", INT64_MIN), "-9,223,372,036,854,775,808");
	cr_expect_str_eq(fmt_decimal(a, "sv", 7.46, 1), "7,5");
	cr_expect_str_eq(fmt_decimal(a, "en", 1234.5, 2), "1,234.50");
	cr_expect_str_eq(fmt_decimal(a, "sv", -0.04, 1), "0,0", "no minus zero");
	cr_expect_str_eq(fmt_decimal(a, "en", -2.25, 1), "-2.3");
	cr_expect_str_eq(fmt_decimal(a, "en", 3, 0), "3");
	cr_expect_str_eq(fmt_decimal(a, "en", 1.0 / 0.0, 1), "?");
	cr_expect_str_eq(fmt_date(a, "sv", "2025-12-31"), "2025-12-31");
	cr_expect_str_eq(fmt_date(a, "en", "2025-12-31"), "31 December 2025");
	cr_expect_str_eq(fmt_date(a, "en", "2025-01-05"), "5 January 2025");
	cr_expect_str_eq(fmt_date(a, "en", "not a date"), "not a date");
	arena_free(a);
}

Test(i18n, numbers_in_printf_stay_c_under_swedish)
{
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	i18n_use("sv");
	char out[32];
	snprintf(out, sizeof out, "%.3f %g", 0.136, 0.0005);
	i18n_use("en");
	cr_expect_str_eq(out, "0.136 0.0005", "logs, metrics and JSON need a decimal point");
}

Test(i18n, country_names_from_iso_codes)
{
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_expect_str_eq(i18n_country_name("sv", "Sweden"), "Sverige");
	cr_expect_str_eq(i18n_country_name("sv", "Ukraine"), "Ukraina");
	cr_expect_str_eq(i18n_country_name("en", "Ukraine"), "Ukraine");
}
