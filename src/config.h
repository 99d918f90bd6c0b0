/*
 * config.h - the server's configuration: defaults, then environment
 * variables, then command-line flags (main.c), read once at start-up and
 * read-only afterwards.
 */
#ifndef NATVERK_CONFIG_H
#define NATVERK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct config {
	const char *db_url;	/* NATVERK_DB: SQLite path or postgres:// URL */
	const char *listen;	/* NATVERK_LISTEN: host:port, default 127.0.0.1:8080 */
	const char *root;	/* NATVERK_ROOT: folder with templates/, static/, data/, migrations/ */
	const char *localedir;	/* NATVERK_LOCALEDIR: compiled message catalogues */
	const char *base_url;	/* NATVERK_BASE_URL: public URL, e.g. https://natverk.example */
	int threads;		/* NATVERK_THREADS: worker threads, default one per CPU (min 2) */
	bool access_log;	/* NATVERK_ACCESS_LOG: 0 turns the access log off */
	bool demo;		/* serve --demo: load the demo network first */
	const char *trusted_proxies; /* NATVERK_TRUSTED_PROXIES: comma-separated peer addresses
					whose X-Forwarded-For names the client, or NULL */
	int listen_fd;		/* socket already bound by the caller, or -1 */
	int listen_port;	/* the port it is bound to */
	char base_url_buf[256]; /* base_url derived from the bound address when not set */
};

#define CONFIG_DEFAULT_DB "natverk.db"
#define CONFIG_DEFAULT_LISTEN "127.0.0.1:8080"
#define CONFIG_MAX_THREADS 64

/* Fills cfg with defaults overridden by the environment.  Returns E_INVALID
 * with a one-line message in err for a malformed value. */
enum err config_from_env(struct config *cfg, char *err, size_t errlen);

/* The path of a file under the root folder, malloc'ed (free it). */
char *config_path(const struct config *cfg, const char *rel);

#endif
