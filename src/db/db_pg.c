/*
 * db_pg.c - the PostgreSQL backend of db.h, over libpq.
 *
 * Owns the PGconn and the server-side prepared statements of a connection.
 * Each cached statement gets a name ("s1", "s2", ...) and is prepared on the
 * server (PQprepare) the first time it runs in a session, then executed with
 * PQexecPrepared, parameters and results in text format.  Preparation waits
 * for the first db_step because the parameter types come from the first
 * bindings (int64 as INT8, double as FLOAT8, text and NULL left for the
 * server to infer); a syntax error therefore surfaces from db_step, not
 * db_prepare.  db_step then walks the rows of the one PGresult.
 *
 * Sessions: the connection asks for UTF-8 and a 30 s statement timeout as
 * connection parameters, so a PQreset keeps them.  When libpq reports the
 * connection broken before a statement, it is reset once and every
 * statement is prepared again (a new session has none) - but never inside a
 * transaction, whose earlier statements died with the old session.
 *
 * Messages are one line and never carry the URL's password: connection
 * errors name the redacted URL and are scrubbed of the password in case
 * libpq quoted it.  Server notices (e.g. "drop cascades to ...") go to the
 * debug log instead of standard error.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_backend.h"
#include "util/log.h"

/* Statement timeout set on every connection (ms): a runaway query must not
 * hold a worker thread forever. */
#define PG_STATEMENT_TIMEOUT_MS 30000
/* Seconds to wait for a connection when the URL does not say. */
#define PG_CONNECT_TIMEOUT "10"
/* Type oids from pg_type.h (not installed by libpq-dev). */
#define PG_OID_INT8 20
#define PG_OID_FLOAT8 701
/* Room for an int64 or a %.17g double as text. */
#define PG_NUM_LEN 32

struct pg_db {
	struct db base;	    /* must be first */
	PGconn *conn;	    /* the connection (never NULL once open) */
	unsigned next_name; /* last statement number handed out */
	unsigned session;   /* bumped by every PQreset; starts at 1 */
};

struct pg_stmt {
	struct db_stmt base; /* must be first */
	char name[16];	     /* server-side name, "s<n>" */
	unsigned session;    /* session it is prepared in; 0 = not prepared */
	PGresult *res;	     /* result of the current execution, or NULL */
	int row;	     /* current row; -1 before the first */
	int nrows;	     /* rows in res */
	bool ran;	     /* executed since the last reset */
};

static struct pg_db *pgdb(struct db *db)
{
	return (struct pg_db *)db;
}

/* --- numbers in the C locale -------------------------------------------- */

/* Numbers travel as text; the process locale (sv uses a decimal comma) must
 * not change how they are written or read. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t numeric_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale;
}

/* Writes v so that float8in reads back the same double. */
static void format_double(char *out, size_t outlen, double v)
{
	if (isnan(v)) {
		snprintf(out, outlen, "NaN");
	} else if (isinf(v)) {
		snprintf(out, outlen, "%s", v < 0 ? "-Infinity" : "Infinity");
	} else {
		locale_t loc = numeric_locale();
		locale_t old = loc != (locale_t)0 ? uselocale(loc) : (locale_t)0;
		snprintf(out, outlen, "%.17g", v);
		if (old != (locale_t)0)
			uselocale(old);
	}
}

/* --- errors ------------------------------------------------------------- */

/* Maps a SQLSTATE to our error enum (class 23: integrity violations). */
static enum err map_state(const char *state)
{
	if (state == NULL)
		return E_DB;
	if (strcmp(state, "23505") == 0)
		return E_CONFLICT;
	if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "23502") == 0)
		return E_UNPROCESSABLE;
	return E_DB;
}

/* Sets the message from a failed result (or the connection when res has no
 * fields, e.g. a broken connection) and returns the mapped error. */
static enum err fail_result(struct db *db, const PGresult *res)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary == NULL)
		primary = PQerrorMessage(pgdb(db)->conn);
	if (primary == NULL || *primary == '\0')
		primary = "unknown PostgreSQL error";
	if (state != NULL)
		return db_fail(db, map_state(state), "%s (SQLSTATE %s)", primary, state);
	return db_fail(db, E_DB, "%s", primary);
}

/* Replaces every occurrence of secret[0..n) in msg (capacity cap) by "***". */
static void scrub(char *msg, size_t cap, const char *secret, size_t n)
{
	if (n == 0 || cap == 0)
		return;
	char tmp[DB_ERRLEN * 2];
	size_t o = 0;
	const char *p = msg;
	while (*p != '\0' && o + 1 < sizeof tmp) {
		if (strncmp(p, secret, n) == 0) {
			for (const char *s = "***"; *s != '\0' && o + 1 < sizeof tmp; s++)
				tmp[o++] = *s;
			p += n;
		} else {
			tmp[o++] = *p++;
		}
	}
	/* Cut to the caller's capacity, as the message was before. */
	if (o >= cap)
		o = cap - 1;
	memcpy(msg, tmp, o);
	msg[o] = '\0';
}

/* Scrubs the passwords a URL may carry, as written (the user-info part and
 * password= query values) and as libpq decoded them. */
static void scrub_url_secrets(char *msg, size_t cap, const char *url, const char *decoded)
{
	const char *auth = strstr(url, "://");
	if (auth != NULL) {
		auth += 3;
		size_t auth_len = strcspn(auth, "/?#");
		const char *at = NULL;
		for (const char *q = auth; q < auth + auth_len; q++)
			if (*q == '@')
				at = q;
		const char *colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon != NULL)
			scrub(msg, cap, colon + 1, (size_t)(at - colon - 1));
	}
	for (const char *q = strstr(url, "password="); q != NULL; q = strstr(q + 1, "password="))
		scrub(msg, cap, q + 9, strcspn(q + 9, "&#"));
	if (decoded != NULL)
		scrub(msg, cap, decoded, strlen(decoded));
}

/* Server notices are for debugging, not for the program's standard error. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	char line[DB_ERRLEN];
	db_one_line(line, sizeof line, message);
	log_debug("postgres: %s", line);
}

/*
 * Makes sure the connection is usable before a statement: when libpq has
 * seen it break, reconnect once.  Not inside a transaction: its earlier
 * statements are gone with the old session, and running the rest in
 * autocommit would commit half of it.
 */
static enum err ensure_conn(struct db *db)
{
	struct pg_db *p = pgdb(db);
	if (PQstatus(p->conn) == CONNECTION_OK)
		return E_OK;
	if (db->in_txn)
		return db_fail(db, E_DB,
			       "connection to PostgreSQL lost inside a transaction; roll back and retry");
	PQreset(p->conn);
	/* The new session has none of our prepared statements. */
	p->session++;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		char why[DB_ERRLEN];
		db_one_line(why, sizeof why, PQerrorMessage(p->conn));
		if (db->url != NULL)
			scrub_url_secrets(why, sizeof why, db->url, PQpass(p->conn));
		return db_fail(db, E_DB, "connection to PostgreSQL lost, reconnecting failed: %s",
			       why);
	}
	log_info("db: reconnected to PostgreSQL");
	return E_OK;
}

/* --- operations --------------------------------------------------------- */

static void pg_close(struct db *db)
{
	struct pg_db *p = pgdb(db);
	PQfinish(p->conn);
	free(p);
}

static enum err pg_stmt_new(struct db *db, const char *sql, size_t len, struct db_stmt **out)
{
	(void)sql;
	(void)len;
	struct pg_db *p = pgdb(db);
	struct pg_stmt *st = calloc(1, sizeof *st);
	if (st == NULL)
		return db_fail(db, E_NOMEM, "out of memory preparing a statement");
	p->next_name++;
	snprintf(st->name, sizeof st->name, "s%u", p->next_name);
	st->row = -1;
	*out = &st->base;
	return E_OK;
}

static void pg_stmt_free(struct db_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	PQclear(st->res);
	free(st);
}

static void pg_stmt_reset(struct db_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	st->ran = false;
}

/* Prepares (when this session has not) and executes st with its bindings. */
static enum err run(struct pg_stmt *st)
{
	struct db_stmt *b = &st->base;
	struct db *db = b->db;
	struct pg_db *p = pgdb(db);
	const char *values[DB_MAX_PARAMS];
	Oid types[DB_MAX_PARAMS];
	char nums[DB_MAX_PARAMS][PG_NUM_LEN];
	PGresult *res = NULL;
	enum err rc = ensure_conn(db);
	if (rc != E_OK)
		goto done;
	for (int i = 0; i < b->nparams; i++) {
		const struct db_param *prm = &b->params[i];
		values[i] = NULL;
		types[i] = 0;
		switch (prm->kind) {
		case DB_PARAM_UNSET:
		case DB_PARAM_NULL:
			break;
		case DB_PARAM_TEXT:
			values[i] = b->text.data + prm->off;
			break;
		case DB_PARAM_INT:
			snprintf(nums[i], PG_NUM_LEN, "%" PRId64, prm->i);
			values[i] = nums[i];
			types[i] = PG_OID_INT8;
			break;
		case DB_PARAM_DOUBLE:
			format_double(nums[i], PG_NUM_LEN, prm->d);
			values[i] = nums[i];
			types[i] = PG_OID_FLOAT8;
			break;
		}
	}
	if (st->session != p->session) {
		res = PQprepare(p->conn, st->name, b->sql, b->nparams, types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = fail_result(db, res);
			goto done;
		}
		PQclear(res);
		res = NULL;
		st->session = p->session;
	}
	res = PQexecPrepared(p->conn, st->name, b->nparams, values, NULL, NULL, 0);
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		st->res = res;
		st->nrows = PQntuples(res);
		res = NULL;
		break;
	default:
		rc = fail_result(db, res);
		goto done;
	}
done:
	PQclear(res);
	return rc;
}

static enum err pg_step(struct db_stmt *base, bool *row)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->ran) {
		st->ran = true;
		enum err rc = run(st);
		if (rc != E_OK)
			return rc;
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		*row = true;
	} else {
		st->row = st->nrows;
	}
	return E_OK;
}

/* True when st has a current row and col is one of its columns. */
static bool on_row(const struct pg_stmt *st, int col)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

static int pg_col_count(struct db_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	return st->res != NULL ? PQnfields(st->res) : 0;
}

static bool pg_col_is_null(struct db_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	return !on_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static const char *pg_col_text(struct db_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_col_is_null(base, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_col_int(struct db_stmt *base, int col)
{
	const char *s = pg_col_text(base, col);
	if (s == NULL)
		return 0;
	/* A boolean expression (EXISTS, a comparison) comes back as t or f. */
	if (s[0] == 't' && s[1] == '\0')
		return 1;
	if (s[0] == 'f' && s[1] == '\0')
		return 0;
	return strtoll(s, NULL, 10);
}

static double pg_col_double(struct db_stmt *base, int col)
{
	const char *s = pg_col_text(base, col);
	if (s == NULL)
		return 0.0;
	locale_t loc = numeric_locale();
	if (loc == (locale_t)0)
		return strtod(s, NULL);
	return strtod_l(s, NULL, loc);
}

static int64_t pg_changes(struct db_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (st->res == NULL)
		return 0;
	/* A SELECT reports its row count here; db.h means changed rows only. */
	if (strncmp(PQcmdStatus(st->res), "SELECT", 6) == 0)
		return 0;
	const char *s = PQcmdTuples(st->res);
	return s[0] != '\0' ? strtoll(s, NULL, 10) : 0;
}

/* Runs a script through the simple query protocol; *tag (may be NULL) gets
 * the command tag of the last statement, e.g. "COMMIT" or "ROLLBACK". */
static enum err exec_tag(struct db *db, const char *sql, char *tag, size_t taglen)
{
	enum err rc = ensure_conn(db);
	if (rc != E_OK)
		return rc;
	PGresult *res = PQexec(pgdb(db)->conn, sql);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		if (tag != NULL)
			snprintf(tag, taglen, "%s", PQcmdStatus(res));
		break;
	default:
		rc = fail_result(db, res);
		break;
	}
	PQclear(res);
	return rc;
}

static enum err pg_exec(struct db *db, const char *sql)
{
	return exec_tag(db, sql, NULL, 0);
}

static enum err pg_begin(struct db *db)
{
	return exec_tag(db, "BEGIN", NULL, 0);
}

static enum err pg_commit(struct db *db)
{
	char tag[32] = "";
	enum err rc = exec_tag(db, "COMMIT", tag, sizeof tag);
	if (rc != E_OK)
		return rc;
	/* COMMIT of a transaction in which a statement failed succeeds with the
	 * tag ROLLBACK: nothing was stored, and the caller must know. */
	if (strcmp(tag, "ROLLBACK") == 0)
		return db_fail(db, E_DB, "transaction rolled back: an earlier statement in it failed");
	return E_OK;
}

static void pg_rollback(struct db *db)
{
	struct pg_db *p = pgdb(db);
	/* Nothing to undo when idle, and a broken connection lost it anyway;
	 * ROLLBACK outside a transaction would only raise a warning. */
	if (PQstatus(p->conn) != CONNECTION_OK || PQtransactionStatus(p->conn) == PQTRANS_IDLE)
		return;
	PQclear(PQexec(p->conn, "ROLLBACK"));
}

static const struct db_ops pg_ops = {
	.close = pg_close,
	.stmt_new = pg_stmt_new,
	.stmt_free = pg_stmt_free,
	.stmt_reset = pg_stmt_reset,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.changes = pg_changes,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
};

enum err db_pg_open(const char *url, struct db **out, char *err, size_t errlen)
{
	enum err rc = E_OK;
	struct buf options = BUF_INIT;
	char *password = NULL;
	PQconninfoOption *parsed = NULL;
	*out = NULL;
	struct pg_db *p = calloc(1, sizeof *p);
	if (p == NULL) {
		if (err != NULL && errlen > 0)
			db_one_line(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	db_init_common(&p->base, &pg_ops, DB_POSTGRES);
	p->session = 1;

	/* The URL's own options are kept and the statement timeout added to
	 * them; the password is remembered only to keep it out of messages. */
	char *parse_err = NULL;
	parsed = PQconninfoParse(url, &parse_err);
	PQfreemem(parse_err);
	for (PQconninfoOption *o = parsed; o != NULL && o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "options") == 0)
			buf_printf(&options, "%s ", o->val);
		else if (strcmp(o->keyword, "password") == 0)
			password = strdup(o->val);
	}
	buf_printf(&options, "-c statement_timeout=%d", PG_STATEMENT_TIMEOUT_MS);
	if (buf_failed(&options)) {
		rc = db_fail(&p->base, E_NOMEM, "out of memory");
		goto done;
	}

	/* Keywords before dbname are defaults the URL may override; those after
	 * it are imposed (libpq processes them in order). */
	const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname",
			      "client_encoding", "options", NULL};
	const char *vals[] = {PG_CONNECT_TIMEOUT, "natverk", url, "UTF8", buf_str(&options), NULL};
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (p->conn == NULL) {
		rc = db_fail(&p->base, E_NOMEM, "out of memory");
		goto done;
	}
	if (PQstatus(p->conn) != CONNECTION_OK) {
		char redacted[DB_ERRLEN];
		char why[DB_ERRLEN];
		db_redact_url(url, redacted, sizeof redacted);
		db_one_line(why, sizeof why, PQerrorMessage(p->conn));
		scrub_url_secrets(why, sizeof why, url, password);
		rc = db_fail(&p->base, E_DB, "cannot connect to %s: %s", redacted, why);
		goto done;
	}
	PQsetNoticeProcessor(p->conn, notice_to_log, NULL);
	*out = &p->base;
	p = NULL;
done:
	if (p != NULL) {
		if (err != NULL && errlen > 0)
			db_one_line(err, errlen, p->base.errmsg);
		pg_close(&p->base);
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	PQconninfoFree(parsed);
	buf_free(&options);
	return rc;
}
