/*
 * q_organisations.h - queries of the directory of organisations.
 *
 * Rows come back in the caller's arena; strings are NULL for SQL NULL.
 */
#ifndef NATVERK_Q_ORGANISATIONS_H
#define NATVERK_Q_ORGANISATIONS_H

#include <stdint.h>

#include "db/db.h"
#include "db/q_common.h"
#include "util/arena.h"

enum org_sort {
	ORG_SORT_NAME,	    /* A to Ö (Swedish order) */
	ORG_SORT_NAME_DESC, /* Ö to A */
	ORG_SORT_POP_DESC,  /* largest population first, unknown last */
	ORG_SORT_POP_ASC,   /* smallest population first, unknown last */
	ORG_SORT__COUNT
};

struct org_filter {
	const char *kind;     /* exact kind code, or NULL */
	const char *county;   /* two-digit county code, or NULL */
	const char *country;  /* ISO alpha-2, or NULL */
	const char *folded;   /* folded search text (str_fold), or NULL */
	enum org_sort sort;   /* order */
	int64_t limit;	      /* rows wanted */
	int64_t offset;	      /* rows skipped */
};

struct org_row {
	int64_t id;		     /* primary key */
	const char *kind;	     /* kind code */
	const char *name;	     /* name */
	const char *code;	     /* SCB code or NULL */
	const char *county_code;     /* or NULL */
	const char *county_name;     /* or NULL */
	const char *country_iso2;    /* always set */
	const char *country_name_en; /* English country name */
	const char *country_name_sv; /* Swedish country name */
	const char *province;	     /* or NULL */
	const char *seat;	     /* or NULL */
	int64_t population;	     /* -1 when unknown */
	int64_t population_year;     /* 0 when unknown */
	int64_t region_id;	     /* the region of its county, 0 when none */
	const char *region_name;     /* or NULL */
};

/* Called for each row of a list; the row's text is borrowed and valid only
 * during the call.  A result other than E_OK stops the list. */
typedef enum err (*org_row_fn)(void *ctx, const struct org_row *row);

/*
 * One page of the directory: *total gets the number of matches, then each
 * row of the page is handed to each(ctx, row), in order, without copying
 * (a page is read straight into its view model).  The rows carry codes
 * only: county_name, country_name_en, country_name_sv, province, seat and
 * region are NULL or 0 (the caller maps codes to names from db_counties
 * and db_country_names, which it can keep).
 */
enum err db_organisations_list(struct db *db, struct arena *a, const struct org_filter *f,
			       org_row_fn each, void *ctx, int64_t *total);

/* One organisation with its county and region; E_NOTFOUND when absent. */
enum err db_organisation_by_id(struct db *db, struct arena *a, int64_t id, struct org_row *out);

/* Every county, in code order. */
enum err db_counties(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* Every country's (iso2, English name, Swedish name), by iso2. */
enum err db_country_names(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* The countries that have at least one organisation. */
enum err db_organisation_countries(struct db *db, struct arena *a, struct code_name **rows,
				   size_t *n);

/* Every organisation as (id as text, name) for choosing one in a form,
 * Swedish ones first, each group by name. */
enum err db_organisation_options(struct db *db, struct arena *a, struct code_name **rows,
				 size_t *n);

/* True in *exists when an organisation has this id. */
enum err db_organisation_exists(struct db *db, int64_t id, bool *exists);

#endif
