/*
 * q_interest.c - see q_interest.h.
 *
 * Every registration read goes through REG_SELECT, so the by-id, by-token,
 * queue and export rows have the same columns in the same places and one
 * read_reg fills them all.  Lists are one query for the rows and, for the
 * export, one more for all their countries (not one per row).
 */
#include "db/q_interest.h"

#include <string.h>

#include "util/buf.h"

#define REG_COLUMNS                                                                        \
	"r.id, r.organisation_id, o.name, o.code, cn.name, r.network_id, n.slug, n.name_sv, " \
	"n.name_en, r.theme_id, t.name_sv, t.name_en, r.assigned_network_id, an.name_sv, "    \
	"an.name_en, r.contact_name, r.contact_email, r.contact_phone, r.contact_position, "  \
	"r.partner_in_mind, r.political_support, r.decision_body, r.decision_date, "          \
	"r.message, r.lang, r.status, r.version, r.created_at, r.updated_at "

#define REG_FROM                                                \
	"FROM interest_registrations r "                        \
	"JOIN organisations o ON o.id = r.organisation_id "     \
	"LEFT JOIN counties cn ON cn.code = o.county_code "     \
	"LEFT JOIN networks n ON n.id = r.network_id "          \
	"LEFT JOIN themes t ON t.id = r.theme_id "              \
	"LEFT JOIN networks an ON an.id = r.assigned_network_id "

#define REG_SELECT "SELECT " REG_COLUMNS REG_FROM

/* The one network a registration r is in for triage and export: the one
 * staff assigned it to, else the one it asks for (NULL for a theme only).
 * Once assigned, the network asked for no longer counts, so its
 * coordinator loses sight of it (as for the matching, q_matching.c). */
#define REG_NETWORK "COALESCE(r.assigned_network_id, r.network_id)"

static int64_t col_id(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

static void read_reg(struct arena *a, struct db_stmt *st, void *row)
{
	struct registration *r = row;
	memset(r, 0, sizeof *r);
	r->id = db_col_int(st, 0);
	r->organisation_id = db_col_int(st, 1);
	r->organisation = q_text(a, st, 2);
	r->organisation_code = q_text(a, st, 3);
	r->county = q_text(a, st, 4);
	r->network_id = col_id(st, 5);
	r->network_slug = q_text(a, st, 6);
	r->network_sv = q_text(a, st, 7);
	r->network_en = q_text(a, st, 8);
	r->theme_id = col_id(st, 9);
	r->theme_sv = q_text(a, st, 10);
	r->theme_en = q_text(a, st, 11);
	r->assigned_network_id = col_id(st, 12);
	r->assigned_sv = q_text(a, st, 13);
	r->assigned_en = q_text(a, st, 14);
	r->contact_name = q_text(a, st, 15);
	r->contact_email = q_text(a, st, 16);
	r->contact_phone = q_text(a, st, 17);
	r->contact_position = q_text(a, st, 18);
	r->partner_in_mind = q_text(a, st, 19);
	r->political_support = q_text(a, st, 20);
	r->decision_body = q_text(a, st, 21);
	r->decision_date = q_text(a, st, 22);
	r->message = q_text(a, st, 23);
	r->lang = q_text(a, st, 24);
	r->status = q_text(a, st, 25);
	r->version = db_col_int(st, 26);
	r->created_at = q_text(a, st, 27);
	r->updated_at = q_text(a, st, 28);
}

/* Binds an id, or NULL for 0 (a nullable reference column). */
static void bind_ref(struct db_stmt *st, int idx, int64_t id)
{
	if (id > 0)
		db_bind_int(st, idx, id);
	else
		db_bind_null(st, idx);
}

/* Reads every row of a prepared statement into an arena array. */
static enum err read_regs(struct db_stmt *st, struct arena *a, struct registration **rows,
			  size_t *n)
{
	return q_collect(st, a, sizeof **rows, read_reg, (void **)rows, n);
}

static void read_network(struct arena *a, struct db_stmt *st, void *row)
{
	struct interest_network *n = row;
	n->id = db_col_int(st, 0);
	n->slug = q_text(a, st, 1);
	n->name_sv = q_text(a, st, 2);
	n->name_en = q_text(a, st, 3);
	n->status = q_text(a, st, 4);
	n->theme_id = col_id(st, 5);
}

#define NETWORK_COLUMNS "SELECT id, slug, name_sv, name_en, status, theme_id FROM networks "

enum err db_interest_networks(struct db *db, struct arena *a, struct interest_network **rows,
			      size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, NETWORK_COLUMNS "ORDER BY name_en, id", &st);
	if (rc != E_OK)
		return rc;
	return q_collect(st, a, sizeof **rows, read_network, (void **)rows, n);
}

/* Runs a one-row network query whose $1 is already bound. */
static enum err one_network(struct db_stmt *st, struct arena *a, struct interest_network *out)
{
	bool row;
	enum err rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_network(a, st, out);
	db_done(st);
	return rc;
}

enum err db_interest_network_by_slug(struct db *db, struct arena *a, const char *slug,
				     struct interest_network *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, NETWORK_COLUMNS "WHERE slug = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, slug);
	return one_network(st, a, out);
}

enum err db_interest_network_by_id(struct db *db, struct arena *a, int64_t id,
				   struct interest_network *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, NETWORK_COLUMNS "WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	return one_network(st, a, out);
}

enum err db_interest_themes(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a, "SELECT slug, name_en, name_sv FROM themes ORDER BY name_en, id",
			    true, rows, n);
}

enum err db_interest_theme_id(struct db *db, const char *slug, int64_t *id)
{
	*id = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT id FROM themes WHERE slug = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, slug);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum err db_interest_org_options(struct db *db, struct arena *a, struct interest_org **rows,
				 size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT id, kind, name FROM organisations WHERE country_iso2 = 'SE' "
				 "ORDER BY sort_key, id",
				 &st);
	if (rc != E_OK)
		return rc;
	size_t cap = 0, count = 0;
	struct interest_org *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].id = db_col_int(st, 0);
		out[count].kind = q_text(a, st, 1);
		out[count].name = q_text(a, st, 2);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_registration_lock_org(struct db *db, int64_t organisation_id)
{
	/* A write that changes nothing: both engines then hold the row (SQLite
	 * the whole database, PostgreSQL the row) until the transaction ends.
	 * SELECT ... FOR UPDATE would say it better, but SQLite lacks it. */
	struct db_stmt *st;
	enum err rc = db_prepare(db, "UPDATE organisations SET name = name WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, organisation_id);
	return q_write(st, E_NOTFOUND);
}

enum err db_registration_find(struct db *db, int64_t organisation_id, int64_t network_id,
			      int64_t theme_id, int64_t *id)
{
	*id = 0;
	/* A network names the registration; without one, the theme does.  A
	 * registration staff placed in the network is the organisation's one
	 * there too (one per network), so it is found when none asks for the
	 * network itself. */
	static const char *const by_network =
		"SELECT id FROM interest_registrations WHERE organisation_id = $1 "
		"AND (network_id = $2 OR assigned_network_id = $2) "
		"ORDER BY CASE WHEN network_id = $2 THEN 0 ELSE 1 END, id LIMIT 1";
	static const char *const by_theme =
		"SELECT id FROM interest_registrations WHERE organisation_id = $1 "
		"AND network_id IS NULL AND theme_id = $2 ORDER BY id LIMIT 1";
	struct db_stmt *st;
	enum err rc = db_prepare(db, network_id > 0 ? by_network : by_theme, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, organisation_id);
	db_bind_int(st, 2, network_id > 0 ? network_id : theme_id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* Binds the detail columns of in as $2..$15 (shared by insert and update). */
static void bind_input(struct db_stmt *st, const struct registration_input *in)
{
	bind_ref(st, 2, in->network_id);
	bind_ref(st, 3, in->theme_id);
	db_bind_text(st, 4, in->contact_name);
	db_bind_text(st, 5, in->contact_email);
	db_bind_text(st, 6, in->contact_phone);
	db_bind_text(st, 7, in->contact_position);
	db_bind_text(st, 8, in->partner_in_mind);
	db_bind_text(st, 9, in->political_support);
	db_bind_text(st, 10, in->decision_body);
	db_bind_text(st, 11, in->decision_date);
	db_bind_text(st, 12, in->message != NULL ? in->message : "");
	db_bind_text(st, 13, in->lang);
	db_bind_text(st, 14, in->withdraw_token_hash);
	db_bind_text(st, 15, in->client_addr);
}

enum err db_registration_insert(struct db *db, const struct registration_input *in,
				const char *now, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(
		db,
		"INSERT INTO interest_registrations (organisation_id, network_id, theme_id, "
		"contact_name, contact_email, contact_phone, contact_position, partner_in_mind, "
		"political_support, decision_body, decision_date, message, lang, "
		"withdraw_token_hash, client_addr, status, created_at, updated_at) VALUES ($1, $2, "
		"$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'submitted', $16, $16) "
		"RETURNING id",
		&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, in->organisation_id);
	bind_input(st, in);
	db_bind_text(st, 16, now);
	return q_insert_id(st, id);
}

enum err db_registration_update(struct db *db, int64_t id, const struct registration_input *in,
				const char *status, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(
		db,
		"UPDATE interest_registrations SET network_id = $2, theme_id = $3, "
		"contact_name = $4, contact_email = $5, contact_phone = $6, contact_position = $7, "
		"partner_in_mind = $8, political_support = $9, decision_body = $10, "
		"decision_date = $11, message = $12, lang = $13, withdraw_token_hash = $14, "
		"client_addr = $15, status = $16, updated_at = $17, version = version + 1 "
		"WHERE id = $1",
		&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bind_input(st, in);
	db_bind_text(st, 16, status);
	db_bind_text(st, 17, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_registration_set_countries(struct db *db, int64_t id, const char *const *iso2,
				       size_t n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "DELETE FROM interest_countries WHERE registration_id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = q_write(st, E_OK);
	for (size_t i = 0; rc == E_OK && i < n; i++) {
		rc = db_prepare(db,
				"INSERT INTO interest_countries (registration_id, country_iso2) "
				"VALUES ($1, $2)",
				&st);
		if (rc != E_OK)
			break;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, iso2[i]);
		rc = q_write(st, E_OK);
	}
	return rc;
}

/* Runs a one-row registration query whose parameters are bound. */
static enum err one_reg(struct db_stmt *st, struct arena *a, struct registration *out)
{
	bool row;
	enum err rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_reg(a, st, out);
	db_done(st);
	return rc;
}

enum err db_registration_by_id(struct db *db, struct arena *a, int64_t id,
			       struct registration *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, REG_SELECT "WHERE r.id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	return one_reg(st, a, out);
}

enum err db_registration_by_token(struct db *db, struct arena *a, const char *token_hash,
				  struct registration *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, REG_SELECT "WHERE r.withdraw_token_hash = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	return one_reg(st, a, out);
}

enum err db_registration_countries(struct db *db, struct arena *a, int64_t id,
				   struct code_name **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT c.iso2, c.name_en, c.name_sv FROM interest_countries ic "
				 "JOIN countries c ON c.iso2 = ic.country_iso2 "
				 "WHERE ic.registration_id = $1 ORDER BY c.sort_en",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	size_t cap = 0, count = 0;
	struct code_name *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].code = q_text(a, st, 0);
		out[count].name = q_text(a, st, 1);
		out[count].name_sv = q_text(a, st, 2);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

/* The queue's conditions: $1 status, $2 network (0 any), $3 LIKE pattern on
 * the folded name, $4 coordinator (0: no restriction).  A registration is
 * in one network only: where staff placed it, else the one it asks for. */
#define QUEUE_WHERE                                                                          \
	"WHERE (CAST($1 AS TEXT) IS NULL OR r.status = $1) "                                 \
	"AND (CAST($2 AS BIGINT) = 0 OR " REG_NETWORK " = $2) "                              \
	"AND (CAST($3 AS TEXT) IS NULL OR o.name_folded LIKE $3 ESCAPE '\\') "               \
	"AND (CAST($4 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM network_members m "            \
	"WHERE m.person_id = $4 AND m.role = 'project_coordinator' "                          \
	"AND m.network_id = " REG_NETWORK ")) "

static void bind_queue(struct db_stmt *st, struct arena *a, const struct registration_filter *f)
{
	db_bind_text(st, 1, f->status);
	db_bind_int(st, 2, f->network_id);
	db_bind_text(st, 3, q_like_contains(a, f->folded));
	db_bind_int(st, 4, f->coordinator);
}

enum err db_registrations_queue(struct db *db, struct arena *a,
				const struct registration_filter *f, struct registration **rows,
				size_t *n, int64_t *total)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT COUNT(*) FROM interest_registrations r "
				 "JOIN organisations o ON o.id = r.organisation_id " QUEUE_WHERE,
				 &st);
	if (rc != E_OK)
		return rc;
	bind_queue(st, a, f);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != E_OK || *total <= f->offset)
		return rc;
	rc = db_prepare(db, REG_SELECT QUEUE_WHERE "ORDER BY r.created_at DESC, r.id DESC "
						   "LIMIT $5 OFFSET $6",
			&st);
	if (rc != E_OK)
		return rc;
	bind_queue(st, a, f);
	db_bind_int(st, 5, f->limit);
	db_bind_int(st, 6, f->offset);
	return read_regs(st, a, rows, n);
}

/* Appends name to the list in b, comma-separated. */
static void list_add(struct buf *b, const char *name)
{
	if (b->len > 0)
		buf_puts(b, ", ");
	buf_puts(b, name != NULL ? name : "");
}

enum err db_registrations_of_network(struct db *db, struct arena *a, int64_t network_id,
				     struct registration **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 REG_SELECT "WHERE " REG_NETWORK " = $1 ORDER BY o.sort_key, r.id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network_id);
	struct registration *regs;
	size_t count;
	if ((rc = read_regs(st, a, &regs, &count)) != E_OK)
		return rc;
	/* All their countries in one query, ordered by registration, then
	 * joined into each row (rows are in another order, so look them up). */
	rc = db_prepare(db,
			"SELECT ic.registration_id, c.name_en, c.name_sv FROM interest_countries ic "
			"JOIN countries c ON c.iso2 = ic.country_iso2 "
			"JOIN interest_registrations r ON r.id = ic.registration_id "
			"WHERE " REG_NETWORK " = $1 ORDER BY ic.registration_id, c.sort_en",
			&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network_id);
	struct buf en, sv;
	buf_init(&en, 64 * 1024);
	buf_init(&sv, 64 * 1024);
	int64_t current = 0;
	bool row;
	for (;;) {
		rc = db_step(st, &row);
		int64_t reg = rc == E_OK && row ? db_col_int(st, 0) : 0;
		if (current != 0 && reg != current) {
			for (size_t i = 0; i < count; i++)
				if (regs[i].id == current) {
					regs[i].countries_en = arena_strdup(a, buf_str(&en));
					regs[i].countries_sv = arena_strdup(a, buf_str(&sv));
				}
			buf_reset(&en);
			buf_reset(&sv);
		}
		if (rc != E_OK || !row)
			break;
		current = reg;
		list_add(&en, db_col_text(st, 1));
		list_add(&sv, db_col_text(st, 2));
	}
	db_done(st);
	buf_free(&en);
	buf_free(&sv);
	if (rc != E_OK)
		return rc;
	*rows = regs;
	*n = count;
	return E_OK;
}

enum err db_registration_set_status(struct db *db, int64_t id, const char *from, const char *to,
				    const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE interest_registrations SET status = $3, updated_at = $4, "
				 "version = version + 1 WHERE id = $1 AND status = $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, now);
	return q_write(st, E_CONFLICT);
}

enum err db_registration_assign(struct db *db, int64_t id, int64_t network_id, const char *now)
{
	struct db_stmt *st;
	/* Conditional on the state, so an acceptance committed between the
	 * page's check and this write is not followed by a move. */
	enum err rc = db_prepare(db,
				 "UPDATE interest_registrations SET assigned_network_id = $2, "
				 "updated_at = $3, version = version + 1 WHERE id = $1 "
				 "AND status IN ('submitted', 'in_dialogue')",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bind_ref(st, 2, network_id);
	db_bind_text(st, 3, now);
	return q_write(st, E_CONFLICT);
}

enum err db_registration_set_contact(struct db *db, int64_t id, int64_t version,
				     const struct registration_input *in, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE interest_registrations SET contact_name = $3, contact_email = $4, "
				 "contact_phone = $5, contact_position = $6, lang = $7, updated_at = $8, "
				 "version = version + 1 WHERE id = $1 AND version = $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, version);
	db_bind_text(st, 3, in->contact_name);
	db_bind_text(st, 4, in->contact_email);
	if (in->contact_phone != NULL)
		db_bind_text(st, 5, in->contact_phone);
	else
		db_bind_null(st, 5);
	if (in->contact_position != NULL)
		db_bind_text(st, 6, in->contact_position);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, in->lang);
	db_bind_text(st, 8, now);
	return q_write(st, E_CONFLICT);
}

enum err db_registration_in_network(struct db *db, struct arena *a, int64_t organisation_id,
				    int64_t network_id, int64_t except, int64_t *id,
				    const char **status)
{
	*id = 0;
	*status = NULL;
	/* The same condition as db_registration_find's, so the one it finds
	 * stays the only one. */
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT id, status FROM interest_registrations WHERE organisation_id = $1 "
				 "AND (network_id = $2 OR assigned_network_id = $2) AND id <> $3 "
				 "ORDER BY id LIMIT 1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, organisation_id);
	db_bind_int(st, 2, network_id);
	db_bind_int(st, 3, except);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row) {
		*id = db_col_int(st, 0);
		*status = q_text(a, st, 1);
	}
	db_done(st);
	return rc;
}

enum err db_registration_withdraw(struct db *db, int64_t id, const char *token_hash,
				  const char *from, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE interest_registrations SET status = 'withdrawn', "
				 "withdraw_token_hash = NULL, updated_at = $4, version = version + 1 "
				 "WHERE id = $1 AND withdraw_token_hash = $2 AND status = $3",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, token_hash);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, now);
	return q_write(st, E_CONFLICT);
}

enum err db_interest_invitation_pending(struct db *db, const char *email, const char *now,
					bool *pending)
{
	*pending = false;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT 1 FROM one_time_links WHERE kind = 'invitation' AND email = $1 "
				 "AND used_at IS NULL AND expires_at > $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, now);
	bool row = false;
	rc = db_step(st, &row);
	*pending = rc == E_OK && row;
	db_done(st);
	return rc;
}
