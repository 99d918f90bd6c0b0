/*
 * migrate.c - numbered schema migrations (see migrate.h).
 *
 * Owns the schema_migrations table and the rules for migration files: a
 * name matching ^[0-9]{4}_[a-z0-9_]+\.sql$ (anything else in the folder,
 * such as a README or an editor's backup, is ignored), versions unique and
 * not 0000, at most MIGRATE_MAX_FILES files of at most MIGRATE_MAX_BYTES.
 * Each file runs in its own transaction together with the insertion of its
 * schema_migrations row, so a migration is either entirely applied and
 * recorded or not at all.  Migration files must therefore not contain
 * BEGIN or COMMIT themselves.
 *
 * Two processes migrating at once: on SQLite, BEGIN IMMEDIATE serialises
 * them; on PostgreSQL the transaction locks schema_migrations first.  Either
 * way the version is checked again inside the transaction, and a migration
 * the other process applied meanwhile is skipped.
 *
 * It never decides whether the server may start; the caller compares
 * migrate_status's current and latest.
 */
#include "db/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"

/* Largest migration file read (bytes). */
#define MIGRATE_MAX_BYTES ((size_t)16 << 20)
/* Versions are four digits. */
#define MIGRATE_MAX_VERSION 9999

struct mig_file {
	int version; /* from the first four digits */
	char *file;  /* the file name, e.g. "0001_init.sql" (owned) */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes a message into err when the caller gave room for one. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* True when name matches ^[0-9]{4}_[a-z0-9_]+\.sql$; *version gets the number. */
static bool migration_name(const char *name, int *version)
{
	size_t len = strlen(name);
	if (len < 4 + 1 + 1 + 4 || strcmp(name + len - 4, ".sql") != 0)
		return false;
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (name[i] - '0');
	}
	if (name[4] != '_')
		return false;
	for (size_t i = 5; i < len - 4; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	*version = v;
	return true;
}

static int cmp_files(const void *a, const void *b)
{
	const struct mig_file *x = a;
	const struct mig_file *y = b;
	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	return strcmp(x->file, y->file);
}

static void free_files(struct mig_file *files, int n)
{
	for (int i = 0; i < n; i++)
		free(files[i].file);
	free(files);
}

/* Lists the migration files of dir in version order into *out (n entries;
 * free with free_files).  E_IO when dir cannot be read, E_INVALID for
 * duplicate or reserved versions and too many files. */
static enum err list_files(const char *dir, struct mig_file **out, int *n, char *err,
			   size_t errlen)
{
	enum err rc = E_OK;
	struct mig_file *files = NULL;
	int count = 0;
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		set_err(err, errlen, "cannot read migrations folder %s: %s", dir, strerror(errno));
		return E_IO;
	}
	files = calloc(MIGRATE_MAX_FILES, sizeof *files);
	if (files == NULL) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int version = 0;
		if (!migration_name(e->d_name, &version))
			continue;
		if (count == MIGRATE_MAX_FILES) {
			set_err(err, errlen, "more than %d migration files in %s", MIGRATE_MAX_FILES,
				dir);
			rc = E_INVALID;
			goto done;
		}
		files[count].file = strdup(e->d_name);
		if (files[count].file == NULL) {
			set_err(err, errlen, "out of memory");
			rc = E_NOMEM;
			goto done;
		}
		files[count].version = version;
		count++;
	}
	qsort(files, (size_t)count, sizeof *files, cmp_files);
	for (int i = 0; i < count; i++) {
		/* 0 means "nothing applied" in migrate_status. */
		if (files[i].version == 0) {
			set_err(err, errlen, "migration %s: version 0000 is reserved; start at 0001",
				files[i].file);
			rc = E_INVALID;
			goto done;
		}
		if (i > 0 && files[i].version == files[i - 1].version) {
			set_err(err, errlen,
				"two migrations with version %04d in %s: %s and %s; renumber one",
				files[i].version, dir, files[i - 1].file, files[i].file);
			rc = E_INVALID;
			goto done;
		}
	}
	*out = files;
	*n = count;
	files = NULL;
	count = 0;
done:
	closedir(d);
	free_files(files, count);
	return rc;
}

/* Reads a migration file into a malloc'ed NUL-terminated string. */
static enum err read_text(const char *path, char **out, char *err, size_t errlen)
{
	enum err rc = E_OK;
	struct buf b;
	buf_init(&b, MIGRATE_MAX_BYTES);
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		set_err(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return E_IO;
	}
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	if (ferror(f)) {
		set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
		rc = E_IO;
		goto done;
	}
	if (buf_failed(&b)) {
		set_err(err, errlen, "%s is larger than %zu bytes", path, MIGRATE_MAX_BYTES);
		rc = E_IO;
		goto done;
	}
	*out = b.data != NULL ? buf_steal(&b, NULL) : strdup("");
	if (*out == NULL) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
	}
done:
	fclose(f);
	buf_free(&b);
	return rc;
}

/* Drops the lines of blocks meant for the other engine: a line "-- @sqlite"
 * or "-- @postgresql" opens a block that ends at a line "-- @end". */
static char *select_engine_blocks(enum db_backend backend, const char *sql)
{
	struct buf b = BUF_INIT;
	const char *keep_tag = backend == DB_POSTGRES ? "-- @postgresql" : "-- @sqlite";
	bool skipping = false;
	const char *p = sql;
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		bool opens = (n == strlen("-- @sqlite") && strncmp(p, "-- @sqlite", n) == 0) ||
			     (n == strlen("-- @postgresql") && strncmp(p, "-- @postgresql", n) == 0);
		bool closes = n == strlen("-- @end") && strncmp(p, "-- @end", n) == 0;
		if (opens)
			skipping = strncmp(p, keep_tag, n) != 0 || n != strlen(keep_tag);
		else if (closes)
			skipping = false;
		else if (!skipping)
			buf_append(&b, p, n);
		p += n;
		if (*p == '\n') {
			if (!skipping && !opens && !closes)
				buf_putc(&b, '\n');
			p++;
		}
	}
	if (buf_failed(&b)) {
		buf_free(&b);
		return NULL;
	}
	return b.data != NULL ? buf_steal(&b, NULL) : strdup("");
}

char *migrate_expand(enum db_backend backend, const char *input)
{
	char *selected = select_engine_blocks(backend, input);
	if (selected == NULL)
		return NULL;
	const char *sql = selected;
	static const struct {
		const char *macro;    /* as written in the files */
		const char *sqlite;   /* SQLite's text */
		const char *postgres; /* PostgreSQL's text */
	} macros[] = {
		{"@ID@", "INTEGER PRIMARY KEY AUTOINCREMENT",
		 "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"@BLOB@", "BLOB", "BYTEA"},
		{"@COLLATE_C@", "", "COLLATE \"C\""},
	};
	struct buf b = BUF_INIT;
	const char *p = sql;
	while (*p != '\0') {
		const char *at = strchr(p, '@');
		if (at == NULL) {
			buf_puts(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(at - p));
		p = at;
		bool matched = false;
		for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++) {
			size_t n = strlen(macros[i].macro);
			if (strncmp(p, macros[i].macro, n) == 0) {
				buf_puts(&b, backend == DB_POSTGRES ? macros[i].postgres
								    : macros[i].sqlite);
				p += n;
				matched = true;
				break;
			}
		}
		/* Any other '@' is SQL's business. */
		if (!matched)
			buf_putc(&b, *p++);
	}
	free(selected);
	if (buf_failed(&b)) {
		buf_free(&b);
		return NULL;
	}
	return b.data != NULL ? buf_steal(&b, NULL) : strdup("");
}

/* *exists = whether schema_migrations is there (on the search path). */
static enum err table_exists(struct db *db, bool *exists, char *err, size_t errlen)
{
	struct db_stmt *st = NULL;
	bool row = false;
	*exists = false;
	enum err rc = db_prepare(db,
				 db_backend(db) == DB_POSTGRES
					 ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
					 : "SELECT count(*) FROM sqlite_master"
					   " WHERE type = 'table' AND name = 'schema_migrations'",
				 &st);
	if (rc != E_OK)
		goto done;
	rc = db_step(st, &row);
	if (rc != E_OK)
		goto done;
	*exists = row && db_col_int(st, 0) != 0;
done:
	if (rc != E_OK)
		set_err(err, errlen, "cannot read schema_migrations: %s", db_errmsg(db));
	db_done(st);
	return rc;
}

/* Marks applied[v] for every recorded version (applied has
 * MIGRATE_MAX_VERSION + 1 entries); *current = the highest. */
static enum err read_applied(struct db *db, bool *applied, int *current, char *err,
			     size_t errlen)
{
	struct db_stmt *st = NULL;
	bool row = false;
	*current = 0;
	enum err rc = db_prepare(db, "SELECT version FROM schema_migrations", &st);
	if (rc != E_OK)
		goto done;
	for (;;) {
		rc = db_step(st, &row);
		if (rc != E_OK || !row)
			break;
		int64_t v = db_col_int(st, 0);
		if (v >= 0 && v <= MIGRATE_MAX_VERSION)
			applied[v] = true;
		if (v > *current && v <= MIGRATE_MAX_VERSION)
			*current = (int)v;
	}
done:
	if (rc != E_OK)
		set_err(err, errlen, "cannot read schema_migrations: %s", db_errmsg(db));
	db_done(st);
	return rc;
}

enum err migrate_status(struct db *db, const char *dir, struct migrate_status *st, char *err,
			size_t errlen)
{
	enum err rc = E_OK;
	struct mig_file *files = NULL;
	int n = 0;
	bool exists = false;
	bool *applied = calloc(MIGRATE_MAX_VERSION + 1, sizeof *applied);
	st->current = 0;
	st->latest = 0;
	st->pending = 0;
	if (applied == NULL) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	rc = list_files(dir, &files, &n, err, errlen);
	if (rc != E_OK)
		goto done;
	rc = table_exists(db, &exists, err, errlen);
	if (rc != E_OK)
		goto done;
	if (exists) {
		rc = read_applied(db, applied, &st->current, err, errlen);
		if (rc != E_OK)
			goto done;
	}
	for (int i = 0; i < n; i++) {
		if (!applied[files[i].version])
			st->pending++;
		st->latest = files[i].version;
	}
done:
	free(applied);
	free_files(files, n);
	return rc;
}

/* Current UTC time as ISO 8601, e.g. "2026-11-28T09:00:00Z". */
static void utc_now(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Inserts the schema_migrations row of f. */
static enum err record(struct db *db, const struct mig_file *f)
{
	struct db_stmt *st = NULL;
	char now[32];
	utc_now(now, sizeof now);
	/* The name without the version and the .sql. */
	const char *name = f->file + 5;
	enum err rc = db_prepare(
		db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		&st);
	if (rc != E_OK)
		goto done;
	db_bind_int(st, 1, f->version);
	db_bind_textn(st, 2, name, strlen(name) - 4);
	db_bind_text(st, 3, now);
	rc = db_step(st, NULL);
done:
	db_done(st);
	return rc;
}

/* *applied = whether version is recorded, read inside the transaction. */
static enum err recorded(struct db *db, int version, bool *applied)
{
	struct db_stmt *st = NULL;
	bool row = false;
	enum err rc = db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = $1", &st);
	if (rc != E_OK)
		goto done;
	db_bind_int(st, 1, version);
	rc = db_step(st, &row);
	*applied = row;
done:
	db_done(st);
	return rc;
}

/* Runs one migration file and records it, in one transaction.  *ran is
 * false when another process applied it first. */
static enum err apply_one(struct db *db, const char *dir, const struct mig_file *f, bool *ran,
			  char *err, size_t errlen)
{
	enum err rc = E_OK;
	struct buf path = BUF_INIT;
	char *text = NULL;
	char *sql = NULL;
	bool in_txn = false;
	bool done_before = false;
	bool in_db = false;
	*ran = false;
	buf_printf(&path, "%s/%s", dir, f->file);
	if (buf_failed(&path)) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	rc = read_text(buf_str(&path), &text, err, errlen);
	if (rc != E_OK)
		goto done;
	sql = migrate_expand(db_backend(db), text);
	if (sql == NULL) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	/* From here on a failure is the database's, with its message in db_errmsg. */
	in_db = true;
	rc = db_begin(db);
	if (rc != E_OK)
		goto done;
	in_txn = true;
	if (db_backend(db) == DB_POSTGRES) {
		/* Serialises concurrent migrators; SQLite's BEGIN IMMEDIATE already did. */
		rc = db_exec(db, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
		if (rc != E_OK)
			goto done;
	}
	rc = recorded(db, f->version, &done_before);
	if (rc != E_OK || done_before)
		goto done;
	rc = db_exec(db, sql);
	if (rc != E_OK)
		goto done;
	rc = record(db, f);
	if (rc != E_OK)
		goto done;
	/* A failed COMMIT can leave SQLite's transaction open: roll back then. */
	rc = db_commit(db);
	if (rc != E_OK)
		goto done;
	in_txn = false;
	*ran = true;
done:
	if (rc != E_OK && in_db)
		set_err(err, errlen, "migration %s failed: %s", f->file, db_errmsg(db));
	if (in_txn)
		db_rollback(db);
	free(sql);
	free(text);
	buf_free(&path);
	return rc;
}

enum err migrate_apply(struct db *db, const char *dir, FILE *progress, int *applied, char *err,
		       size_t errlen)
{
	enum err rc = E_OK;
	struct mig_file *files = NULL;
	int n = 0;
	int current = 0;
	bool *done_set = calloc(MIGRATE_MAX_VERSION + 1, sizeof *done_set);
	*applied = 0;
	if (done_set == NULL) {
		set_err(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	rc = list_files(dir, &files, &n, err, errlen);
	if (rc != E_OK)
		goto done;
	rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 "version INTEGER PRIMARY KEY, "
			 "name TEXT NOT NULL, "
			 "applied_at TEXT NOT NULL)");
	if (rc != E_OK) {
		set_err(err, errlen, "cannot create schema_migrations: %s", db_errmsg(db));
		goto done;
	}
	rc = read_applied(db, done_set, &current, err, errlen);
	if (rc != E_OK)
		goto done;
	for (int i = 0; i < n; i++) {
		bool ran = false;
		if (done_set[files[i].version])
			continue;
		rc = apply_one(db, dir, &files[i], &ran, err, errlen);
		if (rc != E_OK)
			goto done;
		if (!ran)
			continue;
		(*applied)++;
		if (progress != NULL)
			fprintf(progress, "applied %s\n", files[i].file);
	}
done:
	free(done_set);
	free_files(files, n);
	return rc;
}
