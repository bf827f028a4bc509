/* certrenewd: the job daemon. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bank/bank.h"
#include "daemon/daemon.h"
#include "db.h"
#include "log.h"
#include "startup.h"

static void
usage(void)
{
	fprintf(stderr, "usage: certrenewd [-c FILE] [-p PIDFILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf = cr_startup_default_conf(), *pidfile = NULL;
	struct cr_config *cfg;
	struct cr_err err;
	int ch, rc;

	cr_startup_fds();
	while ((ch = getopt(argc, argv, "c:p:h")) != -1) {
		if (ch == 'c')
			conf = optarg;
		else if (ch == 'p')
			pidfile = optarg;
		else
			usage();
	}
	if (optind != argc)
		usage();
	cfg = cr_startup_config("certrenewd", conf);
	if (cr_bank_config_check(cfg, &err) != 0) {
		fprintf(stderr, "certrenewd: %s\n", err.msg);
		return 1;
	}
	if (pidfile == NULL)
		pidfile = cfg->daemon_pid_file;
	cr_db_global_init();
	if (cr_startup_pidfile(pidfile) != 0)
		return 1;
	rc = cr_daemon_run(cfg);
	unlink(pidfile);
	cr_config_free(cfg);
	return rc;
}
