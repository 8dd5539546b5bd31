#!/usr/bin/env bash
# Push latency across replicas: two `symbios serve` (release build) on one PostgreSQL
# database (`symbios_bench` on 127.0.0.1:5432); IDLE subscribers held on the second, then
# WRITES actors created through the first, each timed until it reaches a subscriber of the
# second (bench/subscriptions.mjs); the second's RSS before and after the idle subscribers.
#   bench/subscriptions.sh [listen|poll] [idle=1000] [writes=300]
# `listen` (the default): wake-ups by LISTEN/NOTIFY (the poll left at its default 5 s);
# `poll`: LISTEN off, the change log polled every 200 ms (what a replica falls back to).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/lib.sh"
mode="${1:-listen}" idle="${2:-1000}" writes="${3:-300}" port="${SYMBIOS_BENCH_PORT:-18095}"
unset SYMBIOS_BENCH_PORT  # the server refuses unknown SYMBIOS_ settings
bench_need node "install Node.js 20 or newer"
bench_need psql "install the PostgreSQL client"
[ -d "$ROOT/clients/node_modules/ws" ] || npm ci --prefix "$ROOT/clients" --no-audit --no-fund --loglevel=error >/dev/null
ulimit -n "$(ulimit -Hn)"   # a socket per subscriber, on both sides

# BENCH_BIN: another build to measure (figures go in docs/benchmarks.md from release only).
if [ -z "${BENCH_BIN:-}" ]; then
  cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios
fi
bin="${BENCH_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/symbios}"
bench_unlimited
export SYMBIOS_LIMITS__SUBSCRIPTIONS_PER_ADDRESS=$((idle + 10))
case "$mode" in
  listen) export SYMBIOS_CHANGES_LISTEN=true ;;
  poll) export SYMBIOS_CHANGES_LISTEN=false SYMBIOS_CHANGES_POLL_MS=200 ;;
  *) echo "bench: mode must be listen or poll" >&2; exit 2 ;;
esac
bench_database postgres
first="$(mktemp -d /tmp/symbios-bench-a.XXXXXX)"
second="$(mktemp -d /tmp/symbios-bench-b.XXXXXX)"
SYMBIOS_DATA_DIR="$first" SYMBIOS_BIND="127.0.0.1:$port" SYMBIOS_LOG=warn "$bin" serve >"$first/server.log" 2>&1 &
writer=$!
trap 'kill $writer ${reader:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$first" "$second"' EXIT
bench_wait_ready "$port" 600
SYMBIOS_DATA_DIR="$second" SYMBIOS_BIND="127.0.0.1:$((port + 1))" SYMBIOS_LOG=warn "$bin" serve >"$second/server.log" 2>&1 &
reader=$!
bench_wait_ready "$((port + 1))" 600
key=$(SYMBIOS_DATA_DIR="$first" "$bin" apikey create --name bench --role editor 2>"$first/apikey.log") || { cat "$first/apikey.log" "$first/server.log" "$second/server.log" >&2; exit 1; }

bench_header postgres "two replicas, $mode, $idle idle subscribers"
node "$ROOT/bench/subscriptions.mjs" "http://127.0.0.1:$port" "http://127.0.0.1:$((port + 1))" "$reader" "$key" "$idle" "$writes"
