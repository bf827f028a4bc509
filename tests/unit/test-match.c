/* Matching (match.c): the rules of SPEC 7 in order, and their edges, without a database. */
#include <stdio.h>
#include <string.h>

#include "bank/match.h"
#include "orderno.h"
#include "tap.h"

static struct cr_order_due
order(long long id, long long seq, const char *status, long long amount, long long paid, const char *payer)
{
	struct cr_order_due o;

	memset(&o, 0, sizeof o);
	o.id = id;
	cr_orderno_make(seq, o.order_no);
	snprintf(o.status, sizeof o.status, "%s", status);
	o.amount_fen = amount;
	o.paid_fen = paid;
	snprintf(o.payer_name, sizeof o.payer_name, "%s", payer);
	return o;
}

static struct cr_txn
credit(long long fen, const char *text, const char *debtor)
{
	struct cr_txn c;

	memset(&c, 0, sizeof c);
	c.amount_fen = fen;
	c.credit = 1;
	snprintf(c.currency, sizeof c.currency, "CNY");
	snprintf(c.status, sizeof c.status, "BOOK");
	snprintf(c.text, sizeof c.text, "%s", text);
	snprintf(c.debtor_name, sizeof c.debtor_name, "%s", debtor);
	return c;
}

static void
candidates(void)
{
	char out[CR_MATCH_MAX_CANDIDATES][9];
	int n;

	n = cr_match_candidates("证书续期 订单号00000228 谢谢", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "00000228") == 0, "an order number inside Chinese text");
	n = cr_match_candidates("1234 5678", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "12345678") == 0, "one space inside the number");
	n = cr_match_candidates("1234-5678", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "12345678") == 0, "one hyphen inside the number");
	n = cr_match_candidates("１２３４５６７８", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "12345678") == 0, "full-width digits count as digits");
	n = cr_match_candidates("１２３４ ５６７８", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "12345678") == 0, "full-width digits with a space");
	ok(cr_match_candidates("123456789", out, CR_MATCH_MAX_CANDIDATES) == 0,
	   "nine digits are not an order number");
	ok(cr_match_candidates("1234567", out, CR_MATCH_MAX_CANDIDATES) == 0, "seven digits are not either");
	ok(cr_match_candidates("1234  5678", out, CR_MATCH_MAX_CANDIDATES) == 0,
	   "two spaces part two numbers");
	n = cr_match_candidates("订单12345678 2026年", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1 && strcmp(out[0], "12345678") == 0, "a number followed by a year is still found");
	n = cr_match_candidates("00000228 和 00000236", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 2 && strcmp(out[0], "00000228") == 0 && strcmp(out[1], "00000236") == 0,
	   "two orders in one remittance");
	n = cr_match_candidates("00000228 00000228", out, CR_MATCH_MAX_CANDIDATES);
	ok(n == 1, "the same number twice is one candidate");
	ok(cr_match_candidates("账号 6228480012345678901", out, CR_MATCH_MAX_CANDIDATES) == 0,
	   "digits of a long account number are not candidates");
}

static void
names(void)
{
	char a[200], b[200];

	cr_match_fold_name("我是 测试企业", a, sizeof a);
	cr_match_fold_name("我是测试企业", b, sizeof b);
	ok(strcmp(a, b) == 0, "spaces are folded");
	cr_match_fold_name("我是\xE3\x80\x80测试企业", a, sizeof a);
	ok(strcmp(a, b) == 0, "the ideographic space is folded");
	cr_match_fold_name("ＡＢＣ（甘肃）有限公司", a, sizeof a);
	cr_match_fold_name("abc(甘肃)有限公司", b, sizeof b);
	ok(strcmp(a, b) == 0, "full-width forms and case are folded: %s / %s", a, b);
}

static void
rules(void)
{
	struct cr_order_due named[3], open[4];
	struct cr_match m;
	struct cr_txn c;
	char text[80];

	named[0] = order(1, 228 / 10, "awaiting_payment", 20000, 0, "我是测试企业");
	snprintf(text, sizeof text, "订单号 %s", named[0].order_no);

	c = credit(20000, text, "我是测试企业");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_MATCHED && m.nalloc == 1 && m.alloc[0].order_id == 1 &&
	       m.alloc[0].amount_fen == 20000 && !m.payer_mismatch,
	   "rule 1: the exact amount matches the order");
	c = credit(20000, text, "别的公司");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_MATCHED && m.payer_mismatch,
	   "a matched credit from another payer is flagged, not refused");
	c = credit(20000, text, "");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_MATCHED && !m.payer_mismatch, "without a debtor name nothing is flagged");
	c = credit(5000, text, "我是测试企业");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_PARTIAL && m.alloc[0].amount_fen == 5000, "short of the price: partial");
	named[0].paid_fen = 15000;
	named[0].status[0] = '\0';
	snprintf(named[0].status, sizeof named[0].status, "partially_paid");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_MATCHED && m.alloc[0].amount_fen == 5000,
	   "a later credit completes a partial payment");
	c = credit(8000, text, "我是测试企业");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_OVERPAID && m.alloc[0].amount_fen == 5000 && m.surplus_fen == 3000,
	   "over the price: overpaid, the surplus flagged for refund");
	snprintf(named[0].status, sizeof named[0].status, "paid");
	named[0].paid_fen = 20000;
	c = credit(20000, text, "我是测试企业");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 1 && m.nalloc == 0 &&
	       strstr(m.reason, "重复"),
	   "an order already paid: a second payment, for review");
	snprintf(named[0].status, sizeof named[0].status, "expired");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0, "an expired order: for review");

	named[0] = order(1, 22, "awaiting_payment", 20000, 0, "甲");
	named[1] = order(2, 23, "awaiting_payment", 40000, 0, "甲");
	snprintf(text, sizeof text, "%s,%s", named[0].order_no, named[1].order_no);
	c = credit(60000, text, "甲");
	cr_match_decide(&c, named, 2, NULL, 0, &m);
	ok(m.result == CR_MATCH_MATCHED && m.nalloc == 2 && m.alloc[0].amount_fen == 20000 &&
	       m.alloc[1].amount_fen == 40000,
	   "one transfer for two orders whose sums add up: matched to both");
	c = credit(50000, text, "甲");
	cr_match_decide(&c, named, 2, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0, "two orders that do not add up: for review");

	/* Rule 2: a slip of one digit or one swap, unique among open orders of the amount. */
	open[0] = order(7, 5555555, "awaiting_payment", 20000, 0, "乙");
	open[1] = order(8, 1234567, "awaiting_payment", 20000, 0, "丙");
	snprintf(text, sizeof text, "%.6s%c%c", open[0].order_no, open[0].order_no[7], open[0].order_no[6]);
	if (strcmp(text, open[0].order_no) == 0)
		text[7] =
		    (char)(text[7] == '9' ? '0'
		                          : text[7] + 1); /* equal neighbours: change one digit instead */
	c = credit(20000, text, "乙");
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 7 && m.nalloc == 0,
	   "rule 2: a typo next to exactly one open order is suggested (%s for %s)", text, open[0].order_no);
	snprintf(text, sizeof text, "%s", open[1].order_no);
	text[3] = (char)(text[3] == '9' ? '0' : text[3] + 1);
	c = credit(20000, text, "");
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 8,
	   "one wrong digit is suggested too");
	open[2] = open[1];
	open[2].id = 9;
	cr_match_decide(&c, NULL, 0, open, 3, &m);
	ok(m.result == CR_MATCH_UNMATCHED && m.suggested_order_id == 0,
	   "two neighbours: nothing is suggested");
	c = credit(20000, "24681357 完全无关", "");
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	ok(m.result == CR_MATCH_UNMATCHED, "a number far from every order: unmatched");
	/* A typo that rule 2 cannot settle still gets rule 3's suggestion: payer and amount. */
	snprintf(open[2].payer_name, sizeof open[2].payer_name, "%s", "丁");
	snprintf(text, sizeof text, "%s", open[1].order_no);
	text[3] = (char)(text[3] == '9' ? '0' : text[3] + 1);
	c = credit(20000, text, "丁");
	cr_match_decide(&c, NULL, 0, open, 3, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 9 && strstr(m.reason, "付款人"),
	   "two neighbours, one of them the payer's: that one is suggested (%s)", m.reason);
	c = credit(20000, "24681357", "乙");
	cr_match_decide(&c, NULL, 0, open, 3, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 7 && strstr(m.reason, "无法确认"),
	   "a number near no order, but one open order of the payer and amount: suggested (%s)", m.reason);
	snprintf(open[2].payer_name, sizeof open[2].payer_name, "%s", "丙");

	/* Rule 3: no number, one open order of the amount from this payer. */
	c = credit(20000, "续费", "乙");
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 7,
	   "rule 3: the payer's one open order is suggested");
	c = credit(20000, "续费", "Ｚ 公司");
	open[3] = order(10, 999, "awaiting_payment", 20000, 0, "z公司");
	cr_match_decide(&c, NULL, 0, open, 4, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 10, "payer names compared folded");
	open[2] = open[0];
	open[2].id = 11;
	c = credit(20000, "续费", "乙");
	cr_match_decide(&c, NULL, 0, open, 3, &m);
	ok(m.result == CR_MATCH_UNMATCHED, "two open orders of that payer: unmatched");
	c = credit(20000, "续费", "无名");
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	ok(m.result == CR_MATCH_UNMATCHED && strstr(m.reason, "未找到"), "rule 4: otherwise unmatched");

	/* Before every rule. */
	named[0] = order(1, 22, "awaiting_payment", 20000, 0, "甲");
	snprintf(text, sizeof text, "%s", named[0].order_no);
	c = credit(20000, text, "甲");
	c.reversal = 1;
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0,
	   "a reversal is for review, never booked to the order");
	c = credit(20000, text, "甲");
	c.sub_fen = 1;
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0, "digits past the fen: for review");
	c = credit(0, text, "甲");
	cr_match_decide(&c, named, 1, NULL, 0, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0, "a zero amount: for review");
	ok(strcmp(cr_match_result_name(CR_MATCH_NEEDS_REVIEW), "needs_review") == 0 &&
	       strcmp(cr_match_result_name(CR_MATCH_OVERPAID), "overpaid") == 0,
	   "results are named as stored");
}

/* bank.max_credit_fen: a huge credit waits for finance whatever it names. */
static void
bound(void)
{
	struct cr_order_due o = order(1, 228, "awaiting_payment", 20000, 0, "某公司");
	struct cr_txn c = credit(99999999999999999LL, "订单号 ", "某公司");
	struct cr_match m;

	strcat(c.text, o.order_no);
	cr_match_decide(&c, &o, 1, NULL, 0, &m);
	cr_match_bound(&c, 100000000, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.nalloc == 0 && m.surplus_fen == 0 &&
	       m.suggested_order_id == 1 && strstr(m.reason, "1000000.00"),
	   "999,999,999,999,999.99 yuan naming an order: for review, the order suggested, nothing booked "
	   "(%s)",
	   m.reason);
	c = credit(20000, "订单号 ", "某公司");
	strcat(c.text, o.order_no);
	cr_match_decide(&c, &o, 1, NULL, 0, &m);
	cr_match_bound(&c, 20000, &m);
	ok(m.result == CR_MATCH_MATCHED && m.nalloc == 1,
	   "a credit of exactly the bound is matched as before");
	c = credit(100000001, "没有订单号", "");
	cr_match_decide(&c, NULL, 0, NULL, 0, &m);
	cr_match_bound(&c, 100000000, &m);
	ok(m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id == 0,
	   "an unmatched huge credit: for review");
}

int
main(void)
{
	candidates();
	names();
	rules();
	bound();
	return tap_done();
}
