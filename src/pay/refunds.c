#include <stdio.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "messages.h"
#include "money.h"
#include "onlinepay.h"
#include "pay.h"
#include "timefmt.h"
#include "utf8.h"

struct refund {
	char provider[8], trade_no[65], order_no[9], refund_no[65];
	long long paid, amount, id, account;
};

/* One request for a refund, as its two transactions (cr_db_tx) see it. */
struct ask {
	const struct cr_actor *actor;
	long long payment_id, amount_fen;
	const char *reason;
	struct refund r;
	const char *status, *failure; /* the provider's answer, for settle */
};

/* Inside a transaction: the refund to send (a pending one again, or a new one). */
static int
prepare(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct ask *a = arg;
	const struct cr_actor *actor = a->actor;
	long long id = a->payment_id, amount_fen = a->amount_fen;
	const char *reason = a->reason;
	struct refund *r = &a->r;
	struct cr_res res;
	long long done, n, refundable;
	int rc;

	rc = cr_db_one(db, &res, err, "online payment",
	               "SELECT p.provider, p.trade_no, p.amount_fen, p.status, o.order_no, o.account_id,"
	               " IF(p.status = 'overpaid', p.surplus_fen, p.amount_fen) FROM online_payments p"
	               " JOIN orders o ON o.id = p.order_id WHERE p.id = ? FOR UPDATE",
	               "i", id);
	if (rc != 0)
		return rc;
	snprintf(r->provider, sizeof r->provider, "%s", cr_res_str(&res, 0, 0));
	snprintf(r->trade_no, sizeof r->trade_no, "%s", cr_res_str(&res, 0, 1));
	r->paid = cr_res_i64(&res, 0, 2);
	snprintf(r->order_no, sizeof r->order_no, "%s", cr_res_str(&res, 0, 4));
	r->account = cr_res_i64(&res, 0, 5);
	refundable = cr_res_i64(&res, 0, 6);
	/* What no order took: a payment the order could not take at all, or the surplus of one it took part
	 * of. */
	rc = strcmp(cr_res_str(&res, 0, 3), "unapplied") != 0 &&
	             strcmp(cr_res_str(&res, 0, 3), "overpaid") != 0
	         ? cr_err_user(err, CR_ECONFLICT, NULL, "只能退还订单未入账的在线付款或其多付部分")
	         : 0;
	cr_res_release(&res);
	if (rc != 0)
		return rc;
	/* A refund whose outcome is unknown goes again, under its number. */
	rc = cr_db_one(
	    db, &res, err, "refund",
	    "SELECT id, refund_no, amount_fen FROM refunds WHERE online_payment_id = ? AND status = 'pending'"
	    " ORDER BY id LIMIT 1",
	    "i", id);
	if (rc == 0) {
		r->id = cr_res_i64(&res, 0, 0);
		snprintf(r->refund_no, sizeof r->refund_no, "%s", cr_res_str(&res, 0, 1));
		r->amount = cr_res_i64(&res, 0, 2);
		cr_res_release(&res);
		/* The same request again goes on; another amount waits until that one is settled. */
		if (amount_fen && amount_fen != r->amount)
			return cr_err_user(
			    err, CR_ECONFLICT, "amount_fen",
			    "已有一笔 %lld.%02lld 元的退款（单号 %s）正在处理，请等它完成后再退",
			    r->amount / 100, r->amount % 100, r->refund_no);
		return 0;
	}
	if (rc != CR_ENOTFOUND)
		return rc;
	if ((rc = cr_db_one(
	         db, &res, err, "refunds",
	         "SELECT COALESCE(SUM(IF(status = 'succeeded', amount_fen, 0)), 0), COUNT(*) FROM refunds"
	         " WHERE online_payment_id = ?",
	         "i", id)) != 0)
		return rc;
	done = cr_res_i64(&res, 0, 0);
	n = cr_res_i64(&res, 0, 1);
	cr_res_release(&res);
	r->amount = amount_fen ? amount_fen : refundable - done;
	if (r->amount <= 0 || r->amount > refundable - done)
		return cr_err_user(err, CR_EINVAL, "amount_fen", "可退金额为 %lld.%02lld 元",
		                   (refundable - done) / 100, (refundable - done) % 100);
	snprintf(r->refund_no, sizeof r->refund_no, "RF%lld-%lld", id, n + 1);
	rc = cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO refunds (online_payment_id, refund_no, amount_fen, reason, status, requested_by,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
	    "isisI", id, r->refund_no, r->amount, reason, actor->id ? &actor->id : NULL);
	if (rc != 0)
		return rc;
	r->id = cr_db_insert_id(db);
	return cr_audit_s(db, actor, "payment.refund_requested", "order", r->order_no, NULL,
	                  json_pack("{s:s, s:s, s:s, s:I, s:s}", "provider", r->provider, "trade_no",
	                            r->trade_no, "refund_no", r->refund_no, "amount_fen",
	                            (json_int_t)r->amount, "reason", reason),
	                  err);
}

/* The customer is told of a refund made: how much, by which channel, when. */
static int
tell(struct cr_db *db, const struct refund *r, struct cr_err *err)
{
	const struct cr_provider *p = cr_provider_find(r->provider);
	char money[32], day[16], title[120], body[400], link[40];

	cr_china_today(day, sizeof day, "%Y-%m-%d");
	cr_money_format(r->amount, money, sizeof money);
	snprintf(title, sizeof title, "订单 %s 退款 %s 元已退回", r->order_no, money);
	snprintf(body, sizeof body, "%s 元已于 %s 通过%s原路退回（退款单号 %s），到账时间以%s为准。", money,
	         day, p ? p->label : r->provider, r->refund_no, p ? p->label : "支付平台");
	snprintf(link, sizeof link, "#/orders/%s", r->order_no);
	return cr_message_post(db, r->account, "refunded", title, body, link, err);
}

/*
 * Records the provider's answer to refund r once: its row changes only
 * from pending (a simultaneous request for the same refund may have
 * recorded it already), and the audit row is written only by the request
 * that changed it, in the same transaction.  a->status: the refund's status then.
 */
static int
settle(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct ask *a = arg;
	const struct refund *r = &a->r;
	const char *status = a->status, *failure = a->failure;
	struct cr_res res;
	int rc;

	rc = cr_db_exec(db, NULL, err,
	                "UPDATE refunds SET status = ?, failure = LEFT(?, 255), updated_at = UTC_TIMESTAMP(6)"
	                " WHERE id = ? AND status = 'pending'",
	                "ssi", status, failure, r->id);
	if (rc == 0 && cr_db_affected(db) == 1) {
		rc = cr_audit_s(db, a->actor,
		                strcmp(status, "succeeded") == 0 ? "payment.refunded"
		                                                 : "payment.refund_failed",
		                "order", r->order_no, NULL,
		                json_pack("{s:s, s:I, s:s}", "refund_no", r->refund_no, "amount_fen",
		                          (json_int_t)r->amount, "status", status),
		                err);
		if (rc == 0 && strcmp(status, "succeeded") == 0)
			rc = tell(db, r, err);
	} else if (rc == 0 && (rc = cr_db_one(db, &res, err, "refund",
	                                      "SELECT status FROM refunds WHERE id = ?", "i", r->id)) == 0) {
		a->status = strcmp(cr_res_str(&res, 0, 0), "succeeded") == 0 ? "succeeded"
		            : strcmp(cr_res_str(&res, 0, 0), "failed") == 0  ? "failed"
		                                                             : "pending";
		cr_res_release(&res);
	}
	return rc;
}

int
cr_refund_online(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
                 long long amount_fen, const char *reason, json_t **out, struct cr_err *err)
{
	struct ask a = {.actor = actor, .payment_id = id, .amount_fen = amount_fen, .reason = reason};
	const struct cr_provider *p;
	struct cr_err why = {0};
	int rc, done = 0;

	*out = NULL;
	if (reason == NULL || cr_utf8_chars(reason, strlen(reason)) < 2 ||
	    cr_utf8_chars(reason, strlen(reason)) > 80 || !cr_utf8_printable(reason))
		return cr_err_user(err, CR_EINVAL, "reason", "请填写退款原因（2 至 80 字）");
	if (amount_fen < 0)
		return cr_err_user(err, CR_EINVAL, "amount_fen", "退款金额无效");
	if ((rc = cr_db_tx(db, prepare, &a, err)) != 0)
		return rc;
	/* The provider, outside any transaction. */
	if ((p = cr_provider_find(a.r.provider)) == NULL)
		rc = cr_err_set(&why, CR_EINVAL, "no such provider: %s", a.r.provider);
	else
		rc = p->refund(cfg, a.r.trade_no, a.r.paid, a.r.amount, a.r.refund_no, reason, &done, &why);
	a.status = rc == 0 && done ? "succeeded" : rc == CR_EINVAL ? "failed" : "pending";
	a.failure = rc ? (why.user[0] ? why.user : why.msg) : "";
	if (rc != 0)
		cr_warn("pay: refund %s of %s %s: %s", a.r.refund_no, a.r.provider, a.r.trade_no, why.msg);
	if (strcmp(a.status, "pending") != 0) {
		int urc = cr_db_tx(db, settle, &a, err);

		if (urc != 0)
			return urc;
	}
	if (rc == CR_EINVAL) {
		*err = why;
		return rc;
	}
	if (rc != 0)
		return cr_err_user(err, CR_EUPSTREAM, NULL,
		                   "退款结果未知，请稍后重试（将使用同一退款单号 %s）", a.r.refund_no);
	*out = json_pack("{s:s, s:s, s:I}", "refund_no", a.r.refund_no, "status", a.status, "amount_fen",
	                 (json_int_t)a.r.amount);
	return 0;
}

int
cr_refund_list(struct cr_db *db, long long after, long long limit, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT p.id, p.provider, p.trade_no, o.order_no, p.amount_fen, p.reason,"
	    " DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%SZ'),"
	    " (SELECT COALESCE(SUM(amount_fen), 0) FROM refunds r WHERE r.online_payment_id = p.id"
	    "  AND r.status = 'succeeded'), p.status, IF(p.status = 'overpaid', p.surplus_fen, p.amount_fen)"
	    " FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE p.status IN ('unapplied', "
	    "'overpaid') AND (? = 0 OR p.id < ?)"
	    " ORDER BY p.id DESC LIMIT ?",
	    "iii", after, after, limit);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:I}", "id",
		              (json_int_t)cr_res_i64(&res, i, 0), "provider", cr_res_str(&res, i, 1),
		              "trade_no", cr_res_str(&res, i, 2), "order_no", cr_res_str(&res, i, 3),
		              "amount_fen", (json_int_t)cr_res_i64(&res, i, 4), "reason",
		              cr_res_str(&res, i, 5), "created_at", cr_res_str(&res, i, 6), "refunded_fen",
		              (json_int_t)cr_res_i64(&res, i, 7), "status", cr_res_str(&res, i, 8),
		              "refundable_fen", (json_int_t)cr_res_i64(&res, i, 9)));
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}
