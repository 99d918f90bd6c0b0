/*
 * q_matching.h - what matching reads and writes: a network's candidates on
 * both sides with the facts the score uses, the coordinator's settings,
 * constraints and recorded rankings, the runs of the solver, and the
 * partnerships a confirmed run creates with their introduction consents.
 */
#ifndef NATVERK_Q_MATCHING_H
#define NATVERK_Q_MATCHING_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/q_common.h"
#include "util/arena.h"

/* A Swedish participant: an accepted registration of the network not yet
 * in a proposed or introduced partnership. */
struct mq_swedish {
	int64_t registration_id;     /* the registration */
	int64_t org_id;		     /* the organisation */
	const char *name;	     /* its name */
	int64_t population;	     /* -1 when unknown */
	int64_t theme_id;	     /* the registration's theme, else the network's; 0 none */
	const char *partner_in_mind; /* as typed, or NULL */
	const char *contact_email;   /* for mail (never shown to the other side) */
	const char *contact_name;    /* likewise */
	const char *lang;	     /* the contact's language */
	const char **countries;	     /* preferred countries (iso2) */
	size_t ncountries;	     /* how many */
};

/* An international candidate: an approved declaration assigned to the
 * network, not yet in a proposed or introduced partnership. */
struct mq_intl {
	int64_t declaration_id;	   /* the declaration */
	int64_t org_id;		   /* the municipality */
	const char *name;	   /* its name */
	const char *name_folded;   /* folded, for "partner in mind" */
	const char *country;	   /* iso2 */
	const char *country_en;	   /* country names */
	const char *country_sv;
	int64_t population;	   /* -1 when unknown */
	bool in_network;	   /* its country is one of the network's */
	const char *contact_email; /* for mail */
	const char *contact_name;  /* likewise */
	const char *lang;	   /* the contact's language */
	int64_t *themes;	   /* topic theme ids */
	size_t nthemes;		   /* how many */
	const char **langs;	   /* working languages */
	size_t nlangs;		   /* how many */
};

/* A (registration, declaration) pair with a value: a rank, or a kind. */
struct mq_pair {
	int64_t registration_id; /* Swedish side */
	int64_t declaration_id;	 /* international side */
	int rank;		 /* rankings: 1 = first choice */
	const char *kind;	 /* constraints: "lock" or "forbid"; rankings: "swedish" or
				    "international" (who ranked) */
};

enum err db_match_swedish(struct db *db, struct arena *a, int64_t network, struct mq_swedish **rows,
			  size_t *n);
enum err db_match_intl(struct db *db, struct arena *a, int64_t network, struct mq_intl **rows,
		       size_t *n);
/* How many accepted registrations and approved declarations of the
 * network are left out because their contact was erased. */
enum err db_match_without_contact(struct db *db, int64_t network, int64_t *registrations,
				  int64_t *declarations);

/* Pairs with an accepted contact request (the Swedish organisation asked). */
enum err db_match_contacts(struct db *db, struct arena *a, int64_t network, struct mq_pair **rows,
			   size_t *n);
enum err db_match_rankings(struct db *db, struct arena *a, int64_t network, struct mq_pair **rows,
			   size_t *n);
/* The coordinator's locks and forbids, and a forbid for every declined
 * partnership. */
enum err db_match_constraints(struct db *db, struct arena *a, int64_t network,
			      struct mq_pair **rows, size_t *n);

/* Settings: *weights_json NULL, *cap -1 and *version 0 when never set. */
enum err db_match_settings(struct db *db, struct arena *a, int64_t network,
			   const char **weights_json, int64_t *cap, int64_t *version);
/* Stores the settings if they are still at version (0: never set):
 * E_CONFLICT when someone changed them meanwhile. */
enum err db_match_settings_set(struct db *db, int64_t network, const char *weights_json,
			       int64_t cap, int64_t version, const char *now);

/* Sets (kind "lock"/"forbid") or clears (kind NULL) the constraint on a pair. */
enum err db_match_constraint_set(struct db *db, int64_t network, int64_t reg, int64_t decl,
				 const char *kind, int64_t by, const char *now);
/* Sets (rank >= 1) or clears (0) a side's rank of a pair. */
enum err db_match_ranking_set(struct db *db, int64_t network, const char *side, int64_t reg,
			      int64_t decl, int rank);

struct mq_run {
	int64_t id;		  /* primary key */
	int64_t run_by;		  /* who, 0 if erased */
	const char *run_by_name;  /* their name now */
	const char *run_at;	  /* when */
	const char *mode;	  /* optimal, stable */
	const char *settings_json; /* what it used */
	const char *result_json;  /* what it proposed */
	double total;		  /* its total score */
	const char *confirmed_at; /* or NULL */
};

enum err db_match_run_insert(struct db *db, int64_t network, int64_t by, const char *now,
			     const char *mode, const char *settings_json, const char *result_json,
			     double total, int64_t *id);
/* Newest first. */
enum err db_match_runs(struct db *db, struct arena *a, int64_t network, struct mq_run **rows,
		       size_t *n);
enum err db_match_run(struct db *db, struct arena *a, int64_t network, int64_t id,
		      struct mq_run *out);
/* Marks the run confirmed: E_CONFLICT when it is confirmed already. */
enum err db_match_run_confirm(struct db *db, int64_t network, int64_t id, int64_t by,
			      const char *now);

struct mq_partnership {
	int64_t id;		   /* primary key */
	int64_t network_id;	   /* network */
	int64_t swedish_org_id;	   /* the parties */
	int64_t international_org_id;
	const char *swedish_name;  /* their names */
	const char *international_name;
	int64_t registration_id;   /* where they came from */
	int64_t declaration_id;
	const char *status;	   /* proposed, introduced, declined */
	const char *swedish_answer; /* accepted, declined or NULL */
	const char *international_answer;
	const char *network_en;	   /* the network's names, or NULL */
	const char *network_sv;
};

enum err db_partnership_insert(struct db *db, const struct mq_partnership *p, int64_t run,
			       const char *now, int64_t *id);
enum err db_partnership_consent_insert(struct db *db, int64_t partnership, const char *side,
				       const char *token_hash);
/* The partnership and side a consent token belongs to. */
enum err db_partnership_by_consent(struct db *db, struct arena *a, const char *token_hash,
				   struct mq_partnership *out, const char **side,
				   const char **answer);
/* Locks the partnership's row until the transaction ends (bumps its
 * version). */
enum err db_partnership_lock(struct db *db, int64_t partnership);
/* Records a side's answer once: E_CONFLICT when it answered already. */
enum err db_partnership_answer(struct db *db, int64_t partnership, const char *side,
			       const char *answer, const char *now);
enum err db_partnership_set_status(struct db *db, int64_t partnership, const char *status,
				   const char *now);
/* Marks the registration and the declaration of an introduced partnership
 * matched. */
enum err db_partnership_mark_matched(struct db *db, int64_t partnership, const char *now);
/* The contact of each side of a partnership, from its registration and
 * declaration: name, address and language. */
struct mq_contact {
	const char *org;   /* the organisation's name */
	const char *name;  /* the contact person */
	const char *email; /* their address */
	const char *lang;  /* their language */
};
enum err db_partnership_contacts(struct db *db, struct arena *a, int64_t partnership,
				 struct mq_contact *swedish, struct mq_contact *international);

enum err db_partnerships_of(struct db *db, struct arena *a, int64_t network,
			    struct mq_partnership **rows, size_t *n);

/* The network with this slug: id, names, status.  E_NOTFOUND when none. */
enum err db_match_network(struct db *db, struct arena *a, const char *slug, int64_t *id,
			  const char **name_sv, const char **name_en, const char **status);

/* Theme names by id: (id as text, English, Swedish). */
enum err db_match_themes(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

#endif
