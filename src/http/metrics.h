/*
 * metrics.h - request counters and latency histograms per route, served in
 * the Prometheus text format at /metrics.
 *
 * Counters are relaxed atomics in arrays sized once at start-up: the only
 * global state that changes while serving, and safe to update from every
 * worker thread without locks.
 */
#ifndef NATVERK_METRICS_H
#define NATVERK_METRICS_H

#include <stddef.h>

#include "http/router.h"

/* Sizes the counters for the route table (call once, before serving). */
void metrics_init(const struct route *routes, size_t n);

/* Counts one finished request; route_index -1 for requests no route matched. */
void metrics_record(int route_index, int status, double seconds);

/* Handler for GET /metrics. */
enum err metrics_serve(struct req *req, struct resp *resp);

#endif
