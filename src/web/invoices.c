/* Finance: /api/v1/invoices[?status=], /api/v1/invoices.csv, /api/v1/invoices/{id}/issue. */
#include <stdlib.h>

#include "handlers.h"
#include "invoices.h"
#include "log.h"

void
cr_h_invoices(struct cr_req *r)
{
	char status[16];
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 200, 1000, &after, &limit) != 0)
		return;
	cr_req_query(r, "status", status, sizeof status);
	rc = cr_invoices_list(r->web->db, status, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

static FILE *
csv_begin(void *arg)
{
	struct cr_req *r = arg;

	cr_req_header(r, "Content-Disposition: attachment; filename=\"invoices.csv\"");
	return cr_reply_stream(r, 200, "text/csv; charset=utf-8");
}

void
cr_h_invoices_csv(struct cr_req *r)
{
	char status[16];
	struct cr_err err;

	cr_req_query(r, "status", status, sizeof status);
	/* Streamed a page at a time; a failure before the first page is an error answer, after it a short
	 * file. */
	if (cr_invoices_csv(r->web->db, status, csv_begin, r, &err) != 0) {
		if (r->status == 0)
			cr_reply_cr_err(r, &err);
		else
			cr_error("invoices: the export stopped short: %s", err.msg);
	}
}

void
cr_h_invoice_issue(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *no;
	struct cr_err err;
	json_t *in;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "invoice_no", 1, 40, &no) == 0) {
		rc = cr_invoice_issue(r->web->db, &actor, id, no, &err);
		cr_reply_result(
		    r, rc, &err, 200,
		    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "issued", "invoice_no", no));
	}
	json_decref(in);
}
