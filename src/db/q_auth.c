/*
 * q_auth.c - see q_auth.h.
 */
#include "db/q_auth.h"

#include "db/q_common.h"

enum err db_session_insert(struct db *db, const char *token_hash, const struct session_row *s,
			   int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, "
				 "last_seen_at, expires_at, client_addr, user_agent) "
				 "VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, s->person_id);
	db_bind_text(st, 3, s->csrf_token);
	db_bind_text(st, 4, s->created_at);
	db_bind_text(st, 5, s->expires_at);
	db_bind_text(st, 6, s->client_addr);
	db_bind_text(st, 7, s->user_agent);
	return q_insert_id(st, id);
}

#define SESSION_COLUMNS                                                                  \
	"id, person_id, csrf_token, created_at, last_seen_at, expires_at, client_addr, " \
	"user_agent "

static void read_session(struct arena *a, struct db_stmt *st, void *row)
{
	struct session_row *s = row;
	s->id = db_col_int(st, 0);
	s->person_id = db_col_int(st, 1);
	s->csrf_token = q_text(a, st, 2);
	s->created_at = q_text(a, st, 3);
	s->last_seen_at = q_text(a, st, 4);
	s->expires_at = q_text(a, st, 5);
	s->client_addr = q_text(a, st, 6);
	s->user_agent = q_text(a, st, 7);
}

enum err db_session_by_hash(struct db *db, struct arena *a, const char *token_hash,
			    struct session_row *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT " SESSION_COLUMNS "FROM sessions WHERE token_hash = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_session(a, st, out);
	db_done(st);
	return rc;
}

enum err db_session_touch(struct db *db, int64_t id, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "UPDATE sessions SET last_seen_at = $2 WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	return q_write(st, E_OK);
}

enum err db_session_delete(struct db *db, int64_t id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "DELETE FROM sessions WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	return q_write(st, E_OK);
}

enum err db_sessions_delete_person(struct db *db, int64_t person, int64_t *n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "DELETE FROM sessions WHERE person_id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	rc = db_step(st, NULL);
	if (n != NULL)
		*n = db_changes(st);
	db_done(st);
	return rc;
}

enum err db_sessions_of(struct db *db, struct arena *a, int64_t person, struct session_row **rows,
			size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT " SESSION_COLUMNS "FROM sessions WHERE person_id = $1 "
				 "ORDER BY last_seen_at DESC",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	return q_collect(st, a, sizeof **rows, read_session, (void **)rows, n);
}

enum err db_link_insert(struct db *db, const char *token_hash, const struct link_row *l,
			int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO one_time_links (kind, token_hash, person_id, email, payload, "
				 "created_by, created_at, expires_at) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, l->kind);
	db_bind_text(st, 2, token_hash);
	if (l->person_id > 0)
		db_bind_int(st, 3, l->person_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, l->email);
	db_bind_text(st, 5, l->payload != NULL ? l->payload : "{}");
	if (l->created_by > 0)
		db_bind_int(st, 6, l->created_by);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, l->created_at);
	db_bind_text(st, 8, l->expires_at);
	return q_insert_id(st, id);
}

enum err db_link_by_hash(struct db *db, struct arena *a, const char *token_hash,
			 struct link_row *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT id, kind, person_id, email, payload, created_by, created_at, "
				 "expires_at, used_at FROM one_time_links WHERE token_hash = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		out->id = db_col_int(st, 0);
		out->kind = q_text(a, st, 1);
		out->person_id = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
		out->email = q_text(a, st, 3);
		out->payload = q_text(a, st, 4);
		out->created_by = db_col_is_null(st, 5) ? 0 : db_col_int(st, 5);
		out->created_at = q_text(a, st, 6);
		out->expires_at = q_text(a, st, 7);
		out->used_at = q_text(a, st, 8);
	}
	db_done(st);
	return rc;
}

enum err db_link_use(struct db *db, int64_t id, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE one_time_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	return q_write(st, E_CONFLICT);
}

enum err db_links_expire(struct db *db, int64_t person, const char *kind, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE one_time_links SET expires_at = $3 WHERE person_id = $1 "
				 "AND kind = $2 AND used_at IS NULL AND expires_at > $3",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, now);
	return q_write(st, E_OK);
}

enum err db_invitations_upgrade(struct db *db, const char *email, const char *payload,
				const char *now, int64_t *n)
{
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE one_time_links SET payload = $2 WHERE kind = 'invitation' "
				 "AND lower(email) = lower($1) AND used_at IS NULL AND expires_at > $3 "
				 "AND payload LIKE '{\"kind\":\"x\",%'",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, payload);
	db_bind_text(st, 3, now);
	rc = db_step(st, NULL);
	*n = db_changes(st);
	db_done(st);
	return rc;
}

enum err db_api_token_insert(struct db *db, const char *token_hash, const struct api_token_row *t,
			     int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO api_tokens (person_id, name, token_hash, prefix, created_at) "
				 "VALUES ($1, $2, $3, $4, $5) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, t->person_id);
	db_bind_text(st, 2, t->name);
	db_bind_text(st, 3, token_hash);
	db_bind_text(st, 4, t->prefix);
	db_bind_text(st, 5, t->created_at);
	return q_insert_id(st, id);
}

#define TOKEN_COLUMNS "id, person_id, name, prefix, created_at, last_used_at, revoked_at "

static void read_token(struct arena *a, struct db_stmt *st, void *row)
{
	struct api_token_row *t = row;
	t->id = db_col_int(st, 0);
	t->person_id = db_col_int(st, 1);
	t->name = q_text(a, st, 2);
	t->prefix = q_text(a, st, 3);
	t->created_at = q_text(a, st, 4);
	t->last_used_at = q_text(a, st, 5);
	t->revoked_at = q_text(a, st, 6);
}

enum err db_api_token_by_hash(struct db *db, struct arena *a, const char *token_hash,
			      struct api_token_row *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT " TOKEN_COLUMNS "FROM api_tokens WHERE token_hash = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_token(a, st, out);
	db_done(st);
	return rc;
}

enum err db_api_tokens_of(struct db *db, struct arena *a, int64_t person,
			  struct api_token_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT " TOKEN_COLUMNS "FROM api_tokens WHERE person_id = $1 "
				 "ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	return q_collect(st, a, sizeof **rows, read_token, (void **)rows, n);
}

enum err db_api_token_revoke(struct db *db, int64_t person, int64_t id, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE api_tokens SET revoked_at = $3 WHERE id = $2 AND person_id = $1 "
				 "AND revoked_at IS NULL",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_api_token_used(struct db *db, int64_t id, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	return q_write(st, E_OK);
}

enum err db_api_tokens_revoke_all(struct db *db, int64_t person, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 "
				 "AND revoked_at IS NULL",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, now);
	return q_write(st, E_OK);
}

enum err db_signin_attempt(struct db *db, const char *email, const char *addr, bool success,
			   const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO signin_attempts (at, email, client_addr, success) "
				 "VALUES ($1, $2, $3, $4)",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, addr);
	db_bind_int(st, 4, success ? 1 : 0);
	return q_write(st, E_OK);
}

enum err db_signin_failures(struct db *db, struct arena *a, const char *email, const char *addr,
			    const char *since, int64_t *n, const char **oldest)
{
	static const char *const by_email =
		"SELECT COUNT(*), MIN(at) FROM signin_attempts WHERE email = $1 AND at >= $2 "
		"AND success = 0";
	static const char *const by_addr =
		"SELECT COUNT(*), MIN(at) FROM signin_attempts WHERE client_addr = $1 AND at >= $2 "
		"AND success = 0";
	struct db_stmt *st;
	enum err rc = db_prepare(db, email != NULL ? by_email : by_addr, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, email != NULL ? email : addr);
	db_bind_text(st, 2, since);
	bool row;
	rc = db_step(st, &row);
	*n = rc == E_OK && row ? db_col_int(st, 0) : 0;
	*oldest = rc == E_OK && row ? q_text(a, st, 1) : NULL;
	db_done(st);
	return rc;
}
