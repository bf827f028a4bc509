"""MariaDB restarts under the running stack: while it is down the API answers 503
with a JSON error (no worker dies), and afterwards the FastCGI workers and
certrenewd reconnect by themselves: sessions still work, jobs still run."""
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

master = read_pid(os.path.join(RUN, "certrenew-fcgi.pid"))
workers = children(master)
daemon = read_pid(os.path.join(RUN, "certrenewd.pid"))
c = Client()
st, _ = c.login("zhangsan")
ok(st == 200, "logged in before the restart")

mypid = read_pid(os.path.join(RUN, "mysql", "mysqld.pid"))
os.kill(mypid, 15)
ok(wait_for(lambda: not os.path.exists("/proc/%d" % mypid), 60), "MariaDB stopped")

st, body = c.json("GET", "/api/v1/me")
ok(st == 503 and error_of(body).get("code") == "db_unavailable", "while it is down: 503 db_unavailable", body)
try:
    urllib.request.urlopen(BASE + "/healthz", timeout=10)
    hz = 200
except urllib.error.HTTPError as e:
    hz = e.code
ok(hz == 503, "/healthz says 503 while the database is down", hz)

log = open(os.path.join(RUN, "log", "mysqld.log"), "a")
subprocess.Popen(["mariadbd", "--defaults-file=" + os.path.join(RUN, "mysql", "my.cnf")], stdout=log, stderr=log,
                 start_new_session=True)
ok(wait_for(healthy, 60), "after the restart /healthz is 200 again")
st, body = c.json("GET", "/api/v1/me")
ok(st == 200 and body["user"]["account"] == "zhangsan", "the same session works: the worker reconnected", body)
ok(children(master) == workers, "no worker was restarted")
p = ctl("jobs", "add", "probe", "{}")
jid = json.loads(p.stdout)["id"] if p.returncode == 0 else 0
ok(wait_for(lambda: sql("SELECT status FROM jobs WHERE id = %d" % jid)[0][0] == "done", 30),
   "certrenewd reconnected and runs jobs", p.stderr)
ok(read_pid(os.path.join(RUN, "certrenewd.pid")) == daemon and os.path.exists("/proc/%d" % daemon),
   "certrenewd did not restart")
done()
