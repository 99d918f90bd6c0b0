/*
 * test_declarations.c - the international side, in-process on SQLite or
 * PostgreSQL: the public declaration form (every field's validation in
 * both languages, eligibility by date, reuse of municipalities, honeypot
 * and rate limit, the acknowledgement mail and the withdraw link), staff
 * triage per role (and never by another network's coordinator), the
 * partner-seeking board with its filters, contact details never leaking
 * to visitors or members, the contact-request flow end to end, the guards
 * against races (withdrawal, network, double requests, deactivated
 * requesters), the CSV export's escaping and audit, and the audit rows.
 */
#include <jansson.h>
#include <stdlib.h>

#include "accounts_support.h"
#include "db/q_countries.h"
#include "db/q_declarations.h"
#include "db/q_triage.h"
#include "domain/eligibility.h"
#include "pages/declarations.h"
#include "util/csv.h"

TestSuite(declarations, .init = world_setup, .fini = world_teardown, .timeout = 240);

#define PRESESSION_TOKEN "presession000000000000000000000000000000000"
#define FORM_MAX         32768

/* ------------------------------------------------------------- helpers */

static int64_t decl_count(const char *sql)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	int64_t n = row && !db_col_is_null(st, 0) ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

/* The first column of the first row of sql as text, into a static buffer
 * ("" when none). */
static const char *decl_text(const char *sql)
{
	static char out[8192];
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	snprintf(out, sizeof out, "%s",
		 row && db_col_text(st, 0) != NULL ? db_col_text(st, 0) : "");
	db_done(st);
	return out;
}

/* True when s begins with prefix. */
static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Forgets the public forms' submissions, so a test can send more than the
 * hourly limit from the one test address. */
static void reset_rate_limit(void)
{
	cr_assert_eq(db_exec(W.db, "DELETE FROM form_submissions"), E_OK, "%s", db_errmsg(W.db));
}

/* The fields of a valid declaration (values URL-encoded). */
static const char *const base_fields[][2] = {
    {"org_name", "Kisumu"},
    {"country", "KE"},
    {"province", "Kisumu+County"},
    {"population", "610000"},
    {"contact_name", "Achieng+Otieno"},
    {"contact_email", "achieng%40kisumu.example.org"},
    {"contact_phone", "%2B254+700+000000"},
    {"contact_position", "Director+of+Planning"},
    {"topics", "climate"},
    {"motivation", "We+seek+a+partner+for+climate+adaptation."},
    {"languages", "en"},
    {"consent", "1"},
    {"lang", "en"},
};

/* The valid form with overrides: pairs of key and value, NULL-ended; a
 * NULL value leaves the field out, a key not in the base is added.  The
 * pre-session CSRF field comes first.  Returns a static buffer. */
static const char *decl_form_v(const char *const *over)
{
	static char buf[FORM_MAX];
	size_t n = (size_t)snprintf(buf, sizeof buf, "_csrf=%s", PRESESSION_TOKEN);
	size_t nbase = sizeof base_fields / sizeof base_fields[0];
	for (size_t i = 0; i < nbase; i++) {
		const char *value = base_fields[i][1];
		for (size_t j = 0; over != NULL && over[j] != NULL; j += 2)
			if (strcmp(over[j], base_fields[i][0]) == 0)
				value = over[j + 1];
		if (value != NULL)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "&%s=%s", base_fields[i][0],
					      value);
	}
	for (size_t j = 0; over != NULL && over[j] != NULL; j += 2) {
		bool in_base = false;
		for (size_t i = 0; i < nbase; i++)
			in_base = in_base || strcmp(over[j], base_fields[i][0]) == 0;
		if (!in_base && over[j + 1] != NULL)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "&%s=%s", over[j],
					      over[j + 1]);
	}
	cr_assert_lt(n, sizeof buf);
	return buf;
}

static const char *decl_form(const char *key, const char *value)
{
	const char *over[] = {key, value, NULL};
	return decl_form_v(key != NULL ? over : NULL);
}

/* Posts a declaration form as a visitor in lang, as HTML or JSON. */
static void submit(struct answer *a, const char *body, const char *lang, bool json)
{
	char al[40];
	snprintf(al, sizeof al, "Accept-Language: %s", lang);
	const char *extra[] = {W_PRESESSION, al, json ? "Accept: application/json" : NULL, NULL};
	w_call(a, "POST", "/declarations/new", NULL, body, extra);
}

/* GET as a role (a fresh session), in English, as HTML or JSON. */
static void get_as(struct answer *a, enum who w, const char *target, bool json)
{
	const char *extra[] = {"Accept-Language: en", json ? "Accept: application/json" : NULL,
			       NULL};
	w_call(a, "GET", target, w_session(w), NULL, extra);
}

/* POST a form (fields after _csrf) as a role with a fresh session. */
static void post_as(struct answer *a, enum who w, const char *target, const char *fields)
{
	const char *session = w_session(w);
	const char *extra[] = {W_PRESESSION, "Accept-Language: en", NULL};
	w_call(a, "POST", target, session, w_form(session, fields), extra);
}

/* The message of a field in a JSON error answer (NULL when absent), in a
 * static buffer. */
static const char *field_error(const struct answer *a, const char *field)
{
	static char out[1024];
	json_t *j = json_loads(a->body, 0, NULL);
	cr_assert_not_null(j, "not JSON: %.200s", a->body);
	const char *m = json_string_value(
	    json_object_get(json_object_get(json_object_get(j, "error"), "fields"), field));
	snprintf(out, sizeof out, "%s", m != NULL ? m : "");
	json_decref(j);
	return m != NULL ? out : NULL;
}

/* Sends a valid declaration with overrides; returns its id. */
static int64_t declare(const char *const *over)
{
	reset_rate_limit();
	int64_t before = decl_count("SELECT COUNT(*) FROM declarations");
	struct answer a;
	submit(&a, decl_form_v(over), "en", false);
	cr_assert_eq(a.status, 200, "declaration refused: %d %.600s", a.status, a.body);
	answer_free(&a);
	cr_assert_eq(decl_count("SELECT COUNT(*) FROM declarations"), before + 1);
	return decl_count("SELECT MAX(id) FROM declarations");
}

/* A staff member moves declaration id; returns the status code. */
static int move(enum who w, int64_t id, const char *from, const char *to)
{
	char target[96], fields[128];
	snprintf(target, sizeof target, "/admin/declarations/%lld/status", (long long)id);
	snprintf(fields, sizeof fields, "status=%s&from=%s", to, from);
	struct answer a;
	post_as(&a, w, target, fields);
	int status = a.status;
	answer_free(&a);
	return status;
}

/* The body of the newest mail of a kind to an address (static). */
static const char *mail_body(const char *kind, const char *to)
{
	static char out[16384];
	struct db_stmt *st;
	cr_assert_eq(
	    db_prepare(W.db,
		       "SELECT body, subject, lang FROM outbox WHERE kind = $1 AND to_email = $2 "
		       "ORDER BY id DESC",
		       &st),
	    E_OK);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, to);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	cr_assert(row, "no %s mail to %s", kind, to);
	snprintf(out, sizeof out, "%s\n%s\n%s", db_col_text(st, 2), db_col_text(st, 1),
		 db_col_text(st, 0));
	db_done(st);
	return out;
}

/* The token after path in a text, into out (TOKEN_LEN + 1). */
static void token_after(const char *text, const char *path, char *out)
{
	const char *at = strstr(text, path);
	cr_assert_not_null(at, "no %s in: %s", path, text);
	at += strlen(path);
	size_t n = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	cr_assert_eq(n, TOKEN_LEN, "token of length %zu", n);
	memcpy(out, at, n);
	out[n] = '\0';
}

/* Inserts a network with a status; returns its id. */
static int64_t add_network(const char *slug, const char *status)
{
	struct db_stmt *st;
	cr_assert_eq(
	    db_prepare(
		W.db,
		"INSERT INTO networks (slug, name_sv, name_en, status, created_at, updated_at) "
		"VALUES ($1, $1, $1, $2, $3, $3) RETURNING id",
		&st),
	    E_OK);
	db_bind_text(st, 1, slug);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, w_now());
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	int64_t id = db_col_int(st, 0);
	db_done(st);
	return id;
}

/* ---------------------------------------------------------- the form */

/* One validation case: the form with key set to value must be refused
 * with these messages on field. */
struct field_case {
	const char *key;   /* field changed */
	const char *value; /* its value (URL-encoded), NULL to leave it out */
	const char *field; /* field named in the answer */
	const char *en;    /* the message in English */
	const char *sv;    /* and in Swedish */
};

Test(declarations, every_field_is_checked_in_both_languages_and_nothing_is_stored)
{
	static char long_name[260], long_motivation[4100];
	memset(long_name, 'a', 201);
	long_name[201] = '\0';
	memset(long_motivation, 'm', 4001);
	long_motivation[4001] = '\0';
	const struct field_case cases[] = {
	    {"org_name", NULL, "org_name",
	     "Choose your municipality from the list, or enter its name.",
	     "Välj er kommun i listan eller skriv dess namn."},
	    {"org_name", long_name, "org_name",
	     "Enter the name on one line, at most 200 characters.",
	     "Skriv namnet på en rad, högst 200 tecken."},
	    {"org_name", "Two%0Alines", "org_name",
	     "Enter the name on one line, at most 200 characters.",
	     "Skriv namnet på en rad, högst 200 tecken."},
	    {"country", NULL, "country", "Choose the country of your municipality.",
	     "Välj det land där er kommun ligger."},
	    {"country", "XX", "country", "Choose a country from the list.",
	     "Välj ett land i listan."},
	    {"country", "IN", "country",
	     "India is not one of the programme's partner countries today, so a municipality there "
	     "cannot take part.",
	     "Indien är inte ett av programmets partnerländer i dag, så en kommun där kan inte "
	     "delta."},
	    {"province", NULL, "province", "Enter the province or region, at most 200 characters.",
	     "Skriv provins eller region, högst 200 tecken."},
	    {"population", "many", "population",
	     "Enter the population as a whole number, such as 45000, or leave it empty.",
	     "Skriv folkmängden som ett heltal, till exempel 45000, eller lämna fältet tomt."},
	    {"population", "0", "population",
	     "Enter the population as a whole number, such as 45000, or leave it empty.",
	     "Skriv folkmängden som ett heltal, till exempel 45000, eller lämna fältet tomt."},
	    {"contact_name", NULL, "contact_name",
	     "Enter the contact person's name, at most 200 characters.",
	     "Skriv kontaktpersonens namn, högst 200 tecken."},
	    {"contact_email", "not-an-address", "contact_email",
	     "Enter a valid e-mail address, such as name@example.org.",
	     "Skriv en giltig e-postadress, till exempel namn@example.org."},
	    {"contact_phone", "call+me", "contact_phone",
	     "Enter a phone number of digits, spaces and + - ( ), at most 40 characters, or leave "
	     "it empty.",
	     "Skriv ett telefonnummer med siffror, mellanslag och + - ( ), högst 40 tecken, eller "
	     "lämna fältet tomt."},
	    {"contact_position", long_name, "contact_position",
	     "Enter the position on one line, at most 200 characters, or leave it empty.",
	     "Skriv befattningen på en rad, högst 200 tecken, eller lämna fältet tomt."},
	    {"topics", NULL, "topics", "Choose at least one topic.",
	     "Välj minst ett samarbetsområde."},
	    {"topics", "cooking", "topics", "Choose topics from the list.",
	     "Välj samarbetsområden i listan."},
	    {"motivation", NULL, "motivation",
	     "Tell us why your municipality seeks a Swedish partner and what you would like to "
	     "work on.",
	     "Berätta varför er kommun söker en svensk partner och vad ni vill arbeta med."},
	    {"motivation", "+++", "motivation",
	     "Tell us why your municipality seeks a Swedish partner and what you would like to "
	     "work on.",
	     "Berätta varför er kommun söker en svensk partner och vad ni vill arbeta med."},
	    {"motivation", long_motivation, "motivation",
	     "Shorten the motivation to at most 4000 characters.",
	     "Korta motiveringen till högst 4000 tecken."},
	    {"languages", NULL, "languages", "Choose at least one working language of your team.",
	     "Välj minst ett arbetsspråk för er arbetsgrupp."},
	    {"languages", "xx", "languages", "Choose working languages from the list.",
	     "Välj arbetsspråk i listan."},
	    {"lang", "de", "lang", "Choose English or Swedish.", "Välj engelska eller svenska."},
	    {"organisation_id", "999999", "organisation_id",
	     "There is no such municipality in the directory. Choose one from the list, or leave "
	     "the list and add yours below.",
	     "Kommunen finns inte i katalogen. Välj en i listan, eller lämna listan och lägg till "
	     "er kommun nedan."},
	    {"organisation_id", "1", "organisation_id", /* a Swedish municipality, not one abroad */
	     "There is no such municipality in the directory. Choose one from the list, or leave "
	     "the list and add yours below.",
	     "Kommunen finns inte i katalogen. Välj en i listan, eller lämna listan och lägg till "
	     "er kommun nedan."},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct field_case *c = &cases[i];
		for (int l = 0; l < 2; l++) {
			reset_rate_limit();
			struct answer a;
			submit(&a, decl_form(c->key, c->value), l == 0 ? "en" : "sv", true);
			cr_expect_eq(a.status, 422, "%s=%s (%s): %d", c->key,
				     c->value ? c->value : "(none)", l == 0 ? "en" : "sv",
				     a.status);
			const char *got = field_error(&a, c->field);
			cr_expect_not_null(got, "%s=%s: no error on %s: %s", c->key,
					   c->value ? c->value : "(none)", c->field, a.body);
			if (got != NULL)
				cr_expect_str_eq(got, l == 0 ? c->en : c->sv, "%s=%s", c->key,
						 c->value ? c->value : "(none)");
			answer_free(&a);
		}
	}
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0, "nothing stored");
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM organisations WHERE kind = 'local_government'"), 0);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox"), 0);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'declaration.%'"),
		     0);
}

Test(declarations, the_html_form_answers_with_a_summary_and_keeps_what_was_typed)
{
	const char *over[] = {"contact_email",
			      "nope",
			      "topics",
			      NULL,
			      "contact_name",
			      "%3Cb%3EAchieng%3C%2Fb%3E",
			      "motivation",
			      "Line+one%0D%0ALine+two",
			      NULL};
	struct answer a;
	submit(&a, decl_form_v(over), "en", false);
	cr_assert_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Please correct the following"));
	cr_expect_not_null(strstr(a.body, "href=\"#contact_email\""),
			   "the summary links to the field");
	cr_expect_not_null(strstr(a.body, "href=\"#topics\""));
	cr_expect_not_null(strstr(a.body, "id=\"contact_email-error\""),
			   "the message sits by the field");
	cr_expect_not_null(strstr(a.body, "value=\"nope\""), "typed values are kept");
	cr_expect_not_null(strstr(a.body, "value=\"Kisumu\""));
	cr_expect_not_null(strstr(a.body, "value=\"&lt;b&gt;Achieng&lt;/b&gt;\""), "escaped");
	cr_expect_null(strstr(a.body, "<b>Achieng"));
	cr_expect_not_null(strstr(a.body, ">Line one\r\nLine two</textarea>"));
	cr_expect_not_null(
	    strstr(a.body, "id=\"language-en\" name=\"languages\" value=\"en\" checked"),
	    "ticked boxes stay ticked");
	cr_expect_not_null(strstr(
	    a.body, "name=\"consent\" value=\"1\" aria-describedby=\"consent-hint\" checked"));
	answer_free(&a);

	submit(&a, decl_form_v(over), "sv", false);
	cr_assert_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Rätta följande"));
	cr_expect_not_null(strstr(a.body, "Skriv en giltig e-postadress"));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0);
}

Test(declarations, the_form_follows_the_page_language)
{
	struct answer a;
	const char *en[] = {"Accept-Language: en", NULL};
	w_call(&a, "GET", "/declarations/new", NULL, NULL, en);
	cr_assert_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "<html lang=\"en\">"));
	cr_expect_not_null(strstr(a.body, "Declaration of interest"));
	cr_expect_not_null(strstr(a.body, "name=\"website\""), "the honeypot is there");
	cr_expect_not_null(strstr(a.body, "<legend>Topics you would like to work on"));
	cr_expect_not_null(strstr(a.body, "href=\"/language/sv?next=%2Fdeclarations%2Fnew\""),
			   "the language switch leads back here");
	answer_free(&a);
	const char *sv[] = {"Cookie: lang=sv", NULL};
	w_call(&a, "GET", "/declarations/new", NULL, NULL, sv);
	cr_assert_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "<html lang=\"sv\">"));
	cr_expect_not_null(strstr(a.body, "Intresseförklaring"));
	cr_expect_not_null(strstr(a.body, "Arbetsspråk för er arbetsgrupp"));
	answer_free(&a);
}

Test(declarations, countries_are_eligible_by_date)
{
	bool ok = false;
	char today[11];
	date_today(today, sizeof today);
	cr_assert_eq(db_country_eligible(W.db, "IN", "2019-06-01", &ok), E_OK);
	cr_expect(ok, "India was a partner country in 2019");
	cr_assert_eq(db_country_eligible(W.db, "IN", today, &ok), E_OK);
	cr_expect(!ok, "India is not one since the 2020 guidelines");
	cr_assert_eq(db_country_eligible(W.db, "KE", today, &ok), E_OK);
	cr_expect(ok);

	/* The form offers today's partner countries only. */
	struct answer a;
	const char *en[] = {"Accept-Language: en", NULL};
	w_call(&a, "GET", "/declarations/new", NULL, NULL, en);
	cr_expect_not_null(strstr(a.body, "<option value=\"KE\""));
	cr_expect_null(strstr(a.body, "<option value=\"IN\""));
	answer_free(&a);

	/* A municipality of the directory in a country no longer eligible is
	 * refused too, naming the country. */
	cr_assert_eq(
	    db_exec(W.db,
		    "INSERT INTO organisations (kind, name, name_folded, sort_key, country_iso2, "
		    "created_at, updated_at) VALUES ('local_government', 'Pune', 'pune', 'pune', "
		    "'IN', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z')"),
	    E_OK, "%s", db_errmsg(W.db));
	char id[24];
	snprintf(id, sizeof id, "%lld",
		 (long long)decl_count("SELECT id FROM organisations WHERE name = 'Pune'"));
	const char *over[] = {"organisation_id", id,   "org_name", NULL, "country", NULL,
			      "province",        NULL, NULL};
	submit(&a, decl_form_v(over), "en", true);
	cr_expect_eq(a.status, 422);
	cr_expect_str_eq(field_error(&a, "organisation_id"),
			 "India is not one of the programme's partner countries today, so a "
			 "municipality there cannot take part.");
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0);
}

Test(declarations, a_new_municipality_is_created_once_and_reused)
{
	int64_t first = declare(NULL);
	const char *again[] = {"org_name", "+K%C3%8DSUMU+", "province", "Elsewhere", NULL};
	int64_t second = declare(again);
	cr_expect_neq(first, second);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM organisations WHERE kind = 'local_government'"), 1,
	    "the same folded name in the same country is one municipality");
	cr_expect_eq(decl_count("SELECT COUNT(DISTINCT organisation_id) FROM declarations"), 1);
	cr_expect_str_eq(
	    decl_text("SELECT province FROM organisations WHERE kind = 'local_government'"),
	    "Kisumu County", "the stored municipality is not overwritten");
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'organisation.create'"), 1);

	/* Chosen from the directory's list: the same municipality again. */
	int64_t org = decl_count("SELECT id FROM organisations WHERE kind = 'local_government'");
	struct answer a;
	const char *en[] = {"Accept-Language: en", NULL};
	w_call(&a, "GET", "/declarations/new", NULL, NULL, en);
	char option[64];
	snprintf(option, sizeof option, "<option value=\"%lld\">Kisumu, Kisumu County (Kenya)",
		 (long long)org);
	cr_expect_not_null(strstr(a.body, option), "the directory's municipalities are offered");
	answer_free(&a);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)org);
	const char *chosen[] = {"organisation_id", id,   "org_name",   NULL, "country", NULL,
				"province",        NULL, "population", NULL, NULL};
	declare(chosen);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM organisations WHERE kind = 'local_government'"), 1);
	cr_expect_eq(decl_count("SELECT COUNT(DISTINCT organisation_id) FROM declarations"), 1);

	/* Both a choice and a new name: refused, not guessed. */
	const char *both[] = {"organisation_id", id, NULL};
	reset_rate_limit();
	submit(&a, decl_form_v(both), "en", true);
	cr_expect_eq(a.status, 422);
	cr_expect_str_eq(field_error(&a, "organisation_id"),
			 "Choose a municipality from the list or add a new one, not both.");
	answer_free(&a);

	/* Another country: another municipality. */
	const char *uganda[] = {"country", "UG", NULL};
	declare(uganda);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM organisations WHERE kind = 'local_government'"), 2);
}

Test(declarations, the_honeypot_stores_nothing_and_the_rate_limit_answers_429)
{
	struct answer a;
	submit(&a, decl_form("website", "http%3A%2F%2Fspam.example"), "en", false);
	cr_expect_eq(a.status, 200, "robots see the thank-you page");
	cr_expect_not_null(strstr(a.body, "Thank you for your declaration of interest"));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM organisations WHERE kind = 'local_government'"), 0);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox"), 0);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM form_submissions"), 0,
		     "robots are not counted");

	/* Someone correcting a form is not stopped: invalid attempts count
	 * towards the larger limit of attempts only. */
	for (int i = 0; i < PUBLIC_FORM_MAX_PER_HOUR + 1; i++) {
		submit(&a, decl_form("contact_name", NULL), "en", false);
		cr_expect_eq(a.status, 422, "invalid attempt %d", i + 1);
		answer_free(&a);
	}
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0);
	/* Stored declarations count: the eleventh waits. */
	for (int i = 0; i < PUBLIC_FORM_MAX_PER_HOUR; i++) {
		submit(&a, decl_form(NULL, NULL), "en", false);
		cr_expect_eq(a.status, 200, "declaration %d: %d", i + 1, a.status);
		answer_free(&a);
	}
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), PUBLIC_FORM_MAX_PER_HOUR);
	submit(&a, decl_form(NULL, NULL), "en", false);
	cr_expect_eq(a.status, 429, "the eleventh in an hour from one address");
	cr_expect_str_eq(a.retry_after, "3600");
	cr_expect_not_null(strstr(a.body, "many times in the last hour"));
	answer_free(&a);
	submit(&a, decl_form("contact_name", NULL), "en", false);
	cr_expect_eq(a.status, 429, "an invalid one too, now");
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), PUBLIC_FORM_MAX_PER_HOUR);

	/* And many attempts from one address wait, stored or not. */
	reset_rate_limit();
	for (int i = 0; i < PUBLIC_FORM_MAX_ATTEMPTS; i++)
		cr_assert_eq(db_form_submission(W.db, DECL_FORM ".attempt", "127.0.0.1", w_now()),
			     E_OK);
	submit(&a, decl_form(NULL, NULL), "en", false);
	cr_expect_eq(a.status, 429, "after %d attempts", PUBLIC_FORM_MAX_ATTEMPTS);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), PUBLIC_FORM_MAX_PER_HOUR);
}

Test(declarations, the_contact_gets_an_acknowledgement_in_their_language_and_can_withdraw)
{
	/* The page in English, the contact chooses Swedish. */
	const char *sv[] = {"lang", "sv", "contact_email", "sv.contact%40example.org", NULL};
	int64_t id = declare(sv);
	const char *mail = mail_body("declaration_received", "sv.contact@example.org");
	cr_expect(starts(mail, "sv\nVi har tagit emot er intresseförklaring\n"), "%s", mail);
	cr_expect_not_null(strstr(mail, "Hej Achieng Otieno!"));
	cr_expect_not_null(strstr(mail, "Samarbetsområden: Klimat"));
	cr_expect_not_null(strstr(mail, "Arbetsspråk: Engelska"));
	char token[TOKEN_LEN + 1], target[128];
	token_after(mail, "/declarations/withdraw/", token);
	/* And English for one who chose English, on a Swedish page. */
	reset_rate_limit();
	struct answer a;
	submit(&a, decl_form("contact_email", "en.contact%40example.org"), "sv", false);
	cr_assert_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Tack för er intresseförklaring"),
			   "the page speaks the page's language");
	answer_free(&a);
	const char *en_mail = mail_body("declaration_received", "en.contact@example.org");
	cr_expect(starts(en_mail, "en\nWe have received your declaration of interest\n"), "%s",
		  en_mail);
	cr_expect_not_null(strstr(en_mail, "Topics: Climate action"));

	/* The withdraw link (of the first) works once. */
	snprintf(target, sizeof target, "/declarations/withdraw/%s", token);
	const char *extra[] = {W_PRESESSION, "Accept-Language: en", NULL};
	w_call(&a, "GET", target, NULL, NULL, extra);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Kisumu"));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations WHERE status = 'withdrawn'"), 0,
		     "GET changes nothing");
	w_call(&a, "POST", target, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "The declaration of interest is withdrawn"));
	answer_free(&a);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT status FROM declarations WHERE id = %lld", (long long)id);
	cr_expect_str_eq(decl_text(sql), "withdrawn");
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.withdraw'"), 1);
	w_call(&a, "POST", target, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 410, "a second time");
	cr_expect_not_null(strstr(a.body, "withdrawn already"));
	answer_free(&a);
	w_call(&a, "GET", "/declarations/withdraw/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	       NULL, NULL, extra);
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

/* ------------------------------------------------------------ triage */

Test(declarations, triage_moves_are_allowed_and_refused_per_role)
{
	int64_t id = declare(NULL);
	char target[96];
	snprintf(target, sizeof target, "/admin/declarations/%lld", (long long)id);

	/* Who may see an unassigned declaration. */
	static const int see[WHO__COUNT] = {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200};
	for (int w = 0; w < WHO__COUNT; w++) {
		struct answer a;
		get_as(&a, (enum who)w, target, false);
		cr_expect_eq(a.status, see[w], "GET as %c: %d", who_letters[w], a.status);
		answer_free(&a);
	}
	/* Nobody but staff approves it while it is unassigned. */
	static const enum who refused[] = {WHO_VISITOR, WHO_MEMBER, WHO_CONTACT, WHO_COORDINATOR,
					   WHO_FINANCE};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		int status = move(refused[i], id, "received", "approved");
		cr_expect(status == 401 || status == 403, "as %c: %d", who_letters[refused[i]],
			  status);
	}
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT status FROM declarations WHERE id = %lld", (long long)id);
	cr_expect_str_eq(decl_text(sql), "received");

	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	cr_expect_str_eq(decl_text(sql), "approved");
	cr_expect_eq(move(WHO_OFFICER, id, "received", "declined"), 409,
		     "stale: it is approved now");
	cr_expect_eq(move(WHO_OFFICER, id, "approved", "received"), 422, "no way back");
	cr_expect_eq(move(WHO_OFFICER, id, "approved", "declined"), 422);
	cr_expect_eq(move(WHO_OFFICER, id, "approved", "withdrawn"), 422,
		     "only the contact withdraws");
	cr_expect_eq(move(WHO_OFFICER, id, "approved", "nonsense"), 422);

	/* Assigned to the network, its coordinator takes over; others still may not. */
	char net[128], fields[64];
	snprintf(net, sizeof net, "%s/network", target);
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)W.network);
	struct answer a;
	post_as(&a, WHO_COORDINATOR, net, fields);
	cr_expect_eq(a.status, 403, "a coordinator may not take an unassigned one");
	answer_free(&a);
	post_as(&a, WHO_OFFICER, net, fields);
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	get_as(&a, WHO_COORDINATOR, target, false);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "achieng@kisumu.example.org"), "staff see the contact");
	answer_free(&a);
	get_as(&a, WHO_MENTOR, target, false);
	cr_expect_eq(a.status, 403, "a mentor of the network does not triage");
	answer_free(&a);

	/* A closed network takes nothing; an unknown one neither. */
	int64_t closed = add_network("closed-net", "closed");
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)closed);
	post_as(&a, WHO_ADMIN, net, fields);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "is closed, so nothing can be assigned to it"));
	answer_free(&a);
	post_as(&a, WHO_ADMIN, net, "network_id=999999");
	cr_expect_eq(a.status, 422);
	answer_free(&a);
	/* A coordinator may not move it into a network they do not coordinate. */
	int64_t other = add_network("other-net", "open_for_interest");
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)other);
	post_as(&a, WHO_COORDINATOR, net, fields);
	cr_expect_eq(a.status, 403);
	answer_free(&a);

	cr_expect_eq(move(WHO_ADVISOR, id, "approved", "archived"), 403);
	cr_expect_eq(move(WHO_COORDINATOR, id, "approved", "archived"), 303);
	cr_expect_str_eq(decl_text(sql), "archived");
	cr_expect_eq(move(WHO_ADMIN, id, "archived", "approved"), 422, "archived is the end");
	/* Archived, it keeps its network. */
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)other);
	post_as(&a, WHO_ADMIN, net, fields);
	cr_expect_eq(a.status, 422, "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "keeps its network"));
	answer_free(&a);

	/* Notes. */
	char notes[128];
	snprintf(notes, sizeof notes, "%s/notes", target);
	post_as(&a, WHO_COORDINATOR, notes, "body=");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Write the note."));
	answer_free(&a);
	post_as(&a, WHO_COORDINATOR, notes, "body=Called+them%3B+they+are+keen.");
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	post_as(&a, WHO_MEMBER, notes, "body=sneaky");
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	get_as(&a, WHO_OFFICER, target, true);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Called them; they are keen."));
	cr_expect_not_null(strstr(a.body, "\"next_statuses\":[]"), "nothing follows archived");
	answer_free(&a);

	/* Every step audited; the contact mailed about approval, archiving and the network. */
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.status'"), 2);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.network'"), 1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.note'"),
		     1);
	cr_expect_eq(
	    decl_count(
		"SELECT COUNT(*) FROM outbox WHERE kind = 'declaration_approved' AND lang = 'en'"),
	    1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'declaration_archived'"),
		     1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'declaration_network'"),
		     1);
}

Test(declarations, declining_mails_the_contact_and_the_queue_filters)
{
	int64_t a_id = declare(NULL);
	const char *lviv[] = {"org_name", "Lviv", "country", "UA", "province", "Lviv+Oblast", NULL};
	int64_t b_id = declare(lviv);
	cr_expect_eq(move(WHO_OFFICER, b_id, "received", "declined"), 303);
	const char *mail = mail_body("declaration_declined", "achieng@kisumu.example.org");
	cr_expect_not_null(strstr(mail, "About your declaration of interest"));

	struct answer a;
	get_as(&a, WHO_OFFICER, "/admin/declarations", true);
	cr_assert_eq(a.status, 200);
	json_t *j = json_loads(a.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 2);
	json_t *first = json_array_get(json_object_get(j, "items"), 0);
	cr_expect_eq(json_integer_value(json_object_get(first, "id")), a_id, "new ones first");
	cr_expect_str_eq(
	    json_string_value(json_object_get(json_object_get(first, "contact"), "email")),
	    "achieng@kisumu.example.org");
	json_decref(j);
	answer_free(&a);
	get_as(&a, WHO_OFFICER, "/admin/declarations?status=declined&country=UA&q=lvi", true);
	j = json_loads(a.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	answer_free(&a);
	get_as(&a, WHO_OFFICER, "/admin/declarations?status=lost", true);
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(field_error(&a, "status"));
	answer_free(&a);
	get_as(&a, WHO_OFFICER, "/admin/declarations?status=lost&country=ua", false);
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(strstr(a.body, "id=\"status-error\""), "the filter form again");
	cr_expect_not_null(strstr(a.body, "id=\"country-error\""));
	answer_free(&a);

	/* A coordinator sees their network's declarations only. */
	get_as(&a, WHO_COORDINATOR, "/admin/declarations", true);
	cr_expect_eq(a.status, 200);
	j = json_loads(a.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	answer_free(&a);
	int64_t other = add_network("other-net", "open_for_interest");
	char target[96];
	snprintf(target, sizeof target, "/admin/declarations?network=%lld", (long long)other);
	get_as(&a, WHO_COORDINATOR, target, true);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
}

/* ----------------------------------------------------------- the board */

/* The contact details of the partner used by the leak tests. */
#define SECRET_NAME     "Zawadi Contactperson"
#define SECRET_EMAIL    "zawadi.secret@kisumu.example.org"
#define SECRET_PHONE    "711 123456"
#define SECRET_POSITION "Chief Secret Officer"

static const char *const secret_fields[] = {"contact_name",
					    "Zawadi+Contactperson",
					    "contact_email",
					    "zawadi.secret%40kisumu.example.org",
					    "contact_phone",
					    "%2B254+711+123456",
					    "contact_position",
					    "Chief+Secret+Officer",
					    NULL};

static void expect_no_contact(const char *body, const char *what)
{
	cr_expect_null(strstr(body, SECRET_NAME), "%s shows the contact's name", what);
	cr_expect_null(strstr(body, "zawadi.secret"), "%s shows the contact's e-mail", what);
	cr_expect_null(strstr(body, SECRET_PHONE), "%s shows the contact's phone", what);
	cr_expect_null(strstr(body, SECRET_POSITION), "%s shows the contact's position", what);
	cr_expect_null(strstr(body, "contact_email"), "%s names a contact field", what);
}

Test(declarations, staff_approval_puts_it_on_the_board_only_with_consent)
{
	int64_t with = declare(NULL);
	const char *without_consent[] = {"org_name",
					 "Gulu",
					 "country",
					 "UG",
					 "province",
					 "Northern",
					 "consent",
					 NULL,
					 "contact_email",
					 "gulu%40example.org",
					 NULL};
	int64_t without = declare(without_consent);
	struct answer a;
	get_as(&a, WHO_VISITOR, "/partners", true);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "\"total\":0"), "nothing before approval: %s", a.body);
	answer_free(&a);

	cr_expect_eq(move(WHO_OFFICER, with, "received", "approved"), 303);
	cr_expect_eq(move(WHO_OFFICER, without, "received", "approved"), 303);
	get_as(&a, WHO_VISITOR, "/partners", true);
	json_t *j = json_loads(a.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_t *item = json_array_get(json_object_get(j, "items"), 0);
	cr_expect_eq(json_integer_value(json_object_get(item, "id")), with);
	cr_expect_str_eq(json_string_value(json_object_get(item, "municipality")), "Kisumu");
	cr_expect_str_eq(json_string_value(json_object_get(item, "cluster")), "east_africa");
	cr_expect_eq(json_integer_value(json_object_get(item, "population")), 610000);
	json_decref(j);
	answer_free(&a);

	char target[64];
	snprintf(target, sizeof target, "/partners/%lld", (long long)without);
	get_as(&a, WHO_MEMBER, target, false);
	cr_expect_eq(a.status, 404, "without consent it is never public");
	answer_free(&a);
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM declarations WHERE id = %lld AND published_at IS NOT NULL",
		 (long long)with);
	cr_expect_eq(decl_count(sql), 1, "published_at set");
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM declarations WHERE id = %lld AND published_at IS NULL",
		 (long long)without);
	cr_expect_eq(decl_count(sql), 1);
	const char *mail = mail_body("declaration_approved", "achieng@kisumu.example.org");
	cr_expect_not_null(strstr(mail, "It is now on the partner-seeking board"), "%s", mail);
	mail = mail_body("declaration_approved", "gulu@example.org");
	cr_expect_not_null(strstr(mail, "it is not shown on the partner-seeking board"), "%s",
			   mail);

	/* Archived: off the board. */
	cr_expect_eq(move(WHO_ADMIN, with, "approved", "archived"), 303);
	get_as(&a, WHO_VISITOR, "/partners", true);
	cr_expect_not_null(strstr(a.body, "\"total\":0"));
	answer_free(&a);
}

Test(declarations, the_board_filters_by_country_cluster_topic_and_language)
{
	const char *kisumu[] = {"languages", "sw", NULL};
	int64_t k = declare(kisumu);
	const char *lviv[] = {
	    "org_name",    "Lviv",   "country",      "UA",        "province",
	    "Lviv+Oblast", "topics", "human-rights", "languages", "uk&languages=en",
	    NULL};
	int64_t l = declare(lviv);
	const char *bogota[] = {"org_name",  "Bogot%C3%A1",  "country", "CO",
				"province",  "Cundinamarca", "topics",  "gender-equality",
				"languages", "es",           NULL};
	int64_t b = declare(bogota);
	cr_expect_eq(move(WHO_OFFICER, k, "received", "approved"), 303);
	cr_expect_eq(move(WHO_OFFICER, l, "received", "approved"), 303);
	cr_expect_eq(move(WHO_OFFICER, b, "received", "approved"), 303);

	static const struct {
		const char *query;
		int total;
	} cases[] = {
	    {"", 3},
	    {"?country=KE", 1},
	    {"?country=SE", 0},
	    {"?cluster=europe", 1},
	    {"?cluster=latin_america", 1},
	    {"?cluster=southern_africa", 0},
	    {"?topic=climate", 1},
	    {"?topic=human-rights", 1},
	    {"?language=sw", 1},
	    {"?language=es", 1},
	    {"?language=fr", 0},
	    {"?cluster=east_africa&topic=climate&language=sw", 1},
	    {"?cluster=europe&topic=climate", 0},
	    {"?per_page=1&page=2", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char target[128];
		snprintf(target, sizeof target, "/partners%s", cases[i].query);
		struct answer a;
		get_as(&a, WHO_VISITOR, target, true);
		cr_expect_eq(a.status, 200, "%s", target);
		json_t *j = json_loads(a.body, 0, NULL);
		cr_expect_eq(json_integer_value(json_object_get(j, "total")), cases[i].total,
			     "%s: %s", target, a.body);
		json_decref(j);
		answer_free(&a);
	}
	/* An item's languages, in the display order of the working languages. */
	struct answer a;
	get_as(&a, WHO_VISITOR, "/partners?language=uk", true);
	json_t *j = json_loads(a.body, 0, NULL);
	json_t *langs =
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "languages");
	cr_expect_eq(json_array_size(langs), 2, "%s", a.body);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(langs, 0), "code")),
			 "en");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(langs, 1), "code")),
			 "uk");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(langs, 1), "name")),
			 "Ukrainian");
	json_decref(j);
	answer_free(&a);

	static const struct {
		const char *query;
		const char *param;
	} bad[] = {
	    {"?country=kenya", "country"}, {"?cluster=nowhere", "cluster"},
	    {"?topic=cooking", "topic"},   {"?language=xx", "language"},
	    {"?page=0", "page"},           {"?per_page=500", "per_page"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char target[128];
		snprintf(target, sizeof target, "/partners%s", bad[i].query);
		get_as(&a, WHO_VISITOR, target, true);
		cr_expect_eq(a.status, 400, "%s", target);
		cr_expect_not_null(field_error(&a, bad[i].param), "%s names %s: %s", target,
				   bad[i].param, a.body);
		answer_free(&a);
		get_as(&a, WHO_VISITOR, target, false);
		cr_expect_eq(a.status, 400, "%s (HTML)", target);
		char id[64];
		snprintf(id, sizeof id, "%s: ", bad[i].param);
		cr_expect_not_null(strstr(a.body, id), "%s: the summary names the parameter",
				   target);
		cr_expect_not_null(strstr(a.body, "<form class=\"filters\""), "%s: the form again",
				   target);
		answer_free(&a);
	}
	const char *sv[] = {"Cookie: lang=sv", NULL};
	w_call(&a, "GET", "/partners?topic=cooking", NULL, NULL, sv);
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(strstr(a.body, "måste vara koden för ett samarbetsområde"));
	answer_free(&a);
}

Test(declarations, contact_details_never_reach_visitors_or_members)
{
	int64_t id = declare(secret_fields);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	char target[64];
	snprintf(target, sizeof target, "/partners/%lld", (long long)id);
	static const enum who people[] = {WHO_VISITOR, WHO_OTHER, WHO_MEMBER, WHO_CONTACT,
					  WHO_MENTOR};
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		for (int json = 0; json < 2; json++) {
			char what[96];
			struct answer a;
			get_as(&a, people[i], "/partners", json);
			snprintf(what, sizeof what, "/partners as %c (%s)", who_letters[people[i]],
				 json ? "JSON" : "HTML");
			cr_expect_eq(a.status, 200);
			cr_expect_not_null(strstr(a.body, "Kisumu"), "%s lists the partner", what);
			expect_no_contact(a.body, what);
			answer_free(&a);
			get_as(&a, people[i], target, json);
			snprintf(what, sizeof what, "%s as %c (%s)", target, who_letters[people[i]],
				 json ? "JSON" : "HTML");
			cr_expect_eq(a.status, 200);
			cr_expect_not_null(strstr(a.body, "climate adaptation"),
					   "%s shows the motivation", what);
			expect_no_contact(a.body, what);
			answer_free(&a);
		}
	}
	/* The filter answers and the contact form's errors leak nothing either. */
	struct answer a;
	get_as(&a, WHO_MEMBER, "/partners?topic=climate", false);
	expect_no_contact(a.body, "a filtered board");
	answer_free(&a);
	char contact[96];
	snprintf(contact, sizeof contact, "%s/contact", target);
	post_as(&a, WHO_MEMBER, contact, "message=");
	cr_expect_eq(a.status, 422);
	expect_no_contact(a.body, "the contact form with errors");
	answer_free(&a);
	/* Staff do see them (so the test above can fail). */
	snprintf(target, sizeof target, "/admin/declarations/%lld", (long long)id);
	get_as(&a, WHO_OFFICER, target, true);
	cr_expect_not_null(strstr(a.body, SECRET_EMAIL));
	cr_expect_not_null(strstr(a.body, SECRET_PHONE));
	answer_free(&a);
}

Test(declarations, a_contact_request_goes_through_the_platform_end_to_end)
{
	const char *sv_partner[] = {"contact_name",
				    "Zawadi+Contactperson",
				    "contact_email",
				    "zawadi.secret%40kisumu.example.org",
				    "contact_phone",
				    "%2B254+711+123456",
				    "contact_position",
				    "Chief+Secret+Officer",
				    "lang",
				    "sv",
				    NULL};
	int64_t id = declare(sv_partner);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	char page[64], contact[96];
	snprintf(page, sizeof page, "/partners/%lld", (long long)id);
	snprintf(contact, sizeof contact, "%s/contact", page);

	/* Who gets the form. */
	struct answer a;
	get_as(&a, WHO_MEMBER, page, false);
	cr_expect_not_null(strstr(a.body, "action=\"/partners/"),
			   "a member of a Swedish municipality may ask");
	answer_free(&a);
	get_as(&a, WHO_VISITOR, page, false);
	cr_expect_null(strstr(a.body, "name=\"message\""));
	cr_expect_not_null(strstr(a.body, "/signin?next=%2Fpartners%2F"));
	answer_free(&a);
	get_as(&a, WHO_COORDINATOR, page, true);
	cr_expect_not_null(strstr(a.body, "\"can_contact\":false"));
	answer_free(&a);

	/* Who may send. */
	post_as(&a, WHO_VISITOR, contact, "message=hello");
	cr_expect_eq(a.status, 401);
	answer_free(&a);
	post_as(&a, WHO_COORDINATOR, contact, "message=hello");
	cr_expect_eq(a.status, 403, "no organisation");
	answer_free(&a);
	/* A member of a municipality abroad is no Swedish member. */
	int64_t abroad = w_person("abroad@example.org", "Abroad Member", "en");
	int64_t kisumu = decl_count("SELECT id FROM organisations WHERE kind = 'local_government'");
	cr_assert_eq(db_org_member_add(W.db, abroad, kisumu, "member", w_now()), E_OK);
	char token[TOKEN_LEN + 1];
	int64_t sid;
	cr_assert_eq(session_create(W.db, abroad, "127.0.0.1", "test", time(NULL), token, &sid),
		     E_OK);
	const char *extra[] = {"Accept-Language: en", NULL};
	w_call(&a, "POST", contact, token, w_form(token, "message=hello"), extra);
	cr_expect_eq(a.status, 403);
	cr_expect_not_null(strstr(a.body, "Only members of a Swedish municipality or region"));
	answer_free(&a);
	post_as(&a, WHO_MEMBER, contact, "message=");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Write a few words about your municipality"));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests"), 0);

	/* The request: a mail to the partner in their language, nothing to the requester. */
	post_as(&a, WHO_MEMBER, contact, "message=We+are+Lund+and+work+on+climate+too.");
	cr_expect_eq(a.status, 303);
	char sent[96];
	snprintf(sent, sizeof sent, "%s?contact=sent", page);
	cr_expect_str_eq(a.location, sent);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests WHERE status = 'sent'"), 1);
	const char *mail = mail_body("contact_request", SECRET_EMAIL);
	cr_expect(starts(mail, "sv\nEn svensk kommun vill komma i kontakt med er\n"), "%s", mail);
	cr_expect_not_null(strstr(mail, "Person M från Lund"), "%s", mail);
	cr_expect_not_null(strstr(mail, "We are Lund and work on climate too."));
	cr_expect_null(strstr(mail, W.email[WHO_MEMBER]),
		       "the requester's address waits for the answer");
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM outbox WHERE to_email = 'm.person@example.org'"), 0,
	    "the requester receives nothing of the partner yet");
	get_as(&a, WHO_MEMBER, sent, false);
	cr_expect_not_null(strstr(a.body, "Your request has been sent"));
	expect_no_contact(a.body, "the page after sending");
	answer_free(&a);

	/* The partner answers: GET changes nothing, POST accepts once. */
	char answer_tok[TOKEN_LEN + 1], answer_url[128];
	token_after(mail, "/contact-requests/", answer_tok);
	cr_expect_not_null(strstr(mail, "?answer=accept"));
	cr_expect_not_null(strstr(mail, "?answer=decline"));
	snprintf(answer_url, sizeof answer_url, "/contact-requests/%s", answer_tok);
	const char *partner[] = {W_PRESESSION, "Accept-Language: en", NULL};
	char with_intent[160];
	snprintf(with_intent, sizeof with_intent, "%s?answer=accept", answer_url);
	w_call(&a, "GET", with_intent, NULL, NULL, partner);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "We are Lund and work on climate too."));
	cr_expect_not_null(strstr(a.body, "value=\"accept\" checked"),
			   "the link preselects its answer");
	cr_expect_null(strstr(a.body, W.email[WHO_MEMBER]));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests WHERE status = 'sent'"), 1);
	w_call(&a, "POST", answer_url, NULL, w_form(NULL, ""), partner);
	cr_expect_eq(a.status, 422, "an answer is needed");
	answer_free(&a);
	w_call(&a, "POST", answer_url, NULL, w_form(NULL, "answer=accept"), partner);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "We have sent your contact details to Person M"));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests WHERE status = 'accepted' "
				"AND answered_at IS NOT NULL"),
		     1);
	const char *to_partner = mail_body("contact_accepted", SECRET_EMAIL);
	cr_expect(starts(to_partner, "sv\n"));
	cr_expect_not_null(strstr(to_partner, "m.person@example.org"), "%s", to_partner);
	cr_expect_not_null(strstr(to_partner, "Person M"));
	cr_expect_not_null(strstr(to_partner, "Lund"));
	const char *to_requester = mail_body("contact_accepted", "m.person@example.org");
	cr_expect(starts(to_requester, "en\n"), "the requester's own language");
	cr_expect_not_null(strstr(to_requester, SECRET_EMAIL), "%s", to_requester);
	cr_expect_not_null(strstr(to_requester, "+254 711 123456"));
	cr_expect_not_null(strstr(to_requester, SECRET_NAME));
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact_request.create'"),
	    1);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact_request.accept'"),
	    1);

	/* A second answer is refused, and so is a link that never was. */
	w_call(&a, "POST", answer_url, NULL, w_form(NULL, "answer=decline"), partner);
	cr_expect_eq(a.status, 410);
	cr_expect_not_null(strstr(a.body, "You have answered this request already"));
	answer_free(&a);
	w_call(&a, "GET", answer_url, NULL, NULL, partner);
	cr_expect_eq(a.status, 410);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests WHERE status = 'accepted'"),
		     1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'contact_declined'"), 0);
	w_call(&a, "GET", "/contact-requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
	       NULL, partner);
	cr_expect_eq(a.status, 404);
	answer_free(&a);

	/* Declining tells the requester, and nothing of the partner. */
	post_as(&a, WHO_OTHER, contact, "message=Stockholm+here.");
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	const char *second = mail_body("contact_request", SECRET_EMAIL);
	token_after(second, "/contact-requests/", answer_tok);
	snprintf(answer_url, sizeof answer_url, "/contact-requests/%s", answer_tok);
	w_call(&a, "POST", answer_url, NULL, w_form(NULL, "answer=decline"), partner);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	const char *declined = mail_body("contact_declined", W.email[WHO_OTHER]);
	cr_expect_null(strstr(declined, "zawadi"), "%s", declined);
	cr_expect_null(strstr(declined, SECRET_PHONE));
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact_request.decline'"),
	    1);
}

Test(declarations, the_contact_form_refuses_repeats_and_is_rate_limited)
{
	int64_t id = declare(NULL);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	char page[64], contact[96];
	snprintf(page, sizeof page, "/partners/%lld", (long long)id);
	snprintf(contact, sizeof contact, "%s/contact", page);
	struct answer a;
	post_as(&a, WHO_MEMBER, contact, "message=hello");
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	/* While the partner has not answered, the same person cannot ask again. */
	post_as(&a, WHO_MEMBER, contact, "message=hello+again");
	cr_expect_eq(a.status, 409);
	cr_expect_not_null(strstr(a.body, "You have asked this partner for contact already"));
	answer_free(&a);
	get_as(&a, WHO_MEMBER, page, false);
	cr_expect_not_null(strstr(a.body, "You have asked this partner for contact already"));
	cr_expect_null(strstr(a.body, "name=\"message\""));
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests"), 1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'contact_request'"), 1);

	/* The hourly limit per client address covers this form too. */
	for (int i = 0; i < PUBLIC_FORM_MAX_PER_HOUR; i++)
		cr_assert_eq(db_form_submission(W.db, "contact", "127.0.0.1", w_now()), E_OK);
	post_as(&a, WHO_OTHER, contact, "message=hello");
	cr_expect_eq(a.status, 429);
	cr_expect_str_eq(a.retry_after, "3600");
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests"), 1);
}

/* --------------------------------------------------------------- export */

Test(declarations, the_csv_export_escapes_commas_quotes_newlines_and_formulas)
{
	const char *tricky[] = {"org_name",
				"Kisumu%2C+%22Lakeside%22",
				"contact_name",
				"%3DHYPERLINK(%22http%3A%2F%2Fevil.example%22)",
				"motivation",
				"Line+one%0ALine+two",
				"province",
				"%2BNyanza",
				NULL};
	int64_t id = declare(tricky);
	declare(NULL); /* not in the network: not exported */
	char target[96], fields[64];
	snprintf(target, sizeof target, "/admin/declarations/%lld/network", (long long)id);
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)W.network);
	struct answer a;
	post_as(&a, WHO_OFFICER, target, fields);
	cr_assert_eq(a.status, 303);
	answer_free(&a);

	char csv[96];
	snprintf(csv, sizeof csv, "/admin/networks/%lld/declarations.csv", (long long)W.network);
	get_as(&a, WHO_COORDINATOR, csv, false);
	cr_assert_eq(a.status, 200);
	cr_expect(
	    starts(a.body,
		   "\xEF\xBB\xBFMunicipality,Country,Province or region,Population,Contact name,"
		   "E-mail address,Phone,Position,Topics,Working languages,Motivation,"
		   "Consent to publication,Status,Received at,Published at\r\n"),
	    "header: %.300s", a.body);
	cr_expect_not_null(strstr(a.body, "\"Kisumu, \"\"Lakeside\"\"\""), "comma and quotes: %s",
			   a.body);
	cr_expect_not_null(strstr(a.body, "\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
			   "formula defused");
	cr_expect_not_null(strstr(a.body, "\"'+Nyanza\""), "a leading + too");
	cr_expect_not_null(strstr(a.body, "\"Line one\nLine two\""), "newline quoted");
	/* And it reads back as one row of 15 fields. */
	struct csv_reader r;
	csv_reader_init(&r, a.body, strlen(a.body));
	bool row;
	cr_assert_eq(csv_next(&r, &row), E_OK);
	cr_assert(row);
	cr_expect_eq(r.nfields, 15);
	cr_assert_eq(csv_next(&r, &row), E_OK, "%s", r.err);
	cr_assert(row);
	cr_expect_eq(r.nfields, 15);
	cr_expect_str_eq(r.fields[0], "Kisumu, \"Lakeside\"");
	cr_expect_str_eq(r.fields[1], "Kenya");
	cr_expect_str_eq(r.fields[3], "610000");
	cr_expect_str_eq(r.fields[4], "'=HYPERLINK(\"http://evil.example\")");
	cr_expect_str_eq(r.fields[5], "achieng@kisumu.example.org");
	cr_expect_str_eq(r.fields[8], "Climate action");
	cr_expect_str_eq(r.fields[9], "English");
	cr_expect_str_eq(r.fields[10], "Line one\nLine two");
	cr_expect_str_eq(r.fields[11], "yes");
	cr_expect_str_eq(r.fields[12], "Received");
	cr_assert_eq(csv_next(&r, &row), E_OK);
	cr_expect(!row, "one declaration in the network");
	csv_reader_free(&r);
	answer_free(&a);

	get_as(&a, WHO_VISITOR, csv, false);
	cr_expect_eq(a.status, 302);
	answer_free(&a);
	get_as(&a, WHO_MEMBER, csv, false);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	get_as(&a, WHO_ADMIN, "/admin/networks/999999/declarations.csv", false);
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

/* ---------------------------------------------------------------- audit */

Test(declarations, every_step_leaves_an_audit_row_without_personal_data)
{
	int64_t id = declare(secret_fields);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.create' "
		       "AND object_type = 'declaration' AND actor_id IS NULL"),
	    1);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'organisation.create'"), 1);
	const char *after =
	    decl_text("SELECT after_json FROM audit_log WHERE action = 'declaration.create'");
	cr_expect_not_null(strstr(after, "\"topics\":[\"climate\"]"), "%s", after);
	cr_expect_null(strstr(after, "zawadi"), "no contact in the audit log: %s", after);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.status' AND object_id "
		 "= '%lld' "
		 "AND actor_id = %lld AND before_json LIKE '%%received%%' AND after_json LIKE "
		 "'%%approved%%'",
		 (long long)id, (long long)W.person[WHO_OFFICER]);
	cr_expect_eq(decl_count(sql), 1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%zawadi%' "
				"OR before_json LIKE '%zawadi%'"),
		     0);
}

/* ------------------------------------------- the other network's coordinator */

/* A session of a new person coordinating a new network (static token). */
static const char *other_coordinator(int64_t *network)
{
	static char token[TOKEN_LEN + 1];
	*network = add_network("other-coordinated", "open_for_interest");
	int64_t k = w_person("k.coordinator@example.org", "Person K", "en");
	cr_assert_eq(db_network_member_add(W.db, k, *network, "project_coordinator", w_now()),
		     E_OK);
	int64_t sid;
	cr_assert_eq(session_create(W.db, k, "127.0.0.1", "test", time(NULL), token, &sid), E_OK);
	return token;
}

/* GET as a session, in English. */
static void get_with(struct answer *a, const char *session, const char *target, bool json)
{
	const char *extra[] = {"Accept-Language: en", json ? "Accept: application/json" : NULL,
			       NULL};
	w_call(a, "GET", target, session, NULL, extra);
}

/* POST a form as a session, in English. */
static void post_with(struct answer *a, const char *session, const char *target, const char *fields)
{
	const char *extra[] = {W_PRESESSION, "Accept-Language: en", NULL};
	w_call(a, "POST", target, session, w_form(session, fields), extra);
}

Test(declarations, the_coordinator_of_another_network_never_reaches_it)
{
	int64_t id = declare(secret_fields);
	char target[96], net[128], fields[64];
	snprintf(target, sizeof target, "/admin/declarations/%lld", (long long)id);
	snprintf(net, sizeof net, "%s/network", target);
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)W.network);
	struct answer a;
	post_as(&a, WHO_OFFICER, net, fields);
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	int64_t other = 0;
	char k[TOKEN_LEN + 1];
	snprintf(k, sizeof k, "%s", other_coordinator(&other));

	for (int json = 0; json < 2; json++) {
		char what[128];
		get_with(&a, k, target, json);
		snprintf(what, sizeof what, "%s (%s)", target, json ? "JSON" : "HTML");
		cr_expect_eq(a.status, 403, "%s", what);
		expect_no_contact(a.body, what);
		answer_free(&a);
		get_with(&a, k, "/admin/declarations", json);
		snprintf(what, sizeof what, "/admin/declarations (%s)", json ? "JSON" : "HTML");
		cr_expect_eq(a.status, 200, "%s", what);
		expect_no_contact(a.body, what);
		cr_expect_null(strstr(a.body, target), "%s links to it", what);
		answer_free(&a);
		char filtered[96];
		snprintf(filtered, sizeof filtered, "/admin/declarations?network=%lld",
			 (long long)W.network);
		get_with(&a, k, filtered, json);
		cr_expect_eq(a.status, 403, "another network's queue");
		expect_no_contact(a.body, filtered);
		answer_free(&a);
	}
	get_with(&a, k, "/admin/declarations", true);
	json_t *j = json_loads(a.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	answer_free(&a);
	char csv[96];
	snprintf(csv, sizeof csv, "/admin/networks/%lld/declarations.csv", (long long)W.network);
	get_with(&a, k, csv, false);
	cr_expect_eq(a.status, 403);
	expect_no_contact(a.body, "the other network's CSV");
	answer_free(&a);
	snprintf(csv, sizeof csv, "/admin/networks/%lld/declarations.csv", (long long)other);
	get_with(&a, k, csv, false);
	cr_expect_eq(a.status, 200);
	expect_no_contact(a.body, "their own network's CSV");
	answer_free(&a);

	/* Nor may they act on it. */
	char status[128], notes[128];
	snprintf(status, sizeof status, "%s/status", target);
	snprintf(notes, sizeof notes, "%s/notes", target);
	post_with(&a, k, status, "status=approved&from=received");
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	post_with(&a, k, notes, "body=mine");
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)other);
	post_with(&a, k, net, fields);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM declarations WHERE id = %lld AND status = 'received' "
		 "AND assigned_network_id = %lld",
		 (long long)id, (long long)W.network);
	cr_expect_eq(decl_count(sql), 1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM triage_notes"), 0);

	/* The network's own coordinator does see the contact (so the checks
	 * above can fail). */
	get_as(&a, WHO_COORDINATOR, target, true);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, SECRET_EMAIL));
	answer_free(&a);
	get_as(&a, WHO_COORDINATOR, "/admin/declarations", false);
	cr_expect_not_null(strstr(a.body, SECRET_EMAIL));
	answer_free(&a);
}

/* ------------------------------------------------- guards against races */

Test(declarations, only_received_and_approved_ones_change_network)
{
	int64_t id = declare(NULL);
	char target[96], withdraw[128];
	snprintf(target, sizeof target, "/admin/declarations/%lld/network", (long long)id);
	char token[TOKEN_LEN + 1];
	token_after(mail_body("declaration_received", "achieng@kisumu.example.org"),
		    "/declarations/withdraw/", token);
	snprintf(withdraw, sizeof withdraw, "/declarations/withdraw/%s", token);
	struct answer a;
	const char *extra[] = {W_PRESESSION, "Accept-Language: en", NULL};
	w_call(&a, "POST", withdraw, NULL, w_form(NULL, ""), extra);
	cr_assert_eq(a.status, 200);
	answer_free(&a);
	char fields[64];
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)W.network);
	post_as(&a, WHO_ADMIN, target, fields);
	cr_expect_eq(a.status, 422, "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "keeps its network"), "%s", a.body);
	answer_free(&a);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM declarations WHERE assigned_network_id IS NULL"), 1);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'declaration_network'"),
		     0, "a withdrawn contact is not mailed");
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.network'"), 0);
	/* The write itself is conditional, for a withdrawal between the
	 * page's check and the update. */
	cr_expect_eq(db_declaration_set_network(W.db, id, W.network, w_now()), E_CONFLICT);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM declarations WHERE assigned_network_id IS NULL"), 1);
}

/* Makes the next withdrawal of a declaration change no row, as when staff
 * moved it between the page's read and the update (or removes that). */
static void staff_move_first(bool on)
{
	const char *sql;
	if (db_backend(W.db) == DB_POSTGRES)
		sql = on ? "CREATE FUNCTION staff_first() RETURNS trigger LANGUAGE plpgsql AS "
			   "$$ BEGIN RETURN NULL; END $$; "
			   "CREATE TRIGGER staff_first BEFORE UPDATE ON declarations FOR EACH ROW "
			   "WHEN (NEW.status = 'withdrawn') EXECUTE FUNCTION staff_first()"
			 : "DROP TRIGGER staff_first ON declarations; DROP FUNCTION staff_first()";
	else
		sql = on ? "CREATE TRIGGER staff_first BEFORE UPDATE ON declarations "
			   "WHEN NEW.status = 'withdrawn' BEGIN SELECT RAISE(IGNORE); END"
			 : "DROP TRIGGER staff_first";
	cr_assert_eq(db_exec(W.db, sql), E_OK, "%s", db_errmsg(W.db));
}

Test(declarations, a_withdrawal_that_loses_a_race_says_so)
{
	declare(NULL);
	char token[TOKEN_LEN + 1], target[128];
	token_after(mail_body("declaration_received", "achieng@kisumu.example.org"),
		    "/declarations/withdraw/", token);
	snprintf(target, sizeof target, "/declarations/withdraw/%s", token);
	const char *extra[] = {W_PRESESSION, "Accept-Language: en", NULL};
	struct answer a;
	staff_move_first(true);
	w_call(&a, "POST", target, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 409, "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "has not been withdrawn"), "not a blank page: %s",
			   a.body);
	cr_expect_not_null(strstr(a.body, "<form"), "the button again");
	answer_free(&a);
	staff_move_first(false);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations WHERE status = 'received'"), 1);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.withdraw'"), 0);
	w_call(&a, "POST", target, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations WHERE status = 'withdrawn'"), 1);
}

Test(declarations, a_double_submitted_contact_request_is_stored_once)
{
	int64_t id = declare(NULL);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	struct contact_new c = {.declaration_id = id,
				.requester_id = W.person[WHO_MEMBER],
				.requester_org_id = W.org_a,
				.message = "hello",
				.token_hash = "hash-one",
				.now = w_now()};
	int64_t cid = 0;
	cr_expect_eq(db_contact_insert(W.db, &c, &cid), E_OK);
	c.token_hash = "hash-two";
	cr_expect_eq(db_contact_insert(W.db, &c, &cid), E_CONFLICT,
		     "the second of two at once is refused by the database");
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests"), 1);
	/* Answered, a new request may follow. */
	cr_assert_eq(db_exec(W.db, "UPDATE contact_requests SET status = 'declined'"), E_OK);
	c.token_hash = "hash-three";
	cr_expect_eq(db_contact_insert(W.db, &c, &cid), E_OK);
	/* Another person asks the same partner. */
	c.requester_id = W.person[WHO_CONTACT];
	c.token_hash = "hash-four";
	cr_expect_eq(db_contact_insert(W.db, &c, &cid), E_OK);
}

Test(declarations, a_deactivated_requester_is_never_sent_the_partners_details)
{
	int64_t id = declare(secret_fields);
	cr_expect_eq(move(WHO_OFFICER, id, "received", "approved"), 303);
	char contact[96];
	snprintf(contact, sizeof contact, "/partners/%lld/contact", (long long)id);
	struct answer a;
	post_as(&a, WHO_MEMBER, contact, "message=Hello+from+Lund");
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	char token[TOKEN_LEN + 1], url[128];
	token_after(mail_body("contact_request", SECRET_EMAIL), "/contact-requests/", token);
	snprintf(url, sizeof url, "/contact-requests/%s", token);
	cr_assert_eq(db_person_set_active(W.db, W.person[WHO_MEMBER], false, w_now()), E_OK);
	const char *partner[] = {W_PRESESSION, "Accept-Language: en", NULL};
	w_call(&a, "GET", url, NULL, NULL, partner);
	cr_expect_eq(a.status, 410, "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "can no longer use natverk"), "%s", a.body);
	answer_free(&a);
	w_call(&a, "POST", url, NULL, w_form(NULL, "answer=accept"), partner);
	cr_expect_eq(a.status, 410);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'contact_accepted'"), 0,
		     "nobody is sent anybody's details");
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM contact_requests WHERE status = 'sent'"), 1);
	/* The write checks again, for a deactivation after the page's read. */
	int64_t cid = decl_count("SELECT id FROM contact_requests");
	cr_expect_eq(db_contact_answer(W.db, cid, "accepted", w_now()), E_CONFLICT);
	/* Active again, the request can be answered. */
	cr_assert_eq(db_person_set_active(W.db, W.person[WHO_MEMBER], true, w_now()), E_OK);
	w_call(&a, "POST", url, NULL, w_form(NULL, "answer=accept"), partner);
	cr_expect_eq(a.status, 200, "%.300s", a.body);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM outbox WHERE kind = 'contact_accepted'"), 2);
}

/* ---------------------------------------------- the export, more */

Test(declarations, the_csv_export_is_audited_and_defuses_tabs_and_carriage_returns)
{
	/* Inside a one-line field a tab or a CR is refused; at the ends it is
	 * trimmed away. */
	const char *inside[] = {"contact_position", "Ma%09yor", "contact_name", "A%0DB", NULL};
	reset_rate_limit();
	struct answer a;
	submit(&a, decl_form_v(inside), "en", true);
	cr_expect_eq(a.status, 422, "%s", a.body);
	cr_expect_not_null(field_error(&a, "contact_position"));
	cr_expect_not_null(field_error(&a, "contact_name"));
	answer_free(&a);
	const char *typed[] = {"motivation", "%09%3D1%2B2+first%0D+second%0D%0Athird",
			       "contact_position", "%09%3DMayor%0D", NULL};
	int64_t id = declare(typed);
	/* A value from elsewhere (the directory) with a leading tab. */
	cr_assert_eq(db_exec(W.db, "UPDATE organisations SET province = '\t-Nyanza' "
				   "WHERE kind = 'local_government'"),
		     E_OK, "%s", db_errmsg(W.db));
	char target[96], fields[64];
	snprintf(target, sizeof target, "/admin/declarations/%lld/network", (long long)id);
	snprintf(fields, sizeof fields, "network_id=%lld", (long long)W.network);
	post_as(&a, WHO_OFFICER, target, fields);
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	char csv[96];
	snprintf(csv, sizeof csv, "/admin/networks/%lld/declarations.csv", (long long)W.network);
	get_as(&a, WHO_COORDINATOR, csv, false);
	cr_assert_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, ",\"'=1+2 first\r second\r\nthird\","),
			   "the typed tab is trimmed, the formula defused, the CRs quoted: %s",
			   a.body);
	cr_expect_not_null(strstr(a.body, ",\"'\t-Nyanza\","), "a leading tab is defused: %s",
			   a.body);
	cr_expect_not_null(strstr(a.body, ",\"'=Mayor\","), "%s", a.body);
	struct csv_reader r;
	csv_reader_init(&r, a.body, strlen(a.body));
	bool row;
	cr_assert_eq(csv_next(&r, &row), E_OK);
	cr_assert_eq(csv_next(&r, &row), E_OK, "%s", r.err);
	cr_assert(row);
	cr_expect_eq(r.nfields, 15);
	cr_expect_str_eq(r.fields[2], "'\t-Nyanza");
	cr_expect_str_eq(r.fields[7], "'=Mayor");
	cr_expect_str_eq(r.fields[10], "'=1+2 first\r second\r\nthird");
	cr_assert_eq(csv_next(&r, &row), E_OK);
	cr_expect(!row, "the carriage returns split no row");
	csv_reader_free(&r);
	answer_free(&a);
	/* Taking the contacts away is audited, like the registrations' export. */
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.export' "
		 "AND object_type = 'network' AND object_id = '%lld' AND actor_id = %lld "
		 "AND after_json LIKE '%%\"rows\":1%%'",
		 (long long)W.network, (long long)W.person[WHO_COORDINATOR]);
	cr_expect_eq(decl_count(sql), 1);
	cr_expect_eq(
	    decl_count("SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.export' "
		       "AND after_json LIKE '%achieng%'"),
	    0, "no personal data in it");
}

/* ------------------------------------------------ eligibility, the boundary */

Test(declarations, a_country_is_eligible_through_the_last_day_of_its_period)
{
	/* Mozambique's periods ended in 2022; give it one more, ending
	 * yesterday: refused today. */
	char today[11], yesterday[11], sql[256];
	date_today(today, sizeof today);
	time_t t = time(NULL) - 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(yesterday, sizeof yesterday, "%Y-%m-%d", &tm);
	snprintf(sql, sizeof sql,
		 "INSERT INTO eligibility_periods (country_iso2, cluster, valid_from, valid_to, "
		 "source) VALUES ('MZ', 'southern_africa', '2023-01-01', '%s', 'test')",
		 yesterday);
	cr_assert_eq(db_exec(W.db, sql), E_OK, "%s", db_errmsg(W.db));
	const char *mz[] = {"org_name", "Maputo", "country", "MZ", "province", "Maputo", NULL};
	reset_rate_limit();
	struct answer a;
	submit(&a, decl_form_v(mz), "en", true);
	cr_expect_eq(a.status, 422, "a period that ended yesterday: %s", a.body);
	const char *why = field_error(&a, "country");
	cr_expect(why != NULL && strstr(why, "Mozambique is not one of the programme's partner "
					     "countries today") != NULL,
		  "%s", a.body);
	answer_free(&a);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 0);
	/* The same municipality chosen from the directory is refused too. */
	cr_assert_eq(db_exec(W.db,
			     "INSERT INTO organisations (kind, name, name_folded, sort_key, "
			     "country_iso2, created_at, updated_at) VALUES ('local_government', "
			     "'Beira', 'beira', 'beira', 'MZ', '2023-01-01T00:00:00Z', "
			     "'2023-01-01T00:00:00Z')"),
		     E_OK, "%s", db_errmsg(W.db));
	char org[24];
	snprintf(org, sizeof org, "%lld",
		 (long long)decl_count("SELECT id FROM organisations WHERE name = 'Beira'"));
	const char *chosen[] = {"organisation_id", org,  "org_name", NULL, "country", NULL,
				"province",        NULL, NULL};
	submit(&a, decl_form_v(chosen), "en", true);
	cr_expect_eq(a.status, 422, "%s", a.body);
	cr_expect_not_null(field_error(&a, "organisation_id"));
	answer_free(&a);
	/* Ending today, it is still eligible today. */
	snprintf(sql, sizeof sql,
		 "UPDATE eligibility_periods SET valid_to = '%s' WHERE country_iso2 = 'MZ' "
		 "AND source = 'test'",
		 today);
	cr_assert_eq(db_exec(W.db, sql), E_OK, "%s", db_errmsg(W.db));
	declare(mz);
	declare(chosen);
	cr_expect_eq(decl_count("SELECT COUNT(*) FROM declarations"), 2);
}

Test(declarations, one_local_government_per_name_and_country)
{
	struct intl_org_new o = {"Kisumu", "kisumu", "kisumu", "KE", "Kisumu County", 610000, w_now()};
	int64_t first = 0, second = 0, found = 0;
	cr_assert_eq(db_intl_org_insert(W.db, &o, &first), E_OK);
	cr_expect_gt(first, 0);
	/* A second first declaration at the same moment adds nothing... */
	cr_expect_eq(db_intl_org_insert(W.db, &o, &second), E_CONFLICT);
	/* ...and finds the one there is. */
	cr_assert_eq(db_intl_org_find(W.db, "kisumu", "KE", &found), E_OK);
	cr_expect_eq(found, first);
	/* The same name in another country is another municipality. */
	o.country_iso2 = "TZ";
	cr_expect_eq(db_intl_org_insert(W.db, &o, &second), E_OK);
	cr_expect_neq(second, first);
}
