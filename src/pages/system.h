/*
 * system.h - pages that are about the site rather than the programme: the
 * home page, the language switch, the health check.
 */
#ifndef NATVERK_PAGES_SYSTEM_H
#define NATVERK_PAGES_SYSTEM_H

#include "http/req.h"
#include "http/resp.h"

enum err home_show(struct req *req, struct resp *resp);
enum err language_switch(struct req *req, struct resp *resp);
enum err health_show(struct req *req, struct resp *resp);
enum err csp_report(struct req *req, struct resp *resp);
enum err favicon(struct req *req, struct resp *resp);

#define CSP_REPORT_MAX_BODY (8 * 1024)

/* True when next is a safe place to send the user back to: a path on this
 * site ("/x"), never another site ("//evil", "/\evil", "http:..."). */
bool system_local_path(const char *next);

#endif
