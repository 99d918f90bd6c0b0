/*
 * retention.c - see retention.h.
 */
#include "retention.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/q_audit.h"
#include "db/q_people.h"
#include "db/q_retention.h"
#include "util/jsonmem.h"
#include "util/timefmt.h"

/* Anonymises people deactivated before cutoff; *n counts them. */
static enum err erase_inactive(struct db *db, struct arena *a, const char *cutoff,
			       const char *now, int64_t *n)
{
	int64_t *ids;
	size_t count;
	enum err rc = db_people_deactivated_before(db, a, cutoff, &ids, &count);
	for (size_t i = 0; rc == E_OK && i < count; i++) {
		struct person p;
		rc = db_person_by_id(db, a, ids[i], &p);
		if (rc == E_OK)
			rc = db_person_forget(db, p.id, p.email);
		if (rc == E_OK)
			rc = db_person_erase(db, p.id, now);
		if (rc == E_OK) {
			struct audit_row row = {.at = now, .action = "person.erase",
						.object_type = "person",
						.object_id = arena_printf(a, "%lld", (long long)p.id),
						.after_json = "{\"reason\":\"retention\"}"};
			rc = db_audit_insert(db, &row);
		}
	}
	*n = (int64_t)count;
	return rc;
}

enum err retention_run(struct db *db, time_t now, FILE *progress, char *err, size_t errlen)
{
	struct arena *a = arena_new();
	char nowtxt[TIMEFMT_LEN], today[11];
	timefmt_iso(now, nowtxt);
	snprintf(today, sizeof today, "%.10s", nowtxt);
	json_t *report = json_object();
	struct retention_rule *rules;
	size_t n = 0;
	enum err rc = db_begin(db);
	if (rc == E_OK)
		rc = db_retention_rules(db, a, today, &rules, &n);
	for (size_t i = 0; rc == E_OK && i < n; i++) {
		char cutoff[TIMEFMT_LEN];
		timefmt_iso(now - (time_t)rules[i].keep_days * 86400, cutoff);
		int64_t removed = 0;
		if (strcmp(rules[i].record_type, "inactive_people") == 0)
			rc = erase_inactive(db, a, cutoff, nowtxt, &removed);
		else
			rc = db_retention_delete(db, rules[i].record_type, cutoff, &removed);
		if (rc == E_INVALID) {
			/* A rule for a record type this version does not know: skip it, say so. */
			if (progress != NULL)
				fprintf(progress, "%-16s unknown record type, skipped\n",
					rules[i].record_type);
			rc = E_OK;
			continue;
		}
		json_object_set_new(report, rules[i].record_type, json_integer(removed));
		if (progress != NULL && rc == E_OK)
			fprintf(progress, "%-16s kept %4lld days, %lld removed\n", rules[i].record_type,
				(long long)rules[i].keep_days, (long long)removed);
	}
	if (rc == E_OK) {
		char *after = jsonmem_dump(a, report, JSON_COMPACT | JSON_SORT_KEYS);
		struct audit_row row = {.at = nowtxt, .action = "retention.run",
					.object_type = "retention", .after_json = after};
		rc = db_audit_insert(db, &row);
	}
	if (rc == E_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	if (rc != E_OK)
		snprintf(err, errlen, "retention failed: %s", db_errmsg(db));
	json_decref(report);
	arena_free(a);
	return rc;
}
