/*
 * q_networks.c - see q_networks.h.  A network is read by one query with
 * its theme joined; its countries, institutions and people by one query
 * each, never one per row.
 */
#include "db/q_networks.h"

#include <string.h>

#include "db/q_common.h"

enum err db_network_options(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(
	    db, a, "SELECT CAST(id AS TEXT), name_en, name_sv FROM networks ORDER BY name_en, id",
	    true, rows, n);
}

enum err db_network_exists(struct db *db, int64_t id, bool *exists)
{
	return q_exists(db, "SELECT 1 FROM networks WHERE id = $1", id, exists);
}

/* The columns read_network expects, in its order.  Lists pass '' for the
 * descriptions (they can be long and no list shows them) and count the
 * countries; single reads pass the descriptions and 0. */
#define NETWORK_COLUMNS(descriptions, countries)                                                   \
	"n.id, n.slug, n.name_sv, n.name_en, n.theme_id, t.slug, t.name_sv, "                      \
	"t.name_en, " descriptions                                                                 \
	", n.start_date, n.inception_years, n.project_years, n.capacity, "                         \
	"n.status, n.version, n.created_at, n.updated_at, " countries " "
#define NETWORK_FROM "FROM networks n LEFT JOIN themes t ON t.id = n.theme_id "

static void read_network(struct arena *a, struct db_stmt *st, struct network_row *r)
{
	r->id = db_col_int(st, 0);
	r->slug = q_text(a, st, 1);
	r->name_sv = q_text(a, st, 2);
	r->name_en = q_text(a, st, 3);
	r->theme_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
	r->theme_slug = q_text(a, st, 5);
	r->theme_name_sv = q_text(a, st, 6);
	r->theme_name_en = q_text(a, st, 7);
	r->description_sv = q_text(a, st, 8);
	r->description_en = q_text(a, st, 9);
	r->start_date = q_text(a, st, 10);
	r->inception_years = (int)db_col_int(st, 11);
	r->project_years = (int)db_col_int(st, 12);
	r->capacity = db_col_is_null(st, 13) ? 0 : db_col_int(st, 13);
	r->status = q_text(a, st, 14);
	r->version = db_col_int(st, 15);
	r->created_at = q_text(a, st, 16);
	r->updated_at = q_text(a, st, 17);
	r->countries = db_col_int(st, 18);
	if (r->description_sv == NULL)
		r->description_sv = "";
	if (r->description_en == NULL)
		r->description_en = "";
}

#define NETWORK_WHERE                                                                              \
	"WHERE (CAST($1 AS TEXT) IS NULL OR n.status = $1) "                                       \
	"AND (CAST($2 AS TEXT) IS NULL OR t.slug = $2) "

enum err db_networks_list(struct db *db, struct arena *a, const struct network_filter *f,
			  struct network_row **rows, size_t *n, int64_t *total)
{
	/* Current before past; an unset start date sorts after every date
	 * ('' is the smallest text and the order is descending). */
	/* clang-format off */
	static const char *const sql =
		"SELECT " NETWORK_COLUMNS("'', ''", "(SELECT COUNT(*) FROM network_countries nc "
						  "WHERE nc.network_id = n.id)")
		", COUNT(*) OVER () " NETWORK_FROM NETWORK_WHERE
		"ORDER BY CASE WHEN n.status = 'closed' THEN 1 ELSE 0 END, "
		"COALESCE(n.start_date, '') DESC, n.name_en, n.id LIMIT $3 OFFSET $4";
	/* clang-format on */
	static const char *const count_sql = "SELECT COUNT(*) " NETWORK_FROM NETWORK_WHERE;
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, f->status);
	db_bind_text(st, 2, f->theme_slug);
	db_bind_int(st, 3,
		    f->limit > 0 && f->limit <= NETWORK_LIST_MAX ? f->limit : NETWORK_LIST_MAX);
	db_bind_int(st, 4, f->offset);
	size_t cap = 0, count = 0;
	struct network_row *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		read_network(a, st, &out[count++]);
		*total = db_col_int(st, 19);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	if (count > 0 || f->offset == 0)
		return E_OK;
	/* A page past the end has no row to carry the total: count apart. */
	if ((rc = db_prepare(db, count_sql, &st)) != E_OK)
		return rc;
	db_bind_text(st, 1, f->status);
	db_bind_text(st, 2, f->theme_slug);
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*total = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* Runs a one-network query bound to an id or a slug. */
static enum err one_network(struct db *db, struct arena *a, const char *sql, int64_t id,
			    const char *slug, struct network_row *out)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	if (slug != NULL)
		db_bind_text(st, 1, slug);
	else
		db_bind_int(st, 1, id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK)
		read_network(a, st, out);
	db_done(st);
	return rc;
}

enum err db_network_by_slug(struct db *db, struct arena *a, const char *slug,
			    struct network_row *out)
{
	return one_network(db, a,
			   "SELECT " NETWORK_COLUMNS("n.description_sv, n.description_en", "0")
			       NETWORK_FROM "WHERE n.slug = $1",
			   0, slug, out);
}

enum err db_network_by_id(struct db *db, struct arena *a, int64_t id, struct network_row *out)
{
	return one_network(db, a,
			   "SELECT " NETWORK_COLUMNS("n.description_sv, n.description_en", "0")
			       NETWORK_FROM "WHERE n.id = $1",
			   id, NULL, out);
}

enum err db_network_countries(struct db *db, struct arena *a, int64_t network,
			      struct code_name **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT c.iso2, c.name_en, c.name_sv FROM network_countries nc "
				 "JOIN countries c ON c.iso2 = nc.country_iso2 "
				 "WHERE nc.network_id = $1 ORDER BY c.sort_en, c.iso2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
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

enum err db_network_institutions(struct db *db, struct arena *a, int64_t network,
				 const char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT name FROM network_institutions WHERE network_id = $1 "
				 "ORDER BY position, id",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	size_t cap = 0, count = 0;
	const char **out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count++] = q_text(a, st, 0);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*names = out;
	*n = count;
	return E_OK;
}

enum err db_network_people(struct db *db, struct arena *a, int64_t network,
			   struct network_person **rows, size_t *n)
{
	/* The CASE is the privacy rule: only a coordinator's address is
	 * public, so no other address is ever read into memory here. */
	static const char *const sql =
	    "SELECT p.id, p.name, m.role, "
	    "CASE WHEN m.role = 'project_coordinator' THEN p.email END, p.active "
	    "FROM network_members m JOIN people p ON p.id = m.person_id "
	    "WHERE m.network_id = $1 AND p.erased_at IS NULL "
	    "ORDER BY CASE m.role WHEN 'project_coordinator' THEN 0 WHEN 'research_advisor' THEN 1 "
	    "WHEN 'mentor' THEN 2 WHEN 'national_expert' THEN 3 ELSE 4 END, "
	    "LOWER(p.name), p.id";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	size_t cap = 0, count = 0;
	struct network_person *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].person_id = db_col_int(st, 0);
		out[count].name = q_text(a, st, 1);
		out[count].role = q_text(a, st, 2);
		out[count].email = q_text(a, st, 3);
		out[count].active = db_col_int(st, 4) != 0;
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_network_slug_taken(struct db *db, const char *slug, int64_t except_id, bool *taken)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT 1 FROM networks WHERE slug = $1 AND id <> $2", &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, slug);
	db_bind_int(st, 2, except_id);
	bool row = false;
	rc = db_step(st, &row);
	*taken = rc == E_OK && row;
	db_done(st);
	return rc;
}

/* Binds the content fields shared by insert and update as $2..$11. */
static void bind_content(struct db_stmt *st, const struct network_row *n)
{
	db_bind_text(st, 2, n->slug);
	db_bind_text(st, 3, n->name_sv);
	db_bind_text(st, 4, n->name_en);
	if (n->theme_id > 0)
		db_bind_int(st, 5, n->theme_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, n->description_sv != NULL ? n->description_sv : "");
	db_bind_text(st, 7, n->description_en != NULL ? n->description_en : "");
	db_bind_text(st, 8, n->start_date);
	db_bind_int(st, 9, n->inception_years);
	db_bind_int(st, 10, n->project_years);
	if (n->capacity > 0)
		db_bind_int(st, 11, n->capacity);
	else
		db_bind_null(st, 11);
}

enum err db_network_insert(struct db *db, const struct network_row *n, const char *now, int64_t *id)
{
	/* $1 is the timestamp here, so the content binds the same way as in
	 * the update. */
	static const char *const sql =
	    "INSERT INTO networks (slug, name_sv, name_en, theme_id, description_sv, "
	    "description_en, start_date, inception_years, project_years, capacity, status, "
	    "version, created_at, updated_at) "
	    "VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'planned', 1, $1, $1) RETURNING id";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, now);
	bind_content(st, n);
	return q_insert_id(st, id);
}

enum err db_network_update(struct db *db, const struct network_row *n, const char *now)
{
	static const char *const sql =
	    "UPDATE networks SET slug = $2, name_sv = $3, name_en = $4, theme_id = $5, "
	    "description_sv = $6, description_en = $7, start_date = $8, inception_years = $9, "
	    "project_years = $10, capacity = $11, updated_at = $12, version = version + 1 "
	    "WHERE id = $1 AND version = $13";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, n->id);
	bind_content(st, n);
	db_bind_text(st, 12, now);
	db_bind_int(st, 13, n->version);
	return q_write(st, E_CONFLICT);
}

enum err db_network_set_countries(struct db *db, int64_t network, const char *const *iso2, size_t n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "DELETE FROM network_countries WHERE network_id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	if ((rc = q_write(st, E_OK)) != E_OK)
		return rc;
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		rc = db_prepare(
		    db, "INSERT INTO network_countries (network_id, country_iso2) VALUES ($1, $2)",
		    &st);
		if (rc != E_OK)
			return rc;
		db_bind_int(st, 1, network);
		db_bind_text(st, 2, iso2[i]);
		rc = q_write(st, E_OK);
	}
	return rc;
}

enum err db_network_set_institutions(struct db *db, int64_t network, const char *const *names,
				     size_t n)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "DELETE FROM network_institutions WHERE network_id = $1", &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	if ((rc = q_write(st, E_OK)) != E_OK)
		return rc;
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		rc = db_prepare(db,
				"INSERT INTO network_institutions (network_id, name, position) "
				"VALUES ($1, $2, $3)",
				&st);
		if (rc != E_OK)
			return rc;
		db_bind_int(st, 1, network);
		db_bind_text(st, 2, names[i]);
		db_bind_int(st, 3, (int64_t)i);
		rc = q_write(st, E_OK);
	}
	return rc;
}

enum err db_network_set_status(struct db *db, int64_t network, const char *from, const char *to,
			       const char *now)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "UPDATE networks SET status = $3, updated_at = $4 "
				 "WHERE id = $1 AND status = $2",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, network);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, now);
	return q_write(st, E_CONFLICT);
}

enum err db_themes(struct db *db, struct arena *a, struct theme_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(
	    db, "SELECT id, slug, name_sv, name_en FROM themes ORDER BY name_en, id", &st);
	if (rc != E_OK)
		return rc;
	size_t cap = 0, count = 0;
	struct theme_row *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].id = db_col_int(st, 0);
		out[count].slug = q_text(a, st, 1);
		out[count].name_sv = q_text(a, st, 2);
		out[count].name_en = q_text(a, st, 3);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}
