/*
 * declarations.h - the international side of interest: the public
 * declaration of interest of a municipality abroad, its withdraw link, the
 * partner-seeking board with contact requests through the platform, the
 * staff triage of declarations and their CSV export per network.
 */
#ifndef NATVERK_PAGES_DECLARATIONS_H
#define NATVERK_PAGES_DECLARATIONS_H

#include "http/req.h"
#include "http/resp.h"

#define DECL_NAME_MAX         200       /* characters in a municipality's or person's name */
#define DECL_PROVINCE_MAX     200       /* characters in a province or region */
#define DECL_POSITION_MAX     200       /* characters in the contact's position */
#define DECL_PHONE_MAX        40        /* characters in a phone number */
#define DECL_PHONE_MIN_DIGITS 5         /* digits a phone number has at least */
#define DECL_POPULATION_MAX   100000000 /* inhabitants at most */
#define DECL_MOTIVATION_MAX   4000      /* characters in the motivation */
#define DECL_MESSAGE_MAX      2000      /* characters in a contact request */
#define DECL_NOTE_MAX         4000      /* characters in a staff note */
#define DECL_QUERY_MAX        100       /* characters in the queue's name search */
#define DECL_MAX_TOPICS       64        /* topics read from one form */
/* Body limit of the forms with long free text: 4000 characters of
 * Cyrillic or Amharic, percent-encoded, are 24 to 36 KB. */
#define DECL_FORM_MAX_BODY (64 * 1024)
/* The public forms' names for rate limiting (pages_public_form). */
#define DECL_FORM         "declaration"
#define DECL_CONTACT_FORM "contact"

enum err declarations_new(struct req *req, struct resp *resp);
enum err declarations_create(struct req *req, struct resp *resp);
enum err declarations_withdraw_form(struct req *req, struct resp *resp);
enum err declarations_withdraw(struct req *req, struct resp *resp);
enum err partners_index(struct req *req, struct resp *resp);
enum err partners_show(struct req *req, struct resp *resp);
enum err partners_contact(struct req *req, struct resp *resp);
enum err contact_requests_show(struct req *req, struct resp *resp);
enum err contact_requests_answer(struct req *req, struct resp *resp);
enum err admin_declarations_index(struct req *req, struct resp *resp);
enum err admin_declarations_show(struct req *req, struct resp *resp);
enum err admin_declarations_status(struct req *req, struct resp *resp);
enum err admin_declarations_network(struct req *req, struct resp *resp);
enum err admin_declarations_note(struct req *req, struct resp *resp);
enum err admin_declarations_csv(struct req *req, struct resp *resp);

#endif
