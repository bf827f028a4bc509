/* GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>

#include "bank/bank.h"
#include "handlers.h"
#include "jobs.h"
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

/* One gauge by status: {status: count} as Prometheus text. */
static void
write_gauge(FILE *f, const char *name, const char *help, json_t *counts)
{
	const char *status;
	json_t *n;

	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	json_object_foreach(counts, status, n)
	{
		fprintf(f, "%s{status=\"%s\"} %lld\n", name, status, (long long)json_integer_value(n));
	}
}

/* What the database says: jobs by status, statement imports and the credits finance has open (left out when
 * it is down). */
static void
write_database(struct cr_req *r, FILE *f)
{
	struct cr_db *db = cr_web_db(r->web, NULL);
	json_t *m;

	if (db == NULL)
		return;
	if (cr_jobs_count(db, &m, NULL) == 0) {
		write_gauge(f, "certrenew_jobs", "Jobs in the queue by status.", m);
		json_decref(m);
	}
	if (cr_statements_metrics(db, &m, NULL) == 0) {
		write_gauge(f, "certrenew_statement_imports", "Bank statement imports by status.",
		            json_object_get(m, "imports"));
		write_gauge(f, "certrenew_open_credits", "Bank credits waiting for finance, by status.",
		            json_object_get(m, "open_credits"));
		json_decref(m);
	}
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
	if (r->web->counters.write)
		r->web->counters.write(r->web->counters.ctx, f, cr_route_label);
	write_database(r, f);
	fclose(f);
	cr_reply(r, 200, "text/plain; version=0.0.4", text, len);
	free(text);
}
