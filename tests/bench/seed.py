"""Bench data: an enterprise account 'bench-enterprise' with BENCH_APPLICATIONS (default 20)
draft applications, so that the list benchmark measures the same thing on every run.
Idempotent; prints the account name."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

NAME = "bench-enterprise"
WANT = int(os.environ.get("BENCH_APPLICATIONS", "20"))
if ctl("user", "add", "--role", "enterprise", "--name", NAME, NAME, stdin=PW + "\n").returncode not in (0, 1):
    sys.exit("bench: cannot create the bench account")
c = Client()
st, _ = c.login(NAME)
if st != 200:
    sys.exit("bench: cannot log in as %s (%s)" % (NAME, st))
st, lst = c.json("GET", "/api/v1/applications?period=all")
for i in range(len(lst["items"]), WANT):
    cert = new_cert(account=NAME, days=30)
    st, app = c.json("POST", "/api/v1/applications", step1(cert, seed=1000 + i, company_name=NAME))
    if st != 201:
        sys.exit("bench: create failed: %s %s" % (st, app))
    c.json("PATCH", "/api/v1/applications/%d" % app["id"], {"trading_centre_ids": [1, 2][: i % 3], "years": 1 + i % 3})
print(NAME)
