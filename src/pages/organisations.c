/*
 * organisations.c - the public directory: search, filters, sorting and
 * pages over every organisation, and one organisation's page.
 */
#include "pages/organisations.h"

#include <pthread.h>
#include <string.h>

#include "db/q_organisations.h"
#include "domain/organisation.h"
#include "domain/paging.h"
#include "pages/common.h"
#include "util/str.h"
#include "view/fmt.h"
#include "view/i18n.h"

/* Sort parameter values, in the order of enum org_sort. */
static const struct {
	const char *value;
	const char *label;
} sorts[ORG_SORT__COUNT] = {
	[ORG_SORT_NAME] = {"name", N_("Name, A to Z")},
	[ORG_SORT_NAME_DESC] = {"-name", N_("Name, Z to A")},
	[ORG_SORT_POP_DESC] = {"-population", N_("Population, largest first")},
	[ORG_SORT_POP_ASC] = {"population", N_("Population, smallest first")},
};

struct org_params {
	const char *q;	     /* search as typed */
	struct org_filter f; /* the query */
	struct paging paging; /* page and per_page */
};

static bool is_upper2(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* Reads and checks the query parameters; unknown ones are ignored. */
static enum err parse_params(struct req *req, struct resp *resp, struct org_params *p)
{
	memset(p, 0, sizeof *p);
	p->paging = (struct paging){.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
	p->q = pages_query(req, "q");
	if (p->q != NULL) {
		if (str_utf8_len(p->q, strlen(p->q)) > ORG_MAX_QUERY) {
			resp_field_error(resp, "q", _("must be at most 100 characters"));
		} else {
			struct buf b;
			buf_init(&b, 1024);
			str_fold(&b, p->q, strlen(p->q));
			p->f.folded = arena_strdup(req->arena, buf_str(&b));
			buf_free(&b);
		}
	}
	p->f.kind = pages_query(req, "kind");
	if (p->f.kind != NULL && org_kind_find(p->f.kind) == NULL)
		resp_field_error(resp, "kind", _("must be one of: municipality, region, local_government"));
	p->f.county = pages_query(req, "county");
	if (p->f.county != NULL && !org_scb_code_valid(p->f.county, 2))
		resp_field_error(resp, "county", _("must be a two-digit county code, such as 01"));
	p->f.country = pages_query(req, "country");
	if (p->f.country != NULL && !is_upper2(p->f.country))
		resp_field_error(resp, "country", _("must be a two-letter country code, such as SE"));
	const char *sort = pages_query(req, "sort");
	p->f.sort = ORG_SORT_NAME;
	if (sort != NULL) {
		size_t i = 0;
		while (i < ORG_SORT__COUNT && strcmp(sorts[i].value, sort) != 0)
			i++;
		if (i == ORG_SORT__COUNT)
			resp_field_error(resp, "sort", _("must be one of: name, -name, population, -population"));
		else
			p->f.sort = (enum org_sort)i;
	}
	pages_paging(req, resp, &p->paging);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	p->f.limit = p->paging.per_page;
	p->f.offset = p->paging.offset;
	return E_OK;
}

/* The kind's name in the page's language.  Looked up once per thread and
 * language: gettext's answer is a pointer into the loaded catalogue, stable
 * for the life of the process, and a page asks for it fifty times. */
static const char *kind_name(const struct req *req, const char *code)
{
	static _Thread_local const char *names[2][ORG_MAX_KINDS];
	const struct org_kind *k = org_kind_find(code);
	if (k == NULL)
		return code;
	size_t i = (size_t)(k - org_kinds);
	int lang = strcmp(req->lang, "en") == 0;
	if (i >= ORG_MAX_KINDS)
		return _(k->name);
	if (names[lang][i] == NULL)
		names[lang][i] = _(k->name);
	return names[lang][i];
}

static const char *country_name(const struct req *req, const struct org_row *r)
{
	return strcmp(req->lang, "en") == 0 ? r->country_name_en : r->country_name_sv;
}

static json_t *population(const struct org_row *r)
{
	return r->population >= 0 ? json_integer(r->population) : json_null();
}

/* Sets a string member without re-checking it: text from the database
 * was valid UTF-8 when it was stored. */
static void put_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new_nocheck(o, key, s != NULL ? json_string_nocheck(s) : json_null());
}

/* One row of the list.  Built member by member rather than with json_pack:
 * this runs 50 times a page and the format parsing and UTF-8 checks of
 * json_pack were a third of the page's cost (bench/README.md). */
static json_t *org_item(const struct req *req, const struct org_row *r)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "id", json_integer(r->id));
	put_str(o, "name", r->name);
	put_str(o, "kind", r->kind);
	put_str(o, "kind_name", kind_name(req, r->kind));
	put_str(o, "code", r->code);
	put_str(o, "county_code", r->county_code);
	put_str(o, "county_name", r->county_name);
	json_object_set_new_nocheck(o, "population", population(r));
	json_object_set_new_nocheck(o, "population_year", r->population_year > 0
								  ? json_integer(r->population_year)
								  : json_null());
	put_str(o, "country", r->country_iso2);
	put_str(o, "country_name", country_name(req, r));
	char url[48];
	snprintf(url, sizeof url, "/organisations/%lld", (long long)r->id);
	put_str(o, "url", url);
	return o;
}

/*
 * The counties and the countries that have organisations, for the filter
 * form, and the names of every county and country, for the rows, kept per
 * worker thread for FILTER_CACHE_SECONDS: they change only when reference
 * data or new organisations arrive, and loading them on every page (or
 * joining them into the list query) cost a quarter of the page.  Per thread, so no lock is needed
 * and nothing shared changes after start-up; a new organisation's country
 * appears in the filter within a minute.
 */
#define FILTER_CACHE_SECONDS 60

struct filter_cache {
	struct arena *arena;	     /* owns the lists */
	int64_t loaded;		     /* when, in seconds */
	struct code_name *counties;  /* every county, by code */
	size_t ncounties;	     /* how many */
	struct code_name *countries; /* countries with organisations */
	size_t ncountries;	     /* how many */
	struct code_name *names;     /* every country's names, by iso2 */
	size_t nnames;		     /* how many */
};

static _Thread_local struct filter_cache cache;

/* Gives the cache's memory back when its thread ends. */
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_destroy(void *p)
{
	arena_discard(p);
}

static void cache_key_make(void)
{
	pthread_key_create(&cache_key, cache_destroy);
}

static enum err filter_lists(struct req *req, const struct filter_cache **out)
{
	if (cache.arena != NULL && req->now - cache.loaded < FILTER_CACHE_SECONDS) {
		*out = &cache;
		return E_OK;
	}
	struct filter_cache fresh = {.arena = arena_new(), .loaded = req->now};
	enum err rc = db_counties(req->db, fresh.arena, &fresh.counties, &fresh.ncounties);
	if (rc == E_OK)
		rc = db_organisation_countries(req->db, fresh.arena, &fresh.countries,
					       &fresh.ncountries);
	if (rc == E_OK)
		rc = db_country_names(req->db, fresh.arena, &fresh.names, &fresh.nnames);
	if (rc != E_OK) {
		arena_discard(fresh.arena);
		return rc;
	}
	if (cache.arena != NULL)
		arena_discard(cache.arena);
	cache = fresh;
	pthread_once(&cache_once, cache_key_make);
	pthread_setspecific(cache_key, cache.arena);
	*out = &cache;
	return E_OK;
}

/* The entry of a list sorted by code, or NULL. */
static const struct code_name *by_code(const struct code_name *list, size_t n, const char *code)
{
	size_t lo = 0, hi = n;
	while (code != NULL && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(list[mid].code, code);
		if (c == 0)
			return &list[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* What the list's row callback needs. */
struct list_ctx {
	struct req *req;		/* the request */
	const struct filter_cache *fc;	/* names of counties and countries */
	json_t *items;			/* the items built so far */
};

/* One list row into an item, with its county and country names from the
 * cache (the list query reads codes only); a code the cache does not know
 * yet shows as the code. */
static enum err add_item(void *arg, const struct org_row *row)
{
	struct list_ctx *c = arg;
	struct org_row r = *row;
	const struct code_name *county = by_code(c->fc->counties, c->fc->ncounties, r.county_code);
	const struct code_name *country = by_code(c->fc->names, c->fc->nnames, r.country_iso2);
	r.county_name = county != NULL ? county->name : r.county_code;
	r.country_name_en = country != NULL ? country->name : r.country_iso2;
	r.country_name_sv = country != NULL ? country->name_sv : r.country_iso2;
	json_array_append_new(c->items, org_item(c->req, &r));
	return E_OK;
}

/* Checks the parameters, runs the query and sets the model; p keeps the
 * parsed parameters and the paging with its total. */
static enum err load_index(struct req *req, struct resp *resp, struct org_params *pp)
{
	struct org_params p;
	enum err rc = parse_params(req, resp, &p);
	*pp = p; /* the caller refills the form from it, valid or not */
	if (rc != E_OK)
		return rc;
	struct list_ctx ctx = {req, NULL, json_array()};
	int64_t total = 0;
	rc = filter_lists(req, &ctx.fc);
	if (rc == E_OK)
		rc = db_organisations_list(req->db, req->arena, &p.f, add_item, &ctx, &total);
	if (rc != E_OK) {
		json_decref(ctx.items);
		return rc;
	}
	paging_set_total(&p.paging, total);
	resp_page(resp, "organisations/index", pages_list_model(ctx.items, &p.paging));
	*pp = p;
	return E_OK;
}

enum err organisations_index_data(struct req *req, struct resp *resp)
{
	struct org_params p;
	return load_index(req, resp, &p);
}

/* The filter form: current values and the options of each list. */
static json_t *filters(struct req *req, const struct org_params *p)
{
	json_t *kinds = json_array();
	for (size_t i = 0; i < org_nkinds; i++)
		json_array_append_new(kinds, pages_option(org_kinds[i].code, _(org_kinds[i].plural),
							  p->f.kind));
	json_t *counties = json_array();
	json_t *countries = json_array();
	const struct filter_cache *fc;
	if (filter_lists(req, &fc) == E_OK) {
		for (size_t i = 0; i < fc->ncounties; i++)
			json_array_append_new(counties, pages_option(fc->counties[i].code,
								     fc->counties[i].name, p->f.county));
		bool en = strcmp(req->lang, "en") == 0;
		for (size_t i = 0; i < fc->ncountries; i++)
			json_array_append_new(countries,
					      pages_option(fc->countries[i].code,
							   en ? fc->countries[i].name
							      : fc->countries[i].name_sv,
							   p->f.country));
	}
	json_t *sort = json_array();
	for (size_t i = 0; i < ORG_SORT__COUNT; i++)
		json_array_append_new(sort, pages_option(sorts[i].value, _(sorts[i].label),
							 sorts[p->f.sort].value));
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "q", p->q != NULL ? p->q : "", "kinds", kinds,
			 "counties", counties, "countries", countries, "sorts", sort);
}

/* "Showing 1–50 of 311 organisations" in the page's language. */
static const char *summary(struct req *req, const struct paging *p)
{
	const char *total = fmt_int(req->arena, req->lang, p->total);
	if (p->total == 0)
		return _("No organisations match.");
	if (p->first == 0)
		return arena_printf(req->arena, _("No organisations on this page; %s in all."), total);
	return arena_printf(req->arena,
			    ngettext("Showing %s–%s of %s organisation", "Showing %s–%s of %s organisations",
				     (unsigned long)p->total),
			    fmt_int(req->arena, req->lang, p->first),
			    fmt_int(req->arena, req->lang, p->last), total);
}

/*
 * GET /organisations
 * Public.  Query: q (search, case and diacritics ignored), kind, county,
 * country, sort (name, -name, population, -population), page, per_page.
 * 200 with the list; 400 naming the bad parameter.
 */
enum err organisations_index(struct req *req, struct resp *resp)
{
	struct org_params p;
	enum err rc = load_index(req, resp, &p);
	if (rc == E_INVALID && !req->wants_json) {
		/* The form again, refilled, with the problems next to the fields. */
		struct paging empty = {.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
		json_t *m = pages_list_model(json_array(), &empty);
		json_object_set_new(m, "filters", filters(req, &p));
		json_object_set_new(m, "summary", json_string(_("Some search parameters are not valid.")));
		json_object_set_new(m, "has_items", json_false());
		json_object_set_new(m, "pager", pages_pager(req, &empty));
		return pages_list_invalid(req, resp, "organisations/index", m);
	}
	if (rc != E_OK || req->wants_json)
		return rc;
	json_t *model = resp->model;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(model, "items"), i, item)
	{
		json_t *pop = json_object_get(item, "population");
		json_object_set_new_nocheck(item, "population_text",
					    json_string_nocheck(json_is_integer(pop)
									? fmt_int(req->arena, req->lang,
										  json_integer_value(pop))
									: ""));
	}
	resp->view = json_pack("{s:o, s:s, s:b, s:o}", "filters", filters(req, &p), "summary",
			       summary(req, &p.paging), "has_items",
			       json_array_size(json_object_get(model, "items")) > 0, "pager",
			       pages_pager(req, &p.paging));
	pages_form_ok(resp->view);
	return E_OK;
}

enum err organisations_show_data(struct req *req, struct resp *resp)
{
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	struct org_row r;
	enum err rc = db_organisation_by_id(req->db, req->arena, id, &r);
	if (rc != E_OK)
		return rc == E_NOTFOUND ? resp_error(resp, E_NOTFOUND, _("There is no organisation with this number.")) : rc;
	json_t *model = org_item(req, &r);
	json_object_set_new(model, "seat", pages_str(r.seat));
	json_object_set_new(model, "province", pages_str(r.province));
	json_object_set_new(model, "region",
			    r.region_id > 0 && strcmp(r.kind, "region") != 0
				    ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r.region_id, "name",
						r.region_name, "url",
						arena_printf(req->arena, "/organisations/%lld",
							     (long long)r.region_id))
				    : json_null());
	resp_page(resp, "organisations/show", model);
	return E_OK;
}

/*
 * GET /organisations/{id}
 * Public.  200 with the organisation; 404 for an unknown or malformed id.
 */
enum err organisations_show(struct req *req, struct resp *resp)
{
	enum err rc = organisations_show_data(req, resp);
	if (rc != E_OK || req->wants_json)
		return rc;
	json_t *m = resp->model;
	json_t *pop = json_object_get(m, "population");
	resp->view = json_pack("{s:s, s:s}", "population_text",
			       json_is_integer(pop) ? fmt_int(req->arena, req->lang, json_integer_value(pop)) : "",
			       "country_url",
			       arena_printf(req->arena, "/countries/%s",
					    json_string_value(json_object_get(m, "country"))));
	return E_OK;
}
