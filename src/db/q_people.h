/*
 * q_people.h - people, their programme-wide roles and their memberships of
 * organisations and networks.
 */
#ifndef NATVERK_Q_PEOPLE_H
#define NATVERK_Q_PEOPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct person {
	int64_t id;		       /* primary key */
	const char *email;	       /* lower case; NULL when erased */
	const char *name;	       /* display name */
	const char *phone;	       /* or NULL */
	int64_t organisation_id;       /* employer, 0 when none */
	const char *organisation_name; /* its name (read only) */
	const char *position;	       /* job title, or NULL */
	const char *lang;	       /* "sv" or "en" */
	const char *gender;	       /* woman, man, other, or NULL */
	const char *password_hash;     /* argon2id string, or NULL */
	bool active;		       /* may sign in */
	const char *erased_at;	       /* when anonymised, or NULL */
	const char *pseudonym;	       /* stable stand-in name */
	int64_t version;	       /* for stale-write detection */
	const char *created_at;	       /* timestamps */
	const char *updated_at;
};

/* One role of a person: kind 'g' (global), 'o' (organisation) or 'n'
 * (network), the role code, and for o/n the object and its name. */
struct person_role {
	char kind;		 /* 'g', 'o' or 'n' */
	const char *role;	 /* e.g. administrator, member, mentor */
	int64_t object_id;	 /* organisation or network, 0 for global */
	const char *object_name; /* its name, NULL for global */
};

enum err db_person_by_id(struct db *db, struct arena *a, int64_t id, struct person *out);
/* email must be lower case already.  E_NOTFOUND when nobody has it. */
enum err db_person_by_email(struct db *db, struct arena *a, const char *email, struct person *out);

/* Inserts p (id, version and timestamps ignored); *id gets the new key.
 * E_CONFLICT when the e-mail is taken. */
enum err db_person_insert(struct db *db, const struct person *p, const char *now, int64_t *id);

/* Updates name, phone, organisation, position, lang and gender when the
 * stored version is p->version; E_CONFLICT when it is not (stale form). */
enum err db_person_update_profile(struct db *db, const struct person *p, const char *now);

enum err db_person_set_password(struct db *db, int64_t id, const char *hash, const char *now);
/* E_CONFLICT when another person has the address. */
enum err db_person_set_email(struct db *db, int64_t id, const char *email, const char *now);
enum err db_person_set_active(struct db *db, int64_t id, bool active, const char *now);

/* Anonymises: name becomes the pseudonym, every personal field is cleared,
 * the account is deactivated and marked erased. */
enum err db_person_erase(struct db *db, int64_t id, const char *now);

/* Every role of a person, global first. */
enum err db_person_roles(struct db *db, struct arena *a, int64_t id, struct person_role **rows,
			 size_t *n);

enum err db_role_grant(struct db *db, int64_t person, const char *role, const char *now);
enum err db_role_revoke(struct db *db, int64_t person, const char *role);
enum err db_org_member_add(struct db *db, int64_t person, int64_t org, const char *role,
			   const char *now);
enum err db_org_member_remove(struct db *db, int64_t person, int64_t org, const char *role);
enum err db_network_member_add(struct db *db, int64_t person, int64_t network, const char *role,
			       const char *now);
enum err db_network_member_remove(struct db *db, int64_t person, int64_t network,
				  const char *role);

/* Active people holding the role "administrator". */
enum err db_count_administrators(struct db *db, int64_t *n);

struct people_filter {
	const char *folded;  /* search in name and e-mail (lower case), or NULL */
	const char *role;    /* any role code (global, organisation or network), or NULL */
	int64_t org_id;	     /* member of this organisation, or 0 */
	int active;	     /* 1 active only, 0 inactive only, -1 all */
	int64_t limit;	     /* rows wanted */
	int64_t offset;	     /* rows skipped */
};

/* People matching the filter, by name; *total counts all matches. */
enum err db_people_search(struct db *db, struct arena *a, const struct people_filter *f,
			  struct person **rows, size_t *n, int64_t *total);

/* Members of an organisation with their role there, by name. */
enum err db_org_members(struct db *db, struct arena *a, int64_t org, struct person **rows,
			const char ***roles, size_t *n);

/* Deactivated people whose deactivation is older than before (retention). */
enum err db_people_deactivated_before(struct db *db, struct arena *a, const char *before,
				      int64_t **ids, size_t *n);

/* A mail the outbox holds for a person (their data export). */
struct person_mail {
	const char *kind;	/* invitation, password_reset, ... */
	const char *to_email;	/* address */
	const char *subject;	/* subject */
	const char *body;	/* text */
	const char *created_at; /* queued */
	const char *sent_at;	/* or NULL */
};

enum err db_person_mails(struct db *db, struct arena *a, int64_t person, const char *email,
			 struct person_mail **rows, size_t *n);

/* What a person gave as the contact of a registration or declaration of
 * interest (by address), or wrote asking a partner for contact (their data
 * export). */
struct person_interest {
	const char *kind;	  /* registration, declaration, contact_request */
	int64_t id;		  /* its id */
	const char *organisation; /* the organisation concerned */
	const char *status;	  /* its status code */
	const char *contact_name; /* as given (NULL for a contact request) */
	const char *contact_email;
	const char *contact_phone; /* or NULL */
	const char *contact_position; /* or NULL */
	const char *message;	  /* or NULL */
	const char *created_at;	  /* when */
};

enum err db_person_interest(struct db *db, struct arena *a, int64_t person, const char *email,
			    struct person_interest **rows, size_t *n);

/*
 * Removes what erasure must not keep besides the person's own row: roles
 * and memberships, sessions, API tokens, single-use links and the mail held
 * for them (by person or address), the messages of their contact requests,
 * and the contact details of registrations and declarations of interest
 * given with their address.  The audit log is not touched.
 */
enum err db_person_forget(struct db *db, int64_t person, const char *email);

#endif
