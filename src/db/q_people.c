/*
 * q_people.c - see q_people.h.
 */
#include "db/q_people.h"

#include <string.h>

#include "db/q_common.h"

#define PERSON_COLUMNS                                                                     \
	"p.id, p.email, p.name, p.phone, p.organisation_id, o.name, p.position, p.lang, "   \
	"p.gender, p.password_hash, p.active, p.erased_at, p.pseudonym, p.version, "        \
	"p.created_at, p.updated_at "
#define PERSON_FROM "FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id "

static void read_person(struct arena *a, struct db_stmt *st, struct person *p)
{
	p->id = db_col_int(st, 0);
	p->email = q_text(a, st, 1);
	p->name = q_text(a, st, 2);
	p->phone = q_text(a, st, 3);
	p->organisation_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
	p->organisation_name = q_text(a, st, 5);
	p->position = q_text(a, st, 6);
	p->lang = q_text(a, st, 7);
	p->gender = q_text(a, st, 8);
	p->password_hash = q_text(a, st, 9);
	p->active = db_col_int(st, 10) != 0;
	p->erased_at = q_text(a, st, 11);
	p->pseudonym = q_text(a, st, 12);
	p->version = db_col_int(st, 13);
	p->created_at = q_text(a, st, 14);
	p->updated_at = q_text(a, st, 15);
}

/* Runs a one-row person query bound to either an id or a text key. */
static enum err one_person(struct db *db, struct arena *a, const char *sql, int64_t id,
			   const char *key, struct person *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	if (key != NULL)
		db_bind_text(st, 1, key);
	else
		db_bind_int(st, 1, id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_person(a, st, out);
	db_done(st);
	return rc;
}

enum err db_person_by_id(struct db *db, struct arena *a, int64_t id, struct person *out)
{
	return one_person(db, a, "SELECT " PERSON_COLUMNS PERSON_FROM "WHERE p.id = $1", id, NULL,
			  out);
}

enum err db_person_by_email(struct db *db, struct arena *a, const char *email, struct person *out)
{
	return one_person(db, a, "SELECT " PERSON_COLUMNS PERSON_FROM "WHERE p.email = $1", 0, email,
			  out);
}

static void bind_org(struct db_stmt *st, int idx, int64_t org)
{
	if (org > 0)
		db_bind_int(st, idx, org);
	else
		db_bind_null(st, idx);
}

enum err db_person_insert(struct db *db, const struct person *p, const char *now, int64_t *id)
{
	static const char *const sql =
		"INSERT INTO people (email, name, phone, organisation_id, position, lang, gender, "
		"password_hash, active, pseudonym, created_at, updated_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, p->email);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->phone);
	bind_org(st, 4, p->organisation_id);
	db_bind_text(st, 5, p->position);
	db_bind_text(st, 6, p->lang);
	db_bind_text(st, 7, p->gender);
	db_bind_text(st, 8, p->password_hash);
	db_bind_int(st, 9, p->active ? 1 : 0);
	db_bind_text(st, 10, p->pseudonym);
	db_bind_text(st, 11, now);
	return q_insert_id(st, id);
}

enum err db_person_update_profile(struct db *db, const struct person *p, const char *now)
{
	static const char *const sql =
		"UPDATE people SET name = $2, phone = $3, organisation_id = $4, position = $5, "
		"lang = $6, gender = $7, updated_at = $8, version = version + 1 "
		"WHERE id = $1 AND version = $9";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, p->id);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->phone);
	bind_org(st, 4, p->organisation_id);
	db_bind_text(st, 5, p->position);
	db_bind_text(st, 6, p->lang);
	db_bind_text(st, 7, p->gender);
	db_bind_text(st, 8, now);
	db_bind_int(st, 9, p->version);
	return q_write(st, E_CONFLICT);
}

enum err db_person_set_password(struct db *db, int64_t id, const char *hash, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE people SET password_hash = $2, updated_at = $3, "
				 "version = version + 1 WHERE id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_person_set_email(struct db *db, int64_t id, const char *email, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE people SET email = $2, updated_at = $3, version = version + 1 "
				 "WHERE id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_person_set_active(struct db *db, int64_t id, bool active, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(
		db,
		"UPDATE people SET active = $2, updated_at = $3, version = version + 1, "
		"deactivated_at = CASE WHEN $2 = 0 THEN CAST($3 AS TEXT) ELSE NULL END "
		"WHERE id = $1 AND erased_at IS NULL",
		&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, active ? 1 : 0);
	db_bind_text(st, 3, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_person_erase(struct db *db, int64_t id, const char *now)
{
	static const char *const sql =
		"UPDATE people SET email = NULL, name = pseudonym, phone = NULL, "
		"organisation_id = NULL, position = NULL, gender = NULL, password_hash = NULL, "
		"active = 0, deactivated_at = COALESCE(deactivated_at, $2), erased_at = $2, "
		"updated_at = $2, version = version + 1 WHERE id = $1 AND erased_at IS NULL";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_person_roles(struct db *db, struct arena *a, int64_t id, struct person_role **rows,
			 size_t *n)
{
	static const char *const sql =
		"SELECT 'g', role, 0, NULL FROM person_roles WHERE person_id = $1 "
		"UNION ALL SELECT 'o', m.role, m.organisation_id, o.name FROM organisation_members m "
		"JOIN organisations o ON o.id = m.organisation_id WHERE m.person_id = $1 "
		"UNION ALL SELECT 'n', m.role, m.network_id, nw.name_en FROM network_members m "
		"JOIN networks nw ON nw.id = m.network_id WHERE m.person_id = $1 "
		"ORDER BY 1, 4, 2";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	size_t cap = 0, count = 0;
	struct person_role *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		const char *k = db_col_text(st, 0);
		out[count].kind = k != NULL ? k[0] : 'g';
		out[count].role = q_text(a, st, 1);
		out[count].object_id = db_col_int(st, 2);
		out[count].object_name = q_text(a, st, 3);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

/* Runs a membership write with up to three keys and an optional timestamp. */
static enum err membership_write(struct db *db, const char *sql, int64_t person, int64_t object,
				 const char *role, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, role);
	if (object > 0)
		db_bind_int(st, 3, object);
	if (now != NULL)
		db_bind_text(st, object > 0 ? 4 : 3, now);
	rc = db_step(st, NULL);
	db_done(st);
	return rc;
}

enum err db_role_grant(struct db *db, int64_t person, const char *role, const char *now)
{
	return membership_write(db,
				"INSERT INTO person_roles (person_id, role, created_at) VALUES ($1, $2, $3) "
				"ON CONFLICT (person_id, role) DO NOTHING",
				person, 0, role, now);
}

enum err db_role_revoke(struct db *db, int64_t person, const char *role)
{
	return membership_write(db, "DELETE FROM person_roles WHERE person_id = $1 AND role = $2",
				person, 0, role, NULL);
}

enum err db_org_member_add(struct db *db, int64_t person, int64_t org, const char *role,
			   const char *now)
{
	return membership_write(db,
				"INSERT INTO organisation_members (person_id, role, organisation_id, "
				"created_at) VALUES ($1, $2, $3, $4) "
				"ON CONFLICT (person_id, organisation_id, role) DO NOTHING",
				person, org, role, now);
}

enum err db_org_member_remove(struct db *db, int64_t person, int64_t org, const char *role)
{
	return membership_write(db,
				"DELETE FROM organisation_members WHERE person_id = $1 AND role = $2 "
				"AND organisation_id = $3",
				person, org, role, NULL);
}

enum err db_network_member_add(struct db *db, int64_t person, int64_t network, const char *role,
			       const char *now)
{
	return membership_write(db,
				"INSERT INTO network_members (person_id, role, network_id, created_at) "
				"VALUES ($1, $2, $3, $4) "
				"ON CONFLICT (person_id, network_id, role) DO NOTHING",
				person, network, role, now);
}

enum err db_network_member_remove(struct db *db, int64_t person, int64_t network, const char *role)
{
	return membership_write(db,
				"DELETE FROM network_members WHERE person_id = $1 AND role = $2 "
				"AND network_id = $3",
				person, network, role, NULL);
}

enum err db_count_administrators(struct db *db, int64_t *n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT COUNT(*) FROM person_roles r JOIN people p ON p.id = r.person_id "
				 "WHERE r.role = 'administrator' AND p.active = 1",
				 &st);
	if (rc != E_OK)
		return rc;
	bool row;
	rc = db_step(st, &row);
	*n = rc == E_OK && row ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

#define PEOPLE_WHERE                                                                            \
	"WHERE (CAST($1 AS TEXT) IS NULL OR LOWER(p.name) LIKE $1 ESCAPE '\\' "                 \
	"OR p.email LIKE $1 ESCAPE '\\') "                                                      \
	"AND (CAST($2 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM person_roles r "                \
	"WHERE r.person_id = p.id AND r.role = $2) OR EXISTS (SELECT 1 FROM organisation_members m " \
	"WHERE m.person_id = p.id AND m.role = $2) OR EXISTS (SELECT 1 FROM network_members m "  \
	"WHERE m.person_id = p.id AND m.role = $2)) "                                           \
	"AND ($3 = 0 OR p.organisation_id = $3 OR EXISTS (SELECT 1 FROM organisation_members m " \
	"WHERE m.person_id = p.id AND m.organisation_id = $3)) "                                \
	"AND ($4 < 0 OR p.active = $4) "

enum err db_people_search(struct db *db, struct arena *a, const struct people_filter *f,
			  struct person **rows, size_t *n, int64_t *total)
{
	static const char *const sql = "SELECT " PERSON_COLUMNS ", COUNT(*) OVER () " PERSON_FROM
		PEOPLE_WHERE "ORDER BY LOWER(p.name), p.id LIMIT $5 OFFSET $6";
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, q_like_contains(a, f->folded));
	db_bind_text(st, 2, f->role);
	db_bind_int(st, 3, f->org_id);
	db_bind_int(st, 4, f->active);
	db_bind_int(st, 5, f->limit);
	db_bind_int(st, 6, f->offset);
	size_t cap = 0, count = 0;
	struct person *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		read_person(a, st, &out[count++]);
		*total = db_col_int(st, 16);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_org_members(struct db *db, struct arena *a, int64_t org, struct person **rows,
			const char ***roles, size_t *n)
{
	static const char *const sql = "SELECT " PERSON_COLUMNS ", m.role " PERSON_FROM
		"JOIN organisation_members m ON m.person_id = p.id WHERE m.organisation_id = $1 "
		"ORDER BY LOWER(p.name), p.id, m.role";
	*rows = NULL;
	*roles = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, org);
	size_t cap = 0, rcap = 0, count = 0;
	struct person *out = NULL;
	const char **rout = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		rout = q_grow(a, rout, sizeof *rout, count, &rcap);
		read_person(a, st, &out[count]);
		rout[count] = q_text(a, st, 16);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*roles = rout;
	*n = count;
	return E_OK;
}

enum err db_people_deactivated_before(struct db *db, struct arena *a, const char *before,
				      int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT id FROM people WHERE active = 0 AND erased_at IS NULL "
				 "AND deactivated_at IS NOT NULL AND deactivated_at < $1 ORDER BY id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, before);
	size_t cap = 0, count = 0;
	int64_t *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count++] = db_col_int(st, 0);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*ids = out;
	*n = count;
	return E_OK;
}

enum err db_person_mails(struct db *db, struct arena *a, int64_t person, const char *email,
			 struct person_mail **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT kind, to_email, subject, body, created_at, sent_at FROM outbox "
				 "WHERE person_id = $1 OR to_email = $2 ORDER BY id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, email != NULL ? email : "");
	size_t cap = 0, count = 0;
	struct person_mail *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].kind = q_text(a, st, 0);
		out[count].to_email = q_text(a, st, 1);
		out[count].subject = q_text(a, st, 2);
		out[count].body = q_text(a, st, 3);
		out[count].created_at = q_text(a, st, 4);
		out[count].sent_at = q_text(a, st, 5);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_person_interest(struct db *db, struct arena *a, int64_t person, const char *email,
			    struct person_interest **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(
		db,
		"SELECT 'registration', r.id, o.name, r.status, r.contact_name, r.contact_email, "
		"r.contact_phone, r.contact_position, r.message, r.created_at "
		"FROM interest_registrations r JOIN organisations o ON o.id = r.organisation_id "
		"WHERE $2 <> '' AND lower(r.contact_email) = lower($2) "
		"UNION ALL SELECT 'declaration', d.id, o.name, d.status, d.contact_name, "
		"d.contact_email, d.contact_phone, d.contact_position, d.motivation, d.created_at "
		"FROM declarations d JOIN organisations o ON o.id = d.organisation_id "
		"WHERE $2 <> '' AND lower(d.contact_email) = lower($2) "
		"UNION ALL SELECT 'contact_request', c.id, o.name, c.status, NULL, NULL, NULL, NULL, "
		"c.message, c.created_at FROM contact_requests c "
		"JOIN declarations d ON d.id = c.declaration_id "
		"JOIN organisations o ON o.id = d.organisation_id WHERE c.requester_id = $1 "
		"ORDER BY 10, 1, 2",
		&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, email != NULL ? email : "");
	size_t cap = 0, count = 0;
	struct person_interest *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct person_interest *x = &out[count++];
		x->kind = q_text(a, st, 0);
		x->id = db_col_int(st, 1);
		x->organisation = q_text(a, st, 2);
		x->status = q_text(a, st, 3);
		x->contact_name = q_text(a, st, 4);
		x->contact_email = q_text(a, st, 5);
		x->contact_phone = q_text(a, st, 6);
		x->contact_position = q_text(a, st, 7);
		x->message = q_text(a, st, 8);
		x->created_at = q_text(a, st, 9);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_person_forget(struct db *db, int64_t person, const char *email)
{
	static const char *const by_person[] = {
		"DELETE FROM person_roles WHERE person_id = $1",
		"DELETE FROM organisation_members WHERE person_id = $1",
		"DELETE FROM network_members WHERE person_id = $1",
		"DELETE FROM sessions WHERE person_id = $1",
		"DELETE FROM api_tokens WHERE person_id = $1",
		/* What they asked a partner municipality: the request stays, the words go. */
		"UPDATE contact_requests SET message = '' WHERE requester_id = $1",
	};
	static const char *const by_both[] = {
		"DELETE FROM one_time_links WHERE person_id = $1 OR email = $2",
		"DELETE FROM outbox WHERE person_id = $1 OR to_email = $2",
	};
	enum err rc = E_OK;
	for (size_t i = 0; rc == E_OK && i < sizeof by_person / sizeof by_person[0]; i++) {
		struct db_stmt *st;
		rc = db_prepare(db, by_person[i], &st);
		if (rc != E_OK)
			break;
		db_bind_int(st, 1, person);
		rc = q_write(st, E_OK);
	}
	/* Registrations and declarations they were the contact of keep their
	 * organisation and state; the contact details go. */
	static const char *const by_email[] = {
		"UPDATE interest_registrations SET contact_name = '', contact_email = '', "
		"contact_phone = NULL, contact_position = NULL, client_addr = NULL "
		"WHERE lower(contact_email) = lower($1)",
		"UPDATE declarations SET contact_name = '', contact_email = '', contact_phone = NULL, "
		"contact_position = NULL, client_addr = NULL WHERE lower(contact_email) = lower($1)",
	};
	/* Automatic triage notes that recorded their address as typed. */
	char like[2 * 320 + 3];
	size_t o = 0;
	like[o++] = '%';
	for (const char *c = email != NULL ? email : ""; *c != '\0' && o < sizeof like - 3; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			like[o++] = '\\';
		like[o++] = *c;
	}
	like[o++] = '%';
	like[o] = '\0';
	if (rc == E_OK && email != NULL && email[0] != '\0') {
		struct db_stmt *st;
		rc = db_prepare(db,
				"DELETE FROM triage_notes WHERE author_id IS NULL "
				"AND lower(body) LIKE lower($1) ESCAPE '\\'",
				&st);
		if (rc == E_OK) {
			db_bind_text(st, 1, like);
			rc = q_write(st, E_OK);
		}
	}
	for (size_t i = 0; rc == E_OK && email != NULL && email[0] != '\0' &&
			   i < sizeof by_email / sizeof by_email[0];
	     i++) {
		struct db_stmt *st;
		rc = db_prepare(db, by_email[i], &st);
		if (rc != E_OK)
			break;
		db_bind_text(st, 1, email);
		rc = q_write(st, E_OK);
	}
	for (size_t i = 0; rc == E_OK && i < sizeof by_both / sizeof by_both[0]; i++) {
		struct db_stmt *st;
		rc = db_prepare(db, by_both[i], &st);
		if (rc != E_OK)
			break;
		db_bind_int(st, 1, person);
		db_bind_text(st, 2, email != NULL ? email : "");
		rc = q_write(st, E_OK);
	}
	return rc;
}
