/*
 * certrenewd's event loop (libuv): claims jobs from the queue whenever a
 * slot is free (every jobs.poll_ms, and at once when a wake datagram says a
 * job was queued) and runs them on the thread pool, one database connection
 * per pool thread; renews the leases of the jobs it runs; requeues jobs
 * whose lease ran out, and at once those of a dead daemon of this host.  On
 * SIGTERM or SIGINT it stops claiming; running jobs stop at their next
 * check (between batches, between provider calls) and go back to the
 * queue; a job still running after jobs.stop_grace seconds is never handed
 * back while it runs: the daemon warns and waits (systemd's TimeoutStopSec
 * ends it, and the next daemon takes the job back).  Every handle is closed
 * and every work callback in before it returns.
 */
#ifndef CR_DAEMON_DAEMON_H
#define CR_DAEMON_DAEMON_H

#include "config.h"

/* Runs until stopped; returns the exit status. */
int cr_daemon_run(const struct cr_config *cfg);

#endif
