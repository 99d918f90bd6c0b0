/*
 * demo.c - see demo.h.
 *
 * Everything is invented: the contacts use example.org addresses, which no
 * mail server delivers to.  Swedish participants are real municipalities of
 * the directory (by SCB code); the international ones are added as local
 * governments, as a declaration would add them.
 */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "db/q_audit.h"
#include "db/q_common.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define DEMO_SLUG "demo-climate"
#define DEMO_AT	  "2026-11-01T09:00:00Z"

static const struct {
	const char *code;      /* SCB kommunkod */
	const char *contact;   /* invented */
	const char *countries; /* preferred partner countries, comma-separated */
} swedish[] = {
	{"1281", "Lena Lund", "TZ"},     {"2480", "Ulf Umeå", "KE"},
	{"1280", "Maja Malmö", ""},      {"2180", "Gunnel Gävle", "UG,KE"},
	{"0780", "Vera Växjö", "TZ"},    {"1490", "Bo Borås", ""},
};

static const struct {
	const char *name, *country, *province;
	const char *population;
	const char *contact;
	const char *topics; /* theme slugs, comma-separated */
	const char *langs;  /* working languages, comma-separated */
} international[] = {
	{"Kisumu", "KE", "Kisumu County", "610000", "Otieno Kisumu", "climate,equitable-health", "en,sw"},
	{"Nakuru", "KE", "Nakuru County", "570000", "Wanjiru Nakuru", "climate", "en"},
	{"Arusha", "TZ", "Arusha Region", "416000", "Amani Arusha", "climate", "en,sw"},
	{"Mwanza", "TZ", "Mwanza Region", "1100000", "Neema Mwanza", "human-rights", "sw"},
	{"Jinja", "UG", "Eastern Region", "300000", "Kato Jinja", "climate", "en"},
	{"Gulu", "UG", "Northern Region", "150000", "Akello Gulu", "equitable-health", "en"},
};

/* Runs sql with text parameters; *id receives RETURNING id when id is set. */
static enum err run(struct db *db, const char *sql, const char *const *p, int n, int64_t *id)
{
	struct db_stmt *st;
	enum err rc = db_prepare(db, sql, &st);
	if (rc != E_OK)
		return rc;
	for (int i = 0; i < n; i++)
		db_bind_text(st, i + 1, p[i]);
	return id != NULL ? q_insert_id(st, id) : q_write(st, E_OK);
}

static const char *num(struct arena *a, int64_t v)
{
	return arena_printf(a, "%lld", (long long)v);
}

/* Calls fn for each comma-separated item of list. */
static enum err each(struct db *db, struct arena *a, const char *list, const char *sql,
		     int64_t owner)
{
	enum err rc = E_OK;
	for (const char *p = list; rc == E_OK && *p != '\0';) {
		size_t len = strcspn(p, ",");
		const char *args[] = {num(a, owner), arena_strndup(a, p, len)};
		rc = run(db, sql, args, 2, NULL);
		p += len;
		if (*p == ',')
			p++;
	}
	return rc;
}

static enum err load(struct db *db, struct arena *a, int64_t *network)
{
	const char *net[] = {
	    DEMO_SLUG, "Demo: Klimatomställning 2027", "Demo: Climate transition 2027",
	    "Ett **påhittat** nätverk att utforska natverk med: sex svenska kommuner och sex "
	    "kommuner i Kenya, Tanzania och Uganda som vill arbeta med klimatanpassning.",
	    "An **invented** network to explore natverk with: six Swedish municipalities and six "
	    "municipalities in Kenya, Tanzania and Uganda that want to work on climate adaptation.",
	    "2027-03-01", DEMO_AT};
	enum err rc = run(db,
			  "INSERT INTO networks (slug, name_sv, name_en, theme_id, description_sv, "
			  "description_en, start_date, inception_years, project_years, capacity, "
			  "status, version, created_at, updated_at) VALUES ($1, $2, $3, "
			  "(SELECT id FROM themes WHERE slug = 'climate'), $4, $5, $6, 1, 3, 8, "
			  "'matching', 1, $7, $7) RETURNING id",
			  net, 7, network);
	if (rc == E_OK)
		rc = each(db, a, "KE,TZ,UG",
			  "INSERT INTO network_countries (network_id, country_iso2) "
			  "VALUES (CAST($1 AS BIGINT), $2)",
			  *network);
	for (size_t i = 0; rc == E_OK && i < sizeof swedish / sizeof swedish[0]; i++) {
		char email[96];
		snprintf(email, sizeof email, "demo.%s@example.org", swedish[i].code);
		const char *p[] = {swedish[i].code, num(a, *network), swedish[i].contact, email, DEMO_AT};
		int64_t reg;
		rc = run(db,
			 "INSERT INTO interest_registrations (organisation_id, network_id, theme_id, "
			 "contact_name, contact_email, political_support, message, lang, status, "
			 "created_at, updated_at) VALUES ((SELECT id FROM organisations WHERE "
			 "kind = 'municipality' AND code = $1), CAST($2 AS BIGINT), "
			 "(SELECT id FROM themes WHERE slug = 'climate'), $3, $4, 'in_preparation', "
			 "'', 'sv', 'accepted', $5, $5) RETURNING id",
			 p, 5, &reg);
		if (rc == E_OK)
			rc = each(db, a, swedish[i].countries,
				  "INSERT INTO interest_countries (registration_id, country_iso2) "
				  "VALUES (CAST($1 AS BIGINT), $2)",
				  reg);
	}
	for (size_t i = 0; rc == E_OK && i < sizeof international / sizeof international[0]; i++) {
		struct buf folded, key;
		buf_init(&folded, 256);
		buf_init(&key, 256);
		str_fold(&folded, international[i].name, strlen(international[i].name));
		str_sort_key(&key, international[i].name, strlen(international[i].name), "sv");
		const char *o[] = {international[i].name, arena_strdup(a, buf_str(&folded)),
				   arena_strdup(a, buf_str(&key)), international[i].country,
				   international[i].province, international[i].population, DEMO_AT};
		buf_free(&folded);
		buf_free(&key);
		int64_t org = 0, decl;
		rc = run(db,
			 "INSERT INTO organisations (kind, name, name_folded, sort_key, country_iso2, "
			 "province, population, created_at, updated_at) VALUES ('local_government', "
			 "$1, $2, $3, $4, $5, CAST($6 AS BIGINT), $7, $7) ON CONFLICT DO NOTHING "
			 "RETURNING id",
			 o, 7, &org);
		if (rc == E_OK && org == 0) { /* declared for real already: use it */
			const char *same[] = {o[1], o[3]};
			rc = run(db,
				 "SELECT id FROM organisations WHERE kind = 'local_government' "
				 "AND name_folded = $1 AND country_iso2 = $2",
				 same, 2, &org);
		}
		if (rc != E_OK)
			break;
		char email[96];
		snprintf(email, sizeof email, "demo.%s@example.org", international[i].name);
		const char *d[] = {num(a, org), international[i].contact,
				   arena_strdup(a, email), num(a, *network), DEMO_AT};
		rc = run(db,
			 "INSERT INTO declarations (organisation_id, contact_name, contact_email, "
			 "motivation, consent_publish, lang, status, published_at, assigned_network_id, "
			 "created_at, updated_at) VALUES (CAST($1 AS BIGINT), $2, $3, "
			 "'We want to learn from a Swedish municipality how to adapt to a changing "
			 "climate.', 1, 'en', 'approved', $5, CAST($4 AS BIGINT), $5, $5) RETURNING id",
			 d, 5, &decl);
		if (rc == E_OK)
			rc = each(db, a, international[i].topics,
				  "INSERT INTO declaration_topics (declaration_id, theme_id) VALUES "
				  "(CAST($1 AS BIGINT), (SELECT id FROM themes WHERE slug = $2))",
				  decl);
		if (rc == E_OK)
			rc = each(db, a, international[i].langs,
				  "INSERT INTO declaration_languages (declaration_id, lang_code) "
				  "VALUES (CAST($1 AS BIGINT), $2)",
				  decl);
	}
	return rc;
}

enum err demo_load(struct db *db, bool *loaded, char *err, size_t errlen)
{
	*loaded = false;
	struct db_stmt *st;
	enum err rc = db_prepare(db, "SELECT 1 FROM networks WHERE slug = $1", &st);
	if (rc != E_OK) {
		snprintf(err, errlen, "%s", db_errmsg(db));
		return rc;
	}
	db_bind_text(st, 1, DEMO_SLUG);
	bool row = false;
	rc = db_step(st, &row);
	db_done(st);
	if (rc != E_OK || row) {
		if (rc != E_OK)
			snprintf(err, errlen, "%s", db_errmsg(db));
		return rc;
	}
	struct arena *a = arena_new();
	int64_t network = 0;
	if ((rc = db_begin(db)) == E_OK)
		rc = load(db, a, &network);
	if (rc == E_OK) {
		struct audit_row entry = {.at = DEMO_AT, .action = "demo.load", .object_type = "network",
					.object_id = num(a, network),
					.after_json = "{\"slug\":\"" DEMO_SLUG "\"}"};
		rc = db_audit_insert(db, &entry);
	}
	if (rc == E_OK)
		rc = db_commit(db);
	if (rc != E_OK) {
		snprintf(err, errlen, "%s (is the reference data imported?)", db_errmsg(db));
		db_rollback(db);
	}
	*loaded = rc == E_OK;
	arena_free(a);
	return rc;
}
