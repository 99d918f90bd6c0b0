/*
 * matchmaker.h - a network's matching problem, assembled from the database:
 * its Swedish participants (rows) and international candidates (columns),
 * every pair's compatibility score with its parts, the coordinator's locks
 * and forbids, the cap per country and the sides' rankings, ready for the
 * solver (domain/match.h).  Used by the matching page and by `natverk match
 * --network`.  All memory is the caller's arena.
 */
#ifndef NATVERK_MATCHMAKER_H
#define NATVERK_MATCHMAKER_H

#include <stdbool.h>

#include "db/q_matching.h"
#include "domain/match.h"
#include "domain/score.h"

struct matchmaker {
	int64_t network_id;	      /* the network */
	struct score_weights weights; /* from its settings, or the defaults */
	int64_t cap;		      /* partnerships per country at most, -1 none */
	int64_t settings_version;     /* of the stored settings, 0 when never set */
	struct mq_swedish *rows;      /* Swedish participants */
	size_t nrows;		      /* how many */
	struct mq_intl **cols;	      /* candidates whose country is in the network */
	size_t ncols;		      /* how many */
	struct mq_intl **excluded;    /* candidates from other countries: never proposed */
	size_t nexcluded;	      /* how many */
	double *scores;		      /* nrows x ncols, row-major */
	struct score_part *parts;     /* nrows x ncols x SCORE__COUNT */
	int *col_country;	      /* per column its country index */
	int ncountries;		      /* distinct countries among the columns */
	const char **countries;	      /* their iso2 codes */
	int *country_cap;	      /* per country the cap, or -1 */
	struct match_pair *locked;    /* the coordinator's locks, as indices */
	int nlocked;		      /* how many */
	struct match_pair *forbidden; /* and forbids */
	int nforbidden;		      /* how many */
	int *row_rank;		      /* nrows x ncols: rank the row gave the column, 0 none */
	int *col_rank;		      /* ncols x nrows: rank the column gave the row, 0 none */
	bool ranked;		      /* every row and every column ranked someone */
};

/* Loads network's problem into m (arena memory).  E_DB on failure. */
enum err mm_load(struct db *db, struct arena *a, int64_t network, struct matchmaker *m);

/* Weights from their JSON ({"topic": 3, ...}); missing or bad values keep
 * the defaults.  NULL json gives the defaults. */
void mm_weights_parse(const char *json, struct score_weights *w);

/* The solver's problem for m (pointers into m). */
void mm_problem(const struct matchmaker *m, struct match_problem *p);

/* Row and column index of a registration and a declaration, -1 if absent. */
int mm_row_of(const struct matchmaker *m, int64_t registration_id);
int mm_col_of(const struct matchmaker *m, int64_t declaration_id);

#endif
