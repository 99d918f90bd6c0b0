/*
 * test_server.c - the real server on an ephemeral port, driven over HTTP
 * with libcurl: negotiation, security headers, limits and bad input, static
 * files, health and metrics, graceful shutdown, and the command line's
 * failures (port in use, bad database, old schema, missing data).
 *
 * Runs on the backend NATVERK_TEST_DB names, like the other database tests.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "sink.h"
#include "auth/password.h"
#include "db/q_people.h"
#include "util/str.h"
#include "util/timefmt.h"
#include <ctype.h>
#include <time.h>
#include "util/buf.h"
#include <jansson.h>

extern char **environ;

struct server {
	pid_t pid;	  /* the natverk process */
	int out;	  /* its stdout */
	int port;	  /* port it listens on */
	char url[64];	  /* http://127.0.0.1:port */
};

/* Runs natverk with args; captures stdout and stderr into *out (malloc'ed)
 * and returns the exit status. */
static int run(char *const argv[], char **out)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, NATVERK_BIN, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	struct buf b;
	buf_init(&b, 0);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	*out = buf_steal(&b, NULL);
	if (*out == NULL)
		*out = strdup("");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void start(struct server *s, const char *db_url)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = {"natverk", "serve", "--db", (char *)db_url, "--listen", "127.0.0.1:0",
			"--threads", "2", "--no-access-log", NULL};
	cr_assert_eq(posix_spawn(&s->pid, NATVERK_BIN, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	s->out = fds[0];
	/* One byte at a time: what follows the first line is read by server_line. */
	char line[512];
	size_t used = 0;
	struct pollfd p = {s->out, POLLIN, 0};
	while (used < sizeof line - 1) {
		cr_assert_gt(poll(&p, 1, 10000), 0, "the server did not start within 10 s");
		char c;
		ssize_t n = read(s->out, &c, 1);
		cr_assert_eq(n, 1, "the server exited: %.*s", (int)used, line);
		if (c == '\n')
			break;
		line[used++] = c;
	}
	line[used] = '\0';
	const char *at = strstr(line, "127.0.0.1:");
	cr_assert_not_null(at, "unexpected first line: %s", line);
	s->port = (int)strtol(at + 10, NULL, 10);
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
}

/* Sends SIGTERM and returns the exit status. */
static int stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	int status;
	waitpid(s->pid, &status, 0);
	close(s->out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static struct server srv;

static void up(void)
{
	struct db *db = test_db_reference();
	db_close(db);
	start(&srv, test_db_url());
}

static void down(void)
{
	if (srv.pid > 0)
		cr_expect_eq(stop(&srv), 0, "a clean exit on SIGTERM");
}

struct reply {
	long status;	    /* HTTP status */
	struct buf body;    /* body */
	struct buf headers; /* raw header lines */
};

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(ctx, p, size * n);
	return size * n;
}

/* One request; headers is a NULL-terminated list; body may be NULL. */
static void request(struct reply *r, const char *method, const char *path,
		    const char *const *headers, const char *body, size_t body_len)
{
	CURL *c = curl_easy_init();
	char url[8192];
	snprintf(url, sizeof url, "%s%s", srv.url, path);
	buf_init(&r->body, 0);
	buf_init(&r->headers, 0);
	struct curl_slist *h = NULL;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		h = curl_slist_append(h, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	CURLcode rc = curl_easy_perform(c);
	cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void reply_free(struct reply *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

static bool has_header(const struct reply *r, const char *line)
{
	return strcasestr(buf_str(&r->headers), line) != NULL;
}

TestSuite(server, .init = up, .fini = down, .timeout = 60);

Test(server, pages_json_and_security_headers)
{
	struct reply r;
	request(&r, "GET", "/organisations", NULL, NULL, 0);
	cr_expect_eq(r.status, 200);
	cr_expect(has_header(&r, "Content-Type: text/html; charset=utf-8"));
	cr_expect(has_header(&r, "Content-Security-Policy: default-src 'self'; script-src 'self'"));
	cr_expect(has_header(&r, "frame-ancestors 'none'"));
	cr_expect(has_header(&r, "X-Content-Type-Options: nosniff"));
	cr_expect(has_header(&r, "Referrer-Policy: same-origin"));
	cr_expect(has_header(&r, "X-Request-Id: "));
	cr_expect_not_null(strstr(buf_str(&r.body), "<html lang=\"sv\">"), "Swedish by default");
	reply_free(&r);

	const char *json[] = {"Accept: application/json", NULL};
	request(&r, "GET", "/organisations?kind=municipality", json, NULL, 0);
	cr_expect_eq(r.status, 200);
	cr_expect(has_header(&r, "Content-Type: application/json"));
	json_t *j = json_loads(buf_str(&r.body), 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), 290);
	json_decref(j);
	reply_free(&r);

	const char *en[] = {"Accept-Language: en-GB,en;q=0.8", NULL};
	request(&r, "GET", "/countries", en, NULL, 0);
	cr_expect_not_null(strstr(buf_str(&r.body), "<html lang=\"en\">"));
	reply_free(&r);
}

Test(server, language_switch_sets_a_cookie)
{
	struct reply r;
	request(&r, "GET", "/language/en?next=%2Forganisations%3Fq%3Dlund", NULL, NULL, 0);
	cr_expect_eq(r.status, 303);
	cr_expect(has_header(&r, "Location: /organisations?q=lund"));
	cr_expect(has_header(&r, "Set-Cookie: lang=en; Path=/"));
	reply_free(&r);
	request(&r, "GET", "/language/sv?next=%2F%2Fevil.example", NULL, NULL, 0);
	cr_expect(has_header(&r, "Location: /\r\n"), "no open redirect");
	reply_free(&r);
	const char *cookie[] = {"Cookie: lang=en", "Accept-Language: sv", NULL};
	request(&r, "GET", "/", cookie, NULL, 0);
	cr_expect_not_null(strstr(buf_str(&r.body), "<html lang=\"en\">"), "the cookie wins");
	reply_free(&r);
}

Test(server, bad_input_is_4xx_and_the_server_keeps_serving)
{
	static const struct {
		const char *method;
		const char *path;
		long status;
	} cases[] = {
		{"GET", "/organisations?page=-1", 400},
		{"GET", "/organisations?per_page=100000", 400},
		{"GET", "/organisations?kind=xyz", 400},
		{"GET", "/organisations?sort=evil", 400},
		{"GET", "/organisations?q=%ff%fe", 400},
		{"GET", "/organisations?q=a%00b", 400},
		{"GET", "/organisations?q=%zz", 400},
		{"GET", "/nowhere", 404},
		{"GET", "/organisations/0", 404},
		{"DELETE", "/organisations", 405},
		{"POST", "/organisations", 405},
		{"BREW", "/organisations", 405},
		{"GET", "/csp-report", 405},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct reply r;
		request(&r, cases[i].method, cases[i].path, NULL, NULL, 0);
		cr_expect_eq(r.status, cases[i].status, "%s %s -> %ld", cases[i].method, cases[i].path,
			     r.status);
		if (r.status == 405)
			cr_expect(has_header(&r, "Allow: "), "405 says what is allowed");
		reply_free(&r);
	}
	/* An over-long target, oversized headers, too many fields. */
	char path[6000] = "/organisations?q=";
	memset(path + strlen(path), 'a', 5000);
	path[5017] = '\0';
	struct reply r;
	request(&r, "GET", path, NULL, NULL, 0);
	cr_expect_eq(r.status, 414);
	reply_free(&r);

	static char big[40000];
	memset(big, 'x', sizeof big - 1);
	memcpy(big, "X-Big: ", 7);
	const char *h[] = {big, NULL};
	request(&r, "GET", "/", h, NULL, 0);
	cr_expect(r.status == 431 || r.status == 413 || r.status == 400, "huge header -> %ld", r.status);
	reply_free(&r);

	char many[4000] = "/organisations?";
	for (int i = 0; i < 150; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "f%d=1&", i);
	request(&r, "GET", many, NULL, NULL, 0);
	cr_expect_eq(r.status, 400);
	reply_free(&r);

	request(&r, "GET", "/organisations?q=lund", NULL, NULL, 0);
	cr_expect_eq(r.status, 200, "still serving after all that");
	reply_free(&r);
}

Test(server, bad_requests_in_both_formats_and_languages)
{
	struct reply r;
	const char *json[] = {"Accept: application/json", "Accept-Language: en", NULL};
	request(&r, "GET", "/organisations?q=%ff", json, NULL, 0);
	cr_expect_eq(r.status, 400);
	cr_expect_not_null(strstr(buf_str(&r.body), "\"code\":\"invalid\""));
	reply_free(&r);
	request(&r, "GET", "/nowhere", json, NULL, 0);
	cr_expect_not_null(strstr(buf_str(&r.body), "\"code\":\"not_found\""));
	reply_free(&r);
	const char *en[] = {"Accept-Language: en", NULL};
	request(&r, "GET", "/nowhere", en, NULL, 0);
	cr_expect_not_null(strstr(buf_str(&r.body), "Page not found"));
	reply_free(&r);
	request(&r, "GET", "/nowhere", NULL, NULL, 0);
	cr_expect_not_null(strstr(buf_str(&r.body), "Sidan finns inte"));
	reply_free(&r);
}

Test(server, body_limits)
{
	static char body[(8 * 1024) * 2];
	memset(body, ' ', sizeof body);
	const char *ct[] = {"Content-Type: application/csp-report", NULL};
	struct reply r;
	request(&r, "POST", "/csp-report", ct, body, sizeof body);
	cr_expect_eq(r.status, 413);
	reply_free(&r);
	const char *ok = "{\"csp-report\":{\"violated-directive\":\"script-src\",\"blocked-uri\":\"inline\"}}";
	request(&r, "POST", "/csp-report", ct, ok, strlen(ok));
	cr_expect_eq(r.status, 204);
	reply_free(&r);
	request(&r, "POST", "/csp-report", ct, "not json", 8);
	cr_expect_eq(r.status, 400);
	reply_free(&r);
}

Test(server, static_files_revalidate)
{
	struct reply r;
	request(&r, "GET", "/static/css/app.css", NULL, NULL, 0);
	cr_assert_eq(r.status, 200);
	cr_expect(has_header(&r, "Content-Type: text/css"));
	cr_expect(has_header(&r, "Cache-Control: public"));
	const char *etag = strcasestr(buf_str(&r.headers), "ETag: ");
	cr_assert_not_null(etag);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %.*s", (int)strcspn(etag + 6, "\r\n"), etag + 6);
	reply_free(&r);
	const char *h[] = {inm, NULL};
	request(&r, "GET", "/static/css/app.css", h, NULL, 0);
	cr_expect_eq(r.status, 304);
	reply_free(&r);
	request(&r, "GET", "/static/../meson.build", NULL, NULL, 0);
	cr_expect_eq(r.status, 404);
	reply_free(&r);
}

Test(server, health_and_metrics)
{
	struct reply r;
	request(&r, "GET", "/healthz", NULL, NULL, 0);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(buf_str(&r.body), "{\"status\":\"ok\"}");
	reply_free(&r);
	request(&r, "GET", "/organisations", NULL, NULL, 0);
	reply_free(&r);
	request(&r, "GET", "/nowhere", NULL, NULL, 0);
	reply_free(&r);
	request(&r, "GET", "/metrics", NULL, NULL, 0);
	const char *m = buf_str(&r.body);
	cr_expect_not_null(strstr(m, "natverk_http_requests_total{route=\"organisations_index\",status=\"200\"}"));
	cr_expect_not_null(strstr(m, "natverk_http_requests_total{route=\"unmatched\",status=\"404\"}"));
	cr_expect_not_null(strstr(m, "natverk_http_request_duration_seconds_bucket{route=\"organisations_index\",le=\"+Inf\"}"));
	reply_free(&r);
}

Test(server, keep_alive)
{
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof url, "%s/organisations", srv.url);
	struct buf body;
	buf_init(&body, 0);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	long connects = -1;
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(curl_easy_perform(c), CURLE_OK);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
	}
	cr_expect_eq(connects, 0, "the last request reused the connection");
	buf_free(&body);
	curl_easy_cleanup(c);
}

/* A request whose body is still arriving when SIGTERM comes is finished. */
Test(server, graceful_shutdown_finishes_requests_in_flight)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	const char *body = "{\"csp-report\":{\"violated-directive\":\"img-src\"}}";
	char head[256];
	snprintf(head, sizeof head,
		 "POST /csp-report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\n\r\n",
		 strlen(body));
	cr_assert_eq(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	cr_assert_eq(write(fd, body, 10), 10);
	usleep(200 * 1000);
	kill(srv.pid, SIGTERM);
	usleep(200 * 1000);
	cr_assert_eq(write(fd, body + 10, strlen(body) - 10), (ssize_t)(strlen(body) - 10));
	char answer[512] = "";
	ssize_t n = read(fd, answer, sizeof answer - 1);
	cr_assert_gt(n, 0);
	answer[n] = '\0';
	cr_expect(strncmp(answer, "HTTP/1.1 204", 12) == 0, "answered: %.40s", answer);
	close(fd);
	int status;
	waitpid(srv.pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(srv.out);
	srv.pid = 0;
}

/* The command line: clear one-line errors and non-zero exits. */
Test(cli, failures_are_clear)
{
	char *out;
	char *help[] = {"natverk", "--help", NULL};
	cr_expect_eq(run(help, &out), 0);
	cr_expect_not_null(strstr(out, "NATVERK_DB"));
	free(out);
	char *shelp[] = {"natverk", "serve", "--help", NULL};
	cr_expect_eq(run(shelp, &out), 0);
	cr_expect_not_null(strstr(out, "--listen"));
	free(out);

	char *badcmd[] = {"natverk", "frobnicate", NULL};
	cr_expect_eq(run(badcmd, &out), 2);
	cr_expect_not_null(strstr(out, "unknown command 'frobnicate'"));
	free(out);

	char *baddb[] = {"natverk", "serve", "--db", "postgres://nobody:secret@127.0.0.1:1/none", NULL};
	cr_expect_eq(run(baddb, &out), 1);
	cr_expect_not_null(strstr(out, "natverk: cannot open database"));
	cr_expect_null(strstr(out, "secret"), "no password in messages: %s", out);
	free(out);

	char missing[600];
	snprintf(missing, sizeof missing, "%s/none.db", test_tmpdir());
	char *nofile[] = {"natverk", "serve", "--db", missing, NULL};
	cr_expect_eq(run(nofile, &out), 1);
	cr_expect_not_null(strstr(out, "does not exist"));
	free(out);

	/* A database without migrations is refused by serve and import. */
	char fresh[600];
	snprintf(fresh, sizeof fresh, "%s/fresh.db", test_tmpdir());
	FILE *f = fopen(fresh, "w");
	fclose(f);
	char *old[] = {"natverk", "serve", "--db", fresh, NULL};
	cr_expect_eq(run(old, &out), 1);
	cr_expect_not_null(strstr(out, "run `natverk migrate`"), "%s", out);
	free(out);

	char *mig[] = {"natverk", "migrate", "--db", fresh, NULL};
	cr_expect_eq(run(mig, &out), 0);
	free(out);
	/* A root with the migrations but without the data files. */
	char root[600], link[700];
	snprintf(root, sizeof root, "%s", test_tmpdir());
	snprintf(link, sizeof link, "%s/migrations", root);
	cr_assert_eq(symlink(test_path("migrations"), link), 0);
	char *imp_bad[] = {"natverk", "import", "--db", fresh, "--root", root, NULL};
	cr_expect_eq(run(imp_bad, &out), 1);
	cr_expect_not_null(strstr(out, "cannot read"), "%s", out);
	cr_expect_not_null(strstr(out, "nothing was changed"));
	free(out);

	char *threads[] = {"natverk", "serve", "--threads", "0", NULL};
	cr_expect_eq(run(threads, &out), 2);
	free(out);
}

Test(cli, port_in_use)
{
	struct db *db = test_db_reference();
	db_close(db);
	struct server first;
	start(&first, test_db_url());
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", first.port);
	char *argv[] = {"natverk", "serve", "--db", (char *)test_db_url(), "--listen", listen, NULL};
	char *out;
	cr_expect_eq(run(argv, &out), 1);
	cr_expect_not_null(strstr(out, "already in use"), "%s", out);
	free(out);
	cr_expect_eq(stop(&first), 0);
}

/* ---- accounts against the real server ---- */

/* A browser: one curl handle with its own cookie jar. */
struct browser {
	CURL *c;	   /* keeps cookies between requests */
	long status;	   /* of the last request */
	struct buf body;   /* of the last request */
	char base[64];	   /* http://127.0.0.1:port */
};

static void browser_open(struct browser *b, const struct server *s)
{
	b->c = curl_easy_init();
	curl_easy_setopt(b->c, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(b->c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(b->c, CURLOPT_WRITEDATA, &b->body);
	curl_easy_setopt(b->c, CURLOPT_TIMEOUT, 20L);
	buf_init(&b->body, 0);
	snprintf(b->base, sizeof b->base, "%s", s->url);
}

/* Moves the browser to another server, keeping its cookies (same host). */
static void browser_use(struct browser *b, const struct server *s)
{
	snprintf(b->base, sizeof b->base, "%s", s->url);
}

static void browser_close(struct browser *b)
{
	curl_easy_cleanup(b->c);
	buf_free(&b->body);
}

/* GET path, or POST form (urlencoded) to it when form is not NULL. */
static void browse(struct browser *b, const char *path, const char *form)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", str_starts_with(path, "http") ? "" : b->base, path);
	buf_reset(&b->body);
	curl_easy_setopt(b->c, CURLOPT_URL, url);
	if (form != NULL) {
		curl_easy_setopt(b->c, CURLOPT_POSTFIELDS, form);
	} else {
		curl_easy_setopt(b->c, CURLOPT_HTTPGET, 1L);
	}
	CURLcode rc = curl_easy_perform(b->c);
	cr_assert_eq(rc, CURLE_OK, "%s: %s", url, curl_easy_strerror(rc));
	curl_easy_getinfo(b->c, CURLINFO_RESPONSE_CODE, &b->status);
}

/* The form token on the last page. */
static const char *page_csrf(const struct browser *b)
{
	static char token[128];
	const char *at = strstr(buf_str(&b->body), "name=\"_csrf\" value=\"");
	cr_assert_not_null(at, "no form token on the page: %.300s", buf_str(&b->body));
	at += strlen("name=\"_csrf\" value=\"");
	snprintf(token, sizeof token, "%.*s", (int)strcspn(at, "\""), at);
	return token;
}

/* A person with a password (and optionally the administrator role). */
static void make_person(const char *email, const char *password, bool admin)
{
	struct db *db;
	char err[DB_ERRLEN];
	cr_assert_eq(db_open(test_db_url(), &db, err, sizeof err), E_OK, "%s", err);
	char hash[PASSWORD_HASH_MAX];
	cr_assert_eq(password_hash(password, hash), E_OK);
	struct person p = {.email = email, .name = "Tove Test", .lang = "sv", .password_hash = hash,
			   .active = true, .pseudonym = email};
	int64_t id;
	char now[TIMEFMT_LEN];
	timefmt_iso(time(NULL), now);
	cr_assert_eq(db_person_insert(db, &p, now, &id), E_OK, "%s", db_errmsg(db));
	if (admin)
		cr_assert_eq(db_role_grant(db, id, "administrator", now), E_OK);
	db_close(db);
}

static void sign_in_browser(struct browser *b, const char *email, const char *password)
{
	browse(b, "/signin", NULL);
	cr_assert_eq(b->status, 200);
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&email=%s&password=%s&next=%%2Fprofile", page_csrf(b),
		 email, password);
	browse(b, "/signin", form);
	cr_assert_eq(b->status, 303, "sign-in: %.300s", buf_str(&b->body));
}

/* Reads one more line of the server's standard output. */
static const char *server_line(struct server *s)
{
	static char line[1024];
	size_t used = 0;
	struct pollfd p = {s->out, POLLIN, 0};
	while (used < sizeof line - 1) {
		cr_assert_gt(poll(&p, 1, 5000), 0, "no further output from the server");
		char c;
		cr_assert_eq(read(s->out, &c, 1), 1);
		if (c == '\n')
			break;
		line[used++] = c;
	}
	line[used] = '\0';
	return line;
}

Test(accounts_live, first_administrator_link_and_user_add)
{
	struct db *db = test_db_reference();
	db_close(db);
	struct server s;
	start(&s, test_db_url());
	cr_expect_not_null(strstr(server_line(&s), "No administrator yet"));
	const char *url = server_line(&s);
	cr_assert_not_null(strstr(url, "/setup/"), "%s", url);
	struct browser b;
	browser_open(&b, &s);
	browse(&b, url, NULL);
	cr_expect_eq(b.status, 200);
	cr_expect_not_null(strstr(buf_str(&b.body), "Kom igång med natverk"));

	char *argv[] = {"natverk", "user", "add", "--admin", "--db", (char *)test_db_url(),
			"--base-url", s.url, "Boss@Example.org", NULL};
	char *out;
	cr_assert_eq(run(argv, &out), 0, "%s", out);
	const char *link = strstr(out, s.url);
	cr_assert_not_null(link, "%s", out);
	char path[256];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(link, "\n"), link);
	free(out);
	browse(&b, path, NULL);
	cr_expect_eq(b.status, 200, "the set-password link works");
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&password=a+boss+of+a+password&password_again=a+boss+of+a+password",
		 page_csrf(&b));
	browse(&b, path, form);
	cr_expect_eq(b.status, 303);
	browse(&b, "/admin/people", NULL);
	cr_expect_eq(b.status, 200, "the new administrator is signed in");
	/* Once an administrator exists, the setup link no longer works. */
	browse(&b, url, NULL);
	cr_expect_eq(b.status, 410);
	browser_close(&b);
	cr_expect_eq(stop(&s), 0);
}

Test(accounts_live, two_app_servers_share_sessions)
{
	struct db *db = test_db_reference();
	db_close(db);
	make_person("tove@example.org", "tove has a long password", false);
	struct server one, two;
	start(&one, test_db_url());
	start(&two, test_db_url());
	struct browser b;
	browser_open(&b, &one);
	sign_in_browser(&b, "tove%40example.org", "tove+has+a+long+password");
	browser_use(&b, &two);
	browse(&b, "/profile", NULL);
	cr_expect_eq(b.status, 200, "the other server knows the session");
	cr_expect_not_null(strstr(buf_str(&b.body), "Tove Test"));
	/* Signing out on one ends the session on both. */
	char form[128];
	snprintf(form, sizeof form, "_csrf=%s", page_csrf(&b));
	browse(&b, "/signout", form);
	cr_expect_eq(b.status, 303);
	browser_use(&b, &one);
	curl_easy_setopt(b.c, CURLOPT_FOLLOWLOCATION, 0L);
	browse(&b, "/profile", NULL);
	cr_expect_eq(b.status, 302);
	browser_close(&b);
	cr_expect_eq(stop(&one), 0);
	cr_expect_eq(stop(&two), 0);
}

/* Undoes quoted-printable soft breaks and =XX escapes, in place. */
static void qp_decode(char *s)
{
	char *o = s;
	for (char *p = s; *p != '\0'; p++) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 2;
		} else if (p[0] == '=' && p[1] == '\n') {
			p += 1;
		} else if (p[0] == '=' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

Test(accounts_live, invitation_mail_over_smtp_in_the_invitees_language)
{
	sink_start(false);
	struct db *db = test_db_reference();
	db_close(db);
	make_person("chef@example.org", "the chef knows best", true);
	setenv("NATVERK_SMTP_URL", sink.url, 1);
	setenv("NATVERK_MAIL_FROM", "natverk <no-reply@natverk.test>", 1);
	struct server s;
	start(&s, test_db_url());
	struct browser b;
	browser_open(&b, &s);
	sign_in_browser(&b, "chef%40example.org", "the+chef+knows+best");
	static const struct {
		const char *lang;
		const char *subject;
		const char *greeting;
	} cases[] = {
		{"en", "Subject: Invitation to natverk", "Hello Nina,"},
		{"sv", "Subject: Inbjudan till natverk", "Hej Nina!"},
	};
	for (size_t i = 0; i < 2; i++) {
		browse(&b, "/admin/invitations", NULL);
		cr_assert_eq(b.status, 200);
		char form[512];
		snprintf(form, sizeof form,
			 "_csrf=%s&email=nina%zu%%40example.org&name=Nina&grant=g%%3Afinance_officer&lang=%s",
			 page_csrf(&b), i, cases[i].lang);
		browse(&b, "/admin/invitations", form);
		cr_assert_eq(b.status, 303, "%.300s", buf_str(&b.body));
		char *mail = sink_file((int)i + 1, "eml");
		cr_expect_not_null(strstr(mail, cases[i].subject), "%.400s", mail);
		qp_decode(mail);
		cr_expect_not_null(strstr(mail, cases[i].greeting), "%s", mail);
		const char *link = strstr(mail, s.url);
		cr_assert_not_null(link, "no link to %s in %s", s.url, mail);
		char url[256];
		snprintf(url, sizeof url, "%.*s", (int)strcspn(link, "\r\n "), link);
		free(mail);
		struct browser invitee;
		browser_open(&invitee, &s);
		browse(&invitee, url, NULL);
		cr_expect_eq(invitee.status, 200, "the link works");
		/* The invitee's browser has no language set: the page is Swedish. */
		cr_expect_not_null(strstr(buf_str(&invitee.body), "Du är inbjuden till natverk"));
		browser_close(&invitee);
	}
	browser_close(&b);
	cr_expect_eq(stop(&s), 0);
	sink_stop();
}
