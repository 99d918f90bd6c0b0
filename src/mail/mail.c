/*
 * mail.c - see mail.h.  Owns the retry schedule, the file sink and the
 * sender thread; the outbox's SQL is in db/q_mail.c, the message format in
 * message.c, the SMTP transfer in smtp.c.
 *
 * Sending is at-least-once by nature: when a relay accepts a message and
 * the server dies before recording it, the claim lapses and the mail goes
 * out again later.  What the claim rules out is two servers sending the
 * same mail side by side.
 */
#include "mail/mail.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/q_mail.h"
#include "mail/message.h"
#include "mail/smtp.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"
#include "util/timefmt.h"

/* Pause after the n-th failed attempt (index n - 1).  One entry fewer than
 * MAIL_MAX_ATTEMPTS: the last attempt has no pause after it, it gives up. */
static const int backoff_s[] = {
    60,       /* 1 min: a relay restarting, a grey-listing server */
    5 * 60,   /* 5 min */
    30 * 60,  /* 30 min */
    2 * 3600, /* 2 h */
    12 * 3600 /* 12 h: then the sixth attempt is the last */
};
_Static_assert(sizeof backoff_s / sizeof backoff_s[0] == MAIL_MAX_ATTEMPTS - 1,
	       "one pause between each two attempts");

int mail_backoff_s(int attempts)
{
	if (attempts < 1)
		return 0;
	if (attempts >= MAIL_MAX_ATTEMPTS)
		return -1;
	return backoff_s[attempts - 1];
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : fallback;
}

void mail_config_from_env(struct mail_config *out, const char *db_url)
{
	memset(out, 0, sizeof *out);
	out->smtp_url = env_or("NATVERK_SMTP_URL", NULL);
	out->from = env_or("NATVERK_MAIL_FROM", MAIL_DEFAULT_FROM);
	const char *file = env_or("NATVERK_MAIL_FILE", NULL);
	if (file != NULL) {
		snprintf(out->file, sizeof out->file, "%s", file);
		return;
	}
	/* Next to a SQLite file, where a developer looks; a PostgreSQL URL
	 * or an in-memory database has no folder. */
	bool sqlite_file = db_url != NULL && db_url[0] != '\0' &&
			   db_backend_for(db_url) == DB_SQLITE && db_url[0] != ':' &&
			   !str_starts_with(db_url, "file:");
	if (!sqlite_file) {
		snprintf(out->file, sizeof out->file, "%s", MAIL_DEFAULT_FILE);
		return;
	}
	const char *slash = strrchr(db_url, '/');
	if (slash == NULL)
		snprintf(out->file, sizeof out->file, "%s", MAIL_FILE_NEXT_TO_DB);
	else
		snprintf(out->file, sizeof out->file, "%.*s/%s", (int)(slash - db_url), db_url,
			 MAIL_FILE_NEXT_TO_DB);
}

enum err mail_config_check(const struct mail_config *cfg, char *err, size_t errlen)
{
	char name[MESSAGE_MAX_NAME + 1];
	char addr[MESSAGE_MAX_ADDRESS + 1];
	if (cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0' && !smtp_url_valid(cfg->smtp_url)) {
		/* Not even the scheme is echoed: the value may hold a password. */
		snprintf(err, errlen, "NATVERK_SMTP_URL must be an smtp:// or smtps:// URL");
		return E_INVALID;
	}
	if (message_parse_from(cfg->from, name, sizeof name, addr, sizeof addr) != E_OK) {
		snprintf(err, errlen,
			 "NATVERK_MAIL_FROM must be an address or \"Name <address>\", not '%s'",
			 cfg->from != NULL ? cfg->from : "");
		return E_INVALID;
	}
	if ((cfg->smtp_url == NULL || cfg->smtp_url[0] == '\0') && cfg->file[0] == '\0') {
		snprintf(err, errlen,
			 "without NATVERK_SMTP_URL, NATVERK_MAIL_FILE must name a file");
		return E_INVALID;
	}
	return E_OK;
}

/* A kind: 1..MAIL_MAX_KIND of [a-z0-9_.-]. */
static bool kind_valid(const char *kind)
{
	size_t len = kind != NULL ? strnlen(kind, MAIL_MAX_KIND + 1) : 0;
	if (len == 0 || len > MAIL_MAX_KIND)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = kind[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

enum err mail_queue(struct db *db, const char *kind, const char *to_email, int64_t person_id,
		    const char *lang, const char *subject, const char *body)
{
	if (!kind_valid(kind) || !message_address_valid(to_email) ||
	    !message_subject_valid(subject) || person_id < 0)
		return E_INVALID;
	if (lang == NULL || (strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0))
		return E_INVALID;
	if (body == NULL)
		return E_INVALID;
	size_t body_len = strnlen(body, MESSAGE_MAX_BODY + 1);
	if (body_len > MESSAGE_MAX_BODY || !str_utf8_valid(body, body_len))
		return E_INVALID;
	char now[TIMEFMT_LEN];
	timefmt_iso(time(NULL), now);
	struct outbox_new m = {
	    .kind = kind,
	    .to_email = to_email,
	    .person_id = person_id,
	    .lang = lang,
	    .subject = subject,
	    .body = body,
	    .now = now,
	};
	int64_t id = 0;
	return db_mail_insert(db, &m, &id);
}

/* mbox's "From " line date ("Thu Nov 28 09:00:00 2026"), locale-free. */
static void mbox_date(time_t t, char *out, size_t outlen)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%s %s %2d %02d:%02d:%02d %04d", days[tm.tm_wday % 7],
		 months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 tm.tm_year + 1900);
}

/*
 * The file sink: appends the message to path as one mbox entry (a "From "
 * separator line, the message with LF line ends, an empty line), so a mail
 * reader (mutt -f) or Python's mailbox module opens the file.  Body lines
 * starting with "From " cannot occur: quoted-printable escapes them.  The
 * entry is written with one write(2) on an O_APPEND descriptor, so entries
 * of several threads or processes do not interleave.  The file is created
 * readable by its owner only: mails carry sign-in links.
 */
static enum err file_append(const char *path, const char *from, const char *msg, size_t len,
			    time_t now, char *err, size_t errlen)
{
	enum err rc = E_OK;
	int fd = -1;
	struct buf entry;
	buf_init(&entry, MESSAGE_MAX_BYTES + 256);
	char date[40];
	mbox_date(now, date, sizeof date);
	buf_printf(&entry, "From %s %s\n", from, date);
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			buf_putc(&entry, msg[i]);
	buf_putc(&entry, '\n');
	if (buf_failed(&entry)) {
		snprintf(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the mail file %.160s: %s", path,
			 strerror(errno));
		rc = E_IO;
		goto done;
	}
	ssize_t n = write(fd, entry.data, entry.len);
	if (n < 0 || (size_t)n != entry.len) {
		snprintf(err, errlen, "cannot write the mail file %.160s: %s", path,
			 n < 0 ? strerror(errno) : "short write");
		rc = E_IO;
		goto done;
	}
done:
	if (fd >= 0 && close(fd) != 0 && rc == E_OK) {
		snprintf(err, errlen, "cannot write the mail file %.160s: %s", path,
			 strerror(errno));
		rc = E_IO;
	}
	buf_free(&entry);
	return rc;
}

/* Formats mail r and hands it to the relay or the file; on failure err says
 * why in one line. */
static enum err deliver(const struct mail_config *cfg, const struct outbox_row *r, time_t now,
			char *err, size_t errlen)
{
	enum err rc;
	char name[MESSAGE_MAX_NAME + 1];
	char from[MESSAGE_MAX_ADDRESS + 1];
	char msgid[MESSAGE_ID_LEN];
	struct buf msg;
	buf_init(&msg, MESSAGE_MAX_BYTES);
	rc = message_parse_from(cfg->from, name, sizeof name, from, sizeof from);
	if (rc == E_OK)
		rc = message_id_new(cfg->from, now, msgid, sizeof msgid);
	if (rc != E_OK) {
		snprintf(err, errlen, "the From setting is not usable");
		goto done;
	}
	struct message m = {
	    .from = cfg->from,
	    .to = r->to_email,
	    .subject = r->subject,
	    .body = r->body,
	    .lang = r->lang,
	    .date = now,
	    .message_id = msgid,
	};
	rc = message_format(&m, &msg);
	if (rc != E_OK) {
		snprintf(err, errlen, "cannot format the message (%s)", err_str(rc));
		goto done;
	}
	if (cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0')
		rc = smtp_send(cfg->smtp_url, from, r->to_email, msg.data, msg.len, err, errlen);
	else
		rc = file_append(cfg->file, from, msg.data, msg.len, now, err, errlen);
done:
	buf_free(&msg);
	return rc;
}

/* Records that mail r went out at t. */
static enum err record_sent(struct db *db, const struct outbox_row *r, time_t t)
{
	char at[TIMEFMT_LEN];
	timefmt_iso(t, at);
	enum err rc = db_mail_mark_sent(db, r->id, at);
	if (rc == E_NOTFOUND) {
		/* Our claim lapsed, and another server sent the mail as well. */
		log_warn("mail %lld (%s) was sent twice: its claim lapsed", (long long)r->id,
			 r->kind);
		rc = E_OK;
	}
	if (rc == E_OK)
		log_info("mail %lld (%s) sent", (long long)r->id, r->kind);
	return rc;
}

/* Records a failed attempt at t on mail r, held under claim: the next
 * attempt after the schedule's pause, or the end when it was the last. */
static enum err record_failure(struct db *db, const struct outbox_row *r, const char *claim,
			       time_t t, const char *why)
{
	int attempts = (int)r->attempts + 1;
	int pause = mail_backoff_s(attempts);
	char at[TIMEFMT_LEN];
	char next[TIMEFMT_LEN];
	char line[MAIL_MAX_ERROR + 1];
	timefmt_iso(t, at);
	timefmt_iso(t + (pause > 0 ? pause : 0), next);
	snprintf(line, sizeof line, "%s", why);
	enum err rc = db_mail_record_failure(db, r->id, claim, line, pause >= 0 ? next : NULL,
					     pause >= 0 ? NULL : at);
	if (rc == E_CONFLICT) {
		/* Another server holds the mail now; its attempt counts. */
		log_warn("mail %lld (%s): its claim lapsed during the attempt", (long long)r->id,
			 r->kind);
		return E_OK;
	}
	if (rc != E_OK)
		return rc;
	if (pause >= 0)
		log_warn("mail %lld (%s): attempt %d of %d failed: %s; next at %s",
			 (long long)r->id, r->kind, attempts, MAIL_MAX_ATTEMPTS, line, next);
	else
		log_error("mail %lld (%s): attempt %d of %d failed: %s; given up", (long long)r->id,
			  r->kind, attempts, MAIL_MAX_ATTEMPTS, line);
	return E_OK;
}

/* Claims the oldest due mail, delivers it and records the outcome.  *found
 * is false when nothing was due; *ok tells whether the mail went out. */
static enum err send_one(struct db *db, const struct mail_config *cfg, bool *found, bool *ok)
{
	enum err rc;
	struct arena *a = arena_new();
	time_t now = time(NULL);
	char now_s[TIMEFMT_LEN];
	char until[TIMEFMT_LEN];
	timefmt_iso(now, now_s);
	timefmt_iso(now + MAIL_CLAIM_S, until);
	struct outbox_row r;
	*ok = false;
	rc = db_mail_claim_next(db, a, now_s, until, &r, found);
	if (rc != E_OK || !*found)
		goto done;
	char err[SMTP_ERRLEN] = "";
	enum err sent = deliver(cfg, &r, now, err, sizeof err);
	if (sent == E_OK) {
		*ok = true;
		rc = record_sent(db, &r, time(NULL));
	} else {
		rc =
		    record_failure(db, &r, until, time(NULL), err[0] != '\0' ? err : err_str(sent));
	}
done:
	arena_free(a);
	return rc;
}

/* Sends due mail until none is left, the round's cap is reached, or *stop
 * (may be NULL) turns true between two mails. */
static enum err send_round(struct db *db, const struct mail_config *cfg, atomic_bool *stop,
			   int *sent, int *failed)
{
	for (int i = 0; i < MAIL_MAX_PER_ROUND; i++) {
		if (stop != NULL && atomic_load(stop))
			break;
		bool found = false;
		bool ok = false;
		enum err rc = send_one(db, cfg, &found, &ok);
		if (rc != E_OK)
			return rc;
		if (!found)
			break;
		if (ok && sent != NULL)
			(*sent)++;
		if (!ok && failed != NULL)
			(*failed)++;
	}
	return E_OK;
}

enum err mail_send_due(struct db *db, const struct mail_config *cfg, int *sent, int *failed)
{
	if (sent != NULL)
		*sent = 0;
	if (failed != NULL)
		*failed = 0;
	return send_round(db, cfg, NULL, sent, failed);
}

struct mail_sender {
	pthread_t thread;       /* the sender thread */
	pthread_mutex_t mu;     /* guards wake and the wait on cond */
	pthread_cond_t cond;    /* signalled by wake and stop */
	bool wake;              /* a wake-up came while a round ran */
	atomic_bool stop;       /* set once by mail_sender_stop */
	struct db *db;          /* the thread's own connection */
	struct mail_config cfg; /* copy of the caller's, strings below */
	char *smtp_url;         /* owned copy of cfg.smtp_url, or NULL */
	char *from;             /* owned copy of cfg.from */
};

/* Waits for a wake-up, stop, or ms milliseconds, whichever comes first;
 * true when a wake-up ended the wait. */
static bool pause_round(struct mail_sender *s, int ms)
{
	bool woken = false;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (!s->wake && !atomic_load(&s->stop)) {
		if (pthread_cond_timedwait(&s->cond, &s->mu, &until) == ETIMEDOUT)
			break;
	}
	woken = s->wake;
	s->wake = false;
	pthread_mutex_unlock(&s->mu);
	return woken;
}

static void *sender_main(void *arg)
{
	struct mail_sender *s = arg;
	int poll = s->cfg.poll_ms > 0 ? s->cfg.poll_ms : MAIL_POLL_MS;
	bool failing = false; /* log a database outage once, and its end */
	bool woken = false;   /* this round was asked for by a wake-up */
	while (!atomic_load(&s->stop)) {
		int sent = 0;
		int failed = 0;
		enum err rc = send_round(s->db, &s->cfg, &s->stop, &sent, &failed);
		if (rc != E_OK && !failing)
			log_error("mail sender: %s: %s; retrying every round", err_str(rc),
				  db_errmsg(s->db));
		else if (rc == E_OK && failing)
			log_info("mail sender: the database answers again");
		failing = rc != E_OK;
		/* A wake-up that found nothing most likely came just before the
		 * queuing transaction committed: look again shortly. */
		bool early = woken && sent == 0 && failed == 0 && rc == E_OK;
		woken = pause_round(s, early && MAIL_RECHECK_MS < poll ? MAIL_RECHECK_MS : poll);
	}
	return NULL;
}

static void sender_free(struct mail_sender *s)
{
	if (s == NULL)
		return;
	db_close(s->db);
	free(s->smtp_url);
	free(s->from);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* The sender mail_notify wakes: the first one started and not yet
 * stopped.  Guarded by current_mu, so a wake never meets a freed sender. */
static pthread_mutex_t current_mu = PTHREAD_MUTEX_INITIALIZER;
static struct mail_sender *current;

enum err mail_sender_start(const struct mail_config *cfg, const char *db_url,
			   struct mail_sender **out)
{
	enum err rc = E_OK;
	char err[DB_ERRLEN];
	struct mail_sender *s = NULL;
	*out = NULL;
	rc = mail_config_check(cfg, err, sizeof err);
	if (rc != E_OK) {
		log_error("mail sender: %s", err);
		goto done;
	}
	rc = smtp_global_init();
	if (rc != E_OK) {
		log_error("mail sender: libcurl cannot start");
		goto done;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		rc = E_NOMEM;
		goto done;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->mu, NULL);
	atomic_init(&s->stop, false);
	s->cfg = *cfg;
	s->smtp_url =
	    cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0' ? strdup(cfg->smtp_url) : NULL;
	s->from = strdup(cfg->from);
	if (s->from == NULL ||
	    (s->smtp_url == NULL && cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0')) {
		rc = E_NOMEM;
		goto done;
	}
	s->cfg.smtp_url = s->smtp_url;
	s->cfg.from = s->from;
	rc = db_open(db_url, &s->db, err, sizeof err);
	if (rc != E_OK) {
		log_error("mail sender: %s", err);
		goto done;
	}
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		log_error("mail sender: cannot start a thread");
		rc = E_INTERNAL;
		goto done;
	}
	if (s->smtp_url != NULL) {
		char shown[512];
		db_redact_url(s->smtp_url, shown, sizeof shown);
		log_info("mail sender: sending through %s", shown);
	} else {
		log_info("mail sender: no NATVERK_SMTP_URL; writing mail to %s", s->cfg.file);
	}
	pthread_mutex_lock(&current_mu);
	if (current == NULL)
		current = s;
	pthread_mutex_unlock(&current_mu);
	*out = s;
	s = NULL;
done:
	sender_free(s);
	return rc;
}

void mail_notify(void)
{
	pthread_mutex_lock(&current_mu);
	mail_sender_wake(current);
	pthread_mutex_unlock(&current_mu);
}

void mail_sender_wake(struct mail_sender *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->wake = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

void mail_sender_stop(struct mail_sender *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&current_mu);
	if (current == s)
		current = NULL;
	pthread_mutex_unlock(&current_mu);
	pthread_mutex_lock(&s->mu);
	atomic_store(&s->stop, true);
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	sender_free(s);
}
