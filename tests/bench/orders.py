"""Throughput of the customers' and reviewers' writes: CLIENTS browsers of one account at once each make
ORDERS orders the whole way (application, seven uploads, step 3, submit, approval, the key's request).
Run against the single stack (CR_BASE=http://127.0.0.1:8080) and the Galera cluster (contrib/dev.sh cluster
up; CR_BASE=http://127.0.0.1:8090, CR_CONF=run/cluster/fcgi-a.conf) to compare.  Prints figures only."""
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

clients, per = int(os.environ.get("CLIENTS", "8")), int(os.environ.get("ORDERS", "10"))
d = tempfile.mkdtemp(prefix="cr-bench-")
subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/k", "-subj", "/CN=x",
                "-out", d + "/r"], check=True, capture_output=True)
req = open(d + "/r", "rb").read()
certs = [[new_cert() for _ in range(per)] for _ in range(clients)]
seed = int(time.time()) % 100000 * 100
failures, done_orders = [], []
jpg = fixture("scan.jpg")


# Logged in one after another before the clock starts (a login storm from one address is throttled by design).
browsers = []
for _ in range(clients):
    c, rev = Client(), Client()
    c.login("我是测试企业")
    rev.login("reviewer")
    browsers.append((c, rev))


def one(k):
    c, rev = browsers[k]
    for j, cert in enumerate(certs[k]):
        st, app = c.json("POST", "/api/v1/applications", step1(cert, seed=seed + k * 1000 + j))
        if st != 201:
            failures.append(("create", st))
            continue
        for kind in KINDS:
            c.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (app["id"], kind), jpg, ctype="image/jpeg")
        c.json("PATCH", "/api/v1/applications/%d" % app["id"], step3())
        st, _ = c.json("POST", "/api/v1/applications/%d/submit" % app["id"], {})
        st2, r = rev.json("POST", "/api/v1/review/applications/%d/approve" % app["id"], {})
        if st != 200 or st2 != 200:
            failures.append(("submit/approve", st, st2))
            continue
        st, o = c.json("GET", "/api/v1/orders/%s" % r["order_no"])
        for cc in o.get("certificates", []):
            c.raw("POST", "/api/v1/certificates/%d/csr" % cc["id"], req, ctype="application/pkcs10")
        done_orders.append(r["order_no"])


t0 = time.time()
ts = [threading.Thread(target=one, args=(k,)) for k in range(clients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
secs = time.time() - t0
print("%-40s %6d orders in %5.1f s: %6.1f orders/s (%d requests each), %d failed" %
      (BASE, len(done_orders), secs, len(done_orders) / secs, len(KINDS) + 6, len(failures)))
if failures:
    print("# failures:", sorted(set(map(str, failures)))[:10])
