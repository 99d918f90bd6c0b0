/*
 * test_matrix.c - the role x route matrix: every route of the table, asked
 * by a visitor and by a person holding each role, must answer the expected
 * status.  Runs on SQLite and PostgreSQL (NATVERK_TEST_DB).
 *
 * Roles, one letter each (see accounts_support.h):
 *   V visitor, O member of another organisation, M member, C contact person,
 *   J project coordinator, R research advisor, E mentor, X national expert,
 *   P programme officer, F finance officer, A administrator.
 * Every request gets a fresh session, so one row's side effects (signing
 * out everywhere, say) do not leak into the next.
 */
#include "accounts_support.h"

struct row {
	const char *method;  /* HTTP method */
	const char *target;  /* with %A (organisation A), %M (the member) and %N (network) */
	const char *form;    /* form fields after _csrf, or NULL for no body */
	int expect[WHO__COUNT]; /* status per role, in the order V O M C J R E X P F A */
};

#define ALL(s) {s, s, s, s, s, s, s, s, s, s, s}
/* Visitor redirected to sign in, every signed-in person 200. */
#define SIGNED_IN_GET {302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}
/* Staff pages: visitor to sign-in, non-staff 403, the three staff roles 200. */
#define STAFF_GET {302, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200}

static const struct row rows[] = {
	{"GET", "/", NULL, ALL(200)},
	{"GET", "/organisations", NULL, ALL(200)},
	{"GET", "/organisations/%A", NULL, ALL(200)},
	{"GET", "/countries", NULL, ALL(200)},
	{"GET", "/countries/SE", NULL, ALL(200)},
	{"GET", "/language/en?next=%2F", NULL, ALL(303)},
	{"GET", "/static/css/app.css", NULL, ALL(200)},
	{"GET", "/healthz", NULL, ALL(200)},
	{"GET", "/favicon.ico", NULL, ALL(301)},
	{"GET", "/metrics", NULL, ALL(200)},
	{"GET", "/signin", NULL, {200, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
	{"GET", "/password/reset", NULL, ALL(200)},
	{"GET", "/organisations/%A/members", NULL, {302, 403, 200, 200, 403, 403, 403, 403, 200, 200, 200}},
	{"POST", "/organisations/%A/invitations", "email=new%40example.org&grant=o%3Amember&lang=sv",
	 {401, 403, 403, 303, 403, 403, 403, 403, 303, 403, 303}},
	{"GET", "/profile", NULL, SIGNED_IN_GET},
	{"GET", "/profile/tokens", NULL, SIGNED_IN_GET},
	{"GET", "/profile/data", NULL, SIGNED_IN_GET},
	{"GET", "/profile/erase", NULL, SIGNED_IN_GET},
	{"POST", "/profile", "name=", {401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422}},
	{"POST", "/profile/password", "current_password=wrong", {401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422}},
	{"POST", "/profile/tokens", "name=script", {401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}},
	{"POST", "/profile/tokens/999999/revoke", "", {401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
	{"POST", "/profile/erase", "password=wrong&confirm=yes", {401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422}},
	{"POST", "/signout/everywhere", "", {401, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
	{"POST", "/signout", "", ALL(303)},
	{"GET", "/admin", NULL, STAFF_GET},
	{"GET", "/admin/people", NULL, STAFF_GET},
	{"GET", "/admin/people/%M", NULL, STAFF_GET},
	{"GET", "/admin/people/999999", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 404, 404, 404}},
	{"POST", "/admin/people/%M/roles", "action=add&kind=o&role=member&organisation_id=%B",
	 {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 303}},
	{"POST", "/admin/people/%M/active", "active=1", {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 303}},
	{"POST", "/admin/people/%M/erase", "", {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422}},
	{"GET", "/admin/invitations", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
	{"POST", "/admin/invitations", "email=x%40example.org&grant=o%3Amember&organisation_id=%A&lang=en",
	 {401, 403, 403, 403, 403, 403, 403, 403, 303, 403, 303}},
	{"POST", "/admin/invitations", "email=y%40example.org&grant=g%3Aadministrator&lang=en",
	 {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 303}},
	{"POST", "/admin/invitations", "email=z%40example.org&grant=n%3Amentor&network_id=%N&lang=en",
	 {401, 403, 403, 403, 403, 403, 403, 403, 303, 403, 303}},
	{"GET", "/admin/audit", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
	{"GET", "/admin/mail", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
	{"POST", "/signin", "email=nobody%W%40example.org&password=wrong", ALL(422)},
	{"POST", "/password/reset", "email=nobody%W%40example.org", ALL(200)},
	/* networks rows */
	{"GET", "/networks", NULL, ALL(200)},
	{"GET", "/networks?status=nonsense", NULL, ALL(400)},
	{"GET", "/networks/klimat", NULL, ALL(200)},
	{"GET", "/networks/no-such-network", NULL, ALL(404)},
	{"GET", "/admin/networks", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
	{"GET", "/admin/networks/new", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
	/* Invalid forms, so that no row creates or changes a network the
	 * rows after it (interest, declarations) rely on. */
	{"POST", "/admin/networks/new", "name_sv=", {401, 403, 403, 403, 403, 403, 403, 403, 422, 403, 422}},
	{"GET", "/admin/networks/%N/edit", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
	{"GET", "/admin/networks/999999/edit", NULL, {302, 403, 403, 403, 403, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/networks/%N/edit", "name_sv=", {401, 403, 403, 403, 403, 403, 403, 403, 422, 403, 422}},
	{"POST", "/admin/networks/%N/status", "to=closed", {401, 403, 403, 403, 403, 403, 403, 403, 422, 403, 422}},
	/* end networks rows */
	/* interest rows */
	/* The public form: the honeypot row stores nothing and is not counted
	 * by the rate limit, so eleven roles can send it. */
	{"GET", "/interest", NULL, ALL(200)},
	{"POST", "/interest", "website=http%3A%2F%2Fspam.example&organisation=%A", ALL(200)},
	{"GET", "/interest/withdraw/notatoken", NULL, ALL(404)},
	{"POST", "/interest/withdraw/notatoken", "", ALL(404)},
	/* Triage: staff (not finance) and the network's project coordinator. */
	{"GET", "/admin/registrations", NULL, {302, 403, 403, 403, 200, 403, 403, 403, 200, 403, 200}},
	{"GET", "/admin/registrations/999999", NULL, {302, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/registrations/999999/status", "to=in_dialogue",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/registrations/999999/network", "network_id=%N",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/registrations/999999/notes", "note=x",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/registrations/999999/contact", "contact_name=x",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"GET", "/admin/networks/%N/registrations.csv", NULL, {302, 403, 403, 403, 200, 403, 403, 403, 200, 403, 200}},
	/* end interest rows */
	/* declarations rows */
	{"GET", "/declarations/new", NULL, ALL(200)},
	/* The honeypot: every role sees the thank-you page and nothing is
	 * counted, so eleven rows stay under the per-address rate limit. */
	{"POST", "/declarations/new", "website=spam&contact_name=x", ALL(200)},
	{"GET", "/declarations/withdraw/notatoken", NULL, ALL(404)},
	{"POST", "/declarations/withdraw/notatoken", "", ALL(404)},
	{"GET", "/partners", NULL, ALL(200)},
	{"GET", "/partners?cluster=nowhere", NULL, ALL(400)},
	{"GET", "/partners/999999", NULL, ALL(404)},
	/* Members of an organisation (all Swedish here) pass the policy and
	 * find no such partner; people without an organisation may not ask. */
	{"POST", "/partners/999999/contact", "message=hello", {401, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403}},
	{"GET", "/contact-requests/notatoken", NULL, ALL(404)},
	{"POST", "/contact-requests/notatoken", "answer=accept", ALL(404)},
	{"GET", "/admin/declarations", NULL, {302, 403, 403, 403, 200, 403, 403, 403, 200, 403, 200}},
	{"GET", "/admin/declarations/999999", NULL, {302, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/declarations/999999/status", "status=approved&from=received",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/declarations/999999/network", "network_id=%N",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"POST", "/admin/declarations/999999/notes", "body=note",
	 {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"GET", "/admin/networks/%N/declarations.csv", NULL, {302, 403, 403, 403, 200, 403, 403, 403, 200, 403, 200}},
	/* end declarations rows */
	/* matching rows */
	{"GET", "/networks/klimat/matching", NULL, {302, 403, 403, 403, 200, 403, 403, 403, 200, 403, 200}},
	{"GET", "/networks/nosuch/matching", NULL, ALL(404)},
	{"POST", "/networks/klimat/matching/settings",
	 "topic=3&country=2&population=1&language=2&preference=2&contact=1&cap=",
	 {401, 403, 403, 403, 303, 403, 403, 403, 303, 403, 303}},
	{"POST", "/networks/klimat/matching/pair", "registration_id=999999&declaration_id=999999&action=lock",
	 {401, 403, 403, 403, 422, 403, 403, 403, 422, 403, 422}},
	{"POST", "/networks/klimat/matching/rank", "side=swedish&registration_id=1&declaration_id=1&rank=1",
	 {401, 403, 403, 403, 422, 403, 403, 403, 422, 403, 422}},
	{"POST", "/networks/klimat/matching/runs", "mode=optimal", {401, 403, 403, 403, 303, 403, 403, 403, 303, 403, 303}},
	{"POST", "/networks/klimat/matching/runs/999999/confirm", "", {401, 403, 403, 403, 404, 403, 403, 403, 404, 403, 404}},
	{"GET", "/introductions/notatoken", NULL, ALL(404)},
	{"POST", "/introductions/notatoken", "answer=accepted", ALL(404)},
	/* end matching rows */
	{"GET", "/setup/notatoken", NULL, ALL(404)},
	{"POST", "/setup/notatoken", "", ALL(404)},
	{"POST", "/password/reset/notatoken", "", ALL(404)},
	{"POST", "/invitations/notatoken", "", ALL(404)},
	{"POST", "/invitations/notatoken/renew", "", ALL(404)},
	{"GET", "/password/reset/notatoken", NULL, ALL(404)},
	{"GET", "/invitations/notatoken", NULL, ALL(404)},
	{"GET", "/email/confirm/notatoken", NULL, ALL(404)},
};

static int current_who; /* the role being asked, for %W */

/* Replaces %A, %B, %M and %N by the world's ids and %W by the role's letter. */
static const char *fill(const char *pattern)
{
	static char out[2][1024];
	static int which;
	which ^= 1;
	char *o = out[which];
	size_t n = 0;
	for (const char *p = pattern; *p != '\0' && n < sizeof out[0] - 32; p++) {
		if (*p == '%' && p[1] == 'W') {
			o[n++] = who_letters[current_who];
			p++;
		} else if (*p == '%' && p[1] != '\0' && strchr("ABMN", p[1]) != NULL) {
			int64_t v = p[1] == 'A' ? W.org_a : p[1] == 'B' ? W.org_b
				  : p[1] == 'M' ? W.person[WHO_MEMBER] : W.network;
			n += (size_t)snprintf(o + n, sizeof out[0] - n, "%lld", (long long)v);
			p++;
		} else {
			o[n++] = *p;
		}
	}
	o[n] = '\0';
	return o;
}

TestSuite(matrix, .init = world_setup, .fini = world_teardown, .timeout = 240);

Test(matrix, every_route_for_every_role)
{
	int failures = 0, checked = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *row = &rows[i];
		for (int w = 0; w < WHO__COUNT; w++) {
			current_who = w;
			const char *session = w_session((enum who)w);
			const char *form = row->form != NULL ? w_form(session, fill(row->form)) : NULL;
			const char *extra[] = {W_PRESESSION, NULL};
			struct answer a;
			w_call(&a, row->method, fill(row->target), session, form, extra);
			checked++;
			if (a.status != row->expect[w]) {
				failures++;
				cr_expect_eq(a.status, row->expect[w], "%s %s as %c: %d, expected %d",
					     row->method, row->target, who_letters[w], a.status,
					     row->expect[w]);
			}
			answer_free(&a);
		}
	}
	cr_assert_eq(failures, 0, "%d of %d role x route checks failed", failures, checked);
}

/* Every route of the table appears in the matrix, so a new route cannot
 * land without its permissions being written down. */
Test(matrix, covers_every_route)
{
	const struct server_app *app = routes_app();
	for (size_t r = 0; r < app->nroutes; r++) {
		const struct route *rt = &app->routes[r];
		if (rt->flags & ROUTE_NO_CSRF)
			continue; /* the CSP report endpoint: tested in test_server */
		bool found = false;
		for (size_t i = 0; i < sizeof rows / sizeof rows[0] && !found; i++) {
			struct req *q = req_new_test(rows[i].method, fill(rows[i].target), NULL);
			unsigned allowed;
			found = router_match(app->routes, app->nroutes, q, &allowed) == rt;
			arena_free(q->arena);
		}
		cr_expect(found, "route %s (%s) is not in the matrix", rt->pattern, rt->name);
	}
}
