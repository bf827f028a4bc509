/* Job retry delays: exponential from backoff_base, capped at backoff_max. */
#include <string.h>

#include "jobs.h"
#include "tap.h"

int
main(void)
{
	struct cr_config cfg;
	char a[CR_RUNNER_MAX + 1], b[CR_RUNNER_MAX + 1];

	cr_config_defaults(&cfg);
	cfg.jobs_backoff_base = 10;
	cfg.jobs_backoff_max = 3600;
	ok(cr_job_backoff(&cfg, 1) == 10, "first retry after the base");
	ok(cr_job_backoff(&cfg, 2) == 20, "then doubled");
	ok(cr_job_backoff(&cfg, 5) == 160, "2^4 times the base after five attempts");
	ok(cr_job_backoff(&cfg, 20) == 3600, "capped");
	ok(cr_job_backoff(&cfg, 1000) == 3600, "no overflow for huge attempt counts");
	cfg.jobs_backoff_base = 7200;
	ok(cr_job_backoff(&cfg, 1) == 3600, "cap applies to the base too");
	cr_job_runner_name(a);
	cr_job_runner_name(b);
	ok(a[0] && strcmp(a, b) != 0, "runner names are unique: %s", a);
	cr_config_release(&cfg);
	return tap_done();
}
