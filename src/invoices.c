#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "invoices.h"
#include "json.h"
#include "messages.h"
#include "money.h"
#include "status.h"

static int
check_status(const char **status, struct cr_err *err)
{
	if (*status && **status == '\0')
		*status = NULL;
	if (*status && !cr_status_known(CR_SM_INVOICE, *status))
		return cr_err_user(err, CR_EINVAL, "status",
		                   "status 只能是 pending（待开具）或 issued（已开具）");
	return 0;
}

/* The invoices of paid orders; hint: an index hint for invoices (the pages read their order's index). */
#define INVOICE_SELECT(hint)                                                                                 \
	"SELECT i.id, o.order_no, o.amount_fen, i.invoice_type, i.title, i.tax_no, i.address, i.phone, "     \
	"i.bank,"                                                                                            \
	" i.bank_account, i.delivery_method, i.delivery_address, i.status, i.invoice_no,"                    \
	" DATE_FORMAT(i.issued_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(o.paid_at, '%Y-%m-%dT%H:%i:%SZ'), "    \
	"u.login FROM invoices i " hint " STRAIGHT_JOIN orders o ON o.id = i.order_id"                       \
	" STRAIGHT_JOIN users u ON u.id = o.account_id WHERE o.status IN ('paid', 'issuing', 'completed')"
#define INVOICE_QUERY INVOICE_SELECT("")
/*
 * Pending first, by the time their order was paid (due_at, schema 024: the
 * index's own order); a page goes on from the invoice it names (its due_at
 * and id, read first).  One tab (a status) reads a range of invoices_due in
 * order; every status at once goes by the enum's order, pending first.
 */
#define INVOICE_TAB                                                                                          \
	" AND i.status = ? AND i.due_at >= ? AND (i.due_at > ? OR i.id > ?) ORDER BY i.due_at, i.id LIMIT ?"
#define INVOICE_ALL                                                                                          \
	" AND i.due_at IS NOT NULL AND (i.status + 0 > ? OR (i.status + 0 = ? AND (i.due_at >"               \
	" ? OR (i.due_at = ? AND i.id > ?))))"                                                               \
	" ORDER BY i.status, i.due_at, i.id LIMIT ?"
#define CSV_PAGE 1000 /* invoices the export reads at a time, by key */

int
cr_invoices_list(struct cr_db *db, const char *status, long long after, long long limit, json_t **out,
                 struct cr_err *err)
{
	static const char *const keys[] = {
	    "id",      "order_no",   "amount_fen", "invoice_type", "title",           "tax_no",
	    "address", "phone",      "bank",       "bank_account", "delivery_method", "delivery_address",
	    "status",  "invoice_no", "issued_at",  "paid_at",      "account"};
	char due[40] = "1000-01-01 00:00:00";
	long long st = 1;
	struct cr_res res;
	json_t *items;
	int rc;

	if ((rc = check_status(&status, err)) != 0)
		return rc;
	if (after > 0) { /* the page's place: the invoice after's status and due time */
		if ((rc = cr_db_exec(db, &res, err, "SELECT status + 0, due_at FROM invoices WHERE id = ?",
		                     "i", after)) != 0)
			return rc;
		if (res.nrows == 0 || cr_res_str(&res, 0, 1) == NULL) {
			cr_res_release(&res);
			return cr_err_user(err, CR_EINVAL, "after", "after 须为上一页给出的 next");
		}
		st = cr_res_i64(&res, 0, 0); /* its place in the enum: pending 1, issued 2 */
		snprintf(due, sizeof due, "%s", cr_res_str(&res, 0, 1));
		cr_res_release(&res);
	}
	if (status)
		rc = cr_db_exec(db, &res, err, INVOICE_SELECT("FORCE INDEX (invoices_due)") INVOICE_TAB,
		                "sssii", status, due, due, after, limit);
	else
		rc = cr_db_exec(db, &res, err, INVOICE_QUERY INVOICE_ALL, "iissii", st, st, due, due, after,
		                limit);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		json_t *o = json_object();

		for (unsigned c = 0; c < res.ncols; c++) {
			const char *v = cr_res_str(&res, i, c);

			if (c == 0 || c == 2)
				json_object_set_new(o, keys[c], json_integer(cr_res_i64(&res, i, c)));
			else
				json_object_set_new(o, keys[c], cr_json_str(v));
		}
		json_array_append_new(items, o);
	}
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}

/* Issuing one invoice, as its transaction (cr_db_tx) sees it. */
struct issue {
	const struct cr_actor *actor;
	long long id;
	const char *invoice_no;
};

static int
issue_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	const struct issue *is = arg;
	struct cr_res res;
	char title[120];
	int rc;

	rc = cr_db_one(db, &res, err, "invoice",
	               "SELECT i.status, o.status, o.order_no, o.account_id FROM invoices i JOIN orders o "
	               "ON o.id = i.order_id WHERE i.id = ? FOR UPDATE",
	               "i", is->id);
	if (rc != 0)
		return rc;
	if (strcmp(cr_res_str(&res, 0, 0), "pending") != 0 ||
	    !cr_choice_has("paid|issuing|completed", cr_res_str(&res, 0, 1))) {
		rc = cr_err_user(err, CR_ECONFLICT, NULL,
		                 strcmp(cr_res_str(&res, 0, 0), "pending") != 0
		                     ? "该发票已开具"
		                     : "订单尚未付款，不能开具发票");
		cr_res_release(&res);
		return rc;
	}
	snprintf(title, sizeof title, "订单 %s 的发票已开具：%s", cr_res_str(&res, 0, 2), is->invoice_no);
	rc = cr_db_exec(db, NULL, err,
	                "UPDATE invoices SET status = 'issued', invoice_no = ?, issued_at = "
	                "UTC_TIMESTAMP(6), issued_by = ?"
	                " WHERE id = ?",
	                "sii", is->invoice_no, is->actor->id, is->id);
	if (rc == CR_ECONFLICT)
		rc = cr_err_user(err, CR_ECONFLICT, "invoice_no", "发票号码 %s 已被使用", is->invoice_no);
	if (rc == 0)
		rc = cr_audit(db, is->actor, "invoice.issue", "invoice", is->id,
		              json_pack("{s:s}", "status", "pending"),
		              json_pack("{s:s, s:s, s:s}", "status", "issued", "invoice_no", is->invoice_no,
		                        "order_no", cr_res_str(&res, 0, 2)),
		              err);
	if (rc == 0)
		rc = cr_message_post(db, cr_res_i64(&res, 0, 3), "invoice", title, "", "#/orders", err);
	cr_res_release(&res);
	return rc;
}

int
cr_invoice_issue(struct cr_db *db, const struct cr_actor *actor, long long id, const char *invoice_no,
                 struct cr_err *err)
{
	struct issue is = {actor, id, invoice_no};
	size_t n = invoice_no ? strlen(invoice_no) : 0;

	if (n == 0 || n > 40)
		return cr_err_user(err, CR_EINVAL, "invoice_no", "请填写发票号码（最多 40 位）");
	for (size_t i = 0; i < n; i++)
		if (!((invoice_no[i] >= '0' && invoice_no[i] <= '9') ||
		      (invoice_no[i] >= 'A' && invoice_no[i] <= 'Z') ||
		      (invoice_no[i] >= 'a' && invoice_no[i] <= 'z') || invoice_no[i] == '-'))
			return cr_err_user(err, CR_EINVAL, "invoice_no",
			                   "发票号码只能包含字母、数字和连字符");
	return cr_db_tx(db, issue_tx, &is, err);
}

int
cr_invoice_due(struct cr_db *db, long long order_id, struct cr_err *err)
{
	return cr_db_exec(
	    db, NULL, err,
	    "UPDATE invoices i JOIN orders o ON o.id = i.order_id SET i.due_at ="
	    " IF(o.status IN ('paid', 'issuing', 'completed'), IFNULL(o.paid_at, o.created_at), NULL)"
	    " WHERE i.order_id = ?",
	    "i", order_id);
}

int
cr_invoices_csv(struct cr_db *db, const char *status, FILE *(*begin)(void *arg), void *arg,
                struct cr_err *err)
{
	static const char *const head[] = {"编号",         "订单号",   "金额（元）", "发票类型", "发票抬头",
	                                   "纳税人识别号", "地址",     "电话",       "开户银行", "银行账号",
	                                   "领取方式",     "邮寄地址", "状态",       "发票号码", "开具时间",
	                                   "付款时间",     "账号"};
	struct cr_res res = {0};
	long long after = 0;
	FILE *f = NULL;
	int rc;

	if ((rc = check_status(&status, err)) != 0)
		return rc;
	/* Every invoice, a page at a time by key, each page written as it comes: constant memory, none left
	 * out. */
	do {
		cr_res_release(&res);
		if ((rc = cr_db_exec(db, &res, err,
		                     INVOICE_QUERY
		                     " AND (? IS NULL OR i.status = ?) AND i.id > ? ORDER BY i.id LIMIT ?",
		                     "ssii", status, status, after, (long long)CSV_PAGE)) != 0)
			break;
		if (f == NULL) { /* the first page read: the answer begins */
			if ((f = begin(arg)) == NULL) {
				rc = cr_err_set(err, CR_ENOMEM, "invoices: cannot write the export");
				break;
			}
			cr_csv_bom(f);
			for (unsigned c = 0; c < 17; c++)
				cr_csv_cell(f, head[c], c == 16);
		}
		if (res.nrows)
			after = cr_res_i64(&res, res.nrows - 1, 0);
		for (size_t i = 0; i < res.nrows; i++) {
			for (unsigned c = 0; c < res.ncols; c++) {
				char money[32];
				const char *v = cr_res_str(&res, i, c);

				if (c == 2) {
					cr_money_format(cr_res_i64(&res, i, c), money, sizeof money);
					v = money;
				} else if (c == 3) {
					v = strcmp(v, "special") == 0 ? "专票" : "普票";
				} else if (c == 10) {
					v = strcmp(v, "courier") == 0 ? "邮寄" : "现场领取";
				} else if (c == 12) {
					v = cr_status_label(CR_SM_INVOICE, v);
				}
				cr_csv_cell(f, v, c == res.ncols - 1);
			}
		}
	} while (res.nrows == CSV_PAGE);
	cr_res_release(&res);
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = cr_err_set(err, CR_EIO, "invoices: the export could not be written whole");
	return rc;
}
