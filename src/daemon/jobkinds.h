/*
 * The kinds of job certrenewd knows, by name, and the ones it queues
 * itself at intervals.  A handler runs on a pool thread with that thread's
 * own database connection; it must be idempotent (a job whose daemon died
 * runs again).  A long one calls cr_jobctx_alive now and then: that renews
 * its lease and says when to stop (the daemon is stopping).
 */
#ifndef CR_DAEMON_JOBKINDS_H
#define CR_DAEMON_JOBKINDS_H

#include <stdatomic.h>

#include "jobs.h"

struct cr_jobctx {
	struct cr_db *db;
	const struct cr_config *cfg;
	const struct cr_job *job;
	const char *runner;
	const atomic_int *stopping; /* shared with the loop thread */
};

/*
 * Renews the job's lease and records its progress; CR_ERETRY when the
 * daemon is stopping (the job is handed back and goes on later from where
 * it stopped), CR_ECONFLICT when the lease was lost.
 */
int cr_jobctx_alive(struct cr_jobctx *ctx, int progress, struct cr_err *err);

/* A job the daemon queues every so often (one per interval between all daemons: the dedup key). */
struct cr_periodic {
	const char *kind;
	long long (*every)(const struct cr_config *cfg); /* seconds */
};
extern const struct cr_periodic cr_periodic_jobs[];
extern const int cr_periodic_count;

struct cr_jobkind {
	const char *name;
	int (*run)(struct cr_jobctx *ctx, struct cr_err *err);
};

/* 0 when every kind of cr_job_kinds has a handler here and every handler a kind; else -1, logged. */
int cr_jobkinds_check(void);
/* The kind called name, or NULL. */
const struct cr_jobkind *cr_jobkind_find(const char *name);

#endif
