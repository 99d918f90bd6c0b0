/*
 * test_reference.c - natverk import: the reference data arrives complete
 * and right, a second import changes nothing, and bad data changes nothing.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db.h"
#include "import.h"
#include "support.h"
#include "view/i18n.h"

static int64_t count(struct db *db, const char *sql)
{
	struct db_stmt *st;
	cr_assert_eq(db_prepare(db, sql, &st), E_OK, "%s", db_errmsg(db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK, "%s", db_errmsg(db));
	int64_t n = row ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static const char *text(struct db *db, const char *sql)
{
	static char out[256];
	struct db_stmt *st;
	cr_assert_eq(db_prepare(db, sql, &st), E_OK, "%s", db_errmsg(db));
	bool row;
	cr_assert_eq(db_step(st, &row), E_OK);
	snprintf(out, sizeof out, "%s", row && db_col_text(st, 0) ? db_col_text(st, 0) : "(none)");
	db_done(st);
	return out;
}

Test(reference, complete_and_correct)
{
	struct db *db = test_db_reference();
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM organisations WHERE kind = 'municipality'"), 290);
	cr_expect_eq(count(db, "SELECT COUNT(DISTINCT code) FROM organisations WHERE kind = 'municipality'"), 290);
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM organisations WHERE kind = 'region'"), 21);
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM counties"), 21);
	cr_expect_eq(count(db, "SELECT SUM(population) FROM organisations WHERE kind = 'municipality'"),
		     10605520, "the national total on 31 December 2025");
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM countries"), 250);
	cr_expect_str_eq(text(db, "SELECT name_sv FROM countries WHERE iso2 = 'DE'"), "Tyskland");
	cr_expect_str_eq(text(db, "SELECT name_en FROM countries WHERE iso2 = 'XK'"), "Kosovo");
	cr_expect_str_eq(text(db, "SELECT name_folded FROM organisations WHERE code = '2321'"), "are");
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM eligibility_periods WHERE valid_to IS NULL"), 13);
	cr_expect_str_eq(text(db, "SELECT name FROM organisations WHERE kind = 'region' AND code = '14'"),
			 "Västra Götalandsregionen");
	/* A region's population is the sum of its county's municipalities. */
	cr_expect_eq(count(db, "SELECT population FROM organisations WHERE kind = 'region' AND code = '09'"),
		     count(db, "SELECT population FROM organisations WHERE kind = 'municipality' AND code = '0980'"));
	cr_expect_eq(count(db, "SELECT SUM(population) FROM organisations WHERE kind = 'region'"), 10605520);
	db_close(db);
}

Test(reference, second_import_changes_nothing)
{
	struct db *db = test_db_reference();
	int64_t versions = count(db, "SELECT SUM(version) FROM organisations");
	char err[512];
	char *out = NULL;
	size_t outlen = 0;
	FILE *progress = open_memstream(&out, &outlen);
	cr_assert_eq(import_reference(db, test_root(), progress, err, sizeof err), E_OK, "%s", err);
	fclose(progress);
	cr_expect_null(strstr(out, "inserted or updated") == NULL ? "missing" : NULL);
	/* Every line must report zero rows changed. */
	for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n"))
		cr_expect_not_null(strstr(line, "    0 inserted or updated"), "changed: %s", line);
	free(out);
	cr_expect_eq(count(db, "SELECT SUM(version) FROM organisations"), versions);
	cr_expect_eq(count(db, "SELECT COUNT(*) FROM organisations"), 311);
	db_close(db);
}

/* Builds a copy of data/ with one file replaced, for failure cases. */
static const char *root_with(const char *file, const char *contents)
{
	static char root[512];
	snprintf(root, sizeof root, "%s", test_tmpdir());
	char dir[600];
	snprintf(dir, sizeof dir, "%s/data", root);
	mkdir(dir, 0700);
	const char *files[] = {"se_municipalities.csv", "se_regions.csv", "clusters.csv",
			       "eligibility.csv", "countries_extra.csv"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char src[600], dst[700];
		snprintf(src, sizeof src, "data/%s", files[i]);
		snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
		if (strcmp(files[i], file) == 0) {
			if (contents == NULL)
				continue; /* a missing file */
			FILE *f = fopen(dst, "w");
			fputs(contents, f);
			fclose(f);
			continue;
		}
		size_t len;
		char *data = test_read_file(test_path(src), &len);
		cr_assert_not_null(data);
		FILE *f = fopen(dst, "w");
		fwrite(data, 1, len, f);
		fclose(f);
		free(data);
	}
	return root;
}

Test(reference, bad_data_changes_nothing_and_names_the_line)
{
	struct db *db = test_db_migrated();
	char err[512];
	cr_assert_eq(i18n_init(test_localedir(), err, sizeof err), E_OK);
	static const struct {
		const char *file;
		const char *contents;
		enum err rc;
		const char *message;
	} cases[] = {
		{"se_municipalities.csv", NULL, E_IO, "cannot read"},
		{"se_municipalities.csv", "code,name\n", E_INVALID, ":1: expected the header"},
		{"se_municipalities.csv",
		 "code,name,county_code,county_name,population,population_year\n0114,X,02,Y,1,2025\n",
		 E_INVALID, ":2: county code must be the first two digits"},
		{"se_municipalities.csv",
		 "code,name,county_code,county_name,population,population_year\n0114,X,01,Y,many,2025\n",
		 E_INVALID, ":2: population must be a whole number"},
		{"se_municipalities.csv",
		 "code,name,county_code,county_name,population,population_year\n0114,X,01\n",
		 E_INVALID, ":2: expected 6 fields, found 3"},
		{"eligibility.csv",
		 "iso2,cluster,valid_from,valid_to,source\nKE,east_africa,2020-01-01,,a\nKE,east_africa,2021-01-01,,b\n",
		 E_INVALID, ":3: period of KE overlaps the one on line 2"},
		{"eligibility.csv", "iso2,cluster,valid_from,valid_to,source\nKE,nowhere,2020-01-01,,a\n",
		 E_UNPROCESSABLE, ":2:"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *root = root_with(cases[i].file, cases[i].contents);
		err[0] = '\0';
		enum err rc = import_reference(db, root, NULL, err, sizeof err);
		cr_expect_eq(rc, cases[i].rc, "case %zu: %s", i, err);
		cr_expect_not_null(strstr(err, cases[i].message), "case %zu: %s", i, err);
		cr_expect_eq(count(db, "SELECT COUNT(*) FROM countries"), 0, "case %zu wrote nothing", i);
	}
	db_close(db);
}
