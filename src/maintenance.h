/*
 * maintenance.h - the server's daily jobs (retention), in a thread of its
 * own.  Several app servers may share one database: each job runs at most
 * once a day across all of them (a claim in maintenance_runs).
 */
#ifndef NATVERK_MAINTENANCE_H
#define NATVERK_MAINTENANCE_H

#include "util/err.h"

#define MAINTENANCE_CHECK_SECONDS 3600 /* how often the thread looks */

struct maintenance;

/* Starts the thread with its own connection to db_url. */
enum err maintenance_start(const char *db_url, struct maintenance **out);

/* Stops and joins it (waits for a running job to finish). */
void maintenance_stop(struct maintenance *m);

#endif
