/*
 * import.h - loading the reference data into the database (natverk import).
 *
 * Reads the project's data/ folder (Swedish municipalities and regions,
 * clusters, eligibility periods, extra countries) and Debian's iso-codes
 * (countries with their Swedish names), validates everything, and upserts
 * it in one transaction.  Running it twice changes nothing; it never
 * deletes.  i18n_init must have run (Swedish country names).
 */
#ifndef NATVERK_IMPORT_H
#define NATVERK_IMPORT_H

#include <stdio.h>

#include "db/db.h"

#define IMPORT_ISO_CODES_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define IMPORT_MAX_FILE (8 * 1024 * 1024) /* bytes per data file */

struct import_stats {
	int rows;    /* rows read */
	int changed; /* rows inserted or updated */
};

/*
 * Imports everything from root/data and the iso-codes file (the path in
 * NATVERK_ISO_CODES, else IMPORT_ISO_CODES_JSON).  progress (may be NULL)
 * gets one line per data set.  Returns E_OK; E_IO for a missing or
 * unreadable file; E_INVALID for bad data, with "file:line: what" in err;
 * E_DB for database errors.  On error nothing is written.
 */
enum err import_reference(struct db *db, const char *root, FILE *progress, char *err,
			  size_t errlen);

#endif
