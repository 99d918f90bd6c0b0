/*
 * interest.c - expressions of interest of Swedish organisations: the
 * public form (with its confirmation mail, withdraw link and invitation to
 * an account), and the staff triage of registrations (queue, detail, state
 * changes, network assignment, notes, CSV export of a network).
 *
 * Owns the pages under /interest and /admin/registrations, and
 * /admin/networks/{id}/registrations.csv.  State rules come from
 * domain/interest.h, permissions from policy.h (ACT_TRIAGE); the SQL is in
 * db/q_interest.c.  Every change is one transaction with its audit row; a
 * form is checked completely before anything is stored.
 *
 * Contact details are personal data: they are read into a page or JSON
 * model only by the triage handlers, after the policy allowed the actor to
 * triage that registration.  The public pages (form, thanks, withdraw)
 * never show them, not even to the person holding the withdraw link.
 */
#include "pages/interest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/token.h"
#include "db/q_countries.h"
#include "db/q_interest.h"
#include "db/q_organisations.h"
#include "db/q_people.h"
#include "db/q_triage.h"
#include "domain/eligibility.h"
#include "domain/interest.h"
#include "domain/network.h"
#include "domain/organisation.h"
#include "pages/account.h"
#include "pages/common.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/str.h"
#include "util/timefmt.h"
#include "view/fmt.h"
#include "view/i18n.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

/* The name in lang, falling back to the other language's. */
static const char *by_lang(const char *lang, const char *sv, const char *en)
{
	if (strcmp(lang, "en") == 0)
		return en != NULL ? en : sv;
	return sv != NULL ? sv : en;
}

/* The request's day "YYYY-MM-DD" (not the clock's: a request spanning
 * midnight judges every field by one day). */
static void request_day(const struct req *req, char out[11])
{
	char at[TIMEFMT_LEN];
	timefmt_iso((time_t)req->now, at);
	memcpy(out, at, 10);
	out[10] = '\0';
}

static size_t chars(const char *s)
{
	return str_utf8_len(s, strlen(s));
}

/* A typed one-line value: control characters (a newline pasted into a
 * name, say) become spaces, ends trimmed; NULL when nothing is left. */
static const char *one_line(struct arena *a, const char *typed)
{
	if (typed == NULL)
		return NULL;
	char *s = arena_strdup(a, typed);
	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	s = str_trim(s);
	return s[0] != '\0' ? s : NULL;
}

/* A typed text block (line breaks kept), trimmed; NULL when empty. */
static const char *text_block(struct arena *a, const char *typed)
{
	if (typed == NULL)
		return NULL;
	char *s = str_trim(arena_strdup(a, typed));
	return s[0] != '\0' ? s : NULL;
}

/* A timestamp's day, formatted for lang. */
static const char *day_text(struct req *req, const char *at)
{
	if (at == NULL)
		return NULL;
	return fmt_date(req->arena, req->lang, arena_strndup(req->arena, at, 10));
}

/* A timestamp as "YYYY-MM-DD HH:MM" (UTC), the day formatted for lang. */
static const char *time_text(struct req *req, const char *at)
{
	if (at == NULL || strlen(at) < 16)
		return at != NULL ? at : "";
	return arena_printf(req->arena, "%s %.5s", day_text(req, at), at + 11);
}

static void set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
}

/* The translated name of a stored registration status. */
static const char *status_text(const char *code)
{
	enum reg_status s;
	return reg_status_parse(code, &s) ? _(reg_status_name(s)) : code;
}

static const char *support_text(const char *code)
{
	enum political_support s;
	return support_parse(code, &s) ? _(support_name(s)) : code;
}

/* What a registration is about: its network, else its theme, in lang. */
static const char *reg_interest(const struct registration *r, const char *lang)
{
	if (r->network_id > 0)
		return by_lang(lang, r->network_sv, r->network_en);
	return by_lang(lang, r->theme_sv, r->theme_en);
}

/* ------------------------------------------------------------------ */
/* The public form                                                      */
/* ------------------------------------------------------------------ */

/* The fields of the form refilled as typed (every one a string). */
static const char *const form_fields[] = {
	"organisation",	 "contact_name", "contact_email",   "contact_phone", "contact_position",
	"network",	 "theme",	 "partner_in_mind", "support",	     "decision_body",
	"decision_date", "message",
};

/* The countries ticked in the form (repeated "countries" fields), without
 * duplicates, at most cap + 1 of them (one more shows the cap was passed). */
static size_t picked_countries(struct req *req, const char ***out, size_t cap)
{
	const char **list = arena_alloc(req->arena, (cap + 1) * sizeof *list);
	size_t n = 0;
	for (size_t i = 0; i < req->form.n && n <= cap; i++) {
		const struct kv *kv = &req->form.items[i];
		if (strcmp(kv->name, "countries") != 0 || kv->value[0] == '\0')
			continue;
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(list[j], kv->value) == 0;
		if (!seen)
			list[n++] = kv->value;
	}
	*out = list;
	return n;
}

static bool in_list(const char *const *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], code) == 0)
			return true;
	return false;
}

struct keyed {
	const char *key; /* sort key of the label */
	json_t *option;	 /* the option */
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* Sorts options by their labels as the page's language sorts (the names
 * come ordered by their English form; Swedish puts "Sydafrika" elsewhere
 * than "South Africa"). */
static void sort_options(struct req *req, json_t *options)
{
	size_t n = json_array_size(options);
	if (n < 2)
		return;
	struct keyed *k = arena_alloc(req->arena, n * sizeof *k);
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < n; i++) {
		k[i].option = json_incref(json_array_get(options, i));
		const char *label = json_string_value(json_object_get(k[i].option, "label"));
		buf_reset(&b);
		if (label != NULL)
			str_sort_key(&b, label, strlen(label), req->lang);
		k[i].key = arena_strdup(req->arena, buf_str(&b));
	}
	buf_free(&b);
	qsort(k, n, sizeof *k, keyed_cmp);
	json_array_clear(options);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(options, k[i].option);
}

/* An option with an id for its input (checkboxes and radios). */
static json_t *choice(const char *id_prefix, const char *value, const char *label, bool on,
		      struct arena *a)
{
	json_t *o = pages_option(value, label, NULL);
	set(o, "selected", json_boolean(on));
	set(o, "id", json_string(arena_printf(a, "%s-%s", id_prefix, value)));
	return o;
}

/*
 * The form's model around form (the typed values; stolen): the Swedish
 * organisations grouped by kind, the networks that take interest, the
 * themes, the countries eligible on the request's day (picked ones ticked),
 * the political-support choices and the languages.
 */
static enum err form_model(struct req *req, struct resp *resp, json_t *form,
			   const char *const *picked, size_t npicked, json_t **out)
{
	*out = NULL;
	const char *lang = req->lang;
	const char *org_sel = json_string_value(json_object_get(form, "organisation"));
	const char *net_sel = json_string_value(json_object_get(form, "network"));
	const char *theme_sel = json_string_value(json_object_get(form, "theme"));
	const char *support_sel = json_string_value(json_object_get(form, "support"));
	const char *lang_sel = json_string_value(json_object_get(form, "lang"));
	struct interest_org *orgs;
	size_t norgs;
	struct interest_network *nets;
	size_t nnets;
	struct code_name *themes, *countries;
	size_t nthemes, ncountries;
	char day[11];
	request_day(req, day);
	enum err rc = db_interest_org_options(req->db, req->arena, &orgs, &norgs);
	if (rc == E_OK)
		rc = db_interest_networks(req->db, req->arena, &nets, &nnets);
	if (rc == E_OK)
		rc = db_interest_themes(req->db, req->arena, &themes, &nthemes);
	if (rc == E_OK)
		rc = db_eligible_countries(req->db, req->arena, day, &countries, &ncountries);
	if (rc != E_OK) {
		json_decref(form);
		return rc;
	}
	/* One group per Swedish kind, in the kinds' display order. */
	json_t *groups = json_array();
	for (size_t k = 0; k < org_nkinds; k++) {
		if (!org_kinds[k].swedish)
			continue;
		json_t *options = json_array();
		for (size_t i = 0; i < norgs; i++) {
			if (strcmp(orgs[i].kind, org_kinds[k].code) != 0)
				continue;
			const char *id = arena_printf(req->arena, "%lld", (long long)orgs[i].id);
			json_array_append_new(options, pages_option(id, orgs[i].name, org_sel));
		}
		if (json_array_size(options) > 0)
			json_array_append_new(groups, json_pack("{s:s, s:o}", "label",
								_(org_kinds[k].plural), "options",
								options));
		else
			json_decref(options);
	}
	json_t *networks = json_array();
	for (size_t i = 0; i < nnets; i++) {
		enum network_status s;
		if (network_status_parse(nets[i].status, &s) && network_takes_interest(s))
			json_array_append_new(networks,
					      pages_option(nets[i].slug,
							   by_lang(lang, nets[i].name_sv, nets[i].name_en),
							   net_sel));
	}
	json_t *theme_list = json_array();
	for (size_t i = 0; i < nthemes; i++)
		json_array_append_new(theme_list,
				      pages_option(themes[i].code,
						   by_lang(lang, themes[i].name_sv, themes[i].name),
						   theme_sel));
	json_t *country_list = json_array();
	for (size_t i = 0; i < ncountries; i++)
		json_array_append_new(country_list,
				      choice("country", countries[i].code,
					     by_lang(lang, countries[i].name_sv, countries[i].name),
					     in_list(picked, npicked, countries[i].code), req->arena));
	sort_options(req, networks);
	sort_options(req, theme_list);
	sort_options(req, country_list);
	json_t *supports = json_array();
	for (int s = 0; s < SUPPORT__COUNT; s++) {
		const char *code = support_code((enum political_support)s);
		json_array_append_new(supports,
				      choice("support", code, _(support_name((enum political_support)s)),
					     support_sel != NULL && strcmp(support_sel, code) == 0,
					     req->arena));
	}
	json_t *langs = json_array();
	json_array_append_new(langs, pages_option("sv", "Svenska", lang_sel));
	json_array_append_new(langs, pages_option("en", "English", lang_sel));
	*out = json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:s, s:n, s:i}", "form", form,
			 "org_groups", groups, "networks", networks, "has_networks",
			 json_array_size(networks) > 0, "themes", theme_list, "countries",
			 country_list, "supports", supports, "langs", langs, "csrf",
			 pages_csrf(req, resp), "notice", "message_max", INTEREST_MESSAGE_MAX);
	return E_OK;
}

/* The typed values of a posted form, for refilling it. */
static json_t *typed_form(struct req *req)
{
	json_t *f = json_object();
	for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++) {
		const char *v = req_form(req, form_fields[i]);
		set(f, form_fields[i], json_string(v != NULL ? v : ""));
	}
	const char *lang = req_form(req, "lang");
	set(f, "lang", json_string(account_lang(lang, req->lang)));
	return f;
}

/*
 * GET /interest?network=SLUG
 * Public.  The form to register interest for a Swedish organisation; the
 * network is preselected when it takes interest, else a notice says why it
 * does not.  200.
 */
enum err interest_form(struct req *req, struct resp *resp)
{
	json_t *form = json_object();
	for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
		set(form, form_fields[i], json_string(""));
	set(form, "lang", json_string(req->lang));
	const char *slug = pages_query(req, "network");
	const char *notice = NULL;
	if (slug != NULL) {
		struct interest_network n;
		enum err rc = db_interest_network_by_slug(req->db, req->arena, slug, &n);
		enum network_status s;
		if (rc == E_NOTFOUND)
			notice = _("There is no network at that address. Choose one from the list.");
		else if (rc != E_OK) {
			json_decref(form);
			return rc;
		} else if (!network_status_parse(n.status, &s) || !network_takes_interest(s))
			notice = arena_printf(req->arena,
					      _("The network %s does not take registrations of interest now."),
					      by_lang(req->lang, n.name_sv, n.name_en));
		else
			set(form, "network", json_string(slug));
	}
	json_t *m;
	enum err rc = form_model(req, resp, form, NULL, 0, &m);
	if (rc != E_OK)
		return rc;
	set(m, "notice", pages_str(notice));
	pages_form_ok(m);
	resp_page(resp, "interest/form", m);
	return E_OK;
}

/* A registration as checked from the form. */
struct checked {
	struct registration_input in;	 /* what is stored */
	enum political_support support;	 /* the support chosen */
	const char *organisation;	 /* the organisation's name */
	const char *interest_sv;	 /* the network's or theme's names */
	const char *interest_en;
	bool is_network;		 /* a network (not only a theme) was chosen */
	const char **countries;		 /* ISO codes of the preferred countries */
	size_t ncountries;		 /* how many */
	const char *countries_sv;	 /* their names, comma-separated, or NULL */
	const char *countries_en;
};

/* Checks the organisation field: one of the directory's Swedish ones. */
static enum err check_organisation(struct req *req, json_t *errors, struct checked *c)
{
	const char *v = req_form(req, "organisation");
	int64_t id;
	if (v == NULL || v[0] == '\0') {
		set(errors, "organisation", json_string(_("Choose your organisation from the list.")));
		return E_OK;
	}
	struct org_row o;
	enum err rc = str_to_i64(v, 1, INT64_MAX, &id)
			      ? db_organisation_by_id(req->db, req->arena, id, &o)
			      : E_NOTFOUND;
	if (rc == E_NOTFOUND) {
		set(errors, "organisation",
		    json_string(_("There is no such organisation in the directory. Choose yours from the list.")));
		return E_OK;
	}
	if (rc != E_OK)
		return rc;
	const struct org_kind *k = org_kind_find(o.kind);
	if (k == NULL || !k->swedish) {
		set(errors, "organisation",
		    json_string(arena_printf(req->arena,
					     _("%s is not a Swedish municipality or region. Local governments in partner countries declare their interest through the form for international partners."),
					     o.name)));
		return E_OK;
	}
	c->in.organisation_id = o.id;
	c->organisation = o.name;
	return E_OK;
}

/* Checks network and theme: a network that takes interest, or else a theme. */
static enum err check_interest(struct req *req, json_t *errors, struct checked *c)
{
	const char *slug = req_form(req, "network");
	const char *theme = req_form(req, "theme");
	bool has_net = slug != NULL && slug[0] != '\0';
	bool has_theme = theme != NULL && theme[0] != '\0';
	if (has_net && has_theme) {
		set(errors, "theme", json_string(_("Choose either a network or a theme, not both.")));
		return E_OK;
	}
	if (!has_net && !has_theme) {
		set(errors, "network", json_string(_("Choose a network, or a theme if no network fits.")));
		return E_OK;
	}
	if (has_net) {
		struct interest_network n;
		enum err rc = db_interest_network_by_slug(req->db, req->arena, slug, &n);
		if (rc == E_NOTFOUND) {
			set(errors, "network", json_string(_("There is no such network. Choose one from the list.")));
			return E_OK;
		}
		if (rc != E_OK)
			return rc;
		enum network_status s;
		if (!network_status_parse(n.status, &s) || !network_takes_interest(s)) {
			set(errors, "network",
			    json_string(arena_printf(req->arena,
						     _("The network %s does not take registrations of interest now (its status is: %s)."),
						     by_lang(req->lang, n.name_sv, n.name_en),
						     network_status_parse(n.status, &s)
							     ? _(network_status_name(s))
							     : n.status)));
			return E_OK;
		}
		c->in.network_id = n.id;
		c->in.theme_id = n.theme_id;
		c->interest_sv = n.name_sv;
		c->interest_en = n.name_en;
		c->is_network = true;
		return E_OK;
	}
	struct code_name *themes;
	size_t n;
	enum err rc = db_interest_themes(req->db, req->arena, &themes, &n);
	if (rc != E_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(themes[i].code, theme) == 0) {
			rc = db_interest_theme_id(req->db, theme, &c->in.theme_id);
			c->interest_sv = themes[i].name_sv;
			c->interest_en = themes[i].name;
			return rc;
		}
	set(errors, "theme", json_string(_("There is no such theme. Choose one from the list.")));
	return E_OK;
}

/* Checks the contact person's fields. */
static void check_contact(struct req *req, json_t *errors, struct checked *c)
{
	c->in.contact_name = account_name(req->arena, one_line(req->arena, req_form(req, "contact_name")));
	if (c->in.contact_name == NULL)
		set(errors, "contact_name",
		    json_string(_("Enter the contact person's name (at most 200 characters).")));
	c->in.contact_email = account_email(req->arena, req_form(req, "contact_email"));
	if (c->in.contact_email == NULL)
		set(errors, "contact_email",
		    json_string(_("Enter a valid e-mail address, such as name@kommun.se.")));
	const char *phone = one_line(req->arena, req_form(req, "contact_phone"));
	if (phone != NULL) {
		size_t digits = 0;
		bool ok = chars(phone) <= INTEREST_PHONE_MAX;
		for (const char *p = phone; ok && *p != '\0'; p++) {
			if (*p >= '0' && *p <= '9')
				digits++;
			else
				ok = strchr(" +-()./", *p) != NULL;
		}
		if (!ok || digits < 5)
			set(errors, "contact_phone",
			    json_string(_("Enter a phone number of digits, spaces and + - ( ), at most 40 characters.")));
	}
	c->in.contact_phone = phone;
	c->in.contact_position = one_line(req->arena, req_form(req, "contact_position"));
	if (c->in.contact_position != NULL && chars(c->in.contact_position) > INTEREST_TEXT_MAX)
		set(errors, "contact_position", json_string(_("At most 200 characters.")));
	const char *lang = req_form(req, "lang");
	if (lang != NULL && lang[0] != '\0' && account_lang(lang, NULL) == NULL)
		set(errors, "lang", json_string(_("Choose Swedish or English.")));
	c->in.lang = account_lang(lang, req->lang);
}

/* Checks the preferred countries: each eligible on the request's day. */
static enum err check_countries(struct req *req, json_t *errors, struct checked *c)
{
	char day[11];
	request_day(req, day);
	c->ncountries = picked_countries(req, &c->countries, INTEREST_COUNTRIES_MAX);
	if (c->ncountries > INTEREST_COUNTRIES_MAX) {
		set(errors, "countries", json_string(_("Choose at most 30 countries.")));
		return E_OK;
	}
	struct code_name *eligible;
	size_t n;
	enum err rc = db_eligible_countries(req->db, req->arena, day, &eligible, &n);
	if (rc != E_OK)
		return rc;
	struct buf sv, en;
	buf_init(&sv, 16 * 1024);
	buf_init(&en, 16 * 1024);
	for (size_t i = 0; i < c->ncountries; i++) {
		const struct code_name *hit = NULL;
		for (size_t j = 0; j < n && hit == NULL; j++)
			if (strcmp(eligible[j].code, c->countries[i]) == 0)
				hit = &eligible[j];
		if (hit != NULL) {
			buf_printf(&sv, "%s%s", sv.len > 0 ? ", " : "", hit->name_sv);
			buf_printf(&en, "%s%s", en.len > 0 ? ", " : "", hit->name);
			continue;
		}
		/* Say which country and why, when it is a country at all. */
		struct country_row cr;
		rc = strlen(c->countries[i]) == 2
			     ? db_country_by_iso2(req->db, req->arena, c->countries[i], day, &cr)
			     : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			set(errors, "countries", json_string(_("Choose partner countries from the list.")));
		else if (rc == E_OK)
			set(errors, "countries",
			    json_string(arena_printf(req->arena,
						     _("%s is not a partner country of the programme today, so it cannot be chosen."),
						     by_lang(req->lang, cr.name_sv, cr.name_en))));
		else
			break;
		rc = E_OK;
	}
	c->countries_sv = sv.len > 0 ? arena_strdup(req->arena, buf_str(&sv)) : NULL;
	c->countries_en = en.len > 0 ? arena_strdup(req->arena, buf_str(&en)) : NULL;
	buf_free(&sv);
	buf_free(&en);
	return rc;
}

/* Checks partner in mind, political support (and the decision) and message. */
static void check_rest(struct req *req, json_t *errors, struct checked *c)
{
	c->in.partner_in_mind = one_line(req->arena, req_form(req, "partner_in_mind"));
	if (c->in.partner_in_mind != NULL && chars(c->in.partner_in_mind) > INTEREST_PARTNER_MAX)
		set(errors, "partner_in_mind", json_string(_("At most 300 characters.")));
	if (!support_parse(req_form(req, "support"), &c->support)) {
		set(errors, "support", json_string(_("Choose the state of political support.")));
		c->support = SUPPORT_NONE;
	}
	c->in.political_support = support_code(c->support);
	/* Body and date belong to a decision; typed for another choice they
	 * are kept in the form but not stored. */
	if (c->support == SUPPORT_DECIDED) {
		const char *body = one_line(req->arena, req_form(req, "decision_body"));
		const char *date = one_line(req->arena, req_form(req, "decision_date"));
		char day[11];
		request_day(req, day);
		if (body == NULL)
			set(errors, "decision_body",
			    json_string(_("Name the body that decided, such as the municipal executive board.")));
		else if (chars(body) > INTEREST_TEXT_MAX)
			set(errors, "decision_body", json_string(_("At most 200 characters.")));
		if (date == NULL)
			set(errors, "decision_date", json_string(_("Enter the date of the decision.")));
		else if (!date_valid(date))
			set(errors, "decision_date",
			    json_string(_("Write the date of the decision as YYYY-MM-DD, such as 2025-03-14.")));
		else if (strcmp(date, day) > 0)
			set(errors, "decision_date",
			    json_string(_("The date of the decision cannot lie in the future.")));
		c->in.decision_body = body;
		c->in.decision_date = date;
	}
	const char *message = text_block(req->arena, req_form(req, "message"));
	if (message != NULL && chars(message) > INTEREST_MESSAGE_MAX)
		set(errors, "message", json_string(_("The message can have at most 4000 characters.")));
	c->in.message = message != NULL ? message : "";
}

/* The audit view of a registration: no personal data. */
static json_t *audit_state(const struct registration_input *in, const char *status,
			   const char *const *countries, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_string(countries[i]));
	return json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:s}", "organisation_id",
			 (json_int_t)in->organisation_id, "network_id",
			 in->network_id > 0 ? json_integer(in->network_id) : json_null(), "theme_id",
			 in->theme_id > 0 ? json_integer(in->theme_id) : json_null(), "status", status,
			 "political_support", in->political_support, "decision_date",
			 pages_str(in->decision_date), "countries", list, "contact",
			 "[personal data]");
}

/* Mails the contact what was registered, in their language, with the
 * withdraw link. */
static enum err mail_received(struct req *req, const struct checked *c, const char *token,
			      bool updated, int64_t person)
{
	const char *lang = c->in.lang;
	i18n_use(lang);
	json_t *data = json_pack(
		"{s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:o, s:o, s:s, s:b}", "name",
		c->in.contact_name, "organisation", c->organisation, "interest",
		by_lang(lang, c->interest_sv, c->interest_en), "is_network", c->is_network,
		"countries", pages_str(by_lang(lang, c->countries_sv, c->countries_en)), "support",
		_(support_name(c->support)), "decision_body", pages_str(c->in.decision_body),
		"decision_date", pages_str(c->in.decision_date), "partner_in_mind",
		pages_str(c->in.partner_in_mind), "withdraw_url",
		arena_printf(req->arena, "%s/interest/withdraw/%s", pages_base_url(req), token),
		"updated", updated);
	i18n_use(req->lang);
	enum err rc = pages_mail(req, "interest_received", "mail/interest_received",
				 c->in.contact_email, person, lang, data);
	json_decref(data);
	return rc;
}

/* Why a repeat from the public form left a registration as it was. */
enum unchanged {
	UNCHANGED_OTHER_CONTACT,  /* it named another contact person */
	UNCHANGED_DECIDED,	  /* its own contact, after ICLD decided */
	UNCHANGED_DECIDED_ERASED, /* decided, and its contact was erased */
};

/* Mails the contact of a registration that a repeat from the public form
 * left as it was: someone named another contact person (other_contact),
 * or the contact sent it again after ICLD decided on it.  In the
 * contact's language; nothing when erasure blanked the address. */
static enum err mail_unchanged(struct req *req, const struct registration *r, bool other_contact)
{
	const char *lang = r->lang;
	json_t *data = json_pack("{s:s, s:s, s:s, s:b}", "name", r->contact_name, "organisation",
				 r->organisation, "interest", reg_interest(r, lang), "other_contact",
				 other_contact);
	enum err rc = pages_mail(req, "interest_replaced", "mail/interest_replaced",
				 r->contact_email, 0, lang, data);
	json_decref(data);
	return rc;
}

/* Appends "label: value" and a line break to b when value is not NULL. */
static void note_line(struct buf *b, const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		buf_printf(b, "%s: %s\n", label, value);
}

/*
 * The note staff find on a registration a repeat left as it was: why, and
 * what was typed, the contact included (who asked to be the contact is
 * what staff need to check).  In the site's first language: notes are
 * read in either page language, and the visitor's is no guide.
 */
static const char *unchanged_note(struct req *req, const struct checked *c,
				  const struct registration *r, enum unchanged why)
{
	i18n_use(i18n_langs[0]);
	const char *lang = i18n_langs[0];
	struct buf b;
	buf_init(&b, 64 * 1024);
	if (why == UNCHANGED_OTHER_CONTACT)
		buf_puts(&b, _("Someone sent this registration again through the public form, naming another contact person. Nothing was changed: the contact stays as it is and has been told by e-mail."));
	else if (why == UNCHANGED_DECIDED)
		buf_printf(&b, _("The contact sent this registration again through the public form. It is decided (%s), so nothing was changed."),
			   status_text(r->status));
	else
		buf_printf(&b, _("Someone sent this registration again through the public form, naming a new contact person. It is decided (%s) and its contact was erased, so nothing was changed."),
			   status_text(r->status));
	buf_puts(&b, "\n");
	note_line(&b, _("Contact name"), c->in.contact_name);
	note_line(&b, _("E-mail address"), c->in.contact_email);
	note_line(&b, _("Phone"), c->in.contact_phone);
	note_line(&b, _("Position"), c->in.contact_position);
	note_line(&b, _("Language"), strcmp(c->in.lang, "en") == 0 ? "English" : "Svenska");
	note_line(&b, _("Preferred countries"), by_lang(lang, c->countries_sv, c->countries_en));
	note_line(&b, _("Partner in mind"), c->in.partner_in_mind);
	note_line(&b, _("Political support"), _(support_name(c->support)));
	note_line(&b, _("Decision body"), c->in.decision_body);
	note_line(&b, _("Decision date"), c->in.decision_date);
	if (c->in.message != NULL && c->in.message[0] != '\0')
		buf_printf(&b, "%s:\n%s\n", _("Message"), c->in.message);
	const char *note = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	i18n_use(req->lang);
	return note;
}

/*
 * A repeat that must not change the registration: recorded as a note for
 * staff with an audit row (no personal data there), and the contact is
 * told.  Nothing else: no new withdraw link, no invitation, no state
 * change, and the visitor sees the usual thanks page.
 */
static enum err store_unchanged(struct req *req, const struct checked *c,
				const struct registration *r, enum unchanged why)
{
	int64_t note = 0;
	enum err rc = db_note_add(req->db, "registration", r->id, 0,
				  unchanged_note(req, c, r, why), pages_now(req), &note);
	if (rc == E_OK) {
		json_t *before = json_pack("{s:s}", "status", r->status);
		json_t *after = json_pack("{s:s, s:I, s:s}", "status", r->status, "note_id",
					  (json_int_t)note, "contact",
					  why == UNCHANGED_DECIDED ? "same" : "other");
		rc = pages_audit(req, "registration.repeat", "registration", r->id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc == E_OK)
		rc = mail_unchanged(req, r, why != UNCHANGED_DECIDED);
	/* The stored address is not the visitor's to correct: a refusal of
	 * the mail queue must not reach the form (nor tell them anything). */
	if (rc == E_INVALID) {
		log_error("request %s: registration %lld: its contact cannot be mailed",
			  req->request_id, (long long)r->id);
		rc = E_OK;
	}
	return rc;
}

/*
 * Stores a checked registration in the open transaction: the merge with
 * an earlier one of the same organisation for the same network (or theme),
 * or a new one; its countries; the audit row; the confirmation mail; and an
 * invitation to an account when the address has none and none is pending.
 *
 * Whoever knows an organisation's name can send the form, so a repeat
 * changes the earlier registration only when it comes from its contact
 * (the same address, in any case) or the contact was erased, and only
 * before ICLD accepted it: an accepted or matched registration's contact
 * becomes the organisation's contact person and receives the partner's
 * details, so taking it over from the public form would hand those to a
 * stranger.  Any other repeat leaves the registration as it was
 * (store_unchanged).
 */
static enum err store(struct req *req, const struct checked *c)
{
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, hash);
	struct registration_input in = c->in;
	in.withdraw_token_hash = hash;
	in.client_addr = req->client_addr;
	const char *now = pages_now(req);
	int64_t id = 0;
	enum err rc = db_registration_lock_org(req->db, in.organisation_id);
	if (rc == E_OK)
		rc = db_registration_find(req->db, in.organisation_id, in.network_id, in.theme_id, &id);
	if (rc != E_OK)
		return rc;
	bool updated = id > 0;
	struct registration before;
	memset(&before, 0, sizeof before);
	const char *status = "submitted";
	if (updated) {
		if ((rc = db_registration_by_id(req->db, req->arena, id, &before)) != E_OK)
			return rc;
		enum reg_status s;
		if (!reg_status_parse(before.status, &s))
			return E_INTERNAL;
		bool erased = before.contact_email[0] == '\0';
		bool same = !erased && strcasecmp(before.contact_email, in.contact_email) == 0;
		bool decided = s == REG_ACCEPTED || s == REG_MATCHED;
		if (decided || (!same && !erased))
			return store_unchanged(req, c, &before,
					       !decided ? UNCHANGED_OTHER_CONTACT
					       : same	? UNCHANGED_DECIDED
					       : erased ? UNCHANGED_DECIDED_ERASED
							: UNCHANGED_OTHER_CONTACT);
		status = reg_status_code(registration_after_repeat(s));
		rc = db_registration_update(req->db, id, &in, status, now);
	} else {
		rc = db_registration_insert(req->db, &in, now, &id);
	}
	if (rc == E_OK)
		rc = db_registration_set_countries(req->db, id, c->countries, c->ncountries);
	if (rc == E_OK) {
		json_t *b = updated ? json_pack("{s:s, s:s}", "status", before.status, "contact",
						"[personal data]")
				    : NULL;
		json_t *a = audit_state(&in, status, c->countries, c->ncountries);
		rc = pages_audit(req, updated ? "registration.update" : "registration.create",
				 "registration", id, b, a);
		json_decref(b);
		json_decref(a);
	}
	struct person p;
	bool has_account = false, pending = false;
	if (rc == E_OK) {
		rc = db_person_by_email(req->db, req->arena, in.contact_email, &p);
		has_account = rc == E_OK;
		if (rc == E_NOTFOUND)
			rc = db_interest_invitation_pending(req->db, in.contact_email, now, &pending);
	}
	if (rc == E_OK)
		rc = mail_received(req, c, token, updated, has_account ? p.id : 0);
	/* An account without a role: staff grant the organisation's role when
	 * they accept the registration. */
	static const struct grant account_only = {'x', "none", 0};
	if (rc == E_OK && !has_account && !pending)
		rc = account_invite(req, in.contact_email, in.contact_name, in.lang, &account_only);
	return rc;
}

/*
 * POST /interest
 * Public (CSRF double-submit; PUBLIC_FORM_MAX_PER_HOUR stored submissions
 * or PUBLIC_FORM_MAX_ATTEMPTS attempts per client address and hour, then
 * 429).  Form: organisation (id), contact_name, contact_email,
 * contact_phone, contact_position, network (slug) or theme (slug),
 * countries (repeated ISO codes), partner_in_mind, support (none,
 * in_preparation, decided), decision_body and decision_date (when
 * decided), message, lang; website must stay empty.  A repeat for the
 * same organisation and network (or theme) updates the earlier
 * registration only as store() allows; otherwise it becomes a note for
 * staff.  200 with the thanks page in every such case (also when website
 * was filled, storing nothing), so the page never tells whether a
 * registration existed; 422 with every field's error and the form as
 * typed, storing nothing (also when the mail queue refuses the address);
 * 429.
 */
enum err interest_submit(struct req *req, struct resp *resp)
{
	bool bot;
	enum err rc = pages_public_form(req, resp, INTEREST_FORM, &bot);
	if (rc != E_OK)
		return rc;
	if (bot) {
		resp_page(resp, "interest/thanks",
			  json_pack("{s:b, s:s, s:s}", "received", true, "organisation", "",
				    "interest", ""));
		return E_OK;
	}
	struct checked c;
	memset(&c, 0, sizeof c);
	json_t *errors = json_object();
	rc = check_organisation(req, errors, &c);
	if (rc == E_OK)
		rc = check_interest(req, errors, &c);
	if (rc == E_OK) {
		check_contact(req, errors, &c);
		rc = check_countries(req, errors, &c);
	}
	if (rc == E_OK)
		check_rest(req, errors, &c);
	if (rc != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors) > 0) {
		json_t *m;
		const char **picked;
		size_t npicked = picked_countries(req, &picked, INTEREST_COUNTRIES_MAX);
		if ((rc = form_model(req, resp, typed_form(req), picked, npicked, &m)) != E_OK) {
			json_decref(errors);
			return rc;
		}
		return pages_form_invalid(req, resp, "interest/form", m, errors);
	}
	if ((rc = account_begin(req)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	rc = store(req, &c);
	if (rc == E_OK)
		rc = pages_public_form_done(req, INTEREST_FORM);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_INVALID) {
		/* The mail queue refused the address. */
		json_t *m;
		set(errors, "contact_email", json_string(_("This address cannot receive mail.")));
		if ((rc = form_model(req, resp, typed_form(req), c.countries, c.ncountries, &m)) != E_OK) {
			json_decref(errors);
			return rc;
		}
		return pages_form_invalid(req, resp, "interest/form", m, errors);
	}
	json_decref(errors);
	if (rc != E_OK)
		return rc;
	resp_page(resp, "interest/thanks",
		  json_pack("{s:b, s:s, s:s}", "received", true, "organisation", c.organisation,
			    "interest", by_lang(req->lang, c.interest_sv, c.interest_en)));
	resp->no_store = true;
	return E_OK;
}

/* ------------------------------------------------------------------ */
/* Withdrawing through the mailed link                                 */
/* ------------------------------------------------------------------ */

/* Loads the registration of the {token} link.  On a problem fills the
 * response (404 for an unknown or spent link, 409 when it is decided) and
 * sets *usable false. */
static enum err load_withdrawable(struct req *req, struct resp *resp, struct registration *r,
				  char hash[TOKEN_HASH_LEN + 1], bool *usable)
{
	*usable = false;
	const char *token = req_param(req, "token");
	enum err rc = E_NOTFOUND;
	if (token_well_formed(token)) {
		token_hash(token, hash);
		rc = db_registration_by_token(req->db, req->arena, hash, r);
	}
	if (rc == E_NOTFOUND) {
		/* Withdrawing spends the link, and a newer registration replaces it. */
		resp_page(resp, "account/notice",
			  account_notice(req, resp, _("This link does not work"),
					 _("The registration may have been withdrawn already, or a newer registration of the same organisation replaced this link: use the link in the latest mail. The link may also have been copied incompletely.")));
		resp->status = 404;
		resp->no_store = true;
		return E_OK;
	}
	if (rc != E_OK)
		return rc;
	enum reg_status s;
	if (!reg_status_parse(r->status, &s) || !registration_may_move(s, REG_WITHDRAWN, BY_REGISTRANT)) {
		resp_page(resp, "account/notice",
			  account_notice(req, resp, _("The registration can no longer be withdrawn"),
					 arena_printf(req->arena,
						      _("ICLD has decided on it already (%s). Please contact the programme team if your plans have changed."),
						      status_text(r->status))));
		resp->status = 409;
		resp->no_store = true;
		return E_OK;
	}
	*usable = true;
	return E_OK;
}

static json_t *withdraw_model(struct req *req, struct resp *resp, const struct registration *r,
			      bool done)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "organisation", r->organisation,
			 "interest", reg_interest(r, req->lang), "status", status_text(r->status),
			 "done", done, "action", req->path, "csrf", pages_csrf(req, resp));
}

/*
 * GET /interest/withdraw/{token}
 * Public, with the link from the confirmation mail.  What would be
 * withdrawn and a button to confirm.  404 for an unknown or spent link;
 * 409 when the registration is decided already.
 */
enum err interest_withdraw_form(struct req *req, struct resp *resp)
{
	struct registration r;
	char hash[TOKEN_HASH_LEN + 1];
	bool usable;
	enum err rc = load_withdrawable(req, resp, &r, hash, &usable);
	if (rc != E_OK || !usable)
		return rc;
	resp_page(resp, "interest/withdraw", withdraw_model(req, resp, &r, false));
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /interest/withdraw/{token}
 * Public (CSRF double-submit), with the link.  Withdraws the registration
 * (the link then stops working), audits it and mails the contact.  200
 * with a confirmation; 404 and 409 as for GET, and 409 when it changed
 * between the two.
 */
enum err interest_withdraw(struct req *req, struct resp *resp)
{
	struct registration r;
	char hash[TOKEN_HASH_LEN + 1];
	bool usable;
	enum err rc = load_withdrawable(req, resp, &r, hash, &usable);
	if (rc != E_OK || !usable)
		return rc;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_registration_withdraw(req->db, r.id, hash, r.status, pages_now(req));
	if (rc == E_OK) {
		json_t *before = json_pack("{s:s}", "status", r.status);
		json_t *after = json_pack("{s:s, s:s}", "status", "withdrawn", "by", "registrant");
		rc = pages_audit(req, "registration.withdraw", "registration", r.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc == E_OK) {
		json_t *data = json_pack("{s:s, s:s, s:s}", "name", r.contact_name, "organisation",
					 r.organisation, "interest", reg_interest(&r, r.lang));
		rc = pages_mail(req, "interest_withdrawn", "mail/interest_withdrawn",
				r.contact_email, 0, r.lang, data);
		json_decref(data);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("The registration changed while you were looking at it. Open the link again to see it as it is now."));
	if (rc != E_OK)
		return rc;
	resp_page(resp, "interest/withdraw", withdraw_model(req, resp, &r, true));
	resp->no_store = true;
	return E_OK;
}

/* ------------------------------------------------------------------ */
/* Triage                                                               */
/* ------------------------------------------------------------------ */

/* True when the actor may triage some registrations: staff, or the
 * project coordinator of at least one network. */
static bool triage_any(const struct actor *a)
{
	if (policy_allows(a, ACT_TRIAGE, 0))
		return true;
	for (size_t i = 0; i < a->nnetworks; i++)
		if (policy_allows(a, ACT_TRIAGE, a->networks[i].object_id))
			return true;
	return false;
}

/* The network a registration is in for triage: the one staff assigned it
 * to, else the one it asks for; 0 for an unassigned theme-only one.  Once
 * staff move it elsewhere, the coordinator of the network it asked for no
 * longer sees it (the queue and the CSV use the same rule, q_interest.c). */
static int64_t reg_network(const struct registration *r)
{
	return r->assigned_network_id > 0 ? r->assigned_network_id : r->network_id;
}

/* True when the actor may triage this registration: staff, or the
 * coordinator of its network (reg_network). */
static bool triage_reg(const struct actor *a, const struct registration *r)
{
	return policy_allows(a, ACT_TRIAGE, 0) ||
	       (reg_network(r) > 0 && policy_allows(a, ACT_TRIAGE, reg_network(r)));
}

/* Loads the registration named by {id} for triage.  Who may triage
 * nothing is refused before the lookup, so the answer never tells them
 * which numbers exist. */
static enum err load_for_triage(struct req *req, struct resp *resp, struct registration *r)
{
	if (!triage_any(req->actor))
		return pages_require(req, resp, ACT_TRIAGE, 0);
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, _("There is no registration with this number."));
	enum err rc = db_registration_by_id(req->db, req->arena, id, r);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no registration with this number."));
	if (rc != E_OK)
		return rc;
	if (!triage_reg(req->actor, r))
		return resp_error(resp, E_FORBIDDEN,
				  _("Only staff and the coordinator of its network may see this registration."));
	return E_OK;
}

/* A queue row: the registration with its contact (triage only). */
static json_t *queue_item(struct req *req, const struct registration *r)
{
	const char *lang = req->lang;
	return json_pack(
		"{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
		(json_int_t)r->id, "organisation_id", (json_int_t)r->organisation_id, "organisation",
		r->organisation, "network",
		pages_str(r->network_id > 0 ? by_lang(lang, r->network_sv, r->network_en) : NULL),
		"theme", pages_str(by_lang(lang, r->theme_sv, r->theme_en)), "assigned_network",
		pages_str(r->assigned_network_id > 0 ? by_lang(lang, r->assigned_sv, r->assigned_en)
						     : NULL),
		"network_slug", pages_str(r->network_slug), "status", r->status, "status_name",
		status_text(r->status), "contact_name", r->contact_name, "contact_email",
		r->contact_email, "created_at", r->created_at, "updated_at", r->updated_at,
		"created_day", day_text(req, r->created_at), "url",
		arena_printf(req->arena, "/admin/registrations/%lld", (long long)r->id));
}

/* Options of every network, by id, with current selected. */
static json_t *network_options(struct req *req, const char *current, bool only_triage)
{
	json_t *list = json_array();
	struct interest_network *nets;
	size_t n;
	if (db_interest_networks(req->db, req->arena, &nets, &n) != E_OK)
		return list;
	for (size_t i = 0; i < n; i++) {
		enum network_status s;
		/* Assignment: open networks the actor may triage. */
		if (only_triage && (!policy_allows(req->actor, ACT_TRIAGE, nets[i].id) ||
				    (network_status_parse(nets[i].status, &s) && network_is_past(s))))
			continue;
		const char *id = arena_printf(req->arena, "%lld", (long long)nets[i].id);
		json_array_append_new(list, pages_option(id, by_lang(req->lang, nets[i].name_sv,
								     nets[i].name_en),
							 current));
	}
	return list;
}

/*
 * GET /admin/registrations
 * Staff, and project coordinators (who see the registrations in their
 * networks: assigned there, or asking for one and assigned nowhere).
 * Query: status, network (id; the same rule), q (part of the
 * organisation's name), page, per_page.  Newest first.  200 with the list
 * (JSON: the list envelope); 400 naming a bad parameter; 302 to sign in
 * (401 for JSON) for visitors; 403 for people who triage nothing.
 */
enum err interest_queue(struct req *req, struct resp *resp)
{
	if (!triage_any(req->actor))
		return pages_require(req, resp, ACT_TRIAGE, 0);
	struct registration_filter f = {0};
	const char *status = pages_query(req, "status");
	enum reg_status s;
	if (status != NULL && !reg_status_parse(status, &s))
		resp_field_error(resp, "status",
				 _("must be one of: submitted, in_dialogue, accepted, declined, withdrawn, matched"));
	else
		f.status = status;
	const char *network = pages_query(req, "network");
	if (network != NULL && !str_to_i64(network, 1, INT64_MAX, &f.network_id))
		resp_field_error(resp, "network", _("must be a network number"));
	const char *q = pages_query(req, "q");
	if (q != NULL && chars(q) > INTEREST_QUERY_MAX) {
		resp_field_error(resp, "q", _("must be at most 100 characters"));
	} else if (q != NULL) {
		struct buf b;
		buf_init(&b, 1024);
		str_fold(&b, q, strlen(q));
		f.folded = arena_strdup(req->arena, buf_str(&b));
		buf_free(&b);
	}
	struct paging pg;
	pages_paging(req, resp, &pg);
	json_t *statuses = json_array();
	for (int i = 0; i < REG__COUNT; i++)
		json_array_append_new(statuses, pages_option(reg_status_code((enum reg_status)i),
							     _(reg_status_name((enum reg_status)i)),
							     status));
	json_t *filters = json_pack("{s:s, s:o, s:o}", "q", q != NULL ? q : "", "statuses",
				    statuses, "networks", network_options(req, network, false));
	if (resp->error != E_OK) {
		if (req->wants_json) {
			json_decref(filters);
			resp->error_message = _("Some search parameters are not valid.");
			return E_INVALID;
		}
		paging_set_total(&pg, 0);
		json_t *m = pages_list_model(json_array(), &pg);
		set(m, "filters", filters);
		set(m, "pager", pages_pager(req, &pg));
		set(m, "has_items", json_false());
		set(m, "csv_url", json_null());
		return pages_list_invalid(req, resp, "admin/registrations", m);
	}
	/* Coordinators see their networks' registrations only. */
	if (!policy_allows(req->actor, ACT_TRIAGE, 0))
		f.coordinator = req->actor->person_id;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	struct registration *rows;
	size_t n;
	int64_t total;
	enum err rc = db_registrations_queue(req->db, req->arena, &f, &rows, &n, &total);
	if (rc != E_OK) {
		json_decref(filters);
		return rc;
	}
	paging_set_total(&pg, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, queue_item(req, &rows[i]));
	resp_page(resp, "admin/registrations", pages_list_model(items, &pg));
	resp->no_store = true;
	if (req->wants_json) {
		json_decref(filters);
		return E_OK;
	}
	const char *csv = f.network_id > 0 && policy_allows(req->actor, ACT_TRIAGE, f.network_id)
				  ? arena_printf(req->arena, "/admin/networks/%lld/registrations.csv",
						 (long long)f.network_id)
				  : NULL;
	resp->view = json_pack("{s:o, s:o, s:b, s:o}", "filters", filters, "pager",
			       pages_pager(req, &pg), "has_items", n > 0, "csv_url", pages_str(csv));
	return E_OK;
}

/* The non-empty lines of a text, for showing its paragraphs. */
static json_t *lines_of(const char *text)
{
	json_t *list = json_array();
	while (text != NULL && *text != '\0') {
		size_t n = strcspn(text, "\n");
		size_t len = n;
		if (len > 0 && text[len - 1] == '\r')
			len--;
		if (len > 0)
			json_array_append_new(list, json_stringn(text, len));
		text += n;
		if (*text == '\n')
			text++;
	}
	return list;
}

/* The detail model: every field, countries, notes, the states it may move
 * to and (for HTML) the forms' data. */
static enum err detail_model(struct req *req, struct resp *resp, const struct registration *r,
			     json_t **out)
{
	*out = NULL;
	struct code_name *countries;
	size_t nc;
	struct triage_note *notes;
	size_t nn;
	enum err rc = db_registration_countries(req->db, req->arena, r->id, &countries, &nc);
	if (rc == E_OK)
		rc = db_notes_of(req->db, req->arena, "registration", r->id, &notes, &nn);
	if (rc != E_OK)
		return rc;
	const char *lang = req->lang;
	json_t *m = queue_item(req, r);
	json_t *clist = json_array();
	struct buf text;
	buf_init(&text, 16 * 1024);
	for (size_t i = 0; i < nc; i++) {
		const char *name = by_lang(lang, countries[i].name_sv, countries[i].name);
		json_array_append_new(clist, json_pack("{s:s, s:s}", "iso2", countries[i].code,
						       "name", name));
		buf_printf(&text, "%s%s", i > 0 ? ", " : "", name);
	}
	json_t *ctext = nc > 0 ? json_string(buf_str(&text)) : json_null();
	buf_free(&text);
	json_t *nlist = json_array();
	for (size_t i = 0; i < nn; i++)
		json_array_append_new(nlist, json_pack("{s:o, s:s, s:o, s:s, s:s}", "author",
						       pages_str(notes[i].author), "body", notes[i].body,
						       "lines", lines_of(notes[i].body), "created_at",
						       notes[i].created_at, "created_text",
						       time_text(req, notes[i].created_at)));
	json_t *next = json_array();
	enum reg_status s = REG__COUNT;
	if (reg_status_parse(r->status, &s))
		for (int to = 0; to < REG__COUNT; to++)
			if (registration_may_move(s, (enum reg_status)to, BY_STAFF))
				json_array_append_new(next, pages_option(reg_status_code((enum reg_status)to),
									 _(reg_status_name((enum reg_status)to)),
									 NULL));
	set(m, "organisation_code", pages_str(r->organisation_code));
	set(m, "county", pages_str(r->county));
	set(m, "assigned_network_id",
	    r->assigned_network_id > 0 ? json_integer(r->assigned_network_id) : json_null());
	set(m, "contact_phone", pages_str(r->contact_phone));
	set(m, "contact_position", pages_str(r->contact_position));
	set(m, "partner_in_mind", pages_str(r->partner_in_mind));
	set(m, "political_support", json_string(r->political_support));
	set(m, "support_name", json_string(support_text(r->political_support)));
	set(m, "decision_body", pages_str(r->decision_body));
	set(m, "decision_date", pages_str(r->decision_date));
	set(m, "message", json_string(r->message != NULL ? r->message : ""));
	set(m, "lang", json_string(r->lang));
	set(m, "lang_name", json_string(strcmp(r->lang, "en") == 0 ? "English" : "Svenska"));
	set(m, "version", json_integer(r->version));
	set(m, "created_text", json_string(time_text(req, r->created_at)));
	set(m, "updated_text", json_string(time_text(req, r->updated_at)));
	set(m, "countries", clist);
	set(m, "countries_text", ctext);
	set(m, "message_lines", lines_of(r->message));
	set(m, "notes", nlist);
	set(m, "next_states", next);
	if (!req->wants_json) {
		bool open = s == REG_SUBMITTED || s == REG_IN_DIALOGUE;
		const char *cur = r->assigned_network_id > 0
					  ? arena_printf(req->arena, "%lld", (long long)r->assigned_network_id)
					  : NULL;
		json_t *nets = network_options(req, cur, true);
		set(m, "can_assign", json_boolean(open && json_array_size(nets) > 0));
		set(m, "networks", nets);
		set(m, "has_next_states", json_boolean(json_array_size(next) > 0));
		set(m, "csrf", json_string(pages_csrf(req, resp)));
		set(m, "organisation_url",
		    json_string(arena_printf(req->arena, "/organisations/%lld",
					     (long long)r->organisation_id)));
		set(m, "audit_url",
		    policy_allows(req->actor, ACT_AUDIT_VIEW, 0)
			    ? json_string(arena_printf(req->arena,
						       "/admin/audit?object_type=registration&object_id=%lld",
						       (long long)r->id))
			    : json_null());
		set(m, "form", json_pack("{s:s}", "note", ""));
		set(m, "contact_form",
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "contact_name", r->contact_name,
			      "contact_email", r->contact_email, "contact_phone",
			      r->contact_phone != NULL ? r->contact_phone : "", "contact_position",
			      r->contact_position != NULL ? r->contact_position : "", "lang", r->lang,
			      "version", (json_int_t)r->version));
	}
	*out = m;
	return E_OK;
}

/*
 * GET /admin/registrations/{id}
 * Staff, and the coordinator of its network (the one it is assigned to,
 * else the one it asks for).  Every detail with the contact, the notes,
 * and the states it may move to.  200; 404 for an unknown number; 302 to
 * sign in (401 for JSON) for visitors; 403 for others.
 */
enum err interest_show(struct req *req, struct resp *resp)
{
	struct registration r;
	enum err rc = load_for_triage(req, resp, &r);
	if (rc != E_OK)
		return rc;
	json_t *m;
	if ((rc = detail_model(req, resp, &r, &m)) != E_OK)
		return rc;
	pages_form_ok(m);
	resp_page(resp, "admin/registration", m);
	resp->no_store = true;
	return E_OK;
}

/* The detail page again with field errors (422). */
static enum err detail_invalid(struct req *req, struct resp *resp, const struct registration *r,
			       json_t *errors)
{
	json_t *m;
	enum err rc = detail_model(req, resp, r, &m);
	if (rc != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (!req->wants_json) {
		const char *note = req_form(req, "note");
		set(m, "form", json_pack("{s:s}", "note", note != NULL ? note : ""));
		/* The contact form keeps what was typed. */
		static const char *const typed[] = {"contact_name", "contact_email", "contact_phone",
						    "contact_position"};
		json_t *contact = json_object_get(m, "contact_form");
		for (size_t i = 0; contact != NULL && i < sizeof typed / sizeof typed[0]; i++) {
			const char *v = req_form(req, typed[i]);
			if (v != NULL)
				set(contact, typed[i], json_string(v));
		}
	}
	return pages_form_invalid(req, resp, "admin/registration", m, errors);
}

/* Mails the contact about a state that concerns them, in their language. */
static enum err mail_status(struct req *req, const struct registration *r, enum reg_status to)
{
	const char *lang = r->lang;
	json_t *data = json_pack(
		"{s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "name", r->contact_name, "organisation",
		r->organisation, "interest", reg_interest(r, lang), "network",
		pages_str(r->assigned_network_id > 0 ? by_lang(lang, r->assigned_sv, r->assigned_en)
						     : NULL),
		"in_dialogue", to == REG_IN_DIALOGUE, "accepted", to == REG_ACCEPTED, "declined",
		to == REG_DECLINED);
	enum err rc = pages_mail(req, "interest_status", "mail/interest_status", r->contact_email,
				 0, lang, data);
	json_decref(data);
	return rc;
}

/* On acceptance the contact becomes the organisation's contact person: at
 * once when they have an account, else through an invitation.  Nobody
 * when erasure blanked the contact. */
static enum err make_contact_person(struct req *req, const struct registration *r)
{
	if (r->contact_email[0] == '\0')
		return E_OK;
	struct grant g = {'o', "contact_person", r->organisation_id};
	struct person p;
	enum err rc = db_person_by_email(req->db, req->arena, r->contact_email, &p);
	if (rc == E_OK)
		return account_grant(req, p.id, &g);
	if (rc != E_NOTFOUND)
		return rc;
	return account_invite_or_upgrade(req, r->contact_email, r->contact_name, r->lang, &g);
}

/*
 * POST /admin/registrations/{id}/status
 * Staff, and the coordinator of its network (CSRF).  Form: to (in_dialogue,
 * accepted, declined), from (the status the page showed; optional).
 * Accepting needs an assigned network the actor may triage, and makes the
 * contact the organisation's contact person (or invites them).  The
 * contact is mailed.  303 back to the registration; 422 for a move the
 * rules refuse or an acceptance without a network; 409 when its status
 * changed meanwhile; 401 for visitors; 403, 404.
 */
enum err interest_status(struct req *req, struct resp *resp)
{
	struct registration r;
	enum err rc = load_for_triage(req, resp, &r);
	if (rc != E_OK)
		return rc;
	enum reg_status from, to;
	if (!reg_status_parse(r.status, &from))
		return E_INTERNAL;
	const char *seen = req_form(req, "from");
	if (seen != NULL && seen[0] != '\0' && strcmp(seen, r.status) != 0)
		return resp_error(resp, E_CONFLICT,
				  arena_printf(req->arena,
					       _("Someone else changed this registration meanwhile: it is now %s."),
					       status_text(r.status)));
	if (!reg_status_parse(req_form(req, "to"), &to))
		return detail_invalid(req, resp, &r,
				      json_pack("{s:s}", "to", _("Choose the new state.")));
	if (!registration_may_move(from, to, BY_STAFF))
		return detail_invalid(
			req, resp, &r,
			json_pack("{s:s}", "to",
				  arena_printf(req->arena,
					       _("A registration in the state “%s” cannot move to “%s”."),
					       _(reg_status_name(from)), _(reg_status_name(to)))));
	if (to == REG_ACCEPTED && r.assigned_network_id == 0)
		return detail_invalid(req, resp, &r,
				      json_pack("{s:s}", "to",
						_("Assign a network before accepting the registration.")));
	if (to == REG_ACCEPTED && !policy_allows(req->actor, ACT_TRIAGE, r.assigned_network_id))
		return resp_error(resp, E_FORBIDDEN,
				  _("Only staff and the coordinator of the assigned network may accept a registration into it."));
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_registration_set_status(req->db, r.id, r.status, reg_status_code(to), pages_now(req));
	if (rc == E_OK) {
		json_t *before = json_pack("{s:s}", "status", r.status);
		json_t *after = json_pack("{s:s}", "status", reg_status_code(to));
		if (to == REG_ACCEPTED)
			set(after, "network_id", json_integer(r.assigned_network_id));
		rc = pages_audit(req, "registration.status", "registration", r.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc == E_OK && to == REG_ACCEPTED)
		rc = make_contact_person(req, &r);
	if (rc == E_OK)
		rc = mail_status(req, &r, to);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("Someone else changed this registration meanwhile. Reload it to see its state."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/registrations/%lld", (long long)r.id));
	return E_OK;
}

/*
 * POST /admin/registrations/{id}/network
 * Staff, and the coordinator of its network (CSRF).  Form: network_id (a
 * network the actor may triage and that is not closed; empty removes the
 * assignment).  Only while it is submitted or in dialogue, checked again
 * in the write.  An organisation has one registration per network, so a
 * network where it has another is refused.  303 back; 422 for a bad
 * network or one with the organisation's other registration; 409 once it
 * is decided (also when decided meanwhile); 401 for visitors; 403, 404.
 */
enum err interest_assign(struct req *req, struct resp *resp)
{
	struct registration r;
	enum err rc = load_for_triage(req, resp, &r);
	if (rc != E_OK)
		return rc;
	enum reg_status s;
	if (!reg_status_parse(r.status, &s) || (s != REG_SUBMITTED && s != REG_IN_DIALOGUE))
		return resp_error(resp, E_CONFLICT,
				  _("This registration is decided or withdrawn; its network can no longer change."));
	const char *v = req_form(req, "network_id");
	int64_t target = 0;
	struct interest_network n;
	memset(&n, 0, sizeof n);
	if (v != NULL && v[0] != '\0') {
		rc = str_to_i64(v, 1, INT64_MAX, &target)
			     ? db_interest_network_by_id(req->db, req->arena, target, &n)
			     : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return detail_invalid(req, resp, &r,
					      json_pack("{s:s}", "network_id",
							_("Choose a network from the list.")));
		if (rc != E_OK)
			return rc;
		enum network_status ns;
		if (network_status_parse(n.status, &ns) && network_is_past(ns))
			return detail_invalid(
				req, resp, &r,
				json_pack("{s:s}", "network_id",
					  arena_printf(req->arena,
						       _("The network %s is closed and takes no new members."),
						       by_lang(req->lang, n.name_sv, n.name_en))));
		if (!policy_allows(req->actor, ACT_TRIAGE, target))
			return resp_error(resp, E_FORBIDDEN,
					  _("You may assign registrations only to networks you coordinate."));
	}
	/* Where it ends up: the target, or back in the network it asks for. */
	int64_t lands = target > 0 ? target : r.network_id;
	if (lands > 0 && target == 0 &&
	    (rc = db_interest_network_by_id(req->db, req->arena, lands, &n)) != E_OK)
		return rc;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	/* One registration per organisation and network: checked under the
	 * organisation's lock, which the public form takes too. */
	int64_t other = 0;
	const char *other_status = NULL;
	rc = db_registration_lock_org(req->db, r.organisation_id);
	if (rc == E_OK && lands > 0)
		rc = db_registration_in_network(req->db, req->arena, r.organisation_id, lands, r.id,
						&other, &other_status);
	if (rc == E_OK && other > 0) {
		db_rollback(req->db);
		return detail_invalid(
			req, resp, &r,
			json_pack("{s:s}", "network_id",
				  arena_printf(req->arena,
					       _("%s already has a registration for %s (number %lld, %s). An organisation has one registration per network: work on that one instead."),
					       r.organisation, by_lang(req->lang, n.name_sv, n.name_en),
					       (long long)other, status_text(other_status))));
	}
	if (rc == E_OK)
		rc = db_registration_assign(req->db, r.id, target, pages_now(req));
	if (rc == E_OK) {
		json_t *before = json_pack("{s:o}", "assigned_network_id",
					   r.assigned_network_id > 0 ? json_integer(r.assigned_network_id)
								     : json_null());
		json_t *after = json_pack("{s:o}", "assigned_network_id",
					  target > 0 ? json_integer(target) : json_null());
		rc = pages_audit(req, "registration.assign", "registration", r.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("This registration is decided or withdrawn; its network can no longer change."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/registrations/%lld", (long long)r.id));
	return E_OK;
}

/*
 * POST /admin/registrations/{id}/contact
 * Staff, and the coordinator of its network (CSRF).  Form: contact_name,
 * contact_email, contact_phone, contact_position, lang, version (of the
 * page).  Replaces the contact person on purpose (a repeated public form
 * never does; it leaves a note), mails the previous contact, and when the
 * registration is accepted or matched makes the new contact the
 * organisation's contact person.  303 back; 422 with the page and the
 * fields marked; 409 when the registration changed meanwhile; 401, 403,
 * 404.
 */
enum err interest_contact(struct req *req, struct resp *resp)
{
	struct registration r;
	enum err rc = load_for_triage(req, resp, &r);
	if (rc != E_OK)
		return rc;
	json_t *errors = json_object();
	struct checked c;
	memset(&c, 0, sizeof c);
	check_contact(req, errors, &c);
	int64_t version = r.version;
	const char *v = req_form(req, "version");
	if (v != NULL && v[0] != '\0' && !str_to_i64(v, 1, INT64_MAX, &version))
		version = 0;
	if (json_object_size(errors) > 0)
		return detail_invalid(req, resp, &r, errors);
	json_decref(errors);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_registration_set_contact(req->db, r.id, version, &c.in, pages_now(req));
	if (rc == E_CONFLICT) {
		db_rollback(req->db);
		return resp_error(resp, E_CONFLICT,
				  _("Someone else changed this registration meanwhile. Open it again and make the change there."));
	}
	bool changed = strcasecmp(r.contact_email, c.in.contact_email) != 0;
	if (rc == E_OK && changed && r.contact_email[0] != '\0') {
		/* The previous contact learns who took over, in their language. */
		json_t *data = json_pack("{s:s, s:s, s:s}", "name", r.contact_name, "organisation",
					 r.organisation, "new_name", c.in.contact_name);
		rc = pages_mail(req, "interest_contact", "mail/interest_contact_changed",
				r.contact_email, 0, r.lang, data);
		json_decref(data);
	}
	if (rc == E_OK && changed &&
	    (strcmp(r.status, "accepted") == 0 || strcmp(r.status, "matched") == 0)) {
		struct registration now = r;
		now.contact_name = c.in.contact_name;
		now.contact_email = c.in.contact_email;
		now.lang = c.in.lang;
		rc = make_contact_person(req, &now);
	}
	if (rc == E_OK) {
		json_t *after = json_pack("{s:s, s:b}", "contact", "[personal data]", "new_address",
					  changed);
		rc = pages_audit(req, "registration.contact", "registration", r.id, NULL, after);
		json_decref(after);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/registrations/%lld", (long long)r.id));
	return E_OK;
}

/*
 * POST /admin/registrations/{id}/notes
 * Staff, and the coordinator of its network (CSRF).  Form: note (1..4000
 * characters).  303 back to the notes; 422 for an empty or long note; 401
 * for visitors; 403, 404.
 */
enum err interest_note(struct req *req, struct resp *resp)
{
	struct registration r;
	enum err rc = load_for_triage(req, resp, &r);
	if (rc != E_OK)
		return rc;
	const char *note = text_block(req->arena, req_form(req, "note"));
	if (note == NULL || chars(note) > INTEREST_NOTE_MAX)
		return detail_invalid(req, resp, &r,
				      json_pack("{s:s}", "note",
						_("Write a note of at most 4000 characters.")));
	return pages_note_add(req, resp, "registration", r.id, note,
			      arena_printf(req->arena, "/admin/registrations/%lld#notes", (long long)r.id));
}

/*
 * GET /admin/networks/{id}/registrations.csv
 * Staff, and the network's project coordinator.  Every registration in
 * the network (assigned to it, or asking for it and assigned nowhere) as
 * UTF-8 CSV (with a byte order mark, so spreadsheets read it as UTF-8),
 * one header row, by organisation.  Every field goes through
 * csv_write_field, which quotes and defuses formulas.  The export of
 * personal data is audited.  200; 404 for an unknown network; 302 to sign
 * in for visitors; 403 for others.
 */
enum err interest_csv(struct req *req, struct resp *resp)
{
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		id = 0;
	enum err rc = pages_require(req, resp, ACT_TRIAGE, id);
	if (rc != E_OK)
		return rc;
	struct interest_network net;
	rc = id > 0 ? db_interest_network_by_id(req->db, req->arena, id, &net) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no network with this number."));
	if (rc != E_OK)
		return rc;
	struct registration *rows;
	size_t n;
	if ((rc = db_registrations_of_network(req->db, req->arena, id, &rows, &n)) != E_OK)
		return rc;
	const char *lang = req->lang;
	const char *header[] = {
		_("Organisation"),	 _("Code"),		_("County"),
		_("Contact name"),	 _("E-mail address"),	_("Phone"),
		_("Position"),		 _("Network"),		_("Assigned network"),
		_("Theme"),		 _("Preferred countries"), _("Partner in mind"),
		_("Political support"), _("Decision body"),	_("Decision date"),
		_("Status"),		 _("Registered at"),	_("Updated at"),
	};
	size_t ncols = sizeof header / sizeof header[0];
	buf_reset(&resp->body);
	buf_puts(&resp->body, "\xEF\xBB\xBF");
	csv_write_row(&resp->body, header, ncols);
	for (size_t i = 0; i < n; i++) {
		const struct registration *r = &rows[i];
		const char *fields[] = {
			r->organisation,
			r->organisation_code,
			r->county,
			r->contact_name,
			r->contact_email,
			r->contact_phone,
			r->contact_position,
			r->network_id > 0 ? by_lang(lang, r->network_sv, r->network_en) : NULL,
			r->assigned_network_id > 0 ? by_lang(lang, r->assigned_sv, r->assigned_en) : NULL,
			by_lang(lang, r->theme_sv, r->theme_en),
			by_lang(lang, r->countries_sv, r->countries_en),
			r->partner_in_mind,
			support_text(r->political_support),
			r->decision_body,
			r->decision_date,
			status_text(r->status),
			r->created_at,
			r->updated_at,
		};
		csv_write_row(&resp->body, fields, ncols);
	}
	if (buf_failed(&resp->body))
		return E_NOMEM;
	json_t *after = json_pack("{s:I}", "rows", (json_int_t)n);
	rc = pages_audit(req, "registration.export", "network", id, NULL, after);
	json_decref(after);
	if (rc != E_OK)
		return rc;
	/* The slug names the file; anything but [a-z0-9-] is dropped. */
	char name[80];
	size_t k = 0;
	for (const char *p = net.slug; *p != '\0' && k < 40; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			name[k++] = *p;
	name[k] = '\0';
	pages_csv(req, resp,
		  arena_printf(req->arena, "registrations-%s.csv", k > 0 ? name : "network"));
	return E_OK;
}
