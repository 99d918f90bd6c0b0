/*
 * score.c - see score.h.
 */
#include "domain/score.h"

#include <math.h>
#include <string.h>

#define N_(s) (s)

static const struct {
	const char *code;
	const char *name;
	double weight;
} criteria[SCORE__COUNT] = {
	[SCORE_TOPIC] = {"topic", N_("Shared topics"), 3},
	[SCORE_COUNTRY] = {"country", N_("Preferred country"), 2},
	[SCORE_POPULATION] = {"population", N_("Similar size"), 1},
	[SCORE_LANGUAGE] = {"language", N_("Shared working language"), 2},
	[SCORE_PREFERENCE] = {"preference", N_("Ranked preferences"), 2},
	[SCORE_CONTACT] = {"contact", N_("Earlier contact"), 1},
};

void score_default_weights(struct score_weights *w)
{
	for (int c = 0; c < SCORE__COUNT; c++)
		w->w[c] = criteria[c].weight;
}

const char *score_criterion_code(enum score_criterion c)
{
	return (unsigned)c < SCORE__COUNT ? criteria[c].code : "topic";
}

const char *score_criterion_name(enum score_criterion c)
{
	return (unsigned)c < SCORE__COUNT ? criteria[c].name : criteria[0].name;
}

static double topic_overlap(const struct score_swedish *s, const struct score_intl *i,
			    struct score_part *p)
{
	size_t shared = 0;
	for (size_t a = 0; a < s->nthemes; a++)
		for (size_t b = 0; b < i->nthemes; b++)
			if (s->themes[a] == i->themes[b]) {
				if (p != NULL && p->nshared < SCORE_MAX_THEMES)
					p->shared[p->nshared++] = s->themes[a];
				shared++;
			}
	size_t all = s->nthemes + i->nthemes - shared;
	return all > 0 ? (double)shared / (double)all : 0;
}

static double preferred_country(const struct score_swedish *s, const struct score_intl *i)
{
	for (size_t a = 0; a < s->ncountries; a++)
		if (i->country != NULL && strcmp(s->countries[a], i->country) == 0)
			return 1;
	return 0;
}

/* 1 for equal sizes, falling linearly in log10 to 0 at a factor of 100. */
static double size_similarity(int64_t a, int64_t b)
{
	if (a <= 0 || b <= 0)
		return 0;
	double d = fabs(log10((double)a) - log10((double)b));
	return d >= 2 ? 0 : 1 - d / 2;
}

static double shared_language(const struct score_swedish *s, const struct score_intl *i,
			      struct score_part *p)
{
	for (size_t a = 0; a < s->nlangs; a++)
		for (size_t b = 0; b < i->nlangs; b++)
			if (strcmp(s->langs[a], i->langs[b]) == 0) {
				if (p != NULL)
					p->shared_lang = s->langs[a];
				return 1;
			}
	return 0;
}

/* Rank 1 counts 1, rank 2 counts 0.75, rank 3 0.5, rank 4 0.25, later 0. */
static double rank_value(int rank)
{
	return rank <= 0 ? 0 : rank >= 5 ? 0 : 1 - 0.25 * (rank - 1);
}

static double preferences(const struct score_pair_facts *f)
{
	if (f == NULL)
		return 0;
	return (rank_value(f->rank_by_swedish) + rank_value(f->rank_by_intl)) / 2;
}

static double earlier_contact(const struct score_swedish *s, const struct score_intl *i,
			      const struct score_pair_facts *f)
{
	if (f != NULL && f->contacted)
		return 1;
	if (s->partner_in_mind != NULL && s->partner_in_mind[0] != '\0' && i->name_folded != NULL &&
	    i->name_folded[0] != '\0' &&
	    (strstr(s->partner_in_mind, i->name_folded) != NULL ||
	     strstr(i->name_folded, s->partner_in_mind) != NULL))
		return 1;
	return 0;
}

double score_pair(const struct score_swedish *s, const struct score_intl *i,
		  const struct score_pair_facts *f, const struct score_weights *w,
		  struct score_part *parts)
{
	struct score_part local[SCORE__COUNT];
	struct score_part *p = parts != NULL ? parts : local;
	memset(p, 0, SCORE__COUNT * sizeof *p);
	for (int c = 0; c < SCORE__COUNT; c++)
		p[c].criterion = (enum score_criterion)c;
	p[SCORE_TOPIC].value = topic_overlap(s, i, &p[SCORE_TOPIC]);
	p[SCORE_COUNTRY].value = preferred_country(s, i);
	p[SCORE_POPULATION].value = size_similarity(s->population, i->population);
	p[SCORE_LANGUAGE].value = shared_language(s, i, &p[SCORE_LANGUAGE]);
	p[SCORE_PREFERENCE].value = preferences(f);
	p[SCORE_CONTACT].value = earlier_contact(s, i, f);
	double total = 0;
	for (int c = 0; c < SCORE__COUNT; c++) {
		p[c].points = p[c].value * w->w[c];
		total += p[c].points;
	}
	return total;
}
