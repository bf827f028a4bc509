/* certrenewctl jobs [--status S] [--limit N] | jobs add [--count N] KIND [PAYLOAD]. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "jobs.h"

static int
jobs_list(struct cr_db *db, const char *status, long long limit)
{
	struct cr_err err;
	json_t *items, *j;
	size_t i;

	if (cr_jobs_list(db, status, limit, &items, &err) != 0)
		return cr_ctl_fail(NULL, &err);
	json_array_foreach(items, i, j)
	{
		cr_ctl_print(json_incref(j));
	}
	json_decref(items);
	return 0;
}

/* A payload must be a JSON object; 0 or -1 after saying so. */
static int
check_payload(const char *text)
{
	json_t *p = json_loads(text, 0, NULL);
	int ok = json_is_object(p);

	json_decref(p);
	if (!ok)
		fprintf(stderr, "certrenewctl: jobs add: the payload must be a JSON object\n");
	return ok ? 0 : -1;
}

int
cr_ctl_jobs(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"status", required_argument, NULL, 's'},
	                                   {"limit", required_argument, NULL, 'l'},
	                                   {"count", required_argument, NULL, 'n'},
	                                   {NULL, 0, NULL, 0}};
	const char *status = NULL, *kind, *payload;
	long long limit = 100, count = 1;
	struct cr_db *db;
	struct cr_err err;
	int ch, rc = 0, add;

	add = argc >= 2 && strcmp(argv[1], "add") == 0;
	optind = add ? 2 : 1;
	while ((ch = getopt_long(argc, argv, "s:l:n:", lo, NULL)) != -1) {
		if (ch == 's')
			status = optarg;
		else if (ch == 'l')
			limit = atoll(optarg);
		else if (ch == 'n')
			count = atoll(optarg);
		else
			return 2;
	}
	if (limit < 1 || limit > 100000 || count < 1 || count > 100000) {
		fprintf(stderr, "certrenewctl: jobs: --limit and --count must be 1 to 100000\n");
		return 2;
	}
	if (add ? optind < argc - 2 || optind > argc - 1 : optind != argc) {
		fprintf(stderr, "usage: certrenewctl jobs [--status S] [--limit N]\n"
		                "       certrenewctl jobs add [--count N] KIND [PAYLOAD-JSON]\n");
		return 2;
	}
	if (!add) {
		if ((db = cr_ctl_db(cfg)) == NULL)
			return 1;
		rc = jobs_list(db, status, limit);
		cr_db_free(db);
		return rc;
	}
	kind = argv[optind];
	payload = optind + 1 < argc ? argv[optind + 1] : "{}";
	if (!cr_job_kind_known(kind)) {
		fprintf(stderr, "certrenewctl: jobs add: unknown job kind '%s'\n", kind);
		return 2;
	}
	if (check_payload(payload) != 0)
		return 2;
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	for (long long i = 0; i < count; i++) {
		long long id;

		if (cr_job_enqueue(db, kind, payload, NULL, 0, &id, &err) != 0)
			return cr_ctl_fail(db, &err);
		cr_ctl_print(json_pack("{s:I, s:s}", "id", (json_int_t)id, "kind", kind));
	}
	rc = cr_ctl_record(db, "job.add", "job", kind,
	                   json_pack("{s:s, s:I}", "kind", kind, "count", (json_int_t)count));
	cr_db_free(db);
	return rc;
}
