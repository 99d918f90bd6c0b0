/*
 * test_accounts.c - the security behaviour of accounts, in-process on
 * SQLite or PostgreSQL: sign-in and session fixation, CSRF, single-use and
 * expiring links, throttling, account enumeration, API tokens, the audit
 * log, erasure and retention.
 */
#include <math.h>
#include <sys/time.h>

#include "accounts_support.h"
#include "db/q_audit.h"
#include "db/q_auth.h"
#include "retention.h"

TestSuite(accounts, .init = world_setup, .fini = world_teardown, .timeout = 240);

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

/* Signs in through the form; returns the answer (caller frees). */
static void sign_in(struct answer *a, const char *email, const char *password, const char *planted)
{
	char form[512];
	snprintf(form, sizeof form, "email=%s&password=%s&next=%%2Fprofile", email, password);
	const char *extra[] = {W_PRESESSION, NULL};
	w_call(a, "POST", "/signin", planted, w_form(NULL, form), extra);
}

/* Signing in from a browser that is signed in already: its session's form token. */
static void sign_in_again(struct answer *a, const char *email, const char *password,
			  const char *session)
{
	char form[512];
	snprintf(form, sizeof form, "email=%s&password=%s", email, password);
	w_call(a, "POST", "/signin", session, w_form(session, form), NULL);
}

Test(accounts, sign_in_makes_a_new_session_and_ignores_a_planted_one)
{
	/* A token an attacker planted in the victim's browser. */
	char planted[TOKEN_LEN + 1];
	token_new(planted);
	struct answer a;
	sign_in(&a, "m.person%40example.org", "correct+horse+battery+staple", planted);
	cr_assert_eq(a.status, 303, "%s", a.body);
	cr_expect_str_eq(a.location, "/profile");
	char fresh[256];
	snprintf(fresh, sizeof fresh, "%s", w_cookie_value(&a, SESSION_COOKIE));
	cr_expect_eq(strlen(fresh), TOKEN_LEN);
	cr_expect_str_neq(fresh, planted);
	cr_expect_not_null(strstr(a.cookie, "HttpOnly"));
	cr_expect_not_null(strstr(a.cookie, "SameSite=Lax"));
	answer_free(&a);

	w_call(&a, "GET", "/profile", fresh, NULL, NULL);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	w_call(&a, "GET", "/profile", planted, NULL, NULL);
	cr_expect_eq(a.status, 302, "the planted token is worthless");
	answer_free(&a);

	/* Signing in again while signed in ends the old session. */
	sign_in_again(&a, "m.person%40example.org", "correct+horse+battery+staple", fresh);
	cr_assert_eq(a.status, 303, "%s", a.body);
	cr_expect_str_neq(w_cookie_value(&a, SESSION_COOKIE), fresh);
	answer_free(&a);
	w_call(&a, "GET", "/profile", fresh, NULL, NULL);
	cr_expect_eq(a.status, 302, "the old session ended");
	answer_free(&a);
	cr_expect_gt(count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.create'"), 1);
}

Test(accounts, wrong_password_and_unknown_address_answer_alike)
{
	struct answer known, unknown;
	sign_in(&known, "m.person%40example.org", "wrong+password+here", NULL);
	sign_in(&unknown, "nobody%40example.org", "wrong+password+here", NULL);
	cr_expect_eq(known.status, 422);
	cr_expect_eq(unknown.status, 422);
	cr_expect_not_null(strstr(known.body, "E-postadressen eller lösenordet är fel"));
	cr_expect_not_null(strstr(unknown.body, "E-postadressen eller lösenordet är fel"));
	cr_expect_null(strstr(known.body, "wrong+password"), "the password is never echoed");
	cr_expect_null(strstr(known.body, "wrong password here"));
	answer_free(&known);
	answer_free(&unknown);
}

static double seconds(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

Test(accounts, timing_does_not_tell_known_from_unknown_addresses)
{
	/* Alternate the two kinds so machine load affects both alike, and
	 * compare the fastest of each: other programs on the machine only ever
	 * add time, so the minimum is the cost of the work itself. */
	double known = 1e9, unknown = 1e9;
	for (int i = 0; i < 4; i++) { /* a fifth failure would throttle the account */
		struct answer a;
		double t0 = seconds();
		sign_in(&a, "c.person%40example.org", "not+the+password+" , NULL);
		known = fmin(known, seconds() - t0);
		answer_free(&a);
		t0 = seconds();
		sign_in(&a, "ghost%40example.org", "not+the+password+", NULL);
		unknown = fmin(unknown, seconds() - t0);
		answer_free(&a);
	}
	double ratio = known > unknown ? known / unknown : unknown / known;
	cr_expect_lt(ratio, 1.6, "known %.3f s, unknown %.3f s", known, unknown);
}

Test(accounts, sign_in_is_throttled_per_account_and_mails_the_owner)
{
	for (int i = 0; i < 5; i++) {
		struct answer a;
		sign_in(&a, "e.person%40example.org", "nope+nope+nope", NULL);
		cr_expect_eq(a.status, 422, "attempt %d", i + 1);
		answer_free(&a);
	}
	struct answer a;
	sign_in(&a, "e.person%40example.org", "correct+horse+battery+staple", NULL);
	cr_expect_eq(a.status, 429, "even the right password waits");
	int retry = (int)strtol(a.retry_after, NULL, 10);
	cr_expect(retry > 0 && retry <= 900, "Retry-After %s", a.retry_after);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'signin_failures' "
			   "AND to_email = 'e.person@example.org'"),
		     1, "the owner is told once");
	/* Another account is not affected. */
	sign_in(&a, "x.person%40example.org", "correct+horse+battery+staple", NULL);
	cr_expect_eq(a.status, 303);
	answer_free(&a);
}

Test(accounts, sign_in_is_throttled_per_client_address)
{
	for (int i = 0; i < 20; i++) {
		char email[64];
		snprintf(email, sizeof email, "probe%d%%40example.org", i);
		struct answer a;
		sign_in(&a, email, "x", NULL);
		answer_free(&a);
	}
	struct answer a;
	sign_in(&a, "a.person%40example.org", "correct+horse+battery+staple", NULL);
	cr_expect_eq(a.status, 429);
	cr_expect_neq(a.retry_after[0], '\0');
	answer_free(&a);
}

Test(accounts, csrf_missing_wrong_or_foreign_token_is_refused)
{
	const char *mine = w_session(WHO_MEMBER);
	char mine_copy[TOKEN_LEN + 1];
	snprintf(mine_copy, sizeof mine_copy, "%s", mine);
	const char *other = w_session(WHO_CONTACT);
	char other_csrf[TOKEN_LEN + 1];
	snprintf(other_csrf, sizeof other_csrf, "%s", w_csrf(other));
	static const char *const fields = "name=Changed&email=m.person%40example.org&lang=sv&version=1";
	char body[1024];
	struct answer a;

	w_call(&a, "POST", "/profile", mine_copy, fields, NULL);
	cr_expect_eq(a.status, 403, "missing token");
	/* The member reads English. */
	cr_expect_not_null(strstr(a.body, "Please try again"), "the page explains and offers a retry");
	cr_expect_not_null(strstr(a.body, "href=\"/profile\""));
	answer_free(&a);

	snprintf(body, sizeof body, "_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&%s", fields);
	w_call(&a, "POST", "/profile", mine_copy, body, NULL);
	cr_expect_eq(a.status, 403, "wrong token");
	answer_free(&a);

	snprintf(body, sizeof body, "_csrf=%s&%s", other_csrf, fields);
	w_call(&a, "POST", "/profile", mine_copy, body, NULL);
	cr_expect_eq(a.status, 403, "another session's token");
	answer_free(&a);

	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE name = 'Changed'"), 0,
		     "nothing changed");

	snprintf(body, sizeof body, "_csrf=%s&%s", w_csrf(mine_copy), fields);
	w_call(&a, "POST", "/profile", mine_copy, body, NULL);
	cr_expect_eq(a.status, 303, "the right token: %s", a.body);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE name = 'Changed'"), 1);

	/* Before sign-in, the form must repeat the CSRF cookie. */
	w_call(&a, "POST", "/signin", NULL, "email=a&password=b", NULL);
	cr_expect_eq(a.status, 403, "sign-in without the pre-session token");
	answer_free(&a);
}

Test(accounts, stale_profile_form_answers_409_and_keeps_what_is_stored)
{
	const char *s = w_session(WHO_MENTOR);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	char body[1024];
	snprintf(body, sizeof body, "_csrf=%s&name=First&email=e.person%%40example.org&lang=en&version=1",
		 w_csrf(session));
	struct answer a;
	w_call(&a, "POST", "/profile", session, body, NULL);
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	snprintf(body, sizeof body, "_csrf=%s&name=Second&email=e.person%%40example.org&lang=en&version=1",
		 w_csrf(session));
	w_call(&a, "POST", "/profile", session, body, NULL);
	cr_expect_eq(a.status, 409);
	cr_expect_not_null(strstr(a.body, "value=\"First\""), "the form shows what is stored");
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE name = 'First'"), 1);
}

/* The token in a link inside the newest mail of a kind, into out. */
static void link_from_mail(const char *kind, const char *path, char *out, size_t outlen)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "SELECT body FROM outbox WHERE kind = $1 ORDER BY id DESC", &st), E_OK);
	db_bind_text(st, 1, kind);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(row, "no %s mail", kind);
	const char *at = strstr(db_col_text(st, 0), path);
	cr_assert_not_null(at, "no link %s in the mail", path);
	snprintf(out, outlen, "%.*s", (int)strcspn(at, " \r\n"), at);
	db_done(st);
}

Test(accounts, password_reset_link_works_once_and_expires)
{
	const char *extra[] = {W_PRESESSION, NULL};
	struct answer known, unknown;
	w_call(&known, "POST", "/password/reset", NULL, w_form(NULL, "email=R.Person%40Example.org"), extra);
	w_call(&unknown, "POST", "/password/reset", NULL, w_form(NULL, "email=nobody%40example.org"), extra);
	cr_expect_eq(known.status, 200);
	cr_expect_eq(unknown.status, 200);
	/* The same page apart from the address echoed back. */
	cr_expect_not_null(strstr(known.body, "Om ett konto använder r.person@example.org"));
	cr_expect_not_null(strstr(unknown.body, "Om ett konto använder nobody@example.org"));
	answer_free(&known);
	answer_free(&unknown);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'password_reset'"), 1);

	char path[256];
	link_from_mail("password_reset", "/password/reset/", path, sizeof path);
	struct answer a;
	w_call(&a, "GET", path, NULL, NULL, NULL);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	w_call(&a, "POST", path, NULL, w_form(NULL, "password=a+brand+new+secret&password_again=different"), extra);
	cr_expect_eq(a.status, 422, "the two passwords differ");
	answer_free(&a);
	w_call(&a, "POST", path, NULL, w_form(NULL, "password=short&password_again=short"), extra);
	cr_expect_eq(a.status, 422, "too short");
	answer_free(&a);
	w_call(&a, "POST", path, NULL, w_form(NULL, "password=a+brand+new+secret&password_again=a+brand+new+secret"), extra);
	cr_expect_eq(a.status, 303, "%s", a.body);
	cr_expect_neq(w_cookie_value(&a, SESSION_COOKIE)[0], '\0', "signed in");
	answer_free(&a);

	w_call(&a, "GET", path, NULL, NULL, NULL);
	cr_expect_eq(a.status, 410, "a used link says so");
	cr_expect_not_null(strstr(a.body, "Länken har redan använts"));
	cr_expect_not_null(strstr(a.body, "href=\"/password/reset\""), "and offers a new one");
	answer_free(&a);
	w_call(&a, "POST", path, NULL, w_form(NULL, "password=another+new+secret&password_again=another+new+secret"), extra);
	cr_expect_eq(a.status, 410);
	answer_free(&a);

	/* An expired link. */
	char token[TOKEN_LEN + 1];
	int64_t id;
	cr_assert_eq(link_create(W.db, LINK_PASSWORD_RESET, W.person[WHO_EXPERT], W.email[WHO_EXPERT], NULL, 0,
				 time(NULL) - 7200, LINK_TTL_PASSWORD_RESET, token, &id), E_OK);
	char old[128];
	snprintf(old, sizeof old, "/password/reset/%s", token);
	w_call(&a, "GET", old, NULL, NULL, NULL);
	cr_expect_eq(a.status, 410);
	cr_expect_not_null(strstr(a.body, "Länken har gått ut"));
	answer_free(&a);
}

Test(accounts, invitation_creates_an_account_once)
{
	const char *admin = w_session(WHO_ADMIN);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", admin);
	char form[512];
	snprintf(form, sizeof form, "email=Newbie%%40Example.org&name=Nina+Ny&grant=o%%3Amember&organisation_id=%lld&lang=en",
		 (long long)W.org_a);
	struct answer a;
	w_call(&a, "POST", "/admin/invitations", session, w_form(session, form), NULL);
	cr_assert_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	char path[256];
	link_from_mail("invitation", "/invitations/", path, sizeof path);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE kind = 'invitation' AND lang = 'en' "
			   "AND subject = 'Invitation to natverk'"), 1, "in the invitee's language");

	w_call(&a, "GET", path, NULL, NULL, NULL);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "value=\"Nina Ny\""), "the name is suggested");
	answer_free(&a);
	const char *extra[] = {W_PRESESSION, NULL};
	w_call(&a, "POST", path, NULL, w_form(NULL, "name=Nina+Ny&lang=en&password=short&password_again=short"), extra);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "value=\"Nina Ny\""), "what was typed is kept");
	cr_expect_null(strstr(a.body, "value=\"short\""), "never the password");
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE email = 'newbie@example.org'"), 0,
		     "nothing stored until valid");
	w_call(&a, "POST", path, NULL,
	       w_form(NULL, "name=Nina+Ny&lang=en&password=nina+has+a+long+one&password_again=nina+has+a+long+one"), extra);
	cr_expect_eq(a.status, 303, "%s", a.body);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM people p JOIN organisation_members m ON m.person_id = p.id "
			   "WHERE p.email = 'newbie@example.org' AND m.role = 'member'"), 1);
	w_call(&a, "POST", path, NULL,
	       w_form(NULL, "name=Nina+Ny&lang=en&password=nina+has+a+long+one&password_again=nina+has+a+long+one"), extra);
	cr_expect_eq(a.status, 410, "the link works once");
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE email = 'newbie@example.org'"), 1);
}

Test(accounts, an_expired_invitation_offers_a_new_one)
{
	char token[TOKEN_LEN + 1];
	int64_t id;
	cr_assert_eq(link_create(W.db, LINK_INVITATION, 0, "late@example.org",
				 "{\"kind\":\"o\",\"role\":\"member\",\"object_id\":1,\"name\":null}",
				 W.person[WHO_ADMIN], time(NULL) - 8 * 86400, LINK_TTL_INVITATION, token, &id),
		     E_OK);
	char path[128], renew[160];
	snprintf(path, sizeof path, "/invitations/%s", token);
	snprintf(renew, sizeof renew, "%s/renew", path);
	struct answer a;
	w_call(&a, "GET", path, NULL, NULL, NULL);
	cr_expect_eq(a.status, 410);
	cr_expect_not_null(strstr(a.body, renew), "a button for a new invitation");
	answer_free(&a);
	const char *extra[] = {W_PRESESSION, NULL};
	w_call(&a, "POST", renew, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 200);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM outbox WHERE to_email = 'late@example.org'"), 1);
	w_call(&a, "POST", renew, NULL, w_form(NULL, ""), extra);
	cr_expect_eq(a.status, 404, "one renewal per expired link");
	answer_free(&a);
}

Test(accounts, contact_person_invites_only_to_their_organisation)
{
	const char *s = w_session(WHO_CONTACT);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	char target[128];
	snprintf(target, sizeof target, "/organisations/%lld/invitations", (long long)W.org_b);
	struct answer a;
	w_call(&a, "POST", target, session, w_form(session, "email=q%40example.org&grant=o%3Amember"), NULL);
	cr_expect_eq(a.status, 403, "not their organisation");
	answer_free(&a);
	snprintf(target, sizeof target, "/organisations/%lld/invitations", (long long)W.org_a);
	w_call(&a, "POST", target, session, w_form(session, "email=q%40example.org&grant=g%3Aadministrator"), NULL);
	cr_expect_eq(a.status, 422, "not a global role");
	answer_free(&a);
	w_call(&a, "POST", target, session, w_form(session, "email=not-an-address&grant=o%3Amember"), NULL);
	cr_expect_eq(a.status, 422);
	cr_expect_not_null(strstr(a.body, "Ange en giltig e-postadress"));
	answer_free(&a);
}

Test(accounts, api_tokens_work_for_json_only_and_can_be_revoked)
{
	const char *s = w_session(WHO_OFFICER);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	struct answer a;
	w_call(&a, "POST", "/profile/tokens", session, w_form(session, "name=nightly+export"), NULL);
	cr_assert_eq(a.status, 201);
	const char *at = strstr(a.body, API_TOKEN_PREFIX);
	cr_assert_not_null(at);
	char token[128];
	snprintf(token, sizeof token, "%.*s", (int)strspn(at, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), at);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'nvk%'"), 0, "only a hash is stored");

	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	const char *json[] = {auth, "Accept: application/json", NULL};
	w_call(&a, "GET", "/admin/people", NULL, NULL, json);
	cr_expect_eq(a.status, 200, "the token carries the officer's rights");
	answer_free(&a);
	w_call(&a, "GET", "/admin/mail", NULL, NULL, json);
	cr_expect_eq(a.status, 403, "and no more");
	answer_free(&a);
	const char *html[] = {auth, NULL};
	w_call(&a, "GET", "/admin/people", NULL, NULL, html);
	cr_expect_eq(a.status, 302, "not on HTML requests");
	answer_free(&a);
	char cookie[200];
	snprintf(cookie, sizeof cookie, "Cookie: " SESSION_COOKIE "=%s", token + strlen(API_TOKEN_PREFIX));
	const char *as_cookie[] = {cookie, "Accept: application/json", NULL};
	w_call(&a, "GET", "/admin/people", NULL, NULL, as_cookie);
	cr_expect_eq(a.status, 401, "never from a cookie");
	answer_free(&a);
	/* No CSRF token needed with a bearer token. */
	const char *json_post[] = {auth, "Accept: application/json", NULL};
	w_call(&a, "POST", "/profile/tokens", NULL, "name=from+a+script", json_post);
	cr_expect_eq(a.status, 201);
	answer_free(&a);

	int64_t id = count("SELECT MIN(id) FROM api_tokens");
	char revoke[128];
	snprintf(revoke, sizeof revoke, "/profile/tokens/%lld/revoke", (long long)id);
	w_call(&a, "POST", revoke, session, w_form(session, ""), NULL);
	cr_expect_eq(a.status, 303);
	answer_free(&a);
	w_call(&a, "GET", "/admin/people", NULL, NULL, json);
	cr_expect_eq(a.status, 401, "a revoked token is refused");
	answer_free(&a);
}

Test(accounts, audit_log_records_changes_and_refuses_edits)
{
	const char *s = w_session(WHO_ADMIN);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	char target[128];
	snprintf(target, sizeof target, "/admin/people/%lld/active", (long long)W.person[WHO_MEMBER]);
	struct answer a;
	w_call(&a, "POST", target, session, w_form(session, "active=0"), NULL);
	cr_assert_eq(a.status, 303);
	answer_free(&a);
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.deactivate' "
			   "AND before_json = '{\"active\":true}' AND after_json = '{\"active\":false}'"), 1);
	/* The deactivated member's sessions no longer work. */
	const char *member = w_session(WHO_MEMBER);
	w_call(&a, "GET", "/profile", member, NULL, NULL);
	cr_expect_eq(a.status, 302);
	answer_free(&a);
	/* Filter by person and object. */
	snprintf(target, sizeof target, "/admin/audit?person=%lld&object_type=person",
		 (long long)W.person[WHO_ADMIN]);
	const char *json[] = {"Accept: application/json", NULL};
	w_call(&a, "GET", target, session, NULL, json);
	cr_expect_eq(a.status, 200);
	cr_expect_not_null(strstr(a.body, "person.deactivate"));
	answer_free(&a);
	cr_expect_neq(db_exec(W.db, "UPDATE audit_log SET action = 'x'"), E_OK, "no update");
	cr_expect_neq(db_exec(W.db, "DELETE FROM audit_log"), E_OK, "no delete");
	cr_expect_gt(count("SELECT COUNT(*) FROM audit_log"), 0);
}

Test(accounts, the_last_administrator_stays)
{
	const char *s = w_session(WHO_ADMIN);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	char target[128];
	snprintf(target, sizeof target, "/admin/people/%lld/active", (long long)W.person[WHO_ADMIN]);
	struct answer a;
	w_call(&a, "POST", target, session, w_form(session, "active=0"), NULL);
	cr_expect_eq(a.status, 409);
	answer_free(&a);
	snprintf(target, sizeof target, "/admin/people/%lld/roles", (long long)W.person[WHO_ADMIN]);
	w_call(&a, "POST", target, session, w_form(session, "action=remove&kind=g&role=administrator"), NULL);
	cr_expect_eq(a.status, 409);
	answer_free(&a);
}

Test(accounts, download_and_erasure)
{
	const char *s = w_session(WHO_EXPERT);
	char session[TOKEN_LEN + 1];
	snprintf(session, sizeof session, "%s", s);
	struct answer a;
	w_call(&a, "GET", "/profile/data", session, NULL, NULL);
	cr_assert_eq(a.status, 200);
	json_t *data = json_loads(a.body, 0, NULL);
	cr_assert_not_null(data);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(data, "profile"), "email")),
			 "x.person@example.org");
	cr_expect_eq(json_array_size(json_object_get(data, "roles")), 1);
	cr_expect_gt(json_array_size(json_object_get(data, "sessions")), 0);
	json_decref(data);
	answer_free(&a);

	int64_t audit_before = count("SELECT COUNT(*) FROM audit_log");
	w_call(&a, "POST", "/profile/erase", session,
	       w_form(session, "password=correct+horse+battery+staple&confirm=yes"), NULL);
	cr_assert_eq(a.status, 200, "%s", a.body);
	answer_free(&a);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM people WHERE id = %lld AND email IS NULL "
		 "AND name LIKE 'Person %%' AND erased_at IS NOT NULL AND active = 0 AND password_hash IS NULL",
		 (long long)W.person[WHO_EXPERT]);
	cr_expect_eq(count(sql), 1, "anonymised");
	cr_expect_eq(count("SELECT COUNT(*) FROM network_members WHERE role = 'national_expert'"), 0);
	cr_expect_eq(count("SELECT COUNT(*) FROM people WHERE name = 'Person X'"), 0);
	cr_expect_gt(count("SELECT COUNT(*) FROM audit_log"), audit_before, "the audit trail grew");
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE before_json LIKE '%x.person%' "
			   "OR after_json LIKE '%x.person%'"), 0, "and holds no personal data");
	w_call(&a, "GET", "/profile", session, NULL, NULL);
	cr_expect_eq(a.status, 302, "signed out");
	answer_free(&a);
}

Test(accounts, retention_deletes_what_has_been_kept_long_enough)
{
	const char *old = "2020-01-01T00:00:00Z";
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "INSERT INTO signin_attempts (at, email, client_addr, success) VALUES ($1, 'a', 'b', 0)", &st), E_OK);
	db_bind_text(st, 1, old);
	cr_assert_eq(db_step(st, NULL), E_OK);
	db_done(st);
	cr_assert_eq(db_prepare(W.db, "UPDATE people SET active = 0, deactivated_at = $1 WHERE id = $2", &st), E_OK);
	db_bind_text(st, 1, old);
	db_bind_int(st, 2, W.person[WHO_ADVISOR]);
	cr_assert_eq(db_step(st, NULL), E_OK);
	db_done(st);
	char err[256];
	cr_assert_eq(retention_run(W.db, time(NULL), NULL, err, sizeof err), E_OK, "%s", err);
	cr_expect_eq(count("SELECT COUNT(*) FROM signin_attempts WHERE at = '2020-01-01T00:00:00Z'"), 0);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM people WHERE id = %lld AND erased_at IS NOT NULL",
		 (long long)W.person[WHO_ADVISOR]);
	cr_expect_eq(count(sql), 1, "anonymised three years after deactivation");
	cr_expect_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run'"), 1);
}
