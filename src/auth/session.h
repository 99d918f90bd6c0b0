/*
 * session.h - signing in and out, and finding who a request comes from.
 *
 * A session lives in the database (so every app server accepts it): the
 * browser holds a random 256-bit token in an HttpOnly, SameSite=Lax cookie,
 * the database only its hash.  A session ends after SESSION_IDLE_SECONDS
 * without use or SESSION_ABSOLUTE_SECONDS after sign-in, whichever comes
 * first, and when its person is deactivated.  Signing in always makes a new
 * token (no session fixation).  API tokens authenticate JSON requests in an
 * Authorization: Bearer header, never from a cookie.
 */
#ifndef NATVERK_SESSION_H
#define NATVERK_SESSION_H

#include <stdbool.h>
#include <time.h>

#include "auth/actor.h"
#include "auth/token.h"
#include "db/db.h"
#include "util/arena.h"

#define SESSION_COOKIE "natverk_session"
#define CSRF_COOKIE "natverk_csrf"	       /* double-submit token before sign-in */
#define SESSION_IDLE_SECONDS (12 * 3600)      /* unused this long: signed out */
#define SESSION_ABSOLUTE_SECONDS (14 * 86400) /* and never longer than this */
#define SESSION_TOUCH_SECONDS 300	      /* last_seen_at is written at most this often */
#define API_TOKEN_PREFIX "nvk_"		      /* so tokens are recognisable in scripts */

/*
 * Finds the signed-in person for a session token from the cookie.  On
 * success fills *out (roles and memberships included, strings in the arena)
 * and sets *found; an unknown, expired or idle session, or a deactivated
 * person, leaves *found false (an expired session is deleted).  Returns
 * E_DB only for database failures.
 */
enum err session_load(struct db *db, struct arena *a, const char *token, time_t now,
		      struct actor *out, bool *found);

/* Same for an API token ("nvk_" + token) from an Authorization header. */
enum err session_load_bearer(struct db *db, struct arena *a, const char *header, time_t now,
			     struct actor *out, bool *found);

/* Loads the roles and memberships of out->person_id into out. */
enum err session_load_roles(struct db *db, struct arena *a, struct actor *out);

/*
 * Starts a session for person: writes its row and puts the new cookie token
 * in token_out (TOKEN_LEN + 1 bytes).  addr and user_agent are stored for
 * the person's list of sessions (the agent cut to 200 bytes).
 */
enum err session_create(struct db *db, int64_t person, const char *addr, const char *user_agent,
			time_t now, char *token_out, int64_t *session_id);

/* The Set-Cookie value that stores token (or clears the cookie when token
 * is NULL), Secure when secure. In the arena. */
const char *session_cookie(struct arena *a, const char *name, const char *token, bool secure,
			   int max_age);

#endif
