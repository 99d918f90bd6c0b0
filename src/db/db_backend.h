/*
 * db_backend.h - what db.c shares with the two backends (db_sqlite.c,
 * db_pg.c).  Private to src/db/: nothing outside this folder includes it,
 * except the database tests, which call db_sql_scan directly.
 *
 * db.c owns what both engines have in common: the connection's statement
 * cache keyed by SQL text, the recording of bound parameters, error
 * messages and the per-thread connection.  A backend embeds struct db and
 * struct db_stmt as the first member of its own structs and fills a
 * struct db_ops; db.c calls through it.
 *
 * Bound parameters are recorded, not handed to the engine at once: db_bind_*
 * stores kind and value (text copied into the statement's reusable text
 * buffer, NUL-terminated), and the backend passes them all to the engine on
 * the first db_step.  This keeps one copy of each text (SQLite then binds it
 * SQLITE_STATIC; libpq needs NUL-terminated strings) and lets PostgreSQL
 * choose parameter types from the first bindings when it prepares lazily.
 */
#ifndef NATVERK_DB_BACKEND_H
#define NATVERK_DB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/buf.h"

enum db_param_kind {
	DB_PARAM_UNSET = 0, /* never bound: SQL NULL */
	DB_PARAM_NULL,	    /* bound NULL */
	DB_PARAM_TEXT,	    /* text at off/len in the statement's text buffer */
	DB_PARAM_INT,	    /* i */
	DB_PARAM_DOUBLE,    /* d */
};

struct db_param {
	enum db_param_kind kind; /* what was bound */
	size_t off;		 /* TEXT: offset in db_stmt.text */
	size_t len;		 /* TEXT: length without the NUL that follows */
	int64_t i;		 /* INT: the value */
	double d;		 /* DOUBLE: the value */
};

struct db_stmt {
	struct db *db;		 /* owning connection */
	char *sql;		 /* owned copy of the SQL text: the cache key */
	size_t sql_len;		 /* strlen(sql) */
	uint64_t hash;		 /* hash of sql, for the cache */
	struct db_stmt *next;	 /* next statement in the same cache bucket */
	int nparams;		 /* highest $n in sql (db_sql_scan) */
	struct db_param *params; /* nparams entries, params[n - 1] is $n */
	struct buf text;	 /* bound text bytes, kept between uses */
	bool in_use;		 /* handed out by db_prepare, not yet db_done */
	bool started;		 /* db_step has run since the last db_done */
	enum err bind_err;	 /* sticky: a bind failed; reported by db_step */
	const char *bind_msg;	 /* static message for bind_err */
};

/* The operations a backend provides; see db.h for their meaning.  db.c
 * checks arguments and the sticky bind error before calling them, and keeps
 * the transaction state (struct db in_txn, txn_failed): commit is only
 * called when no statement failed, and a failed commit is followed by
 * rollback. */
struct db_ops {
	void (*close)(struct db *db);
	/* Allocates a backend statement for sql (already scanned: nparams is
	 * known) and compiles it if the engine allows; *out has base zeroed
	 * except what the backend sets.  E_DB with the message set on error. */
	enum err (*stmt_new)(struct db *db, const char *sql, size_t len, struct db_stmt **out);
	void (*stmt_free)(struct db_stmt *st);
	/* Resets the engine's side of st (cursor, results, bindings). */
	void (*stmt_reset)(struct db_stmt *st);
	enum err (*step)(struct db_stmt *st, bool *row);
	int (*col_count)(struct db_stmt *st);
	bool (*col_is_null)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	int64_t (*col_int)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	int64_t (*changes)(struct db_stmt *st);
	enum err (*exec)(struct db *db, const char *sql);
	enum err (*begin)(struct db *db);
	enum err (*commit)(struct db *db);
	void (*rollback)(struct db *db);
};

struct db {
	const struct db_ops *ops;    /* the backend */
	enum db_backend backend;     /* DB_SQLITE or DB_POSTGRES */
	char *url;		     /* as given to db_open (db_thread_conn compares it) */
	struct db_stmt **buckets;    /* statement cache, nbuckets chains */
	size_t nbuckets;	     /* a power of two */
	size_t nstmts;		     /* statements in the cache */
	bool in_txn;		     /* db_begin succeeded, no commit or rollback yet */
	bool txn_failed;	     /* a statement failed inside that transaction */
	char errmsg[DB_ERRLEN];	     /* last error, one line */
};

/* Backend constructors, called by db_open.  On success *out is a connection
 * whose common part the backend has set with db_init_common. */
enum err db_sqlite_open(const char *path, struct db **out, char *err, size_t errlen);
enum err db_pg_open(const char *url, struct db **out, char *err, size_t errlen);

/* Fills the common part of a freshly allocated connection. */
void db_init_common(struct db *db, const struct db_ops *ops, enum db_backend backend);

/* Sets db's error message from a format, folded onto one line and cut to
 * DB_ERRLEN.  Returns rc, so a backend can write `return db_fail(db, E_DB, ...)`. */
enum err db_fail(struct db *db, enum err rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies src into out (outlen bytes, NUL-terminated) on one line: a newline
 * and the indentation after it (libpq indents its hints) become "; ", other
 * control characters a space, and trailing separators are dropped. */
void db_one_line(char *out, size_t outlen, const char *src);

/*
 * Scans sql[0..len) for $n placeholders outside '...' strings (E'...' with
 * backslash escapes included), "..." identifiers, $tag$ dollar quotes,
 * -- and block comments.  Returns the highest n found (0 if none).  When out
 * is not NULL it also appends the SQL with every such $n written as ?n
 * (SQLite's numbered form); everything else is copied unchanged.
 */
int db_sql_scan(const char *sql, size_t len, struct buf *out);

#endif
