/*
 * metrics.c - see metrics.h.  Statuses are counted per route in a fixed set
 * of slots (the codes this program answers) plus "other".
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

static const int status_codes[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404,
				   405, 409, 413, 414, 415, 422, 429, 431, 500, 503};
#define NSTATUS (sizeof status_codes / sizeof status_codes[0] + 1) /* + other */

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				 0.05,	 0.1,	0.25,	0.5,   1,    2.5};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct route_metrics {
	atomic_ullong by_status[NSTATUS];    /* requests per status slot */
	atomic_ullong le[NBUCKETS];	     /* requests at or under each bound */
	atomic_ullong count;		     /* all requests */
	atomic_ullong sum_us;		     /* total latency in microseconds */
};

static const struct route *table;     /* the route table */
static size_t nroutes;		      /* its length */
static struct route_metrics *metrics; /* nroutes + 1 entries; the last is "unmatched" */

void metrics_init(const struct route *routes, size_t n)
{
	free(metrics);
	table = routes;
	nroutes = n;
	metrics = calloc(n + 1, sizeof *metrics);
	if (metrics == NULL) {
		log_error("out of memory for metrics");
		abort();
	}
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (status_codes[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_record(int route_index, int status, double seconds)
{
	if (metrics == NULL)
		return;
	size_t i = route_index >= 0 && (size_t)route_index < nroutes ? (size_t)route_index : nroutes;
	struct route_metrics *m = &metrics[i];
	atomic_fetch_add_explicit(&m->by_status[status_slot(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(seconds * 1e6),
				  memory_order_relaxed);
	for (size_t b = 0; b < NBUCKETS; b++)
		if (seconds <= buckets[b])
			atomic_fetch_add_explicit(&m->le[b], 1, memory_order_relaxed);
}

static const char *route_label(size_t i)
{
	return i < nroutes ? table[i].name : "unmatched";
}

enum err metrics_serve(struct req *req, struct resp *resp)
{
	struct buf *b = &resp->body;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	if (metrics == NULL)
		return E_OK;
	buf_puts(b, "# HELP natverk_http_requests_total HTTP requests by route and status.\n"
		    "# TYPE natverk_http_requests_total counter\n");
	for (size_t i = 0; i <= nroutes; i++) {
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long v = atomic_load_explicit(&metrics[i].by_status[s],
								    memory_order_relaxed);
			if (v == 0)
				continue;
			if (s < NSTATUS - 1)
				buf_printf(b, "natverk_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					   route_label(i), status_codes[s], v);
			else
				buf_printf(b, "natverk_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					   route_label(i), v);
		}
	}
	buf_puts(b, "# HELP natverk_http_request_duration_seconds Time from request start to completion.\n"
		    "# TYPE natverk_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= nroutes; i++) {
		unsigned long long count = atomic_load_explicit(&metrics[i].count, memory_order_relaxed);
		if (count == 0)
			continue;
		const char *label = route_label(i);
		for (size_t k = 0; k < NBUCKETS; k++)
			buf_printf(b, "natverk_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				   label, buckets[k],
				   atomic_load_explicit(&metrics[i].le[k], memory_order_relaxed));
		buf_printf(b, "natverk_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
			   label, count);
		buf_printf(b, "natverk_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
			   (double)atomic_load_explicit(&metrics[i].sum_us, memory_order_relaxed) / 1e6);
		buf_printf(b, "natverk_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label,
			   count);
	}
	return buf_failed(b) ? E_NOMEM : E_OK;
}
