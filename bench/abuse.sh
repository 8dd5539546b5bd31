#!/usr/bin/env bash
# Normal load beside attackers, against the release build on its default limits (loopback only).
#   bench/abuse.sh sqlite|postgres [seconds=60]
#   ABUSE_ADDRESSES=3 bench/abuse.sh …   attackers from 3 addresses instead of a new one per request
#   ABUSE_THREADS=1 bench/abuse.sh …     one attacking connection instead of three
#   ABUSE_NICE=0 bench/abuse.sh …        the attackers at the server's CPU priority (default 19)
#   ABUSE_PIN=1 bench/abuse.sh …         the server on the second core, wrk and the attackers on
#                                        the first (so that the attackers' own CPU is not the server's)
# 1. quiet: wrk (-t2 -c10) alternates a list query and a search for SECONDS, at
#    ABUSE_NORMAL_RATE requests per second in all (default 1,000, about a third of what the
#    server answers at most on two cores; 0: as fast as it answers);
# 2. under attack: the same load for SECONDS while bench/abuse/attackers.py sends every attack
#    class of issue 15 in a loop (3 threads, each request from another address) and holds 200
#    connections whose bodies trickle in a byte every two seconds.
# The server trusts 127.0.0.1 as a proxy, so the load and the attackers name their client in
# X-Forwarded-For: each reader and each attacker request has an address of its own, as on the
# internet (the per-address limit stays on, at its default, and does not do the defending).
# Prints req/s, p50 and p99 of the normal load for both runs, the server's peak RSS (VmHWM) and
# whether it is still alive, then what each attack class was answered.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/lib.sh"
backend="${1:?usage: bench/abuse.sh sqlite|postgres [seconds]}"
secs="${2:-60}"
port="${SYMBIOS_BENCH_PORT:-18091}"
bin_dir="${SYMBIOS_BENCH_BIN_DIR:-}"
unset SYMBIOS_BENCH_PORT SYMBIOS_BENCH_BIN_DIR  # the server refuses unknown SYMBIOS_ settings
bench_need wrk "apt-get install -y wrk"

# SYMBIOS_BENCH_BIN_DIR: a folder holding a `symbios` built earlier (to compare builds);
# otherwise the working tree's release build.
if [ -n "$bin_dir" ]; then
  binary="$bin_dir/symbios"
else
  cargo build --release --manifest-path "$ROOT/Cargo.toml" -q
  binary="$ROOT/target/release/symbios"
fi
bench_data_dir "$port" symbios-abuse
export SYMBIOS_TRUSTED_PROXIES='["127.0.0.1"]'
bench_database "$backend" symbios_abuse

server_cores=() client_cores=()
if [ "${ABUSE_PIN:-0}" = 1 ]; then server_cores=(taskset -c 1) client_cores=(taskset -c 0); fi
bench_serve "${server_cores[@]}" "$binary"
bench_wait_ready "$port" 300
ABUSE_PARTNER_KEY="$("$binary" apikey create --name abuse --role partner --scheme ABUSE)"
export ABUSE_PARTNER_KEY

rss() { awk -v field="$1" '$1 == field":" { print $2 }' "/proc/$server/status"; }
# The server's CPU time so far, in seconds (utime + stime of /proc/PID/stat).
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$server/stat"; }
normal_load() {  # seconds
  ABUSE_NORMAL_CONNECTIONS=10 "${client_cores[@]}" wrk -t2 -c10 -d"${1}s" --timeout 10s --latency -s "$ROOT/bench/abuse/normal.lua" \
    "http://127.0.0.1:$port/graphql" | grep '^WRKRESULT' | sed 's/^WRKRESULT //'
}

bench_header "$backend" "${secs}s per run, normal rate ${ABUSE_NORMAL_RATE:-1000}/s, attackers from ${ABUSE_ADDRESSES:-a new address per request}, ${ABUSE_THREADS:-3} attacking connections at nice ${ABUSE_NICE:-19}, pinned ${ABUSE_PIN:-0}"
normal_load 3 >/dev/null  # warm-up
cpu_before=$(server_cpu)
quiet="$(normal_load "$secs")"
cpu_quiet=$(server_cpu)
echo "quiet:        $quiet  rss_kb=$(rss VmRSS) server_cpu_s=$(awk -v a="$cpu_before" -v b="$cpu_quiet" 'BEGIN { printf "%.1f", b - a }')"
# The attackers run at the lowest CPU priority: on the internet they use their own machines,
# here their CPU would otherwise come out of the server's (ABUSE_NICE=0 to compare).
"${client_cores[@]}" nice -n "${ABUSE_NICE:-19}" python3 "$ROOT/bench/abuse/attackers.py" "$port" "$secs" "${ABUSE_THREADS:-3}" \
  >"$data_dir/attacks.txt" 2>&1 &
attackers=$!
under_attack="$(normal_load "$secs")"
attack_status=0
wait $attackers || attack_status=$?
cpu_attacked=$(server_cpu)
echo "under attack: $under_attack  rss_kb=$(rss VmRSS) server_cpu_s=$(awk -v a="$cpu_quiet" -v b="$cpu_attacked" 'BEGIN { printf "%.1f", b - a }')"
if kill -0 $server 2>/dev/null; then alive=yes; else alive=no; fi
echo "server: alive=$alive peak_rss_kb=$(rss VmHWM 2>/dev/null || echo '?')"
cat "$data_dir/attacks.txt"
echo "server log: $(grep -ci 'panicked\|overflow' "$data_dir/server.log" || true) lines with a panic or an overflow"
[ "$alive" = yes ] && [ "$attack_status" = 0 ]
