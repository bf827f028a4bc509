/* A FastCGI worker process: accepts requests on the shared socket until told to stop. */
#ifndef CR_FCGI_WORKER_H
#define CR_FCGI_WORKER_H

#include "config.h"
#include "metrics.h"

/*
 * Serves requests on listen_fd.  SIGTERM stops it after the request in
 * flight (if any) is answered.  Returns the process exit status.
 */
int cr_worker_main(const struct cr_config *cfg, int listen_fd, struct cr_metrics *m);

#endif
