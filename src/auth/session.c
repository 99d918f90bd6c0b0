/*
 * session.c - see session.h.
 */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include "db/q_auth.h"
#include "db/q_people.h"
#include "util/timefmt.h"

enum err session_load_roles(struct db *db, struct arena *a, struct actor *out)
{
	struct person_role *roles;
	size_t n;
	enum err rc = db_person_roles(db, a, out->person_id, &roles, &n);
	if (rc != E_OK)
		return rc;
	out->roles = 0;
	out->orgs = arena_alloc(a, (n + 1) * sizeof *out->orgs);
	out->networks = arena_alloc(a, (n + 1) * sizeof *out->networks);
	out->norgs = out->nnetworks = 0;
	for (size_t i = 0; i < n; i++) {
		if (roles[i].kind == 'g') {
			const struct role_info *ri = role_find(roles[i].role, 'g');
			if (ri != NULL)
				out->roles |= ri->bit;
		} else if (roles[i].kind == 'o') {
			out->orgs[out->norgs++] = (struct membership){roles[i].object_id, roles[i].role};
		} else {
			out->networks[out->nnetworks++] =
				(struct membership){roles[i].object_id, roles[i].role};
		}
	}
	return E_OK;
}

/* Fills out from the person and their roles; *found false when inactive. */
static enum err load_person(struct db *db, struct arena *a, int64_t person, struct actor *out,
			    bool *found)
{
	struct person p;
	enum err rc = db_person_by_id(db, a, person, &p);
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc != E_OK)
		return rc;
	if (!p.active || p.erased_at != NULL)
		return E_OK;
	out->person_id = p.id;
	out->name = p.name;
	out->email = p.email;
	out->lang = p.lang;
	rc = session_load_roles(db, a, out);
	if (rc == E_OK)
		*found = true;
	return rc;
}

enum err session_load(struct db *db, struct arena *a, const char *token, time_t now,
		      struct actor *out, bool *found)
{
	*found = false;
	memset(out, 0, sizeof *out);
	if (!token_well_formed(token))
		return E_OK;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	struct session_row s;
	enum err rc = db_session_by_hash(db, a, hash, &s);
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc != E_OK)
		return rc;
	time_t seen, expires;
	char nowtxt[TIMEFMT_LEN];
	timefmt_iso(now, nowtxt);
	if (!timefmt_parse(s.last_seen_at, &seen) || !timefmt_parse(s.expires_at, &expires) ||
	    now >= expires || now - seen >= SESSION_IDLE_SECONDS)
		return db_session_delete(db, s.id);
	rc = load_person(db, a, s.person_id, out, found);
	if (rc != E_OK || !*found)
		return rc;
	out->session_id = s.id;
	out->csrf_token = s.csrf_token;
	if (now - seen >= SESSION_TOUCH_SECONDS)
		rc = db_session_touch(db, s.id, nowtxt);
	return rc;
}

enum err session_load_bearer(struct db *db, struct arena *a, const char *header, time_t now,
			     struct actor *out, bool *found)
{
	*found = false;
	memset(out, 0, sizeof *out);
	static const char scheme[] = "Bearer ";
	if (header == NULL || strncmp(header, scheme, sizeof scheme - 1) != 0)
		return E_OK;
	const char *t = header + sizeof scheme - 1;
	if (strncmp(t, API_TOKEN_PREFIX, strlen(API_TOKEN_PREFIX)) != 0)
		return E_OK;
	t += strlen(API_TOKEN_PREFIX);
	if (!token_well_formed(t))
		return E_OK;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(t, hash);
	struct api_token_row row;
	enum err rc = db_api_token_by_hash(db, a, hash, &row);
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc != E_OK || row.revoked_at != NULL)
		return rc;
	rc = load_person(db, a, row.person_id, out, found);
	if (rc != E_OK || !*found)
		return rc;
	out->bearer = true;
	out->token_id = row.id;
	char nowtxt[TIMEFMT_LEN];
	timefmt_iso(now, nowtxt);
	time_t used;
	if (row.last_used_at == NULL || !timefmt_parse(row.last_used_at, &used) ||
	    now - used >= SESSION_TOUCH_SECONDS)
		rc = db_api_token_used(db, row.id, nowtxt);
	return rc;
}

enum err session_create(struct db *db, int64_t person, const char *addr, const char *user_agent,
			time_t now, char *token_out, int64_t *session_id)
{
	char hash[TOKEN_HASH_LEN + 1], csrf[TOKEN_LEN + 1];
	char created[TIMEFMT_LEN], expires[TIMEFMT_LEN];
	char agent[201];
	token_new(token_out);
	token_hash(token_out, hash);
	token_new(csrf);
	timefmt_iso(now, created);
	timefmt_iso(now + SESSION_ABSOLUTE_SECONDS, expires);
	snprintf(agent, sizeof agent, "%s", user_agent != NULL ? user_agent : "");
	/* Do not leave half a UTF-8 sequence at the cut. */
	size_t n = strlen(agent);
	while (n > 0 && ((unsigned char)agent[n - 1] & 0xC0) == 0x80)
		agent[--n] = '\0';
	if (n > 0 && ((unsigned char)agent[n - 1] & 0xC0) == 0xC0)
		agent[--n] = '\0';
	struct session_row s = {.person_id = person, .csrf_token = csrf, .created_at = created,
				.expires_at = expires, .client_addr = addr, .user_agent = agent};
	return db_session_insert(db, hash, &s, session_id);
}

const char *session_cookie(struct arena *a, const char *name, const char *token, bool secure,
			   int max_age)
{
	if (token == NULL)
		return arena_printf(a, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", name,
				    secure ? "; Secure" : "");
	return arena_printf(a, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", name, token,
			    max_age, secure ? "; Secure" : "");
}
