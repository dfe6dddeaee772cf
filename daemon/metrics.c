/*
 * metrics.c: counters for GET /metrics in the Prometheus text format.
 *
 * Lock-free on the request path: each route has a few status slots claimed
 * with compare-and-swap and a latency histogram of atomic buckets.  Labels
 * are route patterns, never raw paths, so cardinality stays bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define METRIC_STATUS_SLOTS 16

static const double metric_buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define METRIC_NBUCKETS (sizeof(metric_buckets) / sizeof(metric_buckets[0]))

struct metric_route {
	atomic_uint mr_status[METRIC_STATUS_SLOTS];
	atomic_ullong mr_count[METRIC_STATUS_SLOTS];
	atomic_ullong mr_bucket[METRIC_NBUCKETS];
	atomic_ullong mr_total;
	atomic_ullong mr_sum_us; /* microseconds, to stay integral */
};

struct sd_metrics {
	size_t mt_nroutes; /* plus one slot for "unmatched" at the end */
	struct metric_route *mt_routes;
};

struct sd_metrics *
sd_metrics_new(size_t nroutes)
{
	struct sd_metrics *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->mt_nroutes = nroutes;
	if ((m->mt_routes = calloc(nroutes + 1, sizeof(*m->mt_routes))) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
sd_metrics_free(struct sd_metrics *m)
{
	if (m == NULL)
		return;
	free(m->mt_routes);
	free(m);
}

static void
metric_count_status(struct metric_route *mr, unsigned status)
{
	unsigned i, expect;

	for (i = 0; i < METRIC_STATUS_SLOTS; i++) {
		expect = atomic_load(&mr->mr_status[i]);
		if (expect == 0) {
			expect = 0;
			if (!atomic_compare_exchange_strong(
				    &mr->mr_status[i], &expect, status) &&
				expect != status)
				continue;
		} else if (expect != status) {
			continue;
		}
		atomic_fetch_add(&mr->mr_count[i], 1);
		return;
	}
	/* More distinct statuses than slots: fold into the last one. */
	atomic_fetch_add(&mr->mr_count[METRIC_STATUS_SLOTS - 1], 1);
}

void
sd_metrics_observe(struct sd_metrics *m, int route, unsigned status, double seconds)
{
	struct metric_route *mr;
	size_t b;

	if (m == NULL)
		return;
	mr = &m->mt_routes[route < 0 || (size_t)route >= m->mt_nroutes ? m->mt_nroutes
								       : (size_t)route];
	metric_count_status(mr, status);
	for (b = 0; b < METRIC_NBUCKETS; b++)
		if (seconds <= metric_buckets[b])
			atomic_fetch_add(&mr->mr_bucket[b], 1);
	atomic_fetch_add(&mr->mr_total, 1);
	atomic_fetch_add(&mr->mr_sum_us, (unsigned long long)(seconds * 1e6));
}

struct metric_buf {
	char *mb_p;
	size_t mb_len;
	size_t mb_cap;
	int mb_oom;
};

static void metric_printf(struct metric_buf *b, const char *fmt, ...) SD_PRINTF(2, 3);

static void
metric_printf(struct metric_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->mb_oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->mb_p + b->mb_len, b->mb_cap - b->mb_len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->mb_oom = 1;
			return;
		}
		if ((size_t)n < b->mb_cap - b->mb_len) {
			b->mb_len += (size_t)n;
			return;
		}
		{
			size_t cap = b->mb_cap * 2 + (size_t)n;
			char *p = realloc(b->mb_p, cap);

			if (p == NULL) {
				b->mb_oom = 1;
				return;
			}
			b->mb_p = p;
			b->mb_cap = cap;
		}
	}
}

static const char *
metric_route_label(const struct sd_metrics *m, size_t i)
{
	size_t n;
	const struct sd_route *rt = sd_route_table(&n);

	return i < m->mt_nroutes ? rt[i].rt_path : "unmatched";
}

static const char *
metric_route_method(const struct sd_metrics *m, size_t i)
{
	size_t n;
	const struct sd_route *rt = sd_route_table(&n);

	if (i >= m->mt_nroutes)
		return "";
	switch (rt[i].rt_method) {
	case SD_M_GET:
		return "GET";
	case SD_M_POST:
		return "POST";
	case SD_M_PUT:
		return "PUT";
	case SD_M_PATCH:
		return "PATCH";
	case SD_M_DELETE:
		return "DELETE";
	}
	return "";
}

static void
metric_render_requests(struct metric_buf *b, const struct sd_metrics *m)
{
	size_t i, s;

	metric_printf(b,
		"# HELP sdesk_http_requests_total HTTP requests by route and status.\n"
		"# TYPE sdesk_http_requests_total counter\n");
	for (i = 0; i <= m->mt_nroutes; i++) {
		const struct metric_route *mr = &m->mt_routes[i];

		for (s = 0; s < METRIC_STATUS_SLOTS; s++) {
			unsigned st = atomic_load(&mr->mr_status[s]);

			if (st == 0)
				continue;
			metric_printf(b,
				"sdesk_http_requests_total{route=\"%s\",method=\"%s\",status="
				"\"%u\"} "
				"%llu\n",
				metric_route_label(m, i), metric_route_method(m, i), st,
				(unsigned long long)atomic_load(&mr->mr_count[s]));
		}
	}
}

static void
metric_render_latency(struct metric_buf *b, const struct sd_metrics *m)
{
	size_t i, k;

	metric_printf(b,
		"# HELP sdesk_http_request_duration_seconds Time from request to response.\n"
		"# TYPE sdesk_http_request_duration_seconds histogram\n");
	for (i = 0; i <= m->mt_nroutes; i++) {
		const struct metric_route *mr = &m->mt_routes[i];
		unsigned long long total = atomic_load(&mr->mr_total);
		const char *label = metric_route_label(m, i);

		if (total == 0)
			continue;
		for (k = 0; k < METRIC_NBUCKETS; k++)
			metric_printf(b,
				"sdesk_http_request_duration_seconds_bucket{route=\"%s\",le=\"%"
				"g\"} "
				"%llu\n",
				label, metric_buckets[k],
				(unsigned long long)atomic_load(&mr->mr_bucket[k]));
		metric_printf(b,
			"sdesk_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
			"%llu\n"
			"sdesk_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			"sdesk_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
			label, total, label, (double)atomic_load(&mr->mr_sum_us) / 1e6, label,
			total);
	}
}

char *
sd_metrics_render(struct sd_app *app, size_t *len)
{
	struct metric_buf b = {NULL, 0, 0, 0};
	unsigned size = 0, in_use = 0;
	unsigned long long reconnects = 0;

	if ((b.mb_p = malloc(8192)) == NULL)
		return NULL;
	b.mb_cap = 8192;
	metric_render_requests(&b, app->ap_metrics);
	metric_render_latency(&b, app->ap_metrics);
	if (app->ap_db != NULL)
		sd_db_stats(app->ap_db, &size, &in_use, &reconnects);
	metric_printf(&b,
		"# HELP sdesk_http_requests_in_flight Requests being handled now.\n"
		"# TYPE sdesk_http_requests_in_flight gauge\n"
		"sdesk_http_requests_in_flight %d\n"
		"# HELP sdesk_db_pool_connections Connections in the database pool.\n"
		"# TYPE sdesk_db_pool_connections gauge\n"
		"sdesk_db_pool_connections %u\n"
		"# HELP sdesk_db_pool_in_use Pooled connections lent to a request now.\n"
		"# TYPE sdesk_db_pool_in_use gauge\n"
		"sdesk_db_pool_in_use %u\n"
		"# HELP sdesk_db_reconnects_total Connections reopened after the server went "
		"away.\n"
		"# TYPE sdesk_db_reconnects_total counter\n"
		"sdesk_db_reconnects_total %llu\n"
		"# HELP sdesk_build_info Version of the running sdeskd.\n"
		"# TYPE sdesk_build_info gauge\n"
		"sdesk_build_info{version=\"%s\"} 1\n"
		"# HELP sdesk_start_time_seconds When this sdeskd started, Unix time.\n"
		"# TYPE sdesk_start_time_seconds gauge\n"
		"sdesk_start_time_seconds %lld\n",
		atomic_load(&app->ap_inflight), size, in_use, reconnects, SDESK_VERSION,
		(long long)app->ap_started);
	if (b.mb_oom) {
		free(b.mb_p);
		return NULL;
	}
	*len = b.mb_len;
	return b.mb_p;
}
