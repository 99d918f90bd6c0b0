/*
 * matchmaker.c - see matchmaker.h.
 */
#include "matchmaker.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* What Swedish municipalities and regions work in. */
static const char *const swedish_langs[] = {"sv", "en"};

void mm_weights_parse(const char *json, struct score_weights *w)
{
	score_default_weights(w);
	if (json == NULL)
		return;
	json_t *j = json_loads(json, 0, NULL);
	for (int c = 0; c < SCORE__COUNT; c++) {
		json_t *v = json_object_get(j, score_criterion_code(c));
		if (json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) <= 100)
			w->w[c] = json_number_value(v);
	}
	json_decref(j);
}

int mm_row_of(const struct matchmaker *m, int64_t registration_id)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].registration_id == registration_id)
			return (int)i;
	return -1;
}

int mm_col_of(const struct matchmaker *m, int64_t declaration_id)
{
	for (size_t j = 0; j < m->ncols; j++)
		if (m->cols[j]->declaration_id == declaration_id)
			return (int)j;
	return -1;
}

/* The score's view of a Swedish participant. */
static void swedish_facts(struct arena *a, const struct mq_swedish *r, struct score_swedish *s)
{
	memset(s, 0, sizeof *s);
	s->population = r->population;
	if (r->theme_id > 0)
		s->themes[s->nthemes++] = r->theme_id;
	for (size_t k = 0; k < r->ncountries && k < SCORE_MAX_COUNTRIES; k++)
		s->countries[s->ncountries++] = r->countries[k];
	for (size_t k = 0; k < sizeof swedish_langs / sizeof swedish_langs[0]; k++)
		s->langs[s->nlangs++] = swedish_langs[k];
	if (r->partner_in_mind != NULL) {
		struct buf b;
		buf_init(&b, 4096);
		str_fold(&b, r->partner_in_mind, strlen(r->partner_in_mind));
		s->partner_in_mind = arena_strdup(a, buf_str(&b));
		buf_free(&b);
	}
}

static void intl_facts(const struct mq_intl *d, struct score_intl *i)
{
	memset(i, 0, sizeof *i);
	i->country = d->country;
	i->name_folded = d->name_folded;
	i->population = d->population;
	for (size_t k = 0; k < d->nthemes && k < SCORE_MAX_THEMES; k++)
		i->themes[i->nthemes++] = d->themes[k];
	for (size_t k = 0; k < d->nlangs && k < SCORE_MAX_LANGS; k++)
		i->langs[i->nlangs++] = d->langs[k];
}

/* Finds the rank a side gave a pair among the recorded rankings. */
static void apply_rankings(struct matchmaker *m, const struct mq_pair *rk, size_t n)
{
	bool *row_ranked = calloc(m->nrows + 1, 1);
	bool *col_ranked = calloc(m->ncols + 1, 1);
	for (size_t k = 0; k < n; k++) {
		int i = mm_row_of(m, rk[k].registration_id);
		int j = mm_col_of(m, rk[k].declaration_id);
		if (i < 0 || j < 0 || rk[k].kind == NULL)
			continue;
		if (strcmp(rk[k].kind, "swedish") == 0) {
			m->row_rank[(size_t)i * m->ncols + (size_t)j] = rk[k].rank;
			if (row_ranked != NULL)
				row_ranked[i] = true;
		} else {
			m->col_rank[(size_t)j * m->nrows + (size_t)i] = rk[k].rank;
			if (col_ranked != NULL)
				col_ranked[j] = true;
		}
	}
	m->ranked = m->nrows > 0 && m->ncols > 0 && row_ranked != NULL && col_ranked != NULL;
	for (size_t i = 0; m->ranked && i < m->nrows; i++)
		m->ranked = row_ranked[i];
	for (size_t j = 0; m->ranked && j < m->ncols; j++)
		m->ranked = col_ranked[j];
	free(row_ranked);
	free(col_ranked);
}

enum err mm_load(struct db *db, struct arena *a, int64_t network, struct matchmaker *m)
{
	memset(m, 0, sizeof *m);
	m->network_id = network;
	const char *weights_json;
	enum err rc = db_match_settings(db, a, network, &weights_json, &m->cap, &m->settings_version);
	if (rc != E_OK)
		return rc;
	mm_weights_parse(weights_json, &m->weights);
	struct mq_intl *all;
	size_t nall;
	if ((rc = db_match_swedish(db, a, network, &m->rows, &m->nrows)) != E_OK ||
	    (rc = db_match_intl(db, a, network, &all, &nall)) != E_OK)
		return rc;
	m->cols = arena_alloc(a, (nall + 1) * sizeof *m->cols);
	m->excluded = arena_alloc(a, (nall + 1) * sizeof *m->excluded);
	for (size_t k = 0; k < nall; k++) {
		if (all[k].in_network)
			m->cols[m->ncols++] = &all[k];
		else
			m->excluded[m->nexcluded++] = &all[k];
	}
	size_t cells = m->nrows * m->ncols;
	m->scores = arena_zalloc(a, (cells + 1) * sizeof *m->scores);
	m->parts = arena_zalloc(a, (cells * SCORE__COUNT + 1) * sizeof *m->parts);
	m->row_rank = arena_zalloc(a, (cells + 1) * sizeof *m->row_rank);
	m->col_rank = arena_zalloc(a, (cells + 1) * sizeof *m->col_rank);

	/* Countries of the columns, for the cap. */
	m->col_country = arena_alloc(a, (m->ncols + 1) * sizeof *m->col_country);
	m->countries = arena_alloc(a, (m->ncols + 1) * sizeof *m->countries);
	m->country_cap = arena_alloc(a, (m->ncols + 1) * sizeof *m->country_cap);
	for (size_t j = 0; j < m->ncols; j++) {
		int c = 0;
		while (c < m->ncountries && strcmp(m->countries[c], m->cols[j]->country) != 0)
			c++;
		if (c == m->ncountries) {
			m->countries[c] = m->cols[j]->country;
			m->country_cap[c] = m->cap > 0 ? (int)m->cap : -1;
			m->ncountries++;
		}
		m->col_country[j] = c;
	}

	struct mq_pair *pairs;
	size_t npairs;
	if ((rc = db_match_rankings(db, a, network, &pairs, &npairs)) != E_OK)
		return rc;
	apply_rankings(m, pairs, npairs);
	struct mq_pair *contacts;
	size_t ncontacts;
	if ((rc = db_match_contacts(db, a, network, &contacts, &ncontacts)) != E_OK)
		return rc;

	for (size_t i = 0; i < m->nrows; i++) {
		struct score_swedish s;
		swedish_facts(a, &m->rows[i], &s);
		for (size_t j = 0; j < m->ncols; j++) {
			struct score_intl d;
			intl_facts(m->cols[j], &d);
			struct score_pair_facts f = {
				.rank_by_swedish = m->row_rank[i * m->ncols + j],
				.rank_by_intl = m->col_rank[j * m->nrows + i],
			};
			for (size_t k = 0; k < ncontacts; k++)
				f.contacted = f.contacted ||
					      (contacts[k].registration_id == m->rows[i].registration_id &&
					       contacts[k].declaration_id == m->cols[j]->declaration_id);
			m->scores[i * m->ncols + j] = score_pair(
				&s, &d, &f, &m->weights, &m->parts[(i * m->ncols + j) * SCORE__COUNT]);
		}
	}

	if ((rc = db_match_constraints(db, a, network, &pairs, &npairs)) != E_OK)
		return rc;
	m->locked = arena_alloc(a, (npairs + 1) * sizeof *m->locked);
	m->forbidden = arena_alloc(a, (npairs + 1) * sizeof *m->forbidden);
	for (size_t k = 0; k < npairs; k++) {
		int i = mm_row_of(m, pairs[k].registration_id);
		int j = mm_col_of(m, pairs[k].declaration_id);
		if (i < 0 || j < 0 || pairs[k].kind == NULL)
			continue; /* a party no longer in the network */
		struct match_pair p = {i, j};
		if (strcmp(pairs[k].kind, "lock") == 0)
			m->locked[m->nlocked++] = p;
		else
			m->forbidden[m->nforbidden++] = p;
	}
	return E_OK;
}

void mm_problem(const struct matchmaker *m, struct match_problem *p)
{
	memset(p, 0, sizeof *p);
	p->n_rows = (int)m->nrows;
	p->n_cols = (int)m->ncols;
	p->scores = m->scores;
	p->col_country = m->col_country;
	p->n_countries = m->ncountries;
	p->country_cap = m->cap > 0 ? m->country_cap : NULL;
	p->locked = m->locked;
	p->n_locked = m->nlocked;
	p->forbidden = m->forbidden;
	p->n_forbidden = m->nforbidden;
}
