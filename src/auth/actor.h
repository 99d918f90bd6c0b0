/*
 * actor.h - who is making a request: a visitor, or a signed-in person with
 * their programme-wide roles and scoped memberships.  Loaded once per
 * request (auth/session.c) and read by the policy module; nothing else
 * decides what a person may do.
 */
#ifndef NATVERK_ACTOR_H
#define NATVERK_ACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Programme-wide roles, as bits. */
enum global_role {
	ROLE_ADMINISTRATOR = 1 << 0,
	ROLE_PROGRAMME_OFFICER = 1 << 1,
	ROLE_FINANCE_OFFICER = 1 << 2,
};

struct membership {
	int64_t object_id; /* organisation or network */
	const char *role;  /* member, contact_person; project_coordinator, ... */
};

struct actor {
	int64_t person_id;	       /* 0 for a visitor */
	const char *name;	       /* display name */
	const char *email;	       /* lower case */
	const char *lang;	       /* preferred language */
	unsigned roles;		       /* enum global_role bits */
	struct membership *orgs;       /* organisation memberships */
	size_t norgs;		       /* how many */
	struct membership *networks;   /* network roles */
	size_t nnetworks;	       /* how many */
	int64_t session_id;	       /* the session, 0 when none */
	const char *csrf_token;	       /* the session's form token */
	bool bearer;		       /* authenticated by an API token */
	int64_t token_id;	       /* that token */
};

/* The code and English name of each global role, and the scoped roles. */
struct role_info {
	const char *code; /* stored value */
	const char *name; /* English display name (gettext message id) */
	char kind;	  /* 'g' global, 'o' organisation, 'n' network */
	unsigned bit;	  /* enum global_role bit for 'g', else 0 */
};

extern const struct role_info role_infos[];
extern const size_t role_ninfos;

/* The role of that code and kind ('g', 'o', 'n'; 0 for any), or NULL. */
const struct role_info *role_find(const char *code, char kind);

/* True when the actor holds role in the organisation or network. */
bool actor_in_org(const struct actor *a, int64_t org, const char *role);
bool actor_in_network(const struct actor *a, int64_t network, const char *role);

/* True when the actor has any of the staff roles. */
bool actor_is_staff(const struct actor *a);

#endif
