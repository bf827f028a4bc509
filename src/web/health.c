/* GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>

#include "../fcgi/metrics.h"
#include "../jobs.h"
#include "../statements.h"
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

/* Statement imports by status and the credits finance still has to resolve. */
static void
write_statements(struct cr_req *r, FILE *f)
{
	struct cr_db *db = cr_web_db(r->web, NULL);
	json_t *m, *group, *n;
	const char *status;

	if (db == NULL || cr_statements_metrics(db, &m, NULL) != 0)
		return;
	fputs("# HELP certrenew_statement_imports Bank statement imports by status.\n"
	      "# TYPE certrenew_statement_imports gauge\n",
	      f);
	group = json_object_get(m, "imports");
	json_object_foreach(group, status, n)
	{
		fprintf(f, "certrenew_statement_imports{status=\"%s\"} %lld\n", status,
		        (long long)json_integer_value(n));
	}
	fputs("# HELP certrenew_open_credits Bank credits waiting for finance, by status.\n"
	      "# TYPE certrenew_open_credits gauge\n",
	      f);
	group = json_object_get(m, "open_credits");
	json_object_foreach(group, status, n)
	{
		fprintf(f, "certrenew_open_credits{status=\"%s\"} %lld\n", status,
		        (long long)json_integer_value(n));
	}
	json_decref(m);
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
	write_statements(r, f);
	fclose(f);
	cr_reply(r, 200, "text/plain; version=0.0.4", text, len);
	free(text);
}
