/*
 * q_retention.h - retention rules (effective-dated) and the deletions they
 * call for, plus the marker that keeps daily jobs to one run a day when
 * several app servers share a database.
 */
#ifndef NATVERK_Q_RETENTION_H
#define NATVERK_Q_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct retention_rule {
	const char *record_type; /* sessions, one_time_links, outbox, ... */
	int64_t keep_days;	 /* how long records are kept */
	const char *valid_from;	 /* "YYYY-MM-DD" */
	const char *valid_to;	 /* inclusive, or NULL */
	const char *note;	 /* what the rule counts from */
};

/* The rules in force on day ("YYYY-MM-DD"), one per record type. */
enum err db_retention_rules(struct db *db, struct arena *a, const char *day,
			    struct retention_rule **rows, size_t *n);

/*
 * Deletes records of record_type that ended before cutoff (an ISO
 * timestamp): sessions expired or idle, links used or expired, mail sent or
 * given up, sign-in attempts, revoked API tokens.  *deleted counts them.
 * E_INVALID for a record type this function does not delete (people are
 * anonymised by the caller instead).
 */
enum err db_retention_delete(struct db *db, const char *record_type, const char *cutoff,
			     int64_t *deleted);

/* Claims the daily job: true when it last ran before since (or never), and
 * records now as its last run; false when another server ran it already. */
enum err db_maintenance_claim(struct db *db, const char *job, const char *since, const char *now,
			      bool *claimed);

#endif
