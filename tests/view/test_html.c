/*
 * test_html.c - table-driven tests of html_escape and url_encode.
 *
 * Inputs are (pointer, length) pairs: the cases include embedded NUL bytes
 * and slices of longer strings, which the functions must neither stop at nor
 * read past.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/buf.h"
#include "view/html.h"

struct html_case {
	const char *in;   /* input bytes */
	size_t len;       /* input length; may stop short of the NUL */
	const char *want; /* expected output */
	size_t want_len;  /* its length */
};

/* A case whose input and output are whole string literals. */
/* clang-format off */
#define HC(in, want) {in, sizeof(in) - 1, want, sizeof(want) - 1}
/* clang-format on */

static void html_check(void (*fn)(struct buf *, const char *, size_t), const char *what,
		       const struct html_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf out = BUF_INIT;
		buf_puts(&out, "[");
		fn(&out, cases[i].in, cases[i].len);
		cr_expect(!buf_failed(&out));
		cr_expect_eq(out.len - 1, cases[i].want_len,
			     "%s case %zu (%s): length %zu, want %zu", what, i, cases[i].want,
			     out.len - 1, cases[i].want_len);
		cr_expect(out.len - 1 == cases[i].want_len &&
			      memcmp(out.data + 1, cases[i].want, cases[i].want_len) == 0,
			  "%s case %zu: got \"%s\", want \"%s\"", what, i, out.data + 1,
			  cases[i].want);
		buf_free(&out);
	}
}

Test(html, escape)
{
	static const struct html_case cases[] = {
	    HC("", ""),
	    HC("plain text", "plain text"),
	    HC("&", "&amp;"),
	    HC("<", "&lt;"),
	    HC(">", "&gt;"),
	    HC("\"", "&quot;"),
	    HC("'", "&#39;"),
	    HC("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f"),
	    HC("<<>>", "&lt;&lt;&gt;&gt;"),
	    HC("&amp;", "&amp;amp;"),
	    HC("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
	    HC("Göteborg – Åre", "Göteborg – Åre"),
	    HC("a\0<b", "a\0&lt;b"),
	    {"x<y>z", 2, "x&lt;", 5},
	    {"safe<", 4, "safe", 4},
	};
	html_check(html_escape, "html_escape", cases, sizeof(cases) / sizeof(cases[0]));
}

Test(html, url_encode)
{
	static const struct html_case cases[] = {
	    HC("", ""),
	    HC("abcXYZ019", "abcXYZ019"),
	    HC("-._~", "-._~"),
	    HC("a b", "a%20b"),
	    HC("a+b", "a%2Bb"),
	    HC("/?#[]@!$&'()*,;=%", "%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2C%3B%3D%25"),
	    HC("Göteborg", "G%C3%B6teborg"),
	    HC("\r\n", "%0D%0A"),
	    HC("\xff", "%FF"),
	    HC("a\0b", "a%00b"),
	    {"ab cd", 3, "ab%20", 5},
	};
	html_check(url_encode, "url_encode", cases, sizeof(cases) / sizeof(cases[0]));
}

Test(html, escape_appends_and_respects_the_buffer_cap)
{
	struct buf out;
	buf_init(&out, 8);
	html_escape(&out, "ab", 2);
	html_escape(&out, "<>", 2);
	cr_expect(buf_failed(&out), "10 bytes cannot fit a buffer capped at 8");
	buf_free(&out);
	buf_init(&out, 0);
	html_escape(&out, "1<", 2);
	html_escape(&out, "2>", 2);
	cr_expect_str_eq(buf_str(&out), "1&lt;2&gt;");
	buf_free(&out);
}
