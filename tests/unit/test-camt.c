/* The camt reader (camt.c): every public sample, our own cases, and every way a file is refused. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank/camt.h"
#include "money.h"
#include "tap.h"

struct seen {
	int n;
	struct cr_txn c[8];
};

static int
keep(const struct cr_txn *c, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->c[s->n] = *c;
	s->n++;
	return 0;
}

static int
stop_at_first(const struct cr_txn *c, void *arg)
{
	(void)c;
	(void)arg;
	return 42;
}

static int
read_file(const char *dir, const char *name, struct seen *s, struct cr_statement_info *info,
          struct cr_err *err)
{
	char path[8300];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	memset(s, 0, sizeof *s);
	return cr_camt_read(path, keep, s, info, err);
}

static void
amounts(void)
{
	long long fen;
	int sub;

	ok(cr_money_parse("200000", &fen, &sub) == 0 && fen == 20000000 && !sub, "200000 is 200000 yuan");
	ok(cr_money_parse("18.150", &fen, &sub) == 0 && fen == 1815 && !sub, "18.150 is 1815 fen");
	ok(cr_money_parse("18.1", &fen, &sub) == 0 && fen == 1810, "18.1 is 1810 fen");
	ok(cr_money_parse("0.001", &fen, &sub) == 0 && fen == 0 && sub, "0.001 has digits past the fen");
	ok(cr_money_parse(" 12.5 \n", &fen, &sub) == 0 && fen == 1250, "white space around is allowed");
	ok(cr_money_parse("1.12345", &fen, &sub) == 0 && fen == 112 && sub,
	   "five fraction digits are a schema decimal");
	ok(cr_money_parse("1.123456", &fen, &sub) < 0, "six fraction digits are not");
	ok(cr_money_parse("-1.00", &fen, &sub) < 0, "a sign is refused");
	ok(cr_money_parse("+1.00", &fen, &sub) < 0, "a plus sign is refused");
	ok(cr_money_parse("1E5", &fen, &sub) < 0, "an exponent is refused");
	ok(cr_money_parse("12.", &fen, &sub) < 0 && cr_money_parse(".5", &fen, &sub) < 0,
	   "a bare point is refused");
	ok(cr_money_parse("", &fen, &sub) < 0 && cr_money_parse("1,000.00", &fen, &sub) < 0,
	   "empty and grouped refused");
	ok(cr_money_parse("1234567890123456", &fen, &sub) < 0, "an absurd amount is refused");
}

static void
public_samples(const char *dir)
{
	struct cr_statement_info info;
	struct cr_err err;
	struct dirent *d;
	struct seen s;
	DIR *dp = opendir(dir);
	int files = 0;

	if (dp == NULL) {
		printf("ok %d - # SKIP %s not found (the shared fixtures)\n", ++tap_n, dir);
		return;
	}
	while ((d = readdir(dp)) != NULL) {
		int rc;

		if (strstr(d->d_name, ".xml") == NULL)
			continue;
		files++;
		rc = read_file(dir, d->d_name, &s, &info, &err);
		if (strcmp(d->d_name, "camt052.v1.xml") == 0)
			ok(rc == CR_EINVAL && strstr(err.user, "版本 01"), "%s is refused: %s", d->d_name,
			   err.user);
		else if (strcmp(d->d_name, "camt053.v2.wrong.xml") == 0)
			ok(rc == CR_EINVAL && strstr(err.user, "没有对账单"), "%s is refused: %s", d->d_name,
			   err.user);
		else
			ok(rc == 0 && info.entries >= 1 && s.n >= 1 && strncmp(info.kind, "camt.05", 7) == 0,
			   "%s reads: %s, %ld entries, %d transactions", d->d_name, info.kind, info.entries,
			   s.n);
	}
	closedir(dp);
	ok(files >= 20, "every public sample was tried (%d)", files);

	read_file(dir, "camt053.v2.minimal.xml", &s, &info, &err);
	ok(s.n == 1 && s.c[0].credit && s.c[0].amount_fen == 885 && strcmp(s.c[0].currency, "EUR") == 0 &&
	       strcmp(s.c[0].status, "BOOK") == 0 && strcmp(s.c[0].booking_date, "2014-12-31") == 0 &&
	       strcmp(s.c[0].value_date, "2015-01-02") == 0 &&
	       strcmp(s.c[0].account, "NL26VAYB8060476890") == 0 &&
	       strcmp(s.c[0].debtor_name, "NAME NAME") == 0 &&
	       strcmp(s.c[0].debtor_account, "NL56AGDH9619008421") == 0 &&
	       strstr(s.c[0].text, "4654654654654654"),
	   "camt.053 v02: amount, currency, dates, account, debtor and structured reference");
	read_file(dir, "camt054.v4.xml", &s, &info, &err);
	ok(s.n == 3 && s.c[0].amount_fen == 310 && s.c[1].amount_fen == 320 && s.c[2].amount_fen == 320 &&
	       s.c[0].ntx == 3 && s.c[2].tx == 3,
	   "camt.054 v04: a batch of three is three transactions with their own amounts");
	ok(s.n == 3 && strstr(s.c[1].text, "UXC06170000006PI00001EE00002") &&
	       strcmp(s.c[1].debtor_name, "UNIFITS GmbH") == 0,
	   "each with its own remittance, EndToEndId and debtor");
	read_file(dir, "camt052.v6.xml", &s, &info, &err);
	ok(s.n == 1 && strcmp(s.c[0].status, "PDNG") == 0 && !s.c[0].credit,
	   "camt.052 v06: a pending debit is read as such");
	read_file(dir, "camt053.v8.xml", &s, &info, &err);
	ok(s.n == 1 && strcmp(s.c[0].status, "BOOK") == 0, "camt.053 v08: the status in Sts/Cd");
}

static void
own_cases(const char *dir)
{
	static const struct {
		const char *file, *words;
	} refused[] = {
	    {"xxe.xml", "DTD"},
	    {"billion-laughs.xml", "DTD"},
	    {"truncated.xml", "第"},
	    {"wrong-namespace.xml", "命名空间"},
	    {"bad-amount-negative.xml", "金额格式"},
	    {"bad-amount-exponent.xml", "金额格式"},
	    {"bad-amount-decimals.xml", "金额格式"},
	    {"missing-currency.xml", "币种"},
	    {"bad-currency.xml", "币种"},
	    {"bad-date.xml", "日期"},
	    {"not-xml.csv", "XML"},
	};
	struct cr_statement_info info;
	struct cr_err err;
	struct seen s;
	char path[8300];

	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		int rc = read_file(dir, refused[i].file, &s, &info, &err);

		ok(rc == CR_EINVAL && strstr(err.user, refused[i].words) && strstr(err.user, "行"),
		   "%s is refused whole, naming the line: %s", refused[i].file, err.user);
	}
	ok(read_file(dir, "bad-amount-negative.xml", &s, &info, &err) != 0 && s.n == 0,
	   "nothing of a refused file reaches the callback before its fault");

	read_file(dir, "batch-v02.xml", &s, &info, &err);
	ok(s.n == 3 && info.entries == 1, "a batch booking of three (v02, TxAmt) is three credits");
	ok(s.n == 3 && s.c[0].amount_fen == 20000 && s.c[1].amount_fen == 40000 && s.c[2].amount_fen == 1,
	   "each with its own amount");
	ok(s.n == 3 && strcmp(s.c[0].ref, "TX-1") == 0 && strcmp(s.c[1].ref, "TX-2") == 0 &&
	       strcmp(s.c[0].entry_ref, "BATCH-1") == 0,
	   "each with its own AcctSvcrRef; the entry's kept beside");
	ok(s.n == 3 && strcmp(s.c[1].debtor_name, "乙公司") == 0 && strstr(s.c[1].text, "00000236") &&
	       strcmp(s.c[1].account, "6228480012345678901") == 0 && strcmp(s.c[1].currency, "CNY") == 0,
	   "debtor, remittance, account and currency");

	read_file(dir, "camt052-v13.xml", &s, &info, &err);
	ok(s.n == 1 && strcmp(info.kind, "camt.052.001.13") == 0 && strcmp(s.c[0].debtor_name, "某公司") == 0,
	   "camt.052 v13 reads, the debtor in Dbtr/Pty/Nm");
	read_file(dir, "camt054-v04.xml", &s, &info, &err);
	ok(s.n == 2 && s.c[0].credit && !s.c[1].credit, "camt.054 v04: a credit and a debit");

	snprintf(path, sizeof path, "%s/batch-v02.xml", dir);
	ok(cr_camt_read(path, stop_at_first, NULL, &info, &err) == 42 && info.transactions == 1,
	   "a callback's non-zero result stops the reader and is returned");
	ok(cr_camt_read("/nonexistent/statement.xml", keep, &s, &info, &err) != 0,
	   "a missing file is an error");

	ok(cr_camt_sniff("<?xml", 5) && cr_camt_sniff("\xEF\xBB\xBF  <Document", 14) &&
	       !cr_camt_sniff("交易日期,", 13),
	   "XML is told from a bank export by its first bytes");
}

/* A statement's balances (Bal): OPBD or PRCD opens it, CLBD closes it, with its booked entries' net. */
static void
balances(void)
{
	static const char head[] =
	    "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">"
	    "<BkToCstmrStmt><GrpHdr><MsgId>B</MsgId><CreDtTm>2026-10-01T18:00:00</CreDtTm></"
	    "GrpHdr><Stmt><Id>S</Id>"
	    "<Acct><Id><Othr><Id>6228 4800 1234</Id></Othr></Id></Acct>";
	static const char bal[] = "<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt "
	                          "Ccy=\"CNY\">%s</Amt><CdtDbtInd>%s</CdtDbtInd>"
	                          "<Dt><Dt>%s</Dt></Dt></Bal>";
	static const char ntry[] =
	    "<Ntry><Amt Ccy=\"CNY\">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts><Cd>%s</Cd></Sts>"
	    "<BookgDt><Dt>2026-10-01</Dt></BookgDt></Ntry>";
	char doc[4096], part[512];
	struct cr_statement_info info;
	struct cr_err err = {0};
	struct seen s;

	snprintf(doc, sizeof doc, "%s", head);
	snprintf(part, sizeof part, bal, "PRCD", "100.00", "DBIT", "2026-09-30");
	strcat(doc, part);
	snprintf(part, sizeof part, bal, "CLBD", "15.50", "CRDT", "2026-10-01");
	strcat(doc, part);
	snprintf(part, sizeof part, ntry, "120.00", "CRDT", "BOOK");
	strcat(doc, part);
	snprintf(part, sizeof part, ntry, "4.50", "DBIT", "BOOK");
	strcat(doc, part);
	snprintf(part, sizeof part, ntry, "999.00", "CRDT", "PDNG");
	strcat(doc, part);
	strcat(doc, "</Stmt></BkToCstmrStmt></Document>");
	memset(&s, 0, sizeof s);
	ok(cr_camt_read_memory(doc, strlen(doc), keep, &s, &info, &err) == 0 && info.balances &&
	       info.opening_fen == -10000 && info.closing_fen == 1550 && info.net_fen == 11550 &&
	       strcmp(info.opening_date, "2026-09-30") == 0 && strcmp(info.closing_date, "2026-10-01") == 0 &&
	       strcmp(info.account, "6228 4800 1234") == 0,
	   "balances: an overdrawn PRCD, CLBD, the net of booked entries only (%s)", err.msg);
	snprintf(doc, sizeof doc, "%s", head);
	snprintf(part, sizeof part, ntry, "120.00", "CRDT", "BOOK");
	strcat(doc, part);
	strcat(doc, "</Stmt></BkToCstmrStmt></Document>");
	ok(cr_camt_read_memory(doc, strlen(doc), keep, &s, &info, &err) == 0 && !info.balances,
	   "a statement without balances has none");
}

int
main(void)
{
	const char *src = getenv("CR_SRCDIR");
	char shared[4096], own[4096];

	snprintf(shared, sizeof shared, "%s/../shared/fixtures/camt-public", src ? src : "../..");
	snprintf(own, sizeof own, "%s/tests/fixtures/camt", src ? src : "../..");
	amounts();
	balances();
	public_samples(shared);
	own_cases(own);
	return tap_done();
}
