#include <libxml/xmlreader.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camt.h"
#include "htmltable.h"
#include "money.h"
#include "utf8.h"

#define NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:camt.05"

/* The three messages: root child, its statement element, the namespace's number. */
static const struct {
	const char *message, *statement;
	char number;
} messages[] = {
    {"BkToCstmrAcctRpt", "Rpt", '2'},
    {"BkToCstmrStmt", "Stmt", '3'},
    {"BkToCstmrDbtCdtNtfctn", "Ntfctn", '4'},
};

struct reader {
	xmlTextReaderPtr r;
	cr_txn_fn fn;
	void *arg;
	struct cr_statement_info *info;
	struct cr_err *err;
	int msg; /* index into messages, -1 until the root's child is seen */
	char account[CR_TXN_REF_MAX + 1];
	int statements;
	char xml_error[256]; /* libxml2's first complaint */
	int xml_error_line;
	/* The statement's balances (Bal) and the net of its booked entries in their currency. */
	int opening, closing;
	long long opening_fen, closing_fen, net_fen;
	char opening_date[11], closing_date[11], balance_ccy[4];
	struct cr_txn c; /* scratch: one record at a time */
};

int
cr_camt_sniff(const void *head, size_t len)
{
	const unsigned char *p = head;
	size_t i = 0;

	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	/* A web page starts with a tag too: bank exports saved as HTML are read by bankexport.c. */
	return i < len && p[i] == '<' && !cr_html_sniff(head, len);
}

/* The first element child of n called name, or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The element at path ("Refs/AcctSvcrRef") below n, or NULL. */
static xmlNodePtr
path(xmlNodePtr n, const char *p)
{
	char part[64];

	while (n && *p) {
		size_t k = strcspn(p, "/");

		if (k >= sizeof part)
			return NULL;
		memcpy(part, p, k);
		part[k] = '\0';
		n = child(n, part);
		p += k;
		if (*p == '/')
			p++;
	}
	return n;
}

/* The text of n, trimmed, into out (cut at a UTF-8 character to fit); "" for NULL. */
static void
text(xmlNodePtr n, char *out, size_t len)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = (const char *)t, *e;

	out[0] = '\0';
	if (t == NULL)
		return;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	cr_utf8_copy(out, len, s, (size_t)(e - s));
	xmlFree(t);
}

/* Appends the text of n to the record's remittance text. */
static void
add_text(struct cr_txn *c, xmlNodePtr n)
{
	char t[1024];
	size_t have = strlen(c->text);

	text(n, t, sizeof t);
	if (t[0] == '\0' || have + strlen(t) + 4 > sizeof c->text)
		return;
	if (have)
		strcat(c->text, " | ");
	strcat(c->text, t);
}

/* Refuses the file: a Chinese reason for finance, an English one for the log, both with the line. */
static int
refuse(struct reader *rd, long line, const char *user, const char *log)
{
	cr_err_user(rd->err, CR_EINVAL, NULL, "第 %ld 行：%s", line, user);
	if (rd->err)
		snprintf(rd->err->msg, sizeof rd->err->msg, "line %ld: %s", line, log);
	return CR_EINVAL;
}

/* An amount element: value and currency, both required. */
static int
amount(struct reader *rd, xmlNodePtr n, long long *fen, int *sub_fen, char ccy[4])
{
	char v[64];
	xmlChar *c;
	int ok;

	text(n, v, sizeof v);
	if (cr_money_parse(v, fen, sub_fen) != 0)
		return refuse(rd, xmlGetLineNo(n), "金额格式无效（应为不带符号的小数，最多 5 位小数）",
		              "amount is not a schema decimal");
	c = xmlGetProp(n, BAD_CAST "Ccy");
	/* ISO 4217: three capital letters. */
	ok = c && strlen((const char *)c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
	     c[2] >= 'A' && c[2] <= 'Z';
	if (ok)
		memcpy(ccy, c, 4);
	xmlFree(c);
	if (!ok)
		return refuse(rd, xmlGetLineNo(n), "金额缺少币种（Ccy，三个大写字母）",
		              "amount without a valid currency");
	return 0;
}

/*
 * The date of a BookgDt / ValDt (its Dt, or the day of its DtTm) into out; "" when absent; -1 when malformed.
 */
static int
date_of(xmlNodePtr n, char out[11])
{
	char t[40];
	int y, m, d;

	out[0] = '\0';
	text(n ? (child(n, "Dt") ? child(n, "Dt") : child(n, "DtTm")) : NULL, t, sizeof t);
	if (t[0] == '\0')
		return 0;
	if (strlen(t) < 10 || sscanf(t, "%4d-%2d-%2d", &y, &m, &d) != 3 || t[4] != '-' || t[7] != '-' ||
	    y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, 11, "%.10s", t);
	return 0;
}

/* The id of an account element (Acct, DbtrAcct): IBAN, else Othr/Id. */
static void
account_id(xmlNodePtr acct, char *out, size_t len)
{
	xmlNodePtr id = child(acct, "Id");

	text(child(id, "IBAN") ? child(id, "IBAN") : path(id, "Othr/Id"), out, len);
}

/* Fills what one transaction adds to the entry's record. */
static void
tx_details(struct cr_txn *c, xmlNodePtr tx)
{
	xmlNodePtr n, dbtr;
	char e2e[CR_TXN_REF_MAX + 1];

	text(path(tx, "Refs/AcctSvcrRef"), c->ref, sizeof c->ref);
	text(path(tx, "Refs/EndToEndId"), e2e, sizeof e2e);
	if (e2e[0] && strcmp(e2e, "NOTPROVIDED") != 0)
		snprintf(c->end_to_end, sizeof c->end_to_end, "%s", e2e);
	for (n = child(tx, "RmtInf") ? child(tx, "RmtInf")->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "Ustrd") == 0)
			add_text(c, n);
		else if (strcmp((const char *)n->name, "Strd") == 0)
			add_text(c, path(n, "CdtrRefInf/Ref"));
	}
	add_text(c, child(tx, "AddtlTxInf"));
	if (c->end_to_end[0]) {
		xmlNodePtr e = path(tx, "Refs/EndToEndId");

		add_text(c, e);
	}
	dbtr = path(tx, "RltdPties/Dbtr");
	text(child(dbtr, "Nm") ? child(dbtr, "Nm") : path(dbtr, "Pty/Nm"), c->debtor_name,
	     sizeof c->debtor_name);
	n = path(tx, "RltdPties/DbtrAcct");
	if (n)
		account_id(n, c->debtor_account, sizeof c->debtor_account);
}

/* The transactions of an entry: TxDtls directly under NtryDtls or in its Btch. */
static int
collect_tx(xmlNodePtr ntry, xmlNodePtr *out, int max)
{
	int n = 0;

	for (xmlNodePtr d = ntry->children; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE || strcmp((const char *)d->name, "NtryDtls") != 0)
			continue;
		for (xmlNodePtr t = d->children; t; t = t->next)
			if (t->type == XML_ELEMENT_NODE && strcmp((const char *)t->name, "TxDtls") == 0 &&
			    n < max)
				out[n++] = t;
	}
	return n;
}

/* The amount of a transaction: TxDtls/Amt (v3 on) or TxDtls/AmtDtls/TxAmt/Amt (v2); NULL when none. */
static xmlNodePtr
tx_amount(xmlNodePtr tx)
{
	xmlNodePtr a = child(tx, "Amt");

	return a ? a : path(tx, "AmtDtls/TxAmt/Amt");
}

/*
 * A balance of the statement (Bal): OPBD or PRCD opens it, CLBD closes it;
 * others (ITBD, CLAV …) are not needed.  A malformed one is refused as a
 * malformed entry is.
 */
static int
balance(struct reader *rd, xmlNodePtr bal)
{
	char code[8], ind[8], day[11];
	xmlNodePtr tp = child(child(bal, "Tp"), "CdOrPrtry");
	long long fen;
	int sub, rc;
	char ccy[4];

	text(child(tp, "Cd"), code, sizeof code);
	if (strcmp(code, "OPBD") != 0 && strcmp(code, "PRCD") != 0 && strcmp(code, "CLBD") != 0)
		return 0;
	if (child(bal, "Amt") == NULL)
		return refuse(rd, xmlGetLineNo(bal), "余额（Bal）缺少金额", "balance without an amount");
	if ((rc = amount(rd, child(bal, "Amt"), &fen, &sub, ccy)) != 0)
		return rc;
	text(child(bal, "CdtDbtInd"), ind, sizeof ind);
	if (strcmp(ind, "DBIT") == 0)
		fen = -fen;
	if (date_of(child(bal, "Dt"), day) != 0)
		return refuse(rd, xmlGetLineNo(bal), "余额日期格式无效（应为 YYYY-MM-DD）",
		              "bad balance date");
	memcpy(rd->balance_ccy, ccy, sizeof rd->balance_ccy);
	if (strcmp(code, "CLBD") == 0) {
		rd->closing = 1;
		rd->closing_fen = fen;
		memcpy(rd->closing_date, day, sizeof day);
	} else if (!rd->opening || strcmp(code, "OPBD") == 0) {
		rd->opening = 1;
		rd->opening_fen = fen;
		memcpy(rd->opening_date, day, sizeof day);
	}
	return 0;
}

static int
entry(struct reader *rd, xmlNodePtr ntry)
{
	struct cr_txn *c = &rd->c;
	xmlNodePtr txs[1000], sts;
	char ind[8], rvsl[8];
	long long fen;
	int sub, ntx, split, rc;
	char ccy[4];

	rd->info->entries++;
	if (child(ntry, "Amt") == NULL)
		return refuse(rd, xmlGetLineNo(ntry), "记录缺少金额（Amt）", "entry without an amount");
	if ((rc = amount(rd, child(ntry, "Amt"), &fen, &sub, ccy)) != 0)
		return rc;
	{
		char eind[8], est[8];
		xmlNodePtr es = child(ntry, "Sts");

		text(child(ntry, "CdtDbtInd"), eind, sizeof eind);
		text(child(es, "Cd") ? child(es, "Cd") : es, est, sizeof est);
		/* What the statement's balances move by: its booked entries, credits up and debits down. */
		if ((est[0] == '\0' || strcmp(est, "BOOK") == 0) && strcmp(eind, "CRDT") == 0)
			rd->net_fen += fen;
		else if ((est[0] == '\0' || strcmp(est, "BOOK") == 0) && strcmp(eind, "DBIT") == 0)
			rd->net_fen -= fen;
		if (rd->balance_ccy[0] == '\0')
			memcpy(rd->balance_ccy, ccy, sizeof rd->balance_ccy);
		else if (strcmp(rd->balance_ccy, ccy) != 0)
			rd->opening = rd->closing = 0; /* entries in another currency: nothing to check */
	}
	ntx = collect_tx(ntry, txs, 1000);
	/* A batch is split only when every transaction has its own amount. */
	split = ntx > 1;
	for (int i = 0; i < ntx && split; i++)
		split = tx_amount(txs[i]) != NULL;
	for (int i = 0; i < (split ? ntx : 1); i++) {
		memset(c, 0, sizeof *c);
		snprintf(c->account, sizeof c->account, "%s", rd->account);
		c->entry = rd->info->entries;
		c->line = xmlGetLineNo(ntry);
		c->tx = i + 1;
		c->ntx = split ? ntx : 1;
		c->amount_fen = fen;
		c->sub_fen = sub;
		memcpy(c->currency, ccy, 4);
		text(child(ntry, "CdtDbtInd"), ind, sizeof ind);
		text(child(ntry, "RvslInd"), rvsl, sizeof rvsl);
		c->reversal = strcmp(rvsl, "true") == 0 || strcmp(rvsl, "1") == 0;
		sts = child(ntry, "Sts");
		text(child(sts, "Cd") ? child(sts, "Cd") : sts, c->status, sizeof c->status);
		if (c->status[0] == '\0')
			snprintf(c->status, sizeof c->status, "BOOK");
		if (date_of(child(ntry, "BookgDt"), c->booking_date) != 0 ||
		    date_of(child(ntry, "ValDt"), c->value_date) != 0)
			return refuse(rd, xmlGetLineNo(ntry), "日期格式无效（应为 YYYY-MM-DD）",
			              "bad booking or value date");
		text(child(ntry, "AcctSvcrRef"), c->entry_ref, sizeof c->entry_ref);
		if (split) {
			if ((rc = amount(rd, tx_amount(txs[i]), &c->amount_fen, &c->sub_fen, c->currency)) !=
			    0)
				return rc;
			if (child(txs[i], "CdtDbtInd"))
				text(child(txs[i], "CdtDbtInd"), ind, sizeof ind);
			tx_details(c, txs[i]);
		} else {
			for (int k = 0; k < ntx; k++)
				tx_details(c, txs[k]);
		}
		if (strcmp(ind, "CRDT") != 0 && strcmp(ind, "DBIT") != 0)
			return refuse(rd, xmlGetLineNo(ntry), "借贷标志（CdtDbtInd）应为 CRDT 或 DBIT",
			              "bad CdtDbtInd");
		c->credit = strcmp(ind, "CRDT") == 0;
		if (c->ref[0] == '\0' && c->ntx == 1)
			snprintf(c->ref, sizeof c->ref, "%s", c->entry_ref);
		add_text(c, child(ntry, "AddtlNtryInf"));
		rd->info->transactions++;
		if ((rc = rd->fn(c, rd->arg)) != 0)
			return rc;
	}
	return 0;
}

/* Checks the root: Document in a camt.05X.001.NN namespace, NN >= 02. */
static int
root(struct reader *rd)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd->r);
	const char *name = (const char *)xmlTextReaderConstLocalName(rd->r);
	long line = xmlTextReaderGetParserLineNumber(rd->r);
	int version;

	if (strcmp(name, "Document") != 0 || ns == NULL || strncmp(ns, NS_PREFIX, strlen(NS_PREFIX)) != 0)
		return refuse(rd, line, "不是 ISO 20022 camt.052/053/054 对账单（根元素或命名空间不符）",
		              "not a camt document (root or namespace)");
	if (strchr("234", ns[strlen(NS_PREFIX)]) == NULL ||
	    strncmp(ns + strlen(NS_PREFIX) + 1, ".001.", 5) != 0)
		return refuse(rd, line, "只支持 camt.052、camt.053 和 camt.054 对账单",
		              "not camt.052/053/054");
	version = atoi(ns + strlen(NS_PREFIX) + 6);
	if (version < 2)
		return refuse(rd, line, "camt 版本 01 不受支持（支持 02 及以上版本）", "camt version 01");
	snprintf(rd->info->kind, sizeof rd->info->kind, "%.15s", strstr(ns, "camt."));
	return 0;
}

static int
message(struct reader *rd)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd->r);
	const char *name = (const char *)xmlTextReaderConstLocalName(rd->r);

	for (int i = 0; i < 3; i++)
		if (strcmp(name, messages[i].message) == 0 && ns &&
		    ns[strlen(NS_PREFIX)] == messages[i].number) {
			rd->msg = i;
			return 0;
		}
	return refuse(rd, xmlTextReaderGetParserLineNumber(rd->r), "对账单内容与其命名空间不符",
	              "message element does not match the namespace");
}

static void
on_error(void *arg, const char *msg, xmlParserSeverities severity, xmlTextReaderLocatorPtr loc)
{
	struct reader *rd = arg;

	if (severity != XML_PARSER_SEVERITY_ERROR || rd->xml_error[0])
		return;
	snprintf(rd->xml_error, sizeof rd->xml_error, "%s", msg);
	rd->xml_error[strcspn(rd->xml_error, "\n")] = '\0';
	rd->xml_error_line = xmlTextReaderLocatorLineNumber(loc);
	if (rd->xml_error_line <= 0)
		rd->xml_error_line = xmlTextReaderGetParserLineNumber(rd->r);
}

/* Expands the element the reader is on; NULL (after refusing) when it cannot. */
static xmlNodePtr
expand(struct reader *rd)
{
	xmlNodePtr n = xmlTextReaderExpand(rd->r);

	if (n == NULL)
		refuse(rd, xmlTextReaderGetParserLineNumber(rd->r), "文件结构损坏（XML 不完整）",
		       "cannot expand an element");
	return n;
}

static int
walk(struct reader *rd)
{
	int rc, ret = xmlTextReaderRead(rd->r);

	while (ret == 1) {
		int type = xmlTextReaderNodeType(rd->r), depth = xmlTextReaderDepth(rd->r);
		const char *name = (const char *)xmlTextReaderConstLocalName(rd->r);
		xmlNodePtr n;

		if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
		    type == XML_READER_TYPE_ENTITY)
			return refuse(rd, xmlTextReaderGetParserLineNumber(rd->r),
			              "文件含有 DTD 或实体声明，出于安全原因不予接受",
			              "DTD or entity in the file");
		if (type == XML_READER_TYPE_ELEMENT) {
			if (depth == 0 && (rc = root(rd)) != 0)
				return rc;
			if (depth == 1 && (rc = message(rd)) != 0)
				return rc;
			if (depth == 2 && rd->msg >= 0 && strcmp(name, messages[rd->msg].statement) == 0) {
				rd->statements++;
				rd->account[0] = '\0';
			}
			/* An account or an entry: expanded alone, read, then skipped with its subtree. */
			if (depth == 3 && rd->statements &&
			    (strcmp(name, "Acct") == 0 || strcmp(name, "Ntry") == 0 ||
			     strcmp(name, "Bal") == 0)) {
				if ((n = expand(rd)) == NULL)
					return CR_EINVAL;
				if (strcmp(name, "Acct") == 0)
					account_id(n, rd->account, sizeof rd->account);
				else if (strcmp(name, "Bal") == 0 && (rc = balance(rd, n)) != 0)
					return rc;
				else if (strcmp(name, "Ntry") == 0 && (rc = entry(rd, n)) != 0)
					return rc;
				ret = xmlTextReaderNext(rd->r);
				continue;
			}
		}
		ret = xmlTextReaderRead(rd->r);
	}
	if (ret < 0 || rd->xml_error[0])
		return cr_err_user(rd->err, CR_EINVAL, NULL, "第 %d 行：XML 格式错误（%s）",
		                   rd->xml_error_line, rd->xml_error[0] ? rd->xml_error : "文件不完整");
	if (rd->statements == 0)
		return refuse(rd, xmlTextReaderGetParserLineNumber(rd->r),
		              "文件中没有对账单（Stmt、Rpt 或 Ntfctn）", "no statement in the file");
	if (rd->statements == 1 && rd->opening && rd->closing) {
		struct cr_statement_info *info = rd->info;

		info->balances = 1;
		info->opening_fen = rd->opening_fen;
		info->closing_fen = rd->closing_fen;
		info->net_fen = rd->net_fen;
		memcpy(info->opening_date, rd->opening_date, sizeof info->opening_date);
		memcpy(info->closing_date, rd->closing_date, sizeof info->closing_date);
		snprintf(info->account, sizeof info->account, "%s", rd->account);
	}
	return 0;
}

/*
 * A DOCTYPE (with its entities) can only stand in the prolog, before the
 * root element: looked for in the file's first bytes, so that even a file
 * libxml2 would stop on (an entity bomb) is refused with the real reason.
 */
static int
prolog_has_dtd(const char *start, size_t len, long *line)
{
	char head[65536], *root, *dtd;
	size_t n = len < sizeof head - 1 ? len : sizeof head - 1;

	*line = 1;
	memcpy(head, start, n);
	head[n] = '\0';
	if ((dtd = strstr(head, "<!DOCTYPE")) == NULL && (dtd = strstr(head, "<!ENTITY")) == NULL)
		return 0;
	/* The root element: the first '<' followed by a name character. */
	for (root = head; (root = strchr(root, '<')) != NULL; root++)
		if (root[1] != '?' && root[1] != '!')
			break;
	if (root && root < dtd)
		return 0;
	for (const char *p = head; p < dtd; p++)
		*line += *p == '\n';
	return 1;
}

/* Reads with a reader made by open (from a file or memory); the first bytes for the prolog check. */
static int
read_with(xmlTextReaderPtr (*open)(const void *src, size_t len), const void *src, size_t srclen,
          const char *head, size_t headlen, cr_txn_fn fn, void *arg, struct cr_statement_info *info,
          struct cr_err *err)
{
	struct cr_statement_info scratch;
	struct reader *rd = calloc(1, sizeof *rd);
	long line;
	int rc;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof *info);
	if (rd == NULL)
		return cr_err_set(err, CR_ENOMEM, "camt: out of memory");
	rd->fn = fn;
	rd->arg = arg;
	rd->info = info;
	rd->err = err;
	rd->msg = -1;
	if (prolog_has_dtd(head, headlen, &line)) {
		rc = refuse(rd, line, "文件含有 DTD 或实体声明，出于安全原因不予接受",
		            "DTD or entity in the file");
		free(rd);
		return rc;
	}
	if ((rd->r = open(src, srclen)) == NULL) {
		free(rd);
		return cr_err_user(err, CR_EIO, NULL, "无法读取文件");
	}
	xmlTextReaderSetErrorHandler(rd->r, on_error, rd);
	rc = walk(rd);
	xmlFreeTextReader(rd->r);
	free(rd);
	return rc;
}

/*
 * No network, no DTD loading, no entity substitution: libxml2's defaults without NOENT/DTDLOAD, plus NONET.
 */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

static xmlTextReaderPtr
open_file(const void *path, size_t len)
{
	(void)len;
	return xmlReaderForFile(path, NULL, READER_OPTIONS);
}

static xmlTextReaderPtr
open_memory(const void *data, size_t len)
{
	return len > INT32_MAX ? NULL : xmlReaderForMemory(data, (int)len, NULL, NULL, READER_OPTIONS);
}

int
cr_camt_read(const char *path, cr_txn_fn fn, void *arg, struct cr_statement_info *info, struct cr_err *err)
{
	char head[65536];
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (f) {
		n = fread(head, 1, sizeof head, f);
		fclose(f);
	}
	return read_with(open_file, path, 0, head, n, fn, arg, info, err);
}

int
cr_camt_read_memory(const void *data, size_t len, cr_txn_fn fn, void *arg, struct cr_statement_info *info,
                    struct cr_err *err)
{
	return read_with(open_memory, data, len, data, len, fn, arg, info, err);
}
