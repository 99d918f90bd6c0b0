/*
 * actor.c - see actor.h.
 */
#include "auth/actor.h"

#include <string.h>

#define N_(s) (s)

const struct role_info role_infos[] = {
	{"administrator", N_("Administrator"), 'g', ROLE_ADMINISTRATOR},
	{"programme_officer", N_("Programme officer"), 'g', ROLE_PROGRAMME_OFFICER},
	{"finance_officer", N_("Finance officer"), 'g', ROLE_FINANCE_OFFICER},
	{"member", N_("Member"), 'o', 0},
	{"contact_person", N_("Contact person"), 'o', 0},
	{"project_coordinator", N_("Project coordinator"), 'n', 0},
	{"research_advisor", N_("Research advisor"), 'n', 0},
	{"mentor", N_("Mentor"), 'n', 0},
	{"national_expert", N_("National expert"), 'n', 0},
};
const size_t role_ninfos = sizeof role_infos / sizeof role_infos[0];

const struct role_info *role_find(const char *code, char kind)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < role_ninfos; i++)
		if (strcmp(role_infos[i].code, code) == 0 && (kind == 0 || role_infos[i].kind == kind))
			return &role_infos[i];
	return NULL;
}

static bool holds(const struct membership *m, size_t n, int64_t object, const char *role)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].object_id == object && (role == NULL || strcmp(m[i].role, role) == 0))
			return true;
	return false;
}

bool actor_in_org(const struct actor *a, int64_t org, const char *role)
{
	return a != NULL && holds(a->orgs, a->norgs, org, role);
}

bool actor_in_network(const struct actor *a, int64_t network, const char *role)
{
	return a != NULL && holds(a->networks, a->nnetworks, network, role);
}

bool actor_is_staff(const struct actor *a)
{
	return a != NULL && (a->roles & (ROLE_ADMINISTRATOR | ROLE_PROGRAMME_OFFICER |
					 ROLE_FINANCE_OFFICER)) != 0;
}
