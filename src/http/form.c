/*
 * form.c - percent-decoding and urlencoded parsing; see form.h.
 */
#include "http/form.h"

#include <string.h>

#include "util/str.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum err form_decode(struct arena *a, const char *s, size_t len, bool plus_space, char **out,
		     size_t *outlen, const char **why)
{
	char *d = arena_alloc(a, len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "malformed percent-escape";
				return E_INVALID;
			}
			d[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			d[n++] = ' ';
		} else {
			d[n++] = c;
		}
	}
	d[n] = '\0';
	if (!str_utf8_valid(d, n)) {
		*why = memchr(d, '\0', n) != NULL ? "NUL byte in input" : "invalid UTF-8";
		return E_INVALID;
	}
	*out = d;
	*outlen = n;
	return E_OK;
}

enum err form_parse_urlencoded(struct arena *a, const char *s, size_t len, struct kvlist *out,
			       const char **why)
{
	size_t pos = 0;
	while (pos < len) {
		const char *amp = memchr(s + pos, '&', len - pos);
		size_t end = amp != NULL ? (size_t)(amp - s) : len;
		if (end > pos) {
			if (out->n >= HTTP_MAX_FIELDS) {
				*why = "too many fields";
				return E_INVALID;
			}
			const char *pair = s + pos;
			size_t plen = end - pos;
			const char *eq = memchr(pair, '=', plen);
			size_t nlen = eq != NULL ? (size_t)(eq - pair) : plen;
			const char *val = eq != NULL ? eq + 1 : pair + plen;
			size_t vlen = plen - nlen - (eq != NULL ? 1 : 0);
			if (nlen > HTTP_MAX_FIELD_NAME * 3 || vlen > HTTP_MAX_FIELD_VALUE * 3) {
				*why = "field too long";
				return E_INVALID;
			}
			char *name, *value;
			size_t dn, dv;
			enum err rc = form_decode(a, pair, nlen, true, &name, &dn, why);
			if (rc != E_OK)
				return rc;
			rc = form_decode(a, val, vlen, true, &value, &dv, why);
			if (rc != E_OK)
				return rc;
			if (dn > HTTP_MAX_FIELD_NAME || dv > HTTP_MAX_FIELD_VALUE) {
				*why = "field too long";
				return E_INVALID;
			}
			kvlist_add(a, out, name, value, dv);
		}
		pos = end + 1;
	}
	return E_OK;
}
