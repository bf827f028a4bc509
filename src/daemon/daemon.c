#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "bank/bank.h"
#include "daemon.h"
#include "db.h"
#include "jobkinds.h"
#include "jobs.h"
#include "log.h"

#define REAP_EVERY_MS 15000
#define SCHEDULE_EVERY_MS 60000 /* at most; sooner when a periodic job is due more often */

struct daemon;

struct slot {
	uv_work_t work;
	struct daemon *d;
	int busy;
	int got_job;
};

struct daemon {
	uv_loop_t *loop;
	const struct cr_config *cfg;
	char runner[CR_RUNNER_MAX + 1];
	uv_timer_t poll, reaper, grace, schedule, renew;
	uv_signal_t sigterm, sigint;
	uv_fs_event_t inbox;
	uv_udp_t wake;
	int watching; /* the inbox watch started */
	int hearing;  /* the wake socket is bound */
	uv_work_t reap_work, schedule_work, arrival_work, renew_work;
	int reaping, scheduling, arriving, arrived_again, renewing;
	struct slot *slots;
	int nslots, running;
	atomic_int stopping; /* read by the pool threads */
};

static __thread struct cr_db *thread_db;

/* This pool thread's connection, opened on first use. */
static struct cr_db *
pool_db(const struct cr_config *cfg)
{
	struct cr_err err;

	if (thread_db == NULL && cr_db_open(&thread_db, cfg, &err) != 0)
		cr_warn("%s", err.msg);
	return thread_db;
}

static void
run_job(uv_work_t *w)
{
	struct slot *s = w->data;
	struct daemon *d = s->d;
	struct cr_jobctx ctx;
	const struct cr_jobkind *kind;
	struct cr_job job;
	struct cr_err err;
	struct cr_db *db;
	int rc;

	s->got_job = 0;
	if (atomic_load(&d->stopping) || (db = pool_db(d->cfg)) == NULL)
		return;
	if ((rc = cr_job_claim(db, d->cfg, d->runner, &job, &err)) != 0) {
		/* Another daemon claimed it first (a lock conflict, or on Galera a claim that lost
		 * certification): nothing ran, the next look tries again. */
		if (rc == CR_ERETRY)
			cr_debug("jobs: claim: %s", err.msg);
		else
			cr_warn("jobs: claim: %s", err.msg);
		return;
	}
	if (job.id == 0)
		return;
	s->got_job = 1;
	cr_err_clear(&err);
	ctx = (struct cr_jobctx){db, d->cfg, &job, d->runner, &d->stopping};
	if ((kind = cr_jobkind_find(job.kind)) == NULL)
		rc = cr_err_set(&err, CR_EINVAL, "no handler for job kind '%s'", job.kind);
	else
		rc = kind->run(&ctx, &err);
	if (rc == 0) {
		if (cr_job_done(db, &job, d->runner, &err) != 0)
			cr_warn("jobs: job %lld: %s", job.id, err.msg);
		else
			cr_debug("jobs: job %lld (%s) done", job.id, job.kind);
	} else if (rc == CR_ERETRY && atomic_load(&d->stopping)) {
		cr_info("jobs: job %lld (%s) interrupted; handing it back", job.id, job.kind);
		/* released with the others when the daemon stops */
	} else {
		char why[sizeof err.msg];

		snprintf(why, sizeof why, "%s", err.msg);
		cr_warn("jobs: job %lld (%s) attempt %d failed: %s", job.id, job.kind, job.attempts, why);
		if (cr_job_fail(db, d->cfg, &job, d->runner, why, rc == CR_ERETRY, &err) != 0)
			cr_warn("jobs: job %lld: record failure: %s", job.id, err.msg);
	}
	cr_job_release(&job);
}

static void dispatch(struct daemon *d, int all);
static void finish(struct daemon *d);

static void
after_job(uv_work_t *w, int status)
{
	struct slot *s = w->data;
	struct daemon *d = s->d;

	/* UV_ECANCELED: cancelled before it started (stopping); nothing ran. */
	(void)status;
	s->busy = 0;
	d->running--;
	if (atomic_load(&d->stopping)) {
		if (d->running == 0)
			finish(d);
		return;
	}
	/* A job was there, so more may be: keep every slot busy until one finds none. */
	if (s->got_job)
		dispatch(d, 1);
}

/* Starts one idle slot (all: every idle slot) on the pool. */
static void
dispatch(struct daemon *d, int all)
{
	for (int i = 0; i < d->nslots; i++) {
		struct slot *s = &d->slots[i];

		if (s->busy)
			continue;
		s->busy = 1;
		d->running++;
		s->work.data = s;
		if (uv_queue_work(d->loop, &s->work, run_job, after_job) != 0) {
			s->busy = 0;
			d->running--;
			return;
		}
		if (!all)
			return;
	}
}

/* A slot that is free looks for work: a long job in one slot never keeps the others idle. */
static void
on_poll(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (d->running < d->nslots)
		dispatch(d, 0);
}

static char wake_buf[64];

static void
wake_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	*buf = uv_buf_init(wake_buf, sizeof wake_buf);
}

/* A job was queued somewhere (cr_jobs_wake): a free slot looks at once. */
static void
on_wake(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from, unsigned flags)
{
	struct daemon *d = h->data;

	(void)buf;
	(void)from;
	(void)flags;
	if (nread > 0 && !atomic_load(&d->stopping) && d->running < d->nslots)
		dispatch(d, 0);
}

/* Listens on jobs.wake_listen (its first address); without it the daemon polls, as before. */
static void
listen_wake(struct daemon *d)
{
	char buf[300], host[256], *port, *item, *save = NULL;
	struct sockaddr_storage addr;
	int rc;

	snprintf(buf, sizeof buf, "%s", d->cfg->jobs_wake_listen);
	if ((item = strtok_r(buf, ", ", &save)) == NULL ||
	    cr_jobs_wake_split(item, host, sizeof host, &port) != 0)
		return;
	if (uv_ip4_addr(host, atoi(port), (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(host, atoi(port), (struct sockaddr_in6 *)&addr) != 0) {
		cr_warn("jobs: wake_listen %s:%s is not a numeric address; polling only", host, port);
		return;
	}
	if ((rc = uv_udp_init(d->loop, &d->wake)) != 0)
		return;
	d->wake.data = d;
	/* Several daemons of one host share the port: a wake reaches one of them, which is enough. */
	if ((rc = uv_udp_bind(&d->wake, (const struct sockaddr *)&addr, UV_UDP_REUSEADDR)) != 0 ||
	    (rc = uv_udp_recv_start(&d->wake, wake_alloc, on_wake)) != 0) {
		cr_warn("jobs: cannot listen for wakes on %s:%s (%s); polling only", host, port,
		        uv_strerror(rc));
		uv_close((uv_handle_t *)&d->wake, NULL);
		return;
	}
	d->hearing = 1;
}

static void
reap_work(uv_work_t *w)
{
	struct daemon *d = w->data;
	struct cr_db *db = pool_db(d->cfg);
	struct cr_err err;
	long long n = 0;

	if (db == NULL)
		return;
	if (cr_job_reap(db, d->cfg, &n, &err) != 0)
		cr_warn("jobs: reap: %s", err.msg);
	else if (n > 0)
		cr_warn("jobs: %lld job(s) whose lease ran out handed back to the queue", n);
	if (cr_job_take_back_dead(db, d->cfg, d->runner, &n, &err) != 0)
		cr_warn("jobs: take back: %s", err.msg);
	else if (n > 0)
		cr_warn("jobs: %lld job(s) of a dead daemon of this host handed back to the queue", n);
	if (cr_job_purge(db, 7, &n, &err) != 0)
		cr_warn("jobs: purge: %s", err.msg);
}

static void
after_reap(uv_work_t *w, int status)
{
	struct daemon *d = w->data;

	(void)status;
	d->reaping = 0;
	if (atomic_load(&d->stopping) && d->running == 0)
		finish(d);
}

static void
on_reap(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (d->reaping || atomic_load(&d->stopping))
		return;
	d->reaping = 1;
	d->reap_work.data = d;
	if (uv_queue_work(d->loop, &d->reap_work, reap_work, after_reap) != 0)
		d->reaping = 0;
}

/* Renews the leases of every job this daemon runs, whatever its kind; stopping too, while they still run. */
static void
renew_work(uv_work_t *w)
{
	struct daemon *d = w->data;
	struct cr_db *db = pool_db(d->cfg);
	struct cr_err err;
	long long n = 0;

	if (db != NULL && cr_job_renew_runner(db, d->cfg, d->runner, &n, &err) != 0)
		cr_warn("jobs: renew leases: %s", err.msg);
}

static void
after_renew(uv_work_t *w, int status)
{
	struct daemon *d = w->data;

	(void)status;
	d->renewing = 0;
	if (atomic_load(&d->stopping) && d->running == 0)
		finish(d);
}

static void
on_renew(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (d->renewing || d->running == 0)
		return;
	d->renewing = 1;
	d->renew_work.data = d;
	if (uv_queue_work(d->loop, &d->renew_work, renew_work, after_renew) != 0)
		d->renewing = 0;
}

/*
 * Queues the periodic jobs (cr_periodic_jobs).  The dedup key names the
 * interval, so several daemons queue each one once between them.
 */
static void
schedule_work(uv_work_t *w)
{
	struct daemon *d = w->data;
	struct cr_db *db = pool_db(d->cfg);
	struct cr_err err;
	time_t now = time(NULL);

	if (db == NULL)
		return;
	for (int i = 0; i < cr_periodic_count; i++) {
		const struct cr_periodic *p = &cr_periodic_jobs[i];
		long long every = p->every(d->cfg);
		char key[80];

		snprintf(key, sizeof key, "%s:%lld", p->kind, (long long)now / (every > 0 ? every : 60));
		if (cr_job_enqueue(db, p->kind, "{}", key, 0, NULL, &err) != 0)
			cr_warn("jobs: schedule %s: %s", p->kind, err.msg);
	}
}

static void
after_schedule(uv_work_t *w, int status)
{
	struct daemon *d = w->data;

	(void)status;
	d->scheduling = 0;
	if (atomic_load(&d->stopping)) {
		if (d->running == 0)
			finish(d);
		return;
	}
	/* What was just queued runs now, not at the next poll. */
	dispatch(d, 0);
}

/* How often to look for due periodic jobs: the shortest period, between 5 s and a minute. */
static uint64_t
schedule_tick(const struct cr_config *cfg)
{
	long long ms = SCHEDULE_EVERY_MS;

	for (int i = 0; i < cr_periodic_count; i++)
		if (cr_periodic_jobs[i].every(cfg) * 1000 < ms)
			ms = cr_periodic_jobs[i].every(cfg) * 1000;
	return (uint64_t)(ms < 5000 ? 5000 : ms);
}

static void
on_schedule(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (d->scheduling || atomic_load(&d->stopping))
		return;
	d->scheduling = 1;
	d->schedule_work.data = d;
	if (uv_queue_work(d->loop, &d->schedule_work, schedule_work, after_schedule) != 0)
		d->scheduling = 0;
}

/* A file landed in the inbox: an import is queued at once (once per set of files, between all daemons). */
static void
arrival_work(uv_work_t *w)
{
	struct daemon *d = w->data;
	struct cr_db *db = pool_db(d->cfg);
	struct cr_err err;
	char key[100], print[65];

	if (db == NULL || cr_inbox_fingerprint(d->cfg, print) == 0)
		return;
	snprintf(key, sizeof key, "import_inbox:arrival:%s", print);
	if (cr_job_enqueue(db, "import_inbox", "{}", key, 0, NULL, &err) != 0)
		cr_warn("jobs: queue import_inbox: %s", err.msg);
}

static void on_arrival(uv_fs_event_t *h, const char *name, int events, int status);

static void
after_arrival(uv_work_t *w, int status)
{
	struct daemon *d = w->data;

	(void)status;
	d->arriving = 0;
	if (atomic_load(&d->stopping)) {
		if (d->running == 0)
			finish(d);
		return;
	}
	dispatch(d, 0);
	if (d->arrived_again) {
		d->arrived_again = 0;
		on_arrival(&d->inbox, NULL, 0, 0);
	}
}

static void
on_arrival(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct daemon *d = h->data;

	(void)events;
	if (status < 0 || atomic_load(&d->stopping) || (name && !cr_inbox_name_ok(name)))
		return;
	if (d->arriving) {
		d->arrived_again = 1;
		return;
	}
	d->arriving = 1;
	d->arrival_work.data = d;
	if (uv_queue_work(d->loop, &d->arrival_work, arrival_work, after_arrival) != 0)
		d->arriving = 0;
}

/* Hands back what this daemon still holds; runs on the loop thread at the very end. */
static void
release_all(struct daemon *d)
{
	struct cr_db *db;
	struct cr_err err;
	long long n = 0;

	if (cr_db_open(&db, d->cfg, &err) != 0) {
		cr_warn("%s; jobs still leased will be reaped when their lease runs out", err.msg);
		return;
	}
	if (cr_job_release_runner(db, d->runner, &n, &err) != 0)
		cr_warn("jobs: release: %s", err.msg);
	else if (n > 0)
		cr_info("jobs: %lld running job(s) handed back to the queue", n);
	cr_db_free(db);
}

static void
close_cb(uv_handle_t *h)
{
	(void)h;
}

/* Closes a handle not closed yet (uv_walk's callback, as libuv's own tests end a loop). */
static void
close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, close_cb);
}

/*
 * The end, once nothing runs any more: what was interrupted goes back to
 * the queue, and every handle is closed, so that uv_run returns with no
 * work callback outstanding and the configuration is freed only after.
 */
static void
finish(struct daemon *d)
{
	if (d->reaping || d->scheduling || d->arriving || d->renewing || d->running)
		return; /* the after_* callbacks call again */
	release_all(d);
	uv_walk(d->loop, close_walk, NULL);
}

/*
 * The grace period is over and jobs still run: they are not handed back
 * while they run (another daemon would run them twice).  The daemon keeps
 * renewing their leases and waits; systemd's TimeoutStopSec ends it if they
 * never stop, and the daemon started next takes their jobs back at once.
 */
static void
on_grace(uv_timer_t *t)
{
	struct daemon *d = t->data;

	cr_warn("stop: %d job(s) still running after %d s; waiting for them (a running job is never handed "
	        "back)",
	        d->running, (int)d->cfg->jobs_stop_grace);
}

static void
on_signal(uv_signal_t *h, int sig)
{
	struct daemon *d = h->data;

	if (atomic_load(&d->stopping))
		return;
	cr_info("stop: signal %d; finishing %d running job(s)", sig, d->running);
	atomic_store(&d->stopping, 1);
	uv_timer_stop(&d->poll);
	uv_timer_stop(&d->reaper);
	uv_timer_stop(&d->schedule);
	if (d->watching)
		uv_fs_event_stop(&d->inbox);
	if (d->hearing)
		uv_udp_recv_stop(&d->wake);
	/*
	 * Work queued but not started is cancelled (its after_job sees UV_ECANCELED); started work finishes.
	 */
	for (int i = 0; i < d->nslots; i++)
		if (d->slots[i].busy)
			uv_cancel((uv_req_t *)&d->slots[i].work);
	if (d->running == 0 && !d->reaping && !d->scheduling && !d->arriving && !d->renewing) {
		finish(d);
		return;
	}
	uv_timer_start(&d->grace, on_grace, (uint64_t)d->cfg->jobs_stop_grace * 1000,
	               (uint64_t)d->cfg->jobs_stop_grace * 1000);
}

/* How often the leases of running jobs are renewed: a third of the lease, at least every second. */
static uint64_t
renew_tick(const struct cr_config *cfg)
{
	long long ms = cfg->jobs_lease * 1000 / 3;

	return (uint64_t)(ms < 1000 ? 1000 : ms);
}

/* At start: the jobs a dead daemon of this host was running (kill -9, a crash) go back to the queue now. */
static void
take_back(struct daemon *d)
{
	struct cr_db *db;
	struct cr_err err;
	long long n = 0;

	if (cr_db_open(&db, d->cfg, &err) != 0) {
		cr_warn("%s; a dead predecessor's jobs wait for their lease", err.msg);
		return;
	}
	if (cr_job_take_back_dead(db, d->cfg, d->runner, &n, &err) != 0)
		cr_warn("jobs: take back: %s", err.msg);
	else if (n > 0)
		cr_info("jobs: %lld job(s) of a dead daemon of this host taken back", n);
	cr_db_free(db);
}

int
cr_daemon_run(const struct cr_config *cfg)
{
	static struct daemon d;
	char pool[16];
	int rc;

	if (cr_jobkinds_check() != 0)
		return 1;
	d.cfg = cfg;
	d.nslots = (int)cfg->jobs_workers;
	cr_job_runner_name(d.runner);
	/* One pool thread per job slot plus the reaper's, the scheduler's, the inbox's and the lease
	 * renewer's; before the pool starts. */
	snprintf(pool, sizeof pool, "%d", d.nslots + 4);
	setenv("UV_THREADPOOL_SIZE", pool, 1);
	if ((d.slots = calloc(d.nslots, sizeof *d.slots)) == NULL)
		return 1;
	for (int i = 0; i < d.nslots; i++)
		d.slots[i].d = &d;
	d.loop = uv_default_loop();
	d.poll.data = d.reaper.data = d.grace.data = d.schedule.data = d.renew.data = &d;
	d.sigterm.data = d.sigint.data = d.inbox.data = &d;
	/* Each step undone in reverse order on failure, as libuv's own set-up does. */
	if ((rc = uv_timer_init(d.loop, &d.poll)) != 0)
		goto fail_loop;
	if ((rc = uv_timer_init(d.loop, &d.reaper)) != 0)
		goto fail_poll;
	if ((rc = uv_timer_init(d.loop, &d.grace)) != 0)
		goto fail_reaper;
	if ((rc = uv_timer_init(d.loop, &d.schedule)) != 0)
		goto fail_grace;
	if ((rc = uv_timer_init(d.loop, &d.renew)) != 0)
		goto fail_schedule;
	if ((rc = uv_signal_init(d.loop, &d.sigterm)) != 0)
		goto fail_renew;
	if ((rc = uv_signal_init(d.loop, &d.sigint)) != 0)
		goto fail_sigterm;
	if ((rc = uv_signal_start(&d.sigterm, on_signal, SIGTERM)) != 0 ||
	    (rc = uv_signal_start(&d.sigint, on_signal, SIGINT)) != 0 ||
	    (rc = uv_timer_start(&d.poll, on_poll, 0, (uint64_t)cfg->jobs_poll_ms)) != 0 ||
	    (rc = uv_timer_start(&d.reaper, on_reap, 0, REAP_EVERY_MS)) != 0 ||
	    (rc = uv_timer_start(&d.schedule, on_schedule, 1000, schedule_tick(cfg))) != 0 ||
	    (rc = uv_timer_start(&d.renew, on_renew, renew_tick(cfg), renew_tick(cfg))) != 0)
		goto fail_sigint;
	/* The inbox's moment of read lease (bank/inbox.c): a writer opening the file then would send SIGIO.
	 */
	signal(SIGIO, SIG_IGN);
	take_back(&d);
	listen_wake(&d);
	/* The inbox is watched when it exists; the timer still imports it when it appears later. */
	if (uv_fs_event_init(d.loop, &d.inbox) == 0) {
		if (uv_fs_event_start(&d.inbox, on_arrival, cfg->bank_inbox, 0) == 0)
			d.watching = 1;
		else {
			cr_warn("inbox: cannot watch %s; it is imported every %lld s", cfg->bank_inbox,
			        (long long)cfg->bank_import_interval);
			uv_close((uv_handle_t *)&d.inbox, close_cb);
		}
	}
	cr_info("running as %s with %d job slots", d.runner, d.nslots);
	uv_run(d.loop, UV_RUN_DEFAULT);
	/* Every handle closed and every work callback in (finish): anything left is closed and waited for. */
	if (uv_loop_close(d.loop) == UV_EBUSY) {
		cr_warn("stop: the loop still had handles; closing them");
		uv_walk(d.loop, close_walk, NULL);
		uv_run(d.loop, UV_RUN_DEFAULT);
		if ((rc = uv_loop_close(d.loop)) != 0)
			cr_error("stop: the loop cannot close: %s", uv_strerror(rc));
	}
	free(d.slots);
	cr_info("stopped");
	return 0;

fail_sigint:
	uv_close((uv_handle_t *)&d.sigint, close_cb);
fail_sigterm:
	uv_close((uv_handle_t *)&d.sigterm, close_cb);
fail_renew:
	uv_close((uv_handle_t *)&d.renew, close_cb);
fail_schedule:
	uv_close((uv_handle_t *)&d.schedule, close_cb);
fail_grace:
	uv_close((uv_handle_t *)&d.grace, close_cb);
fail_reaper:
	uv_close((uv_handle_t *)&d.reaper, close_cb);
fail_poll:
	uv_close((uv_handle_t *)&d.poll, close_cb);
fail_loop:
	uv_run(d.loop, UV_RUN_DEFAULT); /* lets the closes finish */
	uv_loop_close(d.loop);
	free(d.slots);
	cr_error("start: %s", uv_strerror(rc));
	return 1;
}
