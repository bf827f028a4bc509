#!/usr/bin/env bash
# HTTP benchmark through nginx (wrk -t2 -c64): the static login page,
# /healthz, an authenticated GET /api/v1/me and the applications list of an
# account with BENCH_APPLICATIONS (20) applications, in one run on the same stack.
# Prints figures; never fails for being slow.  Run by contrib/dev.sh bench.
set -euo pipefail
base=${CR_BASE:-http://127.0.0.1:8080}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-64}

account=$(python3 "$(dirname "$0")/seed.py") || { echo "bench: cannot prepare the bench account" >&2; exit 1; }
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"account\":\"$account\",\"password\":\"demo-password-1\"}" "$base/api/v1/session" |
	sed -n 's/^Set-Cookie: \(certrenew_session=[0-9a-f]*\).*/\1/p')
[ -n "$cookie" ] || { echo "bench: login failed" >&2; exit 1; }

# name path [header]
run() {
	local out rps p99
	if [ -n "${3:-}" ]; then
		out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$base$2")
	else
		out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$base$2")
	fi
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ' ' || true)
	printf '%-28s %12s req/s   p99 %9s   %s\n' "$1" "$rps" "$p99" "${errs:-}"
	echo "$rps" >"$tmp/$1"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "wrk -t2 -c$conns -d${secs}s through nginx at $base ($(nproc) cores)"
run static "/"
run healthz "/healthz"
run me "/api/v1/me" "Cookie: $cookie"
run applications "/api/v1/applications?period=all" "Cookie: $cookie"
count=$(curl -s -H "Cookie: $cookie" "$base/api/v1/applications?period=all" | grep -o '"id":' | wc -l)
awk -v s="$(cat "$tmp/static")" -v m="$(cat "$tmp/me")" -v h="$(cat "$tmp/healthz")" -v a="$(cat "$tmp/applications")" -v n="$count" 'BEGIN {
	printf "GET /api/v1/me is %.1f%% of the static page (goal: at least 10%%); /healthz %.1f%%\n", 100*m/s, 100*h/s
	printf "GET /api/v1/applications (%d applications) is %.1f%% of the static page (goal: at least 6%%)\n", n, 100*a/s }'
