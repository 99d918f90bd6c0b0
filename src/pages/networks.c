/*
 * networks.c - see networks.h.
 *
 * The public pages read networks through db/q_networks.h and answer one
 * model as JSON or HTML.  A network's description is CommonMark, turned
 * into HTML by view/markdown.c (the only HTML in a model, under keys
 * ending in _html).  Of the people in a network only a project
 * coordinator's e-mail address is public: db_network_people never reads
 * anyone else's, so no page can show one by mistake.
 *
 * The staff pages (network.manage) create and edit networks and move their
 * status one step at a time (domain/network.h).  Every change is one
 * transaction with one audit row holding the changed fields before and
 * after; nothing is stored while the form has an error.  An edit carries
 * the version it was read at, and a stale one answers 409 showing what is
 * stored now.  People get their roles in a network on their own page
 * (pages/admin.c); the network's page lists them with links there.
 */
#include "pages/networks.h"

#include <stdlib.h>
#include <string.h>

#include "auth/actor.h"
#include "db/q_countries.h"
#include "db/q_matching.h"
#include "db/q_networks.h"
#include "domain/eligibility.h"
#include "domain/network.h"
#include "domain/paging.h"
#include "pages/account.h"
#include "pages/common.h"
#include "util/log.h"
#include "util/str.h"
#include "view/fmt.h"
#include "view/html.h"
#include "view/i18n.h"
#include "view/markdown.h"

/* The description under the page's <h1> and its <h2> "About": a "#" in
 * the text becomes <h3>. */
#define DESCRIPTION_HEADING_TOP 3

static const char *pick(const struct req *req, const char *en, const char *sv)
{
	return strcmp(req->lang, "en") == 0 ? en : sv;
}

/* The status's name in the page's language; the code itself for a status
 * this build does not know. */
static const char *status_name(const char *code)
{
	enum network_status s;
	return network_status_parse(code, &s) ? _(network_status_name(s)) : code;
}

/* prefix followed by the percent-encoded slug, in the arena.  Slugs are
 * [a-z0-9-] when typed in the form; encoding anyway keeps a slug stored
 * some other way from breaking out of the path. */
static const char *slug_url(struct req *req, const char *prefix, const char *slug)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_puts(&b, prefix);
	url_encode(&b, slug, strlen(slug));
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static const char *edit_url(struct req *req, int64_t id)
{
	return arena_printf(req->arena, "/admin/networks/%lld/edit", (long long)id);
}

/* The year of a start date, 0 without one. */
static int start_year(const char *date)
{
	char year[5];
	int64_t y;
	if (date == NULL || strlen(date) < 4)
		return 0;
	memcpy(year, date, 4);
	year[4] = '\0';
	return str_to_i64(year, 1000, 9999, &y) ? (int)y : 0;
}

/* Adds the timeframe: start_date, first_year and last_year (null without a
 * start date), inception_years, project_years. */
static void put_timeframe(json_t *o, const struct network_row *n)
{
	int first = start_year(n->start_date);
	int last = first + n->inception_years + n->project_years - 1;
	json_object_set_new(o, "start_date", pages_str(n->start_date));
	json_object_set_new(o, "first_year", first > 0 ? json_integer(first) : json_null());
	json_object_set_new(o, "last_year", first > 0 ? json_integer(last) : json_null());
	json_object_set_new(o, "inception_years", json_integer(n->inception_years));
	json_object_set_new(o, "project_years", json_integer(n->project_years));
}

/* One network of a list. */
static json_t *network_item(struct req *req, const struct network_row *n)
{
	enum network_status s;
	bool past = network_status_parse(n->status, &s) && network_is_past(s);
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:I, s:o}", "id",
		      (json_int_t)n->id, "slug", n->slug, "name", pick(req, n->name_en, n->name_sv),
		      "name_sv", n->name_sv, "name_en", n->name_en, "url",
		      slug_url(req, "/networks/", n->slug), "theme", pages_str(n->theme_slug),
		      "theme_name", pages_str(pick(req, n->theme_name_en, n->theme_name_sv)),
		      "status", n->status, "status_name", status_name(n->status), "past", past,
		      "country_count", (json_int_t)n->countries, "capacity",
		      n->capacity > 0 ? json_integer(n->capacity) : json_null());
	put_timeframe(o, n);
	return o;
}

/* ---- Lists ---------------------------------------------------------- */

struct list_params {
	struct network_filter f;  /* the query */
	struct paging paging;     /* page and per_page */
	struct theme_row *themes; /* every theme, for checking and the form */
	size_t nthemes;           /* how many */
};

/* Codes joined by ", " for a "must be one of" message, in the arena. */
static const char *status_codes(struct req *req)
{
	struct buf b;
	buf_init(&b, 1024);
	for (int i = 0; i < NET__COUNT; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "",
			   network_status_code((enum network_status)i));
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static const char *theme_slugs(struct req *req, const struct list_params *p)
{
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < p->nthemes; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", p->themes[i].slug);
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* Reads status, theme, page and per_page; unknown parameters are ignored.
 * E_INVALID with a field error per bad parameter. */
static enum err parse_list(struct req *req, struct resp *resp, struct list_params *p)
{
	memset(p, 0, sizeof *p);
	p->paging = (struct paging){.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
	enum err rc = db_themes(req->db, req->arena, &p->themes, &p->nthemes);
	if (rc != E_OK)
		return rc;
	enum network_status s;
	p->f.status = pages_query(req, "status");
	if (p->f.status != NULL && !network_status_parse(p->f.status, &s))
		resp_field_error(
		    resp, "status",
		    arena_printf(req->arena, _("must be one of: %s"), status_codes(req)));
	p->f.theme_slug = pages_query(req, "theme");
	if (p->f.theme_slug != NULL) {
		size_t i = 0;
		while (i < p->nthemes && strcmp(p->themes[i].slug, p->f.theme_slug) != 0)
			i++;
		if (i == p->nthemes)
			resp_field_error(
			    resp, "theme",
			    arena_printf(req->arena, _("must be one of: %s"), theme_slugs(req, p)));
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

/* The filter form: the values asked for and the options. */
static json_t *filter_model(struct req *req, const struct list_params *p)
{
	const char *status = pages_query(req, "status");
	const char *theme = pages_query(req, "theme");
	json_t *statuses = json_array();
	for (int i = 0; i < NET__COUNT; i++)
		json_array_append_new(
		    statuses, pages_option(network_status_code((enum network_status)i),
					   _(network_status_name((enum network_status)i)), status));
	json_t *themes = json_array();
	for (size_t i = 0; i < p->nthemes; i++)
		json_array_append_new(
		    themes,
		    pages_option(p->themes[i].slug,
				 pick(req, p->themes[i].name_en, p->themes[i].name_sv), theme));
	return json_pack("{s:o, s:o}", "statuses", statuses, "themes", themes);
}

/* The list page again with its filter problems and no rows (HTML). */
static enum err list_invalid(struct req *req, struct resp *resp, const char *template,
			     const struct list_params *p)
{
	struct paging empty = {.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
	json_t *m = pages_list_model(json_array(), &empty);
	json_object_set_new(m, "filters", filter_model(req, p));
	json_object_set_new(m, "current", json_array());
	json_object_set_new(m, "past", json_array());
	json_object_set_new(m, "has_current", json_false());
	json_object_set_new(m, "has_past", json_false());
	json_object_set_new(m, "has_items", json_false());
	json_object_set_new(m, "pager", pages_pager(req, &empty));
	json_object_set_new(m, "new_url", json_string("/admin/networks/new"));
	return pages_list_invalid(req, resp, template, m);
}

/* Loads the list p asks for into an item array; edit links for staff. */
static enum err load_list(struct req *req, struct list_params *p, bool admin, json_t **items)
{
	struct network_row *rows;
	size_t n;
	int64_t total;
	enum err rc = db_networks_list(req->db, req->arena, &p->f, &rows, &n, &total);
	if (rc != E_OK)
		return rc;
	paging_set_total(&p->paging, total);
	*items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = network_item(req, &rows[i]);
		if (admin)
			json_object_set_new(o, "edit_url", json_string(edit_url(req, rows[i].id)));
		json_array_append_new(*items, o);
	}
	return E_OK;
}

/* HTML extras of a list: filters, the items split into current and past,
 * the pager. */
static json_t *list_view(struct req *req, const struct list_params *p, json_t *items)
{
	json_t *current = json_array(), *past = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		json_array_append(json_is_true(json_object_get(item, "past")) ? past : current,
				  item);
	}
	json_t *v = json_pack("{s:o, s:b, s:b, s:b, s:o, s:o, s:o, s:s}", "filters",
			      filter_model(req, p), "has_current", json_array_size(current) > 0,
			      "has_past", json_array_size(past) > 0, "has_items",
			      json_array_size(items) > 0, "current", current, "past", past, "pager",
			      pages_pager(req, &p->paging), "new_url", "/admin/networks/new");
	pages_form_ok(v);
	return v;
}

/*
 * GET /networks
 * Public.  Query: status (planned, open_for_interest, matching, inception,
 * implementation, closing, closed), theme (a theme's slug), page,
 * per_page.  Current networks first, then past (closed) ones.  200 with
 * the list; 400 naming each bad parameter.
 */
enum err networks_index(struct req *req, struct resp *resp)
{
	struct list_params p;
	enum err rc = parse_list(req, resp, &p);
	if (rc == E_INVALID && !req->wants_json)
		return list_invalid(req, resp, "networks/index", &p);
	if (rc != E_OK)
		return rc;
	json_t *items;
	if ((rc = load_list(req, &p, false, &items)) != E_OK)
		return rc;
	resp_page(resp, "networks/index", pages_list_model(items, &p.paging));
	if (!req->wants_json)
		resp->view = list_view(req, &p, items);
	return E_OK;
}

/*
 * GET /admin/networks
 * Staff (network.manage).  The same query as /networks; every network
 * with a link to edit it.  200; 400 naming each bad parameter.
 */
enum err networks_admin(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct list_params p;
	rc = parse_list(req, resp, &p);
	if (rc == E_INVALID && !req->wants_json)
		return list_invalid(req, resp, "admin/networks", &p);
	if (rc != E_OK)
		return rc;
	json_t *items;
	if ((rc = load_list(req, &p, true, &items)) != E_OK)
		return rc;
	resp_page(resp, "admin/networks", pages_list_model(items, &p.paging));
	resp->no_store = true;
	if (!req->wants_json)
		resp->view = list_view(req, &p, items);
	return E_OK;
}

/* ---- One network ---------------------------------------------------- */

/* Everything stored about one network. */
struct stored {
	struct network_row n;          /* the network and its theme */
	struct code_name *countries;   /* partner countries (iso2, names) */
	size_t ncountries;             /* how many */
	const char **institutions;     /* partner institutions, in order */
	size_t ninstitutions;          /* how many */
	struct network_person *people; /* people with a role in it */
	size_t npeople;                /* how many */
};

static enum err load_parts(struct req *req, struct stored *s)
{
	enum err rc =
	    db_network_countries(req->db, req->arena, s->n.id, &s->countries, &s->ncountries);
	if (rc == E_OK)
		rc = db_network_institutions(req->db, req->arena, s->n.id, &s->institutions,
					     &s->ninstitutions);
	if (rc == E_OK)
		rc = db_network_people(req->db, req->arena, s->n.id, &s->people, &s->npeople);
	return rc;
}

/* The role's name in the page's language. */
static const char *role_name(const char *code)
{
	const struct role_info *ri = role_find(code, 'n');
	return ri != NULL ? _(ri->name) : code;
}

static json_t *country_list(struct req *req, const struct stored *s)
{
	json_t *list = json_array();
	for (size_t i = 0; i < s->ncountries; i++)
		json_array_append_new(
		    list,
		    json_pack("{s:s, s:s, s:s}", "iso2", s->countries[i].code, "name",
			      pick(req, s->countries[i].name, s->countries[i].name_sv), "url",
			      arena_printf(req->arena, "/countries/%s", s->countries[i].code)));
	return list;
}

static json_t *institution_list(const struct stored *s)
{
	json_t *list = json_array();
	for (size_t i = 0; i < s->ninstitutions; i++)
		json_array_append_new(list, json_pack("{s:s}", "name", s->institutions[i]));
	return list;
}

/* The people of the public page by role, active ones only; a project
 * coordinator with the e-mail address that is the public contact, every
 * other person by name alone.  *contact: the first coordinator or null. */
static json_t *public_people(const struct stored *s, json_t **contact)
{
	static const struct {
		const char *role; /* stored code */
		const char *key;  /* model key */
	} groups[] = {
	    {"project_coordinator", "project_coordinators"},
	    {"research_advisor", "research_advisors"},
	    {"mentor", "mentors"},
	    {"national_expert", "national_experts"},
	};
	json_t *people = json_object();
	*contact = json_null();
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		json_t *list = json_array();
		bool coordinator = strcmp(groups[g].role, "project_coordinator") == 0;
		for (size_t i = 0; i < s->npeople; i++) {
			const struct network_person *p = &s->people[i];
			if (!p->active || strcmp(p->role, groups[g].role) != 0)
				continue;
			json_t *o = coordinator ? json_pack("{s:s, s:o}", "name", p->name, "email",
							    pages_str(p->email))
						: json_pack("{s:s}", "name", p->name);
			if (coordinator && json_is_null(*contact))
				*contact = json_deep_copy(o);
			json_array_append_new(list, o);
		}
		json_object_set_new(people, groups[g].key, list);
	}
	return people;
}

/*
 * GET /networks/{slug}
 * Public.  The network: description (CommonMark rendered in the page's
 * language, else the other), theme, partner countries, timeframe, status,
 * capacity, partner institutions, people (the project coordinator with
 * e-mail as the contact; research advisors, mentors and national experts
 * by name), its partnerships (none until partners are matched), and how
 * to take part.  200; 404 for an unknown slug.
 */
enum err networks_show(struct req *req, struct resp *resp)
{
	const char *slug = req_param(req, "slug");
	if (slug == NULL || strlen(slug) > NETWORK_SLUG_MAX)
		return resp_error(resp, E_NOTFOUND, _("There is no network at this address."));
	struct stored s = {0};
	enum err rc = db_network_by_slug(req->db, req->arena, slug, &s.n);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no network at this address."));
	if (rc == E_OK)
		rc = load_parts(req, &s);
	if (rc != E_OK)
		return rc;
	const struct network_row *n = &s.n;
	/* The description in the reader's language, else in the other one
	 * (marked with its language for screen readers). */
	const char *lang = req->lang;
	const char *text = pick(req, n->description_en, n->description_sv);
	if (text[0] == '\0') {
		const char *other = i18n_other(req->lang);
		const char *there =
		    strcmp(other, "en") == 0 ? n->description_en : n->description_sv;
		if (there[0] != '\0') {
			lang = other;
			text = there;
		}
	}
	const char *html = "";
	if (markdown_html(req->arena, text, strlen(text), DESCRIPTION_HEADING_TOP, &html) != E_OK)
		log_error("request %s: the description of network %lld cannot be rendered",
			  req->request_id, (long long)n->id);
	enum network_status st;
	bool known = network_status_parse(n->status, &st);
	bool open = known && network_takes_interest(st);
	json_t *contact;
	json_t *people = public_people(&s, &contact);
	json_t *m = network_item(req, n);
	json_object_set_new(m, "description_html", json_string(html));
	json_object_set_new(m, "description_lang", json_string(lang));
	json_object_set_new(m, "countries", country_list(req, &s));
	json_object_set_new(m, "institutions", institution_list(&s));
	json_object_set_new(m, "contact", contact);
	json_object_set_new(m, "people", people);
	/* Partnerships are public once both sides agreed to be introduced. */
	struct mq_partnership *ps;
	size_t nps = 0;
	json_t *partnerships = json_array();
	if ((rc = db_partnerships_of(req->db, req->arena, n->id, &ps, &nps)) != E_OK) {
		json_decref(partnerships);
		json_decref(m);
		return rc;
	}
	for (size_t k = 0; k < nps; k++)
		if (strcmp(ps[k].status, "introduced") == 0)
			json_array_append_new(
			    partnerships,
			    json_pack("{s:s, s:s, s:s, s:s}", "swedish", ps[k].swedish_name,
				      "swedish_url",
				      arena_printf(req->arena, "/organisations/%lld",
						   (long long)ps[k].swedish_org_id),
				      "international", ps[k].international_name, "international_url",
				      arena_printf(req->arena, "/organisations/%lld",
						   (long long)ps[k].international_org_id)));
	json_object_set_new(m, "partnerships", partnerships);
	json_object_set_new(m, "take_part",
			    json_pack("{s:b, s:s, s:s}", "interest_open", open, "interest_url",
				      slug_url(req, "/interest?network=", n->slug),
				      "declaration_url", "/declarations/new"));
	resp_page(resp, "networks/show", m);
	if (req->wants_json)
		return E_OK;
	json_t *v = json_object();
	json_object_set_new(v, "start_date_text",
			    json_string(n->start_date != NULL
					    ? fmt_date(req->arena, req->lang, n->start_date)
					    : ""));
	json_object_set_new(v, "has_description", json_boolean(html[0] != '\0'));
	json_object_set_new(v, "other_language", json_boolean(strcmp(lang, req->lang) != 0));
	json_object_set_new(v, "has_countries", json_boolean(s.ncountries > 0));
	json_object_set_new(v, "has_institutions", json_boolean(s.ninstitutions > 0));
	/* One flag per role group, so that a group's heading shows only
	 * above names. */
	static const char *const groups[][2] = {
	    {"project_coordinators", "has_coordinators"},
	    {"research_advisors", "has_advisors"},
	    {"mentors", "has_mentors"},
	    {"national_experts", "has_experts"},
	};
	bool any = false;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		bool some = json_array_size(json_object_get(people, groups[g][0])) > 0;
		json_object_set_new(v, groups[g][1], json_boolean(some));
		any = any || some;
	}
	json_object_set_new(v, "has_people", json_boolean(any));
	json_object_set_new(v, "can_edit",
			    json_boolean(policy_allows(req->actor, ACT_NETWORK_MANAGE, 0)));
	json_object_set_new(v, "edit_url", json_string(edit_url(req, n->id)));
	json_object_set_new(v, "has_partnerships", json_boolean(json_array_size(partnerships) > 0));
	bool triage = policy_allows(req->actor, ACT_TRIAGE, n->id);
	json_object_set_new(v, "can_triage", json_boolean(triage));
	json_object_set_new(v, "matching_url", json_string(slug_url(req, "/networks/", n->slug)));
	json_object_set_new(v, "registrations_url",
			    json_string(arena_printf(req->arena, "/admin/registrations?network=%lld",
						     (long long)n->id)));
	resp->view = v;
	return E_OK;
}

/* ---- The form -------------------------------------------------------- */

/* The text fields of the network form, in the order of field_names. */
enum nf_field {
	NF_NAME_SV,
	NF_NAME_EN,
	NF_SLUG,
	NF_THEME,
	NF_DESC_SV,
	NF_DESC_EN,
	NF_START,
	NF_INCEPTION,
	NF_PROJECT,
	NF_CAPACITY,
	NF_INSTITUTIONS,
	NF_VERSION,
	NF__COUNT
};

static const char *const field_names[NF__COUNT] = {
    [NF_NAME_SV] = "name_sv",   [NF_NAME_EN] = "name_en",           [NF_SLUG] = "slug",
    [NF_THEME] = "theme_id",    [NF_DESC_SV] = "description_sv",    [NF_DESC_EN] = "description_en",
    [NF_START] = "start_date",  [NF_INCEPTION] = "inception_years", [NF_PROJECT] = "project_years",
    [NF_CAPACITY] = "capacity", [NF_INSTITUTIONS] = "institutions", [NF_VERSION] = "version",
};

/* The network form as typed, and what it means once checked. */
struct net_form {
	const char *typed[NF__COUNT]; /* text fields as typed (or stored); never NULL */
	const char **countries;       /* iso2 codes ticked, without repeats */
	size_t ncountries;            /* how many */
	struct network_row n;         /* the content, valid when the check found nothing */
	const char **institutions;    /* one name per non-empty line */
	size_t ninstitutions;         /* how many */
	int64_t version;              /* the version the form was read at (edit) */
	struct code_name *eligible;   /* countries eligible on the start date (or today) */
	size_t neligible;             /* how many */
	char eligible_on[11];         /* the date of that list */
};

/* The form filled with what is stored. */
static void form_from_stored(struct req *req, struct net_form *f, const struct stored *s)
{
	memset(f, 0, sizeof *f);
	const struct network_row *n = &s->n;
	struct buf b;
	buf_init(&b, NETWORK_INSTITUTIONS_MAX * (NETWORK_INSTITUTION_MAX * 4 + 2) + 1024);
	for (size_t i = 0; i < s->ninstitutions; i++)
		buf_printf(&b, "%s\n", s->institutions[i]);
	f->typed[NF_NAME_SV] = n->name_sv;
	f->typed[NF_NAME_EN] = n->name_en;
	f->typed[NF_SLUG] = n->slug;
	f->typed[NF_THEME] =
	    n->theme_id > 0 ? arena_printf(req->arena, "%lld", (long long)n->theme_id) : "";
	f->typed[NF_DESC_SV] = n->description_sv;
	f->typed[NF_DESC_EN] = n->description_en;
	f->typed[NF_START] = n->start_date != NULL ? n->start_date : "";
	f->typed[NF_INCEPTION] = arena_printf(req->arena, "%d", n->inception_years);
	f->typed[NF_PROJECT] = arena_printf(req->arena, "%d", n->project_years);
	f->typed[NF_CAPACITY] =
	    n->capacity > 0 ? arena_printf(req->arena, "%lld", (long long)n->capacity) : "";
	f->typed[NF_INSTITUTIONS] = arena_strdup(req->arena, buf_str(&b));
	f->typed[NF_VERSION] = arena_printf(req->arena, "%lld", (long long)n->version);
	buf_free(&b);
	f->countries = arena_alloc(req->arena, (s->ncountries + 1) * sizeof *f->countries);
	for (size_t i = 0; i < s->ncountries; i++)
		f->countries[f->ncountries++] = s->countries[i].code;
	f->n = *n;
	f->version = n->version;
}

/* The form of a new network: the programme's usual timeframe, 1 + 3. */
static void form_blank(struct net_form *f)
{
	memset(f, 0, sizeof *f);
	for (int i = 0; i < NF__COUNT; i++)
		f->typed[i] = "";
	f->typed[NF_INCEPTION] = "1";
	f->typed[NF_PROJECT] = "3";
}

/* The form as sent. */
static void form_read(struct req *req, struct net_form *f)
{
	memset(f, 0, sizeof *f);
	for (int i = 0; i < NF__COUNT; i++) {
		const char *v = req_form(req, field_names[i]);
		f->typed[i] = v != NULL ? v : "";
	}
	/* Every "country" field is one ticked box; a repeat counts once. */
	f->countries = arena_alloc(req->arena, (req->form.n + 1) * sizeof *f->countries);
	for (size_t i = 0; i < req->form.n; i++) {
		const struct kv *kv = &req->form.items[i];
		if (strcmp(kv->name, "country") != 0 || kv->value[0] == '\0')
			continue;
		bool seen = false;
		for (size_t j = 0; j < f->ncountries && !seen; j++)
			seen = strcmp(f->countries[j], kv->value) == 0;
		if (!seen)
			f->countries[f->ncountries++] = kv->value;
	}
}

static void field_error(json_t *errors, const char *field, const char *message)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(message));
}

/* A trimmed copy of s in the arena. */
static char *trimmed(struct req *req, const char *s)
{
	return str_trim(arena_strdup(req->arena, s));
}

/* A required one-line text: trimmed, 1..max_chars characters; NULL (and an
 * error on field) otherwise. */
static const char *check_line(struct req *req, json_t *errors, const char *field, const char *typed,
			      const char *missing, size_t max_chars)
{
	char *v = trimmed(req, typed);
	if (v[0] == '\0') {
		field_error(errors, field, missing);
		return NULL;
	}
	if (str_utf8_len(v, strlen(v)) > max_chars) {
		field_error(errors, field,
			    arena_printf(req->arena, _("At most %s characters."),
					 fmt_int(req->arena, req->lang, (int64_t)max_chars)));
		return NULL;
	}
	return v;
}

/* Lower-case letters, digits and single inner hyphens: "climate-2025". */
static bool slug_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= NETWORK_SLUG_MAX && s[0] != '-' && s[n - 1] != '-' &&
	       strstr(s, "--") == NULL &&
	       s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-")] == '\0';
}

static const struct code_name *find_code(const struct code_name *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].code, code) == 0)
			return &list[i];
	return NULL;
}

static bool iso2_shape(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* Loads the countries eligible on the typed start date, or today when it
 * is not a date yet: the boxes the form offers. */
static enum err load_eligible(struct req *req, struct net_form *f)
{
	const char *start = trimmed(req, f->typed[NF_START]);
	if (date_valid(start))
		snprintf(f->eligible_on, sizeof f->eligible_on, "%s", start);
	else
		date_today(f->eligible_on, sizeof f->eligible_on);
	return db_eligible_countries(req->db, req->arena, f->eligible_on, &f->eligible,
				     &f->neligible);
}

/* Checks the ticked countries against the start date (f->eligible holds
 * that date's list): an ineligible one is named in the message. */
static enum err check_countries(struct req *req, struct net_form *f, const char *start,
				json_t *errors)
{
	struct buf names;
	buf_init(&names, 64 * 1024);
	size_t bad = 0;
	enum err rc = E_OK;
	for (size_t i = 0; i < f->ncountries && rc == E_OK; i++) {
		const char *code = f->countries[i];
		if (find_code(f->eligible, f->neligible, code) != NULL)
			continue;
		struct country_row c;
		rc = iso2_shape(code) ? db_country_by_iso2(req->db, req->arena, code, start, &c)
				      : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			field_error(errors, "countries", _("Choose the countries from the list."));
			rc = E_OK;
			continue;
		}
		if (rc == E_OK)
			buf_printf(&names, "%s%s", bad++ > 0 ? ", " : "",
				   pick(req, c.name_en, c.name_sv));
	}
	if (rc == E_OK && bad == 1)
		field_error(errors, "countries",
			    arena_printf(req->arena,
					 _("%s is not a partner country on %s, the start date."),
					 buf_str(&names), fmt_date(req->arena, req->lang, start)));
	else if (rc == E_OK && bad > 1)
		field_error(
		    errors, "countries",
		    arena_printf(req->arena,
				 _("These are not partner countries on %s, the start date: %s."),
				 fmt_date(req->arena, req->lang, start), buf_str(&names)));
	buf_free(&names);
	return rc;
}

/* Splits the institutions field into names, one per non-empty line. */
static void check_institutions(struct req *req, struct net_form *f, json_t *errors)
{
	char *text = arena_strdup(req->arena, f->typed[NF_INSTITUTIONS]);
	f->institutions =
	    arena_alloc(req->arena, (NETWORK_INSTITUTIONS_MAX + 1) * sizeof *f->institutions);
	f->ninstitutions = 0;
	size_t line = 0;
	for (char *p = text; p != NULL;) {
		char *end = strchr(p, '\n');
		if (end != NULL)
			*end = '\0';
		char *name = str_trim(p);
		p = end != NULL ? end + 1 : NULL;
		line++;
		if (name[0] == '\0')
			continue;
		if (f->ninstitutions == NETWORK_INSTITUTIONS_MAX) {
			field_error(errors, "institutions",
				    arena_printf(req->arena, _("At most %d institutions."),
						 NETWORK_INSTITUTIONS_MAX));
			return;
		}
		if (str_utf8_len(name, strlen(name)) > NETWORK_INSTITUTION_MAX) {
			field_error(errors, "institutions",
				    arena_printf(req->arena,
						 _("Line %zu is longer than %d characters."), line,
						 NETWORK_INSTITUTION_MAX));
			return;
		}
		f->institutions[f->ninstitutions++] = name;
	}
}

/*
 * Checks the whole form into f->n and f->institutions; errors gets one
 * message per bad field, in the form's order.  self: the network being
 * edited (0 for a new one), whose own slug is not "taken".  Returns a
 * database failure only: bad input is in errors.
 */
static enum err form_check(struct req *req, struct net_form *f, const struct theme_row *themes,
			   size_t nthemes, int64_t self, json_t *errors)
{
	struct network_row *n = &f->n;
	n->id = self;
	n->status = "planned";
	n->name_sv = check_line(req, errors, "name_sv", f->typed[NF_NAME_SV],
				_("Enter the name in Swedish."), NETWORK_NAME_MAX);
	n->name_en = check_line(req, errors, "name_en", f->typed[NF_NAME_EN],
				_("Enter the name in English."), NETWORK_NAME_MAX);
	enum err rc = E_OK;
	char *slug = trimmed(req, f->typed[NF_SLUG]);
	n->slug = slug;
	if (slug[0] == '\0') {
		field_error(errors, "slug", _("Enter the web address name."));
	} else if (!slug_ok(slug)) {
		field_error(errors, "slug",
			    _("Use at most 60 lower-case letters a–z, digits and single hyphens, "
			      "such as climate-2025."));
	} else {
		bool taken = false;
		if ((rc = db_network_slug_taken(req->db, slug, self, &taken)) != E_OK)
			return rc;
		if (taken)
			field_error(errors, "slug",
				    _("Another network already has this web address name."));
	}
	int64_t theme = 0;
	bool theme_ok = str_to_i64(f->typed[NF_THEME], 1, INT64_MAX, &theme);
	size_t t = 0;
	while (theme_ok && t < nthemes && themes[t].id != theme)
		t++;
	if (!theme_ok || t == nthemes)
		field_error(errors, "theme_id", _("Choose a theme."));
	n->theme_id = theme;
	static const enum nf_field descriptions[] = {NF_DESC_SV, NF_DESC_EN};
	for (size_t i = 0; i < 2; i++) {
		const char *text = f->typed[descriptions[i]];
		if (str_utf8_len(text, strlen(text)) > NETWORK_DESCRIPTION_MAX)
			field_error(
			    errors, field_names[descriptions[i]],
			    arena_printf(req->arena, _("At most %s characters."),
					 fmt_int(req->arena, req->lang, NETWORK_DESCRIPTION_MAX)));
	}
	n->description_sv = f->typed[NF_DESC_SV];
	n->description_en = f->typed[NF_DESC_EN];
	char *start = trimmed(req, f->typed[NF_START]);
	bool start_ok = date_valid(start);
	if (start[0] == '\0')
		field_error(errors, "start_date", _("Enter the start date."));
	else if (!start_ok)
		field_error(errors, "start_date",
			    _("Enter a date written YYYY-MM-DD, such as 2026-01-01."));
	n->start_date = start;
	/* Each number is judged with the other at its smallest, so the message
	 * lands on the field that is out of range. */
	int64_t inception = -1, project = -1;
	bool inception_ok =
	    str_to_i64(trimmed(req, f->typed[NF_INCEPTION]), 0, NETWORK_MAX_YEARS, &inception) &&
	    network_timeframe_valid((int)inception, 1);
	bool project_ok =
	    str_to_i64(trimmed(req, f->typed[NF_PROJECT]), 0, NETWORK_MAX_YEARS, &project) &&
	    network_timeframe_valid(0, (int)project);
	if (!inception_ok)
		field_error(errors, "inception_years",
			    _("Enter a whole number of years from 0 to 2."));
	if (!project_ok)
		field_error(errors, "project_years",
			    _("Enter a whole number of years from 1 to 6."));
	if (inception_ok && project_ok && !network_timeframe_valid((int)inception, (int)project))
		field_error(
		    errors, "project_years",
		    arena_printf(req->arena,
				 _("Inception and project years together may be at most %d."),
				 NETWORK_MAX_YEARS));
	n->inception_years = (int)inception;
	n->project_years = (int)project;
	char *capacity = trimmed(req, f->typed[NF_CAPACITY]);
	n->capacity = 0;
	if (capacity[0] != '\0' && !str_to_i64(capacity, 1, NETWORK_CAPACITY_MAX, &n->capacity))
		field_error(
		    errors, "capacity",
		    arena_printf(
			req->arena,
			_("Leave it empty for no limit, or enter a whole number from 1 to %d."),
			NETWORK_CAPACITY_MAX));
	if (start_ok && (rc = check_countries(req, f, start, errors)) != E_OK)
		return rc;
	check_institutions(req, f, errors);
	return E_OK;
}

/* ---- Audit ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every content field of a network as audit JSON (countries sorted, so
 * that order alone is no change). */
static json_t *audit_fields(struct req *req, const struct network_row *n,
			    const char *const *countries, size_t ncountries,
			    const char *const *institutions, size_t ninstitutions)
{
	const char **sorted = arena_alloc(req->arena, (ncountries + 1) * sizeof *sorted);
	if (ncountries > 0)
		memcpy(sorted, countries, ncountries * sizeof *sorted);
	qsort(sorted, ncountries, sizeof *sorted, cmp_str);
	json_t *c = json_array();
	for (size_t i = 0; i < ncountries; i++)
		json_array_append_new(c, json_string(sorted[i]));
	json_t *in = json_array();
	for (size_t i = 0; i < ninstitutions; i++)
		json_array_append_new(in, json_string(institutions[i]));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:i, s:i, s:o, s:o, s:o}", "name_sv",
			 n->name_sv, "name_en", n->name_en, "slug", n->slug, "theme_id",
			 n->theme_id > 0 ? json_integer(n->theme_id) : json_null(),
			 "description_sv", n->description_sv, "description_en", n->description_en,
			 "start_date", pages_str(n->start_date), "inception_years",
			 n->inception_years, "project_years", n->project_years, "capacity",
			 n->capacity > 0 ? json_integer(n->capacity) : json_null(), "countries", c,
			 "institutions", in);
}

static json_t *stored_fields(struct req *req, const struct stored *s)
{
	const char **codes = arena_alloc(req->arena, (s->ncountries + 1) * sizeof *codes);
	for (size_t i = 0; i < s->ncountries; i++)
		codes[i] = s->countries[i].code;
	return audit_fields(req, &s->n, codes, s->ncountries, s->institutions, s->ninstitutions);
}

/* Puts into before and after the fields whose values differ. */
static void audit_diff(json_t *old, json_t *fresh, json_t *before, json_t *after)
{
	const char *key;
	json_t *v;
	json_object_foreach(old, key, v)
	{
		json_t *w = json_object_get(fresh, key);
		if (!json_equal(v, w)) {
			json_object_set(before, key, v);
			json_object_set(after, key, w);
		}
	}
}

/* ---- Staff pages ------------------------------------------------------ */

/* The field labels, as the form shows them (for the conflict summary). */
static const char *field_label(const char *key)
{
	static const struct {
		const char *key;   /* form field */
		const char *label; /* gettext id */
	} labels[] = {
	    {"name_sv", N_("Name in Swedish")},
	    {"name_en", N_("Name in English")},
	    {"slug", N_("Web address name")},
	    {"theme_id", N_("Theme")},
	    {"description_sv", N_("Description in Swedish")},
	    {"description_en", N_("Description in English")},
	    {"start_date", N_("Start date")},
	    {"inception_years", N_("Inception years")},
	    {"project_years", N_("Project years")},
	    {"capacity", N_("Capacity (partnerships at most)")},
	    {"countries", N_("Partner countries")},
	    {"institutions", N_("Partner institutions")},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0)
			return _(labels[i].label);
	return key;
}

/* An audit value as text for people: lists joined, null as a dash. */
static const char *value_text(struct req *req, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
	if (!json_is_array(v) || json_array_size(v) == 0)
		return "–";
	struct buf b;
	buf_init(&b, 64 * 1024);
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", json_string_value(item));
	}
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* The API's view of a stored network: content, status, version, country
 * codes, institutions, and the people with their roles. */
static json_t *admin_json(struct req *req, const struct stored *s)
{
	json_t *m = stored_fields(req, s);
	json_t *people = json_array();
	for (size_t i = 0; i < s->npeople; i++) {
		const struct network_person *p = &s->people[i];
		json_array_append_new(people, json_pack("{s:I, s:s, s:s, s:o, s:b}", "id",
							(json_int_t)p->person_id, "name", p->name,
							"role", p->role, "email",
							pages_str(p->email), "active", p->active));
	}
	json_object_set_new(m, "id", json_integer(s->n.id));
	json_object_set_new(m, "status", json_string(s->n.status));
	json_object_set_new(m, "version", json_integer(s->n.version));
	json_object_set_new(m, "people", people);
	json_object_set_new(m, "url", json_string(slug_url(req, "/networks/", s->n.slug)));
	return m;
}

/* The checkboxes: every country eligible on the list's date, and any
 * ticked country that is not (marked, so it can be unticked). */
static json_t *country_options(struct req *req, const struct net_form *f)
{
	json_t *list = json_array();
	for (size_t i = 0; i < f->neligible; i++) {
		const struct code_name *c = &f->eligible[i];
		bool ticked = false;
		for (size_t j = 0; j < f->ncountries && !ticked; j++)
			ticked = strcmp(f->countries[j], c->code) == 0;
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:b, s:b, s:s}", "value", c->code, "label",
				    pick(req, c->name, c->name_sv), "checked", ticked, "eligible",
				    true, "id", arena_printf(req->arena, "country-%s", c->code)));
	}
	for (size_t j = 0; j < f->ncountries; j++) {
		struct country_row c;
		if (find_code(f->eligible, f->neligible, f->countries[j]) != NULL ||
		    !iso2_shape(f->countries[j]) ||
		    db_country_by_iso2(req->db, req->arena, f->countries[j], f->eligible_on, &c) !=
			E_OK)
			continue;
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:b, s:b, s:s}", "value", c.iso2, "label",
				    pick(req, c.name_en, c.name_sv), "checked", true, "eligible",
				    false, "id", arena_printf(req->arena, "country-%s", c.iso2)));
	}
	return list;
}

/* The form page's HTML data: the fields as typed, the options, and for an
 * existing network its status steps and people.  s is NULL for a new one. */
static json_t *form_view(struct req *req, struct resp *resp, const struct net_form *f,
			 const struct theme_row *themes, size_t nthemes, const struct stored *s)
{
	json_t *form = json_object();
	for (int i = 0; i < NF__COUNT; i++)
		json_object_set_new(form, field_names[i], json_string(f->typed[i]));
	json_t *theme_options = json_array();
	for (size_t i = 0; i < nthemes; i++)
		json_array_append_new(
		    theme_options,
		    pages_option(arena_printf(req->arena, "%lld", (long long)themes[i].id),
				 pick(req, themes[i].name_en, themes[i].name_sv),
				 f->typed[NF_THEME]));
	json_t *countries = country_options(req, f);
	const char *notice = NULL;
	if (req_query(req, "created") != NULL)
		notice = _("The network is created.");
	else if (req_query(req, "saved") != NULL)
		notice = _("The network is saved.");
	else if (req_query(req, "moved") != NULL)
		notice = _("The network's status is changed.");
	json_t *v =
	    json_pack("{s:o, s:o, s:o, s:b, s:s, s:b, s:s, s:s, s:o, s:o, s:b}", "form", form,
		      "themes", theme_options, "country_options", countries, "has_country_options",
		      json_array_size(countries) > 0, "countries_date_text",
		      fmt_date(req->arena, req->lang, f->eligible_on), "is_new", s == NULL,
		      "action", s == NULL ? "/admin/networks/new" : edit_url(req, s->n.id), "csrf",
		      pages_csrf(req, resp), "notice", pages_str(notice), "conflict", json_array(),
		      "has_conflict", false);
	if (s == NULL)
		return v;
	enum network_status cur;
	bool known = network_status_parse(s->n.status, &cur);
	json_t *steps = json_array();
	for (int i = 0; i < NET__COUNT; i++)
		json_array_append_new(
		    steps, json_pack("{s:s, s:b, s:b}", "name",
				     _(network_status_name((enum network_status)i)), "current",
				     known && (int)cur == i, "done", known && i < (int)cur));
	bool has_next = known && cur + 1 < NET__COUNT;
	enum network_status next = has_next ? (enum network_status)(cur + 1) : cur;
	json_t *members = json_array();
	for (size_t i = 0; i < s->npeople; i++) {
		const struct network_person *p = &s->people[i];
		json_array_append_new(members,
				      json_pack("{s:s, s:s, s:o, s:b, s:s}", "name", p->name,
						"role_name", role_name(p->role), "email",
						pages_str(p->email), "active", p->active, "url",
						arena_printf(req->arena, "/admin/people/%lld",
							     (long long)p->person_id)));
	}
	json_object_set_new(v, "name", json_string(pick(req, s->n.name_en, s->n.name_sv)));
	json_object_set_new(v, "public_url", json_string(slug_url(req, "/networks/", s->n.slug)));
	json_object_set_new(v, "status_name", json_string(status_name(s->n.status)));
	json_object_set_new(v, "steps", steps);
	json_object_set_new(v, "has_next", json_boolean(has_next));
	json_object_set_new(v, "next_status", json_string(network_status_code(next)));
	json_object_set_new(v, "next_status_name", json_string(_(network_status_name(next))));
	json_object_set_new(v, "status_action",
			    json_string(arena_printf(req->arena, "/admin/networks/%lld/status",
						     (long long)s->n.id)));
	json_object_set_new(v, "members", members);
	json_object_set_new(v, "has_members", json_boolean(s->npeople > 0));
	return v;
}

/* The form page again, with errors (422), for a new or stored network. */
static enum err form_invalid(struct req *req, struct resp *resp, const struct net_form *f,
			     const struct theme_row *themes, size_t nthemes, const struct stored *s,
			     json_t *errors)
{
	json_t *m = s != NULL ? admin_json(req, s) : json_object();
	json_t *v = form_view(req, resp, f, themes, nthemes, s);
	json_object_update(m, v);
	json_decref(v);
	return pages_form_invalid(req, resp, "admin/network_form", m, errors);
}

/* Loads the network named by {id} with its parts; 404 otherwise. */
static enum err load_stored(struct req *req, struct resp *resp, struct stored *s)
{
	memset(s, 0, sizeof *s);
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, _("There is no network with this number."));
	enum err rc = db_network_by_id(req->db, req->arena, id, &s->n);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no network with this number."));
	if (rc == E_OK)
		rc = load_parts(req, s);
	return rc;
}

/* Writes the countries, institutions and audit row of a saved network, in
 * the caller's transaction. */
static enum err save_parts(struct req *req, const struct net_form *f, int64_t id,
			   const char *action, json_t *before, json_t *after)
{
	enum err rc = db_network_set_countries(req->db, id, f->countries, f->ncountries);
	if (rc == E_OK)
		rc = db_network_set_institutions(req->db, id, f->institutions, f->ninstitutions);
	if (rc == E_OK && json_object_size(after) > 0)
		rc = pages_audit(req, action, "network", id, before, after);
	return rc;
}

/*
 * GET /admin/networks/new
 * Staff (network.manage).  The form for a new network (the usual 1 + 3
 * years filled in).  200.
 */
enum err networks_new(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct theme_row *themes;
	size_t nthemes;
	struct net_form f;
	form_blank(&f);
	if ((rc = db_themes(req->db, req->arena, &themes, &nthemes)) != E_OK ||
	    (rc = load_eligible(req, &f)) != E_OK)
		return rc;
	json_t *m = form_view(req, resp, &f, themes, nthemes, NULL);
	pages_form_ok(m);
	resp_page(resp, "admin/network_form", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /admin/networks/new
 * Staff (network.manage; CSRF).  Form: name_sv, name_en, slug, theme_id,
 * description_sv, description_en (CommonMark), start_date, inception_years,
 * project_years, capacity (empty: no limit), country (repeated: iso2 codes
 * eligible on the start date), institutions (one per line).  Creates the
 * network as planned.  303 to its page; 422 with field errors (nothing
 * stored); 409 when its web address name was taken meanwhile.
 */
enum err networks_create(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct theme_row *themes;
	size_t nthemes;
	struct net_form f;
	form_read(req, &f);
	if ((rc = db_themes(req->db, req->arena, &themes, &nthemes)) != E_OK ||
	    (rc = load_eligible(req, &f)) != E_OK)
		return rc;
	json_t *errors = json_object();
	if ((rc = form_check(req, &f, themes, nthemes, 0, errors)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors) > 0)
		return form_invalid(req, resp, &f, themes, nthemes, NULL, errors);
	json_decref(errors);
	json_t *after =
	    audit_fields(req, &f.n, f.countries, f.ncountries, f.institutions, f.ninstitutions);
	int64_t id = 0;
	if ((rc = account_begin(req)) != E_OK) {
		json_decref(after);
		return rc;
	}
	rc = db_network_insert(req->db, &f.n, pages_now(req), &id);
	if (rc == E_OK)
		rc = save_parts(req, &f, id, "network.create", NULL, after);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("Another network took this web address name in the meantime. "
				    "Nothing was stored."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "%s?created=1", edit_url(req, id)));
	return E_OK;
}

/*
 * GET /admin/networks/{id}/edit
 * Staff (network.manage).  The network's admin page: the form with what
 * is stored, its status with the move to the next one, and its people
 * (linked to their pages, where roles are given).  JSON: the stored
 * network with country codes, institutions, people and version.  200;
 * 404 for an unknown id.
 */
enum err networks_edit(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct stored s;
	if ((rc = load_stored(req, resp, &s)) != E_OK)
		return rc;
	resp_page(resp, "admin/network_form", admin_json(req, &s));
	resp->no_store = true;
	if (req->wants_json)
		return E_OK;
	struct theme_row *themes;
	size_t nthemes;
	struct net_form f;
	form_from_stored(req, &f, &s);
	if ((rc = db_themes(req->db, req->arena, &themes, &nthemes)) != E_OK ||
	    (rc = load_eligible(req, &f)) != E_OK)
		return rc;
	resp->view = form_view(req, resp, &f, themes, nthemes, &s);
	pages_form_ok(resp->view);
	return E_OK;
}

/* A stale edit: the form keeps what was typed, marks the fields that
 * differ from what is stored now and lists the stored values, and carries
 * the stored version, so that saving again is a deliberate choice. */
static enum err edit_conflict(struct req *req, struct resp *resp, struct net_form *f,
			      const struct theme_row *themes, size_t nthemes,
			      const struct stored *s, json_t *before)
{
	json_t *fields = json_object();
	json_t *conflict = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(before, key, v)
	{
		json_object_set_new(
		    fields, key,
		    json_string(_("Someone else changed this field after you opened the form.")));
		json_array_append_new(conflict, json_pack("{s:s, s:s}", "label", field_label(key),
							  "stored", value_text(req, v)));
	}
	json_object_set_new(
	    fields, "version",
	    json_string(
		_("Someone else saved this network after you opened the form. Check the marked "
		  "fields against what is stored now, then save again to keep your version.")));
	f->typed[NF_VERSION] = arena_printf(req->arena, "%lld", (long long)s->n.version);
	json_t *m = admin_json(req, s);
	json_t *view = form_view(req, resp, f, themes, nthemes, s);
	json_object_update(m, view);
	json_decref(view);
	json_object_set_new(m, "has_conflict", json_boolean(json_array_size(conflict) > 0));
	json_object_set_new(m, "conflict", conflict);
	enum err rc = pages_form_invalid(req, resp, "admin/network_form", m, fields);
	resp->status = 409;
	if (resp->error == E_UNPROCESSABLE)
		resp_error(resp, E_CONFLICT, _("Someone else saved this network in the meantime."));
	return rc;
}

/*
 * POST /admin/networks/{id}/edit
 * Staff (network.manage; CSRF).  Form: the fields of POST
 * /admin/networks/new and version (as read).  303 back to the page; 422
 * with field errors (nothing stored); 409 when someone saved in between
 * (the form again with what changed); 404 for an unknown id.
 */
enum err networks_update(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct stored s;
	if ((rc = load_stored(req, resp, &s)) != E_OK)
		return rc;
	struct theme_row *themes;
	size_t nthemes;
	struct net_form f;
	form_read(req, &f);
	if ((rc = db_themes(req->db, req->arena, &themes, &nthemes)) != E_OK ||
	    (rc = load_eligible(req, &f)) != E_OK)
		return rc;
	json_t *errors = json_object();
	if (!str_to_i64(trimmed(req, f.typed[NF_VERSION]), 1, INT64_MAX, &f.version))
		field_error(errors, "version",
			    _("The form is incomplete. Open the network again and make your "
			      "changes there."));
	if ((rc = form_check(req, &f, themes, nthemes, s.n.id, errors)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors) > 0)
		return form_invalid(req, resp, &f, themes, nthemes, &s, errors);
	json_decref(errors);
	f.n.version = f.version;
	json_t *old = stored_fields(req, &s);
	json_t *fresh =
	    audit_fields(req, &f.n, f.countries, f.ncountries, f.institutions, f.ninstitutions);
	json_t *before = json_object(), *after = json_object();
	audit_diff(old, fresh, before, after);
	json_decref(old);
	json_decref(fresh);
	if (f.version != s.n.version) {
		rc = edit_conflict(req, resp, &f, themes, nthemes, &s, before);
		json_decref(before);
		json_decref(after);
		return rc;
	}
	if ((rc = account_begin(req)) == E_OK) {
		rc = db_network_update(req->db, &f.n, pages_now(req));
		if (rc == E_OK)
			rc = save_parts(req, &f, s.n.id, "network.update", before, after);
		if (rc == E_OK)
			rc = account_commit(req);
		else
			db_rollback(req->db);
	}
	json_decref(before);
	json_decref(after);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("Someone else saved this network in the meantime. Nothing was "
				    "stored; open it again to see their changes."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "%s?saved=1", edit_url(req, s.n.id)));
	return E_OK;
}

/*
 * POST /admin/networks/{id}/status
 * Staff (network.manage; CSRF).  Form: to (the next status's code), from
 * (the status the page showed; optional).  Moves the network one step on
 * (planned, open_for_interest, matching, inception, implementation,
 * closing, closed).  303 back to the page; 422 for anything but the next
 * step; 409 when the status changed since the page was shown; 404 for an
 * unknown id.
 */
enum err networks_status(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_NETWORK_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct stored s;
	if ((rc = load_stored(req, resp, &s)) != E_OK)
		return rc;
	const char *from = req_form(req, "from");
	if (from != NULL && from[0] != '\0' && strcmp(from, s.n.status) != 0)
		return resp_error(resp, E_CONFLICT,
				  arena_printf(req->arena,
					       _("The network's status was changed in the "
						 "meantime: it is now %s. Nothing was changed."),
					       status_name(s.n.status)));
	enum network_status cur, to;
	bool known = network_status_parse(s.n.status, &cur);
	const char *problem = NULL;
	if (!network_status_parse(req_form(req, "to"), &to))
		problem = _("Choose the status to move the network to.");
	else if (known && cur == NET_CLOSED)
		problem = _("The network is closed; a closed network stays closed.");
	else if (!known || !network_may_move(cur, to))
		problem = arena_printf(
		    req->arena, _("A network moves one step at a time: from %s only to %s."),
		    status_name(s.n.status),
		    known ? _(network_status_name((enum network_status)(cur + 1))) : "–");
	if (problem != NULL) {
		struct theme_row *themes;
		size_t nthemes;
		struct net_form f;
		form_from_stored(req, &f, &s);
		if ((rc = db_themes(req->db, req->arena, &themes, &nthemes)) != E_OK ||
		    (rc = load_eligible(req, &f)) != E_OK)
			return rc;
		return form_invalid(req, resp, &f, themes, nthemes, &s,
				    json_pack("{s:s}", "to", problem));
	}
	json_t *before = json_pack("{s:s}", "status", s.n.status);
	json_t *after = json_pack("{s:s}", "status", network_status_code(to));
	if ((rc = account_begin(req)) == E_OK) {
		rc = db_network_set_status(req->db, s.n.id, s.n.status, network_status_code(to),
					   pages_now(req));
		if (rc == E_OK)
			rc = pages_audit(req, "network.status", "network", s.n.id, before, after);
		if (rc == E_OK)
			rc = account_commit(req);
		else
			db_rollback(req->db);
	}
	json_decref(before);
	json_decref(after);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("Someone else changed the network's status at the same moment. "
				    "Nothing was changed."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "%s?moved=1", edit_url(req, s.n.id)));
	return E_OK;
}
