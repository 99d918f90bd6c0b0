/*
 * main.c - the natverk command: serve, migrate, import, version.
 *
 * Configuration comes from defaults, then the environment (config.c), then
 * flags.  Every failure prints one line "natverk: ..." on standard error
 * and exits non-zero (1 for a failure, 2 for a usage error).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "config_build.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/server.h"
#include "http/static.h"
#include "import.h"
#include "accounts_cli.h"
#include "mail/mail.h"
#include "mail/smtp.h"
#include "maintenance.h"
#include "demo.h"
#include "match_cli.h"
#include "routes.h"
#include "util/jsonmem.h"
#include "util/log.h"
#include "util/str.h"
#include "view/i18n.h"
#include "view/view.h"

#define EXIT_USAGE 2

static const char usage_main[] =
	"natverk - thematic networks of municipal partnerships\n"
	"\n"
	"Usage: natverk COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  serve      serve the web application\n"
	"  migrate    apply pending database migrations\n"
	"  import     load the reference data (municipalities, regions, countries,\n"
	"             eligibility); running it again changes nothing\n"
	"  match      propose partnerships: the best one-to-one assignment for a\n"
	"             network (--network SLUG) or a score matrix (--scores FILE.csv)\n"
	"  user       natverk user add [--admin] EMAIL: an account and a link to set\n"
	"             its password\n"
	"  retention  apply the retention rules now (the server does it daily)\n"
	"  version    print the version\n"
	"  help       print this help\n"
	"\n"
	"Run `natverk COMMAND --help` for the options of a command.\n"
	"\n"
	"Environment (flags override):\n"
	"  NATVERK_DB          database: a SQLite file path or a postgres:// URL\n"
	"                      (default natverk.db)\n"
	"  NATVERK_LISTEN      address to serve on, host:port (default 127.0.0.1:8080)\n"
	"  NATVERK_ROOT        folder with templates/, static/, data/, migrations/\n"
	"                      (default: the source tree natverk was built from)\n"
	"  NATVERK_LOCALEDIR   folder with compiled translations (default: the build tree)\n"
	"  NATVERK_BASE_URL    public URL of the site, e.g. https://natverk.example.org\n"
	"  NATVERK_THREADS     worker threads (default: one per CPU, at least 2)\n"
	"  NATVERK_ACCESS_LOG  0 or off to turn the access log off\n"
	"  NATVERK_ISO_CODES   iso-codes country file for import\n"
	"                      (default /usr/share/iso-codes/json/iso_3166-1.json)\n"
	"  NATVERK_TRUSTED_PROXIES  reverse proxies (comma-separated addresses) whose\n"
	"                      X-Forwarded-For gives the client address\n"
	"  NATVERK_SMTP_URL    mail relay, smtp:// or smtps://user:password@host:port\n"
	"                      (default: none, mail is appended to NATVERK_MAIL_FILE)\n"
	"  NATVERK_MAIL_FILE   where mail goes without a relay (default: mail.out next\n"
	"                      to the SQLite file)\n"
	"  NATVERK_MAIL_FROM   sender, \"Name <address>\" (default natverk <no-reply@localhost>)\n";

static const char usage_serve[] =
	"Usage: natverk serve [OPTIONS]\n"
	"\n"
	"Serve the web application until SIGINT or SIGTERM; requests in flight are\n"
	"finished before exit.  The database schema must be up to date (natverk migrate).\n"
	"\n"
	"Options:\n"
	"  --db URL            database (NATVERK_DB)\n"
	"  --listen HOST:PORT  address (NATVERK_LISTEN); port 0 picks a free port\n"
	"  --root DIR          templates, static files, data, migrations (NATVERK_ROOT)\n"
	"  --threads N         worker threads (NATVERK_THREADS)\n"
	"  --base-url URL      public URL of the site (NATVERK_BASE_URL)\n"
	"  --no-access-log     do not write the access log\n"
	"  --demo              first load a demo network to explore (once; needs the\n"
	"                      reference data from natverk import)\n"
	"  -h, --help          print this help\n";

static const char usage_migrate[] =
	"Usage: natverk migrate [OPTIONS]\n"
	"\n"
	"Apply every pending migration from migrations/, each in its own transaction.\n"
	"Creates the SQLite file when it does not exist.\n"
	"\n"
	"Options:\n"
	"  --db URL      database (NATVERK_DB)\n"
	"  --root DIR    folder holding migrations/ (NATVERK_ROOT)\n"
	"  --status      only print the schema version and pending migrations\n"
	"  -h, --help    print this help\n";

static const char usage_import[] =
	"Usage: natverk import [OPTIONS]\n"
	"\n"
	"Load the reference data from data/ and Debian's iso-codes in one transaction.\n"
	"Idempotent: a second run changes nothing.  Nothing is ever deleted.\n"
	"\n"
	"Options:\n"
	"  --db URL      database (NATVERK_DB)\n"
	"  --root DIR    folder holding data/ (NATVERK_ROOT)\n"
	"  -h, --help    print this help\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("natverk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FAILURE;
}

enum opt {
	OPT_DB = 1000,
	OPT_LISTEN,
	OPT_ROOT,
	OPT_THREADS,
	OPT_BASE_URL,
	OPT_NO_LOG,
	OPT_STATUS,
	OPT_DEMO
};

/* Parses the flags common to the commands into cfg; returns -1 to go on,
 * or an exit status. */
static int parse_flags(int argc, char **argv, struct config *cfg, const char *usage,
		       bool *status_only)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, OPT_DB},
		{"listen", required_argument, NULL, OPT_LISTEN},
		{"root", required_argument, NULL, OPT_ROOT},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"base-url", required_argument, NULL, OPT_BASE_URL},
		{"no-access-log", no_argument, NULL, OPT_NO_LOG},
		{"status", no_argument, NULL, OPT_STATUS},
		{"demo", no_argument, NULL, OPT_DEMO},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool serve = usage == usage_serve;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int64_t n;
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_SUCCESS;
		case OPT_DB:
			cfg->db_url = optarg;
			break;
		case OPT_ROOT:
			cfg->root = optarg;
			break;
		case OPT_LISTEN:
		case OPT_THREADS:
		case OPT_BASE_URL:
		case OPT_NO_LOG:
		case OPT_DEMO:
			if (!serve)
				goto bad;
			if (c == OPT_LISTEN)
				cfg->listen = optarg;
			else if (c == OPT_BASE_URL)
				cfg->base_url = optarg;
			else if (c == OPT_NO_LOG)
				cfg->access_log = false;
			else if (c == OPT_DEMO)
				cfg->demo = true;
			else if (!str_to_i64(optarg, 1, CONFIG_MAX_THREADS, &n))
				return fail("--threads must be a number from 1 to %d", CONFIG_MAX_THREADS),
				       EXIT_USAGE;
			else
				cfg->threads = (int)n;
			break;
		case OPT_STATUS:
			if (status_only == NULL)
				goto bad;
			*status_only = true;
			break;
		default:
			goto bad;
		}
	}
	if (optind < argc) {
		fail("unexpected argument '%s'", argv[optind]);
		goto bad_quiet;
	}
	return -1;
bad:
	if (c != '?')
		fail("option not accepted by this command");
bad_quiet:
	fputs(usage, stderr);
	return EXIT_USAGE;
}

/* Opens the database; for serve and import a SQLite file must exist already. */
static int open_db(const struct config *cfg, bool create, struct db **db)
{
	char safe[512];
	db_redact_url(cfg->db_url, safe, sizeof safe);
	if (db_backend_for(cfg->db_url) == DB_SQLITE && !create) {
		struct stat st;
		if (stat(cfg->db_url, &st) != 0)
			return fail("database file %s does not exist: run `natverk migrate` and "
				    "`natverk import` first (or `make run`)",
				    safe);
	}
	char err[DB_ERRLEN];
	if (db_open(cfg->db_url, db, err, sizeof err) != E_OK)
		return fail("cannot open database %s: %s", safe, err);
	return -1;
}

/* Refuses a schema that is behind or ahead of this program's migrations. */
static int check_schema(const struct config *cfg, struct db *db)
{
	char *dir = config_path(cfg, "migrations");
	struct migrate_status st;
	char err[512];
	enum err rc = migrate_status(db, dir, &st, err, sizeof err);
	free(dir);
	if (rc != E_OK)
		return fail("cannot read the schema version: %s", err);
	if (st.current > st.latest)
		return fail("the database schema (version %d) is newer than this natverk "
			    "(version %d): upgrade natverk",
			    st.current, st.latest);
	if (st.pending > 0)
		return fail("the database schema is out of date (version %d, %d migration%s "
			    "pending, latest %d): run `natverk migrate`",
			    st.current, st.pending, st.pending == 1 ? "" : "s", st.latest);
	return -1;
}

static int cmd_migrate(int argc, char **argv, struct config *cfg)
{
	bool status_only = false;
	int r = parse_flags(argc, argv, cfg, usage_migrate, &status_only);
	if (r >= 0)
		return r;
	struct db *db;
	if ((r = open_db(cfg, !status_only, &db)) >= 0)
		return r;
	char *dir = config_path(cfg, "migrations");
	char err[512];
	int applied = 0;
	enum err rc;
	if (status_only) {
		struct migrate_status st;
		rc = migrate_status(db, dir, &st, err, sizeof err);
		if (rc == E_OK)
			printf("schema version %d, latest %d, %d pending\n", st.current, st.latest,
			       st.pending);
	} else {
		rc = migrate_apply(db, dir, stdout, &applied, err, sizeof err);
		if (rc == E_OK)
			printf("%d migration%s applied\n", applied, applied == 1 ? "" : "s");
	}
	free(dir);
	db_close(db);
	return rc == E_OK ? EXIT_SUCCESS : fail("%s", err);
}

static int cmd_import(int argc, char **argv, struct config *cfg)
{
	int r = parse_flags(argc, argv, cfg, usage_import, NULL);
	if (r >= 0)
		return r;
	char err[1024];
	if (i18n_init(cfg->localedir, err, sizeof err) != E_OK)
		return fail("%s", err);
	struct db *db;
	if ((r = open_db(cfg, false, &db)) >= 0)
		return r;
	if ((r = check_schema(cfg, db)) >= 0) {
		db_close(db);
		return r;
	}
	enum err rc = import_reference(db, cfg->root, stdout, err, sizeof err);
	db_close(db);
	if (rc != E_OK)
		return fail("import failed, nothing was changed: %s", err);
	printf("reference data imported\n");
	return EXIT_SUCCESS;
}

static int cmd_serve(int argc, char **argv, struct config *cfg)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = parse_flags(argc, argv, cfg, usage_serve, NULL);
	if (r >= 0)
		return r;
	log_set_access(cfg->access_log);
	char err[1024];
	if (i18n_init(cfg->localedir, err, sizeof err) != E_OK)
		return fail("%s", err);
	char *dir = config_path(cfg, "templates");
	enum err rc = view_init(dir, err, sizeof err);
	free(dir);
	if (rc != E_OK)
		return fail("templates: %s", err);
	dir = config_path(cfg, "static");
	rc = static_load(dir, err, sizeof err);
	free(dir);
	if (rc != E_OK)
		return fail("static files: %s", err);
	struct mail_config mail;
	mail_config_from_env(&mail, cfg->db_url);
	if (mail_config_check(&mail, err, sizeof err) != E_OK)
		return fail("mail: %s", err);
	struct db *db;
	if ((r = open_db(cfg, false, &db)) >= 0)
		return r;
	r = check_schema(cfg, db);
	if (r >= 0) {
		db_close(db);
		return r;
	}
	if (cfg->demo) {
		bool loaded;
		if (demo_load(db, &loaded, err, sizeof err) != E_OK) {
			db_close(db);
			return fail("demo: %s", err);
		}
		printf("%s\n", loaded ? "demo network loaded: /networks/demo-climate"
				      : "demo network already there: /networks/demo-climate");
	}

	/* Worker threads inherit this mask, so only sigwait below sees the signals. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = server_listen(cfg->listen, &cfg->listen_fd, &cfg->listen_port, err, sizeof err);
	if (rc != E_OK)
		return fail("%s", err);
	/* Links in mail need the public address; without one, use the bound one. */
	const char *host = cfg->listen;
	size_t hlen = strrchr(host, ':') != NULL ? (size_t)(strrchr(host, ':') - host) : 0;
	if (cfg->base_url == NULL) {
		snprintf(cfg->base_url_buf, sizeof cfg->base_url_buf, "http://%.*s:%d",
			 hlen > 0 && strncmp(host, "0.0.0.0", hlen) != 0 ? (int)hlen : 9,
			 hlen > 0 && strncmp(host, "0.0.0.0", hlen) != 0 ? host : "127.0.0.1",
			 cfg->listen_port);
		cfg->base_url = cfg->base_url_buf;
	}
	/* While nobody can administer the site, say how to become its administrator. */
	char setup_url[512];
	bool setup_needed = false;
	rc = accounts_first_admin_link(db, cfg->base_url, setup_url, sizeof setup_url, &setup_needed);
	db_close(db);
	if (rc != E_OK)
		return fail("cannot check for an administrator: %s", err_str(rc));
	struct mail_sender *sender = NULL;
	if (mail_sender_start(&mail, cfg->db_url, &sender) != E_OK)
		return fail("cannot start the mail sender");
	struct maintenance *maint = NULL;
	if (maintenance_start(cfg->db_url, &maint) != E_OK) {
		mail_sender_stop(sender);
		return fail("cannot start the maintenance thread");
	}
	struct server *srv;
	rc = server_start(cfg, routes_app(), &srv, err, sizeof err);
	if (rc != E_OK) {
		maintenance_stop(maint);
		mail_sender_stop(sender);
		return fail("%s", err);
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	char safe[512];
	db_redact_url(cfg->db_url, safe, sizeof safe);
	printf("natverk %s listening on %s (database %s, %d threads, ready in %.0f ms)\n",
	       NATVERK_VERSION, cfg->base_url, safe, cfg->threads, ms);
	if (setup_needed)
		printf("No administrator yet. Open this one-time link (valid 24 hours) to create one:\n"
		       "%s\n",
		       setup_url);
	fflush(stdout);

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("received %s, finishing requests in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	server_stop(srv, HTTP_SHUTDOWN_GRACE);
	maintenance_stop(maint);
	mail_sender_stop(sender);
	view_free();
	static_unload();
	log_info("stopped");
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return fail("libsodium cannot start");
	jsonmem_init();
	/* libcurl's global set-up is not thread-safe: do it before any thread. */
	if (smtp_global_init() != E_OK)
		return fail("libcurl cannot start");
	struct config cfg;
	char err[256];
	if (config_from_env(&cfg, err, sizeof err) != E_OK)
		return fail("%s", err);
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "match") == 0)
		return match_cli(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "user") == 0)
		return user_cli(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "retention") == 0)
		return retention_cli(argc - 1, argv + 1, &cfg);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("natverk %s\n", NATVERK_VERSION);
		return EXIT_SUCCESS;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_main, stdout);
		return EXIT_SUCCESS;
	}
	fail("unknown command '%s'", cmd);
	fputs(usage_main, stderr);
	return EXIT_USAGE;
}
