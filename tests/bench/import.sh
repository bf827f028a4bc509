#!/usr/bin/env bash
# Statement import benchmark (SPEC 7): a generated camt.053 of BENCH_CREDITS (100,000) credits, end to
# end through certrenewctl import-statement against the running stack: credits booked a second (with
# their audit rows) and the peak memory; then the reader alone over a file BENCH_SCALE (10) times larger,
# whose peak must stay flat.  With BENCH_IMPORT_BIG=1 the larger file is imported too.
# Prints figures; never fails for being slow.  Run by contrib/dev.sh bench.
set -euo pipefail
top=${CR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CR_BUILD:-$top/run/build}
conf=${CR_CONF:-$top/run/certrenew.conf}
n=${BENCH_CREDITS:-100000}
scale=${BENCH_SCALE:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
account=$(awk -F' *= *' '/^account/ {print $2; exit}' "$conf")

gen() { python3 "$top/contrib/camt-gen.py" --account "$account" --random "$1" --seed "$2" -o "$3"; }

# file label
import_one() {
	local out secs kb
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$build/certrenewctl" -c "$conf" import-statement "$1" >"$tmp/out"
	read -r secs kb <"$tmp/time"
	printf '%-34s %8s credits  %7.2f s  %9.0f credits/s  peak %6.1f MB\n' "$2" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credits"])' "$tmp/out")" \
		"$secs" "$(echo "$n * ${3:-1} / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}

echo "statement import: camt.053, $n credits, bank.batch from $conf, MariaDB on the same 2 cores"
gen "$n" "$(date +%s)" "$tmp/small.xml"
printf '%-34s %s bytes\n' "file" "$(stat -c %s "$tmp/small.xml")"
import_one "$tmp/small.xml" "import (end to end)"

big=$((n * scale))
gen "$big" "$(($(date +%s) + 1))" "$tmp/big.xml"
printf '%-34s %s bytes\n' "file x$scale" "$(stat -c %s "$tmp/big.xml")"
# A bank export (交易明细 CSV in GBK) of as many rows as the large file, for the export reader.
python3 - "$big" "$tmp/big.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "wb") as f:
    f.write("账户明细\r\n查询账号,6228480012345678901\r\n交易日期,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,"
            "对方户名,对方账号,摘要,交易流水号\r\n".encode("gbk"))
    for i in range(n):
        f.write(("20261125,101010,,\"%d.00\",0.00,某某有限公司%d,6228000000000000,订单%08d,BENCH%09d\r\n"
                 % (100 + i % 900, i % 97, i % 99999999, i)).encode("gbk"))
PY
printf '%-34s %s bytes\n' "export x$scale (CSV, GBK)" "$(stat -c %s "$tmp/big.csv")"
cat >"$tmp/read.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "bank/format.h"
static int count(const struct cr_txn *c, void *arg) { (void)c; ++*(long *)arg; return 0; }
int main(int argc, char **argv) {
	long n = 0; struct cr_err e; (void)argc;
	int rc = cr_statement_read(argv[1], "6228480012345678901", NULL, count, &n, NULL, NULL, &e);
	return rc ? 1 : !printf("%ld\n", n);
}
C
if cc -O2 -D_GNU_SOURCE -I"$top/src" $(pkg-config --cflags libxml-2.0 jansson libmariadb inih) -o "$tmp/read" "$tmp/read.c" \
	"$build/libcertrenew.a" $(pkg-config --libs openssl jansson libmariadb inih libxml-2.0 fcgi libuv libargon2 libcurl libqrencode \
	libzip freexl poppler-glib libqpdf libturbojpeg libpng) \
	2>"$tmp/cc.log"; then
	for f in small.xml big.xml big.csv; do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$tmp/read" "$tmp/$f" >"$tmp/count"
		read -r secs kb <"$tmp/time"
		printf '%-34s %8s records  %7.2f s  %9.0f records/s  peak %6.1f MB\n' "reader alone ($f)" "$(cat "$tmp/count")" \
			"$secs" "$(echo "$(cat "$tmp/count") / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
	done
else
	echo "reader alone: cannot build the probe (see $tmp/cc.log)"
fi
if [ "${BENCH_IMPORT_BIG:-0}" = 1 ]; then
	# bank.max_file (200M by default) refuses the big file; the bench raises it for itself.
	sed 's/^\[bank\]$/[bank]\nmax_file = 4G/' "$conf" >"$tmp/big.conf"
	conf=$tmp/big.conf import_one "$tmp/big.xml" "import x$scale (end to end)" "$scale"
fi
