/*
 * accounts_support.h - people with every role, their sessions, and running
 * any request (with cookies and a form) through the application in-process,
 * as the server would.
 */
#ifndef NATVERK_TEST_ACCOUNTS_SUPPORT_H
#define NATVERK_TEST_ACCOUNTS_SUPPORT_H

#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "auth/links.h"
#include "auth/password.h"
#include "auth/session.h"
#include "db/q_people.h"
#include "http/router.h"
#include "http/static.h"
#include "pages/common.h"
#include "routes.h"
#include "support.h"
#include "util/timefmt.h"
#include "view/i18n.h"
#include "view/view.h"

/* The roles of the matrix, one letter each. */
enum who {
	WHO_VISITOR,	 /* V */
	WHO_OTHER,	 /* O: member of another organisation */
	WHO_MEMBER,	 /* M: member of organisation A */
	WHO_CONTACT,	 /* C: contact person of organisation A */
	WHO_COORDINATOR, /* J: project coordinator of the network */
	WHO_ADVISOR,	 /* R: research advisor of the network */
	WHO_MENTOR,	 /* E: mentor in the network */
	WHO_EXPERT,	 /* X: national expert in the network */
	WHO_OFFICER,	 /* P: programme officer */
	WHO_FINANCE,	 /* F: finance officer */
	WHO_ADMIN,	 /* A: administrator */
	WHO__COUNT
};

static const char who_letters[WHO__COUNT + 1] = "VOMCJREXPFA";

#define TEST_PASSWORD "correct horse battery staple"

struct world {
	struct db *db;		     /* the test database */
	int64_t person[WHO__COUNT];  /* person per role (0 for the visitor) */
	int64_t org_a, org_b;	     /* two municipalities */
	int64_t network;	     /* one network */
	char email[WHO__COUNT][64];  /* their addresses */
};

static struct world W;

static inline const char *w_now(void)
{
	static char now[TIMEFMT_LEN];
	timefmt_iso(time(NULL), now);
	return now;
}

static inline int64_t w_org(const char *code)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "SELECT id FROM organisations WHERE code = $1 AND kind = 'municipality'", &st), E_OK);
	db_bind_text(st, 1, code);
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(row);
	int64_t id = db_col_int(st, 0);
	db_done(st);
	return id;
}

/* Creates a person with a password; returns the id. */
static inline int64_t w_person(const char *email, const char *name, const char *lang)
{
	static char hash[PASSWORD_HASH_MAX];
	if (hash[0] == '\0')
		cr_assert_eq(password_hash(TEST_PASSWORD, hash), E_OK);
	static int serial;
	char pseudonym[64];
	snprintf(pseudonym, sizeof pseudonym, "Person %04d", ++serial);
	struct person p = {.email = email, .name = name, .lang = lang, .password_hash = hash,
			   .active = true, .pseudonym = pseudonym};
	int64_t id = 0;
	cr_assert_eq(db_person_insert(W.db, &p, w_now(), &id), E_OK, "%s", db_errmsg(W.db));
	return id;
}

/* Reference data, two organisations, a network and one person per role. */
static inline void world_setup(void)
{
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(view_init(test_path("templates"), err, sizeof err), E_OK, "%s", err);
	cr_assert_eq(static_load(test_path("static"), err, sizeof err), E_OK, "%s", err);
	memset(&W, 0, sizeof W);
	W.db = test_db_reference();
	W.org_a = w_org("1281"); /* Lund */
	W.org_b = w_org("0180"); /* Stockholm */
	struct db_stmt *st;
	cr_assert_eq(db_prepare(W.db, "INSERT INTO networks (slug, name_sv, name_en, created_at, updated_at) "
				      "VALUES ('klimat', 'Nätverk för klimatet', 'Network for Climate Action', $1, $1) RETURNING id", &st), E_OK);
	db_bind_text(st, 1, w_now());
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(W.db));
	W.network = db_col_int(st, 0);
	db_done(st);
	for (int w = 1; w < WHO__COUNT; w++) {
		snprintf(W.email[w], sizeof W.email[w], "%c.person@example.org", who_letters[w] + 32);
		char name[32];
		snprintf(name, sizeof name, "Person %c", who_letters[w]);
		W.person[w] = w_person(W.email[w], name, w % 2 ? "sv" : "en");
	}
	const char *now = w_now();
	cr_assert_eq(db_org_member_add(W.db, W.person[WHO_OTHER], W.org_b, "member", now), E_OK);
	cr_assert_eq(db_org_member_add(W.db, W.person[WHO_MEMBER], W.org_a, "member", now), E_OK);
	cr_assert_eq(db_org_member_add(W.db, W.person[WHO_CONTACT], W.org_a, "contact_person", now), E_OK);
	cr_assert_eq(db_network_member_add(W.db, W.person[WHO_COORDINATOR], W.network, "project_coordinator", now), E_OK);
	cr_assert_eq(db_network_member_add(W.db, W.person[WHO_ADVISOR], W.network, "research_advisor", now), E_OK);
	cr_assert_eq(db_network_member_add(W.db, W.person[WHO_MENTOR], W.network, "mentor", now), E_OK);
	cr_assert_eq(db_network_member_add(W.db, W.person[WHO_EXPERT], W.network, "national_expert", now), E_OK);
	cr_assert_eq(db_role_grant(W.db, W.person[WHO_OFFICER], "programme_officer", now), E_OK);
	cr_assert_eq(db_role_grant(W.db, W.person[WHO_FINANCE], "finance_officer", now), E_OK);
	cr_assert_eq(db_role_grant(W.db, W.person[WHO_ADMIN], "administrator", now), E_OK);
}

static inline void world_teardown(void)
{
	db_close(W.db);
	view_free();
}

/* A fresh session token for a role (NULL for the visitor). */
static inline const char *w_session(enum who w)
{
	static char token[WHO__COUNT][TOKEN_LEN + 1];
	if (w == WHO_VISITOR)
		return NULL;
	int64_t sid;
	cr_assert_eq(session_create(W.db, W.person[w], "127.0.0.1", "test", time(NULL), token[w], &sid), E_OK);
	return token[w];
}

/* The CSRF token of a session token. */
static inline const char *w_csrf(const char *session)
{
	static char csrf[TOKEN_LEN + 1];
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(session, hash);
	struct arena *a = arena_new();
	struct session_row s;
	cr_assert_eq(db_session_by_hash(W.db, a, hash, &s), E_OK);
	snprintf(csrf, sizeof csrf, "%s", s.csrf_token);
	arena_free(a);
	return csrf;
}

struct answer {
	int status;		/* HTTP status */
	char *body;		/* body text (malloc'ed) */
	char location[1024];	/* Location header or "" */
	char cookie[1024];	/* the first Set-Cookie or "" */
	char retry_after[32];	/* Retry-After or "" */
};

/*
 * Runs method target through the route table with optional session token,
 * form body (urlencoded; NULL for none), extra header lines (NULL-ended) and
 * a pre-session CSRF cookie.
 */
static inline void w_call_on(struct db *db, struct answer *ans, const char *method,
			     const char *target, const char *session, const char *form,
			     const char *const *extra);

static inline void w_call(struct answer *ans, const char *method, const char *target,
			  const char *session, const char *form, const char *const *extra)
{
	w_call_on(W.db, ans, method, target, session, form, extra);
}

/* As w_call, on another connection (for requests from several threads). */
static inline void w_call_on(struct db *db, struct answer *ans, const char *method,
			     const char *target, const char *session, const char *form,
			     const char *const *extra)
{
	char cookie[512] = "";
	size_t n = 0;
	if (session != NULL)
		n += (size_t)snprintf(cookie + n, sizeof cookie - n, "%s=%s; ", SESSION_COOKIE, session);
	const char *headers[16];
	size_t h = 0;
	char cookie_line[600];
	if (extra != NULL)
		for (size_t i = 0; extra[i] != NULL && h < 12; i++) {
			if (strncmp(extra[i], "Cookie: ", 8) == 0) {
				n += (size_t)snprintf(cookie + n, sizeof cookie - n, "%s; ", extra[i] + 8);
				continue;
			}
			headers[h++] = extra[i];
		}
	if (cookie[0] != '\0') {
		snprintf(cookie_line, sizeof cookie_line, "Cookie: %s", cookie);
		headers[h++] = cookie_line;
	}
	if (form != NULL)
		headers[h++] = "Content-Type: application/x-www-form-urlencoded";
	headers[h] = NULL;
	struct req *r = req_new_test(method, target, headers);
	r->db = db;
	r->now = (int64_t)time(NULL);
	if (form != NULL) {
		r->body = arena_strdup(r->arena, form);
		r->body_len = strlen(form);
		const char *why = NULL;
		cr_assert_eq(req_parse_body(r, &why), E_OK, "%s", why ? why : "");
	}
	struct resp resp;
	resp_init(&resp);
	unsigned allowed;
	const struct server_app *app = routes_app();
	r->route = router_match(app->routes, app->nroutes, r, &allowed);
	if (r->route == NULL)
		app->fail(r, &resp, allowed != 0 ? E_METHOD : E_NOTFOUND, NULL);
	else
		app->handle(r, &resp);
	ans->status = resp.status;
	ans->body = strdup(buf_str(&resp.body));
	ans->location[0] = ans->cookie[0] = ans->retry_after[0] = '\0';
	for (size_t i = 0; i < resp.nheaders; i++) {
		if (strcmp(resp.headers[i].name, "Location") == 0)
			snprintf(ans->location, sizeof ans->location, "%s", resp.headers[i].value);
		/* The last Set-Cookie wins, as in a browser (a stale session is
		 * cleared before a new one is set). */
		if (strcmp(resp.headers[i].name, "Set-Cookie") == 0)
			snprintf(ans->cookie, sizeof ans->cookie, "%s", resp.headers[i].value);
		if (strcmp(resp.headers[i].name, "Retry-After") == 0)
			snprintf(ans->retry_after, sizeof ans->retry_after, "%s", resp.headers[i].value);
	}
	resp_free(&resp);
	arena_free(r->arena);
}

static inline void answer_free(struct answer *a)
{
	free(a->body);
	a->body = NULL;
}

/* The value of a cookie set by an answer ("" when another or none). */
static inline const char *w_cookie_value(const struct answer *a, const char *name)
{
	static char v[256];
	v[0] = '\0';
	size_t n = strlen(name);
	if (strncmp(a->cookie, name, n) == 0 && a->cookie[n] == '=')
		snprintf(v, sizeof v, "%.*s", (int)strcspn(a->cookie + n + 1, ";"), a->cookie + n + 1);
	return v;
}

/* A form body with the CSRF token of session (or a pre-session token). */
static inline const char *w_form(const char *session, const char *rest)
{
	static char body[4096];
	snprintf(body, sizeof body, "_csrf=%s%s%s", session != NULL ? w_csrf(session) : "presession000000000000000000000000000000000",
		 rest[0] != '\0' ? "&" : "", rest);
	return body;
}

/* The pre-session cookie header matching w_form(NULL, ...). */
#define W_PRESESSION "Cookie: " CSRF_COOKIE "=presession000000000000000000000000000000000"

#endif
