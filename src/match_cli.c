/*
 * match_cli.c - `natverk match`; see match_cli.h.
 *
 * The score file is read in chunks of whole CSV records, each parsed with
 * util/csv.h, so the memory used is the score matrix plus the names and one
 * chunk: a 2000 x 2000 file of 80 MB never sits in memory whole.  Every
 * refusal names the file, line and column.  Names are checked for
 * duplicates with a small hash set.  Output goes through a struct buf and is
 * written once at the end.
 */
#include "match_cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accounts_cli.h"
#include "config.h"
#include "domain/match.h"
#include "matchmaker.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/str.h"

#define EXIT_USAGE       2
#define PROGRESS_MIN     500               /* rows or columns from which progress is shown */
#define CHUNK_START      ((size_t)1 << 20) /* first read buffer */
#define NAME_MAX_BYTES   400               /* bytes in a participant's name */
#define TABLE_NAME_WIDTH 40                /* widest name column in the table */

static const char usage_match[] =
    "Usage: natverk match --scores FILE.csv [--json]\n"
    "       natverk match --network SLUG [--json]\n"
    "\n"
    "Propose partnerships: each Swedish participant gets at most one international\n"
    "candidate and each candidate at most one participant; as many participants as\n"
    "possible are matched and, among those assignments, the total score is the\n"
    "largest.  Participants left over are listed with the reason.\n"
    "\n"
    "Options:\n"
    "  --scores FILE   a score matrix in CSV: the first row names the international\n"
    "                  candidates (after a corner cell), the first column the Swedish\n"
    "                  participants; every other cell is a number, higher is better\n"
    "  --network SLUG  a network's accepted Swedish participants and approved\n"
    "                  candidates from the database (NATVERK_DB), scored and\n"
    "                  constrained as on its matching page\n"
    "  --json          print {\"total\": T, \"pairs\": [{\"swedish\": S,\n"
    "                  \"international\": I, \"score\": X}, ...], \"unmatched\": [S, ...]}\n"
    "  -h, --help      print this help\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("natverk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FAILURE;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- Names: a set of strings with the place each was first seen ----------- */

struct name_set {
	int *slots;   /* index into names, -1 = empty; size is a power of two */
	size_t size;  /* slots */
	size_t count; /* names inserted */
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Looks s up among names[] through the set; adds index when absent.  Returns
 * the index of the earlier equal name, -1 when s is new, -2 out of memory. */
static int name_set_add(struct name_set *set, char **names, int index)
{
	if ((set->count + 1) * 2 > set->size) {
		size_t size = set->size > 0 ? set->size * 2 : 64;
		int *slots = malloc(size * sizeof *slots);
		if (slots == NULL)
			return -2;
		for (size_t k = 0; k < size; k++)
			slots[k] = -1;
		for (size_t k = 0; k < set->size; k++) {
			if (set->slots[k] < 0)
				continue;
			size_t h = name_hash(names[set->slots[k]]) & (size - 1);
			while (slots[h] >= 0)
				h = (h + 1) & (size - 1);
			slots[h] = set->slots[k];
		}
		free(set->slots);
		set->slots = slots;
		set->size = size;
	}
	size_t h = name_hash(names[index]) & (set->size - 1);
	while (set->slots[h] >= 0) {
		if (strcmp(names[set->slots[h]], names[index]) == 0)
			return set->slots[h];
		h = (h + 1) & (set->size - 1);
	}
	set->slots[h] = index;
	set->count++;
	return -1;
}

/* ---- The score file ------------------------------------------------------- */

struct score_file {
	const char *path;        /* for messages */
	char **row_names;        /* Swedish participants */
	int *row_lines;          /* line of each participant */
	int n_rows;              /* entries in row_names */
	int cap_rows;            /* allocated entries */
	char **col_names;        /* international candidates */
	int *col_columns;        /* character column of each candidate in the header */
	int n_cols;              /* entries in col_names */
	double *scores;          /* n_rows * n_cols, row-major */
	struct name_set row_set; /* duplicate check for participants */
	struct name_set col_set; /* duplicate check for candidates */
	bool progress;           /* print progress */
	off_t size;              /* file size, for progress */
	char err[600];           /* "FILE:LINE:COLUMN: what" after a failure */
};

static void score_file_free(struct score_file *sf)
{
	for (int i = 0; i < sf->n_rows; i++)
		free(sf->row_names[i]);
	for (int j = 0; j < sf->n_cols; j++)
		free(sf->col_names[j]);
	free(sf->row_names);
	free(sf->row_lines);
	free(sf->col_names);
	free(sf->col_columns);
	free(sf->scores);
	free(sf->row_set.slots);
	free(sf->col_set.slots);
}

static enum err refuse(struct score_file *sf, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum err refuse(struct score_file *sf, int line, int column, const char *fmt, ...)
{
	int n = snprintf(sf->err, sizeof sf->err, "%s:%d:%d: ", sf->path, line, column);
	if (n < 0 || (size_t)n >= sizeof sf->err)
		return E_INVALID;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sf->err + n, sizeof sf->err - (size_t)n, fmt, ap);
	va_end(ap);
	return E_INVALID;
}

/* A short, printable excerpt of s for messages (at most 40 bytes, cut on
 * a character boundary). */
static const char *excerpt(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);
	if (n >= outlen)
		n = outlen - 1;
	while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return out;
}

/* Checks and copies a name cell.  *name gets a malloc'ed copy, trimmed. */
static enum err take_name(struct score_file *sf, char *field, int line, int column,
			  const char *side, char **name)
{
	char *s = str_trim(field);
	if (*s == '\0')
		return refuse(sf, line, column, "empty %s name", side);
	if (strlen(s) > NAME_MAX_BYTES)
		return refuse(sf, line, column, "%s name longer than %d bytes", side,
			      NAME_MAX_BYTES);
	if (!str_utf8_valid(s, strlen(s)))
		return refuse(sf, line, column, "%s name is not valid UTF-8", side);
	*name = strdup(s);
	return *name == NULL ? E_NOMEM : E_OK;
}

/* The column just after the last cell of the current row (the end of an
 * unquoted line): where the next comma and cell are missing. */
static int column_after(const struct csv_reader *r)
{
	size_t last = r->nfields - 1;
	return r->columns[last] + (int)str_utf8_len(r->fields[last], strlen(r->fields[last]));
}

static enum err read_header(struct score_file *sf, struct csv_reader *r)
{
	enum err rc;
	if (r->nfields < 2)
		return refuse(sf, r->line, column_after(r),
			      "no international candidates: the first row names them after "
			      "the corner cell");
	sf->n_cols = (int)r->nfields - 1;
	sf->col_names = calloc((size_t)sf->n_cols, sizeof *sf->col_names);
	sf->col_columns = calloc((size_t)sf->n_cols, sizeof *sf->col_columns);
	if (sf->col_names == NULL || sf->col_columns == NULL)
		return E_NOMEM;
	for (int j = 0; j < sf->n_cols; j++) {
		int column = r->columns[j + 1];
		rc = take_name(sf, r->fields[j + 1], r->line, column, "international",
			       &sf->col_names[j]);
		if (rc != E_OK) {
			sf->n_cols = j; /* only the names taken so far get freed */
			return rc;
		}
		sf->col_columns[j] = column;
		int earlier = name_set_add(&sf->col_set, sf->col_names, j);
		if (earlier == -2)
			return E_NOMEM;
		if (earlier >= 0) {
			char ex[48];
			sf->n_cols = j + 1;
			return refuse(sf, r->line, column,
				      "duplicated international name '%s' (also in column %d)",
				      excerpt(sf->col_names[j], ex, sizeof ex),
				      sf->col_columns[earlier]);
		}
	}
	if (sf->n_cols >= PROGRESS_MIN)
		sf->progress = true;
	return E_OK;
}

/* Parses one score: a plain decimal number (no hex, inf or nan). */
static bool parse_score(const char *s, double *out)
{
	size_t n = strlen(s);
	if (n == 0 || strspn(s, "0123456789.eE+-") != n)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static enum err grow_rows(struct score_file *sf)
{
	if (sf->n_rows < sf->cap_rows)
		return E_OK;
	int cap = sf->cap_rows > 0 ? sf->cap_rows + sf->cap_rows / 2 : 64;
	if (cap > MATCH_CLI_MAX_ROWS)
		cap = MATCH_CLI_MAX_ROWS;
	char **names = realloc(sf->row_names, (size_t)cap * sizeof *names);
	if (names == NULL)
		return E_NOMEM;
	sf->row_names = names;
	int *lines = realloc(sf->row_lines, (size_t)cap * sizeof *lines);
	if (lines == NULL)
		return E_NOMEM;
	sf->row_lines = lines;
	/* Large blocks are mmap'ed by the C library, so growing them remaps
	 * pages instead of copying, and only the pages written count. */
	double *scores = realloc(sf->scores, (size_t)cap * (size_t)sf->n_cols * sizeof *scores);
	if (scores == NULL)
		return E_NOMEM;
	sf->scores = scores;
	sf->cap_rows = cap;
	return E_OK;
}

static enum err read_row(struct score_file *sf, struct csv_reader *r)
{
	enum err rc;
	if (r->nfields == 1 && str_trim(r->fields[0])[0] == '\0')
		return refuse(sf, r->line, 1, "empty row");
	if (sf->n_rows == MATCH_CLI_MAX_ROWS)
		return refuse(sf, r->line, 1, "more than %d Swedish participants",
			      MATCH_CLI_MAX_ROWS);
	rc = grow_rows(sf);
	if (rc != E_OK)
		return rc;
	int i = sf->n_rows;
	char *name = NULL;
	rc = take_name(sf, r->fields[0], r->line, 1, "Swedish", &name);
	if (rc != E_OK)
		return rc;
	sf->row_names[i] = name;
	sf->row_lines[i] = r->line;
	sf->n_rows++;
	char ex[48], ex2[48];
	int earlier = name_set_add(&sf->row_set, sf->row_names, i);
	if (earlier == -2)
		return E_NOMEM;
	if (earlier >= 0)
		return refuse(sf, r->line, 1, "duplicated Swedish name '%s' (also on line %d)",
			      excerpt(name, ex, sizeof ex), sf->row_lines[earlier]);
	size_t want = (size_t)sf->n_cols + 1;
	if (r->nfields > want)
		return refuse(sf, r->line, r->columns[want],
			      "extra cell: the first row names %d international candidates",
			      sf->n_cols);
	double *row = sf->scores + (size_t)i * (size_t)sf->n_cols;
	for (int j = 0; j < sf->n_cols; j++) {
		if ((size_t)j + 1 >= r->nfields)
			return refuse(sf, r->line, column_after(r),
				      "missing cell for '%s' (the row has %zu cells, the first "
				      "row %zu)",
				      excerpt(sf->col_names[j], ex, sizeof ex), r->nfields, want);
		char *cell = str_trim(r->fields[j + 1]);
		int column = r->columns[j + 1];
		if (*cell == '\0')
			return refuse(sf, r->line, column, "missing cell for '%s' (empty)",
				      excerpt(sf->col_names[j], ex, sizeof ex));
		if (!parse_score(cell, &row[j]))
			return refuse(sf, r->line, column, "not a number: '%s' (score for '%s')",
				      excerpt(cell, ex, sizeof ex),
				      excerpt(sf->col_names[j], ex2, sizeof ex2));
	}
	if (sf->n_rows == PROGRESS_MIN)
		sf->progress = true;
	return E_OK;
}

/* End of the last complete record in buf[0..len): just after a newline
 * outside double quotes; 0 when there is none. */
static size_t complete_records(const char *buf, size_t len)
{
	bool quoted = false;
	size_t end = 0;
	for (size_t k = 0; k < len; k++) {
		if (buf[k] == '"')
			quoted = !quoted;
		else if (buf[k] == '\n' && !quoted)
			end = k + 1;
	}
	return end;
}

/* Turns the reader's "line L, column C: what" into "FILE:L:C: what". */
static enum err csv_refusal(struct score_file *sf, const struct csv_reader *r)
{
	int line = 0, column = 0, used = 0;
	if (sscanf(r->err, "line %d, column %d: %n", &line, &column, &used) == 2 && used > 0)
		return refuse(sf, line, column, "%s", r->err + used);
	return refuse(sf, r->line, 1, "%s", r->err);
}

static void progress_line(const char *what, double fraction)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rnatverk: %s: %3.0f%%", what, fraction * 100);
	else
		fprintf(stderr, "natverk: %s: %.0f%%\n", what, fraction * 100);
	if (fraction >= 1 && isatty(STDERR_FILENO))
		fputc('\n', stderr);
}

/* Parses the complete records in buf[0..end): header first, then rows.
 * *line is the line where buf starts and is advanced. */
static enum err parse_chunk(struct score_file *sf, const char *buf, size_t end, bool at_eof,
			    int *line)
{
	struct csv_reader r;
	enum err rc = E_OK;
	csv_reader_init(&r, buf, end);
	if (*line > 1)
		r.pos = 0; /* only the file's start may hold a byte order mark */
	r.next_line = *line;
	for (;;) {
		bool has_row = false;
		rc = csv_next(&r, &has_row);
		if (rc != E_OK) {
			rc = csv_refusal(sf, &r);
			goto done;
		}
		if (!has_row)
			break;
		rc = sf->col_names == NULL ? read_header(sf, &r) : read_row(sf, &r);
		if (rc != E_OK)
			goto done;
	}
	/* The reader passes over a blank last line silently: fine at the end
	 * of the file, an empty row anywhere else. */
	if (r.pos < end && !at_eof)
		rc = refuse(sf, r.next_line, 1, "empty row");
	*line = r.next_line;
done:
	csv_reader_free(&r);
	return rc;
}

static enum err read_scores(struct score_file *sf)
{
	enum err rc = E_OK;
	char *buf = NULL;
	FILE *fp = fopen(sf->path, "rb");
	if (fp == NULL) {
		snprintf(sf->err, sizeof sf->err, "cannot open %s: %s", sf->path, strerror(errno));
		return E_IO;
	}
	struct stat st;
	sf->size = fstat(fileno(fp), &st) == 0 ? st.st_size : 0;
	size_t cap = CHUNK_START, len = 0;
	off_t consumed = 0;
	int line = 1, shown = 0;
	bool eof = false;
	buf = malloc(cap);
	if (buf == NULL) {
		rc = E_NOMEM;
		goto done;
	}
	while (!eof || len > 0) {
		if (!eof) {
			size_t n = fread(buf + len, 1, cap - len, fp);
			len += n;
			if (n == 0 || len < cap) {
				if (ferror(fp)) {
					snprintf(sf->err, sizeof sf->err, "cannot read %s: %s",
						 sf->path, strerror(errno));
					rc = E_IO;
					goto done;
				}
				eof = feof(fp);
			}
		}
		size_t end = eof ? len : complete_records(buf, len);
		if (end == 0) {
			if (eof)
				break;
			/* One record fills the buffer: grow it, within reason. */
			if (cap >= MATCH_CLI_MAX_RECORD) {
				rc = refuse(sf, line, 1,
					    "a record longer than %zu MiB (or a quote that is "
					    "never closed)",
					    MATCH_CLI_MAX_RECORD >> 20);
				goto done;
			}
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				rc = E_NOMEM;
				goto done;
			}
			buf = grown;
			cap *= 2;
			continue;
		}
		rc = parse_chunk(sf, buf, end, eof && end == len, &line);
		if (rc != E_OK)
			goto done;
		memmove(buf, buf + end, len - end);
		len -= end;
		consumed += (off_t)end;
		if (sf->progress && sf->size > 0 && !eof) {
			int quarter = (int)(consumed * 4 / sf->size);
			if (quarter > shown && quarter > 0 && quarter < 4) {
				shown = quarter;
				progress_line("reading scores", quarter / 4.0);
			}
		}
	}
	if (sf->col_names == NULL) {
		rc = refuse(sf, line, 1, "no rows: the file is empty");
		goto done;
	}
	if (sf->n_rows == 0) {
		rc = refuse(sf, line, 1,
			    "no Swedish participants: no rows after the first (the candidates)");
		goto done;
	}
	if (sf->progress)
		progress_line("reading scores", 1);
done:
	free(buf);
	fclose(fp);
	return rc;
}

/* ---- Solving and output ------------------------------------------------------ */

static void on_progress(void *arg, int done, int total)
{
	int *shown = arg;
	int quarter = total > 0 ? (int)((long long)done * 4 / total) : 4;
	if (quarter > *shown) {
		*shown = quarter;
		progress_line("solving", quarter / 4.0);
	}
}

/* Appends v in the shortest form that reads back as the same double. */
static void put_number(struct buf *out, double v)
{
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_puts(out, tmp);
}

static void put_json_name(struct buf *out, const char *s)
{
	str_json_quote(out, s, strlen(s));
}

static void print_json(struct buf *out, const struct score_file *sf, const struct match_result *res)
{
	buf_puts(out, "{\"total\": ");
	put_number(out, res->total);
	buf_puts(out, ", \"pairs\": [");
	bool first = true;
	for (int i = 0; i < sf->n_rows; i++) {
		int j = res->col_of_row[i];
		if (j < 0)
			continue;
		buf_puts(out, first ? "\n  " : ",\n  ");
		first = false;
		buf_puts(out, "{\"swedish\": ");
		put_json_name(out, sf->row_names[i]);
		buf_puts(out, ", \"international\": ");
		put_json_name(out, sf->col_names[j]);
		buf_puts(out, ", \"score\": ");
		put_number(out, sf->scores[(size_t)i * (size_t)sf->n_cols + (size_t)j]);
		buf_putc(out, '}');
	}
	buf_puts(out, first ? "], \"unmatched\": [" : "\n], \"unmatched\": [");
	first = true;
	for (int i = 0; i < sf->n_rows; i++) {
		if (res->col_of_row[i] >= 0)
			continue;
		buf_puts(out, first ? "" : ", ");
		first = false;
		put_json_name(out, sf->row_names[i]);
	}
	buf_puts(out, "]}\n");
}

/* Appends s padded with spaces to width characters. */
static void put_cell(struct buf *out, const char *s, size_t width)
{
	buf_puts(out, s);
	for (size_t w = str_utf8_len(s, strlen(s)); w < width; w++)
		buf_putc(out, ' ');
}

static void print_table(struct buf *out, const struct score_file *sf,
			const struct match_result *res)
{
	static const char h_row[] = "Swedish participant", h_col[] = "International candidate";
	size_t wr = sizeof h_row - 1, wc = sizeof h_col - 1;
	for (int i = 0; i < sf->n_rows; i++) {
		int j = res->col_of_row[i];
		size_t a = str_utf8_len(sf->row_names[i], strlen(sf->row_names[i]));
		if (a > wr && a <= TABLE_NAME_WIDTH)
			wr = a;
		if (j < 0)
			continue;
		size_t b = str_utf8_len(sf->col_names[j], strlen(sf->col_names[j]));
		if (b > wc && b <= TABLE_NAME_WIDTH)
			wc = b;
	}
	put_cell(out, h_row, wr + 2);
	put_cell(out, h_col, wc + 2);
	buf_puts(out, "Score\n");
	for (int i = 0; i < sf->n_rows; i++) {
		int j = res->col_of_row[i];
		if (j < 0)
			continue;
		put_cell(out, sf->row_names[i], wr + 2);
		put_cell(out, sf->col_names[j], wc + 2);
		put_number(out, sf->scores[(size_t)i * (size_t)sf->n_cols + (size_t)j]);
		buf_putc(out, '\n');
	}
	buf_printf(out, "\nTotal score: ");
	put_number(out, res->total);
	buf_printf(out, " (%d pair%s; %d Swedish participants, %d international candidates)\n",
		   res->n_matched, res->n_matched == 1 ? "" : "s", sf->n_rows, sf->n_cols);
	if (res->n_matched < sf->n_rows) {
		buf_printf(out, "\nSwedish participants without a partner:\n");
		for (int i = 0; i < sf->n_rows; i++) {
			if (res->col_of_row[i] >= 0)
				continue;
			buf_puts(out, "  ");
			put_cell(out, sf->row_names[i], wr + 2);
			buf_printf(out, "%s\n", match_reason_str(res->reason[i]));
		}
	}
	if (res->n_matched < sf->n_cols) {
		buf_printf(out, "\nInternational candidates without a partner: %d\n",
			   sf->n_cols - res->n_matched);
		for (int j = 0; j < sf->n_cols; j++)
			if (res->row_of_col[j] < 0)
				buf_printf(out, "  %s\n", sf->col_names[j]);
	}
}

/* Explains a refusal of the solver, by number (a plain score file has no
 * locks or caps; for a network, its matching page names the parties). */
static int report_conflicts(const struct match_result *res)
{
	for (int k = 0; k < res->n_conflicts; k++) {
		const struct match_conflict *cf = &res->conflicts[k];
		switch (cf->kind) {
		case MATCH_CONFLICT_INPUT:
			fail("cannot match: %s", cf->what != NULL ? cf->what : "bad input");
			break;
		case MATCH_CONFLICT_ROW_LOCKED_TWICE:
		case MATCH_CONFLICT_COL_LOCKED_TWICE:
			fail("locks %d and %d give one party two partners", cf->a + 1, cf->b + 1);
			break;
		case MATCH_CONFLICT_LOCK_FORBIDDEN:
			fail("lock %d is forbidden pair %d", cf->a + 1, cf->b + 1);
			break;
		case MATCH_CONFLICT_LOCKS_OVER_CAP:
			fail("country %d has %d locks, more than its cap of %d", cf->country + 1,
			     cf->count, cf->cap);
			break;
		case MATCH_CONFLICT_CAP_UNMATCHABLE:
			fail("the cap of %d for country %d leaves %d participants without a "
			     "partner",
			     cf->cap, cf->country + 1, cf->count);
			break;
		}
	}
	return EXIT_FAILURE;
}

/* The network's problem as a score file (names and scores borrowed from
 * the arena; never freed with score_file_free).  The table adds each
 * candidate's country to its name; JSON keeps the name alone. */
static void network_view(struct arena *a, const struct matchmaker *m, bool json,
			 struct score_file *sf)
{
	memset(sf, 0, sizeof *sf);
	sf->n_rows = (int)m->nrows;
	sf->n_cols = (int)m->ncols;
	sf->row_names = arena_alloc(a, (m->nrows + 1) * sizeof *sf->row_names);
	sf->col_names = arena_alloc(a, (m->ncols + 1) * sizeof *sf->col_names);
	for (size_t i = 0; i < m->nrows; i++)
		sf->row_names[i] = (char *)m->rows[i].name;
	for (size_t j = 0; j < m->ncols; j++)
		sf->col_names[j] = json ? (char *)m->cols[j]->name
					: arena_printf(a, "%s (%s)", m->cols[j]->name, m->cols[j]->country);
	sf->scores = m->scores;
}

/* Explains a refusal for a network, naming the parties of each lock. */
static int report_network_conflicts(const struct matchmaker *m, const struct match_result *res)
{
	for (int k = 0; res != NULL && k < res->n_conflicts; k++) {
		const struct match_conflict *cf = &res->conflicts[k];
		const char *country = cf->country >= 0 && cf->country < m->ncountries
					      ? m->countries[cf->country] : "?";
		switch (cf->kind) {
		case MATCH_CONFLICT_ROW_LOCKED_TWICE:
		case MATCH_CONFLICT_COL_LOCKED_TWICE:
			fail("two locks give one party two partners: %s with %s, and %s with %s",
			     m->rows[m->locked[cf->a].row].name, m->cols[m->locked[cf->a].col]->name,
			     m->rows[m->locked[cf->b].row].name, m->cols[m->locked[cf->b].col]->name);
			break;
		case MATCH_CONFLICT_LOCK_FORBIDDEN:
			fail("%s with %s is both locked and forbidden", m->rows[m->locked[cf->a].row].name,
			     m->cols[m->locked[cf->a].col]->name);
			break;
		case MATCH_CONFLICT_LOCKS_OVER_CAP:
			fail("%d locks with %s, more than the cap of %d", cf->count, country, cf->cap);
			break;
		case MATCH_CONFLICT_CAP_UNMATCHABLE:
			fail("the cap of %d for %s leaves %d participants without a partner", cf->cap,
			     country, cf->count);
			break;
		default:
			fail("cannot match: %s", cf->what != NULL ? cf->what : "bad input");
			break;
		}
	}
	return EXIT_FAILURE;
}

/* natverk match --network SLUG */
static int match_network(const struct config *cfg, const char *slug, bool json, bool timing)
{
	char err[512];
	struct db *db;
	if (cli_open_db(cfg, &db, err, sizeof err) != E_OK)
		return fail("%s", err);
	struct arena *a = arena_new();
	int status = EXIT_FAILURE;
	struct match_result *res = NULL;
	struct buf out = BUF_INIT;
	buf_init(&out, (size_t)1 << 30);
	int64_t id;
	const char *sv, *en, *st;
	struct matchmaker m;
	enum err rc = db_match_network(db, a, slug, &id, &sv, &en, &st);
	if (rc == E_NOTFOUND) {
		fail("there is no network '%s'", slug);
		goto done;
	}
	if (rc != E_OK || (rc = mm_load(db, a, id, &m)) != E_OK) {
		fail("cannot read the network: %s", db_errmsg(db));
		goto done;
	}
	struct match_problem p;
	mm_problem(&m, &p);
	double t1 = now_ms();
	rc = match_solve(&p, &res);
	if (timing)
		fprintf(stderr, "natverk: solve time %.3f ms\n", now_ms() - t1);
	if (rc == E_NOMEM) {
		fail("out of memory solving %zu x %zu", m.nrows, m.ncols);
		goto done;
	}
	if (rc != E_OK && (res == NULL || !res->has_assignment)) {
		status = report_network_conflicts(&m, res);
		goto done;
	}
	if (rc != E_OK)
		(void)report_network_conflicts(&m, res); /* a cap left some out: say so, show the rest */
	struct score_file sf;
	network_view(a, &m, json, &sf);
	if (json)
		print_json(&out, &sf, res);
	else
		print_table(&out, &sf, res);
	if (!json && m.nexcluded > 0) {
		buf_printf(&out, "\nCandidates outside the network's countries (never proposed): %zu\n",
			   m.nexcluded);
		for (size_t k = 0; k < m.nexcluded; k++)
			buf_printf(&out, "  %s (%s)\n", m.excluded[k]->name, m.excluded[k]->country);
	}
	if (buf_failed(&out) || fwrite(buf_str(&out), 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fail("cannot write the output");
		goto done;
	}
	status = EXIT_SUCCESS;
done:
	buf_free(&out);
	match_result_free(res);
	arena_free(a);
	db_close(db);
	return status;
}

enum opt { OPT_SCORES = 1000, OPT_NETWORK, OPT_JSON, OPT_TIME };

int match_cli(int argc, char **argv, struct config *cfg)
{
	static const struct option opts[] = {
	    {"scores", required_argument, NULL, OPT_SCORES},
	    {"network", required_argument, NULL, OPT_NETWORK},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"time", no_argument, NULL, OPT_TIME}, /* hidden: solve time for bench/ */
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *scores = NULL, *network = NULL;
	bool json = false, timing = false;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_match, stdout); return EXIT_SUCCESS;
		case OPT_SCORES: scores = optarg; break;
		case OPT_NETWORK: network = optarg; break;
		case OPT_JSON: json = true; break;
		case OPT_TIME: timing = true; break;
		default: fputs(usage_match, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fail("unexpected argument '%s'", argv[optind]);
		fputs(usage_match, stderr);
		return EXIT_USAGE;
	}
	if ((scores == NULL) == (network == NULL)) {
		fail("give either --scores FILE or --network SLUG");
		fputs(usage_match, stderr);
		return EXIT_USAGE;
	}
	if (network != NULL)
		return match_network(cfg, network, json, timing);

	int status = EXIT_FAILURE;
	struct score_file sf = {0};
	struct match_result *res = NULL;
	struct buf out = BUF_INIT;
	buf_init(&out, (size_t)1 << 30);
	sf.path = scores;
	double t0 = now_ms();
	enum err rc = read_scores(&sf);
	if (rc == E_NOMEM) {
		fail("out of memory reading %s", scores);
		goto done;
	}
	if (rc != E_OK) {
		fail("%s", sf.err);
		goto done;
	}
	if (sf.progress)
		fprintf(stderr, "natverk: read %d x %d scores in %.1f s\n", sf.n_rows, sf.n_cols,
			(now_ms() - t0) / 1e3);

	int shown = 0;
	struct match_problem p = {
	    .n_rows = sf.n_rows,
	    .n_cols = sf.n_cols,
	    .scores = sf.scores,
	    .progress = sf.progress ? on_progress : NULL,
	    .progress_arg = &shown,
	};
	double t1 = now_ms();
	rc = match_solve(&p, &res);
	double t2 = now_ms();
	if (timing)
		fprintf(stderr, "natverk: solve time %.3f ms\n", t2 - t1);
	if (sf.progress)
		fprintf(stderr, "natverk: solved in %.1f s\n", (t2 - t1) / 1e3);
	if (rc == E_NOMEM) {
		fail("out of memory solving %d x %d", sf.n_rows, sf.n_cols);
		goto done;
	}
	if (rc != E_OK) {
		status = report_conflicts(res);
		goto done;
	}
	if (json)
		print_json(&out, &sf, res);
	else
		print_table(&out, &sf, res);
	if (buf_failed(&out)) {
		fail("the output is too large");
		goto done;
	}
	if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		fail("cannot write the output: %s", strerror(errno));
		goto done;
	}
	status = EXIT_SUCCESS;
done:
	buf_free(&out);
	match_result_free(res);
	score_file_free(&sf);
	return status;
}
