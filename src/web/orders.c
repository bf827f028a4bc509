/* Orders: /api/v1/orders[/{order_no}]. */
#include "orders.h"
#include "handlers.h"
#include "pki/pki.h"

void
cr_h_orders(struct cr_req *r)
{
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 50, 500, &after, &limit) != 0)
		return;
	rc = cr_orders_list(r->web->db, cr_req_account(r), after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

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
