/*
 * message.c - see message.h.
 *
 * Written by hand, on purpose.  libcurl's MIME API (curl_mime_*) can encode
 * a part as quoted-printable, but it does not encode header text (RFC 2047),
 * does not fold headers, and only produces bytes inside a transfer, while
 * the file sink needs the same message without any transfer.  GMime would
 * do all of it but brings GLib for one text/plain part.  What a single
 * text/plain UTF-8 mail needs is small and fully specified: RFC 5322 header
 * syntax and folding, RFC 2047 "Q" encoded-words, RFC 2045 quoted-printable.
 * tests/mail/test_mail.c decodes everything made here and compares.
 *
 * Header lines are kept to 78 characters (RFC 5322's SHOULD; the hard limit
 * is 998) by folding, that is by putting CRLF before a space.  Encoded-words
 * are at most 75 characters, hold whole UTF-8 characters, and use only
 * letters, digits and "!*+-/" literally (RFC 2047 5(3), the set that is safe
 * in a display name as well as in a Subject).
 */
#include "mail/message.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

#define HEADER_LINE_MAX 78 /* folded header lines stay within this */
#define QP_LINE_MAX     76 /* RFC 2045: encoded lines, soft break '=' included */
#define EW_MAX          75 /* RFC 2047: one encoded-word */
#define EW_OPEN         "=?UTF-8?Q?"
#define EW_CLOSE        "?="
#define EW_OVERHEAD     (sizeof EW_OPEN - 1 + sizeof EW_CLOSE - 1)

static const char hex_digits[] = "0123456789ABCDEF";

/* RFC 5322 atext: what a plain (unquoted) word may hold. */
static bool is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static bool is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* A dot-atom of len bytes: atext runs separated by single dots. */
static bool dot_atom_valid(const char *s, size_t len)
{
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!is_atext((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* A host name: labels of 1..63 letters, digits and inner hyphens. */
static bool domain_valid(const char *s, size_t len)
{
	size_t label = 0;
	if (len == 0)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > MESSAGE_MAX_LABEL || s[i - 1] == '-' ||
			    s[i - label] == '-')
				return false;
			label = 0;
		} else if (is_label_char((unsigned char)s[i])) {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

bool message_address_valid(const char *addr)
{
	if (addr == NULL)
		return false;
	size_t len = strnlen(addr, MESSAGE_MAX_ADDRESS + 1);
	if (len > MESSAGE_MAX_ADDRESS)
		return false;
	const char *at = memchr(addr, '@', len);
	/* Exactly one '@': the local part is a dot-atom, which has none. */
	if (at == NULL)
		return false;
	size_t local = (size_t)(at - addr);
	if (local > MESSAGE_MAX_LOCAL || !dot_atom_valid(addr, local))
		return false;
	return domain_valid(at + 1, len - local - 1);
}

/* Valid UTF-8 without C0 controls or DEL. */
static bool text_line_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return str_utf8_valid(s, len);
}

bool message_subject_valid(const char *s)
{
	if (s == NULL)
		return false;
	size_t len = strnlen(s, MESSAGE_MAX_SUBJECT + 1);
	return len > 0 && len <= MESSAGE_MAX_SUBJECT && text_line_valid(s, len);
}

/* Copies s[0..len) with ASCII space trimmed at both ends into out. */
static bool copy_trimmed(const char *s, size_t len, char *out, size_t outlen)
{
	while (len > 0 && s[0] == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len >= outlen)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

enum err message_parse_from(const char *from, char *name, size_t namelen, char *addr,
			    size_t addrlen)
{
	if (from == NULL || namelen == 0 || addrlen == 0)
		return E_INVALID;
	name[0] = '\0';
	addr[0] = '\0';
	size_t len = strnlen(from, MESSAGE_MAX_NAME + MESSAGE_MAX_ADDRESS + 8);
	while (len > 0 && from[len - 1] == ' ')
		len--;
	if (len == 0 || !text_line_valid(from, len))
		return E_INVALID;
	if (from[len - 1] != '>') {
		/* A bare address. */
		if (!copy_trimmed(from, len, addr, addrlen))
			return E_INVALID;
		return message_address_valid(addr) ? E_OK : E_INVALID;
	}
	const char *open = memrchr(from, '<', len);
	if (open == NULL)
		return E_INVALID;
	size_t alen = (size_t)(from + len - 1 - (open + 1));
	if (!copy_trimmed(open + 1, alen, addr, addrlen) || !message_address_valid(addr))
		return E_INVALID;
	size_t nlen = (size_t)(open - from);
	char raw[MESSAGE_MAX_NAME + 3];
	if (!copy_trimmed(from, nlen, raw, sizeof raw))
		return E_INVALID;
	/* "Quoted Name": drop the quotes and undo backslash escapes. */
	size_t rlen = strlen(raw);
	const char *n = raw;
	bool quoted = rlen >= 2 && raw[0] == '"' && raw[rlen - 1] == '"';
	if (quoted) {
		n = raw + 1;
		rlen -= 2;
	}
	size_t o = 0;
	for (size_t i = 0; i < rlen; i++) {
		char c = n[i];
		if (quoted && c == '\\' && i + 1 < rlen)
			c = n[++i];
		else if (c == '"' || c == '<' || c == '>')
			return E_INVALID;
		if (o + 1 >= namelen || o >= MESSAGE_MAX_NAME)
			return E_INVALID;
		name[o++] = c;
	}
	name[o] = '\0';
	return E_OK;
}

enum err message_id_new(const char *from, time_t now, char *out, size_t outlen)
{
	char name[MESSAGE_MAX_NAME + 1];
	char addr[MESSAGE_MAX_ADDRESS + 1];
	if (message_parse_from(from, name, sizeof name, addr, sizeof addr) != E_OK)
		return E_INVALID;
	/* Safe to call from any thread, any number of times. */
	if (sodium_init() < 0)
		return E_INTERNAL;
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	char hex[2 * sizeof rnd + 1];
	for (size_t i = 0; i < sizeof rnd; i++) {
		hex[2 * i] = hex_digits[rnd[i] >> 4];
		hex[2 * i + 1] = hex_digits[rnd[i] & 15];
	}
	hex[2 * sizeof rnd] = '\0';
	const char *domain = strchr(addr, '@') + 1;
	int n = snprintf(out, outlen, "<%s.%lld@%s>", hex, (long long)now, domain);
	return n > 0 && (size_t)n < outlen ? E_OK : E_INVALID;
}

/* A header being written: where it goes, and how long its current line is. */
struct hdr {
	struct buf *b;  /* the message */
	size_t col;     /* characters on the current line */
	bool has_token; /* something follows the name on the current line */
};

static void hdr_start(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	buf_puts(b, name);
	buf_putc(b, ':');
	h->col = strlen(name) + 1;
	h->has_token = false;
}

/* Appends " tok", folding (CRLF before the space) first when the line would
 * pass HEADER_LINE_MAX and already holds a token. */
static void hdr_token(struct hdr *h, const char *tok, size_t len)
{
	if (h->has_token && h->col + 1 + len > HEADER_LINE_MAX) {
		buf_puts(h->b, "\r\n");
		h->col = 0;
	}
	buf_putc(h->b, ' ');
	buf_append(h->b, tok, len);
	h->col += 1 + len;
	h->has_token = true;
}

static void hdr_end(struct hdr *h)
{
	buf_puts(h->b, "\r\n");
}

/* Bytes a byte takes in a Q encoded-word. */
static size_t q_width(unsigned char c)
{
	bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		       (c != '\0' && strchr("!*+-/ ", c) != NULL);
	return literal ? 1 : 3;
}

static void q_put(char *w, size_t *o, unsigned char c)
{
	if (c == ' ') {
		w[(*o)++] = '_';
	} else if (q_width(c) == 1) {
		w[(*o)++] = (char)c;
	} else {
		w[(*o)++] = '=';
		w[(*o)++] = hex_digits[c >> 4];
		w[(*o)++] = hex_digits[c & 15];
	}
}

/* Length of the UTF-8 character that starts with lead (text is valid). */
static size_t utf8_char_len(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead < 0xE0)
		return 2;
	if (lead < 0xF0)
		return 3;
	return 4;
}

/* Appends text as encoded-words, one per line after the first; a word
 * never splits a UTF-8 character. */
static void hdr_encoded(struct hdr *h, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* Room on this line: the first word shares it with the name,
		 * unless the name leaves too little (then it folds, below). */
		if (!h->has_token && h->col + 1 + EW_OVERHEAD + 12 > QP_LINE_MAX)
			h->has_token = true;
		size_t room = h->has_token ? EW_MAX : QP_LINE_MAX - h->col - 1;
		if (room > EW_MAX)
			room = EW_MAX;
		size_t budget = room - EW_OVERHEAD;
		char word[EW_MAX + 1];
		size_t o = 0;
		memcpy(word, EW_OPEN, sizeof EW_OPEN - 1);
		o = sizeof EW_OPEN - 1;
		size_t used = 0;
		while (i < len) {
			size_t clen = utf8_char_len((unsigned char)text[i]);
			if (clen > len - i)
				clen = len - i;
			size_t w = 0;
			for (size_t k = 0; k < clen; k++)
				w += q_width((unsigned char)text[i + k]);
			if (used + w > budget && used > 0)
				break;
			for (size_t k = 0; k < clen; k++)
				q_put(word, &o, (unsigned char)text[i + k]);
			used += w;
			i += clen;
		}
		memcpy(word + o, EW_CLOSE, sizeof EW_CLOSE - 1);
		o += sizeof EW_CLOSE - 1;
		if (h->has_token) {
			/* One word per continuation line. */
			buf_puts(h->b, "\r\n");
			h->col = 0;
			h->has_token = false;
		}
		hdr_token(h, word, o);
	}
}

/* True when text can stand as it is: printable ASCII, and nothing a reader
 * could take for the start of an encoded-word. */
static bool plain_ascii(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			return false;
	return memmem(text, len, "=?", 2) == NULL;
}

/* Appends unstructured text (a Subject): as it is, folded at its spaces,
 * when plain_ascii, else as encoded-words. */
static void hdr_unstructured(struct hdr *h, const char *text)
{
	size_t len = strlen(text);
	if (!plain_ascii(text, len)) {
		hdr_encoded(h, text, len);
		return;
	}
	/* Words separated by single spaces; runs of spaces give empty words,
	 * so unfolding gives back exactly the text. */
	const char *p = text;
	const char *end = text + len;
	for (;;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *stop = sp != NULL ? sp : end;
		hdr_token(h, p, (size_t)(stop - p));
		if (sp == NULL)
			break;
		p = sp + 1;
	}
}

/* Appends a display name: plain words when it is atext and single spaces,
 * a quoted-string when it is other printable ASCII, else encoded-words. */
static void hdr_phrase(struct hdr *h, const char *name)
{
	size_t len = strlen(name);
	if (!plain_ascii(name, len)) {
		hdr_encoded(h, name, len);
		return;
	}
	bool atoms = true;
	for (size_t i = 0; i < len && atoms; i++)
		atoms = is_atext((unsigned char)name[i]) ||
			(name[i] == ' ' && i > 0 && name[i - 1] != ' ' && i + 1 < len);
	if (atoms) {
		hdr_unstructured(h, name);
		return;
	}
	char q[2 * MESSAGE_MAX_NAME + 3];
	size_t o = 0;
	q[o++] = '"';
	for (size_t i = 0; i < len && o < sizeof q - 3; i++) {
		if (name[i] == '"' || name[i] == '\\')
			q[o++] = '\\';
		q[o++] = name[i];
	}
	q[o++] = '"';
	hdr_token(h, q, o);
}

/* RFC 5322 date in UTC with English names, whatever the process locale. */
static void put_date(struct buf *b, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday % 7],
		   tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		   tm.tm_sec);
}

/* A language tag we put in a header: 2..8 of [a-z-]. */
static bool lang_valid(const char *lang)
{
	size_t len = strnlen(lang, 9);
	if (len < 2 || len > 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || lang[i] == '-'))
			return false;
	return true;
}

/* A Message-ID as message_id_new makes it: <...> of visible ASCII. */
static bool message_id_valid(const char *id)
{
	size_t len = strnlen(id, MESSAGE_ID_LEN);
	if (len < 3 || len >= MESSAGE_ID_LEN || id[0] != '<' || id[len - 1] != '>')
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if ((unsigned char)id[i] <= 0x20 || (unsigned char)id[i] >= 0x7f || id[i] == '<' ||
		    id[i] == '>')
			return false;
	return true;
}

void message_qp_encode(struct buf *out, const char *text, size_t len)
{
	size_t col = 0;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\r' || c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			i += (c == '\r' && i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		bool hard_end = i + 1 < len && (text[i + 1] == '\r' || text[i + 1] == '\n');
		bool last = hard_end || i + 1 == len;
		bool literal;
		if (c == ' ' || c == '\t')
			literal = !last; /* white space at a line's end would be lost */
		else
			literal = c >= 33 && c <= 126 && c != '=';
		size_t w = literal ? 1 : 3;
		/* The last character before a hard break may use column 76; any
		 * other needs room for the '=' of a soft break after it. */
		if (col + w > (hard_end ? QP_LINE_MAX : QP_LINE_MAX - 1)) {
			buf_puts(out, "=\r\n");
			col = 0;
		}
		/* "From " at the start of a line is mangled by mbox tools. */
		if (col == 0 && c == 'F' && len - i >= 5 && memcmp(text + i, "From ", 5) == 0) {
			literal = false;
			w = 3;
		}
		if (literal) {
			buf_putc(out, (char)c);
		} else {
			char e[3] = {'=', hex_digits[c >> 4], hex_digits[c & 15]};
			buf_append(out, e, 3);
		}
		col += w;
		i++;
	}
	if (len > 0 && text[len - 1] != '\n' && text[len - 1] != '\r')
		buf_puts(out, "=\r\n");
}

enum err message_format(const struct message *m, struct buf *out)
{
	char name[MESSAGE_MAX_NAME + 1];
	char from_addr[MESSAGE_MAX_ADDRESS + 1];
	/* Everything is checked before anything is written. */
	if (message_parse_from(m->from, name, sizeof name, from_addr, sizeof from_addr) != E_OK)
		return E_INVALID;
	if (!message_address_valid(m->to) || !message_subject_valid(m->subject))
		return E_INVALID;
	if (m->body == NULL)
		return E_INVALID;
	size_t body_len = strnlen(m->body, MESSAGE_MAX_BODY + 1);
	if (body_len > MESSAGE_MAX_BODY || !str_utf8_valid(m->body, body_len))
		return E_INVALID;
	if (m->lang != NULL && !lang_valid(m->lang))
		return E_INVALID;
	if (m->message_id == NULL || !message_id_valid(m->message_id))
		return E_INVALID;

	struct hdr h;
	put_date(out, m->date);
	hdr_start(&h, out, "From");
	if (name[0] != '\0')
		hdr_phrase(&h, name);
	char angle[MESSAGE_MAX_ADDRESS + 3];
	int n = snprintf(angle, sizeof angle, name[0] != '\0' ? "<%s>" : "%s", from_addr);
	hdr_token(&h, angle, (size_t)n);
	hdr_end(&h);
	buf_printf(out, "To: %s\r\n", m->to);
	hdr_start(&h, out, "Subject");
	hdr_unstructured(&h, m->subject);
	hdr_end(&h);
	buf_printf(out, "Message-ID: %s\r\n", m->message_id);
	buf_puts(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: quoted-printable\r\n");
	if (m->lang != NULL)
		buf_printf(out, "Content-Language: %s\r\n", m->lang);
	buf_puts(out, "Auto-Submitted: auto-generated\r\n\r\n");
	message_qp_encode(out, m->body, body_len);
	return buf_failed(out) ? E_NOMEM : E_OK;
}
