"""kill -9 of certrenewd in the middle of a bulk issue (issue 20): 150 paid orders whose requests are in are
being issued when the daemon is killed; the daemon restarted on the same host takes the run back at once and
issues the rest. Every certificate is issued exactly once (one certificate.issue audit row each, nothing of
the killed transaction kept), the serials are unique, every certificate verifies against the CA chain, every
order is 已完成, and the audit chain and the books hold."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

N = 150
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
d = tempfile.mkdtemp(prefix="cr-issue-kill-")
base = int(time.time()) % 100000
orders = orders_with_requests(cust, rev, range(base * 1000 + 500, base * 1000 + 500 + N))
ids = ",".join(str(c["id"]) for o in orders for c in o["certificates"])
total = len(ids.split(","))
ok(total == N, "%d approved orders with their requests in" % N)

# A daemon of our own (the stack's is stopped meanwhile), with the default configuration.
main_pid = read_pid(os.path.join(RUN, "certrenewd.pid"))
os.kill(main_pid, signal.SIGTERM)
ok(wait_for(lambda: not os.path.exists("/proc/%d" % main_pid), 40), "the stack's certrenewd stops for the test")
pidfile = os.path.join(RUN, "certrenewd-2.pid")


def start():
    return start_daemon(CONF, pidfile, "certrenewd-fault.log")


def issued():
    return int(sql("SELECT COUNT(*) FROM certificates WHERE id IN (%s) AND status = 'issued'" % ids)[0][0])


daemon = start()
since = sql("SELECT UTC_TIMESTAMP(6)")[0][0]
rc, res, _ = import_statement(statement(*[(o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "KILL-%s" % o["order_no"])
                                          for o in orders]))
ok(rc == 0 and res[0]["matched"] == N, "one statement pays all %d" % N, res)
ok(wait_for(lambda: issued() > 0, 20, 0.005), "issuing is under way")
daemon.send_signal(signal.SIGKILL)
daemon.wait()
at = issued()
ok(0 < at < total, "killed with -9 with %d of %d issued" % (at, total), at)
t0 = time.time()
daemon = start()
ok(wait_for(lambda: issued() == total, 60), "restarted, the daemon issues the rest (%.1f s)" % (time.time() - t0), issued())
runs = int(sql("SELECT COUNT(*) FROM jobs WHERE kind = 'issue_paid' AND created_at >= '%s'" % since)[0][0])
ok(0 < runs <= 2 * 4, "a handful of issue runs did it (%d: the payment's, its helpers, one after the restart),"
   " not a run queued by every helper" % runs, runs)
rows = sql("SELECT c.id, COUNT(a.id) FROM certificates c LEFT JOIN audit_log a ON a.action = 'certificate.issue'"
           " AND a.object_type = 'certificate' AND a.object_id = CAST(c.id AS CHAR) WHERE c.id IN (%s) GROUP BY c.id" % ids)
ok(len(rows) == total and all(r[1] == "1" for r in rows), "every certificate issued exactly once (one audit row each)",
   [r for r in rows if r[1] != "1"][:5])
serials = sql("SELECT COUNT(*), COUNT(DISTINCT serial) FROM certificates WHERE id IN (%s)" % ids)[0]
ok(serials == [str(total), str(total)], "their serials are unique", serials)
for c in sql("SELECT id, pem FROM certificates WHERE id IN (%s)" % ids):
    open(os.path.join(d, "c%s.pem" % c[0]), "w").write(c[1].replace("\\n", "\n"))
v = subprocess.run(["openssl", "verify", "-CAfile", conf_value("ca", "chain"), "-untrusted", conf_value("ca", "cert")] +
                   [os.path.join(d, "c%s.pem" % i) for i in ids.split(",")], capture_output=True, text=True)
ok(v.returncode == 0 and v.stdout.count(": OK") == total, "each verifies against the CA chain (%d OK)" % v.stdout.count(": OK"),
   v.stderr[-500:])
done_ = sql("SELECT COUNT(*) FROM orders WHERE order_no IN (%s) AND status = 'completed'"
            % ",".join("'%s'" % o["order_no"] for o in orders))[0][0]
ok(done_ == str(N), "every order is 已完成", done_)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
p = ctl("ledger", "check")
ok(p.returncode == 0, "the ledger check finds nothing", p.stdout[-500:])

daemon.send_signal(signal.SIGTERM)
daemon.wait(30)
subprocess.Popen([os.path.join(BUILD, "certrenewd"), "-c", CONF], stdout=open(os.path.join(RUN, "log", "certrenewd.log"), "a"),
                 stderr=subprocess.STDOUT, start_new_session=True)
ok(wait_for(lambda: read_pid(os.path.join(RUN, "certrenewd.pid")) not in (None, main_pid), 10),
   "the stack's certrenewd runs again")
done()
