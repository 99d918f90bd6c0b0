/*
 * db.h - the one database API over SQLite and PostgreSQL.
 *
 * Everything above src/db/ talks to the database through this header and
 * through the typed query functions in q_*.h; nothing else includes
 * <sqlite3.h> or <libpq-fe.h>.
 *
 * Conventions:
 *  - SQL text is written once, in PostgreSQL's placeholder dialect ($1..$n);
 *    the SQLite backend rewrites $n to ?n at prepare time (outside quotes and
 *    comments).  Values are always bound, never formatted into SQL.
 *  - Where PostgreSQL cannot infer a parameter's type (e.g. "$1 IS NULL"),
 *    the SQL says CAST($1 AS TEXT), which both engines accept.
 *  - Types in schemas: INTEGER/BIGINT, TEXT, DOUBLE PRECISION; booleans are
 *    INTEGER 0/1 and timestamps are TEXT in ISO 8601 UTC computed in C, so
 *    one SQL text serves both engines.
 *  - A connection belongs to one thread at a time.  The server keeps one
 *    connection per worker thread (db_thread_conn).
 *  - Prepared statements are cached per connection, keyed by SQL text, so
 *    the hot path never re-parses SQL (PostgreSQL: named server-side
 *    prepared statements).
 */
#ifndef NATVERK_DB_H
#define NATVERK_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum db_backend {
	DB_SQLITE,   /* embedded file, WAL, foreign keys on, busy timeout */
	DB_POSTGRES, /* libpq */
};

struct db;	/* one connection */
struct db_stmt; /* a prepared statement owned by its connection's cache */

/* Maximum length of a one-line error message written by db functions. */
#define DB_ERRLEN 256
/* Busy timeout for every SQLite connection, readers included (ms). */
#define DB_SQLITE_BUSY_MS 5000
/* Maximum number of bound parameters in one statement. */
#define DB_MAX_PARAMS 64

/* Which backend a NATVERK_DB value selects: a postgres:// or postgresql://
 * URL selects PostgreSQL, anything else is a SQLite file path. */
enum db_backend db_backend_for(const char *url);

/*
 * Opens a connection.  url: a SQLite file path (created if missing) or a
 * postgres:// URL.  On success *out is the connection (free with db_close)
 * and E_OK is returned.  On failure returns E_DB (cannot connect or open) or
 * E_INVALID (empty url) and writes a one-line English message, without any
 * password from the url, into err (errlen bytes, may be NULL).
 */
enum err db_open(const char *url, struct db **out, char *err, size_t errlen);

/* Closes a connection and finalizes its cached statements. NULL is allowed. */
void db_close(struct db *db);

enum db_backend db_backend(const struct db *db);

/* The last error message on this connection ("" if none). Borrowed. */
const char *db_errmsg(const struct db *db);

/*
 * Fetches the prepared statement for sql from the connection's cache, or
 * prepares it.  sql must stay valid as long as the connection (in practice a
 * string literal).  The statement comes back reset with no bindings; give it
 * back with db_done() when finished, on every path.  Returns E_DB on a
 * syntax error (message in db_errmsg).
 */
enum err db_prepare(struct db *db, const char *sql, struct db_stmt **out);

/* Binds parameter idx (1-based, matching $idx).  Text is copied.  A NULL
 * text binds SQL NULL. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_null(struct db_stmt *st, int idx);

/*
 * Runs the statement (on the first call) and advances to the next row.
 * Returns E_OK and *row = true when a row is available, E_OK and *row =
 * false when there are no more rows; E_CONFLICT on a unique-constraint
 * violation, E_UNPROCESSABLE on a foreign-key or check violation, E_DB
 * otherwise (message in db_errmsg).  row may be NULL for statements that
 * return nothing.
 */
enum err db_step(struct db_stmt *st, bool *row);

/* Column accessors for the current row; col is 0-based.  Text is borrowed
 * until the next db_step or db_done; NULL for SQL NULL. */
int db_col_count(struct db_stmt *st);
bool db_col_is_null(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);

/* Rows changed by the last INSERT/UPDATE/DELETE run through st. */
int64_t db_changes(struct db_stmt *st);

/* Resets the statement, clears bindings and returns it to the cache. NULL ok. */
void db_done(struct db_stmt *st);

/* Runs a script of one or more statements without parameters (migrations). */
enum err db_exec(struct db *db, const char *sql);

/* Transactions.  db_begin starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, so writers queue on the busy timeout instead of failing
 * half-way).  db_rollback is safe to call when no transaction is open. */
enum err db_begin(struct db *db);
enum err db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * The calling thread's own connection to url, opened on first use and
 * closed when the thread exits.  Used by the server's worker threads.
 */
enum err db_thread_conn(const char *url, struct db **out, char *err, size_t errlen);

/* Writes url with any password replaced by "***" into out (for messages). */
void db_redact_url(const char *url, char *out, size_t outlen);

#endif
