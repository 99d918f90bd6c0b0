/*
 * profile.c - see profile.h.
 *
 * Personal fields never enter the audit log as values: a change of name,
 * e-mail, phone, position or gender is recorded as "[personal data]" so
 * that erasure leaves no copy behind in the one table nothing may change.
 */
#include "pages/profile.h"

#include <string.h>

#include "auth/links.h"
#include "auth/password.h"
#include "auth/session.h"
#include "db/q_audit.h"
#include "db/q_auth.h"
#include "db/q_organisations.h"
#include "db/q_people.h"
#include "pages/account.h"
#include "pages/common.h"
#include "util/jsonmem.h"
#include "util/str.h"
#include "view/i18n.h"

static const struct {
	const char *value;
	const char *label;
} genders[] = {
	{"", N_("Not given")},
	{"woman", N_("Woman")},
	{"man", N_("Man")},
	{"other", N_("Another gender")},
};

/* The signed-in person's row. */
static enum err me(struct req *req, struct person *p)
{
	return db_person_by_id(req->db, req->arena, req->actor->person_id, p);
}

static json_t *role_list(struct req *req, int64_t person)
{
	json_t *list = json_array();
	struct person_role *roles;
	size_t n;
	if (db_person_roles(req->db, req->arena, person, &roles, &n) != E_OK)
		return list;
	for (size_t i = 0; i < n; i++) {
		const struct role_info *ri = role_find(roles[i].role, roles[i].kind);
		const char *name = ri != NULL ? _(ri->name) : roles[i].role;
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:I, s:s}", "kind",
						      roles[i].kind == 'g' ? "g" : roles[i].kind == 'o' ? "o" : "n",
						      "role", roles[i].role, "object",
						      pages_str(roles[i].object_name),
						      "object_id", (json_int_t)roles[i].object_id,
						      "label", roles[i].object_name != NULL
								       ? arena_printf(req->arena, "%s, %s", name,
										      roles[i].object_name)
								       : name));
	}
	return list;
}

/* The form's values: what was typed when re-showing a form, else stored. */
static json_t *profile_form(const struct person *p, const struct req *req, bool typed)
{
	const char *keys[] = {"name", "email", "phone", "position", "organisation_id", "lang",
			      "gender", "version"};
	char org[24], version[24];
	snprintf(org, sizeof org, "%lld", (long long)p->organisation_id);
	snprintf(version, sizeof version, "%lld", (long long)p->version);
	const char *stored[] = {p->name, p->email, p->phone, p->position,
				p->organisation_id > 0 ? org : "", p->lang, p->gender, version};
	json_t *form = json_object();
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = typed ? req_form(req, keys[i]) : stored[i];
		json_object_set_new(form, keys[i], json_string(v != NULL ? v : ""));
	}
	return form;
}

static json_t *profile_model(struct req *req, struct resp *resp, const struct person *p, bool typed)
{
	json_t *form = profile_form(p, req, typed);
	const char *org = json_string_value(json_object_get(form, "organisation_id"));
	const char *lang = json_string_value(json_object_get(form, "lang"));
	const char *gender = json_string_value(json_object_get(form, "gender"));
	json_t *orgs = json_array();
	struct code_name *cn;
	size_t n;
	if (db_organisation_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(orgs, pages_option(cn[i].code, cn[i].name, org));
	json_t *langs = json_array();
	json_array_append_new(langs, pages_option("sv", "Svenska", lang));
	json_array_append_new(langs, pages_option("en", "English", lang));
	json_t *gs = json_array();
	for (size_t i = 0; i < sizeof genders / sizeof genders[0]; i++) {
		json_t *o = pages_option(genders[i].value, _(genders[i].label), gender);
		json_object_set_new(o, "id", json_string(arena_printf(req->arena, "gender-%s",
								      genders[i].value[0] ? genders[i].value : "none")));
		json_array_append_new(gs, o);
	}
	json_t *sessions = json_array();
	struct session_row *ss;
	if (db_sessions_of(req->db, req->arena, p->id, &ss, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(sessions,
					      json_pack("{s:s, s:s, s:o, s:o, s:b}", "created_at",
							ss[i].created_at, "last_seen_at", ss[i].last_seen_at,
							"client_addr", pages_str(ss[i].client_addr),
							"user_agent", pages_str(ss[i].user_agent), "current",
							ss[i].id == req->actor->session_id));
	const char *notice = NULL;
	if (req_query(req, "saved") != NULL)
		notice = _("Your profile is saved.");
	else if (req_query(req, "email") != NULL)
		notice = _("We have sent a link to the new address. Your address changes when you open it.");
	else if (req_query(req, "password") != NULL)
		notice = _("Your password is changed. Other sessions have been signed out.");
	else if (req_query(req, "invitation") != NULL)
		notice = _("Welcome! The invitation is accepted.");
	return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "form", form, "email",
			 p->email != NULL ? p->email : "", "organisations", orgs, "langs", langs,
			 "genders", gs, "roles", role_list(req, p->id), "sessions", sessions,
			 "notice", pages_str(notice), "csrf", pages_csrf(req, resp));
}

/*
 * GET /profile
 * Signed in.  The person's details as a form, their roles, their sessions.
 */
enum err profile_show(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = me(req, &p)) != E_OK)
		return rc;
	json_t *m = profile_model(req, resp, &p, false);
	pages_form_ok(m);
	resp_page(resp, "profile/show", m);
	resp->no_store = true;
	return E_OK;
}

static bool phone_ok(const char *s)
{
	return strlen(s) <= PHONE_MAX && s[strspn(s, "0123456789 +-()")] == '\0';
}

/* Reads and checks the profile form into *p; errors get the problems. */
static void read_profile(struct req *req, struct person *p, const char **new_email, json_t *errors)
{
	const char *name = account_name(req->arena, req_form(req, "name"));
	if (name == NULL)
		json_object_set_new(errors, "name", json_string(_("Enter your name (at most 200 characters).")));
	else
		p->name = name;
	const char *typed_email = req_form(req, "email");
	const char *email = account_email(req->arena, typed_email);
	if (email == NULL)
		json_object_set_new(errors, "email", json_string(_("Enter a valid e-mail address.")));
	*new_email = email != NULL && (p->email == NULL || strcmp(email, p->email) != 0) ? email : NULL;
	const char *phone = req_form(req, "phone");
	phone = phone != NULL ? str_trim(arena_strdup(req->arena, phone)) : "";
	if (!phone_ok(phone))
		json_object_set_new(errors, "phone",
				    json_string(_("A phone number has at most 40 digits, spaces and + - ( ).")));
	p->phone = phone[0] != '\0' ? phone : NULL;
	const char *position = req_form(req, "position");
	position = position != NULL ? str_trim(arena_strdup(req->arena, position)) : "";
	if (str_utf8_len(position, strlen(position)) > POSITION_MAX_CHARS)
		json_object_set_new(errors, "position", json_string(_("At most 200 characters.")));
	p->position = position[0] != '\0' ? position : NULL;
	const char *org = req_form(req, "organisation_id");
	int64_t org_id = 0;
	bool exists = true;
	if (org != NULL && org[0] != '\0' &&
	    (!str_to_i64(org, 1, INT64_MAX, &org_id) ||
	     db_organisation_exists(req->db, org_id, &exists) != E_OK || !exists))
		json_object_set_new(errors, "organisation_id", json_string(_("Choose an organisation from the list.")));
	p->organisation_id = org_id;
	const char *lang = req_form(req, "lang");
	if (lang == NULL || (strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0))
		json_object_set_new(errors, "lang", json_string(_("Choose Swedish or English.")));
	else
		p->lang = lang;
	const char *gender = req_form(req, "gender");
	if (gender == NULL)
		gender = "";
	bool known = false;
	for (size_t i = 0; i < sizeof genders / sizeof genders[0]; i++)
		known = known || strcmp(genders[i].value, gender) == 0;
	if (!known)
		json_object_set_new(errors, "gender", json_string(_("Choose one of the options.")));
	p->gender = gender[0] != '\0' ? gender : NULL;
	int64_t version;
	if (!str_to_i64(req_form(req, "version"), 1, INT64_MAX, &version))
		json_object_set_new(errors, "version", json_string(_("The form is incomplete; reload the page.")));
	else
		p->version = version;
}

/* The audit record of a profile change: which fields changed, with values
 * only for those that are not personal data. */
static void profile_diff(const struct person *a, const struct person *b, json_t *before,
			 json_t *after)
{
	static const char *const marker = "[personal data]";
#define SAME(x, y) (((x) == NULL && (y) == NULL) || ((x) != NULL && (y) != NULL && strcmp((x), (y)) == 0))
	if (!SAME(a->name, b->name)) {
		json_object_set_new(before, "name", json_string(marker));
		json_object_set_new(after, "name", json_string(marker));
	}
	if (!SAME(a->phone, b->phone)) {
		json_object_set_new(before, "phone", json_string(marker));
		json_object_set_new(after, "phone", json_string(marker));
	}
	if (!SAME(a->position, b->position)) {
		json_object_set_new(before, "position", json_string(marker));
		json_object_set_new(after, "position", json_string(marker));
	}
	if (!SAME(a->gender, b->gender)) {
		json_object_set_new(before, "gender", json_string(marker));
		json_object_set_new(after, "gender", json_string(marker));
	}
	if (!SAME(a->lang, b->lang)) {
		json_object_set_new(before, "lang", json_string(a->lang));
		json_object_set_new(after, "lang", json_string(b->lang));
	}
	if (a->organisation_id != b->organisation_id) {
		json_object_set_new(before, "organisation_id",
				    a->organisation_id > 0 ? json_integer(a->organisation_id) : json_null());
		json_object_set_new(after, "organisation_id",
				    b->organisation_id > 0 ? json_integer(b->organisation_id) : json_null());
	}
#undef SAME
}

/*
 * POST /profile
 * Signed in (CSRF).  Form: name, email, phone, organisation_id, position,
 * lang, gender, version.  303 to /profile; a new e-mail address is only
 * taken once confirmed through a link sent to it.  422 with field errors;
 * 409 when the profile changed since the form was loaded (the form then
 * shows the stored values and which fields differ).
 */
enum err profile_update(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	struct person stored, p;
	if ((rc = me(req, &stored)) != E_OK)
		return rc;
	p = stored;
	json_t *errors = json_object();
	const char *new_email = NULL;
	read_profile(req, &p, &new_email, errors);
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "profile/show", profile_model(req, resp, &stored, true),
					  errors);
	json_decref(errors);
	if (p.version != stored.version) {
		/* Show what is stored now, and name the fields that differ. */
		json_t *before = json_object(), *after = json_object();
		profile_diff(&stored, &p, before, after);
		json_t *fields = json_object();
		const char *key;
		json_t *v;
		json_object_foreach(after, key, v)
		{
			json_object_set_new(fields, key, json_string(_("This field was changed elsewhere.")));
		}
		json_decref(before);
		json_decref(after);
		json_object_set_new(fields, "version",
				    json_string(_("Your profile was changed in another window or by staff since you opened this form. The form now shows what is stored; make your changes again.")));
		rc = pages_form_invalid(req, resp, "profile/show", profile_model(req, resp, &stored, false),
					fields);
		resp->status = 409;
		if (resp->error == E_UNPROCESSABLE)
			resp_error(resp, E_CONFLICT, _("The profile was changed in the meantime."));
		return rc;
	}
	json_t *before = json_object(), *after = json_object();
	profile_diff(&stored, &p, before, after);
	if ((rc = account_begin(req)) != E_OK) {
		json_decref(before);
		json_decref(after);
		return rc;
	}
	rc = db_person_update_profile(req->db, &p, pages_now(req));
	if (rc == E_OK && json_object_size(after) > 0)
		rc = pages_audit(req, "person.update", "person", p.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK && new_email != NULL) {
		char token[TOKEN_LEN + 1];
		int64_t id;
		json_t *payload = json_pack("{s:s}", "email", new_email);
		char *text = jsonmem_dump(req->arena, payload, JSON_COMPACT);
		json_decref(payload);
		rc = db_links_expire(req->db, p.id, LINK_EMAIL_CHANGE, pages_now(req));
		if (rc == E_OK)
			rc = link_create(req->db, LINK_EMAIL_CHANGE, p.id, new_email, text,
					 p.id, (time_t)req->now, LINK_TTL_EMAIL_CHANGE, token, &id);
		json_t *data = json_pack("{s:s, s:s}", "name", p.name, "url",
					 arena_printf(req->arena, "%s/email/confirm/%s",
						      pages_base_url(req), token));
		if (rc == E_OK)
			rc = pages_mail(req, "email_change", "mail/email_change", new_email, p.id,
					p.lang, data);
		json_decref(data);
		if (rc == E_OK)
			rc = pages_audit(req, "person.email_change_requested", "person", p.id, NULL, NULL);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT, _("The profile was changed in the meantime."));
	if (rc != E_OK)
		return rc;
	/* The interface follows the chosen language at once. */
	resp_header(resp, "Set-Cookie",
		    arena_printf(req->arena, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly%s",
				 p.lang, pages_secure_cookies(req) ? "; Secure" : ""));
	resp_redirect(resp, 303, new_email != NULL ? "/profile?email=sent" : "/profile?saved=1");
	return E_OK;
}

/*
 * POST /profile/password
 * Signed in (CSRF).  Form: current_password, password, password_again.
 * Sets the new password and signs out every other session.  303; 422 with
 * field errors (a wrong current password included).
 */
enum err profile_password(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = me(req, &p)) != E_OK)
		return rc;
	json_t *errors = json_object();
	const char *current = req_form(req, "current_password");
	if (current == NULL || strlen(current) > PASSWORD_MAX_BYTES ||
	    !password_verify(current, p.password_hash))
		json_object_set_new(errors, "current_password", json_string(_("The current password is wrong.")));
	const char *pw = account_new_password(req, p.email, errors);
	if (json_object_size(errors) > 0) {
		json_t *m = profile_model(req, resp, &p, false);
		return pages_form_invalid(req, resp, "profile/show", m, errors);
	}
	json_decref(errors);
	char hash[PASSWORD_HASH_MAX];
	if ((rc = password_hash(pw, hash)) != E_OK)
		return rc;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_person_set_password(req->db, p.id, hash, pages_now(req));
	/* Other sessions end; this one goes on. */
	struct session_row *ss;
	size_t n = 0;
	if (rc == E_OK)
		rc = db_sessions_of(req->db, req->arena, p.id, &ss, &n);
	for (size_t i = 0; rc == E_OK && i < n; i++)
		if (ss[i].id != req->actor->session_id)
			rc = db_session_delete(req->db, ss[i].id);
	if (rc == E_OK)
		rc = pages_audit(req, "password.change", "person", p.id, NULL, NULL);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, "/profile?password=changed");
	return E_OK;
}

/*
 * GET /profile/data
 * Signed in.  Everything natverk holds about the person, as a JSON file:
 * profile, roles, sessions, API tokens (names only), mail sent to them, and
 * the audit entries they made or that concern them.
 */
enum err profile_data(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = me(req, &p)) != E_OK)
		return rc;
	json_t *profile = json_pack("{s:I, s:o, s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:s}", "id",
				    (json_int_t)p.id, "email", pages_str(p.email), "name", p.name,
				    "phone", pages_str(p.phone), "organisation",
				    pages_str(p.organisation_name), "position", pages_str(p.position),
				    "lang", p.lang, "gender", pages_str(p.gender), "created_at",
				    p.created_at, "updated_at", p.updated_at);
	json_t *sessions = json_array();
	struct session_row *ss;
	size_t n = 0;
	rc = db_sessions_of(req->db, req->arena, p.id, &ss, &n);
	for (size_t i = 0; rc == E_OK && i < n; i++)
		json_array_append_new(sessions, json_pack("{s:s, s:s, s:s, s:o, s:o}", "created_at",
							  ss[i].created_at, "last_seen_at",
							  ss[i].last_seen_at, "expires_at", ss[i].expires_at,
							  "client_addr", pages_str(ss[i].client_addr),
							  "user_agent", pages_str(ss[i].user_agent)));
	json_t *tokens = json_array();
	struct api_token_row *ts;
	if (rc == E_OK && (rc = db_api_tokens_of(req->db, req->arena, p.id, &ts, &n)) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(tokens, json_pack("{s:s, s:s, s:o, s:o}", "name", ts[i].name,
								"created_at", ts[i].created_at,
								"last_used_at", pages_str(ts[i].last_used_at),
								"revoked_at", pages_str(ts[i].revoked_at)));
	json_t *mails = json_array();
	struct person_mail *ms;
	if (rc == E_OK && (rc = db_person_mails(req->db, req->arena, p.id, p.email, &ms, &n)) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(mails, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind",
							       ms[i].kind, "to", ms[i].to_email, "subject",
							       ms[i].subject, "body", ms[i].body,
							       "queued_at", ms[i].created_at, "sent_at",
							       pages_str(ms[i].sent_at)));
	json_t *audit = json_array();
	for (int pass = 0; rc == E_OK && pass < 2; pass++) {
		struct audit_filter f = {.limit = 10000};
		if (pass == 0)
			f.actor_id = p.id;
		else {
			f.object_type = "person";
			f.object_id = arena_printf(req->arena, "%lld", (long long)p.id);
		}
		struct audit_row *rows;
		int64_t total;
		rc = db_audit_search(req->db, req->arena, &f, &rows, &n, &total);
		for (size_t i = 0; rc == E_OK && i < n; i++)
			json_array_append_new(audit, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
							       (json_int_t)rows[i].id, "at", rows[i].at,
							       "action", rows[i].action, "object_type",
							       rows[i].object_type, "object_id",
							       pages_str(rows[i].object_id), "before",
							       pages_str(rows[i].before_json), "after",
							       pages_str(rows[i].after_json)));
	}
	json_t *interest = json_array();
	struct person_interest *is;
	if (rc == E_OK && (rc = db_person_interest(req->db, req->arena, p.id, p.email, &is, &n)) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    interest,
			    json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "kind",
				      is[i].kind, "id", (json_int_t)is[i].id, "organisation",
				      is[i].organisation, "status", is[i].status, "contact_name",
				      pages_str(is[i].contact_name), "contact_email",
				      pages_str(is[i].contact_email), "contact_phone",
				      pages_str(is[i].contact_phone), "contact_position",
				      pages_str(is[i].contact_position), "message",
				      pages_str(is[i].message), "created_at", is[i].created_at));
	json_t *all = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "exported_at",
				pages_now(req), "profile", profile, "roles", role_list(req, p.id),
				"sessions", sessions, "api_tokens", tokens, "mail", mails,
				"interest", interest, "audit", audit);
	if (rc == E_OK) {
		char *text = jsonmem_dump(req->arena, all, JSON_INDENT(2));
		resp_raw(resp, "application/json", text, strlen(text));
		resp_header(resp, "Content-Disposition", "attachment; filename=\"natverk-my-data.json\"");
		resp->no_store = true;
	}
	json_decref(all);
	return rc;
}

enum err profile_last_admin(struct req *req, int64_t person, bool *last)
{
	*last = false;
	struct person_role *roles;
	size_t n;
	enum err rc = db_person_roles(req->db, req->arena, person, &roles, &n);
	if (rc != E_OK)
		return rc;
	bool admin = false;
	for (size_t i = 0; i < n; i++)
		admin = admin || (roles[i].kind == 'g' && strcmp(roles[i].role, "administrator") == 0);
	int64_t admins = 0;
	if (admin && (rc = db_count_administrators(req->db, &admins)) != E_OK)
		return rc;
	*last = admin && admins <= 1;
	return E_OK;
}

enum err profile_erase_person(struct req *req, int64_t person)
{
	bool last;
	enum err rc = profile_last_admin(req, person, &last);
	if (rc != E_OK)
		return rc;
	if (last)
		return E_CONFLICT;
	struct person p;
	if ((rc = db_person_by_id(req->db, req->arena, person, &p)) != E_OK)
		return rc;
	if (p.erased_at != NULL)
		return E_NOTFOUND;
	rc = db_person_forget(req->db, person, p.email);
	if (rc == E_OK)
		rc = db_person_erase(req->db, person, pages_now(req));
	json_t *after = json_pack("{s:s}", "name", p.pseudonym);
	if (rc == E_OK)
		rc = pages_audit(req, "person.erase", "person", person, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * GET /profile/erase
 * Signed in.  What erasure means, and the form to confirm it.
 */
enum err profile_erase_form(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	json_t *m = json_pack("{s:s}", "csrf", pages_csrf(req, resp));
	pages_form_ok(m);
	resp_page(resp, "profile/erase", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /profile/erase
 * Signed in (CSRF).  Form: password, confirm=yes.  Anonymises the person:
 * their name becomes a pseudonym in every record (the audit log keeps its
 * rows), everything personal is deleted, they are signed out.  200 with a
 * confirmation; 422 with field errors; 409 for the last administrator.
 */
enum err profile_erase(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = me(req, &p)) != E_OK)
		return rc;
	json_t *errors = json_object();
	const char *pw = req_form(req, "password");
	if (pw == NULL || strlen(pw) > PASSWORD_MAX_BYTES || !password_verify(pw, p.password_hash))
		json_object_set_new(errors, "password", json_string(_("The password is wrong.")));
	const char *confirm = req_form(req, "confirm");
	if (confirm == NULL || strcmp(confirm, "yes") != 0)
		json_object_set_new(errors, "confirm", json_string(_("Tick the box to confirm.")));
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "profile/erase",
					  json_pack("{s:s}", "csrf", pages_csrf(req, resp)), errors);
	json_decref(errors);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = profile_erase_person(req, p.id);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT,
				  _("You are the only administrator. Make someone else an administrator first."));
	if (rc != E_OK)
		return rc;
	resp_header(resp, "Set-Cookie",
		    session_cookie(req->arena, SESSION_COOKIE, NULL, pages_secure_cookies(req), 0));
	resp_page(resp, "account/notice",
		  account_notice(req, resp, _("Your data has been erased"),
				 _("Your account is closed and your personal data deleted. Records of what you did remain under a pseudonym.")));
	return E_OK;
}

static json_t *tokens_model(struct req *req, struct resp *resp, const char *new_token)
{
	json_t *list = json_array();
	struct api_token_row *ts;
	size_t n;
	if (db_api_tokens_of(req->db, req->arena, req->actor->person_id, &ts, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:s}", "id",
							      (json_int_t)ts[i].id, "name", ts[i].name,
							      "prefix", ts[i].prefix, "created_at",
							      ts[i].created_at, "last_used_at",
							      pages_str(ts[i].last_used_at), "revoked_at",
							      pages_str(ts[i].revoked_at), "active",
							      ts[i].revoked_at == NULL, "revoke_url",
							      arena_printf(req->arena, "/profile/tokens/%lld/revoke",
									   (long long)ts[i].id)));
	const char *typed = req_form(req, "name");
	return json_pack("{s:o, s:o, s:{s:s}, s:s}", "items", list, "new_token", pages_str(new_token),
			 "form", "name", typed != NULL && new_token == NULL ? typed : "", "csrf",
			 pages_csrf(req, resp));
}

/*
 * GET /profile/tokens
 * Signed in.  The person's API tokens (never the secrets) and a form for a
 * new one.
 */
enum err tokens_index(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	json_t *m = tokens_model(req, resp, NULL);
	pages_form_ok(m);
	resp_page(resp, "profile/tokens", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /profile/tokens
 * Signed in (CSRF).  Form: name.  Creates a token and shows it once (200);
 * only its hash is kept.  422 for a missing name or too many tokens.
 */
enum err tokens_create(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	const char *name = req_form(req, "name");
	name = name != NULL ? str_trim(arena_strdup(req->arena, name)) : "";
	size_t chars = str_utf8_len(name, strlen(name));
	json_t *errors = json_object();
	if (chars == 0 || chars > TOKEN_NAME_MAX_CHARS)
		json_object_set_new(errors, "name", json_string(_("Give the token a name of at most 100 characters.")));
	struct api_token_row *ts;
	size_t n, live = 0;
	if ((rc = db_api_tokens_of(req->db, req->arena, req->actor->person_id, &ts, &n)) != E_OK) {
		json_decref(errors);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		live += ts[i].revoked_at == NULL;
	if (live >= TOKENS_MAX_ACTIVE)
		json_object_set_new(errors, "name", json_string(_("You have 20 tokens; revoke one first.")));
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "profile/tokens", tokens_model(req, resp, NULL), errors);
	json_decref(errors);
	char raw[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_new(raw);
	token_hash(raw, hash);
	const char *full = arena_printf(req->arena, "%s%s", API_TOKEN_PREFIX, raw);
	struct api_token_row t = {.person_id = req->actor->person_id, .name = name,
				  .prefix = arena_strndup(req->arena, full, 10),
				  .created_at = pages_now(req)};
	int64_t id = 0;
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_api_token_insert(req->db, hash, &t, &id);
	json_t *after = json_pack("{s:s}", "name", name);
	if (rc == E_OK)
		rc = pages_audit(req, "api_token.create", "api_token", id, NULL, after);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	json_t *m = tokens_model(req, resp, full);
	pages_form_ok(m);
	resp_page(resp, "profile/tokens", m);
	resp->status = 201;
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /profile/tokens/{id}/revoke
 * Signed in (CSRF).  Revokes one of the person's own tokens: 303 back to
 * the list; 404 for a token that is not theirs or already revoked.
 */
enum err tokens_revoke(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_SELF, 0);
	if (rc != E_OK)
		return rc;
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_api_token_revoke(req->db, req->actor->person_id, id, pages_now(req));
	if (rc == E_OK)
		rc = pages_audit(req, "api_token.revoke", "api_token", id, NULL, NULL);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no such token of yours."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, "/profile/tokens");
	return E_OK;
}
