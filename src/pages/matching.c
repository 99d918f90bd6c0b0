/*
 * matching.c - see matching.h.
 *
 * The proposal is computed afresh on every view from the stored settings,
 * constraints and rankings, so each what-if edit (a POST that changes one
 * of them, then back to the page) shows its effect at once; "Save this
 * proposal" stores a run with who made it, and only a saved run can be
 * confirmed.  Contact details of either side never appear on the page:
 * they are mailed only when both sides agree to be introduced.
 */
#include "pages/matching.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "db/q_matching.h"
#include "domain/interest.h"
#include "matchmaker.h"
#include "pages/account.h"
#include "pages/common.h"
#include "util/jsonmem.h"
#include "util/log.h"
#include "util/str.h"
#include "view/fmt.h"
#include "view/i18n.h"

#define MATCH_MAX_CELLS 40000 /* the page shows at most a 200 x 200 table */

struct net {
	int64_t id;	    /* the network */
	const char *slug;   /* from the URL */
	const char *name;   /* in the page's language */
	const char *name_sv, *name_en; /* in each, for mail in the reader's language */
	const char *status; /* its status code */
};

/* The network named by {slug}, if the actor may triage it. */
static enum err load_net(struct req *req, struct resp *resp, struct net *n)
{
	const char *sv, *en;
	n->slug = req_param(req, "slug");
	enum err rc = db_match_network(req->db, req->arena, n->slug, &n->id, &sv, &en, &n->status);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no network with this name."));
	if (rc != E_OK)
		return rc;
	n->name = strcmp(req->lang, "en") == 0 ? en : sv;
	n->name_sv = sv;
	n->name_en = en;
	return pages_require(req, resp, ACT_TRIAGE, n->id);
}

/* Words for a partnership's status and a side's answer. */
static const char *partnership_label(const char *code)
{
	if (code == NULL)
		return _("waiting for an answer");
	if (strcmp(code, "proposed") == 0)
		return _("proposed, waiting for both sides");
	if (strcmp(code, "introduced") == 0)
		return _("introduced");
	if (strcmp(code, "declined") == 0)
		return _("declined");
	if (strcmp(code, "accepted") == 0)
		return _("agreed to be introduced");
	return code;
}

static const char *mode_label(const char *mode)
{
	return strcmp(mode, "stable") == 0 ? _("stable (from the rankings)")
					   : _("optimal (highest total score)");
}

static const char *score_text(struct req *req, double v)
{
	return fmt_decimal(req->arena, req->lang, v, 1);
}

/* A proposal: the solver's answer, or the stable one from rankings. */
struct proposal {
	struct match_result *res; /* optimal mode */
	int *stable;		  /* stable mode: column per row */
	bool is_stable;		  /* which */
	int *col_of_row;	  /* the answer either way */
	double total;		  /* sum of the scores of the pairs */
	enum err rc;		  /* the solver's verdict */
	struct match_pair *blocking; /* pairs that would rather be together */
	int nblocking;		  /* how many */
};

static void proposal_free(struct proposal *p)
{
	match_result_free(p->res);
	free(p->stable);
	match_pairs_free(p->blocking);
}

static void propose(const struct matchmaker *m, bool stable, struct proposal *p)
{
	memset(p, 0, sizeof *p);
	struct match_prefs prefs = {(int)m->nrows, (int)m->ncols, m->row_rank, m->col_rank};
	if (stable && m->ranked) {
		/* Forbidden pairs are unacceptable; locks do not apply here. */
		int *rr = calloc(m->nrows * m->ncols + 1, sizeof *rr);
		int *cr = calloc(m->nrows * m->ncols + 1, sizeof *cr);
		p->stable = calloc(m->nrows + 1, sizeof *p->stable);
		if (rr == NULL || cr == NULL || p->stable == NULL) {
			free(rr);
			free(cr);
			p->rc = E_NOMEM;
			return;
		}
		memcpy(rr, m->row_rank, m->nrows * m->ncols * sizeof *rr);
		memcpy(cr, m->col_rank, m->nrows * m->ncols * sizeof *cr);
		for (int k = 0; k < m->nforbidden; k++) {
			rr[(size_t)m->forbidden[k].row * m->ncols + (size_t)m->forbidden[k].col] = 0;
			cr[(size_t)m->forbidden[k].col * m->nrows + (size_t)m->forbidden[k].row] = 0;
		}
		struct match_prefs sp = {(int)m->nrows, (int)m->ncols, rr, cr};
		p->rc = match_stable(&sp, p->stable);
		free(rr);
		free(cr);
		p->is_stable = true;
		p->col_of_row = p->stable;
	} else {
		struct match_problem prob;
		mm_problem(m, &prob);
		p->rc = match_solve(&prob, &p->res);
		p->col_of_row = p->res != NULL && p->res->has_assignment ? p->res->col_of_row : NULL;
	}
	for (size_t i = 0; p->col_of_row != NULL && i < m->nrows; i++)
		if (p->col_of_row[i] >= 0)
			p->total += m->scores[i * m->ncols + (size_t)p->col_of_row[i]];
	if (p->col_of_row != NULL && m->ranked)
		(void)match_blocking_pairs(&prefs, p->col_of_row, &p->blocking, &p->nblocking);
}

static const char *theme_name(struct req *req, const struct code_name *themes, size_t n, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	for (size_t k = 0; k < n; k++)
		if (strcmp(themes[k].code, key) == 0)
			return strcmp(req->lang, "en") == 0 ? themes[k].name : themes[k].name_sv;
	return "?";
}

/* The reasons of a pair in words, strongest first. */
static json_t *reasons(struct req *req, const struct matchmaker *m, size_t i, size_t j,
		       const struct code_name *themes, size_t nthemes)
{
	const struct score_part *parts = &m->parts[(i * m->ncols + j) * SCORE__COUNT];
	int order[SCORE__COUNT];
	for (int c = 0; c < SCORE__COUNT; c++)
		order[c] = c;
	for (int a = 0; a < SCORE__COUNT; a++)
		for (int b = a + 1; b < SCORE__COUNT; b++)
			if (parts[order[b]].points > parts[order[a]].points) {
				int t = order[a];
				order[a] = order[b];
				order[b] = t;
			}
	const struct mq_swedish *s = &m->rows[i];
	const struct mq_intl *d = m->cols[j];
	bool en = strcmp(req->lang, "en") == 0;
	json_t *list = json_array();
	for (int k = 0; k < SCORE__COUNT; k++) {
		const struct score_part *p = &parts[order[k]];
		if (p->points <= 0)
			continue;
		const char *text = NULL;
		switch (p->criterion) {
		case SCORE_TOPIC: {
			struct buf b;
			buf_init(&b, 1024);
			for (size_t t = 0; t < p->nshared; t++) {
				if (t > 0)
					buf_puts(&b, ", ");
				buf_puts(&b, theme_name(req, themes, nthemes, p->shared[t]));
			}
			text = arena_printf(req->arena, _("both work on %s"), buf_str(&b));
			buf_free(&b);
			break;
		}
		case SCORE_COUNTRY:
			text = arena_printf(req->arena, _("%s prefers %s"), s->name,
					    en ? d->country_en : d->country_sv);
			break;
		case SCORE_POPULATION:
			text = arena_printf(req->arena, _("similar size (%s and %s)"),
					    fmt_int(req->arena, req->lang, s->population),
					    fmt_int(req->arena, req->lang, d->population));
			break;
		case SCORE_LANGUAGE: {
			const struct work_lang *wl = work_lang_find(p->shared_lang);
			text = arena_printf(req->arena, _("both work in %s"),
					    wl != NULL ? _(wl->name) : p->shared_lang);
			break;
		}
		case SCORE_PREFERENCE:
			text = arena_printf(req->arena, _("ranked by the sides (%d and %d)"),
					    m->row_rank[i * m->ncols + j], m->col_rank[j * m->nrows + i]);
			break;
		case SCORE_CONTACT:
			text = _("an earlier contact or the partner in mind");
			break;
		default:
			break;
		}
		if (text != NULL)
			json_array_append_new(list, json_string(text));
	}
	return list;
}

static const char *reason_text(enum match_reason r)
{
	switch (r) {
	case MATCH_UNMATCHED_NO_PLACE: return _("no places left");
	case MATCH_UNMATCHED_FORBIDDEN: return _("every remaining pair is forbidden");
	case MATCH_UNMATCHED_CAP: return _("the cap of partnerships per country");
	default: return "";
	}
}

static const char *conflict_text(struct req *req, const struct matchmaker *m,
				 const struct match_conflict *c)
{
	const char *country = c->country >= 0 && c->country < m->ncountries ? m->countries[c->country] : "?";
	switch (c->kind) {
	case MATCH_CONFLICT_ROW_LOCKED_TWICE:
		return arena_printf(req->arena, _("%s is locked to two partners"),
				    m->rows[m->locked[c->a].row].name);
	case MATCH_CONFLICT_COL_LOCKED_TWICE:
		return arena_printf(req->arena, _("%s is locked to two partners"),
				    m->cols[m->locked[c->a].col]->name);
	case MATCH_CONFLICT_LOCK_FORBIDDEN:
		return arena_printf(req->arena, _("%s and %s are both locked and forbidden"),
				    m->rows[m->locked[c->a].row].name, m->cols[m->locked[c->a].col]->name);
	case MATCH_CONFLICT_LOCKS_OVER_CAP:
		return arena_printf(req->arena, _("%d locks in %s, more than the cap of %d"), c->count,
				    country, c->cap);
	case MATCH_CONFLICT_CAP_UNMATCHABLE:
		return arena_printf(req->arena,
				    _("the cap of %d in %s leaves %d participants without a partner"),
				    c->cap, country, c->count);
	default:
		return c->what != NULL ? c->what : "";
	}
}

/* Whether the pair is locked or forbidden: 'l', 'f' or 0. */
static char constraint_of(const struct matchmaker *m, size_t i, size_t j)
{
	for (int k = 0; k < m->nlocked; k++)
		if ((size_t)m->locked[k].row == i && (size_t)m->locked[k].col == j)
			return 'l';
	for (int k = 0; k < m->nforbidden; k++)
		if ((size_t)m->forbidden[k].row == i && (size_t)m->forbidden[k].col == j)
			return 'f';
	return 0;
}

/* The proposal as JSON: pairs with scores and reasons, unmatched with
 * reasons, conflicts, blocking pairs, total. */
static json_t *proposal_json(struct req *req, const struct matchmaker *m, const struct proposal *p,
			     bool with_reasons)
{
	struct code_name *themes = NULL;
	size_t nthemes = 0;
	if (with_reasons)
		(void)db_match_themes(req->db, req->arena, &themes, &nthemes);
	json_t *pairs = json_array(), *unmatched = json_array(), *conflicts = json_array(),
	       *blocking = json_array();
	for (size_t i = 0; i < m->nrows; i++) {
		int j = p->col_of_row != NULL ? p->col_of_row[i] : -1;
		if (j >= 0) {
			json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:f, s:s, s:b}", "registration_id",
					      (json_int_t)m->rows[i].registration_id, "declaration_id",
					      (json_int_t)m->cols[j]->declaration_id, "swedish",
					      m->rows[i].name, "international", m->cols[j]->name, "score",
					      m->scores[i * m->ncols + (size_t)j], "score_text",
					      score_text(req, m->scores[i * m->ncols + (size_t)j]),
					      "locked", constraint_of(m, i, (size_t)j) == 'l');
			if (with_reasons)
				json_object_set_new(o, "reasons", reasons(req, m, i, (size_t)j, themes, nthemes));
			json_array_append_new(pairs, o);
		} else if (p->col_of_row != NULL) {
			enum match_reason r = p->res != NULL ? p->res->reason[i] : MATCH_UNMATCHED_NO_PLACE;
			json_array_append_new(unmatched,
					      json_pack("{s:I, s:s, s:s}", "registration_id",
							(json_int_t)m->rows[i].registration_id, "name",
							m->rows[i].name, "reason", reason_text(r)));
		}
	}
	for (int k = 0; p->res != NULL && k < p->res->n_conflicts; k++)
		json_array_append_new(conflicts,
				      json_string(conflict_text(req, m, &p->res->conflicts[k])));
	for (int k = 0; k < p->nblocking; k++)
		json_array_append_new(blocking,
				      json_pack("{s:s, s:s}", "swedish", m->rows[p->blocking[k].row].name,
						"international", m->cols[p->blocking[k].col]->name));
	bool has_unmatched = json_array_size(unmatched) > 0;
	return json_pack("{s:s, s:f, s:s, s:o, s:o, s:b, s:o, s:o, s:b, s:b}", "mode",
			 p->is_stable ? "stable" : "optimal", "total", p->total, "total_text",
			 score_text(req, p->total), "pairs", pairs, "unmatched", unmatched,
			 "has_unmatched", has_unmatched, "conflicts", conflicts, "blocking", blocking,
			 "has_conflicts", json_array_size(conflicts) > 0, "has_blocking",
			 json_array_size(blocking) > 0);
}

/*
 * GET /networks/{slug}/matching?mode=optimal|stable
 * Staff and the network's project coordinator (triage).  The score table
 * with a colour scale, the proposal with each pair's reasons, unmatched
 * participants with the reason, conflicts between constraints, blocking
 * pairs when both sides ranked, the settings, the runs and the
 * partnerships.  404 for an unknown network; 400 for a bad mode.
 */
static enum err show(struct req *req, struct resp *resp, const struct net *np, const char *mode,
		     json_t *errors);

enum err matching_show(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	const char *mode = pages_query(req, "mode");
	if (mode != NULL && strcmp(mode, "optimal") != 0 && strcmp(mode, "stable") != 0) {
		resp_field_error(resp, "mode", _("must be optimal or stable"));
		return E_INVALID;
	}
	return show(req, resp, &n, mode, NULL);
}

/* The page; with errors (stolen) the page again with them, status 422. */
static enum err show(struct req *req, struct resp *resp, const struct net *np, const char *mode,
		     json_t *errors)
{
	struct net n = *np;
	enum err rc;
	struct matchmaker m;
	if ((rc = mm_load(req->db, req->arena, n.id, &m)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (m.nrows * m.ncols > MATCH_MAX_CELLS) {
		json_decref(errors);
		return resp_error(resp, E_UNPROCESSABLE,
				  _("This network has too many candidates to show; use natverk match."));
	}
	bool stable = mode != NULL && strcmp(mode, "stable") == 0 && m.ranked;
	struct proposal p;
	propose(&m, stable, &p);
	if (p.rc == E_NOMEM || p.rc == E_INVALID) {
		proposal_free(&p);
		json_decref(errors);
		return p.rc == E_NOMEM ? E_NOMEM : E_INTERNAL;
	}
	json_t *model = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)n.id, "slug", n.slug,
				  "name", n.name, "status", n.status);
	json_object_set_new(model, "proposal", proposal_json(req, &m, &p, true));

	/* The score table, coloured by fifths of the best score. */
	double best = 0;
	for (size_t k = 0; k < m.nrows * m.ncols; k++)
		best = fmax(best, m.scores[k]);
	json_t *cols = json_array(), *table = json_array();
	bool en = strcmp(req->lang, "en") == 0;
	for (size_t j = 0; j < m.ncols; j++)
		json_array_append_new(cols, json_pack("{s:I, s:s, s:s}", "declaration_id",
						      (json_int_t)m.cols[j]->declaration_id, "name",
						      m.cols[j]->name, "country",
						      en ? m.cols[j]->country_en : m.cols[j]->country_sv));
	for (size_t i = 0; i < m.nrows; i++) {
		json_t *cells = json_array();
		for (size_t j = 0; j < m.ncols; j++) {
			double v = m.scores[i * m.ncols + j];
			char c = constraint_of(&m, i, j);
			json_array_append_new(
				cells, json_pack("{s:s, s:i, s:b, s:b, s:b, s:I, s:I, s:i, s:i}", "score",
						 score_text(req, v), "level",
						 best > 0 ? (int)fmin(4, floor(5 * v / best)) : 0,
						 "locked", c == 'l', "forbidden", c == 'f', "proposed",
						 p.col_of_row != NULL && p.col_of_row[i] == (int)j,
						 "registration_id", (json_int_t)m.rows[i].registration_id,
						 "declaration_id", (json_int_t)m.cols[j]->declaration_id,
						 "rank_swedish", m.row_rank[i * m.ncols + j], "rank_intl",
						 m.col_rank[j * m.nrows + i]));
		}
		json_array_append_new(table, json_pack("{s:I, s:s, s:o}", "registration_id",
						       (json_int_t)m.rows[i].registration_id, "name",
						       m.rows[i].name, "cells", cells));
	}
	json_t *excluded = json_array();
	for (size_t k = 0; k < m.nexcluded; k++)
		json_array_append_new(excluded, json_pack("{s:s, s:s}", "name", m.excluded[k]->name,
							  "country", en ? m.excluded[k]->country_en
									: m.excluded[k]->country_sv));
	json_t *weights = json_array();
	for (int c = 0; c < SCORE__COUNT; c++)
		json_array_append_new(weights, json_pack("{s:s, s:s, s:s, s:O?}", "code",
							 score_criterion_code(c), "label",
							 _(score_criterion_name(c)), "value",
							 arena_printf(req->arena, "%g", m.weights.w[c]), "error",
							 json_object_get(errors, score_criterion_code(c))));
	struct mq_run *runs;
	size_t nruns;
	json_t *run_list = json_array();
	bool confirmed = false;
	if ((rc = db_match_runs(req->db, req->arena, n.id, &runs, &nruns)) == E_OK)
		for (size_t k = 0; k < nruns; k++) {
			confirmed = confirmed || runs[k].confirmed_at != NULL;
			json_array_append_new(
				run_list, json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:s}", "id",
						    (json_int_t)runs[k].id, "run_at", runs[k].run_at, "run_by",
						    pages_str(runs[k].run_by_name), "mode", runs[k].mode,
						    "mode_label", mode_label(runs[k].mode),
						    "total_text", score_text(req, runs[k].total),
						    "confirmed_at", pages_str(runs[k].confirmed_at), "confirm_url",
						    arena_printf(req->arena, "/networks/%s/matching/runs/%lld/confirm",
								 n.slug, (long long)runs[k].id)));
		}
	struct mq_partnership *ps;
	size_t nps = 0;
	json_t *partnerships = json_array();
	if (rc == E_OK && (rc = db_partnerships_of(req->db, req->arena, n.id, &ps, &nps)) == E_OK)
		for (size_t k = 0; k < nps; k++)
			json_array_append_new(partnerships,
					      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
							(json_int_t)ps[k].id, "swedish", ps[k].swedish_name,
							"international", ps[k].international_name, "status",
							ps[k].status, "status_label", partnership_label(ps[k].status),
							"swedish_answer", partnership_label(ps[k].swedish_answer),
							"international_answer",
							partnership_label(ps[k].international_answer)));
	int64_t lost_reg = 0, lost_decl = 0;
	if (rc == E_OK)
		rc = db_match_without_contact(req->db, n.id, &lost_reg, &lost_decl);
	proposal_free(&p);
	if (rc != E_OK) {
		json_decref(model);
		json_decref(cols);
		json_decref(table);
		json_decref(excluded);
		json_decref(weights);
		json_decref(run_list);
		json_decref(partnerships);
		json_decref(errors);
		return rc;
	}
	json_object_set_new(model, "columns", cols);
	json_object_set_new(model, "rows", table);
	json_object_set_new(model, "excluded", excluded);
	json_object_set_new(model, "weights", weights);
	json_object_set_new(model, "cap", m.cap > 0 ? json_integer(m.cap) : json_null());
	json_object_set_new(model, "settings_version", json_integer(m.settings_version));
	json_object_set_new(model, "without_contact", json_integer(lost_reg + lost_decl));
	json_object_set_new(model, "ranked", json_boolean(m.ranked));
	json_object_set_new(model, "runs", run_list);
	json_object_set_new(model, "confirmed", json_boolean(confirmed));
	json_object_set_new(model, "has_partnerships", json_boolean(json_array_size(partnerships) > 0));
	json_object_set_new(model, "partnerships", partnerships);
	resp_page(resp, "matching/show", model);
	resp->no_store = true;
	if (!req->wants_json) {
		resp->view = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:s}", "csrf", pages_csrf(req, resp),
				       "cap_text", m.cap > 0 ? arena_printf(req->arena, "%lld", (long long)m.cap) : "",
				       "has_rows", m.nrows > 0 && m.ncols > 0, "has_excluded", m.nexcluded > 0,
				       "stable", stable, "has_runs", nruns > 0, "settings_version",
				       arena_printf(req->arena, "%lld", (long long)m.settings_version),
				       "base", arena_printf(req->arena, "/networks/%s/matching", n.slug));
		if (errors != NULL) {
			pages_form_errors(resp->view, errors);
			resp->status = 422;
		} else {
			pages_form_ok(resp->view);
		}
	} else if (errors != NULL) {
		return pages_form_invalid(req, resp, "matching/show", NULL, errors);
	}
	return E_OK;
}

/* A what-if form with errors: the page again with them (or 422 JSON). */
static enum err invalid(struct req *req, struct resp *resp, const struct net *n, json_t *errors)
{
	return show(req, resp, n, NULL, errors);
}

/*
 * Ends an edit of the matching begun with account_begin: when the write
 * (rc) went well, the audit row (before and after are stolen) and the
 * commit, then back to the page; otherwise a rollback.
 */
static enum err finish(struct req *req, struct resp *resp, const struct net *n, enum err rc,
		       const char *action, json_t *before, json_t *after)
{
	if (rc == E_OK)
		rc = pages_audit(req, action, "network", n->id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/networks/%s/matching", n->slug));
	return E_OK;
}

/*
 * POST /networks/{slug}/matching/settings
 * Triage (CSRF).  Form: one number 0..100 per criterion (topic, country,
 * population, language, preference, contact), cap (empty or 1..100).  303
 * back; 422, the page again with the bad fields marked.
 */
enum err matching_settings(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	json_t *w = json_object(), *errors = json_object();
	for (int c = 0; c < SCORE__COUNT; c++) {
		const char *code = score_criterion_code(c);
		const char *v = req_form(req, code);
		if (v != NULL && strchr(v, ',') != NULL) {
			/* "1,5" as a Swedish user writes it. */
			char *dot = arena_strdup(req->arena, v);
			*strchr(dot, ',') = '.';
			v = dot;
		}
		char *end = NULL;
		double d = v != NULL ? strtod(v, &end) : -1;
		if (v == NULL || end == v || *end != '\0' || !(d >= 0 && d <= 100))
			json_object_set_new(errors, code,
					    json_string(arena_printf(req->arena, _("%s: enter a number from 0 to 100."),
								     _(score_criterion_name(c)))));
		else
			json_object_set_new(w, code, json_real(d));
	}
	const char *cap_text = req_form(req, "cap");
	int64_t cap = -1;
	if (cap_text != NULL && cap_text[0] != '\0' && !str_to_i64(cap_text, 1, 100, &cap))
		json_object_set_new(errors, "cap",
				    json_string(_("Leave the cap empty or enter a whole number from 1 to 100.")));
	if (json_object_size(errors) > 0) {
		json_decref(w);
		return invalid(req, resp, &n, errors);
	}
	json_decref(errors);
	const char *before_json, *after_json = jsonmem_dump(req->arena, w, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t before_cap, version;
	if ((rc = db_match_settings(req->db, req->arena, n.id, &before_json, &before_cap, &version)) != E_OK ||
	    (rc = account_begin(req)) != E_OK) {
		json_decref(w);
		return rc;
	}
	/* The version the form was made from: a concurrent save wins, and
	 * this one is shown the page again with the other's values. */
	int64_t seen = 0;
	const char *seen_text = req_form(req, "version");
	if (seen_text != NULL && !str_to_i64(seen_text, 0, INT64_MAX, &seen))
		seen = -1;
	rc = db_match_settings_set(req->db, n.id, after_json, cap, seen_text == NULL ? version : seen,
				   pages_now(req));
	if (rc == E_CONFLICT) {
		db_rollback(req->db);
		json_decref(w);
		const char *why = _("Someone saved other weights meanwhile; they are shown below. "
				    "Make your change again if it is still needed.");
		if (req->wants_json)
			return resp_error(resp, E_CONFLICT, why);
		rc = invalid(req, resp, &n, json_pack("{s:s}", "weights", why));
		resp->status = 409;
		return rc;
	}
	return finish(req, resp, &n, rc, "matching.settings",
		      json_pack("{s:s?, s:I}", "weights", before_json, "cap", (json_int_t)before_cap),
		      json_pack("{s:o, s:I}", "weights", w, "cap", (json_int_t)cap));
}

/* Reads and checks the registration and declaration of a pair form into
 * errors. */
static void read_pair(struct req *req, const struct matchmaker *m, int64_t *reg, int64_t *decl,
		      json_t *errors)
{
	if (!str_to_i64(req_form(req, "registration_id"), 1, INT64_MAX, reg) || mm_row_of(m, *reg) < 0)
		json_object_set_new(errors, "registration_id",
				    json_string(_("Choose a Swedish participant of this network.")));
	if (!str_to_i64(req_form(req, "declaration_id"), 1, INT64_MAX, decl) || mm_col_of(m, *decl) < 0)
		json_object_set_new(errors, "declaration_id",
				    json_string(_("Choose an international candidate of this network.")));
}

/*
 * POST /networks/{slug}/matching/pair
 * Triage (CSRF).  Form: registration_id, declaration_id, action (lock,
 * forbid, clear).  303 back; 422, the page again, for a pair outside the network.
 */
enum err matching_pair(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	struct matchmaker m;
	if ((rc = mm_load(req->db, req->arena, n.id, &m)) != E_OK)
		return rc;
	int64_t reg = 0, decl = 0;
	json_t *errors = json_object();
	read_pair(req, &m, &reg, &decl, errors);
	const char *action = req_form(req, "action");
	const char *kind = NULL;
	if (action != NULL && strcmp(action, "lock") == 0)
		kind = "lock";
	else if (action != NULL && strcmp(action, "forbid") == 0)
		kind = "forbid";
	else if (action == NULL || strcmp(action, "clear") != 0)
		json_object_set_new(errors, "pair-action", json_string(_("Choose lock, forbid or clear.")));
	if (json_object_size(errors) > 0)
		return invalid(req, resp, &n, errors);
	json_decref(errors);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_match_constraint_set(req->db, n.id, reg, decl, kind, req->actor->person_id,
				     pages_now(req));
	return finish(req, resp, &n, rc, "matching.constraint", NULL,
		      json_pack("{s:I, s:I, s:s}", "registration_id", (json_int_t)reg,
				"declaration_id", (json_int_t)decl, "constraint",
				kind != NULL ? kind : "none"));
}

/*
 * POST /networks/{slug}/matching/rank
 * Triage (CSRF).  Form: side (swedish, international), registration_id,
 * declaration_id, rank (0 clears; 1 = first choice).  Records a ranking a
 * side gave.  303 back; 422, the page again, for bad values.
 */
enum err matching_rank(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	struct matchmaker m;
	if ((rc = mm_load(req->db, req->arena, n.id, &m)) != E_OK)
		return rc;
	int64_t reg = 0, decl = 0, rank = 0;
	json_t *errors = json_object();
	const char *side = req_form(req, "side");
	if (side == NULL || (strcmp(side, "swedish") != 0 && strcmp(side, "international") != 0))
		json_object_set_new(errors, "rank-side", json_string(_("Choose who ranks.")));
	read_pair(req, &m, &reg, &decl, errors);
	if (!str_to_i64(req_form(req, "rank"), 0, 1000, &rank))
		json_object_set_new(errors, "rank",
				    json_string(_("Enter the rank as a whole number from 0 to 1000.")));
	if (json_object_size(errors) > 0)
		return invalid(req, resp, &n, errors);
	json_decref(errors);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_match_ranking_set(req->db, n.id, side, reg, decl, (int)rank);
	return finish(req, resp, &n, rc, "matching.ranking", NULL,
		      json_pack("{s:s, s:I, s:I, s:I}", "side", side, "registration_id",
				(json_int_t)reg, "declaration_id", (json_int_t)decl, "rank",
				(json_int_t)rank));
}

/*
 * POST /networks/{slug}/matching/runs
 * Triage (CSRF).  Form: mode (optimal, stable).  Saves the current
 * proposal as a run, with who made it and the settings it used.  303 back;
 * 422 when the constraints contradict each other (nothing to save).
 */
enum err matching_run(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	const char *mode = req_form(req, "mode");
	bool stable = mode != NULL && strcmp(mode, "stable") == 0;
	struct matchmaker m;
	if ((rc = mm_load(req->db, req->arena, n.id, &m)) != E_OK)
		return rc;
	if (stable && !m.ranked)
		return resp_error(resp, E_UNPROCESSABLE,
				  _("Both sides must rank someone before a stable proposal."));
	struct proposal p;
	propose(&m, stable, &p);
	if (p.col_of_row == NULL) {
		proposal_free(&p);
		return resp_error(resp, E_UNPROCESSABLE,
				  _("The locks and forbids contradict each other; the page lists how."));
	}
	json_t *result = proposal_json(req, &m, &p, false);
	json_t *settings = json_object();
	for (int c = 0; c < SCORE__COUNT; c++)
		json_object_set_new(settings, score_criterion_code(c), json_real(m.weights.w[c]));
	json_object_set_new(settings, "cap", json_integer(m.cap));
	json_object_set_new(settings, "locks", json_integer(m.nlocked));
	json_object_set_new(settings, "forbids", json_integer(m.nforbidden));
	int64_t id = 0;
	double total = p.total;
	proposal_free(&p);
	const char *settings_json = jsonmem_dump(req->arena, settings, JSON_COMPACT | JSON_SORT_KEYS);
	const char *result_json = jsonmem_dump(req->arena, result, JSON_COMPACT);
	json_decref(result);
	json_decref(settings);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_match_run_insert(req->db, n.id, req->actor->person_id, pages_now(req),
				 stable ? "stable" : "optimal", settings_json, result_json, total, &id);
	return finish(req, resp, &n, rc, "matching.run", NULL,
		      json_pack("{s:I, s:s, s:f}", "run", (json_int_t)id, "mode",
				stable ? "stable" : "optimal", "total", total));
}

/* Sends a side its consent link. */
static enum err ask_consent(struct req *req, int64_t partnership, const char *side,
			    const char *to, const char *name, const char *lang, const char *own,
			    const char *other, const struct net *n)
{
	const char *network = strcmp(lang, "en") == 0 ? n->name_en : n->name_sv;
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, hash);
	enum err rc = db_partnership_consent_insert(req->db, partnership, side, hash);
	if (rc != E_OK)
		return rc;
	i18n_use(lang);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "own", own, "other", other,
				 "network", network, "url",
				 arena_printf(req->arena, "%s/introductions/%s", pages_base_url(req), token));
	rc = pages_mail(req, "introduction", "mail/introduction_request", to, 0, lang, data);
	i18n_use(req->lang);
	json_decref(data);
	return rc;
}

/*
 * POST /networks/{slug}/matching/runs/{id}/confirm
 * Triage (CSRF).  Confirms a saved run: each proposed pair becomes a
 * partnership (proposed), and each side's contact is asked by mail whether
 * they agree to be introduced; contact details are exchanged only when
 * both agree.  Parties in a proposed or introduced partnership leave the
 * matching, and a declined pair is never proposed again, so after a
 * decline a new run matches those left.  303 back; 404 unknown run; 409
 * when the run is confirmed already or the candidates changed since it.
 */
enum err matching_confirm(struct req *req, struct resp *resp)
{
	struct net n;
	enum err rc = load_net(req, resp, &n);
	if (rc != E_OK)
		return rc;
	int64_t id;
	struct mq_run run;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id) ||
	    (rc = db_match_run(req->db, req->arena, n.id, id, &run)) == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no such run."));
	if (rc != E_OK)
		return rc;
	if (run.confirmed_at != NULL)
		return resp_error(resp, E_CONFLICT, _("This proposal is confirmed already."));
	struct matchmaker m;
	if ((rc = mm_load(req->db, req->arena, n.id, &m)) != E_OK)
		return rc;
	json_t *result = json_loads(run.result_json, 0, NULL);
	json_t *pairs = json_object_get(result, "pairs");
	size_t k;
	json_t *pr;
	json_array_foreach(pairs, k, pr)
	{
		int i = mm_row_of(&m, json_integer_value(json_object_get(pr, "registration_id")));
		int j = mm_col_of(&m, json_integer_value(json_object_get(pr, "declaration_id")));
		/* A party gone, or a pair forbidden (or declined) since the run. */
		if (i < 0 || j < 0 || constraint_of(&m, (size_t)i, (size_t)j) == 'f') {
			json_decref(result);
			return resp_error(resp, E_CONFLICT,
					  _("The candidates changed since this run. Save a new proposal and confirm that."));
		}
	}
	if ((rc = account_begin(req)) != E_OK) {
		json_decref(result);
		return rc;
	}
	rc = db_match_run_confirm(req->db, n.id, id, req->actor->person_id, pages_now(req));
	json_array_foreach(pairs, k, pr)
	{
		if (rc != E_OK)
			break;
		const struct mq_swedish *s = &m.rows[mm_row_of(&m, json_integer_value(json_object_get(pr, "registration_id")))];
		const struct mq_intl *d = m.cols[mm_col_of(&m, json_integer_value(json_object_get(pr, "declaration_id")))];
		struct mq_partnership p = {.network_id = n.id, .swedish_org_id = s->org_id,
					   .international_org_id = d->org_id,
					   .registration_id = s->registration_id,
					   .declaration_id = d->declaration_id};
		int64_t pid = 0;
		rc = db_partnership_insert(req->db, &p, id, pages_now(req), &pid);
		if (rc == E_OK)
			rc = ask_consent(req, pid, "swedish", s->contact_email, s->contact_name, s->lang,
					 s->name, d->name, &n);
		if (rc == E_OK)
			rc = ask_consent(req, pid, "international", d->contact_email, d->contact_name,
					 d->lang, d->name, s->name, &n);
		json_t *after = json_pack("{s:I, s:I, s:I}", "network", (json_int_t)n.id, "swedish_org",
					  (json_int_t)s->org_id, "international_org", (json_int_t)d->org_id);
		if (rc == E_OK)
			rc = pages_audit(req, "partnership.create", "partnership", pid, NULL, after);
		json_decref(after);
	}
	size_t made = json_array_size(pairs);
	json_decref(result);
	rc = finish(req, resp, &n, rc, "matching.confirm", NULL,
		    json_pack("{s:I, s:I}", "run", (json_int_t)id, "partnerships", (json_int_t)made));
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("Someone confirmed a partner for one of these parties meanwhile. Save a new proposal and confirm that."));
	return rc;
}

/* The answer page's model: who proposes whom, and the form. */
static json_t *introduction_model(struct req *req, struct resp *resp, const struct mq_partnership *p,
				  const char *side)
{
	bool swedish = strcmp(side, "swedish") == 0;
	const char *network = strcmp(req->lang, "en") == 0 ? p->network_en : p->network_sv;
	json_t *m = json_pack("{s:s, s:s, s:s, s:s}", "own",
			      swedish ? p->swedish_name : p->international_name, "other",
			      swedish ? p->international_name : p->swedish_name, "network",
			      network != NULL ? network : "", "csrf", pages_csrf(req, resp));
	pages_form_ok(m);
	return m;
}

/* The partnership and side of a consent link; on a problem fills resp. */
static enum err load_consent(struct req *req, struct resp *resp, struct mq_partnership *p,
			     const char **side, const char **answer, bool *usable)
{
	*usable = false;
	const char *token = req_param(req, "token");
	if (!token_well_formed(token))
		return account_link_problem(req, resp, 1 /* unknown */, NULL, NULL);
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	enum err rc = db_partnership_by_consent(req->db, req->arena, hash, p, side, answer);
	if (rc == E_NOTFOUND)
		return account_link_problem(req, resp, 1, NULL, NULL);
	if (rc != E_OK)
		return rc;
	if (*answer != NULL)
		return account_link_problem(req, resp, 3 /* used */, NULL, NULL);
	*usable = true;
	return E_OK;
}

/*
 * GET /introductions/{token}
 * Public, with the link mailed to a side's contact.  Who the proposed
 * partner is and the choice to be introduced or not.  404/410 for unknown
 * or answered links.
 */
enum err introduction_form(struct req *req, struct resp *resp)
{
	struct mq_partnership p;
	const char *side, *answer;
	bool usable;
	enum err rc = load_consent(req, resp, &p, &side, &answer, &usable);
	if (rc != E_OK || !usable)
		return rc;
	resp_page(resp, "matching/introduction", introduction_model(req, resp, &p, side));
	resp->no_store = true;
	return E_OK;
}

/* Mails a side the other side's contact details. */
static enum err send_details(struct req *req, const char *to, const char *name, const char *lang,
			     const char *own, const char *other, const char *other_name,
			     const char *other_email)
{
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "own", own, "other",
				 other, "contact_name", other_name, "contact_email", other_email);
	enum err rc = pages_mail(req, "introduction_done", "mail/introduction_done", to, 0, lang, data);
	json_decref(data);
	return rc;
}

/*
 * POST /introductions/{token}
 * Public (CSRF), with the link.  Form: answer (accepted, declined).  Records
 * the side's answer once; when both sides accepted, the partnership is
 * introduced and each side is mailed the other's contact details; a
 * decline ends the proposal.  200 with a confirmation; 404/410 for
 * unknown or answered links; 422 with the form again for a bad answer.
 */
enum err introduction_answer(struct req *req, struct resp *resp)
{
	struct mq_partnership p;
	const char *side, *answer;
	bool usable;
	enum err rc = load_consent(req, resp, &p, &side, &answer, &usable);
	if (rc != E_OK || !usable)
		return rc;
	const char *given = req_form(req, "answer");
	if (given == NULL || (strcmp(given, "accepted") != 0 && strcmp(given, "declined") != 0))
		return pages_form_invalid(req, resp, "matching/introduction",
					  introduction_model(req, resp, &p, side),
					  json_pack("{s:s}", "answer",
						    _("Choose whether you agree to be introduced.")));
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	/* Both sides may answer at the same moment: lock the partnership,
	 * then read both answers again, so that the second answer always sees
	 * the first. */
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(req_param(req, "token"), hash);
	rc = db_partnership_lock(req->db, p.id);
	if (rc == E_OK)
		rc = db_partnership_by_consent(req->db, req->arena, hash, &p, &side, &answer);
	if (rc == E_OK && answer != NULL)
		rc = E_CONFLICT;
	bool swedish = rc == E_OK && strcmp(side, "swedish") == 0;
	const char *other_answer = swedish ? p.international_answer : p.swedish_answer;
	if (rc == E_OK)
		rc = db_partnership_answer(req->db, p.id, side, given, pages_now(req));
	const char *status = NULL;
	if (rc == E_OK && strcmp(given, "declined") == 0)
		status = "declined";
	else if (rc == E_OK && other_answer != NULL && strcmp(other_answer, "accepted") == 0)
		status = "introduced";
	if (rc == E_OK && status != NULL)
		rc = db_partnership_set_status(req->db, p.id, status, pages_now(req));
	if (rc == E_OK && status != NULL && strcmp(status, "introduced") == 0) {
		/* Both agreed: now, and only now, each learns how to reach the other. */
		struct mq_contact s, d;
		rc = db_partnership_mark_matched(req->db, p.id, pages_now(req));
		if (rc == E_OK)
			rc = db_partnership_contacts(req->db, req->arena, p.id, &s, &d);
		if (rc == E_OK)
			rc = send_details(req, s.email, s.name, s.lang, s.org, d.org, d.name, d.email);
		if (rc == E_OK)
			rc = send_details(req, d.email, d.name, d.lang, d.org, s.org, s.name, s.email);
	}
	json_t *after = json_pack("{s:s, s:s, s:s?}", "side", side, "answer", given, "status", status);
	if (rc == E_OK)
		rc = pages_audit(req, "partnership.consent", "partnership", p.id, NULL, after);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return account_link_problem(req, resp, 3, NULL, NULL);
	if (rc != E_OK)
		return rc;
	resp_page(resp, "account/notice",
		  account_notice(req, resp,
				 strcmp(given, "accepted") == 0 ? _("Thank you, your answer is recorded")
								: _("The proposal is declined"),
				 strcmp(given, "accepted") == 0
					 ? _("When the other side agrees too, we send both of you each other's contact details.")
					 : _("The network's coordinator sees your answer and can propose another partner.")));
	return E_OK;
}
