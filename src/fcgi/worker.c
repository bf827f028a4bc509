#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "web/router.h"
#include "worker.h"

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
serve(struct cr_web *web, struct cr_metrics *m, FCGX_Request *fr)
{
	struct cr_req r;
	uint64_t t0 = now_usec();
	const char *p;

	memset(&r, 0, sizeof r);
	r.web = web;
	r.fr = fr;
	r.method = cr_req_param(&r, "REQUEST_METHOD");
	r.path = cr_req_param(&r, "DOCUMENT_URI");
	if (*r.path == '\0' && (p = FCGX_GetParam("SCRIPT_NAME", fr->envp)) != NULL)
		r.path = p;
	r.query = cr_req_param(&r, "QUERY_STRING");
	r.remote_addr = cr_req_param(&r, "REMOTE_ADDR");
	cr_route_dispatch(&r);
	if (r.status == 0) {
		r.why = "the handler gave no answer";
		cr_reply_error(&r, 500, "internal", NULL, "服务器内部错误");
	}
	if (web->db && cr_db_in_tx(web->db)) {
		/* A handler that left a transaction open must not hand it to the next request. */
		cr_error("http: %s %s: transaction left open; rolled back", r.method, r.path);
		cr_db_rollback(web->db);
	}
	cr_metrics_record(m, cr_route_index(r.route), r.status, now_usec() - t0);
	free(r.body);
}

int
cr_worker_main(const struct cr_config *cfg, int listen_fd, struct cr_metrics *m)
{
	struct cr_web web = {.cfg = cfg, .counters = cr_metrics_counters(m)};
	struct sigaction sa;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE};
	FCGX_Request fr;
	sigset_t all;
	int errors = 0, ep;

	/*
	 * SA_RESTART: a request in flight is never cut by the signal.  An idle
	 * worker waits in epoll_wait, which the signal always interrupts.
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL); /* the master decides what ^C means */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		cr_error("fcgi: cannot initialise the request");
		return 1;
	}
	/* EPOLLEXCLUSIVE: a new connection wakes one idle worker, not all of them. */
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
		cr_error("fcgi: epoll: %s", strerror(errno));
		return 1;
	}
	while (!stopping) {
		int rc;

		/* The listening socket is non-blocking; wait here, where a signal is noticed. */
		if (epoll_wait(ep, &ev, 1, 1000) <= 0)
			continue;
		if (stopping)
			break;
		rc = FCGX_Accept_r(&fr);
		if (rc < 0) {
			if (stopping)
				break;
			if (rc == -EINTR || rc == -EAGAIN || rc == -EWOULDBLOCK)
				continue; /* another worker took the connection */
			cr_error("fcgi: accept: %s", strerror(-rc));
			if (++errors > 100)
				return 1;
			usleep(10000);
			continue;
		}
		errors = 0;
		serve(&web, m, &fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 0);
	close(ep);
	cr_db_free(web.db);
	return 0;
}
