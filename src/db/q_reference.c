/*
 * q_reference.c - see q_reference.h.  "ON CONFLICT ... DO UPDATE ... WHERE
 * <a value differs>" is accepted by PostgreSQL and by SQLite (3.24+;
 * IS DISTINCT FROM since 3.39), so one SQL text serves both, and an
 * unchanged row reports zero changes.
 */
#include "db/q_reference.h"

/* Steps a write statement and reports whether it changed a row. */
static enum err run_write(struct db_stmt *st, bool *changed)
{
	enum err rc = db_step(st, NULL);
	if (rc == E_OK && changed != NULL)
		*changed = db_changes(st) > 0;
	db_done(st);
	return rc;
}

enum err db_country_upsert(struct db *db, const struct country_rec *c, bool *changed)
{
	static const char *const sql =
		"INSERT INTO countries (iso2, iso3, numeric_code, name_en, name_sv, "
		"official_name_en, search_folded, sort_en, sort_sv) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
		"ON CONFLICT (iso2) DO UPDATE SET iso3 = excluded.iso3, "
		"numeric_code = excluded.numeric_code, name_en = excluded.name_en, "
		"name_sv = excluded.name_sv, official_name_en = excluded.official_name_en, "
		"search_folded = excluded.search_folded, sort_en = excluded.sort_en, "
		"sort_sv = excluded.sort_sv "
		"WHERE countries.iso3 IS DISTINCT FROM excluded.iso3 "
		"OR countries.numeric_code IS DISTINCT FROM excluded.numeric_code "
		"OR countries.name_en IS DISTINCT FROM excluded.name_en "
		"OR countries.name_sv IS DISTINCT FROM excluded.name_sv "
		"OR countries.official_name_en IS DISTINCT FROM excluded.official_name_en "
		"OR countries.search_folded IS DISTINCT FROM excluded.search_folded "
		"OR countries.sort_en IS DISTINCT FROM excluded.sort_en "
		"OR countries.sort_sv IS DISTINCT FROM excluded.sort_sv";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, c->iso2);
	db_bind_text(st, 2, c->iso3);
	db_bind_text(st, 3, c->numeric_code);
	db_bind_text(st, 4, c->name_en);
	db_bind_text(st, 5, c->name_sv);
	db_bind_text(st, 6, c->official_name_en);
	db_bind_text(st, 7, c->search_folded);
	db_bind_text(st, 8, c->sort_en);
	db_bind_text(st, 9, c->sort_sv);
	return run_write(st, changed);
}

enum err db_cluster_upsert(struct db *db, const char *code, const char *name_en,
			   const char *name_sv, bool *changed)
{
	static const char *const sql =
		"INSERT INTO clusters (code, name_en, name_sv) VALUES ($1, $2, $3) "
		"ON CONFLICT (code) DO UPDATE SET name_en = excluded.name_en, "
		"name_sv = excluded.name_sv "
		"WHERE clusters.name_en IS DISTINCT FROM excluded.name_en "
		"OR clusters.name_sv IS DISTINCT FROM excluded.name_sv";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name_en);
	db_bind_text(st, 3, name_sv);
	return run_write(st, changed);
}

enum err db_county_upsert(struct db *db, const char *code, const char *name, bool *changed)
{
	static const char *const sql =
		"INSERT INTO counties (code, name) VALUES ($1, $2) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name "
		"WHERE counties.name IS DISTINCT FROM excluded.name";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	return run_write(st, changed);
}

enum err db_eligibility_upsert(struct db *db, const char *iso2, const char *cluster,
			       const char *from, const char *to, const char *source, bool *changed)
{
	static const char *const sql =
		"INSERT INTO eligibility_periods (country_iso2, cluster, valid_from, valid_to, source) "
		"VALUES ($1, $2, $3, $4, $5) "
		"ON CONFLICT (country_iso2, valid_from) DO UPDATE SET cluster = excluded.cluster, "
		"valid_to = excluded.valid_to, source = excluded.source "
		"WHERE eligibility_periods.cluster IS DISTINCT FROM excluded.cluster "
		"OR eligibility_periods.valid_to IS DISTINCT FROM excluded.valid_to "
		"OR eligibility_periods.source IS DISTINCT FROM excluded.source";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, iso2);
	db_bind_text(st, 2, cluster);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	db_bind_text(st, 5, source);
	return run_write(st, changed);
}

enum err db_organisation_upsert(struct db *db, const struct org_rec *o, bool *changed)
{
	static const char *const sql =
		"INSERT INTO organisations (kind, name, name_folded, sort_key, code, county_code, "
		"country_iso2, seat, population, population_year, created_at, updated_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) "
		"ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name, "
		"name_folded = excluded.name_folded, sort_key = excluded.sort_key, "
		"county_code = excluded.county_code, country_iso2 = excluded.country_iso2, "
		"seat = excluded.seat, population = excluded.population, "
		"population_year = excluded.population_year, updated_at = excluded.updated_at, "
		"version = organisations.version + 1 "
		"WHERE organisations.name IS DISTINCT FROM excluded.name "
		"OR organisations.name_folded IS DISTINCT FROM excluded.name_folded "
		"OR organisations.sort_key IS DISTINCT FROM excluded.sort_key "
		"OR organisations.county_code IS DISTINCT FROM excluded.county_code "
		"OR organisations.country_iso2 IS DISTINCT FROM excluded.country_iso2 "
		"OR organisations.seat IS DISTINCT FROM excluded.seat "
		"OR organisations.population IS DISTINCT FROM excluded.population "
		"OR organisations.population_year IS DISTINCT FROM excluded.population_year";
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_text(st, 1, o->kind);
	db_bind_text(st, 2, o->name);
	db_bind_text(st, 3, o->name_folded);
	db_bind_text(st, 4, o->sort_key);
	db_bind_text(st, 5, o->code);
	db_bind_text(st, 6, o->county_code);
	db_bind_text(st, 7, o->country_iso2);
	db_bind_text(st, 8, o->seat);
	if (o->population >= 0)
		db_bind_int(st, 9, o->population);
	else
		db_bind_null(st, 9);
	if (o->population_year > 0)
		db_bind_int(st, 10, o->population_year);
	else
		db_bind_null(st, 10);
	db_bind_text(st, 11, o->now);
	return run_write(st, changed);
}
