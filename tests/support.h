/*
 * support.h - helpers shared by the test programs.
 *
 * Database tests run against the backend named by NATVERK_TEST_DB: a
 * postgres:// URL (scripts/check.sh starts a throwaway server) or, when
 * unset, a fresh SQLite file in a temporary folder.
 */
#ifndef NATVERK_TEST_SUPPORT_H
#define NATVERK_TEST_SUPPORT_H

#include <stdbool.h>

#include "db/db.h"

/* The project root (NATVERK_ROOT, else the source root compiled in). */
const char *test_root(void);

/* The compiled translations (NATVERK_LOCALEDIR, else the build tree's). */
const char *test_localedir(void);

/* A path under the project root, in a static buffer (tests are single-threaded). */
const char *test_path(const char *rel);

/* A new empty temporary folder (mkdtemp); removed by the OS, not by us. */
const char *test_tmpdir(void);

/* The database URL for this run: NATVERK_TEST_DB or a fresh SQLite file. */
const char *test_db_url(void);

/* Opens a connection to an empty database: on PostgreSQL the public schema
 * is dropped and recreated first, on SQLite a fresh file is used.  Aborts
 * the test on failure. */
struct db *test_db_fresh(void);

/* test_db_fresh plus every migration applied. */
struct db *test_db_migrated(void);

/* test_db_migrated plus the reference data imported (cached per process on
 * SQLite by copying a template file; on PostgreSQL imported each time). */
struct db *test_db_reference(void);

/* Reads a whole file into a malloc'ed NUL-terminated string (NULL on error). */
char *test_read_file(const char *path, size_t *len);

#endif
