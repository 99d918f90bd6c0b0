/*
 * test_matching.c - a network's matching, in-process on SQLite or
 * PostgreSQL: the scores and the reasons of the proposal, what-if edits
 * (locks, forbids, weights, the cap, rankings and the stable proposal),
 * saved runs, confirming a run into partnerships, and introductions by
 * mutual consent where contact details travel only by mail and only after
 * both sides agree.
 *
 * The world: the network "klimat" works with Tanzania and Kenya.  Lund
 * (climate, prefers Tanzania), Stockholm and Malmö registered and were
 * accepted; Arusha (Tanzania, climate, English), Mwanza (Tanzania) and
 * Kisumu (Kenya) were approved and placed in the network; Kampala (Uganda)
 * was placed there too but its country is not the network's.
 */
#include <pthread.h>
#include <sys/wait.h>

#include "accounts_support.h"
#include "demo.h"
#include "retention.h"

TestSuite(matching, .init = world_setup, .fini = world_teardown, .timeout = 240);

static const char *const json_accept[] = {"Accept: application/json", NULL};

struct mworld {
	int64_t lund, stockholm, malmo;	      /* registrations */
	int64_t arusha, mwanza, kisumu, kampala; /* declarations */
	int64_t climate;		      /* theme */
};

static struct mworld M;

static int64_t insert_id(const char *sql, const char *const *texts, size_t n)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	for (size_t k = 0; k < n; k++)
		db_bind_text(st, (int)k + 1, texts[k]);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	int64_t id = row ? db_col_int(st, 0) : 0;
	db_done(st);
	return id;
}

static void exec(const char *sql)
{
	cr_assert_eq(db_exec(W.db, sql), E_OK, "%s: %s", sql, db_errmsg(W.db));
}

static int64_t count(const char *sql)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, sql, &st), E_OK, "%s", db_errmsg(W.db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	int64_t n = row ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static int64_t registration(int64_t org, const char *contact, const char *email, const char *lang)
{
	char sql[1024], o[24], t[24];
	snprintf(o, sizeof o, "%lld", (long long)org);
	snprintf(t, sizeof t, "%lld", (long long)W.network);
	snprintf(sql, sizeof sql,
		 "INSERT INTO interest_registrations (organisation_id, network_id, contact_name, "
		 "contact_email, political_support, lang, status, created_at, updated_at) "
		 "VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT), $3, $4, 'decided', $5, 'accepted', $6, $6) "
		 "RETURNING id");
	const char *v[] = {o, t, contact, email, lang, w_now()};
	return insert_id(sql, v, 6);
}

static int64_t declaration(const char *name, const char *country, const char *population,
			   const char *contact, const char *email, const char *lang)
{
	const char *v[] = {name, country, population, w_now()};
	int64_t org = insert_id("INSERT INTO organisations (kind, name, name_folded, sort_key, "
				"country_iso2, population, created_at, updated_at) "
				"VALUES ('municipality', $1, lower($1), lower($1), $2, CAST($3 AS BIGINT), $4, $4) "
				"RETURNING id",
				v, 4);
	char o[24], nw[24];
	snprintf(o, sizeof o, "%lld", (long long)org);
	snprintf(nw, sizeof nw, "%lld", (long long)W.network);
	const char *d[] = {o, contact, email, lang, nw, w_now()};
	return insert_id("INSERT INTO declarations (organisation_id, contact_name, contact_email, "
			 "motivation, lang, status, assigned_network_id, created_at, updated_at) "
			 "VALUES (CAST($1 AS BIGINT), $2, $3, 'We want to learn.', $4, 'approved', "
			 "CAST($5 AS BIGINT), $6, $6) RETURNING id",
			 d, 6);
}

static void matching_setup(void)
{
	world_setup();
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO network_countries (network_id, country_iso2) VALUES (%lld, 'TZ'), (%lld, 'KE')",
		 (long long)W.network, (long long)W.network);
	exec(sql);
	M.climate = count("SELECT id FROM themes WHERE slug = 'climate'");
	M.lund = registration(W.org_a, "Lena Lund", "lena@lund.example", "sv");
	M.stockholm = registration(W.org_b, "Stig Sthlm", "stig@stockholm.example", "en");
	M.malmo = registration(w_org("1280"), "Maja Malmö", "maja@malmo.example", "sv");
	M.arusha = declaration("Arusha", "TZ", "416000", "Amani Arusha", "amani@arusha.example", "en");
	M.mwanza = declaration("Mwanza", "TZ", "1100000", "Neema Mwanza", "neema@mwanza.example", "en");
	M.kisumu = declaration("Kisumu", "KE", "610000", "Otieno Kisumu", "otieno@kisumu.example", "en");
	M.kampala = declaration("Kampala", "UG", "1600000", "Kato Kampala", "kato@kampala.example", "en");
	/* Lund works on climate and prefers Tanzania; Arusha works on climate in English. */
	snprintf(sql, sizeof sql, "UPDATE interest_registrations SET theme_id = %lld WHERE id = %lld",
		 (long long)M.climate, (long long)M.lund);
	exec(sql);
	snprintf(sql, sizeof sql, "INSERT INTO interest_countries (registration_id, country_iso2) VALUES (%lld, 'TZ')",
		 (long long)M.lund);
	exec(sql);
	snprintf(sql, sizeof sql, "INSERT INTO declaration_topics (declaration_id, theme_id) VALUES (%lld, %lld)",
		 (long long)M.arusha, (long long)M.climate);
	exec(sql);
	snprintf(sql, sizeof sql, "INSERT INTO declaration_languages (declaration_id, lang_code) VALUES (%lld, 'en')",
		 (long long)M.arusha);
	exec(sql);
}

TestSuite(matching_world, .init = matching_setup, .fini = world_teardown, .timeout = 240);

/* GET the matching page as JSON for a role; returns the parsed model (caller frees). */
static json_t *page(enum who who, const char *query, int *status)
{
	char target[256];
	snprintf(target, sizeof target, "/networks/klimat/matching%s", query != NULL ? query : "");
	struct answer a;
	w_call(&a, "GET", target, w_session(who), NULL, json_accept);
	*status = a.status;
	json_t *j = json_loads(a.body, 0, NULL);
	cr_assert_not_null(j, "not JSON: %s", a.body);
	answer_free(&a);
	return j;
}

/* The international partner proposed for a registration, or "". */
static const char *partner_of(json_t *model, int64_t reg)
{
	size_t k;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(model, "proposal"), "pairs"), k, p)
	{
		if (json_integer_value(json_object_get(p, "registration_id")) == reg)
			return json_string_value(json_object_get(p, "international"));
	}
	return "";
}

static json_t *pair_of(json_t *model, int64_t reg)
{
	size_t k;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(model, "proposal"), "pairs"), k, p)
	{
		if (json_integer_value(json_object_get(p, "registration_id")) == reg)
			return p;
	}
	return NULL;
}

/* POSTs a form as the coordinator; returns the status. */
static int post(const char *path, const char *rest)
{
	const char *s = w_session(WHO_COORDINATOR);
	struct answer a;
	w_call(&a, "POST", path, s, w_form(s, rest), NULL);
	int status = a.status;
	answer_free(&a);
	return status;
}

static const char *pair_form(int64_t reg, int64_t decl, const char *action)
{
	static char f[256];
	snprintf(f, sizeof f, "registration_id=%lld&declaration_id=%lld&action=%s", (long long)reg,
		 (long long)decl, action);
	return f;
}

Test(matching_world, scores_every_pair_and_explains_the_proposal)
{
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_assert_eq(status, 200);
	cr_expect_eq(json_array_size(json_object_get(m, "rows")), 3);
	cr_expect_eq(json_array_size(json_object_get(m, "columns")), 3, "Kampala is outside the countries");
	cr_expect_eq(json_array_size(json_object_get(m, "excluded")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(m, "excluded"), 0), "name")),
			 "Kampala");
	json_t *proposal = json_object_get(m, "proposal");
	cr_expect_eq(json_array_size(json_object_get(proposal, "pairs")), 3);
	cr_expect_str_eq(partner_of(m, M.lund), "Arusha", "topic, country and language all point there");
	json_t *lund = pair_of(m, M.lund);
	const char *r0 = json_string_value(json_array_get(json_object_get(lund, "reasons"), 0));
	cr_assert_not_null(r0);
	char *reasons = json_dumps(json_object_get(lund, "reasons"), 0);
	cr_expect_not_null(strstr(reasons, "Climate action"), "%s", reasons);
	cr_expect_not_null(strstr(reasons, "Tanzania"), "%s", reasons);
	cr_expect_not_null(strstr(reasons, "English"), "%s", reasons);
	free(reasons);
	/* No contact detail of either side is on the page. */
	char *all = json_dumps(m, 0);
	cr_expect_null(strstr(all, "@"), "an address leaked: %s", all);
	free(all);
	json_decref(m);
	/* A member of an organisation may not see it; staff may. */
	m = page(WHO_MEMBER, NULL, &status);
	cr_expect_eq(status, 403);
	json_decref(m);
	m = page(WHO_OFFICER, NULL, &status);
	cr_expect_eq(status, 200);
	json_decref(m);
}

Test(matching_world, the_page_renders_in_both_languages_without_addresses)
{
	for (int l = 0; l < 2; l++) {
		const char *s = w_session(WHO_COORDINATOR);
		const char *lang[] = {"Cookie: lang=sv", "Cookie: lang=en"};
		const char *extra[] = {lang[l], NULL};
		struct answer a;
		w_call(&a, "GET", "/networks/klimat/matching", s, NULL, extra);
		cr_expect_eq(a.status, 200);
		cr_expect_not_null(strstr(a.body, l == 0 ? "Matchning" : "Matching"), "%.400s", a.body);
		cr_expect_not_null(strstr(a.body, "heat-"));
		cr_expect_null(strstr(a.body, "@lund.example"));
		cr_expect_null(strstr(a.body, "@arusha.example"));
		answer_free(&a);
	}
}

Test(matching_world, an_unknown_network_is_404_and_a_bad_mode_400)
{
	const char *s = w_session(WHO_COORDINATOR);
	struct answer a;
	w_call(&a, "GET", "/networks/nosuch/matching", s, NULL, json_accept);
	cr_expect_eq(a.status, 404);
	answer_free(&a);
	w_call(&a, "GET", "/networks/klimat/matching?mode=random", s, NULL, json_accept);
	cr_expect_eq(a.status, 400);
	answer_free(&a);
}

Test(matching_world, locks_and_forbids_change_the_proposal_at_once)
{
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.lund, M.arusha, "forbid")), 303);
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_str_neq(partner_of(m, M.lund), "Arusha");
	json_decref(m);
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.stockholm, M.kisumu, "lock")), 303);
	m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_str_eq(partner_of(m, M.stockholm), "Kisumu");
	cr_expect(json_is_true(json_object_get(pair_of(m, M.stockholm), "locked")));
	json_decref(m);
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.lund, M.arusha, "clear")), 303);
	m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_str_eq(partner_of(m, M.lund), "Arusha");
	json_decref(m);
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'matching.constraint'"), 3);
}

Test(matching_world, contradicting_locks_are_listed_not_solved)
{
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.lund, M.arusha, "lock")), 303);
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.stockholm, M.arusha, "lock")), 303);
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_eq(status, 200);
	json_t *proposal = json_object_get(m, "proposal");
	cr_expect(json_is_true(json_object_get(proposal, "has_conflicts")));
	cr_expect_not_null(strstr(json_string_value(json_array_get(json_object_get(proposal, "conflicts"), 0)),
				  "Arusha"));
	json_decref(m);
	/* Nothing to save while they contradict. */
	cr_expect_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 422);
	cr_expect_eq(count("SELECT COUNT(*) FROM match_runs"), 0);
}

Test(matching_world, a_pair_outside_the_network_is_refused_with_the_page_again)
{
	const char *s = w_session(WHO_COORDINATOR);
	struct answer a;
	char rest[256];
	snprintf(rest, sizeof rest, "registration_id=%lld&declaration_id=%lld&action=lock", (long long)M.lund,
		 (long long)M.kampala);
	w_call(&a, "POST", "/networks/klimat/matching/pair", s, w_form(s, rest), NULL);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "declaration_id-error"), "the field says what is wrong");
	cr_expect_not_null(strstr(a.body, "Arusha"), "the page is shown again");
	answer_free(&a);
	w_call(&a, "POST", "/networks/klimat/matching/pair", s, w_form(s, pair_form(M.lund, M.arusha, "marry")),
	       json_accept);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "pair-action"));
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM match_constraints"), 0);
}

Test(matching_world, weights_and_the_cap_are_validated_stored_and_used)
{
	const char *good = "topic=0&country=0&population=5&language=0&preference=0&contact=0&cap=";
	const char *s = w_session(WHO_COORDINATOR);
	struct answer a;
	w_call(&a, "POST", "/networks/klimat/matching/settings", s,
	       w_form(s, "topic=lots&country=2&population=1&language=2&preference=2&contact=1&cap=0"), NULL);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "topic-error"), "%.300s", a.body);
	cr_expect_not_null(strstr(a.body, "cap-error"));
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM match_settings"), 0, "nothing stored");
	cr_assert_eq(post("/networks/klimat/matching/settings", good), 303);
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	/* The page shows the weights it used. */
	json_t *w;
	size_t k;
	json_array_foreach(json_object_get(m, "weights"), k, w)
	{
		const char *code = json_string_value(json_object_get(w, "code"));
		cr_expect_str_eq(json_string_value(json_object_get(w, "value")),
				 strcmp(code, "population") == 0 ? "5" : "0", "%s", code);
	}
	json_decref(m);
	/* A cap of one partnership per country: never two in Tanzania. */
	cr_assert_eq(post("/networks/klimat/matching/settings",
			  "topic=3&country=2&population=1&language=2&preference=2&contact=1&cap=1"),
		     303);
	m = page(WHO_COORDINATOR, NULL, &status);
	int tz = 0;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(m, "proposal"), "pairs"), k, p)
	{
		const char *i = json_string_value(json_object_get(p, "international"));
		tz += strcmp(i, "Arusha") == 0 || strcmp(i, "Mwanza") == 0;
	}
	cr_expect_eq(tz, 1);
	cr_expect_eq(json_array_size(json_object_get(json_object_get(m, "proposal"), "unmatched")), 1);
	cr_expect_eq(json_integer_value(json_object_get(m, "cap")), 1);
	json_decref(m);
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'matching.settings'"), 2);
	/* A form made before the last save is refused, and shows what is stored. */
	{
		const char *sc = w_session(WHO_COORDINATOR);
		struct answer stale;
		w_call(&stale, "POST", "/networks/klimat/matching/settings", sc,
		       w_form(sc, "version=1&topic=0&country=0&population=0&language=0&preference=0&contact=0&cap=5"),
		       NULL);
		cr_expect_eq(stale.status, 409);
		cr_expect_not_null(strstr(stale.body, "value=\"1\""), "the stored cap is shown");
		answer_free(&stale);
	}
	cr_expect_eq(count("SELECT cap_per_country FROM match_settings"), 1, "nothing changed");
	/* A decimal comma, as written in Swedish, is a number too. */
	cr_assert_eq(post("/networks/klimat/matching/settings",
			  "topic=1%2C5&country=2&population=1&language=2&preference=2&contact=1&cap="),
		     303);
	m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(m, "weights"), 0), "value")),
			 "1.5");
	json_decref(m);
}

static void rank(const char *side, int64_t reg, int64_t decl, int r)
{
	char f[256];
	snprintf(f, sizeof f, "side=%s&registration_id=%lld&declaration_id=%lld&rank=%d", side,
		 (long long)reg, (long long)decl, r);
	cr_assert_eq(post("/networks/klimat/matching/rank", f), 303, "%s", f);
}

Test(matching_world, rankings_give_a_stable_proposal_and_show_blocking_pairs)
{
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect(json_is_false(json_object_get(m, "ranked")));
	json_decref(m);
	/* Everyone's first choice is Kisumu / Malmö; then the rest in order. */
	int64_t regs[3] = {M.lund, M.stockholm, M.malmo};
	int64_t decls[3] = {M.kisumu, M.mwanza, M.arusha};
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			rank("swedish", regs[i], decls[j], j + 1);
	int64_t back[3] = {M.malmo, M.stockholm, M.lund};
	for (int j = 0; j < 3; j++)
		for (int i = 0; i < 3; i++)
			rank("international", back[i], decls[j], i + 1);
	m = page(WHO_COORDINATOR, "?mode=stable", &status);
	cr_assert_eq(status, 200);
	cr_expect(json_is_true(json_object_get(m, "ranked")));
	json_t *proposal = json_object_get(m, "proposal");
	cr_expect_str_eq(json_string_value(json_object_get(proposal, "mode")), "stable");
	cr_expect_str_eq(partner_of(m, M.malmo), "Kisumu");
	cr_expect_str_eq(partner_of(m, M.stockholm), "Mwanza");
	cr_expect_str_eq(partner_of(m, M.lund), "Arusha");
	cr_expect(json_is_false(json_object_get(proposal, "has_blocking")), "a stable proposal has none");
	json_decref(m);
	/* Force Malmö elsewhere: now Malmö and Kisumu would both rather be together. */
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.malmo, M.arusha, "lock")), 303);
	m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect(json_is_true(json_object_get(json_object_get(m, "proposal"), "has_blocking")));
	json_decref(m);
	/* Clearing a rank with 0; a bad rank is refused. */
	rank("swedish", M.lund, M.kisumu, 0);
	cr_expect_eq(post("/networks/klimat/matching/rank", "side=swedish&registration_id=1&declaration_id=1&rank=-3"),
		     422);
	cr_expect_eq(count("SELECT COUNT(*) FROM match_rankings WHERE side = 'swedish'"), 8);
}

/* The newest mail of a kind to an address: its body (caller frees) or NULL. */
static char *mail_to(const char *kind, const char *to)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "SELECT body FROM outbox WHERE kind = $1 AND to_email = $2 ORDER BY id DESC", &st),
		     E_OK);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, to);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK);
	char *body = row ? strdup(db_col_text(st, 0)) : NULL;
	db_done(st);
	return body;
}

/* The /introductions/... path inside a mail body, into out. */
static void link_in(const char *body, char *out, size_t outlen)
{
	const char *at = strstr(body, "/introductions/");
	cr_assert_not_null(at, "no link in %s", body);
	snprintf(out, outlen, "%.*s", (int)strcspn(at, " \r\n"), at);
}

static void save_and_confirm(void)
{
	cr_assert_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 303);
	int64_t run = count("SELECT MAX(id) FROM match_runs");
	char path[128];
	snprintf(path, sizeof path, "/networks/klimat/matching/runs/%lld/confirm", (long long)run);
	cr_assert_eq(post(path, ""), 303);
}

Test(matching_world, a_confirmed_run_proposes_partnerships_and_asks_both_sides)
{
	cr_assert_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 303);
	cr_assert_eq(post("/networks/klimat/matching/settings",
			  "topic=0&country=0&population=9&language=0&preference=0&contact=0&cap="),
		     303);
	cr_assert_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 303);
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	json_t *runs = json_object_get(m, "runs");
	cr_assert_eq(json_array_size(runs), 2, "both runs are kept");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(runs, 0), "run_by")), "Person J");
	json_decref(m);
	int64_t first = count("SELECT MIN(id) FROM match_runs");
	char path[128];
	snprintf(path, sizeof path, "/networks/klimat/matching/runs/%lld/confirm", (long long)first);
	cr_assert_eq(post(path, ""), 303);
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'proposed'"), 3);
	cr_expect_eq(count("SELECT COUNT(*) FROM partnership_consents WHERE answer IS NULL"), 6);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'introduction'"), 6);
	/* The first run had Lund with Arusha, whatever weights were set since. */
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships p JOIN organisations o ON o.id = p.international_org_id "
			   "WHERE o.name = 'Arusha' AND p.swedish_org_id = (SELECT id FROM organisations WHERE code = '1281' "
			   "AND kind = 'municipality')"),
		     1);
	char *mail = mail_to("introduction", "lena@lund.example");
	cr_assert_not_null(mail);
	cr_expect_not_null(strstr(mail, "Arusha"));
	cr_expect_null(strstr(mail, "amani@"), "no address before both agree");
	cr_expect_not_null(strstr(mail, "Nätverk för klimatet"), "the network in Lena's language: %s", mail);
	free(mail);
	mail = mail_to("introduction", "amani@arusha.example");
	cr_assert_not_null(mail);
	cr_expect_not_null(strstr(mail, "Network for Climate Action"), "and in Amani's: %s", mail);
	free(mail);
	/* Only one run is confirmed; an unknown run is 404. */
	int64_t second = count("SELECT MAX(id) FROM match_runs");
	snprintf(path, sizeof path, "/networks/klimat/matching/runs/%lld/confirm", (long long)second);
	cr_expect_eq(post(path, ""), 409);
	cr_expect_eq(post("/networks/klimat/matching/runs/999999/confirm", ""), 404);
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships"), 3);
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'partnership.create'"), 3);
}

static int answer_link(const char *link, const char *answer)
{
	struct answer a;
	char rest[64];
	snprintf(rest, sizeof rest, "answer=%s", answer);
	const char *extra[] = {W_PRESESSION, NULL};
	w_call(&a, "POST", link, NULL, w_form(NULL, rest), extra);
	int status = a.status;
	answer_free(&a);
	return status;
}

Test(matching_world, both_sides_agree_then_each_gets_the_others_contact)
{
	save_and_confirm();
	char *sw = mail_to("introduction", "lena@lund.example");
	char *in = mail_to("introduction", "amani@arusha.example");
	cr_assert_not_null(sw);
	cr_assert_not_null(in);
	char sw_link[256], in_link[256];
	link_in(sw, sw_link, sizeof sw_link);
	link_in(in, in_link, sizeof in_link);
	free(sw);
	free(in);
	/* The answer page names the partner but shows no address. */
	struct answer a;
	w_call(&a, "GET", in_link, NULL, NULL, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Lund"));
	cr_expect_null(strstr(a.body, "@lund.example"));
	answer_free(&a);
	cr_expect_eq(answer_link(sw_link, "maybe"), 422);
	cr_expect_eq(answer_link(sw_link, "accepted"), 200);
	cr_expect_null(mail_to("introduction_done", "lena@lund.example"), "not before the other side agrees");
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'introduced'"), 0);
	cr_expect_eq(answer_link(in_link, "accepted"), 200);
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'introduced'"), 1);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM interest_registrations WHERE id = %lld AND status = 'matched'",
		 (long long)M.lund);
	cr_expect_eq(count(sql), 1, "the registration is matched");
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM declarations WHERE id = %lld AND status = 'matched'",
		 (long long)M.arusha);
	cr_expect_eq(count(sql), 1, "the declaration is matched, off the board");
	char *done = mail_to("introduction_done", "lena@lund.example");
	cr_assert_not_null(done);
	cr_expect_not_null(strstr(done, "amani@arusha.example"), "%s", done);
	cr_expect_not_null(strstr(done, "Amani Arusha"));
	free(done);
	done = mail_to("introduction_done", "amani@arusha.example");
	cr_assert_not_null(done);
	cr_expect_not_null(strstr(done, "lena@lund.example"), "%s", done);
	free(done);
	/* A link works once. */
	cr_expect_eq(answer_link(sw_link, "declined"), 410);
	w_call(&a, "GET", "/introductions/notatoken", NULL, NULL, NULL);
	cr_expect_eq(a.status, 404);
	answer_free(&a);
	/* The public network page shows the introduced partnership; only
	 * the coordinator gets the links to registrations and matching. */
	w_call(&a, "GET", "/networks/klimat", NULL, NULL, json_accept);
	cr_expect_eq(a.status, 200);
	json_t *net = json_loads(a.body, 0, NULL);
	json_t *ps0 = json_array_get(json_object_get(net, "partnerships"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(ps0, "swedish")), "Lund", "%s", a.body);
	cr_expect_str_eq(json_string_value(json_object_get(ps0, "international")), "Arusha");
	cr_expect_eq(json_array_size(json_object_get(net, "partnerships")), 1, "only the introduced one");
	json_decref(net);
	cr_expect_null(strstr(a.body, "@lund.example"));
	answer_free(&a);
	w_call(&a, "GET", "/networks/klimat", NULL, NULL, NULL);
	cr_expect_null(strstr(a.body, "/networks/klimat/matching"));
	answer_free(&a);
	w_call(&a, "GET", "/networks/klimat", w_session(WHO_COORDINATOR), NULL, NULL);
	cr_expect_not_null(strstr(a.body, "/networks/klimat/matching"));
	answer_free(&a);
	/* The coordinator sees the answers. */
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	char *ps = json_dumps(json_object_get(m, "partnerships"), 0);
	cr_expect_not_null(strstr(ps, "\"introduced\""), "%s", ps);
	cr_expect_null(strstr(ps, "@"), "%s", ps);
	free(ps);
	json_decref(m);
}

Test(matching_world, a_decline_ends_the_proposal_without_exchanging_anything)
{
	save_and_confirm();
	char *in = mail_to("introduction", "neema@mwanza.example");
	cr_assert_not_null(in);
	char link[256];
	link_in(in, link, sizeof link);
	free(in);
	cr_expect_eq(answer_link(link, "declined"), 200);
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'declined'"), 1);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'introduction_done'"), 0);
	/* The two parties are back in the matching, never as a pair again. */
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_assert_eq(json_array_size(json_object_get(m, "rows")), 1, "the others have partners");
	cr_assert_eq(json_array_size(json_object_get(m, "columns")), 1);
	json_t *cell = json_array_get(json_object_get(json_array_get(json_object_get(m, "rows"), 0), "cells"), 0);
	cr_expect(json_is_true(json_object_get(cell, "forbidden")));
	cr_expect_eq(json_array_size(json_object_get(json_object_get(m, "proposal"), "pairs")), 0);
	json_decref(m);
	/* A third candidate in Kenya arrives; a new run gives the participant a partner. */
	int64_t eldoret = declaration("Eldoret", "KE", "475000", "Wanjiru Eldoret", "wanjiru@eldoret.example", "en");
	m = page(WHO_COORDINATOR, NULL, &status);
	json_t *pairs = json_object_get(json_object_get(m, "proposal"), "pairs");
	cr_assert_eq(json_array_size(pairs), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(pairs, 0), "declaration_id")), eldoret);
	json_decref(m);
	save_and_confirm();
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'proposed'"), 3);
	cr_expect_eq(count("SELECT COUNT(*) FROM match_runs WHERE confirmed_at IS NOT NULL"), 2);
}

Test(matching, an_empty_network_says_there_is_nothing_to_match)
{
	const char *s = w_session(WHO_COORDINATOR);
	struct answer a;
	w_call(&a, "GET", "/networks/klimat/matching", s, NULL, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect(strstr(a.body, "nothing to match") != NULL || strstr(a.body, "inget att matcha") != NULL,
		  "%.500s", a.body);
	answer_free(&a);
}

/* Runs natverk match with args on the test database; the exit status, and
 * standard output and error into out. */
static int run_cli(const char *args, char *out, size_t outlen)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "NATVERK_DB='%s' '%s' match %s 2>&1", test_db_url(), NATVERK_BIN, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	return WEXITSTATUS(pclose(p));
}

Test(matching_world, the_command_line_matches_a_network_like_the_page)
{
	char out[8192];
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.stockholm, M.kisumu, "lock")), 303);
	int status = run_cli("--network klimat --json", out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	cr_expect_eq(json_array_size(json_object_get(j, "pairs")), 3);
	cr_expect_not_null(strstr(out, "\"Lund\", \"international\": \"Arusha\""), "%s", out);
	cr_expect_not_null(strstr(out, "\"Stockholm\", \"international\": \"Kisumu\""), "the lock holds: %s", out);
	json_decref(j);
	status = run_cli("--network klimat", out, sizeof out);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect_not_null(strstr(out, "Kampala (UG)"), "%s", out);
	cr_expect_not_null(strstr(out, "Kisumu (KE)"), "%s", out);
	/* Two locks on Kisumu are named, and nothing is proposed. */
	cr_assert_eq(post("/networks/klimat/matching/pair", pair_form(M.lund, M.kisumu, "lock")), 303);
	status = run_cli("--network klimat", out, sizeof out);
	cr_expect_eq(status, 1);
	cr_expect_not_null(strstr(out, "two locks give one party two partners"), "%s", out);
	cr_expect_not_null(strstr(out, "Lund with Kisumu"), "%s", out);
	cr_expect_null(strstr(out, "Total score"), "%s", out);
	status = run_cli("--network nosuch", out, sizeof out);
	cr_expect_eq(status, 1);
	cr_expect_str_eq(out, "natverk: there is no network 'nosuch'\n");
}

Test(matching_world, erasure_and_retention_blank_the_contact_details_of_interest)
{
	/* Lena has an account with the address she registered Lund with. */
	int64_t lena = w_person("Lena@Lund.example", "Lena Lund", "sv");
	char note[512];
	snprintf(note, sizeof note, "INSERT INTO triage_notes (object_type, object_id, author_id, body, created_at) "
		 "VALUES ('registration', %lld, NULL, 'Typed: lena@lund.example', '%s'), "
		 "('registration', %lld, NULL, 'Typed: someone.else@lund.example', '2020-01-01T00:00:00Z'), "
		 "('registration', %lld, %lld, 'Spoke to lena@lund.example', '%s')",
		 (long long)M.lund, w_now(), (long long)M.lund, (long long)M.lund,
		 (long long)W.person[WHO_OFFICER], w_now());
	exec(note);
	const char *s = w_session(WHO_ADMIN);
	char path[96];
	snprintf(path, sizeof path, "/admin/people/%lld/erase", (long long)lena);
	struct answer a;
	w_call(&a, "POST", path, s, w_form(s, "confirm=yes"), NULL);
	cr_expect_lt(a.status, 400, "%d %s", a.status, a.body);
	answer_free(&a);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM interest_registrations WHERE id = %lld "
		 "AND contact_email = '' AND contact_name = '' AND status = 'accepted'", (long long)M.lund);
	cr_expect_eq(count(sql), 1, "the registration stays, the contact goes");
	int status;
	json_t *m = page(WHO_COORDINATOR, NULL, &status);
	cr_expect_eq(json_integer_value(json_object_get(m, "without_contact")), 1, "Lund is left out, and said so");
	cr_expect_eq(json_array_size(json_object_get(m, "rows")), 2);
	json_decref(m);
	cr_expect_eq(count("SELECT COUNT(*) FROM triage_notes WHERE body LIKE 'Typed: lena%'"), 0,
		     "the automatic note with her address goes");
	cr_expect_eq(count("SELECT COUNT(*) FROM triage_notes WHERE author_id IS NOT NULL"), 1,
		     "staff's own notes stay");
	/* A declaration withdrawn three years ago loses its contact; a live one keeps it. */
	snprintf(sql, sizeof sql, "UPDATE declarations SET status = 'withdrawn', "
		 "updated_at = '2023-01-01T00:00:00Z' WHERE id = %lld", (long long)M.kampala);
	exec(sql);
	char err[256];
	cr_assert_eq(retention_run(W.db, time(NULL), NULL, err, sizeof err), E_OK, "%s", err);
	cr_expect_eq(count("SELECT COUNT(*) FROM declarations WHERE contact_email = 'kato@kampala.example'"), 0);
	cr_expect_eq(count("SELECT COUNT(*) FROM declarations WHERE contact_email = 'amani@arusha.example'"), 1);
	cr_expect_eq(count("SELECT COUNT(*) FROM triage_notes WHERE body LIKE 'Typed: someone.else%'"), 0,
		     "automatic notes go after two years");
}

Test(matching, the_demo_network_loads_once_and_can_be_matched)
{
	bool loaded;
	char err[256];
	/* Kisumu declared interest for real before the demo was loaded. */
	exec("INSERT INTO organisations (kind, name, name_folded, sort_key, country_iso2, created_at, updated_at) "
	     "VALUES ('local_government', 'Kisumu', 'kisumu', 'kisumu', 'KE', '2026-01-01', '2026-01-01')");
	cr_assert_eq(demo_load(W.db, &loaded, err, sizeof err), E_OK, "%s", err);
	cr_expect(loaded);
	cr_expect_eq(count("SELECT COUNT(*) FROM organisations WHERE name = 'Kisumu'"), 1, "reused");
	cr_assert_eq(demo_load(W.db, &loaded, err, sizeof err), E_OK, "%s", err);
	cr_expect_not(loaded, "a second time changes nothing");
	cr_expect_eq(count("SELECT COUNT(*) FROM networks WHERE slug = 'demo-climate'"), 1);
	cr_expect_eq(count("SELECT COUNT(*) FROM declarations WHERE status = 'approved'"), 6);
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'"), 1);
	char out[8192];
	cr_assert_eq(run_cli("--network demo-climate --json", out, sizeof out), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_expect_eq(json_array_size(json_object_get(j, "pairs")), 6, "%s", out);
	json_decref(j);
	/* The partner board shows the six, without an address. */
	struct answer a;
	w_call(&a, "GET", "/partners", NULL, NULL, json_accept);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "Kisumu"));
	cr_expect_null(strstr(a.body, "@example.org"));
	answer_free(&a);
}

/* One side answering its introduction link on its own connection. */
struct answerer {
	char link[256];	     /* /introductions/TOKEN */
	pthread_barrier_t *go; /* both start together */
	int status;	     /* the answer's HTTP status */
};

static void *answer_in_thread(void *arg)
{
	struct answerer *x = arg;
	struct db *db = NULL;
	char err[256];
	if (db_open(test_db_url(), &db, err, sizeof err) != E_OK) {
		x->status = -1;
		return NULL;
	}
	const char *extra[] = {W_PRESESSION, NULL};
	char body[128];
	snprintf(body, sizeof body, "_csrf=presession000000000000000000000000000000000&answer=accepted");
	pthread_barrier_wait(x->go);
	struct answer a;
	w_call_on(db, &a, "POST", x->link, NULL, body, extra);
	x->status = a.status;
	answer_free(&a);
	db_close(db);
	return NULL;
}

Test(matching_world, both_sides_answering_at_once_are_introduced)
{
	/* Seven more pairs, so that a lost update would show. */
	static const char *const codes[] = {"0180", "1480", "0380", "0580", "1880", "2480", "2580"};
	for (size_t k = 0; k < 7; k++) {
		char email[64], name[32];
		snprintf(email, sizeof email, "c%zu@sverige.example", k);
		registration(w_org(codes[k]), "Kontakt", email, "sv");
		snprintf(name, sizeof name, "Town %zu", k);
		snprintf(email, sizeof email, "c%zu@abroad.example", k);
		declaration(name, k % 2 ? "KE" : "TZ", "100000", "Contact", email, "en");
	}
	save_and_confirm();
	int64_t pairs = count("SELECT COUNT(*) FROM partnerships WHERE status = 'proposed'");
	cr_assert_geq(pairs, 8);
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "SELECT p.id, r.contact_email, d.contact_email FROM partnerships p "
				      "JOIN interest_registrations r ON r.id = p.registration_id "
				      "JOIN declarations d ON d.id = p.declaration_id ORDER BY p.id", &st), E_OK);
	struct {
		char sw[64], in[64];
	} who[16];
	size_t n = 0;
	bool row;
	while (n < 16 && db_step(st, &row) == E_OK && row) {
		snprintf(who[n].sw, sizeof who[n].sw, "%s", db_col_text(st, 1));
		snprintf(who[n].in, sizeof who[n].in, "%s", db_col_text(st, 2));
		n++;
	}
	db_done(st);
	for (size_t k = 0; k < n; k++) {
		char *a = mail_to("introduction", who[k].sw), *b = mail_to("introduction", who[k].in);
		cr_assert(a != NULL && b != NULL, "%s %s", who[k].sw, who[k].in);
		struct answerer x[2];
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, 2);
		link_in(a, x[0].link, sizeof x[0].link);
		link_in(b, x[1].link, sizeof x[1].link);
		free(a);
		free(b);
		pthread_t t[2];
		for (int i = 0; i < 2; i++) {
			x[i].go = &go;
			x[i].status = 0;
			pthread_create(&t[i], NULL, answer_in_thread, &x[i]);
		}
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		cr_expect_eq(x[0].status, 200, "pair %zu, Swedish side", k);
		cr_expect_eq(x[1].status, 200, "pair %zu, international side", k);
	}
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships WHERE status = 'introduced'"), (int64_t)n,
		     "no pair is left proposed with both answers given");
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'introduction_done'"), 2 * (int64_t)n);
}

Test(matching_world, an_older_run_cannot_propose_a_declined_pair_again)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE interest_registrations SET status = 'declined' WHERE id IN (%lld, %lld)",
		 (long long)M.stockholm, (long long)M.malmo);
	exec(sql);
	cr_assert_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 303);
	cr_assert_eq(post("/networks/klimat/matching/runs", "mode=optimal"), 303);
	int64_t first = count("SELECT MIN(id) FROM match_runs"), second = count("SELECT MAX(id) FROM match_runs");
	char path[128];
	snprintf(path, sizeof path, "/networks/klimat/matching/runs/%lld/confirm", (long long)first);
	cr_assert_eq(post(path, ""), 303);
	char *mail = mail_to("introduction", "amani@arusha.example");
	cr_assert_not_null(mail);
	char link[256];
	link_in(mail, link, sizeof link);
	free(mail);
	cr_assert_eq(answer_link(link, "declined"), 200);
	snprintf(path, sizeof path, "/networks/klimat/matching/runs/%lld/confirm", (long long)second);
	cr_expect_eq(post(path, ""), 409, "the same pair was declined since");
	cr_expect_eq(count("SELECT COUNT(*) FROM partnerships"), 1);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'introduction'"), 2);
}

Test(matching_world, the_data_download_includes_what_was_given_as_a_contact)
{
	int64_t lena = w_person("lena@lund.example", "Lena Lund", "sv");
	const char *s = NULL;
	static char token[TOKEN_LEN + 1];
	int64_t sid;
	cr_assert_eq(session_create(W.db, lena, "127.0.0.1", "test", time(NULL), token, &sid), E_OK);
	s = token;
	struct answer a;
	w_call(&a, "GET", "/profile/data", s, NULL, NULL);
	cr_assert_eq(a.status, 200);
	json_t *data = json_loads(a.body, 0, NULL);
	answer_free(&a);
	json_t *items = json_object_get(data, "interest");
	cr_assert_eq(json_array_size(items), 1, "the Lund registration");
	json_t *r = json_array_get(items, 0);
	cr_expect_str_eq(json_string_value(json_object_get(r, "kind")), "registration");
	cr_expect_str_eq(json_string_value(json_object_get(r, "organisation")), "Lund");
	cr_expect_str_eq(json_string_value(json_object_get(r, "contact_name")), "Lena Lund");
	json_decref(data);
}
