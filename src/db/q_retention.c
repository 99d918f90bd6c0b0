/*
 * q_retention.c - see q_retention.h.
 */
#include "db/q_retention.h"

#include <string.h>

#include "db/q_common.h"

enum err db_retention_rules(struct db *db, struct arena *a, const char *day,
			    struct retention_rule **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT record_type, keep_days, valid_from, valid_to, note "
				 "FROM retention_rules WHERE valid_from <= $1 "
				 "AND (valid_to IS NULL OR valid_to >= $1) ORDER BY record_type",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, day);
	size_t cap = 0, count = 0;
	struct retention_rule *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].record_type = q_text(a, st, 0);
		out[count].keep_days = db_col_int(st, 1);
		out[count].valid_from = q_text(a, st, 2);
		out[count].valid_to = q_text(a, st, 3);
		out[count].note = q_text(a, st, 4);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_retention_delete(struct db *db, const char *record_type, const char *cutoff,
			     int64_t *deleted)
{
	static const struct {
		const char *type;
		const char *sql;
	} deletes[] = {
		{"sessions", "DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $1"},
		{"one_time_links",
		 "DELETE FROM one_time_links WHERE COALESCE(used_at, expires_at) < $1"},
		{"outbox", "DELETE FROM outbox WHERE COALESCE(sent_at, failed_at) < $1"},
		{"signin_attempts", "DELETE FROM signin_attempts WHERE at < $1"},
		{"api_tokens", "DELETE FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < $1"},
		{"form_submissions", "DELETE FROM form_submissions WHERE at < $1"},
		/* Blanked, not deleted: the record of what happened stays. */
		{"interest_contacts",
		 "UPDATE interest_registrations SET contact_name = '', contact_email = '', "
		 "contact_phone = NULL, contact_position = NULL, message = '', client_addr = NULL "
		 "WHERE status IN ('withdrawn', 'declined') AND updated_at < $1 AND contact_email <> ''"},
		{"automatic_notes",
		 "DELETE FROM triage_notes WHERE author_id IS NULL AND created_at < $1"},
		{"declaration_contacts",
		 "UPDATE declarations SET contact_name = '', contact_email = '', contact_phone = NULL, "
		 "contact_position = NULL, client_addr = NULL "
		 "WHERE status IN ('withdrawn', 'declined', 'archived') AND updated_at < $1 "
		 "AND contact_email <> ''"},
	};
	*deleted = 0;
	for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++) {
		if (strcmp(deletes[i].type, record_type) != 0)
			continue;
		struct db_stmt *st;
		enum err rc = db_prepare(db, deletes[i].sql, &st);
		if (rc != E_OK)
			return rc;
		db_bind_text(st, 1, cutoff);
		rc = db_step(st, NULL);
		*deleted = db_changes(st);
		db_done(st);
		return rc;
	}
	return E_INVALID;
}

enum err db_maintenance_claim(struct db *db, const char *job, const char *since, const char *now,
			      bool *claimed)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO maintenance_runs (job, last_run_at) VALUES ($1, $3) "
				 "ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at "
				 "WHERE maintenance_runs.last_run_at < $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, job);
	db_bind_text(st, 2, since);
	db_bind_text(st, 3, now);
	rc = db_step(st, NULL);
	*claimed = rc == E_OK && db_changes(st) > 0;
	db_done(st);
	return rc;
}
