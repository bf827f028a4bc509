/*
 * The kinds of job certrenewd knows, by name.  A handler runs on a pool
 * thread with that thread's own database connection; it must be
 * idempotent (a job whose daemon died runs again) and should return
 * CR_ERETRY early when *ctx->stopping becomes true.
 */
#ifndef CR_DAEMON_JOBKINDS_H
#define CR_DAEMON_JOBKINDS_H

#include "../jobs.h"

struct cr_jobctx {
	struct cr_db *db;
	const struct cr_config *cfg;
	const struct cr_job *job;
	const char *runner;
	const volatile int *stopping;
};

struct cr_jobkind {
	const char *name;
	int (*run)(struct cr_jobctx *ctx, struct cr_err *err);
};

/* 0 when every kind of cr_job_kinds has a handler here and every handler a kind; else -1, logged. */
int cr_jobkinds_check(void);
/* The kind called name, or NULL. */
const struct cr_jobkind *cr_jobkind_find(const char *name);

#endif
