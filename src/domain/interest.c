/*
 * interest.c - see interest.h.  The transitions are tables, so a test can
 * walk every pair.
 */
#include "domain/interest.h"

#include <string.h>

#define N_(s) (s)

static const struct {
	const char *code;
	const char *name;
} reg_names[REG__COUNT] = {
	[REG_SUBMITTED] = {"submitted", N_("Submitted")},
	[REG_IN_DIALOGUE] = {"in_dialogue", N_("In dialogue")},
	[REG_ACCEPTED] = {"accepted", N_("Accepted into a network")},
	[REG_DECLINED] = {"declined", N_("Declined")},
	[REG_WITHDRAWN] = {"withdrawn", N_("Withdrawn")},
	[REG_MATCHED] = {"matched", N_("Matched with a partner")},
}, decl_names[DECL__COUNT] = {
	[DECL_RECEIVED] = {"received", N_("Received")},
	[DECL_APPROVED] = {"approved", N_("Approved")},
	[DECL_DECLINED] = {"declined", N_("Declined")},
	[DECL_WITHDRAWN] = {"withdrawn", N_("Withdrawn")},
	[DECL_ARCHIVED] = {"archived", N_("Archived")},
	[DECL_MATCHED] = {"matched", N_("Matched with a partner")},
}, support_names[SUPPORT__COUNT] = {
	[SUPPORT_NONE] = {"none", N_("None yet")},
	[SUPPORT_IN_PREPARATION] = {"in_preparation", N_("In preparation")},
	[SUPPORT_DECIDED] = {"decided", N_("Decided")},
};

/* allowed[from][to]: 1 staff, 2 registrant, 3 both. */
static const unsigned char reg_moves[REG__COUNT][REG__COUNT] = {
	[REG_SUBMITTED] = {[REG_IN_DIALOGUE] = 1, [REG_ACCEPTED] = 1, [REG_DECLINED] = 1,
			   [REG_WITHDRAWN] = 2},
	[REG_IN_DIALOGUE] = {[REG_ACCEPTED] = 1, [REG_DECLINED] = 1, [REG_WITHDRAWN] = 2},
};

static const unsigned char decl_moves[DECL__COUNT][DECL__COUNT] = {
	[DECL_RECEIVED] = {[DECL_APPROVED] = 1, [DECL_DECLINED] = 1, [DECL_WITHDRAWN] = 2},
	[DECL_APPROVED] = {[DECL_ARCHIVED] = 1, [DECL_WITHDRAWN] = 2},
	[DECL_MATCHED] = {[DECL_ARCHIVED] = 1},
};

const struct work_lang work_langs[] = {
	{"en", N_("English")},	   {"fr", N_("French")},     {"es", N_("Spanish")},
	{"pt", N_("Portuguese")},  {"sw", N_("Swahili")},    {"uk", N_("Ukrainian")},
	{"ru", N_("Russian")},	   {"bs", N_("Bosnian")},    {"sr", N_("Serbian")},
	{"sq", N_("Albanian")},	   {"ar", N_("Arabic")},     {"sv", N_("Swedish")},
};
const size_t work_nlangs = sizeof work_langs / sizeof work_langs[0];

static bool parse(const char *code, const char *const *codes, int n, int *out)
{
	for (int i = 0; code != NULL && i < n; i++) {
		if (strcmp(codes[i], code) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

const char *reg_status_code(enum reg_status s)
{
	return (unsigned)s < REG__COUNT ? reg_names[s].code : "submitted";
}

const char *reg_status_name(enum reg_status s)
{
	return (unsigned)s < REG__COUNT ? reg_names[s].name : reg_names[0].name;
}

bool reg_status_parse(const char *code, enum reg_status *out)
{
	const char *codes[REG__COUNT];
	for (int i = 0; i < REG__COUNT; i++)
		codes[i] = reg_names[i].code;
	int v;
	if (!parse(code, codes, REG__COUNT, &v))
		return false;
	*out = (enum reg_status)v;
	return true;
}

bool registration_may_move(enum reg_status from, enum reg_status to, enum mover who)
{
	if ((unsigned)from >= REG__COUNT || (unsigned)to >= REG__COUNT)
		return false;
	return (reg_moves[from][to] & (who == BY_STAFF ? 1 : 2)) != 0;
}

enum reg_status registration_after_repeat(enum reg_status s)
{
	return s == REG_DECLINED || s == REG_WITHDRAWN ? REG_SUBMITTED : s;
}

const char *decl_status_code(enum decl_status s)
{
	return (unsigned)s < DECL__COUNT ? decl_names[s].code : "received";
}

const char *decl_status_name(enum decl_status s)
{
	return (unsigned)s < DECL__COUNT ? decl_names[s].name : decl_names[0].name;
}

bool decl_status_parse(const char *code, enum decl_status *out)
{
	const char *codes[DECL__COUNT];
	for (int i = 0; i < DECL__COUNT; i++)
		codes[i] = decl_names[i].code;
	int v;
	if (!parse(code, codes, DECL__COUNT, &v))
		return false;
	*out = (enum decl_status)v;
	return true;
}

bool declaration_may_move(enum decl_status from, enum decl_status to, enum mover who)
{
	if ((unsigned)from >= DECL__COUNT || (unsigned)to >= DECL__COUNT)
		return false;
	return (decl_moves[from][to] & (who == BY_STAFF ? 1 : 2)) != 0;
}

bool declaration_public(enum decl_status s, bool consent)
{
	return s == DECL_APPROVED && consent;
}

const char *support_code(enum political_support s)
{
	return (unsigned)s < SUPPORT__COUNT ? support_names[s].code : "none";
}

const char *support_name(enum political_support s)
{
	return (unsigned)s < SUPPORT__COUNT ? support_names[s].name : support_names[0].name;
}

bool support_parse(const char *code, enum political_support *out)
{
	const char *codes[SUPPORT__COUNT];
	for (int i = 0; i < SUPPORT__COUNT; i++)
		codes[i] = support_names[i].code;
	int v;
	if (!parse(code, codes, SUPPORT__COUNT, &v))
		return false;
	*out = (enum political_support)v;
	return true;
}

const struct work_lang *work_lang_find(const char *code)
{
	for (size_t i = 0; code != NULL && i < work_nlangs; i++)
		if (strcmp(work_langs[i].code, code) == 0)
			return &work_langs[i];
	return NULL;
}
