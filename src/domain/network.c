/*
 * network.c - see network.h.
 */
#include "domain/network.h"

#include <string.h>

#define N_(s) (s)

static const struct {
	const char *code;
	const char *name;
} statuses[NET__COUNT] = {
	[NET_PLANNED] = {"planned", N_("Planned")},
	[NET_OPEN] = {"open_for_interest", N_("Open for interest")},
	[NET_MATCHING] = {"matching", N_("Matching partners")},
	[NET_INCEPTION] = {"inception", N_("Inception")},
	[NET_IMPLEMENTATION] = {"implementation", N_("Implementation")},
	[NET_CLOSING] = {"closing", N_("Closing")},
	[NET_CLOSED] = {"closed", N_("Closed")},
};

const char *network_status_code(enum network_status s)
{
	return (unsigned)s < NET__COUNT ? statuses[s].code : "planned";
}

const char *network_status_name(enum network_status s)
{
	return (unsigned)s < NET__COUNT ? statuses[s].name : statuses[NET_PLANNED].name;
}

bool network_status_parse(const char *code, enum network_status *out)
{
	for (int i = 0; code != NULL && i < NET__COUNT; i++) {
		if (strcmp(statuses[i].code, code) == 0) {
			*out = (enum network_status)i;
			return true;
		}
	}
	return false;
}

bool network_may_move(enum network_status from, enum network_status to)
{
	return (unsigned)from < NET__COUNT && (unsigned)to < NET__COUNT && to == from + 1;
}

bool network_takes_interest(enum network_status s)
{
	return s == NET_OPEN || s == NET_MATCHING;
}

bool network_is_past(enum network_status s)
{
	return s == NET_CLOSED;
}

bool network_timeframe_valid(int inception_years, int project_years)
{
	return inception_years >= 0 && inception_years <= 2 && project_years >= 1 &&
	       project_years <= 6 && inception_years + project_years <= NETWORK_MAX_YEARS;
}
