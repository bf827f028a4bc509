#include <stdio.h>
#include <string.h>

#include "invoices.h"
#include "messages.h"
#include "money.h"
#include "pay.h"
#include "pki/pki.h"

int
cr_payment_apply(struct cr_db *db, const struct cr_actor *actor, const struct cr_payment_src *src,
                 long long order_id, long long amount_fen, int payer_mismatch, struct cr_err *err)
{
	char no[9], status[20], title[120], body[400], paid_s[32], owed_s[32];
	long long account, amount, paid, now_paid;
	const char *to;
	struct cr_res res;
	int rc;

	rc = cr_db_one(
	    db, &res, err, "order",
	    "SELECT order_no, account_id, status, amount_fen, paid_fen FROM orders WHERE id = ? FOR UPDATE",
	    "i", order_id);
	if (rc != 0)
		return rc;
	snprintf(no, sizeof no, "%s", cr_res_str(&res, 0, 0));
	account = cr_res_i64(&res, 0, 1);
	snprintf(status, sizeof status, "%s", cr_res_str(&res, 0, 2));
	amount = cr_res_i64(&res, 0, 3);
	paid = cr_res_i64(&res, 0, 4);
	cr_res_release(&res);
	if (strcmp(status, "awaiting_payment") != 0 && strcmp(status, "partially_paid") != 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 当前不在等待付款状态", no);
	/* An order never takes more than it owes: what is over is its payer's surplus, kept by the caller. */
	if (amount_fen <= 0 || amount_fen > amount - paid)
		return cr_err_set(err, CR_ECONFLICT, "payments: order %s owes %lld fen, not %lld", no,
		                  amount - paid, amount_fen);
	now_paid = paid + amount_fen;
	to = now_paid >= amount ? "paid" : "partially_paid";
	/* Conditional on what was read: a concurrent change makes this fail rather than count twice. */
	rc =
	    cr_db_exec(db, NULL, err,
	               "UPDATE orders SET paid_fen = ?, status = ?, payer_mismatch = payer_mismatch OR ?,"
	               " paid_at = IF(? = 'paid', UTC_TIMESTAMP(6), paid_at), updated_at = UTC_TIMESTAMP(6)"
	               " WHERE id = ? AND paid_fen = ? AND status = ?",
	               "isisiis", now_paid, to, (long long)(payer_mismatch != 0), to, order_id, paid, status);
	if (rc != 0)
		return rc;
	if (cr_db_affected(db) != 1)
		return cr_err_set(err, CR_ECONFLICT, "payments: order %s changed while it was being paid",
		                  no);
	if ((rc = cr_invoice_due(db, order_id, err)) != 0)
		return rc;
	rc =
	    cr_db_exec(db, NULL, err,
	               "INSERT INTO payments (credit_id, online_payment_id, order_id, amount_fen, created_at)"
	               " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
	               "IIii", src->credit_id ? &src->credit_id : NULL,
	               src->online_id ? &src->online_id : NULL, order_id, amount_fen);
	if (rc == 0)
		rc = cr_audit_s(
		    db, actor, strcmp(to, "paid") == 0 ? "order.paid" : "order.partially_paid", "order", no,
		    json_pack("{s:s, s:I}", "status", status, "paid_fen", (json_int_t)paid),
		    json_pack("{s:s, s:I, s:I, s:I, s:b}", "status", to, "paid_fen", (json_int_t)now_paid,
		              src->credit_id ? "credit_id" : "online_payment_id",
		              (json_int_t)(src->credit_id ? src->credit_id : src->online_id), "amount_fen",
		              (json_int_t)amount_fen, "payer_mismatch", payer_mismatch != 0),
		    err);
	if (rc != 0)
		return rc;
	cr_money_format(now_paid, paid_s, sizeof paid_s);
	cr_money_format(amount - now_paid > 0 ? amount - now_paid : 0, owed_s, sizeof owed_s);
	/* Paid: the certificates whose requests are in are issued at once. */
	if (strcmp(to, "paid") == 0 && (rc = cr_issue_enqueue(db, order_id, err)) != 0)
		return rc;
	if (strcmp(to, "paid") == 0) {
		struct cr_res need;
		long long waiting = 0;

		/* What the customer does now: nothing when every request is in (issue runs), else 更新证书.
		 */
		if ((rc = cr_db_exec(db, &need, err,
		                     "SELECT COUNT(*) FROM certificates WHERE order_id = ? AND csr IS NULL"
		                     " AND status = 'awaiting_csr'",
		                     "i", order_id)) != 0)
			return rc;
		waiting = cr_res_i64(&need, 0, 0);
		cr_res_release(&need);
		snprintf(title, sizeof title, "订单 %s 已付款", no);
		if (waiting)
			snprintf(body, sizeof body,
			         "我们已收到您的付款 %s "
			         "元。请在订单页面的“证书服务”中点「更新证书」（或提交证书请求），"
			         "新证书随即签发。",
			         paid_s);
		else
			snprintf(body, sizeof body,
			         "我们已收到您的付款 %s 元。新证书正在签发，签发后会通知您。", paid_s);
	} else {
		snprintf(title, sizeof title, "订单 %s 已收到部分付款", no);
		snprintf(body, sizeof body, "已收到 %s 元，尚需支付 %s 元。转账时请在备注栏填写订单号 %s。",
		         paid_s, owed_s, no);
	}
	{
		char link[40];

		snprintf(link, sizeof link, "#/orders/%s", no);
		rc = cr_message_post(db, account, strcmp(to, "paid") == 0 ? "paid" : "partially_paid", title,
		                     body, link, err);
	}
	return rc;
}

int
cr_payment_undo(struct cr_db *db, const struct cr_actor *actor, long long credit_id, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	rc = cr_db_exec(db, &res, err,
	                "SELECT p.id, p.order_id, p.amount_fen, o.order_no, o.status, o.paid_fen, "
	                "o.amount_fen, o.account_id"
	                " FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.credit_id = ? ORDER BY "
	                "o.id FOR UPDATE",
	                "i", credit_id);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		long long payment = cr_res_i64(&res, i, 0), order = cr_res_i64(&res, i, 1),
		          amount = cr_res_i64(&res, i, 2);
		long long paid = cr_res_i64(&res, i, 5), price = cr_res_i64(&res, i, 6),
		          now_paid = paid - amount;
		const char *no = cr_res_str(&res, i, 3), *status = cr_res_str(&res, i, 4);
		const char *to = now_paid >= price ? "paid"
		                 : now_paid > 0    ? "partially_paid"
		                                   : "awaiting_payment";
		char title[120], link[40];

		if (strcmp(status, "paid") != 0 && strcmp(status, "partially_paid") != 0) {
			rc = cr_err_user(err, CR_ECONFLICT, NULL,
			                 "订单 %s 已在签发或已结束，不能撤销这笔付款", no);
			break;
		}
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE orders SET paid_fen = ?, status = ?, paid_at = IF(? = 'paid', paid_at, NULL),"
		    " updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND paid_fen = ? AND status = ?",
		    "issiis", now_paid, to, to, order, paid, status);
		if (rc == 0 && cr_db_affected(db) != 1)
			rc = cr_err_set(err, CR_ECONFLICT, "payments: order %s changed meanwhile", no);
		if (rc == 0)
			rc = cr_invoice_due(db, order, err);
		if (rc == 0)
			rc = cr_db_exec(db, NULL, err, "DELETE FROM payments WHERE id = ?", "i", payment);
		if (rc == 0)
			rc = cr_audit_s(
			    db, actor, "order.payment_undone", "order", no,
			    json_pack("{s:s, s:I}", "status", status, "paid_fen", (json_int_t)paid),
			    json_pack("{s:s, s:I, s:I}", "status", to, "paid_fen", (json_int_t)now_paid,
			              "credit_id", (json_int_t)credit_id),
			    err);
		snprintf(title, sizeof title, "订单 %s 的一笔付款记录已撤销", no);
		snprintf(link, sizeof link, "#/orders/%s", no);
		if (rc == 0)
			rc = cr_message_post(db, cr_res_i64(&res, i, 7), "payment_undone", title,
			                     "财务核对后撤销了一笔误记到此订单的付款，如有疑问请联系客服。",
			                     link, err);
	}
	cr_res_release(&res);
	return rc;
}

int
cr_payment_tell_surplus(struct cr_db *db, long long order_id, const char *channel, long long received_fen,
                        long long surplus_fen, struct cr_err *err)
{
	char no[9], got[32], extra[32], due[32], title[120], body[400], link[40];
	long long account;
	struct cr_res res;
	int rc;

	if ((rc = cr_db_one(db, &res, err, "order", "SELECT order_no, account_id FROM orders WHERE id = ?",
	                    "i", order_id)) != 0)
		return rc;
	snprintf(no, sizeof no, "%s", cr_res_str(&res, 0, 0));
	account = cr_res_i64(&res, 0, 1);
	cr_res_release(&res);
	cr_money_format(received_fen, got, sizeof got);
	cr_money_format(surplus_fen, extra, sizeof extra);
	cr_money_format(received_fen - surplus_fen, due, sizeof due);
	snprintf(title, sizeof title, "订单 %s 多付了 %s 元", no, extra);
	snprintf(body, sizeof body,
	         "我们通过%s收到 %s 元，订单只需其中 %s 元。多付的 %s 元将由财务退还，退还后会再通知您。",
	         channel, got, due, extra);
	snprintf(link, sizeof link, "#/orders/%s", no);
	return cr_message_post(db, account, "overpaid", title, body, link, err);
}
