/*
 * Bank exports (bankexport.c, table.c): six banks' shapes in GBK and UTF-8, CSV and TXT, with preambles,
 * trailers and noise, read into the same records as camt; the refusals say what was looked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bank/bankexport.h"
#include "bank/format.h"
#include "bank/htmltable.h"
#include "tap.h"

#define OWN "6228480012345678901"

struct seen {
	int n, credits;
	struct cr_txn c[8];
};

static int
keep(const struct cr_txn *c, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->c[s->n] = *c;
	s->n++;
	s->credits += c->credit;
	return 0;
}

static const char *dir;

static int
read_export(const char *name, struct seen *s, struct cr_statement_info *info, struct cr_err *err)
{
	char path[4300];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	memset(s, 0, sizeof *s);
	memset(info, 0, sizeof *info);
	return cr_statement_read(path, OWN, NULL, keep, s, info, NULL, err);
}

static void
banks(void)
{
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;
	int rc;

	rc = read_export("nongshang-gbk.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 4 && s.credits == 3,
	   "农商银行 GBK CSV: four transactions, three credits, the 合计 left out (%s)", err.msg);
	is_str(info.kind, "csv/gbk", "its kind");
	ok(s.c[0].credit && s.c[0].amount_fen == 2000000 && strcmp(s.c[0].booking_date, "2026-11-20") == 0 &&
	       strstr(s.c[0].text, "订单00000017") && strcmp(s.c[0].ref, "NS202611200001") == 0 &&
	       strcmp(s.c[0].debtor_name, "兰州某某建设有限公司") == 0 && strcmp(s.c[0].account, OWN) == 0 &&
	       strcmp(s.c[0].currency, "CNY") == 0,
	   "a credit with thousand separators, its remark, reference, payer and the preamble's account");
	ok(!s.c[1].credit && s.c[1].amount_fen == 15000, "the fee is a debit");
	ok(s.c[3].credit && s.c[3].amount_fen == 123450, "'-' in the unused column is zero");

	rc = read_export("icbc-utf8.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2, "ICBC-like UTF-8 with BOM (%s)", err.msg);
	ok(strcmp(s.c[0].booking_date, "2026-11-22") == 0 && strstr(s.c[0].text, "订单00000033") &&
	       strcmp(s.c[0].debtor_account, "6222020000000000003") == 0,
	   "a time after the date, a comma inside a quoted remark, a tab inside quotes");
	ok(strstr(s.c[2].text, "付00000041") != NULL, "附言 is remittance text too");

	rc = read_export("ccb-gbk.txt", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2, "CCB-like GBK TXT, tab separated, 借贷标志 (%s)", err.msg);
	is_str(info.kind, "tsv/gbk", "its kind");
	ok(s.c[0].credit && s.c[0].amount_fen == 20000 && !s.c[1].credit && s.c[1].amount_fen == 100000 &&
	       strcmp(s.c[0].ref, "CCB-20261123-0001") == 0 && strcmp(s.c[0].account, OWN) == 0,
	   "贷 and 借, 1,000.00, the 账户明细编号-交易流水号, 账号：… in the preamble");
	is_str(s.c[2].currency, "USD", "美元 is another currency");

	rc = read_export("abc-pipe.txt", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.credits == 1 && strstr(s.c[0].text, "00000066") &&
	       strstr(s.c[0].text, "自定义"),
	   "'|' separated, 收入/支出, the order number in 备注 beside 摘要 自定义 (%s)", err.msg);
	is_str(s.c[0].booking_date, "2026-11-24", "YYYY/MM/DD dates");
	ok(strcmp(s.c[0].account, OWN) == 0, "without an account in the file: the configured one");

	rc = read_export("signed.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.c[0].credit && !s.c[1].credit && s.c[1].amount_fen == 3500,
	   "one signed amount: + credit, - debit (%s)", err.msg);

	/* Labels as big banks decorate them (issue 19). */
	rc = read_export("boc-bilingual-gbk.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2,
	   "中国银行: labels with their English in brackets, 交易类型 来账/往账, a signed 交易金额 (%s)",
	   err.msg);
	ok(s.c[0].credit && s.c[0].amount_fen == 120000 && strcmp(s.c[0].booking_date, "2026-11-26") == 0 &&
	       strcmp(s.c[0].debtor_name, "兰州某某建设有限公司") == 0 &&
	       strcmp(s.c[0].debtor_account, "6217850000000000001") == 0 &&
	       strcmp(s.c[0].ref, "BOC2026112600001") == 0 && strstr(s.c[0].text, "订单00000017") &&
	       strcmp(s.c[0].account, OWN) == 0 && strcmp(s.c[0].currency, "CNY") == 0,
	   "its credit: the payer (not the payee) as the other party, 交易流水号, 交易附言, the account of "
	   "查询账号[ … ]");
	ok(!s.c[1].credit && s.c[1].amount_fen == 30000 && strstr(s.c[2].text, "付00000041"),
	   "往账 -300.00 is a debit; 备注[ Remarks ] is remittance text");
	rc = read_export("boc-bilingual.xls", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.credits == 1 && s.c[0].amount_fen == 120000 &&
	       strcmp(s.c[0].ref, "BOC2026112600001") == 0 && strcmp(s.c[0].account, OWN) == 0,
	   "the same as Excel 97-2003 with numeric amounts (%s)", err.msg);
	rc = read_export("cmb-gbk.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.credits == 1 && s.c[0].amount_fen == 200000 &&
	       strcmp(s.c[0].booking_date, "2026-11-28") == 0 &&
	       strcmp(s.c[0].debtor_name, "酒泉某某工程有限公司") == 0 &&
	       strcmp(s.c[0].debtor_account, "6225880000000000001") == 0 &&
	       strcmp(s.c[0].ref, "K2026112800001") == 0 && strstr(s.c[0].text, "订单00000066"),
	   "招商银行: 交易日, 借方金额/贷方金额, 收/付方名称 and 收/付方帐号, 流水号 (%s)", err.msg);
	rc = read_export("decorated-utf8.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.credits == 1 && s.c[0].amount_fen == 330000 &&
	       strcmp(s.c[0].debtor_name, "天水某某公司") == 0 && strcmp(s.c[0].ref, "DEC-1") == 0 &&
	       strcmp(s.c[0].booking_date, "2026-11-29") == 0,
	   "labels written 中文/English, English 中文 and with 【】 notes (%s)", err.msg);

	rc = read_export("laizhang-gbk.csv", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2 && s.c[0].ref[0] == '\0' &&
	       strcmp(s.c[0].debtor_name, "定西某某公司") == 0 &&
	       strcmp(s.c[0].debtor_account, "6228000000000000008") == 0,
	   "来账/往账 in 交易类型, 收(付)方 columns, no transaction id, two identical transfers stay two "
	   "(%s)",
	   err.msg);
}

static void
refusals(void)
{
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;
	ok(read_export("no-header.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "交易日期") &&
	       strstr(err.user, "这是一份说明") && s.n == 0,
	   "no header: refused, saying what was looked for and what was found");
	printf("#   %s\n", err.user);
	ok(read_export("no-amount.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "金额") && s.n == 0,
	   "a header without an amount column is refused");
	ok(read_export("unsigned-amount.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "收支方向"),
	   "one unsigned amount and no direction: refused rather than guessed");
	ok(read_export("html-as-xls.xls", &s, &info, &err) == CR_EINVAL && strstr(err.user, "金额") &&
	       s.n == 0,
	   "a web page with a date column and no amount is refused as a CSV would be (%s)", err.user);
}

/* Web pages saved as .xls by 企业网银: read as HTML tables, streamed through libxml2's SAX parser. */
static void
web_pages(void)
{
	static const char big_head[] =
	    "<html><body><table><tr><td>交易日期</td><td>贷方金额</td><td>借方金额</td>"
	    "<td>摘要</td></tr>";
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;
	int rc;

	ok(cr_html_sniff("\xEF\xBB\xBF  <table><tr>", 18) && cr_html_sniff("<!DOCTYPE html>\n<HTML>", 22) &&
	       !cr_html_sniff("交易日期,<html>", 19) &&
	       !cr_html_sniff("<?xml version=\"1.0\"?><Document>", 32),
	   "a web page is told by its first tag, not by its name");

	rc = read_export("html-gbk.xls", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2,
	   "a GBK page named .xls: three transactions, the 合计 left out (%s)", err.msg);
	is_str(info.kind, "html/gbk", "its kind");
	ok(s.c[0].credit && s.c[0].amount_fen == 123400 && strcmp(s.c[0].booking_date, "2026-12-01") == 0 &&
	       strstr(s.c[0].text, "证书更新 订单号 00000123") && strcmp(s.c[0].ref, "HT20261201001") == 0 &&
	       strcmp(s.c[0].debtor_name, "兰州某某商贸有限公司") == 0 && strcmp(s.c[0].account, OWN) == 0,
	   "colspan preambles, <th> labels with （收入）, &nbsp; cells, <br> in a remark, tags inside cells");
	ok(!s.c[1].credit && s.c[1].amount_fen == 1500, "the fee is a debit");
	ok(s.c[2].credit && s.c[2].amount_fen == 40000 && strstr(s.c[2].text, "00000145") &&
	       strcmp(s.c[2].debtor_name, "张三") == 0,
	   "cells and rows the page never closes; the script's and the comment's rows are not read");

	rc = read_export("html-utf8.html", &s, &info, &err);
	ok(rc == 0 && s.n == 2 && s.credits == 1 && s.c[0].amount_fen == 20000 &&
	       strcmp(s.c[0].booking_date, "2026-12-04") == 0 && strstr(s.c[0].text, "订单00000167 更新") &&
	       strcmp(s.c[0].ref, "CORE-1") == 0 && strcmp(s.c[0].currency, "CNY") == 0,
	   "a UTF-8 page without a charset: 借贷标志, 人民币元, an ideographic space as a space (%s)",
	   err.msg);
	is_str(info.kind, "html/utf-8", "its kind");

	/* A page whose bytes stop being text halfway is refused whole, not read up to the damage. */
	for (int cs = 0; cs < 2; cs++) {
		char path[] = "/tmp/cr-html-XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		fprintf(f,
		        "<html><head><meta charset=\"%s\"></head><body><table>"
		        "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		        cs ? "gb2312" : "utf-8", cs ? "\xBD\xBB\xD2\xD7\xC8\xD5\xC6\xDA" : "交易日期",
		        cs ? "\xB4\xFB\xB7\xBD\xBD\xF0\xB6\xEE" : "贷方金额",
		        cs ? "\xBD\xE8\xB7\xBD\xBD\xF0\xB6\xEE" : "借方金额",
		        cs ? "\xD5\xAA\xD2\xAA" : "摘要");
		for (int i = 0; i < 2000; i++)
			fprintf(f, "<tr><td>2026-12-01</td><td>%d.00</td><td></td><td>订单%08d</td></tr>\n",
			        i + 1, i);
		fputs("<tr><td>2026-12-01</td><td>9.00</td><td></td><td>\xFF\xFE\x80\x80</td></tr>", f);
		for (int i = 0; i < 2000; i++)
			fprintf(f, "<tr><td>2026-12-02</td><td>%d.00</td><td></td><td>x</td></tr>\n", i + 1);
		fputs("</table></body></html>", f);
		fclose(f);
		memset(&s, 0, sizeof s);
		rc = cr_statement_read(path, OWN, NULL, keep, &s, &info, NULL, &err);
		ok(rc == 0 ? s.n == 4001 : rc == CR_EINVAL && strstr(err.user, "网页"),
		   "bytes that are not %s in a page: all of it read or the whole refused (%d rows, %s)",
		   cs ? "GBK" : "UTF-8", s.n, rc ? err.user : "");
		unlink(path);
	}

	/* Rows beyond bounds: a cell of a megabyte. */
	{
		size_t n = sizeof big_head - 1 + (2 << 20) + 64;
		char *page = malloc(n), *p = page;
		struct cr_html *h;
		struct cr_rows rows;

		memcpy(p, big_head, sizeof big_head - 1);
		p += sizeof big_head - 1;
		p += sprintf(p, "<tr><td>2026-12-01</td><td>1.00</td><td></td><td>");
		memset(p, 'x', (size_t)(page + n - p) - 32);
		p += (size_t)(page + n - p) - 32;
		p += sprintf(p, "</td></tr></table>");
		ok(cr_html_open_memory(page, (size_t)(p - page), &h, &err) == 0,
		   "a page held in memory opens");
		cr_html_rows(h, &rows);
		memset(&s, 0, sizeof s);
		ok(cr_export_read_rows(&rows, OWN, NULL, keep, &s, &info, &err) == CR_EINVAL &&
		       strstr(err.user, "过长") && s.n == 0,
		   "a cell of two megabytes is refused (%s)", err.user);
		cr_html_close(h);
		free(page);
	}
}

static void
workbooks(void)
{
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;
	int rc;

	rc = read_export("boc.xlsx", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2, "XLSX: shared strings, a preamble, 借贷标识 (%s)", err.msg);
	is_str(info.kind, "xlsx/utf-8", "its kind");
	ok(strcmp(s.c[0].booking_date, "2026-11-25") == 0 && s.c[0].amount_fen == 20000 &&
	       strstr(s.c[0].text, "订单00000107") && strcmp(s.c[0].ref, "BOC001") == 0 &&
	       strcmp(s.c[0].account, OWN) == 0,
	   "a date as an Excel serial number, a numeric amount, the account from the preamble");
	ok(s.c[1].amount_fen == 100050 && !s.c[1].credit && s.c[2].amount_fen == 120000,
	   "text dates and amounts with separators beside numeric ones");
	rc = read_export("inline.xlsx", &s, &info, &err);
	ok(rc == 0 && s.n == 1 && s.credits == 1 && s.c[0].amount_fen == 20000,
	   "XLSX with inline strings (%s)", err.msg);
	ok(read_export("truncated.xlsx", &s, &info, &err) == CR_EINVAL && strstr(err.user, "XLSX") &&
	       s.n == 0,
	   "a truncated XLSX is refused");
	ok(read_export("bomb.xlsx", &s, &info, &err) == CR_ETOOBIG && strstr(err.user, "过大") && s.n == 0,
	   "a zip bomb (a sheet expanding hundreds of times) is stopped early");
	printf("#   %s\n", err.user);

	/* Excel 97-2003, written by python3-xlwt (tests/fixtures/exports/make-xls.py). */
	rc = read_export("nongshang.xls", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2,
	   "XLS: a title, a preamble, 借方/贷方 columns, a 合计 trailer (%s)", err.msg);
	is_str(info.kind, "xls/utf-16", "its kind");
	ok(s.n == 3 && strcmp(s.c[0].booking_date, "2026-11-20") == 0 && s.c[0].amount_fen == 2000000 &&
	       strstr(s.c[0].text, "订单00000017") && strcmp(s.c[0].ref, "NSX202611200001") == 0 &&
	       strcmp(s.c[0].account, "6228480012345678901") == 0,
	   "numeric amounts, text dates, the account from the preamble");
	ok(s.n == 3 && !s.c[1].credit && s.c[2].amount_fen == 20050, "a debit, and 200.5 as 20050 fen");
	rc = read_export("ccb-dates.xls", &s, &info, &err);
	ok(rc == 0 && s.n == 3 && s.credits == 2, "XLS: date cells, one 发生额 with 借贷标志 (%s)", err.msg);
	ok(s.n == 3 && strcmp(s.c[0].booking_date, "2026-11-24") == 0 && s.c[0].amount_fen == 3738500 &&
	       strstr(s.c[0].text, "订单00000042") && strcmp(s.c[0].ref, "202611240000123") == 0 &&
	       s.c[2].amount_fen == 123456,
	   "dates from date cells, a remark in 备注 beside 用途 自定义, a numeric transaction id in full "
	   "(%s)",
	   s.n ? s.c[0].ref : "");
	ok(read_export("truncated.xls", &s, &info, &err) == CR_EINVAL && strstr(err.user, "xls") && s.n == 0,
	   "a truncated XLS is refused: %s", err.user);
	ok(read_export("excel97.xls", &s, &info, &err) == CR_EINVAL && s.n == 0,
	   "a damaged compound file is refused: %s", err.user);
	/* Found by fuzz-xls: libfreexl 1.0.6 writes below a stack buffer (in iconv) on this file.  It is read
	 * in an isolated child, so the damage stays there and the file is refused like any damaged one. */
	ok(read_export("freexl-iconv-underflow.xls", &s, &info, &err) == CR_EINVAL &&
	       strstr(err.user, "xls") && s.n == 0,
	   "a workbook that corrupts libfreexl's memory is refused, the process unharmed: %s", err.user);
	ok(read_export("huge-dimension.xls", &s, &info, &err) == CR_ETOOBIG && strstr(err.user, "65536") &&
	       s.n == 0,
	   "a sheet declaring 65536 x 256 cells is refused before its cells are loaded: %s", err.user);
}

static void
taught_labels(void)
{
	static const char csv[] = "入账时间,收款额,客户附言\n2026-11-25,200.00,订单00000131\n";
	struct cr_export_labels labels;
	struct cr_statement_info info;
	struct cr_table *t = NULL;
	struct cr_err err = {0};
	struct seen s = {0};

	ok(cr_table_open_memory(csv, sizeof csv - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, NULL, keep, &s, &info, &err) == CR_EINVAL,
	   "a bank's labels not known yet: refused");
	cr_table_close(t);
	ok(cr_export_labels_parse("date:入账时间;credit:收款额;remark:客户附言", &labels, &err) == 0 &&
	       labels.n == 3,
	   "taught by configuration");
	memset(&s, 0, sizeof s);
	ok(cr_table_open_memory(csv, sizeof csv - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, &labels, keep, &s, &info, &err) == 0 && s.n == 1 &&
	       s.credits == 1 && strstr(s.c[0].text, "00000131"),
	   "then read, the labels passed to the reader");
	cr_table_close(t);
	memset(&s, 0, sizeof s);
	ok(cr_table_open_memory(csv, sizeof csv - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, NULL, keep, &s, &info, &err) == CR_EINVAL,
	   "a reading without them does not know them (nothing is left behind in the thread)");
	cr_table_close(t);
	ok(cr_export_labels_parse("when:入账时间", &labels, &err) == CR_EINVAL &&
	       strstr(err.msg, "unknown role"),
	   "an unknown role is refused");
	ok(cr_export_labels_parse("date", &labels, &err) == CR_EINVAL, "a malformed spec is refused");
	ok(cr_export_labels_parse("date:", &labels, &err) == CR_EINVAL, "a role without a label is refused");
	ok(cr_export_labels_parse("", &labels, &err) == 0 && labels.n == 0, "none is fine");
}

static void
memory_cases(void)
{
	static const char quoted[] =
	    "交易日期,贷方发生额,摘要\n20261125,\"1,000.00\",\"第一行\n第二行，订单00000099\"\n";
	static const char bare_cr[] = "交易日期,贷方发生额,摘要\r20261125,5.00,x\r";
	struct cr_statement_info info;
	struct cr_table *t;
	struct cr_err err = {0};
	struct seen s = {0};

	ok(cr_table_open_memory(quoted, sizeof quoted - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, NULL, keep, &s, &info, &err) == 0 && s.n == 1 &&
	       s.c[0].amount_fen == 100000 && strstr(s.c[0].text, "第二行"),
	   "a line break inside a quoted remark");
	cr_table_close(t);
	memset(&s, 0, sizeof s);
	ok(cr_table_open_memory(bare_cr, sizeof bare_cr - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, NULL, keep, &s, &info, &err) == 0 && s.n == 1,
	   "old Mac line ends (CR alone)");
	cr_table_close(t);
	{
		size_t len = CR_TABLE_ROW_MAX + 100;
		char *big = malloc(len + 1);

		memset(big, 'a', len);
		big[len] = '\0';
		memset(&s, 0, sizeof s);
		ok(big && cr_table_open_memory(big, len, &t, &err) == 0 &&
		       cr_export_read_table(t, OWN, NULL, keep, &s, &info, &err) == CR_EINVAL &&
		       strstr(err.user, "过长"),
		   "a row over the bound is refused");
		cr_table_close(t);
		free(big);
	}
}

/* Counts only: a reader that kept rows would show in the resident size, not here. */
static int
count(const struct cr_txn *c, void *arg)
{
	long long *n = arg;

	n[0]++;
	n[1] += c->amount_fen;
	return 0;
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Ten million short rows (about 200 MB of GBK text) stream with a flat resident size. */
static void
ten_million(void)
{
	char path[] = "/tmp/cr-test-10m-XXXXXX";
	struct cr_statement_info info;
	struct cr_err err = {0};
	long long n[2] = {0, 0};
	long before, after;
	FILE *f;
	int fd = mkstemp(path), rc;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "a temporary file for ten million rows");
		return;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	fputs("\xbd\xbb\xd2\xd7\xc8\xd5\xc6\xda,\xb4\xfb\xb7\xbd\xb7\xa2\xc9\xfa\xb6\xee,"
	      "\xd5\xaa\xd2\xaa,\xbd\xbb\xd2\xd7\xc1\xf7\xcb\xae\xba\xc5\n",
	      f); /* 交易日期,贷方发生额,摘要,交易流水号 in GBK */
	for (long i = 0; i < 10000000; i++)
		fprintf(f, "20261125,0.01,x,T%ld\n", i);
	if (fclose(f) != 0) {
		ok(0, "ten million rows written");
		unlink(path);
		return;
	}
	before = max_rss_kib();
	rc = cr_statement_read(path, OWN, NULL, count, n, &info, NULL, &err);
	after = max_rss_kib();
	unlink(path);
	ok(rc == 0 && n[0] == 10000000 && n[1] == 10000000,
	   "ten million rows read, each once (%lld credits, %lld fen; %s)", n[0], n[1], err.msg);
	ok(after - before < 16 * 1024, "memory stays flat: the resident size grew by %ld KiB",
	   after - before);
}

/* Reads an export held in memory; 1 when it was read. */
static int
read_memory(const char *doc, size_t len, struct seen *s, struct cr_statement_info *info, struct cr_err *err)
{
	struct cr_table *t;
	int rc;

	memset(s, 0, sizeof *s);
	memset(info, 0, sizeof *info);
	if (cr_table_open_memory(doc, len, &t, err) != 0)
		return 0;
	rc = cr_export_read_table(t, OWN, NULL, keep, s, info, err);
	cr_table_close(t);
	return rc == 0;
}

/* An export's running 余额 states its opening and closing balances, oldest or newest first; a missing row
 * shows. */
static void
running_balances(void)
{
	static const char forward[] = "交易日期,借方发生额,贷方发生额,余额,摘要\n"
	                              "20261125,,200.00,1200.00,a\n20261125,50.00,,1150.00,b\n"
	                              "20261126,,30.00,1180.00,c\n";
	static const char newest_first[] = "交易日期,借方发生额,贷方发生额,余额,摘要\n"
	                                   "20261126,,30.00,1180.00,c\n20261125,50.00,,1150.00,b\n"
	                                   "20261125,,200.00,1200.00,a\n";
	static const char same_day_newest[] = "交易日期,交易金额,账户余额,摘要\n"
	                                      "20261125,-50.00,1150.00,b\n20261125,+200.00,1200.00,a\n";
	static const char missing[] = "交易日期,借方发生额,贷方发生额,余额,摘要\n"
	                              "20261125,,200.00,1200.00,a\n"
	                              "20261126,,30.00,1180.00,c\n20261126,,10.00,1190.00,d\n";
	static const char blank[] =
	    "交易日期,贷方发生额,余额,摘要\n20261125,200.00,1200.00,a\n20261125,5.00,,b\n";
	static const char overdrawn[] = "交易日期,借方发生额,贷方发生额,余额,摘要\n"
	                                "20261125,300.00,,-100.00,a\n20261125,,150.00,50.00,b\n";
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;

	ok(read_memory(forward, sizeof forward - 1, &s, &info, &err) && info.balances &&
	       info.opening_fen == 100000 && info.closing_fen == 118000 && info.net_fen == 18000 &&
	       strcmp(info.opening_date, "2026-11-25") == 0 && strcmp(info.closing_date, "2026-11-26") == 0 &&
	       info.balance_break == 0 && strcmp(info.account, OWN) == 0,
	   "oldest first: opening 1,000.00, closing 1,180.00, net 180.00 (%lld %lld %lld; %s)",
	   info.opening_fen, info.closing_fen, info.net_fen, err.msg);
	ok(read_memory(newest_first, sizeof newest_first - 1, &s, &info, &err) && info.balances &&
	       info.opening_fen == 100000 && info.closing_fen == 118000 && info.net_fen == 18000 &&
	       strcmp(info.opening_date, "2026-11-25") == 0 && info.balance_break == 0,
	   "newest first, by the dates: the same balances (%lld %lld)", info.opening_fen, info.closing_fen);
	ok(read_memory(same_day_newest, sizeof same_day_newest - 1, &s, &info, &err) && info.balances &&
	       info.opening_fen == 100000 && info.closing_fen == 115000 && info.balance_break == 0,
	   "newest first within one day, by which order the balances follow (%lld %lld)", info.opening_fen,
	   info.closing_fen);
	ok(read_memory(missing, sizeof missing - 1, &s, &info, &err) && info.balances &&
	       info.opening_fen == 100000 && info.closing_fen == 119000 && info.net_fen == 24000 &&
	       info.opening_fen + info.net_fen != info.closing_fen && info.balance_break == 3,
	   "a row missing between lines 2 and 3: it does not add up, and line 3 is named (break %ld)",
	   info.balance_break);
	ok(read_memory(blank, sizeof blank - 1, &s, &info, &err) && !info.balances,
	   "a row without a balance: the export states none");
	ok(read_memory(overdrawn, sizeof overdrawn - 1, &s, &info, &err) && info.balances &&
	       info.opening_fen == 20000 && info.closing_fen == 5000,
	   "an overdrawn balance written -100.00 (%lld %lld)", info.opening_fen, info.closing_fen);
}

/* The archive keeps the extension a file came with when it says what the file is. */
static void
kept_names(void)
{
	static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct {
		enum cr_stmt_format fmt;
		const char *given, *ext;
	} cases[] = {
	    {CR_STMT_TEXT, "交易明细.CSV", ".csv"}, {CR_STMT_TEXT, "ccb.txt", ".txt"},
	    {CR_STMT_TEXT, "明细.xls", ".xls"}, /* tab-separated text a bank names .xls */
	    {CR_STMT_TEXT, "明细.pdf", ".txt"},     {CR_STMT_TEXT, "noext", ".txt"},
	    {CR_STMT_TEXT, NULL, ".txt"},           {CR_STMT_CAMT, "bank.xml", ".xml"},
	    {CR_STMT_CAMT, "bank.csv", ".xml"},     {CR_STMT_HTML, "saved.htm", ".htm"},
	    {CR_STMT_XLSX, "b.xlsx", ".xlsx"},      {CR_STMT_XLS, "a.verylongext", ".xls"},
	};
	char out[72];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_stmt_keep_name(sha, cases[i].fmt, cases[i].given, out);
		ok(strncmp(out, sha, 64) == 0 && strcmp(out + 64, cases[i].ext) == 0,
		   "%s is kept as <sha256>%s (%s)", cases[i].given ? cases[i].given : "(no name)",
		   cases[i].ext, out + 64);
	}
}

int
main(void)
{
	const char *src = getenv("CR_SRCDIR");
	static char d[4096];

	snprintf(d, sizeof d, "%s/tests/fixtures/exports", src ? src : "../..");
	dir = d;
	banks();
	refusals();
	web_pages();
	workbooks();
	taught_labels();
	memory_cases();
	running_balances();
	ten_million();
	kept_names();
	return tap_done();
}
