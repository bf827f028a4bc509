/*
 * The preforking master of certrenew-fcgi: keeps cr_config_web_workers()
 * workers serving the shared FastCGI socket.
 *  - a worker that dies is restarted; one that keeps dying within seconds
 *    of its start waits 1, 2, 4 ... up to 60 s before the next try;
 *  - SIGTERM or SIGINT: every worker finishes the request in flight and
 *    exits; after web.drain_timeout the rest are killed;
 *  - SIGHUP: the configuration is read again and the workers are replaced
 *    one at a time (a new one starts before an old one is told to stop),
 *    so capacity never drops.
 */
#ifndef CR_FCGI_PREFORK_H
#define CR_FCGI_PREFORK_H

#include "config.h"
#include "metrics.h"

/*
 * Runs the master until stopped; *cfg may be replaced on SIGHUP (reloaded
 * from (*cfg)->path).  Returns the exit status.
 */
int cr_prefork_run(struct cr_config **cfg, int listen_fd, struct cr_metrics *m);

#endif
