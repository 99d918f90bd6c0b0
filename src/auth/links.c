/*
 * links.c - see links.h.
 */
#include "auth/links.h"

#include <string.h>

#include "util/timefmt.h"

enum err link_create(struct db *db, const char *kind, int64_t person, const char *email,
		     const char *payload, int64_t created_by, time_t now, int ttl, char *token_out,
		     int64_t *id)
{
	char hash[TOKEN_HASH_LEN + 1], created[TIMEFMT_LEN], expires[TIMEFMT_LEN];
	token_new(token_out);
	token_hash(token_out, hash);
	timefmt_iso(now, created);
	timefmt_iso(now + ttl, expires);
	struct link_row l = {.kind = kind, .person_id = person, .email = email,
			     .payload = payload, .created_by = created_by, .created_at = created,
			     .expires_at = expires};
	return db_link_insert(db, hash, &l, id);
}

enum err link_check(struct db *db, struct arena *a, const char *token, const char *const *kinds,
		    time_t now, struct link_row *out, enum link_state *state)
{
	*state = LINK_UNKNOWN;
	if (!token_well_formed(token))
		return E_OK;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	enum err rc = db_link_by_hash(db, a, hash, out);
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc != E_OK)
		return rc;
	bool kind_ok = false;
	for (size_t i = 0; kinds[i] != NULL; i++)
		kind_ok = kind_ok || strcmp(kinds[i], out->kind) == 0;
	if (!kind_ok)
		return E_OK;
	time_t expires;
	if (out->used_at != NULL)
		*state = LINK_USED;
	else if (!timefmt_parse(out->expires_at, &expires) || now >= expires)
		*state = LINK_EXPIRED;
	else
		*state = LINK_VALID;
	return E_OK;
}
