/*
 * networks.h - thematic networks: the public list and pages (what a
 * network is about, where, when, who runs it, how to take part), and the
 * staff pages that create and edit networks and move their status.
 */
#ifndef NATVERK_PAGES_NETWORKS_H
#define NATVERK_PAGES_NETWORKS_H

#include "http/req.h"
#include "http/resp.h"

#define NETWORK_NAME_MAX         200   /* characters in a network's name */
#define NETWORK_SLUG_MAX         60    /* bytes in a slug */
#define NETWORK_DESCRIPTION_MAX  10000 /* characters in one description */
#define NETWORK_CAPACITY_MAX     1000  /* partnerships a network may be capped at */
#define NETWORK_INSTITUTIONS_MAX 30    /* partner institutions per network */
#define NETWORK_INSTITUTION_MAX  200   /* characters in an institution's name */
/* Body limit of the network forms: two descriptions of
 * NETWORK_DESCRIPTION_MAX characters, percent-encoded, and the rest. */
#define NETWORK_FORM_MAX_BODY (256 * 1024)

enum err networks_index(struct req *req, struct resp *resp);
enum err networks_show(struct req *req, struct resp *resp);
enum err networks_admin(struct req *req, struct resp *resp);
enum err networks_new(struct req *req, struct resp *resp);
enum err networks_create(struct req *req, struct resp *resp);
enum err networks_edit(struct req *req, struct resp *resp);
enum err networks_update(struct req *req, struct resp *resp);
enum err networks_status(struct req *req, struct resp *resp);

#endif
