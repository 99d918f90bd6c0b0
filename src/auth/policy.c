/*
 * policy.c - see policy.h for the rules in words; this is them in code.
 */
#include "auth/policy.h"

bool policy_allows(const struct actor *a, enum action act, int64_t object)
{
	if (a == NULL || a->person_id == 0)
		return false;
	bool admin = (a->roles & ROLE_ADMINISTRATOR) != 0;
	bool officer = (a->roles & ROLE_PROGRAMME_OFFICER) != 0;
	bool finance = (a->roles & ROLE_FINANCE_OFFICER) != 0;
	switch (act) {
	case ACT_SELF:
		return true;
	case ACT_PEOPLE_VIEW:
		return admin || officer || finance;
	case ACT_PERSON_MANAGE:
	case ACT_PERSON_ERASE:
	case ACT_MAIL_VIEW:
	case ACT_INVITE_GLOBAL:
		return admin;
	case ACT_AUDIT_VIEW:
		return admin || officer;
	case ACT_INVITE_ORG:
		return admin || officer || actor_in_org(a, object, "contact_person");
	case ACT_INVITE_NETWORK:
		return admin || officer || actor_in_network(a, object, "project_coordinator");
	case ACT_ORG_MEMBERS:
		return actor_is_staff(a) || actor_in_org(a, object, NULL);
	case ACT_NETWORK_MEMBERS:
		return actor_is_staff(a) || actor_in_network(a, object, NULL);
	case ACT_NETWORK_MANAGE:
		return admin || officer;
	case ACT_TRIAGE:
		return admin || officer ||
		       (object > 0 && actor_in_network(a, object, "project_coordinator"));
	case ACT_PARTNER_CONTACT:
		return a->norgs > 0;
	}
	return false;
}
