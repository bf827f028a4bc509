"""微信支付 APIv3 (SPEC 8, issue 10) through contrib/paysim: POST …/pay opens a Native trade (our request signed
WECHATPAY2-SHA256-RSA2048 and accepted by the simulator, its answer's signature checked) and answers the
code_url with a QR code as SVG; scanning and paying sends the encrypted, signed notification that books the
order once.  Both signing modes verify (platform certificate, platform public key).  Refused with nothing
booked: a changed body, a new nonce (a replay made to look new), a stale timestamp, an unknown serial, another
mchid, a wrong amount, an unknown order.  The same notification again books nothing more."""
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
if not conf_value("wechat", "mchid"):
    bail("[wechat] is not configured (contrib/dev.sh up configures contrib/paysim)")
SIM = [sys.executable, os.path.join(TOP, "contrib", "paysim"), "--dir", os.path.join(TOP, "run", "paysim")]
NOTIFY = BASE + "/api/v1/pay/wechat/notify"
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 10 + 5


def order(n):
    o = approved_order(cust, rev, seed=seed + n)
    st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "wechat"})
    assert st == 200, r
    return o, r


def notify(o, *extra, total=None):
    p = subprocess.run(SIM + ["wechat-notify", "--url", NOTIFY, "--out-trade-no", o["order_no"], "--total",
                              str(total if total is not None else o["amount_fen"]), *extra],
                       capture_output=True, text=True, timeout=60)
    return json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr}


def state(no):
    o = cust.json("GET", "/api/v1/orders/%s" % no)[1]
    n = sql("SELECT COUNT(*) FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'" % no)
    return o["status"], o["paid_fen"], int(n[0][0])


o, r = order(1)
ok(r.get("code_url", "").startswith("http://") and "<svg" in r.get("qr_svg", "") and r["amount_fen"] == o["amount_fen"],
   "POST …/pay with wechat answers the code_url and its QR code (the simulator accepted our signed request)",
   {k: str(v)[:80] for k, v in r.items()})
page = urllib.request.urlopen(r["code_url"], timeout=30).read().decode()
ok(o["order_no"] in page and "确认支付" in page, "scanning the code shows the order to pay")
pr = urllib.parse.parse_qs(urllib.parse.urlsplit(r["code_url"]).query)["pr"][0]
urllib.request.urlopen(urllib.request.Request(r["code_url"].split("/wechat/")[0] + "/wechat/pay",
                                              data=urllib.parse.urlencode({"pr": pr}).encode()), timeout=30)
ok(wait_for(lambda: state(o["order_no"])[0] == "paid", 15), "the notification marks the order 已付款", state(o["order_no"]))
ok(state(o["order_no"])[1:] == (o["amount_fen"], 1), "booked once", state(o["order_no"]))
row = sql("SELECT payer, source FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'"
          % o["order_no"])[0]
ok(row == ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "notify"], "the payer's openid is recorded", row)

# The platform public key mode, and the same notification sent again.
o2, _ = order(2)
a = notify(o2, "--mode", "pubkey")
ok(a.get("status") == 204, "a notification signed with the platform public key (PUB_KEY_ID_…) books", a.get("answer"))
ok(state(o2["order_no"])[:2] == ("paid", o2["amount_fen"]), "the order is paid", state(o2["order_no"]))
replay = tempfile.mktemp(suffix=".json")
json.dump({"body": a["body"], "headers": a["headers"]}, open(replay, "w"))
for i in range(2):
    b = notify(o2, "--replay", replay)
    ok(b.get("status") == 204, "the same notification again answers success (%d)" % (i + 1), b.get("answer"))
ok(state(o2["order_no"])[1:] == (o2["amount_fen"], 1), "and books nothing more", state(o2["order_no"]))

# Refusals: nothing booked.
o3, _ = order(3)
for name, a in [
    ("a body changed after signing", notify(o3, "--tamper")),
    ("a new nonce (a replay made to look new)", notify(o3, "--new-nonce")),
    ("a timestamp ten minutes old", notify(o3, "--skew", "-600")),
    ("an unknown Wechatpay-Serial", notify(o3, "--mode", "unknown")),
    ("another mchid", notify(o3, "--set", "mchid=1900000999")),
    ("another appid", notify(o3, "--set", "appid=wx9999999999999999")),
    ("a wrong amount", notify(o3, total=1)),
    ("an unknown order", notify(dict(o3, order_no="99999999"))),
]:
    ok(a.get("status") == 400 and '"FAIL"' in a.get("answer", ""), "%s is refused" % name, a.get("answer") or a)
ok(state(o3["order_no"]) == ("awaiting_payment", 0, 0), "nothing was booked", state(o3["order_no"]))
a = notify(o3, "--set", "trade_state=NOTPAY")
ok(a.get("status") == 204 and state(o3["order_no"])[2] == 0, "NOTPAY is acknowledged, nothing booked", a.get("answer"))
# The notification lost: certrenewd asks WeChat Pay (GET …/out-trade-no/{no}) once the trade is older than
# pay.query_after.
o4, r4 = order(4)
pr = urllib.parse.parse_qs(urllib.parse.urlsplit(r4["code_url"]).query)["pr"][0]
urllib.request.urlopen(urllib.request.Request(r4["code_url"].split("/wechat/")[0] + "/wechat/pay",
                                              data=urllib.parse.urlencode({"pr": pr, "lose": "1"}).encode()), timeout=30)
ok(wait_for(lambda: state(o4["order_no"])[0] == "paid", 60), "a lost notification: the active query books the payment",
   state(o4["order_no"]))
src = sql("SELECT p.source FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'"
          % o4["order_no"])
ok(src == [["query"]], "found by the query", src)

# Twenty clicks on 微信支付: one trade, asked of WeChat Pay once, its code given again; and a bound on new trades.
o5 = approved_order(cust, rev, seed=seed + 5)
codes = set()
for _ in range(20):
    st, r5 = cust.json("POST", "/api/v1/orders/%s/pay" % o5["order_no"], {"method": "wechat"})
    codes.add(r5.get("code_url") if st == 200 else st)
attempts = sql("SELECT COUNT(*) FROM pay_attempts a JOIN orders o ON o.id = a.order_id WHERE o.order_no = '%s'"
               % o5["order_no"])
trades = [t for t in json.loads(urllib.request.urlopen(r4["code_url"].split("/wechat/")[0] + "/paysim/trades",
                                                       timeout=30).read()) if t["out_trade_no"] == o5["order_no"]]
ok(len(codes) == 1 and None not in codes and attempts == [["1"]] and len(trades) == 1,
   "20 clicks: one attempt, one trade at the provider, the same code each time", (codes, attempts, len(trades)))
# Twelve clicks at once on another order: each answered (none a 5xx), one attempt between them.
import threading
o6 = approved_order(cust, rev, seed=seed + 6)
answers, lock = [], threading.Lock()


def click():
    st, r6 = cust.json("POST", "/api/v1/orders/%s/pay" % o6["order_no"], {"method": "wechat"})
    with lock:
        answers.append((st, r6.get("code_url") if st == 200 else r6))


threads = [threading.Thread(target=click) for _ in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
attempts6 = sql("SELECT COUNT(*) FROM pay_attempts a JOIN orders o ON o.id = a.order_id WHERE o.order_no = '%s'"
                % o6["order_no"])
ok(all(a[0] == 200 for a in answers) and len({a[1] for a in answers}) == 1 and attempts6 == [["1"]],
   "12 simultaneous clicks: all answered with one code, one attempt", (answers[:3], attempts6))
sql("INSERT INTO pay_attempts (order_id, provider, device, amount_fen, created_at) SELECT o.id, 'alipay', 'mobile',"
    " o.amount_fen, UTC_TIMESTAMP(6) FROM orders o JOIN seq_1_to_9 s WHERE o.order_no = '%s'" % o5["order_no"])
st, b = cust.json("POST", "/api/v1/orders/%s/pay" % o5["order_no"], {"method": "alipay"})
ok(st == 429 and error_of(b).get("code") == "too_many_attempts" and "次数过多" in error_of(b).get("message", ""),
   "the eleventh new trade within an hour is refused", b)
st, b = cust.json("POST", "/api/v1/orders/%s/pay" % o5["order_no"], {"method": "wechat"})
ok(st == 200 and b.get("code_url") in codes, "while the open one is still given", b)

st, b, _ = Client().raw("POST", "/api/v1/pay/wechat/notify", b"{}", ctype="application/json")
ok(st == 400, "an unsigned notification is refused", b)
# On a phone, which cannot scan its own screen: 微信支付 H5, a page the phone's browser opens (the customer's
# address sent, as WeChat asks), which pays and returns the phone to the order's page.
o6 = approved_order(cust, rev, seed=seed + 60)
st, b = cust.json("POST", "/api/v1/orders/%s/pay" % o6["order_no"], {"method": "wechat", "device": "mobile"})
h5 = b.get("redirect_url", "")
ok(st == 200 and "/wechat/h5?" in h5 and "code_url" not in b, "on a phone 微信支付 opens an H5 page, not a code", b)
back = urllib.parse.parse_qs(urllib.parse.urlsplit(h5).query).get("redirect_url", [""])[0]
ok(back.endswith("/portal.html#/orders/%s?paying=wechat" % o6["order_no"]),
   "whose redirect_url returns to the order's page, waiting for the result", back)
cashier = urllib.request.urlopen(h5, timeout=30).read().decode()
ok(o6["order_no"] in cashier, "the H5 cashier shows the order")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


sim_base = "%s://%s" % urllib.parse.urlsplit(h5)[:2]
pr = re.search(r"name=pr value=([\w-]+)", cashier).group(1)
try:
    urllib.request.build_opener(NoRedirect).open(urllib.request.Request(
        sim_base + "/wechat/pay", data=urllib.parse.urlencode({"pr": pr, "redirect_url": back}).encode()), timeout=30)
    where = None
except urllib.error.HTTPError as e:
    where = (e.code, e.headers.get("Location"))
ok(where == (302, back), "paying sends the phone back to the order's page", where)
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o6["order_no"])[1]["status"] == "paid", 15),
   "and the notification pays the order")

# A merchant without H5 (wechat.h5 = no): phones are told plainly, not shown a code they cannot scan.
sock2 = os.path.join(RUN, "fcgi-noh5.sock")
conf2 = os.path.join(RUN, "certrenew-noh5.conf")
text = open(CONF, encoding="utf-8").read().replace("socket = %s" % os.path.join(RUN, "fcgi.sock"), "socket = %s" % sock2)
open(conf2, "w", encoding="utf-8").write(text.replace("\nh5 = yes", "\nh5 = no"))
log2 = open(os.path.join(RUN, "log", "certrenew-fcgi-noh5.log"), "a")
master = subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf2], stdout=log2, stderr=log2)
ok(wait_for(lambda: os.path.exists(sock2), 10), "a certrenew-fcgi without H5 starts")
who = {"HTTP_COOKIE": "certrenew_session=" + cust.cookie().value, "HTTP_X_CSRF_TOKEN": cust.csrf,
       "CONTENT_TYPE": "application/json"}
out = fcgi_request(sock2, "GET", "/api/v1/settings", who)
conf_json = json.loads(out.split(b"\r\n\r\n", 1)[1])
ok("wechat" in conf_json["pay_methods"] and "wechat" not in conf_json["pay_methods_phone"],
   "its settings offer 微信支付, but not on a phone", conf_json.get("pay_methods_phone"))
o7 = approved_order(cust, rev, seed=seed + 61)
out = fcgi_request(sock2, "POST", "/api/v1/orders/%s/pay" % o7["order_no"], who,
                   json.dumps({"method": "wechat", "device": "mobile"}).encode())
said = json.loads(out.split(b"\r\n\r\n", 1)[1]).get("error", {})
ok(b"Status: 422" in out and said.get("code") == "method_unavailable_on_phone" and "电脑" in said.get("message", ""),
   "a phone asking for 微信支付 is told to scan on a computer or choose another way", said)
master.terminate()
master.wait(15)
log2.close()
os.unlink(conf2)

fcgi_log = open(os.path.join(TOP, "run", "log", "certrenew-fcgi.log"), encoding="utf-8", errors="replace").read()
ok("wechat notification from" in fcgi_log and conf_value("wechat", "api_v3_key") not in fcgi_log,
   "refusals are logged, without the APIv3 key")
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
done()
