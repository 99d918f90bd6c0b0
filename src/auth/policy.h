/*
 * policy.h - the one place that answers "may this person do this action on
 * this object".  Every handler asks it; templates only show what handlers
 * decided.  Plain C over struct actor: no I/O.
 *
 * Rules (object in brackets):
 *   people.view                    administrator, programme and finance officers
 *   person.manage, person.erase    administrator (roles, deactivation, erasure)
 *   audit.view                     administrator, programme officer
 *   mail.view                      administrator
 *   invite.global                  administrator (to a programme-wide role)
 *   invite.org [organisation]      administrator, programme officer, the
 *                                  organisation's contact person
 *   invite.network [network]       administrator, programme officer, the
 *                                  network's project coordinator
 *   org.members [organisation]     staff, and the organisation's members
 *   network.members [network]      staff, and anyone with a role in the network
 *   network.manage                 administrator, programme officer (create,
 *                                  edit, move a network's status)
 *   triage [network or 0]          administrator, programme officer, and the
 *                                  project coordinator of that network: see
 *                                  registrations and declarations with their
 *                                  contact details, change their state, notes
 *   partner.contact                a signed-in member of an organisation (the
 *                                  handler checks that it is Swedish)
 *   self                           any signed-in person (own profile, tokens)
 */
#ifndef NATVERK_POLICY_H
#define NATVERK_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/actor.h"

enum action {
	ACT_SELF,
	ACT_PEOPLE_VIEW,
	ACT_PERSON_MANAGE,
	ACT_PERSON_ERASE,
	ACT_AUDIT_VIEW,
	ACT_MAIL_VIEW,
	ACT_INVITE_GLOBAL,
	ACT_INVITE_ORG,
	ACT_INVITE_NETWORK,
	ACT_ORG_MEMBERS,
	ACT_NETWORK_MEMBERS,
	ACT_NETWORK_MANAGE,
	ACT_TRIAGE,
	ACT_PARTNER_CONTACT,
};

/* True when a (NULL or a visitor: nobody) may do act on object (an
 * organisation or network id where the action names one, else 0). */
bool policy_allows(const struct actor *a, enum action act, int64_t object);

#endif
