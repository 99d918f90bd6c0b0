/*
 * token.c - see token.h.
 */
#include "auth/token.h"

#include <string.h>

#include <sodium.h>

void token_new(char *out)
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void token_hash(const char *token, char *out)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_LEN + 1, h, sizeof h);
}

bool token_well_formed(const char *s)
{
	if (s == NULL || strlen(s) != TOKEN_LEN)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

bool token_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
