#!/usr/bin/env bash
# Issuing benchmark (SPEC 9): certificates signed a second by the issuing CA in use (ca.cert / ca.key of
# the running stack), in-process with OpenSSL as certrenewd does, one core; and the time from a statement
# landing in the inbox to the certificate of its order issued, through the running stack.
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
#include "ca.h"
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
if cc -O2 -D_GNU_SOURCE -I"$top/src" $(pkg-config --cflags libxml-2.0 jansson libmariadb inih) -o "$tmp/sign" "$tmp/sign.c" \
	"$build/libcertrenew.a" $(pkg-config --libs openssl jansson libmariadb inih libxml-2.0 fcgi libuv libargon2) 2>"$tmp/cc.log"; then
	read -r count secs bits < <("$tmp/sign" "$conf" "$n")
	printf '%-34s %8s certificates  %7.2f s  %9.0f certificates/s (issuing key: %s bits, one core)\n' "signing in-process" \
		"$count" "$secs" "$(echo "$count / $secs" | bc -l)" "$bits"
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
ok_ = wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] == "completed", 30, 0.02)
print("%.2f %s" % (time.time() - t0, "ok" if ok_ else "timeout"))
PY
)
printf '%-34s %s s (%s)\n' "statement landing -> issued" ${out}
