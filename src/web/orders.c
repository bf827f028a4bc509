/* Orders and messages: /api/v1/orders[/{order_no}], /api/v1/messages[/read]. */
#include "../messages.h"
#include "../orders.h"
#include "handlers.h"

void
cr_h_orders(struct cr_req *r)
{
	struct cr_err err;
	json_t *out;

	if (cr_orders_list(&r->web->db, cr_req_account(r), &out, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, out);
}

void
cr_h_order(struct cr_req *r)
{
	struct cr_err err;
	json_t *out;

	if (cr_order_get(&r->web->db, r->web->cfg, cr_req_account(r), r->args[0], &out, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, out);
}

void
cr_h_messages(struct cr_req *r)
{
	struct cr_err err;
	json_t *out;

	if (cr_messages_list(&r->web->db, r->sess.user.id, &out, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, out);
}

void
cr_h_messages_read(struct cr_req *r)
{
	struct cr_err err;

	if (cr_messages_read_all(&r->web->db, r->sess.user.id, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
