/*
 * certrenewd's event loop (libuv): claims jobs from the queue and runs them
 * on the thread pool, one database connection per pool thread; requeues
 * jobs whose lease ran out; on SIGTERM or SIGINT stops claiming, lets
 * running jobs finish for up to CR_DAEMON_GRACE seconds, then hands the
 * rest back to the queue and exits.
 */
#ifndef CR_DAEMON_DAEMON_H
#define CR_DAEMON_DAEMON_H

#include "config.h"

#define CR_DAEMON_GRACE 30

/* Runs until stopped; returns the exit status. */
int cr_daemon_run(const struct cr_config *cfg);

#endif
