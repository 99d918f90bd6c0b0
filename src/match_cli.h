/*
 * match_cli.h - `natverk match`: the optimal partnership proposal from the
 * command line, for audits and benchmarks.
 *
 * Reads a score matrix from a CSV file (the first row names the
 * international candidates after a corner cell, the first column the Swedish
 * participants, every other cell is a number), solves it with match_solve
 * and prints a table or one JSON object.  With --network it matches a
 * network's accepted participants with its candidates from the database,
 * with the scores, locks, forbids and cap the matching page uses
 * (matchmaker.h).  Owns only the reading and the output: the algorithm is
 * in domain/match.c.
 */
#ifndef NATVERK_MATCH_CLI_H
#define NATVERK_MATCH_CLI_H

#define MATCH_CLI_MAX_ROWS   20000              /* Swedish participants in a score file */
#define MATCH_CLI_MAX_RECORD ((size_t)64 << 20) /* bytes in one CSV record */

/*
 * Runs `natverk match` with argv[0] = "match".  Prints the result on
 * standard output, progress (for 500 or more rows or columns) and errors on
 * standard error as "natverk: FILE:LINE:COLUMN: what".  Returns the exit
 * status: 0 done, 1 a bad file, an unknown network or constraints that
 * cannot hold, 2 a usage error.
 */
struct config;
int match_cli(int argc, char **argv, struct config *cfg);

#endif
