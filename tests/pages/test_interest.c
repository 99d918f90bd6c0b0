/*
 * test_interest.c - expressions of interest of Swedish organisations,
 * in-process on SQLite or PostgreSQL: every field of the public form
 * checked in Swedish and English with nothing stored, the merge of
 * repeated registrations and the repeats that must not change one (no
 * takeover of a registration by another address), country eligibility by
 * date, the honeypot and the rate limit, the confirmation mail with its
 * withdraw link and the invitation, triage moves allowed and refused per
 * role, one network per registration for triage and one registration per
 * organisation and network, contact details kept from everyone not
 * entitled, CSV escaping, and the audit rows.
 *
 * The world (accounts_support.h) has the network klimat, coordinated by J;
 * these tests open it for interest and add a second open network with its
 * own coordinator (K), a closed network and a local government abroad.
 */
#include "accounts_support.h"
#include "db/q_interest.h"
#include "util/csv.h"

static int64_t net_other;     /* open network "halsa", coordinated by K */
static int64_t net_closed;    /* network "stangt", closed */
static int64_t person_k;      /* coordinator of net_other */
static int64_t org_abroad;    /* a local government in Kenya */

/* ---------------------------------------------------------------- */
/* Database helpers                                                  */
/* ---------------------------------------------------------------- */

static void exec_t(const char *sql, const char *a)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	if (a != NULL)
		db_bind_text(st, 1, a);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s: %s", sql, db_errmsg(W.db));
	db_done(st);
}

static void exec_i(const char *sql, int64_t a)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	db_bind_int(st, 1, a);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s: %s", sql, db_errmsg(W.db));
	db_done(st);
}

/* The first column of the first row as an integer (-1 for none); $1 is
 * bound to a when it is not NULL. */
static int64_t num_t(const char *sql, const char *a)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	if (a != NULL)
		db_bind_text(st, 1, a);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s: %s", sql, db_errmsg(W.db));
	int64_t n = row ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static int64_t num(const char *sql)
{
	return num_t(sql, NULL);
}

/* The first column of the first row as text (malloc'ed; "" for none). */
static char *text_t(const char *sql, const char *a)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	if (a != NULL)
		db_bind_text(st, 1, a);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s: %s", sql, db_errmsg(W.db));
	char *s = strdup(row && db_col_text(st, 0) != NULL ? db_col_text(st, 0) : "");
	db_done(st);
	return s;
}

static int64_t insert_id(const char *sql, const char *a)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	db_bind_text(st, 1, a);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s: %s", sql, db_errmsg(W.db));
	cr_assert(row);
	int64_t id = db_col_int(st, 0);
	db_done(st);
	return id;
}

static int64_t registrations(void)
{
	return num("SELECT COUNT(*) FROM interest_registrations");
}

static void day_at(time_t t, char out[11])
{
	char at[TIMEFMT_LEN];
	timefmt_iso(t, at);
	snprintf(out, 11, "%.10s", at);
}

static void interest_setup(void)
{
	world_setup();
	exec_i("UPDATE networks SET status = 'open_for_interest' WHERE id = $1", W.network);
	net_other = insert_id("INSERT INTO networks (slug, name_sv, name_en, status, created_at, "
			      "updated_at) VALUES ('halsa', 'Nätverk för jämlik hälsa', "
			      "'Network for Equitable Health', 'open_for_interest', $1, $1) RETURNING id",
			      w_now());
	net_closed = insert_id("INSERT INTO networks (slug, name_sv, name_en, status, created_at, "
			       "updated_at) VALUES ('stangt', 'Nätverk för mänskliga rättigheter', "
			       "'Human Rights Network', 'closed', $1, $1) RETURNING id",
			       w_now());
	person_k = w_person("k.coordinator@example.org", "Person K", "sv");
	cr_assert_eq(db_network_member_add(W.db, person_k, net_other, "project_coordinator", w_now()),
		     E_OK);
	org_abroad = insert_id("INSERT INTO organisations (kind, name, name_folded, sort_key, "
			       "country_iso2, created_at, updated_at) VALUES ('local_government', "
			       "'Kisumu County', 'kisumu county', 'kisumu county', 'KE', $1, $1) "
			       "RETURNING id",
			       w_now());
}

TestSuite(interest, .init = interest_setup, .fini = world_teardown, .timeout = 240);

/* ---------------------------------------------------------------- */
/* Requests                                                          */
/* ---------------------------------------------------------------- */

/* A session for person K (the other network's coordinator). */
static const char *session_k(void)
{
	static char token[TOKEN_LEN + 1];
	int64_t sid;
	cr_assert_eq(session_create(W.db, person_k, "127.0.0.1", "test", time(NULL), token, &sid), E_OK);
	return token;
}

/* A form body with the session's CSRF token (or the pre-session one). */
static const char *form_body(const char *session, const char *rest)
{
	static char body[32 * 1024];
	snprintf(body, sizeof body, "_csrf=%s&%s",
		 session != NULL ? w_csrf(session) : "presession000000000000000000000000000000000",
		 rest);
	return body;
}

/* Runs a request as session (NULL: a visitor reading lang), JSON when json. */
static void call_as(struct answer *a, const char *method, const char *target,
		    const char *session, const char *rest, bool json, const char *lang)
{
	char cookie[32];
	snprintf(cookie, sizeof cookie, "Cookie: lang=%s", lang != NULL ? lang : "sv");
	const char *extra[] = {W_PRESESSION, cookie, json ? "Accept: application/json" : NULL, NULL};
	w_call(a, method, target, session, rest != NULL ? form_body(session, rest) : NULL,
	       lang != NULL ? extra : (const char *const[]){W_PRESESSION,
							     json ? "Accept: application/json" : NULL,
							     NULL});
}

/*
 * The interest form's fields: a valid registration of Lund for klimat,
 * with changes ("name=value&...", URL-encoded) replacing fields of the same
 * name; every "countries" in changes is added.
 */
static const char *fields_with(const char *changes)
{
	static char out[24 * 1024];
	char org[32];
	snprintf(org, sizeof org, "%lld", (long long)W.org_a);
	const char *base[][2] = {
		{"organisation", org},	     {"contact_name", "Nina+Nilsson"},
		{"contact_email", "nina%40lund.example"}, {"contact_phone", "046-35+50+00"},
		{"contact_position", "Strateg"}, {"network", "klimat"},
		{"support", "none"},	     {"lang", "sv"},
		{"message", "Vi+vill+delta."},
	};
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
		char key[64];
		snprintf(key, sizeof key, "%s=", base[i][0]);
		bool replaced = strncmp(changes, key, strlen(key)) == 0;
		char amp_key[68];
		snprintf(amp_key, sizeof amp_key, "&%s", key);
		replaced = replaced || strstr(changes, amp_key) != NULL;
		if (!replaced)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%s=%s", n > 0 ? "&" : "",
					      base[i][0], base[i][1]);
	}
	if (changes[0] != '\0')
		snprintf(out + n, sizeof out - n, "%s%s", n > 0 ? "&" : "", changes);
	return out;
}

/* Posts the interest form as a visitor reading lang.  The rate limit is
 * cleared first unless keep_count, so a test may send many. */
static void post_interest(struct answer *a, const char *lang, const char *changes, bool json,
			  bool keep_count)
{
	if (!keep_count)
		exec_t("DELETE FROM form_submissions", NULL);
	call_as(a, "POST", "/interest", NULL, fields_with(changes), json, lang);
}

/* Registers with changes and returns the new or updated registration's id. */
static int64_t register_ok(const char *changes)
{
	struct answer a;
	post_interest(&a, "sv", changes, false, false);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	return num("SELECT MAX(id) FROM interest_registrations");
}

/* The withdraw token of the last confirmation mail to email (static). */
static const char *withdraw_token(const char *email)
{
	static char token[TOKEN_LEN + 1];
	char *body = text_t("SELECT body FROM outbox WHERE kind = 'interest_received' AND to_email = $1 "
			    "ORDER BY id DESC",
			    email);
	const char *p = strstr(body, "/interest/withdraw/");
	cr_assert_not_null(p, "no withdraw link in: %s", body);
	snprintf(token, sizeof token, "%.*s", TOKEN_LEN, p + strlen("/interest/withdraw/"));
	free(body);
	return token;
}

static json_t *json_of(const struct answer *a)
{
	json_error_t err;
	json_t *j = json_loads(a->body, 0, &err);
	cr_assert_not_null(j, "not JSON: %s", a->body);
	return j;
}

/* ---------------------------------------------------------------- */
/* The form                                                          */
/* ---------------------------------------------------------------- */

Test(interest, form_offers_open_networks_swedish_organisations_and_eligible_countries)
{
	struct answer a;
	call_as(&a, "GET", "/interest?network=klimat", NULL, NULL, true, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	json_t *m = json_of(&a);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(m, "form"), "network")), "klimat");
	cr_expect_not_null(strstr(a.body, "\"value\":\"halsa\""));
	cr_expect_null(strstr(a.body, "\"value\":\"stangt\""), "a closed network is not offered");
	cr_expect_not_null(strstr(a.body, "\"label\":\"Lund\""));
	cr_expect_not_null(strstr(a.body, "\"label\":\"Region Sk"), "regions are offered");
	cr_expect_null(strstr(a.body, "Kisumu County"), "organisations abroad are not offered");
	cr_expect_not_null(strstr(a.body, "\"value\":\"KE\""), "Kenya is eligible today");
	cr_expect_null(strstr(a.body, "\"value\":\"IN\""), "India has not been eligible since 2020");
	json_decref(m);
	answer_free(&a);

	call_as(&a, "GET", "/interest?network=stangt", NULL, NULL, false, "sv");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "tar inte emot intresseanmälningar nu"), "%s", a.body);
	cr_expect_not_null(strstr(a.body, "name=\"website\""), "the honeypot field is there");
	cr_expect_not_null(strstr(a.body, "Lämna det här fältet tomt"));
	answer_free(&a);
}

/* One field's error, in both languages. */
struct field_case {
	const char *changes; /* fields replaced in a valid form */
	const char *field;   /* where the error shows */
	const char *sv;	     /* part of the Swedish message */
	const char *en;	     /* part of the English message */
};

Test(interest, every_field_is_checked_in_both_languages_and_nothing_is_stored)
{
	char abroad[64], tomorrow[11], long200[260], long300[360];
	static char long_message[4100];
	snprintf(abroad, sizeof abroad, "organisation=%lld", (long long)org_abroad);
	char tmp[11];
	day_at(time(NULL) + 86400, tmp);
	snprintf(tomorrow, sizeof tomorrow, "%s", tmp);
	char future[128];
	snprintf(future, sizeof future, "support=decided&decision_body=Kommunstyrelsen&decision_date=%s",
		 tomorrow);
	memset(long200, 'a', 201);
	long200[201] = '\0';
	char position[300];
	snprintf(position, sizeof position, "contact_position=%s", long200);
	memset(long300, 'b', 301);
	long300[301] = '\0';
	char partner[400];
	snprintf(partner, sizeof partner, "partner_in_mind=%s", long300);
	memcpy(long_message, "message=", 8);
	memset(long_message + 8, 'c', 4001);
	long_message[8 + 4001] = '\0';
	const struct field_case cases[] = {
		{"organisation=", "organisation", "Välj din organisation i listan", "Choose your organisation from the list"},
		{"organisation=999999", "organisation", "finns inte i katalogen", "no such organisation in the directory"},
		{abroad, "organisation", "Kisumu County är inte en svensk kommun eller region", "Kisumu County is not a Swedish municipality or region"},
		{"contact_name=+", "contact_name", "Ange kontaktpersonens namn", "Enter the contact person"},
		{"contact_email=not-an-address", "contact_email", "Ange en giltig e-postadress", "Enter a valid e-mail address"},
		{"contact_phone=call+me", "contact_phone", "Ange ett telefonnummer", "Enter a phone number"},
		{position, "contact_position", "Högst 200 tecken", "At most 200 characters"},
		{"lang=de", "lang", "Välj svenska eller engelska", "Choose Swedish or English"},
		{"network=&theme=", "network", "Välj ett nätverk, eller ett tema", "Choose a network, or a theme"},
		{"theme=climate", "theme", "antingen ett nätverk eller ett tema", "either a network or a theme"},
		{"network=nosuch", "network", "Nätverket finns inte", "There is no such network"},
		{"network=stangt", "network", "Nätverket Nätverk för mänskliga rättigheter tar inte emot intresseanmälningar nu", "The network Human Rights Network does not take registrations of interest now"},
		{"network=&theme=nosuch", "theme", "Temat finns inte", "There is no such theme"},
		{"countries=IN", "countries", "Indien är inte ett samarbetsland", "India is not a partner country of the programme today"},
		{"countries=XX", "countries", "Välj samarbetsländer i listan", "Choose partner countries from the list"},
		{partner, "partner_in_mind", "Högst 300 tecken", "At most 300 characters"},
		{"support=", "support", "Välj hur långt det politiska stödet", "Choose the state of political support"},
		{"support=decided&decision_date=2025-03-14", "decision_body", "Ange vilket organ", "Name the body that decided"},
		{"support=decided&decision_body=Kommunstyrelsen", "decision_date", "Ange datum för beslutet", "Enter the date of the decision"},
		{"support=decided&decision_body=Kommunstyrelsen&decision_date=14%2F03%2F2025", "decision_date", "ÅÅÅÅ-MM-DD", "YYYY-MM-DD"},
		{future, "decision_date", "kan inte ligga i framtiden", "cannot lie in the future"},
		{long_message, "message", "högst 4000 tecken", "at most 4000 characters"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int l = 0; l < 2; l++) {
			const char *lang = l == 0 ? "sv" : "en";
			struct answer a;
			post_interest(&a, lang, cases[i].changes, false, false);
			cr_expect_eq(a.status, 422, "case %zu (%s): %d", i, lang, a.status);
			char id[64], href[64];
			snprintf(id, sizeof id, "id=\"%s-error\"", cases[i].field);
			snprintf(href, sizeof href, "href=\"#%s\"", cases[i].field);
			const char *at = strstr(a.body, id);
			cr_expect_not_null(at, "case %zu (%s): no error next to %s", i, lang, cases[i].field);
			const char *want = l == 0 ? cases[i].sv : cases[i].en;
			cr_expect(at != NULL && strstr(at, want) != NULL, "case %zu (%s): no \"%s\" next to %s",
				  i, lang, want, cases[i].field);
			cr_expect_not_null(strstr(a.body, "class=\"error-summary\""), "case %zu: summary", i);
			cr_expect_not_null(strstr(a.body, href), "case %zu: the summary links to the field", i);
			answer_free(&a);
		}
		/* JSON names the field too. */
		struct answer a;
		post_interest(&a, "en", cases[i].changes, true, false);
		cr_expect_eq(a.status, 422);
		json_t *j = json_of(&a);
		cr_expect_not_null(json_object_get(json_object_get(json_object_get(j, "error"), "fields"),
						   cases[i].field),
				   "case %zu: JSON field %s: %s", i, cases[i].field, a.body);
		json_decref(j);
		answer_free(&a);
	}
	cr_expect_eq(registrations(), 0, "nothing is stored until the form is valid");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration'"), 0);
}

Test(interest, an_invalid_form_keeps_what_was_typed)
{
	struct answer a;
	post_interest(&a, "en",
		      "contact_name=Nina+%3CNilsson%3E&countries=KE&partner_in_mind=Kisumu&"
		      "support=decided&decision_body=Kommunstyrelsen&message=Line+one%0ALine+two",
		      false, false);
	cr_assert_eq(a.status, 422, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "value=\"Nina &lt;Nilsson&gt;\""), "typed and escaped");
	cr_expect_not_null(strstr(a.body, "value=\"nina@lund.example\""));
	cr_expect_not_null(strstr(a.body, "value=\"046-35 50 00\""));
	cr_expect_not_null(strstr(a.body, "value=\"Strateg\""));
	cr_expect_not_null(strstr(a.body, "value=\"Kisumu\""));
	cr_expect_not_null(strstr(a.body, "value=\"Kommunstyrelsen\""));
	cr_expect_not_null(strstr(a.body, "Line one\nLine two</textarea>"));
	cr_expect_not_null(strstr(a.body, "value=\"KE\" checked"), "the ticked country stays ticked");
	cr_expect_not_null(strstr(a.body, "value=\"decided\" checked"));
	cr_expect_not_null(strstr(a.body, "value=\"klimat\" selected"));
	char org[64];
	snprintf(org, sizeof org, "value=\"%lld\" selected", (long long)W.org_a);
	cr_expect_not_null(strstr(a.body, org));
	answer_free(&a);
	cr_expect_eq(registrations(), 0);
}

/* ---------------------------------------------------------------- */
/* Storing, mail, invitation, withdrawal                            */
/* ---------------------------------------------------------------- */

Test(interest, a_registration_is_stored_confirmed_in_the_contacts_language_and_invites)
{
	char decided[128], day[11];
	day_at(time(NULL), day);
	snprintf(decided, sizeof decided,
		 "lang=en&countries=KE&countries=UG&support=decided&decision_body=Kommunstyrelsen&"
		 "decision_date=%s",
		 day);
	struct answer a;
	post_interest(&a, "sv", decided, false, false);
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "Tack för din intresseanmälan"), "the page reads Swedish");
	cr_expect_null(strstr(a.body, "nina@lund.example"), "the thanks page shows no contact");
	answer_free(&a);
	cr_expect_eq(registrations(), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE status = 'submitted' "
			 "AND political_support = 'decided' AND decision_body = 'Kommunstyrelsen' "
			 "AND lang = 'en' AND contact_phone = '046-35 50 00'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries"), 2);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create' "
			 "AND object_type = 'registration'"),
		     1);
	char *audit = text_t("SELECT after_json FROM audit_log WHERE action = 'registration.create'", NULL);
	cr_expect_null(strstr(audit, "nina"), "no personal data in the audit log: %s", audit);
	free(audit);
	/* The confirmation in English, with what was registered. */
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received' AND lang = 'en' "
			 "AND to_email = 'nina@lund.example' "
			 "AND subject = 'Your registration of interest: Lund'"),
		     1);
	char *body = text_t("SELECT body FROM outbox WHERE kind = 'interest_received'", NULL);
	cr_expect_not_null(strstr(body, "Network: Network for Climate Action"), "%s", body);
	cr_expect_not_null(strstr(body, "Kenya, Uganda"), "%s", body);
	cr_expect_not_null(strstr(body, "Political support: Decided (Kommunstyrelsen"), "%s", body);
	free(body);
	/* And an invitation to an account, in English too. */
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'invitation' AND lang = 'en' "
			 "AND to_email = 'nina@lund.example'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation' "
			 "AND email = 'nina@lund.example' AND payload LIKE '%\"x\"%'"),
		     1);

	/* In Swedish for a Swedish contact. */
	char org[128];
	snprintf(org, sizeof org, "organisation=%lld&lang=sv&contact_email=sven%%40lund.example&network=halsa",
		 (long long)W.org_b);
	post_interest(&a, "en", org, false, false);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received' AND lang = 'sv' "
			 "AND to_email = 'sven@lund.example' AND subject = 'Din intresseanmälan: Stockholm'"),
		     1);
	body = text_t("SELECT body FROM outbox WHERE kind = 'interest_received' AND lang = 'sv'", NULL);
	cr_expect_not_null(strstr(body, "Nätverk: Nätverk för jämlik hälsa"), "%s", body);
	free(body);
}

Test(interest, the_withdraw_link_works_once_and_is_audited)
{
	int64_t id = register_ok("");
	char target[128];
	snprintf(target, sizeof target, "/interest/withdraw/%s", withdraw_token("nina@lund.example"));
	struct answer a;
	call_as(&a, "GET", target, NULL, NULL, false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "Lund"));
	cr_expect_null(strstr(a.body, "Nina Nilsson"), "the link shows no contact details");
	answer_free(&a);
	call_as(&a, "POST", target, NULL, "", false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "withdrawn"));
	answer_free(&a);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM interest_registrations WHERE status = 'withdrawn' "
			   "AND CAST(id AS TEXT) = $1",
			   sid),
		     1);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.withdraw' "
			   "AND object_id = $1",
			   sid),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_withdrawn'"), 1);
	/* Spent: the same link is now unknown, with a page that says so. */
	call_as(&a, "GET", target, NULL, NULL, false, "sv");
	cr_expect_eq(a.status, 404);
	cr_expect_not_null(strstr(a.body, "Länken fungerar inte"), "%s", a.body);
	answer_free(&a);
	call_as(&a, "POST", target, NULL, "", false, "sv");
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

/* ---------------------------------------------------------------- */
/* The merge                                                         */
/* ---------------------------------------------------------------- */

Test(interest, a_repeated_registration_updates_the_first_and_reopens_a_withdrawn_one)
{
	int64_t first = register_ok("countries=KE&countries=UG");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation'"), 1);
	int64_t again = register_ok("contact_name=Nina+Andersson&countries=TZ&support=in_preparation");
	cr_expect_eq(again, first, "the same row");
	cr_expect_eq(registrations(), 1, "no duplicate");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_name = 'Nina Andersson' "
			 "AND political_support = 'in_preparation' AND version = 2"),
		     1, "new details replace old");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries"), 1, "the countries are replaced");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries WHERE country_iso2 = 'TZ'"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.update'"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received'"), 2);
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation'"), 1,
		     "a pending invitation is not sent twice");

	/* The newest mail's link is the one that works. */
	char target[128];
	snprintf(target, sizeof target, "/interest/withdraw/%s", withdraw_token("nina@lund.example"));
	struct answer a;
	call_as(&a, "POST", target, NULL, "", false, "sv");
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE status = 'withdrawn'"), 1);
	register_ok("");
	cr_expect_eq(registrations(), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE status = 'submitted'"), 1,
		     "registering again reopens it");

	/* The same contact, whatever the case of the address, updates it. */
	register_ok("contact_email=Nina%40LUND.example&contact_name=Nina+N");
	cr_expect_eq(registrations(), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_name = 'Nina N'"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM triage_notes"), 0, "no note for its own contact");

	/* Another network, or only a theme, is another registration. */
	register_ok("network=halsa");
	register_ok("network=&theme=climate");
	cr_expect_eq(registrations(), 3);
	register_ok("network=&theme=climate&contact_name=Theo");
	cr_expect_eq(registrations(), 3, "the theme-only one merges too");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE network_id IS NULL "
			 "AND contact_name = 'Theo'"),
		     1);
}

static int expect_status(const char *session, int64_t id, const char *form, int want);

/* What a takeover attempt must leave as it was, as one string. */
static char *reg_state(int64_t id)
{
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return text_t("SELECT contact_name || '|' || contact_email || '|' || "
		      "COALESCE(contact_phone, '') || '|' || COALESCE(withdraw_token_hash, '') || '|' || "
		      "status || '|' || message || '|' || political_support || '|' || "
		      "CAST(version AS TEXT) FROM interest_registrations WHERE CAST(id AS TEXT) = $1",
		      sid);
}

/* Registers Lund for klimat as nina, puts it in status, and has a
 * stranger send the form for it again with their own address: the
 * registration, its countries and its withdraw link stay, the stranger
 * gets the usual thanks page and no mail, link or invitation, staff get
 * a note, nina a mail. */
static void expect_no_takeover(const char *status)
{
	/* Nina reads English, so the mail is checked in the source language. */
	int64_t id = register_ok("countries=KE&message=Original&lang=en");
	if (strcmp(status, "submitted") != 0) {
		exec_t("UPDATE interest_registrations SET status = $1", status);
		exec_i("UPDATE interest_registrations SET assigned_network_id = $1", W.network);
	}
	char *before = reg_state(id);
	char token[TOKEN_LEN + 1];
	snprintf(token, sizeof token, "%s", withdraw_token("nina@lund.example"));
	int64_t mails = num("SELECT COUNT(*) FROM outbox");
	int64_t links = num("SELECT COUNT(*) FROM one_time_links");
	struct answer a;
	post_interest(&a, "sv",
		      "contact_name=Mallory+Mask&contact_email=mallory%40evil.example&"
		      "contact_phone=070-666+66+66&countries=UG&message=Give+me+the+partner",
		      false, false);
	cr_assert_eq(a.status, 200, "%s: %s", status, a.body);
	cr_expect_not_null(strstr(a.body, "Tack för din intresseanmälan"), "%s: the usual thanks", status);
	cr_expect_null(strstr(a.body, "nina"), "%s: the page names no contact", status);
	cr_expect_null(strstr(a.body, "Nilsson"));
	answer_free(&a);
	char *after = reg_state(id);
	cr_expect_str_eq(after, before, "%s: the registration is unchanged", status);
	free(before);
	free(after);
	cr_expect_eq(registrations(), 1, "%s", status);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries WHERE country_iso2 = 'KE'"), 1,
		     "%s: its countries stay", status);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links"), links, "%s: no invitation", status);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE to_email = 'mallory@evil.example'"), 0,
		     "%s: nothing to the stranger", status);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox"), mails + 1, "%s: one mail", status);
	char *mail = text_t("SELECT body FROM outbox WHERE kind = 'interest_replaced' "
			    "AND to_email = 'nina@lund.example'",
			    NULL);
	cr_expect_not_null(strstr(mail, "naming another contact person"), "%s: %s", status, mail);
	cr_expect_not_null(strstr(mail, "you remain the contact person"), "%s", mail);
	cr_expect_null(strstr(mail, "mallory"), "the mail does not pass the stranger's address on");
	free(mail);
	/* Staff find who typed what in a note; the audit row has no personal data. */
	char *note = text_t("SELECT body FROM triage_notes WHERE object_type = 'registration' "
			    "AND author_id IS NULL",
			    NULL);
	cr_expect_not_null(strstr(note, "mallory@evil.example"), "%s: %s", status, note);
	cr_expect_not_null(strstr(note, "Mallory Mask"), "%s", note);
	cr_expect_not_null(strstr(note, "070-666 66 66"), "%s", note);
	cr_expect_not_null(strstr(note, "Give me the partner"), "%s", note);
	cr_expect_not_null(strstr(note, "Uganda"), "%s", note);
	cr_expect_not_null(strstr(note, "Kontaktpersonens namn: Mallory Mask"),
			   "in the site's first language, whoever sent it: %s", note);
	free(note);
	char *audit = text_t("SELECT after_json FROM audit_log WHERE action = 'registration.repeat'", NULL);
	cr_expect_neq(audit[0], '\0', "%s: audited", status);
	cr_expect_null(strstr(audit, "mallory"), "%s", audit);
	free(audit);
	/* Nina's link still works while the registration may be withdrawn. */
	char target[128];
	snprintf(target, sizeof target, "/interest/withdraw/%s", token);
	call_as(&a, "GET", target, NULL, NULL, false, "en");
	cr_expect_eq(a.status, strcmp(status, "submitted") == 0 ? 200 : 409, "%s", status);
	answer_free(&a);
	/* Staff see the note on the registration, marked as automatic. */
	char detail[96];
	snprintf(detail, sizeof detail, "/admin/registrations/%lld", (long long)id);
	call_as(&a, "GET", detail, w_session(WHO_OFFICER), NULL, false, "en");
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Automatic note"), "%s", status);
	cr_expect_not_null(strstr(a.body, "mallory@evil.example"));
	answer_free(&a);
}

Test(interest, a_stranger_cannot_take_over_a_submitted_registration)
{
	expect_no_takeover("submitted");
}

Test(interest, a_stranger_cannot_take_over_an_accepted_registration)
{
	expect_no_takeover("accepted");
}

Test(interest, a_stranger_cannot_take_over_a_matched_registration)
{
	expect_no_takeover("matched");
}

Test(interest, a_stranger_cannot_reopen_a_withdrawn_registration)
{
	expect_no_takeover("withdrawn");
}

Test(interest, an_erased_contact_may_be_replaced_until_the_registration_is_accepted)
{
	int64_t id = register_ok("countries=KE");
	exec_i("UPDATE interest_registrations SET contact_name = '', contact_email = '', "
	       "contact_phone = NULL WHERE id = $1",
	       id);
	register_ok("contact_name=Nora+Ny&contact_email=nora%40lund.example");
	cr_expect_eq(registrations(), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_email = "
			 "'nora@lund.example' AND contact_name = 'Nora Ny' AND status = 'submitted'"),
		     1, "the new contact takes the erased one's place");
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received' "
			 "AND to_email = 'nora@lund.example'"),
		     1, "with a confirmation and its withdraw link");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation' "
			 "AND email = 'nora@lund.example'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_replaced'"), 0,
		     "nobody to tell");
	cr_expect_eq(num("SELECT COUNT(*) FROM triage_notes"), 0);

	/* Accepted, an erased contact is not replaced from the public form. */
	exec_i("UPDATE interest_registrations SET status = 'accepted', contact_name = '', "
	       "contact_email = '' WHERE id = $1",
	       id);
	register_ok("contact_name=Otto&contact_email=otto%40lund.example");
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_email = ''"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE to_email = 'otto@lund.example'"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM triage_notes WHERE body LIKE '%otto@lund.example%'"), 1,
		     "staff are told");

	/* Accepting one whose contact was erased invites nobody. */
	exec_i("UPDATE interest_registrations SET status = 'in_dialogue' WHERE id = $1", id);
	exec_i("UPDATE interest_registrations SET assigned_network_id = $1", W.network);
	int64_t links = num("SELECT COUNT(*) FROM one_time_links");
	expect_status(w_session(WHO_ADMIN), id, "to=accepted&from=in_dialogue", 303);
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links"), links);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE to_email = ''"), 0);
}

Test(interest, an_accepted_registration_stays_as_it_is_when_its_contact_repeats_it)
{
	int64_t id = register_ok("lang=en");
	exec_i("UPDATE interest_registrations SET status = 'accepted' WHERE id = $1", id);
	char *before = reg_state(id);
	register_ok("contact_name=Nina+Berg&message=New+plans&lang=en");
	char *after = reg_state(id);
	cr_expect_str_eq(after, before, "decided: nothing changes from the public form");
	free(before);
	free(after);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE status = 'accepted' "
			 "AND contact_name = 'Nina Nilsson'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received'"), 1,
		     "no new confirmation or withdraw link");
	char *mail = text_t("SELECT body FROM outbox WHERE kind = 'interest_replaced' "
			    "AND to_email = 'nina@lund.example'",
			    NULL);
	cr_expect_not_null(strstr(mail, "ICLD has already decided"), "%s", mail);
	cr_expect_null(strstr(mail, "another contact person"), "%s", mail);
	free(mail);
	cr_expect_eq(num("SELECT COUNT(*) FROM triage_notes WHERE body LIKE '%New plans%' "
			 "AND body LIKE '%Nina Berg%'"),
		     1, "staff have what was sent");
}

/* ---------------------------------------------------------------- */
/* Refusals and eligibility                                          */
/* ---------------------------------------------------------------- */

Test(interest, countries_are_eligible_by_the_day_of_the_registration)
{
	char today[11], tomorrow[11];
	day_at(time(NULL), today);
	day_at(time(NULL) + 86400, tomorrow);
	/* Mozambique's periods ended in 2022; one starting tomorrow does not count yet. */
	exec_t("INSERT INTO eligibility_periods (country_iso2, cluster, valid_from, source) "
	       "VALUES ('MZ', 'southern_africa', $1, 'test')",
	       tomorrow);
	struct answer a;
	post_interest(&a, "en", "countries=MZ", false, false);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Mozambique is not a partner country of the programme today"),
			   "%s", a.body);
	answer_free(&a);
	cr_expect_eq(registrations(), 0);
	exec_t("UPDATE eligibility_periods SET valid_from = $1 WHERE country_iso2 = 'MZ' AND source = 'test'",
	       today);
	post_interest(&a, "en", "countries=MZ&countries=KE", false, false);
	cr_expect_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_countries"), 2);
}

Test(interest, closed_network_foreign_organisation_ineligible_country_and_future_date_are_refused)
{
	char abroad[64], future[128], tomorrow[11];
	day_at(time(NULL) + 86400, tomorrow);
	snprintf(abroad, sizeof abroad, "organisation=%lld", (long long)org_abroad);
	snprintf(future, sizeof future, "support=decided&decision_body=KS&decision_date=%s", tomorrow);
	const char *const refused[] = {"network=stangt", abroad, "countries=IN", future};
	const char *const why[] = {"does not take registrations of interest now (its status is: Closed)",
				   "is not a Swedish municipality or region",
				   "India is not a partner country", "cannot lie in the future"};
	for (size_t i = 0; i < 4; i++) {
		struct answer a;
		post_interest(&a, "en", refused[i], true, false);
		cr_expect_eq(a.status, 422, "%s", refused[i]);
		cr_expect_not_null(strstr(a.body, why[i]), "%s: %s", refused[i], a.body);
		answer_free(&a);
	}
	cr_expect_eq(registrations(), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log"), 0);
}

Test(interest, honeypot_stores_nothing_and_the_form_is_rate_limited_per_address)
{
	struct answer a;
	post_interest(&a, "en", "website=http%3A%2F%2Fspam.example", false, false);
	cr_expect_eq(a.status, 200, "the robot is thanked");
	cr_expect_not_null(strstr(a.body, "Thank you"));
	answer_free(&a);
	cr_expect_eq(registrations(), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM form_submissions"), 0, "and not counted");
	/* Someone correcting a form is not stopped by their mistakes. */
	for (int i = 0; i < PUBLIC_FORM_MAX_PER_HOUR + 1; i++) {
		post_interest(&a, "en", "contact_email=bad", false, true);
		cr_expect_eq(a.status, 422, "invalid attempt %d", i + 1);
		answer_free(&a);
	}
	cr_expect_eq(registrations(), 0);
	/* Stored submissions count (a repeat updating the first too). */
	for (int i = 0; i < PUBLIC_FORM_MAX_PER_HOUR; i++) {
		post_interest(&a, "en", "", false, true);
		cr_expect_eq(a.status, 200, "submission %d: %d", i + 1, a.status);
		answer_free(&a);
	}
	cr_expect_eq(registrations(), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_received'"),
		     PUBLIC_FORM_MAX_PER_HOUR);
	char org[64];
	snprintf(org, sizeof org, "organisation=%lld", (long long)W.org_b);
	post_interest(&a, "en", org, false, true);
	cr_expect_eq(a.status, 429, "the eleventh in an hour waits");
	cr_expect_str_eq(a.retry_after, "3600");
	answer_free(&a);
	cr_expect_eq(registrations(), 1, "even a valid form is not stored then");
	post_interest(&a, "en", "contact_email=bad", false, true);
	cr_expect_eq(a.status, 429, "nor an invalid one");
	answer_free(&a);
	/* Many attempts wait too, stored or not. */
	exec_t("DELETE FROM form_submissions", NULL);
	for (int i = 0; i < PUBLIC_FORM_MAX_ATTEMPTS; i++)
		exec_t("INSERT INTO form_submissions (form, client_addr, at) "
		       "VALUES ('interest.attempt', '127.0.0.1', $1)",
		       w_now());
	post_interest(&a, "en", org, false, true);
	cr_expect_eq(a.status, 429, "after %d attempts", PUBLIC_FORM_MAX_ATTEMPTS);
	answer_free(&a);
	cr_expect_eq(registrations(), 1);
}

/* ---------------------------------------------------------------- */
/* Triage                                                            */
/* ---------------------------------------------------------------- */

static void status_post(struct answer *a, const char *session, int64_t id, const char *form)
{
	char target[96];
	snprintf(target, sizeof target, "/admin/registrations/%lld/status", (long long)id);
	call_as(a, "POST", target, session, form, false, "sv");
}

static int expect_status(const char *session, int64_t id, const char *form, int want)
{
	struct answer a;
	status_post(&a, session, id, form);
	cr_expect_eq(a.status, want, "%s: %d, expected %d: %.300s", form, a.status, want, a.body);
	int got = a.status;
	answer_free(&a);
	return got;
}

static const char *reg_status(int64_t id)
{
	static char out[32];
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	char *s = text_t("SELECT status FROM interest_registrations WHERE CAST(id AS TEXT) = $1", sid);
	snprintf(out, sizeof out, "%s", s);
	free(s);
	return out;
}

Test(interest, triage_moves_are_allowed_and_refused_per_role)
{
	int64_t id = register_ok("");
	char detail[96], assign[128], notes[128];
	snprintf(detail, sizeof detail, "/admin/registrations/%lld", (long long)id);
	snprintf(assign, sizeof assign, "%s/network", detail);
	snprintf(notes, sizeof notes, "%s/notes", detail);
	const char *k = session_k();
	char k_copy[TOKEN_LEN + 1];
	snprintf(k_copy, sizeof k_copy, "%s", k);

	/* Who may see it. */
	struct {
		const char *session;
		int status;
	} see[] = {
		{NULL, 302},
		{w_session(WHO_MEMBER), 403},
		{w_session(WHO_CONTACT), 403},
		{w_session(WHO_MENTOR), 403},
		{w_session(WHO_FINANCE), 403},
		{k_copy, 403},
		{w_session(WHO_COORDINATOR), 200},
		{w_session(WHO_OFFICER), 200},
		{w_session(WHO_ADMIN), 200},
	};
	for (size_t i = 0; i < sizeof see / sizeof see[0]; i++) {
		struct answer a;
		call_as(&a, "GET", detail, see[i].session, NULL, false, NULL);
		cr_expect_eq(a.status, see[i].status, "viewer %zu: %d", i, a.status);
		answer_free(&a);
	}

	/* Moving it: only staff and klimat's coordinator. */
	expect_status(NULL, id, "to=in_dialogue", 401);
	expect_status(w_session(WHO_MEMBER), id, "to=in_dialogue", 403);
	expect_status(w_session(WHO_MENTOR), id, "to=in_dialogue", 403);
	expect_status(w_session(WHO_FINANCE), id, "to=in_dialogue", 403);
	expect_status(k_copy, id, "to=in_dialogue", 403);
	cr_expect_str_eq(reg_status(id), "submitted");
	expect_status(w_session(WHO_COORDINATOR), id, "to=in_dialogue&from=submitted", 303);
	cr_expect_str_eq(reg_status(id), "in_dialogue");
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_status' "
			 "AND to_email = 'nina@lund.example' AND lang = 'sv'"),
		     1, "the contact is told");

	/* Rules refuse what staff may not do either. */
	expect_status(w_session(WHO_ADMIN), id, "to=submitted", 422);
	expect_status(w_session(WHO_ADMIN), id, "to=withdrawn", 422);
	expect_status(w_session(WHO_ADMIN), id, "to=nonsense", 422);
	struct answer a;
	status_post(&a, w_session(WHO_OFFICER), id, "to=accepted");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Tilldela ett nätverk innan"), "%s", a.body);
	answer_free(&a);

	/* Assignment: the coordinator only to their own network. */
	char form[64];
	snprintf(form, sizeof form, "network_id=%lld", (long long)net_other);
	call_as(&a, "POST", assign, w_session(WHO_COORDINATOR), form, false, NULL);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	snprintf(form, sizeof form, "network_id=%lld", (long long)net_closed);
	call_as(&a, "POST", assign, w_session(WHO_ADMIN), form, false, NULL);
	cr_expect_eq(a.status, 422, "a closed network takes nobody");
	answer_free(&a);
	call_as(&a, "POST", assign, w_session(WHO_COORDINATOR), "network_id=999999", false, NULL);
	cr_expect_eq(a.status, 422);
	answer_free(&a);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	call_as(&a, "POST", assign, w_session(WHO_COORDINATOR), form, false, NULL);
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);

	/* A stale page: the status it showed is not the status now. */
	expect_status(w_session(WHO_OFFICER), id, "to=accepted&from=submitted", 409);
	cr_expect_str_eq(reg_status(id), "in_dialogue");

	/* Accepting makes the contact the organisation's contact person. */
	expect_status(w_session(WHO_COORDINATOR), id, "to=accepted&from=in_dialogue", 303);
	cr_expect_str_eq(reg_status(id), "accepted");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation' "
			 "AND email = 'nina@lund.example' AND payload LIKE '%contact_person%'"),
		     1, "no account yet: invited as contact person");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation' "
			 "AND email = 'nina@lund.example'"),
		     1, "the invitation sent with the registration now grants that role");
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'invitation' AND to_email = 'nina@lund.example'"),
		     1, "one invitation mail, not two");
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_status'"), 2);
	char *body = text_t("SELECT body FROM outbox WHERE kind = 'interest_status' ORDER BY id DESC", NULL);
	cr_expect_not_null(strstr(body, "Nätverk för klimatet"), "%s", body);
	free(body);

	/* Decided: no more moves, no reassignment, no withdrawal. */
	expect_status(w_session(WHO_ADMIN), id, "to=declined", 422);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	call_as(&a, "POST", assign, w_session(WHO_ADMIN), form, false, NULL);
	cr_expect_eq(a.status, 409);
	answer_free(&a);
	char target[128];
	snprintf(target, sizeof target, "/interest/withdraw/%s", withdraw_token("nina@lund.example"));
	call_as(&a, "POST", target, NULL, "", false, "en");
	cr_expect_eq(a.status, 409);
	cr_expect_not_null(strstr(a.body, "can no longer be withdrawn"));
	answer_free(&a);
	cr_expect_str_eq(reg_status(id), "accepted");

	/* Notes. */
	call_as(&a, "POST", notes, w_session(WHO_COORDINATOR), "note=Called+them.%0ANext+week.", false, NULL);
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	call_as(&a, "POST", notes, k_copy, "note=Not+mine", false, NULL);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	call_as(&a, "POST", notes, w_session(WHO_COORDINATOR), "note=+", false, NULL);
	cr_expect_eq(a.status, 422);
	answer_free(&a);
	call_as(&a, "GET", detail, w_session(WHO_OFFICER), NULL, true, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Called them.\\nNext week."), "%s", a.body);
	cr_expect_null(strstr(a.body, "Not mine"));
	answer_free(&a);

	/* Every step audited, with who did it. */
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration' "
			   "AND object_id = $1 AND action = 'registration.status'",
			   sid),
		     2);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration' "
			   "AND object_id = $1 AND action = 'registration.assign'",
			   sid),
		     1);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration' "
			   "AND object_id = $1 AND action = 'registration.note'",
			   sid),
		     1);
	char who[32];
	snprintf(who, sizeof who, "%lld", (long long)W.person[WHO_COORDINATOR]);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.status' "
			   "AND CAST(actor_id AS TEXT) = $1",
			   who),
		     2);
}

Test(interest, declining_mails_the_contact_and_staff_may_decline_without_a_network)
{
	int64_t id = register_ok("lang=en");
	expect_status(w_session(WHO_OFFICER), id, "to=declined", 303);
	cr_expect_str_eq(reg_status(id), "declined");
	char *body = text_t("SELECT body FROM outbox WHERE kind = 'interest_status'", NULL);
	cr_expect_not_null(strstr(body, "cannot take the interest of Lund"), "%s", body);
	free(body);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_status' AND lang = 'en'"), 1);
	/* Registering again opens it again. */
	register_ok("");
	cr_expect_str_eq(reg_status(id), "submitted");
}

Test(interest, accepting_gives_a_contact_with_an_account_the_role_at_once)
{
	int64_t id = register_ok("contact_email=o.person%40example.org");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation'"), 0,
		     "an address with an account gets no invitation");
	char form[64], assign[96];
	snprintf(assign, sizeof assign, "/admin/registrations/%lld/network", (long long)id);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	struct answer a;
	call_as(&a, "POST", assign, w_session(WHO_ADMIN), form, false, NULL);
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	expect_status(w_session(WHO_ADMIN), id, "to=accepted", 303);
	char org[32];
	snprintf(org, sizeof org, "%lld", (long long)W.org_a);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM organisation_members m JOIN people p ON p.id = m.person_id "
			   "WHERE p.email = 'o.person@example.org' AND m.role = 'contact_person' "
			   "AND CAST(m.organisation_id AS TEXT) = $1",
			   org),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'role.grant'"), 1);
}

Test(interest, the_queue_shows_each_coordinator_their_networks)
{
	register_ok("");
	char org[64];
	snprintf(org, sizeof org, "network=halsa&organisation=%lld", (long long)W.org_b);
	register_ok(org);
	struct answer a;
	call_as(&a, "GET", "/admin/registrations", w_session(WHO_OFFICER), NULL, true, NULL);
	cr_assert_eq(a.status, 200, "%s", a.body);
	json_t *j = json_of(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 2);
	cr_expect_not_null(json_object_get(j, "page"));
	cr_expect_not_null(json_object_get(j, "per_page"));
	json_t *first = json_array_get(json_object_get(j, "items"), 0);
	cr_expect_not_null(json_object_get(first, "contact_email"), "staff see the contact");
	const char *url = json_string_value(json_object_get(first, "url"));
	cr_expect(url != NULL && strncmp(url, "/admin/registrations/", 21) == 0,
		  "each row links to its page");
	json_decref(j);
	answer_free(&a);

	call_as(&a, "GET", "/admin/registrations", w_session(WHO_COORDINATOR), NULL, true, NULL);
	j = json_of(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1, "klimat's coordinator: klimat only");
	json_decref(j);
	answer_free(&a);
	call_as(&a, "GET", "/admin/registrations", session_k(), NULL, true, NULL);
	j = json_of(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1, "halsa's coordinator: halsa only");
	cr_expect_not_null(strstr(a.body, "Stockholm"));
	json_decref(j);
	answer_free(&a);

	call_as(&a, "GET", "/admin/registrations?q=stock&status=submitted", w_session(WHO_ADMIN), NULL, true, NULL);
	j = json_of(&a);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	answer_free(&a);
	char target[96];
	snprintf(target, sizeof target, "/admin/registrations?network=%lld", (long long)W.network);
	call_as(&a, "GET", target, w_session(WHO_ADMIN), NULL, false, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "registrations.csv"), "a link to the network's CSV");
	answer_free(&a);
	call_as(&a, "GET", "/admin/registrations?status=maybe", w_session(WHO_ADMIN), NULL, true, NULL);
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(strstr(a.body, "\"status\""));
	answer_free(&a);
	call_as(&a, "GET", "/admin/registrations?status=maybe", w_session(WHO_ADMIN), NULL, false, NULL);
	cr_expect_eq(a.status, 400);
	cr_expect_not_null(strstr(a.body, "error-summary"), "the page again, with the error");
	answer_free(&a);
}

/* A registration has one network for triage: once staff place it in
 * another, the coordinator of the one it asked for loses it. */
Test(interest, once_reassigned_only_the_new_networks_coordinator_triages_it)
{
	int64_t id = register_ok("contact_name=Zelda+Hemlig&contact_email=zelda.hemlig%40example.org");
	char detail[96], status[128], notes[128], assign[128], form[64];
	snprintf(detail, sizeof detail, "/admin/registrations/%lld", (long long)id);
	snprintf(status, sizeof status, "%s/status", detail);
	snprintf(notes, sizeof notes, "%s/notes", detail);
	snprintf(assign, sizeof assign, "%s/network", detail);
	struct answer a;
	call_as(&a, "GET", detail, w_session(WHO_COORDINATOR), NULL, false, NULL);
	cr_expect_eq(a.status, 200, "klimat's coordinator has it while it asks for klimat");
	answer_free(&a);
	snprintf(form, sizeof form, "network_id=%lld", (long long)net_other);
	call_as(&a, "POST", assign, w_session(WHO_ADMIN), form, false, NULL);
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);

	/* klimat's coordinator: nothing, in any form. */
	char j[TOKEN_LEN + 1];
	snprintf(j, sizeof j, "%s", w_session(WHO_COORDINATOR));
	for (int json = 0; json < 2; json++) {
		call_as(&a, "GET", detail, j, NULL, json, NULL);
		cr_expect_eq(a.status, 403, "page (%s)", json ? "JSON" : "HTML");
		cr_expect_null(strstr(a.body, "zelda"));
		answer_free(&a);
	}
	call_as(&a, "POST", status, j, "to=in_dialogue&from=submitted", false, NULL);
	cr_expect_eq(a.status, 403, "status");
	answer_free(&a);
	call_as(&a, "POST", notes, j, "note=Mine", false, NULL);
	cr_expect_eq(a.status, 403, "notes");
	answer_free(&a);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	call_as(&a, "POST", assign, j, form, false, NULL);
	cr_expect_eq(a.status, 403, "taking it back");
	answer_free(&a);
	cr_expect_str_eq(reg_status(id), "submitted");
	cr_expect_eq(num("SELECT COUNT(*) FROM triage_notes"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE assigned_network_id IS NOT NULL "
			 "AND network_id <> assigned_network_id"),
		     1, "still in halsa");
	char klimat_q[96], klimat_csv[96], halsa_csv[96];
	snprintf(klimat_q, sizeof klimat_q, "/admin/registrations?network=%lld", (long long)W.network);
	snprintf(klimat_csv, sizeof klimat_csv, "/admin/networks/%lld/registrations.csv",
		 (long long)W.network);
	snprintf(halsa_csv, sizeof halsa_csv, "/admin/networks/%lld/registrations.csv",
		 (long long)net_other);
	const char *lists[] = {"/admin/registrations", klimat_q};
	for (size_t l = 0; l < 2; l++)
		for (int json = 0; json < 2; json++) {
			call_as(&a, "GET", lists[l], j, NULL, json, NULL);
			cr_expect_eq(a.status, 200);
			cr_expect_null(strstr(a.body, "zelda"), "%s (%s)", lists[l], json ? "JSON" : "HTML");
			cr_expect_null(strstr(a.body, detail), "%s links to it", lists[l]);
			if (json) {
				json_t *m = json_of(&a);
				cr_expect_eq(json_integer_value(json_object_get(m, "total")), 0, "%s", lists[l]);
				json_decref(m);
			}
			answer_free(&a);
		}
	call_as(&a, "GET", klimat_csv, j, NULL, false, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_null(strstr(a.body, "zelda"), "klimat's CSV");
	cr_expect_null(strstr(a.body, "Lund"));
	answer_free(&a);
	/* Staff filter the same way. */
	call_as(&a, "GET", klimat_q, w_session(WHO_ADMIN), NULL, true, NULL);
	cr_expect_null(strstr(a.body, "zelda"), "klimat's queue for staff");
	answer_free(&a);

	/* halsa's coordinator has it all. */
	char k[TOKEN_LEN + 1];
	snprintf(k, sizeof k, "%s", session_k());
	call_as(&a, "GET", detail, k, NULL, true, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "zelda.hemlig@example.org"));
	answer_free(&a);
	call_as(&a, "GET", "/admin/registrations", k, NULL, true, NULL);
	cr_expect_not_null(strstr(a.body, "zelda.hemlig@example.org"));
	answer_free(&a);
	call_as(&a, "GET", halsa_csv, k, NULL, false, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "zelda.hemlig@example.org"));
	answer_free(&a);
	call_as(&a, "POST", notes, k, "note=Mine+now", false, NULL);
	cr_expect_eq(a.status, 303);
	answer_free(&a);
}

/* One registration per organisation and network, whichever way it gets
 * there. */
Test(interest, a_network_takes_one_registration_per_organisation)
{
	int64_t klimat = register_ok("");
	int64_t theme = register_ok("network=&theme=climate");
	cr_assert_neq(klimat, theme);
	char target[128], form[64];
	snprintf(target, sizeof target, "/admin/registrations/%lld/network", (long long)theme);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	struct answer a;
	call_as(&a, "POST", target, w_session(WHO_ADMIN), form, false, "en");
	cr_expect_eq(a.status, 422, "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "Lund already has a registration for Network for Climate Action"),
			   "%s", a.body);
	answer_free(&a);
	call_as(&a, "POST", target, w_session(WHO_ADMIN), form, true, "en");
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "\"network_id\""), "JSON names the field");
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE assigned_network_id IS NOT NULL"), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.assign'"), 0);

	/* Another network takes it; then the form for that network finds it. */
	snprintf(form, sizeof form, "network_id=%lld", (long long)net_other);
	call_as(&a, "POST", target, w_session(WHO_ADMIN), form, false, "en");
	cr_expect_eq(a.status, 303, "%.300s", a.body);
	answer_free(&a);
	register_ok("network=halsa&message=Now+for+health");
	cr_expect_eq(registrations(), 2, "the form for halsa updates the one placed there");
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)theme);
	cr_expect_eq(num_t("SELECT COUNT(*) FROM interest_registrations WHERE message = 'Now for health' "
			   "AND CAST(id AS TEXT) = $1",
			   sid),
		     1);
	/* And the one asking for klimat cannot join it there. */
	snprintf(target, sizeof target, "/admin/registrations/%lld/network", (long long)klimat);
	call_as(&a, "POST", target, w_session(WHO_ADMIN), form, false, "en");
	cr_expect_eq(a.status, 422, "%.300s", a.body);
	answer_free(&a);
}

/* The assignment's write is conditional on the state, so an acceptance
 * committed after the page checked it is never followed by a move. */
Test(interest, an_assignment_never_follows_a_decision)
{
	int64_t id = register_ok("");
	exec_i("UPDATE interest_registrations SET status = 'accepted' WHERE id = $1", id);
	cr_expect_eq(db_registration_assign(W.db, id, net_other, w_now()), E_CONFLICT);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE assigned_network_id IS NULL"), 1);
	exec_i("UPDATE interest_registrations SET status = 'in_dialogue' WHERE id = $1", id);
	cr_expect_eq(db_registration_assign(W.db, id, net_other, w_now()), E_OK);
	char target[128], form[64];
	exec_i("UPDATE interest_registrations SET status = 'accepted' WHERE id = $1", id);
	snprintf(target, sizeof target, "/admin/registrations/%lld/network", (long long)id);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	struct answer a;
	call_as(&a, "POST", target, w_session(WHO_ADMIN), form, false, "en");
	cr_expect_eq(a.status, 409);
	cr_expect_not_null(strstr(a.body, "its network can no longer change"));
	answer_free(&a);
}

/* ---------------------------------------------------------------- */
/* Personal data and the CSV                                         */
/* ---------------------------------------------------------------- */

Test(interest, contact_details_never_reach_people_not_entitled)
{
	int64_t id = register_ok("contact_name=Zelda+Hemlig&contact_email=zelda.hemlig%40example.org&"
				 "contact_phone=%2B46+70+999+88+77");
	const char *secrets[] = {"Zelda", "zelda.hemlig", "999 88 77"};
	char token[TOKEN_LEN + 1];
	snprintf(token, sizeof token, "%s", withdraw_token("zelda.hemlig@example.org"));
	char detail[96], csv[96], org[96], withdraw[128], net[96];
	snprintf(detail, sizeof detail, "/admin/registrations/%lld", (long long)id);
	snprintf(csv, sizeof csv, "/admin/networks/%lld/registrations.csv", (long long)W.network);
	snprintf(org, sizeof org, "/organisations/%lld", (long long)W.org_a);
	snprintf(withdraw, sizeof withdraw, "/interest/withdraw/%s", token);
	snprintf(net, sizeof net, "/admin/registrations?network=%lld", (long long)W.network);
	const char *pages[] = {"/interest", "/interest?network=klimat", detail, csv, org,
			       "/admin/registrations", net, withdraw, "/networks", "/networks/klimat",
			       "/partners", "/profile", "/"};
	const enum who outsiders[] = {WHO_VISITOR, WHO_MEMBER, WHO_CONTACT, WHO_OTHER, WHO_MENTOR,
				      WHO_ADVISOR, WHO_EXPERT, WHO_FINANCE};
	for (size_t w = 0; w < sizeof outsiders / sizeof outsiders[0]; w++)
		for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++)
			for (int json = 0; json < 2; json++) {
				struct answer a;
				call_as(&a, "GET", pages[p], w_session(outsiders[w]), NULL, json, NULL);
				for (size_t s = 0; s < 3; s++)
					cr_expect_null(strstr(a.body, secrets[s]), "%s leaks %s to %c (%s): %d",
						       pages[p], secrets[s], who_letters[outsiders[w]],
						       json ? "JSON" : "HTML", a.status);
				answer_free(&a);
			}
	/* The other network's coordinator is not entitled either. */
	const char *k = session_k();
	char k_copy[TOKEN_LEN + 1];
	snprintf(k_copy, sizeof k_copy, "%s", k);
	for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
		struct answer a;
		call_as(&a, "GET", pages[p], k_copy, NULL, true, NULL);
		cr_expect_null(strstr(a.body, "zelda.hemlig"), "%s leaks to K", pages[p]);
		answer_free(&a);
	}
	/* Staff and klimat's coordinator see all of it. */
	const enum who entitled[] = {WHO_OFFICER, WHO_ADMIN, WHO_COORDINATOR};
	for (size_t w = 0; w < 3; w++) {
		const char *targets[] = {detail, csv};
		for (size_t t = 0; t < 2; t++) {
			struct answer a;
			call_as(&a, "GET", targets[t], w_session(entitled[w]), NULL, false, NULL);
			cr_expect_eq(a.status, 200);
			for (size_t s = 0; s < 3; s++)
				cr_expect_not_null(strstr(a.body, secrets[s]), "%s hides %s from %c",
						   targets[t], secrets[s], who_letters[entitled[w]]);
			answer_free(&a);
		}
	}
}

/* Reads CSV text into rows (fields copied; caller frees with rows_free). */
struct csv_rows {
	char *field[8][24]; /* up to 8 rows of 24 fields */
	size_t nfields[8];
	size_t n;
};

static void read_csv(const char *text, struct csv_rows *out)
{
	memset(out, 0, sizeof *out);
	struct csv_reader r;
	csv_reader_init(&r, text, strlen(text));
	bool row;
	while (csv_next(&r, &row) == E_OK && row && out->n < 8) {
		for (size_t i = 0; i < r.nfields && i < 24; i++)
			out->field[out->n][i] = strdup(r.fields[i]);
		out->nfields[out->n] = r.nfields;
		out->n++;
	}
	csv_reader_free(&r);
}

static void rows_free(struct csv_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		for (size_t j = 0; j < rows->nfields[i] && j < 24; j++)
			free(rows->field[i][j]);
}

Test(interest, the_csv_escapes_commas_quotes_newlines_and_formulas)
{
	int64_t id = register_ok("contact_name=Nina+%22Nisse%22%2C+Nilsson&partner_in_mind=%3D1%2B2&"
				 "contact_position=%2BSUM(A1)&countries=KE&countries=UG");
	/* Organisation names come from the directory; make one awkward. */
	exec_t("UPDATE organisations SET name = $1 WHERE code = '1281' AND kind = 'municipality'",
	       "Lund, \"Skåne\"\nkommun");
	(void)id;
	char csv[96];
	snprintf(csv, sizeof csv, "/admin/networks/%lld/registrations.csv", (long long)W.network);
	struct answer a;
	call_as(&a, "GET", csv, w_session(WHO_OFFICER), NULL, false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_eq(strncmp(a.body, "\xEF\xBB\xBF", 3), 0, "UTF-8 with a byte order mark");
	cr_expect_not_null(strstr(a.body, "\"Lund, \"\"Skåne\"\"\nkommun\""), "%s", a.body);
	cr_expect_not_null(strstr(a.body, "\"Nina \"\"Nisse\"\", Nilsson\""));
	cr_expect_not_null(strstr(a.body, "\"'=1+2\""), "a formula is defused");
	cr_expect_not_null(strstr(a.body, "\"'+SUM(A1)\""));
	struct csv_rows rows;
	read_csv(a.body, &rows);
	cr_assert_eq(rows.n, 2, "a header and one row");
	cr_expect_eq(rows.nfields[0], rows.nfields[1], "every row has the header's fields");
	cr_expect_str_eq(rows.field[0][0], "Organisation");
	cr_expect_str_eq(rows.field[0][3], "Contact name");
	cr_expect_str_eq(rows.field[1][0], "Lund, \"Skåne\"\nkommun");
	cr_expect_str_eq(rows.field[1][1], "1281");
	cr_expect_str_eq(rows.field[1][3], "Nina \"Nisse\", Nilsson");
	cr_expect_str_eq(rows.field[1][4], "nina@lund.example");
	cr_expect_str_eq(rows.field[1][6], "'+SUM(A1)");
	cr_expect_str_eq(rows.field[1][7], "Network for Climate Action");
	cr_expect_str_eq(rows.field[1][10], "Kenya, Uganda");
	cr_expect_str_eq(rows.field[1][11], "'=1+2");
	cr_expect_str_eq(rows.field[1][15], "Submitted");
	rows_free(&rows);
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.export'"), 1,
		     "exporting personal data is audited");

	/* Who may download it. */
	call_as(&a, "GET", csv, w_session(WHO_COORDINATOR), NULL, false, NULL);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	call_as(&a, "GET", csv, session_k(), NULL, false, NULL);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
	call_as(&a, "GET", "/admin/networks/999999/registrations.csv", w_session(WHO_ADMIN), NULL, false, NULL);
	cr_expect_eq(a.status, 404);
	answer_free(&a);
}

/* A tab or a carriage return typed into the form never reaches a cell as
 * the start of a formula or a line break of its own: the form turns them
 * into spaces and trims, and what is left is defused.  One in a value
 * from elsewhere (the directory) is quoted, with a leading tab defused. */
Test(interest, the_csv_defuses_a_leading_tab_and_quotes_a_carriage_return)
{
	register_ok("contact_name=Nina%0DNilsson&contact_position=%09%3DSUM(1)&"
		    "partner_in_mind=%09%40Kisumu%0D");
	exec_t("UPDATE organisations SET name = $1 WHERE code = '1281' AND kind = 'municipality'",
	       "\tLund\rkommun");
	char csv[96];
	snprintf(csv, sizeof csv, "/admin/networks/%lld/registrations.csv", (long long)W.network);
	struct answer a;
	call_as(&a, "GET", csv, w_session(WHO_OFFICER), NULL, false, "en");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect_not_null(strstr(a.body, "\r\n\"'\tLund\rkommun\","), "%s", a.body);
	cr_expect_not_null(strstr(a.body, ",Nina Nilsson,"), "the typed CR became a space: %s", a.body);
	cr_expect_not_null(strstr(a.body, ",\"'=SUM(1)\","), "%s", a.body);
	cr_expect_not_null(strstr(a.body, ",\"'@Kisumu\","), "%s", a.body);
	cr_expect_null(strstr(a.body, ",\t"), "no cell starts with a tab");
	struct csv_rows rows;
	read_csv(a.body, &rows);
	cr_assert_eq(rows.n, 2, "a header and one row: the CR splits no row");
	cr_expect_eq(rows.nfields[1], rows.nfields[0]);
	cr_expect_str_eq(rows.field[1][0], "'\tLund\rkommun");
	cr_expect_str_eq(rows.field[1][3], "Nina Nilsson");
	cr_expect_str_eq(rows.field[1][6], "'=SUM(1)");
	cr_expect_str_eq(rows.field[1][11], "'@Kisumu");
	rows_free(&rows);
	answer_free(&a);
}

Test(interest, staff_change_the_contact_on_purpose)
{
	int64_t id = register_ok("");
	char path[96], assign[96], form[128];
	snprintf(path, sizeof path, "/admin/registrations/%lld/contact", (long long)id);
	struct answer a;
	/* A bad address: the page again, the field marked, nothing stored. */
	call_as(&a, "POST", path, w_session(WHO_COORDINATOR),
		"contact_name=Olle+Lund&contact_email=not-an-address&lang=sv", false, NULL);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "contact_email-error"));
	cr_expect_not_null(strstr(a.body, "value=\"not-an-address\""), "what was typed is kept");
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_email = 'olle@lund.example'"), 0);
	/* A stale page: 409. */
	call_as(&a, "POST", path, w_session(WHO_COORDINATOR),
		"contact_name=Olle+Lund&contact_email=olle%40lund.example&lang=sv&version=999", false, NULL);
	cr_expect_eq(a.status, 409);
	answer_free(&a);
	/* Accepted first, then the contact changes: the new one is invited as
	 * contact person and the previous one is told. */
	snprintf(assign, sizeof assign, "/admin/registrations/%lld/network", (long long)id);
	snprintf(form, sizeof form, "network_id=%lld", (long long)W.network);
	call_as(&a, "POST", assign, w_session(WHO_ADMIN), form, false, NULL);
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	expect_status(w_session(WHO_ADMIN), id, "to=accepted", 303);
	call_as(&a, "POST", path, w_session(WHO_COORDINATOR),
		"contact_name=Olle+Lund&contact_email=olle%40lund.example&contact_phone=046-35+50+00&lang=en", false, NULL);
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(num("SELECT COUNT(*) FROM interest_registrations WHERE contact_email = 'olle@lund.example' "
			 "AND contact_name = 'Olle Lund' AND lang = 'en' AND status = 'accepted'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM outbox WHERE kind = 'interest_contact'"), 1, "the previous contact is told");
	cr_expect_eq(num("SELECT COUNT(*) FROM one_time_links WHERE kind = 'invitation' AND email = 'olle@lund.example' "
			 "AND payload LIKE '%contact_person%'"),
		     1);
	cr_expect_eq(num("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.contact' "
			 "AND after_json NOT LIKE '%olle%'"),
		     1, "audited without the address");
	/* A member of the organisation may not. */
	call_as(&a, "POST", path, w_session(WHO_MEMBER), "contact_name=X&contact_email=x%40x.example", false, NULL);
	cr_expect_eq(a.status, 403);
	answer_free(&a);
}
