#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0] + 1) /* last: any other */
/* Upper bounds of the latency buckets, microseconds; the last bucket is +Inf. */
static const uint64_t bounds[] = {500,   1000,   2500,   5000,   10000,   25000,
                                  50000, 100000, 250000, 500000, 1000000, 5000000};
#define NBUCKET (sizeof bounds / sizeof bounds[0] + 1)

struct route_stats {
	uint64_t by_status[NSTATUS];
	uint64_t bucket[NBUCKET];
	uint64_t sum_usec;
	uint64_t count;
};

struct cr_metrics {
	int nroutes;
	uint64_t audit_failures;
	struct route_stats r[]; /* nroutes + 1 */
};

struct cr_metrics *
cr_metrics_new(int nroutes)
{
	size_t size = sizeof(struct cr_metrics) + (nroutes + 1) * sizeof(struct route_stats);
	struct cr_metrics *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	memset(m, 0, size);
	m->nroutes = nroutes;
	return m;
}

void
cr_metrics_record(struct cr_metrics *m, int route, int status, uint64_t usec)
{
	struct route_stats *s;
	size_t si = NSTATUS - 1, bi = NBUCKET - 1;

	if (m == NULL)
		return;
	s = &m->r[route < 0 || route >= m->nroutes ? m->nroutes : route];
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			si = i;
	for (size_t i = 0; i < NBUCKET - 1; i++)
		if (usec <= bounds[i]) {
			bi = i;
			break;
		}
	__atomic_fetch_add(&s->by_status[si], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->bucket[bi], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->sum_usec, usec, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
}

void
cr_metrics_audit_failed(struct cr_metrics *m)
{
	__atomic_fetch_add(&m->audit_failures, 1, __ATOMIC_RELAXED);
}

void
cr_metrics_write(struct cr_metrics *m, FILE *f, const char *(*name)(int))
{
	fprintf(f,
	        "# HELP certrenew_audit_append_failures_total Audit rows that could not be written (failed "
	        "logins;"
	        " any other action fails with its row).\n"
	        "# TYPE certrenew_audit_append_failures_total counter\n"
	        "certrenew_audit_append_failures_total %llu\n",
	        (unsigned long long)__atomic_load_n(&m->audit_failures, __ATOMIC_RELAXED));
	fputs("# HELP certrenew_http_requests_total HTTP requests by route and status.\n"
	      "# TYPE certrenew_http_requests_total counter\n",
	      f);
	for (int r = 0; r <= m->nroutes; r++) {
		const char *n = r < m->nroutes ? name(r) : "unmatched";

		for (size_t i = 0; i < NSTATUS; i++) {
			uint64_t v = __atomic_load_n(&m->r[r].by_status[i], __ATOMIC_RELAXED);

			if (v == 0)
				continue;
			if (i < NSTATUS - 1)
				fprintf(f, "certrenew_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				        n, statuses[i], (unsigned long long)v);
			else
				fprintf(f,
				        "certrenew_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
				        n, (unsigned long long)v);
		}
	}
	fputs("# HELP certrenew_http_request_duration_seconds Time to answer a request.\n"
	      "# TYPE certrenew_http_request_duration_seconds histogram\n",
	      f);
	for (int r = 0; r <= m->nroutes; r++) {
		const char *n = r < m->nroutes ? name(r) : "unmatched";
		uint64_t count = __atomic_load_n(&m->r[r].count, __ATOMIC_RELAXED), cum = 0;

		if (count == 0)
			continue;
		for (size_t i = 0; i < NBUCKET; i++) {
			cum += __atomic_load_n(&m->r[r].bucket[i], __ATOMIC_RELAXED);
			if (i < NBUCKET - 1)
				fprintf(f,
				        "certrenew_http_request_duration_seconds_bucket{route=\"%s\",le=\"%"
				        "g\"} %llu\n",
				        n, bounds[i] / 1e6, (unsigned long long)cum);
			else
				fprintf(f,
				        "certrenew_http_request_duration_seconds_bucket{route=\"%s\",le=\"+"
				        "Inf\"} %llu\n",
				        n, (unsigned long long)cum);
		}
		fprintf(f, "certrenew_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", n,
		        __atomic_load_n(&m->r[r].sum_usec, __ATOMIC_RELAXED) / 1e6);
		fprintf(f, "certrenew_http_request_duration_seconds_count{route=\"%s\"} %llu\n", n,
		        (unsigned long long)count);
	}
}

static void
audit_failed(void *m)
{
	cr_metrics_audit_failed(m);
}

static void
write_all(void *m, FILE *f, const char *(*name)(int))
{
	cr_metrics_write(m, f, name);
}

struct cr_counters
cr_metrics_counters(struct cr_metrics *m)
{
	return (struct cr_counters){.ctx = m, .audit_failed = audit_failed, .write = write_all};
}
