/* GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>

#include "../fcgi/metrics.h"
#include "../jobs.h"
#include "handlers.h"
#include "router.h"

void
cr_h_healthz(struct cr_req *r)
{
	struct cr_err err;
	struct cr_db *db = cr_req_db(r);

	if (db == NULL)
		return;
	if (cr_db_ping(db, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Job counts by status, from the database (left out when it is down). */
static void
write_jobs(struct cr_req *r, FILE *f)
{
	struct cr_db *db = cr_web_db(r->web, NULL);
	const char *status;
	json_t *counts, *n;

	if (db == NULL || cr_jobs_count(db, &counts, NULL) != 0)
		return;
	fputs("# HELP certrenew_jobs Jobs in the queue by status.\n# TYPE certrenew_jobs gauge\n", f);
	json_object_foreach(counts, status, n)
	{
		fprintf(f, "certrenew_jobs{status=\"%s\"} %lld\n", status, (long long)json_integer_value(n));
	}
	json_decref(counts);
}

void
cr_h_metrics(struct cr_req *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		r->why = "open_memstream failed";
		cr_reply_error(r, 500, "internal", NULL, "服务器内部错误");
		return;
	}
	cr_metrics_write(r->web->metrics, f, cr_route_label);
	write_jobs(r, f);
	fclose(f);
	cr_reply(r, 200, "text/plain; version=0.0.4", text, len);
	free(text);
}
