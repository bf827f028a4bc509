#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alipay.h"
#include "log.h"
#include "messages.h"
#include "money.h"
#include "onlinepay.h"
#include "pay.h"
#include "wechat.h"

static int
alipay_refund(const struct cr_config *cfg, const char *trade_no, long long total_fen, long long amount_fen,
              const char *refund_no, const char *reason, int *done, struct cr_err *err)
{
	int rc = cr_alipay_refund(cfg, trade_no, amount_fen, refund_no, reason, err);

	*done = rc == 0; /* Alipay answers a refund at once */
	return rc;
}

static int
wechat_open(const struct cr_config *cfg, const struct cr_pay_attempt *a, int mobile, char *out, size_t outlen,
            struct cr_err *err)
{
	return cr_wechat_native(cfg, a, out, outlen, err); /* a code for a computer; a phone pays by H5 */
}

const struct cr_provider cr_providers[] = {
    {"alipay", "支付宝支付", 0, cr_alipay_enabled, cr_alipay_pay_url, NULL, NULL, cr_alipay_query,
     cr_alipay_close, alipay_refund},
    {"wechat", "微信支付", 1, cr_wechat_enabled, wechat_open, cr_wechat_h5_enabled, cr_wechat_h5,
     cr_wechat_query, cr_wechat_close, cr_wechat_refund},
};
const int cr_provider_count = sizeof cr_providers / sizeof cr_providers[0];

const struct cr_provider *
cr_provider_find(const char *name)
{
	for (int i = 0; i < cr_provider_count; i++)
		if (strcmp(cr_providers[i].name, name) == 0)
			return &cr_providers[i];
	return NULL;
}

struct attempt_step {
	long long account;
	const char *order_no, *provider, *device;
	struct cr_pay_attempt *out;
};

/* The decision of cr_online_attempt, in one transaction holding the order (cr_db_tx runs it again). */
static int
attempt(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct attempt_step *a = arg;
	struct cr_pay_attempt *out = a->out;
	struct cr_res res;
	char status[20];
	int rc;

	memset(out, 0, sizeof *out);
	/* The order locked: simultaneous clicks decide one after the other. */
	rc = cr_db_one(db, &res, err, "order",
	               "SELECT id, order_no, status, amount_fen - paid_fen,"
	               " TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), expires_at)"
	               " FROM orders WHERE order_no = ? AND account_id = ? FOR UPDATE",
	               "si", a->order_no, a->account);
	if (rc != 0)
		return rc;
	out->order_id = cr_res_i64(&res, 0, 0);
	snprintf(out->order_no, sizeof out->order_no, "%s", cr_res_str(&res, 0, 1));
	snprintf(status, sizeof status, "%s", cr_res_str(&res, 0, 2));
	out->amount_fen = cr_res_i64(&res, 0, 3);
	out->expires_in = cr_res_i64(&res, 0, 4);
	cr_res_release(&res);
	if ((strcmp(status, "awaiting_payment") != 0 && strcmp(status, "partially_paid") != 0) ||
	    out->amount_fen <= 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 当前不需要付款", out->order_no);
	if (out->expires_in < 60)
		return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 即将过期，请重新申请", out->order_no);
	/* A trade of the same ask, opened (with its url) or being opened by another click just now. */
	if ((rc = cr_db_exec(
	         db, &res, err,
	         "SELECT id, pay_url FROM pay_attempts WHERE order_id = ? AND provider = ? AND device = ?"
	         " AND amount_fen = ? AND closed_at IS NULL"
	         " AND created_at > UTC_TIMESTAMP(6) - INTERVAL IF(pay_url IS NULL, ?, ?) SECOND"
	         " ORDER BY id DESC LIMIT 1",
	         "issiii", out->order_id, a->provider, a->device, out->amount_fen, (long long)CR_PAY_OPENING,
	         (long long)CR_PAY_REUSE)) != 0)
		return rc;
	if (res.nrows == 1) {
		out->id = cr_res_i64(&res, 0, 0);
		if (cr_res_str(&res, 0, 1))
			snprintf(out->url, sizeof out->url, "%s", cr_res_str(&res, 0, 1));
		else
			out->pending = 1;
	}
	cr_res_release(&res);
	if (out->id)
		return 0;
	if ((rc = cr_db_one(db, &res, err, "attempts",
	                    "SELECT COUNT(*) FROM pay_attempts WHERE order_id = ?"
	                    " AND created_at > UTC_TIMESTAMP(6) - INTERVAL 1 HOUR",
	                    "i", out->order_id)) != 0)
		return rc;
	if (cr_res_i64(&res, 0, 0) >= CR_PAY_ATTEMPTS)
		rc = cr_err_user(err, CR_ETHROTTLED, NULL, "订单 %s 一小时内发起付款的次数过多，请稍后再试",
		                 out->order_no);
	cr_res_release(&res);
	if (rc == 0)
		rc =
		    cr_db_exec(db, NULL, err,
		               "INSERT INTO pay_attempts (order_id, provider, device, amount_fen, created_at)"
		               " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
		               "issi", out->order_id, a->provider, a->device, out->amount_fen);
	if (rc == 0)
		out->id = cr_db_insert_id(db);
	return rc;
}

int
cr_online_attempt(struct cr_db *db, long long account, const char *order_no, const char *provider,
                  const char *device, struct cr_pay_attempt *out, struct cr_err *err)
{
	return cr_db_tx(db, attempt, &(struct attempt_step){account, order_no, provider, device, out}, err);
}

int
cr_online_attempt_wait(struct cr_db *db, struct cr_pay_attempt *a, struct cr_err *err)
{
	struct timespec pause = {0, 200 * 1000 * 1000};

	for (int i = 0; i < CR_PAY_OPENING * 5; i++) {
		struct cr_res res;
		int rc = cr_db_one(db, &res, err, "pay_attempt",
		                   "SELECT pay_url FROM pay_attempts WHERE id = ?", "i", a->id);

		if (rc != 0)
			return rc;
		if (cr_res_str(&res, 0, 0))
			snprintf(a->url, sizeof a->url, "%s", cr_res_str(&res, 0, 0));
		cr_res_release(&res);
		if (a->url[0])
			return 0;
		nanosleep(&pause, NULL);
	}
	return cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 的付款正在生成，请稍候再试", a->order_no);
}

int
cr_online_attempt_url(struct cr_db *db, const struct cr_pay_attempt *a, const char *url, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err, "UPDATE pay_attempts SET pay_url = ? WHERE id = ?", "si", url,
	                  a->id);
}

/*
 * Inside the transaction, after p was booked against o for applied of its
 * amount: the rest is surplus, flagged for finance to refund, audited, and
 * the customer told.
 */
static int
overpaid(struct cr_db *db, const struct cr_actor *sys, const struct cr_online_payment *p,
         const struct cr_order_due *o, long long id, long long applied, struct cr_err *err)
{
	long long surplus = p->amount_fen - applied;
	const struct cr_provider *pr = cr_provider_find(p->provider);
	int rc;

	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE online_payments SET status = 'overpaid', surplus_fen = ?, reason = LEFT(?, 255)"
	    " WHERE id = ?",
	    "isi", surplus, "订单已付清，多付部分待退还", id);
	if (rc == 0)
		rc = cr_audit_s(db, sys, "payment.overpaid", "order", o->order_no, NULL,
		                json_pack("{s:s, s:s, s:I, s:I, s:I}", "provider", p->provider, "trade_no",
		                          p->trade_no, "amount_fen", (json_int_t)p->amount_fen, "applied_fen",
		                          (json_int_t)applied, "surplus_fen", (json_int_t)surplus),
		                err);
	if (rc != 0)
		return rc;
	return cr_payment_tell_surplus(db, o->id, pr ? pr->label : p->provider, p->amount_fen, surplus, err);
}

/* Inside the transaction: p booked against o (what o still owes of it), or kept as unapplied with the reason.
 */
static int
book(struct cr_db *db, const struct cr_online_payment *p, const struct cr_order_due *o, int *booked,
     struct cr_err *err)
{
	struct cr_actor sys = {0, p->provider, ""};
	long long id, owed = o->amount_fen - o->paid_fen, applied;
	struct cr_err why;
	int rc;

	rc = cr_db_exec(db, NULL, err,
	                "INSERT IGNORE INTO online_payments (provider, trade_no, order_id, amount_fen, payer,"
	                " status, source, paid_at, created_at)"
	                " VALUES (?, ?, ?, ?, LEFT(?, 128), 'booked', ?, ?, UTC_TIMESTAMP(6))",
	                "ssiisss", p->provider, p->trade_no, o->id, p->amount_fen, p->payer, p->source,
	                p->paid_at);
	if (rc != 0)
		return rc;
	if (cr_db_affected(db) == 0)
		return 0; /* seen before: booked once already */
	id = cr_db_insert_id(db);
	*booked = 1;
	/* An order takes what it still owes, never more (a trade opened before a bank transfer came in). */
	applied = p->amount_fen < owed ? p->amount_fen : owed;
	rc = applied > 0 ? cr_payment_apply(db, &sys, &(struct cr_payment_src){.online_id = id}, o->id,
	                                    applied, 0, &why)
	                 : cr_err_user(&why, CR_ECONFLICT, NULL, "订单 %s 已付清", o->order_no);
	if (rc == 0 && applied < p->amount_fen)
		return overpaid(db, &sys, p, o, id, applied, err);
	if (rc != CR_ECONFLICT) {
		if (rc != 0)
			*err = why;
		return rc;
	}
	/* Paid meanwhile (by bank), or expired: the money is kept for finance to refund. */
	cr_warn("pay: %s %s for order %s could not be applied: %s", p->provider, p->trade_no, o->order_no,
	        why.msg);
	rc = cr_db_exec(db, NULL, err,
	                "UPDATE online_payments SET status = 'unapplied', reason = LEFT(?, 255) WHERE id = ?",
	                "si", why.user[0] ? why.user : why.msg, id);
	if (rc == 0)
		rc = cr_audit_s(db, &sys, "payment.unapplied", "order", o->order_no, NULL,
		                json_pack("{s:s, s:s, s:I, s:s}", "provider", p->provider, "trade_no",
		                          p->trade_no, "amount_fen", (json_int_t)p->amount_fen, "status",
		                          o->status),
		                err);
	return rc;
}

/* One booking of a verified payment, as its transaction (cr_db_tx) sees it. */
struct booking {
	const struct cr_online_payment *p;
	int booked;
};

static int
book_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct booking *b = arg;
	const struct cr_online_payment *p = b->p;
	struct cr_order_due o;
	struct cr_res res;
	int rc;

	b->booked = 0;
	if ((rc = cr_order_due(db, p->order_no, 1, &o, err)) != 0)
		return rc;
	/* The amount must be one this order asked of this provider. */
	rc = cr_db_one(db, &res, err, "pay_attempt",
	               "SELECT id FROM pay_attempts WHERE order_id = ? AND provider = ? AND amount_fen = ?"
	               " LIMIT 1",
	               "isi", o.id, p->provider, p->amount_fen);
	if (rc == CR_ENOTFOUND)
		return cr_err_set(err, CR_EINVAL,
		                  "pay: %s reports %lld fen for order %s, which asked no such amount",
		                  p->provider, p->amount_fen, o.order_no);
	if (rc != 0)
		return rc;
	cr_res_release(&res);
	return book(db, p, &o, &b->booked, err);
}

int
cr_online_book(struct cr_db *db, const struct cr_online_payment *p, int *booked, struct cr_err *err)
{
	struct booking b = {p, 0};
	int rc = cr_db_tx(db, book_tx, &b, err);

	*booked = rc == 0 && b.booked;
	return rc;
}

int
cr_online_returned(struct cr_db *db, const char *provider, const char *order_no, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err,
	                  "UPDATE pay_attempts a JOIN orders o ON o.id = a.order_id"
	                  " SET a.returned_at = COALESCE(a.returned_at, UTC_TIMESTAMP(6))"
	                  " WHERE o.order_no = ? AND a.provider = ?",
	                  "ss", order_no, provider);
}

int
cr_online_due(struct cr_db *db, long long after, struct cr_online_due *out, int max, int *n,
              struct cr_err *err)
{
	struct cr_res res;
	int rc;

	*n = 0;
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT MAX(a.id), a.provider, o.order_no FROM pay_attempts a JOIN orders o ON o.id = a.order_id"
	    " WHERE o.status IN ('awaiting_payment', 'partially_paid')"
	    " AND a.created_at > UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
	    " AND ((a.returned_at <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
	    "      AND (a.queried_at IS NULL OR a.queried_at < a.returned_at + INTERVAL ? SECOND))"
	    "  OR (a.created_at <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
	    "      AND (a.queried_at IS NULL OR a.queried_at <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND)))"
	    " GROUP BY a.provider, o.order_no ORDER BY MAX(a.id) LIMIT ?",
	    "iiiii", after, after, after, 10 * after, (long long)max);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows && rc == 0; i++) {
		snprintf(out[*n].provider, sizeof out[*n].provider, "%s", cr_res_str(&res, i, 1));
		snprintf(out[*n].order_no, sizeof out[*n].order_no, "%s", cr_res_str(&res, i, 2));
		(*n)++;
		rc =
		    cr_db_exec(db, NULL, err,
		               "UPDATE pay_attempts a JOIN orders o ON o.id = a.order_id"
		               " SET a.queried_at = UTC_TIMESTAMP(6) WHERE o.order_no = ? AND a.provider = ?",
		               "ss", cr_res_str(&res, i, 2), cr_res_str(&res, i, 1));
	}
	cr_res_release(&res);
	return rc;
}

int
cr_online_to_close(struct cr_db *db, struct cr_online_due *out, int max, int *n, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	*n = 0;
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT DISTINCT a.provider, o.order_no FROM pay_attempts a JOIN orders o ON o.id = a.order_id"
	    " WHERE o.status = 'expired' AND a.closed_at IS NULL LIMIT ?",
	    "i", (long long)max);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++, (*n)++) {
		snprintf(out[*n].provider, sizeof out[*n].provider, "%s", cr_res_str(&res, i, 0));
		snprintf(out[*n].order_no, sizeof out[*n].order_no, "%s", cr_res_str(&res, i, 1));
	}
	cr_res_release(&res);
	return 0;
}

int
cr_online_closed(struct cr_db *db, const char *provider, const char *order_no, struct cr_err *err)
{
	return cr_db_exec(
	    db, NULL, err,
	    "UPDATE pay_attempts a JOIN orders o ON o.id = a.order_id SET a.closed_at = UTC_TIMESTAMP(6)"
	    " WHERE o.order_no = ? AND a.provider = ? AND a.closed_at IS NULL",
	    "ss", order_no, provider);
}
