/* certrenew-fcgi: the preforking FastCGI application. */
#include <fcgiapp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bank/bank.h"
#include "db.h"
#include "fcgi/metrics.h"
#include "fcgi/prefork.h"
#include "log.h"
#include "startup.h"
#include "web/router.h"

static void
usage(void)
{
	fprintf(stderr, "usage: certrenew-fcgi [-c FILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf = cr_startup_default_conf();
	struct cr_config *cfg;
	struct cr_err err;
	struct cr_metrics *m;
	int fd, ch, rc;

	cr_startup_fds();
	while ((ch = getopt(argc, argv, "c:h")) != -1) {
		if (ch == 'c')
			conf = optarg;
		else
			usage();
	}
	if (optind != argc)
		usage();
	cfg = cr_startup_config("certrenew-fcgi", conf);
	if (cr_bank_config_check(cfg, &err) != 0) {
		fprintf(stderr, "certrenew-fcgi: %s\n", err.msg);
		return 1;
	}
	cr_db_global_init();
	if ((m = cr_metrics_new(cr_route_count())) == NULL) {
		cr_error("metrics: cannot map shared memory");
		return 1;
	}
	/* A socket left by a previous run would make bind() fail. */
	unlink(cfg->web_socket);
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(cfg->web_socket, (int)cfg->web_backlog)) < 0) {
		cr_error("fcgi: cannot listen on %s", cfg->web_socket);
		return 1;
	}
	/* Workers wait for connections with epoll; accept() itself must never block. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		cr_error("fcgi: cannot make %s non-blocking", cfg->web_socket);
		return 1;
	}
	if (chmod(cfg->web_socket, (mode_t)cfg->web_socket_mode) != 0) {
		cr_error("fcgi: chmod %s failed", cfg->web_socket);
		return 1;
	}
	cr_info("listening on %s", cfg->web_socket);
	rc = cr_prefork_run(&cfg, fd, m);
	close(fd);
	unlink(cfg->web_socket);
	cr_config_free(cfg);
	return rc;
}
