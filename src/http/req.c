/*
 * req.c - building and reading struct req; see req.h.
 *
 * Parsing here is strict on purpose: a target or body that is not valid
 * UTF-8, holds a NUL byte, or breaks a limit is refused as a whole with a
 * reason, instead of being repaired.
 */
#include "http/req.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "http/multipart.h"
#include "http/router.h"
#include "util/log.h"
#include "util/str.h"

void kvlist_add(struct arena *a, struct kvlist *l, const char *name, const char *value, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct kv *items = arena_alloc(a, cap * sizeof *items);
		if (l->n > 0)
			memcpy(items, l->items, l->n * sizeof *items);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = (struct kv){name, value, len};
}

const char *kvlist_get(const struct kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return l->items[i].value;
	return NULL;
}

const char *req_query(const struct req *r, const char *name)
{
	return kvlist_get(&r->query, name);
}

const char *req_form(const struct req *r, const char *name)
{
	return kvlist_get(&r->form, name);
}

const char *req_header(const struct req *r, const char *name)
{
	return kvlist_get(&r->headers, name);
}

const char *req_cookie(const struct req *r, const char *name)
{
	return kvlist_get(&r->cookies, name);
}

const char *req_param(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

enum http_method http_method_parse(const char *s)
{
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {
		{"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},	  {"POST", HTTP_POST},
		{"PUT", HTTP_PUT},     {"PATCH", HTTP_PATCH},	  {"DELETE", HTTP_DELETE},
		{"OPTIONS", HTTP_OPTIONS},
	};
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].m;
	return HTTP_OTHER;
}

/* Splits "a=b; c=d" into r->cookies; malformed pairs are skipped because
 * browsers send cookies set by other software on the same host. */
static void parse_cookies(struct req *r, const char *header)
{
	const char *p = header;
	while (*p != '\0' && r->cookies.n < HTTP_MAX_COOKIES) {
		p += strspn(p, " ;");
		size_t n = strcspn(p, ";");
		const char *eq = memchr(p, '=', n);
		if (eq != NULL && eq > p) {
			const char *v = eq + 1;
			size_t vlen = n - (size_t)(v - p);
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			size_t nlen = (size_t)(eq - p);
			while (nlen > 0 && p[nlen - 1] == ' ')
				nlen--;
			if (str_utf8_valid(p, nlen) && str_utf8_valid(v, vlen))
				kvlist_add(r->arena, &r->cookies, arena_strndup(r->arena, p, nlen),
					   arena_strndup(r->arena, v, vlen), vlen);
		}
		p += n;
	}
}

/* Parses the q-value of one list entry ("en;q=0.8" -> 0.8); 1 when absent. */
static double qvalue(const char *params, size_t len)
{
	const char *q = NULL;
	for (size_t i = 0; i + 1 < len; i++) {
		if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=' &&
		    (i == 0 || params[i - 1] == ';' || params[i - 1] == ' ')) {
			q = params + i + 2;
			break;
		}
	}
	if (q == NULL)
		return 1.0;
	char tmp[8] = {0};
	size_t n = strcspn(q, ";, ");
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, q, n);
	char *end;
	double v = strtod(tmp, &end);
	if (end == tmp || v < 0 || v > 1)
		return 0;
	return v;
}

const char *req_negotiate_lang(const char *cookie, const char *accept_language, bool *from_cookie)
{
	*from_cookie = false;
	if (cookie != NULL && (strcmp(cookie, "sv") == 0 || strcmp(cookie, "en") == 0)) {
		*from_cookie = true;
		return strcmp(cookie, "sv") == 0 ? "sv" : "en";
	}
	if (accept_language == NULL)
		return "sv";
	double best_q = 0;
	const char *best = "sv";
	const char *p = accept_language;
	while (*p != '\0') {
		p += strspn(p, " ,");
		size_t n = strcspn(p, ",");
		size_t tag = strcspn(p, ";-_, ");
		if (tag > n)
			tag = n;
		const char *lang = NULL;
		if (tag == 2 && strncasecmp(p, "sv", 2) == 0)
			lang = "sv";
		else if (tag == 2 && strncasecmp(p, "en", 2) == 0)
			lang = "en";
		if (lang != NULL) {
			double q = qvalue(p + tag, n - tag);
			if (q > best_q) {
				best_q = q;
				best = lang;
			}
		}
		p += n;
	}
	return best;
}

bool req_accept_json(const char *accept)
{
	if (accept == NULL)
		return false;
	double q_json = 0, q_html = 0;
	bool json_explicit = false, html_explicit = false;
	const char *p = accept;
	while (*p != '\0') {
		p += strspn(p, " ,");
		size_t n = strcspn(p, ",");
		size_t type = strcspn(p, "; ,");
		if (type > n)
			type = n;
		double q = qvalue(p + type, n - type);
		if (type == 16 && strncasecmp(p, "application/json", 16) == 0) {
			q_json = q;
			json_explicit = true;
		} else if (type == 9 && strncasecmp(p, "text/html", 9) == 0) {
			q_html = q;
			html_explicit = true;
		} else if (!html_explicit && ((type == 3 && strncmp(p, "*/*", 3) == 0) ||
					      (type == 6 && strncasecmp(p, "text/*", 6) == 0))) {
			if (q > q_html)
				q_html = q;
		}
		p += n;
	}
	if (!json_explicit || q_json <= 0)
		return false;
	if (q_json > q_html)
		return true;
	return q_json == q_html && !html_explicit;
}

enum err req_parse_head(struct req *r, const char **why)
{
	/* Language and format first: an error about the target must still be
	 * answered in the reader's language and format. */
	const char *cookie = req_header(r, "cookie");
	if (cookie != NULL)
		parse_cookies(r, cookie);
	r->lang = req_negotiate_lang(req_cookie(r, "lang"), req_header(r, "accept-language"),
				     &r->lang_from_cookie);
	r->wants_json = req_accept_json(req_header(r, "accept"));

	const char *t = r->target;
	size_t tlen = strlen(t);
	if (tlen > HTTP_MAX_TARGET) {
		*why = "request target too long";
		return E_URI_TOOLONG;
	}
	if (t[0] != '/') {
		*why = "request target must start with /";
		return E_INVALID;
	}
	const char *qmark = strchr(t, '?');
	size_t plen = qmark != NULL ? (size_t)(qmark - t) : tlen;
	const char *frag = memchr(t, '#', tlen);
	if (frag != NULL) {
		*why = "fragment in request target";
		return E_INVALID;
	}
	char *path;
	size_t dlen;
	enum err rc = form_decode(r->arena, t, plen, false, &path, &dlen, why);
	if (rc != E_OK)
		return rc;
	r->path = path;
	r->query_string = qmark != NULL ? qmark + 1 : "";
	rc = form_parse_urlencoded(r->arena, r->query_string, strlen(r->query_string), &r->query, why);
	if (rc != E_OK)
		return rc;

	return E_OK;
}

enum err req_parse_body(struct req *r, const char **why)
{
	if (r->body == NULL || r->body_len == 0)
		return E_OK;
	const char *ct = req_header(r, "content-type");
	if (ct == NULL)
		return E_OK;
	size_t type = strcspn(ct, "; ");
	if (type == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return form_parse_urlencoded(r->arena, r->body, r->body_len, &r->form, why);
	if (type == 19 && strncasecmp(ct, "multipart/form-data", 19) == 0)
		return multipart_parse(r->arena, ct, r->body, r->body_len, &r->form, &r->files,
				       &r->nfiles, why);
	return E_OK;
}

struct req *req_new_test(const char *method, const char *target, const char *const *headers)
{
	struct arena *a = arena_new();
	struct req *r = arena_zalloc(a, sizeof *r);
	r->arena = a;
	r->method_name = arena_strdup(a, method);
	r->method = http_method_parse(method);
	r->target = arena_strdup(a, target);
	r->request_id = "test";
	r->client_addr = "127.0.0.1";
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		const char *colon = strchr(headers[i], ':');
		if (colon == NULL)
			continue;
		char *name = arena_strndup(a, headers[i], (size_t)(colon - headers[i]));
		for (char *p = name; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		const char *value = colon + 1 + strspn(colon + 1, " ");
		kvlist_add(a, &r->headers, name, arena_strdup(a, value), strlen(value));
	}
	const char *why = NULL;
	if (req_parse_head(r, &why) != E_OK) {
		log_error("req_new_test: bad target %s: %s", target, why);
		abort();
	}
	return r;
}

/* Whether addr is one of the comma-separated addresses of list. */
static bool in_list(const char *list, const char *addr, size_t len)
{
	for (const char *p = list; p != NULL && *p != '\0';) {
		p += strspn(p, " ,");
		size_t n = strcspn(p, " ,");
		if (n > 0 && n == len && strncmp(p, addr, len) == 0)
			return true;
		p += n;
	}
	return false;
}

/*
 * The client behind a trusted reverse proxy: the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy (the left-most ones
 * are whatever the client claimed).  NULL when there is none.
 */
static const char *forwarded_for(struct req *r, const char *trusted)
{
	const char *xff = req_header(r, "x-forwarded-for");
	if (xff == NULL)
		return NULL;
	const char *end = xff + strlen(xff);
	while (end > xff) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		const char *a = start, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a && (size_t)(b - a) < INET6_ADDRSTRLEN && !in_list(trusted, a, (size_t)(b - a)))
			return arena_strndup(r->arena, a, (size_t)(b - a));
		end = start > xff ? start - 1 : xff;
	}
	return NULL;
}

const char *req_client_behind_proxy(struct req *r, const char *peer, const char *trusted)
{
	if (trusted != NULL && in_list(trusted, peer, strlen(peer))) {
		const char *client = forwarded_for(r, trusted);
		if (client != NULL)
			return client;
	}
	return arena_strdup(r->arena, peer);
}

const char *req_log_path(const struct req *r, size_t *len)
{
	for (size_t i = 0; r->route != NULL && i < r->nparams; i++)
		if (strcmp(r->param_names[i], "token") == 0) {
			*len = strlen(r->route->pattern);
			return r->route->pattern;
		}
	const char *t = r->target != NULL ? r->target : "-";
	size_t n = strcspn(t, "?");
	*len = n > 512 ? 512 : n;
	return t;
}
