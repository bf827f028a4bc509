#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS (default 20)
# from its seed corpus, printing TAP.  A crash fails the run and leaves the input in
# run/fuzz/<target>/.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/run/fuzz
secs=${FUZZ_SECONDS:-20}
mkdir -p "$out"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$top/src")
declare -A sources=(
	[upload]="src/upload.c src/bytes.c src/log.c src/err.c"
	[idcheck]="src/idcheck.c src/utf8.c src/orderno.c src/err.c"
)
n=0
failed=0
for t in upload idcheck; do
	n=$((n + 1))
	srcs=()
	for s in ${sources[$t]}; do srcs+=("$top/$s"); done
	if ! clang "${flags[@]}" -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" "${srcs[@]}" -lcrypto 2>"$out/build-$t.log"; then
		echo "not ok $n - fuzz-$t builds"; sed 's/^/#   /' "$out/build-$t.log" | head -20; failed=1; continue
	fi
	mkdir -p "$out/$t" "$out/$t-corpus"
	cp -n "$top/tests/fuzz/corpus/$t/"* "$out/$t-corpus/" 2>/dev/null || true
	if (cd "$out/$t" && "$out/fuzz-$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
		"$out/$t-corpus" >"$out/fuzz-$t.log" 2>&1); then
		execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz-$t.log" | awk '{print $2}')
		runs=$(grep -Eo '#[0-9]+' "$out/fuzz-$t.log" | tail -1)
		echo "ok $n - fuzz-$t: no crash in ${secs}s (${runs:-?} runs)"
	else
		echo "not ok $n - fuzz-$t found a crash (input kept in $out/$t/)"
		grep -E 'ERROR|SUMMARY|crash-' "$out/fuzz-$t.log" | head -10 | sed 's/^/#   /'
		failed=1
	fi
done
echo "1..$n"
exit $failed
