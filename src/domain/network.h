/*
 * network.h - a thematic network's status and its rules.
 *
 * A network moves planned -> open_for_interest -> matching -> inception ->
 * implementation -> closing -> closed, one step at a time and only by
 * staff (DOMAIN.md 11.3).  Swedish organisations may register interest
 * while it is open for interest or matching.  Plain C: no I/O.
 */
#ifndef NATVERK_DOMAIN_NETWORK_H
#define NATVERK_DOMAIN_NETWORK_H

#include <stdbool.h>

enum network_status {
	NET_PLANNED,
	NET_OPEN,	    /* open_for_interest */
	NET_MATCHING,
	NET_INCEPTION,
	NET_IMPLEMENTATION,
	NET_CLOSING,
	NET_CLOSED,
	NET__COUNT
};

#define NETWORK_MAX_YEARS 10 /* inception plus project years */

/* The stored code ("open_for_interest") and the English name (gettext id). */
const char *network_status_code(enum network_status s);
const char *network_status_name(enum network_status s);

/* Parses a stored code; false for anything else. */
bool network_status_parse(const char *code, enum network_status *out);

/* True when staff may move a network from one status to the other: the
 * next step only. */
bool network_may_move(enum network_status from, enum network_status to);

/* True while Swedish organisations may register interest in the network. */
bool network_takes_interest(enum network_status s);

/* True for networks shown under "past" rather than "current". */
bool network_is_past(enum network_status s);

/* True when a timeframe is sensible: 0..2 inception years, 1..6 project
 * years, NETWORK_MAX_YEARS in all at most. */
bool network_timeframe_valid(int inception_years, int project_years);

#endif
