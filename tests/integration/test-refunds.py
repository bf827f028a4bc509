"""Refunds of online payments (issue 10): an order paid by bank while the customer was paying online gets the
online money too; it is kept as unapplied, listed for finance, and refunded through its provider (Alipay
alipay.trade.refund, WeChat Pay /v3/refund/domestic/refunds, both played by contrib/paysim) in part and then
in full, audited; nothing is refunded beyond what was paid; customers cannot refund; a booked payment is not
refunded this way; a reason is required.  An order that expires closes its open trades with both providers."""
import os
import re
import sys
import urllib.parse
import urllib.request

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
if not conf_value("alipay", "app_id") or not conf_value("wechat", "mchid"):
    bail("the payment providers are not configured (contrib/dev.sh up configures contrib/paysim)")
gateway = conf_value("alipay", "gateway")
sim_base = gateway.split("/alipay/")[0]
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
fin = Client(); fin.login("finance")
seed = int(time.time()) % 100000 * 10 + 3


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def pay_on_cashier(redirect_url):
    """Pays on the simulated Alipay cashier page a trade was opened with (its return is not followed)."""
    page = urllib.request.urlopen(redirect_url, timeout=30).read().decode()
    t = re.search(r"name=t value=([\w-]+)", page).group(1)
    try:
        urllib.request.build_opener(NoRedirect).open(urllib.request.Request(
            sim_base + "/alipay/pay", data=urllib.parse.urlencode({"t": t}).encode()), timeout=30)
    except urllib.error.HTTPError:
        pass


def paid_twice(n, method):
    """An order the bank pays while the customer pays online too; returns (order, online payment id)."""
    o = approved_order(cust, rev, seed=seed + n)
    st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": method})
    assert st == 200, r
    path = statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "RF-%s" % o["order_no"]))
    rc, res, _ = import_statement(path)
    assert rc == 0 and res[0]["matched"] == 1, res
    if method == "alipay":
        pay_on_cashier(r["redirect_url"])
    else:
        pr = urllib.parse.parse_qs(urllib.parse.urlsplit(r["code_url"]).query)["pr"][0]
        urllib.request.urlopen(urllib.request.Request(sim_base + "/wechat/pay",
                                                      data=urllib.parse.urlencode({"pr": pr}).encode()), timeout=30)
    q = "SELECT p.id FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'" % o["order_no"]
    wait_for(lambda: sql(q), 20)
    return o, int(sql(q)[0][0])


def sim_refunds(order_no):
    trades = json.loads(urllib.request.urlopen(sim_base + "/paysim/trades", timeout=30).read())
    return sum(sum(t.get("refunds", {}).values()) for t in trades if t["out_trade_no"] == order_no)


for n, method in enumerate(("alipay", "wechat")):
    o, pid = paid_twice(n, method)
    st, lst = fin.json("GET", "/api/v1/online-payments")
    item = [i for i in lst["items"] if i["id"] == pid]
    ok(st == 200 and item and item[0]["order_no"] == o["order_no"] and item[0]["refunded_fen"] == 0,
       "%s: the second payment is listed for finance as unapplied" % method, item)
    st, b = cust.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "重复付款"})
    ok(st == 403, "%s: a customer cannot refund" % method, b)
    st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": ""})
    ok(st == 400 and error_of(b).get("field") == "reason", "%s: a reason is required" % method, b)
    st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"amount_fen": 5000, "reason": "重复付款，先退一部分"})
    ok(st == 200 and b.get("status") == "succeeded" and b.get("amount_fen") == 5000,
       "%s: 50.00 refunded through the provider" % method, b)
    st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"amount_fen": o["amount_fen"], "reason": "超额"})
    ok(st == 400 and "可退金额" in error_of(b).get("message", ""), "%s: no more than what is left" % method, b)
    st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "重复付款，退还余额"})
    ok(st == 200 and b.get("amount_fen") == o["amount_fen"] - 5000, "%s: the rest refunded" % method, b)
    ok(sim_refunds(o["order_no"]) == o["amount_fen"], "%s: the provider refunded exactly what was paid" % method,
       sim_refunds(o["order_no"]))
    st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "再退一次"})
    ok(st == 400 and "0.00" in error_of(b).get("message", ""), "%s: nothing is left to refund" % method, b)
    audit = sql("SELECT action FROM audit_log WHERE object_id = '%s' AND action LIKE 'payment.refund%%' ORDER BY id"
                % o["order_no"])
    ok([a[0] for a in audit] == ["payment.refund_requested", "payment.refunded"] * 2, "%s: audited" % method, audit)
    ok(cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["paid_fen"] == o["amount_fen"],
       "%s: the order keeps its bank payment" % method)

# An online payment above what the order still owes: a trade opened for the whole price, then a bank transfer
# of part of it, then the trade paid.  The order takes what it owed (it took all of it, paid_fen above the
# price), the rest is surplus: flagged, listed, refundable, and the customer is told of both.
o = approved_order(cust, rev, seed=seed + 10)
st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "alipay"})
part = 5000
rc, res, _ = import_statement(statement((part, "订单%s" % o["order_no"], "我是测试企业", "PART-%s" % o["order_no"])))
ok(st == 200 and rc == 0 and res[0]["partial"] == 1, "a trade for %d fen opened, then %d fen came by bank"
   % (o["amount_fen"], part), (r, res))
pay_on_cashier(r["redirect_url"])
q = ("SELECT p.id, p.status, p.surplus_fen FROM online_payments p JOIN orders o ON o.id = p.order_id"
     " WHERE o.order_no = '%s'" % o["order_no"])
wait_for(lambda: sql(q), 20)
row = sql(q)
now = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]
ok(now["status"] == "paid" and now["paid_fen"] == o["amount_fen"],
   "the order is paid at its price, not %d" % (o["amount_fen"] + part), now)
ok(row and row[0][1] == "overpaid" and row[0][2] == str(part), "the online payment is flagged overpaid by %d fen" % part,
   row)
pid = int(row[0][0]) if row else 0
item = [i for i in fin.json("GET", "/api/v1/online-payments")[1]["items"] if i["id"] == pid]
ok(item and item[0]["status"] == "overpaid" and item[0]["refundable_fen"] == part,
   "finance sees it among the online payments to refund, with what is refundable", item)
msgs = cust.json("GET", "/api/v1/messages")[1]["items"]
ok(any(o["order_no"] in m["title"] and "多付" in m["title"] and "50.00" in m["title"] for m in msgs),
   "the customer is told 50.00 was paid over and will be refunded", [m["title"] for m in msgs[:5]])
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"amount_fen": part + 1, "reason": "多付退款"})
ok(st == 400 and "50.00" in error_of(b).get("message", ""), "no more than the surplus is refunded", b)
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "多付退款"})
ok(st == 200 and b.get("amount_fen") == part and b.get("status") == "succeeded" and sim_refunds(o["order_no"]) == part,
   "the surplus is refunded through Alipay, the order keeps its price", (b, sim_refunds(o["order_no"])))
msgs = cust.json("GET", "/api/v1/messages")[1]["items"]
ok(any(o["order_no"] in m["title"] and "退款" in m["title"] and "50.00" in m["title"] and "支付宝" in m.get("body", "")
       for m in msgs), "and the customer is told of the refund: amount, channel, date", [m["title"] for m in msgs[:5]])
ok(cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["paid_fen"] == o["amount_fen"], "the order still holds its price")

# The daily report counts online money by provider, what no order took, and refunds made.
today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))


def today_row():
    st, rep = fin.json("GET", "/api/v1/reports/daily?from=%s&to=%s" % (today, today))
    return rep["items"][0] if st == 200 and rep.get("items") else {}


before = today_row()
o, pid = paid_twice(9, "wechat")
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "重复付款，全部退还"})
after = today_row()
delta = {k: after.get(k, 0) - before.get(k, 0) for k in ("wechat_fen", "online_surplus_fen", "refunded_fen")}
ok(st == 200 and delta == {"wechat_fen": o["amount_fen"], "online_surplus_fen": o["amount_fen"],
                           "refunded_fen": o["amount_fen"]},
   "the daily report counts the WeChat payment, as money no order took, and its refund", delta)

# Twelve simultaneous full refunds of one payment: one refund at the provider, one refund row, one audit row.
import threading
o, pid = paid_twice(7, "alipay")
answers = []
lock = threading.Lock()


def refund_all():
    c = Client()
    c.login("finance")
    st, b = c.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "重复付款，全部退还"})
    with lock:
        answers.append((st, (b or {}).get("status"), (b or {}).get("amount_fen")))


threads = [threading.Thread(target=refund_all) for _ in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
done_ = [a for a in answers if a[0] == 200]
refunded = sql("SELECT COUNT(*) FROM audit_log WHERE object_id = '%s' AND action = 'payment.refunded'" % o["order_no"])
rows = sql("SELECT COUNT(*), SUM(amount_fen) FROM refunds WHERE online_payment_id = %d" % pid)
ok(done_ and all(a[1] == "succeeded" and a[2] == o["amount_fen"] for a in done_) and
   all(a[0] in (200, 400) for a in answers), "12 simultaneous full refunds: each answered with the one refund", answers)
ok(rows == [["1", str(o["amount_fen"])]] and refunded == [["1"]] and sim_refunds(o["order_no"]) == o["amount_fen"],
   "one refund row, one payment.refunded audit row, one refund at the provider", (rows, refunded,
                                                                                     sim_refunds(o["order_no"])))

# A refund whose outcome is unknown stays pending: the same request sends it again, another amount waits.
o, pid = paid_twice(8, "wechat")
sql("INSERT INTO refunds (online_payment_id, refund_no, amount_fen, reason, status, created_at, updated_at)"
    " VALUES (%d, 'RF%d-1', 3000, '先退一部分', 'pending', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" % (pid, pid))
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"amount_fen": 4000, "reason": "改退 40 元"})
ok(st == 409 and "30.00" in error_of(b).get("message", "") and "RF%d-1" % pid in error_of(b).get("message", ""),
   "another amount while 30.00 is pending: 409 naming what is pending, nothing sent", b)
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"amount_fen": 3000, "reason": "再试一次"})
ok(st == 200 and b.get("refund_no") == "RF%d-1" % pid and b.get("status") == "succeeded" and
   sim_refunds(o["order_no"]) == 3000, "the same amount again sends the pending refund under its number", b)

# A booked online payment is not refunded this way.
o = approved_order(cust, rev, seed=seed + 5)
st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "wechat"})
pr = urllib.parse.parse_qs(urllib.parse.urlsplit(r["code_url"]).query)["pr"][0]
urllib.request.urlopen(urllib.request.Request(sim_base + "/wechat/pay", data=urllib.parse.urlencode({"pr": pr}).encode()),
                       timeout=30)
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "paid", 20), "an order paid online")
pid = int(sql("SELECT p.id FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'"
              % o["order_no"])[0][0])
st, b = fin.json("POST", "/api/v1/online-payments/%d/refund" % pid, {"reason": "试图退款"})
ok(st == 409, "its booked payment is not refunded here", b)
st, b = fin.json("POST", "/api/v1/online-payments/999999999/refund", {"reason": "不存在"})
ok(st == 404, "an unknown payment is not found", b)
# An order that expires closes its open trades with both providers: the old cashier and code no longer pay.
o = approved_order(cust, rev, seed=seed + 6)
st, ra = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "alipay"})
st2, rw = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "wechat"})
page = urllib.request.urlopen(ra["redirect_url"], timeout=30).read().decode()
t = re.search(r"name=t value=([\w-]+)", page).group(1)
sql("UPDATE orders SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE order_no = '%s'" % o["order_no"])
ctl("jobs", "add", "expire_orders")
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "expired", 20),
   "the order expires")
ctl("jobs", "add", "query_payments")


def sim_status(provider):
    trades = json.loads(urllib.request.urlopen(sim_base + "/paysim/trades", timeout=30).read())
    return [x["status"] for x in trades if x.get("provider") == provider and x["out_trade_no"] == o["order_no"]]


ok(wait_for(lambda: sim_status("alipay") == ["TRADE_CLOSED"] and sim_status("wechat") == ["CLOSED"], 30),
   "its Alipay and WeChat trades are closed", (sim_status("alipay"), sim_status("wechat")))
try:
    urllib.request.build_opener(NoRedirect).open(urllib.request.Request(
        sim_base + "/alipay/pay", data=urllib.parse.urlencode({"t": t}).encode()), timeout=30)
    refused = False
except urllib.error.HTTPError as e:
    refused = e.code == 400
ok(refused, "the old cashier page no longer takes the payment")
closed = sql("SELECT COUNT(*) FROM pay_attempts a JOIN orders o ON o.id = a.order_id WHERE o.order_no = '%s'"
             " AND a.closed_at IS NULL" % o["order_no"])
ok(closed == [["0"]], "every trade of the order is marked closed", closed)

p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
done()
