#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "money.h"
#include "paper.h"
#include "pay.h"
#include "timefmt.h"

/* "¥1,200.00": yuan with thousands separated, as a finance department reads them. */
static void
yuan(long long fen, char out[40])
{
	char digits[24];
	int n, o = 0;

	snprintf(digits, sizeof digits, "%lld", fen / 100);
	n = (int)strlen(digits);
	o += snprintf(out, 40, "¥");
	for (int i = 0; i < n; i++) {
		out[o++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i < n - 1)
			out[o++] = ',';
	}
	snprintf(out + o, 40 - (size_t)o, ".%02lld", fen % 100);
}

struct notice {
	char order_no[9], status[20], payer[404], company[404], applicant[204], expires[96], date[40];
	long long amount, paid;
	int enterprise, online;
};

static int
draw(const struct cr_config *cfg, const struct notice *n, char **pdf, size_t *len)
{
	const double x = CR_PAPER_MARGIN, w = CR_A4_W - 2 * CR_PAPER_MARGIN;
	long long due = n->amount - n->paid;
	char line[1024], fig[40], caps[CR_MONEY_CAPITALS];
	struct cr_paper *p;
	double y;

	if (cr_money_capitals(due, caps, sizeof caps) != 0 || (p = cr_paper_new("付款通知书")) == NULL)
		return -1;
	yuan(due, fig);
	cr_paper_text(p, x, 40, w, CR_PAPER_SANS, 10, CR_ALIGN_LEFT, cfg->agency_name);
	y = 62;
	y += cr_paper_text(p, x, y, w, CR_PAPER_SANS " Bold", 24, CR_ALIGN_CENTER, "付款通知书") + 16;
	snprintf(line, sizeof line, "致：%s%s", n->enterprise ? n->company : n->applicant,
	         n->enterprise ? " 财务部" : "");
	y += cr_paper_text(p, x, y, w, CR_PAPER_SERIF " Bold", 12, CR_ALIGN_LEFT, line) + 6;
	snprintf(
	    line, sizeof line,
	    "\u3000\u3000%s申请的数字证书更新已审核通过。请按下表通过银行转账付款；款项到账后，系统自动确认并"
	    "签发新证书，无需来电或来人。",
	    n->enterprise ? "贵单位" : "您");
	y += cr_paper_text(p, x, y, w, CR_PAPER_SERIF, 11, CR_ALIGN_LEFT, line) + 14;
	/* The order number in large type: what the remark must carry. */
	cr_paper_box(p, x, y, w, 78, 1.6, 1);
	cr_paper_text(p, x, y + 8, w, CR_PAPER_SANS, 11, CR_ALIGN_CENTER, "订单号（请填写在转账备注栏）");
	cr_paper_text(p, x, y + 26, w, CR_PAPER_SANS " Bold", 34, CR_ALIGN_CENTER, n->order_no);
	y += 78 + 14;
	y += cr_paper_row(p, y, "应付金额（小写）", fig, CR_PAPER_SANS " Bold", 14);
	y += cr_paper_row(p, y, "应付金额（大写）", caps, CR_PAPER_SERIF " Bold", 14);
	if (n->paid > 0) {
		char a[40], b[40];

		yuan(n->amount, a);
		yuan(n->paid, b);
		snprintf(line, sizeof line, "订单金额 %s，已付 %s，以上为尚需支付的金额", a, b);
		y += cr_paper_row(p, y, "说明", line, CR_PAPER_SERIF, 11);
	}
	y += cr_paper_row(p, y, "收款户名", cfg->bank_account_name, CR_PAPER_SERIF, 12);
	y += cr_paper_row(p, y, "收款账号", cfg->bank_account, CR_PAPER_SANS " Bold", 13);
	y += cr_paper_row(p, y, "开户银行", cfg->bank_name, CR_PAPER_SERIF, 12);
	snprintf(line, sizeof line, "%s\n（转账付款人须与此一致）", n->payer);
	y += cr_paper_row(p, y, "付款人", line, CR_PAPER_SERIF, 12);
	snprintf(line, sizeof line, "%s\n（只填写这 8 位数字，不加其他文字）", n->order_no);
	y += cr_paper_row(p, y, "转账备注（附言）", line, CR_PAPER_SERIF, 12);
	y += cr_paper_row(p, y, "付款期限", n->expires, CR_PAPER_SERIF, 12) + 18;
	y += cr_paper_text(p, x, y, w, CR_PAPER_SANS " Bold", 12, CR_ALIGN_LEFT, "注意事项") + 4;
	snprintf(line, sizeof line,
	         "1. 请一次付清上述金额；付款人名称须与上表“付款人”一致，否则款项需人工核对，办理会延迟。\n"
	         "2. 转账备注栏只填写订单号 %s，系统据此自动确认到账。\n"
	         "3. 付款期限过后订单自动关闭，请勿再向已关闭的订单付款。\n"
	         "%s",
	         n->order_no,
	         n->online ? "4. 也可以登录证书更新系统，在订单页面使用支付宝或微信支付在线付款，即时到账。\n"
	                   : "");
	y += cr_paper_text(p, x, y, w, CR_PAPER_SERIF, 11, CR_ALIGN_LEFT, line) + 12;
	snprintf(line, sizeof line, "%s　服务热线：%s　打印日期：%s", cfg->agency_name, cfg->agency_hotline,
	         n->date);
	cr_paper_line(p, x, CR_A4_H - 48, x + w, CR_A4_H - 48, 0.4);
	cr_paper_text(p, x, CR_A4_H - 42, w, CR_PAPER_SANS, 8, CR_ALIGN_LEFT, line);
	return cr_paper_finish(p, pdf, len);
}

int
cr_order_notice_pdf(struct cr_db *db, const struct cr_config *cfg, long long account, const char *order_no,
                    char **pdf, size_t *len, char filename[64], struct cr_err *err)
{
	struct notice n;
	struct cr_res res;
	int rc;

	memset(&n, 0, sizeof n);
	rc = cr_db_exec(db, &res, err,
	                "SELECT o.order_no, o.status, o.amount_fen, o.paid_fen, o.payer_name,"
	                " DATE_FORMAT(o.expires_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i'),"
	                " IFNULL(a.company_name, ''), IFNULL(a.applicant_name, ''), o.account_id"
	                " FROM orders o JOIN applications a ON a.id = o.application_id"
	                " WHERE o.order_no = ? AND (? = 0 OR o.account_id = ?)",
	                "sii", order_no, account, account);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_user(err, CR_ENOTFOUND, NULL, "没有这个订单");
	}
	snprintf(n.order_no, sizeof n.order_no, "%s", cr_res_str(&res, 0, 0));
	snprintf(n.status, sizeof n.status, "%s", cr_res_str(&res, 0, 1));
	n.amount = cr_res_i64(&res, 0, 2);
	n.paid = cr_res_i64(&res, 0, 3);
	snprintf(n.payer, sizeof n.payer, "%s", cr_res_str(&res, 0, 4));
	int ey, em, ed, eh, emin;

	if (sscanf(cr_res_str(&res, 0, 5), "%d-%d-%d %d:%d", &ey, &em, &ed, &eh, &emin) == 5)
		snprintf(n.expires, sizeof n.expires, "%d年%d月%d日 %02d:%02d（北京时间）前", ey, em, ed, eh,
		         emin);
	snprintf(n.company, sizeof n.company, "%s", cr_res_str(&res, 0, 6));
	snprintf(n.applicant, sizeof n.applicant, "%s", cr_res_str(&res, 0, 7));
	n.enterprise = cr_user_is_enterprise(db, cr_res_i64(&res, 0, 8));
	cr_res_release(&res);
	if (strcmp(n.status, "awaiting_payment") != 0 && strcmp(n.status, "partially_paid") != 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "%s",
		                   strcmp(n.status, "expired") == 0 || strcmp(n.status, "cancelled") == 0
		                       ? "订单已关闭，不能再付款，也就没有付款通知书"
		                       : "订单已付清，无需再付款");
	for (int i = 0; i < cr_provider_count; i++)
		n.online |= cr_providers[i].enabled(cfg);
	cr_china_today(n.date, sizeof n.date, "%Y年%m月%d日");
	if (draw(cfg, &n, pdf, len) != 0)
		return cr_err_set(err, CR_EIO, "drawing the payment notice of order %s failed", order_no);
	snprintf(filename, 64, "payment-notice-%s.pdf", n.order_no);
	return 0;
}
