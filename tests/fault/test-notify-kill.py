"""kill -9 of the FastCGI worker that is booking a payment notification (issue 22), for Alipay and for WeChat
Pay: the order's row is held by another session so that the worker waits inside its booking transaction, the
worker is killed there, the provider's notification fails (as a provider sees a dropped connection) and is sent
again; the payment is booked exactly once, the order paid once, and the books and the audit chain hold."""
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
if not conf_value("alipay", "app_id") or not conf_value("wechat", "mchid"):
    bail("the payment providers are not configured (contrib/dev.sh up configures contrib/paysim)")
SIM = [sys.executable, os.path.join(TOP, "contrib", "paysim"), "--dir", os.path.join(RUN, "paysim")]
master = read_pid(os.path.join(RUN, "certrenew-fcgi.pid"))
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 10 + 7
IDLE = ("43", "288", "232")  # accept, accept4, epoll_wait: where an idle worker waits for a connection


def busy_workers():
    """Workers that are not waiting for a connection (from /proc/PID/syscall)."""
    out = []
    for pid in children(master):
        try:
            call = open("/proc/%d/syscall" % pid).read().split()[0]
        except (OSError, IndexError):
            continue
        if call not in IDLE:
            out.append(pid)
    return out


def hold(order_no):
    """Another session holding the order's row, as a long transaction would; returns the client process."""
    p = subprocess.Popen(["mariadb", "--unbuffered", "--socket", conf_value("db", "socket"), "-uroot", "-N", "-B",
                          conf_value("db", "name")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    p.stdin.write("BEGIN; SELECT id FROM orders WHERE order_no = '%s' FOR UPDATE; SELECT 'held';\n" % order_no)
    p.stdin.flush()
    p.stdout.readline()
    ok(p.stdout.readline().strip() == "held", "another session holds order %s's row" % order_no)
    return p


def waiting_on_lock():
    """An InnoDB transaction waits for a row lock (asked as root: the application's user may not see others')."""
    p = subprocess.run(["mariadb", "--socket", conf_value("db", "socket"), "-uroot", "-N", "-B", "-e",
                        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'"],
                       capture_output=True, text=True, timeout=30)
    return p.returncode == 0 and int(p.stdout.strip() or 0) > 0


def booked(no):
    return sql("SELECT o.status, o.paid_fen, (SELECT COUNT(*) FROM online_payments p WHERE p.order_id = o.id)"
               " FROM orders o WHERE o.order_no = '%s'" % no)[0]


def case(name, send):
    o = approved_order(cust, rev, seed=seed + len(name))
    method = "alipay" if name == "支付宝" else "wechat"
    st, r = cust.json("POST", "/api/v1/orders/%s/pay" % o["order_no"], {"method": method, "device": "desktop"})
    ok(st == 200, "%s: a trade is opened for order %s" % (name, o["order_no"]), r)
    holder = hold(o["order_no"])
    before = set(children(master))
    result = {}
    t = threading.Thread(target=lambda: result.update(first=send(o)))
    t.start()
    ok(wait_for(waiting_on_lock, 20), "%s: the notification's worker waits inside its booking transaction" % name)
    victims = busy_workers()
    ok(len(victims) == 1, "%s: the one busy worker is found (%s); the others wait for connections" % (name, victims))
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    t.join(60)
    first = result.get("first") or {}
    ok(first.get("status") != 200 or first.get("answer") not in ("success", None),
       "%s: the provider's first notification did not get its success" % name, first)
    holder.stdin.write("ROLLBACK;\n")
    holder.stdin.close()
    holder.wait(10)
    ok(booked(o["order_no"])[2] == "0", "%s: the killed booking left nothing behind" % name, booked(o["order_no"]))
    ok(wait_for(lambda: len(children(master)) == len(before) and not set(children(master)) & set(victims), 20),
       "%s: the master replaced the killed worker" % name, (children(master), victims))
    for i in range(3):
        again = send(o)
        ok(again.get("status") in (200, 204), "%s: the provider sends again (%d): answered %s" %
           (name, i + 1, again.get("status")), again)
    ok(booked(o["order_no"]) == ["paid", str(o["amount_fen"]), "1"], "%s: booked exactly once, the order paid" % name,
       booked(o["order_no"]))


trade = {}


def alipay(o):
    args = SIM + ["notify", "--url", BASE + "/api/v1/pay/alipay/notify", "--set", "out_trade_no=" + o["order_no"],
                  "--set", "total_amount=%.2f" % (o["amount_fen"] / 100)]
    if o["order_no"] in trade:
        args += ["--set", "trade_no=" + trade[o["order_no"]]]
    p = subprocess.run(args, capture_output=True, text=True, timeout=90)
    out = json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr[-300:]}
    trade.setdefault(o["order_no"], out.get("trade_no"))
    return out


def wechat(o):
    """One notification; a resend names the same transaction (signed anew, as each delivery is)."""
    args = SIM + ["wechat-notify", "--url", BASE + "/api/v1/pay/wechat/notify", "--out-trade-no", o["order_no"],
                  "--total", str(o["amount_fen"])]
    if o["order_no"] in trade:
        args += ["--set", "transaction_id=" + trade[o["order_no"]]]
    p = subprocess.run(args, capture_output=True, text=True, timeout=90)
    out = json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr[-300:]}
    trade.setdefault(o["order_no"], out.get("transaction_id"))
    return out


case("支付宝", alipay)
case("微信支付", wechat)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
p = ctl("ledger", "check")
ok(p.returncode == 0, "the ledger check finds nothing", p.stdout[-500:])
done()
