/*
 * admin.h - staff pages: people and their roles, invitations, the audit
 * log, and sent mail.
 */
#ifndef NATVERK_PAGES_ADMIN_H
#define NATVERK_PAGES_ADMIN_H

#include "http/req.h"
#include "http/resp.h"

enum err admin_home(struct req *req, struct resp *resp);
enum err admin_people(struct req *req, struct resp *resp);
enum err admin_person(struct req *req, struct resp *resp);
enum err admin_person_roles(struct req *req, struct resp *resp);
enum err admin_person_active(struct req *req, struct resp *resp);
enum err admin_person_erase(struct req *req, struct resp *resp);
enum err admin_invitations_form(struct req *req, struct resp *resp);
enum err admin_invitations_create(struct req *req, struct resp *resp);
enum err admin_audit(struct req *req, struct resp *resp);
enum err admin_mail(struct req *req, struct resp *resp);
enum err org_members(struct req *req, struct resp *resp);
enum err org_invite(struct req *req, struct resp *resp);

#endif
