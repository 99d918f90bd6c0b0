/*
 * account.c - signing in and out, the first administrator, invitations,
 * password resets, e-mail confirmation.
 *
 * Every state change runs in one transaction with its audit row.  Answers
 * that could tell whether an address has an account (sign-in failures,
 * reset requests) are the same for known and unknown addresses, and take
 * about the same time (a dummy password verification for unknown ones).
 */
#include "pages/account.h"

#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "auth/links.h"
#include "auth/password.h"
#include "auth/session.h"
#include "config.h"
#include "db/q_auth.h"
#include "db/q_people.h"
#include "pages/common.h"
#include "pages/system.h"
#include "util/jsonmem.h"
#include "util/log.h"
#include "util/str.h"
#include "util/timefmt.h"
#include "view/i18n.h"

const char *account_email(struct arena *a, const char *typed)
{
	if (typed == NULL)
		return NULL;
	char *e = str_trim(arena_strdup(a, typed));
	size_t n = strlen(e);
	const char *at = strchr(e, '@');
	if (n == 0 || n > EMAIL_MAX || at == NULL || at == e || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    strpbrk(e, " \t\r\n<>,;\"") != NULL)
		return NULL;
	for (char *p = e; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return e;
}

const char *account_name(struct arena *a, const char *typed)
{
	if (typed == NULL)
		return NULL;
	char *s = str_trim(arena_strdup(a, typed));
	size_t chars = str_utf8_len(s, strlen(s));
	return chars == 0 || chars > NAME_MAX_CHARS ? NULL : s;
}

const char *account_lang(const char *typed, const char *fallback)
{
	if (typed != NULL && (strcmp(typed, "sv") == 0 || strcmp(typed, "en") == 0))
		return typed;
	return fallback;
}

/* Begins a write transaction; a failure is a 500 with a log line. */
enum err account_begin(struct req *req)
{
	enum err rc = db_begin(req->db);
	if (rc != E_OK)
		log_error("request %s: cannot begin: %s", req->request_id, db_errmsg(req->db));
	return rc;
}

enum err account_commit(struct req *req)
{
	enum err rc = db_commit(req->db);
	if (rc != E_OK)
		log_error("request %s: cannot commit: %s", req->request_id, db_errmsg(req->db));
	return rc;
}

/* Signs person in: a fresh session (any session the browser presented is
 * ended, so a planted token is worthless), the cookie, the audit row. */
enum err account_start_session(struct req *req, struct resp *resp, int64_t person)
{
	enum err rc = E_OK;
	if (req->actor->session_id != 0)
		rc = db_session_delete(req->db, req->actor->session_id);
	char *token = arena_alloc(req->arena, TOKEN_LEN + 1);
	int64_t sid = 0;
	if (rc == E_OK)
		rc = session_create(req->db, person, req->client_addr, req_header(req, "user-agent"),
				    (time_t)req->now, token, &sid);
	if (rc != E_OK)
		return rc;
	json_t *after = json_pack("{s:I}", "session", (json_int_t)sid);
	struct actor *a = arena_zalloc(req->arena, sizeof *a);
	a->person_id = person;
	req->actor = a; /* the audit row names the person now signed in */
	rc = pages_audit(req, "session.create", "person", person, NULL, after);
	json_decref(after);
	resp_header(resp, "Set-Cookie",
		    session_cookie(req->arena, SESSION_COOKIE, token, pages_secure_cookies(req),
				   SESSION_ABSOLUTE_SECONDS));
	return rc;
}

/* Where to go after signing in: next when it is a path on this site. */
static const char *next_or(const struct req *req, const char *fallback)
{
	const char *next = req_form(req, "next");
	if (next == NULL)
		next = req_query(req, "next");
	return system_local_path(next) && !str_starts_with(next, "/signin") ? next : fallback;
}

static json_t *signin_model(struct req *req, struct resp *resp, const char *email)
{
	json_t *m = json_pack("{s:{s:s}, s:s, s:s}", "form", "email", email != NULL ? email : "",
			      "next", next_or(req, "/"), "csrf", pages_csrf(req, resp));
	return m;
}

/*
 * GET /signin?next=PATH
 * Public.  The sign-in form.  Signed-in people are sent on to next.
 */
enum err signin_form(struct req *req, struct resp *resp)
{
	if (req->actor->person_id != 0) {
		resp_redirect(resp, 303, next_or(req, "/"));
		return E_OK;
	}
	json_t *m = signin_model(req, resp, NULL);
	pages_form_ok(m);
	resp_page(resp, "account/signin", m);
	resp->no_store = true;
	return E_OK;
}

/* Seconds until the oldest failure in the window leaves it. */
static int retry_after(const struct req *req, const char *oldest)
{
	time_t t;
	if (oldest == NULL || !timefmt_parse(oldest, &t))
		return SIGNIN_WINDOW;
	long left = (long)(t + SIGNIN_WINDOW - (time_t)req->now);
	return left < 1 ? 1 : (int)left;
}

/* Mails the owner of an account that someone keeps failing to sign in. */
static enum err warn_owner(struct req *req, const struct person *p)
{
	json_t *data = json_pack("{s:s, s:s, s:i}", "name", p->name, "client_addr",
				 req->client_addr, "failures", SIGNIN_MAX_PER_ACCOUNT);
	enum err rc = pages_mail(req, "signin_failures", "mail/signin_failures", p->email, p->id,
				 p->lang, data);
	json_decref(data);
	return rc;
}

/*
 * POST /signin
 * Public (CSRF double-submit).  Form: email, password, next.  303 to next
 * on success; 422 with the form again on a wrong address or password (the
 * same message for both); 429 with Retry-After when the account or the
 * client has failed too often in the last 15 minutes.
 */
enum err signin(struct req *req, struct resp *resp)
{
	const char *typed = req_form(req, "email");
	const char *email = account_email(req->arena, typed);
	const char *password = req_form(req, "password");
	const char *since = arena_alloc(req->arena, TIMEFMT_LEN);
	timefmt_iso((time_t)req->now - SIGNIN_WINDOW, (char *)since);
	const char *key = email != NULL ? email : (typed != NULL ? typed : "");

	int64_t fails_account = 0, fails_client = 0;
	const char *oldest_account = NULL, *oldest_client = NULL;
	enum err rc = db_signin_failures(req->db, req->arena, key, NULL, since, &fails_account,
					 &oldest_account);
	if (rc == E_OK)
		rc = db_signin_failures(req->db, req->arena, NULL, req->client_addr, since,
					&fails_client, &oldest_client);
	if (rc != E_OK)
		return rc;
	if (fails_account >= SIGNIN_MAX_PER_ACCOUNT || fails_client >= SIGNIN_MAX_PER_CLIENT) {
		int wait = fails_account >= SIGNIN_MAX_PER_ACCOUNT
				   ? retry_after(req, oldest_account)
				   : retry_after(req, oldest_client);
		resp_header(resp, "Retry-After", arena_printf(req->arena, "%d", wait));
		return resp_error(resp, E_THROTTLED,
				  arena_printf(req->arena,
					       _("Too many failed sign-ins. Please wait %d minutes and try again, or reset your password."),
					       (wait + 59) / 60));
	}

	struct person p;
	bool known = false;
	if (email != NULL) {
		rc = db_person_by_email(req->db, req->arena, email, &p);
		if (rc != E_OK && rc != E_NOTFOUND)
			return rc;
		known = rc == E_OK && p.active && p.erased_at == NULL;
	}
	bool pw_ok = password != NULL && strlen(password) <= PASSWORD_MAX_BYTES &&
		     password_verify(password, known ? p.password_hash : NULL);
	bool ok = known && pw_ok;

	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_signin_attempt(req->db, key, req->client_addr, ok, pages_now(req));
	if (rc == E_OK && !ok && known && fails_account + 1 == SIGNIN_MAX_PER_ACCOUNT)
		rc = warn_owner(req, &p);
	if (rc == E_OK && ok && password_needs_rehash(p.password_hash)) {
		char hash[PASSWORD_HASH_MAX];
		rc = password_hash(password, hash);
		if (rc == E_OK)
			rc = db_person_set_password(req->db, p.id, hash, pages_now(req));
	}
	if (rc == E_OK && ok)
		rc = account_start_session(req, resp, p.id);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	if (ok) {
		resp_redirect(resp, 303, next_or(req, "/"));
		return E_OK;
	}
	json_t *errors = json_pack("{s:s}", "email", _("The e-mail address or the password is wrong."));
	return pages_form_invalid(req, resp, "account/signin",
				  signin_model(req, resp, typed != NULL ? typed : ""), errors);
}

/*
 * POST /signout
 * Signed in (CSRF).  Ends this session.  303 to the home page.
 */
enum err signout(struct req *req, struct resp *resp)
{
	if (req->actor->session_id != 0) {
		enum err rc = account_begin(req);
		if (rc == E_OK)
			rc = db_session_delete(req->db, req->actor->session_id);
		if (rc == E_OK)
			rc = pages_audit(req, "session.delete", "person", req->actor->person_id, NULL,
					 NULL);
		if (rc == E_OK)
			rc = account_commit(req);
		else
			db_rollback(req->db);
		if (rc != E_OK)
			return rc;
	}
	resp_header(resp, "Set-Cookie",
		    session_cookie(req->arena, SESSION_COOKIE, NULL, pages_secure_cookies(req), 0));
	resp_redirect(resp, 303, "/");
	return E_OK;
}

/*
 * POST /signout/everywhere
 * Signed in (CSRF).  Ends every session of the person, on every device.
 * 303 to the sign-in page.
 */
enum err signout_everywhere(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	int64_t n = 0;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_sessions_delete_person(req->db, req->actor->person_id, &n);
	json_t *after = json_pack("{s:I}", "sessions_ended", (json_int_t)n);
	if (rc == E_OK)
		rc = pages_audit(req, "session.delete_all", "person", req->actor->person_id, NULL, after);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_header(resp, "Set-Cookie",
		    session_cookie(req->arena, SESSION_COOKIE, NULL, pages_secure_cookies(req), 0));
	resp_redirect(resp, 303, "/signin?signed_out=everywhere");
	return E_OK;
}

/* The model of the notice page: a title, a message, and optionally a link
 * (renew_url) or a one-button form (renew_form_url) to go on. */
json_t *account_notice(struct req *req, struct resp *resp, const char *title,
		       const char *message)
{
	return json_pack("{s:s, s:s, s:n, s:n, s:n, s:s}", "title", title, "message", message,
			 "renew_url", "renew_form_url", "renew_label", "csrf", pages_csrf(req, resp));
}

/* The page for a link that cannot be used, saying why, with the way to a
 * new one (renew_url may be NULL when only staff can send a new link). */
enum err account_link_problem(struct req *req, struct resp *resp, int state,
			     const char *renew_url, const char *renew_label)
{
	/* Renewing an invitation sends mail, so it is a form; the others are links. */
	bool post = renew_url != NULL && strstr(renew_url, "/renew") != NULL;
	const char *title, *message;
	switch (state) {
	case LINK_EXPIRED:
		title = _("This link has expired");
		message = _("Links are valid for a limited time, for your security.");
		break;
	case LINK_USED:
		title = _("This link has been used already");
		message = _("Each link works once.");
		break;
	default:
		title = _("This link does not work");
		message = _("It may have been copied incompletely from the e-mail.");
		break;
	}
	json_t *m = account_notice(req, resp, title, message);
	json_object_set_new(m, post ? "renew_form_url" : "renew_url", pages_str(renew_url));
	json_object_set_new(m, "renew_label", pages_str(renew_label));
	resp_page(resp, "account/notice", m);
	resp->status = state == LINK_UNKNOWN ? 404 : 410;
	resp->no_store = true;
	return E_OK;
}

/* Reads password and password_again, adding errors for problems. */
const char *account_new_password(struct req *req, const char *email, json_t *errors)
{
	const char *pw = req_form(req, "password");
	const char *again = req_form(req, "password_again");
	const char *problem = password_problem(pw, email);
	if (problem != NULL) {
		json_object_set_new(errors, "password", json_string(_(problem)));
		return NULL;
	}
	if (again == NULL || strcmp(pw, again) != 0) {
		json_object_set_new(errors, "password_again", json_string(_("The two passwords differ.")));
		return NULL;
	}
	return pw;
}

static const char *const first_admin_kinds[] = {LINK_FIRST_ADMIN, NULL};

/* The language choices with current selected. */
static json_t *lang_options(const char *current)
{
	json_t *langs = json_array();
	json_array_append_new(langs, pages_option("sv", "Svenska", current));
	json_array_append_new(langs, pages_option("en", "English", current));
	return langs;
}

static json_t *setup_model(struct req *req, struct resp *resp)
{
	const char *name = req_form(req, "name"), *email = req_form(req, "email");
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	return json_pack("{s:{s:s, s:s, s:s}, s:o, s:s}", "form", "name", name != NULL ? name : "",
			 "email", email != NULL ? email : "", "lang", lang, "langs",
			 lang_options(lang), "csrf", pages_csrf(req, resp));
}

/* Checks the setup link and that no administrator exists yet. */
static enum err setup_check(struct req *req, struct resp *resp, struct link_row *l, bool *usable)
{
	*usable = false;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), first_admin_kinds,
				 (time_t)req->now, l, &state);
	if (rc != E_OK)
		return rc;
	int64_t admins = 0;
	rc = db_count_administrators(req->db, &admins);
	if (rc != E_OK)
		return rc;
	if (admins > 0 && state == LINK_VALID)
		state = LINK_USED;
	if (state != LINK_VALID)
		return account_link_problem(req, resp, state, NULL, NULL);
	*usable = true;
	return E_OK;
}

/*
 * GET /setup/{token}
 * Public, with the one-time link natverk serve printed.  The form for the
 * first administrator.  404/410 for an unknown, used or expired link, or
 * when an administrator exists already.
 */
enum err setup_form(struct req *req, struct resp *resp)
{
	struct link_row l;
	bool usable;
	enum err rc = setup_check(req, resp, &l, &usable);
	if (rc != E_OK || !usable)
		return rc;
	json_t *m = setup_model(req, resp);
	pages_form_ok(m);
	resp_page(resp, "account/setup", m);
	resp->no_store = true;
	return E_OK;
}

/* Creates a person with a password; *id gets the key.  E_CONFLICT when the
 * address has an account already. */
static enum err create_person(struct req *req, const char *email, const char *name,
			      const char *lang, const char *password, int64_t *id)
{
	char hash[PASSWORD_HASH_MAX];
	enum err rc = password_hash(password, hash);
	if (rc != E_OK)
		return rc;
	char pseudonym[32];
	unsigned char raw[6];
	randombytes_buf(raw, sizeof raw);
	snprintf(pseudonym, sizeof pseudonym, "Person %02X%02X%02X%02X%02X%02X", raw[0], raw[1],
		 raw[2], raw[3], raw[4], raw[5]);
	struct person p = {.email = email, .name = name, .lang = lang, .password_hash = hash,
			   .active = true, .pseudonym = pseudonym};
	rc = db_person_insert(req->db, &p, pages_now(req), id);
	if (rc != E_OK)
		return rc;
	json_t *after = json_pack("{s:s, s:s, s:s}", "email", "[personal data]", "name",
				  "[personal data]", "lang", lang);
	rc = pages_audit(req, "person.create", "person", *id, NULL, after);
	json_decref(after);
	return rc;
}

/* Grants g to person, with its audit row. */
enum err account_grant(struct req *req, int64_t person, const struct grant *g)
{
	const char *now = pages_now(req);
	enum err rc;
	if (g->kind == 'x')
		return E_OK;
	if (g->kind == 'g')
		rc = db_role_grant(req->db, person, g->role, now);
	else if (g->kind == 'o')
		rc = db_org_member_add(req->db, person, g->object_id, g->role, now);
	else
		rc = db_network_member_add(req->db, person, g->object_id, g->role, now);
	if (rc != E_OK)
		return rc;
	json_t *after = json_pack("{s:s, s:s, s:I}", "kind",
				  g->kind == 'g' ? "global" : g->kind == 'o' ? "organisation" : "network",
				  "role", g->role, "object_id", (json_int_t)g->object_id);
	rc = pages_audit(req, "role.grant", "person", person, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /setup/{token}
 * Public (CSRF double-submit), with the link.  Form: name, email, lang,
 * password, password_again.  Creates the first administrator and signs them
 * in: 303 to the profile.  422 with field errors.
 */
enum err setup(struct req *req, struct resp *resp)
{
	struct link_row l;
	bool usable;
	enum err rc = setup_check(req, resp, &l, &usable);
	if (rc != E_OK || !usable)
		return rc;
	json_t *errors = json_object();
	const char *name = account_name(req->arena, req_form(req, "name"));
	const char *email = account_email(req->arena, req_form(req, "email"));
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	if (name == NULL)
		json_object_set_new(errors, "name", json_string(_("Enter your name (at most 200 characters).")));
	if (email == NULL)
		json_object_set_new(errors, "email", json_string(_("Enter a valid e-mail address.")));
	const char *pw = account_new_password(req, email, errors);
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "account/setup", setup_model(req, resp), errors);
	json_decref(errors);
	int64_t id = 0;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_link_use(req->db, l.id, pages_now(req));
	if (rc == E_OK)
		rc = create_person(req, email, name, lang, pw, &id);
	struct grant admin = {'g', "administrator", 0};
	if (rc == E_OK)
		rc = account_grant(req, id, &admin);
	if (rc == E_OK)
		rc = account_start_session(req, resp, id);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT, _("This link has been used already."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, "/profile");
	return E_OK;
}

/*
 * GET /password/reset
 * Public.  The form asking for the address to send a reset link to.
 */
enum err reset_request_form(struct req *req, struct resp *resp)
{
	json_t *m = json_pack("{s:{s:s}, s:s, s:b}", "form", "email", "", "csrf",
			      pages_csrf(req, resp), "sent", false);
	pages_form_ok(m);
	resp_page(resp, "account/reset_request", m);
	return E_OK;
}

/*
 * POST /password/reset
 * Public (CSRF double-submit).  Form: email.  The answer is the same
 * whether or not the address has an account: a page saying that a link was
 * sent if it has.  At most RESET_MAX_PER_HOUR mails per account and hour.
 */
enum err reset_request(struct req *req, struct resp *resp)
{
	const char *typed = req_form(req, "email");
	const char *email = account_email(req->arena, typed);
	if (email == NULL) {
		json_t *errors = json_pack("{s:s}", "email", _("Enter a valid e-mail address."));
		json_t *m = json_pack("{s:{s:s}, s:s, s:b}", "form", "email", typed != NULL ? typed : "",
				      "csrf", pages_csrf(req, resp), "sent", false);
		return pages_form_invalid(req, resp, "account/reset_request", m, errors);
	}
	struct person p;
	enum err rc = db_person_by_email(req->db, req->arena, email, &p);
	if (rc != E_OK && rc != E_NOTFOUND)
		return rc;
	if (rc == E_OK && p.active && p.erased_at == NULL) {
		if ((rc = account_begin(req)) != E_OK)
			return rc;
		char token[TOKEN_LEN + 1];
		int64_t id;
		rc = db_links_expire(req->db, p.id, LINK_PASSWORD_RESET, pages_now(req));
		if (rc == E_OK)
			rc = link_create(req->db, LINK_PASSWORD_RESET, p.id, email, NULL, 0,
					 (time_t)req->now, LINK_TTL_PASSWORD_RESET, token, &id);
		json_t *data = json_pack("{s:s, s:s}", "name", p.name, "url",
					 arena_printf(req->arena, "%s/password/reset/%s",
						      pages_base_url(req), token));
		if (rc == E_OK)
			rc = pages_mail(req, "password_reset", "mail/password_reset", email, p.id,
					p.lang, data);
		json_decref(data);
		if (rc == E_OK)
			rc = pages_audit(req, "password.reset_requested", "person", p.id, NULL, NULL);
		if (rc == E_OK)
			rc = account_commit(req);
		else
			db_rollback(req->db);
		if (rc != E_OK)
			return rc;
	} else {
		/* Spend about the time a known address costs. */
		password_verify("not a password", NULL);
	}
	json_t *m = json_pack("{s:{s:s}, s:s, s:b}", "form", "email", email, "csrf",
			      pages_csrf(req, resp), "sent", true);
	pages_form_ok(m);
	resp_page(resp, "account/reset_request", m);
	return E_OK;
}

static const char *const reset_kinds[] = {LINK_PASSWORD_RESET, LINK_SET_PASSWORD, NULL};

/*
 * GET /password/reset/{token}
 * Public, with the link.  The form for a new password; 404/410 with a way
 * to ask for a new link when the link is unknown, used or expired.
 */
enum err reset_form(struct req *req, struct resp *resp)
{
	struct link_row l;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), reset_kinds,
				 (time_t)req->now, &l, &state);
	if (rc != E_OK)
		return rc;
	if (state != LINK_VALID)
		return account_link_problem(req, resp, state, "/password/reset", _("Ask for a new link"));
	json_t *m = json_pack("{s:s}", "csrf", pages_csrf(req, resp));
	pages_form_ok(m);
	resp_page(resp, "account/reset", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /password/reset/{token}
 * Public (CSRF double-submit), with the link.  Form: password,
 * password_again.  Sets the password, ends every other session, signs the
 * person in: 303 to the profile.  422 with field errors.
 */
enum err reset(struct req *req, struct resp *resp)
{
	struct link_row l;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), reset_kinds,
				 (time_t)req->now, &l, &state);
	if (rc != E_OK)
		return rc;
	if (state != LINK_VALID)
		return account_link_problem(req, resp, state, "/password/reset", _("Ask for a new link"));
	struct person p;
	rc = db_person_by_id(req->db, req->arena, l.person_id, &p);
	if (rc != E_OK || !p.active || p.erased_at != NULL)
		return account_link_problem(req, resp, LINK_UNKNOWN, "/password/reset", _("Ask for a new link"));
	json_t *errors = json_object();
	const char *pw = account_new_password(req, p.email, errors);
	if (pw == NULL) {
		json_t *m = json_pack("{s:s}", "csrf", pages_csrf(req, resp));
		return pages_form_invalid(req, resp, "account/reset", m, errors);
	}
	json_decref(errors);
	char hash[PASSWORD_HASH_MAX];
	if ((rc = password_hash(pw, hash)) != E_OK)
		return rc;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_link_use(req->db, l.id, pages_now(req));
	if (rc == E_OK)
		rc = db_person_set_password(req->db, p.id, hash, pages_now(req));
	if (rc == E_OK)
		rc = db_sessions_delete_person(req->db, p.id, NULL);
	if (rc == E_OK) {
		struct actor *a = arena_zalloc(req->arena, sizeof *a);
		a->person_id = p.id;
		req->actor = a;
		rc = pages_audit(req, "password.set", "person", p.id, NULL, NULL);
	}
	if (rc == E_OK)
		rc = account_start_session(req, resp, p.id);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return account_link_problem(req, resp, LINK_USED, "/password/reset", _("Ask for a new link"));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, "/profile?password=changed");
	return E_OK;
}

static const char *const invitation_kinds[] = {LINK_INVITATION, NULL};

/* Reads an invitation's grant and suggested name from its payload. */
static bool parse_grant(struct arena *a, const char *payload, struct grant *g, const char **name)
{
	json_t *j = json_loads(payload, 0, NULL);
	const char *kind = json_string_value(json_object_get(j, "kind"));
	const char *role = json_string_value(json_object_get(j, "role"));
	const char *n = json_string_value(json_object_get(j, "name"));
	/* kind "x": an account without a role (staff grant one later). */
	bool ok = kind != NULL && role != NULL && strlen(kind) == 1 &&
		  (kind[0] == 'x' || role_find(role, kind[0]) != NULL);
	if (ok) {
		g->kind = kind[0];
		g->role = arena_strdup(a, role);
		g->object_id = json_integer_value(json_object_get(j, "object_id"));
		*name = n != NULL ? arena_strdup(a, n) : NULL;
	}
	json_decref(j);
	return ok;
}

/* What an invitation grants, in words, in the current language. */
const char *account_grant_text(struct req *req, const struct grant *g)
{
	if (g->kind == 'x')
		return _("a personal account");
	const struct role_info *ri = role_find(g->role, g->kind);
	const char *role = ri != NULL ? _(ri->name) : g->role;
	if (g->kind == 'g')
		return role;
	const char *object = NULL;
	struct db_stmt *st;
	static const char *const org_sql = "SELECT name FROM organisations WHERE id = $1";
	static const char *const net_sql_sv = "SELECT name_sv FROM networks WHERE id = $1";
	static const char *const net_sql_en = "SELECT name_en FROM networks WHERE id = $1";
	const char *sql = g->kind == 'o' ? org_sql
					 : strcmp(req->lang, "en") == 0 ? net_sql_en : net_sql_sv;
	if (db_prepare(req->db, sql, &st) == E_OK) {
		db_bind_int(st, 1, g->object_id);
		bool row;
		if (db_step(st, &row) == E_OK && row)
			object = arena_strdup(req->arena, db_col_text(st, 0));
		db_done(st);
	}
	return arena_printf(req->arena, "%s, %s", role, object != NULL ? object : "?");
}

/* An invitation's payload: the grant and the invitee's name. */
static char *invitation_payload(struct req *req, const struct grant *g, const char *name)
{
	char kind[2] = {g->kind, '\0'};
	json_t *payload = json_pack("{s:s, s:s, s:I, s:o}", "kind", kind, "role", g->role,
				    "object_id", (json_int_t)g->object_id, "name", pages_str(name));
	char *text = jsonmem_dump(req->arena, payload, JSON_COMPACT);
	json_decref(payload);
	return text;
}

enum err account_invite_or_upgrade(struct req *req, const char *email, const char *name,
				   const char *lang, const struct grant *g)
{
	int64_t n = 0;
	enum err rc = db_invitations_upgrade(req->db, email, invitation_payload(req, g, name),
					     pages_now(req), &n);
	if (rc != E_OK || n == 0)
		return rc != E_OK ? rc : account_invite(req, email, name, lang, g);
	char kind[2] = {g->kind, '\0'};
	json_t *after = json_pack("{s:s, s:s, s:s, s:I}", "email", "[personal data]", "kind", kind,
				  "role", g->role, "object_id", (json_int_t)g->object_id);
	rc = pages_audit(req, "invitation.upgrade", "invitation", 0, NULL, after);
	json_decref(after);
	return rc;
}

enum err account_invite(struct req *req, const char *email, const char *name, const char *lang,
			const struct grant *g)
{
	char kind[2] = {g->kind, '\0'};
	char *text = invitation_payload(req, g, name);
	char token[TOKEN_LEN + 1];
	int64_t id = 0;
	enum err rc = link_create(req->db, LINK_INVITATION, 0, email, text, req->actor->person_id,
				  (time_t)req->now, LINK_TTL_INVITATION, token, &id);
	if (rc != E_OK)
		return rc;
	/* The mail speaks the invitee's language, including the role's name. */
	i18n_use(lang);
	json_t *data = json_pack("{s:s, s:o, s:s, s:s}", "inviter",
				 req->actor->name != NULL ? req->actor->name : "natverk", "name",
				 pages_str(name), "grant", account_grant_text(req, g), "url",
				 arena_printf(req->arena, "%s/invitations/%s", pages_base_url(req), token));
	rc = pages_mail(req, "invitation", "mail/invitation", email, 0, lang, data);
	i18n_use(req->lang);
	json_decref(data);
	if (rc != E_OK)
		return rc;
	json_t *after = json_pack("{s:s, s:s, s:s, s:I}", "email", "[personal data]", "kind", kind,
				  "role", g->role, "object_id", (json_int_t)g->object_id);
	rc = pages_audit(req, "invitation.create", "invitation", id, NULL, after);
	json_decref(after);
	return rc;
}

static json_t *invitation_model(struct req *req, struct resp *resp, const struct link_row *l,
				const struct grant *g, const char *name, bool has_account)
{
	const char *typed = req_form(req, "name");
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:b, s:b, s:s, s:s}", "email", l->email,
			 "grant", account_grant_text(req, g), "form", "name",
			 typed != NULL ? typed : (name != NULL ? name : ""), "lang", lang, "langs",
			 lang_options(lang),
			 "has_account", has_account, "signed_in_as_invitee",
			 req->actor->email != NULL && strcmp(req->actor->email, l->email) == 0,
			 "signin_url", arena_printf(req->arena, "/signin?next=%%2Finvitations%%2F%s",
						    req_param(req, "token")),
			 "csrf", pages_csrf(req, resp));
}

/* Loads and checks an invitation; on a problem fills the response. */
static enum err load_invitation(struct req *req, struct resp *resp, struct link_row *l,
				struct grant *g, const char **name, bool *usable)
{
	*usable = false;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), invitation_kinds,
				 (time_t)req->now, l, &state);
	if (rc != E_OK)
		return rc;
	if (state == LINK_VALID && !parse_grant(req->arena, l->payload, g, name))
		state = LINK_UNKNOWN;
	if (state != LINK_VALID) {
		const char *renew = state == LINK_EXPIRED
					    ? arena_printf(req->arena, "/invitations/%s/renew",
							   req_param(req, "token"))
					    : NULL;
		return account_link_problem(req, resp, state, renew, _("Send me a new invitation"));
	}
	*usable = true;
	return E_OK;
}

/*
 * GET /invitations/{token}
 * Public, with the link.  Who invites whom to what, and the form to create
 * the account (or, when the address has one, to sign in and accept).
 * 404/410 for unknown, used or expired links (expired ones offer a new one).
 */
enum err invitation_form(struct req *req, struct resp *resp)
{
	struct link_row l;
	struct grant g;
	const char *name = NULL;
	bool usable;
	enum err rc = load_invitation(req, resp, &l, &g, &name, &usable);
	if (rc != E_OK || !usable)
		return rc;
	struct person p;
	rc = db_person_by_email(req->db, req->arena, l.email, &p);
	if (rc != E_OK && rc != E_NOTFOUND)
		return rc;
	json_t *m = invitation_model(req, resp, &l, &g, name, rc == E_OK);
	pages_form_ok(m);
	resp_page(resp, "account/invitation", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /invitations/{token}
 * Public (CSRF), with the link.  Without an account: form name, lang,
 * password, password_again creates it, grants the invitation and signs in.
 * With an account: the invitee, signed in, accepts.  303 to the profile;
 * 422 with field errors; 403 when signed in as someone else.
 */
enum err invitation_accept(struct req *req, struct resp *resp)
{
	struct link_row l;
	struct grant g;
	const char *name = NULL;
	bool usable;
	enum err rc = load_invitation(req, resp, &l, &g, &name, &usable);
	if (rc != E_OK || !usable)
		return rc;
	struct person p;
	rc = db_person_by_email(req->db, req->arena, l.email, &p);
	if (rc != E_OK && rc != E_NOTFOUND)
		return rc;
	bool has_account = rc == E_OK;
	int64_t person = 0;
	const char *pw = NULL, *lang = NULL, *clean = NULL;
	if (has_account) {
		if (req->actor->person_id != p.id)
			return resp_error(resp, E_FORBIDDEN,
					  _("Sign in with the invited address to accept this invitation."));
		person = p.id;
	} else {
		json_t *errors = json_object();
		clean = account_name(req->arena, req_form(req, "name"));
		lang = account_lang(req_form(req, "lang"), req->lang);
		if (clean == NULL)
			json_object_set_new(errors, "name", json_string(_("Enter your name (at most 200 characters).")));
		pw = account_new_password(req, l.email, errors);
		if (json_object_size(errors) > 0)
			return pages_form_invalid(req, resp, "account/invitation",
						  invitation_model(req, resp, &l, &g, name, false),
						  errors);
		json_decref(errors);
	}
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_link_use(req->db, l.id, pages_now(req));
	if (rc == E_OK && !has_account)
		rc = create_person(req, l.email, clean, lang, pw, &person);
	if (rc == E_OK)
		rc = account_grant(req, person, &g);
	if (rc == E_OK) {
		json_t *after = json_pack("{s:I}", "person", (json_int_t)person);
		rc = pages_audit(req, "invitation.accept", "invitation", l.id, NULL, after);
		json_decref(after);
	}
	if (rc == E_OK && !has_account)
		rc = account_start_session(req, resp, person);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return account_link_problem(req, resp, LINK_USED, NULL, NULL);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, "/profile?invitation=accepted");
	return E_OK;
}

/*
 * POST /invitations/{token}/renew
 * Public (CSRF), with an expired, unused invitation link.  Sends a new
 * invitation with the same grant to the same address (from the original
 * inviter), and says so.  404 for anything but an expired invitation.
 */
enum err invitation_renew(struct req *req, struct resp *resp)
{
	struct link_row l;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), invitation_kinds,
				 (time_t)req->now, &l, &state);
	if (rc != E_OK)
		return rc;
	struct grant g;
	const char *name = NULL;
	if (state != LINK_EXPIRED || !parse_grant(req->arena, l.payload, &g, &name))
		return resp_error(resp, E_NOTFOUND, NULL);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	/* The old link is spent either way: one renewal per expired link. */
	rc = db_link_use(req->db, l.id, pages_now(req));
	struct actor *inviter = arena_zalloc(req->arena, sizeof *inviter);
	struct person by;
	if (rc == E_OK && l.created_by > 0 &&
	    db_person_by_id(req->db, req->arena, l.created_by, &by) == E_OK) {
		inviter->person_id = by.id;
		inviter->name = by.name;
	}
	struct actor *visitor = req->actor;
	req->actor = inviter;
	if (rc == E_OK)
		rc = account_invite(req, l.email, name, req->lang, &g);
	req->actor = visitor;
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return account_link_problem(req, resp, LINK_USED, NULL, NULL);
	if (rc != E_OK)
		return rc;
	resp_page(resp, "account/notice",
		  account_notice(req, resp, _("A new invitation is on its way"),
			       _("We have sent a new invitation link to the invited address.")));
	return E_OK;
}

static const char *const email_kinds[] = {LINK_EMAIL_CHANGE, NULL};

/*
 * GET /email/confirm/{token}
 * Public, with the link mailed to the new address.  Changes the person's
 * address; 200 with a confirmation page; 404/410 for bad links; 409 when
 * another account has taken the address meanwhile.
 */
enum err email_confirm(struct req *req, struct resp *resp)
{
	struct link_row l;
	enum link_state state;
	enum err rc = link_check(req->db, req->arena, req_param(req, "token"), email_kinds,
				 (time_t)req->now, &l, &state);
	if (rc != E_OK)
		return rc;
	if (state != LINK_VALID)
		return account_link_problem(req, resp, state, "/profile", _("Change the address again"));
	json_t *payload = json_loads(l.payload, 0, NULL);
	const char *email = account_email(req->arena, json_string_value(json_object_get(payload, "email")));
	json_decref(payload);
	if (email == NULL)
		return account_link_problem(req, resp, LINK_UNKNOWN, NULL, NULL);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_link_use(req->db, l.id, pages_now(req));
	if (rc == E_OK)
		rc = db_person_set_email(req->db, l.person_id, email, pages_now(req));
	if (rc == E_OK) {
		json_t *before = json_pack("{s:s}", "email", "[personal data]");
		json_t *after = json_pack("{s:s}", "email", "[personal data, changed]");
		rc = pages_audit(req, "person.email_change", "person", l.person_id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT, _("Another account uses this address already."));
	if (rc != E_OK)
		return rc;
	resp_page(resp, "account/notice",
		  account_notice(req, resp, _("Your e-mail address is changed"),
			       arena_printf(req->arena, _("From now on we write to %s."), email)));
	return E_OK;
}
