/*
 * csv.h - reading and writing CSV (RFC 4180: comma-separated, fields
 * optionally in double quotes with "" for a quote, CRLF or LF line ends).
 *
 * The reader works over a buffer already in memory (reference data and
 * uploaded score files are small) and reports errors with the line and
 * column where they occur.  The writer quotes where needed and defuses
 * spreadsheet formulas.
 */
#ifndef NATVERK_CSV_H
#define NATVERK_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define CSV_MAX_FIELDS 4096	   /* fields in one row */
#define CSV_MAX_FIELD (64 * 1024) /* bytes in one field */

struct csv_reader {
	const char *data; /* input, not owned */
	size_t len;	  /* input length */
	size_t pos;	  /* next byte to read */
	int line;	  /* line number (1-based) of the row last returned */
	int next_line;	  /* line number where the next row starts */
	char **fields;	  /* the current row's fields, NUL-terminated */
	int *columns;	  /* 1-based column (character) where each field starts */
	size_t *offsets;  /* where each field starts in text */
	size_t nfields;	  /* fields in the current row */
	size_t cap;	  /* capacity of fields/columns */
	struct buf text;  /* storage for the current row's field text */
	char err[160];	  /* message for the last error */
};

/* Prepares a reader over data[0..len). A UTF-8 byte order mark is skipped. */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);

/*
 * Reads the next row.  Returns E_OK with *has_row true and the row in
 * r->fields/r->nfields, or *has_row false at the end of the input.  A blank
 * line at the very end is not a row.  Returns E_INVALID on an unterminated
 * quote, a quote inside an unquoted field, text after a closing quote, or a
 * field or row over the limits; r->err then says what, with line and column.
 */
enum err csv_next(struct csv_reader *r, bool *has_row);

/* Appends one field: quoted when it holds a comma, quote, CR or LF; a field
 * starting with = + - @ TAB or CR gets a leading apostrophe inside the quotes
 * so that spreadsheets show it as text instead of running it. */
void csv_write_field(struct buf *out, const char *s);

/* Appends one row of n fields (NULL as empty) with csv_write_field,
 * separated by commas and ended by CRLF. */
void csv_write_row(struct buf *out, const char *const *fields, size_t n);

#endif
