"""Every surplus refundable, and a paid order cancelled with its money given back (issue 19).

A bank credit's surplus, or a transfer no order claims, is refunded by a transfer finance makes by hand: finance
records it with the bank's reference and day, the credit is then 已退款, audited, the customer of its order told,
and the daily report counts it; nothing is refunded twice.  A paid order whose certificate is not yet issued is
cancelled by finance with all its money given back: its issue job is withdrawn (a request the key submits later
issues nothing), the online part refunded through its provider at once, the bank part owed back by hand, the
order 已撤单退款, the customer told; after issue the answer says why not.  Ends with the ledger check."""
import os
import re
import subprocess
import tempfile
import urllib.parse
import urllib.request

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
if not conf_value("alipay", "app_id"):
    bail("the payment providers are not configured (contrib/dev.sh up configures contrib/paysim)")
sim_base = conf_value("alipay", "gateway").split("/alipay/")[0]
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
fin = Client(); fin.login("finance")
seed = int(time.time()) % 100000 * 10 + 7
today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
tmp = tempfile.mkdtemp(prefix="cr-refund-")


def credit_of(ref):
    rows = sql("SELECT id FROM credits WHERE acct_svcr_ref = '%s'" % ref)
    return int(rows[0][0]) if rows else 0


def status_of(cid):
    return sql("SELECT status, surplus_fen FROM credits WHERE id = %d" % cid)[0]


def messages_about(no):
    return [m for m in cust.json("GET", "/api/v1/messages")[1]["items"] if no in m["title"]]


def report_today():
    st, rep = fin.json("GET", "/api/v1/reports/daily?from=%s&to=%s" % (today, today))
    return rep["items"][0] if st == 200 and rep.get("items") else {}


# An overpaid bank credit: the surplus refunded by hand, recorded with its reference.
o = approved_order(cust, rev, seed=seed)
ref = "HAND-%s" % o["order_no"]
rc, res, _ = import_statement(statement((o["amount_fen"] + 3000, "订单%s" % o["order_no"], "我是测试企业", ref)))
cid = credit_of(ref)
ok(rc == 0 and res[0]["overpaid"] == 1 and status_of(cid) == ["overpaid", "3000"],
   "a transfer 30.00 over the price: overpaid by 3000 fen", (res, status_of(cid) if cid else None))
before = report_today()
st, b = cust.json("POST", "/api/v1/payments/%d/refund" % cid, {"reference": "X"})
ok(st == 403, "a customer cannot record a refund", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid, {})
ok(st == 400 and error_of(b).get("field") == "reference", "the bank's reference of the transfer is required", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid, {"reference": "TR-1", "made_on": "2099-01-01"})
ok(st == 400 and error_of(b).get("field") == "made_on" and "今天" in error_of(b).get("message", ""),
   "a refund made in the future is refused", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid, {"reference": "TR-1", "made_on": "2026-13-01"})
ok(st == 400 and error_of(b).get("field") == "made_on", "a day that is not a date is refused", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid, {"reference": "TR-1", "made_on": "2026-02-29"})
ok(st == 400 and error_of(b).get("field") == "made_on", "nor is a day the calendar does not have (not a 5xx)", b)
st, b = fin.json("GET", "/api/v1/reports/daily?from=2026-02-30")
ok(st == 400 and error_of(b).get("field") == "from", "the daily report refuses one too", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid,
                 {"reference": "TR-%s" % o["order_no"], "reason": "多付退还"})
ok(st == 200 and b.get("status") == "refunded" and b.get("status_label") == "已退款" and b.get("surplus_fen") == 3000,
   "recorded: the credit is 已退款 for its 30.00 surplus", b)
rows = sql("SELECT amount_fen, status, provider_ref, made_on FROM refunds WHERE credit_id = %d" % cid)
ok(rows == [["3000", "succeeded", "TR-%s" % o["order_no"], today]], "one refund row, with the reference and the day",
   rows)
ok(cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["paid_fen"] == o["amount_fen"], "the order keeps its price")
told = [m for m in messages_about(o["order_no"]) if "退款" in m["title"] and "30.00" in m["title"]]
ok(told and "银行转账" in told[0].get("body", "") and "TR-%s" % o["order_no"] in told[0].get("body", ""),
   "the customer is told: amount, channel, reference", [m["title"] for m in messages_about(o["order_no"])])
audit = sql("SELECT action FROM audit_log WHERE object_type = 'credit' AND object_id = '%d' ORDER BY id" % cid)
ok(["credit.refunded"] == [a[0] for a in audit if a[0] == "credit.refunded"], "audited once", audit)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid, {"reference": "TR-again"})
ok(st == 409 and "没有待退还" in error_of(b).get("message", ""), "a second record of the same refund is refused", b)
after = report_today()
ok(after.get("refunded_fen", 0) - before.get("refunded_fen", 0) == 3000 and
   before.get("refund_fen", 0) - after.get("refund_fen", 0) == 3000,
   "the daily report moves the 30.00 from 应退款 to 已退款", (before, after))
st, lst = fin.json("GET", "/api/v1/payments?status=refunded")
ok(st == 200 and any(c["id"] == cid for c in lst["items"]), "finance finds it under 已退款")

# A transfer that names no order: refunded whole.
ref2 = "NOBODY-%d" % seed
rc, res, _ = import_statement(statement((12345, "货款", "某某无关公司", ref2)))
cid2 = credit_of(ref2)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid2, {"reference": "TR-NOBODY-%d" % seed, "made_on": today})
ok(st == 200 and b.get("status") == "refunded" and b.get("surplus_fen") == 12345,
   "an unmatched transfer is refunded whole (123.45)", b)

# A paid order, not issued yet (its key has not sent a request), cancelled with all its money given back:
# 50.00 came by bank, the rest through Alipay.
o = approved_order(cust, rev, seed=seed + 1)
st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "alipay"})
ref3 = "PART-%s" % o["order_no"]
rc, res, _ = import_statement(statement((5000, "订单%s" % o["order_no"], "我是测试企业", ref3)))
ok(st == 200 and rc == 0 and res[0]["partial"] == 1, "50.00 by bank", res)
page = urllib.request.urlopen(r["redirect_url"], timeout=30).read().decode()
t = re.search(r"name=t value=([\w-]+)", page).group(1)
try:
    urllib.request.urlopen(urllib.request.Request(sim_base + "/alipay/pay", data=urllib.parse.urlencode({"t": t}).encode()),
                           timeout=30)
except urllib.error.HTTPError:
    pass
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "paid", 20),
   "the rest through Alipay: paid")
order_id = int(sql("SELECT id FROM orders WHERE order_no = '%s'" % o["order_no"])[0][0])
# The issue job of a paid order whose key sent no request yet: queue one as payment does.
waiting = int(sql("INSERT INTO jobs (kind, payload, status, run_after, created_at, updated_at) VALUES ('issue_order',"
                  " '{\"order_id\":%d}', 'queued', UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, UTC_TIMESTAMP(6),"
                  " UTC_TIMESTAMP(6)); SELECT LAST_INSERT_ID()" % order_id)[-1][0])
st, b = cust.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": "客户不再需要"})
ok(st == 403, "a customer cannot cancel with a refund", b)
st, b = fin.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": ""})
ok(st == 400 and error_of(b).get("field") == "reason", "a reason is required", b)
st, b = fin.json("POST", "/api/v1/orders/00000000/refund", {"reason": "不存在"})
ok(st == 404, "an unknown order is not found", b)
# The trade was opened for the whole price before the bank's 50.00 came: the order took what it owed of it and
# its surplus was flagged; now no order takes any of it, so all of it goes back.
online = o["amount_fen"]
st, b = fin.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": "客户不再需要"})
ok(st == 200 and b.get("status") == "refunded" and b.get("paid_fen") == o["amount_fen"] and
   b.get("bank_refund_due_fen") == 5000 and b.get("online_fen") == online and
   [x.get("status") for x in b.get("online_refunds", [])] == ["succeeded"],
   "cancelled: %d fen back through Alipay now, 5000 fen owed back by bank" % online, b)
trades = json.loads(urllib.request.urlopen(sim_base + "/paysim/trades", timeout=30).read())
sent = sum(sum(t.get("refunds", {}).values()) for t in trades if t["out_trade_no"] == o["order_no"])
ok(sent == o["amount_fen"] and [x.get("amount_fen") for x in b.get("online_refunds", [])] == [o["amount_fen"]],
   "the provider refunded the whole online payment, its earlier surplus included (%d fen)" % sent)
now = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]
ok(now["status"] == "refunded" and now["status_label"] == "已撤单退款" and now["paid_fen"] == 0,
   "the order is 已撤单退款 and holds nothing", now)
jobs = sql("SELECT status, last_error FROM jobs WHERE id = %d" % waiting)
ok(jobs and jobs[0][0] == "done" and "withdrawn" in (jobs[0][1] or ""), "its waiting issue job is withdrawn", jobs)
cid3 = credit_of(ref3)
ok(status_of(cid3) == ["overpaid", "5000"], "the bank part is now owed back: the credit overpaid by 5000",
   status_of(cid3))
told = [m for m in messages_about(o["order_no"]) if "撤销" in m["title"]]
ok(told and "原路退回" in told[0].get("body", "") and "由财务转回" in told[0].get("body", ""),
   "the customer is told how each part comes back", [m["title"] for m in messages_about(o["order_no"])])
st, b = fin.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": "再撤一次"})
ok(st == 409 and "已撤单退款" in error_of(b).get("message", ""), "a second cancellation is refused", b)
st, b = fin.json("POST", "/api/v1/payments/%d/refund" % cid3, {"reference": "TR-%s" % o["order_no"]})
ok(st == 200 and b.get("status") == "refunded", "finance records the bank part's transfer", b)
# A request the key sends now issues nothing: the order is no longer paid.
main = o["certificates"][0]
key = os.path.join(tmp, "k.key")
req = os.path.join(tmp, "k.csr")
subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-subj", "/CN=x", "-out", req],
               check=True, capture_output=True)
st, late, _ = cust.raw("POST", "/api/v1/certificates/%d/csr" % main["id"], open(req, "rb").read(),
                       ctype="application/pkcs10")
ok(st == 409 and "撤单退款" in late.decode(), "a request the key sends after the cancellation is refused, saying why",
   late[:300])
time.sleep(2)
ok(sql("SELECT status FROM certificates WHERE id = %d" % main["id"])[0][0] == "awaiting_csr",
   "a request sent after the cancellation issues nothing")
renewed = sql("SELECT certificate_id, closed FROM applications WHERE id = %d" % o["application_id"])[0]
ok(renewed[1] == "1", "the renewed certificate is free for a new application", renewed)

# After issue: the answer says why not.
o = approved_order(cust, rev, seed=seed + 2)
main = o["certificates"][0]
st, _, _ = cust.raw("POST", "/api/v1/certificates/%d/csr" % main["id"], open(req, "rb").read(),
                    ctype="application/pkcs10")
rc, res, _ = import_statement(statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "ISS-%s" % o["order_no"])))
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "completed", 20),
   "an order paid and issued")
st, b = fin.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": "客户要求退款"})
ok(st == 409 and "已签发" in error_of(b).get("message", "") and "吊销" in error_of(b).get("message", ""),
   "after issue: refused, saying the certificate was issued and would have to be revoked", b)
ok(cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["paid_fen"] == o["amount_fen"], "nothing changed")

# An unpaid order holds no money to give back.
o = approved_order(cust, rev, seed=seed + 3)
st, b = fin.json("POST", "/api/v1/orders/%s/refund" % o["order_no"], {"reason": "客户要求"})
ok(st == 409 and "等待付款" in error_of(b).get("message", ""), "an unpaid order: nothing to refund", b)

p = ctl("ledger", "check")
ok(p.returncode == 0, "certrenewctl ledger check finds nothing", p.stdout[-2000:])
done()
