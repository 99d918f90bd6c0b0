/*
 * test_form.c - percent-decoding and urlencoded bodies.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/form.h"

Test(form, decode_table)
{
	static const struct {
		const char *in;
		bool plus;
		const char *out; /* NULL: must fail */
	} cases[] = {
		{"a%20b", false, "a b"},
		{"a+b", true, "a b"},
		{"a+b", false, "a+b"},
		{"%C3%A5%C3%A4%C3%B6", false, "åäö"},
		{"%c3%a5", false, "å"},
		{"%", false, NULL},
		{"%4", false, NULL},
		{"%GG", false, NULL},
		{"%FF", false, NULL},
		{"%00", false, NULL},
		{"", false, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct arena *a = arena_new();
		char *out = NULL;
		size_t len = 0;
		const char *why = NULL;
		enum err rc = form_decode(a, cases[i].in, strlen(cases[i].in), cases[i].plus, &out,
					  &len, &why);
		if (cases[i].out == NULL) {
			cr_expect_eq(rc, E_INVALID, "%s must fail", cases[i].in);
		} else {
			cr_expect_eq(rc, E_OK, "%s: %s", cases[i].in, why ? why : "");
			if (rc == E_OK)
				cr_expect_str_eq(out, cases[i].out);
		}
		arena_free(a);
	}
}

Test(form, urlencoded_body)
{
	struct arena *a = arena_new();
	struct kvlist l = {0};
	const char *why = NULL;
	const char *body = "name=Lund&message=Hej+p%C3%A5+er&&empty=&flag";
	cr_assert_eq(form_parse_urlencoded(a, body, strlen(body), &l, &why), E_OK);
	cr_expect_eq(l.n, 4);
	cr_expect_str_eq(kvlist_get(&l, "message"), "Hej på er");
	cr_expect_str_eq(kvlist_get(&l, "empty"), "");
	cr_expect_str_eq(kvlist_get(&l, "flag"), "");
	arena_free(a);
}

Test(form, limits)
{
	struct arena *a = arena_new();
	struct kvlist l = {0};
	const char *why = NULL;
	char name[HTTP_MAX_FIELD_NAME + 10];
	memset(name, 'n', sizeof name - 2);
	name[sizeof name - 2] = '=';
	name[sizeof name - 1] = '\0';
	cr_expect_eq(form_parse_urlencoded(a, name, strlen(name), &l, &why), E_INVALID);
	cr_expect_str_eq(why, "field too long");
	arena_free(a);
}
