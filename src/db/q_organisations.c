/*
 * q_organisations.c - see q_organisations.h.
 *
 * A page is two queries: the count, then the rows.  (A window COUNT(*)
 * OVER () in the row query would save a round trip on PostgreSQL, but it
 * makes SQLite join and sort every matching row before the LIMIT: six times
 * the work for a 50-row page; bench/README.md has the figures.)  The sort
 * order cannot be a bound parameter, so each order has its own SQL text,
 * chosen from a table by the enum and never from input.
 */
#include "db/q_organisations.h"

#include <string.h>

#include "db/q_common.h"

#define ORG_COLUMNS                                                                        \
	"o.id, o.kind, o.name, o.code, o.county_code, cn.name, o.country_iso2, c.name_en, " \
	"c.name_sv, o.province, o.seat, o.population, o.population_year "

#define ORG_WHERE                                                              \
	"WHERE (CAST($1 AS TEXT) IS NULL OR o.kind = $1) "                     \
	"AND (CAST($2 AS TEXT) IS NULL OR o.county_code = $2) "                \
	"AND (CAST($3 AS TEXT) IS NULL OR o.country_iso2 = $3) "               \
	"AND (CAST($4 AS TEXT) IS NULL OR o.name_folded LIKE $4 ESCAPE '\\') "

/* The list reads the organisation rows alone, in the positions of
 * ORG_COLUMNS: joining the county and country names cost SQLite as much as
 * the rest of the page's query, and the caller has those names at hand
 * (see db_organisations_list).  The columns it reads are all in the
 * organisations_list index, so SQLite never visits the table. */
#define ORG_LIST_COLUMNS                                                                \
	"o.id, o.kind, o.name, o.code, o.county_code, NULL, o.country_iso2, NULL, NULL, " \
	"NULL, NULL, o.population, o.population_year "

#define ORG_LIST_SQL(order)                                           \
	"SELECT " ORG_LIST_COLUMNS "FROM organisations o " ORG_WHERE \
	"ORDER BY " order " LIMIT $5 OFFSET $6"

static const char *const list_sql[ORG_SORT__COUNT] = {
	[ORG_SORT_NAME] = ORG_LIST_SQL("o.sort_key, o.id"),
	[ORG_SORT_NAME_DESC] = ORG_LIST_SQL("o.sort_key DESC, o.id DESC"),
	[ORG_SORT_POP_DESC] = ORG_LIST_SQL("o.population DESC NULLS LAST, o.sort_key, o.id"),
	[ORG_SORT_POP_ASC] = ORG_LIST_SQL("o.population ASC NULLS LAST, o.sort_key, o.id"),
};

static void read_row(struct arena *a, struct db_stmt *st, struct org_row *r)
{
	r->id = db_col_int(st, 0);
	r->kind = q_text(a, st, 1);
	r->name = q_text(a, st, 2);
	r->code = q_text(a, st, 3);
	r->county_code = q_text(a, st, 4);
	r->county_name = q_text(a, st, 5);
	r->country_iso2 = q_text(a, st, 6);
	r->country_name_en = q_text(a, st, 7);
	r->country_name_sv = q_text(a, st, 8);
	r->province = q_text(a, st, 9);
	r->seat = q_text(a, st, 10);
	r->population = db_col_is_null(st, 11) ? -1 : db_col_int(st, 11);
	r->population_year = db_col_is_null(st, 12) ? 0 : db_col_int(st, 12);
}

/* Binds the four filter parameters shared by the count and the list. */
static void bind_filter(struct db_stmt *st, struct arena *a, const struct org_filter *f)
{
	db_bind_text(st, 1, f->kind);
	db_bind_text(st, 2, f->county);
	db_bind_text(st, 3, f->country);
	db_bind_text(st, 4, q_like_contains(a, f->folded));
}

enum err db_organisations_list(struct db *db, struct arena *a, const struct org_filter *f,
			       org_row_fn each, void *ctx, int64_t *total)
{
	static const char *const count_sql = "SELECT COUNT(*) FROM organisations o " ORG_WHERE;
	/* The unfiltered directory, the most asked-for page, counts from the
	 * smallest index instead of testing four conditions on every row. */
	static const char *const count_all_sql = "SELECT COUNT(*) FROM organisations";
	bool filtered = f->kind != NULL || f->county != NULL || f->country != NULL ||
			(f->folded != NULL && f->folded[0] != '\0');
	*total = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, filtered ? count_sql : count_all_sql, &st);
	if (rc != E_OK)
		return rc;
	if (filtered)
		bind_filter(st, a, f);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && row)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != E_OK || *total <= f->offset)
		return rc;

	rc = db_prepare(db, list_sql[f->sort < ORG_SORT__COUNT ? f->sort : 0], &st);
	if (rc != E_OK)
		return rc;
	bind_filter(st, a, f);
	db_bind_int(st, 5, f->limit);
	db_bind_int(st, 6, f->offset);
	int64_t count = 0;
	while (rc == E_OK && count < f->limit && (rc = db_step(st, &row)) == E_OK && row) {
		/* Borrowed text: valid until the next step, so no copies. */
		struct org_row r = {
			.id = db_col_int(st, 0),
			.kind = db_col_text(st, 1),
			.name = db_col_text(st, 2),
			.code = db_col_text(st, 3),
			.county_code = db_col_text(st, 4),
			.country_iso2 = db_col_text(st, 6),
			.population = db_col_is_null(st, 11) ? -1 : db_col_int(st, 11),
			.population_year = db_col_is_null(st, 12) ? 0 : db_col_int(st, 12),
		};
		rc = each(ctx, &r);
		count++;
	}
	db_done(st);
	return rc;
}

enum err db_organisation_by_id(struct db *db, struct arena *a, int64_t id, struct org_row *out)
{
	static const char *const sql =
		"SELECT " ORG_COLUMNS ", r.id, r.name "
		"FROM organisations o "
		"JOIN countries c ON c.iso2 = o.country_iso2 "
		"LEFT JOIN counties cn ON cn.code = o.county_code "
		"LEFT JOIN organisations r ON r.kind = 'region' AND r.code = o.county_code "
		"WHERE o.id = $1";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bool row;
	rc = db_step(st, &row);
	if (rc == E_OK && !row)
		rc = E_NOTFOUND;
	if (rc == E_OK) {
		read_row(a, st, out);
		out->region_id = db_col_is_null(st, 13) ? 0 : db_col_int(st, 13);
		out->region_name = q_text(a, st, 14);
	}
	db_done(st);
	return rc;
}

enum err db_counties(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a, "SELECT code, name FROM counties ORDER BY code", false, rows, n);
}

enum err db_organisation_countries(struct db *db, struct arena *a, struct code_name **rows,
				   size_t *n)
{
	return q_code_names(db, a,
			  "SELECT c.iso2, c.name_en, c.name_sv FROM countries c "
			  "JOIN (SELECT DISTINCT country_iso2 FROM organisations) o "
			  "ON o.country_iso2 = c.iso2 ORDER BY c.sort_en",
			  true, rows, n);
}

enum err db_organisation_options(struct db *db, struct arena *a, struct code_name **rows,
				 size_t *n)
{
	return q_code_names(db, a,
			    "SELECT CAST(id AS TEXT), name FROM organisations "
			    "ORDER BY country_iso2 <> 'SE', sort_key, id",
			    false, rows, n);
}

enum err db_organisation_exists(struct db *db, int64_t id, bool *exists)
{
	return q_exists(db, "SELECT 1 FROM organisations WHERE id = $1", id, exists);
}

enum err db_country_names(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a, "SELECT iso2, name_en, name_sv FROM countries ORDER BY iso2",
			    true, rows, n);
}
