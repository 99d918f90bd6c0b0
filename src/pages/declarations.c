/*
 * declarations.c - the international side of interest: the public
 * declaration of interest of a municipality abroad and its withdraw link,
 * the partner-seeking board with contact requests through the platform,
 * the staff triage of declarations, and their CSV export per network.
 *
 * The contact details of the international side (name, e-mail address,
 * phone, position) reach people in exactly three ways: the staff pages and
 * the CSV export (ACT_TRIAGE), and the mail sent to a Swedish member after
 * the partner accepted their contact request.  The board and the partner
 * page build their models from board rows, whose SQL never selects a
 * contact column (q_declarations.h), so no template or JSON change can
 * leak them there.
 *
 * Every change of state is one transaction with its audit row, and mail to
 * the contact is queued inside it, in the contact's language.  Nothing is
 * stored before a form is valid.
 */
#include "pages/declarations.h"

#include <string.h>

#include "auth/token.h"
#include "db/q_countries.h"
#include "db/q_declarations.h"
#include "db/q_networks.h"
#include "db/q_organisations.h"
#include "db/q_triage.h"
#include "domain/eligibility.h"
#include "domain/interest.h"
#include "domain/network.h"
#include "pages/account.h"
#include "pages/common.h"
#include "util/csv.h"
#include "util/str.h"
#include "view/fmt.h"
#include "view/html.h"
#include "view/i18n.h"

/* ---------------------------------------------------------------- helpers */

static bool lang_en(const char *lang)
{
	return lang != NULL && strcmp(lang, "en") == 0;
}

/* The English or the Swedish of a pair of names. */
static const char *pick(const char *lang, const char *en, const char *sv)
{
	return lang_en(lang) ? en : sv;
}

/* Today as "YYYY-MM-DD" in the arena: eligibility is always as of today. */
static const char *today(struct req *req)
{
	char *d = arena_alloc(req->arena, 11);
	date_today(d, 11);
	return d;
}

static bool is_upper2(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* A form field as typed, "" when absent, for refilling a form. */
static const char *typed(const struct req *req, const char *name)
{
	const char *v = req_form(req, name);
	return v != NULL ? v : "";
}

/*
 * A form field trimmed into the arena, NULL when absent or blank.  *bad is
 * set when it has more than max characters or, for one_line fields, a
 * control character (names end up in mail and CSV lines).
 */
static const char *field(struct req *req, const char *name, size_t max, bool one_line, bool *bad)
{
	*bad = false;
	const char *v = req_form(req, name);
	if (v == NULL)
		return NULL;
	char *s = str_trim(arena_strdup(req->arena, v));
	if (s[0] == '\0')
		return NULL;
	if (str_utf8_len(s, strlen(s)) > max)
		*bad = true;
	for (const char *p = s; one_line && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*bad = true;
	return s;
}

/* The distinct non-empty values of a repeated form field (checkboxes), in
 * the order sent, at most max. */
static size_t form_values(const struct req *req, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < req->form.n && n < max; i++) {
		const struct kv *kv = &req->form.items[i];
		if (strcmp(kv->name, name) != 0 || kv->value[0] == '\0')
			continue;
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(out[j], kv->value) == 0;
		if (!seen)
			out[n++] = kv->value;
	}
	return n;
}

static bool among(const char *const *list, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

static void set_error(json_t *errors, const char *field_name, const char *message)
{
	json_object_set_new(errors, field_name, json_string(message));
}

/* The message for a country that is not a partner country today. */
static const char *ineligible(struct req *req, const char *country)
{
	return arena_printf(req->arena,
			    _("%s is not one of the programme's partner countries today, so a "
			      "municipality there cannot take part."),
			    country);
}

/* Topic names of a row in lang, joined by sep. */
static const char *topics_text(struct req *req, const struct decl_row *d, const char *lang,
			       const char *sep)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	for (size_t i = 0; i < d->ntopics; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, pick(lang, d->topics[i].name_en, d->topics[i].name_sv));
	}
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* Working-language names of a row in the current language (the thread's
 * gettext locale), in the display order of work_langs, joined by sep. */
static const char *langs_text(struct req *req, const struct decl_row *d, const char *sep)
{
	struct buf b;
	buf_init(&b, 4096);
	bool first = true;
	for (size_t i = 0; i < work_nlangs; i++) {
		if (!among(d->langs, d->nlangs, work_langs[i].code))
			continue;
		if (!first)
			buf_puts(&b, sep);
		first = false;
		buf_puts(&b, _(work_langs[i].name));
	}
	const char *out = arena_strdup(req->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* A timestamp or date shown as a date in the page's language. */
static const char *date_text(struct req *req, const char *stamp)
{
	if (stamp == NULL)
		return "";
	return fmt_date(req->arena, req->lang, arena_strndup(req->arena, stamp, 10));
}

static json_t *population_json(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* ------------------------------------------------------ view-model items */

/*
 * What anybody may see of a declaration on the board.  Built from the
 * public fields only; never add a contact field here.
 */
static json_t *board_item(struct req *req, const struct decl_row *d)
{
	json_t *topics = json_array();
	for (size_t i = 0; i < d->ntopics; i++)
		json_array_append_new(
		    topics, json_pack("{s:s, s:s}", "code", d->topics[i].slug, "name",
				      pick(req->lang, d->topics[i].name_en, d->topics[i].name_sv)));
	json_t *langs = json_array();
	for (size_t i = 0; i < work_nlangs; i++)
		if (among(d->langs, d->nlangs, work_langs[i].code))
			json_array_append_new(langs,
					      json_pack("{s:s, s:s}", "code", work_langs[i].code,
							"name", _(work_langs[i].name)));
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:s}", "id",
			 (json_int_t)d->id, "municipality", d->org_name, "country", d->country_iso2,
			 "country_name", pick(req->lang, d->country_name_en, d->country_name_sv),
			 "province", pages_str(d->province), "population",
			 population_json(d->population), "cluster", pages_str(d->cluster),
			 "cluster_name",
			 pages_str(pick(req->lang, d->cluster_name_en, d->cluster_name_sv)),
			 "topics", topics, "languages", langs, "motivation", d->motivation,
			 "published_at", pages_str(d->published_at), "url",
			 arena_printf(req->arena, "/partners/%lld", (long long)d->id));
}

/* What staff see: everything, the contact included. */
static json_t *staff_item(struct req *req, const struct decl_row *d)
{
	enum decl_status s = DECL_RECEIVED;
	decl_status_parse(d->status, &s);
	json_t *o = board_item(req, d);
	json_object_set_new(
	    o, "url",
	    json_string(arena_printf(req->arena, "/admin/declarations/%lld", (long long)d->id)));
	json_object_set_new(
	    o, "board_url",
	    declaration_public(s, d->consent)
		? json_string(arena_printf(req->arena, "/partners/%lld", (long long)d->id))
		: json_null());
	json_object_set_new(o, "organisation_id", json_integer(d->organisation_id));
	json_object_set_new(o, "contact",
			    json_pack("{s:s, s:s, s:o, s:o}", "name", d->contact_name, "email",
				      d->contact_email, "phone", pages_str(d->contact_phone),
				      "position", pages_str(d->contact_position)));
	json_object_set_new(o, "consent", json_boolean(d->consent));
	json_object_set_new(o, "lang", json_string(d->lang));
	json_object_set_new(o, "status", json_string(d->status));
	json_object_set_new(o, "status_name", json_string(_(decl_status_name(s))));
	json_object_set_new(o, "network",
			    d->network_id > 0
				? json_pack("{s:I, s:s}", "id", (json_int_t)d->network_id, "name",
					    pick(req->lang, d->network_name_en, d->network_name_sv))
				: json_null());
	json_object_set_new(o, "version", json_integer(d->version));
	json_object_set_new(o, "created_at", json_string(d->created_at));
	json_object_set_new(o, "updated_at", json_string(d->updated_at));
	return o;
}

/* Free text as its non-blank lines, for <p> elements: HTML would run the
 * lines of a motivation or a message together. */
static json_t *paragraphs(const char *text)
{
	json_t *list = json_array();
	for (const char *p = text != NULL ? text : ""; *p != '\0';) {
		size_t n = strcspn(p, "\r\n");
		size_t lead = strspn(p, " \t");
		if (lead < n)
			json_array_append_new(list, json_stringn(p + lead, n - lead));
		p += n;
		p += strspn(p, "\r\n");
	}
	return list;
}

/* The HTML-only texts of an item: formatted population and dates, the
 * motivation's paragraphs. */
static void add_texts(struct req *req, json_t *item)
{
	json_object_set_new(item, "paragraphs",
			    paragraphs(json_string_value(json_object_get(item, "motivation"))));
	json_t *pop = json_object_get(item, "population");
	json_object_set_new(item, "population_text",
			    json_string(json_is_integer(pop) ? fmt_int(req->arena, req->lang,
								       json_integer_value(pop))
							     : ""));
	json_object_set_new(
	    item, "published_text",
	    json_string(date_text(req, json_string_value(json_object_get(item, "published_at")))));
	const char *created = json_string_value(json_object_get(item, "created_at"));
	if (created != NULL)
		json_object_set_new(item, "created_text", json_string(date_text(req, created)));
}

/* -------------------------------------------- the declaration form */

/* The lists the form offers. */
struct form_lists {
	struct decl_theme *themes;    /* topics */
	size_t nthemes;               /* how many */
	struct code_name *countries;  /* countries eligible today */
	size_t ncountries;            /* how many */
	struct intl_org_option *orgs; /* international local governments */
	size_t norgs;                 /* how many */
};

static enum err load_lists(struct req *req, struct form_lists *l)
{
	memset(l, 0, sizeof *l);
	enum err rc = db_decl_themes(req->db, req->arena, &l->themes, &l->nthemes);
	if (rc == E_OK)
		rc = db_eligible_countries(req->db, req->arena, today(req), &l->countries,
					   &l->ncountries);
	if (rc == E_OK)
		rc = db_intl_org_options(req->db, req->arena, &l->orgs, &l->norgs);
	return rc;
}

/* The form's model, refilled from what was sent (empty on GET). */
static json_t *new_model(struct req *req, struct resp *resp, const struct form_lists *l)
{
	const char *topics[DECL_MAX_TOPICS], *langs[DECL_MAX_TOPICS];
	size_t nt = form_values(req, "topics", topics, DECL_MAX_TOPICS);
	size_t nl = form_values(req, "languages", langs, DECL_MAX_TOPICS);
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	const char *org = typed(req, "organisation_id");
	const char *country = typed(req, "country");
	bool en = lang_en(req->lang);

	json_t *orgs = json_array();
	for (size_t i = 0; i < l->norgs; i++) {
		const struct intl_org_option *o = &l->orgs[i];
		const char *cname = en ? o->country_name_en : o->country_name_sv;
		const char *label =
		    o->province != NULL
			? arena_printf(req->arena, "%s, %s (%s)", o->name, o->province, cname)
			: arena_printf(req->arena, "%s (%s)", o->name, cname);
		json_array_append_new(
		    orgs,
		    pages_option(arena_printf(req->arena, "%lld", (long long)o->id), label, org));
	}
	json_t *countries = json_array();
	for (size_t i = 0; i < l->ncountries; i++)
		json_array_append_new(
		    countries,
		    pages_option(l->countries[i].code,
				 en ? l->countries[i].name : l->countries[i].name_sv, country));
	json_t *themes = json_array();
	for (size_t i = 0; i < l->nthemes; i++)
		json_array_append_new(
		    themes, json_pack("{s:s, s:s, s:b, s:s}", "value", l->themes[i].slug, "label",
				      en ? l->themes[i].name_en : l->themes[i].name_sv, "checked",
				      among(topics, nt, l->themes[i].slug), "id",
				      arena_printf(req->arena, "topic-%s", l->themes[i].slug)));
	json_t *wl = json_array();
	for (size_t i = 0; i < work_nlangs; i++)
		json_array_append_new(
		    wl, json_pack("{s:s, s:s, s:b, s:s}", "value", work_langs[i].code, "label",
				  _(work_langs[i].name), "checked",
				  among(langs, nl, work_langs[i].code), "id",
				  arena_printf(req->arena, "language-%s", work_langs[i].code)));
	json_t *contact_langs = json_array();
	json_array_append_new(contact_langs, pages_option("en", "English", lang));
	json_array_append_new(contact_langs, pages_option("sv", "Svenska", lang));
	json_t *form = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "organisation_id", org,
	    "org_name", typed(req, "org_name"), "country", country, "province",
	    typed(req, "province"), "population", typed(req, "population"), "contact_name",
	    typed(req, "contact_name"), "contact_email", typed(req, "contact_email"),
	    "contact_phone", typed(req, "contact_phone"), "contact_position",
	    typed(req, "contact_position"), "motivation", typed(req, "motivation"), "consent",
	    typed(req, "consent")[0] != '\0', "lang", lang);
	return json_pack("{s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:s, s:i, s:s}", "form", form,
			 "organisations", orgs, "has_organisations", l->norgs > 0, "countries",
			 countries, "topics", themes, "languages", wl, "langs", contact_langs,
			 "csrf", pages_csrf(req, resp), "motivation_max", DECL_MOTIVATION_MAX,
			 "action", "/declarations/new");
}

/* A checked, complete declaration ready to store. */
struct decl_input {
	int64_t org_id;          /* an existing municipality, or 0 for org */
	struct intl_org_new org; /* the new municipality when org_id is 0 */
	const char *muni_name;   /* the municipality's name, for the mail */
	const char *country_en;  /* its country's names */
	const char *country_sv;
	struct decl_new decl; /* the declaration (organisation set on save) */
	const struct decl_theme *topics[DECL_MAX_TOPICS]; /* chosen topics */
	size_t ntopics;                                   /* how many */
	const char *langs[DECL_MAX_TOPICS];               /* chosen working languages */
	size_t nlangs;                                    /* how many */
};

/* The municipality: one of the directory's international local
 * governments, or a new one (name, eligible country, province,
 * population). */
static enum err read_municipality(struct req *req, struct decl_input *in, json_t *errors)
{
	const char *day = today(req);
	const char *chosen = req_form(req, "organisation_id");
	bool name_bad;
	const char *name = field(req, "org_name", DECL_NAME_MAX, true, &name_bad);
	enum err rc;
	if (chosen != NULL && chosen[0] != '\0') {
		struct org_row o;
		int64_t id = 0;
		rc = E_NOTFOUND;
		if (str_to_i64(chosen, 1, INT64_MAX, &id)) {
			rc = db_organisation_by_id(req->db, req->arena, id, &o);
			if (rc != E_OK && rc != E_NOTFOUND)
				return rc;
		}
		if (rc == E_NOTFOUND || strcmp(o.kind, "local_government") != 0) {
			set_error(errors, "organisation_id",
				  _("There is no such municipality in the directory. Choose one "
				    "from the list, or leave the list and add yours below."));
			return E_OK;
		}
		if (name != NULL || name_bad) {
			set_error(
			    errors, "organisation_id",
			    _("Choose a municipality from the list or add a new one, not both."));
			return E_OK;
		}
		bool eligible = false;
		if ((rc = db_country_eligible(req->db, o.country_iso2, day, &eligible)) != E_OK)
			return rc;
		if (!eligible) {
			set_error(
			    errors, "organisation_id",
			    ineligible(req, pick(req->lang, o.country_name_en, o.country_name_sv)));
			return E_OK;
		}
		in->org_id = o.id;
		in->muni_name = o.name;
		in->country_en = o.country_name_en;
		in->country_sv = o.country_name_sv;
		return E_OK;
	}
	if (name == NULL || name_bad)
		set_error(errors, "org_name",
			  name_bad
			      ? _("Enter the name on one line, at most 200 characters.")
			      : _("Choose your municipality from the list, or enter its name."));
	const char *country = req_form(req, "country");
	struct country_row c;
	if (country == NULL || country[0] == '\0') {
		set_error(errors, "country", _("Choose the country of your municipality."));
	} else if (!is_upper2(country) ||
		   (rc = db_country_by_iso2(req->db, req->arena, country, day, &c)) == E_NOTFOUND) {
		set_error(errors, "country", _("Choose a country from the list."));
	} else if (rc != E_OK) {
		return rc;
	} else if (c.cluster == NULL) {
		set_error(errors, "country",
			  ineligible(req, pick(req->lang, c.name_en, c.name_sv)));
	} else {
		in->org.country_iso2 = c.iso2;
		in->country_en = c.name_en;
		in->country_sv = c.name_sv;
	}
	bool bad;
	const char *province = field(req, "province", DECL_PROVINCE_MAX, true, &bad);
	if (province == NULL || bad)
		set_error(errors, "province",
			  _("Enter the province or region, at most 200 characters."));
	in->org.population = -1;
	const char *pop = req_form(req, "population");
	if (pop != NULL && pop[strspn(pop, " ")] != '\0') {
		/* Group separators people type: spaces, commas, apostrophes and
		 * no-break spaces (never dots, which some write for decimals). */
		struct buf b;
		buf_init(&b, 64);
		for (const char *p = pop; *p != '\0'; p++) {
			if (*p == ' ' || *p == ',' || *p == '\'')
				continue;
			if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
				p++;
				continue;
			}
			buf_putc(&b, *p);
		}
		int64_t v;
		if (!str_to_i64(buf_str(&b), 1, DECL_POPULATION_MAX, &v))
			set_error(errors, "population",
				  _("Enter the population as a whole number, such as 45000, or "
				    "leave it empty."));
		else
			in->org.population = v;
		buf_free(&b);
	}
	if (name != NULL && !name_bad) {
		struct buf b;
		buf_init(&b, 4096);
		str_fold(&b, name, strlen(name));
		in->org.name_folded = arena_strdup(req->arena, buf_str(&b));
		buf_reset(&b);
		str_sort_key(&b, name, strlen(name), "sv");
		in->org.sort_key = arena_strdup(req->arena, buf_str(&b));
		buf_free(&b);
	}
	in->org.name = name;
	in->org.province = province;
	in->muni_name = name;
	return E_OK;
}

/* True when s looks like a phone number: digits, spaces and + - ( ) . /,
 * with at least DECL_PHONE_MIN_DIGITS digits. */
static bool phone_valid(const char *s)
{
	if (s[strspn(s, "0123456789 +-()./")] != '\0' || strlen(s) > DECL_PHONE_MAX)
		return false;
	int digits = 0;
	for (const char *p = s; *p != '\0'; p++)
		digits += *p >= '0' && *p <= '9';
	return digits >= DECL_PHONE_MIN_DIGITS;
}

/* Reads and checks the whole form into in; problems go to errors. */
static enum err read_input(struct req *req, const struct form_lists *l, struct decl_input *in,
			   json_t *errors)
{
	memset(in, 0, sizeof *in);
	enum err rc = read_municipality(req, in, errors);
	if (rc != E_OK)
		return rc;
	struct decl_new *d = &in->decl;
	bool bad;
	d->contact_name = field(req, "contact_name", DECL_NAME_MAX, true, &bad);
	if (d->contact_name == NULL || bad)
		set_error(errors, "contact_name",
			  _("Enter the contact person's name, at most 200 characters."));
	d->contact_email = account_email(req->arena, req_form(req, "contact_email"));
	if (d->contact_email == NULL)
		set_error(errors, "contact_email",
			  _("Enter a valid e-mail address, such as name@example.org."));
	d->contact_phone = field(req, "contact_phone", DECL_PHONE_MAX, true, &bad);
	if (d->contact_phone != NULL && (bad || !phone_valid(d->contact_phone)))
		set_error(errors, "contact_phone",
			  _("Enter a phone number of digits, spaces and + - ( ), at most 40 "
			    "characters, or leave it empty."));
	d->contact_position = field(req, "contact_position", DECL_POSITION_MAX, true, &bad);
	if (bad)
		set_error(errors, "contact_position",
			  _("Enter the position on one line, at most 200 characters, or leave it "
			    "empty."));

	const char *topics[DECL_MAX_TOPICS];
	size_t nt = form_values(req, "topics", topics, DECL_MAX_TOPICS);
	bool unknown = false;
	for (size_t i = 0; i < nt; i++) {
		const struct decl_theme *t = NULL;
		for (size_t j = 0; j < l->nthemes && t == NULL; j++)
			if (strcmp(l->themes[j].slug, topics[i]) == 0)
				t = &l->themes[j];
		if (t == NULL)
			unknown = true;
		else
			in->topics[in->ntopics++] = t;
	}
	if (unknown)
		set_error(errors, "topics", _("Choose topics from the list."));
	else if (in->ntopics == 0)
		set_error(errors, "topics", _("Choose at least one topic."));

	d->motivation = field(req, "motivation", DECL_MOTIVATION_MAX, false, &bad);
	if (d->motivation == NULL)
		set_error(errors, "motivation",
			  _("Tell us why your municipality seeks a Swedish partner and what you "
			    "would like to work on."));
	else if (bad)
		set_error(errors, "motivation",
			  arena_printf(req->arena,
				       _("Shorten the motivation to at most %d characters."),
				       DECL_MOTIVATION_MAX));

	const char *langs[DECL_MAX_TOPICS];
	size_t nl = form_values(req, "languages", langs, DECL_MAX_TOPICS);
	unknown = false;
	for (size_t i = 0; i < nl; i++) {
		const struct work_lang *w = work_lang_find(langs[i]);
		if (w == NULL)
			unknown = true;
		else
			in->langs[in->nlangs++] = w->code;
	}
	if (unknown)
		set_error(errors, "languages", _("Choose working languages from the list."));
	else if (in->nlangs == 0)
		set_error(errors, "languages",
			  _("Choose at least one working language of your team."));

	d->consent = typed(req, "consent")[0] != '\0';
	const char *lang = req_form(req, "lang");
	if (lang != NULL && lang[0] != '\0' && strcmp(lang, "en") != 0 && strcmp(lang, "sv") != 0)
		set_error(errors, "lang", _("Choose English or Swedish."));
	d->lang = account_lang(lang, req->lang);
	d->client_addr = req->client_addr;
	d->now = pages_now(req);
	in->org.now = d->now;
	return E_OK;
}


/* The audit row of a municipality added by a declaration. */
static enum err audit_new_org(struct req *req, const struct intl_org_new *o, int64_t org)
{
	json_t *after = json_pack("{s:s, s:s, s:s, s:s, s:o}", "kind", "local_government", "name",
				  o->name, "country", o->country_iso2, "province", o->province,
				  "population", population_json(o->population));
	enum err rc = pages_audit(req, "organisation.create", "organisation", org, NULL, after);
	json_decref(after);
	return rc;
}

/* Stores a checked declaration in one transaction: the municipality (an
 * existing one with the same folded name and country is reused), the
 * declaration with its topics and languages, the audit rows, the
 * acknowledgement mail with the withdraw link, and the stored submission
 * for the rate limit. */
static enum err save(struct req *req, struct decl_input *in)
{
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, hash);
	in->decl.withdraw_hash = hash;
	enum err rc = account_begin(req);
	if (rc != E_OK)
		return rc;
	int64_t org = in->org_id;
	if (org == 0) {
		rc = db_intl_org_find(req->db, in->org.name_folded, in->org.country_iso2, &org);
		if (rc == E_NOTFOUND) {
			rc = db_intl_org_insert(req->db, &in->org, &org);
			/* Added by a declaration at the same moment: use that one. */
			if (rc == E_CONFLICT)
				rc = db_intl_org_find(req->db, in->org.name_folded,
						      in->org.country_iso2, &org);
			else if (rc == E_OK)
				rc = audit_new_org(req, &in->org, org);
		}
	}
	in->decl.organisation_id = org;
	int64_t id = 0;
	if (rc == E_OK)
		rc = db_declaration_insert(req->db, &in->decl, &id);
	json_t *topic_codes = json_array(), *lang_codes = json_array();
	for (size_t i = 0; rc == E_OK && i < in->ntopics; i++) {
		rc = db_declaration_add_topic(req->db, id, in->topics[i]->id);
		json_array_append_new(topic_codes, json_string(in->topics[i]->slug));
	}
	for (size_t i = 0; rc == E_OK && i < in->nlangs; i++) {
		rc = db_declaration_add_language(req->db, id, in->langs[i]);
		json_array_append_new(lang_codes, json_string(in->langs[i]));
	}
	/* The audit row names no personal data: the contact is in the row. */
	json_t *after =
	    json_pack("{s:I, s:O, s:O, s:b, s:s, s:s}", "organisation_id", (json_int_t)org,
		      "topics", topic_codes, "languages", lang_codes, "consent", in->decl.consent,
		      "lang", in->decl.lang, "status", "received");
	if (rc == E_OK)
		rc = pages_audit(req, "declaration.create", "declaration", id, NULL, after);
	json_decref(after);

	/* The acknowledgement speaks the contact's language throughout. */
	const char *lang = in->decl.lang;
	i18n_use(lang);
	struct decl_row view = {.ntopics = 0, .langs = in->langs, .nlangs = in->nlangs};
	struct decl_topic topics[DECL_MAX_TOPICS];
	for (size_t i = 0; i < in->ntopics; i++)
		topics[i] = (struct decl_topic){in->topics[i]->slug, in->topics[i]->name_en,
						in->topics[i]->name_sv};
	view.topics = topics;
	view.ntopics = in->ntopics;
	json_t *data = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "contact_name", in->decl.contact_name,
	    "municipality", in->muni_name, "country", pick(lang, in->country_en, in->country_sv),
	    "topics", topics_text(req, &view, lang, ", "), "languages",
	    langs_text(req, &view, ", "), "consent", in->decl.consent, "withdraw_url",
	    arena_printf(req->arena, "%s/declarations/withdraw/%s", pages_base_url(req), token),
	    "board_url", arena_printf(req->arena, "%s/partners", pages_base_url(req)));
	if (rc == E_OK)
		rc = pages_mail(req, "declaration_received", "mail/declaration_received",
				in->decl.contact_email, 0, lang, data);
	i18n_use(req->lang);
	json_decref(data);
	json_decref(topic_codes);
	json_decref(lang_codes);
	if (rc == E_OK)
		rc = pages_public_form_done(req, DECL_FORM);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	return rc;
}

/* The thank-you page, the same for people and for robots. */
static enum err thanks(struct resp *resp, const char *email)
{
	resp_page(resp, "declarations/thanks",
		  json_pack("{s:b, s:s}", "received", true, "email", email != NULL ? email : ""));
	resp->no_store = true;
	return E_OK;
}

/*
 * GET /declarations/new
 * Public.  The declaration of interest form for a municipality abroad, in
 * the page's language.  200.
 */
enum err declarations_new(struct req *req, struct resp *resp)
{
	struct form_lists l;
	enum err rc = load_lists(req, &l);
	if (rc != E_OK)
		return rc;
	json_t *m = new_model(req, resp, &l);
	pages_form_ok(m);
	resp_page(resp, "declarations/new", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /declarations/new
 * Public (CSRF double-submit; honeypot "website"; PUBLIC_FORM_MAX_PER_HOUR
 * stored declarations or PUBLIC_FORM_MAX_ATTEMPTS attempts per client
 * address and hour).  Form: organisation_id (an international local
 * government of the directory) or org_name, country (eligible today),
 * province, population; contact_name, contact_email, contact_phone,
 * contact_position; topics (theme slugs, at least one); motivation;
 * languages (working-language codes, at least one); consent; lang (sv,
 * en: the contact's language).  200 with the thank-you page (for robots
 * too, storing nothing); 422 with field errors and the form refilled; 429
 * when sent too often.
 */
enum err declarations_create(struct req *req, struct resp *resp)
{
	bool bot = false;
	enum err rc = pages_public_form(req, resp, DECL_FORM, &bot);
	if (rc != E_OK)
		return rc;
	if (bot)
		return thanks(resp, typed(req, "contact_email"));
	struct form_lists l;
	if ((rc = load_lists(req, &l)) != E_OK)
		return rc;
	struct decl_input in;
	json_t *errors = json_object();
	if ((rc = read_input(req, &l, &in, errors)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "declarations/new", new_model(req, resp, &l),
					  errors);
	json_decref(errors);
	if ((rc = save(req, &in)) != E_OK)
		return rc;
	return thanks(resp, in.decl.contact_email);
}

/* -------------------------------------------------- the withdraw link */

/* The withdraw page's model: a title, a message, and whether the button
 * to withdraw shows. */
static json_t *withdraw_model(struct req *req, struct resp *resp, const char *title,
			      const char *message, const char *municipality, bool can_withdraw)
{
	return json_pack(
	    "{s:s, s:s, s:o, s:b, s:s, s:s}", "title", title, "message", message, "municipality",
	    pages_str(municipality), "can_withdraw", can_withdraw, "action",
	    arena_printf(req->arena, "/declarations/withdraw/%s", req_param(req, "token")), "csrf",
	    pages_csrf(req, resp));
}

/* Loads the declaration of the {token} link, or fills a 404 or 410 page
 * saying why it cannot be withdrawn (*usable false). */
static enum err load_withdraw(struct req *req, struct resp *resp, struct decl_row *d, bool *usable)
{
	*usable = false;
	const char *token = req_param(req, "token");
	enum err rc = E_NOTFOUND;
	if (token_well_formed(token)) {
		char hash[TOKEN_HASH_LEN + 1];
		token_hash(token, hash);
		rc = db_declaration_by_withdraw_hash(req->db, req->arena, hash, today(req), d);
		if (rc != E_OK && rc != E_NOTFOUND)
			return rc;
	}
	resp->no_store = true;
	if (rc == E_NOTFOUND) {
		resp_page(resp, "declarations/withdraw",
			  withdraw_model(req, resp, _("This link does not work"),
					 _("It may have been copied incompletely from the e-mail."),
					 NULL, false));
		resp->status = 404;
		return E_OK;
	}
	enum decl_status s = DECL_RECEIVED;
	decl_status_parse(d->status, &s);
	if (!declaration_may_move(s, DECL_WITHDRAWN, BY_REGISTRANT)) {
		const char *message =
		    s == DECL_WITHDRAWN
			? _("This declaration of interest has been withdrawn already.")
			: _("This declaration of interest is closed and can no longer be "
			    "withdrawn.");
		resp_page(resp, "declarations/withdraw",
			  withdraw_model(req, resp, _("Nothing to withdraw"), message, d->org_name,
					 false));
		resp->status = 410;
		return E_OK;
	}
	*usable = true;
	return E_OK;
}

/*
 * GET /declarations/withdraw/{token}
 * Public, with the link from the acknowledgement mail.  Asks to confirm
 * the withdrawal.  200; 404 for an unknown link; 410 when the declaration
 * is withdrawn, declined, archived or matched already.
 */
enum err declarations_withdraw_form(struct req *req, struct resp *resp)
{
	struct decl_row d;
	bool usable;
	enum err rc = load_withdraw(req, resp, &d, &usable);
	if (rc != E_OK || !usable)
		return rc;
	resp_page(resp, "declarations/withdraw",
		  withdraw_model(req, resp, _("Withdraw the declaration of interest"),
				 _("If you withdraw it, it is no longer shown to anyone and staff "
				   "stop working on it."),
				 d.org_name, true));
	return E_OK;
}

/*
 * POST /declarations/withdraw/{token}
 * Public (CSRF double-submit), with the link.  Withdraws the declaration
 * (it leaves the board).  200 with a confirmation; 404 and 410 as for GET,
 * also when it was withdrawn or closed meanwhile; 409 with the button
 * again when staff moved it meanwhile and it may still be withdrawn.
 */
enum err declarations_withdraw(struct req *req, struct resp *resp)
{
	struct decl_row d;
	bool usable;
	enum err rc = load_withdraw(req, resp, &d, &usable);
	if (rc != E_OK || !usable)
		return rc;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_declaration_set_status(req->db, d.id, d.status, "withdrawn", NULL, pages_now(req));
	json_t *before = json_pack("{s:s}", "status", d.status);
	json_t *after = json_pack("{s:s}", "status", "withdrawn");
	if (rc == E_OK)
		rc = pages_audit(req, "declaration.withdraw", "declaration", d.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT) {
		/* Withdrawn or moved by staff a moment ago: say what it is now.
		 * When it may still be withdrawn (staff approved it meanwhile,
		 * say), nothing was withdrawn: say so, with the button again. */
		if ((rc = load_withdraw(req, resp, &d, &usable)) != E_OK || !usable)
			return rc;
		resp_page(
		    resp, "declarations/withdraw",
		    withdraw_model(req, resp, _("The declaration changed meanwhile"),
				   _("Staff changed the declaration of interest while you were "
				     "looking at it, so it has not been withdrawn. If you still "
				     "want to withdraw it, confirm again."),
				   d.org_name, true));
		resp->status = 409;
		return E_OK;
	}
	if (rc != E_OK)
		return rc;
	resp_page(
	    resp, "declarations/withdraw",
	    withdraw_model(req, resp, _("The declaration of interest is withdrawn"),
			   _("It is no longer shown to anyone. Thank you for letting us know."),
			   d.org_name, false));
	return E_OK;
}

/* ------------------------------------------------------------ the board */

struct board_params {
	struct board_filter f; /* the query */
	struct paging paging;  /* page and per_page */
};

/* Reads the board's filters; unknown parameters are ignored. */
static enum err board_parse(struct req *req, struct resp *resp, const struct code_name *clusters,
			    size_t nclusters, const struct decl_theme *themes, size_t nthemes,
			    struct board_params *p)
{
	memset(p, 0, sizeof *p);
	p->paging = (struct paging){.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
	p->f.date = today(req);
	p->f.country = pages_query(req, "country");
	if (p->f.country != NULL && !is_upper2(p->f.country))
		resp_field_error(resp, "country",
				 _("must be a two-letter country code, such as KE"));
	p->f.cluster = pages_query(req, "cluster");
	bool found = false;
	for (size_t i = 0; p->f.cluster != NULL && i < nclusters && !found; i++)
		found = strcmp(clusters[i].code, p->f.cluster) == 0;
	if (p->f.cluster != NULL && !found)
		resp_field_error(resp, "cluster", _("must be a cluster code, such as east_africa"));
	p->f.topic = pages_query(req, "topic");
	found = false;
	for (size_t i = 0; p->f.topic != NULL && i < nthemes && !found; i++)
		found = strcmp(themes[i].slug, p->f.topic) == 0;
	if (p->f.topic != NULL && !found)
		resp_field_error(resp, "topic", _("must be a topic code, such as climate"));
	p->f.language = pages_query(req, "language");
	if (p->f.language != NULL && work_lang_find(p->f.language) == NULL)
		resp_field_error(resp, "language", _("must be a language code, such as en"));
	pages_paging(req, resp, &p->paging);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	p->f.limit = p->paging.per_page;
	p->f.offset = p->paging.offset;
	return E_OK;
}

/* The board's filter form: current values and the options of each list. */
static json_t *board_filters(struct req *req, const struct board_params *p,
			     const struct code_name *clusters, size_t nclusters,
			     const struct decl_theme *themes, size_t nthemes)
{
	bool en = lang_en(req->lang);
	json_t *countries = json_array();
	struct code_name *cn;
	size_t n;
	if (db_eligible_countries(req->db, req->arena, p->f.date, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    countries, pages_option(cn[i].code, en ? cn[i].name : cn[i].name_sv,
						    p->f.country));
	json_t *cl = json_array();
	for (size_t i = 0; i < nclusters; i++)
		json_array_append_new(cl, pages_option(clusters[i].code,
						       en ? clusters[i].name : clusters[i].name_sv,
						       p->f.cluster));
	json_t *topics = json_array();
	for (size_t i = 0; i < nthemes; i++)
		json_array_append_new(
		    topics, pages_option(themes[i].slug, en ? themes[i].name_en : themes[i].name_sv,
					 p->f.topic));
	json_t *langs = json_array();
	for (size_t i = 0; i < work_nlangs; i++)
		json_array_append_new(
		    langs, pages_option(work_langs[i].code, _(work_langs[i].name), p->f.language));
	return json_pack("{s:o, s:o, s:o, s:o}", "countries", countries, "clusters", cl, "topics",
			 topics, "languages", langs);
}

/*
 * GET /partners
 * Public.  Query: country (ISO alpha-2), cluster (as of today), topic
 * (theme slug), language (working-language code), page, per_page.  The
 * partner-seeking board: approved declarations whose contact consented,
 * newest first, without any contact detail.  200; 400 naming the bad
 * parameter (the filter form refilled, or a JSON error).
 */
enum err partners_index(struct req *req, struct resp *resp)
{
	struct code_name *clusters;
	size_t nclusters;
	struct decl_theme *themes;
	size_t nthemes;
	enum err rc = db_clusters(req->db, req->arena, &clusters, &nclusters);
	if (rc == E_OK)
		rc = db_decl_themes(req->db, req->arena, &themes, &nthemes);
	if (rc != E_OK)
		return rc;
	struct board_params p;
	rc = board_parse(req, resp, clusters, nclusters, themes, nthemes, &p);
	if (rc == E_INVALID && !req->wants_json) {
		struct paging empty = {.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
		json_t *m = pages_list_model(json_array(), &empty);
		json_object_set_new(m, "filters",
				    board_filters(req, &p, clusters, nclusters, themes, nthemes));
		json_object_set_new(m, "summary",
				    json_string(_("Some search parameters are not valid.")));
		json_object_set_new(m, "has_items", json_false());
		json_object_set_new(m, "pager", pages_pager(req, &empty));
		return pages_list_invalid(req, resp, "partners/index", m);
	}
	if (rc != E_OK)
		return rc;
	struct decl_row *rows;
	size_t n = 0;
	int64_t total = 0;
	if ((rc = db_declarations_board(req->db, req->arena, &p.f, &rows, &n, &total)) != E_OK)
		return rc;
	paging_set_total(&p.paging, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, board_item(req, &rows[i]));
	resp_page(resp, "partners/index", pages_list_model(items, &p.paging));
	if (req->wants_json)
		return E_OK;
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		add_texts(req, item);
	}
	const char *summary =
	    total == 0 ? _("No partner municipalities match.")
		       : arena_printf(req->arena,
				      ngettext("%s partner municipality",
					       "%s partner municipalities", (unsigned long)total),
				      fmt_int(req->arena, req->lang, total));
	resp->view =
	    json_pack("{s:o, s:s, s:b, s:o}", "filters",
		      board_filters(req, &p, clusters, nclusters, themes, nthemes), "summary",
		      summary, "has_items", n > 0, "pager", pages_pager(req, &p.paging));
	pages_form_ok(resp->view);
	return E_OK;
}

/* The {id} parameter; false when it is not one. */
static bool param_id(const struct req *req, int64_t *id)
{
	return str_to_i64(req_param(req, "id"), 1, INT64_MAX, id);
}

/* The contact part of a partner's page: who may ask, and the form. */
static json_t *contact_view(struct req *req, struct resp *resp, const struct decl_row *d,
			    bool *can_contact)
{
	*can_contact = false;
	bool signed_in = req->actor->person_id != 0;
	json_t *orgs = json_array();
	size_t n = 0;
	if (signed_in && policy_allows(req->actor, ACT_PARTNER_CONTACT, 0)) {
		struct code_name *cn;
		if (db_requester_orgs(req->db, req->arena, req->actor->person_id, &cn, &n) == E_OK)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(
				    orgs, pages_option(cn[i].code, cn[i].name,
						       req_form(req, "organisation_id")));
	}
	*can_contact = n > 0;
	/* One open request per person and partner: the partner gets one mail. */
	bool asked = false;
	if (n > 0 && db_contact_open(req->db, d->id, req->actor->person_id, &asked) != E_OK)
		asked = false;
	const char *self = arena_printf(req->arena, "/partners/%lld", (long long)d->id);
	struct buf b;
	buf_init(&b, 1024);
	buf_puts(&b, "/signin?next=");
	url_encode(&b, self, strlen(self));
	json_t *v =
	    json_pack("{s:b, s:b, s:s, s:o, s:b, s:{s:s}, s:s, s:s, s:b}", "can_contact", n > 0,
		      "signed_in", signed_in, "signin_url", buf_str(&b), "contact_orgs", orgs,
		      "several_orgs", n > 1, "form", "message", typed(req, "message"),
		      "contact_action", arena_printf(req->arena, "%s/contact", self), "csrf",
		      pages_csrf(req, resp), "sent", req_query(req, "contact") != NULL);
	buf_free(&b);
	json_object_set_new(v, "message_max", json_integer(DECL_MESSAGE_MAX));
	json_object_set_new(v, "asked", json_boolean(asked));
	return v;
}

/*
 * GET /partners/{id}
 * Public.  One municipality on the board (never its contact details), and
 * for signed-in members of a Swedish organisation the form to ask for
 * contact.  200; 404 when it is not on the board.
 */
enum err partners_show(struct req *req, struct resp *resp)
{
	int64_t id;
	struct decl_row d;
	if (!param_id(req, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	enum err rc = db_declaration_public(req->db, req->arena, id, today(req), &d);
	if (rc == E_NOTFOUND)
		return resp_error(
		    resp, E_NOTFOUND,
		    _("There is no municipality with this number on the partner-seeking board."));
	if (rc != E_OK)
		return rc;
	bool can_contact;
	json_t *view = contact_view(req, resp, &d, &can_contact);
	json_t *m = board_item(req, &d);
	json_object_set_new(m, "can_contact", json_boolean(can_contact));
	resp_page(resp, "partners/show", m);
	if (req->wants_json) {
		json_decref(view);
		return E_OK;
	}
	add_texts(req, m);
	pages_form_ok(view);
	resp->view = view;
	return E_OK;
}

/* Mails the partner a contact request, in the partner's language, with
 * the two links to answer it. */
static enum err mail_contact_request(struct req *req, const struct decl_row *d,
				     const char *org_name, const char *message, const char *token)
{
	const char *base =
	    arena_printf(req->arena, "%s/contact-requests/%s", pages_base_url(req), token);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "contact_name",
				 d->contact_name, "municipality", d->org_name, "requester_name",
				 req->actor->name != NULL ? req->actor->name : "", "requester_org",
				 org_name, "message", message, "accept_url",
				 arena_printf(req->arena, "%s?answer=accept", base), "decline_url",
				 arena_printf(req->arena, "%s?answer=decline", base));
	enum err rc = pages_mail(req, "contact_request", "mail/contact_request", d->contact_email,
				 0, d->lang, data);
	json_decref(data);
	return rc;
}

/*
 * POST /partners/{id}/contact
 * A signed-in member of a Swedish organisation (partner.contact; CSRF;
 * PUBLIC_FORM_MAX_PER_HOUR requests or PUBLIC_FORM_MAX_ATTEMPTS attempts
 * per client address and hour).  Form: message, organisation_id (which of
 * the person's Swedish organisations asks; the only one by default).
 * Mails the partner, who answers through a link; the requester learns
 * nothing of the partner's contact yet.  303 back to the page (also for a
 * filled honeypot, sending nothing); 401 for visitors; 403 without a
 * Swedish organisation; 404 when not on the board; 409 while the person's
 * earlier request to this partner waits for an answer (also for a double
 * submission); 422 with field errors; 429 when sent too often.
 */
enum err partners_contact(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PARTNER_CONTACT, 0);
	if (rc != E_OK)
		return rc;
	int64_t id;
	struct decl_row d;
	if (!param_id(req, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	/* The full row (the mail needs the address), shown to nobody. */
	rc = db_declaration_by_id(req->db, req->arena, id, today(req), &d);
	enum decl_status s = DECL_RECEIVED;
	if (rc == E_OK)
		decl_status_parse(d.status, &s);
	if (rc == E_NOTFOUND || (rc == E_OK && !declaration_public(s, d.consent)))
		return resp_error(
		    resp, E_NOTFOUND,
		    _("There is no municipality with this number on the partner-seeking board."));
	if (rc != E_OK)
		return rc;
	struct code_name *orgs;
	size_t norgs;
	if ((rc = db_requester_orgs(req->db, req->arena, req->actor->person_id, &orgs, &norgs)) !=
	    E_OK)
		return rc;
	if (norgs == 0)
		return resp_error(resp, E_FORBIDDEN,
				  _("Only members of a Swedish municipality or region can ask a "
				    "partner for contact."));
	bool asked = false;
	if ((rc = db_contact_open(req->db, d.id, req->actor->person_id, &asked)) != E_OK)
		return rc;
	if (asked)
		return resp_error(
		    resp, E_CONFLICT,
		    _("You have asked this partner for contact already. They have not "
		      "answered yet; we will write to you when they do."));
	bool bot = false;
	if ((rc = pages_public_form(req, resp, DECL_CONTACT_FORM, &bot)) != E_OK)
		return rc;
	const char *back = arena_printf(req->arena, "/partners/%lld?contact=sent", (long long)d.id);
	if (bot) {
		resp_redirect(resp, 303, back);
		return E_OK;
	}
	json_t *errors = json_object();
	bool bad;
	const char *message = field(req, "message", DECL_MESSAGE_MAX, false, &bad);
	if (message == NULL)
		set_error(errors, "message",
			  _("Write a few words about your municipality and why you would like to "
			    "get in touch."));
	else if (bad)
		set_error(errors, "message",
			  arena_printf(req->arena,
				       _("Shorten the message to at most %d characters."),
				       DECL_MESSAGE_MAX));
	const struct code_name *org = norgs == 1 ? &orgs[0] : NULL;
	const char *chosen = req_form(req, "organisation_id");
	for (size_t i = 0; chosen != NULL && i < norgs; i++)
		if (strcmp(orgs[i].code, chosen) == 0)
			org = &orgs[i];
	if (org == NULL)
		set_error(errors, "organisation_id", _("Choose the organisation you write for."));
	if (json_object_size(errors) > 0) {
		bool can_contact;
		json_t *m = board_item(req, &d);
		if (!req->wants_json) {
			json_t *view = contact_view(req, resp, &d, &can_contact);
			json_object_update(m, view);
			json_decref(view);
			add_texts(req, m);
		}
		return pages_form_invalid(req, resp, "partners/show", m, errors);
	}
	json_decref(errors);

	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, hash);
	int64_t org_id = 0;
	str_to_i64(org->code, 1, INT64_MAX, &org_id);
	struct contact_new c = {.declaration_id = d.id,
				.requester_id = req->actor->person_id,
				.requester_org_id = org_id,
				.message = message,
				.token_hash = hash,
				.now = pages_now(req)};
	int64_t cid = 0;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	/* A double submission passes the check above twice; the unique index
	 * on unanswered requests (migrations/0007) lets one through. */
	rc = db_contact_insert(req->db, &c, &cid);
	if (rc == E_OK)
		rc = mail_contact_request(req, &d, org->name, message, token);
	json_t *after = json_pack("{s:I, s:I, s:s}", "declaration_id", (json_int_t)d.id,
				  "requester_org_id", (json_int_t)org_id, "status", "sent");
	if (rc == E_OK)
		rc =
		    pages_audit(req, "contact_request.create", "contact_request", cid, NULL, after);
	json_decref(after);
	if (rc == E_OK)
		rc = pages_public_form_done(req, DECL_CONTACT_FORM);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(
		    resp, E_CONFLICT,
		    _("You have asked this partner for contact already. They have not "
		      "answered yet; we will write to you when they do."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, back);
	return E_OK;
}

/* ------------------------------------------------ answering a request */

/* The answer page's model; request shown only while it can be answered. */
static json_t *answer_model(struct req *req, struct resp *resp, const char *title,
			    const char *notice, const struct contact_row *c,
			    const struct decl_row *d)
{
	const char *intent = typed(req, "answer");
	if (intent[0] == '\0' && req_query(req, "answer") != NULL)
		intent = req_query(req, "answer");
	json_t *m =
	    json_pack("{s:s, s:o, s:b, s:s, s:s, s:b, s:b}", "title", title, "notice",
		      pages_str(notice), "show_form", c != NULL, "action",
		      arena_printf(req->arena, "/contact-requests/%s", req_param(req, "token")),
		      "csrf", pages_csrf(req, resp), "intent_accept", strcmp(intent, "accept") == 0,
		      "intent_decline", strcmp(intent, "decline") == 0);
	json_object_set_new(m, "requester_name", json_string(c != NULL ? c->requester_name : ""));
	json_object_set_new(
	    m, "requester_org",
	    json_string(c != NULL && c->requester_org != NULL ? c->requester_org : ""));
	json_object_set_new(m, "request_paragraphs", paragraphs(c != NULL ? c->message : NULL));
	json_object_set_new(m, "sent_text",
			    json_string(c != NULL ? date_text(req, c->created_at) : ""));
	json_object_set_new(m, "municipality", json_string(d != NULL ? d->org_name : ""));
	return m;
}

/* Loads the request of the {token} link and its declaration, or fills a
 * 404 or 410 page saying why it cannot be answered (*usable false):
 * answered already, or the requester erased or deactivated. */
static enum err load_request(struct req *req, struct resp *resp, struct contact_row *c,
			     struct decl_row *d, bool *usable)
{
	*usable = false;
	resp->no_store = true;
	const char *token = req_param(req, "token");
	enum err rc = E_NOTFOUND;
	if (token_well_formed(token)) {
		char hash[TOKEN_HASH_LEN + 1];
		token_hash(token, hash);
		rc = db_contact_by_hash(req->db, req->arena, hash, c);
		if (rc == E_OK)
			rc = db_declaration_by_id(req->db, req->arena, c->declaration_id,
						  today(req), d);
		if (rc != E_OK && rc != E_NOTFOUND)
			return rc;
	}
	if (rc == E_NOTFOUND) {
		resp_page(resp, "partners/answer",
			  answer_model(req, resp, _("This link does not work"),
				       _("It may have been copied incompletely from the e-mail."),
				       NULL, NULL));
		resp->status = 404;
		return E_OK;
	}
	const char *gone = NULL;
	if (strcmp(c->status, "accepted") == 0)
		gone = _("You have answered this request already: you accepted it, and we have "
			 "exchanged your contact details.");
	else if (strcmp(c->status, "declined") == 0)
		gone = _("You have answered this request already: you declined it.");
	else if (c->requester_email == NULL)
		gone = _("The person who asked no longer has an account, so the request cannot be "
			 "answered.");
	else if (!c->requester_active)
		/* Accepting mails the partner's details: not to an account
		 * staff closed. */
		gone = _("The person who asked can no longer use natverk, so the request cannot "
			 "be answered.");
	if (gone != NULL) {
		resp_page(resp, "partners/answer",
			  answer_model(req, resp, _("This request is closed"), gone, NULL, d));
		resp->status = 410;
		return E_OK;
	}
	*usable = true;
	return E_OK;
}

/*
 * GET /contact-requests/{token}?answer=accept|decline
 * Public, with the link mailed to the partner.  Who asks and what they
 * wrote, and the form to accept or decline (the link's answer preselects
 * one; nothing changes on GET, so mail scanners following links do no
 * harm).  200; 404 for an unknown link; 410 once answered, or when the
 * requester's account is erased or deactivated.
 */
enum err contact_requests_show(struct req *req, struct resp *resp)
{
	struct contact_row c;
	struct decl_row d;
	bool usable;
	enum err rc = load_request(req, resp, &c, &d, &usable);
	if (rc != E_OK || !usable)
		return rc;
	json_t *m = answer_model(req, resp, _("A Swedish municipality would like to get in touch"),
				 NULL, &c, &d);
	pages_form_ok(m);
	resp_page(resp, "partners/answer", m);
	return E_OK;
}

/* Mails both sides each other's contact details after an acceptance. */
static enum err mail_accepted(struct req *req, const struct contact_row *c,
			      const struct decl_row *d)
{
	json_t *to_partner = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s}", "contact_name", d->contact_name, "municipality",
	    d->org_name, "requester_name", c->requester_name, "requester_email", c->requester_email,
	    "requester_org", c->requester_org != NULL ? c->requester_org : "");
	enum err rc = pages_mail(req, "contact_accepted", "mail/contact_accepted_partner",
				 d->contact_email, 0, d->lang, to_partner);
	json_decref(to_partner);
	if (rc != E_OK)
		return rc;
	const char *lang = c->requester_lang != NULL ? c->requester_lang : "sv";
	json_t *to_requester = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "requester_name", c->requester_name,
	    "municipality", d->org_name, "country",
	    pick(lang, d->country_name_en, d->country_name_sv), "partner_name", d->contact_name,
	    "partner_email", d->contact_email, "partner_phone", pages_str(d->contact_phone),
	    "partner_position", pages_str(d->contact_position), "partner_url",
	    arena_printf(req->arena, "%s/partners/%lld", pages_base_url(req), (long long)d->id));
	rc = pages_mail(req, "contact_accepted", "mail/contact_accepted_requester",
			c->requester_email, c->requester_id, lang, to_requester);
	json_decref(to_requester);
	return rc;
}

/* Tells the requester the partner declined (nothing else of the partner). */
static enum err mail_declined(struct req *req, const struct contact_row *c,
			      const struct decl_row *d)
{
	const char *lang = c->requester_lang != NULL ? c->requester_lang : "sv";
	json_t *data = json_pack("{s:s, s:s, s:s}", "requester_name", c->requester_name,
				 "municipality", d->org_name, "board_url",
				 arena_printf(req->arena, "%s/partners", pages_base_url(req)));
	enum err rc = pages_mail(req, "contact_declined", "mail/contact_declined",
				 c->requester_email, c->requester_id, lang, data);
	json_decref(data);
	return rc;
}

/*
 * POST /contact-requests/{token}
 * Public (CSRF double-submit), with the link.  Form: answer (accept or
 * decline).  Accepting mails both sides each other's contact details;
 * declining tells the requester.  Works once, and only while the
 * requester's account is active (checked again in the write).  200 with a
 * confirmation; 404 for an unknown link; 410 once answered or when the
 * requester's account is erased or deactivated (also meanwhile); 422
 * without an answer.
 */
enum err contact_requests_answer(struct req *req, struct resp *resp)
{
	struct contact_row c;
	struct decl_row d;
	bool usable;
	enum err rc = load_request(req, resp, &c, &d, &usable);
	if (rc != E_OK || !usable)
		return rc;
	const char *answer = typed(req, "answer");
	bool accept = strcmp(answer, "accept") == 0;
	if (!accept && strcmp(answer, "decline") != 0) {
		json_t *errors =
		    json_pack("{s:s}", "answer", _("Choose whether to accept or decline."));
		return pages_form_invalid(
		    req, resp, "partners/answer",
		    answer_model(req, resp, _("A Swedish municipality would like to get in touch"),
				 NULL, &c, &d),
		    errors);
	}
	const char *status = accept ? "accepted" : "declined";
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_contact_answer(req->db, c.id, status, pages_now(req));
	if (rc == E_OK)
		rc = accept ? mail_accepted(req, &c, &d) : mail_declined(req, &c, &d);
	json_t *before = json_pack("{s:s}", "status", "sent");
	json_t *after = json_pack("{s:s}", "status", status);
	if (rc == E_OK)
		rc = pages_audit(req, accept ? "contact_request.accept" : "contact_request.decline",
				 "contact_request", c.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return load_request(req, resp, &c, &d, &usable); /* answered a moment ago */
	if (rc != E_OK)
		return rc;
	const char *notice =
	    accept ? arena_printf(req->arena,
				  _("We have sent your contact details to %s, and theirs to you."),
				  c.requester_name)
		   : arena_printf(req->arena,
				  _("We have told %s that you declined. They have not received any "
				    "of your details."),
				  c.requester_name);
	resp_page(resp, "partners/answer",
		  answer_model(req, resp, _("Thank you for your answer"), notice, NULL, &d));
	return E_OK;
}

/* ----------------------------------------------------------- staff triage */

/* True when the actor triages somewhere: every declaration (staff) or
 * those of a network they coordinate. */
static bool triage_any(const struct actor *a)
{
	if (policy_allows(a, ACT_TRIAGE, 0))
		return true;
	for (size_t i = 0; a != NULL && i < a->nnetworks; i++)
		if (policy_allows(a, ACT_TRIAGE, a->networks[i].object_id))
			return true;
	return false;
}

/* Loads the {id} declaration for staff: sign-in and triage rights first
 * (so a visitor learns nothing), then 404, then 403 when the actor may not
 * triage the network it is in (unassigned ones: staff only). */
static enum err load_for_staff(struct req *req, struct resp *resp, struct decl_row *d)
{
	if (!triage_any(req->actor))
		return pages_require(req, resp, ACT_TRIAGE, 0);
	int64_t id;
	if (!param_id(req, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	enum err rc = db_declaration_by_id(req->db, req->arena, id, today(req), d);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no declaration with this number."));
	if (rc != E_OK)
		return rc;
	return pages_require(req, resp, ACT_TRIAGE, d->network_id);
}

/* Networks the actor may assign declarations to, as options. */
static json_t *network_options(struct req *req, int64_t current)
{
	json_t *list = json_array();
	struct code_name *cn;
	size_t n;
	char cur[24];
	snprintf(cur, sizeof cur, "%lld", (long long)current);
	if (db_network_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++) {
			int64_t id = 0;
			if (str_to_i64(cn[i].code, 1, INT64_MAX, &id) &&
			    policy_allows(req->actor, ACT_TRIAGE, id))
				json_array_append_new(
				    list,
				    pages_option(cn[i].code,
						 pick(req->lang, cn[i].name, cn[i].name_sv), cur));
		}
	return list;
}

/* The staff page of one declaration: everything, its notes, the states it
 * may move to, the networks it may go to. */
static json_t *staff_model(struct req *req, struct resp *resp, const struct decl_row *d)
{
	json_t *m = staff_item(req, d);
	json_t *notes = json_array();
	struct triage_note *rows;
	size_t n = 0;
	if (db_notes_of(req->db, req->arena, "declaration", d->id, &rows, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(notes, json_pack("{s:o, s:s, s:s, s:s}", "author",
							       pages_str(rows[i].author), "body",
							       rows[i].body, "created_at",
							       rows[i].created_at, "created_text",
							       date_text(req, rows[i].created_at)));
	json_object_set_new(m, "notes", notes);
	enum decl_status s = DECL_RECEIVED;
	decl_status_parse(d->status, &s);
	json_t *moves = json_array();
	for (int to = 0; to < DECL__COUNT; to++)
		if (declaration_may_move(s, (enum decl_status)to, BY_STAFF))
			json_array_append_new(
			    moves,
			    json_pack("{s:s, s:s}", "value", decl_status_code((enum decl_status)to),
				      "label", _(decl_status_name((enum decl_status)to))));
	json_object_set_new(m, "next_statuses", moves);
	if (req->wants_json)
		return m;
	add_texts(req, m);
	json_object_set_new(m, "has_notes", json_boolean(n > 0));
	json_object_set_new(m, "has_moves", json_boolean(json_array_size(moves) > 0));
	json_object_set_new(m, "networks", network_options(req, d->network_id));
	json_object_set_new(m, "topics_text", json_string(topics_text(req, d, req->lang, ", ")));
	json_object_set_new(m, "lang_name", json_string(lang_en(d->lang) ? "English" : "Svenska"));
	json_object_set_new(m, "languages_text", json_string(langs_text(req, d, ", ")));
	json_object_set_new(m, "csrf", json_string(pages_csrf(req, resp)));
	json_object_set_new(m, "form", json_pack("{s:s}", "body", typed(req, "body")));
	json_object_set_new(
	    m, "audit_url",
	    policy_allows(req->actor, ACT_AUDIT_VIEW, 0)
		? json_string(arena_printf(req->arena,
					   "/admin/audit?object_type=declaration&object_id=%lld",
					   (long long)d->id))
		: json_null());
	return m;
}

/*
 * GET /admin/declarations
 * Staff who triage (administrators, programme officers; project
 * coordinators see the declarations of their networks).  Query: status,
 * network (id), country (ISO alpha-2), q (part of the municipality's
 * name), page, per_page.  New ones first, oldest first.  200; 400 naming a
 * bad parameter; 302 to sign in (401 for JSON) for visitors; 403 for
 * people who triage nothing, and for a network the person does not
 * coordinate.
 */
enum err admin_declarations_index(struct req *req, struct resp *resp)
{
	if (!triage_any(req->actor))
		return pages_require(req, resp, ACT_TRIAGE, 0);
	struct queue_filter f = {.date = today(req)};
	const char *status = pages_query(req, "status");
	enum decl_status s;
	if (status != NULL && !decl_status_parse(status, &s))
		resp_field_error(resp, "status",
				 _("must be one of: received, approved, declined, withdrawn, "
				   "archived, matched"));
	f.status = status;
	const char *network = pages_query(req, "network");
	if (network != NULL && !str_to_i64(network, 1, INT64_MAX, &f.network_id))
		resp_field_error(resp, "network", _("must be a network number"));
	f.country = pages_query(req, "country");
	if (f.country != NULL && !is_upper2(f.country))
		resp_field_error(resp, "country",
				 _("must be a two-letter country code, such as KE"));
	const char *q = pages_query(req, "q");
	if (q != NULL && str_utf8_len(q, strlen(q)) > DECL_QUERY_MAX) {
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
	for (int i = 0; i < DECL__COUNT; i++)
		json_array_append_new(
		    statuses, pages_option(decl_status_code((enum decl_status)i),
					   _(decl_status_name((enum decl_status)i)), status));
	json_t *countries = json_array();
	struct code_name *cn;
	size_t ncn;
	if (!req->wants_json && db_organisation_countries(req->db, req->arena, &cn, &ncn) == E_OK)
		for (size_t i = 0; i < ncn; i++)
			if (strcmp(cn[i].code, "SE") != 0)
				json_array_append_new(
				    countries,
				    pages_option(cn[i].code,
						 pick(req->lang, cn[i].name, cn[i].name_sv),
						 f.country));
	json_t *filters =
	    json_pack("{s:s, s:o, s:o, s:o}", "q", q != NULL ? q : "", "statuses", statuses,
		      "networks", network_options(req, f.network_id), "countries", countries);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		if (req->wants_json) {
			json_decref(filters);
			return E_INVALID;
		}
		struct paging empty = {.page = 1, .per_page = PAGING_DEFAULT_PER_PAGE, .pages = 1};
		json_t *m = pages_list_model(json_array(), &empty);
		json_object_set_new(m, "filters", filters);
		json_object_set_new(m, "summary",
				    json_string(_("Some search parameters are not valid.")));
		json_object_set_new(m, "has_items", json_false());
		json_object_set_new(m, "pager", pages_pager(req, &empty));
		return pages_list_invalid(req, resp, "admin/declarations", m);
	}
	if (f.network_id > 0 && !policy_allows(req->actor, ACT_TRIAGE, f.network_id)) {
		json_decref(filters);
		return resp_error(
		    resp, E_FORBIDDEN,
		    _("You may see only the declarations of networks you coordinate."));
	}
	/* Coordinators see their networks' declarations only. */
	if (!policy_allows(req->actor, ACT_TRIAGE, 0))
		f.coordinator_id = req->actor->person_id;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	struct decl_row *rows;
	size_t n = 0;
	int64_t total = 0;
	enum err rc = db_declarations_queue(req->db, req->arena, &f, &rows, &n, &total);
	if (rc != E_OK) {
		json_decref(filters);
		return rc;
	}
	paging_set_total(&pg, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, staff_item(req, &rows[i]));
	resp_page(resp, "admin/declarations", pages_list_model(items, &pg));
	resp->no_store = true;
	if (req->wants_json) {
		json_decref(filters);
		return E_OK;
	}
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		add_texts(req, item);
	}
	const char *summary =
	    total == 0
		? _("No declarations match.")
		: arena_printf(req->arena,
			       ngettext("%s declaration", "%s declarations", (unsigned long)total),
			       fmt_int(req->arena, req->lang, total));
	resp->view = json_pack("{s:o, s:s, s:b, s:o}", "filters", filters, "summary", summary,
			       "has_items", n > 0, "pager", pages_pager(req, &pg));
	pages_form_ok(resp->view);
	return E_OK;
}

/*
 * GET /admin/declarations/{id}
 * Staff who triage it (see load_for_staff).  Everything about one
 * declaration, the contact included, with its notes, the statuses it may
 * move to and the networks it may be assigned to.  200; 302 to sign in
 * (401 for JSON) for visitors; 403; 404.
 */
enum err admin_declarations_show(struct req *req, struct resp *resp)
{
	struct decl_row d;
	enum err rc = load_for_staff(req, resp, &d);
	if (rc != E_OK)
		return rc;
	json_t *m = staff_model(req, resp, &d);
	if (!req->wants_json)
		pages_form_ok(m);
	resp_page(resp, "admin/declaration", m);
	resp->no_store = true;
	return E_OK;
}

/* The staff page again with a field error (422). */
static enum err staff_invalid(struct req *req, struct resp *resp, const struct decl_row *d,
			      const char *field_name, const char *message)
{
	json_t *errors = json_pack("{s:s}", field_name, message);
	resp->no_store = true;
	return pages_form_invalid(req, resp, "admin/declaration", staff_model(req, resp, d),
				  errors);
}

/* Mails the contact about a decision on their declaration, in their
 * language: approved (and whether it is on the board), declined or
 * archived.  Other moves mail nothing. */
static enum err mail_status(struct req *req, const struct decl_row *d, enum decl_status to)
{
	const char *kind = to == DECL_APPROVED   ? "declaration_approved"
			   : to == DECL_DECLINED ? "declaration_declined"
			   : to == DECL_ARCHIVED ? "declaration_archived"
						 : NULL;
	if (kind == NULL)
		return E_OK;
	json_t *data = json_pack(
	    "{s:s, s:s, s:b, s:s, s:s}", "contact_name", d->contact_name, "municipality",
	    d->org_name, "published", d->consent, "board_url",
	    arena_printf(req->arena, "%s/partners/%lld", pages_base_url(req), (long long)d->id),
	    "new_url", arena_printf(req->arena, "%s/declarations/new", pages_base_url(req)));
	enum err rc = pages_mail(req, kind, arena_printf(req->arena, "mail/%s", kind),
				 d->contact_email, 0, d->lang, data);
	json_decref(data);
	return rc;
}

/*
 * POST /admin/declarations/{id}/status
 * Staff who triage it (CSRF).  Form: status (the new one), from (the
 * status the page showed).  Moves it when the rules allow staff to
 * (received -> approved | declined, approved | matched -> archived);
 * approving puts it on the board when the contact consented.  Mails the
 * contact.  303 back; 401 for visitors; 403; 404; 409 when someone moved
 * it meanwhile; 422 for a move the rules refuse.
 */
enum err admin_declarations_status(struct req *req, struct resp *resp)
{
	struct decl_row d;
	enum err rc = load_for_staff(req, resp, &d);
	if (rc != E_OK)
		return rc;
	enum decl_status from = DECL_RECEIVED, to;
	decl_status_parse(d.status, &from);
	const char *seen = req_form(req, "from");
	if (seen != NULL && seen[0] != '\0' && strcmp(seen, d.status) != 0)
		return resp_error(
		    resp, E_CONFLICT,
		    arena_printf(req->arena,
				 _("Someone changed this declaration in the meantime: it is now "
				   "“%s”. Check it and try again."),
				 _(decl_status_name(from))));
	if (!decl_status_parse(req_form(req, "status"), &to))
		return staff_invalid(req, resp, &d, "status", _("Choose the new status."));
	if (!declaration_may_move(from, to, BY_STAFF))
		return staff_invalid(
		    req, resp, &d, "status",
		    arena_printf(req->arena, _("A declaration that is “%s” cannot become “%s”."),
				 _(decl_status_name(from)), _(decl_status_name(to))));
	const char *now = pages_now(req);
	const char *published = to == DECL_APPROVED && d.consent ? now : NULL;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_declaration_set_status(req->db, d.id, d.status, decl_status_code(to), published,
				       now);
	json_t *before = json_pack("{s:s}", "status", d.status);
	json_t *after = json_pack("{s:s, s:o}", "status", decl_status_code(to), "published_at",
				  pages_str(published));
	if (rc == E_OK)
		rc = pages_audit(req, "declaration.status", "declaration", d.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK)
		rc = mail_status(req, &d, to);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(
		    resp, E_CONFLICT,
		    _("Someone changed this declaration in the meantime. Check it and try again."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303,
		      arena_printf(req->arena, "/admin/declarations/%lld", (long long)d.id));
	return E_OK;
}

/*
 * POST /admin/declarations/{id}/network
 * Staff who triage it and the target network (CSRF).  Form: network_id
 * (empty: none).  Assigns a received or approved declaration to a network
 * that is not closed, and mails the contact.  303 back (also when nothing
 * changes); 401 for visitors; 403 for a declaration or network the person
 * does not triage; 404; 409 when it was moved meanwhile; 422 for an
 * unknown or closed network, or a declaration in another status.
 */
enum err admin_declarations_network(struct req *req, struct resp *resp)
{
	struct decl_row d;
	enum err rc = load_for_staff(req, resp, &d);
	if (rc != E_OK)
		return rc;
	/* Only while staff still work on it: a withdrawn, declined, archived
	 * or matched one keeps its network, and its contact is not mailed. */
	enum decl_status s = DECL_RECEIVED;
	decl_status_parse(d.status, &s);
	if (s != DECL_RECEIVED && s != DECL_APPROVED)
		return staff_invalid(
		    req, resp, &d, "network_id",
		    arena_printf(
			req->arena,
			_("A declaration that is “%s” keeps its network; only received and "
			  "approved ones can be assigned."),
			_(decl_status_name(s))));
	const char *raw = typed(req, "network_id");
	int64_t target = 0;
	struct decl_network net = {0};
	if (raw[0] != '\0' && strcmp(raw, "0") != 0) {
		rc = E_NOTFOUND;
		if (str_to_i64(raw, 1, INT64_MAX, &target))
			rc = db_decl_network(req->db, req->arena, target, &net);
		if (rc == E_NOTFOUND)
			return staff_invalid(req, resp, &d, "network_id",
					     _("Choose a network from the list."));
		if (rc != E_OK)
			return rc;
		enum network_status ns = NET_PLANNED;
		if (network_status_parse(net.status, &ns) && network_is_past(ns))
			return staff_invalid(
			    req, resp, &d, "network_id",
			    arena_printf(
				req->arena,
				_("The network “%s” is closed, so nothing can be assigned to it."),
				pick(req->lang, net.name_en, net.name_sv)));
		if (!policy_allows(req->actor, ACT_TRIAGE, target))
			return resp_error(
			    resp, E_FORBIDDEN,
			    _("You may assign declarations only to networks you coordinate."));
	}
	const char *back = arena_printf(req->arena, "/admin/declarations/%lld", (long long)d.id);
	if (target == d.network_id) {
		resp_redirect(resp, 303, back);
		return E_OK;
	}
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_declaration_set_network(req->db, d.id, target, pages_now(req));
	json_t *before = json_pack("{s:o}", "network_id",
				   d.network_id > 0 ? json_integer(d.network_id) : json_null());
	json_t *after =
	    json_pack("{s:o}", "network_id", target > 0 ? json_integer(target) : json_null());
	if (rc == E_OK)
		rc = pages_audit(req, "declaration.network", "declaration", d.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK && target > 0) {
		json_t *data =
		    json_pack("{s:s, s:s, s:s}", "contact_name", d.contact_name, "municipality",
			      d.org_name, "network", pick(d.lang, net.name_en, net.name_sv));
		rc = pages_mail(req, "declaration_network", "mail/declaration_network",
				d.contact_email, 0, d.lang, data);
		json_decref(data);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(
		    resp, E_CONFLICT,
		    _("Someone changed this declaration in the meantime. Check it and try again."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, back);
	return E_OK;
}

/*
 * POST /admin/declarations/{id}/notes
 * Staff who triage it (CSRF).  Form: body.  Adds a note for staff (the
 * contact never sees notes).  303 back; 401 for visitors; 403; 404; 422
 * for an empty or too long note.
 */
enum err admin_declarations_note(struct req *req, struct resp *resp)
{
	struct decl_row d;
	enum err rc = load_for_staff(req, resp, &d);
	if (rc != E_OK)
		return rc;
	bool bad;
	const char *body = field(req, "body", DECL_NOTE_MAX, false, &bad);
	if (body == NULL)
		return staff_invalid(req, resp, &d, "body", _("Write the note."));
	if (bad)
		return staff_invalid(req, resp, &d, "body",
				     arena_printf(req->arena,
						  _("Shorten the note to at most %d characters."),
						  DECL_NOTE_MAX));
	return pages_note_add(req, resp, "declaration", d.id, body,
			      arena_printf(req->arena, "/admin/declarations/%lld#notes", (long long)d.id));
}

/*
 * GET /admin/networks/{id}/declarations.csv
 * Staff who triage the network (administrators, programme officers, its
 * project coordinator).  Every declaration assigned to the network, oldest
 * first, as UTF-8 CSV (with a byte order mark, so spreadsheets read it as
 * UTF-8) with a header row in the page's language; every field goes
 * through csv_write_field, which defuses formulas.  The export of personal
 * data is audited.  200; 302 to sign in for visitors; 403 for others; 404
 * for an unknown network.
 */
enum err admin_declarations_csv(struct req *req, struct resp *resp)
{
	int64_t id;
	if (!param_id(req, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	enum err rc = pages_require(req, resp, ACT_TRIAGE, id);
	if (rc != E_OK)
		return rc;
	struct decl_network net;
	rc = db_decl_network(req->db, req->arena, id, &net);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no network with this number."));
	if (rc != E_OK)
		return rc;
	struct decl_row *rows;
	size_t n;
	if ((rc = db_declarations_of_network(req->db, req->arena, id, today(req), &rows, &n)) !=
	    E_OK)
		return rc;
	pages_csv(req, resp,
		  arena_printf(req->arena, "declarations-network-%lld.csv", (long long)id));
	struct buf *b = &resp->body;
	buf_reset(b);
	buf_puts(b, "\xEF\xBB\xBF");
	const char *header[] = {
	    _("Municipality"),
	    _("Country"),
	    _("Province or region"),
	    _("Population"),
	    _("Contact name"),
	    _("E-mail address"),
	    _("Phone"),
	    _("Position"),
	    _("Topics"),
	    _("Working languages"),
	    _("Motivation"),
	    _("Consent to publication"),
	    _("Status"),
	    _("Received at"),
	    _("Published at"),
	};
	size_t ncols = sizeof header / sizeof header[0];
	csv_write_row(b, header, ncols);
	for (size_t i = 0; i < n; i++) {
		const struct decl_row *d = &rows[i];
		enum decl_status s = DECL_RECEIVED;
		decl_status_parse(d->status, &s);
		const char *fields[] = {
		    d->org_name,
		    pick(req->lang, d->country_name_en, d->country_name_sv),
		    d->province,
		    d->population >= 0 ? arena_printf(req->arena, "%lld", (long long)d->population)
				       : "",
		    d->contact_name,
		    d->contact_email,
		    d->contact_phone,
		    d->contact_position,
		    topics_text(req, d, req->lang, "; "),
		    langs_text(req, d, "; "),
		    d->motivation,
		    d->consent ? _("yes") : _("no"),
		    _(decl_status_name(s)),
		    d->created_at,
		    d->published_at,
		};
		csv_write_row(b, fields, ncols);
	}
	if (buf_failed(b))
		return E_NOMEM;
	/* Like the registrations' export: who took the contacts away, when. */
	json_t *after = json_pack("{s:I}", "rows", (json_int_t)n);
	rc = pages_audit(req, "declaration.export", "network", id, NULL, after);
	json_decref(after);
	return rc;
}
