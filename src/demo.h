/*
 * demo.h - `natverk serve --demo`: a demo network to explore, "Demo:
 * Climate transition 2027" (/networks/demo-climate), in the matching phase,
 * with six accepted Swedish registrations and six approved declarations
 * from Kenya, Tanzania and Uganda, so that the partner board, triage and
 * matching have something to show.
 */
#ifndef NATVERK_DEMO_H
#define NATVERK_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

/* Loads the demo in one transaction unless it is there already (*loaded
 * says which).  Needs the reference data.  On failure err says why and
 * nothing is stored. */
enum err demo_load(struct db *db, bool *loaded, char *err, size_t errlen);

#endif
