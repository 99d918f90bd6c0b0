/*
 * q_triage.c - see q_triage.h.
 */
#include "db/q_triage.h"

#include "db/q_common.h"

enum err db_note_add(struct db *db, const char *object_type, int64_t object_id, int64_t author,
		     const char *body, const char *now, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO triage_notes (object_type, object_id, author_id, body, "
				 "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, object_type);
	db_bind_int(st, 2, object_id);
	if (author > 0)
		db_bind_int(st, 3, author);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, body);
	db_bind_text(st, 5, now);
	return q_insert_id(st, id);
}

enum err db_notes_of(struct db *db, struct arena *a, const char *object_type, int64_t object_id,
		     struct triage_note **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT t.id, t.author_id, p.name, t.body, t.created_at "
				 "FROM triage_notes t LEFT JOIN people p ON p.id = t.author_id "
				 "WHERE t.object_type = $1 AND t.object_id = $2 ORDER BY t.id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, object_type);
	db_bind_int(st, 2, object_id);
	size_t cap = 0, count = 0;
	struct triage_note *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].id = db_col_int(st, 0);
		out[count].author_id = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
		out[count].author = q_text(a, st, 2);
		out[count].body = q_text(a, st, 3);
		out[count].created_at = q_text(a, st, 4);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_form_submission(struct db *db, const char *form, const char *addr, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO form_submissions (form, client_addr, at) VALUES ($1, $2, $3)",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, form);
	db_bind_text(st, 2, addr);
	db_bind_text(st, 3, now);
	return q_write(st, E_OK);
}

enum err db_form_submissions_since(struct db *db, const char *form, const char *addr,
				   const char *since, int64_t *n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT COUNT(*) FROM form_submissions WHERE client_addr = $1 "
				 "AND form = $2 AND at >= $3",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, addr);
	db_bind_text(st, 2, form);
	db_bind_text(st, 3, since);
	bool row;
	rc = db_step(st, &row);
	*n = rc == E_OK && row ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}
