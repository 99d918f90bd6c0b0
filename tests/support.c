/*
 * support.c - helpers shared by the test programs (see support.h).
 *
 * Owns the test database lifecycle: which backend a run uses
 * (NATVERK_TEST_DB, else a fresh SQLite file per test), emptying it, and
 * bringing it to the migrated or reference state.  On SQLite the reference
 * state is built once per process into a template file and copied for each
 * test, since importing the reference data is the slow part; on PostgreSQL
 * it is imported each time into the freshly emptied schema.
 *
 * Failures abort the current test with cr_assert_fail: a test cannot go on
 * without its database.  Temporary folders are left for the OS to clean.
 */
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "import.h"
#include "view/i18n.h"

#if defined(__has_include)
#if __has_include("config_build.h")
#include "config_build.h"
#endif
#endif
#ifndef NATVERK_SOURCE_ROOT
/* Built outside Meson: run from the source root. */
#define NATVERK_SOURCE_ROOT "."
#endif
#ifndef NATVERK_LOCALEDIR
#define NATVERK_LOCALEDIR "build/locale"
#endif

/* Temporary folders made so far; kept reachable so leak checkers stay quiet. */
struct tmpdir {
	struct tmpdir *next; /* older folder */
	char path[];	     /* the folder */
};
static struct tmpdir *tmpdirs;

/* The URL of the database test_db_url names (empty until decided). */
static char current_url[PATH_MAX];
/* The SQLite reference template of this process (empty until built). */
static char reference_template[PATH_MAX];

const char *test_root(void)
{
	const char *root = getenv("NATVERK_ROOT");
	return root != NULL && root[0] != '\0' ? root : NATVERK_SOURCE_ROOT;
}

const char *test_localedir(void)
{
	const char *dir = getenv("NATVERK_LOCALEDIR");
	return dir != NULL && dir[0] != '\0' ? dir : NATVERK_LOCALEDIR;
}

const char *test_path(const char *rel)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", test_root(), rel);
	return path;
}

const char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	size_t len = strlen(base) + sizeof "/natverk-test-XXXXXX";
	struct tmpdir *t = malloc(sizeof *t + len);
	cr_assert_not_null(t, "out of memory");
	snprintf(t->path, len, "%s/natverk-test-XXXXXX", base);
	if (mkdtemp(t->path) == NULL) {
		free(t);
		cr_assert_fail("mkdtemp in %s: %s", base, strerror(errno));
	}
	t->next = tmpdirs;
	tmpdirs = t;
	return t->path;
}

/* The test database named by the environment, or NULL. */
static const char *env_url(void)
{
	const char *url = getenv("NATVERK_TEST_DB");
	return url != NULL && url[0] != '\0' ? url : NULL;
}

/* Picks the SQLite file for a fresh database: the one NATVERK_TEST_DB names,
 * emptied by deleting it, or a new file in a new folder.  Sets current_url. */
static const char *fresh_sqlite_path(void)
{
	const char *env = env_url();
	if (env != NULL) {
		char side[PATH_MAX];
		unlink(env);
		snprintf(side, sizeof side, "%s-wal", env);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", env);
		unlink(side);
		snprintf(current_url, sizeof current_url, "%s", env);
	} else {
		snprintf(current_url, sizeof current_url, "%s/test.db", test_tmpdir());
	}
	return current_url;
}

const char *test_db_url(void)
{
	const char *env = env_url();
	if (env != NULL)
		return env;
	if (current_url[0] == '\0')
		fresh_sqlite_path();
	return current_url;
}

/* Opens url or aborts the test. */
static struct db *open_or_fail(const char *url)
{
	struct db *db = NULL;
	char err[DB_ERRLEN];
	if (db_open(url, &db, err, sizeof err) != E_OK)
		cr_assert_fail("cannot open the test database: %s", err);
	return db;
}

struct db *test_db_fresh(void)
{
	const char *env = env_url();
	if (env != NULL && db_backend_for(env) == DB_POSTGRES) {
		struct db *db = open_or_fail(env);
		if (db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;") != E_OK)
			cr_assert_fail("cannot empty the test database: %s", db_errmsg(db));
		return db;
	}
	return open_or_fail(fresh_sqlite_path());
}

/* Applies every migration of the project to db or aborts the test. */
static void migrate_or_fail(struct db *db)
{
	char err[DB_ERRLEN];
	int applied = 0;
	if (migrate_apply(db, test_path("migrations"), NULL, &applied, err, sizeof err) != E_OK)
		cr_assert_fail("migrations failed: %s", err);
}

/* Imports the reference data into db or aborts the test. */
static void import_or_fail(struct db *db)
{
	char err[DB_ERRLEN];
	/* Swedish country names come from gettext under the Swedish locale. */
	if (i18n_init(test_localedir(), err, sizeof err) != E_OK)
		cr_assert_fail("%s", err);
	if (import_reference(db, test_root(), NULL, err, sizeof err) != E_OK)
		cr_assert_fail("reference import failed: %s", err);
}

struct db *test_db_migrated(void)
{
	struct db *db = test_db_fresh();
	migrate_or_fail(db);
	return db;
}

/* Copies the file from to to, or aborts the test. */
static void copy_file(const char *from, const char *to)
{
	size_t len = 0;
	char *data = test_read_file(from, &len);
	cr_assert_not_null(data, "cannot read %s", from);
	FILE *f = fopen(to, "wb");
	cr_assert_not_null(f, "cannot create %s: %s", to, strerror(errno));
	size_t n = fwrite(data, 1, len, f);
	int closed = fclose(f);
	free(data);
	cr_assert(n == len && closed == 0, "cannot write %s", to);
}

struct db *test_db_reference(void)
{
	const char *env = env_url();
	if (env != NULL && db_backend_for(env) == DB_POSTGRES) {
		struct db *db = test_db_migrated();
		import_or_fail(db);
		return db;
	}
	if (reference_template[0] == '\0') {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/reference.db", test_tmpdir());
		struct db *db = open_or_fail(path);
		migrate_or_fail(db);
		import_or_fail(db);
		/* Folds the WAL into the main file so copying that file is enough. */
		if (db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != E_OK)
			cr_assert_fail("checkpoint of the reference template: %s", db_errmsg(db));
		db_close(db);
		snprintf(reference_template, sizeof reference_template, "%s", path);
	}
	const char *path = fresh_sqlite_path();
	copy_file(reference_template, path);
	return open_or_fail(path);
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *data = NULL;
	size_t used = 0;
	size_t cap = 0;
	for (;;) {
		if (cap - used < 4096) {
			size_t ncap = cap != 0 ? cap * 2 : 8192;
			char *p = realloc(data, ncap);
			if (p == NULL) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
			cap = ncap;
		}
		size_t n = fread(data + used, 1, cap - used - 1, f);
		used += n;
		if (n == 0)
			break;
	}
	bool failed = ferror(f) != 0;
	fclose(f);
	if (failed) {
		free(data);
		return NULL;
	}
	data[used] = '\0';
	if (len != NULL)
		*len = used;
	return data;
}

/*
 * On PostgreSQL every test empties the same database, so tests of one
 * program must not run in parallel there (Criterion runs one process per
 * CPU by default).  SQLite tests each get their own file and keep the
 * parallel runner.
 */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	const char *env = env_url();
	if (env != NULL && db_backend_for(env) == DB_POSTGRES)
		criterion_options.jobs = 1;
}
