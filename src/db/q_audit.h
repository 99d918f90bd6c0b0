/*
 * q_audit.h - the audit log: append and browse.  There is deliberately no
 * function to change or delete a row (the database refuses it too).
 */
#ifndef NATVERK_Q_AUDIT_H
#define NATVERK_Q_AUDIT_H

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct audit_row {
	int64_t id;		 /* primary key, in order of writing */
	const char *at;		 /* timestamp */
	int64_t actor_id;	 /* 0 for the system or a visitor */
	const char *actor_name;	 /* the actor's current name (a pseudonym once erased) */
	const char *action;	 /* e.g. person.update */
	const char *object_type; /* e.g. person */
	const char *object_id;	 /* or NULL */
	const char *before_json; /* or NULL */
	const char *after_json;	 /* or NULL */
	const char *request_id;	 /* or NULL */
	const char *client_addr; /* or NULL */
};

enum err db_audit_insert(struct db *db, const struct audit_row *r);

struct audit_filter {
	int64_t actor_id;	 /* 0: anyone */
	const char *object_type; /* or NULL */
	const char *object_id;	 /* or NULL */
	const char *from;	 /* "YYYY-MM-DD" inclusive, or NULL */
	const char *to;		 /* "YYYY-MM-DD" inclusive, or NULL */
	const char *action;	 /* prefix such as "person." or NULL */
	int64_t limit;		 /* rows wanted */
	int64_t offset;		 /* rows skipped */
};

/* Newest first. */
enum err db_audit_search(struct db *db, struct arena *a, const struct audit_filter *f,
			 struct audit_row **rows, size_t *n, int64_t *total);

#endif
