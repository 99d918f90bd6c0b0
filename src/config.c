/*
 * config.c - defaults and environment variables; see config.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_build.h"
#include "util/str.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : fallback;
}

enum err config_from_env(struct config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->db_url = env_or("NATVERK_DB", CONFIG_DEFAULT_DB);
	cfg->listen = env_or("NATVERK_LISTEN", CONFIG_DEFAULT_LISTEN);
	cfg->root = env_or("NATVERK_ROOT", NATVERK_SOURCE_ROOT);
	cfg->localedir = env_or("NATVERK_LOCALEDIR", NATVERK_LOCALEDIR);
	cfg->base_url = env_or("NATVERK_BASE_URL", NULL);
	cfg->trusted_proxies = env_or("NATVERK_TRUSTED_PROXIES", NULL);
	cfg->listen_fd = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->threads = ncpu < 2 ? 2 : (int)(ncpu > CONFIG_MAX_THREADS ? CONFIG_MAX_THREADS : ncpu);
	const char *t = getenv("NATVERK_THREADS");
	if (t != NULL && t[0] != '\0') {
		int64_t v;
		if (!str_to_i64(t, 1, CONFIG_MAX_THREADS, &v)) {
			snprintf(err, errlen, "NATVERK_THREADS must be a number from 1 to %d, not '%s'",
				 CONFIG_MAX_THREADS, t);
			return E_INVALID;
		}
		cfg->threads = (int)v;
	}
	const char *log = getenv("NATVERK_ACCESS_LOG");
	cfg->access_log = !(log != NULL && (strcmp(log, "0") == 0 || strcmp(log, "off") == 0));
	return E_OK;
}

char *config_path(const struct config *cfg, const char *rel)
{
	size_t n = strlen(cfg->root) + strlen(rel) + 2;
	char *p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/%s", cfg->root, rel);
	return p;
}
