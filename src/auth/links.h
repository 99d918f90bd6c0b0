/*
 * links.h - single-use links: first administrator, invitations, password
 * resets and set-password links, e-mail changes.
 *
 * A link carries a random token; only its hash is stored.  It works once
 * (marking it used is a conditional update, so two clicks cannot both
 * succeed) and until it expires.
 */
#ifndef NATVERK_LINKS_H
#define NATVERK_LINKS_H

#include <time.h>

#include "auth/token.h"
#include "db/q_auth.h"

#define LINK_FIRST_ADMIN "first_admin"
#define LINK_INVITATION "invitation"
#define LINK_PASSWORD_RESET "password_reset"
#define LINK_SET_PASSWORD "set_password"
#define LINK_EMAIL_CHANGE "email_change"

#define LINK_TTL_FIRST_ADMIN (24 * 3600)
#define LINK_TTL_INVITATION (7 * 86400)
#define LINK_TTL_PASSWORD_RESET 3600
#define LINK_TTL_SET_PASSWORD (7 * 86400)
#define LINK_TTL_EMAIL_CHANGE (24 * 3600)

enum link_state {
	LINK_VALID,   /* usable now */
	LINK_UNKNOWN, /* no such link (or a malformed token) */
	LINK_EXPIRED, /* too old */
	LINK_USED,    /* used already */
};

/*
 * Creates a link of kind for person (0 for none) sent to email, with a JSON
 * payload (NULL: "{}"), made by created_by (0: the system), valid ttl
 * seconds from now.  The token for the URL goes to token_out (TOKEN_LEN + 1).
 */
enum err link_create(struct db *db, const char *kind, int64_t person, const char *email,
		     const char *payload, int64_t created_by, time_t now, int ttl, char *token_out,
		     int64_t *id);

/*
 * Looks a presented token up.  *state tells what it is; the row is filled
 * (in the arena) for every state but LINK_UNKNOWN.  A link of another kind
 * than one of kinds (NULL-terminated) is LINK_UNKNOWN.
 */
enum err link_check(struct db *db, struct arena *a, const char *token, const char *const *kinds,
		    time_t now, struct link_row *out, enum link_state *state);

#endif
