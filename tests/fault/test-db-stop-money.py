"""MariaDB stopped for 10 s and started again in the middle of the money path (issue 22): during an inbox import
of 40,000 credits, and during the bulk issue of 60 paid orders.  The daemon waits, reconnects and finishes by
itself: every credit booked once, every order paid once, every certificate issued once with a unique serial,
and the books and the audit chain hold."""
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
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 1000
daemon = read_pid(os.path.join(RUN, "certrenewd.pid"))


def stop_db_for(secs):
    pid = read_pid(os.path.join(RUN, "mysql", "mysqld.pid"))
    os.kill(pid, signal.SIGTERM)
    ok(wait_for(lambda: not os.path.exists("/proc/%d" % pid), 60), "MariaDB stopped")
    time.sleep(secs)
    # Started through a shell that exits at once: not this test's child, so that it is never left a zombie
    # that the next stop would wait for.
    subprocess.run(["sh", "-c", 'setsid mariadbd --defaults-file="$1" >>"$2" 2>&1 &', "sh",
                    os.path.join(RUN, "mysql", "my.cnf"), os.path.join(RUN, "log", "mysqld.log")], check=True)
    ok(wait_for(healthy, 60), "MariaDB is back after %d s down" % secs)


# An import of 40,000 credits, three of which pay orders, interrupted by the database going away.
N = 40000
orders = [approved_order(cust, rev, seed=seed + i) for i in range(3)]
path = os.path.join(tempfile.mkdtemp(), "db-stop-%d.xml" % seed)
subprocess.run([sys.executable, os.path.join(TOP, "contrib", "camt-gen.py"), "--account", conf_value("bank", "account"),
                "--random", str(N - 3), "--seed", str(seed), "--orders", "",
                *sum([["--credit", "%d:订单%s:我是测试企业:DBSTOP-%s" % (o["amount_fen"], o["order_no"], o["order_no"])]
                      for o in orders], []), "-o", path], check=True)
sha = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
os.rename(path, os.path.join(conf_value("bank", "inbox"), os.path.basename(path)))


def row():
    r = sql("SELECT status, progress FROM statements WHERE file_sha256 = '%s'" % sha)
    return (r[0][0], int(r[0][1])) if r else (None, 0)


ok(wait_for(lambda: row()[0] == "running" and 5 <= row()[1] < 80, 60, 0.05), "the import is under way", row())
at = row()
stop_db_for(10)
t0 = time.time()
ok(wait_for(lambda: row()[0] == "done", 120), "stopped at %d%%, the import finishes by itself (%.0f s after the restart)"
   % (at[1], time.time() - t0), row())
rows = sql("SELECT COUNT(*), COUNT(DISTINCT credit_key) FROM credits c JOIN statements s ON s.id = c.statement_id"
           " WHERE s.file_sha256 = '%s'" % sha)[0]
ok(rows == [str(N), str(N)], "every one of the %d credits booked exactly once" % N, rows)
for o in orders:
    p = sql("SELECT o.status, o.paid_fen, COUNT(p.id) FROM orders o LEFT JOIN payments p ON p.order_id = o.id"
            " WHERE o.order_no = '%s' GROUP BY o.id" % o["order_no"])[0]
    ok(p == ["paid", str(o["amount_fen"]), "1"], "order %s paid exactly once" % o["order_no"], p)

# A bulk issue of 60 paid orders, interrupted the same way.
M = 60
batch = orders_with_requests(cust, rev, range(seed + 100, seed + 100 + M))
ids = ",".join(str(c["id"]) for o in batch for c in o["certificates"])
total = len(ids.split(","))


def issued():
    try:
        return int(sql("SELECT COUNT(*) FROM certificates WHERE id IN (%s) AND status = 'issued'" % ids)[0][0])
    except RuntimeError:
        return -1


rc, res, _ = import_statement(statement(*[(o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业",
                                           "DBSTOP2-%s" % o["order_no"]) for o in batch]))
ok(rc == 0 and res[0]["matched"] == M, "one statement pays all %d" % M, res)
ok(wait_for(lambda: issued() > 0, 30, 0.005), "issuing is under way")
at = issued()
stop_db_for(10)
t0 = time.time()
ok(wait_for(lambda: issued() == total, 120), "stopped with %d of %d issued, the rest are issued by themselves "
   "(%.0f s after the restart)" % (at, total, time.time() - t0), issued())
rows = sql("SELECT c.id, COUNT(a.id) FROM certificates c LEFT JOIN audit_log a ON a.action = 'certificate.issue'"
           " AND a.object_type = 'certificate' AND a.object_id = CAST(c.id AS CHAR) WHERE c.id IN (%s) GROUP BY c.id" % ids)
ok(len(rows) == total and all(r[1] == "1" for r in rows), "every certificate issued exactly once",
   [r for r in rows if r[1] != "1"][:5])
serials = sql("SELECT COUNT(*), COUNT(DISTINCT serial) FROM certificates WHERE id IN (%s)" % ids)[0]
ok(serials == [str(total), str(total)], "their serials are unique", serials)
ok(read_pid(os.path.join(RUN, "certrenewd.pid")) == daemon and os.path.exists("/proc/%d" % daemon),
   "the same certrenewd did all of it (it reconnected, it did not restart)")
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
p = ctl("ledger", "check")
ok(p.returncode == 0, "the ledger check finds nothing", p.stdout[-500:])
done()
