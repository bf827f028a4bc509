"""The preforking master: a killed worker is replaced, SIGHUP replaces every
worker one by one without failing a request, /metrics counts requests."""
import os
import signal
import threading
import time
import urllib.request

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

master = read_pid(os.path.join(RUN, "certrenew-fcgi.pid"))
before = children(master)
ok(len(before) >= 2, "the master runs its workers (%d)" % len(before), before)


class Load(threading.Thread):
    """Requests /healthz in a loop and counts answers other than 200."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = False
        self.good = self.bad = 0
        self.errors = []

    def run(self):
        while not self.stop:
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=10) as r:
                    self.good += r.status == 200
            except Exception as e:
                self.bad += 1
                self.errors.append(str(e))


# A worker killed with SIGKILL is replaced.
victim = before[0]
os.kill(victim, signal.SIGKILL)
now = wait_for(lambda: (lambda c: c if len(c) == len(before) and victim not in c else None)(children(master)), 10)
ok(now and victim not in now and len(now) == len(before), "a killed worker is replaced", now)
ok(wait_for(healthy, 5), "and the service answers")

# SIGHUP: rolling restart while requests keep coming.
load = Load()
load.start()
time.sleep(0.5)
old = set(children(master))
os.kill(master, signal.SIGHUP)
replaced = wait_for(lambda: not (set(children(master)) & old) and len(children(master)) == len(old), 30)
time.sleep(0.5)
load.stop = True
load.join()
ok(replaced, "SIGHUP replaces every worker", (old, children(master)))
ok(load.bad == 0 and load.good > 50, "no request failed during the rolling restart (%d answered)" % load.good,
   load.errors[:5])

# Metrics are shared by all workers and only served on loopback.
for _ in range(20):
    urllib.request.urlopen(BASE + "/healthz").read()
with urllib.request.urlopen(BASE + "/metrics") as r:
    text = r.read().decode()
line = [l for l in text.splitlines() if l.startswith('certrenew_http_requests_total{route="GET /healthz",status="200"}')]
ok(line and int(line[0].split()[-1]) >= 20, "/metrics counts requests across workers", line)
ok('certrenew_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"}' in text,
   "/metrics has the latency histogram")
ok("certrenew_jobs{" in text or "certrenew_jobs " in text or "# TYPE certrenew_jobs gauge" in text,
   "/metrics has the job queue")
done()
