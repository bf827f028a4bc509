"""kill -9 of certrenewd in the middle of an inbox import (SPEC 7, 12): restarted on the same host with the
default configuration (a lease of a minute), it takes its dead predecessor's job back at once and finishes the
import from its last batch within a minute, and the result is exactly that of one clean import: every credit
booked once, every order paid once, the counts whole, the audit chain intact."""
import os
import sys
import signal
import subprocess
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

N = 30000
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
orders = [approved_order(cust, rev, seed=80 + y, years=y) for y in (1, 2, 3)]
ok(all(o["status"] == "awaiting_payment" for o in orders), "three orders await payment")

# A daemon of our own with the default lease (the stack's is stopped meanwhile), batches of 200.
main_pid = read_pid(os.path.join(RUN, "certrenewd.pid"))
os.kill(main_pid, signal.SIGTERM)
ok(wait_for(lambda: not os.path.exists("/proc/%d" % main_pid), 40), "the stack's certrenewd stops for the test")
conf = os.path.join(RUN, "certrenew-fault.conf")
text = open(CONF, encoding="utf-8").read().replace("[bank]\n", "[bank]\nbatch = 200\n", 1)
open(conf, "w", encoding="utf-8").write(text)
pidfile = os.path.join(RUN, "certrenewd-2.pid")


def start():
    return start_daemon(conf, pidfile, "certrenewd-fault.log")


daemon = start()
path = os.path.join(RUN, "bank", "fault-%d.xml" % time.time())
subprocess.run([sys.executable, os.path.join(TOP, "contrib", "camt-gen.py"), "--account", conf_value("bank", "account"),
                "--random", str(N), "--seed", str(int(time.time())), "--orders",
                ",".join("%s:%d" % (o["order_no"], o["amount_fen"]) for o in orders), "-o", path], check=True)
sha = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
inbox = conf_value("bank", "inbox")
os.rename(path, os.path.join(inbox, os.path.basename(path)))


def row():
    r = sql("SELECT status, progress FROM statements WHERE file_sha256 = '%s'" % sha)
    return (r[0][0], int(r[0][1])) if r else (None, 0)


ok(wait_for(lambda: row()[0] == "running" and 10 <= row()[1] < 90, 60, 0.05), "the import is under way", row())
daemon.send_signal(signal.SIGKILL)
daemon.wait()
at = row()
booked = int(sql("SELECT COUNT(*) FROM credits c JOIN statements s ON s.id = c.statement_id"
                 " WHERE s.file_sha256 = '%s'" % sha)[0][0])
ok(at[0] == "running" and 0 < booked < N, "killed with -9 at %d%%: %d of %d credits booked" % (at[1], booked, N), at)
t0 = time.time()
daemon = start()
ok(wait_for(lambda: row()[0] == "done", 60), "restarted, the daemon finishes the import within a minute (%.1f s)"
   % (time.time() - t0), row())
r = sql("SELECT entries, credits, matched + partial + overpaid + needs_review + unmatched + duplicate + ignored,"
        " duplicate FROM statements WHERE file_sha256 = '%s'" % sha)[0]
ok(r == [str(N), str(N), str(N), "0"], "the counts are those of one clean import (no duplicates of itself)", r)
rows = sql("SELECT COUNT(*), COUNT(DISTINCT credit_key) FROM credits c JOIN statements s ON s.id = c.statement_id"
           " WHERE s.file_sha256 = '%s'" % sha)[0]
ok(rows == [str(N), str(N)], "every credit booked exactly once", rows)
for o in orders:
    p = sql("SELECT o.status, o.paid_fen, COUNT(p.id) FROM orders o LEFT JOIN payments p ON p.order_id = o.id"
            " WHERE o.order_no = '%s' GROUP BY o.id" % o["order_no"])[0]
    ok(p == ["paid", str(o["amount_fen"]), "1"], "order %s paid exactly once" % o["order_no"], p)
ok(os.path.exists(os.path.join(conf_value("bank", "archive_dir"), sha + ".xml")), "the file is archived under its SHA-256")
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)

daemon.send_signal(signal.SIGTERM)
daemon.wait(30)
subprocess.Popen([os.path.join(BUILD, "certrenewd"), "-c", CONF], stdout=open(os.path.join(RUN, "log", "certrenewd.log"), "a"),
                 stderr=subprocess.STDOUT, start_new_session=True)
ok(wait_for(lambda: read_pid(os.path.join(RUN, "certrenewd.pid")) not in (None, main_pid), 10),
   "the stack's certrenewd runs again")
done()
