/*
 * test_interest_rules.c - the state machines of networks, registrations
 * and declarations: every pair of states, by each kind of mover.
 */
#include <criterion/criterion.h>

#include "domain/interest.h"
#include "domain/network.h"

Test(rules, network_moves_one_step_forward_only)
{
	for (int from = 0; from < NET__COUNT; from++)
		for (int to = 0; to < NET__COUNT; to++)
			cr_expect_eq(network_may_move(from, to), to == from + 1, "%s -> %s",
				     network_status_code(from), network_status_code(to));
	enum network_status s;
	cr_expect(network_status_parse("open_for_interest", &s) && s == NET_OPEN);
	cr_expect_not(network_status_parse("open", &s));
	cr_expect(network_takes_interest(NET_OPEN));
	cr_expect(network_takes_interest(NET_MATCHING));
	cr_expect_not(network_takes_interest(NET_PLANNED));
	cr_expect_not(network_takes_interest(NET_CLOSED));
	cr_expect(network_timeframe_valid(1, 3));
	cr_expect_not(network_timeframe_valid(1, 0));
	cr_expect_not(network_timeframe_valid(3, 3));
}

Test(rules, registration_moves)
{
	/* Expected: S = staff may, R = registrant may, - = nobody. */
	static const char *const table[REG__COUNT] = {
		/* to:  sub dia acc dec wit mat */
		[REG_SUBMITTED] = "-SSSR-",
		[REG_IN_DIALOGUE] = "--SSR-",
		[REG_ACCEPTED] = "------",
		[REG_DECLINED] = "------",
		[REG_WITHDRAWN] = "------",
		[REG_MATCHED] = "------", /* only the matching marks a registration matched */
	};
	for (int from = 0; from < REG__COUNT; from++)
		for (int to = 0; to < REG__COUNT; to++) {
			char want = table[from][to];
			cr_expect_eq(registration_may_move(from, to, BY_STAFF), want == 'S', "%s -> %s by staff",
				     reg_status_code(from), reg_status_code(to));
			cr_expect_eq(registration_may_move(from, to, BY_REGISTRANT), want == 'R',
				     "%s -> %s by the registrant", reg_status_code(from), reg_status_code(to));
		}
	cr_expect_eq(registration_after_repeat(REG_WITHDRAWN), REG_SUBMITTED);
	cr_expect_eq(registration_after_repeat(REG_DECLINED), REG_SUBMITTED);
	cr_expect_eq(registration_after_repeat(REG_ACCEPTED), REG_ACCEPTED);
	cr_expect_eq(registration_after_repeat(REG_IN_DIALOGUE), REG_IN_DIALOGUE);
}

Test(rules, declaration_moves)
{
	static const char *const table[DECL__COUNT] = {
		/* to:  rec app dec wit arc mat */
		[DECL_RECEIVED] = "-SSR--",
		[DECL_APPROVED] = "---RS-",
		[DECL_DECLINED] = "------",
		[DECL_WITHDRAWN] = "------",
		[DECL_ARCHIVED] = "------",
		[DECL_MATCHED] = "----S-",
	};
	for (int from = 0; from < DECL__COUNT; from++)
		for (int to = 0; to < DECL__COUNT; to++) {
			char want = table[from][to];
			cr_expect_eq(declaration_may_move(from, to, BY_STAFF), want == 'S');
			cr_expect_eq(declaration_may_move(from, to, BY_REGISTRANT), want == 'R');
		}
	cr_expect(declaration_public(DECL_APPROVED, true));
	cr_expect_not(declaration_public(DECL_APPROVED, false), "never without consent");
	cr_expect_not(declaration_public(DECL_RECEIVED, true), "never before approval");
	cr_expect_not(declaration_public(DECL_MATCHED, true), "off the board once matched");
	enum political_support s;
	cr_expect(support_parse("in_preparation", &s) && s == SUPPORT_IN_PREPARATION);
	cr_expect_not(support_parse("maybe", &s));
	cr_expect_not_null(work_lang_find("sw"));
	cr_expect_null(work_lang_find("xx"));
}
