/*
 * test_auth.c - the pieces of access control that need no database:
 * tokens, passwords and the policy module's rules.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <sodium.h>

#include "auth/password.h"
#include "auth/policy.h"
#include "auth/token.h"

static void init(void)
{
	cr_assert_geq(sodium_init(), 0);
}

TestSuite(auth, .init = init);

Test(auth, tokens_are_random_url_safe_and_stored_hashed)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];
	token_new(a);
	token_new(b);
	cr_expect_eq(strlen(a), TOKEN_LEN);
	cr_expect_str_neq(a, b);
	cr_expect(token_well_formed(a));
	cr_expect_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		     TOKEN_LEN, "base64url only");
	char h1[TOKEN_HASH_LEN + 1], h2[TOKEN_HASH_LEN + 1];
	token_hash(a, h1);
	token_hash(a, h2);
	cr_expect_str_eq(h1, h2, "the hash is stable");
	cr_expect_eq(strlen(h1), TOKEN_HASH_LEN);
	cr_expect_null(strstr(h1, a), "the hash does not contain the token");
	token_hash(b, h2);
	cr_expect_str_neq(h1, h2);
}

Test(auth, malformed_tokens_never_reach_the_database)
{
	static const char *bad[] = {NULL, "", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'",
				    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect_not(token_well_formed(bad[i]), "case %zu", i);
}

Test(auth, token_comparison_is_exact)
{
	/* sodium_memcmp takes the same time wherever the first difference is. */
	cr_expect(token_equal("abcdef", "abcdef"));
	cr_expect_not(token_equal("abcdef", "abcdeg"));
	cr_expect_not(token_equal("abcdef", "Xbcdef"));
	cr_expect_not(token_equal("abcdef", "abcde"), "different lengths");
	cr_expect_not(token_equal(NULL, "abcdef"));
	cr_expect_not(token_equal("abcdef", NULL));
}

Test(auth, passwords_hash_with_argon2id_and_verify)
{
	char hash[PASSWORD_HASH_MAX];
	cr_assert_eq(password_hash("correct horse battery staple", hash), E_OK);
	cr_expect(strncmp(hash, "$argon2id$", 10) == 0, "%s", hash);
	cr_expect(password_verify("correct horse battery staple", hash));
	cr_expect_not(password_verify("correct horse battery stapler", hash));
	cr_expect_not(password_verify("correct horse battery staple", NULL), "no hash: never");
	cr_expect_not(password_needs_rehash(hash));
	char weak[PASSWORD_HASH_MAX];
	cr_assert_eq(crypto_pwhash_str(weak, "x", 1, crypto_pwhash_OPSLIMIT_MIN,
				       crypto_pwhash_MEMLIMIT_MIN), 0);
	cr_expect(password_needs_rehash(weak), "weaker hashes are upgraded at sign-in");
}

Test(auth, password_rules)
{
	cr_expect_null(password_problem("a long enough passphrase", "x@example.org"));
	cr_expect_null(password_problem("åäöåäöåäöå", NULL), "10 characters, not bytes");
	cr_expect_not_null(password_problem("åäöåäö", NULL));
	cr_expect_not_null(password_problem("", NULL));
	cr_expect_not_null(password_problem(NULL, NULL));
	cr_expect_not_null(password_problem("Someone@Example.org", "someone@example.org"));
	char huge[PASSWORD_MAX_BYTES + 2];
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	cr_expect_not_null(password_problem(huge, NULL));
}

Test(auth, policy_rules)
{
	struct membership org_member = {7, "member"}, org_contact = {7, "contact_person"};
	struct membership coordinator = {3, "project_coordinator"}, mentor = {3, "mentor"};
	struct actor visitor = {0};
	struct actor admin = {.person_id = 1, .roles = ROLE_ADMINISTRATOR};
	struct actor officer = {.person_id = 2, .roles = ROLE_PROGRAMME_OFFICER};
	struct actor finance = {.person_id = 3, .roles = ROLE_FINANCE_OFFICER};
	struct actor member = {.person_id = 4, .orgs = &org_member, .norgs = 1};
	struct actor contact = {.person_id = 5, .orgs = &org_contact, .norgs = 1};
	struct actor coord = {.person_id = 6, .networks = &coordinator, .nnetworks = 1};
	struct actor ment = {.person_id = 7, .networks = &mentor, .nnetworks = 1};
	static const struct {
		enum action act;
		int64_t object;
		/* visitor admin officer finance member contact coordinator mentor */
		bool allowed[8];
	} cases[] = {
		{ACT_SELF, 0, {0, 1, 1, 1, 1, 1, 1, 1}},
		{ACT_PEOPLE_VIEW, 0, {0, 1, 1, 1, 0, 0, 0, 0}},
		{ACT_PERSON_MANAGE, 0, {0, 1, 0, 0, 0, 0, 0, 0}},
		{ACT_PERSON_ERASE, 0, {0, 1, 0, 0, 0, 0, 0, 0}},
		{ACT_AUDIT_VIEW, 0, {0, 1, 1, 0, 0, 0, 0, 0}},
		{ACT_MAIL_VIEW, 0, {0, 1, 0, 0, 0, 0, 0, 0}},
		{ACT_INVITE_GLOBAL, 0, {0, 1, 0, 0, 0, 0, 0, 0}},
		{ACT_INVITE_ORG, 7, {0, 1, 1, 0, 0, 1, 0, 0}},
		{ACT_INVITE_ORG, 8, {0, 1, 1, 0, 0, 0, 0, 0}},
		{ACT_INVITE_NETWORK, 3, {0, 1, 1, 0, 0, 0, 1, 0}},
		{ACT_INVITE_NETWORK, 4, {0, 1, 1, 0, 0, 0, 0, 0}},
		{ACT_ORG_MEMBERS, 7, {0, 1, 1, 1, 1, 1, 0, 0}},
		{ACT_ORG_MEMBERS, 8, {0, 1, 1, 1, 0, 0, 0, 0}},
		{ACT_NETWORK_MEMBERS, 3, {0, 1, 1, 1, 0, 0, 1, 1}},
	};
	const struct actor *who[8] = {&visitor, &admin, &officer, &finance, &member, &contact, &coord, &ment};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int w = 0; w < 8; w++)
			cr_expect_eq(policy_allows(who[w], cases[i].act, cases[i].object),
				     cases[i].allowed[w], "case %zu, actor %d", i, w);
	cr_expect_not(policy_allows(NULL, ACT_SELF, 0));
}
