#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bankexport.h"
#include "htmltable.h"
#include "money.h"
#include "utf8.h"
#include "xls.h"
#include "xlsx.h"

#define HEADER_SEARCH 60 /* rows looked at for the header */
#define REMARKS 8

enum role {
	R_NONE,
	R_DATE,
	R_TIME,
	R_CREDIT,
	R_DEBIT,
	R_AMOUNT,
	R_DIR,
	R_NAME,
	R_ACCOUNT,
	R_REMARK,
	R_TXID,
	R_CURRENCY,
	R_BALANCE,
	R_KNOWN
};

/* Column labels as banks write them, compared without spaces and without a parenthesised note. */
static const struct {
	enum role role;
	const char *label;
} labels[] = {
    {R_DATE, "交易日期"},
    {R_DATE, "交易日"},
    {R_DATE, "记账日期"},
    {R_DATE, "会计日期"},
    {R_DATE, "交易时间戳"},
    {R_DATE, "入账日期"},
    {R_DATE, "记账日"},
    {R_DATE, "日期"},
    {R_DATE, "交易日期时间"},
    {R_DATE, "交易时间"},
    {R_TIME, "时间"},
    {R_CREDIT, "贷方发生额"},
    {R_CREDIT, "收入金额"},
    {R_CREDIT, "贷方金额"},
    {R_CREDIT, "收入"},
    {R_CREDIT, "贷方"},
    {R_CREDIT, "存入金额"},
    {R_CREDIT, "收款金额"},
    {R_CREDIT, "入账金额"},
    {R_CREDIT, "贷方发生额元"},
    {R_CREDIT, "存入"},
    {R_DEBIT, "借方发生额"},
    {R_DEBIT, "支出金额"},
    {R_DEBIT, "借方金额"},
    {R_DEBIT, "支出"},
    {R_DEBIT, "借方"},
    {R_DEBIT, "取出金额"},
    {R_DEBIT, "付款金额"},
    {R_DEBIT, "借方发生额元"},
    {R_DEBIT, "支取"},
    {R_AMOUNT, "发生额"},
    {R_AMOUNT, "交易金额"},
    {R_AMOUNT, "金额"},
    {R_AMOUNT, "交易额"},
    {R_DIR, "借贷标志"},
    {R_DIR, "借贷"},
    {R_DIR, "借/贷"},
    {R_DIR, "借贷方向"},
    {R_DIR, "收支"},
    {R_DIR, "收/支"},
    {R_DIR, "收支标志"},
    {R_DIR, "交易类型"},
    {R_DIR, "来往账标志"},
    {R_DIR, "收付标志"},
    {R_DIR, "借贷标识"},
    {R_DIR, "收支类型"},
    {R_NAME, "对方户名"},
    {R_NAME, "对方单位名称"},
    {R_NAME, "对方账户名称"},
    {R_NAME, "收付方名称"},
    {R_NAME, "收方名称"},
    {R_NAME, "付款人名称"},
    {R_NAME, "对方名称"},
    {R_NAME, "对手方名称"},
    {R_NAME, "对方户名称"},
    {R_NAME, "对方账户名"},
    {R_NAME, "付款方名称"},
    {R_ACCOUNT, "对方账号"},
    {R_ACCOUNT, "收付方账号"},
    {R_ACCOUNT, "收方账号"},
    {R_ACCOUNT, "付款人账号"},
    {R_ACCOUNT, "对方账户"},
    {R_ACCOUNT, "对手方账号"},
    {R_ACCOUNT, "对方帐号"},
    {R_ACCOUNT, "付款方账号"},
    {R_REMARK, "摘要"},
    {R_REMARK, "用途"},
    {R_REMARK, "附言"},
    {R_REMARK, "交易附言"},
    {R_REMARK, "备注"},
    {R_REMARK, "交易说明"},
    {R_REMARK, "业务摘要"},
    {R_REMARK, "扩展摘要"},
    {R_REMARK, "交易用途"},
    {R_REMARK, "摘要说明"},
    {R_REMARK, "附加信息"},
    {R_REMARK, "交易备注"},
    {R_TXID, "交易流水号"},
    {R_TXID, "流水号"},
    {R_TXID, "账户明细编号-交易流水号"},
    {R_TXID, "核心流水号"},
    {R_TXID, "交易日志号"},
    {R_TXID, "交易参考号"},
    {R_TXID, "银行流水号"},
    {R_TXID, "交易序号"},
    {R_TXID, "凭证号"},
    {R_CURRENCY, "币种"},
    {R_CURRENCY, "货币"},
    {R_CURRENCY, "交易货币"},
    {R_NAME, "收/付方名称"},
    {R_ACCOUNT, "收/付方帐号"},
    {R_ACCOUNT, "收/付方账号"},
    {R_KNOWN, "起息日"},
    {R_KNOWN, "起息日期"},
    {R_BALANCE, "本次余额"},
    {R_CURRENCY, "币别"},
    {R_BALANCE, "余额"},
    {R_BALANCE, "账户余额"},
    {R_BALANCE, "交易后余额"},
    {R_BALANCE, "联机余额"},
    {R_BALANCE, "当前余额"},
    {R_BALANCE, "余额元"},
    {R_KNOWN, "序号"},
    {R_KNOWN, "交易渠道"},
    {R_KNOWN, "对方开户行"},
    {R_KNOWN, "对方行名"},
};

/* Labels of the own account in a preamble. */
static const char *own_labels[] = {"账号",     "查询账号", "账户", "本方账号",
                                   "账户号码", "帐号",     "卡号", "客户账号"};

struct layout {
	int col[R_KNOWN]; /* column of each role, -1 when absent */
	int remark[REMARKS];
	int nremark;
	int header_row;
	char delim;
};

/* 1 when p opens a bracket, -1 when it closes one, 0 otherwise; *len: its bytes. */
static int
bracket(const unsigned char *p, int *len)
{
	static const char *const open[] = {"(", "[", "（", "［", "【", "〔"};
	static const char *const close[] = {")", "]", "）", "］", "】", "〕"};

	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		*len = (int)strlen(open[i]);
		if (strncmp((const char *)p, open[i], (size_t)*len) == 0)
			return 1;
		if (strncmp((const char *)p, close[i], (size_t)*len) == 0)
			return -1;
	}
	*len = 1;
	return 0;
}

/*
 * Copies a cell as a label: without spaces (ASCII, full-width), tabs,
 * quotes, '=', ':' and '*', without a note in brackets of any kind ("贷方发生额
 * （收入）", 中国银行's "交易日期[ Transaction Date ]", "【…】"), and, in a label
 * that has Chinese, without the English before or after it ("交易日期/Transaction
 * Date", "Remark 交易附言"): banks decorate their labels so.
 */
static void
label_of(const char *in, char *out, size_t outlen)
{
	size_t o = 0, start, end;
	int depth = 0, len;

	for (const unsigned char *p = (const unsigned char *)in; *p && o + 4 < outlen; p += len) {
		int b = bracket(p, &len);

		if (b != 0) {
			depth = b > 0 ? depth + 1 : depth - (depth > 0);
			continue;
		}
		if ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) || /* U+3000 */
		    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) || /* a stray BOM */
		    (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x9A)) { /* full-width colon */
			len = 3;
			continue;
		}
		if (depth || *p == ' ' || *p == '\t' || *p == '"' || *p == '=' || *p == '\'' || *p == ':' ||
		    *p == '*')
			continue;
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	/* English around Chinese: the ASCII before the first and after the last non-ASCII byte goes. */
	for (start = 0; start < o && (unsigned char)out[start] < 0x80; start++)
		;
	for (end = o; end > start && (unsigned char)out[end - 1] < 0x80; end--)
		;
	if (start < end && (start > 0 || end < o)) {
		memmove(out, out + start, end - start);
		out[end - start] = '\0';
	}
}

/* The roles a configured label may name (bank.export_labels), as enum role counts them. */
static const char *role_names[] = {"",     "date",    "time",   "credit", "debit",    "amount", "direction",
                                   "name", "account", "remark", "txid",   "currency", "balance"};

int
cr_export_labels_parse(const char *spec, struct cr_export_labels *out, struct cr_err *err)
{
	char buf[2048], *save = NULL, *item;

	memset(out, 0, sizeof *out);
	if (spec && strlen(spec) >= sizeof buf)
		return cr_err_set(err, CR_EINVAL, "bank.export_labels: longer than %zu characters",
		                  sizeof buf - 1);
	snprintf(buf, sizeof buf, "%s", spec ? spec : "");
	for (item = strtok_r(buf, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(item, ':'), *save2 = NULL, *l;
		enum role r = R_NONE;

		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if (colon == NULL)
			return cr_err_set(err, CR_EINVAL, "bank.export_labels: '%s' is not role:label,label",
			                  item);
		*colon = '\0';
		for (int i = 1; i < (int)(sizeof role_names / sizeof role_names[0]); i++)
			if (strcmp(item, role_names[i]) == 0)
				r = (enum role)i;
		if (r == R_NONE)
			return cr_err_set(
			    err, CR_EINVAL,
			    "bank.export_labels: unknown role '%s' (date, time, credit, debit, "
			    "amount, direction, name, account, remark, txid, currency, balance)",
			    item);
		if (colon[1 + strspn(colon + 1, " ,")] == '\0')
			return cr_err_set(err, CR_EINVAL, "bank.export_labels: role '%s' names no label",
			                  item);
		for (l = strtok_r(colon + 1, ",", &save2); l; l = strtok_r(NULL, ",", &save2)) {
			if (out->n == CR_EXPORT_LABELS_MAX)
				return cr_err_set(err, CR_EINVAL, "bank.export_labels: more than %d labels",
				                  CR_EXPORT_LABELS_MAX);
			out->role[out->n] = (int)r;
			label_of(l, out->label[out->n], sizeof out->label[out->n]);
			if (out->label[out->n][0] == '\0')
				return cr_err_set(err, CR_EINVAL,
				                  "bank.export_labels: an empty label for role '%s'", item);
			out->n++;
		}
	}
	return 0;
}

static enum role
role_of(const char *cell, const struct cr_export_labels *extra)
{
	char l[128];

	label_of(cell, l, sizeof l);
	for (int i = 0; extra && i < extra->n; i++)
		if (strcmp(l, extra->label[i]) == 0)
			return (enum role)extra->role[i];
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(l, labels[i].label) == 0)
			return labels[i].role;
	return R_NONE;
}

/* Recognises row as the header; the number of known labels (layout filled) or 0. */
static int
recognise(char **f, int n, const struct cr_export_labels *extra, struct layout *L)
{
	int known = 0;

	for (int r = 0; r < R_KNOWN; r++)
		L->col[r] = -1;
	L->nremark = 0;
	for (int i = 0; i < n; i++) {
		enum role r = role_of(f[i], extra);

		if (r == R_NONE)
			continue;
		known++;
		/* 交易时间 beside a 交易日期 is the time of day. */
		if (r == R_DATE && L->col[R_DATE] >= 0)
			r = R_TIME;
		if (r == R_REMARK) {
			if (L->nremark < REMARKS)
				L->remark[L->nremark++] = i;
		} else if (r != R_KNOWN && L->col[r] < 0) {
			L->col[r] = i;
		}
	}
	return known;
}

/* A cell's text without surrounding spaces, tabs, full-width spaces, and an Excel ="…" or leading '. */
static void
trim(const char *in, char *out, size_t outlen)
{
	const char *s = in, *e;

	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\'' || *s == '=' || *s == '"')
			s++;
		else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
		         (unsigned char)s[2] == 0x80)
			s += 3;
		else
			break;
	}
	e = s + strlen(s);
	for (;;) {
		if (e > s &&
		    (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		else if (e - s >= 3 && (unsigned char)e[-3] == 0xE3 && (unsigned char)e[-2] == 0x80 &&
		         (unsigned char)e[-1] == 0x80)
			e -= 3;
		else
			break;
	}
	cr_utf8_copy(out, outlen, s, (size_t)(e - s));
	/* A reader may hand over bytes that are not UTF-8 (a page whose head was UTF-8 and whose body is
	 * not): what reaches the books is text (fuzz-export). */
	cr_utf8_scrub(out);
}

static const char *
cell(char **f, int n, int col)
{
	return col >= 0 && col < n ? f[col] : "";
}

/* A date cell as YYYY-MM-DD (time after it ignored); 0, or -1 when it is not a date. */
static int
parse_date(const char *in, char out[11])
{
	char s[64];
	int y, m, d, k = 0;

	trim(in, s, sizeof s);
	/* A spreadsheet's date as a serial number of days since 1899-12-30 (1990 to 2119). */
	if (strspn(s, "0123456789") == 5 && (s[5] == '\0' || s[5] == '.')) {
		long serial = atol(s);
		time_t t = (time_t)(serial - 25569) * 86400;
		struct tm tm;

		if (serial < 32874 || serial > 80000 || gmtime_r(&t, &tm) == NULL)
			return -1;
		strftime(out, 11, "%Y-%m-%d", &tm);
		return 0;
	}
	if (strlen(s) >= 8 && strspn(s, "0123456789") >= 8 &&
	    (s[8] == '\0' || s[8] == ' ' || s[8] == 'T' || strspn(s, "0123456789") == 14)) {
		if (sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3)
			return -1;
	} else if (sscanf(s, "%4d%*[-/.]%2d%*[-/.]%2d%n", &y, &m, &d, &k) == 3 && k >= 8) {
		if (s[k] != '\0' && s[k] != ' ' && s[k] != 'T')
			return -1;
	} else if (sscanf(s, "%4d年%2d月%2d日", &y, &m, &d) != 3) {
		return -1;
	}
	if (y < 1990 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/*
 * An amount cell: *fen (absolute), *sign (-1, 0 none written, +1), *sub.
 * Empty, "-" and "--" are zero.  -1 when it is not an amount.
 */
static int
parse_amount(const char *in, long long *fen, int *sign, int *sub)
{
	char s[64], digits[64];
	size_t o = 0;
	const char *p;

	trim(in, s, sizeof s);
	*fen = 0;
	*sign = 0;
	*sub = 0;
	if (s[0] == '\0' || strcmp(s, "-") == 0 || strcmp(s, "--") == 0)
		return 0;
	p = s;
	if (strncmp(p, "RMB", 3) == 0 || strncmp(p, "CNY", 3) == 0)
		p += 3;
	if (*p == '+' || *p == '-')
		*sign = *p++ == '+' ? 1 : -1;
	for (; *p && o + 1 < sizeof digits; p++) {
		if (*p == ',' || *p == ' ')
			continue;
		if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA5) { /* ¥ */
			p++;
			continue;
		}
		if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBF &&
		    (unsigned char)p[2] == 0xA5) { /* ￥ */
			p += 2;
			continue;
		}
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -1;
		digits[o++] = *p;
	}
	digits[o] = '\0';
	if (o == 0)
		return -1;
	return cr_money_parse(digits, fen, sub);
}

/* 1 credit, 0 debit, -1 unknown, from a 借贷 / 收支 / 来往账 cell. */
static int
direction(const char *in)
{
	static const char *credit[] = {"贷",   "贷方", "收", "收入", "来账",   "入",
	                               "入账", "存入", "C",  "CR",   "CREDIT", "Credit"};
	static const char *debit[] = {"借",   "借方", "支", "支出", "往账",  "出",
	                              "出账", "支取", "D",  "DR",   "DEBIT", "Debit"};
	char s[32];

	trim(in, s, sizeof s);
	for (size_t i = 0; i < sizeof credit / sizeof credit[0]; i++)
		if (strcmp(s, credit[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof debit / sizeof debit[0]; i++)
		if (strcmp(s, debit[i]) == 0)
			return 0;
	return -1;
}

static void
currency_of(const char *in, char out[4])
{
	static const struct {
		const char *text, *code;
	} names[] = {{"", "CNY"},    {"人民币", "CNY"}, {"人民币元", "CNY"}, {"CNY", "CNY"},
	             {"RMB", "CNY"}, {"本币", "CNY"},   {"元", "CNY"},       {"美元", "USD"},
	             {"USD", "USD"}, {"港币", "HKD"},   {"HKD", "HKD"},      {"欧元", "EUR"},
	             {"EUR", "EUR"}, {"日元", "JPY"},   {"JPY", "JPY"}};
	char s[32];

	trim(in, s, sizeof s);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].text) == 0) {
			snprintf(out, 4, "%s", names[i].code);
			return;
		}
	snprintf(out, 4, "XXX"); /* another currency: ignored, as camt's */
}

/* The own account in a preamble row ("账号", "6228…" or "账号：6228…"), digits only; 1 when found. */
static int
own_account(char **f, int n, char *out, size_t outlen)
{
	for (int i = 0; i < n; i++) {
		char l[64], v[200];
		const char *colon = strstr(f[i], "：")  ? strstr(f[i], "：") + 3
		                    : strchr(f[i], ':') ? strchr(f[i], ':') + 1
		                                        : NULL;
		size_t o = 0;

		label_of(f[i], l, sizeof l);
		for (size_t k = 0; k < sizeof own_labels / sizeof own_labels[0]; k++) {
			size_t len = strlen(own_labels[k]);

			if (strncmp(l, own_labels[k], len) != 0)
				continue;
			trim(l[len] ? (colon ? colon : "") : cell(f, n, i + 1), v, sizeof v);
			for (const char *p = v; *p && o + 1 < outlen; p++)
				if (isdigit((unsigned char)*p))
					out[o++] = *p;
			out[o] = '\0';
			if (o >= 6)
				return 1;
		}
	}
	return 0;
}

/* What the first non-empty rows hold, for a refusal that says what was found. */
static void
first_rows(struct cr_rows *t, char *out, size_t outlen, struct cr_err *err)
{
	char **f;
	long line;
	int n, rows = 0;
	size_t o = 0;

	out[0] = '\0';
	if (t->rewind(t->ctx, ',', err) != 0)
		return;
	while (rows < 3 && t->next(t->ctx, &f, &n, &line, err) == 1) {
		char c[40];
		int shown = 0;

		for (int i = 0; i < n && shown < 4; i++) {
			trim(f[i], c, sizeof c);
			if (!c[0])
				continue;
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", shown ? " " : rows ? "｜" : "", c);
			if (o >= outlen)
				o = outlen - 1;
			shown++;
		}
		rows += shown > 0;
	}
}

/* Finds the delimiter and the header row; 0 with L filled, or a refusal. */
static int
find_header(struct cr_rows *t, const char *default_account, const struct cr_export_labels *extra,
            struct layout *L, char *account, size_t alen, struct cr_err *err)
{
	static const char delims[] = {',', '\t', '|', ';'};
	char found[300], **f;
	long line;
	int n, rc, amountless = 0;

	for (size_t d = 0; d < (t->delimited ? sizeof delims : 1); d++) {
		char acct[CR_TXN_REF_MAX + 1] = "";

		if ((rc = t->rewind(t->ctx, delims[d], err)) != 0)
			return rc;
		for (int row = 0; row < HEADER_SEARCH && (rc = t->next(t->ctx, &f, &n, &line, err)) == 1;
		     row++) {
			int known = recognise(f, n, extra, L);

			if (known >= 2 && L->col[R_DATE] >= 0 &&
			    (L->col[R_CREDIT] >= 0 || L->col[R_AMOUNT] >= 0)) {
				L->header_row = row;
				L->delim = delims[d];
				snprintf(account, alen, "%s", acct[0] ? acct : default_account);
				return 0;
			}
			if (known >= 3 && L->col[R_DATE] >= 0)
				amountless = 1;
			if (!acct[0])
				own_account(f, n, acct, sizeof acct);
		}
		if (rc < 0)
			return rc;
	}
	first_rows(t, found, sizeof found, err);
	if (amountless)
		return cr_err_user(
		    err, CR_EINVAL, NULL,
		    "找到了表头但没有金额列（需要 贷方发生额、收入金额 或 交易金额 之类的列）；文件开头：%s",
		    found);
	return cr_err_user(
	    err, CR_EINVAL, NULL,
	    "无法识别的对账单：在前 %d 行中没有找到含日期列（如 交易日期）和金额列（如 贷方发生额、"
	    "交易金额）的表头；文件开头：%s",
	    HEADER_SEARCH, found[0] ? found : "（空）");
}

/*
 * An export's running 余额: the balance after each row, in file order, which
 * banks write oldest first or newest first.  From the rows at both ends the
 * export states an opening and a closing balance, and the net of its rows is
 * known: a row missing in between shows as a statement that does not add up
 * (opening + net != closing), exactly as a camt statement's Bal does, and the
 * first row whose balance does not follow the row before is named.
 */
struct running {
	int ok;    /* every row so far had a balance */
	long rows; /* rows with a balance */
	long long first_bal, first_amt, prev_bal, prev_amt, last_bal, last_amt, net;
	char first_date[11], last_date[11];
	long fwd, rev;             /* pairs that follow oldest first, newest first */
	long fwd_break, rev_break; /* the first line that does not follow, in each order */
};

static void
running_add(struct running *r, const char *cell, const struct cr_txn *c)
{
	long long bal, amt = c->credit ? c->amount_fen : -c->amount_fen;
	char s[64];
	int sign, sub;

	if (!r->ok)
		return;
	trim(cell, s, sizeof s);
	if (s[0] == '\0' || parse_amount(s, &bal, &sign, &sub) != 0 || sub) {
		r->ok = 0;
		return;
	}
	if (sign < 0)
		bal = -bal;
	if (r->rows == 0) {
		r->first_bal = bal;
		r->first_amt = amt;
		snprintf(r->first_date, sizeof r->first_date, "%s", c->booking_date);
	} else {
		if (bal == r->prev_bal + amt)
			r->fwd++;
		else if (!r->fwd_break)
			r->fwd_break = c->line;
		if (r->prev_bal == bal + r->prev_amt)
			r->rev++;
		else if (!r->rev_break)
			r->rev_break = c->line;
	}
	r->rows++;
	r->net += amt;
	r->prev_bal = r->last_bal = bal;
	r->prev_amt = r->last_amt = amt;
	snprintf(r->last_date, sizeof r->last_date, "%s", c->booking_date);
}

/* The balances the export states, into info, when every row had one. */
static void
running_end(const struct running *r, const char *account, struct cr_statement_info *info)
{
	int newest_first;

	if (!r->ok || r->rows == 0)
		return;
	/* By the dates when they differ, else by which order the balances follow. */
	newest_first = strcmp(r->first_date, r->last_date) != 0 ? strcmp(r->first_date, r->last_date) > 0
	                                                        : r->rev > r->fwd;
	info->balances = 1;
	info->net_fen = r->net;
	snprintf(info->account, sizeof info->account, "%s", account);
	if (newest_first) {
		info->opening_fen = r->last_bal - r->last_amt;
		info->closing_fen = r->first_bal;
		snprintf(info->opening_date, sizeof info->opening_date, "%s", r->last_date);
		snprintf(info->closing_date, sizeof info->closing_date, "%s", r->first_date);
		info->balance_break = r->rev_break;
	} else {
		info->opening_fen = r->first_bal - r->first_amt;
		info->closing_fen = r->last_bal;
		snprintf(info->opening_date, sizeof info->opening_date, "%s", r->first_date);
		snprintf(info->closing_date, sizeof info->closing_date, "%s", r->last_date);
		info->balance_break = r->fwd_break;
	}
}

int
cr_export_read_rows(struct cr_rows *t, const char *own, const struct cr_export_labels *extra, cr_txn_fn fn,
                    void *arg, struct cr_statement_info *info, struct cr_err *err)
{
	struct cr_statement_info dummy;
	struct cr_txn *c = NULL;
	struct layout L = {0};
	char account[CR_TXN_REF_MAX + 1], **f;
	long line, signs = 0, dir_known = 0, dir_rows = 0;
	struct running run = {0};
	int n, rc, row = 0;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof *info);
	if ((rc = find_header(t, own, extra, &L, account, sizeof account, err)) != 0)
		return rc;
	snprintf(info->kind, sizeof info->kind, "%s/%s",
	         !t->delimited     ? t->format
	         : L.delim == ','  ? "csv"
	         : L.delim == '\t' ? "tsv"
	         : L.delim == '|'  ? "psv"
	                           : "ssv",
	         t->encoding);
	if ((rc = t->rewind(t->ctx, L.delim, err)) != 0)
		return rc;
	if ((c = malloc(sizeof *c)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "export: out of memory");
	run.ok = L.col[R_BALANCE] >= 0;
	while ((rc = t->next(t->ctx, &f, &n, &line, err)) == 1) {
		long long credit = 0, debit = 0, amount = 0;
		int cs = 0, ds = 0, as = 0, csub = 0, dsub = 0, asub = 0, is_credit;
		size_t o = 0;

		if (row++ <= L.header_row)
			continue;
		memset(c, 0, sizeof *c);
		if (parse_date(cell(f, n, L.col[R_DATE]), c->booking_date) != 0)
			continue; /* 合计, 本页合计, blank lines: not transactions */
		if ((L.col[R_CREDIT] >= 0 &&
		     parse_amount(cell(f, n, L.col[R_CREDIT]), &credit, &cs, &csub) != 0) ||
		    (L.col[R_DEBIT] >= 0 &&
		     parse_amount(cell(f, n, L.col[R_DEBIT]), &debit, &ds, &dsub) != 0) ||
		    (L.col[R_AMOUNT] >= 0 &&
		     parse_amount(cell(f, n, L.col[R_AMOUNT]), &amount, &as, &asub) != 0)) {
			rc = cr_err_user(err, CR_EINVAL, NULL, "第 %ld 行的金额不是数字", line);
			break;
		}
		if (L.col[R_CREDIT] >= 0) {
			is_credit = credit > 0 && cs >= 0;
			c->amount_fen = is_credit ? credit : debit;
			c->sub_fen = is_credit ? csub : dsub;
			if (!is_credit && debit == 0 && credit == 0)
				continue; /* an empty line of the table */
		} else if (L.col[R_DIR] >= 0) {
			is_credit = direction(cell(f, n, L.col[R_DIR]));
			dir_rows++;
			dir_known += is_credit >= 0;
			c->amount_fen = amount;
			c->sub_fen = asub;
			if (as < 0)
				is_credit = 0;
			if (is_credit < 0)
				is_credit = 0; /* unknown direction: never taken for money received */
		} else {
			signs += as != 0;
			is_credit = as >= 0 && amount > 0;
			c->amount_fen = amount;
			c->sub_fen = asub;
		}
		if (c->amount_fen == 0)
			continue;
		info->transactions++;
		info->entries++;
		snprintf(c->account, sizeof c->account, "%s", account);
		currency_of(cell(f, n, L.col[R_CURRENCY]), c->currency);
		c->credit = is_credit;
		snprintf(c->status, sizeof c->status, "BOOK");
		trim(cell(f, n, L.col[R_TXID]), c->ref, sizeof c->ref);
		trim(cell(f, n, L.col[R_NAME]), c->debtor_name, sizeof c->debtor_name);
		trim(cell(f, n, L.col[R_ACCOUNT]), c->debtor_account, sizeof c->debtor_account);
		/* Every remark-like column is remittance text: the order number may be in any of them. */
		for (int i = 0; i < L.nremark; i++) {
			char part[CR_TXN_TEXT_MAX + 1];

			trim(cell(f, n, L.remark[i]), part, sizeof part);
			if (!part[0] || (o && strstr(c->text, part)))
				continue;
			o += (size_t)snprintf(c->text + o, sizeof c->text - o, "%s%s", o ? " | " : "", part);
			if (o >= sizeof c->text)
				o = sizeof c->text - 1;
		}
		cr_utf8_scrub(c->text); /* the last part may have been cut in the middle of a character */
		c->entry = info->entries;
		c->line = line;
		c->tx = c->ntx = 1;
		running_add(&run, cell(f, n, L.col[R_BALANCE]), c);
		if ((rc = fn(c, arg)) != 0)
			break;
	}
	free(c);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return rc;
	if (L.col[R_CREDIT] < 0 && L.col[R_DIR] >= 0 && dir_rows > 0 && dir_known == 0)
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "无法从方向列（第 %d 列）判断收支：其中没有 借/贷、收/支 或 来账/往账",
		                   L.col[R_DIR] + 1);
	if (L.col[R_CREDIT] < 0 && L.col[R_DIR] < 0 && info->transactions > 0 && signs == 0)
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "无法判断收支方向：只有一列不带正负号的金额，也没有 借贷标志 之类的列");
	running_end(&run, account, info);
	return 0;
}

static int
table_rewind(void *ctx, char delim, struct cr_err *err)
{
	return cr_table_rewind(ctx, delim, err);
}

static int
table_next(void *ctx, char ***fields, int *n, long *line, struct cr_err *err)
{
	return cr_table_next(ctx, fields, n, line, err);
}

static struct cr_rows
table_rows(struct cr_table *t)
{
	return (struct cr_rows){t, 1, table_rewind, table_next, "", cr_table_encoding(t)};
}

int
cr_export_read_table(struct cr_table *t, const char *own, const struct cr_export_labels *extra, cr_txn_fn fn,
                     void *arg, struct cr_statement_info *info, struct cr_err *err)
{
	struct cr_rows rows = table_rows(t);

	return cr_export_read_rows(&rows, own, extra, fn, arg, info, err);
}

int
cr_export_read(const char *path, enum cr_stmt_format fmt, const char *own_account,
               const struct cr_export_labels *extra, cr_txn_fn fn, void *arg, struct cr_statement_info *info,
               struct cr_err *err)
{
	struct cr_xls *xls = NULL;
	struct cr_xlsx *xlsx = NULL;
	struct cr_html *html = NULL;
	struct cr_table *t = NULL;
	struct cr_rows rows;
	int rc;

	switch (fmt) {
	case CR_STMT_XLS:
		if ((rc = cr_xls_open(path, &xls, err)) == 0)
			cr_xls_rows(xls, &rows);
		break;
	case CR_STMT_XLSX:
		if ((rc = cr_xlsx_open(path, &xlsx, err)) == 0)
			cr_xlsx_rows(xlsx, &rows);
		break;
	case CR_STMT_HTML:
		if ((rc = cr_html_open(path, &html, err)) == 0)
			cr_html_rows(html, &rows);
		break;
	default:
		if ((rc = cr_table_open(path, &t, err)) == 0)
			rows = table_rows(t);
		break;
	}
	if (rc != 0)
		return rc;
	rc = cr_export_read_rows(&rows, own_account, extra, fn, arg, info, err);
	cr_xls_close(xls);
	cr_xlsx_close(xlsx);
	cr_html_close(html);
	cr_table_close(t);
	return rc;
}
