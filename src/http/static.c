/*
 * static.c - see static.h.
 */
#include "http/static.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "util/log.h"

struct static_file {
	char *path;		  /* relative to static/, e.g. "css/app.css" */
	char *data;		  /* contents */
	size_t len;		  /* bytes */
	char etag[36];		  /* quoted hash */
	const char *content_type; /* from the extension */
};

static struct static_file files[STATIC_MAX_FILES];
static size_t nfiles;

static const char *content_type_for(const char *path)
{
	static const char *const types[][2] = {
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".json", "application/json"},
		{".html", "text/html; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	if (dot != NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcmp(dot, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

static enum err load_file(const char *full, const char *rel, char *err, size_t errlen)
{
	if (nfiles == STATIC_MAX_FILES) {
		snprintf(err, errlen, "more than %d files in static/", STATIC_MAX_FILES);
		return E_IO;
	}
	FILE *f = fopen(full, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", full);
		return E_IO;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size > STATIC_MAX_SIZE) {
		fclose(f);
		snprintf(err, errlen, "%s is larger than %d bytes", full, STATIC_MAX_SIZE);
		return E_IO;
	}
	size_t len = (size_t)st.st_size;
	char *data = malloc(len + 1);
	if (data == NULL || fread(data, 1, len, f) != len) {
		free(data);
		fclose(f);
		snprintf(err, errlen, "cannot read %s", full);
		return E_IO;
	}
	fclose(f);
	struct static_file *sf = &files[nfiles++];
	sf->path = strdup(rel);
	sf->data = data;
	sf->len = len;
	sf->content_type = content_type_for(rel);
	unsigned char hash[12];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)data, len, NULL, 0);
	sf->etag[0] = '"';
	for (size_t i = 0; i < sizeof hash; i++)
		snprintf(sf->etag + 1 + 2 * i, 3, "%02x", hash[i]);
	sf->etag[1 + 2 * sizeof hash] = '"';
	sf->etag[2 + 2 * sizeof hash] = '\0';
	return E_OK;
}

static enum err load_dir(const char *dir, const char *prefix, int depth, char *err, size_t errlen)
{
	if (depth > 4)
		return E_OK;
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "cannot open folder %s", dir);
		return E_IO;
	}
	enum err rc = E_OK;
	struct dirent *e;
	while (rc == E_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char full[4096], rel[1024];
		snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
		snprintf(rel, sizeof rel, "%s%s", prefix, e->d_name);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char sub[1100];
			snprintf(sub, sizeof sub, "%s/", rel);
			rc = load_dir(full, sub, depth + 1, err, errlen);
		} else if (S_ISREG(st.st_mode)) {
			rc = load_file(full, rel, err, errlen);
		}
	}
	closedir(d);
	return rc;
}

enum err static_load(const char *dir, char *err, size_t errlen)
{
	static_unload();
	return load_dir(dir, "", 0, err, errlen);
}

void static_unload(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	nfiles = 0;
}

static const struct static_file *find(const char *path)
{
	for (size_t i = 0; i < nfiles; i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}

const char *static_etag(const char *path)
{
	const struct static_file *sf = find(path);
	return sf != NULL ? sf->etag : NULL;
}

/*
 * GET /static/{path}
 * Public.  200 with the file, 304 when If-None-Match matches, 404 otherwise.
 */
enum err static_serve(struct req *req, struct resp *resp)
{
	const struct static_file *sf = find(req_param(req, "path"));
	if (sf == NULL)
		return resp_error(resp, E_NOTFOUND, NULL);
	resp_header(resp, "ETag", sf->etag);
	resp_header(resp, "Cache-Control", "public, max-age=3600");
	const char *inm = req_header(req, "if-none-match");
	if (inm != NULL && strstr(inm, sf->etag) != NULL) {
		resp->status = 304;
		return E_OK;
	}
	resp->content_type = sf->content_type;
	resp->static_body = sf->data;
	resp->static_len = sf->len;
	return E_OK;
}
