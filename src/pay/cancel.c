/*
 * A paid order cancelled by finance with all its money given back, while
 * its certificate is not issued yet (issue 19): the issue job is withdrawn,
 * what each bank credit and online payment gave the order becomes money no
 * order took (a bank credit's surplus, refunded by a transfer finance
 * records by hand; an online payment refunded through its provider at once),
 * the order is refunded, the customer told.  After issue it says why not.
 */
#include <stdio.h>
#include <string.h>

#include "messages.h"
#include "money.h"
#include "orderno.h"
#include "pay.h"
#include "pki/pki.h"
#include "status.h"
#include "text.h"

#define CANCEL_MAX_SOURCES 32 /* payments one order can have had (an order takes a few) */

struct cancel {
	const struct cr_actor *actor;
	const char *order_no, *reason;
	long long order_id, paid, bank_fen;
	long long online_applied,
	    online_fen; /* what online payments gave the order; what goes back of them */
	long long online[CANCEL_MAX_SOURCES]; /* the online payments to refund after the commit */
	int nonline;
	json_t *credits; /* the bank credits whose part is now owed back */
};

/* Why an order that was issued (or is being issued) cannot be cancelled with a refund. */
static int
issued_already(struct cr_db *db, const struct cancel *c, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(db, &res, err, "certificate",
	                   "SELECT serial FROM certificates WHERE order_id = ?"
	                   " AND status NOT IN ('awaiting_csr') ORDER BY id LIMIT 1",
	                   "i", c->order_id);

	if (rc == CR_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	rc = cr_err_user(err, CR_ECONFLICT, NULL,
	                 "订单 %s 的证书已签发（序列号 %s），证书签发后即可使用，不能撤单退款；"
	                 "如客户坚持退款，须先吊销该证书",
	                 c->order_no, cr_res_str(&res, 0, 0) ? cr_res_str(&res, 0, 0) : "");
	cr_res_release(&res);
	return rc;
}

/* What one payment gave the order goes back to its source as money no order took. */
static int
give_back(struct cr_db *db, struct cancel *c, const struct cr_res *p, size_t i, struct cr_err *err)
{
	long long credit = cr_res_i64(p, i, 1), online = cr_res_i64(p, i, 2), amount = cr_res_i64(p, i, 3);
	const char *status = cr_res_str(p, i, 4);
	struct cr_res res;
	int rc;

	if (credit) {
		/* A surplus handled otherwise before could not be told apart from this one: finance decides.
		 */
		if (strcmp(status, "dismissed") == 0 && cr_res_i64(p, i, 5) > 0)
			return cr_err_user(err, CR_ECONFLICT, NULL,
			                   "付款的银行到账 #%lld 的多付部分已另行处理，不能自动撤单退款，"
			                   "请先撤销该款项的处理",
			                   credit);
		c->bank_fen += amount;
		json_array_append_new(c->credits, json_integer(credit));
		return cr_db_exec(db, NULL, err,
		                  "UPDATE credits SET status = 'overpaid', surplus_fen = surplus_fen + ?,"
		                  " suggested_order_id = ?, reason = LEFT(CONCAT('订单 ', ?, ' 撤单退款：', "
		                  "?), 255) WHERE id = ?",
		                  "iissi", amount, c->order_id, c->order_no, c->reason, credit);
	}
	if (c->nonline == CANCEL_MAX_SOURCES)
		return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 的在线付款过多，请逐笔退款",
		                   c->order_no);
	c->online[c->nonline++] = online;
	c->online_applied += amount;
	/* No order took it now: its whole amount (a surplus it had included), less what was refunded, goes
	 * back. */
	rc = cr_db_exec(db, NULL, err,
	                "UPDATE online_payments SET status = 'unapplied', surplus_fen = 0,"
	                " reason = LEFT(CONCAT('订单 ', ?, ' 撤单退款：', ?), 255) WHERE id = ?",
	                "ssi", c->order_no, c->reason, online);
	if (rc == 0 &&
	    (rc = cr_db_one(db, &res, err, "online payment",
	                    "SELECT p.amount_fen - (SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r"
	                    " WHERE r.online_payment_id = p.id AND r.status = 'succeeded')"
	                    " FROM online_payments p WHERE p.id = ?",
	                    "i", online)) == 0) {
		c->online_fen += cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return rc;
}

static int
tell(struct cr_db *db, const struct cancel *c, long long account, struct cr_err *err)
{
	char paid[32], bank[32], online[32], title[120], body[600], link[40];
	size_t o;

	cr_money_format(c->bank_fen + c->online_fen, paid, sizeof paid);
	cr_money_format(c->bank_fen, bank, sizeof bank);
	cr_money_format(c->online_fen, online, sizeof online);
	snprintf(title, sizeof title, "订单 %s 已撤销，%s 元将退回", c->order_no, paid);
	o = (size_t)snprintf(body, sizeof body, "订单已撤销（%s），您的付款共 %s 元将全部退回：", c->reason,
	                     paid);
	if (c->online_fen && o < sizeof body)
		o += (size_t)snprintf(body + o, sizeof body - o, "在线支付的 %s 元原路退回；", online);
	if (c->bank_fen && o < sizeof body)
		o += (size_t)snprintf(body + o, sizeof body - o,
		                      "银行转账的 %s 元由财务转回付款账户，转出后会再通知您；", bank);
	if (o < sizeof body)
		snprintf(body + o, sizeof body - o, "证书不再签发。如需更新证书，请重新提交申请。");
	snprintf(link, sizeof link, "#/orders/%s", c->order_no);
	return cr_message_post(db, account, "refunded", title, body, link, err);
}

static int
cancel_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct cancel *c = arg;
	struct cr_res o, p;
	char status[20];
	long long account, application;
	int rc;

	c->bank_fen = c->online_applied = c->online_fen = 0;
	c->nonline = 0;
	json_array_clear(c->credits);
	/* The order's row first: a running issue job holds it while it signs, and sees it refunded after. */
	rc = cr_db_one(db, &o, err, "order",
	               "SELECT id, account_id, status, paid_fen, application_id FROM orders"
	               " WHERE order_no = ? FOR UPDATE",
	               "s", c->order_no);
	if (rc != 0)
		return rc;
	c->order_id = cr_res_i64(&o, 0, 0);
	account = cr_res_i64(&o, 0, 1);
	snprintf(status, sizeof status, "%s", cr_res_str(&o, 0, 2));
	c->paid = cr_res_i64(&o, 0, 3);
	application = cr_res_i64(&o, 0, 4);
	cr_res_release(&o);
	if ((rc = issued_already(db, c, err)) != 0)
		return rc;
	if (strcmp(status, "paid") != 0 && strcmp(status, "partially_paid") != 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 状态为“%s”，没有可撤单退还的款项",
		                   c->order_no, cr_status_label(CR_SM_ORDER, status));
	if ((rc = cr_issue_withdraw(db, c->order_id, err)) != 0)
		return rc;
	rc = cr_db_exec(db, &p, err,
	                "SELECT p.id, p.credit_id, p.online_payment_id, p.amount_fen, c.status,"
	                " c.surplus_fen FROM payments p LEFT JOIN credits c ON c.id = p.credit_id"
	                " WHERE p.order_id = ? ORDER BY p.id FOR UPDATE",
	                "i", c->order_id);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < p.nrows; i++)
		rc = give_back(db, c, &p, i, err);
	cr_res_release(&p);
	if (rc == 0 && c->bank_fen + c->online_applied != c->paid)
		rc = cr_err_set(err, CR_ECONFLICT, "cancel: order %s has paid_fen %lld but payments of %lld",
		                c->order_no, c->paid, c->bank_fen + c->online_applied);
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "DELETE FROM payments WHERE order_id = ?", "i", c->order_id);
	if (rc == 0)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE orders SET status = 'refunded', paid_fen = 0, updated_at = UTC_TIMESTAMP(6)"
		    " WHERE id = ?",
		    "i", c->order_id);
	/* The certificate is free for a new application again. */
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "UPDATE applications SET closed = 1 WHERE id = ?", "i",
		                application);
	if (rc == 0)
		rc = cr_audit_s(db, c->actor, "order.refund_cancel", "order", c->order_no,
		                json_pack("{s:s, s:I}", "status", status, "paid_fen", (json_int_t)c->paid),
		                json_pack("{s:s, s:s, s:I, s:I, s:O}", "status", "refunded", "reason",
		                          c->reason, "bank_fen", (json_int_t)c->bank_fen, "online_fen",
		                          (json_int_t)c->online_fen, "credits", c->credits),
		                err);
	if (rc == 0)
		rc = tell(db, c, account, err);
	return rc;
}

int
cr_order_refund_cancel(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                       const char *order_no, const char *reason, json_t **out, struct cr_err *err)
{
	struct cancel c = {.actor = actor, .order_no = order_no, .reason = reason};
	json_t *refunds;
	int rc;

	*out = NULL;
	if (order_no == NULL || !cr_orderno_valid(order_no))
		return cr_err_set(err, CR_ENOTFOUND, "no such order");
	if ((rc = cr_check_text(reason ? reason : "", "reason", "撤单退款原因", 80, 1, err)) != 0)
		return rc;
	if ((c.credits = json_array()) == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	if ((rc = cr_db_tx(db, cancel_tx, &c, err)) != 0) {
		json_decref(c.credits);
		return rc;
	}
	/*
	 * The online money goes back through its provider now, outside the
	 * order's transaction; a refund whose outcome is unknown stays pending in
	 * 在线支付待退款, where finance asks again under the same refund number.
	 */
	refunds = json_array();
	for (int i = 0; i < c.nonline; i++) {
		struct cr_err why = {0};
		json_t *r = NULL;

		if (cr_refund_online(db, cfg, actor, c.online[i], 0, reason, &r, &why) != 0)
			r = json_pack("{s:I, s:s, s:s}", "online_payment_id", (json_int_t)c.online[i],
			              "status", "pending", "message",
			              why.user[0] ? why.user : "退款结果未知，请稍后重试");
		else
			json_object_set_new(r, "online_payment_id", json_integer(c.online[i]));
		json_array_append_new(refunds, r);
	}
	*out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "order_no", order_no, "status", "refunded",
	                 "paid_fen", (json_int_t)c.paid, "bank_refund_due_fen", (json_int_t)c.bank_fen,
	                 "online_fen", (json_int_t)c.online_fen, "credits", c.credits, "online_refunds",
	                 refunds);
	return 0;
}
