/*
 * interest.h - expressions of interest of Swedish organisations: the
 * public form and the registrant's withdraw link, and the staff triage of
 * registrations (queue, detail, state, network, notes, CSV export).
 *
 * The contact details of a registration (name, e-mail, phone) are personal
 * data: they appear only on the triage pages and in the CSV, for people
 * policy.h allows to triage (staff, and the project coordinator of the
 * registration's network: the one staff assigned it to, else the one it
 * asks for).
 */
#ifndef NATVERK_PAGES_INTEREST_H
#define NATVERK_PAGES_INTEREST_H

#include "http/req.h"
#include "http/resp.h"

#define INTEREST_FORM "interest"     /* the form's name for rate limiting */
#define INTEREST_TEXT_MAX 200	     /* characters in a position or a decision body */
#define INTEREST_PHONE_MAX 40	     /* characters in a phone number */
#define INTEREST_PARTNER_MAX 300     /* characters naming a partner in mind */
#define INTEREST_MESSAGE_MAX 4000    /* characters in the message */
#define INTEREST_COUNTRIES_MAX 30    /* preferred countries */
#define INTEREST_NOTE_MAX 4000	     /* characters in a staff note */
#define INTEREST_QUERY_MAX 100	     /* characters in a queue search */

/* The public side: see the route comments in interest.c. */
enum err interest_form(struct req *req, struct resp *resp);
enum err interest_submit(struct req *req, struct resp *resp);
enum err interest_withdraw_form(struct req *req, struct resp *resp);
enum err interest_withdraw(struct req *req, struct resp *resp);

/* Triage for staff and network coordinators. */
enum err interest_queue(struct req *req, struct resp *resp);
enum err interest_show(struct req *req, struct resp *resp);
enum err interest_status(struct req *req, struct resp *resp);
enum err interest_assign(struct req *req, struct resp *resp);
enum err interest_note(struct req *req, struct resp *resp);
enum err interest_contact(struct req *req, struct resp *resp);
enum err interest_csv(struct req *req, struct resp *resp);

#endif
