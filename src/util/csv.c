/*
 * csv.c - RFC 4180 reader and writer; see csv.h.  Written by hand: the
 * format is small and we need line/column error positions, which the
 * packaged CSV libraries do not report.
 */
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	r->data = data;
	r->len = len;
	r->next_line = 1;
	buf_init(&r->text, CSV_MAX_FIELDS * 16 + CSV_MAX_FIELD);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

void csv_reader_free(struct csv_reader *r)
{
	free(r->fields);
	free(r->columns);
	free(r->offsets);
	r->offsets = NULL;
	buf_free(&r->text);
	r->fields = NULL;
	r->columns = NULL;
}

/* Records where a field starts; its text pointer is set once the row is
 * complete, because the buffer may move while the row grows. */
static bool push_field(struct csv_reader *r, size_t offset, int column)
{
	if (r->nfields == CSV_MAX_FIELDS)
		return false;
	if (r->nfields == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **f = realloc(r->fields, cap * sizeof *f);
		if (f == NULL)
			return false;
		r->fields = f;
		size_t *o = realloc(r->offsets, cap * sizeof *o);
		if (o == NULL)
			return false;
		r->offsets = o;
		int *c = realloc(r->columns, cap * sizeof *c);
		if (c == NULL)
			return false;
		r->columns = c;
		r->cap = cap;
	}
	r->offsets[r->nfields] = offset;
	r->columns[r->nfields] = column;
	r->nfields++;
	return true;
}

static enum err fail(struct csv_reader *r, int line, int column, const char *what)
{
	snprintf(r->err, sizeof r->err, "line %d, column %d: %s", line, column, what);
	return E_INVALID;
}

enum err csv_next(struct csv_reader *r, bool *has_row)
{
	*has_row = false;
	r->nfields = 0;
	buf_reset(&r->text);
	if (r->pos >= r->len)
		return E_OK;
	/* A final line that is empty is the file's trailing newline, not a row. */
	if ((r->data[r->pos] == '\n') && r->pos + 1 == r->len)
		return E_OK;
	if (r->data[r->pos] == '\r' && r->pos + 2 == r->len && r->data[r->pos + 1] == '\n')
		return E_OK;

	r->line = r->next_line;
	int line = r->next_line;
	int column = 1;
	for (;;) {
		/* Start of a field. */
		size_t flen_start = r->text.len;
		if (!push_field(r, flen_start, column))
			return fail(r, line, column, "too many fields in this row");
		bool quoted = r->pos < r->len && r->data[r->pos] == '"';
		int field_line = line, field_col = column;
		if (quoted) {
			r->pos++;
			column++;
			for (;;) {
				if (r->pos >= r->len)
					return fail(r, field_line, field_col, "unterminated quoted field");
				char c = r->data[r->pos];
				if (c == '"') {
					if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
						buf_putc(&r->text, '"');
						r->pos += 2;
						column += 2;
						continue;
					}
					r->pos++;
					column++;
					break;
				}
				if (c == '\n') {
					line++;
					column = 0;
				}
				buf_putc(&r->text, c);
				r->pos++;
				if (((unsigned char)c & 0xC0) != 0x80)
					column++;
			}
			if (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n' &&
			    r->data[r->pos] != '\r')
				return fail(r, line, column, "text after a closing quote");
		} else {
			while (r->pos < r->len) {
				char c = r->data[r->pos];
				if (c == ',' || c == '\n' || c == '\r')
					break;
				if (c == '"')
					return fail(r, line, column, "quote inside an unquoted field");
				buf_putc(&r->text, c);
				r->pos++;
				if (((unsigned char)c & 0xC0) != 0x80)
					column++;
			}
		}
		if (r->text.len - flen_start > CSV_MAX_FIELD)
			return fail(r, field_line, field_col, "field too long");
		buf_putc(&r->text, '\0');
		if (buf_failed(&r->text))
			return fail(r, field_line, field_col, "row too long");
		/* End of field: comma, line end or end of input. */
		if (r->pos < r->len && r->data[r->pos] == ',') {
			r->pos++;
			column++;
			continue;
		}
		if (r->pos < r->len && r->data[r->pos] == '\r')
			r->pos++;
		if (r->pos < r->len && r->data[r->pos] == '\n')
			r->pos++;
		break;
	}
	r->next_line = line + 1;
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i] = r->text.data + r->offsets[i];
	*has_row = true;
	return E_OK;
}

void csv_write_field(struct buf *out, const char *s)
{
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		       s[0] == '\r';
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

void csv_write_row(struct buf *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ',');
		csv_write_field(out, fields[i] != NULL ? fields[i] : "");
	}
	buf_puts(out, "\r\n");
}
