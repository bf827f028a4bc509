/*
 * The job queue (table jobs).  A job is claimed in a short transaction with
 * SELECT ... FOR UPDATE SKIP LOCKED and leased to one runner for
 * jobs.lease seconds; a lease that runs out (its daemon died) is handed back
 * to the queue by cr_job_reap, so a job may run more than once after a
 * crash: every handler must be idempotent.  A failed job is retried after
 * backoff_base * 2^(attempts-1) seconds (at most backoff_max) and becomes
 * 'dead' after max_attempts.
 */
#ifndef CR_JOBS_H
#define CR_JOBS_H

#include <jansson.h>

#include "db.h"

#define CR_JOB_KIND_MAX 40
#define CR_RUNNER_MAX 120

struct cr_job {
	long long id;
	char kind[CR_JOB_KIND_MAX + 1];
	char *payload; /* JSON text, owned; freed by cr_job_release */
	int attempts;  /* including this one */
};

void cr_job_release(struct cr_job *job);

/*
 * Queues a job.  With a dedup_key, queueing the same key again returns the
 * existing job's id instead (idempotent producers); a key starting "q:"
 * holds only while the job waits (dropped when it is claimed, so one run
 * waits at a time).  delay: seconds.
 */
int cr_job_enqueue(struct cr_db *db, const char *kind, const char *payload, const char *dedup_key,
                   long long delay, long long *id, struct cr_err *err);
/* Claims the next due job for runner; job->id is 0 when none is due. */
int cr_job_claim(struct cr_db *db, const struct cr_config *cfg, const char *runner, struct cr_job *job,
                 struct cr_err *err);
/*
 * A long job's sign of life: renews its lease and records its progress
 * (0-100); CR_ECONFLICT when the lease was lost (another runner has it now).
 */
int cr_job_heartbeat(struct cr_db *db, const struct cr_config *cfg, const struct cr_job *job,
                     const char *runner, int progress, struct cr_err *err);
/* Marks a claimed job done; CR_ECONFLICT if the lease was lost meanwhile. */
int cr_job_done(struct cr_db *db, const struct cr_job *job, const char *runner, struct cr_err *err);
/*
 * Records a failure: retried later, or dead after max_attempts; a transient
 * one (the database: CR_ERETRY) is retried after the first back-off and not
 * counted.
 */
int cr_job_fail(struct cr_db *db, const struct cr_config *cfg, const struct cr_job *job, const char *runner,
                const char *why, int transient, struct cr_err *err);
/* Hands every job leased to runner back to the queue (graceful stop). */
int cr_job_release_runner(struct cr_db *db, const char *runner, long long *n, struct cr_err *err);
/*
 * Renews the lease of every job runner is running (the daemon does it for
 * all its jobs, so no kind of job can forget); *n: how many.
 */
int cr_job_renew_runner(struct cr_db *db, const struct cr_config *cfg, const char *runner, long long *n,
                        struct cr_err *err);
/*
 * Hands back at once the running jobs of runners of this host (self is
 * "host:pid:…") whose process is gone: a daemon restarted after kill -9
 * takes back its predecessor's jobs without waiting for their lease.  A
 * runner on another host is left to its lease.  *n: how many.
 */
int cr_job_take_back_dead(struct cr_db *db, const struct cr_config *cfg, const char *self, long long *n,
                          struct cr_err *err);
/* Requeues jobs whose lease has run out; *n: how many. */
int cr_job_reap(struct cr_db *db, const struct cr_config *cfg, long long *n, struct cr_err *err);
/* Deletes done jobs finished more than days ago (the queue's history is kept that long). */
int cr_job_purge(struct cr_db *db, long long days, long long *n, struct cr_err *err);
/* The retry delay after the given number of attempts. */
long long cr_job_backoff(const struct cr_config *cfg, int attempts);
/* The kinds of job there are (NULL-terminated), and whether kind is one of them. */
extern const char *const cr_job_kinds[];
int cr_job_kind_known(const char *kind);
/* The newest jobs (status NULL: any), as a JSON array of {id, kind, status, attempts, ...}. */
int cr_jobs_list(struct cr_db *db, const char *status, long long limit, json_t **out, struct cr_err *err);
/* {"queued": N, "running": N, ...}: how many jobs are in each status. */
int cr_jobs_count(struct cr_db *db, json_t **out, struct cr_err *err);
/*
 * What an operator is alerted on: {"oldest_due_seconds": how long the oldest due job has waited for a daemon,
 * "retrying": {kind: jobs that failed and wait to try again}, "dead": {kind: jobs that gave up}}.
 */
int cr_jobs_health(struct cr_db *db, json_t **out, struct cr_err *err);
/* Records one run of the diagnostic job "probe" (job_probe_runs), so tests can count runs. */
int cr_job_probe_record(struct cr_db *db, long long job_id, const char *runner, struct cr_err *err);
/*
 * Waking the daemons (jobs.wake): a job queued by the web, or by a daemon's
 * own job, is started at once rather than at the next poll.  Each address
 * (HOST:PORT or [V6]:PORT, at most CR_WAKE_MAX) gets a one-byte UDP
 * datagram; a daemon that does not hear it still polls every jobs.poll_ms.
 * cr_job_enqueue wakes them itself, after the commit of its transaction.
 */
#define CR_WAKE_MAX 8
int cr_jobs_wake_setup(const char *spec, struct cr_err *err);
void cr_jobs_wake(void);
/* Splits item ("host:port", "[v6]:port") in place into host and *port; -1 when it is not one. */
int cr_jobs_wake_split(char *item, char *host, size_t hostlen, char **port);
/* A runner name unique to this process: host:pid:random. */
void cr_job_runner_name(char out[CR_RUNNER_MAX + 1]);

#endif
