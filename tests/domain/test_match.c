/*
 * test_match.c - the matching solvers (domain/match.c) against exhaustive
 * search, the constraint reports, the stable mode and blocking pairs, and
 * the refusals of `natverk match --scores` for bad files.
 *
 * Random instances come from a seeded xorshift generator of this file, so a
 * failure names a seed that reproduces it.  The exhaustive search tries
 * every partial assignment and keeps the lexicographically best (most
 * pairs, then the largest total), the objective match.h promises.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "domain/match.h"
#include "support.h"

/* ---- A small PRNG -------------------------------------------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s * 0x9E3779B97F4A7C15u + 1;
}

static uint64_t rng_next(void)
{
	uint64_t x = rng_state; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Du;
}

/* Uniform in [0, n). */
static int rng_below(int n)
{
	return (int)(rng_next() % (uint64_t)n);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ---- Exhaustive search ----------------------------------------------------- */

#define SMALL 8

struct brute {
	const struct match_problem *p;
	bool use_caps;             /* honour country caps */
	int col_used[SMALL];       /* column taken in the current branch */
	int per_country[SMALL];    /* places taken per country */
	int best_card;             /* most pairs found, -1 = no feasible assignment */
	double best_total;         /* largest total at best_card */
	bool forbid[SMALL][SMALL]; /* forbidden pairs */
	int lock_col[SMALL];       /* locked column of each row, -1 */
	int lock_row[SMALL];       /* locked row of each column, -1 */
};

static bool brute_may(struct brute *b, int r, int c)
{
	if (b->col_used[c] || b->forbid[r][c])
		return false;
	if (b->lock_row[c] >= 0 && b->lock_row[c] != r)
		return false;
	if (b->use_caps && b->p->col_country != NULL && b->p->country_cap != NULL) {
		int g = b->p->col_country[c];
		if (g >= 0 && b->p->country_cap[g] >= 0 &&
		    b->per_country[g] >= b->p->country_cap[g])
			return false;
	}
	return true;
}

static void brute_take(struct brute *b, int c, int delta)
{
	b->col_used[c] += delta;
	if (b->p->col_country != NULL && b->p->col_country[c] >= 0)
		b->per_country[b->p->col_country[c]] += delta;
}

static void brute_dfs(struct brute *b, int r, int card, double total)
{
	const struct match_problem *p = b->p;
	if (card + (p->n_rows - r) < b->best_card)
		return; /* cannot reach the best size any more */
	if (r == p->n_rows) {
		if (card > b->best_card || (card == b->best_card && total > b->best_total)) {
			b->best_card = card;
			b->best_total = total;
		}
		return;
	}
	if (b->lock_col[r] >= 0) {
		int c = b->lock_col[r];
		if (!brute_may(b, r, c))
			return;
		brute_take(b, c, 1);
		brute_dfs(b, r + 1, card + 1, total + p->scores[r * p->n_cols + c]);
		brute_take(b, c, -1);
		return;
	}
	brute_dfs(b, r + 1, card, total);
	for (int c = 0; c < p->n_cols; c++) {
		if (!brute_may(b, r, c))
			continue;
		brute_take(b, c, 1);
		brute_dfs(b, r + 1, card + 1, total + p->scores[r * p->n_cols + c]);
		brute_take(b, c, -1);
	}
}

static void brute_solve(const struct match_problem *p, bool use_caps, int *card, double *total)
{
	struct brute b;
	memset(&b, 0, sizeof b);
	b.p = p;
	b.use_caps = use_caps;
	b.best_card = -1;
	b.best_total = -INFINITY;
	for (int i = 0; i < SMALL; i++)
		b.lock_col[i] = b.lock_row[i] = -1;
	for (int k = 0; k < p->n_forbidden; k++)
		b.forbid[p->forbidden[k].row][p->forbidden[k].col] = true;
	for (int k = 0; k < p->n_locked; k++) {
		b.lock_col[p->locked[k].row] = p->locked[k].col;
		b.lock_row[p->locked[k].col] = p->locked[k].row;
	}
	brute_dfs(&b, 0, 0, 0);
	*card = b.best_card;
	*total = b.best_total;
}

static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* ---- Random instances -------------------------------------------------------- */

struct instance {
	struct match_problem p;          /* the problem, pointing into the arrays below */
	double scores[SMALL * SMALL];    /* the matrix */
	struct match_pair locked[SMALL]; /* locks: distinct rows and columns */
	struct match_pair forbidden[SMALL * SMALL]; /* forbidden pairs, none locked */
	int col_country[SMALL];                     /* country of each column */
	int caps[3];                                /* cap of each country */
	int locks_in[3];                            /* locks per country */
};

static void make_instance(struct instance *in, uint64_t seed)
{
	memset(in, 0, sizeof *in);
	rng_seed(seed);
	int nr = rng_below(SMALL + 1), nc = rng_below(SMALL + 1);
	in->p.n_rows = nr;
	in->p.n_cols = nc;
	in->p.scores = in->scores;
	int kind = rng_below(3);
	for (int k = 0; k < nr * nc; k++) {
		if (kind == 0)
			in->scores[k] = rng_below(21) - 10; /* small integers: many ties */
		else if (kind == 1)
			in->scores[k] = rng_unit() * 200 - 100;
		else
			in->scores[k] = rng_unit(); /* all positive */
	}
	bool row_locked[SMALL] = {false}, col_locked[SMALL] = {false};
	int n_locks = nr > 0 && nc > 0 && rng_below(2) ? rng_below(3) : 0;
	for (int t = 0; t < n_locks; t++) {
		int r = rng_below(nr), c = rng_below(nc);
		if (row_locked[r] || col_locked[c])
			continue;
		row_locked[r] = col_locked[c] = true;
		in->locked[in->p.n_locked++] = (struct match_pair){r, c};
	}
	in->p.locked = in->locked;
	int density = rng_below(4); /* none, few, many, most */
	for (int r = 0; r < nr; r++) {
		for (int c = 0; c < nc; c++) {
			bool locked_pair = false;
			for (int k = 0; k < in->p.n_locked; k++)
				locked_pair |= in->locked[k].row == r && in->locked[k].col == c;
			if (!locked_pair && rng_below(10) < density * 2)
				in->forbidden[in->p.n_forbidden++] = (struct match_pair){r, c};
		}
	}
	in->p.forbidden = in->forbidden;
	if (nc > 0 && rng_below(2)) {
		in->p.n_countries = 1 + rng_below(3);
		for (int c = 0; c < nc; c++)
			in->col_country[c] = rng_below(in->p.n_countries + 1) - 1; /* -1: none */
		for (int g = 0; g < in->p.n_countries; g++)
			in->caps[g] = rng_below(5) - 1; /* -1: no cap */
		in->p.col_country = in->col_country;
		in->p.country_cap = in->caps;
		for (int k = 0; k < in->p.n_locked; k++) {
			int g = in->col_country[in->locked[k].col];
			if (g >= 0)
				in->locks_in[g]++;
		}
	}
}

/* Checks one solver answer against the exhaustive search. */
static void check_instance(const struct instance *in, uint64_t seed, enum match_method method)
{
	struct match_problem p = in->p;
	p.method = method;
	const char *m = method == MATCH_METHOD_FLOW          ? "flow"
			: method == MATCH_METHOD_FLOW_SOURCE ? "flow from the source"
							     : "auto";
	struct match_result *res = NULL;
	enum err rc = match_solve(&p, &res);
	cr_assert_not_null(res, "seed %llu (%s)", (unsigned long long)seed, m);

	int over = -1;
	for (int g = 0; g < p.n_countries; g++)
		if (p.country_cap != NULL && in->caps[g] >= 0 && in->locks_in[g] > in->caps[g])
			over = g;
	if (over >= 0) {
		cr_expect_eq(rc, E_UNPROCESSABLE, "seed %llu (%s): locks over cap",
			     (unsigned long long)seed, m);
		cr_expect(!res->has_assignment);
		bool named = false;
		for (int k = 0; k < res->n_conflicts; k++)
			named |= res->conflicts[k].kind == MATCH_CONFLICT_LOCKS_OVER_CAP &&
				 res->conflicts[k].country == over;
		cr_expect(named, "seed %llu: the country over its cap is named",
			  (unsigned long long)seed);
		match_result_free(res);
		return;
	}

	int card, card_free;
	double total, total_free;
	brute_solve(&p, true, &card, &total);
	brute_solve(&p, false, &card_free, &total_free);
	cr_assert_geq(card, 0, "seed %llu: the locks alone are feasible", (unsigned long long)seed);
	bool cap_bites = card < card_free;
	cr_expect_eq(rc, cap_bites ? E_UNPROCESSABLE : E_OK, "seed %llu (%s): rc %d",
		     (unsigned long long)seed, m, rc);
	cr_assert(res->has_assignment, "seed %llu (%s)", (unsigned long long)seed, m);
	cr_expect_eq(res->n_matched, card, "seed %llu (%s): %d pairs, best %d",
		     (unsigned long long)seed, m, res->n_matched, card);
	cr_expect(close_to(res->total, total), "seed %llu (%s): total %.17g, best %.17g",
		  (unsigned long long)seed, m, res->total, total);

	/* The assignment itself honours everything. */
	int per_country[3] = {0, 0, 0}, pairs = 0;
	double sum = 0;
	for (int r = 0; r < p.n_rows; r++) {
		int c = res->col_of_row[r];
		if (c < 0) {
			cr_expect_neq(res->reason[r], MATCH_MATCHED);
			continue;
		}
		cr_assert(c < p.n_cols);
		cr_expect_eq(res->row_of_col[c], r, "seed %llu: inverse", (unsigned long long)seed);
		cr_expect_eq(res->reason[r], MATCH_MATCHED);
		pairs++;
		sum += p.scores[r * p.n_cols + c];
		for (int k = 0; k < p.n_forbidden; k++)
			cr_expect(p.forbidden[k].row != r || p.forbidden[k].col != c,
				  "seed %llu (%s): forbidden pair %d-%d used",
				  (unsigned long long)seed, m, r, c);
		if (p.col_country != NULL && p.col_country[c] >= 0)
			per_country[p.col_country[c]]++;
	}
	cr_expect_eq(pairs, res->n_matched);
	cr_expect(close_to(sum, res->total));
	for (int k = 0; k < p.n_locked; k++)
		cr_expect_eq(res->col_of_row[p.locked[k].row], p.locked[k].col,
			     "seed %llu (%s): lock %d", (unsigned long long)seed, m, k);
	for (int g = 0; g < p.n_countries; g++)
		if (p.country_cap != NULL && in->caps[g] >= 0)
			cr_expect_leq(per_country[g], in->caps[g], "seed %llu (%s): cap of %d",
				      (unsigned long long)seed, m, g);

	/* Reasons: "forbidden" means every unlocked column is; caps only when
	 * they cost pairs, and then some country is named. */
	int n_capped = 0;
	for (int r = 0; r < p.n_rows; r++) {
		if (res->reason[r] == MATCH_UNMATCHED_CAP)
			n_capped++;
		if (res->reason[r] != MATCH_UNMATCHED_FORBIDDEN)
			continue;
		for (int c = 0; c < p.n_cols; c++) {
			bool locked = false, forbidden = false;
			for (int k = 0; k < p.n_locked; k++)
				locked |= p.locked[k].col == c;
			for (int k = 0; k < p.n_forbidden; k++)
				forbidden |= p.forbidden[k].row == r && p.forbidden[k].col == c;
			cr_expect(locked || forbidden, "seed %llu: row %d said all forbidden",
				  (unsigned long long)seed, r);
		}
	}
	if (cap_bites) {
		cr_expect_gt(n_capped, 0, "seed %llu (%s): capped rows", (unsigned long long)seed,
			     m);
		cr_expect_gt(res->n_conflicts, 0);
		for (int k = 0; k < res->n_conflicts; k++)
			cr_expect_eq(res->conflicts[k].kind, MATCH_CONFLICT_CAP_UNMATCHABLE);
	} else {
		cr_expect_eq(n_capped, 0, "seed %llu (%s)", (unsigned long long)seed, m);
		cr_expect_eq(res->n_conflicts, 0);
	}
	match_result_free(res);
}

Test(match, exhaustive_small_cases)
{
	int checked = 0, with_caps = 0, with_locks = 0, with_forbids = 0, rect = 0;
	for (uint64_t seed = 1; seed <= 3000; seed++) {
		struct instance in;
		make_instance(&in, seed);
		check_instance(&in, seed, MATCH_METHOD_AUTO);
		check_instance(&in, seed, MATCH_METHOD_FLOW);
		check_instance(&in, seed, MATCH_METHOD_FLOW_SOURCE);
		checked++;
		with_caps += in.p.country_cap != NULL;
		with_locks += in.p.n_locked > 0;
		with_forbids += in.p.n_forbidden > 0;
		rect += in.p.n_rows != in.p.n_cols;
	}
	/* The generator must actually cover the cases it claims to. */
	cr_expect_gt(with_caps, 1000);
	cr_expect_gt(with_locks, 500);
	cr_expect_gt(with_forbids, 1500);
	cr_expect_gt(rect, 2000);
	cr_expect_eq(checked, 3000);
}

/* Every 8 x 8 and near-square shape, the largest the search handles quickly. */
Test(match, exhaustive_full_size)
{
	for (uint64_t seed = 1; seed <= 120; seed++) {
		struct instance in;
		make_instance(&in, seed * 7919);
		in.p.n_rows = SMALL - (int)(seed % 2);
		in.p.n_cols = SMALL - (int)(seed / 2 % 2);
		/* Re-draw the matrix for the new shape; drop constraints that fell outside. */
		for (int k = 0; k < in.p.n_rows * in.p.n_cols; k++)
			in.scores[k] = rng_below(1000) / 7.0 - 50;
		int nf = 0;
		for (int k = 0; k < in.p.n_forbidden; k++)
			if (in.forbidden[k].row < in.p.n_rows && in.forbidden[k].col < in.p.n_cols)
				in.forbidden[nf++] = in.forbidden[k];
		in.p.n_forbidden = nf;
		in.p.n_locked = 0;
		memset(in.locks_in, 0, sizeof in.locks_in);
		if (in.p.col_country != NULL)
			for (int c = 0; c < in.p.n_cols; c++)
				in.col_country[c] = rng_below(in.p.n_countries + 1) - 1;
		check_instance(&in, seed * 7919, MATCH_METHOD_AUTO);
		check_instance(&in, seed * 7919, MATCH_METHOD_FLOW);
		check_instance(&in, seed * 7919, MATCH_METHOD_FLOW_SOURCE);
	}
}

/* ---- Chosen cases ----------------------------------------------------------- */

static struct match_result *solve(struct match_problem *p, enum err want)
{
	struct match_result *res = NULL;
	enum err rc = match_solve(p, &res);
	cr_assert_eq(rc, want, "match_solve returned %d, expected %d", rc, want);
	cr_assert_not_null(res);
	return res;
}

Test(match, more_rows_than_places_keeps_the_best_subset)
{
	/* Three participants, two places: the one whose loss costs least waits. */
	double s[] = {5, 1, 4, 4, 1, 5};
	struct match_problem p = {.n_rows = 3, .n_cols = 2, .scores = s};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->col_of_row[0], 0);
	cr_expect_eq(res->col_of_row[1], -1);
	cr_expect_eq(res->col_of_row[2], 1);
	cr_expect_eq(res->reason[1], MATCH_UNMATCHED_NO_PLACE);
	cr_expect_str_eq(match_reason_str(res->reason[1]), "no places left");
	cr_expect_eq(res->total, 10);
	match_result_free(res);
}

Test(match, more_places_than_rows)
{
	/* 9 + 6 beats 3 + 8: the third place stays free. */
	double s[] = {1, 9, 3, 6, 8, 1};
	struct match_problem p = {.n_rows = 2, .n_cols = 3, .scores = s};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->n_matched, 2);
	cr_expect_eq(res->total, 15);
	cr_expect_eq(res->row_of_col[2], -1);
	match_result_free(res);
}

Test(match, cardinality_comes_before_score)
{
	/* A-X is worth 10, but taking it leaves B (who may only have X) alone:
	 * the answer is A-Y (-5) and B-X (1). */
	double s[] = {10, -5, 1, 7};
	struct match_pair forbid[] = {{1, 1}};
	struct match_problem p = {
	    .n_rows = 2, .n_cols = 2, .scores = s, .forbidden = forbid, .n_forbidden = 1};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->n_matched, 2);
	cr_expect_eq(res->col_of_row[0], 1);
	cr_expect_eq(res->col_of_row[1], 0);
	cr_expect_eq(res->total, -4);
	match_result_free(res);
}

Test(match, forbids_that_starve_the_smaller_side_use_the_flow)
{
	/* Rows A, B may both take only X: B's 9 beats A's 1, whatever order
	 * the rows come in. */
	double s[] = {1, 0, 9, 0};
	struct match_pair forbid[] = {{0, 1}, {1, 1}};
	struct match_problem p = {
	    .n_rows = 2, .n_cols = 2, .scores = s, .forbidden = forbid, .n_forbidden = 2};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->method, MATCH_METHOD_FLOW);
	cr_expect_eq(res->col_of_row[1], 0);
	cr_expect_eq(res->col_of_row[0], -1);
	cr_expect_eq(res->reason[0], MATCH_UNMATCHED_NO_PLACE);
	cr_expect_eq(res->total, 9);
	match_result_free(res);
}

Test(match, every_pair_forbidden)
{
	double s[] = {1, 2, 3, 4};
	struct match_pair forbid[] = {{0, 0}, {0, 1}};
	struct match_problem p = {
	    .n_rows = 2, .n_cols = 2, .scores = s, .forbidden = forbid, .n_forbidden = 2};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->col_of_row[0], -1);
	cr_expect_eq(res->reason[0], MATCH_UNMATCHED_FORBIDDEN);
	cr_expect_eq(res->col_of_row[1], 1);
	match_result_free(res);
}

Test(match, locks_are_kept_and_counted)
{
	double s[] = {9, 1, 1, 9};
	struct match_pair lock[] = {{0, 1}, {0, 1}}; /* an exact duplicate is harmless */
	struct match_problem p = {
	    .n_rows = 2, .n_cols = 2, .scores = s, .locked = lock, .n_locked = 2};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->col_of_row[0], 1);
	cr_expect_eq(res->col_of_row[1], 0);
	cr_expect_eq(res->total, 2);
	match_result_free(res);
}

Test(match, cap_leaves_someone_unmatchable)
{
	/* Three places, all in country 0 with a cap of 2: one participant is
	 * left out, and the report names the cap. */
	double s[] = {3, 1, 1, 1, 3, 1, 1, 1, 3};
	int country[] = {0, 0, 0}, cap[] = {2};
	struct match_problem p = {.n_rows = 3,
				  .n_cols = 3,
				  .scores = s,
				  .col_country = country,
				  .n_countries = 1,
				  .country_cap = cap};
	struct match_result *res = solve(&p, E_UNPROCESSABLE);
	cr_expect(res->has_assignment);
	cr_expect_eq(res->n_matched, 2);
	cr_expect_eq(res->total, 6);
	int capped = 0;
	for (int r = 0; r < 3; r++)
		capped += res->reason[r] == MATCH_UNMATCHED_CAP;
	cr_expect_eq(capped, 1);
	cr_assert_eq(res->n_conflicts, 1);
	cr_expect_eq(res->conflicts[0].kind, MATCH_CONFLICT_CAP_UNMATCHABLE);
	cr_expect_eq(res->conflicts[0].country, 0);
	cr_expect_eq(res->conflicts[0].cap, 2);
	cr_expect_eq(res->conflicts[0].count, 1);
	match_result_free(res);
}

Test(match, cap_that_costs_score_only_is_fine)
{
	/* Two countries, cap 1 each: everyone is matched, the cap just moves a
	 * pair to a cheaper column. */
	double s[] = {5, 4, 1, 5, 4, 3};
	int country[] = {0, 0, 1}, cap[] = {1, 1};
	struct match_problem p = {.n_rows = 2,
				  .n_cols = 3,
				  .scores = s,
				  .col_country = country,
				  .n_countries = 2,
				  .country_cap = cap};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(res->method, MATCH_METHOD_FLOW);
	cr_expect_eq(res->n_matched, 2);
	cr_expect_eq(res->total, 8);
	match_result_free(res);
}

Test(match, conflicting_locks_are_named)
{
	double s[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct match_pair lock[] = {{0, 0}, {0, 1}, {2, 1}, {1, 2}};
	struct match_pair forbid[] = {{1, 2}};
	struct match_problem p = {.n_rows = 3,
				  .n_cols = 3,
				  .scores = s,
				  .locked = lock,
				  .n_locked = 4,
				  .forbidden = forbid,
				  .n_forbidden = 1};
	struct match_result *res = solve(&p, E_UNPROCESSABLE);
	cr_expect(!res->has_assignment);
	cr_expect_eq(res->col_of_row[0], -1);
	cr_assert_eq(res->n_conflicts, 3);
	cr_expect_eq(res->conflicts[0].kind, MATCH_CONFLICT_ROW_LOCKED_TWICE);
	cr_expect_eq(res->conflicts[0].a, 0);
	cr_expect_eq(res->conflicts[0].b, 1);
	cr_expect_eq(res->conflicts[1].kind, MATCH_CONFLICT_COL_LOCKED_TWICE);
	cr_expect_eq(res->conflicts[1].a, 1);
	cr_expect_eq(res->conflicts[1].b, 2);
	cr_expect_eq(res->conflicts[2].kind, MATCH_CONFLICT_LOCK_FORBIDDEN);
	cr_expect_eq(res->conflicts[2].a, 3);
	cr_expect_eq(res->conflicts[2].b, 0);
	match_result_free(res);
}

Test(match, locks_over_a_cap_are_named)
{
	double s[] = {1, 2, 3, 4};
	int country[] = {1, 1}, cap[] = {-1, 1};
	struct match_pair lock[] = {{0, 0}, {1, 1}};
	struct match_problem p = {.n_rows = 2,
				  .n_cols = 2,
				  .scores = s,
				  .locked = lock,
				  .n_locked = 2,
				  .col_country = country,
				  .n_countries = 2,
				  .country_cap = cap};
	struct match_result *res = solve(&p, E_UNPROCESSABLE);
	cr_assert_eq(res->n_conflicts, 1);
	cr_expect_eq(res->conflicts[0].kind, MATCH_CONFLICT_LOCKS_OVER_CAP);
	cr_expect_eq(res->conflicts[0].country, 1);
	cr_expect_eq(res->conflicts[0].count, 2);
	cr_expect_eq(res->conflicts[0].cap, 1);
	match_result_free(res);
}

Test(match, malformed_input_is_refused)
{
	double s[] = {1, NAN, 3, 4};
	struct match_problem p = {.n_rows = 2, .n_cols = 2, .scores = s};
	struct match_result *res = solve(&p, E_INVALID);
	cr_assert_eq(res->n_conflicts, 1);
	cr_expect_eq(res->conflicts[0].kind, MATCH_CONFLICT_INPUT);
	cr_expect_eq(res->conflicts[0].a, 0, "the row of the bad score");
	match_result_free(res);

	s[1] = 2;
	struct match_pair lock[] = {{0, 2}};
	p.locked = lock;
	p.n_locked = 1;
	res = solve(&p, E_INVALID);
	match_result_free(res);

	p.n_locked = 0;
	int country[] = {0, 5};
	p.col_country = country;
	p.n_countries = 1;
	res = solve(&p, E_INVALID);
	match_result_free(res);

	/* A binding cap cannot be forced through the augmenting-path method. */
	int ok_country[] = {0, 0}, cap[] = {1};
	p.col_country = ok_country;
	p.country_cap = cap;
	p.method = MATCH_METHOD_JV;
	res = solve(&p, E_INVALID);
	match_result_free(res);

	struct match_problem empty = {0};
	res = solve(&empty, E_OK);
	cr_expect_eq(res->n_matched, 0);
	match_result_free(res);
}

/* Both solvers on the same larger random problems: they must agree, and the
 * flow also handles them with a non-binding cap. */
Test(match, solvers_agree_on_larger_problems)
{
	static const int shapes[][2] = {{120, 120}, {150, 90}, {90, 150}, {60, 200}};
	for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
		int nr = shapes[t][0], nc = shapes[t][1];
		double *s = malloc((size_t)nr * (size_t)nc * sizeof *s);
		struct match_pair *forbid = malloc((size_t)nr * (size_t)nc * sizeof *forbid);
		int *country = malloc((size_t)nc * sizeof *country);
		cr_assert(s != NULL && forbid != NULL && country != NULL);
		rng_seed(1000 + t);
		int nf = 0;
		for (int k = 0; k < nr * nc; k++) {
			s[k] = rng_unit() * 100 - 20;
			if (t % 2 == 1 && rng_below(10) < 6)
				forbid[nf++] = (struct match_pair){k / nc, k % nc};
		}
		for (int c = 0; c < nc; c++)
			country[c] = c % 4;
		int caps[4] = {nc, nc, -1, nc}; /* no cap can bind */
		struct match_problem p = {.n_rows = nr,
					  .n_cols = nc,
					  .scores = s,
					  .forbidden = forbid,
					  .n_forbidden = nf};
		struct match_result *a = solve(&p, E_OK);
		p.method = MATCH_METHOD_FLOW;
		struct match_result *b = solve(&p, E_OK);
		p.method = MATCH_METHOD_FLOW_SOURCE;
		struct match_result *d = solve(&p, E_OK);
		p.method = MATCH_METHOD_AUTO;
		p.col_country = country;
		p.n_countries = 4;
		p.country_cap = caps;
		struct match_result *c = solve(&p, E_OK);
		cr_expect_eq(a->n_matched, b->n_matched, "shape %d x %d", nr, nc);
		cr_expect(close_to(a->total, b->total), "shape %d x %d: %.17g vs %.17g", nr, nc,
			  a->total, b->total);
		cr_expect(close_to(a->total, c->total));
		cr_expect_eq(a->n_matched, d->n_matched);
		cr_expect(close_to(a->total, d->total), "shape %d x %d: %.17g vs %.17g", nr, nc,
			  a->total, d->total);
		cr_expect_eq(b->method, MATCH_METHOD_FLOW);
		match_result_free(a);
		match_result_free(b);
		match_result_free(c);
		match_result_free(d);
		free(s);
		free(forbid);
		free(country);
	}
}

/* Binding caps on a larger problem: the flow honours them and fills every
 * place the caps allow. */
Test(match, binding_caps_on_a_larger_problem)
{
	int nr = 80, nc = 100;
	double *s = malloc((size_t)nr * (size_t)nc * sizeof *s);
	int country[100], caps[5] = {10, 20, 5, 30, -1}, taken[5] = {0};
	cr_assert_not_null(s);
	rng_seed(77);
	for (int k = 0; k < nr * nc; k++)
		s[k] = rng_unit() * 10;
	for (int c = 0; c < nc; c++)
		country[c] = c < 90 ? c % 4 : 4; /* ten columns without cap */
	struct match_problem p = {.n_rows = nr,
				  .n_cols = nc,
				  .scores = s,
				  .col_country = country,
				  .n_countries = 5,
				  .country_cap = caps};
	/* Country 3 has 22 columns, so its cap of 30 cannot bind: the places
	 * are 10 + 20 + 5 + 22 + 10 = 67 < 80 participants. */
	struct match_result *res = solve(&p, E_UNPROCESSABLE);
	cr_expect_eq(res->n_matched, 67);
	for (int r = 0; r < nr; r++)
		if (res->col_of_row[r] >= 0)
			taken[country[res->col_of_row[r]]]++;
	for (int g = 0; g < 3; g++)
		cr_expect_eq(taken[g], caps[g], "country %d", g);
	cr_expect_eq(taken[3], 22);
	cr_expect_eq(taken[4], 10);
	/* The report names exactly the three countries at their cap. */
	cr_assert_eq(res->n_conflicts, 3);
	for (int k = 0; k < 3; k++) {
		cr_expect_lt(res->conflicts[k].country, 3);
		cr_expect_eq(res->conflicts[k].count, 13);
	}
	match_result_free(res);
	free(s);
}

static void count_progress(void *arg, int done, int total)
{
	int *calls = arg;
	cr_expect_leq(done, total);
	(*calls)++;
}

Test(match, progress_is_reported)
{
	double s[] = {1, 2, 3, 4};
	int calls = 0;
	struct match_problem p = {.n_rows = 2,
				  .n_cols = 2,
				  .scores = s,
				  .progress = count_progress,
				  .progress_arg = &calls};
	struct match_result *res = solve(&p, E_OK);
	cr_expect_eq(calls, 2);
	match_result_free(res);
}

/* ---- Stable mode ---------------------------------------------------------- */

/* Blocking pairs computed the plain way, independent of match.c. */
static int count_blocking(int n, int m, const int *rr, const int *cr, const int *col_of_row)
{
	int row_of_col[SMALL];
	for (int j = 0; j < m; j++)
		row_of_col[j] = -1;
	for (int i = 0; i < n; i++)
		if (col_of_row[i] >= 0)
			row_of_col[col_of_row[i]] = i;
	int count = 0;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < m; j++) {
			int ri = rr[i * m + j], rj = cr[j * n + i];
			if (ri == 0 || rj == 0 || col_of_row[i] == j)
				continue;
			int own = col_of_row[i];
			bool i_wants = own < 0 || rr[i * m + own] == 0 || ri < rr[i * m + own];
			int other = row_of_col[j];
			bool j_wants =
			    other < 0 || cr[j * n + other] == 0 || rj < cr[j * n + other];
			count += i_wants && j_wants;
		}
	}
	return count;
}

/* Random strict rankings; about a fifth of the pairs unacceptable. */
static void random_prefs(int n, int m, int *rr, int *cr)
{
	for (int i = 0; i < n; i++) {
		int perm[SMALL];
		for (int j = 0; j < m; j++)
			perm[j] = j;
		for (int j = m - 1; j > 0; j--) {
			int k = rng_below(j + 1), t = perm[j];
			perm[j] = perm[k];
			perm[k] = t;
		}
		for (int j = 0; j < m; j++)
			rr[i * m + perm[j]] = rng_below(5) == 0 ? 0 : j + 1;
	}
	for (int j = 0; j < m; j++) {
		int perm[SMALL];
		for (int i = 0; i < n; i++)
			perm[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int k = rng_below(i + 1), t = perm[i];
			perm[i] = perm[k];
			perm[k] = t;
		}
		for (int i = 0; i < n; i++)
			cr[j * n + perm[i]] = rng_below(5) == 0 ? 0 : i + 1;
	}
}

/* Every stable matching, by enumeration; for each row the best partner
 * rank it gets in any of them (INT_MAX-1: unmatched in all). */
static void best_stable(int n, int m, const int *rr, const int *cr, int r, int *assign, bool *used,
			int *best)
{
	if (r == n) {
		if (count_blocking(n, m, rr, cr, assign) > 0)
			return;
		for (int i = 0; i < n; i++) {
			int v = assign[i] < 0 ? INT_MAX - 1 : rr[i * m + assign[i]];
			if (v < best[i])
				best[i] = v;
		}
		return;
	}
	assign[r] = -1;
	best_stable(n, m, rr, cr, r + 1, assign, used, best);
	for (int j = 0; j < m; j++) {
		if (used[j] || rr[r * m + j] == 0 || cr[j * n + r] == 0)
			continue;
		used[j] = true;
		assign[r] = j;
		best_stable(n, m, rr, cr, r + 1, assign, used, best);
		used[j] = false;
	}
	assign[r] = -1;
}

Test(match_stable, stable_and_swedish_optimal)
{
	for (uint64_t seed = 1; seed <= 400; seed++) {
		rng_seed(seed);
		int n = rng_below(7), m = rng_below(7);
		int rr[SMALL * SMALL], cr[SMALL * SMALL], got[SMALL];
		random_prefs(n, m, rr, cr);
		struct match_prefs prefs = {n, m, rr, cr};
		cr_assert_eq(match_stable(&prefs, got), E_OK);
		cr_expect_eq(count_blocking(n, m, rr, cr, got), 0, "seed %llu: blocking pairs",
			     (unsigned long long)seed);
		int assign[SMALL], best[SMALL];
		bool used[SMALL] = {false};
		for (int i = 0; i < n; i++)
			best[i] = INT_MAX;
		best_stable(n, m, rr, cr, 0, assign, used, best);
		for (int i = 0; i < n; i++) {
			int v = got[i] < 0 ? INT_MAX - 1 : rr[i * m + got[i]];
			cr_expect_neq(v, 0, "seed %llu: unacceptable partner",
				      (unsigned long long)seed);
			cr_expect_eq(v, best[i], "seed %llu: row %d gets rank %d, best stable %d",
				     (unsigned long long)seed, i, v, best[i]);
		}
	}
}

Test(match_stable, ties_give_no_strictly_blocking_pair)
{
	for (uint64_t seed = 1; seed <= 200; seed++) {
		rng_seed(seed * 31);
		int n = 1 + rng_below(7), m = 1 + rng_below(7);
		int rr[SMALL * SMALL], cr[SMALL * SMALL], got[SMALL];
		for (int k = 0; k < n * m; k++) {
			rr[k] = rng_below(4); /* ranks 0..3: many ties */
			cr[k] = rng_below(4);
		}
		struct match_prefs prefs = {n, m, rr, cr};
		cr_assert_eq(match_stable(&prefs, got), E_OK);
		cr_expect_eq(count_blocking(n, m, rr, cr, got), 0, "seed %llu",
			     (unsigned long long)seed);
	}
}

Test(match_stable, blocking_pairs_are_listed)
{
	/* Rows 0 and 1 both rank column 0 first; column 0 prefers row 1.  The
	 * assignment 0-0, 1-1 is blocked by (1, 0) only. */
	int rr[] = {1, 2, 1, 2};
	int cr[] = {2, 1, 1, 2};
	struct match_prefs prefs = {2, 2, rr, cr};
	int assign[] = {0, 1};
	struct match_pair *pairs = NULL;
	int n = -1;
	cr_assert_eq(match_blocking_pairs(&prefs, assign, &pairs, &n), E_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(pairs[0].row, 1);
	cr_expect_eq(pairs[0].col, 0);
	match_pairs_free(pairs);

	int stable[2];
	cr_assert_eq(match_stable(&prefs, stable), E_OK);
	cr_expect_eq(stable[0], 1);
	cr_expect_eq(stable[1], 0);
	cr_assert_eq(match_blocking_pairs(&prefs, stable, &pairs, &n), E_OK);
	cr_expect_eq(n, 0);
	cr_expect_null(pairs);

	int twice[] = {0, 0};
	cr_expect_eq(match_blocking_pairs(&prefs, twice, &pairs, &n), E_INVALID);
	int negative[] = {-1, -1, 1, 1};
	struct match_prefs bad = {2, 2, negative, cr};
	cr_expect_eq(match_stable(&bad, stable), E_INVALID);
}

/* The listing agrees with the plain count on random assignments, including
 * unmatched parties and unacceptable partners. */
Test(match_stable, blocking_pairs_match_the_definition)
{
	for (uint64_t seed = 1; seed <= 300; seed++) {
		rng_seed(seed * 101);
		int n = rng_below(7), m = rng_below(7);
		int rr[SMALL * SMALL], cr[SMALL * SMALL], assign[SMALL];
		random_prefs(n, m, rr, cr);
		bool used[SMALL] = {false};
		for (int i = 0; i < n; i++) {
			int j = m > 0 ? rng_below(m + 1) - 1 : -1;
			assign[i] = j >= 0 && !used[j] ? j : -1;
			if (assign[i] >= 0)
				used[assign[i]] = true;
		}
		struct match_prefs prefs = {n, m, rr, cr};
		struct match_pair *pairs = NULL;
		int count = -1;
		cr_assert_eq(match_blocking_pairs(&prefs, assign, &pairs, &count), E_OK);
		cr_expect_eq(count, count_blocking(n, m, rr, cr, assign), "seed %llu",
			     (unsigned long long)seed);
		for (int k = 1; k < count; k++)
			cr_expect(
			    pairs[k - 1].row < pairs[k].row ||
			    (pairs[k - 1].row == pairs[k].row && pairs[k - 1].col < pairs[k].col));
		match_pairs_free(pairs);
	}
}

/* ---- natverk match --scores: refusals of bad files ---------------------------- */

/* Runs `natverk match ARGS` on a file holding text; returns the exit status
 * and leaves standard output and error (together) in out. */
static int run_match(const char *text, const char *args, char *out, size_t outlen)
{
	const char *dir = test_tmpdir();
	char path[512], cmd[1200];
	snprintf(path, sizeof path, "%s/scores.csv", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "'%s' match --scores '%s' %s 2>&1", NATVERK_BIN, path, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(match_cli, bad_files_name_line_and_column)
{
	static const struct {
		const char *text; /* file contents */
		const char *want; /* expected after "scores.csv:" */
	} cases[] = {
	    {"", "1:1: no rows"},
	    {",A,B\n", "2:1: no Swedish participants"},
	    {"corner\nx\n", "1:7: no international candidates"},
	    {",A,B\nx,1\n", "2:4: missing cell for 'B' (the row has 2 cells, the first row 3)"},
	    {",A,B\nx,1,\n", "2:5: missing cell for 'B' (empty)"},
	    {",A,B\nx,1,2\ny,1,zz\n", "3:5: not a number: 'zz'"},
	    {",A,B\nx,1,nan\n", "2:5: not a number: 'nan'"},
	    {",A,B\nx,\"0,5\",1\n", "2:3: not a number: '0,5'"},
	    {",A,B\nx,1,2\nx,3,4\n", "3:1: duplicated Swedish name 'x' (also on line 2)"},
	    {",A,A\nx,1,2\n", "1:4: duplicated international name 'A' (also in column 2)"},
	    {",A,B\nx,1,2,3\n", "2:7: extra cell"},
	    {",A,B\nx,1,2\n\ny,3,4\n", "3:1: empty row"},
	    {",A,B\n,1,2\n", "2:1: empty Swedish name"},
	    {",A,\"B\nx,1,2\n", "1:4: unterminated quoted field"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char out[2048];
		int status = run_match(cases[k].text, "", out, sizeof out);
		cr_expect_eq(status, 1, "case %zu: status %d (%s)", k, status, out);
		const char *at = strstr(out, "scores.csv:");
		cr_expect(at != NULL && strstr(at, cases[k].want) == at + strlen("scores.csv:"),
			  "case %zu: got '%s', want '%s'", k, out, cases[k].want);
	}
}

Test(match_cli, json_and_table)
{
	char out[4096];
	const char *text = "\xEF\xBB\xBF,\"Nakuru, Kenya\",B\xC3\xA5,C\r\n"
			   "Ume\xC3\xA5,1.5,-2,0.25\r\n\"Say \"\"hi\"\"\",3,1,1\r\nKiruna,0,0,0\r\n"
			   "Lule\xC3\xA5,0,9,0\r\n\r\n";
	int status = run_match(text, "--json", out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_expect_str_eq(
	    out,
	    "{\"total\": 12.25, \"pairs\": [\n"
	    "  {\"swedish\": \"Ume\xC3\xA5\", \"international\": \"C\", \"score\": 0.25},\n"
	    "  {\"swedish\": \"Say \\\"hi\\\"\", \"international\": \"Nakuru, Kenya\", "
	    "\"score\": 3},\n"
	    "  {\"swedish\": \"Lule\xC3\xA5\", \"international\": \"B\xC3\xA5\", \"score\": 9}\n"
	    "], \"unmatched\": [\"Kiruna\"]}\n");
	status = run_match(text, "", out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "Total score: 12.25 (3 pairs") != NULL, "%s", out);
	cr_expect(strstr(out, "\n  Kiruna               no places left\n") != NULL, "%s", out);
}

Test(match_cli, usage_errors)
{
	char out[2048];
	FILE *p = popen("'" NATVERK_BIN "' match --network rivers --scores x.csv 2>&1", "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	cr_expect_eq(WEXITSTATUS(status), 2);
	cr_expect(strncmp(out, "natverk: give either --scores FILE or --network SLUG\n", 53) == 0, "%s", out);
	status = run_match(",A\nx,1\n", "--bogus", out, sizeof out);
	cr_expect_eq(status, 2);
}
