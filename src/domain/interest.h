/*
 * interest.h - expressions of interest (Swedish side) and declarations of
 * interest (international side): their states and who may move them.
 *
 * Registration: submitted -> in_dialogue -> accepted | declined, each by
 * staff (submitted may also go straight to accepted or declined); the
 * registrant may withdraw until it is accepted or declined.  A repeated
 * registration reopens a declined or withdrawn one (submitted again).
 * accepted -> matched when both sides of a proposed partnership agreed to
 * be introduced (the matching does it, not a person).
 *
 * Declaration: received -> approved (shown on the partner-seeking board
 * when the contact consented) | declined, by staff; approved -> archived
 * by staff; the contact may withdraw until it is declined or archived.
 * approved -> matched when both sides agreed to be introduced (then off
 * the board); staff may archive a matched one.
 * Plain C: no I/O.
 */
#ifndef NATVERK_DOMAIN_INTEREST_H
#define NATVERK_DOMAIN_INTEREST_H

#include <stdbool.h>
#include <stddef.h>

enum mover {
	BY_STAFF,	/* staff (or the network's coordinator) */
	BY_REGISTRANT,	/* the person who registered, through their link */
};

enum reg_status {
	REG_SUBMITTED,
	REG_IN_DIALOGUE,
	REG_ACCEPTED,
	REG_DECLINED,
	REG_WITHDRAWN,
	REG_MATCHED,
	REG__COUNT
};

enum decl_status {
	DECL_RECEIVED,
	DECL_APPROVED,
	DECL_DECLINED,
	DECL_WITHDRAWN,
	DECL_ARCHIVED,
	DECL_MATCHED,
	DECL__COUNT
};

enum political_support {
	SUPPORT_NONE,		/* none yet */
	SUPPORT_IN_PREPARATION, /* a decision is being prepared */
	SUPPORT_DECIDED,	/* decided: body and date given */
	SUPPORT__COUNT
};

const char *reg_status_code(enum reg_status s);
const char *reg_status_name(enum reg_status s); /* English (gettext id) */
bool reg_status_parse(const char *code, enum reg_status *out);
bool registration_may_move(enum reg_status from, enum reg_status to, enum mover who);
/* The status a repeated registration leaves: declined and withdrawn ones
 * open again, the others keep theirs. */
enum reg_status registration_after_repeat(enum reg_status s);

const char *decl_status_code(enum decl_status s);
const char *decl_status_name(enum decl_status s);
bool decl_status_parse(const char *code, enum decl_status *out);
bool declaration_may_move(enum decl_status from, enum decl_status to, enum mover who);
/* True when a declaration in status s with that consent is on the board. */
bool declaration_public(enum decl_status s, bool consent);

const char *support_code(enum political_support s);
const char *support_name(enum political_support s);
bool support_parse(const char *code, enum political_support *out);

/* The working languages a declaration may name (ISO 639-1), with English
 * names (gettext ids), in display order. */
struct work_lang {
	const char *code; /* "en" */
	const char *name; /* "English" */
};
extern const struct work_lang work_langs[];
extern const size_t work_nlangs;
const struct work_lang *work_lang_find(const char *code);

#endif
