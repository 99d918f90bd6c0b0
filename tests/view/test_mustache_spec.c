/*
 * test_mustache_spec.c - the Mustache engine against the official spec and
 * against the promises mustache.h adds to it.
 *
 * Every file of tests/mustache-spec that the engine implements (all but the
 * optional ~lambdas and ~dynamic-names) is one test that runs all its cases
 * and reports each failing case by name with the expected and actual text.
 * The targeted tests cover strict mode, the "_" translation extension,
 * escaping, parse errors with line numbers, the depth limit, numbers,
 * section truthiness and rendering one template from several threads.
 *
 * The spec folder is found under NATVERK_ROOT (set by meson test), else
 * under the source root compiled into config.h.  All helpers are static:
 * this file is linked with the other view tests into one program.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include("config.h")
#include "config.h"
#endif
#endif
#ifndef NATVERK_SOURCE_ROOT
#define NATVERK_SOURCE_ROOT "/work/main"
#endif

#include "util/buf.h"
#include "util/str.h"
#include "view/mustache.h"

#define SPEC_MAX_PARTIALS 16
#define SPEC_ERRLEN       256

/* Named templates handed to the engine through the partial callback. */
struct spec_partials {
	const char *names[SPEC_MAX_PARTIALS];      /* borrowed from the JSON */
	struct mustache *tmpls[SPEC_MAX_PARTIALS]; /* owned */
	size_t n;                                  /* entries in use */
};

static const struct mustache *spec_partial(void *ctx, const char *name)
{
	const struct spec_partials *ps = ctx;
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->names[i], name) == 0)
			return ps->tmpls[i];
	return NULL;
}

static void spec_partials_free(struct spec_partials *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		mustache_free(ps->tmpls[i]);
	ps->n = 0;
}

static const char *spec_root(void)
{
	const char *root = getenv("NATVERK_ROOT");
	return root != NULL && root[0] != '\0' ? root : NATVERK_SOURCE_ROOT;
}

/* s as a JSON string literal, so that failures show newlines and blanks. */
static char *spec_quote(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	str_json_quote(&b, s, len);
	char *q = buf_steal(&b, NULL);
	return q != NULL ? q : strdup("\"\"");
}

/* Parses every partial of a case; false (with a message) on a parse error. */
static bool spec_load_partials(json_t *partials, struct spec_partials *ps, char *err, size_t errlen)
{
	const char *key;
	json_t *val;
	json_object_foreach(partials, key, val) {
		cr_assert_lt(ps->n, SPEC_MAX_PARTIALS, "too many partials");
		struct mustache *t;
		enum err rc = mustache_parse(key, json_string_value(val), json_string_length(val),
					     NULL, &t, err, errlen);
		if (rc != E_OK)
			return false;
		ps->names[ps->n] = key;
		ps->tmpls[ps->n++] = t;
	}
	return true;
}

/* Runs one case of a spec file; reports and returns false when it fails. */
static bool spec_case(const char *file, json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	json_t *tmpl = json_object_get(tc, "template");
	json_t *expected = json_object_get(tc, "expected");
	struct spec_partials ps = {.n = 0};
	struct mustache *t = NULL;
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	enum err rc = E_INVALID;
	if (spec_load_partials(json_object_get(tc, "partials"), &ps, err, sizeof(err)))
		rc = mustache_parse(name, json_string_value(tmpl), json_string_length(tmpl), NULL,
				    &t, err, sizeof(err));
	if (rc == E_OK) {
		struct mustache_render_opts opts = {spec_partial, &ps, false, false};
		rc = mustache_render(t, json_object_get(tc, "data"), &opts, &out, err, sizeof(err));
	}
	bool ok = rc == E_OK && out.len == json_string_length(expected) &&
		  memcmp(buf_str(&out), json_string_value(expected), out.len) == 0;
	char *qt = spec_quote(json_string_value(tmpl), json_string_length(tmpl));
	char *qe = spec_quote(json_string_value(expected), json_string_length(expected));
	char *qa = spec_quote(buf_str(&out), out.len);
	cr_expect(ok, "%s: \"%s\" fails%s%s\n  template: %s\n  expected: %s\n  actual:   %s", file,
		  name, rc != E_OK ? ": " : "", rc != E_OK ? err : "", qt, qe, qa);
	free(qt);
	free(qe);
	free(qa);
	buf_free(&out);
	mustache_free(t);
	spec_partials_free(&ps);
	return ok;
}

/* Runs every case of tests/mustache-spec/<file>; all must pass. */
static void spec_file(const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/mustache-spec/%s", spec_root(), file);
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	cr_assert_not_null(doc, "cannot load %s: %s", path, jerr.text);
	json_t *cases = json_object_get(doc, "tests");
	cr_assert(json_array_size(cases) > 0, "%s has no test cases", path);
	size_t failed = 0, i;
	json_t *tc;
	json_array_foreach(cases, i, tc) {
		if (!spec_case(file, tc))
			failed++;
	}
	size_t total = json_array_size(cases);
	json_decref(doc);
	cr_log_info("%s: %zu of %zu cases pass", file, total - failed, total);
	cr_assert_eq(failed, 0, "%s: %zu of %zu cases fail", file, failed, total);
}

Test(mustache_spec, comments)
{
	spec_file("comments.json");
}

Test(mustache_spec, delimiters)
{
	spec_file("delimiters.json");
}

Test(mustache_spec, interpolation)
{
	spec_file("interpolation.json");
}

Test(mustache_spec, inverted)
{
	spec_file("inverted.json");
}

Test(mustache_spec, partials)
{
	spec_file("partials.json");
}

Test(mustache_spec, sections)
{
	spec_file("sections.json");
}

Test(mustache_spec, inheritance)
{
	spec_file("~inheritance.json");
}

/* ------------------------------------------------------- targeted tests */

/* Parses src (failing the test on error), renders it against the JSON text
 * data and returns the status; the output is left in out. */
static enum err mst_render(const char *name, const char *src, const char *data,
			   const struct mustache_render_opts *opts, struct buf *out, char *err,
			   size_t errlen)
{
	struct mustache *t;
	enum err rc = mustache_parse(name, src, strlen(src), NULL, &t, err, errlen);
	cr_assert_eq(rc, E_OK, "parse of %s failed: %s", src, err);
	json_error_t jerr;
	json_t *j = json_loads(data, JSON_DECODE_ANY, &jerr);
	cr_assert_not_null(j, "bad test JSON %s: %s", data, jerr.text);
	rc = mustache_render(t, j, opts, out, err, errlen);
	json_decref(j);
	mustache_free(t);
	return rc;
}

/* Renders in strict mode and expects success with the given output. */
static void expect_strict_ok(const char *src, const char *data, const char *want)
{
	struct mustache_render_opts opts = {NULL, NULL, true, false};
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	enum err rc = mst_render("strict.mustache", src, data, &opts, &out, err, sizeof(err));
	cr_expect_eq(rc, E_OK, "%s with %s: %s", src, data, err);
	cr_expect_str_eq(buf_str(&out), want, "%s with %s", src, data);
	buf_free(&out);
}

/* Renders in strict mode and expects E_NOTFOUND naming key. */
static void expect_strict_missing(const char *src, const char *data, const char *key)
{
	struct mustache_render_opts opts = {NULL, NULL, true, false};
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "", want[SPEC_ERRLEN];
	enum err rc = mst_render("strict.mustache", src, data, &opts, &out, err, sizeof(err));
	snprintf(want, sizeof(want), "strict.mustache: missing key '%s'", key);
	cr_expect_eq(rc, E_NOTFOUND, "%s with %s should fail", src, data);
	cr_expect_str_eq(err, want, "%s with %s", src, data);
	buf_free(&out);
}

Test(mustache, strict_missing_keys_fail_with_their_name)
{
	expect_strict_missing("{{a.b}}", "{\"a\": {}}", "a.b");
	expect_strict_missing("{{a.b}}", "{}", "a.b");
	expect_strict_missing("x {{title}} y", "{\"name\": 1}", "title");
	expect_strict_missing("{{#items}}x{{/items}}", "{}", "items");
	expect_strict_missing("{{^items}}x{{/items}}", "{}", "items");
	expect_strict_missing("{{#a}}{{b.c}}{{/a}}", "{\"a\": {\"b\": 1}, \"x\": 2}", "b.c");
}

Test(mustache, strict_accepts_null_false_and_the_implicit_iterator)
{
	expect_strict_ok("[{{x}}]{{#x}}no{{/x}}{{^x}}yes{{/x}}", "{\"x\": null}", "[]yes");
	expect_strict_ok("[{{x}}]{{#x}}no{{/x}}{{^x}}yes{{/x}}", "{\"x\": false}", "[]yes");
	expect_strict_ok("{{#list}}({{.}}){{/list}}", "{\"list\": [1, \"a\"]}", "(1)(a)");
	expect_strict_ok("{{#a}}{{b}}{{/a}}", "{\"a\": {\"c\": 1}, \"b\": \"up\"}", "up");
	expect_strict_ok("{{.}}", "null", "");
}

Test(mustache, strict_names_the_partial_with_the_missing_key)
{
	struct mustache *page, *row;
	char err[SPEC_ERRLEN] = "";
	cr_assert_eq(mustache_parse("page", "<p>{{>row}}</p>", 15, NULL, &page, err, sizeof(err)),
		     E_OK);
	cr_assert_eq(mustache_parse("row", "{{cell}}", 8, NULL, &row, err, sizeof(err)), E_OK);
	struct spec_partials ps = {.names = {"row"}, .tmpls = {row}, .n = 1};
	struct mustache_render_opts opts = {spec_partial, &ps, true, false};
	struct buf out = BUF_INIT;
	json_t *data = json_object();
	cr_expect_eq(mustache_render(page, data, &opts, &out, err, sizeof(err)), E_NOTFOUND);
	cr_expect_str_eq(err, "row: missing key 'cell'");
	json_decref(data);
	buf_free(&out);
	mustache_free(page);
	spec_partials_free(&ps);
}

Test(mustache, non_strict_missing_keys_render_empty)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	cr_expect_eq(mst_render("t", "[{{a.b}}{{#c}}x{{/c}}]", "{}", NULL, &out, err, sizeof(err)),
		     E_OK);
	cr_expect_str_eq(buf_str(&out), "[]");
	buf_free(&out);
}

/* A fake catalogue: English msgids to Swedish, remembering what it saw. */
struct tr_log {
	char last[64]; /* the last msgid asked for */
	int calls;     /* how many times translate ran */
};

static const char *tr_sv(void *ctx, const char *msgid)
{
	struct tr_log *log = ctx;
	log->calls++;
	snprintf(log->last, sizeof(log->last), "%s", msgid);
	if (strcmp(msgid, "Search") == 0)
		return "Sök";
	if (strcmp(msgid, "Hello, {{name}}!") == 0)
		return "Hej, {{name}}!";
	if (strcmp(msgid, "{{count}} partners") == 0)
		return "{{#count}}{{count}} partner{{/count}}";
	return NULL;
}

/* Parses src with the Swedish translator and renders it against data. */
static void expect_translated(const char *src, const char *data, const char *want)
{
	struct tr_log log = {"", 0};
	struct mustache_parse_opts popts = {tr_sv, &log};
	struct mustache *t;
	char err[SPEC_ERRLEN] = "";
	cr_assert_eq(mustache_parse("i18n", src, strlen(src), &popts, &t, err, sizeof(err)), E_OK,
		     "%s: %s", src, err);
	int calls = log.calls;
	json_t *j = json_loads(data, 0, NULL);
	struct buf out = BUF_INIT;
	cr_expect_eq(mustache_render(t, j, NULL, &out, err, sizeof(err)), E_OK, "%s", err);
	cr_expect_str_eq(buf_str(&out), want, "%s", src);
	/* Translation happens once, at parse time, never while rendering. */
	cr_expect_eq(log.calls, calls);
	json_decref(j);
	buf_free(&out);
	mustache_free(t);
}

Test(mustache, translate_replaces_underscore_sections_at_parse_time)
{
	expect_translated("<button>{{#_}}Search{{/_}}</button>", "{}", "<button>Sök</button>");
	expect_translated("{{#_}}Hello, {{name}}!{{/_}}", "{\"name\": \"<Åsa>\"}",
			  "Hej, &lt;Åsa&gt;!");
	expect_translated("{{#_}}{{count}} partners{{/_}}.", "{\"count\": 3}", "3 partner.");
	expect_translated("{{#_}}Untranslated{{/_}}", "{}", "Untranslated");
	expect_translated("{{=<% %>=}}<%#_%>Search<%/_%> <%x%>", "{\"x\": 1}", "Sök 1");
	expect_translated("{{# _ }}Search{{/ _ }}", "{}", "Sök");
}

Test(mustache, translate_gets_the_raw_text)
{
	struct tr_log log = {"", 0};
	struct mustache_parse_opts popts = {tr_sv, &log};
	struct mustache *t;
	char err[SPEC_ERRLEN] = "";
	const char *src = "a {{#_}}Hello, {{name}}!{{/_}} b";
	cr_assert_eq(mustache_parse("i18n", src, strlen(src), &popts, &t, err, sizeof(err)), E_OK);
	cr_expect_eq(log.calls, 1);
	cr_expect_str_eq(log.last, "Hello, {{name}}!");
	mustache_free(t);
	const char *open = "line\n{{#_}}Search";
	cr_expect_eq(mustache_parse("i18n", open, strlen(open), &popts, &t, err, sizeof(err)),
		     E_INVALID);
	cr_expect(strstr(err, "i18n:2:") != NULL, "%s", err);
	cr_expect_null(t);
}

Test(mustache, underscore_is_an_ordinary_section_without_translate)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	cr_expect_eq(
	    mst_render("t", "[{{#_}}Search{{/_}}]", "{\"_\": true}", NULL, &out, err, sizeof(err)),
	    E_OK);
	cr_expect_str_eq(buf_str(&out), "[Search]");
	buf_reset(&out);
	cr_expect_eq(mst_render("t", "[{{#_}}Search{{/_}}]", "{}", NULL, &out, err, sizeof(err)),
		     E_OK);
	cr_expect_str_eq(buf_str(&out), "[]");
	buf_free(&out);
}

Test(mustache, escapes_all_five_characters)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	cr_expect_eq(mst_render("t", "{{x}}|{{{x}}}|{{&x}}", "{\"x\": \"a&b<c>d\\\"e'f\"}", NULL,
				&out, err, sizeof(err)),
		     E_OK);
	cr_expect_str_eq(buf_str(&out), "a&amp;b&lt;c&gt;d&quot;e&#39;f|a&b<c>d\"e'f|a&b<c>d\"e'f");
	buf_free(&out);
}

/* Expects src to fail parsing with E_INVALID and a message containing both
 * the "name:line:" prefix and the given words. */
static void expect_parse_error(const char *src, unsigned line, const char *words)
{
	struct mustache *t = (struct mustache *)1;
	char err[SPEC_ERRLEN] = "", prefix[32];
	enum err rc = mustache_parse("bad.mustache", src, strlen(src), NULL, &t, err, sizeof(err));
	snprintf(prefix, sizeof(prefix), "bad.mustache:%u: ", line);
	cr_expect_eq(rc, E_INVALID, "%s should not parse", src);
	cr_expect_null(t, "%s", src);
	cr_expect(strncmp(err, prefix, strlen(prefix)) == 0, "%s: message '%s' lacks '%s'", src,
		  err, prefix);
	cr_expect(strstr(err, words) != NULL, "%s: message '%s' lacks '%s'", src, err, words);
}

Test(mustache, parse_errors_give_the_line)
{
	expect_parse_error("a\nb\n{{#items}}\nc\n", 3, "unclosed section 'items'");
	expect_parse_error("{{#a}}\n{{#b}}\n{{/a}}\n", 3, "does not match 'b' opened at line 2");
	expect_parse_error("x\n{{/a}}", 2, "without an opening tag");
	expect_parse_error("ok\n\nthen {{broken", 3, "unclosed tag");
	expect_parse_error("{{a b}}", 1, "bad tag name 'a b'");
	expect_parse_error("{{a..b}}", 1, "bad tag name");
	expect_parse_error("{{#}}{{/}}", 1, "bad tag name");
	expect_parse_error("\n{{=<% =}}", 2, "bad delimiters");
	expect_parse_error("{{<layout}}\n{{$main}}x{{/layout}}", 2, "does not match");
}

Test(mustache, sections_nested_too_deep_do_not_parse)
{
	struct buf src = BUF_INIT;
	for (int i = 0; i <= MUSTACHE_MAX_DEPTH; i++)
		buf_puts(&src, "{{#a}}");
	for (int i = 0; i <= MUSTACHE_MAX_DEPTH; i++)
		buf_puts(&src, "{{/a}}");
	struct mustache *t;
	char err[SPEC_ERRLEN] = "";
	cr_expect_eq(mustache_parse("deep", src.data, src.len, NULL, &t, err, sizeof(err)),
		     E_INVALID);
	cr_expect(strstr(err, "nested deeper") != NULL, "%s", err);
	buf_free(&src);
}

/* Renders template "main" with the given partials and returns the status. */
static enum err render_with_partials(const char *main_src, const char **names, const char **srcs,
				     size_t n, struct buf *out, char *err, size_t errlen)
{
	struct spec_partials ps = {.n = 0};
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(mustache_parse(names[i], srcs[i], strlen(srcs[i]), NULL, &ps.tmpls[i],
					    err, errlen),
			     E_OK);
		ps.names[i] = names[i];
		ps.n++;
	}
	struct mustache *t;
	cr_assert_eq(mustache_parse("main", main_src, strlen(main_src), NULL, &t, err, errlen),
		     E_OK);
	struct mustache_render_opts opts = {spec_partial, &ps, false, false};
	json_t *data = json_pack("{s:[i,i]}", "list", 1, 2);
	enum err rc = mustache_render(t, data, &opts, out, err, errlen);
	json_decref(data);
	mustache_free(t);
	spec_partials_free(&ps);
	return rc;
}

Test(mustache, self_including_partials_stop_at_the_depth_limit)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	const char *names[] = {"self", "a", "b"};
	const char *srcs[] = {"x{{>self}}", "{{#list}}{{>b}}{{/list}}", "  {{>a}}\n"};
	cr_expect_eq(render_with_partials("{{>self}}", names, srcs, 3, &out, err, sizeof(err)),
		     E_INVALID);
	cr_expect(strstr(err, "self: nesting deeper than") != NULL, "%s", err);
	buf_reset(&out);
	cr_expect_eq(render_with_partials("{{>a}}", names, srcs, 3, &out, err, sizeof(err)),
		     E_INVALID);
	buf_reset(&out);
	cr_expect_eq(
	    render_with_partials("{{<self}}{{/self}}", names, srcs, 3, &out, err, sizeof(err)),
	    E_INVALID);
	buf_free(&out);
}

/* Renders {{n}} with n parsed from the JSON text json. */
static void expect_number(const char *json, const char *want)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "", data[128];
	snprintf(data, sizeof(data), "{\"n\": %s}", json);
	cr_expect_eq(mst_render("num", "{{n}}", data, NULL, &out, err, sizeof(err)), E_OK);
	cr_expect_str_eq(buf_str(&out), want, "%s", json);
	buf_free(&out);
}

Test(mustache, numbers_render_in_their_shortest_form)
{
	expect_number("85", "85");
	expect_number("0", "0");
	expect_number("-7", "-7");
	expect_number("1.21", "1.21");
	expect_number("-0.5", "-0.5");
	expect_number("0.1", "0.1");
	expect_number("2.5e-3", "0.0025");
	expect_number("0.30000000000000004", "0.30000000000000004");
	expect_number("9007199254740993", "9007199254740993");
	expect_number("9223372036854775807", "9223372036854775807");
	expect_number("-9223372036854775808", "-9223372036854775808");
	expect_number("3.0", "3");
	expect_number("123456.789", "123456.789");
	expect_number("0.00001", "0.00001");
	expect_number("1e-7", "1e-07");
	expect_number("1234567890.123456", "1234567890.123456");
	expect_number("1e21", "1e+21");
}

Test(mustache, numbers_ignore_the_locale)
{
	/* Swedish writes 1,21; a page attribute or a data-* value must not. */
	if (setlocale(LC_NUMERIC, "sv_SE.UTF-8") == NULL &&
	    setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL)
		cr_skip_test("no locale with a decimal comma installed");
	expect_number("1.21", "1.21");
	expect_number("0.30000000000000004", "0.30000000000000004");
	setlocale(LC_NUMERIC, "C");
}

Test(mustache, section_truthiness)
{
	static const struct {
		const char *data; /* the value of x */
		const char *want; /* output of the template below */
	} cases[] = {
	    {"true", "yes"}, {"false", "no"},  {"null", "no"}, {"0", "yes"},   {"1.5", "yes"},
	    {"\"\"", "no"},  {"\"a\"", "yes"}, {"[]", "no"},   {"[0]", "yes"}, {"{}", "yes"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		char err[SPEC_ERRLEN] = "", data[64];
		snprintf(data, sizeof(data), "{\"x\": %s}", cases[i].data);
		cr_expect_eq(mst_render("t", "{{#x}}yes{{/x}}{{^x}}no{{/x}}", data, NULL, &out, err,
					sizeof(err)),
			     E_OK);
		cr_expect_str_eq(buf_str(&out), cases[i].want, "x = %s", cases[i].data);
		buf_free(&out);
	}
}

Test(mustache, layouts_through_inheritance_keep_indentation)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	const char *names[] = {"layout", "item"};
	const char *srcs[] = {
	    "<html>\n  <body>\n    {{$main}}\n    <p>empty</p>\n    {{/main}}\n"
	    "  </body>\n</html>\n",
	    "<li>{{.}}</li>\n",
	};
	const char *page = "{{<layout}}\n{{$main}}\n<ul>\n  {{#list}}\n  {{>item}}\n  {{/list}}\n"
			   "</ul>\n{{/main}}\n{{/layout}}\n";
	cr_expect_eq(render_with_partials(page, names, srcs, 2, &out, err, sizeof(err)), E_OK, "%s",
		     err);
	cr_expect_str_eq(buf_str(&out), "<html>\n  <body>\n    <ul>\n      <li>1</li>\n"
					"      <li>2</li>\n    </ul>\n  </body>\n</html>\n");
	buf_free(&out);
}

/* Shared, read-only state of the thread test. */
struct mt_job {
	const struct mustache *t;                /* the one parsed template */
	const struct mustache_render_opts *opts; /* its partials */
	json_t *data;                            /* the one view model */
	const char *want;                        /* the single-threaded output */
	size_t want_len;                         /* its length */
	int mismatches;                          /* written by the thread only */
};

static void *mt_worker(void *arg)
{
	struct mt_job *job = arg;
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN];
	for (int i = 0; i < 1000; i++) {
		buf_reset(&out);
		enum err rc = mustache_render(job->t, job->data, job->opts, &out, err, sizeof(err));
		if (rc != E_OK || out.len != job->want_len ||
		    memcmp(out.data, job->want, out.len) != 0)
			job->mismatches++;
	}
	buf_free(&out);
	return NULL;
}

Test(mustache, renders_identically_from_several_threads)
{
	const char *row_src = "  <tr><td>{{name}}</td><td>{{score}}</td></tr>\n";
	const char *page_src = "<table>\n{{#rows}}\n{{>row}}\n{{/rows}}\n</table>\n";
	struct spec_partials ps = {.names = {"row"}, .n = 1};
	struct mustache *page;
	char err[SPEC_ERRLEN] = "";
	cr_assert_eq(
	    mustache_parse("row", row_src, strlen(row_src), NULL, &ps.tmpls[0], err, sizeof(err)),
	    E_OK);
	cr_assert_eq(
	    mustache_parse("page", page_src, strlen(page_src), NULL, &page, err, sizeof(err)),
	    E_OK);
	json_t *rows = json_array();
	for (int i = 0; i < 50; i++)
		json_array_append_new(
		    rows, json_pack("{s:s,s:f}", "name", "<Göteborg & Co>", "score", i * 1.5));
	json_t *data = json_pack("{s:o}", "rows", rows);
	struct mustache_render_opts opts = {spec_partial, &ps, true, false};
	struct buf want = BUF_INIT;
	cr_assert_eq(mustache_render(page, data, &opts, &want, err, sizeof(err)), E_OK, "%s", err);
	cr_assert(strstr(want.data, "&lt;Göteborg &amp; Co&gt;</td><td>73.5</td>") != NULL);

	struct mt_job jobs[4];
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct mt_job){page, &opts, data, want.data, want.len, 0};
		cr_assert_eq(pthread_create(&threads[i], NULL, mt_worker, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		cr_expect_eq(jobs[i].mismatches, 0, "thread %d: %d renders differ", i,
			     jobs[i].mismatches);
	}
	json_decref(data);
	buf_free(&want);
	mustache_free(page);
	spec_partials_free(&ps);
}

Test(mustache, indentation_applies_to_template_text_only)
{
	struct buf out = BUF_INIT;
	char err[SPEC_ERRLEN] = "";
	const char *names[] = {"a", "b", "c"};
	const char *srcs[] = {"x {{>b}}\ny\n  {{>c}}\n", "1\n2\n",
			      "{{#list}}\n<{{.}}>\n{{/list}}\n"};
	/* b is inline in a, so its second line gets no indentation; c is
	 * standalone in a, so its lines get a's indentation and its own. */
	cr_expect_eq(render_with_partials("<div>\n  {{>a}}\n</div>\n", names, srcs, 3, &out, err,
					  sizeof(err)),
		     E_OK, "%s", err);
	cr_expect_str_eq(buf_str(&out), "<div>\n  x 1\n2\n\n  y\n    <1>\n    <2>\n</div>\n");
	buf_free(&out);
}

/* Plain-text rendering (mail) leaves markup characters alone. */
Test(mustache_extra, text_mode_does_not_escape)
{
	struct mustache *t = NULL;
	char err[256];
	const char *src = "Hej {{name}}!";
	cr_assert_eq(mustache_parse("mail", src, strlen(src), NULL, &t, err, sizeof err), E_OK);
	json_t *data = json_pack("{s:s}", "name", "Åsa & <Bo>");
	struct mustache_render_opts opts = {NULL, NULL, true, true};
	struct buf out;
	buf_init(&out, 0);
	cr_assert_eq(mustache_render(t, data, &opts, &out, err, sizeof err), E_OK);
	cr_expect_str_eq(buf_str(&out), "Hej Åsa & <Bo>!");
	buf_free(&out);
	json_decref(data);
	mustache_free(t);
}
