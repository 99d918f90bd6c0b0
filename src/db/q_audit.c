/*
 * q_audit.c - see q_audit.h.
 */
#include "db/q_audit.h"

#include "db/q_common.h"

enum err db_audit_insert(struct db *db, const struct audit_row *r)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, "
				 "before_json, after_json, request_id, client_addr) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, r->at);
	if (r->actor_id > 0)
		db_bind_int(st, 2, r->actor_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, r->action);
	db_bind_text(st, 4, r->object_type);
	db_bind_text(st, 5, r->object_id);
	db_bind_text(st, 6, r->before_json);
	db_bind_text(st, 7, r->after_json);
	db_bind_text(st, 8, r->request_id);
	db_bind_text(st, 9, r->client_addr);
	return q_write(st, E_OK);
}

enum err db_audit_search(struct db *db, struct arena *a, const struct audit_filter *f,
			 struct audit_row **rows, size_t *n, int64_t *total)
{
	static const char *const sql =
		"SELECT l.id, l.at, l.actor_id, p.name, l.action, l.object_type, l.object_id, "
		"l.before_json, l.after_json, l.request_id, l.client_addr, COUNT(*) OVER () "
		"FROM audit_log l LEFT JOIN people p ON p.id = l.actor_id "
		"WHERE ($1 = 0 OR l.actor_id = $1) "
		"AND (CAST($2 AS TEXT) IS NULL OR l.object_type = $2) "
		"AND (CAST($3 AS TEXT) IS NULL OR l.object_id = $3) "
		"AND (CAST($4 AS TEXT) IS NULL OR l.at >= $4) "
		"AND (CAST($5 AS TEXT) IS NULL OR l.at < $5) "
		"AND (CAST($6 AS TEXT) IS NULL OR l.action LIKE $6 ESCAPE '\\') "
		"ORDER BY l.id DESC LIMIT $7 OFFSET $8";
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, f->actor_id);
	db_bind_text(st, 2, f->object_type);
	db_bind_text(st, 3, f->object_id);
	db_bind_text(st, 4, f->from);
	/* "to" is a whole day: compare with the start of the next one. */
	db_bind_text(st, 5, f->to != NULL ? arena_printf(a, "%sT99", f->to) : NULL);
	db_bind_text(st, 6, f->action != NULL ? arena_printf(a, "%s%%", f->action) : NULL);
	db_bind_int(st, 7, f->limit);
	db_bind_int(st, 8, f->offset);
	size_t cap = 0, count = 0;
	struct audit_row *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct audit_row *r = &out[count++];
		r->id = db_col_int(st, 0);
		r->at = q_text(a, st, 1);
		r->actor_id = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
		r->actor_name = q_text(a, st, 3);
		r->action = q_text(a, st, 4);
		r->object_type = q_text(a, st, 5);
		r->object_id = q_text(a, st, 6);
		r->before_json = q_text(a, st, 7);
		r->after_json = q_text(a, st, 8);
		r->request_id = q_text(a, st, 9);
		r->client_addr = q_text(a, st, 10);
		*total = db_col_int(st, 11);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}
