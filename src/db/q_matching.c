/*
 * q_matching.c - see q_matching.h.  Candidates come in one query per kind
 * of fact (the rows, then their countries, topics or languages), joined in
 * C by id: one query per list, not one per row.
 */
#include "db/q_matching.h"

#include <string.h>

#include "db/q_common.h"

/* Which network a registration belongs to: where staff placed it, else the
 * one it asked for. */
#define REG_NETWORK "COALESCE(r.assigned_network_id, r.network_id)"

/* Parties already proposed or introduced to a partner are out of matching,
 * and so are those whose contact was erased: nobody could agree to an
 * introduction. */
#define NO_LIVE_PARTNER(column, alias)                                                   \
	"NOT EXISTS (SELECT 1 FROM partnerships lp WHERE lp." column " = " alias ".id "  \
	"AND lp.status IN ('proposed', 'introduced'))"

enum err db_match_swedish(struct db *db, struct arena *a, int64_t network, struct mq_swedish **rows,
			  size_t *n)
{
	static const char *const sql =
		"SELECT r.id, o.id, o.name, o.population, COALESCE(r.theme_id, nw.theme_id), "
		"r.partner_in_mind, r.contact_email, r.contact_name, r.lang "
		"FROM interest_registrations r JOIN organisations o ON o.id = r.organisation_id "
		"JOIN networks nw ON nw.id = $1 "
		"WHERE r.status = 'accepted' AND r.contact_email <> '' AND " REG_NETWORK
		" = $1 AND " NO_LIVE_PARTNER("registration_id", "r")
		" ORDER BY o.sort_key, r.id";
	static const char *const countries_sql =
		"SELECT c.registration_id, c.country_iso2 FROM interest_countries c "
		"JOIN interest_registrations r ON r.id = c.registration_id "
		"WHERE r.status = 'accepted' AND " REG_NETWORK " = $1 "
		"ORDER BY c.registration_id, c.country_iso2";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	size_t cap = 0, count = 0;
	struct mq_swedish *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct mq_swedish *s = &out[count++];
		memset(s, 0, sizeof *s);
		s->registration_id = db_col_int(st, 0);
		s->org_id = db_col_int(st, 1);
		s->name = q_text(a, st, 2);
		s->population = db_col_is_null(st, 3) ? -1 : db_col_int(st, 3);
		s->theme_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
		s->partner_in_mind = q_text(a, st, 5);
		s->contact_email = q_text(a, st, 6);
		s->contact_name = q_text(a, st, 7);
		s->lang = q_text(a, st, 8);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	rc = db_prepare(db, countries_sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	while ((rc = db_step(st, &row)) == E_OK && row) {
		int64_t reg = db_col_int(st, 0);
		for (size_t i = 0; i < count; i++) {
			if (out[i].registration_id != reg)
				continue;
			size_t c = out[i].ncountries;
			const char **list = arena_alloc(a, (c + 1) * sizeof *list);
			if (c > 0)
				memcpy(list, out[i].countries, c * sizeof *list);
			list[c] = q_text(a, st, 1);
			out[i].countries = list;
			out[i].ncountries = c + 1;
		}
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

/* The declarations of the network: approved and placed there by staff. */
#define DECL_OF_NETWORK "d.status = 'approved' AND d.assigned_network_id = $1 AND d.contact_email <> ''"

enum err db_match_intl(struct db *db, struct arena *a, int64_t network, struct mq_intl **rows,
		       size_t *n)
{
	static const char *const sql =
		"SELECT d.id, o.id, o.name, o.name_folded, o.country_iso2, c.name_en, c.name_sv, "
		"o.population, EXISTS (SELECT 1 FROM network_countries nc WHERE nc.network_id = $1 "
		"AND nc.country_iso2 = o.country_iso2), d.contact_email, d.contact_name, d.lang "
		"FROM declarations d JOIN organisations o ON o.id = d.organisation_id "
		"JOIN countries c ON c.iso2 = o.country_iso2 WHERE " DECL_OF_NETWORK
		" AND " NO_LIVE_PARTNER("declaration_id", "d") " ORDER BY o.sort_key, d.id";
	static const char *const topics_sql =
		"SELECT t.declaration_id, t.theme_id FROM declaration_topics t "
		"JOIN declarations d ON d.id = t.declaration_id WHERE " DECL_OF_NETWORK;
	static const char *const langs_sql =
		"SELECT l.declaration_id, l.lang_code FROM declaration_languages l "
		"JOIN declarations d ON d.id = l.declaration_id WHERE " DECL_OF_NETWORK;
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	size_t cap = 0, count = 0;
	struct mq_intl *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct mq_intl *d = &out[count++];
		memset(d, 0, sizeof *d);
		d->declaration_id = db_col_int(st, 0);
		d->org_id = db_col_int(st, 1);
		d->name = q_text(a, st, 2);
		d->name_folded = q_text(a, st, 3);
		d->country = q_text(a, st, 4);
		d->country_en = q_text(a, st, 5);
		d->country_sv = q_text(a, st, 6);
		d->population = db_col_is_null(st, 7) ? -1 : db_col_int(st, 7);
		d->in_network = db_col_int(st, 8) != 0;
		d->contact_email = q_text(a, st, 9);
		d->contact_name = q_text(a, st, 10);
		d->lang = q_text(a, st, 11);
	}
	db_done(st);
	for (int pass = 0; rc == E_OK && pass < 2; pass++) {
		rc = db_prepare(db, pass == 0 ? topics_sql : langs_sql, &st);
		if (rc != E_OK)
			break;
		db_bind_int(st, 1, network);
		while ((rc = db_step(st, &row)) == E_OK && row) {
			int64_t decl = db_col_int(st, 0);
			for (size_t i = 0; i < count; i++) {
				if (out[i].declaration_id != decl)
					continue;
				if (pass == 0) {
					int64_t *t = arena_alloc(a, (out[i].nthemes + 1) * sizeof *t);
					if (out[i].nthemes > 0)
						memcpy(t, out[i].themes, out[i].nthemes * sizeof *t);
					t[out[i].nthemes++] = db_col_int(st, 1);
					out[i].themes = t;
				} else {
					const char **l = arena_alloc(a, (out[i].nlangs + 1) * sizeof *l);
					if (out[i].nlangs > 0)
						memcpy(l, out[i].langs, out[i].nlangs * sizeof *l);
					l[out[i].nlangs++] = q_text(a, st, 1);
					out[i].langs = l;
				}
			}
		}
		db_done(st);
	}
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

static void read_pair_row(struct arena *a, struct db_stmt *st, void *row)
{
	struct mq_pair *p = row;
	p->registration_id = db_col_int(st, 0);
	p->declaration_id = db_col_int(st, 1);
	p->rank = (int)db_col_int(st, 2);
	p->kind = q_text(a, st, 3);
}

/* Runs a query of pairs bound to the network. */
static enum err pairs(struct db *db, struct arena *a, const char *sql, int64_t network,
		      struct mq_pair **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	return q_collect(st, a, sizeof **rows, read_pair_row, (void **)rows, n);
}

enum err db_match_without_contact(struct db *db, int64_t network, int64_t *registrations,
				  int64_t *declarations)
{
	struct db_stmt *st;
	enum err rc = db_prepare(
		db,
		"SELECT (SELECT COUNT(*) FROM interest_registrations r WHERE r.status = 'accepted' "
		"AND r.contact_email = '' AND " REG_NETWORK " = $1), "
		"(SELECT COUNT(*) FROM declarations d WHERE d.status = 'approved' "
		"AND d.assigned_network_id = $1 AND d.contact_email = '')",
		&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	bool row;
	rc = db_step(st, &row);
	*registrations = rc == E_OK && row ? db_col_int(st, 0) : 0;
	*declarations = rc == E_OK && row ? db_col_int(st, 1) : 0;
	db_done(st);
	return rc;
}

enum err db_match_contacts(struct db *db, struct arena *a, int64_t network, struct mq_pair **rows,
			   size_t *n)
{
	return pairs(db, a,
		     "SELECT DISTINCT r.id, d.id, 0, 'contact' FROM contact_requests cr "
		     "JOIN declarations d ON d.id = cr.declaration_id "
		     "JOIN interest_registrations r ON r.organisation_id = cr.requester_org_id "
		     "WHERE cr.status = 'accepted' AND d.assigned_network_id = $1 "
		     "AND " REG_NETWORK " = $1",
		     network, rows, n);
}

enum err db_match_rankings(struct db *db, struct arena *a, int64_t network, struct mq_pair **rows,
			   size_t *n)
{
	return pairs(db, a,
		     "SELECT registration_id, declaration_id, rank, side FROM match_rankings "
		     "WHERE network_id = $1 ORDER BY side, registration_id, declaration_id",
		     network, rows, n);
}

enum err db_match_constraints(struct db *db, struct arena *a, int64_t network,
			      struct mq_pair **rows, size_t *n)
{
	return pairs(db, a,
		     "SELECT registration_id, declaration_id, 0, kind FROM match_constraints "
		     "WHERE network_id = $1 UNION "
		     "SELECT registration_id, declaration_id, 0, 'forbid' FROM partnerships "
		     "WHERE network_id = $1 AND status = 'declined' "
		     "AND registration_id IS NOT NULL AND declaration_id IS NOT NULL "
		     "ORDER BY 1, 2",
		     network, rows, n);
}

enum err db_match_settings(struct db *db, struct arena *a, int64_t network,
			   const char **weights_json, int64_t *cap, int64_t *version)
{
	*weights_json = NULL;
	*cap = -1;
	*version = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT weights_json, cap_per_country, version FROM match_settings "
				 "WHERE network_id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row) {
		*weights_json = q_text(a, st, 0);
		*cap = db_col_is_null(st, 1) ? -1 : db_col_int(st, 1);
		*version = db_col_int(st, 2);
	}
	db_done(st);
	return rc;
}

enum err db_match_settings_set(struct db *db, int64_t network, const char *weights_json,
			       int64_t cap, int64_t version, const char *now)
{
	/* The first save inserts (a second first save meets the primary key);
	 * later ones update only the version they started from. */
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 version == 0
				     ? "INSERT INTO match_settings (network_id, weights_json, "
				       "cap_per_country, updated_at, version) "
				       "VALUES ($1, $2, $3, $4, 1)"
				     : "UPDATE match_settings SET weights_json = $2, cap_per_country = $3, "
				       "updated_at = $4, version = version + 1 "
				       "WHERE network_id = $1 AND version = $5",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_text(st, 2, weights_json);
	if (cap > 0)
		db_bind_int(st, 3, cap);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, now);
	if (version != 0)
		db_bind_int(st, 5, version);
	return q_write(st, E_CONFLICT);
}

enum err db_match_constraint_set(struct db *db, int64_t network, int64_t reg, int64_t decl,
				 const char *kind, int64_t by, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "DELETE FROM match_constraints WHERE network_id = $1 "
				 "AND registration_id = $2 AND declaration_id = $3",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_int(st, 2, reg);
	db_bind_int(st, 3, decl);
	rc = q_write(st, E_OK);
	if (rc != E_OK || kind == NULL)
		return rc;
	rc = db_prepare(db,
			"INSERT INTO match_constraints (network_id, registration_id, declaration_id, "
			"kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_int(st, 2, reg);
	db_bind_int(st, 3, decl);
	db_bind_text(st, 4, kind);
	if (by > 0)
		db_bind_int(st, 5, by);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, now);
	return q_write(st, E_OK);
}

enum err db_match_ranking_set(struct db *db, int64_t network, const char *side, int64_t reg,
			      int64_t decl, int rank)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "DELETE FROM match_rankings WHERE network_id = $1 AND side = $2 "
				 "AND registration_id = $3 AND declaration_id = $4",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_text(st, 2, side);
	db_bind_int(st, 3, reg);
	db_bind_int(st, 4, decl);
	rc = q_write(st, E_OK);
	if (rc != E_OK || rank <= 0)
		return rc;
	rc = db_prepare(db,
			"INSERT INTO match_rankings (network_id, side, registration_id, "
			"declaration_id, rank) VALUES ($1, $2, $3, $4, $5)",
			&st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_text(st, 2, side);
	db_bind_int(st, 3, reg);
	db_bind_int(st, 4, decl);
	db_bind_int(st, 5, rank);
	return q_write(st, E_OK);
}

enum err db_match_run_insert(struct db *db, int64_t network, int64_t by, const char *now,
			     const char *mode, const char *settings_json, const char *result_json,
			     double total, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO match_runs (network_id, run_by, run_at, mode, settings_json, "
				 "result_json, total) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	if (by > 0)
		db_bind_int(st, 2, by);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, mode);
	db_bind_text(st, 5, settings_json);
	db_bind_text(st, 6, result_json);
	db_bind_double(st, 7, total);
	return q_insert_id(st, id);
}

#define RUN_COLUMNS                                                                          \
	"m.id, m.run_by, p.name, m.run_at, m.mode, m.settings_json, m.result_json, m.total, " \
	"m.confirmed_at FROM match_runs m LEFT JOIN people p ON p.id = m.run_by "

static void read_run(struct arena *a, struct db_stmt *st, void *row)
{
	struct mq_run *r = row;
	r->id = db_col_int(st, 0);
	r->run_by = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
	r->run_by_name = q_text(a, st, 2);
	r->run_at = q_text(a, st, 3);
	r->mode = q_text(a, st, 4);
	r->settings_json = q_text(a, st, 5);
	r->result_json = q_text(a, st, 6);
	r->total = db_col_double(st, 7);
	r->confirmed_at = q_text(a, st, 8);
}

enum err db_match_runs(struct db *db, struct arena *a, int64_t network, struct mq_run **rows,
		       size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT " RUN_COLUMNS "WHERE m.network_id = $1 ORDER BY m.id DESC",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	return q_collect(st, a, sizeof **rows, read_run, (void **)rows, n);
}

enum err db_match_run(struct db *db, struct arena *a, int64_t network, int64_t id,
		      struct mq_run *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT " RUN_COLUMNS "WHERE m.network_id = $1 AND m.id = $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_int(st, 2, id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_run(a, st, out);
	db_done(st);
	return rc;
}

enum err db_match_run_confirm(struct db *db, int64_t network, int64_t id, int64_t by,
			      const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE match_runs SET confirmed_at = $3, confirmed_by = $4 "
				 "WHERE network_id = $1 AND id = $2 AND confirmed_at IS NULL",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	if (by > 0)
		db_bind_int(st, 4, by);
	else
		db_bind_null(st, 4);
	return q_write(st, E_CONFLICT);
}

enum err db_partnership_insert(struct db *db, const struct mq_partnership *p, int64_t run,
			       const char *now, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO partnerships (network_id, swedish_org_id, "
				 "international_org_id, registration_id, declaration_id, match_run_id, "
				 "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
				 "RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, p->network_id);
	db_bind_int(st, 2, p->swedish_org_id);
	db_bind_int(st, 3, p->international_org_id);
	db_bind_int(st, 4, p->registration_id);
	db_bind_int(st, 5, p->declaration_id);
	db_bind_int(st, 6, run);
	db_bind_text(st, 7, now);
	return q_insert_id(st, id);
}

enum err db_partnership_consent_insert(struct db *db, int64_t partnership, const char *side,
				       const char *token_hash)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO partnership_consents (partnership_id, side, token_hash) "
				 "VALUES ($1, $2, $3)",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, partnership);
	db_bind_text(st, 2, side);
	db_bind_text(st, 3, token_hash);
	return q_write(st, E_OK);
}

#define PARTNERSHIP_COLUMNS                                                                   \
	"p.id, p.network_id, p.swedish_org_id, p.international_org_id, so.name, io.name, "    \
	"p.registration_id, p.declaration_id, p.status, "                                     \
	"(SELECT answer FROM partnership_consents c WHERE c.partnership_id = p.id AND "        \
	"c.side = 'swedish'), (SELECT answer FROM partnership_consents c WHERE "              \
	"c.partnership_id = p.id AND c.side = 'international'), nw.name_en, nw.name_sv "

#define PARTNERSHIP_FROM                                                         \
	"FROM partnerships p JOIN organisations so ON so.id = p.swedish_org_id " \
	"JOIN organisations io ON io.id = p.international_org_id "          \
	"LEFT JOIN networks nw ON nw.id = p.network_id "

static void read_partnership(struct arena *a, struct db_stmt *st, void *row)
{
	struct mq_partnership *p = row;
	p->id = db_col_int(st, 0);
	p->network_id = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
	p->swedish_org_id = db_col_int(st, 2);
	p->international_org_id = db_col_int(st, 3);
	p->swedish_name = q_text(a, st, 4);
	p->international_name = q_text(a, st, 5);
	p->registration_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
	p->declaration_id = db_col_is_null(st, 7) ? 0 : db_col_int(st, 7);
	p->status = q_text(a, st, 8);
	p->swedish_answer = q_text(a, st, 9);
	p->international_answer = q_text(a, st, 10);
	p->network_en = q_text(a, st, 11);
	p->network_sv = q_text(a, st, 12);
}

enum err db_partnership_by_consent(struct db *db, struct arena *a, const char *token_hash,
				   struct mq_partnership *out, const char **side,
				   const char **answer)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT " PARTNERSHIP_COLUMNS ", k.side, k.answer " PARTNERSHIP_FROM
				 "JOIN partnership_consents k ON k.partnership_id = p.id "
				 "WHERE k.token_hash = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, token_hash);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		read_partnership(a, st, out);
		*side = q_text(a, st, 13);
		*answer = q_text(a, st, 14);
	}
	db_done(st);
	return rc;
}

enum err db_partnership_lock(struct db *db, int64_t partnership)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "UPDATE partnerships SET version = version + 1 WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, partnership);
	return q_write(st, E_NOTFOUND);
}

enum err db_partnership_mark_matched(struct db *db, int64_t partnership, const char *now)
{
	static const char *const sql[] = {
		"UPDATE interest_registrations SET status = 'matched', updated_at = $2, "
		"version = version + 1 WHERE status = 'accepted' AND id = "
		"(SELECT registration_id FROM partnerships WHERE id = $1)",
		"UPDATE declarations SET status = 'matched', updated_at = $2, version = version + 1 "
		"WHERE status = 'approved' AND id = (SELECT declaration_id FROM partnerships WHERE id = $1)",
	};
	enum err rc = E_OK;
	for (size_t i = 0; rc == E_OK && i < sizeof sql / sizeof sql[0]; i++) {
		struct db_stmt *st;
		if ((rc = db_prepare(db, sql[i], &st)) != E_OK)
			break;
		db_bind_int(st, 1, partnership);
		db_bind_text(st, 2, now);
		rc = q_write(st, E_OK);
	}
	return rc;
}

enum err db_partnership_contacts(struct db *db, struct arena *a, int64_t partnership,
				 struct mq_contact *swedish, struct mq_contact *international)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT so.name, r.contact_name, r.contact_email, r.lang, "
				 "io.name, d.contact_name, d.contact_email, d.lang "
				 "FROM partnerships p "
				 "JOIN interest_registrations r ON r.id = p.registration_id "
				 "JOIN organisations so ON so.id = r.organisation_id "
				 "JOIN declarations d ON d.id = p.declaration_id "
				 "JOIN organisations io ON io.id = d.organisation_id WHERE p.id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, partnership);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		struct mq_contact *c[2] = {swedish, international};
		for (int k = 0; k < 2; k++) {
			c[k]->org = q_text(a, st, 4 * k);
			c[k]->name = q_text(a, st, 4 * k + 1);
			c[k]->email = q_text(a, st, 4 * k + 2);
			c[k]->lang = q_text(a, st, 4 * k + 3);
		}
	}
	db_done(st);
	return rc;
}

enum err db_partnership_answer(struct db *db, int64_t partnership, const char *side,
			       const char *answer, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE partnership_consents SET answer = $3, answered_at = $4 "
				 "WHERE partnership_id = $1 AND side = $2 AND answer IS NULL",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, partnership);
	db_bind_text(st, 2, side);
	db_bind_text(st, 3, answer);
	db_bind_text(st, 4, now);
	return q_write(st, E_CONFLICT);
}

enum err db_partnership_set_status(struct db *db, int64_t partnership, const char *status,
				   const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE partnerships SET status = $2, updated_at = $3, "
				 "version = version + 1 WHERE id = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, partnership);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, now);
	return q_write(st, E_NOTFOUND);
}

enum err db_partnerships_of(struct db *db, struct arena *a, int64_t network,
			    struct mq_partnership **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT " PARTNERSHIP_COLUMNS PARTNERSHIP_FROM "WHERE p.network_id = $1 "
				 "ORDER BY so.sort_key, p.id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	return q_collect(st, a, sizeof **rows, read_partnership, (void **)rows, n);
}

enum err db_match_network(struct db *db, struct arena *a, const char *slug, int64_t *id,
			  const char **name_sv, const char **name_en, const char **status)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT id, name_sv, name_en, status FROM networks WHERE slug = $1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, slug);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		*id = db_col_int(st, 0);
		*name_sv = q_text(a, st, 1);
		*name_en = q_text(a, st, 2);
		*status = q_text(a, st, 3);
	}
	db_done(st);
	return rc;
}

enum err db_match_themes(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a, "SELECT CAST(id AS TEXT), name_en, name_sv FROM themes ORDER BY id",
			    true, rows, n);
}
