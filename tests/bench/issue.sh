#!/usr/bin/env bash
# Issuing benchmark (SPEC 9): certificates signed a second in-process with OpenSSL as certrenewd does, one
# core, by the issuing CA in use (ca.cert / ca.key of the running stack) and by a fresh RSA-2048 CA; the
# time from a statement landing in the inbox to the certificate of its order issued, through the running
# stack; and the issue rate of the whole path (jobs, database, audit, messages) when BENCH_ORDERS (120)
# orders of 1 + BENCH_ADDONS (1) certificates, with their requests already in, are paid by one statement.
# Prints figures; never fails for being slow.  Run by contrib/dev.sh bench.
set -euo pipefail
top=${CR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CR_BUILD:-$top/run/build}
conf=${CR_CONF:-$top/run/certrenew.conf}
n=${BENCH_CERTS:-2000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/sign.c" <<'C'
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "pki/pki.h"
#include "config.h"
int main(int argc, char **argv) {
	struct cr_config cfg; struct cr_err err; struct cr_ca ca; struct timespec a, b; int n = atoi(argv[2]);
	cr_config_defaults(&cfg);
	if (cr_config_load(&cfg, argv[1], &err) || cr_ca_load(&ca, &cfg, 1, &err)) { fprintf(stderr, "%s\n", err.msg); return 1; }
	EVP_PKEY *k = EVP_EC_gen("P-256");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) { X509 *x = cr_ca_issue(&ca, &cfg, X509_get_subject_name(ca.cert), NULL, k, time(NULL), 1, &err); if (!x) return 1; X509_free(x); }
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%d %.3f %d\n", n, s, EVP_PKEY_get_bits(ca.key));
	return 0;
}
C
"$build/certrenewctl" -c "$conf" ca init --key rsa2048 "$tmp/ca2048" >/dev/null
sed -e "s|^cert = .*|cert = $tmp/ca2048/ca.pem|" -e "s|^key = .*|key = $tmp/ca2048/ca.key|" \
	-e "s|^chain = .*|chain = $tmp/ca2048/root.pem|" "$conf" >"$tmp/ca2048.conf"
if cc -O2 -D_GNU_SOURCE -I"$top/src" $(pkg-config --cflags libxml-2.0 jansson libmariadb inih) -o "$tmp/sign" "$tmp/sign.c" \
	"$build/libcertrenew.a" $(pkg-config --libs openssl jansson libmariadb inih libxml-2.0 fcgi libuv libargon2 libcurl \
	libqrencode libzip freexl poppler-glib libqpdf libturbojpeg libpng) 2>"$tmp/cc.log"; then
	for c in "$conf" "$tmp/ca2048.conf"; do
		read -r count secs bits < <("$tmp/sign" "$c" "$n")
		printf '%-34s %8s certificates  %7.2f s  %9.0f certificates/s (issuing key: RSA %s bits, one core)\n' \
			"signing in-process" "$count" "$secs" "$(echo "$count / $secs" | bc -l)" "$bits"
	done
else
	echo "signing in-process: cannot build the probe (see $tmp/cc.log)"
	cat "$tmp/cc.log" >&2
fi

# End to end: an approved order with its request in; the statement dropped into the inbox.
out=$(python3 - "$top" <<'PY'
import json, os, subprocess, sys, tempfile, time
top = sys.argv[1]
sys.path.insert(0, os.path.join(top, "tests", "integration"))
from crtest import *
sys.path.insert(0, os.path.join(top, "tests", "bench"))
from issued import issued_after
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
o = approved_order(cust, rev, seed=int(time.time()) % 100000)
d = tempfile.mkdtemp()
subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                d + "/k", "-subj", "/CN=x", "-out", d + "/r"], check=True, capture_output=True)
cust.raw("POST", "/api/v1/certificates/%d/csr" % o["certificates"][0]["id"], open(d + "/r", "rb").read(), ctype="application/pkcs10")
path = statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "BENCH-%s" % o["order_no"]))
inbox = conf_value("bank", "inbox")
t0 = time.time()
os.rename(path, os.path.join(inbox, "bench-%s.xml" % o["order_no"]))
ok_ = wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "completed", 30, 0.1)
print("%.3f %s" % (issued_after(t0, [o["certificates"][0]["id"]]), "ok" if ok_ else "timeout"))
PY
)
printf '%-34s %s s (%s)\n' "statement landing -> issued" ${out}

# The whole path in bulk: BENCH_ORDERS approved orders, each with its request in, paid by one statement
# dropped into the inbox; the time until every certificate is issued (by the stack's certrenewd and CA).
out=$(BENCH_ORDERS=${BENCH_ORDERS:-120} BENCH_ADDONS=${BENCH_ADDONS:-1} python3 - "$top" <<'PY'
import os, subprocess, sys, tempfile, time
top = sys.argv[1]
sys.path.insert(0, os.path.join(top, "tests", "integration"))
from crtest import *
sys.path.insert(0, os.path.join(top, "tests", "bench"))
from issued import issued_after
n = int(os.environ["BENCH_ORDERS"])
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
tcs = [c["id"] for c in cust.json("GET", "/api/v1/trading-centres")[1]["items"]][:int(os.environ["BENCH_ADDONS"])]
d = tempfile.mkdtemp()
subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/k", "-subj", "/CN=x",
                "-out", d + "/r"], check=True, capture_output=True)
req = open(d + "/r", "rb").read()
orders, base = [], int(time.time()) % 100000
t = time.time()
for i in range(n):
    o = approved_order(cust, rev, seed=base * 1000 + i, centres=tcs)
    for c in o["certificates"]:
        st, _, _ = cust.raw("POST", "/api/v1/certificates/%d/csr" % c["id"], req, ctype="application/pkcs10")
        assert st == 200
    orders.append(o)
prep = time.time() - t
ids = ",".join(str(c["id"]) for o in orders for c in o["certificates"])
path = statement(*[(o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "BULK-%s" % o["order_no"]) for o in orders])
t0 = time.time()
os.rename(path, os.path.join(conf_value("bank", "inbox"), "bulk-%d.xml" % base))
issued = lambda: int(sql("SELECT COUNT(*) FROM certificates WHERE id IN (%s) AND status = 'issued'" % ids)[0][0])
ok_ = wait_for(lambda: issued() == len(ids.split(",")), 600, 0.25)
dt = issued_after(t0, ids.split(","))
span = sql("SELECT TIMESTAMPDIFF(MICROSECOND, MIN(issued_at), MAX(issued_at)) / 1e6 FROM certificates"
           " WHERE id IN (%s)" % ids)[0][0]
n_ = len(ids.split(","))
print("%d %.2f %.0f %s %.0f %.0f" % (n_, dt, n_ / dt, "ok" if ok_ else "timeout", prep,
                                     n_ / max(float(span or 0), 0.001)))
PY
)
read -r certs secs rate state prep issuing <<<"$out"
printf '%-34s %8s certificates  %7.2f s  %9s certificates/s (landing -> all issued, %s; %s s to prepare the orders)\n' \
	"bulk: one statement pays all" "$certs" "$secs" "$rate" "$state" "$prep"
printf '%-34s %8s certificates  %19s certificates/s (first to last issued: the daemon alone)\n' \
	"bulk: issuing" "$certs" "$issuing"
