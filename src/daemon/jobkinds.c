#include <jansson.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "bank/bank.h"
#include "jobkinds.h"
#include "log.h"
#include "orders.h"
#include "pay/pay.h"
#include "pki/pki.h"
#include "upload.h"
#include "utf8.h"

/*
 * probe: a diagnostic job.  Records each run in job_probe_runs (so tests can
 * prove a job ran exactly once across daemons), sleeps sleep_ms (to test
 * leases and graceful stops; with ignore_stop, deaf to the stop, as a job
 * stuck in a call would be) and fails its first fail_times attempts (to
 * test retries).  Payload: {"sleep_ms": N, "fail_times": K, "ignore_stop": B}.
 */
static int
probe(struct cr_jobctx *ctx, struct cr_err *err)
{
	json_t *p = json_loads(ctx->job->payload, 0, NULL);
	long long sleep_ms = 0, fail_times = 0;
	int rc, deaf = 0;

	if (p) {
		sleep_ms = json_integer_value(json_object_get(p, "sleep_ms"));
		fail_times = json_integer_value(json_object_get(p, "fail_times"));
		deaf = json_is_true(json_object_get(p, "ignore_stop"));
		json_decref(p);
	}
	if (sleep_ms < 0 || sleep_ms > 600000)
		return cr_err_set(err, CR_EINVAL, "probe: sleep_ms out of bounds");
	rc = cr_job_probe_record(ctx->db, ctx->job->id, ctx->runner, err);
	if (rc != 0)
		return rc;
	for (long long slept = 0; slept < sleep_ms; slept += 50) {
		if (!deaf && atomic_load(ctx->stopping))
			return cr_err_set(err, CR_ERETRY, "probe: interrupted by shutdown");
		usleep(50000);
	}
	if (ctx->job->attempts <= fail_times)
		return cr_err_set(err, CR_EIO, "probe: failing attempt %d of %lld on purpose",
		                  ctx->job->attempts, fail_times);
	return 0;
}

/* expire_orders: unpaid orders past order.ttl_days become expired (idempotent). */
static int
expire_orders(struct cr_jobctx *ctx, struct cr_err *err)
{
	long long n;
	int rc = cr_orders_expire(ctx->db, &n, err);

	if (rc == 0 && n > 0)
		cr_info("orders: %lld unpaid order(s) expired", n);
	return rc;
}

/*
 * sweep_uploads: removes stored files no attachment names, older than an
 * hour (an upload writes its file before the row commits).  Idempotent.
 */
static int
sweep_uploads(struct cr_jobctx *ctx, struct cr_err *err)
{
	int n = cr_upload_sweep(ctx->cfg->attachments_dir, 3600, cr_attachment_referenced, ctx->db, err);

	if (n < 0)
		return n;
	if (n > 0)
		cr_info("uploads: %d orphan file(s) removed", n);
	return 0;
}

int
cr_jobctx_alive(struct cr_jobctx *ctx, int progress, struct cr_err *err)
{
	if (atomic_load(ctx->stopping))
		return cr_err_set(err, CR_ERETRY, "job %lld: the daemon is stopping", ctx->job->id);
	return cr_job_heartbeat(ctx->db, ctx->cfg, ctx->job, ctx->runner, progress, err);
}

static int
still_alive(void *arg, struct cr_err *err)
{
	return cr_jobctx_alive(arg, 0, err);
}

/* purge_documents: the documents of applications that will not go on, past their retention
 * (apply/retention.c). */
static int
purge_documents(struct cr_jobctx *ctx, struct cr_err *err)
{
	static const struct cr_actor system = {0, "system", ""};
	long long n = 0, moved = 0;
	int rc = cr_retention_purge(ctx->db, ctx->cfg, still_alive, ctx, &n, err);

	if (n > 0)
		cr_info("retention: the documents of %lld application(s) deleted", n);
	/* Audit rows older than audit_live_days move to the archive, still one chain. */
	if (rc == 0 && ctx->cfg->retention_audit_live_days > 0) {
		char before[32];
		time_t t = time(NULL) - (time_t)ctx->cfg->retention_audit_live_days * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(before, sizeof before, "%Y-%m-%d %H:%M:%S", &tm);
		rc = cr_audit_archive(ctx->db, &system, before, still_alive, ctx, &moved, err);
		if (moved > 0)
			cr_info("retention: %lld audit row(s) made before %s archived", moved, before);
	}
	return rc;
}

static int
on_batch(void *arg, int progress, struct cr_err *err)
{
	return cr_jobctx_alive(arg, progress, err);
}

/* import_statement: a statement finance uploaded (bank/intake.c owns its payload). */
static int
import_statement(struct cr_jobctx *ctx, struct cr_err *err)
{
	return cr_intake_run(ctx->db, ctx->cfg, ctx->job->payload, on_batch, ctx, err);
}

/* import_inbox: every complete file of the bank inbox (SPEC 3, 7). */
static int
import_inbox(struct cr_jobctx *ctx, struct cr_err *err)
{
	int files, fresh, busy,
	    rc = cr_inbox_import(ctx->db, ctx->cfg, on_batch, ctx, &files, &fresh, &busy, err);
	char key[64];

	if (rc == 0 && fresh > 0) {
		/* Files still being written: a look again in a moment, once. */
		snprintf(key, sizeof key, "import_inbox:settle:%lld",
		         (long long)time(NULL) / CR_INBOX_SETTLE);
		rc = cr_job_enqueue(ctx->db, "import_inbox", "{}", key, CR_INBOX_SETTLE + 1, NULL, err);
	}
	if (rc == 0 && busy > 0) {
		/*
		 * A file another runner holds: it is looked at again later, never left as done (should that
		 * runner die, its import resumes from its last batch here).
		 */
		snprintf(key, sizeof key, "import_inbox:busy:%lld",
		         (long long)time(NULL) / CR_INBOX_BUSY_RETRY);
		rc = cr_job_enqueue(ctx->db, "import_inbox", "{}", key, CR_INBOX_BUSY_RETRY, NULL, err);
	}
	return rc;
}

/* The issuing CA, loaded on first use and kept for the daemon's life (a new CA: restart certrenewd). */
static struct cr_ca the_ca;
static int ca_loaded;
static pthread_mutex_t ca_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct cr_ca *
issuing_ca(const struct cr_config *cfg, struct cr_err *err)
{
	const struct cr_ca *ca = NULL;

	pthread_mutex_lock(&ca_lock);
	if (ca_loaded || cr_ca_load(&the_ca, cfg, 1, err) == 0) {
		ca_loaded = 1;
		ca = &the_ca;
	}
	pthread_mutex_unlock(&ca_lock);
	return ca;
}

/*
 * issue_order: signs the certificates of a paid order whose requests are in
 * (SPEC 9).  Payload: {"order_id": N}.  The CA key is read here, in the
 * daemon, and nowhere else.
 */
static int
issue_order(struct cr_jobctx *ctx, struct cr_err *err)
{
	json_t *p = json_loads(ctx->job->payload, 0, NULL);
	long long order = json_integer_value(json_object_get(p, "order_id"));
	const struct cr_ca *ca;
	int issued, rc;

	json_decref(p);
	if (order <= 0)
		return cr_err_set(err, CR_EINVAL, "issue_order: no order_id in the payload");
	if ((ca = issuing_ca(ctx->cfg, err)) == NULL)
		return err->code;
	rc = cr_issue_order(ctx->db, ctx->cfg, ca, order, &issued, err);
	if (rc == 0 && issued)
		cr_info("issue: order %lld: %d certificate(s) issued", order, issued);
	return rc;
}

/*
 * issue_paid: issues every paid order whose requests are in (SPEC 9),
 * ISSUE_BATCH orders a transaction, until none waits; hears a stop between
 * batches.  Queued by a payment or a request for a paid order
 * (cr_issue_enqueue), one waiting at a time.
 */
#define ISSUE_BATCH 25

static int
issue_paid(struct cr_jobctx *ctx, struct cr_err *err)
{
	const struct cr_ca *ca;
	int helper = strstr(ctx->job->payload, "\"helper\"") != NULL;
	int orders = 0, issued, total = 0, rc = 0;

	if ((ca = issuing_ca(ctx->cfg, err)) == NULL)
		return err->code;
	/*
	 * More than a batch waits (one statement paid many orders): helpers are
	 * queued for the other slots, of this daemon and the others, which take
	 * other orders (SKIP LOCKED), so that signing uses every core.  Only the
	 * run a payment queued does so: helpers queueing helpers would fill the
	 * queue with runs that find nothing left to take.
	 */
	if (!helper)
		rc = cr_issue_waiting(ctx->db, ISSUE_BATCH + 1, &orders, err);
	for (long long h = 1; rc == 0 && orders > ISSUE_BATCH && h < ctx->cfg->jobs_workers; h++) {
		char key[40];

		snprintf(key, sizeof key, "q:issue_paid:helper%lld", h);
		rc = cr_job_enqueue(ctx->db, "issue_paid", "{\"helper\":true}", key, 0, NULL, err);
	}
	do {
		if (rc != 0 || (rc = cr_jobctx_alive(ctx, 0, err)) != 0 ||
		    (rc = cr_issue_batch(ctx->db, ctx->cfg, ca, ISSUE_BATCH, &orders, &issued, err)) != 0)
			break;
		total += issued;
	} while (orders > 0);
	if (total)
		cr_info("issue: %d certificate(s) issued", total);
	return rc;
}

/* remind_renewals: tells each account once of its certificates inside the renewal window (SPEC 9). */
static int
remind_renewals(struct cr_jobctx *ctx, struct cr_err *err)
{
	long long n;
	int rc = cr_certs_remind(ctx->db, ctx->cfg, &n, err);

	if (rc == 0 && n > 0)
		cr_info("certificates: %lld renewal reminder(s) sent", n);
	return rc;
}

/* The providers that failed in one run of query_payments: the rest of their trades wait for the next try. */
struct down {
	const char *name[4];
	int n, skipped;
	char first[200]; /* the first failure, for the job's last_error */
};

static int
is_down(struct down *d, const char *provider)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->name[i], provider) == 0) {
			d->skipped++;
			return 1;
		}
	return 0;
}

static void
went_down(struct down *d, const char *provider, const char *why)
{
	if (d->n == 0) /* cut on a character boundary: the reason may quote the provider */
		cr_utf8_copy(d->first, sizeof d->first, why, strlen(why));
	if (d->n < 4)
		d->name[d->n++] = provider;
}

/*
 * query_payments: asks the providers about trades whose notification did
 * not come (SPEC 8): the customer came back, or the trade is older than
 * pay.query_after; what they report as paid is booked like a notification.
 * Then closes the open trades of expired orders.  A provider that fails
 * (answers 500, or nothing within 10 s) is not asked again in this run, and
 * the job fails at the end: it is tried again after its back-off, and
 * certrenew_jobs_retrying{kind="query_payments"} tells the operator.
 */
static int
query_payments(struct cr_jobctx *ctx, struct cr_err *err)
{
	struct cr_online_due due[50];
	struct down down = {0};
	int n, booked, rc;

	if ((rc = cr_online_due(ctx->db, ctx->cfg->pay_query_after, due, 50, &n, err)) != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		const struct cr_provider *p = cr_provider_find(due[i].provider);
		struct cr_err why;

		/* Between provider calls (each up to 10 s) a stop is heard; the rest is asked next time. */
		if ((rc = cr_jobctx_alive(ctx, i * 50 / (n ? n : 1), err)) != 0)
			return rc;
		if (is_down(&down, due[i].provider))
			continue;
		rc = p ? p->query(ctx->db, ctx->cfg, due[i].order_no, &booked, &why)
		       : cr_err_set(&why, CR_EINVAL, "no such provider");
		if (rc != 0) {
			cr_warn("pay: query of %s order %s: %s", due[i].provider, due[i].order_no, why.msg);
			if (rc == CR_EUPSTREAM || rc == CR_EIO)
				went_down(&down, due[i].provider, why.msg);
		} else if (booked) {
			cr_info("pay: %s order %s paid (found by query)", due[i].provider, due[i].order_no);
		}
	}
	/* Expired orders: their open trades are closed, so that nobody pays them any more. */
	if ((rc = cr_online_to_close(ctx->db, due, 50, &n, err)) != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		const struct cr_provider *p = cr_provider_find(due[i].provider);
		struct cr_err why;

		if ((rc = cr_jobctx_alive(ctx, 50 + i * 50 / (n ? n : 1), err)) != 0)
			return rc;
		if (is_down(&down, due[i].provider))
			continue;
		rc = p ? p->close(ctx->cfg, due[i].order_no, &why)
		       : cr_err_set(&why, CR_EINVAL, "no such provider");
		if (rc == 0)
			rc = cr_online_closed(ctx->db, due[i].provider, due[i].order_no, &why);
		if (rc != 0)
			cr_warn("pay: closing %s order %s: %s", due[i].provider, due[i].order_no, why.msg);
		else
			cr_info("pay: %s trade of expired order %s closed", due[i].provider, due[i].order_no);
	}
	if (down.n > 0)
		return cr_err_set(err, CR_EUPSTREAM, "pay: %s; %d trade(s) left for the next try", down.first,
		                  down.skipped);
	return 0;
}

static const struct cr_jobkind kinds[] = {
    {"probe", probe},
    {"expire_orders", expire_orders},
    {"sweep_uploads", sweep_uploads},
    {"import_inbox", import_inbox},
    {"import_statement", import_statement},
    {"issue_order", issue_order},
    {"issue_paid", issue_paid},
    {"remind_renewals", remind_renewals},
    {"query_payments", query_payments},
    {"purge_documents", purge_documents},
};

static long long
every_minute(const struct cr_config *cfg)
{
	(void)cfg;
	return 60;
}

static long long
every_hour(const struct cr_config *cfg)
{
	(void)cfg;
	return 3600;
}

static long long
every_day(const struct cr_config *cfg)
{
	(void)cfg;
	return 24 * 3600;
}

static long long
every_import_interval(const struct cr_config *cfg)
{
	return cfg->bank_import_interval;
}

static long long
every_query(const struct cr_config *cfg)
{
	return cfg->pay_query_after;
}

const struct cr_periodic cr_periodic_jobs[] = {
    {"expire_orders", every_minute}, {"sweep_uploads", every_day},    {"import_inbox", every_import_interval},
    {"remind_renewals", every_hour}, {"query_payments", every_query}, {"purge_documents", every_day},
};
const int cr_periodic_count = sizeof cr_periodic_jobs / sizeof cr_periodic_jobs[0];

int
cr_jobkinds_check(void)
{
	int bad = 0;

	for (int i = 0; cr_job_kinds[i]; i++)
		if (cr_jobkind_find(cr_job_kinds[i]) == NULL) {
			cr_error("jobs: kind '%s' has no handler", cr_job_kinds[i]);
			bad = 1;
		}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!cr_job_kind_known(kinds[i].name)) {
			cr_error("jobs: handler '%s' is not a known kind", kinds[i].name);
			bad = 1;
		}
	return bad ? -1 : 0;
}

const struct cr_jobkind *
cr_jobkind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}
