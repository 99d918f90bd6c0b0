/*
 * q_declarations.h - declarations of interest of international local
 * governments (migrations/0004_networks.sql): the organisations they come
 * from, the declarations with their topics and working languages, the
 * staff queue, the public partner-seeking board, and the contact requests
 * Swedish members send through the platform.
 *
 * Two kinds of rows come back.  Board rows (db_declarations_board,
 * db_declaration_public) are read by SQL that never names a contact
 * column, so a page built from them cannot leak the international
 * contact's name, address, phone or position whatever its template does.
 * Full rows (the other readers) carry the contact and are for staff, the
 * contact's own withdraw link and the mails of an accepted contact
 * request.
 *
 * Rows come back in the caller's arena; strings are NULL for SQL NULL.
 * Writers run inside the caller's transaction.  Timestamps are passed in.
 */
#ifndef NATVERK_Q_DECLARATIONS_H
#define NATVERK_Q_DECLARATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/q_common.h"
#include "util/arena.h"

#define DECL_IN_MAX 50 /* declaration ids per query of topics and languages */

/* A new international local government (kind 'local_government'). */
struct intl_org_new {
	const char *name;         /* display name as typed (trimmed) */
	const char *name_folded;  /* str_fold(name): the key for reuse */
	const char *sort_key;     /* str_sort_key(name, "sv") */
	const char *country_iso2; /* an eligible country */
	const char *province;     /* province or region */
	int64_t population;       /* -1 when not given */
	const char *now;          /* created_at and updated_at */
};

/* An international local government for the form's select. */
struct intl_org_option {
	int64_t id;                  /* organisation id */
	const char *name;            /* its name */
	const char *province;        /* or NULL */
	const char *country_iso2;    /* its country */
	const char *country_name_en; /* the country's names */
	const char *country_name_sv;
};

/* A theme (topic of cooperation). */
struct decl_theme {
	int64_t id;          /* primary key */
	const char *slug;    /* stable code used in forms and URLs */
	const char *name_en; /* names */
	const char *name_sv;
};

/* A declaration to store. */
struct decl_new {
	int64_t organisation_id;      /* the municipality */
	const char *contact_name;     /* required */
	const char *contact_email;    /* required, lower case */
	const char *contact_phone;    /* or NULL */
	const char *contact_position; /* or NULL */
	const char *motivation;       /* required */
	bool consent;                 /* may be shown on the board once approved */
	const char *lang;             /* the contact's language: sv or en */
	const char *withdraw_hash;    /* token_hash of the withdraw link */
	const char *client_addr;      /* where it came from */
	const char *now;              /* created_at and updated_at */
};

/* A topic of a declaration, as listed with it. */
struct decl_topic {
	const char *slug;    /* theme code */
	const char *name_en; /* theme names */
	const char *name_sv;
};

/*
 * A declaration.  The fields up to published_at are public once it is on
 * the board; the rest is NULL or zero in board rows.
 */
struct decl_row {
	int64_t id;                  /* primary key */
	int64_t organisation_id;     /* the municipality */
	const char *org_name;        /* its name */
	const char *country_iso2;    /* its country */
	const char *country_name_en; /* the country's names */
	const char *country_name_sv;
	const char *province;        /* or NULL */
	int64_t population;          /* -1 when unknown */
	const char *cluster;         /* cluster on the date asked, NULL when not eligible */
	const char *cluster_name_en; /* its names, or NULL */
	const char *cluster_name_sv;
	const char *motivation;   /* why they seek a partner */
	const char *published_at; /* on the board since, or NULL */
	const char *contact_name; /* full rows only from here on */
	const char *contact_email;
	const char *contact_phone;    /* or NULL */
	const char *contact_position; /* or NULL */
	bool consent;                 /* consent to be published */
	const char *lang;             /* the contact's language */
	const char *status;           /* received, approved, declined, withdrawn, archived */
	int64_t network_id;           /* assigned network, 0 when none */
	const char *network_name_en;  /* its names, or NULL */
	const char *network_name_sv;
	int64_t version;           /* bumped by every change */
	const char *created_at;    /* received at */
	const char *updated_at;    /* last change */
	struct decl_topic *topics; /* filled by db_declaration_extras */
	size_t ntopics;            /* how many */
	const char **langs;        /* working language codes, likewise */
	size_t nlangs;             /* how many */
};

/* The public board's filter; NULL (or 0) means no condition. */
struct board_filter {
	const char *date;     /* "YYYY-MM-DD": clusters as of this day */
	const char *country;  /* ISO alpha-2 */
	const char *cluster;  /* cluster code, as of date */
	const char *topic;    /* theme slug */
	const char *language; /* working language code */
	int64_t limit;        /* rows wanted */
	int64_t offset;       /* rows skipped */
};

/* The staff queue's filter; NULL (or 0) means no condition. */
struct queue_filter {
	const char *date;       /* "YYYY-MM-DD": clusters as of this day */
	const char *status;     /* status code */
	int64_t network_id;     /* assigned network */
	const char *country;    /* ISO alpha-2 */
	const char *folded;     /* folded part of the municipality's name */
	int64_t coordinator_id; /* only networks this person coordinates */
	int64_t limit;          /* rows wanted */
	int64_t offset;         /* rows skipped */
};

/* A network a declaration may be assigned to. */
struct decl_network {
	int64_t id;          /* primary key */
	const char *name_en; /* names */
	const char *name_sv;
	const char *status; /* network status code */
};

/* A contact request to store. */
struct contact_new {
	int64_t declaration_id;   /* the partner asked */
	int64_t requester_id;     /* the Swedish member */
	int64_t requester_org_id; /* on behalf of this Swedish organisation */
	const char *message;      /* what they write */
	const char *token_hash;   /* token_hash of the answer link */
	const char *now;          /* created_at */
};

/* A contact request with the requester's details. */
struct contact_row {
	int64_t id;                  /* primary key */
	int64_t declaration_id;      /* the partner asked */
	int64_t requester_id;        /* the Swedish member */
	const char *requester_name;  /* their current name */
	const char *requester_email; /* NULL once erased */
	bool requester_active;       /* false once deactivated (or erased) */
	const char *requester_lang;  /* their language */
	int64_t requester_org_id;    /* 0 when none */
	const char *requester_org;   /* that organisation's name, or NULL */
	const char *message;         /* what they wrote */
	const char *status;          /* sent, accepted, declined */
	const char *created_at;      /* sent at */
	const char *answered_at;     /* or NULL */
};

/* The international local government of that folded name in that country
 * (kind 'local_government'); E_NOTFOUND when there is none. */
enum err db_intl_org_find(struct db *db, const char *name_folded, const char *iso2, int64_t *id);

/* Adds an international local government; *id gets the key.  E_CONFLICT
 * when one with the same folded name and country exists (added since the
 * caller looked). */
enum err db_intl_org_insert(struct db *db, const struct intl_org_new *o, int64_t *id);

/* Every international local government, by name. */
enum err db_intl_org_options(struct db *db, struct arena *a, struct intl_org_option **rows,
			     size_t *n);

/* Every theme, by English name. */
enum err db_decl_themes(struct db *db, struct arena *a, struct decl_theme **rows, size_t *n);

/* Stores a declaration (status received); *id gets the key. */
enum err db_declaration_insert(struct db *db, const struct decl_new *d, int64_t *id);

/* Adds a topic (theme) or a working language to a declaration. */
enum err db_declaration_add_topic(struct db *db, int64_t declaration, int64_t theme_id);
enum err db_declaration_add_language(struct db *db, int64_t declaration, const char *code);

/* Fills topics and langs of rows[0..n) (one query per DECL_IN_MAX rows). */
enum err db_declaration_extras(struct db *db, struct arena *a, struct decl_row *rows, size_t n);

/*
 * One page of the board: approved declarations whose contact consented,
 * newest on the board first, as board rows with topics and languages.
 * *total gets the number of matches.
 */
enum err db_declarations_board(struct db *db, struct arena *a, const struct board_filter *f,
			       struct decl_row **rows, size_t *n, int64_t *total);

/* One declaration as a board row (with topics and languages) when it is on
 * the board; E_NOTFOUND otherwise.  Clusters as of date. */
enum err db_declaration_public(struct db *db, struct arena *a, int64_t id, const char *date,
			       struct decl_row *out);

/* One declaration as a full row with topics and languages; E_NOTFOUND. */
enum err db_declaration_by_id(struct db *db, struct arena *a, int64_t id, const char *date,
			      struct decl_row *out);

/* The declaration whose withdraw link has this hash, as a full row;
 * E_NOTFOUND. */
enum err db_declaration_by_withdraw_hash(struct db *db, struct arena *a, const char *hash,
					 const char *date, struct decl_row *out);

/* One page of the staff queue (full rows with topics and languages):
 * received ones first, oldest first.  *total gets the number of matches. */
enum err db_declarations_queue(struct db *db, struct arena *a, const struct queue_filter *f,
			       struct decl_row **rows, size_t *n, int64_t *total);

/* Every declaration assigned to a network, oldest first, as full rows with
 * topics and languages (for the CSV export). */
enum err db_declarations_of_network(struct db *db, struct arena *a, int64_t network,
				    const char *date, struct decl_row **rows, size_t *n);

/*
 * Moves a declaration from status from to status to, only when it is in
 * from (E_CONFLICT otherwise: someone moved it meanwhile).  published_at
 * (NULL: unchanged) is set with it.
 */
enum err db_declaration_set_status(struct db *db, int64_t id, const char *from, const char *to,
				   const char *published_at, const char *now);

/* Assigns a declaration to a network (0: to none) while it is received or
 * approved; E_CONFLICT when it is not (moved meanwhile). */
enum err db_declaration_set_network(struct db *db, int64_t id, int64_t network, const char *now);

/* A network with its status; E_NOTFOUND. */
enum err db_decl_network(struct db *db, struct arena *a, int64_t id, struct decl_network *out);

/* The Swedish organisations (country SE) a person is a member of, as (id
 * as text, name), by name. */
enum err db_requester_orgs(struct db *db, struct arena *a, int64_t person, struct code_name **rows,
			   size_t *n);

/* Stores a contact request (status sent); *id gets the key.  E_CONFLICT
 * when the person's earlier request to the declaration is still
 * unanswered (a unique index, so double submissions cannot both pass). */
enum err db_contact_insert(struct db *db, const struct contact_new *c, int64_t *id);

/* True in *open when person has a request to the declaration that the
 * partner has not answered yet. */
enum err db_contact_open(struct db *db, int64_t declaration, int64_t person, bool *open);

/* The contact request whose answer link has this hash; E_NOTFOUND. */
enum err db_contact_by_hash(struct db *db, struct arena *a, const char *hash,
			    struct contact_row *out);

/* Answers a contact request (accepted or declined) when it has not been
 * answered yet and the requester still has an active account (the answer
 * mails them); E_CONFLICT otherwise. */
enum err db_contact_answer(struct db *db, int64_t id, const char *status, const char *now);

#endif
