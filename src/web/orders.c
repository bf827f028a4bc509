/* Orders: /api/v1/orders[/{order_no}]. */
#include "orders.h"
#include "handlers.h"
#include "pay/pay.h"
#include "pki/pki.h"

void
cr_h_orders(struct cr_req *r)
{
	struct cr_orders_query q = {cr_req_account(r), NULL, NULL, NULL, NULL, 0, 0};
	char status[32], from[11], to[11];
	struct cr_search s;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 50, 500, &q.after, &q.limit) != 0 || cr_req_search(r, &s, from, to) != 0)
		return;
	cr_req_query(r, "status", status, sizeof status);
	q.s = &s, q.status = status, q.from = from, q.to = to;
	rc = cr_orders_list(r->web->db, &q, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

/* GET /api/v1/orders/{no}/notice.pdf: the payment notice (付款通知书) to print for whoever pays. */
void
cr_h_order_notice(struct cr_req *r)
{
	char filename[64], *pdf = NULL;
	struct cr_err err;
	size_t len;

	if (cr_order_notice_pdf(r->web->db, r->web->cfg, cr_req_account(r), r->args[0], &pdf, &len, filename,
	                        &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_reply_pdf(r, filename, pdf, len);
}

/* GET /api/v1/orders/{no}: an order with its certificates. */
void
cr_h_order(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	json_t *certs = NULL;
	int rc = cr_order_get(r->web->db, r->web->cfg, cr_req_account(r), r->args[0], &out, &err);

	if (rc == 0 && (rc = cr_certs_of_order(r->web->db, r->args[0], &certs, &err)) == 0)
		json_object_set_new(out, "certificates", certs);
	cr_reply_result(r, rc, &err, 200, out);
}
