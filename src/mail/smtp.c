/*
 * smtp.c - see smtp.h.  libcurl speaks SMTP, STARTTLS, AUTH and the dot-
 * stuffing of the DATA phase; this file only sets it up for one message and
 * turns its verdict into one clean line.
 */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mail/message.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_result = CURLE_FAILED_INIT;

static void global_init(void)
{
	init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum err smtp_global_init(void)
{
	pthread_once(&init_once, global_init);
	return init_result == CURLE_OK ? E_OK : E_INTERNAL;
}

/* The message being uploaded and how much of it libcurl has read. */
struct upload {
	const char *data; /* the message */
	size_t len;       /* its length */
	size_t pos;       /* bytes handed to libcurl so far */
};

static size_t read_cb(char *dest, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t room = size * nmemb;
	size_t n = u->len - u->pos < room ? u->len - u->pos : room;
	memcpy(dest, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* The URL's scheme ("smtp" or "smtps", lower case) into out; false when the
 * URL does not parse, has no host, or is of another scheme. */
static bool url_scheme(const char *url, char *out, size_t outlen)
{
	bool ok = false;
	CURLU *u = curl_url();
	char *scheme = NULL;
	char *host = NULL;
	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto done;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0')
		goto done;
	if (strcasecmp(scheme, "smtp") != 0 && strcasecmp(scheme, "smtps") != 0)
		goto done;
	snprintf(out, outlen, "%s", strcasecmp(scheme, "smtp") == 0 ? "smtp" : "smtps");
	ok = true;
done:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

bool smtp_url_valid(const char *url)
{
	char scheme[8];
	return url != NULL && smtp_global_init() == E_OK && url_scheme(url, scheme, sizeof scheme);
}

/* Replaces every occurrence of secret in s (a NUL-terminated string in a
 * buffer of size bytes) with "***". */
static void hide(char *s, size_t size, const char *secret)
{
	size_t slen = secret != NULL ? strlen(secret) : 0;
	if (slen == 0)
		return;
	char *from = s;
	char *at;
	while ((at = strstr(from, secret)) != NULL) {
		char rest[SMTP_ERRLEN];
		snprintf(rest, sizeof rest, "%s", at + slen);
		snprintf(at, size - (size_t)(at - s), "***%s", rest);
		/* Search on after the stars: a secret may itself contain "***". */
		from = at + strnlen(at, 3);
	}
}

/* Makes err one line without the URL's password, as given and decoded. */
static void scrub(char *err, size_t errlen, const char *url)
{
	CURLU *u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		char *pw = NULL;
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK)
			hide(err, errlen, pw);
		curl_free(pw);
		pw = NULL;
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, CURLU_URLDECODE) == CURLUE_OK)
			hide(err, errlen, pw);
		curl_free(pw);
	}
	curl_url_cleanup(u);
	for (char *p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

enum err smtp_send(const char *url, const char *from, const char *to, const char *msg, size_t len,
		   char *err, size_t errlen)
{
	enum err rc = E_IO;
	CURL *c = NULL;
	struct curl_slist *rcpt = NULL;
	char curl_err[CURL_ERROR_SIZE] = "";
	char scheme[8];
	char from_arg[MESSAGE_MAX_ADDRESS + 3];
	char to_arg[MESSAGE_MAX_ADDRESS + 3];
	err[0] = '\0';

	if (smtp_global_init() != E_OK) {
		snprintf(err, errlen, "libcurl cannot start");
		rc = E_INTERNAL;
		goto done;
	}
	if (!url_scheme(url, scheme, sizeof scheme)) {
		snprintf(err, errlen, "the SMTP URL is not an smtp:// or smtps:// URL");
		rc = E_INVALID;
		goto done;
	}
	/* The addresses are checked again: they become SMTP commands. */
	if (!message_address_valid(from) || !message_address_valid(to)) {
		snprintf(err, errlen, "invalid envelope address");
		rc = E_INVALID;
		goto done;
	}
	snprintf(from_arg, sizeof from_arg, "<%s>", from);
	snprintf(to_arg, sizeof to_arg, "<%s>", to);
	c = curl_easy_init();
	rcpt = curl_slist_append(NULL, to_arg);
	if (c == NULL || rcpt == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = E_NOMEM;
		goto done;
	}
	struct upload up = {msg, len, 0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* A URL with credentials never sends them in clear text: STARTTLS is
	 * then required, not just tried. */
	const char *auth = strstr(url, "://");
	size_t host_part = auth != NULL ? strcspn(auth + 3, "/?") : 0;
	bool credentials = auth != NULL && memchr(auth + 3, '@', host_part) != NULL;
	curl_easy_setopt(c, CURLOPT_USE_SSL,
			 strcmp(scheme, "smtps") == 0 || credentials ? (long)CURLUSESSL_ALL
								     : (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_arg);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
	/* Signals are for the process; libcurl must not use them in a thread. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);

	CURLcode res = curl_easy_perform(c);
	if (res == CURLE_OK) {
		rc = E_OK;
		goto done;
	}
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	const char *what = curl_err[0] != '\0' ? curl_err : curl_easy_strerror(res);
	char code_s[24];
	snprintf(code_s, sizeof code_s, "%ld", code);
	if (code > 0 && strstr(what, code_s) == NULL)
		snprintf(err, errlen, "%s (relay replied %ld)", what, code);
	else
		snprintf(err, errlen, "%s", what);
	scrub(err, errlen, url);
	rc = E_IO;
done:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc;
}
