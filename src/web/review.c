/* The reviewer's API: /api/v1/review/applications[?status=], …/{id}/approve, …/reject, …/withdraw (a rule's
   approval), /api/v1/review/rule-approved. */
#include <stdlib.h>

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

/* A decision with a reason ({"reason"}, 1 to 500 characters): fn decides, the answer says state = value. */
static void
with_reason(struct cr_req *r,
            int (*fn)(struct cr_db *, const struct cr_actor *, long long, const char *, struct cr_err *),
            const char *state, const char *value, const char *reason_key)
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
		rc = fn(r->web->db, &actor, id, reason, &err);
		cr_reply_result(
		    r, rc, &err, 200,
		    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, state, value, reason_key, reason));
	}
	json_decref(in);
}

void
cr_h_review_reject(struct cr_req *r)
{
	with_reason(r, cr_review_reject, "status", "rejected", "reject_reason");
}

/* POST /api/v1/review/applications/{id}/withdraw {"reason"}: the rules' approval taken back while unpaid. */
void
cr_h_review_withdraw(struct cr_req *r)
{
	with_reason(r, cr_review_withdraw, "rule_approved", "withdrawn", "reason");
}

/* GET /api/v1/review/rule-approved?days=&limit=&after=: what the rules approved lately. */
void
cr_h_review_rule_list(struct cr_req *r)
{
	long long after, limit, days = 7;
	char d[16];
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 50, 500, &after, &limit) != 0)
		return;
	cr_req_query(r, "days", d, sizeof d);
	if (d[0]) {
		char *end;

		days = strtoll(d, &end, 10);
		if (*end || days < 1 || days > 366) {
			cr_reply_error(r, 400, "invalid_input", "days", "days 须为 1 到 366 之间的整数");
			return;
		}
	}
	rc = cr_review_rule_list(r->web->db, days, after ? after : (1LL << 62), limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}
