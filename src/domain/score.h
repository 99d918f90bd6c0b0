/*
 * score.h - how well a Swedish participant and an international candidate
 * of a network fit, from data the platform already holds, with each
 * criterion's share so the score can be explained in words.
 *
 * Criteria (each 0..1, times the network's weight):
 *   topic       shared themes (the Swedish side's theme against the
 *               candidate's topics), Jaccard overlap
 *   country     the candidate's country is one the Swedish side prefers
 *   population  similar size on a log scale: 1 for equal, 0 at 100 times
 *   language    the candidate's team works in a language the Swedish side
 *               works in (Swedish municipalities work in Swedish and
 *               English)
 *   preference  ranks either side gave the other (1 best): 1 for rank 1,
 *               falling with the rank; both sides' ranks averaged
 *   contact     an earlier contact: an accepted contact request between
 *               them, or the candidate is the partner the Swedish side had
 *               in mind
 * Hard constraints (the country in the network, forbidden and locked
 * pairs) are the solver's business, not the score's.  Plain C: no I/O.
 */
#ifndef NATVERK_SCORE_H
#define NATVERK_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCORE_MAX_THEMES 16
#define SCORE_MAX_COUNTRIES 32
#define SCORE_MAX_LANGS 16

enum score_criterion {
	SCORE_TOPIC,
	SCORE_COUNTRY,
	SCORE_POPULATION,
	SCORE_LANGUAGE,
	SCORE_PREFERENCE,
	SCORE_CONTACT,
	SCORE__COUNT
};

struct score_weights {
	double w[SCORE__COUNT]; /* weight per criterion, >= 0 */
};

/* The defaults a new network starts with. */
void score_default_weights(struct score_weights *w);

/* The stored name of a criterion ("topic") and its English label. */
const char *score_criterion_code(enum score_criterion c);
const char *score_criterion_name(enum score_criterion c);

struct score_swedish {
	int64_t population;			    /* -1 when unknown */
	int64_t themes[SCORE_MAX_THEMES];	    /* theme ids it is interested in */
	size_t nthemes;				    /* how many */
	const char *countries[SCORE_MAX_COUNTRIES]; /* preferred partner countries (iso2) */
	size_t ncountries;			    /* how many */
	const char *langs[SCORE_MAX_LANGS];	    /* working languages (ISO 639-1) */
	size_t nlangs;				    /* how many */
	const char *partner_in_mind;		    /* folded text, or NULL */
};

struct score_intl {
	const char *country;			 /* iso2 */
	const char *name_folded;		 /* folded name, for partner_in_mind */
	int64_t population;			 /* -1 when unknown */
	int64_t themes[SCORE_MAX_THEMES];	 /* topic theme ids */
	size_t nthemes;				 /* how many */
	const char *langs[SCORE_MAX_LANGS];	 /* working languages */
	size_t nlangs;				 /* how many */
};

/* What the two know of each other. */
struct score_pair_facts {
	int rank_by_swedish; /* 0 when not ranked, else 1 = first choice */
	int rank_by_intl;    /* likewise */
	bool contacted;	     /* an accepted contact request between them */
};

/* One criterion's part of a score, for explaining it. */
struct score_part {
	enum score_criterion criterion; /* which */
	double value;			/* 0..1 before weighting */
	double points;			/* value times weight */
	int64_t shared[SCORE_MAX_THEMES]; /* topic: the shared theme ids */
	size_t nshared;			/* how many */
	const char *shared_lang;	/* language: one shared language code */
};

/*
 * The score of the pair and its parts (parts has SCORE__COUNT entries,
 * in criterion order; may be NULL).  The score is the sum of the points.
 */
double score_pair(const struct score_swedish *s, const struct score_intl *i,
		  const struct score_pair_facts *f, const struct score_weights *w,
		  struct score_part *parts);

#endif
