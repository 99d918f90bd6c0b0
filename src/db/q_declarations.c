/*
 * q_declarations.c - see q_declarations.h.
 *
 * Lists are a count and a page of rows, as for organisations; the topics
 * and working languages of a page then come in one more query over the
 * page's ids (DECL_IN_MAX placeholders, unused ones bound to NULL, which
 * matches nothing), never one query per row.  Board queries select from a
 * column list without any contact column (BOARD_COLUMNS); only the full
 * readers use FULL_COLUMNS.
 */
#include "db/q_declarations.h"

#include <string.h>

/* Everything a board row may show, in the positions read_board expects. */
#define BOARD_COLUMNS                                                                              \
	"d.id, d.organisation_id, o.name, o.country_iso2, c.name_en, c.name_sv, "                  \
	"o.province, o.population, e.cluster, cl.name_en, cl.name_sv, d.motivation, "              \
	"d.published_at "

/* A full row: the board's columns, then the contact and the triage state. */
#define FULL_COLUMNS                                                                               \
	BOARD_COLUMNS ", d.contact_name, d.contact_email, d.contact_phone, "                       \
		      "d.contact_position, d.consent_publish, d.lang, d.status, "                  \
		      "d.assigned_network_id, n.name_en, n.name_sv, d.version, d.created_at, "     \
		      "d.updated_at "

/* The municipality, its country and that country's cluster on $1. */
#define DECL_FROM                                                                                  \
	"FROM declarations d "                                                                     \
	"JOIN organisations o ON o.id = d.organisation_id "                                        \
	"JOIN countries c ON c.iso2 = o.country_iso2 "                                             \
	"LEFT JOIN eligibility_periods e ON e.country_iso2 = o.country_iso2 "                      \
	"AND e.valid_from <= CAST($1 AS TEXT) "                                                    \
	"AND (e.valid_to IS NULL OR e.valid_to >= CAST($1 AS TEXT)) "                              \
	"LEFT JOIN clusters cl ON cl.code = e.cluster "

#define FULL_FROM DECL_FROM "LEFT JOIN networks n ON n.id = d.assigned_network_id "

/* What the board shows: approved, and the contact consented. */
#define BOARD_WHERE                                                                                \
	"WHERE d.status = 'approved' AND d.consent_publish = 1 "                                   \
	"AND (CAST($2 AS TEXT) IS NULL OR o.country_iso2 = $2) "                                   \
	"AND (CAST($3 AS TEXT) IS NULL OR e.cluster = $3) "                                        \
	"AND (CAST($4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM declaration_topics dt "            \
	"JOIN themes t ON t.id = dt.theme_id WHERE dt.declaration_id = d.id AND t.slug = $4)) "    \
	"AND (CAST($5 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM declaration_languages dl "         \
	"WHERE dl.declaration_id = d.id AND dl.lang_code = $5)) "

#define QUEUE_WHERE                                                                                \
	"WHERE (CAST($2 AS TEXT) IS NULL OR d.status = $2) "                                       \
	"AND (CAST($3 AS BIGINT) = 0 OR d.assigned_network_id = $3) "                              \
	"AND (CAST($4 AS TEXT) IS NULL OR o.country_iso2 = $4) "                                   \
	"AND (CAST($5 AS TEXT) IS NULL OR o.name_folded LIKE $5 ESCAPE '\\') "                     \
	"AND (CAST($6 AS BIGINT) = 0 OR d.assigned_network_id IN (SELECT network_id "              \
	"FROM network_members WHERE person_id = $6 AND role = 'project_coordinator')) "

#define IN_LIST                                                                                    \
	"$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,"          \
	"$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36,$37,$38,$39,$40,$41,"             \
	"$42,$43,$44,$45,$46,$47,$48,$49,$50"

/* Reads a board row from the first 13 columns. */
static void read_board(struct arena *a, struct db_stmt *st, void *row)
{
	struct decl_row *r = row;
	memset(r, 0, sizeof *r);
	r->id = db_col_int(st, 0);
	r->organisation_id = db_col_int(st, 1);
	r->org_name = q_text(a, st, 2);
	r->country_iso2 = q_text(a, st, 3);
	r->country_name_en = q_text(a, st, 4);
	r->country_name_sv = q_text(a, st, 5);
	r->province = q_text(a, st, 6);
	r->population = db_col_is_null(st, 7) ? -1 : db_col_int(st, 7);
	r->cluster = q_text(a, st, 8);
	r->cluster_name_en = q_text(a, st, 9);
	r->cluster_name_sv = q_text(a, st, 10);
	r->motivation = q_text(a, st, 11);
	r->published_at = q_text(a, st, 12);
}

/* Reads a full row. */
static void read_full(struct arena *a, struct db_stmt *st, void *row)
{
	struct decl_row *r = row;
	read_board(a, st, r);
	r->contact_name = q_text(a, st, 13);
	r->contact_email = q_text(a, st, 14);
	r->contact_phone = q_text(a, st, 15);
	r->contact_position = q_text(a, st, 16);
	r->consent = db_col_int(st, 17) != 0;
	r->lang = q_text(a, st, 18);
	r->status = q_text(a, st, 19);
	r->network_id = db_col_is_null(st, 20) ? 0 : db_col_int(st, 20);
	r->network_name_en = q_text(a, st, 21);
	r->network_name_sv = q_text(a, st, 22);
	r->version = db_col_int(st, 23);
	r->created_at = q_text(a, st, 24);
	r->updated_at = q_text(a, st, 25);
}

/* Binds v, or NULL when v is negative (unknown). */
static void bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
	if (v >= 0)
		db_bind_int(st, idx, v);
	else
		db_bind_null(st, idx);
}

enum err db_intl_org_find(struct db *db, const char *name_folded, const char *iso2, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT id FROM organisations WHERE kind = 'local_government' "
				 "AND name_folded = $1 AND country_iso2 = $2 ORDER BY id LIMIT 1",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, name_folded);
	db_bind_text(st, 2, iso2);
	bool row = false;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum err db_intl_org_insert(struct db *db, const struct intl_org_new *o, int64_t *id)
{
	struct db_stmt *st;
	enum err rc =
	    db_prepare(db,
		       "INSERT INTO organisations (kind, name, name_folded, sort_key, "
		       "country_iso2, province, population, created_at, updated_at) "
		       "VALUES ('local_government', $1, $2, $3, $4, $5, $6, $7, $7) "
		       "ON CONFLICT DO NOTHING RETURNING id",
		       &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, o->name);
	db_bind_text(st, 2, o->name_folded);
	db_bind_text(st, 3, o->sort_key);
	db_bind_text(st, 4, o->country_iso2);
	db_bind_text(st, 5, o->province);
	bind_opt_int(st, 6, o->population);
	db_bind_text(st, 7, o->now);
	*id = 0;
	rc = q_insert_id(st, id);
	return rc == E_OK && *id == 0 ? E_CONFLICT : rc;
}

enum err db_intl_org_options(struct db *db, struct arena *a, struct intl_org_option **rows,
			     size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc =
	    db_prepare(db,
		       "SELECT o.id, o.name, o.province, o.country_iso2, c.name_en, c.name_sv "
		       "FROM organisations o JOIN countries c ON c.iso2 = o.country_iso2 "
		       "WHERE o.kind = 'local_government' ORDER BY o.sort_key, o.id",
		       &st);
	if (rc != E_OK)
		return rc;
	size_t cap = 0, count = 0;
	struct intl_org_option *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct intl_org_option *o = &out[count++];
		o->id = db_col_int(st, 0);
		o->name = q_text(a, st, 1);
		o->province = q_text(a, st, 2);
		o->country_iso2 = q_text(a, st, 3);
		o->country_name_en = q_text(a, st, 4);
		o->country_name_sv = q_text(a, st, 5);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_decl_themes(struct db *db, struct arena *a, struct decl_theme **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(
	    db, "SELECT id, slug, name_en, name_sv FROM themes ORDER BY name_en, id", &st);
	if (rc != E_OK)
		return rc;
	size_t cap = 0, count = 0;
	struct decl_theme *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].id = db_col_int(st, 0);
		out[count].slug = q_text(a, st, 1);
		out[count].name_en = q_text(a, st, 2);
		out[count].name_sv = q_text(a, st, 3);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_declaration_insert(struct db *db, const struct decl_new *d, int64_t *id)
{
	struct db_stmt *st;
	enum err rc =
	    db_prepare(db,
		       "INSERT INTO declarations (organisation_id, contact_name, contact_email, "
		       "contact_phone, contact_position, motivation, consent_publish, lang, "
		       "status, withdraw_token_hash, client_addr, created_at, updated_at) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, $11) "
		       "RETURNING id",
		       &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, d->organisation_id);
	db_bind_text(st, 2, d->contact_name);
	db_bind_text(st, 3, d->contact_email);
	db_bind_text(st, 4, d->contact_phone);
	db_bind_text(st, 5, d->contact_position);
	db_bind_text(st, 6, d->motivation);
	db_bind_int(st, 7, d->consent ? 1 : 0);
	db_bind_text(st, 8, d->lang);
	db_bind_text(st, 9, d->withdraw_hash);
	db_bind_text(st, 10, d->client_addr);
	db_bind_text(st, 11, d->now);
	return q_insert_id(st, id);
}

enum err db_declaration_add_topic(struct db *db, int64_t declaration, int64_t theme_id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(
	    db, "INSERT INTO declaration_topics (declaration_id, theme_id) VALUES ($1, $2)", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, declaration);
	db_bind_int(st, 2, theme_id);
	return q_write(st, E_OK);
}

enum err db_declaration_add_language(struct db *db, int64_t declaration, const char *code)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO declaration_languages (declaration_id, lang_code) "
				 "VALUES ($1, $2)",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, declaration);
	db_bind_text(st, 2, code);
	return q_write(st, E_OK);
}

/* The row of rows[0..n) with this id, or NULL. */
static struct decl_row *row_of(struct decl_row *rows, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id)
			return &rows[i];
	return NULL;
}

/* Topics and languages of up to DECL_IN_MAX rows. */
static enum err extras_chunk(struct db *db, struct arena *a, struct decl_row *rows, size_t n)
{
	static const char *const sql =
	    "SELECT dt.declaration_id, 't', t.slug, t.name_en, t.name_sv "
	    "FROM declaration_topics dt JOIN themes t ON t.id = dt.theme_id "
	    "WHERE dt.declaration_id IN (" IN_LIST ") "
	    "UNION ALL "
	    "SELECT dl.declaration_id, 'l', dl.lang_code, NULL, NULL "
	    "FROM declaration_languages dl WHERE dl.declaration_id IN (" IN_LIST ") "
	    "ORDER BY 1, 2, 3";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	for (int i = 0; i < DECL_IN_MAX; i++) {
		if ((size_t)i < n)
			db_bind_int(st, i + 1, rows[i].id);
		else
			db_bind_null(st, i + 1);
	}
	/* Each row's arrays grow in the arena as their rows arrive. */
	size_t cap_t[DECL_IN_MAX] = {0}, cap_l[DECL_IN_MAX] = {0};
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		struct decl_row *r = row_of(rows, n, db_col_int(st, 0));
		if (r == NULL)
			continue;
		size_t k = (size_t)(r - rows);
		const char *kind = db_col_text(st, 1);
		if (kind != NULL && kind[0] == 't') {
			r->topics = q_grow(a, r->topics, sizeof *r->topics, r->ntopics, &cap_t[k]);
			r->topics[r->ntopics].slug = q_text(a, st, 2);
			r->topics[r->ntopics].name_en = q_text(a, st, 3);
			r->topics[r->ntopics].name_sv = q_text(a, st, 4);
			r->ntopics++;
		} else {
			r->langs = q_grow(a, r->langs, sizeof *r->langs, r->nlangs, &cap_l[k]);
			r->langs[r->nlangs++] = q_text(a, st, 2);
		}
	}
	db_done(st);
	return rc;
}

enum err db_declaration_extras(struct db *db, struct arena *a, struct decl_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rows[i].topics = NULL;
		rows[i].ntopics = 0;
		rows[i].langs = NULL;
		rows[i].nlangs = 0;
	}
	enum err rc = E_OK;
	for (size_t at = 0; rc == E_OK && at < n; at += DECL_IN_MAX)
		rc = extras_chunk(db, a, rows + at, n - at < DECL_IN_MAX ? n - at : DECL_IN_MAX);
	return rc;
}

/* Runs a count statement already bound; *total gets the count. */
static enum err run_count(struct db_stmt *st, int64_t *total)
{
	bool row;
	enum err rc = db_step(st, &row);
	*total = rc == E_OK && row ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

/* Reads every row of a bound list statement, full or board rows. */
static enum err read_rows(struct db_stmt *st, struct arena *a, bool full, struct decl_row **rows,
			  size_t *n)
{
	return q_collect(st, a, sizeof **rows, full ? read_full : read_board, (void **)rows, n);
}

static void bind_board(struct db_stmt *st, const struct board_filter *f)
{
	db_bind_text(st, 1, f->date);
	db_bind_text(st, 2, f->country);
	db_bind_text(st, 3, f->cluster);
	db_bind_text(st, 4, f->topic);
	db_bind_text(st, 5, f->language);
}

enum err db_declarations_board(struct db *db, struct arena *a, const struct board_filter *f,
			       struct decl_row **rows, size_t *n, int64_t *total)
{
	static const char *const count_sql = "SELECT COUNT(*) " DECL_FROM BOARD_WHERE;
	static const char *const list_sql =
	    "SELECT " BOARD_COLUMNS DECL_FROM BOARD_WHERE "ORDER BY d.published_at DESC, d.id DESC "
	    "LIMIT $6 OFFSET $7";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, count_sql, &st);
	if (rc != E_OK)
		return rc;
	bind_board(st, f);
	if ((rc = run_count(st, total)) != E_OK || *total <= f->offset)
		return rc;
	if ((rc = db_prepare(db, list_sql, &st)) != E_OK)
		return rc;
	bind_board(st, f);
	db_bind_int(st, 6, f->limit);
	db_bind_int(st, 7, f->offset);
	if ((rc = read_rows(st, a, false, rows, n)) != E_OK)
		return rc;
	return db_declaration_extras(db, a, *rows, *n);
}

/* Runs a one-row reader (date as $1, key as $2) and adds the extras. */
static enum err read_one(struct db *db, struct arena *a, const char *sql, bool full,
			 const char *date, int64_t id, const char *key, struct decl_row *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, date);
	if (key != NULL)
		db_bind_text(st, 2, key);
	else
		db_bind_int(st, 2, id);
	struct decl_row *rows = NULL;
	size_t n = 0;
	if ((rc = read_rows(st, a, full, &rows, &n)) != E_OK)
		return rc;
	if (n == 0)
		return E_NOTFOUND;
	*out = rows[0];
	return db_declaration_extras(db, a, out, 1);
}

enum err db_declaration_public(struct db *db, struct arena *a, int64_t id, const char *date,
			       struct decl_row *out)
{
	static const char *const sql =
	    "SELECT " BOARD_COLUMNS DECL_FROM "WHERE d.id = $2 AND d.status = 'approved' "
	    "AND d.consent_publish = 1";
	return read_one(db, a, sql, false, date, id, NULL, out);
}

enum err db_declaration_by_id(struct db *db, struct arena *a, int64_t id, const char *date,
			      struct decl_row *out)
{
	static const char *const sql = "SELECT " FULL_COLUMNS FULL_FROM "WHERE d.id = $2";
	return read_one(db, a, sql, true, date, id, NULL, out);
}

enum err db_declaration_by_withdraw_hash(struct db *db, struct arena *a, const char *hash,
					 const char *date, struct decl_row *out)
{
	static const char *const sql =
	    "SELECT " FULL_COLUMNS FULL_FROM "WHERE d.withdraw_token_hash = $2";
	return read_one(db, a, sql, true, date, 0, hash, out);
}

static void bind_queue(struct db_stmt *st, struct arena *a, const struct queue_filter *f)
{
	db_bind_text(st, 1, f->date);
	db_bind_text(st, 2, f->status);
	db_bind_int(st, 3, f->network_id);
	db_bind_text(st, 4, f->country);
	db_bind_text(st, 5, q_like_contains(a, f->folded));
	db_bind_int(st, 6, f->coordinator_id);
}

enum err db_declarations_queue(struct db *db, struct arena *a, const struct queue_filter *f,
			       struct decl_row **rows, size_t *n, int64_t *total)
{
	static const char *const count_sql = "SELECT COUNT(*) " DECL_FROM QUEUE_WHERE;
	/* New ones first (the triage queue proper), each group oldest first. */
	static const char *const list_sql =
	    "SELECT " FULL_COLUMNS FULL_FROM QUEUE_WHERE
	    "ORDER BY CASE WHEN d.status = 'received' THEN 0 ELSE 1 END, "
	    "d.created_at, d.id LIMIT $7 OFFSET $8";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, count_sql, &st);
	if (rc != E_OK)
		return rc;
	bind_queue(st, a, f);
	if ((rc = run_count(st, total)) != E_OK || *total <= f->offset)
		return rc;
	if ((rc = db_prepare(db, list_sql, &st)) != E_OK)
		return rc;
	bind_queue(st, a, f);
	db_bind_int(st, 7, f->limit);
	db_bind_int(st, 8, f->offset);
	if ((rc = read_rows(st, a, true, rows, n)) != E_OK)
		return rc;
	return db_declaration_extras(db, a, *rows, *n);
}

enum err db_declarations_of_network(struct db *db, struct arena *a, int64_t network,
				    const char *date, struct decl_row **rows, size_t *n)
{
	static const char *const sql =
	    "SELECT " FULL_COLUMNS FULL_FROM
	    "WHERE d.assigned_network_id = $2 ORDER BY d.created_at, d.id";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, date);
	db_bind_int(st, 2, network);
	if ((rc = read_rows(st, a, true, rows, n)) != E_OK)
		return rc;
	return db_declaration_extras(db, a, *rows, *n);
}

enum err db_declaration_set_status(struct db *db, int64_t id, const char *from, const char *to,
				   const char *published_at, const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE declarations SET status = $3, "
				 "published_at = COALESCE(CAST($4 AS TEXT), published_at), "
				 "updated_at = $5, version = version + 1 "
				 "WHERE id = $1 AND status = $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, published_at);
	db_bind_text(st, 5, now);
	return q_write(st, E_CONFLICT);
}

enum err db_declaration_set_network(struct db *db, int64_t id, int64_t network, const char *now)
{
	struct db_stmt *st;
	/* Conditional on the state the page allowed, so a withdrawal
	 * committed meanwhile is not followed by a move (and a mail). */
	enum err rc =
	    db_prepare(db,
		       "UPDATE declarations SET assigned_network_id = $2, updated_at = $3, "
		       "version = version + 1 WHERE id = $1 AND status IN ('received', 'approved')",
		       &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	if (network > 0)
		db_bind_int(st, 2, network);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, now);
	return q_write(st, E_CONFLICT);
}

enum err db_decl_network(struct db *db, struct arena *a, int64_t id, struct decl_network *out)
{
	struct db_stmt *st;
	enum err rc =
	    db_prepare(db, "SELECT id, name_en, name_sv, status FROM networks WHERE id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bool row = false;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		out->id = db_col_int(st, 0);
		out->name_en = q_text(a, st, 1);
		out->name_sv = q_text(a, st, 2);
		out->status = q_text(a, st, 3);
	}
	db_done(st);
	return rc;
}

enum err db_requester_orgs(struct db *db, struct arena *a, int64_t person, struct code_name **rows,
			   size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(
	    db,
	    "SELECT DISTINCT CAST(o.id AS TEXT), o.name, o.sort_key "
	    "FROM organisation_members m JOIN organisations o ON o.id = m.organisation_id "
	    "WHERE m.person_id = $1 AND o.country_iso2 = 'SE' ORDER BY o.sort_key",
	    &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, person);
	size_t cap = 0, count = 0;
	struct code_name *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].code = q_text(a, st, 0);
		out[count].name = q_text(a, st, 1);
		out[count].name_sv = NULL;
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_contact_insert(struct db *db, const struct contact_new *c, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "INSERT INTO contact_requests (declaration_id, requester_id, "
				 "requester_org_id, message, status, token_hash, created_at) "
				 "VALUES ($1, $2, $3, $4, 'sent', $5, $6) RETURNING id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, c->declaration_id);
	db_bind_int(st, 2, c->requester_id);
	if (c->requester_org_id > 0)
		db_bind_int(st, 3, c->requester_org_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, c->message);
	db_bind_text(st, 5, c->token_hash);
	db_bind_text(st, 6, c->now);
	return q_insert_id(st, id);
}

enum err db_contact_open(struct db *db, int64_t declaration, int64_t person, bool *open)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT 1 FROM contact_requests WHERE declaration_id = $1 "
				 "AND requester_id = $2 AND status = 'sent'",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, declaration);
	db_bind_int(st, 2, person);
	bool row = false;
	rc = db_step(st, &row);
	*open = rc == E_OK && row;
	db_done(st);
	return rc;
}

enum err db_contact_by_hash(struct db *db, struct arena *a, const char *hash,
			    struct contact_row *out)
{
	struct db_stmt *st;
	enum err rc =
	    db_prepare(db,
		       "SELECT r.id, r.declaration_id, r.requester_id, p.name, p.email, p.lang, "
		       "r.requester_org_id, o.name, r.message, r.status, r.created_at, "
		       "r.answered_at, p.active FROM contact_requests r "
		       "JOIN people p ON p.id = r.requester_id "
		       "LEFT JOIN organisations o ON o.id = r.requester_org_id "
		       "WHERE r.token_hash = $1",
		       &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, hash);
	bool row = false;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		out->id = db_col_int(st, 0);
		out->declaration_id = db_col_int(st, 1);
		out->requester_id = db_col_int(st, 2);
		out->requester_name = q_text(a, st, 3);
		out->requester_email = q_text(a, st, 4);
		out->requester_lang = q_text(a, st, 5);
		out->requester_org_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
		out->requester_org = q_text(a, st, 7);
		out->message = q_text(a, st, 8);
		out->status = q_text(a, st, 9);
		out->created_at = q_text(a, st, 10);
		out->answered_at = q_text(a, st, 11);
		out->requester_active = db_col_int(st, 12) != 0 && out->requester_email != NULL;
	}
	db_done(st);
	return rc;
}

enum err db_contact_answer(struct db *db, int64_t id, const char *status, const char *now)
{
	struct db_stmt *st;
	/* The requester checked again here: one deactivated or erased since
	 * the page was loaded must not be mailed the partner's details. */
	enum err rc =
	    db_prepare(db,
		       "UPDATE contact_requests SET status = $2, answered_at = $3 "
		       "WHERE id = $1 AND status = 'sent' AND EXISTS (SELECT 1 FROM people p "
		       "WHERE p.id = contact_requests.requester_id AND p.active = 1 "
		       "AND p.email IS NOT NULL)",
		       &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, now);
	return q_write(st, E_CONFLICT);
}
