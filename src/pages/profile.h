/*
 * profile.h - a person's own pages: profile, password, sessions, API
 * tokens, their data as a file, and erasure on request.
 */
#ifndef NATVERK_PAGES_PROFILE_H
#define NATVERK_PAGES_PROFILE_H

#include "http/req.h"
#include "http/resp.h"

#define PHONE_MAX 40	       /* characters in a phone number */
#define POSITION_MAX_CHARS 200 /* characters in a job title */
#define TOKEN_NAME_MAX_CHARS 100
#define TOKENS_MAX_ACTIVE 20   /* live API tokens per person */

enum err profile_show(struct req *req, struct resp *resp);
enum err profile_update(struct req *req, struct resp *resp);
enum err profile_password(struct req *req, struct resp *resp);
enum err profile_data(struct req *req, struct resp *resp);
enum err profile_erase_form(struct req *req, struct resp *resp);
enum err profile_erase(struct req *req, struct resp *resp);
enum err tokens_index(struct req *req, struct resp *resp);
enum err tokens_create(struct req *req, struct resp *resp);
enum err tokens_revoke(struct req *req, struct resp *resp);

/*
 * Erases person (anonymises the row, forgets roles, sessions, tokens,
 * links and mail) with its audit row, in the caller's transaction.
 * E_CONFLICT when it would remove the last active administrator.
 */
enum err profile_erase_person(struct req *req, int64_t person);

/* True when person is the only active administrator. */
enum err profile_last_admin(struct req *req, int64_t person, bool *last);

#endif
