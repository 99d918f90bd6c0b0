/*
 * accounts_cli.h - the command-line side of accounts: `natverk user add`,
 * `natverk retention`, and the first administrator's link that `natverk
 * serve` prints while no administrator exists.
 */
#ifndef NATVERK_ACCOUNTS_CLI_H
#define NATVERK_ACCOUNTS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "db/db.h"

/* natverk user add [--admin] [--name NAME] [--lang sv|en] EMAIL */
int user_cli(int argc, char **argv, struct config *cfg);

/* Opens cfg's database and checks that its schema is current (err says
 * why not).  Shared by the commands that work on a database. */
enum err cli_open_db(const struct config *cfg, struct db **db, char *err, size_t errlen);

/* natverk retention */
int retention_cli(int argc, char **argv, struct config *cfg);

/*
 * When no active administrator exists, makes a one-time link (24 hours) for
 * setting one up and writes its URL into url; *needed tells whether one was
 * made.
 */
enum err accounts_first_admin_link(struct db *db, const char *base_url, char *url, size_t len,
				   bool *needed);

#endif
