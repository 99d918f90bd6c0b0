/*
 * db_sqlite.c - the SQLite backend of db.h.
 *
 * Owns the sqlite3 handle and its statements.  Every connection, readers
 * included, gets a busy timeout (without it readers fail with "database is
 * locked" while a writer checkpoints), WAL journal mode, foreign keys on and
 * synchronous=NORMAL (durable across application crashes; the last
 * transactions may be lost on power failure, as WAL intends).  Connections
 * are opened without SQLite's own mutexes: a connection belongs to one
 * thread at a time (db.h).
 *
 * SQL arrives in PostgreSQL's $n dialect and is rewritten to ?n once, when
 * the statement is prepared; db_sql_scan (db.c) knows where quotes and
 * comments are.  Bound text lives in the statement's own buffer (db.c) and
 * is handed to SQLite as SQLITE_STATIC, so SQLite makes no copy of it.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_backend.h"

struct sq_db {
	struct db base; /* must be first */
	sqlite3 *h;	/* the connection */
};

struct sq_stmt {
	struct db_stmt base; /* must be first */
	sqlite3_stmt *h;     /* the compiled statement */
	bool bound;	     /* the recorded parameters were handed to SQLite */
	bool done;	     /* sqlite3_step returned DONE or an error */
	int64_t changes;     /* rows changed, once done */
};

static sqlite3 *handle(struct db *db)
{
	return ((struct sq_db *)db)->h;
}

/* Maps SQLite's (extended) result code to our error enum. */
static enum err map_code(int code)
{
	switch (code) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return E_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return E_CONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return E_UNPROCESSABLE;
	case SQLITE_NOMEM:
		return E_NOMEM;
	default:
		return E_DB;
	}
}

/* Sets the connection's message from SQLite's and returns the mapped error. */
static enum err fail_sqlite(struct db *db, int code)
{
	sqlite3 *h = handle(db);
	return db_fail(db, map_code(code) != E_OK ? map_code(code) : E_DB, "%s",
		       h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(code));
}

static void sq_close(struct db *db)
{
	struct sq_db *s = (struct sq_db *)db;
	/* Statements were finalized by db.c; close_v2 would defer otherwise. */
	sqlite3_close_v2(s->h);
	free(s);
}

static enum err sq_stmt_new(struct db *db, const char *sql, size_t len, struct db_stmt **out)
{
	enum err rc = E_OK;
	struct buf rewritten = BUF_INIT;
	struct sq_stmt *st = calloc(1, sizeof *st);
	if (st == NULL) {
		rc = db_fail(db, E_NOMEM, "out of memory preparing a statement");
		goto done;
	}
	db_sql_scan(sql, len, &rewritten);
	if (buf_failed(&rewritten)) {
		rc = db_fail(db, E_NOMEM, "out of memory preparing a statement");
		goto done;
	}
	const char *tail = NULL;
	int code = sqlite3_prepare_v3(handle(db), buf_str(&rewritten), (int)rewritten.len,
				      SQLITE_PREPARE_PERSISTENT, &st->h, &tail);
	if (code != SQLITE_OK) {
		rc = db_fail(db, E_DB, "%s in: %.120s", sqlite3_errmsg(handle(db)), sql);
		goto done;
	}
	if (st->h == NULL) {
		rc = db_fail(db, E_DB, "empty statement: %.120s", sql);
		goto done;
	}
	/* A second statement after the first would be silently ignored. */
	if (tail != NULL && tail[strspn(tail, " \t\r\n;")] != '\0') {
		rc = db_fail(db, E_DB, "more than one statement in: %.120s", sql);
		goto done;
	}
	*out = &st->base;
	st = NULL;
done:
	if (st != NULL) {
		sqlite3_finalize(st->h);
		free(st);
	}
	buf_free(&rewritten);
	return rc;
}

static void sq_stmt_free(struct db_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_finalize(st->h);
	free(st);
}

static void sq_stmt_reset(struct db_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	/* reset releases the read snapshot, so a finished reader never holds
	 * back a WAL checkpoint; the bindings point into memory db.c reuses. */
	sqlite3_reset(st->h);
	sqlite3_clear_bindings(st->h);
	st->bound = false;
	st->done = false;
	st->changes = 0;
}

/* Hands the recorded parameters to SQLite before the first step. */
static enum err bind_all(struct sq_stmt *st)
{
	struct db_stmt *b = &st->base;
	for (int i = 0; i < b->nparams; i++) {
		const struct db_param *p = &b->params[i];
		int code = SQLITE_OK;
		switch (p->kind) {
		case DB_PARAM_UNSET:
		case DB_PARAM_NULL:
			/* clear_bindings left it NULL already. */
			break;
		case DB_PARAM_TEXT:
			code = sqlite3_bind_text64(st->h, i + 1, b->text.data + p->off, p->len,
						   SQLITE_STATIC, SQLITE_UTF8);
			break;
		case DB_PARAM_INT:
			code = sqlite3_bind_int64(st->h, i + 1, p->i);
			break;
		case DB_PARAM_DOUBLE:
			code = sqlite3_bind_double(st->h, i + 1, p->d);
			break;
		}
		if (code != SQLITE_OK)
			return fail_sqlite(b->db, code);
	}
	return E_OK;
}

static enum err sq_step(struct db_stmt *base, bool *row)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	enum err rc = E_OK;
	/* After DONE another sqlite3_step would run the statement again. */
	if (st->done)
		return E_OK;
	if (!st->bound) {
		st->bound = true;
		rc = bind_all(st);
		if (rc != E_OK) {
			st->done = true;
			return rc;
		}
	}
	int code = sqlite3_step(st->h);
	if (code == SQLITE_ROW) {
		*row = true;
		return E_OK;
	}
	st->done = true;
	if (code == SQLITE_DONE) {
		st->changes = sqlite3_stmt_readonly(st->h) ? 0 : sqlite3_changes64(handle(base->db));
		return E_OK;
	}
	return fail_sqlite(base->db, code);
}

static int sq_col_count(struct db_stmt *base)
{
	return sqlite3_column_count(((struct sq_stmt *)base)->h);
}

static bool sq_col_is_null(struct db_stmt *base, int col)
{
	return sqlite3_column_type(((struct sq_stmt *)base)->h, col) == SQLITE_NULL;
}

static const char *sq_col_text(struct db_stmt *base, int col)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)base)->h, col);
}

static int64_t sq_col_int(struct db_stmt *base, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)base)->h, col);
}

static double sq_col_double(struct db_stmt *base, int col)
{
	return sqlite3_column_double(((struct sq_stmt *)base)->h, col);
}

static int64_t sq_changes(struct db_stmt *base)
{
	return ((struct sq_stmt *)base)->changes;
}

static enum err sq_exec(struct db *db, const char *sql)
{
	int code = sqlite3_exec(handle(db), sql, NULL, NULL, NULL);
	if (code != SQLITE_OK)
		return fail_sqlite(db, sqlite3_extended_errcode(handle(db)));
	return E_OK;
}

static enum err sq_begin(struct db *db)
{
	/* IMMEDIATE takes the write lock now, waiting on the busy timeout, so
	 * a transaction never fails half-way because another writer came first. */
	return sq_exec(db, "BEGIN IMMEDIATE");
}

static enum err sq_commit(struct db *db)
{
	return sq_exec(db, "COMMIT");
}

static void sq_rollback(struct db *db)
{
	/* Outside a transaction ROLLBACK is an error; there is nothing to undo. */
	if (sqlite3_get_autocommit(handle(db)))
		return;
	sqlite3_exec(handle(db), "ROLLBACK", NULL, NULL, NULL);
}

static const struct db_ops sqlite_ops = {
	.close = sq_close,
	.stmt_new = sq_stmt_new,
	.stmt_free = sq_stmt_free,
	.stmt_reset = sq_stmt_reset,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_text = sq_col_text,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.changes = sq_changes,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
};

enum err db_sqlite_open(const char *path, struct db **out, char *err, size_t errlen)
{
	enum err rc = E_OK;
	*out = NULL;
	struct sq_db *s = calloc(1, sizeof *s);
	if (s == NULL) {
		if (err != NULL && errlen > 0)
			db_one_line(err, errlen, "out of memory");
		return E_NOMEM;
	}
	db_init_common(&s->base, &sqlite_ops, DB_SQLITE);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE;
	int code = sqlite3_open_v2(path, &s->h, flags, NULL);
	if (code != SQLITE_OK) {
		db_fail(&s->base, E_DB, "cannot open %s: %s", path,
			s->h != NULL ? sqlite3_errmsg(s->h) : sqlite3_errstr(code));
		rc = E_DB;
		goto done;
	}
	sqlite3_extended_result_codes(s->h, 1);
	/* The busy timeout goes first: switching to WAL itself needs a lock. */
	sqlite3_busy_timeout(s->h, DB_SQLITE_BUSY_MS);
	code = sqlite3_exec(s->h,
			    "PRAGMA journal_mode = WAL;"
			    "PRAGMA foreign_keys = ON;"
			    "PRAGMA synchronous = NORMAL;",
			    NULL, NULL, NULL);
	if (code != SQLITE_OK) {
		db_fail(&s->base, E_DB, "cannot set up %s: %s", path, sqlite3_errmsg(s->h));
		rc = E_DB;
		goto done;
	}
	*out = &s->base;
	s = NULL;
done:
	if (s != NULL) {
		if (err != NULL && errlen > 0)
			db_one_line(err, errlen, s->base.errmsg);
		sq_close(&s->base);
	}
	return rc;
}
