/*
 * q_networks.h - thematic networks: their themes, content, partner
 * countries and institutions, status, and the people with a role in them.
 *
 * Reads answer in arena memory (the caller's request arena); writes run
 * inside the caller's transaction and never write the audit log (the page
 * does, in the same transaction).  Rules (which status may follow which,
 * which countries are eligible) are checked by the caller; these functions
 * only make the writes conditional where two people could race: an update
 * on the version the editor read, a status move on the status they saw.
 */
#ifndef NATVERK_Q_NETWORKS_H
#define NATVERK_Q_NETWORKS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/q_common.h"

#define NETWORK_LIST_MAX 200 /* rows one list query returns at most */

/* One network as stored, with its theme's names. */
struct network_row {
	int64_t id;                 /* networks.id */
	const char *slug;           /* [a-z0-9-], unique: the public address */
	const char *name_sv;        /* Swedish name */
	const char *name_en;        /* English name */
	int64_t theme_id;           /* 0 when the network has no theme yet */
	const char *theme_slug;     /* NULL when no theme */
	const char *theme_name_sv;  /* NULL when no theme */
	const char *theme_name_en;  /* NULL when no theme */
	const char *description_sv; /* CommonMark, "" when none */
	const char *description_en; /* CommonMark, "" when none */
	const char *start_date;     /* "YYYY-MM-DD", or NULL when not set */
	int inception_years;        /* years of inception before the projects */
	int project_years;          /* years of the projects */
	int64_t capacity;           /* partnerships at most; 0 when open */
	const char *status;         /* code of enum network_status ("planned", ...) */
	int64_t version;            /* bumped by every content update */
	int64_t countries;          /* partner countries (lists only; 0 otherwise) */
	const char *created_at;     /* ISO timestamps */
	const char *updated_at;
};

/* What a list may be narrowed to. */
struct network_filter {
	const char *status;     /* status code, or NULL for every status */
	const char *theme_slug; /* theme slug, or NULL for every theme */
	int64_t limit;          /* rows wanted (at most NETWORK_LIST_MAX) */
	int64_t offset;         /* rows skipped */
};

/* A theme (themes table). */
struct theme_row {
	int64_t id;          /* themes.id */
	const char *slug;    /* e.g. "climate" */
	const char *name_sv; /* Swedish name */
	const char *name_en; /* English name */
};

/* A person with a role in a network, for showing them. */
struct network_person {
	int64_t person_id; /* people.id */
	const char *name;  /* their name */
	const char *role;  /* project_coordinator, research_advisor, mentor, national_expert */
	const char *email; /* the public contact: set for project coordinators
			    * only, NULL for every other role */
	bool active;       /* false when deactivated (not shown publicly) */
};

/* Every network as (id as text, English name, Swedish name), by name. */
enum err db_network_options(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* True in *exists when a network has this id. */
enum err db_network_exists(struct db *db, int64_t id, bool *exists);

/*
 * The networks matching f: those not closed first, then the closed ones;
 * within each the latest start first, then by English name.  rows (arena
 * array, countries counted) and *total, the count of all matches
 * regardless of limit and offset.
 */
enum err db_networks_list(struct db *db, struct arena *a, const struct network_filter *f,
			  struct network_row **rows, size_t *n, int64_t *total);

/* One network by slug or by id, with its theme; E_NOTFOUND when absent.
 * out->countries is not filled. */
enum err db_network_by_slug(struct db *db, struct arena *a, const char *slug,
			    struct network_row *out);
enum err db_network_by_id(struct db *db, struct arena *a, int64_t id, struct network_row *out);

/* The network's partner countries as (iso2, English name, Swedish name),
 * by English name. */
enum err db_network_countries(struct db *db, struct arena *a, int64_t network,
			      struct code_name **rows, size_t *n);

/* The network's partner institutions' names, in their order. */
enum err db_network_institutions(struct db *db, struct arena *a, int64_t network,
				 const char ***names, size_t *n);

/*
 * The people with a role in the network, erased people left out: project
 * coordinators first, then research advisors, mentors and national
 * experts, each by name.  Only a project coordinator's e-mail address is
 * read (the programme's public contact); nobody else's leaves the query.
 */
enum err db_network_people(struct db *db, struct arena *a, int64_t network,
			   struct network_person **rows, size_t *n);

/* True in *taken when another network than except_id (0: none) has slug. */
enum err db_network_slug_taken(struct db *db, const char *slug, int64_t except_id, bool *taken);

/*
 * Inserts a network from n (slug, names, theme_id, descriptions,
 * start_date, years, capacity; status "planned", version 1) and sets *id.
 * E_CONFLICT when the slug is taken.
 */
enum err db_network_insert(struct db *db, const struct network_row *n, const char *now,
			   int64_t *id);

/*
 * Writes n's content fields over network n->id if its stored version is
 * still n->version, and bumps the version.  E_CONFLICT when the version
 * moved on (someone saved in between) or the slug is taken.
 */
enum err db_network_update(struct db *db, const struct network_row *n, const char *now);

/* Replaces the network's partner countries by iso2[0..n). */
enum err db_network_set_countries(struct db *db, int64_t network, const char *const *iso2,
				  size_t n);

/* Replaces the network's partner institutions by names[0..n), in order. */
enum err db_network_set_institutions(struct db *db, int64_t network, const char *const *names,
				     size_t n);

/* Moves the network from status from to status to (codes), only if it is
 * in from now; E_CONFLICT otherwise.  The version is left alone: a status
 * move does not make an open edit form stale. */
enum err db_network_set_status(struct db *db, int64_t network, const char *from, const char *to,
			       const char *now);

/* Every theme, by English name. */
enum err db_themes(struct db *db, struct arena *a, struct theme_row **rows, size_t *n);

#endif
