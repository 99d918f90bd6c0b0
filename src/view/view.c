/*
 * view.c - see view.h.
 */
#include "view/view.h"

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "view/i18n.h"
#include "view/mustache.h"

#define EXT ".mustache"

struct template {
	char *name;		  /* "organisations/index" */
	struct mustache *by_lang[2]; /* indexed like i18n_langs */
};

static struct template templates[VIEW_MAX_TEMPLATES];
static size_t ntemplates;

static int lang_index(const char *lang)
{
	return lang != NULL && strcmp(lang, "en") == 0 ? 1 : 0;
}

static const char *translate(void *ctx, const char *msgid)
{
	return gettext(msgid);
}

/* Reads a file into a malloc'ed buffer. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size > VIEW_MAX_SIZE) {
		fclose(f);
		snprintf(err, errlen, "%s is larger than %d bytes", path, VIEW_MAX_SIZE);
		return NULL;
	}
	char *data = malloc((size_t)st.st_size + 1);
	if (data == NULL || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(data);
		fclose(f);
		snprintf(err, errlen, "cannot read %s", path);
		return NULL;
	}
	fclose(f);
	data[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return data;
}

static enum err load_one(const char *path, const char *name, char *err, size_t errlen)
{
	if (ntemplates == VIEW_MAX_TEMPLATES) {
		snprintf(err, errlen, "more than %d templates", VIEW_MAX_TEMPLATES);
		return E_INVALID;
	}
	size_t len;
	char *src = read_file(path, &len, err, errlen);
	if (src == NULL)
		return E_IO;
	struct template *t = &templates[ntemplates];
	t->name = strdup(name);
	struct mustache_parse_opts opts = {translate, NULL};
	enum err rc = E_OK;
	locale_t old = uselocale((locale_t)0);
	for (int i = 0; i < 2 && rc == E_OK; i++) {
		i18n_use(i18n_langs[i]);
		rc = mustache_parse(name, src, len, &opts, &t->by_lang[i], err, errlen);
	}
	uselocale(old);
	free(src);
	if (rc != E_OK) {
		mustache_free(t->by_lang[0]);
		free(t->name);
		memset(t, 0, sizeof *t);
		return rc;
	}
	ntemplates++;
	return E_OK;
}

static enum err load_dir(const char *dir, const char *prefix, int depth, char *err, size_t errlen)
{
	if (depth > 4)
		return E_OK;
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "cannot open template folder %s", dir);
		return E_IO;
	}
	enum err rc = E_OK;
	struct dirent *e;
	while (rc == E_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char full[4096], name[1024];
		snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			snprintf(name, sizeof name, "%s%s/", prefix, e->d_name);
			rc = load_dir(full, name, depth + 1, err, errlen);
			continue;
		}
		size_t n = strlen(e->d_name);
		if (!S_ISREG(st.st_mode) || n <= strlen(EXT) ||
		    strcmp(e->d_name + n - strlen(EXT), EXT) != 0)
			continue;
		snprintf(name, sizeof name, "%s%.*s", prefix, (int)(n - strlen(EXT)), e->d_name);
		rc = load_one(full, name, err, errlen);
	}
	closedir(d);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct template *)a)->name, ((const struct template *)b)->name);
}

enum err view_init(const char *dir, char *err, size_t errlen)
{
	view_free();
	enum err rc = load_dir(dir, "", 0, err, errlen);
	if (rc != E_OK) {
		view_free();
		return rc;
	}
	qsort(templates, ntemplates, sizeof templates[0], by_name);
	return E_OK;
}

void view_free(void)
{
	for (size_t i = 0; i < ntemplates; i++) {
		mustache_free(templates[i].by_lang[0]);
		mustache_free(templates[i].by_lang[1]);
		free(templates[i].name);
	}
	memset(templates, 0, sizeof templates);
	ntemplates = 0;
}

static const struct template *find(const char *name)
{
	size_t lo = 0, hi = ntemplates;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(templates[mid].name, name);
		if (c == 0)
			return &templates[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct mustache *partial(void *ctx, const char *name)
{
	const struct template *t = find(name);
	return t != NULL ? t->by_lang[*(const int *)ctx] : NULL;
}

static enum err render(const char *lang, const char *name, json_t *data, bool strict, bool text,
		       struct buf *out, char *err, size_t errlen)
{
	const struct template *t = find(name);
	if (t == NULL) {
		snprintf(err, errlen, "no template named %s", name);
		return E_NOTFOUND;
	}
	int li = lang_index(lang);
	struct mustache_render_opts opts = {partial, &li, strict, text};
	return mustache_render(t->by_lang[li], data, &opts, out, err, errlen);
}

enum err view_render(const char *lang, const char *name, json_t *data, bool strict,
		     struct buf *out, char *err, size_t errlen)
{
	return render(lang, name, data, strict, false, out, err, errlen);
}

enum err view_render_text(const char *lang, const char *name, json_t *data, bool strict,
			  struct buf *out, char *err, size_t errlen)
{
	return render(lang, name, data, strict, true, out, err, errlen);
}

size_t view_count(void)
{
	return ntemplates;
}

const char *view_name(size_t i)
{
	return i < ntemplates ? templates[i].name : NULL;
}
