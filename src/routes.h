/*
 * routes.h - the one table of every URL the server answers.
 */
#ifndef NATVERK_ROUTES_H
#define NATVERK_ROUTES_H

#include "http/server.h"

/* The application handed to server_start: route table and handlers. */
const struct server_app *routes_app(void);

#endif
