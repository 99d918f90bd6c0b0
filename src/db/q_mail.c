/*
 * q_mail.c - see q_mail.h.
 *
 * Every statement here is one SQL text for both engines.  The status filter
 * of the list cannot be a bound parameter without defeating the index, so
 * each status has its own SQL text, chosen from a table by the enum and
 * never from input.  Claims run in autocommit on purpose: a claim inside a
 * longer transaction would stay invisible to the other servers (or, on
 * SQLite, hold the write lock) until that transaction ends.
 */
#include "db/q_mail.h"

#include <string.h>

#include "db/q_common.h"

/* Candidates read per search for a claimable mail; a few, so that losing
 * races to other servers rarely costs another search. */
#define CLAIM_CANDIDATES 8
/* Searches before db_mail_claim_next gives up on a busy outbox for now. */
#define CLAIM_SEARCHES 4

static const char *const status_codes[OUTBOX__COUNT] = {
    [OUTBOX_ANY] = "any",
    [OUTBOX_PENDING] = "pending",
    [OUTBOX_SENT] = "sent",
    [OUTBOX_FAILED] = "failed",
};

const char *outbox_status_code(enum outbox_status s)
{
	return s < OUTBOX__COUNT ? status_codes[s] : status_codes[OUTBOX_ANY];
}

bool outbox_status_parse(const char *code, enum outbox_status *out)
{
	if (code == NULL)
		return false;
	for (int i = 0; i < OUTBOX__COUNT; i++) {
		if (strcmp(code, status_codes[i]) == 0) {
			*out = (enum outbox_status)i;
			return true;
		}
	}
	return false;
}

#define MAIL_COLUMNS                                                                               \
	"id, kind, to_email, person_id, lang, subject, created_at, attempts, "                     \
	"next_attempt_at, claimed_until, sent_at, failed_at, last_error "
/* Number of columns in MAIL_COLUMNS; the body or the total follows them. */
#define MAIL_NCOLS 13

/* Reads MAIL_COLUMNS of the current row into r (body left NULL). */
static void read_row(struct arena *a, struct db_stmt *st, struct outbox_row *r)
{
	r->id = db_col_int(st, 0);
	r->kind = q_text(a, st, 1);
	r->to_email = q_text(a, st, 2);
	r->person_id = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3);
	r->lang = q_text(a, st, 4);
	r->subject = q_text(a, st, 5);
	r->body = NULL;
	r->created_at = q_text(a, st, 6);
	r->attempts = db_col_int(st, 7);
	r->next_attempt_at = q_text(a, st, 8);
	r->claimed_until = q_text(a, st, 9);
	r->sent_at = q_text(a, st, 10);
	r->failed_at = q_text(a, st, 11);
	r->last_error = q_text(a, st, 12);
	/* Sent wins over failed: a lapsed claim can leave both set. */
	if (r->sent_at != NULL)
		r->status = OUTBOX_SENT;
	else if (r->failed_at != NULL)
		r->status = OUTBOX_FAILED;
	else
		r->status = OUTBOX_PENDING;
}

/* Steps a write statement and maps "no row changed" to none. */
static enum err write_one(struct db_stmt *st, enum err none)
{
	enum err rc = db_step(st, NULL);
	if (rc == E_OK && db_changes(st) == 0)
		rc = none;
	db_done(st);
	return rc;
}

enum err db_mail_insert(struct db *db, const struct outbox_new *m, int64_t *id)
{
	static const char *const sql =
	    "INSERT INTO outbox (kind, to_email, person_id, lang, subject, body, created_at, "
	    "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, m->kind);
	db_bind_text(st, 2, m->to_email);
	if (m->person_id > 0)
		db_bind_int(st, 3, m->person_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, m->lang);
	db_bind_text(st, 5, m->subject);
	db_bind_text(st, 6, m->body);
	db_bind_text(st, 7, m->now);
	bool row = false;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_DB;
	if (rc == E_OK && id != NULL)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum err db_mail_claim(struct db *db, int64_t id, const char *now, const char *until, bool *won)
{
	/* Every condition of "due and free" is re-checked here, in the UPDATE
	 * itself: what a SELECT saw may be stale by now. */
	static const char *const sql =
	    "UPDATE outbox SET claimed_until = $3 "
	    "WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL "
	    "AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)";
	*won = false;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, until);
	rc = db_step(st, NULL);
	if (rc == E_OK)
		*won = db_changes(st) == 1;
	db_done(st);
	return rc;
}

/* Reads up to CLAIM_CANDIDATES ids of due, unclaimed mail, oldest due first. */
static enum err due_candidates(struct db *db, const char *now, int64_t ids[CLAIM_CANDIDATES],
			       size_t *n)
{
	static const char *const sql =
	    "SELECT id FROM outbox "
	    "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 "
	    "AND (claimed_until IS NULL OR claimed_until < $1) "
	    "ORDER BY next_attempt_at, id LIMIT $2";
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, CLAIM_CANDIDATES);
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row && *n < CLAIM_CANDIDATES)
		ids[(*n)++] = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum err db_mail_claim_next(struct db *db, struct arena *a, const char *now, const char *until,
			    struct outbox_row *out, bool *found)
{
	*found = false;
	for (int search = 0; search < CLAIM_SEARCHES; search++) {
		int64_t ids[CLAIM_CANDIDATES];
		size_t n = 0;
		enum err rc = due_candidates(db, now, ids, &n);
		if (rc != E_OK)
			return rc;
		if (n == 0)
			return E_OK;
		for (size_t i = 0; i < n; i++) {
			bool won = false;
			rc = db_mail_claim(db, ids[i], now, until, &won);
			if (rc != E_OK)
				return rc;
			if (!won)
				continue; /* another server was faster: try the next */
			rc = db_mail_by_id(db, a, ids[i], out);
			if (rc != E_OK)
				return rc;
			*found = true;
			return E_OK;
		}
	}
	/* Every candidate of every search went to other servers: they are
	 * busy with the backlog, and the next round will look again. */
	return E_OK;
}

enum err db_mail_mark_sent(struct db *db, int64_t id, const char *now)
{
	static const char *const sql =
	    "UPDATE outbox SET sent_at = $2, claimed_until = NULL, failed_at = NULL "
	    "WHERE id = $1 AND sent_at IS NULL";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	return write_one(st, E_NOTFOUND);
}

enum err db_mail_record_failure(struct db *db, int64_t id, const char *claim, const char *error,
				const char *next, const char *failed_at)
{
	static const char *const sql =
	    "UPDATE outbox SET attempts = attempts + 1, last_error = $3, claimed_until = NULL, "
	    "next_attempt_at = COALESCE(CAST($4 AS TEXT), next_attempt_at), failed_at = $5 "
	    "WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, claim);
	db_bind_text(st, 3, error);
	db_bind_text(st, 4, next);
	db_bind_text(st, 5, failed_at);
	return write_one(st, E_CONFLICT);
}

enum err db_mail_by_id(struct db *db, struct arena *a, int64_t id, struct outbox_row *out)
{
	static const char *const sql = "SELECT " MAIL_COLUMNS ", body FROM outbox WHERE id = $1";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		read_row(a, st, out);
		out->body = q_text(a, st, MAIL_NCOLS);
	}
	db_done(st);
	return rc;
}

/* The WHERE condition of each status; sent wins over failed (read_row). */
#define COND_ANY     "1 = 1"
#define COND_PENDING "sent_at IS NULL AND failed_at IS NULL"
#define COND_SENT    "sent_at IS NOT NULL"
#define COND_FAILED  "sent_at IS NULL AND failed_at IS NOT NULL"
#define COND_TO      "(CAST($1 AS TEXT) IS NULL OR lower(to_email) LIKE $1 ESCAPE '\\') "

#define LIST_SQL(cond)                                                                             \
	"SELECT " MAIL_COLUMNS ", COUNT(*) OVER () FROM outbox "                                   \
	"WHERE " cond " AND " COND_TO "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
#define COUNT_SQL(cond) "SELECT COUNT(*) FROM outbox WHERE " cond " AND " COND_TO

static const char *const list_sql[OUTBOX__COUNT] = {
    [OUTBOX_ANY] = LIST_SQL(COND_ANY),
    [OUTBOX_PENDING] = LIST_SQL(COND_PENDING),
    [OUTBOX_SENT] = LIST_SQL(COND_SENT),
    [OUTBOX_FAILED] = LIST_SQL(COND_FAILED),
};

static const char *const count_sql[OUTBOX__COUNT] = {
    [OUTBOX_ANY] = COUNT_SQL(COND_ANY),
    [OUTBOX_PENDING] = COUNT_SQL(COND_PENDING),
    [OUTBOX_SENT] = COUNT_SQL(COND_SENT),
    [OUTBOX_FAILED] = COUNT_SQL(COND_FAILED),
};

/* The LIKE pattern for part of an address in any case: ASCII folded to
 * lower case (addresses are ASCII; mail.c refuses anything else), NULL for
 * no condition. */
static const char *to_pattern(struct arena *a, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return NULL;
	char *lower = arena_strdup(a, text);
	for (char *p = lower; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return q_like_contains(a, lower);
}

enum err db_mail_list(struct db *db, struct arena *a, const struct outbox_filter *f,
		      struct outbox_row **rows, size_t *n, int64_t *total)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	enum outbox_status s = f->status < OUTBOX__COUNT ? f->status : OUTBOX_ANY;
	int64_t limit = f->limit > 0 ? f->limit : 1;
	const char *pattern = to_pattern(a, f->to_text);
	struct db_stmt *st;
	enum err rc = db_prepare(db, list_sql[s], &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, pattern);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, f->offset > 0 ? f->offset : 0);
	struct outbox_row *out = arena_alloc(a, (size_t)limit * sizeof *out);
	size_t count = 0;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row && count < (size_t)limit) {
		read_row(a, st, &out[count]);
		*total = db_col_int(st, MAIL_NCOLS);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	/* Past the last page no row carries the total: count apart. */
	if (count == 0 && f->offset > 0) {
		rc = db_prepare(db, count_sql[s], &st);
		if (rc != E_OK)
			return rc;
		db_bind_text(st, 1, pattern);
		rc = db_step(st, &row);
		if (rc == E_OK && row)
			*total = db_col_int(st, 0);
		db_done(st);
		if (rc != E_OK)
			return rc;
	}
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_mail_counts(struct db *db, int64_t counts[OUTBOX__COUNT])
{
	static const char *const sql =
	    "SELECT COUNT(*), "
	    "COALESCE(SUM(CASE WHEN " COND_PENDING " THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN " COND_SENT " THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN " COND_FAILED " THEN 1 ELSE 0 END), 0) "
	    "FROM outbox";
	for (int i = 0; i < OUTBOX__COUNT; i++)
		counts[i] = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row) {
		counts[OUTBOX_ANY] = db_col_int(st, 0);
		counts[OUTBOX_PENDING] = db_col_int(st, 1);
		counts[OUTBOX_SENT] = db_col_int(st, 2);
		counts[OUTBOX_FAILED] = db_col_int(st, 3);
	}
	db_done(st);
	return rc;
}
