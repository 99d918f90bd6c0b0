/*
 * account.h - signing in and out, the first administrator, invitations,
 * password resets and e-mail confirmation: the pages a person reaches
 * before or while getting an account.
 */
#ifndef NATVERK_PAGES_ACCOUNT_H
#define NATVERK_PAGES_ACCOUNT_H

#include <jansson.h>

#include "http/req.h"
#include "http/resp.h"

#define SIGNIN_WINDOW 900	    /* seconds over which failures are counted */
#define SIGNIN_MAX_PER_ACCOUNT 5    /* failures per address in the window */
#define SIGNIN_MAX_PER_CLIENT 20    /* failures per client address in the window */
#define RESET_MAX_PER_HOUR 3	    /* reset mails per account per hour */
#define EMAIL_MAX 254		    /* bytes in an e-mail address */
#define NAME_MAX_CHARS 200	    /* characters in a person's name */

enum err signin_form(struct req *req, struct resp *resp);
enum err signin(struct req *req, struct resp *resp);
enum err signout(struct req *req, struct resp *resp);
enum err signout_everywhere(struct req *req, struct resp *resp);
enum err setup_form(struct req *req, struct resp *resp);
enum err setup(struct req *req, struct resp *resp);
enum err reset_request_form(struct req *req, struct resp *resp);
enum err reset_request(struct req *req, struct resp *resp);
enum err reset_form(struct req *req, struct resp *resp);
enum err reset(struct req *req, struct resp *resp);
enum err invitation_form(struct req *req, struct resp *resp);
enum err invitation_accept(struct req *req, struct resp *resp);
enum err invitation_renew(struct req *req, struct resp *resp);
enum err email_confirm(struct req *req, struct resp *resp);

/* What an invitation grants: a global role (kind 'g'), a role in an
 * organisation ('o') or network ('n'), or nothing but the account ('x',
 * role "none": staff grant a role later). */
struct grant {
	char kind;	   /* 'g', 'o' or 'n' */
	const char *role;  /* role code */
	int64_t object_id; /* organisation or network, 0 for 'g' */
};

/*
 * Invites email to grant: creates the link (7 days), mails it in lang, and
 * writes the audit row, inside the caller's transaction.  The caller has
 * checked the policy.  name may be NULL.
 */
enum err account_invite(struct req *req, const char *email, const char *name, const char *lang,
			const struct grant *g);

/*
 * As account_invite, but when email still holds an unused invitation to a
 * plain account (sent with a registration of interest), that invitation
 * grants g instead and no second mail is sent.
 */
enum err account_invite_or_upgrade(struct req *req, const char *email, const char *name,
				   const char *lang, const struct grant *g);

/* A person's name as typed: trimmed, 1..NAME_MAX_CHARS characters, in the
 * arena; NULL when empty or too long. */
const char *account_name(struct arena *a, const char *typed);

/* "sv" or "en" when typed is one of them, else fallback. */
const char *account_lang(const char *typed, const char *fallback);

/* Reads password and password_again from the form; NULL (and an entry in
 * errors) when the password breaks a rule or the two differ. */
const char *account_new_password(struct req *req, const char *email, json_t *errors);

/* Transactions for handlers, logging failures. */
enum err account_begin(struct req *req);
enum err account_commit(struct req *req);

/* Signs person in (new session, cookie, audit row) in the transaction. */
enum err account_start_session(struct req *req, struct resp *resp, int64_t person);

/* Grants g to person with its audit row, in the transaction. */
enum err account_grant(struct req *req, int64_t person, const struct grant *g);

/* What a grant gives, in words in the current language. */
const char *account_grant_text(struct req *req, const struct grant *g);

/* The notice page's model: title, message, no further action. */
json_t *account_notice(struct req *req, struct resp *resp, const char *title,
		       const char *message);

/* The page for a link that cannot be used (state: enum link_state), with a
 * way on (a link, or a form when renew_url ends in /renew). */
enum err account_link_problem(struct req *req, struct resp *resp, int state,
			      const char *renew_url, const char *renew_label);

/* Normalises an e-mail address typed in a form into the arena (trimmed,
 * lower case); NULL when it is not a plausible address. */
const char *account_email(struct arena *a, const char *typed);

#endif
