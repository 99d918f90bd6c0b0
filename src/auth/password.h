/*
 * password.h - password hashing with argon2id (libsodium crypto_pwhash_str)
 * and the rules a new password must meet.
 *
 * The cost is OWASP's argon2id recommendation (19 MiB, 2 passes): strong
 * enough, and two concurrent sign-ins stay within the server's memory
 * budget.  Hashes made with other parameters are upgraded at the next
 * sign-in (password_needs_rehash).
 */
#ifndef NATVERK_PASSWORD_H
#define NATVERK_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define PASSWORD_MIN_CHARS 10	/* characters (code points) */
#define PASSWORD_MAX_BYTES 512	/* bytes; longer input is refused, not cut */
#define PASSWORD_HASH_MAX 128	/* bytes of a stored hash string, with NUL */
#define PASSWORD_OPSLIMIT 2
#define PASSWORD_MEMLIMIT (19u * 1024 * 1024)

/* Hashes password into out (PASSWORD_HASH_MAX bytes).  E_NOMEM when the
 * memory for argon2 cannot be had. */
enum err password_hash(const char *password, char *out);

/* True when password matches the stored hash.  A NULL hash (no password
 * chosen yet, or an unknown account) still spends the same time on a dummy
 * verification, so the answer's timing does not tell which case it was. */
bool password_verify(const char *password, const char *hash);

/* True when hash was made with other parameters than today's. */
bool password_needs_rehash(const char *hash);

/* NULL when password is acceptable for the account with this e-mail, else
 * an English message id (translate with gettext) saying what is wrong. */
const char *password_problem(const char *password, const char *email);

#endif
