/* The reviewer's API: /api/v1/review/applications[?status=], …/{id}/approve, …/{id}/reject. */
#include "apply/apply.h"
#include "handlers.h"

void
cr_h_review_queue(struct cr_req *r)
{
	char status[32];
	long long after, limit;
	struct cr_search s;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 500, 1000, &after, &limit) != 0 || cr_req_search(r, &s, NULL, NULL) != 0)
		return;
	cr_req_query(r, "status", status, sizeof status);
	rc = cr_review_queue(r->web->db, r->web->cfg, status, &s, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_review_approve(struct cr_req *r)
{
	long long id = cr_req_id(r, 0), amount = 0;
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	char no[9] = "";
	int rc;

	if (!id)
		return;
	rc = cr_review_approve(r->web->db, r->web->cfg, &actor, id, no, &amount, &err);
	cr_reply_result(r, rc, &err, 200,
	                rc ? NULL
	                   : json_pack("{s:s, s:I}", "order_no", no, "amount_fen", (json_int_t)amount));
}

void
cr_h_review_reject(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *reason;
	struct cr_err err;
	json_t *in;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "reason", 1, 500, &reason) == 0) {
		rc = cr_review_reject(r->web->db, &actor, id, reason, &err);
		cr_reply_result(r, rc, &err, 200,
		                json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "rejected",
		                          "reject_reason", reason));
	}
	json_decref(in);
}
