"""支付宝 (SPEC 8, issue 10) through contrib/paysim: the order page's request is RSA2-signed and accepted by the
simulated gateway, paying there sends a signed notification that books the order once (已付款, the issue job
queued), the return leads back to the order.  Refused with nothing booked: a tampered field, a signature by
another key, a wrong amount, another app_id, an unknown order, malformed bodies.  Resent notifications book
once and still answer success; GBK notifications verify on their raw bytes; a payment for an order paid
meanwhile by bank is kept as unapplied for finance; statuses that mean nothing is paid book nothing."""
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
gateway = conf_value("alipay", "gateway")
if not gateway:
    bail("[alipay] is not configured (contrib/dev.sh up configures contrib/paysim)")
SIM = [sys.executable, os.path.join(TOP, "contrib", "paysim"), "--dir", os.path.join(TOP, "run", "paysim")]
NOTIFY = BASE + "/api/v1/pay/alipay/notify"
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 10


def order(n):
    o = approved_order(cust, rev, seed=seed + n)
    st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "alipay", "device": "desktop"})
    assert st == 200, r
    return o, r


def notify(*sets, charset="utf-8", key=None, tamper=None):
    args = SIM + ["notify", "--url", NOTIFY, "--charset", charset]
    for s in sets:
        args += ["--set", s]
    if key:
        args += ["--key", key]
    if tamper:
        args += ["--tamper", tamper]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr}


def state(no):
    o = cust.json("GET", "/api/v1/orders/%s" % no)[1]
    n = sql("SELECT COUNT(*) FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'" % no)
    return o["status"], o["paid_fen"], int(n[0][0])


# The whole way through the simulator.
o, r = order(1)
url = r["redirect_url"]
q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
biz = json.loads(q["biz_content"])
ok(url.startswith(gateway) and q["method"] == "alipay.trade.page.pay" and q["sign_type"] == "RSA2" and
   biz["out_trade_no"] == o["order_no"] and biz["total_amount"] == "%.2f" % (o["amount_fen"] / 100) and
   re.fullmatch(r"\d+m", biz["timeout_express"]) and q["notify_url"] == BASE + "/api/v1/pay/alipay/notify",
   "POST …/pay answers the signed page-pay request for the order's amount", q)
page = urllib.request.urlopen(url, timeout=30).read().decode()
ok("确认支付" in page and o["order_no"] in page, "the simulated gateway accepts our signature and shows its cashier")
bad = url.replace("total_amount%22%3A%22", "total_amount%22%3A%221")
try:
    urllib.request.urlopen(bad, timeout=30)
    refused = False
except urllib.error.HTTPError as e:
    refused = e.code == 400 and "invalid-signature" in e.read().decode()
ok(refused, "and refuses the request once changed (invalid-signature)")
token = re.search(r"name=t value=([\w-]+)", page).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


try:
    urllib.request.build_opener(NoRedirect).open(urllib.request.Request(
        gateway.replace("gateway.do", "pay"), data=urllib.parse.urlencode({"t": token}).encode()), timeout=30)
    back = ""
except urllib.error.HTTPError as e:
    back = e.headers.get("Location", "")
ok(back.startswith(BASE + "/api/v1/pay/alipay/return?"), "paying returns the browser to our return URL", back)
st, _, hd = cust.raw("GET", back[len(BASE):], headers={})
ok(wait_for(lambda: state(o["order_no"])[0] == "paid", 15), "the notification marks the order 已付款", state(o["order_no"]))
ok(state(o["order_no"])[1:] == (o["amount_fen"], 1), "booked once, for the whole amount", state(o["order_no"]))
jobs = sql("SELECT COUNT(*) FROM jobs j JOIN orders o ON o.order_no = '%s' WHERE j.kind = 'issue_paid'"
           " AND (j.created_at >= o.paid_at - INTERVAL 1 SECOND OR j.status = 'queued')" % o["order_no"])
ok(int(jobs[0][0]) >= 1, "an issue run is queued", jobs)
row = sql("SELECT p.trade_no, p.payer, p.source, a.returned_at IS NOT NULL FROM online_payments p"
          " JOIN orders o ON o.id = p.order_id JOIN pay_attempts a ON a.order_id = o.id WHERE o.order_no = '%s'"
          % o["order_no"])[0]
ok(row[1] == "159****5620" and row[2] == "notify" and row[3] == "1", "the payer and the return are recorded", row)
audit = sql("SELECT after_state FROM audit_log WHERE action = 'order.paid' AND object_id = '%s'" % o["order_no"])
ok(audit and "online_payment_id" in audit[0][0], "audited as paid by an online payment", audit)
trade = row[0]

# The provider resends: booked once, still success.
for i in range(3):
    a = notify("out_trade_no=" + o["order_no"], "total_amount=%.2f" % (o["amount_fen"] / 100), "trade_no=" + trade)
    ok(a.get("answer") == "success", "resend %d answers success" % (i + 1), a)
ok(state(o["order_no"])[1:] == (o["amount_fen"], 1), "and books nothing more", state(o["order_no"]))

# Refusals: nothing booked.
o2, _ = order(2)
amount = "total_amount=%.2f" % (o2["amount_fen"] / 100)
other = os.path.join(tempfile.mkdtemp(), "other.key")
subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", other],
               check=True, capture_output=True)
for name, a in [
    ("a tampered amount", notify("out_trade_no=" + o2["order_no"], amount, tamper="total_amount=0.01")),
    ("a tampered order number", notify("out_trade_no=" + o2["order_no"], amount, tamper="out_trade_no=" + o["order_no"])),
    ("a signature by another key", notify("out_trade_no=" + o2["order_no"], amount, key=other)),
    ("a wrong amount, signed", notify("out_trade_no=" + o2["order_no"], "total_amount=1.00")),
    ("another app_id, signed", notify("out_trade_no=" + o2["order_no"], amount, "app_id=2021000000009999")),
    ("another seller_id, signed", notify("out_trade_no=" + o2["order_no"], amount, "seller_id=2088000000009999")),
    ("an unknown order", notify("out_trade_no=99999999", amount)),
    ("no signature", notify("out_trade_no=" + o2["order_no"], amount, tamper="sign=")),
]:
    ok(a.get("status") == 400 and a.get("answer") == "failure", "%s is refused" % name, a)
ok(state(o2["order_no"]) == ("awaiting_payment", 0, 0), "nothing was booked", state(o2["order_no"]))
for body in (b"a=%zz&sign=x", b"sign=" + b"A" * 70000, b"\x00\x01", b""):
    st, b, _ = Client().raw("POST", "/api/v1/pay/alipay/notify", body, ctype="application/x-www-form-urlencoded")
    ok(st in (400, 413) and b in (b"failure",) or st == 413, "a malformed body is refused (%d bytes)" % len(body), (st, b[:60]))
a = notify("out_trade_no=" + o2["order_no"], amount, "trade_status=WAIT_BUYER_PAY")
ok(a.get("answer") == "success" and state(o2["order_no"])[2] == 0, "WAIT_BUYER_PAY is acknowledged, nothing booked", a)

# GBK: verified on the raw bytes, the payer transcoded.
a = notify("out_trade_no=" + o2["order_no"], amount, "buyer_logon_id=张三的支付宝", "subject=数字证书更新（GBK）",
           charset="gbk")
ok(a.get("answer") == "success" and state(o2["order_no"])[:2] == ("paid", o2["amount_fen"]), "a GBK notification books", a)
payer = sql("SELECT payer FROM online_payments WHERE trade_no = '%s'" % a["trade_no"])[0][0]
ok(payer == "张三的支付宝", "its payer stored as UTF-8", payer)

# Paid by bank meanwhile: the online money is kept for finance, the provider told success.
o3, _ = order(3)
path = statement((o3["amount_fen"], "订单%s" % o3["order_no"], "我是测试企业", "ALI-%s" % o3["order_no"]))
rc, res, _ = import_statement(path)
ok(rc == 0 and res[0]["matched"] == 1, "a third order is paid by bank first")
a = notify("out_trade_no=" + o3["order_no"], "total_amount=%.2f" % (o3["amount_fen"] / 100))
kept = sql("SELECT status, reason FROM online_payments WHERE trade_no = '%s'" % a.get("trade_no"))
ok(a.get("answer") == "success" and kept and kept[0][0] == "unapplied" and
   cust.json("GET", "/api/v1/orders/%s" % o3["order_no"])[1]["paid_fen"] == o3["amount_fen"],
   "then paid online: success, the money kept as unapplied, the order not paid twice", (a, kept))

# The notification lost: certrenewd asks Alipay (alipay.trade.query) after the customer's return.
o5, r5 = order(5)
page = urllib.request.urlopen(r5["redirect_url"], timeout=30).read().decode()
token = re.search(r"name=t value=([\w-]+)", page).group(1)
try:
    urllib.request.build_opener(NoRedirect).open(urllib.request.Request(
        gateway.replace("gateway.do", "pay"), data=urllib.parse.urlencode({"t": token, "lose": "1"}).encode()),
        timeout=30)
    back = ""
except urllib.error.HTTPError as e:
    back = e.headers.get("Location", "")
cust.raw("GET", back[len(BASE):])
t0 = time.time()
ok(wait_for(lambda: state(o5["order_no"])[0] == "paid", 60), "a lost notification: the active query books the payment",
   state(o5["order_no"]))
src = sql("SELECT p.source FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'"
          % o5["order_no"])
ok(src == [["query"]], "found by the query (%.0f s after the return; pay.query_after = %s)"
   % (time.time() - t0, conf_value("pay", "query_after")), src)

# What the order page may ask.
st, b = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "alipay"})
ok(st == 409, "a paid order opens no trade", b)
o4 = approved_order(cust, rev, seed=seed + 4)
st, b = cust.json("GET", "/api/v1/settings")
ok(b.get("pay_methods") == ["alipay", "wechat"], "the pages learn which methods are configured", b.get("pay_methods"))
st, b = cust.json("POST", "/api/v1/orders/%s/pay" % o4["order_no"], {"method": "bitcoin"})
ok(st == 422 and error_of(b).get("field") == "method", "an unknown method is refused", b)
other_c = Client(); other_c.login("zhangsan")
st, b = other_c.json("POST", "/api/v1/orders/%s/pay" % o4["order_no"], {"method": "alipay"})
ok(st == 404, "another account's order is not found", b)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
done()
