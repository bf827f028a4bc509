/* Orders and messages: /api/v1/orders[/{order_no}], /api/v1/messages[/read]. */
#include "orders.h"
#include "handlers.h"
#include "messages.h"

void
cr_h_orders(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_orders_list(r->web->db, cr_req_account(r), &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_order(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_order_get(r->web->db, r->web->cfg, cr_req_account(r), r->args[0], &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_messages(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_messages_list(r->web->db, r->sess.user.id, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_messages_read(struct cr_req *r)
{
	struct cr_err err;
	int rc = cr_messages_read_all(r->web->db, r->sess.user.id, &err);

	cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "ok", 1));
}
