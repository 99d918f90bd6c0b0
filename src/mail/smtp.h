/*
 * smtp.h - hands one formatted message to an SMTP relay through libcurl.
 *
 * The only code that includes <curl/curl.h> in src/.  Knows nothing of the
 * outbox or of retries: one call, one transfer, one verdict.  Error messages
 * never contain the password of the URL.
 */
#ifndef NATVERK_MAIL_SMTP_H
#define NATVERK_MAIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SMTP_TIMEOUT_S         30  /* whole transfer, connection included */
#define SMTP_CONNECT_TIMEOUT_S 20  /* TCP and TLS connection */
#define SMTP_ERRLEN            256 /* room for an error message */

/* Initialises libcurl once per process (thread-safe; later calls do
 * nothing).  smtp_send calls it; the server calls it at start-up, before
 * threads, as libcurl prefers.  E_INTERNAL when libcurl cannot start. */
enum err smtp_global_init(void);

/* True when url is an smtp:// or smtps:// URL libcurl can parse. */
bool smtp_url_valid(const char *url);

/*
 * Sends msg[0..len) (a complete RFC 5322 message with CRLF line ends;
 * libcurl does the dot-stuffing) to one recipient through the relay at url:
 * smtp://[user:password@]host[:port] tries STARTTLS and goes on in clear
 * text when the relay offers none (CURLUSESSL_TRY); smtps:// is TLS from
 * the start.  Certificates are verified.  from and to are bare addresses
 * (the envelope's MAIL FROM and RCPT TO).  Gives up after SMTP_TIMEOUT_S.
 * Returns E_OK when the relay accepted the message, E_IO otherwise with a
 * one-line English message in err (errlen bytes) that includes the relay's
 * reply code when there was one and never the URL's password.
 */
enum err smtp_send(const char *url, const char *from, const char *to, const char *msg, size_t len,
		   char *err, size_t errlen);

#endif
