"""The daemon's database connections killed at random, again and again, while it imports a statement from the
inbox and issues the certificates of the orders it pays (issue 22): what a Galera node that dies under a
writer does to its clients, on one machine.  A connection lost inside a transaction takes the transaction
with it: nothing of it may run on in autocommit on a new connection.  Every credit is booked once, every
order paid once, every certificate issued exactly once (one certificate.issue audit row each) with a unique
serial, and the books and the audit chain hold."""
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
seed = int(time.time()) % 100000 * 1000 + 700


def poll(query):
    """sql() that rides out its own connection being killed."""
    for _ in range(20):
        try:
            return sql(query)
        except RuntimeError:
            time.sleep(0.05)
    return sql(query)


class Killer(threading.Thread):
    """Kills one of the application's connections that runs a prepared statement or sits between two
    (the daemon's; the mariadb client of the test's polls runs plain queries), every 50-200 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        host = (conf_value("db", "host") or "").split(",")[0].strip()
        where = ["-h", host.split(":")[0], "-P", host.split(":")[1] if ":" in host else "3306"] if host else \
            ["--socket", conf_value("db", "socket")]
        self.p = subprocess.Popen(["mariadb", *where, "-u", conf_value("db", "user"), "-p" + conf_value("db", "password"),
                                   "-n", "-N", "-B", "--force", conf_value("db", "name")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.user = conf_value("db", "user")
        self.stop = threading.Event()
        self.kills = 0

    def run(self):
        q = ("SELECT IFNULL((SELECT id FROM information_schema.processlist WHERE user = '%s'"
             " AND id <> CONNECTION_ID() AND command IN ('Execute', 'Sleep') ORDER BY RAND() LIMIT 1), 0);\n" % self.user)
        while not self.stop.is_set():
            self.p.stdin.write(q)
            self.p.stdin.flush()
            victim = int(self.p.stdout.readline().strip() or 0)
            if victim:
                self.p.stdin.write("KILL %d;\n" % victim)
                self.p.stdin.flush()
                self.kills += 1
            time.sleep(random.uniform(0.05, 0.2))
        self.p.stdin.close()
        self.p.wait(10)


# Orders whose requests are in, paid by one statement of 20,000 credits dropped into the inbox.
M, N = 80, 60000
d = tempfile.mkdtemp(prefix="cr-conn-kill-")
orders = orders_with_requests(cust, rev, range(seed, seed + M))
ids = ",".join(str(c["id"]) for o in orders for c in o["certificates"])
total = len(ids.split(","))
ok(total == M, "%d approved orders with their requests in" % M)
path = os.path.join(d, "conn-kill-%d.xml" % seed)
subprocess.run([sys.executable, os.path.join(TOP, "contrib", "camt-gen.py"), "--account", conf_value("bank", "account"),
                "--random", str(N - M), "--seed", str(seed), "--orders", "",
                *sum([["--credit", "%d:订单%s:我是测试企业:CONNKILL-%s" % (o["amount_fen"], o["order_no"], o["order_no"])]
                      for o in orders], []), "-o", path], check=True)
sha = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]


def statement_status():
    r = poll("SELECT status FROM statements WHERE file_sha256 = '%s'" % sha)
    return r[0][0] if r else None


def issued():
    return int(poll("SELECT COUNT(*) FROM certificates WHERE id IN (%s) AND status = 'issued'" % ids)[0][0])


since = sql("SELECT UTC_TIMESTAMP(6)")[0][0]
killer = Killer()
killer.start()
t0 = time.time()
os.rename(path, os.path.join(conf_value("bank", "inbox"), os.path.basename(path)))
# Killing goes on for 15 s, or until all is done; then the daemon is left to finish by itself.
wait_for(lambda: statement_status() == "done" and issued() == total, 15, 0.5)
killer.stop.set()
killer.join(20)
ok(killer.kills >= 40, "%d of the daemon's connections killed in %.0f s" % (killer.kills, time.time() - t0), killer.kills)
t1 = time.time()
ok(wait_for(lambda: statement_status() == "done", 120, 0.5), "the import finishes (%.0f s after the kills stopped)"
   % (time.time() - t1), statement_status())
ok(wait_for(lambda: issued() == total, 120, 0.5), "every certificate is issued", issued())
dead = sql("SELECT COUNT(*) FROM jobs WHERE status = 'dead' AND updated_at >= '%s'" % since)[0][0]
ok(dead == "0", "no job gave up: a lost connection does not count as an attempt", dead)
log = open(os.path.join(RUN, "log", "certrenewd.log"), encoding="utf-8", errors="replace").read()
ok("connection lost" in log or "Lost connection" in log or "server has gone away" in log,
   "the daemon met the lost connections")

rows = sql("SELECT COUNT(*), COUNT(DISTINCT credit_key) FROM credits c JOIN statements s ON s.id = c.statement_id"
           " WHERE s.file_sha256 = '%s'" % sha)[0]
ok(rows == [str(N), str(N)], "every one of the %d credits booked exactly once" % N, rows)
book = sql("SELECT COUNT(*) FROM audit_log a JOIN credits c ON a.object_type = 'credit' AND a.object_id = CAST(c.id AS CHAR)"
           " AND a.action = 'credit.book' JOIN statements s ON s.id = c.statement_id WHERE s.file_sha256 = '%s'" % sha)[0][0]
ok(book == str(N), "one credit.book audit row for each", book)
paid = sql("SELECT COUNT(*) FROM orders o WHERE o.order_no IN (%s) AND o.status = 'completed' AND o.paid_fen = o.amount_fen"
           " AND (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) = 1"
           % ",".join("'%s'" % o["order_no"] for o in orders))[0][0]
ok(paid == str(M), "every order paid exactly once and 已完成", paid)
rows = sql("SELECT c.id, COUNT(a.id) FROM certificates c LEFT JOIN audit_log a ON a.action = 'certificate.issue'"
           " AND a.object_type = 'certificate' AND a.object_id = CAST(c.id AS CHAR) WHERE c.id IN (%s) GROUP BY c.id" % ids)
ok(len(rows) == total and all(r[1] == "1" for r in rows), "every certificate issued exactly once (one audit row each)",
   [r for r in rows if r[1] != "1"][:5])
serials = sql("SELECT COUNT(*), COUNT(DISTINCT serial) FROM certificates WHERE id IN (%s)" % ids)[0]
ok(serials == [str(total), str(total)], "their serials are unique", serials)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
p = ctl("ledger", "check")
ok(p.returncode == 0, "the ledger check finds nothing", p.stdout[-500:] + p.stderr[-500:])
done()
