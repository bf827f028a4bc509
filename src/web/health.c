/* GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>

#include "../log.h"
#include "handlers.h"
#include "metrics.h"
#include "router.h"

void
cr_h_healthz(struct cr_req *r)
{
	struct cr_err err;
	struct cr_db *db = cr_req_db(r);

	if (db == NULL)
		return;
	if (cr_db_ping(db, &err) != 0) {
		cr_warn("healthz: %s", err.msg);
		cr_reply_error(r, 503, "db_unavailable", NULL, "数据库暂时不可用");
		return;
	}
	cr_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Job counts by status, from the database (skipped when it is down). */
static void
write_jobs(struct cr_req *r, FILE *f)
{
	struct cr_res res;
	struct cr_db *db = &r->web->db;

	if (!r->web->db_open && cr_db_open(db, r->web->cfg, NULL) == 0)
		r->web->db_open = 1;
	if (!r->web->db_open || cr_db_exec(db, &res, NULL, "SELECT status, COUNT(*) FROM jobs GROUP BY status", "") != 0)
		return;
	fputs("# HELP certrenew_jobs Jobs in the queue by status.\n# TYPE certrenew_jobs gauge\n", f);
	for (size_t i = 0; i < res.nrows; i++)
		fprintf(f, "certrenew_jobs{status=\"%s\"} %lld\n", cr_res_str(&res, i, 0), cr_res_i64(&res, i, 1));
	cr_res_release(&res);
}

void
cr_h_metrics(struct cr_req *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		cr_reply_error(r, 500, "internal", NULL, "服务器内部错误");
		return;
	}
	cr_metrics_write(r->web->metrics, f, cr_route_label);
	write_jobs(r, f);
	fclose(f);
	cr_reply(r, 200, "text/plain; version=0.0.4", text, len);
	free(text);
}
