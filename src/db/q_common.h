/*
 * q_common.h - small helpers shared by the q_*.c query modules.
 */
#ifndef NATVERK_Q_COMMON_H
#define NATVERK_Q_COMMON_H

#include <stdbool.h>

#include "db/db.h"
#include "util/arena.h"

/* A code/name pair for filter lists. */
struct code_name {
	const char *code;    /* e.g. "01" or "SE" */
	const char *name;    /* display name (for countries: English) */
	const char *name_sv; /* Swedish name where it differs by language, else NULL */
};

/* A nullable text column copied into the arena (NULL stays NULL). */
const char *q_text(struct arena *a, struct db_stmt *st, int col);

/* "%text%" with LIKE wildcards escaped by backslash (use ESCAPE '\'), in
 * the arena; NULL for NULL or empty text, meaning "no condition". */
const char *q_like_contains(struct arena *a, const char *text);

/* Grows an arena array of *cap elements of size elem to twice its size
 * when count has reached cap; returns the (possibly new) array. */
void *q_grow(struct arena *a, void *array, size_t elem, size_t count, size_t *cap);

/* Reads the current result row of st into row (one element of the
 * caller's array). */
typedef void (*q_row_fn)(struct arena *a, struct db_stmt *st, void *row);

/* Steps the prepared and bound st to its end, reading each row with read
 * into a new element (elem bytes) of an arena array, and finishes st.
 * *rows and *n are set only on success. */
enum err q_collect(struct db_stmt *st, struct arena *a, size_t elem, q_row_fn read, void **rows,
		   size_t *n);

/* Runs sql (no parameters) returning (code, name[, name_sv]) rows into an
 * arena array; name_sv is read only when with_sv. */
enum err q_code_names(struct db *db, struct arena *a, const char *sql, bool with_sv,
		      struct code_name **rows, size_t *n);

/* Steps a write statement and finishes it; when no row changed the result
 * is none (E_OK to accept that, E_NOTFOUND or E_CONFLICT to report it). */
enum err q_write(struct db_stmt *st, enum err none);

/* Steps an INSERT ... RETURNING id, stores the id (id may be NULL) and
 * finishes the statement. */
enum err q_insert_id(struct db_stmt *st, int64_t *id);

/* Runs sql (one bound id as $1) and sets *exists when it returns a row. */
enum err q_exists(struct db *db, const char *sql, int64_t id, bool *exists);

/* Runs SELECT 1: E_OK when the database answers. */
enum err q_ping(struct db *db);

#endif
