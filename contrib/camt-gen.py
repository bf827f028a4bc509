#!/usr/bin/env python3
"""Writes an ISO 20022 bank statement (camt.052, camt.053 or camt.054) for tests, demos and benchmarks.

  camt-gen.py --account 6228480012345678901 --credit 20000:"订单号 00000228":我是测试企业 > st.xml
  camt-gen.py --account ... --random 100000 --orders 00000228:20000,00000236:40000 -o big.xml

--credit AMOUNT_FEN:REMITTANCE:DEBTOR[:ACCTSVCRREF] adds one credit (repeatable; the remittance may
hold anything but ':'); --debit adds a debit the importer must ignore; --batch puts all --credit
transactions in one entry (a batch booking).  --opening FEN states the statement's opening balance (Bal
OPBD) and a closing one (CLBD) that the entries add up to, unless --closing FEN says another.  --random N adds N credits: about one in four pays one of
--orders exactly, the others carry a remittance without an order number.  The file is written as a
stream, so a large one costs no memory.
"""
import argparse
import random
import sys
import time
from xml.sax.saxutils import escape

MESSAGES = {"052": ("BkToCstmrAcctRpt", "Rpt"), "053": ("BkToCstmrStmt", "Stmt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def yuan(fen):
    return "%d.%02d" % (fen // 100, fen % 100)


def tx_xml(version, t, with_amount):
    """One TxDtls.  Version 02 puts the amount in AmtDtls/TxAmt, later ones in Amt."""
    parts = ["<TxDtls>", "<Refs>"]
    if t.get("ref"):
        parts.append("<AcctSvcrRef>%s</AcctSvcrRef>" % escape(t["ref"]))
    parts.append("<EndToEndId>NOTPROVIDED</EndToEndId></Refs>")
    if with_amount:
        amt = '<Amt Ccy="%s">%s</Amt>' % (t.get("ccy", "CNY"), yuan(t["fen"]))
        parts.append("<AmtDtls><TxAmt>%s</TxAmt></AmtDtls>" % amt if version == 2 else amt)
        if version >= 3:
            parts.append("<CdtDbtInd>%s</CdtDbtInd>" % ("CRDT" if t.get("credit", True) else "DBIT"))
    if t.get("debtor"):
        name = "<Nm>%s</Nm>" % escape(t["debtor"])
        parts.append("<RltdPties><Dbtr>%s</Dbtr><DbtrAcct><Id><Othr><Id>%s</Id></Othr></Id></DbtrAcct></RltdPties>"
                     % ("<Pty>%s</Pty>" % name if version >= 8 else name, t.get("debtor_account", "6217000000000000")))
    if t.get("text"):
        parts.append("<RmtInf><Ustrd>%s</Ustrd></RmtInf>" % escape(t["text"]))
    parts.append("</TxDtls>")
    return "".join(parts)


def entry_xml(version, txs, date, entry_ref, batch):
    fen = sum(t["fen"] for t in txs)
    credit = txs[0].get("credit", True)
    sts = "<Sts><Cd>BOOK</Cd></Sts>" if version >= 8 else "<Sts>BOOK</Sts>"
    out = ['<Ntry><Amt Ccy="%s">%s</Amt><CdtDbtInd>%s</CdtDbtInd><RvslInd>false</RvslInd>%s'
           % (txs[0].get("ccy", "CNY"), yuan(fen), "CRDT" if credit else "DBIT", sts),
           "<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt>" % (date, date)]
    if entry_ref:
        out.append("<AcctSvcrRef>%s</AcctSvcrRef>" % escape(entry_ref))
    out.append("<BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd><NtryDtls>")
    if batch:
        out.append("<Btch><NbOfTxs>%d</NbOfTxs></Btch>" % len(txs))
    out.extend(tx_xml(version, t, batch) for t in txs)
    out.append("</NtryDtls></Ntry>\n")
    return "".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--account", required=True)
    p.add_argument("--message", default="053", choices=sorted(MESSAGES))
    p.add_argument("--version", type=int, default=8, help="the namespace's version, 2 to 13 (default 8)")
    p.add_argument("--date", default=time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600)),
                   help="the booking date, YYYY-MM-DD (default: today in China, UTC+8)")
    p.add_argument("--credit", action="append", default=[], help="FEN:REMITTANCE:DEBTOR[:ACCTSVCRREF]")
    p.add_argument("--debit", action="append", default=[], help="FEN:REMITTANCE")
    p.add_argument("--batch", action="store_true", help="all --credit transactions in one entry")
    p.add_argument("--random", type=int, default=0, help="add N generated credits")
    p.add_argument("--orders", default="", help="NO:FEN,... that --random pays now and then")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--opening", type=int, help="the opening balance in fen (Bal OPBD); a closing one (CLBD) follows")
    p.add_argument("--closing", type=int, help="the closing balance in fen, when it should not add up")
    p.add_argument("-o", "--output")
    a = p.parse_args()

    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    message, statement = MESSAGES[a.message]
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.%s.001.%02d" % (a.message, a.version)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="%s">\n<%s>' % (ns, message))
    out.write("<GrpHdr><MsgId>GEN%d</MsgId><CreDtTm>%sT18:00:00+08:00</CreDtTm></GrpHdr>\n" % (a.seed, a.date))
    out.write("<%s><Id>GEN-%s</Id><CreDtTm>%sT18:00:00+08:00</CreDtTm>" % (statement, a.date, a.date))
    out.write("<Acct><Id><Othr><Id>%s</Id></Othr></Id><Ccy>CNY</Ccy></Acct>\n" % escape(a.account))

    credits = []
    for spec in a.credit:
        f = spec.split(":")
        if len(f) < 3:
            p.error("--credit wants FEN:REMITTANCE:DEBTOR[:REF], got %r" % spec)
        credits.append({"fen": int(f[0]), "text": f[1], "debtor": f[2], "ref": f[3] if len(f) > 3 else ""})
    if a.opening is not None:
        if a.random:
            p.error("--opening does not go with --random")
        closing = a.closing if a.closing is not None else \
            a.opening + sum(c["fen"] for c in credits) - sum(int(d.split(":")[0]) for d in a.debit)
        for code, fen in (("OPBD", a.opening), ("CLBD", closing)):
            out.write('<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">%s</Amt><CdtDbtInd>%s</CdtDbtInd>'
                      "<Dt><Dt>%s</Dt></Dt></Bal>\n" % (code, yuan(abs(fen)), "CRDT" if fen >= 0 else "DBIT", a.date))
    if a.batch and credits:
        out.write(entry_xml(a.version, credits, a.date, "BATCH-%d" % a.seed, True))
    else:
        for c in credits:
            out.write(entry_xml(a.version, [c], a.date, "", False))
    for spec in a.debit:
        f = spec.split(":")
        out.write(entry_xml(a.version, [{"fen": int(f[0]), "text": f[1] if len(f) > 1 else "", "credit": False}],
                            a.date, "", False))
    rnd = random.Random(a.seed)
    orders = [(o.split(":")[0], int(o.split(":")[1])) for o in a.orders.split(",") if o]
    for i in range(a.random):
        if orders and rnd.random() < 0.25:
            no, fen = rnd.choice(orders)
            t = {"fen": fen, "text": "证书续期 订单号%s" % no, "debtor": "测试企业%d" % (i % 97)}
        else:
            t = {"fen": rnd.randint(100, 5000000), "text": "货款 第%d笔" % i, "debtor": "某某公司%d" % (i % 89)}
        t["ref"] = "GEN%d-%08d" % (a.seed, i)
        out.write(entry_xml(a.version, [t], a.date, "", False))
    out.write("</%s>\n</%s>\n</Document>\n" % (statement, message))
    if a.output:
        out.close()


if __name__ == "__main__":
    main()
