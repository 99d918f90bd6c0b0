/*
 * password.c - see password.h.
 */
#include "auth/password.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "util/str.h"

/* Marks a message for extraction; pages translate it when shown. */
#define N_(s) (s)

/* A hash of a random password, computed once, for dummy verifications. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[33];
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
		dummy_hash[0] = '\0';
}

enum err password_hash(const char *password, char *out)
{
	if (crypto_pwhash_str(out, password, strlen(password), PASSWORD_OPSLIMIT,
			      PASSWORD_MEMLIMIT) != 0)
		return E_NOMEM;
	return E_OK;
}

bool password_verify(const char *password, const char *hash)
{
	if (hash == NULL || hash[0] == '\0') {
		pthread_once(&dummy_once, make_dummy);
		/* The result does not matter, only the time spent. */
		if (dummy_hash[0] != '\0' &&
		    crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
}

const char *password_problem(const char *password, const char *email)
{
	size_t len = password != NULL ? strlen(password) : 0;
	if (len > PASSWORD_MAX_BYTES)
		return N_("The password is too long (at most 512 bytes).");
	if (len == 0 || str_utf8_len(password, len) < PASSWORD_MIN_CHARS)
		return N_("The password must have at least 10 characters.");
	if (email != NULL && strcasecmp(password, email) == 0)
		return N_("The password must not be your e-mail address.");
	return NULL;
}
