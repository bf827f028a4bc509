/* The customer's messages: /api/v1/messages[/read]. */
#include "messages.h"
#include "handlers.h"

void
cr_h_messages(struct cr_req *r)
{
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 200, 500, &after, &limit) != 0)
		return;
	rc = cr_messages_list(r->web->db, r->sess.user.id, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_messages_read(struct cr_req *r)
{
	struct cr_err err;
	int rc = cr_messages_read_all(r->web->db, r->sess.user.id, &err);

	cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "ok", 1));
}
