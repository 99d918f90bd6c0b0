/*
 * mail.h - outgoing mail: queueing into the outbox, sending what is due
 * with retries and backoff, and the sender thread.
 *
 * Code that wants a mail sent calls mail_queue inside the transaction of
 * the change the mail is about, already written in the recipient's
 * language, and after the commit calls mail_notify (or mail_sender_wake)
 * so the mail leaves at once instead of at the next poll.  The sender thread (one per server
 * process, with its own database connection) claims due mail, formats it
 * (message.h) and hands it to the SMTP relay of NATVERK_SMTP_URL (smtp.h)
 * or, without one, appends it to a file (mbox format) and marks it sent; the
 * administrators' page reads the outbox through db/q_mail.h.
 *
 * Several servers may share one PostgreSQL: each mail is claimed by one
 * server at a time (db/q_mail.h), so it is never sent twice while the
 * servers' clocks agree within the claim time (MAIL_CLAIM_S).  A failed
 * attempt is retried after 1 min, 5 min, 30 min, 2 h and 12 h; the sixth
 * failure gives up and marks the mail failed.
 *
 * Logs say which mail (id, kind) and why, never the recipient, the body or
 * the SMTP password.
 */
#ifndef NATVERK_MAIL_H
#define NATVERK_MAIL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db/db.h"
#include "mail/message.h"
#include "util/err.h"

#define MAIL_MAX_KIND        64   /* bytes in a kind ([a-z0-9_.-]) */
#define MAIL_MAX_ATTEMPTS    6    /* attempts before a mail is given up */
#define MAIL_CLAIM_S         300  /* a claim lasts this long; far above SMTP's timeout */
#define MAIL_POLL_MS         2000 /* the sender thread's pause between rounds */
#define MAIL_RECHECK_MS      250  /* second look after a wake-up that found nothing */
#define MAIL_MAX_PER_ROUND   1000 /* mails one round sends at most */
#define MAIL_MAX_ERROR       300  /* bytes of last_error kept */
#define MAIL_DEFAULT_FROM    "natverk <no-reply@localhost>"
#define MAIL_DEFAULT_FILE    "natverk-mail.out" /* file sink when no SQLite file */
#define MAIL_FILE_NEXT_TO_DB "mail.out"         /* file sink next to a SQLite file */

/* Where mail goes.  Plain values: copying the struct is fine. */
struct mail_config {
	const char *smtp_url; /* NATVERK_SMTP_URL: smtp:// or smtps:// relay, user:password
				 allowed; NULL or "" for the file sink */
	const char *from;     /* NATVERK_MAIL_FROM: "Name <addr>" or "addr" */
	char file[PATH_MAX];  /* NATVERK_MAIL_FILE: the file sink's path */
	int poll_ms;          /* sender thread's pause between rounds; 0: MAIL_POLL_MS */
};

/*
 * Fills out from NATVERK_SMTP_URL, NATVERK_MAIL_FROM and NATVERK_MAIL_FILE
 * with their defaults: no relay (the file sink), MAIL_DEFAULT_FROM, and for
 * the file "mail.out" in the folder of db_url when db_url is a SQLite file,
 * else "natverk-mail.out" in the working directory.  The strings borrow the
 * environment's: do not change those variables afterwards.  Never fails;
 * check the values with mail_config_check.
 */
void mail_config_from_env(struct mail_config *out, const char *db_url);

/*
 * E_OK when cfg can work: smtp_url, when set, is an smtp:// or smtps://
 * URL; from parses (message_parse_from); without a relay, file is set.
 * Otherwise E_INVALID with a one-line English message in err (errlen
 * bytes), without any password.
 */
enum err mail_config_check(const struct mail_config *cfg, char *err, size_t errlen);

/*
 * Queues one mail in the outbox, due now, inside whatever transaction the
 * caller has open on db.  kind: what it is for, 1..MAIL_MAX_KIND of
 * [a-z0-9_.-] (e.g. "invitation"); to_email: one bare address
 * (message_address_valid: no CR, LF or NUL, one '@', at most 254 bytes);
 * person_id: the recipient's account, 0 for none; lang: "sv" or "en", the
 * language subject and body are written in; subject: UTF-8, one line, at
 * most MESSAGE_MAX_SUBJECT bytes; body: UTF-8 plain text, at most
 * MESSAGE_MAX_BODY bytes.  Returns E_INVALID for any bad argument (nothing
 * is stored), E_UNPROCESSABLE when person_id names nobody, E_DB otherwise.
 */
enum err mail_queue(struct db *db, const char *kind, const char *to_email, int64_t person_id,
		    const char *lang, const char *subject, const char *body);

/*
 * The pause before the next attempt after `attempts` failed attempts, in
 * seconds (1: 60, 2: 300, 3: 1800, 4: 7200, 5: 43200), or -1 when
 * `attempts` reaches MAIL_MAX_ATTEMPTS: give up.
 */
int mail_backoff_s(int attempts);

/*
 * One sending round, synchronously: claims each due mail in turn (at most
 * MAIL_MAX_PER_ROUND), formats it, sends it through cfg's relay or file,
 * and records the outcome: sent, or a failed attempt with the next attempt
 * scheduled (mail_backoff_s) or the mail given up.  db must not be inside a
 * transaction (claims must be visible to other servers at once).  *sent and
 * *failed (may be NULL) count the mails of this round.  Returns E_OK even
 * when mails failed (that is recorded per mail); a database error stops the
 * round and is returned.
 */
enum err mail_send_due(struct db *db, const struct mail_config *cfg, int *sent, int *failed);

struct mail_sender;

/*
 * Checks cfg (mail_config_check, logging why it is refused), opens a
 * database connection to db_url for the sender alone, and starts the
 * sender thread: a round (mail_send_due), then a pause of cfg->poll_ms or
 * until mail_sender_wake, and again.  cfg is copied.  *out is the sender;
 * free it with mail_sender_stop.  Returns E_INVALID for a bad cfg, E_DB
 * when the database cannot be opened, E_INTERNAL when no thread can start.
 */
enum err mail_sender_start(const struct mail_config *cfg, const char *db_url,
			   struct mail_sender **out);

/* Ends the sender's pause now, so mail just committed goes out at once.
 * Thread-safe, never blocks for long; NULL does nothing. */
void mail_sender_wake(struct mail_sender *s);

/*
 * Wakes the sender this process started, if any (the first started and not
 * yet stopped): mail_sender_wake for code without a handle on the sender,
 * such as request handlers.  Best called after the transaction that queued
 * the mail commits; called before, the sender looks again MAIL_RECHECK_MS
 * after a wake-up that found nothing, and in any case at the next poll.
 * Thread-safe; does nothing when no sender runs (the CLI, tests).
 */
void mail_notify(void);

/* Stops the sender: the message in progress is finished and recorded, no
 * other is started; joins the thread, closes its connection, frees s.
 * NULL does nothing. */
void mail_sender_stop(struct mail_sender *s);

#endif
