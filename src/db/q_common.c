/*
 * q_common.c - see q_common.h.
 */
#include "db/q_common.h"

#include <string.h>

const char *q_text(struct arena *a, struct db_stmt *st, int col)
{
	return arena_strdup(a, db_col_text(st, col));
}

const char *q_like_contains(struct arena *a, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return NULL;
	size_t n = strlen(text);
	char *p = arena_alloc(a, 2 * n + 3);
	size_t o = 0;
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			p[o++] = '\\';
		p[o++] = text[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

void *q_grow(struct arena *a, void *array, size_t elem, size_t count, size_t *cap)
{
	if (count < *cap)
		return array;
	size_t ncap = *cap != 0 ? *cap * 2 : 16;
	void *bigger = arena_alloc(a, ncap * elem);
	if (count > 0)
		memcpy(bigger, array, count * elem);
	*cap = ncap;
	return bigger;
}

enum err q_collect(struct db_stmt *st, struct arena *a, size_t elem, q_row_fn read, void **rows,
		   size_t *n)
{
	size_t cap = 0, count = 0;
	char *out = NULL;
	bool row;
	enum err rc;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, elem, count, &cap);
		read(a, st, out + count * elem);
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err q_code_names(struct db *db, struct arena *a, const char *sql, bool with_sv,
			   struct code_name **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	size_t cap = 0, count = 0;
	struct code_name *out = NULL;
	bool row;
	while ((rc = db_step(st, &row)) == E_OK && row) {
		out = q_grow(a, out, sizeof *out, count, &cap);
		out[count].code = q_text(a, st, 0);
		out[count].name = q_text(a, st, 1);
		out[count].name_sv = with_sv ? q_text(a, st, 2) : NULL;
		count++;
	}
	db_done(st);
	if (rc != E_OK)
		return rc;
	*rows = out;
	*n = count;
	return E_OK;
}

enum err q_ping(struct db *db)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT 1", &st);
	if (rc != E_OK)
		return rc;
	bool row;
	rc = db_step(st, &row);
	db_done(st);
	return rc;
}

enum err q_write(struct db_stmt *st, enum err none)
{
	enum err rc = db_step(st, NULL);
	if (rc == E_OK && db_changes(st) == 0)
		rc = none;
	db_done(st);
	return rc;
}

enum err q_insert_id(struct db_stmt *st, int64_t *id)
{
	bool row;
	enum err rc = db_step(st, &row);
	if (rc == E_OK && row && id != NULL)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum err q_exists(struct db *db, const char *sql, int64_t id, bool *exists)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	db_bind_int(st, 1, id);
	bool row = false;
	rc = db_step(st, &row);
	*exists = rc == E_OK && row;
	db_done(st);
	return rc;
}
