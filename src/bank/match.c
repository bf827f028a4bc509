#include <stdio.h>
#include <string.h>

#include "match.h"
#include "money.h"
#include "orderno.h"
#include "utf8.h"

const char *
cr_match_result_name(enum cr_match_result r)
{
	static const char *const names[] = {"matched", "partial", "overpaid", "needs_review", "unmatched"};

	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "unmatched";
}

/* The digit at p (ASCII or full-width ０-９), with its byte length in *len; -1 when none. */
static int
digit_at(const unsigned char *p, int *len)
{
	if (*p >= '0' && *p <= '9') {
		*len = 1;
		return *p - '0';
	}
	if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
		*len = 3;
		return p[2] - 0x90;
	}
	return -1;
}

static void
add_candidate(char out[][9], int *n, int max, const char *digits)
{
	for (int i = 0; i < *n; i++)
		if (memcmp(out[i], digits, 8) == 0)
			return;
	if (*n < max) {
		memcpy(out[*n], digits, 8);
		out[*n][8] = '\0';
		(*n)++;
	}
}

/*
 * A run is digits with single spaces or hyphens between them.  Its groups
 * are the digit sequences between separators; every window of consecutive
 * groups with exactly eight digits in all is a candidate ("1234 5678",
 * "12345678 2024" gives 12345678), but never part of a group.
 */
int
cr_match_candidates(const char *text, char out[][9], int max)
{
	const unsigned char *p = (const unsigned char *)text;
	int n = 0;

	while (*p) {
		char digits[64];
		int start[32], ngroups = 0, nd = 0, len, d;

		if (digit_at(p, &len) < 0) {
			p++;
			continue;
		}
		/* Read one run. */
		for (;;) {
			if (ngroups < 32)
				start[ngroups] = nd;
			ngroups++;
			while ((d = digit_at(p, &len)) >= 0) {
				if (nd < (int)sizeof digits)
					digits[nd] = (char)('0' + d);
				nd++;
				p += len;
			}
			if ((*p == ' ' || *p == '-') && digit_at(p + 1, &len) >= 0) {
				p++;
				continue;
			}
			break;
		}
		if (ngroups > 32 || nd > (int)sizeof digits)
			continue; /* a long number, not an order's */
		for (int i = 0; i < ngroups; i++) {
			for (int j = i; j < ngroups; j++) {
				int end = j + 1 < ngroups ? start[j + 1] : nd, count = end - start[i];

				if (count == 8)
					add_candidate(out, &n, max, digits + start[i]);
				if (count >= 8)
					break;
			}
		}
	}
	return n;
}

void
cr_match_fold_name(const char *in, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p && o + 4 < outlen) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3; /* U+3000 ideographic space */
		} else if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF &&
		           !(p[1] == 0xBD && p[2] > 0x9E)) {
			/* U+FF01..U+FF5E (EF BC 81 .. EF BD 9E): full-width forms of ASCII 0x21..0x7E */
			unsigned ascii = (unsigned)((((p[1] & 0x03) << 6) | (p[2] & 0x3F)) + 0x20);

			out[o++] = (char)(ascii >= 'A' && ascii <= 'Z' ? ascii + 32 : ascii);
			p += 3;
		} else {
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
		}
	}
	out[o] = '\0';
}

static int
is_open(const struct cr_order_due *o)
{
	return strcmp(o->status, "awaiting_payment") == 0 || strcmp(o->status, "partially_paid") == 0;
}

static void
set(struct cr_match *m, enum cr_match_result r, long long suggested, const char *fmt, const char *arg)
{
	m->result = r;
	m->suggested_order_id = suggested;
	snprintf(m->reason, sizeof m->reason, fmt, arg);
}

static void
allocate(struct cr_match *m, const struct cr_order_due *o, long long amount)
{
	m->alloc[m->nalloc].order_id = o->id;
	m->alloc[m->nalloc].amount_fen = amount;
	m->nalloc++;
}

/* 1 when a and b (eight digits) differ in one digit or by one swap of neighbours. */
static int
one_slip(const char *a, const char *b)
{
	int diff[8], n = 0;

	for (int i = 0; i < 8; i++)
		if (a[i] != b[i] && n < 8)
			diff[n++] = i;
	if (n == 1)
		return 1;
	return n == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]];
}

/* Rule 1 for one named order. */
static void
one_order(const struct cr_txn *c, const struct cr_order_due *o, struct cr_match *m)
{
	long long outstanding = o->amount_fen - o->paid_fen;

	if (!is_open(o)) {
		set(m, CR_MATCH_NEEDS_REVIEW, o->id,
		    strcmp(o->status, "cancelled") == 0 || strcmp(o->status, "expired") == 0
		        ? "订单 %s 已取消或已过期，请核实后处理"
		        : "订单 %s 已付款，此笔可能为重复付款",
		    o->order_no);
		return;
	}
	if (c->amount_fen == outstanding) {
		allocate(m, o, c->amount_fen);
		set(m, CR_MATCH_MATCHED, 0, "按订单号 %s 匹配", o->order_no);
	} else if (c->amount_fen < outstanding) {
		allocate(m, o, c->amount_fen);
		set(m, CR_MATCH_PARTIAL, 0, "订单 %s 部分付款", o->order_no);
	} else {
		allocate(m, o, outstanding);
		m->surplus_fen = c->amount_fen - outstanding;
		set(m, CR_MATCH_OVERPAID, 0, "订单 %s 多付，多付部分需退款", o->order_no);
	}
}

/* Rule 1 for several named orders: all open and their outstanding sums make the credit. */
static void
several_orders(const struct cr_txn *c, const struct cr_order_due *named, int n, struct cr_match *m)
{
	long long sum = 0;
	int all_open = 1;

	for (int i = 0; i < n; i++) {
		all_open &= is_open(&named[i]);
		sum += named[i].amount_fen - named[i].paid_fen;
	}
	if (!all_open || sum != c->amount_fen || n > CR_MATCH_MAX_ORDERS) {
		set(m, CR_MATCH_NEEDS_REVIEW, 0, "附言中有多个订单号（%s 等），金额与未付金额之和不符",
		    named[0].order_no);
		return;
	}
	for (int i = 0; i < n; i++)
		allocate(m, &named[i], named[i].amount_fen - named[i].paid_fen);
	set(m, CR_MATCH_MATCHED, 0, "一笔付款按订单号匹配 %s 等多个订单", named[0].order_no);
}

void
cr_match_decide(const struct cr_txn *c, const struct cr_order_due *named, int nnamed,
                const struct cr_order_due *open, int nopen, struct cr_match *m)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9], debtor[600];
	int ncand = cr_match_candidates(c->text, cand, CR_MATCH_MAX_CANDIDATES);

	memset(m, 0, sizeof *m);
	if (c->reversal) {
		set(m, CR_MATCH_NEEDS_REVIEW, 0, "%s", "冲正（退回）记录，请核实原付款");
		return;
	}
	if (c->amount_fen <= 0 || c->sub_fen) {
		set(m, CR_MATCH_NEEDS_REVIEW, 0, "%s", "金额为零或精确到分以下，请核实");
		return;
	}
	/* Rule 1: order numbers that pass the check digit and name orders. */
	if (nnamed == 1)
		one_order(c, &named[0], m);
	else if (nnamed > 1)
		several_orders(c, named, nnamed, m);
	cr_match_fold_name(c->debtor_name, debtor, sizeof debtor);
	if (nnamed > 0) {
		for (int i = 0; i < nnamed && m->nalloc; i++) {
			char payer[600];

			cr_match_fold_name(named[i].payer_name, payer, sizeof payer);
			if (debtor[0] && strcmp(debtor, payer) != 0)
				m->payer_mismatch = 1;
		}
		return;
	}
	/*
	 * Rule 2: an eight-digit run one slip away from exactly one open order
	 * of this amount; of several such orders, the one whose payer this is.
	 */
	if (ncand > 0) {
		long long found = 0, payer_found = 0;
		const char *no = NULL, *payer_no = NULL;
		int count = 0, payers = 0;

		for (int k = 0; k < nopen; k++)
			for (int i = 0; i < ncand; i++)
				if (one_slip(cand[i], open[k].order_no) && open[k].id != found) {
					char payer[600];

					found = open[k].id;
					no = open[k].order_no;
					count++;
					cr_match_fold_name(open[k].payer_name, payer, sizeof payer);
					if (debtor[0] && strcmp(payer, debtor) == 0) {
						payer_found = open[k].id;
						payer_no = open[k].order_no;
						payers++;
					}
					break;
				}
		if (count == 1) {
			set(m, CR_MATCH_NEEDS_REVIEW, found, "附言中的订单号有误，疑似订单 %s", no);
			return;
		}
		if (payers == 1) {
			set(m, CR_MATCH_NEEDS_REVIEW, payer_found,
			    "附言中的订单号有误，与多个订单相近，其中付款人与金额相符的为 %s", payer_no);
			return;
		}
	}
	/*
	 * Rule 3: no order number that settles it (none at all, or a mistyped
	 * one near no order or several), but one open order of this amount has
	 * this payer.
	 */
	if (debtor[0]) {
		long long found = 0;
		const char *no = NULL;
		int count = 0;

		for (int k = 0; k < nopen; k++) {
			char payer[600];

			cr_match_fold_name(open[k].payer_name, payer, sizeof payer);
			if (strcmp(payer, debtor) == 0) {
				found = open[k].id;
				no = open[k].order_no;
				count++;
			}
		}
		if (count == 1) {
			if (ncand > 0)
				set(m, CR_MATCH_NEEDS_REVIEW, found,
				    "附言中的订单号无法确认，付款人与金额相符的订单为 %s", no);
			else
				set(m, CR_MATCH_NEEDS_REVIEW, found,
				    "附言中没有订单号，付款人与金额相符的订单为 %s", no);
			return;
		}
	}
	set(m, CR_MATCH_UNMATCHED, 0, "%s", "未找到对应订单");
}

void
cr_match_bound(const struct cr_txn *c, long long max_fen, struct cr_match *m)
{
	char limit[32], reason[sizeof m->reason + 128];
	long long suggested;

	if (c->amount_fen <= max_fen)
		return;
	suggested = m->nalloc ? m->alloc[0].order_id : m->suggested_order_id;
	cr_money_format(max_fen, limit, sizeof limit);
	snprintf(reason, sizeof reason, "金额超过 %s 元，须财务核对后处理（%s）", limit, m->reason);
	memset(m, 0, sizeof *m);
	m->result = CR_MATCH_NEEDS_REVIEW;
	m->suggested_order_id = suggested;
	cr_utf8_copy(m->reason, sizeof m->reason, reason, strlen(reason));
}
