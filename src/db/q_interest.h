/*
 * q_interest.h - expressions of interest of Swedish organisations
 * (interest_registrations and interest_countries), and the few reads of
 * networks, themes and organisations their form and triage need.
 *
 * One registration per organisation and network, or per organisation and
 * theme when no network is named: the page finds the earlier one with
 * db_registration_find and updates it instead of inserting a second, and
 * refuses to place a registration in a network where the organisation has
 * another (db_registration_in_network).  For triage and export a
 * registration is in one network: the one staff assigned it to, else the
 * one it asks for.
 * Status rules live in domain/interest.h; these functions only store what
 * the page decided, and status changes are conditional on the status the
 * page saw, so two staff members cannot both move the same registration.
 *
 * Rows come back in the caller's arena; strings are NULL for SQL NULL and
 * ids 0 for NULL references.
 */
#ifndef NATVERK_Q_INTEREST_H
#define NATVERK_Q_INTEREST_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/q_common.h"
#include "util/arena.h"

/* A network as the interest form and triage see it. */
struct interest_network {
	int64_t id;	     /* primary key */
	const char *slug;    /* URL name */
	const char *name_sv; /* Swedish name */
	const char *name_en; /* English name */
	const char *status;  /* stored status code (domain/network.h) */
	int64_t theme_id;    /* its theme, 0 when none */
};

/* A Swedish-side organisation for the form's choice. */
struct interest_org {
	int64_t id;	  /* primary key */
	const char *kind; /* kind code (domain/organisation.h) */
	const char *name; /* name */
};

/* What a registration holds, as the form gives it (insert and update). */
struct registration_input {
	int64_t organisation_id;	 /* a Swedish organisation */
	int64_t network_id;		 /* the network asked for, 0 for only a theme */
	int64_t theme_id;		 /* the theme, 0 for none (then network_id > 0) */
	const char *contact_name;	 /* 1..200 characters */
	const char *contact_email;	 /* lower case */
	const char *contact_phone;	 /* or NULL */
	const char *contact_position;	 /* or NULL */
	const char *partner_in_mind;	 /* which partner, or NULL for none */
	const char *political_support;	 /* none, in_preparation, decided */
	const char *decision_body;	 /* when decided, else NULL */
	const char *decision_date;	 /* YYYY-MM-DD when decided, else NULL */
	const char *message;		 /* "" when none */
	const char *lang;		 /* the contact's language: sv or en */
	const char *withdraw_token_hash; /* hash of the token in the mailed link */
	const char *client_addr;	 /* where it came from */
};

/* A stored registration with the names of what it refers to. */
struct registration {
	int64_t id;			 /* primary key */
	int64_t organisation_id;	 /* the organisation */
	const char *organisation;	 /* its name */
	const char *organisation_code;	 /* its SCB code, or NULL */
	const char *county;		 /* its county's name, or NULL */
	int64_t network_id;		 /* the network asked for, 0 when none */
	const char *network_slug;	 /* or NULL */
	const char *network_sv;		 /* its names, or NULL */
	const char *network_en;
	int64_t theme_id;		 /* the theme, 0 when none */
	const char *theme_sv;		 /* its names, or NULL */
	const char *theme_en;
	int64_t assigned_network_id;	 /* where staff placed it, 0 when nowhere */
	const char *assigned_sv;	 /* its names, or NULL */
	const char *assigned_en;
	const char *contact_name;	 /* personal data: triage pages and CSV only */
	const char *contact_email;
	const char *contact_phone;	 /* or NULL */
	const char *contact_position;	 /* or NULL */
	const char *partner_in_mind;	 /* or NULL */
	const char *political_support;	 /* none, in_preparation, decided */
	const char *decision_body;	 /* or NULL */
	const char *decision_date;	 /* or NULL */
	const char *message;		 /* "" when none */
	const char *lang;		 /* the contact's language */
	const char *status;		 /* stored status code */
	int64_t version;		 /* bumped by every change */
	const char *created_at;		 /* timestamps */
	const char *updated_at;
	const char *countries_en;	 /* preferred countries "Kenya, Uganda" (lists only) */
	const char *countries_sv;	 /* the same in Swedish (lists only) */
};

/* The triage queue's filter. */
struct registration_filter {
	const char *status;  /* status code, or NULL for any */
	int64_t network_id;  /* in this network (assigned, else asked for), 0 for any */
	const char *folded;  /* folded text in the organisation's name, or NULL */
	int64_t coordinator; /* > 0: only registrations in a network this person
				coordinates (assigned, else asked for) */
	int64_t limit;	     /* rows wanted */
	int64_t offset;	     /* rows skipped */
};

/* Every network, by English name. */
enum err db_interest_networks(struct db *db, struct arena *a, struct interest_network **rows,
			      size_t *n);

/* The network with this slug (or id); E_NOTFOUND when none. */
enum err db_interest_network_by_slug(struct db *db, struct arena *a, const char *slug,
				     struct interest_network *out);
enum err db_interest_network_by_id(struct db *db, struct arena *a, int64_t id,
				   struct interest_network *out);

/* Every theme as (slug, English name, Swedish name), by English name. */
enum err db_interest_themes(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* The id of the theme with this slug, 0 when none. */
enum err db_interest_theme_id(struct db *db, const char *slug, int64_t *id);

/* The organisations of Sweden (kind and name), in Swedish name order; the
 * caller keeps those of Swedish kinds. */
enum err db_interest_org_options(struct db *db, struct arena *a, struct interest_org **rows,
				 size_t *n);

/*
 * Takes the write lock on the organisation's row for the rest of the
 * transaction, so that two registrations of one organisation at the same
 * moment run one after the other and the second finds the first (there is
 * no unique index: a theme-only registration has a NULL network).
 */
enum err db_registration_lock_org(struct db *db, int64_t organisation_id);

/* The registration of organisation for network (network_id > 0: asking
 * for it, else assigned to it), or for theme without a network; *id is 0
 * when there is none. */
enum err db_registration_find(struct db *db, int64_t organisation_id, int64_t network_id,
			      int64_t theme_id, int64_t *id);

/* Inserts a registration in status submitted; *id gets the key. */
enum err db_registration_insert(struct db *db, const struct registration_input *in,
				const char *now, int64_t *id);

/* The merge: replaces every detail of registration id with in (the
 * assignment stays), sets status, bumps the version.  E_NOTFOUND when the
 * row is gone. */
enum err db_registration_update(struct db *db, int64_t id, const struct registration_input *in,
				const char *status, const char *now);

/* Replaces the preferred countries (ISO alpha-2 codes, n may be 0). */
enum err db_registration_set_countries(struct db *db, int64_t id, const char *const *iso2,
				       size_t n);

/* One registration; E_NOTFOUND when absent.  countries_* stay NULL. */
enum err db_registration_by_id(struct db *db, struct arena *a, int64_t id,
			       struct registration *out);

/* The registration whose withdraw link has this token hash; E_NOTFOUND. */
enum err db_registration_by_token(struct db *db, struct arena *a, const char *token_hash,
				  struct registration *out);

/* The preferred countries of a registration as (iso2, English name,
 * Swedish name), by English name. */
enum err db_registration_countries(struct db *db, struct arena *a, int64_t id,
				   struct code_name **rows, size_t *n);

/* One page of the triage queue, newest first; *total counts every match. */
enum err db_registrations_queue(struct db *db, struct arena *a,
				const struct registration_filter *f, struct registration **rows,
				size_t *n, int64_t *total);

/* Every registration in a network (assigned to it, or asking for it and
 * assigned nowhere), by organisation name, with countries_en and
 * countries_sv filled (for the CSV). */
enum err db_registrations_of_network(struct db *db, struct arena *a, int64_t network_id,
				     struct registration **rows, size_t *n);

/* Moves registration id from status from to status to; E_CONFLICT when its
 * status is no longer from (someone moved it meanwhile). */
enum err db_registration_set_status(struct db *db, int64_t id, const char *from, const char *to,
				    const char *now);

/* Places registration id in a network (0: none) while it is submitted or
 * in dialogue; E_CONFLICT when it is not (decided meanwhile). */
enum err db_registration_assign(struct db *db, int64_t id, int64_t network_id, const char *now);

/* Staff replace the contact (phone and position may be NULL) if the
 * registration is still at version: E_CONFLICT otherwise. */
enum err db_registration_set_contact(struct db *db, int64_t id, int64_t version,
				     const struct registration_input *in, const char *now);

/* Another registration of organisation than except that asks for network
 * or was assigned to it, whatever its status: *id (0 when none) and, in
 * the arena, its *status. */
enum err db_registration_in_network(struct db *db, struct arena *a, int64_t organisation_id,
				    int64_t network_id, int64_t except, int64_t *id,
				    const char **status);

/* The registrant withdraws through their link: status withdrawn when it is
 * still from and the link still token_hash, and the link stops working.
 * E_CONFLICT when either changed. */
enum err db_registration_withdraw(struct db *db, int64_t id, const char *token_hash,
				  const char *from, const char *now);

/* True in *pending when an unused invitation to email has not expired by now. */
enum err db_interest_invitation_pending(struct db *db, const char *email, const char *now,
					bool *pending);

#endif
