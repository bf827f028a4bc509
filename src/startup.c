#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "jobs.h"
#include "log.h"
#include "startup.h"

void
cr_startup_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(2);
}

const char *
cr_startup_default_conf(void)
{
	const char *e = getenv("CR_CONF");

	return e && *e ? e : DEFAULT_CONF;
}

struct cr_config *
cr_startup_config(const char *prog, const char *path)
{
	struct cr_config *cfg = calloc(1, sizeof *cfg);
	struct cr_err err;

	cr_log_init(prog, CR_LOG_INFO);
	if (cfg == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	if (cr_config_load(cfg, path, &err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		exit(1);
	}
	cr_log_set_level(cr_log_level_parse(cfg->log_level));
	if (cr_audit_key_load(cfg->audit_key_file, &err) != 0 ||
	    cr_jobs_wake_setup(cfg->jobs_wake, &err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		exit(1);
	}
	return cfg;
}

/* 1 when pid runs: alive, and not a zombie (a process killed with -9 that its parent has not reaped yet). */
static int
running(long pid)
{
	char path[64], stat[256], *close_paren;
	FILE *f;
	size_t n;

	if (kill((pid_t)pid, 0) != 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	/* "pid (comm) S …": the state follows the last parenthesis */
	close_paren = strrchr(stat, ')');
	return !(close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X'));
}

int
cr_startup_pidfile(const char *path)
{
	char buf[32];
	FILE *f;
	long pid;

	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != getpid() && running(pid)) {
			fclose(f);
			cr_error("%s: another process (%ld) is running", path, pid);
			return -1;
		}
		fclose(f);
	}
	if ((f = fopen(path, "w")) == NULL) {
		cr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	fputs(buf, f);
	if (fclose(f) != 0) {
		cr_error("%s: write failed", path);
		return -1;
	}
	return 0;
}
