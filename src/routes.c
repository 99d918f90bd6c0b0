/*
 * routes.c - every URL of the site in one table: method, pattern, handler,
 * flags, body limit and the name used in metrics.  A newcomer looking for
 * the code behind /countries starts here.  Literal patterns come before
 * parameter patterns that could also match them.
 */
#include "routes.h"

#include "http/metrics.h"
#include "http/static.h"
#include "pages/common.h"
#include "pages/countries.h"
#include "pages/declarations.h"
#include "pages/networks.h"
#include "pages/account.h"
#include "pages/admin.h"
#include "pages/interest.h"
#include "pages/organisations.h"
#include "pages/profile.h"
#include "pages/system.h"
#include "pages/matching.h"

static const struct route routes[] = {
	{HTTP_GET, "/", home_show, 0, 0, "home"},
	{HTTP_GET, "/organisations", organisations_index, ROUTE_DB, 0, "organisations_index"},
	{HTTP_GET, "/organisations/{id}", organisations_show, ROUTE_DB, 0, "organisations_show"},
	{HTTP_GET, "/organisations/{id}/members", org_members, ROUTE_DB, 0, "org_members"},
	{HTTP_POST, "/organisations/{id}/invitations", org_invite, ROUTE_DB, 0, "org_invite"},
	{HTTP_GET, "/countries", countries_index, ROUTE_DB, 0, "countries_index"},
	{HTTP_GET, "/countries/{iso2}", countries_show, ROUTE_DB, 0, "countries_show"},
	{HTTP_GET, "/language/{lang}", language_switch, 0, 0, "language_switch"},
	{HTTP_GET, "/signin", signin_form, ROUTE_DB, 0, "signin_form"},
	{HTTP_POST, "/signin", signin, ROUTE_DB, 0, "signin"},
	{HTTP_POST, "/signout", signout, ROUTE_DB, 0, "signout"},
	{HTTP_POST, "/signout/everywhere", signout_everywhere, ROUTE_DB, 0, "signout_everywhere"},
	{HTTP_GET, "/setup/{token}", setup_form, ROUTE_DB, 0, "setup_form"},
	{HTTP_POST, "/setup/{token}", setup, ROUTE_DB, 0, "setup"},
	{HTTP_GET, "/password/reset", reset_request_form, ROUTE_DB, 0, "reset_request_form"},
	{HTTP_POST, "/password/reset", reset_request, ROUTE_DB, 0, "reset_request"},
	{HTTP_GET, "/password/reset/{token}", reset_form, ROUTE_DB, 0, "reset_form"},
	{HTTP_POST, "/password/reset/{token}", reset, ROUTE_DB, 0, "reset"},
	{HTTP_GET, "/invitations/{token}", invitation_form, ROUTE_DB, 0, "invitation_form"},
	{HTTP_POST, "/invitations/{token}", invitation_accept, ROUTE_DB, 0, "invitation_accept"},
	{HTTP_POST, "/invitations/{token}/renew", invitation_renew, ROUTE_DB, 0, "invitation_renew"},
	{HTTP_GET, "/email/confirm/{token}", email_confirm, ROUTE_DB, 0, "email_confirm"},
	{HTTP_GET, "/profile", profile_show, ROUTE_DB, 0, "profile_show"},
	{HTTP_POST, "/profile", profile_update, ROUTE_DB, 0, "profile_update"},
	{HTTP_POST, "/profile/password", profile_password, ROUTE_DB, 0, "profile_password"},
	{HTTP_GET, "/profile/data", profile_data, ROUTE_DB, 0, "profile_data"},
	{HTTP_GET, "/profile/erase", profile_erase_form, ROUTE_DB, 0, "profile_erase_form"},
	{HTTP_POST, "/profile/erase", profile_erase, ROUTE_DB, 0, "profile_erase"},
	{HTTP_GET, "/profile/tokens", tokens_index, ROUTE_DB, 0, "tokens_index"},
	{HTTP_POST, "/profile/tokens", tokens_create, ROUTE_DB, 0, "tokens_create"},
	{HTTP_POST, "/profile/tokens/{id}/revoke", tokens_revoke, ROUTE_DB, 0, "tokens_revoke"},
	/* networks: pages/networks.c */
	{HTTP_GET, "/networks", networks_index, ROUTE_DB, 0, "networks_index"},
	{HTTP_GET, "/networks/{slug}", networks_show, ROUTE_DB, 0, "networks_show"},
	{HTTP_GET, "/admin/networks", networks_admin, ROUTE_DB, 0, "networks_admin"},
	{HTTP_GET, "/admin/networks/new", networks_new, ROUTE_DB, 0, "networks_new"},
	{HTTP_POST, "/admin/networks/new", networks_create, ROUTE_DB, NETWORK_FORM_MAX_BODY,
	 "networks_create"},
	{HTTP_GET, "/admin/networks/{id}/edit", networks_edit, ROUTE_DB, 0, "networks_edit"},
	{HTTP_POST, "/admin/networks/{id}/edit", networks_update, ROUTE_DB, NETWORK_FORM_MAX_BODY,
	 "networks_update"},
	{HTTP_POST, "/admin/networks/{id}/status", networks_status, ROUTE_DB, 0, "networks_status"},
	/* end networks */
	/* interest (Swedish side): pages/interest.c */
	{HTTP_GET, "/interest", interest_form, ROUTE_DB, 0, "interest_form"},
	{HTTP_POST, "/interest", interest_submit, ROUTE_DB, 0, "interest_submit"},
	{HTTP_GET, "/interest/withdraw/{token}", interest_withdraw_form, ROUTE_DB, 0, "interest_withdraw_form"},
	{HTTP_POST, "/interest/withdraw/{token}", interest_withdraw, ROUTE_DB, 0, "interest_withdraw"},
	{HTTP_GET, "/admin/registrations", interest_queue, ROUTE_DB, 0, "interest_queue"},
	{HTTP_GET, "/admin/registrations/{id}", interest_show, ROUTE_DB, 0, "interest_show"},
	{HTTP_POST, "/admin/registrations/{id}/status", interest_status, ROUTE_DB, 0, "interest_status"},
	{HTTP_POST, "/admin/registrations/{id}/network", interest_assign, ROUTE_DB, 0, "interest_assign"},
	{HTTP_POST, "/admin/registrations/{id}/notes", interest_note, ROUTE_DB, 0, "interest_note"},
	{HTTP_POST, "/admin/registrations/{id}/contact", interest_contact, ROUTE_DB, 0, "interest_contact"},
	{HTTP_GET, "/admin/networks/{id}/registrations.csv", interest_csv, ROUTE_DB, 0, "interest_csv"},
	/* end interest */
	/* declarations (international side) and the partner board: pages/declarations.c */
	{HTTP_GET, "/declarations/new", declarations_new, ROUTE_DB, 0, "declarations_new"},
	{HTTP_POST, "/declarations/new", declarations_create, ROUTE_DB, DECL_FORM_MAX_BODY,
	 "declarations_create"},
	{HTTP_GET, "/declarations/withdraw/{token}", declarations_withdraw_form, ROUTE_DB, 0,
	 "declarations_withdraw_form"},
	{HTTP_POST, "/declarations/withdraw/{token}", declarations_withdraw, ROUTE_DB, 0,
	 "declarations_withdraw"},
	{HTTP_GET, "/partners", partners_index, ROUTE_DB, 0, "partners_index"},
	{HTTP_GET, "/partners/{id}", partners_show, ROUTE_DB, 0, "partners_show"},
	{HTTP_POST, "/partners/{id}/contact", partners_contact, ROUTE_DB, DECL_FORM_MAX_BODY,
	 "partners_contact"},
	{HTTP_GET, "/contact-requests/{token}", contact_requests_show, ROUTE_DB, 0,
	 "contact_requests_show"},
	{HTTP_POST, "/contact-requests/{token}", contact_requests_answer, ROUTE_DB, 0,
	 "contact_requests_answer"},
	{HTTP_GET, "/admin/declarations", admin_declarations_index, ROUTE_DB, 0,
	 "admin_declarations_index"},
	{HTTP_GET, "/admin/declarations/{id}", admin_declarations_show, ROUTE_DB, 0,
	 "admin_declarations_show"},
	{HTTP_POST, "/admin/declarations/{id}/status", admin_declarations_status, ROUTE_DB, 0,
	 "admin_declarations_status"},
	{HTTP_POST, "/admin/declarations/{id}/network", admin_declarations_network, ROUTE_DB, 0,
	 "admin_declarations_network"},
	{HTTP_POST, "/admin/declarations/{id}/notes", admin_declarations_note, ROUTE_DB, DECL_FORM_MAX_BODY,
	 "admin_declarations_note"},
	{HTTP_GET, "/admin/networks/{id}/declarations.csv", admin_declarations_csv, ROUTE_DB, 0,
	 "admin_declarations_csv"},
	/* end declarations */
	/* matching: pages/matching.c */
	{HTTP_GET, "/networks/{slug}/matching", matching_show, ROUTE_DB, 0, "matching_show"},
	{HTTP_POST, "/networks/{slug}/matching/settings", matching_settings, ROUTE_DB, 0, "matching_settings"},
	{HTTP_POST, "/networks/{slug}/matching/pair", matching_pair, ROUTE_DB, 0, "matching_pair"},
	{HTTP_POST, "/networks/{slug}/matching/rank", matching_rank, ROUTE_DB, 0, "matching_rank"},
	{HTTP_POST, "/networks/{slug}/matching/runs", matching_run, ROUTE_DB, 0, "matching_run"},
	{HTTP_POST, "/networks/{slug}/matching/runs/{id}/confirm", matching_confirm, ROUTE_DB, 0, "matching_confirm"},
	{HTTP_GET, "/introductions/{token}", introduction_form, ROUTE_DB, 0, "introduction_form"},
	{HTTP_POST, "/introductions/{token}", introduction_answer, ROUTE_DB, 0, "introduction_answer"},
	/* end matching */
	{HTTP_GET, "/admin", admin_home, ROUTE_DB, 0, "admin_home"},
	{HTTP_GET, "/admin/people", admin_people, ROUTE_DB, 0, "admin_people"},
	{HTTP_GET, "/admin/people/{id}", admin_person, ROUTE_DB, 0, "admin_person"},
	{HTTP_POST, "/admin/people/{id}/roles", admin_person_roles, ROUTE_DB, 0, "admin_person_roles"},
	{HTTP_POST, "/admin/people/{id}/active", admin_person_active, ROUTE_DB, 0, "admin_person_active"},
	{HTTP_POST, "/admin/people/{id}/erase", admin_person_erase, ROUTE_DB, 0, "admin_person_erase"},
	{HTTP_GET, "/admin/invitations", admin_invitations_form, ROUTE_DB, 0, "admin_invitations_form"},
	{HTTP_POST, "/admin/invitations", admin_invitations_create, ROUTE_DB, 0, "admin_invitations_create"},
	{HTTP_GET, "/admin/audit", admin_audit, ROUTE_DB, 0, "admin_audit"},
	{HTTP_GET, "/admin/mail", admin_mail, ROUTE_DB, 0, "admin_mail"},
	{HTTP_GET, "/static/{path}", static_serve, ROUTE_PREFIX | ROUTE_NO_SESSION, 0, "static"},
	{HTTP_GET, "/favicon.ico", favicon, ROUTE_NO_SESSION, 0, "favicon"},
	{HTTP_GET, "/healthz", health_show, ROUTE_DB | ROUTE_DB_OPTIONAL | ROUTE_NOLOG | ROUTE_NO_SESSION, 0, "healthz"},
	{HTTP_GET, "/metrics", metrics_serve, ROUTE_NOLOG | ROUTE_NO_SESSION, 0, "metrics"},
	{HTTP_POST, "/csp-report", csp_report, ROUTE_NO_SESSION | ROUTE_NO_CSRF, CSP_REPORT_MAX_BODY,
	 "csp_report"},
};

static const struct server_app app = {
	routes,
	sizeof routes / sizeof routes[0],
	pages_handle,
	pages_fail,
};

const struct server_app *routes_app(void)
{
	return &app;
}
