/*
 * message.h - one outgoing mail as bytes: an RFC 5322 message with a single
 * text/plain UTF-8 part in quoted-printable (RFC 2045), non-ASCII header
 * text as RFC 2047 encoded-words, CRLF line ends and no line over 78
 * characters (76 in the body).
 *
 * Pure functions over memory: no I/O, no database, nothing global except
 * libsodium's random source for Message-IDs.  Also the one definition of an
 * address the program will send to (message_address_valid), so the queue
 * and the formatter refuse the same things.
 */
#ifndef NATVERK_MAIL_MESSAGE_H
#define NATVERK_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

#define MESSAGE_MAX_ADDRESS 254          /* bytes in an address (RFC 5321's path, without <>) */
#define MESSAGE_MAX_LOCAL   64           /* bytes before the @ */
#define MESSAGE_MAX_LABEL   63           /* bytes in one label of the domain */
#define MESSAGE_MAX_NAME    128          /* bytes in the display name of From */
#define MESSAGE_MAX_SUBJECT 250          /* bytes of UTF-8 in a subject */
#define MESSAGE_MAX_BODY    (256 * 1024) /* bytes of UTF-8 in a body */
#define MESSAGE_MAX_BYTES   (4 * 1024 * 1024) /* cap on a formatted message */
#define MESSAGE_ID_LEN      128               /* room for "<hex.time@domain>" and its NUL */

/* What message_format puts together. */
struct message {
	const char *from;       /* "Name <addr>" or "addr" (message_parse_from) */
	const char *to;         /* one bare address (message_address_valid) */
	const char *subject;    /* UTF-8, one line, at most MESSAGE_MAX_SUBJECT bytes */
	const char *body;       /* UTF-8 text, LF, CRLF or CR line ends */
	const char *lang;       /* Content-Language ("sv", "en"), or NULL for none */
	time_t date;            /* the Date header */
	const char *message_id; /* "<...>" as made by message_id_new */
};

/*
 * True when addr is a plain address the program sends to: one '@', a
 * dot-atom local part of 1..64 bytes (RFC 5322 atext and dots, no leading,
 * trailing or double dot), a domain of dot-separated labels of letters,
 * digits and inner hyphens, at most MESSAGE_MAX_ADDRESS bytes in all.
 * ASCII only; so no CR, LF, NUL, space, quote, angle bracket or comma can
 * reach a header or an SMTP command through an address.  NULL is invalid.
 */
bool message_address_valid(const char *addr);

/* True when s is valid UTF-8 of 1..MESSAGE_MAX_SUBJECT bytes with no
 * control character (no CR, LF, TAB, NUL or DEL). */
bool message_subject_valid(const char *s);

/*
 * Splits a From setting, "addr" or "Display Name <addr>" (the name may be
 * in double quotes, and may be UTF-8), into the name (possibly empty) and
 * the address.  Returns E_INVALID unless the address is valid and the name
 * is valid UTF-8 of at most MESSAGE_MAX_NAME bytes without control
 * characters or angle brackets.  name and addr must hold at least
 * MESSAGE_MAX_NAME + 1 and MESSAGE_MAX_ADDRESS + 1 bytes.
 */
enum err message_parse_from(const char *from, char *name, size_t namelen, char *addr,
			    size_t addrlen);

/*
 * Writes a new random Message-ID, "<32 hex digits.unix time@domain>", the
 * domain being that of the From setting's address (RFC 5322 3.6.4 wants it
 * unique, and the sender's domain keeps it so across hosts).  Returns
 * E_INVALID when from does not parse, E_INTERNAL when libsodium cannot start.
 */
enum err message_id_new(const char *from, time_t now, char *out, size_t outlen);

/*
 * Appends the whole message (headers, blank line, body) to out: Date, From,
 * To, Subject, Message-ID, MIME-Version, Content-Type (text/plain;
 * charset=UTF-8), Content-Transfer-Encoding (quoted-printable),
 * Content-Language when lang is set, and Auto-Submitted: auto-generated (RFC
 * 3834, so auto-responders stay quiet).  SMTP dot-stuffing is not done
 * here: libcurl does it on upload, and the file sink needs none.
 * Returns E_INVALID, appending nothing, when an address, the subject, the
 * body (valid UTF-8 of at most MESSAGE_MAX_BODY bytes), the language or the
 * Message-ID would be unsafe in a header; E_NOMEM when out fails.
 */
enum err message_format(const struct message *m, struct buf *out);

/*
 * Appends text[0..len) as a quoted-printable body: every line break (LF,
 * CRLF or CR) becomes CRLF; '=', bytes outside printable ASCII, white space
 * at the end of a line and the F of "From " at the start of a line are
 * escaped as =XX; soft line breaks ("=" CRLF) keep every line at most 76
 * characters.  Text that does not end with a line break ends with a soft
 * line break, so decoding gives back exactly the text (with CRLF ends).
 */
void message_qp_encode(struct buf *out, const char *text, size_t len);

#endif
