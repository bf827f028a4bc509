"""The job queue shared by two certrenewd processes on one database: every job
runs exactly once, both daemons take part, a failing job is retried with
back-off, and SIGTERM hands unfinished work back for the other daemon."""
import os
import signal
import subprocess
import time

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

first = read_pid(os.path.join(RUN, "certrenewd.pid"))
ok(first is not None and os.path.exists("/proc/%d" % first), "the stack's certrenewd runs")
pid2 = os.path.join(RUN, "certrenewd-2.pid")
log2 = open(os.path.join(RUN, "log", "certrenewd-2.log"), "a")
second = subprocess.Popen([os.path.join(BUILD, "certrenewd"), "-c", CONF, "-p", pid2], stdout=log2, stderr=log2)
ok(wait_for(lambda: read_pid(pid2) == second.pid, 10), "a second certrenewd starts on the same database")


def add(n, payload):
    p = ctl("jobs", "add", "--count", str(n), "probe", json.dumps(payload))
    ids = [json.loads(l)["id"] for l in p.stdout.splitlines()]
    return ids, p


def statuses(ids):
    rows = sql("SELECT status, COUNT(*) FROM jobs WHERE id IN (%s) GROUP BY status" % ",".join(map(str, ids)))
    return {r[0]: int(r[1]) for r in rows}


ids, p = add(300, {"sleep_ms": 20})
ok(len(ids) == 300, "300 probe jobs queued", p.stderr)
t0 = time.time()
ok(wait_for(lambda: statuses(ids).get("done") == 300, 120), "all 300 done (%.1f s)" % (time.time() - t0), statuses(ids))
runs = sql("SELECT job_id, COUNT(*) FROM job_probe_runs WHERE job_id IN (%s) GROUP BY job_id" % ",".join(map(str, ids)))
counts = {int(r[0]): int(r[1]) for r in runs}
ok(len(counts) == 300 and set(counts.values()) == {1}, "every job ran exactly once",
   [k for k, v in counts.items() if v != 1][:10])
runners = sql("SELECT runner, COUNT(*) FROM job_probe_runs WHERE job_id IN (%s) GROUP BY runner" % ",".join(map(str, ids)))
ok(len(runners) >= 2, "both daemons ran jobs: %s" % ", ".join("%s=%s" % (r[0], r[1]) for r in runners), runners)

# A job that fails once is retried after the back-off and then succeeds.
ids, p = add(1, {"fail_times": 1})
ok(wait_for(lambda: sql("SELECT status, attempts, last_error FROM jobs WHERE id = %d" % ids[0])[0][0] == "failed", 15),
   "a failing job is marked failed and waits for its retry")
row = sql("SELECT last_error, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), run_after) FROM jobs WHERE id = %d" % ids[0])[0]
ok("on purpose" in row[0] and 0 <= int(row[1]) <= 10, "its last error is kept and the retry is scheduled", row)
ok(wait_for(lambda: sql("SELECT status FROM jobs WHERE id = %d" % ids[0])[0][0] == "done", 30),
   "the retry succeeds", sql("SELECT status, attempts, last_error FROM jobs WHERE id = %d" % ids[0]))
ok(sql("SELECT attempts FROM jobs WHERE id = %d" % ids[0])[0][0] == "2", "after two attempts")
p = ctl("jobs", "--limit", "5")
listed = [json.loads(l) for l in p.stdout.splitlines()]
ok(p.returncode == 0 and listed and all("status" in j and "last_error" in j for j in listed),
   "certrenewctl jobs lists jobs with status and last error", p.stdout[:300])

# SIGTERM while long jobs run: the daemon stops promptly and nothing is lost.
ids, p = add(10, {"sleep_ms": 4000})
ok(wait_for(lambda: sql("SELECT COUNT(*) FROM jobs WHERE status = 'running' AND locked_by LIKE '%%:%d:%%'"
                        % second.pid)[0][0] != "0", 15), "the second daemon holds running jobs")
t0 = time.time()
second.send_signal(signal.SIGTERM)
try:
    rc = second.wait(20)
except subprocess.TimeoutExpired:
    rc = None
ok(rc == 0 and time.time() - t0 < 5, "SIGTERM stops it within seconds (%.1f s, status %s)" % (time.time() - t0, rc))
ok(not os.path.exists(pid2), "its pid file is removed")
ok(sql("SELECT COUNT(*) FROM jobs WHERE status = 'running' AND locked_by LIKE '%%:%d:%%'" % second.pid)[0][0] == "0",
   "it left no job leased to itself")
ok(wait_for(lambda: statuses(ids).get("done") == 10, 60), "the other daemon finished all ten", statuses(ids))
log2.close()
done()
