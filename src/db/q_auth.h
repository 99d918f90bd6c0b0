/*
 * q_auth.h - sessions, single-use links, API tokens and sign-in attempts.
 *
 * Secrets are looked up by their hash (auth/token.h); nothing here ever sees
 * a token itself.
 */
#ifndef NATVERK_Q_AUTH_H
#define NATVERK_Q_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct session_row {
	int64_t id;		 /* primary key */
	int64_t person_id;	 /* owner */
	const char *csrf_token;	 /* for the forms of this session */
	const char *created_at;	 /* timestamps */
	const char *last_seen_at;
	const char *expires_at;	 /* absolute end */
	const char *client_addr; /* at sign-in */
	const char *user_agent;	 /* at sign-in, cut to 200 bytes */
};

enum err db_session_insert(struct db *db, const char *token_hash, const struct session_row *s,
			   int64_t *id);
/* The session with this hash, whatever its age (the caller checks expiry). */
enum err db_session_by_hash(struct db *db, struct arena *a, const char *token_hash,
			    struct session_row *out);
enum err db_session_touch(struct db *db, int64_t id, const char *now);
enum err db_session_delete(struct db *db, int64_t id);
/* Deletes every session of a person; *n gets how many. */
enum err db_sessions_delete_person(struct db *db, int64_t person, int64_t *n);
enum err db_sessions_of(struct db *db, struct arena *a, int64_t person, struct session_row **rows,
			size_t *n);

struct link_row {
	int64_t id;		/* primary key */
	const char *kind;	/* first_admin, invitation, password_reset, email_change */
	int64_t person_id;	/* the person it concerns, 0 for none */
	const char *email;	/* where it was sent */
	const char *payload;	/* JSON text */
	int64_t created_by;	/* 0 for the system */
	const char *created_at; /* timestamps */
	const char *expires_at;
	const char *used_at;	/* NULL until used */
};

enum err db_link_insert(struct db *db, const char *token_hash, const struct link_row *l,
			int64_t *id);
enum err db_link_by_hash(struct db *db, struct arena *a, const char *token_hash,
			 struct link_row *out);
/* Marks the link used if it is still unused: E_CONFLICT when someone used it
 * first (the check and the write are one statement, so a link works once). */
enum err db_link_use(struct db *db, int64_t id, const char *now);
/* Ends every unused link of a kind for a person (e.g. older reset links). */
enum err db_links_expire(struct db *db, int64_t person, const char *kind, const char *now);
/* Gives the unused, unexpired invitations to email that grant a plain
 * account (payload kind "x") the payload instead; *n counts them. */
enum err db_invitations_upgrade(struct db *db, const char *email, const char *payload,
				const char *now, int64_t *n);

struct api_token_row {
	int64_t id;		  /* primary key */
	int64_t person_id;	  /* owner */
	const char *name;	  /* given by the owner */
	const char *prefix;	  /* first characters of the token */
	const char *created_at;	  /* timestamps */
	const char *last_used_at; /* or NULL */
	const char *revoked_at;	  /* or NULL */
};

enum err db_api_token_insert(struct db *db, const char *token_hash, const struct api_token_row *t,
			     int64_t *id);
enum err db_api_token_by_hash(struct db *db, struct arena *a, const char *token_hash,
			      struct api_token_row *out);
enum err db_api_tokens_of(struct db *db, struct arena *a, int64_t person,
			  struct api_token_row **rows, size_t *n);
/* Revokes the owner's token; E_NOTFOUND when it is not theirs or revoked. */
enum err db_api_token_revoke(struct db *db, int64_t person, int64_t id, const char *now);
enum err db_api_token_used(struct db *db, int64_t id, const char *now);
/* Revokes every token of a person (erasure, deactivation). */
enum err db_api_tokens_revoke_all(struct db *db, int64_t person, const char *now);

enum err db_signin_attempt(struct db *db, const char *email, const char *addr, bool success,
			   const char *now);
/* Failed attempts since a time, for an e-mail (addr NULL) or an address
 * (email NULL); *oldest gets the earliest one counted (for Retry-After). */
enum err db_signin_failures(struct db *db, struct arena *a, const char *email, const char *addr,
			    const char *since, int64_t *n, const char **oldest);

#endif
