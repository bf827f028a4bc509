/*
 * Finance's bank statements and credits: /api/v1/statements[/{id}] (upload and the list of every
 * import), /api/v1/payments[?status=] and …/{id}/assign, …/{id}/dismiss, …/{id}/refund.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank/bank.h"
#include "handlers.h"

void
cr_h_statements(struct cr_req *r)
{
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 50, 500, &after, &limit) != 0)
		return;
	rc = cr_statements_list(r->web->db, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_statement(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_statement_get(r->web->db, id, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

/*
 * Streams the body into the bank wing's intake (bounded by bank.max_file);
 * what the file is, where it is kept and how it is imported are the
 * intake's (bank.h).
 */
void
cr_h_statement_upload(struct cr_req *r)
{
	const char *cl = cr_req_param(r, "CONTENT_LENGTH");
	long long len = *cl ? strtoll(cl, NULL, 10) : -1, got = 0;
	struct cr_actor actor = cr_req_actor(r);
	struct cr_intake *in;
	struct cr_err err;
	char given[801], name[801], buf[65536];
	long long id;
	json_t *out = NULL;
	int rc, done;

	if (len <= 0) {
		cr_reply_error(r, 400, "empty_body", NULL, "请上传对账单文件");
		return;
	}
	cr_req_query(r, "name", given, sizeof given);
	cr_intake_name(given, name, sizeof name);
	if ((rc = cr_intake_begin(&in, r->web->cfg, len, &err)) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	while (got < len) {
		int n = FCGX_GetStr(
		    buf, (int)(len - got < (long long)sizeof buf ? len - got : (long long)sizeof buf),
		    r->fr->in);

		if (n <= 0)
			break;
		if ((rc = cr_intake_write(in, buf, (size_t)n, &err)) != 0) {
			cr_reply_cr_err(r, &err);
			return;
		}
		got += n;
	}
	if (got != len) {
		cr_intake_abort(in);
		cr_reply_error(r, 400, "bad_request", NULL, "上传不完整，请重试");
		return;
	}
	if ((rc = cr_intake_finish(in, r->web->db, name, &actor, &id, &done, &err)) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	rc = cr_statement_get(r->web->db, id, &out, &err);
	if (rc == 0)
		json_object_set_new(out, "skipped", json_boolean(done));
	cr_reply_result(r, rc, &err, done ? 200 : 202, out);
}

void
cr_h_payments(struct cr_req *r)
{
	char status[32], statement[24], from[11], to[11];
	long long after, limit;
	struct cr_search s;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 200, 1000, &after, &limit) != 0 || cr_req_search(r, &s, from, to) != 0)
		return;
	cr_req_query(r, "status", status, sizeof status);
	cr_req_query(r, "statement_id", statement, sizeof statement);
	if (s.key[0] || from[0] || to[0]) /* finance's search: every status unless one is asked for */
		rc = cr_credits_search(r->web->db, &s, status, from, to, after, limit, &out, &err);
	else
		rc = cr_credits_list(r->web->db, status, strtoll(statement, NULL, 10), after, limit, &out,
		                     &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_payment_assign(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *no;
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "order_no", 1, 20, &no) == 0) {
		rc = cr_credit_assign(r->web->db, &actor, id, no, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_payment_dismiss(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *reason;
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "reason", 1, 500, &reason) == 0) {
		rc = cr_credit_dismiss(r->web->db, &actor, id, reason, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_payment_refund(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *reference, *made_on, *reason;
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "reference", 1, 300, &reference) == 0 &&
	    cr_json_string(r, in, "made_on", 0, 20, &made_on) == 0 &&
	    cr_json_string(r, in, "reason", 0, 1000, &reason) == 0) {
		rc = cr_credit_refund(r->web->db, &actor, id, reference, made_on, reason, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_payment_unassign(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_credit_unassign(r->web->db, &actor, id, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_report_daily(struct cr_req *r)
{
	char from[16], to[16];
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	cr_req_query(r, "from", from, sizeof from);
	cr_req_query(r, "to", to, sizeof to);
	rc = cr_credits_daily(r->web->db, from, to, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_report_daily_csv(struct cr_req *r)
{
	char from[16], to[16], *csv = NULL;
	struct cr_err err;
	size_t len;

	cr_req_query(r, "from", from, sizeof from);
	cr_req_query(r, "to", to, sizeof to);
	if (cr_credits_daily_csv(r->web->db, from, to, &csv, &len, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_req_header(r, "Content-Disposition: attachment; filename=\"reconciliation.csv\"");
	cr_reply(r, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
}
