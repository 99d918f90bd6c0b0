/*
 * retention.h - applying the retention rules: deleting what has been kept
 * long enough, and anonymising accounts deactivated long ago.  Run by
 * `natverk retention` and once a day by the server (maintenance.c).
 */
#ifndef NATVERK_RETENTION_H
#define NATVERK_RETENTION_H

#include <stdio.h>
#include <time.h>

#include "db/db.h"

/*
 * Applies every rule in force today, in one transaction with an audit row
 * ("retention.run", by the system) listing what was removed.  progress (may
 * be NULL) gets a line per rule.  Returns E_OK or the database error, with
 * a message in err.
 */
enum err retention_run(struct db *db, time_t now, FILE *progress, char *err, size_t errlen);

#endif
