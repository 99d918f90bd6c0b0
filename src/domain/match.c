/*
 * match.c - the matching solvers; see match.h for what they compute.
 *
 * Layout: checking the problem and the constraints up front; the
 * augmenting-path solver (lap_*); the min-cost flow solver (flow_*); the
 * reasons for unmatched rows; the stable mode.  Costs are negated scores,
 * so both solvers minimise.  Locked pairs are fixed before solving: their
 * rows and columns are left out of the "active" sets the solvers see, and
 * their countries' caps shrink by one each.  Forbidden pairs are edges the
 * solvers never relax; they are marked in a byte array while the one row (or
 * column) they belong to is scanned, which keeps the dense inner loops free
 * of lookups.  The caller's score matrix is read in place, never copied.
 */
#include "domain/match.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INF HUGE_VAL

/* Everything match_solve derives from the problem before solving. */
struct ctx {
	const struct match_problem *p; /* the problem */
	struct match_result *res;      /* the answer being built */
	int nr;                        /* rows */
	int nc;                        /* columns */
	int ng;                        /* countries */
	int *lock_of_row;              /* per row the lock index fixing it, or -1 */
	int *lock_of_col;              /* per column the lock index fixing it, or -1 */
	int *ar;                       /* active (unlocked) rows */
	int n_ar;                      /* entries in ar */
	int *ac;                       /* active (unlocked) columns */
	int n_ac;                      /* entries in ac */
	int *fr_start; /* forbidden columns of row r: fr_list[fr_start[r]..fr_start[r+1]) */
	int *fr_list;  /* see fr_start */
	int *fc_start; /* forbidden rows of column c, likewise */
	int *fc_list;  /* see fc_start */
	int *rem;      /* per country places left after locks; -1 when its cap cannot bind */
	bool caps;     /* some country cap binds */
	int places;    /* active columns usable at once under the caps */
	unsigned char *mark_c; /* scratch, per column, all zero between uses */
	unsigned char *mark_r; /* scratch, per row, all zero between uses */
};

/* Allocation helpers: one place that turns a failed malloc into E_NOMEM. */
static enum err alloc_ints(int **out, size_t n, int fill)
{
	*out = malloc((n > 0 ? n : 1) * sizeof **out);
	if (*out == NULL)
		return E_NOMEM;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = fill;
	return E_OK;
}

static enum err alloc_doubles(double **out, size_t n)
{
	*out = malloc((n > 0 ? n : 1) * sizeof **out);
	return *out == NULL ? E_NOMEM : E_OK;
}

static enum err alloc_bytes(unsigned char **out, size_t n)
{
	*out = calloc(n > 0 ? n : 1, 1);
	return *out == NULL ? E_NOMEM : E_OK;
}

static enum err add_conflict(struct match_result *r, const struct match_conflict *cf)
{
	struct match_conflict *grown =
	    realloc(r->conflicts, ((size_t)r->n_conflicts + 1) * sizeof *grown);
	if (grown == NULL)
		return E_NOMEM;
	r->conflicts = grown;
	r->conflicts[r->n_conflicts++] = *cf;
	return E_OK;
}

/* Records malformed input; returns E_INVALID (or E_NOMEM). */
static enum err input_error(struct match_result *r, int index, const char *what)
{
	struct match_conflict cf = {MATCH_CONFLICT_INPUT, index, -1, -1, -1, 0, what};
	enum err rc = add_conflict(r, &cf);
	return rc != E_OK ? rc : E_INVALID;
}

void match_result_free(struct match_result *r)
{
	if (r == NULL)
		return;
	free(r->col_of_row);
	free(r->row_of_col);
	free(r->reason);
	free(r->conflicts);
	free(r);
}

const char *match_reason_str(enum match_reason reason)
{
	switch (reason) {
	case MATCH_MATCHED: return "matched";
	case MATCH_UNMATCHED_NO_PLACE: return "no places left";
	case MATCH_UNMATCHED_FORBIDDEN: return "every remaining pair is forbidden";
	case MATCH_UNMATCHED_CAP: return "country caps";
	}
	return "unknown";
}

static double score_at(const struct ctx *c, int r, int col)
{
	return c->p->scores[(size_t)r * (size_t)c->nc + (size_t)col];
}

/*
 * Checks sizes, indices and scores.  Everything the solvers later assume
 * without checking is established here.
 */
static enum err validate(const struct match_problem *p, struct match_result *res)
{
	if (p->n_rows < 0 || p->n_rows > MATCH_MAX_SIDE || p->n_cols < 0 ||
	    p->n_cols > MATCH_MAX_SIDE)
		return input_error(res, -1, "number of rows or columns out of range");
	if (p->scores == NULL && p->n_rows > 0 && p->n_cols > 0)
		return input_error(res, -1, "no score matrix");
	if (p->n_locked < 0 || (p->n_locked > 0 && p->locked == NULL))
		return input_error(res, -1, "bad list of locked pairs");
	if (p->n_forbidden < 0 || (p->n_forbidden > 0 && p->forbidden == NULL))
		return input_error(res, -1, "bad list of forbidden pairs");
	if (p->n_countries < 0 || (p->country_cap != NULL && p->col_country == NULL))
		return input_error(res, -1, "caps without the countries of the columns");
	if (p->method != MATCH_METHOD_AUTO && p->method != MATCH_METHOD_JV &&
	    p->method != MATCH_METHOD_FLOW && p->method != MATCH_METHOD_FLOW_SOURCE)
		return input_error(res, -1, "unknown method");
	size_t cells = (size_t)p->n_rows * (size_t)p->n_cols;
	for (size_t k = 0; k < cells; k++)
		if (!isfinite(p->scores[k]))
			return input_error(res, (int)(k / (size_t)p->n_cols),
					   "a score is not a finite number");
	for (int k = 0; k < p->n_locked; k++)
		if (p->locked[k].row < 0 || p->locked[k].row >= p->n_rows || p->locked[k].col < 0 ||
		    p->locked[k].col >= p->n_cols)
			return input_error(res, k, "a locked pair is out of range");
	for (int k = 0; k < p->n_forbidden; k++)
		if (p->forbidden[k].row < 0 || p->forbidden[k].row >= p->n_rows ||
		    p->forbidden[k].col < 0 || p->forbidden[k].col >= p->n_cols)
			return input_error(res, k, "a forbidden pair is out of range");
	if (p->col_country != NULL)
		for (int j = 0; j < p->n_cols; j++)
			if (p->col_country[j] < -1 || p->col_country[j] >= p->n_countries)
				return input_error(res, j, "a column's country is out of range");
	if (p->country_cap != NULL)
		for (int g = 0; g < p->n_countries; g++)
			if (p->country_cap[g] < -1)
				return input_error(res, g, "a country cap is below -1");
	return E_OK;
}

static int cap_of(const struct match_problem *p, int g)
{
	return p->country_cap != NULL ? p->country_cap[g] : -1;
}

static int country_of(const struct match_problem *p, int col)
{
	return p->col_country != NULL ? p->col_country[col] : -1;
}

/*
 * Finds constraints that contradict each other before any solving: two locks
 * on one party, a locked pair that is forbidden, more locks in a country
 * than its cap.  Fills lock_of_row/lock_of_col (first lock wins).  Sets
 * *conflicting when anything was recorded.
 */
static enum err check_locks(struct ctx *c, bool *conflicting)
{
	const struct match_problem *p = c->p;
	enum err rc = E_OK;
	int *per_country = NULL;
	int before = c->res->n_conflicts;
	for (int k = 0; k < p->n_locked; k++) {
		int r = p->locked[k].row, col = p->locked[k].col;
		int kr = c->lock_of_row[r], kc = c->lock_of_col[col];
		if (kr >= 0 && kr == kc)
			continue; /* an exact duplicate adds nothing */
		if (kr >= 0) {
			struct match_conflict cf = {
			    MATCH_CONFLICT_ROW_LOCKED_TWICE, kr, k, -1, -1, 0, NULL};
			rc = add_conflict(c->res, &cf);
			if (rc != E_OK)
				goto done;
		} else {
			c->lock_of_row[r] = k;
		}
		if (kc >= 0) {
			struct match_conflict cf = {
			    MATCH_CONFLICT_COL_LOCKED_TWICE, kc, k, -1, -1, 0, NULL};
			rc = add_conflict(c->res, &cf);
			if (rc != E_OK)
				goto done;
		} else {
			c->lock_of_col[col] = k;
		}
	}
	for (int f = 0; f < p->n_forbidden; f++) {
		int r = p->forbidden[f].row, col = p->forbidden[f].col;
		/* Look at the lock of the row and of the column: with conflicting
		 * locks they may differ, and either may be the forbidden pair. */
		int cand[2] = {c->lock_of_row[r], c->lock_of_col[col]};
		for (int t = 0; t < 2; t++) {
			int k = cand[t];
			if (k < 0 || (t == 1 && k == cand[0]))
				continue;
			if (p->locked[k].row == r && p->locked[k].col == col) {
				struct match_conflict cf = {
				    MATCH_CONFLICT_LOCK_FORBIDDEN, k, f, -1, -1, 0, NULL};
				rc = add_conflict(c->res, &cf);
				if (rc != E_OK)
					goto done;
			}
		}
	}
	if (p->country_cap != NULL && c->ng > 0) {
		rc = alloc_ints(&per_country, (size_t)c->ng, 0);
		if (rc != E_OK)
			goto done;
		for (int col = 0; col < c->nc; col++)
			if (c->lock_of_col[col] >= 0 && country_of(p, col) >= 0)
				per_country[country_of(p, col)]++;
		for (int g = 0; g < c->ng; g++) {
			if (cap_of(p, g) >= 0 && per_country[g] > cap_of(p, g)) {
				struct match_conflict cf = {MATCH_CONFLICT_LOCKS_OVER_CAP,
							    -1,
							    -1,
							    g,
							    cap_of(p, g),
							    per_country[g],
							    NULL};
				rc = add_conflict(c->res, &cf);
				if (rc != E_OK)
					goto done;
			}
		}
	}
done:
	free(per_country);
	*conflicting = c->res->n_conflicts > before;
	return rc;
}

/* Builds a compressed list: for each of n owners (rows when by_row, else
 * columns), the partners paired with it, in the order of pairs. */
static enum err build_csr(int n, const struct match_pair *pairs, int n_pairs, bool by_row,
			  int **start_out, int **list_out)
{
	enum err rc = alloc_ints(start_out, (size_t)n + 1, 0);
	if (rc != E_OK)
		return rc;
	rc = alloc_ints(list_out, (size_t)n_pairs, 0);
	if (rc != E_OK)
		return rc;
	int *start = *start_out, *list = *list_out;
	for (int k = 0; k < n_pairs; k++)
		start[(by_row ? pairs[k].row : pairs[k].col) + 1]++;
	for (int i = 0; i < n; i++)
		start[i + 1] += start[i];
	/* start[owner] serves as the fill cursor, ending at the next owner's
	 * start; shifting by one restores the starts. */
	for (int k = 0; k < n_pairs; k++) {
		int owner = by_row ? pairs[k].row : pairs[k].col;
		list[start[owner]++] = by_row ? pairs[k].col : pairs[k].row;
	}
	for (int i = n; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	return E_OK;
}

/* Fixes the locked pairs, derives the active sets and which caps bind. */
static enum err prepare(struct ctx *c)
{
	const struct match_problem *p = c->p;
	struct match_result *res = c->res;
	enum err rc;
	int *active_in = NULL;
	for (int r = 0; r < c->nr; r++) {
		int k = c->lock_of_row[r];
		if (k < 0)
			continue;
		int col = p->locked[k].col;
		res->col_of_row[r] = col;
		res->row_of_col[col] = r;
	}
	rc = alloc_ints(&c->ar, (size_t)c->nr, 0);
	if (rc != E_OK)
		goto done;
	rc = alloc_ints(&c->ac, (size_t)c->nc, 0);
	if (rc != E_OK)
		goto done;
	for (int r = 0; r < c->nr; r++)
		if (res->col_of_row[r] < 0)
			c->ar[c->n_ar++] = r;
	for (int col = 0; col < c->nc; col++)
		if (res->row_of_col[col] < 0)
			c->ac[c->n_ac++] = col;
	rc = build_csr(c->nr, p->forbidden, p->n_forbidden, true, &c->fr_start, &c->fr_list);
	if (rc != E_OK)
		goto done;
	rc = build_csr(c->nc, p->forbidden, p->n_forbidden, false, &c->fc_start, &c->fc_list);
	if (rc != E_OK)
		goto done;
	rc = alloc_bytes(&c->mark_c, (size_t)c->nc);
	if (rc != E_OK)
		goto done;
	rc = alloc_bytes(&c->mark_r, (size_t)c->nr);
	if (rc != E_OK)
		goto done;
	rc = alloc_ints(&c->rem, (size_t)c->ng, -1);
	if (rc != E_OK)
		goto done;
	rc = alloc_ints(&active_in, (size_t)c->ng, 0);
	if (rc != E_OK)
		goto done;
	c->places = c->n_ac;
	if (p->country_cap == NULL)
		goto done;
	for (int a = 0; a < c->n_ac; a++)
		if (country_of(p, c->ac[a]) >= 0)
			active_in[country_of(p, c->ac[a])]++;
	for (int g = 0; g < c->ng; g++) {
		int cap = cap_of(p, g);
		if (cap < 0)
			continue;
		int locked_in = 0;
		for (int col = 0; col < c->nc; col++)
			if (res->row_of_col[col] >= 0 && country_of(p, col) == g)
				locked_in++;
		int rem = cap - locked_in; /* >= 0: check_locks refused the rest */
		/* A cap binds only when it is below what the country could take. */
		if (rem < active_in[g] && rem < c->n_ar) {
			c->rem[g] = rem;
			c->caps = true;
			c->places -= active_in[g] - rem;
		}
	}
done:
	free(active_in);
	return rc;
}

/* Sets mark[list[start[i]..start[i+1])] to v: the forbidden partners of i. */
static void mark_forbidden(unsigned char *mark, const int *start, const int *list, int i,
			   unsigned char v)
{
	for (int k = start[i]; k < start[i + 1]; k++)
		mark[list[k]] = v;
}

/* ---- Shortest augmenting paths (Jonker-Volgenant / Crouse) ---------------
 *
 * The smaller active side is the "rows" of this solver, so every solver row
 * gets a column when no forbidden pair stands in the way.  Solver cell (i, j)
 * is the caller's score at scores[ro[i] + co[j]]: ro and co hold the offsets
 * of the original row and column, which covers the transposed orientation
 * and the removed locked parties without copying the matrix.  Dual variables
 * u (rows) and v (columns) keep every reduced cost cost - u - v >= 0, and
 * each solver row is added by a Dijkstra search from it to the nearest free
 * column (Crouse 2016, as in SciPy's rectangular_lsap.cpp).
 */
struct lap {
	int n;                  /* solver rows, n <= m */
	int m;                  /* solver columns */
	const double *s;        /* the caller's scores */
	size_t *ro;             /* per solver row: offset of its original row or column */
	size_t *co;             /* per solver column: offset of its original column or row */
	bool identity;          /* co[j] == j for all j: the fast inner loop applies */
	int *f_start;           /* forbidden solver columns of solver row i (CSR) */
	int *f_list;            /* see f_start */
	double *u;              /* row duals */
	double *v;              /* column duals */
	double *spc;            /* shortest path cost to each column in this search */
	int *path;              /* row before each column on the shortest path tree */
	int *col4row;           /* assignment, -1 = none */
	int *row4col;           /* inverse */
	int *remaining;         /* columns not yet reached by this search */
	unsigned char *sr;      /* rows reached by this search */
	unsigned char *sc;      /* columns settled by this search */
	unsigned char *blocked; /* forbidden columns of the row being scanned */
};

static void lap_free(struct lap *l)
{
	free(l->ro);
	free(l->co);
	free(l->f_start);
	free(l->f_list);
	free(l->u);
	free(l->v);
	free(l->spc);
	free(l->path);
	free(l->col4row);
	free(l->row4col);
	free(l->remaining);
	free(l->sr);
	free(l->sc);
	free(l->blocked);
}

/*
 * One scan of solver row i over the unsettled columns: relaxes the path
 * costs through i and returns the position (in remaining) of the cheapest
 * unsettled column, preferring a free one on ties so the search ends early.
 * Written once and specialised by the constant arguments: the common case
 * (identity columns, no forbidden pairs) leaves two loads and a compare per
 * cell.
 */
static inline __attribute__((always_inline)) int lap_scan(struct lap *l, int i, int n_rem, double h,
							  const double *base, bool identity,
							  bool forbids, double *lowest_out)
{
	const int *remaining = l->remaining;
	const size_t *co = l->co;
	const double *v = l->v;
	const int *row4col = l->row4col;
	const unsigned char *blocked = l->blocked;
	double *spc = l->spc;
	int *path = l->path;
	double lowest = INF;
	int index = -1;
	for (int it = 0; it < n_rem; it++) {
		int j = remaining[it];
		if (!forbids || !blocked[j]) {
			double cell = identity ? base[j] : base[co[j]];
			double r = h - cell - v[j];
			if (r < spc[j]) {
				path[j] = i;
				spc[j] = r;
			}
		}
		if (spc[j] < lowest || (spc[j] == lowest && row4col[j] == -1)) {
			lowest = spc[j];
			index = it;
		}
	}
	*lowest_out = lowest;
	return index;
}

/* Dijkstra from solver row cur; returns the free column reached, or -1 when
 * forbidden pairs leave no way to any free column. */
static int lap_search(struct lap *l, int cur, double *min_out)
{
	int m = l->m;
	int n_rem = m;
	for (int it = 0; it < m; it++) {
		l->remaining[it] = m - it - 1;
		l->spc[it] = INF;
	}
	memset(l->sr, 0, (size_t)l->n);
	memset(l->sc, 0, (size_t)m);
	bool forbids = l->f_list != NULL && l->f_start[l->n] > 0;
	double min_val = 0;
	int i = cur;
	for (;;) {
		l->sr[i] = 1;
		const double *base = l->s + l->ro[i];
		/* reduced cost = (-score) - u[i] - v[j], plus the path so far */
		double h = min_val - l->u[i];
		double lowest;
		int index;
		if (forbids) {
			mark_forbidden(l->blocked, l->f_start, l->f_list, i, 1);
			index = lap_scan(l, i, n_rem, h, base, false, true, &lowest);
			mark_forbidden(l->blocked, l->f_start, l->f_list, i, 0);
		} else if (l->identity) {
			index = lap_scan(l, i, n_rem, h, base, true, false, &lowest);
		} else {
			index = lap_scan(l, i, n_rem, h, base, false, false, &lowest);
		}
		if (index < 0 || lowest == INF)
			return -1;
		min_val = lowest;
		int j = l->remaining[index];
		l->sc[j] = 1;
		l->remaining[index] = l->remaining[--n_rem];
		if (l->row4col[j] == -1) {
			*min_out = min_val;
			return j;
		}
		i = l->row4col[j];
	}
}

/*
 * Solves the active part without caps.  Sets *complete false (and leaves
 * the result untouched) when forbidden pairs keep some solver row from any
 * free column: then the smaller side cannot be fully matched and the flow
 * solver must choose which rows go without.
 */
static enum err lap_solve(struct ctx *c, bool *complete)
{
	const struct match_problem *p = c->p;
	struct lap l = {0};
	enum err rc;
	int *pos_r = NULL, *pos_c = NULL;
	struct match_pair *fp = NULL;
	bool transposed = c->n_ar > c->n_ac;
	*complete = true;
	l.n = transposed ? c->n_ac : c->n_ar;
	l.m = transposed ? c->n_ar : c->n_ac;
	l.s = p->scores;
	if (l.n == 0)
		return E_OK;
	l.ro = malloc((size_t)l.n * sizeof *l.ro);
	l.co = malloc((size_t)l.m * sizeof *l.co);
	if (l.ro == NULL || l.co == NULL) {
		rc = E_NOMEM;
		goto done;
	}
	size_t nc = (size_t)c->nc;
	l.identity = !transposed && c->n_ac == c->nc;
	for (int i = 0; i < l.n; i++)
		l.ro[i] = transposed ? (size_t)c->ac[i] : (size_t)c->ar[i] * nc;
	for (int j = 0; j < l.m; j++)
		l.co[j] = transposed ? (size_t)c->ar[j] * nc : (size_t)c->ac[j];

	/* The forbidden pairs between active parties, in solver coordinates. */
	if (p->n_forbidden > 0) {
		rc = alloc_ints(&pos_r, (size_t)c->nr, -1);
		if (rc != E_OK)
			goto done;
		rc = alloc_ints(&pos_c, (size_t)c->nc, -1);
		if (rc != E_OK)
			goto done;
		for (int a = 0; a < c->n_ar; a++)
			pos_r[c->ar[a]] = a;
		for (int a = 0; a < c->n_ac; a++)
			pos_c[c->ac[a]] = a;
		fp = malloc((size_t)p->n_forbidden * sizeof *fp);
		if (fp == NULL) {
			rc = E_NOMEM;
			goto done;
		}
		int nf = 0;
		for (int k = 0; k < p->n_forbidden; k++) {
			int a = pos_r[p->forbidden[k].row], b = pos_c[p->forbidden[k].col];
			if (a < 0 || b < 0)
				continue;
			fp[nf].row = transposed ? b : a;
			fp[nf].col = transposed ? a : b;
			nf++;
		}
		rc = build_csr(l.n, fp, nf, true, &l.f_start, &l.f_list);
		if (rc != E_OK)
			goto done;
	}
	if ((rc = alloc_doubles(&l.u, (size_t)l.n)) != E_OK ||
	    (rc = alloc_doubles(&l.v, (size_t)l.m)) != E_OK ||
	    (rc = alloc_doubles(&l.spc, (size_t)l.m)) != E_OK ||
	    (rc = alloc_ints(&l.path, (size_t)l.m, -1)) != E_OK ||
	    (rc = alloc_ints(&l.col4row, (size_t)l.n, -1)) != E_OK ||
	    (rc = alloc_ints(&l.row4col, (size_t)l.m, -1)) != E_OK ||
	    (rc = alloc_ints(&l.remaining, (size_t)l.m, 0)) != E_OK ||
	    (rc = alloc_bytes(&l.sr, (size_t)l.n)) != E_OK ||
	    (rc = alloc_bytes(&l.sc, (size_t)l.m)) != E_OK ||
	    (rc = alloc_bytes(&l.blocked, (size_t)l.m)) != E_OK)
		goto done;
	memset(l.u, 0, (size_t)l.n * sizeof *l.u);
	memset(l.v, 0, (size_t)l.m * sizeof *l.v);

	for (int cur = 0; cur < l.n; cur++) {
		double min_val = 0;
		int sink = lap_search(&l, cur, &min_val);
		if (sink < 0) {
			*complete = false;
			goto done;
		}
		/* Update the duals of every row and column the search settled. */
		l.u[cur] += min_val;
		for (int i = 0; i < l.n; i++)
			if (l.sr[i] && i != cur)
				l.u[i] += min_val - l.spc[l.col4row[i]];
		for (int j = 0; j < l.m; j++)
			if (l.sc[j])
				l.v[j] -= min_val - l.spc[j];
		/* Flip the path: each column takes the row before it. */
		for (int j = sink;;) {
			int i = l.path[j];
			l.row4col[j] = i;
			int prev = l.col4row[i];
			l.col4row[i] = j;
			if (i == cur)
				break;
			j = prev;
		}
		if (p->progress != NULL)
			p->progress(p->progress_arg, cur + 1, l.n);
	}
	for (int i = 0; i < l.n; i++) {
		int j = l.col4row[i];
		int r = transposed ? c->ar[j] : c->ar[i];
		int col = transposed ? c->ac[i] : c->ac[j];
		c->res->col_of_row[r] = col;
		c->res->row_of_col[col] = r;
	}
	rc = E_OK;
done:
	free(pos_r);
	free(pos_c);
	free(fp);
	lap_free(&l);
	return rc;
}

/* ---- Min-cost flow (successive shortest paths) ---------------------------
 *
 * Network: source -> each active row (capacity 1) -> each allowed active
 * column (1, cost -score) -> the column's country node when that country's
 * cap binds (1), else straight to the sink; country -> sink (capacity =
 * places left).  Each phase runs Dijkstra on reduced costs to the sink and
 * pushes one unit along the path found.  Potentials pi keep reduced costs
 * non-negative; they move only on the nodes a phase settled (pi += d -
 * d_sink), which keeps every other reduced cost valid and lets a phase stop
 * as soon as the sink is settled.  A matched row sits at the distance of its
 * column (the matched edge is tight) and is scanned right after it.
 *
 * Two modes.  Row by row (single source, as Crouse's method): each phase
 * starts from one new row, and the flow after it is the cheapest one that
 * matches exactly the rows added so far.  That is the answer when every row
 * gets matched, and it is fast: a phase settles few columns.  When a row
 * finds no path, which rows to leave out becomes part of the question, and
 * the solve starts over from the source itself (multi source): every free
 * row at distance 0, so each phase adds the cheapest path from any of them;
 * after k phases the flow is a cheapest one of value k, and the phases stop
 * when no path is left, giving the cheapest among the largest assignments.
 * All free rows then share one potential (pi_free), and the cheapest edge
 * from any free row into each column is kept up to date (best_row/best_val),
 * so a phase starts in O(columns) instead of scanning every free row.
 */
struct flow {
	struct ctx *c;           /* the problem */
	bool multi;              /* multi-source mode */
	double *pi_row;          /* potential of each matched row */
	double *pi_col;          /* potential of each column */
	double *pi_grp;          /* potential of each country node */
	double pi_t;             /* potential of the sink */
	double pi_free;          /* multi source: potential of the source and every free row */
	double *d_col;           /* distance of each column in this phase */
	double *d_row;           /* distance of each matched row reached */
	double *d_grp;           /* distance of each country node */
	int *pred_col;           /* node before each column: row >= 0, or -(country + 1) */
	int *pred_grp;           /* column before each country node */
	int *best_row;           /* multi source: per column the free row with the cheapest edge */
	double *best_val;        /* that edge's cost */
	int *free_rows;          /* multi source: rows without a column */
	int *free_pos;           /* index of each row in free_rows, -1 when matched */
	int n_free;              /* entries in free_rows */
	int *live;               /* active columns that some active row may take */
	int n_live;              /* entries in live */
	int *grp_of_col;         /* per column its country node when the cap binds, else -1 */
	int *grp_start;          /* live columns of country node g: grp_cols[grp_start[g]..] */
	int *grp_cols;           /* see grp_start */
	int *grp_list;           /* countries whose cap binds */
	int n_grp;               /* entries in grp_list */
	int *used;               /* per country the places taken in this solve */
	int *remaining;          /* columns not settled in this phase */
	unsigned char *col_done; /* columns settled in this phase */
	unsigned char *grp_done; /* country nodes settled in this phase */
	int *vis_cols;           /* settled columns, for the potential update */
	int *vis_rows;           /* settled rows */
	int *vis_grps;           /* settled country nodes */
};

static void flow_free(struct flow *f)
{
	free(f->pi_row);
	free(f->pi_col);
	free(f->pi_grp);
	free(f->d_col);
	free(f->d_row);
	free(f->d_grp);
	free(f->pred_col);
	free(f->pred_grp);
	free(f->best_row);
	free(f->best_val);
	free(f->free_rows);
	free(f->free_pos);
	free(f->live);
	free(f->grp_of_col);
	free(f->grp_start);
	free(f->grp_cols);
	free(f->grp_list);
	free(f->used);
	free(f->remaining);
	free(f->col_done);
	free(f->grp_done);
	free(f->vis_cols);
	free(f->vis_rows);
	free(f->vis_grps);
	memset(f, 0, sizeof *f);
}

/* The cheapest edge from a free row into column col (strided reads). */
static void flow_best(struct flow *f, int col)
{
	struct ctx *c = f->c;
	mark_forbidden(c->mark_r, c->fc_start, c->fc_list, col, 1);
	double best = INF;
	int br = -1;
	for (int k = 0; k < f->n_free; k++) {
		int r = f->free_rows[k];
		if (c->mark_r[r])
			continue;
		double cost = -score_at(c, r, col);
		if (cost < best) {
			best = cost;
			br = r;
		}
	}
	mark_forbidden(c->mark_r, c->fc_start, c->fc_list, col, 0);
	f->best_row[col] = br;
	f->best_val[col] = best;
}

static enum err flow_init(struct flow *f, struct ctx *c, bool multi)
{
	enum err rc;
	size_t nr = (size_t)c->nr, nc = (size_t)c->nc, ng = (size_t)c->ng;
	f->c = c;
	f->multi = multi;
	if ((rc = alloc_doubles(&f->pi_row, nr)) != E_OK ||
	    (rc = alloc_doubles(&f->pi_col, nc)) != E_OK ||
	    (rc = alloc_doubles(&f->pi_grp, ng)) != E_OK ||
	    (rc = alloc_doubles(&f->d_col, nc)) != E_OK ||
	    (rc = alloc_doubles(&f->d_row, nr)) != E_OK ||
	    (rc = alloc_doubles(&f->d_grp, ng)) != E_OK ||
	    (rc = alloc_ints(&f->pred_col, nc, -1)) != E_OK ||
	    (rc = alloc_ints(&f->pred_grp, ng, -1)) != E_OK ||
	    (rc = alloc_ints(&f->live, nc, 0)) != E_OK ||
	    (rc = alloc_ints(&f->grp_of_col, nc, -1)) != E_OK ||
	    (rc = alloc_ints(&f->grp_start, ng + 1, 0)) != E_OK ||
	    (rc = alloc_ints(&f->grp_cols, nc, 0)) != E_OK ||
	    (rc = alloc_ints(&f->grp_list, ng, 0)) != E_OK ||
	    (rc = alloc_ints(&f->used, ng, 0)) != E_OK ||
	    (rc = alloc_ints(&f->remaining, nc, 0)) != E_OK ||
	    (rc = alloc_bytes(&f->col_done, nc)) != E_OK ||
	    (rc = alloc_bytes(&f->grp_done, ng)) != E_OK ||
	    (rc = alloc_ints(&f->vis_cols, nc, 0)) != E_OK ||
	    (rc = alloc_ints(&f->vis_rows, nr, 0)) != E_OK ||
	    (rc = alloc_ints(&f->vis_grps, ng, 0)) != E_OK)
		return rc;
	/* The cheapest cost of all: every node on the column side starts there,
	 * so row -> column edges have reduced cost >= 0 and the edges on to the
	 * sink are tight.  A free column keeps that common potential (only
	 * settled nodes move, and a free column without a binding cap is settled
	 * only as the end of a path), so a phase ends at the first free column
	 * it settles instead of weighing which free column is cheapest to leave
	 * by. */
	double least = INF;
	for (int a = 0; a < c->n_ar; a++) {
		const double *row = c->p->scores + (size_t)c->ar[a] * nc;
		for (int b = 0; b < c->n_ac; b++)
			if (-row[c->ac[b]] < least)
				least = -row[c->ac[b]];
	}
	if (least == INF)
		least = 0;
	for (size_t col = 0; col < nc; col++)
		f->pi_col[col] = least;
	for (size_t g = 0; g < ng; g++)
		f->pi_grp[g] = least;
	f->pi_t = least;
	f->pi_free = 0;
	if (multi) {
		if ((rc = alloc_ints(&f->best_row, nc, -1)) != E_OK ||
		    (rc = alloc_doubles(&f->best_val, nc)) != E_OK ||
		    (rc = alloc_ints(&f->free_rows, nr, 0)) != E_OK ||
		    (rc = alloc_ints(&f->free_pos, nr, -1)) != E_OK)
			return rc;
		for (int a = 0; a < c->n_ar; a++) {
			f->free_pos[c->ar[a]] = f->n_free;
			f->free_rows[f->n_free++] = c->ar[a];
		}
	}
	for (int a = 0; a < c->n_ac; a++) {
		int col = c->ac[a];
		if (multi) {
			flow_best(f, col);
			if (f->best_row[col] < 0)
				continue; /* every active row is forbidden here */
		}
		f->live[f->n_live++] = col;
	}
	for (int k = 0; k < f->n_live; k++) {
		int col = f->live[k];
		int g = country_of(c->p, col);
		if (g >= 0 && c->rem[g] >= 0) {
			f->grp_of_col[col] = g;
			f->grp_start[g + 1]++;
		}
	}
	for (int g = 0; g < c->ng; g++) {
		if (c->rem[g] >= 0 && f->grp_start[g + 1] > 0)
			f->grp_list[f->n_grp++] = g;
		f->grp_start[g + 1] += f->grp_start[g];
	}
	/* The live columns of each binding country, for the reverse edges;
	 * used[] serves as the fill cursor and is zeroed afterwards. */
	for (int g = 0; g < c->ng; g++)
		f->used[g] = f->grp_start[g];
	for (int k = 0; k < f->n_live; k++) {
		int col = f->live[k];
		int g = f->grp_of_col[col];
		if (g >= 0)
			f->grp_cols[f->used[g]++] = col;
	}
	for (int g = 0; g < c->ng; g++)
		f->used[g] = 0;
	return E_OK;
}

/* Multi source: takes row r out of the free rows and refreshes the columns
 * whose cheapest free edge came from it. */
static void flow_row_matched(struct flow *f, int r)
{
	int k = f->free_pos[r];
	int last = f->free_rows[--f->n_free];
	f->free_rows[k] = last;
	f->free_pos[last] = k;
	f->free_pos[r] = -1;
	f->pi_row[r] = f->pi_free;
	for (int q = 0; q < f->n_live; q++)
		if (f->best_row[f->live[q]] == r)
			flow_best(f, f->live[q]);
}

/* Distances at the start of a phase: from row src alone, or (src < 0) from
 * every free row through the cheapest edges. */
static int flow_start(struct flow *f, int src)
{
	struct ctx *c = f->c;
	int n_rem = 0;
	if (src >= 0)
		mark_forbidden(c->mark_c, c->fr_start, c->fr_list, src, 1);
	for (int k = 0; k < f->n_live; k++) {
		int col = f->live[k];
		if (src >= 0) {
			/* The new row's potential counts as 0 during its search. */
			f->d_col[col] =
			    c->mark_c[col] ? INF : -score_at(c, src, col) - f->pi_col[col];
			f->pred_col[col] = src;
		} else {
			f->d_col[col] = f->best_row[col] >= 0
					    ? f->best_val[col] + f->pi_free - f->pi_col[col]
					    : INF;
			f->pred_col[col] = f->best_row[col];
		}
		f->col_done[col] = 0;
		f->remaining[n_rem++] = col;
	}
	if (src >= 0)
		mark_forbidden(c->mark_c, c->fr_start, c->fr_list, src, 0);
	for (int k = 0; k < f->n_grp; k++) {
		f->d_grp[f->grp_list[k]] = INF;
		f->grp_done[f->grp_list[k]] = 0;
	}
	return n_rem;
}

/*
 * One phase from row src (or from the source, src < 0): Dijkstra to the
 * sink, then the potential update and the augmentation.  Sets *augmented
 * false when the sink cannot be reached; nothing changes then.
 */
static void flow_phase(struct flow *f, int src, bool *augmented)
{
	struct ctx *c = f->c;
	int *row_of_col = c->res->row_of_col, *col_of_row = c->res->col_of_row;
	int n_rem = flow_start(f, src);
	int n_vc = 0, n_vr = 0, n_vg = 0;
	double d_t = INF;
	int pred_t = INT_MIN;
	int relax = -1; /* matched row to relax during the next scan */
	*augmented = false;
	for (;;) {
		double lowest = INF;
		int index = -1;
		if (relax >= 0) {
			const double *base = c->p->scores + (size_t)relax * (size_t)c->nc;
			double h = f->d_row[relax] + f->pi_row[relax];
			mark_forbidden(c->mark_c, c->fr_start, c->fr_list, relax, 1);
			for (int it = 0; it < n_rem; it++) {
				int col = f->remaining[it];
				if (!c->mark_c[col]) {
					double r = h - base[col] - f->pi_col[col];
					if (r < f->d_col[col]) {
						f->d_col[col] = r;
						f->pred_col[col] = relax;
					}
				}
				if (f->d_col[col] < lowest ||
				    (f->d_col[col] == lowest && row_of_col[col] < 0)) {
					lowest = f->d_col[col];
					index = it;
				}
			}
			mark_forbidden(c->mark_c, c->fr_start, c->fr_list, relax, 0);
		} else {
			for (int it = 0; it < n_rem; it++) {
				int col = f->remaining[it];
				if (f->d_col[col] < lowest ||
				    (f->d_col[col] == lowest && row_of_col[col] < 0)) {
					lowest = f->d_col[col];
					index = it;
				}
			}
		}
		int gsel = -1;
		for (int k = 0; k < f->n_grp; k++) {
			int g = f->grp_list[k];
			if (!f->grp_done[g] && f->d_grp[g] < lowest) {
				lowest = f->d_grp[g];
				gsel = g;
			}
		}
		relax = -1;
		if (d_t <= lowest && d_t < INF)
			break;
		if (lowest == INF)
			return; /* the sink is out of reach */
		if (gsel >= 0) {
			/* A country node: on to the sink if places are left, and back
			 * into its matched columns (one of them may give its place up). */
			f->grp_done[gsel] = 1;
			f->vis_grps[n_vg++] = gsel;
			double dg = f->d_grp[gsel];
			if (f->used[gsel] < c->rem[gsel]) {
				double nd = dg + f->pi_grp[gsel] - f->pi_t;
				if (nd < d_t) {
					d_t = nd;
					pred_t = -(gsel + 1);
				}
			}
			for (int k = f->grp_start[gsel]; k < f->grp_start[gsel + 1]; k++) {
				int col = f->grp_cols[k];
				if (f->col_done[col] || row_of_col[col] < 0)
					continue;
				double nd = dg + f->pi_grp[gsel] - f->pi_col[col];
				if (nd < f->d_col[col]) {
					f->d_col[col] = nd;
					f->pred_col[col] = -(gsel + 1);
				}
			}
			continue;
		}
		int col = f->remaining[index];
		f->remaining[index] = f->remaining[--n_rem];
		f->col_done[col] = 1;
		f->vis_cols[n_vc++] = col;
		double dc = f->d_col[col];
		int r = row_of_col[col];
		if (r >= 0) {
			/* Its row follows at the same distance and is scanned with
			 * the next selection. */
			f->d_row[r] = dc;
			f->vis_rows[n_vr++] = r;
			relax = r;
			continue;
		}
		int g = f->grp_of_col[col];
		if (g >= 0) {
			double nd = dc + f->pi_col[col] - f->pi_grp[g];
			if (nd < f->d_grp[g]) {
				f->d_grp[g] = nd;
				f->pred_grp[g] = col;
			}
		} else {
			double nd = dc + f->pi_col[col] - f->pi_t;
			if (nd < d_t) {
				d_t = nd;
				pred_t = col;
			}
		}
	}

	/* Potentials: settled nodes move by d - d_t, the others stay.  The
	 * start (row src, or the source with every free row) sat at 0. */
	for (int k = 0; k < n_vc; k++)
		f->pi_col[f->vis_cols[k]] += f->d_col[f->vis_cols[k]] - d_t;
	for (int k = 0; k < n_vr; k++)
		f->pi_row[f->vis_rows[k]] += f->d_row[f->vis_rows[k]] - d_t;
	for (int k = 0; k < n_vg; k++)
		f->pi_grp[f->vis_grps[k]] += f->d_grp[f->vis_grps[k]] - d_t;
	if (src >= 0)
		f->pi_row[src] = -d_t;
	else
		f->pi_free -= d_t;

	/* Augment, walking back from the sink. */
	int col;
	if (pred_t < 0) {
		int g = -pred_t - 1;
		f->used[g]++;
		col = f->pred_grp[g];
	} else {
		col = pred_t;
	}
	for (;;) {
		int pr = f->pred_col[col];
		if (pr < 0) {
			/* Reached through its country node: col gives its place (and
			 * its row, already moved on) to the column that entered the node. */
			col = f->pred_grp[-pr - 1];
			continue;
		}
		int old = col_of_row[pr];
		col_of_row[pr] = col;
		row_of_col[col] = pr;
		if (old < 0) {
			if (src < 0)
				flow_row_matched(f, pr);
			break;
		}
		row_of_col[old] = -1;
		col = old;
	}
	*augmented = true;
}

/* Takes back every pair the solver made (locked pairs stay). */
static void flow_undo(struct ctx *c)
{
	for (int a = 0; a < c->n_ar; a++)
		c->res->col_of_row[c->ar[a]] = -1;
	for (int a = 0; a < c->n_ac; a++)
		c->res->row_of_col[c->ac[a]] = -1;
}

/* Runs the flow: row by row first unless rows_may_fail says some row will
 * find no partner, then, if a row did, from the source (see above). */
static enum err flow_solve(struct ctx *c, bool rows_may_fail)
{
	const struct match_problem *p = c->p;
	struct flow f = {0};
	enum err rc = E_OK;
	bool augmented = true;
	if (!rows_may_fail && c->n_ar <= c->places) {
		rc = flow_init(&f, c, false);
		if (rc != E_OK)
			goto done;
		for (int a = 0; a < c->n_ar && augmented; a++) {
			flow_phase(&f, c->ar[a], &augmented);
			if (augmented && p->progress != NULL)
				p->progress(p->progress_arg, a + 1, c->n_ar);
		}
		if (augmented)
			goto done;
		flow_free(&f);
		flow_undo(c);
	}
	rc = flow_init(&f, c, true);
	if (rc != E_OK)
		goto done;
	int total = f.n_free < f.n_live ? f.n_free : f.n_live;
	int done_n = 0;
	for (augmented = true; augmented && f.n_free > 0;) {
		flow_phase(&f, -1, &augmented);
		if (augmented && p->progress != NULL)
			p->progress(p->progress_arg, ++done_n, total);
	}
done:
	flow_free(&f);
	return rc;
}

/* ---- Reasons -------------------------------------------------------------- */

/*
 * Rows from which an alternating path reaches a free active column when caps
 * are ignored (so the caps, not the places, keep them unmatched).  Backward
 * search from the free columns; in_z gets 1 for those rows.
 */
static enum err rows_blocked_by_caps(struct ctx *c, unsigned char *in_z)
{
	struct match_result *res = c->res;
	int *queue = NULL;
	unsigned char *seen = NULL;
	enum err rc = alloc_ints(&queue, (size_t)c->nc, 0);
	if (rc != E_OK)
		goto done;
	rc = alloc_bytes(&seen, (size_t)c->nc);
	if (rc != E_OK)
		goto done;
	int head = 0, tail = 0;
	for (int a = 0; a < c->n_ac; a++) {
		if (res->row_of_col[c->ac[a]] < 0) {
			seen[c->ac[a]] = 1;
			queue[tail++] = c->ac[a];
		}
	}
	while (head < tail) {
		int col = queue[head++];
		mark_forbidden(c->mark_r, c->fc_start, c->fc_list, col, 1);
		for (int a = 0; a < c->n_ar; a++) {
			int r = c->ar[a];
			if (c->mark_r[r] || in_z[r] || res->col_of_row[r] == col)
				continue;
			in_z[r] = 1;
			int own = res->col_of_row[r];
			if (own >= 0 && !seen[own]) {
				seen[own] = 1;
				queue[tail++] = own;
			}
		}
		mark_forbidden(c->mark_r, c->fc_start, c->fc_list, col, 0);
	}
done:
	free(queue);
	free(seen);
	return rc;
}

/* The countries at their cap that stand between the capped rows and a free
 * column: forward search from those rows; one conflict per country. */
static enum err cap_conflicts(struct ctx *c, int n_capped)
{
	struct match_result *res = c->res;
	int *queue = NULL;
	unsigned char *seen_r = NULL, *seen_g = NULL;
	enum err rc;
	if ((rc = alloc_ints(&queue, (size_t)c->nr, 0)) != E_OK ||
	    (rc = alloc_bytes(&seen_r, (size_t)c->nr)) != E_OK ||
	    (rc = alloc_bytes(&seen_g, (size_t)c->ng)) != E_OK)
		goto done;
	int head = 0, tail = 0;
	for (int a = 0; a < c->n_ar; a++) {
		int r = c->ar[a];
		if (res->reason[r] == MATCH_UNMATCHED_CAP) {
			seen_r[r] = 1;
			queue[tail++] = r;
		}
	}
	while (head < tail) {
		int r = queue[head++];
		mark_forbidden(c->mark_c, c->fr_start, c->fr_list, r, 1);
		for (int a = 0; a < c->n_ac; a++) {
			int col = c->ac[a];
			if (c->mark_c[col] || res->col_of_row[r] == col)
				continue;
			int other = res->row_of_col[col];
			if (other < 0) {
				int g = country_of(c->p, col);
				if (g >= 0 && !seen_g[g]) {
					seen_g[g] = 1;
					struct match_conflict cf = {MATCH_CONFLICT_CAP_UNMATCHABLE,
								    -1,
								    -1,
								    g,
								    cap_of(c->p, g),
								    n_capped,
								    NULL};
					rc = add_conflict(res, &cf);
					if (rc != E_OK)
						break;
				}
			} else if (!seen_r[other]) {
				seen_r[other] = 1;
				queue[tail++] = other;
			}
		}
		mark_forbidden(c->mark_c, c->fr_start, c->fr_list, r, 0);
		if (rc != E_OK)
			goto done;
	}
done:
	free(queue);
	free(seen_r);
	free(seen_g);
	return rc;
}

/* Fills reason[] and the cap conflicts; returns E_UNPROCESSABLE when caps
 * leave rows unmatched that could otherwise have a partner. */
static enum err explain(struct ctx *c)
{
	struct match_result *res = c->res;
	unsigned char *in_z = NULL;
	enum err rc = E_OK;
	int n_capped = 0;
	bool any_free = false;
	for (int r = 0; r < c->nr; r++) {
		res->reason[r] = res->col_of_row[r] >= 0 ? MATCH_MATCHED : MATCH_UNMATCHED_NO_PLACE;
		any_free = any_free || res->col_of_row[r] < 0;
	}
	if (!any_free)
		return E_OK;
	if (c->caps) {
		rc = alloc_bytes(&in_z, (size_t)c->nr);
		if (rc != E_OK)
			goto done;
		rc = rows_blocked_by_caps(c, in_z);
		if (rc != E_OK)
			goto done;
	}
	for (int a = 0; a < c->n_ar; a++) {
		int r = c->ar[a];
		if (res->col_of_row[r] >= 0)
			continue;
		if (in_z != NULL && in_z[r]) {
			res->reason[r] = MATCH_UNMATCHED_CAP;
			n_capped++;
			continue;
		}
		/* Every active column forbidden for r?  Count the distinct ones. */
		int n_forbidden = 0;
		for (int k = c->fr_start[r]; k < c->fr_start[r + 1]; k++) {
			int col = c->fr_list[k];
			if (c->lock_of_col[col] >= 0)
				continue; /* locked: not a remaining column */
			if (!c->mark_c[col]) {
				c->mark_c[col] = 1;
				n_forbidden++;
			}
		}
		mark_forbidden(c->mark_c, c->fr_start, c->fr_list, r, 0);
		if (c->n_ac > 0 && n_forbidden == c->n_ac)
			res->reason[r] = MATCH_UNMATCHED_FORBIDDEN;
	}
	if (n_capped > 0) {
		rc = cap_conflicts(c, n_capped);
		if (rc == E_OK)
			rc = E_UNPROCESSABLE;
	}
done:
	free(in_z);
	return rc;
}

/* ---- match_solve ------------------------------------------------------------ */

static enum err result_new(const struct match_problem *p, struct match_result **out)
{
	struct match_result *r = calloc(1, sizeof *r);
	if (r == NULL)
		return E_NOMEM;
	bool sizes_ok = p != NULL && p->n_rows >= 0 && p->n_rows <= MATCH_MAX_SIDE &&
			p->n_cols >= 0 && p->n_cols <= MATCH_MAX_SIDE;
	r->n_rows = sizes_ok ? p->n_rows : 0;
	r->n_cols = sizes_ok ? p->n_cols : 0;
	if (alloc_ints(&r->col_of_row, (size_t)r->n_rows, -1) != E_OK ||
	    alloc_ints(&r->row_of_col, (size_t)r->n_cols, -1) != E_OK) {
		match_result_free(r);
		return E_NOMEM;
	}
	r->reason = calloc(r->n_rows > 0 ? (size_t)r->n_rows : 1, sizeof *r->reason);
	if (r->reason == NULL) {
		match_result_free(r);
		return E_NOMEM;
	}
	for (int i = 0; i < r->n_rows; i++)
		r->reason[i] = MATCH_UNMATCHED_NO_PLACE;
	*out = r;
	return E_OK;
}

static void ctx_free(struct ctx *c)
{
	free(c->lock_of_row);
	free(c->lock_of_col);
	free(c->ar);
	free(c->ac);
	free(c->fr_start);
	free(c->fr_list);
	free(c->fc_start);
	free(c->fc_list);
	free(c->rem);
	free(c->mark_c);
	free(c->mark_r);
}

enum err match_solve(const struct match_problem *p, struct match_result **out)
{
	struct ctx c = {0};
	struct match_result *res = NULL;
	*out = NULL;
	enum err rc = result_new(p, &res);
	if (rc != E_OK)
		return rc;
	if (p == NULL) {
		rc = input_error(res, -1, "no problem");
		goto done;
	}
	rc = validate(p, res);
	if (rc != E_OK)
		goto done;
	c.p = p;
	c.res = res;
	c.nr = p->n_rows;
	c.nc = p->n_cols;
	c.ng = p->col_country != NULL ? p->n_countries : 0;
	bool flow_only = p->method == MATCH_METHOD_FLOW || p->method == MATCH_METHOD_FLOW_SOURCE;
	res->method = flow_only ? MATCH_METHOD_FLOW : MATCH_METHOD_JV;
	if ((rc = alloc_ints(&c.lock_of_row, (size_t)c.nr, -1)) != E_OK ||
	    (rc = alloc_ints(&c.lock_of_col, (size_t)c.nc, -1)) != E_OK)
		goto done;
	bool conflicting = false;
	rc = check_locks(&c, &conflicting);
	if (rc != E_OK)
		goto done;
	if (conflicting) {
		rc = E_UNPROCESSABLE;
		goto done;
	}
	rc = prepare(&c);
	if (rc != E_OK)
		goto done;
	if (c.caps && p->method == MATCH_METHOD_JV) {
		rc = input_error(res, -1,
				 "a country cap binds: the augmenting-path method cannot "
				 "honour it");
		goto done;
	}
	res->has_assignment = true;
	bool complete = false;
	if (!c.caps && !flow_only) {
		rc = lap_solve(&c, &complete);
		if (rc != E_OK)
			goto done;
	}
	if (!complete) {
		res->method = MATCH_METHOD_FLOW;
		/* Without caps the augmenting paths ran first, so here a row is
		 * known to fail: skip the row-by-row attempt. */
		bool lap_failed = !flow_only && !c.caps;
		rc = flow_solve(&c, lap_failed || p->method == MATCH_METHOD_FLOW_SOURCE);
		if (rc != E_OK)
			goto done;
	}
	res->n_matched = 0;
	res->total = 0;
	for (int r = 0; r < c.nr; r++) {
		if (res->col_of_row[r] >= 0) {
			res->n_matched++;
			res->total += score_at(&c, r, res->col_of_row[r]);
		}
	}
	rc = explain(&c);
done:
	ctx_free(&c);
	if (rc == E_NOMEM) {
		match_result_free(res);
		return rc;
	}
	if (!res->has_assignment) {
		for (int r = 0; r < res->n_rows; r++)
			res->col_of_row[r] = -1;
		for (int col = 0; col < res->n_cols; col++)
			res->row_of_col[col] = -1;
		res->n_matched = 0;
		res->total = 0;
	}
	*out = res;
	return rc;
}

/* ---- Stable mode ---------------------------------------------------------- */

static enum err prefs_check(const struct match_prefs *pr)
{
	if (pr == NULL || pr->n_rows < 0 || pr->n_rows > MATCH_MAX_SIDE || pr->n_cols < 0 ||
	    pr->n_cols > MATCH_MAX_SIDE)
		return E_INVALID;
	size_t cells = (size_t)pr->n_rows * (size_t)pr->n_cols;
	if (cells > 0 && (pr->row_rank == NULL || pr->col_rank == NULL))
		return E_INVALID;
	for (size_t k = 0; k < cells; k++)
		if (pr->row_rank[k] < 0 || pr->col_rank[k] < 0)
			return E_INVALID;
	return E_OK;
}

/* How much row i likes column j: lower is better; an unacceptable partner
 * is worse than none (INT_MAX - 1), which is worse than any ranked one. */
static int row_value(const struct match_prefs *pr, int i, int j)
{
	if (j < 0)
		return INT_MAX - 1;
	int rank = pr->row_rank[(size_t)i * (size_t)pr->n_cols + (size_t)j];
	return rank > 0 ? rank : INT_MAX;
}

static int col_value(const struct match_prefs *pr, int j, int i)
{
	if (i < 0)
		return INT_MAX - 1;
	int rank = pr->col_rank[(size_t)j * (size_t)pr->n_rows + (size_t)i];
	return rank > 0 ? rank : INT_MAX;
}

/* qsort context is not portable, so the row being sorted sits in a struct
 * next to the index array: each key carries its own rank. */
struct ranked {
	int rank; /* the rank the proposing row gives this column */
	int col;  /* the column */
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

enum err match_stable(const struct match_prefs *pr, int *col_of_row)
{
	enum err rc = prefs_check(pr);
	if (rc != E_OK)
		return rc;
	int n = pr->n_rows, m = pr->n_cols;
	struct ranked *lists = NULL;
	int *start = NULL, *next = NULL, *row_of_col = NULL, *queue = NULL;
	size_t cells = (size_t)n * (size_t)m;
	lists = malloc((cells > 0 ? cells : 1) * sizeof *lists);
	if (lists == NULL) {
		rc = E_NOMEM;
		goto done;
	}
	if ((rc = alloc_ints(&start, (size_t)n + 1, 0)) != E_OK ||
	    (rc = alloc_ints(&next, (size_t)n, 0)) != E_OK ||
	    (rc = alloc_ints(&row_of_col, (size_t)m, -1)) != E_OK ||
	    (rc = alloc_ints(&queue, (size_t)n, 0)) != E_OK)
		goto done;
	/* Each row's acceptable columns, best first (ties: lower index). */
	size_t fill = 0;
	for (int i = 0; i < n; i++) {
		start[i] = (int)fill;
		for (int j = 0; j < m; j++) {
			int rank = pr->row_rank[(size_t)i * (size_t)m + (size_t)j];
			if (rank > 0)
				lists[fill++] = (struct ranked){rank, j};
		}
		qsort(lists + start[i], fill - (size_t)start[i], sizeof *lists, ranked_cmp);
		next[i] = start[i];
		col_of_row[i] = -1;
	}
	start[n] = (int)fill;
	/* Free rows propose in turn; a column holds the best proposal so far
	 * (ties: the lower row index) and releases the row it drops. */
	int head = 0, count = 0;
	for (int i = 0; i < n; i++)
		queue[count++] = i;
	while (count > 0) {
		int i = queue[head];
		head = (head + 1) % (n > 0 ? n : 1);
		count--;
		while (next[i] < start[i + 1]) {
			int j = lists[next[i]++].col;
			if (col_value(pr, j, i) == INT_MAX)
				continue; /* j does not accept i */
			int held = row_of_col[j];
			if (held >= 0) {
				int vi = col_value(pr, j, i), vh = col_value(pr, j, held);
				if (vh < vi || (vh == vi && held < i))
					continue; /* rejected */
				col_of_row[held] = -1;
				queue[(head + count) % n] = held;
				count++;
			}
			row_of_col[j] = i;
			col_of_row[i] = j;
			break;
		}
	}
	rc = E_OK;
done:
	free(lists);
	free(start);
	free(next);
	free(row_of_col);
	free(queue);
	return rc;
}

enum err match_blocking_pairs(const struct match_prefs *pr, const int *col_of_row,
			      struct match_pair **pairs, int *n_pairs)
{
	*pairs = NULL;
	*n_pairs = 0;
	enum err rc = prefs_check(pr);
	if (rc != E_OK)
		return rc;
	int n = pr->n_rows, m = pr->n_cols;
	int *row_of_col = NULL;
	struct match_pair *list = NULL;
	int count = 0, cap = 0;
	rc = alloc_ints(&row_of_col, (size_t)m, -1);
	if (rc != E_OK)
		goto done;
	for (int i = 0; i < n; i++) {
		int j = col_of_row[i];
		if (j < -1 || j >= m || (j >= 0 && row_of_col[j] >= 0)) {
			rc = E_INVALID;
			goto done;
		}
		if (j >= 0)
			row_of_col[j] = i;
	}
	for (int i = 0; i < n; i++) {
		int own = row_value(pr, i, col_of_row[i]);
		for (int j = 0; j < m; j++) {
			if (j == col_of_row[i])
				continue;
			int vi = row_value(pr, i, j), vj = col_value(pr, j, i);
			if (vi == INT_MAX || vj == INT_MAX || vi >= own ||
			    vj >= col_value(pr, j, row_of_col[j]))
				continue;
			if (count == cap) {
				cap = cap > 0 ? cap * 2 : 16;
				struct match_pair *grown =
				    realloc(list, (size_t)cap * sizeof *grown);
				if (grown == NULL) {
					rc = E_NOMEM;
					goto done;
				}
				list = grown;
			}
			list[count++] = (struct match_pair){i, j};
		}
	}
	*pairs = list;
	*n_pairs = count;
	list = NULL;
	rc = E_OK;
done:
	free(row_of_col);
	free(list);
	return rc;
}

void match_pairs_free(struct match_pair *pairs)
{
	free(pairs);
}
