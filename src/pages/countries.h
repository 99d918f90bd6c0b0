/*
 * countries.h - countries and their programme eligibility.
 */
#ifndef NATVERK_PAGES_COUNTRIES_H
#define NATVERK_PAGES_COUNTRIES_H

#include "http/req.h"
#include "http/resp.h"

enum err countries_index(struct req *req, struct resp *resp);
enum err countries_show(struct req *req, struct resp *resp);
enum err countries_index_data(struct req *req, struct resp *resp);
enum err countries_show_data(struct req *req, struct resp *resp);

#endif
