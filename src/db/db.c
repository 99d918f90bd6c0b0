/*
 * db.c - the engine-independent half of the database API (db.h).
 *
 * Owns: the choice of backend for a URL, the per-connection statement cache
 * (a hash table keyed by SQL text), the recording of bound parameters, error
 * messages, the per-thread connection of the server's workers and URL
 * redaction.  Everything engine-specific goes through struct db_ops (see
 * db_backend.h); this file includes neither <sqlite3.h> nor <libpq-fe.h>.
 *
 * The hot path (db_prepare of a cached statement, db_bind_*, db_step,
 * column reads, db_done) allocates nothing once a statement has been used:
 * the cache lookup hashes and compares the SQL text, bound text goes into a
 * buffer the statement keeps, and db_done only resets counters.
 */
#include "db/db.h"

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_backend.h"
#include "util/log.h"

/* Initial number of cache buckets (a power of two); doubled when full. */
#define DB_CACHE_BUCKETS 64
/* More copies of one SQL text in use at once than this almost certainly
 * means a missing db_done; worth a warning since each copy stays forever. */
#define DB_CACHE_DUP_WARN 8

enum db_backend db_backend_for(const char *url)
{
	if (url != NULL &&
	    (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0))
		return DB_POSTGRES;
	return DB_SQLITE;
}

void db_init_common(struct db *db, const struct db_ops *ops, enum db_backend backend)
{
	db->ops = ops;
	db->backend = backend;
	db->url = NULL;
	db->buckets = NULL;
	db->nbuckets = 0;
	db->nstmts = 0;
	db->in_txn = false;
	db->txn_failed = false;
	db->errmsg[0] = '\0';
}

void db_one_line(char *out, size_t outlen, const char *src)
{
	if (outlen == 0)
		return;
	size_t n = 0;
	for (const char *p = src; *p != '\0' && n + 1 < outlen; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n') {
			/* libpq indents continuation lines with a tab; both kinds of
			 * line break separate sentences.  Trailing ones are dropped below. */
			while (p[1] == '\t' || p[1] == ' ')
				p++;
			if (n + 2 < outlen) {
				out[n++] = ';';
				out[n++] = ' ';
			}
		} else if (c < 0x20 || c == 0x7f) {
			out[n++] = ' ';
		} else {
			out[n++] = (char)c;
		}
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == ';'))
		n--;
	out[n] = '\0';
}

enum err db_fail(struct db *db, enum err rc, const char *fmt, ...)
{
	char raw[DB_ERRLEN * 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	db_one_line(db->errmsg, sizeof db->errmsg, raw);
	return rc;
}

/* Writes msg into err (one line) when the caller gave room for it. */
static void put_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		db_one_line(err, errlen, msg);
}

enum err db_open(const char *url, struct db **out, char *err, size_t errlen)
{
	enum err rc = E_OK;
	struct db *db = NULL;
	*out = NULL;
	put_err(err, errlen, "");
	if (url == NULL || *url == '\0') {
		put_err(err, errlen, "no database given (set NATVERK_DB)");
		return E_INVALID;
	}
	if (db_backend_for(url) == DB_POSTGRES)
		rc = db_pg_open(url, &db, err, errlen);
	else
		rc = db_sqlite_open(url, &db, err, errlen);
	if (rc != E_OK)
		goto done;
	db->url = strdup(url);
	if (db->url == NULL) {
		put_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	*out = db;
	db = NULL;
done:
	db_close(db);
	return rc;
}

/* Frees the common part of a statement, then the backend's part. */
static void stmt_destroy(struct db_stmt *st)
{
	struct db *db = st->db;
	free(st->sql);
	free(st->params);
	buf_free(&st->text);
	db->ops->stmt_free(st);
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->nbuckets; i++) {
		struct db_stmt *st = db->buckets[i];
		while (st != NULL) {
			struct db_stmt *next = st->next;
			stmt_destroy(st);
			st = next;
		}
	}
	free(db->buckets);
	db->buckets = NULL;
	db->nbuckets = 0;
	free(db->url);
	db->url = NULL;
	db->ops->close(db);
}

enum db_backend db_backend(const struct db *db)
{
	return db->backend;
}

const char *db_errmsg(const struct db *db)
{
	return db->errmsg;
}

/* 64-bit hash of the SQL text, eight bytes at a time (the text is hashed on
 * every db_prepare, so byte-at-a-time FNV would be the slow part). */
static uint64_t sql_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	uint64_t tail = 0;
	memcpy(&tail, s + i, len - i);
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

/* Doubles the bucket array; false on out-of-memory (the cache still works,
 * just with longer chains). */
static bool cache_grow(struct db *db)
{
	size_t n = db->nbuckets != 0 ? db->nbuckets * 2 : DB_CACHE_BUCKETS;
	struct db_stmt **b = calloc(n, sizeof *b);
	if (b == NULL)
		return false;
	for (size_t i = 0; i < db->nbuckets; i++) {
		struct db_stmt *st = db->buckets[i];
		while (st != NULL) {
			struct db_stmt *next = st->next;
			size_t k = st->hash & (n - 1);
			st->next = b[k];
			b[k] = st;
			st = next;
		}
	}
	free(db->buckets);
	db->buckets = b;
	db->nbuckets = n;
	return true;
}

/* Prepares sql on the engine and adds it to the cache, in use. */
static enum err cache_add(struct db *db, const char *sql, size_t len, uint64_t hash,
			  struct db_stmt **out)
{
	enum err rc = E_OK;
	struct db_stmt *st = NULL;
	/* Kept at one statement per bucket or fewer; when growing fails, the
	 * buckets there are still usable, only the very first table is a must. */
	if (db->nstmts >= db->nbuckets && !cache_grow(db) && db->nbuckets == 0) {
		rc = db_fail(db, E_NOMEM, "out of memory preparing a statement");
		goto done;
	}
	int nparams = db_sql_scan(sql, len, NULL);
	if (nparams > DB_MAX_PARAMS) {
		rc = db_fail(db, E_DB, "statement uses $%d, more than DB_MAX_PARAMS (%d)", nparams,
			     DB_MAX_PARAMS);
		goto done;
	}
	rc = db->ops->stmt_new(db, sql, len, &st);
	if (rc != E_OK)
		goto done;
	st->db = db;
	st->sql = malloc(len + 1);
	st->params = nparams > 0 ? calloc((size_t)nparams, sizeof *st->params) : NULL;
	if (st->sql == NULL || (nparams > 0 && st->params == NULL)) {
		rc = db_fail(db, E_NOMEM, "out of memory preparing a statement");
		goto done;
	}
	memcpy(st->sql, sql, len + 1);
	st->sql_len = len;
	st->hash = hash;
	st->nparams = nparams;
	buf_init(&st->text, 0);
	size_t k = hash & (db->nbuckets - 1);
	st->next = db->buckets[k];
	db->buckets[k] = st;
	db->nstmts++;
	st->in_use = true;
	*out = st;
	st = NULL;
done:
	if (st != NULL) {
		st->db = db;
		stmt_destroy(st);
	}
	return rc;
}

/* Remembers that a statement failed inside the open transaction. */
static void note_failure(struct db *db, enum err rc)
{
	if (rc != E_OK && db->in_txn)
		db->txn_failed = true;
}

enum err db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	*out = NULL;
	size_t len = strlen(sql);
	uint64_t hash = sql_hash(sql, len);
	int copies = 0;
	if (db->nbuckets > 0) {
		for (struct db_stmt *st = db->buckets[hash & (db->nbuckets - 1)]; st != NULL;
		     st = st->next) {
			if (st->hash != hash || st->sql_len != len || memcmp(st->sql, sql, len) != 0)
				continue;
			if (!st->in_use) {
				st->in_use = true;
				*out = st;
				return E_OK;
			}
			/* The same SQL is already running (e.g. nested inside its own
			 * loop): an engine statement runs one query at a time, so a
			 * second copy is cached alongside. */
			copies++;
		}
	}
	if (copies == DB_CACHE_DUP_WARN)
		log_warn("db: %d copies of one statement in use at once; is a db_done missing? %.80s",
			 copies + 1, sql);
	enum err rc = cache_add(db, sql, len, hash, out);
	note_failure(db, rc);
	return rc;
}

/* Records a bind failure; db_step reports it. */
static void bind_fail(struct db_stmt *st, enum err rc, const char *msg)
{
	if (st->bind_err == E_OK) {
		st->bind_err = rc;
		st->bind_msg = msg;
	}
}

/* The slot for $idx, or NULL (and a sticky error) when idx is out of range
 * or the statement already runs. */
static struct db_param *param_slot(struct db_stmt *st, int idx)
{
	if (st->started) {
		bind_fail(st, E_DB, "parameter bound after db_step; call db_done first");
		return NULL;
	}
	if (idx < 1 || idx > st->nparams) {
		bind_fail(st, E_DB, "bind index out of range for this statement");
		return NULL;
	}
	return &st->params[idx - 1];
}

void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len)
{
	struct db_param *p = param_slot(st, idx);
	if (p == NULL)
		return;
	if (s == NULL) {
		p->kind = DB_PARAM_NULL;
		return;
	}
	/* Stored with a NUL after it: libpq reads text parameters as C strings. */
	size_t off = st->text.len;
	buf_append(&st->text, s, len);
	buf_putc(&st->text, '\0');
	if (buf_failed(&st->text)) {
		bind_fail(st, E_NOMEM, "out of memory binding text");
		return;
	}
	p->kind = DB_PARAM_TEXT;
	p->off = off;
	p->len = len;
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	db_bind_textn(st, idx, s, s != NULL ? strlen(s) : 0);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	struct db_param *p = param_slot(st, idx);
	if (p == NULL)
		return;
	p->kind = DB_PARAM_INT;
	p->i = v;
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
	struct db_param *p = param_slot(st, idx);
	if (p == NULL)
		return;
	p->kind = DB_PARAM_DOUBLE;
	p->d = v;
}

void db_bind_null(struct db_stmt *st, int idx)
{
	struct db_param *p = param_slot(st, idx);
	if (p == NULL)
		return;
	p->kind = DB_PARAM_NULL;
}

enum err db_step(struct db_stmt *st, bool *row)
{
	bool dummy;
	if (row == NULL)
		row = &dummy;
	*row = false;
	enum err rc = E_OK;
	if (st->bind_err != E_OK) {
		rc = db_fail(st->db, st->bind_err, "%s: %.120s", st->bind_msg, st->sql);
	} else {
		st->started = true;
		rc = st->db->ops->step(st, row);
	}
	note_failure(st->db, rc);
	return rc;
}

int db_col_count(struct db_stmt *st)
{
	return st->db->ops->col_count(st);
}

bool db_col_is_null(struct db_stmt *st, int col)
{
	return st->db->ops->col_is_null(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->db->ops->col_text(st, col);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->db->ops->col_int(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return st->db->ops->col_double(st, col);
}

int64_t db_changes(struct db_stmt *st)
{
	return st->db->ops->changes(st);
}

void db_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	assert(st->in_use);
	st->db->ops->stmt_reset(st);
	if (st->nparams > 0)
		memset(st->params, 0, (size_t)st->nparams * sizeof *st->params);
	buf_reset(&st->text);
	st->started = false;
	st->bind_err = E_OK;
	st->bind_msg = NULL;
	st->in_use = false;
}

enum err db_exec(struct db *db, const char *sql)
{
	enum err rc = db->ops->exec(db, sql);
	note_failure(db, rc);
	return rc;
}

enum err db_begin(struct db *db)
{
	enum err rc = db->ops->begin(db);
	if (rc == E_OK) {
		db->in_txn = true;
		db->txn_failed = false;
	}
	return rc;
}

/*
 * Both engines end up with the same rule: after a failed statement the
 * transaction can only be rolled back.  PostgreSQL enforces it (and
 * reports a COMMIT of such a transaction as success, tagged ROLLBACK);
 * SQLite would commit the statements that worked, so code tested on SQLite
 * alone would behave differently in production.  And whatever happens, the
 * transaction is over when db_commit returns.
 */
enum err db_commit(struct db *db)
{
	enum err rc = E_OK;
	if (db->txn_failed) {
		db->ops->rollback(db);
		rc = db_fail(db, E_DB, "transaction rolled back: a statement in it failed");
		goto done;
	}
	rc = db->ops->commit(db);
	if (rc != E_OK)
		db->ops->rollback(db);
done:
	db->in_txn = false;
	db->txn_failed = false;
	return rc;
}

void db_rollback(struct db *db)
{
	db->ops->rollback(db);
	db->in_txn = false;
	db->txn_failed = false;
}

/* --- per-thread connections --------------------------------------------- */

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

/* Runs at thread exit with the thread's connection. */
static void thread_conn_free(void *p)
{
	db_close(p);
}

static void thread_key_init(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_conn_free) == 0;
}

enum err db_thread_conn(const char *url, struct db **out, char *err, size_t errlen)
{
	enum err rc = E_OK;
	*out = NULL;
	pthread_once(&thread_once, thread_key_init);
	if (!thread_key_ok) {
		put_err(err, errlen, "cannot create the thread-local connection key");
		return E_INTERNAL;
	}
	struct db *db = pthread_getspecific(thread_key);
	if (db != NULL && url != NULL && strcmp(db->url, url) == 0) {
		*out = db;
		return E_OK;
	}
	/* A different database than before (tests switch between fresh files):
	 * the old connection is of no further use to this thread. */
	if (db != NULL) {
		pthread_setspecific(thread_key, NULL);
		db_close(db);
		db = NULL;
	}
	rc = db_open(url, &db, err, errlen);
	if (rc != E_OK)
		goto done;
	if (pthread_setspecific(thread_key, db) != 0) {
		put_err(err, errlen, "cannot store the thread's connection");
		rc = E_INTERNAL;
		goto done;
	}
	*out = db;
	db = NULL;
done:
	db_close(db);
	return rc;
}

/* --- URL redaction ------------------------------------------------------ */

/* Appends s[0..n) to out at *pos, keeping room for the NUL. */
static void put_span(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
	if (*pos + 1 >= outlen)
		return;
	size_t room = outlen - 1 - *pos;
	if (n > room)
		n = room;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
}

void db_redact_url(const char *url, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	out[0] = '\0';
	if (url == NULL)
		return;
	size_t pos = 0;
	const char *p = url;
	const char *scheme_end = strstr(url, "://");
	if (scheme_end == NULL) {
		/* A file path: nothing secret in it. */
		put_span(out, outlen, &pos, url, strlen(url));
		return;
	}
	p = scheme_end + 3;
	put_span(out, outlen, &pos, url, (size_t)(p - url));
	/* The authority ends at the path, query or fragment; the user info ends
	 * at its last '@' (an unencoded '@' in a password is common enough). */
	size_t auth_len = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < p + auth_len; q++)
		if (*q == '@')
			at = q;
	if (at != NULL) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon != NULL) {
			put_span(out, outlen, &pos, p, (size_t)(colon - p) + 1);
			put_span(out, outlen, &pos, "***", 3);
			p = at;
		}
	}
	/* The rest, with the value of any password= query parameter hidden. */
	const char *query = strchr(p, '?');
	if (query == NULL) {
		put_span(out, outlen, &pos, p, strlen(p));
		return;
	}
	put_span(out, outlen, &pos, p, (size_t)(query - p) + 1);
	p = query + 1;
	while (*p != '\0') {
		size_t n = strcspn(p, "&#");
		if (n >= 9 && strncmp(p, "password=", 9) == 0) {
			put_span(out, outlen, &pos, "password=***", 12);
		} else {
			put_span(out, outlen, &pos, p, n);
		}
		p += n;
		if (*p == '&') {
			put_span(out, outlen, &pos, "&", 1);
			p++;
		} else if (*p == '#') {
			put_span(out, outlen, &pos, p, strlen(p));
			break;
		}
	}
}

/* --- placeholder scanner ------------------------------------------------ */

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a $tag$ opener at s (s[0] == '$'), or 0 when s does not start
 * one.  Tags start with a letter or '_' (a digit would be a placeholder). */
static size_t dollar_tag_len(const char *s, const char *end)
{
	const char *p = s + 1;
	if (p < end && *p != '$' && (is_digit(*p) || !is_ident_char(*p)))
		return 0;
	while (p < end && *p != '$' && is_ident_char(*p))
		p++;
	if (p >= end || *p != '$')
		return 0;
	return (size_t)(p - s) + 1;
}

int db_sql_scan(const char *sql, size_t len, struct buf *out)
{
	const char *p = sql;
	const char *end = sql + len;
	const char *copied = sql; /* bytes before this are already in out */
	int max = 0;
	while (p < end) {
		char c = *p;
		if (c == '\'' || c == '"') {
			/* A quoted string or identifier; a doubled quote is an escaped
			 * one.  E'...' strings also escape with a backslash. */
			bool backslash = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
					 (p - 1 == sql || !is_ident_char(p[-2]));
			p++;
			while (p < end) {
				if (backslash && *p == '\\' && p + 1 < end) {
					p += 2;
				} else if (*p == c && p + 1 < end && p[1] == c) {
					p += 2;
				} else if (*p == c) {
					p++;
					break;
				} else {
					p++;
				}
			}
		} else if (c == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (c == '/' && p + 1 < end && p[1] == '*') {
			p += 2;
			while (p < end && !(*p == '*' && p + 1 < end && p[1] == '/'))
				p++;
			p = p < end ? p + 2 : end;
		} else if (c == '$' && p + 1 < end && is_digit(p[1]) &&
			   (p == sql || !is_ident_char(p[-1]))) {
			const char *d = p + 1;
			int n = 0;
			while (d < end && is_digit(*d)) {
				/* Capped so absurd numbers cannot overflow; they exceed
				 * DB_MAX_PARAMS and are refused anyway. */
				if (n < 100000)
					n = n * 10 + (*d - '0');
				d++;
			}
			if (n > max)
				max = n;
			if (out != NULL) {
				buf_append(out, copied, (size_t)(p - copied));
				buf_putc(out, '?');
				copied = p + 1;
			}
			p = d;
		} else if (c == '$' && (p == sql || !is_ident_char(p[-1]))) {
			size_t tag = dollar_tag_len(p, end);
			if (tag == 0) {
				p++;
				continue;
			}
			/* A dollar-quoted body runs to the same tag. */
			const char *q = p + tag;
			while (q < end && !(*q == '$' && (size_t)(end - q) >= tag &&
					    memcmp(q, p, tag) == 0))
				q++;
			p = q < end ? q + tag : end;
		} else {
			p++;
		}
	}
	if (out != NULL)
		buf_append(out, copied, (size_t)(end - copied));
	return max;
}
