/*
 * test_templates.c - every template renders, in both languages, against its
 * fixture in tests/fixtures/templates/<name>.json in strict mode, so a key
 * a template uses but its fixture lacks fails here (the fixture is the
 * contract between C and the people who restyle pages).  Also checks the
 * escaping rules: raw output only for keys ending in _html.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <string.h>

#include "support.h"
#include "view/i18n.h"
#include "view/view.h"

static void setup(void)
{
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(view_init(test_path("templates"), err, sizeof err), E_OK, "%s", err);
}

static json_t *load_json(const char *rel)
{
	json_error_t jerr;
	json_t *j = json_load_file(test_path(rel), 0, &jerr);
	cr_assert_not_null(j, "%s: %s (line %d)", rel, jerr.text, jerr.line);
	return j;
}

Test(templates, every_template_renders_against_its_fixture, .init = setup)
{
	cr_assert_gt(view_count(), 5);
	json_t *page = load_json("tests/fixtures/templates/_page.json");
	for (size_t i = 0; i < view_count(); i++) {
		const char *name = view_name(i);
		char rel[512];
		snprintf(rel, sizeof rel, "tests/fixtures/templates/%s.json", name);
		json_t *data = load_json(rel);
		json_object_set(data, "page", page);
		for (int l = 0; l < 2; l++) {
			struct buf out;
			buf_init(&out, 0);
			char err[512] = "";
			enum err rc = view_render(i18n_langs[l], name, data, true, &out, err, sizeof err);
			cr_expect_eq(rc, E_OK, "%s (%s): %s", name, i18n_langs[l], err);
			cr_expect_null(strstr(buf_str(&out), "{{"), "%s left a tag unrendered", name);
			buf_free(&out);
		}
		json_decref(data);
	}
	json_decref(page);
}

/* Walks the fixture folder and checks each fixture names a template. */
static void check_fixtures(const char *rel_dir, const char *prefix)
{
	char rel[512];
	snprintf(rel, sizeof rel, "tests/fixtures/templates/%s", rel_dir);
	DIR *dir = opendir(test_path(rel));
	cr_assert_not_null(dir, "%s", rel);
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || e->d_name[0] == '_')
			continue;
		size_t n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
			char name[512];
			snprintf(name, sizeof name, "%s%.*s", prefix, (int)(n - 5), e->d_name);
			bool found = false;
			for (size_t i = 0; i < view_count(); i++)
				found = found || strcmp(view_name(i), name) == 0;
			cr_expect(found, "fixture %s has no template", name);
		} else if (strchr(e->d_name, '.') == NULL) {
			char sub[512], subprefix[512];
			snprintf(sub, sizeof sub, "%s%s/", rel_dir, e->d_name);
			snprintf(subprefix, sizeof subprefix, "%s%s/", prefix, e->d_name);
			check_fixtures(sub, subprefix);
		}
	}
	closedir(dir);
}

Test(templates, every_fixture_has_a_template, .init = setup)
{
	/* Fixtures of deleted templates would hide a broken contract. */
	check_fixtures("", "");
}

Test(templates, escaped_in_html, .init = setup)
{
	json_t *data = load_json("tests/fixtures/templates/organisations/index.json");
	json_object_set_new(data, "page", load_json("tests/fixtures/templates/_page.json"));
	struct buf out;
	buf_init(&out, 0);
	char err[256];
	cr_assert_eq(view_render("sv", "organisations/index", data, true, &out, err, sizeof err), E_OK);
	const char *html = buf_str(&out);
	cr_expect_not_null(strstr(html, "Region &lt;Blekinge&gt; &amp; &quot;co&quot;"));
	cr_expect_not_null(strstr(html, "value=\"göte&#39;borg\""));
	cr_expect_null(strstr(html, "<Blekinge>"));
	cr_expect_not_null(strstr(html, "<html lang=\"sv\">"));
	buf_free(&out);
	json_decref(data);
}

/* Raw output ({{{x}}} or {{&x}}) only for keys that end in _html. */
Test(templates, raw_output_only_for_html_keys)
{
	regex_t re;
	cr_assert_eq(regcomp(&re, "\\{\\{(\\{|&) *([a-zA-Z0-9_.]+)", REG_EXTENDED), 0);
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(view_init(test_path("templates"), err, sizeof err), E_OK, "%s", err);
	for (size_t i = 0; i < view_count(); i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "templates/%s.mustache", view_name(i));
		char *text = test_read_file(test_path(rel), NULL);
		cr_assert_not_null(text, "%s", rel);
		const char *p = text;
		regmatch_t m[3];
		while (regexec(&re, p, 3, m, 0) == 0) {
			int len = (int)(m[2].rm_eo - m[2].rm_so);
			const char *key = p + m[2].rm_so;
			cr_expect(len > 5 && strncmp(key + len - 5, "_html", 5) == 0,
				  "%s: raw output of %.*s", rel, len, key);
			p += m[0].rm_eo;
		}
		free(text);
	}
	regfree(&re);
}

Test(templates, translated_in_swedish, .init = setup)
{
	json_t *data = load_json("tests/fixtures/templates/home.json");
	json_object_set_new(data, "page", load_json("tests/fixtures/templates/_page.json"));
	struct buf sv, en;
	buf_init(&sv, 0);
	buf_init(&en, 0);
	char err[256];
	cr_assert_eq(view_render("sv", "home", data, true, &sv, err, sizeof err), E_OK);
	cr_assert_eq(view_render("en", "home", data, true, &en, err, sizeof err), E_OK);
	cr_expect_not_null(strstr(buf_str(&sv), "Hoppa till huvudinnehållet"));
	cr_expect_not_null(strstr(buf_str(&en), "Skip to main content"));
	buf_free(&sv);
	buf_free(&en);
	json_decref(data);
}
