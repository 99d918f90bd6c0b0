/*
 * test_mail.c - tests of outgoing mail (src/mail/ and src/db/q_mail.c).
 *
 * The message format is checked by decoding what message.c writes (RFC
 * 2047 encoded-words, quoted-printable) with a small decoder here and, in
 * the SMTP exchange, also with Python's email package.  The transport is
 * checked against a real SMTP server, scripts/smtp-sink.py on Debian's
 * aiosmtpd, started per test; without /usr/bin/python3 and aiosmtpd those
 * tests are skipped, saying why (NATVERK_TEST_PYTHON names another python).  Database tests run on
 * the backend NATVERK_TEST_DB names (unset: a fresh SQLite file), like the others.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/q_mail.h"
#include "mail/mail.h"
#include "mail/message.h"
#include "sink.h"
#include "support.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/timefmt.h"

extern char **environ;

/* Debian's python3, where python3-aiosmtpd lives; NATVERK_TEST_PYTHON
 * overrides it (e.g. to see the SMTP tests skip). */
/* ---- decoding what message.c writes ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* lower case is not what we write */
}

/* Decodes quoted-printable; soft breaks "=" CRLF (or "=" LF) vanish, hard
 * line ends are kept as they are.  Fails the test on a malformed escape. */
static void qp_decode(const char *in, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '=') {
			buf_putc(out, in[i]);
			continue;
		}
		if (i + 1 < len && in[i + 1] == '\n') {
			i += 1;
			continue;
		}
		if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 2;
			continue;
		}
		cr_assert(i + 2 < len, "'=' at the end of the body");
		int hi = hexval(in[i + 1]);
		int lo = hexval(in[i + 2]);
		cr_assert(hi >= 0 && lo >= 0, "bad escape =%c%c", in[i + 1], in[i + 2]);
		buf_putc(out, (char)(hi * 16 + lo));
		i += 2;
	}
}

/* text with every line end (LF, CRLF, CR) made CRLF. */
static void crlf(const char *text, struct buf *out)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			buf_puts(out, "\r\n");
			if (*p == '\r' && p[1] == '\n')
				p++;
		} else {
			buf_putc(out, *p);
		}
	}
}

/* The raw value of header name in msg, unfolded (CRLF before white space
 * removed), without the space after the colon; false when absent. */
static bool header_raw(const char *msg, const char *name, struct buf *out)
{
	const char *end = strstr(msg, "\r\n\r\n");
	cr_assert_not_null(end, "no blank line after the headers");
	size_t nlen = strlen(name);
	const char *p = msg;
	while (p < end) {
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			p += nlen + 1;
			if (*p == ' ')
				p++;
			for (;;) {
				const char *eol = strstr(p, "\r\n");
				buf_append(out, p, (size_t)(eol - p));
				if (eol[2] != ' ' && eol[2] != '\t')
					return true;
				p = eol + 2;
			}
		}
		p = strstr(p, "\r\n") + 2;
	}
	return false;
}

/* Decodes RFC 2047 "Q" encoded-words in UTF-8; white space between two
 * adjacent encoded-words is dropped, all other text is kept. */
static void ew_decode(const char *v, struct buf *out)
{
	static const char open[] = "=?UTF-8?Q?";
	bool after_word = false;
	while (*v != '\0') {
		if (after_word) {
			size_t ws = strspn(v, " \t");
			if (ws > 0 && strncmp(v + ws, open, sizeof open - 1) == 0)
				v += ws;
		}
		if (strncmp(v, open, sizeof open - 1) == 0) {
			const char *text = v + sizeof open - 1;
			const char *close = strstr(text, "?=");
			cr_assert_not_null(close, "unterminated encoded-word in %s", v);
			cr_assert_leq(close + 2 - v, 75, "encoded-word over 75 characters");
			for (const char *p = text; p < close; p++) {
				if (*p == '_') {
					buf_putc(out, ' ');
				} else if (*p == '=') {
					cr_assert(hexval(p[1]) >= 0 && hexval(p[2]) >= 0);
					buf_putc(out, (char)(hexval(p[1]) * 16 + hexval(p[2])));
					p += 2;
				} else {
					cr_assert(*p > ' ' && *p < 0x7f && *p != '?',
						  "unsafe character in an encoded-word");
					buf_putc(out, *p);
				}
			}
			v = close + 2;
			after_word = true;
		} else {
			buf_putc(out, *v++);
			after_word = false;
		}
	}
}

/* The decoded value of header name (Subject, From). */
static char *header_decoded(const char *msg, const char *name)
{
	struct buf raw = BUF_INIT;
	struct buf dec = BUF_INIT;
	cr_assert(header_raw(msg, name, &raw), "no %s header", name);
	ew_decode(buf_str(&raw), &dec);
	buf_free(&raw);
	char *s = buf_steal(&dec, NULL);
	return s != NULL ? s : strdup("");
}

/* Every line ends with CRLF, holds only printable ASCII, and is at most
 * max_header (header) or 76 (body) characters long. */
static void check_lines(const char *msg, size_t max_header)
{
	bool in_body = false;
	const char *p = msg;
	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");
		cr_assert_not_null(eol, "the message does not end with CRLF");
		size_t len = (size_t)(eol - p);
		if (len == 0)
			in_body = true;
		cr_assert_leq(len, in_body ? 76 : max_header, "line too long (%zu): %.*s", len,
			      (int)len, p);
		for (const char *c = p; c < eol; c++)
			cr_assert((*c >= 0x20 && *c < 0x7f) || *c == '\t',
				  "byte 0x%02x in line %.*s", (unsigned char)*c, (int)len, p);
		if (in_body && len > 0)
			cr_assert(p[len - 1] != ' ' && p[len - 1] != '\t',
				  "white space at the end of a body line");
		p = eol + 2;
	}
}

/* Formats a mail with fixed date and Message-ID into a new string. */
static char *format_mail(const char *from, const char *to, const char *subject, const char *body)
{
	struct buf b = BUF_INIT;
	struct message m = {
	    .from = from,
	    .to = to,
	    .subject = subject,
	    .body = body,
	    .lang = "sv",
	    .date = 1795856400, /* 2026-11-28T09:00:00Z, a Saturday */
	    .message_id = "<0123abcd.1795856400@natverk.test>",
	};
	cr_assert_eq(message_format(&m, &b), E_OK, "message_format failed");
	return buf_steal(&b, NULL);
}

/* The decoded body of a formatted message. */
static char *body_decoded(const char *msg)
{
	const char *body = strstr(msg, "\r\n\r\n");
	cr_assert_not_null(body);
	body += 4;
	struct buf dec = BUF_INIT;
	qp_decode(body, strlen(body), &dec);
	char *s = buf_steal(&dec, NULL);
	return s != NULL ? s : strdup("");
}

/* ---- formatting ---- */

Test(format, headers_of_a_plain_mail)
{
	char *msg = format_mail("natverk <no-reply@natverk.test>", "anna@example.org",
				"Welcome to natverk", "Hello Anna,\nwelcome.\n");
	check_lines(msg, 78);
	cr_assert(strncmp(msg, "Date: Sat, 28 Nov 2026 09:00:00 +0000\r\n", 39) == 0, "%s", msg);
	static const char *const want[] = {
	    "\r\nFrom: natverk <no-reply@natverk.test>\r\n",
	    "\r\nTo: anna@example.org\r\n",
	    "\r\nSubject: Welcome to natverk\r\n",
	    "\r\nMessage-ID: <0123abcd.1795856400@natverk.test>\r\n",
	    "\r\nMIME-Version: 1.0\r\n",
	    "\r\nContent-Type: text/plain; charset=UTF-8\r\n",
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n",
	    "\r\nContent-Language: sv\r\n",
	    "\r\nAuto-Submitted: auto-generated\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert_not_null(strstr(msg, want[i]), "missing %s in\n%s", want[i], msg);
	cr_assert_str_eq(strstr(msg, "\r\n\r\n") + 4, "Hello Anna,\r\nwelcome.\r\n");
	free(msg);
}

Test(format, message_ids_are_random_at_the_from_domain)
{
	char a[MESSAGE_ID_LEN];
	char b[MESSAGE_ID_LEN];
	cr_assert_eq(message_id_new("Nätverk <no-reply@icld.example>", 1795856400, a, sizeof a),
		     E_OK);
	cr_assert_eq(message_id_new("no-reply@icld.example", 1795856400, b, sizeof b), E_OK);
	cr_assert_str_neq(a, b);
	cr_assert(a[0] == '<' && strstr(a, "@icld.example>") != NULL, "%s", a);
	cr_assert_eq(strlen(a), strlen("<.1795856400@icld.example>") + 32, "%s", a);
	cr_assert_eq(message_id_new("not an address", 0, a, sizeof a), E_INVALID);
}

Test(format, swedish_subject_is_encoded_and_folded)
{
	static const char *const subjects[] = {
	    "Välkommen till nätverket",
	    "Inbjudan: Välkommen till nätverket för kommunala partnerskap – "
	    "Göteborgs stad och Åre kommun bjuder in till träff i Östersund",
	    "Ärende: ÅÄÖ åäö é ü ß € 😀 and = ? _ signs",
	    "Plain ASCII but with =?UTF-8?Q?tricks?= inside",
	};
	for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		char *msg = format_mail("natverk <no-reply@natverk.test>", "a@example.org",
					subjects[i], "x");
		check_lines(msg, 78);
		struct buf raw = BUF_INIT;
		cr_assert(header_raw(msg, "Subject", &raw));
		cr_assert(strncmp(buf_str(&raw), "=?UTF-8?Q?", 10) == 0,
			  "subject %zu is not encoded: %s", i, buf_str(&raw));
		buf_free(&raw);
		char *dec = header_decoded(msg, "Subject");
		cr_assert_str_eq(dec, subjects[i]);
		free(dec);
		free(msg);
	}
}

Test(format, long_ascii_subject_is_folded_at_spaces)
{
	const char *subject = "Reminder: the annual report of your partnership is due  "
			      "(two spaces before this) on 31 March, so please log in and "
			      "finish it in time for the network meeting";
	char *msg = format_mail("natverk <no-reply@natverk.test>", "a@example.org", subject, "");
	check_lines(msg, 78);
	cr_assert_not_null(strstr(msg, "Subject: Reminder:"), "not left plain");
	cr_assert_not_null(strstr(strstr(msg, "Subject:"), "\r\n "), "not folded");
	char *dec = header_decoded(msg, "Subject");
	cr_assert_str_eq(dec, subject);
	free(dec);
	free(msg);
}

Test(format, from_display_names)
{
	static const struct {
		const char *from; /* the setting */
		const char *name; /* the display name, decoded */
		const char *addr; /* the address */
	} cases[] = {
	    {"natverk <no-reply@localhost>", "natverk", "no-reply@localhost"},
	    {"no-reply@icld.example", "", "no-reply@icld.example"},
	    {"<no-reply@icld.example>", "", "no-reply@icld.example"},
	    {"Nätverk för kommuner <n@icld.example>", "Nätverk för kommuner", "n@icld.example"},
	    {"\"ICLD, natverk\" <n@icld.example>", "ICLD, natverk", "n@icld.example"},
	    {"\"Say \\\"hi\\\"\" <n@icld.example>", "Say \"hi\"", "n@icld.example"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[MESSAGE_MAX_NAME + 1];
		char addr[MESSAGE_MAX_ADDRESS + 1];
		cr_assert_eq(
		    message_parse_from(cases[i].from, name, sizeof name, addr, sizeof addr), E_OK,
		    "%s", cases[i].from);
		cr_assert_str_eq(name, cases[i].name);
		cr_assert_str_eq(addr, cases[i].addr);
		char *msg = format_mail(cases[i].from, "a@example.org", "Hi", "x");
		check_lines(msg, 78);
		char *dec = header_decoded(msg, "From");
		char want[512];
		if (cases[i].name[0] == '\0')
			snprintf(want, sizeof want, "%s", cases[i].addr);
		else if (strpbrk(cases[i].name, ",\"") != NULL)
			snprintf(want, sizeof want, "\"%s\" <%s>",
				 strcmp(cases[i].name, "Say \"hi\"") == 0 ? "Say \\\"hi\\\""
									  : cases[i].name,
				 cases[i].addr);
		else
			snprintf(want, sizeof want, "%s <%s>", cases[i].name, cases[i].addr);
		cr_assert_str_eq(dec, want);
		free(dec);
		free(msg);
	}
	static const char *const bad[] = {
	    "",        "natverk",     "x <a@b",    "x <a@b> y", "a@b\r\nBcc: c@d", "x\r\n <a@b>",
	    "<<a@b>>", "a <b> <c@d>", "x <a b@c>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[MESSAGE_MAX_NAME + 1];
		char addr[MESSAGE_MAX_ADDRESS + 1];
		cr_assert_eq(message_parse_from(bad[i], name, sizeof name, addr, sizeof addr),
			     E_INVALID, "accepted From %s", bad[i]);
	}
}

/* Encodes body, checks the encoded lines, decodes and compares. */
static void qp_round_trip(const char *body)
{
	struct buf enc = BUF_INIT;
	message_qp_encode(&enc, body, strlen(body));
	cr_assert(!buf_failed(&enc));
	/* check_lines wants the blank line that starts a body. */
	struct buf whole = BUF_INIT;
	buf_puts(&whole, "\r\n");
	buf_append(&whole, buf_str(&enc), enc.len);
	if (enc.len > 0)
		check_lines(buf_str(&whole), 78);
	cr_assert_null(strstr(buf_str(&enc), "\r\nFrom "), "a line starts with From");
	cr_assert(strncmp(buf_str(&enc), "From ", 5) != 0, "the body starts with From");
	struct buf dec = BUF_INIT;
	qp_decode(buf_str(&enc), enc.len, &dec);
	struct buf want = BUF_INIT;
	crlf(body, &want);
	cr_assert_str_eq(buf_str(&dec), buf_str(&want), "round trip of:\n%s\nencoded:\n%s", body,
			 buf_str(&enc));
	buf_free(&enc);
	buf_free(&whole);
	buf_free(&dec);
	buf_free(&want);
}

Test(format, quoted_printable_round_trip)
{
	char long_word[400];
	memset(long_word, 'x', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	char swedish_long[2048] = "";
	for (int i = 0; i < 20; i++)
		strncat(swedish_long, "Kommunala partnerskap för hållbar utveckling – ",
			sizeof swedish_long - strlen(swedish_long) - 1);
	char exact76[80];
	memset(exact76, 'a', 76);
	exact76[76] = '\0';
	char with_eq[80];
	memset(with_eq, 'b', 74);
	memcpy(with_eq + 74, "=c", 3);

	const char *const bodies[] = {
	    "",
	    "Hej Anna!\n\nDu är inbjuden till nätverket för kommunala partnerskap.\n"
	    "Klicka på länken för att välja ett lösenord:\n"
	    "https://natverk.example/invitations/abc?x=1&y=2\n\nMed vänliga hälsningar\nICLD\n",
	    long_word,
	    swedish_long,
	    exact76,
	    with_eq,
	    "trailing spaces   \nand tabs\t\t\nand a space at the very end ",
	    "From here on\nFrom: not a header\n From indented\n",
	    ".\n..\n.dot start\n",
	    "= signs == and =3D and =\n",
	    "no line break at the end",
	    "CRLF\r\nand CR\rand LF\nmixed\r\n",
	    "emoji 😀 and euro € and ﬁ ligature\n",
	    "\n\n\nblank lines\n\n",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		qp_round_trip(bodies[i]);
}

Test(format, header_injection_is_refused)
{
	struct message good = {
	    .from = "natverk <no-reply@natverk.test>",
	    .to = "a@example.org",
	    .subject = "Hello",
	    .body = "x",
	    .lang = "en",
	    .date = 0,
	    .message_id = "<1@natverk.test>",
	};
	struct {
		const char *field; /* which member is bad */
		const char *value; /* its value */
	} bad[] = {
	    {"subject", "Hello\r\nBcc: victim@example.org"},
	    {"subject", "Hello\nBcc: victim@example.org"},
	    {"subject", "Hello\rX"},
	    {"subject", ""},
	    {"subject", "bad utf-8 \xff"},
	    {"to", "a@example.org\r\nBcc: victim@example.org"},
	    {"to", "a@example.org, b@example.org"},
	    {"to", "A <a@example.org>"},
	    {"from", "natverk <no-reply@natverk.test>\r\nBcc: victim@example.org"},
	    {"from", "natverk\r\n <no-reply@natverk.test>"},
	    {"lang", "sv\r\nX: y"},
	    {"message_id", "<1@natverk.test>\r\nBcc: victim@example.org"},
	    {"body", "bad utf-8 \xc3\x28"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct message m = good;
		if (strcmp(bad[i].field, "subject") == 0)
			m.subject = bad[i].value;
		else if (strcmp(bad[i].field, "to") == 0)
			m.to = bad[i].value;
		else if (strcmp(bad[i].field, "from") == 0)
			m.from = bad[i].value;
		else if (strcmp(bad[i].field, "lang") == 0)
			m.lang = bad[i].value;
		else if (strcmp(bad[i].field, "message_id") == 0)
			m.message_id = bad[i].value;
		else
			m.body = bad[i].value;
		struct buf b = BUF_INIT;
		cr_assert_eq(message_format(&m, &b), E_INVALID, "accepted %s = %s", bad[i].field,
			     bad[i].value);
		cr_assert_eq(b.len, 0, "wrote something for a refused message");
		buf_free(&b);
	}
	struct buf b = BUF_INIT;
	cr_assert_eq(message_format(&good, &b), E_OK);
	buf_free(&b);
}

Test(format, addresses)
{
	char long_local[80];
	memset(long_local, 'a', 65);
	memcpy(long_local + 65, "@example.org", 13);
	char long_addr[300];
	memset(long_addr, 'b', sizeof long_addr);
	memcpy(long_addr, "a@", 2);
	for (size_t i = 60; i < 260; i += 60)
		long_addr[i] = '.';
	long_addr[255] = '\0';
	static const char *const good[] = {
	    "a@b",
	    "anna.andersson@goteborg.se",
	    "first.last+tag@sub.example.org",
	    "o'brien@example.ie",
	    "x_y-z@xn--bcher-kva.example",
	};
	const char *const bad[] = {
	    "",        "a",      "@b",      "a@",     "a@@b",    "a@b@c",
	    ".a@b",    "a.@b",   "a..b@c",  "a b@c",  "a@b c",   "a@-b",
	    "a@b-",    "a@b..c", "a@.b",    "a\r@b",  "a@b\n",   "a@b.se\r\nBcc: c@d",
	    "<a@b>",   "a,b@c",  "\"a\"@b", "å@b.se", "a@bü.se", long_local,
	    long_addr,
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		cr_assert(message_address_valid(good[i]), "refused %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert(!message_address_valid(bad[i]), "accepted %s", bad[i]);
	cr_assert(!message_address_valid(NULL));
}

/* ---- the outbox ---- */

/* Runs one statement without parameters, or fails the test. */
static void exec_ok(struct db *db, const char *sql)
{
	cr_assert_eq(db_exec(db, sql), E_OK, "%s: %s", sql, db_errmsg(db));
}

/* Makes mail id due long ago (to skip a backoff pause in a test). */
static void make_due(struct db *db, int64_t id)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(db,
				"UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z' "
				"WHERE id = $1",
				&st),
		     E_OK);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, NULL), E_OK, "%s", db_errmsg(db));
	db_done(st);
}

/* The id of the newest mail. */
static int64_t last_id(struct db *db)
{
	struct db_stmt *st;
	bool row = false;
	cr_assert_eq(db_prepare(db, "SELECT MAX(id) FROM outbox", &st), E_OK);
	cr_assert_eq(db_step(st, &row), E_OK);
	cr_assert(row && !db_col_is_null(st, 0), "the outbox is empty");
	int64_t id = db_col_int(st, 0);
	db_done(st);
	return id;
}

static int64_t count_all(struct db *db)
{
	int64_t counts[OUTBOX__COUNT];
	cr_assert_eq(db_mail_counts(db, counts), E_OK, "%s", db_errmsg(db));
	return counts[OUTBOX_ANY];
}

static void queue_ok(struct db *db, const char *to, const char *lang, const char *subject,
		     const char *body)
{
	cr_assert_eq(mail_queue(db, "test", to, 0, lang, subject, body), E_OK, "queue to %s: %s",
		     to, db_errmsg(db));
}

Test(queue, validates_before_storing)
{
	struct db *db = test_db_migrated();
	char long_subject[MESSAGE_MAX_SUBJECT + 2];
	memset(long_subject, 's', sizeof long_subject - 1);
	long_subject[sizeof long_subject - 1] = '\0';
	struct {
		const char *kind, *to, *lang, *subject, *body;
	} bad[] = {
	    {"invitation", "anna", "sv", "Hej", "x"},
	    {"invitation", "anna@@example.org", "sv", "Hej", "x"},
	    {"invitation", "anna@example.org@evil.org", "sv", "Hej", "x"},
	    {"invitation", "anna@example.org\r\nBcc: x@evil.org", "sv", "Hej", "x"},
	    {"invitation", "anna@example.org\n", "sv", "Hej", "x"},
	    {"invitation", "anna@example.org", "sv", "Hej\r\nBcc: x@evil.org", "x"},
	    {"invitation", "anna@example.org", "sv", "Hej\n", "x"},
	    {"invitation", "anna@example.org", "sv", "", "x"},
	    {"invitation", "anna@example.org", "sv", long_subject, "x"},
	    {"invitation", "anna@example.org", "de", "Hallo", "x"},
	    {"invitation", "anna@example.org", NULL, "Hej", "x"},
	    {"Invitation!", "anna@example.org", "sv", "Hej", "x"},
	    {"", "anna@example.org", "sv", "Hej", "x"},
	    {"invitation", "anna@example.org", "sv", "Hej", "bad \xff utf-8"},
	    {"invitation", "anna@example.org", "sv", "Hej", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(mail_queue(db, bad[i].kind, bad[i].to, 0, bad[i].lang, bad[i].subject,
					bad[i].body),
			     E_INVALID, "case %zu accepted", i);
	cr_assert_eq(count_all(db), 0, "a refused mail was stored");
	cr_assert_eq(mail_queue(db, "invitation", "anna@example.org", 999999, "sv", "Hej", "x"),
		     E_UNPROCESSABLE, "a mail to an unknown person");

	cr_assert_eq(
	    mail_queue(db, "invitation", "anna@example.org", 0, "sv", "Välkommen", "Hej Anna!\n"),
	    E_OK);
	struct arena *a = arena_new();
	struct outbox_row r;
	cr_assert_eq(db_mail_by_id(db, a, last_id(db), &r), E_OK);
	cr_assert_str_eq(r.kind, "invitation");
	cr_assert_str_eq(r.to_email, "anna@example.org");
	cr_assert_str_eq(r.lang, "sv");
	cr_assert_str_eq(r.subject, "Välkommen");
	cr_assert_str_eq(r.body, "Hej Anna!\n");
	cr_assert_eq(r.person_id, 0);
	cr_assert_eq(r.attempts, 0);
	cr_assert_eq(r.status, OUTBOX_PENDING);
	cr_assert_str_eq(r.next_attempt_at, r.created_at, "due at once");
	cr_assert_null(r.sent_at);
	arena_free(a);
	db_close(db);
}

Test(queue, joins_the_callers_transaction)
{
	struct db *db = test_db_migrated();
	cr_assert_eq(db_begin(db), E_OK);
	queue_ok(db, "a@example.org", "en", "Rolled back", "x");
	db_rollback(db);
	cr_assert_eq(count_all(db), 0, "the mail outlived its transaction");
	cr_assert_eq(db_begin(db), E_OK);
	queue_ok(db, "a@example.org", "en", "Committed", "x");
	cr_assert_eq(db_commit(db), E_OK);
	cr_assert_eq(count_all(db), 1);
	db_close(db);
}

static struct db *second_connection(void)
{
	struct db *db = NULL;
	char err[DB_ERRLEN];
	cr_assert_eq(db_open(test_db_url(), &db, err, sizeof err), E_OK, "%s", err);
	return db;
}

Test(claim, only_one_of_two_connections_wins)
{
	struct db *one = test_db_migrated();
	struct db *two = second_connection();
	queue_ok(one, "a@example.org", "en", "Claim me", "x");
	int64_t id = last_id(one);
	char now[TIMEFMT_LEN];
	char until[TIMEFMT_LEN];
	time_t t = time(NULL) + 1;
	timefmt_iso(t, now);
	timefmt_iso(t + MAIL_CLAIM_S, until);

	bool won1 = false;
	bool won2 = true;
	cr_assert_eq(db_mail_claim(one, id, now, until, &won1), E_OK, "%s", db_errmsg(one));
	cr_assert_eq(db_mail_claim(two, id, now, until, &won2), E_OK, "%s", db_errmsg(two));
	cr_assert(won1, "the first claim lost");
	cr_assert(!won2, "the second connection claimed a claimed mail");
	/* The same connection cannot claim twice either. */
	cr_assert_eq(db_mail_claim(one, id, now, until, &won1), E_OK);
	cr_assert(!won1);

	/* Once the claim lapses, another server may take the mail over; the
	 * first one's late failure report is then refused. */
	char later[TIMEFMT_LEN];
	char later_until[TIMEFMT_LEN];
	timefmt_iso(t + MAIL_CLAIM_S + 1, later);
	timefmt_iso(t + 2 * MAIL_CLAIM_S + 1, later_until);
	cr_assert_eq(db_mail_claim(two, id, later, later_until, &won2), E_OK);
	cr_assert(won2, "a lapsed claim was not taken over");
	cr_assert_eq(db_mail_record_failure(one, id, until, "late", later, NULL), E_CONFLICT);
	cr_assert_eq(db_mail_record_failure(two, id, later_until, "refused", later, NULL), E_OK);

	struct arena *a = arena_new();
	struct outbox_row r;
	cr_assert_eq(db_mail_by_id(one, a, id, &r), E_OK);
	cr_assert_eq(r.attempts, 1);
	cr_assert_str_eq(r.last_error, "refused");
	cr_assert_null(r.claimed_until, "the claim was not released");
	arena_free(a);
	db_close(two);
	db_close(one);
}

Test(claim, skips_mail_not_due_sent_or_failed)
{
	struct db *db = test_db_migrated();
	for (int i = 0; i < 3; i++)
		queue_ok(db, "a@example.org", "en", "Mail", "x");
	int64_t last = last_id(db);
	exec_ok(db, "UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00Z' "
		    "WHERE id = (SELECT MIN(id) FROM outbox)");
	char now[TIMEFMT_LEN];
	char until[TIMEFMT_LEN];
	timefmt_iso(time(NULL) + 1, now);
	timefmt_iso(time(NULL) + 1 + MAIL_CLAIM_S, until);
	cr_assert_eq(db_mail_mark_sent(db, last - 1, now), E_OK);
	cr_assert_eq(db_mail_mark_sent(db, last - 1, now), E_NOTFOUND, "sent twice");
	bool won = false;
	cr_assert_eq(db_mail_claim(db, last, now, until, &won), E_OK);
	cr_assert(won);
	cr_assert_eq(db_mail_record_failure(db, last, until, "gave up", NULL, now), E_OK);

	struct arena *a = arena_new();
	struct outbox_row r;
	bool found = true;
	cr_assert_eq(db_mail_claim_next(db, a, now, until, &r, &found), E_OK);
	cr_assert(!found, "claimed mail %lld", (long long)r.id);
	arena_free(a);
	db_close(db);
}

/* One racer: its own connection, claiming until nothing is left. */
struct racer {
	int64_t ids[64]; /* mails it claimed */
	int n;           /* how many */
	enum err rc;     /* how it ended */
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct db *db = NULL;
	char err[DB_ERRLEN];
	r->rc = db_open(test_db_url(), &db, err, sizeof err);
	if (r->rc != E_OK)
		return NULL;
	char now[TIMEFMT_LEN];
	char until[TIMEFMT_LEN];
	timefmt_iso(time(NULL) + 1, now);
	timefmt_iso(time(NULL) + 1 + MAIL_CLAIM_S, until);
	for (;;) {
		struct arena *a = arena_new();
		struct outbox_row row;
		bool found = false;
		r->rc = db_mail_claim_next(db, a, now, until, &row, &found);
		arena_free(a);
		if (r->rc != E_OK || !found || r->n == 64)
			break;
		r->ids[r->n++] = row.id;
	}
	db_close(db);
	return NULL;
}

Test(claim, racing_senders_claim_each_mail_once)
{
	enum { MAILS = 40, RACERS = 3 };
	struct db *db = test_db_migrated();
	cr_assert_eq(db_begin(db), E_OK);
	for (int i = 0; i < MAILS; i++)
		queue_ok(db, "a@example.org", "en", "Race", "x");
	cr_assert_eq(db_commit(db), E_OK);
	struct racer racers[RACERS];
	pthread_t threads[RACERS];
	memset(racers, 0, sizeof racers);
	for (int i = 0; i < RACERS; i++)
		cr_assert_eq(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(threads[i], NULL);
	int seen[MAILS + 1];
	memset(seen, 0, sizeof seen);
	int64_t first = last_id(db) - MAILS + 1;
	int total = 0;
	for (int i = 0; i < RACERS; i++) {
		cr_assert_eq(racers[i].rc, E_OK, "racer %d: %d", i, racers[i].rc);
		for (int k = 0; k < racers[i].n; k++) {
			int64_t idx = racers[i].ids[k] - first;
			cr_assert(idx >= 0 && idx < MAILS);
			seen[idx]++;
			total++;
		}
	}
	for (int i = 0; i < MAILS; i++)
		cr_assert_eq(seen[i], 1, "mail %d claimed %d times", i, seen[i]);
	cr_assert_eq(total, MAILS);
	db_close(db);
}

Test(outbox, list_for_the_administrators)
{
	struct db *db = test_db_migrated();
	queue_ok(db, "anna@example.org", "sv", "Ett", "x");
	queue_ok(db, "Bertil@Example.ORG", "sv", "Två", "x");
	queue_ok(db, "carl@other.test", "en", "Three", "x");
	queue_ok(db, "dora@other.test", "en", "Four", "x");
	queue_ok(db, "erik_100%@example.org", "sv", "Fem", "x");
	int64_t last = last_id(db);
	char now[TIMEFMT_LEN];
	char until[TIMEFMT_LEN];
	timefmt_iso(time(NULL) + 1, now);
	timefmt_iso(time(NULL) + 1 + MAIL_CLAIM_S, until);
	cr_assert_eq(db_mail_mark_sent(db, last - 4, now), E_OK);
	bool won = false;
	cr_assert_eq(db_mail_claim(db, last - 3, now, until, &won), E_OK);
	cr_assert_eq(db_mail_record_failure(db, last - 3, until, "550 no such user", NULL, now),
		     E_OK);

	struct arena *a = arena_new();
	struct outbox_row *rows;
	size_t n;
	int64_t total;
	struct outbox_filter f = {OUTBOX_ANY, NULL, 2, 0};
	cr_assert_eq(db_mail_list(db, a, &f, &rows, &n, &total), E_OK, "%s", db_errmsg(db));
	cr_assert_eq(n, 2);
	cr_assert_eq(total, 5);
	cr_assert_eq(rows[0].id, last, "newest first");
	cr_assert_eq(rows[1].id, last - 1);
	cr_assert_null(rows[0].body, "lists carry no bodies");

	static const struct {
		enum outbox_status status;
		const char *to;
		int64_t total;
		const char *first_subject;
	} cases[] = {
	    {OUTBOX_PENDING, NULL, 3, "Fem"}, {OUTBOX_SENT, NULL, 1, "Ett"},
	    {OUTBOX_FAILED, NULL, 1, "Två"},  {OUTBOX_ANY, "EXAMPLE.org", 3, "Fem"},
	    {OUTBOX_ANY, "bertil", 1, "Två"}, {OUTBOX_ANY, "100%", 1, "Fem"},
	    {OUTBOX_ANY, "_1", 1, "Fem"},     {OUTBOX_PENDING, "other", 2, "Four"},
	    {OUTBOX_SENT, "other", 0, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct outbox_filter g = {cases[i].status, cases[i].to, 10, 0};
		cr_assert_eq(db_mail_list(db, a, &g, &rows, &n, &total), E_OK);
		cr_assert_eq(total, cases[i].total, "case %zu: total %lld", i, (long long)total);
		cr_assert_eq((int64_t)n, cases[i].total);
		if (cases[i].first_subject != NULL)
			cr_assert_str_eq(rows[0].subject, cases[i].first_subject, "case %zu", i);
		for (size_t k = 0; k < n; k++)
			if (cases[i].status != OUTBOX_ANY)
				cr_assert_eq(rows[k].status, cases[i].status);
	}
	struct outbox_filter past = {OUTBOX_ANY, NULL, 2, 10};
	cr_assert_eq(db_mail_list(db, a, &past, &rows, &n, &total), E_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(total, 5, "the total past the last page");

	int64_t counts[OUTBOX__COUNT];
	cr_assert_eq(db_mail_counts(db, counts), E_OK);
	cr_assert_eq(counts[OUTBOX_ANY], 5);
	cr_assert_eq(counts[OUTBOX_PENDING], 3);
	cr_assert_eq(counts[OUTBOX_SENT], 1);
	cr_assert_eq(counts[OUTBOX_FAILED], 1);

	enum outbox_status s;
	cr_assert(outbox_status_parse("failed", &s) && s == OUTBOX_FAILED);
	cr_assert(!outbox_status_parse("FAILED", &s));
	cr_assert_str_eq(outbox_status_code(OUTBOX_PENDING), "pending");
	arena_free(a);
	db_close(db);
}

/* A mail configuration sending to url (NULL: the file sink at file). */
static struct mail_config config_for(const char *url, const char *file)
{
	struct mail_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.smtp_url = url;
	cfg.from = "Nätverk ICLD <no-reply@natverk.test>";
	if (file != NULL)
		snprintf(cfg.file, sizeof cfg.file, "%s", file);
	return cfg;
}

static const char sv_subject[] = "Välkommen till nätverket – inbjudan från Åre kommun";
static const char sv_body[] =
    "Hej Åsa!\n\n"
    "Du har bjudits in till nätverket för kommunala partnerskap. Klicka på länken nedan för "
    "att välja ett lösenord; länken gäller i sju dygn:\n"
    "https://natverk.example/invitations/3q2+7w==?lang=sv&x=1\n"
    ".\n"
    "..två punkter\n"
    "From the board: ÅÄÖ åäö\n\n"
    "Med vänliga hälsningar\nICLD\n";
static const char en_subject[] = "Welcome to the network";
static const char en_body[] = "Hello Bob,\n\nyou are invited. Best regards,\nICLD\n";

/* Decodes an .eml with Python's email package: the Subject, a newline, and
 * the body text as Python sees it (LF line ends). */
static char *python_decode(const char *path)
{
	static const char script[] =
	    "import sys, email, email.policy\n"
	    "m = email.message_from_binary_file(open(sys.argv[1], 'rb'),"
	    " policy=email.policy.default)\n"
	    "sys.stdout.buffer.write((str(m['subject']) + '\\n' + m.get_content())"
	    ".encode('utf-8'))\n";
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = {(char *)sink_python(), "-c", (char *)script, (char *)path, NULL};
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, sink_python(), &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "python could not parse %s", path);
	char *s = buf_steal(&b, NULL);
	return s != NULL ? s : strdup("");
}

/* Checks one received mail: envelope, To, Subject and body, decoded by us
 * and by Python. */
static void check_received(int n, const char *to, const char *subject, const char *body,
			   const char *lang)
{
	char *env = sink_file(n, "env");
	char want_env[512];
	snprintf(want_env, sizeof want_env, "MAIL FROM: no-reply@natverk.test\nRCPT TO: %s\n", to);
	cr_assert_str_eq(env, want_env);
	free(env);

	char *eml = sink_file(n, "eml");
	check_lines(eml, 78);
	struct buf raw = BUF_INIT;
	cr_assert(header_raw(eml, "To", &raw));
	cr_assert_str_eq(buf_str(&raw), to);
	buf_reset(&raw);
	cr_assert(header_raw(eml, "Content-Language", &raw));
	cr_assert_str_eq(buf_str(&raw), lang);
	buf_free(&raw);
	char *dec = header_decoded(eml, "Subject");
	cr_assert_str_eq(dec, subject);
	free(dec);
	char *text = body_decoded(eml);
	struct buf want = BUF_INIT;
	crlf(body, &want);
	cr_assert_str_eq(text, buf_str(&want));
	free(text);
	buf_free(&want);
	free(eml);

	char path[700];
	snprintf(path, sizeof path, "%s/%04d.eml", sink.dir, n);
	char *py = python_decode(path);
	char *nl = strchr(py, '\n');
	cr_assert_not_null(nl);
	*nl = '\0';
	cr_assert_str_eq(py, subject, "Python decodes the subject differently");
	cr_assert_str_eq(nl + 1, body, "Python decodes the body differently");
	free(py);
}

Test(smtp, exchange_with_a_real_server, .fini = sink_stop)
{
	struct db *db = test_db_migrated();
	sink_start(false);
	queue_ok(db, "asa@kommun.example", "sv", sv_subject, sv_body);
	queue_ok(db, "bob@city.example", "en", en_subject, en_body);
	struct mail_config cfg = config_for(sink.url, NULL);
	int sent = -1;
	int failed = -1;
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK, "%s", db_errmsg(db));
	cr_assert_eq(failed, 0);
	cr_assert_eq(sent, 2);
	/* Oldest first: the Swedish mail was queued first. */
	check_received(1, "asa@kommun.example", sv_subject, sv_body, "sv");
	check_received(2, "bob@city.example", en_subject, en_body, "en");

	int64_t counts[OUTBOX__COUNT];
	cr_assert_eq(db_mail_counts(db, counts), E_OK);
	cr_assert_eq(counts[OUTBOX_SENT], 2);
	/* Nothing is due any more: a second round sends nothing. */
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
	cr_assert_eq(sent + failed, 0);
	db_close(db);
}

Test(backoff, schedule)
{
	static const int want[] = {0, 60, 300, 1800, 7200, 43200, -1, -1};
	for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++)
		cr_assert_eq(mail_backoff_s(i), want[i], "after %d attempts", i);
	cr_assert_eq(MAIL_MAX_ATTEMPTS, 6);
}

Test(backoff, refusing_server_until_given_up, .fini = sink_stop)
{
	struct db *db = test_db_migrated();
	sink_start(true);
	queue_ok(db, "asa@kommun.example", "sv", sv_subject, sv_body);
	int64_t id = last_id(db);
	struct mail_config cfg = config_for(sink.url, NULL);
	struct arena *a = arena_new();
	for (int attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
		int sent = -1;
		int failed = -1;
		time_t before = time(NULL);
		cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK, "%s", db_errmsg(db));
		time_t after = time(NULL);
		cr_assert_eq(sent, 0);
		cr_assert_eq(failed, 1, "attempt %d", attempt);
		struct outbox_row r;
		cr_assert_eq(db_mail_by_id(db, a, id, &r), E_OK);
		cr_assert_eq(r.attempts, attempt);
		cr_assert_not_null(r.last_error);
		cr_assert_not_null(strstr(r.last_error, "451"), "last_error: %s", r.last_error);
		cr_assert_null(strpbrk(r.last_error, "\r\n"), "last_error has a line break");
		cr_assert_null(r.claimed_until, "the claim was kept");
		if (attempt < MAIL_MAX_ATTEMPTS) {
			cr_assert_eq(r.status, OUTBOX_PENDING);
			time_t next;
			cr_assert(timefmt_parse(r.next_attempt_at, &next));
			int pause = mail_backoff_s(attempt);
			cr_assert(next >= before + pause && next <= after + pause,
				  "attempt %d: next at %s, %d s after", attempt, r.next_attempt_at,
				  (int)(next - before));
			/* Not due yet: another round leaves it alone. */
			cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
			cr_assert_eq(sent + failed, 0, "retried before its time");
			make_due(db, id);
		} else {
			cr_assert_eq(r.status, OUTBOX_FAILED);
			cr_assert_not_null(r.failed_at);
		}
	}
	make_due(db, id);
	int sent = -1;
	int failed = -1;
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
	cr_assert_eq(sent + failed, 0, "a given-up mail was tried again");
	char path[700];
	snprintf(path, sizeof path, "%s/0001.eml", sink.dir);
	cr_assert_neq(access(path, F_OK), 0, "the refusing sink stored a mail");
	arena_free(a);
	db_close(db);
}

/* A TCP port on 127.0.0.1 nobody listens on (bound, then released). */
static int closed_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t len = sizeof sa;
	cr_assert_eq(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	close(s);
	return ntohs(sa.sin_port);
}

Test(backoff, unreachable_relay_keeps_the_password_out)
{
	struct db *db = test_db_migrated();
	queue_ok(db, "a@example.org", "en", "Hi", "x");
	char url[128];
	snprintf(url, sizeof url, "smtp://mailer:s3cr%%40t-pw@127.0.0.1:%d", closed_port());
	struct mail_config cfg = config_for(url, NULL);
	int sent = -1;
	int failed = -1;
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
	cr_assert_eq(failed, 1);
	struct arena *a = arena_new();
	struct outbox_row r;
	cr_assert_eq(db_mail_by_id(db, a, last_id(db), &r), E_OK);
	cr_assert_eq(r.attempts, 1);
	cr_assert_not_null(r.last_error);
	cr_assert_gt(strlen(r.last_error), 5);
	cr_assert_null(strstr(r.last_error, "s3cr"), "password in last_error: %s", r.last_error);
	cr_assert_null(strstr(r.last_error, "t-pw"), "password in last_error: %s", r.last_error);
	arena_free(a);
	db_close(db);
}

/* ---- the file sink ---- */

Test(file_sink, appends_mbox_entries_and_marks_sent)
{
	struct db *db = test_db_migrated();
	char path[600];
	snprintf(path, sizeof path, "%s/mail.out", test_tmpdir());
	queue_ok(db, "asa@kommun.example", "sv", sv_subject, sv_body);
	queue_ok(db, "bob@city.example", "en", en_subject, en_body);
	struct mail_config cfg = config_for(NULL, path);
	int sent = -1;
	int failed = -1;
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
	cr_assert_eq(sent, 2);
	cr_assert_eq(failed, 0);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 077, 0, "the mail file is readable by others");

	char *data = test_read_file(path, NULL);
	cr_assert_not_null(data);
	cr_assert(strncmp(data, "From no-reply@natverk.test ", 27) == 0, "%.60s", data);
	cr_assert_null(strchr(data, '\r'), "CR in the mbox file");
	/* Split at the separator lines and read each entry as a message. */
	char *second = strstr(data, "\n\nFrom no-reply@natverk.test ");
	cr_assert_not_null(second, "no second entry");
	second[1] = '\0'; /* the first entry keeps its message's last line end */
	second += 2;
	const char *entries[] = {data, second};
	const char *subjects[] = {sv_subject, en_subject};
	const char *bodies[] = {sv_body, en_body};
	for (int i = 0; i < 2; i++) {
		const char *msg = strchr(entries[i], '\n') + 1;
		struct buf m = BUF_INIT;
		crlf(msg, &m);
		char *dec = header_decoded(buf_str(&m), "Subject");
		cr_assert_str_eq(dec, subjects[i]);
		free(dec);
		char *body = body_decoded(buf_str(&m));
		struct buf want = BUF_INIT;
		crlf(bodies[i], &want);
		/* The last entry still ends with the blank line after it. */
		if (i == 1)
			buf_puts(&want, "\r\n");
		cr_assert_str_eq(body, buf_str(&want));
		free(body);
		buf_free(&want);
		buf_free(&m);
	}
	free(data);

	int64_t counts[OUTBOX__COUNT];
	cr_assert_eq(db_mail_counts(db, counts), E_OK);
	cr_assert_eq(counts[OUTBOX_SENT], 2);
	db_close(db);
}

Test(file_sink, unwritable_file_is_a_failed_attempt)
{
	struct db *db = test_db_migrated();
	char path[600];
	snprintf(path, sizeof path, "%s/no/such/folder/mail.out", test_tmpdir());
	queue_ok(db, "a@example.org", "en", "Hi", "x");
	struct mail_config cfg = config_for(NULL, path);
	int sent = -1;
	int failed = -1;
	cr_assert_eq(mail_send_due(db, &cfg, &sent, &failed), E_OK);
	cr_assert_eq(sent, 0);
	cr_assert_eq(failed, 1);
	struct arena *a = arena_new();
	struct outbox_row r;
	cr_assert_eq(db_mail_by_id(db, a, last_id(db), &r), E_OK);
	cr_assert_not_null(strstr(r.last_error, "mail file"), "%s", r.last_error);
	arena_free(a);
	db_close(db);
}

/* ---- configuration ---- */

Test(config, from_the_environment)
{
	unsetenv("NATVERK_SMTP_URL");
	unsetenv("NATVERK_MAIL_FROM");
	unsetenv("NATVERK_MAIL_FILE");
	struct mail_config cfg;
	mail_config_from_env(&cfg, "/srv/natverk/natverk.db");
	cr_assert_null(cfg.smtp_url);
	cr_assert_str_eq(cfg.from, "natverk <no-reply@localhost>");
	cr_assert_str_eq(cfg.file, "/srv/natverk/mail.out");
	mail_config_from_env(&cfg, "natverk.db");
	cr_assert_str_eq(cfg.file, "mail.out");
	mail_config_from_env(&cfg, "postgresql:///natverk?host=/run/postgresql");
	cr_assert_str_eq(cfg.file, "natverk-mail.out");
	char err[256];
	cr_assert_eq(mail_config_check(&cfg, err, sizeof err), E_OK, "%s", err);

	setenv("NATVERK_SMTP_URL", "smtps://mailer:pa55word@relay.example:465", 1);
	setenv("NATVERK_MAIL_FROM", "ICLD <natverk@icld.example>", 1);
	setenv("NATVERK_MAIL_FILE", "/var/tmp/x.mbox", 1);
	mail_config_from_env(&cfg, "natverk.db");
	cr_assert_str_eq(cfg.smtp_url, "smtps://mailer:pa55word@relay.example:465");
	cr_assert_str_eq(cfg.from, "ICLD <natverk@icld.example>");
	cr_assert_str_eq(cfg.file, "/var/tmp/x.mbox");
	cr_assert_eq(mail_config_check(&cfg, err, sizeof err), E_OK, "%s", err);

	setenv("NATVERK_SMTP_URL", "https://mailer:pa55word@relay.example", 1);
	mail_config_from_env(&cfg, "natverk.db");
	cr_assert_eq(mail_config_check(&cfg, err, sizeof err), E_INVALID);
	cr_assert_null(strstr(err, "pa55word"), "%s", err);
	unsetenv("NATVERK_SMTP_URL");
	setenv("NATVERK_MAIL_FROM", "not an address", 1);
	mail_config_from_env(&cfg, "natverk.db");
	cr_assert_eq(mail_config_check(&cfg, err, sizeof err), E_INVALID);
	unsetenv("NATVERK_MAIL_FROM");
	unsetenv("NATVERK_MAIL_FILE");
}

/* ---- the sender thread ---- */

/* Waits up to ms for mail id to be sent; true when it was. */
static bool wait_sent(struct db *db, int64_t id, int ms)
{
	struct arena *a = arena_new();
	bool sent = false;
	for (int waited = 0; waited <= ms && !sent; waited += 20) {
		struct outbox_row r;
		cr_assert_eq(db_mail_by_id(db, a, id, &r), E_OK, "%s", db_errmsg(db));
		sent = r.status == OUTBOX_SENT;
		if (!sent)
			usleep(20 * 1000);
	}
	arena_free(a);
	return sent;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

Test(sender, wake_sends_at_once_and_stop_joins)
{
	struct db *db = test_db_migrated();
	char path[600];
	snprintf(path, sizeof path, "%s/mail.out", test_tmpdir());
	struct mail_config cfg = config_for(NULL, path);
	cfg.poll_ms = 60000; /* only a wake-up can explain a quick send */
	struct mail_sender *s = NULL;
	cr_assert_eq(mail_sender_start(&cfg, test_db_url(), &s), E_OK);
	/* Its first round found nothing; give it time to start pausing. */
	usleep(300 * 1000);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	queue_ok(db, "a@example.org", "en", "Woken", "x");
	mail_sender_wake(s);
	cr_assert(wait_sent(db, last_id(db), 5000), "not sent after a wake-up");
	cr_assert_lt(seconds_since(&t0), 5.0);

	/* mail_notify reaches the same sender; here before the commit. */
	cr_assert_eq(db_begin(db), E_OK);
	queue_ok(db, "b@example.org", "sv", "Väckt", "x");
	mail_notify();
	usleep(50 * 1000);
	cr_assert_eq(db_commit(db), E_OK);
	cr_assert(wait_sent(db, last_id(db), 5000), "not sent after mail_notify");

	mail_sender_stop(s);
	mail_notify(); /* no sender any more: nothing happens */
	char *data = test_read_file(path, NULL);
	cr_assert_not_null(data);
	cr_assert_not_null(strstr(data, "To: a@example.org"));
	cr_assert_not_null(strstr(data, "To: b@example.org"));
	free(data);
	db_close(db);
}

Test(sender, polls_without_a_wake_up, .fini = sink_stop)
{
	struct db *db = test_db_migrated();
	sink_start(false);
	struct mail_config cfg = config_for(sink.url, NULL);
	cfg.poll_ms = 100;
	struct mail_sender *s = NULL;
	cr_assert_eq(mail_sender_start(&cfg, test_db_url(), &s), E_OK);
	queue_ok(db, "bob@city.example", "en", en_subject, en_body);
	cr_assert(wait_sent(db, last_id(db), 5000), "not sent by polling");
	mail_sender_stop(s);
	check_received(1, "bob@city.example", en_subject, en_body, "en");
	db_close(db);
}

Test(sender, refuses_a_bad_configuration)
{
	struct mail_config cfg = config_for("http://relay.example", NULL);
	struct mail_sender *s = (struct mail_sender *)&cfg;
	cr_assert_eq(mail_sender_start(&cfg, test_db_url(), &s), E_INVALID);
	cr_assert_null(s);
	mail_sender_stop(NULL);
	mail_sender_wake(NULL);
}
