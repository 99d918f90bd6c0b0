/*
 * q_triage.h - what staff share while triaging registrations and
 * declarations: notes on a record, and the public forms' submission log
 * used for rate limiting per client address.
 */
#ifndef NATVERK_Q_TRIAGE_H
#define NATVERK_Q_TRIAGE_H

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct triage_note {
	int64_t id;		/* primary key */
	int64_t author_id;	/* 0 when the author was erased or the system */
	const char *author;	/* the author's current name, or NULL */
	const char *body;	/* the note */
	const char *created_at; /* timestamp */
};

/* Adds a note on (object_type, object_id): "registration" or "declaration". */
enum err db_note_add(struct db *db, const char *object_type, int64_t object_id, int64_t author,
		     const char *body, const char *now, int64_t *id);

/* The notes on an object, oldest first. */
enum err db_notes_of(struct db *db, struct arena *a, const char *object_type, int64_t object_id,
		     struct triage_note **rows, size_t *n);

/* Records one submission of a public form from a client address. */
enum err db_form_submission(struct db *db, const char *form, const char *addr, const char *now);

/* Submissions of form from addr since a time. */
enum err db_form_submissions_since(struct db *db, const char *form, const char *addr,
				   const char *since, int64_t *n);

#endif
