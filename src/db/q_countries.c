/*
 * q_countries.c - see q_countries.h.  Like the organisation list, the
 * country list is a count and a page of rows, and the language of the sort
 * order picks one of two fixed SQL texts.
 */
#include "db/q_countries.h"

#include <string.h>

#include "db/q_common.h"

#define COUNTRY_COLUMNS                                                                    \
	"c.iso2, c.iso3, c.numeric_code, c.name_en, c.name_sv, c.official_name_en, e.cluster, " \
	"cl.name_en, cl.name_sv "

#define COUNTRY_JOIN                                                                    \
	"FROM countries c "                                                             \
	"LEFT JOIN eligibility_periods e ON e.country_iso2 = c.iso2 "                   \
	"AND e.valid_from <= CAST($1 AS TEXT) AND (e.valid_to IS NULL OR e.valid_to >= CAST($1 AS TEXT)) " \
	"LEFT JOIN clusters cl ON cl.code = e.cluster "

#define COUNTRY_WHERE                                                             \
	"WHERE (CAST($2 AS TEXT) IS NULL OR c.search_folded LIKE $2 ESCAPE '\\') " \
	"AND (CAST($3 AS TEXT) IS NULL OR e.cluster = $3) "                       \
	"AND ($4 = 0 OR e.cluster IS NOT NULL) "

/* Count and rows apart, as for organisations (see q_organisations.c). */
#define COUNTRY_LIST_SQL(order) \
	"SELECT " COUNTRY_COLUMNS COUNTRY_JOIN COUNTRY_WHERE "ORDER BY " order " LIMIT $5 OFFSET $6"

static const char *const list_sv = COUNTRY_LIST_SQL("c.sort_sv, c.iso2");
static const char *const list_en = COUNTRY_LIST_SQL("c.sort_en, c.iso2");

static void read_row(struct arena *a, struct db_stmt *st, struct country_row *r)
{
	r->iso2 = q_text(a, st, 0);
	r->iso3 = q_text(a, st, 1);
	r->numeric_code = q_text(a, st, 2);
	r->name_en = q_text(a, st, 3);
	r->name_sv = q_text(a, st, 4);
	r->official_name_en = q_text(a, st, 5);
	r->cluster = q_text(a, st, 6);
	r->cluster_name_en = q_text(a, st, 7);
	r->cluster_name_sv = q_text(a, st, 8);
	r->organisations = 0;
}

static void bind_filter(struct db_stmt *st, struct arena *a, const struct country_filter *f)
{
	db_bind_text(st, 1, f->date);
	db_bind_text(st, 2, q_like_contains(a, f->folded));
	db_bind_text(st, 3, f->cluster);
	db_bind_int(st, 4, f->eligible_only ? 1 : 0);
}

enum err db_countries_list(struct db *db, struct arena *a, const struct country_filter *f,
			   struct country_row **rows, size_t *n, int64_t *total)
{
	static const char *const count_sql = "SELECT COUNT(*) " COUNTRY_JOIN COUNTRY_WHERE;
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, count_sql, &st);
	if (rc != E_OK)
		return rc;
	bind_filter(st, a, f);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != E_OK || *total <= f->offset)
		return rc;

	bool en = f->lang != NULL && strcmp(f->lang, "en") == 0;
	rc = db_prepare(db, en ? list_en : list_sv, &st);
	if (rc != E_OK)
		return rc;
	bind_filter(st, a, f);
	db_bind_int(st, 5, f->limit);
	db_bind_int(st, 6, f->offset);
	struct country_row *out = arena_alloc(a, (size_t)(f->limit > 0 ? f->limit : 1) * sizeof *out);
	size_t count = 0;
	while ((rc = db_step(st, &row)) == E_OK && row && count < (size_t)f->limit)
		read_row(a, st, &out[count++]);
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_country_by_iso2(struct db *db, struct arena *a, const char *iso2, const char *date,
			    struct country_row *out)
{
	static const char *const sql =
		"SELECT " COUNTRY_COLUMNS ", "
		"(SELECT COUNT(*) FROM organisations o WHERE o.country_iso2 = c.iso2) " COUNTRY_JOIN
		"WHERE c.iso2 = $2";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, iso2);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		read_row(a, st, out);
		out->organisations = db_col_int(st, 9);
	}
	db_done(st);
	return rc;
}

enum err db_eligibility_of(struct db *db, struct arena *a, const char *iso2,
			   struct eligibility_row **rows, size_t *n)
{
	static const char *const sql =
		"SELECT e.cluster, cl.name_en, cl.name_sv, e.valid_from, e.valid_to, e.source "
		"FROM eligibility_periods e JOIN clusters cl ON cl.code = e.cluster "
		"WHERE e.country_iso2 = $1 ORDER BY e.valid_from DESC";
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, iso2);
	size_t cap = 0, count = 0;
	struct eligibility_row *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		struct eligibility_row *e = &out[count++];
		e->cluster = q_text(a, st, 0);
		e->cluster_name_en = q_text(a, st, 1);
		e->cluster_name_sv = q_text(a, st, 2);
		e->valid_from = q_text(a, st, 3);
		e->valid_to = q_text(a, st, 4);
		e->source = q_text(a, st, 5);
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err db_clusters(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a, "SELECT code, name_en, name_sv FROM clusters ORDER BY code",
			    true, rows, n);
}

enum err db_eligible_countries(struct db *db, struct arena *a, const char *date,
			       struct code_name **rows, size_t *n)
{
	struct db_stmt *st;
	*rows = NULL;
	*n = 0;
	enum err rc = db_prepare(db,
				 "SELECT c.iso2, c.name_en, c.name_sv FROM countries c "
				 "JOIN eligibility_periods e ON e.country_iso2 = c.iso2 "
				 "WHERE e.valid_from <= CAST($1 AS TEXT) "
				 "AND (e.valid_to IS NULL OR e.valid_to >= CAST($1 AS TEXT)) "
				 "ORDER BY c.sort_en",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, date);
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

enum err db_country_eligible(struct db *db, const char *iso2, const char *date, bool *eligible)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db,
				 "SELECT 1 FROM eligibility_periods WHERE country_iso2 = $1 "
				 "AND valid_from <= CAST($2 AS TEXT) "
				 "AND (valid_to IS NULL OR valid_to >= CAST($2 AS TEXT))",
				 &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, iso2);
	db_bind_text(st, 2, date);
	bool row = false;
	rc = db_step(st, &row);
	*eligible = rc == E_OK && row;
	db_done(st);
	return rc;
}
