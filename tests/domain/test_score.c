/*
 * test_score.c - the compatibility score and its parts.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "domain/score.h"

static struct score_weights unit(void)
{
	struct score_weights w;
	for (int c = 0; c < SCORE__COUNT; c++)
		w.w[c] = 1;
	return w;
}

Test(score, each_criterion)
{
	struct score_weights w = unit();
	struct score_swedish s = {.population = 42000, .themes = {6}, .nthemes = 1,
				  .countries = {"KE", "UG"}, .ncountries = 2,
				  .langs = {"sv", "en"}, .nlangs = 2, .partner_in_mind = "kisumu"};
	struct score_intl i = {.country = "KE", .name_folded = "kisumu county", .population = 55000,
			       .themes = {6, 3}, .nthemes = 2, .langs = {"en", "sw"}, .nlangs = 2};
	struct score_pair_facts f = {.rank_by_swedish = 1, .rank_by_intl = 3};
	struct score_part parts[SCORE__COUNT];
	double total = score_pair(&s, &i, &f, &w, parts);
	cr_expect_float_eq(parts[SCORE_TOPIC].value, 0.5, 1e-9, "one of two themes shared");
	cr_expect_eq(parts[SCORE_TOPIC].nshared, 1);
	cr_expect_eq(parts[SCORE_TOPIC].shared[0], 6);
	cr_expect_float_eq(parts[SCORE_COUNTRY].value, 1, 1e-9);
	cr_expect_float_eq(parts[SCORE_POPULATION].value, 1 - log10(55000.0 / 42000) / 2, 1e-9);
	cr_expect_float_eq(parts[SCORE_LANGUAGE].value, 1, 1e-9);
	cr_expect_str_eq(parts[SCORE_LANGUAGE].shared_lang, "en");
	cr_expect_float_eq(parts[SCORE_PREFERENCE].value, (1 + 0.5) / 2, 1e-9);
	cr_expect_float_eq(parts[SCORE_CONTACT].value, 1, 1e-9, "the partner in mind");
	double sum = 0;
	for (int c = 0; c < SCORE__COUNT; c++)
		sum += parts[c].points;
	cr_expect_float_eq(total, sum, 1e-9);
}

Test(score, weights_and_nothing_in_common)
{
	struct score_weights w;
	score_default_weights(&w);
	struct score_swedish s = {.population = 1000000, .langs = {"sv"}, .nlangs = 1};
	struct score_intl i = {.country = "CO", .population = 5000, .langs = {"es"}, .nlangs = 1};
	cr_expect_float_eq(score_pair(&s, &i, NULL, &w, NULL), 0, 1e-12,
			   "no theme, country, language, rank or contact; sizes 200 times apart");
	w.w[SCORE_POPULATION] = 0;
	s.population = 5000;
	cr_expect_float_eq(score_pair(&s, &i, NULL, &w, NULL), 0, 1e-12, "a weight of 0 silences a criterion");
	w.w[SCORE_POPULATION] = 4;
	cr_expect_float_eq(score_pair(&s, &i, NULL, &w, NULL), 4, 1e-12);
}

Test(score, unknown_sizes_and_ranks)
{
	struct score_weights w = unit();
	struct score_swedish s = {.population = -1};
	struct score_intl i = {.population = 300};
	struct score_part parts[SCORE__COUNT];
	score_pair(&s, &i, NULL, &w, parts);
	cr_expect_float_eq(parts[SCORE_POPULATION].value, 0, 1e-12);
	struct score_pair_facts f = {.rank_by_swedish = 9};
	score_pair(&s, &i, &f, &w, parts);
	cr_expect_float_eq(parts[SCORE_PREFERENCE].value, 0, 1e-12, "ranks beyond 4 count nothing");
	cr_expect_str_eq(score_criterion_code(SCORE_LANGUAGE), "language");
}
