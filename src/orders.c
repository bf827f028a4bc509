#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "messages.h"
#include "money.h"
#include "orderno.h"
#include "orders.h"
#include "price.h"
#include "status.h"

/* A new certificate of the order, awaiting the key's request. */
static int
new_certificate(struct cr_db *db, const struct cr_actor *actor, long long account, const char *token,
                long long centre, const char *subject, long long renews, long long order_id,
                struct cr_err *err)
{
	long long id;
	int rc;

	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO certificates (account_id, token, trading_centre_id, subject, status, "
	                "renews_id, order_id)"
	                " VALUES (?, ?, ?, ?, 'awaiting_csr', ?, ?)",
	                "isIsIi", account, token, centre ? &centre : NULL, subject, renews ? &renews : NULL,
	                order_id);
	if (rc != 0)
		return rc;
	id = cr_db_insert_id(db);
	return cr_audit(db, actor, "certificate.create", "certificate", id, NULL,
	                json_pack("{s:s, s:s, s:I, s:o}", "status", "awaiting_csr", "token", token,
	                          "order_id", (json_int_t)order_id, "trading_centre_id",
	                          centre ? json_integer(centre) : json_null()),
	                err);
}

int
cr_order_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long app_id,
                char order_no[9], long long *amount, struct cr_err *err)
{
	struct cr_res app, centres, seq;
	struct cr_prices prices;
	long long account, cert, years, order_id, ncentres;
	char title[200], body[400], money[32];
	const char *token, *subject;
	int rc;

	rc = cr_db_one(
	    db, &app, err, "application",
	    "SELECT a.account_id, a.certificate_id, a.years, a.payer_name, a.invoice_type, a.invoice_title,"
	    " a.invoice_tax_no, a.invoice_address, a.invoice_phone, a.invoice_bank, a.invoice_bank_account,"
	    " a.delivery_method, a.delivery_address, c.token, c.subject, a.quoted_fen"
	    " FROM applications a JOIN certificates c ON c.id = a.certificate_id WHERE a.id = ?",
	    "i", app_id);
	if (rc != 0)
		return rc;
	if ((rc = cr_db_exec(db, &centres, err,
	                     "SELECT centre_id FROM application_centres WHERE application_id = ?", "i",
	                     app_id)) != 0)
		goto out_app;
	account = cr_res_i64(&app, 0, 0);
	cert = cr_res_i64(&app, 0, 1);
	years = cr_res_i64(&app, 0, 2);
	token = cr_res_str(&app, 0, 13);
	subject = cr_res_str(&app, 0, 14);
	ncentres = (long long)centres.nrows;
	cr_prices_load(db, cfg, &prices);
	/* The price the customer submitted at holds (an application of before it was kept: the price in
	 * force). */
	if (cr_res_str(&app, 0, 15))
		*amount = cr_res_i64(&app, 0, 15);
	else if ((*amount = cr_price_fen(&prices, years, ncentres)) < 0) {
		rc = cr_err_set(err, CR_EINVAL, "orders: no price for %lld years", years);
		goto out;
	}
	if ((rc = cr_db_exec(db, &seq, err, "SELECT NEXT VALUE FOR order_no_seq", "")) != 0)
		goto out;
	rc = cr_orderno_make(cr_res_i64(&seq, 0, 0), order_no);
	cr_res_release(&seq);
	if (rc != 0) {
		rc = cr_err_set(err, CR_EIO, "orders: order numbers are used up");
		goto out;
	}
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO orders (order_no, application_id, account_id, amount_fen, payer_name, "
	                "years, created_at,"
	                " expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6),"
	                " UTC_TIMESTAMP(6) + INTERVAL ? DAY, UTC_TIMESTAMP(6))",
	                "siiisii", order_no, app_id, account, *amount, cr_res_str(&app, 0, 3), years,
	                (long long)cfg->order_ttl_days);
	if (rc != 0)
		goto out;
	order_id = cr_db_insert_id(db);
	rc = cr_audit_s(db, actor, "order.create", "order", order_no, NULL,
	                json_pack("{s:s, s:I, s:I, s:s, s:I}", "status", "awaiting_payment", "amount_fen",
	                          (json_int_t)*amount, "application_id", (json_int_t)app_id, "payer_name",
	                          cr_res_str(&app, 0, 3), "years", (json_int_t)years),
	                err);
	if (rc != 0)
		goto out;
	/* The renewal of the certificate itself, then one per add-on trading centre. */
	if ((rc = new_certificate(db, actor, account, token, 0, subject, cert, order_id, err)) != 0)
		goto out;
	for (size_t i = 0; i < centres.nrows; i++) {
		long long centre = cr_res_i64(&centres, i, 0), renews = 0;
		struct cr_res old;

		if (cr_db_exec(db, &old, NULL,
		               "SELECT id FROM certificates WHERE account_id = ? AND trading_centre_id = ? "
		               "AND token = ?"
		               " AND status IN ('active', 'expired', 'issued', 'installed') ORDER BY "
		               "not_after DESC LIMIT 1",
		               "iis", account, centre, token) == 0) {
			if (old.nrows)
				renews = cr_res_i64(&old, 0, 0);
			cr_res_release(&old);
		}
		if ((rc = new_certificate(db, actor, account, token, centre, subject, renews, order_id,
		                          err)) != 0)
			goto out;
	}
	rc = cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO invoices (order_id, invoice_type, title, tax_no, address, phone, bank, bank_account,"
	    " delivery_method, delivery_address) VALUES (?, IFNULL(?, 'normal'), ?, ?, ?, ?, ?, ?, IFNULL(?, "
	    "'pickup'), ?)",
	    "isssssssss", order_id, cr_res_str(&app, 0, 4), cr_res_str(&app, 0, 5), cr_res_str(&app, 0, 6),
	    cr_res_str(&app, 0, 7), cr_res_str(&app, 0, 8), cr_res_str(&app, 0, 9), cr_res_str(&app, 0, 10),
	    cr_res_str(&app, 0, 11), cr_res_str(&app, 0, 12));
	if (rc != 0)
		goto out;
	snprintf(title, sizeof title, "审核通过：订单号 %s", order_no);
	cr_money_format(*amount, money, sizeof money);
	snprintf(body, sizeof body,
	         "您的证书更新申请已审核通过。订单金额 %s 元，请在 %lld "
	         "天内付款，转账时务必在备注栏填写订单号 %s。",
	         money, (long long)cfg->order_ttl_days, order_no);
	{
		char link[40];

		snprintf(link, sizeof link, "#/orders/%s", order_no);
		rc = cr_message_post(db, account, "approved", title, body, link, err);
	}
out:
	cr_res_release(&centres);
out_app:
	cr_res_release(&app);
	return rc;
}

static json_t *
order_json(struct cr_res *res, size_t i)
{
	const char *status = cr_res_str(res, i, 1);

	/* token and addons: what the order renews, so that orders can be told apart (主锁, 2 个地州市证书).
	 */
	return json_pack(
	    "{s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "order_no",
	    cr_res_str(res, i, 0), "status", status, "status_label", cr_status_label(CR_SM_ORDER, status),
	    "amount_fen", (json_int_t)cr_res_i64(res, i, 2), "paid_fen", (json_int_t)cr_res_i64(res, i, 3),
	    "payer_name", cr_res_str(res, i, 4), "payer_mismatch", (int)cr_res_i64(res, i, 5),
	    "application_id", (json_int_t)cr_res_i64(res, i, 6), "created_at", cr_res_str(res, i, 7),
	    "expires_at", cr_res_str(res, i, 8), "years", (json_int_t)cr_res_i64(res, i, 9), "company_name",
	    cr_res_str(res, i, 10), "token", cr_res_str(res, i, 11) ? cr_res_str(res, i, 11) : "primary",
	    "addons", (json_int_t)cr_res_i64(res, i, 12));
}

#define ORDER_COLUMNS                                                                                        \
	"o.order_no, o.status, o.amount_fen, o.paid_fen, o.payer_name, o.payer_mismatch, o.application_id,"  \
	" DATE_FORMAT(o.created_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(o.expires_at, '%Y-%m-%dT%H:%i:%SZ')," \
	" o.years, IF(a.company_name = '', u.display_name, a.company_name),"                                 \
	" (SELECT c.token FROM certificates c WHERE c.order_id = o.id ORDER BY c.id LIMIT 1),"               \
	" (SELECT COUNT(*) FROM certificates c WHERE c.order_id = o.id AND c.trading_centre_id IS NOT NULL)"

/* The filters every way of finding orders shares (an account's own, status, days), after the FROM. */
#define ORDER_FILTERS                                                                                        \
	" (o.account_id = ? OR ? = 0) AND o.id < ? AND (? = '' OR o.status = ?)"                             \
	" AND (? = '' OR o.created_at >= CAST(? AS DATETIME) - INTERVAL 8 HOUR)"                             \
	" AND (? = '' OR o.created_at < CAST(? AS DATETIME) - INTERVAL 8 HOUR)"
#define ORDER_FILTER_TYPES "iiissssss"
#define ORDER_FILTER_ARGS(q)                                                                                 \
	(q)->account_id, (q)->account_id, (q)->after > 0 ? (q)->after : LLONG_MAX, (q)->status, (q)->status, \
	    (q)->from, (q)->from, (q)->to, (q)->to

/* The ids of the orders a text names, newest first, at most max: its payer's name, or its customer's. */
static int
text_ids(struct cr_db *db, const struct cr_orders_query *q, long long *ids, size_t *n, size_t max,
         struct cr_err *err)
{
	long long acc[CR_SEARCH_MAX_IDS];
	char list[CR_SEARCH_MAX_IDS * 21 + 2];
	size_t nacc = 0;
	struct cr_res res;
	int rc;

	*n = 0;
	/* The payer's name as it starts (the bank's record of it). */
	if ((rc = cr_db_exec(db, &res, err,
	                     "SELECT o.id FROM orders o WHERE o.payer_key LIKE ? AND" ORDER_FILTERS
	                     " ORDER BY o.id DESC LIMIT ?",
	                     "s" ORDER_FILTER_TYPES "i", q->s->prefix, ORDER_FILTER_ARGS(q),
	                     (long long)max)) != 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++)
		ids[(*n)++] = cr_res_i64(&res, i, 0);
	cr_res_release(&res);
	/* The customers the text names, and their orders (staff's search; a customer's orders are their own).
	 */
	if (q->account_id == 0 &&
	    (rc = cr_search_accounts(db, q->s, 0, CR_SEARCH_MAX_IDS, acc, &nacc, err)) != 0)
		return rc;
	if (nacc == CR_SEARCH_MAX_IDS)
		return cr_err_user(err, CR_EINVAL, "q",
		                   "“%s”符合的客户超过 %d 个，请输入更完整的名称、代码或订单号", q->s->text,
		                   CR_SEARCH_MAX_IDS - 1);
	if (nacc > 0) {
		if ((rc = cr_db_exec(db, &res, err,
		                     "SELECT o.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
		                     " JOIN orders o ON o.account_id = j.id JOIN applications a ON a.id = "
		                     "o.application_id"
		                     " JOIN users u ON u.id = o.account_id WHERE" ORDER_FILTERS
		                     " AND" CR_SEARCH_APP_MATCH " ORDER BY o.id DESC LIMIT ?",
		                     "s" ORDER_FILTER_TYPES CR_SEARCH_APP_TYPES "i",
		                     cr_ids_text(acc, nacc, list, sizeof list), ORDER_FILTER_ARGS(q),
		                     CR_SEARCH_APP_ARGS(q->s), (long long)max)) != 0)
			return rc;
		for (size_t i = 0; i < res.nrows; i++)
			ids[(*n)++] = cr_res_i64(&res, i, 0);
		cr_res_release(&res);
	}
	*n = cr_ids_desc(ids, *n);
	if (*n > max)
		*n = max;
	return 0;
}

/* The numbers one slip from a number that fails its check digit, of orders that exist (and are the
 * account's). */
static json_t *
suggestions(struct cr_db *db, const struct cr_orders_query *q)
{
	char v[CR_ORDERNO_SLIPS_MAX][9];
	size_t k =
	    cr_orderno_valid(q->s->order_no) ? 0 : cr_orderno_slips(q->s->order_no, v, CR_ORDERNO_SLIPS_MAX);
	json_t *out = json_array();
	struct cr_res res;

	for (size_t i = 0; i < k; i++) {
		if (cr_db_exec(db, &res, NULL,
		               "SELECT 1 FROM orders WHERE order_no = ? AND (account_id = ? OR ? = 0)", "sii",
		               v[i], q->account_id, q->account_id) != 0)
			break;
		if (res.nrows)
			json_array_append_new(out, json_string(v[i]));
		cr_res_release(&res);
	}
	return out;
}

int
cr_orders_list(struct cr_db *db, const struct cr_orders_query *q, json_t **out, struct cr_err *err)
{
	long long ids[2 * CR_SEARCH_MAX_IDS], limit = q->limit;
	char list[2 * CR_SEARCH_MAX_IDS * 21 + 2];
	const struct cr_search *s = q->s;
	struct cr_res res;
	json_t *items;
	size_t n = 0;
	int rc, more;

	if (q->status[0] && !cr_status_known(CR_SM_ORDER, q->status))
		return cr_err_user(err, CR_EINVAL, "status", "未知的订单状态：%s", q->status);
	if (s && s->order_no[0]) {
		/* A number: that order, or the ones it was meant to be. */
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT " ORDER_COLUMNS
		    ", o.id FROM orders o STRAIGHT_JOIN applications a ON a.id = o.application_id"
		    " STRAIGHT_JOIN users u ON u.id = o.account_id WHERE o.order_no = ? AND" ORDER_FILTERS,
		    "s" ORDER_FILTER_TYPES, s->order_no, ORDER_FILTER_ARGS(q));
		more = 0;
	} else if (s && s->key[0]) {
		if (limit > CR_SEARCH_MAX_IDS - 1)
			limit = CR_SEARCH_MAX_IDS - 1; /* a smaller page; next still goes on */
		if ((rc = text_ids(db, q, ids, &n, (size_t)limit + 1, err)) != 0)
			return rc;
		if ((more = n > (size_t)limit))
			n = (size_t)limit;
		rc = cr_db_exec(db, &res, err,
		                "SELECT " ORDER_COLUMNS
		                ", o.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
		                " JOIN orders o ON o.id = j.id JOIN applications a ON a.id = o.application_id"
		                " JOIN users u ON u.id = o.account_id ORDER BY o.id DESC",
		                "s", cr_ids_text(ids, n, list, sizeof list));
	} else {
		/* Newest first by key; o.id last of the columns, for the page's next. */
		rc =
		    cr_db_exec(db, &res, err,
		               "SELECT " ORDER_COLUMNS ", o.id FROM orders o USE INDEX FOR ORDER BY (PRIMARY)"
		               " STRAIGHT_JOIN applications a ON a.id = o.application_id"
		               " STRAIGHT_JOIN users u ON u.id = o.account_id WHERE" ORDER_FILTERS
		               " ORDER BY o.id DESC LIMIT ?",
		               ORDER_FILTER_TYPES "i", ORDER_FILTER_ARGS(q), limit);
		more = rc == 0 && (long long)res.nrows == limit;
	}
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, order_json(&res, i));
	*out = cr_json_page_more(items, &res, res.ncols - 1, more);
	if (s && s->order_no[0] && res.nrows == 0)
		json_object_set_new(*out, "suggestions", suggestions(db, q));
	cr_res_release(&res);
	return 0;
}

/* The money that reached an order: each payment's channel, amount, time and the reference it came with. */
static json_t *
payments_json(struct cr_db *db, const char *order_no)
{
	json_t *items = json_array();
	struct cr_res res;

	if (cr_db_exec(db, &res, NULL,
	               "SELECT IF(p.credit_id IS NULL, op.provider, 'bank'), p.amount_fen,"
	               " DATE_FORMAT(IFNULL(op.paid_at, p.created_at), '%Y-%m-%dT%H:%i:%SZ'),"
	               " IFNULL(op.trade_no, c.acct_svcr_ref), IFNULL(c.debtor_name, op.payer),"
	               " DATE_FORMAT(c.booking_date, '%Y-%m-%d')"
	               " FROM payments p JOIN orders o ON o.id = p.order_id"
	               " LEFT JOIN credits c ON c.id = p.credit_id"
	               " LEFT JOIN online_payments op ON op.id = p.online_payment_id"
	               " WHERE o.order_no = ? ORDER BY p.id",
	               "s", order_no) != 0)
		return items;
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(
		    items, json_pack("{s:s, s:I, s:s, s:o, s:o, s:o}", "channel", cr_res_str(&res, i, 0),
		                     "amount_fen", (json_int_t)cr_res_i64(&res, i, 1), "at",
		                     cr_res_str(&res, i, 2), "reference", cr_json_cell(&res, i, 3), "payer",
		                     cr_json_cell(&res, i, 4), "booking_date", cr_json_cell(&res, i, 5)));
	cr_res_release(&res);
	return items;
}

int
cr_order_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, const char *order_no,
             json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *o;
	int rc;

	if (!cr_orderno_valid(order_no))
		return cr_err_set(err, CR_ENOTFOUND, "no such order");
	rc = cr_db_one(
	    db, &res, err, "order",
	    "SELECT " ORDER_COLUMNS " FROM orders o JOIN applications a ON a.id = o.application_id"
	    " JOIN users u ON u.id = o.account_id WHERE o.order_no = ? AND (o.account_id = ? OR ? = 0)",
	    "sii", order_no, account_id, account_id);
	if (rc != 0)
		return rc;
	o = order_json(&res, 0);
	cr_res_release(&res);
	json_object_set_new(o, "bank",
	                    json_pack("{s:s, s:s, s:s}", "account_name", cfg->bank_account_name, "account",
	                              cfg->bank_account, "bank_name", cfg->bank_name));
	json_object_set_new(o, "payments", payments_json(db, order_no));
	*out = o;
	return 0;
}

int
cr_order_close(struct cr_db *db, const struct cr_actor *actor, long long id, const char *no,
               long long application_id, const char *to, const char *action, json_t *why, struct cr_err *err)
{
	json_t *after = why ? why : json_object();
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE orders SET status = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "si",
	                    to, id);

	/* The certificate is free for a new application again. */
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "UPDATE applications SET closed = 1 WHERE id = ?", "i",
		                application_id);
	json_object_set_new(after, "status", json_string(to));
	if (rc == 0)
		return cr_audit_s(db, actor, action, "order", no,
		                  json_pack("{s:s}", "status", "awaiting_payment"), after, err);
	json_decref(after);
	return rc;
}

int
cr_orders_expire(struct cr_db *db, long long *n, struct cr_err *err)
{
	struct cr_actor sys = {0, "system", ""};
	struct cr_res res;
	int rc;

	*n = 0;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = cr_db_exec(db, &res, err,
	                "SELECT id, order_no, account_id, application_id FROM orders"
	                " WHERE status = 'awaiting_payment' AND expires_at < UTC_TIMESTAMP(6) ORDER BY id "
	                "LIMIT 500 FOR UPDATE",
	                "");
	if (rc != 0)
		goto fail;
	for (size_t i = 0; i < res.nrows && rc == 0; i++) {
		const char *no = cr_res_str(&res, i, 1);
		char title[120];

		snprintf(title, sizeof title, "订单 %s 已过期", no);
		rc = cr_order_close(db, &sys, cr_res_i64(&res, i, 0), no, cr_res_i64(&res, i, 3), "expired",
		                    "order.expire", NULL, err);
		if (rc == 0)
			rc = cr_message_post(db, cr_res_i64(&res, i, 2), "expired", title,
			                     "订单超过付款期限未付款，已过期。如需更新请重新提交申请。",
			                     "#/orders", err);
		if (rc == 0)
			(*n)++;
	}
	cr_res_release(&res);
	if (rc != 0)
		goto fail;
	return cr_db_commit(db, err);
fail:
	cr_db_rollback(db);
	*n = 0;
	return rc;
}

void
cr_order_due_row(const struct cr_res *res, size_t i, struct cr_order_due *o)
{
	memset(o, 0, sizeof *o);
	o->id = cr_res_i64(res, i, 0);
	snprintf(o->order_no, sizeof o->order_no, "%s", cr_res_str(res, i, 1));
	snprintf(o->status, sizeof o->status, "%s", cr_res_str(res, i, 2));
	o->amount_fen = cr_res_i64(res, i, 3);
	o->paid_fen = cr_res_i64(res, i, 4);
	snprintf(o->payer_name, sizeof o->payer_name, "%s", cr_res_str(res, i, 5));
	o->account_id = cr_res_i64(res, i, 6);
}

int
cr_order_due(struct cr_db *db, const char *order_no, int lock, struct cr_order_due *o, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	if (lock)
		rc = cr_db_one(db, &res, err, "order",
		               "SELECT " CR_ORDER_DUE_COLUMNS " FROM orders WHERE order_no = ? FOR UPDATE",
		               "s", order_no);
	else
		rc = cr_db_one(db, &res, err, "order",
		               "SELECT " CR_ORDER_DUE_COLUMNS " FROM orders WHERE order_no = ?", "s",
		               order_no);
	if (rc != 0)
		return rc;
	cr_order_due_row(&res, 0, o);
	cr_res_release(&res);
	return 0;
}
