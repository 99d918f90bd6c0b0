/*
 * q_mail.h - the outbox table (migrations/0002_accounts.sql): queueing mail,
 * claiming due mail for sending, recording the outcome of each attempt, and
 * listing mail for the administrators' page.
 *
 * Knows nothing of SMTP, message formats or the retry schedule: times such
 * as "now", the end of a claim and the next attempt are computed by the
 * caller (src/mail/) and passed in as ISO 8601 UTC text, like every
 * timestamp in the schema.  Rows come back in the caller's arena; strings
 * are NULL for SQL NULL.
 *
 * Several app servers may share one PostgreSQL database.  A mail is sent by
 * the one server that claimed it: a claim is a conditional UPDATE that sets
 * claimed_until only when nobody holds a live claim, and the server that
 * changed the row (db_changes == 1) owns it until then.  On PostgreSQL the
 * losing UPDATE waits for the winner's row lock and re-checks the condition
 * on the committed row; on SQLite writers are serialised.  Either way
 * exactly one claim succeeds.
 */
#ifndef NATVERK_Q_MAIL_H
#define NATVERK_Q_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

/* Where a mail stands; derived from sent_at and failed_at. */
enum outbox_status {
	OUTBOX_ANY,     /* filter only: every mail */
	OUTBOX_PENDING, /* neither sent nor given up: waiting or being retried */
	OUTBOX_SENT,    /* sent_at is set */
	OUTBOX_FAILED,  /* failed_at is set: given up after the last attempt */
	OUTBOX__COUNT
};

/* The stable English code of a status ("any", "pending", "sent", "failed"),
 * for URLs, JSON and CSS classes. */
const char *outbox_status_code(enum outbox_status s);

/* The status for a code; false for an unknown code (out untouched). */
bool outbox_status_parse(const char *code, enum outbox_status *out);

/* A mail to queue.  Every text is already validated by the caller. */
struct outbox_new {
	const char *kind;     /* what it is for: invitation, password_reset, ... */
	const char *to_email; /* one bare address */
	int64_t person_id;    /* the recipient's account, 0 when none */
	const char *lang;     /* language the mail is written in: sv or en */
	const char *subject;  /* UTF-8, one line */
	const char *body;     /* plain text, UTF-8 */
	const char *now;      /* created_at, and the first attempt is due then */
};

/* One outbox row. */
struct outbox_row {
	int64_t id;                  /* primary key */
	const char *kind;            /* invitation, password_reset, ... */
	const char *to_email;        /* recipient address */
	int64_t person_id;           /* the recipient's account, 0 when none */
	const char *lang;            /* sv or en */
	const char *subject;         /* UTF-8, unencoded */
	const char *body;            /* plain text; NULL in lists */
	const char *created_at;      /* when queued */
	int64_t attempts;            /* failed attempts so far */
	const char *next_attempt_at; /* when the next attempt is due */
	const char *claimed_until;   /* a sender holds it until then, or NULL */
	const char *sent_at;         /* or NULL */
	const char *failed_at;       /* given up, or NULL */
	const char *last_error;      /* one line about the last failure, or NULL */
	enum outbox_status status;   /* pending, sent or failed */
};

/* What the administrators' list shows. */
struct outbox_filter {
	enum outbox_status status; /* OUTBOX_ANY for every mail */
	const char *to_text;       /* part of the recipient address (any case), or NULL */
	int64_t limit;             /* rows wanted (> 0) */
	int64_t offset;            /* rows skipped */
};

/*
 * Inserts a mail into the outbox, due at m->now, in whatever transaction
 * the caller has open (so a mail about a change is queued only when the
 * change commits).  *id gets the new key.  E_UNPROCESSABLE when person_id
 * names nobody; E_DB otherwise.
 */
enum err db_mail_insert(struct db *db, const struct outbox_new *m, int64_t *id);

/*
 * Claims mail id for sending until `until` when it is due at `now` (not
 * sent, not given up, next_attempt_at <= now) and nobody holds a live claim
 * (claimed_until NULL or before now).  *won is true when this call took the
 * claim, false when the mail is not due or another sender holds it.  Runs
 * as its own statement: call it outside any transaction, so the claim is
 * visible to other servers at once.
 */
enum err db_mail_claim(struct db *db, int64_t id, const char *now, const char *until, bool *won);

/*
 * Finds the oldest due mail nobody holds and claims it (db_mail_claim),
 * trying the next candidates when another sender wins a race.  On success
 * *found is true and *out is the claimed row, body included, in arena a;
 * *found is false when no mail is due.  Outside any transaction.
 */
enum err db_mail_claim_next(struct db *db, struct arena *a, const char *now, const char *until,
			    struct outbox_row *out, bool *found);

/*
 * Records that mail id was handed to the relay (or written to the file) at
 * now, and releases the claim.  Recorded even if the claim has lapsed: the
 * mail did go out.  E_NOTFOUND when the mail is unknown or already sent.
 */
enum err db_mail_mark_sent(struct db *db, int64_t id, const char *now);

/*
 * Records a failed attempt on mail id while holding the claim that ended at
 * `claim` (the until given to db_mail_claim): attempts + 1, last_error =
 * error (one line, no secrets: the caller's duty), the claim released, and
 * either next_attempt_at = next (failed_at NULL) or, when failed_at is not
 * NULL, the mail given up at failed_at.  E_CONFLICT when the claim is no
 * longer ours (it lapsed and another sender took the mail): nothing changes.
 */
enum err db_mail_record_failure(struct db *db, int64_t id, const char *claim, const char *error,
				const char *next, const char *failed_at);

/* One mail, body included; E_NOTFOUND when absent. */
enum err db_mail_by_id(struct db *db, struct arena *a, int64_t id, struct outbox_row *out);

/*
 * One page of the outbox, newest first (created_at, then id), without the
 * bodies, and *total, the number of mails matching f on every page.
 */
enum err db_mail_list(struct db *db, struct arena *a, const struct outbox_filter *f,
		      struct outbox_row **rows, size_t *n, int64_t *total);

/* The number of mails per status: counts[OUTBOX_ANY] is all of them. */
enum err db_mail_counts(struct db *db, int64_t counts[OUTBOX__COUNT]);

#endif
