/*
 * server.c - libmicrohttpd glue; see server.h.
 *
 * One struct exchange per request, created by the URI-log callback (which
 * also gives us the raw request target, before libmicrohttpd decodes it) and
 * freed by the completion callback, which also writes the access log.
 *
 * The access handler is called several times per request.  On the first
 * call we only parse the head and choose the route; the response is queued
 * on a later call, because libmicrohttpd 0.9.75 closes the connection when a
 * response is queued on the first call (keep-alive would be lost: 3.5-4x
 * fewer requests per second).  Body bytes are collected under the route's
 * limit; going over it answers 413 at once.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/metrics.h"
#include "util/log.h"
#include "util/str.h"

struct server {
	struct MHD_Daemon *daemon;    /* libmicrohttpd */
	const struct config *cfg;     /* borrowed */
	const struct server_app *app; /* borrowed */
	int listen_fd;		      /* our listening socket */
	int port;		      /* bound port */
	atomic_int in_flight;	      /* requests between head and completion */
	atomic_bool stopping;	      /* shutdown started: answer with Connection: close */
	atomic_ullong next_id;	      /* request counter for request ids */
	char id_prefix[13];	      /* random per process, for request ids */
};

enum phase {
	PHASE_NEW,     /* URI seen, access handler not called yet */
	PHASE_BODY,    /* head parsed, reading the body */
	PHASE_READY,   /* response decided (error found early), queue it */
	PHASE_QUEUED,  /* response queued */
};

struct exchange {
	struct server *srv;	    /* owner */
	struct arena *arena;	    /* the request's memory */
	struct req *req;	    /* parsed request */
	struct resp resp;	    /* response being built */
	enum phase phase;	    /* where we are */
	struct buf body;	    /* body bytes so far */
	size_t body_limit;	    /* route's limit */
	int route_index;	    /* index in the route table, -1 when none */
	struct timespec start;	    /* for latency */
	int status;		    /* status sent */
	size_t bytes;		    /* body bytes sent */
	size_t received;	    /* body bytes received, kept or not */
	bool counted;		    /* in_flight was incremented */
};

static const char *const security_headers[][2] = {
	{"Content-Security-Policy",
	 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	 "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
	 "report-uri /csp-report"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Called by libmicrohttpd with the raw target before anything else. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct arena *a = arena_new();
	struct exchange *ex = arena_zalloc(a, sizeof *ex);
	ex->srv = srv;
	ex->arena = a;
	ex->route_index = -1;
	clock_gettime(CLOCK_MONOTONIC, &ex->start);
	resp_init(&ex->resp);
	buf_init(&ex->body, 0);
	struct req *r = arena_zalloc(a, sizeof *r);
	r->arena = a;
	r->target = arena_strdup(a, uri != NULL ? uri : "");
	r->cfg = srv->cfg;
	r->lang = "sv";
	ex->req = r;
	return ex;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      size_t key_size, const char *value, size_t value_size)
{
	struct req *r = cls;
	if (key == NULL || value == NULL || !str_utf8_valid(key, key_size) ||
	    !str_utf8_valid(value, value_size))
		return MHD_YES; /* unreadable headers are ignored, not fatal */
	char *name = arena_strndup(r->arena, key, key_size);
	for (char *p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	kvlist_add(r->arena, &r->headers, name, arena_strndup(r->arena, value, value_size),
		   value_size);
	return MHD_YES;
}

static void client_address(struct MHD_Connection *conn, struct req *r, const char *trusted)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[INET6_ADDRSTRLEN] = "unknown";
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  host, sizeof host);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, host,
				  sizeof host);
	}
	r->client_addr = req_client_behind_proxy(r, host, trusted);
}

/* Marks an early answer (error before the handler) to be queued next. */
static void fail_early(struct exchange *ex, enum err e, const char *why)
{
	ex->srv->app->fail(ex->req, &ex->resp, e, why);
	ex->phase = PHASE_READY;
}

/* First call: parse the head and pick the route. */
static void begin(struct exchange *ex, struct MHD_Connection *conn, const char *method)
{
	struct server *srv = ex->srv;
	struct req *r = ex->req;
	ex->phase = PHASE_BODY;
	atomic_fetch_add(&srv->in_flight, 1);
	ex->counted = true;
	r->method_name = arena_strdup(r->arena, method);
	r->method = http_method_parse(method);
	r->now = (int64_t)time(NULL);
	r->request_id = arena_printf(r->arena, "%s-%06llx", srv->id_prefix,
				     (unsigned long long)atomic_fetch_add(&srv->next_id, 1));
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect_header, r);
	client_address(conn, r, srv->cfg->trusted_proxies);

	const char *why = NULL;
	enum err rc = req_parse_head(r, &why);
	if (rc != E_OK) {
		fail_early(ex, rc, why);
		return;
	}
	unsigned allowed = 0;
	const struct route *rt = router_match(srv->app->routes, srv->app->nroutes, r, &allowed);
	if (rt == NULL) {
		if (allowed != 0 && r->method != HTTP_OPTIONS) {
			resp_header(&ex->resp, "Allow", router_allow_header(r->arena, allowed));
			fail_early(ex, E_METHOD, "method not allowed");
		} else if (allowed != 0) {
			resp_header(&ex->resp, "Allow", router_allow_header(r->arena, allowed));
			ex->resp.status = 204;
			ex->phase = PHASE_READY;
		} else {
			fail_early(ex, E_NOTFOUND, NULL);
		}
		return;
	}
	r->route = rt;
	ex->route_index = (int)(rt - srv->app->routes);
	ex->body_limit = rt->body_limit != 0 ? rt->body_limit : HTTP_DEFAULT_BODY;
	buf_init(&ex->body, ex->body_limit);
	const char *cl = req_header(r, "content-length");
	int64_t n;
	if (cl != NULL && str_to_i64(cl, 0, INT64_MAX, &n) && (uint64_t)n > ex->body_limit)
		fail_early(ex, E_TOOBIG, "content-length over the route's limit");
}

static void queue(struct exchange *ex, struct MHD_Connection *conn)
{
	struct resp *rs = &ex->resp;
	struct MHD_Response *mr;
	if (rs->static_body != NULL) {
		mr = MHD_create_response_from_buffer(rs->static_len, (void *)rs->static_body,
						     MHD_RESPMEM_PERSISTENT);
		ex->bytes = rs->static_len;
	} else {
		size_t len = 0;
		char *data = buf_steal(&rs->body, &len);
		mr = MHD_create_response_from_buffer_with_free_callback(len, data, free);
		ex->bytes = len;
	}
	if (mr == NULL) {
		log_error("cannot create response for request %s", ex->req->request_id);
		ex->phase = PHASE_QUEUED;
		ex->status = 500;
		return;
	}
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(mr, security_headers[i][0], security_headers[i][1]);
	if (rs->content_type != NULL)
		MHD_add_response_header(mr, "Content-Type", rs->content_type);
	MHD_add_response_header(mr, "X-Request-Id", ex->req->request_id);
	bool has_cache_control = false;
	for (size_t i = 0; i < rs->nheaders; i++) {
		MHD_add_response_header(mr, rs->headers[i].name, rs->headers[i].value);
		if (strcasecmp(rs->headers[i].name, "Cache-Control") == 0)
			has_cache_control = true;
	}
	if (!has_cache_control)
		MHD_add_response_header(mr, "Cache-Control", rs->no_store ? "no-store" : "no-cache");
	if (atomic_load(&ex->srv->stopping))
		MHD_add_response_header(mr, "Connection", "close");
	ex->status = rs->status;
	/* Counted when queued, so /metrics right after a response shows it. */
	metrics_record(ex->route_index, ex->status, elapsed_since(&ex->start));
	if (MHD_queue_response(conn, (unsigned)rs->status, mr) != MHD_YES)
		log_error("cannot queue response for request %s", ex->req->request_id);
	MHD_destroy_response(mr);
	ex->phase = PHASE_QUEUED;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct exchange *ex = *con_cls;
	if (ex == NULL)
		return MHD_NO; /* no URI callback happened: cannot answer */
	if (ex->phase == PHASE_NEW) {
		begin(ex, conn, method);
		/* A body announced as too large is refused before it is sent;
		 * libmicrohttpd then closes the connection, which is what we want. */
		if (ex->phase == PHASE_READY && ex->resp.error == E_TOOBIG)
			queue(ex, conn);
		return MHD_YES;
	}
	if (ex->phase == PHASE_QUEUED) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		ex->received += *upload_data_size;
		if (ex->phase == PHASE_BODY) {
			buf_append(&ex->body, upload_data, *upload_data_size);
			if (buf_failed(&ex->body)) {
				buf_free(&ex->body);
				fail_early(ex, E_TOOBIG, "body over the route's limit");
			}
		}
		*upload_data_size = 0;
		/* A response can only be queued once the body is read (0.9.75
		 * refuses it in between): bytes after an early answer are
		 * discarded, up to a cap beyond which we drop the connection. */
		return ex->received > HTTP_MAX_DISCARD ? MHD_NO : MHD_YES;
	}
	if (ex->phase == PHASE_BODY) {
		struct req *r = ex->req;
		if (ex->body.len > 0) {
			r->body = arena_strndup(r->arena, ex->body.data, ex->body.len);
			r->body_len = ex->body.len;
			buf_free(&ex->body);
		}
		const char *why = NULL;
		enum err rc = req_parse_body(r, &why);
		if (rc != E_OK)
			ex->srv->app->fail(r, &ex->resp, rc, why);
		else
			ex->srv->app->handle(r, &ex->resp);
	}
	queue(ex, conn);
	return MHD_YES;
}

static void access_log(struct exchange *ex, double seconds)
{
	const struct req *r = ex->req;
	if (!log_access_enabled() || (r->route != NULL && (r->route->flags & ROUTE_NOLOG)))
		return;
	char ts[40];
	log_timestamp(ts, sizeof ts);
	struct buf b;
	buf_init(&b, 8192);
	buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"access\",\"id\":\"%s\",\"method\":", ts,
		   r->request_id != NULL ? r->request_id : "-");
	const char *m = r->method_name != NULL ? r->method_name : "-";
	str_json_quote(&b, m, strlen(m));
	/* The path only (query strings can hold search terms), and never a
	 * secret link's token. */
	size_t plen;
	const char *path = req_log_path(r, &plen);
	buf_puts(&b, ",\"path\":");
	str_json_quote(&b, path, plen);
	buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"route\":\"%s\",\"ip\":\"%s\"}",
		   ex->status, ex->bytes, seconds * 1000.0,
		   r->route != NULL ? r->route->name : "-",
		   r->client_addr != NULL ? r->client_addr : "-");
	if (!buf_failed(&b))
		log_line(b.data, b.len);
	buf_free(&b);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct exchange *ex = *con_cls;
	if (ex == NULL)
		return;
	*con_cls = NULL;
	double seconds = elapsed_since(&ex->start);
	if (ex->phase == PHASE_QUEUED)
		access_log(ex, seconds);
	if (ex->counted)
		atomic_fetch_sub(&ex->srv->in_flight, 1);
	resp_free(&ex->resp);
	buf_free(&ex->body);
	arena_free(ex->arena);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

enum err server_listen(const char *spec, int *fd_out, int *port_out, char *err, size_t errlen)
{
	char host[256] = "";
	const char *colon = strrchr(spec, ':');
	if (colon == NULL) {
		snprintf(err, errlen, "listen address '%s' must look like host:port", spec);
		return E_INVALID;
	}
	size_t hlen = (size_t)(colon - spec);
	if (hlen >= sizeof host) {
		snprintf(err, errlen, "listen address '%s' is too long", spec);
		return E_INVALID;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	int64_t port;
	if (!str_to_i64(colon + 1, 0, 65535, &port)) {
		snprintf(err, errlen, "listen port in '%s' must be a number from 0 to 65535", spec);
		return E_INVALID;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(host[0] != '\0' ? host : NULL, colon + 1, &hints, &res);
	if (gai != 0) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s", spec,
			 gai_strerror(gai));
		return E_IO;
	}
	int fd = -1;
	int saved = 0;
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (saved == EADDRINUSE)
			snprintf(err, errlen, "address %s is already in use", spec);
		else
			snprintf(err, errlen, "cannot listen on %s: %s", spec, strerror(saved));
		return E_IO;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*port_out = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
					     : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return E_OK;
}

enum err server_start(const struct config *cfg, const struct server_app *app,
		      struct server **out, char *err, size_t errlen)
{
	struct server *srv = calloc(1, sizeof *srv);
	if (srv == NULL)
		return E_NOMEM;
	srv->cfg = cfg;
	srv->app = app;
	unsigned char rnd[6];
	randombytes_buf(rnd, sizeof rnd);
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(srv->id_prefix + 2 * i, 3, "%02x", rnd[i]);
	srv->listen_fd = cfg->listen_fd;
	srv->port = cfg->listen_port;
	if (srv->listen_fd < 0) {
		enum err rc = server_listen(cfg->listen, &srv->listen_fd, &srv->port, err, errlen);
		if (rc != E_OK) {
			free(srv);
			return rc;
		}
	}
	metrics_init(app->routes, app->nroutes);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MAX_HEADER_BYTES,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTION_LIMIT,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONNECTION_TIMEOUT,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_END);
	if (srv->daemon == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server on %s", cfg->listen);
		close(srv->listen_fd);
		free(srv);
		return E_IO;
	}
	*out = srv;
	return E_OK;
}

int server_port(const struct server *s)
{
	return s->port;
}

int server_in_flight(const struct server *s)
{
	return atomic_load(&((struct server *)s)->in_flight);
}

void server_stop(struct server *s, int grace_seconds)
{
	if (s == NULL)
		return;
	atomic_store(&s->stopping, true);
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&s->in_flight) > 0 && elapsed_since(&t0) < grace_seconds) {
		struct timespec pause = {0, 10 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	int left = atomic_load(&s->in_flight);
	if (left > 0)
		log_warn("shutting down with %d requests still in flight", left);
	MHD_stop_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	free(s);
}
