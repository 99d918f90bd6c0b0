/*
 * match.h - proposing partnerships: the one-to-one assignment of Swedish
 * participants (rows) to international candidates (columns) of a network.
 *
 * Two modes.  The optimal proposal (match_solve) maximises the total score
 * under locked pairs, forbidden pairs and an optional cap per country.  The
 * stable proposal (match_stable) runs deferred acceptance when both sides
 * ranked each other, and match_blocking_pairs lists the pairs that would
 * rather be together than with the partners a proposal gives them.
 *
 * What "optimal" means when the sides differ or constraints bite: first as
 * many Swedish participants as possible get a partner (maximum cardinality),
 * then, among all assignments of that size, the total score is the largest.
 * So a participant goes without a partner only when no assignment could
 * match more participants, and scores never trade a pair away: a pair with
 * a negative score is still made when it lets one more participant be
 * matched.  Every unmatched row carries a reason (enum match_reason).
 *
 * Algorithms.  Without a binding country cap: shortest augmenting paths of
 * Jonker-Volgenant/Crouse (the method of SciPy's linear_sum_assignment),
 * one row of the smaller side at a time, reading the caller's matrix in
 * place (transposed through index arrays when there are more rows than
 * columns).  With a binding cap, or when forbidden pairs leave some row of
 * the smaller side without any free column: successive shortest paths with
 * potentials on the flow network source -> rows -> columns -> countries
 * (capacity = cap) -> sink.  It also goes row by row while every row finds
 * a partner, and otherwise starts over from the source itself, which is
 * exact for the objective above but several times slower.  All are O(n^3)
 * in the worst case and exact up to floating-point rounding of the dual
 * variables (compared with exhaustive search and with SciPy in the tests).
 * Memory: O(rows + columns + locks + forbids) besides the caller's matrix.
 *
 * Plain C: no I/O, no globals.  Memory handed out comes only from
 * match_solve and match_blocking_pairs and goes back through
 * match_result_free and match_pairs_free; everything else a function
 * allocates for its own work is freed before it returns.  Thread-safe for
 * distinct results.
 */
#ifndef NATVERK_MATCH_H
#define NATVERK_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define MATCH_MAX_SIDE 100000 /* rows or columns accepted by match_solve */

/* Called by the solver as it goes, e.g. to print progress; done counts
 * augmentations (0..total).  Must not call back into the solver. */
typedef void (*match_progress_fn)(void *arg, int done, int total);

/* One (Swedish row, international column) pair, 0-based indices. */
struct match_pair {
	int row; /* Swedish participant */
	int col; /* international candidate */
};

/* Which algorithm match_solve uses. */
enum match_method {
	MATCH_METHOD_AUTO = 0,    /* shortest augmenting paths, min-cost flow when needed */
	MATCH_METHOD_JV,          /* augmenting paths; E_INVALID if a cap binds (the flow still
				     takes over when forbidden pairs starve the smaller side) */
	MATCH_METHOD_FLOW,        /* the min-cost flow, also without caps (tests, audits) */
	MATCH_METHOD_FLOW_SOURCE, /* the flow's slow multi-source mode only (tests) */
};

/*
 * The problem.  Zero-initialise it and fill what applies; NULL/0 means "none".
 * Nothing is copied: every pointer must stay valid during match_solve.
 */
struct match_problem {
	int n_rows;             /* Swedish participants, 0..MATCH_MAX_SIDE */
	int n_cols;             /* international candidates, 0..MATCH_MAX_SIDE */
	const double *scores;   /* n_rows * n_cols, row-major, finite; higher = better */
	const int *col_country; /* per column its country 0..n_countries-1, or -1; may be NULL */
	int n_countries;        /* size of country_cap */
	const int *country_cap; /* per country the most partnerships, -1 = no cap; may be NULL */
	const struct match_pair *locked;    /* pairs that must be made (the coordinator decided) */
	int n_locked;                       /* entries in locked */
	const struct match_pair *forbidden; /* pairs that must not be made */
	int n_forbidden;                    /* entries in forbidden */
	enum match_method method;           /* normally MATCH_METHOD_AUTO */
	match_progress_fn progress;         /* may be NULL */
	void *progress_arg;                 /* passed to progress */
};

/* Why a row has no partner. */
enum match_reason {
	MATCH_MATCHED = 0,         /* it has a partner */
	MATCH_UNMATCHED_NO_PLACE,  /* places ran out: the columns it may take all went to others */
	MATCH_UNMATCHED_FORBIDDEN, /* every remaining (unlocked) column is forbidden for it */
	MATCH_UNMATCHED_CAP,       /* a column is free for it, but its country is at its cap */
};

/* A constraint problem, naming the constraints involved by their index in
 * the problem's arrays (-1 where it does not apply). */
enum match_conflict_kind {
	MATCH_CONFLICT_INPUT,            /* malformed input: bad size, index or score (E_INVALID) */
	MATCH_CONFLICT_ROW_LOCKED_TWICE, /* locks a and b give one row two partners */
	MATCH_CONFLICT_COL_LOCKED_TWICE, /* locks a and b give one column two partners */
	MATCH_CONFLICT_LOCK_FORBIDDEN,   /* lock a is forbidden pair b */
	MATCH_CONFLICT_LOCKS_OVER_CAP,   /* country has count locks, more than its cap */
	MATCH_CONFLICT_CAP_UNMATCHABLE,  /* country's cap leaves count rows without a partner */
};

struct match_conflict {
	enum match_conflict_kind kind; /* what is wrong */
	int a;            /* first lock (or, for INPUT, the row or lock/forbid index) */
	int b;            /* second lock, or the forbidden pair */
	int country;      /* country, for the cap kinds */
	int cap;          /* that country's cap */
	int count;        /* locks in the country, or rows left unmatched */
	const char *what; /* for INPUT: English description of the problem */
};

/*
 * The answer.  When has_assignment is false (constraints refused up front)
 * col_of_row and row_of_col are all -1 and total is 0.
 */
struct match_result {
	int n_rows;                       /* as in the problem */
	int n_cols;                       /* as in the problem */
	bool has_assignment;              /* an assignment was computed */
	int *col_of_row;                  /* per row its column, -1 = none */
	int *row_of_col;                  /* per column its row, -1 = none */
	enum match_reason *reason;        /* per row, MATCH_MATCHED when it has a column */
	int n_matched;                    /* pairs made, locked ones included */
	double total;                     /* sum of the scores of the pairs made */
	enum match_method method;         /* the algorithm that produced it */
	struct match_conflict *conflicts; /* constraint problems found */
	int n_conflicts;                  /* entries in conflicts */
};

/*
 * Solves p.  *out receives a result (free with match_result_free) on every
 * return except E_NOMEM, where it is NULL.  Returns:
 *   E_OK            an optimal assignment (see the top of this file);
 *   E_INVALID       malformed input (sizes, index out of range, a score that
 *                   is NaN or infinite, a cap below -1, MATCH_METHOD_JV with a
 *                   binding cap); one MATCH_CONFLICT_INPUT says what;
 *   E_UNPROCESSABLE constraints that cannot all hold.  Either they contradict
 *                   each other (two locks on one party, a lock on a forbidden
 *                   pair, more locks in a country than its cap): every such
 *                   conflict is listed and has_assignment is false.  Or the
 *                   caps leave rows without a partner that could have one
 *                   without caps: one MATCH_CONFLICT_CAP_UNMATCHABLE per
 *                   country at its cap on the way, those rows get
 *                   MATCH_UNMATCHED_CAP, and the best assignment under the caps
 *                   is still given (has_assignment true).
 *   E_NOMEM         out of memory.
 * An exact duplicate of a lock is not a conflict.
 */
enum err match_solve(const struct match_problem *p, struct match_result **out);

/* Frees a result from match_solve; NULL is ignored. */
void match_result_free(struct match_result *r);

/* English text for a reason ("no places left", ...), never NULL. */
const char *match_reason_str(enum match_reason reason);

/*
 * Rankings for the stable mode.  A rank is 1 for the first choice, 2 for the
 * second and so on; 0 means "not acceptable" (never paired in the stable
 * mode, and worse than no partner when judging blocking pairs).  Equal ranks
 * are ties, broken by the lower index where a choice must be made.
 */
struct match_prefs {
	int n_rows;          /* Swedish participants */
	int n_cols;          /* international candidates */
	const int *row_rank; /* n_rows * n_cols: rank row i gives column j, at [i * n_cols + j] */
	const int *col_rank; /* n_cols * n_rows: rank column j gives row i, at [j * n_rows + i] */
};

/*
 * Deferred acceptance with the Swedish side proposing (Gale-Shapley): each
 * row proposes to columns from its best rank down, each column keeps the
 * best proposal so far.  Writes the column of every row, or -1, into
 * col_of_row (n_rows entries, caller-owned).  With strict rankings the
 * result has no blocking pair and every row gets its best partner among all
 * stable matchings; with ties it has no pair that strictly prefers each
 * other.  Locks, forbids and caps do not apply here: give forbidden pairs
 * rank 0 and leave locked parties out.  Returns E_OK, E_INVALID for sizes
 * out of range or a negative rank, E_NOMEM.  Allocates only temporarily.
 */
enum err match_stable(const struct match_prefs *prefs, int *col_of_row);

/*
 * Lists the pairs (i, j) blocking the assignment col_of_row (n_rows entries,
 * -1 = unmatched): i and j both rank each other (non-zero), i prefers j to
 * its partner or has none (or has one it finds unacceptable), and j prefers
 * i likewise.  Sets *pairs (free with match_pairs_free; NULL when none) and
 * *n_pairs, ordered by row then column.  Returns E_OK, E_INVALID when the
 * assignment is out of range or gives a column two rows, E_NOMEM.
 */
enum err match_blocking_pairs(const struct match_prefs *prefs, const int *col_of_row,
			      struct match_pair **pairs, int *n_pairs);

/* Frees the list from match_blocking_pairs; NULL is ignored. */
void match_pairs_free(struct match_pair *pairs);

#endif
