"""The payment providers down (issue 22): contrib/paysim answers 500, then holds every API request without an
answer, for a while, and certrenewd is killed with -9 while its payment query waits on the provider.  The order page still answers in bounded time (a clear 502 in Chinese, never a hung
worker); the payment query job stops asking a provider after its first failure and fails, so it backs off and
certrenew_jobs_retrying{kind="query_payments"} says so; nothing is booked meanwhile.  When the provider is back,
the trade paid during the outage (its notification lost) is found by the query: booked exactly once, and the
books hold."""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
if not conf_value("alipay", "gateway") or not conf_value("wechat", "api_base"):
    bail("the payment providers are not configured (contrib/dev.sh up configures contrib/paysim)")
sim = conf_value("wechat", "api_base")
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 10 + 9


def outage(mode, secs):
    urllib.request.urlopen(urllib.request.Request(sim + "/paysim/fault?mode=%s&seconds=%d" % (mode, secs), data=b""),
                           timeout=10).read()


def query_job():
    r = sql("SELECT status, attempts, COALESCE(last_error, '') FROM jobs WHERE kind = 'query_payments'"
            " ORDER BY id DESC LIMIT 1")
    return r[0] if r else None


def booked(no):
    return sql("SELECT o.status, (SELECT COUNT(*) FROM online_payments p WHERE p.order_id = o.id)"
               " FROM orders o WHERE o.order_no = '%s'" % no)[0]


# An Alipay trade opened before the outage (the page's URL is signed here: no call to the provider).
paid_in_outage = approved_order(cust, rev, seed=seed)
st, r = cust.json("POST", "/api/v1/orders/%s/pay" % paid_in_outage["order_no"], {"method": "alipay", "device": "desktop"})
ok(st == 200, "an Alipay trade is opened", r)

for mode, limit in (("error", 5), ("hang", 13)):
    outage(mode, 90)
    o = approved_order(cust, rev, seed=seed + (1 if mode == "error" else 2))
    t0 = time.time()
    st, body = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": "wechat", "device": "desktop"})
    took = time.time() - t0
    ok(st == 502 and error_of(body).get("code") == "upstream_unavailable" and "微信支付" in error_of(body)["message"],
       "WeChat Pay %s: choosing it answers 502 in Chinese (%s)" % ("answering 500" if mode == "error" else "hanging",
                                                                  error_of(body).get("message")), (st, body))
    ok(took < limit, "in %.1f s (bounded: the worker is free again)" % took)
    t1 = time.time()
    st, _ = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])
    ok(st == 200 and time.time() - t1 < 2, "the order page itself is not slowed down")
    if mode == "error":
        # The customer pays at the cashier during the outage; the provider cannot notify (lose=1: never).
        page = urllib.request.urlopen(r["redirect_url"], timeout=30).read().decode()
        t = re.search(r"name=t value=([\w-]+)", page).group(1)
        try:
            urllib.request.urlopen(urllib.request.Request(sim + "/alipay/pay", data=urllib.parse.urlencode(
                {"t": t, "lose": "1"}).encode()), timeout=30)
        except urllib.error.HTTPError:
            pass
        # The customer's return makes the query due at once (pay.query_after after the trade at the latest).
        ok(wait_for(lambda: (query_job() or ["", 0])[1] and int(query_job()[1]) >= 1
                    and query_job()[0] in ("failed", "queued") and "left for the next try" in query_job()[2], 60),
           "the query job met the outage, failed, and waits to try again (%s)" % (query_job(),))
        with urllib.request.urlopen(BASE + "/metrics", timeout=10) as m:
            text = m.read().decode()
        ok(re.search(r'certrenew_jobs_retrying\{kind="query_payments"\} [1-9]', text),
           "/metrics shows it: certrenew_jobs_retrying{kind=\"query_payments\"} (the alert's condition)")
        ok(booked(paid_in_outage["order_no"]) == ["awaiting_payment", "0"], "nothing was booked meanwhile",
           booked(paid_in_outage["order_no"]))

# kill -9 of certrenewd while query_payments waits on the hanging provider: the restarted daemon takes the job
# back at once (same host), and nothing is booked twice when the provider returns.
ok(wait_for(lambda: query_job()[0] == "running", 90, 0.1), "query_payments runs against the hanging provider",
   query_job())
old_daemon = read_pid(os.path.join(RUN, "certrenewd.pid"))
os.kill(old_daemon, signal.SIGKILL)
ok(wait_for(lambda: not os.path.exists("/proc/%d/status" % old_daemon) or
            "zombie" in open("/proc/%d/status" % old_daemon).read(), 10), "certrenewd killed with -9 in the middle of it")
subprocess.run(["sh", "-c", 'setsid "$1" -c "$2" >>"$3" 2>&1 &', "sh", os.path.join(BUILD, "certrenewd"), CONF,
                os.path.join(RUN, "log", "certrenewd.log")], check=True)
ok(wait_for(lambda: read_pid(os.path.join(RUN, "certrenewd.pid")) not in (None, old_daemon), 15),
   "and started again")
outage("none", 0)
t0 = time.time()
ok(wait_for(lambda: booked(paid_in_outage["order_no"])[0] == "paid", 180),
   "the provider back, the trade paid during the outage is found and booked (%.0f s)" % (time.time() - t0),
   booked(paid_in_outage["order_no"]))
time.sleep(3)
ok(booked(paid_in_outage["order_no"]) == ["paid", "1"], "exactly once", booked(paid_in_outage["order_no"]))
ok(wait_for(lambda: query_job()[0] == "done" or int(query_job()[1]) == 0, 120), "the query job succeeds again",
   query_job())
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
p = ctl("ledger", "check")
ok(p.returncode == 0, "the ledger check finds nothing", p.stdout[-500:])
done()
