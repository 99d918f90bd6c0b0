/*
 * multipart.c - multipart/form-data parser; see multipart.h.  libmicrohttpd
 * has a streaming post processor, but it hands over parts in pieces and
 * leaves limits to us; with the body already bounded in memory a slicing
 * parser is simpler to limit and to test.
 */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

#include "util/str.h"

/* Finds parameter name (e.g. "boundary") in a header value's parameters and
 * returns its value in the arena, unquoted; NULL when absent. */
static char *header_param(struct arena *a, const char *value, size_t vlen, const char *name)
{
	size_t nlen = strlen(name);
	size_t i = 0;
	while (i < vlen) {
		const char *semi = memchr(value + i, ';', vlen - i);
		if (semi == NULL)
			return NULL;
		i = (size_t)(semi - value) + 1;
		while (i < vlen && value[i] == ' ')
			i++;
		if (vlen - i > nlen && strncasecmp(value + i, name, nlen) == 0 &&
		    value[i + nlen] == '=') {
			i += nlen + 1;
			if (i < vlen && value[i] == '"') {
				const char *end = memchr(value + i + 1, '"', vlen - i - 1);
				if (end == NULL)
					return NULL;
				return arena_strndup(a, value + i + 1, (size_t)(end - value - i - 1));
			}
			size_t n = 0;
			while (i + n < vlen && value[i + n] != ';' && value[i + n] != ' ')
				n++;
			return arena_strndup(a, value + i, n);
		}
	}
	return NULL;
}

/* Reads one part's headers (data[0..len), CRLF-separated) for the field
 * name, file name and content type. */
static enum err part_headers(struct arena *a, const char *h, size_t len, char **name,
			     char **filename, char **ctype, const char **why)
{
	*name = *filename = *ctype = NULL;
	size_t i = 0;
	while (i < len) {
		const char *eol = memmem(h + i, len - i, "\r\n", 2);
		size_t n = eol != NULL ? (size_t)(eol - h) - i : len - i;
		const char *line = h + i;
		if (n > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
			const char *v = line + 20;
			size_t vlen = n - 20;
			while (vlen > 0 && *v == ' ')
				v++, vlen--;
			if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0) {
				*why = "multipart part is not form-data";
				return E_INVALID;
			}
			*name = header_param(a, v, vlen, "name");
			*filename = header_param(a, v, vlen, "filename");
		} else if (n > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
			const char *v = line + 13;
			size_t vlen = n - 13;
			while (vlen > 0 && *v == ' ')
				v++, vlen--;
			*ctype = arena_strndup(a, v, vlen);
		}
		i += n + 2;
	}
	if (*name == NULL || **name == '\0') {
		*why = "multipart part without a field name";
		return E_INVALID;
	}
	if (strlen(*name) > HTTP_MAX_FIELD_NAME || !str_utf8_valid(*name, strlen(*name))) {
		*why = "bad multipart field name";
		return E_INVALID;
	}
	return E_OK;
}

/* Reduces a client file name to its base name ("C:\x\a.csv" -> "a.csv"). */
static const char *base_name(const char *f)
{
	const char *slash = strrchr(f, '/');
	const char *bslash = strrchr(f, '\\');
	if (bslash != NULL && (slash == NULL || bslash > slash))
		slash = bslash;
	return slash != NULL ? slash + 1 : f;
}

enum err multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
			 struct kvlist *fields, struct upload **files, size_t *nfiles,
			 const char **why)
{
	char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > MULTIPART_MAX_BOUNDARY) {
		*why = "missing or bad multipart boundary";
		return E_INVALID;
	}
	/* delim is "\r\n--boundary"; the first one may lack the leading CRLF. */
	char *delim = arena_printf(a, "\r\n--%s", boundary);
	size_t dlen = strlen(delim);
	size_t pos;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		pos = dlen - 2;
	} else {
		const char *first = memmem(body, len, delim, dlen);
		if (first == NULL) {
			*why = "multipart body without its boundary";
			return E_INVALID;
		}
		pos = (size_t)(first - body) + dlen;
	}
	struct upload *out = arena_zalloc(a, HTTP_MAX_FILES * sizeof *out);
	size_t nout = 0, nparts = 0;
	for (;;) {
		/* After a delimiter: "--" ends the body, CRLF starts a part. */
		if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0)
			break;
		if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0) {
			*why = "malformed multipart delimiter";
			return E_INVALID;
		}
		pos += 2;
		if (++nparts > HTTP_MAX_PARTS) {
			*why = "too many multipart parts";
			return E_INVALID;
		}
		const char *hend = memmem(body + pos, len - pos, "\r\n\r\n", 4);
		size_t hlen = hend != NULL ? (size_t)(hend - body) - pos : 0;
		if (hend == NULL && len - pos >= 2 && memcmp(body + pos, "\r\n", 2) == 0)
			hend = body + pos - 2; /* a part with no headers at all */
		if (hend == NULL || hlen > MULTIPART_MAX_PART_HEADERS) {
			*why = "malformed multipart part headers";
			return E_INVALID;
		}
		char *name, *filename, *ctype;
		enum err rc = part_headers(a, body + pos, hlen, &name, &filename, &ctype, why);
		if (rc != E_OK)
			return rc;
		size_t dstart = (size_t)(hend - body) + 4;
		const char *dend = memmem(body + dstart, len - dstart, delim, dlen);
		if (dend == NULL) {
			*why = "multipart body not terminated";
			return E_INVALID;
		}
		size_t datalen = (size_t)(dend - body) - dstart;
		if (filename != NULL) {
			if (nout == HTTP_MAX_FILES) {
				*why = "too many files";
				return E_INVALID;
			}
			const char *base = base_name(filename);
			if (strlen(base) > MULTIPART_MAX_FILENAME ||
			    !str_utf8_valid(base, strlen(base))) {
				*why = "bad file name";
				return E_INVALID;
			}
			out[nout++] = (struct upload){
				.field = name,
				.filename = base,
				.content_type = ctype != NULL ? ctype : "application/octet-stream",
				.data = body + dstart,
				.len = datalen,
			};
		} else {
			if (fields->n >= HTTP_MAX_FIELDS) {
				*why = "too many fields";
				return E_INVALID;
			}
			if (datalen > HTTP_MAX_FIELD_VALUE) {
				*why = "field too long";
				return E_INVALID;
			}
			if (!str_utf8_valid(body + dstart, datalen)) {
				*why = "invalid UTF-8 or NUL byte in a field";
				return E_INVALID;
			}
			kvlist_add(a, fields, name, arena_strndup(a, body + dstart, datalen),
				   datalen);
		}
		pos = (size_t)(dend - body) + dlen;
	}
	*files = out;
	*nfiles = nout;
	return E_OK;
}
