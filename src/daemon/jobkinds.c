#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "../attachments.h"
#include "../log.h"
#include "../orders.h"
#include "../upload.h"
#include "jobkinds.h"

/*
 * probe: a diagnostic job.  Records each run in job_probe_runs (so tests can
 * prove a job ran exactly once across daemons), sleeps sleep_ms (to test
 * leases and graceful stops) and fails its first fail_times attempts (to
 * test retries).  Payload: {"sleep_ms": N, "fail_times": K}.
 */
static int
probe(struct cr_jobctx *ctx, struct cr_err *err)
{
	json_t *p = json_loads(ctx->job->payload, 0, NULL);
	long long sleep_ms = 0, fail_times = 0;
	int rc;

	if (p) {
		sleep_ms = json_integer_value(json_object_get(p, "sleep_ms"));
		fail_times = json_integer_value(json_object_get(p, "fail_times"));
		json_decref(p);
	}
	if (sleep_ms < 0 || sleep_ms > 600000)
		return cr_err_set(err, CR_EINVAL, "probe: sleep_ms out of bounds");
	rc = cr_job_probe_record(ctx->db, ctx->job->id, ctx->runner, err);
	if (rc != 0)
		return rc;
	for (long long slept = 0; slept < sleep_ms; slept += 50) {
		if (*ctx->stopping)
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

static const struct cr_jobkind kinds[] = {
    {"probe", probe},
    {"expire_orders", expire_orders},
    {"sweep_uploads", sweep_uploads},
};

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
