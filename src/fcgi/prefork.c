#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bank/bank.h"
#include "jobs.h"
#include "log.h"
#include "prefork.h"
#include "worker.h"

#define MAX_SLOTS 1100
#define QUICK_DEATH 5 /* seconds: a worker dying sooner counts as failing */
#define MAX_BACKOFF 60

enum slot_state { EMPTY, WAITING, RUNNING, DRAINING };

struct slot {
	enum slot_state state;
	pid_t pid;
	int gen;
	int fails;
	time_t started;
	time_t next_start; /* WAITING */
	time_t deadline;   /* DRAINING */
};

struct master {
	struct cr_config **cfg;
	int fd;
	struct cr_metrics *m;
	struct slot slot[MAX_SLOTS];
	int gen;
	int stopping;
	time_t stop_deadline;
	sigset_t oldmask;
};

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
spawn(struct master *mm, struct slot *s)
{
	pid_t pid = fork();

	if (pid < 0) {
		cr_error("prefork: fork: %s", strerror(errno));
		s->state = WAITING;
		s->next_start = now() + 1;
		return;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &mm->oldmask, NULL);
		_exit(cr_worker_main(*mm->cfg, mm->fd, mm->m));
	}
	s->state = RUNNING;
	s->pid = pid;
	s->started = now();
	cr_debug("prefork: worker %ld started (generation %d)", (long)pid, s->gen);
}

static struct slot *
by_pid(struct master *mm, pid_t pid)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if ((mm->slot[i].state == RUNNING || mm->slot[i].state == DRAINING) && mm->slot[i].pid == pid)
			return &mm->slot[i];
	return NULL;
}

static void
reap(struct master *mm)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct slot *s = by_pid(mm, pid);
		int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

		if (s == NULL)
			continue;
		if (s->state == DRAINING || mm->stopping || s->gen != mm->gen) {
			memset(s, 0, sizeof *s);
			continue;
		}
		if (WIFSIGNALED(status))
			cr_warn("prefork: worker %ld killed by signal %d", (long)pid, WTERMSIG(status));
		else if (!clean)
			cr_warn("prefork: worker %ld exited with status %d", (long)pid, WEXITSTATUS(status));
		if (now() - s->started < QUICK_DEATH) {
			int wait = 1 << (s->fails < 6 ? s->fails : 6);

			s->fails++;
			s->next_start = now() + (wait > MAX_BACKOFF ? MAX_BACKOFF : wait);
			if (s->fails > 1)
				cr_warn("prefork: worker keeps dying; next start in %ld s",
				        (long)(s->next_start - now()));
		} else {
			s->fails = 0;
			s->next_start = now();
		}
		s->state = WAITING;
		s->pid = 0;
	}
}

static struct slot *
empty_slot(struct master *mm)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (mm->slot[i].state == EMPTY)
			return &mm->slot[i];
	return NULL;
}

static void
drain(struct master *mm, struct slot *s)
{
	kill(s->pid, SIGTERM);
	s->state = DRAINING;
	s->deadline = now() + (*mm->cfg)->web_drain_timeout;
}

/* Brings the slots towards the target: see the rules in prefork.h. */
static void
balance(struct master *mm)
{
	int target = cr_config_web_workers(*mm->cfg), n_old = 0, n_cur = 0, n_drain = 0;
	struct slot *s;

	for (int i = 0; i < MAX_SLOTS; i++) {
		s = &mm->slot[i];
		if (s->state == WAITING && s->gen != mm->gen)
			memset(s, 0, sizeof *s);
		else if (s->state == RUNNING && s->gen != mm->gen)
			n_old++;
		else if ((s->state == RUNNING || s->state == WAITING) && s->gen == mm->gen)
			n_cur++;
		else if (s->state == DRAINING)
			n_drain++;
	}
	while (n_cur < target && n_cur + n_old < target + 1 && (s = empty_slot(mm)) != NULL) {
		s->state = WAITING;
		s->gen = mm->gen;
		s->next_start = now();
		n_cur++;
	}
	if (n_drain == 0 && (n_old > 0 ? n_cur + n_old > target : n_cur > target)) {
		for (int i = 0; i < MAX_SLOTS; i++) {
			s = &mm->slot[i];
			if (s->state == RUNNING && (n_old == 0 || s->gen != mm->gen)) {
				drain(mm, s);
				break;
			}
		}
	}
	for (int i = 0; i < MAX_SLOTS; i++) {
		s = &mm->slot[i];
		if (s->state == WAITING && s->next_start <= now())
			spawn(mm, s);
		else if (s->state == DRAINING && now() > s->deadline) {
			cr_warn("prefork: worker %ld did not stop in time; killing it", (long)s->pid);
			kill(s->pid, SIGKILL);
		}
	}
}

static void
reload(struct master *mm)
{
	struct cr_config *next = calloc(1, sizeof *next);
	struct cr_err err;

	if (next == NULL)
		return;
	if (cr_config_load(next, (*mm->cfg)->path, &err) != 0) {
		cr_error("reload: %s; keeping the running configuration", err.msg);
		free(next);
		return;
	}
	if (cr_bank_config_check(next, &err) != 0) {
		cr_error("reload: %s; keeping the running configuration", err.msg);
		cr_config_free(next);
		return;
	}
	if (strcmp(next->web_socket, (*mm->cfg)->web_socket) != 0)
		cr_warn("reload: web.socket changed; it takes effect at the next start");
	/* The new workers wake the daemons where the configuration says now. */
	if (cr_jobs_wake_setup(next->jobs_wake, &err) != 0)
		cr_error("reload: %s", err.msg);
	cr_config_free(*mm->cfg);
	*mm->cfg = next;
	mm->gen++;
	cr_info("reload: configuration read again; replacing workers one by one");
}

/* While stopping: 1 when every worker is gone. */
static int
stop_step(struct master *mm)
{
	int alive = 0;

	for (int i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &mm->slot[i];

		if (s->state == WAITING)
			memset(s, 0, sizeof *s);
		if (s->state != RUNNING && s->state != DRAINING)
			continue;
		alive++;
		/* Again each second, in case a worker was between signal checks. */
		kill(s->pid, now() > mm->stop_deadline ? SIGKILL : SIGTERM);
	}
	return alive == 0;
}

int
cr_prefork_run(struct cr_config **cfg, int listen_fd, struct cr_metrics *m)
{
	static struct master mm;
	sigset_t set;
	siginfo_t info;

	mm.cfg = cfg;
	mm.fd = listen_fd;
	mm.m = m;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &mm.oldmask);
	signal(SIGPIPE, SIG_IGN);
	cr_info("prefork: serving with %d workers", cr_config_web_workers(*cfg));
	for (;;) {
		struct timespec tick = {1, 0};
		int sig;

		if (mm.stopping) {
			if (stop_step(&mm))
				break;
		} else {
			balance(&mm);
		}
		sig = sigtimedwait(&set, &info, &tick);
		if (sig == SIGCHLD) {
			reap(&mm);
		} else if ((sig == SIGTERM || sig == SIGINT) && !mm.stopping) {
			cr_info("prefork: stopping; draining requests in flight");
			mm.stopping = 1;
			mm.stop_deadline = now() + (*cfg)->web_drain_timeout;
		} else if (sig == SIGHUP && !mm.stopping) {
			reload(&mm);
		}
		reap(&mm);
	}
	cr_info("prefork: stopped");
	return 0;
}
