/*
 * import.c - see import.h.
 *
 * Each data set has its own small reader that checks the header row, the
 * number of fields and the format of every value before anything is
 * written, so a bad file names its line instead of leaving half an import.
 */
#include "import.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db/q_reference.h"
#include "domain/eligibility.h"
#include "domain/organisation.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/str.h"
#include "view/i18n.h"

struct ctx {
	struct db *db;	   /* target */
	const char *root;  /* project root */
	FILE *progress;	   /* or NULL */
	char *err;	   /* message buffer */
	size_t errlen;	   /* its size */
	char now[32];	   /* timestamp for the rows written */
	struct buf scratch; /* folding and sort keys */
};

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size > IMPORT_MAX_FILE) {
		fclose(f);
		snprintf(err, errlen, "%s is larger than %d bytes", path, IMPORT_MAX_FILE);
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

/* A CSV file of the data folder, opened and with its header checked. */
struct table {
	char path[1024];	 /* full path, for messages */
	char *data;		 /* contents */
	struct csv_reader csv;	 /* reader */
	size_t ncols;		 /* expected fields per row */
};

static enum err table_open(struct ctx *c, struct table *t, const char *name, const char *header)
{
	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "%s/data/%s", c->root, name);
	size_t len;
	t->data = read_all(t->path, &len, c->err, c->errlen);
	if (t->data == NULL)
		return E_IO;
	if (!str_utf8_valid(t->data, len)) {
		snprintf(c->err, c->errlen, "%s: not valid UTF-8", t->path);
		return E_INVALID;
	}
	csv_reader_init(&t->csv, t->data, len);
	bool row;
	enum err rc = csv_next(&t->csv, &row);
	if (rc != E_OK) {
		snprintf(c->err, c->errlen, "%s: %s", t->path, t->csv.err);
		return rc;
	}
	/* Rebuild the header to compare it with the expected one. */
	struct buf h;
	buf_init(&h, 4096);
	for (size_t i = 0; row && i < t->csv.nfields; i++) {
		if (i > 0)
			buf_putc(&h, ',');
		buf_puts(&h, t->csv.fields[i]);
	}
	bool ok = row && strcmp(buf_str(&h), header) == 0;
	buf_free(&h);
	if (!ok) {
		snprintf(c->err, c->errlen, "%s:1: expected the header %s", t->path, header);
		return E_INVALID;
	}
	t->ncols = t->csv.nfields;
	return E_OK;
}

/* Next data row with the right number of fields; *row false at the end. */
static enum err table_next(struct ctx *c, struct table *t, bool *row)
{
	enum err rc = csv_next(&t->csv, row);
	if (rc != E_OK) {
		snprintf(c->err, c->errlen, "%s: %s", t->path, t->csv.err);
		return rc;
	}
	if (*row && t->csv.nfields != t->ncols) {
		snprintf(c->err, c->errlen, "%s:%d: expected %zu fields, found %zu", t->path,
			 t->csv.line, t->ncols, t->csv.nfields);
		return E_INVALID;
	}
	return E_OK;
}

static void table_close(struct table *t)
{
	csv_reader_free(&t->csv);
	free(t->data);
}

static enum err bad(struct ctx *c, struct table *t, const char *what, const char *value)
{
	snprintf(c->err, c->errlen, "%s:%d: %s: '%s'", t->path, t->csv.line, what, value);
	return E_INVALID;
}

static void report(struct ctx *c, const char *what, const struct import_stats *s)
{
	if (c->progress != NULL)
		fprintf(c->progress, "%-16s %4d rows, %4d inserted or updated\n", what, s->rows,
			s->changed);
}

static const char *folded(struct ctx *c, const char *s)
{
	buf_reset(&c->scratch);
	str_fold(&c->scratch, s, strlen(s));
	return strdup(buf_str(&c->scratch));
}

static const char *sort_key(struct ctx *c, const char *s, const char *lang)
{
	buf_reset(&c->scratch);
	str_sort_key(&c->scratch, s, strlen(s), lang);
	return strdup(buf_str(&c->scratch));
}

/* Upserts one country, deriving search text and sort keys from its names. */
static enum err put_country(struct ctx *c, const char *iso2, const char *iso3,
			    const char *numeric, const char *name_en, const char *name_sv,
			    const char *official, struct import_stats *s)
{
	char both[512];
	snprintf(both, sizeof both, "%s %s", name_en, name_sv);
	char *search = (char *)folded(c, both);
	char *sort_en = (char *)sort_key(c, name_en, "en");
	char *sort_sv = (char *)sort_key(c, name_sv, "sv");
	struct country_rec rec = {iso2, iso3, numeric, name_en, name_sv, official,
				  search, sort_en, sort_sv};
	bool changed = false;
	enum err rc = db_country_upsert(c->db, &rec, &changed);
	free(search);
	free(sort_en);
	free(sort_sv);
	if (rc != E_OK) {
		snprintf(c->err, c->errlen, "country %s: %s", iso2, db_errmsg(c->db));
		return rc;
	}
	s->rows++;
	s->changed += changed;
	return E_OK;
}

static const char *json_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static enum err import_countries(struct ctx *c)
{
	const char *path = getenv("NATVERK_ISO_CODES");
	if (path == NULL || path[0] == '\0')
		path = IMPORT_ISO_CODES_JSON;
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		snprintf(c->err, c->errlen, "cannot read %s (Debian package iso-codes): %s", path,
			 jerr.text);
		return E_IO;
	}
	json_t *list = json_object_get(root, "3166-1");
	struct import_stats s = {0};
	enum err rc = E_OK;
	if (!json_is_array(list) || json_array_size(list) < 200) {
		snprintf(c->err, c->errlen, "%s: no list \"3166-1\" of countries", path);
		rc = E_INVALID;
	}
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		if (rc != E_OK)
			break;
		const char *iso2 = json_str(item, "alpha_2");
		const char *iso3 = json_str(item, "alpha_3");
		const char *name = json_str(item, "name");
		const char *common = json_str(item, "common_name");
		if (iso2 == NULL || iso3 == NULL || name == NULL || strlen(iso2) != 2) {
			snprintf(c->err, c->errlen, "%s: country %zu lacks alpha_2, alpha_3 or name",
				 path, i);
			rc = E_INVALID;
			break;
		}
		/* The common name ("Tanzania") reads better than the formal list
		 * name ("Tanzania, United Republic of"), in both languages. */
		const char *en = common != NULL ? common : name;
		char *sv = strdup(i18n_country_name("sv", en));
		rc = put_country(c, iso2, iso3, json_str(item, "numeric"), en, sv,
				 json_str(item, "official_name"), &s);
		free(sv);
	}
	json_decref(root);
	if (rc != E_OK)
		return rc;

	struct table t;
	rc = table_open(c, &t, "countries_extra.csv",
			"iso2,iso3,numeric_code,name_en,name_sv,official_name_en");
	bool row = true;
	while (rc == E_OK && (rc = table_next(c, &t, &row)) == E_OK && row) {
		char **f = t.csv.fields;
		if (strlen(f[0]) != 2 || strlen(f[1]) != 3) {
			rc = bad(c, &t, "bad country code", f[0]);
			break;
		}
		rc = put_country(c, f[0], f[1], f[2][0] ? f[2] : NULL, f[3], f[4],
				 f[5][0] ? f[5] : NULL, &s);
	}
	table_close(&t);
	if (rc == E_OK)
		report(c, "countries", &s);
	return rc;
}

static enum err import_clusters(struct ctx *c)
{
	struct table t;
	struct import_stats s = {0};
	enum err rc = table_open(c, &t, "clusters.csv", "code,name_en,name_sv");
	bool row = true;
	while (rc == E_OK && (rc = table_next(c, &t, &row)) == E_OK && row) {
		char **f = t.csv.fields;
		if (f[0][0] == '\0' || f[0][strspn(f[0], "abcdefghijklmnopqrstuvwxyz_")] != '\0') {
			rc = bad(c, &t, "cluster code must be lower-case letters and _", f[0]);
			break;
		}
		bool changed = false;
		rc = db_cluster_upsert(c->db, f[0], f[1], f[2], &changed);
		if (rc != E_OK)
			snprintf(c->err, c->errlen, "%s:%d: %s", t.path, t.csv.line, db_errmsg(c->db));
		s.rows++;
		s.changed += changed;
	}
	table_close(&t);
	if (rc == E_OK)
		report(c, "clusters", &s);
	return rc;
}

#define MAX_PERIODS 1024

static enum err import_eligibility(struct ctx *c)
{
	struct table t;
	struct import_stats s = {0};
	static struct elig_period periods[MAX_PERIODS];
	static int lines[MAX_PERIODS];
	static char *sources[MAX_PERIODS];
	size_t n = 0;
	enum err rc = table_open(c, &t, "eligibility.csv", "iso2,cluster,valid_from,valid_to,source");
	bool row = true;
	/* First read and check all periods together (overlaps need them all)... */
	while (rc == E_OK && (rc = table_next(c, &t, &row)) == E_OK && row) {
		char **f = t.csv.fields;
		if (n == MAX_PERIODS) {
			rc = bad(c, &t, "too many periods", "");
			break;
		}
		periods[n] = (struct elig_period){strdup(f[0]), strdup(f[1]), strdup(f[2]),
						  f[3][0] ? strdup(f[3]) : NULL};
		lines[n] = t.csv.line;
		sources[n] = strdup(f[4]);
		n++;
	}
	size_t badi = 0;
	long other = -1;
	if (rc == E_OK && eligibility_check(periods, n, &badi, &other) != E_OK) {
		if (other >= 0)
			snprintf(c->err, c->errlen, "%s:%d: period of %s overlaps the one on line %d",
				 t.path, lines[badi], periods[badi].country, lines[other]);
		else
			snprintf(c->err, c->errlen,
				 "%s:%d: dates must be YYYY-MM-DD and valid_to not before valid_from",
				 t.path, lines[badi]);
		rc = E_INVALID;
	}
	/* ...then write them. */
	for (size_t i = 0; rc == E_OK && i < n; i++) {
		bool changed = false;
		rc = db_eligibility_upsert(c->db, periods[i].country, periods[i].cluster,
					   periods[i].from, periods[i].to, sources[i], &changed);
		if (rc != E_OK)
			snprintf(c->err, c->errlen, "%s:%d: %s (unknown country or cluster?)", t.path,
				 lines[i], db_errmsg(c->db));
		s.rows++;
		s.changed += changed;
	}
	for (size_t i = 0; i < n; i++) {
		free((char *)periods[i].country);
		free((char *)periods[i].cluster);
		free((char *)periods[i].from);
		free((char *)periods[i].to);
		free(sources[i]);
	}
	table_close(&t);
	if (rc == E_OK)
		report(c, "eligibility", &s);
	return rc;
}

static enum err put_org(struct ctx *c, struct table *t, struct org_rec *o, struct import_stats *s)
{
	char *nf = (char *)folded(c, o->name);
	char *sk = (char *)sort_key(c, o->name, "sv");
	o->name_folded = nf;
	o->sort_key = sk;
	o->country_iso2 = "SE";
	o->now = c->now;
	bool changed = false;
	enum err rc = db_organisation_upsert(c->db, o, &changed);
	free(nf);
	free(sk);
	if (rc != E_OK) {
		snprintf(c->err, c->errlen, "%s:%d: %s", t->path, t->csv.line, db_errmsg(c->db));
		return rc;
	}
	s->rows++;
	s->changed += changed;
	return E_OK;
}

/* One county's region as read from se_regions.csv, with the population of
 * its municipalities summed while they are imported. */
struct region {
	char code[3];		 /* county code */
	char *name;		 /* region name */
	char *seat;		 /* seat of the regional council, or NULL */
	int line;		 /* line in the file, for messages */
	int64_t population;	 /* sum over the county's municipalities */
	int64_t population_year; /* their year */
};

#define MAX_COUNTIES 100

struct regions {
	struct region r[MAX_COUNTIES]; /* in file order */
	size_t n;		       /* used */
};

/* Reads se_regions.csv and writes the counties. */
static enum err import_counties(struct ctx *c, struct regions *regs)
{
	struct table t;
	struct import_stats s = {0};
	enum err rc = table_open(c, &t, "se_regions.csv", "county_code,region_name,county_name,seat");
	bool row = true;
	while (rc == E_OK && (rc = table_next(c, &t, &row)) == E_OK && row) {
		char **f = t.csv.fields;
		if (!org_scb_code_valid(f[0], 2)) {
			rc = bad(c, &t, "county code must be two digits", f[0]);
		} else if (f[1][0] == '\0' || f[2][0] == '\0') {
			rc = bad(c, &t, "region and county names are required", f[0]);
		} else if (regs->n == MAX_COUNTIES) {
			rc = bad(c, &t, "too many counties", f[0]);
		}
		if (rc != E_OK)
			break;
		bool changed = false;
		rc = db_county_upsert(c->db, f[0], f[2], &changed);
		if (rc != E_OK) {
			snprintf(c->err, c->errlen, "%s:%d: %s", t.path, t.csv.line, db_errmsg(c->db));
			break;
		}
		struct region *r = &regs->r[regs->n++];
		memcpy(r->code, f[0], 3);
		r->name = strdup(f[1]);
		r->seat = f[3][0] ? strdup(f[3]) : NULL;
		r->line = t.csv.line;
		s.rows++;
		s.changed += changed;
	}
	table_close(&t);
	if (rc == E_OK)
		report(c, "counties", &s);
	return rc;
}

/* Writes the regions, each with the population of its county. */
static enum err import_region_orgs(struct ctx *c, struct regions *regs)
{
	struct import_stats s = {0};
	struct table t = {0};
	snprintf(t.path, sizeof t.path, "%s/data/se_regions.csv", c->root);
	enum err rc = E_OK;
	for (size_t i = 0; rc == E_OK && i < regs->n; i++) {
		struct region *r = &regs->r[i];
		t.csv.line = r->line;
		struct org_rec o = {.kind = "region", .name = r->name, .code = r->code,
				    .county_code = r->code, .seat = r->seat,
				    .population = r->population > 0 ? r->population : -1,
				    .population_year = r->population_year};
		rc = put_org(c, &t, &o, &s);
	}
	if (rc == E_OK)
		report(c, "regions", &s);
	return rc;
}

static void regions_free(struct regions *regs)
{
	for (size_t i = 0; i < regs->n; i++) {
		free(regs->r[i].name);
		free(regs->r[i].seat);
	}
}

static enum err import_municipalities(struct ctx *c, struct regions *regs)
{
	struct table t;
	struct import_stats s = {0};
	enum err rc = table_open(c, &t, "se_municipalities.csv",
				 "code,name,county_code,county_name,population,population_year");
	bool row = true;
	while (rc == E_OK && (rc = table_next(c, &t, &row)) == E_OK && row) {
		char **f = t.csv.fields;
		int64_t pop = -1, year = 0;
		struct region *region = NULL;
		for (size_t i = 0; i < regs->n; i++)
			if (strcmp(regs->r[i].code, f[2]) == 0)
				region = &regs->r[i];
		if (!org_scb_code_valid(f[0], 4)) {
			rc = bad(c, &t, "municipality code must be four digits", f[0]);
		} else if (!org_scb_code_valid(f[2], 2) || strncmp(f[0], f[2], 2) != 0) {
			rc = bad(c, &t, "county code must be the first two digits of the code", f[2]);
		} else if (region == NULL) {
			rc = bad(c, &t, "county code not in se_regions.csv", f[2]);
		} else if (f[1][0] == '\0') {
			rc = bad(c, &t, "name is required", f[0]);
		} else if (f[4][0] != '\0' && !str_to_i64(f[4], 0, 100000000, &pop)) {
			rc = bad(c, &t, "population must be a whole number", f[4]);
		} else if (f[5][0] != '\0' && !str_to_i64(f[5], 1900, 2100, &year)) {
			rc = bad(c, &t, "population year must be a year", f[5]);
		}
		if (rc != E_OK)
			break;
		if (pop >= 0) {
			region->population += pop;
			if (year > region->population_year)
				region->population_year = year;
		}
		struct org_rec o = {.kind = "municipality", .name = f[1], .code = f[0],
				    .county_code = f[2], .population = pop, .population_year = year};
		rc = put_org(c, &t, &o, &s);
	}
	table_close(&t);
	if (rc == E_OK)
		report(c, "municipalities", &s);
	return rc;
}

enum err import_reference(struct db *db, const char *root, FILE *progress, char *err,
			  size_t errlen)
{
	struct ctx c = {.db = db, .root = root, .progress = progress, .err = err, .errlen = errlen};
	buf_init(&c.scratch, 4096);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(c.now, sizeof c.now, "%Y-%m-%dT%H:%M:%SZ", &tm);

	enum err rc = db_begin(db);
	if (rc != E_OK) {
		snprintf(err, errlen, "cannot start a transaction: %s", db_errmsg(db));
		buf_free(&c.scratch);
		return rc;
	}
	rc = import_countries(&c);
	if (rc == E_OK)
		rc = import_clusters(&c);
	if (rc == E_OK)
		rc = import_eligibility(&c);
	/* Counties first (municipalities refer to them), regions last (their
	 * population is the sum of their municipalities'). */
	struct regions *regs = calloc(1, sizeof *regs);
	if (regs == NULL)
		rc = E_NOMEM;
	if (rc == E_OK)
		rc = import_counties(&c, regs);
	if (rc == E_OK)
		rc = import_municipalities(&c, regs);
	if (rc == E_OK)
		rc = import_region_orgs(&c, regs);
	if (regs != NULL) {
		regions_free(regs);
		free(regs);
	}
	if (rc == E_OK) {
		rc = db_commit(db);
		if (rc != E_OK)
			snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
	} else {
		db_rollback(db);
	}
	buf_free(&c.scratch);
	return rc;
}
