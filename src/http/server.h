/*
 * server.h - the HTTP server: libmicrohttpd with an internal thread pool
 * on epoll.  This module is the only code that includes <microhttpd.h>.
 *
 * It reads requests under the limits of http/limits.h, matches the route
 * table, hands complete requests to the application (routes.c) and sends
 * what it filled, adding the security headers and a request id; it writes
 * one JSON access-log line per request and records metrics.  It knows no
 * page and no template.
 */
#ifndef NATVERK_SERVER_H
#define NATVERK_SERVER_H

#include "config.h"
#include "http/router.h"

/* What the application supplies. */
struct server_app {
	const struct route *routes; /* the route table */
	size_t nroutes;		    /* its length */
	/* Runs the matched route's handler and renders resp (HTML or JSON). */
	void (*handle)(struct req *req, struct resp *resp);
	/* Renders an error found before or instead of the handler (bad target,
	 * 404, 405, 413...); why is an English detail for the log, or NULL. */
	void (*fail)(struct req *req, struct resp *resp, enum err err, const char *why);
};

struct server;

/*
 * Opens the listening socket for spec ("host:port", "[::1]:8080",
 * ":8080"); port 0 picks a free port.  Returns E_OK with the socket and the
 * port bound, E_INVALID for a malformed spec, or E_IO with a one-line
 * message ("address 127.0.0.1:8080 is already in use").
 */
enum err server_listen(const char *spec, int *fd_out, int *port_out, char *err, size_t errlen);

/*
 * Starts the worker threads on cfg->listen_fd (or, when it is -1, binds
 * cfg->listen first).  Returns E_OK with
 * *out, or E_IO with a one-line message in err ("address 127.0.0.1:8080 is
 * already in use", "cannot resolve ...").  Port 0 picks a free port
 * (server_port tells which).  SIGINT/SIGTERM should be blocked by the
 * caller before this so that worker threads never take them.
 */
enum err server_start(const struct config *cfg, const struct server_app *app,
		      struct server **out, char *err, size_t errlen);

/* The port actually bound. */
int server_port(const struct server *s);

/* Stops accepting connections, lets requests in flight finish for up to
 * grace_seconds, then stops the threads and frees s. */
void server_stop(struct server *s, int grace_seconds);

/* Requests currently being processed (for shutdown and tests). */
int server_in_flight(const struct server *s);

#endif
