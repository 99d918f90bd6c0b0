/*
 * test_str.c - folding, sort keys, UTF-8 validation and number parsing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

static const char *fold(const char *s)
{
	static char out[256];
	struct buf b;
	buf_init(&b, 0);
	str_fold(&b, s, strlen(s));
	snprintf(out, sizeof out, "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static const char *key(const char *s, const char *lang)
{
	static char out[256];
	struct buf b;
	buf_init(&b, 0);
	str_sort_key(&b, s, strlen(s), lang);
	snprintf(out, sizeof out, "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

Test(str, fold_table)
{
	static const char *cases[][2] = {
		{"Göteborg", "goteborg"},
		{"GÖTEBORG", "goteborg"},
		{"goteborg", "goteborg"},
		{"Malmö", "malmo"},
		{"Åre", "are"},
		{"Upplands Väsby", "upplands vasby"},
		{"  Trailing  and   inner   ", "trailing and inner"},
		{"Go\xcc\x88teborg", "goteborg"}, /* o + combining diaeresis */
		{"Straße", "strasse"},
		{"Upplands-Bro", "upplands bro"},
		{"Dals - Ed", "dals ed"},
		{"Łódź", "lodz"},
		{"Æblerød", "aeblerod"},
		{"Крим", "Крим"}, /* other scripts pass through */
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_str_eq(fold(cases[i][0]), cases[i][1], "fold(%s)", cases[i][0]);
}

Test(str, swedish_sort_order)
{
	/* Swedish: z < å < ä < ö; English: å and ä sort as a. */
	char z[64], aa[64], ae[64], oe[64];
	snprintf(z, sizeof z, "%s", key("Zürich", "sv"));
	snprintf(aa, sizeof aa, "%s", key("Åre", "sv"));
	snprintf(ae, sizeof ae, "%s", key("Älmhult", "sv"));
	snprintf(oe, sizeof oe, "%s", key("Örebro", "sv"));
	cr_expect(strcmp(z, aa) < 0);
	cr_expect(strcmp(aa, ae) < 0);
	cr_expect(strcmp(ae, oe) < 0);
	char en_are[64], en_b[64];
	snprintf(en_are, sizeof en_are, "%s", key("Åre", "en"));
	snprintf(en_b, sizeof en_b, "%s", key("Boden", "en"));
	cr_expect(strcmp(en_are, en_b) < 0, "in English Åre sorts before Boden");
}

Test(str, utf8_validation)
{
	cr_expect(str_utf8_valid("plain", 5));
	cr_expect(str_utf8_valid("Göteborg", strlen("Göteborg")));
	cr_expect(str_utf8_valid("\xf0\x9f\x98\x80", 4)); /* emoji */
	cr_expect_not(str_utf8_valid("\xff", 1));
	cr_expect_not(str_utf8_valid("a\0b", 3), "NUL byte");
	cr_expect_not(str_utf8_valid("\xc0\xaf", 2), "overlong slash");
	cr_expect_not(str_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_expect_not(str_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
	cr_expect_not(str_utf8_valid("\xc3", 1), "truncated");
	cr_expect_eq(str_utf8_len("Åre", strlen("Åre")), 3);
}

Test(str, to_i64)
{
	int64_t v;
	cr_expect(str_to_i64("42", 0, 100, &v) && v == 42);
	cr_expect(str_to_i64("-1", -5, 5, &v) && v == -1);
	cr_expect_not(str_to_i64("-1", 1, 5, &v), "below range");
	cr_expect_not(str_to_i64("101", 0, 100, &v), "above range");
	cr_expect_not(str_to_i64("", 0, 100, &v));
	cr_expect_not(str_to_i64(" 4", 0, 100, &v));
	cr_expect_not(str_to_i64("4x", 0, 100, &v));
	cr_expect_not(str_to_i64("+4", 0, 100, &v));
	cr_expect_not(str_to_i64("99999999999999999999", INT64_MIN, INT64_MAX, &v), "overflow");
	cr_expect_not(str_to_i64(NULL, 0, 1, &v));
}

Test(str, json_quote)
{
	struct buf b;
	buf_init(&b, 0);
	str_json_quote(&b, "a\"b\\c\n\x01", 7);
	cr_expect_str_eq(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\"");
	buf_free(&b);
}

Test(str, prefix_path)
{
	cr_expect(str_prefix_path("/countries", "/countries"));
	cr_expect(str_prefix_path("/countries/SE", "/countries"));
	cr_expect_not(str_prefix_path("/countriesx", "/countries"));
	cr_expect_not(str_prefix_path(NULL, "/countries"));
}
