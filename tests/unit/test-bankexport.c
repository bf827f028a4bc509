/*
 * Bank exports (bankexport.c, table.c): six banks' shapes in GBK and UTF-8, CSV and TXT, with preambles,
 * trailers and noise, read into the same records as camt; the refusals say what was looked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../../src/bankexport.h"
#include "tap.h"

#define OWN "6228480012345678901"

struct seen {
	int n, credits;
	struct cr_credit c[8];
};

static int
keep(const struct cr_credit *c, void *arg)
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
	return cr_export_read(path, OWN, keep, s, info, err);
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
	char head[512];
	FILE *f;
	size_t n;

	ok(read_export("no-header.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "交易日期") &&
	       strstr(err.user, "这是一份说明") && s.n == 0,
	   "no header: refused, saying what was looked for and what was found");
	printf("#   %s\n", err.user);
	ok(read_export("no-amount.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "金额") && s.n == 0,
	   "a header without an amount column is refused");
	ok(read_export("unsigned-amount.csv", &s, &info, &err) == CR_EINVAL && strstr(err.user, "收支方向"),
	   "one unsigned amount and no direction: refused rather than guessed");
	for (const char *const *x = (const char *const[]){"html-as-xls.xls", NULL}; *x; x++) {
		char path[4300];

		snprintf(path, sizeof path, "%s/%s", dir, *x);
		n = 0;
		if ((f = fopen(path, "rb")) != NULL) {
			n = fread(head, 1, sizeof head, f);
			fclose(f);
		}
		ok(cr_export_unsupported(head, n) != NULL, "%s is recognised and refused with a message", *x);
	}
	ok(cr_export_unsupported("交易日期,金额", 16) == NULL, "a CSV is not");
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
	ok(read_export("huge-dimension.xls", &s, &info, &err) == CR_ETOOBIG && strstr(err.user, "65536") &&
	       s.n == 0,
	   "a sheet declaring 65536 x 256 cells is refused before its cells are loaded: %s", err.user);
}

static void
taught_labels(void)
{
	static const char csv[] = "入账时间,收款额,客户附言\n2026-11-25,200.00,订单00000131\n";
	struct cr_statement_info info;
	struct cr_table *t = NULL;
	struct cr_err err = {0};
	struct seen s = {0};

	ok(cr_table_open_memory(csv, sizeof csv - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, keep, &s, &info, &err) == CR_EINVAL,
	   "a bank's labels not known yet: refused");
	cr_table_close(t);
	ok(cr_export_labels("date:入账时间;credit:收款额;remark:客户附言", &err) == 0,
	   "taught by configuration");
	memset(&s, 0, sizeof s);
	ok(cr_table_open_memory(csv, sizeof csv - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, keep, &s, &info, &err) == 0 && s.n == 1 && s.credits == 1 &&
	       strstr(s.c[0].text, "00000131"),
	   "then read");
	cr_table_close(t);
	ok(cr_export_labels("when:入账时间", &err) == CR_EINVAL && strstr(err.msg, "unknown role"),
	   "an unknown role is refused");
	ok(cr_export_labels("date", &err) == CR_EINVAL, "a malformed spec is refused");
	cr_export_labels("", &err);
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
	       cr_export_read_table(t, OWN, keep, &s, &info, &err) == 0 && s.n == 1 &&
	       s.c[0].amount_fen == 100000 && strstr(s.c[0].text, "第二行"),
	   "a line break inside a quoted remark");
	cr_table_close(t);
	memset(&s, 0, sizeof s);
	ok(cr_table_open_memory(bare_cr, sizeof bare_cr - 1, &t, &err) == 0 &&
	       cr_export_read_table(t, OWN, keep, &s, &info, &err) == 0 && s.n == 1,
	   "old Mac line ends (CR alone)");
	cr_table_close(t);
	{
		size_t len = CR_TABLE_ROW_MAX + 100;
		char *big = malloc(len + 1);

		memset(big, 'a', len);
		big[len] = '\0';
		memset(&s, 0, sizeof s);
		ok(big && cr_table_open_memory(big, len, &t, &err) == 0 &&
		       cr_export_read_table(t, OWN, keep, &s, &info, &err) == CR_EINVAL &&
		       strstr(err.user, "过长"),
		   "a row over the bound is refused");
		cr_table_close(t);
		free(big);
	}
}

/* Counts only: a reader that kept rows would show in the resident size, not here. */
static int
count(const struct cr_credit *c, void *arg)
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
	rc = cr_export_read(path, OWN, count, n, &info, &err);
	after = max_rss_kib();
	unlink(path);
	ok(rc == 0 && n[0] == 10000000 && n[1] == 10000000,
	   "ten million rows read, each once (%lld credits, %lld fen; %s)", n[0], n[1], err.msg);
	ok(after - before < 16 * 1024, "memory stays flat: the resident size grew by %ld KiB",
	   after - before);
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
	workbooks();
	taught_labels();
	memory_cases();
	ten_million();
	return tap_done();
}
