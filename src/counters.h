/*
 * Counters that request handlers write and GET /metrics reads, kept by
 * whatever hosts the handlers: the FastCGI layer implements them over
 * memory its workers share (fcgi/metrics.c, cr_metrics_counters).  The
 * handlers know only this interface; a host without counters leaves the
 * functions NULL.
 */
#ifndef CR_COUNTERS_H
#define CR_COUNTERS_H

#include <stdio.h>

struct cr_counters {
	void *ctx;
	/* Counts an audit row that could not be written where the action itself goes on (a failed login). */
	void (*audit_failed)(void *ctx);
	/* Appends the Prometheus text of every counter to f; route_name(i) labels route i. */
	void (*write)(void *ctx, FILE *f, const char *(*route_name)(int));
};

#endif
