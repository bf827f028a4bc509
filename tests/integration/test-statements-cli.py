"""Bank statements through the command line (SPEC 7): credits matched to orders by their number and
booked once; partial payments adding up across statements; second payments, typos and strangers left
for finance; re-imports, overlapping statements and two imports at once booking nothing twice; a
refused file booking nothing; --dry-run writing nothing."""
import subprocess

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
o1 = approved_order(cust, rev, seed=41)
o2 = approved_order(cust, rev, seed=42, years=2)
o3 = approved_order(cust, rev, seed=43)
o4 = approved_order(cust, rev, seed=44)
n1, n2, n3, n4 = o1["order_no"], o2["order_no"], o3["order_no"], o4["order_no"]
ok(o1["amount_fen"] == 20000 and o2["amount_fen"] == 40000, "four orders await payment", [n1, n2, n3, n4])
tag = str(int(time.time()))


def order(no):
    return cust.json("GET", "/api/v1/orders/%s" % no)[1]


def counts(r):
    return {k: r[k] for k in ("matched", "partial", "overpaid", "needs_review", "unmatched", "duplicate", "ignored")}


# Statement A: one exact payment (the number written with a space), one partial, a stranger, a debit.
a = statement((20000, "证书续期 订单号 %s %s" % (n1[:4], n1[4:]), "我是测试企业", "A1-" + tag),
              (15000, "订单%s 第一笔" % n2, "我是测试企业", "A2-" + tag),
              (12345, "货款", "路人甲公司", "A3-" + tag), debits=[(500, "手续费")])
rc, out, err = import_statement(a)
r = out[0] if out else {}
ok(rc == 0 and r.get("entries") == 4 and r.get("credits") == 3, "statement A is imported: 4 entries, 3 credits", (rc, out, err))
ok(counts(r) == {"matched": 1, "partial": 1, "overpaid": 0, "needs_review": 0, "unmatched": 1, "duplicate": 0, "ignored": 1},
   "every transaction counted once: matched, partial, unmatched, ignored (the debit)", r)
ok(len(r.get("file_sha256", "")) == 64 and r.get("skipped") is False, "with the file's SHA-256", r)
p1, p2 = order(n1), order(n2)
ok(p1["status"] == "paid" and p1["paid_fen"] == 20000 and p1["status_label"] == "已付款", "order 1 is 已付款", p1)
ok(p2["status"] == "partially_paid" and p2["paid_fen"] == 15000, "order 2 is 部分付款 with 150.00 paid", p2)
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any(n1 in m["title"] and "已付款" in m["title"] for m in msgs["items"]), "the customer's messages say 已付款")

# The same file again: skipped, nothing booked twice.
rc, out, err = import_statement(a)
ok(rc == 0 and out and out[0]["skipped"] is True and out[0]["matched"] == 0, "the same file again is skipped", out)
ok(order(n1)["paid_fen"] == 20000, "and books nothing twice")

# Statement B overlaps A (A1 again) and brings the rest of order 2 and a second payment of order 1.
b = statement((20000, "证书续期 订单号 %s %s" % (n1[:4], n1[4:]), "我是测试企业", "A1-" + tag),
              (25000, "订单%s 第二笔" % n2, "我是测试企业", "B2-" + tag),
              (20000, "再付一次 %s" % n1, "我是测试企业", "B3-" + tag))
rc, out, err = import_statement(b)
r = out[0] if out else {}
ok(rc == 0 and r.get("duplicate") == 1 and r.get("matched") == 1 and r.get("needs_review") == 1,
   "an overlapping statement: the credit seen before is a duplicate, the rest is booked", r)
p1, p2 = order(n1), order(n2)
ok(p2["status"] == "paid" and p2["paid_fen"] == 40000, "partial payments add up across statements: order 2 is 已付款", p2)
ok(p1["paid_fen"] == 20000, "a second payment does not touch the paid order", p1)
row = sql("SELECT c.status, o.order_no, c.reason FROM credits c LEFT JOIN orders o ON o.id = c.suggested_order_id"
          " WHERE c.acct_svcr_ref = 'B3-%s'" % tag)
ok(row and row[0][0] == "needs_review" and row[0][1] == n1 and "重复" in row[0][2],
   "it waits for finance, the order suggested", row)

# A typo in the number (two neighbouring digits swapped), and a payer without a number.
typo = n3[:6] + n3[7] + n3[6] if n3[6] != n3[7] else n3[:7] + str((int(n3[7]) + 1) % 10)
c = statement((20000, "订单号%s" % typo, "我是测试企业", "C1-" + tag), (20000, "续费", "我是测试企业", "C2-" + tag))
rc, out, err = import_statement(c)
r = out[0] if out else {}
ok(rc == 0 and r.get("matched") == 0 and r.get("needs_review", 0) + r.get("unmatched", 0) == 2,
   "a typo and a payer without a number are never booked on a guess", r)
ok(order(n3)["paid_fen"] == 0, "order 3 stays unpaid")
# A typo one slip from the only open order of its amount: that order is offered (looked up by key, schema 023).
o8 = approved_order(cust, rev, seed=48)
n8 = o8["order_no"]
sql("UPDATE orders SET amount_fen = 20013 WHERE order_no = '%s'" % n8)  # no other open order costs this
i8 = max(i for i in range(7) if n8[i] != n8[i + 1])  # two neighbouring digits swapped: never a valid number
typo8 = n8[:i8] + n8[i8 + 1] + n8[i8] + n8[i8 + 2:]
rc, out, err = import_statement(statement((20013, "订单号%s" % typo8, "我是测试企业", "T1-" + tag)))
row = sql("SELECT c.status, o.order_no FROM credits c LEFT JOIN orders o ON o.id = c.suggested_order_id"
          " WHERE c.acct_svcr_ref = 'T1-%s'" % tag)
ok(row and row[0] == ["needs_review", n8], "a typo one slip from the only open order of its amount: that order is"
   " offered", (typo8, n8, row))
ok(order(n8)["paid_fen"] == 0, "and not paid on a guess")

# Suggestions come from indexed look-ups (schema 023), not from open orders loaded into memory: a payer with
# one open order of the amount is found however the bank wrote the name (spaces, full-width letters, case).
o7 = approved_order(cust, rev, seed=47)
payer = "测试付款人Ab%s有限公司" % tag
sql("UPDATE orders SET payer_name = '%s' WHERE order_no = '%s'" % (payer, o7["order_no"]))
wide = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in payer.upper())
c = statement((o7["amount_fen"], "续费", "测试 付款人　" + wide[5:], "P1-" + tag),
              (o7["amount_fen"] + 1, "续费", payer, "P2-" + tag))
rc, out, err = import_statement(c)
rows = dict((r[0], r[1:]) for r in sql("SELECT c.acct_svcr_ref, c.status, IFNULL(o.order_no, '') FROM credits c"
                                       " LEFT JOIN orders o ON o.id = c.suggested_order_id"
                                       " WHERE c.acct_svcr_ref IN ('P1-%s', 'P2-%s')" % (tag, tag)))
ok(rows.get("P1-" + tag) == ["needs_review", o7["order_no"]],
   "a credit without a number, from the one payer with an open order of its amount: that order is offered", rows)
ok(rows.get("P2-" + tag) == ["unmatched", ""], "the same payer with another amount: nothing is offered", rows)
ok(order(o7["order_no"])["paid_fen"] == 0, "and nothing is booked on a guess")

# A batch booking: one entry of two transactions pays orders 3 and 4.
d = statement((20000, "批量 %s" % n3, "我是测试企业", "D1-" + tag), (20000, "批量 %s" % n4, "我是测试企业", "D2-" + tag),
              batch=True, version=2)
rc, out, err = import_statement(d)
r = out[0] if out else {}
ok(rc == 0 and r.get("entries") == 1 and r.get("credits") == 2 and r.get("matched") == 2,
   "a batch booking is split: two credits, two orders paid", r)
ok(order(n3)["status"] == "paid" and order(n4)["status"] == "paid", "orders 3 and 4 are 已付款")

# Credits without AcctSvcrRef: two identical payments on one day are two payments; a re-export of them is not.
o5 = approved_order(cust, rev, seed=45)
o6 = approved_order(cust, rev, seed=46)
e = statement((10000, "两笔 %s" % o5["order_no"], "我是测试企业"), (10000, "两笔 %s" % o5["order_no"], "我是测试企业"),
              seed=1)
rc, out, err = import_statement(e)
ok(rc == 0 and out and out[0]["partial"] == 1 and out[0]["matched"] == 1, "two identical credits are two payments", out)
e2 = statement((10000, "两笔 %s" % o5["order_no"], "我是测试企业"), (10000, "两笔 %s" % o5["order_no"], "我是测试企业"),
               seed=2)
rc, out, err = import_statement(e2)
ok(rc == 0 and out and out[0]["duplicate"] == 2 and not out[0]["skipped"],
   "the same two in another file (another SHA-256) are duplicates", out)
ok(order(o5["order_no"])["paid_fen"] == 20000, "order 5 is paid exactly once")

# --dry-run reads, matches and counts, and writes nothing.
f = statement((20000, o6["order_no"], "我是测试企业", "F1-" + tag))
before = sql("SELECT COUNT(*) FROM statements")[0][0]
rc, out, err = import_statement(f, dry_run=True)
ok(rc == 0 and out and out[0]["matched"] == 1 and out[0].get("dry_run") is True, "a dry run counts the match", out)
ok(order(o6["order_no"])["paid_fen"] == 0 and sql("SELECT COUNT(*) FROM statements")[0][0] == before,
   "and writes nothing")

# A refused file: non-zero exit, the file and line named, nothing booked.
bad = statement((20000, o6["order_no"], "我是测试企业", "G1-" + tag), (100, "x", "y", "G2-" + tag))
text = open(bad, encoding="utf-8").read().replace('<Amt Ccy="CNY">1.00</Amt>', '<Amt Ccy="CNY">1.00e0</Amt>')
open(bad, "w", encoding="utf-8").write(text)
rc, out, err = import_statement(bad)
ok(rc != 0 and bad in err and "line" in err and "行" in err, "a bad amount refuses the file, naming it and the line", err)
ok(order(o6["order_no"])["paid_fen"] == 0, "nothing of the refused file is booked, not even the good credit before it")
row = sql("SELECT status, error FROM statements WHERE file_name = '%s'" % os.path.basename(bad))
ok(row and row[0][0] == "failed" and "金额" in row[0][1], "the import is recorded as failed with its reason", row)

# Two imports of one new file at the same moment: one books, the other skips or finds duplicates.
g = statement((20000, o6["order_no"], "我是测试企业", "H1-" + tag))
cmd = [os.path.join(BUILD, "certrenewctl"), "-c", CONF, "import-statement", g]
procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
results = [p.communicate(timeout=120) for p in procs]
ok(all(p.returncode == 0 for p in procs), "both imports end well", results)
ok(order(o6["order_no"])["paid_fen"] == 20000, "the order is paid once")
ok(sql("SELECT COUNT(*) FROM credits WHERE acct_svcr_ref = 'H1-%s'" % tag)[0][0] == "1", "the credit is booked once")

# A credit of 999,999,999,999,999.99 yuan naming an open order: never booked on its own (bank.max_credit_fen).
o7 = approved_order(cust, rev, seed=127)
huge = statement((99999999999999999, "订单%s" % o7["order_no"], "我是测试企业", "HUGE-" + tag))
rc, res, err = import_statement(huge)
row = sql("SELECT status, suggested_order_id IS NOT NULL, reason FROM credits WHERE acct_svcr_ref = 'HUGE-%s'" % tag)
ok(rc == 0 and res[0]["needs_review"] == 1 and res[0]["matched"] == 0 and row and row[0][0] == "needs_review"
   and row[0][1] == "1" and "金额超过" in row[0][2], "a huge credit waits for finance with the order it names suggested",
   (res, row, err))
ok(order(o7["order_no"])["status"] == "awaiting_payment" and order(o7["order_no"])["paid_fen"] == 0,
   "and the order is not paid by it", order(o7["order_no"]))

p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies after all of it", p.stdout + p.stderr)
done()
