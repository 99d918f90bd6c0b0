/*
 * matching.h - the coordinator's matching page: scores, the proposal with
 * its reasons, what-if edits (locks, forbids, weights, rankings), the runs,
 * and confirming a run into partnerships introduced by mutual consent.
 */
#ifndef NATVERK_PAGES_MATCHING_H
#define NATVERK_PAGES_MATCHING_H

#include "http/req.h"
#include "http/resp.h"

enum err matching_show(struct req *req, struct resp *resp);
enum err matching_settings(struct req *req, struct resp *resp);
enum err matching_pair(struct req *req, struct resp *resp);
enum err matching_rank(struct req *req, struct resp *resp);
enum err matching_run(struct req *req, struct resp *resp);
enum err matching_confirm(struct req *req, struct resp *resp);
enum err introduction_form(struct req *req, struct resp *resp);
enum err introduction_answer(struct req *req, struct resp *resp);

#endif
