#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS (default 20)
# from its seed corpus (with its dictionary from tests/fuzz/dict/ when there is one), printing TAP.  A crash fails the run and leaves the input in
# run/fuzz/<target>/.
#
# The library's sources and flags come from the Makefile (CR_LIB_SOURCES, CR_LIB_CFLAGS,
# CR_LIB_LIBS in the test environment): every source is built once, instrumented, into an
# archive, and each target links what it uses from it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/run/fuzz
secs=${FUZZ_SECONDS:-20}
mkdir -p "$out/obj"
: "${CR_LIB_SOURCES:?run through make fuzz, which names the library sources}"
flags=(-g -O1 -fno-sanitize-recover=undefined -D_GNU_SOURCE -DSCHEMA_DIR='"/nonexistent"'
	-DDEFAULT_CONF='"/nonexistent"' -I"$top/src")
# shellcheck disable=SC2206
libcflags=(${CR_LIB_CFLAGS:-})
# shellcheck disable=SC2206
libs=(${CR_LIB_LIBS:-})
targets=()
for f in "$top"/tests/fuzz/fuzz-*.c; do
	t=$(basename "$f" .c)
	targets+=("${t#fuzz-}")
done

objs=()
build_failed=0
rm -f "$out/build-lib.log"
running=0
for s in $CR_LIB_SOURCES; do
	case $s in *.c) ;; *) continue ;; esac
	o=$out/obj/$(echo "$s" | tr / _).o
	objs+=("$o")
	# Rebuilt when its source or any header is newer (headers are few; this stays simple).
	if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] || [ -n "$(find "$top/src" -name '*.h' -newer "$o" | head -1)" ]; then
		clang "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined "${libcflags[@]}" -c "$top/$s" -o "$o" \
			2>>"$out/build-lib.log" || { rm -f "$o"; echo "$s" >>"$out/build-lib.log"; } &
		running=$((running + 1))
		if [ "$running" -ge "$(nproc)" ]; then
			wait -n
			running=$((running - 1))
		fi
	fi
done
wait
for o in "${objs[@]}"; do
	[ -f "$o" ] || build_failed=1
done
rm -f "$out/libcertrenew-fuzz.a"
if [ "$build_failed" = 0 ]; then
	ar rcs "$out/libcertrenew-fuzz.a" "${objs[@]}" 2>>"$out/build-lib.log" || build_failed=1
fi

n=0
failed=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	if [ "$build_failed" != 0 ]; then
		echo "not ok $n - fuzz-$t: the library does not build with clang"
		sed 's/^/#   /' "$out/build-lib.log" | head -20
		failed=1
		continue
	fi
	if ! clang "${flags[@]}" -fsanitize=fuzzer,address,undefined -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" \
		"$out/libcertrenew-fuzz.a" "${libs[@]}" 2>"$out/build-$t.log"; then
		echo "not ok $n - fuzz-$t builds"; sed 's/^/#   /' "$out/build-$t.log" | head -20; failed=1; continue
	fi
	mkdir -p "$out/$t" "$out/$t-corpus"
	cp -n "$top/tests/fuzz/corpus/$t/"* "$out/$t-corpus/" 2>/dev/null || true
	# Per target: its format's tokens (tests/fuzz/dict/), inputs as large as real ones (a photographed scan
	# runs to hundreds of KiB), and a per-input time limit so that a slow input is reported, not waited out.
	opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=1024)
	case $t in
	upload) opts+=(-max_len=262144) ;;
	*) opts+=(-max_len=65536) ;;
	esac
	[ -f "$top/tests/fuzz/dict/$t.dict" ] && opts+=(-dict="$top/tests/fuzz/dict/$t.dict")
	if (cd "$out/$t" && "$out/fuzz-$t" "${opts[@]}" "$out/$t-corpus" >"$out/fuzz-$t.log" 2>&1); then
		# libFuzzer's closing "Done N runs" (its status lines start with #N; a dictionary it prints may hold '#').
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out/fuzz-$t.log" | tail -1)
		[ -n "$runs" ] || runs=$(grep -Eo '^#[0-9]+' "$out/fuzz-$t.log" | tail -1 | tr -d '#')
		cov=$(grep -o 'cov: [0-9]*' "$out/fuzz-$t.log" | tail -1 | cut -d' ' -f2)
		echo "ok $n - fuzz-$t: no crash in ${secs}s (${runs:-?} runs, ${cov:-?} edges covered)"
	else
		echo "not ok $n - fuzz-$t found a crash (input kept in $out/$t/)"
		grep -E 'ERROR|SUMMARY|crash-' "$out/fuzz-$t.log" | head -10 | sed 's/^/#   /'
		failed=1
	fi
done
echo "1..$n"
exit $failed
