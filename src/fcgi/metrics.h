/*
 * Request counters and latency histograms shared by all FastCGI workers:
 * one anonymous shared mapping made by the master before it forks, updated
 * with atomic adds, read by whichever worker answers GET /metrics.
 */
#ifndef CR_FCGI_METRICS_H
#define CR_FCGI_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "counters.h"

struct cr_metrics;

/* Maps the shared area for nroutes routes (plus one for "unmatched"). */
struct cr_metrics *cr_metrics_new(int nroutes);
/* Counts one request of route (or -1: unmatched) answered with status after usec. */
void cr_metrics_record(struct cr_metrics *m, int route, int status, uint64_t usec);
/* Counts an audit row that could not be written where the action itself goes on (a failed login). */
void cr_metrics_audit_failed(struct cr_metrics *m);
/* Appends the Prometheus text to f; name(i) gives the label of route i. */
void cr_metrics_write(struct cr_metrics *m, FILE *f, const char *(*name)(int));
/* m as the counters the request handlers know (counters.h). */
struct cr_counters cr_metrics_counters(struct cr_metrics *m);

#endif
