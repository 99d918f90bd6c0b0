/*
 * test_buf.c - growable buffer with a cap and a sticky error.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

Test(buf, append_and_printf)
{
	struct buf b;
	buf_init(&b, 0);
	cr_expect_str_eq(buf_str(&b), "");
	buf_puts(&b, "Hej");
	buf_putc(&b, ' ');
	buf_printf(&b, "%s %d", "värld", 42);
	cr_expect_str_eq(buf_str(&b), "Hej värld 42");
	cr_expect_eq(b.len, strlen("Hej värld 42"));
	buf_reset(&b);
	cr_expect_str_eq(buf_str(&b), "");
	buf_free(&b);
}

Test(buf, cap_is_sticky)
{
	struct buf b;
	buf_init(&b, 8);
	buf_puts(&b, "12345678");
	cr_expect_not(buf_failed(&b));
	buf_puts(&b, "9");
	cr_expect(buf_failed(&b), "going over the cap fails");
	buf_puts(&b, "");
	buf_printf(&b, "%s", "x");
	cr_expect(buf_failed(&b), "and stays failed");
	cr_expect_eq(b.len, 8, "nothing after the failure is appended");
	buf_free(&b);
}

Test(buf, steal)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "abcdefghij");
	size_t len;
	char *p = buf_steal(&b, &len);
	cr_expect_eq(len, 10000);
	cr_expect_eq(b.len, 0);
	cr_expect_null(b.data);
	free(p);
}
