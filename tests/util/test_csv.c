/*
 * test_csv.c - RFC 4180 reading with positions, and formula-safe writing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/csv.h"

static void read_all(const char *text, size_t *rows, char first[4][64])
{
	struct csv_reader r;
	csv_reader_init(&r, text, strlen(text));
	bool row;
	*rows = 0;
	while (csv_next(&r, &row) == E_OK && row) {
		if (*rows < 4)
			snprintf(first[*rows], 64, "%zu:%s", r.nfields, r.fields[r.nfields - 1]);
		(*rows)++;
	}
	csv_reader_free(&r);
}

Test(csv, basic_and_quoted)
{
	size_t n;
	char first[4][64];
	read_all("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,,\"multi\nline\"\n", &n, first);
	cr_assert_eq(n, 3);
	cr_expect_str_eq(first[0], "3:c");
	cr_expect_str_eq(first[1], "3:say \"hi\"");
	cr_expect_str_eq(first[2], "3:multi\nline");
}

Test(csv, bom_and_no_trailing_newline)
{
	size_t n;
	char first[4][64];
	read_all("\xEF\xBB\xBFh\nv", &n, first);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(first[0], "1:h");
	cr_expect_str_eq(first[1], "1:v");
}

Test(csv, errors_name_line_and_column)
{
	static const char *cases[][2] = {
		{"a,b\n1,\"open\n", "line 2, column 3: unterminated quoted field"},
		{"a,b\n1,x\"y\n", "line 2, column 4: quote inside an unquoted field"},
		{"a\n\"q\"z\n", "line 2, column 4: text after a closing quote"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct csv_reader r;
		csv_reader_init(&r, cases[i][0], strlen(cases[i][0]));
		bool row;
		enum err rc;
		while ((rc = csv_next(&r, &row)) == E_OK && row)
			;
		cr_expect_eq(rc, E_INVALID, "case %zu", i);
		cr_expect_str_eq(r.err, cases[i][1]);
		csv_reader_free(&r);
	}
}

Test(csv, write_escapes_and_defuses_formulas)
{
	static const char *cases[][2] = {
		{"plain", "plain"},
		{"Lund, Skåne", "\"Lund, Skåne\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
		{"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
		{"+46 70", "\"'+46 70\""},
		{"-1", "\"'-1\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		buf_init(&b, 0);
		csv_write_field(&b, cases[i][0]);
		cr_expect_str_eq(buf_str(&b), cases[i][1], "field %s", cases[i][0]);
		buf_free(&b);
	}
}

Test(csv, write_row)
{
	struct buf b;
	buf_init(&b, 0);
	const char *fields[] = {"Lund", NULL, "a,b", "=1+1"};
	csv_write_row(&b, fields, 4);
	cr_expect_str_eq(buf_str(&b), "Lund,,\"a,b\",\"'=1+1\"\r\n");
	buf_free(&b);
}
