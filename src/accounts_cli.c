/*
 * accounts_cli.c - see accounts_cli.h.  Each command writes its changes and
 * their audit rows (by the system: no actor) in one transaction.
 */
#include "accounts_cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/links.h"
#include "db/migrate.h"
#include "db/q_audit.h"
#include "db/q_people.h"
#include "retention.h"
#include "util/timefmt.h"

static const char usage_user[] =
	"Usage: natverk user add [--admin] [--name NAME] [--lang sv|en] EMAIL\n"
	"\n"
	"Creates an account for EMAIL (or finds the existing one), makes it an\n"
	"administrator with --admin, and prints a one-time link (valid 7 days) where\n"
	"the person chooses a password.  Nothing is mailed.\n"
	"\n"
	"Options:\n"
	"  --admin       give the administrator role\n"
	"  --name NAME   the person's name (default: the part of EMAIL before @)\n"
	"  --lang LANG   sv or en (default sv)\n"
	"  --db URL      database (NATVERK_DB)\n"
	"  --base-url U  public URL for the link (NATVERK_BASE_URL)\n"
	"  -h, --help    print this help\n";

static const char usage_retention[] =
	"Usage: natverk retention [--db URL]\n"
	"\n"
	"Applies the retention rules in force today: deletes ended sessions, used or\n"
	"expired links, old mail, sign-in attempts and revoked tokens, and anonymises\n"
	"accounts deactivated long ago.  The server does this once a day by itself.\n";

static int say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("natverk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FAILURE;
}

enum err cli_open_db(const struct config *cfg, struct db **db, char *err, size_t errlen)
{
	enum err rc = db_open(cfg->db_url, db, err, errlen);
	if (rc != E_OK)
		return rc;
	char *dir = config_path(cfg, "migrations");
	struct migrate_status st;
	rc = migrate_status(*db, dir, &st, err, errlen);
	free(dir);
	if (rc == E_OK && st.pending > 0) {
		snprintf(err, errlen, "the database schema is out of date: run `natverk migrate`");
		rc = E_INVALID;
	}
	if (rc != E_OK) {
		db_close(*db);
		*db = NULL;
	}
	return rc;
}

static enum err audit(struct db *db, const char *now, const char *action, int64_t person,
		      const char *after)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)person);
	struct audit_row row = {.at = now, .action = action, .object_type = "person",
				.object_id = id, .after_json = after};
	return db_audit_insert(db, &row);
}

/* Finds or creates the person for email; *id gets the key. */
static enum err find_or_create(struct db *db, struct arena *a, const char *email, const char *name,
			       const char *lang, const char *now, int64_t *id, bool *created)
{
	struct person p;
	enum err rc = db_person_by_email(db, a, email, &p);
	*created = false;
	if (rc == E_OK) {
		*id = p.id;
		return p.active ? E_OK : E_CONFLICT;
	}
	if (rc != E_NOTFOUND)
		return rc;
	char pseudonym[32];
	unsigned char raw[6];
	randombytes_buf(raw, sizeof raw);
	snprintf(pseudonym, sizeof pseudonym, "Person %02X%02X%02X%02X%02X%02X", raw[0], raw[1],
		 raw[2], raw[3], raw[4], raw[5]);
	struct person np = {.email = email, .name = name, .lang = lang, .active = true,
			    .pseudonym = pseudonym};
	rc = db_person_insert(db, &np, now, id);
	if (rc == E_OK)
		rc = audit(db, now, "person.create", *id, "{\"by\":\"command line\"}");
	*created = rc == E_OK;
	return rc;
}

int user_cli(int argc, char **argv, struct config *cfg)
{
	static const struct option opts[] = {
		{"admin", no_argument, NULL, 'a'},  {"name", required_argument, NULL, 'n'},
		{"lang", required_argument, NULL, 'l'}, {"db", required_argument, NULL, 'd'},
		{"base-url", required_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(usage_user, stdout);
			return EXIT_SUCCESS;
		}
		fputs(usage_user, stderr);
		return 2;
	}
	bool admin = false;
	const char *name = NULL, *lang = "sv";
	optind = 1;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': admin = true; break;
		case 'n': name = optarg; break;
		case 'l': lang = optarg; break;
		case 'd': cfg->db_url = optarg; break;
		case 'b': cfg->base_url = optarg; break;
		case 'h': fputs(usage_user, stdout); return EXIT_SUCCESS;
		default: fputs(usage_user, stderr); return 2;
		}
	}
	if (optind + 1 != argc - 1) {
		fputs(usage_user, stderr);
		return 2;
	}
	if (strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0)
		return say("--lang must be sv or en, not '%s'", lang);
	char email[256];
	snprintf(email, sizeof email, "%s", argv[optind + 1]);
	for (char *p = email; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *at = strchr(email, '@');
	if (at == NULL || at == email || strchr(at, '.') == NULL || strpbrk(email, " <>,;\"") != NULL)
		return say("'%s' is not an e-mail address", argv[optind + 1]);
	char default_name[256];
	snprintf(default_name, sizeof default_name, "%.*s", (int)(at - email), email);
	struct db *db;
	char err[512];
	if (cli_open_db(cfg, &db, err, sizeof err) != E_OK)
		return say("%s", err);
	struct arena *a = arena_new();
	time_t now = time(NULL);
	char nowtxt[TIMEFMT_LEN];
	timefmt_iso(now, nowtxt);
	int64_t id = 0;
	bool created = false;
	char token[TOKEN_LEN + 1];
	int64_t link_id;
	enum err rc = db_begin(db);
	if (rc == E_OK)
		rc = find_or_create(db, a, email, name != NULL ? name : default_name, lang, nowtxt,
				    &id, &created);
	if (rc == E_OK && admin) {
		rc = db_role_grant(db, id, "administrator", nowtxt);
		if (rc == E_OK)
			rc = audit(db, nowtxt, "role.grant", id,
				   "{\"kind\":\"global\",\"role\":\"administrator\",\"object_id\":0}");
	}
	if (rc == E_OK)
		rc = link_create(db, LINK_SET_PASSWORD, id, email, NULL, 0, now, LINK_TTL_SET_PASSWORD,
				 token, &link_id);
	if (rc == E_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	const char *msg = db_errmsg(db);
	int status = EXIT_SUCCESS;
	if (rc == E_CONFLICT) {
		status = say("the account of %s is deactivated or erased", email);
	} else if (rc != E_OK) {
		status = say("cannot add the user: %s", msg);
	} else {
		printf("%s %s%s\n", created ? "created" : "found", email, admin ? " (administrator)" : "");
		printf("one-time link to choose a password (valid 7 days):\n%s/password/reset/%s\n",
		       cfg->base_url != NULL ? cfg->base_url : "http://127.0.0.1:8080", token);
	}
	arena_free(a);
	db_close(db);
	return status;
}

int retention_cli(int argc, char **argv, struct config *cfg)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_retention, stdout);
			return EXIT_SUCCESS;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			cfg->db_url = argv[++i];
			continue;
		}
		fputs(usage_retention, stderr);
		return 2;
	}
	struct db *db;
	char err[512];
	if (cli_open_db(cfg, &db, err, sizeof err) != E_OK)
		return say("%s", err);
	enum err rc = retention_run(db, time(NULL), stdout, err, sizeof err);
	db_close(db);
	return rc == E_OK ? EXIT_SUCCESS : say("%s", err);
}

enum err accounts_first_admin_link(struct db *db, const char *base_url, char *url, size_t len,
				   bool *needed)
{
	*needed = false;
	int64_t admins = 0;
	enum err rc = db_count_administrators(db, &admins);
	if (rc != E_OK || admins > 0)
		return rc;
	char token[TOKEN_LEN + 1];
	int64_t id;
	rc = link_create(db, LINK_FIRST_ADMIN, 0, NULL, NULL, 0, time(NULL), LINK_TTL_FIRST_ADMIN,
			 token, &id);
	if (rc != E_OK)
		return rc;
	snprintf(url, len, "%s/setup/%s", base_url, token);
	*needed = true;
	return E_OK;
}
