"""certrenewd at its edges (issue 20): a job queued while a long one runs starts at once (a free slot claims, and
a wake datagram says so); the daemon renews the lease of a job that runs longer than its lease, so nobody runs
it twice; a job deaf to the stop is never handed back while it runs, past the grace period too, and the daemon
exits once it is done; after kill -9 the daemon restarted on the same host takes its predecessor's job back at
once instead of waiting for the lease."""
import os
import signal
import subprocess
import time

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

main_pid = read_pid(os.path.join(RUN, "certrenewd.pid"))
ok(main_pid and os.path.exists("/proc/%d" % main_pid), "the stack's certrenewd runs")


def add(payload, n=1):
    p = ctl("jobs", "add", "--count", str(n), "probe", json.dumps(payload))
    return [json.loads(l)["id"] for l in p.stdout.splitlines()]


def job(i):
    r = sql("SELECT status, locked_by, last_error, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), lease_until)"
            " FROM jobs WHERE id = %d" % i)
    return r[0] if r else [None, None, None, None]


def runs(i):
    return int(sql("SELECT COUNT(*) FROM job_probe_runs WHERE job_id = %d" % i)[0][0])


def started_after(i):
    """Seconds from the job's queueing to its run."""
    r = sql("SELECT TIMESTAMPDIFF(MICROSECOND, j.created_at, r.at) FROM jobs j JOIN job_probe_runs r"
            " ON r.job_id = j.id WHERE j.id = %d" % i)
    return int(r[0][0]) / 1e6 if r else None


# A job queued while a long one runs starts at once: a free slot takes it, woken by the queueing.
long_job = add({"sleep_ms": 8000})[0]
ok(wait_for(lambda: job(long_job)[0] == "running", 10), "a long job runs")
lat = []
for _ in range(5):
    i = add({})[0]
    wait_for(lambda: runs(i) == 1, 10, 0.02)
    lat.append(started_after(i))
    time.sleep(0.13)
lat = [x for x in lat if x is not None]
print("# queue -> start while a long job runs: %s s" % ", ".join("%.3f" % x for x in lat))
ok(len(lat) == 5 and job(long_job)[0] == "running" and sorted(lat)[2] < 0.25 and max(lat) < 1.5,
   "five short jobs queued during it start at once (median %.3f s; polling alone would wait up to a second, "
   "or until the long job ends)" % (sorted(lat)[2] if lat else -1), lat)

# A daemon of the test's own: short lease, short grace (the stack's daemon is paused meanwhile, so that this one
# takes the jobs).
conf = os.path.join(RUN, "certrenew-daemon-test.conf")
open(conf, "w", encoding="utf-8").write(open(CONF, encoding="utf-8").read() +
                                        "\n[jobs]\nlease = 5\nstop_grace = 2\nwake_listen =\n")
pidfile = os.path.join(RUN, "certrenewd-test.pid")


def start():
    return start_daemon(conf, pidfile, "certrenewd-test.log")


ok(wait_for(lambda: job(long_job)[0] == "done", 15), "the long job is done first")
os.kill(main_pid, signal.SIGSTOP)
try:
    d = start()
    # Leases: a job three times as long as its lease keeps it, runs once, and is never reaped.
    i = add({"sleep_ms": 15000})[0]
    ok(wait_for(lambda: job(i)[0] == "running", 10), "a job of 15 s under a 5 s lease runs")
    seen = []
    while job(i)[0] == "running":
        seen.append(job(i)[3])
        time.sleep(1)
    ok(job(i)[0] == "done" and runs(i) == 1 and job(i)[2] in (None, "NULL"),
       "it finished once, never reaped (runs %d, last error %s)" % (runs(i), job(i)[2]))
    ok(seen and all(x is not None and int(x) > 0 for x in seen),
       "its lease never ran out while it ran (%d looks, the least %.1f s ahead)"
       % (len(seen), min(int(x) for x in seen if x is not None) / 1e6 if seen else -1))

    # The stop: a job deaf to it runs past the grace period; it is not handed back while it runs.
    i = add({"sleep_ms": 7000, "ignore_stop": True})[0]
    ok(wait_for(lambda: job(i)[0] == "running", 10), "a job deaf to the stop runs")
    t0 = time.time()
    d.send_signal(signal.SIGTERM)
    time.sleep(4)
    st = job(i)
    ok(d.poll() is None and st[0] == "running" and str(d.pid) in (st[1] or ""),
       "4 s after SIGTERM (grace 2 s) it still runs, still this daemon's, the daemon waits for it", st)
    try:
        rc = d.wait(20)
    except subprocess.TimeoutExpired:
        rc = None
    ok(rc == 0 and job(i)[0] == "done" and runs(i) == 1,
       "the daemon exits once it is done (%.1f s, status %s), the job done, run once" % (time.time() - t0, rc))
    ok(not os.path.exists(pidfile), "its pid file is removed")

    # kill -9: the daemon started next on this host takes the job back at once, not after the lease.
    with open(conf, "a", encoding="utf-8") as f:
        f.write("\n[jobs]\nlease = 600\n")
    d = start()
    i = add({"sleep_ms": 2000})[0]
    ok(wait_for(lambda: job(i)[0] == "running", 10), "a job runs")
    d.send_signal(signal.SIGKILL)
    d.wait()
    t0 = time.time()
    d = start()
    ok(wait_for(lambda: job(i)[0] == "done", 20), "after kill -9 the restarted daemon finishes it (%.1f s; lease 600 s)"
       % (time.time() - t0), job(i))
    said = open(os.path.join(RUN, "log", "certrenewd-test.log"), encoding="utf-8", errors="replace").read()
    ok(runs(i) == 2 and "of a dead daemon of this host taken back" in said,
       "it ran again, taken back at start because its daemon was gone", runs(i))
    d.send_signal(signal.SIGTERM)
    d.wait(30)
finally:
    os.kill(main_pid, signal.SIGCONT)
done()
