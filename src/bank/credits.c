#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "csvwrite.h"
#include "json.h"
#include "match.h"
#include "money.h"
#include "orderno.h"
#include "pay/pay.h"
#include "status.h"
#include "text.h"

#define CREDIT_COLUMNS                                                                                       \
	"c.id, c.status, c.amount_fen, c.currency, DATE_FORMAT(c.booking_date, '%Y-%m-%d'), c.remittance,"   \
	" c.debtor_name, c.debtor_account, c.acct_svcr_ref, c.reason, c.surplus_fen, c.payer_mismatch,"      \
	" c.reversal, c.statement_id, s.file_name, so.order_no, so.amount_fen, so.status,"                   \
	" DATE_FORMAT(c.created_at, '%Y-%m-%dT%H:%i:%SZ'), c.assigned_by IS NOT NULL,"                       \
	" (SELECT JSON_ARRAYAGG(o.order_no ORDER BY o.order_no) FROM payments p"                             \
	"  JOIN orders o ON o.id = p.order_id WHERE p.credit_id = c.id)"
#define CREDIT_FROM                                                                                          \
	" FROM credits c JOIN statements s ON s.id = c.statement_id"                                         \
	" LEFT JOIN orders so ON so.id = c.suggested_order_id"

static json_t *
credit_json(const struct cr_res *res, size_t i)
{
	const char *status = cr_res_str(res, i, 1);
	json_t *o = json_pack(
	    "{s:I, s:s, s:s, s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:I, s:s, s:s}", "id",
	    (json_int_t)cr_res_i64(res, i, 0), "status", status, "status_label",
	    cr_status_label(CR_SM_CREDIT, status), "amount_fen", (json_int_t)cr_res_i64(res, i, 2),
	    "currency", cr_res_str(res, i, 3), "booking_date", cr_json_cell(res, i, 4), "remittance",
	    cr_res_str(res, i, 5), "debtor_name", cr_res_str(res, i, 6), "debtor_account",
	    cr_res_str(res, i, 7), "reference", cr_res_str(res, i, 8), "reason", cr_res_str(res, i, 9),
	    "surplus_fen", (json_int_t)cr_res_i64(res, i, 10), "payer_mismatch", (int)cr_res_i64(res, i, 11),
	    "reversal", (int)cr_res_i64(res, i, 12), "statement_id", (json_int_t)cr_res_i64(res, i, 13),
	    "file_name", cr_res_str(res, i, 14), "created_at", cr_res_str(res, i, 18));
	json_t *orders;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "assigned", json_boolean(cr_res_i64(res, i, 19)));
	json_object_set_new(o, "suggested_order",
	                    cr_res_str(res, i, 15)
	                        ? json_pack("{s:s, s:I, s:s, s:s}", "order_no", cr_res_str(res, i, 15),
	                                    "amount_fen", (json_int_t)cr_res_i64(res, i, 16), "status",
	                                    cr_res_str(res, i, 17), "status_label",
	                                    cr_status_label(CR_SM_ORDER, cr_res_str(res, i, 17)))
	                        : json_null());
	/* The orders its money went to: a JSON array from the database, none when it paid nothing. */
	orders = cr_json_cell_parsed(res, i, 20);
	json_object_set_new(o, "orders", json_is_array(orders) ? orders : json_array());
	if (!json_is_array(orders))
		json_decref(orders);
	return o;
}

int
cr_credits_list(struct cr_db *db, const char *status, long long statement_id, json_t **out,
                struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int open = status == NULL || *status == '\0' || strcmp(status, "open") == 0, rc;

	if (!open && (!cr_status_known(CR_SM_CREDIT, status) || strcmp(status, "duplicate") == 0 ||
	              strcmp(status, "ignored") == 0))
		return cr_err_user(err, CR_EINVAL, "status", "未知的状态：%s", status);
	if (open)
		rc = cr_db_exec(db, &res, err,
		                "SELECT " CREDIT_COLUMNS CREDIT_FROM
		                " WHERE c.status IN ('needs_review', 'unmatched', 'overpaid') AND (? = 0 OR "
		                "c.statement_id = ?)"
		                " ORDER BY c.id DESC LIMIT 1000",
		                "ii", statement_id, statement_id);
	else
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT " CREDIT_COLUMNS CREDIT_FROM
		    " WHERE c.status = ? AND (? = 0 OR c.statement_id = ?) ORDER BY c.id DESC LIMIT 1000",
		    "sii", status, statement_id, statement_id);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, credit_json(&res, i));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int
credit_get(struct cr_db *db, long long id, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(db, &res, err, "credit", "SELECT " CREDIT_COLUMNS CREDIT_FROM " WHERE c.id = ?",
	                   "i", id);

	if (rc != 0)
		return rc;
	*out = credit_json(&res, 0);
	cr_res_release(&res);
	return 0;
}

/*
 * Ends the transaction of a change to credit id that returned rc, the
 * credit as it now stands read inside it: once committed, the change is
 * answered as done, never as failed by a read that came after.
 */
static int
commit_with(struct cr_db *db, int rc, long long id, json_t **out, struct cr_err *err)
{
	*out = NULL;
	if (rc == 0)
		rc = credit_get(db, id, out, err);
	if ((rc = cr_db_end(db, rc, err)) != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Locks credit id, which must still be open to a decision (or, with refund, owe one); its status into status.
 */
static int
lock_open_credit(struct cr_db *db, long long id, int refund, struct cr_txn *c, char status[16],
                 struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(
	    db, &res, err, "credit",
	    "SELECT status, amount_fen, remittance, debtor_name FROM credits WHERE id = ? FOR UPDATE", "i",
	    id);

	if (rc != 0)
		return rc;
	snprintf(status, 16, "%s", cr_res_str(&res, 0, 0));
	memset(c, 0, sizeof *c);
	c->amount_fen = cr_res_i64(&res, 0, 1);
	snprintf(c->text, sizeof c->text, "%s", cr_res_str(&res, 0, 2));
	snprintf(c->debtor_name, sizeof c->debtor_name, "%s", cr_res_str(&res, 0, 3));
	cr_res_release(&res);
	if (strcmp(status, "needs_review") != 0 && strcmp(status, "unmatched") != 0 &&
	    !(refund && strcmp(status, "overpaid") == 0))
		return cr_err_user(err, CR_ECONFLICT, NULL, "这笔款项状态为“%s”，不能再指定订单",
		                   cr_status_label(CR_SM_CREDIT, status));
	return 0;
}

int
cr_credit_assign(struct cr_db *db, const struct cr_actor *actor, long long id, const char *order_no,
                 json_t **out, struct cr_err *err)
{
	struct cr_order_due o;
	struct cr_txn c;
	struct cr_match m;
	char before[16];
	int rc;

	if (order_no == NULL || !cr_orderno_valid(order_no))
		return cr_err_user(err, CR_EINVAL, "order_no", "订单号应为 8 位数字且校验位正确");
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = lock_open_credit(db, id, 0, &c, before, err)) != 0)
		goto fail;
	if ((rc = cr_order_due(db, order_no, 1, &o, err)) != 0) {
		if (rc == CR_ENOTFOUND)
			rc = cr_err_user(err, CR_EINVAL, "order_no", "没有订单号为 %s 的订单", order_no);
		goto fail;
	}
	/* Finance's word settles what made the credit doubtful; the order's state still decides. */
	cr_match_decide(&c, &o, 1, NULL, 0, &m);
	if (m.nalloc == 0) {
		rc = cr_err_user(err, CR_ECONFLICT, "order_no", "%s", m.reason);
		goto fail;
	}
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE credits SET status = ?, surplus_fen = ?, payer_mismatch = ?, suggested_order_id = ?,"
	    " reason = LEFT(CONCAT('财务指定：', ?), 255), assigned_by = ?, assigned_at = UTC_TIMESTAMP(6)"
	    " WHERE id = ?",
	    "siiisii", cr_match_result_name(m.result), m.surplus_fen, (long long)m.payer_mismatch, o.id,
	    m.reason, actor ? actor->id : 0, id);
	for (int i = 0; rc == 0 && i < m.nalloc; i++)
		rc = cr_payment_apply(db, actor, &(struct cr_payment_src){.credit_id = id},
		                      m.alloc[i].order_id, m.alloc[i].amount_fen, m.payer_mismatch, err);
	if (rc == 0 && m.result == CR_MATCH_OVERPAID && m.nalloc > 0)
		rc = cr_payment_tell_surplus(db, m.alloc[0].order_id, "银行转账", c.amount_fen, m.surplus_fen,
		                             err);
	if (rc == 0)
		rc = cr_audit(db, actor, "credit.assign", "credit", id, json_pack("{s:s}", "status", before),
		              json_pack("{s:s, s:s, s:I}", "status", cr_match_result_name(m.result),
		                        "order_no", o.order_no, "surplus_fen", (json_int_t)m.surplus_fen),
		              err);
	return commit_with(db, rc, id, out, err);
fail:
	cr_db_rollback(db);
	return rc;
}

int
cr_credit_dismiss(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                  json_t **out, struct cr_err *err)
{
	struct cr_txn c;
	char before[16];
	int rc;

	if ((rc = cr_check_text(reason ? reason : "", "reason", "处理说明", 500, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = lock_open_credit(db, id, 1, &c, before, err)) == 0)
		rc = cr_db_exec(db, NULL, err,
		                "UPDATE credits SET status = 'dismissed', reason = LEFT(?, 255) WHERE id = ?",
		                "si", reason, id);
	if (rc == 0)
		rc = cr_audit(db, actor, "credit.dismiss", "credit", id, json_pack("{s:s}", "status", before),
		              json_pack("{s:s, s:s}", "status", "dismissed", "reason", reason), err);
	return commit_with(db, rc, id, out, err);
}

/* The day of a credit: the bank's booking date (a Chinese bank's day), else when it was read, in
 * Asia/Shanghai. */
#define CREDIT_DAY "IFNULL(booking_date, DATE(created_at + INTERVAL 8 HOUR))"

static int
check_day(const char *s, const char *field, struct cr_err *err)
{
	int y, m, d;
	char end;

	if (s == NULL || *s == '\0')
		return 0;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen(s) != 10 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return cr_err_user(err, CR_EINVAL, field, "日期格式应为 YYYY-MM-DD");
	return 0;
}

static int
daily_rows(struct cr_db *db, const char *from, const char *to, struct cr_res *res, struct cr_err *err)
{
	int rc;

	if ((rc = check_day(from, "from", err)) != 0 || (rc = check_day(to, "to", err)) != 0)
		return rc;
	from = from && *from ? from : NULL;
	to = to && *to ? to : NULL;
	/*
	 * Every kind of money of the day (Asia/Shanghai): bank credits by outcome, what paid orders counted
	 * from the payments they made (a dismissed overpayment keeps the part that paid its order), online
	 * payments by provider and what no order took, and refunds made.
	 */
	return cr_db_exec(
	    db, res, err,
	    "SELECT day, SUM(n), SUM(received), SUM(applied), SUM(open_fen), SUM(refund), SUM(dismissed),"
	    " SUM(open_n), SUM(alipay), SUM(wechat), SUM(online_surplus), SUM(refunded) FROM ("
	    "SELECT " CREDIT_DAY " AS day, 1 AS n, amount_fen AS received, applied,"
	    " IF(status IN ('needs_review', 'unmatched'), amount_fen, 0) AS open_fen,"
	    " IF(status = 'overpaid', surplus_fen, 0) AS refund,"
	    " IF(status = 'dismissed', amount_fen - applied, 0) AS dismissed,"
	    " status IN ('needs_review', 'unmatched') AS open_n, 0 AS alipay, 0 AS wechat, 0 AS "
	    "online_surplus,"
	    " 0 AS refunded FROM (SELECT c.*, (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p"
	    " WHERE p.credit_id = c.id) AS applied FROM credits c) c"
	    " UNION ALL SELECT DATE(created_at + INTERVAL 8 HOUR), 0, 0, 0, 0, 0, 0, 0,"
	    " IF(provider = 'alipay', amount_fen, 0), IF(provider = 'wechat', amount_fen, 0),"
	    " CASE status WHEN 'unapplied' THEN amount_fen WHEN 'overpaid' THEN surplus_fen ELSE 0 END, 0"
	    " FROM online_payments"
	    " UNION ALL SELECT DATE(updated_at + INTERVAL 8 HOUR), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, amount_fen"
	    " FROM refunds WHERE status = 'succeeded') x"
	    " WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?)"
	    " GROUP BY day ORDER BY day DESC LIMIT 366",
	    "ssss", from, from, to, to);
}

int
cr_credits_daily(struct cr_db *db, const char *from, const char *to, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = daily_rows(db, from, to, &res, err);

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "day",
		              cr_res_str(&res, i, 0), "credits", (json_int_t)cr_res_i64(&res, i, 1),
		              "received_fen", (json_int_t)cr_res_i64(&res, i, 2), "matched_fen",
		              (json_int_t)cr_res_i64(&res, i, 3), "open_fen",
		              (json_int_t)cr_res_i64(&res, i, 4), "refund_fen",
		              (json_int_t)cr_res_i64(&res, i, 5), "dismissed_fen",
		              (json_int_t)cr_res_i64(&res, i, 6), "open", (json_int_t)cr_res_i64(&res, i, 7),
		              "alipay_fen", (json_int_t)cr_res_i64(&res, i, 8), "wechat_fen",
		              (json_int_t)cr_res_i64(&res, i, 9), "online_surplus_fen",
		              (json_int_t)cr_res_i64(&res, i, 10), "refunded_fen",
		              (json_int_t)cr_res_i64(&res, i, 11)));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_credits_daily_csv(struct cr_db *db, const char *from, const char *to, char **csv, size_t *len,
                     struct cr_err *err)
{
	static const char *const head[] = {"日期",       "到账笔数",     "银行到账金额",     "已匹配金额",
	                                   "待处理金额", "应退款金额",   "已另行处理金额",   "待处理笔数",
	                                   "支付宝收款", "微信支付收款", "在线多付（待退）", "已退款金额"};
	const unsigned ncols = sizeof head / sizeof head[0];
	struct cr_res res;
	FILE *f;
	int rc = daily_rows(db, from, to, &res, err);

	if (rc != 0)
		return rc;
	if ((f = open_memstream(csv, len)) == NULL) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	}
	cr_csv_bom(f);
	for (unsigned c = 0; c < ncols; c++)
		cr_csv_cell(f, head[c], c == ncols - 1);
	for (size_t i = 0; i < res.nrows; i++)
		for (unsigned c = 0; c < ncols; c++) {
			char money[32];

			if (c == 0 || c == 1 || c == 7) {
				cr_csv_cell(f, cr_res_str(&res, i, c), c == ncols - 1);
			} else {
				cr_money_format(cr_res_i64(&res, i, c), money, sizeof money);
				cr_csv_cell(f, money, c == ncols - 1);
			}
		}
	cr_res_release(&res);
	fclose(f);
	return 0;
}

int
cr_credit_unassign(struct cr_db *db, const struct cr_actor *actor, long long id, json_t **out,
                   struct cr_err *err)
{
	struct cr_res res;
	char before[16];
	int rc;

	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc =
	    cr_db_one(db, &res, err, "credit",
	              "SELECT status, assigned_by IS NOT NULL FROM credits WHERE id = ? FOR UPDATE", "i", id);
	if (rc != 0)
		goto fail;
	snprintf(before, sizeof before, "%s", cr_res_str(&res, 0, 0));
	if (cr_res_i64(&res, 0, 1) != 1 || !cr_choice_has("matched|partial|overpaid", before)) {
		cr_res_release(&res);
		rc = cr_err_user(err, CR_ECONFLICT, NULL, "只能撤销财务手工指定的款项");
		goto fail;
	}
	cr_res_release(&res);
	if ((rc = cr_payment_undo(db, actor, id, err)) == 0)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE credits SET status = 'needs_review', surplus_fen = 0, assigned_by = NULL,"
		    " assigned_at = NULL, reason = '已撤销手工指定，待重新处理' WHERE id = ?",
		    "i", id);
	if (rc == 0)
		rc =
		    cr_audit(db, actor, "credit.unassign", "credit", id, json_pack("{s:s}", "status", before),
		             json_pack("{s:s}", "status", "needs_review"), err);
	return commit_with(db, rc, id, out, err);
fail:
	cr_db_rollback(db);
	return rc;
}
