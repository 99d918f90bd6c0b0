/*
 * token.h - secrets for cookies, links and API tokens.
 *
 * A token is 32 random bytes from libsodium, written as 43 characters of
 * base64url so it fits in URLs and cookies.  Only its hash is stored (a
 * keyless BLAKE2b-256 in hex): a leaked database does not give working
 * tokens, and lookups by hash need no constant-time search.  Comparisons of
 * secrets held in memory use sodium_memcmp.
 */
#ifndef NATVERK_TOKEN_H
#define NATVERK_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_LEN 43	      /* base64url characters for 32 bytes, no padding */
#define TOKEN_HASH_LEN 64     /* hex characters of the hash */

/* A new random token into out (TOKEN_LEN + 1 bytes). */
void token_new(char *out);

/* The stored form of token into out (TOKEN_HASH_LEN + 1 bytes). */
void token_hash(const char *token, char *out);

/* True when s has the shape of a token (length and alphabet), so junk never
 * reaches the database. */
bool token_well_formed(const char *s);

/* Constant-time equality of two NUL-terminated strings of the same length;
 * different lengths are unequal (the length is not secret). */
bool token_equal(const char *a, const char *b);

#endif
