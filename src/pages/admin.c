/*
 * admin.c - staff pages: people (search, roles, deactivation, erasure),
 * invitations, the audit log, sent mail; and an organisation's members,
 * where its contact person may invite colleagues.
 */
#include "pages/admin.h"

#include <string.h>

#include "auth/actor.h"
#include "db/q_audit.h"
#include "db/q_auth.h"
#include "db/q_mail.h"
#include "db/q_networks.h"
#include "db/q_organisations.h"
#include "db/q_people.h"
#include "domain/eligibility.h"
#include "pages/account.h"
#include "pages/common.h"
#include "pages/profile.h"
#include "util/str.h"
#include "view/i18n.h"

#define PEOPLE_MAX_QUERY 100

/*
 * GET /admin
 * Staff.  Links to what the person may administer.
 */
enum err admin_home(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PEOPLE_VIEW, 0);
	if (rc != E_OK)
		return rc;
	const struct actor *a = req->actor;
	resp_page(resp, "admin/home",
		  json_pack("{s:b, s:b, s:b, s:b, s:b, s:b}", "people",
			    policy_allows(a, ACT_PEOPLE_VIEW, 0), "invite",
			    policy_allows(a, ACT_INVITE_ORG, 0), "audit",
			    policy_allows(a, ACT_AUDIT_VIEW, 0), "mail", policy_allows(a, ACT_MAIL_VIEW, 0),
			    "networks", policy_allows(a, ACT_NETWORK_MANAGE, 0), "triage",
			    policy_allows(a, ACT_TRIAGE, 0)));
	return E_OK;
}

static const char *role_label(const char *code, char kind)
{
	const struct role_info *ri = role_find(code, kind);
	return ri != NULL ? _(ri->name) : code;
}

static json_t *person_item(struct req *req, const struct person *p)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:b, s:b, s:s}", "id", (json_int_t)p->id, "name",
			 p->name, "email", pages_str(p->email), "organisation",
			 pages_str(p->organisation_name), "active", p->active, "erased",
			 p->erased_at != NULL, "url",
			 arena_printf(req->arena, "/admin/people/%lld", (long long)p->id));
}

/* Options for a role filter or a role to grant: every role, grouped. */
static json_t *role_options(const char *current, char only_kind)
{
	json_t *list = json_array();
	for (size_t i = 0; i < role_ninfos; i++)
		if (only_kind == 0 || role_infos[i].kind == only_kind)
			json_array_append_new(list, pages_option(role_infos[i].code,
								 _(role_infos[i].name), current));
	return list;
}

/*
 * GET /admin/people
 * Staff (people.view).  Query: q (name or e-mail), role, organisation (id),
 * active (1 or 0), page, per_page.  200 with the list; 400 naming a bad
 * parameter.
 */
enum err admin_people(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PEOPLE_VIEW, 0);
	if (rc != E_OK)
		return rc;
	struct people_filter f = {.active = -1};
	const char *q = pages_query(req, "q");
	if (q != NULL && str_utf8_len(q, strlen(q)) > PEOPLE_MAX_QUERY)
		resp_field_error(resp, "q", _("must be at most 100 characters"));
	else if (q != NULL) {
		char *lower = arena_strdup(req->arena, q);
		for (char *p = lower; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		f.folded = str_trim(lower);
	}
	f.role = pages_query(req, "role");
	if (f.role != NULL && role_find(f.role, 0) == NULL)
		resp_field_error(resp, "role", _("must be a role code, such as member"));
	const char *org = pages_query(req, "organisation");
	if (org != NULL && !str_to_i64(org, 1, INT64_MAX, &f.org_id))
		resp_field_error(resp, "organisation", _("must be an organisation number"));
	const char *active = pages_query(req, "active");
	if (active != NULL && strcmp(active, "1") != 0 && strcmp(active, "0") != 0)
		resp_field_error(resp, "active", _("must be 1 or 0"));
	else if (active != NULL)
		f.active = active[0] == '1';
	struct paging pg;
	pages_paging(req, resp, &pg);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	f.limit = pg.per_page;
	f.offset = pg.offset;
	struct person *rows;
	size_t n;
	int64_t total;
	if ((rc = db_people_search(req->db, req->arena, &f, &rows, &n, &total)) != E_OK)
		return rc;
	paging_set_total(&pg, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, person_item(req, &rows[i]));
	resp_page(resp, "admin/people", pages_list_model(items, &pg));
	resp->no_store = true;
	if (req->wants_json)
		return E_OK;
	json_t *orgs = json_array();
	struct code_name *cn;
	size_t norgs;
	if (db_organisation_options(req->db, req->arena, &cn, &norgs) == E_OK)
		for (size_t i = 0; i < norgs; i++)
			json_array_append_new(orgs, pages_option(cn[i].code, cn[i].name, org));
	json_t *states = json_array();
	json_array_append_new(states, pages_option("1", _("Active"), active));
	json_array_append_new(states, pages_option("0", _("Deactivated"), active));
	resp->view = json_pack("{s:{s:s, s:s, s:o, s:o, s:o}, s:o, s:b}", "filters", "q",
			       q != NULL ? q : "", "active", active != NULL ? active : "", "roles",
			       role_options(f.role, 0), "organisations", orgs, "states", states,
			       "pager", pages_pager(req, &pg), "has_items", n > 0);
	return E_OK;
}

/* Loads the person named by the {id} parameter; E_NOTFOUND otherwise. */
static enum err load_person(struct req *req, struct resp *resp, struct person *p)
{
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	enum err rc = db_person_by_id(req->db, req->arena, id, p);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no person with this number."));
	return rc;
}

static json_t *person_model(struct req *req, struct resp *resp, const struct person *p)
{
	json_t *roles = json_array();
	struct person_role *rs;
	size_t n;
	if (db_person_roles(req->db, req->arena, p->id, &rs, &n) == E_OK)
		for (size_t i = 0; i < n; i++) {
			char kind[2] = {rs[i].kind, '\0'};
			const char *label = role_label(rs[i].role, rs[i].kind);
			json_array_append_new(
				roles, json_pack("{s:s, s:s, s:I, s:s}", "kind", kind, "role", rs[i].role,
						 "object_id", (json_int_t)rs[i].object_id, "label",
						 rs[i].object_name != NULL
							 ? arena_printf(req->arena, "%s, %s", label,
									rs[i].object_name)
							 : label));
		}
	json_t *orgs = json_array();
	struct code_name *cn;
	if (db_organisation_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(orgs, pages_option(cn[i].code, cn[i].name, NULL));
	json_t *networks = json_array();
	if (db_network_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(networks,
					      pages_option(cn[i].code,
							   strcmp(req->lang, "en") == 0 ? cn[i].name
											: cn[i].name_sv,
							   NULL));
	bool manage = policy_allows(req->actor, ACT_PERSON_MANAGE, 0);
	json_t *m = person_item(req, p);
	json_object_set_new(m, "phone", pages_str(p->phone));
	json_object_set_new(m, "position", pages_str(p->position));
	json_object_set_new(m, "lang", json_string(p->lang));
	json_object_set_new(m, "created_at", json_string(p->created_at));
	json_object_set_new(m, "roles", roles);
	if (req->wants_json)
		return m;
	json_object_set_new(m, "manage", json_boolean(manage && p->erased_at == NULL));
	json_object_set_new(m, "global_roles", role_options(NULL, 'g'));
	json_object_set_new(m, "org_roles", role_options(NULL, 'o'));
	json_object_set_new(m, "network_roles", role_options(NULL, 'n'));
	json_object_set_new(m, "organisations", orgs);
	json_object_set_new(m, "networks", networks);
	json_object_set_new(m, "has_networks", json_boolean(json_array_size(networks) > 0));
	json_object_set_new(m, "csrf", json_string(pages_csrf(req, resp)));
	json_object_set_new(m, "audit_url", json_string(arena_printf(req->arena, "/admin/audit?person=%lld",
								      (long long)p->id)));
	return m;
}

/*
 * GET /admin/people/{id}
 * Staff (people.view).  One person with their roles; for administrators
 * the forms to change roles, deactivate or erase.
 */
enum err admin_person(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PEOPLE_VIEW, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = load_person(req, resp, &p)) != E_OK)
		return rc;
	json_t *m = person_model(req, resp, &p);
	pages_form_ok(m);
	resp_page(resp, "admin/person", m);
	resp->no_store = true;
	return E_OK;
}

/* Reads a grant from the form (kind, role, object_id); errors explain. */
static bool read_grant(struct req *req, struct grant *g, json_t *errors)
{
	const char *kind = req_form(req, "kind");
	const char *role = req_form(req, "role");
	if (kind == NULL || strlen(kind) != 1 || strchr("gon", kind[0]) == NULL ||
	    role_find(role, kind[0]) == NULL) {
		json_object_set_new(errors, "role", json_string(_("Choose a role.")));
		return false;
	}
	g->kind = kind[0];
	g->role = role;
	g->object_id = 0;
	if (g->kind == 'g')
		return true;
	const char *field = g->kind == 'o' ? "organisation_id" : "network_id";
	bool exists = false;
	if (!str_to_i64(req_form(req, field), 1, INT64_MAX, &g->object_id) ||
	    (g->kind == 'o' ? db_organisation_exists(req->db, g->object_id, &exists)
			    : db_network_exists(req->db, g->object_id, &exists)) != E_OK ||
	    !exists) {
		json_object_set_new(errors, field,
				    json_string(g->kind == 'o' ? _("Choose an organisation from the list.")
							       : _("Choose a network from the list.")));
		return false;
	}
	return true;
}

/*
 * POST /admin/people/{id}/roles
 * Administrator (CSRF).  Form: action (add, remove), kind (g, o, n), role,
 * organisation_id or network_id.  303 back to the person; 422 for a bad
 * choice; 409 when it would remove the last administrator.
 */
enum err admin_person_roles(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PERSON_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = load_person(req, resp, &p)) != E_OK)
		return rc;
	if (p.erased_at != NULL)
		return resp_error(resp, E_CONFLICT, _("This person has been erased."));
	const char *action = req_form(req, "action");
	bool add = action != NULL && strcmp(action, "add") == 0;
	bool remove = action != NULL && strcmp(action, "remove") == 0;
	json_t *errors = json_object();
	struct grant g;
	if (!add && !remove)
		json_object_set_new(errors, "action", json_string(_("Choose to add or remove.")));
	if ((add || remove) && !read_grant(req, &g, errors)) {
		/* errors filled */
	}
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "admin/person", person_model(req, resp, &p), errors);
	json_decref(errors);
	if (remove && g.kind == 'g' && strcmp(g.role, "administrator") == 0) {
		bool last;
		if ((rc = profile_last_admin(req, p.id, &last)) != E_OK)
			return rc;
		if (last)
			return resp_error(resp, E_CONFLICT, _("This is the only administrator. Make someone else an administrator first."));
	}
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	if (add) {
		rc = account_grant(req, p.id, &g);
	} else {
		if (g.kind == 'g')
			rc = db_role_revoke(req->db, p.id, g.role);
		else if (g.kind == 'o')
			rc = db_org_member_remove(req->db, p.id, g.object_id, g.role);
		else
			rc = db_network_member_remove(req->db, p.id, g.object_id, g.role);
		char kind[2] = {g.kind, '\0'};
		json_t *before = json_pack("{s:s, s:s, s:I}", "kind", kind, "role", g.role, "object_id",
					   (json_int_t)g.object_id);
		if (rc == E_OK)
			rc = pages_audit(req, "role.revoke", "person", p.id, before, NULL);
		json_decref(before);
	}
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/people/%lld", (long long)p.id));
	return E_OK;
}

/*
 * POST /admin/people/{id}/active
 * Administrator (CSRF).  Form: active (1 or 0).  Deactivating signs the
 * person out everywhere and revokes their API tokens.  303 back; 409 for
 * the last administrator.
 */
enum err admin_person_active(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PERSON_MANAGE, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = load_person(req, resp, &p)) != E_OK)
		return rc;
	const char *v = req_form(req, "active");
	if (v == NULL || (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)) {
		resp_field_error(resp, "active", _("must be 1 or 0"));
		return E_INVALID;
	}
	bool active = v[0] == '1';
	if (!active) {
		bool last;
		if ((rc = profile_last_admin(req, p.id, &last)) != E_OK)
			return rc;
		if (last)
			return resp_error(resp, E_CONFLICT, _("This is the only administrator. Make someone else an administrator first."));
	}
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = db_person_set_active(req->db, p.id, active, pages_now(req));
	if (rc == E_OK && !active)
		rc = db_sessions_delete_person(req->db, p.id, NULL);
	if (rc == E_OK && !active)
		rc = db_api_tokens_revoke_all(req->db, p.id, pages_now(req));
	json_t *before = json_pack("{s:b}", "active", p.active);
	json_t *after = json_pack("{s:b}", "active", active);
	if (rc == E_OK)
		rc = pages_audit(req, active ? "person.reactivate" : "person.deactivate", "person", p.id,
				 before, after);
	json_decref(before);
	json_decref(after);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_CONFLICT, _("This person has been erased."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/people/%lld", (long long)p.id));
	return E_OK;
}

/*
 * POST /admin/people/{id}/erase
 * Administrator (CSRF).  Form: confirm=yes.  Erases the person on their
 * request (see profile_erase_person).  303 back; 422 without confirmation;
 * 409 for the last administrator or an erased person.
 */
enum err admin_person_erase(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PERSON_ERASE, 0);
	if (rc != E_OK)
		return rc;
	struct person p;
	if ((rc = load_person(req, resp, &p)) != E_OK)
		return rc;
	const char *confirm = req_form(req, "confirm");
	if (confirm == NULL || strcmp(confirm, "yes") != 0) {
		json_t *errors = json_pack("{s:s}", "confirm", _("Tick the box to confirm."));
		return pages_form_invalid(req, resp, "admin/person", person_model(req, resp, &p), errors);
	}
	if ((rc = account_begin(req)) != E_OK)
		return rc;
	rc = profile_erase_person(req, p.id);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_CONFLICT)
		return resp_error(resp, E_CONFLICT, _("This is the only administrator. Make someone else an administrator first."));
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_CONFLICT, _("This person has been erased."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, arena_printf(req->arena, "/admin/people/%lld", (long long)p.id));
	return E_OK;
}

/* The invitation form's model: what may be granted by this actor. */
static json_t *invite_model(struct req *req, struct resp *resp, int64_t fixed_org)
{
	const char *kind = req_form(req, "kind");
	const char *role = req_form(req, "role");
	json_t *m = json_pack("{s:{s:s, s:s, s:s}, s:s, s:b}", "form", "email",
			      req_form(req, "email") != NULL ? req_form(req, "email") : "", "name",
			      req_form(req, "name") != NULL ? req_form(req, "name") : "", "lang",
			      account_lang(req_form(req, "lang"), req->lang), "csrf",
			      pages_csrf(req, resp), "sent", req_query(req, "sent") != NULL);
	json_t *choices = json_array();
	/* One list of "kind:role" choices the actor may grant. */
	for (size_t i = 0; i < role_ninfos; i++) {
		const struct role_info *ri = &role_infos[i];
		bool allowed = ri->kind == 'g' ? policy_allows(req->actor, ACT_INVITE_GLOBAL, 0)
			       : ri->kind == 'o'
				       ? (fixed_org > 0 ? policy_allows(req->actor, ACT_INVITE_ORG, fixed_org)
							: policy_allows(req->actor, ACT_PEOPLE_VIEW, 0) &&
								  policy_allows(req->actor, ACT_INVITE_ORG, 0))
				       : fixed_org == 0 && policy_allows(req->actor, ACT_INVITE_NETWORK, 0);
		if (!allowed)
			continue;
		char value[64];
		snprintf(value, sizeof value, "%c:%s", ri->kind, ri->code);
		const char *group = ri->kind == 'g' ? _("Programme-wide") : ri->kind == 'o' ? _("In an organisation") : _("In a network");
		json_t *o = pages_option(value, arena_printf(req->arena, "%s – %s", group, _(ri->name)),
					 NULL);
		json_object_set_new(o, "selected", json_boolean(kind != NULL && role != NULL &&
								kind[0] == ri->kind &&
								strcmp(role, ri->code) == 0));
		json_array_append_new(choices, o);
	}
	json_object_set_new(m, "grants", choices);
	json_t *orgs = json_array();
	struct code_name *cn;
	size_t n;
	const char *org_sel = req_form(req, "organisation_id");
	if (fixed_org == 0 && db_organisation_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(orgs, pages_option(cn[i].code, cn[i].name, org_sel));
	json_object_set_new(m, "organisations", orgs);
	json_object_set_new(m, "choose_org", json_boolean(fixed_org == 0));
	json_t *networks = json_array();
	if (fixed_org == 0 && db_network_options(req->db, req->arena, &cn, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(networks,
					      pages_option(cn[i].code,
							   strcmp(req->lang, "en") == 0 ? cn[i].name : cn[i].name_sv,
							   req_form(req, "network_id")));
	json_object_set_new(m, "networks", networks);
	json_object_set_new(m, "has_networks", json_boolean(json_array_size(networks) > 0));
	json_t *langs = json_array();
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	json_array_append_new(langs, pages_option("sv", "Svenska", lang));
	json_array_append_new(langs, pages_option("en", "English", lang));
	json_object_set_new(m, "langs", langs);
	json_object_set_new(m, "action", json_string(fixed_org > 0 ? arena_printf(req->arena, "/organisations/%lld/invitations", (long long)fixed_org) : "/admin/invitations"));
	return m;
}

/* Reads and checks an invitation form and sends it.  fixed_org > 0: the
 * organisation is given by the URL (a contact person's page). */
static enum err invite(struct req *req, struct resp *resp, int64_t fixed_org, const char *back)
{
	json_t *errors = json_object();
	const char *email = account_email(req->arena, req_form(req, "email"));
	if (email == NULL)
		json_object_set_new(errors, "email", json_string(_("Enter a valid e-mail address.")));
	const char *typed_name = req_form(req, "name");
	const char *name = typed_name != NULL && typed_name[0] != '\0'
				   ? account_name(req->arena, typed_name)
				   : NULL;
	if (typed_name != NULL && typed_name[0] != '\0' && name == NULL)
		json_object_set_new(errors, "name", json_string(_("At most 200 characters.")));
	const char *lang = account_lang(req_form(req, "lang"), req->lang);
	struct grant g = {0};
	const char *choice = req_form(req, "grant");
	const struct role_info *ri = NULL;
	if (choice != NULL && strlen(choice) > 2 && choice[1] == ':')
		ri = role_find(choice + 2, choice[0]);
	if (ri == NULL) {
		json_object_set_new(errors, "grant", json_string(_("Choose what the person is invited to.")));
	} else {
		g.kind = ri->kind;
		g.role = ri->code;
		bool exists = false;
		if (g.kind == 'o' && fixed_org > 0) {
			g.object_id = fixed_org;
		} else if (g.kind != 'g') {
			const char *field = g.kind == 'o' ? "organisation_id" : "network_id";
			if (!str_to_i64(req_form(req, field), 1, INT64_MAX, &g.object_id) ||
			    (g.kind == 'o' ? db_organisation_exists(req->db, g.object_id, &exists)
					   : db_network_exists(req->db, g.object_id, &exists)) != E_OK ||
			    !exists)
				json_object_set_new(errors, field,
						    json_string(g.kind == 'o' ? _("Choose an organisation from the list.")
									      : _("Choose a network from the list.")));
		}
		enum action act = g.kind == 'g' ? ACT_INVITE_GLOBAL
				  : g.kind == 'o' ? ACT_INVITE_ORG : ACT_INVITE_NETWORK;
		if (json_object_size(errors) == 0 && !policy_allows(req->actor, act, g.object_id)) {
			json_decref(errors);
			return resp_error(resp, E_FORBIDDEN, _("You may not invite people to that."));
		}
	}
	if (json_object_size(errors) > 0)
		return pages_form_invalid(req, resp, "admin/invite", invite_model(req, resp, fixed_org), errors);
	json_decref(errors);
	enum err rc = account_begin(req);
	if (rc != E_OK)
		return rc;
	rc = account_invite(req, email, name, lang, &g);
	if (rc == E_OK)
		rc = account_commit(req);
	else
		db_rollback(req->db);
	if (rc == E_INVALID)
		return resp_error(resp, E_UNPROCESSABLE, _("This address cannot receive mail."));
	if (rc != E_OK)
		return rc;
	resp_redirect(resp, 303, back);
	return E_OK;
}

/*
 * GET /admin/invitations
 * Staff who may invite (administrators and programme officers).  The form
 * to invite someone by e-mail to a role.
 */
enum err admin_invitations_form(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PEOPLE_VIEW, 0);
	if (rc == E_OK && !policy_allows(req->actor, ACT_INVITE_ORG, 0))
		rc = resp_error(resp, E_FORBIDDEN, NULL);
	if (rc != E_OK)
		return rc;
	json_t *m = invite_model(req, resp, 0);
	pages_form_ok(m);
	resp_page(resp, "admin/invite", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /admin/invitations
 * Staff (CSRF).  Form: email, name (optional), lang, grant ("o:member",
 * "g:finance_officer", "n:mentor", ...), organisation_id or network_id.
 * Mails a single-use link valid 7 days.  303 to the form with a
 * confirmation; 422 with field errors; 403 for a role the actor may not
 * give.
 */
enum err admin_invitations_create(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_PEOPLE_VIEW, 0);
	if (rc != E_OK)
		return rc;
	return invite(req, resp, 0, "/admin/invitations?sent=1");
}

/*
 * GET /admin/audit
 * Administrators and programme officers.  Query: person (id), object_type,
 * object_id, action (prefix), from, to (YYYY-MM-DD), page, per_page.
 * Newest first.
 */
enum err admin_audit(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_AUDIT_VIEW, 0);
	if (rc != E_OK)
		return rc;
	struct audit_filter f = {0};
	const char *person = pages_query(req, "person");
	if (person != NULL && !str_to_i64(person, 1, INT64_MAX, &f.actor_id))
		resp_field_error(resp, "person", _("must be a person's number"));
	f.object_type = pages_query(req, "object_type");
	if (f.object_type != NULL && (strlen(f.object_type) > 40 ||
				      f.object_type[strspn(f.object_type, "abcdefghijklmnopqrstuvwxyz_")] != '\0'))
		resp_field_error(resp, "object_type", _("must be a type such as person"));
	f.object_id = pages_query(req, "object_id");
	if (f.object_id != NULL && strlen(f.object_id) > 40)
		resp_field_error(resp, "object_id", _("must be at most 40 characters"));
	f.action = pages_query(req, "action");
	if (f.action != NULL && (strlen(f.action) > 60 ||
				 f.action[strspn(f.action, "abcdefghijklmnopqrstuvwxyz_.")] != '\0'))
		resp_field_error(resp, "action", _("must be an action such as person.update"));
	f.from = pages_query(req, "from");
	if (f.from != NULL && !date_valid(f.from))
		resp_field_error(resp, "from", _("must be a date written YYYY-MM-DD"));
	f.to = pages_query(req, "to");
	if (f.to != NULL && !date_valid(f.to))
		resp_field_error(resp, "to", _("must be a date written YYYY-MM-DD"));
	struct paging pg;
	pages_paging(req, resp, &pg);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	f.limit = pg.per_page;
	f.offset = pg.offset;
	struct audit_row *rows;
	size_t n;
	int64_t total;
	if ((rc = db_audit_search(req->db, req->arena, &f, &rows, &n, &total)) != E_OK)
		return rc;
	paging_set_total(&pg, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct audit_row *r = &rows[i];
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
					 (json_int_t)r->id, "at", r->at, "actor_id",
					 r->actor_id > 0 ? json_integer(r->actor_id) : json_null(),
					 "actor", pages_str(r->actor_name), "action", r->action,
					 "object_type", r->object_type, "object_id", pages_str(r->object_id),
					 "before", pages_str(r->before_json), "after",
					 pages_str(r->after_json), "request_id", pages_str(r->request_id)));
	}
	resp_page(resp, "admin/audit", pages_list_model(items, &pg));
	resp->no_store = true;
	if (req->wants_json)
		return E_OK;
	resp->view = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:o, s:b}", "filters", "person",
			       person != NULL ? person : "", "object_type",
			       f.object_type != NULL ? f.object_type : "", "object_id",
			       f.object_id != NULL ? f.object_id : "", "action",
			       f.action != NULL ? f.action : "", "from", f.from != NULL ? f.from : "",
			       "to", f.to != NULL ? f.to : "", "pager", pages_pager(req, &pg),
			       "has_items", n > 0);
	return E_OK;
}

/* Loads the organisation named by {id}; 404 otherwise. */
static enum err load_org(struct req *req, struct resp *resp, struct org_row *o)
{
	int64_t id;
	if (!str_to_i64(req_param(req, "id"), 1, INT64_MAX, &id))
		return resp_error(resp, E_NOTFOUND, NULL);
	enum err rc = db_organisation_by_id(req->db, req->arena, id, o);
	if (rc == E_NOTFOUND)
		return resp_error(resp, E_NOTFOUND, _("There is no organisation with this number."));
	return rc;
}

/*
 * GET /organisations/{id}/members
 * Staff and the organisation's own members.  Who belongs to it, and for
 * those who may invite (staff, its contact person) the invitation form.
 */
enum err org_members(struct req *req, struct resp *resp)
{
	struct org_row o;
	enum err rc = load_org(req, resp, &o);
	if (rc == E_OK)
		rc = pages_require(req, resp, ACT_ORG_MEMBERS, o.id);
	if (rc != E_OK)
		return rc;
	struct person *people;
	const char **roles;
	size_t n;
	if ((rc = db_org_members(req->db, req->arena, o.id, &people, &roles, &n)) != E_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:o, s:s}", "name", people[i].name,
						       "email", pages_str(people[i].email), "role",
						       role_label(roles[i], 'o')));
	bool can_invite = policy_allows(req->actor, ACT_INVITE_ORG, o.id);
	json_t *m = json_pack("{s:I, s:s, s:o, s:b}", "id", (json_int_t)o.id, "name", o.name,
			      "items", items, "can_invite", can_invite);
	if (!req->wants_json) {
		json_t *inv = invite_model(req, resp, o.id);
		pages_form_ok(inv);
		json_object_set_new(m, "invite", inv);
		json_object_set_new(m, "org_url", json_string(arena_printf(req->arena, "/organisations/%lld", (long long)o.id)));
	}
	resp_page(resp, "organisations/members", m);
	resp->no_store = true;
	return E_OK;
}

/*
 * POST /organisations/{id}/invitations
 * Staff and the organisation's contact person (CSRF).  Form: email, name,
 * lang, grant ("o:member" or "o:contact_person").  303 back to the members;
 * 422 with field errors; 403 for others.
 */
enum err org_invite(struct req *req, struct resp *resp)
{
	struct org_row o;
	enum err rc = load_org(req, resp, &o);
	if (rc == E_OK)
		rc = pages_require(req, resp, ACT_INVITE_ORG, o.id);
	if (rc != E_OK)
		return rc;
	const char *grant = req_form(req, "grant");
	if (grant != NULL && grant[0] != 'o') {
		json_t *errors = json_pack("{s:s}", "grant", _("Choose a role in this organisation."));
		return pages_form_invalid(req, resp, "admin/invite", invite_model(req, resp, o.id), errors);
	}
	return invite(req, resp, o.id,
		      arena_printf(req->arena, "/organisations/%lld/members?sent=1", (long long)o.id));
}

/*
 * GET /admin/mail
 * Administrators.  Query: status (pending, sent, failed), to (part of the
 * address), page, per_page.  The outbox newest first: what was sent, what
 * waits, what failed and why.  (Without an SMTP relay, this and the mail
 * file are where mail can be read.)
 */
enum err admin_mail(struct req *req, struct resp *resp)
{
	enum err rc = pages_require(req, resp, ACT_MAIL_VIEW, 0);
	if (rc != E_OK)
		return rc;
	struct outbox_filter f = {.status = OUTBOX_ANY};
	const char *status = pages_query(req, "status");
	if (status != NULL && !outbox_status_parse(status, &f.status))
		resp_field_error(resp, "status", _("must be one of: pending, sent, failed"));
	f.to_text = pages_query(req, "to");
	if (f.to_text != NULL && strlen(f.to_text) > 254)
		resp_field_error(resp, "to", _("must be at most 254 characters"));
	struct paging pg;
	pages_paging(req, resp, &pg);
	if (resp->error != E_OK) {
		resp->error_message = _("Some search parameters are not valid.");
		return E_INVALID;
	}
	f.limit = pg.per_page;
	f.offset = pg.offset;
	struct outbox_row *rows;
	size_t n;
	int64_t total;
	if ((rc = db_mail_list(req->db, req->arena, &f, &rows, &n, &total)) != E_OK)
		return rc;
	paging_set_total(&pg, total);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct outbox_row *r = &rows[i];
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:b, s:b, s:b}",
					 "id", (json_int_t)r->id, "kind", r->kind, "to", r->to_email,
					 "lang", r->lang, "subject", r->subject, "created_at",
					 r->created_at, "attempts", (json_int_t)r->attempts, "sent_at",
					 pages_str(r->sent_at), "failed_at", pages_str(r->failed_at),
					 "last_error", pages_str(r->last_error), "sent",
					 r->status == OUTBOX_SENT, "failed", r->status == OUTBOX_FAILED,
					 "pending", r->status == OUTBOX_PENDING));
	}
	resp_page(resp, "admin/mail", pages_list_model(items, &pg));
	resp->no_store = true;
	if (req->wants_json)
		return E_OK;
	json_t *statuses = json_array();
	static const char *const codes[] = {"pending", "sent", "failed"};
	static const char *const labels[] = {N_("Waiting"), N_("Sent"), N_("Failed")};
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(statuses, pages_option(codes[i], _(labels[i]), status));
	resp->view = json_pack("{s:{s:s, s:o}, s:o, s:b}", "filters", "to",
			       f.to_text != NULL ? f.to_text : "", "statuses", statuses, "pager",
			       pages_pager(req, &pg), "has_items", n > 0);
	return E_OK;
}
