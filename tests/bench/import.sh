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
cat >"$tmp/read.c" <<'C'
#include <stdio.h>
#include "camt.h"
static int count(const struct cr_credit *c, void *arg) { (void)c; ++*(long *)arg; return 0; }
int main(int argc, char **argv) { long n = 0; struct cr_err e; (void)argc; return cr_camt_read(argv[1], count, &n, NULL, &e) ? 1 : !printf("%ld\n", n); }
C
if cc -O2 -D_GNU_SOURCE -I"$top/src" $(pkg-config --cflags libxml-2.0) -o "$tmp/read" "$tmp/read.c" "$top/src/camt.c" \
	"$top/src/err.c" $(pkg-config --libs libxml-2.0) 2>"$tmp/cc.log"; then
	for f in small big; do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$tmp/read" "$tmp/$f.xml" >"$tmp/count"
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
