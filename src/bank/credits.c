#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "csvwrite.h"
#include "json.h"
#include "match.h"
#include "messages.h"
#include "money.h"
#include "orderno.h"
#include "pay/pay.h"
#include "status.h"
#include "text.h"
#include "timefmt.h"

#define CREDIT_COLUMNS                                                                                       \
	"c.id, c.status, c.amount_fen, c.currency, DATE_FORMAT(c.booking_date, '%Y-%m-%d'), c.remittance,"   \
	" c.debtor_name, c.debtor_account, c.acct_svcr_ref, c.reason, c.surplus_fen, c.payer_mismatch,"      \
	" c.reversal, c.statement_id, s.file_name, so.order_no, so.amount_fen, so.status,"                   \
	" DATE_FORMAT(c.created_at, '%Y-%m-%dT%H:%i:%SZ'), c.assigned_by IS NOT NULL,"                       \
	" (SELECT JSON_ARRAYAGG(o.order_no ORDER BY o.order_no) FROM payments p"                             \
	"  JOIN orders o ON o.id = p.order_id WHERE p.credit_id = c.id), " STILL_OWED

/* 1 when an order the credit paid part of still waits for the rest. */
#define STILL_OWED                                                                                           \
	"EXISTS (SELECT 1 FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.credit_id = c.id"       \
	" AND o.status IN ('awaiting_payment', 'partially_paid'))"
#define CREDIT_FROM                                                                                          \
	" FROM credits c STRAIGHT_JOIN statements s ON s.id = c.statement_id"                                \
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
	/* A part payment whose order a later payment completed: nothing is waited for any more. */
	if (strcmp(status, "partial") == 0 && !cr_res_i64(res, i, 21)) {
		json_object_set_new(o, "order_settled", json_true());
		json_object_set_new(o, "status_label", json_string("部分付款（订单已付清）"));
	}
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
cr_credits_list(struct cr_db *db, const char *status, long long statement_id, long long after,
                long long limit, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int open = status == NULL || *status == '\0' || strcmp(status, "open") == 0, rc;

	if (!open && (!cr_status_known(CR_SM_CREDIT, status) || strcmp(status, "duplicate") == 0 ||
	              strcmp(status, "ignored") == 0))
		return cr_err_user(err, CR_EINVAL, "status", "未知的状态：%s", status);
	/* Keyset paging on the primary key, newest first: a page costs the same however deep it is. */
	if (open)
		rc = cr_db_exec(db, &res, err,
		                "SELECT " CREDIT_COLUMNS CREDIT_FROM
		                " WHERE c.status IN ('needs_review', 'unmatched', 'overpaid') AND (? = 0 OR "
		                "c.statement_id = ?) AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?",
		                "iiiii", statement_id, statement_id, after, after, limit);
	else if (strcmp(status, "partial") == 0 || strcmp(status, "matched") == 0)
		/*
		 * 部分付款 is what still waits for the rest of an order; a part payment
		 * whose order was paid in full later is listed with the matched ones.
		 */
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT " CREDIT_COLUMNS CREDIT_FROM
		    " WHERE c.status IN ('matched', 'partial') AND (c.status = 'partial' AND " STILL_OWED
		    ") = (? = 'partial') AND (? = 0 OR c.statement_id = ?) AND (? = 0 OR c.id < ?)"
		    " ORDER BY c.id DESC LIMIT ?",
		    "siiiii", status, statement_id, statement_id, after, after, limit);
	else
		rc =
		    cr_db_exec(db, &res, err,
		               "SELECT " CREDIT_COLUMNS CREDIT_FROM
		               " WHERE c.status = ? AND (? = 0 OR c.statement_id = ?) AND (? = 0 OR c.id < ?)"
		               " ORDER BY c.id DESC LIMIT ?",
		               "siiiii", status, statement_id, statement_id, after, after, limit);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, credit_json(&res, i));
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}

/* A credit's status as finance's tabs name it ("" all, "open", "partial" still owed, "matched" and the rest).
 */
#define TAB_FILTER                                                                                           \
	" (? = '' OR (? = 'open' AND c.status IN ('needs_review', 'unmatched', 'overpaid'))"                 \
	" OR (? IN ('partial', 'matched') AND c.status IN ('matched', 'partial')"                            \
	"  AND (c.status = 'partial' AND " STILL_OWED ") = (? = 'partial'))"                                 \
	" OR (? NOT IN ('open', 'partial', 'matched') AND c.status = ?))"
#define SEARCH_FILTERS                                                                                       \
	TAB_FILTER " AND (? = 0 OR c.id < ?) AND (? = '' OR c.booking_date >= ?)"                            \
	           " AND (? = '' OR c.booking_date < ?)"
#define SEARCH_TYPES "ssssssiissss"
#define SEARCH_ARGS status, status, status, status, status, status, after, after, from, from, to, to

int
cr_credits_search(struct cr_db *db, const struct cr_search *s, const char *status, const char *from,
                  const char *to, long long after, long long limit, json_t **out, struct cr_err *err)
{
	long long ids[5 * CR_SEARCH_MAX_IDS]; /* five look-ups at most, each up to a page and one */
	char list[CR_SEARCH_MAX_IDS * 21 + 2];
	struct cr_res res;
	json_t *items;
	size_t n = 0, max;
	int rc, more;

	status = status ? status : "";
	if (status[0] && strcmp(status, "open") != 0 && !cr_status_known(CR_SM_CREDIT, status))
		return cr_err_user(err, CR_EINVAL, "status", "未知的状态：%s", status);
	if (limit > CR_SEARCH_MAX_IDS - 1)
		limit = CR_SEARCH_MAX_IDS - 1; /* a smaller page; next still goes on */
	max = (size_t)limit + 1;
#define TAKE()                                                                                               \
	do {                                                                                                 \
		for (size_t i_ = 0; i_ < res.nrows; i_++)                                                    \
			ids[n++] = cr_res_i64(&res, i_, 0);                                                  \
		cr_res_release(&res);                                                                        \
	} while (0)
	if (s->key[0] == '\0') { /* days only */
		if ((rc = cr_db_exec(db, &res, err,
		                     "SELECT c.id FROM credits c WHERE" SEARCH_FILTERS
		                     " ORDER BY c.id DESC LIMIT ?",
		                     SEARCH_TYPES "i", SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
	}
	if (s->amount_fen > 0) { /* an amount */
		if ((rc = cr_db_exec(db, &res, err,
		                     "SELECT c.id FROM credits c WHERE c.amount_fen = ? AND" SEARCH_FILTERS
		                     " ORDER BY c.id DESC LIMIT ?",
		                     "i" SEARCH_TYPES "i", s->amount_fen, SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
	}
	if (s->order_no[0]) { /* the credits that paid an order, or are suggested for it */
		if ((rc = cr_db_exec(
		         db, &res, err,
		         "SELECT c.id FROM orders o JOIN payments p ON p.order_id = o.id"
		         " JOIN credits c ON c.id = p.credit_id WHERE o.order_no = ? AND" SEARCH_FILTERS
		         " ORDER BY c.id DESC LIMIT ?",
		         "s" SEARCH_TYPES "i", s->order_no, SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
		if ((rc = cr_db_exec(db, &res, err,
		                     "SELECT c.id FROM orders o JOIN credits c ON c.suggested_order_id = o.id"
		                     " WHERE o.order_no = ? AND" SEARCH_FILTERS " ORDER BY c.id DESC LIMIT ?",
		                     "s" SEARCH_TYPES "i", s->order_no, SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
	}
	if (s->key[0]) { /* the bank's reference, the payer's name, each as it starts */
		if ((rc = cr_db_exec(
		         db, &res, err,
		         "SELECT c.id FROM credits c WHERE c.acct_svcr_ref LIKE ? AND" SEARCH_FILTERS
		         " ORDER BY c.id DESC LIMIT ?",
		         "s" SEARCH_TYPES "i", s->prefix, SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
		if ((rc = cr_db_exec(db, &res, err,
		                     "SELECT c.id FROM credits c WHERE c.payer_key LIKE ? AND" SEARCH_FILTERS
		                     " ORDER BY c.id DESC LIMIT ?",
		                     "s" SEARCH_TYPES "i", s->prefix, SEARCH_ARGS, (long long)max)) != 0)
			return rc;
		TAKE();
	}
#undef TAKE
	n = cr_ids_desc(ids, n);
	if ((more = n > (size_t)limit))
		n = (size_t)limit;
	if ((rc = cr_db_exec(db, &res, err,
	                     "SELECT " CREDIT_COLUMNS
	                     " FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
	                     " JOIN credits c ON c.id = j.id JOIN statements s ON s.id = c.statement_id"
	                     " LEFT JOIN orders so ON so.id = c.suggested_order_id ORDER BY c.id DESC",
	                     "s", cr_ids_text(ids, n, list, sizeof list))) != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, credit_json(&res, i));
	*out = cr_json_page_more(items, &res, 0, more);
	cr_res_release(&res);
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

/* A change finance makes to one credit, as its transaction (cr_db_tx) sees it. */
struct change {
	const struct cr_actor *actor;
	long long id;
	const char *order_no, *reason, *reference, *made_on;
	json_t *out; /* the credit as it stands after the change, read inside the transaction */
};

/*
 * Runs step on credit c->id as one transaction, retried whole on a
 * deadlock: once committed, the change is answered as done (with the credit
 * as it stood inside it), never as failed by a read that came after.
 */
static int change_credit(struct cr_db *db, int (*step)(struct cr_db *, struct change *, struct cr_err *),
                         struct change *c, json_t **out, struct cr_err *err);

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

static int
assign(struct cr_db *db, struct change *ch, struct cr_err *err)
{
	struct cr_order_due o;
	struct cr_txn c;
	struct cr_match m;
	char before[16];
	long long id = ch->id;
	int rc;

	if ((rc = lock_open_credit(db, id, 0, &c, before, err)) != 0)
		return rc;
	if ((rc = cr_order_due(db, ch->order_no, 1, &o, err)) != 0)
		return rc == CR_ENOTFOUND
		           ? cr_err_user(err, CR_EINVAL, "order_no", "没有订单号为 %s 的订单", ch->order_no)
		           : rc;
	/* Finance's word settles what made the credit doubtful; the order's state still decides. */
	cr_match_decide(&c, &o, 1, NULL, 0, &m);
	if (m.nalloc == 0)
		return cr_err_user(err, CR_ECONFLICT, "order_no", "%s", m.reason);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE credits SET status = ?, surplus_fen = ?, payer_mismatch = ?, suggested_order_id = ?,"
	    " reason = LEFT(CONCAT('财务指定：', ?), 255), assigned_by = ?, assigned_at = UTC_TIMESTAMP(6)"
	    " WHERE id = ?",
	    "siiisii", cr_match_result_name(m.result), m.surplus_fen, (long long)m.payer_mismatch, o.id,
	    m.reason, ch->actor ? ch->actor->id : 0, id);
	for (int i = 0; rc == 0 && i < m.nalloc; i++)
		rc = cr_payment_apply(db, ch->actor, &(struct cr_payment_src){.credit_id = id},
		                      m.alloc[i].order_id, m.alloc[i].amount_fen, m.payer_mismatch, err);
	if (rc == 0 && m.result == CR_MATCH_OVERPAID && m.nalloc > 0)
		rc = cr_payment_tell_surplus(db, m.alloc[0].order_id, "银行转账", c.amount_fen, m.surplus_fen,
		                             err);
	if (rc == 0)
		rc = cr_audit(db, ch->actor, "credit.assign", "credit", id,
		              json_pack("{s:s}", "status", before),
		              json_pack("{s:s, s:s, s:I}", "status", cr_match_result_name(m.result),
		                        "order_no", o.order_no, "surplus_fen", (json_int_t)m.surplus_fen),
		              err);
	return rc;
}

int
cr_credit_assign(struct cr_db *db, const struct cr_actor *actor, long long id, const char *order_no,
                 json_t **out, struct cr_err *err)
{
	struct change c = {.actor = actor, .id = id, .order_no = order_no};

	if (order_no == NULL || !cr_orderno_valid(order_no))
		return cr_err_user(err, CR_EINVAL, "order_no", "订单号应为 8 位数字且校验位正确");
	return change_credit(db, assign, &c, out, err);
}

static int
dismiss(struct cr_db *db, struct change *ch, struct cr_err *err)
{
	struct cr_txn c;
	char before[16];
	int rc;

	if ((rc = lock_open_credit(db, ch->id, 1, &c, before, err)) == 0)
		rc = cr_db_exec(db, NULL, err,
		                "UPDATE credits SET status = 'dismissed', reason = LEFT(?, 255) WHERE id = ?",
		                "si", ch->reason, ch->id);
	if (rc == 0)
		rc = cr_audit(db, ch->actor, "credit.dismiss", "credit", ch->id,
		              json_pack("{s:s}", "status", before),
		              json_pack("{s:s, s:s}", "status", "dismissed", "reason", ch->reason), err);
	return rc;
}

int
cr_credit_dismiss(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                  json_t **out, struct cr_err *err)
{
	struct change c = {.actor = actor, .id = id, .reason = reason};
	int rc;

	if ((rc = cr_check_text(reason ? reason : "", "reason", "处理说明", 500, 1, err)) != 0)
		return rc;
	return change_credit(db, dismiss, &c, out, err);
}

/* The customer is told that what they paid too much, or the whole of an unclaimed transfer, went back. */
static int
tell_refund(struct cr_db *db, long long credit_id, long long amount, const struct change *ch,
            struct cr_err *err)
{
	char money[32], title[120], body[400], link[40];
	struct cr_res res;
	int rc;

	/* The order the money was meant for: one it paid, else the one finance or matching named. */
	rc = cr_db_one(db, &res, err, "order",
	               "SELECT o.order_no, o.account_id FROM orders o WHERE o.id = COALESCE("
	               " (SELECT MIN(p.order_id) FROM payments p WHERE p.credit_id = ?),"
	               " (SELECT c.suggested_order_id FROM credits c WHERE c.id = ?))",
	               "ii", credit_id, credit_id);
	if (rc == CR_ENOTFOUND)
		return 0; /* nobody to tell: the transfer named no order */
	if (rc != 0)
		return rc;
	cr_money_format(amount, money, sizeof money);
	snprintf(title, sizeof title, "订单 %s 退款 %s 元已退回", cr_res_str(&res, 0, 0), money);
	snprintf(body, sizeof body,
	         "%s 元已于 %s 通过银行转账退回付款账户（银行流水号 %s），到账时间以付款银行为准。", money,
	         ch->made_on, ch->reference);
	snprintf(link, sizeof link, "#/orders/%s", cr_res_str(&res, 0, 0));
	rc = cr_message_post(db, cr_res_i64(&res, 0, 1), "refunded", title, body, link, err);
	cr_res_release(&res);
	return rc;
}

static int
refund(struct cr_db *db, struct change *ch, struct cr_err *err)
{
	struct cr_res res;
	char before[16], refund_no[32];
	long long amount, n;
	int rc;

	/* Less what was refunded before: a cancelled order's share adds to a surplus refunded already. */
	rc = cr_db_one(db, &res, err, "credit",
	               "SELECT status, IF(status = 'overpaid', surplus_fen, amount_fen) - (SELECT"
	               " COALESCE(SUM(r.amount_fen), 0) FROM refunds r WHERE r.credit_id = c.id"
	               " AND r.status = 'succeeded') FROM credits c WHERE c.id = ? FOR UPDATE",
	               "i", ch->id);
	if (rc != 0)
		return rc;
	snprintf(before, sizeof before, "%s", cr_res_str(&res, 0, 0));
	amount = cr_res_i64(&res, 0, 1);
	cr_res_release(&res);
	/* What no order took: the surplus of an overpayment, or the whole of a transfer no order claims. */
	if (!cr_choice_has("overpaid|needs_review|unmatched", before) || amount <= 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "这笔款项状态为“%s”，没有待退还的金额",
		                   cr_status_label(CR_SM_CREDIT, before));
	if ((rc = cr_db_one(db, &res, err, "refunds", "SELECT COUNT(*) FROM refunds WHERE credit_id = ?", "i",
	                    ch->id)) != 0)
		return rc;
	n = cr_res_i64(&res, 0, 0);
	cr_res_release(&res);
	snprintf(refund_no, sizeof refund_no, "RB%lld-%lld", ch->id, n + 1);
	rc = cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO refunds (credit_id, refund_no, amount_fen, reason, status, provider_ref, made_on,"
	    " requested_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'succeeded', ?, ?, ?,"
	    " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
	    "isisssI", ch->id, refund_no, amount, ch->reason, ch->reference, ch->made_on,
	    ch->actor && ch->actor->id ? &ch->actor->id : NULL);
	if (rc == 0)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE credits SET surplus_fen = IF(status = 'overpaid', surplus_fen, ?),"
		    " status = 'refunded', reason = LEFT(CONCAT('已于 ', ?, ' 退回，银行流水号 ', ?),"
		    " 255) WHERE id = ?",
		    "issi", amount, ch->made_on, ch->reference, ch->id);
	if (rc == 0)
		rc = cr_audit(db, ch->actor, "credit.refunded", "credit", ch->id,
		              json_pack("{s:s}", "status", before),
		              json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "status", "refunded", "amount_fen",
		                        (json_int_t)amount, "refund_no", refund_no, "reference",
		                        ch->reference, "made_on", ch->made_on, "reason", ch->reason),
		              err);
	if (rc == 0)
		rc = tell_refund(db, ch->id, amount, ch, err);
	return rc;
}

static int check_day(const char *s, const char *field, struct cr_err *err);

int
cr_credit_refund(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reference,
                 const char *made_on, const char *reason, json_t **out, struct cr_err *err)
{
	struct change c = {.actor = actor, .id = id, .reference = reference, .reason = reason ? reason : ""};
	char today[11];
	int rc;

	cr_china_today(today, sizeof today, "%Y-%m-%d");
	if ((rc = cr_check_text(reference ? reference : "", "reference", "退款的银行流水号", 64, 1, err)) !=
	        0 ||
	    (rc = cr_check_text(c.reason, "reason", "退款说明", 200, 0, err)) != 0 ||
	    (rc = check_day(made_on, "made_on", err)) != 0)
		return rc;
	c.made_on = made_on && *made_on ? made_on : today;
	if (strcmp(c.made_on, today) > 0)
		return cr_err_user(err, CR_EINVAL, "made_on", "退款日期不能晚于今天（%s）", today);
	return change_credit(db, refund, &c, out, err);
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
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen(s) != 10 || !cr_date_valid(y, m, d))
		return cr_err_user(err, CR_EINVAL, field, "日期应为实际存在的日期，格式 YYYY-MM-DD");
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
	 * from the payments they made (a dismissed overpayment keeps the part that paid its order), what was
	 * refunded of them by hand, online payments by provider and what no order took, refunds made; and
	 * what the bank's statements say arrived that day (the fullest statement of it: several overlapping
	 * statements state the same day), with the day's closing balance.
	 */
	return cr_db_exec(
	    db, res, err,
	    "SELECT day, SUM(n), SUM(received), SUM(applied), SUM(open_fen), SUM(refund), SUM(dismissed),"
	    " SUM(open_n), SUM(alipay), SUM(wechat), SUM(online_surplus), SUM(refunded), SUM(bank_refunded),"
	    " SUM(stmt), SUM(stated), (SELECT s.closing_fen FROM statements s WHERE s.status = 'done'"
	    " AND s.closing_date = day ORDER BY s.id DESC LIMIT 1) FROM ("
	    "SELECT " CREDIT_DAY " AS day, 1 AS n, amount_fen AS received, applied,"
	    " IF(status IN ('needs_review', 'unmatched'), amount_fen, 0) AS open_fen,"
	    " IF(status = 'overpaid', surplus_fen - back, 0) AS refund,"
	    " IF(status = 'dismissed', amount_fen - applied, 0) AS dismissed,"
	    " status IN ('needs_review', 'unmatched') AS open_n, 0 AS alipay, 0 AS wechat, 0 AS "
	    "online_surplus,"
	    " 0 AS refunded, back AS bank_refunded, 0 AS stmt, 0 AS stated"
	    " FROM (SELECT c.*, (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p"
	    " WHERE p.credit_id = c.id) AS applied, (SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r"
	    " WHERE r.credit_id = c.id AND r.status = 'succeeded') AS back FROM credits c) c"
	    " UNION ALL SELECT DATE(created_at + INTERVAL 8 HOUR), 0, 0, 0, 0, 0, 0, 0,"
	    " IF(provider = 'alipay', amount_fen, 0), IF(provider = 'wechat', amount_fen, 0),"
	    " CASE status WHEN 'unapplied' THEN amount_fen WHEN 'overpaid' THEN surplus_fen ELSE 0 END, 0, "
	    "0, 0, 0"
	    " FROM online_payments"
	    " UNION ALL SELECT COALESCE(made_on, DATE(updated_at + INTERVAL 8 HOUR)), 0, 0, 0, 0, 0, 0, 0, "
	    "0, 0,"
	    " 0, amount_fen, 0, 0, 0 FROM refunds WHERE status = 'succeeded'"
	    " UNION ALL SELECT sd.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, COUNT(*), MAX(sd.credits_fen)"
	    " FROM statement_days sd JOIN statements s ON s.id = sd.statement_id AND s.status = 'done'"
	    " GROUP BY sd.day) x"
	    " WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?)"
	    " GROUP BY day ORDER BY day DESC LIMIT 366",
	    "ssss", from, from, to, to);
}

/*
 * A day's row as JSON; with a statement of the day, what it stated arrived
 * (stated_fen), the difference from what was counted (unreconciled_fen: 0
 * when the day closes) and the day's closing balance.
 */
static json_t *
daily_json(const struct cr_res *res, size_t i)
{
	static const char *const names[] = {NULL,
	                                    "credits",
	                                    "received_fen",
	                                    "matched_fen",
	                                    "open_fen",
	                                    "refund_fen",
	                                    "dismissed_fen",
	                                    "open",
	                                    "alipay_fen",
	                                    "wechat_fen",
	                                    "online_surplus_fen",
	                                    "refunded_fen",
	                                    "bank_refunded_fen"};
	json_t *o = json_pack("{s:s}", "day", cr_res_str(res, i, 0));
	int stated = cr_res_i64(res, i, 13) > 0;

	for (unsigned c = 1; o && c < sizeof names / sizeof names[0]; c++)
		json_object_set_new(o, names[c], json_integer(cr_res_i64(res, i, c)));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "stated_fen", stated ? json_integer(cr_res_i64(res, i, 14)) : json_null());
	json_object_set_new(o, "unreconciled_fen",
	                    stated ? json_integer(cr_res_i64(res, i, 14) - cr_res_i64(res, i, 2))
	                           : json_null());
	json_object_set_new(o, "closing_fen", cr_json_cell_int(res, i, 15));
	return o;
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
		json_array_append_new(items, daily_json(&res, i));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_credits_daily_csv(struct cr_db *db, const char *from, const char *to, char **csv, size_t *len,
                     struct cr_err *err)
{
	static const char *const head[] = {
	    "日期",           "到账笔数",   "银行到账金额", "已匹配金额",   "待处理金额",       "应退款金额",
	    "已另行处理金额", "待处理笔数", "支付宝收款",   "微信支付收款", "在线多付（待退）", "已退款金额",
	    "银行到账已退回", "对账单份数", "对账单收入",   "期末余额",     "未对平金额"};
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
			int stated = cr_res_i64(&res, i, 13) > 0;
			char money[32];

			if (c == 0 || c == 1 || c == 7) {
				cr_csv_cell(f, cr_res_str(&res, i, c), c == ncols - 1);
			} else if (c == 13) { /* statements of the day: a count, none said */
				cr_csv_cell(f, stated ? cr_res_str(&res, i, c) : "", 0);
			} else if ((c == 14 || c == 16) && !stated) {
				cr_csv_cell(f, "", c == ncols - 1);
			} else if (c == 15 && cr_res_str(&res, i, 15) == NULL) {
				cr_csv_cell(f, "", 0);
			} else {
				cr_money_format(c == 16 ? cr_res_i64(&res, i, 14) - cr_res_i64(&res, i, 2)
				                        : cr_res_i64(&res, i, c),
				                money, sizeof money);
				cr_csv_cell(f, money, c == ncols - 1);
			}
		}
	cr_res_release(&res);
	fclose(f);
	return 0;
}

static int
unassign(struct cr_db *db, struct change *ch, struct cr_err *err)
{
	struct cr_res res;
	char before[16];
	int rc;

	rc = cr_db_one(db, &res, err, "credit",
	               "SELECT status, assigned_by IS NOT NULL FROM credits WHERE id = ? FOR UPDATE", "i",
	               ch->id);
	if (rc != 0)
		return rc;
	snprintf(before, sizeof before, "%s", cr_res_str(&res, 0, 0));
	rc = cr_res_i64(&res, 0, 1) != 1 || !cr_choice_has("matched|partial|overpaid", before);
	cr_res_release(&res);
	if (rc)
		return cr_err_user(err, CR_ECONFLICT, NULL, "只能撤销财务手工指定的款项");
	/* Money already given back of it stays recorded against it: the assignment it came from stands. */
	if ((rc = cr_db_one(db, &res, err, "refunds", "SELECT COUNT(*) FROM refunds WHERE credit_id = ?", "i",
	                    ch->id)) != 0)
		return rc;
	rc = cr_res_i64(&res, 0, 0) > 0;
	cr_res_release(&res);
	if (rc)
		return cr_err_user(err, CR_ECONFLICT, NULL, "这笔款项已有退款记录，不能撤销指定");
	if ((rc = cr_payment_undo(db, ch->actor, ch->id, err)) == 0)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE credits SET status = 'needs_review', surplus_fen = 0, assigned_by = NULL,"
		    " assigned_at = NULL, reason = '已撤销手工指定，待重新处理' WHERE id = ?",
		    "i", ch->id);
	if (rc == 0)
		rc = cr_audit(db, ch->actor, "credit.unassign", "credit", ch->id,
		              json_pack("{s:s}", "status", before),
		              json_pack("{s:s}", "status", "needs_review"), err);
	return rc;
}

int
cr_credit_unassign(struct cr_db *db, const struct cr_actor *actor, long long id, json_t **out,
                   struct cr_err *err)
{
	struct change c = {.actor = actor, .id = id};

	return change_credit(db, unassign, &c, out, err);
}

/* What change_credit runs: the change, then the credit as it now stands. */
struct run_change {
	int (*step)(struct cr_db *, struct change *, struct cr_err *);
	struct change *c;
};

static int
run_change(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct run_change *r = arg;
	int rc;

	json_decref(r->c->out); /* an attempt before this one, rolled back */
	r->c->out = NULL;
	if ((rc = r->step(db, r->c, err)) == 0)
		rc = credit_get(db, r->c->id, &r->c->out, err);
	return rc;
}

static int
change_credit(struct cr_db *db, int (*step)(struct cr_db *, struct change *, struct cr_err *),
              struct change *c, json_t **out, struct cr_err *err)
{
	struct run_change r = {step, c};
	int rc = cr_db_tx(db, run_change, &r, err);

	if (rc != 0) {
		json_decref(c->out);
		c->out = NULL;
	}
	*out = c->out;
	return rc;
}
