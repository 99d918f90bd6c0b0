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
#include "pages/organisations.h"
#include "pages/system.h"

static const struct route routes[] = {
	{HTTP_GET, "/", home_show, 0, 0, "home"},
	{HTTP_GET, "/organisations", organisations_index, ROUTE_DB, 0, "organisations_index"},
	{HTTP_GET, "/organisations/{id}", organisations_show, ROUTE_DB, 0, "organisations_show"},
	{HTTP_GET, "/countries", countries_index, ROUTE_DB, 0, "countries_index"},
	{HTTP_GET, "/countries/{iso2}", countries_show, ROUTE_DB, 0, "countries_show"},
	{HTTP_GET, "/language/{lang}", language_switch, 0, 0, "language_switch"},
	{HTTP_GET, "/static/{path}", static_serve, ROUTE_PREFIX | ROUTE_NO_SESSION, 0, "static"},
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
