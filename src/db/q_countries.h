/*
 * q_countries.h - countries, clusters and effective-dated eligibility.
 */
#ifndef NATVERK_Q_COUNTRIES_H
#define NATVERK_Q_COUNTRIES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/q_organisations.h"
#include "util/arena.h"

struct country_filter {
	const char *date;     /* "YYYY-MM-DD": eligibility is shown as of this day */
	const char *folded;   /* folded search text, or NULL */
	const char *cluster;  /* cluster code, or NULL */
	bool eligible_only;   /* only countries eligible on date */
	const char *lang;     /* "sv" or "en": sort by the name in that language */
	int64_t limit;	      /* rows wanted */
	int64_t offset;	      /* rows skipped */
};

struct country_row {
	const char *iso2;	      /* alpha-2 */
	const char *iso3;	      /* alpha-3 */
	const char *numeric_code;     /* or NULL */
	const char *name_en;	      /* English name */
	const char *name_sv;	      /* Swedish name */
	const char *official_name_en; /* or NULL */
	const char *cluster;	      /* cluster on the date, NULL when not eligible */
	const char *cluster_name_en;  /* or NULL */
	const char *cluster_name_sv;  /* or NULL */
	int64_t organisations;	      /* organisations in the country (detail only) */
};

struct eligibility_row {
	const char *cluster;	     /* cluster code */
	const char *cluster_name_en; /* its names */
	const char *cluster_name_sv;
	const char *valid_from;	     /* "YYYY-MM-DD" */
	const char *valid_to;	     /* inclusive, NULL when open-ended */
	const char *source;	     /* where the fact comes from */
};

enum err db_countries_list(struct db *db, struct arena *a, const struct country_filter *f,
			   struct country_row **rows, size_t *n, int64_t *total);

/* One country with its cluster on date; E_NOTFOUND when absent. */
enum err db_country_by_iso2(struct db *db, struct arena *a, const char *iso2, const char *date,
			    struct country_row *out);

/* Every eligibility period of a country, newest first. */
enum err db_eligibility_of(struct db *db, struct arena *a, const char *iso2,
			   struct eligibility_row **rows, size_t *n);

/* Every cluster (code, English name, Swedish name). */
enum err db_clusters(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* The countries eligible on date ("YYYY-MM-DD") as (iso2, English name,
 * Swedish name), ordered by the English name. */
enum err db_eligible_countries(struct db *db, struct arena *a, const char *date,
			       struct code_name **rows, size_t *n);

/* True in *eligible when country iso2 is eligible on date. */
enum err db_country_eligible(struct db *db, const char *iso2, const char *date, bool *eligible);

#endif
