/*
 * countries.c - every ISO 3166 country with its names in the page's
 * language, and the partner-country eligibility of each as effective-dated
 * periods (cluster, valid from, valid to).
 */
#include "pages/countries.h"

#include <ctype.h>
#include <string.h>

#include "db/q_countries.h"
#include "domain/eligibility.h"
#include "domain/paging.h"
#include "pages/common.h"
#include "util/str.h"
#include "view/fmt.h"
#include "view/i18n.h"

#define COUNTRY_MAX_QUERY 100

struct country_params {
	const char *q;		 /* search as typed */
	char date[11];		 /* eligibility as of this day */
	bool date_given;	 /* the date came from the query */
	struct country_filter f; /* the query */
	struct paging paging;	 /* page and per_page */
};

static const char *pick(const struct req *req, const char *en, const char *sv)
{
	return strcmp(req->lang, "en") == 0 ? en : sv;
}

static enum err parse_params(struct req *req, struct resp *resp, struct country_params *p)
{
	memset(p, 0, sizeof *p);
	p->paging = (struct paging){.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
	p->q = pages_query(req, "q");
	if (p->q != NULL) {
		if (str_utf8_len(p->q, strlen(p->q)) > COUNTRY_MAX_QUERY) {
			resp_field_error(resp, "q", _("must be at most 100 characters"));
		} else {
			struct buf b;
			buf_init(&b, 1024);
			str_fold(&b, p->q, strlen(p->q));
			p->f.folded = arena_strdup(req->arena, buf_str(&b));
			buf_free(&b);
		}
	}
	const char *date = pages_query(req, "date");
	if (date != NULL && !date_valid(date)) {
		resp_field_error(resp, "date", _("must be a date written YYYY-MM-DD"));
		date_today(p->date, sizeof p->date);
	} else if (date != NULL) {
		snprintf(p->date, sizeof p->date, "%s", date);
		p->date_given = true;
	} else {
		date_today(p->date, sizeof p->date);
	}
	p->f.cluster = pages_query(req, "cluster");
	if (p->f.cluster != NULL &&
	    (strlen(p->f.cluster) > 40 || p->f.cluster[strspn(p->f.cluster, "abcdefghijklmnopqrstuvwxyz_")] != '\0'))
		resp_field_error(resp, "cluster", _("must be a cluster code, such as east_africa"));
	const char *eligible = pages_query(req, "eligible");
	if (eligible != NULL && strcmp(eligible, "1") != 0 && strcmp(eligible, "0") != 0)
		resp_field_error(resp, "eligible", _("must be 1 or 0"));
	p->f.eligible_only = eligible != NULL && strcmp(eligible, "1") == 0;
	pages_paging(req, resp, &p->paging);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	p->f.date = p->date;
	p->f.lang = req->lang;
	p->f.limit = p->paging.per_page;
	p->f.offset = p->paging.offset;
	return E_OK;
}

static json_t *country_item(const struct req *req, const struct country_row *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s}",
			 "iso2", c->iso2, "iso3", c->iso3, "name", pick(req, c->name_en, c->name_sv),
			 "name_en", c->name_en, "name_sv", c->name_sv, "eligible", c->cluster != NULL,
			 "cluster", pages_str(c->cluster),
			 "cluster_name", pages_str(pick(req, c->cluster_name_en, c->cluster_name_sv)),
			 "url", arena_printf(req->arena, "/countries/%s", c->iso2));
}

static enum err load_index(struct req *req, struct resp *resp, struct country_params *pp)
{
	struct country_params p;
	enum err rc = parse_params(req, resp, &p);
	*pp = p; /* the caller refills the form from it, valid or not */
	if (rc != E_OK)
		return rc;
	struct country_row *rows;
	size_t n;
	int64_t total;
	rc = db_countries_list(req->db, req->arena, &p.f, &rows, &n, &total);
	if (rc != E_OK)
		return rc;
	paging_set_total(&p.paging, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, country_item(req, &rows[i]));
	json_t *model = pages_list_model(items, &p.paging);
	json_object_set_new(model, "date", json_string(p.date));
	resp_page(resp, "countries/index", model);
	*pp = p;
	return E_OK;
}

enum err countries_index_data(struct req *req, struct resp *resp)
{
	struct country_params p;
	return load_index(req, resp, &p);
}

/*
 * GET /countries
 * Public.  Query: q (search in Swedish and English names), cluster,
 * eligible (1: only countries eligible on the date), date (YYYY-MM-DD,
 * default today), page, per_page.  200; 400 naming the bad parameter.
 */
enum err countries_index(struct req *req, struct resp *resp)
{
	struct country_params p;
	enum err rc = load_index(req, resp, &p);
	if (rc != E_OK && rc != E_INVALID)
		return rc;
	if (rc == E_INVALID && req->wants_json)
		return rc;
	json_t *clusters = json_array();
	struct code_name *cn;
	size_t n;
	if (db_clusters(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(clusters, pages_option(cn[i].code,
								     pick(req, cn[i].name, cn[i].name_sv),
								     p.f.cluster));
	if (rc == E_INVALID) {
		/* The form again, refilled, with the problems next to the fields. */
		struct paging empty = {.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
		const char *typed_date = pages_query(req, "date");
		json_t *m = pages_list_model(json_array(), &empty);
		json_object_set_new(m, "date", json_string(p.date));
		json_object_set_new(m, "date_text", json_string(fmt_date(req->arena, req->lang, p.date)));
		json_object_set_new(m, "filters",
				    json_pack("{s:s, s:s, s:b, s:o}", "q", p.q != NULL ? p.q : "", "date",
					      typed_date != NULL ? typed_date : "", "eligible",
					      p.f.eligible_only, "clusters", clusters));
		json_object_set_new(m, "summary", json_string(_("Some search parameters are not valid.")));
		json_object_set_new(m, "has_items", json_false());
		json_object_set_new(m, "pager", pages_pager(req, &empty));
		return pages_list_invalid(req, resp, "countries/index", m);
	}
	const char *summary =
		p.paging.total == 0
			? _("No countries match.")
			: arena_printf(req->arena,
				       ngettext("%s country", "%s countries", (unsigned long)p.paging.total),
				       fmt_int(req->arena, req->lang, p.paging.total));
	resp->view = json_pack("{s:{s:s, s:s, s:b, s:o}, s:s, s:b, s:o, s:s}",
			       "filters", "q", p.q != NULL ? p.q : "", "date", p.date_given ? p.date : "",
			       "eligible", p.f.eligible_only, "clusters", clusters,
			       "summary", summary,
			       "has_items", json_array_size(json_object_get(resp->model, "items")) > 0,
			       "pager", pages_pager(req, &p.paging),
			       "date_text", fmt_date(req->arena, req->lang, p.date));
	pages_form_ok(resp->view);
	return E_OK;
}

enum err countries_show_data(struct req *req, struct resp *resp)
{
	const char *raw = req_param(req, "iso2");
	if (raw == NULL || strlen(raw) != 2 || !isalpha((unsigned char)raw[0]) ||
	    !isalpha((unsigned char)raw[1]))
		return resp_error(resp, E_NOTFOUND, NULL);
	char iso2[3] = {(char)toupper((unsigned char)raw[0]), (char)toupper((unsigned char)raw[1]), 0};
	char today[11];
	date_today(today, sizeof today);
	struct country_row c;
	enum err rc = db_country_by_iso2(req->db, req->arena, iso2, today, &c);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no country with this code."));
	if (rc != E_OK)
		return rc;
	struct eligibility_row *periods;
	size_t n;
	rc = db_eligibility_of(req->db, req->arena, iso2, &periods, &n);
	if (rc != E_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct eligibility_row *e = &periods[i];
		struct elig_period ep = {iso2, e->cluster, e->valid_from, e->valid_to};
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:o, s:b, s:s}", "cluster", e->cluster,
					"cluster_name", pick(req, e->cluster_name_en, e->cluster_name_sv),
					"valid_from", e->valid_from, "valid_to", pages_str(e->valid_to),
					"current", eligibility_covers(&ep, today), "source", e->source));
	}
	json_t *model = country_item(req, &c);
	json_object_set_new(model, "numeric_code", pages_str(c.numeric_code));
	json_object_set_new(model, "official_name", pages_str(c.official_name_en));
	json_object_set_new(model, "eligibility", list);
	json_object_set_new(model, "organisations", json_integer(c.organisations));
	json_object_set_new(model, "organisations_url",
			    json_string(arena_printf(req->arena, "/organisations?country=%s", iso2)));
	resp_page(resp, "countries/show", model);
	return E_OK;
}

/*
 * GET /countries/{iso2}
 * Public.  iso2 in either case.  200 with names, codes and the eligibility
 * history; 404 for an unknown code.
 */
enum err countries_show(struct req *req, struct resp *resp)
{
	enum err rc = countries_show_data(req, resp);
	if (rc != E_OK || req->wants_json)
		return rc;
	json_t *periods = json_object_get(resp->model, "eligibility");
	size_t i;
	json_t *e;
	json_array_foreach(periods, i, e)
	{
		const char *to = json_string_value(json_object_get(e, "valid_to"));
		json_object_set_new(e, "valid_from_text",
				    json_string(fmt_date(req->arena, req->lang,
							 json_string_value(json_object_get(e, "valid_from")))));
		json_object_set_new(e, "valid_to_text",
				    json_string(to != NULL ? fmt_date(req->arena, req->lang, to) : ""));
	}
	resp->view = json_pack("{s:b, s:s}", "has_eligibility", json_array_size(periods) > 0,
			       "organisations_text",
			       fmt_int(req->arena, req->lang,
				       json_integer_value(json_object_get(resp->model, "organisations"))));
	return E_OK;
}
