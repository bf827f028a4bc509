/* Finance: /api/v1/invoices[?status=], /api/v1/invoices.csv, /api/v1/invoices/{id}/issue. */
#include <stdlib.h>

#include "handlers.h"
#include "invoices.h"

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

void
cr_h_invoices_csv(struct cr_req *r)
{
	char status[16], *csv = NULL;
	struct cr_err err;
	size_t len;

	cr_req_query(r, "status", status, sizeof status);
	if (cr_invoices_csv(r->web->db, status, &csv, &len, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_req_header(r, "Content-Disposition: attachment; filename=\"invoices.csv\"");
	cr_reply(r, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
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
