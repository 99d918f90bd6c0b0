/*
 * organisations.h - the public directory of organisations.
 */
#ifndef NATVERK_PAGES_ORGANISATIONS_H
#define NATVERK_PAGES_ORGANISATIONS_H

#include "http/req.h"
#include "http/resp.h"

#define ORG_MAX_QUERY 100 /* characters in a search */

/* GET /organisations and GET /organisations/{id}: see the route comments. */
enum err organisations_index(struct req *req, struct resp *resp);
enum err organisations_show(struct req *req, struct resp *resp);

/* The data both the HTML and the JSON answers use; on bad parameters the
 * response carries field errors and E_INVALID is returned. */
enum err organisations_index_data(struct req *req, struct resp *resp);
enum err organisations_show_data(struct req *req, struct resp *resp);

#endif
