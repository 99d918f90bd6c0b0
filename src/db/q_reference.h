/*
 * q_reference.h - writing the reference data (natverk import).
 *
 * Every function is an upsert keyed by the natural key (ISO code, cluster
 * code, county code, kind + SCB code) that writes only when a value
 * differs, so importing the same data twice changes nothing.  *changed
 * tells whether a row was inserted or updated.  Nothing is ever deleted.
 */
#ifndef NATVERK_Q_REFERENCE_H
#define NATVERK_Q_REFERENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

struct country_rec {
	const char *iso2, *iso3, *numeric_code; /* codes; numeric may be NULL */
	const char *name_en, *name_sv;		/* display names */
	const char *official_name_en;		/* may be NULL */
	const char *search_folded;		/* folded names for search */
	const char *sort_en, *sort_sv;		/* sort keys */
};

struct org_rec {
	const char *kind;	     /* municipality, region, ... */
	const char *name;	     /* display name */
	const char *name_folded;     /* str_fold(name) */
	const char *sort_key;	     /* str_sort_key(name, "sv") */
	const char *code;	     /* SCB code, the natural key with kind */
	const char *county_code;     /* or NULL */
	const char *country_iso2;    /* "SE" for Swedish ones */
	const char *seat;	     /* or NULL */
	int64_t population;	     /* -1 when unknown */
	int64_t population_year;     /* 0 when unknown */
	const char *now;	     /* timestamp for created_at/updated_at */
};

enum err db_country_upsert(struct db *db, const struct country_rec *c, bool *changed);
enum err db_cluster_upsert(struct db *db, const char *code, const char *name_en,
			   const char *name_sv, bool *changed);
enum err db_county_upsert(struct db *db, const char *code, const char *name, bool *changed);
enum err db_eligibility_upsert(struct db *db, const char *iso2, const char *cluster,
			       const char *from, const char *to, const char *source, bool *changed);
enum err db_organisation_upsert(struct db *db, const struct org_rec *o, bool *changed);

#endif
