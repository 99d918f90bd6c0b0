/*
 * test_db.c - tests of the database API (src/db/db.c and both backends).
 *
 * Every test runs on the backend NATVERK_TEST_DB names (unset: a fresh
 * SQLite file), so the same assertions hold on SQLite and PostgreSQL; the
 * few engine-specific checks say so and are skipped on the other engine.
 * Covers the $n placeholder scanner, binding and reading every type, the
 * statement cache, transactions, error mapping, per-thread connections,
 * reconnection and keeping passwords out of messages.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/db_backend.h"
#include "tests/support.h"

static const char *const schema =
	"CREATE TABLE parent (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE child (id BIGINT PRIMARY KEY,"
	" parent_id BIGINT NOT NULL REFERENCES parent (id),"
	" note TEXT CHECK (length(note) < 20));"
	"CREATE TABLE vals (id BIGINT PRIMARY KEY, t TEXT, i BIGINT, d DOUBLE PRECISION);";

static void exec_ok(struct db *db, const char *sql)
{
	enum err rc = db_exec(db, sql);
	cr_assert_eq(rc, E_OK, "db_exec(%s): %s", sql, db_errmsg(db));
}

/* A fresh database with the tables above. */
static struct db *setup(void)
{
	struct db *db = test_db_fresh();
	exec_ok(db, schema);
	return db;
}

/* Runs a query without parameters that returns one integer. */
static int64_t query_int(struct db *db, const char *sql)
{
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, sql, &st), E_OK, "prepare %s: %s", sql, db_errmsg(db));
	cr_assert_eq(db_step(st, &row), E_OK, "step %s: %s", sql, db_errmsg(db));
	cr_assert(row, "no row from %s", sql);
	int64_t v = db_col_int(st, 0);
	db_done(st);
	return v;
}

/* Prepares and runs a one-statement SQL with one text parameter; returns the
 * error of db_prepare or db_step. */
static enum err run_text(struct db *db, const char *sql, const char *a)
{
	struct db_stmt *st = NULL;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, a);
	rc = db_step(st, NULL);
	db_done(st);
	return rc;
}

static void insert_parent(struct db *db, int64_t id, const char *name)
{
	struct db_stmt *st = NULL;
	cr_assert_eq(db_prepare(db, "INSERT INTO parent (id, name) VALUES ($1, $2)", &st), E_OK,
		     "%s", db_errmsg(db));
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	enum err rc = db_step(st, NULL);
	db_done(st);
	cr_assert_eq(rc, E_OK, "insert parent %s: %s", name, db_errmsg(db));
}

static bool is_postgres(void)
{
	return db_backend_for(test_db_url()) == DB_POSTGRES;
}

/* --- placeholder scanner ------------------------------------------------ */

Test(db, placeholder_rewrite_table)
{
	static const struct {
		const char *in;	  /* PostgreSQL dialect */
		const char *out;  /* SQLite dialect */
		int max;	  /* highest $n */
	} cases[] = {
		{"SELECT $1", "SELECT ?1", 1},
		{"SELECT $1, $10, $2", "SELECT ?1, ?10, ?2", 10},
		{"SELECT $1 + $1", "SELECT ?1 + ?1", 1},
		{"SELECT '$1'", "SELECT '$1'", 0},
		{"SELECT 'it''s $1', $2", "SELECT 'it''s $1', ?2", 2},
		{"SELECT \"$1\" FROM t", "SELECT \"$1\" FROM t", 0},
		{"SELECT \"a\"\"$1\", $3", "SELECT \"a\"\"$1\", ?3", 3},
		{"SELECT $1 -- $2\n, $3", "SELECT ?1 -- $2\n, ?3", 3},
		{"SELECT $1 -- $2", "SELECT ?1 -- $2", 1},
		{"SELECT /* $9 */ $1", "SELECT /* $9 */ ?1", 1},
		{"SELECT /* $9 unterminated", "SELECT /* $9 unterminated", 0},
		{"SELECT E'\\'$1', $2", "SELECT E'\\'$1', ?2", 2},
		{"SELECT '\\', $1", "SELECT '\\', ?1", 1},
		{"SELECT $$ $1 $$, $2", "SELECT $$ $1 $$, ?2", 2},
		{"SELECT $tag$ $1 $tag$, $3", "SELECT $tag$ $1 $tag$, ?3", 3},
		{"SELECT a$1 FROM t", "SELECT a$1 FROM t", 0},
		{"SELECT '$1", "SELECT '$1", 0},
		{"SELECT $", "SELECT $", 0},
		{"SELECT $a", "SELECT $a", 0},
		{"$1", "?1", 1},
		{"", "", 0},
		{"INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
		 "INSERT INTO t VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", 11},
		{"SELECT 'Göteborg $1', $1", "SELECT 'Göteborg $1', ?1", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf out = BUF_INIT;
		int max = db_sql_scan(cases[i].in, strlen(cases[i].in), &out);
		cr_expect_str_eq(buf_str(&out), cases[i].out, "rewrite of [%s]", cases[i].in);
		cr_expect_eq(max, cases[i].max, "highest $n of [%s]: %d", cases[i].in, max);
		cr_expect_eq(db_sql_scan(cases[i].in, strlen(cases[i].in), NULL), cases[i].max);
		buf_free(&out);
	}
}

Test(db, placeholders_inside_strings_and_comments_are_text)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db,
				"SELECT '$1 and $2', /* $3 */ CAST($2 AS TEXT), CAST($1 AS TEXT) -- $4\n",
				&st),
		     E_OK, "%s", db_errmsg(db));
	db_bind_text(st, 1, "one");
	db_bind_text(st, 2, "two");
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_assert_eq(db_col_count(st), 3);
	cr_expect_str_eq(db_col_text(st, 0), "$1 and $2");
	cr_expect_str_eq(db_col_text(st, 1), "two");
	cr_expect_str_eq(db_col_text(st, 2), "one");
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(!row);
	db_done(st);
	db_close(db);
}

Test(db, placeholder_ten_is_not_one)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db,
				"SELECT CAST($1 AS TEXT) || CAST($2 AS TEXT) || CAST($3 AS TEXT)"
				" || CAST($4 AS TEXT) || CAST($5 AS TEXT) || CAST($6 AS TEXT)"
				" || CAST($7 AS TEXT) || CAST($8 AS TEXT) || CAST($9 AS TEXT),"
				" CAST($10 AS TEXT), CAST($11 AS TEXT)",
				&st),
		     E_OK, "%s", db_errmsg(db));
	const char *v[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "ten", "eleven"};
	for (int i = 0; i < 11; i++)
		db_bind_text(st, i + 1, v[i]);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_expect_str_eq(db_col_text(st, 0), "abcdefghi");
	cr_expect_str_eq(db_col_text(st, 1), "ten");
	cr_expect_str_eq(db_col_text(st, 2), "eleven");
	db_done(st);
	db_close(db);
}

Test(db, repeated_placeholder_binds_once)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, "SELECT CAST($1 AS BIGINT) + CAST($1 AS BIGINT)", &st), E_OK,
		     "%s", db_errmsg(db));
	db_bind_int(st, 1, 21);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_expect_eq(db_col_int(st, 0), 42);
	db_done(st);
	db_close(db);
}

/* --- binding and reading ------------------------------------------------ */

/* Stores t in vals row id through a text binding and reads it back. */
static void text_roundtrip(struct db *db, int64_t id, const char *t, size_t len, const char *want)
{
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, t) VALUES ($1, $2)", &st), E_OK);
	db_bind_int(st, 1, id);
	db_bind_textn(st, 2, t, len);
	cr_assert_eq(db_step(st, &row), E_OK, "insert [%s]: %s", want, db_errmsg(db));
	cr_assert(!row);
	db_done(st);

	cr_assert_eq(db_prepare(db, "SELECT t, length(t) FROM vals WHERE id = $1", &st), E_OK);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_expect(!db_col_is_null(st, 0));
	cr_expect_str_eq(db_col_text(st, 0), want);
	db_done(st);
}

Test(db, text_roundtrip_utf8_quotes_empty)
{
	struct db *db = setup();
	const char *utf8 = "Göteborg – Åre ✓ 日本 🇸🇪";
	const char *quotes = "O'Brien said \"hej\"; DROP TABLE vals; -- '$1'";
	text_roundtrip(db, 1, utf8, strlen(utf8), utf8);
	text_roundtrip(db, 2, quotes, strlen(quotes), quotes);
	text_roundtrip(db, 3, "", 0, "");
	/* textn binds exactly len bytes of a longer buffer. */
	text_roundtrip(db, 4, "abcdef", 3, "abc");
	/* The code point count, not bytes: the engines agree the text is UTF-8. */
	cr_expect_eq(query_int(db, "SELECT length(t) FROM vals WHERE id = 1"), 22);
	/* A long text goes through the statement's buffer too. */
	char big[20000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	text_roundtrip(db, 5, big, strlen(big), big);
	db_close(db);
}

Test(db, bound_text_is_copied)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	char scratch[16];
	snprintf(scratch, sizeof scratch, "first");
	cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, t) VALUES (1, $1)", &st), E_OK);
	db_bind_text(st, 1, scratch);
	/* The caller may reuse its buffer before db_step. */
	snprintf(scratch, sizeof scratch, "changed");
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	db_done(st);
	cr_assert_eq(db_prepare(db, "SELECT t FROM vals WHERE id = 1", &st), E_OK);
	cr_assert_eq(db_step(st, NULL), E_OK);
	cr_expect_str_eq(db_col_text(st, 0), "first");
	db_done(st);
	db_close(db);
}

Test(db, int64_extremes)
{
	struct db *db = setup();
	static const struct {
		int64_t v;	  /* value stored */
		const char *text; /* as the engine writes it */
	} cases[] = {
		{INT64_MIN, "-9223372036854775808"},
		{INT64_MAX, "9223372036854775807"},
		{0, "0"},
		{-1, "-1"},
		{4294967296, "4294967296"},
	};
	struct db_stmt *st = NULL;
	bool row = false;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, i) VALUES ($1, $2)", &st), E_OK);
		db_bind_int(st, 1, (int64_t)i);
		db_bind_int(st, 2, cases[i].v);
		cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
		db_done(st);
	}
	cr_assert_eq(db_prepare(db, "SELECT i, i FROM vals ORDER BY id", &st), E_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
		cr_assert(row);
		cr_expect_eq(db_col_int(st, 0), cases[i].v, "case %zu", i);
		cr_expect_str_eq(db_col_text(st, 1), cases[i].text, "case %zu", i);
	}
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(!row);
	db_done(st);
	/* And as a parameter compared in SQL, not just stored. */
	cr_assert_eq(db_prepare(db, "SELECT count(*) FROM vals WHERE i = $1", &st), E_OK);
	db_bind_int(st, 1, INT64_MIN);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_col_int(st, 0), 1);
	db_done(st);
	db_close(db);
}

Test(db, double_values)
{
	struct db *db = setup();
	const double cases[] = {0.1, -1.5e300, 3.141592653589793, 2.5, -0.0, 1e-300, 123456789.125};
	const size_t n = sizeof cases / sizeof cases[0];
	struct db_stmt *st = NULL;
	bool row = false;
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, d) VALUES ($1, $2)", &st), E_OK);
		db_bind_int(st, 1, (int64_t)i);
		db_bind_double(st, 2, cases[i]);
		cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
		db_done(st);
	}
	cr_assert_eq(db_prepare(db, "SELECT d FROM vals ORDER BY id", &st), E_OK);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
		cr_assert(row);
		cr_expect_eq(db_col_double(st, 0), cases[i], "case %zu: %.17g", i,
			     db_col_double(st, 0));
	}
	db_done(st);
	/* Arithmetic on a bound double happens in the engine. */
	cr_assert_eq(db_prepare(db, "SELECT d * $1 FROM vals WHERE id = 3", &st), E_OK);
	db_bind_double(st, 1, 4.0);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_col_double(st, 0), 10.0);
	db_done(st);
	db_close(db);
}

Test(db, doubles_ignore_a_decimal_comma_locale)
{
	struct db *db = setup();
	if (setlocale(LC_ALL, "sv_SE.UTF-8") == NULL && setlocale(LC_ALL, "sv_SE.utf8") == NULL)
		cr_skip_test("the sv_SE locale is not installed");
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, d) VALUES (1, $1)", &st), E_OK);
	db_bind_double(st, 1, 1.5);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	db_done(st);
	cr_assert_eq(db_prepare(db, "SELECT d, d * 2 FROM vals WHERE id = 1", &st), E_OK);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_col_double(st, 0), 1.5);
	cr_expect_eq(db_col_double(st, 1), 3.0);
	db_done(st);
	setlocale(LC_ALL, "C");
	db_close(db);
}

Test(db, null_values)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, "INSERT INTO vals (id, t, i, d) VALUES ($1, $2, $3, $4)", &st),
		     E_OK);
	db_bind_int(st, 1, 1);
	db_bind_text(st, 2, NULL);
	db_bind_null(st, 3);
	/* $4 never bound: NULL as well. */
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	db_done(st);
	cr_assert_eq(db_prepare(db, "SELECT t, i, d FROM vals WHERE id = 1", &st), E_OK);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	for (int c = 0; c < 3; c++) {
		cr_expect(db_col_is_null(st, c), "column %d", c);
		cr_expect_null(db_col_text(st, c), "column %d", c);
	}
	cr_expect_eq(db_col_int(st, 1), 0);
	cr_expect_eq(db_col_double(st, 2), 0.0);
	db_done(st);
	/* Text and NULL in one parameter: the empty string is not NULL. */
	cr_assert_eq(db_prepare(db, "SELECT CAST($1 AS TEXT) IS NULL, CAST($2 AS TEXT) IS NULL",
				&st),
		     E_OK);
	db_bind_text(st, 1, "");
	db_bind_null(st, 2);
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_col_int(st, 0), 0);
	cr_expect_eq(db_col_int(st, 1), 1);
	db_done(st);
	db_close(db);
}

Test(db, changes_count_written_rows)
{
	struct db *db = setup();
	insert_parent(db, 1, "a");
	insert_parent(db, 2, "b");
	insert_parent(db, 3, "c");
	struct db_stmt *st = NULL;
	cr_assert_eq(db_prepare(db, "UPDATE parent SET name = name || 'x' WHERE id >= $1", &st),
		     E_OK);
	db_bind_int(st, 1, 2);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_changes(st), 2);
	db_done(st);
	cr_assert_eq(db_prepare(db, "DELETE FROM parent WHERE id = $1", &st), E_OK);
	db_bind_int(st, 1, 42);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(db_changes(st), 0);
	db_done(st);
	bool row = true;
	cr_assert_eq(db_prepare(db, "SELECT id FROM parent", &st), E_OK);
	while (row)
		cr_assert_eq(db_step(st, &row), E_OK);
	cr_expect_eq(db_changes(st), 0, "a SELECT changes nothing");
	/* Stepping past the end stays at the end; it never runs the query again. */
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_expect(!row);
	db_done(st);
	db_close(db);
}

Test(db, boolean_expressions_read_as_int)
{
	struct db *db = setup();
	cr_expect_eq(query_int(db, "SELECT 1 = 1"), 1);
	cr_expect_eq(query_int(db, "SELECT 1 = 2"), 0);
	cr_expect_eq(query_int(db, "SELECT EXISTS (SELECT 1 FROM parent)"), 0);
	db_close(db);
}

/* --- statement cache ---------------------------------------------------- */

Test(db, cache_returns_the_same_statement)
{
	struct db *db = setup();
	struct db_stmt *a = NULL;
	struct db_stmt *b = NULL;
	bool row = false;
	const char *sql = "SELECT CAST($1 AS TEXT)";
	cr_assert_eq(db_prepare(db, sql, &a), E_OK);
	db_bind_text(a, 1, "x");
	cr_assert_eq(db_step(a, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_str_eq(db_col_text(a, 0), "x");
	db_done(a);
	cr_assert_eq(db_prepare(db, sql, &b), E_OK);
	cr_expect_eq(a, b, "the second prepare reuses the cached statement");
	/* It comes back without the old binding. */
	cr_assert_eq(db_step(b, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_expect(db_col_is_null(b, 0), "bindings are cleared by db_done");
	db_done(b);
	db_close(db);
}

Test(db, cache_keys_by_content_not_pointer)
{
	struct db *db = setup();
	struct db_stmt *a = NULL;
	struct db_stmt *b = NULL;
	struct db_stmt *c = NULL;
	bool row = false;
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT 1");
	cr_assert_eq(db_prepare(db, sql, &a), E_OK);
	db_done(a);
	cr_assert_eq(db_prepare(db, "SELECT 1", &b), E_OK);
	db_done(b);
	cr_expect_eq(a, b, "same text, different pointer: same statement");
	/* The caller's buffer now holds other SQL: a different statement. */
	snprintf(sql, sizeof sql, "SELECT 2");
	cr_assert_eq(db_prepare(db, sql, &c), E_OK);
	cr_expect_neq(c, a);
	cr_assert_eq(db_step(c, &row), E_OK);
	cr_expect_eq(db_col_int(c, 0), 2);
	db_done(c);
	db_close(db);
}

Test(db, cache_interleaved_statements)
{
	struct db *db = setup();
	for (int i = 1; i <= 3; i++)
		insert_parent(db, i, i == 1 ? "a" : i == 2 ? "b" : "c");
	struct db_stmt *outer = NULL;
	struct db_stmt *inner = NULL;
	struct db_stmt *first = NULL;
	bool row = false;
	int seen = 0;
	cr_assert_eq(db_prepare(db, "SELECT id FROM parent ORDER BY id", &outer), E_OK);
	first = outer;
	for (;;) {
		cr_assert_eq(db_step(outer, &row), E_OK, "%s", db_errmsg(db));
		if (!row)
			break;
		int64_t id = db_col_int(outer, 0);
		/* A second statement runs while the first is mid-way. */
		cr_assert_eq(db_prepare(db, "SELECT name FROM parent WHERE id = $1", &inner), E_OK);
		db_bind_int(inner, 1, id);
		cr_assert_eq(db_step(inner, &row), E_OK, "%s", db_errmsg(db));
		cr_assert(row);
		const char *want = id == 1 ? "a" : id == 2 ? "b" : "c";
		cr_expect_str_eq(db_col_text(inner, 0), want);
		db_done(inner);
		/* The outer cursor still reads its own row. */
		cr_expect_eq(db_col_int(outer, 0), id);
		seen++;
	}
	db_done(outer);
	cr_expect_eq(seen, 3);
	cr_assert_eq(db_prepare(db, "SELECT id FROM parent ORDER BY id", &outer), E_OK);
	cr_expect_eq(outer, first);
	db_done(outer);
	db_close(db);
}

Test(db, cache_same_sql_nested)
{
	struct db *db = setup();
	insert_parent(db, 1, "a");
	insert_parent(db, 2, "b");
	const char *sql = "SELECT id FROM parent WHERE id >= $1 ORDER BY id";
	struct db_stmt *a = NULL;
	struct db_stmt *b = NULL;
	bool row = false;
	cr_assert_eq(db_prepare(db, sql, &a), E_OK);
	db_bind_int(a, 1, 1);
	cr_assert_eq(db_step(a, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	/* The same SQL while a is in use gets its own statement. */
	cr_assert_eq(db_prepare(db, sql, &b), E_OK);
	cr_assert_neq(a, b);
	db_bind_int(b, 1, 2);
	cr_assert_eq(db_step(b, &row), E_OK, "%s", db_errmsg(db));
	cr_assert(row);
	cr_expect_eq(db_col_int(b, 0), 2);
	cr_expect_eq(db_col_int(a, 0), 1);
	db_done(b);
	cr_assert_eq(db_step(a, &row), E_OK);
	cr_expect_eq(db_col_int(a, 0), 2);
	db_done(a);
	/* Both copies stay cached and are handed out again. */
	struct db_stmt *c = NULL;
	cr_assert_eq(db_prepare(db, sql, &c), E_OK);
	cr_expect(c == a || c == b);
	db_done(c);
	db_close(db);
}

/* --- errors ------------------------------------------------------------- */

Test(db, unique_and_primary_key_violations_conflict)
{
	struct db *db = setup();
	insert_parent(db, 1, "taken");
	struct db_stmt *st = NULL;
	cr_assert_eq(db_prepare(db, "INSERT INTO parent (id, name) VALUES ($1, $2)", &st), E_OK);
	db_bind_int(st, 1, 2);
	db_bind_text(st, 2, "taken");
	cr_expect_eq(db_step(st, NULL), E_CONFLICT, "unique: %s", db_errmsg(db));
	cr_expect_neq(db_errmsg(db)[0], '\0');
	cr_expect_null(strchr(db_errmsg(db), '\n'), "one line: %s", db_errmsg(db));
	db_done(st);
	cr_assert_eq(db_prepare(db, "INSERT INTO parent (id, name) VALUES ($1, $2)", &st), E_OK);
	db_bind_int(st, 1, 1);
	db_bind_text(st, 2, "other");
	cr_expect_eq(db_step(st, NULL), E_CONFLICT, "primary key: %s", db_errmsg(db));
	db_done(st);
	/* The connection works on after a violation. */
	insert_parent(db, 3, "free");
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 2);
	db_close(db);
}

Test(db, foreign_key_check_and_not_null_violations_unprocessable)
{
	struct db *db = setup();
	insert_parent(db, 1, "p");
	cr_expect_eq(run_text(db, "INSERT INTO child (id, parent_id, note) VALUES (1, 99, $1)", "x"),
		     E_UNPROCESSABLE, "foreign key: %s", db_errmsg(db));
	cr_expect_eq(run_text(db, "INSERT INTO child (id, parent_id, note) VALUES (2, 1, $1)",
			      "a note far longer than twenty characters"),
		     E_UNPROCESSABLE, "check: %s", db_errmsg(db));
	cr_expect_eq(run_text(db, "INSERT INTO parent (id, name) VALUES (5, $1)", NULL),
		     E_UNPROCESSABLE, "not null: %s", db_errmsg(db));
	cr_expect_eq(run_text(db, "INSERT INTO child (id, parent_id, note) VALUES (3, 1, $1)", "ok"),
		     E_OK, "%s", db_errmsg(db));
	/* Deleting a referenced row is refused too. */
	cr_expect_eq(run_text(db, "DELETE FROM parent WHERE name = $1", "p"), E_UNPROCESSABLE,
		     "%s", db_errmsg(db));
	db_close(db);
}

Test(db, syntax_error_is_db_error)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	/* PostgreSQL reports it at the first db_step (preparation is lazy). */
	enum err rc = db_prepare(db, "SELEC nonsense FROM", &st);
	if (rc == E_OK) {
		rc = db_step(st, NULL);
		db_done(st);
	}
	cr_expect_eq(rc, E_DB);
	cr_expect_neq(db_errmsg(db)[0], '\0');
	cr_expect_eq(run_text(db, "SELECT * FROM no_such_table WHERE x = $1", "a"), E_DB);
	cr_expect_neq(strstr(db_errmsg(db), "no_such_table"), NULL, "%s", db_errmsg(db));
	/* Two statements in one prepared text are refused, not half-run. */
	st = NULL;
	rc = db_prepare(db, "INSERT INTO vals (id) VALUES (1); INSERT INTO vals (id) VALUES (2)",
			&st);
	if (rc == E_OK) {
		rc = db_step(st, NULL);
		db_done(st);
	}
	cr_expect_eq(rc, E_DB);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM vals"), 0);
	db_close(db);
}

Test(db, bind_errors_are_reported_by_step)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	cr_assert_eq(db_prepare(db, "SELECT CAST($1 AS TEXT)", &st), E_OK);
	db_bind_text(st, 2, "no such parameter");
	cr_expect_eq(db_step(st, NULL), E_DB);
	cr_expect_neq(strstr(db_errmsg(db), "out of range"), NULL, "%s", db_errmsg(db));
	db_done(st);
	cr_assert_eq(db_prepare(db, "SELECT CAST($1 AS TEXT)", &st), E_OK);
	db_bind_int(st, 0, 1);
	cr_expect_eq(db_step(st, NULL), E_DB);
	db_done(st);
	/* db_done cleared the error: the statement works again. */
	cr_assert_eq(db_prepare(db, "SELECT CAST($1 AS TEXT)", &st), E_OK);
	db_bind_text(st, 1, "fine");
	bool row = false;
	cr_expect_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	cr_expect_str_eq(db_col_text(st, 0), "fine");
	/* Binding after the statement has run is a mistake, reported. */
	db_bind_text(st, 1, "late");
	cr_expect_eq(db_step(st, &row), E_DB);
	db_done(st);
	db_close(db);
}

Test(db, too_many_parameters_refused)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	cr_expect_eq(db_prepare(db, "SELECT $65", &st), E_DB);
	cr_expect_null(st);
	cr_expect_neq(strstr(db_errmsg(db), "DB_MAX_PARAMS"), NULL, "%s", db_errmsg(db));
	db_close(db);
}

/* --- transactions ------------------------------------------------------- */

Test(db, transaction_commit_is_visible_to_others_only_after_commit)
{
	struct db *db = setup();
	struct db *other = NULL;
	char err[DB_ERRLEN];
	cr_assert_eq(db_open(test_db_url(), &other, err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(db_begin(db), E_OK, "%s", db_errmsg(db));
	insert_parent(db, 1, "a");
	insert_parent(db, 2, "b");
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 2, "own writes are visible");
	cr_expect_eq(query_int(other, "SELECT count(*) FROM parent"), 0, "not yet committed");
	cr_assert_eq(db_commit(db), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(query_int(other, "SELECT count(*) FROM parent"), 2);
	db_close(other);
	db_close(db);
}

Test(db, transaction_rollback_discards)
{
	struct db *db = setup();
	insert_parent(db, 1, "kept");
	cr_assert_eq(db_begin(db), E_OK, "%s", db_errmsg(db));
	insert_parent(db, 2, "dropped");
	exec_ok(db, "UPDATE parent SET name = 'changed' WHERE id = 1");
	db_rollback(db);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 1);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent WHERE name = 'kept'"), 1);
	/* Rolling back with no transaction open is harmless. */
	db_rollback(db);
	db_rollback(db);
	insert_parent(db, 3, "after");
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 2);
	/* And a new transaction can start. */
	cr_assert_eq(db_begin(db), E_OK, "%s", db_errmsg(db));
	insert_parent(db, 4, "in the second");
	cr_assert_eq(db_commit(db), E_OK, "%s", db_errmsg(db));
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 3);
	db_close(db);
}

Test(db, failed_statement_spoils_the_transaction)
{
	struct db *db = setup();
	insert_parent(db, 1, "taken");
	cr_assert_eq(db_begin(db), E_OK, "%s", db_errmsg(db));
	insert_parent(db, 2, "new");
	cr_expect_eq(run_text(db, "INSERT INTO parent (id, name) VALUES (3, $1)", "taken"),
		     E_CONFLICT);
	/* Same on both engines: the transaction cannot be committed any more. */
	cr_expect_eq(db_commit(db), E_DB);
	cr_expect_neq(strstr(db_errmsg(db), "rolled back"), NULL, "%s", db_errmsg(db));
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 1, "nothing of it stored");
	/* The connection is usable afterwards. */
	insert_parent(db, 4, "later");
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 2);
	db_close(db);
}

/* --- connections -------------------------------------------------------- */

/* The test database's URL with an application_name on PostgreSQL, so the
 * test can find its own server sessions. */
static void tagged_url(char *out, size_t outlen, const char *tag)
{
	const char *url = test_db_url();
	if (db_backend_for(url) == DB_POSTGRES)
		snprintf(out, outlen, "%s%capplication_name=%s", url,
			 strchr(url, '?') != NULL ? '&' : '?', tag);
	else
		snprintf(out, outlen, "%s", url);
}

#define WORKER_ROWS 50

struct worker {
	const char *url;	   /* database */
	int64_t first_id;	   /* ids first_id .. first_id + WORKER_ROWS - 1 */
	pthread_barrier_t *meet;   /* both threads hold their connection here */
	struct db *conn;	   /* from the first db_thread_conn */
	struct db *again;	   /* from the second */
	enum err rc;		   /* first failure */
	char err[DB_ERRLEN];	   /* its message */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct db *db = NULL;
	w->rc = db_thread_conn(w->url, &db, w->err, sizeof w->err);
	if (w->rc != E_OK) {
		pthread_barrier_wait(w->meet);
		return NULL;
	}
	w->conn = db;
	for (int i = 0; i < WORKER_ROWS && w->rc == E_OK; i++) {
		struct db_stmt *st = NULL;
		w->rc = db_begin(db);
		if (w->rc == E_OK)
			w->rc = db_prepare(db, "INSERT INTO vals (id, i) VALUES ($1, $2)", &st);
		if (w->rc == E_OK) {
			db_bind_int(st, 1, w->first_id + i);
			db_bind_int(st, 2, i);
			w->rc = db_step(st, NULL);
			db_done(st);
		}
		if (w->rc == E_OK)
			w->rc = db_commit(db);
		else
			db_rollback(db);
		if (w->rc != E_OK)
			snprintf(w->err, sizeof w->err, "%s", db_errmsg(db));
	}
	/* Both connections are alive here, so their addresses are distinct. */
	db_thread_conn(w->url, &w->again, w->err, sizeof w->err);
	pthread_barrier_wait(w->meet);
	return NULL;
}

Test(db, thread_conn_gives_each_thread_its_own_connection)
{
	struct db *db = setup();
	char url[1024];
	tagged_url(url, sizeof url, "natverk_thread_test");
	pthread_barrier_t meet;
	pthread_barrier_init(&meet, NULL, 2);
	struct worker w[2] = {
		{.url = url, .first_id = 1000, .meet = &meet},
		{.url = url, .first_id = 2000, .meet = &meet},
	};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&meet);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(w[i].rc, E_OK, "thread %d: %s", i, w[i].err);
		cr_expect_not_null(w[i].conn);
		cr_expect_eq(w[i].conn, w[i].again, "one connection per thread, reused");
		cr_expect_neq(w[i].conn, db);
	}
	cr_expect_neq(w[0].conn, w[1].conn);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM vals"), 2 * WORKER_ROWS);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM vals WHERE id >= 2000"), WORKER_ROWS);
	if (db_backend(db) == DB_POSTGRES) {
		/* The connections closed when their threads ended. */
		int64_t left = -1;
		for (int i = 0; i < 100 && left != 0; i++) {
			left = query_int(db, "SELECT count(*) FROM pg_stat_activity"
					     " WHERE application_name = 'natverk_thread_test'");
			if (left != 0)
				usleep(50000);
		}
		cr_expect_eq(left, 0, "thread connections still open");
	}
	db_close(db);
}

Test(db, thread_conn_reopens_for_another_url)
{
	struct db *a = NULL;
	struct db *b = NULL;
	char err[DB_ERRLEN];
	char url[1024];
	struct db *db = setup();
	tagged_url(url, sizeof url, "natverk_first");
	cr_assert_eq(db_thread_conn(url, &a, err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(db_thread_conn(url, &b, err, sizeof err), E_OK, "%s", err);
	cr_expect_eq(a, b);
	tagged_url(url, sizeof url, "natverk_second");
	if (!is_postgres())
		snprintf(url, sizeof url, "%s/other.db", test_tmpdir());
	cr_assert_eq(db_thread_conn(url, &b, err, sizeof err), E_OK, "%s", err);
	exec_ok(b, "CREATE TABLE IF NOT EXISTS probe (x INTEGER)");
	cr_expect_eq(query_int(b, "SELECT count(*) FROM probe"), 0);
	db_close(db);
}

Test(db, session_settings)
{
	struct db *db = setup();
	struct db_stmt *st = NULL;
	bool row = false;
	if (db_backend(db) == DB_SQLITE) {
		cr_assert_eq(db_prepare(db, "PRAGMA journal_mode", &st), E_OK);
		cr_assert_eq(db_step(st, &row), E_OK);
		cr_expect_str_eq(db_col_text(st, 0), "wal");
		db_done(st);
		cr_expect_eq(query_int(db, "PRAGMA foreign_keys"), 1);
		cr_expect_eq(query_int(db, "PRAGMA busy_timeout"), DB_SQLITE_BUSY_MS);
		cr_expect_eq(query_int(db, "PRAGMA synchronous"), 1, "NORMAL");
	} else {
		cr_assert_eq(db_prepare(db, "SELECT current_setting('statement_timeout'),"
					    " current_setting('client_encoding')",
					&st),
			     E_OK);
		cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
		cr_expect_str_eq(db_col_text(st, 0), "30s");
		cr_expect_str_eq(db_col_text(st, 1), "UTF8");
		db_done(st);
	}
	db_close(db);
}

Test(db, empty_url_is_invalid)
{
	struct db *db = NULL;
	char err[DB_ERRLEN];
	cr_expect_eq(db_open("", &db, err, sizeof err), E_INVALID);
	cr_expect_null(db);
	cr_expect_neq(err[0], '\0');
}

Test(db, unopenable_sqlite_file_is_db_error)
{
	struct db *db = NULL;
	char err[DB_ERRLEN];
	cr_expect_eq(db_open("/nonexistent-folder/deeper/x.db", &db, err, sizeof err), E_DB);
	cr_expect_null(db);
	cr_expect_neq(strstr(err, "/nonexistent-folder/deeper/x.db"), NULL, "%s", err);
}

Test(db, bad_postgres_url_gives_message_without_password)
{
	static const struct {
		const char *url;    /* cannot connect */
		const char *secret; /* must not appear in the message */
	} cases[] = {
		{"postgres://nouser@127.0.0.1:1/x", NULL},
		{"postgres://nouser:s3cr3tpw@127.0.0.1:1/x", "s3cr3tpw"},
		{"postgresql://nouser:p%40ss%3Aw0rd@127.0.0.1:1/x?sslmode=disable", "w0rd"},
		{"postgresql://nouser@127.0.0.1:1/x?password=qu3ryp4ss&connect_timeout=2",
		 "qu3ryp4ss"},
		{"postgres://nouser:s3cr3tpw@[::1/x", "s3cr3tpw"},
		{"postgres://nouser:s3cr3tpw@127.0.0.1:1/x?nonsense_option=1", "s3cr3tpw"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct db *db = NULL;
		char err[DB_ERRLEN] = "";
		cr_expect_eq(db_open(cases[i].url, &db, err, sizeof err), E_DB, "%s",
			     cases[i].url);
		cr_expect_null(db);
		cr_expect_neq(err[0], '\0', "a message for %s", cases[i].url);
		cr_expect_null(strchr(err, '\n'), "one line: %s", err);
		if (cases[i].secret != NULL)
			cr_expect_null(strstr(err, cases[i].secret), "password leaked: %s", err);
		cr_log_info("%s -> %s", cases[i].url, err);
	}
}

Test(db, redact_url_table)
{
	static const struct {
		const char *in;	 /* as configured */
		const char *out; /* as logged */
	} cases[] = {
		{"natverk.db", "natverk.db"},
		{"/var/lib/natverk/natverk.db", "/var/lib/natverk/natverk.db"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://u:pw@h:5432/db", "postgres://u:***@h:5432/db"},
		{"postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"},
		{"postgresql://u:pw@h", "postgresql://u:***@h"},
		{"postgresql:///db?host=/tmp&password=x&user=u", "postgresql:///db?host=/tmp&password=***&user=u"},
		{"postgresql:///db?password=x", "postgresql:///db?password=***"},
		{"postgres://h/db?user=a@b", "postgres://h/db?user=a@b"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		db_redact_url(cases[i].in, out, sizeof out);
		cr_expect_str_eq(out, cases[i].out, "redact %s", cases[i].in);
	}
	/* A short buffer is cut, still terminated, and never shows the password. */
	char small[12];
	db_redact_url("postgres://u:secretpassword@h/db", small, sizeof small);
	cr_expect_str_eq(small, "postgres://");
	char tiny[20];
	db_redact_url("postgres://u:secretpassword@h/db", tiny, sizeof tiny);
	cr_expect_null(strstr(tiny, "secret"), "%s", tiny);
}

/* --- PostgreSQL reconnection ------------------------------------------- */

/* Ends db's server session from another connection, as a server restart or
 * a network failure would. */
static void kill_session(struct db *db)
{
	int64_t pid = query_int(db, "SELECT pg_backend_pid()");
	struct db *admin = NULL;
	char err[DB_ERRLEN];
	cr_assert_eq(db_open(test_db_url(), &admin, err, sizeof err), E_OK, "%s", err);
	struct db_stmt *st = NULL;
	cr_assert_eq(db_prepare(admin, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", &st),
		     E_OK);
	db_bind_int(st, 1, pid);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(admin));
	db_done(st);
	db_close(admin);
	/* Termination is asynchronous; give the backend a moment to go. */
	usleep(200000);
}

Test(db, postgres_reconnects_after_a_dropped_connection)
{
	if (!is_postgres())
		cr_skip_test("PostgreSQL only (NATVERK_TEST_DB is not a postgres:// URL)");
	struct db *db = setup();
	insert_parent(db, 1, "before");
	kill_session(db);
	/* The statement that meets the dead connection fails... */
	struct db_stmt *st = NULL;
	enum err rc = db_prepare(db, "SELECT count(*) FROM parent WHERE id >= $1", &st);
	cr_assert_eq(rc, E_OK);
	db_bind_int(st, 1, 0);
	cr_expect_eq(db_step(st, NULL), E_DB);
	cr_expect_neq(db_errmsg(db)[0], '\0');
	db_done(st);
	/* ...the next one reconnects and prepares its statement again. */
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 1);
	insert_parent(db, 2, "after");
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 2);
	cr_expect_eq(query_int(db, "SELECT CAST(current_setting('statement_timeout') = '30s' AS INTEGER)"),
		     1, "settings survive the reconnection");
	db_close(db);
}

Test(db, postgres_does_not_reconnect_inside_a_transaction)
{
	if (!is_postgres())
		cr_skip_test("PostgreSQL only (NATVERK_TEST_DB is not a postgres:// URL)");
	struct db *db = setup();
	cr_assert_eq(db_begin(db), E_OK, "%s", db_errmsg(db));
	insert_parent(db, 1, "lost");
	kill_session(db);
	cr_expect_eq(run_text(db, "INSERT INTO parent (id, name) VALUES (2, $1)", "x"), E_DB);
	/* Reconnecting here would run the rest of the transaction in autocommit. */
	cr_expect_eq(run_text(db, "INSERT INTO parent (id, name) VALUES (3, $1)", "y"), E_DB);
	cr_expect_neq(strstr(db_errmsg(db), "inside a transaction"), NULL, "%s", db_errmsg(db));
	cr_expect_neq(db_commit(db), E_OK);
	db_rollback(db);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM parent"), 0);
	db_close(db);
}
